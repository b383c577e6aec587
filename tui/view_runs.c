/* tui/view_runs.c — the runs view: every run (or one pipeline's), newest
 * first, paged from the store by key as the selection moves down (never
 * the whole table); metric columns with the delta to each run's baseline
 * coloured better/worse, a sparkline of the first metric over the
 * pipeline's runs up to that one; filter (the --where language), sort by
 * any column, search, marks, compare, pin, rerun, delete, saved views. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/compare.h"
#include "core/filter.h"
#include "core/runs.h"
#include "core/session.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define PAGE 100
#define MAX_METRIC_COLS 8
#define TREND_POINTS 12
#define END_LOAD_MAX 5000 /* rows G loads at most */

/* the fixed columns, in order */
enum { C_MARK, C_ID, C_STATUS, C_NAME, C_PIPELINE, C_STARTED, C_DURATION, C_TAGS, C_FIXED };
static const struct tui_col fixed_cols[C_FIXED] = {
	{ "", 1, 0, 0, 0 },	       { "ID", 3, 1, 0, 0 },	     { "STATUS", 9, 0, 0, 0 },
	{ "NAME", 10, 0, 1, 0 },       { "PIPELINE", 8, 0, 0, 7 },   { "STARTED", 16, 0, 0, 3 },
	{ "DURATION", 8, 1, 0, 4 },    { "TAGS", 4, 0, 0, 8 },
};
/* sort keys of the fixed columns (NULL: not sortable) */
static const char *const fixed_sort[C_FIXED] = { NULL,	    "id",	"status",   "name",
						 "pipeline", "started", "duration", NULL };

struct mcol {
	char *step, *key;
	char title[96];
	int dir; /* 1: higher is better, -1 lower */
};

/* What a row's metric cells are computed from, when it is first shown. */
struct rowinfo {
	int64_t pipeline_id, started_ms;
	int filled;
};

/* Baselines seen while filling rows: many rows share one (a pinned run,
 * or the same previous run), so its metric values are read once. */
#define BASE_CACHE 16
struct base_values {
	int64_t run_id;
	int have[MAX_METRIC_COLS];
	double v[MAX_METRIC_COLS];
};

struct runs_view {
	int64_t pipeline_id; /* 0: all */
	char *pipeline_name;
	struct tui_table tb;
	struct tui_col cols[C_FIXED + MAX_METRIC_COLS + 1];
	int colmap[C_FIXED + MAX_METRIC_COLS + 1]; /* shown column → fixed index, or
						     C_FIXED + metric, or -1 trend */
	int ncols;
	int64_t *ids;
	struct rowinfo *info;	      /* per row: what filling its metric cells needs */
	struct store_run_cursor next; /* keyset: where the next page starts */
	int more;		      /* more pages in the store */
	/* filter and sort (query mode) */
	char *filter_text;
	struct store_filter *filter;
	char *sort_text;
	struct store_sort sort;
	int sorted;
	int limit; /* rows asked for in query mode */
	/* metric columns */
	struct mcol m[MAX_METRIC_COLS];
	int nm;
	int m_chosen; /* the user (or a saved view) chose them */
	cJSON *dirs;  /* the "metrics" object of the spec the columns came from */
	int64_t baseline_override; /* a saved view's baseline: 0 none */
	/* marks, by run id, in the order marked */
	int64_t *marked;
	int nmarked;
	char search[256];
	char trend_title[96];
	struct base_values bases[BASE_CACHE];
	int nbases, next_base;
	char *view_name; /* the saved view recalled, for the title */
};

static void free_metrics(struct runs_view *rv)
{
	for (int i = 0; i < rv->nm; i++) {
		free(rv->m[i].step);
		free(rv->m[i].key);
	}
	rv->nm = 0;
}

static int add_metric(struct runs_view *rv, const char *step, const char *key)
{
	if (rv->nm >= MAX_METRIC_COLS)
		return -1;
	struct mcol *m = &rv->m[rv->nm++];
	m->step = strdup(step);
	m->key = strdup(key);
	snprintf(m->title, sizeof m->title, "%s.%s", step, key);
	m->dir = compare_direction(rv->dirs, m->title);
	return 0;
}

