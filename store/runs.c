/* store/runs.c — runs: creation, status, heartbeat, tags, params, notes,
 * lookups and keyset-paged listing. */
#include "config.h"
#include "store/internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define RUN_COLS STORE_RUN_COLS

static int cmp_tag(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tag_list column (migration 3: each tag as BYTES:TAG) into R's tags,
 * sorted.  A list it cannot read (a damaged row) ends where it stops
 * making sense. */
static int decode_tags(const char *p, int len, struct store_run *r)
{
	const char *end = p ? p + len : NULL;
	int cap = 0;
	while (p && p < end) {
		size_t n = 0;
		const char *q = p;
		while (q < end && *q >= '0' && *q <= '9' && n < ((size_t)1 << 40))
			n = n * 10 + (size_t)(*q++ - '0');
		if (q == p || q >= end || *q != ':' || n > (size_t)(end - q - 1))
			break;
		char **slot = grow_rows((void **)&r->tags, &r->ntags, &cap, sizeof(char *));
		if (!slot || !(*slot = strndup(q + 1, n))) {
			if (slot)
				r->ntags--;
			return -1;
		}
		p = q + 1 + n;
	}
	if (r->ntags > 1)
		qsort(r->tags, (size_t)r->ntags, sizeof(char *), cmp_tag);
	return 0;
}

int store_read_run(sqlite3_stmt *st, struct store_run *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->pipeline_id = sqlite3_column_int64(st, 1);
	r->pipeline = col_text_or(st, 2, "");
	r->name = col_text_or(st, 3, "");
	r->status = col_text_or(st, 4, "");
	r->started_ms = col_ms(st, 5);
	r->at = (struct store_run_cursor){ sqlite3_column_int64(st, 5), r->id };
	r->ended_ms = col_ms(st, 6);
	r->heartbeat_ms = col_ms(st, 7);
	r->spec_path = col_text(st, 8);
	r->params_json = col_text_or(st, 9, "{}");
	r->rerun_of = sqlite3_column_int64(st, 10);
	r->stack = col_text(st, 11);
	r->model_name = col_text(st, 12);
	r->model_version = col_text(st, 13);
	r->state_json = col_text_or(st, 14, "{}");
	r->context_json = col_text(st, 15);
	r->runner_pid = col_int(st, 16, 0, INT_MAX);
	r->runner_host = col_text(st, 17);
	r->runner_token = col_text(st, 18);
	r->note = col_text(st, 19);
	r->rerun_of_name = col_text(st, 21);
	r->git_commit = col_text(st, 22);
	r->git_dirty = sqlite3_column_type(st, 23) == SQLITE_NULL ? -1
		       : sqlite3_column_int64(st, 23) != 0;
	const char *tags = (const char *)sqlite3_column_text(st, 20);
	if (decode_tags(tags, sqlite3_column_bytes(st, 20), r) < 0) {
		store_run_clear(r);
		return -1;
	}
	return 0;
}

static int status_of(struct store *s, int64_t run_id, char **status,
		     int64_t *pipeline_id, struct rl_err *err)
{
	static const char sql[] = "SELECT status, pipeline_id FROM runs WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the run", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*status = col_text_or(st, 0, "");
		*pipeline_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no run %lld", (long long)run_id);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read the run", err);
}

