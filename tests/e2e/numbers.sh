#!/bin/sh
# Numbers round-trip: a metric, metadata, a metrics file and a param that a
# step recorded come back out of every --json and --csv output as the very
# same doubles (Python's repr of what was read equals the repr of what was
# written), in the shortest form; integers up to 2^53 without an exponent;
# (a number too large for a double is refused: values.sh).  The human `show` and `step`
# print KEY = VALUE exactly too.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"

M=0.8065028599349271  # 15 digits make 0.806502859934927, another double
X=0.30000000000000004 # 0.1 + 0.2
BIG=9007199254740992  # 2^53
AUC=0.12345678901234568
cat > p.json <<J
{"name": "nums", "params": {"p": 0.1},
 "steps": [{"name": "s", "cache": false, "outputs": {"scores": "scores.json"},
   "metrics_file": "scores",
   "run": "echo p=\${params.p}; runlens metric m $M && runlens metric loss 1e-7 --index 0 && runlens metric loss $X --index 1 && runlens meta x=$X big=$BIG && echo '{\"auc\": $AUC}' > \$RUNLENS_OUTPUT_SCORES"}]}
J
expect_exit 0 rl run p.json

# same WHAT TEXT WANT: TEXT (a value read from JSON, as Python's repr, or a
# CSV cell as it is) reads as the double WANT and is its shortest form
same() {
	python3 - "$2" "$3" <<'PY'
import sys
got, want = sys.argv[1], sys.argv[2]
try:
    ok = repr(float(got)) == repr(float(want)) and got == repr(float(want))
except ValueError:
    ok = False
print("ok" if ok else "got %r, want %r" % (got, repr(float(want))))
PY
}
check() { # WHAT VALUE WANT
	r=$(same "$1" "$2" "$3")
	expect_eq ok "$r" "$1"
}

# ls --json
expect_exit 0 rl ls --json
check "ls --json s.m" "$(jget "$OUT" 'repr(d["runs"][0]["metrics"]["s.m"])')" "$M"
check "ls --json s.loss" "$(jget "$OUT" 'repr(d["runs"][0]["metrics"]["s.loss"])')" "$X"
check "ls --json s.auc" "$(jget "$OUT" 'repr(d["runs"][0]["metrics"]["s.auc"])')" "$AUC"
expect_contains "$OUT" "\"s.m\":	$M" "ls --json text"

# show --json
expect_exit 0 rl show last --json
check "show --json s.m" "$(jget "$OUT" 'repr(d["metrics"]["s.m"])')" "$M"
check "show --json params.p" "$(jget "$OUT" 'repr(d["params"]["p"])')" 0.1
expect_contains "$OUT" "\"p\":	0.1" "show --json text"

# step --json: metrics, metadata (stored as JSON text), attempts
expect_exit 0 rl step last s --json
check "step --json m" "$(jget "$OUT" 'repr(d["metrics"]["m"])')" "$M"
check "step --json loss" "$(jget "$OUT" 'repr(d["metrics"]["loss"])')" "$X"
check "step --json metadata x" "$(jget "$OUT" 'repr(d["metadata"]["x"])')" "$X"
expect_eq "$BIG" "$(jget "$OUT" 'd["metadata"]["big"]')" "step --json metadata big"
expect_contains "$OUT" "\"big\":	$BIG" "2^53 without an exponent"
expect_not_contains "$OUT" "e+15" "step --json"
expect_eq "$X" "$(sql "select value_json from metadata where key = 'x'")" "metadata as stored"
expect_eq "$BIG" "$(sql "select value_json from metadata where key = 'big'")" "2^53 as stored"
check "run_metrics as stored" "$(sql "select value from run_metrics where key = 'm'")" "$M"

# ls --csv: the params and metrics of each run as columns
expect_exit 0 rl ls --csv
csvget() { # COLUMN: that cell of the first row
	printf '%s' "$OUT" | python3 -c 'import csv,sys; print(next(csv.DictReader(sys.stdin)).get(sys.argv[1], "(none)"))' "$1"
}
check "ls --csv s.m" "$(csvget s.m)" "$M"
check "ls --csv s.loss" "$(csvget s.loss)" "$X"
check "ls --csv s.auc" "$(csvget s.auc)" "$AUC"
check "ls --csv params.p" "$(csvget params.p)" 0.1
expect_contains "$(printf '%s' "$OUT" | head -1)" "ID,NAME,PIPELINE,STATUS,STARTED,DURATION,TAGS,GIT,params.p,s.auc,s.loss,s.m" "ls --csv header"

# what a person reads: KEY = VALUE is the value itself
expect_exit 0 rl show last
expect_contains "$OUT" "s.m = $M" "show"
expect_contains "$OUT" "p = 0.1" "show params"
expect_exit 0 rl step last s
expect_contains "$OUT" "m = $M" "step"
expect_contains "$OUT" "x = $X" "step metadata"
expect_contains "$OUT" "big = $BIG" "step metadata 2^53"

done_testing
