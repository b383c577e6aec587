# tests/e2e/tmux.sh — sourced by the browser's tests after lib.sh: the
# browser in a tmux window named "tui" on the tmux server "$S" (each test
# sets S), and what a test does with it: read the screen, wait for text,
# press keys, click, wait for the browser to quit.  WAIT_TENTHS: how long
# wait_for/wait_gone/wait_until/wait_ended wait (tenths of a second, 50
# unless the test sets it).
# The server outlives the browser's session: a session "keep" holds it,
# so killing the "tui" session (a test starting the browser afresh) never
# races with the server shutting down ("no server running", "server
# exited unexpectedly" on a loaded machine).
tmux_() {
	if [ "$1" = new-session ] && ! tmux -L "$S" has-session -t keep 2>/dev/null; then
		tmux -L "$S" new-session -d -s keep -x 20 -y 5 'exec sleep 86400'
	fi
	tmux -L "$S" "$@"
}
screen() { tmux_ capture-pane -p -t tui; }
wait_for() { # TEXT: until the screen shows it
	i=0
	while [ $i -lt "${WAIT_TENTHS:-50}" ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1; i=$((i+1))
	done
	return 1
}
wait_gone() { # TEXT: until the screen no longer shows it
	i=0
	while [ $i -lt "${WAIT_TENTHS:-50}" ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1; i=$((i+1))
	done
	return 1
}
wait_until() { # CMD…: until it succeeds (tried every tenth of a second)
	i=0
	until "$@"; do
		[ $i -lt "${WAIT_TENTHS:-50}" ] || return 1
		sleep 0.1; i=$((i+1))
	done
	return 0
}
no_session() { ! tmux_ has-session -t tui 2>/dev/null; }
# until the browser's session has ended: it quit and its process exited
wait_ended() { wait_until no_session; }
see() { if wait_for "$1"; then pass; else fail "screen lacks '$1':"; screen >&2; fi; }
# After the key that quits the browser: its session is gone.  Before a test
# starts the browser afresh (which kills a session still there): a browser
# killed by the SIGHUP while it is still quitting dies halfway through
# freeing its views, and valgrind (tui_valgrind.sh) then reports as lost a
# block whose only pointer was in a register.
ended() { if wait_ended; then pass; else fail "the browser did not quit:"; screen >&2; fi; }
not_see() { if wait_gone "$1"; then pass; else fail "screen still shows '$1':"; screen >&2; fi; }
key() { tmux_ send-keys -t tui "$@"; }
line_of() { screen | grep -F -- "$1" | head -n 1; }
see_esc() { # REGEX WHAT: until the screen with its escapes (colours,
	# attributes) matches REGEX
	i=0
	while [ $i -lt "${WAIT_TENTHS:-50}" ]; do
		tmux_ capture-pane -p -e -t tui | grep -Eq -- "$1" && { pass; return; }
		sleep 0.1; i=$((i+1))
	done
	fail "$2: the screen lacks /$1/"
	tmux_ capture-pane -p -e -t tui >&2
}
# The mouse at 0-based column X, row Y, in the encoding the terminal's
# terminfo asks for: SGR for xterm-256color (the browser's TERM in most
# tests), X10 when the test sets MOUSE=x10 (tmux's own TERM; X10 cannot
# say a column past 94 through tmux).  mouse_ev BUTTON X Y [release]:
# BUTTON 0 the left one, 64/65 the wheel up/down.
mouse_ev() {
	if [ "${MOUSE:-sgr}" = x10 ]; then
		b=$1; [ "${4:-}" = release ] && b=3
		printf '\033[M%b%b%b' "\\0$(printf %o $((b + 32)))" "\\0$(printf %o $(($2 + 33)))" "\\0$(printf %o $(($3 + 33)))"
	else
		printf '\033[<%d;%d;%d%s' "$1" $(($2 + 1)) $(($3 + 1)) "$([ "${4:-}" = release ] && echo m || echo M)"
	fi
}
# a click (press and release in one write), a double click (both clicks
# in one write: a loaded machine must not stretch them apart), the wheel
# (DIR up or down, one notch)
press_release() { mouse_ev 0 "$1" "$2"; mouse_ev 0 "$1" "$2" release; }
click() { tmux_ send-keys -t tui -l "$(press_release "$1" "$2")"; }
dblclick() { tmux_ send-keys -t tui -l "$(press_release "$1" "$2")$(press_release "$1" "$2")"; }
wheel() { tmux_ send-keys -t tui -l "$(mouse_ev "$([ "$1" = up ] && echo 64 || echo 65)" "$2" "$3")"; }
# the 0-based column of TEXT in the status bar (the last row), in
# characters (each of the bar's is one column), -1 when it is not there
bar_x() {
	bar=$(screen | tail -n 1)
	case "$bar" in *"$1"*) printf '%s' "${bar%%"$1"*}" | wc -m ;; *) echo -1 ;; esac
}
# a click on TEXT in the status bar (a check that it is there)
click_bar() {
	x=$(bar_x "$1")
	if [ "$x" -ge 0 ]; then pass; else fail "the status bar lacks '$1'"; screen >&2; return; fi
	click "$x" $(($(screen | wc -l) - 1))
}
# the 0-based column and row ("X Y") of the first TEXT on the screen;
# nothing (and status 1) when it is not there
where_is() {
	scr=$(screen)
	n=$(printf '%s\n' "$scr" | grep -nF -- "$1" | head -n 1 | cut -d: -f1)
	[ -n "$n" ] || return 1
	row=$(printf '%s\n' "$scr" | sed -n "${n}p")
	echo "$(printf '%s' "${row%%"$1"*}" | wc -m) $((n - 1))"
}
# a click on the first TEXT on the screen (a check that it is there)
click_on() {
	if at=$(where_is "$1"); then pass; else fail "the screen lacks '$1'"; screen >&2; return; fi
	click $at
}
