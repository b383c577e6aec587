#!/bin/sh
# The browser's Run view shows what `runlens dag RUN` and `runlens spec`
# show (issue 19, items 1 and 3): D puts the DAG, with each step's status,
# in place of the run context and lights the selected step; o pages the
# pipeline file the run read, O how it differs from the file now; b on a
# run that did not complete asks before pinning it (item 4).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuidag-$$"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "d", "steps": [
 {"name": "prepare", "outputs": {"o": "o.txt"}, "run": "echo > ${outputs.o}"},
 {"name": "train", "inputs": {"x": "prepare.o"}, "run": "true"},
 {"name": "lint", "needs": ["prepare"], "run": "exit 1"},
 {"name": "evaluate", "needs": ["train", "lint"], "run": "true"}
]}
J
expect_exit 1 rl run p.json
sed -i 's/"exit 1"/"exit 0"/' p.json

# what the command line draws, each step with its status
expect_exit 0 rl dag last
expect_eq "o    prepare   completed
|-.
o |  train     completed
| o  lint      failed
|-'
o    evaluate  skipped" "$OUT" "runlens dag RUN"
expect_exit 0 rl dag p.json
expect_eq "o    prepare
|-.
o |  train
| o  lint
|-'
o    evaluate" "$OUT" "runlens dag FILE"

tmux_ new-session -d -s tui -x 110 -y 30 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' PAGER='tee $T/paged.txt' '$RUNLENS_BIN' tui"
see "d-"
key Enter
see "RUN CONTEXT"
key D
see " DAG"
not_see "RUN CONTEXT"
see "o |  train     completed"
see "| o  lint      failed"
see "|-'"
see "o    evaluate  skipped"
key ?
see "the DAG in place of the run context"
key q
see " DAG"
# the selected step's line is lit (reverse video)
key j j
i=0; while [ $i -lt 50 ] && ! tmux_ capture-pane -p -e -t tui | grep -q "$(printf '\033\\[7m| o  lint')"; do sleep 0.1; i=$((i+1)); done
[ $i -lt 50 ] && pass || fail "the selected step is not lit in the DAG: $(tmux_ capture-pane -p -e -t tui | grep lint | cat -v)"
key D
see "RUN CONTEXT"
# o: the pipeline file the run read; O: how the file changed since
key o
i=0; while [ $i -lt 50 ] && ! grep -q '"exit 1"' paged.txt 2>/dev/null; do sleep 0.1; i=$((i+1)); done
expect_eq "$(rl spec last)" "$(cat paged.txt)" "o pages the recorded pipeline file"
see "RUN CONTEXT"
rm -f paged.txt
key O
i=0; while [ $i -lt 50 ] && ! grep -q '^+.*exit 0' paged.txt 2>/dev/null; do sleep 0.1; i=$((i+1)); done
expect_contains "$(cat paged.txt)" '- {"name": "lint", "needs": ["prepare"], "run": "exit 1"},'
expect_contains "$(cat paged.txt)" '+ {"name": "lint", "needs": ["prepare"], "run": "exit 0"},'
see "RUN CONTEXT"
# b on a run that did not complete asks first (as `runlens pin` does)
key b
see "run 1 is failed, not completed"
see "Pin it as the baseline anyway? [y/N]"
key n
see "nothing pinned"
expect_eq "" "$(sql "select pinned_run_id from pipelines where name='d'")" "not pinned"
key b
see "Pin it as the baseline anyway?"
key y
see "run 1 is now the baseline of d"
expect_eq 1 "$(sql "select pinned_run_id from pipelines where name='d'")" "pinned when the answer is yes"
key Q
done_testing
