/* tui/view_sweep.c — a sweep as a group: its runs ranked by a metric
 * (the best marked), each param of the grid against that metric, and the
 * parallel coordinates of params and metric, as `runlens sweeps S` shows
 * them: core/sweep.h ranks, util/plot.h draws the plots as text (ASCII
 * without UTF-8); this view lays them out and scrolls. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/columns.h"
#include "core/sweep.h"
#include "tui/internal.h"
#include "tui/widget_dialog.h"
#include "tui/widget_table.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/plot.h"

struct sweep_tui {
	int64_t sweep_id;
	char *metric; /* ranked by (NULL: the default) */
	struct sweep_view *v;
	struct tui_table tb;
	struct tui_col *cols;
	int *widths;
	char **titles;
	int ncols;
	int plot; /* 0..nparams-1: that param's scatter; nparams: parallel coordinates */
	struct plot_lines lines;
	int plot_w, plot_h, plot_for; /* what the lines were drawn for */
};

static void plot_clear(struct sweep_tui *sw)
{
	plot_lines_free(&sw->lines);
	sw->plot_for = -1;
}

static void table_free_cols(struct sweep_tui *sw)
{
	table_clear(&sw->tb);
	for (int i = 0; sw->titles && i < sw->ncols; i++)
		free(sw->titles[i]);
	free(sw->titles);
	free(sw->cols);
	free(sw->widths);
	sw->titles = NULL;
	sw->cols = NULL;
	sw->widths = NULL;
	sw->ncols = 0;
}

/* The column names of the ranking: the grid's params, the metric, the
 * other metrics. */
static const char *col_name(const struct sweep_view *v, int c)
{
	if (c < v->nparams)
		return v->params[c];
	c -= v->nparams;
	if (v->metric && c == 0)
		return v->metric;
	c -= v->metric != NULL;
	for (int i = 0; i < v->nmetrics; i++)
		if (v->metrics[i] != v->metric && c-- == 0)
			return v->metrics[i];
	return "";
}

static char *cell_text(const struct sweep_view *v, int row, const char *col)
{
	struct columns_value cv;
	char buf[64];
	columns_cell(v->table, row, col, &cv);
	if (cv.kind == COLV_NONE)
		return strdup("-");
	if (cv.kind == COLV_TEXT)
		return strdup(cv.text ? cv.text : "");
	if (cv.kind == COLV_JSON)
		return json_print(cv.json, 0);
	if (columns_kind_of(col, NULL) == COLK_METRIC)
		fmt_metric(cv.num, buf, sizeof buf);
	else
		num_shortest(cv.num, buf);
	return strdup(buf);
}