static int run_create(struct store *s, const struct store_run_new *r,
		      int64_t *id, struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO runs (id, pipeline_id, name, status, started_ms, heartbeat_ms, "
		"spec_path, spec_id, params_json, rerun_of, runner_pid, runner_host, "
		"runner_token, stack, model_name, model_version, state_json, context_json, "
		"rerun_of_id, rerun_of_name) "
		"VALUES (" STORE_NEXT_RUN_ID ", ?, ?, ?, ?, ?, ?, ?, coalesce(?, '{}'), ?, ?, ?, ?, "
		"?, ?, ?, coalesce(?, '{}'), ?, ?9, (SELECT name FROM runs WHERE id = ?9))";
	static const char count[] =
		"UPDATE pipelines SET run_count = run_count + 1, last_run_id = ? WHERE id = ?";
	int64_t spec_id = 0;
	if (r->spec_json && store_spec_add(s, r->spec_json, &spec_id, err) < 0)
		return -1;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, r->pipeline_id) || bind_text(st, 2, r->name) ||
	    bind_text(st, 3, r->status ? r->status : "running") ||
	    bind_i64(st, 4, r->started_ms) || bind_i64(st, 5, r->started_ms) ||
	    bind_text(st, 6, r->spec_path) || bind_id(st, 7, spec_id) ||
	    bind_text(st, 8, r->params_json) || bind_id(st, 9, r->rerun_of) ||
	    sqlite3_bind_int(st, 10, r->runner_pid) || bind_text(st, 11, r->runner_host) ||
	    bind_text(st, 12, r->runner_token) || bind_text(st, 13, r->stack) ||
	    bind_text(st, 14, r->model_name) || bind_text(st, 15, r->model_version) ||
	    bind_text(st, 16, r->state_json) || bind_text(st, 17, r->context_json))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the run", err);
	if (store_run_stmt(s, st, "cannot record the run", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	st = store_stmt(s, count, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, *id) || bind_i64(st, 2, r->pipeline_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot count runs", err);
	if (store_run_stmt(s, st, "cannot count runs", err) < 0)
		return -1;
	return store_pipeline_count(s, r->pipeline_id, NULL,
				    r->status ? r->status : "running", err);
}

int store_run_create(struct store *s, const struct store_run_new *r,
		     int64_t *id, struct rl_err *err)
{
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	return store_unit_end(s, nested, run_create(s, r, id, err), err);
}

static int run_exec2(struct store *s, const char *sql, int64_t run_id,
		     const char *a, const char *b, const char *what,
		     struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_text(st, 2, a) || (b && bind_text(st, 3, b)))
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	return store_run_stmt(s, st, what, err);
}

int store_run_add_tag(struct store *s, int64_t run_id, const char *tag,
		      struct rl_err *err)
{
	static const char sql[] = "INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)";
	return run_exec2(s, sql, run_id, tag, NULL, "cannot tag the run", err);
}

int store_run_add_param(struct store *s, int64_t run_id, const char *key,
			const char *value_json, struct rl_err *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO run_params (run_id, key, value_json, value) "
		"VALUES (?1, ?2, ?3, json_extract(?3, '$'))";
	return run_exec2(s, sql, run_id, key, value_json, "cannot record a param", err);
}

int store_run_add_note(struct store *s, int64_t run_id, const char *text,
		       int64_t at_ms, struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO notes (run_id, text, created_ms) VALUES (?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_text(st, 2, text) || bind_i64(st, 3, at_ms))
		return store_fail(s, sqlite3_errcode(s->db), "cannot add the note", err);
	return store_run_stmt(s, st, "cannot add the note", err);
}

int store_run_remove_tag(struct store *s, int64_t run_id, const char *tag, int *removed,
			 struct rl_err *err)
{
	static const char sql[] = "DELETE FROM run_tags WHERE run_id = ? AND tag = ?";
	if (run_exec2(s, sql, run_id, tag, NULL, "cannot untag the run", err) < 0)
		return -1;
	if (removed)
		*removed = sqlite3_changes(s->db) > 0;
	return 0;
}

int store_notes_of(struct store *s, int64_t run_id, struct store_note **rows, int *n,
		   struct rl_err *err)
{
	static const char sql[] =
		"SELECT created_ms, text FROM notes WHERE run_id = ? ORDER BY id";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the notes", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_note *k = grow_rows((void **)rows, n, &cap, sizeof(*k));
		if (!k) {
			rc = SQLITE_NOMEM;
			break;
		}
		k->created_ms = sqlite3_column_int64(st, 0);
		k->text = col_text(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_notes_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read the notes", err);
	}
	return 0;
}

void store_notes_free(struct store_note *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		free(rows[i].text);
	free(rows);
}

static int run_finish(struct store *s, int64_t run_id, const char *status,
		      int64_t ended_ms, struct rl_err *err)
{
	static const char sql[] = "UPDATE runs SET status = ?, ended_ms = ? WHERE id = ?";
	char *old = NULL;
	int64_t pid = 0;
	if (status_of(s, run_id, &old, &pid, err) < 0)
		return -1;
	int rc = -1;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		goto cleanup;
	if (bind_text(st, 1, status) || bind_id(st, 2, ended_ms) || bind_i64(st, 3, run_id)) {
		store_fail(s, sqlite3_errcode(s->db), "cannot record the run", err);
		goto cleanup;
	}
	if (store_run_stmt(s, st, "cannot record the run", err) < 0 ||
	    store_pipeline_count(s, pid, old, status, err) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(old);
	return rc;
}

int store_run_finish(struct store *s, int64_t run_id, const char *status,
		     int64_t ended_ms, struct rl_err *err)
{
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	int rc = run_finish(s, run_id, status, ended_ms, err);
	return store_unit_end(s, nested, rc, err);
}

int store_run_heartbeat(struct store *s, int64_t run_id, int64_t now_ms,
			struct rl_err *err)
{
	static const char sql[] = "UPDATE runs SET heartbeat_ms = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, now_ms) || bind_i64(st, 2, run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record a heartbeat", err);
	return store_run_stmt(s, st, "cannot record a heartbeat", err);
}

int store_run_set_baseline_given(struct store *s, int64_t run_id, int64_t baseline_id,
				 const char *by, const char *rule, struct rl_err *err)
{
	static const char sql[] = "UPDATE runs SET baseline_given = ?2, baseline_given_by = ?3, "
				  "baseline_given_rule = ?4 WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_i64(st, 2, baseline_id) || bind_text(st, 3, by) ||
	    bind_text(st, 4, rule))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the baseline", err);
	return store_run_stmt(s, st, "cannot record the baseline", err);
}

