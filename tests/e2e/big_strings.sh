#!/bin/sh
# Big strings in a pipeline (issue 14, item 13, the store's side): three
# params of RUNLENS_BIG_MB megabytes each (default 1; the issue's case is
# 10) reach every attempt's context.json (run.params); two steps and one
# tried three times make five attempts.  Each attempt's context used to be
# stored whole (attempts.context_json): five copies of the params.  Now the
# store keeps what the contexts share once (store/contexts.c), and every
# attempt still reads its whole context back.  Prints the database's size
# and what the contexts take in it.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
MB=${RUNLENS_BIG_MB:-1}

python3 - "$MB" <<'PY'
import base64, json, os, sys
mb = int(sys.argv[1])
big = lambda: base64.b64encode(os.urandom(mb * 786432)).decode()  # mb MB of text
spec = {"name": "big", "params": {"a": big(), "b": big(), "c": big()},
        "steps": [
            {"name": "one", "run": "true"},
            {"name": "two", "run": "true", "needs": ["one"]},
            {"name": "flaky", "retries": 2, "needs": ["two"],
             "run": "n=$(cat \"$RUNLENS_CHECKPOINT_DIR/n\" 2>/dev/null || echo 0); echo $((n + 1)) > \"$RUNLENS_CHECKPOINT_DIR/n\"; [ $n -ge 2 ]"}]}
json.dump(spec, open("big.json", "w"))
PY
expect_exit 0 rl run big.json
expect_eq 5 "$(sql "select count(*) from attempts")" "attempts (one, two, flaky three times)"
size=$(stat -c %s "$RUNLENS_STORE/runlens.db")
ctx=$(sql "select coalesce(sum(length(context_json)), 0) from attempts")
if [ "$(sql "select count(*) from sqlite_schema where name = 'context_pieces'")" = 1 ]; then
	ctx=$((ctx + $(sql "select coalesce(sum(length(data)), 0) from context_pieces")))
fi
echo "three ${MB} MB params, 5 attempts: runlens.db $size bytes, contexts $ctx bytes"
# the context each step shows is whole: the params, its own step, its
# last attempt (every attempt's: tests/unit/test_store.c, contexts_shared)
for step in one two flaky; do
	expect_exit 0 rl step last "$step" --json
	expect_eq "$step $(jget "$OUT" 'len(d["attempts"])') $((MB * 786432 * 4 / 3))" \
		"$(jget "$OUT" "'%s %d %d' % (d['context']['step']['name'], d['context']['step']['attempt'], len(d['context']['run']['params']['c']))")" \
		"the context of $step"
done
# the params once for all five attempts (and a little for each), not four
# times: under 1.5 times the params' size
limit=$((3 * MB * 1048576 * 3 / 2))
[ "$ctx" -lt "$limit" ] && pass || fail "the contexts take $ctx bytes for 3 x $MB MB of params (at most $limit)"
done_testing
