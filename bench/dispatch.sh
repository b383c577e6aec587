#!/bin/sh
# bench/dispatch.sh — per-step dispatch overhead of runlens against GNU make
# and (optionally) Snakemake on the same DAG of no-op steps, measured side
# by side in one go.
#
#   bench/dispatch.sh [RUNLENS_BIN] [STEPS] [JOBS] [REPEATS] [SNAKEMAKE_REPEATS] [RLBENCH_BIN]
#
# The DAG: STEPS steps in 10 chains (step i needs step i-10); each step runs
# `true` (Snakemake's also touches its output file, which is how Snakemake
# knows a job is done); runlens runs with --no-cache so every step really
# starts a process.  Each round runs every tool once; Snakemake (slow) takes
# part in the first SNAKEMAKE_REPEATS rounds only (default 0: not at all).
# With RLBENCH_BIN, each round also times `rlbench spawn` (bench/spawn.c):
# the same DAG with nothing but posix_spawn and waitpid, the floor no
# runner can go under on this machine.
# Prints the median wall time of each tool, their ratios, and
# `dispatch_TOOL_s SECONDS` lines for bench/run.sh.
set -eu
BIN=${1:-./runlens}
N=${2:-300}
J=${3:-2}
R=${4:-5}
SR=${5:-0}
RLB=${6:-}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ -z "$RLB" ] || RLB=$(cd "$(dirname "$RLB")" && pwd)/$(basename "$RLB")
T=$(mktemp -d)
# RLBENCH_NO_CLEANUP=1 (bench/run.sh): the folder stays, for run.sh to
# remove once every timed figure is taken — on a file system without a
# journal, inodes deleted in the last 30 s slow down every new one
# (ext4's recently_deleted), so a deletion here would be paid by the
# next figure
[ "${RLBENCH_NO_CLEANUP:-0}" = 1 ] || trap 'rm -rf "$T"' EXIT
cd "$T"

python3 - "$N" <<'PY'
import json, sys
n = int(sys.argv[1])
steps = []
mk = ["all: " + " ".join("s%d" % i for i in range(n)), ".PHONY: all " + " ".join("s%d" % i for i in range(n))]
smk = ["rule all:\n    input: [%s]\n" % ", ".join('"o/s%d"' % i for i in range(n))]
for i in range(n):
    st = {"name": "s%d" % i, "run": ["true"]}
    if i >= 10:
        st["needs"] = ["s%d" % (i - 10)]
    steps.append(st)
    mk.append("s%d:%s\n\ttrue" % (i, " s%d" % (i - 10) if i >= 10 else ""))
    smk.append('rule s%d:\n%s    output: "o/s%d"\n    shell: "true; touch {output}"\n'
               % (i, '    input: "o/s%d"\n' % (i - 10) if i >= 10 else "", i))
json.dump({"name": "dispatch", "steps": steps}, open("p.json", "w"))
# the same DAG where every step runs one script: its code is hashed into
# each step's cache key (once per run: the memo), or not ("code": false)
for name, code in (("code", None), ("nocode", False)):
    cs = []
    for st in steps:
        c = dict(st, run=["sh", "step.sh"])
        if code is False:
            c["code"] = False
        cs.append(c)
    json.dump({"name": "dispatch-" + name, "steps": cs}, open("p_%s.json" % name, "w"))
open("step.sh", "w").write("true\n")
open("Makefile", "w").write("\n".join(mk) + "\n")
open("Snakefile", "w").write("\n".join(smk))
PY

if [ "$SR" -gt 0 ] && ! command -v snakemake >/dev/null 2>&1; then
	echo "runlens: snakemake is not installed (sh scripts/install-bench-deps.sh)" >&2
	exit 1
fi
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: > make.times; : > runlens.times; : > snakemake.times; : > floor.times
: > code.times; : > nocode.times
i=0
while [ $i -lt "$R" ]; do
	t0=$(now); make -s -j"$J" -f Makefile all >/dev/null; t1=$(now)
	awk "BEGIN{print $t1 - $t0}" >> make.times
	t0=$(now); "$BIN" --store "$T/store" run p.json -j "$J" --no-cache >/dev/null; t1=$(now)
	awk "BEGIN{print $t1 - $t0}" >> runlens.times
	if [ -n "$RLB" ]; then
		t0=$(now); "$RLB" spawn "$N" "$J"; t1=$(now)
		awk "BEGIN{print $t1 - $t0}" >> floor.times
	fi
	for c in code nocode; do
		t0=$(now); "$BIN" --store "$T/store" run "p_$c.json" -j "$J" --no-cache >/dev/null; t1=$(now)
		awk "BEGIN{print $t1 - $t0}" >> $c.times
	done
	if [ $i -lt "$SR" ]; then
		[ ! -d o ] || mv o "o.$i" # not deleted now (above)
		t0=$(now); snakemake -s Snakefile -j "$J" -q >/dev/null 2>&1; t1=$(now)
		awk "BEGIN{print $t1 - $t0}" >> snakemake.times
	fi
	i=$((i + 1))
done
m=$(median < make.times); r=$(median < runlens.times)
printf 'steps=%s jobs=%s repeats=%s\n' "$N" "$J" "$R"
printf 'GNU make   median %.3fs  (%.2f ms/step)\n' "$m" "$(awk "BEGIN{print $m * 1000 / $N}")"
printf 'runlens    median %.3fs  (%.2f ms/step)\n' "$r" "$(awk "BEGIN{print $r * 1000 / $N}")"
printf 'ratio runlens/make: %.2f\n' "$(awk "BEGIN{print $r / $m}")"
printf 'dispatch_make_s %s\ndispatch_runlens_s %s\n' "$m" "$r"
c=$(median < code.times); nc=$(median < nocode.times)
printf 'runlens, each step running one script, its code hashed: %.3fs; "code": false: %.3fs (%.2fx)\n' \
	"$c" "$nc" "$(awk "BEGIN{print $c / $nc}")"
printf 'dispatch_code_s %s\ndispatch_nocode_s %s\n' "$c" "$nc"
if [ -n "$RLB" ]; then
	f=$(median < floor.times)
	printf 'floor      median %.3fs  (%.2f ms/step: spawn and wait only)\n' "$f" \
		"$(awk "BEGIN{print $f * 1000 / $N}")"
	printf 'dispatch_floor_s %s\n' "$f"
fi
if [ "$SR" -gt 0 ]; then
	s=$(median < snakemake.times)
	printf 'Snakemake  median %.3fs  (%.2f ms/step, %s rounds)\n' "$s" \
		"$(awk "BEGIN{print $s * 1000 / $N}")" "$SR"
	printf 'ratio snakemake/runlens: %.1f\n' "$(awk "BEGIN{print $s / $r}")"
	[ -z "$RLB" ] || printf 'ratio snakemake/floor: %.1f (the most any runner could show here)\n' \
		"$(awk "BEGIN{print $s / $f}")"
	printf 'dispatch_snakemake_s %s\n' "$s"
fi
