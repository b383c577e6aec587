/* store/attempt_data.c — the metrics and metadata of an attempt that was
 * retried.  While an attempt runs, what it records is the step run's own
 * (metrics, metadata, run_metrics); when a next attempt starts, the
 * earlier one's move to attempt_metrics and attempt_metadata, so the step
 * run's values are always those of its last attempt and every attempt's
 * stay readable. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

int store_attempt_archive(struct store *s, int64_t step_run_id, int64_t attempt_id,
			  struct rl_err *err)
{
	static const char mets[] =
		"INSERT INTO attempt_metrics (attempt_id, key, idx, value, at_ms) "
		"SELECT ?2, key, idx, value, at_ms FROM metrics WHERE step_run_id = ?1 ORDER BY id";
	static const char meta[] =
		"INSERT OR REPLACE INTO attempt_metadata (attempt_id, output, key, value_json) "
		"SELECT ?2, output, key, value_json FROM metadata WHERE step_run_id = ?1";
	static const char del_mets[] = "DELETE FROM metrics WHERE step_run_id = ?1";
	static const char del_meta[] = "DELETE FROM metadata WHERE step_run_id = ?1";
	static const char del_sums[] = "DELETE FROM run_metrics WHERE step_run_id = ?1";
	const char *const sqls[] = { mets, meta, del_mets, del_meta, del_sums };
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < sizeof sqls / sizeof sqls[0] && rc == 0; i++) {
		sqlite3_stmt *st = store_stmt(s, sqls[i], err);
		if (!st) {
			rc = -1;
			break;
		}
		if (bind_i64(st, 1, step_run_id) ||
		    (sqlite3_bind_parameter_count(st) > 1 && bind_i64(st, 2, attempt_id)))
			rc = store_fail(s, sqlite3_errcode(s->db), "cannot keep the attempt", err);
		else
			rc = store_run_stmt(s, st, "cannot keep the attempt", err);
	}
	return store_unit_end(s, nested, rc, err);
}

int store_attempt_metrics(struct store *s, int64_t attempt_id, struct store_metric **rows,
			  int *n, struct rl_err *err)
{
	/* the last value: the highest index, else the latest recorded */
	static const char sql[] =
		"SELECT (SELECT sr.name FROM attempts t JOIN step_runs sr ON sr.id = t.step_run_id "
		"        WHERE t.id = ?1), a.key, "
		"  (SELECT b.value FROM attempt_metrics b WHERE b.attempt_id = ?1 AND b.key = a.key "
		"   ORDER BY b.idx IS NULL, b.idx DESC, b.rowid DESC LIMIT 1), "
		"  min(a.value), max(a.value), count(*), max(a.idx IS NOT NULL) "
		"FROM attempt_metrics a WHERE a.attempt_id = ?1 GROUP BY a.key ORDER BY a.key";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, attempt_id))
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

int store_attempt_metric_series(struct store *s, int64_t attempt_id, const char *key,
				struct store_metric_point **rows, int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT coalesce(idx, row_number() OVER (ORDER BY rowid)), value, at_ms "
		"FROM attempt_metrics WHERE attempt_id = ?1 AND key = ?2 ORDER BY 1";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, attempt_id) || bind_text(st, 2, key))
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

int store_attempt_metadata(struct store *s, int64_t attempt_id, struct store_meta **rows,
			   int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT output, key, value_json FROM attempt_metadata WHERE attempt_id = ? "
		"ORDER BY output, key";
	return store_read_metas(s, sql, attempt_id, rows, n, err);
}
