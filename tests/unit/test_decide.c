/* tests/unit/test_decide.c — the decision "execute, cached or reused, and
 * why" (core/decide.c) rule by rule, and the plan (core/plan.c): what the
 * plan says is what the runner then does.  Runs are made on the fake
 * executor (core/exec/fake.c) in a temporary store. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/decide.h"
#include "core/exec/executor.h"
#include "core/plan.h"
#include "core/runner.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/fs.h"

/* gen -> use; gen writes its output with the param n in it */
#define PIPELINE(n, extra)                                                             \
	"{\"name\": \"p\", \"params\": {\"n\": " n "}, \"steps\": ["                        \
	"{\"name\": \"gen\", \"run\": [\"true\", \"file:data=n=${params.n}\"],"             \
	" \"outputs\": {\"data\": \"data.txt\"}" extra "},"                                \
	"{\"name\": \"use\", \"run\": [\"true\", \"out:used\", \"file:r=used\"],"                            \
	" \"inputs\": {\"d\": \"gen.data\"}, \"outputs\": {\"r\": \"r.txt\"}},"              \
	"{\"name\": \"off\", \"cache\": false, \"run\": [\"true\", \"file:r=x\"],"          \
	" \"outputs\": {\"r\": \"r.txt\"}}]}"

struct fx {
	char *dir, *store_dir, *path;
	struct store *store;
	int64_t last_run;
};

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	f->dir = strdup("/tmp/rl-decide-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	f->store_dir = fs_join(f->dir, ".runlens");
	f->path = fs_join(f->dir, "p.json");
}

static void fx_free(struct fx *f)
{
	store_close(&f->store);
	fs_remove_tree(f->dir, NULL);
	free(f->dir);
	free(f->store_dir);
	free(f->path);
}

static void write_spec(struct fx *f, const char *json)
{
	ck_assert_int_eq(fs_write_file(f->path, json, strlen(json), 0644, NULL), 0);
}

static void reopen(struct fx *f)
{
	store_close(&f->store);
	ck_assert_int_eq(store_open(f->store_dir, STORE_CREATE, &f->store, NULL), 0);
}

static struct runner_opts opts(struct fx *f)
{
	struct runner_opts o = {
		.spec_path = f->path, .jobs = 2, .store_flag = f->store_dir,
		.executor = &executor_fake,
	};
	return o;
}

static void run(struct fx *f, struct runner_opts *o)
{
	struct runner_result res = { 0 };
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(runner_run(o, &res, &err) == 0, "run: %s", rl_err_msg(&err));
	f->last_run = res.run_id;
	runner_result_clear(&res);
	reopen(f);
}

static int64_t step_run_id(struct fx *f, int64_t run, const char *name)
{
	struct store_step_run sr = { 0 };
	ck_assert_int_eq(store_step_run_get(f->store, run, name, &sr, NULL), 0);
	int64_t id = sr.cached_from ? sr.cached_from : sr.id;
	store_step_run_clear(&sr);
	return id;
}

/* decide_step for STEP of the current file, with IN's knobs. */
static void decide(struct fx *f, const char *step, struct decide_in *in, struct decision *d)
{
	struct spec *sp = NULL;
	ck_assert_int_eq(spec_load_file(f->path, &sp, NULL), 0);
	struct store_pipeline pl = { 0 };
	in->store = f->store;
	in->pipeline_id = store_pipeline_get(f->store, "p", &pl, NULL) == 0 ? pl.id : 0;
	store_pipeline_clear(&pl);
	in->spec = sp;
	in->step = &sp->steps[spec_step_index(sp, step)];
	in->run_id = "0";
	in->run_name = "x";
	ck_assert_int_eq(decide_step(in, d, NULL), 0);
	spec_free(&sp);
}

