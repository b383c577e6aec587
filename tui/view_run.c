/* tui/view_run.c — one run: its steps in DAG order (status, attempts,
 * duration, note) under a summary of the run. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/timeutil.h"

static const struct tui_col cols[] = {
	{ .title = "STEP", .min = 6 },
	{ .title = "STATUS", .min = 11 },
	{ .title = "ATTEMPTS", .min = 8, .right = 1 },
	{ .title = "DURATION", .min = 8, .right = 1 },
	{ .title = "NOTE", .min = 4, .grow = 1 },
};

struct run_view {
	int64_t run_id;
	struct store_run run;
	struct tui_table tb;
	char **names;
	int nnames;
	char *summary; /* one line: status, params */
};

static void clear_data(struct run_view *rv)
{
	table_clear(&rv->tb);
	for (int i = 0; i < rv->nnames; i++)
		free(rv->names[i]);
	free(rv->names);
	rv->names = NULL;
	rv->nnames = 0;
	free(rv->summary);
	rv->summary = NULL;
	store_run_clear(&rv->run);
}

static int run_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct run_view *rv = v->data;
	int keep = rv->tb.sel;
	struct store_step_run *steps = NULL;
	int n = 0;
	clear_data(rv);
	rv->tb.cols = cols;
	rv->tb.ncols = sizeof cols / sizeof cols[0];
	rv->tb.status_col = 1;
	if (store_run_get(t->store, rv->run_id, &rv->run, err) < 0 ||
	    store_step_runs_of_run(t->store, rv->run_id, &steps, &n, err) < 0)
		return -1;
	rv->names = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++) {
		struct store_step_run *st = &steps[i];
		char att[32], dur[32];
		snprintf(att, sizeof att, "%d/%d", st->attempts, st->max_attempts);
		if (st->started_ms)
			time_duration((st->ended_ms ? st->ended_ms : time_now_ms()) - st->started_ms,
				      dur, sizeof dur);
		else
			snprintf(dur, sizeof dur, "-");
		struct buf note = BUF_INIT;
		if (st->cached_from)
			buf_printf(&note, "from step run %lld", (long long)st->cached_from);
		else if (st->error)
			buf_puts(&note, st->error);
		char *cells[] = { st->name, st->status, att, dur, note.data ? note.data : "" };
		table_push(&rv->tb, cells, tui_status_pair(st->status));
		rv->names[rv->nnames++] = strdup(st->name);
		buf_free(&note);
	}
	store_step_runs_free(steps, n);
	struct buf sum = BUF_INIT;
	char when[32], dur[32];
	time_local_short(rv->run.started_ms, when, sizeof when);
	time_duration((rv->run.ended_ms ? rv->run.ended_ms : time_now_ms()) - rv->run.started_ms,
		      dur, sizeof dur);
	buf_printf(&sum, "%s · started %s · took %s", rv->run.status, when, dur);
	cJSON *params = cJSON_Parse(rv->run.params_json ? rv->run.params_json : "{}");
	if (params && params->child) {
		buf_puts(&sum, " · params:");
		for (cJSON *p = params->child; p; p = p->next) {
			char *val = cJSON_PrintUnformatted(p);
			buf_printf(&sum, " %s=%s", p->string, val ? val : "");
			free(val);
		}
	}
	cJSON_Delete(params);
	rv->summary = buf_steal(&sum);
	rv->tb.sel = keep < rv->tb.nrows ? keep : 0;
	if (rv->tb.sel < 0)
		rv->tb.sel = 0;
	return 0;
}

static void run_title(struct view *v, char *buf, size_t size)
{
	struct run_view *rv = v->data;
	snprintf(buf, size, "Run %lld — %s (%s)", (long long)rv->run_id,
		 rv->run.name ? rv->run.name : "?", rv->run.pipeline ? rv->run.pipeline : "?");
}

static void run_draw(struct view *v, struct tui *t)
{
	struct run_view *rv = v->data;
	move(1, 0);
	clrtoeol();
	if (t->color)
		attron(COLOR_PAIR(tui_status_pair(rv->run.status)));
	mvprintw(1, 1, "%.*s", t->cols - 2, rv->summary ? rv->summary : "");
	if (t->color)
		attroff(COLOR_PAIR(tui_status_pair(rv->run.status)));
	move(2, 0);
	clrtoeol();
	table_paint(t, &rv->tb, 3, t->lines - 1);
}

static int run_action(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	if (a == ACT_OPEN || a == ACT_LOGS || a == ACT_RERUN_FROM) {
		if (rv->nnames == 0)
			return TUI_HANDLED;
		const char *step = rv->names[rv->tb.sel];
		if (a == ACT_RERUN_FROM)
			return tui_rerun(t, rv->run_id, step, 0);
		tui_push(t, a == ACT_OPEN ? view_step_new(rv->run_id, step, TAB_CONTEXT)
					  : view_logs_new(rv->run_id, step, 0));
		return TUI_REDRAW;
	}
	return table_move(&rv->tb, a, t->lines - 5);
}

static void run_free(struct view *v)
{
	struct run_view *rv = v->data;
	clear_data(rv);
	free(rv);
}

static const struct view_ops run_ops = {
	.name = "run",
	.load = run_load,
	.title = run_title,
	.draw = run_draw,
	.action = run_action,
	.free = run_free,
};

struct view *view_run_new(int64_t run_id)
{
	struct view *v = calloc(1, sizeof(*v));
	struct run_view *rv = calloc(1, sizeof(*rv));
	if (!v || !rv) {
		free(v);
		free(rv);
		return NULL;
	}
	rv->run_id = run_id;
	v->ops = &run_ops;
	v->data = rv;
	return v;
}
