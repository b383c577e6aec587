/* cli/cmd_list.c — `runlens pipelines` and `runlens ls`. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "core/filter.h"
#include "cli/output.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

#define PAGE 500

enum format { FMT_TABLE, FMT_JSON, FMT_CSV };

/* What ls and pipelines were asked for. */
struct list_args {
	enum format fmt;
	int limit; /* ls: at most this many runs */
	const char *where, *sort;
};

static int parse_list(struct cli *c, int argc, char **argv, struct list_args *a,
		      struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		switch (ch) {
		case 'w':
			a->where = optarg;
			break;
		case 's':
			a->sort = optarg;
			break;
		case OPT_JSON:
			a->fmt = FMT_JSON;
			break;
		case OPT_CSV:
			a->fmt = FMT_CSV;
			break;
		case 'n':
			if (cli_int(c, "--limit", optarg, 1, &a->limit, err) < 0)
				return -1;
			if (a->limit == 0)
				a->limit = INT_MAX;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/* Print T (or DOC as JSON); EMPTY when it has no rows. */
static void print_list(struct cli *c, enum format fmt, const struct table *t,
		       const cJSON *doc, const char *empty)
{
	if (fmt == FMT_JSON)
		out_json(c->out, doc);
	else if (fmt == FMT_CSV)
		table_print_csv(t, c->out);
	else if (table_rows(t) == 0)
		fprintf(c->out, "%s\n", empty);
	else
		table_print(t, c->out, out_use_color(c->out));
}

static void add_pipeline(struct table *t, cJSON *arr, const struct store_pipeline *p)
{
	char runs[32], when[32], rate[32], pin[32];
	snprintf(runs, sizeof runs, "%lld", (long long)p->run_count);
	out_time(p->last_started_ms, when, sizeof when);
	int64_t finished = p->completed_count + p->failed_count;
	if (finished)
		snprintf(rate, sizeof rate, "%.0f%%",
			 100.0 * (double)p->completed_count / (double)finished);
	else
		snprintf(rate, sizeof rate, "-");
	if (p->pinned_run_id)
		snprintf(pin, sizeof pin, "%lld (pinned)", (long long)p->pinned_run_id);
	else
		snprintf(pin, sizeof pin, "-");
	table_add_row(t, p->name, runs, p->last_status ? p->last_status : "-", when, rate, pin);
	table_set_color(t, 2, out_status_color(p->last_status));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)p->id);
	cJSON_AddStringToObject(o, "name", p->name);
	out_json_str(o, "description", p->description);
	cJSON_AddNumberToObject(o, "runs", (double)p->run_count);
	cJSON_AddNumberToObject(o, "completed", (double)p->completed_count);
	cJSON_AddNumberToObject(o, "failed", (double)p->failed_count);
	out_json_str(o, "last_status", p->last_status);
	out_json_time(o, "last_run_at", p->last_started_ms);
	out_json_id(o, "last_run_id", p->last_run_id);
	out_json_id(o, "pinned_run_id", p->pinned_run_id);
	cJSON_AddItemToArray(arr, o);
}

int cmd_pipelines(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct list_args a = { FMT_TABLE, 0, NULL, NULL };
	struct store *s = NULL;
	struct table *t = NULL;
	cJSON *doc = NULL;
	char *after = NULL;
	int rc = -1;
	if (parse_list(c, argc, argv, &a, err) < 0)
		goto cleanup;
	if (optind < argc) {
		rl_err_set(err, RL_E_USAGE, "pipelines: unexpected argument '%s'",
			   argv[optind]);
		goto cleanup;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0)
		goto cleanup;
	t = table_new(6, "PIPELINE", "RUNS", "LAST STATUS", "LAST RUN", "SUCCESS", "BASELINE");
	doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "pipelines");
	if (!t || !doc) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	table_align_right(t, 1);
	table_align_right(t, 4);
	for (int n = PAGE; n == PAGE;) {
		struct store_pipeline *rows = NULL;
		if (store_pipelines_page(s, after, PAGE, &rows, &n, err) < 0)
			goto cleanup;
		for (int i = 0; i < n; i++)
			add_pipeline(t, arr, &rows[i]);
		free(after);
		after = n ? strdup(rows[n - 1].name) : NULL;
		store_pipelines_free(rows, n);
	}
	print_list(c, a.fmt, t, doc, "no pipelines yet: run one with 'runlens run FILE'");
	rc = 0;
