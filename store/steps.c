/* store/steps.c — step runs and their attempts. */
#include "config.h"
#include "store/internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define STEP_COLS                                                           \
	"id, run_id, name, status, position, attempts, max_attempts, "      \
	"started_ms, ended_ms, error, cache_key, cached_from, config_json, " \
	"params_json, tags_json, context_json, state_writes, decision, "    \
	"retry_at_ms "                                                       \
	"FROM step_runs "

static void read_step(sqlite3_stmt *st, struct store_step_run *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->run_id = sqlite3_column_int64(st, 1);
	r->name = col_text_or(st, 2, "");
	r->status = col_text_or(st, 3, "");
	r->position = col_int(st, 4, INT_MIN, INT_MAX);
	r->attempts = col_int(st, 5, 0, INT_MAX);
	r->max_attempts = col_int(st, 6, 1, INT_MAX);
	r->started_ms = col_ms(st, 7);
	r->ended_ms = col_ms(st, 8);
	r->error = col_text(st, 9);
	r->cache_key = col_text(st, 10);
	r->cached_from = sqlite3_column_int64(st, 11);
	r->config_json = col_text(st, 12);
	r->params_json = col_text(st, 13);
	r->tags_json = col_text(st, 14);
	r->context_json = col_text(st, 15);
	r->state_writes = col_text(st, 16);
	r->decision = col_text(st, 17);
	r->retry_at_ms = sqlite3_column_type(st, 18) == SQLITE_NULL ? 0 : col_ms(st, 18);
}

int store_step_run_create(struct store *s, int64_t run_id, const char *name,
			  int position, int max_attempts,
			  const char *config_json, int64_t *id,
			  struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO step_runs (run_id, name, status, position, max_attempts, "
		"config_json) VALUES (?, ?, 'pending', ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_text(st, 2, name) ||
	    sqlite3_bind_int(st, 3, position) || sqlite3_bind_int(st, 4, max_attempts) ||
	    bind_text(st, 5, config_json))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step", err);
	if (store_run_stmt(s, st, "cannot record the step", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_step_run_update(struct store *s, int64_t id, const char *status,
			  int64_t started_ms, int64_t ended_ms,
			  const char *error, struct rl_err *err)
{
	static const char sql[] =
		"UPDATE step_runs SET status = ?2, "
		"started_ms = coalesce(?3, started_ms), ended_ms = coalesce(?4, ended_ms), "
		"error = CASE WHEN ?5 = '' THEN NULL ELSE coalesce(?5, error) END WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id) || bind_text(st, 2, status) || bind_id(st, 3, started_ms) ||
	    bind_id(st, 4, ended_ms) || bind_text(st, 5, error))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step", err);
	return store_run_stmt(s, st, "cannot record the step", err);
}

int store_step_run_set_cache(struct store *s, int64_t id, const char *cache_key,
			     const char *parts_json, int64_t cached_from,
			     struct rl_err *err)
{
	static const char sql[] =
		"UPDATE step_runs SET cache_key = ?2, cached_from = ?3, cache_parts = ?4 "
		"WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id) || bind_text(st, 2, cache_key) ||
	    bind_id(st, 3, cached_from) || bind_text(st, 4, parts_json))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the cache key", err);
	return store_run_stmt(s, st, "cannot record the cache key", err);
}

int store_step_run_set_decided(struct store *s, int64_t id, const char *cache_key,
			       const char *parts_json, int64_t cached_from, const char *why,
			       struct rl_err *err)
{
	static const char sql[] =
		"UPDATE step_runs SET cache_key = ?2, cached_from = ?3, cache_parts = ?4, "
		"decision = ?5 WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id) || bind_text(st, 2, cache_key) ||
	    bind_id(st, 3, cached_from) || bind_text(st, 4, parts_json) || bind_text(st, 5, why))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the cache key", err);
	return store_run_stmt(s, st, "cannot record the cache key", err);
}

static int tag_rows(struct store *s, int64_t id, const char *tags_json, struct rl_err *err)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO step_tags (run_id, step, tag) "
		"SELECT sr.run_id, sr.name, j.value FROM step_runs sr, json_each(?2) j "
		"WHERE sr.id = ?1 AND j.type = 'text'";
	if (!tags_json)
		return 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id) || bind_text(st, 2, tags_json))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step's tags", err);
	return store_run_stmt(s, st, "cannot record the step's tags", err);
}

