/* tui/view_compare_tables.c — the tables of the Compare view, built for a
 * screen size: the runs (references, then the run compared with them),
 * the params that differ (all with f), and the metrics: each run's value,
 * then per reference the delta, % and better/worse of the run against
 * it, as much of that as the width allows; and the rows each part gets. */
#include "config.h"
#include "tui/view_compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_config.h"
#include "util/buf.h"
#include "util/timeutil.h"

static const char *own_title(struct cmp_view *cv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *own_title(struct cmp_view *cv, const char *fmt, ...)
{
	char **ts = realloc(cv->titles, (size_t)(cv->ntitles + 1) * sizeof(char *));
	if (!ts)
		return "";
	cv->titles = ts;
	char buf[128]; /* "A #123", "Δ B" */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ts[cv->ntitles] = strdup(buf);
	return ts[cv->ntitles] ? ts[cv->ntitles++] : "";
}

void cmp_tables_clear(struct cmp_view *cv)
{
	table_clear(&cv->rtb);
	table_clear(&cv->ptb);
	table_clear(&cv->tb);
	free(cv->rcols);
	free(cv->pcols);
	free(cv->mcols);
	free(cv->pwidths);
	free(cv->mwidths);
	cv->rcols = cv->pcols = cv->mcols = NULL;
	cv->pwidths = cv->mwidths = NULL;
	cv->ptb.widths = cv->tb.widths = NULL;
	for (int i = 0; i < cv->ntitles; i++)
		free(cv->titles[i]);
	free(cv->titles);
	cv->titles = NULL;
	cv->ntitles = 0;
	cv->built_cols = 0;
}

/* "A #12": the title of shown run I's column. */
static const char *run_title(struct cmp_view *cv, int i)
{
	return own_title(cv, "%c #%lld", cmp_letter(i), (long long)cv->d.shown[i]->run.id);
}

static void build_runs(struct cmp_view *cv, int maxrows)
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
		const struct store_run *r = &cv->d.shown[i]->run;
		char l[2] = { cmp_letter(i), 0 }, id[32], when[32], took[32];
		if (i == maxrows - 1 && cv->d.n > maxrows) {
			/* no room for them all: the run compared, and how many
			 * references are not listed (their columns are below) */
			char more[64];
			snprintf(more, sizeof more, "+%d more (their columns below)",
				 cv->d.n - maxrows);
			char *cells[] = { "", "", more, "", "", "", "" };
			int attrs[] = { 0, 0, PAIR_DIM, 0, 0, 0, 0 };
			table_push_attrs(&cv->rtb, cells, attrs);
			i = cv->d.n - 1;
			r = &cv->d.shown[i]->run;
			l[0] = cmp_letter(i);
		}
		snprintf(id, sizeof id, "#%lld", (long long)r->id);
		config_time(r->started_ms, when, sizeof when);
		time_duration((r->ended_ms ? r->ended_ms : time_now_ms()) - r->started_ms, took,
			      sizeof took);
		char *cells[] = { l, id, r->name, r->status, when, took,
				  i < cv->d.k ? "reference" : "" };
		int attrs[] = { PAIR_WARN, 0, 0, tui_status_pair(r->status), 0, 0, PAIR_DIM };
		table_push_attrs(&cv->rtb, cells, attrs);
	}
	cv->rtb.sel = -1; /* nothing to select here */
}

/* One param's row: its value in each run, those that differ from the
 * run's (and the run's, then) highlighted. */
static void push_param(struct cmp_view *cv, const struct cmp_param *p, char **cells, int *attrs)
{
	int n = cv->d.n;
	const char *mine = p->val[n - 1];
	cells[0] = (char *)p->key;
	attrs[0] = 0;
	for (int i = 0; i < n; i++) {
		cells[i + 1] = p->val[i];
		attrs[i + 1] = strcmp(p->val[i], mine) || (i == n - 1 && p->differs) ? PAIR_WARN : 0;
	}
	table_push_attrs(&cv->ptb, cells, attrs);
}

/* The params that differ (all with `f`), at most MAXROWS rows (the last
 * one says how many more there are). */
