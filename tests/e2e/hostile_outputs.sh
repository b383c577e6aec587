#!/bin/sh
# Hostile outputs and inputs: what a step leaves in its outputs folder (or
# names as an external input) can make runlens neither hang, nor reach
# outside the step's outputs folder, nor record a folder under the hash of
# another one.
#   - an output that is a symbolic link to /dev/zero, a FIFO, an external
#     input that is a FIFO or /dev/zero: the step fails at once with one
#     line naming it (no hashing that never ends);
#   - an output reached through a symbolic link to a folder outside the
#     outputs folder: refused, the user's file neither moved nor deleted by
#     rm + gc; a link that stays inside the outputs folder is stored as a
#     copy of what it points to;
#   - a hard link in an output: the artifact is a copy, the other file
#     keeps its mode;
#   - a symbolic link to / in a folder output is stored as a link, not
#     followed;
#   - two folders that the old manifest could not tell apart (a newline in
#     a name, an empty folder) are stored and handed on as themselves;
#   - the folder hash is what the shell one-liner of core/hash.h prints,
#     on a tree with empty folders, newlines, spaces, UTF-8, backslashes
#     and symbolic links in it; and what tests/e2e/store_check.py computes;
#   - a store made before (a folder recorded with the old manifest's hash):
#     the step executes again once, file artifacts are still reused.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
CHECK="$TESTS_SRCDIR/e2e/store_check.py"

# run_bounded CODE FILE ARGS...: `runlens run` that must end within 30 s
run_bounded() {
	want=$1; shift
	timeout -k 5 30 "$RUNLENS_BIN" run "$@" >"$T/.out" 2>"$T/.err"; got=$?
	OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err")
	if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
		fail "runlens run $* did not end within 30 s (hashing that never ends?)"
	elif [ "$got" -ne "$want" ]; then
		fail "expected exit $want, got $got: runlens run $*"
		sed 's/^/  stderr: /' "$T/.err" | head -10 >&2
	else
		pass
	fi
}
step_error() { sql "select coalesce(s.error, '') from step_runs s where s.run_id=(select max(id) from runs) and s.name='$1'"; }
step_status() { sql "select s.status from step_runs s where s.run_id=(select max(id) from runs) and s.name='$1'"; }
out_path() { # RUN STEP OUTPUT
	sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.run_id=$1 and s.name='$2' and o.name='$3'"
}
out_sha() {
	sql "select a.sha256 from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.run_id=$1 and s.name='$2' and o.name='$3'"
}
last_run() { sql "select max(id) from runs"; }

# --- 1. what is hashed never hangs ------------------------------------
cat > zero.json <<'J'
{"name": "zero", "steps": [
 {"name": "s", "run": "ln -s /dev/zero ${outputs.o}", "outputs": {"o": "o.bin"}}]}
J
run_bounded 1 zero.json
expect_eq failed "$(step_status s)" "an output linked to /dev/zero"
expect_contains "$(step_error s)" "output 'o'" "the message names the output"
expect_contains "$(step_error s)" "/dev/zero" "the message names where it leads"
expect_eq "" "$(out_path "$(last_run)" s o)" "nothing recorded"

cat > fifo_out.json <<'J'
{"name": "fifo_out", "steps": [
 {"name": "s", "run": "mkfifo ${outputs.o}", "outputs": {"o": "o.bin"}}]}
J
run_bounded 1 fifo_out.json
expect_eq failed "$(step_status s)" "an output that is a FIFO"
expect_contains "$(step_error s)" "output 'o' (o.bin)" "the FIFO output is named"
expect_contains "$(step_error s)" "FIFO" "and said to be a FIFO"

cat > fifo_dir.json <<'J'
{"name": "fifo_dir", "steps": [
 {"name": "s", "run": "mkdir ${outputs.d} && echo a > ${outputs.d}/a && mkfifo ${outputs.d}/pipe", "outputs": {"d": "d"}}]}
J
run_bounded 1 fifo_dir.json
expect_eq failed "$(step_status s)" "a folder output holding a FIFO"
expect_contains "$(step_error s)" "pipe" "the FIFO inside is named"

