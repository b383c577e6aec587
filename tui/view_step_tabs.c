/* tui/view_step_tabs.c — painting the step view: the tab bar, a summary
 * line, and each tab: lines of text, tables with the selected row's
 * details under them, the selected metric's series as a chart (laid out
 * by step_layout, before painting), the tail of the logs. */
#include "config.h"
#include "tui/view_step.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_config.h"
#include "util/buf.h"
#include "util/timeutil.h"

static const char *const tab_names[TAB__COUNT] = { "Context", "Inputs",  "Outputs", "Metadata",
						   "Metrics", "Logs",	 "Attempts" };
static const char *const tab_short[TAB__COUNT] = { "Ctx", "In", "Out", "Meta", "Metr", "Logs",
						   "Att" };

static int tab_count(const struct step_view *sv, int tab)
{
	switch (tab) {
	case TAB_INPUTS: return sv->nins;
	case TAB_OUTPUTS: return sv->nouts;
	case TAB_METADATA: return sv->nmetas;
	case TAB_METRICS: return sv->nms;
	case TAB_ATTEMPTS: return sv->natts;
	default: return -1;
	}
}

static void tab_label(const struct step_view *sv, int tab, int style, char *buf, size_t size)
{
	int n = tab_count(sv, tab);
	if (style == 0 && n > 0)
		snprintf(buf, size, " %s %d ", tab_names[tab], n);
	else
		snprintf(buf, size, " %s ", style == 2 ? tab_short[tab] : tab_names[tab]);
}

/* The tab bar: full names with counts when they fit, then plain names,
 * then short ones; where each tab is, for clicks. */
static void layout_tabs(struct step_view *sv, struct tui *t)
{
	char label[64];
	int style = 0;
	for (; style < 2; style++) {
		int w = 0;
		for (int i = 0; i < TAB__COUNT; i++) {
			tab_label(sv, i, style, label, sizeof label);
			w += (int)strlen(label) + (style < 2);
		}
		if (w <= t->cols)
			break;
	}
	sv->tab_style = style;
	int x = 0;
	for (int i = 0; i < TAB__COUNT; i++) {
		tab_label(sv, i, style, label, sizeof label);
		sv->tab_x[i] = x;
		x += (int)strlen(label) + (style < 2);
	}
	sv->tab_x[TAB__COUNT] = x;
}

static void draw_tabs(const struct step_view *sv, struct tui *t, int y)
{
	char label[64];
	for (int i = 0; i < TAB__COUNT; i++) {
		tab_label(sv, i, sv->tab_style, label, sizeof label);
		int x = sv->tab_x[i], w = (int)strlen(label);
		if (i == (int)sv->tab)
			tui_put(t, y, x, w, label, t->color ? PAIR_TAB : 0,
				A_BOLD | (t->color ? 0 : A_REVERSE));
		else
			tui_put(t, y, x, w, label, tab_count(sv, i) == 0 ? PAIR_DIM : 0, 0);
	}
}

/* One line under the tabs: status, attempts, time, the reason of a
 * failure (or of a retry), the start; what does not fit is left out. */
static void draw_summary(const struct step_view *sv, struct tui *t, int y)
{
	const char *dot = t->utf8 ? " · " : " - ";
	char att[64], took[64], when[64], cached[64];
	const char *part[7];
	int pair[7], n = 0;
	part[n] = sv->st.status;
	pair[n++] = tui_status_pair(sv->st.status);
	snprintf(att, sizeof att, "attempt %d of %d", sv->st.attempts, sv->st.max_attempts);
	part[n] = att;
	pair[n++] = 0;
	if (sv->st.started_ms) {
		char dur[32], day[32];
		time_duration((sv->st.ended_ms ? sv->st.ended_ms : time_now_ms()) - sv->st.started_ms,
			      dur, sizeof dur);
		snprintf(took, sizeof took, "%s %s", sv->st.ended_ms ? "took" : "running for", dur);
		part[n] = took;
		pair[n++] = 0;
		config_time(sv->st.started_ms, day, sizeof day);
		snprintf(when, sizeof when, "started %s", day);
	}
	if (sv->st.cached_from) {
		snprintf(cached, sizeof cached, "cached from step run %lld",
			 (long long)sv->st.cached_from);
		part[n] = cached;
		pair[n++] = PAIR_OK;
	} else if (!strcmp(sv->st.status, "cached")) {
		part[n] = "cached from a run deleted since";
		pair[n++] = PAIR_DIM;
	}
	if (sv->job_line) {
		part[n] = sv->job_line;
		pair[n++] = 0;
	}
	if (sv->st.error) {
		part[n] = sv->st.error;
		pair[n++] = !strcmp(sv->st.status, "completed") ? PAIR_WARN : PAIR_FAIL;
	}
	if (sv->st.started_ms) {
		part[n] = when;
		pair[n++] = PAIR_DIM;
	}
	int x = 1, end = t->cols - 1;
	for (int i = 0; i < n; i++) {
		int w = fmt_width(part[i]), sep = i ? 3 : 0;
		if (x + sep + w > end && i > 1) /* whole parts only, but the first two */
			break;
		if (sep)
			tui_put(t, y, x, sep, dot, 0, 0);
		tui_put_cut(t, y, x + sep, end - x - sep, part[i], pair[i], i == 0 ? A_BOLD : 0);
		x += sep + w;
		if (x >= end)
			break;
	}
}

