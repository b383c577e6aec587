#!/bin/sh
# The browser's keys as tig, k9s and lazygit users expect them, on a real
# terminal (tmux): every view is current when it comes back on top (a run
# that ended, a change while ? was up, a rerun); Esc dismisses a message
# and never quits; Ctrl-C quits with status 0; h/l sideways, else back and
# open; Shift-Tab; B unpins; u unmarks all; d names what it deletes; the
# `:` command line (:42, :run, :tag, :untag, :note, :pin, :unpin, :filter,
# :sort, :columns, :view, :q) with Tab completion; prompts that edit,
# replace their pre-filled text and keep a history between runs; y copies
# to tmux's buffer (OSC 52) or through RUNLENS_YANK; / on the ? screen.
# Waits for screens and files, never for time (TUI_STORE_CHANGED: the
# browser says when it has seen another process's change).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuinav-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

# FILE TEXT: until FILE has a line with TEXT
file_has() {
	i=0
	while [ $i -lt "${WAIT_TENTHS:-50}" ]; do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i+1))
	done
	return 1
}
# SQL VALUE: until the store says VALUE
sql_is() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(sql "$1")" = "$2" ] && return 0
		sleep 0.1; i=$((i+1))
	done
	return 1
}
# NAME: until the step view's selected tab (reverse video) is NAME; the
# first one's escape is the title bar's, before it
tab_is() {
	i=0
	while [ $i -lt "${WAIT_TENTHS:-50}" ]; do
		bar=$(tmux_ capture-pane -p -e -t tui | sed -n 2p)
		case "$bar" in
		*"7m $1 "*) pass; return ;;
		*"7m "*) ;;
		" $1 "*) pass; return ;;
		esac
		sleep 0.1; i=$((i+1))
	done
	fail "the selected tab is not $1:"; tmux_ capture-pane -p -e -t tui | sed -n 2p >&2
}
# the browser has seen a change another process made after `: > mark`
seen_change() {
	if file_has "$T/mark" TUI_STORE_CHANGED; then pass; else fail "the browser saw no change"; fi
}

cat > p.json <<'J'
{"name": "nav", "params": {"score": 0.5},
 "metrics": {"score": "max"},
 "steps": [{"name": "train", "cache": false,
   "run": "echo training; runlens metric score ${params.score}"}]}
J
cat > slow.json <<EOF
{"name": "nav", "params": {"score": 0.6},
 "steps": [{"name": "train", "cache": false,
   "run": "while [ ! -f '$T/go' ]; do sleep 0.05; done; runlens metric score \${params.score}"}]}
EOF
expect_exit 0 rl run p.json -p score=0.5
expect_exit 0 rl run p.json -p score=0.7 --tag good

start() { # [ENV=…]: the browser in a fresh 120x30 window; its status in rc
	tmux_ kill-session -t tui 2>/dev/null
	rm -f "$T/rc"
	tmux_ new-session -d -s tui -x 120 -y 30 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' \
RUNLENS_TEST_PAUSE_TUI_STORE_CHANGED_MS=1 RUNLENS_TEST_PAUSE_MARK='$T/mark' $* \
'$RUNLENS_BIN' tui; echo \"exit=\$?\" > '$T/rc'; exec sleep 600"
}

start
see "2 shown"

# --- 1. always current ------------------------------------------------
# a run that ends while its Run view is on top: back in the runs, it has
# ended there too (only the top view used to reload)
rl run slow.json >/dev/null 2>&1 &
sql_is "SELECT count(*) FROM runs WHERE status = 'running'" 1 && pass || fail "no running run"
see "3 shown"
see "running"
key g Enter
see "Run 3"
see "running"
touch "$T/go"
wait
see "completed"
key q
see "Runs — all pipelines"
line=$(line_of " 3  ")
expect_contains "$line" "completed"
# a change while ? is up is applied when it closes
key '?'
see "runlens keys"
: > "$T/mark"
expect_exit 0 rl run p.json -p score=0.8
seen_change
key x
see "4 shown"
# under a dialog (it waits for its key: the change is seen once it is gone)
key d
see "Delete 1 run?"
expect_exit 0 rl run p.json -p score=0.9
key n
see "5 shown"
# a rerun started with r shows after q
key g Enter
see "Run 5"
key r
see "Start this rerun in the background? [y/N]"
key y
see "started in the background"
sql_is "SELECT count(*) FROM runs WHERE rerun_of = 5 AND status = 'completed'" 1 &&
	pass || fail "the rerun did not end"
: > "$T/mark"
expect_exit 0 rl note 1 "a change after the rerun ended"
seen_change
key q
see "6 shown"
line=$(line_of " 6  ")
expect_contains "$line" "completed"

