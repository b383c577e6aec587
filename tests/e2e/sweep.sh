#!/bin/sh
# Sweeps (issue 16, part 3): -p lists and ranges run the grid as ordinary
# runs grouped under a sweep (--sweep NAME, --parallel-runs N); ls
# --sweep and sweeps list them; a failing run does not stop the others;
# Ctrl-C stops them all, each recorded interrupted; sweeps S ranks the
# runs by a metric with the best marked and plots each param against it
# (ASCII without UTF-8); bad grids are exit 2 and record nothing.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH

cat > p.json <<'J'
{"name": "grid", "params": {"lr": 0.1, "seed": 1, "msg": "hi"},
 "metrics": {"accuracy": "max"},
 "steps": [
  {"name": "train", "run": "runlens metric loss ${params.lr}"},
  {"name": "evaluate", "needs": ["train"],
   "run": "echo '${params.msg}' > /dev/null; runlens metric accuracy $(echo '1 - ${params.lr} / 10 + ${params.seed} / 100' | bc -l 2>/dev/null || python3 -c 'print(1 - ${params.lr} / 10 + ${params.seed} / 100)'); test '${params.lr}-${params.seed}' != 0.1-2"}
 ]}
J
runs() { sql "select count(*) from runs"; }

# bad grids: exit 2, nothing recorded
expect_exit 2 rl run p.json -p seed=3..1
expect_eq "runlens: -p seed=3..1: the range 3..1 goes down (write 1..3)" "$ERR"
expect_exit 2 rl run p.json -p lr=0.1,,0.2
expect_contains "$ERR" "an empty value in the list"
expect_exit 2 rl run p.json -p lr=0.1,high
expect_contains "$ERR" "lr"
expect_exit 2 rl run p.json -p lr=1..100 -p seed=1..200
expect_contains "$ERR" "more than 10000 runs"
expect_exit 2 rl run p.json -p lr=0.1,0.2 --name one
expect_contains "$ERR" "--name names one run"
expect_eq "" "$(sql "select count(*) from runs where 1" 2>/dev/null | grep -v '^0$')" "nothing recorded"

# a dry run shows the grid
expect_exit 0 rl run p.json -p lr=0.01,0.1,1 -p seed=1..3 --dry-run
expect_contains "$OUT" "a sweep of 9 runs"
expect_contains "$OUT" "9  lr=1 seed=3"

# the grid: 9 runs, one fails, the others go on
expect_exit 1 rl run p.json -p lr=0.01,0.1,1 -p seed=1..3
expect_eq 9 "$(runs)" "9 runs"
expect_contains "$OUT" "[9/9]"
expect_contains "$OUT" "lr=0.1 seed=2: failed"
expect_contains "$OUT" "8 completed, 1 failed"
expect_eq 9 "$(sql "select count(*) from runs where sweep_id = 1")" "all in sweep 1"
expect_eq "0.01 1|0.01 2|0.01 3|0.1 1|0.1 2|0.1 3|1 1|1 2|1 3" \
	"$(sql "select group_concat(p, '|') from (select (select value_json from run_params where run_id = r.id and key = 'lr') || ' ' || (select value_json from run_params where run_id = r.id and key = 'seed') as p from runs r order by id)")" \
	"the grid, the first param slowest"
expect_exit 0 rl sweeps --json
expect_eq '[1, "failed", 9, 9, 8]' "$(jget "$OUT" '[d["sweeps"][0][k] for k in ("id", "status", "planned", "runs", "completed")]')" "sweeps --json"
expect_eq '{"lr": [0.01, 0.1, 1], "seed": [1, 2, 3]}' "$(jget "$OUT" 'd["sweeps"][0]["params"]')" "the axes"
name1=$(jget "$OUT" 'd["sweeps"][0]["name"]')
case "$name1" in grid-sweep-*) pass ;; *) fail "default sweep name: $name1" ;; esac