int store_run_baseline_given(struct store *s, int64_t run_id, int64_t *given, int *recorded,
			     char **by, char **rule, struct rl_err *err)
{
	/* and whether that run is still there, in the same look (the
	 * browser asks for every row it draws) */
	static const char sql[] = "SELECT r.baseline_given, r.baseline_given_by, "
				  "r.baseline_given_rule, r.baseline_given = 0 OR EXISTS "
				  "(SELECT 1 FROM runs b WHERE b.id = r.baseline_given) "
				  "FROM runs r WHERE r.id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	*given = 0;
	*recorded = 0;
	if (by)
		*by = NULL;
	if (rule)
		*rule = NULL;
	if (!st)
		return -1;
	int rc;
	if (bind_i64(st, 1, run_id))
		rc = store_fail(s, sqlite3_errcode(s->db), "cannot read the run", err);
	else if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*recorded = sqlite3_column_type(st, 0) != SQLITE_NULL &&
			    sqlite3_column_int(st, 3) != 0;
		*given = sqlite3_column_int64(st, 0);
		if (by)
			*by = col_text(st, 1);
		if (rule)
			*rule = col_text(st, 2);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE
			     ? rl_err_set(err, RL_E_NOT_FOUND, "no run %lld", (long long)run_id)
			     : store_fail(s, rc, "cannot read the run", err);
	}
	sqlite3_reset(st);
	return rc;
}

int store_run_set_state(struct store *s, int64_t run_id, const char *state_json,
			struct rl_err *err)
{
	static const char sql[] = "UPDATE runs SET state_json = ?2 WHERE id = ?1";
	return run_exec2(s, sql, run_id, state_json ? state_json : "{}", NULL,
			 "cannot record the run state", err);
}

int store_run_set_context(struct store *s, int64_t run_id, const char *context_json,
			  struct rl_err *err)
{
	static const char sql[] = "UPDATE runs SET context_json = ?2, git_commit = "
		STORE_GIT_COMMIT_OF("?2") ", git_dirty = " STORE_GIT_DIRTY_OF("?2")
		" WHERE id = ?1";
	return run_exec2(s, sql, run_id, context_json, NULL, "cannot record the run's context",
			 err);
}

/* The run's last sign of life: ENDED_MS, or a step's or an attempt's
 * start or end recorded after it (by step_runs_by_run). */
