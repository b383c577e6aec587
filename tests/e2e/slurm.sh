#!/bin/sh
# Steps on a real Slurm cluster (issue 15): the pipeline that runs locally
# runs unchanged with --stack hpc — same records, caching, masking; a
# retried step, a timeout, a secret printed several ways that reaches
# none of Slurm's folders or logs, Ctrl-C of the runner (a running and a
# pending job), kill -9 of the runner then `runlens ls`, an impossible
# request, an out-of-memory step.
#
# Needs the cluster of tests/slurm/up.sh: RUNLENS_SLURM=DIR (.ci/run sets
# it).  Without it the test is skipped and says so.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

if [ -z "${RUNLENS_SLURM:-}" ] || [ ! -f "$RUNLENS_SLURM/env" ]; then
	echo "SKIP: no Slurm cluster (RUNLENS_SLURM unset): sh tests/slurm/up.sh, then RUNLENS_SLURM=DIR make check"
	exit 77
fi
. "$RUNLENS_SLURM/env"

# wait_until SECONDS CMD...: until CMD succeeds (a condition, never a
# fixed sleep), at most SECONDS
wait_until() {
	lim=$(($1 * 10)); shift; k=0
	while ! "$@" >/dev/null 2>&1; do
		k=$((k + 1))
		[ $k -ge $lim ] && return 1
		sleep 0.1
	done
}
job_state() { squeue -h -t all -j "$1" -o %T 2>/dev/null; }
job_of() { # RUN STEP: the Slurm job id recorded for the step's last attempt
	rl step "$1" "$2" --json | python3 -c 'import json,sys; e=json.load(sys.stdin)["executor"]; print(e["job_id"] if e else "")'
}
is_state() { case " $2 " in *" $(job_state "$1") "*) return 0 ;; esac; return 1; }
over() { ! is_state "$1" "PENDING RUNNING CONFIGURING COMPLETING SUSPENDED"; }

expect_exit 0 rl stack register hpc --artifact-store "$T/art" --orchestrator slurm \
	--partition debug --slurm-opt=--comment=runlens-test
expect_contains "$OUT" "orchestrator slurm (partition debug, --comment=runlens-test)" "register"
expect_exit 0 rl stack ls --json
expect_eq debug "$(jget "$OUT" '[s for s in d["stacks"] if s["name"]=="hpc"][0]["settings"]["partition"]')" "stack ls settings"

# ------------------------------------------------------------ the same pipeline
cat > p.json <<'J'
{"name": "same", "steps": [
 {"name": "make", "run": "echo made > $RUNLENS_OUTPUT_DATA; runlens metric rows 3; echo job $SLURM_JOB_ID of $SLURM_CPUS_PER_TASK cpus",
  "outputs": {"data": "data.txt"}, "resources": {"cpus": 1, "memory": "200M"}},
 {"name": "flaky", "run": "test $RUNLENS_ATTEMPT -ge 2 || { echo try $RUNLENS_ATTEMPT >&2; exit 3; }; cat $RUNLENS_INPUT_D; runlens meta where=slurm",
  "inputs": {"d": "make.data"}, "retries": 2}
]}
J
expect_exit 0 rl run p.json --stack hpc
expect_contains "$OUT" "slurm job" "the board names the job"
run=$(rl ls --json | jget "$(cat)" 'd["runs"][0]["id"]')
expect_eq "make|completed|1
flaky|completed|2" "$(sql "select name, status, attempts from step_runs where run_id=$run order by position")" "steps and the retry"
expect_eq "failed|exit code 3
completed|" "$(sql "select a.status, coalesce(a.error,'') from attempts a join step_runs s on s.id=a.step_run_id where s.run_id=$run and s.name='flaky' order by a.number")" "each attempt recorded"
expect_eq 3.0 "$(sql "select value from run_metrics where run_id=$run and key='rows'")" "a metric from the node"
expect_exit 0 rl step "$run" flaky --json
expect_eq slurm "$(jget "$OUT" 'd["executor"]["flavor"]')" "step --json executor.flavor"
expect_eq COMPLETED "$(jget "$OUT" 'd["executor"]["state"]')" "executor.state"
expect_eq "$(hostname -s)" "$(jget "$OUT" 'd["executor"]["node"]')" "executor.node"
expect_eq FAILED "$(jget "$OUT" 'd["attempts"][0]["executor"]["state"]')" "the first attempt's job"
expect_eq "made" "$(cat "$(jget "$OUT" 'd["attempts"][1]["stdout"]')")" "the log of the second attempt"
jid=$(job_of "$run" make)
expect_eq "rl-$run-make-1" "$(squeue -h -t all -j "$jid" -o %j)" "the job's name"
expect_contains "$(scontrol show job "$jid")" "Requeue=0" "--no-requeue"
expect_eq "job $jid of 1 cpus" "$(rl logs "$run" make 2>&1)" "the job's own SLURM_* reach the step"
expect_contains "$(scontrol show job "$jid")" "Comment=runlens-test" "the stack's --slurm-opt"
expect_exit 0 rl show "$run"
expect_contains "$OUT" "slurm job $jid COMPLETED on" "show names the job"
# same records as a local run of the same file, and the cache
expect_exit 0 rl run p.json
lrun=$(rl ls --json | jget "$(cat)" 'd["runs"][0]["id"]')
expect_eq "$(sql "select key, value from run_metrics where run_id=$run")" "$(sql "select key, value from run_metrics where run_id=$lrun")" "the same metrics as locally"
expect_exit 0 rl run p.json --stack hpc
expect_contains "$OUT" "2 cached" "the cache works on Slurm too"

