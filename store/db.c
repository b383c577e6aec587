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
		if (s && s->dir) {
			/* which store, and what the wait was */
			ret = rl_err_set(err, RL_E_BUSY,
					 "%s: the store %s is locked by another process (waited "
					 "%d s for it)", what, s->dir, STORE_BUSY_MS / 1000);
			goto done;
		}
		code = RL_E_BUSY;
		break;
	case SQLITE_IOERR:
		code = RL_E_IO;
		break;
	case SQLITE_READONLY:
		if (s && s->readonly) {
			ret = rl_err_set(err, RL_E_READ_ONLY, "%s: the store %s is read-only%s",
					 what, s->dir,
					 s->access == STORE_ACCESS_READ_ONLY
						 ? " for you (you may not write its folder or "
						   "runlens.db)"
						 : " (opened read-only)");
			goto done;
		}
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		if (s && store_snapshot_stale(s)) {
			/* read while a writer folded its WAL in (store/open.c) */
			ret = rl_err_set(err, RL_E_BUSY,
					 "%s: the store changed while it was read (someone is "
					 "writing to it); try again", what);
			goto done;
		}
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

int step_ids(struct store *s, sqlite3_stmt *st, int64_t **ids, int *n, int *cap,
	     const char *what, struct rl_err *err)
{
	int rc = -1, src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *slot = grow_rows((void **)ids, n, cap, sizeof **ids);
		if (!slot) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		*slot = sqlite3_column_int64(st, 0);
	}
	rc = src == SQLITE_DONE ? 0 : store_fail(s, src, what, err);
cleanup:
	sqlite3_reset(st);
	return rc;
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


/* PATH without DIR/ in front, or NULL when it is not inside DIR. */
static const char *inside_dir(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n && !strncmp(path, dir, n) && path[n] == '/' && path[n + 1] ? path + n + 1 : NULL;
}

char *store_path_to_db(const struct store *s, const char *path)
{
	if (!path)
		return NULL;
	const char *rel = inside_dir(path, s->dir);
	if (!rel)
		rel = inside_dir(path, s->root);
	return strdup(rel ? rel : path);
}

char *store_path_from_db(const struct store *s, const char *kept)
{
	if (!kept)
		return NULL;
	if (!*kept || kept[0] == '/')
		return strdup(kept);
	return fs_join(s->dir, kept);
}

int bind_kept_path(const struct store *s, sqlite3_stmt *st, int i, const char *path)
{
	char *kept = store_path_to_db(s, path);
	if (path && !kept)
		return SQLITE_NOMEM;
	int rc = kept ? sqlite3_bind_text(st, i, kept, -1, free) : sqlite3_bind_null(st, i);
	return rc;
}

char *col_kept_path(const struct store *s, sqlite3_stmt *st, int i, const char *if_null)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t)
		return if_null ? strdup(if_null) : NULL;
	return store_path_from_db(s, (const char *)t);
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
	/* a snapshot takes no locks, so SQLite would begin; refuse here, for
	 * every kind of read-only store, before any write is tried */
	if (s->readonly)
		return store_fail(s, SQLITE_READONLY, "cannot write", err);
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
	/* a snapshot never sees a change (immutable): reopen it, and go on
	 * counting from the last number given */
	int reopened = store_snapshot_stale(s);
	if (reopened && store_reconnect(s, err) < 0)
		return -1;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	int64_t dv = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read the store", err);
	if (reopened)
		s->dv_base = s->dv_last + 1 - dv;
	*v = s->dv_last = dv + s->dv_base;
	return 0;
}
