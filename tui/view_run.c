/* tui/view_run.c — one run: a summary line, its steps in DAG order
 * (status, attempts, duration, cache source or failure) and under them the
 * run's context (params, tags, stack, model, custom context, runner,
 * baseline, note), or with D the DAG drawn (core/dag_draw.h, as `runlens
 * dag` draws it) with the selected step lit.  Enter opens a step, l its
 * logs, R reruns from it; r, e, c (against its baseline) and b act on the
 * run; o shows the pipeline file it read, O how it differs from the file
 * now. */
#include "config.h"
#include "tui/internal.h"
#include "tui/tui_config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/baseline.h"
#include "core/dag_draw.h"
#include "core/exec/launch.h"
#include "core/session.h"
#include "tui/run_facts.h"
#include "tui/widget_table.h"
#include "core/placement.h"
#include "core/runs.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/fs.h"
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
	int64_t baseline;
	struct tui_table tb;
	char **names;
	int nnames;
	char *summary;	 /* one line: status, times, rerun of, baseline */
	char **ctx;	 /* the run context as "key  value" lines */
	int nctx;
	int steps_h;	 /* rows of the steps table (recalc) */
	char search[256];
	struct run_facts facts; /* its metrics against its baseline */
	int show_dag;	 /* D: the DAG instead of the context */
	char **dag;	 /* its lines: lanes, name, status */
	int *dag_row;	 /* the table row of each line's step, -1 for none */
	char **dag_status;
	int ndag;
};

static void clear_data(struct run_view *rv)
{
	table_clear(&rv->tb);
	for (int i = 0; i < rv->nnames; i++)
		free(rv->names[i]);
	free(rv->names);
	rv->names = NULL;
	rv->nnames = 0;
	for (int i = 0; i < rv->nctx; i++)
		free(rv->ctx[i]);
	free(rv->ctx);
	rv->ctx = NULL;
	rv->nctx = 0;
	free(rv->summary);
	rv->summary = NULL;
	for (int i = 0; i < rv->ndag; i++) {
		free(rv->dag[i]);
		free(rv->dag_status[i]);
	}
	free(rv->dag);
	free(rv->dag_row);
	free(rv->dag_status);
	rv->dag = rv->dag_status = NULL;
	rv->dag_row = NULL;
	rv->ndag = 0;
	store_run_clear(&rv->run);
	run_facts_clear(&rv->facts);
}

static void add_ctx(struct run_view *rv, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	char **c = realloc(rv->ctx, (size_t)(rv->nctx + 1) * sizeof(char *));
	if (!c)
		return;
	rv->ctx = c;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%-9s %s", key, value);
	rv->ctx[rv->nctx++] = buf_steal(&b);
}

/* A JSON object's text as "k=v  k=v" (NULL when empty or not an object). */
static char *pairs(const char *json)
{
	cJSON *o = cJSON_Parse(json ? json : "{}");
	char *text = run_facts_pairs(o);
	cJSON_Delete(o);
	return text;
}

static const char *field(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "stack     hpc (local; experiment_tracker mlflow)" */
static void load_stack(struct run_view *rv, const struct store_run *r, const cJSON *stack)
{
	struct buf b = BUF_INIT;
	const char *flavor = field(cJSON_GetObjectItemCaseSensitive(stack, "orchestrator"), "flavor");
	buf_printf(&b, "%s", r->stack ? r->stack : "default");
	if (flavor)
		buf_printf(&b, " (%s", flavor);
	for (const cJSON *k = stack ? stack->child : NULL; flavor && k; k = k->next)
		if (cJSON_IsObject(k) && strcmp(k->string, "artifact_store") &&
		    strcmp(k->string, "orchestrator") && field(k, "name"))
			buf_printf(&b, "; %s %s", k->string, field(k, "name"));
	if (flavor)
		buf_putc(&b, ')');
	add_ctx(rv, "stack", b.data);
	buf_free(&b);
}

/* "env       vm · Linux 6.1 · user root · runlens 0.1.0 · git 1a2b3c (dirty)" */
static void load_environment(struct run_view *rv, const cJSON *env)
{
	struct buf b = BUF_INIT;
	static const char *const keys[] = { "hostname", "os", "user", "runlens_version" };
	static const char *const labels[] = { "", "", "user ", "runlens " };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (field(env, keys[i]))
			buf_printf(&b, "%s%s%s", b.len ? " · " : "", labels[i], field(env, keys[i]));
	const cJSON *git = cJSON_GetObjectItemCaseSensitive(env, "git");
	if (field(git, "commit"))
		buf_printf(&b, "%sgit %.12s%s", b.len ? " · " : "", field(git, "commit"),
			   cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(git, "dirty")) ? " (dirty)"
											: "");
	add_ctx(rv, "env", b.data);
	buf_free(&b);
}

