#!/bin/sh
# The command line: help, version, exit codes, store discovery, run
# references, and the --json / --csv shapes of the listing commands.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

expect_exit 0 rl --help
expect_contains "$OUT" "usage: runlens"
HELP=$OUT
for cmd in run pipelines ls show step logs; do
	expect_contains "$HELP" "  $cmd " "--help lists $cmd"
	expect_exit 0 rl help "$cmd"
	expect_contains "$OUT" "usage: runlens $cmd"
done
expect_exit 0 rl run --help
expect_contains "$OUT" "--no-cache"
expect_exit 0 rl --version
expect_contains "$OUT" "runlens 0."
expect_exit 2 rl frobnicate
expect_eq "runlens: unknown command 'frobnicate' (see 'runlens --help')" "$ERR"
expect_exit 2 rl ls --bogus
expect_contains "$ERR" "runlens: ls: unknown option '--bogus'"
expect_exit 2 rl run
expect_contains "$ERR" "runlens: run: missing pipeline FILE"

# no store: exit 4 with a clear message
unset RUNLENS_STORE
mkdir -p empty && cd empty
expect_exit 4 rl ls
expect_contains "$ERR" "runlens: no runlens store"
cd "$T"

# `runlens run` creates ./.runlens and later commands find it from below
mkdir -p proj/sub && cat > proj/p.json <<'J'
{"name": "proj", "params": {"n": 1}, "tags": ["t1"], "steps": [
 {"name": "one", "run": "echo one", "env": {"N": "${params.n}"}, "outputs": {}},
 {"name": "two", "run": "echo two > ${outputs.res}", "needs": ["one"], "outputs": {"res": "r.txt"}}
]}
J
cd proj
expect_exit 0 rl run p.json --name first-run
expect_exit 0 test -f .runlens/runlens.db
cd sub
expect_exit 0 rl ls
expect_contains "$OUT" "first-run"
cd "$T"
export RUNLENS_STORE="$T/proj/.runlens"
expect_exit 0 rl run proj/p.json -p n=2 --tag t2 --no-cache
expect_exit 2 rl run proj/p.json --name first-run
expect_contains "$ERR" "a run named 'first-run' already exists"
expect_exit 2 rl run proj/p.json -p nope=1
expect_contains "$ERR" "unknown param 'nope'"
expect_exit 4 rl --store "$T/nowhere" ls

# pipelines
expect_exit 0 rl pipelines
expect_contains "$OUT" "PIPELINE"
expect_contains "$OUT" "proj"
expect_exit 0 rl pipelines --json
expect_eq 2 "$(jget "$OUT" 'd["pipelines"][0]["runs"]')" "pipelines runs"
expect_eq completed "$(jget "$OUT" 'd["pipelines"][0]["last_status"]')"
expect_exit 0 rl pipelines --csv
expect_contains "$OUT" "PIPELINE,RUNS,LAST STATUS"

# ls: newest first, shapes
expect_exit 0 rl ls --json
expect_eq '["id", "name", "pipeline", "status", "started_at", "ended_at", "duration", "tags", "git", "sweep", "params", "metrics"]' "$(jget "$OUT" 'list(d["runs"][0].keys())')" "ls --json keys"
expect_eq 2 "$(jget "$OUT" 'd["runs"][0]["id"]')" "newest first"
expect_eq '["t1", "t2"]' "$(jget "$OUT" 'd["runs"][0]["tags"]')"
expect_exit 0 rl ls proj --limit 1 --csv
expect_eq 2 "$(printf '%s\n' "$OUT" | wc -l)" "csv: header + 1 row"
expect_exit 4 rl ls nosuchpipeline
expect_exit 2 rl ls --limit x

# show, by id, name, last, PIPELINE@last
for ref in 1 first-run; do
	expect_exit 0 rl show "$ref" --json
	expect_eq first-run "$(jget "$OUT" 'd["name"]')" "show $ref"
done
expect_exit 0 rl show last --json
expect_eq 2 "$(jget "$OUT" 'd["id"]')" "show last"
expect_eq '{"n": 2}' "$(jget "$OUT" 'd["params"]')" "show params"
expect_eq '[{"name": "one", "status": "completed", "attempts": 1}, {"name": "two", "status": "completed", "attempts": 1}]' \
	"$(jget "$OUT" '[{k: s[k] for k in ("name","status","attempts")} for s in d["steps"]]')" "show steps"
expect_eq 1 "$(jget "$OUT" 'd["baseline"]["id"]')" "baseline is the previous completed run"
expect_eq null "$(jget "$OUT" 'd["rerun_of"]')"
expect_exit 0 rl show proj@last
expect_contains "$OUT" "run 2"
expect_contains "$OUT" "n = 2"
expect_exit 4 rl show 999
expect_eq "runlens: no run '999'" "$ERR"
expect_exit 4 rl show nosuch@last

# step
expect_exit 0 rl step last two --json
expect_eq '["name", "run_id", "step_run_id", "status", "retry_at", "started_at", "ended_at", "duration", "error", "cached_from", "config", "attempts", "inputs", "outputs", "metadata", "metrics", "context", "params", "tags", "decision", "step_context", "executor"]' "$(jget "$OUT" 'list(d.keys())')" "step --json keys"
expect_eq 64 "$(jget "$OUT" 'len(d["outputs"]["res"]["sha256"])')" "output sha"
expect_eq 4 "$(jget "$OUT" 'd["outputs"]["res"]["size"]')" "output size"
expect_exit 0 rl step last two
expect_contains "$OUT" "outputs"
expect_contains "$OUT" "res"
expect_exit 4 rl step last nosuchstep
expect_contains "$ERR" "has no step 'nosuchstep'"
expect_exit 0 rl logs last one
expect_eq "one" "$OUT"
expect_exit 4 rl logs last one --attempt 5

done_testing