static void build_params(struct cmp_view *cv, int maxrows)
{
	int n = cv->d.n, shown = cv->nparams_shown, rows = 0;
	cv->pcols = calloc((size_t)n + 1, sizeof(struct tui_col));
	char **cells = calloc((size_t)n + 1, sizeof(char *));
	int *attrs = calloc((size_t)n + 1, sizeof(int));
	if (!cv->pcols || !cells || !attrs)
		goto cleanup;
	cv->pcols[0] = (struct tui_col){ .title = "PARAM", .min = 5 };
	for (int i = 0; i < n; i++)
		cv->pcols[i + 1] = (struct tui_col){ .title = run_title(cv, i), .min = 4 };
	cv->ptb.cols = cv->pcols;
	cv->ptb.ncols = n + 1;
	cv->ptb.status_col = -1;
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
		push_param(cv, p, cells, attrs);
		rows++;
	}
	cv->ptb.sel = -1;
cleanup:
	free(cells);
	free(attrs);
}

/* The text of one metric row: each run's value, and per reference the
 * delta, % and verdict of the pair and its colour. */
struct parts {
	char **val;	      /* n */
	char **delta, **pct;  /* k */
	const char **verdict; /* k */
	int *pair;	      /* k */
};

static void parts_free(struct parts *p, int n, int k)
{
	for (int i = 0; p->val && i < n; i++)
		free(p->val[i]);
	for (int i = 0; p->delta && p->pct && i < k; i++) {
		free(p->delta[i]);
		free(p->pct[i]);
	}
	free(p->val);
	free(p->delta);
	free(p->pct);
	free(p->verdict);
	free(p->pair);
}

static void pair_parts(const struct compare_metric *m, struct parts *p, int i)
{
	char buf[64];
	p->verdict[i] = "";
	if (!m || m->result == COMPARE_MISSING)
		return;
	if (m->result == COMPARE_SAME) {
		p->delta[i] = strdup("=");
		p->pct[i] = strdup("");
		return;
	}
	fmt_metric(fabs(m->delta), buf, sizeof buf);
	struct buf d = BUF_INIT;
	buf_printf(&d, "%s%s", m->delta > 0 ? "+" : m->delta < 0 ? "-" : "", buf);
	p->delta[i] = buf_steal(&d);
	if (m->has_pct)
		snprintf(buf, sizeof buf, fabs(m->pct) < 1000 ? "%+.1f%%" : "%+.0f%%", m->pct);
	else
		buf[0] = '\0';
	p->pct[i] = strdup(buf);
	p->verdict[i] = compare_result_name(m->result);
	p->pair[i] = m->result == COMPARE_BETTER ? PAIR_BETTER : PAIR_WORSE;
}

static int parts_fill(const struct cmp_view *cv, const struct cmp_row *row, struct parts *p)
{
	int n = cv->d.n, k = cv->d.k;
	p->val = calloc((size_t)n, sizeof(char *));
	p->delta = calloc((size_t)k, sizeof(char *));
	p->pct = calloc((size_t)k, sizeof(char *));
	p->verdict = calloc((size_t)k, sizeof(char *));
	p->pair = calloc((size_t)k, sizeof(int));
	if (!p->val || !p->delta || !p->pct || !p->verdict || !p->pair)
		return -1;
	char buf[64];
	for (int i = 0; i < n; i++) {
		if (row->m[i])
			fmt_metric(row->m[i]->value, buf, sizeof buf);
		p->val[i] = strdup(row->m[i] ? buf : "-");
	}
	for (int i = 0; i < k; i++)
		pair_parts(row->pm[i], p, i);
	return 0;
}

/* What of the delta (D), % (P) and verdict (V) columns fits. */
struct shown_parts {
	int d, p, v;
};

static int width_of(const char *s)
{
	return s ? fmt_width(s) : 0;
}

