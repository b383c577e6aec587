#!/bin/sh
# A step's resources (issue 15, item 7): an unknown key or a bad value is a
# spec error; locally resources.cpus counts against a CPU budget (--cpus,
# default the machine's) while -j stays the cap on steps at once, so two
# steps of cpus 2 on a budget of 2 run one after the other.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

spec() { printf '{"name": "r", "steps": [{"name": "a", "run": "true", "resources": %s}]}\n' "$1" > r.json; }
spec '{"cpu": 2}'
expect_exit 2 rl run r.json
expect_eq "runlens: r.json: step 'a', field 'resources': unknown key 'cpu' (known: cpus, memory, gpus, partition, slurm_opts)" "$ERR" "unknown key"
spec '{"cpus": 0}'
expect_exit 2 rl run r.json
expect_contains "$ERR" "field 'resources.cpus': expected an integer of at least 1" "cpus 0"
spec '{"memory": "4GB"}'
expect_exit 2 rl run r.json
expect_contains "$ERR" "field 'resources.memory': '4GB' is not an amount of memory" "memory"
spec '{"memory": "0G"}'
expect_exit 2 rl run r.json
expect_contains "$ERR" "field 'resources.memory': '0G' is no memory (leave memory out for no limit)" "memory 0 (Slurm's whole node)"
spec '{"gpus": -1}'
expect_exit 2 rl run r.json
expect_contains "$ERR" "field 'resources.gpus'" "gpus"
spec '{"partition": "a b"}'
expect_exit 2 rl run r.json
expect_contains "$ERR" "field 'resources.partition'" "partition"
spec '{"slurm_opts": ["--output=x"]}'
expect_exit 2 rl run r.json
expect_contains "$ERR" "runlens sets this option itself" "an option runlens owns"
spec '{"slurm_opts": ["constraint"]}'
expect_exit 2 rl run r.json
expect_contains "$ERR" "expected an sbatch option" "not an option"
expect_eq 0 "$(sql "select count(*) from runs" 2>/dev/null || echo 0)" "nothing recorded"
spec '{"cpus": 2, "memory": "1G", "gpus": 0, "partition": "p", "slurm_opts": ["--constraint=x"]}'
expect_exit 0 rl run r.json
expect_exit 2 rl run r.json --cpus 0
expect_contains "$ERR" "runlens: run: --cpus takes a positive number, not '0'" "--cpus 0"

# the budget: a and b take 2 CPUs each, c takes 1; with --cpus 2 the two
# big ones never overlap, whatever -j says
cat > b.json <<'J'
{"name": "budget", "steps": [
 {"name": "a", "run": "date +%s.%N > a.start; sleep 0.4; date +%s.%N > a.end", "resources": {"cpus": 2}},
 {"name": "b", "run": "date +%s.%N > b.start; sleep 0.4; date +%s.%N > b.end", "resources": {"cpus": 2}},
 {"name": "c", "run": "date +%s.%N > c.start", "needs": ["a"]}
]}
J
expect_exit 0 rl run b.json -j 4 --cpus 2
apart=$(python3 -c '
import sys
a0, a1, b0, b1 = (float(open(f).read()) for f in ("a.start", "a.end", "b.start", "b.end"))
print("apart" if a1 <= b0 or b1 <= a0 else "overlap")')
expect_eq apart "$apart" "two steps of cpus 2 on --cpus 2"
# a step that asks for more than the budget runs alone, not never
spec '{"cpus": 64}'
expect_exit 0 rl run r.json --cpus 2

done_testing
