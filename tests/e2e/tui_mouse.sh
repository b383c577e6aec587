#!/bin/sh
# The mouse reaches every action (issue 17), on an 80-column terminal
# where the status bar has no room for every hint: the hints that do not
# fit are dropped but "? help" never is (nor beside a message), and
# on the ? screen a click on a key's row does that key in the view under
# it (the Pipelines and Compare views, the Run view's DAG, quitting); the
# wheel scrolls the ? screen, a click on a heading only closes it; the
# title bar goes back; dialogs answer clicks (an item, off the box, the y
# and N of "[y/N]").
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuimouse-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

# TEXT: the status bar (not) showing it
bar_has() { if [ "$(bar_x "$1")" -ge 0 ]; then pass; else fail "the status bar lacks '$1'"; screen >&2; fi; }
bar_lacks() { if [ "$(bar_x "$1")" -lt 0 ]; then pass; else fail "the status bar has '$1'"; screen >&2; fi; }
# TEXT: until the ? screen's first row (under its headings) has it: the
# wheel has turned as far as it was sent (a click before would land on a
# row that is still moving)
help_starts() {
	starts() { screen | sed -n 3p | grep -qF -- "$1"; }
	if wait_until starts "$1"; then pass; else fail "the ? screen does not start at '$1'"; screen >&2; fi
}
# the ? screen, opened by a click on its hint
click_help() {
	click_bar "? help"
	see "runlens keys"
}

cat > p.json <<'J'
{"name": "mice", "params": {"lr": 0.1},
 "steps": [
 {"name": "prep", "run": "echo prep"},
 {"name": "train", "needs": ["prep"], "run": "runlens metric loss ${params.lr}"}
]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json -p lr=0.05
expect_exit 0 rl run p.json -p lr=0.2

tmux_ new-session -d -s tui -x 80 -y 24 "cd '$T' && env TERM=xterm-256color RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "3 shown"
see "Enter open"
# 80 columns: "p pipelines" and "c compare" have no room, "? help" has
bar_lacks "p pipelines"
bar_lacks "c compare"
bar_has "? help"

# a click on a key's row of the ? screen does it in the view under it
click_help
see "the pipelines"
click_on "the pipelines"
see "runlens · Pipelines"
not_see "runlens keys"
click 10 0
see "3 shown"
click_help
click_on "compare the marked runs"
see "runlens · Compare — A #2 vs B #3"
click 10 0
see "3 shown"

# the Run view: its DAG has no room in the bar either
key Enter
see "RUN CONTEXT"
bar_lacks "D dag"
click_help
click_on "the DAG in place of the run context"
see "o  prep   cached"
not_see "RUN CONTEXT"
# the wheel scrolls the ? screen; a click on a heading only closes it
click_help
not_see "Everywhere"
wheel down 10 10
wheel down 10 10
wheel down 10 10
help_starts "rerun from the selected step"
see "Everywhere"
not_see "the previous step"
click_on "Everywhere"
not_see "runlens keys"
see "o  prep   cached"
see "Run 3 — mice-"
click 10 0
see "3 shown"

# a message on the bar keeps "? help" beside it
key B
see "mice has no pinned baseline"
bar_has "? help"
click_help
key x
not_see "runlens keys"
key Escape
not_see "mice has no pinned baseline"
# one too long for "q quit" too keeps "? help" alone
key w
see "is not in a sweep (runlens run FILE -p lr=0.01,0.1 makes one)"
bar_has "? help"
bar_lacks "q quit"
click_help
key x
not_see "runlens keys"
key Escape
not_see "is not in a sweep"

# dialogs: a click on an item chooses it, off the box cancels; a click on
# the y of "[y/N]" says yes, on its N no
key s
see "Sort runs by"
click 1 1
not_see "Sort runs by"
see "3 shown · newest first"
key s
see "Sort runs by"
click_on "duration"
not_see "Sort runs by"
see "3 shown · -duration"
key d
see "Delete this 1 run? [y/N]"
click_on "N]"
not_see "[y/N]"
see "3 shown"
key d
see "Delete this 1 run? [y/N]"
click_on "[y"
see "deleted 1 run"
see "2 shown"
bar_has "? help"

click_help
# quitting, from the end of the ? screen
for i in 1 2 3 4 5 6 7 8 9 10; do wheel down 10 10; done
help_starts "c on marked A, B, C"
see "quit the browser"
click_on "quit the browser"
ended

done_testing
