#!/bin/sh
# An artifact store on another file system (a tmpfs this test mounts; root
# only, skipped where mounting is impossible): the README's
# `stack register gpu --artifact-store /mnt/fast/artifacts`.
#   - file and folder outputs land in it (copied, then renamed into place
#     from a staging folder of that store), the tree kept: empty folders,
#     links, modes; read-only; the run folder keeps only a link;
#   - the hashes are what was recorded;
#   - `rm` of the producing run, then `gc`, leave the artifacts a cached
#     run still uses; the cache still reuses them.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
CHECK="$TESTS_SRCDIR/e2e/store_check.py"
mkdir fast
if ! mount -t tmpfs -o size=16m tmpfs "$T/fast" 2>/dev/null; then
	echo "cannot mount a tmpfs here (needs root): skipped"; exit 77
fi
trap 'chmod -R u+w "$T/fast" 2>/dev/null; umount "$T/fast" 2>/dev/null || umount -l "$T/fast" 2>/dev/null; cleanup_tmp' EXIT
[ "$(stat -c %d "$T/fast")" != "$(stat -c %d "$T")" ] && pass || fail "the tmpfs is another file system"

out_path() { # RUN STEP OUTPUT
	sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.run_id=$1 and s.name='$2' and o.name='$3'"
}
step_status() { sql "select s.status from step_runs s where s.run_id=$1 and s.name='$2'"; }

expect_exit 0 rl stack register fast --artifact-store "$T/fast/artifacts"
cat > p.json <<'J'
{"name": "p", "stack": "fast", "steps": [
 {"name": "make", "outputs": {"data": "data.csv", "tree": "tree"},
  "run": "seq 1 1000 > ${outputs.data}; t=${outputs.tree}; mkdir -p $t/empty $t/sub/deeper; echo x > $t/sub/deeper/x; printf '#!/bin/sh\\necho hi\\n' > $t/run.sh; chmod 0755 $t/run.sh; ln -s sub/deeper/x $t/link; touch -d 2020-01-02 $t/sub/deeper/x"},
 {"name": "use", "inputs": {"data": "make.data", "tree": "make.tree"}, "outputs": {"o": "o.txt"},
  "run": "wc -l < ${inputs.data} > ${outputs.o}; cat ${inputs.tree}/link >> ${outputs.o}; ${inputs.tree}/run.sh >> ${outputs.o}"}]}
J
expect_exit 0 rl run p.json
data=$(out_path 1 make data)
tree=$(out_path 1 make tree)
case "$data" in "$T/fast/artifacts/"*) pass ;; *) fail "the file output is not in the other file system's store: $data" ;; esac
case "$tree" in "$T/fast/artifacts/"*) pass ;; *) fail "the folder output is not in the other file system's store: $tree" ;; esac
expect_eq 1000 "$(wc -l < "$data")" "the file arrived whole"
[ -d "$tree/empty" ] && pass || fail "an empty folder was lost on the way"
expect_eq "sub/deeper/x" "$(readlink "$tree/link")" "a link arrived as a link"
expect_eq 555 "$(stat -c %a "$tree/run.sh")" "a file's mode is kept (less the write bits)"
expect_eq 2020-01-02 "$(stat -c %y "$tree/sub/deeper/x" | cut -c1-10)" "a file's modification time is kept"
expect_eq "" "$(find "$tree" "$data" ! -type l -perm /0222)" "read-only all the way down"
expect_eq "1000
x
hi" "$(cat "$(out_path 1 use o)")" "the consumer read them"
step_out="$RUNLENS_STORE/runs/1/make/outputs"
[ -L "$step_out/data.csv" ] && [ -L "$step_out/tree" ] && pass || fail "the run folder keeps links, not the outputs"
expect_eq "$data" "$(readlink "$step_out/data.csv")" "the link leads to the stored copy"
expect_eq "" "$(ls -A "$T/fast/artifacts/.tmp" 2>/dev/null)" "no staging folder is left"
expect_eq "" "$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --any-content)" "every recorded hash holds"

# a cached run shares them; rm of the producing run and gc leave them
expect_exit 0 rl run p.json
expect_eq cached "$(step_status 2 make)" "the second run is cached"
expect_exit 0 rl rm 1 --yes
expect_exit 0 rl gc
[ -f "$data" ] && [ -d "$tree/sub/deeper" ] && pass || fail "rm + gc removed artifacts a cached run uses"
expect_eq "" "$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --any-content)" "every recorded hash holds after gc"
expect_exit 0 rl run p.json
expect_eq cached "$(step_status 3 make)" "and the cache still reuses them"

done_testing
