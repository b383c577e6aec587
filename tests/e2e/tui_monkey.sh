#!/bin/sh
# Monkey test of the browser: random keys, mouse clicks and resizes through
# a pty (tests/e2e/monkey.py) on a real store with several pipelines,
# completed, failed and interrupted runs, metrics, logs and a step that is
# still running.  No crash, no sanitizer report, and it quits on Q.
# RUNLENS_MONKEY_KEYS: how many keys (default 4000; the full run 100000),
# RUNLENS_MONKEY_SEED: the seed (default 1, so that `make check` sends the
# same keys every time; set it for new sequences).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
KEYS=${RUNLENS_MONKEY_KEYS:-4000}
SEED=${RUNLENS_MONKEY_SEED:-1}

cat > p.json <<'J'
{"name": "monkey", "params": {"lr": 0.1, "flaky": 0},
 "metrics": {"loss": "min"},
 "steps": [
  {"name": "prepare", "run": "seq 1 300; echo 'line with \\t tab and é'; printf 'bin\\001\\n' >&2", "outputs": {}},
  {"name": "train", "needs": ["prepare"], "outputs": {"model": "m.txt"},
   "run": "for i in 1 2 3 4 5; do runlens metric loss $(awk \"BEGIN{print 1/$i + ${params.lr}}\") --index $i; done; runlens meta kind=test; echo m > ${outputs.model}; echo END >> ${outputs.model}"},
  {"name": "evaluate", "inputs": {"model": "train.model"},
   "run": "runlens metric accuracy 0.${params.flaky}9; test ${params.flaky} -eq 0"}
 ]}
J
cat > other.json <<'J'
{"name": "other-pipeline", "steps": [{"name": "only", "run": "echo other; runlens metric score 3"}]}
J
for lr in 0.1 0.2 0.3 0.05; do rl run p.json -p lr=$lr --tag "lr$lr" >/dev/null 2>&1; done
rl run p.json -p flaky=1 >/dev/null 2>&1
rl run other.json >/dev/null 2>&1
rl pin 2 >/dev/null 2>&1
rl note last "a note with 'quotes' and a long tail ........................................." >/dev/null 2>&1
# a run killed mid-way, and one still running while the monkey plays
cat > slow.json <<'J'
{"name": "slow", "steps": [{"name": "wait", "run": "echo waiting; echo $$ > step.pid; exec sleep 600"}]}
J
started() { i=0; while [ ! -s step.pid ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done; }
"$RUNLENS_BIN" run slow.json >/dev/null 2>&1 & pid=$!
started
kill -KILL $pid; wait $pid 2>/dev/null
kill -KILL "$(cat step.pid)" 2>/dev/null
rm -f step.pid
"$RUNLENS_BIN" run slow.json >/dev/null 2>&1 & running=$!
started
trap 'kill -KILL $running "$(cat "$T/step.pid" 2>/dev/null)" 2>/dev/null; cleanup_tmp' EXIT
expect_exit 0 rl ls

python3 "$TESTS_SRCDIR/e2e/monkey.py" "$RUNLENS_BIN" "$KEYS" "$SEED" > monkey.out 2>&1; code=$?
cat monkey.out | tail -1
expect_eq 0 "$code" "monkey (seed $SEED)"
[ "$code" -eq 0 ] && pass || tail -40 monkey.out >&2

kill -INT $running 2>/dev/null; wait $running 2>/dev/null
# reruns the browser started in the background (r, R, e): stop them too
for p in $(sql "select runner_pid from runs where status='running'"); do
	kill -INT "$p" 2>/dev/null
done
i=0; while [ -n "$(sql "select id from runs where status='running'")" ] && [ $i -lt 200 ]; do
	sleep 0.1; i=$((i+1)); rl ls >/dev/null 2>&1
done
expect_eq ok "$(sql "pragma integrity_check")" "integrity after the monkey"
done_testing
