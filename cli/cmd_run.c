/* cli/cmd_run.c — `runlens run`: run a pipeline file. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/board.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/runner.h"
#include "core/sweep.h"
#include "util/buf.h"
#include "util/timeutil.h"

static int terminal_rows(int fd)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return 24;
}

/* The run board draws the runner's events. */
struct board_view {
	struct board_opts bo;
	struct board *board;
};

static void on_event(void *ctx, const struct runner_event *ev)
{
	struct board_view *v = ctx;
	switch (ev->kind) {
	case RUNNER_EV_START: {
		struct buf title = BUF_INIT;
		buf_printf(&title, "run %lld %s", (long long)ev->run_id, ev->run_name);
		if (!v->bo.live)
			out_linef(v->bo.out, "%s: %d step%s, -j %d", title.data,
				  ev->nsteps, ev->nsteps == 1 ? "" : "s", ev->jobs);
		v->board = board_new(&v->bo, title.data, ev->names, ev->nsteps);
		buf_free(&title);
		break;
	}
	case RUNNER_EV_STEP:
		board_step(v->board, ev->step, ev->status, ev->attempt,
			   ev->max_attempts, ev->detail, ev->retry_at, ev->now_ms);
		break;
	case RUNNER_EV_TICK:
		board_tick(v->board, ev->now_ms, 0);
		break;
	case RUNNER_EV_END:
		board_free(&v->board, ev->now_ms);
		break;
	}
}

struct cli_board {
	struct board_view v;
};

struct cli_board *cli_board_new(FILE *out, struct runner_observer *ob)
{
	struct cli_board *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	struct board_view *v = &b->v;
	v->bo.out = out;
	v->bo.live = isatty(fileno(v->bo.out)) && getenv("TERM") &&
		     strcmp(getenv("TERM"), "dumb") != 0;
	v->bo.color = out_use_color(v->bo.out);
	v->bo.rows = terminal_rows(fileno(v->bo.out));
	*ob = (struct runner_observer){ on_event, v, v->bo.live ? 100 : 0 };
	return b;
}

void cli_board_free(struct cli_board **pb)
{
	if (!pb || !*pb)
		return;
	board_free(&(*pb)->v.board, time_mono_ms());
	free(*pb);
	*pb = NULL;
}

int cli_run_pipeline(struct cli *c, struct runner_opts *o, int json, int headline,
		     struct rl_err *err)
{
	struct runner_result res = { 0 };
	struct runner_observer ob;
	struct cli_board *board = cli_board_new(json ? stderr : stdout, &ob);
	if (!board)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	o->observer = &ob;
	int ran = runner_run(o, &res, err);
	cli_board_free(&board);
	if (ran < 0)
		return -1;
	int ok = strcmp(res.status, "completed") == 0;
	if (json) {
		cJSON *doc = cJSON_CreateObject();
		cJSON_AddNumberToObject(doc, "id", (double)res.run_id);
		cJSON_AddStringToObject(doc, "name", res.run_name);
		cJSON_AddStringToObject(doc, "status", res.status);
		if (o->rerun_of)
			cJSON_AddNumberToObject(doc, "rerun_of", (double)o->rerun_of);
		else
			cJSON_AddNullToObject(doc, "rerun_of");
		cJSON_AddNumberToObject(doc, "duration", (double)res.duration_ms / 1000.0);
		cJSON *st = cJSON_AddObjectToObject(doc, "steps");
		cJSON_AddNumberToObject(st, "total", res.steps_total);
		cJSON_AddNumberToObject(st, "completed", res.steps_completed);
		cJSON_AddNumberToObject(st, "cached", res.steps_cached);
		cJSON_AddNumberToObject(st, "failed", res.steps_failed);
		cJSON_AddNumberToObject(st, "skipped", res.steps_skipped);
		out_json(c->out, doc);
		cJSON_Delete(doc);
	} else {
		char d[32];
		time_duration(res.duration_ms, d, sizeof d);
		int color = out_use_color(c->out);
		fprintf(c->out, "run %lld ", (long long)res.run_id);
		out_text(c->out, res.run_name);
		if (o->rerun_of)
			fprintf(c->out, " (rerun of %lld)", (long long)o->rerun_of);
		fprintf(c->out, " %s%s%s in %s: %d completed",
			color ? (ok ? "\033[32m" : "\033[31m") : "", res.status,
			color ? "\033[0m" : "", d, res.steps_completed);
		if (res.steps_cached)
			fprintf(c->out, ", %d cached", res.steps_cached);
		if (res.steps_failed)
			fprintf(c->out, ", %d failed", res.steps_failed);
		if (res.steps_skipped)
			fprintf(c->out, ", %d skipped", res.steps_skipped);
		fprintf(c->out, "\n");
		if (!ok)
			fprintf(c->out, "see: runlens show %lld\n", (long long)res.run_id);
		/* a headline that cannot be read says so; the run's outcome stands */
		struct rl_err herr = RL_ERR_INIT;
		if (ok && (headline == CLI_HEADLINE_ON ||
			   (headline == CLI_HEADLINE_AUTO && isatty(fileno(c->out)))) &&
		    cli_headline(c, res.run_id, &herr) < 0)
			out_linef(stderr, "runlens: warning: no metrics headline: %s",
				  rl_err_msg(&herr));
		rl_err_clear(&herr);
	}
	runner_result_clear(&res);
	return ok ? 0 : 1;
}

