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

/* Parse the options the listing commands share. */
static const char *opt_where, *opt_sort;

static int parse(struct cli *c, int argc, char **argv, enum format *fmt,
		 int *limit, struct rl_err *err)
{
	int ch;
	opt_where = opt_sort = NULL;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		switch (ch) {
		case 'w':
			opt_where = optarg;
			break;
		case 's':
			opt_sort = optarg;
			break;
		case OPT_JSON:
			*fmt = FMT_JSON;
			break;
		case OPT_CSV:
			*fmt = FMT_CSV;
			break;
		case 'n':
			if (cli_int(c, "--limit", optarg, 1, limit, err) < 0)
				return -1;
			if (*limit == 0)
				*limit = INT_MAX;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static void iso_or_null(cJSON *obj, const char *key, int64_t ms)
{
	if (!ms) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	char iso[32];
	time_iso8601(ms, iso, sizeof iso);
	cJSON_AddStringToObject(obj, key, iso);
}

int cmd_pipelines(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	enum format fmt = FMT_TABLE;
	struct store *s = NULL;
	struct table *t = NULL;
	cJSON *doc = NULL;
	char *after = NULL;
	int rc = -1;
	if (parse(c, argc, argv, &fmt, NULL, err) < 0)
		goto cleanup;
	if (optind < argc) {
		rl_err_set(err, RL_E_USAGE, "pipelines: unexpected argument '%s'",
			   argv[optind]);
		goto cleanup;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0)
		goto cleanup;
	t = table_new(6, "PIPELINE", "RUNS", "LAST STATUS", "LAST RUN",
		      "SUCCESS", "BASELINE");
	doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "pipelines");
	if (!t || !doc)
		goto nomem;
	table_align_right(t, 1);
	table_align_right(t, 4);
	for (;;) {
		struct store_pipeline *rows = NULL;
		int n = 0;
		if (store_pipelines_page(s, after, PAGE, &rows, &n, err) < 0)
			goto cleanup;
		for (int i = 0; i < n; i++) {
			struct store_pipeline *p = &rows[i];
			char runs[32], when[32], rate[32], pin[32];
			snprintf(runs, sizeof runs, "%lld", (long long)p->run_count);
			out_time(p->last_started_ms, when, sizeof when);
			int64_t finished = p->completed_count + p->failed_count;
			if (finished)
				snprintf(rate, sizeof rate, "%.0f%%",
					 100.0 * (double)p->completed_count /
						 (double)finished);
			else
				snprintf(rate, sizeof rate, "-");
			if (p->pinned_run_id)
				snprintf(pin, sizeof pin, "%lld (pinned)",
					 (long long)p->pinned_run_id);
			else
				snprintf(pin, sizeof pin, "-");
			table_add_row(t, p->name, runs,
				      p->last_status ? p->last_status : "-", when,
				      rate, pin);
			table_set_color(t, 2, out_status_color(p->last_status));
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", (double)p->id);
			cJSON_AddStringToObject(o, "name", p->name);
			if (p->description)
				cJSON_AddStringToObject(o, "description", p->description);
			else
				cJSON_AddNullToObject(o, "description");
			cJSON_AddNumberToObject(o, "runs", (double)p->run_count);
			cJSON_AddNumberToObject(o, "completed", (double)p->completed_count);
			cJSON_AddNumberToObject(o, "failed", (double)p->failed_count);
			if (p->last_status)
				cJSON_AddStringToObject(o, "last_status", p->last_status);
			else
				cJSON_AddNullToObject(o, "last_status");
			iso_or_null(o, "last_run_at", p->last_started_ms);
			if (p->last_run_id)
				cJSON_AddNumberToObject(o, "last_run_id", (double)p->last_run_id);
			else
				cJSON_AddNullToObject(o, "last_run_id");
			if (p->pinned_run_id)
				cJSON_AddNumberToObject(o, "pinned_run_id",
							(double)p->pinned_run_id);
			else
				cJSON_AddNullToObject(o, "pinned_run_id");
			cJSON_AddItemToArray(arr, o);
		}
		free(after);
		after = n ? strdup(rows[n - 1].name) : NULL;
		store_pipelines_free(rows, n);
		if (n < PAGE)
			break;
	}
	if (fmt == FMT_JSON)
		out_json(c->out, doc);
	else if (fmt == FMT_CSV)
		table_print_csv(t, c->out);
	else if (table_rows(t) == 0)
		fprintf(c->out, "no pipelines yet: run one with 'runlens run FILE'\n");
	else
		table_print(t, c->out, out_use_color(c->out));
	rc = 0;
	goto cleanup;
nomem:
	rl_err_set(err, RL_E_NOMEM, NULL);
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
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "pipeline", r->pipeline);
	cJSON_AddStringToObject(o, "status", r->status);
	iso_or_null(o, "started_at", r->started_ms);
	iso_or_null(o, "ended_at", r->ended_ms);
	int64_t end = r->ended_ms ? r->ended_ms : time_now_ms();
	cJSON_AddNumberToObject(o, "duration", (double)(end - r->started_ms) / 1000.0);
	cJSON *tags = cJSON_AddArrayToObject(o, "tags");
	for (int i = 0; i < r->ntags; i++)
		cJSON_AddItemToArray(tags, cJSON_CreateString(r->tags[i]));
	cJSON *m = cJSON_AddObjectToObject(o, "metrics");
	struct store_metric *ms = NULL;
	int nm = 0;
	if (store_run_metrics(s, r->id, &ms, &nm, err) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	for (int i = 0; i < nm; i++) {
		struct buf k = BUF_INIT;
		buf_printf(&k, "%s.%s", ms[i].step, ms[i].key);
		cJSON_AddNumberToObject(m, k.data, ms[i].value);
		buf_free(&k);
	}
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

int cmd_ls(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	enum format fmt = FMT_TABLE;
	int limit = 50;
	struct store *s = NULL;
	struct table *t = NULL;
	cJSON *doc = NULL;
	struct store_pipeline pl = { 0 };
	int rc = -1;
	if (parse(c, argc, argv, &fmt, &limit, err) < 0)
		goto cleanup;
	if (optind + 1 < argc) {
		rl_err_set(err, RL_E_USAGE, "ls: unexpected argument '%s'",
			   argv[optind + 1]);
		goto cleanup;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0)
		goto cleanup;
	if (optind < argc) {
		if (store_pipeline_get(s, argv[optind], &pl, err) < 0) {
			if (err->code == RL_E_NOT_FOUND)
				rl_err_set(err, RL_E_NOT_FOUND,
					   "no pipeline '%s' (see 'runlens pipelines')",
					   argv[optind]);
			goto cleanup;
		}
	}
	t = table_new(7, "ID", "NAME", "PIPELINE", "STATUS", "STARTED",
		      "DURATION", "TAGS");
	doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "runs");
	if (!t || !doc) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	table_align_right(t, 0);
	table_align_right(t, 5);
	struct store_filter *filter = NULL;
	struct store_sort sort = { 0 };
	int have_sort = 0;
	if (opt_where && filter_parse(opt_where, time_now_ms(), &filter, err) < 0) {
		rl_err_prefix(err, "ls: --where");
		goto cleanup;
	}
	if (opt_sort) {
		if (filter_parse_sort(opt_sort, &sort, err) < 0) {
			filter_free(&filter);
			goto cleanup;
		}
		have_sort = 1;
	}
	struct store_run_cursor cur;
	int have_cur = 0, shown = 0;
	if (filter || have_sort) {
		/* one query: the filter and order are SQL's job */
		struct store_run *rows = NULL;
		int n = 0;
		int qrc = store_runs_query(s, pl.id, filter, have_sort ? &sort : NULL,
					   time_now_ms(), limit, &rows, &n, err);
		filter_free(&filter);
		filter_sort_clear(&sort);
		if (qrc < 0)
			goto cleanup;
		for (int i = 0; i < n; i++) {
			if (add_run_row(s, t, arr, fmt, &rows[i], err) < 0) {
				store_runs_free(rows, n);
				goto cleanup;
			}
		}
		store_runs_free(rows, n);
		shown = limit; /* done */
	}
	while (shown < limit) {
		struct store_run *rows = NULL;
		int n = 0, want = limit - shown < PAGE ? limit - shown : PAGE;
		if (store_runs_page(s, pl.id, have_cur ? &cur : NULL, want, &rows,
				    &n, err) < 0)
			goto cleanup;
		for (int i = 0; i < n; i++) {
			if (add_run_row(s, t, arr, fmt, &rows[i], err) < 0) {
				store_runs_free(rows, n);
				goto cleanup;
			}
		}
		shown += n;
		if (n) {
			cur.started_ms = rows[n - 1].started_ms;
			cur.id = rows[n - 1].id;
			have_cur = 1;
		}
		store_runs_free(rows, n);
		if (n < want)
			break;
	}
	if (fmt == FMT_JSON)
		out_json(c->out, doc);
	else if (fmt == FMT_CSV)
		table_print_csv(t, c->out);
	else if (table_rows(t) == 0 && opt_where)
		fprintf(c->out, "no runs match\n");
	else if (table_rows(t) == 0)
		fprintf(c->out, "no runs yet: run a pipeline with 'runlens run FILE'\n");
	else
		table_print(t, c->out, out_use_color(c->out));
	rc = 0;
cleanup:
	store_pipeline_clear(&pl);
	cJSON_Delete(doc);
	table_free(&t);
	store_close(&s);
	return rc;
}
