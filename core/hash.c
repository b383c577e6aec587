/* core/hash.c — SHA-256 of files and folders (OpenSSL EVP), the folder
 * manifest as core/hash.h describes it. */
#include "config.h"
#include "core/hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/buf.h"
#include "util/fs.h"

#define HASH_CHUNK (1 << 20)

static void to_hex(const unsigned char *md, char hex[HASH_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[HASH_HEX_LEN] = '\0';
}

void hash_bytes(const void *data, size_t len, char hex[HASH_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	to_hex(md, hex);
}

const char *hash_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a file";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "neither a file nor a folder";
}

/* ROOT/REL, or ROOT when REL is NULL or empty: a path for a message. */
static char *shown(const char *root, const char *rel)
{
	return rel && rel[0] ? fs_join(root, rel) : strdup(root);
}

/* An error about ROOT/REL: "cannot read P: <errno E>". */
static int read_error(struct rl_err *err, int e, const char *root, const char *rel)
{
	char *p = shown(root, rel);
	rl_err_set(err, fs_errno_code(e), "cannot read %s: %s", p ? p : root, strerror(e));
	free(p);
	return -1;
}

static int refused(struct rl_err *err, const char *root, const char *rel, mode_t mode)
{
	char *p = shown(root, rel);
	rl_err_set(err, RL_E_IO, "%s is %s, not a file%s", p ? p : root, hash_kind(mode),
		   rel && rel[0] ? ", a folder or a symbolic link" : " or a folder");
	free(p);
	return -1;
}

/* Hash the file open as FD (closed here) — refused unless it is a regular
 * file, so a FIFO or device that was opened (without blocking) is never
 * read.  ROOT and REL name it in messages. */
static void (*slow_hook)(void *ctx);
static void *slow_ctx;
static int64_t since_hook; /* bytes read since the hook was last called */

void hash_set_slow_hook(void (*hook)(void *ctx), void *ctx)
{
	slow_hook = hook;
	slow_ctx = ctx;
	since_hook = 0;
}

static int hash_fd(int fd, const char *root, const char *rel, char hex[HASH_HEX_LEN + 1],
		   int64_t *size, struct rl_err *err)
{
	int rc = -1;
	unsigned char *chunk = NULL;
	EVP_MD_CTX *ctx = NULL;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		read_error(err, errno, root, rel);
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		refused(err, root, rel, st.st_mode);
		goto cleanup;
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	chunk = malloc(HASH_CHUNK);
	ctx = EVP_MD_CTX_new();
	if (!chunk || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		rl_err_set(err, RL_E_NOMEM, "cannot hash %s", root);
		goto cleanup;
	}
	int64_t total = 0;
	for (;;) {
		ssize_t r = read(fd, chunk, HASH_CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			read_error(err, errno, root, rel);
			goto cleanup;
		}
		if (r == 0)
			break;
		EVP_DigestUpdate(ctx, chunk, (size_t)r);
		total += r;
		if (slow_hook && (since_hook += r) >= HASH_SLOW_BYTES) {
			since_hook = 0;
			slow_hook(slow_ctx);
		}
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	to_hex(md, hex);
	if (size)
		*size = total;
	rc = 0;
cleanup:
	EVP_MD_CTX_free(ctx);
	free(chunk);
	close(fd);
	return rc;
}

/* Flags to open a file for hashing: never blocks (a FIFO opens at once and
 * is then refused), never becomes the controlling terminal. */
#define HASH_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

/* The records of a folder's manifest (core/hash.h), each without its NUL. */
struct manifest {
	char **rec;
	size_t n, cap;
	int64_t size; /* of the regular files */
	const char *root; /* the folder, for messages */
};

/* Add "T PATH" (SHA NULL) or "T SHA PATH". */
static int manifest_add(struct manifest *m, char type, const char *sha, const char *rel,
			struct rl_err *err)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		char **p = realloc(m->rec, cap * sizeof(*p));
		if (!p)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		m->rec = p;
		m->cap = cap;
	}
	struct buf b = BUF_INIT;
	int bad = sha ? buf_printf(&b, "%c %s %s", type, sha, rel) : buf_printf(&b, "%c %s", type, rel);
	if (bad < 0 || !b.data) {
		buf_free(&b);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	m->rec[m->n++] = buf_steal(&b);
	return 0;
}

/* The target of the link NAME in DFD (malloc'd, *len bytes, no NUL counted);
 * HINT: its size as lstat saw it. */
static int read_link(int dfd, const char *name, size_t hint, char **out, size_t *len)
{
	size_t cap = hint + 1 > 64 ? hint + 1 : 64;
	for (;;) {
		char *b = malloc(cap);
		if (!b) {
			errno = ENOMEM;
			return -1;
		}
		ssize_t n = readlinkat(dfd, name, b, cap);
		if (n < 0) {
			free(b);
			return -1;
		}
		if ((size_t)n < cap) {
			*out = b;
			*len = (size_t)n;
			return 0;
		}
		free(b); /* it grew since lstat: try a larger buffer */
		cap *= 2;
	}
}

static int walk(int fd, const char *rel, struct manifest *m, struct rl_err *err);

/* One entry NAME of the folder DFD, at REL in the tree. */
static int walk_entry(int dfd, const char *name, const char *rel, struct manifest *m,
		      struct rl_err *err)
{
	struct stat st;
	char hex[HASH_HEX_LEN + 1];
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return read_error(err, errno, m->root, rel);
	if (S_ISDIR(st.st_mode)) {
		int cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		return cfd < 0 ? read_error(err, errno, m->root, rel) : walk(cfd, rel, m, err);
	}
	if (S_ISREG(st.st_mode)) {
		int cfd = openat(dfd, name, HASH_OPEN_FLAGS | O_NOFOLLOW);
		int64_t fsize = 0;
		if (cfd < 0)
			return read_error(err, errno, m->root, rel);
		if (hash_fd(cfd, m->root, rel, hex, &fsize, err) < 0)
			return -1;
		m->size += fsize;
		return manifest_add(m, 'f', hex, rel, err);
	}
	if (S_ISLNK(st.st_mode)) {
		char *target = NULL;
		size_t len = 0;
		if (read_link(dfd, name, (size_t)st.st_size, &target, &len) < 0)
			return read_error(err, errno, m->root, rel);
		hash_bytes(target, len, hex);
		free(target);
		return manifest_add(m, 'l', hex, rel, err);
	}
	return refused(err, m->root, rel, st.st_mode);
}

/* The folder open as FD (closed here), at REL ("" for the root), and all
 * that is in it; nothing is followed. */
static int walk(int fd, const char *rel, struct manifest *m, struct rl_err *err)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return read_error(err, e, m->root, rel);
	}
	int rc = -1;
	if (manifest_add(m, 'd', NULL, rel, err) < 0)
		goto cleanup;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno) {
				read_error(err, errno, m->root, rel);
				goto cleanup;
			}
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *crel = rel[0] ? fs_join(rel, de->d_name) : strdup(de->d_name);
		if (!crel) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		int r = walk_entry(dirfd(d), de->d_name, crel, m, err);
		free(crel);
		if (r < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hash the folder open as FD (closed here); PATH names it in messages. */
static int hash_dir(int fd, const char *path, char hex[HASH_HEX_LEN + 1], int64_t *size,
		    struct rl_err *err)
{
	struct manifest m = { .root = path };
	EVP_MD_CTX *ctx = NULL;
	int rc = -1;
	if (walk(fd, "", &m, err) < 0)
		goto cleanup;
	if (m.n > 1)
		qsort(m.rec, m.n, sizeof(*m.rec), cmp_str);
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		rl_err_set(err, RL_E_NOMEM, "cannot hash %s", path);
		goto cleanup;
	}
	for (size_t i = 0; i < m.n; i++)
		EVP_DigestUpdate(ctx, m.rec[i], strlen(m.rec[i]) + 1); /* with its NUL */
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	to_hex(md, hex);
	if (size)
		*size = m.size;
	rc = 0;
cleanup:
	EVP_MD_CTX_free(ctx);
	for (size_t i = 0; i < m.n; i++)
		free(m.rec[i]);
	free(m.rec);
	return rc;
}

