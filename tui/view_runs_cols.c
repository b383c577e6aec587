/* tui/view_runs_cols.c — the columns of the runs view: which ones (a
 * saved view's, the pipeline's column set, else the defaults of
 * core/columns.h over the pipeline's newest runs — never the newest
 * run's), their widths (from those runs' fields, so they stay put as rows
 * scroll by: a long name is cut, nothing is dropped), their headers (the
 * shared prefix shortened, the distinguishing end kept), the chooser (C:
 * show, hide, reorder every column, a sparkline in a metric's cells), and
 * the cells: fixed fields and params at once, metrics with the change
 * from each run's baseline (core/compare.h judges it), sparklines and
 * sweeps when a row first comes into view. */
#include "config.h"
#include "tui/view_runs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/baseline.h"
#include "core/columns.h"
#include "tui/internal.h"
#include "tui/tui_config.h"
#include "tui/widget_chart.h"
#include "tui/widget_dialog.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

#define NAME_MAX_W 32	 /* a run name wider than this is cut */
#define PARAM_MAX_W 24
#define TEXT_MAX_W 20	 /* pipeline, tags, sweep */
#define HEAD_MIN_W 20	 /* a header is widened up to this before it is shortened */
#define HEAD_FLOOR 10	 /* ... and no less when the screen is narrow ("p.epochs") */
#define DELTA_W 9	 /* " ▲12.3% +" */

static void rcol_clear(struct rcol *c)
{
	free(c->name);
	free(c->step);
	free(c->key);
	free(c->title);
	memset(c, 0, sizeof *c);
}

void runs_cols_free(struct runs_view *rv)
{
	table_clear(&rv->tb); /* its rows have the old columns' cells */
	for (int i = 0; i < rv->nrc; i++)
		rcol_clear(&rv->rc[i]);
	free(rv->rc);
	free(rv->cols);
	free(rv->widths);
	rv->rc = NULL;
	rv->cols = NULL;
	rv->widths = NULL;
	rv->nrc = 0;
	rv->tb.cols = NULL;
	rv->tb.ncols = 0;
	rv->tb.widths = NULL;
	rv->cols_ready = 0;
}

void runs_bases_clear(struct runs_view *rv)
{
	for (int i = 0; i < rv->nbases; i++) {
		store_metrics_free(rv->bases[i].m, rv->bases[i].nm);
		compare_index_free(&rv->bases[i].ix);
	}
	memset(rv->bases, 0, sizeof rv->bases);
	rv->nbases = rv->next_base = 0;
}

int runs_mark_col(const struct runs_view *rv)
{
	for (int i = 0; i < rv->nrc; i++)
		if (rv->rc[i].kind == RC_MARK)
			return i;
	return -1;
}

/* The directions of the metrics of RUN's pipeline file. */
static void load_dirs(struct runs_view *rv, struct tui *t, int64_t run_id)
{
	struct store_run r = { 0 };
	cJSON_Delete(rv->dirs);
	rv->dirs = NULL;
	if (run_id && store_run_get(t->store, run_id, &r, NULL) == 0 && r.spec_json) {
		cJSON *spec = cJSON_Parse(r.spec_json);
		rv->dirs = cJSON_DetachItemFromObject(spec, "metrics");
		cJSON_Delete(spec);
	}
	store_run_clear(&r);
}

/* ------------------------------------------------------------------ */
/* Widths from the pipeline's newest runs                              */

