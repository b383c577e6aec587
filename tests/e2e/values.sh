#!/bin/sh
# Values are never changed silently (issue 14, item 14).  As found:
# `-p seed=9007199254740993` became 9.00719925474099e+15 and `-p x=1e999`
# null; `runlens metric` exited 0 on values the runner then dropped; a
# JSON string holding \u0000 was cut there; nesting too deep was
# "expected a value".  Now each is kept exactly or refused (exit 2) with
# what to write instead — by -p, the pipeline parser, the step commands,
# librunlens, the Python module and the runner, which all apply one rule
# (client/records.h).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
: "${C_STEP:?C_STEP must point at the C test step}"
export PYTHONPATH="${RUNLENS_PYTHON_DIR:-$TESTS_SRCDIR/../python}${PYTHONPATH:+:$PYTHONPATH}"
last() { sql "select max(id) from runs"; }
param() { sql "select value_json from run_params where run_id = $1 and key = '$2'"; }
meta() { sql "select m.value_json from metadata m join step_runs s on s.id = m.step_run_id where s.run_id = $1 and m.key = '$2'"; }
metric() { sql "select value from run_metrics where run_id = $1 and key = '$2'"; }
deep() { python3 -c "import sys; n = int(sys.argv[1]); print('[' * n + ']' * n)" "$1"; }

# ---- -p: refused with exit 2, naming the param and how to pass text
cat > p.json <<'J'
{"name": "p", "params": {"seed": 1, "any": null, "xs": [1], "s": "text"},
 "steps": [{"name": "s", "run": "echo seed=${params.seed} any=${params.any} xs=${params.xs} s=${params.s} > $RUNLENS_OUTPUT_O",
            "outputs": {"o": "o.txt"}}]}
J
expect_exit 2 rl run p.json -p seed=9007199254740993
expect_contains "$ERR" "-p seed=9007199254740993: not exactly representable as a number"
expect_contains "$ERR" "declare it a string (\"seed\": \"1\") to pass text"
expect_exit 2 rl run p.json -p any=9007199254740993
expect_contains "$ERR" "quote it to pass text: -p 'any=\"9007199254740993\"'"
expect_exit 2 rl run p.json -p any=1e999
expect_contains "$ERR" "-p any=1e999: too large for a number (it would become infinity)"
expect_exit 2 rl run p.json -p any=-1e-999
expect_contains "$ERR" "too small for a number (it would become 0)"
expect_exit 2 rl run p.json -p 'xs=[1, {"a": 12345678901234567890}]'
expect_contains "$ERR" '12345678901234567890 is not exactly representable as a number'
expect_contains "$ERR" 'write it as a string ("12345678901234567890") to keep it as text'
expect_exit 2 rl run p.json -p 'any="a\u0000b"'
expect_contains "$ERR" 'a string holds \u0000'
expect_exit 2 rl run p.json -p "any=$(deep 1000)"
expect_contains "$ERR" "nested deeper than 992 levels"
expect_eq "" "$(last 2>/dev/null)" "nothing was recorded"
# what a double holds is kept exactly, recorded and given to the step
expect_exit 0 rl run p.json -p seed=9007199254740991 -p any=0.30000000000000004 \
	-p 'xs=[1e308, -0.5]' -p s=9007199254740993
r=$(last)
expect_eq 9007199254740991 "$(param "$r" seed)" "-p seed recorded exactly (cJSON wrote 9.00719925474099e+15)"
expect_eq 0.30000000000000004 "$(param "$r" any)" "-p any recorded exactly (cJSON wrote 0.3)"
expect_eq "[1e+308,-0.5]" "$(param "$r" xs)"
expect_eq '"9007199254740993"' "$(param "$r" s)" "a string param takes the text"
expect_eq "seed=9007199254740991 any=0.30000000000000004 xs=[1e+308,-0.5] s=9007199254740993" \
	"$(cat "$(sql_path "select a.path from step_outputs o join artifacts a on a.id = o.artifact_id join step_runs s on s.id = o.step_run_id where s.run_id = $r")")" \
	"the step was given the values as written"
# the quoting the message suggests works
expect_exit 0 rl run p.json -p 'any="9007199254740993"'
expect_eq '"9007199254740993"' "$(param "$(last)" any)"

# ---- the pipeline file: refused at FILE:LINE:COL
printf '{"name": "f",\n "params": {"x": 1e999},\n "steps": [{"name": "s", "run": "true"}]}\n' > f1.json
expect_exit 2 rl run f1.json
expect_eq "runlens: f1.json:2:18: 1e999 is too large for a number (it would become infinity); write it as a string (\"1e999\") to keep it as text" "$ERR"
printf '{"name": "f",\n "params": {"x": 9007199254740993},\n "steps": [{"name": "s", "run": "true"}]}\n' > f2.json
expect_exit 2 rl run f2.json
expect_contains "$ERR" "f2.json:2:18: 9007199254740993 is not exactly representable as a number"
printf '{"name": "f",\n "description": "cut \\u0000 here",\n "steps": [{"name": "s", "run": "true"}]}\n' > f3.json
expect_exit 2 rl run f3.json
expect_contains "$ERR" 'f3.json:2:22: a string holds \u0000, which runlens cannot keep'
printf '{"name": "f", "params": {"d": %s}, "steps": [{"name": "s", "run": "true"}]}\n' "$(deep 1000)" > f4.json
expect_exit 2 rl run f4.json
expect_eq "runlens: f4.json:1:1029: JSON nested deeper than 1000 levels" "$ERR" "the nesting limit says what it is"
expect_not_contains "$ERR" "expected a value"

