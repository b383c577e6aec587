/* tui/view_step.c — one step run in tabs: the context it got, its inputs
 * (Enter jumps to the step run that produced one), its outputs (opened in
 * $PAGER), metadata, metrics (the selected series drawn as a chart), the
 * tail of its logs and its attempts.
 *
 * load() reads everything but the series of the selected metric, which
 * recalc() pages in by index when the Metrics tab shows it (and only the
 * new points on a reload), and the logs, of which only the last 64 KiB
 * are read.  The text of the records: view_step_text.c; the painting:
 * view_step_tabs.c. */
#include "config.h"
#include "tui/view_step.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tui/widget_dialog.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define SERIES_PAGE 10000 /* points read per query */
#define SERIES_MAX 100000 /* points drawn at most */

static const struct tui_col in_cols[] = {
	{ .title = "NAME", .min = 4 },
	{ .title = "PATH", .min = 8, .grow = 1 },
	{ .title = "SIZE", .min = 6, .right = 1 },
	{ .title = "SHA-256", .min = 12 },
	{ .title = "PRODUCED BY", .min = 8 },
};
static const struct tui_col out_cols[] = {
	{ .title = "NAME", .min = 4 },
	{ .title = "PATH", .min = 8, .grow = 1 },
	{ .title = "SIZE", .min = 6, .right = 1 },
	{ .title = "SHA-256", .min = 12 },
};
static const struct tui_col met_cols[] = {
	{ .title = "KEY", .min = 6, .grow = 1 },
	{ .title = "LAST", .min = 9, .right = 1 },
	{ .title = "MIN", .min = 9, .right = 1 },
	{ .title = "MAX", .min = 9, .right = 1 },
	{ .title = "POINTS", .min = 6, .right = 1 },
};
static const struct tui_col att_cols[] = {
	{ .title = "#", .min = 2, .right = 1 },
	{ .title = "STATUS", .min = 11 },
	{ .title = "EXIT", .min = 4, .right = 1 },
	{ .title = "DURATION", .min = 8, .right = 1 },
	{ .title = "STARTED", .min = 19 },
	{ .title = "ERROR", .min = 5, .grow = 1 },
};

static void clear_series(struct step_view *sv)
{
	free(sv->series_key);
	sv->series_key = NULL;
	sv->npts = 0;
}

static void clear_data(struct step_view *sv)
{
	for (int i = 0; sv->att_metrics && i < sv->natts; i++)
		free(sv->att_metrics[i]);
	free(sv->att_metrics);
	sv->att_metrics = NULL;
	free(sv->job_line);
	sv->job_line = NULL;
	store_attempts_free(sv->atts, sv->natts);
	store_artifact_refs_free(sv->ins, sv->nins);
	store_artifact_refs_free(sv->outs, sv->nouts);
	store_metas_free(sv->metas, sv->nmetas);
	store_metrics_free(sv->ms, sv->nms);
	sv->atts = NULL;
	sv->ins = sv->outs = NULL;
	sv->metas = NULL;
	sv->ms = NULL;
	sv->natts = sv->nins = sv->nouts = sv->nmetas = sv->nms = 0;
	for (int i = 0; i < TAB__COUNT; i++)
		table_clear(&sv->tb[i]);
	text_clear(&sv->ctx);
	text_clear(&sv->meta);
	store_step_run_clear(&sv->st);
	free(sv->run_name);
	sv->run_name = NULL;
}

const struct store_attempt *step_last_attempt(const struct step_view *sv)
{
	return sv->natts ? &sv->atts[sv->natts - 1] : NULL;
}

/* Page the selected metric's points in by index: all of them when the
 * metric changed, else only those after the last one read. */