static struct shown_parts fit_parts(const struct cmp_view *cv, const struct tui *t,
				    const struct parts *ps, const char *dtitle)
{
	int n = cv->d.n, k = cv->d.k, wname = 6, wverd = 0;
	int wv[CMP_MAX_RUNS] = { 0 }, wd[CMP_MAX_RUNS] = { 0 }, wp[CMP_MAX_RUNS] = { 0 };
	for (int i = 0; i < n; i++)
		wv[i] = fmt_width(cv->mcols[1 + i].title);
	for (int i = 0; i < k; i++) {
		wd[i] = fmt_width(dtitle) + (k > 1 ? 2 : 0); /* "Δ B" */
		wp[i] = k > 1 ? 3 : 1;
	}
	for (int r = 0; r < cv->nvis; r++) {
		int w = fmt_width(cv->d.rows[cv->vis[r]].name);
		wname = w > wname ? w : wname;
		for (int i = 0; ps[r].val && i < n; i++)
			wv[i] = width_of(ps[r].val[i]) > wv[i] ? width_of(ps[r].val[i]) : wv[i];
		for (int i = 0; ps[r].val && i < k; i++) {
			wd[i] = width_of(ps[r].delta[i]) > wd[i] ? width_of(ps[r].delta[i]) : wd[i];
			wp[i] = width_of(ps[r].pct[i]) > wp[i] ? width_of(ps[r].pct[i]) : wp[i];
			wverd = ps[r].verdict[i][0] ? 6 : wverd;
		}
	}
	wname = wname > 32 ? 32 : wname;
	/* what fits: delta, % and verdict; then drop one; then % only; when
	 * even that does not fit, all of it, scrolling sideways */
	struct shown_parts s = { 1, 1, wverd > 0 };
	for (int level = 2; level >= 0; level--) {
		s = (struct shown_parts){ level == 2 || (level == 1 && t->color), 1,
					  wverd > 0 && (level == 2 || (level == 1 && !t->color)) };
		int total = wname;
		for (int i = 0; i < n; i++)
			total += 2 + wv[i];
		for (int i = 0; i < k; i++)
			total += (s.d ? 2 + wd[i] : 0) + (s.p ? 2 + wp[i] : 0) + (s.v ? 2 + wverd : 0);
		if (total <= t->cols)
			return s;
	}
	return (struct shown_parts){ 1, 1, wverd > 0 };
}

/* The metrics table's columns: METRIC, the values, then per reference
 * what of its delta, % and verdict is shown. */
static int metric_columns(struct cmp_view *cv, struct shown_parts s, const char *dtitle)
{
	int n = cv->d.n, k = cv->d.k, c = 0;
	int ncols = 1 + n + k * (s.d + s.p + s.v);
	struct tui_col *cols = realloc(cv->mcols, (size_t)ncols * sizeof(*cols));
	if (!cols)
		return -1;
	cv->mcols = cols;
	c = 1 + n;
	for (int i = 0; i < k; i++) {
		/* several references: each delta says which one */
		char l = k > 1 ? cmp_letter(i) : ' ';
		if (s.d)
			cols[c++] = (struct tui_col){ .title = k > 1 ? own_title(cv, "%s %c", dtitle, l)
								     : dtitle,
						      .min = 1, .right = 1 };
		if (s.p)
			cols[c++] = (struct tui_col){ .title = k > 1 ? own_title(cv, "%% %c", l) : "%",
						      .min = 1, .right = 1 };
		if (s.v)
			cols[c++] = (struct tui_col){ .title = "", .min = 6 };
	}
	cv->tb.cols = cols;
	cv->tb.ncols = ncols;
	cv->tb.status_col = -1;
	return 0;
}

static void push_metric(struct cmp_view *cv, const struct cmp_row *row, const struct parts *p,
			struct shown_parts s, char **cells, int *attrs)
{
	int c = 0;
	attrs[c] = 0;
	cells[c++] = (char *)row->name;
	for (int i = 0; i < cv->d.n; i++) {
		attrs[c] = 0;
		cells[c++] = p->val[i];
	}
	for (int i = 0; i < cv->d.k; i++) {
		const char *pct = p->pct[i] ? p->pct[i] : "";
		/* no room for the delta: the % says it, or the delta when
		 * there is no % (a base of 0) */
		if (!s.d && !*pct && p->delta[i])
			pct = p->delta[i];
		if (s.d) {
			attrs[c] = p->pair[i];
			cells[c++] = p->delta[i] ? p->delta[i] : "";
		}
		if (s.p) {
			attrs[c] = p->pair[i];
			cells[c++] = (char *)pct;
		}
		if (s.v) {
			attrs[c] = p->pair[i];
			cells[c++] = (char *)p->verdict[i];
		}
	}
	table_push_attrs(&cv->tb, cells, attrs);
}

