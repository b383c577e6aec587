/* cli/cmd_metrics.c — `runlens metrics RUN [STEP.KEY…]`: the points of a
 * run's metrics (series and single values): index, value, attempt, time.
 * A retried attempt kept its own points; they come first, each with its
 * attempt's number. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

#define SERIES_PAGE 10000

struct metrics_out {
	int json, csv;
	struct table *t;
	cJSON *metrics; /* JSON: {"STEP.KEY": [points]} */
	char *const *want; /* STEP.KEY asked for, nwant (0: all) */
	int nwant;
	int *found; /* per wanted name */
};

static void add_point(struct metrics_out *mo, const char *name, const struct store_metric_point *p,
		      int attempt, int is_series)
{
	char idx[32], val[NUM_BUF], att[16], when[32];
	snprintf(idx, sizeof idx, "%lld", (long long)p->index);
	snprintf(att, sizeof att, "%d", attempt);
	if (mo->csv || mo->json)
		time_iso8601(p->at_ms, when, sizeof when);
	else
		out_time(p->at_ms, when, sizeof when);
	num_shortest(p->value, val);
	table_add_row(mo->t, name, is_series ? idx : "", val, att, when);
	if (!mo->csv && !mo->json)
		table_set_number(mo->t, 2, p->value);
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(mo->metrics, name);
	if (!arr)
		arr = cJSON_AddArrayToObject(mo->metrics, name);
	cJSON *o = cJSON_CreateObject();
	if (is_series)
		cJSON_AddNumberToObject(o, "index", (double)p->index);
	else
		cJSON_AddNullToObject(o, "index");
	cJSON_AddNumberToObject(o, "value", p->value);
	cJSON_AddNumberToObject(o, "attempt", attempt);
	out_json_time(o, "time", p->at_ms);
	cJSON_AddItemToArray(arr, o);
}

static int wanted(struct metrics_out *mo, const char *name)
{
	if (mo->nwant == 0)
		return 1;
	for (int i = 0; i < mo->nwant; i++)
		if (!strcmp(mo->want[i], name)) {
			mo->found[i] = 1;
			return 1;
		}
	return 0;
}

/* The points of metric KEY of step run SR (ATTEMPT_ID 0) or of a retried
 * attempt, page by page. */
static int add_series(struct store *s, struct metrics_out *mo, const char *name, int64_t sr,
		      int64_t attempt_id, const struct store_metric *m, int attempt, struct rl_err *err)
{
	struct store_metric_point *pts = NULL;
	int n = 0;
	if (attempt_id) {
		if (store_attempt_metric_series(s, attempt_id, m->key, &pts, &n, err) < 0)
			return -1;
		for (int i = 0; i < n; i++)
			add_point(mo, name, &pts[i], attempt, m->is_series);
		free(pts);
		return 0;
	}
	for (int64_t after = INT64_MIN;;) {
		if (store_metric_series(s, sr, m->key, after, SERIES_PAGE, &pts, &n, err) < 0)
			return -1;
		for (int i = 0; i < n; i++)
			add_point(mo, name, &pts[i], attempt, m->is_series);
		if (n)
			after = pts[n - 1].index;
		free(pts);
		pts = NULL;
		if (n < SERIES_PAGE)
			return 0;
	}
}

/* Every metric of one step run: its retried attempts', then its own. */
static int add_step(struct store *s, struct metrics_out *mo, const struct store_step_run *st,
		    struct rl_err *err)
{
	struct store_attempt *att = NULL;
	struct store_metric *ms = NULL;
	struct buf name = BUF_INIT;
	int na = 0, nm = 0, rc = -1;
	if (store_attempts_of(s, st->id, &att, &na, err) < 0)
		return -1;
	for (int a = 0; a < na; a++) {
		if (store_attempt_metrics(s, att[a].id, &ms, &nm, err) < 0)
			goto cleanup;
		for (int i = 0; i < nm; i++) {
			buf_reset(&name);
			buf_printf(&name, "%s.%s", st->name, ms[i].key);
			if (wanted(mo, name.data) &&
			    add_series(s, mo, name.data, st->id, att[a].id, &ms[i], att[a].number,
				       err) < 0)
				goto cleanup;
		}
		store_metrics_free(ms, nm);
		ms = NULL;
		nm = 0;
	}
	if (store_step_metrics(s, st->id, &ms, &nm, err) < 0)
		goto cleanup;
	for (int i = 0; i < nm; i++) {
		buf_reset(&name);
		buf_printf(&name, "%s.%s", st->name, ms[i].key);
		if (wanted(mo, name.data) &&
		    add_series(s, mo, name.data, st->id, 0, &ms[i], st->attempts ? st->attempts : 1,
			       err) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	buf_free(&name);
	store_metrics_free(ms, nm);
	store_attempts_free(att, na);
	return rc;
}

int cmd_metrics(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct metrics_out mo = { 0 };
	struct store *s = NULL;
	struct store_run run = { 0 };
	struct store_step_run *steps = NULL;
	cJSON *doc = NULL;
	int64_t id = 0;
	int nsteps = 0, rc = -1, ch, began = 0;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_JSON)
			mo.json = 1;
		else if (ch == OPT_CSV)
			mo.csv = 1;
		else
			return -1;
	}
	if (optind >= argc)
		return rl_err_set(err, RL_E_USAGE, "metrics: expected RUN [STEP.KEY...]");
	mo.want = argv + optind + 1;
	mo.nwant = argc - optind - 1;
	for (int i = 0; i < mo.nwant; i++)
		if (!strchr(mo.want[i], '.'))
			return rl_err_set(err, RL_E_USAGE, "metrics: '%s' is not STEP.KEY", mo.want[i]);
	mo.found = calloc((size_t)mo.nwant + 1, sizeof *mo.found);
	mo.t = table_new(5, "METRIC", "INDEX", "VALUE", "ATTEMPT", "TIME");
	doc = cJSON_CreateObject();
	if (!mo.found || !mo.t || !doc) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	table_align_right(mo.t, 1);
	table_align_right(mo.t, 2);
	table_align_right(mo.t, 3);
	if (cli_open_run(c, argv[optind], &s, &id, &run, err) < 0 ||
	    store_read_begin(s, &began, err) < 0)
		goto cleanup;
	cJSON *r = cJSON_AddObjectToObject(doc, "run");
	cJSON_AddNumberToObject(r, "id", (double)run.id);
	cJSON_AddStringToObject(r, "name", run.name);
	mo.metrics = cJSON_AddObjectToObject(doc, "metrics");
	if (store_step_runs_of_run(s, id, &steps, &nsteps, err) < 0)
		goto cleanup;
	for (int i = 0; i < nsteps; i++)
		if (add_step(s, &mo, &steps[i], err) < 0)
			goto cleanup;
	store_read_end(s, began);
	began = 0;
	for (int i = 0; i < mo.nwant; i++)
		if (!mo.found[i]) {
			rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no metric '%s'", (long long)id,
				   mo.want[i]);
			goto cleanup;
		}
	if (mo.json)
		out_json(c->out, doc);
	else if (mo.csv)
		table_print_csv(mo.t, c->out);
	else if (!table_rows(mo.t))
		fprintf(c->out, "run %lld recorded no metrics\n", (long long)id);
	else
		table_print(mo.t, c->out, out_use_color(c->out));
	rc = 0;
cleanup:
	if (s)
		store_read_end(s, began);
	store_step_runs_free(steps, nsteps);
	store_run_clear(&run);
	cJSON_Delete(doc);
	table_free(&mo.t);
	free(mo.found);
	store_close(&s);
	return rc;
}