mkfifo "$T/in.fifo"
cat > fifo_in.json <<J
{"name": "fifo_in", "steps": [
 {"name": "s", "run": "true", "inputs": {"f": {"path": "$T/in.fifo"}}},
 {"name": "z", "run": "true", "inputs": {"z": {"path": "/dev/zero"}}}]}
J
run_bounded 1 fifo_in.json
expect_eq failed "$(step_status s)" "an external input that is a FIFO"
expect_contains "$(step_error s)" "input 'f'" "the FIFO input is named"
expect_contains "$(step_error s)" "FIFO" "and said to be a FIFO"
expect_eq failed "$(step_status z)" "an external input that is /dev/zero"
expect_contains "$(step_error z)" "/dev/zero" "/dev/zero is named"
expect_eq 1 "$(printf '%s\n' "$(step_error z)" | wc -l)" "one line"
run_bounded 0 --dry-run fifo_in.json

# --- 2. no path escape --------------------------------------------------
mkdir -p "$T/user"
echo precious > "$T/user/file"
echo other > "$T/user/other"
chmod 0644 "$T/user/file" "$T/user/other"
cat > escape.json <<J
{"name": "escape", "steps": [
 {"name": "s", "outputs": {"f": "sub/file"},
  "run": "d=\$(dirname \${outputs.f}); rmdir \$d && ln -s $T/user \$d"},
 {"name": "t", "outputs": {"o": "o.txt"}, "run": "ln -s $T/user/other \${outputs.o}"}]}
J
run_bounded 1 escape.json
expect_eq failed "$(step_status s)" "an output through a link to an outside folder"
expect_contains "$(step_error s)" "outside the step's outputs folder" "refused as an escape"
expect_eq failed "$(step_status t)" "an output that links to an outside file"
expect_contains "$(step_error t)" "outside the step's outputs folder" "refused as an escape"
expect_eq "precious" "$(cat "$T/user/file")" "the user's file is where it was"
expect_eq "" "$(find "$T/user" -type l)" "no link left in the user's folder"
expect_eq "" "$(find "$RUNLENS_STORE/artifacts" \( -name file -o -name o.txt \) -print)" \
	"nothing of the user's was moved into the store"
expect_exit 0 rl rm "$(last_run)" --yes
expect_exit 0 rl gc
expect_eq "precious" "$(cat "$T/user/file")" "rm and gc leave the user's file"
expect_eq "other" "$(cat "$T/user/other")" "and the other one"

# a link that stays inside the outputs folder is followed: what it points
# to is stored (a copy: the target stays a file of the run folder)
cat > inside.json <<'J'
{"name": "inside", "steps": [
 {"name": "s", "outputs": {"m": "model", "d": "lnk/d"},
  "run": "o=$(dirname ${outputs.m}); echo v3 > $o/model-3.bin && ln -s model-3.bin ${outputs.m} && mkdir -p $o/real/d && echo x > $o/real/d/x && rmdir $o/lnk && ln -s real $o/lnk"},
 {"name": "u", "inputs": {"m": "s.m", "d": "s.d"}, "outputs": {"o": "o"},
  "run": "cat ${inputs.m} ${inputs.d}/x > ${outputs.o}"}]}
J
run_bounded 0 inside.json
r=$(last_run)
m=$(out_path "$r" s m)
expect_eq "v3" "$(cat "$m")" "a link inside the outputs folder: its target is stored"
[ -f "$m" ] && [ ! -L "$m" ] && pass || fail "the stored copy is a file, not a link ($m)"
expect_eq "v3
x" "$(cat "$(out_path "$r" u o)")" "and handed on"

# a hard link: the artifact is a copy, the outside file keeps its mode
echo linked > "$T/user/linked"
echo single > "$T/user/single"
chmod 0644 "$T/user/linked" "$T/user/single"
cat > hard.json <<J
{"name": "hard", "steps": [
 {"name": "s", "outputs": {"d": "d", "f": "f.txt"},
  "run": "mkdir \${outputs.d} && ln $T/user/linked \${outputs.d}/l && echo y > \${outputs.d}/y && ln $T/user/single \${outputs.f}"}]}