static void build_metrics(struct cmp_view *cv, struct tui *t)
{
	int n = cv->d.n, nv = cv->nvis, ok = 1;
	const char *dtitle = t->utf8 ? "Δ" : "DELTA";
	struct parts *ps = calloc((size_t)(nv ? nv : 1), sizeof(*ps));
	cv->mcols = calloc((size_t)n + 1, sizeof(struct tui_col));
	if (!ps || !cv->mcols)
		goto cleanup;
	cv->mcols[0] = (struct tui_col){ .title = "METRIC", .min = 6, .grow = 1 };
	for (int i = 0; i < n; i++)
		cv->mcols[1 + i] = (struct tui_col){ .title = run_title(cv, i), .min = 4, .right = 1 };
	for (int r = 0; r < nv; r++)
		ok &= parts_fill(cv, &cv->d.rows[cv->vis[r]], &ps[r]) == 0;
	if (!ok)
		goto cleanup;
	struct shown_parts s = fit_parts(cv, t, ps, dtitle);
	if (metric_columns(cv, s, dtitle) < 0)
		goto cleanup;
	char **cells = calloc((size_t)cv->tb.ncols, sizeof(char *));
	int *attrs = calloc((size_t)cv->tb.ncols, sizeof(int));
	for (int r = 0; cells && attrs && r < nv; r++)
		push_metric(cv, &cv->d.rows[cv->vis[r]], &ps[r], s, cells, attrs);
	free(cells);
	free(attrs);
cleanup:
	for (int r = 0; ps && r < nv; r++)
		parts_free(&ps[r], n, cv->d.k);
	free(ps);
}

void cmp_layout(const struct cmp_view *cv, const struct tui *t, struct cmp_layout *L)
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
	if (left - want >= CMP_PLOT_MIN) {
		L->table_h = want;
	} else if (left - CMP_PLOT_MIN >= 4) {
		L->table_h = left - CMP_PLOT_MIN;
	} else {
		L->table_h = left;
		return;
	}
	if (!cv->nvis)
		return;
	L->plot_y = L->table_y + L->table_h + 1;
	L->plot_h = bottom - L->plot_y;
	if (L->plot_h > CMP_PLOT_ROWS_MAX + 2)
		L->plot_h = CMP_PLOT_ROWS_MAX + 2;
}

/* A table wider than the screen keeps its columns' widths and scrolls
 * sideways past its first column (the names), where it was scrolled to. */
static void scroll_if_wide(struct tui_table *tb, int **widths, struct tui *t)
{
	int total = 0, keep = tb->hscroll;
	*widths = tb->ncols ? table_natural(tb, 32, &total) : NULL;
	if (!*widths || total <= t->cols) {
		free(*widths);
		*widths = NULL;
		tb->widths = NULL;
		tb->more_left = tb->more_right = 0;
		return;
	}
	tb->widths = *widths;
	tb->frozen = 1;
	tb->hscroll = keep > 1 && keep < tb->ncols ? keep : 1;
}

void cmp_build(struct cmp_view *cv, struct tui *t)
{
	int keep = cv->tb.sel;
	cmp_tables_clear(cv);
	/* the params' rows depend on the room the layout leaves them */
	cv->nparams_shown = 0;
	for (int k = 0; k < cv->d.nparams; k++)
		cv->nparams_shown += cv->all || cv->d.params[k].differs;
	cmp_layout(cv, t, &cv->L);
	build_runs(cv, cv->L.runs_h - 1);
	build_params(cv, cv->L.params_h - 1);
	build_metrics(cv, t);
	scroll_if_wide(&cv->ptb, &cv->pwidths, t);
	scroll_if_wide(&cv->tb, &cv->mwidths, t);
	cv->tb.sel = keep < cv->tb.nrows ? keep : cv->tb.nrows - 1;
	if (cv->tb.sel < 0)
		cv->tb.sel = 0;
	cv->built_cols = t->cols;
	cv->built_lines = t->lines;
}
