/* store/open.c — opening and closing the store: how the database is
 * opened (to write, to read, or as a snapshot of a store this user may
 * not write), the connection's settings, and reopening a snapshot that
 * went stale.
 *
 * A store you may read but not write.  SQLite in WAL mode coordinates
 * readers and writers through the -shm file beside the database (the
 * index of the WAL); a reader needs it even to read.  runlens opens the
 * database read-only (SQLITE_OPEN_READONLY) whenever this user may not
 * write runlens.db or create files in its folder (or asked for read-only),
 * then:
 *   - when the -shm exists (its owner has the store open: a run is going
 *     on) or can be created (the folder is writable), it is an ordinary
 *     read-only connection: SQLite reads the WAL through the -shm,
 *     read-only if need be, and sees every commit as a writer would;
 *   - when neither -wal nor -shm exists and they cannot be created, no
 *     connection has the database open, so every committed transaction is
 *     in runlens.db itself: the file is then opened with immutable=1,
 *     which tells SQLite it cannot change (no -shm, no locks, no WAL).
 *     That is true while we read it because we make it so: we hold a read
 *     lock on the database's lock bytes (the one every reader holds, an
 *     open-file-description lock, F_OFD_SETLK), so a writer that starts
 *     meanwhile writes only to its WAL and cannot fold the WAL into
 *     runlens.db when it closes (that needs the lock exclusively): the
 *     file stays as it was until we let go.  The one change left possible
 *     is the checkpoint a writer makes after 1000 pages (4 MB) of WAL;
 *     a read that meets one reports the store busy ("try again"), not
 *     damaged, and store_data_version (how the browser watches the store)
 *     reopens the connection as soon as a -shm appears or the file
 *     changes, as an ordinary read-only one then;
 *   - when a -wal exists without its -shm (a crash, and someone removed
 *     the -shm), its commits can be read by no one but a writer: refused
 *     with a message saying who can fix it.
 * nolock=1 is not used: it keeps SQLite's change detection but still needs
 * the -shm of a WAL database, which is the file we cannot create.
 * No migration and no liveness repair happens on a read-only store; a
 * write is refused with RL_E_READ_ONLY naming the store. */
#include "config.h"
#include "store/internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fs.h"

/* The lock-byte page of a SQLite file (its file format): a reader holds a
 * read lock on the 510 bytes that start 2 bytes after the pending byte,
 * a writer folding the WAL into the file needs them all exclusively. */
#define LOCK_SHARED_FIRST (0x40000000 + 2)
#define LOCK_SHARED_SIZE 510