cleanup:
	free(after);
	cJSON_Delete(doc);
	table_free(&t);
	store_close(&s);
	return rc;
}

/* "a,b" from a run's tags, malloc'd. */
static char *join_tags(const struct store_run *r)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < r->ntags; i++)
		buf_printf(&b, "%s%s", i ? "," : "", r->tags[i]);
	return buf_steal(&b);
}

/* Where the runs of a listing go: the table, the JSON array, or (CSV) the
 * rows waiting for their param and metric columns. */
struct list_out {
	enum format fmt;
	struct table *t;
	cJSON *arr;
	/* CSV: per run [[ID, NAME, …, TAGS], {COLUMN: value}], and the union
	 * of the COLUMNs ("params.KEY", "STEP.KEY") */
	cJSON *csv_rows, *csv_columns;
};

static cJSON *run_summary_json(struct store *s, const struct store_run *r,
			       struct rl_err *err)
{
	struct store_metric *ms = NULL;
	int nm = 0;
	if (store_run_metrics(s, r->id, &ms, &nm, err) < 0)
		return NULL;
	cJSON *o = cJSON_CreateObject();
	out_json_run_head(o, r);
	out_json_tags(o, r->tags, r->ntags);
	out_json_metrics(o, "metrics", ms, nm);
	store_metrics_free(ms, nm);
	return o;
}

/* VALUE (owned) as the run's COLUMN, which joins the union of columns. */
static void csv_value(struct list_out *lo, cJSON *values, const char *column, cJSON *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(values, column);
	cJSON_AddItemToObject(values, column, value);
	if (!cJSON_GetObjectItemCaseSensitive(lo->csv_columns, column))
		cJSON_AddTrueToObject(lo->csv_columns, column);
}

/* A run for ls --csv: its cells, and its params and metrics by column. */
static int add_csv_run(struct store *s, struct list_out *lo, const char *const *cells,
		       const struct store_run *r, struct rl_err *err)
{
	struct store_metric *ms = NULL;
	int nm = 0;
	if (store_run_metrics(s, r->id, &ms, &nm, err) < 0)
		return -1;
	cJSON *row = cJSON_CreateArray(), *values = cJSON_CreateObject();
	cJSON_AddItemToArray(row, cJSON_CreateStringArray(cells, 7));
	cJSON_AddItemToArray(row, values);
	cJSON_AddItemToArray(lo->csv_rows, row);
	cJSON *params = out_json_value(r->params_json ? r->params_json : "{}");
	struct buf col = BUF_INIT;
	for (cJSON *p = cJSON_IsObject(params) ? params->child : NULL; p; p = p->next) {
		buf_reset(&col);
		buf_printf(&col, "params.%s", p->string);
		csv_value(lo, values, col.data, cJSON_Duplicate(p, 1));
	}
	for (int i = 0; i < nm; i++) {
		buf_reset(&col);
		buf_printf(&col, "%s.%s", ms[i].step, ms[i].key);
		csv_value(lo, values, col.data, cJSON_CreateNumber(ms[i].value));
	}
	buf_free(&col);
	cJSON_Delete(params);
	store_metrics_free(ms, nm);
	return 0;
}