# ------------------------------------------------------------ bad input
cat > bad.json <<'J'
{"name": "bad", "steps": [{"name": "a", "run": "true", "resources": {"cpu": 2}}]}
J
expect_exit 2 rl run bad.json --stack hpc
expect_contains "$ERR" "runlens: bad.json: step 'a', field 'resources': unknown key 'cpu'" "unknown resource key"
expect_exit 2 rl stack register loc --artifact-store "$T/a2" --partition gpu
expect_contains "$ERR" "runlens: stack register: --partition is for a cluster orchestrator" "--partition on a local stack"
expect_exit 2 rl stack register s2 --artifact-store "$T/a2" --orchestrator slurm --slurm-opt=--job-name=x
expect_contains "$ERR" "runlens sets this option itself" "an option runlens owns"

# ------------------------------------------------------------ impossible request
cat > huge.json <<'J'
{"name": "huge", "steps": [
 {"name": "big", "run": "true", "resources": {"memory": "900000G"}},
 {"name": "nowhere", "run": "true", "resources": {"partition": "no-such-partition"}}
]}
J
expect_exit 1 rl run huge.json --stack hpc
hrun=$(rl ls --json | jget "$(cat)" 'd["runs"][0]["id"]')
expect_contains "$(sql "select error from step_runs where run_id=$hrun and name='big'")" "Slurm refused the job: sbatch: error:" "too much memory"
expect_contains "$(sql "select error from step_runs where run_id=$hrun and name='nowhere'")" "invalid partition" "no such partition"

# ------------------------------------------------------------ a timeout
cat > slow.json <<'J'
{"name": "slow", "steps": [{"name": "nap", "run": "echo up; exec sleep 120", "timeout": 2}]}
J
expect_exit 1 rl run slow.json --stack hpc
srun=$(rl ls --json | jget "$(cat)" 'd["runs"][0]["id"]')
expect_eq "failed|timed out after 2s" "$(sql "select status, error from step_runs where run_id=$srun")" "timed out"
expect_eq 1 "$(sql "select timed_out from attempts a join step_runs s on s.id=a.step_run_id where s.run_id=$srun")" "attempt timed_out"
nap=$(job_of "$srun" nap)
wait_until 30 over "$nap" || fail "the timed-out job $nap still runs: $(job_state "$nap")"
pass
# a step that ignores TERM is killed after the grace; its attempt ends
# then (no exit status is waited for from a job the runner killed: it
# was recorded RUNLENS_SLURM_END_MS, 10 s, longer)
cat > deaf.json <<'J'
{"name": "deaf", "steps": [{"name": "deaf", "run": "trap '' TERM; while :; do sleep 1; done", "timeout": 2}]}
J
expect_exit 1 rl run deaf.json --stack hpc
drun=$(sql "select max(id) from runs")
took=$(sql "select a.ended_ms - a.started_ms from attempts a join step_runs s on s.id=a.step_run_id where s.run_id=$drun")
[ "$took" -lt 19000 ] && pass || fail "the killed attempt recorded ${took} ms (the wait for an exit status that cannot come)"
expect_eq 1 "$(sql "select timed_out from attempts a join step_runs s on s.id=a.step_run_id where s.run_id=$drun")" "deaf: timed_out"

