#!/bin/sh
# tests/fuzz/run.sh — build the libFuzzer targets with clang and run each.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60); targets: spec filter ingest context mask
# store (default: all).  The build goes to $FUZZ_BUILD (default _build-fuzz
# in the source tree), configured with CC=clang, AddressSanitizer,
# UndefinedBehaviorSanitizer and -fsanitize=fuzzer-no-link; each target is
# linked with -fsanitize=fuzzer (`make fuzz`).  New inputs go to
# $FUZZ_BUILD/corpus/TARGET (the seeds in tests/fuzz/corpus/TARGET are only
# read); a crash is saved as $FUZZ_BUILD/crashes/TARGET-crash-… and this
# script exits 1.  The last line is a summary: executions per target.
# Replay a crash: $FUZZ_BUILD/tests/fuzz/fuzz_TARGET CRASH-FILE (or
# $FUZZ_BUILD/src/tests/fuzz/… when the source tree is configured in place).
# FUZZ_SEED=N fixes libFuzzer's seed (CI uses 1): runs become comparable,
# not identical (mutations also use compared values, addresses included).
set -eu
SECS=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=${*:-spec filter ingest context mask store}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${FUZZ_BUILD:-$SRC/_build-fuzz}
CC=${CC:-clang}
command -v "$CC" >/dev/null 2>&1 || { echo "fuzz: $CC not found (install clang)"; exit 77; }

CONF="-q CC=$CC --enable-sanitizers --disable-shared"
FUZZ_CFLAGS="-g -O1 -fsanitize=fuzzer-no-link"
if [ ! -f "$B/.make-dir" ]; then
	mkdir -p "$B"
	if [ -f "$SRC/config.status" ]; then
		# the source tree is configured in place, so it cannot take a
		# build folder of its own: configure a clean copy of it instead
		rm -rf "$B/src" && mkdir -p "$B/src"
		(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
			tar --null -T - -cf -) | tar -xf - -C "$B/src"
		(cd "$B/src" && autoreconf -fi >/dev/null 2>&1 &&
			./configure $CONF CFLAGS="$FUZZ_CFLAGS" >/dev/null)
		echo "$B/src" > "$B/.make-dir"
	else
		[ -x "$SRC/configure" ] || (cd "$SRC" && autoreconf -fi)
		(cd "$B" && "$SRC/configure" $CONF CFLAGS="$FUZZ_CFLAGS" >/dev/null)
		echo "$B" > "$B/.make-dir"
	fi
fi
M=$(cat "$B/.make-dir")
make -s -C "$M" -j"$(nproc 2>/dev/null || echo 2)" fuzz >/dev/null

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
	seed=""
	[ -n "${FUZZ_SEED:-}" ] && seed="-seed=$FUZZ_SEED"
	# a store is a whole SQLite file: its seeds are small stores (512-byte
	# pages) of 20 to 100 KB, which must not be cut
	maxlen=8192
	[ "$t" = store ] && maxlen=131072
	if "$M/tests/fuzz/fuzz_$t" -max_total_time="$SECS" -print_final_stats=1 $seed \
		-timeout=10 -rss_limit_mb=2048 -max_len=$maxlen $dict \
		-artifact_prefix="$B/crashes/$t-" \
		"$B/corpus/$t" "$SRC/tests/fuzz/corpus/$t" >"$log" 2>&1; then
		:
	else
		status=1
		echo "fuzz: $t FOUND A CRASH (log: $log)"
		grep -E "ERROR|SUMMARY|Test unit written|bad error|failed:" "$log" | head -8
		grep -A12 -E "^ *#[0-9]+ 0x" "$log" | grep -E "in [a-z_]+ .*\.c:" | head -8
		# the input itself, so a crash found on a CI machine can be replayed
		for f in "$B/crashes/$t-"*; do
			[ -f "$f" ] || continue
			echo "input $(basename "$f") (base64):"
			head -c 2048 "$f" | base64
		done
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	summary="$summary $t=${execs:-?}"
done
echo "fuzz executions:$summary"
exit $status
