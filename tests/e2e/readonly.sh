#!/bin/sh
# A store you may read but not write (issue 14, item 11): every read
# command works, also while its owner is running a pipeline in it, and so
# does the browser; nothing is written (no -wal, no -shm, the database
# unchanged); runs whose runner died are left as they are, with one note;
# every write command fails with one line naming the store and saying it
# is read-only.  The reader: as root, the user nobody (setpriv), since
# root may write anything; otherwise this user, once the store is made
# read-only with chmod.  (Skipped, exit 77, as root without setpriv.)
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH  # steps call `runlens metric`
DB="$RUNLENS_STORE/runlens.db"

if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 ||
		{ echo "root without setpriv: cannot read the store as another user: skipped"; exit 77; }
	as_reader() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod 755 "$T" # mktemp made it 0700: nobody could not reach the store
	as_reader test -x "$RUNLENS_BIN" ||
		{ echo "nobody cannot run $RUNLENS_BIN (a folder above it is closed): skipped"; exit 77; }
	WHO="nobody"
	make_read_only() { :; } # root's files: others may read them, not write
	OWNER_WRITES=1
else
	as_reader() { "$@"; }
	WHO="$(id -un)"
	make_read_only() { chmod -R a-w "$RUNLENS_STORE"; }
	OWNER_WRITES=0 # the reader is the owner: it cannot also write
fi
echo "reader: $WHO"

cat > p.json <<'J'
{"name": "ro", "params": {"lr": 0.1},
 "steps": [
  {"name": "a", "run": "echo hello; runlens metric loss 0.5 --index 0; runlens metric loss 0.25 --index 1; runlens meta k=v; echo x > ${outputs.o}",
   "outputs": {"o": "o.txt"}},
  {"name": "b", "inputs": {"o": "a.o"}, "retries": 1,
   "run": "if [ ! -f \"$RUNLENS_CHECKPOINT_DIR/once\" ]; then touch \"$RUNLENS_CHECKPOINT_DIR/once\"; exit 3; fi; runlens metric acc ${params.lr}"}
 ]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json -p lr=0.2 --tag second --no-cache
# a run whose runner is gone, still 'running' (as a kill -9 leaves it)
sql_w() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" "$DB" "$1"; }
expect_exit 0 rl run p.json -p lr=0.3
sql_w "update runs set status = 'running', ended_ms = NULL, runner_host = 'gone', heartbeat_ms = 1 where id = 3"
rm -f "$DB-wal" "$DB-shm"
[ ! -e "$DB-wal" ] && [ ! -e "$DB-shm" ] && pass || fail "the owner's last command left a -wal or -shm"
make_read_only
sum=$(sha256sum < "$DB")

# --- every read command works, and says nothing but the one note
note="runlens: note: the store $RUNLENS_STORE is read-only for you: 1 run whose runner is gone still shows 'running' (marked interrupted when someone who may write the store opens it)"
for cmd in "ls" "ls --json" "ls --where status=completed" "ls --sort -a.loss" "pipelines" \
	   "show 2" "show 2 --json" "show last" "step 2 a" "step 2 b --json" "logs 2 a" \
	   "logs 2 b --attempt 1" "why 2 b" "compare 2 1" "compare 2 --json" "stack ls"; do
	as_reader "$RUNLENS_BIN" $cmd >"$T/.out" 2>"$T/.err"; code=$?
	if [ "$code" -ne 0 ]; then
		fail "'$cmd' as $WHO: exit $code: $(head -3 "$T/.err")"
	elif [ -s "$T/.err" ] && [ "$(cat "$T/.err")" != "$note" ]; then
		fail "'$cmd' as $WHO: more than the note: $(head -3 "$T/.err")"
	else
		pass
	fi
done
as_reader "$RUNLENS_BIN" ls >"$T/.out" 2>"$T/.err"
expect_eq "$note" "$(cat "$T/.err")" "the note, once"
expect_contains "$(cat "$T/.out")" "running" "the dead run is left as it is"
as_reader "$RUNLENS_BIN" show 2 --json >"$T/.out" 2>/dev/null
expect_eq "completed second" "$(jget "$(cat "$T/.out")" '"%s %s" % (d["status"], " ".join(d["tags"]))')" "show --json"
as_reader "$RUNLENS_BIN" logs 2 a >"$T/.out" 2>/dev/null
expect_eq "hello" "$(cat "$T/.out")" "logs"
as_reader "$RUNLENS_BIN" step 2 b --json >"$T/.out" 2>/dev/null
expect_eq "2 0.2" "$(jget "$(cat "$T/.out")" '"%d %s" % (len(d["attempts"]), d["context"]["run"]["params"]["lr"])')" "step --json: attempts and context"

# nothing was written
expect_eq "$sum" "$(sha256sum < "$DB")" "the database is unchanged"
[ ! -e "$DB-wal" ] && [ ! -e "$DB-shm" ] && pass || fail "a reader left a -wal or -shm"

# --- every write command: one line, the store named, read-only said
mkdir -p "$T/fast" && chmod 777 "$T/fast" # stack register makes its folder first
for cmd in "tag 2 x" "note 2 hello" "pin 2" "unpin ro" "rm 1 --yes" "gc" "run p.json" "rerun 2" \
	   "stack register fast --artifact-store $T/fast"; do
	as_reader "$RUNLENS_BIN" $cmd >"$T/.out" 2>"$T/.err"; code=$?
	if [ "$code" -ne 1 ]; then
		fail "'$cmd' as $WHO: exit $code (want 1): $(head -3 "$T/.err")"
	elif [ "$(grep -c . "$T/.err")" -ne 1 ]; then
		fail "'$cmd' as $WHO: not one line: $(cat "$T/.err")"
	else
		expect_contains "$(cat "$T/.err")" "the store $RUNLENS_STORE is read-only for you" "'$cmd'"
	fi
done
expect_eq "$sum" "$(sha256sum < "$DB")" "the database is unchanged by the refused writes"
# (read as the reader does: lib.sh's sql cannot open a store it may not
# write, nor can any plain SQLite reader without its -shm)
expect_eq "3" "$(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:%s?mode=ro&immutable=1' % sys.argv[1], uri=True).execute('select count(*) from runs').fetchone()[0])" "$DB")" "no run recorded"