# time in Slurm's queue is not the step's: a step of timeout 2 that waits
# longer than that for the node still runs
cat > queue.json <<'J'
{"name": "queue", "steps": [
 {"name": "hog", "run": "touch hog.started; sleep 3", "resources": {"cpus": 2}},
 {"name": "quick", "run": "echo ok", "timeout": 2, "resources": {"cpus": 2}}
]}
J
expect_exit 0 rl run queue.json --stack hpc
expect_contains "$OUT" "PENDING (Resources)" "quick waited for the node"

# ------------------------------------------------------------ secrets
XDG_CONFIG_HOME="$T/config"; export XDG_CONFIG_HOME
SEC="s3cr3t-$$-rl"
printf '%s' "$SEC" | rl secret set db password=- >/dev/null
# whole on both streams, in two writes with time between, through
# `runlens secret`, in metadata, in the environment
cat > leak.sh <<'S'
echo plain $RUNLENS_SECRET_DB_PASSWORD
echo err $RUNLENS_SECRET_DB_PASSWORD >&2
v=$RUNLENS_SECRET_DB_PASSWORD
printf '%s' "${v%????}"; sleep 0.2; printf '%s\n' "${v#${v%????}}"
runlens secret db password
runlens meta k="$RUNLENS_SECRET_DB_PASSWORD"
env | grep SECRET
S
cat > sec.json <<'J'
{"name": "sec", "steps": [{"name": "leak", "secrets": ["db"], "run": ["sh", "leak.sh"]}]}
J
expect_exit 0 rl run sec.json --stack hpc
secrun=$(rl ls --json | jget "$(cat)" 'd["runs"][0]["id"]')
logs=$(rl logs "$secrun" leak 2>&1)
expect_contains "$logs" "plain ***" "masked on stdout"
expect_not_contains "$logs" "$SEC" "the secret in the logs"
sj=$(job_of "$secrun" leak)
leaks=$(grep -rl -- "$SEC" "$RUNLENS_SLURM" "$T/.runlens" 2>/dev/null)
expect_eq "" "$leaks" "the secret in Slurm's state, spool, logs or the store"
expect_not_contains "$(scontrol write batch_script "$sj" - 2>/dev/null)" "$SEC" "the job script"
expect_contains "$(scontrol write batch_script "$sj" - 2>/dev/null)" "job-exec" "the script only execs job-exec"
expect_not_contains "$(scontrol show job -d "$sj" 2>/dev/null)" "$SEC" "the job's record"
expect_eq "" "$(find "$T/.runlens" -name job.json)" "no job file left"

# ------------------------------------------------------------ Ctrl-C
cat > long.json <<'J'
{"name": "long", "steps": [
 {"name": "first", "run": "touch started; exec sleep 120", "resources": {"cpus": 2}},
 {"name": "second", "run": "touch started; exec sleep 120", "resources": {"cpus": 2}}
]}
J
"$RUNLENS_BIN" run long.json --stack hpc > run1.out 2>&1 &
pid=$!
lrun1() { sql "select id from runs where pipeline_id=(select id from pipelines where name='long') order by id desc limit 1"; }
wait_until 60 test -e started || fail "the first step did not start"
wait_until 30 grep -q "PENDING (Resources)" run1.out || fail "the second job is not pending: $(cat run1.out)"
kill -INT $pid
wait $pid; code=$?
expect_eq 1 "$code" "exit code after Ctrl-C"
r1=$(lrun1)
expect_eq "first|interrupted
second|interrupted" "$(sql "select name, status from step_runs where run_id=$r1 order by position")" "steps interrupted"
for st in first second; do
	j=$(job_of "$r1" $st)
	wait_until 30 over "$j" || fail "job $j of $st still $(job_state "$j") after Ctrl-C"
done
pass

