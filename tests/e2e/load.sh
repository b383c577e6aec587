#!/bin/sh
# Load: 8 runners at once on one store (each runs its pipeline several
# times; steps log metric series through the Python client), the browser
# open in tmux, and `ls`/`show` readers in a loop, all together.
#   - nobody sees "database is locked" (or busy): not the runners, not the
#     readers, not the browser;
#   - every run completes and every metric point is recorded;
#   - the WAL stays bounded while readers never stop (its largest size,
#     sampled all along, stays under RUNLENS_LOAD_WAL_MAX bytes);
#   - the store passes integrity_check.
# RUNLENS_LOAD_RUNS: runs per runner (default 2), RUNLENS_LOAD_POINTS:
# metric points per step (default 200).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
export RUNLENS_PYTHON_DIR
RUNNERS=8
RUNS=${RUNLENS_LOAD_RUNS:-2}
POINTS=${RUNLENS_LOAD_POINTS:-200}
WAL_MAX=${RUNLENS_LOAD_WAL_MAX:-16777216}
DB="$RUNLENS_STORE/runlens.db"
echo "load: $RUNNERS runners x $RUNS runs, $POINTS points per step"

cat > log.py <<'PY'
import sys, runlens
n = int(sys.argv[1])
for i in range(n):
    runlens.log_metric("loss", 1.0 / (i + 1), index=i)
    if i % 50 == 0:
        runlens.log_metadata(progress=i)
runlens.log_metric("final", 0.5)
ctx = runlens.get_step_context()
for name in ctx.step.outputs:
    with open(ctx.step.outputs[name].path, "w") as f:
        f.write("done\nEND\n")
PY
cat > p.json <<J
{"name": "load", "params": {"n": $POINTS},
 "steps": [
  {"name": "a", "run": ["python3", "log.py", "\${params.n}"], "outputs": {"o": "a.txt"}},
  {"name": "b", "run": ["python3", "log.py", "\${params.n}"], "outputs": {"o": "b.txt"}},
  {"name": "c", "run": ["python3", "log.py", "\${params.n}"], "inputs": {"a": "a.o", "b": "b.o"}, "outputs": {"o": "c.txt"}}
 ]}
J
# the store exists before everyone starts
expect_exit 0 rl run p.json --name warmup -p n=5

# --- the browser, in tmux when there is one
TMUX_S="runlens-load-$$"
have_tmux=0
if command -v tmux >/dev/null 2>&1; then
	have_tmux=1
	export TERM=xterm-256color LC_ALL=C.UTF-8
	tmux -L "$TMUX_S" new-session -d -s tui -x 120 -y 30 \
		"cd '$T' && RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui 2>tui.err; echo \"exit \$?\" > tui.exit"
	trap 'tmux -L "$TMUX_S" kill-server 2>/dev/null; cleanup_tmp' EXIT
fi

: > stop.flag; rm -f stop.flag
# --- WAL sampler: the largest size seen
( max=0
  while [ ! -e stop.flag ]; do
	s=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
	[ "$s" -gt "$max" ] && { max=$s; echo "$max" > wal.max; }
	sleep 0.05
  done ) &
sampler=$!

# --- readers: ls and show, each in a loop, until the runners are done
reader() { # NAME CMD...
	name=$1; shift
	k=0
	while [ ! -e stop.flag ]; do
		"$RUNLENS_BIN" "$@" >/dev/null 2>>"reader-$name.err" || echo "exit $?" >> "reader-$name.err"
		k=$((k + 1))
	done
	echo $k > "reader-$name.count"
}
reader ls ls --json & r1=$!
reader show show last --json & r2=$!
reader lsw ls --where 'a.loss<1' --json & r3=$!

# --- the runners
pids=""
i=0
while [ $i -lt $RUNNERS ]; do
	i=$((i + 1))
	( j=0; rc=0
	  while [ $j -lt "$RUNS" ]; do
		j=$((j + 1))
		"$RUNLENS_BIN" run p.json -j 2 --no-cache --name "r$i-$j" >"runner-$i-$j.out" 2>&1 || rc=1
		if [ $have_tmux -eq 1 ] && [ $i -eq 1 ]; then
			tmux -L "$TMUX_S" send-keys -t tui j k Enter q 2>/dev/null
		fi
	  done
	  exit $rc ) &
	pids="$pids $!"
done
bad_runners=0
for p in $pids; do wait "$p" || bad_runners=$((bad_runners + 1)); done
touch stop.flag
wait $r1 $r2 $r3 $sampler

expect_eq 0 "$bad_runners" "runners that failed"
locked=$(grep -il "locked\|busy" runner-*.out reader-*.err tui.err 2>/dev/null | tr '\n' ' ')
expect_eq "" "$locked" "files mentioning a locked or busy database"
for f in reader-*.err; do
	[ -s "$f" ] && fail "$f: $(head -3 "$f")"
done
pass
echo "readers: ls $(cat reader-ls.count), show $(cat reader-show.count), ls --where $(cat reader-lsw.count) times"

total=$((RUNNERS * RUNS))
expect_eq "$total" "$(sql "select count(*) from runs where name like 'r%' and status='completed'")" "completed runs"
# every point of every step of every run
expect_eq "$((total * 3 * POINTS))" "$(sql "select count(*) from metrics m join runs r on r.id=m.run_id where r.name like 'r%' and m.key='loss'")" "loss points recorded"
expect_eq "$((total * 3))" "$(sql "select count(*) from metrics m join runs r on r.id=m.run_id where r.name like 'r%' and m.key='final'")" "final values recorded"
expect_eq "" "$(sql "select r.name, s.step, s.count from run_metrics s join runs r on r.id=s.run_id where r.name like 'r%' and s.key='loss' and s.count != $POINTS")" "run summaries count every point"
expect_eq "" "$(python3 "$TESTS_SRCDIR/e2e/store_check.py" "$DB")" "store invariants"

wal=$(cat wal.max 2>/dev/null || echo 0)
echo "largest WAL seen: $wal bytes (bound $WAL_MAX)"
if [ "$wal" -le "$WAL_MAX" ]; then pass; else fail "WAL grew to $wal bytes (> $WAL_MAX)"; fi

if [ $have_tmux -eq 1 ]; then
	scr=$(tmux -L "$TMUX_S" capture-pane -p -t tui 2>/dev/null)
	expect_not_contains "$scr" "locked" "browser screen"
	expect_not_contains "$scr" "busy" "browser screen"
	if tmux -L "$TMUX_S" has-session -t tui 2>/dev/null && [ ! -e tui.exit ]; then pass; else fail "the browser ended: $(cat tui.exit tui.err 2>/dev/null)"; fi
	tmux -L "$TMUX_S" send-keys -t tui q q q 2>/dev/null
fi
done_testing
