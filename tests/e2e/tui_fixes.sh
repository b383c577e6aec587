#!/bin/sh
# The small things issue 17 found in the browser, each read off a real
# terminal: the rerun plan says a sibling of the --from step is "not
# needed by" it (not "upstream"); the ? screen has no empty second column
# at 160x45 and two full ones when one would not hold its rows; a saved
# view's name leaves the title once its filter changes (and comes back
# with the view); messages carry no command-line prefix ("rm:",
# "--where:") and the ? screen's filter example works; dim text
# is a grey (not dark blue) on 256 colours and dimmed on 8; better and
# worse are told by ▲/▼ and + / ! as well as by colour.  (The Run view's
# metrics: tui_detail.sh.)
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR
S="runlens-tuifixes-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'touch "$T/go"; tmux_ kill-server 2>/dev/null; wait; cleanup_tmp' EXIT

# prep feeds train and side (siblings); eval needs train
cat > p.json <<'J'
{"name": "fixes", "params": {"lr": 0.1},
 "steps": [
 {"name": "prep", "run": "echo prep"},
 {"name": "train", "needs": ["prep"], "run": "runlens metric loss ${params.lr}"},
 {"name": "side", "needs": ["prep"], "run": "echo side"},
 {"name": "eval", "needs": ["train"], "run": "echo eval"}
]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json -p lr=0.05
expect_exit 0 rl run p.json -p lr=0.2

start() { # COLS ROWS [ENV=…]: the browser afresh
	c=$1 r=$2
	shift 2
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x "$c" -y "$r" "cd '$T' && env TERM=${TUI_TERM:-xterm-256color} RUNLENS_STORE='$RUNLENS_STORE' $* '$RUNLENS_BIN' tui"
}

start 120 30
see "3 shown"

# better and worse: ▲/▼ with + and !, not colour alone (loss: lower is
# better; run 3's 0.2 against run 2's 0.05, run 2's against run 1's 0.1)
expect_contains "$(line_of 'fixes-' | head -n 1)" "0.2 ▲300% !" "a worse loss: ▲ and !"
see "0.05 ▼50% +"
# and in their colours: better green, worse red
# (the selected row is in reverse video: each is read unselected)
see_esc "32m *0\.05 ▼50% \+" "the better cell is green"
key j
see_esc "31m *0\.2 ▲300% !" "the worse cell is red"
key k

# the rerun plan from train: prep is upstream of it, side a sibling
key Enter
see "Run 3 — fixes-"
key j R
see "the plan"
expect_contains "$(line_of '│ side ')" "not needed by train" "a sibling is not needed by the --from step"
expect_contains "$(line_of '│ side ')" "reused from run 3" "and says where it is reused from"
case "$(line_of '│ side ')" in *upstream*) fail "a sibling is called upstream: $(line_of '│ side ')" ;; *) pass ;; esac
expect_contains "$(line_of '│ prep ')" "upstream of it" "prep is upstream of train"
key n
see "nothing was started"

# dim text (the run context's keys) is a grey on 256 colours, never blue
tmux_ capture-pane -p -e -t tui > dim.txt
if grep -Eq '38;5;246m *params' dim.txt; then pass; else fail "dim text is not grey"; cat dim.txt >&2; fi
if grep -Eq '34m *params' dim.txt; then fail "dim text is blue"; else pass; fi
key q

# help at 160x45: the keys of the runs view fit one column: no second,
# empty one
start 160 45
see "3 shown"
key '?'
see "runlens keys"
expect_eq "$(screen | grep -oE 'KEY +DOES' | wc -l)" 1 "one column of help when one holds every key"
see "Everywhere"
key x
# too short for one column: two, both with keys
start 160 20
see "3 shown"
key '?'
see "runlens keys"
expect_eq "$(screen | grep -oE 'KEY +DOES' | wc -l)" 2 "two columns when one would not hold the keys"
second=$(screen | sed -n '3,19p' | cut -c 81- | grep -c '[a-z]')
if [ "$second" -ge 5 ]; then pass; else fail "the second column has $second rows"; screen >&2; fi
key x

# a saved view's name leaves the title once its filter changes
start 160 30
see "3 shown"
# (first: a bad filter's message has no --where: prefix, and the ? screen
# gives an example that works)
key f
see "filter"
key -l 'loss<0.5'
key Enter
see "filter: at column 1: unknown field 'loss'"
case "$(screen | tail -n 1)" in *"--where:"*) fail "a CLI prefix: $(screen | tail -n 1)" ;; *) pass ;; esac
key '?'
see "f as ls --where: train.loss<0.5 and tag=good"
key x
key f
see "filter"
key -l 'params.lr<0.15'
key Enter
see "where params.lr<0.15"
key S
see "save this view as"
key -l lowlr
key Enter
see "[view lowlr]"
key f
see "filter"
key C-u
key -l 'params.lr>0'
key Enter
see "where params.lr>0"
not_see "[view lowlr]"
# recalled, it is that view again
key v
see "Saved views"
key Enter
see "[view lowlr]"
see "where params.lr<0.15"
key q

# no "rm:" in the browser: deleting a run still running says why, plainly
cat > slow.json <<'J'
{"name": "slow", "steps": [{"name": "wait", "run": "while [ ! -e go ]; do sleep 0.1; done"}]}
J
rl run slow.json > slow.out 2>&1 &
i=0; while [ $i -lt 100 ] && [ "$(sql "SELECT count(*) FROM runs WHERE status='running'")" != 1 ]; do sleep 0.1; i=$((i+1)); done
start 160 30
see "running"
key g d
see "still running"
case "$(screen | tail -n 1)" in *"rm:"*) fail "a CLI prefix in the browser: $(screen | tail -n 1)" ;; *) pass ;; esac
touch go
wait
key q

# 8 colours: dim text dimmed (no blue, no 256-colour grey)
TUI_TERM=xterm start 120 30
see "4 shown"
key j Enter
see "Run 3 — fixes-"
see "RUN CONTEXT"
tmux_ capture-pane -p -e -t tui > dim8.txt
if grep -Eq '\[2m *params|;2m *params|\[2;[0-9;]*m *params' dim8.txt; then pass; else fail "dim text is not dimmed on 8 colours"; cat dim8.txt >&2; fi
if grep -Eq '34m *params|38;5;' dim8.txt; then fail "dim text is blue or grey-256 on 8 colours"; else pass; fi
key q q

done_testing
