#!/bin/sh
# `make install` from the build tree into a temporary DESTDIR: the man
# pages are found and read by man(1), the installed runlens runs, the
# header and pkg-config file let a C step build against the installed
# librunlens (run as a step by the installed runlens), and `make
# uninstall` leaves no file behind.  Works in `make distcheck` too (build
# folder apart from a read-only source folder): the build folder is the
# one of $RUNLENS_BIN.  Skipped only without man(1) (package man-db).
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
# (a minimized Ubuntu has a stub in its place, that only says so)
man --version 2>/dev/null | grep -q '^man ' ||
	{ echo "man not installed (package man-db, scripts/install-deps.sh): skipped"; exit 77; }

builddir=$(cd "$(dirname "$RUNLENS_BIN")" && pwd)
[ -f "$builddir/Makefile" ] || { echo "FAIL: no Makefile in $builddir (RUNLENS_BIN=$RUNLENS_BIN)" >&2; exit 1; }
D="$T/dest"
# a make of its own: not the jobserver or the variables of the make
# running this test
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$builddir" "$@"; }

expect_exit 0 mk install DESTDIR="$D"
# shellcheck disable=SC2154
[ "$got" -eq 0 ] || { sed 's/^/  /' "$T/.err" | tail -20 >&2; done_testing; }

# where it went: PREFIX is the configured prefix, under DESTDIR
bin=$(find "$D" -path '*/bin/runlens' -type f)
expect_eq 1 "$(printf '%s\n' "$bin" | grep -c .)" "one installed runlens ($bin)"
root=${bin%/bin/runlens}
man1=$(find "$D" -path '*/man1/runlens.1')
man5=$(find "$D" -path '*/man5/runlens-pipeline.5')
expect_eq "$root/share/man/man1/runlens.1" "$man1" "runlens(1) under the prefix's man folder"
expect_eq "$root/share/man/man5/runlens-pipeline.5" "$man5" "runlens-pipeline(5) under the prefix's man folder"

# man finds and reads them
MP="$root/share/man"
expect_exit 0 env MANPATH="$MP" man -w runlens
expect_eq "$man1" "$OUT" "man -w runlens"
expect_exit 0 env MANPATH="$MP" man -w runlens-pipeline
expect_eq "$man5" "$OUT" "man -w runlens-pipeline"
expect_exit 0 env MANPATH="$MP" man -w 5 runlens-pipeline
expect_exit 16 env MANPATH="$MP" man -w runlens-nosuch
page() { env MANPATH="$MP" MANWIDTH=80 MANPAGER=cat PAGER=cat man "$@" 2>"$T/man.err"; }
# (spaces squeezed: man justifies lines)
P1=$(page runlens | tr -s ' ')
expect_contains "$P1" "runlens - run pipelines of steps" "man runlens: NAME"
expect_contains "$P1" "EXIT STATUS" "man runlens"
expect_contains "$P1" "RUNLENS_STORE" "man runlens: ENVIRONMENT"
# every command of `runlens --help`, at the start of a line
cmds=$("$RUNLENS_BIN" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
expect_contains "$cmds" "baseline" "runlens --help lists the commands"
for cmd in $cmds "stack register" "stack ls" "secret set" "secret ls" "secret rm" "state get"; do
	expect_contains "$P1" "
 $cmd " "man runlens documents '$cmd'"
done
expect_contains "$P1" "--no-cache" "man runlens: run's options"
P5=$(page 5 runlens-pipeline | tr -s ' ')
expect_contains "$P5" "runlens-pipeline - the pipeline file of runlens" "man 5 runlens-pipeline: NAME"
expect_contains "$P5" "metrics_file" "man 5 runlens-pipeline"
expect_contains "$P5" '${params.X}' "man 5 runlens-pipeline: substitutions"
expect_eq "" "$(cat "$T/man.err")" "man says nothing on stderr"
if command -v groff >/dev/null 2>&1; then
	for m in "$man1" "$man5"; do
		expect_exit 0 groff -man -Tutf8 -ww -z "$m"
		expect_eq "" "$ERR" "groff -ww warnings for $m"
	done
fi

# the installed program runs
expect_exit 0 "$bin" --version
expect_eq "$("$RUNLENS_BIN" --version)" "$OUT" "installed runlens --version"
expect_exit 0 "$bin" help run
expect_contains "$OUT" "usage: runlens run"

# header, pkg-config file, library, Python module, docs
expect_eq yes "$([ -f "$root/include/runlens/context.h" ] && echo yes)" "header installed"
pcfile="$root/lib/pkgconfig/runlens.pc"
expect_eq yes "$([ -f "$pcfile" ] && echo yes)" "runlens.pc installed"
expect_contains "$(cat "$pcfile")" "Libs: -L\${libdir} -lrunlens" "runlens.pc"
expect_eq yes "$([ -f "$root/share/runlens/python/runlens/__init__.py" ] && echo yes)" "Python module installed"
expect_eq yes "$([ -f "$root/share/doc/runlens/README.md" ] && [ -f "$root/share/doc/runlens/LICENSE" ] && echo yes)" "README.md and LICENSE installed"

# a C step built against what was installed, through pkg-config, run by
# the installed runlens (not with a sanitizer build's library, which
# needs the sanitizer runtime linked in)
pc() { PKG_CONFIG_PATH="$root/lib/pkgconfig" pkg-config --define-variable=prefix="$root" "$@"; }
if ! command -v cc >/dev/null 2>&1 || ! command -v pkg-config >/dev/null 2>&1; then
	echo "no cc or pkg-config: the C step against the installed library is not built"
elif ldd "$RUNLENS_BIN" 2>/dev/null | grep -q 'libasan\|libubsan'; then
	echo "sanitizer build: the C step against the installed library is not built"
elif ! [ -e "$root/lib/librunlens.so" ]; then
	echo "no shared librunlens (--disable-shared): the C step is not built"
else
	expect_exit 0 pc --cflags runlens
	expect_contains " $OUT " " -I$root/include " "pkg-config --cflags runlens"
	cat > step.c <<'EOF'
#include <stdio.h>
#include <runlens/context.h>
int main(void)
{
	rl_context *ctx = rl_context_open();
	if (!ctx) {
		fprintf(stderr, "%s\n", rl_last_error());
		return 1;
	}
	printf("step %s\n", rl_context_string(ctx, "step.name"));
	int rc = rl_log_metric(ctx, "answer", 42, RL_NO_INDEX);
	rl_context_close(ctx);
	return rc ? 1 : 0;
}
EOF
	# shellcheck disable=SC2046
	expect_exit 0 cc -o step step.c $(pc --cflags --libs runlens)
	cat > p.json <<EOF
{"name": "installed", "steps": [{"name": "c", "run": ["$T/step"],
  "env": {"LD_LIBRARY_PATH": "$root/lib"}}]}
EOF
	expect_exit 0 "$bin" run p.json
	expect_exit 0 "$bin" logs last c
	expect_eq "step c" "$OUT" "the C step read its context"
	expect_exit 0 "$bin" show last --json
	expect_eq 42 "$(jget "$OUT" 'd["metrics"]["c.answer"]')" "the C step's metric recorded"
	expect_eq "$root/lib/librunlens.so.1" \
		"$(LD_LIBRARY_PATH="$root/lib" ldd ./step | sed -n 's/.*librunlens[^ ]* => \([^ ]*\).*/\1/p')" \
		"the step uses the installed library"
fi

# make uninstall takes back every file
expect_exit 0 mk uninstall DESTDIR="$D"
expect_eq "" "$(find "$D" -type f -o -type l)" "files left after make uninstall"
done_testing
