#!/bin/sh
# No orphans (README "Reliability"): when the runner dies, even by
# kill -9, its steps are stopped (a watchdog sends them SIGTERM, then
# SIGKILL after 5 s) and the run is recorded interrupted; what a step
# leaves running in its process group (`cmd &`) is stopped when its
# attempt ends, so it can change nothing the runner recorded.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

until_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; }
until_gone() { i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; }

cat > long.json <<'J'
{"name": "long", "steps": [
 {"name": "work", "run": "echo $$ > work.pid; exec sleep 300"},
 {"name": "stubborn", "run": "trap '' TERM; echo $$ > stubborn.pid; while :; do sleep 1; done"},
 {"name": "after", "run": "true", "needs": ["work"]}
]}
J
"$RUNLENS_BIN" run long.json -j 2 > run1.out 2>&1 &
runner=$!
until_file work.pid
until_file stubborn.pid
work=$(cat work.pid) stubborn=$(cat stubborn.pid)
kill -KILL $runner
wait $runner 2>/dev/null
# nobody but the watchdog stops them
until_gone "$work"
expect_eq gone "$(alive "$work")" "a step of a killed runner is stopped"
until_gone "$stubborn"
expect_eq gone "$(alive "$stubborn")" "one that ignores SIGTERM is killed after the grace period"
expect_exit 0 rl ls --json
expect_eq interrupted "$(jget "$OUT" 'd["runs"][0]["status"]')" "the run is interrupted"
expect_eq "work|interrupted
stubborn|interrupted
after|interrupted" "$(sql "select name, status from step_runs where run_id=1 order by position")" "so are its steps"

# what a step leaves behind in its process group goes when it ends: here
# it would append to the output after the runner hashed it
cat > bg.json <<'J'
{"name": "bg", "steps": [
 {"name": "make", "outputs": {"out": "out.txt"},
  "run": "echo content > $RUNLENS_OUTPUT_OUT; (sleep 2; echo late >> $RUNLENS_OUTPUT_OUT) & echo $! > bg.pid"},
 {"name": "read", "inputs": {"f": "make.out"}, "run": "cat $RUNLENS_INPUT_F"}
]}
J
expect_exit 0 rl run bg.json
bg=$(cat bg.pid)
expect_eq gone "$(alive "$bg")" "a background process of the step is stopped when it ends"
art=$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.name='make'")
expect_eq "$(sql "select a.sha256 from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.name='make'")" \
	"$(sha256sum "$art" | cut -d' ' -f1)" "the output is what was hashed"
expect_eq content "$(cat .runlens/runs/2/read/attempts/1/stdout.log)" "the next step read what was recorded"
# a normal run leaves no watchdog behind
expect_eq "" "$(pgrep -f "runlens run bg.json" || true)" "no process of the run left"
done_testing
