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
# it was last seen at its last heartbeat (said here: a moment after its
# step started), not when the next command looked
seen=$(sql "select started_ms + 7 from step_runs where run_id=2 and name='first'")
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("update runs set heartbeat_ms = ? where id = 2", (int(sys.argv[2]),)); c.commit()' \
	"$RUNLENS_STORE/runlens.db" "$seen"
expect_exit 0 rl ls --json
expect_eq interrupted "$(jget "$OUT" 'd["runs"][0]["status"]')" "marked interrupted on open"
expect_eq "first|interrupted
second|interrupted" "$(sql "select name, status from step_runs where run_id=2 order by position")" "steps of the dead run"
expect_eq "$seen|$seen|$seen" "$(sql "select r.ended_ms, s.ended_ms, a.ended_ms from runs r join step_runs s on s.run_id = r.id join attempts a on a.step_run_id = s.id where r.id=2 and s.name='first'")" \
	"the run, its step and attempt ended when the runner was last seen"
expect_eq "$seen" "$(sql "select ended_ms from step_runs where run_id=2 and name='second'")" "a pending step too"
expect_eq "ok" "$(sql "pragma integrity_check")" "integrity"

# --- SIGKILL while the runner's parent does not reap it (a CI harness,
# Python's Popen): the runner is a zombie, which kill(pid, 0) still
# finds; it is dead all the same
rm -f started step.pid
cat > zombie.py <<'P'
import os, signal, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "run", "long.json"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
for _ in range(400):
    if os.path.exists("started"):
        break
    time.sleep(0.05)
os.kill(p.pid, signal.SIGKILL)
# the state Z shows, then look while it stays a zombie
for _ in range(400):
    with open("/proc/%d/stat" % p.pid) as f:
        if f.read().rsplit(")", 1)[1].split()[0] == "Z":
            break
    time.sleep(0.05)
r = subprocess.run([sys.argv[1], "ls", "--json"], capture_output=True, text=True)
print(r.stdout)
p.wait()
P
out=$(python3 zombie.py "$RUNLENS_BIN")
kill -KILL "$(cat step.pid)" 2>/dev/null || true
expect_eq interrupted "$(jget "$out" 'd["runs"][0]["status"]')" "a runner killed but not reaped yet is dead"
expect_eq "first|interrupted
second|interrupted" "$(sql "select name, status from step_runs where run_id=3 order by position")" "steps of the zombie's run"

done_testing
