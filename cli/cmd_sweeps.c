/* cli/cmd_sweeps.c — sweeps on the command line: carrying one out (`run
 * FILE -p lr=0.01,0.1 -p seed=1..3`, a line per run), listing them
 * (`sweeps`) and comparing the runs of one (`sweeps S`: ranked by a
 * metric, the best marked, each param plotted against the metric, and
 * the parallel coordinates of params and metric).  core/sweep.h decides;
 * this file renders. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/columns.h"
#include "core/runner.h"
#include "core/session.h"
#include "core/sweep.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/plot.h"
#include "util/timeutil.h"

struct sweep_out {
	FILE *out;
	int color, json;
	cJSON *runs; /* JSON: the runs as they end */
};

static const char *paint(const struct sweep_out *so, const char *status)
{
	return so->color ? out_status_color(status) : NULL;
}

static void on_sweep(void *ctx, const struct sweep_event *ev)
{
	struct sweep_out *so = ctx;
	struct buf line = BUF_INIT;
	switch (ev->kind) {
	case SWEEP_EV_START:
		buf_printf(&line, "sweep %lld %s: %d run%s", (long long)ev->sweep_id, ev->sweep_name,
			   ev->total, ev->total == 1 ? "" : "s");
		break;
	case SWEEP_EV_RUN_END:
	case SWEEP_EV_RUN_FAIL: {
		char d[32];
		time_duration(ev->duration_ms, d, sizeof d);
		if (ev->kind == SWEEP_EV_RUN_END)
			buf_printf(&line, "[%d/%d] run %lld %s  %s: %s in %s", ev->done, ev->total,
				   (long long)ev->run_id, ev->run_name, ev->label, ev->status, d);
		else
			buf_printf(&line, "[%d/%d] %s: could not start: %s", ev->done, ev->total,
				   ev->label, ev->message ? ev->message : "");
		if (so->runs) {
			cJSON *r = cJSON_CreateObject();
			out_json_id(r, "id", ev->run_id);
			out_json_str(r, "name", ev->run_name);
			out_json_str(r, "status", ev->status ? ev->status : "failed");
			out_json_str(r, "params", ev->label);
			if (ev->message)
				out_json_str(r, "error", ev->message);
			cJSON_AddItemToArray(so->runs, r);
		}
		break;
	}
	case SWEEP_EV_END:
		break;
	}
	if (line.data) {
		const char *k = paint(so, ev->status ? ev->status : "failed");
		if (k && ev->kind != SWEEP_EV_START)
			fprintf(so->out, "\033[%sm", k);
		out_line(so->out, line.data);
		if (k && ev->kind != SWEEP_EV_START)
			fprintf(so->out, "\033[0m");
		fflush(so->out);
	}
	buf_free(&line);
}

