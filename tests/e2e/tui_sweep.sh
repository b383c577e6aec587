#!/bin/sh
# A sweep in the browser (issue 16, part 3), driven in tmux: its runs
# show their sweep; w opens the sweep as a group, ranked by the metric
# with the best marked, a scatter of each param against the metric and
# the parallel coordinates (P), another metric to rank by (m, or s), the
# selected run against the best (c); plain ASCII without UTF-8.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR
S="runlens-tuisweep-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "grid", "params": {"lr": 0.1, "seed": 1},
 "metrics": {"accuracy": "max"},
 "steps": [
  {"name": "train", "run": "runlens metric loss ${params.lr}"},
  {"name": "evaluate", "needs": ["train"], "run": "runlens metric accuracy 0.${params.seed}${params.seed}"}
 ]}
J
expect_exit 0 rl run p.json -p lr=0.01,0.1,1 -p seed=1..3 --sweep lrgrid --parallel-runs 2

start() { # [ENV=…]: the browser on the runs of grid
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x 110 -y 40 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' ${1:-} '$RUNLENS_BIN' tui"
}

start
see "Runs — all pipelines · 9 shown"
key Right Right Right Right Right Right
see "SWEEP"
see "lrgrid"
key Left Left Left Left Left Left
# w: the sweep of the selected run, as a group
key w
see "Sweep 1 lrgrid of grid · completed · 9/9 runs · ranked by evaluate.accuracy (higher is better)"
best=$(line_of "1*")
expect_contains "$best" "lrgrid-"
expect_contains "$best" "0.33" "the best: seed 3"
see "RANK  ID  NAME"
see "plot 1 of 3: params.lr against evaluate.accuracy"
see "evaluate.accuracy by params.lr (log scale)"
see "└"
see "evaluate.accuracy · P: the next plot"
key P
see "plot 2 of 3: params.seed against evaluate.accuracy"
key P
see "plot 3 of 3: parallel coordinates, * the best run · P: the next"
see "params.lr"
see "params.seed"
see "evaluate.accuracy"
key P
see "plot 1 of 3"
# s sorts, as in the runs view: the same choice as m
key s
see "Rank the runs by"
key Escape
not_see "Rank the runs by"
# m: rank by another metric (lower is better for a loss)
key m
see "Rank the runs by"
key g Enter
see "ranked by train.loss (lower is better)"
expect_contains "$(line_of "1*")" "0.01"
# c: the selected run against the best one
key j c
see "Compare — A #"
see "vs B #"
key q
see "Sweep 1 lrgrid"
# a run not in a sweep says so
key q
expect_exit 0 rl run p.json -p lr=0.2
key F5
see "10 shown"
key g w
see "is not in a sweep"

# ASCII: no UTF-8 anywhere on the sweep's screen
start "LC_ALL=C"
see "Runs - all pipelines"
key j w
see "Sweep 1 lrgrid"
see "+----"
if screen | grep -q '[^ -~]'; then fail "non-ASCII on an ASCII screen: $(screen | grep '[^ -~]' | head -2)"; else pass; fi
key P P
see "parallel coordinates"
if screen | grep -q '[^ -~]'; then fail "non-ASCII parallel coordinates"; else pass; fi
key Q
done_testing