static void draw_empty(struct tui *t, int y, const char *msg)
{
	tui_put_cut(t, y, 2, t->cols - 3, msg, PAIR_DIM, 0);
}

/* Why the step has no attempt to show WHAT of ("logs", "attempts",
 * "context"): not started, skipped, or cached from a run deleted since
 * (a cached step's attempts are its source's; runlens rm says so). */
static void draw_no_attempt(const struct step_view *sv, struct tui *t, int y, const char *what)
{
	char msg[160];
	if (!strcmp(sv->st.status, "cached") && !sv->st.cached_from)
		snprintf(msg, sizeof msg, "No %s: they went with the deleted run this step was "
			 "cached from.", what);
	else if (!strcmp(sv->st.status, "skipped"))
		snprintf(msg, sizeof msg, "No %s: the step was skipped (a step it needs failed).",
			 what);
	else
		snprintf(msg, sizeof msg, "No %s: the step has not started.", what);
	draw_empty(t, y, msg);
}

/* One "label  text" row of the details at row Y (when PAINT and above
 * Y1).  Returns 1, the rows it takes. */
static int detail_row(struct tui *t, int y, int y1, int paint, const char *label,
		      const char *text, int pair)
{
	if (paint && y < y1) {
		tui_put(t, y, 0, 9, label, PAIR_HEAD, 0);
		tui_put_cut(t, y, 10, t->cols - 11, text, pair, 0);
	}
	return 1;
}

/* Details of the selected input or output from row Y on (up to Y1):
 * full path, SHA-256, its producer or its metadata.  Returns the rows
 * they take (PAINT 0: only counts them). */
static int draw_artifact(struct step_view *sv, struct tui *t, const struct store_artifact_ref *r,
			 int input, int y, int y1, int paint)
{
	int rows = 0;
	rows += detail_row(t, y + rows, y1, paint, "path", r->path ? r->path : "-", 0);
	rows += detail_row(t, y + rows, y1, paint, "sha256", r->sha256 ? r->sha256 : "-", PAIR_DIM);
	if (input) {
		char from[512];
		if (r->producer_step)
			snprintf(from, sizeof from, "run %lld, step %s, output %s  (Enter goes there)",
				 (long long)r->producer_run_id, r->producer_step,
				 r->producer_output ? r->producer_output : "?");
		else
			snprintf(from, sizeof from, "outside the pipeline (%s)",
				 r->source ? r->source : "a path");
		rows += detail_row(t, y + rows, y1, paint, "from", from, 0);
		return rows;
	}
	int any = 0;
	for (int k = 0; k < sv->nmetas; k++) {
		const struct store_meta *m = &sv->metas[k];
		if (!m->output || strcmp(m->output, r->name))
			continue;
		char *v = step_compact(m->value_json);
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s = %s", m->key, v);
		rows += detail_row(t, y + rows, y1, paint, any ? "" : "metadata", b.data ? b.data : "",
				   0);
		buf_free(&b);
		free(v);
		any = 1;
	}
	if (!any)
		rows += detail_row(t, y + rows, y1, paint, "metadata", "none", PAIR_DIM);
	return rows;
}

