/* store/db.c — opening and closing the store, pragmas, transactions, the
 * statement cache and shared helpers. */
#include "config.h"
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/text.h"

/* SQLite's message of the last error, safe on one line: a damaged schema
 * is quoted in it, newlines and all (malloc'd; NULL when out of memory). */
static char *error_text(struct store *s, int rc)
{
	return text_escape_str(s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), 0);
}

int store_fail(struct store *s, int rc, const char *what, struct rl_err *err)
{
	int primary = rc & 0xff;
	char *text = error_text(s, rc);
	const char *msg = text ? text : sqlite3_errstr(rc);
	enum rl_code code = RL_E_DB;
	int ret;
	/* a full disk shows as SQLITE_FULL, or as an I/O error or a file that
	 * cannot be created (the -wal, -shm) with errno ENOSPC */
	int sys = s && s->db ? sqlite3_system_errno(s->db) : 0;
	if (primary == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT) {
		ret = rl_err_set(err, RL_E_DISK_FULL,
				 "%s: the disk is full (free some space and try again)", what);
		goto done;
	}
	switch (primary) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = RL_E_BUSY;
		break;
	case SQLITE_IOERR:
		code = RL_E_IO;
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		ret = rl_err_set(err, RL_E_CORRUPT,
				 "%s: the store database is damaged (%s); restore "
				 "it from a backup, or move it away to start "
				 "a new store", what, msg);
		goto done;
	case SQLITE_NOMEM:
		code = RL_E_NOMEM;
		break;
	default:
		break;
	}
	ret = rl_err_set(err, code, "%s: %s", what, msg);
done:
	free(text);
	return ret;
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql, struct rl_err *err)
{
	for (int i = 0; i < s->nstmts; i++)
		if (s->stmts[i].sql == sql) {
			sqlite3_reset(s->stmts[i].stmt);
			sqlite3_clear_bindings(s->stmts[i].stmt);
			return s->stmts[i].stmt;
		}
	if (s->nstmts == s->capstmts) {
		int cap = s->capstmts ? s->capstmts * 2 : 32;
		struct cached_stmt *p = realloc(s->stmts, (size_t)cap * sizeof(*p));
		if (!p) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			return NULL;
		}
		s->stmts = p;
		s->capstmts = cap;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
				    NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, rc, "cannot prepare a query", err);
		return NULL;
	}
	s->stmts[s->nstmts].sql = sql;
	s->stmts[s->nstmts].stmt = st;
	s->nstmts++;
	return st;
}

int store_exec(struct store *s, const char *sql, struct rl_err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, rc, "database error", err);
	return 0;
}

int store_run_stmt(struct store *s, sqlite3_stmt *st, const char *what,
		   struct rl_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(s, rc, what, err);
	return 0;
}

int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT)
		 : sqlite3_bind_null(st, i);
}

int bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

int bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

/* 9999-12-31T23:59:59.999Z: no time runlens writes is later */
#define STORE_MAX_MS INT64_C(253402300799999)

char *col_text_or(sqlite3_stmt *st, int i, const char *if_null)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return strdup(t ? (const char *)t : if_null);
}

int64_t col_ms(sqlite3_stmt *st, int i)
{
	int64_t v = sqlite3_column_int64(st, i);
	return v >= 0 && v <= STORE_MAX_MS ? v : 0;
}

int64_t col_count(sqlite3_stmt *st, int i)
{
	int64_t v = sqlite3_column_int64(st, i);
	return v > 0 ? v : 0;
}

int col_int(sqlite3_stmt *st, int i, int lo, int hi)
{
	int64_t v = sqlite3_column_int64(st, i);
	return v < lo ? lo : v > hi ? hi : (int)v;
}

int64_t add_count(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

void *grow_rows(void **rows, int *n, int *cap, size_t size)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*rows, (size_t)ncap * size);
		if (!p)
			return NULL;
		*rows = p;
		*cap = ncap;
	}
	char *el = (char *)*rows + (size_t)(*n) * size;
	memset(el, 0, size);
	(*n)++;
	return el;
}

int64_t store_hash63(const void *data, size_t n)
{
	/* FNV-1a, 64 bits, the top 63 kept: a non-negative SQLite integer */
	const unsigned char *p = data;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return (int64_t)(h >> 1);
}

