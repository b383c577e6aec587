#!/bin/sh
# ls as the experiment table (issue 16, part 1): params beside metrics,
# --columns with names, globs and -NAME, --only-changed, the best value
# of each metric marked, --csv and --json exact (durations in seconds,
# times in ISO 8601 UTC), --sort params.X, a table that fits the width.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH

cat > p.json <<'J'
{"name": "exp", "params": {"lr": 0.1, "seed": 1, "opt": "adam"},
 "metrics": {"accuracy": "max"},
 "steps": [
  {"name": "train", "run": "runlens metric loss ${params.lr}; echo ${params.opt}"},
  {"name": "evaluate", "run": "runlens metric accuracy ${params.seed}; runlens metric avg_prec.test 0.5; runlens metric avg_prec.train 0.75",
   "needs": ["train"]}
 ]}
J
expect_exit 0 rl run p.json -p lr=0.30000000000000004 -p seed=2
expect_exit 0 rl run p.json -p lr=0.01 -p seed=3 --tag best
expect_exit 0 rl run p.json -p lr=0.5 -p seed=1

# the defaults: the params that differ, every metric, the best marked
expect_exit 0 rl ls exp
head=$(printf '%s\n' "$OUT" | head -1)
expect_contains "$head" "params.lr"
expect_contains "$head" "params.seed"
expect_not_contains "$head" "params.opt" "a param equal on every run"
expect_contains "$head" "evaluate.accuracy"
expect_contains "$head" "train.loss"
expect_contains "$head" "TAGS"
expect_not_contains "$head" "PIPELINE" "one pipeline"
expect_contains "$(printf '%s\n' "$OUT" | grep '^ *2 ')" "3*" "run 2 has the best accuracy (max)"
expect_contains "$(printf '%s\n' "$OUT" | grep '^ *2 ')" "0.01*" "run 2 has the best loss (min)"
expect_eq 4 "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "a header and three runs, nothing more when piped"

# --columns: names in order, globs, -NAME changes the defaults
expect_exit 0 rl ls exp --columns name,params.*
expect_eq "NAME params.lr params.opt params.seed" "$(printf '%s\n' "$OUT" | head -1 | tr -s ' ')" "--columns name,params.*"
expect_exit 0 rl ls exp --columns 'id,evaluate.*'
expect_eq "ID evaluate.accuracy evaluate.avg_prec.test evaluate.avg_prec.train" \
	"$(printf '%s\n' "$OUT" | head -1 | tr -s ' ')" "a glob of metrics"
expect_exit 0 rl ls exp --columns -status,-started,-tags,+params.opt
head=$(printf '%s\n' "$OUT" | head -1)
expect_not_contains "$head" "STATUS"
expect_not_contains "$head" "STARTED"
expect_not_contains "$head" "TAGS"
expect_contains "$head" "params.opt"
expect_exit 2 rl ls exp --columns name,evaluate.acuracy
expect_eq "runlens: ls: --columns: no run has evaluate.acuracy (did you mean evaluate.accuracy?)" "$ERR"
expect_exit 2 rl ls exp --columns name,-

# --only-changed: equal columns go, the changed ones stay
expect_exit 0 rl ls exp --columns 'name,params.*,evaluate.*' --only-changed
expect_eq "NAME params.lr params.seed evaluate.accuracy" "$(printf '%s\n' "$OUT" | head -1 | tr -s ' ')" "--only-changed"

# --sort by a param, and by a metric
expect_exit 0 rl ls exp --sort params.lr --json
expect_eq "[0.01, 0.30000000000000004, 0.5]" "$(jget "$OUT" '[r["params"]["lr"] for r in d["runs"]]')" "--sort params.lr"
expect_exit 0 rl ls exp --sort -evaluate.accuracy --columns id
expect_eq 2 "$(printf '%s\n' "$OUT" | sed -n 2p | tr -d ' ')" "--sort -evaluate.accuracy: best first"
# --sort tags: by the first tag, the untagged last (newest first), both ways
expect_exit 0 rl tag 1 zz aa
expect_exit 0 rl ls exp --sort tags --columns id,tags --csv
expect_eq "1 2 3" "$(printf '%s\n' "$OUT" | sed 1d | cut -d, -f1 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')" "--sort tags"
expect_exit 0 rl ls exp --sort -tags --columns id --csv
expect_eq "2 1 3" "$(printf '%s\n' "$OUT" | sed 1d | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')" "--sort -tags"
expect_exit 0 rl untag 1 zz aa

