/* util/fs.c — files and folders. */
#include "config.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

enum rl_code fs_errno_code(int e)
{
	switch (e) {
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return RL_E_DISK_FULL;
	case ENOENT:
		return RL_E_NOT_FOUND;
	case ENOMEM:
		return RL_E_NOMEM;
	default:
		return RL_E_IO;
	}
}

int fs_mkdir(const char *dir, struct rl_err *err)
{
	if (mkdir(dir, 0755) == 0)
		return 0;
	return rl_err_set(err, fs_errno_code(errno), "cannot create folder %s: %s", dir,
			  strerror(errno));
}

int fs_mkdirs(const char *dir, struct rl_err *err)
{
	/* the common case first: the parent exists */
	if (mkdir(dir, 0755) == 0 || (errno == EEXIST && fs_is_dir(dir)))
		return 0;
	if (errno == EEXIST)
		return rl_err_set(err, RL_E_IO, "%s exists and is not a folder", dir);
	if (errno != ENOENT)
		return rl_err_set(err, fs_errno_code(errno),
				  "cannot create folder %s: %s", dir, strerror(errno));
	char *parent = fs_dirname(dir);
	if (!parent)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	int rc = -1;
	if (strcmp(parent, dir) != 0 && fs_mkdirs(parent, err) < 0)
		goto cleanup;
	if (mkdir(dir, 0755) < 0 && !(errno == EEXIST && fs_is_dir(dir))) {
		rl_err_set(err, fs_errno_code(errno), "cannot create folder %s: %s",
			   dir, strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(parent);
	return rc;
}

int fs_read_file(const char *path, char **data, size_t *len,
		 struct rl_err *err)
{
	int rc = -1;
	char *d = NULL;
	size_t n = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rl_err_set(err, fs_errno_code(errno), "cannot read %s: %s",
				  path, strerror(errno));
	for (;;) {
		if (n + 4096 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nd = realloc(d, ncap);
			if (!nd) {
				rl_err_set(err, RL_E_NOMEM, NULL);
				goto cleanup;
			}
			d = nd;
			cap = ncap;
		}
		ssize_t r = read(fd, d + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rl_err_set(err, fs_errno_code(errno),
				   "cannot read %s: %s", path, strerror(errno));
			goto cleanup;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	d[n] = '\0';
	*data = d;
	d = NULL;
	if (len)
		*len = n;
	rc = 0;
cleanup:
	free(d);
	close(fd);
	return rc;
}

int fs_write_file(const char *path, const void *data, size_t len, mode_t mode,
		  struct rl_err *err)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (!tmp)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		rl_err_set(err, fs_errno_code(errno), "cannot write %s: %s",
			   path, strerror(errno));
		goto cleanup;
	}
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rl_err_set(err, fs_errno_code(errno),
				   "cannot write %s: %s", path, strerror(errno));
			close(fd);
			unlink(tmp);
			goto cleanup;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, mode) < 0 || close(fd) < 0) {
		rl_err_set(err, fs_errno_code(errno), "cannot write %s: %s",
			   path, strerror(errno));
		unlink(tmp);
		goto cleanup;
	}
	if (rename(tmp, path) < 0) {
		rl_err_set(err, fs_errno_code(errno), "cannot write %s: %s",
			   path, strerror(errno));
		unlink(tmp);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(tmp);
	return rc;
}

int fs_write_new(const char *path, const void *data, size_t len, mode_t mode,
		 struct rl_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return rl_err_set(err, fs_errno_code(errno), "cannot write %s: %s", path,
				  strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rl_err_set(err, fs_errno_code(errno), "cannot write %s: %s", path,
				   strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	int bad = fchmod(fd, mode) < 0; /* the mode whatever the umask (or a default ACL) */
	int e = errno;
	if (close(fd) < 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		rl_err_set(err, fs_errno_code(e), "cannot write %s: %s", path, strerror(e));
		unlink(path);
		return -1;
	}
	return 0;
}

char *fs_xdg_file(const char *var, const char *home_dir, const char *name)
{
	const char *base = getenv(var), *home = getenv("HOME");
	struct buf b = BUF_INIT;
	/* the XDG rule: a relative path there is ignored */
	if (base && base[0] == '/')
		buf_printf(&b, "%s/runlens/%s", base, name);
	else if (home && *home)
		buf_printf(&b, "%s/%s/runlens/%s", home, home_dir, name);
	else
		return NULL;
	return buf_steal(&b);
}

char *fs_join(const char *a, const char *b)
{
	if (b[0] == '/' || a[0] == '\0')
		return strdup(b);
	size_t la = strlen(a);
	int slash = a[la - 1] != '/';
	size_t n = la + strlen(b) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s%s", a, slash ? "/" : "", b);
	return s;
}

char *fs_absolute(const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	const char *p = path;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	char *r = (strcmp(p, ".") == 0 || *p == '\0') ? strdup(cwd)
						      : fs_join(cwd, p);
	free(cwd);
	return r;
}

char *fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_remove_tree(const char *path, struct rl_err *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0
				       : rl_err_set(err, fs_errno_code(errno),
						    "cannot remove %s: %s", path,
						    strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d)
			return rl_err_set(err, fs_errno_code(errno),
					  "cannot remove %s: %s", path,
					  strerror(errno));
		struct dirent *de;
		int rc = 0;
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char *child = fs_join(path, de->d_name);
			if (!child || fs_remove_tree(child, err) < 0)
				rc = -1;
			free(child);
			if (rc < 0)
				break;
		}
		closedir(d);
		if (rc < 0)
			return -1;
		if (rmdir(path) < 0)
			return rl_err_set(err, fs_errno_code(errno),
					  "cannot remove %s: %s", path,
					  strerror(errno));
		return 0;
	}
	if (unlink(path) < 0)
		return rl_err_set(err, fs_errno_code(errno),
				  "cannot remove %s: %s", path, strerror(errno));
	return 0;
}
