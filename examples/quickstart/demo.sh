#!/bin/sh
# examples/quickstart/demo.sh RUNLENS [DIR] — the demo of ./quickstart.sh:
# copies this folder into DIR (default: a new temporary folder), runs its
# pipeline three times with different params, lists the runs and compares
# the last one with its baseline; then, on a terminal, opens the browser on
# them.  It prints how to open the browser in any case.
# RUNLENS_DEMO_NO_TUI=1: never open the browser.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 RUNLENS [DIR]" >&2; exit 2; }
RUNLENS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
demo=${2:-$(mktemp -d "${TMPDIR:-/tmp}/runlens-demo.XXXXXX")}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
cp -r "$here" "$demo/quickstart"
cd "$demo"
# the demo's own store, ./.runlens, whatever the caller's environment says;
# its steps call `runlens metric`: this runlens
unset RUNLENS_STORE
PATH="$(dirname "$RUNLENS"):$PATH"
export PATH

say() { # ARGS: show the command, then run it
	printf '\n$ runlens'
	for a in "$@"; do
		case $a in *[!A-Za-z0-9=./_-]*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac
	done
	printf '\n'
	"$RUNLENS" "$@"
}
say run quickstart/pipeline.json --tag first
say run quickstart/pipeline.json -p lr=0.5 --tag higher-lr
say run quickstart/pipeline.json -p lr=0.5 -p epochs=40 --tag longer
say ls
say ls --where 'evaluate.accuracy>0.85'
say compare last

hint() {
	cat <<MSG

The runs are in $demo/.runlens. To look at them again:
  cd $demo
  $RUNLENS tui                # the browser (? lists the keys, q quits)
  $RUNLENS show last          # the last run: params, steps, metrics
  $RUNLENS compare last 1     # the last run against the first
  $RUNLENS why last train     # why train re-executed: the params that changed
MSG
}
if [ -t 0 ] && [ -t 1 ] && [ -z "${RUNLENS_DEMO_NO_TUI:-}" ]; then
	printf '\nOpening the browser on these runs (? lists the keys, q quits) ...\n'
	"$RUNLENS" tui || echo "runlens tui exited with status $?" >&2
fi
hint
