#!/bin/sh
# Damaged and old stores.
#   - runlens.db truncated at many sizes, replaced by garbage, or with
#     pages overwritten: every command answers with one "runlens: …" line
#     and exit 1 (or works, when what it reads is intact), never a crash;
#     a store known to be damaged is said to be damaged;
#   - a store of a newer schema is refused and left alone;
#   - every fixture store of an earlier schema (tests/fixtures/store-v*/)
#     opens, migrates to the current version, keeps its runs, passes
#     integrity_check, and takes a new run.
# RUNLENS_DAMAGE_CASES: random damage cases (default 15).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
CASES=${RUNLENS_DAMAGE_CASES:-15}
SEED=${RUNLENS_DAMAGE_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
DB="$RUNLENS_STORE/runlens.db"

cat > p.json <<'J'
{"name": "d", "steps": [
 {"name": "a", "run": "runlens metric x 1; runlens meta k=v; echo hi > ${outputs.o}", "outputs": {"o": "o.txt"}},
 {"name": "b", "inputs": {"o": "a.o"}, "run": "cat ${inputs.o}"}
]}
J
for i in 1 2 3 4 5 6 7 8; do rl run p.json --no-cache >/dev/null 2>&1; done
expect_eq 8 "$(sql "select count(*) from runs where status='completed'")" "runs to damage"
rl ls >/dev/null 2>&1   # checkpointed and closed: everything is in runlens.db
cp "$DB" good.db
rm -f "$DB-wal" "$DB-shm"
size=$(stat -c %s good.db)

# run every command on the damaged store: one line, exit 0/1/4, no crash
try_all() { # WHAT
	for cmd in "ls" "ls --json" "show last" "show 3 --json" "step 2 a" "logs 2 a" \
		   "pipelines" "compare last" "ls --where x.y>1" "run p.json --no-cache"; do
		rm -f "$DB-wal" "$DB-shm"
		"$RUNLENS_BIN" $cmd >"$T/.out" 2>"$T/.err"; code=$?
		# one error line (warnings, such as a --where field no run has,
		# are not errors)
		lines=$(grep -v '^runlens: warning: ' "$T/.err" | grep -c .)
		case "$code" in
		0|1|4) ;;
		*) fail "$1: '$cmd' exit $code: $(head -3 "$T/.err")"; continue ;;
		esac
		if [ "$code" -ne 0 ] && { [ "$lines" -ne 1 ] || ! grep -q '^runlens: ' "$T/.err"; }; then
			fail "$1: '$cmd' exit $code without one 'runlens: ' line: $(head -3 "$T/.err")"
			continue
		fi
		if grep -q "Sanitizer\|runtime error" "$T/.err"; then
			fail "$1: '$cmd': $(head -3 "$T/.err")"; continue
		fi
		pass
		[ "$code" -ne 0 ] && ERRS="$ERRS$(cat "$T/.err")
"
	done
}

# --- fixed cases: garbage, the header only, a truncated file
head -c "$size" /dev/urandom > "$DB"; ERRS=""
try_all "garbage"
expect_contains "$ERRS" "the store database is damaged (file is not a database)" "garbage"
for cut in 100 4096 $((size / 2)) $((size - 4096)); do
	cp good.db "$DB"; truncate -s "$cut" "$DB"; ERRS=""
	try_all "truncated at $cut bytes"
	expect_contains "$ERRS" "the store database is damaged" "truncated at $cut bytes"
done
# pages overwritten in the middle: the commands that read them say so
cp good.db "$DB"
dd if=/dev/urandom of="$DB" bs=4096 seek=3 count=$(( size / 4096 - 4 )) conv=notrunc 2>/dev/null
ERRS=""
try_all "pages overwritten"
expect_contains "$ERRS" "the store database is damaged" "pages overwritten"

# --- random damage: truncation or bytes overwritten at random places
n=0 rng=$SEED
echo "damage: $CASES random cases, seed $SEED"
while [ $n -lt "$CASES" ]; do
	n=$((n + 1))
	rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
	cp good.db "$DB"
	if [ $((rng % 3)) -eq 0 ]; then
		truncate -s $(( rng % size )) "$DB"; what="truncated at $(( rng % size ))"
	else
		at=$(( rng % size )); len=$(( 1 + (rng / 7) % 600 ))
		head -c "$len" /dev/urandom | dd of="$DB" bs=1 seek="$at" conv=notrunc 2>/dev/null
		what="$len bytes overwritten at $at"
	fi
	ERRS=""
	try_all "case $n ($what, seed $SEED)"
