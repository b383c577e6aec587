#!/bin/sh
# A runner that stops on a store error mid-run (here: the database held
# locked by another process beyond SQLite's busy timeout of 10 s) leaves
# nothing running: it kills its jobs and marks the run and every step and
# attempt not finished `interrupted` (docs/reliability.md, 2) — it said
# `failed` and left them `running` and `pending` for good, since the
# reaper only looks at runs still running.  The pass it was in is rolled
# back: the step that ended in it is not recorded complete, and a rerun
# completes.  Names and paths too long for the file system are spec
# errors, before anything is recorded.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH

cat > p.json <<J
{"name": "locked", "defaults": {"cache": false}, "steps": [
 {"name": "a", "run": "until [ -f $T/go ]; do sleep 0.05; done; runlens metric m 1; runlens state set k 1"},
 {"name": "b", "needs": ["a"], "run": "echo b"}]}
J
cat > hold.py <<'P'
import os, sqlite3, sys, time
db, locked, mark = sys.argv[1:4]
c = sqlite3.connect(db, isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open(locked, "w").close()
# until the runner has given up and waits in record_finish (its test
# pause writes STORE_ERROR into the mark file), at most 60 s
for _ in range(1200):
    if os.path.exists(mark) and "STORE_ERROR" in open(mark).read():
        break
    time.sleep(0.05)
c.execute("ROLLBACK")
P
RUNLENS_TEST_PAUSE_STORE_ERROR_MS=4000 RUNLENS_TEST_PAUSE_MARK="$T/mark" \
	"$RUNLENS_BIN" run p.json --name held >held.out 2>held.err &
pid=$!
wait_until() { i=0; while ! "$@" && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; }
a_running() { [ "$(sql "select s.status from step_runs s join runs r on r.id = s.run_id where r.name = 'held' and s.name = 'a'")" = running ]; }
wait_until a_running
python3 hold.py "$RUNLENS_STORE/runlens.db" "$T/locked" "$T/mark" &
hold=$!
wait_until test -f "$T/locked"
touch "$T/go"
wait $pid; code=$?
wait $hold
expect_eq 1 "$code" "the runner stopped on the locked store"
expect_contains "$(cat held.err)" "runlens: " "one line saying why"
expect_contains "$(cat held.err)" "the store $RUNLENS_STORE is locked by another process (waited 10 s for it)"
expect_eq 1 "$(grep -c . held.err)" "one line on stderr"
expect_eq interrupted "$(sql "select status from runs where name = 'held'")" "the run: interrupted, not failed"
expect_eq "a=interrupted b=interrupted" "$(sql "select group_concat(s.name || '=' || s.status, ' ') from (select s.name, s.status from step_runs s join runs r on r.id = s.run_id where r.name = 'held' order by s.name) s")" \
	"no step left running or pending"
expect_eq 0 "$(sql "select count(*) from attempts a join step_runs s on s.id = a.step_run_id join runs r on r.id = s.run_id where r.name = 'held' and a.status = 'running'")" "no attempt left running"
expect_eq "{}" "$(sql "select coalesce(state_json, '{}') from runs where name = 'held'")" "a's state write not applied: its end was not recorded"
expect_eq ok "$(sql "pragma integrity_check")" "integrity"
expect_exit 0 rl rerun held
expect_eq completed "$(jget "$(rl show last --json)" 'd["status"]')" "the rerun completes"
done_testing
