/* store/bulk.c — loading many finished runs at once (the benchmark's store
 * generator, importers): rows go in with their final values through
 * prepared statements, the caller groups them into store_begin/
 * store_commit batches, and store_bulk_finish settles the per-pipeline
 * counters once at the end instead of per row. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

int store_bulk_mode(struct store *s, int on, struct rl_err *err)
{
	/* a generated store can be made again: trade durability for speed */
	return store_exec(s,
			  on ? "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144"
			     : "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-2000",
			  err);
}

int store_bulk_run(struct store *s, const struct store_bulk_run *r, int64_t *id,
		   struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO runs (id, pipeline_id, name, status, started_ms, ended_ms, "
		"heartbeat_ms, spec_path, params_json, spec_id) "
		"VALUES (" STORE_NEXT_RUN_ID ", ?, ?, ?, ?, ?, ?, ?, coalesce(?, '{}'), ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, r->pipeline_id) || bind_text(st, 2, r->name) ||
	    bind_text(st, 3, r->status) || bind_i64(st, 4, r->started_ms) ||
	    bind_id(st, 5, r->ended_ms) ||
	    bind_i64(st, 6, r->ended_ms ? r->ended_ms : r->started_ms) ||
	    bind_text(st, 7, r->spec_path) || bind_text(st, 8, r->params_json) ||
	    bind_id(st, 9, r->spec_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the run", err);
	if (store_run_stmt(s, st, "cannot record the run", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_bulk_step_run(struct store *s, const struct store_bulk_step *b,
			int64_t *id, struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO step_runs (run_id, name, status, position, attempts, "
		"max_attempts, started_ms, ended_ms) VALUES (?, ?, ?, ?, 1, 1, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, b->run_id) || bind_text(st, 2, b->name) ||
	    bind_text(st, 3, b->status) || sqlite3_bind_int(st, 4, b->position) ||
	    bind_id(st, 5, b->started_ms) || bind_id(st, 6, b->ended_ms))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step", err);
	if (store_run_stmt(s, st, "cannot record the step", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_bulk_metric(struct store *s, const struct store_bulk_step *b,
		      const char *key, int has_index, int64_t index,
		      double value, int64_t at_ms, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, store_sql_metric_insert, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, b->id) || bind_i64(st, 2, b->run_id) ||
	    bind_text(st, 3, key) ||
	    (has_index ? bind_i64(st, 4, index) : sqlite3_bind_null(st, 4)) ||
	    sqlite3_bind_double(st, 5, value) || bind_i64(st, 6, at_ms))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the metric", err);
	return store_run_stmt(s, st, "cannot record the metric", err);
}

int store_bulk_summary(struct store *s, const struct store_bulk_step *b,
		       const struct store_metric *m, struct rl_err *err)
{
	struct metric_summary sum = {
		.value = m->value, .min = m->min, .max = m->max, .count = m->count,
		.is_series = m->is_series, .has_last = m->is_series,
		.last_idx = m->count - 1,
	};
	return store_write_summary(s, b->run_id, b->id, b->name, m->key, &sum, err);
}

int store_bulk_finish(struct store *s, struct rl_err *err)
{
	static const char sql[] =
		"UPDATE pipelines SET "
		"  run_count = (SELECT count(*) FROM runs r WHERE r.pipeline_id = pipelines.id), "
		"  completed_count = (SELECT count(*) FROM runs r "
		"    WHERE r.pipeline_id = pipelines.id AND r.status = 'completed'), "
		"  failed_count = (SELECT count(*) FROM runs r WHERE r.pipeline_id = pipelines.id "
		"    AND r.status IN ('failed', 'interrupted')), "
		"  last_run_id = (SELECT id FROM runs r WHERE r.pipeline_id = pipelines.id "
		"    ORDER BY r.started_ms DESC, r.id DESC LIMIT 1)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	return st ? store_run_stmt(s, st, "cannot count runs", err) : -1;
}

int store_bench_raw_metrics(struct store *s, const struct store_bulk_step *b,
			    int n, struct rl_err *err)
{
	/* the floor: one prepared INSERT per row, one transaction, nothing else */
	static const char *const keys[] = { "loss", "acc", "lr", "grad_norm" };
	if (store_begin(s, err) < 0)
		return -1;
	sqlite3_stmt *st = store_stmt(s, store_sql_metric_insert, err);
	int rc = st ? 0 : -1;
	for (int i = 0; rc == 0 && i < n; i++) {
		if (bind_i64(st, 1, b->id) || bind_i64(st, 2, b->run_id) ||
		    sqlite3_bind_text(st, 3, keys[i % 4], -1, SQLITE_STATIC) ||
		    bind_i64(st, 4, i / 4) || sqlite3_bind_double(st, 5, 1.0 / (i + 1)) ||
		    bind_i64(st, 6, 1700000000000 + i))
			rc = store_fail(s, sqlite3_errcode(s->db), "cannot record the metric", err);
		else
			rc = store_run_stmt(s, st, "cannot record the metric", err);
	}
	if (rc == 0)
		return store_commit(s, err) < 0 ? (store_rollback(s), -1) : 0;
	store_rollback(s);
	return -1;
}