static const struct store_field *field_of(const struct store_field *f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The width of the values of column C. */
static int value_width(const struct runs_view *rv, const struct rcol *c,
		       const struct store_field *f, int nf, const struct store_recent *sum)
{
	static const int fixed_w[COLS_FIXED] = {
		[COLS_STATUS] = 11, [COLS_STARTED] = 16, [COLS_DURATION] = 8, [COLS_GIT] = 8,
	};
	char a[32], b[32];
	const struct store_field *x = field_of(f, nf, c->name);
	switch (c->kind) {
	case RC_MARK: return 1;
	case RC_FIXED:
		switch (c->fixed) {
		case COLS_ID: return rv->id_digits;
		case COLS_STARTED: /* as wide as date_format makes a date */
			config_time(time_now_ms(), a, sizeof a);
			return clamp(fmt_width(a), 5, 31);
		case COLS_NAME: return clamp(sum->name_len, 8, NAME_MAX_W);
		case COLS_PIPELINE: return clamp(sum->pipeline_len, 8, TEXT_MAX_W);
		case COLS_TAGS: return clamp(sum->tags_len, 4, TEXT_MAX_W);
		case COLS_SWEEP: return 16;
		default: return fixed_w[c->fixed];
		}
	case RC_PARAM:
		return clamp(x ? x->max_len : 4, 4, PARAM_MAX_W);
	case RC_METRIC:
		fmt_metric(x ? x->min : 0, a, sizeof a);
		fmt_metric(x ? x->max : 0, b, sizeof b);
		return (int)(strlen(a) > strlen(b) ? strlen(a) : strlen(b)) + DELTA_W +
		       (c->spark ? RUNS_SPARK_POINTS + 1 : 0);
	}
	return 8;
}

/* The widths and headers of every column: its values' width, widened
 * for its header up to HEAD_MIN_W, less (down to HEAD_FLOOR) when the
 * columns would not fit the screen, the header then shortened to fit
 * among the others (core/columns.h). */
static void size_columns(struct runs_view *rv, const struct store_field *f, int nf,
			 const struct store_recent *sum, int utf8, int screen)
{
	char **names = calloc((size_t)rv->nrc + 1, sizeof *names);
	int *vw = calloc((size_t)rv->nrc + 1, sizeof *vw);
	int64_t biggest = sum->max_id > 9 ? sum->max_id : 9;
	int total = -2;
	rv->id_digits = 2;
	for (int64_t x = biggest; x >= 10; x /= 10)
		rv->id_digits++;
	if (!names || !vw)
		goto cleanup;
	for (int i = 0; i < rv->nrc; i++) {
		struct rcol *c = &rv->rc[i];
		names[i] = c->name;
		vw[i] = value_width(rv, c, f, nf, sum);
		int hw = fmt_width(c->kind == RC_FIXED || c->kind == RC_MARK ? c->title : c->name);
		int named = c->kind == RC_PARAM || c->kind == RC_METRIC;
		c->width = vw[i] > hw ? vw[i] : named && hw > HEAD_MIN_W ? (vw[i] > HEAD_MIN_W ? vw[i] : HEAD_MIN_W) : hw;
		total += c->width + 2;
	}
	/* too wide for the screen: the params' headers give way (their
	 * "params." says least), each from the right, down to what their
	 * values need or HEAD_FLOOR (a header that short stays whole); the
	 * metrics' too only when every column then fits (else they keep their
	 * names, and the columns scroll) */
	int tightest = total;
	for (int i = 0; i < rv->nrc; i++) {
		int hw = fmt_width(rv->rc[i].name);
		int floor = vw[i] > (hw < HEAD_FLOOR ? hw : HEAD_FLOOR) ? vw[i]
							: (hw < HEAD_FLOOR ? hw : HEAD_FLOOR);
		if ((rv->rc[i].kind == RC_PARAM || rv->rc[i].kind == RC_METRIC) &&
		    rv->rc[i].width > floor)
			tightest -= rv->rc[i].width - floor;
	}
	for (int pass = 0; pass < (tightest <= screen ? 2 : 1); pass++)
		for (int i = rv->nrc - 1; i >= 0 && total > screen; i--) {
			struct rcol *c = &rv->rc[i];
			int hw = fmt_width(c->name);
			int floor = vw[i] > (hw < HEAD_FLOOR ? hw : HEAD_FLOOR) ? vw[i]
								: (hw < HEAD_FLOOR ? hw : HEAD_FLOOR);
			if (c->kind == (pass ? RC_METRIC : RC_PARAM) && c->width > floor) {
				int cut = c->width - floor < total - screen ? c->width - floor
									    : total - screen;
				c->width -= cut;
				total -= cut;
			}
		}
	for (int i = 0; i < rv->nrc; i++) {
		struct rcol *c = &rv->rc[i];
		if ((c->kind == RC_PARAM || c->kind == RC_METRIC) && fmt_width(c->name) > c->width) {
			char *shortened = columns_header(c->name, c->width, names, rv->nrc, utf8);
			if (shortened) {
				free(c->title);
				c->title = shortened;
				/* no wider than its values and its header need */
				int tw = fmt_width(shortened);
				c->width = vw[i] > tw ? vw[i] : tw;
			}
		}
	}
	/* "p.lr" beside "p.epochs", not "params.lr" */
	char **heads = calloc((size_t)rv->nrc + 1, sizeof *heads);
	for (int i = 0; heads && i < rv->nrc; i++)
		heads[i] = rv->rc[i].kind == RC_PARAM || rv->rc[i].kind == RC_METRIC ? rv->rc[i].title
										   : NULL;
	if (heads) {
		columns_headers_even(heads, names, rv->nrc);
		for (int i = 0; i < rv->nrc; i++)
			if (heads[i] && heads[i] != rv->rc[i].title) {
				rv->rc[i].title = heads[i];
				int tw = fmt_width(heads[i]);
				rv->rc[i].width = vw[i] > tw ? vw[i] : tw;
			}
		free(heads);
	}
cleanup:
	free(names);
	free(vw);
}

/* ------------------------------------------------------------------ */
/* Which columns                                                       */

/* A column named NAME (SPARK: a sparkline in its cells), appended. */
static int add_column(struct runs_view *rv, const char *name, int spark)
{
	for (int i = 0; i < rv->nrc; i++)
		if (!strcmp(rv->rc[i].name, name))
			return 0;
	struct rcol *rc = realloc(rv->rc, (size_t)(rv->nrc + 1) * sizeof *rc);
	if (!rc)
		return -1;
	rv->rc = rc;
	struct rcol *c = &rc[rv->nrc];
	memset(c, 0, sizeof *c);
	int fixed = -1;
	enum columns_kind kind = *name ? columns_kind_of(name, &fixed) : COLK_FIXED;
	c->kind = !*name ? RC_MARK : kind == COLK_FIXED ? RC_FIXED
				   : kind == COLK_PARAM ? RC_PARAM : RC_METRIC;
	c->fixed = fixed;
	c->name = strdup(fixed >= 0 ? columns_fixed_names[fixed] : name);
	struct buf title = BUF_INIT;
	if (c->kind == RC_FIXED)
		for (const char *p = c->name; *p; p++)
			buf_putc(&title, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
	else
		buf_puts(&title, c->kind == RC_MARK ? "" : name);
	c->title = buf_steal(&title);
	if (c->kind == RC_METRIC) {
		const char *dot = strchr(name, '.');
		if (!dot) {
			rcol_clear(c); /* not a metric name: left out (its name and
					* title were leaked, the monkey found) */
			return 0;
		}
		c->step = strndup(name, (size_t)(dot - name));
		c->key = strdup(dot + 1);
		c->dir = compare_direction(rv->dirs, name);
		c->spark = spark;
	}
	if (!c->name || !c->title || (c->kind == RC_METRIC && (!c->step || !c->key))) {
		rcol_clear(c);
		return -1;
	}
	rv->nrc++;
	return 0;
}

/* The columns of a column set's JSON: {"columns": […], "sparklines":
 * […]}, or (a view saved before) an array of metric names, after the
 * default fixed columns. */
static int columns_from_json(struct runs_view *rv, const char *json, char **defs, int nd)
{
	cJSON *doc = json ? cJSON_Parse(json) : NULL;
	cJSON *cols = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "columns");
	cJSON *sparks = cJSON_GetObjectItemCaseSensitive(doc, "sparklines");
	int rc = cJSON_IsArray(cols) && cJSON_GetArraySize(cols) > 0 ? 0 : -1;
	if (rc == 0 && cJSON_IsArray(doc)) /* the old form: metrics only */
		for (int i = 0; i < nd && rc == 0; i++)
			if (columns_kind_of(defs[i], NULL) == COLK_FIXED)
				rc = add_column(rv, defs[i], 0);
	cJSON *c, *list = rc == 0 ? cols : NULL;
	cJSON_ArrayForEach(c, list) {
		if (!cJSON_IsString(c) || !*c->valuestring)
			continue;
		int spark = 0;
		cJSON *s;
		cJSON_ArrayForEach(s, sparks)
			spark |= cJSON_IsString(s) && !strcmp(s->valuestring, c->valuestring);
		if (add_column(rv, c->valuestring, spark) < 0)
			rc = -1;
	}
	cJSON_Delete(doc);
	return rc;
}

char *runs_cols_json(const struct runs_view *rv)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *cols = cJSON_AddArrayToObject(doc, "columns");
	cJSON *sparks = cJSON_AddArrayToObject(doc, "sparklines");
	for (int i = 0; i < rv->nrc; i++) {
		if (rv->rc[i].kind == RC_MARK)
			continue;
		cJSON_AddItemToArray(cols, cJSON_CreateString(rv->rc[i].name));
		if (rv->rc[i].spark)
			cJSON_AddItemToArray(sparks, cJSON_CreateString(rv->rc[i].name));
	}
	char *s = json_print(doc, 0);
	cJSON_Delete(doc);
	return s;
}

