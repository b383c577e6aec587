/* tests/unit/test_scheduler.c — the runner's scheduling loop against the
 * fake executor (core/exec/fake.c): real runs recorded in a temporary
 * store, with steps written in the job language of core/exec/script.h, so
 * no process is started.  Skips, retries, the -j limit, timeouts, Ctrl-C
 * and the order in which state writes apply. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/exec/executor.h"
#include "core/runner.h"
#include "store/store.h"
#include "util/fs.h"

struct watch {
	int running, max_running;
	int interrupt_when_running; /* raise SIGINT once a step runs */
	char order[256];	    /* step positions as they completed */
};

static void on_event(void *ctx, const struct runner_event *ev)
{
	struct watch *w = ctx;
	if (ev->kind != RUNNER_EV_STEP)
		return;
	if (!strcmp(ev->status, "running")) {
		if (++w->running > w->max_running)
			w->max_running = w->running;
		if (w->interrupt_when_running) {
			w->interrupt_when_running = 0;
			raise(SIGINT);
		}
	} else if (!strcmp(ev->status, "completed") || !strcmp(ev->status, "failed") ||
		   !strcmp(ev->status, "retrying") || !strcmp(ev->status, "interrupted")) {
		w->running--;
		if (!strcmp(ev->status, "completed")) {
			size_t n = strlen(w->order);
			if (n + 2 < sizeof w->order)
				w->order[n] = (char)('0' + ev->step);
		}
	}
}

struct fixture {
	char *dir, *store_dir;
	struct store *store;
	struct runner_result res;
	struct watch watch;
};

