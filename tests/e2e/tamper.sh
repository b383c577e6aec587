#!/bin/sh
# Stored artifacts are read-only all the way down, and checked before use:
#   - no file and no folder of a stored artifact has a write bit (for a
#     user other than root, writing into one fails);
#   - a later step that changes an earlier step's artifact (appends to a
#     file, adds a file to a folder, edits in place keeping the size) makes
#     the consumer of that artifact fail, with a message naming it, before
#     it starts;
#   - a change that keeps the size and puts the modification times back is
#     caught too (by its change time, which nobody can put back);
#   - what no timestamp shows (here: a step that also moves the recorded
#     seal past its change) is beyond the cheap check; `run --verify`
#     re-hashes and catches it, and so does `rerun --verify`;
#   - a tampered artifact is never reused by the cache.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"

step_error() { sql "select coalesce(s.error, '') from step_runs s where s.run_id=$1 and s.name='$2'"; }
step_status() { sql "select s.status from step_runs s where s.run_id=$1 and s.name='$2'"; }
out_path() { # RUN STEP OUTPUT
	sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.run_id=$1 and s.name='$2' and o.name='$3'"
}
last_run() { sql "select max(id) from runs"; }

# --- read-only all the way down -----------------------------------------
cat > make.json <<'J'
{"name": "make", "steps": [
 {"name": "make", "outputs": {"data": "data.txt", "tree": "tree"},
  "run": "echo 1234 > ${outputs.data}; mkdir -p ${outputs.tree}/sub/deeper ${outputs.tree}/empty; echo a > ${outputs.tree}/a; echo b > ${outputs.tree}/sub/deeper/b; chmod 0777 ${outputs.tree}/sub; ln -s a ${outputs.tree}/link"}]}
J
expect_exit 0 rl run make.json
tree=$(out_path 1 make tree)
data=$(out_path 1 make data)
expect_eq "" "$(find "$tree" "$data" ! -type l -perm /0222)" "no write bit on any file or folder of an artifact"
expect_eq "$(find "$tree" -type d | wc -l)" "$(find "$tree" -type d -perm -0500 | wc -l)" "folders stay readable and searchable"
if command -v setpriv >/dev/null 2>&1 && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo x > '$tree/new'" 2>/dev/null \
		&& fail "another user added a file to a folder artifact" || pass
	setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo x >> '$tree/sub/deeper/b'" 2>/dev/null \
		&& fail "another user changed a file of a folder artifact" || pass
	setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "rm -f '$tree/sub/deeper/b'" 2>/dev/null \
		&& fail "another user removed a file of a folder artifact" || pass
else
	echo "setpriv cannot switch users here: the write checks as another user are skipped"
fi

# --- a later step changes an earlier one's artifact -----------------------
# (the steps run as root here, so the modes do not stop them: the check
# before use must)
tamper_pipeline() { # NAME TAMPER-COMMAND
	cat > "$1.json" <<J
{"name": "$1", "steps": [
 {"name": "make", "outputs": {"data": "data.txt", "tree": "tree"},
  "run": "echo $1 > \${outputs.data}; mkdir -p \${outputs.tree}/sub; echo a > \${outputs.tree}/a; echo b > \${outputs.tree}/sub/b"},
 {"name": "tamper", "inputs": {"data": "make.data", "tree": "make.tree"}, "run": "$2"},
 {"name": "use", "inputs": {"data": "make.data", "tree": "make.tree"}, "needs": ["tamper"],
  "outputs": {"o": "o.txt"}, "run": "cat \${inputs.data} \${inputs.tree}/a > \${outputs.o}"}]}
J
}
tamper_pipeline append 'echo more >> ${inputs.data}'
expect_exit 1 rl run append.json
r=$(last_run)
expect_eq failed "$(step_status "$r" use)" "the consumer of an appended-to file"
expect_contains "$(step_error "$r" use)" "input 'data': the artifact make.data changed after it was stored" "the message names the artifact"
expect_contains "$(step_error "$r" use)" "bytes" "and says what changed"
expect_eq "" "$(out_path "$r" use o)" "the consumer produced nothing"
expect_eq 0 "$(sql "select count(*) from attempts a join step_runs s on s.id=a.step_run_id where s.run_id=$r and s.name='use'")" "the consumer never started"

