#!/bin/sh
# Stacks (issue 19, item 7): `stack register` refuses to replace a stack
# without --force (exit 1, naming it, nothing changed); --force replaces the
# whole stack, its Slurm settings and components too; `stack rm NAME`
# removes one, refused while runs used it unless --force (saying how many).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
expect_exit 0 rl stack register hpc --artifact-store "$T/a1" --orchestrator slurm \
	--partition gpu --account lab --component experiment_tracker=mlflow
expect_exit 1 rl stack register hpc --artifact-store "$T/a2"
expect_eq "runlens: stack register: stack 'hpc' exists (--force replaces it, its settings and components with it)" "$ERR"
expect_eq "" "$OUT" "nothing printed on the refusal"
[ -e "$T/a2" ] && fail "a refused register made its artifact folder" || pass
expect_exit 0 rl stack ls --json
expect_eq "$T/a1" "$(jget "$OUT" '[s for s in d["stacks"] if s["name"] == "hpc"][0]["artifact_store"]')" "unchanged after the refusal"
expect_eq '{"partition": "gpu", "account": "lab"}' "$(jget "$OUT" '[s for s in d["stacks"] if s["name"] == "hpc"][0]["settings"]')"

# --force: the new stack is all that was said; the old settings do not linger
expect_exit 0 rl stack register hpc --artifact-store "$T/a2" --orchestrator slurm --qos low --force
expect_contains "$OUT" "stack 'hpc' replaced: artifacts in $T/a2, orchestrator slurm (qos low)"
expect_exit 0 rl stack ls --json
h='[s for s in d["stacks"] if s["name"] == "hpc"][0]'
expect_eq '{"qos": "low"}' "$(jget "$OUT" "$h[\"settings\"]")" "settings replaced, not merged"
expect_eq '{}' "$(jget "$OUT" "$h[\"components\"]")" "components replaced"
expect_exit 0 rl stack register hpc --artifact-store "$T/a3" --force
expect_exit 0 rl stack ls --json
expect_eq '{}' "$(jget "$OUT" "$h[\"settings\"]")" "a local stack replacing a slurm one keeps no settings"
expect_eq local "$(jget "$OUT" "$h[\"orchestrator\"]")"

# stack rm
expect_exit 0 rl stack register spare --artifact-store "$T/spare"
expect_exit 0 rl stack rm spare
expect_eq "stack 'spare' removed" "$OUT"
expect_exit 0 rl stack ls --json
expect_eq '["default", "hpc"]' "$(jget "$OUT" '[s["name"] for s in d["stacks"]]')"
expect_exit 4 rl stack rm spare
expect_eq "runlens: stack rm: no stack 'spare' (see 'runlens stack ls')" "$ERR"
expect_exit 4 rl stack rm default
expect_contains "$ERR" "the built-in default cannot be removed"
expect_exit 2 rl stack rm
expect_exit 2 rl stack rm a b

cat > p.json <<'J'
{"name": "st", "steps": [{"name": "s", "run": "echo x > ${outputs.o}", "outputs": {"o": "o.txt"}}]}
J
expect_exit 0 rl run p.json --stack hpc
expect_exit 0 rl run p.json --stack hpc --no-cache
expect_exit 1 rl stack rm hpc
expect_eq "runlens: stack rm: stack 'hpc' is used by 2 runs (--force removes it; the runs keep its name)" "$ERR"
expect_exit 0 rl stack ls --json
expect_eq '["default", "hpc"]' "$(jget "$OUT" '[s["name"] for s in d["stacks"]]')" "a refused rm keeps the stack"
expect_exit 0 rl stack rm hpc --force
expect_contains "$OUT" "stack 'hpc' removed (2 runs ran on it"
expect_exit 0 rl stack ls --json
expect_eq '["default"]' "$(jget "$OUT" '[s["name"] for s in d["stacks"]]')"
expect_exit 0 rl show 1 --json
expect_eq hpc "$(jget "$OUT" 'd["context"]["stack"]["name"]')" "the run keeps the stack's name"
expect_exit 0 rl step 1 s --json
expect_contains "$OUT" "$T/a3/" "the run's artifacts stay where they were"
[ -n "$(find "$T/a3" -type f | head -1)" ] && pass || fail "artifacts removed with the stack"
# a new run naming the removed stack is refused as for any unknown stack
expect_exit 4 rl run p.json --stack hpc
expect_contains "$ERR" "no stack 'hpc'"
done_testing
