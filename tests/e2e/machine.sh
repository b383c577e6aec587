#!/bin/sh
# --csv and --json where a list is printed (issue 19, item 9): secret ls,
# step (its attempts), why (the parts of the key), run --dry-run and
# rerun --dry-run (the plan), stack ls — each parsed as a program would,
# the CSV with Python's csv module, and held against the JSON.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export XDG_CONFIG_HOME="$T/config"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
csvget() { # CSV EXPR: EXPR over rows (a list of dicts)
	printf '%s\n' "$1" | python3 -c 'import csv, sys
rows = list(csv.DictReader(sys.stdin))
print(eval(sys.argv[1]))' "$2"
}
expect_exit 0 rl secret set db user=someone password=s3cr3t-pw
expect_exit 0 rl secret set api token=abcd-efgh
expect_exit 0 rl secret ls --csv
expect_eq "[('api', 'token'), ('db', 'password'), ('db', 'user')]" "$(csvget "$OUT" 'sorted((r["SECRET"], r["KEY"]) for r in rows)')" "one row a key"
expect_not_contains "$OUT" "s3cr3t" "never a value"
expect_exit 0 rl secret ls --json
expect_eq '[["api", ["token"]], ["db", ["user", "password"]]]' "$(jget "$OUT" 'sorted((s["name"], s["keys"]) for s in d["secrets"])')"

cat > p.json <<'J'
{"name": "m", "params": {"lr": 0.1, "note": "a, \"quoted\" value"},
 "steps": [{"name": "train", "retries": 1, "run": "test -f $RUNLENS_CHECKPOINT_DIR/ok || { touch $RUNLENS_CHECKPOINT_DIR/ok; exit 4; }; echo ${params.lr} ${params.note}"}]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl step last train --csv
expect_eq "['1', '2']" "$(csvget "$OUT" '[r["ATTEMPT"] for r in rows]')"
expect_eq "['failed', 'completed']" "$(csvget "$OUT" '[r["STATUS"] for r in rows]')"
expect_eq "['4', '0']" "$(csvget "$OUT" '[r["EXIT"] for r in rows]')"
expect_eq "True" "$(csvget "$OUT" 'all(r["STARTED"].endswith("Z") and "T" in r["STARTED"] for r in rows)')" "times in ISO 8601 UTC"
expect_eq "True" "$(csvget "$OUT" 'all(float(r["DURATION"]) >= 0 for r in rows)')" "durations in seconds"
expect_exit 0 rl run p.json -p lr=0.2
expect_exit 0 rl why last train --csv
expect_eq "0.2 0.1 true" "$(csvget "$OUT" '" ".join(next((r["THIS RUN"], r["EARLIER"], r["DIFFERS"]) for r in rows if r["PART"] == "params.lr"))')"
expect_eq 'a, "quoted" value|a, "quoted" value|false' "$(csvget "$OUT" '"|".join(next((r["THIS RUN"], r["EARLIER"], r["DIFFERS"]) for r in rows if r["PART"] == "params.note"))')" "values whole, quoted as CSV quotes"
expect_exit 0 rl why last train --json
expect_eq '[{"part": "params.lr", "now": 0.2, "before": 0.1}]' "$(jget "$OUT" 'd["differences"]')"

expect_exit 0 rl run p.json --dry-run --csv
expect_eq "train cached" "$(csvget "$OUT" '" ".join((rows[0]["STEP"], rows[0]["ACTION"]))')"
expect_exit 0 rl run p.json --dry-run --json
expect_eq "cached" "$(jget "$OUT" 'd["plan"][0]["action"]')"
expect_exit 0 rl rerun last --dry-run --csv -p lr=0.3
expect_eq "train run" "$(csvget "$OUT" '" ".join((rows[0]["STEP"], rows[0]["ACTION"]))')"
expect_exit 2 rl run p.json --csv
expect_eq "runlens: run: --csv is for --dry-run (the plan as CSV)" "$ERR"
expect_exit 2 rl rerun last --csv

expect_exit 0 rl stack ls --csv
expect_eq "default" "$(csvget "$OUT" 'rows[0]["STACK"]')"
done_testing