# --- Esc, Ctrl-C, q, Q ------------------------------------------------
# Esc on the first view does not quit; it says what does
key Escape
see "Esc does not quit: q quits the browser"
key Escape
not_see "Esc does not quit"
see "Runs — all pipelines"
# Esc dismisses an error, and only that: the view stays
key g Enter
see "Run 6"
key : ; see ":"
key nosuch Enter
see "no command ':nosuch' (Tab lists them)"
key Escape
not_see "no command"
see "Run 6"
key Escape
see "Runs — all pipelines"
# Ctrl-C quits, status 0
key C-c
if file_has "$T/rc" "exit="; then expect_eq "$(cat "$T/rc")" "exit=0"; else fail "C-c did not quit"; fi
start
see "6 shown"
# Ctrl-C in a dialog: nothing done, the browser quits, status 0
key d
see "Delete 1 run?"
key C-c
if file_has "$T/rc" "exit="; then expect_eq "$(cat "$T/rc")" "exit=0"; else fail "C-c in a dialog did not quit"; fi
expect_eq "$(sql 'SELECT count(*) FROM runs')" 6
start
see "6 shown"
# q from a view goes back, q from the first quits (status 0); Q at once
key Enter
see "Run 6"
key Q
if file_has "$T/rc" "exit="; then expect_eq "$(cat "$T/rc")" "exit=0"; else fail "Q did not quit"; fi
start
see "6 shown"

# --- h/l sideways, else back and open; Tab, Shift-Tab; L logs ----------
key g Enter
see "Run 6"
key l                      # nothing sideways in a run: open the step
see "Step train"
see "Context"
key l                      # the step's tabs: the next one
tab_is Inputs
key Tab
tab_is Outputs
key BTab                   # Shift-Tab: the previous tab
tab_is Inputs
key h
tab_is Context
# a search in the tab's text: the match highlighted, the wrap said
key / ; see "search:"; key max_attempts Enter
i=0; while ! tmux_ capture-pane -p -e -t tui | grep -q "4mmax_attempts" && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i+1))
done
tmux_ capture-pane -p -e -t tui | grep -q "4mmax_attempts" && pass || fail "the match is not highlighted"
key n
see "search hit BOTTOM, continuing at TOP"
key q
see "Run 6"
key L
see "Logs — run 6, step train"
see "training"
key q
see "Run 6"
key h                      # back
see "Runs — all pipelines"
key h                      # the runs scroll sideways: h never leaves them
see "Runs — all pipelines"

# --- B unpins, u unmarks all, d names what it deletes -------------------
key G
see "Runs"
key b
see "run 1 is now the baseline of nav"
expect_eq "$(sql 'SELECT pinned_run_id FROM pipelines')" 1
key B
see "run 1 is no longer the baseline of nav"
expect_eq "$(sql 'SELECT coalesce(pinned_run_id, 0) FROM pipelines')" 0
key B
see "nav has no pinned baseline"
key g ' ' ' '
see "2 marked"
key d
see "Delete 2 runs?"
see "the 2 marked runs"
see "6  nav-"
see "5  nav-"
see "Delete these 2 runs? [y/N]"
key n
see "nothing deleted"
expect_eq "$(sql 'SELECT count(*) FROM runs')" 6
key u
see "unmarked 2 runs"
not_see "2 marked"

# --- the : command line ------------------------------------------------
key : ; see ":"
key 1 Enter
see "Run 1 — nav-"
key : ; key "tag hello" Enter
see "run 1 tagged: 1 tag"
expect_contains "$(rl show 1)" "hello"
key : ; key "untag hello nope" Enter
see "run 1 untagged: 1 tag removed (it had no tag 'nope')"
key : ; key "note looked at it" Enter
see "note added to run 1"
expect_contains "$(rl show 1)" "looked at it"
key : ; key pin Enter
see "run 1 is now the baseline of nav"
key : ; key unpin Enter
see "run 1 is no longer the baseline of nav"
key : ; key "run last" Enter
see "Run 6 — nav-"
key q q
see "Runs — all pipelines"
# completion: the command's name, then a field; then the filter applies
key : ; key fi Tab
see ": filter"
key tra Tab
see ": filter train.score"
key ">0.75" Enter
see "where train.score>0.75"
see "3 shown"
key : ; key filter Enter
see "6 shown"
key : ; key "sort -train.score" Enter
see "· -train.score"
first=$(screen | sed -n 3p)
expect_contains "$first" "0.9"
key : ; key "sort" Enter
see "newest first"
key : ; key "columns id,name,status" Enter
not_see "train.score"
see "STATUS"
key : ; key "nosuchcmd" Enter
see "no command ':nosuchcmd'"
key S; see "save this view as:"; key goodview Enter
see "saved view 'goodview'"
key : ; key "view good" Tab
see ": view goodview"
key Enter
see "[view goodview]"
# one view's command in another view says where it works
key Enter
see "Run "
key : ; key "sort id" Enter
see ":sort works in the runs view (this is Run)"
key : ; key q Enter
if file_has "$T/rc" "exit="; then expect_eq "$(cat "$T/rc")" "exit=0"; else fail ":q did not quit"; fi

