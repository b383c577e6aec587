#!/bin/sh
# quickstart.sh — from a fresh clone: install the build dependencies, build
# runlens, run the bundled example pipeline a few times, and show the runs.
set -eu
cd "$(dirname "$0")"
sh scripts/install-deps.sh
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
demo=$(mktemp -d "${TMPDIR:-/tmp}/runlens-demo.XXXXXX")
cp -r examples/quickstart "$demo/"
cd "$demo"
RUNLENS="$OLDPWD/runlens"
"$RUNLENS" run quickstart/pipeline.json
"$RUNLENS" run quickstart/pipeline.json -p rows=5000 --tag bigger
"$RUNLENS" run quickstart/pipeline.json -p seed=11 --tag reseeded
echo
"$RUNLENS" ls
echo
"$RUNLENS" show last
echo
echo "The store is $demo/.runlens; try: cd $demo && $RUNLENS step last report"
echo "or browse it in the terminal: cd $demo && $RUNLENS   (? lists the keys, q quits)"
