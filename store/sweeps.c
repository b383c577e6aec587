/* store/sweeps.c — sweeps (grids of ordinary runs made by one `runlens
 * run -p lr=0.01,0.1 -p seed=1..3`), the runs of a sweep, and the column
 * sets the browser keeps per pipeline. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

#define SWEEP_COLS                                                           \
	"w.id, w.name, w.pipeline_id, p.name, w.status, w.started_ms, "    \
	"w.ended_ms, w.planned, w.parallel, w.axes_json, w.runner_pid, "   \
	"w.runner_host, w.runner_token, "                                  \
	"(SELECT count(*) FROM runs r WHERE r.sweep_id = w.id), "          \
	"(SELECT count(*) FROM runs r WHERE r.sweep_id = w.id AND r.status = 'completed'), " \
	"(SELECT count(*) FROM runs r WHERE r.sweep_id = w.id AND r.status = 'running') "
#define SWEEP_FROM "FROM sweeps w JOIN pipelines p ON p.id = w.pipeline_id "

static const char sweep_by_id[] = "SELECT " SWEEP_COLS SWEEP_FROM "WHERE w.id = ?";
static const char sweep_by_name[] = "SELECT " SWEEP_COLS SWEEP_FROM "WHERE w.name = ?";
static const char sweeps_all[] = "SELECT " SWEEP_COLS SWEEP_FROM
				 "WHERE (w.started_ms, w.id) < (?1, ?2) "
				 "ORDER BY w.started_ms DESC, w.id DESC LIMIT ?3";
static const char sweeps_one[] = "SELECT " SWEEP_COLS SWEEP_FROM
				 "WHERE w.pipeline_id = ?4 AND (w.started_ms, w.id) < (?1, ?2) "
				 "ORDER BY w.started_ms DESC, w.id DESC LIMIT ?3";
static const char run_sweep[] = "SELECT r.sweep_id, w.name FROM runs r "
				"LEFT JOIN sweeps w ON w.id = r.sweep_id WHERE r.id = ?";
static const char sweep_runs[] =
	"SELECT " STORE_RUN_COLS "FROM runs r JOIN pipelines p ON p.id = r.pipeline_id "
	"WHERE r.sweep_id = ?4 AND (r.started_ms, r.id) < (?1, ?2) "
	"ORDER BY r.started_ms DESC, r.id DESC LIMIT ?3";
static const char column_set[] = "SELECT columns_json FROM column_sets WHERE pipeline_id = ?";

const char *const store_sweeps_sql[] = {
	sweep_by_id, sweep_by_name, sweeps_all, sweeps_one, run_sweep, sweep_runs, column_set,
};
const int store_sweeps_nsql = (int)(sizeof store_sweeps_sql / sizeof store_sweeps_sql[0]);

static int read_sweep(sqlite3_stmt *st, struct store_sweep *w)
{
	memset(w, 0, sizeof *w);
	w->id = sqlite3_column_int64(st, 0);
	w->name = col_text(st, 1);
	w->pipeline_id = sqlite3_column_int64(st, 2);
	w->pipeline = col_text(st, 3);
	w->status = col_text(st, 4);
	w->started_ms = sqlite3_column_int64(st, 5);
	w->ended_ms = sqlite3_column_int64(st, 6);
	w->planned = sqlite3_column_int(st, 7);
	w->parallel = sqlite3_column_int(st, 8);
	w->axes_json = col_text(st, 9);
	w->runner_pid = sqlite3_column_int(st, 10);
	w->runner_host = col_text(st, 11);
	w->runner_token = col_text(st, 12);
	w->runs = sqlite3_column_int(st, 13);
	w->completed = sqlite3_column_int(st, 14);
	w->running = sqlite3_column_int(st, 15);
	if (!w->name || !w->pipeline || !w->status || !w->axes_json) {
		store_sweep_clear(w);
		return -1;
	}
	return 0;
}

/* Step ST to the end, reading sweeps; resets ST. */
static int read_sweeps(struct store *s, sqlite3_stmt *st, struct store_sweep **rows, int *n,
		       struct rl_err *err)
{
	int rc, cap = 0;
	*rows = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_sweep *w = grow_rows((void **)rows, n, &cap, sizeof(*w));
		if (!w || read_sweep(st, w) < 0) {
			if (w)
				(*n)--;
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_sweeps_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return rc == SQLITE_NOMEM ? rl_err_set(err, RL_E_NOMEM, NULL)
					  : store_fail(s, rc, "cannot read the sweeps", err);
	}
	return 0;
}

