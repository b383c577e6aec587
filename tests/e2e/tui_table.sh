#!/bin/sh
# The browser's runs table shaped by the user (issue 16, part 2), driven
# in tmux: param columns beside metric columns; the all-pipelines view
# shows the columns its pipelines share, not the newest run's; headers
# keep their distinguishing end; a 78-character name is cut and drops
# nothing; widths stay put while rows and columns scroll, ID and NAME
# frozen; C shows, hides and reorders every column (fixed ones too) and
# puts a sparkline in a metric's cells, saved per pipeline and in a saved
# view; an ASCII locale; Compare of 30 runs scrolls sideways and overlays
# every run's series with its letter.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR
S="runlens-tuitable-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "exp", "params": {"lr": 0.1, "seed": 1, "opt": "adam"},
 "metrics": {"accuracy": "max"},
 "steps": [
  {"name": "train", "run": "runlens metric loss ${params.lr}; echo ${params.opt}"},
  {"name": "evaluate", "needs": ["train"],
   "run": "runlens metric accuracy 0.${params.seed}; runlens metric avg_prec.test 0.5${params.seed}; runlens metric avg_prec.train 0.7${params.seed}"}
 ]}
J
cat > q.json <<'J'
{"name": "other", "params": {"depth": 3}, "steps": [{"name": "fit", "run": "runlens metric r2 0.${params.depth}"}]}
J
long=$(printf 'x%.0s' $(seq 1 78))
expect_exit 0 rl run p.json -p lr=0.3 -p seed=2
expect_exit 0 rl run p.json -p lr=0.01 -p seed=3 --name "$long"
expect_exit 0 rl run p.json -p lr=0.5 -p seed=1 --tag best
expect_exit 0 rl run q.json

start() { # [ENV=…] [ARGS]: the browser in a fresh 120x30 window
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x 120 -y 30 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' ${1:-} '$RUNLENS_BIN' tui"
}
header() { screen | sed -n 2p; }
header_has() { header | grep -qF -- "$1"; }
header_lacks() { ! header_has "$1"; }
open_pipeline() { # NAME [DASH]: its runs, from the pipelines view
	key p
	see "Pipelines"
	i=0; while ! screen | grep -q "^$1 " && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	line=$(screen | grep -n "^$1 " | cut -d: -f1)
	key g; n=3; while [ "$n" -lt "${line:-3}" ]; do key j; n=$((n+1)); done
	key Enter
	see "Runs ${2:-—} $1"
}
open_exp() { open_pipeline exp "$@"; }

start
see "Runs — all pipelines · 4 shown"
# the newest run is of another pipeline: its columns are not the view's
h=$(header)
expect_not_contains "$h" "fit.r2" "all pipelines: not the newest run's metric"
expect_not_contains "$h" "evaluate" "all pipelines: only what every pipeline has"
expect_contains "$h" "PIPELINE"

open_exp
h=$(header)
expect_contains "$h" "train.loss"
expect_contains "$h" "accuracy"
# the params beside the metrics, a column or two to the right
key Right Right
see "columns 3-"
h2=$(header)
expect_contains "$h2" "p.lr" "params.lr beside the metrics"
# a shortened "params." is shortened in every param's header
expect_contains "$h2" "p.seed" "p.seed beside p.lr"
expect_not_contains "$h2" "params." "no params. beside p."
expect_contains "$h2" "seed" "params.seed beside it"
expect_not_contains "$h$h2" "params.opt" "a param the same on every run"
# the two avg_prec metrics keep their distinguishing end
expect_eq 1 "$(printf '%s\n' "$h$h2" | grep -cE '(\.|…)test( |$)')" "a header ending in test"
expect_eq 1 "$(printf '%s\n' "$h2" | grep -cE '(\.|…)train( |$)')" "a header ending in train"
key Left Left
not_see "‹"
# the long name is cut; its metrics are on its line
row=$(line_of "xxxx")
expect_contains "$row" "xxx…"
expect_contains "$row" "0.3" "the long name's run still shows its accuracy"
# widths stay put as the selection moves down and back
before=$(header)
key j j G
see "xxx"
expect_eq "$before" "$(header)" "the header does not move with the rows"
key g
# sideways: ID and NAME stay, the others scroll
expect_contains "$(header)" "›"
key Right Right Right
see "columns "
wait_until header_lacks "train.loss"
h=$(header)
case "$h" in *"ID  STATUS"*NAME*) pass ;; *) fail "ID, STATUS and NAME stay while scrolling: $h" ;; esac
expect_contains "$h" "‹"
expect_not_contains "$h" "train.loss" "the first metric scrolled out"
key Left Left Left
wait_until header_has "train.loss"
expect_contains "$(header)" "train.loss"

