#!/bin/sh
# The logs view's index (issue 17, part 3): the offset of every 1,024th
# line is kept, not of every line, and blocks of the file are counted, not
# walked.  Driven in tmux on a log of short lines, a 150 KB line without
# a newline in its first 64 KB (indexed in 64 KB pieces, as before), empty
# lines and more short lines: G shows the last lines, and every screen
# paged through from the top, from the end and around the long line shows
# consecutive lines, none lost or doubled across the strides.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuibiglog-$$"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > out.sh <<'SH'
seq 1 5000
head -c 150000 /dev/zero | tr '\0' 'L'; echo
printf '\n\n'
seq 5001 9000
SH
cat > p.json <<'J'
{"name": "biglog", "steps": [{"name": "print", "run": ["sh", "out.sh"]}]}
J
expect_exit 0 rl run p.json

tmux_ new-session -d -s tui -x 80 -y 24 "cd '$T' && RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "1 shown"
key L
see "Logs — run"
# the numbers on the screen follow one another (other rows: ignored)
screen_consecutive() {
	screen | sed -n '2,23p' | awk '/^[0-9]+$/ { if (prev != "" && $1 != prev + 1 && !(prev == 5000 && $1 == 5001)) bad = 1; prev = $1 } END { exit bad }'
}
# (the screen may be caught while it is painted: until it holds, a while)
consecutive() {
	i=0
	while [ $i -lt 50 ]; do screen_consecutive && return 0; sleep 0.1; i=$((i+1)); done
	return 1
}
key G
see "9000"
expect_eq 9000 "$(screen | sed -n '2,23p' | awk '/^[0-9]+$/' | tail -n 1)" "G: the last line at the bottom"
consecutive && pass || fail "G: lines not consecutive: $(screen)"
# page up through the end's strides, and through the long line
n=0; while [ $n -lt 30 ]; do
	key PPage
	consecutive && pass || { fail "page up $n: $(screen)"; break; }
	n=$((n+1))
done
# from the top down past line 1024, 2048, …
key g
see "1"
n=0; while [ $n -lt 120 ]; do
	key NPage
	n=$((n+1))
	wait_for "$((n * 21 + 1))" || true
	consecutive && pass || { fail "page down $n: $(screen)"; break; }
done
see "2530"
# the long line is there, in pieces of 64 KB: three rows of L
key /
see "search"
key -l LLLL
key Enter
wait_for "5001"
expect_eq 3 "$(screen | grep -c '^LLLL')" "the 150 KB line: three pieces"
consecutive && pass || fail "around the long line: $(screen)"
key Q
done_testing