# ---- the step commands refuse what the runner would drop; C and Python too
cat > steps.json <<'J'
{"name": "steps", "steps": [
  {"name": "cmd", "run": "sh cmd.sh"},
  {"name": "c", "run": ["sh", "c.sh"]},
  {"name": "py", "run": ["python3", "py.py"]},
  {"name": "raw", "run": ["sh", "raw.sh"]}
]}
J
cat > cmd.sh <<'S'
refuse() { # the command must exit 2 (its message goes to the log)
	"$@"; rc=$?
	[ "$rc" -eq 2 ] || echo "exit $rc: $*" >> accepted.txt
}
refuse runlens metric m 1 --index 10000000000000000
refuse runlens metric m 1 --index -9000000000000001
refuse runlens metric m 9007199254740993
refuse runlens metric m 1e999
refuse runlens metric m 1e-999
refuse runlens metric '' 1
refuse runlens meta big=9007199254740993
refuse runlens meta 'xs=[1, 1e999]'
refuse runlens meta 'n="a\u0000b"'
refuse runlens meta "d=$(python3 -c "print('[' * 993 + ']' * 993)")"
refuse runlens meta 'z={"": 1}' '=1'
refuse runlens state set k 9007199254740993
refuse runlens state set '' 1
refuse runlens state set k '1 2'
runlens metric edge 1 --index 9000000000000000
runlens metric edge 2 --index -9000000000000000
runlens metric exact 0.30000000000000004
runlens meta version=1.2.3 pair='1 2' ok=9007199254740991 quoted='"9007199254740993"'
runlens state set k 9007199254740991
[ ! -s accepted.txt ] || { cat accepted.txt; exit 1; }
S
echo "'$C_STEP' values" > c.sh
cat > py.py <<'P'
import fractions, runlens


def nest(n):
    v = []
    for _ in range(n - 1):
        v = [v]
    return v


tries = [
    lambda: runlens.log_metric("m", 9007199254740993),
    lambda: runlens.log_metric("m", fractions.Fraction(1, 10 ** 400)),
    lambda: runlens.log_metric("m", 1, index=10 ** 16),
    lambda: runlens.log_metric("m\x00", 1),
    lambda: runlens.log_metadata(big=9007199254740993),
    lambda: runlens.log_metadata(n="a\x00b"),
    lambda: runlens.log_metadata({"k\x00": 1}),
    lambda: runlens.log_metadata(d=nest(993)),
    lambda: runlens.state.set("k", [2 ** 64 + 1]),
]
kept = 0
for t in tries:
    try:
        t()
        kept += 1
    except runlens.RunlensError as e:
        print("refused:", e)
runlens.log_metadata(py_exact=9007199254740991, py_deep=nest(992))
raise SystemExit(kept)
P
# a hostile step writes record lines itself: each is dropped, never cut
cat > raw.sh <<'S'
{
  printf '%s\n' '{"meta": {"nul": "a\u0000b"}, "output": null}'
  printf '%s\n' '{"meta": {"big": 9007199254740993}, "output": null}'
  printf '%s\n' '{"metric": "huge", "value": 1e999}'
  printf '%s\n' '{"metric": "m", "value": 1, "index": 1e16}'
  printf '%s\n' '{"state": {"": 1}}'
  printf '%s\n' '{"meta": {"fine": 1}, "output": null}'
} >> "$(runlens ctx step.records)"
S
expect_exit 0 rl run steps.json
r=$(last)
expect_exit 0 rl logs "$r" cmd --stderr
expect_eq 14 "$(printf '%s\n' "$ERR" | grep -c '^runlens: ')" "every refused step command said why"
expect_contains "$ERR" "runlens: metric 'm': the index 10000000000000000 is out of range (at most 9000000000000000 either way)"
expect_contains "$ERR" "metric 'm': 9007199254740993 is not exactly representable as a number"
expect_contains "$ERR" "meta big=9007199254740993: not exactly representable as a number (a double holds integers exactly only up to 2^53); quote it to pass text: runlens meta 'big=\"9007199254740993\"'"
expect_contains "$ERR" "meta d=[[[[[[[[[["
expect_contains "$ERR" "nested deeper than 992 levels"
expect_contains "$ERR" "state set k 9007199254740993: not exactly representable as a number (a double holds integers exactly only up to 2^53); quote it to pass text: runlens state set k '\"9007199254740993\"'"
expect_contains "$ERR" "state set: state keys must be non-empty"
expect_eq '"1.2.3"' "$(meta "$r" version)" "meta version=1.2.3 is text (cJSON took 1.2)"
expect_eq '"1 2"' "$(meta "$r" pair)" "meta pair='1 2' is text (cJSON took 1)"
expect_eq 9007199254740991 "$(meta "$r" ok)" "kept exactly"
expect_eq '"9007199254740993"' "$(meta "$r" quoted)" "the quoting the message suggests works"
expect_eq 0.30000000000000004 "$(metric "$r" exact)" "a metric value kept exactly"
expect_eq 2 "$(sql "select count(*) from metrics m join step_runs s on s.id = m.step_run_id where s.run_id = $r and m.key = 'edge'")" \
	"the index at the limit, both ways"
