/* tui/view_runs.c — the runs view: every run, newest first, paged from the
 * store by key as the selection moves down (never the whole table). */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/timeutil.h"

#define PAGE 200

static const struct tui_col cols[] = {
	{ "ID", 3, 1, 0 },	 { "STATUS", 9, 0, 0 },	 { "NAME", 10, 0, 1 },
	{ "PIPELINE", 8, 0, 0 }, { "STARTED", 16, 0, 0 }, { "DURATION", 8, 1, 0 },
	{ "TAGS", 4, 0, 0 },
};

struct runs_view {
	struct tui_table tb;
	int64_t *ids;
	struct store_run_cursor next; /* where the next page starts */
	int more;		      /* more pages in the store */
};

static int load_page(struct runs_view *rv, struct tui *t, struct rl_err *err)
{
	struct store_run *rows = NULL;
	int n = 0;
	int first = rv->tb.nrows == 0;
	if (store_runs_page(t->store, 0, first ? NULL : &rv->next, PAGE, &rows, &n, err) < 0)
		return -1;
	int64_t *ids = realloc(rv->ids, (size_t)(rv->tb.nrows + n + 1) * sizeof(int64_t));
	if (!ids) {
		store_runs_free(rows, n);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	rv->ids = ids;
	for (int i = 0; i < n; i++) {
		struct store_run *r = &rows[i];
		char id[32], when[32], dur[32];
		snprintf(id, sizeof id, "%lld", (long long)r->id);
		time_local_short(r->started_ms, when, sizeof when);
		time_duration((r->ended_ms ? r->ended_ms : time_now_ms()) - r->started_ms, dur,
			      sizeof dur);
		struct buf tags = BUF_INIT;
		for (int k = 0; k < r->ntags; k++)
			buf_printf(&tags, "%s%s", k ? "," : "", r->tags[k]);
		char *cells[] = { id, r->status, r->name, r->pipeline, when, dur,
				  tags.data ? tags.data : "" };
		rv->ids[rv->tb.nrows] = r->id;
		table_push(&rv->tb, cells, tui_status_pair(r->status));
		buf_free(&tags);
	}
	if (n) {
		rv->next.started_ms = rows[n - 1].started_ms;
		rv->next.id = rows[n - 1].id;
	}
	rv->more = n == PAGE;
	store_runs_free(rows, n);
	return 0;
}

static int runs_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct runs_view *rv = v->data;
	int keep = rv->tb.sel, shown = rv->tb.nrows;
	table_clear(&rv->tb);
	rv->tb.cols = cols;
	rv->tb.ncols = sizeof cols / sizeof cols[0];
	rv->tb.status_col = 1;
	/* reload as many rows as were shown, page by page */
	do {
		if (load_page(rv, t, err) < 0)
			return -1;
	} while (rv->more && rv->tb.nrows < shown);
	rv->tb.sel = keep < rv->tb.nrows ? keep : rv->tb.nrows - 1;
	if (rv->tb.sel < 0)
		rv->tb.sel = 0;
	return 0;
}

static void runs_title(struct view *v, char *buf, size_t size)
{
	struct runs_view *rv = v->data;
	snprintf(buf, size, "Runs — %d%s shown, newest first", rv->tb.nrows,
		 rv->more ? "+" : "");
}

static void runs_draw(struct view *v, struct tui *t)
{
	struct runs_view *rv = v->data;
	if (rv->tb.nrows == 0) {
		mvprintw(2, 2, "No runs yet. Run a pipeline with: runlens run FILE");
		return;
	}
	table_paint(t, &rv->tb, 1, t->lines - 1);
}

static int runs_action(struct view *v, struct tui *t, enum tui_action a)
{
	struct runs_view *rv = v->data;
	if (a == ACT_OPEN || a == ACT_LOGS) {
		if (rv->tb.nrows == 0)
			return TUI_HANDLED;
		tui_push(t, view_run_new(rv->ids[rv->tb.sel]));
		return TUI_REDRAW;
	}
	int r = table_move(&rv->tb, a, t->lines - 3);
	/* near the end of what is loaded: fetch the next page */
	if (r && rv->more && rv->tb.sel >= rv->tb.nrows - (t->lines - 3)) {
		struct rl_err err = RL_ERR_INIT;
		if (load_page(rv, t, &err) < 0)
			tui_notice(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		if (a == ACT_PAGE_DOWN || a == ACT_DOWN)
			table_move(&rv->tb, ACT_NONE, 0);
	}
	return r;
}

static void runs_free(struct view *v)
{
	struct runs_view *rv = v->data;
	table_clear(&rv->tb);
	free(rv->ids);
	free(rv);
}

static const struct view_ops runs_ops = {
	.name = "runs",
	.load = runs_load,
	.title = runs_title,
	.draw = runs_draw,
	.action = runs_action,
	.free = runs_free,
};

struct view *view_runs_new(int64_t pipeline_id)
{
	struct view *v = calloc(1, sizeof(*v));
	struct runs_view *rv = calloc(1, sizeof(*rv));
	if (!v || !rv) {
		free(v);
		free(rv);
		return NULL;
	}
	(void)pipeline_id;
	v->ops = &runs_ops;
	v->data = rv;
	return v;
}