# ls --sweep by id, name, last
expect_exit 0 rl ls --sweep 1 --json
expect_eq 9 "$(jget "$OUT" 'len(d["runs"])')"
expect_eq "$name1" "$(jget "$OUT" 'd["runs"][0]["sweep"]["name"]')"
expect_exit 0 rl ls --sweep "$name1" --columns id
expect_eq 10 "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "ls --sweep NAME: a header and 9 runs"
expect_exit 4 rl ls --sweep nosuch
expect_eq "runlens: no sweep 'nosuch' (see 'runlens sweeps')" "$ERR"
expect_exit 0 rl ls --where 'sweep=1 and params.seed=2' --json
expect_eq 3 "$(jget "$OUT" 'len(d["runs"])')" "--where sweep=1"

# a named sweep, three runs at once; quoting a comma
expect_exit 0 rl run p.json -p 'msg="a,b",c' -p lr=0.5 --sweep quoted --parallel-runs 3
expect_eq '["a,b", "c"]' "$(jget "$(rl ls --sweep quoted --json)" 'sorted(r["params"]["msg"] for r in d["runs"])')" "a quoted comma"
expect_eq "quoted-1 quoted-2" "$(sql "select group_concat(name, ' ') from (select name from runs where sweep_id = 2 order by name)")" "run names"
expect_exit 2 rl run p.json -p lr=0.2,0.3 --sweep quoted
expect_eq "runlens: a sweep named 'quoted' already exists" "$ERR"
expect_exit 0 rl run p.json -p 'msg=x\,y' --json
expect_eq '[null, "x,y"]' "$(jget "$(rl ls --limit 1 --json)" '[d["runs"][0]["sweep"], d["runs"][0]["params"]["msg"]]')" "an escaped comma: one value, no sweep"
expect_exit 0 rl run p.json -p 'msg=[0.1,0.2]'
expect_exit 0 rl ls --limit 1 --json
expect_eq null "$(jget "$OUT" 'd["runs"][0]["sweep"]')" "a JSON array is one value"
expect_exit 0 rl run p.json -p lr=0.3,0.4 --parallel-runs 2 --json
expect_eq '["completed", 2]' "$(jget "$OUT" '[d["sweep"]["status"], len(d["runs"])]')" "run --json of a sweep"

# comparing a sweep: ranked by the metric, the best marked, plots
expect_exit 0 rl sweeps 1
expect_contains "$OUT" "ranked by evaluate.accuracy (higher is better)"
best=$(printf '%s\n' "$OUT" | grep '^ *1\*')
expect_contains "$best" "0.01" "the best run: lr 0.01"
expect_contains "$best" "3" "... and seed 3"
expect_contains "$OUT" "evaluate.accuracy by params.lr (log scale)"
expect_contains "$OUT" "evaluate.accuracy by params.seed"
expect_contains "$OUT" "parallel coordinates"
if printf '%s' "$OUT" | LC_ALL=C grep -q '[^ -~	]'; then fail "non-ASCII output in an ASCII locale"; else pass; fi
expect_exit 0 env LC_ALL=C.UTF-8 "$RUNLENS_BIN" sweeps 1
expect_contains "$OUT" "│"
expect_exit 0 rl sweeps 1 --metric train.loss --json
expect_eq '["train.loss", "min", 0.01, true]' "$(jget "$OUT" '[d["metric"], d["direction"], d["runs"][0]["values"]["params.lr"], d["runs"][0]["best"]]')" "--metric train.loss: lower is better"
expect_exit 0 rl sweeps last --csv
expect_contains "$(printf '%s\n' "$OUT" | head -1)" "RANK,ID,NAME,STATUS"
expect_exit 2 rl sweeps 1 --metric evaluate.acuracy
expect_contains "$ERR" "no run of sweep 1 has the metric 'evaluate.acuracy'"
expect_exit 4 rl sweeps 99

# Ctrl-C stops every run of the sweep, each recorded interrupted
cat > slow.json <<J
{"name": "slow", "params": {"i": 0},
 "steps": [{"name": "nap", "run": "echo \$\$ >> '$T/naps'; exec sleep 60; echo \${params.i}"}]}
