#!/bin/sh
# Comparisons people paste and CI acts on (issue 16, part 4): compare
# --md, --fail-worse METRIC[:TOL] (absolute, relative with %, all; exit 1
# naming each regression, 2 for a metric no run has), --csv with params
# and exact values.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH

cat > p.json <<'J'
{"name": "ci", "params": {"acc": 0.9, "loss": 0.5, "lr": 0.1},
 "metrics": {"accuracy": "max"},
 "steps": [{"name": "evaluate",
  "run": "runlens metric accuracy ${params.acc}; runlens metric loss ${params.loss}; echo ${params.lr}"}]}
J
expect_exit 0 rl run p.json --name base -p acc=0.9 -p loss=0.5
expect_exit 0 rl run p.json --name pr -p acc=0.89 -p loss=0.45 -p lr=0.30000000000000004

# --md: a table for a pull request
expect_exit 0 rl compare pr base --md
expect_contains "$OUT" "### run 2 pr vs run 1 base"
expect_contains "$OUT" "| param | this | other |"
expect_contains "$OUT" "| lr | 0.30000000000000004 | 0.1 |"
expect_contains "$OUT" "| metric | this | other | delta | % | |"
expect_contains "$OUT" "| evaluate.accuracy | 0.89 | 0.9 | -0.01 | -1.1% | **worse** |"
expect_contains "$OUT" "| evaluate.loss | 0.45 | 0.5 | -0.05 | -10.0% | better |"

# --fail-worse: absolute and relative tolerances, each regression named
expect_exit 1 rl compare pr --fail-worse evaluate.accuracy
expect_contains "$ERR" "runlens: regression: evaluate.accuracy is 0.89, run 1 base has 0.9 (-0.01, -1.1%; higher is better, tolerance 0)"
expect_exit 0 rl compare pr --fail-worse evaluate.accuracy:0.02
expect_exit 1 rl compare pr --fail-worse evaluate.accuracy:0.005
expect_exit 0 rl compare pr --fail-worse evaluate.accuracy:2%
expect_exit 1 rl compare pr --fail-worse evaluate.accuracy:1%
expect_eq 1 "$(printf '%s\n' "$ERR" | grep -c '^runlens: regression:')" "one line per regression"
expect_exit 0 rl compare pr --fail-worse evaluate.loss
expect_exit 1 rl compare base pr --fail-worse all
expect_contains "$ERR" "regression: evaluate.loss is 0.5, run 2 pr has 0.45"
expect_not_contains "$ERR" "evaluate.accuracy"
expect_exit 0 rl compare base pr --fail-worse all:20%
# the first gate naming a metric wins over all
expect_exit 0 rl compare pr base --fail-worse evaluate.accuracy:0.1 --fail-worse all
expect_exit 1 rl compare pr base --fail-worse all --fail-worse evaluate.loss:1 --json
expect_eq '[["evaluate.accuracy", 1, false]]' "$(jget "$OUT" '[[r["key"], r["other_run"], r["missing"]] for r in d["regressions"]]')" "--json regressions"
# a metric the run lost is a regression
cat > q.json <<'J'
{"name": "ci", "steps": [{"name": "evaluate", "run": "runlens metric loss 0.1"}]}
J
expect_exit 0 rl run q.json --name lost
expect_exit 1 rl compare lost base --fail-worse evaluate.accuracy
expect_contains "$ERR" "regression: evaluate.accuracy is missing, run 1 base has 0.9"
# bad input: exit 2, naming it
expect_exit 2 rl compare pr --fail-worse evaluate.acuracy
expect_eq "runlens: compare: --fail-worse: no run compared has the metric 'evaluate.acuracy'" "$ERR"
expect_exit 2 rl compare pr --fail-worse evaluate.accuracy:lots
expect_contains "$ERR" "the tolerance is a number >= 0 or a percentage"
expect_exit 2 rl compare pr --fail-worse accuracy
expect_contains "$ERR" "a metric is STEP.KEY (or all)"
expect_exit 2 rl compare pr --md --json

# --csv: params and metrics, exact
expect_exit 0 rl compare pr base --csv
expect_contains "$OUT" "OTHER,METRIC,THIS,OTHER VALUE,DELTA,PCT,VERDICT,KIND"
expect_contains "$OUT" "base,params.lr,0.30000000000000004,0.1,0.20000000000000004,200.00000000000006,differs,param"
expect_contains "$OUT" "base,evaluate.accuracy,0.89,0.9,-0.010000000000000009,"
expect_contains "$OUT" ",worse,metric"

done_testing
