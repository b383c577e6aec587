/* util/fs.h — files and folders. */
#ifndef RUNLENS_UTIL_FS_H
#define RUNLENS_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Create DIR and its missing parents (mode 0755).  Existing is fine. */
int fs_mkdirs(const char *dir, struct rl_err *err);
/* Create DIR, whose parent exists and which does not (a folder being made
 * from scratch, parents first): no retries, any failure is the error. */
int fs_mkdir(const char *dir, struct rl_err *err);

/* Read a whole file; *data is malloc'd and NUL-terminated, *len its size
 * (len may be NULL).  A missing file is RL_E_NOT_FOUND. */
int fs_read_file(const char *path, char **data, size_t *len,
		 struct rl_err *err);

/* Write DATA to PATH through a temporary file and rename, with MODE. */
int fs_write_file(const char *path, const void *data, size_t len, mode_t mode,
		  struct rl_err *err);
/* Write DATA to PATH, which must not exist yet (O_EXCL), with MODE: for a
 * file nobody reads before it is complete (a new step folder's
 * context.json), without fs_write_file's temporary name and rename.
 * Nothing is left at PATH when it fails. */
int fs_write_new(const char *path, const void *data, size_t len, mode_t mode,
		 struct rl_err *err);

/* "A/B", malloc'd (B absolute: a copy of B). */
char *fs_join(const char *a, const char *b);

/* Absolute form of PATH (need not exist), malloc'd. */
char *fs_absolute(const char *path);

/* Folder part of PATH ("." when none), malloc'd. */
char *fs_dirname(const char *path);

/* runlens' file NAME in an XDG base folder: "$VAR/runlens/NAME" when VAR
 * (XDG_CONFIG_HOME, XDG_STATE_HOME) holds an absolute path, else
 * "$HOME/HOME_DIR/runlens/NAME" (HOME_DIR ".config", ".local/state"), else
 * NULL (no HOME either).  Malloc'd. */
char *fs_xdg_file(const char *var, const char *home_dir, const char *name);

/* 1 if PATH exists (any type). */
int fs_exists(const char *path);
/* 1 if PATH is a folder. */
int fs_is_dir(const char *path);

/* Remove PATH and, when a folder, everything in it.  Missing is fine. */
int fs_remove_tree(const char *path, struct rl_err *err);

/* Map errno to an error kind: ENOSPC/EDQUOT -> RL_E_DISK_FULL, ENOENT ->
 * RL_E_NOT_FOUND, else RL_E_IO. */
enum rl_code fs_errno_code(int e);

#endif