static void expect(struct fx *f, const char *step, struct decide_in in,
		   enum decide_action act, const char *why)
{
	struct decision d;
	decide(f, step, &in, &d);
	ck_assert_msg(d.action == act, "%s: %s (%s), not %s", step, decide_action_name(d.action),
		      d.why, decide_action_name(act));
	ck_assert_msg(strstr(d.why, why), "%s: why '%s', not '%s'", step, d.why, why);
	decision_clear(&d);
}

START_TEST(test_rules)
{
	struct fx f;
	fx_init(&f);
	write_spec(&f, PIPELINE("1", ""));
	reopen(&f);
	/* rule 5: no history */
	expect(&f, "gen", (struct decide_in){ 0 }, DECIDE_RUN, "never ran before");
	struct runner_opts o = opts(&f);
	run(&f, &o);
	int64_t first = f.last_run;
	char want[64];
	snprintf(want, sizeof want, "same key as step run %lld",
		 (long long)step_run_id(&f, first, "gen"));
	/* rule 4: the same key, artifacts verify */
	expect(&f, "gen", (struct decide_in){ 0 }, DECIDE_CACHED, want);
	/* rule 3, in its order */
	expect(&f, "gen", (struct decide_in){ .force = 1 }, DECIDE_RUN, "--force gen");
	expect(&f, "gen", (struct decide_in){ .no_cache = 1 }, DECIDE_RUN, "--no-cache");
	expect(&f, "off", (struct decide_in){ 0 }, DECIDE_RUN, "\"cache\": false");
	expect(&f, "gen", (struct decide_in){ .from_mark = 1, .from_step = "gen" }, DECIDE_RUN,
	       "--from gen");
	expect(&f, "use", (struct decide_in){ .from_mark = 2, .from_step = "gen" }, DECIDE_RUN,
	       "downstream of --from gen");
	/* rule 1: an input not known yet */
	expect(&f, "use", (struct decide_in){ .unknown_why = "upstream step 'gen' runs" },
	       DECIDE_RUN, "upstream step 'gen' runs");
	/* rule 2: reused from the earlier run, even with --no-cache */
	expect(&f, "gen",
	       (struct decide_in){ .reuse_from = step_run_id(&f, first, "gen"),
				   .reuse_run = first, .from_step = "use", .no_cache = 1 },
	       DECIDE_REUSED, "reused by --from use: upstream of it, unchanged since run");
	/* a sibling of the --from step is not upstream of it: its wording
	 * says what the decision is (issue 17) */
	expect(&f, "gen",
	       (struct decide_in){ .reuse_from = step_run_id(&f, first, "gen"),
				   .reuse_run = first, .from_step = "off", .from_mark = 3 },
	       DECIDE_REUSED, "reused from run ");
	expect(&f, "gen",
	       (struct decide_in){ .reuse_from = step_run_id(&f, first, "gen"),
				   .reuse_run = first, .from_step = "off", .from_mark = 3 },
	       DECIDE_REUSED, "not needed by off, unchanged");
	/* rule 5: a param the step depends on changed */
	write_spec(&f, PIPELINE("2", ""));
	expect(&f, "gen", (struct decide_in){ 0 }, DECIDE_RUN, "changed: params.n");
	/* an artifact changed on disk is neither cached nor reused */
	write_spec(&f, PIPELINE("1", ""));
	struct store_artifact_ref *outs = NULL;
	int no = 0;
	ck_assert_int_eq(store_outputs_of(f.store, step_run_id(&f, first, "gen"), &outs, &no, NULL),
			 0);
	ck_assert_int_eq(no, 1);
	chmod(outs[0].path, 0644);
	ck_assert_int_eq(fs_write_file(outs[0].path, "tampered", 8, 0644, NULL), 0);
	expect(&f, "gen", (struct decide_in){ 0 }, DECIDE_RUN,
	       "but its outputs are gone or changed");
	expect(&f, "gen",
	       (struct decide_in){ .reuse_from = step_run_id(&f, first, "gen"),
				   .reuse_run = first, .from_step = "use" },
	       DECIDE_RUN, "changed on disk");
	store_artifact_refs_free(outs, no);
	fx_free(&f);
}
END_TEST

