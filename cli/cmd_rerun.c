/* cli/cmd_rerun.c — `runlens rerun RUN`: a new run from the recorded
 * pipeline and params, or its plan with --dry-run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/plan.h"
#include "core/rerun.h"
#include "core/runner.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/num.h"

int cli_print_plan(struct cli *c, const struct runner_opts *o, int json, cJSON *head,
		   struct rl_err *err)
{
	struct plan *p = NULL;
	if (runner_plan(o, &p, err) < 0) {
		cJSON_Delete(head);
		return -1;
	}
	if (json == CLI_PLAN_CSV) {
		struct table *t = table_new(3, "STEP", "ACTION", "WHY");
		for (int k = 0; k < p->n; k++)
			table_add_row(t, p->steps[k].name, plan_action_name(p->steps[k].action),
				      p->steps[k].why);
		table_print_csv(t, c->out);
		table_free(&t);
	} else if (json) {
		cJSON *doc = head ? head : cJSON_CreateObject();
		head = NULL;
		cJSON *arr = cJSON_AddArrayToObject(doc, "plan");
		for (int k = 0; k < p->n; k++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "step", p->steps[k].name);
			cJSON_AddStringToObject(x, "action", plan_action_name(p->steps[k].action));
			cJSON_AddStringToObject(x, "why", p->steps[k].why);
			cJSON_AddItemToArray(arr, x);
		}
		out_json(c->out, doc);
		cJSON_Delete(doc);
	} else {
		struct table *t = table_new(3, "STEP", "ACTION", "WHY");
		for (int k = 0; k < p->n; k++) {
			table_add_row(t, p->steps[k].name, plan_action_name(p->steps[k].action),
				      p->steps[k].why);
			table_set_color(t, 1, p->steps[k].action == PLAN_RUN ? "36" : "32");
		}
		table_print(t, c->out, out_use_color(c->out));
		table_free(&t);
		fprintf(c->out, "\n%d to run, %d from cache, %d reused (dry run: nothing was run)\n",
			p->count[PLAN_RUN], p->count[PLAN_CACHED], p->count[PLAN_REUSED]);
	}
	cJSON_Delete(head);
	plan_free(&p);
	return 0;
}

struct rerun_args {
	struct runner_opts o;
	struct cli_strv overrides, force, tags; /* not owned: argv's */
	int dry_run, json;
	int headline; /* CLI_HEADLINE_* */
};

static int parse_rerun(struct cli *c, int argc, char **argv, struct rerun_args *a,
		       struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		int bad = 0;
		switch (ch) {
		case OPT_FROM:
			if (a->o.from_step)
				return rl_err_set(err, RL_E_USAGE,
						  "rerun: --from is given once (a run starts again "
						  "from one step; --force adds others)");
			a->o.from_step = optarg;
			break;
		case OPT_STACK:
			a->o.stack = optarg;
			break;
		case OPT_FORCE:
			bad = cli_strv_push(&a->force, optarg, err);
			break;
		case 'p':
			bad = cli_param_opt(c, &a->overrides, optarg, err);
			break;
		case 'j':
			bad = cli_int(c, "-j", optarg, 0, &a->o.jobs, err);
			break;
		case 'n':
			a->o.name = optarg;
			break;
		case 't':
			bad = cli_strv_push(&a->tags, optarg, err);
			break;
		case OPT_NO_CACHE:
			a->o.no_cache = 1;
			break;
		case OPT_VERIFY:
			a->o.verify = 1;
			break;
		case OPT_DRY_RUN:
			a->dry_run = 1;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_CSV:
			a->json = CLI_PLAN_CSV;
			break;
		case 'q':
			a->headline = CLI_HEADLINE_OFF;
			break;
		case OPT_HEADLINE:
			a->headline = CLI_HEADLINE_ON;
			break;
		default:
			bad = -1;
		}
		if (bad < 0)
			return -1;
	}
	if (a->json == CLI_PLAN_CSV && !a->dry_run)
		return rl_err_set(err, RL_E_USAGE, "rerun: --csv is for --dry-run (the plan as CSV)");
	if (argc - optind != 1)
		return rl_err_set(err, RL_E_USAGE, "rerun: expected RUN (see 'runlens help rerun')");
	return 0;
}

/* The run's tags (its pipeline's, --tag's and those added since), then
 * the new --tag ones, into TAGS (not owning: RUN's and argv's strings). */
static int kept_tags(const struct store_run *run, const struct cli_strv *more,
		     struct cli_strv *tags, struct rl_err *err)
{
	for (int i = 0; i < run->ntags; i++)
		if (cli_strv_push(tags, run->tags[i], err) < 0)
			return -1;
	for (int i = 0; i < more->n; i++)
		if (cli_strv_push(tags, more->v[i], err) < 0)
			return -1;
	return 0;
}

int cmd_rerun(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct rerun_args a = { 0 };
	struct cli_strv tags = { 0 };
	struct store *s = NULL;
	struct store_run run = { 0 };
	struct rerun *hold = NULL;
	int64_t id;
	int rc = -1;
	if (parse_rerun(c, argc, argv, &a, err) < 0 ||
	    cli_open_run(c, argv[optind], &s, &id, &run, err) < 0 ||
	    rerun_opts(s, id, a.overrides.v, a.overrides.n, &a.o, &hold, err) < 0)
		goto cleanup;
	store_close(&s); /* the runner opens it again */
	if (kept_tags(&run, &a.tags, &tags, err) < 0)
		goto cleanup;
	struct runner_opts *o = &a.o;
	o->tags = tags.v;
	o->ntags = tags.n;
	o->force = a.force.v;
	o->nforce = a.force.n;
	o->store_flag = c->store_flag;
	rc = a.dry_run ? cli_print_plan(c, o, a.json, NULL, err)
		       : cli_run_pipeline(c, o, a.json, a.headline, err);
cleanup:
	rerun_free(&hold);
	cli_strv_free(&a.overrides);
	cli_strv_free(&a.force);
	cli_strv_free(&a.tags);
	cli_strv_free(&tags);
	store_run_clear(&run);
	store_close(&s);
	return rc;
}
