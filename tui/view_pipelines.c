/* tui/view_pipelines.c — the pipelines view: name, runs, last status, last
 * run, success rate, pinned baseline and a sparkline of a metric over the
 * pipeline's recent runs.  Paged from the store by name (never the whole
 * table); the sparkline's length follows the terminal's width. */
#include "config.h"
#include "tui/internal.h"
#include "tui/tui_config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/widget_chart.h"
#include "tui/widget_dialog.h"
#include "tui/widget_table.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define PAGE 200
/* points of the sparkline: as many as fit, between these */
#define SPARK_MAX 20
#define SPARK_MIN 10

static const struct tui_col cols[] = {
	{ .title = "NAME", .min = 8, .grow = 1 },
	{ .title = "RUNS", .min = 4, .right = 1 },
	{ .title = "STATUS", .min = 9 },
	{ .title = "LAST RUN", .min = 8, .right = 1 },
	{ .title = "SUCCESS", .min = 7, .right = 1 },
	{ .title = "BASE", .min = 4 },
	{ .title = "METRIC", .min = 6 },
	{ .title = "TREND", .min = 5 },
};
enum { C_NAME, C_RUNS, C_STATUS, C_LAST, C_SUCCESS, C_BASE, C_METRIC, C_TREND, NCOLS };

struct pl_row {
	struct store_pipeline p;
	char *step, *key; /* the metric drawn (NULL: none) */
	double *hist;	  /* its values over the newest runs, oldest first */
	int nhist;
};

/* A metric the user chose for a pipeline with `m` (kept across reloads). */
struct pl_choice {
	int64_t pipeline_id;
	char *step, *key;
};

struct pl_view {
	struct pl_row *rows;
	int nrows, cap;
	int more;	  /* more pages in the store */
	struct tui_table tb;
	int built_cols;	  /* the width the table was built for (0: stale) */
	int utf8;	  /* the terminal's, for the title */
	struct pl_choice *choices;
	int nchoices;
	char search[256];
};

static void row_clear(struct pl_row *r)
{
	store_pipeline_clear(&r->p);
	free(r->step);
	free(r->key);
	free(r->hist);
	memset(r, 0, sizeof *r);
}

static void rows_clear(struct pl_view *pv)
{
	for (int i = 0; i < pv->nrows; i++)
		row_clear(&pv->rows[i]);
	pv->nrows = 0;
	pv->built_cols = 0;
}

static const struct pl_choice *choice_of(const struct pl_view *pv, int64_t id)
{
	for (int i = 0; i < pv->nchoices; i++)
		if (pv->choices[i].pipeline_id == id)
			return &pv->choices[i];
	return NULL;
}

/* Fill R's metric (the chosen one, else the first of the last run) and its
 * history. */
