#!/bin/sh
# A record you can trust: what runlens reuses and records is what
# happened.  One block per finding, written as a user would meet it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
R="$RUNLENS_BIN"
statuses() { sql "select group_concat(s.name || '=' || s.status, ' ') from step_runs s where s.run_id = $1 order by s.position"; }
metric() { sql "select value from run_metrics where run_id=$1 and step='$2' and key='$3'"; }

# ---- 1. edited code is noticed: the script a command names is in the key
mkdir code && cd code
cat > p.json <<'J'
{"name": "code", "steps": [
 {"name": "train", "run": "sh train.sh", "outputs": {"m": "m.txt"}},
 {"name": "evaluate", "run": ["sh", "evaluate.sh"], "inputs": {"m": "train.m"}},
 {"name": "lib", "run": "echo uses src", "code": ["src/"]},
 {"name": "off", "run": "sh off.sh", "code": false}
]}
J
echo 'echo model > $RUNLENS_OUTPUT_M' > train.sh
echo 'runlens metric acc 0.5' > evaluate.sh
mkdir src && echo 'v1' > src/helper.py
echo 'true' > off.sh
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json
expect_eq "train=cached evaluate=cached lib=cached off=cached" "$(statuses 2)" "nothing changed: all cached"
echo 'runlens metric f1 0.4' >> evaluate.sh
expect_exit 0 rl run p.json --dry-run
expect_contains "$OUT" "code: evaluate.sh changed"
expect_exit 0 rl run p.json
expect_eq "train=cached evaluate=completed lib=cached off=cached" "$(statuses 3)" "an edited script re-executes its step"
expect_eq 0.4 "$(metric 3 evaluate f1)" "and its new metric is there"
expect_exit 0 rl why 3 evaluate
expect_contains "$OUT" "code: evaluate.sh changed"
echo 'v2' > src/helper.py
echo 'echo edited' > off.sh
expect_exit 0 rl run p.json
expect_eq "train=cached evaluate=cached lib=completed off=cached" "$(statuses 4)" "a declared folder counts; \"code\": false turns it off"
expect_exit 0 rl why 4 lib --json
expect_eq '["code.src"]' "$(jget "$OUT" '[x["part"] for x in d["differences"]]')" "why names the folder"
cd "$T"

# ---- 1b. a script a param names is code too: the command as it runs
mkdir pcode && cd pcode
cat > p.json <<'J'
{"name": "pcode", "params": {"script": "s.sh"}, "steps": [
 {"name": "shell", "run": "sh ${params.script}"},
 {"name": "argv", "run": ["sh", "${params.script}"]}
]}
J
echo 'echo one' > s.sh
echo 'echo other' > o.sh
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json
last=$(sql "select max(id) from runs")
expect_eq "shell=cached argv=cached" "$(statuses "$last")" "the same script: cached"
echo 'echo two' > s.sh
expect_exit 0 rl run p.json
last=$(sql "select max(id) from runs")
expect_eq "shell=completed argv=completed" "$(statuses "$last")" "an edited script a param names re-executes"
expect_eq "two" "$(rl logs last shell)" "and the log is the new script's"
expect_exit 0 rl why last argv
expect_contains "$OUT" "code: s.sh changed"
expect_exit 0 rl run p.json -p script=o.sh
expect_eq "other" "$(rl logs last argv)" "another script by the param runs"
cd "$T"

# ---- 2. rerun --from with a param an upstream step uses: it re-executes
mkdir from && cd from
cat > p.json <<'J'
{"name": "from", "params": {"alpha": 0.1}, "steps": [
 {"name": "train", "run": "echo alpha=${params.alpha} > $RUNLENS_OUTPUT_M; runlens state set trained true",
  "outputs": {"m": "m.txt"}},
 {"name": "evaluate", "inputs": {"m": "train.m"},
  "run": "runlens metric seen_alpha $(cut -d= -f2 $RUNLENS_INPUT_M); runlens ctx run.state.trained > $RUNLENS_OUTPUT_S",
  "outputs": {"s": "s.txt"}}
]}
J
expect_exit 0 rl run p.json
run1=$(sql "select max(id) from runs")
expect_exit 0 rl rerun "$run1" --from evaluate -p alpha=0.7 --dry-run
expect_contains "$OUT" "train     run     upstream of --from evaluate, but changed: params.alpha since run $run1"
expect_exit 0 rl rerun "$run1" --from evaluate -p alpha=0.7
run2=$(sql "select max(id) from runs")
expect_eq "train=completed evaluate=completed" "$(statuses "$run2")" "train re-executed: it uses alpha"
expect_eq 0.7 "$(metric "$run2" evaluate seen_alpha)" "evaluate saw the model trained with 0.7"
expect_exit 0 rl show "$run2" --json
expect_eq '{"alpha": 0.7}' "$(jget "$OUT" 'd["params"]')" "the run's params are its steps'"
expect_eq '{"alpha": 0.7}' "$(jget "$OUT" '[s for s in d["steps"] if s["name"]=="train"][0]["params"]')" "so are train's"
expect_exit 0 rl ls from --where 'params.alpha>=0.5' --json
expect_eq "[$run2]" "$(jget "$OUT" '[r["id"] for r in d["runs"]]')" "--where params.alpha finds only the run trained with it"

