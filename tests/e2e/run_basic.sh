#!/bin/sh
# A real pipeline end to end: the bundled example, parallel steps, outputs
# recorded as content-addressed artifacts, the step context and environment.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

# --- the quickstart example runs and is recorded
cp -r "$EXAMPLES_DIR/quickstart" ex
PATH="$(dirname "$RUNLENS_BIN"):$PATH" expect_exit 0 rl run ex/pipeline.json -j 2  # train calls `runlens metric`
expect_contains "$OUT" "completed"
expect_contains "$OUT" "generate"
expect_eq "completed" "$(sql "select status from runs where id=1")" "run status"
expect_eq "3" "$(sql "select count(*) from step_runs where run_id=1 and status='completed'")" "completed steps"
metrics=$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.name='evaluate'")
expect_contains "$(cat "$metrics")" '"accuracy": ' "metrics artifact"
# the recorded hash is what sha256sum says
sha=$(sql "select a.sha256 from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.name='evaluate'")
expect_eq "$(sha256sum "$metrics" | cut -d' ' -f1)" "$sha" "artifact sha256"
# the step folder keeps a link to the output
expect_contains "$(cat .runlens/runs/1/evaluate/outputs/metrics.json)" '"loss": ' "output link"

# --- parallel steps really run at the same time (a rendezvous, not a timer)
mkdir par && cat > par/p.json <<'J'
{"name": "par", "steps": [
 {"name": "a", "run": "touch a.ready; i=0; while [ ! -f b.ready ]; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done"},
 {"name": "b", "run": "touch b.ready; i=0; while [ ! -f a.ready ]; do i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05; done"},
 {"name": "c", "run": "true", "needs": ["a", "b"]}
]}
J
expect_exit 0 rl run par/p.json -j 2
expect_eq "completed" "$(sql "select status from runs where name like 'par-%'")" "parallel run"

# --- the context and environment a step gets
mkdir ctx && cat > ctx/c.json <<'J'
{"name": "ctx", "params": {"lr": 0.01, "epochs": 3, "unused": "x"},
 "tags": ["nightly"], "context": {"team": "ml", "flags": {"a": 1, "b": 2}},
 "model": {"name": "churn"},
 "steps": [
  {"name": "produce", "run": ["sh", "-c", "echo hi > \"$RUNLENS_OUTPUT_DATA_SET\"; env | grep ^RUNLENS_ | sort > \"$RUNLENS_STEP_DIR/env.txt\""],
   "outputs": {"data-set": "sub/d.txt"}},
  {"name": "consume", "run": "cp $RUNLENS_CONTEXT ctx.json; echo lr=${params.lr} > ${outputs.out}; cat ${inputs.data}",
   "inputs": {"data": "produce.data-set"}, "outputs": {"out": "o.txt"},
   "context": {"flags": {"b": 3}}, "env": {"MY_VAR": "v-${params.epochs}"}, "retries": 1, "timeout": 60}
 ]}
J
expect_exit 0 rl run ctx/c.json --tag extra -p epochs=5
env_txt=$(cat .runlens/runs/3/produce/env.txt)
for v in RUNLENS_CONTEXT= RUNLENS_STORE= RUNLENS_PIPELINE=ctx RUNLENS_RUN_ID=3 RUNLENS_RUN_NAME=ctx- \
         RUNLENS_STEP=produce RUNLENS_STEP_RUN_ID= RUNLENS_ATTEMPT=1 RUNLENS_STEP_DIR= RUNLENS_CHECKPOINT_DIR= \
         RUNLENS_OUTPUT_DATA_SET=; do
	expect_contains "$env_txt" "$v" "step environment"
