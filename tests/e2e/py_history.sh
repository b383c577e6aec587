#!/bin/sh
# runlens.history() (issue 16, part 5): the experiment table in Python,
# outside a step, built on `ls --json`: a list of dicts (exact numbers,
# params.X and STEP.KEY columns, where/columns/sort/sweep), a pandas
# DataFrame when pandas is importable (a stand-in module here when it is
# not installed), errors as RunlensError.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
export PYTHONPATH="${RUNLENS_PYTHON_DIR:-$TESTS_SRCDIR/../python}"

cat > p.json <<'J'
{"name": "nb", "params": {"lr": 0.1, "seed": 1},
 "steps": [{"name": "evaluate", "run": "runlens metric accuracy 0.${params.seed}; echo ${params.lr}"}]}
J
expect_exit 0 rl run p.json -p lr=0.30000000000000004,0.5 -p seed=7,8 --sweep s1
expect_exit 0 rl run p.json -p lr=0.01

py() { python3 -c "import runlens, json; $1"; }
expect_eq 5 "$(py 'print(len(runlens.history("nb", dataframe=False)))')" "every run"
expect_eq '["id", "name", "pipeline", "status", "started", "duration", "tags", "sweep", "git", "params.lr", "params.seed", "evaluate.accuracy"]' \
	"$(py 'print(json.dumps(list(runlens.history("nb", dataframe=False)[0])))')" "the columns of ls --csv"
expect_eq '[{"name": "s1-2", "params.lr": 0.30000000000000004, "evaluate.accuracy": 0.8}]' \
	"$(py 'print(json.dumps(runlens.history("nb", where="params.seed=8 and params.lr<0.4", columns=["name", "params.lr", "evaluate.*"], dataframe=False)))')" \
	"where and columns, numbers exact"
expect_eq '["s1-4", "s1-2"]' "$(py 'print(json.dumps([r["name"] for r in runlens.history(sweep="s1", sort="-evaluate.accuracy", limit=2, dataframe=False)]))')" \
	"sweep, sort, limit"
expect_eq 'ls: --columns: no run has evaluate.acuracy (did you mean evaluate.accuracy?)' \
	"$(py 'exec("try:\n  runlens.history(\"nb\", columns=\"evaluate.acuracy\")\nexcept runlens.RunlensError as e:\n  print(e)")')" "an error"

# a DataFrame when pandas can be imported (a stand-in records the call)
mkdir -p fakepd/pandas
cat > fakepd/pandas/__init__.py <<'P'
class DataFrame:
    def __init__(self, rows, columns):
        self.rows, self.columns = rows, columns
    def __getitem__(self, k):
        return [r[k] for r in self.rows]
    def __setitem__(self, k, v):
        for r, x in zip(self.rows, v):
            r[k] = x
def to_datetime(values, utc=False):
    return ["dt:" + v for v in values]
P
expect_eq '["evaluate.accuracy", "started"] ["dt:' \
	"$(PYTHONPATH="$T/fakepd:$PYTHONPATH" py 'f = runlens.history("nb", columns="evaluate.accuracy,started"); print(json.dumps(f.columns), json.dumps(f["started"])[:5])')" \
	"a DataFrame, started as datetimes"
done_testing