static void sync_series(struct step_view *sv, struct tui *t)
{
	if (sv->tab != TAB_METRICS || sv->nms == 0)
		return;
	const struct store_metric *m = &sv->ms[sv->tb[TAB_METRICS].sel];
	int same = sv->series_key && !strcmp(sv->series_key, m->key);
	if (same && (sv->npts == m->count || sv->npts >= SERIES_MAX))
		return;
	if (!same || m->count < sv->npts) {
		clear_series(sv);
		if (!(sv->series_key = strdup(m->key)))
			return;
	}
	struct rl_err err = RL_ERR_INIT;
	while (sv->npts < SERIES_MAX) {
		struct store_metric_point *pts = NULL;
		int n = 0;
		int64_t after = sv->npts ? sv->last_index : INT64_MIN;
		int limit = SERIES_MAX - sv->npts < SERIES_PAGE ? SERIES_MAX - sv->npts : SERIES_PAGE;
		if (store_metric_series(t->store, sv->st.id, m->key, after, limit, &pts, &n, &err) < 0) {
			tui_error(t, "%s", rl_err_msg(&err));
			rl_err_clear(&err);
			break;
		}
		if (sv->npts + n > sv->cap_pts) {
			int cap = sv->cap_pts ? sv->cap_pts : 1024;
			while (cap < sv->npts + n)
				cap *= 2;
			double *p = realloc(sv->vals, (size_t)cap * sizeof(double));
			if (!p) {
				free(pts);
				break;
			}
			sv->vals = p;
			sv->cap_pts = cap;
		}
		for (int i = 0; i < n; i++) {
			if (sv->npts == 0)
				sv->first_index = pts[i].index;
			sv->vals[sv->npts++] = pts[i].value;
			sv->last_index = pts[i].index;
		}
		free(pts);
		if (n < limit)
			break;
	}
}

/* The tail of the last attempt's logs (again when they grew). */
static void sync_tail(struct step_view *sv)
{
	const struct store_attempt *a = step_last_attempt(sv);
	sv->tail_checked_ms = time_now_ms();
	sv->tail_attempt = a ? a->number : 0;
	step_read_tail(a ? a->stdout_path : NULL, a ? a->stderr_path : NULL, &sv->tail_order,
		       &sv->tail, sv->tail_size);
}

static void setup_tables(struct step_view *sv)
{
	static const struct {
		enum step_tab tab;
		const struct tui_col *cols;
		int ncols;
	} t[] = {
		{ TAB_INPUTS, in_cols, sizeof in_cols / sizeof in_cols[0] },
		{ TAB_OUTPUTS, out_cols, sizeof out_cols / sizeof out_cols[0] },
		{ TAB_METRICS, met_cols, sizeof met_cols / sizeof met_cols[0] },
		{ TAB_ATTEMPTS, att_cols, sizeof att_cols / sizeof att_cols[0] },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		sv->tb[t[i].tab].cols = t[i].cols;
		sv->tb[t[i].tab].ncols = t[i].ncols;
		sv->tb[t[i].tab].status_col = -1;
	}
}

int step_is_table(enum step_tab tab)
{
	return tab == TAB_INPUTS || tab == TAB_OUTPUTS || tab == TAB_METRICS ||
	       tab == TAB_ATTEMPTS;
}


static int step_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct step_view *sv = v->data;
	int keep[TAB__COUNT];
	for (int i = 0; i < TAB__COUNT; i++)
		keep[i] = sv->tb[i].sel;
	int had_atts = sv->natts, first = sv->st.id == 0;
	clear_data(sv);
	setup_tables(sv);
	sv->utf8 = t->utf8;
	struct store_run run = { 0 };
	int rc = -1;
	if (store_step_run_get(t->store, sv->run_id, sv->step, &sv->st, err) < 0) {
		if (err && err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no step '%s'",
				   (long long)sv->run_id, sv->step);
		goto cleanup;
	}
	if (store_run_get(t->store, sv->run_id, &run, err) < 0)
		goto cleanup;
	sv->run_name = run.name ? strdup(run.name) : NULL;
	/* a cached step run did not run: show the attempts of its source */
	sv->atts_of = sv->st.id;
	if (store_attempts_of(t->store, sv->st.id, &sv->atts, &sv->natts, err) < 0)
		goto cleanup;
	if (sv->natts == 0 && sv->st.cached_from) {
		store_attempts_free(sv->atts, 0);
		sv->atts = NULL;
		sv->atts_of = sv->st.cached_from;
		if (store_attempts_of(t->store, sv->st.cached_from, &sv->atts, &sv->natts, err) < 0)
			goto cleanup;
	}
	if (store_inputs_of(t->store, sv->st.id, &sv->ins, &sv->nins, err) < 0 ||
	    store_outputs_of(t->store, sv->st.id, &sv->outs, &sv->nouts, err) < 0 ||
	    store_metadata_of(t->store, sv->st.id, &sv->metas, &sv->nmetas, err) < 0 ||
	    store_step_metrics(t->store, sv->st.id, &sv->ms, &sv->nms, err) < 0)
		goto cleanup;
	step_fill(sv, t);
	for (int i = 0; i < TAB__COUNT; i++) {
		int sel = keep[i];
		/* a new attempt: follow it */
		if (i == TAB_ATTEMPTS && sv->natts > had_atts && sel == had_atts - 1)
			sel = sv->natts - 1;
		sv->tb[i].sel = sel < sv->tb[i].nrows ? sel : sv->tb[i].nrows - 1;
		if (sv->tb[i].sel < 0)
			sv->tb[i].sel = 0;
	}
	/* first time: the first series is more worth a look than a number */
	for (int i = 0; first && i < sv->nms; i++)
		if (sv->ms[i].count > 1) {
			sv->tb[TAB_METRICS].sel = i;
			break;
		}
	sync_tail(sv);
	rc = 0;
