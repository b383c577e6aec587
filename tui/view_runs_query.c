/* tui/view_runs_query.c — what the runs view shows and in which order:
 * the filter (f, the --where language), the sort (s, any column; again:
 * reverse), and saved views (S saves the filter, sort, columns and
 * baseline in the store; v recalls one). */
#include "config.h"
#include "tui/view_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/columns.h"
#include "core/filter.h"
#include "tui/internal.h"
#include "tui/widget_dialog.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/timeutil.h"

void runs_clear_filter_sort(struct runs_view *rv)
{
	filter_free(&rv->filter);
	free(rv->filter_text);
	rv->filter_text = NULL;
	if (rv->sorted)
		filter_sort_clear(&rv->sort);
	free(rv->sort_text);
	rv->sort_text = NULL;
	rv->sorted = 0;
}

static int set_filter(struct runs_view *rv, struct tui *t, const char *text)
{
	struct rl_err err = RL_ERR_INIT;
	struct store_filter *f = NULL;
	if (*text && filter_parse(text, time_now_ms(), &f, &err) < 0) {
		tui_error(t, "filter: %s", rl_err_msg(&err));
		rl_err_clear(&err);
		return -1;
	}
	filter_free(&rv->filter);
	free(rv->filter_text);
	rv->filter = f;
	rv->filter_text = *text ? strdup(text) : NULL;
	return 0;
}

static int set_sort(struct runs_view *rv, struct tui *t, const char *text)
{
	struct rl_err err = RL_ERR_INIT;
	struct store_sort s = { 0 };
	if (*text && filter_parse_sort(text, &s, &err) < 0) {
		tui_error(t, "sort: %s", rl_err_msg(&err));
		rl_err_clear(&err);
		return -1;
	}
	if (rv->sorted)
		filter_sort_clear(&rv->sort);
	free(rv->sort_text);
	rv->sort = s;
	rv->sorted = *text != 0;
	rv->sort_text = *text ? strdup(text) : NULL;
	return 0;
}

int runs_ask_filter(struct runs_view *rv, struct tui *t)
{
	char text[512];
	struct prompt_opts o = { .label = "filter (status=failed and train.loss<0.5 …; empty clears):",
				 .initial = rv->filter_text, .history = "filter",
				 .complete = tui_complete_fields, .ctx = &rv->pipeline_id };
	if (!tui_prompt_ex(t, &o, text, sizeof text))
		return TUI_REDRAW;
	if (set_filter(rv, t, text) < 0)
		return TUI_REDRAW;
	return TUI_RELOAD;
}

/* The sort key of column C ("started", "params.lr", "train.loss", "tags":
 * by the first tag), or NULL when it cannot be sorted by (the mark). */
static const char *sort_key(const struct rcol *c)
{
	if (c->kind == RC_MARK)
		return NULL;
	return c->name;
}

int runs_ask_sort(struct runs_view *rv, struct tui *t)
{
	char **items = calloc((size_t)rv->nrc + 2, sizeof *items);
	const char **keys = calloc((size_t)rv->nrc + 2, sizeof *keys);
	int *dirs = calloc((size_t)rv->nrc + 2, sizeof *dirs);
	int n = 0, rc = TUI_REDRAW;
	if (!items || !keys || !dirs)
		goto cleanup;
	items[n] = strdup("newest first (no sort)");
	keys[n++] = "";
	/* the fixed columns, the params, then the metrics (last: G) */
	for (int pass = 0; pass < 3; pass++) {
		for (int c = 0; c < rv->nrc; c++) {
			const struct rcol *col = &rv->rc[c];
			enum rcol_kind want = pass == 0 ? RC_FIXED : pass == 1 ? RC_PARAM : RC_METRIC;
			if (!sort_key(col) || col->kind != want)
				continue;
			struct buf label = BUF_INIT;
			buf_puts(&label, col->name);
			if (col->kind == RC_METRIC)
				buf_printf(&label, " (%s is better)", col->dir > 0 ? "higher" : "lower");
			items[n] = buf_steal(&label);
			dirs[n] = col->kind == RC_METRIC ? col->dir : 0;
			keys[n++] = sort_key(col);
		}
	}
	int k = tui_choose(t, "Sort runs by (again: reverse)", items, n, 0, NULL);
	if (k < 0)
		goto cleanup;
	char text[512];
	const char *cur = rv->sort_text ? rv->sort_text : "";
	const char *bare = cur[0] == '-' ? cur + 1 : cur;
	if (!keys[k][0])
		text[0] = '\0';
	else if (!strcmp(bare, keys[k]))
		snprintf(text, sizeof text, "%s%s", cur[0] == '-' ? "" : "-", keys[k]);
	else {
		/* metrics: best first; times and ids: newest first; text (tags:
		 * the first tag) and params: ascending */
		int fixed = -1, desc = dirs[k] ? dirs[k] > 0 : 1;
		if (columns_kind_of(keys[k], &fixed) == COLK_PARAM ||
		    fixed == COLS_NAME || fixed == COLS_PIPELINE || fixed == COLS_STATUS ||
		    fixed == COLS_SWEEP || fixed == COLS_TAGS)
			desc = 0;
		snprintf(text, sizeof text, "%s%s", desc ? "-" : "", keys[k]);
	}
	if (set_sort(rv, t, text) == 0)
		rc = TUI_RELOAD;
cleanup:
	for (int i = 0; items && i < n; i++)
		free(items[i]);
	free(items);
	free(keys);
	free(dirs);
	return rc;
}

