/* core/locate.h — where runlens' own pieces are, for the steps it runs:
 * its Python module and its own executable, wherever runlens runs from
 * (an installed prefix, or the build tree right after `make`). */
#ifndef RUNLENS_CORE_LOCATE_H
#define RUNLENS_CORE_LOCATE_H

#include "util/error.h"

/* The folder holding the Python module `runlens` (a runlens/__init__.py
 * in it), in this order: $RUNLENS_PYTHON_DIR; when this executable is the
 * one `make` built, its source tree's python/; PREFIX/share/runlens/python
 * next to the executable's bin/; the folder configured at build time.
 * NULL when none has it; *looked (may be NULL) receives the folders tried,
 * ", "-separated (malloc'd). */
char *locate_python_dir(char **looked);

/* STORE_DIR/bin: a folder holding only `runlens`, a link to this
 * executable, made or refreshed now; for the front of each step's PATH, so
 * `runlens metric …` in a step is this runlens and nothing else. */
char *locate_bin_dir(const char *store_dir, struct rl_err *err);

/* A stand-in Python module for when the real one cannot be found:
 * STORE_DIR/python-missing/runlens/__init__.py raises ImportError saying
 * where runlens looked (LOOKED), so the step's stderr tells.  Returns the
 * folder to put on PYTHONPATH (malloc'd), or NULL. */
char *locate_missing_python(const char *store_dir, const char *looked);

#endif