static void load_context(struct run_view *rv)
{
	const struct store_run *r = &rv->run;
	char *p = pairs(r->params_json);
	add_ctx(rv, "params", p);
	free(p);
	struct buf tags = BUF_INIT;
	for (int k = 0; k < r->ntags; k++)
		buf_printf(&tags, "%s%s", k ? ", " : "", r->tags[k]);
	add_ctx(rv, "tags", tags.data);
	buf_free(&tags);
	cJSON *c = r->context_json ? cJSON_Parse(r->context_json) : NULL;
	load_stack(rv, r, cJSON_GetObjectItemCaseSensitive(c, "stack"));
	if (r->model_name) {
		struct buf m = BUF_INIT;
		buf_printf(&m, "%s%s%s", r->model_name, r->model_version ? " version " : "",
			   r->model_version ? r->model_version : "");
		add_ctx(rv, "model", m.data);
		buf_free(&m);
	}
	char *custom = json_print(cJSON_GetObjectItemCaseSensitive(c, "custom"), 0);
	p = pairs(custom);
	add_ctx(rv, "custom", p);
	free(p);
	free(custom);
	load_environment(rv, cJSON_GetObjectItemCaseSensitive(c, "environment"));
	cJSON_Delete(c);
	p = pairs(r->state_json);
	add_ctx(rv, "state", p);
	free(p);
	if (r->runner_host || r->runner_pid) {
		struct buf e = BUF_INIT;
		buf_printf(&e, "%s pid %d", r->runner_host ? r->runner_host : "?", r->runner_pid);
		add_ctx(rv, "runner", e.data);
		buf_free(&e);
	}
	add_ctx(rv, "pipeline", r->spec_path);
	add_ctx(rv, "note", r->note);
}

/* The table row of step NAME, or -1. */
static int row_of(const struct run_view *rv, const char *name)
{
	for (int i = 0; i < rv->nnames; i++)
		if (strcmp(rv->names[i], name) == 0)
			return i;
	return -1;
}

