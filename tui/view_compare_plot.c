/* tui/view_compare_plot.c — the chart under the Compare view's tables:
 * the selected metric's history across the recent runs of the compared
 * run's pipeline, the compared runs' points marked with their letters;
 * or (m) the series of the first two runs that have one, on one scale.
 * The data is read when the selection or the mode changes, the charts
 * computed for the screen (the chart widget), then painted. */
#include "config.h"
#include "tui/view_compare.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define HIST_MAX 512	 /* points of history read; the plot shows the newest that fit */
#define SERIES_MAX 20000 /* points of a series read */
#define STRETCH_MAX 6	 /* columns per point when there are few */

static const struct chart_style history_style = {
	.label_w = CMP_LABEL_W, .xaxis = CHART_XLINE, .stretch_max = STRETCH_MAX,
};
/* The computed charts and their title. */
static void charts_clear(struct cmp_view *cv)
{
	for (int i = 0; i < 2; i++)
		chart_clear(&cv->chart[i]);
	cv->ncharts = 0;
	plot_lines_free(&cv->overlay);
	free(cv->plot_title);
	cv->plot_title = NULL;
	cv->plot_msg = NULL;
}

void cmp_plot_clear(struct cmp_view *cv)
{
	free(cv->hist);
	cv->hist = NULL;
	cv->nhist = 0;
	for (int i = 0; i < cv->nsers; i++)
		free(cv->ser[i]);
	free(cv->ser);
	free(cv->nser);
	free(cv->ser_run);
	free(cv->ser_count);
	cv->ser = NULL;
	cv->nser = cv->ser_run = NULL;
	cv->ser_count = NULL;
	cv->nsers = 0;
	cv->plot_row = -1;
	charts_clear(cv);
}

