#!/bin/sh
# The browser's logs view on hard cases, and the mouse: a running step is
# followed as it writes; a 300,000-line log opens at once and G and / reach
# its end, n/N from the screen the reader is on; a 100 KB line is cut,
# wrapped on request and scrolled sideways;
# clicks select, a double click opens, the wheel scrolls.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuilogs-$$"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
WAIT_TENTHS=100 # a 300,000-line log takes its time
trap 'touch "$T/stop"; tmux_ kill-server 2>/dev/null; wait; cleanup_tmp' EXIT

# the browser runs with tmux's own TERM, whose terminfo asks for X10 mouse
# reports
MOUSE=x10

cat > big.json <<'J'
{"name": "big", "steps": [
 {"name": "many", "run": "seq 1 300000"},
 {"name": "wide", "run": "python3 -c \"print('start-' + 'x' * 100000 + '-end'); print('next line')\""}
]}
J
expect_exit 0 rl run big.json

cat > slow.json <<J
{"name": "slow", "steps": [
 {"name": "ticker", "run": "i=0; while [ ! -f '$T/stop' ]; do i=\$((i+1)); echo tick \$i; sleep 0.05; done; echo finished"}
]}
J
rl run slow.json > slow.out 2>&1 &
i=0; while [ "$(sql "SELECT count(*) FROM step_runs WHERE status = 'running'")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done

tmux_ new-session -d -s tui -x 100 -y 20 "cd '$T' && RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "2 shown"
# the running run is first: its step's log, followed as it grows
key Enter
see "Run 2"
key L
see "Logs — run 2, step ticker, attempt 1 · running · following"
see "tick 40"
first=$(screen | sed -n 2p)
see "tick 80"
later=$(screen | sed -n 2p)
if [ "$first" != "$later" ]; then pass; else fail "the followed log did not move: $first"; fi
# scrolling up stops following; F follows again
key g
see "tick 1"
if screen | grep -q "following"; then fail "still following after g"; else pass; fi
key F
see "following the end of the log"
touch "$T/stop"
see "finished"
wait
key q q

# 300,000 lines: opens at once, G goes to the end, / finds a line far down
key j Enter
see "Run 1"
key L
see "Logs — run 1, step many"
see "1"
key G
see "300000"
key g / ; see "search the log:"; key "250000" Enter
see "'250000' at line 250000"
key n
see "'250000': no more matches below"
key N
see "'250000': no more matches above"
# n and N go on from where the reader is, as in less: after G, n finds
# nothing below and N the match above the screen
key G n
see "'250000': no more matches below"
key N
see "'250000' at line 250000"
key G / ; see "search the log:"; key "1234" Enter
see "'1234': no more matches below"
key N
see "'1234' at line 291234"
key N
see "'1234' at line 281234"
key q

# one 100 KB line: cut with an ellipsis, sideways scroll, wrapped on w
key j L
see "step wide"
see "start-xxxx"
if screen | sed -n 2p | grep -q "…"; then pass; else fail "the long line is not marked as cut"; screen >&2; fi
key Right Right Right
scrolled() { screen | sed -n 2p | grep -q "^xxxx"; }
if wait_until scrolled; then pass; else fail "Right did not scroll sideways"; screen >&2; fi
key w
see "long lines wrapped"
rows=$(screen | grep -c "^xxxxxxxx")
if [ "$rows" -ge 10 ]; then pass; else fail "the wrapped line takes $rows rows"; screen >&2; fi
if screen | sed -n 2,5p | grep -q "…"; then fail "a wrapped row that goes on is marked cut"; screen >&2; else pass; fi
# wrapped, G still reaches the last line, below a line taller than the screen
key G
see "next line"
key g
key q q

# the mouse: a click selects the row under it, a double click opens it,
# the wheel scrolls
see "2 shown"
# the selection away from row 2 first (the click must move it there)
key g
i=0; while tmux_ capture-pane -p -e -t tui | grep -F '[7m' | grep -q 'big-' && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i+1))
done
click 10 3
# until the row under the click is drawn selected (reverse video): the
# click is over, the double click that follows is one of its own
i=0; sel=0
while [ $i -lt "${WAIT_TENTHS:-50}" ]; do
	sel=$(tmux_ capture-pane -p -e -t tui | grep -F '[7m' | grep -c 'big-')
	[ "$sel" -ge 1 ] && break
	sleep 0.1; i=$((i+1))
done
if [ "$sel" -ge 1 ]; then pass; else fail "a click on row 2 did not select it"; tmux_ capture-pane -p -e -t tui >&2; fi
dblclick 10 3
see "Run 1 — big-"
key L
see "step many"
wheel down 5 5; wheel down 5 5
# two wheel turns of 3 lines: until line 7 is at the top
i=0; while [ "$(screen | sed -n 2p | tr -d ' ')" != 7 ] && [ $i -lt "${WAIT_TENTHS:-50}" ]; do
	sleep 0.1; i=$((i+1))
done
expect_eq "$(screen | sed -n 2p | tr -d ' ')" 7
key q q q

done_testing
