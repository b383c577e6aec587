#!/bin/sh
# bench/run.sh — the suite behind `make bench`: every figure of
# docs/benchmarks.md, each measured side by side with what it is compared
# to, printed as one table of medians and ratios.
#
# Environment (defaults are the full sizes):
#   RUNLENS_BIN, RLBENCH_BIN   the binaries (make bench sets both)
#   RLBENCH_DIR                where stores and scratch files go
#                              (/tmp/runlens-bench); generated stores are
#                              kept there (the big one is ~1.4 GB: remove the
#                              folder to get the space back) and reused while
#                              their sizes and schema version match
#   RLBENCH_RUNS               runs of the big store (1000000)
#   RLBENCH_SMALL_RUNS         runs of the small store (1000)
#   RLBENCH_METRIC_ROWS, RLBENCH_PIPELINES, RLBENCH_SAMPLE   see bench/gen.c
#   RLBENCH_STEPS, RLBENCH_JOBS  the dispatch DAG (300 steps, -j2)
#   RLBENCH_SCALE_STEPS        the large dispatch DAG (10000 steps)
#   RLBENCH_SCALE_REPEATS      its rounds (1; about a minute each)
#   RLBENCH_REPEATS            rounds of each timed figure (browse: 41)
#   RLBENCH_SNAKEMAKE_REPEATS  rounds with Snakemake (3; slow)
#   RLBENCH_HASH_MB            size of the hashed file (1024)
#   RLBENCH_TUI_ROUNDS         browser starts replaying the key script (5)
#   RLBENCH_IDLE_S             seconds the busy browser is left idle (10)
#   RLBENCH_LOG_LINES          lines of the log G goes to the end of (40000000)
#   RLBENCH_KEEP=1             keep the hashed file (1 GB) too
#   RLBENCH_SWEEP_RUNS         runs of the sweep figure (100)
#   RLBENCH_SLURM_STEPS, RLBENCH_SLURM_JOBS  the Slurm row's DAG (100, -j10)
#   RLBENCH_SLURM_REPEATS      its rounds (1; each takes a minute or more)
#   RLBENCH_ONLY               space-separated subset of:
#                              dispatch ingest browse tui table hash slurm
set -eu
SRC=$(cd "$(dirname "$0")" && pwd)
BIN=${RUNLENS_BIN:-./runlens}
RLB=${RLBENCH_BIN:-./bench/rlbench}
WORK=${RLBENCH_DIR:-/tmp/runlens-bench}
BIG=${RLBENCH_RUNS:-1000000}
SMALL=${RLBENCH_SMALL_RUNS:-1000}
ONLY=${RLBENCH_ONLY:-dispatch ingest browse tui table hash slurm}
mkdir -p "$WORK"
RES=$WORK/results.txt
: > "$RES"

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "runlens: make bench needs $1: run sh scripts/install-bench-deps.sh" >&2
	exit 1
}
for t in make snakemake sha256sum python3; do need "$t"; done
wants() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
log() { printf '== %s\n' "$*" >&2; }
val() { awk -v k="$1" '$1 == k { print $2; exit }' "$RES"; }
col() { awk -v k="$1" -v c="$2" '$1 == k { print $c; exit }' "$RES"; }

store_of() { # RUNS -> a generated store of that many runs (made once)
	d=$WORK/store-$1
	RLBENCH_RUNS=$1 "$RLB" gen "$d" >&2
	printf '%s' "$d"
}

