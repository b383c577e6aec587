#!/bin/sh
# bench/slurm.sh — the Slurm row of `make bench`: a DAG of STEPS no-op
# steps (10 chains: step i needs step i-10) on a real single-node Slurm
# cluster, wall time of the whole DAG in the same round for
#   - runlens: `runlens run --stack hpc --no-cache -j JOBS` (the Slurm
#     executor: one sbatch per step, exit_status files, one squeue a second);
#   - a bare loop (bench/slurm_bare.py): sbatch --wrap true for each ready
#     step, squeue for all in flight every 100 ms — what any tool must at
#     least do, and nothing else;
#   - Snakemake 7.21 (Debian's) in its generic cluster mode:
#     `--cluster 'sbatch …' --cluster-status` with a script that asks
#     squeue (its `--slurm` executor needs Slurm's accounting database,
#     slurmdbd with MariaDB, which this cluster does not run).
#
#   bench/slurm.sh [RUNLENS_BIN] [STEPS] [JOBS] [REPEATS] [SNAKEMAKE_REPEATS]
#
# Uses the cluster RUNLENS_SLURM names, else starts one (tests/slurm/up.sh)
# and stops it at the end.  Prints medians, ratios, runlens' overhead per
# step over the bare loop, and `slurm_TOOL_s SECONDS` lines for
# bench/run.sh.  Exit 77 when Slurm's packages are not installed.
set -eu
SRC=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-./runlens}
N=${2:-100}
J=${3:-10}
R=${4:-1}
SR=${5:-1}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
T=$(mktemp -d /tmp/rl-bench-slurm.XXXXXX)
own=""
cleanup() {
	[ -z "$own" ] || sh "$SRC/../tests/slurm/down.sh" "$own" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT
if [ -z "${RUNLENS_SLURM:-}" ]; then
	own=$(sh "$SRC/../tests/slurm/up.sh") || exit $?
	RUNLENS_SLURM=$own
fi
. "$RUNLENS_SLURM/env"
cd "$T"

python3 - "$N" <<'PY'
import json, sys
n = int(sys.argv[1])
steps, smk = [], ["rule all:\n    input: [%s]\n" % ", ".join('"o/s%d"' % i for i in range(n))]
for i in range(n):
    st = {"name": "s%d" % i, "run": ["true"]}
    if i >= 10:
        st["needs"] = ["s%d" % (i - 10)]
    steps.append(st)
    smk.append('rule s%d:\n%s    output: "o/s%d"\n    shell: "touch {output}"\n'
               % (i, '    input: "o/s%d"\n' % (i - 10) if i >= 10 else "", i))
json.dump({"name": "slurm-dispatch", "steps": steps}, open("p.json", "w"))
open("Snakefile", "w").write("\n".join(smk))
open("status.py", "w").write('''import subprocess, sys
out = subprocess.run(["squeue", "-h", "-t", "all", "-j", sys.argv[1], "-o", "%T"],
                     capture_output=True, text=True).stdout.strip()
if out == "COMPLETED":
    print("success")
elif out in ("FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
             "PREEMPTED", "BOOT_FAIL", "DEADLINE"):
    print("failed")
else:
    print("running")
''')
PY

"$BIN" --store "$T/store" stack register hpc --artifact-store "$T/art" \
	--orchestrator slurm >/dev/null
if [ "$SR" -gt 0 ] && ! command -v snakemake >/dev/null 2>&1; then
	echo "runlens: snakemake is not installed (sh scripts/install-bench-deps.sh)" >&2
	exit 1
fi
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
: > runlens.times; : > bare.times; : > snakemake.times
i=0
while [ $i -lt "$R" ]; do
	t0=$(now)
	"$BIN" --store "$T/store" run p.json --stack hpc -j "$J" --no-cache >/dev/null
	t1=$(now); awk "BEGIN{print $t1 - $t0}" >> runlens.times
	t0=$(now); python3 "$SRC/slurm_bare.py" "$N" "$J"; t1=$(now)
	awk "BEGIN{print $t1 - $t0}" >> bare.times
	if [ $i -lt "$SR" ]; then
		rm -rf o .snakemake
		t0=$(now)
		snakemake -s Snakefile -j "$J" -q --latency-wait 5 \
			--cluster "sbatch --parsable --no-requeue -o /dev/null -e /dev/null -J smk" \
			--cluster-status "python3 $T/status.py" >/dev/null 2>&1
		t1=$(now); awk "BEGIN{print $t1 - $t0}" >> snakemake.times
	fi
	i=$((i + 1))
done
r=$(median < runlens.times); b=$(median < bare.times)
printf 'Slurm: %s no-op steps (10 chains), -j %s, %s rounds, %s\n' "$N" "$J" "$R" \
	"$(cat "$RUNLENS_SLURM/proctrack" 2>/dev/null || echo ?) cluster on this machine"
printf 'runlens    median %.2fs  (%.0f ms/step)\n' "$r" "$(awk "BEGIN{print $r * 1000 / $N}")"
printf 'bare loop  median %.2fs  (%.0f ms/step: sbatch and squeue only)\n' "$b" \
	"$(awk "BEGIN{print $b * 1000 / $N}")"
printf 'ratio runlens/bare: %.2f (%+.0f ms/step)\n' "$(awk "BEGIN{print $r / $b}")" \
	"$(awk "BEGIN{print ($r - $b) * 1000 / $N}")"
printf 'slurm_runlens_s %s\nslurm_bare_s %s\n' "$r" "$b"
if [ "$SR" -gt 0 ]; then
	s=$(median < snakemake.times)
	printf 'Snakemake  median %.2fs  (%.0f ms/step, --cluster sbatch + --cluster-status, %s rounds)\n' \
		"$s" "$(awk "BEGIN{print $s * 1000 / $N}")" "$SR"
	printf 'ratio snakemake/runlens: %.2f\n' "$(awk "BEGIN{print $s / $r}")"
	printf 'slurm_snakemake_s %s\n' "$s"
fi
