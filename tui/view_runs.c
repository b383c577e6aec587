/* tui/view_runs.c — the runs view: every run (or one pipeline's), newest
 * first, paged from the store by key as the selection moves down (never
 * the whole table); metric columns with the delta to each run's baseline
 * (view_runs_cols.c); filter, sort and saved views (view_runs_query.c);
 * search, marks, compare, pin, rerun, delete, logs. */
#include "config.h"
#include "tui/view_runs.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runs.h"
#include "core/testhook.h"
#include "tui/internal.h"
#include "tui/widget_dialog.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define PAGE 100
#define END_LOAD_MAX 5000 /* rows G loads at most */

static int is_marked(const struct runs_view *rv, int64_t id)
{
	for (int i = 0; i < rv->nmarked; i++)
		if (rv->marked[i] == id)
			return 1;
	return 0;
}

static int push_run(struct runs_view *rv, struct tui *t, const struct store_run *r)
{
	(void)t;
	int64_t *ids = realloc(rv->ids, (size_t)(rv->tb.nrows + 1) * sizeof(int64_t));
	if (!ids)
		return -1;
	rv->ids = ids;
	struct rowinfo *info = realloc(rv->info, (size_t)(rv->tb.nrows + 1) * sizeof(*info));
	if (!info)
		return -1;
	rv->info = info;
	char **cells = calloc((size_t)rv->nrc + 1, sizeof *cells);
	int *attrs = calloc((size_t)rv->nrc + 1, sizeof *attrs);
	int rc = -1;
	if (cells && attrs) {
		runs_row_cells(rv, r, cells, attrs);
		int mark = runs_mark_col(rv), marked = is_marked(rv, r->id);
		if (mark >= 0 && marked) {
			free(cells[mark]);
			cells[mark] = strdup("*");
		}
		rv->ids[rv->tb.nrows] = r->id;
		rv->info[rv->tb.nrows] = (struct rowinfo){ r->pipeline_id, r->at, 0 };
		rc = table_push_attrs(&rv->tb, cells, attrs);
		if (rc == 0)
			rv->tb.marked[rv->tb.nrows - 1] = marked;
		runs_cells_free(rv, cells);
	}
	free(cells);
	free(attrs);
	return rc;
}

/* Append the next page: by key in the plain order, else by asking the
 * query for more rows. */
static int load_page_read(struct runs_view *rv, struct tui *t, struct rl_err *err);

/* Append the next page, its reads in one snapshot. */
static int load_page(struct runs_view *rv, struct tui *t, struct rl_err *err)
{
	int began = 0;
	if (store_read_begin(t->store, &began, err) < 0)
		return -1;
	int rc = load_page_read(rv, t, err);
	store_read_end(t->store, began);
	return rc;
}

/* A query that takes a while (a substring of a million names): after
 * WATCH_SHOW_MS a "searching…" line; Esc stops it; other keys wait for the
 * main loop, in their order. */
#define WATCH_SHOW_MS 100
#define WATCH_POLL_MS 20

struct watch {
	struct tui *t;
	int64_t start, polled;
	int shown, stopped;
};

static int watch_query(void *ctx)
{
	struct watch *w = ctx;
	testhook_pause("SEARCH_SLICE"); /* a test's slow disk (tui_sort.sh) */
	int64_t now = time_mono_ms();
	if (now - w->start < WATCH_SHOW_MS || now - w->polled < WATCH_POLL_MS)
		return 0;
	w->polled = now;
	if (!w->shown) {
		w->shown = 1;
		int y = w->t->lines - 1;
		move(y, 0);
		clrtoeol();
		tui_put(w->t, y, 1, w->t->cols - 2, "searching… (Esc stops)", PAIR_WARN, A_BOLD);
		refresh();
	}
	int keep[64], nkeep = 0, ch;
	timeout(0);
	while ((ch = getch()) != ERR) {
		if (ch == 27)
			w->stopped = 1;
		else if (nkeep < (int)(sizeof keep / sizeof keep[0]))
			keep[nkeep++] = ch;
	}
	while (nkeep > 0)
		ungetch(keep[--nkeep]);
	return w->stopped;
}

