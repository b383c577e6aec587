#!/bin/sh
# Hostile steps and limits (docs/reliability.md): what a step does cannot
# hang the runner, exhaust it, or make it record what did not happen.
#   - a step printing flat out with 40 secrets still times out;
#   - `runlens run /dev/zero` is refused instead of read to the end;
#   - `ulimit -n 64` with -j 200 steps that mask secrets: they wait for
#     descriptors instead of failing with "Too many open files";
#   - a process a step starts with setsid (its own session) is stopped
#     when the step ends, and when it times out;
#   - a step whose masked output cannot be written (a full disk) fails
#     with a message, not `completed` with its log cut.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
export XDG_CONFIG_HOME="$T/config"
gone_within() { i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; }

# ---- a fast writer with many secrets: the timeout fires
keys=""
i=1
while [ $i -le 40 ]; do keys="$keys k$i=value-number-$i-of-forty"; i=$((i+1)); done
# shellcheck disable=SC2086
expect_exit 0 rl secret set many $keys
cat > fast.json <<'J'
{"name": "fast", "steps": [{"name": "flood", "secrets": ["many"], "timeout": 1,
 "run": ["python3", "-c", "import sys,os\nline=('x'*200+'\\n')*300\nwhile True: sys.stdout.write(line)"]}]}
J
t0=$(date +%s)
expect_exit 1 rl run fast.json
t1=$(date +%s)
expect_contains "$(rl show last)" "timed out after 1s"
[ $((t1 - t0)) -le 30 ] && pass || fail "the timeout of a flooding step fired after $((t1 - t0)) s"
rm -rf .runlens/runs/*/flood # the log is big

# ---- a pipeline file that never ends is not read
expect_exit 2 rl run /dev/zero
expect_eq "runlens: /dev/zero is not a regular file, not a pipeline file" "$ERR"

# ---- descriptors: 200 masked steps, 64 descriptors
expect_exit 0 rl secret set tok value=abcdefghij
python3 - <<'PY'
import json
steps = [{"name": "s%d" % i, "secrets": ["tok"], "run": "echo $RUNLENS_SECRET_TOK_VALUE; sleep 0.05"}
         for i in range(200)]
json.dump({"name": "fds", "steps": steps}, open("fds.json", "w"))
PY
(ulimit -n 64 && "$RUNLENS_BIN" run fds.json -j 200 > fds.out 2>&1); code=$?
expect_eq 0 "$code" "200 masked steps under ulimit -n 64 (${code}: $(tail -2 fds.out))"
expect_eq 200 "$(sql "select count(*) from step_runs s join runs r on r.id=s.run_id join pipelines p on p.id=r.pipeline_id where p.name='fds' and s.status='completed'")" "all completed"
expect_eq "" "$(grep -rl "Too many open files" .runlens/runs 2>/dev/null | head -1)" "no step ran out of descriptors"
expect_eq "" "$(grep -rl abcdefghij .runlens 2>/dev/null | head -1)" "and none leaked its secret"

# ---- setsid: a process that leaves the step's group is still stopped
cat > escape.json <<'J'
{"name": "escape", "steps": [
 {"name": "ends", "run": "setsid sh -c 'echo $$ > esc1.pid; exec sleep 300' & sleep 0.5; echo done"},
 {"name": "times_out", "timeout": 1, "run": "setsid sh -c 'echo $$ > esc2.pid; exec sleep 300' & sleep 300"}
]}
J
expect_exit 1 rl run escape.json -j 2
expect_eq "completed" "$(sql "select status from step_runs where name='ends' order by id desc limit 1")" "the step ended"
gone_within "$(cat esc1.pid)"
expect_eq gone "$(alive "$(cat esc1.pid)")" "what it left in its own session is stopped"
expect_contains "$(rl show last)" "timed out after 1s"
gone_within "$(cat esc2.pid)"
expect_eq gone "$(alive "$(cat esc2.pid)")" "also when the step timed out"

# ---- a full disk while masking: the attempt fails, saying why
mkdir small
if mount -t tmpfs -o size=1m tmpfs "$T/small" 2>/dev/null; then
	trap 'umount "$T/small" 2>/dev/null || umount -l "$T/small" 2>/dev/null; cleanup_tmp' EXIT
	cat > full.json <<'J'
{"name": "full", "steps": [{"name": "talk", "secrets": ["tok"],
 "run": "i=0; while [ $i -lt 20000 ]; do echo line $i of a long log with some padding to fill; i=$((i+1)); done"}]}
J
	RUNLENS_STORE="$T/small/.runlens" "$RUNLENS_BIN" run full.json > full.out 2>&1; code=$?
	[ "$code" -ne 0 ] && pass || fail "a run whose log could not be written passed: $(tail -3 full.out)"
	st=$(RUNLENS_STORE="$T/small/.runlens" "$RUNLENS_BIN" show last 2>&1)
	case "$st" in
	*"could not be written to its log"*|*"disk is full"*) pass ;;
	*) fail "no word of the full disk: $st" ;;
	esac
	expect_not_contains "$st" "talk   completed"
else
	echo "cannot mount a tmpfs (needs root): the full-disk case skipped"
fi
done_testing