/* The table's view of the columns: titles, widths, alignment; ID and
 * NAME (and the mark and status beside them) frozen when they lead. */
static void table_columns(struct runs_view *rv)
{
	free(rv->cols);
	free(rv->widths);
	rv->cols = calloc((size_t)rv->nrc + 1, sizeof *rv->cols);
	rv->widths = calloc((size_t)rv->nrc + 1, sizeof *rv->widths);
	if (!rv->cols || !rv->widths)
		return;
	int frozen = 0, leading = 1;
	for (int i = 0; i < rv->nrc; i++) {
		const struct rcol *c = &rv->rc[i];
		int right = c->kind == RC_METRIC ||
			    (c->kind == RC_FIXED && (c->fixed == COLS_ID || c->fixed == COLS_DURATION));
		rv->cols[i] = (struct tui_col){ .title = c->title, .min = c->width, .right = right };
		rv->widths[i] = c->width;
		leading &= c->kind == RC_MARK ||
			   (c->kind == RC_FIXED && (c->fixed == COLS_ID || c->fixed == COLS_NAME ||
						    c->fixed == COLS_STATUS));
		frozen += leading;
	}
	rv->tb.cols = rv->cols;
	rv->tb.ncols = rv->nrc;
	rv->tb.widths = rv->widths;
	rv->tb.frozen = frozen;
	rv->tb.hscroll = frozen;
	rv->tb.status_col = -1;
}

