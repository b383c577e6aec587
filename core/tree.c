/* core/tree.c — whole trees of files: stamp, copy, unshare, modes,
 * removal (core/tree.h). */
#include "config.h"
#include "core/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "util/fs.h"

#define COPY_CHUNK (1 << 20)

static int os_error(struct rl_err *err, const char *what, const char *path)
{
	int e = errno;
	return rl_err_set(err, fs_errno_code(e), "cannot %s %s: %s", what, path, strerror(e));
}

static int not_copied(struct rl_err *err, const char *path, mode_t mode)
{
	return rl_err_set(err, RL_E_IO, "%s is %s, not a file, a folder or a symbolic link", path,
			  hash_kind(mode));
}

/* ------------------------------------------------------------------ */
/* Walking                                                             */

enum visit { VISIT_LEAF, VISIT_PRE, VISIT_POST };

/* Called for every entry: a folder before (PRE) and after (POST) what is
 * in it, anything else once (LEAF).  ST: lstat of PATH before the visit. */
typedef int (*visit_fn)(const char *path, const struct stat *st, enum visit v, void *ctx,
			struct rl_err *err);

/* FN(PATH/NAME, CTX) for each entry NAME of the folder PATH, until one
 * fails. */
static int each_entry(const char *path, int (*fn)(const char *child, const char *name, void *ctx,
						  struct rl_err *err),
		      void *ctx, struct rl_err *err)
{
	DIR *d = opendir(path);
	if (!d)
		return os_error(err, "read", path);
	int rc = 0;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno)
				rc = os_error(err, "read", path);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *child = fs_join(path, de->d_name);
		rc = child ? fn(child, de->d_name, ctx, err) : rl_err_set(err, RL_E_NOMEM, NULL);
		free(child);
		if (rc < 0)
			break;
	}
	closedir(d);
	return rc;
}

struct walk_ctx {
	visit_fn fn;
	void *ctx;
};

static int walk_any(const char *path, visit_fn fn, void *ctx, struct rl_err *err);

static int walk_child(const char *child, const char *name, void *ctx, struct rl_err *err)
{
	const struct walk_ctx *w = ctx;
	(void)name;
	return walk_any(child, w->fn, w->ctx, err);
}

static int walk_any(const char *path, visit_fn fn, void *ctx, struct rl_err *err)
{
	struct stat st;
	struct walk_ctx w = { fn, ctx };
	if (lstat(path, &st) < 0)
		return os_error(err, "read", path);
	if (!S_ISDIR(st.st_mode))
		return fn(path, &st, VISIT_LEAF, ctx, err);
	if (fn(path, &st, VISIT_PRE, ctx, err) < 0 || each_entry(path, walk_child, &w, err) < 0)
		return -1;
	return fn(path, &st, VISIT_POST, ctx, err);
}

