/* core/artifacts.h — the content-addressed artifact store: a step's
 * finished output moves to ROOT/ab/abcdef…/NAME (its SHA-256), read-only,
 * and one copy is kept of equal content.  Checking that a stored artifact
 * still holds what was recorded is cache_verify (core/cache.h). */
#ifndef RUNLENS_CORE_ARTIFACTS_H
#define RUNLENS_CORE_ARTIFACTS_H

#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* Move the output at PATH, whose content hashes to HEX, into the store
 * under ROOT, leaving a symbolic link where the step wrote it.  Returns
 * where the content now is (malloc'd): in the store, or PATH itself when
 * it could not be moved (another file system); NULL when out of memory. */
char *artifacts_put(const char *root, const char *path, const char *hex);

/* Drop the write bits of a stored file, or of the files of a stored
 * folder (artifacts are not to be edited in place). */
void artifacts_make_read_only(const char *path);

/* What `runlens gc` did. */
struct artifacts_gc_result {
	int64_t dropped; /* artifact records no run referenced */
	int removed;	 /* content folders removed from disk */
	int64_t bytes;	 /* their size */
};

/* Drop the artifact records no step run references (one transaction),
 * then remove their content from the artifact stores (the default one
 * and every stack's).  Files outside the artifact stores (external
 * inputs) are never removed. */
int artifacts_gc(struct store *s, struct artifacts_gc_result *res, struct rl_err *err);

#endif
