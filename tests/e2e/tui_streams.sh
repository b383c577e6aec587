#!/bin/sh
# One stream (issue 17, part 3), driven in tmux: the logs view shows
# stdout and stderr in the order they were written (the capture's order
# file, core/exec/capture.h), stderr in its colour; o shows stdout alone,
# e stderr alone, the same key again both; G and follow end on the last
# line written whichever stream wrote it, so a long stderr no longer hides
# the live stdout.  The steps wait until the runner has captured each
# write before the next (they read their own log), so the order is the
# one written, on a loaded machine too.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR
S="runlens-tuistreams-$$"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'touch "$T/stop" "$T/go" "$T/stop2" "$T/go3" "$T/stop3"; tmux_ kill-server 2>/dev/null; wait; cleanup_tmp' EXIT

cat > lib.sh <<'SH'
# w out|err TEXT: write TEXT to the stream, wait until its log has it
w() {
	d="$RUNLENS_STEP_DIR/attempts/$RUNLENS_ATTEMPT"
	if [ "$1" = out ]; then echo "$2"; f=$d/stdout.log; else echo "$2" >&2; f=$d/stderr.log; fi
	_n=0; while ! grep -qx -- "$2" "$f" 2>/dev/null && [ $_n -lt 3000 ]; do sleep 0.01; _n=$((_n+1)); done
}
SH
cat > mix.sh <<'SH'
. ./lib.sh
w out A1; w err E1; w out A2; w err E2; w err E3; w out A3
i=0; while [ $i -lt 40 ]; do w err "bulk $i"; i=$((i+1)); done
w out "out last"
SH
cat > live.sh <<SH
. ./lib.sh
w out L1; w err M1
i=0; while [ \$i -lt 40 ]; do w err "noise \$i"; i=\$((i+1)); done
w out live-out
while [ ! -f '$T/stop' ]; do sleep 0.05; done
SH
cat > quiet.sh <<SH
. ./lib.sh
while [ ! -f '$T/go' ]; do sleep 0.05; done
w out Q1; w err Q2; w out Q3
while [ ! -f '$T/stop2' ]; do sleep 0.05; done
SH
cat > quiet.json <<'J'
{"name": "quiet", "steps": [{"name": "quiet", "run": ["sh", "quiet.sh"]}]}
J
cat > p.json <<'J'
{"name": "mix", "steps": [{"name": "mix", "run": ["sh", "mix.sh"]}]}
J
cat > live.json <<'J'
{"name": "live", "steps": [{"name": "live", "run": ["sh", "live.sh"]}]}
J
expect_exit 0 rl run p.json

start() {
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x 100 -y 20 "cd '$T' && RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
}
# the rows of the logs view that hold a word of the steps, in order
rows() { screen | sed -n '2,19p' | grep -E '^(A|E|L|M|Q)[0-9]|^bulk|^noise|^out last|^live-out' | tr '\n' ' '; }

start
see "1 shown"
key L
see "Logs — run 1, step mix, attempt 1"
see "A1"
expect_eq "A1 E1 A2 E2 E3 A3 bulk 0 bulk 1 bulk 2 bulk 3 bulk 4 bulk 5 bulk 6 bulk 7 bulk 8 bulk 9 bulk 10 bulk 11 " \
	"$(rows)" "the two streams as they were written"
e=$(tmux_ capture-pane -e -p -t tui)
expect_contains "$e" "$(printf '\033[33mE1')" "stderr in its colour"
expect_not_contains "$e" "$(printf '\033[33mA1')" "stdout not"
# G: the last line written is stdout's, after 40 lines of stderr
key G
see "out last"
expect_eq "out last" "$(screen | sed -n '2,19p' | grep -v '^$' | tail -n 1)" "G ends on the last line written"
# e: stderr alone; e again: both; o: stdout alone
key g
key e
see "stderr only"
expect_eq "E1 E2 E3 bulk 0" "$(rows | cut -d' ' -f1-5)" "e: stderr alone"
key e
see "both streams"
not_see "stderr only"
key o
see "stdout only"
expect_eq "A1 A2 A3 out last " "$(rows)" "o: stdout alone"
key o
see "both streams"
not_see "stdout only"
key Q