static int64_t ctime_ns(const struct stat *st)
{
	return (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

static int stamp_visit(const char *path, const struct stat *st, enum visit v, void *ctx,
		       struct rl_err *err)
{
	struct tree_stamp *s = ctx;
	(void)path;
	(void)err;
	if (v == VISIT_POST)
		return 0;
	s->entries++;
	if (ctime_ns(st) > s->changed_ns)
		s->changed_ns = ctime_ns(st);
	if (S_ISREG(st->st_mode)) {
		s->size += st->st_size;
		s->shared += st->st_nlink > 1;
	} else if (!S_ISDIR(st->st_mode) && !S_ISLNK(st->st_mode)) {
		s->other++;
	}
	return 0;
}

int tree_stamp(const char *path, struct tree_stamp *st, struct rl_err *err)
{
	memset(st, 0, sizeof *st);
	return walk_any(path, stamp_visit, st, err);
}

/* ------------------------------------------------------------------ */
/* Copying                                                             */

static int set_times(const char *path, const struct stat *st, struct rl_err *err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0
		       ? os_error(err, "set the times of", path)
		       : 0;
}

/* Write all of BUF[0..N) to FD. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy the regular file FROM (open without blocking: a FIFO that took
 * its place is refused, never read) to the new file TO. */
static int copy_file(const char *from, const char *to, struct rl_err *err)
{
	int rc = -1, out = -1, made = 0; /* made: TO is ours to remove */
	char *chunk = NULL;
	struct stat st;
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
	if (in < 0)
		return os_error(err, "read", from);
	if (fstat(in, &st) < 0) {
		os_error(err, "read", from);
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		not_copied(err, from, st.st_mode);
		goto cleanup;
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		os_error(err, "create", to);
		goto cleanup;
	}
	made = 1;
	if (!(chunk = malloc(COPY_CHUNK))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (;;) {
		ssize_t r = read(in, chunk, COPY_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			os_error(err, "read", from);
			goto cleanup;
		}
		if (r == 0)
			break;
		if (write_all(out, chunk, (size_t)r) < 0) {
			os_error(err, "write", to);
			goto cleanup;
		}
	}
	struct timespec ts[2] = { st.st_atim, st.st_mtim };
	if (fchmod(out, st.st_mode & 07777) < 0 || futimens(out, ts) < 0) {
		os_error(err, "set the mode and times of", to);
		goto cleanup;
	}
	int fd = out;
	out = -1;
	if (close(fd) < 0) { /* a full disk can show here */
		os_error(err, "write", to);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(chunk);
	if (out >= 0)
		close(out);
	close(in);
	if (rc < 0 && made)
		unlink(to);
	return rc;
}

static int copy_link(const char *from, const struct stat *st, const char *to,
		     struct rl_err *err)
{
	size_t cap = (size_t)st->st_size + 1 > 64 ? (size_t)st->st_size + 1 : 64;
	char *target = NULL;
	for (;;) {
		free(target);
		if (!(target = malloc(cap)))
			return rl_err_set(err, RL_E_NOMEM, NULL);
		ssize_t n = readlink(from, target, cap);
		if (n < 0) {
			free(target);
			return os_error(err, "read", from);
		}
		if ((size_t)n < cap) {
			target[n] = '\0';
			break;
		}
		cap *= 2;
	}
	int rc = symlink(target, to) < 0 ? os_error(err, "create", to) : set_times(to, st, err);
	free(target);
	return rc;
}

static int copy_entry(const char *from, const char *to, int follow, struct rl_err *err);

static int copy_child(const char *child, const char *name, void *ctx, struct rl_err *err)
{
	char *to = fs_join(ctx, name);
	int rc = to ? copy_entry(child, to, 0, err) : rl_err_set(err, RL_E_NOMEM, NULL);
	free(to);
	return rc;
}

/* The folder FROM (ST) to the new folder TO: what is in it, then its mode
 * and times (a read-only folder is made writable only for as long as it
 * is filled). */
static int copy_dir(const char *from, const struct stat *st, const char *to,
		    struct rl_err *err)
{
	if (mkdir(to, 0700) < 0)
		return os_error(err, "create", to);
	if (each_entry(from, copy_child, (void *)to, err) < 0)
		return -1;
	if (chmod(to, st->st_mode & 07777) < 0)
		return os_error(err, "set the mode of", to);
	return set_times(to, st, err);
}

static int copy_entry(const char *from, const char *to, int follow, struct rl_err *err)
{
	struct stat st;
	if ((follow ? stat(from, &st) : lstat(from, &st)) < 0)
		return os_error(err, "read", from);
	if (S_ISDIR(st.st_mode))
		return copy_dir(from, &st, to, err);
	if (S_ISREG(st.st_mode))
		return copy_file(from, to, err);
	if (S_ISLNK(st.st_mode))
		return copy_link(from, &st, to, err);
	return not_copied(err, from, st.st_mode);
}

int tree_copy(const char *from, const char *to, struct rl_err *err)
{
	struct stat st;
	if (lstat(to, &st) == 0)
		return rl_err_set(err, RL_E_IO, "cannot copy to %s: it exists", to);
	char *real = realpath(from, NULL);
	int rc = !real ? os_error(err, "read", from) : copy_entry(real, to, 1, err);
	free(real);
	if (rc < 0)
		tree_remove(to, NULL); /* only what this copy made */
	return rc;
}

/* ------------------------------------------------------------------ */
/* Hard links, modes, removal                                          */

static int unshare_visit(const char *path, const struct stat *st, enum visit v, void *ctx,
			 struct rl_err *err)
{
	unsigned *n = ctx;
	if (v != VISIT_LEAF || !S_ISREG(st->st_mode) || st->st_nlink < 2)
		return 0;
	char *dir = fs_dirname(path);
	char *tmp = NULL;
	int rc = -1;
	if (dir && asprintf(&tmp, "%s/.runlens-unshare-%ld-%u", dir, (long)getpid(), (*n)++) < 0)
		tmp = NULL;
	if (!tmp) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (copy_file(path, tmp, err) < 0)
		goto cleanup;
	if (rename(tmp, path) < 0) {
		os_error(err, "replace", path);
		unlink(tmp);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(tmp);
	free(dir);
	return rc;
}

int tree_unshare(const char *path, struct rl_err *err)
{
	unsigned n = 0;
	return walk_any(path, unshare_visit, &n, err);
}

static int read_only_visit(const char *path, const struct stat *st, enum visit v, void *ctx,
			   struct rl_err *err)
{
	(void)ctx;
	if (v == VISIT_PRE || S_ISLNK(st->st_mode) || !(st->st_mode & 0222))
		return 0;
	return chmod(path, st->st_mode & 07555) < 0 ? os_error(err, "set the mode of", path) : 0;
}

int tree_set_read_only(const char *path, struct rl_err *err)
{
	return walk_any(path, read_only_visit, NULL, err);
}

static int remove_visit(const char *path, const struct stat *st, enum visit v, void *ctx,
			struct rl_err *err)
{
	(void)ctx;
	if (v == VISIT_PRE)
		return (st->st_mode & 0700) == 0700 || chmod(path, st->st_mode | 0700) == 0
			       ? 0
			       : os_error(err, "remove", path);
	if (v == VISIT_POST)
		return rmdir(path) < 0 ? os_error(err, "remove", path) : 0;
	return unlink(path) < 0 ? os_error(err, "remove", path) : 0;
}

int tree_remove(const char *path, struct rl_err *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : os_error(err, "remove", path);
	return walk_any(path, remove_visit, NULL, err);
}
