#!/bin/sh
# Finding runs: ls --where with every field kind, --sort, and errors that
# point at the column.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
cat > p.json <<'J'
{"name": "w", "params": {"lr": 0.1, "opt": "adam"},
 "steps": [{"name": "eval", "cache": false, "run": "runlens metric accuracy ${params.lr}; [ ${params.opt} != fail ]"}]}
J
printf '{"name": "other", "steps": [{"name": "s", "run": "true"}]}' > o.json
expect_exit 0 rl run p.json --tag nightly -p lr=0.5
expect_exit 0 rl run p.json -p lr=0.9 -p opt=sgd
expect_exit 1 rl run p.json --tag nightly -p opt=fail
expect_exit 0 rl run o.json --name special-run

ids() { rl ls --json "$@" | python3 -c 'import json,sys; print(" ".join(str(r["id"]) for r in json.load(sys.stdin)["runs"]))'; }
expect_eq "3" "$(ids --where 'status=failed')" "status"
expect_eq "3 1" "$(ids --where 'tag=nightly')" "tag"
expect_eq "4 2" "$(ids --where 'tag!=nightly')" "not tagged"
expect_eq "2" "$(ids --where 'eval.accuracy>0.6')" "metric"
expect_eq "3 1" "$(ids --where 'eval.accuracy<=0.5')" "metric <="
expect_eq "2" "$(ids --where 'params.opt=sgd')" "string param"
expect_eq "2 1" "$(ids --where 'params.lr>=0.5')" "number param"
expect_eq "4" "$(ids --where 'name~special')" "substring"
expect_eq "4" "$(ids --where 'pipeline=other')" "pipeline"
expect_eq "4 3 2 1" "$(ids --where 'started>-1h')" "started recently"
expect_eq "" "$(ids --where 'started<-1d')" "started long ago"
expect_eq "4 3 2 1" "$(ids --where 'duration<1h')" "duration"
expect_eq "3 2" "$(ids --where '(status=failed or params.opt=sgd) and not pipeline=other')" "and/or/not"
expect_eq "2 3" "$(ids w --where 'id>1' --sort id)" "pipeline + sort ascending"
expect_eq "2 1 3" "$(ids w --sort -eval.accuracy)" "sort by a metric, descending"
expect_eq "3 1 2" "$(ids w --sort eval.accuracy)" "sort by a metric"
expect_eq "1" "$(ids --where 'tag=nightly' --sort id --limit 1)" "limit"
expect_exit 0 rl ls --where 'status=running'
expect_eq "no runs match" "$OUT"
expect_eq "" "$ERR" "a known field: no warning"

# a status no run can have is a mistake (exit 2) naming the valid ones
expect_exit 2 rl ls --where 'status=complete'
expect_eq "runlens: ls: --where: at column 8: unknown status 'complete' (a run is running, completed, failed or interrupted)" "$ERR"
expect_exit 2 rl ls --where 'tag=nightly and status!=sucess' --json
expect_contains "$ERR" "unknown status 'sucess'"

# a field no run has (a typo) warns with the closest names; the query
# still runs and matches nothing
expect_exit 0 rl ls --where 'params.lrr>0.1'
expect_eq "no runs match" "$OUT"
expect_eq "runlens: warning: no run has params.lrr (did you mean params.lr?)" "$ERR"
expect_exit 0 rl ls --where 'eval.acuracy>0.5 or params.opt=sgd' --json
expect_eq "runlens: warning: no run has eval.acuracy (did you mean eval.accuracy?)" "$ERR"
expect_eq "2" "$(jget "$OUT" '" ".join(str(r["id"]) for r in d["runs"])')" "the rest of the filter still applies"
expect_exit 0 rl ls --where 'params.nothing_like_it=1 and not params.lrr=2 and params.lrr=3' --csv
expect_eq "runlens: warning: no run has params.nothing_like_it
runlens: warning: no run has params.lrr (did you mean params.lr?)" "$ERR" "each field once; no guess when none is close"
expect_eq 1 "$(printf '%s\n' "$OUT" | wc -l)" "--csv: the header only"

expect_exit 2 rl ls --where 'status=failed and evaluate.accuracy>high'
expect_eq "runlens: ls: --where: at column 37: 'high' is not a number" "$ERR"
expect_exit 2 rl ls --where '(status=failed'
expect_eq "runlens: ls: --where: at column 15: expected ')' to close the '(' at column 1" "$ERR"
expect_exit 2 rl ls --where 'eval.accuracy>"a
b"'
expect_eq 'runlens: ls: --where: at column 15: '"'"'a\x0ab'"'"' is not a number' "$ERR"
expect_exit 0 rl ls --sort tag # by the first tag (issue 17)
expect_exit 2 rl ls --sort ''
expect_contains "$ERR" "cannot sort by ''"
# limits, and long chains that once overflowed SQLite's parser stack
expect_eq "2" "$(ids --where "$(python3 -c "print(' and '.join(['eval.accuracy>0.6']*200))")" --sort -eval.accuracy)" "200 conditions"
expect_eq "3" "$(ids --where "$(python3 -c "print('not '*24+'status=failed')")")" "24 nested nots"
expect_eq "2" "$(ids --where "$(python3 -c "
s='status=failed'
for i in range(23): s='(params.opt=sgd %s %s)' % ('or' if i % 2 else 'and', s)
print(s)")")" "23 nested parentheses of and/or"
expect_exit 2 rl ls --where "$(python3 -c "print(' or '.join(['id>1']*201))")"
expect_eq "runlens: ls: --where: at column 1601: more than 200 conditions" "$ERR"
expect_exit 2 rl ls --where "$(python3 -c "print('('*25+'id>1'+')'*25)")"
expect_eq "runlens: ls: --where: at column 25: 'not' and '(' nested more than 24 deep" "$ERR"

done_testing
