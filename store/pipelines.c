/* store/pipelines.c — pipelines, their run counters and pinned baseline. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

#define PIPELINE_COLS                                                        \
	"p.id, p.name, p.description, p.run_count, p.completed_count, "      \
	"p.failed_count, p.last_run_id, r.status, r.started_ms, "             \
	"p.pinned_run_id, p.baseline_where, p.baseline_where_file "                \
	"FROM pipelines p LEFT JOIN runs r ON r.id = p.last_run_id "

static void read_pipeline(sqlite3_stmt *st, struct store_pipeline *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->name = col_text_or(st, 1, "");
	p->description = col_text(st, 2);
	p->run_count = col_count(st, 3);
	p->completed_count = col_count(st, 4);
	p->failed_count = col_count(st, 5);
	p->last_run_id = sqlite3_column_int64(st, 6);
	p->last_status = col_text(st, 7);
	p->last_started_ms = col_ms(st, 8);
	p->pinned_run_id = sqlite3_column_int64(st, 9);
	p->baseline_where = col_text(st, 10);
	p->baseline_where_file = col_text(st, 11);
}

int store_pipeline_ensure(struct store *s, const char *name,
			  const char *description, int64_t *id,
			  struct rl_err *err)
{
	static const char ins[] =
		"INSERT INTO pipelines (name, description, created_ms) VALUES (?, ?, ?) "
		"ON CONFLICT(name) DO UPDATE SET description = "
		"coalesce(excluded.description, description) RETURNING id";
	sqlite3_stmt *st = store_stmt(s, ins, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name) || bind_text(st, 2, description) ||
	    bind_i64(st, 3, time_now_ms()))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the pipeline", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot record the pipeline", err);
	return 0;
}

static int get_one(struct store *s, const char *sql, const char *name,
		   int64_t id, struct store_pipeline *out, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if ((name ? bind_text(st, 1, name) : bind_i64(st, 1, id)) != SQLITE_OK)
		return store_fail(s, sqlite3_errcode(s->db), "cannot read pipelines", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		read_pipeline(st, out);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return name ? rl_err_set(err, RL_E_NOT_FOUND, "no pipeline '%s'", name)
			    : rl_err_set(err, RL_E_NOT_FOUND, "no pipeline %lld",
					 (long long)id);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read pipelines", err);
	return 0;
}

int store_pipeline_get(struct store *s, const char *name,
		       struct store_pipeline *out, struct rl_err *err)
{
	static const char sql[] = "SELECT " PIPELINE_COLS "WHERE p.name = ?";
	return get_one(s, sql, name ? name : "", 0, out, err);
}

int store_pipeline_get_by_id(struct store *s, int64_t id,
			     struct store_pipeline *out, struct rl_err *err)
{
	static const char sql[] = "SELECT " PIPELINE_COLS "WHERE p.id = ?";
	return get_one(s, sql, NULL, id, out, err);
}

int store_pipelines_page(struct store *s, const char *after, int limit,
			 struct store_pipeline **rows, int *n,
			 struct rl_err *err)
{
	static const char sql[] = "SELECT " PIPELINE_COLS
				  "WHERE p.name > ? ORDER BY p.name LIMIT ?";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, after ? after : "") || sqlite3_bind_int(st, 2, limit))
		return store_fail(s, sqlite3_errcode(s->db), "cannot list pipelines", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_pipeline *p = grow_rows((void **)rows, n, &cap, sizeof(*p));
		if (!p) {
			sqlite3_reset(st);
			store_pipelines_free(*rows, *n - 1);
			*rows = NULL;
			*n = 0;
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
		read_pipeline(st, p);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_pipelines_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot list pipelines", err);
	}
	return 0;
}

static int set_rule(struct store *s, const char *sql, int64_t pipeline_id, const char *where,
		    struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, where) || bind_i64(st, 2, pipeline_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot set the baseline rule", err);
	return store_run_stmt(s, st, "cannot set the baseline rule", err);
}

int store_pipeline_set_rule(struct store *s, int64_t pipeline_id, const char *where,
			    struct rl_err *err)
{
	return set_rule(s, "UPDATE pipelines SET baseline_where = ? WHERE id = ?", pipeline_id,
			where, err);
}

int store_pipeline_set_file_rule(struct store *s, int64_t pipeline_id, const char *where,
				 struct rl_err *err)
{
	/* written only when it changes: a run of an unchanged file writes
	 * nothing here */
	return set_rule(s, "UPDATE pipelines SET baseline_where_file = ?1 WHERE id = ?2 "
			   "AND baseline_where_file IS NOT ?1",
			pipeline_id, where, err);
}

int store_pipeline_pin(struct store *s, int64_t pipeline_id, int64_t run_id,
		       struct rl_err *err)
{
	static const char sql[] = "UPDATE pipelines SET pinned_run_id = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_id(st, 1, run_id) || bind_i64(st, 2, pipeline_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot pin", err);
	if (store_run_stmt(s, st, "cannot pin the baseline", err) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return rl_err_set(err, RL_E_NOT_FOUND, "no pipeline %lld",
				  (long long)pipeline_id);
	return 0;
}

static int finished_class(const char *status)
{
	if (!status)
		return 0;
	if (!strcmp(status, "completed"))
		return 1;
	if (!strcmp(status, "failed") || !strcmp(status, "interrupted"))
		return 2;
	return 0;
}

int store_pipeline_count(struct store *s, int64_t pipeline_id,
			 const char *old_status, const char *new_status,
			 struct rl_err *err)
{
	static const char sql[] =
		"UPDATE pipelines SET completed_count = completed_count + ?, "
		"failed_count = failed_count + ? WHERE id = ?";
	int o = finished_class(old_status), nw = finished_class(new_status);
	if (o == nw)
		return 0;
	int dc = (nw == 1) - (o == 1), df = (nw == 2) - (o == 2);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (sqlite3_bind_int(st, 1, dc) || sqlite3_bind_int(st, 2, df) ||
	    bind_i64(st, 3, pipeline_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot count runs", err);
	return store_run_stmt(s, st, "cannot count runs", err);
}

void store_pipeline_clear(struct store_pipeline *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->description);
	free(p->last_status);
	free(p->baseline_where);
	free(p->baseline_where_file);
	memset(p, 0, sizeof *p);
}

void store_pipelines_free(struct store_pipeline *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		store_pipeline_clear(&rows[i]);
	free(rows);
}
