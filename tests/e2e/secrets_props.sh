#!/bin/sh
# Property test of secrets (tests/e2e/secrets_props.py): random values,
# leaked by a step every way it can, are found nowhere — logs, metadata,
# state, context.json, the store folder, --json output.  And the secrets
# file is refused whenever group or others may read or write it.
# RUNLENS_SECRET_TRIALS: trials (default 6), RUNLENS_SECRET_SEED: seed.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export XDG_CONFIG_HOME="$T/cfg"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
export PYTHONPATH="$RUNLENS_PYTHON_DIR${PYTHONPATH:+:$PYTHONPATH}"
TRIALS=${RUNLENS_SECRET_TRIALS:-6}
SEED=${RUNLENS_SECRET_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}

python3 "$TESTS_SRCDIR/e2e/secrets_props.py" "$RUNLENS_BIN" "$TRIALS" "$SEED" > props.out 2>&1; code=$?
tail -1 props.out
expect_eq 0 "$code" "secret property test (seed $SEED)"
[ "$code" -eq 0 ] || head -20 props.out >&2

# --- file permissions: any group/other bit is refused, by every command
f="$T/cfg/runlens/secrets.json"
printf '{"name": "p", "steps": [{"name": "s", "secrets": ["vault"], "run": "true"}]}' > perm.json
for mode in 640 604 660 606 620 602 644 666 770 707 601 610; do
	chmod "$mode" "$f"
	expect_exit 2 rl secret ls
	expect_contains "$ERR" "refusing $f: group or others may access it (mode 0$mode)" "secret ls, mode $mode"
	expect_exit 2 rl secret set vault key=x
	expect_exit 1 rl run perm.json
	expect_contains "$OUT" "secrets: refusing $f: group or others may access it" "run with mode $mode"
done
chmod 600 "$f"
expect_exit 0 rl secret ls
chmod 400 "$f"
expect_exit 0 rl secret ls
chmod 600 "$f"
# a secrets file that is not JSON, or not an object
cp "$f" good.json
printf 'not json' > "$f"; chmod 600 "$f"
expect_exit 2 rl secret ls
expect_contains "$ERR" "is not a JSON object of secrets"
printf '[1]' > "$f"
expect_exit 2 rl secret ls
cp good.json "$f"; chmod 600 "$f"
expect_exit 0 rl secret ls
done_testing
