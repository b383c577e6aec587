/* core/hash.h — SHA-256 of artifacts.
 *
 * A file's hash is the SHA-256 of its bytes (what `sha256sum FILE` prints).
 * A folder's hash is the SHA-256 of its manifest: one line
 * "<sha256 of file>  <path relative to the folder>\n" per regular file
 * (symbolic links followed), sorted by path in byte order — exactly what
 *   (cd DIR && find . -type f | LC_ALL=C sort | sed 's|^\./||' |
 *    xargs -d '\n' sha256sum) | sha256sum
 * prints, so anyone can check it.
 */
#ifndef RUNLENS_CORE_HASH_H
#define RUNLENS_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define HASH_HEX_LEN 64

/* Hash a file or folder.  HEX receives 64 hex digits and a NUL; *size the
 * byte count (a folder: the sum of its files); *is_dir 1 for a folder.
 * size and is_dir may be NULL. */
int hash_path(const char *path, char hex[HASH_HEX_LEN + 1], int64_t *size,
	      int *is_dir, struct rl_err *err);

/* Hashes remembered for a while (a run, a plan): a file's hash is reused
 * while its device, inode, size and modification time are those it had
 * when it was hashed.  Folders are hashed every time. */
struct hash_memo;
struct hash_memo *hash_memo_new(void);
/* Accepts NULL; clears *m. */
void hash_memo_free(struct hash_memo **m);
/* hash_path through MEMO (NULL: no memo). */
int hash_path_memo(struct hash_memo *memo, const char *path, char hex[HASH_HEX_LEN + 1],
		   int64_t *size, int *is_dir, struct rl_err *err);

/* SHA-256 of a memory block, as hex. */
void hash_bytes(const void *data, size_t len, char hex[HASH_HEX_LEN + 1]);

#endif
