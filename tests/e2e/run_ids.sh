#!/bin/sh
# Run ids are never reused (issue 14, item 12).  A run's id names its
# folder (runs/ID: logs, context, checkpoints): deleting the newest run
# gave its id to the next run, which then found the deleted run's folder
# and resumed from its checkpoint.  Now: the next run takes a new id; rm
# says so when it cannot remove a run's folder (it said "deleted"); and a
# run whose folder is already there does not start (nothing recorded, the
# step never sees that checkpoint).  The undeletable folder: one the user
# running runlens may not change (as root, runlens runs as nobody and the
# folder is root's; otherwise a folder without write permission).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH

ids() { sql "select group_concat(id, ' ') from (select id from runs order by id)"; }
# the step says what it found in its checkpoint folder, then leaves a mark
cat > p.json <<'J'
{"name": "ids", "steps": [{"name": "s", "run": "if [ -e \"$RUNLENS_CHECKPOINT_DIR/mark\" ]; then echo \"found the checkpoint of run $(cat \"$RUNLENS_CHECKPOINT_DIR/mark\")\"; exit 3; fi; echo $RUNLENS_RUN_ID > \"$RUNLENS_CHECKPOINT_DIR/mark\"; echo fresh"}]}
J
expect_exit 0 rl run p.json --no-cache
expect_exit 0 rl run p.json --no-cache
expect_eq "1 2" "$(ids)" "two runs"

# --- rm the newest run, run again: a new id, and no old checkpoint
expect_exit 0 rl rm 2 --yes
[ ! -e "$RUNLENS_STORE/runs/2" ] && pass || fail "rm left runs/2"
expect_exit 0 rl run p.json --no-cache
expect_eq "1 3" "$(ids)" "the next run takes id 3, not 2"
expect_exit 0 rl logs 3 s
expect_eq "fresh" "$OUT" "the new run's step found no checkpoint"
# nor after deleting every run
expect_exit 0 rl rm 1 3 --yes
expect_exit 0 rl run p.json --no-cache
expect_eq "4" "$(ids)" "after deleting every run, id 4"

# --- a run whose folder is there already does not start
mkdir -p "$RUNLENS_STORE/runs/5/s/checkpoint"
echo 2 > "$RUNLENS_STORE/runs/5/s/checkpoint/mark"
expect_exit 1 rl run p.json --no-cache
expect_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "one line"
expect_contains "$ERR" "run 5: its folder $RUNLENS_STORE/runs/5 is already there" "the folder is named"
expect_contains "$ERR" "does not reuse another run's folder" "and why"
expect_eq "4" "$(ids)" "nothing recorded"
expect_eq "2" "$(cat "$RUNLENS_STORE/runs/5/s/checkpoint/mark")" "the folder left alone"
rm -rf "$RUNLENS_STORE/runs/5"
expect_exit 0 rl run p.json --no-cache
expect_exit 0 rl logs 5 s
expect_eq "fresh" "$OUT" "once it is moved away, run 5 starts afresh"

# --- rm says so when a run's folder cannot be removed
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 ||
		{ echo "root without setpriv: the undeletable folder is not tried"; done_testing; }
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod 755 "$T"
	chown -R 65534:65534 "$RUNLENS_STORE"
	# a folder of root's inside run 5's: nobody may not empty it
	mkdir "$RUNLENS_STORE/runs/5/s/locked" && chown 0:0 "$RUNLENS_STORE/runs/5/s/locked"
	touch "$RUNLENS_STORE/runs/5/s/locked/f"
	as_user test -x "$RUNLENS_BIN" ||
		{ echo "nobody cannot run $RUNLENS_BIN: the undeletable folder is not tried"; done_testing; }
else
	as_user() { "$@"; }
	mkdir "$RUNLENS_STORE/runs/5/s/locked" && touch "$RUNLENS_STORE/runs/5/s/locked/f"
	chmod a-w "$RUNLENS_STORE/runs/5/s/locked"
fi
expect_exit 1 as_user "$RUNLENS_BIN" rm 5 --yes
expect_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "rm: one line"
expect_contains "$ERR" "rm: run 5 was deleted, but its folder $RUNLENS_STORE/runs/5 could not be removed" "rm names the folder"
expect_not_contains "$OUT" "deleted 1 run" "rm does not say it deleted cleanly"
expect_eq "4" "$(ids)" "the run is deleted all the same"
[ -e "$RUNLENS_STORE/runs/5" ] && pass || fail "runs/5 should still be there"
# the next run takes id 6: the folder left behind is never another run's
expect_exit 0 as_user "$RUNLENS_BIN" run p.json --no-cache
expect_eq "4 6" "$(ids)" "after rm left runs/5, id 6"
expect_exit 0 as_user "$RUNLENS_BIN" logs 6 s
expect_eq "fresh" "$OUT" "run 6 starts afresh"
[ "$(id -u)" -eq 0 ] || chmod u+w "$RUNLENS_STORE/runs/5/s/locked"
done_testing
