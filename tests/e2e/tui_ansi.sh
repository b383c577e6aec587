#!/bin/sh
# The logs view shows a log as people read it (issue 17, part 3), driven
# in tmux: SGR colours are drawn as colours (the codes never shown), a
# progress bar redrawn with \r shows its last state (also when the line
# is longer than what is read of it), ESC [ K erases; every other escape
# and control character stays visible as \xNN, and none reaches the
# terminal.  The step view's Logs tab draws its tail the same way.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR
S="runlens-tuiansi-$$"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > out.sh <<'SH'
printf 'plain line\n'
printf '\033[31mred-word\033[0m then \033[1;32mgreen-bold\033[0m back\n'
printf 'bar   0%%\rbar  50%%\rbar 100%% done\n'
printf 'spin |\r\033[Kfinal-state\n'
printf 'bell\007 osc\033]0;title\007 clear\033[2J end\n'
# a progress line of 200,000 bytes: read from its end
i=0; while [ $i -lt 20000 ]; do printf 'step %05d\r' $i; i=$((i+1)); done; printf 'long-bar-done\n'
printf '\033[4munder\033[24m \033[7mrev\033[27m tail\n'
SH
cat > p.json <<'J'
{"name": "ansi", "steps": [{"name": "show", "run": ["sh", "out.sh"]}]}
J
expect_exit 0 rl run p.json

tmux_ new-session -d -s tui -x 100 -y 20 "cd '$T' && RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "1 shown"
key L
see "Logs — run"
see "plain line"
s=$(screen)
expect_contains "$s" "red-word then green-bold back" "SGR codes are not shown"
expect_not_contains "$s" "[31m" "no SGR code on screen"
expect_contains "$s" "bar 100% done" "a \\r bar: its last state"
expect_not_contains "$s" "bar  50%" "... not the earlier ones"
expect_contains "$s" "final-state" "ESC [ K erases what the spinner drew"
expect_not_contains "$s" "spin |" "... all of it"
expect_contains "$s" 'bell\x07 osc\x1b]0;title\x07 clear\x1b[2J end' "other escapes stay visible as \\xNN"
expect_contains "$s" "long-bar-done" "a 200 KB redrawn line: its last state"
expect_not_contains "$s" "step 00000" "... not its first"
expect_contains "$s" "under rev tail" "underline and reverse codes are not shown"
# the colours and attributes themselves, as tmux keeps them
e=$(tmux_ capture-pane -e -p -t tui)
expect_contains "$e" "$(printf '\033[31mred-word')" "red is drawn red"
expect_contains "$e" "$(printf '\033[1m\033[32mgreen-bold')" "bright green bold"
expect_contains "$e" "$(printf '\033[4munder')" "underlined"
expect_contains "$e" "$(printf '\033[7mrev')" "reversed"
# the step view's Logs tab draws the tail the same way
key q
see "1 shown"
key Enter
see "Run 1"
key Enter
see "Step show"
key Right Right Right Right Right
see "the end of attempt 1"
# (its last 64 KB: the line after the 200 KB one)
s=$(screen)
expect_contains "$s" " under rev tail" "the Logs tab: SGR codes are not shown"
e=$(tmux_ capture-pane -e -p -t tui)
expect_contains "$e" "$(printf '\033[4munder')" "the Logs tab: underlined"
expect_contains "$e" "$(printf '\033[7mrev')" "the Logs tab: reversed"
key Q
done_testing
