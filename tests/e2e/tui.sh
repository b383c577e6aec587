#!/bin/sh
# The terminal browser, driven for real in tmux: open, navigate to a step's
# logs and search them, help, filter, sort, search, mark, pin, saved views,
# rerun with the plan first (the run appears by itself), delete with a
# question, --read-only refusals, NO_COLOR, an ASCII locale, resize down to
# 20x5 and back, notice a new run by itself, quit.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR # lib.sh sets it for the CLI tests; the browser's colours are tested here
S="runlens-tui-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH  # steps call `runlens metric`
TUI_ARGS=
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "tuidemo", "params": {"score": 0.5, "ok": 0},
 "metrics": {"score": "max"},
 "steps": [
 {"name": "prepare", "run": "echo preparing; echo 'line two'"},
 {"name": "train", "run": "for i in 1 2 3; do echo epoch $i; done; printf 'bin\\001ary\\033[31mred\\n'; runlens metric score ${params.score}", "needs": ["prepare"]},
 {"name": "broken", "run": "echo oops >&2; test ${params.ok} = 1", "needs": ["prepare"]}
]}
J
expect_exit 1 rl run p.json -p score=0.5 --tag first
expect_exit 1 rl run p.json -p score=0.9
expect_exit 0 rl run p.json -p score=0.7 -p ok=1 --tag good

start() { # [ENV=…] ARGS: the browser in a fresh 120x30 window
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x 120 -y 30 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' $* '$RUNLENS_BIN' tui ${TUI_ARGS:-}"
}

start
see "runlens · Runs — all pipelines · 3 shown · newest first"
see "tuidemo-"
see "failed"
see "train.score"
see "? help"
# the newest run: 0.7 against its baseline (no completed run before it):
# shown without a delta; the metric column is right there
line=$(line_of " 3  completed")
expect_contains "$line" "0.7"

# open a run, then a step's logs (L: l moves sideways, or opens), search them
key Enter
see "runlens · Run 3 — tuidemo-"
see "prepare"
see "RUN CONTEXT"
see "params    score=0.7  ok=1"
see "tags      good"
key c
see "has no baseline yet"
key j L
see "Logs — run 3, step train, attempt 1"
see "epoch 3"
# a control character stays visible; an SGR colour is drawn, not shown
# (issue 17: the codes are what made logs unreadable)
see 'bin\x01aryred'
expect_contains "$(tmux_ capture-pane -e -p -t tui)" "$(printf '\033[31mred')" "the SGR colour drawn"
key / ; see "search the log:"; key "epoch 2" Enter
see "'epoch 2' at line 2"
key n
see "no more matches below"
key q q
see "Runs — all pipelines"

# help, generated from the view's actions (tui/internal.h, struct
# view_action): the ? screen of the runs lists the keys of the runs, then
# those of every view (tests/e2e/tui_keys.sh: every view, every action)
key '?'
see "runlens keys"
see "F5/C-l"
see "filter (ls --where language)"
missing=""; n_help=0
for k in Enter f s / Space u c b C r p n N L e d/Del S v Up/k Down/j PgUp/C-b PgDn/C-f \
	g/Home G/End q Esc Q : y B F5/C-l '?'; do
	n_help=$((n_help + 1))
	# "  KEY    what it does", in either column
	screen | grep -qE -- "(^|[[:space:]])$(printf '%s' "$k" | sed 's/?/\\?/') {2,}[a-z(]" ||
		missing="$missing [$k]"
done
if [ "$n_help" -eq 32 ] && [ -z "$missing" ]; then pass; else fail "help lacks$missing"; screen >&2; fi
key x
not_see "runlens keys"

# filter with the --where language; a mistake is explained, not fatal
key f; see "filter ("; key "train.score>0.6" Enter
see "2 shown"
see "where train.score>0.6"
key f; see "filter ("; key C-u "status=" Enter
see "filter: at column 8"
key f; see "filter ("; key C-u Enter
see "3 shown"

# sort by the metric (best first), then search for a tag
key s
see "Sort runs by"
key G Enter
see "-train.score"
best_first() { screen | sed -n 3p | grep -qF "0.9"; }
wait_until best_first   # the title is painted before the rows
first=$(screen | sed -n 3p)
expect_contains "$first" "0.9"
key / ; see "search:"; key good Enter
good_row() { tmux_ capture-pane -p -e -t tui | grep -F 'good' | head -n 1; }
selected_good() { good_row | grep -qF '[7m'; }
wait_until selected_good
sel=$(good_row)
expect_contains "$sel" "[7m"   # the selected row is drawn in reverse video

# marks and pin: pin run 1 as the baseline, deltas are computed against it
key g
key s; see "Sort runs by"; key g Enter   # back to newest first
see "newest first"
key G b
see "run 1 is failed, not completed"   # it asks before pinning a failed run
key y
see "run 1 is now the baseline of tuidemo"
line=$(line_of " 3  completed")
expect_contains "$line" "40%"   # 0.7 against 0.5
key g ' ' ' '
see "2 marked"
key g ' ' ' '
not_see "marked"

# saved views: save the filter under a name, clear it, recall it
key f; see "filter ("; key "tag=good" Enter
see "1 shown"
key S; see "save this view as:"; key "goodruns" Enter
see "saved view 'goodruns'"
key f; see "filter ("; key C-u Enter
see "3 shown"
key v
see "Saved views"
key Enter
see "[view goodruns]"
see "1 shown"
key f; see "filter ("; key C-u Enter
see "3 shown"