cleanup:
	store_run_clear(&run);
	return rc;
}

static void step_title(struct view *v, char *buf, size_t size)
{
	struct step_view *sv = v->data;
	snprintf(buf, size, "Step %s %s run %lld %s", sv->step, sv->utf8 ? "—" : "-",
		 (long long)sv->run_id, sv->run_name ? sv->run_name : "");
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static int open_path(struct tui *t, const char *name, const char *path)
{
	struct stat sb;
	if (!path || stat(path, &sb) < 0) {
		tui_error(t, "%s: %s", path ? path : name, path ? strerror(errno) : "no path");
		return TUI_REDRAW;
	}
	if (S_ISDIR(sb.st_mode)) {
		tui_notice(t, "%s is a folder: %s", name, path);
		return TUI_REDRAW;
	}
	/* $PAGER may hold options ("less -R"); the path goes as an argument */
	char *argv[] = { "sh", "-c", "exec ${PAGER:-less} \"$1\"", "runlens-pager", (char *)path,
			 NULL };
	int st = tui_run_foreground(t, argv);
	if (st > 0)
		tui_error(t, "the pager exited with status %d", st);
	return TUI_REDRAW;
}

int step_page_rows(const struct tui *t)
{
	int h = t->lines - 6;
	return h > 1 ? h : 1;
}

struct text_list *step_tab_lines(struct step_view *sv)
{
	switch (sv->tab) {
	case TAB_CONTEXT: return &sv->ctx;
	case TAB_METADATA: return &sv->meta;
	default: return NULL;
	}
}

static int do_search(struct step_view *sv, struct tui *t, enum tui_action a)
{
	if (a == ACT_SEARCH) {
		char buf[sizeof sv->search];
		if (!tui_prompt(t, "search: ", NULL, buf, sizeof buf))
			return TUI_REDRAW;
		memcpy(sv->search, buf, sizeof buf);
		if (sv->ctx.hl >= 0 || sv->meta.hl >= 0)
			sv->ctx.hl = sv->meta.hl = -1;
	}
	if (!sv->search[0]) {
		tui_notice(t, "nothing to search for: / first");
		return TUI_REDRAW;
	}
	int dir = a == ACT_PREV ? -1 : 1, found = 0;
	struct text_list *l = step_tab_lines(sv);
	if (l)
		found = text_search(l, sv->search, dir, t->lines - 5);
	else if (step_is_table(sv->tab))
		found = table_search(&sv->tb[sv->tab], sv->search, dir);
	else
		return TUI_REDRAW;
	if (!found)
		tui_notice(t, "'%s' not found", sv->search);
	else if (l ? l->wrapped : sv->tb[sv->tab].wrapped)
		tui_notice(t, dir > 0 ? "search hit BOTTOM, continuing at TOP"
				      : "search hit TOP, continuing at BOTTOM");
	return TUI_REDRAW;
}

static void set_tab(struct step_view *sv, int tab)
{
	sv->tab = (enum step_tab)((tab + TAB__COUNT) % TAB__COUNT);
}

static int open_row(struct step_view *sv, struct tui *t)
{
	struct tui_table *tb = &sv->tb[sv->tab];
	switch (sv->tab) {
	case TAB_INPUTS: {
		if (tb->nrows == 0)
			return TUI_HANDLED;
		const struct store_artifact_ref *r = &sv->ins[tb->sel];
		if (!r->producer_step) {
			tui_notice(t, "%s comes from outside the pipeline: no step made it", r->name);
			return TUI_REDRAW;
		}
		tui_push(t, view_step_new(r->producer_run_id, r->producer_step, TAB_OUTPUTS));
		return TUI_REDRAW;
	}
	case TAB_OUTPUTS:
		if (tb->nrows == 0)
			return TUI_HANDLED;
		return open_path(t, sv->outs[tb->sel].name, sv->outs[tb->sel].path);
	case TAB_ATTEMPTS:
		if (tb->nrows == 0)
			return TUI_HANDLED;
		tui_push(t, view_logs_new(sv->run_id, sv->step, sv->atts[tb->sel].number));
		return TUI_REDRAW;
	case TAB_LOGS:
		tui_push(t, view_logs_new(sv->run_id, sv->step, 0));
		return TUI_REDRAW;
	default:
		return TUI_HANDLED;
	}
}

static int step_tabs(struct view *v, struct tui *t, enum tui_action a)
{
	struct step_view *sv = v->data;
	(void)t;
	set_tab(sv, (int)sv->tab + (a == ACT_RIGHT ? 1 : -1));
	return TUI_REDRAW;
}

static int step_open(struct view *v, struct tui *t, enum tui_action a)
{
	(void)a;
	return open_row(v->data, t);
}

static int step_logs(struct view *v, struct tui *t, enum tui_action a)
{
	struct step_view *sv = v->data;
	(void)a;
	int n = sv->tab == TAB_ATTEMPTS && sv->natts ? sv->atts[sv->tb[TAB_ATTEMPTS].sel].number : 0;
	tui_push(t, view_logs_new(sv->run_id, sv->step, n));
	return TUI_REDRAW;
}

/* o: the selected input or output in $PAGER. */
static int step_artifact(struct view *v, struct tui *t, enum tui_action a)
{
	struct step_view *sv = v->data;
	(void)a;
	if (sv->tab == TAB_INPUTS && sv->nins) {
		const struct store_artifact_ref *r = &sv->ins[sv->tb[TAB_INPUTS].sel];
		return open_path(t, r->name, r->path);
	}
	if (sv->tab != TAB_OUTPUTS) {
		sv->tab = TAB_OUTPUTS;
		if (sv->nouts != 1) {
			tui_notice(t, "choose an output, then o");
			return TUI_REDRAW;
		}
	}
	if (sv->nouts == 0) {
		tui_notice(t, "this step has no outputs to open");
		return TUI_REDRAW;
	}
	return open_row(sv, t);
}

static int64_t step_run_of(struct view *v)
{
	return ((struct step_view *)v->data)->run_id;
}

/* y: the selected input's or output's path (in those tabs). */
static char *step_path_of(struct view *v, struct tui *t)
{
	struct step_view *sv = v->data;
	(void)t;
	if (sv->tab == TAB_INPUTS && sv->nins && sv->ins[sv->tb[TAB_INPUTS].sel].path)
		return strdup(sv->ins[sv->tb[TAB_INPUTS].sel].path);
	if (sv->tab == TAB_OUTPUTS && sv->nouts && sv->outs[sv->tb[TAB_OUTPUTS].sel].path)
		return strdup(sv->outs[sv->tb[TAB_OUTPUTS].sel].path);
	return NULL;
}

static int step_rerun(struct view *v, struct tui *t, enum tui_action a)
{
	struct step_view *sv = v->data;
	(void)a;
	return tui_rerun(t, sv->run_id, sv->step, 0);
}

static int step_search(struct view *v, struct tui *t, enum tui_action a)
{
	return do_search(v->data, t, a);
}

/* The list keys: the lines or the table of the tab. */
static int step_move(struct view *v, struct tui *t, enum tui_action a)
{
	struct step_view *sv = v->data;
	struct text_list *l = step_tab_lines(sv);
	if (l) {
		l->hl = -1;
		return text_move(l, a, t->lines - 5);
	}
	if (step_is_table(sv->tab))
		return table_move(&sv->tb[sv->tab], a, step_page_rows(t));
	return TUI_HANDLED;
}

/* The selected metric's points, the lines' scroll and the layout. */
static void step_recalc(struct view *v, struct tui *t)
{
	struct step_view *sv = v->data;
	sync_series(sv, t);
	text_scroll(&sv->ctx, t->lines - 4 - 1);
	text_scroll(&sv->meta, t->lines - 4 - 1);
	step_layout(sv, t);
}

static int step_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct step_view *sv = v->data;
	if (y == 1) {
		for (int i = 0; i < TAB__COUNT; i++)
			if (x >= sv->tab_x[i] && x < sv->tab_x[i + 1]) {
				set_tab(sv, i);
				return TUI_REDRAW;
			}
		return TUI_HANDLED;
	}
	if (step_is_table(sv->tab) && table_click(&sv->tb[sv->tab], y))
		return dbl ? open_row(sv, t) | TUI_REDRAW : TUI_REDRAW;
	if (dbl && sv->tab == TAB_LOGS)
		return open_row(sv, t);
	return TUI_HANDLED;
}

