/* cli/cmd_list.c — `runlens pipelines` (`runlens ls` is cli/cmd_ls.c). */
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
			if (cli_limit(c, optarg, &a->limit, err) < 0)
				return -1;
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