# --- while its owner runs a pipeline: read through the owner's -shm
if [ "$OWNER_WRITES" = 1 ]; then
	cat > slow.json <<'J'
{"name": "slow", "steps": [{"name": "s", "run": "runlens metric x 1; touch started; while [ ! -f go ]; do sleep 0.05; done"}]}
J
	rl run slow.json >/dev/null 2>&1 &
	runner=$!
	i=0; while [ ! -f started ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$DB-shm" ] && pass || fail "the owner's run has no -shm"
	as_reader "$RUNLENS_BIN" ls >"$T/.out" 2>"$T/.err"; code=$?
	expect_eq 0 "$code" "ls during the owner's run: $(head -2 "$T/.err")"
	expect_contains "$(grep slow "$T/.out")" "running" "the owner's run, as it goes"
	as_reader "$RUNLENS_BIN" step last s --json >"$T/.out" 2>"$T/.err"
	expect_eq "running" "$(jget "$(cat "$T/.out")" 'd["status"]')" "step during the owner's run"
	touch go
	wait "$runner"
	as_reader "$RUNLENS_BIN" ls >"$T/.out" 2>"$T/.err"
	expect_contains "$(grep slow "$T/.out")" "completed" "the owner's run, ended"
	expect_eq "1" "$(sql "select count(*) from runs where status = 'interrupted'")" "the owner's run repaired the dead one"
else
	echo "the owner cannot write a store made read-only for the reader: the owner's run is not tried"
fi

# --- the browser, with --read-only and without
if command -v tmux >/dev/null 2>&1; then
	export TERM=xterm-256color LC_ALL=C.UTF-8
	S="runlens-ro-$$"
	. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
	trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT
	reader_cmd="$RUNLENS_BIN"
	[ "$(id -u)" -eq 0 ] && reader_cmd="setpriv --reuid=65534 --regid=65534 --clear-groups $RUNLENS_BIN"
	for args in "tui --read-only" "tui"; do
		tmux_ kill-session -t tui 2>/dev/null
		tmux_ new-session -d -s tui -x 120 -y 30 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' $reader_cmd $args; echo EXIT \$?; sleep 60"
		see "[read-only]"
		see "ro-"
		key Enter
		see "RUN CONTEXT"
		key q
		see "Runs"
		key d
		if [ "$args" = tui ]; then
			see "deleting runs is disabled (you may not write this store)"
		else
			see "deleting runs is disabled (started with --read-only)"
		fi
		if [ "$OWNER_WRITES" = 1 ] && [ "$args" = tui ]; then
			# the owner runs again while the browser is open: it shows the
			# new run by itself (a snapshot reopens once the owner writes)
			expect_exit 0 rl run p.json -p lr=0.4 --tag later
			see "later"
		fi
		key Q
		see "EXIT 0"
	done
	[ -e "$DB-wal" ] && [ "$OWNER_WRITES" = 1 ] && rl ls >/dev/null 2>&1 # fold the owner's WAL in
else
	echo "tmux not installed: the browser is not tried"
fi
done_testing