static int add_run_row(struct store *s, struct list_out *lo, const struct store_run *r,
		       struct rl_err *err)
{
	if (lo->fmt == FMT_JSON) {
		cJSON *o = run_summary_json(s, r, err);
		if (!o)
			return -1;
		cJSON_AddItemToArray(lo->arr, o);
		return 0;
	}
	char id[32], when[32], dur[32];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	out_time(r->started_ms, when, sizeof when);
	out_duration(r->started_ms, r->ended_ms, dur, sizeof dur);
	char *tags = join_tags(r);
	const char *cells[] = { id, r->name, r->pipeline, r->status, when, dur,
				tags ? tags : "" };
	int rc = 0;
	if (lo->fmt == FMT_CSV) {
		rc = add_csv_run(s, lo, cells, r, err);
	} else {
		table_add_row_v(lo->t, cells);
		table_set_color(lo->t, 3, out_status_color(r->status));
	}
	free(tags);
	return rc;
}

/* Add N rows to the listing. */
static int add_runs(struct store *s, struct list_out *lo, const struct store_run *rows,
		    int n, struct rl_err *err)
{
	for (int i = 0; i < n; i++)
		if (add_run_row(s, lo, &rows[i], err) < 0)
			return -1;
	return 0;
}

/* Params before metrics, each by name. */
static int column_order(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int px = !strncmp(x, "params.", 7), py = !strncmp(y, "params.", 7);
	return px != py ? py - px : strcmp(x, y);
}

/* A cell of ls --csv: a number exactly, a string as it is, else JSON. */
static void csv_cell_of(const cJSON *v, const char **cell, char **owned)
{
	*cell = NULL;
	*owned = NULL;
	if (cJSON_IsString(v))
		*cell = v->valuestring;
	else if (v && !cJSON_IsNumber(v))
		*cell = *owned = json_print(v, 0);
}