# --- prompts: pre-filled text replaced, editing keys, history ----------
start
see "6 shown"
key f; see "filter ("; key "tag=good" Enter
see "where tag=good"
# f again: the filter is pre-filled and selected; typing replaces it
key f; see "filter ("
key "ag=goo" Home t End d Enter
see "where tag=good"
key f; see "filter ("
key Left "xx" C-a C-k "status=completed and namex" BSpace "~nav" Enter
see "where status=completed and name~nav"
key f; see "filter ("
key C-u "status=failed and tag=x" C-w "tag=good" Enter
see "where status=failed and tag=good"
# the history is kept between runs of the browser
key Q
file_has "$T/rc" "exit=" && pass || fail "Q did not quit"
expect_contains "$(cat "$T/state/runlens/history")" "$(printf 'filter\ttag=good')"
start
see "6 shown"
key f; see "filter ("
key Up
see "status=failed and tag=good"
key Up
see "status=completed and name~nav"
key Down Enter
see "where status=failed and tag=good"
key f; see "filter ("; key C-u Enter
see "6 shown"
# Esc leaves a prompt, nothing changes
key f; see "filter ("; key "status=running" Escape
not_see "filter ("
see "6 shown"

# --- y: the id, the name, an output's path ----------------------------
tmux_ set-option -g set-clipboard on
tmux_ set-buffer "nothing yet"
key g y
see "Copy to the clipboard"
see "id     6"
key Enter
see "copied 6"
i=0; while [ "$(tmux_ show-buffer 2>/dev/null)" != 6 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
expect_eq "$(tmux_ show-buffer)" 6
name=$(sql "SELECT name FROM runs WHERE id = 6")
key y
see "Copy to the clipboard"
key j Enter
see "copied $name"
i=0; while [ "$(tmux_ show-buffer 2>/dev/null)" != "$name" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
expect_eq "$(tmux_ show-buffer)" "$name"
key Q
file_has "$T/rc" "exit=" && pass || fail "Q did not quit"
# through a command: RUNLENS_YANK, else the config file's yank_command
start "RUNLENS_YANK='cat > $T/yanked'"
see "6 shown"
key y; see "Copy to the clipboard"; key Enter
see "copied 6"
file_has "$T/yanked" 6 && pass || fail "RUNLENS_YANK got nothing"
expect_eq "$(cat "$T/yanked")" 6
key Q
file_has "$T/rc" "exit=" && pass || fail "Q did not quit"
mkdir -p "$T/config/runlens"
printf '# runlens\nyank_command = cat > %s/from-config\n' "$T" > "$T/config/runlens/config"
start
see "6 shown"
key y; see "Copy to the clipboard"; key j Enter
file_has "$T/from-config" "$name" && pass || fail "yank_command got nothing"

# --- search: the matches highlighted, and a word when it goes round ----
see "Runs — all pipelines"
key G / ; see "search:"; key nav Enter
see "search hit BOTTOM, continuing at TOP"
tmux_ capture-pane -p -e -t tui | sed -n 4p | grep -q "$(printf '\033')\[7mnav" && pass ||
	fail "the match on an unselected row is not in reverse video"
tmux_ capture-pane -p -e -t tui | sed -n 3p | grep -q "$(printf '\033')\[1;4mnav" && pass ||
	fail "the match on the selected row is not underlined"
key N
see "search hit TOP, continuing at BOTTOM"
key g

# --- ? lists this view's keys first, then the others; / searches it ----
key Enter
see "Run 6"
key '?'
see "runlens keys"
expect_eq "$(screen | sed -n 3p | cut -c1-6)" "  Run "
key / ; see "search the keys:"; key unpin Enter
see "'unpin' — n next, N previous"
top=$(screen | sed -n 3p)
expect_contains "$top" "B             unpin the baseline"
tmux_ capture-pane -p -e -t tui | grep -q "$(printf '\033')\\[[0-9;]*7[0-9;]*munpin" && pass ||
	fail "the match is not highlighted"
key n
see "search hit BOTTOM, continuing at TOP"
key x
not_see "runlens keys"
see "Run 6"
key Q

# --- d says what other runs lose: a run whose steps another run reuses
cat > reuse.json <<'J'
{"name": "reuse", "steps": [{"name": "a", "run": "echo a"}]}
J
expect_exit 0 rl run reuse.json --name reuse-src
expect_exit 0 rl run reuse.json --name reuse-copy
COPY=$(jget "$(rl show reuse-copy --json)" 'd["id"]')
start
see "reuse-copy"
key g j
see "reuse-src"
key d
see "Delete 1 run?"
see "run $COPY reuses steps of it from the cache:"
see "those steps keep their outputs but lose their logs."
key n
see "nothing deleted"
key Q

# --- a run whose runner is killed shows interrupted by itself (the
# browser looks for dead runners every 2 s: a dead one writes nothing)
cat > dies.json <<J
{"name": "dies", "steps": [{"name": "s", "run": "touch $T/dies.started; exec sleep 60"}]}
J
"$RUNLENS_BIN" run dies.json --name dies-run > dies.out 2>&1 &
dpid=$!
i=0; while [ ! -f "$T/dies.started" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
start
see "dies-run"
expect_contains "$(line_of "dies-run")" "running"
kill -KILL $dpid
wait $dpid 2>/dev/null
see "marked 1 run interrupted: its runner is gone"
expect_contains "$(line_of "dies-run")" "interrupted" "the list shows it without a key"
expect_eq interrupted "$(sql "select status from runs where name = 'dies-run'")"
key Q

done_testing
