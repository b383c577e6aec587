#!/bin/sh
# runlens metrics (issue 16, part 5): the points of a run's metrics,
# index, value, attempt, time; --csv and --json exact; retried attempts'
# points with their attempt; errors.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH

cat > p.json <<'J'
{"name": "hist", "steps": [
 {"name": "train", "retries": 1,
  "run": "for i in 0 1 2; do runlens metric loss 0.$((9 - i))1 --index $i; done; runlens metric acc 0.30000000000000004; test $RUNLENS_ATTEMPT = 2"}
]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl metrics last
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "METRIC"
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "ATTEMPT"
expect_eq 8 "$(printf "%s\n" "$OUT" | tail -n +2 | wc -l | tr -d " ")" "4 points of attempt 1, 4 of attempt 2"

expect_exit 0 rl metrics last train.loss --json
expect_eq '[[0, 0.91, 1], [1, 0.81, 1], [2, 0.71, 1], [0, 0.91, 2], [1, 0.81, 2], [2, 0.71, 2]]' \
	"$(jget "$OUT" '[[p["index"], p["value"], p["attempt"]] for p in d["metrics"]["train.loss"]]')" "the series of both attempts"
case "$(jget "$OUT" 'd["metrics"]["train.loss"][0]["time"]')" in *T*Z) pass ;; *) fail "time not ISO 8601" ;; esac
expect_eq '["train.loss"]' "$(jget "$OUT" 'list(d["metrics"])')" "only the metric asked for"

expect_exit 0 rl metrics last train.acc --csv
expect_eq "METRIC,INDEX,VALUE,ATTEMPT,TIME" "$(printf '%s\n' "$OUT" | head -1 | tr -d '\r')"
expect_contains "$OUT" "train.acc,,0.30000000000000004,2,"
expect_exit 4 rl metrics last train.lost
expect_eq "runlens: run 1 has no metric 'train.lost'" "$ERR"
expect_exit 2 rl metrics last loss
expect_exit 4 rl metrics 99
done_testing