/* A table with the selected row's details under it. */
static void draw_artifacts(struct step_view *sv, struct tui *t, int input, int y0, int y1)
{
	struct tui_table *tb = &sv->tb[input ? TAB_INPUTS : TAB_OUTPUTS];
	const struct store_artifact_ref *rows = input ? sv->ins : sv->outs;
	if (tb->nrows == 0) {
		if (input)
			draw_empty(t, y0 + 1, "This step has no inputs.");
		else if (!strcmp(sv->st.status, "running") || !strcmp(sv->st.status, "pending"))
			draw_empty(t, y0 + 1, "No outputs yet: they are recorded when the step ends.");
		else
			draw_empty(t, y0 + 1, "This step recorded no outputs.");
		return;
	}
	const struct store_artifact_ref *r = &rows[tb->sel];
	int detail = draw_artifact(sv, t, r, input, 0, 0, 0);
	int k = y1 - y0 - 3 - detail; /* rows of the table */
	if (k > tb->nrows)
		k = tb->nrows;
	if (k < 1)
		k = 1;
	table_paint(t, tb, y0, y0 + 1 + k);
	int dy = y0 + 1 + k + 1; /* a blank row, the heading, the details */
	char head[256];
	snprintf(head, sizeof head, "%s %s", input ? "input" : "output", r->name);
	if (dy < y1)
		tui_put_cut(t, dy, 0, t->cols - 1, head, 0, A_BOLD | A_UNDERLINE);
	draw_artifact(sv, t, r, input, dy + 1, y1, 1);
}

/* ------------------------------------------------------------------ */
/* The Metrics tab's chart                                              */

static const struct chart_style series_style = {
	.label_w = 0, .gap = 1, .mid = 1, .ticks = 1, .xaxis = CHART_XCORNER,
};

static void plot_message(struct step_view *sv, char *own, const char *msg)
{
	sv->plot_msg_own = own;
	sv->plot_msg = own ? own : msg;
}

/* The index range under the chart: the first, "index", the last. */
static void index_notes(struct step_view *sv)
{
	struct chart *c = &sv->chart;
	char a[32], b[32];
	snprintf(a, sizeof a, "%lld", (long long)sv->first_index);
	snprintf(b, sizeof b, "%lld", (long long)sv->last_index);
	int la = (int)strlen(a), lb = (int)strlen(b), bx = c->used - lb;
	chart_note(c, 0, la, a, PAIR_DIM, 0);
	if (bx > la + 1)
		chart_note(c, bx, lb, b, PAIR_DIM, 0);
	const char *what = "index";
	int w = (int)strlen(what), wx = (c->used - w) / 2;
	if (wx > la + 1 && wx + w < bx - 1)
		chart_note(c, wx, w, what, PAIR_DIM, 0);
}

static void plot_title(struct step_view *sv, const struct store_metric *m)
{
	const char *dot = sv->utf8 ? " · " : " - ";
	struct buf title = BUF_INIT;
	if (sv->npts < m->count)
		buf_printf(&title, "%s%sthe first %d of %lld points", m->key, dot, sv->npts,
			   (long long)m->count);
	else
		buf_printf(&title, "%s%s%d point%s", m->key, dot, sv->npts, sv->npts == 1 ? "" : "s");
	if (sv->npts > sv->chart.plot_w)
		buf_printf(&title, "%seach column the mean of %.1f", dot,
			   (double)sv->npts / sv->chart.plot_w);
	sv->plot_title = buf_steal(&title);
}

/* The series of the selected metric for rows PY.. up to Y1 (a title row,
 * the chart, the index row). */
static void layout_chart(struct step_view *sv, struct tui *t, int py, int y1)
{
	const struct store_metric *m = &sv->ms[sv->tb[TAB_METRICS].sel];
	int ph = y1 - py - 2;
	char v[32];
	if (m->count <= 1 && !m->is_series) {
		struct buf msg = BUF_INIT;
		fmt_metric(m->value, v, sizeof v);
		buf_printf(&msg, "%s = %s: one value, nothing to plot.", m->key, v);
		plot_message(sv, buf_steal(&msg), NULL);
	} else if (ph < 2) {
		plot_message(sv, NULL, "(a taller terminal shows the plot)");
	} else if (sv->npts == 0 || !sv->series_key || strcmp(sv->series_key, m->key)) {
		plot_message(sv, NULL, "no points");
	} else if (chart_compute(&sv->chart, sv->vals, sv->npts, t->cols - 1, ph, t->utf8,
				 &series_style, NULL) < 0 || sv->chart.plot_w < 4) {
		plot_message(sv, NULL, "(a wider terminal shows the plot)");
	} else {
		plot_title(sv, m);
		index_notes(sv);
	}
}

void step_layout(struct step_view *sv, struct tui *t)
{
	int y0 = 4, y1 = t->lines - 1;
	layout_tabs(sv, t);
	chart_clear(&sv->chart);
	free(sv->plot_title);
	free(sv->plot_msg_own);
	sv->plot_title = sv->plot_msg_own = NULL;
	sv->plot_msg = NULL;
	if (sv->tab != TAB_METRICS || sv->tb[TAB_METRICS].nrows == 0)
		return;
	int avail = y1 - y0, k = sv->tb[TAB_METRICS].nrows;
	if (k > avail / 3)
		k = avail / 3 > 1 ? avail / 3 : 1;
	sv->metrics_rows = k;
	layout_chart(sv, t, y0 + 1 + k + 1, y1);
}

