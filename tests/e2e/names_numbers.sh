#!/bin/sh
# Words that could mean something else: a run name cannot stand for a run
# id, `last` or PIPELINE@last (and an old store's name that does never
# hides the run of that id); run --tag takes what `runlens tag` takes; a
# negative number is a metric's value, not an option, and VALUE is a
# number as JSON writes it (5e-324 one, 0x10 and " 1" not).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
cat > p.json <<'J'
{"name": "nn", "steps": [{"name": "s", "run": "true"}]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json
for bad in 2 0042 last 'nn@last' 'a@b' '' -x; do
	expect_exit 2 rl run p.json --name "$bad"
	expect_contains "$ERR" "cannot be a run name" "--name '$bad'"
done
expect_eq "runlens: '2' cannot be a run name: all digits, like a run id" \
	"$(rl run p.json --name 2 2>&1)"
expect_eq 2 "$(sql "select count(*) from runs")" "nothing recorded for a refused name"
# the dry run says what the run would
expect_exit 2 rl run p.json --name 2 --dry-run
expect_exit 0 rl run p.json --name taken
expect_exit 2 rl rerun 1 --name taken --dry-run
expect_eq "runlens: a run named 'taken' already exists" "$ERR"
# a store from before the rule: run 2 named "1" does not hide run 1
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("update runs set name = ? where id = 2", ("1",)); c.commit()' "$RUNLENS_STORE/runlens.db"
expect_exit 0 rl show 1 --json
expect_eq 1 "$(jget "$OUT" 'd["id"]')" "an id wins over a name of digits"

for bad in 'a,b' 'a b' '' "$(printf 'x\ty')"; do
	expect_exit 2 rl run p.json --tag "$bad"
	expect_contains "$ERR" "is not a tag" "run --tag '$bad'"
	expect_exit 2 rl tag 1 "$bad"
	expect_contains "$ERR" "runlens: tag: " "tag '$bad' says the command"
done
expect_eq 3 "$(sql "select count(*) from runs")" "nothing recorded for a refused tag"
cat > t.json <<'J'
{"name": "nt", "tags": ["ok", "not ok"], "steps": [{"name": "s", "run": "true"}]}
J
expect_exit 2 rl run t.json
expect_contains "$ERR" "t.json"
expect_contains "$ERR" "'not ok' is not a tag"

# the same word twice is one: tag, untag, rm
expect_exit 0 rl tag 1 a a a
expect_eq "run 1 tagged: 1 tag" "$OUT"
expect_exit 0 rl untag 1 a a
expect_eq "run 1 untagged: 1 tag removed" "$OUT"
expect_exit 0 rl run p.json --name gone
expect_exit 0 rl rm gone gone --yes
expect_eq "deleted 1 run (run 'runlens gc' to free their artifacts)" "$OUT"
# options after the run, as everywhere
expect_exit 0 rl pin 1 --yes
expect_contains "$OUT" "run 1 ("
# ls --columns: the field named; a list that edits and names, or is empty
expect_exit 2 rl ls --columns nosuch
expect_eq "runlens: ls: --columns: 'nosuch' is not a field (a metric is STEP.KEY, a param params.NAME)" "$ERR"
expect_exit 2 rl ls --columns ''
expect_eq "runlens: ls: --columns: no columns named" "$ERR"

# a table's columns line up under wide characters (名 takes two columns)
expect_exit 0 rl run p.json --name 'uni-ü-名前'
expect_exit 0 rl run p.json --name plain-name-xx
out=$(LC_ALL=C.UTF-8 rl ls --columns name,status)
col() { printf '%s\n' "$out" | grep -- "$1" | python3 -c 'import sys, unicodedata; l = sys.stdin.readline(); i = l.index("completed"); print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l[:i]))'; }
expect_eq "$(col plain-name-xx)" "$(col 'uni-ü')" "STATUS starts in the same column"
# also where the locale reads no UTF-8 (LANG unset: cron, a container)
out=$(LC_ALL=C rl ls --columns name,status)
expect_eq "$(col plain-name-xx)" "$(col 'uni-ü')" "the same in the C locale"
# one output format at a time, whichever command
for cmd in "ls" "show 1" "step 1 s" "metrics 1"; do
	expect_exit 2 rl $cmd --json --csv
	expect_contains "$ERR" "--json, --csv and --md go one at a time" "$cmd --json --csv"
done
# a stack's name and artifact store are said
expect_exit 2 rl stack register '' --artifact-store "$T/s"
expect_exit 2 rl stack register 'bad name' --artifact-store "$T/s"
expect_contains "$ERR" "'bad name' is not a stack name"
expect_exit 2 rl stack register good --artifact-store ''
expect_contains "$ERR" "--artifact-store PATH is required"

cat > m.json <<'J'
{"name": "nm", "steps": [{"name": "s", "run": "runlens metric a -1.5 && runlens metric b -1e3 --index 2 && runlens metric c --index -3 -0 && runlens metric d -i 4 -.5 && runlens metric e -- -2 && runlens metric --ind -5 e2 -3 && runlens metric f +1 && runlens metric tiny 5e-324 && for v in 0x10 ' 1' -inf nan 1e999 .1e-999 9007199254740993; do if runlens metric bad \"$v\" 2>>bad.txt; then exit 9; fi; done; if runlens metric g -x 1 2>>bad.txt; then exit 8; fi"}]}
J
expect_exit 0 rl run m.json
expect_exit 0 rl metrics last --json
expect_eq '[["s.a", null, -1.5], ["s.b", 2, -1000], ["s.c", -3, 0], ["s.d", 4, -0.5], ["s.e", null, -2], ["s.e2", -5, -3], ["s.f", null, 1], ["s.tiny", null, 5e-324]]' \
	"$(jget "$OUT" '[[k, p["index"], p["value"]] for k in sorted(d["metrics"]) for p in d["metrics"][k]]')" \
	"negative values, negative indexes, a subnormal"
expect_eq 8 "$(wc -l < bad.txt | tr -d ' ')" "each bad value refused"
B=$(cat bad.txt)
expect_contains "$B" "runlens: metric: '0x10' is not a number (metric 'bad')"
expect_contains "$B" "runlens: metric: ' 1' is not a number"
expect_contains "$B" "runlens: metric: 'nan' is not a number"
expect_contains "$B" "runlens: metric 'bad': 1e999 is too large"
expect_contains "$B" "runlens: metric 'bad': .1e-999 is too small"
expect_contains "$B" "runlens: metric 'bad': 9007199254740993 is not exactly representable"
expect_contains "$B" "runlens: metric: unknown option -x"
done_testing
