#!/bin/sh
# The benchmark's tools on tiny sizes, so that `make bench` cannot rot
# between runs of it: the store generator (what it writes, reuse by its
# stamp), the browsing, ingestion and hashing timings, the dispatch floor
# and the dispatch race against GNU make.  Times are not checked here
# (they are make bench's business), only that every part runs and says
# what bench/run.sh reads.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
RLB=${RLBENCH_BIN:?}
export RLBENCH_REPEATS=3

# --- the generator: 3,000 runs, then the same again (reused by its stamp)
expect_exit 0 env RLBENCH_RUNS=3000 "$RLB" gen big
# the schema version the binary writes (store/store.h), not a number here
schema=$(sed -n 's/^#define STORE_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$TESTS_SRCDIR/../store/store.h")
expect_contains "$OUT" "generated schema=$schema runs=3000 pipelines=100"
expect_exit 0 env RLBENCH_RUNS=3000 "$RLB" gen big
expect_contains "$OUT" "cached schema=$schema runs=3000"
export RUNLENS_STORE="$T/big"
expect_eq 3000 "$(sql "select count(*) from runs")" "runs"
expect_eq 59000 "$(sql "select count(*) from metrics")" "metric points: 10 a run, 9 more of the wide runs (all 3,000), 1,000 in each of the two compare runs"
expect_eq 8 "$(sql "select count(*) from run_params where run_id = (select max(id) from runs)")" "a wide run: 8 params"
expect_eq 12 "$(sql "select count(*) from run_metrics where run_id = (select max(id) from runs)")" "... and 12 metrics"
expect_eq 0 "$(sql "select count(*) from runs where spec_id is null")" "every run has its pipeline file"
expect_eq 100 "$(sql "select count(*) from specs")" "one file per pipeline (one version at 3,000 runs)"
expect_eq 750 "$(sql "select count(*) from runs where tag_list like '%7:nightly%'")" "a quarter tagged nightly"
expect_eq 30 "$(sql "select count(*) from runs where note is not null")" "a note on 1%"
expect_exit 0 rl show pipe-007-0000007 --json
expect_eq pipe-007 "$(jget "$OUT" 'd["pipeline"]')" "a generated run reads back"
expect_exit 0 rl rerun pipe-007-0000007 --dry-run
expect_contains "$OUT" "fetch" "its pipeline file is a real one"
unset RUNLENS_STORE
expect_exit 0 env RLBENCH_RUNS=1000 "$RLB" gen small

# --- browsing: every operation on both stores, a line each
expect_exit 0 "$RLB" browse big small
for op in open_first next_page deep_page filter sort compare sort_status sort_name \
	sort_pipeline sort_started sort_duration sort_param sort_next search_slice sort_tags \
	sort_tags_next sort_deep; do
	expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c "^${op}_ms [0-9.]* [0-9.]* [0-9.]*$")" "browse $op"
done
expect_exit 0 env RLBENCH_BROWSE_OPS=sort "$RLB" browse big small
expect_eq "0.000" "$(printf '%s\n' "$OUT" | awk '$1 == "filter_ms" {print $2}')" "RLBENCH_BROWSE_OPS leaves the others out"

# --- the browser while a runner writes (keys timed, idle CPU), its run deleted after
expect_exit 0 python3 "${BENCH_SRCDIR:?}/tui_busy.py" "$RUNLENS_BIN" big busy 1
for k in busy_key_max_ms busy_key_p99_ms busy_idle_cpu_pct busy_keys; do
	expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c "^$k [0-9.]*$")" "busy: $k"
done
expect_eq 3000 "$(RUNLENS_STORE="$T/big" sql "select count(*) from runs")" "the writer's run is gone"

# --- G on a long log (here 100,000 lines), the browser's memory
expect_exit 0 python3 "${BENCH_SRCDIR:?}/tui_log.py" "$RUNLENS_BIN" logbench 100000
for k in log_lines log_end_ms log_peak_rss_mb; do
	expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c "^$k [0-9.]*$")" "log: $k"
done

# --- the experiment table: ls with 20 columns, a sweep against a loop
expect_exit 0 sh "${BENCH_SRCDIR:?}/table.sh" "$RUNLENS_BIN" big small 1 3
expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c '^ls_table_ms [0-9.]* [0-9.]*$')" "table: ls_table_ms"
expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c '^sweep_s [0-9.]* [0-9.]*$')" "table: sweep_s"
[ -w /dev/shm ] && expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c '^sweep_tmpfs_s [0-9.]* [0-9.]*$')" "table: sweep_tmpfs_s"

# --- ingestion against raw inserts, hashing against sha256sum
expect_exit 0 env RLBENCH_INGEST_ROWS=2000 TMPDIR="$T" "$RLB" ingest
expect_contains "$OUT" "ingest_rows_per_s "
expect_contains "$OUT" "raw_rows_per_s "
head -c 3000000 /dev/urandom > blob
expect_exit 0 "$RLB" hash blob
expect_contains "$OUT" "hash_mb_per_s "
expect_contains "$OUT" "sha256sum_mb_per_s "

# --- dispatch: the floor alone, then the race against make (no Snakemake)
expect_exit 0 "$RLB" spawn 30 2
expect_exit 1 env PATH=/nonexistent "$RLB" spawn 30 2
expect_contains "$ERR" "no \`true\` in PATH"
expect_exit 2 "$RLB" spawn 0 2
if command -v make >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
	expect_exit 0 sh "${BENCH_SRCDIR:?}/dispatch.sh" "$RUNLENS_BIN" 30 2 1 0 "$RLB"
	for k in dispatch_make_s dispatch_runlens_s dispatch_floor_s; do
		expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c "^$k [0-9.]*$")" "$k"
	done
	# the large DAG's rows (here 40 steps) and the syscalls per step
	expect_exit 0 python3 "${BENCH_SRCDIR:?}/scale.py" "$RUNLENS_BIN" "$RLB" 40 2 1 20
	for k in scale_floor_s scale_runlens_s scale_first_step_s scale_rss_kb; do
		expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c "^$k [0-9.]*$")" "$k"
	done
	if command -v strace >/dev/null 2>&1; then
		expect_eq 1 "$(printf '%s\n' "$OUT" | grep -c '^syscalls_runlens_per_step [0-9.]*$')" "syscalls per step"
	fi
fi
done_testing
