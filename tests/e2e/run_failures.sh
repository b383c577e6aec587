#!/bin/sh
# Failing steps, skipped downstream steps, retries, timeouts, missing
# outputs, steps that cannot start, and spec errors that record nothing.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

# --- spec errors exit 2, name file/line or step/field, and record nothing
printf '{"name": "x",\n "steps": [\n  {"name": "a" "run": "true"}\n ]}\n' > syntax.json
expect_exit 2 rl run syntax.json
expect_contains "$ERR" "runlens: syntax.json:3:" "syntax error position"
expect_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "one-line error"
printf '{"name": "x", "steps": [{"name": "a", "run": "true", "retires": 2}]}' > field.json
expect_exit 2 rl run field.json
expect_contains "$ERR" "step 'a': unknown field 'retires'"
printf '{"name": "x", "steps": [{"name": "a", "run": "true", "needs": ["b"]}, {"name": "b", "run": "true", "needs": ["a"]}]}' > cycle.json
expect_exit 2 rl run cycle.json
expect_contains "$ERR" "cycle"
expect_exit 1 test -e .runlens/runlens.db
expect_exit 2 rl run missing-file.json -p
expect_exit 4 rl run does-not-exist.json
expect_contains "$ERR" "does-not-exist.json"

# --- a failing step: downstream skipped, independent branch completes
cat > fail.json <<'J'
{"name": "fail", "steps": [
 {"name": "ok", "run": "echo fine"},
 {"name": "bad", "run": "echo oops >&2; exit 3"},
 {"name": "after", "run": "true", "needs": ["bad"]},
 {"name": "after2", "run": "true", "needs": ["after"]},
 {"name": "side", "run": "true", "needs": ["ok"]}
]}
J
expect_exit 1 rl run fail.json
expect_contains "$OUT" "bad"
expect_eq failed "$(sql "select status from runs where id=1")" "run failed"
expect_eq "ok|completed
bad|failed
after|skipped
after2|skipped
side|completed" "$(sql "select name, status from step_runs where run_id=1 order by name='ok' desc, name='bad' desc, name='after' desc, name='after2' desc")" "step statuses"
expect_eq "exit code 3" "$(sql "select error from step_runs where run_id=1 and name='bad'")" "failure reason"
expect_contains "$(sql "select error from step_runs where run_id=1 and name='after'")" "upstream step 'bad' failed"
expect_eq "oops" "$(rl logs 1 bad 2>&1)" "stderr captured"

# --- retries: fails twice, succeeds on the third attempt, resuming a checkpoint
cat > retry.json <<'J'
{"name": "retry", "steps": [
 {"name": "flaky", "retries": 2,
  "run": "n=$(cat $RUNLENS_CHECKPOINT_DIR/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > $RUNLENS_CHECKPOINT_DIR/n; echo attempt $RUNLENS_ATTEMPT; [ $n -ge 3 ]"}
]}
J
expect_exit 0 rl run retry.json
expect_eq "1|failed|1
2|failed|1
3|completed|0" "$(sql "select a.number, a.status, a.exit_code from attempts a join step_runs s on s.id=a.step_run_id join runs r on r.id=s.run_id where r.name like 'retry-%' order by a.number")" "attempts"
expect_eq "attempt 2" "$(rl logs retry@last flaky --attempt 2)" "log of attempt 2"
expect_eq "attempt 3" "$(rl logs retry@last flaky)" "log of last attempt"
expect_eq 3 "$(rl step retry@last flaky --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["attempts"]))')" "step --json attempts"

# --- retries exhausted
printf '{"name": "never", "steps": [{"name": "s", "retries": 1, "run": "exit 1"}]}' > never.json
expect_exit 1 rl run never.json
expect_eq 2 "$(sql "select attempts from step_runs s join runs r on r.id=s.run_id where r.name like 'never-%'")" "two attempts"

# --- timeout: TERM first; a step that ignores TERM is KILLed after the grace period
cat > timeout.json <<'J'
{"name": "timeout", "steps": [
 {"name": "slow", "timeout": 1, "run": "echo $$ > slow.pid; exec sleep 30"},
 {"name": "stubborn", "timeout": 1, "run": ["sh", "-c", "trap '' TERM; sleep 30 & echo $! > stubborn.pid; wait; sleep 30"]}
]}
J
expect_exit 1 rl run timeout.json -j 2
expect_eq "timed out after 1s" "$(sql "select error from step_runs s join runs r on r.id=s.run_id where r.name like 'timeout-%' and s.name='slow'")" "timeout reason"
expect_eq "1" "$(sql "select a.timed_out from attempts a join step_runs s on s.id=a.step_run_id join runs r on r.id=s.run_id where r.name like 'timeout-%' and s.name='stubborn'")" "stubborn timed out"
expect_eq "9" "$(sql "select a.signal from attempts a join step_runs s on s.id=a.step_run_id join runs r on r.id=s.run_id where r.name like 'timeout-%' and s.name='stubborn'")" "stubborn killed"
for f in slow.pid stubborn.pid; do
	expect_eq gone "$(alive "$(cat $f)")" "$f: no process left behind"
done

# --- a declared output that was not written
printf '{"name": "noout", "steps": [{"name": "s", "run": "true", "outputs": {"model": "model.bin"}}]}' > noout.json
expect_exit 1 rl run noout.json
expect_eq "declared output 'model' (model.bin) was not written" "$(sql "select error from step_runs s join runs r on r.id=s.run_id where r.name like 'noout-%'")" "missing output"

# --- a step that cannot be started
printf '{"name": "nostart", "steps": [{"name": "s", "run": ["/nonexistent/prog", "x"]}, {"name": "t", "run": "true", "needs": ["s"]}]}' > nostart.json
expect_exit 1 rl run nostart.json
expect_eq "cannot start '/nonexistent/prog': No such file or directory" "$(sql "select error from step_runs s join runs r on r.id=s.run_id where r.name like 'nostart-%' and s.name='s'")" "cannot start"
expect_eq skipped "$(sql "select s.status from step_runs s join runs r on r.id=s.run_id where r.name like 'nostart-%' and s.name='t'")" "skipped after start failure"

# --- a missing external input
printf '{"name": "noinput", "steps": [{"name": "s", "run": "true", "inputs": {"labels": {"path": "labels.csv"}}}]}' > noinput.json
expect_exit 1 rl run noinput.json
expect_contains "$(sql "select error from step_runs s join runs r on r.id=s.run_id where r.name like 'noinput-%'")" "input 'labels': file does not exist"
echo "a,b" > labels.csv
expect_exit 0 rl run noinput.json
expect_eq "$(sha256sum labels.csv | cut -d' ' -f1)" "$(rl step noinput@last s --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["inputs"]["labels"]["sha256"])')" "external input hashed"

done_testing