static void sql_hash63(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const void *p = sqlite3_value_blob(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	sqlite3_result_int64(ctx, store_hash63(p ? p : "", p ? (size_t)n : 0));
}

static int apply_pragmas(struct store *s, struct rl_err *err)
{
	sqlite3_busy_timeout(s->db, 10000);
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

int store_open(const char *dir, unsigned flags, struct store **out,
	       struct rl_err *err)
{
	struct store *s = NULL;
	char *path = NULL;
	int rc = -1;
	if (!dir || !out)
		return rl_err_set(err, RL_E_USAGE, "no store folder");
	path = fs_join(dir, STORE_DB_NAME);
	s = calloc(1, sizeof(*s));
	if (!path || !s) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	s->dir = strdup(dir);
	if (!s->dir) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	s->readonly = (flags & STORE_READONLY) != 0;
	if (flags & STORE_CREATE) {
		char *a = fs_join(dir, "artifacts"), *r = fs_join(dir, "runs");
		int ok = a && r && fs_mkdirs(dir, err) == 0 &&
			 fs_mkdirs(a, err) == 0 && fs_mkdirs(r, err) == 0;
		free(a);
		free(r);
		if (!ok)
			goto cleanup;
	} else if (!fs_exists(path)) {
		rl_err_set(err, RL_E_NO_STORE, "no runlens store at %s", dir);
		goto cleanup;
	}
	int oflags = s->readonly ? SQLITE_OPEN_READONLY
				 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int src = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (src != SQLITE_OK) {
		store_fail(s, src, "cannot open the store database", err);
		goto cleanup;
	}
	sqlite3_extended_result_codes(s->db, 0);
	if (apply_pragmas(s, err) < 0) {
		rl_err_prefix(err, "%s", path);
		goto cleanup;
	}
	if (store_migrate(s, err) < 0) {
		if (err && err->code != RL_E_TOO_NEW)
			rl_err_prefix(err, "%s", path);
		goto cleanup;
	}
	*out = s;
	s = NULL;
	rc = 0;
cleanup:
	store_close(&s);
	free(path);
	return rc;
}

void store_close(struct store **ps)
{
	if (!ps || !*ps)
		return;
	struct store *s = *ps;
	for (int i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].stmt);
	free(s->stmts);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->dir);
	free(s);
	*ps = NULL;
}

const char *store_dir(const struct store *s)
{
	return s ? s->dir : NULL;
}

int store_schema_version(struct store *s)
{
	static const char sql[] = "PRAGMA user_version";
	sqlite3_stmt *st = store_stmt(s, sql, NULL);
	if (!st)
		return -1;
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

int store_begin(struct store *s, struct rl_err *err)
{
	static const char sql[] = "BEGIN IMMEDIATE";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	return st ? store_run_stmt(s, st, "cannot start a transaction", err) : -1;
}

int store_commit(struct store *s, struct rl_err *err)
{
	static const char sql[] = "COMMIT";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	return st ? store_run_stmt(s, st, "cannot commit", err) : -1;
}

int store_unit_begin(struct store *s, int *nested, struct rl_err *err)
{
	static const char sql[] = "SAVEPOINT store_unit";
	*nested = !sqlite3_get_autocommit(s->db);
	if (!*nested)
		return store_begin(s, err);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	return st ? store_run_stmt(s, st, "cannot start a transaction", err) : -1;
}

int store_unit_end(struct store *s, int nested, int rc, struct rl_err *err)
{
	static const char release[] = "RELEASE store_unit";
	if (rc == 0) {
		sqlite3_stmt *st = nested ? store_stmt(s, release, err) : NULL;
		if (nested ? st && store_run_stmt(s, st, "cannot commit", err) == 0
			   : store_commit(s, err) == 0)
			return 0;
		rc = -1;
	}
	if (!nested) {
		store_rollback(s);
	} else if (!sqlite3_get_autocommit(s->db)) {
		/* SQLite may have rolled the whole transaction back already */
		sqlite3_exec(s->db, "ROLLBACK TO store_unit; RELEASE store_unit",
			     NULL, NULL, NULL);
	}
	return rc;
}

int store_read_begin(struct store *s, int *began, struct rl_err *err)
{
	static const char sql[] = "BEGIN";
	*began = 0;
	if (!sqlite3_get_autocommit(s->db))
		return 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st || store_run_stmt(s, st, "cannot start reading", err) < 0)
		return -1;
	*began = 1;
	return 0;
}

void store_read_end(struct store *s, int began)
{
	static const char sql[] = "COMMIT";
	sqlite3_stmt *st = began ? store_stmt(s, sql, NULL) : NULL;
	if (st && store_run_stmt(s, st, "cannot end reading", NULL) < 0)
		store_rollback(s);
}

void store_rollback(struct store *s)
{
	if (s && s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_integrity_check(struct store *s, int *ok, struct rl_err *err)
{
	static const char sql[] = "PRAGMA integrity_check";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, rc, "integrity check failed", err);
	}
	const unsigned char *t = sqlite3_column_text(st, 0);
	*ok = t && strcmp((const char *)t, "ok") == 0;
	sqlite3_reset(st);
	return 0;
}

int store_data_version(struct store *s, int64_t *v, struct rl_err *err)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read the store", err);
}