/* While the Logs tab shows a running attempt: its tail, once a second. */
static int step_tick(struct view *v, struct tui *t)
{
	struct step_view *sv = v->data;
	(void)t;
	const struct store_attempt *a = step_last_attempt(sv);
	if (sv->tab != TAB_LOGS || !a || a->ended_ms || time_now_ms() - sv->tail_checked_ms < 1000)
		return 0;
	off_t before[2] = { sv->tail_size[0], sv->tail_size[1] };
	struct stat sb;
	int grew = 0;
	for (int f = 0; f < 2; f++) {
		const char *p = f ? a->stderr_path : a->stdout_path;
		if (p && stat(p, &sb) == 0 && sb.st_size != before[f])
			grew = 1;
	}
	sv->tail_checked_ms = time_now_ms();
	if (!grew)
		return 0;
	sync_tail(sv);
	return TUI_REDRAW;
}

static void step_free_data(void *data)
{
	struct step_view *sv = data;
	clear_data(sv);
	for (int i = 0; i < TAB__COUNT; i++)
		table_clear(&sv->tb[i]);
	text_free(&sv->ctx);
	text_free(&sv->meta);
	text_free(&sv->tail);
	step_order_clear(&sv->tail_order);
	clear_series(sv);
	chart_clear(&sv->chart);
	free(sv->plot_title);
	free(sv->plot_msg_own);
	free(sv->vals);
	free(sv->step);
	free(sv);
}