/* The ranking as a table: RANK, ID, NAME frozen; the others scroll. */
static int build_table(struct sweep_tui *sw, struct tui *t)
{
	const struct sweep_view *v = sw->v;
	int extra = v->nparams + v->nmetrics, nc = 4 + extra;
	sw->cols = calloc((size_t)nc, sizeof *sw->cols);
	sw->widths = calloc((size_t)nc, sizeof *sw->widths);
	sw->titles = calloc((size_t)nc, sizeof *sw->titles);
	char **cells = calloc((size_t)nc, sizeof *cells);
	int *attrs = calloc((size_t)nc, sizeof *attrs);
	char **names = calloc((size_t)extra + 1, sizeof *names);
	if (!sw->cols || !sw->widths || !sw->titles || !cells || !attrs || !names) {
		free(cells);
		free(attrs);
		free(names);
		return -1;
	}
	sw->ncols = nc;
	static const char *const head[] = { "RANK", "ID", "NAME", "STATUS" };
	for (int c = 0; c < extra; c++)
		names[c] = (char *)col_name(v, c);
	for (int c = 0; c < nc; c++)
		sw->titles[c] = strdup(c < 4 ? head[c] : names[c - 4]);
	sw->tb.cols = sw->cols;
	sw->tb.ncols = nc;
	for (int r = 0; r < v->nruns; r++) {
		int row = v->order[r];
		char rank[16], id[32];
		snprintf(rank, sizeof rank, "%d%s", r + 1, row == v->best ? "*" : "");
		snprintf(id, sizeof id, "%lld", (long long)v->runs[row].id);
		cells[0] = strdup(rank);
		cells[1] = strdup(id);
		cells[2] = strdup(v->runs[row].name);
		cells[3] = strdup(v->runs[row].status);
		attrs[0] = row == v->best ? PAIR_BETTER : 0;
		attrs[3] = tui_status_pair(v->runs[row].status);
		for (int c = 4; c < nc; c++)
			cells[c] = cell_text(v, row, names[c - 4]);
		table_push_attrs(&sw->tb, cells, attrs);
		if (row == v->best)
			sw->tb.marked[sw->tb.nrows - 1] = 1;
		for (int c = 0; c < nc; c++) {
			int w = cells[c] ? fmt_width(cells[c]) : 0;
			sw->widths[c] = w > sw->widths[c] ? w : sw->widths[c];
			free(cells[c]);
			cells[c] = NULL;
		}
	}
	for (int c = 0; c < nc; c++) {
		int hw = fmt_width(sw->titles[c]);
		int room = hw < 16 ? hw : 16; /* a header is widened up to 16 first */
		if (c >= 4 && hw > sw->widths[c] && hw > room) {
			int w = sw->widths[c] > room ? sw->widths[c] : room;
			char *h = columns_header(names[c - 4], w, names, extra, t->utf8);
			if (h) {
				free(sw->titles[c]);
				sw->titles[c] = h;
				hw = fmt_width(h);
			}
		}
		sw->widths[c] = hw > sw->widths[c] ? hw : sw->widths[c];
		if (c == 2 && sw->widths[c] > 32)
			sw->widths[c] = 32;
		sw->cols[c] = (struct tui_col){ .title = sw->titles[c], .min = sw->widths[c],
						.right = c < 2 || c >= 4 + v->nparams };
	}
	sw->tb.widths = sw->widths;
	sw->tb.frozen = 3;
	sw->tb.hscroll = 3;
	sw->tb.status_col = -1;
	free(cells);
	free(attrs);
	free(names);
	return 0;
}

