# tests/e2e/tmux.sh — sourced by the browser's tests after lib.sh: the
# browser in a tmux window named "tui" on the tmux server "$S" (each test
# sets S), and what a test does with it: read the screen, wait for text,
# press keys, wait for the browser to quit.  WAIT_TENTHS: how long
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