int cli_run_sweep(struct cli *c, struct runner_opts *o, const struct sweep_grid *grid,
		  const char *name, int parallel, int json, struct rl_err *err)
{
	struct sweep_out so = { .out = json ? stderr : c->out, .json = json };
	struct sweep_result res = { 0 };
	struct runner_observer ob;
	struct cli_board *board = NULL;
	so.color = out_use_color(so.out);
	if (json && !(so.runs = cJSON_CreateArray()))
		return rl_err_set(err, RL_E_NOMEM, NULL);
	/* one run at a time on a terminal: each run's board as it goes */
	if (parallel <= 1 && isatty(fileno(so.out))) {
		if (!(board = cli_board_new(so.out, &ob))) {
			cJSON_Delete(so.runs);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
		o->observer = &ob;
	}
	struct sweep_opts sw = {
		.run = o, .grid = grid, .name = name, .parallel = parallel,
		.on_event = on_sweep, .ctx = &so,
	};
	int rc = sweep_run(&sw, &res, err);
	cli_board_free(&board);
	if (rc == 0) {
		int ok = !strcmp(res.status, "completed");
		char d[32];
		time_duration(res.duration_ms, d, sizeof d);
		if (json) {
			cJSON *doc = cJSON_CreateObject();
			cJSON *w = cJSON_AddObjectToObject(doc, "sweep");
			cJSON_AddNumberToObject(w, "id", (double)res.sweep_id);
			cJSON_AddStringToObject(w, "name", res.sweep_name);
			cJSON_AddStringToObject(w, "status", res.status);
			cJSON_AddNumberToObject(w, "duration", (double)res.duration_ms / 1000.0);
			cJSON_AddNumberToObject(w, "planned", res.total);
			cJSON_AddItemToObject(doc, "runs", so.runs);
			so.runs = NULL;
			out_json(c->out, doc);
			cJSON_Delete(doc);
		} else {
			struct buf line = BUF_INIT;
			buf_printf(&line, "sweep %lld %s %s in %s: %d completed", (long long)res.sweep_id,
				   res.sweep_name, res.status, d, res.completed);
			if (res.failed)
				buf_printf(&line, ", %d failed", res.failed);
			if (res.interrupted)
				buf_printf(&line, ", %d interrupted", res.interrupted);
			if (res.not_started)
				buf_printf(&line, ", %d not started", res.not_started);
			out_line(c->out, line.data);
			fprintf(c->out, "see: runlens sweeps %lld\n", (long long)res.sweep_id);
			buf_free(&line);
		}
		rc = ok ? 0 : 1;
	}
	cJSON_Delete(so.runs);
	sweep_result_clear(&res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* runlens sweeps                                                      */

struct sweeps_args {
	int json, csv, limit;
	const char *metric;
};

static int parse_sweeps(struct cli *c, int argc, char **argv, struct sweeps_args *a,
			struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		switch (ch) {
		case OPT_JSON: a->json = 1; break;
		case OPT_CSV: a->csv = 1; break;
		case OPT_METRIC: a->metric = optarg; break;
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

/* "lr=0.01,0.1,1 seed=1,2,3": the grid's params and values. */
static char *axes_text(const char *axes_json)
{
	cJSON *axes = cJSON_Parse(axes_json);
	struct buf b = BUF_INIT;
	buf_puts(&b, "");
	for (cJSON *a = cJSON_IsObject(axes) ? axes->child : NULL; a; a = a->next) {
		buf_printf(&b, "%s%s=", b.len ? " " : "", a->string);
		int k = 0;
		for (cJSON *v = a->child; v; v = v->next, k++) {
			char *t = cJSON_IsString(v) ? strdup(v->valuestring) : json_print(v, 0);
			buf_printf(&b, "%s%s", k ? "," : "", t ? t : "");
			free(t);
		}
	}
	cJSON_Delete(axes);
	return buf_steal(&b);
}

static cJSON *sweep_json(const struct store_sweep *w)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)w->id);
	cJSON_AddStringToObject(o, "name", w->name);
	cJSON_AddStringToObject(o, "pipeline", w->pipeline);
	cJSON_AddStringToObject(o, "status", w->status);
	cJSON_AddNumberToObject(o, "planned", w->planned);
	cJSON_AddNumberToObject(o, "runs", w->runs);
	cJSON_AddNumberToObject(o, "completed", w->completed);
	cJSON_AddNumberToObject(o, "running", w->running);
	cJSON_AddNumberToObject(o, "parallel", w->parallel);
	out_json_time(o, "started_at", w->started_ms);
	out_json_time(o, "ended_at", w->ended_ms);
	out_json_duration(o, w->started_ms, w->ended_ms);
	cJSON_AddItemToObject(o, "params", out_json_value(w->axes_json));
	return o;
}

static void sweep_row(struct table *t, cJSON *arr, const struct store_sweep *w)
{
	char id[32], runs[64], when[32], dur[32];
	snprintf(id, sizeof id, "%lld", (long long)w->id);
	snprintf(runs, sizeof runs, "%d/%d", w->runs, w->planned);
	out_time(w->started_ms, when, sizeof when);
	out_duration(w->started_ms, w->ended_ms, dur, sizeof dur);
	char *axes = axes_text(w->axes_json);
	table_add_row(t, id, w->name, w->pipeline, w->status, runs, when, dur, axes ? axes : "");
	table_set_color(t, 3, out_status_color(w->status));
	cJSON_AddItemToArray(arr, sweep_json(w));
	free(axes);
}

static int list_sweeps(struct cli *c, struct store *s, const struct sweeps_args *a,
		       struct rl_err *err)
{
	struct table *t = table_new(8, "ID", "NAME", "PIPELINE", "STATUS", "RUNS", "STARTED",
				    "DURATION", "PARAMS");
	cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "sweeps");
	struct store_run_cursor cur = { 0 };
	int rc = -1;
	if (!t || !arr) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	table_align_right(t, 0);
	table_align_right(t, 4);
	for (int shown = 0, more = 1; more && shown < a->limit;) {
		struct store_sweep *rows = NULL;
		int n = 0, want = a->limit - shown < 500 ? a->limit - shown : 500;
		if (store_sweeps_page(s, 0, shown ? &cur : NULL, want, &rows, &n, err) < 0)
			goto cleanup;
		for (int i = 0; i < n; i++)
			sweep_row(t, arr, &rows[i]);
		more = n == want;
		shown += n;
		if (n) {
			cur.started_ms = rows[n - 1].started_ms;
			cur.id = rows[n - 1].id;
		}
		store_sweeps_free(rows, n);
	}
	if (a->json)
		out_json(c->out, doc);
	else if (a->csv)
		table_print_csv(t, c->out);
	else if (!table_rows(t))
		fprintf(c->out, "no sweeps yet: run a grid with 'runlens run FILE -p lr=0.01,0.1'\n");
	else
		table_print(t, c->out, out_use_color(c->out));
	rc = 0;
cleanup:
	table_free(&t);
	cJSON_Delete(doc);
	return rc;
}

/* The text of a cell of the ranking (EXACT: for CSV), malloc'd. */
static char *rank_cell(const struct sweep_view *v, int row, const char *col, int exact)
{
	struct columns_value cv;
	char buf[64];
	columns_cell(v->table, row, col, &cv);
	if (cv.kind == COLV_NONE)
		return strdup(exact ? "" : "-");
	if (cv.kind == COLV_TEXT)
		return strdup(cv.text ? cv.text : "");
	if (cv.kind == COLV_JSON)
		return json_print(cv.json, 0);
	if (cv.kind == COLV_NUMBER && !exact && columns_kind_of(col, NULL) == COLK_METRIC) {
		out_number(cv.num, buf, sizeof buf);
		return strdup(buf);
	}
	num_shortest(cv.num, buf);
	return strdup(buf);
}

/* The ranking: RANK, ID, NAME, STATUS, the grid's params, the metric
 * ranked by, the other metrics. */
static struct table *ranking(const struct sweep_view *v, int exact, cJSON *arr)
{
	int nc = 4 + v->nparams + v->nmetrics;
	const char **cells = calloc((size_t)nc + 1, sizeof *cells);
	char **own = calloc((size_t)nc + 1, sizeof *own);
	const char **cols = calloc((size_t)nc + 1, sizeof *cols);
	struct table *t = NULL;
	if (!cells || !own || !cols)
		goto cleanup;
	int k = 0;
	const char *fixed[] = { "RANK", "ID", "NAME", "STATUS" };
	for (int i = 0; i < 4; i++)
		cells[k++] = fixed[i];
	for (int i = 0; i < v->nparams; i++)
		cols[k] = cells[k] = v->params[i], k++;
	if (v->metric)
		cols[k] = cells[k] = v->metric, k++;
	for (int i = 0; i < v->nmetrics; i++)
		if (v->metrics[i] != v->metric)
			cols[k] = cells[k] = v->metrics[i], k++;
	if (!(t = table_new_v(k, cells)))
		goto cleanup;
	for (int i = 0; i < 2; i++)
		table_align_right(t, i);
	for (int i = 4 + v->nparams; i < k; i++)
		table_align_right(t, i);
	for (int r = 0; r < v->nruns; r++) {
		int row = v->order[r];
		const struct store_run *run = &v->runs[row];
		char rankb[32], id[32];
		snprintf(rankb, sizeof rankb, "%d%s", r + 1, row == v->best && !exact ? "*" : "");
		snprintf(id, sizeof id, "%lld", (long long)run->id);
		cells[0] = rankb, cells[1] = id, cells[2] = run->name, cells[3] = run->status;
		cJSON *o = arr ? cJSON_CreateObject() : NULL;
		if (o) {
			cJSON_AddNumberToObject(o, "rank", r + 1);
			cJSON_AddNumberToObject(o, "id", (double)run->id);
			cJSON_AddStringToObject(o, "name", run->name);
			cJSON_AddStringToObject(o, "status", run->status);
			cJSON_AddBoolToObject(o, "best", row == v->best);
		}
		cJSON *values = o ? cJSON_AddObjectToObject(o, "values") : NULL;
		for (int i = 4; i < k; i++) {
			own[i] = rank_cell(v, row, cols[i], exact);
			cells[i] = own[i] ? own[i] : "";
			struct columns_value cv;
			columns_cell(v->table, row, cols[i], &cv);
			if (values)
				cJSON_AddItemToObject(values, cols[i],
						      cv.json ? cJSON_Duplicate(cv.json, 1)
						      : cv.kind == COLV_NUMBER ? cJSON_CreateNumber(cv.num)
									       : cJSON_CreateNull());
		}
		table_add_row_v(t, cells);
		table_set_color(t, 3, out_status_color(run->status));
		if (row == v->best)
			table_set_color(t, 0, "1;32");
		for (int i = 4; i < k; i++) {
			free(own[i]);
			own[i] = NULL;
		}
		if (o)
			cJSON_AddItemToArray(arr, o);
	}
cleanup:
	free(cells);
	free(own);
	free(cols);
	return t;
}

static void print_lines(FILE *out, const struct plot_lines *l)
{
	for (int i = 0; i < l->n; i++)
		out_line(out, l->v[i]);
}

/* Each param against the metric, then the parallel coordinates. */
static void print_plots(struct cli *c, const struct sweep_view *v, int utf8)
{
	if (!v->metric || v->nruns < 2)
		return;
	struct plot_axis m, *axes = calloc((size_t)v->nparams + 1, sizeof *axes);
	struct plot_lines l = { 0 };
	if (!axes || sweep_view_axis(v, v->metric, &m) < 0) {
		free(axes);
		return;
	}
	int n = 0;
	for (int i = 0; i < v->nparams; i++) {
		if (sweep_view_axis(v, v->params[i], &axes[n]) < 0)
			continue;
		if (plot_scatter(&axes[n], &m, v->nruns, v->best, 48, 10, utf8, &l) == 0) {
			fprintf(c->out, "\n");
			print_lines(c->out, &l);
		}
		plot_lines_free(&l);
		n++;
	}
	axes[n] = m;
	if (n > 0 && plot_parallel(axes, n + 1, v->nruns, v->best, 24 * (n + 1), 10, utf8, &l) == 0) {
		fprintf(c->out, "\nparallel coordinates (* the best run)\n");
		print_lines(c->out, &l);
	}
	plot_lines_free(&l);
	for (int i = 0; i <= n; i++)
		sweep_axis_free(&axes[i]);
	free(axes);
}

static int show_sweep(struct cli *c, struct store *s, const char *ref, const struct sweeps_args *a,
		      struct rl_err *err)
{
	struct sweep_view *v = NULL;
	int64_t id = 0;
	if (sweep_resolve(s, ref, &id, err) < 0 || sweep_view_new(s, id, a->metric, &v, err) < 0) {
		rl_err_prefix(err, "sweeps");
		return -1;
	}
	cJSON *doc = a->json ? cJSON_CreateObject() : NULL;
	cJSON *arr = NULL;
	if (doc) {
		cJSON_AddItemToObject(doc, "sweep", sweep_json(&v->sweep));
		out_json_str(doc, "metric", v->metric);
		out_json_str(doc, "direction", v->metric ? (v->dir > 0 ? "max" : "min") : NULL);
		arr = cJSON_AddArrayToObject(doc, "runs");
	}
	struct table *t = ranking(v, a->csv, arr);
	if (doc) {
		out_json(c->out, doc);
	} else if (a->csv && t) {
		table_print_csv(t, c->out);
	} else if (t) {
		char *axes = axes_text(v->sweep.axes_json);
		struct buf head = BUF_INIT;
		buf_printf(&head, "sweep %lld %s of %s: %s, %d of %d runs, %s", (long long)v->sweep.id,
			   v->sweep.name, v->sweep.pipeline, v->sweep.status, v->sweep.runs,
			   v->sweep.planned, axes ? axes : "");
		out_line(c->out, head.data);
		buf_reset(&head);
		if (v->metric)
			buf_printf(&head, "ranked by %s (%s is better); * the best run\n", v->metric,
				   v->dir > 0 ? "higher" : "lower");
		else
			buf_printf(&head, "no run of the sweep has a metric to rank by\n");
		fprintf(c->out, "%s\n", head.data);
		table_print(t, c->out, out_use_color(c->out));
		print_plots(c, v, out_utf8_locale());
		buf_free(&head);
		free(axes);
	}
	table_free(&t);
	cJSON_Delete(doc);
	sweep_view_free(&v);
	return 0;
}

int cmd_sweeps(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct sweeps_args a = { .limit = 50 };
	struct store *s = NULL;
	int rc = -1;
	if (parse_sweeps(c, argc, argv, &a, err) < 0)
		goto cleanup;
	if (optind + 1 < argc) {
		rl_err_set(err, RL_E_USAGE, "sweeps: unexpected argument '%s'", argv[optind + 1]);
		goto cleanup;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0 || sweep_settle(s, err) < 0)
		goto cleanup;
	rc = optind < argc ? show_sweep(c, s, argv[optind], &a, err) : list_sweeps(c, s, &a, err);
cleanup:
	store_close(&s);
	return rc;
}
