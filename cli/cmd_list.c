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

static int add_run_row(struct store *s, struct table *t, cJSON *arr,
		       enum format fmt, const struct store_run *r, struct rl_err *err)
{
	if (fmt == FMT_JSON) {
		cJSON *o = run_summary_json(s, r, err);
		if (!o)
			return -1;
		cJSON_AddItemToArray(arr, o);
		return 0;
	}
	char id[32], when[32], dur[32];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	out_time(r->started_ms, when, sizeof when);
	out_duration(r->started_ms, r->ended_ms, dur, sizeof dur);
	char *tags = join_tags(r);
	table_add_row(t, id, r->name, r->pipeline, r->status, when, dur, tags);
	table_set_color(t, 3, out_status_color(r->status));
	free(tags);
	return 0;
}

/* Add N rows to the listing. */
static int add_runs(struct store *s, struct table *t, cJSON *arr, enum format fmt,
		    const struct store_run *rows, int n, struct rl_err *err)
{
	for (int i = 0; i < n; i++)
		if (add_run_row(s, t, arr, fmt, &rows[i], err) < 0)
			return -1;
	return 0;
}

/* --where and --sort: one query, the filter and order are SQL's job. */
static int list_query(struct store *s, int64_t pipeline_id, const struct list_args *a,
		      struct table *t, cJSON *arr, struct rl_err *err)
{
	struct store_filter *filter = NULL;
	struct store_sort sort = { 0 };
	struct store_run *rows = NULL;
	int n = 0, rc = -1;
	if (a->where && filter_parse(a->where, time_now_ms(), &filter, err) < 0) {
		rl_err_prefix(err, "ls: --where");
		goto cleanup;
	}
	if (a->sort && filter_parse_sort(a->sort, &sort, err) < 0)
		goto cleanup;
	if (store_runs_query(s, pipeline_id, filter, a->sort ? &sort : NULL, time_now_ms(),
			     a->limit, &rows, &n, err) < 0)
		goto cleanup;
	rc = add_runs(s, t, arr, a->fmt, rows, n, err);
cleanup:
	store_runs_free(rows, n);
	filter_free(&filter);
	filter_sort_clear(&sort);
	return rc;
}

/* The newest runs, page by page. */
static int list_pages(struct store *s, int64_t pipeline_id, const struct list_args *a,
		      struct table *t, cJSON *arr, struct rl_err *err)
{
	struct store_run_cursor cur;
	int have_cur = 0;
	for (int shown = 0; shown < a->limit;) {
		struct store_run *rows = NULL;
		int n = 0, want = a->limit - shown < PAGE ? a->limit - shown : PAGE;
		if (store_runs_page(s, pipeline_id, have_cur ? &cur : NULL, want, &rows, &n,
				    err) < 0)
			return -1;
		int rc = add_runs(s, t, arr, a->fmt, rows, n, err);
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
	struct table *t = NULL;
	cJSON *doc = NULL;
	struct store_pipeline pl = { 0 };
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
	t = table_new(7, "ID", "NAME", "PIPELINE", "STATUS", "STARTED", "DURATION", "TAGS");
	doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "runs");
	if (!t || !doc) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	table_align_right(t, 0);
	table_align_right(t, 5);
	if ((a.where || a.sort ? list_query(s, pl.id, &a, t, arr, err)
			       : list_pages(s, pl.id, &a, t, arr, err)) < 0)
		goto cleanup;
	print_list(c, a.fmt, t, doc, a.where ? "no runs match"
				     : "no runs yet: run a pipeline with 'runlens run FILE'");
	rc = 0;
cleanup:
	store_pipeline_clear(&pl);
	cJSON_Delete(doc);
	table_free(&t);
	store_close(&s);
	return rc;
}
