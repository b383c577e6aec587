/* tui/view_compare.c — a run against one or more references, side by
 * side, showing exactly what `runlens compare RUN REF…` says: compare_new
 * (core/compare.h) pairs RUN with each reference and decides the delta
 * (RUN's value minus the reference's), the % change and better/worse by
 * the metric's direction; this view only lays it out.
 *
 * From the runs view, marked runs A, B, C… (in the order marked) are
 * `runlens compare A B C…`: A against each of the others; `c` on one run
 * is `runlens compare RUN`: against its baseline.  On screen the
 * references come first, lettered A, B, … in the order given, and RUN
 * last; its delta, % and verdict against each reference follow the
 * values.  Under them: the params that differ (f: all), and a plot of the
 * selected metric — its history across RUN's pipeline with the compared
 * runs marked, or (m) every run's series on one scale, each drawn with
 * its letter.  Many runs do not squeeze the columns: they scroll
 * sideways (Left/Right) past the names. */
#include "config.h"
#include "tui/view_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/num.h"
#include "util/buf.h"

char cmp_letter(int i)
{
	return (char)(i < 26 ? 'A' + i : 'a' + (i - 26));
}

/* ------------------------------------------------------------------ */
/* The rows of what compare_new decided                                 */

static void data_free(struct cmp_data *d)
{
	for (int i = 0; i < d->nrows; i++) {
		free(d->rows[i].m);
		free(d->rows[i].pm);
	}
	free(d->rows);
	for (int i = 0; i < d->nparams; i++) {
		for (int k = 0; d->params[i].val && k < d->n; k++)
			free(d->params[i].val[k]);
		free(d->params[i].val);
	}
	free(d->params);
	free(d->shown);
	compare_free(&d->c);
	memset(d, 0, sizeof *d);
}

