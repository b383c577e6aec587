/* core/artifacts.h — the content-addressed artifact store.
 *
 * A step's finished output goes to ROOT/ab/abcdef…/NAME (its SHA-256,
 * core/hash.h), read-only all the way down (files and folders), and one
 * copy is kept of equal content; a symbolic link to it is left where the
 * step wrote it.
 *
 * Storing an output takes two calls:
 *   artifacts_prepare  checks, hashes and (when it cannot be renamed) copies
 *                      the output into ROOT's staging folder.  Slow (it
 *                      reads everything), touches no store record: call it
 *                      outside the store's write transaction.
 *   artifacts_put      moves it into place, or finds the same content
 *                      already there.  Quick (renames, a look at what is
 *                      there): call it inside the write transaction that
 *                      records the artifact, so that `gc` — which deletes
 *                      rows and removes their content under that same write
 *                      lock — can never remove content between the put and
 *                      the record.
 * Checking a stored artifact before use is artifacts_check; cache_verify
 * (core/cache.h) re-hashes before reuse.
 */
#ifndef RUNLENS_CORE_ARTIFACTS_H
#define RUNLENS_CORE_ARTIFACTS_H

#include <stdint.h>

#include "core/hash.h"
#include "core/tree.h"
#include "store/store.h"
#include "util/error.h"

/* An output on its way into the store.  Fill with artifacts_prepare,
 * release with artifacts_put_clear. */
struct artifact_put {
	char *root;   /* the artifact store */
	char *link;   /* where the step wrote it: becomes a link to DEST */
	char *from;   /* what artifacts_put moves: the output itself, or a copy
			 in ROOT's staging folder */
	char *staged; /* that staging folder (removed by the clear), or NULL */
	char *dest;   /* ROOT/ab/HEX/NAME */
	char hex[HASH_HEX_LEN + 1];
	int is_dir;
	int64_t size;
	int nested; /* ARTIFACTS_NESTED: the step's copy stays, no link */
	/* what artifacts_prepare found at DEST: 0 nothing, 1 the same
	 * content (DEST_STAMP then says how it looked), -1 something else,
	 * -2 the same hash for the other kind (file or folder) */
	int found;
	struct tree_stamp dest_stamp;
	/* set by artifacts_put: the stored copy, and a time no part of it was
	 * changed after (ms since the epoch; record it as the artifact's
	 * created_ms: artifacts_check compares with it) */
	char *stored;
	int64_t sealed_ms;
	int moved; /* the content was moved in (not found there already) */
};

/* Check and hash the output at PATH, which the step wrote under its
 * outputs folder OUT_DIR, for the artifact store ROOT:
 *  - PATH must resolve inside OUT_DIR (a link, or a link to a folder on
 *    the way, that leads outside is refused: nothing of the user's is ever
 *    moved, changed or hashed) and be a file or a folder; inside a folder,
 *    files, folders and symbolic links (kept as links, never followed);
 *  - reached through a link, or on another file system than ROOT, it is
 *    copied into ROOT/.tmp (a staging folder), and that copy is what is
 *    hashed and stored; otherwise it will be renamed;
 *  - a file with other hard links is replaced by a copy of its own first,
 *    so making the artifact read-only never changes a file elsewhere;
 *  - with ARTIFACTS_NESTED (PATH is inside another output of the step, or
 *    is the same as an earlier one), it is copied too, and artifacts_put
 *    leaves the step's copy where it is (it belongs to the other output).
 * Returns 0, or -1 with *err saying why (the attempt fails with it). */
enum { ARTIFACTS_NESTED = 1 << 0 };
int artifacts_prepare(const char *root, const char *out_dir, const char *path,
		      unsigned flags, struct artifact_put *p, struct rl_err *err);

/* Move the prepared output into place (or drop it when the same content
 * is there already), make it read-only, leave the link.  Returns 0 with
 * P->stored and P->sealed_ms set, or -1 with *err. */
int artifacts_put(struct artifact_put *p, struct rl_err *err);

/* Take back a put whose record will not be made (another output of the
 * step could not be stored): content it moved into the store is removed
 * (still inside the write transaction, so nobody can have found it).
 * Content that was there already stays.  Accepts NULL. */
void artifacts_put_undo(struct artifact_put *p);

/* Release P and remove its staging folder if it is still there.
 * Accepts NULL. */
void artifacts_put_clear(struct artifact_put *p);

/* Does the stored artifact at PATH still hold what was recorded (its
 * TYPE "file" or "dir", SHA256, SIZE, and SEALED_MS: its created_ms)?
 * Cheap unless FULL: its size must be SIZE, and when anything in it
 * changed after SEALED_MS it is re-hashed; with FULL it is always
 * re-hashed.  "Changed" is by ctime, which the kernel sets on every change
 * of an entry's bytes, mode, links or times and no call sets back (a
 * modification time put back with `touch -d` hides nothing).  Before saying yes it waits until
 * the files' clock has passed SEALED_MS (at most a tick, for an artifact
 * sealed just now), so that whatever the consumer changes from then on is
 * seen by the next check.  Returns 1 when it holds what was recorded, 0
 * with *why (malloc'd) saying what changed, -1 when out of memory. */
int artifacts_check(const char *path, const char *type, const char *sha256, int64_t size,
		    int64_t sealed_ms, int full, char **why);

/* What `runlens gc` did. */
struct artifacts_gc_result {
	int64_t dropped; /* artifact records no run referenced */
	int removed;	 /* stored artifacts removed from disk */
	int64_t bytes;	 /* their size */
	int unrecorded;	 /* content folders of the store's own artifacts
			    folder no record names, left by a runner killed
			    between storing an output and its commit (older
			    than an hour), removed */
};

/* Drop the artifact records no step run references and remove their
 * content from the artifact stores (the default one and every stack's),
 * all in one write transaction: a run storing the same content meanwhile
 * waits, then stores its own copy.  Files outside the artifact stores
 * (external inputs) are never removed; staging folders left by a crash
 * are removed after a day. */
int artifacts_gc(struct store *s, struct artifacts_gc_result *res, struct rl_err *err);

#endif
