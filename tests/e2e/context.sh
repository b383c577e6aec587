#!/bin/sh
# The step context: every field of context.json, the step commands and
# their bad inputs, run state with parallel steps, metrics_file,
# checkpoints across retries, stacks, metrics arriving while a step runs.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"

# --- outside a step: exit 3
for cmd in "ctx" "ctx run.name" "meta a=1" "metric loss 1" "state get k" "state set k 1" "baseline a.b" "secret s k"; do
	expect_exit 3 rl $cmd
	expect_eq "runlens: not inside a runlens step" "$ERR" "$cmd outside a step"
done

# --- every context field, in a git work tree
mkdir -p proj && cd proj
git init -q . && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m init
cat > p.json <<'J'
{"name": "ctx", "params": {"lr": 0.5}, "tags": ["t1"],
 "context": {"team": "ml", "flags": {"a": 1}}, "model": {"name": "churn"},
 "steps": [
  {"name": "make", "run": "echo data > ${outputs.data}", "outputs": {"data": "d.txt"}},
  {"name": "use", "run": "runlens ctx > ctx.json; runlens ctx run.name > name.txt; runlens ctx step.params > params.txt",
   "inputs": {"data": "make.data"}, "outputs": {"o": "o.txt"}, "params": {"k": 2},
   "context": {"flags": {"b": 2}}, "retries": 1, "timeout": 30, "resources": {"cpus": 2},
   "env": {"X": "${params.lr}"}}
 ]}
J
git add p.json && git -c user.email=t@t -c user.name=t commit -q -m p
expect_exit 1 rl run p.json   # "use" writes no o.txt: fails, but the context is there
c=$(cat ctx.json)
expect_eq '["schema", "pipeline", "run", "step", "stack", "model", "custom", "baseline", "checkpoint", "environment"]' "$(jget "$c" 'list(d.keys())')" "top-level fields"
expect_eq '["id", "name", "started_at", "tags", "params", "rerun_of", "state"]' "$(jget "$c" 'list(d["run"].keys())')" "run fields"
expect_eq '["name", "run_id", "attempt", "max_attempts", "config", "params", "inputs", "outputs", "secrets", "dir", "records"]' "$(jget "$c" 'list(d["step"].keys())')" "step fields"
expect_eq '{"cache": true, "retries": 1, "timeout": 30, "resources": {"cpus": 2}}' "$(jget "$c" 'd["step"]["config"]')" "step.config"
expect_eq '{"lr": 0.5, "k": 2}' "$(jget "$c" 'd["step"]["params"]')" "step.params: referenced (env) and own"
expect_eq "$(cat name.txt)" "$(jget "$c" 'd["run"]["name"]')" "ctx FIELD prints strings raw"
expect_eq '{' "$(head -c1 params.txt)" "ctx FIELD prints objects as JSON"
expect_eq '["artifact_id", "path", "type", "size", "sha256", "producer", "metadata"]' "$(jget "$c" 'list(d["step"]["inputs"]["data"].keys())')" "input fields"
expect_eq 5 "$(jget "$c" 'd["step"]["inputs"]["data"]["size"]')" "input size"
expect_eq '{"name": "churn", "version": "1"}' "$(jget "$c" 'd["model"]')" "model"
expect_eq '{"team": "ml", "flags": {"a": 1, "b": 2}}' "$(jget "$c" 'd["custom"]')" "custom"
expect_eq '["name", "artifact_store", "orchestrator", "experiment_tracker", "model_deployer"]' "$(jget "$c" 'list(d["stack"].keys())')" "stack fields"
expect_eq '["hostname", "os", "user", "runlens_version", "git"]' "$(jget "$c" 'list(d["environment"].keys())')" "environment fields"
expect_eq "$(git rev-parse HEAD)" "$(jget "$c" 'd["environment"]["git"]["commit"]')" "git commit"
expect_eq "false" "$(jget "$c" 'd["environment"]["git"]["dirty"]')" "git clean"
expect_eq '{"path": "'"$T"'/.runlens/runs/1/use/checkpoint", "exists": false}' "$(jget "$c" 'd["checkpoint"]')" "checkpoint"
expect_eq 2 "$(jget "$c" 'd["step"]["attempt"]')" "the retry's context"
sed -i 's/0.5/0.6/' p.json
expect_exit 1 rl run p.json
expect_eq "true" "$(jget "$(cat ctx.json)" 'd["environment"]["git"]["dirty"]')" "git dirty"
expect_eq 2 "$(jget "$(cat ctx.json)" 'd["model"]["version"]')" "model version 2"
cd "$T"

