#!/bin/sh
# Caching, why, reruns: identical runs hit the cache; a changed param
# re-executes exactly the steps that depend on it; an edited input file
# re-executes its consumers; --from reuses upstream outputs; --force,
# --no-cache, "cache": false; a tampered artifact is not reused.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

echo "a,b" > labels.csv
cat > p.json <<'J'
{"name": "c", "params": {"n": 3, "scale": 2, "unused": 0},
 "steps": [
  {"name": "gen", "run": "seq 1 ${params.n} > ${outputs.data}", "outputs": {"data": "d.txt"}},
  {"name": "scale", "run": ["sh", "-c", "awk -v s=$RUNLENS_PARAM_SCALE '{print $1*s}' $RUNLENS_INPUT_DATA > $RUNLENS_OUTPUT_OUT"],
   "inputs": {"data": "gen.data"}, "outputs": {"out": "s.txt"}, "params": {"scale": 2}},
  {"name": "label", "run": "cat ${inputs.labels} > ${outputs.out}", "inputs": {"labels": {"path": "labels.csv"}},
   "outputs": {"out": "l.txt"}},
  {"name": "report", "run": "cat ${inputs.a} ${inputs.b} > ${outputs.r}; echo ran >> report.count",
   "inputs": {"a": "scale.out", "b": "label.out"}, "outputs": {"r": "r.txt"}},
  {"name": "nocache", "run": "echo x", "cache": false}
 ]}
J
statuses() { sql "select group_concat(s.name || '=' || s.status, ' ') from step_runs s where s.run_id = $1 order by s.position"; }

expect_exit 0 rl run p.json
expect_eq "gen=completed scale=completed label=completed report=completed nocache=completed" "$(statuses 1)" "first run"
expect_exit 0 rl run p.json
expect_eq "gen=cached scale=cached label=cached report=cached nocache=completed" "$(statuses 2)" "identical run: cached"
expect_contains "$OUT" "4 cached"
expect_eq 1 "$(wc -l < report.count)" "no process for cached steps"
expect_eq "$(sql "select a.sha256 from artifacts a join step_outputs o on o.artifact_id=a.id where o.step_run_id=(select id from step_runs where run_id=1 and name='report')")" \
	"$(sql "select a.sha256 from artifacts a join step_outputs o on o.artifact_id=a.id where o.step_run_id=(select id from step_runs where run_id=2 and name='report')")" "cached outputs"
expect_exit 0 rl why 2 report
expect_contains "$OUT" "report cached in run 2: cached: every part of the key matches step run"

# a param nobody uses changes nothing; n re-executes gen and downstream only
# a param no step uses: refused (it would change nothing), nothing recorded
expect_exit 2 rl run p.json -p unused=1
expect_eq "runlens: -p unused: no step uses the param 'unused' (setting it would change nothing)" "$ERR"
expect_exit 0 rl run p.json --tag again
expect_eq "gen=cached scale=cached label=cached report=cached nocache=completed" "$(statuses 3)" "identical run again"
expect_exit 0 rl run p.json -p n=4
expect_eq "gen=completed scale=completed label=cached report=completed nocache=completed" "$(statuses 4)" "changed n"
expect_exit 0 rl why 4 gen
expect_contains "$OUT" "ran: 1 part of the key differs from step run"
expect_contains "$(printf '%s\n' "$OUT" | grep '^params.n')" "differs"
expect_exit 0 rl why 4 gen --json
# the param, not the command it is substituted into (that follows from it)
expect_eq '["params.n"]' "$(jget "$OUT" '[x["part"] for x in d["differences"]]')" "why names the changed parts"
expect_exit 0 rl why 4 report --json
expect_eq '["inputs.a"]' "$(jget "$OUT" '[x["part"] for x in d["differences"]]')" "report: its input a changed"
# the step param wins over a pipeline param of the same name, so -p scale
# would reach no step: refused, naming the step and how to set it
expect_exit 2 rl run p.json -p scale=5
expect_contains "$ERR" "step 'scale' sets its own scale = 2 (set it with -p scale.scale=VALUE"
expect_exit 0 rl run p.json
expect_eq "gen=cached scale=cached label=cached report=cached nocache=completed" "$(statuses 5)" "step param wins"

# an edited input file re-executes its consumer
echo "c,d" > labels.csv
expect_exit 0 rl run p.json
expect_eq "gen=cached scale=cached label=completed report=completed nocache=completed" "$(statuses 6)" "edited input"
expect_exit 0 rl why 6 label --json
expect_eq '["inputs.labels"]' "$(jget "$OUT" '[x["part"] for x in d["differences"]]')"

# --no-cache, and a tampered artifact is not reused
expect_exit 0 rl run p.json --no-cache
expect_eq "gen=completed scale=completed label=completed report=completed nocache=completed" "$(statuses 7)" "--no-cache"
art=$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id where o.step_run_id=(select id from step_runs where run_id=7 and name='gen')")
chmod u+w "$art"; echo tampered >> "$art"
expect_exit 0 rl run p.json
expect_eq "gen=completed" "$(statuses 8 | cut -d' ' -f1)" "a changed artifact is not reused"

