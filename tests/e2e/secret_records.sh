#!/bin/sh
# Secrets never reach the store folder through what a step records
# (docs/reliability.md):
#   - the keys of a metrics_file are masked, not only its values;
#   - records.jsonl exists before the step starts, readable by its user
#     only, and holds no secret even while the step runs: `runlens meta`
#     and the Python module mask what they append;
#   - so a runner killed with -9 in the middle leaves no raw value behind;
#   - a secret equal to a word of the record protocol ("meta", "value")
#     masks what is under the record's keys, never the keys, so the
#     step's metrics and metadata are all kept.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
export XDG_CONFIG_HOME="$T/config"
export PYTHONDONTWRITEBYTECODE=1
wait_for() { i=0; while [ ! -e "$1" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; }
leaks() { grep -rl --exclude-dir=artifacts -e "$1" .runlens 2>/dev/null | head -3; }

expect_exit 0 rl secret set tok value=Zq7-secret-Zq7 pin=48151623

# ---- a metrics_file whose keys hold the secret
cat > mf.json <<'J'
{"name": "mf", "steps": [{"name": "eval", "secrets": ["tok"],
 "outputs": {"m": "metrics.json"}, "metrics_file": "m",
 "run": "printf '{\"acc\": 0.5, \"%s\": 1, \"loss by %s\": 2}' \"$RUNLENS_SECRET_TOK_VALUE\" \"$RUNLENS_SECRET_TOK_VALUE\" > ${outputs.m}"}]}
J
expect_exit 0 rl run mf.json
show=$(rl show last)
expect_contains "$show" "acc"
expect_contains "$show" "loss by ***"
expect_not_contains "$show" "Zq7-secret" "show prints no key that holds the secret"
expect_eq "" "$(sql "select key from metrics where key like '%Zq7-secret%'")" "no metric key holds it"

# ---- the records file: 0600 from the start, masked while the step runs
cat > live.json <<'J'
{"name": "live", "steps": [{"name": "talk", "secrets": ["tok"], "run": [
 "sh", "-c",
 "rec=$(python3 -c 'import json,os; print(json.load(open(os.environ[\"RUNLENS_CONTEXT\"]))[\"step\"][\"records\"])'); stat -c %a \"$rec\" > mode.txt; runlens meta token=\"$RUNLENS_SECRET_TOK_VALUE\" pin=$RUNLENS_SECRET_TOK_PIN && python3 -c 'import os, runlens; runlens.log_metadata(py=\"key \" + os.environ[\"RUNLENS_SECRET_TOK_VALUE\"], n=int(os.environ[\"RUNLENS_SECRET_TOK_PIN\"])); runlens.log_metric(\"at \" + os.environ[\"RUNLENS_SECRET_TOK_VALUE\"], 1.5)' && cp \"$rec\" records-while-running.jsonl && touch ready && sleep 300"
]}]}
J
"$RUNLENS_BIN" run live.json > live.out 2>&1 &
runner=$!
wait_for "$T/ready"
[ -e "$T/ready" ] && pass || fail "the step never got ready: $(cat live.out)"
rec=$(find .runlens/runs -path '*talk/attempts/1/records.jsonl' | head -1)
expect_eq 600 "$(stat -c %a "$rec")" "records.jsonl is the user's only"
expect_eq 600 "$(cat mode.txt)" "already when the step started"
copy=records-while-running.jsonl
expect_contains "$(cat "$copy")" '"token":"***"' "runlens meta masked what it appended"
expect_contains "$(cat "$copy")" '"py":"key ***"' "the Python module too"
expect_contains "$(cat "$copy")" '"metric":"at ***"' "metric keys too"
expect_not_contains "$(cat "$copy")" "48151623" "the pin, also as a number"
# ---- killed with -9 in the middle: nothing raw stays behind
kill -9 "$runner"
wait "$runner" 2>/dev/null
expect_eq "" "$(leaks Zq7-secret)" "no file of the store holds the secret"
expect_eq "" "$(leaks 48151623)" "nor the pin"
pkill -f "sleep 300" 2>/dev/null

# ---- a secret that is a word of the protocol keeps the records
expect_exit 0 rl secret set words a=meta b=value c=output
cat > words.json <<'J'
{"name": "words", "steps": [{"name": "s", "secrets": ["words"],
 "run": "runlens meta rows=12 kind=metadata && runlens metric acc 0.75 && runlens metric loss 0.25 --index 2 && python3 -c 'import runlens; runlens.log_metadata(mode=\"fast\"); runlens.log_metric(\"f1\", 0.5)'"}]}
J
expect_exit 0 rl run words.json
expect_eq 3 "$(sql "select count(distinct key) from metrics m join step_runs s on s.id=m.step_run_id where s.name='s'")" "every metric kept"
expect_eq "kind=***data mode=fast rows=12" "$(sql "select group_concat(key || '=' || trim(value, '\"'), ' ') from (select key, value_json as value from metadata d join step_runs s on s.id=d.step_run_id where s.name='s' order by key)")" "every metadata key kept, values masked"
expect_not_contains "$(cat .runlens/runs/*/s/attempts/1/stderr.log 2>/dev/null)" "ignored" "no record was ignored"
done_testing
