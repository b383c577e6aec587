#!/bin/sh
# Disk full: a store on a small tmpfs this test mounts (root only: skipped
# where mounting is impossible).
#   - with the disk already full, `run` says so in one line ("runlens: …
#     the disk is full …", exit 1); `ls` too, or it still reads;
#   - a step that fills the disk while the run goes on: the runner stops
#     with the same one line, or (when SQLite still had room) finishes;
#   - either way, once space is freed: integrity_check ok, the run shows
#     interrupted (or finished) with nothing recorded that was not, and a
#     new run completes.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
mkdir small
if ! mount -t tmpfs -o size=2m tmpfs "$T/small" 2>/dev/null; then
	echo "cannot mount a tmpfs here (needs root): skipped"; exit 77
fi
trap 'umount "$T/small" 2>/dev/null || umount -l "$T/small" 2>/dev/null; cleanup_tmp' EXIT
export RUNLENS_STORE="$T/small/.runlens"
CHECK="$TESTS_SRCDIR/e2e/store_check.py"

fill() { dd if=/dev/zero of="$T/small/filler" bs=16k 2>/dev/null; sync; }
free_space() { rm -f "$T/small/filler" "$T/small/junk"; }
one_line_full() { # WHAT: $ERR is one "runlens: … disk is full …" line
	expect_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "$1: lines on stderr"
	expect_contains "$ERR" "runlens: " "$1"
	expect_contains "$ERR" "the disk is full" "$1"
}

cat > p.json <<'J'
{"name": "df", "steps": [
 {"name": "a", "outputs": {"o": "o.txt"},
  "run": "for i in $(seq 1 10); do runlens metric loss $i --index $i; done; echo hi > ${outputs.o}; echo END >> ${outputs.o}"},
 {"name": "b", "inputs": {"o": "a.o"}, "outputs": {"o": "o.txt"},
  "run": "runlens meta k=1; cat ${inputs.o} > ${outputs.o}"}
]}
J
expect_exit 0 rl run p.json --no-cache
expect_eq completed "$(sql "select status from runs where id=1")" "first run"

# --- the disk is full before runlens starts
fill
expect_exit 1 rl run p.json --no-cache
one_line_full "run on a full disk"
# reading may still work (the -wal and -shm files are there), or say so
rl ls >/dev/null 2>"$T/.err"; code=$?; ERR=$(cat "$T/.err")
case $code in 0) pass ;; 1) one_line_full "ls on a full disk" ;; *) fail "ls on a full disk: exit $code: $ERR" ;; esac
free_space
expect_eq ok "$(sql "pragma integrity_check")" "integrity after a full disk"
expect_exit 0 rl ls --json
expect_eq "" "$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --series 10)" "store invariants"
expect_exit 0 rl run p.json --no-cache
expect_eq completed "$(jget "$(rl show last --json)" 'd["status"]')" "a run once space is freed"

# --- a step fills the disk while the run goes on
cat > fill.json <<J
{"name": "fill", "steps": [
 {"name": "a", "outputs": {"o": "o.txt"},
  "run": "for i in \$(seq 1 10); do runlens metric loss \$i --index \$i; done; echo x > \${outputs.o}; dd if=/dev/zero of=$T/small/junk bs=16k 2>/dev/null; for i in \$(seq 1 10); do runlens metric late \$i --index \$i 2>/dev/null; done; runlens meta k=1 2>/dev/null; echo END >> \${outputs.o}"},
 {"name": "b", "inputs": {"o": "a.o"}, "outputs": {"o": "o.txt"}, "run": "cat \${inputs.o} > \${outputs.o}"}
]}
J
rl run fill.json --no-cache >fill.out 2>fill.err; code=$?
ERR=$(cat fill.err)
case $code in
1) if printf '%s' "$ERR" | grep -q "disk is full"; then one_line_full "run that fills the disk"; else pass; fi ;;
0) pass ;;
*) fail "run that fills the disk: exit $code: $ERR" ;;
esac
free_space
expect_eq ok "$(sql "pragma integrity_check")" "integrity after the disk filled mid-run"
expect_exit 0 rl ls --json
st=$(jget "$OUT" '[r["status"] for r in d["runs"] if r["pipeline"] == "fill"][0]')
case "$st" in interrupted|failed|completed) pass ;; *) fail "the run that filled the disk shows '$st'" ;; esac
# no step of it left running or pending (the runner that stopped on the
# error marks them interrupted, or the next command does)
expect_eq 0 "$(sql "select count(*) from step_runs s join runs r on r.id = s.run_id join pipelines p on p.id = r.pipeline_id where p.name = 'fill' and s.status in ('pending', 'running', 'retrying')")" "no step left running"
expect_eq 0 "$(sql "select count(*) from attempts a join step_runs s on s.id = a.step_run_id join runs r on r.id = s.run_id join pipelines p on p.id = r.pipeline_id where p.name = 'fill' and a.status = 'running'")" "no attempt left running"
expect_eq "" "$(python3 "$CHECK" "$RUNLENS_STORE/runlens.db" --series 10)" "store invariants after the disk filled"
expect_exit 0 rl run p.json --no-cache
expect_eq ok "$(sql "pragma integrity_check")" "integrity at the end"
done_testing
