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