/* Run the pipeline JSON on the fake executor with -j JOBS. */
static int run(struct fixture *f, const char *json, int jobs)
{
	if (!f->dir) {
		f->dir = strdup("/tmp/rl-sched-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(f->dir));
		f->store_dir = fs_join(f->dir, ".runlens");
	}
	char *path = fs_join(f->dir, "p.json");
	ck_assert_int_eq(fs_write_file(path, json, strlen(json), 0644, NULL), 0);
	struct runner_observer ob = { on_event, &f->watch, 0 };
	struct runner_opts o = {
		.spec_path = path, .jobs = jobs, .store_flag = f->store_dir,
		.executor = &executor_fake, .observer = &ob,
	};
	runner_result_clear(&f->res);
	struct rl_err err = RL_ERR_INIT;
	int rc = runner_run(&o, &f->res, &err);
	ck_assert_msg(rc == 0, "runner_run: %s", rl_err_msg(&err));
	free(path);
	store_close(&f->store);
	ck_assert_int_eq(store_open(f->store_dir, 0, &f->store, NULL), 0);
	return rc;
}

static void fixture_free(struct fixture *f)
{
	store_close(&f->store);
	runner_result_clear(&f->res);
	if (f->dir)
		fs_remove_tree(f->dir, NULL);
	free(f->dir);
	free(f->store_dir);
}

static struct store_step_run step_of(struct fixture *f, const char *name)
{
	struct store_step_run sr = { 0 };
	ck_assert_int_eq(store_step_run_get(f->store, f->res.run_id, name, &sr, NULL), 0);
	return sr;
}

static void expect_step(struct fixture *f, const char *name, const char *status,
			int attempts, const char *error)
{
	struct store_step_run sr = step_of(f, name);
	ck_assert_msg(!strcmp(sr.status, status), "%s is %s, not %s", name, sr.status, status);
	ck_assert_int_eq(sr.attempts, attempts);
	if (error)
		ck_assert_msg(sr.error && strstr(sr.error, error), "%s: error '%s', not '%s'",
			      name, sr.error ? sr.error : "(none)", error);
	store_step_run_clear(&sr);
}

START_TEST(test_skip_propagation)
{
	struct fixture f = { 0 };
	run(&f,
	    "{\"name\": \"p\", \"steps\": ["
	    "{\"name\": \"a\", \"run\": [\"true\", \"exit:1\"]},"
	    "{\"name\": \"b\", \"run\": [\"true\"], \"needs\": [\"a\"]},"
	    "{\"name\": \"c\", \"run\": [\"true\"], \"needs\": [\"b\"]},"
	    "{\"name\": \"d\", \"run\": [\"true\", \"out:fine\"]}]}",
	    2);
	ck_assert_str_eq(f.res.status, "failed");
	expect_step(&f, "a", "failed", 1, "exit code 1");
	expect_step(&f, "b", "skipped", 0, "upstream step 'a' failed");
	expect_step(&f, "c", "skipped", 0, "upstream step 'b' skipped");
	expect_step(&f, "d", "completed", 1, NULL);
	ck_assert_int_eq(f.res.steps_failed, 1);
	ck_assert_int_eq(f.res.steps_skipped, 2);
	ck_assert_int_eq(f.res.steps_completed, 1);
	fixture_free(&f);
}
END_TEST

START_TEST(test_retries)
{
	struct fixture f = { 0 };
	run(&f,
	    "{\"name\": \"p\", \"steps\": ["
	    "{\"name\": \"flaky\", \"retries\": 3, \"run\": [\"true\", \"fail-until:3\"]},"
	    "{\"name\": \"never\", \"retries\": 1, \"run\": [\"true\", \"exit:4\"]}]}",
	    1);
	expect_step(&f, "flaky", "completed", 3, NULL);
	expect_step(&f, "never", "failed", 2, "exit code 4");
	struct store_step_run sr = step_of(&f, "flaky");
	struct store_attempt *at = NULL;
	int n = 0;
	ck_assert_int_eq(store_attempts_of(f.store, sr.id, &at, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(at[0].status, "failed");
	ck_assert_int_eq(at[0].exit_code, 1);
	ck_assert_str_eq(at[1].status, "failed");
	ck_assert_str_eq(at[2].status, "completed");
	ck_assert_int_eq(at[2].exit_code, 0);
	store_attempts_free(at, n);
	store_step_run_clear(&sr);
	fixture_free(&f);
}
END_TEST

START_TEST(test_jobs_limit)
{
	for (int jobs = 1; jobs <= 3; jobs++) {
		struct fixture f = { 0 };
		run(&f,
		    "{\"name\": \"p\", \"steps\": ["
		    "{\"name\": \"s1\", \"run\": [\"true\", \"sleep:40\"]},"
		    "{\"name\": \"s2\", \"run\": [\"true\", \"sleep:40\"]},"
		    "{\"name\": \"s3\", \"run\": [\"true\", \"sleep:40\"]},"
		    "{\"name\": \"s4\", \"run\": [\"true\", \"sleep:40\"]},"
		    "{\"name\": \"s5\", \"run\": [\"true\", \"sleep:40\"]}]}",
		    jobs);
		ck_assert_str_eq(f.res.status, "completed");
		ck_assert_msg(f.watch.max_running == jobs, "-j %d ran %d at once", jobs,
			      f.watch.max_running);
		fixture_free(&f);
	}
}
END_TEST

START_TEST(test_timeout)
{
	struct fixture f = { 0 };
	run(&f,
	    "{\"name\": \"p\", \"steps\": ["
	    "{\"name\": \"slow\", \"timeout\": 0.2, \"retries\": 1,"
	    " \"run\": [\"true\", \"out:started\", \"hang\"]},"
	    "{\"name\": \"after\", \"run\": [\"true\"], \"needs\": [\"slow\"]}]}",
	    2);
	ck_assert_str_eq(f.res.status, "failed");
	expect_step(&f, "slow", "failed", 2, "timed out after 0.2s");
	expect_step(&f, "after", "skipped", 0, "upstream step 'slow' failed");
	struct store_step_run sr = step_of(&f, "slow");
	struct store_attempt *at = NULL;
	int n = 0;
	ck_assert_int_eq(store_attempts_of(f.store, sr.id, &at, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(at[i].timed_out, 1);
		ck_assert_int_eq(at[i].signal, SIGTERM);
	}
	store_attempts_free(at, n);
	store_step_run_clear(&sr);
	fixture_free(&f);
}
END_TEST

START_TEST(test_interrupt)
{
	struct fixture f = { 0 };
	f.watch.interrupt_when_running = 1;
	run(&f,
	    "{\"name\": \"p\", \"steps\": ["
	    "{\"name\": \"long\", \"run\": [\"true\", \"hang\"]},"
	    "{\"name\": \"next\", \"run\": [\"true\"], \"needs\": [\"long\"]}]}",
	    2);
	ck_assert_str_eq(f.res.status, "interrupted");
	expect_step(&f, "long", "interrupted", 1, "interrupted");
	expect_step(&f, "next", "interrupted", 0, NULL); /* never started */
	struct store_run r = { 0 };
	ck_assert_int_eq(store_run_get(f.store, f.res.run_id, &r, NULL), 0);
	ck_assert_str_eq(r.status, "interrupted");
	ck_assert_int_ne(r.ended_ms, 0);
	store_run_clear(&r);
	fixture_free(&f);
}
END_TEST

/* State writes apply when a step completes, in completion order; a
 * failed step's are dropped; a step sees the state as of its start. */
START_TEST(test_state_order)
{
	struct fixture f = { 0 };
	run(&f,
	    "{\"name\": \"p\", \"steps\": ["
	    "{\"name\": \"late\", \"run\": [\"true\", \"record:{\\\"state\\\": {\\\"who\\\": \\\"late\\\", "
	    "\\\"late\\\": 1}}\", \"sleep:150\"]},"
	    "{\"name\": \"early\", \"run\": [\"true\", \"record:{\\\"state\\\": {\\\"who\\\": \\\"early\\\", "
	    "\\\"early\\\": 1}}\", \"sleep:20\"]},"
	    "{\"name\": \"bad\", \"run\": [\"true\", \"record:{\\\"state\\\": {\\\"bad\\\": 1}}\", \"exit:1\"]},"
	    "{\"name\": \"last\", \"run\": [\"true\"], \"needs\": [\"late\", \"early\"]}]}",
	    3);
	/* early completed first (position 1), then late (0), then last (3) */
	ck_assert_str_eq(f.watch.order, "103");
	struct store_run r = { 0 };
	ck_assert_int_eq(store_run_get(f.store, f.res.run_id, &r, NULL), 0);
	cJSON *st = cJSON_Parse(r.state_json);
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(cJSON_GetObjectItem(st, "who")->valuestring, "late");
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(st, "early"));
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(st, "late"));
	ck_assert_ptr_null(cJSON_GetObjectItem(st, "bad"));
	cJSON_Delete(st);
	store_run_clear(&r);
	/* `last` started after both: its context holds their writes */
	struct store_step_run sr = step_of(&f, "last");
	struct store_attempt *at = NULL;
	int n = 0;
	ck_assert_int_eq(store_attempts_of(f.store, sr.id, &at, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	cJSON *ctx = cJSON_Parse(at[0].context_json);
	cJSON *seen = cJSON_GetObjectItem(cJSON_GetObjectItem(ctx, "run"), "state");
	ck_assert_str_eq(cJSON_GetObjectItem(seen, "who")->valuestring, "late");
	ck_assert_ptr_null(cJSON_GetObjectItem(seen, "bad"));
	cJSON_Delete(ctx);
	store_attempts_free(at, n);
	store_step_run_clear(&sr);
	fixture_free(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scheduler");
	TCase *tc = tcase_create("fake executor");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_skip_propagation);
	tcase_add_test(tc, test_retries);
	tcase_add_test(tc, test_jobs_limit);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_interrupt);
	tcase_add_test(tc, test_state_order);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