/* The DAG of the pipeline file the run read, each step with its status. */
static void load_dag(struct run_view *rv, const struct store_step_run *steps, int n)
{
	struct spec *sp = NULL;
	struct dag_drawing d = { 0 };
	const char *text = rv->run.spec_json;
	if (!text || spec_parse(text, strlen(text), "pipeline", NULL, &sp, NULL) < 0 ||
	    dag_draw(sp, &d) < 0)
		goto done;
	rv->dag = calloc((size_t)d.nlines + 1, sizeof *rv->dag);
	rv->dag_status = calloc((size_t)d.nlines + 1, sizeof *rv->dag_status);
	rv->dag_row = calloc((size_t)d.nlines + 1, sizeof *rv->dag_row);
	if (!rv->dag || !rv->dag_status || !rv->dag_row)
		goto done;
	for (int i = 0; i < d.nlines; i++) {
		const char *name = d.lines[i].step >= 0 ? sp->steps[d.lines[i].step].name : "";
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s  %s", d.lines[i].graph, name);
		rv->dag[i] = buf_steal(&b);
		rv->dag_row[i] = *name ? row_of(rv, name) : -1;
		for (int k = 0; *name && k < n; k++)
			if (strcmp(steps[k].name, name) == 0)
				rv->dag_status[i] = strdup(steps[k].status);
		rv->ndag = i + 1;
	}
done:
	dag_drawing_free(&d);
	spec_free(&sp);
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
	rv->baseline = baseline_of(t->store, &rv->run);
	struct store_step_executor *jobs = NULL; /* where jobs ran (Slurm) */
	int njobs = 0;
	if (store_run_executors(t->store, rv->run_id, &jobs, &njobs, err) < 0) {
		store_step_runs_free(steps, n);
		return -1;
	}
	rv->names = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; rv->names && i < n; i++) {
		struct store_step_run *st = &steps[i];
		char att[32], dur[32];
		snprintf(att, sizeof att, "%d/%d", st->attempts, st->max_attempts);
		if (st->started_ms)
			time_duration((st->ended_ms ? st->ended_ms : time_now_ms()) - st->started_ms,
				      dur, sizeof dur);
		else
			snprintf(dur, sizeof dur, "-");
		struct buf note = BUF_INIT;
		for (int k = 0; !st->cached_from && k < njobs; k++) {
			char *job = jobs[k].step_run_id == st->id
					    ? exec_record_line(jobs[k].executor_json)
					    : NULL;
			if (job)
				buf_printf(&note, "%s%s", job, st->error ? " · " : "");
			free(job);
		}
		if (st->cached_from)
			buf_printf(&note, "from step run %lld", (long long)st->cached_from);
		else if (st->error)
			buf_puts(&note, st->error);
		/* "retrying in 4s" (the run's heartbeat reloads the view) */
		char status[48];
		runs_step_status(st->status, st->retry_at_ms - time_now_ms(), status,
				 sizeof status);
		char *cells[] = { st->name, status, att, dur, note.data ? note.data : "" };
		table_push(&rv->tb, cells, tui_status_pair(st->status));
		rv->names[rv->nnames++] = strdup(st->name);
		buf_free(&note);
	}
	load_dag(rv, steps, n);
	store_step_runs_free(steps, n);
	store_step_executors_free(jobs, njobs);
	struct buf sum = BUF_INIT;
	char when[32], dur[32];
	config_time(rv->run.started_ms, when, sizeof when);
	time_duration((rv->run.ended_ms ? rv->run.ended_ms : time_now_ms()) - rv->run.started_ms,
		      dur, sizeof dur);
	buf_printf(&sum, "%s · started %s · %s %s", rv->run.status, when,
		   rv->run.ended_ms ? "took" : "running for", dur);
	if (rv->run.rerun_of)
		buf_printf(&sum, " · rerun of %lld", (long long)rv->run.rerun_of);
	if (rv->baseline)
		buf_printf(&sum, " · baseline %lld", (long long)rv->baseline);
	rv->summary = buf_steal(&sum);
	load_context(rv);
	struct rl_err ferr = RL_ERR_INIT; /* no metrics shown is no reason to fail */
	run_facts_load(t->store, rv->run_id, 0, t->utf8, &rv->facts, &ferr);
	rl_err_clear(&ferr);
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

/* The steps take what they need, up to what leaves room for the context
 * (at least half the screen for the steps). */
static void run_recalc(struct view *v, struct tui *t)
{
	struct run_view *rv = v->data;
	int avail = t->lines - 4; /* rows 3 .. lines-2 */
	int below = rv->show_dag ? rv->ndag : rv->nctx;
	int want_ctx = (below ? below + 2 : 0) + (rv->facts.nm ? rv->facts.nm + 2 : 0);
	int steps = rv->tb.nrows + 1;
	if (steps > avail - want_ctx)
		steps = avail - want_ctx;
	if (steps < avail / 2)
		steps = avail / 2;
	if (steps > rv->tb.nrows + 1)
		steps = rv->tb.nrows + 1;
	if (steps > avail)
		steps = avail;
	rv->steps_h = steps;
}

/* The DAG from row Y, the selected step's line lit, each status in its
 * colour after the widest line. */