done

# --- crafted stores (issue 14, item 15): each as it was found, then what a
# command says of it.  craft SQL...: good.db with each SQL run on it by a
# plain connection of its own (a changed schema applies to the next)
# whose schema is writable.
craft() {
	cp good.db "$DB"; rm -f "$DB-wal" "$DB-shm"
	python3 - "$DB" "$@" <<'PY' || fail "cannot craft the store: $*"
import sqlite3, sys
for q in sys.argv[2:]:
    c = sqlite3.connect(sys.argv[1])
    c.execute("pragma writable_schema=on")
    c.executescript(q)
    c.commit()
    c.close()
PY
}
# gc met an artifact whose path is NULL and crashed (a NULL dereference)
craft "update sqlite_schema set sql = replace(sql, 'path TEXT NOT NULL', 'path TEXT') where name = 'artifacts'" \
      "delete from step_outputs; delete from step_inputs; update artifacts set path = NULL"
expect_exit 0 rl gc
expect_contains "$OUT" "removed" "gc of an artifact without a path"
# gc removes only content folders of an artifact store (ROOT/ab/abcd…/NAME):
# a crafted stack naming a user's folder as its artifact store, or none
# (''), and artifact rows pointing into it, removed the user's folders
mkdir -p "$T/home/docs" "$T/home/ab/notahash"
echo keep > "$T/home/docs/important"; echo keep > "$T/home/ab/notahash/x"
craft "update sqlite_schema set sql = replace(sql, 'artifact_store TEXT NOT NULL', 'artifact_store TEXT') where name = 'stacks'" \
      "insert into stacks (name, artifact_store, created_ms) values ('mine', '$T/home', 1), ('none', NULL, 1), ('empty', '', 1)" \
      "delete from step_outputs; delete from step_inputs" \
      "update artifacts set path = '$T/home/docs/important' where id = 1" \
      "update artifacts set path = '$T/home/ab/notahash/x' where id = 2" \
      "update artifacts set path = '$T/p.json' where id = 3"
expect_exit 0 rl gc
[ -f "$T/home/docs/important" ] && [ -f "$T/home/ab/notahash/x" ] && [ -f "$T/p.json" ] && pass ||
	fail "gc of a crafted store removed files outside the artifact stores' content folders"
# a negative schema version read before the start of the migrations
craft "pragma user_version = -7"
expect_exit 1 rl ls
expect_contains "$ERR" "the store database is damaged (schema version -7)" "negative schema version"
expect_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "negative schema version: one line"
# times at the ends of 64 bits: a run 'running' since INT64_MIN made the
# liveness check's now - heartbeat overflow (undefined; UBSan stops it)
craft "update runs set status = 'running', runner_host = 'elsewhere', heartbeat_ms = -9223372036854775808, started_ms = -9223372036854775808, ended_ms = 9223372036854775807 where id = 1" \
      "update runs set started_ms = 9223372036854775807 where id = 2" \
      "update step_runs set started_ms = -9223372036854775808, ended_ms = 9223372036854775807"
for cmd in "ls" "ls --json" "show 1" "show 2 --json" "step 1 a" "compare 1 2" "ls --sort duration"; do
	"$RUNLENS_BIN" $cmd >"$T/.out" 2>"$T/.err"; code=$?
	if [ "$code" -gt 1 ] || grep -q "Sanitizer\|runtime error" "$T/.err"; then
		fail "extreme times: '$cmd' exit $code: $(head -3 "$T/.err")"
	else
		pass
	fi
done
expect_eq "interrupted" "$(sql "select status from runs where id = 1")" "a run dead since INT64_MIN is marked interrupted"
# NULL where the schema says NOT NULL: every read command answers
craft "update sqlite_schema set sql = replace(sql, 'NOT NULL', '') where name in ('runs', 'step_runs', 'pipelines', 'attempts')" \
      "update runs set name = NULL, status = NULL, params_json = NULL, state_json = NULL where id = 3" \
      "update step_runs set name = NULL, status = NULL where run_id = 3" \
      "update attempts set status = NULL"