static int load_metric(struct pl_view *pv, struct tui *t, struct pl_row *r,
		       struct rl_err *err)
{
	free(r->step);
	free(r->key);
	free(r->hist);
	r->step = r->key = NULL;
	r->hist = NULL;
	r->nhist = 0;
	const struct pl_choice *c = choice_of(pv, r->p.id);
	if (c) {
		r->step = strdup(c->step);
		r->key = strdup(c->key);
	} else if (r->p.last_run_id) {
		struct store_metric *m = NULL;
		int nm = 0;
		if (store_run_metrics(t->store, r->p.last_run_id, &m, &nm, err) < 0)
			return -1;
		if (nm) {
			r->step = strdup(m[0].step);
			r->key = strdup(m[0].key);
		}
		store_metrics_free(m, nm);
	}
	if (!r->step || !r->key)
		return 0;
	struct store_metric_run *h = NULL;
	int n = 0;
	if (store_metric_history(t->store, r->p.id, r->step, r->key, 0, SPARK_MAX, &h, &n,
				 err) < 0)
		return -1;
	r->hist = malloc((size_t)(n ? n : 1) * sizeof(double));
	if (!r->hist) {
		free(h);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	for (int i = 0; i < n; i++)
		r->hist[i] = h[i].value;
	r->nhist = n;
	free(h);
	return 0;
}

static int load_page(struct pl_view *pv, struct tui *t, struct rl_err *err)
{
	struct store_pipeline *ps = NULL;
	int n = 0;
	const char *after = pv->nrows ? pv->rows[pv->nrows - 1].p.name : NULL;
	if (store_pipelines_page(t->store, after, PAGE, &ps, &n, err) < 0)
		return -1;
	if (pv->nrows + n > pv->cap) {
		int cap = pv->nrows + n + PAGE;
		struct pl_row *rows = realloc(pv->rows, (size_t)cap * sizeof(*rows));
		if (!rows) {
			store_pipelines_free(ps, n);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
		pv->rows = rows;
		pv->cap = cap;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		struct pl_row *r = &pv->rows[pv->nrows++];
		memset(r, 0, sizeof *r);
		r->p = ps[i]; /* the row owns its strings now */
		if (rc == 0 && load_metric(pv, t, r, err) < 0)
			rc = -1;
	}
	free(ps);
	pv->more = n == PAGE;
	pv->built_cols = 0;
	return rc;
}

/* "12s ago", "5m ago", "3h ago", "4d ago", or the date when older. */
static void age(int64_t ms, char *buf, size_t size)
{
	if (!ms) {
		snprintf(buf, size, "-");
		return;
	}
	int64_t s = (time_now_ms() - ms) / 1000;
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, size, "%llds ago", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm ago", (long long)(s / 60));
	else if (s < 48 * 3600)
		snprintf(buf, size, "%lldh ago", (long long)(s / 3600));
	else if (s < 60 * 86400)
		snprintf(buf, size, "%lldd ago", (long long)(s / 86400));
	else {
		char when[32];
		config_time(ms, when, sizeof when);
		when[10] = '\0'; /* the date */
		snprintf(buf, size, "%s", when);
	}
}

/* The sparkline cell: the newest POINTS values and the last value. */
static void trend_cell(const struct pl_row *r, int points, int utf8, struct buf *out)
{
	if (!r->nhist) {
		buf_puts(out, "-");
		return;
	}
	int n = r->nhist < points ? r->nhist : points;
	const double *v = r->hist + (r->nhist - n);
	size_t size = (size_t)n * 3 + 1;
	char *spark = malloc(size);
	char last[32];
	fmt_metric(r->hist[r->nhist - 1], last, sizeof last);
	if (spark) {
		chart_spark(v, n, utf8, spark, size);
		buf_printf(out, "%s %s", spark, last);
	}
	free(spark);
}

/* Build the table's cells for a terminal COLS wide. */
static void build(struct pl_view *pv, struct tui *t)
{
	int keep = pv->tb.sel;
	table_clear(&pv->tb);
	pv->tb.cols = cols;
	pv->tb.ncols = NCOLS;
	pv->tb.status_col = C_STATUS;
	char run[32], when[32], ok[32], base[32];
	/* natural widths of the columns before the sparkline decide its length */
	int w[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		w[c] = fmt_width(cols[c].title) > cols[c].min ? fmt_width(cols[c].title) : cols[c].min;
	char **text = calloc((size_t)(pv->nrows ? pv->nrows : 1) * NCOLS, sizeof(char *));
	if (!text)
		return;
	for (int i = 0; i < pv->nrows; i++) {
		const struct store_pipeline *p = &pv->rows[i].p;
		snprintf(run, sizeof run, "%lld", (long long)p->run_count);
		age(p->last_started_ms, when, sizeof when);
		int64_t finished = p->completed_count + p->failed_count;
		if (finished)
			snprintf(ok, sizeof ok, "%.0f%%", 100.0 * (double)p->completed_count / (double)finished);
		else
			snprintf(ok, sizeof ok, "-");
		if (p->pinned_run_id)
			snprintf(base, sizeof base, "#%lld", (long long)p->pinned_run_id);
		else
			snprintf(base, sizeof base, "-");
		struct buf metric = BUF_INIT;
		if (pv->rows[i].step)
			buf_printf(&metric, "%s.%s", pv->rows[i].step, pv->rows[i].key);
		else
			buf_puts(&metric, "-");
		char **row = text + (size_t)i * NCOLS;
		row[C_NAME] = strdup(p->name);
		row[C_RUNS] = strdup(run);
		row[C_STATUS] = strdup(p->last_status ? p->last_status : "-");
		row[C_LAST] = strdup(when);
		row[C_SUCCESS] = strdup(ok);
		row[C_BASE] = strdup(base);
		row[C_METRIC] = buf_steal(&metric);
		for (int c = 0; c < C_TREND; c++) {
			int cw = row[c] ? fmt_width(row[c]) : 0;
			if (c == C_NAME && cw > 24)
				cw = 24; /* a long name gives way to the picture */
			if (c == C_METRIC && cw > 20)
				cw = 20;
			if (cw > w[c])
				w[c] = cw;
		}
	}
	int used = 0;
	for (int c = 0; c < C_TREND; c++)
		used += w[c] + 2;
	/* the sparkline, a space and a value of up to 8 columns */
	int points = t->cols - used - 9;
	if (points > SPARK_MAX)
		points = SPARK_MAX;
	if (points < SPARK_MIN)
		points = SPARK_MIN;
	for (int i = 0; i < pv->nrows; i++) {
		char **row = text + (size_t)i * NCOLS;
		struct buf trend = BUF_INIT;
		trend_cell(&pv->rows[i], points, t->utf8, &trend);
		row[C_TREND] = buf_steal(&trend);
		int attrs[NCOLS] = { 0 };
		attrs[C_STATUS] = tui_status_pair(pv->rows[i].p.last_status);
		attrs[C_BASE] = pv->rows[i].p.pinned_run_id ? PAIR_WARN : PAIR_DIM;
		attrs[C_TREND] = PAIR_HEAD;
		table_push_attrs(&pv->tb, row, attrs);
		for (int c = 0; c < NCOLS; c++)
			free(row[c]);
	}
	free(text);
	pv->tb.sel = keep < pv->tb.nrows ? keep : pv->tb.nrows - 1;
	if (pv->tb.sel < 0)
		pv->tb.sel = 0;
	pv->built_cols = t->cols;
}

static int pl_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct pl_view *pv = v->data;
	int shown = pv->nrows;
	pv->utf8 = t->utf8;
	int64_t sel_id = pv->nrows && pv->tb.sel < pv->nrows ? pv->rows[pv->tb.sel].p.id : 0;
	int sel = pv->tb.sel;
	rows_clear(pv);
	do {
		if (load_page(pv, t, err) < 0)
			return -1;
	} while (pv->more && pv->nrows < shown);
	/* the same pipeline stays selected (its place may have moved) */
	for (int i = 0; i < pv->nrows; i++)
		if (pv->rows[i].p.id == sel_id)
			sel = i;
	pv->tb.sel = sel < pv->nrows ? sel : pv->nrows - 1;
	if (pv->tb.sel < 0)
		pv->tb.sel = 0;
	pv->built_cols = 0;
	return 0;
}

static void pl_title(struct view *v, char *buf, size_t size)
{
	struct pl_view *pv = v->data;
	snprintf(buf, size, "Pipelines %s %d%s", pv->utf8 ? "—" : "-", pv->nrows,
		 pv->more ? "+" : "");
}

static void pl_recalc(struct view *v, struct tui *t)
{
	struct pl_view *pv = v->data;
	if (pv->built_cols != t->cols)
		build(pv, t);
}

static void pl_draw(struct view *v, struct tui *t)
{
	struct pl_view *pv = v->data;
	if (pv->nrows == 0) {
		tui_put(t, 2, 2, t->cols - 4, "No pipelines yet. Run one with: runlens run FILE", 0, 0);
		return;
	}
	table_paint(t, &pv->tb, 1, t->lines - 1);
}

/* `m`: choose the metric drawn for the selected pipeline among the
 * metrics of its last run. */
static int choose_metric(struct pl_view *pv, struct tui *t)
{
	if (pv->nrows == 0)
		return TUI_HANDLED;
	struct pl_row *r = &pv->rows[pv->tb.sel];
	struct rl_err err = RL_ERR_INIT;
	struct store_metric *m = NULL;
	int nm = 0, rc = TUI_REDRAW;
	char **items = NULL;
	if (!r->p.last_run_id) {
		tui_notice(t, "%s has no runs yet", r->p.name);
		return TUI_REDRAW;
	}
	if (store_run_metrics(t->store, r->p.last_run_id, &m, &nm, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		goto cleanup;
	}
	if (nm == 0) {
		tui_notice(t, "the last run of %s recorded no metrics", r->p.name);
		goto cleanup;
	}
	items = calloc((size_t)nm, sizeof(char *));
	if (!items)
		goto cleanup;
	int cur = 0;
	for (int i = 0; i < nm; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s.%s", m[i].step, m[i].key);
		items[i] = buf_steal(&b);
		if (r->step && !strcmp(r->step, m[i].step) && !strcmp(r->key, m[i].key))
			cur = i;
	}
	struct buf title = BUF_INIT;
	buf_printf(&title, "Metric to draw for %s", r->p.name);
	int k = tui_choose(t, title.data ? title.data : "Metric", items, nm, cur, NULL);
	buf_free(&title);
	if (k < 0)
		goto cleanup;
	struct pl_choice *c = (struct pl_choice *)choice_of(pv, r->p.id);
	if (!c) {
		struct pl_choice *cs =
			realloc(pv->choices, (size_t)(pv->nchoices + 1) * sizeof(*cs));
		if (!cs)
			goto cleanup;
		pv->choices = cs;
		c = &cs[pv->nchoices++];
		memset(c, 0, sizeof *c);
		c->pipeline_id = r->p.id;
	}
	free(c->step);
	free(c->key);
	c->step = strdup(m[k].step);
	c->key = strdup(m[k].key);
	if (load_metric(pv, t, r, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	pv->built_cols = 0;
cleanup:
	for (int i = 0; items && i < nm; i++)
		free(items[i]);
	free(items);
	store_metrics_free(m, nm);
	rl_err_clear(&err);
	return rc;
}

static int more_if_near_end(struct pl_view *pv, struct tui *t)
{
	if (!pv->more || pv->tb.sel < pv->nrows - (t->lines - 3))
		return 0;
	struct rl_err err = RL_ERR_INIT;
	if (load_page(pv, t, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
	return 1;
}

static int pl_open(struct view *v, struct tui *t, enum tui_action a)
{
	struct pl_view *pv = v->data;
	(void)a;
	if (pv->nrows)
		tui_push(t, view_runs_new(pv->rows[pv->tb.sel].p.id));
	return TUI_REDRAW;
}

static int pl_metric(struct view *v, struct tui *t, enum tui_action a)
{
	(void)a;
	return choose_metric(v->data, t);
}

static int pl_search(struct view *v, struct tui *t, enum tui_action a)
{
	struct pl_view *pv = v->data;
	if (pv->built_cols != t->cols)
		build(pv, t);
	if (!table_search_keys(t, &pv->tb, a, "/", pv->search, sizeof pv->search) && pv->search[0])
		tui_notice(t, "not found: %s", pv->search);
	return TUI_REDRAW;
}

static int pl_move(struct view *v, struct tui *t, enum tui_action a)
{
	struct pl_view *pv = v->data;
	if (pv->built_cols != t->cols)
		build(pv, t);
	int r = table_move(&pv->tb, a, t->lines - 3);
	if (r && more_if_near_end(pv, t)) {
		build(pv, t);
		if (a == ACT_END)
			table_move(&pv->tb, ACT_END, 0);
	}
	return r;
}

static int pl_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct pl_view *pv = v->data;
	(void)x;
	if (!table_click(&pv->tb, y))
		return TUI_HANDLED;
	more_if_near_end(pv, t);
	return dbl ? pl_open(v, t, ACT_OPEN) : TUI_REDRAW;
}

static void pl_free(struct view *v)
{
	struct pl_view *pv = v->data;
	rows_clear(pv);
	free(pv->rows);
	table_clear(&pv->tb);
	for (int i = 0; i < pv->nchoices; i++) {
		free(pv->choices[i].step);
		free(pv->choices[i].key);
	}
	free(pv->choices);
	free(pv);
}

static const struct view_action pl_actions[] = {
	VIEW_MOVES(pl_move, "pipeline", "pipelines"),
	{ .action = ACT_OPEN, .run = pl_open, .help = "the runs of the pipeline", .hint = "runs" },
	{ .action = ACT_METRIC, .run = pl_metric, .help = "choose the metric its sparkline draws",
	  .hint = "metric" },
	{ .action = ACT_SEARCH, .run = pl_search, .help = "search the pipelines", .hint = "search" },
	{ .action = ACT_NEXT, .run = pl_search, .help = "the next match" },
	{ .action = ACT_PREV, .run = pl_search, .help = "the previous match" },
};

const struct view_ops view_pipelines_ops = {
	.name = "Pipelines",
	.load = pl_load,
	.recalc = pl_recalc,
	.title = pl_title,
	.draw = pl_draw,
	.free = pl_free,
	.actions = pl_actions,
	.nactions = sizeof pl_actions / sizeof pl_actions[0],
	.click = pl_click,
};

struct view *view_pipelines_new(void)
{
	struct pl_view *pv = calloc(1, sizeof(*pv));
	if (pv)
		pv->tb.status_col = C_STATUS;
	return view_new(&view_pipelines_ops, pv, free);
}
