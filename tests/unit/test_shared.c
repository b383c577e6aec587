/* tests/unit/test_shared.c — the rules two sides share: the command line
 * and the browser, on a real store (the pairing of runs for `compare`:
 * which run is the reference, delta, %, better/worse, the unions of
 * params and metrics, the baseline by default; the options of a rerun of
 * a recorded run), and librunlens and the runner (what runlens keeps
 * exactly, client/records.h). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/records.h"
#include "core/compare.h"
#include "core/rerun.h"
#include "store/store.h"
#include "util/fs.h"

static char *dir;
static struct store *st;
static int64_t pipeline;

static void setup(void)
{
	dir = strdup("/tmp/rl-shared-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_open(dir, STORE_CREATE, &st, &err) == 0, "%s", rl_err_msg(&err));
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &pipeline, NULL), 0);
}

static void teardown(void)
{
	store_close(&st);
	fs_remove_tree(dir, NULL);
	free(dir);
}

/* A completed run with PARAMS and, in step "train", SCORE (lower is
 * better: the pipeline says so) and ACC (higher), and EXTRA when set. */
static int64_t new_run(const char *name, int64_t started, const char *params, double score,
		       double acc, const char *extra)
{
	struct store_run_new r = {
		.pipeline_id = pipeline, .name = name, .status = "running",
		.started_ms = started, .spec_path = "/work/p/p.json",
		.spec_json = "{\"name\":\"p\",\"metrics\":{\"score\":\"min\"}}",
		.params_json = params, .runner_pid = 1, .runner_host = "h", .runner_token = "t",
	};
	int64_t id = 0, sr = 0;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_run_create(st, &r, &id, &err) == 0, "%s", rl_err_msg(&err));
	ck_assert_int_eq(store_step_run_create(st, id, "train", 0, 1, NULL, &sr, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, sr, "score", 0, 0, score, started, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, sr, "acc", 0, 0, acc, started, NULL), 0);
	if (extra)
		ck_assert_int_eq(store_metric_add(st, sr, extra, 0, 0, 1, started, NULL), 0);
	ck_assert_int_eq(store_run_finish(st, id, "completed", started + 10, NULL), 0);
	return id;
}

static const struct compare_metric *metric(const struct compare_pair *p, const char *key)
{
	for (int i = 0; i < p->nmetrics; i++)
		if (!strcmp(p->metrics[i].key, key))
			return &p->metrics[i];
	return NULL;
}

START_TEST(test_compare_reference_is_the_other)
{
	int64_t old = new_run("p-1", 1000, "{\"lr\":0.1,\"seed\":1}", 5, 0.8, "only_old");
	int64_t now = new_run("p-2", 2000, "{\"lr\":0.2,\"seed\":1,\"extra\":true}", 4, 0.9, NULL);
	struct compare *c = NULL;
	struct rl_err err = RL_ERR_INIT;
	/* `compare NOW OLD`: NOW against OLD, the reference */
	ck_assert_msg(compare_new(st, now, &old, 1, &c, &err) == 0, "%s", rl_err_msg(&err));
	ck_assert_int_eq(c->run.run.id, now);
	ck_assert_int_eq(c->n, 1);
	ck_assert_int_eq(c->others[0].run.id, old);
	const struct compare_pair *p = &c->pairs[0];
	ck_assert_ptr_eq(p->other, &c->others[0]);
	const struct compare_metric *score = metric(p, "train.score");
	ck_assert_ptr_nonnull(score);
	ck_assert(score->value->value == 4 && score->other->value == 5);
	ck_assert(fabs(score->delta + 1) < 1e-12);
	ck_assert_int_eq(score->has_pct, 1);
	ck_assert(fabs(score->pct + 20) < 1e-9);
	ck_assert_int_eq(score->dir, COMPARE_LOWER); /* the pipeline's direction */
	ck_assert_int_eq(score->result, COMPARE_BETTER);
	const struct compare_metric *acc = metric(p, "train.acc");
	ck_assert_int_eq(acc->result, COMPARE_BETTER);
	ck_assert(fabs(acc->pct - 12.5) < 1e-9);
	/* RUN's metrics first, in its order, then what only OTHER has */
	ck_assert_int_eq(p->nmetrics, 3);
	ck_assert_str_eq(p->metrics[2].key, "train.only_old");
	ck_assert_ptr_null(p->metrics[2].value);
	ck_assert_int_eq(p->metrics[2].result, COMPARE_MISSING);
	ck_assert_int_eq(p->metrics[2].has_pct, 0);
	/* params: RUN's, then OTHER's own; same or not */
	ck_assert_int_eq(p->nparams, 3);
	ck_assert_str_eq(p->params[0].key, "lr");
	ck_assert_int_eq(p->params[0].same, 0);
	ck_assert_str_eq(p->params[1].key, "seed");
	ck_assert_int_eq(p->params[1].same, 1);
	ck_assert_str_eq(p->params[2].key, "extra");
	ck_assert_ptr_null(p->params[2].other);
	compare_free(&c);
	ck_assert_ptr_null(c);

	/* the other way round: everything turns */
	ck_assert_int_eq(compare_new(st, old, &now, 1, &c, NULL), 0);
	score = metric(&c->pairs[0], "train.score");
	ck_assert(fabs(score->delta - 1) < 1e-12);
	ck_assert(fabs(score->pct - 25) < 1e-9);
	ck_assert_int_eq(score->result, COMPARE_WORSE);
	ck_assert_int_eq(metric(&c->pairs[0], "train.acc")->result, COMPARE_WORSE);
	compare_free(&c);
	compare_free(&c);
	compare_free(NULL);
}
END_TEST

