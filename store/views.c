/* store/views.c — the browser's saved views: a filter, a sort, metric
 * columns and a baseline under a name, recalled later. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

#define VIEW_COLS "name, pipeline_id, filter, sort, columns_json, baseline_run_id, created_ms "

static void read_view(sqlite3_stmt *st, struct store_saved_view *v)
{
	v->name = col_text_or(st, 0, "");
	v->pipeline_id = sqlite3_column_int64(st, 1);
	v->filter = col_text(st, 2);
	v->sort = col_text(st, 3);
	v->columns_json = col_text(st, 4);
	v->baseline_run_id = sqlite3_column_int64(st, 5);
	v->created_ms = col_ms(st, 6);
}

int store_view_save(struct store *s, const struct store_saved_view *v, struct rl_err *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO saved_views(" VIEW_COLS ") VALUES (?,?,?,?,?,?,?)";
	if (!v->name || !*v->name)
		return rl_err_set(err, RL_E_INPUT, "a saved view needs a name");
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, v->name) || bind_id(st, 2, v->pipeline_id) ||
	    bind_text(st, 3, v->filter) || bind_text(st, 4, v->sort) ||
	    bind_text(st, 5, v->columns_json) || bind_id(st, 6, v->baseline_run_id) ||
	    bind_i64(st, 7, v->created_ms))
		return store_fail(s, sqlite3_errcode(s->db), "cannot save the view", err);
	return store_run_stmt(s, st, "cannot save the view", err);
}

int store_view_get(struct store *s, const char *name, struct store_saved_view *out,
		   struct rl_err *err)
{
	static const char sql[] = "SELECT " VIEW_COLS "FROM saved_views WHERE name = ?";
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the view", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_view(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no saved view '%s'", name);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read the view", err);
	return 0;
}

int store_views_page(struct store *s, const char *after, int limit,
		     struct store_saved_view **rows, int *n, struct rl_err *err)
{
	static const char sql[] = "SELECT " VIEW_COLS "FROM saved_views "
				  "WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, after) || sqlite3_bind_int(st, 2, limit))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the views", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_saved_view *v = grow_rows((void **)rows, n, &cap, sizeof(*v));
		if (!v) {
			rc = SQLITE_NOMEM;
			break;
		}
		read_view(st, v);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_views_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read the views", err);
	}
	return 0;
}

int store_view_delete(struct store *s, const char *name, struct rl_err *err)
{
	static const char sql[] = "DELETE FROM saved_views WHERE name = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name))
		return store_fail(s, sqlite3_errcode(s->db), "cannot delete the view", err);
	return store_run_stmt(s, st, "cannot delete the view", err);
}

void store_view_clear(struct store_saved_view *v)
{
	free(v->name);
	free(v->filter);
	free(v->sort);
	free(v->columns_json);
	memset(v, 0, sizeof *v);
}

void store_views_free(struct store_saved_view *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		store_view_clear(&rows[i]);
	free(rows);
}
