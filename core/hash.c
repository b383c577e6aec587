/* core/hash.c — SHA-256 of files and folders (OpenSSL EVP). */
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

static int hash_file(const char *path, char hex[HASH_HEX_LEN + 1],
		     int64_t *size, struct rl_err *err)
{
	int rc = -1;
	unsigned char *chunk = NULL;
	EVP_MD_CTX *ctx = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rl_err_set(err, fs_errno_code(errno),
				  "cannot read %s: %s", path, strerror(errno));
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	chunk = malloc(HASH_CHUNK);
	ctx = EVP_MD_CTX_new();
	if (!chunk || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		rl_err_set(err, RL_E_NOMEM, "cannot hash %s", path);
		goto cleanup;
	}
	int64_t total = 0;
	for (;;) {
		ssize_t r = read(fd, chunk, HASH_CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rl_err_set(err, fs_errno_code(errno),
				   "cannot read %s: %s", path, strerror(errno));
			goto cleanup;
		}
		if (r == 0)
			break;
		EVP_DigestUpdate(ctx, chunk, (size_t)r);
		total += r;
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

struct manifest {
	char **paths; /* relative paths of regular files */
	size_t n, cap;
};

static int manifest_add(struct manifest *m, const char *rel)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		char **p = realloc(m->paths, cap * sizeof(*p));
		if (!p)
			return -1;
		m->paths = p;
		m->cap = cap;
	}
	if (!(m->paths[m->n] = strdup(rel)))
		return -1;
	m->n++;
	return 0;
}

static int walk(const char *root, const char *rel, struct manifest *m,
		struct rl_err *err)
{
	char *dir = rel[0] ? fs_join(root, rel) : strdup(root);
	if (!dir)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	int rc = -1;
	DIR *d = opendir(dir);
	if (!d) {
		rl_err_set(err, fs_errno_code(errno), "cannot read %s: %s", dir,
			   strerror(errno));
		goto cleanup;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *crel = rel[0] ? fs_join(rel, de->d_name)
				    : strdup(de->d_name);
		char *cabs = crel ? fs_join(root, crel) : NULL;
		struct stat st;
		int ok = 0;
		if (!crel || !cabs) {
			rl_err_set(err, RL_E_NOMEM, NULL);
		} else if (stat(cabs, &st) < 0) {
			/* a dangling link is not content: skip it */
			ok = lstat(cabs, &st) == 0;
			if (!ok)
				rl_err_set(err, fs_errno_code(errno),
					   "cannot read %s: %s", cabs,
					   strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			ok = walk(root, crel, m, err) == 0;
		} else if (S_ISREG(st.st_mode)) {
			ok = manifest_add(m, crel) == 0;
			if (!ok)
				rl_err_set(err, RL_E_NOMEM, NULL);
		} else {
			ok = 1; /* fifos, sockets: not content */
		}
		free(crel);
		free(cabs);
		if (!ok)
			goto cleanup;
	}
	rc = 0;
cleanup:
	if (d)
		closedir(d);
	free(dir);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hash_dir(const char *path, char hex[HASH_HEX_LEN + 1],
		    int64_t *size, struct rl_err *err)
{
	struct manifest m = { 0 };
	struct buf text = BUF_INIT;
	int rc = -1;
	if (walk(path, "", &m, err) < 0)
		goto cleanup;
	if (m.n > 1)
		qsort(m.paths, m.n, sizeof(*m.paths), cmp_str);
	int64_t total = 0;
	for (size_t i = 0; i < m.n; i++) {
		char fhex[HASH_HEX_LEN + 1];
		int64_t fsize = 0;
		char *abs = fs_join(path, m.paths[i]);
		if (!abs) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		int r = hash_file(abs, fhex, &fsize, err);
		free(abs);
		if (r < 0)
			goto cleanup;
		total += fsize;
		if (buf_printf(&text, "%s  %s\n", fhex, m.paths[i]) < 0) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
	}
	hash_bytes(text.data ? text.data : "", text.len, hex);
	if (size)
		*size = total;
	rc = 0;
cleanup:
	for (size_t i = 0; i < m.n; i++)
		free(m.paths[i]);
	free(m.paths);
	buf_free(&text);
	return rc;
}

int hash_path(const char *path, char hex[HASH_HEX_LEN + 1], int64_t *size,
	      int *is_dir, struct rl_err *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return rl_err_set(err, fs_errno_code(errno), "cannot read %s: %s",
				  path, strerror(errno));
	int dir = S_ISDIR(st.st_mode);
	if (is_dir)
		*is_dir = dir;
	return dir ? hash_dir(path, hex, size, err)
		   : hash_file(path, hex, size, err);
}

struct memo_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char hex[HASH_HEX_LEN + 1];
};

struct hash_memo {
	struct memo_entry *e;
	int n, cap;
};

struct hash_memo *hash_memo_new(void)
{
	return calloc(1, sizeof(struct hash_memo));
}

void hash_memo_free(struct hash_memo **pm)
{
	if (!pm || !*pm)
		return;
	free((*pm)->e);
	free(*pm);
	*pm = NULL;
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
