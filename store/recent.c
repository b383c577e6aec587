/* store/recent.c — the params and metrics of a pipeline's newest runs:
 * what the experiment table's columns are made from (the browser decides
 * its columns and their widths from these, not from the rows on screen).
 * One query over at most LIMIT runs, whatever the size of the store. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

/* the newest LIMIT runs (of one pipeline: ?1), then one row per param key
 * and per metric name with how many of those runs and pipelines have it,
 * and one summary row (kind 2: pipelines, runs, the longest run name, the
 * largest id, the runs in a sweep, the longest pipeline name and list of
 * tags as runs.tag_list keeps it).  Columns:
 * kind, name, pipelines, runs, min, max, longest, position, distinct.
 * CROSS JOIN keeps the 200 runs the outer loop: left to itself, SQLite
 * would walk a whole index of params or metrics in its GROUP BY order
 * (seconds on a million runs) and look each entry up among them. */
#define RECENT_FIELDS(WHERE)                                                      \
	"WITH recent AS (SELECT id, pipeline_id, name, sweep_id, tag_list FROM runs " WHERE \
	"ORDER BY started_ms DESC, id DESC LIMIT ?2) "                           \
	"SELECT 0, 'params.' || rp.key, count(DISTINCT r.pipeline_id), count(*), " \
	"NULL, NULL, max(length(rp.value_json)), 0, count(DISTINCT rp.value_json) " \
	"FROM recent r CROSS JOIN run_params rp ON rp.run_id = r.id GROUP BY rp.key " \
	"UNION ALL SELECT 1, m.step || '.' || m.key, count(DISTINCT r.pipeline_id), " \
	"count(*), min(m.value), max(m.value), 0, min(sr.position), 0 "          \
	"FROM recent r CROSS JOIN run_metrics m ON m.run_id = r.id "            \
	"JOIN step_runs sr ON sr.id = m.step_run_id GROUP BY m.step, m.key "      \
	"UNION ALL SELECT 2, '', count(DISTINCT r.pipeline_id), count(*), max(r.id), " \
	"count(r.sweep_id), max(length(r.name)), max(length(p.name)), "           \
	"coalesce(max(length(r.tag_list)), 0) "                                  \
	"FROM recent r JOIN pipelines p ON p.id = r.pipeline_id ORDER BY 1, 8, 2"

static const char recent_all[] = RECENT_FIELDS("WHERE ?1 = 0 ");
static const char recent_one[] = RECENT_FIELDS("WHERE pipeline_id = ?1 ");

const char *const store_recent_sql[] = { recent_all, recent_one };
const int store_recent_nsql = 2;

static int read_field(sqlite3_stmt *st, struct store_field *f)
{
	memset(f, 0, sizeof *f);
	f->is_metric = sqlite3_column_int(st, 0) == 1;
	f->name = col_text(st, 1);
	f->pipelines = sqlite3_column_int(st, 2);
	f->runs = sqlite3_column_int(st, 3);
	f->min = sqlite3_column_double(st, 4);
	f->max = sqlite3_column_double(st, 5);
	f->max_len = sqlite3_column_int(st, 6);
	f->distinct = sqlite3_column_int(st, 8);
	return f->name ? 0 : -1;
}

int store_recent_fields(struct store *s, int64_t pipeline_id, int limit,
			struct store_field **rows, int *n, struct store_recent *sum,
			struct rl_err *err)
{
	*rows = NULL;
	*n = 0;
	memset(sum, 0, sizeof *sum);
	sqlite3_stmt *st = store_stmt(s, pipeline_id > 0 ? recent_one : recent_all, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, pipeline_id > 0 ? pipeline_id : 0) || sqlite3_bind_int(st, 2, limit))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the columns", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0) == 2) {
			sum->pipelines = sqlite3_column_int(st, 2);
			sum->runs = sqlite3_column_int(st, 3);
			sum->max_id = sqlite3_column_int64(st, 4);
			sum->in_sweeps = sqlite3_column_int(st, 5);
			sum->name_len = sqlite3_column_int(st, 6);
			sum->pipeline_len = sqlite3_column_int(st, 7);
			sum->tags_len = sqlite3_column_int(st, 8);
			continue;
		}
		struct store_field *f = grow_rows((void **)rows, n, &cap, sizeof(*f));
		if (!f || read_field(st, f) < 0) {
			if (f)
				(*n)--;
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fields_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return rc == SQLITE_NOMEM ? rl_err_set(err, RL_E_NOMEM, NULL)
					  : store_fail(s, rc, "cannot read the columns", err);
	}
	return 0;
}

void store_fields_free(struct store_field *rows, int n)
{
	for (int i = 0; rows && i < n; i++)
		free(rows[i].name);
	free(rows);
}
