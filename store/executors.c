/* store/executors.c — what a stack tells its executor, and what an
 * executor said of each attempt's job (schema 5, store/store.h). */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

/* Run the one-row statement SQL with TEXT and ID bound, for WHAT. */
static int set_one(struct store *s, const char *sql, const char *text, int64_t id,
		   const char *name, const char *what, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, text) || (name ? bind_text(st, 2, name) : bind_i64(st, 2, id)))
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	if (store_run_stmt(s, st, what, err) < 0)
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0
	       : rl_err_set(err, RL_E_NOT_FOUND, "%s: %s not found", what,
			    name ? "the stack" : "the attempt");
}

/* *OUT: column 0 of the one row SQL gives for NAME or ID (NULL when none
 * or NULL). */
static int get_one(struct store *s, const char *sql, const char *name, int64_t id,
		   char **out, const char *what, struct rl_err *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (name ? bind_text(st, 1, name) : bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), what, err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = col_text(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "%s: not found", what);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, what, err);
}

int store_stack_set_settings(struct store *s, const char *name, const char *settings_json,
			     struct rl_err *err)
{
	static const char sql[] =
		"UPDATE stacks SET settings_json = coalesce(?1, '{}') WHERE name = ?2";
	return set_one(s, sql, settings_json, 0, name ? name : "", "cannot record the stack",
		       err);
}

int store_stack_settings(struct store *s, const char *name, char **json, struct rl_err *err)
{
	static const char sql[] = "SELECT settings_json FROM stacks WHERE name = ?";
	if (get_one(s, sql, name ? name : "", 0, json, "cannot read the stack", err) < 0)
		return -1;
	if (!*json && !(*json = strdup("{}")))
		return rl_err_set(err, RL_E_NOMEM, NULL);
	return 0;
}

int store_attempt_set_executor(struct store *s, int64_t attempt_id, const char *executor_json,
			       struct rl_err *err)
{
	static const char sql[] = "UPDATE attempts SET executor_json = ?1 WHERE id = ?2";
	return set_one(s, sql, executor_json, attempt_id, NULL, "cannot record the attempt", err);
}

int store_attempt_executor(struct store *s, int64_t attempt_id, char **json, struct rl_err *err)
{
	static const char sql[] = "SELECT executor_json FROM attempts WHERE id = ?";
	return get_one(s, sql, NULL, attempt_id, json, "cannot read the attempt", err);
}

int store_run_executors(struct store *s, int64_t run_id, struct store_step_executor **rows,
			int *n, struct rl_err *err)
{
	static const char sql[] =
		"SELECT sr.id, sr.name, a.number, a.status, a.executor_json, a.id "
		"FROM step_runs sr JOIN attempts a "
		"ON a.step_run_id = sr.id AND a.number = sr.attempts "
		"WHERE sr.run_id = ? AND a.executor_json IS NOT NULL ORDER BY sr.position";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read attempts", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_step_executor *e = grow_rows((void **)rows, n, &cap, sizeof(*e));
		if (!e) {
			rc = SQLITE_NOMEM;
			break;
		}
		e->step_run_id = sqlite3_column_int64(st, 0);
		e->step = col_text(st, 1);
		e->attempt = sqlite3_column_int(st, 2);
		e->attempt_status = col_text(st, 3);
		e->executor_json = col_text(st, 4);
		e->attempt_id = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_step_executors_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read attempts", err);
	}
	return 0;
}

void store_step_executors_free(struct store_step_executor *rows, int n)
{
	for (int i = 0; rows && i < n; i++) {
		free(rows[i].step);
		free(rows[i].attempt_status);
		free(rows[i].executor_json);
	}
	free(rows);
}