/* "train.loss" → step "train", key "loss" (the first dot splits). */
static int add_metric_text(struct runs_view *rv, const char *text)
{
	const char *dot = strchr(text, '.');
	if (!dot || dot == text || !dot[1])
		return -1;
	char step[128];
	snprintf(step, sizeof step, "%.*s", (int)(dot - text), text);
	return add_metric(rv, step, dot + 1);
}

static int is_marked(const struct runs_view *rv, int64_t id)
{
	for (int i = 0; i < rv->nmarked; i++)
		if (rv->marked[i] == id)
			return 1;
	return 0;
}

/* The directions of the metrics of RUN's pipeline spec (for colouring). */
static void load_dirs(struct runs_view *rv, struct tui *t, int64_t run_id)
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
static void default_metrics(struct runs_view *rv, struct tui *t, int64_t run_id)
{
	struct store_metric *ms = NULL;
	int n = 0;
	free_metrics(rv);
	if (store_run_metrics(t->store, run_id, &ms, &n, NULL) < 0)
		return;
	if (n > 0)
		load_dirs(rv, t, run_id);
	for (int i = 0; i < n && rv->nm < 3; i++)
		add_metric(rv, ms[i].step, ms[i].key);
	store_metrics_free(ms, n);
}

static void build_cols(struct runs_view *rv)
{
	int k = 0;
	for (int c = 0; c < C_FIXED; c++) {
		if (c == C_PIPELINE && rv->pipeline_id)
			continue;
		rv->cols[k] = fixed_cols[c];
		rv->colmap[k++] = c;
	}
	for (int i = 0; i < rv->nm; i++) {
		rv->cols[k] = (struct tui_col){ rv->m[i].title, 6, 1, 0, i ? 5 : 2 };
		rv->colmap[k++] = C_FIXED + i;
	}
	if (rv->nm > 0) {
		snprintf(rv->trend_title, sizeof rv->trend_title, "%s TREND", rv->m[0].key);
		rv->cols[k] = (struct tui_col){ rv->trend_title, TREND_POINTS, 0, 0, 6 };
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
	if (base != 0 && isfinite(base)) {
		double pct = fabs((v - base) / base * 100.0);
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
	rv->next_base = (rv->next_base + 1) % BASE_CACHE;
	if (rv->nbases < BASE_CACHE)
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
	r.started_ms = ri->started_ms;
	int64_t base = rv->baseline_override && rv->baseline_override != id
			       ? rv->baseline_override
			       : session_baseline(t->store, &r);
	const struct base_values *bv = base ? base_values(rv, t, base) : NULL;
	for (int c = 0; c < rv->ncols; c++) {
		int what = rv->colmap[c];
		char text[96] = "";
		int attr = 0;
		if (what == -1) {
			struct store_metric_run *h = NULL;
			int n = 0;
			if (store_metric_history(t->store, ri->pipeline_id, rv->m[0].step,
						 rv->m[0].key, id, TREND_POINTS, &h, &n, NULL) == 0 &&
			    n > 1) {
				double v[TREND_POINTS];
				int k = n < TREND_POINTS ? n : TREND_POINTS;
				for (int i = 0; i < k; i++)
					v[i] = h[i].value;
				fmt_spark(v, k, t->utf8, text, sizeof text);
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
		char *copy = strdup(text);
		if (!copy)
			continue;
		free(rv->tb.cells[row * rv->tb.ncols + c]);
		rv->tb.cells[row * rv->tb.ncols + c] = copy;
		rv->tb.attr[row * rv->tb.ncols + c] = attr;
	}
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
	char id[32], when[32], dur[32];
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	time_local_short(r->started_ms, when, sizeof when);
	time_duration((r->ended_ms ? r->ended_ms : time_now_ms()) - r->started_ms, dur,
		      sizeof dur);
	struct buf tags = BUF_INIT;
	for (int k = 0; k < r->ntags; k++)
		buf_printf(&tags, "%s%s", k ? "," : "", r->tags[k]);
	char *cells[C_FIXED + MAX_METRIC_COLS + 1];
	int attrs[C_FIXED + MAX_METRIC_COLS + 1];
	const char *mark = is_marked(rv, r->id) ? "*" : "";
	for (int c = 0; c < rv->ncols; c++) {
		int what = rv->colmap[c];
		attrs[c] = 0;
		switch (what) {
		case C_MARK: cells[c] = (char *)mark; break;
		case C_ID: cells[c] = id; break;
		case C_STATUS:
			cells[c] = r->status;
			attrs[c] = tui_status_pair(r->status);
			break;
		case C_NAME: cells[c] = r->name; break;
		case C_PIPELINE: cells[c] = r->pipeline; break;
		case C_STARTED: cells[c] = when; break;
		case C_DURATION: cells[c] = dur; break;
		case C_TAGS: cells[c] = tags.data ? tags.data : ""; break;
		default: cells[c] = ""; break; /* metric cells: fill_row */
		}
	}
	rv->ids[rv->tb.nrows] = r->id;
	rv->info[rv->tb.nrows] = (struct rowinfo){ r->pipeline_id, r->started_ms, 0 };
	int rc = table_push_attrs(&rv->tb, cells, attrs);
	if (rc == 0)
		rv->tb.marked[rv->tb.nrows - 1] = mark[0] != 0;
	buf_free(&tags);
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

static int load_page_read(struct runs_view *rv, struct tui *t, struct rl_err *err)
{
	struct store_run *rows = NULL;
	int n = 0, from = 0;
	if (rv->filter || rv->sorted) {
		rv->limit = rv->tb.nrows + PAGE;
		if (store_runs_query(t->store, rv->pipeline_id, rv->filter,
				     rv->sorted ? &rv->sort : NULL, time_now_ms(), rv->limit, &rows,
				     &n, err) < 0)
			return -1;
		from = rv->tb.nrows;
		rv->more = n == rv->limit;
	} else {
		int first = rv->tb.nrows == 0;
		if (store_runs_page(t->store, rv->pipeline_id, first ? NULL : &rv->next, PAGE,
				    &rows, &n, err) < 0)
			return -1;
		if (n) {
			rv->next.started_ms = rows[n - 1].started_ms;
			rv->next.id = rows[n - 1].id;
		}
		rv->more = n == PAGE;
	}
	/* default metric columns: those of the newest run that has metrics */
	for (int i = 0; rv->tb.nrows == 0 && !rv->m_chosen && rv->nm == 0 && i < n; i++)
		default_metrics(rv, t, rows[i].id);
	if (rv->tb.nrows == 0)
		build_cols(rv);
	for (int i = from; i < n; i++)
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
	table_clear(&rv->tb);
	rv->nbases = rv->next_base = 0; /* values may have changed */
	if (!rv->m_chosen)
		free_metrics(rv);
	if (rv->pipeline_id && !rv->pipeline_name) {
		struct store_pipeline p = { 0 };
		if (store_pipeline_get_by_id(t->store, rv->pipeline_id, &p, err) < 0)
			return -1;
		rv->pipeline_name = p.name;
		p.name = NULL;
		store_pipeline_clear(&p);
	}
	build_cols(rv);
	rv->next = (struct store_run_cursor){ 0, 0 };
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

static void runs_title(struct view *v, char *buf, size_t size)
{
	struct runs_view *rv = v->data;
	struct buf b = BUF_INIT;
	buf_printf(&b, "Runs %s %s", "—", rv->pipeline_name ? rv->pipeline_name : "all pipelines");
	if (rv->view_name)
		buf_printf(&b, " [view %s]", rv->view_name);
	buf_printf(&b, " · %d%s shown", rv->tb.nrows, rv->more ? "+" : "");
	buf_printf(&b, " · %s", rv->sorted ? rv->sort_text : "newest first");
	if (rv->filter_text)
		buf_printf(&b, " · where %s", rv->filter_text);
	if (rv->nmarked)
		buf_printf(&b, " · %d marked", rv->nmarked);
	snprintf(buf, size, "%s", b.data);
	buf_free(&b);
}

static void runs_draw(struct view *v, struct tui *t)
{
	struct runs_view *rv = v->data;
	if (rv->tb.nrows == 0) {
		if (rv->filter)
			tui_put(t, 2, 2, t->cols - 4, "No run matches the filter (f to change it).", 0,
				0);
		else
			tui_put(t, 2, 2, t->cols - 4,
				"No runs yet. Run a pipeline with: runlens run FILE", 0, 0);
		return;
	}
	/* the rows table_paint will show (it keeps the selection in view) */
	int height = t->lines - 3, top = rv->tb.top;
	if (rv->tb.sel < top)
		top = rv->tb.sel;
	if (rv->tb.sel >= top + height)
		top = rv->tb.sel - height + 1;
	if (top < 0)
		top = 0;
	/* one read snapshot for the burst of lookups, ended before painting
	 * (never held while waiting for a key) */
	int began = 0;
	store_read_begin(t->store, &began, NULL);
	for (int r = top; r < rv->tb.nrows && r < top + height; r++)
		fill_row(rv, t, r);
	store_read_end(t->store, began);
	table_paint(t, &rv->tb, 1, t->lines - 1);
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

static void clear_filter_sort(struct runs_view *rv)
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

static int do_filter(struct runs_view *rv, struct tui *t)
{
	char text[512];
	if (!tui_prompt(t, "filter (status=failed and train.loss<0.5 …; empty clears):",
			rv->filter_text, text, sizeof text))
		return TUI_REDRAW;
	if (set_filter(rv, t, text) < 0)
		return TUI_REDRAW;
	return TUI_RELOAD;
}

static int do_sort(struct runs_view *rv, struct tui *t)
{
	char *items[C_FIXED + MAX_METRIC_COLS + 1];
	const char *keys[C_FIXED + MAX_METRIC_COLS + 1];
	char labels[C_FIXED + MAX_METRIC_COLS + 1][128];
	int n = 0;
	snprintf(labels[n], sizeof labels[n], "newest first (no sort)");
	keys[n] = "";
	items[n] = labels[n];
	n++;
	for (int c = 0; c < C_FIXED; c++) {
		if (!fixed_sort[c] || (c == C_PIPELINE && rv->pipeline_id))
			continue;
		snprintf(labels[n], sizeof labels[n], "%s", fixed_cols[c].title);
		keys[n] = fixed_sort[c];
		items[n] = labels[n];
		n++;
	}
	for (int i = 0; i < rv->nm; i++) {
		snprintf(labels[n], sizeof labels[n], "%s (%s is better)", rv->m[i].title,
			 rv->m[i].dir > 0 ? "higher" : "lower");
		keys[n] = rv->m[i].title;
		items[n] = labels[n];
		n++;
	}
	int k = tui_choose(t, "Sort runs by (again: reverse)", items, n, 0, NULL);
	if (k < 0)
		return TUI_REDRAW;
	char text[160];
	const char *cur = rv->sort_text ? rv->sort_text : "";
	const char *bare = cur[0] == '-' ? cur + 1 : cur;
	if (!keys[k][0])
		text[0] = '\0';
	else if (!strcmp(bare, keys[k]))
		snprintf(text, sizeof text, "%s%s", cur[0] == '-' ? "" : "-", keys[k]);
	else {
		/* metrics: best first; times and ids: newest first */
		int desc = 1;
		for (int i = 0; i < rv->nm; i++)
			if (!strcmp(keys[k], rv->m[i].title))
				desc = rv->m[i].dir > 0;
		if (!strcmp(keys[k], "name") || !strcmp(keys[k], "pipeline") ||
		    !strcmp(keys[k], "status"))
			desc = 0;
		snprintf(text, sizeof text, "%s%s", desc ? "-" : "", keys[k]);
	}
	if (set_sort(rv, t, text) < 0)
		return TUI_REDRAW;
	return TUI_RELOAD;
}

static int do_columns(struct runs_view *rv, struct tui *t)
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
		free_metrics(rv);
		if (rv->tb.nrows)
			load_dirs(rv, t, rv->ids[rv->tb.sel]);
		for (int i = 0; i < k; i++)
			if (on[i] && add_metric_text(rv, items[i]) < 0 && rv->nm >= MAX_METRIC_COLS)
				tui_notice(t, "at most %d metric columns", MAX_METRIC_COLS);
		rv->m_chosen = 1;
	}
	for (int i = 0; i < k; i++)
		free(items[i]);
	free(items);
	free(on);
	return TUI_RELOAD;
}

static char *columns_json(const struct runs_view *rv)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < rv->nm; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(rv->m[i].title));
	char *s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

static int do_save_view(struct runs_view *rv, struct tui *t)
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
	sv.columns_json = columns_json(rv);
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
	}
	rl_err_clear(&err);
	free(sv.columns_json);
	return TUI_REDRAW;
}

/* Make this view what the saved view SV says. */
static void apply_view(struct runs_view *rv, struct tui *t, const struct store_saved_view *sv)
{
	clear_filter_sort(rv);
	if (sv->filter && set_filter(rv, t, sv->filter) < 0)
		return;
	if (sv->sort && set_sort(rv, t, sv->sort) < 0)
		return;
	rv->pipeline_id = sv->pipeline_id;
	free(rv->pipeline_name);
	rv->pipeline_name = NULL;
	rv->baseline_override = sv->baseline_run_id;
	free_metrics(rv);
	rv->m_chosen = 0;
	cJSON *cols = sv->columns_json ? cJSON_Parse(sv->columns_json) : NULL;
	if (cJSON_IsArray(cols) && cJSON_GetArraySize(cols) > 0) {
		cJSON *c;
		cJSON_ArrayForEach(c, cols)
			if (cJSON_IsString(c))
				add_metric_text(rv, c->valuestring);
		rv->m_chosen = 1;
	}
	cJSON_Delete(cols);
	free(rv->view_name);
	rv->view_name = strdup(sv->name);
	tui_notice(t, "view '%s'", sv->name);
}

static int do_views(struct runs_view *rv, struct tui *t)
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
	int col = 0;
	for (int c = 0; c < rv->ncols; c++)
		if (rv->colmap[c] == C_MARK)
			col = c;
	free(rv->tb.cells[r * rv->tb.ncols + col]);
	rv->tb.cells[r * rv->tb.ncols + col] = strdup(found >= 0 ? "" : "*");
	rv->tb.marked[r] = found < 0;
	if (rv->tb.sel < rv->tb.nrows - 1)
		rv->tb.sel++;
	return TUI_REDRAW;
}

static int do_compare(struct runs_view *rv, struct tui *t)
{
	if (rv->nmarked >= 2) {
		tui_push(t, view_compare_new(rv->marked, rv->nmarked));
		return TUI_REDRAW;
	}
	if (rv->tb.nrows == 0)
		return TUI_HANDLED;
	int64_t id = rv->nmarked == 1 ? rv->marked[0] : rv->ids[rv->tb.sel];
	struct store_run r = { 0 };
	struct rl_err err = RL_ERR_INIT;
	if (store_run_get(t->store, id, &r, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	int64_t base = rv->baseline_override && rv->baseline_override != id
			       ? rv->baseline_override
			       : session_baseline(t->store, &r);
	store_run_clear(&r);
	if (!base) {
		tui_notice(t, "run %lld has no baseline: mark runs with Space to compare them",
			   (long long)id);
		return TUI_REDRAW;
	}
	int64_t ids[2] = { base, id };
	tui_push(t, view_compare_new(ids, 2));
	return TUI_REDRAW;
}

static int do_pin(struct runs_view *rv, struct tui *t)
{
	if (rv->tb.nrows == 0 || tui_refuse_read_only(t, "pinning a baseline"))
		return TUI_REDRAW;
	int64_t id = rv->ids[rv->tb.sel];
	struct rl_err err = RL_ERR_INIT;
	if (runs_pin(t->store, id, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	rv->baseline_override = 0;
	tui_notice(t, "run %lld is now its pipeline's baseline", (long long)id);
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
	if (runs_check_deletable(t->store, ids, n, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	struct buf b = BUF_INIT;
	buf_printf(&b, "Runs:");
	for (int i = 0; i < n && i < 20; i++)
		buf_printf(&b, " %lld", (long long)ids[i]);
	if (n > 20)
		buf_printf(&b, " … (%d in all)", n);
	char *lines[] = { b.data, "Their records, logs and contexts are deleted;",
			  "artifacts stay until `runlens gc`." };
	char title[64];
	snprintf(title, sizeof title, "Delete %d run%s?", n, n == 1 ? "" : "s");
	int yes = tui_confirm(t, title, lines, 3, "Delete? [y/N]");
	buf_free(&b);
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

static int do_search(struct runs_view *rv, struct tui *t, enum tui_action a)
{
	if (a == ACT_SEARCH) {
		char text[256];
		if (!tui_prompt(t, "search:", NULL, text, sizeof text) || !text[0])
			return TUI_REDRAW;
		snprintf(rv->search, sizeof rv->search, "%s", text);
	}
	if (!rv->search[0]) {
		tui_notice(t, "no search yet: / searches");
		return TUI_REDRAW;
	}
	if (!table_search(&rv->tb, rv->search, a == ACT_PREV ? -1 : 1))
		tui_notice(t, "'%s' is not in the %d runs loaded%s", rv->search, rv->tb.nrows,
			   rv->more ? " (f filters the whole store: name~TEXT)" : "");
	return TUI_REDRAW;
}

static int runs_action(struct view *v, struct tui *t, enum tui_action a)
{
	struct runs_view *rv = v->data;
	int64_t sel = rv->tb.nrows ? rv->ids[rv->tb.sel] : 0;
	switch (a) {
	case ACT_OPEN:
	case ACT_LOGS:
		if (sel)
			tui_push(t, view_run_new(sel));
		return TUI_REDRAW;
	case ACT_FILTER: return do_filter(rv, t);
	case ACT_SORT: return do_sort(rv, t);
	case ACT_COLUMNS: return do_columns(rv, t);
	case ACT_SAVE_VIEW: return do_save_view(rv, t);
	case ACT_VIEWS: return do_views(rv, t);
	case ACT_MARK: return do_mark(rv);
	case ACT_COMPARE: return do_compare(rv, t);
	case ACT_PIN: return do_pin(rv, t);
	case ACT_DELETE: return do_delete(rv, t);
	case ACT_SEARCH:
	case ACT_NEXT:
	case ACT_PREV: return do_search(rv, t, a);
	case ACT_RERUN:
	case ACT_EDIT_RERUN:
		return sel ? tui_rerun(t, sel, NULL, a == ACT_EDIT_RERUN) : TUI_HANDLED;
	case ACT_END:
		/* the last row of the list: load pages up to it, but not a
		 * million rows (the oldest runs are a sort away) */
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
		return table_move(&rv->tb, a, 0);
	default: break;
	}
	int r = table_move(&rv->tb, a, t->lines - 3);
	if (r)
		maybe_more(rv, t);
	return r;
}

static int runs_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct runs_view *rv = v->data;
	(void)x;
	if (!table_click(&rv->tb, y))
		return TUI_HANDLED;
	maybe_more(rv, t);
	return dbl ? runs_action(v, t, ACT_OPEN) : TUI_REDRAW;
}

static void runs_free(struct view *v)
{
	struct runs_view *rv = v->data;
	table_clear(&rv->tb);
	clear_filter_sort(rv);
	free_metrics(rv);
	cJSON_Delete(rv->dirs);
	free(rv->ids);
	free(rv->info);
	free(rv->marked);
	free(rv->pipeline_name);
	free(rv->view_name);
	free(rv);
}

static const struct view_ops runs_ops = {
	.name = "runs",
	.load = runs_load,
	.title = runs_title,
	.draw = runs_draw,
	.action = runs_action,
	.free = runs_free,
	.hints = "Enter open · f filter · s sort · / search · Space mark · c compare · b pin"
		 " · C columns · r rerun · p pipelines",
	.click = runs_click,
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
	rv->pipeline_id = pipeline_id;
	v->ops = &runs_ops;
	v->data = rv;
	return v;
}