static int load_page_read(struct runs_view *rv, struct tui *t, struct rl_err *err)
{
	struct store_run *rows = NULL;
	int n = 0;
	if (rv->filter || rv->sorted) {
		if (!rv->qnext.set && rv->tb.nrows == 0)
			rv->qnow = time_now_ms();
		struct watch w = { t, time_mono_ms(), 0, 0, 0 };
		store_set_progress(t->store, watch_query, &w);
		int rc = store_runs_query_page(t->store, rv->pipeline_id, rv->filter,
					       rv->sorted ? &rv->sort : NULL, rv->qnow, &rv->qnext,
					       PAGE, &rows, &n, err);
		store_set_progress(t->store, NULL, NULL);
		if (rc < 0 && w.stopped) {
			rl_err_clear(err);
			rv->more = 0;
			tui_notice(t, "search stopped: %d runs found so far", rv->tb.nrows);
			return 0;
		}
		if (rc < 0)
			return -1;
		rv->more = n == PAGE;
	} else {
		int first = rv->tb.nrows == 0;
		if (store_runs_page(t->store, rv->pipeline_id, first ? NULL : &rv->next, PAGE,
				    &rows, &n, err) < 0)
			return -1;
		if (n)
			rv->next = rows[n - 1].at;
		rv->more = n == PAGE;
	}
	for (int i = 0; i < n; i++)
		if (push_run(rv, t, &rows[i]) < 0) {
			store_runs_free(rows, n);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
	store_runs_free(rows, n);
	return 0;
}

static int runs_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct runs_view *rv = v->data;
	int64_t keep_id = rv->tb.nrows ? rv->ids[rv->tb.sel] : 0;
	int keep = rv->tb.sel, shown = rv->tb.nrows;
	rv->facts_for = 0; /* the pane reads its run again */
	table_clear(&rv->tb);
	runs_bases_clear(rv); /* values may have changed */
	if (rv->pipeline_id && !rv->pipeline_name) {
		struct store_pipeline p = { 0 };
		if (store_pipeline_get_by_id(t->store, rv->pipeline_id, &p, err) < 0)
			return -1;
		rv->pipeline_name = p.name;
		p.name = NULL;
		store_pipeline_clear(&p);
	}
	runs_cols_init(rv, t);
	rv->next = (struct store_run_cursor){ 0, 0 };
	store_sort_cursor_clear(&rv->qnext);
	/* reload as many rows as were shown, page by page */
	do {
		if (load_page(rv, t, err) < 0)
			return -1;
	} while (rv->more && rv->tb.nrows < shown);
	rv->tb.sel = keep < rv->tb.nrows ? keep : rv->tb.nrows - 1;
	for (int i = 0; keep_id && i < rv->tb.nrows; i++)
		if (rv->ids[i] == keep_id)
			rv->tb.sel = i;
	if (rv->tb.sel < 0)
		rv->tb.sel = 0;
	return 0;
}

static int same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* The saved view's name while the filter and sort are still its own
 * (changed: the list is no longer that view), else NULL. */
static const char *view_shown(struct runs_view *rv)
{
	if (!rv->view_name)
		return NULL;
	if (rv->view_seen != rv->view_name) { /* just saved or recalled */
		free(rv->view_filter);
		free(rv->view_sort);
		rv->view_filter = rv->filter_text ? strdup(rv->filter_text) : NULL;
		rv->view_sort = rv->sorted && rv->sort_text ? strdup(rv->sort_text) : NULL;
		rv->view_seen = rv->view_name;
	}
	return same_text(rv->view_filter, rv->filter_text) &&
		       same_text(rv->view_sort, rv->sorted ? rv->sort_text : NULL)
		       ? rv->view_name
		       : NULL;
}

static void runs_title(struct view *v, char *buf, size_t size)
{
	struct runs_view *rv = v->data;
	struct buf b = BUF_INIT;
	buf_printf(&b, "Runs %s %s", "—", rv->pipeline_name ? rv->pipeline_name : "all pipelines");
	if (view_shown(rv))
		buf_printf(&b, " [view %s]", rv->view_name);
	buf_printf(&b, " · %d%s shown", rv->tb.nrows, rv->more ? "+" : "");
	buf_printf(&b, " · %s", rv->sorted ? rv->sort_text : "newest first");
	if (rv->filter_text)
		buf_printf(&b, " · where %s", rv->filter_text);
	if (rv->nmarked)
		buf_printf(&b, " · %d marked", rv->nmarked);
	if (rv->tb.more_left || rv->tb.more_right)
		buf_printf(&b, " · columns %d-%d of %d", rv->tb.hscroll - rv->tb.frozen + 1,
			   rv->tb.shown_end - rv->tb.frozen, rv->tb.ncols - rv->tb.frozen);
	snprintf(buf, size, "%s", b.data);
	buf_free(&b);
}