# C: hide STATUS, show params.opt at the end, a sparkline in train.loss
key C
see "Columns (ID and NAME first stay put"
see "[x] status"
see "[ ] params.opt"
key j Space
see "[ ] status"
key G Space
see "[x] params.opt"
key g j j j t
see "train.loss  + sparkline"
key Enter
see "columns saved for exp"
h=$(header)
expect_not_contains "$h" "STATUS" "status hidden"
expect_eq 2 "$(screen | grep -c '[▁▂▃▄▅▆▇█]')" "a sparkline in the rows with runs before them"
key Right Right Right Right Right Right
see "p.opt"

# the columns dialog scrolled to its end, then a taller terminal: it shows
# from the first item (it read past its items, the monkey found)
tmux_ kill-session -t tui 2>/dev/null
tmux_ new-session -d -s tui -x 120 -y 12 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "Runs — all pipelines"
open_exp
key C
see "Columns (ID and NAME first stay put"
key G
not_see "[x] id"
tmux_ resize-window -t tui -x 120 -y 40
see "[x] id"
see "[x] params.opt"
key q

# kept for the pipeline: a new browser shows the same columns
start
see "Runs — all pipelines"
open_exp
expect_not_contains "$(header)" "STATUS" "the column set was saved for exp"
# ... and in a saved view
key S
see "save this view as:"
key "narrow" Enter
see "saved view 'narrow'"
key C
see "Columns ("
key r
see "the default columns"
expect_contains "$(header)" "STATUS"
key v
see "Saved views"
key Enter
see "view 'narrow'"
expect_not_contains "$(header)" "STATUS" "the saved view's columns"

# ASCII: the sparkline and the scroll marks in plain characters
start "LC_ALL=C"
see "Runs - all pipelines"
open_exp -
expect_contains "$(header)" ">"
if screen | grep -q '[^ -~]'; then fail "non-ASCII on an ASCII screen: $(screen | grep '[^ -~]' | head -2)"; else pass; fi

# Compare 30 runs: sideways, not squeezed; every series overlaid
cat > s.json <<'J'
{"name": "many", "params": {"i": 0},
 "steps": [{"name": "t", "run": "for k in 1 2 3; do runlens metric loss 0.6${params.i}$k --index $k; done; runlens metric acc 0.6${params.i}"}]}
J
expect_exit 0 rl run s.json -p i=1..30 --parallel-runs 2
start
see "Runs — all pipelines"
open_pipeline many
see "Runs — many · 30 shown"
n=0; while [ $n -lt 30 ]; do key Space; n=$((n+1)); done
see "30 marked"
key c
see "against 29 runs"
see "columns 1-"
see "(←/→)"
acc=$(line_of "t.acc")
expect_not_contains "$acc" "…" "values not squeezed to 0.6…"
first=$(line_of "METRIC")
key Right
see "columns 2-"
expect_eq 1 "$([ "$first" != "$(line_of "METRIC")" ] && echo 1)" "the runs' columns moved"
# the series of every run, each with its letter
key g j P
see "t.loss series of 30 runs, A to d, 3 points each on one scale"
plot=$(screen | sed -n '/series of 30 runs/,$p')
expect_contains "$(printf '%s\n' "$plot" | sed -n '2,$p')" "d" "the run compared (d) drawn with its letter"
letters=$(printf '%s\n' "$plot" | sed -n '2,$p' | grep -o '[A-Za-d]' | sort -u | wc -l | tr -d ' ')
[ "$letters" -ge 8 ] && pass || fail "only $letters runs' letters in the overlay"
key Q
done_testing