# the dispatch figures' folders are removed at the end, not between
# figures (bench/dispatch.sh says why)
SCRATCH=$WORK/scratch
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
if wants dispatch; then
	export RLBENCH_NO_CLEANUP=1
	log "dispatch: ${RLBENCH_STEPS:-300} no-op steps at -j${RLBENCH_JOBS:-2}: GNU make, runlens, Snakemake"
	TMPDIR=$SCRATCH sh "$SRC/dispatch.sh" "$BIN" "${RLBENCH_STEPS:-300}" "${RLBENCH_JOBS:-2}" \
		"${RLBENCH_REPEATS:-5}" "${RLBENCH_SNAKEMAKE_REPEATS:-3}" "$RLB" | tee -a "$RES" >&2
	if [ -w /dev/shm ]; then
		log "dispatch: the same in a tmpfs (/dev/shm), where a new folder or file costs microseconds"
		TMPDIR=/dev/shm RLBENCH_NO_CLEANUP=0 sh "$SRC/dispatch.sh" "$BIN" "${RLBENCH_STEPS:-300}" \
			"${RLBENCH_JOBS:-2}" "${RLBENCH_REPEATS:-5}" 0 "$RLB" | sed 's/^dispatch_/dispatch_tmpfs_/' | tee -a "$RES" >&2
	fi
	log "dispatch: ${RLBENCH_SCALE_STEPS:-10000} steps (runlens, the floor), syscalls per step"
	TMPDIR=$SCRATCH python3 "$SRC/scale.py" "$BIN" "$RLB" "${RLBENCH_SCALE_STEPS:-10000}" \
		"${RLBENCH_JOBS:-2}" "${RLBENCH_SCALE_REPEATS:-1}" "${RLBENCH_STEPS:-300}" |
		tee -a "$RES" >&2
	if [ -w /dev/shm ]; then
		log "dispatch: ${RLBENCH_SCALE_STEPS:-10000} steps in a tmpfs"
		TMPDIR=/dev/shm RLBENCH_NO_CLEANUP=0 python3 "$SRC/scale.py" "$BIN" "$RLB" \
			"${RLBENCH_SCALE_STEPS:-10000}" "${RLBENCH_JOBS:-2}" "${RLBENCH_SCALE_REPEATS:-1}" 0 |
			grep '^scale_' | sed 's/^scale_/scale_tmpfs_/' | tee -a "$RES" >&2
	fi
	unset RLBENCH_NO_CLEANUP
fi
if wants ingest; then
	log "ingestion: records file through core/ingest.c against raw prepared inserts"
	TMPDIR=$WORK "$RLB" ingest | tee -a "$RES" >&2
fi
if wants browse || wants tui || wants table; then
	log "stores: $BIG and $SMALL runs (generated once, then reused)"
	BIGD=$(store_of "$BIG")
	SMALLD=$(RLBENCH_METRIC_ROWS= RLBENCH_SAMPLE= store_of "$SMALL")
fi
if wants browse; then
	log "browsing: $BIG-run store against $SMALL-run store"
	"$RLB" browse "$BIGD" "$SMALLD" | sed 's/^/browse_/' | tee -a "$RES" >&2
fi
if wants tui; then
	log "browser: key script against runlens tui on the $BIG-run store"
	python3 "$SRC/tui_drive.py" "$BIN" "$BIGD" "${RLBENCH_TUI_ROUNDS:-5}" | tee -a "$RES" >&2
	log "browser: keys and idle CPU while a runner writes to the $BIG-run store"
	python3 "$SRC/tui_busy.py" "$BIN" "$BIGD" "$WORK/busy" "${RLBENCH_IDLE_S:-10}" | tee -a "$RES" >&2
	log "browser: G on a log of ${RLBENCH_LOG_LINES:-40000000} lines"
	python3 "$SRC/tui_log.py" "$BIN" "$WORK/log" "${RLBENCH_LOG_LINES:-40000000}" | tee -a "$RES" >&2
fi
if wants table; then
	log "experiment table: ls with 20 columns on both stores; a sweep of ${RLBENCH_SWEEP_RUNS:-100} runs against a shell loop"
	sh "$SRC/table.sh" "$BIN" "$BIGD" "$SMALLD" "${RLBENCH_REPEATS:-5}" "${RLBENCH_SWEEP_RUNS:-100}" |
		tee -a "$RES" >&2
fi
if wants hash; then
	MB=${RLBENCH_HASH_MB:-1024}
	F=$WORK/hash-$MB.bin
	if [ ! -f "$F" ] || [ "$(wc -c < "$F")" -ne $((MB * 1048576)) ]; then
		log "hashing: writing a $MB MB file"
		head -c $((MB * 1048576)) /dev/urandom > "$F.tmp" && mv "$F.tmp" "$F"
	fi
	log "hashing: core/hash.c against sha256sum on $MB MB"
	"$RLB" hash "$F" | tee -a "$RES" >&2
	[ "${RLBENCH_KEEP:-0}" = 1 ] || rm -f "$F"
fi

if wants slurm; then
	log "slurm: ${RLBENCH_SLURM_STEPS:-100} no-op steps on a local cluster: runlens, a bare sbatch+squeue loop, Snakemake"
	rc=0
	sh "$SRC/slurm.sh" "$BIN" "${RLBENCH_SLURM_STEPS:-100}" "${RLBENCH_SLURM_JOBS:-10}" \
		"${RLBENCH_SLURM_REPEATS:-1}" "${RLBENCH_SNAKEMAKE_REPEATS:-3}" > "$WORK/slurm.txt" || rc=$?
	cat "$WORK/slurm.txt" >&2
	cat "$WORK/slurm.txt" >> "$RES"
	[ $rc -eq 77 ] && log "slurm: Slurm's packages are not installed: no Slurm row"