int store_step_run_create_given(struct store *s, int64_t run_id, const char *name,
				int position, int max_attempts, const char *config_json,
				const char *params_json, const char *tags_json,
				const char *context_json, int64_t *id, struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO step_runs (run_id, name, status, position, max_attempts, "
		"config_json, params_json, tags_json, context_json) "
		"VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_text(st, 2, name) ||
	    sqlite3_bind_int(st, 3, position) || sqlite3_bind_int(st, 4, max_attempts) ||
	    bind_text(st, 5, config_json) || bind_text(st, 6, params_json) ||
	    bind_text(st, 7, tags_json) || bind_text(st, 8, context_json))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step", err);
	if (store_run_stmt(s, st, "cannot record the step", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return tag_rows(s, *id, tags_json, err);
}

int store_step_run_set_given(struct store *s, int64_t id, const char *params_json,
			     const char *tags_json, const char *context_json,
			     struct rl_err *err)
{
	static const char sql[] =
		"UPDATE step_runs SET params_json = ?2, tags_json = ?3, context_json = ?4 "
		"WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id) || bind_text(st, 2, params_json) || bind_text(st, 3, tags_json) ||
	    bind_text(st, 4, context_json))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step", err);
	if (store_run_stmt(s, st, "cannot record the step", err) < 0)
		return -1;
	return tag_rows(s, id, tags_json, err);
}

/* UPDATE step_runs SET COLUMN = TEXT WHERE id = ID, for SQL of that shape. */
static int set_text(struct store *s, const char *sql, int64_t id, const char *text,
		    struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id) || bind_text(st, 2, text))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step", err);
	return store_run_stmt(s, st, "cannot record the step", err);
}

int store_step_run_set_state_writes(struct store *s, int64_t id, const char *json,
				    struct rl_err *err)
{
	static const char sql[] = "UPDATE step_runs SET state_writes = ?2 WHERE id = ?1";
	return set_text(s, sql, id, json, err);
}

int store_step_run_set_context(struct store *s, int64_t id, const char *json,
			       struct rl_err *err)
{
	static const char sql[] = "UPDATE step_runs SET context_json = ?2 WHERE id = ?1";
	return set_text(s, sql, id, json, err);
}

int store_step_run_set_decision(struct store *s, int64_t id, const char *why,
				struct rl_err *err)
{
	static const char sql[] = "UPDATE step_runs SET decision = ?2 WHERE id = ?1";
	return set_text(s, sql, id, why, err);
}

int store_step_run_set_retry_at(struct store *s, int64_t id, int64_t at_ms,
				struct rl_err *err)
{
	static const char sql[] = "UPDATE step_runs SET retry_at_ms = ?2 WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id) || bind_id(st, 2, at_ms))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the step", err);
	return store_run_stmt(s, st, "cannot record the step", err);
}

int store_cache_candidates(struct store *s, int64_t pipeline_id, const char *step,
			   const char *cache_key, int64_t *ids, int max, int *n,
			   struct rl_err *err)
{
	static const char sql[] =
		"SELECT sr.id FROM step_runs sr JOIN runs r ON r.id = sr.run_id "
		"WHERE sr.name = ?1 AND sr.cache_key = ?2 AND r.pipeline_id = ?3 "
		"AND sr.status IN ('completed', 'cached') ORDER BY sr.id DESC LIMIT ?4";
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, step) || bind_text(st, 2, cache_key) ||
	    bind_i64(st, 3, pipeline_id) || sqlite3_bind_int(st, 4, max))
		return store_fail(s, sqlite3_errcode(s->db), "cannot look up the cache", err);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW
		       ? 0
		       : store_fail(s, rc, "cannot look up the cache", err);
}

int store_cache_previous(struct store *s, int64_t pipeline_id, const char *step,
			 int64_t before, int64_t *id, char **parts_json,
			 struct rl_err *err)
{
	static const char sql[] =
		"SELECT sr.id, sr.cache_parts FROM step_runs sr JOIN runs r ON r.id = sr.run_id "
		"WHERE sr.name = ?1 AND r.pipeline_id = ?2 AND sr.id < ?3 "
		"AND sr.cache_parts IS NOT NULL ORDER BY sr.id DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, step) || bind_i64(st, 2, pipeline_id) ||
	    bind_i64(st, 3, before ? before : INT64_MAX))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read step runs", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*parts_json = col_text(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no earlier run of step '%s'", step);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read step runs", err);
}

int store_cache_recent(struct store *s, int64_t pipeline_id, const char *step, int64_t before,
		       int max, struct store_key_parts **rows, int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT sr.id, sr.cache_parts FROM step_runs sr JOIN runs r ON r.id = sr.run_id "
		"WHERE sr.name = ?1 AND r.pipeline_id = ?2 AND sr.id < ?3 "
		"AND sr.cache_parts IS NOT NULL ORDER BY sr.id DESC LIMIT ?4";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, step) || bind_i64(st, 2, pipeline_id) ||
	    bind_i64(st, 3, before ? before : INT64_MAX) || sqlite3_bind_int(st, 4, max))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read step runs", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_key_parts *k = grow_rows((void **)rows, n, &cap, sizeof(*k));
		if (!k) {
			rc = SQLITE_NOMEM;
			break;
		}
		k->id = sqlite3_column_int64(st, 0);
		k->parts_json = col_text(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_key_parts_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read step runs", err);
	}
	return 0;
}

