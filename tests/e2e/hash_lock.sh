#!/bin/sh
# Hashing holds no lock (docs/reliability.md): while the runner hashes a
# big output, an external input or a cached artifact, the store's write
# lock is free, so `runlens tag` and a second runner go on.  A sparse file
# makes the hashing long (its bytes are read, zeros from no disk); a
# writer that tries the lock with a short timeout, over and over, is the
# "slow reader" beside it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
export XDG_CONFIG_HOME="$T/config"
SIZE=${RUNLENS_HASH_LOCK_SIZE:-1536M}

# Try BEGIN IMMEDIATE with a 300 ms timeout while the file FLAG exists;
# print how many tries there were and how many found the store locked.
prober() {
	python3 - "$1" <<'PY'
import os, sqlite3, sys, time
flag = sys.argv[1]
tries = locked = 0
while not os.path.exists(flag):
    time.sleep(0.01)
while os.path.exists(flag):
    db = sqlite3.connect(".runlens/runlens.db", timeout=0.3, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.OperationalError:
        locked += 1
    db.close()
    tries += 1
    time.sleep(0.02)
print(tries, locked)
PY
}

# ---- a big output: hashed outside the lock
cat > big.json <<J
{"name": "big", "steps": [
 {"name": "make", "outputs": {"blob": "blob.bin"},
  "run": "truncate -s $SIZE \${outputs.blob}; touch $T/hashing"},
 {"name": "after", "inputs": {"b": "make.blob"}, "run": "rm -f $T/hashing; echo ok"}
]}
J
expect_exit 0 rl run big.json --name warmup # the store exists, its schema made
rm -f hashing
prober hashing > probe1.txt &
probe=$!
expect_exit 0 rl run big.json --no-cache
rm -f hashing
wait $probe
read -r tries locked < probe1.txt
[ "$tries" -gt 0 ] && pass || fail "the prober never ran"
expect_eq 0 "$locked" "the store was never locked for 300 ms while the output was hashed ($tries tries)"

# ---- a big external input: hashed outside the lock, while a second
# runner records metrics and `tag` writes
truncate -s "$SIZE" ext.bin
cat > ext.json <<J
{"name": "ext", "steps": [
 {"name": "read", "inputs": {"x": {"path": "ext.bin"}}, "run": "rm -f $T/hashing; echo ok"}
]}
J
cat > talk.json <<'J'
{"name": "talk", "steps": [{"name": "log", "run": "i=0; while [ $i -lt 100 ]; do runlens metric m $i --index $i || exit 1; i=$((i+1)); done"}]}
J
touch hashing
prober hashing > probe2.txt &
probe=$!
"$RUNLENS_BIN" run ext.json > ext.out 2>&1 &
ext=$!
expect_exit 0 rl run talk.json
expect_exit 0 rl tag last beside-hashing
wait $ext; expect_eq 0 $? "the runner hashing its input completed ($(tail -2 ext.out))"
rm -f hashing
wait $probe
read -r tries locked < probe2.txt
expect_eq 0 "$locked" "never locked while the input was hashed ($tries tries)"
expect_eq 100 "$(sql "select count(*) from metrics m join step_runs s on s.id=m.step_run_id join runs r on r.id=s.run_id join pipelines p on p.id=r.pipeline_id where p.name='talk'")" "every point of the runner beside it recorded"
done_testing
