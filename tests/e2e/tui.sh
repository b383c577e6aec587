#!/bin/sh
# The terminal browser, driven for real in tmux: open, navigate to a step's
# logs, help, resize down to 20x5 and back, notice a new run by itself, quit.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tui-$$"
tmux_() { tmux -L "$S" "$@"; }
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "tuidemo", "steps": [
 {"name": "prepare", "run": "echo preparing; echo 'line two'"},
 {"name": "train", "run": "for i in 1 2 3; do echo epoch $i; done; printf 'bin\\001ary\\n'", "needs": ["prepare"]},
 {"name": "broken", "run": "echo oops >&2; exit 2", "needs": ["prepare"]}
]}
J
expect_exit 1 rl run p.json

screen() { tmux_ capture-pane -p -t tui; }
wait_for() { # TEXT: until the screen shows it (5 s at most)
	i=0
	while [ $i -lt 50 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1; i=$((i+1))
	done
	return 1
}
see() { if wait_for "$1"; then pass; else fail "screen lacks '$1':"; screen >&2; fi; }
key() { tmux_ send-keys -t tui "$@"; }

tmux_ new-session -d -s tui -x 100 -y 24 "cd '$T' && RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "runlens · Runs — 1 shown"
see "tuidemo-"
see "failed"
see "Enter open · l logs · q quit · ? help"
key Enter
see "runlens · Run 1 — tuidemo-"
see "prepare  completed"
see "broken   failed"
see "exit code 2"
key j Enter
see "Logs — run 1, step train, attempt 1"
see "epoch 3"
see 'bin\x01ary'
key q j j Enter
see "Logs — run 1, step broken"
see "── stderr ──"
see "oops"
key q
see "q back"
key '?'
see "keys (any key to close)"
see "F5/Ctrl-L    reload from the store"
key x

# tiny terminals: a notice, no crash; then back to normal
tmux_ resize-window -t tui -x 20 -y 5 2>/dev/null || tmux_ resize-pane -t tui -x 20 -y 5
see "terminal too small"
tmux_ resize-window -t tui -x 100 -y 24 2>/dev/null || tmux_ resize-pane -t tui -x 100 -y 24
see "STEP"

# a run started elsewhere shows up by itself
key q
see "Runs — 1 shown"
expect_exit 1 rl run p.json
see "Runs — 2 shown"

key q
i=0; while tmux_ has-session -t tui 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done
if tmux_ has-session -t tui 2>/dev/null && screen | grep -q "runlens ·"; then fail "q did not quit"; else pass; fi

# outside a terminal
expect_exit 2 rl tui < /dev/null
expect_contains "$ERR" "tui: needs a terminal"

done_testing