void store_key_parts_free(struct store_key_parts *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		free(rows[i].parts_json);
	free(rows);
}

int store_cache_parts(struct store *s, int64_t step_run_id, char **parts_json,
		      struct rl_err *err)
{
	static const char sql[] = "SELECT cache_parts FROM step_runs WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the step", err);
	int rc = sqlite3_step(st);
	*parts_json = rc == SQLITE_ROW ? col_text(st, 0) : NULL;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no step run %lld",
				  (long long)step_run_id);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read the step", err);
}

static int copy_results(struct store *s, int64_t dst, int64_t src,
			struct rl_err *err)
{
	static const char outs[] =
		"INSERT OR REPLACE INTO step_outputs (step_run_id, name, artifact_id) "
		"SELECT ?1, name, artifact_id FROM step_outputs WHERE step_run_id = ?2";
	static const char meta[] =
		"INSERT OR REPLACE INTO metadata (step_run_id, output, key, value_json) "
		"SELECT ?1, output, key, value_json FROM metadata WHERE step_run_id = ?2";
	static const char mets[] =
		"INSERT INTO metrics (step_run_id, run_id, key, idx, value, at_ms) "
		"SELECT ?1, (SELECT run_id FROM step_runs WHERE id = ?1), key, idx, value, at_ms "
		"FROM metrics WHERE step_run_id = ?2 ORDER BY id";
	static const char sums[] =
		"INSERT OR REPLACE INTO run_metrics (run_id, step_run_id, step, key, value, "
		"min, max, count, is_series, last_idx) "
		"SELECT (SELECT run_id FROM step_runs WHERE id = ?1), ?1, step, key, value, "
		"min, max, count, is_series, last_idx FROM run_metrics WHERE step_run_id = ?2";
	static const char state[] =
		"UPDATE step_runs SET state_writes = "
		"(SELECT state_writes FROM step_runs WHERE id = ?2) WHERE id = ?1";
	const char *const sqls[] = { outs, meta, mets, sums, state };
	for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
		sqlite3_stmt *st = store_stmt(s, sqls[i], err);
		if (!st)
			return -1;
		if (bind_i64(st, 1, dst) || bind_i64(st, 2, src))
			return store_fail(s, sqlite3_errcode(s->db), "cannot copy results", err);
		if (store_run_stmt(s, st, "cannot copy results", err) < 0)
			return -1;
	}
	return 0;
}

int store_step_run_copy_results(struct store *s, int64_t dst, int64_t src,
				struct rl_err *err)
{
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	return store_unit_end(s, nested, copy_results(s, dst, src, err), err);
}

int store_step_runs_of_run(struct store *s, int64_t run_id,
			   struct store_step_run **rows, int *n,
			   struct rl_err *err)
{
	static const char sql[] = "SELECT " STEP_COLS "WHERE run_id = ? ORDER BY position";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read steps", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_step_run *r = grow_rows((void **)rows, n, &cap, sizeof(*r));
		if (!r) {
			rc = SQLITE_NOMEM;
			break;
		}
		read_step(st, r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_step_runs_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read steps", err);
	}
	return 0;
}

static int get_step(struct store *s, const char *sql, int64_t a, const char *name,
		    struct store_step_run *out, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, a) || (name && bind_text(st, 2, name)))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the step", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		read_step(st, out);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no step '%s'", name ? name : "?");
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read the step", err);
}

int store_step_run_get(struct store *s, int64_t run_id, const char *name,
		       struct store_step_run *out, struct rl_err *err)
{
	static const char sql[] = "SELECT " STEP_COLS "WHERE run_id = ? AND name = ?";
	return get_step(s, sql, run_id, name ? name : "", out, err);
}

int store_step_run_get_by_id(struct store *s, int64_t id,
			     struct store_step_run *out, struct rl_err *err)
{
	static const char sql[] = "SELECT " STEP_COLS "WHERE id = ?";
	return get_step(s, sql, id, NULL, out, err);
}

void store_step_run_clear(struct store_step_run *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->status);
	free(r->params_json);
	free(r->tags_json);
	free(r->context_json);
	free(r->state_writes);
	free(r->decision);
	free(r->error);
	free(r->cache_key);
	free(r->config_json);
	memset(r, 0, sizeof *r);
}

void store_step_runs_free(struct store_step_run *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		store_step_run_clear(&rows[i]);
	free(rows);
}

