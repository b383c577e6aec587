/* cli/cmd_ls.c — `runlens ls`: the experiment table.  Runs as rows, their
 * fixed fields, params and metrics as columns, chosen with --columns (or
 * the defaults of core/columns.h), the best value of each metric column
 * marked; on a terminal the table fits its width (long names cut, headers
 * shortened, the least useful columns left out with a line saying so).
 * --csv and --json carry every value exactly. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/columns.h"
#include "core/filter.h"
#include "core/session.h"
#include "core/sweep.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

#define PAGE 500

enum ls_format { LS_TABLE, LS_JSON, LS_CSV };

struct ls_args {
	enum ls_format fmt;
	int limit;
	const char *where, *sort, *columns, *sweep;
	int only_changed;
};

static int parse_ls(struct cli *c, int argc, char **argv, struct ls_args *a, struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		switch (ch) {
		case 'w': a->where = optarg; break;
		case 's': a->sort = optarg; break;
		case OPT_COLUMNS: a->columns = optarg; break;
		case OPT_ONLY_CHANGED: a->only_changed = 1; break;
		case OPT_SWEEP: a->sweep = optarg; break;
		case OPT_JSON: a->fmt = LS_JSON; break;
		case OPT_CSV: a->fmt = LS_CSV; break;
		case 'n':
			if (cli_limit(c, optarg, &a->limit, err) < 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/* A warning on stderr for each field of FILTER that no run has. */