# ---- 5. a reused step's state writes replay: evaluate sees train's state
expect_exit 0 rl rerun "$run1" --from evaluate
run3=$(sql "select max(id) from runs")
expect_eq "train=cached evaluate=completed" "$(statuses "$run3")" "train reused"
expect_exit 0 rl why "$run3" train
expect_contains "$OUT" "reused by --from evaluate"
expect_eq true "$(cat "$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.run_id=$run3 and s.name='evaluate'")")" \
	"evaluate saw the state the reused train step had set"
expect_eq '{"trained":true}' "$(sql "select state_json from runs where id=$run3")" "the run's state has it"
cd "$T"

# ---- 5b. cached steps settled at once replay in their source's order: a
# slow and a fast step both write one key; in the run where both are
# cached the step after them sees the value the source run ended with
# (the pipeline file lists slow first, so its order would give "fast")
mkdir order && cd order
cat > p.json <<'J'
{"name": "order", "steps": [
 {"name": "slow", "run": "until [ -f $RUNLENS_STORE/order-fast.done ]; do sleep 0.01; done; runlens state set who '\"slow\"'"},
 {"name": "fast", "run": "runlens state set who '\"fast\"'; touch $RUNLENS_STORE/order-fast.done"},
 {"name": "read", "needs": ["slow", "fast"], "cache": false, "run": "runlens state get who"}]}
J
expect_exit 0 rl run p.json --name order1
expect_eq '"slow"' "$(rl logs order1 read)" "the source run: slow wrote last"
expect_exit 0 rl run p.json --name order2
expect_eq "slow=cached fast=cached read=completed" "$(statuses "$(jget "$(rl show order2 --json)" 'd["id"]')")" "both cached"
expect_eq '"slow"' "$(rl logs order2 read)" "cached: the writes in the order the source completed them"
expect_eq '{"who":"slow"}' "$(sql "select state_json from runs where name='order2'")" "the run's state too"
cd "$T"

# ---- 3. -p reaches the steps that use it, or is refused
mkdir params && cd params
cat > p.json <<'J'
{"name": "params", "params": {"lr": 0.5, "epochs": 8, "tag": "x"}, "steps": [
 {"name": "train", "run": "runlens metric lr $RUNLENS_PARAM_LR; runlens metric epochs ${params.epochs}",
  "params": {"lr": "${params.lr}", "momentum": 0.9}},
 {"name": "fixed", "run": "echo $RUNLENS_PARAM_TAG", "params": {"tag": "mine"}}
]}
J
before=$(sql "select count(*) from runs")
expect_exit 0 rl run p.json -p lr=0.05
expect_eq 0.05 "$(metric "$(sql "select max(id) from runs")" train lr)" "-p lr reaches train's own \${params.lr}"
expect_exit 0 rl run p.json -p train.momentum=0.5 -p epochs=3
expect_eq '{"lr": 0.5, "epochs": 3, "train.momentum": 0.5, "fixed.tag": "mine"}' "$(jget "$(rl show last --json)" 'd["params"]')" "-p STEP.NAME sets a step's own param"
expect_exit 2 rl run p.json -p tag=y
expect_contains "$ERR" "-p tag: no step uses the pipeline param 'tag': step 'fixed' sets its own tag"
expect_contains "$ERR" "-p fixed.tag=VALUE"
expect_exit 2 rl run p.json -p epochs=abc
expect_eq "runlens: -p epochs=abc: 'epochs' is a number (declared 8)" "$ERR"
expect_exit 2 rl run p.json -p momentum=1
expect_contains "$ERR" "unknown param 'momentum'"
expect_exit 2 rl run p.json -p train.nope=1
expect_contains "$ERR" "step 'train' has no param 'nope' (its params: lr, momentum)"
expect_eq $((before + 2)) "$(sql "select count(*) from runs")" "refused runs record nothing"
cd "$T"