expect_eq '{"k":9007199254740991}' "$(sql "select state_json from runs where id = $r")" "state kept exactly"
expect_exit 0 rl logs "$r" c --stdout
expect_eq 9 "$(printf '%s\n' "$OUT" | grep -c '^refused: ')" "librunlens refused each: $OUT"
expect_contains "$OUT" "refused: metric 'm': the index 10000000000000000 is out of range"
expect_contains "$OUT" "refused: not valid JSON: 1 2"
expect_eq 0.30000000000000004 "$(metric "$r" c_exact)"
expect_eq 9007199254740991 "$(meta "$r" c_exact)"
expect_exit 0 rl logs "$r" py --stdout
expect_eq 9 "$(printf '%s\n' "$OUT" | grep -c '^refused: ')" "the Python module refused each: $OUT"
expect_contains "$OUT" "9007199254740993 is not exactly representable as a number"
expect_contains "$OUT" "too small for a number (it would become 0)"
expect_contains "$OUT" 'a string holds \u0000'
expect_contains "$OUT" "nested deeper than 992 levels"
expect_eq 9007199254740991 "$(meta "$r" py_exact)"
expect_eq 992 "$(meta "$r" py_deep | tr -cd '[' | wc -c | tr -d ' ')" "992 levels are kept"
# the runner dropped the hostile lines with a note, and cut nothing
expect_exit 0 rl logs "$r" raw --stderr
expect_eq 5 "$(printf '%s\n' "$ERR" | grep -c 'ignored line')" "five lines dropped: $ERR"
expect_contains "$ERR" 'a string holds \u0000'
expect_contains "$ERR" "a value is not exactly representable as a number"
expect_contains "$ERR" "a value is too large for a number (it would become infinity)"
expect_contains "$ERR" "the index 10000000000000000 is out of range"
expect_contains "$ERR" "state keys must be non-empty"
expect_eq "" "$(meta "$r" nul)" "the cut string was not stored"
expect_eq 1 "$(meta "$r" fine)"

# ---- a metrics_file: a number cJSON would change fails the attempt,
# naming it, instead of being skipped
cat > mfile.json <<'J'
{"name": "mfile", "steps": [{"name": "eval", "outputs": {"m": "m.json"}, "metrics_file": "m",
 "run": "echo '{\"acc\": 0.5, \"huge\": 1e999}' > ${outputs.m}"}]}
J
expect_exit 1 rl run mfile.json
expect_contains "$(rl show last)" "metrics_file 'm' (m.json): 1e999 is too large for a number"
expect_eq "" "$(sql "select key from metrics m join step_runs s on s.id=m.step_run_id where s.name='eval'")" "nothing of it recorded"

# a step's own partial line (no newline at its end) does not swallow the
# record written after it: runlens metric, librunlens' Python twin and
# meta each start a line of their own
cat > partial.json <<'J'
{"name": "partial", "steps": [{"name": "p", "cache": false,
  "run": "printf '{\"metric\": \"half' >> \"$(runlens ctx step.records)\"; runlens metric after_cli 1; printf 'junk' >> \"$(runlens ctx step.records)\"; python3 -c 'import runlens; runlens.log_metric(\"after_py\", 2)'; printf 'more' >> \"$(runlens ctx step.records)\"; runlens meta after_meta=3"}]}
J
expect_exit 0 rl run partial.json
r=$(last)
expect_eq 1.0 "$(metric "$r" after_cli)" "runlens metric after a partial line"
expect_eq 2.0 "$(metric "$r" after_py)" "the Python module after a partial line"
expect_eq 3 "$(meta "$r" after_meta)" "runlens meta after a partial line"

# a metrics file whose names clash (a dotted key beside a nested one):
# the attempt fails naming it, nothing of it recorded (it became a series
# of two points)
cat > clash.json <<'J'
{"name": "clash", "steps": [{"name": "e", "outputs": {"m": "m.json"}, "metrics_file": "m",
  "run": "printf '{\"a\": {\"b\": 1}, \"a.b\": 2, \"ok\": 3}' > ${outputs.m}"}]}
J
expect_exit 1 rl run clash.json
expect_contains "$(rl show last)" "metrics_file 'm' (m.json): 'a.b' names two values (a key with a '.' beside a nested one, or a key twice)"
expect_eq 0 "$(sql "select count(*) from metrics m join step_runs s on s.id = m.step_run_id where s.run_id = $(last)")" "nothing of it recorded"

done_testing
