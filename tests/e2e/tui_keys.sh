#!/bin/sh
# The keys of every view of the browser, on a real terminal: the `?`
# screen of each view lists exactly the keys that view handles (its own,
# then those every view has), the status bar's hints name only keys the
# view's `?` screen lists, a key the view does not handle says so, and
# every action of the key table (tui/actions.h) is on some view's `?`
# screen.  (Hints and help used to be typed apart from the handlers and
# drifted: Compare's bar said "f all/differing", its help "f filter".)
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuikeys-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "keys", "params": {"acc": 0.8},
 "steps": [{"name": "train", "cache": false,
  "run": "echo training; for i in 1 2 3; do runlens metric loss $i --index $i; done; runlens metric accuracy ${params.acc}"}]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json -p acc=0.9

# one column of help: narrower than 100, tall enough for every key
tmux_ new-session -d -s tui -x 90 -y 60 "cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"

GLOBAL="q Esc Q p : y B F5/C-l ? Left/h/S-Tab Right/l/Tab"
ALL_LISTED=""

sorted() { printf '%s\n' $1 | sort | tr '\n' ' '; }
# the keys listed under the heading $1 of the ? screen
listed() {
	screen | awk -v h="  $1" '
		$0 == h { on = 1; next }
		on && /^  [^ ]/ && substr($0, 16, 1) == " " && substr($0, 17, 1) != " " { print $1; next }
		on && /^$/ { exit }'
}
# the status-bar hints' keys, as the ? screen writes them
hint_keys() {
	screen | tail -n 1 | sed 's/   *q \(back\|quit\) · ? help *$//; s/^ //' | awk -F ' · ' '{
		for (i = 1; i <= NF; i++) { split($i, w, " "); print w[1] } }' |
	while read -r k; do
		if [ "$k" = "/" ]; then echo "/"; continue; fi
		printf '%s\n' "$k" | tr '/' '\n'
	done | sed 's/^↑$/Up\/k/; s/^↓$/Down\/j/; s/^←$/Left\/h\/S-Tab/; s/^→$/Right\/l\/Tab/; s/^d$/d\/Del/;
		s/^G$/G\/End/; s/^g$/g\/Home/; s/^F5$/F5\/C-l/'
}
# VIEW WANT UNHANDLED: check the view on the screen
check_view() {
	view=$1 want=$2 unhandled=$3
	hints=$(hint_keys | tr '\n' ' ')
	key '?'
	see "runlens keys"
	mine=$(listed "$view" | tr '\n' ' ')
	everywhere=$(listed Everywhere | tr '\n' ' ')
	expect_eq "$(sorted "$want")" "$(sorted "$mine")" "$view: the keys on its ? screen"
	all="$mine $everywhere"
	want_global=""
	for g in $GLOBAL; do
		case " $mine " in *" $g "*) ;; *) want_global="$want_global $g" ;; esac
	done
	expect_eq "$(sorted "$want_global")" "$(sorted "$everywhere")" "$view: the global keys"
	for h in $hints; do
		case " $all " in *" $h "*) pass ;; *) fail "$view: the hints name '$h', not on its ? screen" ;; esac
	done
	[ -n "$hints" ] && pass || fail "$view: no hints"
	ALL_LISTED="$ALL_LISTED $all"
	key x
	not_see "runlens keys"
	key "$unhandled"
	see "does nothing in this view (? lists its keys)"
}

MOVES="Up/k Down/j PgUp/C-b PgDn/C-f g/Home G/End"

see "2 shown"
SIDE="Left/h/S-Tab Right/l/Tab"
check_view Runs "Enter f s / Space u c b C r p i n N L e d/Del S v w $SIDE $MOVES" o
key Enter
see "Run 2"
check_view Run "Enter L R r e c b D o O / n N $MOVES" f
key Enter
see "Step train"
check_view Step "$SIDE Enter o R L / n N $MOVES" f
key q L
see "Logs — run 2, step train"
check_view Logs "/ n N G/End F w o e $SIDE Up/k Down/j PgUp/C-b PgDn/C-f g/Home" c
key q q
see "Runs"
key c
see "Compare — A #1 vs B #2"
check_view Compare "Up/k Down/j f P Enter / n N $SIDE PgUp/C-b PgDn/C-f g/Home G/End" s
# f in Compare does what its help says: a filter (Esc: the notice off, the hints back)
key Escape
see "f filter"
key f
see "filter off: showing all params and metrics"
key q p
see "Pipelines"
check_view Pipelines "Enter m / n N $MOVES" c
# a sweep: m picks the metric to rank by (s sorts, the same), P plots
expect_exit 0 rl run p.json -p acc=0.6,0.7 --sweep keysweep
key q F5
see "4 shown"
key g w
see "Sweep 1 keysweep"
check_view Sweep "Enter m s P c $SIDE $MOVES" f

# every action of the key table is on some view's ? screen
n=0; missing=""
for k in $(sed -n 's/^[[:space:]]*X([A-Z_]*, [^,]*, [^,]*, "\([^"]*\)".*/\1/p' "$TESTS_SRCDIR/../tui/actions.h"); do
	n=$((n + 1))
	case " $ALL_LISTED " in *" $k "*) ;; *) missing="$missing [$k]" ;; esac
done
if [ "$n" -ge 30 ] && [ -z "$missing" ]; then pass; else fail "on no ? screen:$missing ($n actions read)"; fi

key Q
done_testing