static int warn_unknown_fields(struct store *s, const struct store_filter *filter,
			       struct rl_err *err)
{
	char **w = NULL;
	int n = 0;
	if (filter_unknown_fields(s, filter, &w, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		out_linef(stderr, "runlens: warning: %s", w[i]);
	store_names_free(w, n);
	return 0;
}

/* --where and --sweep as one filter (NULL: neither). */
static int ls_filter(struct store *s, const struct ls_args *a, struct store_filter **out,
		     struct rl_err *err)
{
	struct store_filter *f = NULL, *sw = NULL;
	*out = NULL;
	if (a->where && filter_parse(a->where, time_now_ms(), &f, err) < 0)
		return rl_err_prefix(err, "ls: --where");
	if (f && warn_unknown_fields(s, f, err) < 0)
		goto fail;
	if (a->sweep) {
		int64_t id = 0;
		if (sweep_resolve(s, a->sweep, &id, err) < 0)
			goto fail;
		if (!(sw = calloc(1, sizeof *sw)))
			goto nomem;
		sw->kind = SF_CMP;
		sw->field = SFF_SWEEP;
		sw->op = SFO_EQ;
		sw->is_num = 1;
		sw->num = (double)id;
		if (f) {
			struct store_filter *both = calloc(1, sizeof *both);
			if (!both)
				goto nomem;
			both->kind = SF_AND;
			both->a = f;
			both->b = sw;
			f = both;
		} else {
			f = sw;
		}
		sw = NULL;
	}
	*out = f;
	return 0;
nomem:
	rl_err_set(err, RL_E_NOMEM, NULL);
fail:
	filter_free(&sw);
	filter_free(&f);
	return -1;
}

/* Append N runs (taken over) to *all. */
static int take_runs(struct store_run **all, int *nall, struct store_run *rows, int n,
		     struct rl_err *err)
{
	struct store_run *grown = realloc(*all, (size_t)(*nall + n + 1) * sizeof *grown);
	if (!grown) {
		store_runs_free(rows, n);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	if (n) /* no rows: ROWS is NULL, which memcpy may not be given */
		memcpy(grown + *nall, rows, (size_t)n * sizeof *rows);
	*all = grown;
	*nall += n;
	free(rows);
	return 0;
}

/* The runs to list: one query when filtered or sorted, else page by page. */
static int ls_fetch(struct store *s, int64_t pipeline_id, const struct ls_args *a,
		    const struct store_filter *filter, struct store_run **all, int *nall,
		    struct rl_err *err)
{
	struct store_run *rows = NULL;
	int n = 0;
	if (filter || a->sort) {
		struct store_sort sort = { 0 };
		if (a->sort && filter_parse_sort(a->sort, &sort, err) < 0)
			return rl_err_prefix(err, "ls: --sort");
		int rc = store_runs_query(s, pipeline_id, filter, a->sort ? &sort : NULL,
					  time_now_ms(), a->limit, &rows, &n, err);
		filter_sort_clear(&sort);
		return rc < 0 ? -1 : take_runs(all, nall, rows, n, err);
	}
	struct store_run_cursor cur = { 0 };
	for (int shown = 0, more = 1; more && shown < a->limit;) {
		int want = a->limit - shown < PAGE ? a->limit - shown : PAGE;
		if (store_runs_page(s, pipeline_id, shown ? &cur : NULL, want, &rows, &n, err) < 0)
			return -1;
		more = n == want;
		if (n)
			cur = rows[n - 1].at;
		shown += n;
		if (take_runs(all, nall, rows, n, err) < 0)
			return -1;
	}
	return 0;
}

static int ls_known(void *ctx, const char *name, char **why, struct rl_err *err)
{
	if (filter_field_check(ctx, name, why, err) < 0)
		return -1;
	return *why == NULL;
}

/* The columns to show: --columns, else the defaults (CSV and JSON: all). */
static int ls_columns(struct store *s, const struct ls_args *a, const struct columns_table *t,
		      char ***cols, int *n, struct rl_err *err)
{
	char **defs = NULL;
	int nd = 0, rc = -1;
	if (a->fmt == LS_TABLE) {
		if (columns_defaults(t, &defs, &nd, err) < 0)
			return -1;
	} else {
		int in_sweep = 0;
		for (int r = 0; r < t->nrows; r++)
			in_sweep |= t->rows[r].sweep_id != 0;
		defs = t->avail;
		nd = t->navail;
		if (!in_sweep) { /* the sweep column only when a run is in one */
			char **v = calloc((size_t)nd + 1, sizeof *v);
			int k = 0;
			for (int i = 0; v && i < nd; i++)
				if (strcmp(t->avail[i], columns_fixed_names[COLS_SWEEP]))
					v[k++] = t->avail[i];
			defs = v;
			nd = k;
		}
	}
	if (columns_select(a->columns, t->avail, t->navail, defs, nd, ls_known, s, cols, n,
			   err) < 0) {
		rl_err_prefix(err, "ls: --columns");
		goto cleanup;
	}
	if (a->only_changed)
		columns_only_changed(t, *cols, n);
	rc = 0;
cleanup:
	if (a->fmt == LS_TABLE)
		columns_free(defs, nd);
	else if (defs != t->avail)
		free(defs);
	return rc;
}

/* "a,b" from a run's tags, malloc'd. */
static char *join_tags(const struct store_run *r)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "");
	for (int i = 0; i < r->ntags; i++)
		buf_printf(&b, "%s%s", i ? "," : "", r->tags[i]);
	return buf_steal(&b);
}

/* The text of a cell: for the table (CSV 0) as people read it, for CSV
 * exact (numbers round-trip, times ISO 8601 UTC, durations in seconds).
 * malloc'd. */
static char *cell_text(const struct columns_table *t, int row, const char *col, int csv,
		       int is_metric)
{
	struct columns_value v;
	char buf[64], exact[NUM_BUF];
	columns_cell(t, row, col, &v);
	switch (v.kind) {
	case COLV_NONE: return strdup(csv ? "" : "-");
	case COLV_TEXT: return strdup(v.text ? v.text : "");
	case COLV_JSON: return json_print(v.json, 0);
	case COLV_TAGS: return join_tags(t->rows[row].run);
	case COLV_NUMBER:
		if (!csv && is_metric) {
			out_number(v.num, buf, sizeof buf);
			return strdup(buf);
		}
		num_shortest(v.num, exact);
		return strdup(exact);
	case COLV_TIME:
		if (csv)
			time_iso8601(v.ms, buf, sizeof buf);
		else
			out_time(v.ms, buf, sizeof buf);
		return strdup(buf);
	case COLV_SPAN: {
		const struct store_run *r = t->rows[row].run;
		int64_t ms = v.ms >= 0 ? v.ms : time_now_ms() - r->started_ms;
		if (!csv) {
			time_duration(ms, buf, sizeof buf);
			return strdup(buf);
		}
		num_shortest((double)ms / 1000.0, exact);
		return strdup(exact);
	}
	}
	return strdup("");
}

/* ------------------------------------------------------------------ */
/* The table on a terminal                                             */

/* How wide the table may be: the terminal's width, else $COLUMNS, else
 * no limit. */
static int out_width(FILE *out)
{
	struct winsize ws;
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	int w = c ? atoi(c) : 0;
	return w > 0 ? w : INT_MAX;
}

static int text_cols(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* S cut in the middle to WIDTH columns ("train-2026…101500"), in place. */
static void cut_middle(char **s, int width, int utf8)
{
	int w = text_cols(*s);
	if (w <= width || width < 5)
		return;
	int head = (width - 1) / 2, tail = width - 1 - head;
	struct buf b = BUF_INIT;
	const char *p = *s;
	for (int i = 0; i < head; i++) {
		const char *q = p + 1;
		while (((unsigned char)*q & 0xC0) == 0x80)
			q++;
		buf_append(&b, p, (size_t)(q - p));
		p = q;
	}
	buf_puts(&b, utf8 ? "…" : "~");
	const char *end = *s + strlen(*s);
	for (int i = 0; i < tail && end > p;) {
		end--;
		if (((unsigned char)*end & 0xC0) != 0x80)
			i++;
	}
	buf_puts(&b, end);
	free(*s);
	*s = buf_steal(&b);
}

/* The grid of a table: headers and cells, each malloc'd. */
struct grid {
	char **cols; /* ncols column names */
	int ncols, nrows;
	char **head;  /* ncols headers */
	char **cells; /* nrows * ncols */
	int *best;    /* ncols: the best row, or -1 */
	int *width;   /* ncols natural widths */
	int *shown;   /* ncols */
};

static void grid_free(struct grid *g)
{
	for (int c = 0; g->head && c < g->ncols; c++)
		free(g->head[c]);
	for (int i = 0; g->cells && i < g->ncols * g->nrows; i++)
		free(g->cells[i]);
	free(g->head);
	free(g->cells);
	free(g->best);
	free(g->width);
	free(g->shown);
}

static int grid_fill(struct store *s, struct columns_table *t, struct grid *g)
{
	int nc = g->ncols;
	g->head = calloc((size_t)nc + 1, sizeof *g->head);
	g->cells = calloc((size_t)(nc * g->nrows) + 1, sizeof *g->cells);
	g->best = calloc((size_t)nc + 1, sizeof *g->best);
	g->width = calloc((size_t)nc + 1, sizeof *g->width);
	g->shown = calloc((size_t)nc + 1, sizeof *g->shown);
	if (!g->head || !g->cells || !g->best || !g->width || !g->shown)
		return -1;
	for (int c = 0; c < nc; c++) {
		int fixed, metric = columns_kind_of(g->cols[c], &fixed) == COLK_METRIC;
		struct buf h = BUF_INIT;
		if (fixed >= 0)
			for (const char *p = g->cols[c]; *p; p++)
				buf_putc(&h, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
		else
			buf_puts(&h, g->cols[c]);
		g->head[c] = buf_steal(&h);
		g->best[c] = metric ? columns_best(s, t, g->cols[c]) : -1;
		g->shown[c] = 1;
		for (int r = 0; r < g->nrows; r++) {
			char *text = cell_text(t, r, g->cols[c], 0, metric);
			if (text && g->best[c] >= 0) { /* a mark column beside the numbers */
				struct buf m = BUF_INIT;
				buf_printf(&m, "%s%s", text, r == g->best[c] ? "*" : " ");
				free(text);
				text = buf_steal(&m);
			}
			if (!text)
				return -1;
			g->cells[r * nc + c] = text;
		}
	}
	return 0;
}

static void grid_widths(struct grid *g)
{
	for (int c = 0; c < g->ncols; c++) {
		g->width[c] = text_cols(g->head[c]);
		for (int r = 0; r < g->nrows; r++) {
			int w = text_cols(g->cells[r * g->ncols + c]);
			if (w > g->width[c])
				g->width[c] = w;
		}
	}
}

static int grid_total(const struct grid *g)
{
	int total = -2;
	for (int c = 0; c < g->ncols; c++)
		if (g->shown[c])
			total += g->width[c] + 2;
	return total;
}

/* Make the table fit AVAIL columns: cut long names, shorten headers, then
 * leave columns out (tags, sweep, started, pipeline, duration, then from
 * the right); returns
 * how many were left out. */
static int grid_fit(struct grid *g, int avail, int utf8, int chosen)
{
	grid_widths(g);
	if (grid_total(g) <= avail)
		return 0;
	for (int c = 0; c < g->ncols; c++) {
		int fixed, kind = columns_kind_of(g->cols[c], &fixed);
		int cellw = 0;
		for (int r = 0; r < g->nrows; r++) {
			if (fixed == COLS_NAME)
				cut_middle(&g->cells[r * g->ncols + c], 28, utf8);
			int w = text_cols(g->cells[r * g->ncols + c]);
			cellw = w > cellw ? w : cellw;
		}
		if (kind != COLK_FIXED) {
			char *h = columns_header(g->cols[c], cellw > 12 ? cellw : 12, g->cols,
						 g->ncols, utf8);
			if (h) {
				free(g->head[c]);
				g->head[c] = h;
			}
		}
	}
	columns_headers_even(g->head, g->cols, g->ncols); /* "p.lr" beside "p.epochs" */
	grid_widths(g);
	if (chosen)
		return 0; /* what was asked for is shown, however wide */
	/* what says least about which run is best goes first: the metrics
	 * and params stay longest */
	static const int first[] = { COLS_TAGS, COLS_SWEEP, COLS_STARTED, COLS_PIPELINE,
				     COLS_DURATION };
	int left_out = 0;
	for (size_t i = 0; i < sizeof first / sizeof *first && grid_total(g) > avail; i++)
		for (int c = 0; c < g->ncols; c++) {
			int fixed;
			columns_kind_of(g->cols[c], &fixed);
			if (fixed == first[i] && g->shown[c]) {
				g->shown[c] = 0;
				left_out++;
			}
		}
	for (int c = g->ncols - 1; c > 1 && grid_total(g) > avail; c--) {
		int fixed;
		columns_kind_of(g->cols[c], &fixed);
		if (g->shown[c] && fixed != COLS_ID && fixed != COLS_NAME) {
			g->shown[c] = 0;
			left_out++;
		}
	}
	return left_out;
}

static int print_table(struct cli *c, struct store *s, struct columns_table *t, char **cols,
		       int ncols, int chosen, struct rl_err *err)
{
	struct grid g = { .cols = cols, .ncols = ncols, .nrows = t->nrows };
	struct table *tb = NULL;
	const char **row = NULL;
	int rc = -1, color = out_use_color(c->out), tty = isatty(fileno(c->out));
	int utf8 = out_utf8_locale();
	if (grid_fill(s, t, &g) < 0)
		goto nomem;
	int left_out = grid_fit(&g, out_width(c->out), utf8, chosen);
	int shown = 0, marks = 0;
	if (!(row = calloc((size_t)ncols + 1, sizeof *row)))
		goto nomem;
	for (int k = 0; k < ncols; k++)
		if (g.shown[k])
			row[shown++] = g.head[k];
	if (!(tb = table_new_v(shown, row)))
		goto nomem;
	for (int k = 0, at = 0; k < ncols; k++) {
		int fixed, kind = columns_kind_of(cols[k], &fixed);
		if (!g.shown[k])
			continue;
		if (fixed == COLS_ID || fixed == COLS_DURATION || kind == COLK_METRIC)
			table_align_right(tb, at);
		at++;
	}
	for (int r = 0; r < t->nrows; r++) {
		int at = 0;
		for (int k = 0; k < ncols; k++)
			if (g.shown[k])
				row[at++] = g.cells[r * ncols + k];
		table_add_row_v(tb, row);
		at = 0;
		for (int k = 0; k < ncols; k++) {
			if (!g.shown[k])
				continue;
			int fixed;
			columns_kind_of(cols[k], &fixed);
			if (fixed == COLS_STATUS)
				table_set_color(tb, at, out_status_color(t->rows[r].run->status));
			if (g.best[k] == r) {
				table_set_color(tb, at, "1;32");
				marks = 1;
			}
			at++;
		}
	}
	table_print(tb, c->out, color);
	if (tty && marks)
		fprintf(c->out, "* best of these runs in its column (by the metric's direction)\n");
	if (left_out) /* on the terminal under the table; else apart from it */
		fprintf(tty ? c->out : stderr,
			"(%d more column%s: runlens ls --columns NAME,… or --csv for all)\n",
			left_out, left_out == 1 ? "" : "s");
	rc = 0;
	goto cleanup;
nomem:
	rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	free(row);
	table_free(&tb);
	grid_free(&g);
	return rc;
}

/* ------------------------------------------------------------------ */
/* CSV and JSON                                                        */

static int print_csv(struct cli *c, const struct columns_table *t, char **cols, int ncols,
		     struct rl_err *err)
{
	const char **row = calloc((size_t)ncols + 1, sizeof *row);
	char **owned = calloc((size_t)ncols + 1, sizeof *owned);
	struct table *tb = NULL;
	int rc = -1;
	if (!row || !owned)
		goto nomem;
	for (int k = 0; k < ncols; k++) {
		int fixed;
		columns_kind_of(cols[k], &fixed);
		struct buf h = BUF_INIT;
		for (const char *p = cols[k]; *p; p++)
			buf_putc(&h, (char)(fixed >= 0 && *p >= 'a' && *p <= 'z' ? *p - 32 : *p));
		owned[k] = buf_steal(&h);
		row[k] = owned[k];
	}
	tb = table_new_v(ncols, row);
	for (int k = 0; k < ncols; k++) {
		free(owned[k]);
		owned[k] = NULL;
	}
	if (!tb)
		goto nomem;
	for (int r = 0; r < t->nrows; r++) {
		for (int k = 0; k < ncols; k++) {
			owned[k] = cell_text(t, r, cols[k], 1, 0);
			row[k] = owned[k] ? owned[k] : "";
		}
		table_add_row_v(tb, row);
		for (int k = 0; k < ncols; k++) {
			free(owned[k]);
			owned[k] = NULL;
		}
	}
	table_print_csv(tb, c->out);
	rc = 0;
	goto cleanup;
nomem:
	rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	table_free(&tb);
	free(row);
	free(owned);
	return rc;
}

static int chosen(char **cols, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cols[i], name))
			return 1;
	return 0;
}

/* One run's JSON: its head, tags, sweep, and the chosen params and
 * metrics (all of them without --columns). */
static cJSON *run_json(const struct columns_table *t, int r, char **cols, int ncols, int all)
{
	const struct columns_row *row = &t->rows[r];
	cJSON *o = cJSON_CreateObject();
	out_json_run_head(o, row->run);
	out_json_tags(o, row->run->tags, row->run->ntags);
	out_json_git(o, row->run);
	if (row->sweep_id) {
		cJSON *w = cJSON_AddObjectToObject(o, "sweep");
		cJSON_AddNumberToObject(w, "id", (double)row->sweep_id);
		out_json_str(w, "name", row->sweep_name);
	} else {
		cJSON_AddNullToObject(o, "sweep");
	}
	cJSON *p = cJSON_AddObjectToObject(o, "params");
	struct buf name = BUF_INIT;
	for (const cJSON *x = row->params->child; x; x = x->next) {
		buf_reset(&name);
		buf_printf(&name, "params.%s", x->string);
		if (all || chosen(cols, ncols, name.data))
			cJSON_AddItemToObject(p, x->string, cJSON_Duplicate(x, 1));
	}
	cJSON *m = cJSON_AddObjectToObject(o, "metrics");
	for (int k = 0; k < row->nm; k++) {
		buf_reset(&name);
		buf_printf(&name, "%s.%s", row->m[k].step, row->m[k].key);
		if (all || chosen(cols, ncols, name.data))
			cJSON_AddNumberToObject(m, name.data, row->m[k].value);
	}
	buf_free(&name);
	return o;
}

static void print_json(struct cli *c, const struct columns_table *t, char **cols, int ncols,
		       int all)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *names = cJSON_AddArrayToObject(doc, "columns");
	for (int k = 0; k < ncols; k++)
		cJSON_AddItemToArray(names, cJSON_CreateString(cols[k]));
	cJSON *arr = cJSON_AddArrayToObject(doc, "runs");
	for (int r = 0; r < t->nrows; r++)
		cJSON_AddItemToArray(arr, run_json(t, r, cols, ncols, all));
	out_json(c->out, doc);
	cJSON_Delete(doc);
}

