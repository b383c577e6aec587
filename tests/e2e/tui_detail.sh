#!/bin/sh
# The browser's detail pane, the Run view's metrics and the mouse's reach
# (issue 17), on a real terminal: i opens a pane under the runs list with
# the selected run's params, tags, note and metrics against its baseline
# (▲/▼, %, better/worse in words), following the selection and closing
# again; the Run view shows the same metrics; a click on a status-bar key
# does its action (the Pipelines view, the Compare view, help, back), a
# click on the title bar goes back (from the first view: the pipelines),
# a click in the pane selects no row.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR
S="runlens-tuidetail-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

# the row of metric NAME in a pane or the Run view (not a header)
metric_row() { screen | grep -E "^ +(metrics +)?$1 +[-0-9]" | head -n 1; }

cat > p.json <<'J'
{"name": "panes", "params": {"lr": 0.1},
 "steps": [
 {"name": "prep", "run": "echo prep"},
 {"name": "train", "needs": ["prep"],
  "run": "runlens metric loss ${params.lr}; runlens metric accuracy 0.8"}
]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json -p lr=0.05 --tag good
expect_exit 0 rl note 2 "halved the rate"
expect_exit 0 rl run p.json -p lr=0.2

ROWS=32
tmux_ new-session -d -s tui -x 160 -y $ROWS "cd '$T' && env TERM=xterm-256color RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "3 shown"
see "i details"

# i: the pane of the selected run (3, against run 2)
key i
see "── Run 3 · metrics vs baseline run 2"
see "params   lr=0.2"
expect_contains "$(metric_row train.loss)" "▲300% worse" "run 3's loss is worse than run 2's, in words"
expect_contains "$(metric_row train.accuracy)" "= same" "the same accuracy"
# it follows the selection: run 2 has a tag and a note, a better loss
key j
see "── Run 2 · metrics vs baseline run 1"
see "tags     good"
see "note     halved the rate"
expect_contains "$(metric_row train.loss)" "▼50% better" "run 2's loss is better"
# the first run has no baseline: its values alone
key j
see "── Run 1 · no baseline to compare with"
not_see "better"
# a click in the pane selects no row (the table has 3 rows, the pane is
# below them): the pane still shows run 1
# (? then x after it: the screen is then one painted after the click)
click 20 $((ROWS - 4))
key '?'
see "runlens keys"
key x
see "── Run 1 ·"
not_see "── Run 2 ·"
# i again: the pane closes
key i
not_see "── Run 1"
see "the detail pane is off"

# the Run view: its metrics against its baseline
key k Enter
see "Run 2 — panes-"
see "METRICS  vs baseline run 1"
expect_contains "$(metric_row train.loss)" "0.05" "the Run view shows the loss"
expect_contains "$(metric_row train.loss)" "▼50% better" "and its change"
see "RUN CONTEXT"
# a click on the title bar goes back
click 10 0
see "3 shown"
not_see "METRICS"

# the status bar's keys: p pipelines, then back by the title bar
click_bar "p pipelines"
see "runlens · Pipelines"
click 10 0
see "3 shown"
# c compare: the selected run against its baseline
click_bar "c compare"
see "runlens · Compare"
# "q back" in the bar
click_bar "q back"
see "3 shown"
# ? help
click_bar "? help"
see "runlens keys"
key x
see "3 shown"
# the title bar of the first view: up to the pipelines, never out
click 10 0
see "runlens · Pipelines"
key q
see "3 shown"
key q
wait_gone "3 shown" && pass || fail "q did not quit"

# more runs than a short list shows: a click in the pane is not a click on
# the rows hidden under it
for lr in 0.3 0.4 0.5 0.6; do expect_exit 0 rl run p.json -p lr=$lr; done
tmux_ kill-session -t tui 2>/dev/null
ROWS=14
tmux_ new-session -d -s tui -x 100 -y $ROWS "cd '$T' && env TERM=xterm-256color RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "7 shown"
key i
see "── Run 7 · metrics vs baseline run 6"
# (its heading's row: under the list, where row 7 would be)
head_y=$(( $(screen | grep -n "── Run 7 ·" | cut -d: -f1) - 1 ))
click 30 "$head_y"
key '?'
see "runlens keys"
key x
see "── Run 7 ·"
not_see "── Run 2 ·"
key q

done_testing