J
run_bounded 0 hard.json
r=$(last_run)
expect_eq 644 "$(stat -c %a "$T/user/linked")" "a hard-linked file in a folder output keeps its mode"
expect_eq 644 "$(stat -c %a "$T/user/single")" "a hard-linked file output keeps its mode"
d=$(out_path "$r" s d)
f=$(out_path "$r" s f)
expect_eq linked "$(cat "$d/l")" "the artifact holds the content"
[ "$(stat -c %i "$d/l")" != "$(stat -c %i "$T/user/linked")" ] && pass || fail "the artifact is a copy, not the user's inode"
[ "$(stat -c %i "$f")" != "$(stat -c %i "$T/user/single")" ] && pass || fail "the file artifact is a copy"
expect_eq 1 "$(stat -c %h "$d/l")" "the copy has one link"
echo changed > "$T/user/linked"
expect_eq linked "$(cat "$d/l")" "changing the user's file leaves the artifact"

# a symbolic link to / inside a folder output: stored as a link
cat > root.json <<'J'
{"name": "root", "steps": [
 {"name": "s", "outputs": {"d": "d"},
  "run": "mkdir ${outputs.d} && ln -s / ${outputs.d}/root && ln -s ../nowhere ${outputs.d}/dangling && echo a > ${outputs.d}/a"}]}
J
run_bounded 0 root.json
d=$(out_path "$(last_run)" s d)
expect_eq "/" "$(readlink "$d/root")" "the link is stored as a link"
expect_eq "../nowhere" "$(readlink "$d/dangling")" "a dangling link too"

# outputs inside other outputs (or the same path twice, or the whole
# outputs folder): each is stored whole, none is taken out of another
cat > nested.json <<'J'
{"name": "nested", "steps": [
 {"name": "s", "outputs": {"d": "dir", "f": "dir/f", "again": "dir", "all": "."},
  "run": "o=$(dirname ${outputs.d}); mkdir -p $o/dir/sub && echo f > $o/dir/f && echo g > $o/dir/sub/g && echo top > $o/top"},
 {"name": "u", "inputs": {"d": "s.d", "f": "s.f", "again": "s.again", "all": "s.all"}, "outputs": {"o": "o"},
  "run": "cat ${inputs.f} ${inputs.d}/f ${inputs.d}/sub/g ${inputs.again}/f ${inputs.all}/top ${inputs.all}/dir/f > ${outputs.o}"}]}
J
run_bounded 0 nested.json
expect_eq "f f g f top f" "$(tr '\n' ' ' < "$(out_path "$(last_run)" u o)" | sed 's/ $//')" "nested outputs are each stored whole"
expect_eq "" "$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --any-content --run "$(last_run)")" "and hash as recorded"

# --- 3. the folder hash tells folders apart ------------------------------
# Before, the manifest was "<sha>  <path>\n" per file: a file named
# "a\n<sha of b>  b" holding a's content made the same manifest as the files
# a and b, and empty folders were left out.
cat > tree_a.sh <<'S'
mkdir "$1" && printf A > "$1/a" && printf B > "$1/b"
S
cat > tree_b.sh <<'S'
hb=$(printf B | sha256sum | cut -c1-64)
mkdir "$1" && printf A > "$1/a
$hb  b"
S
cat > tree_c.sh <<'S'
mkdir -p "$1/e" && printf A > "$1/a"
S
cat > tree_d.sh <<'S'
mkdir "$1" && printf A > "$1/a"
S
cat > ambig.json <<'J'
{"name": "ambig", "steps": [
 {"name": "p1", "run": ["sh", "tree_a.sh", "${outputs.t}"], "outputs": {"t": "tree"}},
 {"name": "p2", "run": ["sh", "tree_b.sh", "${outputs.t}"], "outputs": {"t": "tree"}, "needs": ["p1"]},
 {"name": "p3", "run": ["sh", "tree_c.sh", "${outputs.t}"], "outputs": {"t": "tree"}},
 {"name": "p4", "run": ["sh", "tree_d.sh", "${outputs.t}"], "outputs": {"t": "tree"}, "needs": ["p3"]},
 {"name": "c2", "inputs": {"t": "p2.t"}, "outputs": {"n": "n"},
  "run": "find ${inputs.t} -mindepth 1 -maxdepth 1 -printf x | wc -c > ${outputs.n}"},
 {"name": "c4", "inputs": {"t": "p4.t"}, "outputs": {"n": "n"},
  "run": "if [ -d ${inputs.t}/e ]; then echo has-e; else echo no-e; fi > ${outputs.n}"}]}
