#!/bin/sh
# bench/table.sh — the experiment table's figures, each side by side with
# what it is compared with, in rounds (medians):
#
#   bench/table.sh RUNLENS_BIN BIG_STORE SMALL_STORE [REPEATS] [SWEEP_RUNS]
#
# ls_table: `runlens ls --columns` with 20 param and metric columns, the
#   first page (50 runs), as a user types it (a process, the store opened),
#   on the big generated store and on the small one.
# sweep: SWEEP_RUNS (100) runs of a 3-step no-op pipeline as one sweep
#   (`run -p i=1..N`: one process, one store connection) against the same
#   runs made one by one by `runlens run` in a shell loop; --no-cache, so
#   every step starts a process in both.
# Prints "ls_table_ms BIG SMALL", "sweep_s SWEEP LOOP" and (on a tmpfs)
# "sweep_tmpfs_s SWEEP LOOP" for bench/run.sh.
set -eu
BIN=${1:?runlens binary}
BIG=${2:?big store}
SMALL=${3:?small store}
R=${4:-5}
N=${5:-100}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# the 20 columns: 8 params and 12 metrics of the generator's newest runs
COLS=params.lr,params.batch,params.dropout,params.wd,params.warmup,params.layers,params.heads,params.optimizer,train.loss,train.acc,train.lr,train.val_acc,train.val_loss,train.f1,train.auc,train.precision,train.recall,train.rmse,train.mae,train.latency_ms

ls_once() { # STORE: milliseconds of one ls
	a=$(now)
	"$BIN" --store "$1" ls --columns "$COLS" --limit 50 > "$T/ls.out"
	b=$(now)
	[ "$(wc -l < "$T/ls.out")" -eq 51 ] || { echo "runlens: ls gave $(wc -l < "$T/ls.out") lines" >&2; exit 1; }
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
: > "$T/big" ; : > "$T/small"
ls_once "$BIG" > /dev/null # warm both
ls_once "$SMALL" > /dev/null
i=0
while [ $i -lt "$R" ]; do
	ls_once "$BIG" >> "$T/big"
	ls_once "$SMALL" >> "$T/small"
	i=$((i + 1))
done
echo "ls_table_ms $(median < "$T/big") $(median < "$T/small")"

cat > "$T/p.json" <<'J'
{"name": "sweep3", "params": {"i": 0},
 "steps": [
  {"name": "a", "run": ["true", "${params.i}"]},
  {"name": "b", "run": ["true"], "needs": ["a"]},
  {"name": "c", "run": ["true"], "needs": ["b"]}
 ]}
J
race() { # DIR NAME: the sweep against the loop, stores in DIR
	d=$1
	: > "$T/sweep" ; : > "$T/loop"
	i=0
	while [ $i -lt "$R" ]; do
		rm -rf "$d/s1" "$d/s2"
		a=$(now)
		"$BIN" --store "$d/s1" run "$T/p.json" -p "i=1..$N" --no-cache > /dev/null 2>&1 || true
		b=$(now)
		k=1
		while [ $k -le "$N" ]; do
			"$BIN" --store "$d/s2" run "$T/p.json" -p "i=$k" --no-cache > /dev/null 2>&1 || true
			k=$((k + 1))
		done
		c=$(now)
		[ "$("$BIN" --store "$d/s1" ls --limit 0 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))')" -eq "$N" ] ||
			{ echo "runlens: the sweep did not make $N runs" >&2; exit 1; }
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", b - a }' >> "$T/sweep"
		awk -v b="$b" -v c="$c" 'BEGIN { printf "%.3f\n", c - b }' >> "$T/loop"
		i=$((i + 1))
	done
	rm -rf "$d/s1" "$d/s2"
	echo "$2 $(median < "$T/sweep") $(median < "$T/loop")"
}
# where the stores are (the disk), and in memory when there is a tmpfs:
# the runs' folders are the same in both contenders, and on a disk that
# other work keeps busy, making them is most of the time (docs/benchmarks.md)
race "$T" sweep_s
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	M=$(mktemp -d /dev/shm/rlbench-sweep.XXXXXX)
	race "$M" sweep_tmpfs_s
	rm -rf "$M"
fi
