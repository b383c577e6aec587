#!/bin/sh
# tests/fuzz/run.sh — build the libFuzzer targets with clang and run each.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60); targets: spec filter ingest context mask
# (default: all).  The build goes to $FUZZ_BUILD (default _build-fuzz in
# the source tree), configured with CC=clang, AddressSanitizer,
# UndefinedBehaviorSanitizer and -fsanitize=fuzzer-no-link; each target is
# linked with -fsanitize=fuzzer (`make fuzz`).  New inputs go to
# $FUZZ_BUILD/corpus/TARGET (the seeds in tests/fuzz/corpus/TARGET are only
# read); a crash is saved as $FUZZ_BUILD/crashes/TARGET-crash-… and this
# script exits 1.  The last line is a summary: executions per target.
# Replay a crash: $FUZZ_BUILD/tests/fuzz/fuzz_TARGET CRASH-FILE
set -eu
SECS=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=${*:-spec filter ingest context mask}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${FUZZ_BUILD:-$SRC/_build-fuzz}
CC=${CC:-clang}
command -v "$CC" >/dev/null 2>&1 || { echo "fuzz: $CC not found (install clang)"; exit 77; }

if [ ! -f "$B/Makefile" ]; then
	[ -x "$SRC/configure" ] || (cd "$SRC" && autoreconf -fi)
	mkdir -p "$B"
	(cd "$B" && "$SRC/configure" -q CC="$CC" --enable-sanitizers --disable-shared \
		CFLAGS="-g -O1 -fsanitize=fuzzer-no-link" >/dev/null)
fi
make -s -C "$B" -j"$(nproc 2>/dev/null || echo 2)" fuzz >/dev/null

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
summary=""
for t in $TARGETS; do
	mkdir -p "$B/corpus/$t" "$B/crashes"
	log="$B/fuzz-$t.log"
	dict=""
	[ -f "$SRC/tests/fuzz/$t.dict" ] && dict="-dict=$SRC/tests/fuzz/$t.dict"
	echo "fuzz: $t for ${SECS}s"
	if "$B/tests/fuzz/fuzz_$t" -max_total_time="$SECS" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -max_len=8192 $dict \
		-artifact_prefix="$B/crashes/$t-" \
		"$B/corpus/$t" "$SRC/tests/fuzz/corpus/$t" >"$log" 2>&1; then
		:
	else
		status=1
		echo "fuzz: $t FOUND A CRASH (log: $log)"
		grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	summary="$summary $t=${execs:-?}"
done
echo "fuzz executions:$summary"
exit $status