static void draw_dag(struct run_view *rv, struct tui *t, int y)
{
	if (y >= t->lines - 1)
		return;
	tui_put(t, y++, 1, t->cols - 2, rv->ndag ? "DAG" : "DAG (the pipeline file was not "
							   "recorded)", PAIR_HEAD, A_BOLD);
	int w = 0;
	for (int i = 0; i < rv->ndag; i++)
		w = (int)strlen(rv->dag[i]) > w ? (int)strlen(rv->dag[i]) : w;
	/* more lines than room: from the selected step's line on */
	int room = t->lines - 1 - y, first = 0;
	for (int i = 0; i < rv->ndag; i++)
		if (rv->dag_row[i] == rv->tb.sel && i >= room)
			first = i - room + 1;
	for (int i = first; i < rv->ndag && y < t->lines - 1; i++, y++) {
		int lit = rv->dag_row[i] >= 0 && rv->dag_row[i] == rv->tb.sel;
		tui_put(t, y, 1, w < t->cols - 2 ? w : t->cols - 2, rv->dag[i], 0,
			lit ? A_REVERSE : 0);
		if (rv->dag_status[i] && w + 3 < t->cols - 2)
			tui_put(t, y, w + 3, t->cols - w - 4, rv->dag_status[i],
				tui_status_pair(rv->dag_status[i]), 0);
	}
}

static void run_draw(struct view *v, struct tui *t)
{
	struct run_view *rv = v->data;
	int steps = rv->steps_h;
	tui_put(t, 1, 1, t->cols - 2, rv->summary ? rv->summary : "",
		tui_status_pair(rv->run.status), 0);
	table_paint(t, &rv->tb, 3, 3 + steps);
	int y = 3 + steps + 1;
	if (rv->facts.nm && y < t->lines - 1) {
		char head[96];
		if (rv->facts.baseline)
			snprintf(head, sizeof head, "METRICS  vs baseline run %lld",
				 (long long)rv->facts.baseline);
		else
			snprintf(head, sizeof head, "METRICS  (no baseline to compare with)");
		tui_put(t, y++, 1, t->cols - 2, head, PAIR_HEAD, A_BOLD);
		y += run_facts_paint_metrics(t, &rv->facts, 0, y, t->lines - 1, 1, t->cols - 2);
		y++;
	}
	if (rv->show_dag) {
		draw_dag(rv, t, y);
		return;
	}
	if (rv->nctx && y < t->lines - 1) {
		tui_put(t, y++, 1, t->cols - 2, "RUN CONTEXT", PAIR_HEAD, A_BOLD);
		for (int i = 0; i < rv->nctx && y < t->lines - 1; i++, y++) {
			const char *line = rv->ctx[i];
			/* the key dim, the value plain */
			char key[16];
			snprintf(key, sizeof key, "%.9s", line);
			tui_put(t, y, 1, 10, key, PAIR_DIM, 0);
			tui_put(t, y, 11, t->cols - 12, line + (strlen(line) > 10 ? 10 : strlen(line)),
				0, 0);
		}
	}
}

static int run_compare(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	(void)a;
	if (!rv->baseline) {
		tui_notice(t, "run %lld has no baseline yet (b pins one; or mark runs in the runs "
			      "view)",
			   (long long)rv->run_id);
		return TUI_REDRAW;
	}
	/* `runlens compare RUN`: against its baseline */
	tui_push(t, view_compare_new(rv->run_id, NULL, 0));
	return TUI_REDRAW;
}

/* Enter, l and R on the selected step. */
static int run_step(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	if (rv->nnames == 0)
		return TUI_HANDLED;
	const char *step = rv->names[rv->tb.sel];
	if (a == ACT_RERUN_FROM)
		return tui_rerun(t, rv->run_id, step, 0);
	tui_push(t, a == ACT_OPEN ? view_step_new(rv->run_id, step, TAB_CONTEXT)
				  : view_logs_new(rv->run_id, step, 0));
	return TUI_REDRAW;
}

static int run_rerun(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	return tui_rerun(t, rv->run_id, NULL, a == ACT_EDIT_RERUN);
}

static int run_pin(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	(void)a;
	return tui_pin(t, rv->run_id) ? TUI_RELOAD : TUI_REDRAW;
}