int hash_path(const char *path, char hex[HASH_HEX_LEN + 1], int64_t *size,
	      int *is_dir, struct rl_err *err)
{
	struct stat st, lst;
	if (stat(path, &st) < 0)
		return read_error(err, errno, path, NULL);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			return rl_err_set(err, RL_E_IO,
					  "%s is a symbolic link to %s, not to a file or a folder",
					  path, hash_kind(st.st_mode));
		return refused(err, path, NULL, st.st_mode);
	}
	int dir = S_ISDIR(st.st_mode);
	int fd = open(path, dir ? O_RDONLY | O_DIRECTORY | O_CLOEXEC : HASH_OPEN_FLAGS);
	if (fd < 0)
		return read_error(err, errno, path, NULL);
	if (is_dir)
		*is_dir = dir;
	return dir ? hash_dir(fd, path, hex, size, err) : hash_fd(fd, path, NULL, hex, size, err);
}

struct memo_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char hex[HASH_HEX_LEN + 1];
};

/* Folders resolved once (hash_memo_realpath). */
#define MEMO_FOLDERS 8

struct hash_memo {
	struct memo_entry *e;
	int n, cap;
	char *folder[MEMO_FOLDERS], *real[MEMO_FOLDERS];
	int nfolders;
};

struct hash_memo *hash_memo_new(void)
{
	return calloc(1, sizeof(struct hash_memo));
}