J
run_bounded 0 ambig.json
r=$(last_run)
[ "$(out_sha "$r" p1 t)" != "$(out_sha "$r" p2 t)" ] && pass || fail "a newline in a name made two folders hash alike"
[ "$(out_sha "$r" p3 t)" != "$(out_sha "$r" p4 t)" ] && pass || fail "an empty folder was left out of the hash"
expect_eq 1 "$(tr -d ' ' < "$(out_path "$r" c2 n)")" "the consumer of p2 sees p2's folder (one file)"
expect_eq no-e "$(cat "$(out_path "$r" c4 n)")" "the consumer of p4 sees p4's folder (no empty folder e)"
# an empty folder and an empty file do not hash alike
cat > empties.json <<'J'
{"name": "empties", "steps": [
 {"name": "f", "run": ": > ${outputs.e}", "outputs": {"e": "e"}},
 {"name": "d", "run": "mkdir ${outputs.e}", "outputs": {"e": "e"}, "needs": ["f"]},
 {"name": "c", "inputs": {"e": "d.e"}, "run": "test -d ${inputs.e}"}]}
J
run_bounded 0 empties.json
[ "$(out_sha "$(last_run)" f e)" != "$(out_sha "$(last_run)" d e)" ] && pass || fail "an empty folder hashed like an empty file"

# a store made before: its folder artifacts carry the old manifest's hash
# (what the old core/hash.h documented).  The step just executes again,
# once, and the file artifacts are still reused.
cat > old.json <<'J'
{"name": "old", "steps": [
 {"name": "f", "run": "echo file > ${outputs.o}", "outputs": {"o": "o.txt"}},
 {"name": "d", "run": "mkdir -p ${outputs.t}/sub && echo x > ${outputs.t}/sub/x", "outputs": {"t": "tree"}}]}
J
run_bounded 0 old.json
r=$(last_run)
dpath=$(out_path "$r" d t)
oldsha=$(cd "$dpath" && (find . -type f | LC_ALL=C sort | sed 's|^\./||' | xargs -d '\n' sha256sum) | sha256sum | cut -c1-64)
python3 - "$RUNLENS_STORE/runlens.db" "$dpath" "$oldsha" <<'PY'
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
# the store keeps the path relative to its folder
kept = os.path.relpath(sys.argv[2], os.path.dirname(sys.argv[1]))
n = con.execute("UPDATE artifacts SET sha256 = ? WHERE path = ?", (sys.argv[3], kept)).rowcount
assert n == 1, (kept, n)
con.commit()
PY
run_bounded 0 old.json
r=$(last_run)
expect_eq cached "$(step_status f)" "a file artifact of an old store is still reused"
expect_eq completed "$(step_status d)" "a folder artifact hashed the old way: the step executes again"
expect_eq "x" "$(cat "$(out_path "$r" d t)/sub/x")" "and stores its folder anew"
run_bounded 0 old.json
expect_eq cached "$(step_status d)" "then it is reused again"

# --- 4. the documented one-liner checks the C implementation -------------
cat > tricky.sh <<'S'
o=$1
mkdir -p "$o/empty" "$o/nested/deeper/deepest" "$o/with space" "$o/é ü 日本"
printf 'hello\n' > "$o/plain.txt"
printf 'x' > "$o/with space/a b.txt"
printf 'nl' > "$o/new
line"
printf 'tail' > "$o/trailing-newline
"
printf 'u' > "$o/é ü 日本/ß.txt"
printf 'b' > "$o/back\\slash"
printf 'd' > "$o/-dash"
printf 'z' > "$o/d x"
: > "$o/empty-file"
printf 'deep' > "$o/nested/deeper/f"
ln -s plain.txt "$o/link-to-file"
ln -s nested "$o/link-to-dir"
ln -s /etc/passwd "$o/absolute-link"
ln -s "does not
exist" "$o/dangling
link"
chmod 0755 "$o/plain.txt"
S
cat > tricky.json <<'J'
{"name": "tricky", "steps": [
 {"name": "s", "run": ["sh", "tricky.sh", "${outputs.t}"], "outputs": {"t": "tree"}}]}
