/* tui/view_runs_cols.c — the metric columns of the runs view: the
 * default ones (the newest run's), the chooser (C), and their cells,
 * filled when a row first comes into view: the value, the change from the
 * run's baseline as an arrow and a percentage coloured better/worse (as
 * core/compare.h judges it), and a sparkline of the first metric over the
 * pipeline's runs up to that one. */
#include "config.h"
#include "tui/view_runs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/baseline.h"
#include "core/compare.h"
#include "core/session.h"
#include "tui/internal.h"
#include "tui/widget_chart.h"
#include "tui/widget_dialog.h"

void runs_free_metrics(struct runs_view *rv)
{
	for (int i = 0; i < rv->nm; i++) {
		free(rv->m[i].step);
		free(rv->m[i].key);
	}
	rv->nm = 0;
}

static int add_metric(struct runs_view *rv, const char *step, const char *key)
{
	if (rv->nm >= RUNS_MAX_METRIC_COLS)
		return -1;
	struct mcol *m = &rv->m[rv->nm++];
	m->step = strdup(step);
	m->key = strdup(key);
	snprintf(m->title, sizeof m->title, "%s.%s", step, key);
	m->dir = compare_direction(rv->dirs, m->title);
	return 0;
}

/* "train.loss" → step "train", key "loss" (the first dot splits). */
int runs_add_metric_text(struct runs_view *rv, const char *text)
{
	const char *dot = strchr(text, '.');
	if (!dot || dot == text || !dot[1])
		return -1;
	char step[128];
	snprintf(step, sizeof step, "%.*s", (int)(dot - text), text);
	return add_metric(rv, step, dot + 1);
}

/* The directions of the metrics of RUN's pipeline spec (for colouring). */
void runs_load_dirs(struct runs_view *rv, struct tui *t, int64_t run_id)
{
	struct store_run r = { 0 };
	cJSON_Delete(rv->dirs);
	rv->dirs = NULL;
	if (store_run_get(t->store, run_id, &r, NULL) == 0 && r.spec_json) {
		cJSON *spec = cJSON_Parse(r.spec_json);
		cJSON *m = cJSON_DetachItemFromObject(spec, "metrics");
		rv->dirs = m;
		cJSON_Delete(spec);
	}
	store_run_clear(&r);
	for (int i = 0; i < rv->nm; i++)
		rv->m[i].dir = compare_direction(rv->dirs, rv->m[i].title);
}

/* Default metric columns: those of the newest run (at most 3). */
void runs_default_metrics(struct runs_view *rv, struct tui *t, int64_t run_id)
{
	struct store_metric *ms = NULL;
	int n = 0;
	runs_free_metrics(rv);
	if (store_run_metrics(t->store, run_id, &ms, &n, NULL) < 0)
		return;
	if (n > 0)
		runs_load_dirs(rv, t, run_id);
	for (int i = 0; i < n && rv->nm < 3; i++)
		add_metric(rv, ms[i].step, ms[i].key);
	store_metrics_free(ms, n);
}

void runs_build_cols(struct runs_view *rv)
{
	int k = 0;
	for (int c = 0; c < C_FIXED; c++) {
		if (c == C_PIPELINE && rv->pipeline_id)
			continue;
		rv->cols[k] = runs_fixed_cols[c];
		rv->colmap[k++] = c;
	}
	for (int i = 0; i < rv->nm; i++) {
		rv->cols[k] = (struct tui_col){ rv->m[i].title, 6, 1, 0, i ? 5 : 2 };
		rv->colmap[k++] = C_FIXED + i;
	}
	if (rv->nm > 0) {
		snprintf(rv->trend_title, sizeof rv->trend_title, "%s TREND", rv->m[0].key);
		rv->cols[k] = (struct tui_col){ rv->trend_title, RUNS_TREND_POINTS, 0, 0, 6 };
		rv->colmap[k++] = -1;
	}
	rv->ncols = k;
	rv->tb.cols = rv->cols;
	rv->tb.ncols = k;
	rv->tb.status_col = -1;
}

/* The metric cell: value, then the change from the baseline as an arrow
 * and a percentage (or the difference when the baseline is 0). */
static int metric_cell(struct tui *t, const struct mcol *m, int have, double v, int have_base,
		       double base, char *buf, size_t size)
{
	if (!have) {
		snprintf(buf, size, "-");
		return PAIR_DIM;
	}
	char val[32];
	fmt_metric(v, val, sizeof val);
	if (!have_base) {
		snprintf(buf, size, "%s", val);
		return 0;
	}
	char delta[64];
	int verdict = fmt_delta(v, base, m->dir, delta, sizeof delta);
	if (verdict == 0) {
		snprintf(buf, size, "%s %s", val, t->utf8 ? "=" : "=");
		return 0;
	}
	const char *up = t->utf8 ? "▲" : "+", *down = t->utf8 ? "▼" : "-";
	const char *arrow = v > base ? up : down;
	int has_pct = 0;
	double pct = fabs(compare_pct(v, base, &has_pct));
	if (has_pct && isfinite(base)) {
		if (pct >= 999.5)
			snprintf(buf, size, "%s %s%.0fx", val, arrow, fabs(v / base));
		else
			snprintf(buf, size, "%s %s%.*f%%", val, arrow, pct < 9.95 ? 1 : 0, pct);
	} else {
		char d[32];
		fmt_metric(fabs(v - base), d, sizeof d);
		snprintf(buf, size, "%s %s%s", val, arrow, d);
	}
	return verdict > 0 ? PAIR_BETTER : PAIR_WORSE;
}

