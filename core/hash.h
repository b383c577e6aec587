/* core/hash.h — SHA-256 of artifacts.
 *
 * Only regular files and folders are hashed.  Anything else — a FIFO, a
 * socket, a device, or a symbolic link to one — is refused with an error
 * naming it, before a byte is read (so nothing here can block or read
 * forever).  The PATH given is followed when it is a symbolic link; inside
 * a folder nothing is followed.
 *
 * A file's hash is the SHA-256 of its bytes (what `sha256sum FILE` prints).
 *
 * A folder's hash is the SHA-256 of its manifest: one record per entry of
 * the tree, the folder itself included, each record ended by a NUL byte,
 * the records sorted as byte strings (C locale) and joined:
 *
 *   "d " PATH            a folder (the folder itself: PATH is empty)
 *   "f " SHA " " PATH    a regular file; SHA: 64 hex digits of its bytes
 *   "l " SHA " " PATH    a symbolic link, not followed; SHA: of the text
 *                        of its target (what `readlink -n` prints)
 *
 * PATH is relative to the folder ("a/b.txt"), its bytes as they are.  No
 * path holds a NUL, and the fields before it have a fixed length, so a
 * name (newlines, spaces and all) can never pass for another record; a
 * folder, empty or not, is a record of its own; and an empty folder's
 * manifest ("d \0") is not an empty file's.  Other entries (FIFOs,
 * sockets, devices) make the folder unhashable.  A folder's size is the
 * sum of the sizes of its regular files.
 *
 * Anyone can check a folder's hash with GNU find, coreutils and sed:
 *
 *   cd DIR && { find . -type d -printf 'd %P\0'
 *     find . -type f -print0 | xargs -0r sha256sum -z | sed -z 's|^\([0-9a-f]*\)  \./|f \1 |'
 *     find . -type l -exec sh -c 'printf "l %s %s\0" "$(readlink -n "$1" | sha256sum | cut -c1-64)" "${1#./}"' sh {} \;
 *   } | LC_ALL=C sort -z | sha256sum
 *
 * (tests/e2e/hostile_outputs.sh runs exactly this on a tricky tree.)
 * Folders hashed by earlier versions (a manifest of "<sha>  <path>\n" per
 * file) do not verify under it: such a stored folder is not reused by the
 * cache, and its step simply executes again (docs/reliability.md).
 */
#ifndef RUNLENS_CORE_HASH_H
#define RUNLENS_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

#define HASH_HEX_LEN 64

/* Hash a file or folder.  HEX receives 64 hex digits and a NUL; *size the
 * byte count (a folder: the sum of its files); *is_dir 1 for a folder.
 * size and is_dir may be NULL.  PATH that is neither a file nor a folder
 * (nor a link to one) is an RL_E_IO error saying what it is. */
int hash_path(const char *path, char hex[HASH_HEX_LEN + 1], int64_t *size,
	      int *is_dir, struct rl_err *err);

/* Hashes remembered for a while (a run, a plan): a file's hash is reused
 * while its device, inode, size and modification time are those it had
 * when it was hashed.  Folders are hashed every time. */
struct hash_memo;
struct hash_memo *hash_memo_new(void);
/* Accepts NULL; clears *m. */
void hash_memo_free(struct hash_memo **m);
/* realpath(FOLDER) (malloc'd, NULL when it cannot be resolved), resolved
 * once for MEMO's life (a few folders: the pipeline's, a workdir); MEMO
 * NULL: every time. */
char *hash_memo_realpath(struct hash_memo *m, const char *folder);
/* hash_path through MEMO (NULL: no memo). */
int hash_path_memo(struct hash_memo *memo, const char *path, char hex[HASH_HEX_LEN + 1],
		   int64_t *size, int *is_dir, struct rl_err *err);

/* A long hash: HOOK(CTX) is called after every HASH_SLOW_BYTES a hash
 * reads (NULL: none; one hook for the process).  The runner lets go of
 * the store's write lock then, so a 14 GB output hashes while other
 * writers go on (core/runner.c, run_hashing_may_release). */
#define HASH_SLOW_BYTES (8 << 20)
void hash_set_slow_hook(void (*hook)(void *ctx), void *ctx);

/* SHA-256 of a memory block, as hex. */
void hash_bytes(const void *data, size_t len, char hex[HASH_HEX_LEN + 1]);

/* What a file of MODE is, for messages: "a FIFO", "a socket", "a
 * character device", "a block device", "a symbolic link", "a folder",
 * "a file". */
const char *hash_kind(mode_t mode);

#endif