static const char *status_for(enum plan_action a)
{
	return a == PLAN_RUN ? "completed" : "cached";
}

/* Plan a run, carry it out, and check each step did what the plan said. */
static void plan_then_run(struct fx *f, struct runner_opts *o, const char *want)
{
	struct plan *p = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(runner_plan(o, &p, &err) == 0, "plan: %s", rl_err_msg(&err));
	char got[256] = "";
	for (int k = 0; k < p->n; k++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s=%s", k ? " " : "",
			 p->steps[k].name, plan_action_name(p->steps[k].action));
	ck_assert_str_eq(got, want);
	run(f, o);
	for (int k = 0; k < p->n; k++) {
		struct store_step_run sr = { 0 };
		ck_assert_int_eq(store_step_run_get(f->store, f->last_run, p->steps[k].name, &sr,
						    NULL),
				 0);
		/* after a step that runs, the plan cannot know its output: such a
		 * step is planned to run and may still be cached when the
		 * upstream step makes the same content again */
		int maybe = !strncmp(p->steps[k].why, "upstream step", 13) &&
			    !strcmp(sr.status, "cached");
		ck_assert_msg(maybe || !strcmp(sr.status, status_for(p->steps[k].action)),
			      "%s: planned %s (%s), ran as %s", p->steps[k].name,
			      plan_action_name(p->steps[k].action), p->steps[k].why, sr.status);
		store_step_run_clear(&sr);
	}
	plan_free(&p);
}

START_TEST(test_plan_is_what_runs)
{
	struct fx f;
	fx_init(&f);
	write_spec(&f, PIPELINE("1", ""));
	struct runner_opts o = opts(&f);
	plan_then_run(&f, &o, "gen=run use=run off=run");
	int64_t first = f.last_run;
	plan_then_run(&f, &o, "gen=cached use=cached off=run");
	/* a rerun from `use` of the first run */
	struct runner_opts r = opts(&f);
	r.from_step = "use";
	r.reuse_run = first;
	r.rerun_of = first;
	plan_then_run(&f, &r, "gen=reused use=run off=reused");
	/* --force and -p */
	struct runner_opts g = opts(&f);
	char *force[] = { "gen" };
	g.force = force;
	g.nforce = 1;
	plan_then_run(&f, &g, "gen=run use=run off=run");
	char *params[] = { "n=5" };
	struct runner_opts q = opts(&f);
	q.params = params;
	q.nparams = 1;
	plan_then_run(&f, &q, "gen=run use=run off=run");
	/* the plan names what made it decide */
	struct plan *p = NULL;
	ck_assert_int_eq(runner_plan(&q, &p, NULL), 0);
	char want[64];
	snprintf(want, sizeof want, "same key as step run %lld",
		 (long long)step_run_id(&f, f.last_run, "gen"));
	ck_assert_str_eq(p->steps[0].why, want);
	ck_assert_str_eq(p->steps[2].why, "\"cache\": false");
	ck_assert_int_eq(p->count[PLAN_CACHED], 2);
	plan_free(&p);
	/* bad --from / --force: the runner's messages, in its own words (the
	 * command line and the browser say them as they are) */
	struct runner_opts bad = opts(&f);
	bad.from_step = "nope";
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(runner_plan(&bad, &p, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err), "no step 'nope' in the pipeline to start from");
	rl_err_clear(&err);
	char *unknown[] = { "gen", "nah" };
	bad = opts(&f);
	bad.force = unknown;
	bad.nforce = 2;
	ck_assert_int_eq(runner_plan(&bad, &p, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err), "no step 'nah' in the pipeline to force");
	ck_assert_int_eq(err.code, RL_E_USAGE);
	rl_err_clear(&err);
	fx_free(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("decide and plan");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_plan_is_what_runs);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