static int run_search(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	if (!table_search_keys(t, &rv->tb, a, "search steps:", rv->search, sizeof rv->search) &&
	    rv->search[0])
		tui_notice(t, "no step matches '%s'", rv->search);
	return TUI_REDRAW;
}

static int run_move(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	return table_move(&rv->tb, a, t->lines - 5);
}

static int run_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct run_view *rv = v->data;
	(void)x;
	if (!table_click(&rv->tb, y))
		return TUI_HANDLED;
	return dbl ? run_step(v, t, ACT_OPEN) : TUI_REDRAW;
}

/* D: the DAG in place of the context, and back. */
static int run_toggle_dag(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	(void)t;
	(void)a;
	rv->show_dag = !rv->show_dag;
	return TUI_REDRAW;
}

/* o: the pipeline file as the run read it, in $PAGER; O: how it differs
 * from the file now (`runlens spec RUN --diff`). */
static int run_spec(struct view *v, struct tui *t, enum tui_action a)
{
	struct run_view *rv = v->data;
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)rv->run_id);
	char *argv[] = { "sh", "-c",
			 a == ACT_SPEC_DIFF
				 ? "\"$0\" --store \"$1\" spec \"$2\" --diff 2>&1 | ${PAGER:-less}"
				 : "\"$0\" --store \"$1\" spec \"$2\" 2>&1 | ${PAGER:-less}",
			 (char *)launch_self(), (char *)store_dir(t->store), id, NULL };
	int st = tui_run_foreground(t, argv);
	if (st > 0)
		tui_error(t, "the pager exited with status %d", st);
	return TUI_REDRAW;
}

static void run_free(struct view *v)
{
	struct run_view *rv = v->data;
	clear_data(rv);
	free(rv);
}

static const struct view_action run_actions[] = {
	VIEW_MOVES(run_move, "step", "steps"),
	{ .action = ACT_OPEN, .run = run_step, .help = "the selected step", .hint = "step" },
	{ .action = ACT_LOGS, .run = run_step, .help = "the logs of the selected step",
	  .hint = "logs" },
	{ .action = ACT_RERUN_FROM, .run = run_step,
	  .help = "rerun from the selected step (plan first)", .hint = "rerun from step" },
	{ .action = ACT_RERUN, .run = run_rerun, .help = "rerun the run (plan first)",
	  .hint = "rerun" },
	{ .action = ACT_EDIT_RERUN, .run = run_rerun, .help = "edit params, then rerun",
	  .hint = "edit params" },
	{ .action = ACT_COMPARE, .run = run_compare,
	  .help = "the run against its baseline (compare RUN)",
	  .hint = "vs baseline" },
	{ .action = ACT_PIN, .run = run_pin, .help = "pin the run as its pipeline's baseline",
	  .hint = "pin" },
	{ .action = ACT_DAG, .run = run_toggle_dag,
	  .help = "the DAG in place of the run context", .hint = "dag" },
	{ .action = ACT_OPEN_ARTIFACT, .run = run_spec,
	  .help = "the pipeline file the run read ($PAGER)", .hint = "pipeline file" },
	{ .action = ACT_SPEC_DIFF, .run = run_spec,
	  .help = "how the file changed since ($PAGER)" },
	{ .action = ACT_SEARCH, .run = run_search, .help = "search the steps" },
	{ .action = ACT_NEXT, .run = run_search, .help = "the next match" },
	{ .action = ACT_PREV, .run = run_search, .help = "the previous match" },
};

static int64_t run_run_of(struct view *v)
{
	return ((struct run_view *)v->data)->run_id;
}

const struct view_ops view_run_ops = {
	.name = "Run",
	.run_of = run_run_of,
	.load = run_load,
	.recalc = run_recalc,
	.title = run_title,
	.draw = run_draw,
	.free = run_free,
	.actions = run_actions,
	.nactions = sizeof run_actions / sizeof run_actions[0],
	.click = run_click,
};

struct view *view_run_new(int64_t run_id)
{
	struct run_view *rv = calloc(1, sizeof(*rv));
	if (rv)
		rv->run_id = run_id;
	return view_new(&view_run_ops, rv, free);
}