# ------------------------------------------------------------ kill -9 of the runner
rm -f started
"$RUNLENS_BIN" run long.json --stack hpc > run2.out 2>&1 &
pid=$!
wait_until 60 test -e started || fail "the first step did not start again"
wait_until 30 grep -q "PENDING (Resources)" run2.out || fail "the second job is not pending"
kill -KILL $pid
wait $pid 2>/dev/null
r2=$(sql "select max(id) from runs")
# read the store itself: any runlens command would mark the run now
rjob() { sql "select json_extract(a.executor_json, '\$.job_id') from attempts a join step_runs s on s.id=a.step_run_id where s.run_id=$1 and s.name='$2'"; }
j1=$(rjob "$r2" first); j2=$(rjob "$r2" second)
expect_eq "RUNNING PENDING" "$(job_state "$j1") $(job_state "$j2")" "the jobs outlive their runner (submitted in order)"
expect_exit 0 rl ls --json
expect_eq interrupted "$(jget "$OUT" '[r for r in d["runs"] if r["id"]=='"$r2"'][0]["status"]')" "marked interrupted on open"
wait_until 30 over "$j1" || fail "job $j1 still $(job_state "$j1") after the dead runner's run was marked"
wait_until 30 over "$j2" || fail "pending job $j2 still $(job_state "$j2")"
expect_eq "" "$(find "$T/.runlens/runs/$r2" -name job.json)" "the pending job's file is gone"
expect_exit 0 rl show "$r2"
expect_contains "$OUT" "slurm job $j2 CANCELLED" "the cancelled job recorded so"

# ... and a job that ended on its own before anyone looked is recorded as
# it ended (COMPLETED), not CANCELLED; its attempt is interrupted all the
# same (its outputs were never collected)
cat > ends.json <<J
{"name": "ends", "steps": [{"name": "s", "run": "touch $T/ends.started; until [ -f $T/ends.go ]; do sleep 0.1; done"}]}
J
"$RUNLENS_BIN" run ends.json --stack hpc > run3.out 2>&1 &
pid=$!
wait_until 60 test -e "$T/ends.started" || fail "the ends step did not start"
r3=$(sql "select max(id) from runs")
# the runner has recorded the job (its id comes with the first squeue)
ends_recorded() { [ -n "$(rjob "$r3" s)" ]; }
wait_until 30 ends_recorded || fail "the ends job was not recorded"
kill -KILL $pid
wait $pid 2>/dev/null
j3=$(rjob "$r3" s)
touch "$T/ends.go"
wait_until 60 over "$j3" || fail "job $j3 still $(job_state "$j3")"
expect_eq COMPLETED "$(job_state "$j3")" "the job completed on its own"
expect_exit 0 rl show "$r3"
expect_contains "$OUT" "slurm job $j3 COMPLETED" "recorded as it ended, not CANCELLED"
expect_not_contains "$OUT" "CANCELLED"
expect_eq interrupted "$(sql "select a.status from attempts a join step_runs s on s.id = a.step_run_id where s.run_id = $r3")" "its attempt: interrupted"

# ------------------------------------------------------------ out of memory
if [ "$(cat "$RUNLENS_SLURM/proctrack" 2>/dev/null)" = cgroup ]; then
	cat > oom.json <<'J'
{"name": "oom", "steps": [{"name": "hog", "resources": {"memory": "64M"},
  "run": ["python3", "-c", "b = bytearray(512 * 1024 * 1024); print(len(b))"]}]}
J
	expect_exit 1 rl run oom.json --stack hpc
	orun=$(rl ls --json | jget "$(cat)" 'd["runs"][0]["id"]')
	expect_contains "$(sql "select error from step_runs where run_id=$orun")" "out of memory" "the OOM step's error"
	expect_exit 0 rl step "$orun" hog --json
	expect_eq OUT_OF_MEMORY "$(jget "$OUT" 'd["executor"]["state"]')" "Slurm's state"
else
	echo "note: the cluster has no cgroups (proctrack/pgid): memory is not enforced, OOM not tested"
fi

# ------------------------------------------------------------ the browser
if command -v tmux >/dev/null 2>&1; then
	S="runlens-slurm-$$"
	. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
	trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT
	tmux_ new-session -d -s tui -x 120 -y 30 \
		"cd '$T' && TERM=xterm-256color LC_ALL=C.UTF-8 RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui $run; sleep 30"
	see "slurm job $jid COMPLETED on $(hostname -s)"
	key Down Enter
	see "runlens · Step flaky — run $run"
	see "slurm job $(job_of "$run" flaky) COMPLETED on"
	key Tab Tab Tab Tab Tab Tab # to Attempts
	see "FAILED on $(hostname -s) · exit code 3"
	tmux_ kill-server 2>/dev/null
else
	echo "note: tmux is not installed: the browser's views are not checked"
fi

done_testing