J
running() { sql "select count(*) from runs r join pipelines p on p.id = r.pipeline_id where p.name = 'slow' and r.status = 'running'"; }
wait_n() { # N lines in naps
	i=0; while [ "$(cat naps 2>/dev/null | wc -l)" -lt "$1" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
}
"$RUNLENS_BIN" run slow.json -p i=1..5 --parallel-runs 2 --sweep nap2 > nap2.out 2>&1 &
pid=$!
wait_n 2
kill -INT $pid
wait $pid; code=$?
expect_eq 1 "$code" "exit after Ctrl-C"
expect_eq "interrupted|2" "$(sql "select status, count(*) from runs where sweep_id = (select id from sweeps where name = 'nap2') group by status")" "both running runs interrupted, none started after"
expect_eq interrupted "$(sql "select status from sweeps where name = 'nap2'")"
for p in $(cat naps); do expect_eq gone "$(alive "$p")" "step $p stopped"; done
expect_contains "$(cat nap2.out)" "3 not started"
# one run at a time: the same
: > naps
"$RUNLENS_BIN" run slow.json -p i=1..3 --sweep nap1 > nap1.out 2>&1 &
pid=$!
wait_n 1
kill -INT $pid
wait $pid
expect_eq "interrupted|1" "$(sql "select status, count(*) from runs where sweep_id = (select id from sweeps where name = 'nap1') group by status")"
expect_eq interrupted "$(sql "select status from sweeps where name = 'nap1'")"
expect_eq gone "$(alive "$(cat naps)")"
# killed outright: the next look marks the sweep interrupted
: > naps
"$RUNLENS_BIN" run slow.json -p i=1..2 --sweep killed > killed.out 2>&1 &
pid=$!
wait_n 1
kill -KILL $pid
wait $pid 2>/dev/null
kill -KILL "$(cat naps)" 2>/dev/null
i=0; while [ "$(alive "$(cat naps)")" = alive ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
expect_exit 0 rl sweeps --json
expect_eq interrupted "$(jget "$OUT" '[w["status"] for w in d["sweeps"] if w["name"] == "killed"][0]')" "a dead sweep is settled"
expect_eq ok "$(sql "pragma integrity_check")"

# a failed run is never ranked best: the completed runs first
cat > mx.json <<'J'
{"name": "mx", "params": {"a": 1}, "metrics": {"loss": "min"},
 "steps": [{"name": "s", "run": "runlens metric loss $((10 - ${params.a})); [ ${params.a} != 3 ]"}]}
J
expect_exit 1 rl run mx.json -p a=1..3 --sweep mx
expect_eq mx "$(jget "$(rl show last --json)" 'd["sweep"]["name"]')" "show --json names the run's sweep"
expect_exit 0 rl run mx.json -p a=1..3 --dry-run --json
expect_eq '[3, {"a": [1, 2, 3]}, "s"]' "$(jget "$OUT" '[d["sweep"]["runs"], d["sweep"]["axes"], d["plan"][0]["step"]]')" "dry run --json of a grid: the sweep, then its first run's plan"
expect_contains "$(rl show last)" "  sweep     " "show names it too"
expect_exit 0 rl sweeps mx --json
expect_eq '[2, "completed", true]' "$(jget "$OUT" '[d["runs"][0]["values"]["params.a"], d["runs"][0]["status"], d["runs"][0]["best"]]')" \
	"the best completed run first (a=3 has the lowest loss, and failed)"
expect_eq '[3, "failed", false]' "$(jget "$OUT" '[[r["values"]["params.a"], r["status"], r["best"]] for r in d["runs"] if r["status"] == "failed"][0]')" \
	"the failed one after the completed ones, not best"

# a sweep on a stack that does not exist: what a single run says (exit
# 4), and nothing recorded (it left an empty failed sweep, exit 1)
cat > nostack.json <<'J'
{"name": "nostack", "params": {"a": 1}, "stack": "nosuch", "steps": [{"name": "s", "run": "echo ${params.a}"}]}
J
expect_exit 4 rl run nostack.json -p a=1,2
expect_eq "runlens: no stack 'nosuch' (see 'runlens stack ls')" "$ERR" "the single run's message"
expect_exit 4 rl run nostack.json
expect_eq 0 "$(sql "select count(*) from pipelines where name = 'nostack'")" "no pipeline recorded"
expect_eq 0 "$(sql "select count(*) from sweeps s join pipelines p on p.id = s.pipeline_id where p.name = 'nostack'")" "no sweep recorded"

done_testing
