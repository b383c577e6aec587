#!/bin/sh
# docs/output.md is what the commands print (issue 19, item 9): a store with
# every kind of record (a git work tree, a series, a sweep, a baseline, a
# rerun, a note, a secret, a Slurm stack), then tests/e2e/output_doc.py
# compares each documented key list and CSV header with the real --json and
# --csv output, and checks every command offering --json/--csv has a section.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v git >/dev/null || { echo "skip: no git"; exit 77; }
export XDG_CONFIG_HOME="$T/config"
git init -q . && git config user.email t@example.com && git config user.name t
cat > p.json <<'J'
{"name": "demo", "params": {"lr": 0.1}, "metrics": {"train.acc": "max"},
 "steps": [{"name": "prep", "run": "echo data > ${outputs.d}", "outputs": {"d": "d.txt"}},
  {"name": "train", "needs": ["prep"], "inputs": {"d": "prep.d"}, "outputs": {"m": "m.txt"},
   "run": "runlens metric acc ${params.lr} && runlens metric loss 0.5 --index 0 && runlens metric loss 0.25 --index 1 && runlens meta k=v && runlens meta --output m note=x && echo m > ${outputs.m}"}]}
J
git add p.json && git commit -qm sample
expect_exit 0 rl run p.json --tag t1
expect_exit 0 rl run p.json -p lr=0.2
expect_exit 0 rl run p.json -p lr=0.1,0.3
expect_exit 0 rl pin 1
expect_exit 0 rl note 2 hello
printf 'abcdef\n' | rl secret set tok KEY=- >/dev/null || fail "secret set"
expect_exit 0 rl stack register hpc --artifact-store "$T/hpc" --orchestrator slurm \
	--partition p --account a --qos q --slurm-opt=--constraint=x --component experiment_tracker=mlflow
expect_exit 0 python3 "$TESTS_SRCDIR/e2e/output_doc.py" "$TESTS_SRCDIR/../docs/output.md" "$RUNLENS_BIN"
printf '%s\n' "$ERR" | head -40 >&2
done_testing