int store_sweep_create(struct store *s, const struct store_sweep_new *w, int64_t *id,
		       struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO sweeps (name, pipeline_id, status, started_ms, planned, parallel, "
		"axes_json, runner_pid, runner_host, runner_token) "
		"VALUES (?, ?, 'running', ?, ?, ?, coalesce(?, '{}'), ?, ?, ?)";
	if (!w->name || !*w->name)
		return rl_err_set(err, RL_E_INPUT, "a sweep needs a name");
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, w->name) || bind_i64(st, 2, w->pipeline_id) ||
	    bind_i64(st, 3, w->started_ms) || sqlite3_bind_int(st, 4, w->planned) ||
	    sqlite3_bind_int(st, 5, w->parallel) || bind_text(st, 6, w->axes_json) ||
	    sqlite3_bind_int(st, 7, w->runner_pid) || bind_text(st, 8, w->runner_host) ||
	    bind_text(st, 9, w->runner_token))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the sweep", err);
	if (store_run_stmt(s, st, "cannot record the sweep", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_sweep_finish(struct store *s, int64_t id, const char *status, int64_t ended_ms,
		       struct rl_err *err)
{
	static const char sql[] = "UPDATE sweeps SET status = ?, ended_ms = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, status) || bind_id(st, 2, ended_ms) || bind_i64(st, 3, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the sweep", err);
	return store_run_stmt(s, st, "cannot record the sweep", err);
}

static int get_one(struct store *s, const char *sql, const char *name, int64_t id,
		   struct store_sweep *out, struct rl_err *err)
{
	struct store_sweep *rows = NULL;
	int n = 0;
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (name ? bind_text(st, 1, name) : bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the sweep", err);
	if (read_sweeps(s, st, &rows, &n, err) < 0)
		return -1;
	if (n == 0) {
		if (name)
			return rl_err_set(err, RL_E_NOT_FOUND, "no sweep '%s'", name);
		return rl_err_set(err, RL_E_NOT_FOUND, "no sweep %lld", (long long)id);
	}
	*out = rows[0];
	memset(&rows[0], 0, sizeof rows[0]);
	store_sweeps_free(rows, n);
	return 0;
}

int store_sweep_get(struct store *s, int64_t id, struct store_sweep *out, struct rl_err *err)
{
	return get_one(s, sweep_by_id, NULL, id, out, err);
}

int store_sweep_get_by_name(struct store *s, const char *name, struct store_sweep *out,
			    struct rl_err *err)
{
	return get_one(s, sweep_by_name, name, 0, out, err);
}

int store_sweeps_page(struct store *s, int64_t pipeline_id, const struct store_run_cursor *after,
		      int limit, struct store_sweep **rows, int *n, struct rl_err *err)
{
	const char *all = sweeps_all, *one = sweeps_one;
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, pipeline_id > 0 ? one : all, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, after ? after->started_ms : INT64_MAX) ||
	    bind_i64(st, 2, after ? after->id : INT64_MAX) || sqlite3_bind_int(st, 3, limit) ||
	    (pipeline_id > 0 && bind_i64(st, 4, pipeline_id)))
		return store_fail(s, sqlite3_errcode(s->db), "cannot list the sweeps", err);
	return read_sweeps(s, st, rows, n, err);
}

int store_sweeps_running(struct store *s, struct store_sweep **rows, int *n, struct rl_err *err)
{
	static const char sql[] = "SELECT " SWEEP_COLS SWEEP_FROM
				  "WHERE w.status = 'running' ORDER BY w.id";
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	return st ? read_sweeps(s, st, rows, n, err) : -1;
}

int store_run_set_sweep(struct store *s, int64_t run_id, int64_t sweep_id, struct rl_err *err)
{
	static const char sql[] = "UPDATE runs SET sweep_id = ?2 WHERE id = ?1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_id(st, 2, sweep_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the run's sweep", err);
	return store_run_stmt(s, st, "cannot record the run's sweep", err);
}

int store_run_sweep(struct store *s, int64_t run_id, int64_t *sweep_id, char **name,
		    struct rl_err *err)
{
	const char *sql = run_sweep;
	*sweep_id = 0;
	if (name)
		*name = NULL;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the run's sweep", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*sweep_id = sqlite3_column_int64(st, 0);
		if (name && *sweep_id)
			*name = col_text(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no run %lld", (long long)run_id);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read the run's sweep", err);
}

int store_sweep_runs_page(struct store *s, int64_t sweep_id, const struct store_run_cursor *after,
			  int limit, struct store_run **rows, int *n, struct rl_err *err)
{
	const char *sql = sweep_runs;
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, after ? after->started_ms : INT64_MAX) ||
	    bind_i64(st, 2, after ? after->id : INT64_MAX) || sqlite3_bind_int(st, 3, limit) ||
	    bind_i64(st, 4, sweep_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot list the sweep's runs", err);
	return store_read_runs(s, st, rows, n, err);
}

void store_sweep_clear(struct store_sweep *w)
{
	if (!w)
		return;
	free(w->name);
	free(w->pipeline);
	free(w->status);
	free(w->axes_json);
	free(w->runner_host);
	free(w->runner_token);
	memset(w, 0, sizeof *w);
}

void store_sweeps_free(struct store_sweep *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		store_sweep_clear(&rows[i]);
	free(rows);
}

/* ------------------------------------------------------------------ */
/* Column sets                                                         */

int store_column_set_get(struct store *s, int64_t pipeline_id, char **columns_json,
			 struct rl_err *err)
{
	const char *sql = column_set;
	*columns_json = NULL;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, pipeline_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the columns", err);
	int rc = sqlite3_step(st);
	int nomem = rc == SQLITE_ROW && !(*columns_json = col_text(st, 0)) &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL;
	sqlite3_reset(st);
	if (nomem)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
						     : store_fail(s, rc, "cannot read the columns", err);
}

int store_column_set_put(struct store *s, int64_t pipeline_id, const char *columns_json,
			 int64_t now_ms, struct rl_err *err)
{
	static const char put[] = "INSERT OR REPLACE INTO column_sets (pipeline_id, columns_json, "
				  "updated_ms) VALUES (?, ?, ?)";
	static const char del[] = "DELETE FROM column_sets WHERE pipeline_id = ?";
	sqlite3_stmt *st = store_stmt(s, columns_json ? put : del, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, pipeline_id) ||
	    (columns_json && (bind_text(st, 2, columns_json) || bind_i64(st, 3, now_ms))))
		return store_fail(s, sqlite3_errcode(s->db), "cannot save the columns", err);
	return store_run_stmt(s, st, "cannot save the columns", err);
}
