#!/bin/sh
# The Slurm executor against a fake Slurm (sbatch, squeue and scancel as
# small scripts first on PATH) for what a real cluster will not do on
# demand: a job that can never start (its reason lasts past the grace), a
# job Slurm forgets, an id that now names another job, an sbatch that
# fails with a timeout although it submitted (the job is adopted by name,
# not submitted twice), a controller that stops answering (a job that
# ends meanwhile is still seen through its exit_status; the others fail
# after the bounded wait).  Runs everywhere: no cluster needed.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

FAKE=$T/fake
mkdir -p "$FAKE/bin" "$FAKE/jobs"
echo 100 > "$FAKE/next"
# Slurm's commands get only the SLURM_* variables of the runner (and PATH,
# HOME…): the fake finds its folder through one
SLURM_FAKE=$FAKE
export SLURM_FAKE
cat > "$FAKE/bin/sbatch" <<'S'
#!/bin/sh
# --job-name=NAME … --wrap=CMD; how it behaves depends on the step's name
name=; wrap=; dir=
for a; do
	case "$a" in --job-name=*) name=${a#--job-name=} ;; --wrap=*) wrap=${a#--wrap=} ;;
	--chdir=*) dir=${a#--chdir=} ;; esac
done
echo "$dir" > "$SLURM_FAKE/jobs/$(cat "$SLURM_FAKE/next").dir"
id=$(cat "$SLURM_FAKE/next"); echo $((id + 1)) > "$SLURM_FAKE/next"
echo "$*" >> "$SLURM_FAKE/sbatch.log"
case "$name" in
*-stuck-*) echo "$name|PENDING||BadConstraints" > "$SLURM_FAKE/jobs/$id" ;;
*-ghost-*) ;;
*-reused-*) echo "someone-else|RUNNING|n1|None" > "$SLURM_FAKE/jobs/$id" ;;
*-twin-*) # the same name, another store's folder: not ours
	echo "$name|RUNNING|n1|None" > "$SLURM_FAKE/jobs/$id"
	echo "/another/store/attempts/1" > "$SLURM_FAKE/jobs/$id.dir" ;;
*-lost-*) echo "$name|PENDING||Priority" > "$SLURM_FAKE/jobs/$id" ;;
*)
	echo "$name|RUNNING|n1|None" > "$SLURM_FAKE/jobs/$id"
	( sh -c "$wrap" >/dev/null 2>&1; rc=$?
	  st=COMPLETED; [ $rc -eq 0 ] || st=FAILED
	  echo "$name|$st|n1|None" > "$SLURM_FAKE/jobs/$id" ) &
	;;
esac
case "$name" in
*-flaky-*)
	if [ ! -e "$SLURM_FAKE/flaky-once" ]; then
		touch "$SLURM_FAKE/flaky-once"
		echo "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation" >&2
		exit 1
	fi ;;
esac
echo "$id"
S
cat > "$FAKE/bin/squeue" <<'S'
#!/bin/sh
# -j ID,… or --name=NAME; -o is always runlens' format
[ -e "$SLURM_FAKE/down" ] && exec sleep 30
ids=; name=
while [ $# -gt 0 ]; do
	case "$1" in -j) ids=$2; shift ;; --name=*) name=${1#--name=} ;; esac
	shift
done
for f in "$SLURM_FAKE"/jobs/*; do
	[ -f "$f" ] || continue
	case "$f" in *.dir) continue ;; esac
	id=${f##*/}
	IFS='|' read -r n st node reason < "$f"
	if [ -n "$name" ]; then [ "$n" = "$name" ] || continue
	else case ",$ids," in *",$id,"*) ;; *) continue ;; esac; fi
	echo "$id|$n|$st|$node|$reason|$(cat "$f.dir" 2>/dev/null)"