static void sql_hash63(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const void *p = sqlite3_value_blob(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	sqlite3_result_int64(ctx, store_hash63(p ? p : "", p ? (size_t)n : 0));
}

static void sql_store_dir(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const struct store *s = sqlite3_user_data(ctx);
	const char *d = sqlite3_value_int(argv[0]) && s->root ? s->root : s->dir;
	sqlite3_result_text(ctx, d ? d : "", -1, SQLITE_TRANSIENT);
}

static int apply_pragmas(struct store *s, struct rl_err *err)
{
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (s->progress)
		sqlite3_progress_handler(s->db, 1000, s->progress, s->progress_ctx);
	/* a store may come from anyone (a copy, a shared folder): SQLite's
	 * advice for databases from elsewhere ("Defense Against the Dark
	 * Arts"): no writes to the schema itself, and nothing the schema
	 * names (views, triggers) may call functions with side effects */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
#endif
	/* runlens_hash63(X): store_hash63 of X's bytes, for our own
	 * statements only (never from the schema) */
	int fflags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
#ifdef SQLITE_DIRECTONLY
	fflags |= SQLITE_DIRECTONLY;
#endif
	int frc = sqlite3_create_function_v2(s->db, "runlens_hash63", 1, fflags, NULL,
					     sql_hash63, NULL, NULL, NULL);
	/* runlens_store_dir(K): the store's folder as it was named (0) or
	 * resolved (1), for the migration that makes paths relative */
	if (frc == SQLITE_OK)
		frc = sqlite3_create_function_v2(s->db, "runlens_store_dir", 1,
						 fflags & ~SQLITE_DETERMINISTIC, s, sql_store_dir,
						 NULL, NULL, NULL);
	if (frc != SQLITE_OK)
		return store_fail(s, frc, "cannot open the store", err);
	/* an 8 MB page cache (2 MB by default) keeps the upper levels of a
	 * million-run store's indexes between the browser's pages.  No mmap:
	 * measured, its page faults made a cold start of the browser slower
	 * than read()s into the cache */
	if (store_exec(s, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192", err) < 0)
		return -1;
	if (s->readonly)
		return 0;
	return store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
			  err);
}

/* May this process write PATH (root may, but not on a read-only file
 * system)? */
static int may_write(const char *path)
{
	return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

/* "file:PATH?QUERY" for SQLITE_OPEN_URI, PATH percent-encoded. */
static char *file_uri(const char *path, const char *query)
{
	struct buf b = BUF_INIT;
	int bad = buf_puts(&b, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p && !bad; p++)
		bad = isalnum(*p) || strchr("/-._~", *p) ? buf_putc(&b, (char)*p)
							 : buf_printf(&b, "%%%02X", *p);
	if (bad || buf_printf(&b, "?%s", query) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void let_go(struct store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}

/* The read lock of a snapshot (see the top of this file): 0 when held,
 * or when the file system has no such locks (then without it). */
static int hold_read_lock(struct store *s, struct rl_err *err)
{
	int rc = 0;
#ifdef F_OFD_SETLK
	int fd = open(s->path, O_RDONLY | O_CLOEXEC), e = 0;
	if (fd < 0)
		return rl_err_set(err, fs_errno_code(errno), "cannot read %s: %s", s->path,
				  strerror(errno));
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = LOCK_SHARED_FIRST;
	fl.l_len = LOCK_SHARED_SIZE;
	/* a writer folding its WAL in holds them for a moment: wait for it
	 * as long as SQLite's busy timeout would */
	for (int i = 0; i < 1000; i++) {
		if (fcntl(fd, F_OFD_SETLK, &fl) == 0) {
			s->lock_fd = fd;
			fd = -1;
			break;
		}
		e = errno;
		if (e != EAGAIN && e != EACCES && e != EINTR)
			break; /* no locks here (ENOLCK, EINVAL): a snapshot without one */
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (fd >= 0) {
		close(fd);
		if (e == EAGAIN || e == EACCES || e == EINTR)
			rc = rl_err_set(err, RL_E_BUSY,
					"the store %s is busy (someone is writing to it); try again",
					s->dir);
	}
#else
	(void)s;
	(void)err;
#endif
	return rc;
}

static void stat_of(const char *path, struct stat *st)
{
	if (stat(path, st) < 0)
		memset(st, 0, sizeof *st);
}

int store_snapshot_stale(struct store *s)
{
	struct stat now;
	if (!s->snapshot)
		return 0;
	stat_of(s->path, &now);
	return fs_exists(s->shm_path) || fs_exists(s->wal_path) ||
	       now.st_ino != s->seen.st_ino || now.st_size != s->seen.st_size ||
	       now.st_mtim.tv_sec != s->seen.st_mtim.tv_sec ||
	       now.st_mtim.tv_nsec != s->seen.st_mtim.tv_nsec;
}

/* Open S->db as S->access says (see the top of this file). */
static int connect_db(struct store *s, struct rl_err *err)
{
	char *uri = NULL;
	int rc = -1, src;
	s->snapshot = 0;
	if (!s->readonly) {
		src = sqlite3_open_v2(s->path, &s->db,
				      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					      SQLITE_OPEN_NOMUTEX, NULL);
	} else if (fs_exists(s->shm_path) || may_write(s->dir)) {
		src = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
				      NULL);
	} else if (fs_exists(s->wal_path)) {
		rl_err_set(err, RL_E_READ_ONLY,
			   "the store %s is read-only for you, and its newest changes are "
			   "still in %s without its -shm file: the next runlens command of "
			   "someone who may write the store puts them in the database",
			   s->dir, s->wal_path);
		goto cleanup;
	} else {
		if (hold_read_lock(s, err) < 0)
			goto cleanup;
		if (fs_exists(s->shm_path) || fs_exists(s->wal_path)) {
			/* a writer came meanwhile: read through its -shm */
			let_go(s);
			src = sqlite3_open_v2(s->path, &s->db,
					      SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
		} else if (!(uri = file_uri(s->path, "immutable=1"))) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		} else {
			stat_of(s->path, &s->seen);
			s->snapshot = 1;
			src = sqlite3_open_v2(uri, &s->db,
					      SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
						      SQLITE_OPEN_NOMUTEX, NULL);
		}
	}
	if (src != SQLITE_OK) {
		store_fail(s, src, "cannot open the store database", err);
		goto cleanup;
	}
	sqlite3_extended_result_codes(s->db, 0);
	if (apply_pragmas(s, err) < 0) {
		rl_err_prefix(err, "%s", s->path);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(uri);
	return rc;
}

/* Close the connection (every statement first) and let go of the lock. */
static void disconnect(struct store *s)
{
	for (int i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].stmt);
	s->nstmts = 0;
	if (s->db)
		sqlite3_close_v2(s->db);
	s->db = NULL;
	let_go(s);
}

int store_reconnect(struct store *s, struct rl_err *err)
{
	disconnect(s);
	return connect_db(s, err);
}

int store_open(const char *dir, unsigned flags, struct store **out,
	       struct rl_err *err)
{
	struct store *s = NULL;
	int rc = -1;
	if (!dir || !out)
		return rl_err_set(err, RL_E_USAGE, "no store folder");
	s = calloc(1, sizeof(*s));
	if (!s) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	s->lock_fd = -1;
	s->dir = strdup(dir);
	s->root = realpath(dir, NULL); /* NULL until it exists: see below */
	s->path = fs_join(dir, STORE_DB_NAME);
	if (!s->dir || !s->path || !(s->wal_path = malloc(strlen(s->path) + 5)) ||
	    !(s->shm_path = malloc(strlen(s->path) + 5))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	strcat(strcpy(s->wal_path, s->path), "-wal");
	strcat(strcpy(s->shm_path, s->path), "-shm");
	s->access = flags & STORE_READONLY ? STORE_ACCESS_READ_ASKED : STORE_ACCESS_WRITE;
	if (flags & STORE_CREATE) {
		char *a = fs_join(dir, "artifacts"), *r = fs_join(dir, "runs");
		int ok = a && r && fs_mkdirs(dir, err) == 0 &&
			 fs_mkdirs(a, err) == 0 && fs_mkdirs(r, err) == 0;
		free(a);
		free(r);
		if (!ok)
			goto cleanup;
		if (!s->root)
			s->root = realpath(dir, NULL);
	} else if (!fs_exists(s->path)) {
		rl_err_set(err, RL_E_NO_STORE, "no runlens store at %s", dir);
		goto cleanup;
	}
	/* a store this user may not write is read, never written */
	if (s->access == STORE_ACCESS_WRITE && fs_exists(s->path) &&
	    !(may_write(s->path) && may_write(dir)))
		s->access = STORE_ACCESS_READ_ONLY;
	s->readonly = s->access != STORE_ACCESS_WRITE;
	if (connect_db(s, err) < 0)
		goto cleanup;
	if (store_migrate(s, err) < 0) {
		if (err && err->code != RL_E_TOO_NEW && err->code != RL_E_READ_ONLY)
			rl_err_prefix(err, "%s", s->path);
		goto cleanup;
	}
	*out = s;
	s = NULL;
	rc = 0;
cleanup:
	store_close(&s);
	return rc;
}

void store_close(struct store **ps)
{
	if (!ps || !*ps)
		return;
	struct store *s = *ps;
	disconnect(s);
	free(s->stmts);
	free(s->dir);
	free(s->root);
	free(s->path);
	free(s->wal_path);
	free(s->shm_path);
	free(s);
	*ps = NULL;
}

enum store_access store_access(const struct store *s)
{
	return s ? (enum store_access)s->access : STORE_ACCESS_WRITE;
}

void store_set_progress(struct store *s, int (*fn)(void *ctx), void *ctx)
{
	s->progress = fn;
	s->progress_ctx = ctx;
	/* every 1000 virtual machine instructions: some microseconds */
	sqlite3_progress_handler(s->db, fn ? 1000 : 0, fn, ctx);
}

void store_set_busy_ms(struct store *s, int ms)
{
	if (s && s->db)
		sqlite3_busy_timeout(s->db, ms < 0 ? STORE_BUSY_MS : ms);
}
