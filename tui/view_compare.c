/* tui/view_compare.c — two or more runs side by side.  The first run is
 * the reference (A); every other run (B, C, …) is compared with it, like
 * `runlens compare`: the runs, the params that differ, the metrics with
 * the delta and % change coloured better/worse by the metric's direction
 * (the pipeline's "metrics" object, else the name), and under them a plot
 * of the selected metric — its history across the pipeline's recent runs
 * with the compared runs marked, or (m) the series of the first two runs
 * on one scale.  `f` switches between what differs and everything. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/compare.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define MAX_RUNS 26	 /* lettered A..Z */
#define HIST_MAX 512	 /* points of history read; the plot shows the newest that fit */
#define SERIES_MAX 20000 /* points of a series read */
#define PLOT_MIN 7	 /* title, 4 rows, axis, a blank line above */
#define PLOT_ROWS_MAX 16 /* rows of the chart itself */
#define STRETCH_MAX 6	 /* columns per point when there are few */
#define LABEL_W 9	 /* the axis labels on the left */

struct cmp_run {
	struct store_run run;
	struct store_metric *m;
	int nm;
	cJSON *params;
};

struct cmp_row {
	char *step, *key, *name; /* name: "STEP.KEY" */
	enum compare_dir dir;
	int differs;
	int series;			/* a series in at least one run */
	const struct store_metric **m;	/* per run; NULL: missing */
};

struct cmp_param {
	char *key;
	int differs;
	char **val; /* per run; "-" when missing */
};

/* Everything read by one load (swapped in whole, so a failed reload keeps
 * the previous screen). */
struct cmp_data {
	int n;
	struct cmp_run *runs;
	cJSON *spec;
	const cJSON *dirs; /* the pipeline's "metrics" object, or NULL */
	struct cmp_row *rows;
	int nrows;
	struct cmp_param *params;
	int nparams;
};

struct cmp_view {
	int n;
	int64_t *ids;
	struct cmp_data d;
	int utf8;	 /* the terminal's, for the title */
	int all;	 /* show everything, not only what differs */
	int series_mode; /* plot the series of the runs, not the history */
	int *vis;	 /* rows of d.rows shown */
	int nvis;
	/* tables, built for a screen size (built_cols 0: to build again) */
	struct tui_table rtb, ptb, tb;
	struct tui_col *rcols, *pcols, *mcols;
	char **titles; /* column titles owned by the view */
	int ntitles;
	int built_cols, built_lines;
	int nparams_shown;
	/* the plot's data: for row plot_row of d.rows in mode plot_series */
	int plot_row, plot_series;
	struct store_metric_run *hist;
	int nhist;
	double *ser[2];
	int nser[2], ser_run[2], nsers;
	int64_t ser_count[2];
	char search[256];
};