# reruns: --dry-run, --from, --force, -p, rerun_of
expect_exit 0 rl rerun 8 --dry-run --json
expect_eq '[["gen", "cached"], ["scale", "cached"], ["label", "cached"], ["report", "cached"], ["nocache", "run"]]' \
	"$(jget "$OUT" '[[x["step"], x["action"]] for x in d["plan"]]')" "dry run: all cached"
expect_exit 0 rl rerun 8 --from scale --dry-run --json
expect_eq '[["gen", "reused"], ["scale", "run"], ["label", "reused"], ["report", "run"], ["nocache", "reused"]]' \
	"$(jget "$OUT" '[[x["step"], x["action"]] for x in d["plan"]]')" "dry run --from"
expect_exit 0 rl rerun 8 -p n=7 --dry-run
expect_contains "$OUT" "changed: params.n"
expect_contains "$OUT" "upstream step 'gen' runs"
n_before=$(sql "select count(*) from runs")
expect_eq "$n_before" "$(sql "select count(*) from runs")" "dry run records nothing"
expect_exit 0 rl rerun 8 --from scale
expect_eq "gen=cached scale=completed label=cached report=completed nocache=cached" "$(statuses 9)" "--from re-executes scale and downstream"
expect_eq "$(sql "select id from step_runs where run_id=8 and name='gen'")" "$(sql "select cached_from from step_runs where run_id=9 and name='gen'")" "reused from the run"
expect_exit 0 rl show 9 --json
expect_eq 8 "$(jget "$OUT" 'd["rerun_of"]')" "rerun_of"
expect_contains "$(rl show 9)" "rerun of  8"
expect_exit 0 rl rerun 9 --force gen
expect_eq "gen=completed" "$(statuses 10 | cut -d' ' -f1)" "--force"
expect_exit 0 rl rerun 10 -p n=2
# a run records the params its steps received: n (gen's command), scale's
# own scale; not the declared params no step uses
expect_eq '{"n": 2, "scale.scale": 2}' "$(jget "$(rl show last --json)" 'd["params"]')" "rerun params"
expect_exit 2 rl rerun 10 --from nope
expect_contains "$ERR" "no step 'nope' in the pipeline to start from"
expect_exit 4 rl rerun 999

# the only earlier step run with the key failed: the reason says so
mkdir failed && cd failed
cat > p.json <<'J'
{"name": "failkey", "steps": [{"name": "a", "run": "exit 1"}]}
J
expect_exit 1 rl run p.json
expect_exit 0 rl run p.json --dry-run
expect_contains "$OUT" "which failed: nothing to reuse"
cd "$T"

# a cached step whose source run was deleted says so
mkdir gone && cd gone
cat > p.json <<'J'
{"name": "gonesrc", "steps": [{"name": "a", "run": "echo hi"}]}
J
expect_exit 0 rl run p.json --name src
expect_exit 0 rl run p.json --name copy
expect_exit 0 rl run p.json --name copy2
expect_exit 0 rl run p.json --name other --no-cache
# rm says first what the other runs lose (asked or not); a run deleted
# with its source, or one that reuses nothing, is not named
C1=$(jget "$(rl show copy --json)" 'd["id"]'); C2=$(jget "$(rl show copy2 --json)" 'd["id"]')
expect_exit 0 rl rm src --yes
expect_contains "$ERR" "note: runs $C1 and $C2 reuse steps of it from the cache: those steps keep their outputs but lose their logs"
expect_exit 0 rl why copy a
expect_contains "$OUT" "a cached in run"
expect_contains "$OUT" "cached from a step run deleted since"
expect_exit 4 rl logs copy a
expect_eq "runlens: step 'a' of run $C1 was cached from a run deleted since: its logs went with that run (its outputs stay)" "$ERR" "logs of a cached step whose source is gone"
expect_exit 0 rl rm other --yes
expect_not_contains "$ERR" "note:"
cd "$T"

# g2, g3 and g4 reuse g1's steps (a cache hit is a step that ran):
# rm g1 g2 names g3 and g4, not g2, deleted with its source
mkdir gone2 && cd gone2
cat > p.json <<'J'
{"name": "gone2", "steps": [{"name": "a", "run": "echo hi"}, {"name": "b", "run": "echo b", "needs": ["a"]}]}
J
for n in g1 g2 g3 g4; do expect_exit 0 rl run p.json --name $n; done
G3=$(jget "$(rl show g3 --json)" 'd["id"]'); G4=$(jget "$(rl show g4 --json)" 'd["id"]')
expect_exit 0 rl rm g1 g2 --yes
expect_eq "note: runs $G3 and $G4 reuse steps of them from the cache: those steps keep their outputs but lose their logs" "$ERR" "rm: the runs that lose logs, once each"
expect_exit 0 rl rm g3 g4 --yes
expect_not_contains "$ERR" "note:"
cd "$T"

done_testing