ERRS=""
try_all "NULL columns"
# a view read in place of the pipelines that never ends (ls hung):
# refused at once
craft "delete from sqlite_schema where tbl_name = 'pipelines' and type = 'index'" \
      "update sqlite_schema set type = 'view', rootpage = 0, sql = 'CREATE VIEW pipelines AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS id, ''d'' AS name, NULL AS description, 0 AS created_ms, NULL AS pinned_run_id, 0 AS run_count, 0 AS completed_count, 0 AS failed_count, NULL AS last_run_id FROM c' where name = 'pipelines'"
expect_exit 1 timeout 20 "$RUNLENS_BIN" ls
expect_contains "$ERR" "the store database is damaged (it holds a view runlens does not make)" "a view"
# a trigger on the liveness check's write that never ends
craft "create trigger spin after update on runs begin select count(*) from runs a, runs b, runs c, runs d, runs e, runs f, runs g, runs h, runs i, runs j, runs k; end" \
      "update runs set status = 'running', runner_host = 'elsewhere', heartbeat_ms = 1 where id = 1"
expect_exit 1 timeout 20 "$RUNLENS_BIN" ls
expect_contains "$ERR" "it holds a trigger runlens does not make" "a trigger"

# the inputs fuzz_store found bugs with (tests/fuzz/corpus/store/regress-*):
# every command answers in one line
for fx in "$TESTS_SRCDIR"/fuzz/corpus/store/regress-*; do
	[ -f "$fx" ] || continue
	cp "$fx" "$DB"; rm -f "$DB-wal" "$DB-shm"; ERRS=""
	try_all "fuzz_store's $(basename "$fx")"
done
expect_contains "$ERRS" "(malformed database schema (step_r,\\x0a\\x09\\x09\"secret))" "the newline of a damaged schema, escaped"

# --- a store of a newer schema: refused, not touched
cp good.db "$DB"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('pragma user_version=99'); c.commit()" "$DB"
sum=$(sha256sum < "$DB")
expect_exit 1 rl ls
expect_contains "$ERR" "has schema version 99; this runlens knows up to"
expect_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "too new: one line"
expect_exit 1 rl run p.json
expect_eq "$sum" "$(sha256sum < "$DB")" "a newer store is left alone"

# --- every earlier schema version opens and migrates
cur=$(rm -rf fresh && mkdir fresh && RUNLENS_STORE="$T/fresh/.runlens" rl run p.json >/dev/null 2>&1; \
      python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma user_version').fetchone()[0])" "$T/fresh/.runlens/runlens.db")
nfix=0
for fx in "$TESTS_SRCDIR"/fixtures/store-v*/; do
	[ -f "$fx/runlens.db" ] || continue
	nfix=$((nfix + 1))
	v=$(basename "$fx"); rm -rf "$T/old"; mkdir -p "$T/old"
	cp -R "$fx" "$T/old/.runlens"; chmod -R u+w "$T/old"
	export RUNLENS_STORE="$T/old/.runlens"
	before=$(sql "select count(*) from runs")
	expect_exit 0 rl ls --json
	expect_eq "$cur" "$(sql "pragma user_version")" "$v migrated to the current schema"
	expect_contains "$ERR" "runlens: upgrading the store" "$v: the upgrade is announced"
	expect_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "$v: in one line"
	expect_eq "$before" "$(jget "$OUT" 'len(d["runs"])')" "$v: its runs are all listed"
	expect_eq ok "$(sql "pragma integrity_check")" "$v: integrity after migrating"
	expect_exit 0 rl show last --json
	expect_eq "" "$ERR" "$v: once"
	expect_exit 0 rl run "$T/p.json"
	expect_eq $((before + 1)) "$(sql "select count(*) from runs")" "$v takes a new run"
done
[ $nfix -gt 0 ] && pass || fail "no fixture store under $TESTS_SRCDIR/fixtures"
echo "fixtures: $nfix earlier schema versions, current $cur"
done_testing
