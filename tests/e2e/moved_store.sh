#!/bin/sh
# A project folder moved (renamed, copied elsewhere) keeps its record: the
# logs and artifacts inside the store are kept relative to it, so logs,
# cat and a cached step's inputs still find them.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
mkdir a && cd a
cat > p.json <<'J'
{"name": "mv", "steps": [
 {"name": "make", "run": "echo made; echo data > ${outputs.o}", "outputs": {"o": "o.txt"}},
 {"name": "use", "run": "cat ${inputs.i}", "inputs": {"i": "make.o"}}
]}
J
export RUNLENS_STORE="$T/a/.runlens"
expect_exit 0 rl run p.json
cd "$T" && mv a b && cd b
export RUNLENS_STORE="$T/b/.runlens"
expect_exit 0 rl logs 1 make
expect_eq "made" "$OUT" "the log of a moved store"
expect_exit 0 rl cat 1 make.o
expect_eq "data" "$OUT" "its artifact"
expect_exit 0 rl path 1 make.o
expect_contains "$OUT" "$T/b/.runlens/artifacts/" "the artifact where the store is now"
expect_exit 0 rl run p.json
expect_eq "cached cached" "$(sql "select group_concat(status, ' ') from (select status from step_runs where run_id = 2 order by position)")" "and the cache reuses it"
expect_exit 0 rl logs 2 use
expect_eq "data" "$OUT"
# a log that is not there is said, not shown as nothing
rm "$T/b/.runlens/runs/1/make/attempts/1/stdout.log"
expect_exit 0 rl logs 1 make
expect_contains "$ERR" "runlens: warning: the stdout log of attempt 1 is not at $T/b/.runlens/runs/1/make/attempts/1/stdout.log"
# a .runlens without its database is named, not passed over in silence
mkdir -p "$T/empty/.runlens" && cd "$T/empty"
unset RUNLENS_STORE
expect_exit 4 rl ls
expect_eq "runlens: no runlens store here or in any parent folder ($T/empty/.runlens has no runlens.db: a store moved without its database?)" "$ERR"
done_testing