static int attempt_create(struct store *s, int64_t step_run_id, int number,
			  int64_t started_ms, const char *stdout_path,
			  const char *stderr_path, const char *context_json,
			  int64_t *id, struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO attempts (step_run_id, number, status, started_ms, "
		"stdout_path, stderr_path, context_id) VALUES (?, ?, 'running', ?, ?, ?, ?)";
	static const char bump[] =
		"UPDATE step_runs SET attempts = max(attempts, ?2) WHERE id = ?1";
	int64_t ctx = 0;
	if (context_json && store_context_add(s, context_json, &ctx, err) < 0)
		return -1;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id) || sqlite3_bind_int(st, 2, number) ||
	    bind_i64(st, 3, started_ms) || bind_kept_path(s, st, 4, stdout_path) ||
	    bind_kept_path(s, st, 5, stderr_path) || bind_id(st, 6, ctx))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the attempt", err);
	if (store_run_stmt(s, st, "cannot record the attempt", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	st = store_stmt(s, bump, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id) || sqlite3_bind_int(st, 2, number))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the attempt", err);
	return store_run_stmt(s, st, "cannot record the attempt", err);
}

int store_attempt_create(struct store *s, int64_t step_run_id, int number,
			 int64_t started_ms, const char *stdout_path,
			 const char *stderr_path, const char *context_json,
			 int64_t *id, struct rl_err *err)
{
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	int rc = attempt_create(s, step_run_id, number, started_ms, stdout_path,
				stderr_path, context_json, id, err);
	return store_unit_end(s, nested, rc, err);
}

int store_attempt_finish(struct store *s, int64_t attempt_id, const char *status,
			 int64_t ended_ms, int exit_code, int signal,
			 int timed_out, const char *error, struct rl_err *err)
{
	static const char sql[] =
		"UPDATE attempts SET status = ?2, ended_ms = ?3, exit_code = ?4, "
		"signal = ?5, timed_out = ?6, error = ?7 WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	int brc = bind_i64(st, 1, attempt_id) || bind_text(st, 2, status) ||
		  bind_i64(st, 3, ended_ms) ||
		  (exit_code >= 0 ? sqlite3_bind_int(st, 4, exit_code)
				  : sqlite3_bind_null(st, 4)) ||
		  (signal ? sqlite3_bind_int(st, 5, signal) : sqlite3_bind_null(st, 5)) ||
		  sqlite3_bind_int(st, 6, timed_out ? 1 : 0) || bind_text(st, 7, error);
	if (brc)
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the attempt", err);
	return store_run_stmt(s, st, "cannot record the attempt", err);
}

int store_attempts_of(struct store *s, int64_t step_run_id,
		      struct store_attempt **rows, int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT id, step_run_id, number, status, started_ms, ended_ms, "
		"exit_code, signal, timed_out, stdout_path, stderr_path, error, "
		"context_json, context_id FROM attempts WHERE step_run_id = ? ORDER BY number";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read attempts", err);
	int rc, cap = 0, failed = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_attempt *a = grow_rows((void **)rows, n, &cap, sizeof(*a));
		if (!a) {
			rc = SQLITE_NOMEM;
			break;
		}
		a->id = sqlite3_column_int64(st, 0);
		a->step_run_id = sqlite3_column_int64(st, 1);
		a->number = col_int(st, 2, INT_MIN, INT_MAX);
		a->status = col_text_or(st, 3, "");
		a->started_ms = col_ms(st, 4);
		a->ended_ms = col_ms(st, 5);
		a->exit_code = sqlite3_column_type(st, 6) == SQLITE_NULL
				       ? -1
				       : col_int(st, 6, -1, 255);
		a->signal = col_int(st, 7, 0, 255);
		a->timed_out = col_int(st, 8, 0, 1);
		a->stdout_path = col_kept_path(s, st, 9, NULL);
		a->stderr_path = col_kept_path(s, st, 10, NULL);
		a->error = col_text(st, 11);
		a->context_json = col_text(st, 12);
		/* schema 5 keeps the context apart (store/contexts.c); rows
		 * written before, in the row */
		if (!a->context_json && sqlite3_column_type(st, 13) != SQLITE_NULL &&
		    store_context_text(s, sqlite3_column_int64(st, 13), &a->context_json,
				       err) < 0) {
			failed = 1;
			break;
		}
	}
	sqlite3_reset(st);
	if (failed || rc != SQLITE_DONE) {
		store_attempts_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return failed ? -1 : store_fail(s, rc, "cannot read attempts", err);
	}
	return 0;
}

void store_attempt_clear(struct store_attempt *a)
{
	if (!a)
		return;
	free(a->status);
	free(a->stdout_path);
	free(a->stderr_path);
	free(a->error);
	free(a->context_json);
	memset(a, 0, sizeof *a);
}

void store_attempts_free(struct store_attempt *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		store_attempt_clear(&rows[i]);
	free(rows);
}