static char letter(int i)
{
	return (char)('A' + i);
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */

static void data_free(struct cmp_data *d)
{
	for (int i = 0; i < d->nrows; i++) {
		free(d->rows[i].step);
		free(d->rows[i].key);
		free(d->rows[i].name);
		free(d->rows[i].m);
	}
	free(d->rows);
	for (int i = 0; i < d->nparams; i++) {
		free(d->params[i].key);
		for (int k = 0; d->params[i].val && k < d->n; k++)
			free(d->params[i].val[k]);
		free(d->params[i].val);
	}
	free(d->params);
	for (int i = 0; d->runs && i < d->n; i++) {
		store_run_clear(&d->runs[i].run);
		store_metrics_free(d->runs[i].m, d->runs[i].nm);
		cJSON_Delete(d->runs[i].params);
	}
	free(d->runs);
	cJSON_Delete(d->spec);
	memset(d, 0, sizeof *d);
}

static int row_index(const struct cmp_data *d, const char *step, const char *key)
{
	for (int i = 0; i < d->nrows; i++)
		if (!strcmp(d->rows[i].step, step) && !strcmp(d->rows[i].key, key))
			return i;
	return -1;
}

static int param_index(const struct cmp_data *d, const char *key)
{
	for (int i = 0; i < d->nparams; i++)
		if (!strcmp(d->params[i].key, key))
			return i;
	return -1;
}

static char *param_text(const cJSON *v)
{
	if (!v)
		return strdup("-");
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return cJSON_PrintUnformatted(v);
}

/* The rows of the metrics table and the params, in the reference's order,
 * then what only the others have. */
static int data_rows(struct cmp_data *d, struct rl_err *err)
{
	for (int r = 0; r < d->n; r++)
		for (int i = 0; i < d->runs[r].nm; i++) {
			const struct store_metric *m = &d->runs[r].m[i];
			int k = row_index(d, m->step, m->key);
			if (k < 0) {
				struct cmp_row *rows = realloc(d->rows, (size_t)(d->nrows + 1) * sizeof(*rows));
				if (!rows)
					return rl_err_set(err, RL_E_NOMEM, NULL);
				d->rows = rows;
				struct cmp_row *row = &rows[d->nrows];
				memset(row, 0, sizeof *row);
				struct buf name = BUF_INIT;
				buf_printf(&name, "%s.%s", m->step, m->key);
				row->step = strdup(m->step);
				row->key = strdup(m->key);
				row->name = buf_steal(&name);
				row->m = calloc((size_t)d->n, sizeof(*row->m));
				d->nrows++;
				if (!row->step || !row->key || !row->name || !row->m)
					return rl_err_set(err, RL_E_NOMEM, NULL);
				row->dir = compare_direction(d->dirs, row->name);
				k = d->nrows - 1;
			}
			d->rows[k].m[r] = m;
			if (m->is_series)
				d->rows[k].series = 1;
		}
	for (int k = 0; k < d->nrows; k++) {
		struct cmp_row *row = &d->rows[k];
		for (int r = 1; r < d->n; r++) {
			const struct store_metric *a = row->m[0], *b = row->m[r];
			if (!a || !b || strcmp(compare_verdict(row->dir, b->value, a->value), "same"))
				row->differs = 1;
		}
	}
	for (int r = 0; r < d->n; r++)
		for (cJSON *p = d->runs[r].params->child; p; p = p->next) {
			if (!p->string || param_index(d, p->string) >= 0)
				continue;
			struct cmp_param *ps = realloc(d->params, (size_t)(d->nparams + 1) * sizeof(*ps));
			if (!ps)
				return rl_err_set(err, RL_E_NOMEM, NULL);
			d->params = ps;
			struct cmp_param *x = &ps[d->nparams++];
			memset(x, 0, sizeof *x);
			x->key = strdup(p->string);
			x->val = calloc((size_t)d->n, sizeof(char *));
			if (!x->key || !x->val)
				return rl_err_set(err, RL_E_NOMEM, NULL);
			const cJSON *ref = cJSON_GetObjectItemCaseSensitive(d->runs[0].params, p->string);
			for (int k = 0; k < d->n; k++) {
				const cJSON *v =
					cJSON_GetObjectItemCaseSensitive(d->runs[k].params, p->string);
				x->val[k] = param_text(v);
				if (!v || !ref || !cJSON_Compare(v, ref, 1))
					x->differs = 1;
			}
		}
	return 0;
}

static int data_load(struct cmp_data *d, struct tui *t, const int64_t *ids, int n,
		     struct rl_err *err)
{
	d->n = n;
	d->runs = calloc((size_t)n, sizeof(*d->runs));
	if (!d->runs)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < n; i++) {
		struct cmp_run *x = &d->runs[i];
		if (store_run_get(t->store, ids[i], &x->run, err) < 0 ||
		    store_run_metrics(t->store, ids[i], &x->m, &x->nm, err) < 0)
			return -1;
		x->params = cJSON_Parse(x->run.params_json ? x->run.params_json : "{}");
		if (!x->params)
			x->params = cJSON_CreateObject();
		if (!x->params)
			return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	d->spec = d->runs[0].run.spec_json ? cJSON_Parse(d->runs[0].run.spec_json) : NULL;
	d->dirs = d->spec ? cJSON_GetObjectItemCaseSensitive(d->spec, "metrics") : NULL;
	if (d->dirs && !cJSON_IsObject(d->dirs))
		d->dirs = NULL;
	return data_rows(d, err);
}

static void compute_vis(struct cmp_view *cv)
{
	cv->nvis = 0;
	for (int i = 0; i < cv->d.nrows; i++)
		if (cv->all || cv->d.rows[i].differs)
			cv->vis[cv->nvis++] = i;
	cv->built_cols = 0;
}

/* The row of d.rows that is selected, or -1. */
static int selected_row(const struct cmp_view *cv)
{
	if (cv->nvis == 0 || cv->tb.sel < 0 || cv->tb.sel >= cv->nvis)
		return -1;
	return cv->vis[cv->tb.sel];
}

static void plot_clear(struct cmp_view *cv)
{
	free(cv->hist);
	cv->hist = NULL;
	cv->nhist = 0;
	for (int i = 0; i < 2; i++) {
		free(cv->ser[i]);
		cv->ser[i] = NULL;
		cv->nser[i] = 0;
	}
	cv->nsers = 0;
	cv->plot_row = -1;
}

/* Read what the plot of the selected row needs, unless it is there. */
static int plot_fetch(struct cmp_view *cv, struct tui *t, struct rl_err *err)
{
	int row = selected_row(cv);
	if (row >= 0 && !cv->d.rows[row].series)
		cv->series_mode = 0;
	if (row == cv->plot_row && cv->series_mode == cv->plot_series)
		return 0;
	plot_clear(cv);
	if (row < 0)
		return 0;
	const struct cmp_row *r = &cv->d.rows[row];
	cv->plot_row = row;
	cv->plot_series = cv->series_mode;
	if (!cv->series_mode) {
		/* the reference's pipeline, up to the newest compared run in it */
		const struct store_run *ref = &cv->d.runs[0].run, *newest = ref;
		for (int i = 1; i < cv->d.n; i++) {
			const struct store_run *x = &cv->d.runs[i].run;
			if (x->pipeline_id == ref->pipeline_id &&
			    (x->started_ms > newest->started_ms ||
			     (x->started_ms == newest->started_ms && x->id > newest->id)))
				newest = x;
		}
		return store_metric_history(t->store, ref->pipeline_id, r->step, r->key, newest->id,
					    HIST_MAX, &cv->hist, &cv->nhist, err);
	}
	/* the series of the first two runs that have it */
	for (int i = 0; i < cv->d.n && cv->nsers < 2; i++) {
		if (!r->m[i] || !r->m[i]->is_series)
			continue;
		struct store_step_run sr;
		memset(&sr, 0, sizeof sr);
		struct store_metric_point *pts = NULL;
		int np = 0;
		if (store_step_run_get(t->store, cv->d.runs[i].run.id, r->step, &sr, err) < 0)
			return -1;
		int rc = store_metric_series(t->store, sr.id, r->key, INT64_MIN, SERIES_MAX, &pts, &np,
					     err);
		store_step_run_clear(&sr);
		if (rc < 0)
			return -1;
		int k = cv->nsers;
		cv->ser[k] = malloc((size_t)(np ? np : 1) * sizeof(double));
		if (!cv->ser[k]) {
			free(pts);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
		for (int j = 0; j < np; j++)
			cv->ser[k][j] = pts[j].value;
		free(pts);
		cv->nser[k] = np;
		cv->ser_run[k] = i;
		cv->ser_count[k] = r->m[i]->count;
		cv->nsers++;
	}
	return 0;
}

static void plot_refresh(struct cmp_view *cv, struct tui *t)
{
	struct rl_err err = RL_ERR_INIT;
	if (plot_fetch(cv, t, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
}

static int cmp_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct cmp_view *cv = v->data;
	struct cmp_data d;
	memset(&d, 0, sizeof d);
	cv->utf8 = t->utf8;
	if (data_load(&d, t, cv->ids, cv->n, err) < 0) {
		data_free(&d);
		return -1;
	}
	int *vis = malloc((size_t)(d.nrows ? d.nrows : 1) * sizeof(int));
	if (!vis) {
		data_free(&d);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	/* keep the selected metric selected */
	int old = selected_row(cv);
	char *keep = old >= 0 ? strdup(cv->d.rows[old].name) : NULL;
	data_free(&cv->d);
	cv->d = d;
	free(cv->vis);
	cv->vis = vis;
	compute_vis(cv);
	cv->tb.sel = 0;
	for (int i = 0; keep && i < cv->nvis; i++)
		if (!strcmp(cv->d.rows[cv->vis[i]].name, keep))
			cv->tb.sel = i;
	free(keep);
	plot_clear(cv);
	return plot_fetch(cv, t, err);
}

/* ------------------------------------------------------------------ */
/* Layout                                                               */

static const char *own_title(struct cmp_view *cv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *own_title(struct cmp_view *cv, const char *fmt, ...)
{
	char **ts = realloc(cv->titles, (size_t)(cv->ntitles + 1) * sizeof(char *));
	if (!ts)
		return "";
	cv->titles = ts;
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ts[cv->ntitles] = strdup(buf);
	return ts[cv->ntitles] ? ts[cv->ntitles++] : "";
}

static void tables_clear(struct cmp_view *cv)
{
	table_clear(&cv->rtb);
	table_clear(&cv->ptb);
	table_clear(&cv->tb);
	free(cv->rcols);
	free(cv->pcols);
	free(cv->mcols);
	cv->rcols = cv->pcols = cv->mcols = NULL;
	for (int i = 0; i < cv->ntitles; i++)
		free(cv->titles[i]);
	free(cv->titles);
	cv->titles = NULL;
	cv->ntitles = 0;
}

static void build_runs(struct cmp_view *cv)
{
	static const struct tui_col cols[] = {
		{ .title = "", .min = 1 },
		{ .title = "RUN", .min = 3, .right = 1 },
		{ .title = "NAME", .min = 8, .grow = 1 },
		{ .title = "STATUS", .min = 9 },
		{ .title = "STARTED", .min = 16 },
		{ .title = "TOOK", .min = 4, .right = 1 },
		{ .title = "", .min = 3 },
	};
	cv->rtb.cols = cols;
	cv->rtb.ncols = sizeof cols / sizeof cols[0];
	cv->rtb.status_col = 3;
	for (int i = 0; i < cv->d.n; i++) {
		const struct store_run *r = &cv->d.runs[i].run;
		char l[2] = { letter(i), 0 }, id[32], when[32], took[32];
		snprintf(id, sizeof id, "#%lld", (long long)r->id);
		time_local_short(r->started_ms, when, sizeof when);
		time_duration((r->ended_ms ? r->ended_ms : time_now_ms()) - r->started_ms, took,
			      sizeof took);
		char *cells[] = { l, id, r->name, r->status, when, took,
				  i ? "" : "reference" };
		int attrs[] = { PAIR_WARN, 0, 0, tui_status_pair(r->status), 0, 0, PAIR_DIM };
		table_push_attrs(&cv->rtb, cells, attrs);
	}
	cv->rtb.sel = -1; /* nothing to select here */
}

/* The params that differ (all with `f`), at most MAXROWS rows (the last
 * one says how many more there are). */
static void build_params(struct cmp_view *cv, int maxrows)
{
	int n = cv->d.n;
	cv->pcols = calloc((size_t)n + 1, sizeof(struct tui_col));
	if (!cv->pcols)
		return;
	cv->pcols[0] = (struct tui_col){ .title = "PARAM", .min = 5 };
	for (int i = 0; i < n; i++)
		cv->pcols[i + 1] = (struct tui_col){
			.title = own_title(cv, "%c #%lld", letter(i), (long long)cv->d.runs[i].run.id),
			.min = 4,
		};
	cv->ptb.cols = cv->pcols;
	cv->ptb.ncols = n + 1;
	cv->ptb.status_col = -1;
	int shown = 0;
	for (int k = 0; k < cv->d.nparams; k++)
		shown += cv->all || cv->d.params[k].differs;
	cv->nparams_shown = shown;
	char **cells = calloc((size_t)n + 1, sizeof(char *));
	int *attrs = calloc((size_t)n + 1, sizeof(int));
	if (!cells || !attrs)
		goto cleanup;
	int rows = 0;
	for (int k = 0; k < cv->d.nparams; k++) {
		const struct cmp_param *p = &cv->d.params[k];
		if (!cv->all && !p->differs)
			continue;
		if (rows == maxrows - 1 && shown > maxrows) {
			struct buf more = BUF_INIT;
			buf_printf(&more, "+%d more", shown - rows);
			cells[0] = more.data ? more.data : "";
			for (int i = 0; i < n; i++)
				cells[i + 1] = "";
			attrs[0] = PAIR_DIM;
			table_push_attrs(&cv->ptb, cells, attrs);
			buf_free(&more);
			break;
		}
		cells[0] = p->key;
		attrs[0] = 0;
		for (int i = 0; i < n; i++) {
			cells[i + 1] = p->val[i];
			attrs[i + 1] = i && strcmp(p->val[i], p->val[0]) ? PAIR_WARN : 0;
		}
		table_push_attrs(&cv->ptb, cells, attrs);
		rows++;
	}
	cv->ptb.sel = -1;
cleanup:
	free(cells);
	free(attrs);
}

/* Parts of one metric row, for every run (value) and every other run
 * (delta, %, verdict and its colour). */
struct parts {
	char **val;	 /* n */
	char **delta;	 /* n: [0] unused */
	char **pct;	 /* n */
	const char **verdict;
	int *pair;
};

static void fill_parts(const struct cmp_view *cv, const struct cmp_row *row, struct parts *p)
{
	char buf[64];
	const struct store_metric *a = row->m[0];
	for (int i = 0; i < cv->d.n; i++) {
		const struct store_metric *b = row->m[i];
		if (b)
			fmt_metric(b->value, buf, sizeof buf);
		p->val[i] = strdup(b ? buf : "-");
		p->delta[i] = p->pct[i] = NULL;
		p->verdict[i] = "";
		p->pair[i] = 0;
		if (!i || !a || !b)
			continue;
		double d = b->value - a->value;
		const char *v = compare_verdict(row->dir, b->value, a->value);
		if (!strcmp(v, "same")) {
			p->delta[i] = strdup("=");
			p->pct[i] = strdup("");
			continue;
		}
		fmt_metric(fabs(d), buf, sizeof buf);
		struct buf t = BUF_INIT;
		buf_printf(&t, "%s%s", d > 0 ? "+" : d < 0 ? "-" : "", buf);
		p->delta[i] = buf_steal(&t);
		int defined = 0;
		double pct = compare_pct(b->value, a->value, &defined);
		if (defined)
			snprintf(buf, sizeof buf, fabs(pct) < 1000 ? "%+.1f%%" : "%+.0f%%", pct);
		else
			buf[0] = '\0';
		p->pct[i] = strdup(buf);
		p->verdict[i] = v;
		p->pair[i] = !strcmp(v, "better") ? PAIR_BETTER : PAIR_WORSE;
	}
}

static void free_parts(struct parts *p, int n)
{
	for (int i = 0; i < n; i++) {
		free(p->val[i]);
		free(p->delta[i]);
		free(p->pct[i]);
	}
}

/* The metrics table: METRIC, then per run its value, and per other run
 * the delta, % and better/worse, as much of that as the width allows. */
static void build_metrics(struct cmp_view *cv, struct tui *t)
{
	int n = cv->d.n, nv = cv->nvis;
	struct parts *ps = calloc((size_t)(nv ? nv : 1), sizeof(*ps));
	if (!ps)
		return;
	for (int r = 0; r < nv; r++) {
		ps[r].val = calloc((size_t)n, sizeof(char *));
		ps[r].delta = calloc((size_t)n, sizeof(char *));
		ps[r].pct = calloc((size_t)n, sizeof(char *));
		ps[r].verdict = calloc((size_t)n, sizeof(char *));
		ps[r].pair = calloc((size_t)n, sizeof(int));
		if (ps[r].val && ps[r].delta && ps[r].pct && ps[r].verdict && ps[r].pair)
			fill_parts(cv, &cv->d.rows[cv->vis[r]], &ps[r]);
	}
	/* natural widths of each part */
	int wname = 6, wv[MAX_RUNS], wd[MAX_RUNS], wp[MAX_RUNS], wverd = 0;
	const char *dtitle = t->utf8 ? "Δ" : "DELTA";
	for (int i = 0; i < n; i++) {
		wv[i] = 4 + (cv->d.runs[i].run.id >= 10) + (cv->d.runs[i].run.id >= 100) +
			(cv->d.runs[i].run.id >= 1000); /* "A #1" */
		wd[i] = fmt_width(dtitle);
		wp[i] = 1;
	}
	for (int r = 0; r < nv; r++) {
		int w = fmt_width(cv->d.rows[cv->vis[r]].name);
		if (w > wname)
			wname = w;
		for (int i = 0; ps[r].val && i < n; i++) {
			if (ps[r].val[i] && fmt_width(ps[r].val[i]) > wv[i])
				wv[i] = fmt_width(ps[r].val[i]);
			if (ps[r].delta[i] && fmt_width(ps[r].delta[i]) > wd[i])
				wd[i] = fmt_width(ps[r].delta[i]);
			if (ps[r].pct[i] && fmt_width(ps[r].pct[i]) > wp[i])
				wp[i] = fmt_width(ps[r].pct[i]);
			if (ps[r].verdict[i][0])
				wverd = 6;
		}
	}
	if (wname > 32)
		wname = 32;
	/* what fits: delta, % and verdict; then drop one; then % only */
	int show_d = 1, show_p = 1, show_v = wverd > 0;
	for (int level = 2; level >= 0; level--) {
		show_d = level == 2 || (level == 1 && t->color);
		show_p = 1;
		show_v = wverd > 0 && (level == 2 || (level == 1 && !t->color));
		int total = wname;
		for (int i = 0; i < n; i++) {
			total += 2 + wv[i];
			if (!i)
				continue;
			if (show_d)
				total += 2 + wd[i];
			if (show_p)
				total += 2 + wp[i];
			if (show_v)
				total += 2 + wverd;
		}
		if (total <= t->cols)
			break;
	}
	/* the columns */
	int ncols = 1 + n + (n - 1) * (show_d + show_p + show_v);
	cv->mcols = calloc((size_t)ncols, sizeof(struct tui_col));
	char **cells = calloc((size_t)ncols, sizeof(char *));
	int *attrs = calloc((size_t)ncols, sizeof(int));
	if (!cv->mcols || !cells || !attrs)
		goto cleanup;
	int c = 0;
	cv->mcols[c++] = (struct tui_col){ .title = "METRIC", .min = 6, .grow = 1 };
	for (int i = 0; i < n; i++) {
		cv->mcols[c++] = (struct tui_col){
			.title = own_title(cv, "%c #%lld", letter(i), (long long)cv->d.runs[i].run.id),
			.min = 4,
			.right = 1,
		};
		if (!i)
			continue;
		if (show_d)
			cv->mcols[c++] = (struct tui_col){ .title = dtitle, .min = 1, .right = 1 };
		if (show_p)
			cv->mcols[c++] = (struct tui_col){ .title = "%", .min = 1, .right = 1 };
		if (show_v)
			cv->mcols[c++] = (struct tui_col){ .title = "", .min = 6 };
	}
	cv->tb.cols = cv->mcols;
	cv->tb.ncols = ncols;
	cv->tb.status_col = -1;
	for (int r = 0; r < nv; r++) {
		if (!ps[r].val || !ps[r].pair)
			continue;
		const struct cmp_row *row = &cv->d.rows[cv->vis[r]];
		c = 0;
		struct buf name = BUF_INIT;
		buf_puts(&name, row->name);
		attrs[c] = 0;
		cells[c++] = name.data ? name.data : "";
		for (int i = 0; i < n; i++) {
			attrs[c] = 0;
			cells[c++] = ps[r].val[i] ? ps[r].val[i] : "";
			if (!i)
				continue;
			int pair = ps[r].pair[i];
			const char *pct = ps[r].pct[i] ? ps[r].pct[i] : "";
			/* no room for the delta: the % says it, or the delta when
			 * there is no % (a base of 0) */
			if (!show_d && !*pct && ps[r].delta[i])
				pct = ps[r].delta[i];
			if (show_d) {
				attrs[c] = pair;
				cells[c++] = ps[r].delta[i] ? ps[r].delta[i] : "";
			}
			if (show_p) {
				attrs[c] = pair;
				cells[c++] = (char *)pct;
			}
			if (show_v) {
				attrs[c] = pair;
				cells[c++] = (char *)ps[r].verdict[i];
			}
		}
		table_push_attrs(&cv->tb, cells, attrs);
		buf_free(&name);
	}
cleanup:
	for (int r = 0; r < nv; r++) {
		if (ps[r].val && ps[r].delta && ps[r].pct)
			free_parts(&ps[r], n);
		free(ps[r].val);
		free(ps[r].delta);
		free(ps[r].pct);
		free(ps[r].verdict);
		free(ps[r].pair);
	}
	free(ps);
	free(cells);
	free(attrs);
}

/* Rows of the screen given to each part. */
struct layout {
	int runs_y, runs_h; /* header + rows */
	int params_y, params_h;
	int table_y, table_h;
	int plot_y, plot_h; /* title + chart + axis */
};

static void compute_layout(const struct cmp_view *cv, const struct tui *t, struct layout *L)
{
	int bottom = t->lines - 1; /* the status bar */
	int avail = bottom - 1;
	memset(L, 0, sizeof *L);
	L->runs_y = 1;
	int runs_rows = cv->d.n;
	if (runs_rows > avail / 4)
		runs_rows = avail / 4 > 2 ? avail / 4 : 2;
	L->runs_h = 1 + runs_rows;
	L->params_y = L->runs_y + L->runs_h + 1;
	int np = cv->nparams_shown;
	int cap = avail / 5 > 2 ? avail / 5 : 2;
	L->params_h = np ? 1 + (np < cap ? np : cap) : 1; /* 1: a "the same" line */
	L->table_y = L->params_y + L->params_h + 1;
	int left = bottom - L->table_y;
	if (left < 2) {
		L->table_h = left > 0 ? left : 0;
		return;
	}
	int want = 1 + (cv->nvis ? cv->nvis : 1);
	if (left - want >= PLOT_MIN) {
		L->table_h = want;
	} else if (left - PLOT_MIN >= 4) {
		L->table_h = left - PLOT_MIN;
	} else {
		L->table_h = left;
		return;
	}
	if (!cv->nvis)
		return;
	L->plot_y = L->table_y + L->table_h + 1;
	L->plot_h = bottom - L->plot_y;
	if (L->plot_h > PLOT_ROWS_MAX + 2)
		L->plot_h = PLOT_ROWS_MAX + 2;
}

static void build(struct cmp_view *cv, struct tui *t)
{
	int keep = cv->tb.sel;
	tables_clear(cv);
	build_runs(cv);
	/* the params' rows depend on the room the layout leaves them */
	cv->nparams_shown = 0;
	for (int k = 0; k < cv->d.nparams; k++)
		cv->nparams_shown += cv->all || cv->d.params[k].differs;
	struct layout L;
	compute_layout(cv, t, &L);
	build_params(cv, L.params_h - 1);
	build_metrics(cv, t);
	cv->tb.sel = keep < cv->tb.nrows ? keep : cv->tb.nrows - 1;
	if (cv->tb.sel < 0)
		cv->tb.sel = 0;
	cv->built_cols = t->cols;
	cv->built_lines = t->lines;
}

/* ------------------------------------------------------------------ */
/* Painting                                                             */

static int cell_len(const char *s)
{
	int l = 1;
	while ((s[l] & 0xC0) == 0x80)
		l++;
	return l;
}

/* Paint plot LINES (HEIGHT rows, WIDTH cells) at Y, X; COLPAIR gives the
 * colour pair of each column. */
static void paint_chart(struct tui *t, char **lines, int height, int width, int y, int x,
			const int *colpair)
{
	for (int r = 0; r < height; r++) {
		const char *p = lines[r];
		for (int c = 0; c < width && *p; c++) {
			int l = cell_len(p);
			char one[8];
			memcpy(one, p, (size_t)l);
			one[l] = '\0';
			if (*one != ' ')
				tui_put(t, y + r, x + c, 1, one, colpair ? colpair[c] : PAIR_HEAD, 0);
			p += l;
		}
	}
}

/* The axis labels: HI on the top row, LO on the bottom one, and the axis
 * line itself. */
static void paint_axis(struct tui *t, int y, int height, double lo, double hi)
{
	char buf[32];
	const char *bar = t->utf8 ? "│" : "|";
	fmt_metric(hi, buf, sizeof buf);
	tui_put(t, y, LABEL_W - fmt_width(buf) > 0 ? LABEL_W - fmt_width(buf) : 0, LABEL_W, buf,
		0, 0);
	fmt_metric(lo, buf, sizeof buf);
	tui_put(t, y + height - 1, LABEL_W - fmt_width(buf) > 0 ? LABEL_W - fmt_width(buf) : 0,
		LABEL_W, buf, 0, 0);
	for (int r = 0; r < height; r++)
		tui_put(t, y + r, LABEL_W, 1, bar, PAIR_DIM, 0);
}

/* The x axis under a chart WIDTH wide at Y. */
static void paint_xaxis(struct tui *t, int y, int width)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, t->utf8 ? "└" : "+");
	for (int i = 0; i < width; i++)
		buf_puts(&b, t->utf8 ? "─" : "-");
	tui_put(t, y, LABEL_W, t->cols - LABEL_W, b.data ? b.data : "", PAIR_DIM, 0);
	buf_free(&b);
}

/* Few points on a wide screen: each drawn *K columns wide (1..STRETCH_MAX)
 * so they read as bars.  Returns N * *K values (malloc'd) or NULL. */
static double *stretch(const double *v, int n, int width, int *k)
{
	*k = n > 0 ? width / n : 1;
	if (*k < 1)
		*k = 1;
	if (*k > STRETCH_MAX)
		*k = STRETCH_MAX;
	double *out = malloc((size_t)(n > 0 ? n : 1) * (size_t)*k * sizeof(double));
	for (int i = 0; out && i < n; i++)
		for (int j = 0; j < *k; j++)
			out[i * *k + j] = v[i];
	return out;
}

static void draw_history(struct cmp_view *cv, struct tui *t, const struct cmp_row *row,
			 int y, int h)
{
	int pw = t->cols - LABEL_W - 2, ch = h - 2;
	int np = cv->nhist < pw ? cv->nhist : pw, off = cv->nhist - np;
	const char *dir = row->dir == COMPARE_HIGHER ? "higher is better" : "lower is better";
	struct buf title = BUF_INIT;
	buf_printf(&title, "%s in the last %d runs of %s %s %s", row->name, np,
		   cv->d.runs[0].run.pipeline, t->utf8 ? "·" : "-", dir);
	if (row->series)
		buf_printf(&title, " %s m: series", t->utf8 ? "·" : "-");
	tui_put(t, y, 1, t->cols - 2, title.data ? title.data : "", 0, A_BOLD);
	buf_free(&title);
	if (np == 0 || ch < 1) {
		tui_put(t, y + 1, 2, t->cols - 4, "no history of this metric in the pipeline", PAIR_DIM, 0);
		return;
	}
	double *pts = malloc((size_t)np * sizeof(double)), *v = NULL;
	int *colpair = calloc((size_t)pw, sizeof(int));
	char **lines = NULL;
	double lo, hi;
	int k = 1;
	if (!pts || !colpair)
		goto cleanup;
	for (int i = 0; i < np; i++)
		pts[i] = cv->hist[off + i].value;
	v = stretch(pts, np, pw, &k);
	if (!v || fmt_plot(v, np * k, pw, ch, t->utf8, &lines, &lo, &hi) < 0)
		goto cleanup;
	for (int c = 0; c < pw; c++)
		colpair[c] = PAIR_HEAD;
	/* the compared runs: their columns in another colour, their letters
	 * under them */
	paint_axis(t, y + 1, ch, lo, hi);
	paint_xaxis(t, y + 1 + ch, np * k);
	for (int i = 0; i < np; i++)
		for (int r = 0; r < cv->d.n; r++)
			if (cv->hist[off + i].run_id == cv->d.runs[r].run.id) {
				for (int j = 0; j < k; j++)
					colpair[i * k + j] = PAIR_WARN;
				char l[2] = { letter(r), 0 };
				tui_put(t, y + 1 + ch, LABEL_W + 1 + i * k + (k - 1) / 2, 1, l, PAIR_WARN,
					A_BOLD);
			}
	paint_chart(t, lines, ch, pw, y + 1, LABEL_W + 1, colpair);
	/* which way time goes, when there is room to the right */
	if (np * k + 4 < pw) {
		const char *legend = t->utf8 ? "(oldest → newest)" : "(oldest -> newest)";
		tui_put(t, y + 1 + ch, LABEL_W + np * k + 3, t->cols - LABEL_W - np * k - 4, legend,
			PAIR_DIM, 0);
	}
cleanup:
	fmt_plot_free(lines, ch);
	free(pts);
	free(v);
	free(colpair);
}

static void draw_series(struct cmp_view *cv, struct tui *t, const struct cmp_row *row, int y,
			int h)
{
	int ch = h - 2, k = cv->nsers;
	struct buf title = BUF_INIT;
	buf_printf(&title, "%s series", row->name);
	for (int i = 0; i < k; i++)
		buf_printf(&title, "%s%c #%lld", i ? " and " : " of ", letter(cv->ser_run[i]),
			   (long long)cv->d.runs[cv->ser_run[i]].run.id);
	buf_printf(&title, ", one scale %s m: history", t->utf8 ? "·" : "-");
	tui_put(t, y, 1, t->cols - 2, title.data ? title.data : "", 0, A_BOLD);
	buf_free(&title);
	if (k == 0 || ch < 1)
		return;
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < k; i++)
		for (int j = 0; j < cv->nser[i]; j++)
			if (isfinite(cv->ser[i][j])) {
				lo = fmin(lo, cv->ser[i][j]);
				hi = fmax(hi, cv->ser[i][j]);
			}
	if (!(lo <= hi))
		lo = hi = 0;
	else if (lo == hi) {
		double pad = lo == 0 ? 1 : fabs(lo) * 0.05;
		lo -= pad;
		hi += pad;
	}
	int total = t->cols - LABEL_W - 2;
	int pw = k == 2 ? (total - 3) / 2 : total;
	paint_axis(t, y + 1, ch, lo, hi);
	int x = LABEL_W + 1;
	for (int i = 0; i < k; i++) {
		char **lines = NULL;
		int n = cv->nser[i];
		int pairs[2] = { PAIR_HEAD, PAIR_WARN };
		int *colpair = calloc((size_t)pw, sizeof(int));
		if (!colpair)
			return;
		for (int c = 0; c < pw; c++)
			colpair[c] = pairs[i];
		int per = 1;
		double *sv = n ? stretch(cv->ser[i], n, pw, &per) : NULL;
		if (sv && fmt_plot_range(sv, n * per, pw, ch, t->utf8, lo, hi, &lines) == 0)
			paint_chart(t, lines, ch, pw, y + 1, x, colpair);
		free(sv);
		fmt_plot_free(lines, ch);
		free(colpair);
		struct buf lab = BUF_INIT;
		buf_printf(&lab, "%s%c #%lld: %d points", t->utf8 ? "└─ " : "+- ",
			   letter(cv->ser_run[i]), (long long)cv->d.runs[cv->ser_run[i]].run.id, n);
		if (cv->ser_count[i] > n)
			buf_printf(&lab, " (first of %lld)", (long long)cv->ser_count[i]);
		if (n > pw)
			buf_printf(&lab, ", %d per column", (n + pw - 1) / pw);
		tui_put(t, y + 1 + ch, x - 1, pw + 1, lab.data ? lab.data : "", pairs[i], 0);
		buf_free(&lab);
		x += pw + 3;
	}
}

static void cmp_draw(struct view *v, struct tui *t)
{
	struct cmp_view *cv = v->data;
	if (cv->built_cols != t->cols || cv->built_lines != t->lines)
		build(cv, t);
	struct layout L;
	compute_layout(cv, t, &L);
	table_paint(t, &cv->rtb, L.runs_y, L.runs_y + L.runs_h);
	if (L.params_y >= t->lines - 1)
		return;
	if (cv->nparams_shown)
		table_paint(t, &cv->ptb, L.params_y, L.params_y + L.params_h);
	else
		tui_put(t, L.params_y, 0, t->cols,
			cv->d.nparams ? "Params: all the same (f shows them)" : "Params: none", PAIR_DIM,
			0);
	if (L.table_h < 1)
		return;
	if (!cv->nvis) {
		const char *msg = cv->d.nrows ? "Metrics: all the same (f shows them)"
					      : "Metrics: none recorded by these runs";
		tui_put(t, L.table_y, 0, t->cols, msg, PAIR_DIM, 0);
		return;
	}
	table_paint(t, &cv->tb, L.table_y, L.table_y + L.table_h);
	int row = selected_row(cv);
	if (L.plot_h < PLOT_MIN - 1 || row < 0 || row != cv->plot_row)
		return;
	if (cv->plot_series)
		draw_series(cv, t, &cv->d.rows[row], L.plot_y, L.plot_h);
	else
		draw_history(cv, t, &cv->d.rows[row], L.plot_y, L.plot_h);
}

static void cmp_title(struct view *v, char *buf, size_t size)
{
	struct cmp_view *cv = v->data;
	const char *what = cv->all ? "all" : "what differs";
	const char *dash = cv->utf8 ? "—" : "-";
	if (cv->d.n == 2)
		snprintf(buf, size, "Compare %s A #%lld vs B #%lld (%s)", dash,
			 (long long)cv->d.runs[0].run.id, (long long)cv->d.runs[1].run.id, what);
	else if (cv->d.n > 2)
		snprintf(buf, size, "Compare %s %d runs against A #%lld (%s)", dash, cv->d.n,
			 (long long)cv->d.runs[0].run.id, what);
	else
		snprintf(buf, size, "Compare");
}

/* ------------------------------------------------------------------ */
/* Keys and mouse                                                       */

static int search(struct cmp_view *cv, struct tui *t, int dir)
{
	if (!cv->search[0]) {
		tui_notice(t, "no search yet: / searches");
		return TUI_REDRAW;
	}
	if (!table_search(&cv->tb, cv->search, dir))
		tui_notice(t, "not found: %s", cv->search);
	plot_refresh(cv, t);
	return TUI_REDRAW;
}

static int cmp_action(struct view *v, struct tui *t, enum tui_action a)
{
	struct cmp_view *cv = v->data;
	if (cv->built_cols != t->cols || cv->built_lines != t->lines)
		build(cv, t);
	int row = selected_row(cv);
	switch (a) {
	case ACT_FILTER:
		cv->all = !cv->all;
		compute_vis(cv);
		/* keep the metric selected when it is still shown */
		cv->tb.sel = 0;
		for (int i = 0; i < cv->nvis; i++)
			if (cv->vis[i] == row)
				cv->tb.sel = i;
		build(cv, t);
		plot_refresh(cv, t);
		tui_notice(t, cv->all ? "showing all params and metrics"
				      : "showing only the params and metrics that differ");
		return TUI_REDRAW;
	case ACT_METRIC:
		if (row < 0)
			return TUI_HANDLED;
		if (!cv->d.rows[row].series) {
			tui_notice(t, "%s is one value per run: its history is drawn",
				   cv->d.rows[row].name);
			return TUI_REDRAW;
		}
		cv->series_mode = !cv->series_mode;
		plot_refresh(cv, t);
		return TUI_REDRAW;
	case ACT_OPEN:
		if (row < 0)
			return TUI_HANDLED;
		for (int i = 0; i < cv->d.n; i++)
			if (cv->d.rows[row].m[i]) {
				tui_push(t, view_step_new(cv->d.runs[i].run.id, cv->d.rows[row].step,
							  TAB_METRICS));
				break;
			}
		return TUI_REDRAW;
	case ACT_SEARCH: {
		char buf[sizeof cv->search];
		if (tui_prompt(t, "/", NULL, buf, sizeof buf) && buf[0]) {
			snprintf(cv->search, sizeof cv->search, "%s", buf);
			return search(cv, t, 1);
		}
		return TUI_REDRAW;
	}
	case ACT_NEXT:
		return search(cv, t, 1);
	case ACT_PREV:
		return search(cv, t, -1);
	default:
		break;
	}
	struct layout L;
	compute_layout(cv, t, &L);
	int r = table_move(&cv->tb, a, L.table_h > 2 ? L.table_h - 2 : 1);
	if (r & TUI_REDRAW)
		plot_refresh(cv, t);
	return r;
}

static int cmp_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct cmp_view *cv = v->data;
	(void)x;
	if (!cv->nvis || !table_click(&cv->tb, y))
		return TUI_HANDLED;
	plot_refresh(cv, t);
	return dbl ? cmp_action(v, t, ACT_OPEN) : TUI_REDRAW;
}

static void cmp_free(struct view *v)
{
	struct cmp_view *cv = v->data;
	tables_clear(cv);
	plot_clear(cv);
	data_free(&cv->d);
	free(cv->vis);
	free(cv->ids);
	free(cv);
}

static const struct view_ops compare_ops = {
	.name = "compare",
	.load = cmp_load,
	.title = cmp_title,
	.draw = cmp_draw,
	.action = cmp_action,
	.free = cmp_free,
	.hints = "Up/Down metric · f all/differing · m series/history · Enter step",
	.click = cmp_click,
};

struct view *view_compare_new(const int64_t *ids, int n)
{
	if (!ids || n < 2)
		return NULL;
	if (n > MAX_RUNS)
		n = MAX_RUNS;
	struct view *v = calloc(1, sizeof(*v));
	struct cmp_view *cv = calloc(1, sizeof(*cv));
	int64_t *copy = malloc((size_t)n * sizeof(int64_t));
	if (!v || !cv || !copy) {
		free(v);
		free(cv);
		free(copy);
		return NULL;
	}
	memcpy(copy, ids, (size_t)n * sizeof(int64_t));
	cv->ids = copy;
	cv->n = n;
	cv->plot_row = -1;
	v->ops = &compare_ops;
	v->data = cv;
	return v;
}