static int last_seen(struct store *s, int64_t run_id, int64_t *ended_ms, struct rl_err *err)
{
	static const char sql[] =
		"SELECT max(?2, coalesce((SELECT max(max(coalesce(started_ms, 0), "
		"coalesce(ended_ms, 0))) FROM step_runs WHERE run_id = ?1), 0), "
		"coalesce((SELECT max(max(coalesce(a.started_ms, 0), coalesce(a.ended_ms, 0))) "
		"FROM attempts a JOIN step_runs sr ON sr.id = a.step_run_id "
		"WHERE sr.run_id = ?1), 0))";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	int rc;
	if (bind_i64(st, 1, run_id) || bind_i64(st, 2, *ended_ms))
		rc = store_fail(s, sqlite3_errcode(s->db), "cannot read the run", err);
	else if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ended_ms = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		rc = store_fail(s, rc, "cannot read the run", err);
	}
	sqlite3_reset(st);
	return rc;
}

static int mark_interrupted(struct store *s, int64_t run_id, int64_t ended_ms,
			    struct rl_err *err)
{
	/* each ends when the run was last seen, never before it started */
	static const char att[] =
		"UPDATE attempts SET status = 'interrupted', "
		"ended_ms = max(?2, coalesce(started_ms, ?2)) "
		"WHERE status = 'running' AND step_run_id IN "
		"(SELECT id FROM step_runs WHERE run_id = ?1)";
	static const char steps[] =
		"UPDATE step_runs SET status = 'interrupted', "
		"ended_ms = max(?2, coalesce(started_ms, ?2)) "
		"WHERE run_id = ?1 AND status IN ('pending', 'running', 'retrying')";
	char *old = NULL;
	int64_t pid = 0;
	if (status_of(s, run_id, &old, &pid, err) < 0)
		return -1;
	int running = old && strcmp(old, "running") == 0;
	free(old);
	if (!running)
		return 0;
	if (last_seen(s, run_id, &ended_ms, err) < 0)
		return -1;
	const char *const sqls[] = { att, steps };
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = store_stmt(s, sqls[i], err);
		if (!st)
			return -1;
		if (bind_i64(st, 1, run_id) || bind_i64(st, 2, ended_ms))
			return store_fail(s, sqlite3_errcode(s->db), "cannot mark the run", err);
		if (store_run_stmt(s, st, "cannot mark the run interrupted", err) < 0)
			return -1;
	}
	return run_finish(s, run_id, "interrupted", ended_ms, err);
}

int store_run_mark_interrupted(struct store *s, int64_t run_id, int64_t ended_ms,
			       struct rl_err *err)
{
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	/* the status is read under the write lock, so two processes reaping
	 * the same dead run count it once */
	int rc = mark_interrupted(s, run_id, ended_ms, err);
	return store_unit_end(s, nested, rc, err);
}

int store_run_get(struct store *s, int64_t id, struct store_run *out,
		  struct rl_err *err)
{
	static const char sql[] = "SELECT " RUN_COLS ", coalesce(r.spec_json, "
				  "(SELECT text FROM specs WHERE id = r.spec_id)) FROM runs r "
				  "JOIN pipelines p ON p.id = r.pipeline_id WHERE r.id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the run", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (store_read_run(st, out) < 0)
			rc = SQLITE_NOMEM;
		else
			out->spec_json = col_text(st, 24);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no run %lld", (long long)id);
	if (rc == SQLITE_NOMEM)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read the run", err);
	return 0;
}

static int one_id(struct store *s, const char *sql, const char *text,
		  int64_t a, int64_t b, int64_t c, int64_t *id, const char *what,
		  struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	int brc = text ? bind_text(st, 1, text) : bind_i64(st, 1, a);
	if (!text && brc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 2)
		brc = bind_i64(st, 2, b);
	if (!text && brc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 3)
		brc = bind_i64(st, 3, c);
	if (brc != SQLITE_OK)
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "%s", what);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, what, err);
}