/* More rows when the selection nears the end of what is loaded. */
static void maybe_more(struct runs_view *rv, struct tui *t)
{
	if (!rv->more || rv->tb.sel < rv->tb.nrows - (t->lines - 3))
		return;
	struct rl_err err = RL_ERR_INIT;
	if (load_page(rv, t, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
}

static int do_mark(struct runs_view *rv)
{
	if (rv->tb.nrows == 0)
		return TUI_HANDLED;
	int64_t id = rv->ids[rv->tb.sel];
	int found = -1;
	for (int i = 0; i < rv->nmarked; i++)
		if (rv->marked[i] == id)
			found = i;
	if (found >= 0) {
		memmove(rv->marked + found, rv->marked + found + 1,
			(size_t)(rv->nmarked - found - 1) * sizeof(int64_t));
		rv->nmarked--;
	} else {
		int64_t *m = realloc(rv->marked, (size_t)(rv->nmarked + 1) * sizeof(int64_t));
		if (!m)
			return TUI_HANDLED;
		rv->marked = m;
		rv->marked[rv->nmarked++] = id;
	}
	int r = rv->tb.sel;
	int col = runs_mark_col(rv);
	if (col >= 0)
		table_set(&rv->tb, r, col, found >= 0 ? "" : "*", 0);
	rv->tb.marked[r] = found < 0;
	if (rv->tb.sel < rv->tb.nrows - 1)
		rv->tb.sel++;
	return TUI_REDRAW;
}

/* c: what `runlens compare A B …` says of the runs marked A, B, … (in
 * the order marked), else `runlens compare RUN` for the selected run (or
 * the one marked): against its baseline, or a saved view's. */
static int do_compare(struct runs_view *rv, struct tui *t)
{
	if (rv->nmarked >= 2) {
		tui_push(t, view_compare_new(rv->marked[0], rv->marked + 1, rv->nmarked - 1));
		return TUI_REDRAW;
	}
	if (rv->tb.nrows == 0)
		return TUI_HANDLED;
	int64_t id = rv->nmarked == 1 ? rv->marked[0] : rv->ids[rv->tb.sel];
	int64_t base = rv->baseline_override;
	int n = base && base != id;
	tui_push(t, view_compare_new(id, n ? &base : NULL, n));
	return TUI_REDRAW;
}

static int do_pin(struct runs_view *rv, struct tui *t)
{
	if (rv->tb.nrows == 0 || tui_refuse_read_only(t, "pinning a baseline"))
		return TUI_REDRAW;
	if (!tui_pin(t, rv->ids[rv->tb.sel]))
		return TUI_REDRAW;
	rv->baseline_override = 0;
	return TUI_RELOAD;
}

static int do_delete(struct runs_view *rv, struct tui *t)
{
	if (rv->tb.nrows == 0 || tui_refuse_read_only(t, "deleting runs"))
		return TUI_REDRAW;
	int64_t one = rv->ids[rv->tb.sel];
	const int64_t *ids = rv->nmarked ? rv->marked : &one;
	int n = rv->nmarked ? rv->nmarked : 1;
	struct rl_err err = RL_ERR_INIT;
	char *reach[2] = { NULL, NULL };
	if (runs_check_deletable(t->store, ids, n, &err) < 0 ||
	    runs_delete_reach(t->store, ids, n, reach, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	/* name what goes: each run's id, name and status (the marked ones,
	 * said as such, not the selected one), then what it means */
	enum { SHOWN = 20 };
	char *lines[SHOWN + 7];
	int nl = 0;
	if (rv->nmarked)
		lines[nl++] = buf_format("the %d marked run%s (u unmarks them all):", n,
					 n == 1 ? "" : "s");
	for (int i = 0; i < n && i < SHOWN; i++) {
		struct store_run r = { 0 };
		if (store_run_get(t->store, ids[i], &r, NULL) == 0)
			lines[nl++] = buf_format("  %lld  %s  %s", (long long)ids[i], r.name, r.status);
		else
			lines[nl++] = buf_format("  %lld", (long long)ids[i]);
		store_run_clear(&r);
	}
	if (n > SHOWN)
		lines[nl++] = buf_format("  … and %d more", n - SHOWN);
	lines[nl++] = buf_format("Their records, logs and contexts are deleted;");
	lines[nl++] = buf_format("artifacts stay until `runlens gc`.");
	if (reach[0]) { /* what other runs lose */
		lines[nl++] = reach[0];
		lines[nl++] = buf_format("%s.", reach[1]);
		free(reach[1]);
	}
	char title[64], question[64];
	snprintf(title, sizeof title, "Delete %d run%s?", n, n == 1 ? "" : "s");
	snprintf(question, sizeof question, "Delete %s%d run%s? [y/N]", n == 1 ? "this " : "these ",
		 n, n == 1 ? "" : "s");
	int yes = tui_confirm(t, title, lines, nl, question);
	for (int i = 0; i < nl; i++)
		free(lines[i]);
	if (!yes) {
		tui_notice(t, "nothing deleted");
		return TUI_REDRAW;
	}
	if (runs_delete(t->store, ids, n, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	tui_notice(t, "deleted %d run%s (runlens gc frees their artifacts)", n, n == 1 ? "" : "s");
	rv->nmarked = 0;
	return TUI_RELOAD;
}

/* u: no run marked. */
static int do_unmark_all(struct runs_view *rv, struct tui *t)
{
	if (!rv->nmarked) {
		tui_notice(t, "no run is marked (Space marks one)");
		return TUI_REDRAW;
	}
	tui_notice(t, "unmarked %d run%s", rv->nmarked, rv->nmarked == 1 ? "" : "s");
	rv->nmarked = 0;
	int col = runs_mark_col(rv);
	for (int r = 0; r < rv->tb.nrows; r++) {
		if (col >= 0 && rv->tb.marked[r])
			table_set(&rv->tb, r, col, "", 0);
		rv->tb.marked[r] = 0;
	}
	return TUI_REDRAW;
}

static int do_search(struct runs_view *rv, struct tui *t, enum tui_action a)
{
	if (!table_search_keys(t, &rv->tb, a, "search:", rv->search, sizeof rv->search) &&
	    rv->search[0])
		tui_notice(t, "'%s' is not in the %d runs loaded%s", rv->search, rv->tb.nrows,
			   rv->more ? " (f filters the whole store: name~TEXT)" : "");
	return TUI_REDRAW;
}

/* The detail pane: the selected run's facts (read when the selection is
 * on another run than they are of), and its height: what they need, at
 * most half the screen, the list keeping 3 rows. */
static void pane_recalc(struct runs_view *rv, struct tui *t)
{
	rv->pane_h = 0;
	if (!rv->details || rv->tb.nrows == 0)
		return;
	int64_t id = rv->ids[rv->tb.sel];
	if (id != rv->facts_for) {
		struct rl_err err = RL_ERR_INIT;
		if (run_facts_load(t->store, id, rv->baseline_override, t->utf8, &rv->facts, &err) < 0)
			tui_error(t, "run %lld: %s", (long long)id, rl_err_msg(&err));
		rl_err_clear(&err);
		rv->facts_for = id;
	}
	const struct run_facts *f = &rv->facts;
	int want = 2 + !!f->params + !!f->tags + !!f->note + (f->nm ? f->nm : 1);
	int most = (t->lines - 2) / 2;
	if (most > t->lines - 2 - 5)
		most = t->lines - 2 - 5;
	rv->pane_h = want < most ? want : most;
	if (rv->pane_h < 2)
		rv->pane_h = 0;
}

/* The metric cells of the rows coming into view. */
static void runs_recalc(struct view *v, struct tui *t)
{
	struct runs_view *rv = v->data;
	pane_recalc(rv, t);
	int height = t->lines - 3 - rv->pane_h, top = table_scroll(&rv->tb, height);
	runs_fill_rows(rv, t, top, top + height);
}

/* A line of the pane: its label dim, then the text. */
static void pane_line(struct tui *t, int y, const char *label, const char *text)
{
	tui_put(t, y, 1, 8, label, PAIR_DIM, 0);
	tui_put_cut(t, y, 10, t->cols - 11, text, 0, 0);
}

static void pane_draw(struct runs_view *rv, struct tui *t)
{
	const struct run_facts *f = &rv->facts;
	int y = t->lines - 1 - rv->pane_h, y1 = t->lines - 1;
	struct buf head = BUF_INIT;
	const char *rule = t->utf8 ? "─" : "-";
	buf_printf(&head, "%s%s Run %lld", rule, rule, (long long)f->run_id);
	if (f->baseline)
		buf_printf(&head, " %s metrics vs baseline run %lld", t->utf8 ? "·" : "|",
			   (long long)f->baseline);
	else
		buf_printf(&head, " %s no baseline to compare with", t->utf8 ? "·" : "|");
	buf_puts(&head, " ");
	while (fmt_width(head.data) < t->cols)
		buf_puts(&head, rule);
	tui_put(t, y++, 0, t->cols, head.data, PAIR_HEAD, A_BOLD);
	buf_free(&head);
	if (f->params && y < y1)
		pane_line(t, y++, "params", f->params);
	if (f->tags && y < y1)
		pane_line(t, y++, "tags", f->tags);
	if (f->note && y < y1)
		pane_line(t, y++, "note", f->note);
	if (y >= y1)
		return;
	if (!f->nm) {
		pane_line(t, y, "metrics", "none recorded");
		return;
	}
	tui_put(t, y, 1, 8, "metrics", PAIR_DIM, 0);
	int room = y1 - y, fit = f->nm <= room ? f->nm : room - 1;
	run_facts_paint_metrics(t, f, 0, y, y + fit, 10, t->cols - 11);
	if (fit < f->nm) { /* the last row says what did not fit */
		char more[80];
		snprintf(more, sizeof more, "%s %d more (Enter: the run)", t->utf8 ? "…" : "...",
			 f->nm - fit);
		tui_put(t, y + fit, 10, t->cols - 11, more, PAIR_DIM, 0);
	}
}

static void runs_draw(struct view *v, struct tui *t)
{
	struct runs_view *rv = v->data;
	if (rv->pane_h)
		pane_draw(rv, t);
	if (rv->tb.nrows)
		table_paint(t, &rv->tb, 1, t->lines - 1 - rv->pane_h);
	else if (rv->filter)
		tui_put(t, 2, 2, t->cols - 4, "No run matches the filter (f to change it).", 0, 0);
	else
		tui_put(t, 2, 2, t->cols - 4, "No runs yet. Run a pipeline with: runlens run FILE", 0,
			0);
}

static int64_t selected(const struct runs_view *rv)
{
	return rv->tb.nrows ? rv->ids[rv->tb.sel] : 0;
}

static int runs_open(struct view *v, struct tui *t, enum tui_action a)
{
	(void)a;
	if (selected(v->data))
		tui_push(t, view_run_new(selected(v->data)));
	return TUI_REDRAW;
}

/* l: the logs of the run's failed step, else of the last one that
 * started. */
static int runs_logs(struct view *v, struct tui *t, enum tui_action a)
{
	int64_t id = selected(v->data);
	struct store_step_run *steps = NULL;
	struct rl_err err = RL_ERR_INIT;
	int n = 0, k = -1;
	(void)a;
	if (!id)
		return TUI_HANDLED;
	if (store_step_runs_of_run(t->store, id, &steps, &n, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	for (int i = 0; i < n; i++) {
		if (!strcmp(steps[i].status, "failed")) {
			k = i;
			break;
		}
		if (steps[i].started_ms)
			k = i;
	}
	if (k >= 0)
		tui_push(t, view_logs_new(id, steps[k].name, 0));
	else if (!err.code)
		tui_notice(t, "run %lld has no step that started: no logs yet", (long long)id);
	store_step_runs_free(steps, n);
	rl_err_clear(&err);
	return TUI_REDRAW;
}

/* The keys of one function each. */
static int runs_key(struct view *v, struct tui *t, enum tui_action a)
{
	struct runs_view *rv = v->data;
	switch (a) {
	case ACT_FILTER: return runs_ask_filter(rv, t);
	case ACT_SORT: return runs_ask_sort(rv, t);
	case ACT_COLUMNS: return runs_choose_columns(rv, t);
	case ACT_SAVE_VIEW: return runs_save_view(rv, t);
	case ACT_VIEWS: return runs_recall_view(rv, t);
	case ACT_MARK: return do_mark(rv);
	case ACT_UNMARK_ALL: return do_unmark_all(rv, t);
	case ACT_COMPARE: return do_compare(rv, t);
	case ACT_PIN: return do_pin(rv, t);
	case ACT_DELETE: return do_delete(rv, t);
	default: return do_search(rv, t, a);
	}
}

/* Left, Right: the columns scroll sideways past ID and NAME. */
static int runs_side(struct view *v, struct tui *t, enum tui_action a)
{
	struct runs_view *rv = v->data;
	int r = table_hscroll(&rv->tb, a == ACT_RIGHT ? 1 : -1);
	if (r == TUI_HANDLED)
		tui_notice(t, a == ACT_RIGHT ? "the last column is shown" : "the first columns are shown");
	return TUI_REDRAW;
}

/* w: the sweep of the selected run, as a group. */
static int runs_sweep(struct view *v, struct tui *t, enum tui_action a)
{
	struct runs_view *rv = v->data;
	int64_t sid = 0;
	(void)a;
	if (rv->tb.nrows == 0)
		return TUI_HANDLED;
	store_run_sweep(t->store, rv->ids[rv->tb.sel], &sid, NULL, NULL);
	if (!sid) {
		tui_notice(t, "run %lld is not in a sweep (runlens run FILE -p lr=0.01,0.1 makes one)",
			   (long long)rv->ids[rv->tb.sel]);
		return TUI_REDRAW;
	}
	tui_push(t, view_sweep_new(sid));
	return TUI_REDRAW;
}

static int runs_rerun(struct view *v, struct tui *t, enum tui_action a)
{
	int64_t id = selected(v->data);
	return id ? tui_rerun(t, id, NULL, a == ACT_EDIT_RERUN) : TUI_HANDLED;
}

static int runs_pipelines(struct view *v, struct tui *t, enum tui_action a)
{
	(void)v, (void)a;
	tui_push(t, view_pipelines_new());
	return TUI_REDRAW;
}

/* G: the last row of the list: load pages up to it, but not a million
 * rows (the oldest runs are a sort away). */
static void load_to_end(struct runs_view *rv, struct tui *t)
{
	while (rv->more) {
		int before = rv->tb.nrows;
		struct rl_err err = RL_ERR_INIT;
		if (rv->tb.nrows >= END_LOAD_MAX) {
			tui_notice(t, "%d runs loaded and there are more: s (STARTED twice) "
				      "puts the oldest first, f narrows the list",
				   rv->tb.nrows);
			break;
		}
		if (load_page(rv, t, &err) < 0 || rv->tb.nrows == before) {
			if (err.code)
				tui_error(t, "%s", rl_err_msg(&err));
			rl_err_clear(&err);
			break;
		}
	}
}

static int runs_move(struct view *v, struct tui *t, enum tui_action a)
{
	struct runs_view *rv = v->data;
	if (a == ACT_END) {
		load_to_end(rv, t);
		return table_move(&rv->tb, a, 0);
	}
	int r = table_move(&rv->tb, a, t->lines - 3 - rv->pane_h);
	if (r)
		maybe_more(rv, t);
	return r;
}

/* i: the detail pane on and off. */
static int runs_details(struct view *v, struct tui *t, enum tui_action a)
{
	struct runs_view *rv = v->data;
	(void)a;
	rv->details = !rv->details;
	rv->facts_for = 0;
	if (!rv->details)
		tui_notice(t, "the detail pane is off (i shows it)");
	return TUI_REDRAW;
}

static int runs_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct runs_view *rv = v->data;
	(void)x;
	if (y >= t->lines - 1 - rv->pane_h || !table_click(&rv->tb, y))
		return TUI_HANDLED; /* the pane, or no row */
	maybe_more(rv, t);
	return dbl ? runs_open(v, t, ACT_OPEN) : TUI_REDRAW;
}

static int64_t runs_run_of(struct view *v)
{
	return selected(v->data);
}

static int runs_command_of(struct view *v, struct tui *t, const char *name, const char *arg)
{
	return runs_command(v->data, t, name, arg);
}

static void runs_free_data(void *data)
{
	struct runs_view *rv = data;
	table_clear(&rv->tb);
	runs_clear_filter_sort(rv);
	store_sort_cursor_clear(&rv->qnext);
	runs_cols_free(rv);
	runs_bases_clear(rv);
	free(rv->pending_cols);
	cJSON_Delete(rv->dirs);
	free(rv->ids);
	free(rv->info);
	free(rv->marked);
	free(rv->pipeline_name);
	free(rv->view_name);
	free(rv->view_filter);
	free(rv->view_sort);
	run_facts_clear(&rv->facts);
	free(rv);
}

static void runs_free(struct view *v)
{
	runs_free_data(v->data);
}


static const struct view_action runs_actions[] = {
	{ .action = ACT_OPEN, .run = runs_open, .help = "open the run", .hint = "open" },
	{ .action = ACT_FILTER, .run = runs_key, .help = "filter (ls --where language)",
	  .hint = "filter" },
	{ .action = ACT_SORT, .run = runs_key, .help = "sort by a column (again: reverse)",
	  .hint = "sort" },
	{ .action = ACT_SEARCH, .run = runs_key, .help = "search the runs loaded", .hint = "search" },
	{ .action = ACT_MARK, .run = runs_key, .help = "mark / unmark a run", .hint = "mark" },
	{ .action = ACT_UNMARK_ALL, .run = runs_key, .help = "unmark every run" },
	{ .action = ACT_COMPARE, .run = runs_key,
	  .help = "compare the marked runs (or run vs baseline)", .hint = "compare" },
	{ .action = ACT_PIN, .run = runs_key, .help = "pin the run as its pipeline's baseline",
	  .hint = "pin" },
	{ .action = ACT_COLUMNS, .run = runs_key,
	  .help = "choose, order, hide columns; sparklines",
	  .hint = "columns" },
	{ .action = ACT_LEFT, .run = runs_side, .help = "scroll the columns left (ID, NAME stay)",
	  .hint = "columns", .hint_short = NULL },
	{ .action = ACT_RIGHT, .run = runs_side, .help = "scroll the columns right" ,
	  .hint = "columns" },
	{ .action = ACT_WRAP, .run = runs_sweep,
	  .help = "the run's sweep: its runs ranked, plots" },
	{ .action = ACT_PIPELINES, .run = runs_pipelines, .help = "the pipelines",
	  .hint = "pipelines" },
	{ .action = ACT_DETAILS, .run = runs_details,
	  .help = "the detail pane: params, metrics, tags, note",
	  .hint = "details" },
	{ .action = ACT_RERUN, .run = runs_rerun, .help = "rerun the run (plan first)",
	  .hint = "rerun" },
	{ .action = ACT_NEXT, .run = runs_key, .help = "the next match" },
	{ .action = ACT_PREV, .run = runs_key, .help = "the previous match" },
	{ .action = ACT_LOGS, .run = runs_logs,
	  .help = "logs of the run's failed step (else its last)" },
	{ .action = ACT_EDIT_RERUN, .run = runs_rerun, .help = "edit params, then rerun" },
	{ .action = ACT_DELETE, .run = runs_key, .help = "delete the run(s) (asks first)" },
	{ .action = ACT_SAVE_VIEW, .run = runs_key,
	  .help = "save filter, sort, columns as a view" },
	{ .action = ACT_VIEWS, .run = runs_key, .help = "recall a saved view" },
	VIEW_MOVES(runs_move, "run", "runs"),
};

const struct view_ops view_runs_ops = {
	.name = "Runs",
	.load = runs_load,
	.recalc = runs_recalc,
	.title = runs_title,
	.draw = runs_draw,
	.free = runs_free,
	.actions = runs_actions,
	.nactions = sizeof runs_actions / sizeof runs_actions[0],
	.help_note = { "f as ls --where: train.loss<0.5 and tag=good",
		       "c on marked A, B, C…: runlens compare A B C…",
		       "C: the columns of this pipeline (ls --columns)" },
	.click = runs_click,
	.run_of = runs_run_of,
	.command = runs_command_of,
};

struct view *view_runs_new(int64_t pipeline_id)
{
	struct runs_view *rv = calloc(1, sizeof(*rv));
	if (rv)
		rv->pipeline_id = pipeline_id;
	return view_new(&view_runs_ops, rv, runs_free_data);
}