/* The metric values of baseline run ID, from the cache or the store. */
static const struct base_values *base_values(struct runs_view *rv, struct tui *t, int64_t id)
{
	for (int i = 0; i < rv->nbases; i++)
		if (rv->bases[i].run_id == id)
			return &rv->bases[i];
	struct base_values *bv = &rv->bases[rv->next_base];
	rv->next_base = (rv->next_base + 1) % RUNS_BASE_CACHE;
	if (rv->nbases < RUNS_BASE_CACHE)
		rv->nbases++;
	memset(bv, 0, sizeof *bv);
	bv->run_id = id;
	for (int i = 0; i < rv->nm; i++)
		store_metric_value(t->store, id, rv->m[i].step, rv->m[i].key, &bv->v[i],
				   &bv->have[i], NULL);
	return bv;
}

/* The metric and trend cells of row R: computed only when the row is
 * about to be shown, so a page costs one query however many columns. */
static void fill_row(struct runs_view *rv, struct tui *t, int row)
{
	struct rowinfo *ri = &rv->info[row];
	if (ri->filled)
		return;
	ri->filled = 1;
	if (rv->nm == 0)
		return;
	int64_t id = rv->ids[row];
	struct store_run r = { 0 };
	r.id = id;
	r.pipeline_id = ri->pipeline_id;
	r.at = ri->at;
	int64_t base = rv->baseline_override && rv->baseline_override != id
			       ? rv->baseline_override
			       : baseline_of(t->store, &r);
	const struct base_values *bv = base ? base_values(rv, t, base) : NULL;
	for (int c = 0; c < rv->ncols; c++) {
		int what = rv->colmap[c];
		char text[96] = "";
		int attr = 0;
		if (what == -1) {
			struct store_metric_run *h = NULL;
			int n = 0;
			if (store_metric_history(t->store, ri->pipeline_id, rv->m[0].step,
						 rv->m[0].key, id, RUNS_TREND_POINTS, &h, &n, NULL) == 0 &&
			    n > 1) {
				double v[RUNS_TREND_POINTS];
				int k = n < RUNS_TREND_POINTS ? n : RUNS_TREND_POINTS;
				for (int i = 0; i < k; i++)
					v[i] = h[i].value;
				chart_spark(v, k, t->utf8, text, sizeof text);
			}
			free(h);
			attr = PAIR_HEAD;
		} else if (what >= C_FIXED) {
			const struct mcol *m = &rv->m[what - C_FIXED];
			double v = 0, b = 0;
			int have = 0, have_b = 0;
			store_metric_value(t->store, id, m->step, m->key, &v, &have, NULL);
			if (bv) {
				have_b = bv->have[what - C_FIXED];
				b = bv->v[what - C_FIXED];
			}
			attr = metric_cell(t, m, have, v, have_b, b, text, sizeof text);
		} else {
			continue;
		}
		table_set(&rv->tb, row, c, text, attr);
	}
}

void runs_fill_rows(struct runs_view *rv, struct tui *t, int from, int to)
{
	/* one read snapshot for the burst of lookups, ended at once (never
	 * held while waiting for a key) */
	int began = 0;
	store_read_begin(t->store, &began, NULL);
	for (int r = from; r < rv->tb.nrows && r < to; r++)
		fill_row(rv, t, r);
	store_read_end(t->store, began);
}

int runs_choose_columns(struct runs_view *rv, struct tui *t)
{
	if (rv->tb.nrows == 0)
		return TUI_HANDLED;
	struct store_metric *ms = NULL;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	if (store_run_metrics(t->store, rv->ids[rv->tb.sel], &ms, &n, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	/* the selected run's metrics, plus the columns shown now */
	char **items = calloc((size_t)(n + rv->nm + 1), sizeof(char *));
	int *on = calloc((size_t)(n + rv->nm + 1), sizeof(int));
	int k = 0;
	for (int i = 0; items && on && i < rv->nm; i++) {
		items[k] = strdup(rv->m[i].title);
		on[k++] = 1;
	}
	for (int i = 0; items && on && i < n; i++) {
		char title[256];
		snprintf(title, sizeof title, "%s.%s", ms[i].step, ms[i].key);
		int dup = 0;
		for (int j = 0; j < k; j++)
			dup |= !strcmp(items[j], title);
		if (!dup)
			items[k++] = strdup(title);
	}
	store_metrics_free(ms, n);
	if (k == 0) {
		tui_notice(t, "this run has no metrics to show as columns");
	} else if (tui_choose(t, "Metric columns (of the selected run)", items, k, 0, on) >= 0) {
		runs_free_metrics(rv);
		if (rv->tb.nrows)
			runs_load_dirs(rv, t, rv->ids[rv->tb.sel]);
		for (int i = 0; i < k; i++)
			if (on[i] && runs_add_metric_text(rv, items[i]) < 0 && rv->nm >= RUNS_MAX_METRIC_COLS)
				tui_notice(t, "at most %d metric columns", RUNS_MAX_METRIC_COLS);
		rv->m_chosen = 1;
	}
	for (int i = 0; i < k; i++)
		free(items[i]);
	free(items);
	free(on);
	return TUI_RELOAD;
}