tamper_pipeline addfile 'touch ${inputs.tree}/sub/extra'
expect_exit 1 rl run addfile.json
r=$(last_run)
expect_eq failed "$(step_status "$r" use)" "the consumer of a folder that gained a file"
expect_contains "$(step_error "$r" use)" "make.tree" "the folder artifact is named"

tamper_pipeline inplace 'printf X | dd of=${inputs.tree}/a bs=1 seek=0 conv=notrunc 2>/dev/null'
expect_exit 1 rl run inplace.json
r=$(last_run)
expect_eq failed "$(step_status "$r" use)" "the consumer of a file edited in place (same size)"
expect_contains "$(step_error "$r" use)" "no longer hashes to the recorded SHA-256" "found by its hash"

# the same, with the modification times put back: the change time (ctime)
# that the kernel sets on every change cannot be put back
tamper_pipeline hidden 'a=${inputs.tree}/a; m=$(stat -c %y $a); d=$(stat -c %y ${inputs.tree}); printf X | dd of=$a bs=1 seek=0 conv=notrunc 2>/dev/null; touch -d \"$m\" $a; touch -d \"$d\" ${inputs.tree}'
expect_exit 1 rl run hidden.json
r=$(last_run)
expect_eq failed "$(step_status "$r" use)" "the consumer of an edit whose modification times were put back"
expect_contains "$(step_error "$r" use)" "no longer hashes to the recorded SHA-256" "found by its hash"

# what no timestamp shows — a change within the clock tick of the seal,
# after the clock was set back, or damage on the disk — is beyond the cheap
# check: here a step edits the bytes and moves the recorded seal past its
# change.  --verify re-hashes every input and catches it.
cat > unseen.py <<'P'
import os, sqlite3, sys
path = sys.argv[1]
with open(path, "r+b") as f:
    f.write(b"X")
store = os.environ["RUNLENS_STORE"]
con = sqlite3.connect(os.path.join(store, "runlens.db"), timeout=30)
# kept relative to the store's folder
kept = os.path.relpath(os.path.realpath(path).rsplit("/", 1)[0], os.path.realpath(store))
n = con.execute("UPDATE artifacts SET created_ms = created_ms + 3600000 WHERE path = ?", (kept,)).rowcount
assert n >= 1, (kept, n)
con.commit()
P
tamper_pipeline unseen 'python3 '"$T"'/unseen.py ${inputs.tree}/a'
expect_exit 0 rl run unseen.json
expect_eq completed "$(step_status "$(last_run)" use)" "without --verify such a change goes unseen (the documented limit)"
expect_exit 1 rl run --verify --no-cache unseen.json
r=$(last_run)
expect_eq failed "$(step_status "$r" use)" "run --verify: the consumer of an unseen change"
expect_contains "$(step_error "$r" use)" "no longer hashes to the recorded SHA-256" "found by its hash"
expect_exit 1 rl rerun last --verify --no-cache
expect_eq failed "$(step_status "$(last_run)" use)" "rerun --verify catches it too"

# --- the cache never reuses a tampered artifact ---------------------------
expect_exit 0 rl run make.json
expect_eq cached "$(step_status "$(last_run)" make)" "an intact artifact is reused"
chmod u+w "$data"
echo changed > "$data"
expect_exit 0 rl run make.json
r=$(last_run)
expect_eq completed "$(step_status "$r" make)" "a tampered artifact is not reused: the step executes again"
expect_eq 1234 "$(cat "$(out_path "$r" make data)")" "and stores its own output again"
expect_eq "" "$(find "$(out_path "$r" make data)" ! -type l -perm /0222)" "read-only again"

done_testing
