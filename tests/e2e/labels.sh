#!/bin/sh
# Labels (issue 19, item 7): `untag` removes tags (one the run does not
# have is said, not an error), and every note is kept with its time:
# `show` prints the newest, `show --notes` and `show --json` all of them.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export XDG_CONFIG_HOME="$T/config"
cat > p.json <<'J'
{"name": "lab", "steps": [{"name": "s", "run": "true"}]}
J
expect_exit 0 rl run p.json --name one --tag keep --tag drop
expect_exit 0 rl tag one extra
expect_exit 0 rl untag one drop extra
expect_eq "run 1 untagged: 2 tags removed" "$OUT"
expect_eq '["keep"]' "$(jget "$(rl show one --json)" 'd["tags"]')"
expect_exit 0 rl untag one drop
expect_eq "run 1 untagged: 0 tags removed (it had no tag 'drop')" "$OUT"
expect_exit 0 rl ls --where tag=drop --json
expect_eq "0" "$(jget "$OUT" 'len(d["runs"])')" "an untagged run no longer matches tag="
expect_exit 2 rl untag one
expect_exit 4 rl untag nosuchrun keep

expect_exit 0 rl note one "first thoughts"
expect_exit 0 rl note one second look
expect_exit 0 rl show one
expect_contains "$OUT" "note      second look  (the newest; show --notes for all)"
expect_not_contains "$OUT" "first thoughts"
expect_exit 0 rl show one --notes
expect_contains "$OUT" "  notes"
expect_contains "$OUT" "  first thoughts"
expect_contains "$OUT" "  second look"
first=$(printf '%s\n' "$OUT" | grep -n "first thoughts" | cut -d: -f1)
second=$(printf '%s\n' "$OUT" | grep -n "second look" | cut -d: -f1)
[ "$first" -lt "$second" ] && pass || fail "notes oldest first"
expect_exit 0 rl show one --json
expect_eq "second look" "$(jget "$OUT" 'd["note"]')"
expect_eq '["first thoughts", "second look"]' "$(jget "$OUT" '[n["text"] for n in d["notes"]]')"
expect_contains "$(jget "$OUT" 'd["notes"][0]["at"]')" "T"
done_testing
