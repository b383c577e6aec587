/* core/tree.h — whole trees of files, as the artifact store handles them.
 *
 * Nothing here follows a symbolic link inside a tree: a link is stamped,
 * copied and removed as a link, never as what it points to.  Nothing reads
 * a FIFO or a device either: those are errors naming them.  Functions
 * return 0, or -1 with *err filled (err may be NULL).
 */
#ifndef RUNLENS_CORE_TREE_H
#define RUNLENS_CORE_TREE_H

#include <stdint.h>

#include "util/error.h"

/* What a cheap look at a tree sees (lstat of every entry, no reading). */
struct tree_stamp {
	int64_t size;	   /* bytes of its regular files */
	int64_t changed_ns; /* the newest status change (ctime) of any entry,
			       folders and links included, ns since the epoch:
			       the kernel sets it to "now" on every change of
			       an entry's bytes, mode, links or times, and no
			       call sets it back */
	int64_t entries;   /* entries, the top one included */
	int64_t shared;	   /* regular files with other hard links */
	int64_t other;	   /* entries that are neither files, folders nor links */
};

/* Stamp PATH (not followed) and what is in it. */
int tree_stamp(const char *path, struct tree_stamp *st, struct rl_err *err);

/* Copy FROM to TO, which must not exist.  FROM is followed when it is a
 * link (it must lead to a file or a folder); inside it, files are copied
 * with their bytes, mode and modification time, folders with their mode
 * and modification time, links as links.  A FIFO, socket or device is an
 * error naming it.  On failure, what was made of TO is removed. */
int tree_copy(const char *from, const char *to, struct rl_err *err);

/* Replace each regular file of PATH (PATH itself included) that has other
 * hard links by a copy of its own (same bytes, mode and modification
 * time), so that what is done to PATH's files never reaches a file
 * elsewhere. */
int tree_unshare(const char *path, struct rl_err *err);

/* Drop the write bits of PATH's files and folders, all the way down
 * (deepest first; links have no mode of their own). */
int tree_set_read_only(const char *path, struct rl_err *err);

/* Remove PATH and all that is in it, giving each folder its owner's
 * write and search bits first (the tree may be read-only).  Missing is
 * fine. */
int tree_remove(const char *path, struct rl_err *err);

#endif
