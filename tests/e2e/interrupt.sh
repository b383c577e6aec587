#!/bin/sh
# A runner stopped by Ctrl-C records the run interrupted and stops its
# steps; a runner killed with SIGKILL leaves a run that the next runlens
# process marks interrupted at once.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

cat > long.json <<'J'
{"name": "long", "steps": [
 {"name": "first", "run": "echo $$ > step.pid; touch started; exec sleep 60"},
 {"name": "second", "run": "true", "needs": ["first"]}
]}
J
wait_for() { i=0; while [ ! -e "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; }

# --- Ctrl-C (SIGINT)
"$RUNLENS_BIN" run long.json > run1.out 2>&1 &
pid=$!
wait_for started
kill -INT $pid
wait $pid; code=$?
expect_eq 1 "$code" "exit code after Ctrl-C"
expect_eq interrupted "$(sql "select status from runs where id=1")" "run interrupted"
expect_eq "first|interrupted
second|interrupted" "$(sql "select name, status from step_runs where run_id=1 order by position")" "steps interrupted"
expect_eq gone "$(alive "$(cat step.pid)")" "step process stopped"

# --- SIGKILL: the next process to open the store marks it at once
rm -f started step.pid
"$RUNLENS_BIN" run long.json > run2.out 2>&1 &
pid=$!
wait_for started
kill -KILL $pid
wait $pid 2>/dev/null
kill -KILL "$(cat step.pid)" 2>/dev/null || true
expect_eq running "$(sql "select status from runs where id=2")" "still marked running before anyone looks"
expect_exit 0 rl ls --json
expect_eq interrupted "$(jget "$OUT" 'd["runs"][0]["status"]')" "marked interrupted on open"
expect_eq "first|interrupted
second|interrupted" "$(sql "select name, status from step_runs where run_id=2 order by position")" "steps of the dead run"
expect_eq "ok" "$(sql "pragma integrity_check")" "integrity"

done_testing
