#!/bin/sh
# The client libraries, exercised by real steps: the Python module
# (python/runlens) and librunlens from C (tests/steps/c_step.c).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
: "${C_STEP:?C_STEP must point at the C test step}"
cp "$TESTS_SRCDIR/steps/py_step.py" .

cat > p.json <<J
{"name": "clients", "params": {"lr": 0.01},
 "steps": [
  {"name": "make", "run": "echo hello > \${outputs.data}", "outputs": {"data": "d.txt"}},
  {"name": "c", "run": ["$C_STEP"], "inputs": {"data": "make.data"}, "outputs": {"report": "r.txt"},
   "params": {"lr": 0.5}},
  {"name": "py", "run": ["python3", "py_step.py"], "needs": ["c"], "inputs": {"data": "make.data"},
   "outputs": {"report": "r.txt"}, "env": {"LR": "\${params.lr}"}}
 ]}
J
expect_exit 0 rl run p.json

# C
out=$(rl logs last c)
expect_contains "$out" "step c attempt 1 lr 0.5"
expect_contains "$out" "input $T/.runlens/artifacts/"
expect_contains "$out" "refused: 'nope' is not a declared output of this step"
expect_contains "$out" "state from_python = (unset)"
expect_exit 0 rl step last c --json
expect_eq '{"accuracy": 0.75, "loss": 0.333333}' "$(jget "$OUT" '{k: round(v, 6) for k, v in d["metrics"].items()}')" "C metrics"
expect_eq '{"language": "C"}' "$(jget "$OUT" 'd["metadata"]')" "C metadata"
expect_eq '{"lines": 1}' "$(jget "$OUT" 'd["outputs"]["report"]["metadata"]')" "C output metadata"

# Python
out=$(rl logs last py)
expect_contains "$out" "step py attempt 1"
expect_contains "$out" "lr 0.01 0.01"
expect_contains "$out" "input hello"
expect_contains "$out" "producer make"
expect_contains "$out" "refused: 'nope' is not a declared output of step 'py'"
expect_contains "$out" "refused: metric 'bad': nan is not a finite number"
expect_contains "$out" "state from_c = True"
expect_contains "$out" "baseline None"
expect_contains "$out" "read-only: the step context is read-only"
expect_exit 0 rl step last py --json
expect_eq '{"accuracy": 0.8, "loss": 0.333333}' "$(jget "$OUT" '{k: round(v, 6) for k, v in d["metrics"].items()}')" "Python metrics"
expect_eq '{"language": "python", "rows": 3}' "$(jget "$OUT" 'd["metadata"]')" "Python metadata"
expect_eq '{"from_c":true,"from_python":{"ok":true}}' "$(sql "select state_json from runs where id=1")" "state from both"

# a second run: the baseline is the first
expect_exit 0 rl run p.json --no-cache
expect_contains "$(rl logs last py)" "baseline $T/.runlens/artifacts/"

# outside a step
expect_eq "outside" "$(PYTHONPATH=$RUNLENS_PYTHON_DIR python3 py_step.py)" "get_step_context() is None outside"
expect_contains "$("$C_STEP")" "outside: not inside a runlens step"
expect_exit 0 python3 -c "import sys; sys.path.insert(0, '$RUNLENS_PYTHON_DIR'); import runlens
try:
    runlens.log_metric('x', 1)
except runlens.NotInStepError:
    sys.exit(0)
sys.exit(1)"

done_testing
