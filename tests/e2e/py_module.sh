#!/bin/sh
# The Python module held to its word by a real step (tests/steps/py_strict.py):
# any numbers.Real is a metric, metadata or state value (a class registered
# as numbers.Real, Fraction, numpy scalars when numpy is importable), a
# numbers.Integral an index; a bool, NaN, infinity, a string or a complex
# is refused with a message that says so; the context is read-only all the
# way down and still reads by attribute, by key, by iteration, and copies
# out with to_dict().  Checked in what the store recorded.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
cp "$TESTS_SRCDIR/steps/py_strict.py" .

# numpy when some python3 here has it: the step runs with that one
PY=python3 WITH_NUMPY=0
for p in python3 /usr/bin/python3 /usr/local/bin/python3; do
	if "$p" -c 'import numpy' 2>/dev/null; then PY=$p WITH_NUMPY=1; break; fi
done
[ "$WITH_NUMPY" = 1 ] || echo "numpy is not importable: its checks are skipped"

cat > p.json <<J
{"name": "pymod", "params": {"lr": 0.01}, "tags": ["t1", "t2"],
 "context": {"flags": {"deep": true}, "levels": [1, 2, 3]},
 "steps": [
  {"name": "make", "run": "echo hello > \${outputs.data}", "outputs": {"data": "d.txt"}},
  {"name": "py", "run": ["$PY", "py_strict.py"], "inputs": {"data": "make.data"},
   "outputs": {"report": "r.txt"}, "env": {"LR": "\${params.lr}", "WITH_NUMPY": "$WITH_NUMPY"}}
 ]}
J
expect_exit 0 rl run p.json
log=$(rl logs last py 2>&1)

# --- numbers of any numbers.Real kind are recorded, as they are
expect_exit 0 rl step last py --json
step=$OUT
m() { jget "$step" "d['metrics'].get('$1')"; }
expect_eq 0.5 "$(m fake_real)" "a metric from a class registered as numbers.Real"
expect_eq 7 "$(m fake_int)" "a metric from a numbers.Integral"
expect_eq 0.25 "$(m fraction)" "a metric from a Fraction"
expect_eq "1|1.0 2|0.5 3|0.333333" \
	"$(sql "select group_concat(idx || '|' || round(value, 6), ' ') from (select idx, value from metrics where key='curve' order by idx)")" \
	"a series indexed by a numbers.Integral"
expect_eq '{"count": 12, "nested": {"xs": [1, 2.5]}, "ratio": 0.375, "score": 0.75}' \
	"$(jget "$step" '{k: d["metadata"].get(k) for k in ("count", "nested", "ratio", "score")}')" \
	"metadata from numbers.Real values, nested too"
expect_eq '0.125' "$(sql "select json_extract(state_json, '$.best') from runs where id=1")" "state from a numbers.Real"
expect_eq "1" "$(sql "select count(*) from metadata m join step_runs s on s.id=m.step_run_id where s.name='py' and m.key='count' and m.value_json='12'")" \
	"an Integral is stored as an integer"

# --- what is not a number is refused, each with its reason, and not recorded
expect_contains "$log" "refused: bool metric -- metric 'flag': True is not a number (it is a bool)"
expect_contains "$log" "refused: bool index -- metric 'flagged': the index must be an integer, not True (a bool)"
expect_contains "$log" "refused: fake nan -- metric 'fake_nan': nan is not a finite number"
expect_contains "$log" "refused: string metric -- metric 'text': '0.5' is not a number (it is a str)"
expect_contains "$log" "refused: complex metric -- metric 'complex': (1+0j) is not a number (it is a complex)"
expect_contains "$log" "refused: fake index for a real -- metric 'badindex': the index must be an integer, not FakeReal(2)"
expect_contains "$log" "refused: huge metric -- metric 'huge': 1000000000"
expect_contains "$log" "000... is too large for a number" "the message on a 401-digit integer (cut short)"
expect_contains "$log" "refused: nan metadata -- metadata 'broken': nan is not a finite number"
want='["curve", "fake_int", "fake_real", "fraction"]'
[ "$WITH_NUMPY" = 1 ] && want='["curve", "fake_int", "fake_real", "fraction", "np_curve", "np_f32", "np_f64", "np_i64"]'
expect_eq "$want" "$(jget "$step" 'sorted(d["metrics"])')" "exactly the numbers were recorded as metrics"
expect_not_contains "$log" "crashed:" "the step's log"
expect_not_contains "$(rl logs last py 2>&1 >/dev/null)" "ignored line" "the runner's stderr notes"

# --- numpy scalars (when numpy is here)
if [ "$WITH_NUMPY" = 1 ]; then
	expect_eq 0.5 "$(m np_f32)" "numpy.float32 metric"
	expect_eq 0.806503 "$(jget "$step" "round(d['metrics']['np_f64'], 6)")" "numpy.float64 metric"
	expect_eq 42 "$(m np_i64)" "numpy.int64 metric"
	expect_eq "1|0.5 2|0.25" \
		"$(sql "select group_concat(idx || '|' || value, ' ') from (select idx, value from metrics where key='np_curve' order by idx)")" \
		"a series of numpy values indexed by numpy.int64"
	expect_eq '{"np_mean": 0.5, "np_n": 3, "np_ok": true, "np_w": [0.5, 0.25]}' \
		"$(jget "$step" '{k: d["metadata"].get(k) for k in ("np_mean", "np_n", "np_ok", "np_w")}')" "numpy metadata"
	expect_contains "$log" "refused: numpy nan -- metric 'np_nan': nan is not a finite number"
	expect_contains "$log" "refused: numpy bool -- metric 'np_bool': True is not a number (it is a numpy.bool_)"
fi

# --- the context is read-only all the way down ...
expect_eq '[]' "$(jget "$step" 'd["metadata"].get("mutated")')" "no change to the context got through"
expect_eq '["params[lr] = 99", "del params[lr]", "params.update", "params.pop", "params.popitem", "params.setdefault", "params.clear", "inputs[data][path] = x", "custom.flags[deep] = False", "tags.append", "tags.extend", "tags[0] = x", "del tags[0]", "custom.levels.append", "run.name = x", "del ctx.run"]' \
	"$(jget "$step" 'd["metadata"].get("refused")')" "every change to the context refused"
expect_contains "$log" "read-only: params[lr] = 99 -- the step context is read-only (to_dict() gives a mutable copy)"
expect_contains "$log" "read-only: params.update -- the step context is read-only: it has no update()"
expect_contains "$log" "read-only: tags.append -- the step context is read-only: it has no append()"
# ... and reads as before, copies out, and records as a value
expect_eq '["by attribute", "by key", "get", "in and len", "iterate", "a list reads", "abc types", "equal to the file", "to_dict dumps", "to_dict is mutable", "deepcopy", "unchanged", "records a context mapping"]' \
	"$(jget "$step" 'd["metadata"].get("reads_ok")')" "every way of reading the context"
expect_eq '{"params": {"lr": 0.01}, "tags": ["t1", "t2"]}' \
	"$(jget "$step" '{k: d["metadata"].get(k) for k in ("params", "tags")}')" "the context's own mappings as metadata"
expect_not_contains "$log" "read wrong"
expect_not_contains "$log" "read failed"

done_testing