static void step_free(struct view *v)
{
	step_free_data(v->data);
}

static const struct view_action step_actions[] = {
	{ .action = ACT_LEFT, .run = step_tabs, .help = "the tab on the left", .hint = "tabs" },
	{ .action = ACT_RIGHT, .run = step_tabs, .help = "the tab on the right", .hint = "tabs" },
	{ .action = ACT_OPEN, .run = step_open,
	  .help = "an input's producer, an output, logs", .hint = "open" },
	{ .action = ACT_OPEN_ARTIFACT, .run = step_artifact, .help = "the output in $PAGER",
	  .hint = "open output" },
	{ .action = ACT_RERUN_FROM, .run = step_rerun, .help = "rerun from this step (plan first)",
	  .hint = "rerun from here", .hint_short = "rerun" },
	{ .action = ACT_LOGS, .run = step_logs, .help = "the logs (of the selected attempt)" },
	{ .action = ACT_SEARCH, .run = step_search, .help = "search the tab" },
	{ .action = ACT_NEXT, .run = step_search, .help = "the next match" },
	{ .action = ACT_PREV, .run = step_search, .help = "the previous match" },
	VIEW_MOVES(step_move, "row (or line)", "rows"),
};

const struct view_ops view_step_ops = {
	.name = "Step",
	.run_of = step_run_of,
	.path_of = step_path_of,
	.load = step_load,
	.recalc = step_recalc,
	.title = step_title,
	.draw = step_draw,
	.free = step_free,
	.actions = step_actions,
	.nactions = sizeof step_actions / sizeof step_actions[0],
	.click = step_click,
	.tick = step_tick,
};

struct view *view_step_new(int64_t run_id, const char *step, enum step_tab tab)
{
	struct step_view *sv = calloc(1, sizeof(*sv));
	if (sv && (!step || !(sv->step = strdup(step)))) {
		free(sv);
		sv = NULL;
	}
	if (sv) {
		sv->run_id = run_id;
		sv->tab = tab >= 0 && tab < TAB__COUNT ? tab : TAB_CONTEXT;
		sv->ctx.hl = sv->meta.hl = -1;
	}
	return view_new(&view_step_ops, sv, step_free_data);
}
