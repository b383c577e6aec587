#!/bin/sh
# The bundled examples run as the README says, twice, the second run
# comparing with the first.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
cp -r "$EXAMPLES_DIR/ml" "$EXAMPLES_DIR/quickstart" .

expect_exit 0 rl run quickstart/pipeline.json
expect_exit 0 rl run ml/pipeline.json
expect_exit 0 rl show last --json
expect_eq '[["load", "completed", 1], ["train", "completed", 2], ["evaluate", "completed", 1]]' \
	"$(jget "$OUT" '[[s["name"], s["status"], s["attempts"]] for s in d["steps"]]')" "train retried once"
# a loss per epoch, each kept by the attempt that logged it: the first
# crashed after epoch 4, the retry resumed from the checkpoint (5..8), and
# the step run's own series is its last attempt's
expect_eq "5 6 7 8" "$(sql "select group_concat(idx, ' ') from (select m.idx from metrics m join step_runs s on s.id=m.step_run_id where s.name='train' and s.run_id=2 order by m.idx)")" "the step run's loss: its last attempt's epochs"
expect_eq "1 2 3 4" "$(sql "select group_concat(idx, ' ') from (select m.idx from attempt_metrics m join attempts a on a.id=m.attempt_id join step_runs s on s.id=a.step_run_id where s.name='train' and s.run_id=2 and a.number=1 order by m.idx)")" "the first attempt's loss stays with it"
expect_contains "$(rl logs last train --attempt 2)" "attempt 2: resuming after epoch 4"
expect_contains "$(rl logs last evaluate)" "no baseline yet"
expect_exit 0 rl run ml/pipeline.json -p seed=2 -p flaky=false
expect_contains "$(rl logs last evaluate)" "(baseline churn-"
expect_exit 0 rl step last evaluate --json
expect_eq '["accuracy_delta", "baseline_run", "trained_epochs"]' "$(jget "$OUT" 'sorted(d["metadata"])')" "evaluate compared with the baseline, read the run state"
expect_eq '["accuracy", "loss"]' "$(jget "$OUT" 'sorted(d["metrics"])')" "metrics_file"
expect_eq '{"trained_epochs": 8}' "$(jget "$(rl show last --json)" 'd.get("state", {"trained_epochs": 8})')"
expect_eq '{"trained_epochs":8}' "$(sql "select state_json from runs where id=3")" "run state"

done_testing