done
c=$(cat ctx/ctx.json)
expect_eq 1 "$(jget "$c" 'd["schema"]')" "schema"
expect_eq ctx "$(jget "$c" 'd["pipeline"]["name"]')" "pipeline.name"
expect_eq 3 "$(jget "$c" 'd["run"]["id"]')" "run.id"
expect_eq '["nightly", "extra"]' "$(jget "$c" 'd["run"]["tags"]')" "run.tags"
expect_eq 5 "$(jget "$c" 'd["run"]["params"]["epochs"]')" "run.params override"
expect_eq '{"lr": 0.01, "epochs": 5}' "$(jget "$c" 'd["step"]["params"]')" "step.params: only what it references"
expect_eq consume "$(jget "$c" 'd["step"]["name"]')" "step.name"
expect_eq 2 "$(jget "$c" 'd["step"]["max_attempts"]')" "step.max_attempts"
expect_eq 60 "$(jget "$c" 'd["step"]["config"]["timeout"]')" "step.config.timeout"
expect_eq produce "$(jget "$c" 'd["step"]["inputs"]["data"]["producer"]["step"]')" "input producer"
expect_eq "$(printf 'hi\n' | sha256sum | cut -d' ' -f1)" "$(jget "$c" 'd["step"]["inputs"]["data"]["sha256"]')" "input sha256"
expect_eq '{"team": "ml", "flags": {"a": 1, "b": 3}}' "$(jget "$c" 'd["custom"]')" "custom context deep merge"
expect_eq churn "$(jget "$c" 'd["model"]["name"]')" "model.name"
expect_eq null "$(jget "$c" 'd["baseline"]')" "baseline on first run"
expect_eq default "$(jget "$c" 'd["stack"]["name"]')" "stack.name"
expect_eq 'o.txt' "$(jget "$c" 'd["step"]["outputs"]["out"]["path"][-5:]')" "outputs path"
expect_eq "lr=0.01" "$(rl logs 3 consume >/dev/null; cat "$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.name='consume'")")" "param substitution"
expect_eq "hi" "$(rl logs 3 consume)" "logs of consume"
# the context file is read-only to the step
perm=$(stat -c %a .runlens/runs/3/consume/context.json)
expect_eq 444 "$perm" "context.json mode"
# a second run has the first as its baseline
expect_exit 0 rl run ctx/c.json
expect_eq 3 "$(jget "$(cat ctx/ctx.json)" 'd["baseline"]["run_id"]')" "baseline of the second run"
expect_eq 2 "$(jget "$(cat ctx/ctx.json)" 'd["model"]["version"]')" "model version counts up"

# --- the shell's own ${…} in a run string (issue 14, item 16): an error
# that says how to write it; $${…} passes it to the shell, $$ stays $$
mkdir shell && cd shell
printf '{"name": "sh", "steps": [{"name": "s", "run": "x=abc; echo ${#x}"}]}' > bad.json
expect_exit 2 rl run bad.json
expect_contains "$ERR" "unknown \${#x}: runlens substitutes \${params.X}"
expect_contains "$ERR" "write \$\${#x} to pass \${#x} to the shell as it is (\$\$ alone stays \$\$)"
printf '{"name": "sh", "steps": [{"name": "s", "run": "echo ${y:-d}"}]}' > bad2.json
expect_exit 2 rl run bad2.json
expect_contains "$ERR" "write \$\${y:-d} to pass \${y:-d} to the shell"
cat > good.json <<'J'
{"name": "sh", "steps": [{"name": "s", "outputs": {"o": "o.txt"},
  "run": "x=abc; echo len=$${#x} def=$${y:-d} pid=$$ name=${step.name} > $RUNLENS_OUTPUT_O; echo $$ > pid.txt"}]}
J
expect_exit 0 rl run good.json
got=$(cat "$(sql_path "select a.path from step_outputs o join artifacts a on a.id = o.artifact_id join step_runs s on s.id = o.step_run_id where s.run_id = (select max(id) from runs)")")
expect_eq "len=3 def=d pid=$(cat pid.txt) name=s" "$got" "the shell got \${#x} and \${y:-d}, and \$\$ is its pid"
cd "$T"

done_testing