/* run --dry-run of a sweep: its runs' params, then the first one's plan. */
static int print_sweep_plan(struct cli *c, struct runner_opts *o, const struct sweep_grid *g,
			    int json, struct rl_err *err)
{
	char **kv = NULL;
	int n = 0, rc = -1;
	if (!json) {
		fprintf(c->out, "a sweep of %d run%s:\n", g->total, g->total == 1 ? "" : "s");
		for (int k = 0; k < g->total; k++) {
			char *label = sweep_grid_label(g, k);
			struct buf line = BUF_INIT;
			buf_printf(&line, "  %d  %s", k + 1, label ? label : "");
			out_line(c->out, line.data);
			buf_free(&line);
			free(label);
		}
		fprintf(c->out, "\nthe first run:\n");
	}
	if (sweep_grid_point(g, 0, &kv, &n) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	o->params = kv;
	o->nparams = n;
	/* JSON: the sweep (its runs, each param's values), then the plan of
	 * its first run, as the table says */
	cJSON *head = NULL;
	if (json && json != CLI_PLAN_CSV) {
		char *axes = sweep_grid_axes_json(g);
		head = cJSON_CreateObject();
		cJSON *w = cJSON_AddObjectToObject(head, "sweep");
		cJSON_AddNumberToObject(w, "runs", g->total);
		cJSON_AddItemToObject(w, "axes", axes ? cJSON_Parse(axes) : cJSON_CreateObject());
		free(axes);
	}
	rc = cli_print_plan(c, o, json, head, err);
	sweep_strv_free(kv, n);
	return rc;
}

/* What `runlens run` was asked for. */
struct run_args {
	struct runner_opts o;
	struct cli_strv params, tags;
	const char *sweep;
	int json, dry_run, parallel, headline;
};

static int run_option(struct cli *c, int ch, struct run_args *a, struct rl_err *err)
{
	switch (ch) {
	case 'p':
		return cli_param_opt(c, &a->params, optarg, err);
	case 't':
		return cli_strv_push(&a->tags, optarg, err);
	case 'j':
		return cli_int(c, "-j", optarg, 0, &a->o.jobs, err);
	case OPT_CPUS:
		return cli_int(c, "--cpus", optarg, 0, &a->o.cpus, err);
	case OPT_PARALLEL_RUNS:
		return cli_int(c, "--parallel-runs", optarg, 0, &a->parallel, err);
	case 'n':
		a->o.name = optarg;
		return 0;
	case OPT_NO_CACHE:
		a->o.no_cache = 1;
		return 0;
	case OPT_VERIFY:
		a->o.verify = 1;
		return 0;
	case OPT_STACK:
		a->o.stack = optarg;
		return 0;
	case OPT_JSON:
		a->json = 1;
		return 0;
	case OPT_CSV:
		a->json = CLI_PLAN_CSV;
		return 0;
	case OPT_DRY_RUN:
		a->dry_run = 1;
		return 0;
	case 'q':
		a->headline = CLI_HEADLINE_OFF;
		return 0;
	case OPT_HEADLINE:
		a->headline = CLI_HEADLINE_ON;
		return 0;
	case OPT_SWEEP:
		a->sweep = optarg;
		return 0;
	default:
		return -1;
	}
}

/* The options and the one pipeline FILE. */
static int parse_run(struct cli *c, int argc, char **argv, struct run_args *a, struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1)
		if (run_option(c, ch, a, err) < 0)
			return -1;
	if (a->json == CLI_PLAN_CSV && !a->dry_run)
		return rl_err_set(err, RL_E_USAGE, "run: --csv is for --dry-run (the plan as CSV)");
	if (optind >= argc)
		return rl_err_set(err, RL_E_USAGE, "run: missing pipeline FILE "
						   "(usage: runlens run FILE)");
	if (optind + 1 < argc)
		return rl_err_set(err, RL_E_USAGE, "run: unexpected argument '%s'",
				  argv[optind + 1]);
	a->o.spec_path = argv[optind];
	a->o.params = a->params.v;
	a->o.nparams = a->params.n;
	a->o.tags = a->tags.v;
	a->o.ntags = a->tags.n;
	a->o.store_flag = c->store_flag;
	return 0;
}

int cmd_run(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct run_args a = { .parallel = 1, .headline = CLI_HEADLINE_AUTO };
	struct sweep_grid *grid = NULL;
	int rc = -1;
	if (parse_run(c, argc, argv, &a, err) < 0 ||
	    sweep_grid_parse(a.params.v, a.params.n, &grid, err) < 0)
		goto cleanup;
	if (grid->naxes || a.sweep) {
		if (a.o.name) {
			rl_err_set(err, RL_E_USAGE, "run: --name names one run; the runs of a sweep "
						    "are named after it (--sweep NAME)");
			goto cleanup;
		}
		rc = a.dry_run ? print_sweep_plan(c, &a.o, grid, a.json, err)
			       : cli_run_sweep(c, &a.o, grid, a.sweep, a.parallel, a.json, err);
		goto cleanup;
	}
	a.o.params = grid->fixed; /* "a\\,b" unescaped, "1..1" as 1 */
	a.o.nparams = grid->nfixed;
	rc = a.dry_run ? cli_print_plan(c, &a.o, a.json, NULL, err)
		       : cli_run_pipeline(c, &a.o, a.json, a.headline, err);
cleanup:
	sweep_grid_free(&grid);
	cli_strv_free(&a.params);
	cli_strv_free(&a.tags);
	return rc;
}
