#!/bin/sh
# The git commit as a first-class column (issue 19, item 8): a run's
# commit and dirty flag (its context's environment.git) are runs columns:
# show and compare print them, ls --json and compare --json carry them,
# --where git=PREFIX and dirty=true|false filter on them, ls --columns git
# and the browser's column chooser show them ("3f2a9c1*": dirty); a store
# made before them gets them from its runs' contexts when it is migrated.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v git >/dev/null || { echo "git not installed: skipped"; exit 77; }
git init -q . && git config user.email t@example.com && git config user.name t
printf '{"name": "g", "params": {"x": 1}, "steps": [{"name": "s", "run": "runlens metric m ${params.x}"}]}\n' > p.json
git add p.json && git commit -qm one
c1=$(git rev-parse HEAD)
expect_exit 0 rl run p.json                     # 1: c1, clean
printf '{"name": "g", "params": {"x": 2}, "steps": [{"name": "s", "run": "runlens metric m ${params.x}"}]}\n' > p.json
expect_exit 0 rl run p.json                     # 2: c1, dirty
git commit -qam two
c2=$(git rev-parse HEAD)
expect_exit 0 rl run p.json -p x=3              # 3: c2, clean
s1=$(printf %.7s "$c1"); s2=$(printf %.7s "$c2")

ids() { jget "$OUT" '[r["id"] for r in d["runs"]]'; }
expect_exit 0 rl ls --where "git=$s1" --json
expect_eq "[2, 1]" "$(ids)" "git=PREFIX"
expect_eq "{\"commit\": \"$c1\", \"dirty\": true}" "$(jget "$OUT" 'd["runs"][0]["git"]')" "ls --json git"
expect_exit 0 rl ls --where "git=$c2" --json
expect_eq "[3]" "$(ids)" "the whole commit"
expect_exit 0 rl ls --where "git=$(printf %.7s "$c2" | tr a-f A-F)" --json
expect_eq "[3]" "$(ids)" "a prefix in capitals"
expect_exit 0 rl ls --where "git!=$s1" --json
expect_eq "[3]" "$(ids)" "git!="
expect_exit 0 rl ls --where dirty=true --json
expect_eq "[2]" "$(ids)" "dirty=true"
expect_exit 0 rl ls --where "dirty=false and git=$s1" --json
expect_eq "[1]" "$(ids)" "dirty=false"
expect_exit 2 rl ls --where git=xyz
expect_eq "runlens: ls: --where: at column 5: 'xyz' is not a git commit (hex digits: git=3f2a9c1)" "$ERR"
expect_exit 2 rl ls --where 'git>abc'
expect_contains "$ERR" "git takes = or !="
expect_exit 2 rl ls --where dirty=maybe
expect_contains "$ERR" "dirty is true or false, not 'maybe'"

# the column, in the table and in CSV
expect_exit 0 rl ls --columns id,git
expect_eq "ID  GIT
 3  $s2
 2  $s1*
 1  $s1" "$OUT" "ls --columns id,git"
expect_exit 0 rl ls --columns id,git --csv
expect_contains "$OUT" "2,$s1*"

# show and compare
expect_exit 0 rl show 2
expect_contains "$OUT" "  git       $c1 (dirty: tracked files had changes)"
expect_exit 0 rl show 3
expect_contains "$OUT" "  git       $c2
"
expect_exit 0 rl show 3 --json
expect_eq "{\"commit\": \"$c2\", \"dirty\": false}" "$(jget "$OUT" 'd["git"]')" "show --json git"
expect_exit 0 rl compare 3 2
expect_contains "$OUT" "git  $s2  vs  $s1*"
expect_exit 0 rl compare 2 1
expect_contains "$OUT" "git  $s1*  vs  $s1  (the same commit)"
expect_exit 0 rl compare 3 2 --json
expect_eq "[\"$c2\", \"$c1\"]" "$(jget "$OUT" '[d["run"]["git"]["commit"], d["comparisons"][0]["other"]["git"]["commit"]]')" "compare --json git"

# a pipeline file that git does not track, in a work tree: that tree's commit
mkdir -p "$T/out" && cp p.json "$T/out/q.json" && sed -i 's/"g"/"q"/' "$T/out/q.json"
expect_exit 0 rl run "$T/out/q.json" -p x=4 # 4
expect_exit 0 rl show 4 --json
expect_eq "$c2" "$(jget "$OUT" 'd["git"]["commit"]')" "an untracked file in a work tree: that tree's commit"

# the browser: the column chooser has git
if command -v tmux >/dev/null 2>&1; then
	S="runlens-git-$$"
	. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
	trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT
	WAIT_TENTHS=300
	tmux_ new-session -d -s tui -x 140 -y 40 \
		"cd '$T' && TERM=xterm-256color LC_ALL=C.UTF-8 RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui; sleep 30"
	see "Runs — all pipelines"
	key C
	see "[ ] git"
	key G Space
	see "[x] git"
	key Enter
	see "GIT"
	see "$s1*"
	key q
fi

# a store from before the columns: its runs get them from their contexts
python3 - "$RUNLENS_STORE/runlens.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
# schema 13 (the baseline given), 11 (the tags' sort indexes) and 10
# (the sorted lists' indexes) undone first, then 9
for s in ["ALTER TABLE runs DROP COLUMN baseline_given", "ALTER TABLE runs DROP COLUMN baseline_given_by", "ALTER TABLE runs DROP COLUMN baseline_given_rule", "DROP INDEX runs_by_tag", "DROP INDEX runs_by_tag_old", "DROP INDEX runs_by_status", "DROP INDEX runs_by_status_old",
          "DROP INDEX runs_by_duration", "DROP INDEX runs_by_duration_old",
          "DROP INDEX runs_unended", "DROP INDEX run_params_by_value",
          "DROP INDEX run_params_by_value_old", "ALTER TABLE run_params DROP COLUMN value",
          "DROP INDEX runs_by_git", "DROP INDEX runs_by_stack",
          "ALTER TABLE runs DROP COLUMN git_commit", "ALTER TABLE runs DROP COLUMN git_dirty",
          "ALTER TABLE step_runs DROP COLUMN retry_at_ms", "PRAGMA user_version = 8"]:
    c.execute(s)
c.commit()
PY
expect_exit 0 rl ls --where dirty=true --json
expect_eq "[2]" "$(ids)" "migrated: dirty from the context"
expect_exit 0 rl ls --where "git=$s2" --json
expect_eq "[4, 3]" "$(ids)" "migrated: the commit from the context"
done_testing