int store_spec_add(struct store *s, const char *text, int64_t *id,
		   struct rl_err *err)
{
	/* found by the hash of its text (then compared whole): an index on
	 * the text itself would hold it twice */
	static const char get[] =
		"SELECT id FROM specs WHERE hash = runlens_hash63(?1) AND text = ?1 LIMIT 1";
	static const char add[] =
		"INSERT INTO specs (hash, text) VALUES (runlens_hash63(?1), ?1)";
	const char *what = "cannot record the pipeline file";
	struct rl_err e = RL_ERR_INIT;
	if (one_id(s, get, text, 0, 0, 0, id, what, &e) == 0 || e.code != RL_E_NOT_FOUND) {
		int rc = e.code == RL_E_OK ? 0 : rl_err_set(err, e.code, "%s", rl_err_msg(&e));
		rl_err_clear(&e);
		return rc;
	}
	rl_err_clear(&e);
	sqlite3_stmt *st = store_stmt(s, add, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, text))
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	if (store_run_stmt(s, st, what, err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_run_id_by_name(struct store *s, const char *name, int64_t *id,
			 struct rl_err *err)
{
	static const char sql[] = "SELECT id FROM runs WHERE name = ?";
	return one_id(s, sql, name ? name : "", 0, 0, 0, id, "no such run", err);
}

int store_run_last(struct store *s, int64_t pipeline_id, int64_t *id,
		   struct rl_err *err)
{
	static const char all[] =
		"SELECT id FROM runs ORDER BY started_ms DESC, id DESC LIMIT 1";
	static const char one[] =
		"SELECT id FROM runs WHERE pipeline_id = ? "
		"ORDER BY started_ms DESC, id DESC LIMIT 1";
	if (pipeline_id <= 0) {
		sqlite3_stmt *st = store_stmt(s, all, err);
		if (!st)
			return -1;
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return rl_err_set(err, RL_E_NOT_FOUND, "no runs yet");
		return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read runs", err);
	}
	return one_id(s, one, NULL, pipeline_id, 0, 0, id, "no runs yet", err);
}

int store_run_previous_completed(struct store *s, int64_t pipeline_id,
				 const struct store_run_cursor *before,
				 int64_t *id, struct rl_err *err)
{
	static const char sql[] =
		"SELECT id FROM runs WHERE pipeline_id = ?1 AND status = 'completed' "
		"AND (started_ms, id) < (?2, ?3) "
		"ORDER BY started_ms DESC, id DESC LIMIT 1";
	return one_id(s, sql, NULL, pipeline_id, before->started_ms, before->id, id,
		      "no earlier completed run", err);
}

static int read_runs(struct store *s, sqlite3_stmt *st,
		     int (*each)(sqlite3_stmt *st, void *ctx), void *ctx,
		     struct store_run **rows, int *n, struct rl_err *err)
{
	int rc, cap = 0;
	*rows = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_run *r = grow_rows((void **)rows, n, &cap, sizeof(*r));
		if (!r) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (store_read_run(st, r) < 0) {
			(*n)--;
			rc = SQLITE_NOMEM;
			break;
		}
		if (each && each(st, ctx) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_runs_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		if (rc == SQLITE_NOMEM)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		if (rc == SQLITE_INTERRUPT)
			return rl_err_set(err, RL_E_INTERRUPTED, "stopped");
		return store_fail(s, rc, "cannot list runs", err);
	}
	return 0;
}

int store_read_runs(struct store *s, sqlite3_stmt *st, struct store_run **rows,
		    int *n, struct rl_err *err)
{
	return store_read_runs_each(s, st, NULL, NULL, rows, n, err);
}

int store_read_runs_each(struct store *s, sqlite3_stmt *st,
			 int (*each)(sqlite3_stmt *st, void *ctx), void *ctx,
			 struct store_run **rows, int *n, struct rl_err *err)
{
	/* the rows (tags and newest note in them) from one snapshot, locked once */
	int began;
	*rows = NULL;
	*n = 0;
	if (store_read_begin(s, &began, err) < 0) {
		sqlite3_reset(st);
		return -1;
	}
	int rc = read_runs(s, st, each, ctx, rows, n, err);
	store_read_end(s, began);
	return rc;
}

int store_runs_page(struct store *s, int64_t pipeline_id,
		    const struct store_run_cursor *after, int limit,
		    struct store_run **rows, int *n, struct rl_err *err)
{
	static const char all[] =
		"SELECT " RUN_COLS "FROM runs r JOIN pipelines p ON p.id = r.pipeline_id "
		"WHERE (r.started_ms, r.id) < (?1, ?2) "
		"ORDER BY r.started_ms DESC, r.id DESC LIMIT ?3";
	static const char one[] =
		"SELECT " RUN_COLS "FROM runs r JOIN pipelines p ON p.id = r.pipeline_id "
		"WHERE r.pipeline_id = ?4 AND (r.started_ms, r.id) < (?1, ?2) "
		"ORDER BY r.started_ms DESC, r.id DESC LIMIT ?3";
	sqlite3_stmt *st = store_stmt(s, pipeline_id > 0 ? one : all, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, after ? after->started_ms : INT64_MAX) ||
	    bind_i64(st, 2, after ? after->id : INT64_MAX) ||
	    sqlite3_bind_int(st, 3, limit) ||
	    (pipeline_id > 0 && bind_i64(st, 4, pipeline_id)))
		return store_fail(s, sqlite3_errcode(s->db), "cannot list runs", err);
	return store_read_runs(s, st, rows, n, err);
}

int store_runs_running(struct store *s, struct store_run **rows, int *n,
		       struct rl_err *err)
{
	static const char sql[] =
		"SELECT " RUN_COLS "FROM runs r JOIN pipelines p ON p.id = r.pipeline_id "
		"WHERE r.status = 'running' ORDER BY r.id";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	return store_read_runs(s, st, rows, n, err);
}

static int run_delete(struct store *s, int64_t run_id, struct rl_err *err)
{
	static const char del[] = "DELETE FROM runs WHERE id = ?";
	static const char fix[] =
		"UPDATE pipelines SET run_count = run_count - 1, "
		"completed_count = completed_count - (?2 = 'completed'), "
		"failed_count = failed_count - (?2 IN ('failed', 'interrupted')), "
		"last_run_id = (SELECT id FROM runs WHERE pipeline_id = ?1 "
		"  ORDER BY started_ms DESC, id DESC LIMIT 1), "
		"pinned_run_id = CASE WHEN pinned_run_id = ?3 THEN NULL ELSE pinned_run_id END "
		"WHERE id = ?1";
	char *status = NULL;
	int64_t pid = 0;
	if (status_of(s, run_id, &status, &pid, err) < 0)
		return -1;
	int rc = -1;
	sqlite3_stmt *st = store_stmt(s, del, err);
	if (!st)
		goto cleanup;
	if (bind_i64(st, 1, run_id)) {
		store_fail(s, sqlite3_errcode(s->db), "cannot delete the run", err);
		goto cleanup;
	}
	if (store_run_stmt(s, st, "cannot delete the run", err) < 0)
		goto cleanup;
	st = store_stmt(s, fix, err);
	if (!st)
		goto cleanup;
	if (bind_i64(st, 1, pid) || bind_text(st, 2, status) || bind_i64(st, 3, run_id)) {
		store_fail(s, sqlite3_errcode(s->db), "cannot delete the run", err);
		goto cleanup;
	}
	rc = store_run_stmt(s, st, "cannot delete the run", err);
cleanup:
	free(status);
	return rc;
}

int store_run_delete(struct store *s, int64_t run_id, struct rl_err *err)
{
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	return store_unit_end(s, nested, run_delete(s, run_id, err), err);
}

int store_runs_reusing(struct store *s, int64_t run_id, int64_t **ids, int *n, int *cap,
		       struct rl_err *err)
{
	/* step_runs by run, then by cached_from (step_runs_by_cached_from) */
	static const char sql[] =
		"SELECT DISTINCT c.run_id FROM step_runs src "
		"JOIN step_runs c ON c.cached_from = src.id "
		"WHERE src.run_id = ?1 AND c.run_id <> ?1 ORDER BY c.run_id";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id)) {
		store_fail(s, sqlite3_errcode(s->db), "cannot read runs", err);
		sqlite3_reset(st);
		return -1;
	}
	return step_ids(s, st, ids, n, cap, "cannot read runs", err);
}

void store_run_clear(struct store_run *r)
{
	if (!r)
		return;
	free(r->pipeline);
	free(r->name);
	free(r->status);
	free(r->spec_path);
	free(r->spec_json);
	free(r->params_json);
	free(r->note);
	free(r->stack);
	free(r->model_name);
	free(r->model_version);
	free(r->state_json);
	free(r->context_json);
	free(r->git_commit);
	free(r->rerun_of_name);
	free(r->runner_host);
	free(r->runner_token);
	for (int i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	memset(r, 0, sizeof *r);
}

void store_runs_free(struct store_run *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		store_run_clear(&rows[i]);
	free(rows);
}
