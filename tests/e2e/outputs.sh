#!/bin/sh
# What a run recorded, read back as a user would (issue 19, items 1-2):
#   - `runlens spec RUN` prints the pipeline file as the run read it, and
#     `--diff` shows how it differs from the file now, from another file
#     or from another run's;
#   - `cat` and `path` give an output (a file, or a file in a folder
#     output) of a run, the one that run recorded, with clear errors;
#   - `diff RUN OTHER STEP.OUTPUT` runs diff -u on two runs' artifacts,
#     files and folders, or $RUNLENS_DIFF, or git where diff is missing;
#   - the recorded path of the pipeline file is absolute, so a rerun from
#     another folder runs its steps beside the file.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export XDG_CONFIG_HOME="$T/config"

cat > p.json <<'J'
{"name": "o", "params": {"n": 3},
 "steps": [
  {"name": "make", "outputs": {"data": "data.txt", "dir": "folder"},
   "run": "test -f seed.txt && seq ${params.n} > ${outputs.data}; mkdir -p ${outputs.dir}/sub; echo hi-${params.n} > ${outputs.dir}/sub/a.txt; echo same > ${outputs.dir}/b.txt"},
  {"name": "fail", "needs": ["make"], "outputs": {"x": "x.txt"}, "run": "exit 3"}
 ]}
J
echo 1 > seed.txt # the step reads it from the pipeline's folder
expect_exit 1 rl run p.json --name first
expect_exit 1 rl run p.json --name second -p n=5

# ---- spec
expect_exit 0 rl spec first
expect_eq "$(cat p.json)" "$OUT" "the file as the run read it"
sed -i 's/"n": 3/"n": 4/' p.json
expect_exit 0 rl spec first --diff
expect_contains "$OUT" "--- run 1 (first)"
expect_contains "$OUT" "+++ $T/p.json"
expect_contains "$OUT" '-{"name": "o", "params": {"n": 3},'
expect_contains "$OUT" '+{"name": "o", "params": {"n": 4},'
cp p.json other.json
sed -i 's/ seq / seq -w /' other.json
expect_exit 0 rl spec first --diff other.json
expect_contains "$OUT" "+++ other.json"
expect_contains "$OUT" "seq -w"
expect_exit 0 rl spec first --diff second
expect_eq "" "$OUT" "two runs of one file: no difference"
expect_exit 2 rl spec first other.json
expect_contains "$ERR" "is for --diff"
expect_exit 4 rl spec first --diff nothing-like-it
expect_eq "runlens: spec: 'nothing-like-it' is neither a file nor a run" "$ERR"
mv p.json p.moved
expect_exit 4 rl spec first --diff
expect_contains "$ERR" "the pipeline file of run 1 ($T/p.json) is gone"
mv p.moved p.json
expect_eq "0" "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'runlens-spec-*' -newer p.json | wc -l | tr -d ' ')" "no temporary folder left behind"

# ---- cat and path
expect_exit 0 rl cat first make.data
expect_eq "$(printf '1\n2\n3')" "$OUT" "the output of that run"
expect_exit 0 rl cat second make.data
expect_eq "$(printf '1\n2\n3\n4\n5')" "$OUT"
expect_exit 0 rl cat second make.dir/sub/a.txt
expect_eq "hi-5" "$OUT" "a file in a folder output"
expect_exit 0 rl path second make.dir
expect_contains "$OUT" "$T/.runlens/artifacts/"
expect_eq "hi-5" "$(cat "$OUT/sub/a.txt")" "path names the folder"
expect_eq "$(sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id join runs r on r.id=s.run_id where r.name='second' and o.name='data'")" "$(rl path second make.data)" "the recorded artifact"
expect_exit 2 rl cat second make.dir
expect_contains "$ERR" "make.dir is a folder: name a file in it (runlens cat second make.dir/FILE)"
expect_exit 4 rl cat second make.nope
expect_eq "runlens: cat: step 'make' of run 2 has no recorded output 'nope' (its outputs: data, dir)" "$ERR"
expect_exit 4 rl cat second fail.x
expect_eq "runlens: cat: step 'fail' of run 2 has no recorded output 'x' (it has no recorded outputs; the step is failed)" "$ERR"
expect_exit 4 rl cat second nostep.x
expect_eq "runlens: cat: run 2 has no step 'nostep'" "$ERR"
expect_exit 4 rl cat second make.dir/sub/none.txt
expect_eq "runlens: cat: make.dir of run 2 has no 'sub/none.txt'" "$ERR"
expect_exit 2 rl cat second make.dir/../../../../etc/passwd
expect_contains "$ERR" "the path leaves the output"
expect_exit 2 rl path second makedata
expect_contains "$ERR" "is not STEP.OUTPUT[/PATH]"
expect_exit 2 rl cat second
expect_contains "$ERR" "missing arguments"

# ---- diff
expect_exit 0 rl diff first second make.data
expect_contains "$OUT" "--- run 1: make.data"
expect_contains "$OUT" "+++ run 2: make.data"
expect_contains "$OUT" "+5"
expect_exit 1 rl diff --exit-code first second make.data
expect_exit 0 rl diff --exit-code first first make.data
expect_eq "" "$OUT" "the same artifact: nothing"
expect_exit 0 rl diff first second make.dir
expect_contains "$OUT" "--- run-1/sub/a.txt"
expect_contains "$OUT" "+++ run-2/sub/a.txt"
expect_contains "$OUT" "+hi-5"
expect_not_contains "$OUT" "b.txt" "only what differs"
expect_not_contains "$OUT" ".runlens/artifacts" "files named by run, not by the artifact store"
RUNLENS_DIFF="cmp -s" "$RUNLENS_BIN" diff --exit-code first second make.data; code=$?
expect_eq 1 "$code" "\$RUNLENS_DIFF is used, given the two paths"
if command -v git >/dev/null 2>&1; then
	mkdir onlygit
	ln -s "$(command -v git)" onlygit/git
	PATH="$T/onlygit" "$RUNLENS_BIN" diff first second make.data > git.out 2>&1
	expect_contains "$(cat git.out)" "+5" "git diff --no-index where diff is missing"
	mkdir nothing
	PATH="$T/nothing" "$RUNLENS_BIN" diff first second make.data > none.out 2>&1; code=$?
	expect_eq 1 "$code"
	expect_eq "runlens: neither diff nor git is installed (install diffutils, or set RUNLENS_DIFF)" "$(cat none.out)"
fi
expect_exit 4 rl diff first nope make.data

# ---- the pipeline file's recorded path is absolute: a rerun from another
# folder runs its steps beside the file
expect_eq "$T/p.json" "$(sql "select spec_path from runs where name='first'")"
mkdir elsewhere
(cd elsewhere && "$RUNLENS_BIN" --store "$T/.runlens" rerun first --name from-elsewhere > ../rerun.out 2>&1)
expect_eq "" "$(ls elsewhere)" "nothing written in the folder the rerun was started from"
expect_exit 0 rl cat from-elsewhere make.data
expect_eq "$(printf '1\n2\n3')" "$OUT"

# ---- completion offers the run's outputs
expect_exit 0 rl __complete cat second ""
expect_contains "$OUT" "make.data"
expect_contains "$OUT" "make.dir"
done_testing