done
S
cat > "$FAKE/bin/scancel" <<'S'
#!/bin/sh
echo "$*" >> "$SLURM_FAKE/scancel.log"
for a; do
	case "$a" in -*) continue ;; esac
	for id in $(echo "$a" | tr ',' ' '); do
		f=$SLURM_FAKE/jobs/$id
		[ -f "$f" ] || continue
		IFS='|' read -r n st node reason < "$f"
		case "$st" in PENDING|RUNNING) echo "$n|CANCELLED|$node|None" > "$f" ;; esac
	done
done
S
chmod +x "$FAKE"/bin/*
PATH="$FAKE/bin:$PATH"
export PATH
export RUNLENS_SLURM_POLL_MS=200 RUNLENS_SLURM_NEVER_START_MS=1500 \
	RUNLENS_SLURM_VANISH_MS=1500 RUNLENS_SLURM_RETRY_MS=200

expect_exit 0 rl stack register fake --artifact-store "$T/art" --orchestrator slurm
cat > p.json <<'J'
{"name": "fake", "steps": [
 {"name": "ok", "run": "echo fine"},
 {"name": "flaky", "run": "echo ran >> flaky.runs"},
 {"name": "stuck", "run": "true"},
 {"name": "ghost", "run": "true"},
 {"name": "reused", "run": "true"},
 {"name": "twin", "run": "true"}
]}
J
expect_exit 1 rl run p.json --stack fake -j 10
run=$(sql "select max(id) from runs")
st() { sql "select status || '|' || coalesce(error, '') from step_runs where run_id=$run and name='$1'"; }
expect_eq "completed|" "$(st ok)" "a job that ran"
expect_eq "completed|" "$(st flaky)" "an sbatch that timed out but submitted"
expect_eq "ran" "$(cat flaky.runs)" "the flaky step ran once, not twice"
expect_eq 1 "$(grep -c -- '--job-name=rl-1-flaky-1' "$FAKE/sbatch.log")" "submitted once: adopted by name"
expect_contains "$(st stuck)" "failed|Slurm cannot start job" "a reason that never clears"
expect_contains "$(st stuck)" "BadConstraints — no node has what the job asks for" "the reason, explained"
stuck=$(sql "select json_extract(a.executor_json, '\$.job_id') from attempts a join step_runs s on s.id=a.step_run_id where s.run_id=$run and s.name='stuck'")
expect_contains "$(cat "$FAKE/scancel.log")" "$stuck" "the stuck job cancelled"
expect_not_contains "$(cat "$FAKE/scancel.log")" "--signal" "no signal to a pending job"
expect_contains "$(st ghost)" "failed|Slurm job" "a job Slurm forgot"
expect_contains "$(st ghost)" "vanished" "it vanished"
expect_contains "$(st reused)" "vanished" "an id that is another job's now"
expect_contains "$(st twin)" "vanished" "the same name in another store's folder"
expect_eq "" "$(find "$T/.runlens" -name job.json)" "no job file left"
for a in --parsable --no-requeue --cpus-per-task=1 "--wrap=exec "; do
	expect_contains "$(head -1 "$FAKE/sbatch.log")" "$a" "sbatch $a"
done

# the controller stops answering: a job that ends meanwhile is seen
# through its exit_status; one that never will fails after the wait
export RUNLENS_SLURM_QUERY_MS=500 RUNLENS_SLURM_DOWN_MS=2500
cat > d.json <<'J'
{"name": "down", "steps": [
 {"name": "during", "run": "while [ ! -e go ]; do sleep 0.05; done; echo done"},
 {"name": "lost", "run": "true"}
]}
J
rm -f go
"$RUNLENS_BIN" run d.json --stack fake -j 10 > down.out 2>&1 &
pid=$!
i=0; while ! grep -q "slurm job" down.out && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
touch "$FAKE/down" go
wait $pid; code=$?
rm -f "$FAKE/down"
expect_eq 1 "$code" "the run with a lost job fails"
run=$(sql "select max(id) from runs")
expect_eq "completed|" "$(st during)" "ended while the controller was down"
expect_contains "$(st lost)" "the Slurm controller did not answer for 2 s" "bounded"

done_testing
