#!/bin/sh
# gc beside a run: a second process removes unreferenced artifacts while a
# run stores the same content.  The test hooks of core/testhook.h hold each
# side at the moment that matters (HACKING.md):
#   - gc paused between deleting the rows of unreferenced artifacts and
#     removing their content, a run storing that same content meanwhile:
#     the run's output must exist when both are done (before, gc committed
#     first, the run found the content "already stored", and gc then
#     removed it under the completed run);
#   - a run paused between moving its output into the store and recording
#     it, gc meanwhile: the same (gc must wait for the runner's write
#     transaction, which holds the put and the record);
#   - two stored artifacts of equal content under different names: gc of
#     one leaves the other.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"

out_path() { # RUN STEP OUTPUT
	sql_path "select a.path from artifacts a join step_outputs o on o.artifact_id=a.id join step_runs s on s.id=o.step_run_id where s.run_id=$1 and s.name='$2' and o.name='$3'"
}
last_run() { sql "select max(id) from runs"; }
# wait_mark FILE: until a test hook has paused (at most 20 s)
wait_mark() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ] && pass || fail "the test hook did not pause ($1)"
}

cat > p.json <<'J'
{"name": "p", "steps": [
 {"name": "make", "outputs": {"o": "out.txt", "d": "dir"},
  "run": "echo same > ${outputs.o}; mkdir -p ${outputs.d}/e; echo f > ${outputs.d}/f"}]}
J

# --- gc paused after deleting rows, a run stores the same content ---------
expect_exit 0 rl run p.json
expect_exit 0 rl rm "$(last_run)" --yes
RUNLENS_TEST_PAUSE_GC_MS=3000 RUNLENS_TEST_PAUSE_MARK="$T/mark.gc" rl gc >"$T/gc.out" 2>&1 &
gc=$!
wait_mark "$T/mark.gc"
expect_exit 0 rl run p.json
r=$(last_run)
wait $gc
expect_eq 0 $? "gc ended well"
o=$(out_path "$r" make o)
d=$(out_path "$r" make d)
[ -n "$o" ] && [ -f "$o" ] && pass || fail "the run's file output is gone after gc ($o)"
[ -n "$d" ] && [ -d "$d/e" ] && [ -f "$d/f" ] && pass || fail "the run's folder output is gone after gc ($d)"
expect_eq same "$(cat "$o" 2>/dev/null)" "and holds what the step wrote"
expect_exit 0 rl run p.json
expect_eq cached "$(sql "select status from step_runs where run_id=$(last_run)")" "the next run reuses it"

# --- a run paused between put and record, gc meanwhile --------------------
expect_exit 0 rl rm "$r" "$(last_run)" --yes
RUNLENS_TEST_PAUSE_AFTER_PUT_MS=2000 RUNLENS_TEST_PAUSE_MARK="$T/mark.put" \
	rl run p.json --no-cache >"$T/run.out" 2>&1 &
run=$!
wait_mark "$T/mark.put"
expect_exit 0 rl gc
wait $run
expect_eq 0 $? "the paused run completed"
r=$(last_run)
o=$(out_path "$r" make o)
[ -n "$o" ] && [ -f "$o" ] && pass || fail "gc removed an output between its put and its record ($o)"
[ -d "$(out_path "$r" make d)/e" ] && pass || fail "gc removed a folder output between its put and its record"

# --- equal content under two names -----------------------------------------
cat > q.json <<'J'
{"name": "q", "steps": [{"name": "make", "outputs": {"o": "other.txt"}, "run": "echo same > ${outputs.o}"}]}
J
expect_exit 0 rl run q.json
q=$(last_run)
oq=$(out_path "$q" make o)
expect_eq "$(dirname "$o")" "$(dirname "$oq")" "equal content shares its content folder"
expect_exit 0 rl rm "$r" --yes
expect_exit 0 rl gc
[ -f "$oq" ] && pass || fail "gc of out.txt removed other.txt, stored beside it"
[ ! -e "$o" ] && pass || fail "gc left the unreferenced out.txt"
expect_exit 0 rl rm "$q" --yes
expect_exit 0 rl gc
expect_eq "" "$(find "$RUNLENS_STORE/artifacts" -mindepth 1 ! -name .tmp ! -name .trash)" "gc leaves no empty content folder"

# content no record names (a runner killed after it stored an output and
# before its commit) goes with gc once it is an hour old; younger (a
# runner may be between the two now) and recorded content stays
cat > keep.json <<'J'
{"name": "keep", "steps": [{"name": "k", "run": "echo kept > ${outputs.o}", "outputs": {"o": "k.txt"}}]}
J
expect_exit 0 rl run keep.json
kept=$(out_path "$(last_run)" k o)
old=ab$(printf 'a%.0s' $(seq 1 62)); new=cd$(printf 'c%.0s' $(seq 1 62))
mkdir -p "$RUNLENS_STORE/artifacts/ab/$old" "$RUNLENS_STORE/artifacts/cd/$new"
echo big > "$RUNLENS_STORE/artifacts/ab/$old/big.bin"
echo young > "$RUNLENS_STORE/artifacts/cd/$new/young.bin"
touch -d '2 hours ago' "$RUNLENS_STORE/artifacts/ab/$old" "$(dirname "$kept")"
expect_exit 0 rl gc
expect_contains "$OUT" "gc: 1 stored content no record named (left by a runner killed while storing) removed"
[ ! -e "$RUNLENS_STORE/artifacts/ab/$old" ] && pass || fail "unrecorded content an hour old stays"
[ -f "$RUNLENS_STORE/artifacts/cd/$new/young.bin" ] && pass || fail "young unrecorded content removed"
[ -f "$kept" ] && pass || fail "recorded content removed"
expect_eq kept "$(cat "$kept")"
# a stack's artifact folder may be another store's too: what this store
# does not record there is not its to remove
mkdir -p "$T/shared/ef/ef$(printf 'e%.0s' $(seq 1 62))"
echo theirs > "$T/shared/ef/ef$(printf 'e%.0s' $(seq 1 62))/theirs.bin"
touch -d '2 hours ago' "$T/shared/ef/ef$(printf 'e%.0s' $(seq 1 62))"
expect_exit 0 rl stack register team --artifact-store "$T/shared"
expect_exit 0 rl gc
expect_eq theirs "$(cat "$T/shared/ef/ef$(printf 'e%.0s' $(seq 1 62))/theirs.bin" 2>/dev/null)" "another store's content in a shared stack folder stays"

done_testing