START_TEST(test_compare_baseline_by_default)
{
	struct rl_err err = RL_ERR_INIT;
	struct compare *c = NULL;
	int64_t first = new_run("p-1", 1000, "{}", 5, 0.8, NULL);
	/* the first run has no baseline */
	ck_assert_int_eq(compare_new(st, first, NULL, 0, &c, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&err), "has no baseline"));
	ck_assert_ptr_null(c);
	rl_err_clear(&err);
	int64_t second = new_run("p-2", 2000, "{}", 5, 0.7, NULL);
	int64_t third = new_run("p-3", 3000, "{}", 6, 0.7, NULL);
	ck_assert_int_eq(compare_new(st, third, NULL, 0, &c, NULL), 0);
	ck_assert_int_eq(c->n, 1);
	ck_assert_int_eq(c->others[0].run.id, second);
	ck_assert_int_eq(metric(&c->pairs[0], "train.acc")->result, COMPARE_SAME);
	ck_assert_int_eq(metric(&c->pairs[0], "train.score")->result, COMPARE_WORSE);
	compare_free(&c);
	/* several references: one pair each, in the order given */
	int64_t refs[2] = { first, second };
	ck_assert_int_eq(compare_new(st, third, refs, 2, &c, NULL), 0);
	ck_assert_int_eq(c->n, 2);
	ck_assert_int_eq(c->pairs[0].other->run.id, first);
	ck_assert_int_eq(c->pairs[1].other->run.id, second);
	ck_assert_int_eq(metric(&c->pairs[0], "train.acc")->result, COMPARE_WORSE);
	ck_assert_int_eq(metric(&c->pairs[1], "train.acc")->result, COMPARE_SAME);
	compare_free(&c);
	/* a run that is not there */
	int64_t none = 999;
	ck_assert_int_eq(compare_new(st, third, &none, 1, &c, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_ptr_null(c);
	rl_err_clear(&err);
}
END_TEST

START_TEST(test_rerun_opts)
{
	int64_t id = new_run("p-1", 1000, "{\"lr\":0.1,\"name\":\"a b\"}", 5, 0.8, NULL);
	struct runner_opts o = { .from_step = "train", .jobs = 3 };
	struct rerun *hold = NULL;
	char *over[] = { "lr=0.5" };
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(rerun_opts(st, id, over, 1, &o, &hold, &err) == 0, "%s", rl_err_msg(&err));
	ck_assert_ptr_nonnull(hold);
	ck_assert_str_eq(o.spec_path, "/work/p/p.json");
	ck_assert_str_eq(o.spec_dir, "/work/p");
	ck_assert_ptr_nonnull(strstr(o.spec_text, "\"metrics\""));
	/* the recorded params as JSON, set first; then the overrides (which
	 * win, and are checked) */
	ck_assert_int_eq(o.nbase_params, 2);
	ck_assert_str_eq(o.base_params[0], "lr=0.1");
	ck_assert_str_eq(o.base_params[1], "name=\"a b\"");
	ck_assert_ptr_null(o.base_params[2]);
	ck_assert_int_eq(o.nparams, 1);
	ck_assert_str_eq(o.params[0], "lr=0.5");
	ck_assert_int_eq(o.rerun_of, id);
	ck_assert_int_eq(o.reuse_run, id);
	/* what the caller set stays */
	ck_assert_str_eq(o.from_step, "train");
	ck_assert_int_eq(o.jobs, 3);
	rerun_free(&hold);
	ck_assert_ptr_null(hold);
	rerun_free(&hold);
	rerun_free(NULL);
	ck_assert_int_eq(rerun_opts(st, 999, NULL, 0, &o, &hold, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_ptr_null(hold);
	rl_err_clear(&err);
}
END_TEST

/* enum records_json_problem as words */
static const char *const problems[] = { "ok", "nul", "huge", "tiny", "inexact", "deep" };

/* records_number_check of TEXT, as a word. */
static const char *number(const char *text)
{
	return problems[records_number_check(text, strlen(text))];
}

/* records_json_check of TEXT: "problem@offset+length". */
static const char *scan(const char *text, size_t n, int depth)
{
	static char out[64];
	size_t off, len;
	enum records_json_problem p = records_json_check(text, n, depth, &off, &len);
	snprintf(out, sizeof out, "%s@%zu+%zu", problems[p], off, len);
	return out;
}

START_TEST(test_records_kept_as_written)
{
	const struct {
		const char *text, *want;
	} numbers[] = {
		/* numbers: what a double holds exactly passes */
		{ "0", "ok" },
		{ "-0.0e-5", "ok" },
		{ "0.1", "ok" },
		{ "1e308", "ok" },
		{ "4.9e-324", "ok" },
		{ "9007199254740992", "ok" },
		{ "-9007199254740992", "ok" },
		{ "18446744073709551616", "ok" }, /* 2^64 */
		{ "9007199254740993e0", "ok" }, /* not written as an integer */
		{ "9007199254740993", "inexact" },
		{ "-9007199254740993", "inexact" },
		{ "12345678901234567890", "inexact" },
		{ "1e999", "huge" },
		{ "-1.5e309", "huge" },
		{ "1e99999999999999999999", "huge" },
		{ "1e-999", "tiny" },
		{ "0.000e-999", "ok" }, /* zero is zero */
		/* not JSON numbers: not this rule's business */
		{ "1e999x", "ok" },
		{ "01", "ok" },
		{ "+1", "ok" },
		{ "", "ok" },
	};
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++)
		ck_assert_msg(!strcmp(number(numbers[i].text), numbers[i].want), "%s: %s",
			      numbers[i].text, number(numbers[i].text));
	/* JSON text */
	ck_assert_str_eq(scan("{\"a\": [1, 2.5, \"9007199254740993\"]}", 33, 9), "ok@0+0");
	ck_assert_str_eq(scan("{\"a\": [1, 9007199254740993]}", 28, 9), "inexact@10+16");
	ck_assert_str_eq(scan("[\"a\\u0000b\"]", 12, 9), "nul@3+6");
	ck_assert_str_eq(scan("[\"a\\\\u0000b\"]", 13, 9), "ok@0+0"); /* an escaped backslash */
	ck_assert_str_eq(scan("[\"a\0b\"]", 7, 9), "nul@3+1");
	ck_assert_str_eq(scan("[[[]]]", 6, 3), "ok@0+0");
	ck_assert_str_eq(scan("[[[[]]]]", 8, 3), "deep@3+1");
	ck_assert_str_eq(scan("[1e999", 6, 9), "huge@1+5"); /* need not be valid JSON */
	ck_assert_str_eq(scan("", 0, 9), "ok@0+0");
	/* the sentences */
	char *why = records_json_why(RECORDS_JSON_INEXACT, "9007199254740993", 16, 9);
	ck_assert_str_eq(why, "9007199254740993 is not exactly representable as a number "
			      "(a double holds integers exactly only up to 2^53)");
	free(why);
	why = records_json_why(RECORDS_JSON_HUGE, NULL, 0, 9);
	ck_assert_str_eq(why, "too large for a number (it would become infinity)");
	free(why);
	why = records_json_why(RECORDS_JSON_DEEP, "[", 1, 1000);
	ck_assert_str_eq(why, "nested deeper than 1000 levels");
	free(why);
	ck_assert_ptr_null(records_json_why(RECORDS_JSON_OK, NULL, 0, 9));
	/* a value as -p and `runlens meta` give it */
	int whole = -1;
	ck_assert_ptr_null(records_value_why("not json 1e999", 9, &whole));
	ck_assert_int_eq(whole, 0);
	ck_assert_ptr_null(records_value_why("[1, 2]", 9, &whole));
	why = records_value_why("9007199254740993", 9, &whole);
	ck_assert_int_eq(whole, 1);
	ck_assert_ptr_nonnull(strstr(why, "not exactly representable"));
	free(why);
	why = records_value_why("[1, 1e999]", 9, &whole);
	ck_assert_int_eq(whole, 0);
	ck_assert_str_eq(why, "1e999 is too large for a number (it would become infinity); "
			      "write it as a string (\"1e999\") to keep it as text");
	free(why);
	why = records_value_why("[[1]]", 1, &whole);
	ck_assert_str_eq(why, "nested deeper than 1 levels");
	free(why);
}
END_TEST

START_TEST(test_records_rules)
{
	char *why = NULL;
	ck_assert_int_eq(records_metric_check("loss", 0.5, 0, 0, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(records_metric_check("loss", 0.5, 1, -9e15, &why), 0);
	const struct {
		const char *key;
		double value, index;
		int has_index;
		const char *why;
	} bad[] = {
		{ "", 1, 0, 0, "a metric needs a key (a non-empty string)" },
		{ NULL, 1, 0, 0, "a metric needs a key (a non-empty string)" },
		{ "m", INFINITY, 0, 0, "metric 'm': inf is not a finite number" },
		{ "m", NAN, 0, 0, "metric 'm': nan is not a finite number" },
		{ "m", 1, 1.5, 1, "metric 'm': the index must be an integer, not 1.5" },
		{ "m", 1, 1e16, 1,
		  "metric 'm': the index 10000000000000000 is out of range (at most "
		  "9000000000000000 either way)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_int_eq(records_metric_check(bad[i].key, bad[i].value, bad[i].has_index,
						      bad[i].index, &why),
				 -1);
		ck_assert_str_eq(why, bad[i].why);
		free(why);
	}
	cJSON *o = cJSON_Parse("{\"a\": 1}");
	ck_assert_int_eq(records_object_check(o, "state", &why), 0);
	cJSON_AddNumberToObject(o, "", 2);
	ck_assert_int_eq(records_object_check(o, "state", &why), -1);
	ck_assert_str_eq(why, "state keys must be non-empty");
	free(why);
	cJSON_Delete(o);
	o = cJSON_CreateObject();
	ck_assert_int_eq(records_object_check(o, "metadata", &why), -1);
	ck_assert_str_eq(why, "metadata must be a non-empty JSON object");
	free(why);
	cJSON_Delete(o);
	ck_assert_int_eq(records_object_check(NULL, "metadata", &why), -1);
	free(why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shared");
	TCase *tc = tcase_create("shared");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_compare_reference_is_the_other);
	tcase_add_test(tc, test_compare_baseline_by_default);
	tcase_add_test(tc, test_rerun_opts);
	suite_add_tcase(s, tc);
	TCase *rec = tcase_create("records");
	tcase_add_test(rec, test_records_kept_as_written);
	tcase_add_test(rec, test_records_rules);
	suite_add_tcase(s, rec);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
