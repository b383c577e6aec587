#!/bin/sh
# The metrics headline (issue 19, item 6): when `runlens run` or `rerun`
# completes on a terminal it prints each metric of the run with its change
# from the baseline (▲/▼, %, better/worse by the metric's direction: the
# comparison `compare` makes), or the metrics alone before there is a
# baseline; --quiet leaves it out, it is not printed to a pipe unless
# --headline, never with --json, not after a failed run.  The terminal is a
# pty from script(1).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v script >/dev/null 2>&1 || { echo "script(1) not installed: skipped"; exit 77; }
# tty CMD: run CMD on a pty; its output (carriage returns dropped) in $OUT
tty() { OUT=$(script -qec "$*" /dev/null 2>&1 | tr -d '\r'); }
cat > p.json <<'J'
{"name": "hl", "params": {"acc": 0.8, "loss": 0.5, "fail": false},
 "metrics": {"train.acc": "max"},
 "steps": [{"name": "train", "run": "runlens metric acc ${params.acc} && runlens metric loss ${params.loss} && runlens metric epochs 3 && [ ${params.fail} = false ]"}]}
J
R="$RUNLENS_BIN"
tty "$R run p.json"
expect_contains "$OUT" "completed in"
expect_contains "$OUT" "metrics (no baseline to compare with yet):
METRIC        VALUE
train.acc       0.8
train.epochs      3
train.loss      0.5" "the first run: its metrics alone"

# better on both (acc up, loss down: lower is better by its name), UTF-8 arrows
tty "LC_ALL=C.UTF-8 $R run p.json -p acc=0.9 -p loss=0.4"
expect_contains "$OUT" "metrics vs baseline run 1 " "against the baseline"
expect_contains "$OUT" "train.acc       0.9       0.8  ▲ +0.1 (+12.5%)  better"
expect_contains "$OUT" "train.epochs      3         3  =                same"
expect_contains "$OUT" "train.loss      0.4       0.5  ▼ -0.1 (-20.0%)  better"
# the same numbers compare gives for the pair
expect_exit 0 rl compare 2 1 --json --all
expect_eq '[0.1, 12.5, "better", -0.1, -20.0, "better"]' "$(jget "$OUT" '[round(x, 6) if isinstance(x, float) else x for m in d["comparisons"][0]["metrics"] if m["key"] != "train.epochs" for x in (m["delta"], m["pct"], m["verdict"])]')" "compare agrees"

# worse, ASCII where the locale is not UTF-8
tty "LC_ALL=C $R run p.json -p acc=0.85 -p loss=0.6"
expect_contains "$OUT" "metrics vs baseline run 2 "
expect_contains "$OUT" "train.acc      0.85       0.9  v -0.05 (-5.6%)  worse"
expect_contains "$OUT" "train.loss      0.6       0.4  ^ +0.2 (+50.0%)  worse"

# a pinned baseline is the one compared with
expect_exit 0 rl pin 1
tty "$R run p.json -p acc=0.82"
expect_contains "$OUT" "metrics vs baseline run 1 "
expect_exit 0 rl unpin hl

# --quiet, --json: none on a terminal
tty "$R run p.json -p acc=0.83 --quiet"
expect_contains "$OUT" "completed in"
expect_not_contains "$OUT" "metrics" "--quiet"
tty "$R run p.json -p acc=0.84 --json"
expect_not_contains "$OUT" "METRIC" "--json"
# a pipe: none, unless --headline
expect_exit 0 rl run p.json -p acc=0.86
expect_not_contains "$OUT" "METRIC" "not on a pipe"
expect_exit 0 rl run p.json -p acc=0.87 --headline
expect_contains "$OUT" "metrics vs baseline run 7 "
expect_contains "$OUT" "train.acc      0.87      0.86  ^ +0.01 (+1.2%)  better" "--headline on a pipe (ASCII: LC_ALL=C)"
# a failed run: none
tty "$R run p.json -p acc=0.88 -p fail=true"
expect_contains "$OUT" "failed in"
expect_not_contains "$OUT" "METRIC" "not after a failed run"

# rerun prints it too, and takes --quiet
tty "$R rerun 8 -p acc=0.95"
expect_contains "$OUT" "(rerun of 8)"
expect_contains "$OUT" "metrics vs baseline run 8 "
expect_contains "$OUT" "train.acc      0.95      0.87"
tty "$R rerun 8 -p acc=0.96 -q"
expect_not_contains "$OUT" "METRIC" "rerun --quiet"
done_testing
