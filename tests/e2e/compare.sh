#!/bin/sh
# Baselines and comparisons, labels and housekeeping: pin/unpin, compare
# (directions, series, --all, --json, --csv), tag, note, rm, gc.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

cat > p.json <<'J'
{"name": "cmp", "params": {"acc": 0.8, "lat": 30, "lr": 0.1},
 "metrics": {"score": "min"},
 "steps": [
  {"name": "train", "cache": false, "outputs": {"m": "m.txt"},
   "run": "for i in 1 2 3; do runlens metric loss $(echo \"1 / $i + ${params.lr}\" | bc -l) --index $i; done; runlens metric score ${params.acc}; echo ${params.lr} > ${outputs.m}"},
  {"name": "evaluate", "cache": false, "run": "runlens metric accuracy ${params.acc}; runlens metric latency_ms ${params.lat}; runlens metric same 1"}
 ]}
J
command -v bc >/dev/null || sed -i 's|$(echo \\"1 / $i + ${params.lr}\\" \| bc -l)|0.$((9 - i))|' p.json
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"

expect_exit 0 rl run p.json
expect_exit 4 rl compare last
expect_contains "$ERR" "has no baseline"
expect_exit 0 rl run p.json -p acc=0.9 -p lat=20
expect_exit 0 rl compare last --json
c=$OUT
expect_eq 1 "$(jget "$c" 'd["comparisons"][0]["other"]["id"]')" "baseline by default"
expect_eq '[["acc", 0.9, 0.8], ["lat", 20, 30]]' "$(jget "$c" '[[p["key"], p["value"], p["other"]] for p in d["comparisons"][0]["params"]]')" "params that differ"
m() { jget "$c" "{x['key']: [x['verdict'], x['direction'], round(x['delta'], 6), round(x['pct'], 1)] for x in d['comparisons'][0]['metrics']}[\"$1\"]"; }
expect_eq '["better", "max", 0.1, 12.5]' "$(m evaluate.accuracy)" "accuracy: higher is better"
expect_eq '["better", "min", -10, -33.3]' "$(m evaluate.latency_ms)" "latency: lower is better"
expect_eq '["worse", "min", 0.1, 12.5]' "$(m train.score)" "the pipeline's direction wins"
expect_eq 'false' "$(jget "$c" '"evaluate.same" in [x["key"] for x in d["comparisons"][0]["metrics"]]')" "equal metrics hidden"
expect_exit 0 rl compare last --all --json
expect_eq 'true' "$(jget "$OUT" '"evaluate.same" in [x["key"] for x in d["comparisons"][0]["metrics"]]')" "--all"
expect_eq 3 "$(jget "$OUT" 'len(d["comparisons"][0]["params"])')" "--all params"

# series compare by their last point, with min and max
expect_exit 0 rl run p.json -p lr=0.2 -p acc=0.9 -p lat=20
expect_exit 0 rl compare last 2 --json
expect_eq 'true' "$(jget "$OUT" '[x for x in d["comparisons"][0]["metrics"] if x["key"] == "train.loss"][0]["series"]')" "loss is a series"
expect_exit 0 rl compare last 2
expect_contains "$OUT" "train.loss"
expect_contains "$OUT" "worse"
expect_contains "$OUT" "(3 points)"
expect_exit 0 rl compare last 1 2 --csv
expect_contains "$OUT" "OTHER,METRIC,THIS,OTHER VALUE,DELTA,PCT,VERDICT"
expect_eq 2 "$(printf '%s\n' "$OUT" | cut -d, -f1 | sort -u | grep -c cmp-)" "csv: both other runs"

# pin / unpin
expect_exit 0 rl pin 1
expect_contains "$OUT" "run 1"
expect_eq 1 "$(jget "$(rl compare 3 --json)" 'd["comparisons"][0]["other"]["id"]')" "pinned baseline"
expect_eq 1 "$(jget "$(rl show 3 --json)" 'd["baseline"]["id"]')" "show uses the pin"
expect_exit 0 rl run p.json
expect_eq 1 "$(sql "select baseline from (select 1 as baseline)")"
expect_exit 0 rl unpin cmp
# run 4 was given run 1 (pinned then): unpinned, it keeps what its steps
# saw (baseline_rule.sh: a new run gets the newest completed earlier one)
expect_eq 1 "$(jget "$(rl show 4 --json)" 'd["baseline"]["id"]')" "unpinned: the baseline it was given"
expect_contains "$(rl show 4)" "baseline  1 cmp-" "... said"
expect_contains "$(rl show 4)" "(pinned when it started)"
expect_exit 4 rl unpin nosuch

# tag, note
expect_exit 0 rl tag 2 best reviewed
expect_eq '["best", "reviewed"]' "$(jget "$(rl show 2 --json)" 'd["tags"]')" "tags"
expect_exit 2 rl tag 2 "has space"
expect_exit 0 rl note 2 looks good, ship it
expect_eq "looks good, ship it" "$(jget "$(rl show 2 --json)" 'd["note"]')" "note"

# rm asks on a terminal, needs --yes elsewhere; gc keeps shared artifacts
expect_exit 2 rl rm 1 < /dev/null
expect_contains "$ERR" "add --yes"
if command -v script >/dev/null 2>&1; then
	printf 'n\n' | script -qec "$RUNLENS_BIN rm 1" /dev/null > ask.txt 2>&1
	expect_contains "$(cat ask.txt)" "Delete 1 run (1) and everything recorded for it? [y/N]"
	expect_eq 1 "$(sql "select count(*) from runs where id=1")" "answered no"
fi
expect_exit 0 rl rm 1 --yes
expect_eq 0 "$(sql "select count(*) from runs where id=1")" "deleted"
expect_exit 1 test -d .runlens/runs/1
expect_eq 3 "$(jget "$(rl pipelines --json)" 'd["pipelines"][0]["runs"]')" "counters after rm"
expect_exit 0 rl gc
expect_contains "$OUT" "gc: 1 artifact record no run referenced; 0 removed from disk" "run 1's output is run 2's too"
# a cached step shares its artifact: it survives the rm of the run that made it
printf '{"name": "share", "steps": [{"name": "s", "run": "echo shared > ${outputs.o}", "outputs": {"o": "o.txt"}}]}' > s.json
expect_exit 0 rl run s.json
expect_exit 0 rl run s.json
art=$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id join runs r on r.id=s.run_id where r.name like 'share-%' limit 1")
expect_exit 0 rl rm share@last --yes
first=$(sql "select id from runs where name like 'share-%'")
expect_exit 0 rl gc
expect_exit 0 test -f "$art"
expect_exit 0 rl rm "$first" --yes
expect_exit 0 rl gc
expect_exit 1 test -e "$art"
expect_exit 4 rl rm 999 --yes

done_testing