fi

# ------------------------------------------------------------ the table
row() { # FIGURE GOAL MEASURED VERDICT
	printf '%-44s %-20s %-34s %s\n' "$1" "$2" "$3" "$4"
}
ok() { awk "BEGIN { exit !($1) }" && echo ok || echo MISS; }
echo
row "figure" "goal" "measured (median)" ""
row "------" "----" "-----------------" ""
if [ -n "$(val dispatch_make_s)" ]; then
	m=$(val dispatch_make_s); r=$(val dispatch_runlens_s); s=$(val dispatch_snakemake_s)
	f=$(val dispatch_floor_s)
	row "dispatch ${RLBENCH_STEPS:-300} steps -j${RLBENCH_JOBS:-2}: runlens/make" "<= 1.30x" \
		"$(awk "BEGIN{printf \"%.2fx (%.2fs / %.2fs)\", $r/$m, $r, $m}")" "$(ok "$r/$m <= 1.3")"
	[ -n "$s" ] && row "dispatch: Snakemake/runlens" "-" \
		"$(awk "BEGIN{printf \"%.1fx (%.2fs / %.2fs)\", $s/$r, $s, $r}")" ""
	[ -n "$f" ] && row "dispatch floor: make/floor, runlens/floor" "-" \
		"$(awk "BEGIN{printf \"%.2fx, %.2fx (floor %.2fs)\", $m/$f, $r/$f, $f}")" ""
	[ -n "$s" ] && [ -n "$f" ] && row "dispatch: Snakemake/floor (best possible)" "-" \
		"$(awk "BEGIN{printf \"%.1fx (%.2fs / %.2fs)\", $s/$f, $s, $f}")" ""
	# each tool's own cost per step: its time over the floor's, per step
	n=${RLBENCH_STEPS:-300}
	[ -n "$f" ] && row "dispatch: ms/step over floor: make" "-" \
		"$(awk "BEGIN{printf \"%.3f\", ($m-$f)*1000/$n}")" ""
	[ -n "$f" ] && row "dispatch: ms/step over floor: runlens" "<= 0.10 ms" \
		"$(awk "BEGIN{printf \"%.3f\", ($r-$f)*1000/$n}")" "$(ok "($r-$f)*1000/$n <= 0.1")"
	[ -n "$s" ] && [ -n "$f" ] && row "dispatch: ms/step over floor: Snakemake" ">= 50x runlens'" \
		"$(awk "BEGIN{printf \"%.1f (%.0fx runlens')\", ($s-$f)*1000/$n, ($r > $f) ? ($s-$f)/($r-$f) : 0}")" \
		"$(ok "$r > $f && ($s-$f) >= 50*($r-$f)")"
fi
if [ -n "$(val dispatch_tmpfs_floor_s)" ]; then
	m=$(val dispatch_tmpfs_make_s); r=$(val dispatch_tmpfs_runlens_s); f=$(val dispatch_tmpfs_floor_s)
	n=${RLBENCH_STEPS:-300}
	row "dispatch in a tmpfs: runlens/make" "-" \
		"$(awk "BEGIN{printf \"%.2fx (%.2fs / %.2fs)\", $r/$m, $r, $m}")" ""
	row "dispatch in a tmpfs: ms/step over floor" "-" \
		"$(awk "BEGIN{printf \"make %.3f, runlens %.3f\", ($m-$f)*1000/$n, ($r-$f)*1000/$n}")" ""
fi
if [ -n "$(val fs_mkdir_us)" ]; then
	row "a new folder, a new file (store's fs)" "-" "$(val fs_mkdir_us), $(val fs_create_us) us" ""
	[ -n "$(val fs_tmpfs_mkdir_us)" ] &&
		row "a new folder, a new file (tmpfs)" "-" "$(val fs_tmpfs_mkdir_us), $(val fs_tmpfs_create_us) us" ""