/* The defaults of the pipeline's newest runs. */
static int default_columns(struct runs_view *rv, const struct store_field *f, int nf,
			   const struct store_recent *sum)
{
	char **names = NULL;
	int n = 0, rc = columns_defaults_of(f, nf, sum, &names, &n, NULL);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = add_column(rv, names[i], 0);
	columns_free(names, n);
	return rc;
}

static void decide(struct runs_view *rv, struct tui *t, const char *json)
{
	struct store_field *f = NULL;
	struct store_recent sum;
	int nf = 0;
	memset(&sum, 0, sizeof sum);
	if (store_recent_fields(t->store, rv->pipeline_id, RUNS_SAMPLE, &f, &nf, &sum, NULL) < 0)
		nf = 0;
	char **defs = NULL;
	int nd = 0;
	columns_defaults_of(f, nf, &sum, &defs, &nd, NULL);
	add_column(rv, "", 0); /* the mark */
	if (!json || columns_from_json(rv, json, defs, nd) < 0) {
		for (int i = 1; i < rv->nrc; i++)
			rcol_clear(&rv->rc[i]);
		rv->nrc = rv->nrc ? 1 : 0;
		default_columns(rv, f, nf, &sum);
	}
	columns_free(defs, nd);
	size_columns(rv, f, nf, &sum, t->utf8, t->cols - 2);
	table_columns(rv);
	store_fields_free(f, nf);
}

/* The config file's default columns of the pipeline ([columns] NAME =
 * id name …; * for all pipelines) as a column set's JSON, or NULL. */
static char *config_columns(const struct runs_view *rv)
{
	struct buf key = BUF_INIT;
	buf_printf(&key, "columns.%s", rv->pipeline_id && rv->pipeline_name ? rv->pipeline_name : "*");
	const char *list = config_get(key.data);
	buf_free(&key);
	if (!list)
		return NULL;
	cJSON *doc = cJSON_CreateObject();
	cJSON *cols = cJSON_AddArrayToObject(doc, "columns");
	char *copy = strdup(list), *save = NULL;
	for (char *w = copy ? strtok_r(copy, " ,", &save) : NULL; w; w = strtok_r(NULL, " ,", &save))
		cJSON_AddItemToArray(cols, cJSON_CreateString(w));
	free(copy);
	char *json = json_print(doc, 0);
	cJSON_Delete(doc);
	return json;
}

