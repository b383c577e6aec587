#!/bin/sh
# quickstart.sh — from a fresh clone: install the build dependencies, build
# runlens, then run the demo (examples/quickstart/demo.sh): a tiny model,
# trained three times with different params, its loss and accuracy
# recorded; `runlens ls` and `runlens compare` on the runs; on a terminal,
# the browser on them.
# RUNLENS_QUICKSTART_NO_DEPS=1: do not install the build dependencies.
set -eu
cd "$(dirname "$0")"
[ -n "${RUNLENS_QUICKSTART_NO_DEPS:-}" ] || sh scripts/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
exec sh examples/quickstart/demo.sh "$PWD/runlens"
