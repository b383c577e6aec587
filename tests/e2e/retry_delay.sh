#!/bin/sh
# Retries that wait (issue 19, item 5): "retry_delay" and "retry_backoff"
# space a step's attempts (delay before attempt k+1 = retry_delay ×
# retry_backoff^(k-1)), measured from the attempts' times in the store; the
# waiting step holds no job slot; while it waits the board, show, step and
# --json say so ("retrying in 4s", "retry_at"); Ctrl-C during the wait ends
# the run at once, recorded interrupted, and so does a runner killed while
# waiting (the next process marks it); bad values are spec errors.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

# wait_until CMD...: until CMD succeeds (a condition, checked every 50 ms;
# gives up after 120 s, so a loaded machine only makes it slower)
wait_until() { i=0; until "$@"; do [ $i -ge 2400 ] && return 1; sleep 0.05; i=$((i+1)); done; }

# --- the waits: 1 s, then 2 s; the other step runs meanwhile on the one slot
cat > p.json <<'J'
{"name": "rt", "steps": [
 {"name": "flaky", "retries": 2, "retry_delay": 1, "retry_backoff": 2,
  "run": "n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; [ $n -ge 3 ]"},
 {"name": "other", "run": "true"}]}
J
expect_exit 0 rl run p.json -j 1
expect_contains "$OUT" "flaky retrying in 1s: attempt 1/3 failed: exit code 1" "plain board says the wait"
expect_contains "$OUT" "flaky retrying in 2s: attempt 2/3 failed: exit code 1"
starts=$(sql "select a.started_ms from attempts a join step_runs s on s.id = a.step_run_id where s.name = 'flaky' order by a.number")
set -- $starts
expect_eq 3 "$#" "three attempts"
[ $(($2 - $1)) -ge 1000 ] && pass || fail "attempt 2 started $(($2 - $1)) ms after attempt 1 (want >= 1000)"
[ $(($3 - $2)) -ge 2000 ] && pass || fail "attempt 3 started $(($3 - $2)) ms after attempt 2 (want >= 2000)"
other=$(sql "select started_ms from step_runs where name = 'other'")
[ "$other" -lt "$2" ] && pass || fail "the other step waited for the retry's delay (-j 1): it started at $other, attempt 2 at $2"
expect_exit 0 rl step last flaky --json
expect_eq '[1, 2]' "$(jget "$OUT" '[d["config"]["retry_delay"], d["config"]["retry_backoff"]]')" "config"
expect_eq null "$(jget "$OUT" 'd["retry_at"]')" "no retry_at once it completed"

# the live board on a terminal counts the wait down
if command -v script >/dev/null; then
	rm -f n
	script -qc "$RUNLENS_BIN run p.json -j 1 --no-cache" /dev/null > board.txt 2>&1
	expect_contains "$(tr '\r' '\n' < board.txt)" "<> retrying in 2s" "the live board"
fi

# --- while it waits: show, step and --json; Ctrl-C ends the wait at once
cat > w.json <<'J'
{"name": "wt", "defaults": {"retry_delay": 300},
 "steps": [{"name": "s", "retries": 1, "run": "exit 3"}, {"name": "after", "needs": ["s"], "run": "true"}]}
J
retrying() { [ "$(sql "select s.status from step_runs s join runs r on r.id = s.run_id where r.pipeline_id = (select id from pipelines where name = 'wt') and s.name = 's' order by s.id desc limit 1")" = retrying ]; }
"$RUNLENS_BIN" run w.json > w1.out 2>&1 &
pid=$!
wait_until retrying || fail "the step never went retrying"
expect_exit 0 rl show wt@last
printf '%s\n' "$OUT" | grep -Eq "^s +retrying in [0-5]m[0-5][0-9]s +1/2 " && pass ||
	fail "show: the time left (retrying in 4m59s): $OUT"
expect_exit 0 rl show wt@last --json
at=$(jget "$OUT" '[s for s in d["steps"] if s["name"] == "s"][0]["retry_at"]')
expect_contains "$at" "T" "show --json: retry_at is a time"
expect_exit 0 rl step wt@last s
expect_contains "$OUT" "status    retrying in " "step: the time left"
expect_exit 0 rl step wt@last s --json
expect_eq "$at" "$(jget "$OUT" 'd["retry_at"]')" "step --json: retry_at"
# the browser's run view says it too (tmux, when installed)
if command -v tmux >/dev/null 2>&1; then
	S="runlens-retry-$$"
	. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
	trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT
	WAIT_TENTHS=600
	tmux_ new-session -d -s tui -x 120 -y 30 \
		"cd '$T' && TERM=xterm-256color RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui wt@last; sleep 30"
	see "retrying in "
	key q
	tmux_ kill-server 2>/dev/null
fi
t0=$(date +%s)
kill -INT $pid
wait $pid; code=$?
t1=$(date +%s)
expect_eq 1 "$code" "exit code after Ctrl-C during the wait"
[ $((t1 - t0)) -lt 60 ] && pass || fail "Ctrl-C took $((t1 - t0)) s to end a 300 s wait"
run=$(sql "select max(id) from runs")
expect_eq interrupted "$(sql "select status from runs where id = $run")" "run interrupted"
expect_eq "s|interrupted|1
after|interrupted|0" "$(sql "select name, status, attempts from step_runs where run_id = $run order by position")" "steps interrupted, no second attempt"
expect_exit 0 rl show "$run"
expect_not_contains "$OUT" "retrying in" "an interrupted run shows no wait"

# --- a runner killed while it waits: the next process marks the run interrupted
"$RUNLENS_BIN" run w.json > w2.out 2>&1 &
pid=$!
wait_until retrying || fail "the step never went retrying (2)"
kill -KILL $pid
wait $pid 2>/dev/null
run=$(sql "select max(id) from runs")
expect_exit 0 rl show "$run" --json
expect_eq interrupted "$(jget "$OUT" 'd["status"]')" "a dead runner's run"
expect_eq '["interrupted", null]' "$(jget "$OUT" '[[s["status"], s["retry_at"]] for s in d["steps"] if s["name"] == "s"][0]')"

# --- bad values: one line naming file, step and field, exit 2, nothing recorded
runs=$(sql "select count(*) from runs")
printf '{"name": "bad", "steps": [{"name": "s", "run": "true", "retries": 1, "retry_delay": -1}]}' > bad.json
expect_exit 2 rl run bad.json
expect_eq "runlens: bad.json: step 's', field 'retry_delay': expected a number of seconds from 0 to 86400 (one day), got a negative number" "$ERR"
printf '{"name": "bad", "steps": [{"name": "s", "run": "true", "retry_backoff": 0.5}]}' > bad.json
expect_exit 2 rl run bad.json
expect_contains "$ERR" "step 's', field 'retry_backoff': expected a factor from 1 to 1000"
printf '{"name": "bad", "defaults": {"retry_delay": "5s"}, "steps": [{"name": "s", "run": "true"}]}' > bad.json
expect_exit 2 rl run bad.json
expect_contains "$ERR" "field 'defaults.retry_delay': expected a number of seconds"
expect_eq "$runs" "$(sql "select count(*) from runs")" "no run recorded for a bad file"
done_testing