void runs_cols_init(struct runs_view *rv, struct tui *t)
{
	if (rv->cols_ready)
		return;
	char *json = rv->pending_cols;
	rv->pending_cols = NULL;
	if (!json)
		store_column_set_get(t->store, rv->pipeline_id, &json, NULL);
	if (!json)
		json = config_columns(rv);
	int64_t newest = 0;
	store_run_last(t->store, rv->pipeline_id, &newest, NULL);
	load_dirs(rv, t, newest);
	decide(rv, t, json);
	free(json);
	rv->cols_ready = 1;
}

/* ------------------------------------------------------------------ */
/* Cells                                                               */

static char *param_cell(const cJSON *params, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
	if (!v)
		return strdup("-");
	return cJSON_IsString(v) ? strdup(v->valuestring) : json_print(v, 0);
}

static char *fixed_cell(const struct store_run *r, int fixed, int *attr)
{
	char buf[64];
	struct buf b = BUF_INIT;
	switch (fixed) {
	case COLS_ID: snprintf(buf, sizeof buf, "%lld", (long long)r->id); return strdup(buf);
	case COLS_NAME: return strdup(r->name);
	case COLS_PIPELINE: return strdup(r->pipeline);
	case COLS_STATUS:
		*attr = tui_status_pair(r->status);
		return strdup(r->status);
	case COLS_STARTED: config_time(r->started_ms, buf, sizeof buf); return strdup(buf);
	case COLS_DURATION:
		time_duration((r->ended_ms ? r->ended_ms : time_now_ms()) - r->started_ms, buf,
			      sizeof buf);
		return strdup(buf);
	case COLS_TAGS:
		buf_puts(&b, "");
		for (int k = 0; k < r->ntags; k++)
			buf_printf(&b, "%s%s", k ? "," : "", r->tags[k]);
		return buf_steal(&b);
	case COLS_GIT: columns_git_text(r, buf, sizeof buf); return strdup(buf);
	default: return strdup(""); /* sweep: filled with the row */
	}
}

void runs_row_cells(struct runs_view *rv, const struct store_run *r, char **cells, int *attrs)
{
	cJSON *params = NULL;
	for (int c = 0; c < rv->nrc; c++) {
		const struct rcol *col = &rv->rc[c];
		attrs[c] = 0;
		switch (col->kind) {
		case RC_MARK: cells[c] = strdup(""); break;
		case RC_FIXED: cells[c] = fixed_cell(r, col->fixed, &attrs[c]); break;
		case RC_PARAM:
			if (!params)
				params = cJSON_Parse(r->params_json ? r->params_json : "{}");
			cells[c] = param_cell(params, col->name + 7);
			break;
		case RC_METRIC: cells[c] = strdup(""); break; /* runs_fill_rows */
		}
	}
	cJSON_Delete(params);
}

void runs_cells_free(struct runs_view *rv, char **cells)
{
	for (int c = 0; c < rv->nrc; c++)
		free(cells[c]);
}

/* The metric cell: value, then the change from the baseline: an arrow,
 * a percentage (or the difference when the baseline is 0) and + better,
 * ! worse (fmt_change). */
static int metric_cell(struct tui *t, const struct rcol *m, const struct store_metric *v,
		       const struct store_metric *base, struct buf *out)
{
	char val[32];
	if (!v) {
		buf_puts(out, "-");
		return PAIR_DIM;
	}
	fmt_metric(v->value, val, sizeof val);
	buf_puts(out, val);
	if (!base)
		return 0;
	char change[64];
	int verdict = fmt_change(v->value, base->value, m->dir, t->utf8, 0, change, sizeof change);
	buf_printf(out, " %s", change);
	return verdict > 0 ? PAIR_BETTER : verdict < 0 ? PAIR_WORSE : 0;
}

