#!/bin/sh
# Crash torture: SIGKILL the runner (and then its steps, as a crash of the
# whole machine would) at random moments of a pipeline that writes outputs,
# a folder output, metadata and metric series.  After each kill:
#   - PRAGMA integrity_check is ok (sqlite3 CLI, before runlens touches it);
#   - the first runlens command that opens the store shows the run
#     interrupted (or finished, when the kill came after the end);
#   - tests/e2e/store_check.py finds no output recorded complete that was
#     not, no completed step without its outputs and series, nothing left
#     "running";
#   - a rerun of the killed run completes.
# RUNLENS_CRASH_KILLS sets the number of kills (default 25; the full run
# uses 200), RUNLENS_CRASH_SEED the random seed (printed, to replay).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
CHECK="$TESTS_SRCDIR/e2e/store_check.py"
KILLS=${RUNLENS_CRASH_KILLS:-25}
SEED=${RUNLENS_CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "crash torture: $KILLS kills, seed $SEED"

# integrity_check with the sqlite3 CLI when there is one, else python
integrity() {
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$RUNLENS_STORE/runlens.db" "PRAGMA integrity_check"
	else
		sql "PRAGMA integrity_check"
	fi
}

# 4 steps, two of them in parallel; each writes its output line by line
# (END last), logs a 20-point loss series and metadata as it goes.
cat > p.json <<'J'
{"name": "torture", "params": {"n": 10},
 "steps": [
  {"name": "gen", "outputs": {"data": "data.txt"},
   "run": "for i in $(seq 1 ${params.n}); do echo row $i >> ${outputs.data}; runlens metric loss $i --index $i; done; runlens meta rows=${params.n}; echo END >> ${outputs.data}"},
  {"name": "left", "inputs": {"data": "gen.data"}, "outputs": {"sum": "sum.txt", "dir": "parts"},
   "run": "mkdir -p ${outputs.dir}; for i in $(seq 1 ${params.n}); do echo $i > ${outputs.dir}/p$i; runlens metric loss $i --index $i; done; wc -l < ${inputs.data} > ${outputs.sum}; runlens meta --output sum kind=count; echo END >> ${outputs.sum}"},
  {"name": "right", "inputs": {"data": "gen.data"}, "outputs": {"copy": "copy.txt"},
   "run": "while read l; do echo \"$l\" >> ${outputs.copy}; runlens meta last=\"\\\"$l\\\"\"; done < ${inputs.data}; runlens metric acc 0.5"},
  {"name": "join", "inputs": {"a": "left.sum", "b": "right.copy"}, "outputs": {"out": "out.txt"},
   "run": "cat ${inputs.a} ${inputs.b} > ${outputs.out}; runlens state set done true"}
 ]}
J

# one clean run first: the whole pipeline works and shows how long it takes
expect_exit 0 rl run p.json --name clean
check=$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --series 10); expect_eq "" "$check" "clean run invariants"
span=$(sql "select ended_ms - started_ms from runs where name='clean'")
[ "$span" -gt 0 ] 2>/dev/null || span=1000
echo "a clean run takes ${span} ms; kills land in [0, $((span * 12 / 10))] ms"

killed=0 finished=0 n=0 rng=$SEED
while [ $n -lt "$KILLS" ]; do
	n=$((n + 1))
	# next pseudo-random delay (LCG), in ms, up to 1.2 x a clean run
	rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
	delay=$(( rng % (span * 12 / 10 + 1) ))
	rm -f runner.pid
	setsid sh -c 'echo $$ > runner.pid; exec "$0" run p.json --no-cache --name "k'$n'" >/dev/null 2>&1' "$RUNLENS_BIN" &
	bg=$!
	i=0; while [ ! -s runner.pid ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done
	sid=$(cat runner.pid)
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -KILL "$sid" 2>/dev/null
	wait "$bg" 2>/dev/null
	# then every step still running in that session, by its session id
	pkill -KILL -s "$sid" 2>/dev/null
	i=0; while pgrep -s "$sid" >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done

	ic=$(integrity)
	[ "$ic" = ok ] || { fail "kill $n (${delay} ms, seed $SEED): integrity_check: $ic"; continue; }
	id=$(sql "select id from runs where name='k$n'")
	if [ -z "$id" ]; then
		# killed before the run was recorded: nothing to check but the store
		pass; continue
	fi
	# the first runlens process to open the store settles the run
	rl show "$id" --json > show.json 2>show.err || { fail "kill $n: show failed: $(cat show.err)"; continue; }
	st=$(jget "$(cat show.json)" 'd["status"]')
	echo "kill $n at ${delay} ms: run $id $st"
	case "$st" in
	interrupted) killed=$((killed + 1)); pass ;;
	completed) finished=$((finished + 1)); pass ;;
	*) fail "kill $n (${delay} ms, seed $SEED): run $id shows '$st' after the runner died" ;;
	esac
	check=$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --run "$id" --series 10)
	expect_eq "" "$check" "kill $n (${delay} ms, seed $SEED): invariants of run $id"
	if [ "$st" = interrupted ]; then
		if rl rerun "$id" >rerun.out 2>&1; then
			rid=$(sql "select max(id) from runs")
			expect_eq completed "$(sql "select status from runs where id=$rid")" "rerun of $id"
			check=$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --run "$rid" --series 10)
			expect_eq "" "$check" "kill $n: invariants of rerun $rid"
		else
			fail "kill $n (${delay} ms, seed $SEED): rerun of $id failed: $(tail -3 rerun.out)"
		fi
	fi
done
echo "crash torture: $KILLS kills, $killed runs interrupted mid-way, $finished finished before the kill"
expect_eq ok "$(integrity)" "integrity at the end"
check=$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --series 10); expect_eq "" "$check" "every run at the end"
done_testing