/* The series of metric ROW of shown run I into slot K. */
static int fetch_series(struct cmp_view *cv, struct tui *t, const struct cmp_row *r, int i,
			struct rl_err *err)
{
	struct store_step_run sr;
	memset(&sr, 0, sizeof sr);
	struct store_metric_point *pts = NULL;
	int np = 0, k = cv->nsers;
	if (store_step_run_get(t->store, cv->d.shown[i]->run.id, r->step, &sr, err) < 0)
		return -1;
	int rc = store_metric_series(t->store, sr.id, r->key, INT64_MIN, SERIES_MAX, &pts, &np, err);
	store_step_run_clear(&sr);
	if (rc < 0)
		return -1;
	if (k == 0) {
		cv->ser = calloc((size_t)cv->d.n, sizeof *cv->ser);
		cv->nser = calloc((size_t)cv->d.n, sizeof *cv->nser);
		cv->ser_run = calloc((size_t)cv->d.n, sizeof *cv->ser_run);
		cv->ser_count = calloc((size_t)cv->d.n, sizeof *cv->ser_count);
		if (!cv->ser || !cv->nser || !cv->ser_run || !cv->ser_count) {
			free(pts);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
	}
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
	return 0;
}

/* The history of metric R in the compared run's pipeline, up to the
 * newest compared run in it. */
static int fetch_history(struct cmp_view *cv, struct tui *t, const struct cmp_row *r,
			 struct rl_err *err)
{
	const struct store_run *run = &cv->d.c->run.run, *newest = run;
	for (int i = 0; i < cv->d.n; i++) {
		const struct store_run *x = &cv->d.shown[i]->run;
		if (x->pipeline_id == run->pipeline_id &&
		    (x->started_ms > newest->started_ms ||
		     (x->started_ms == newest->started_ms && x->id > newest->id)))
			newest = x;
	}
	return store_metric_history(t->store, run->pipeline_id, r->step, r->key, newest->id,
				    HIST_MAX, &cv->hist, &cv->nhist, err);
}

int cmp_plot_fetch(struct cmp_view *cv, struct tui *t, struct rl_err *err)
{
	int row = cmp_selected_row(cv);
	if (row >= 0 && !cv->d.rows[row].series)
		cv->series_mode = 0;
	if (row == cv->plot_row && cv->series_mode == cv->plot_series)
		return 0;
	cmp_plot_clear(cv);
	if (row < 0)
		return 0;
	const struct cmp_row *r = &cv->d.rows[row];
	cv->plot_row = row;
	cv->plot_series = cv->series_mode;
	if (!cv->series_mode)
		return fetch_history(cv, t, r, err);
	/* the series of every run that has it */
	for (int i = 0; i < cv->d.n; i++)
		if (r->m[i] && r->m[i]->is_series && fetch_series(cv, t, r, i, err) < 0)
			return -1;
	return 0;
}

static void layout_history(struct cmp_view *cv, struct tui *t, const struct cmp_row *row, int ch)
{
	int pw = t->cols - CMP_LABEL_W - 2;
	int np = cv->nhist < pw ? cv->nhist : pw, off = cv->nhist - np;
	const char *dot = t->utf8 ? "·" : "-";
	struct buf title = BUF_INIT;
	buf_printf(&title, "%s in the last %d runs of %s %s %s", row->name, np,
		   cv->d.c->run.run.pipeline, dot,
		   row->dir == COMPARE_HIGHER ? "higher is better" : "lower is better");
	if (row->series)
		buf_printf(&title, " %s %s: series", dot, keys_label(ACT_PLOT));
	cv->plot_title = buf_steal(&title);
	double *pts = np > 0 && ch >= 1 ? malloc((size_t)np * sizeof(double)) : NULL;
	struct chart *c = &cv->chart[0];
	for (int i = 0; pts && i < np; i++)
		pts[i] = cv->hist[off + i].value;
	if (!pts || chart_compute(c, pts, np, t->cols - 1, ch, t->utf8, &history_style, NULL) < 0) {
		cv->plot_msg = "no history of this metric in the pipeline";
		free(pts);
		return;
	}
	free(pts);
	/* the compared runs: their columns in another colour, their letters
	 * under them */
	for (int i = 0; i < np; i++)
		for (int r = 0; r < cv->d.n; r++)
			if (cv->hist[off + i].run_id == cv->d.shown[r]->run.id) {
				char l[2] = { cmp_letter(r), 0 };
				chart_color_point(c, i, PAIR_WARN);
				chart_note(c, chart_point_col(c, i), 1, l, PAIR_WARN, A_BOLD);
			}
	/* which way time goes, when there is room to the right */
	if (c->used + 4 < c->plot_w)
		chart_note(c, c->used + 2, c->plot_w - c->used - 2,
			   t->utf8 ? "(oldest → newest)" : "(oldest -> newest)", PAIR_DIM, 0);
	cv->chart_x[0] = 0;
	cv->chart_pair[0] = PAIR_HEAD;
	cv->ncharts = 1;
}

/* Every run's series on one scale, each drawn with its letter. */
static void layout_series(struct cmp_view *cv, struct tui *t, const struct cmp_row *row, int ch)
{
	struct buf title = BUF_INIT;
	int cut = 0;
	int fewest = 0, most = 0;
	for (int i = 0; i < cv->nsers; i++) {
		cut |= cv->ser_count[i] > cv->nser[i];
		fewest = !i || cv->nser[i] < fewest ? cv->nser[i] : fewest;
		most = cv->nser[i] > most ? cv->nser[i] : most;
	}
	buf_printf(&title, "%s series of", row->name);
	if (cv->nsers <= 4)
		for (int i = 0; i < cv->nsers; i++)
			buf_printf(&title, "%s %c #%lld (%d)", i ? "," : "", cmp_letter(cv->ser_run[i]),
				   (long long)cv->d.shown[cv->ser_run[i]]->run.id, cv->nser[i]);
	else if (fewest == most)
		buf_printf(&title, " %d runs, %c to %c, %d points each", cv->nsers,
			   cmp_letter(cv->ser_run[0]), cmp_letter(cv->ser_run[cv->nsers - 1]), most);
	else
		buf_printf(&title, " %d runs, %c to %c, %d to %d points", cv->nsers,
			   cmp_letter(cv->ser_run[0]), cmp_letter(cv->ser_run[cv->nsers - 1]), fewest,
			   most);
	buf_printf(&title, " on one scale%s %s %s: history", cut ? " (their first points)" : "",
		   t->utf8 ? "·" : "-", keys_label(ACT_PLOT));
	cv->plot_title = buf_steal(&title);
	if (cv->nsers == 0 || ch < 2)
		return;
	struct plot_series *s = calloc((size_t)cv->nsers, sizeof *s);
	if (!s)
		return;
	for (int i = 0; i < cv->nsers; i++)
		s[i] = (struct plot_series){ cv->ser[i], cv->nser[i], cmp_letter(cv->ser_run[i]) };
	if (plot_overlay(s, cv->nsers, t->cols - CMP_LABEL_W - 4, ch - 1, t->utf8, &cv->overlay) < 0)
		cv->plot_msg = "out of memory";
	free(s);
}

void cmp_plot_layout(struct cmp_view *cv, struct tui *t)
{
	charts_clear(cv);
	int row = cmp_selected_row(cv);
	if (cv->L.plot_h < CMP_PLOT_MIN - 1 || row < 0 || row != cv->plot_row)
		return;
	if (cv->plot_series)
		layout_series(cv, t, &cv->d.rows[row], cv->L.plot_h - 2);
	else
		layout_history(cv, t, &cv->d.rows[row], cv->L.plot_h - 2);
}

void cmp_plot_paint(struct cmp_view *cv, struct tui *t)
{
	int y = cv->L.plot_y;
	if (!cv->plot_title)
		return;
	tui_put(t, y, 1, t->cols - 2, cv->plot_title, 0, A_BOLD);
	if (cv->plot_msg)
		tui_put(t, y + 1, 2, t->cols - 4, cv->plot_msg, PAIR_DIM, 0);
	for (int i = 0; i < cv->ncharts; i++)
		chart_paint(t, &cv->chart[i], y + 1, cv->chart_x[i], cv->chart_pair[i]);
	for (int i = 0; i < cv->overlay.n && y + 1 + i < t->lines - 1; i++)
		tui_put(t, y + 1 + i, 1, t->cols - 2, cv->overlay.v[i], 0, 0);
}