fi
if [ -n "$(val scale_runlens_s)" ]; then
	bn=$(val scale_steps); br=$(val scale_runlens_s); bf=$(val scale_floor_s)
	row "dispatch $bn steps: ms/step over floor" "-" \
		"$(awk "BEGIN{printf \"%.3f (%.1fs / floor %.1fs)\", ($br-$bf)*1000/$bn, $br, $bf}")" ""
	if [ -n "$(val dispatch_floor_s)" ]; then
		m=$(val dispatch_make_s); r=$(val dispatch_runlens_s); f=$(val dispatch_floor_s)
		n=${RLBENCH_STEPS:-300}
		row "dispatch: per step, $bn steps/$n steps" "<= 1.20x" \
			"$(awk "BEGIN{a=($br-$bf)/$bn; b=($r-$f)/$n; printf \"%.2fx (%.3f / %.3f ms)\", (b > 0) ? a/b : 0, a*1000, b*1000}")" \
			"$(ok "($r-$f) > 0 && ($br-$bf)/$bn <= 1.2*($r-$f)/$n")"
	fi
	if [ -n "$(val scale_tmpfs_runlens_s)" ] && [ -n "$(val dispatch_tmpfs_floor_s)" ]; then
		tr=$(val scale_tmpfs_runlens_s); tf=$(val scale_tmpfs_floor_s)
		r=$(val dispatch_tmpfs_runlens_s); f=$(val dispatch_tmpfs_floor_s)
		n=${RLBENCH_STEPS:-300}
		row "in a tmpfs: per step, $bn steps/$n steps" "-" \
			"$(awk "BEGIN{a=($tr-$tf)/$bn; b=($r-$f)/$n; printf \"%.2fx (%.3f / %.3f ms)\", (b > 0) ? a/b : 0, a*1000, b*1000}")" ""
	fi
	fs=$(val scale_first_step_s)
	row "dispatch $bn steps: first step started" "< 0.5 s" \
		"$(awk "BEGIN{printf \"%.3f s\", $fs}")" "$(ok "$fs < 0.5")"
	kb=$(val scale_rss_kb)
	row "dispatch $bn steps: runner peak RSS" "<= 64 MB" \
		"$(awk "BEGIN{printf \"%.1f MB\", $kb/1024}")" "$(ok "$kb <= 65536")"
fi
if [ -n "$(val syscalls_runlens_per_step)" ]; then
	row "dispatch: runner syscalls/step (floor's)" "-" \
		"$(val syscalls_runlens_per_step) ($(val syscalls_floor_per_step))" ""
fi
if [ -n "$(val dispatch_code_s)" ]; then
	c=$(val dispatch_code_s); nc=$(val dispatch_nocode_s)
	row "dispatch with code in the key: hashed/not" "<= 1.10x" \
		"$(awk "BEGIN{printf \"%.2fx (%.2fs / %.2fs)\", $c/$nc, $c, $nc}")" "$(ok "$c/$nc <= 1.1")"
fi
if [ -n "$(val slurm_runlens_s)" ]; then
	r=$(val slurm_runlens_s); b=$(val slurm_bare_s); s=$(val slurm_snakemake_s)
	n=${RLBENCH_SLURM_STEPS:-100}
	row "slurm $n steps: runlens/bare sbatch loop" "<= 1.20x" \
		"$(awk "BEGIN{printf \"%.2fx (%.1fs / %.1fs)\", $r/$b, $r, $b}")" "$(ok "$r/$b <= 1.2")"
	row "slurm: runlens ms/step over the bare loop" "-" \
		"$(awk "BEGIN{printf \"%+.0f\", ($r-$b)*1000/$n}")" ""
	[ -n "$s" ] && row "slurm: Snakemake (--cluster)/runlens" ">= 3x" \
		"$(awk "BEGIN{printf \"%.1fx (%.1fs / %.1fs)\", $s/$r, $s, $r}")" "$(ok "$s/$r >= 3")"
fi
if [ -n "$(val ingest_rows_per_s)" ]; then
	i=$(val ingest_rows_per_s); w=$(val raw_rows_per_s)
	row "ingestion: runlens/raw SQLite rows/s" ">= 80%" \
		"$(awk "BEGIN{printf \"%.0f%% (%d / %d)\", 100*$i/$w, $i, $w}")" "$(ok "$i/$w >= 0.8")"
fi
if [ -n "$(val browse_open_first_ms)" ]; then
	for op in open_first next_page deep_page filter sort compare; do
		b=$(col "browse_${op}_ms" 2); s=$(col "browse_${op}_ms" 3)
		lim=16; [ "$op" = open_first ] && lim=50
		row "browse $op: ${BIG} runs" "<= $lim ms" "$b ms" "$(ok "$b <= $lim")"
		row "browse $op: ${BIG}/${SMALL} runs" "<= 1.5x" \
			"$(awk "BEGIN{printf \"%.2fx (%s / %s ms)\", $b/$s, $b, $s}")" "$(ok "$b/$s <= 1.5")"
	done