# ---- 4. a retried step keeps its attempts apart
mkdir retry && cd retry
cat > p.json <<'J'
{"name": "retry", "steps": [{"name": "train", "retries": 1,
 "run": "if [ $RUNLENS_ATTEMPT = 1 ]; then for i in 1 2 3; do runlens metric loss 9$i --index $i; done; runlens meta phase=bad; exit 1; fi; runlens metric loss 0.1 --index 1; runlens metric loss 0.2 --index 2; runlens meta phase=good"}]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl show last
expect_contains "$OUT" "train.loss = 0.2  (2 points"
expect_exit 0 rl step last train --json
expect_eq '0.2 2 "good"' "$(jget "$OUT" '"%s %d %s" % (d["metrics"]["loss"], d["attempts"][1]["metrics"]["loss"]["points"], json.dumps(d["metadata"]["phase"]))')" "the step's values are its last attempt's"
expect_eq "93 3" "$(jget "$OUT" '"%g %d" % (d["attempts"][0]["metrics"]["loss"]["value"], d["attempts"][0]["metrics"]["loss"]["points"])')" "the failed attempt keeps its own series"
expect_eq "None completed" "$(jget "$OUT" '"%s %s" % (d["error"], d["status"])')" "a completed step has no error"
expect_contains "$(jget "$OUT" 'd["attempts"][0]["error"]')" "exit code 1" "the failed attempt keeps its own"
expect_exit 0 rl step last train
expect_contains "$OUT" "attempt 1 (failed): loss = 93 (3 points)"
expect_not_contains "$(printf '%s\n' "$OUT" | grep '^error')" "failed" "no error line for the step"
cd "$T"

# ---- 6. the whole context is recorded and shown
mkdir ctx && cd ctx
git init -q . && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m first
cat > p.json <<'J'
{"name": "ctx", "context": {"team": "growth"}, "model": {"name": "churn"}, "stack": "tracked",
 "steps": [
 {"name": "make", "run": "echo d > $RUNLENS_OUTPUT_D; runlens meta --output d rows=3", "outputs": {"d": "d.txt"},
  "tags": ["etl"]},
 {"name": "use", "inputs": {"d": "make.d"}, "context": {"team": "ml"},
  "run": "runlens ctx step.inputs.d.metadata > $RUNLENS_OUTPUT_M; runlens ctx stack.experiment_tracker.name >> $RUNLENS_OUTPUT_M",
  "outputs": {"m": "m.txt"}}
]}
J
expect_exit 0 rl stack register tracked --artifact-store "$T/ctx/art" --component experiment_tracker=mlflow
expect_exit 0 rl run p.json
m=$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.name='use'")
expect_eq '{"rows": 3}' "$(head -n 3 "$m" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')" "inputs.NAME.metadata is the producer's"
expect_eq mlflow "$(tail -n 1 "$m")" "stack components reach the step"
expect_exit 0 rl show last
expect_contains "$OUT" "model     churn version 1"
expect_contains "$OUT" "stack     tracked (local, artifacts in $T/ctx/art; experiment_tracker mlflow)"
expect_contains "$OUT" "custom    {\"team\":\"growth\"}"
expect_contains "$OUT" "git "
expect_exit 0 rl show last --json
expect_eq "growth churn mlflow" "$(jget "$OUT" '"%s %s %s" % (d["context"]["custom"]["team"], d["context"]["model"]["name"], d["context"]["stack"]["experiment_tracker"]["name"])')" "show --json has the recorded context"
expect_exit 0 rl step last use
expect_contains "$OUT" "custom    {\"team\":\"ml\"}"
expect_exit 0 rl step last make --json
expect_eq '["etl"]' "$(jget "$OUT" 'd["tags"]')" "step tags are recorded"
expect_exit 0 rl ls --where 'tag=etl' --json
expect_eq 1 "$(jget "$OUT" 'len(d["runs"])')" "tag= matches a step's tag"
cd "$T"

# ---- 11. why compares with the closest earlier run, not the newest
mkdir why && cd why
cat > p.json <<'J'
{"name": "why", "params": {"x": 1, "y": 1, "z": 1},
 "steps": [{"name": "s", "run": "echo ${params.x} ${params.y} ${params.z}"}]}
J
expect_exit 0 rl run p.json
first=$(sql "select id from step_runs where run_id=(select max(id) from runs)")
expect_exit 0 rl run p.json -p x=2 -p y=2 -p z=2
expect_exit 0 rl run p.json -p z=2
expect_exit 0 rl why last s --json
expect_eq "[\"params.z\"] $first" "$(jget "$OUT" '"%s %d" % (json.dumps([x["part"] for x in d["differences"]]), d["compared_to"])')" \
	"the closest earlier run (the first: only z differs), not the newest (x and y differ)"
done_testing