/* The metrics of baseline run ID, from the cache or the store. */
static const struct base_values *base_values(struct runs_view *rv, struct tui *t, int64_t id)
{
	for (int i = 0; i < rv->nbases; i++)
		if (rv->bases[i].run_id == id)
			return &rv->bases[i];
	struct base_values *bv = &rv->bases[rv->next_base];
	rv->next_base = (rv->next_base + 1) % RUNS_BASE_CACHE;
	if (rv->nbases < RUNS_BASE_CACHE)
		rv->nbases++;
	store_metrics_free(bv->m, bv->nm);
	compare_index_free(&bv->ix);
	memset(bv, 0, sizeof *bv);
	bv->run_id = id;
	if (store_run_metrics(t->store, id, &bv->m, &bv->nm, NULL) < 0 ||
	    compare_index_build(&bv->ix, bv->m, bv->nm) < 0) {
		store_metrics_free(bv->m, bv->nm);
		bv->m = NULL;
		bv->nm = 0;
	}
	return bv;
}

/* A sparkline of metric M over the pipeline's runs up to run ID. */
static void spark(struct tui *t, const struct rcol *m, const struct rowinfo *ri, int64_t id,
		  struct buf *out)
{
	struct store_metric_run *h = NULL;
	int n = 0;
	if (store_metric_history(t->store, ri->pipeline_id, m->step, m->key, id, RUNS_SPARK_POINTS,
				 &h, &n, NULL) == 0 && n > 1) {
		double v[RUNS_SPARK_POINTS];
		char line[RUNS_SPARK_POINTS * 4 + 1];
		int k = n < RUNS_SPARK_POINTS ? n : RUNS_SPARK_POINTS;
		for (int i = 0; i < k; i++)
			v[i] = h[i].value;
		chart_spark(v, k, t->utf8, line, sizeof line);
		buf_printf(out, " %s", line);
	}
	free(h);
}

/* The lazy cells of row R: metrics with their baseline, sparklines, the
 * sweep.  Its run's metrics are read once, whatever the columns. */
