/* store/metrics.c — metadata and metrics of step runs, and the per-run
 * metric summaries that lists sort and filter on. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

int store_metadata_set(struct store *s, int64_t step_run_id,
		       const char *output, const char *key,
		       const char *value_json, struct rl_err *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO metadata (step_run_id, output, key, value_json) "
		"VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id) || bind_text(st, 2, output ? output : "") ||
	    bind_text(st, 3, key) || bind_text(st, 4, value_json))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record metadata", err);
	return store_run_stmt(s, st, "cannot record metadata", err);
}

int store_read_metas(struct store *s, const char *sql, int64_t id, struct store_meta **rows,
		     int *n, struct rl_err *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read metadata", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_meta *m = grow_rows((void **)rows, n, &cap, sizeof(*m));
		if (!m) {
			rc = SQLITE_NOMEM;
			break;
		}
		const unsigned char *o = sqlite3_column_text(st, 0);
		m->output = o && *o ? strdup((const char *)o) : NULL;
		m->key = col_text_or(st, 1, "");
		m->value_json = col_text_or(st, 2, "null");
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_metas_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read metadata", err);
	}
	return 0;
}

int store_metadata_of(struct store *s, int64_t step_run_id,
		      struct store_meta **rows, int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT output, key, value_json FROM metadata WHERE step_run_id = ? "
		"ORDER BY output, key";
	return store_read_metas(s, sql, step_run_id, rows, n, err);
}

void store_metas_free(struct store_meta *rows, int n)
{
	for (int i = 0; rows && i < n; i++) {
		free(rows[i].output);
		free(rows[i].key);
		free(rows[i].value_json);
	}
	free(rows);
}

static int metric_add(struct store *s, int64_t step_run_id, const char *key,
		      int has_index, int64_t index, double value, int64_t at_ms,
		      struct rl_err *err)
{
	static const char ins[] =
		"INSERT INTO metrics (step_run_id, run_id, key, idx, value, at_ms) "
		"SELECT id, run_id, ?2, ?3, ?4, ?5 FROM step_runs WHERE id = ?1";
	/* the summary: last = highest index for a series, else the newest */
	static const char sum[] =
		"INSERT INTO run_metrics (run_id, step_run_id, step, key, value, min, max, "
		"count, is_series, last_idx) "
		"SELECT run_id, id, name, ?2, ?4, ?4, ?4, 1, ?3 IS NOT NULL, ?3 "
		"FROM step_runs WHERE id = ?1 "
		"ON CONFLICT(run_id, step, key) DO UPDATE SET "
		"  value = CASE WHEN ?3 IS NULL OR last_idx IS NULL OR ?3 >= last_idx "
		"          THEN ?4 ELSE value END, "
		"  last_idx = CASE WHEN ?3 IS NOT NULL AND (last_idx IS NULL OR ?3 >= last_idx) "
		"          THEN ?3 ELSE last_idx END, "
		"  min = min(min, ?4), max = max(max, ?4), count = count + 1, "
		"  is_series = is_series OR ?3 IS NOT NULL";
	const char *const sqls[] = { ins, sum };
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = store_stmt(s, sqls[i], err);
		if (!st)
			return -1;
		if (bind_i64(st, 1, step_run_id) || bind_text(st, 2, key) ||
		    (has_index ? bind_i64(st, 3, index) : sqlite3_bind_null(st, 3)) ||
		    sqlite3_bind_double(st, 4, value) ||
		    (i == 0 && bind_i64(st, 5, at_ms)))
			return store_fail(s, sqlite3_errcode(s->db), "cannot record the metric", err);
		if (store_run_stmt(s, st, "cannot record the metric", err) < 0)
			return -1;
		if (i == 0 && sqlite3_changes(s->db) == 0)
			return rl_err_set(err, RL_E_NOT_FOUND, "no step run %lld",
					  (long long)step_run_id);
	}
	return 0;
}

int store_metric_add(struct store *s, int64_t step_run_id, const char *key,
		     int has_index, int64_t index, double value, int64_t at_ms,
		     struct rl_err *err)
{
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	int rc = metric_add(s, step_run_id, key, has_index, index, value, at_ms,
			    err);
	return store_unit_end(s, nested, rc, err);
}

static int metrics_query(struct store *s, const char *sql, int64_t id,
			 struct store_metric **rows, int *n, struct rl_err *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read metrics", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_metric *m = grow_rows((void **)rows, n, &cap, sizeof(*m));
		if (!m) {
			rc = SQLITE_NOMEM;
			break;
		}
		m->step = col_text_or(st, 0, "");
		m->key = col_text_or(st, 1, "");
		m->value = sqlite3_column_double(st, 2);
		m->min = sqlite3_column_double(st, 3);
		m->max = sqlite3_column_double(st, 4);
		m->count = col_count(st, 5);
		m->is_series = col_int(st, 6, 0, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_metrics_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read metrics", err);
	}
	return 0;
}

