#!/bin/sh
# The browser's Compare view says what `runlens compare` says: two runs
# with known metrics, marked in the runs view in one order and then the
# other, `c`, the delta, % and verdict of every metric read off the screen
# and held against `runlens compare FIRST SECOND --json`; `c` on one run
# (in the runs view and in the run view) against `runlens compare RUN`.
# (The browser used to take the first marked run as the reference, so
# marking the newer run first said "better" where the command line said
# "worse".)
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuicmpcli-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH # steps call `runlens metric`
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

# loss: lower is better (by its name); accuracy: higher; latency: lower
# (the pipeline says so); steps: the same in both runs
cat > p.json <<'J'
{"name": "pairing", "params": {"loss": 0.5, "acc": 0.8, "lat": 30},
 "metrics": {"lat": "min"},
 "steps": [{"name": "train", "cache": false,
  "run": "runlens metric loss ${params.loss}; runlens metric accuracy ${params.acc}; runlens metric lat ${params.lat}; runlens metric steps 100"}]}
J
expect_exit 0 rl run p.json                                       # 1
expect_exit 0 rl run p.json -p loss=0.4 -p acc=0.6 -p lat=40      # 2: better loss, worse rest

start() {
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x 120 -y 30 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui $*"
}

# "KEY % VERDICT" per metric of `runlens compare ARGS` (only what differs)
cli() {
	jget "$(rl compare "$@" --json)" '"\n".join("%s %+.1f%% %s" % (m["key"], m["pct"], m["verdict"]) for m in d["comparisons"][0]["metrics"] if m["verdict"] != "same")'
}
# the same read off the Compare view of two runs: METRIC A B Δ % VERDICT
browser() {
	screen | awk '/^[a-z]+\.[a-z]+ / && NF == 6 { print $1, $5, $6 }'
}
agree() { # WHAT ARGS…: the screen's verdicts are those of runlens compare ARGS
	what=$1; shift
	want=$(cli "$@")
	wait_for "train.loss"
	got=$(browser)
	expect_eq "$want" "$got" "$what: the browser and runlens compare $*"
	expect_eq 3 "$(printf '%s\n' "$got" | grep -c .)" "$what: three metrics differ"
}

start
see "2 shown"
# marked 2 then 1: runlens compare 2 1 (run 2 against run 1)
key g Space Space
see "2 marked"
key c
see "Compare — A #1 vs B #2"
agree "marked 2, 1" 2 1
expect_contains "$(line_of train.loss)" "better"
expect_contains "$(line_of train.accuracy)" "worse"
key q
see "2 marked"
# unmark both, then marked 1 then 2: runlens compare 1 2
key g Space Space
not_see "marked"
key G Space k Space
see "2 marked"
key c
see "Compare — A #2 vs B #1"
agree "marked 1, 2" 1 2
expect_contains "$(line_of train.loss)" "worse"
expect_contains "$(line_of train.accuracy)" "better"
key q
key g Space Space
not_see "marked"

# nothing marked: c is runlens compare RUN, against its baseline (run 1)
key g c
see "Compare — A #1 vs B #2"
agree "run 2 against its baseline" 2
key q
# the same from the run view
key g Enter
see "Run 2"
key c
see "Compare — A #1 vs B #2"
agree "the run view's c" 2
key q q

# the first run has no baseline: said, nothing opened
key G c
see "has no baseline"
see "Runs"

key Q
done_testing