# rerun: the plan first, nothing happens on "n"; on "y" the run starts in
# the background and shows up by itself
key g r
see "Rerun of run 3 — the plan"
see "Start this rerun in the background? [y/N]"
key n
see "rerun cancelled: nothing was started"
key r
see "the plan"
key y
see "started in the background"
see "4 shown"
i=0; while [ "$(sql 'SELECT count(*) FROM runs WHERE status != '"'"'running'"'"'')" != 4 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
expect_eq "$(sql 'SELECT rerun_of FROM runs WHERE id = 4')" 3

# edit params, then rerun: the plan says train runs again
key g e
see "params (KEY=VALUE"
key C-u "score=0.8 ok=1" Enter
see "the plan"
see "train"
key y
see "5 shown"
i=0; while [ "$(sql 'SELECT count(*) FROM runs WHERE status = '"'"'completed'"'"'')" != 3 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
expect_eq "$(sql "SELECT value_json FROM run_params WHERE run_id = 5 AND key = 'score'")" "0.8"

# delete asks first
key g d
see "Delete 1 run?"
key n
see "nothing deleted"
key d
see "Delete 1 run?"
key y
see "deleted 1 run"
see "4 shown"

# a run started elsewhere shows up by itself
expect_exit 1 rl run p.json
see "5 shown"

# tiny terminals: a notice, no crash; then back to normal
tmux_ resize-window -t tui -x 20 -y 5 2>/dev/null || tmux_ resize-pane -t tui -x 20 -y 5
see "terminal too small"
tmux_ resize-window -t tui -x 120 -y 30 2>/dev/null || tmux_ resize-pane -t tui -x 120 -y 30
see "STATUS"
# the help screen shrunk to 3 lines and 120 columns (it divided by zero)
key '?'
see "runlens keys"
tmux_ resize-window -t tui -x 120 -y 3 2>/dev/null || tmux_ resize-pane -t tui -x 120 -y 3
see "terminal too small"
tmux_ resize-window -t tui -x 120 -y 30 2>/dev/null || tmux_ resize-pane -t tui -x 120 -y 30
see "runlens keys"
key Escape
see "STATUS"

key Q
if wait_ended; then pass; else fail "Q did not quit:"; screen >&2; fi

# --read-only: every action refused with a notice, nothing changes
TUI_ARGS=--read-only start
see "[read-only]"
n_before=$(sql 'SELECT count(*) FROM runs')
key r
see "read-only: rerun is disabled"
key d
see "read-only: deleting runs is disabled"
key b
see "read-only: pinning a baseline is disabled"
expect_eq "$(sql 'SELECT count(*) FROM runs')" "$n_before"
key q
ended
TUI_ARGS=

# NO_COLOR: no colour escapes at all; an ASCII locale: no block characters
start NO_COLOR=1
see "Runs"
see "? help"   # the status bar, painted last: the whole screen is there
# (39 and 49 are "the default colour", not colours)
if tmux_ capture-pane -p -e -t tui | grep -Eq '[[;](3[0-7]|4[0-7]|38;|48;)[0-9;]*m'; then fail "colours despite NO_COLOR"; else pass; fi
key q
ended
# with colours: the failed status is red, a better metric green
start
see "Runs"
see "? help"   # the last line of the frame: the rows are there (valgrind is slow)
see "failed"
tmux_ capture-pane -p -e -t tui > colours.txt
if grep -Eq '\[(0;)?31m *failed' colours.txt || grep -Eq '31mfailed' colours.txt; then pass; else fail "failed is not red"; cat colours.txt >&2; fi
if grep -Eq '32m[^[]*▲|32m[^[]*▼' colours.txt; then pass; else fail "no better metric in green"; cat colours.txt >&2; fi
key q
ended
# an 8-colour terminal: the same colours, none beyond the basic eight
start TERM=xterm
see "Runs"
see "? help"
see "failed"
tmux_ capture-pane -p -e -t tui > colours8.txt
if grep -Eq '31m *failed' colours8.txt; then pass; else fail "failed is not red on 8 colours"; cat colours8.txt >&2; fi
if grep -Eq '[[;](38|48);5;' colours8.txt; then fail "256-colour escapes on an 8-colour terminal"; else pass; fi
key q
ended
# a terminal without colours: plain text, still usable
start TERM=vt100
see "Runs"
see "? help"
if tmux_ capture-pane -p -e -t tui | grep -Eq '[[;](3[0-7]|4[0-7]|38;|48;)[0-9;]*m'; then fail "colours on a vt100"; else pass; fi
key j Enter
see "Run "
key q q
ended
start LC_ALL=C
see "runlens - Runs"
see "? help"
if screen | grep -q '▁\|▂\|▃\|▄\|▅\|▆\|▇\|█\|·\|…'; then fail "UTF-8 characters in an ASCII locale"; screen >&2; else pass; fi
key q
ended

# plain `runlens tui RUN` opens that run
TUI_ARGS=2 start
see "Run 2 — tuidemo-"
key q
see "Runs — all pipelines"
key q
ended
TUI_ARGS=

# plain `runlens` on a terminal opens the browser
tmux_ kill-session -t tui 2>/dev/null
tmux_ new-session -d -s tui -x 120 -y 30 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN'"
see "Runs — all pipelines"
key q
ended

# outside a terminal
expect_exit 2 rl tui < /dev/null
expect_contains "$ERR" "tui: needs a terminal"

done_testing