/* The row of metric M (appended when new; NEW_ONLY: known to be new). */
static struct cmp_row *metric_row(struct cmp_data *d, const struct compare_metric *m,
				  int new_only)
{
	for (int i = 0; !new_only && i < d->nrows; i++)
		if (!strcmp(d->rows[i].name, m->key))
			return &d->rows[i];
	struct cmp_row *rows = realloc(d->rows, (size_t)(d->nrows + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	d->rows = rows;
	struct cmp_row *r = &rows[d->nrows];
	const struct store_metric *any = m->value ? m->value : m->other;
	*r = (struct cmp_row){ .name = m->key, .step = any->step, .key = any->key, .dir = m->dir };
	r->m = calloc((size_t)d->n, sizeof(*r->m));
	r->pm = calloc((size_t)d->k, sizeof(*r->pm));
	if (!r->m || !r->pm) {
		free(r->m);
		free(r->pm);
		return NULL;
	}
	d->nrows++;
	return r;
}

static int data_metrics(struct cmp_data *d, struct rl_err *err)
{
	for (int i = 0; i < d->k; i++) {
		const struct compare_pair *p = &d->c->pairs[i];
		for (int j = 0; j < p->nmetrics; j++) {
			const struct compare_metric *m = &p->metrics[j];
			struct cmp_row *r = metric_row(d, m, i == 0);
			if (!r)
				return rl_err_set(err, RL_E_NOMEM, NULL);
			r->pm[i] = m;
			r->m[i] = m->other;
			if (m->value)
				r->m[d->k] = m->value;
			r->series |= (m->value && m->value->is_series) ||
				     (m->other && m->other->is_series);
		}
	}
	for (int k = 0; k < d->nrows; k++)
		for (int i = 0; i < d->k; i++)
			if (!d->rows[k].pm[i] || d->rows[k].pm[i]->result != COMPARE_SAME)
				d->rows[k].differs = 1;
	return 0;
}

static char *param_text(const cJSON *v)
{
	if (!v)
		return NULL;
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return json_print(v, 0);
}

static struct cmp_param *param_row(struct cmp_data *d, const char *key)
{
	for (int i = 0; i < d->nparams; i++)
		if (!strcmp(d->params[i].key, key))
			return &d->params[i];
	struct cmp_param *ps = realloc(d->params, (size_t)(d->nparams + 1) * sizeof(*ps));
	if (!ps)
		return NULL;
	d->params = ps;
	struct cmp_param *x = &ps[d->nparams];
	*x = (struct cmp_param){ .key = key, .val = calloc((size_t)d->n, sizeof(char *)) };
	if (!x->val)
		return NULL;
	d->nparams++;
	return x;
}

static int data_params(struct cmp_data *d, struct rl_err *err)
{
	for (int i = 0; i < d->k; i++) {
		const struct compare_pair *p = &d->c->pairs[i];
		for (int j = 0; j < p->nparams; j++) {
			const struct compare_param *q = &p->params[j];
			struct cmp_param *x = param_row(d, q->key);
			if (!x)
				return rl_err_set(err, RL_E_NOMEM, NULL);
			x->differs |= !q->same;
			if (!x->val[i])
				x->val[i] = param_text(q->other);
			if (!x->val[d->k])
				x->val[d->k] = param_text(q->value);
		}
	}
	/* what a run lacks; a param some reference lacks differs */
	for (int p = 0; p < d->nparams; p++)
		for (int i = 0; i < d->n; i++)
			if (!d->params[p].val[i]) {
				d->params[p].differs = 1;
				if (!(d->params[p].val[i] = strdup("-")))
					return rl_err_set(err, RL_E_NOMEM, NULL);
			}
	return 0;
}

static int data_load(struct cmp_data *d, struct tui *t, int64_t run, const int64_t *refs,
		     int nrefs, struct rl_err *err)
{
	if (compare_new(t->store, run, refs, nrefs, &d->c, err) < 0) {
		if (!nrefs && err && err->code == RL_E_NOT_FOUND) {
			char *why = strdup(rl_err_msg(err));
			rl_err_set(err, RL_E_NOT_FOUND, "%s; mark runs with Space to compare them",
				   why ? why : "no baseline");
			free(why);
		}
		return -1;
	}
	d->k = d->c->n;
	d->n = d->k + 1;
	d->shown = calloc((size_t)d->n, sizeof(*d->shown));
	if (!d->shown)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < d->k; i++)
		d->shown[i] = &d->c->others[i];
	d->shown[d->k] = &d->c->run;
	return data_metrics(d, err) < 0 ? -1 : data_params(d, err);
}

/* ------------------------------------------------------------------ */
/* The view                                                             */

static void compute_vis(struct cmp_view *cv)
{
	cv->nvis = 0;
	for (int i = 0; i < cv->d.nrows; i++)
		if (cv->all || cv->d.rows[i].differs)
			cv->vis[cv->nvis++] = i;
	cv->built_cols = 0;
}

int cmp_selected_row(const struct cmp_view *cv)
{
	if (cv->nvis == 0 || cv->tb.sel < 0 || cv->tb.sel >= cv->nvis)
		return -1;
	return cv->vis[cv->tb.sel];
}

static int cmp_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct cmp_view *cv = v->data;
	struct cmp_data d;
	memset(&d, 0, sizeof d);
	cv->utf8 = t->utf8;
	if (data_load(&d, t, cv->run_id, cv->refs, cv->nrefs, err) < 0) {
		data_free(&d);
		return -1;
	}
	int *vis = malloc((size_t)(d.nrows ? d.nrows : 1) * sizeof(int));
	if (!vis) {
		data_free(&d);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	/* keep the selected metric selected */
	int old = cmp_selected_row(cv);
	char *keep = old >= 0 ? strdup(cv->d.rows[old].name) : NULL;
	cmp_plot_clear(cv);
	cmp_tables_clear(cv);
	data_free(&cv->d);
	cv->d = d;
	free(cv->vis);
	cv->vis = vis;
	compute_vis(cv);
	cv->tb.sel = 0;
	for (int i = 0; keep && i < cv->nvis; i++)
		if (!strcmp(cv->d.rows[cv->vis[i]].name, keep))
			cv->tb.sel = i;
	cv->plot_row = -1;
	free(keep);
	return 0;
}

/* The tables for the screen, the plot's data and the plot. */
static void cmp_recalc(struct view *v, struct tui *t)
{
	struct cmp_view *cv = v->data;
	if (cv->built_cols != t->cols || cv->built_lines != t->lines)
		cmp_build(cv, t);
	struct rl_err err = RL_ERR_INIT;
	if (cmp_plot_fetch(cv, t, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
	cmp_plot_layout(cv, t);
}

static void cmp_draw(struct view *v, struct tui *t)
{
	struct cmp_view *cv = v->data;
	const struct cmp_layout *L = &cv->L;
	table_paint(t, &cv->rtb, L->runs_y, L->runs_y + L->runs_h);
	if (L->params_y >= t->lines - 1)
		return;
	if (cv->nparams_shown)
		table_paint(t, &cv->ptb, L->params_y, L->params_y + L->params_h);
	else
		tui_put(t, L->params_y, 0, t->cols,
			cv->d.nparams ? "Params: all the same (f shows them)" : "Params: none", PAIR_DIM,
			0);
	if (L->table_h < 1)
		return;
	if (!cv->nvis) {
		const char *msg = cv->d.nrows ? "Metrics: all the same (f shows them)"
					      : "Metrics: none recorded by these runs";
		tui_put(t, L->table_y, 0, t->cols, msg, PAIR_DIM, 0);
		return;
	}
	table_paint(t, &cv->tb, L->table_y, L->table_y + L->table_h);
	cmp_plot_paint(cv, t);
}

static void cmp_title(struct view *v, char *buf, size_t size)
{
	struct cmp_view *cv = v->data;
	const struct cmp_data *d = &cv->d;
	const char *what = cv->all ? "all" : "what differs";
	const char *dash = cv->utf8 ? "—" : "-";
	if (d->k == 1)
		snprintf(buf, size, "Compare %s A #%lld vs B #%lld (%s)", dash,
			 (long long)d->shown[0]->run.id, (long long)d->shown[1]->run.id, what);
	else if (d->k > 1)
		snprintf(buf, size, "Compare %s %c #%lld against %d runs (%s)", dash,
			 cmp_letter(d->k), (long long)d->shown[d->k]->run.id, d->k, what);
	else
		snprintf(buf, size, "Compare");
	size_t len = strlen(buf);
	if (cv->nasked > cv->nrefs && len < size)
		snprintf(buf + len, size - len, " · %d of %d references (runlens compare: all)",
			 cv->nrefs, cv->nasked);
	len = strlen(buf);
	if ((cv->tb.more_left || cv->tb.more_right) && len < size)
		snprintf(buf + len, size - len, " · columns %d-%d of %d (%s)",
			 cv->tb.hscroll - cv->tb.frozen + 1, cv->tb.shown_end - cv->tb.frozen,
			 cv->tb.ncols - cv->tb.frozen, cv->utf8 ? "←/→" : "Left/Right");
}

/* ------------------------------------------------------------------ */
/* Keys and mouse                                                       */

static int cmp_search(struct view *v, struct tui *t, enum tui_action a)
{
	struct cmp_view *cv = v->data;
	if (!table_search_keys(t, &cv->tb, a, "/", cv->search, sizeof cv->search) && cv->search[0])
		tui_notice(t, "not found: %s", cv->search);
	return TUI_REDRAW;
}

/* f: all the params and metrics, or only those that differ. */
static int cmp_all(struct view *v, struct tui *t, enum tui_action a)
{
	struct cmp_view *cv = v->data;
	int row = cmp_selected_row(cv);
	(void)a;
	cv->all = !cv->all;
	compute_vis(cv);
	/* keep the metric selected when it is still shown */
	cv->tb.sel = 0;
	for (int i = 0; i < cv->nvis; i++)
		if (cv->vis[i] == row)
			cv->tb.sel = i;
	tui_notice(t, cv->all ? "filter off: showing all params and metrics"
			      : "filter: showing only the params and metrics that differ");
	return TUI_REDRAW;
}

/* P: the series of the runs, or the history across runs. */
static int cmp_series(struct view *v, struct tui *t, enum tui_action a)
{
	struct cmp_view *cv = v->data;
	int row = cmp_selected_row(cv);
	(void)a;
	if (row < 0)
		return TUI_HANDLED;
	if (!cv->d.rows[row].series) {
		tui_notice(t, "%s is one value per run: its history is drawn", cv->d.rows[row].name);
		return TUI_REDRAW;
	}
	cv->series_mode = !cv->series_mode;
	return TUI_REDRAW;
}

/* Enter: the metric in the step view of the first run that has it. */
static int cmp_open(struct view *v, struct tui *t, enum tui_action a)
{
	struct cmp_view *cv = v->data;
	int row = cmp_selected_row(cv);
	(void)a;
	if (row < 0)
		return TUI_HANDLED;
	for (int i = 0; i < cv->d.n; i++)
		if (cv->d.rows[row].m[i]) {
			tui_push(t, view_step_new(cv->d.shown[i]->run.id, cv->d.rows[row].step,
						  TAB_METRICS));
			break;
		}
	return TUI_REDRAW;
}

/* Left, Right: the params and metrics scroll sideways past their names. */
static int cmp_side(struct view *v, struct tui *t, enum tui_action a)
{
	struct cmp_view *cv = v->data;
	int dir = a == ACT_RIGHT ? 1 : -1;
	(void)t;
	table_hscroll(&cv->ptb, dir);
	return table_hscroll(&cv->tb, dir) | TUI_REDRAW;
}

static int cmp_move(struct view *v, struct tui *t, enum tui_action a)
{
	struct cmp_view *cv = v->data;
	(void)t;
	return table_move(&cv->tb, a, cv->L.table_h > 2 ? cv->L.table_h - 2 : 1);
}

static int cmp_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct cmp_view *cv = v->data;
	(void)x;
	if (!cv->nvis || !table_click(&cv->tb, y))
		return TUI_HANDLED;
	return dbl ? cmp_open(v, t, ACT_OPEN) : TUI_REDRAW;
}

static void cmp_free_data(void *data)
{
	struct cmp_view *cv = data;
	cmp_tables_clear(cv);
	cmp_plot_clear(cv);
	data_free(&cv->d);
	free(cv->vis);
	free(cv->refs);
	free(cv);
}

static void cmp_free(struct view *v)
{
	cmp_free_data(v->data);
}

static const struct view_action cmp_actions[] = {
	{ .action = ACT_UP, .run = cmp_move, .help = "the previous metric (the plot follows)",
	  .hint = "metric" },
	{ .action = ACT_DOWN, .run = cmp_move, .help = "the next metric (the plot follows)",
	  .hint = "metric" },
	{ .action = ACT_FILTER, .run = cmp_all,
	  .help = "filter: only what differs (again: all)",
	  .hint = "filter: only differing", .hint_short = "filter" },
	{ .action = ACT_PLOT, .run = cmp_series,
	  .help = "plot the runs' series / the metric's history", .hint = "series/history" },
	{ .action = ACT_LEFT, .run = cmp_side, .help = "scroll the runs' columns left",
	  .hint = "runs" },
	{ .action = ACT_RIGHT, .run = cmp_side, .help = "scroll the runs' columns right",
	  .hint = "runs" },
	{ .action = ACT_OPEN, .run = cmp_open, .help = "the metric in the step view",
	  .hint = "step" },
	{ .action = ACT_SEARCH, .run = cmp_search, .help = "search the metrics" },
	{ .action = ACT_NEXT, .run = cmp_search, .help = "the next match" },
	{ .action = ACT_PREV, .run = cmp_search, .help = "the previous match" },
	{ .action = ACT_PAGE_UP, .run = cmp_move, .help = "a page of metrics up" },
	{ .action = ACT_PAGE_DOWN, .run = cmp_move, .help = "a page of metrics down" },
	{ .action = ACT_TOP, .run = cmp_move, .help = "the first metric" },
	{ .action = ACT_END, .run = cmp_move, .help = "the last metric" },
};

/* The run compared (A). */
static int64_t cmp_run_of(struct view *v)
{
	return ((struct cmp_view *)v->data)->run_id;
}

const struct view_ops view_compare_ops = {
	.name = "Compare",
	.run_of = cmp_run_of,
	.load = cmp_load,
	.recalc = cmp_recalc,
	.title = cmp_title,
	.draw = cmp_draw,
	.free = cmp_free,
	.actions = cmp_actions,
	.nactions = sizeof cmp_actions / sizeof cmp_actions[0],
	.help_note = { "the last run against each of its references,",
		       "as runlens compare RUN REF… says" },
	.click = cmp_click,
};

struct view *view_compare_new(int64_t run_id, const int64_t *refs, int n)
{
	if (n < 0 || (n && !refs))
		return NULL;
	int asked = n;
	if (n > CMP_MAX_RUNS - 1)
		n = CMP_MAX_RUNS - 1;
	struct cmp_view *cv = calloc(1, sizeof(*cv));
	if (cv && n && !(cv->refs = malloc((size_t)n * sizeof(int64_t)))) {
		free(cv);
		cv = NULL;
	}
	if (cv) {
		if (n)
			memcpy(cv->refs, refs, (size_t)n * sizeof(int64_t));
		cv->nrefs = n;
		cv->nasked = asked;
		cv->run_id = run_id;
		cv->plot_row = -1;
	}
	return view_new(&view_compare_ops, cv, cmp_free_data);
}