# CSV: exact numbers, ISO times, seconds
expect_exit 0 rl ls exp --csv
csvget() { # ROW COLUMN
	printf '%s' "$OUT" | python3 -c 'import csv,sys; print(list(csv.DictReader(sys.stdin))[int(sys.argv[1])].get(sys.argv[2], "(none)"))' "$1" "$2"
}
expect_eq 0.30000000000000004 "$(csvget 2 params.lr)" "CSV param exact"
expect_eq 0.30000000000000004 "$(csvget 2 train.loss)" "CSV metric exact"
expect_eq adam "$(csvget 0 params.opt)" "CSV string param"
case "$(csvget 0 STARTED)" in 20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z) pass ;; *) fail "STARTED not ISO 8601 UTC: $(csvget 0 STARTED)" ;; esac
python3 -c 'import sys; v=float(sys.argv[1]); assert 0 <= v < 60' "$(csvget 0 DURATION)" && pass || fail "DURATION in seconds: $(csvget 0 DURATION)"
expect_eq best "$(csvget 1 TAGS)"
expect_exit 0 rl ls exp --csv --columns id,params.lr
expect_eq "ID,PARAMS.LR" "$(printf '%s\n' "$OUT" | head -1 | tr -d '\r' | tr a-z A-Z)" "CSV follows --columns"

# JSON: params and metrics, exact; --columns narrows them
expect_exit 0 rl ls exp --json
expect_eq '{"lr": 0.5, "opt": "adam", "seed": 1}' "$(jget "$OUT" 'd["runs"][0]["params"]')" "ls --json params"
expect_eq 3 "$(jget "$OUT" 'd["runs"][1]["metrics"]["evaluate.accuracy"]')"
expect_exit 0 rl ls exp --json --columns params.lr,train.loss
expect_eq '[{"lr": 0.5}, {"train.loss": 0.5}]' "$(jget "$OUT" '[d["runs"][0]["params"], d["runs"][0]["metrics"]]')" "--json --columns"

# the width: at 70 columns the least useful go, said on stderr
expect_exit 0 env COLUMNS=70 "$RUNLENS_BIN" ls exp
longest=$(printf '%s\n' "$OUT" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$longest" -le 70 ] && pass || fail "table wider than 70: $longest"
expect_contains "$ERR" "more column"
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "ID"
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "NAME"
# ... duration before the params and metrics
expect_not_contains "$(printf '%s\n' "$OUT" | head -1)" "DURATION" "duration goes before the params and metrics"
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "params.seed" "a param kept at 70 columns"

# a long name is cut, never a reason to drop the metrics
long=$(printf 'x%.0s' $(seq 1 78))
expect_exit 0 rl run p.json --name "$long" -p lr=0.2
expect_exit 0 env COLUMNS=160 "$RUNLENS_BIN" ls exp
head=$(printf '%s\n' "$OUT" | head -1)
expect_contains "$head" "accuracy" "metrics beside a 78-character name"
expect_contains "$head" "e.a.test" "headers shortened, the distinguishing end kept"
expect_contains "$head" "e.a.train"
expect_contains "$head" "TAGS"
expect_contains "$OUT" "xxx~xxx" "the long name cut in the middle (ASCII locale)"
expect_not_contains "$ERR" "more column"

# two pipelines: a PIPELINE column, each run's own params
cat > q.json <<'J'
{"name": "other", "params": {"depth": 3}, "steps": [{"name": "fit", "run": "runlens metric r2 0.${params.depth}"}]}
J
expect_exit 0 rl run q.json
expect_exit 0 rl ls
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "PIPELINE"
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "params.depth"
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "fit.r2"
# a metric some run of the store has, none of these: an empty column
expect_exit 0 rl ls exp --columns name,fit.r2
expect_eq "NAME fit.r2" "$(printf '%s\n' "$OUT" | head -1 | tr -s ' ')"
expect_contains "$(printf '%s\n' "$OUT" | sed -n 2p)" " -"

done_testing
