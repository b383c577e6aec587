#!/bin/sh
# Baselines by rule (issue 19, item 4): the pipeline file's "baseline":
# {"where": EXPR} or `runlens pin --where EXPR PIPELINE` makes the
# baseline "the newest completed earlier run EXPR matches"; compare, show,
# the step context (context.json's baseline) and the browser follow it; a
# pinned run still comes first; pin of a run that did not complete asks on
# a terminal and warns elsewhere.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export XDG_CONFIG_HOME="$T/config"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
cat > p.json <<'J'
{"name": "br", "params": {"acc": 0.5, "fail": 0},
 "baseline": {"where": "tag=prod"},
 "steps": [{"name": "eval", "cache": false,
  "run": "runlens ctx baseline > $RUNLENS_STEP_DIR/../baseline.json; runlens metric acc ${params.acc}; exit ${params.fail}"}]}
J
# the baseline the step was given: its run name, or none
bl() { python3 -c 'import json, sys; b = json.load(open(sys.argv[1])); print(b["run_name"] if b else "none")' ".runlens/runs/$1/baseline.json"; }
expect_exit 0 rl run p.json --name first
expect_eq none "$(bl 1)" "no earlier run"
expect_exit 0 rl run p.json --name prod-one --tag prod -p acc=0.6
expect_eq none "$(bl 2)" "no earlier run matches tag=prod"
expect_exit 0 rl run p.json --name later -p acc=0.7
expect_eq prod-one "$(bl 3)" "the step context follows the file's rule"
expect_exit 1 rl run p.json --name prod-failed --tag prod -p fail=1
expect_exit 0 rl run p.json --name newest -p acc=0.8
expect_eq prod-one "$(bl 5)" "a failed run never is the baseline"
expect_exit 0 rl compare newest --json
expect_eq prod-one "$(jget "$OUT" 'd["comparisons"][0]["other"]["name"]')" "compare follows it"
expect_exit 0 rl show newest
expect_contains "$OUT" "baseline  2 prod-one (by the rule tag=prod, from the pipeline file)"
expect_exit 0 rl show newest --json
expect_eq "tag=prod" "$(jget "$OUT" 'd["baseline"]["rule"]')"

# pin --where replaces the file's rule; a pinned run comes first; unpin
# clears both (the file's rule stays)
expect_exit 0 rl pin --where "params.acc>=0.7" br
expect_eq "the baseline of pipeline 'br' is now the newest completed earlier run matching params.acc>=0.7" "$OUT"
expect_exit 0 rl compare newest --json
expect_eq later "$(jget "$OUT" 'd["comparisons"][0]["other"]["name"]')"
expect_contains "$(rl show newest)" "(by the rule params.acc>=0.7, from pin --where)"
expect_exit 0 rl pin first
expect_eq first "$(jget "$(rl compare newest --json)" 'd["comparisons"][0]["other"]["name"]')" "a pinned run first"
expect_contains "$(rl show newest)" "baseline  1 first (pinned)"
expect_exit 0 rl unpin br
expect_eq "pipeline 'br' has no pinned baseline now (the baseline is the newest completed earlier run matching tag=prod (the pipeline file))" "$OUT"
expect_eq prod-one "$(jget "$(rl compare newest --json)" 'd["comparisons"][0]["other"]["name"]')"
expect_exit 2 rl pin --where "acc>>1" br
expect_contains "$ERR" "runlens: pin --where: at column"
expect_exit 4 rl pin --where "tag=x" nosuchpipeline
expect_eq "runlens: no pipeline 'nosuchpipeline'" "$ERR"

# the rule leaves the file: the default rule again
sed -i 's/ "baseline": {"where": "tag=prod"},//' p.json
expect_exit 0 rl run p.json --name plain -p acc=0.9
expect_eq newest "$(bl 6)" "without a rule: the newest completed earlier run"

# a bad rule in the file is a spec error naming the field
sed -i 's/"params": {/"baseline": {"where": "tag="}, "params": {/' p.json
expect_exit 2 rl run p.json
expect_contains "$ERR" "field 'baseline.where'"

# pin of a run that did not complete: a warning off a terminal, a question on one
expect_exit 0 rl pin prod-failed
expect_eq "runlens: warning: run 4 is failed, not completed; pinned all the same" "$ERR"
expect_exit 0 rl pin --yes prod-failed
expect_eq "" "$ERR" "--yes: no warning"
expect_exit 0 rl unpin br
if command -v script >/dev/null 2>&1; then
	printf 'n\n' | script -qec "'$RUNLENS_BIN' pin prod-failed" /dev/null > ask.out 2>&1
	expect_contains "$(cat ask.out)" "run 4 is failed, not completed; pin it as the baseline of 'br' anyway? [y/N]"
	expect_contains "$(cat ask.out)" "nothing pinned"
	expect_eq "" "$(sql "select pinned_run_id from pipelines where name='br'")" "not pinned"
fi

# a run is compared to the baseline it was given when it started: B
# starts while A runs (A started first), A then completes — B's steps
# were told the run before A, and show, compare and the browser say so
# (read again, the rule would name A)
cat > conc.json <<J
{"name": "conc", "metrics": {"acc": "max"}, "defaults": {"cache": false}, "steps": [{"name": "s",
  "run": "runlens ctx baseline > \$RUNLENS_STEP_DIR/../baseline.json; runlens metric acc 0.5; [ \"\$RUNLENS_RUN_NAME\" != conc-a ] || until [ -f $T/conc.go ]; do sleep 0.05; done"}]}
J
expect_exit 0 rl run conc.json --name conc-1
rl run conc.json --name conc-a > conc-a.out 2>&1 &
apid=$!
i=0; while [ "$(sql "select status from runs where name = 'conc-a'")" != running ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
expect_exit 0 rl run conc.json --name conc-b
B=$(jget "$(rl show conc-b --json)" 'd["id"]')
expect_eq conc-1 "$(bl "$B")" "B's step was given conc-1 (conc-a was running)"
touch "$T/conc.go"
wait $apid
expect_eq completed "$(sql "select status from runs where name = 'conc-a'")"
expect_eq conc-1 "$(jget "$(rl show conc-b --json)" 'd["baseline"]["name"]')" "show: the baseline B was given"
expect_eq conc-1 "$(jget "$(rl compare conc-b --json)" 'd["comparisons"][0]["other"]["name"]')" "compare: the same"
# the given baseline deleted: the rule, read now
expect_exit 0 rl rm conc-1 --yes
expect_eq conc-a "$(jget "$(rl show conc-b --json)" 'd["baseline"]["name"]')" "its given baseline deleted: the rule read now"

done_testing
