# tests/e2e/lib.sh — helpers for the end-to-end tests.
# Each test script sources this file, runs the real runlens binary in a
# fresh temporary folder, and exits 0 (pass), 1 (fail) or 77 (skip).
set -u

: "${RUNLENS_BIN:?RUNLENS_BIN must point at the runlens binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/runlens-e2e.XXXXXX")
trap 'cleanup_tmp' EXIT
cleanup_tmp() { [ -n "${KEEP_TMP:-}" ] && { echo "kept $T"; return; }; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"; }
cd "$T" || exit 99
export RUNLENS_STORE="$T/.runlens"
export NO_COLOR=1 TZ=UTC LC_ALL=C
# the browser's prompt history goes to the test's folder, not $HOME
export XDG_STATE_HOME="$T/state"
unset RUNLENS_CONTEXT RUNLENS_STEP 2>/dev/null || true
FAILS=0
CHECKS=0

rl() { "$RUNLENS_BIN" "$@"; }

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }

# expect_exit CODE CMD...: run CMD, check its exit status; output in $OUT/$ERR
expect_exit() {
	want=$1; shift
	"$@" >"$T/.out" 2>"$T/.err"; got=$?
	OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err")
	if [ "$got" -ne "$want" ]; then
		fail "expected exit $want, got $got: $*"
		sed 's/^/  stdout: /' "$T/.out" | head -20 >&2
		sed 's/^/  stderr: /' "$T/.err" | head -20 >&2
	else
		pass
	fi
}

expect_eq() { # WANT GOT [WHAT]
	if [ "$1" = "$2" ]; then pass; else fail "${3:-value}: expected '$1', got '$2'"; fi
}

expect_contains() { # HAYSTACK NEEDLE [WHAT]
	case "$1" in *"$2"*) pass ;; *) fail "${3:-output} does not contain '$2': $(printf '%s' "$1" | head -c 600)";; esac
}

expect_not_contains() {
	case "$1" in *"$2"*) fail "${3:-output} contains '$2'";; *) pass ;; esac
}

# jget JSON-TEXT PY-EXPR: evaluate a Python expression on parsed JSON 'd'
jget() {
	printf '%s' "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); v=eval(sys.argv[1]); print(json.dumps(v) if not isinstance(v,str) else v)' "$2"
}

# sql QUERY: read the store with python's sqlite3 (read-only)
sql() {
	python3 - "$RUNLENS_STORE/runlens.db" "$1" <<'PY'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for row in con.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}
# sql_path QUERY: the one path QUERY selects, a file to open: the store
# keeps its own files' paths relative to its folder (schema 12)
sql_path() {
	p=$(sql "$1")
	case "$p" in /*|'') printf '%s\n' "$p" ;; *) printf '%s/%s\n' "$RUNLENS_STORE" "$p" ;; esac
}

# alive PID: "alive" while the process runs ("gone" when it has exited,
# also as a zombie that nobody has reaped yet)
alive() {
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	case "$st" in ""|Z|X) echo gone ;; *) echo alive ;; esac
}

done_testing() {
	echo "$CHECKS checks passed, $FAILS failed"
	[ "$FAILS" -eq 0 ] || exit 1
	exit 0
}