static void draw_metrics(struct step_view *sv, struct tui *t, int y0, int y1)
{
	struct tui_table *tb = &sv->tb[TAB_METRICS];
	if (tb->nrows == 0) {
		draw_empty(t, y0 + 1, "No metrics. A step records them with "
				      "`runlens metric KEY VALUE [--index N]`.");
		return;
	}
	int k = sv->metrics_rows, py = y0 + 1 + k + 1;
	table_paint(t, tb, y0, y0 + 1 + k);
	if (sv->plot_msg) {
		draw_empty(t, py, sv->plot_msg);
		return;
	}
	tui_put_cut(t, py, 1, t->cols - 2, sv->plot_title ? sv->plot_title : "", 0, A_BOLD);
	chart_paint(t, &sv->chart, py + 1, 0, PAIR_RUN);
}

static void draw_logs(struct step_view *sv, struct tui *t, int y0, int y1)
{
	const struct store_attempt *a = step_last_attempt(sv);
	if (!a) {
		draw_no_attempt(sv, t, y0, "logs");
		return;
	}
	const char *dot = t->utf8 ? " · " : " - ";
	char so[32], se[32], head[256];
	step_fmt_size(sv->tail_size[0] > 0 ? sv->tail_size[0] : 0, so, sizeof so);
	step_fmt_size(sv->tail_size[1] > 0 ? sv->tail_size[1] : 0, se, sizeof se);
	snprintf(head, sizeof head, "the end of attempt %d%sstdout %s%sstderr %s%sEnter: the whole log",
		 a->number, dot, so, dot, se, dot);
	tui_put_cut(t, y0, 1, t->cols - 2, head, PAIR_DIM, 0);
	int h = y1 - y0 - 1, n = sv->tail.n;
	if (n == 0) {
		draw_empty(t, y0 + 2, "(no output)");
		return;
	}
	/* the last lines, stdout and stderr (in its colour) as they were
	 * written, each as the Logs view draws it */
	int y = y0 + 1;
	for (int i = n > h ? n - h : 0; i < n && y < y1; i++)
		logs_put_line(t, y++, 1, t->cols - 2, sv->tail.v[i].s, strlen(sv->tail.v[i].s),
			      sv->tail.v[i].pair);
}

/* Under the attempts: what the selected one recorded (a retried attempt
 * keeps its own metrics; the step run's are its last attempt's). */
static void draw_attempt_metrics(struct step_view *sv, struct tui *t, int y)
{
	int sel = sv->tb[TAB_ATTEMPTS].sel;
	if (!sv->att_metrics || sel < 0 || sel >= sv->natts || !sv->att_metrics[sel])
		return;
	struct buf b = BUF_INIT;
	buf_printf(&b, "attempt %d recorded: %s", sv->atts[sel].number, sv->att_metrics[sel]);
	tui_put(t, y, 1, t->cols - 2, b.data, 0, 0);
	buf_free(&b);
}

void step_draw(struct view *v, struct tui *t)
{
	struct step_view *sv = v->data;
	if (!sv->st.status) { /* the last reload failed */
		draw_empty(t, 2, "This step run cannot be read now (F5 tries again).");
		return;
	}
	draw_tabs(sv, t, 1);
	draw_summary(sv, t, 2);
	int y0 = 4, y1 = t->lines - 1;
	switch (sv->tab) {
	case TAB_CONTEXT:
		if (sv->ctx.n == 0)
			draw_no_attempt(sv, t, y0, "context");
		text_paint(t, &sv->ctx, y0, y1);
		break;
	case TAB_INPUTS: draw_artifacts(sv, t, 1, y0, y1); break;
	case TAB_OUTPUTS: draw_artifacts(sv, t, 0, y0, y1); break;
	case TAB_METADATA:
		if (sv->meta.n == 0)
			draw_empty(t, y0, "No metadata. A step records it with `runlens meta KEY=VALUE`.");
		text_paint(t, &sv->meta, y0, y1);
		break;
	case TAB_METRICS: draw_metrics(sv, t, y0, y1); break;
	case TAB_LOGS: draw_logs(sv, t, y0, y1); break;
	case TAB_ATTEMPTS:
		if (sv->tb[TAB_ATTEMPTS].nrows == 0) {
			draw_no_attempt(sv, t, y0 + 1, "attempts");
			break;
		}
		table_paint(t, &sv->tb[TAB_ATTEMPTS], y0, y1 - 2);
		draw_attempt_metrics(sv, t, y1 - 1);
		break;
	default: break;
	}
}

