#!/bin/sh
# The quick start's demo, run as ./quickstart.sh runs it once runlens is
# built (examples/quickstart/demo.sh with the built binary): three runs of a
# tiny model with different params, their metrics recorded, what `ls` and
# `compare` then show, how to open the browser; and on a terminal (tmux),
# that it ends in the browser on those runs.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
QS="$TESTS_SRCDIR/../quickstart.sh"
DEMO="$EXAMPLES_DIR/quickstart/demo.sh"
expect_eq 'exec sh examples/quickstart/demo.sh "$PWD/runlens"' "$(tail -n 1 "$QS")" \
	"quickstart.sh ends by running the demo this test runs"

# --- not on a terminal: the runs, ls, compare, and how to open the browser
expect_exit 0 sh "$DEMO" "$RUNLENS_BIN" "$T/demo" </dev/null
out=$OUT
expect_contains "$out" '$ runlens run quickstart/pipeline.json --tag first'
expect_contains "$out" '$ runlens run quickstart/pipeline.json -p lr=0.5 --tag higher-lr'
expect_contains "$out" '$ runlens run quickstart/pipeline.json -p lr=0.5 -p epochs=40 --tag longer'
expect_contains "$out" '$ runlens ls'
expect_contains "$out" '$ runlens compare last'
expect_contains "$out" "The runs are in $T/demo/.runlens"
expect_contains "$out" "$RUNLENS_BIN tui" "the hint"
expect_not_contains "$out" "Opening the browser" "the output without a terminal"
if [ -e "$RUNLENS_STORE" ]; then fail "the demo wrote to \$RUNLENS_STORE, not its own store"; else pass; fi

export RUNLENS_STORE="$T/demo/.runlens"
expect_exit 0 rl ls --json
ls=$OUT
expect_eq '[[3, "completed", ["demo", "longer"]], [2, "completed", ["demo", "higher-lr"]], [1, "completed", ["demo", "first"]]]' \
	"$(jget "$ls" '[[r["id"], r["status"], sorted(r["tags"])] for r in d["runs"]]')" "three completed runs, tagged"
expect_eq '[true, true, true]' \
	"$(jget "$ls" '[set(r["metrics"]) >= {"train.loss", "evaluate.accuracy", "evaluate.loss"} for r in d["runs"]]')" \
	"each run has train.loss, evaluate.accuracy and evaluate.loss"
expect_eq 3 "$(jget "$ls" 'len({r["metrics"]["evaluate.accuracy"] for r in d["runs"]})')" \
	"the params change the accuracy"
expect_eq true "$(jget "$ls" 'd["runs"][0]["metrics"]["train.loss"] < d["runs"][1]["metrics"]["train.loss"] < d["runs"][2]["metrics"]["train.loss"]')" \
	"a higher rate, then more epochs, lower the training loss"
for run in 2 3; do
	expect_exit 0 rl show $run --json
	expect_eq '[["generate", "cached"], ["train", "completed"], ["evaluate", "completed"]]' \
		"$(jget "$OUT" '[[s["name"], s["status"]] for s in d["steps"]]')" "run $run: the data from the cache, the model trained again"
done
expect_eq "1:10 3:40" "$(sql "select group_concat(run_id || ':' || n, ' ') from (select m.run_id, count(*) n from metrics m join step_runs s on s.id=m.step_run_id where s.name='train' and m.key='loss' and m.run_id in (1, 3) group by m.run_id order by m.run_id)")" \
	"train.loss: a point per epoch"
expect_eq '{"epochs": 10, "lr": 0.1}' "$(jget "$(rl step 1 train --json)" 'dict(sorted(d["outputs"]["model"]["metadata"].items()))')" \
	"the model's metadata"
cmp=$(printf '%s\n' "$out" | sed -n '/^\$ runlens compare last$/,$p')
expect_contains "$cmp" "vs  run 2"
expect_contains "$cmp" "epochs  40    10" "compare: the param that differs"
expect_contains "$cmp" "train.loss"
expect_contains "$cmp" "evaluate.accuracy"
expect_contains "$cmp" "better"

# --- on a terminal it ends in the browser on those runs; after q, the hint
if command -v tmux >/dev/null 2>&1; then
	export TERM=xterm-256color LC_ALL=C.UTF-8
	S="runlens-qs-$$"
	. "$TESTS_SRCDIR/e2e/tmux.sh"
	trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT
	tmux_ new-session -d -s tui -x 120 -y 30 \
		"sh '$DEMO' '$RUNLENS_BIN' '$T/tty' 2>'$T/tty.err'; echo DEMO-EXIT=\$?; sleep 600"
	WAIT_TENTHS=600 see "runlens · Runs — all pipelines · 3 shown"
	see "evaluate.accuracy"
	see "quickstart-"
	key q
	WAIT_TENTHS=100 see "DEMO-EXIT=0"
	see "The runs are in $T/tty/.runlens"
	expect_eq 3 "$(jget "$(rl --store "$T/tty/.runlens" ls --json)" 'len(d["runs"])')" "the terminal's demo store"
else
	echo "tmux not installed: the terminal part is skipped"
fi

done_testing