static int sweep_load(struct view *view, struct tui *t, struct rl_err *err)
{
	struct sweep_tui *sw = view->data;
	struct sweep_view *v = NULL;
	if (sweep_settle(t->store, NULL) < 0 ||
	    sweep_view_new(t->store, sw->sweep_id, sw->metric, &v, err) < 0)
		return -1;
	int sel = sw->tb.sel, hs = sw->tb.hscroll;
	table_free_cols(sw);
	plot_clear(sw);
	sweep_view_free(&sw->v);
	sw->v = v;
	if (build_table(sw, t) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	sw->tb.sel = sel < sw->tb.nrows ? sel : 0;
	sw->tb.hscroll = hs > sw->tb.frozen ? hs : sw->tb.frozen;
	if (sw->plot > v->nparams)
		sw->plot = 0;
	return 0;
}

/* The rows of the table, then of the plot. */
static int table_rows_for(const struct sweep_tui *sw, const struct tui *t)
{
	int avail = t->lines - 2, want = 1 + (sw->tb.nrows ? sw->tb.nrows : 1);
	int half = avail / 2 > 4 ? avail / 2 : avail;
	return want < half ? want : half;
}

/* The plot's lines for the screen: a scatter of param PLOT against the
 * metric, or the parallel coordinates. */
static void sweep_recalc(struct view *view, struct tui *t)
{
	struct sweep_tui *sw = view->data;
	const struct sweep_view *v = sw->v;
	int h = t->lines - 2 - table_rows_for(sw, t) - 5, w = t->cols - 16;
	if (!v || !v->metric || v->nruns < 2 || h < 3 || w < 10) {
		plot_clear(sw);
		return;
	}
	if (sw->plot_for == sw->plot && sw->plot_w == w && sw->plot_h == h)
		return;
	plot_clear(sw);
	int n = v->nparams;
	struct plot_axis m, *axes = calloc((size_t)n + 1, sizeof *axes);
	if (!axes || sweep_view_axis(v, v->metric, &m) < 0) {
		free(axes);
		return;
	}
	for (int i = 0; i < n; i++)
		if (sweep_view_axis(v, v->params[i], &axes[i]) < 0)
			n = i;
	axes[n] = m;
	if (sw->plot < n)
		plot_scatter(&axes[sw->plot], &m, v->nruns, v->best, w, h, t->utf8, &sw->lines);
	else if (n > 0)
		plot_parallel(axes, n + 1, v->nruns, v->best, t->cols - 4, h, t->utf8, &sw->lines);
	for (int i = 0; i <= n; i++)
		sweep_axis_free(&axes[i]);
	free(axes);
	sw->plot_for = sw->plot;
	sw->plot_w = w;
	sw->plot_h = h;
}

static void sweep_title(struct view *view, char *buf, size_t size)
{
	struct sweep_tui *sw = view->data;
	const struct sweep_view *v = sw->v;
	if (!v) {
		snprintf(buf, size, "Sweep %lld", (long long)sw->sweep_id);
		return;
	}
	snprintf(buf, size, "Sweep %lld %s of %s · %s · %d/%d runs · ranked by %s%s",
		 (long long)v->sweep.id, v->sweep.name, v->sweep.pipeline, v->sweep.status,
		 v->sweep.runs, v->sweep.planned, v->metric ? v->metric : "(no metric)",
		 v->metric ? (v->dir > 0 ? " (higher is better)" : " (lower is better)") : "");
}

static void sweep_draw(struct view *view, struct tui *t)
{
	struct sweep_tui *sw = view->data;
	const struct sweep_view *v = sw->v;
	if (!v || !sw->tb.nrows) {
		tui_put(t, 2, 2, t->cols - 4, "No run of this sweep was recorded.", PAIR_DIM, 0);
		return;
	}
	int rows = table_rows_for(sw, t), y = 1 + rows + 1;
	table_paint(t, &sw->tb, 1, 1 + rows);
	if (!v->metric) {
		tui_put(t, y, 1, t->cols - 2, "No run of the sweep has a metric to plot.", PAIR_DIM, 0);
		return;
	}
	struct buf head = BUF_INIT;
	if (sw->plot < v->nparams)
		buf_printf(&head, "plot %d of %d: %s against %s · %s: the next plot", sw->plot + 1,
			   v->nparams + 1, v->params[sw->plot], v->metric, keys_label(ACT_PLOT));
	else
		buf_printf(&head, "plot %d of %d: parallel coordinates, * the best run · %s: the next",
			   v->nparams + 1, v->nparams + 1, keys_label(ACT_PLOT));
	tui_put(t, y, 1, t->cols - 2, head.data, PAIR_HEAD, 0);
	buf_free(&head);
	for (int i = 0; i < sw->lines.n && y + 1 + i < t->lines - 1; i++)
		tui_put(t, y + 1 + i, 2, t->cols - 3, sw->lines.v[i], 0, 0);
}

static int sweep_move(struct view *view, struct tui *t, enum tui_action a)
{
	struct sweep_tui *sw = view->data;
	return table_move(&sw->tb, a, table_rows_for(sw, t) - 1);
}

static int sweep_side(struct view *view, struct tui *t, enum tui_action a)
{
	struct sweep_tui *sw = view->data;
	(void)t;
	return table_hscroll(&sw->tb, a == ACT_RIGHT ? 1 : -1) | TUI_REDRAW;
}

/* P: the next plot. */
static int sweep_next_plot(struct view *view, struct tui *t, enum tui_action a)
{
	struct sweep_tui *sw = view->data;
	(void)t, (void)a;
	if (sw->v)
		sw->plot = (sw->plot + 1) % (sw->v->nparams + 1);
	return TUI_REDRAW;
}

/* m (and s, which sorts): rank by another metric. */
static int sweep_rank_by(struct view *view, struct tui *t, enum tui_action a)
{
	struct sweep_tui *sw = view->data;
	(void)a;
	if (!sw->v || sw->v->nmetrics == 0) {
		tui_notice(t, "no metric to rank by");
		return TUI_REDRAW;
	}
	int k = tui_choose(t, "Rank the runs by", sw->v->metrics, sw->v->nmetrics, 0, NULL);
	if (k < 0)
		return TUI_REDRAW;
	free(sw->metric);
	sw->metric = strdup(sw->v->metrics[k]);
	return TUI_RELOAD;
}

static int sweep_open(struct view *view, struct tui *t, enum tui_action a)
{
	struct sweep_tui *sw = view->data;
	(void)a;
	if (sw->v && sw->tb.nrows)
		tui_push(t, view_run_new(sw->v->runs[sw->v->order[sw->tb.sel]].id));
	return TUI_REDRAW;
}

/* c: the selected run against the best one. */
static int sweep_compare(struct view *view, struct tui *t, enum tui_action a)
{
	struct sweep_tui *sw = view->data;
	(void)a;
	if (!sw->v || !sw->tb.nrows || sw->v->best < 0)
		return TUI_HANDLED;
	int64_t run = sw->v->runs[sw->v->order[sw->tb.sel]].id;
	int64_t best = sw->v->runs[sw->v->best].id;
	if (run == best) {
		tui_notice(t, "this is the best run: select another to compare with it");
		return TUI_REDRAW;
	}
	tui_push(t, view_compare_new(run, &best, 1));
	return TUI_REDRAW;
}

static void sweep_free_data(void *data)
{
	struct sweep_tui *sw = data;
	table_free_cols(sw);
	plot_clear(sw);
	sweep_view_free(&sw->v);
	free(sw->metric);
	free(sw);
}

static void sweep_free(struct view *v)
{
	sweep_free_data(v->data);
}

static const struct view_action sweep_actions[] = {
	{ .action = ACT_OPEN, .run = sweep_open, .help = "open the run", .hint = "open" },
	{ .action = ACT_METRIC, .run = sweep_rank_by, .help = "rank the runs by another metric",
	  .hint = "metric" },
	{ .action = ACT_SORT, .run = sweep_rank_by,
	  .help = "sort: rank the runs by another metric (as m)" },
	{ .action = ACT_PLOT, .run = sweep_next_plot,
	  .help = "the next plot: a param vs the metric, or all",
	  .hint = "plot" },
	{ .action = ACT_COMPARE, .run = sweep_compare, .help = "compare the run with the best one",
	  .hint = "vs best" },
	{ .action = ACT_LEFT, .run = sweep_side, .help = "scroll the columns left",
	  .hint = "columns" },
	{ .action = ACT_RIGHT, .run = sweep_side, .help = "scroll the columns right",
	  .hint = "columns" },
	VIEW_MOVES(sweep_move, "run", "runs"),
};

static int64_t sweep_run_of(struct view *view)
{
	struct sweep_tui *sw = view->data;
	return sw->v && sw->tb.nrows ? sw->v->runs[sw->v->order[sw->tb.sel]].id : 0;
}

const struct view_ops view_sweep_ops = {
	.name = "Sweep",
	.run_of = sweep_run_of,
	.load = sweep_load,
	.recalc = sweep_recalc,
	.title = sweep_title,
	.draw = sweep_draw,
	.free = sweep_free,
	.actions = sweep_actions,
	.nactions = sizeof sweep_actions / sizeof sweep_actions[0],
	.help_note = { "ranked as runlens sweeps S ranks them,",
		       "the best marked *" },
};

struct view *view_sweep_new(int64_t sweep_id)
{
	struct sweep_tui *sw = calloc(1, sizeof *sw);
	if (sw) {
		sw->sweep_id = sweep_id;
		sw->plot_for = -1;
	}
	return view_new(&view_sweep_ops, sw, sweep_free_data);
}