static void fill_row(struct runs_view *rv, struct tui *t, int row)
{
	struct rowinfo *ri = &rv->info[row];
	if (ri->filled)
		return;
	ri->filled = 1;
	int64_t id = rv->ids[row];
	struct store_metric *ms = NULL;
	struct compare_index ix = { 0 };
	const struct base_values *bv = NULL;
	int nm = 0, metrics = 0;
	for (int c = 0; c < rv->nrc; c++)
		metrics |= rv->rc[c].kind == RC_METRIC;
	if (metrics) {
		struct store_run r = { .id = id, .pipeline_id = ri->pipeline_id,
				       .at = ri->at };
		int64_t base = rv->baseline_override && rv->baseline_override != id
				       ? rv->baseline_override
				       : baseline_of(t->store, &r);
		bv = base ? base_values(rv, t, base) : NULL;
		if (store_run_metrics(t->store, id, &ms, &nm, NULL) < 0 ||
		    compare_index_build(&ix, ms, nm) < 0)
			nm = 0;
	}
	for (int c = 0; c < rv->nrc; c++) {
		const struct rcol *col = &rv->rc[c];
		struct buf text = BUF_INIT;
		int attr = 0;
		if (col->kind == RC_METRIC) {
			const struct store_metric *v = nm ? compare_index_find(&ix, col->step, col->key)
							  : NULL;
			const struct store_metric *b = bv ? compare_index_find(&bv->ix, col->step,
									       col->key) : NULL;
			attr = metric_cell(t, col, v, b, &text);
			if (col->spark)
				spark(t, col, ri, id, &text);
		} else if (col->kind == RC_FIXED && col->fixed == COLS_SWEEP) {
			int64_t sid = 0;
			char *name = NULL;
			store_run_sweep(t->store, id, &sid, &name, NULL);
			buf_puts(&text, name ? name : "");
			free(name);
		} else {
			continue;
		}
		table_set(&rv->tb, row, c, text.data ? text.data : "", attr);
		buf_free(&text);
	}
	compare_index_free(&ix);
	store_metrics_free(ms, nm);
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

/* ------------------------------------------------------------------ */
/* The chooser                                                         */

/* Every column there is: those shown (in their order), then the fixed
 * ones, params and metrics of the pipeline's newest runs not shown. */
static int chooser_items(struct runs_view *rv, struct tui *t, struct arrange_item **out, char ***names,
			 int *n)
{
	struct store_field *f = NULL;
	struct store_recent sum;
	int nf = 0, cap;
	store_recent_fields(t->store, rv->pipeline_id, RUNS_SAMPLE, &f, &nf, &sum, NULL);
	cap = rv->nrc + COLS_FIXED + nf + 1;
	*out = calloc((size_t)cap, sizeof **out);
	*names = calloc((size_t)cap, sizeof **names);
	*n = 0;
	if (!*out || !*names) {
		store_fields_free(f, nf);
		return -1;
	}
	for (int i = 0; i < rv->nrc; i++)
		if (rv->rc[i].kind != RC_MARK) {
			(*names)[*n] = strdup(rv->rc[i].name);
			(*out)[*n] = (struct arrange_item){ NULL, 1,
							    rv->rc[i].kind == RC_METRIC ? rv->rc[i].spark : -1,
							    *n };
			(*n)++;
		}
	for (int i = 0; i < COLS_FIXED + nf; i++) {
		const char *name = i < COLS_FIXED ? columns_fixed_names[i] : f[i - COLS_FIXED].name;
		int dup = 0;
		for (int k = 0; k < *n; k++)
			dup |= !strcmp((*names)[k], name);
		if (dup)
			continue;
		(*names)[*n] = strdup(name);
		(*out)[*n] = (struct arrange_item){ NULL, 0,
						    columns_kind_of(name, NULL) == COLK_METRIC ? 0 : -1,
						    *n };
		(*n)++;
	}
	for (int k = 0; k < *n; k++)
		(*out)[k].label = (*names)[k] ? (*names)[k] : "";
	store_fields_free(f, nf);
	return 0;
}

/* Save the columns as the pipeline's (the browser remembers them). */
static void save_columns(struct runs_view *rv, struct tui *t)
{
	if (t->read_only) {
		tui_notice(t, "columns changed for now (--read-only: not saved)");
		return;
	}
	char *json = runs_cols_json(rv);
	struct rl_err err = RL_ERR_INIT;
	if (!json || store_column_set_put(t->store, rv->pipeline_id, json, time_now_ms(), &err) < 0)
		tui_error(t, "columns not saved: %s", rl_err_msg(&err));
	else
		tui_notice(t, "columns saved for %s (S saves them in a view too)",
			   rv->pipeline_name ? rv->pipeline_name : "all pipelines");
	rl_err_clear(&err);
	free(json);
}

int runs_choose_columns(struct runs_view *rv, struct tui *t)
{
	struct arrange_item *items = NULL;
	char **names = NULL;
	int n = 0;
	if (chooser_items(rv, t, &items, &names, &n) < 0) {
		tui_error(t, "out of memory");
		return TUI_REDRAW;
	}
	int r = tui_arrange(t, "Columns (ID and NAME first stay put; t: a sparkline in a metric)",
			    "sparkline", items, n);
	if (r == 1 || r == 2) {
		struct buf json = BUF_INIT;
		cJSON *doc = cJSON_CreateObject();
		cJSON *cols = cJSON_AddArrayToObject(doc, "columns");
		cJSON *sparks = cJSON_AddArrayToObject(doc, "sparklines");
		for (int i = 0; r == 1 && i < n; i++) {
			if (!items[i].on)
				continue;
			cJSON_AddItemToArray(cols, cJSON_CreateString(names[items[i].id]));
			if (items[i].flag > 0)
				cJSON_AddItemToArray(sparks, cJSON_CreateString(names[items[i].id]));
		}
		char *text = r == 1 ? json_print(doc, 0) : NULL;
		cJSON_Delete(doc);
		runs_cols_free(rv);
		if (r == 2 && !t->read_only)
			store_column_set_put(t->store, rv->pipeline_id, NULL, 0, NULL);
		rv->pending_cols = text; /* NULL: the defaults */
		runs_bases_clear(rv);
		runs_cols_init(rv, t);
		if (r == 1)
			save_columns(rv, t);
		else
			tui_notice(t, "the default columns");
		buf_free(&json);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(items);
	return r ? TUI_RELOAD : TUI_REDRAW;
}
