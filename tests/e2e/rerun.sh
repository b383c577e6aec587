#!/bin/sh
# A rerun keeps the original run's tags (the pipeline's, --tag's and those
# added later with `runlens tag`) and adds its own; `show` names the run it
# reran, by id and name, also once that run is deleted.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
cat > p.json <<'J'
{"name": "rr", "tags": ["from-file"], "params": {"n": 1},
 "steps": [{"name": "s", "run": "echo ${params.n}"}]}
J
expect_exit 0 rl run p.json --name original --tag nightly
expect_exit 0 rl tag original reviewed
expect_exit 0 rl rerun original --name again --tag rerun-tag -p n=2
expect_exit 0 rl show again --json
expect_eq '["from-file", "nightly", "rerun-tag", "reviewed"]' "$(jget "$OUT" 'sorted(d["tags"])')" "the rerun keeps the original's tags"
expect_eq 1 "$(jget "$OUT" 'd["rerun_of"]')" "rerun_of"
expect_eq original "$(jget "$OUT" 'd["rerun_of_name"]')" "rerun_of_name"
expect_exit 0 rl ls --where 'tag=reviewed' --json
expect_eq "2 1" "$(jget "$OUT" '" ".join(str(r["id"]) for r in d["runs"])')" "found by the original's tag"
expect_exit 0 rl show again
expect_contains "$OUT" "  rerun of  1 (original)" "show"
expect_contains "$OUT" "from-file, nightly, rerun-tag, reviewed" "show tags"

# the original deleted: the rerun still says what it reran
expect_exit 0 rl rm original --yes
expect_exit 4 rl show original
expect_exit 0 rl show again
expect_contains "$OUT" "  rerun of  1 (original, deleted)" "show after rm"
expect_exit 0 rl show again --json
expect_eq 1 "$(jget "$OUT" 'd["rerun_of"]')" "rerun_of after rm"
expect_eq original "$(jget "$OUT" 'd["rerun_of_name"]')" "rerun_of_name after rm"
expect_exit 0 rl show again --csv
# a run that is no rerun
expect_exit 0 rl run p.json --name plain
expect_exit 0 rl show plain --json
expect_eq null "$(jget "$OUT" 'd["rerun_of"]')" "not a rerun"
expect_eq null "$(jget "$OUT" 'd["rerun_of_name"]')" "not a rerun: no name"
expect_not_contains "$(rl show plain)" "rerun of"

# --- a rerun runs on the stack its run ran on (a cluster's steps stay on
# the cluster), unless --stack says another; --from is given once
mkdir stk && cd stk
cat > p.json <<'J'
{"name": "stk", "steps": [{"name": "a", "run": "echo hi"}]}
J
expect_exit 0 rl stack register other --artifact-store "$T/stk/art2"
expect_exit 0 rl run p.json --stack other --name on-other
expect_exit 0 rl rerun on-other --name again-there
expect_eq other "$(sql "select stack from runs where name = 'again-there'")" "the rerun ran on the run's stack"
expect_exit 0 rl rerun on-other --stack default --name here
expect_eq default "$(sql "select stack from runs where name = 'here'")" "--stack chooses another"
expect_exit 4 rl rerun on-other --stack nosuch
expect_contains "$ERR" "no stack 'nosuch'"
expect_exit 2 rl rerun on-other --from a --from a
expect_contains "$ERR" "rerun: --from is given once"
# its stack removed since: said, not run elsewhere without a word
expect_exit 0 rl stack rm other --force
expect_exit 4 rl rerun on-other
expect_contains "$ERR" "ran on stack 'other', which is gone: rerun it with --stack NAME"
expect_exit 0 rl rerun on-other --stack default --name here-again
cd "$T"

# a list where one value goes says what it would be elsewhere
mkdir grid && cd grid
cat > p.json <<'J'
{"name": "gridre", "params": {"lr": 0.1}, "steps": [{"name": "s", "run": "echo ${params.lr}"}]}
J
expect_exit 0 rl run p.json --name gr
expect_exit 2 rl rerun gr -p lr=0.3,0.4
expect_eq "runlens: -p lr=0.3,0.4: 'lr' is a number (declared 0.1); a list or range of values is a sweep of \`runlens run\`, one value here" "$ERR"
cd "$T"

done_testing