J
run_bounded 0 tricky.json
r=$(last_run)
art=$(out_path "$r" s t)
# the one-liner, word for word as core/hash.h, docs/pipeline.md and the
# README give it (DIR replaced)
oneliner=$(cd "$art" && { find . -type d -printf 'd %P\0'; find . -type f -print0 | xargs -0r sha256sum -z | sed -z 's|^\([0-9a-f]*\)  \./|f \1 |'; find . -type l -exec sh -c 'printf "l %s %s\0" "$(readlink -n "$1" | sha256sum | cut -c1-64)" "${1#./}"' sh {} \; ; } | LC_ALL=C sort -z | sha256sum | cut -c1-64)
expect_eq "$(out_sha "$r" s t)" "$oneliner" "the documented one-liner gives the recorded hash"
for doc in "$TESTS_SRCDIR/../core/hash.h" "$TESTS_SRCDIR/../docs/pipeline.md" "$TESTS_SRCDIR/../README.md"; do
	grep -qF "find . -type f -print0 | xargs -0r sha256sum -z | sed -z 's|^\\([0-9a-f]*\\)  \\./|f \\1 |'" "$doc" \
		&& pass || fail "$(basename "$doc") gives the one-liner's files"
	grep -qF "find . -type l -exec sh -c 'printf \"l %s %s\\0\" \"\$(readlink -n \"\$1\" | sha256sum | cut -c1-64)\" \"\${1#./}\"' sh {} \\;" "$doc" \
		&& pass || fail "$(basename "$doc") gives the one-liner this test runs"
done
expect_eq "" "$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --any-content --run "$r")" "store_check.py agrees on the recorded hash"
# the consumer of such a folder sees it whole
cat > tricky2.json <<'J'
{"name": "tricky2", "steps": [
 {"name": "s", "run": ["sh", "tricky.sh", "${outputs.t}"], "outputs": {"t": "tree"}},
 {"name": "c", "inputs": {"t": "s.t"}, "outputs": {"l": "l"},
  "run": "cd ${inputs.t} && find . | LC_ALL=C sort > ${outputs.l}"}]}
J
run_bounded 0 tricky2.json
expect_eq "$(cd "$art" && find . | LC_ALL=C sort)" "$(cat "$(out_path "$(last_run)" c l)")" "every entry reaches the consumer"

# --- the outputs folder, or the step folder above it, replaced by a link
# to a user's folder: the attempt fails, the user's file stays where it
# is (it was renamed into the store, and rm + gc then deleted it)
mkdir -p user user2/outputs
echo precious > user/o.txt
echo precious2 > user2/outputs/o.txt
cat > swap.json <<J
{"name": "swap", "defaults": {"cache": false}, "steps": [
 {"name": "a", "run": "D=\$(dirname \$RUNLENS_OUTPUT_O); rm -rf \$D; ln -s $T/user \$D", "outputs": {"o": "o.txt"}},
 {"name": "b", "run": "cd /; rm -rf \$RUNLENS_STEP_DIR; ln -s $T/user2 \$RUNLENS_STEP_DIR", "outputs": {"o": "o.txt"}}]}
J
run_bounded 1 swap.json
r=$(last_run)
expect_contains "$(sql "select error from step_runs where run_id=$r and name='a'")" "outputs folder" "a: the replaced outputs folder named"
expect_contains "$(sql "select error from step_runs where run_id=$r and name='a'")" "was replaced by a symbolic link (to $T/user)"
expect_eq "failed failed" "$(sql "select group_concat(status, ' ') from (select status from step_runs where run_id=$r order by name)")" "both failed"
expect_eq 0 "$(sql "select count(*) from step_outputs o join step_runs s on s.id=o.step_run_id where s.run_id=$r")" "nothing stored"
expect_exit 0 rl rm "$r" --yes
expect_exit 0 rl gc
expect_eq precious "$(cat user/o.txt 2>/dev/null)" "the user's file is where it was"
expect_eq precious2 "$(cat user2/outputs/o.txt 2>/dev/null)" "... through a replaced step folder too"
[ -L user/o.txt ] && fail "the user's file became a link" || pass

done_testing