# --- follow: a running step whose stderr is longer than the screen; the
# live stdout line is shown at the bottom
rl run live.json > live.out 2>&1 &
i=0; while [ "$(sql "SELECT count(*) FROM step_runs WHERE status = 'running'")" != 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
i=0; while ! grep -qx live-out "$(ls -d "$RUNLENS_STORE"/runs/*/live/attempts/1 2>/dev/null | head -n 1)/stdout.log" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
start
see "2 shown"
key L
see "following"
see "live-out"
expect_eq "live-out" "$(screen | sed -n '2,19p' | grep -v '^$' | tail -n 1)" "follow: the live stdout at the end"
expect_contains "$(screen)" "noise 39" "... after the stderr before it"
key Q
touch "$T/stop"
wait

# --- a view opened while the step has written nothing yet (no order file
# then: the capture makes it with the first byte) still shows one stream
rl run quiet.json > quiet.out 2>&1 &
i=0; while [ "$(sql "SELECT count(*) FROM step_runs WHERE status = 'running'")" != 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
start
see "3 shown"
key L
see "Logs — run 3, step quiet"
touch "$T/go"
see "Q3"
quiet_rows() { [ "$(rows)" = "Q1 Q2 Q3 " ]; }
wait_until quiet_rows
expect_eq "Q1 Q2 Q3 " "$(rows)" "one stream though the view opened before the first byte"
expect_not_contains "$(screen)" "── stderr" "not stdout then stderr"
key Q
touch "$T/stop2"
wait
# --- the step view's Logs tab on a running step that keeps switching
# streams: it reads only what the order file gained at each refresh and
# keeps the stretches of its last bytes; what it shows after more than
# its 64 KB of runs and then four more is the order written
cat > tab.sh <<SH
. ./lib.sh
pad=\$(printf '%0200d' 0)
i=0; while [ \$i -lt 200 ]; do w out "O\$i \$pad"; w err "E\$i \$pad"; i=\$((i+1)); done
w out first-phase-done
while [ ! -f '$T/go3' ]; do sleep 0.05; done
w out T1; w err T2; w out T3; w err T4
while [ ! -f '$T/stop3' ]; do sleep 0.05; done
SH
cat > tab.json <<'J'
{"name": "tab", "steps": [{"name": "tab", "run": ["sh", "tab.sh"]}]}
J
rl run tab.json > tab.out 2>&1 &
i=0; while ! grep -qx first-phase-done "$(ls -d "$RUNLENS_STORE"/runs/*/tab/attempts/1 2>/dev/null | head -n 1)/stdout.log" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
tmux_ kill-session -t tui 2>/dev/null
tmux_ new-session -d -s tui -x 100 -y 20 "cd '$T' && RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui 4"
see "Run 4"
key Enter
see "Step tab"
key Tab Tab Tab Tab Tab
see "the end of attempt 1"
see "first-phase-done"
tab_rows() { screen | grep -E '^ (O|E)[0-9]+ |^ first-phase-done|^ T[0-9]' | sed 's/^ //; s/ 0000*.*//' | tr '\n' ' '; }
expect_eq "E198 O199 E199 first-phase-done " "$(tab_rows | awk '{for (i = NF - 3; i <= NF; i++) printf "%s ", $i}')" \
	"the Logs tab: the last of 400 runs in the order written"
touch "$T/go3"
tab_done() { tab_rows | grep -q 'T4 $'; }
wait_until tab_done
expect_eq "O199 E199 first-phase-done T1 T2 T3 T4 " "$(tab_rows | awk '{for (i = NF - 6; i <= NF; i++) printf "%s ", $i}')" \
	"the Logs tab: the runs added while it was open, after the ones before"
key Q
touch "$T/stop3"
wait
done_testing