fi
if [ -n "$(val browse_sort_status_ms)" ]; then
	# issue 17: every column sorts from an index, first page and the next
	for op in sort_status sort_name sort_pipeline sort_started sort_duration sort_param sort_tags; do
		b=$(col "browse_${op}_ms" 2)
		row "browse $op first page: ${BIG} runs" "<= 50 ms" "$b ms" "$(ok "$b <= 50")"
	done
	b=$(col browse_sort_next_ms 2)
	row "browse sort_next (a later sorted page)" "<= 16 ms" "$b ms" "$(ok "$b <= 16")"
	b=$(col browse_sort_tags_next_ms 2)
	row "browse sort_tags_next (a later page by tags)" "<= 16 ms" "$b ms" "$(ok "$b <= 16")"
	b=$(col browse_sort_deep_ms 2)
	row "browse sort_deep (a sorted page 90% down)" "<= 16 ms" "$b ms" "$(ok "$b <= 16")"
	b=$(col browse_search_slice_ms 2)
	row "browse name~ search: longest slice" "<= 100 ms" "$b ms" "$(ok "$b <= 100")"
fi
if [ -n "$(val ls_table_ms)" ]; then
	b=$(col ls_table_ms 2); s=$(col ls_table_ms 3)
	row "ls 20 columns, first page: ${BIG} runs" "<= 50 ms" "$b ms" "$(ok "$b <= 50")"
	row "ls 20 columns: ${BIG}/${SMALL} runs" "-" \
		"$(awk "BEGIN{printf \"%.2fx (%s / %s ms)\", $b/$s, $b, $s}")" ""
fi
for k in sweep_s sweep_tmpfs_s; do
	[ -n "$(val $k)" ] || continue
	w=$(col $k 2); l=$(col $k 3)
	where=disk; [ $k = sweep_tmpfs_s ] && where=tmpfs
	row "sweep ${RLBENCH_SWEEP_RUNS:-100} runs/shell loop ($where)" "<= 0.50x" \
		"$(awk "BEGIN{printf \"%.2fx (%.2fs / %.2fs)\", $w/$l, $w, $l}")" "$(ok "$w/$l <= 0.5")"
done
if [ -n "$(val tui_first_frame_ms)" ]; then
	f=$(val tui_first_frame_ms); p50=$(val tui_key_p50_ms); p99=$(val tui_key_p99_ms)
	rss=$(val tui_peak_rss_mb)
	row "browser: first frame (${BIG} runs)" "<= 50 ms" "$f ms" "$(ok "$f <= 50")"
	row "browser: per key p50 ($(val tui_keys) keys)" "-" "$p50 ms" ""
	row "browser: per key p99 (20 columns, sideways)" "<= 16 ms" "$p99 ms" "$(ok "$p99 <= 16")"
	row "browser: peak RSS" "<= 64 MB" "$rss MB" "$(ok "$rss <= 64")"
fi
if [ -n "$(val log_end_ms)" ]; then
	g=$(val log_end_ms); m=$(val log_peak_rss_mb)
	row "browser: G on a $(val log_lines)-line log" "<= 200 ms" "$g ms" "$(ok "$g <= 200")"
	row "browser: peak RSS with that log" "<= 64 MB" "$m MB" "$(ok "$m <= 64")"
fi
if [ -n "$(val busy_key_max_ms)" ]; then
	k=$(val busy_key_max_ms); c=$(val busy_idle_cpu_pct)
	row "browser, runner writing: longest key wait" "<= 100 ms" "$k ms ($(val busy_keys) keys)" "$(ok "$k <= 100")"
	row "browser, runner writing: idle CPU" "< 1 %" "$c %" "$(ok "$c < 1")"
fi
if [ -n "$(val hash_mb_per_s)" ]; then
	h=$(val hash_mb_per_s); c=$(val sha256sum_mb_per_s)
	row "hashing ${RLBENCH_HASH_MB:-1024} MB: runlens/sha256sum" ">= 90%" \
		"$(awk "BEGIN{printf \"%.0f%% (%d / %d MB/s)\", 100*$h/$c, $h, $c}")" "$(ok "$h/$c >= 0.9")"
fi
echo
printf 'machine: %s CPUs, %s; %s\n' "$(nproc)" \
	"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
	"$(df -h "$WORK" | awk 'NR==2 {print $1 ", " $2 " (" $4 " free)"}')"
printf 'load average (1, 5, 15 min): %s at the start, %s at the end\n' "$LOAD0" \
	"$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "raw figures: $RES"
rm -rf "$SCRATCH"
