/* store/stacks.c — stacks and model versions. */
#include "config.h"
#include "store/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

#define STACK_COLS                                                           \
	"id, name, artifact_store, orchestrator, components_json, created_ms " \
	"FROM stacks "

static void read_stack(sqlite3_stmt *st, struct store_stack *k)
{
	k->id = sqlite3_column_int64(st, 0);
	k->name = col_text_or(st, 1, "");
	k->artifact_store = col_text_or(st, 2, "");
	k->orchestrator = col_text_or(st, 3, "local");
	k->components_json = col_text_or(st, 4, "{}");
	k->created_ms = col_ms(st, 5);
}

int store_stack_put(struct store *s, const char *name, const char *artifact_store,
		    const char *orchestrator, const char *components_json,
		    struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO stacks (name, artifact_store, orchestrator, components_json, "
		"created_ms) VALUES (?1, ?2, coalesce(?3, 'local'), coalesce(?4, '{}'), ?5) "
		"ON CONFLICT(name) DO UPDATE SET artifact_store = excluded.artifact_store, "
		"orchestrator = excluded.orchestrator, "
		"components_json = excluded.components_json";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name) || bind_text(st, 2, artifact_store) ||
	    bind_text(st, 3, orchestrator) || bind_text(st, 4, components_json) ||
	    bind_i64(st, 5, time_now_ms()))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the stack", err);
	return store_run_stmt(s, st, "cannot record the stack", err);
}

int store_stack_get(struct store *s, const char *name, struct store_stack *out,
		    struct rl_err *err)
{
	static const char sql[] = "SELECT " STACK_COLS "WHERE name = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name ? name : ""))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read stacks", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		read_stack(st, out);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no stack '%s'", name ? name : "");
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read stacks", err);
}

int store_stacks_page(struct store *s, const char *after, int limit,
		      struct store_stack **rows, int *n, struct rl_err *err)
{
	static const char sql[] = "SELECT " STACK_COLS "WHERE name > ? ORDER BY name LIMIT ?";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, after ? after : "") || sqlite3_bind_int(st, 2, limit))
		return store_fail(s, sqlite3_errcode(s->db), "cannot list stacks", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_stack *k = grow_rows((void **)rows, n, &cap, sizeof(*k));
		if (!k) {
			rc = SQLITE_NOMEM;
			break;
		}
		read_stack(st, k);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_stacks_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot list stacks", err);
	}
	return 0;
}

int store_stack_runs(struct store *s, const char *name, int64_t *count, struct rl_err *err)
{
	/* runs_by_stack (schema 10) answers it from the index */
	static const char sql[] = "SELECT count(*) FROM runs WHERE stack = ?";
	*count = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name ? name : ""))
		return store_fail(s, sqlite3_errcode(s->db), "cannot count the stack's runs", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot count the stack's runs", err);
}

int store_stack_rm(struct store *s, const char *name, struct rl_err *err)
{
	static const char sql[] = "DELETE FROM stacks WHERE name = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name ? name : ""))
		return store_fail(s, sqlite3_errcode(s->db), "cannot remove the stack", err);
	if (store_run_stmt(s, st, "cannot remove the stack", err) < 0)
		return -1;
	return sqlite3_changes(s->db) == 1
		       ? 0
		       : rl_err_set(err, RL_E_NOT_FOUND, "no stack '%s'", name ? name : "");
}

void store_stack_clear(struct store_stack *k)
{
	if (!k)
		return;
	free(k->name);
	free(k->artifact_store);
	free(k->orchestrator);
	free(k->components_json);
	memset(k, 0, sizeof *k);
}

void store_stacks_free(struct store_stack *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		store_stack_clear(&rows[i]);
	free(rows);
}

static int model_version_add(struct store *s, const char *name,
			     const char *version, int64_t run_id,
			     char **version_out, struct rl_err *err)
{
	static const char next[] =
		"SELECT coalesce(max(CAST(version AS INTEGER)), 0) + 1 FROM model_versions "
		"WHERE model_name = ? AND version GLOB '[0-9]*' AND version NOT GLOB '*[^0-9]*'";
	static const char ins[] =
		"INSERT INTO model_versions (model_name, version, run_id, created_ms) "
		"VALUES (?, ?, ?, ?)";
	char *chosen = NULL;
	char numbuf[32];
	if (version_out)
		*version_out = NULL;
	if (!version) {
		sqlite3_stmt *st = store_stmt(s, next, err);
		if (!st)
			return -1;
		if (bind_text(st, 1, name))
			return store_fail(s, sqlite3_errcode(s->db), "cannot count versions", err);
		int rc = sqlite3_step(st);
		long long v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return store_fail(s, rc, "cannot count versions", err);
		snprintf(numbuf, sizeof numbuf, "%lld", v);
		version = numbuf;
	}
	sqlite3_stmt *st = store_stmt(s, ins, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, name) || bind_text(st, 2, version) || bind_id(st, 3, run_id) ||
	    bind_i64(st, 4, time_now_ms()))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the model version", err);
	if (store_run_stmt(s, st, "cannot record the model version", err) < 0)
		return -1;
	if (version_out) {
		chosen = strdup(version);
		if (!chosen)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		*version_out = chosen;
	}
	return 0;
}

int store_model_version_add(struct store *s, const char *name,
			    const char *version, int64_t run_id,
			    char **version_out, struct rl_err *err)
{
	int nested;
	if (version_out)
		*version_out = NULL;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	/* choosing the number and recording it in one unit: two runs of the
	 * same model never get the same version */
	int rc = model_version_add(s, name, version, run_id, version_out, err);
	rc = store_unit_end(s, nested, rc, err);
	if (rc < 0 && version_out) {
		free(*version_out);
		*version_out = NULL;
	}
	return rc;
}
