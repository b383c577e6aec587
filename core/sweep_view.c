/* core/sweep_view.c — comparing the runs of a sweep: ranked by a metric
 * (compare's direction rule), the grid's params, and each param or
 * metric as the axis of a plot (core/sweep.h). */
#include "config.h"
#include "core/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/columns.h"
#include "core/compare.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/plot.h"

void sweep_view_free(struct sweep_view **pv)
{
	struct sweep_view *v = pv ? *pv : NULL;
	if (!v)
		return;
	columns_table_free(&v->table);
	store_runs_free(v->runs, v->nruns);
	store_sweep_clear(&v->sweep);
	columns_free(v->params, v->nparams);
	columns_free(v->metrics, v->nmetrics);
	free(v->order);
	free(v);
	*pv = NULL;
}

static int read_runs(struct store *s, struct sweep_view *v, struct rl_err *err)
{
	struct store_run_cursor cur = { 0 };
	for (int more = 1; more && v->nruns < SWEEP_MAX_RUNS;) {
		struct store_run *rows = NULL;
		int n = 0;
		if (store_sweep_runs_page(s, v->sweep.id, v->nruns ? &cur : NULL, 500, &rows, &n,
					  err) < 0)
			return -1;
		more = n == 500;
		struct store_run *all = realloc(v->runs, (size_t)(v->nruns + n + 1) * sizeof *all);
		if (!all) {
			store_runs_free(rows, n);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
		if (n)
			memcpy(all + v->nruns, rows, (size_t)n * sizeof *rows);
		v->runs = all;
		v->nruns += n;
		free(rows);
		if (n)
			cur = all[v->nruns - 1].at; /* the stored key, as it pages */
	}
	return 0;
}

static int push(char ***v, int *n, const char *s)
{
	char **g = realloc(*v, (size_t)(*n + 1) * sizeof *g);
	if (!g)
		return -1;
	*v = g;
	return (g[*n] = strdup(s)) ? (++*n, 0) : -1;
}

static int has_column(const struct columns_table *t, const char *name)
{
	for (int i = 0; i < t->navail; i++)
		if (!strcmp(t->avail[i], name))
			return 1;
	return 0;
}

/* The grid's params the runs have, else those whose values differ. */
static int view_params(struct sweep_view *v)
{
	cJSON *axes = cJSON_Parse(v->sweep.axes_json);
	struct buf name = BUF_INIT;
	int rc = 0;
	for (cJSON *a = cJSON_IsObject(axes) ? axes->child : NULL; a && rc == 0; a = a->next) {
		buf_reset(&name);
		buf_printf(&name, "params.%s", a->string);
		if (name.data && has_column(v->table, name.data))
			rc = push(&v->params, &v->nparams, name.data);
	}
	buf_free(&name);
	cJSON_Delete(axes);
	if (rc == 0 && v->nparams == 0) {
		char **cols = NULL;
		int n = 0;
		for (int i = COLS_FIXED; i < v->table->navail && rc == 0; i++)
			if (columns_kind_of(v->table->avail[i], NULL) == COLK_PARAM)
				rc = push(&cols, &n, v->table->avail[i]);
		if (rc == 0)
			columns_only_changed(v->table, cols, &n);
		v->params = cols;
		v->nparams = n;
	}
	for (int i = COLS_FIXED; i < v->table->navail && rc == 0; i++)
		if (columns_kind_of(v->table->avail[i], NULL) == COLK_METRIC)
			rc = push(&v->metrics, &v->nmetrics, v->table->avail[i]);
	return rc;
}

/* The pipeline's first "metrics" entry that a run has, else the first
 * metric; with the "metrics" object of the pipeline into *dirs. */
static const char *default_metric(struct store *s, const struct sweep_view *v, cJSON **dirs)
{
	struct store_run full = { 0 };
	cJSON *spec = NULL;
	*dirs = NULL;
	if (v->nruns && store_run_get(s, v->runs[0].id, &full, NULL) == 0 && full.spec_json)
		spec = cJSON_Parse(full.spec_json);
	store_run_clear(&full);
	*dirs = cJSON_DetachItemFromObject(spec, "metrics");
	cJSON_Delete(spec);
	for (cJSON *d = cJSON_IsObject(*dirs) ? (*dirs)->child : NULL; d; d = d->next)
		for (int i = 0; i < v->nmetrics; i++) {
			const char *m = v->metrics[i], *dot = strchr(m, '.');
			if (!strcmp(m, d->string) || (dot && !strcmp(dot + 1, d->string)))
				return m;
		}
	return v->nmetrics ? v->metrics[0] : NULL;
}

static int choose_metric(struct store *s, struct sweep_view *v, const char *asked,
			 struct rl_err *err)
{
	cJSON *dirs = NULL;
	const char *dflt = default_metric(s, v, &dirs);
	v->metric = dflt;
	if (asked) {
		v->metric = NULL;
		for (int i = 0; i < v->nmetrics; i++)
			if (!strcmp(v->metrics[i], asked))
				v->metric = v->metrics[i];
		if (!v->metric) {
			struct buf b = BUF_INIT;
			for (int i = 0; i < v->nmetrics && i < 8; i++)
				buf_printf(&b, "%s%s", i ? ", " : "", v->metrics[i]);
			rl_err_set(err, RL_E_USAGE, "no run of sweep %lld has the metric '%s' (%s%s)",
				   (long long)v->sweep.id, asked, v->nmetrics ? "its metrics: " : "none",
				   b.data ? b.data : "");
			buf_free(&b);
			cJSON_Delete(dirs);
			return -1;
		}
	}
	v->dir = v->metric ? compare_direction(cJSON_IsObject(dirs) ? dirs : NULL, v->metric)
			   : COMPARE_HIGHER;
	cJSON_Delete(dirs);
	return 0;
}

/* Rows by the metric, best first: the completed runs that have it, then
 * the others that have it (a failed run's numbers are not a result: as
 * columns_best rules for ls), then the rows without it; newest first
 * among equals. */
static const struct sweep_view *sorting;

static int tier(int row, const struct columns_value *v)
{
	if (v->kind != COLV_NUMBER)
		return 2;
	return strcmp(sorting->table->rows[row].run->status, "completed") != 0;
}

static int by_metric(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	struct columns_value vx, vy;
	columns_cell(sorting->table, x, sorting->metric, &vx);
	columns_cell(sorting->table, y, sorting->metric, &vy);
	int tx = tier(x, &vx), ty = tier(y, &vy), hx = tx < 2;
	if (tx != ty)
		return tx - ty;
	if (hx && vx.num != vy.num) {
		int better = compare_judge(sorting->dir, vx.num, vy.num) == COMPARE_BETTER;
		int worse = compare_judge(sorting->dir, vx.num, vy.num) == COMPARE_WORSE;
		if (better || worse)
			return better ? -1 : 1;
	}
	return x - y; /* the newer first: rows are newest first */
}

static int rank(struct sweep_view *v)
{
	if (!(v->order = calloc((size_t)v->nruns + 1, sizeof *v->order)))
		return -1;
	for (int i = 0; i < v->nruns; i++)
		v->order[i] = i;
	v->best = -1;
	if (!v->metric)
		return 0;
	sorting = v;
	qsort(v->order, (size_t)v->nruns, sizeof *v->order, by_metric);
	sorting = NULL;
	/* the best is a completed run's: a failed one is never recommended */
	struct columns_value first;
	if (v->nruns)
		columns_cell(v->table, v->order[0], v->metric, &first);
	if (v->nruns && first.kind == COLV_NUMBER &&
	    !strcmp(v->table->rows[v->order[0]].run->status, "completed"))
		v->best = v->order[0];
	return 0;
}

int sweep_view_new(struct store *s, int64_t sweep_id, const char *metric, struct sweep_view **out,
		   struct rl_err *err)
{
	struct sweep_view *v = calloc(1, sizeof *v);
	int began = 0, rc = -1;
	*out = NULL;
	if (!v)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (store_read_begin(s, &began, err) < 0)
		goto cleanup;
	if (store_sweep_get(s, sweep_id, &v->sweep, err) < 0 || read_runs(s, v, err) < 0 ||
	    columns_table_new(s, v->runs, v->nruns, &v->table, err) < 0)
		goto cleanup;
	if (view_params(v) < 0) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (choose_metric(s, v, metric, err) < 0)
		goto cleanup;
	if (rank(v) < 0) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	*out = v;
	v = NULL;
	rc = 0;
cleanup:
	store_read_end(s, began);
	sweep_view_free(&v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Axes of plots                                                       */

void sweep_axis_free(struct plot_axis *ax)
{
	free((void *)ax->v);
	for (int i = 0; i < ax->ncats; i++)
		free(ax->cats[i]);
	free((void *)ax->cats);
	memset(ax, 0, sizeof *ax);
}

/* The grid's values of param NAME ("params.lr"), or NULL. */
static cJSON *grid_values(const struct sweep_view *v, const char *name)
{
	cJSON *axes = cJSON_Parse(v->sweep.axes_json);
	cJSON *vals = strncmp(name, "params.", 7) ? NULL
						  : cJSON_DetachItemFromObjectCaseSensitive(axes, name + 7);
	cJSON_Delete(axes);
	return vals;
}

/* The category of VAL among CATS (JSON values), added when new. */
static int category(cJSON *cats, const cJSON *val)
{
	int k = 0;
	for (cJSON *c = cats->child; c; c = c->next, k++)
		if (cJSON_Compare(c, val, 1))
			return k;
	cJSON_AddItemToArray(cats, cJSON_Duplicate(val, 1));
	return k;
}

static int categorical(const struct sweep_view *v, const char *name, struct plot_axis *ax,
		       double *vals)
{
	cJSON *cats = grid_values(v, name);
	if (!cJSON_IsArray(cats)) {
		cJSON_Delete(cats);
		cats = cJSON_CreateArray();
	}
	if (!cats)
		return -1;
	for (int r = 0; r < v->nruns; r++) {
		struct columns_value cv;
		columns_cell(v->table, r, name, &cv);
		vals[r] = cv.json ? category(cats, cv.json) : NAN;
	}
	int n = cJSON_GetArraySize(cats), k = 0;
	char **labels = calloc((size_t)n + 1, sizeof *labels);
	for (cJSON *c = cats->child; labels && c; c = c->next, k++)
		labels[k] = cJSON_IsString(c) ? strdup(c->valuestring) : json_print(c, 0);
	cJSON_Delete(cats);
	if (!labels)
		return -1;
	ax->cats = labels;
	ax->ncats = n;
	return 0;
}

int sweep_view_axis(const struct sweep_view *v, const char *name, struct plot_axis *ax)
{
	double *vals = calloc((size_t)v->nruns + 1, sizeof *vals);
	memset(ax, 0, sizeof *ax);
	if (!vals)
		return -1;
	ax->name = name;
	ax->v = vals;
	int numeric = 1, positive = 1;
	double lo = INFINITY, hi = -INFINITY;
	for (int r = 0; r < v->nruns; r++) {
		struct columns_value cv;
		columns_cell(v->table, r, name, &cv);
		if (cv.kind == COLV_NONE) {
			vals[r] = NAN;
			continue;
		}
		numeric &= cv.kind == COLV_NUMBER;
		vals[r] = cv.num;
		positive &= cv.num > 0;
		lo = cv.num < lo ? cv.num : lo;
		hi = cv.num > hi ? cv.num : hi;
	}
	if (!numeric)
		return categorical(v, name, ax, vals) < 0 ? (sweep_axis_free(ax), -1) : 0;
	ax->log = positive && lo > 0 && hi / lo >= 100;
	return 0;
}
