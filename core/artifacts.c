/* core/artifacts.c — the content-addressed artifact store
 * (core/artifacts.h). */
#include "config.h"
#include "core/artifacts.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/testhook.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

/* Staging folders older than this are leftovers of a crash (gc). */
#define STAGING_MAX_AGE_S (24 * 60 * 60)

static int os_error(struct rl_err *err, const char *what, const char *path)
{
	int e = errno;
	return rl_err_set(err, fs_errno_code(e), "cannot %s %s: %s", what, path, strerror(e));
}

/* Is PATH (resolved) ROOT (resolved) or inside it? */
static int inside(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return 1;
	return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The name an output is stored under: the last component of PATH
 * ("outputs" for the outputs folder itself), malloc'd. */
static char *base_name(const char *path)
{
	size_t n = strlen(path);
	for (;;) {
		while (n > 1 && path[n - 1] == '/')
			n--;
		if (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/')
			n -= 2; /* "a/." is "a" */
		else
			break;
	}
	size_t b = n;
	while (b > 0 && path[b - 1] != '/')
		b--;
	if (n == b || (n - b == 1 && path[b] == '.'))
		return strdup("outputs");
	return strndup(path + b, n - b);
}

/* Does PATH (OUT_DIR/…) go through a symbolic link below OUT_DIR, or is it
 * one?  1 yes, 0 no, -1 with *err when part of it is missing. */
static int through_link(const char *out_dir, const char *path, struct rl_err *err)
{
	size_t n = strlen(out_dir);
	if (strncmp(path, out_dir, n) != 0 || (path[n] && path[n] != '/'))
		return 1; /* not below it as written: only its real path can tell */
	struct buf prefix = BUF_INIT;
	int rc = 0;
	if (buf_puts(&prefix, out_dir) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (const char *p = path + n; *p && rc == 0;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		struct stat st;
		if (!len)
			break;
		if (buf_putc(&prefix, '/') < 0 || buf_append(&prefix, p, len) < 0)
			rc = rl_err_set(err, RL_E_NOMEM, NULL);
		else if (lstat(prefix.data, &st) < 0)
			rc = os_error(err, "read", prefix.data);
		else if (S_ISLNK(st.st_mode))
			rc = 1;
		p += len;
	}
	buf_free(&prefix);
	return rc;
}

/* ROOT/ab/HEX/NAME. */
static char *dest_of(const char *root, const char *hex, const char *name)
{
	struct buf b = BUF_INIT;
	if (buf_printf(&b, "%s/%c%c/%s/%s", root, hex[0], hex[1], hex, name) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Copy REAL into a new staging folder of ROOT as NAME: P->staged and
 * P->from. */
static int stage(const char *root, const char *real, const char *name, struct artifact_put *p,
		 struct rl_err *err)
{
	char *tmp = fs_join(root, ".tmp");
	int rc = -1;
	if (!tmp || !(p->staged = fs_join(tmp, "put-XXXXXX"))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (fs_mkdirs(tmp, err) < 0)
		goto cleanup;
	if (!mkdtemp(p->staged)) {
		os_error(err, "create a folder in", tmp);
		free(p->staged);
		p->staged = NULL;
		goto cleanup;
	}
	free(p->from);
	if (!(p->from = fs_join(p->staged, name))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	rc = tree_copy(real, p->from, err);
cleanup:
	free(tmp);
	return rc;
}

static int same_stamp(const struct tree_stamp *a, const struct tree_stamp *b)
{
	return a->size == b->size && a->changed_ns == b->changed_ns && a->entries == b->entries;
}

/* What is at P->dest: P->found and P->dest_stamp (stamped first, so a
 * change made while it is hashed shows as a different stamp later);
 * found is -2 for an intact artifact of the other kind (a file whose bytes
 * are a folder's manifest) that must not be replaced. */
static void look_at_dest(struct artifact_put *p)
{
	struct stat st;
	char hex[HASH_HEX_LEN + 1];
	int is_dir = 0;
	p->found = 0;
	if (lstat(p->dest, &st) < 0)
		return;
	if (S_ISLNK(st.st_mode) || tree_stamp(p->dest, &p->dest_stamp, NULL) < 0 ||
	    hash_path(p->dest, hex, NULL, &is_dir, NULL) < 0 || strcmp(hex, p->hex) != 0)
		p->found = -1;
	else
		p->found = is_dir == p->is_dir ? 1 : -2;
}

int artifacts_prepare(const char *root, const char *out_dir, const char *path,
		      unsigned flags, struct artifact_put *p, struct rl_err *err)
{
	char *real_out = NULL, *real = NULL, *name = NULL;
	struct stat st, rst;
	int rc = -1;
	memset(p, 0, sizeof *p);
	int linked = through_link(out_dir, path, err);
	if (linked < 0)
		goto cleanup;
	if (!(real_out = realpath(out_dir, NULL)) || !(real = realpath(path, NULL))) {
		os_error(err, "read", real_out ? path : out_dir);
		goto cleanup;
	}
	if (!inside(real, real_out)) {
		rl_err_set(err, RL_E_IO, "%s leads outside the step's outputs folder (to %s)", path,
			   real);
		goto cleanup;
	}
	if (stat(real, &st) < 0) {
		os_error(err, "read", path);
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		rl_err_set(err, RL_E_IO, "%s is %s, not a file or a folder", path,
			   hash_kind(st.st_mode));
		goto cleanup;
	}
	if (fs_mkdirs(root, err) < 0)
		goto cleanup;
	if (stat(root, &rst) < 0) {
		os_error(err, "read", root);
		goto cleanup;
	}
	if (!(p->link = strdup(path)) || !(p->root = strdup(root)) || !(name = base_name(path))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	p->nested = (flags & ARTIFACTS_NESTED) != 0;
	if (!linked && !p->nested && st.st_dev == rst.st_dev) {
		/* renamed into place: first give hard-linked files copies of
		 * their own, so the read-only modes reach no other file */
		struct tree_stamp ts;
		if (tree_stamp(real, &ts, err) < 0 || (ts.shared && tree_unshare(real, err) < 0))
			goto cleanup;
		/* by its real path: the same entry ("outputs/." is the folder) */
		free(p->link);
		if (!(p->link = strdup(real)) || !(p->from = strdup(real))) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
	} else if (stage(root, real, name, p, err) < 0) {
		goto cleanup;
	}
	/* what is hashed is what will be stored */
	if (hash_path(p->from, p->hex, &p->size, &p->is_dir, err) < 0)
		goto cleanup;
	if (!(p->dest = dest_of(root, p->hex, name))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	look_at_dest(p);
	rc = 0;
cleanup:
	free(name);
	free(real);
	free(real_out);
	if (rc < 0)
		artifacts_put_clear(p);
	return rc;
}

/* Milliseconds, rounded up. */
static int64_t ceil_ms(int64_t ns)
{
	return (ns + 999999) / 1000000;
}

/* Now by the clock the kernel stamps files with: the coarse one, which
 * lags the precise clock by up to a tick (a few ms).  Every change made
 * from now on gets a ctime at least this. */
static int64_t files_clock_ns(void)
{
	struct timespec now;
#ifdef CLOCK_REALTIME_COARSE
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
#else
	clock_gettime(CLOCK_REALTIME, &now);
#endif
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* The seal of a stored copy stamped TS: a time (ms) no entry of it changed
 * after (its newest ctime, or now by the files' clock when that is later).
 * A change made once the files' clock has passed the seal has a newer
 * ctime: artifacts_check waits for that before it lets a consumer start. */
static int64_t seal_time(const struct tree_stamp *ts)
{
	int64_t now_ns = files_clock_ns();
	return ceil_ms(ts->changed_ns > now_ns ? ts->changed_ns : now_ns);
}

/* Until the files' clock has passed SEALED_MS: at most a tick, and only for
 * an artifact sealed a moment ago.  Bounded (50 ms) against a clock that
 * jumps back. */
static void wait_past_seal(int64_t sealed_ms)
{
	for (int i = 0; i < 50 && files_clock_ns() <= sealed_ms * 1000000; i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
}

/* Move P->from to P->dest (a new name in the same store). */
static int move_into_place(struct artifact_put *p, struct rl_err *err)
{
	char *dir = fs_dirname(p->dest);
	int rc = -1;
	if (!dir) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (fs_mkdirs(dir, err) < 0)
		goto cleanup;
	if (rename(p->from, p->dest) < 0) {
		if (errno != EXDEV || p->staged) {
			os_error(err, "move into the artifact store:", p->from);
			goto cleanup;
		}
		/* another mount of the same file system (a bind mount): copy
		 * into the store's staging folder, then rename from there */
		char *from = strdup(p->from);
		int st = !from ? rl_err_set(err, RL_E_NOMEM, NULL)
			       : stage(p->root, from, p->dest + strlen(dir) + 1, p, err);
		free(from);
		if (st < 0)
			goto cleanup;
		if (rename(p->from, p->dest) < 0) {
			os_error(err, "move into the artifact store:", p->from);
			goto cleanup;
		}
	}
	rc = tree_set_read_only(p->dest, err);
cleanup:
	free(dir);
	return rc;
}

/* The step's copy at P->link, once a staged copy is stored in its place:
 * removed (an output on another file system moves, as `mv` does; a link
 * that led to it goes). */
static int drop_original(struct artifact_put *p, struct rl_err *err)
{
	struct stat st;
	if (!p->staged || p->nested || lstat(p->link, &st) < 0)
		return 0;
	if (S_ISLNK(st.st_mode))
		return unlink(p->link) < 0 ? os_error(err, "remove", p->link) : 0;
	return tree_remove(p->link, err);
}

int artifacts_put(struct artifact_put *p, struct rl_err *err)
{
	struct stat st;
	struct tree_stamp now;
	int same = 0;
	if (lstat(p->dest, &st) == 0) {
		/* the same content was there when prepared, and looks the same
		 * now; else it appeared or changed since: look again */
		same = p->found == 1 && tree_stamp(p->dest, &now, NULL) == 0 &&
		       same_stamp(&now, &p->dest_stamp);
		if (!same) {
			look_at_dest(p);
			same = p->found == 1;
		}
		if (p->found == -2)
			return rl_err_set(err, RL_E_IO, "%s is stored as %s with the same SHA-256",
					  p->dest, p->is_dir ? "a file" : "a folder");
		/* a stored copy that was changed, or something else: replaced */
		if (!same && tree_remove(p->dest, err) < 0)
			return -1;
	}
	if (same) {
		/* modes a crash (or a person) left writable are dropped again */
		if (tree_remove(p->from, err) < 0 || tree_set_read_only(p->dest, err) < 0)
			return -1;
	} else if (move_into_place(p, err) < 0) {
		return -1;
	} else {
		p->moved = 1;
	}
	if (drop_original(p, err) < 0)
		return -1;
	if (!p->nested && symlink(p->dest, p->link) < 0) {
		/* the content is safe in the store; the link is a convenience */
	}
	if (tree_stamp(p->dest, &now, err) < 0)
		return -1;
	free(p->stored);
	if (!(p->stored = strdup(p->dest)))
		return rl_err_set(err, RL_E_NOMEM, NULL);
	p->sealed_ms = seal_time(&now);
	return 0;
}

void artifacts_put_undo(struct artifact_put *p)
{
	if (p && p->moved && p->dest)
		tree_remove(p->dest, NULL);
	if (p)
		p->moved = 0;
}

void artifacts_put_clear(struct artifact_put *p)
{
	if (!p)
		return;
	if (p->staged) {
		tree_remove(p->staged, NULL);
		free(p->staged);
	}
	free(p->link);
	free(p->root);
	free(p->from);
	free(p->dest);
	free(p->stored);
	memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------ */
/* Checking before use                                                 */

int artifacts_check(const char *path, const char *type, const char *sha256, int64_t size,
		    int64_t sealed_ms, int full, char **why)
{
	struct stat st;
	struct tree_stamp ts;
	struct rl_err e = RL_ERR_INIT;
	struct buf b = BUF_INIT;
	char hex[HASH_HEX_LEN + 1];
	int want_dir = type && strcmp(type, "dir") == 0;
	*why = NULL;
	if (!path || lstat(path, &st) < 0)
		buf_printf(&b, "%s is gone", path ? path : "its content");
	else if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode) != !want_dir)
		buf_printf(&b, "%s is no longer %s", path, want_dir ? "a folder" : "a file");
	else if (tree_stamp(path, &ts, &e) < 0)
		buf_puts(&b, rl_err_msg(&e));
	else if (ts.size != size)
		buf_printf(&b, "%s holds %lld bytes, %lld were recorded", path, (long long)ts.size,
			   (long long)size);
	else if (!full && ceil_ms(ts.changed_ns) <= sealed_ms) {
		/* nothing in it changed after it was stored; what the consumer
		 * changes from here on will be newer than the seal */
		wait_past_seal(sealed_ms);
		return 1;
	}
	/* modified after it was stored (or --verify): its content decides */
	else if (hash_path(path, hex, NULL, NULL, &e) < 0)
		buf_puts(&b, rl_err_msg(&e));
	else if (!sha256 || strcmp(hex, sha256) != 0)
		buf_printf(&b, "%s no longer hashes to the recorded SHA-256 (%.12s…, now %.12s…)",
			   path, sha256 ? sha256 : "?", hex);
	else {
		wait_past_seal(sealed_ms);
		return 1;
	}
	rl_err_clear(&e);
	return (*why = buf_steal(&b)) ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* gc                                                                  */

/* The root of the artifact stores PATH is in, or NULL. */
static const char *root_of(const char *path, char **roots, int n)
{
	for (int i = 0; path && i < n; i++) {
		size_t l = strlen(roots[i]);
		if (l && strncmp(path, roots[i], l) == 0 && path[l] == '/')
			return roots[i];
	}
	return NULL;
}

/* Is PATH, after a root's "/", the layout artifacts_put makes: "ab/" then
 * the 64 hex digits of a SHA-256 that start with "ab", "/" and a name?
 * A row of a crafted store can name any path under any folder a stack
 * names: only a content folder of that shape is ever removed. */
static int content_layout(const char *rest)
{
	if (strlen(rest) < 2 + 1 + 64 + 2 || strncmp(rest, rest + 3, 2) != 0 || rest[2] != '/')
		return 0;
	for (int i = 3; i < 3 + 64; i++)
		if (!strchr("0123456789abcdef", rest[i]) || !rest[i])
			return 0;
	const char *name = rest + 3 + 64;
	return name[0] == '/' && name[1] && !strchr(name + 1, '/') && strcmp(name + 1, ".") &&
	       strcmp(name + 1, "..");
}

/* The artifact stores: the default one and every stack's. */
static int artifact_roots(struct store *s, char ***out, int *n, struct rl_err *err)
{
	struct store_stack *stacks = NULL;
	int nst = 0;
	if (store_stacks_page(s, NULL, 1000, &stacks, &nst, err) < 0)
		return -1;
	char **roots = calloc((size_t)nst + 2, sizeof(char *));
	int k = 0;
	int nomem = !roots;
	if (roots) {
		roots[k++] = fs_join(store_dir(s), "artifacts");
		for (int i = 0; i < nst; i++)
			if (stacks[i].artifact_store && stacks[i].artifact_store[0] == '/')
				roots[k++] = strdup(stacks[i].artifact_store);
		for (int i = 0; i < k; i++) {
			nomem |= !roots[i];
			size_t l = roots[i] ? strlen(roots[i]) : 0;
			while (l > 1 && roots[i][l - 1] == '/')
				roots[i][--l] = '\0'; /* a stack's "/data/store/" */
		}
	}
	store_stacks_free(stacks, nst);
	if (nomem) {
		for (int i = 0; roots && i < k; i++)
			free(roots[i]);
		free(roots);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	*out = roots;
	*n = k;
	return 0;
}

/* ROOT/ab/HEX/NAME, no longer recorded: renamed into ROOT/.trash (quick,
 * whatever its size), then ROOT/ab/HEX and ROOT/ab removed when left
 * empty.  Only NAME goes: other outputs of the same content may be stored
 * beside it under other names.  Returns its name in the trash (malloc'd),
 * or NULL when it is not in an artifact store or could not be moved (then
 * it is removed where it is). */
static char *retire(const char *path, char **roots, int nroots, int seq, int *removed)
{
	const char *root = root_of(path, roots, nroots);
	char *trash = NULL, *dir = NULL, *to = NULL;
	struct stat st;
	if (!root || !content_layout(path + strlen(root) + 1) || lstat(path, &st) < 0)
		return NULL; /* outside the stores, not a stored artifact's place, or gone */
	if ((trash = fs_join(root, ".trash")) && fs_mkdirs(trash, NULL) == 0 &&
	    asprintf(&to, "%s/gc-%ld-%d", trash, (long)getpid(), seq) >= 0 && rename(path, to) < 0) {
		free(to);
		to = NULL;
	}
	if (to || tree_remove(path, NULL) == 0)
		(*removed)++;
	dir = fs_dirname(path);
	while (dir && strlen(dir) > strlen(root) && rmdir(dir) == 0) {
		char *up = fs_dirname(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	free(trash);
	return to;
}

/* What ROOT's sub-folder NAME holds that is older than MAX_AGE_S seconds
 * (-1: everything), removed: the trash, staging left by a crash. */
static void sweep(const char *root, const char *name, int64_t max_age_s)
{
	char *dir = fs_join(root, name);
	DIR *d = dir ? opendir(dir) : NULL;
	int64_t limit = time_now_ms() / 1000 - max_age_s;
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *p = fs_join(dir, de->d_name);
		if (p && lstat(p, &st) == 0 && (max_age_s < 0 || st.st_mtim.tv_sec < limit))
			tree_remove(p, NULL);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* ROOT's content folders ("ab/abcdef…") older than ORPHAN_MAX_AGE_S,
 * into *DIRS (*n; malloc'd): looked for before gc takes the write lock
 * (a scan of every content folder must not hold it).  Those no artifact
 * row has the content of were left by a runner killed after it moved an
 * output into place and before its commit (core/attempt.c stores first,
 * then records); the age keeps a runner in that window safe.  Only the
 * store's own artifacts folder: a stack's may be shared with other
 * stores, whose records this one cannot see. */
#define ORPHAN_MAX_AGE_S (60 * 60)

/* A new slot at the end of *V (*n, *cap its room), or NULL. */
static char **grow_paths(char ***v, int *n, int *cap)
{
	if (*n == *cap) {
		int c = *cap ? 2 * *cap : 64;
		char **g = realloc(*v, (size_t)c * sizeof *g);
		if (!g)
			return NULL;
		*v = g;
		*cap = c;
	}
	return &(*v)[(*n)++];
}
static void old_content(const char *root, char ***dirs, int *n)
{
	DIR *top = opendir(root);
	int64_t limit = time_now_ms() / 1000 - ORPHAN_MAX_AGE_S;
	int cap = 0;
	struct dirent *a;
	while (top && (a = readdir(top)) != NULL) {
		if (strlen(a->d_name) != 2 || strspn(a->d_name, "0123456789abcdef") != 2)
			continue;
		char *two = fs_join(root, a->d_name);
		DIR *mid = two ? opendir(two) : NULL;
		struct dirent *b;
		while (mid && (b = readdir(mid)) != NULL) {
			struct stat st;
			char *hex = strlen(b->d_name) == 64 &&
						    strspn(b->d_name, "0123456789abcdef") == 64 &&
						    !strncmp(b->d_name, a->d_name, 2)
					    ? fs_join(two, b->d_name)
					    : NULL;
			char **slot = hex && lstat(hex, &st) == 0 && S_ISDIR(st.st_mode) &&
						      st.st_mtim.tv_sec < limit
					      ? grow_paths(dirs, n, &cap)
					      : NULL;
			if (slot) {
				*slot = hex;
				hex = NULL;
			}
			free(hex);
		}
		if (mid)
			closedir(mid);
		free(two);
	}
	if (top)
		closedir(top);
}

/* Under the write lock: each of the N content folders DIRS no artifact
 * row has the content of goes to the trash (removed after the commit);
 * *unrecorded counts them. */
static int retire_unrecorded(struct store *s, const char *root, char **dirs, int n,
			     int *unrecorded, struct rl_err *err)
{
	int seq = 0, moved = 0;
	for (int i = 0; i < n; i++) {
		int known = 1;
		const char *sha = strrchr(dirs[i], '/') + 1;
		if (store_artifact_sha_known(s, sha, &known, err) < 0)
			return -1;
		if (known)
			continue;
		DIR *in = opendir(dirs[i]);
		struct dirent *c;
		int any = 0;
		while (in && (c = readdir(in)) != NULL) {
			if (!strcmp(c->d_name, ".") || !strcmp(c->d_name, ".."))
				continue;
			char *p = fs_join(dirs[i], c->d_name);
			free(p ? retire(p, (char **)&root, 1, 1000000 + seq++, &moved) : NULL);
			free(p);
			any = 1;
		}
		if (in)
			closedir(in);
		*unrecorded += any;
	}
	return 0;
}

int artifacts_gc(struct store *s, struct artifacts_gc_result *res, struct rl_err *err)
{
	char **paths = NULL, **roots = NULL, **trashed = NULL;
	int n = 0, nroots = 0, rc = -1;
	char **old = NULL;
	int nold = 0;
	memset(res, 0, sizeof *res);
	if (artifact_roots(s, &roots, &nroots, err) < 0)
		goto cleanup;
	old_content(roots[0], &old, &nold); /* the store's own, before the lock */
	if (store_begin(s, err) < 0)
		goto cleanup;
	if (store_gc_artifacts(s, &res->dropped, &paths, &n, &res->bytes, err) < 0 ||
	    (!(trashed = calloc((size_t)n + 1, sizeof(char *))) &&
	     rl_err_set(err, RL_E_NOMEM, NULL) < 0)) {
		store_rollback(s);
		goto cleanup;
	}
	/* the content leaves its place before the commit, under the same
	 * write lock as the rows: a run cannot find it "already stored"
	 * meanwhile (it waits, then stores its own copy).  Renames only, so
	 * the lock is held briefly; the removal itself comes after. */
	testhook_pause("GC");
	for (int i = 0; i < n; i++)
		trashed[i] = retire(paths[i], roots, nroots, i, &res->removed);
	if (retire_unrecorded(s, roots[0], old, nold, &res->unrecorded, err) < 0) {
		store_rollback(s);
		goto cleanup;
	}
	if (store_commit(s, err) < 0) {
		/* the rows stay, unreferenced, and the next gc drops them; a
		 * run that stores the same content puts its own copy back */
		store_rollback(s);
		goto cleanup;
	}
	rc = 0;
cleanup:
	for (int i = 0; trashed && i < n; i++) {
		if (trashed[i])
			tree_remove(trashed[i], NULL);
		free(trashed[i]);
	}
	free(trashed);
	for (int i = 0; i < nroots; i++) {
		sweep(roots[i], ".trash", -1);
		sweep(roots[i], ".tmp", STAGING_MAX_AGE_S);
	}
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	for (int i = 0; i < nold; i++)
		free(old[i]);
	free(old);
	for (int i = 0; i < nroots; i++)
		free(roots[i]);
	free(roots);
	return rc;
}