int store_run_metrics(struct store *s, int64_t run_id, struct store_metric **rows,
		      int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT m.step, m.key, m.value, m.min, m.max, m.count, m.is_series "
		"FROM run_metrics m JOIN step_runs sr ON sr.id = m.step_run_id "
		"WHERE m.run_id = ? ORDER BY sr.position, m.key";
	return metrics_query(s, sql, run_id, rows, n, err);
}

int store_step_metrics(struct store *s, int64_t step_run_id,
		       struct store_metric **rows, int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT step, key, value, min, max, count, is_series "
		"FROM run_metrics WHERE step_run_id = ? ORDER BY key";
	return metrics_query(s, sql, step_run_id, rows, n, err);
}

int store_metric_series(struct store *s, int64_t step_run_id, const char *key,
			int64_t after, int limit,
			struct store_metric_point **rows, int *n,
			struct rl_err *err)
{
	/* unindexed values are numbered 1, 2, 3… in the order recorded */
	static const char sql[] =
		"SELECT i, value, at_ms FROM ("
		"  SELECT coalesce(idx, row_number() OVER (ORDER BY id)) AS i, value, at_ms "
		"  FROM metrics WHERE step_run_id = ?1 AND key = ?2"
		") WHERE i > ?3 ORDER BY i LIMIT ?4";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id) || bind_text(st, 2, key) ||
	    bind_i64(st, 3, after) || sqlite3_bind_int(st, 4, limit))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read metrics", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_metric_point *p = grow_rows((void **)rows, n, &cap, sizeof(*p));
		if (!p) {
			rc = SQLITE_NOMEM;
			break;
		}
		p->index = sqlite3_column_int64(st, 0);
		p->value = sqlite3_column_double(st, 1);
		p->at_ms = col_ms(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read metrics", err);
	}
	return 0;
}

void store_metrics_free(struct store_metric *rows, int n)
{
	for (int i = 0; rows && i < n; i++) {
		free(rows[i].step);
		free(rows[i].key);
	}
	free(rows);
}

int store_metric_value(struct store *s, int64_t run_id, const char *step, const char *key,
		       double *value, int *found, struct rl_err *err)
{
	static const char sql[] =
		"SELECT value FROM run_metrics WHERE run_id = ?1 AND step = ?2 AND key = ?3";
	*found = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_text(st, 2, step) || bind_text(st, 3, key))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read metrics", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*value = sqlite3_column_double(st, 0);
		*found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, rc, "cannot read metrics", err);
	return 0;
}

int store_metric_history(struct store *s, int64_t pipeline_id, const char *step,
			 const char *key, int64_t before_run_id, int limit,
			 struct store_metric_run **rows, int *n, struct rl_err *err)
{
	/* the pipeline's newest LIMIT runs in the order of the runs_by_pipeline
	 * index, each with its value by primary key (NULL: no such metric,
	 * left out below): constant cost however many runs the pipeline has,
	 * and no temporary table or sort */
	static const char sql[] =
		"SELECT r.id, (SELECT m.value FROM run_metrics m WHERE m.run_id = r.id "
		"  AND m.step = ?2 AND m.key = ?3) "
		"FROM runs r WHERE r.pipeline_id = ?1 "
		"ORDER BY r.started_ms DESC, r.id DESC LIMIT ?5";
	/* a range on the index, not a filter (an "?4 = 0 OR …" would make
	 * SQLite walk every newer run of the pipeline: linear in the depth) */
	static const char sql_before[] =
		"SELECT r.id, (SELECT m.value FROM run_metrics m WHERE m.run_id = r.id "
		"  AND m.step = ?2 AND m.key = ?3) "
		"FROM runs r WHERE r.pipeline_id = ?1 "
		"  AND (r.started_ms, r.id) <= (SELECT started_ms, id FROM runs WHERE id = ?4) "
		"ORDER BY r.started_ms DESC, r.id DESC LIMIT ?5";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, before_run_id ? sql_before : sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, pipeline_id) || bind_text(st, 2, step) || bind_text(st, 3, key) ||
	    bind_i64(st, 4, before_run_id) || sqlite3_bind_int(st, 5, limit))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read metrics", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue; /* the run has no such metric */
		struct store_metric_run *p = grow_rows((void **)rows, n, &cap, sizeof(*p));
		if (!p) {
			rc = SQLITE_NOMEM;
			break;
		}
		p->run_id = sqlite3_column_int64(st, 0);
		p->value = sqlite3_column_double(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read metrics", err);
	}
	/* oldest first, as a plot reads */
	for (int i = 0, j = *n - 1; i < j; i++, j--) {
		struct store_metric_run tmp = (*rows)[i];
		(*rows)[i] = (*rows)[j];
		(*rows)[j] = tmp;
	}
	return 0;
}