void hash_memo_free(struct hash_memo **pm)
{
	if (!pm || !*pm)
		return;
	for (int i = 0; i < (*pm)->nfolders; i++) {
		free((*pm)->folder[i]);
		free((*pm)->real[i]);
	}
	free((*pm)->e);
	free(*pm);
	*pm = NULL;
}

char *hash_memo_realpath(struct hash_memo *m, const char *folder)
{
	for (int i = 0; m && i < m->nfolders; i++)
		if (strcmp(m->folder[i], folder) == 0)
			return m->real[i] ? strdup(m->real[i]) : NULL;
	char *real = realpath(folder, NULL);
	if (m && m->nfolders < MEMO_FOLDERS && real) {
		char *f = strdup(folder), *r = strdup(real);
		if (f && r) {
			m->folder[m->nfolders] = f;
			m->real[m->nfolders++] = r;
		} else {
			free(f);
			free(r);
		}
	}
	return real;
}

static struct memo_entry *memo_find(struct hash_memo *m, const struct stat *st)
{
	for (int i = 0; i < m->n; i++) {
		struct memo_entry *e = &m->e[i];
		if (e->dev == st->st_dev && e->ino == st->st_ino)
			return e;
	}
	return NULL;
}

int hash_path_memo(struct hash_memo *memo, const char *path, char hex[HASH_HEX_LEN + 1],
		   int64_t *size, int *is_dir, struct rl_err *err)
{
	struct stat st;
	if (!memo || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return hash_path(path, hex, size, is_dir, err);
	struct memo_entry *e = memo_find(memo, &st);
	if (e && e->size == st.st_size && e->mtime.tv_sec == st.st_mtim.tv_sec &&
	    e->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		memcpy(hex, e->hex, sizeof e->hex);
		if (size)
			*size = st.st_size;
		if (is_dir)
			*is_dir = 0;
		return 0;
	}
	if (hash_path(path, hex, size, is_dir, err) < 0)
		return -1;
	if (!e && memo->n == memo->cap) {
		int ncap = memo->cap ? memo->cap * 2 : 16;
		struct memo_entry *p = realloc(memo->e, (size_t)ncap * sizeof(*p));
		if (!p)
			return 0; /* the hash is right; it is just not remembered */
		memo->e = p;
		memo->cap = ncap;
	}
	if (!e)
		e = &memo->e[memo->n++];
	*e = (struct memo_entry){ .dev = st.st_dev, .ino = st.st_ino, .size = st.st_size,
				  .mtime = st.st_mtim };
	memcpy(e->hex, hex, sizeof e->hex);
	return 0;
}
