#!/bin/sh
# The browser's config file ($XDG_CONFIG_HOME/runlens/config, else
# ~/.config/runlens/config) on a real terminal: a rebinding (compare on x:
# the key works, the old one does nothing, the bar and ? say x), the light
# theme and colours for better and worse, a date format, default columns
# for every pipeline and for one, and a bad line reported with its file
# and line in the status bar while the rest applies.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
unset NO_COLOR
S="runlens-tuiconfig-$$"
PATH="$(dirname "$RUNLENS_BIN"):$PATH"; export PATH
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "cfgdemo", "params": {"lr": 0.1},
 "steps": [{"name": "train", "run": "runlens metric loss ${params.lr}; runlens metric acc 0.5"}]}
J
expect_exit 0 rl run p.json
expect_exit 0 rl run p.json -p lr=0.05
expect_exit 0 rl run p.json -p lr=0.2

start() { # ENV…: the browser afresh, HOME in the test's folder
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x 140 -y 30 "cd '$T' && env -u XDG_CONFIG_HOME HOME='$T/home' TERM=xterm-256color RUNLENS_STORE='$RUNLENS_STORE' $* '$RUNLENS_BIN' tui"
}

mkdir -p home/.config/runlens
cat > home/.config/runlens/config <<'C'
# runlens browser settings
theme = light
colour = red
date_format = %d.%m.%Y %Hh%M

[colors]
better = blue
worse = magenta

[keys]
compare = x

[columns]
* = id status train.loss
cfgdemo = id name params.lr train.loss
C

start
see "3 shown"
# the bad line: file (with ~) and line, in the status bar; the rest applies
see "runlens: ~/.config/runlens/config:3: unknown key 'colour'"
# default columns for all pipelines: ID STATUS train.loss, no NAME
expect_contains "$(line_of 'STATUS')" "train.loss" "the config's columns"
case "$(line_of 'STATUS')" in *NAME*) fail "NAME is shown: $(line_of 'STATUS')" ;; *) pass ;; esac
# the rebinding: x compares, c does nothing, the bar says x
key j
see "x compare"
case "$(screen | tail -n 1)" in *"c compare"*) fail "the bar still says c" ;; *) pass ;; esac
key '?'
see "runlens keys"
expect_contains "$(line_of 'compare the marked runs')" "x " "the ? screen lists x for compare"
key Escape
wait_gone "runlens keys"
# c then ?: the ? screen is of the view c left on top (keys go in order)
key c '?'
see "runlens keys"
expect_eq "$(screen | sed -n 3p | cut -c 1-20 | tr -d ' ')" Runs "c no longer opens the Compare view"
key x
see "3 shown"
key x
see "runlens · Compare"
key q
see "3 shown"
# the colours: better blue, worse magenta, still with ▼/▲ and + / !
key k
see_esc "34m *0\.05 ▼50% \+" "better in the config's blue"
key j j
see_esc "35m *0\.2 ▲300% !" "worse in the config's magenta"
# the light theme: dim text a darker grey
key k Enter
see "RUN CONTEXT"
see_esc "38;5;243m *params" "dim in the light theme's grey"
key q
# one pipeline's columns, and the date format
key p
see "runlens · Pipelines"
key Enter
see "Runs — cfgdemo"
expect_contains "$(line_of 'STATUS'; line_of 'NAME')" "params.lr" "the pipeline's own columns"
key q q
# STARTED in date_format (the pipelines list shows no dates): the
# config's date in the Run view's summary
key Enter
see "started $(date +%d.%m.%Y)"
key q q

# no config file: the defaults, nothing reported
rm home/.config/runlens/config
start
see "3 shown"
see "c compare"
see_esc "32m *0\.05 ▼50% \+" "better green by default"
key q

# XDG_CONFIG_HOME wins over ~/.config
mkdir -p xdg/runlens
printf '[keys]\npin = B\n[colours]\nbetter = cyan\nnonsense\n' > xdg/runlens/config
tmux_ kill-session -t tui 2>/dev/null
tmux_ new-session -d -s tui -x 140 -y 30 "cd '$T' && env XDG_CONFIG_HOME='$T/xdg' TERM=xterm-256color RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui"
see "xdg/runlens/config:5: 'nonsense' is not KEY = VALUE"
see_esc "36m *0\.05 ▼50% \+" "better in cyan"
key q

done_testing
