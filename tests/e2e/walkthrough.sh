#!/bin/sh
# The README's ML walkthrough, word for word: the lines of the fenced blocks
# that follow a "<!-- walkthrough" comment are run as they are, one after
# the other in one shell, from the top of the build tree, with no runlens
# on PATH but the one the walkthrough puts there (the build tree's: not an
# installed one), no RUNLENS_PYTHON_DIR or RUNLENS_STORE from the test
# harness, and HOME in a temporary folder.  Then what the README says of
# each command is checked.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
README="$TESTS_SRCDIR/../README.md"
BUILD=$(dirname "$RUNLENS_BIN")
if [ ! -d "$BUILD/examples/ml" ]; then
	echo "the build tree is not the source tree (the walkthrough copies examples/ml from it): skipped"
	exit 77
fi

# --- the walkthrough's lines, from the README
awk '/^<!-- walkthrough/ { want = 1; next }
     want && /^```/ { if (inside) { inside = 0; want = 0 } else inside = 1; next }
     inside && NF && $1 !~ /^#/ { print }' "$README" > lines
n=$(wc -l < lines)
[ "$n" -ge 10 ] && pass || fail "the README's walkthrough has $n lines"

# one shell runs them all (cd and export carry on), each line's output and
# exit status kept apart
mkdir -p walk home
i=0
{
	echo "cd '$BUILD' || exit 99"
	while IFS= read -r line; do
		i=$((i + 1))
		printf '{\n%s\n} >"%s/walk/%d.out" 2>"%s/walk/%d.err"; echo $? >"%s/walk/%d.rc"\n' \
			"$line" "$T" "$i" "$T" "$i" "$T" "$i"
	done < lines
} > walk.sh
# PATH without any folder that holds a runlens: only the README's export
# can bring one
path=
old_ifs=$IFS; IFS=:
for d in $PATH; do
	[ -n "$d" ] && [ ! -x "$d/runlens" ] && path="$path${path:+:}$d"
done
IFS=$old_ifs
env -u RUNLENS_STORE -u RUNLENS_PYTHON_DIR -u XDG_CONFIG_HOME -u PYTHONPATH \
	HOME="$T/home" PATH="$path" sh walk.sh

# ran CMD: the output of the walkthrough's line that is CMD (before its
# comment); a check fails when the README has no such line
ran() {
	k=$(awk -v want="$1" '{ c = $0; sub(/[ \t]*#.*$/, "", c); if (c == want) { print NR; exit } }' lines)
	if [ -z "$k" ]; then
		fail "the walkthrough has no line '$1'"
		return 1
	fi
	cat "walk/$k.out" "walk/$k.err"
}

# every line succeeds
k=0
while IFS= read -r line; do
	k=$((k + 1))
	rc=$(cat "walk/$k.rc" 2>/dev/null)
	if [ "$rc" = 0 ]; then pass; else
		fail "exit ${rc:-?} from the walkthrough's line: $line"
		sed 's/^/  /' "walk/$k.out" "walk/$k.err" | head -20 >&2
	fi
done < lines

expect_eq "$BUILD/runlens" "$(env HOME="$T/home" PATH="$path" sh -c 'cd "$1" && export PATH="$PWD:$PATH" && command -v runlens' sh "$BUILD")" \
	"the walkthrough's PATH line finds the build tree's runlens"
DIR="$T/home/runlens-churn"
export RUNLENS_STORE="$DIR/.runlens"
# needs core: the runner finds the Python module next to its own executable
expect_not_contains "$(cat walk/*.out walk/*.err "$DIR"/.runlens/runs/*/*/attempts/*/*.log 2>/dev/null)" \
	"ModuleNotFoundError" "the walkthrough's output and the steps' logs"

# run pipeline.json: "train crashes at epoch 4, is retried, resumes"
expect_exit 0 rl show 1 --json
expect_eq '[["load", "completed", 1], ["train", "completed", 2], ["evaluate", "completed", 1]]' \
	"$(jget "$OUT" '[[s["name"], s["status"], s["attempts"]] for s in d["steps"]]')" "run 1: train retried once"
expect_eq "1 2 3 4" "$(sql "select group_concat(idx, ' ') from (select m.idx from attempt_metrics m join attempts a on a.id=m.attempt_id join step_runs s on s.id=a.step_run_id where s.name='train' and s.run_id=1 and a.number=1 order by m.idx)")" \
	"run 1: the first attempt logged epochs 1 to 4"
expect_eq "5 6 7 8" "$(sql "select group_concat(idx, ' ') from (select m.idx from metrics m join step_runs s on s.id=m.step_run_id where s.name='train' and s.run_id=1 order by m.idx)")" \
	"run 1: the retry went on from epoch 5"
# show last: "steps, attempts, the train.loss series, accuracy"
out=$(ran "runlens show last")
expect_contains "$out" "train.loss"
expect_contains "$out" "evaluate.accuracy"
# logs last train --attempt 2
expect_contains "$(ran "runlens logs last train --attempt 2")" "attempt 2: resuming after epoch 4"
# run pipeline.json -p seed=2 -p flaky=false: "other data: every step runs again"
expect_exit 0 rl show 2 --json
expect_eq '[["load", "completed", 1], ["train", "completed", 1], ["evaluate", "completed", 1]]' \
	"$(jget "$OUT" '[[s["name"], s["status"], s["attempts"]] for s in d["steps"]]')" "run 2: every step ran, once"
expect_eq '[2, false]' "$(jget "$OUT" '[d["params"]["seed"], d["params"]["flaky"]]')" "run 2's params"
# logs last evaluate: "accuracy against the baseline (the first run), with the delta"
out=$(ran "runlens logs last evaluate")
expect_contains "$out" "(baseline $(jget "$(rl show 1 --json)" 'd["name"]'): "
expect_contains "$out" "delta "
# step last evaluate: "metrics from metrics.json, metadata, inputs"
expect_exit 0 rl step 2 evaluate --json
expect_eq '["accuracy", "loss"]' "$(jget "$OUT" 'sorted(d["metrics"])')" "evaluate's metrics from metrics.json"
expect_eq '["accuracy_delta", "baseline_run", "trained_epochs"]' "$(jget "$OUT" 'sorted(d["metadata"])')" "evaluate's metadata"
expect_eq 8 "$(jget "$OUT" 'd["metadata"]["trained_epochs"]')" "evaluate read train's run state"
out=$(ran "runlens step last evaluate")
expect_contains "$out" "accuracy_delta"
expect_contains "$out" "train.model"
# compare last: "the params and metrics that differ from the baseline"
out=$(ran "runlens compare last")
expect_contains "$out" "vs  run 1"
expect_contains "$out" "seed"
expect_contains "$out" "evaluate.accuracy"
# rerun last -p lr=0.05: "load comes from the cache; train and evaluate run again"
expect_exit 0 rl show 3 --json
show3=$OUT
expect_eq 2 "$(jget "$show3" 'd["rerun_of"]')" "run 3 is a rerun of run 2"
expect_eq '[["load", "cached"], ["train", "completed"], ["evaluate", "completed"]]' \
	"$(jget "$show3" '[[s["name"], s["status"]] for s in d["steps"]]')" "run 3: train re-executed with lr 0.05"   # needs core: -p reaches train's own params
expect_eq 0.05 "$(jget "$show3" 'd["params"]["lr"]')" "run 3's params: lr"   # needs core: the params the steps received
expect_eq '[0.05, 8]' "$(jget "$(rl step 3 train --json)" '[float(d["context"]["step"]["params"]["lr"]), int(d["context"]["step"]["params"]["epochs"])]')" \
	"train's own params in run 3"   # needs core: ${params.X} substituted in a step's params
expect_contains "$(ran "runlens rerun last -p lr=0.05")" "load" "the rerun's output"
# why last train: "why train ran again: params.lr is 0.05, was 0.5"
out=$(ran "runlens why last train")
expect_contains "$out" "params.lr"   # needs core
expect_eq 1 "$(printf '%s\n' "$out" | grep -c '^params\.lr .*0\.05 .*0\.5 .*differs')" "why: params.lr 0.05, was 0.5, differs"   # needs core
# ls churn: "the three runs, newest first"
expect_exit 0 rl ls churn --json
expect_eq '[3, 2, 1]' "$(jget "$OUT" '[r["id"] for r in d["runs"]]')" "ls churn"
expect_eq 4 "$(ran "runlens ls churn" | wc -l | tr -d ' ')" "ls churn: a header and three runs"

done_testing
