#!/bin/sh
# Steps find runlens wherever it runs from (docs: README "Inside a step"):
# runlens itself is first on each step's PATH (a link in STORE/bin), and
# its Python module is found next to the executable — the source tree's
# python/ for a build-tree runlens, PREFIX/share/runlens/python for an
# installed one — or the step's stderr says where runlens looked.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
unset RUNLENS_PYTHON_DIR
command -v python3 >/dev/null 2>&1 || { echo "python3 not installed: skipped"; exit 77; }

cat > p.json <<'JSON'
{"name": "self", "steps": [
 {"name": "sh", "run": "command -v runlens > $RUNLENS_OUTPUT_WHERE; runlens metric seen 1",
  "outputs": {"where": "where.txt"}, "workdir": "."},
 {"name": "py", "run": ["python3", "-c", "import runlens; runlens.log_metric('py', 2); print(runlens.__file__)"]}
]}
JSON

# a PATH without runlens on it: the step still finds this runlens
PATH=/usr/bin:/bin expect_exit 0 rl run p.json
expect_eq 1.0 "$(sql "select value from run_metrics where step='sh' and key='seen'")" "runlens metric inside a step"
where=$(cat "$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.name='sh'")")
expect_eq "$RUNLENS_STORE/bin/runlens" "$where" "the step's runlens is the store's link"
expect_eq "$(readlink -f "$RUNLENS_BIN")" "$(readlink -f "$where")" "which is this runlens"
# the build tree's runlens finds the module of its source tree
expect_eq 2.0 "$(sql "select value from run_metrics where step='py' and key='py'")" "import runlens from a build-tree runlens"
expect_contains "$(cat .runlens/runs/1/py/attempts/1/stdout.log)" "/python/runlens/__init__.py"

# an installed-looking copy with no module anywhere: the step says where
# runlens looked
mkdir -p prefix/bin
cp "$RUNLENS_BIN" prefix/bin/runlens
expect_exit 1 prefix/bin/runlens run p.json --no-cache
err=$(cat .runlens/runs/2/py/attempts/1/stderr.log)
expect_contains "$err" "ImportError: runlens: the Python module 'runlens' was not found; runlens looked in:"
expect_contains "$err" "$T/prefix/share/runlens/python"
expect_contains "$err" "RUNLENS_PYTHON_DIR"
expect_eq "completed" "$(sql "select status from step_runs where run_id=2 and name='sh'")" "its own runlens on PATH"
expect_eq "$T/prefix/bin/runlens" "$(readlink .runlens/bin/runlens)" "the link follows the runlens that runs"

# PREFIX/share/runlens/python next to the executable's bin/ is found
mkdir -p prefix/share/runlens
cp -r "$TESTS_SRCDIR/../python" prefix/share/runlens/python
chmod -R u+w prefix/share
expect_exit 0 prefix/bin/runlens run p.json --no-cache
expect_contains "$(cat .runlens/runs/3/py/attempts/1/stdout.log)" "$T/prefix/share/runlens/python/runlens/__init__.py"

# RUNLENS_PYTHON_DIR wins
mkdir -p mine/runlens
printf 'def log_metric(k, v, index=None):\n    print("mine", k, v)\n' > mine/runlens/__init__.py
RUNLENS_PYTHON_DIR="$T/mine" expect_exit 0 prefix/bin/runlens run p.json --no-cache
expect_contains "$(cat .runlens/runs/4/py/attempts/1/stdout.log)" "mine py 2"
done_testing