int cmd_ls(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct ls_args a = { .fmt = LS_TABLE, .limit = 50 };
	struct store *s = NULL;
	struct store_pipeline pl = { 0 };
	struct store_filter *filter = NULL;
	struct store_run *runs = NULL;
	struct columns_table *t = NULL;
	char **cols = NULL;
	int nruns = 0, ncols = 0, rc = -1;
	if (parse_ls(c, argc, argv, &a, err) < 0)
		goto cleanup;
	if (optind + 1 < argc) {
		rl_err_set(err, RL_E_USAGE, "ls: unexpected argument '%s'", argv[optind + 1]);
		goto cleanup;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0)
		goto cleanup;
	if (optind < argc && store_pipeline_get(s, argv[optind], &pl, err) < 0) {
		if (err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "no pipeline '%s' (see 'runlens pipelines')",
				   argv[optind]);
		goto cleanup;
	}
	if (ls_filter(s, &a, &filter, err) < 0 ||
	    ls_fetch(s, pl.id, &a, filter, &runs, &nruns, err) < 0 ||
	    columns_table_new(s, runs, nruns, &t, err) < 0 ||
	    columns_table_load_sweeps(s, t, err) < 0 || ls_columns(s, &a, t, &cols, &ncols, err) < 0)
		goto cleanup;
	if (a.fmt == LS_JSON)
		print_json(c, t, cols, ncols, a.columns == NULL && !a.only_changed);
	else if (a.fmt == LS_CSV)
		rc = print_csv(c, t, cols, ncols, err);
	else if (nruns == 0)
		fprintf(c->out, "%s\n", a.where || a.sweep ? "no runs match"
				: "no runs yet: run a pipeline with 'runlens run FILE'");
	else
		rc = print_table(c, s, t, cols, ncols, a.columns != NULL, err);
	if (a.fmt == LS_JSON || (a.fmt == LS_TABLE && nruns == 0))
		rc = 0;
cleanup:
	columns_free(cols, ncols);
	columns_table_free(&t);
	store_runs_free(runs, nruns);
	filter_free(&filter);
	store_pipeline_clear(&pl);
	store_close(&s);
	return rc;
}
