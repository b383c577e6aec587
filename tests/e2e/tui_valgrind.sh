#!/bin/sh
# The browser's tmux test (tests/e2e/tui.sh) again, with every `runlens
# tui` under valgrind: no memory errors, no leaks definitely lost.
# Skipped without valgrind or tmux, on a sanitizer build (valgrind and
# ASan do not mix), and when RUNLENS_VALGRIND=no.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
[ "${RUNLENS_VALGRIND:-yes}" = no ] && { echo "RUNLENS_VALGRIND=no: skipped"; exit 77; }
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
if ldd "$RUNLENS_BIN" 2>/dev/null | grep -q 'libasan\|libubsan'; then
	echo "sanitizer build: skipped"; exit 77
fi
mkdir vg
cat > vg/runlens <<EOF
#!/bin/sh
if [ "\$1" = tui ]; then
	exec valgrind --leak-check=full --show-leak-kinds=definite \\
		--errors-for-leak-kinds=definite --error-exitcode=99 \\
		--log-file='$T/vg/log.%p' '$RUNLENS_BIN' "\$@"
fi
exec '$RUNLENS_BIN' "\$@"
EOF
chmod +x vg/runlens
# valgrind is slow, more so on a loaded machine: wait longer for each screen
WAIT_TENTHS=${WAIT_TENTHS:-300} RUNLENS_BIN="$T/vg/runlens" sh "$TESTS_SRCDIR/e2e/tui.sh" > tui.out 2>&1; code=$?
expect_eq 0 "$code" "tui.sh under valgrind ($(tail -1 tui.out))"
[ "$code" -eq 0 ] || sed 's/^/  /' tui.out | tail -30 >&2
finished=0 cut=0
for log in vg/log.*; do
	[ -e "$log" ] || continue
	if ! grep -q "ERROR SUMMARY" "$log"; then
		cut=$((cut + 1)) # ended by a signal (tmux closed it): no summary
		continue
	fi
	finished=$((finished + 1))
	if grep -q "ERROR SUMMARY: 0 errors" "$log"; then pass; else
		fail "valgrind found errors in $log:"; grep -A12 "Invalid\|definitely lost in\|uninitialised" "$log" | head -40 >&2
	fi
	lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log")
	expect_eq "" "$(printf '%s' "$lost" | grep -v '^0$')" "bytes definitely lost ($log)"
done
echo "valgrind: $finished browser sessions checked to the end, $cut ended by a signal"
[ "$finished" -gt 0 ] && pass || fail "no browser session ran to its end under valgrind"
done_testing