/* Print the rows of ls --csv with a column for each param and metric. */
static int print_csv_runs(struct cli *c, const struct list_out *lo, struct rl_err *err)
{
	int ncols = 7 + cJSON_GetArraySize(lo->csv_columns), k = 7, rc = -1;
	const char **heads = calloc((size_t)ncols, sizeof *heads);
	const char **cells = calloc((size_t)ncols, sizeof *cells);
	char **owned = calloc((size_t)ncols, sizeof *owned);
	struct table *t = NULL;
	if (!heads || !cells || !owned) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	const char *base[] = { "ID", "NAME", "PIPELINE", "STATUS", "STARTED", "DURATION", "TAGS" };
	memcpy(heads, base, sizeof base);
	for (cJSON *col = lo->csv_columns->child; col; col = col->next)
		heads[k++] = col->string;
	qsort(heads + 7, (size_t)(ncols - 7), sizeof *heads, column_order);
	if (!(t = table_new_v(ncols, heads))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (cJSON *row = lo->csv_rows->child; row; row = row->next) {
		cJSON *own = cJSON_GetArrayItem(row, 0), *values = cJSON_GetArrayItem(row, 1);
		for (int i = 0; i < ncols; i++) {
			free(owned[i]);
			owned[i] = NULL;
			if (i < 7)
				cells[i] = cJSON_GetArrayItem(own, i)->valuestring;
			else
				csv_cell_of(cJSON_GetObjectItemCaseSensitive(values, heads[i]),
					    &cells[i], &owned[i]);
		}
		table_add_row_v(t, cells);
		for (int i = 7; i < ncols; i++) {
			cJSON *v = cJSON_GetObjectItemCaseSensitive(values, heads[i]);
			if (cJSON_IsNumber(v))
				table_set_number(t, i, v->valuedouble);
		}
	}
	table_print_csv(t, c->out);
	rc = 0;
cleanup:
	for (int i = 0; owned && i < ncols; i++)
		free(owned[i]);
	free(owned);
	free(cells);
	free(heads);
	table_free(&t);
	return rc;
}

/* A warning on stderr for each field of FILTER that no run has (a typo
 * matches nothing; the query still runs). */
static int warn_unknown_fields(struct store *s, const struct store_filter *filter,
			       struct rl_err *err)
{
	char **w = NULL;
	int n = 0;
	if (filter_unknown_fields(s, filter, &w, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		out_linef(stderr, "runlens: warning: %s", w[i]);
	store_names_free(w, n);
	return 0;
}

/* --where and --sort: one query, the filter and order are SQL's job. */
static int list_query(struct store *s, int64_t pipeline_id, const struct list_args *a,
		      struct list_out *lo, struct rl_err *err)
{
	struct store_filter *filter = NULL;
	struct store_sort sort = { 0 };
	struct store_run *rows = NULL;
	int n = 0, rc = -1;
	if (a->where && filter_parse(a->where, time_now_ms(), &filter, err) < 0) {
		rl_err_prefix(err, "ls: --where");
		goto cleanup;
	}
	if (filter && warn_unknown_fields(s, filter, err) < 0)
		goto cleanup;
	if (a->sort && filter_parse_sort(a->sort, &sort, err) < 0)
		goto cleanup;
	if (store_runs_query(s, pipeline_id, filter, a->sort ? &sort : NULL, time_now_ms(),
			     a->limit, &rows, &n, err) < 0)
		goto cleanup;
	rc = add_runs(s, lo, rows, n, err);
cleanup:
	store_runs_free(rows, n);
	filter_free(&filter);
	filter_sort_clear(&sort);
	return rc;
}

/* The newest runs, page by page. */
static int list_pages(struct store *s, int64_t pipeline_id, const struct list_args *a,
		      struct list_out *lo, struct rl_err *err)
{
	struct store_run_cursor cur;
	int have_cur = 0;
	for (int shown = 0; shown < a->limit;) {
		struct store_run *rows = NULL;
		int n = 0, want = a->limit - shown < PAGE ? a->limit - shown : PAGE;
		if (store_runs_page(s, pipeline_id, have_cur ? &cur : NULL, want, &rows, &n,
				    err) < 0)
			return -1;
		int rc = add_runs(s, lo, rows, n, err);
		shown += n;
		if (n) {
			cur = rows[n - 1].at;
			have_cur = 1;
		}
		store_runs_free(rows, n);
		if (rc < 0)
			return -1;
		if (n < want)
			break;
	}
	return 0;
}

int cmd_ls(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct list_args a = { FMT_TABLE, 50, NULL, NULL };
	struct store *s = NULL;
	cJSON *doc = NULL;
	struct store_pipeline pl = { 0 };
	struct list_out lo = { 0 };
	int rc = -1;
	if (parse_list(c, argc, argv, &a, err) < 0)
		goto cleanup;
	if (optind + 1 < argc) {
		rl_err_set(err, RL_E_USAGE, "ls: unexpected argument '%s'", argv[optind + 1]);
		goto cleanup;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0)
		goto cleanup;
	if (optind < argc && store_pipeline_get(s, argv[optind], &pl, err) < 0) {
		if (err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "no pipeline '%s' (see 'runlens pipelines')",
				   argv[optind]);
		goto cleanup;
	}
	lo.fmt = a.fmt;
	lo.t = table_new(7, "ID", "NAME", "PIPELINE", "STATUS", "STARTED", "DURATION", "TAGS");
	doc = cJSON_CreateObject();
	lo.arr = cJSON_AddArrayToObject(doc, "runs");
	lo.csv_rows = cJSON_CreateArray();
	lo.csv_columns = cJSON_CreateObject();
	if (!lo.t || !lo.arr || !lo.csv_rows || !lo.csv_columns) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	table_align_right(lo.t, 0);
	table_align_right(lo.t, 5);
	if ((a.where || a.sort ? list_query(s, pl.id, &a, &lo, err)
			       : list_pages(s, pl.id, &a, &lo, err)) < 0)
		goto cleanup;
	if (a.fmt == FMT_CSV && print_csv_runs(c, &lo, err) < 0)
		goto cleanup;
	if (a.fmt != FMT_CSV)
		print_list(c, a.fmt, lo.t, doc, a.where ? "no runs match"
				: "no runs yet: run a pipeline with 'runlens run FILE'");
	rc = 0;
cleanup:
	store_pipeline_clear(&pl);
	cJSON_Delete(lo.csv_rows);
	cJSON_Delete(lo.csv_columns);
	cJSON_Delete(doc);
	table_free(&lo.t);
	store_close(&s);
	return rc;
}