int runs_save_view(struct runs_view *rv, struct tui *t)
{
	if (tui_refuse_read_only(t, "saving a view"))
		return TUI_REDRAW;
	char name[128];
	if (!tui_prompt(t, "save this view as:", rv->view_name, name, sizeof name) || !name[0])
		return TUI_REDRAW;
	struct store_saved_view sv = { 0 };
	sv.name = name;
	sv.pipeline_id = rv->pipeline_id;
	sv.filter = rv->filter_text;
	sv.sort = rv->sort_text;
	sv.columns_json = runs_cols_json(rv);
	sv.created_ms = time_now_ms();
	sv.baseline_run_id = rv->baseline_override;
	if (!sv.baseline_run_id && rv->pipeline_id) {
		struct store_pipeline p = { 0 };
		if (store_pipeline_get_by_id(t->store, rv->pipeline_id, &p, NULL) == 0)
			sv.baseline_run_id = p.pinned_run_id;
		store_pipeline_clear(&p);
	}
	struct rl_err err = RL_ERR_INIT;
	if (store_view_save(t->store, &sv, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	else {
		tui_notice(t, "saved view '%s' (v recalls it)", name);
		free(rv->view_name);
		rv->view_name = strdup(name);
		rv->view_seen = NULL; /* the title takes what it says now */
	}
	rl_err_clear(&err);
	free(sv.columns_json);
	return TUI_REDRAW;
}

/* Make this view what the saved view SV says. */
static void apply_view(struct runs_view *rv, struct tui *t, const struct store_saved_view *sv)
{
	runs_clear_filter_sort(rv);
	if (sv->filter && set_filter(rv, t, sv->filter) < 0)
		return;
	if (sv->sort && set_sort(rv, t, sv->sort) < 0)
		return;
	rv->pipeline_id = sv->pipeline_id;
	free(rv->pipeline_name);
	rv->pipeline_name = NULL;
	rv->baseline_override = sv->baseline_run_id;
	runs_cols_free(rv); /* the view's columns, at the next load */
	free(rv->pending_cols);
	rv->pending_cols = sv->columns_json ? strdup(sv->columns_json) : NULL;
	free(rv->view_name);
	rv->view_name = strdup(sv->name);
	rv->view_seen = NULL;
	tui_notice(t, "view '%s'", sv->name);
}

int runs_recall_view(struct runs_view *rv, struct tui *t)
{
	struct store_saved_view *vs = NULL;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	if (store_views_page(t->store, NULL, 500, &vs, &n, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	if (n == 0) {
		tui_notice(t, "no saved views yet: S saves the filter, sort, columns and baseline");
		return TUI_REDRAW;
	}
	char **items = calloc((size_t)n, sizeof(char *));
	for (int i = 0; items && i < n; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%-16s %s%s%s%s", vs[i].name, vs[i].filter ? "where " : "",
			   vs[i].filter ? vs[i].filter : "", vs[i].sort ? "  sort " : "",
			   vs[i].sort ? vs[i].sort : "");
		items[i] = buf_steal(&b);
	}
	int k = items ? tui_choose(t, "Saved views", items, n, 0, NULL) : -1;
	if (k >= 0) {
		apply_view(rv, t, &vs[k]);
		rv->tb.sel = 0;
	}
	for (int i = 0; items && i < n; i++)
		free(items[i]);
	free(items);
	store_views_free(vs, n);
	return k >= 0 ? TUI_RELOAD : TUI_REDRAW;
}


/* :columns a,b,c: those columns, as ls --columns (not saved: C saves). */
static int set_columns(struct runs_view *rv, struct tui *t, const char *list)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *cols = doc ? cJSON_AddArrayToObject(doc, "columns") : NULL;
	for (const char *p = list; cols && *p;) {
		p += strspn(p, ", ");
		size_t len = strcspn(p, ", ");
		if (len) {
			char *name = strndup(p, len);
			if (name)
				cJSON_AddItemToArray(cols, cJSON_CreateString(name));
			free(name);
		}
		p += len;
	}
	char *text = cols ? json_print(doc, 0) : NULL;
	cJSON_Delete(doc);
	if (!text) {
		tui_error(t, "out of memory");
		return TUI_REDRAW;
	}
	runs_cols_free(rv);
	free(rv->pending_cols);
	rv->pending_cols = text;
	runs_bases_clear(rv);
	tui_notice(t, "columns %s (C arranges and saves them)", list);
	return TUI_RELOAD;
}

int runs_command(struct runs_view *rv, struct tui *t, const char *name, const char *arg)
{
	if (!strcmp(name, "filter"))
		return set_filter(rv, t, arg) < 0 ? TUI_REDRAW : TUI_RELOAD;
	if (!strcmp(name, "sort"))
		return set_sort(rv, t, arg) < 0 ? TUI_REDRAW : TUI_RELOAD;
	if (!strcmp(name, "columns"))
		return *arg ? set_columns(rv, t, arg) : runs_choose_columns(rv, t);
	if (strcmp(name, "view"))
		return -1;
	if (!*arg)
		return runs_recall_view(rv, t);
	struct rl_err err = RL_ERR_INIT;
	struct store_saved_view *vs = NULL;
	int n = 0, rc = TUI_REDRAW, found = 0;
	if (store_views_page(t->store, NULL, 500, &vs, &n, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	for (int i = 0; i < n; i++)
		if (!strcmp(vs[i].name, arg)) {
			apply_view(rv, t, &vs[i]);
			rv->tb.sel = 0;
			found = 1;
			rc = TUI_RELOAD;
		}
	if (!found && !err.code)
		tui_error(t, ":view: no saved view '%s' (S saves one)", arg);
	rl_err_clear(&err);
	store_views_free(vs, n);
	return rc;
}