# --- step commands inside a step: bad input exits 2 and records nothing
cat > cmds.json <<'J'
{"name": "cmds", "steps": [
 {"name": "s", "outputs": {"model": "m.bin"}, "run": ["sh", "-c",
  "touch \"$RUNLENS_OUTPUT_MODEL\"; for c in 'meta novalue' 'meta good=1 bad' 'meta --output nope k=1' 'metric loss abc' 'metric loss 1 --index x' 'metric loss' 'state set k {bad' 'state get missing' 'baseline s.model'; do runlens $c 2>>errors.txt; echo \"$c => $?\"; done; runlens meta ok=1 str=hello json='{\"a\":[1,2]}'; runlens meta --output model format=onnx; runlens metric acc 0.91; runlens metric loss 0.5 --index 1; runlens metric loss 0.25 --index 2"]}
]}
J
expect_exit 0 rl run cmds.json
expect_eq "meta novalue => 2
meta good=1 bad => 2
meta --output nope k=1 => 2
metric loss abc => 2
metric loss 1 --index x => 2
metric loss => 2
state set k {bad => 2
state get missing => 4
baseline s.model => 4" "$(rl logs last s --stdout)" "exit codes of bad input"
expect_contains "$(cat errors.txt)" "runlens: meta: expected KEY=VALUE, got 'novalue'"
expect_contains "$(cat errors.txt)" "runlens: meta: 'nope' is not a declared output of step 's'"
expect_contains "$(cat errors.txt)" "runlens: metric: 'abc' is not a number (metric 'loss')"
expect_contains "$(cat errors.txt)" "runlens: no baseline run for this run"
expect_exit 0 rl step last s --json
expect_eq '{"json": {"a": [1, 2]}, "ok": 1, "str": "hello"}' "$(jget "$OUT" 'd["metadata"]')" "only good metadata recorded"
expect_eq '{"format": "onnx"}' "$(jget "$OUT" 'd["outputs"]["model"]["metadata"]')" "output metadata"
expect_eq '{"acc": 0.91, "loss": 0.25}' "$(jget "$OUT" 'd["metrics"]')" "metrics (series: last point)"

# --- run state with parallel steps
cat > state.json <<'J'
{"name": "state", "steps": [
 {"name": "init", "run": "runlens state set counter 1"},
 {"name": "a", "needs": ["init"], "run": "runlens state get counter > a.seen; runlens state set x '\"a\"'; runlens state set shared '\"a\"'; sleep 0.3"},
 {"name": "b", "needs": ["init"], "run": "runlens state get x > b.seen 2>&1; runlens state set y '\"b\"'; runlens state set shared '\"b\"'; sleep 0.8"},
 {"name": "bad", "needs": ["init"], "run": "runlens state set z 1; exit 1"},
 {"name": "final", "needs": ["a", "b"], "run": "runlens ctx run.state"}
]}
J
expect_exit 1 rl run state.json -j 3
expect_eq 1 "$(cat a.seen)" "a sees the state as of its start"
expect_eq "runlens: state: no key 'x'" "$(cat b.seen)" "b does not see a's writes (a had not completed)"
expect_eq '{"counter": 1, "x": "a", "shared": "b", "y": "b"}' "$(rl logs last final | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')" "writes applied in completion order, failed step's dropped"
expect_eq '{"counter":1,"x":"a","shared":"b","y":"b"}' "$(sql "select state_json from runs where name like 'state-%'")" "state recorded"

# --- metrics_file and checkpoints across retries
cat > mf.json <<'J'
{"name": "mf", "steps": [
 {"name": "eval", "retries": 1, "outputs": {"m": "metrics.json"}, "metrics_file": "m",
  "run": "if [ ! -f $RUNLENS_CHECKPOINT_DIR/done ]; then runlens ctx checkpoint.exists > first.txt; touch $RUNLENS_CHECKPOINT_DIR/done; exit 1; fi; runlens ctx checkpoint.exists > second.txt; echo '{\"accuracy\": 0.9, \"per_class\": {\"a\": {\"f1\": 0.5}}, \"hist\": [3, 4], \"name\": \"x\"}' > ${outputs.m}"},
 {"name": "broken", "outputs": {"m": "m.json"}, "metrics_file": "m", "run": "echo 'not json' > ${outputs.m}"}
]}
J
expect_exit 1 rl run mf.json
expect_eq "false" "$(cat first.txt)" "no checkpoint on the first attempt"
expect_eq "true" "$(cat second.txt)" "checkpoint kept for the retry"
expect_exit 0 rl step last eval --json
expect_eq '{"accuracy": 0.9, "hist.0": 3, "hist.1": 4, "per_class.a.f1": 0.5}' "$(jget "$OUT" 'd["metrics"]')" "metrics_file flattened"
expect_eq "metrics_file 'm' (m.json) is not valid JSON" "$(sql "select error from step_runs s join runs r on r.id=s.run_id where r.name like 'mf-%' and s.name='broken'")"

# --- metrics arrive while the step runs
cat > live.json <<'J'
{"name": "live", "steps": [{"name": "s", "run": "runlens metric progress 0.5; touch live.flag; i=0; while [ ! -f live.done ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done"}]}
J
"$RUNLENS_BIN" run live.json > live.out 2>&1 &
pid=$!
i=0; while [ ! -e live.flag ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
i=0; got=""
while [ $i -lt 100 ]; do
	got=$(rl show live@last --json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["metrics"]))')
	[ "$got" = '{"s.progress": 0.5}' ] && break
	sleep 0.05; i=$((i+1))
done
expect_eq '{"s.progress": 0.5}' "$got" "metric visible while running"
expect_eq running "$(sql "select status from runs where name like 'live-%'")" "still running"
touch live.done
wait $pid

# --- stacks
expect_exit 0 rl stack register gpu --artifact-store "$T/gpu-art" --component experiment_tracker=mlflow
expect_contains "$OUT" "stack 'gpu'"
expect_exit 0 rl stack ls --json
expect_eq '["default", "gpu"]' "$(jget "$OUT" '[s["name"] for s in d["stacks"]]')" "stack ls"
expect_eq '{"experiment_tracker": "mlflow"}' "$(jget "$OUT" 'd["stacks"][1]["components"]')"
printf '{"name": "stk", "steps": [{"name": "s", "run": "runlens ctx stack > stack.json; echo x > ${outputs.o}", "outputs": {"o": "o"}}]}' > stk.json
expect_exit 0 rl run stk.json --stack gpu
expect_eq gpu "$(jget "$(cat stack.json)" 'd["name"]')" "context stack"
expect_eq "$T/gpu-art" "$(jget "$(cat stack.json)" 'd["artifact_store"]["path"]')"
expect_contains "$(rl step last s --json)" "$T/gpu-art/" "artifact stored on the stack"
expect_exit 4 rl run stk.json --stack nope
expect_contains "$ERR" "no stack 'nope'"
expect_exit 2 rl stack register x
expect_contains "$ERR" "--artifact-store PATH is required"

# an empty state key
cat > emptykey.json <<'J'
{"name": "emptykey", "steps": [{"name": "s", "cache": false,
  "run": "runlens state get '' 2>ek.err; echo \"get => $?\"; runlens state set '' 1 2>>ek.err; echo \"set => $?\""}]}
J
expect_exit 0 rl run emptykey.json
expect_eq "get => 2
set => 2" "$(rl logs last s --stdout)" "an empty state key: usage for get and set alike"
expect_contains "$(cat ek.err)" "runlens: state get: state keys must be non-empty"

done_testing
