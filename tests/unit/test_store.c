/* tests/unit/test_store.c — store/: round trips of every record, keyset
 * paging, run counters, interruption, metrics summaries, migrations. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/internal.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"

static char *dir;
static struct store *st;

static void setup(void)
{
	dir = strdup("/tmp/rl-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_open(dir, STORE_CREATE, &st, &err) == 0, "%s",
		      rl_err_msg(&err));
}

static void teardown(void)
{
	store_close(&st);
	fs_remove_tree(dir, NULL);
	free(dir);
}

static int64_t new_pipeline(const char *name)
{
	int64_t id = 0;
	ck_assert_int_eq(store_pipeline_ensure(st, name, NULL, &id, NULL), 0);
	return id;
}

static int64_t new_run(int64_t pipeline, const char *name, int64_t started,
		       const char *status)
{
	struct store_run_new r = {
		.pipeline_id = pipeline, .name = name, .status = status,
		.started_ms = started, .spec_path = "/p.json",
		.spec_json = "{\"name\":\"p\"}", .params_json = "{\"lr\":0.1}",
		.runner_pid = 123, .runner_host = "h", .runner_token = "tok",
		.stack = "default",
	};
	int64_t id = 0;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_run_create(st, &r, &id, &err) == 0, "%s", rl_err_msg(&err));
	return id;
}

START_TEST(test_open_and_schema)
{
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	ck_assert_str_eq(store_dir(st), dir);
	char *a = fs_join(dir, "artifacts"), *r = fs_join(dir, "runs");
	ck_assert(fs_is_dir(a) && fs_is_dir(r));
	free(a);
	free(r);
	int ok = 0;
	ck_assert_int_eq(store_integrity_check(st, &ok, NULL), 0);
	ck_assert_int_eq(ok, 1);
	/* reopening an existing store is fine, also read-only */
	struct store *again = NULL;
	ck_assert_int_eq(store_open(dir, 0, &again, NULL), 0);
	store_close(&again);
	ck_assert_int_eq(store_open(dir, STORE_READONLY, &again, NULL), 0);
	ck_assert_int_eq(store_schema_version(again), STORE_SCHEMA_VERSION);
	store_close(&again);
	ck_assert_ptr_null(again);
	store_close(NULL);
}
END_TEST

START_TEST(test_missing_garbage_too_new)
{
	struct rl_err err = RL_ERR_INIT;
	struct store *s2 = NULL;
	char *d2 = strdup("/tmp/rl-store2-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d2));
	/* no database without STORE_CREATE */
	ck_assert_int_eq(store_open(d2, 0, &s2, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NO_STORE);
	/* garbage */
	char *db = fs_join(d2, STORE_DB_NAME);
	const char junk[] = "this is not a database, not at all, but it is long enough to look like a header...";
	ck_assert_int_eq(fs_write_file(db, junk, sizeof junk, 0644, NULL), 0);
	ck_assert_int_eq(store_open(d2, 0, &s2, &err), -1);
	ck_assert_int_eq(err.code, RL_E_CORRUPT);
	ck_assert(strstr(rl_err_msg(&err), db) != NULL);
	/* a store from a newer runlens */
	unlink(db);
	sqlite3 *raw = NULL;
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(store_open(d2, 0, &s2, &err), -1);
	ck_assert_int_eq(err.code, RL_E_TOO_NEW);
	ck_assert(strstr(rl_err_msg(&err), "schema version 99") != NULL);
	/* an empty SQLite file (version 0) is migrated */
	unlink(db);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(store_open(d2, 0, &s2, &err), 0);
	ck_assert_int_eq(store_schema_version(s2), STORE_SCHEMA_VERSION);
	store_close(&s2);
	rl_err_clear(&err);
	fs_remove_tree(d2, NULL);
	free(db);
	free(d2);
}
END_TEST

START_TEST(test_pipelines)
{
	int64_t a = new_pipeline("alpha"), b = new_pipeline("beta");
	ck_assert_int_eq(new_pipeline("alpha"), a); /* ensure finds it */
	int64_t id;
	ck_assert_int_eq(store_pipeline_ensure(st, "alpha", "the first", &id, NULL), 0);
	ck_assert_int_eq(id, a);
	struct store_pipeline p = { 0 };
	ck_assert_int_eq(store_pipeline_get(st, "alpha", &p, NULL), 0);
	ck_assert_str_eq(p.description, "the first");
	ck_assert_int_eq(p.run_count, 0);
	ck_assert_ptr_null(p.last_status);
	store_pipeline_clear(&p);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_pipeline_get(st, "gamma", &p, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);

	/* counters follow runs */
	int64_t r1 = new_run(a, "r1", 1000, "running");
	new_run(a, "r2", 2000, "running");
	ck_assert_int_eq(store_run_finish(st, r1, "completed", 1500, NULL), 0);
	ck_assert_int_eq(store_pipeline_get_by_id(st, a, &p, NULL), 0);
	ck_assert_int_eq(p.run_count, 2);
	ck_assert_int_eq(p.completed_count, 1);
	ck_assert_int_eq(p.failed_count, 0);
	ck_assert_str_eq(p.last_status, "running");
	ck_assert_int_eq(p.last_started_ms, 2000);
	store_pipeline_clear(&p);

	ck_assert_int_eq(store_pipeline_pin(st, a, r1, NULL), 0);
	ck_assert_int_eq(store_pipeline_get(st, "alpha", &p, NULL), 0);
	ck_assert_int_eq(p.pinned_run_id, r1);
	store_pipeline_clear(&p);
	ck_assert_int_eq(store_pipeline_pin(st, a, 0, NULL), 0);
	ck_assert_int_eq(store_pipeline_get(st, "alpha", &p, NULL), 0);
	ck_assert_int_eq(p.pinned_run_id, 0);
	store_pipeline_clear(&p);

	/* paging by name */
	for (int i = 0; i < 5; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%d", i);
		new_pipeline(name);
	}
	struct store_pipeline *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_pipelines_page(st, NULL, 3, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(rows[0].name, "alpha");
	ck_assert_str_eq(rows[1].name, "beta");
	ck_assert_str_eq(rows[2].name, "p0");
	ck_assert_int_eq(rows[1].id, b);
	char *after = strdup(rows[2].name);
	store_pipelines_free(rows, n);
	ck_assert_int_eq(store_pipelines_page(st, after, 10, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(rows[0].name, "p1");
	ck_assert_str_eq(rows[3].name, "p4");
	store_pipelines_free(rows, n);
	free(after);
	store_pipelines_free(NULL, 0);
}
END_TEST

START_TEST(test_runs)
{
	int64_t p = new_pipeline("p");
	int64_t r = new_run(p, "p-1", 5000, "running");
	ck_assert_int_eq(store_run_add_tag(st, r, "nightly", NULL), 0);
	ck_assert_int_eq(store_run_add_tag(st, r, "a-tag", NULL), 0);
	ck_assert_int_eq(store_run_add_tag(st, r, "nightly", NULL), 0); /* again: fine */
	ck_assert_int_eq(store_run_add_param(st, r, "lr", "0.1", NULL), 0);
	ck_assert_int_eq(store_run_add_note(st, r, "first note", 6000, NULL), 0);
	ck_assert_int_eq(store_run_add_note(st, r, "second note", 7000, NULL), 0);
	ck_assert_int_eq(store_run_heartbeat(st, r, 8000, NULL), 0);
	ck_assert_int_eq(store_run_set_state(st, r, "{\"k\":1}", NULL), 0);

	struct store_run run = { 0 };
	ck_assert_int_eq(store_run_get(st, r, &run, NULL), 0);
	ck_assert_str_eq(run.name, "p-1");
	ck_assert_str_eq(run.pipeline, "p");
	ck_assert_str_eq(run.status, "running");
	ck_assert_int_eq(run.started_ms, 5000);
	ck_assert_int_eq(run.ended_ms, 0);
	ck_assert_int_eq(run.heartbeat_ms, 8000);
	ck_assert_str_eq(run.spec_json, "{\"name\":\"p\"}");
	ck_assert_str_eq(run.params_json, "{\"lr\":0.1}");
	ck_assert_str_eq(run.state_json, "{\"k\":1}");
	ck_assert_str_eq(run.note, "second note");
	ck_assert_str_eq(run.runner_token, "tok");
	ck_assert_int_eq(run.runner_pid, 123);
	ck_assert_int_eq(run.ntags, 2);
	ck_assert_str_eq(run.tags[0], "a-tag");
	ck_assert_str_eq(run.tags[1], "nightly");
	store_run_clear(&run);

	int64_t id;
	ck_assert_int_eq(store_run_id_by_name(st, "p-1", &id, NULL), 0);
	ck_assert_int_eq(id, r);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_run_id_by_name(st, "nope", &id, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_int_eq(store_run_get(st, 999, &run, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	ck_assert_int_eq(store_run_finish(st, r, "failed", 9000, NULL), 0);
	ck_assert_int_eq(store_run_get(st, r, &run, NULL), 0);
	ck_assert_str_eq(run.status, "failed");
	ck_assert_int_eq(run.ended_ms, 9000);
	store_run_clear(&run);
	store_run_clear(NULL);
}
END_TEST

START_TEST(test_run_paging)
{
	int64_t p = new_pipeline("p"), q = new_pipeline("q");
	/* 25 runs; several share a start time so the id must break ties */
	int64_t ids[25];
	for (int i = 0; i < 25; i++) {
		char name[16];
		snprintf(name, sizeof name, "run%d", i);
		ids[i] = new_run(i % 5 == 4 ? q : p, name, 1000 * (i / 3), "completed");
	}
	/* newest first: by started desc, id desc */
	int64_t seen[25];
	int nseen = 0;
	struct store_run_cursor cur;
	int have = 0;
	for (;;) {
		struct store_run *rows = NULL;
		int n = 0;
		ck_assert_int_eq(store_runs_page(st, 0, have ? &cur : NULL, 7, &rows, &n, NULL), 0);
		for (int i = 0; i < n; i++)
			seen[nseen++] = rows[i].id;
		if (n) {
			cur.started_ms = rows[n - 1].started_ms;
			cur.id = rows[n - 1].id;
			have = 1;
		}
		store_runs_free(rows, n);
		if (n < 7)
			break;
	}
	ck_assert_int_eq(nseen, 25);
	for (int i = 0; i < 25; i++)
		ck_assert_int_eq(seen[i], ids[24 - i]);

	/* one pipeline only */
	struct store_run *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_runs_page(st, q, NULL, 100, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 5);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(rows[i].pipeline, "q");
	ck_assert_ptr_null(rows[0].spec_json);
	store_runs_free(rows, n);

	int64_t last;
	ck_assert_int_eq(store_run_last(st, 0, &last, NULL), 0);
	ck_assert_int_eq(last, ids[24]);
	ck_assert_int_eq(store_run_last(st, p, &last, NULL), 0);
	ck_assert_int_eq(last, ids[23]);

	/* previous completed before a cursor */
	ck_assert_int_eq(store_run_finish(st, ids[22], "failed", 1, NULL), 0);
	struct store_run_cursor before = { 1000 * (23 / 3), ids[23] };
	int64_t prev;
	ck_assert_int_eq(store_run_previous_completed(st, p, &before, &prev, NULL), 0);
	ck_assert_int_eq(prev, ids[21]);
	struct store_run_cursor first = { 0, ids[0] };
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_run_previous_completed(st, p, &first, &prev, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
}
END_TEST

/* a dead run ends when it was last seen: never before what it recorded
 * (a step's or an attempt's start or end), each step never before it
 * started */
START_TEST(test_interrupted_when_last_seen)
{
	int64_t p = new_pipeline("p");
	int64_t r = new_run(p, "p-1", 1000, "running");
	int64_t b, c, at1;
	ck_assert_int_eq(store_begin(st, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "b", 0, 3, NULL, &b, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "c", 1, 1, NULL, &c, NULL), 0);
	ck_assert_int_eq(store_commit(st, NULL), 0);
	/* b's first attempt failed at 1500; b waits to retry (its retry_delay)
	 * when the runner dies, its last heartbeat at 1200 */
	ck_assert_int_eq(store_step_run_update(st, b, "retrying", 1100, 0, NULL, NULL), 0);
	ck_assert_int_eq(store_attempt_create(st, b, 1, 1100, "/o1", "/e1", NULL, &at1, NULL), 0);
	ck_assert_int_eq(store_attempt_finish(st, at1, "failed", 1500, 2, 0, 0, "exit code 2", NULL),
			 0);
	ck_assert_int_eq(store_run_mark_interrupted(st, r, 1200, NULL), 0);
	struct store_run run = { 0 };
	ck_assert_int_eq(store_run_get(st, r, &run, NULL), 0);
	ck_assert_int_eq(run.ended_ms, 1500);
	store_run_clear(&run);
	struct store_step_run sr = { 0 };
	ck_assert_int_eq(store_step_run_get_by_id(st, b, &sr, NULL), 0);
	ck_assert_str_eq(sr.status, "interrupted");
	ck_assert_int_eq(sr.ended_ms, 1500);
	store_step_run_clear(&sr);
	ck_assert_int_eq(store_step_run_get_by_id(st, c, &sr, NULL), 0);
	ck_assert_int_eq(sr.ended_ms, 1500); /* pending: the run's end */
	store_step_run_clear(&sr);
}
END_TEST

START_TEST(test_steps_attempts_interrupt)
{
	int64_t p = new_pipeline("p");
	int64_t r = new_run(p, "p-1", 1000, "running");
	int64_t a, b, c;
	ck_assert_int_eq(store_begin(st, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "b", 1, 3, "{\"cache\":true}", &b, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "a", 0, 1, NULL, &a, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "c", 2, 1, NULL, &c, NULL), 0);
	ck_assert_int_eq(store_commit(st, NULL), 0);
	ck_assert_int_eq(store_step_run_update(st, a, "completed", 1100, 1200, NULL, NULL), 0);
	ck_assert_int_eq(store_step_run_update(st, b, "running", 1300, 0, NULL, NULL), 0);
	int64_t at1, at2;
	ck_assert_int_eq(store_attempt_create(st, b, 1, 1300, "/o1", "/e1", "{\"x\":1}", &at1, NULL), 0);
	ck_assert_int_eq(store_attempt_finish(st, at1, "failed", 1400, 2, 0, 0, "exit code 2", NULL), 0);
	ck_assert_int_eq(store_attempt_create(st, b, 2, 1500, "/o2", "/e2", NULL, &at2, NULL), 0);
	ck_assert_int_eq(store_step_run_set_cache(st, a, "key1", "{\"cmd\":\"x\"}", 0, NULL), 0);

	struct store_step_run *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_step_runs_of_run(st, r, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(rows[0].name, "a");
	ck_assert_str_eq(rows[0].status, "completed");
	ck_assert_str_eq(rows[0].cache_key, "key1");
	ck_assert_int_eq(rows[0].ended_ms, 1200);
	ck_assert_str_eq(rows[1].name, "b");
	ck_assert_int_eq(rows[1].attempts, 2);
	ck_assert_int_eq(rows[1].max_attempts, 3);
	ck_assert_str_eq(rows[1].config_json, "{\"cache\":true}");
	store_step_runs_free(rows, n);

	struct store_attempt *atts = NULL;
	ck_assert_int_eq(store_attempts_of(st, b, &atts, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(atts[0].status, "failed");
	ck_assert_int_eq(atts[0].exit_code, 2);
	ck_assert_str_eq(atts[0].error, "exit code 2");
	ck_assert_str_eq(atts[0].context_json, "{\"x\":1}");
	ck_assert_str_eq(atts[1].status, "running");
	ck_assert_int_eq(atts[1].exit_code, -1);
	store_attempts_free(atts, n);

	/* interrupted: the run, unfinished steps and the running attempt */
	ck_assert_int_eq(store_run_mark_interrupted(st, r, 2000, NULL), 0);
	struct store_step_run sr = { 0 };
	ck_assert_int_eq(store_step_run_get(st, r, "b", &sr, NULL), 0);
	ck_assert_str_eq(sr.status, "interrupted");
	store_step_run_clear(&sr);
	ck_assert_int_eq(store_step_run_get_by_id(st, c, &sr, NULL), 0);
	ck_assert_str_eq(sr.status, "interrupted");
	store_step_run_clear(&sr);
	ck_assert_int_eq(store_step_run_get(st, r, "a", &sr, NULL), 0);
	ck_assert_str_eq(sr.status, "completed");
	store_step_run_clear(&sr);
	ck_assert_int_eq(store_attempts_of(st, b, &atts, &n, NULL), 0);
	ck_assert_str_eq(atts[1].status, "interrupted");
	ck_assert_int_eq(atts[1].ended_ms, 2000);
	store_attempts_free(atts, n);
	struct store_run run = { 0 };
	ck_assert_int_eq(store_run_get(st, r, &run, NULL), 0);
	ck_assert_str_eq(run.status, "interrupted");
	store_run_clear(&run);
	struct store_pipeline pl = { 0 };
	ck_assert_int_eq(store_pipeline_get(st, "p", &pl, NULL), 0);
	ck_assert_int_eq(pl.failed_count, 1);
	store_pipeline_clear(&pl);
	/* idempotent; no longer listed as running */
	ck_assert_int_eq(store_run_mark_interrupted(st, r, 3000, NULL), 0);
	struct store_run *running = NULL;
	ck_assert_int_eq(store_runs_running(st, &running, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	store_runs_free(running, n);

	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_step_run_get(st, r, "zz", &sr, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	/* a rolled-back transaction leaves nothing */
	ck_assert_int_eq(store_begin(st, NULL), 0);
	int64_t d;
	ck_assert_int_eq(store_step_run_create(st, r, "d", 3, 1, NULL, &d, NULL), 0);
	store_rollback(st);
	ck_assert_int_eq(store_step_run_get(st, r, "d", &sr, NULL), -1);
	store_rollback(st); /* nothing open: fine */
}
END_TEST

START_TEST(test_artifacts_lineage)
{
	int64_t p = new_pipeline("p");
	int64_t r = new_run(p, "p-1", 1000, "running");
	int64_t prod, cons;
	ck_assert_int_eq(store_step_run_create(st, r, "prod", 0, 1, NULL, &prod, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "cons", 1, 1, NULL, &cons, NULL), 0);
	struct store_artifact_new an = { "aa11", "file", 12, "/store/aa/aa11/d.csv", 1 };
	int64_t art, ext;
	ck_assert_int_eq(store_artifact_add(st, &an, &art, NULL), 0);
	ck_assert_int_eq(store_step_output_add(st, prod, "data", art, NULL), 0);
	struct store_artifact_new en = { "bb22", "dir", 40, "/ext/labels", 1 };
	ck_assert_int_eq(store_artifact_add(st, &en, &ext, NULL), 0);
	ck_assert_int_eq(store_step_input_add(st, cons, "data", art, "step.output", NULL), 0);
	ck_assert_int_eq(store_step_input_add(st, cons, "labels", ext, "path:labels", NULL), 0);

	struct store_artifact_ref *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_outputs_of(st, prod, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rows[0].name, "data");
	ck_assert_str_eq(rows[0].sha256, "aa11");
	ck_assert_int_eq(rows[0].size, 12);
	ck_assert_str_eq(rows[0].path, "/store/aa/aa11/d.csv");
	store_artifact_refs_free(rows, n);
	ck_assert_int_eq(store_inputs_of(st, cons, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(rows[0].name, "data");
	ck_assert_str_eq(rows[0].source, "step.output");
	ck_assert_str_eq(rows[0].producer_step, "prod");
	ck_assert_str_eq(rows[0].producer_output, "data");
	ck_assert_int_eq(rows[0].producer_run_id, r);
	ck_assert_int_eq(rows[0].producer_step_run_id, prod);
	ck_assert_str_eq(rows[1].name, "labels");
	ck_assert_str_eq(rows[1].type, "dir");
	ck_assert_ptr_null(rows[1].producer_step);
	ck_assert_int_eq(rows[1].producer_run_id, 0);
	store_artifact_refs_free(rows, n);
	store_artifact_refs_free(NULL, 0);
}
END_TEST

START_TEST(test_metadata_metrics)
{
	int64_t p = new_pipeline("p");
	int64_t r = new_run(p, "p-1", 1000, "running");
	int64_t s1, s2;
	ck_assert_int_eq(store_step_run_create(st, r, "train", 0, 1, NULL, &s1, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "eval", 1, 1, NULL, &s2, NULL), 0);
	ck_assert_int_eq(store_metadata_set(st, s1, NULL, "rows", "100", NULL), 0);
	ck_assert_int_eq(store_metadata_set(st, s1, NULL, "rows", "200", NULL), 0);
	ck_assert_int_eq(store_metadata_set(st, s1, "model", "format", "\"onnx\"", NULL), 0);
	struct store_meta *m = NULL;
	int n = 0;
	ck_assert_int_eq(store_metadata_of(st, s1, &m, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_ptr_null(m[0].output);
	ck_assert_str_eq(m[0].key, "rows");
	ck_assert_str_eq(m[0].value_json, "200");
	ck_assert_str_eq(m[1].output, "model");
	ck_assert_str_eq(m[1].value_json, "\"onnx\"");
	store_metas_free(m, n);

	/* a series recorded out of order: last = highest index */
	ck_assert_int_eq(store_metric_add(st, s1, "loss", 1, 2, 0.5, 10, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, s1, "loss", 1, 1, 0.9, 11, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, s1, "loss", 1, 3, 0.4, 12, NULL), 0);
	/* plain values: last = latest */
	ck_assert_int_eq(store_metric_add(st, s2, "accuracy", 0, 0, 0.7, 13, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, s2, "accuracy", 0, 0, 0.8, 14, NULL), 0);
	struct store_metric *ms = NULL;
	ck_assert_int_eq(store_run_metrics(st, r, &ms, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(ms[0].step, "train");
	ck_assert_str_eq(ms[0].key, "loss");
	ck_assert(ms[0].value == 0.4);
	ck_assert(ms[0].min == 0.4);
	ck_assert(ms[0].max == 0.9);
	ck_assert_int_eq(ms[0].count, 3);
	ck_assert_int_eq(ms[0].is_series, 1);
	ck_assert_str_eq(ms[1].step, "eval");
	ck_assert(ms[1].value == 0.8);
	ck_assert_int_eq(ms[1].is_series, 0);
	store_metrics_free(ms, n);
	ck_assert_int_eq(store_step_metrics(st, s1, &ms, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	store_metrics_free(ms, n);

	struct store_metric_point *pts = NULL;
	ck_assert_int_eq(store_metric_series(st, s1, "loss", INT64_MIN, 10, &pts, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(pts[0].index, 1);
	ck_assert(pts[0].value == 0.9);
	ck_assert_int_eq(pts[2].index, 3);
	free(pts);
	ck_assert_int_eq(store_metric_series(st, s1, "loss", 1, 1, &pts, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(pts[0].index, 2);
	free(pts);
	ck_assert_int_eq(store_metric_series(st, s2, "accuracy", INT64_MIN, 10, &pts, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(pts[0].index, 1);
	ck_assert_int_eq(pts[1].index, 2);
	ck_assert(pts[1].value == 0.8);
	free(pts);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_metric_add(st, 9999, "x", 0, 0, 1, 1, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	store_metrics_free(NULL, 0);
	store_metas_free(NULL, 0);
}
END_TEST

START_TEST(test_stacks_models)
{
	ck_assert_int_eq(store_stack_put(st, "gpu", "/mnt/art", NULL, NULL, NULL), 0);
	ck_assert_int_eq(store_stack_put(st, "cpu", "/a", "local", "{\"x\":1}", NULL), 0);
	ck_assert_int_eq(store_stack_put(st, "gpu", "/mnt/art2", "local", NULL, NULL), 0);
	struct store_stack k = { 0 };
	ck_assert_int_eq(store_stack_get(st, "gpu", &k, NULL), 0);
	ck_assert_str_eq(k.artifact_store, "/mnt/art2");
	ck_assert_str_eq(k.orchestrator, "local");
	store_stack_clear(&k);
	struct store_stack *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_stacks_page(st, NULL, 10, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(rows[0].name, "cpu");
	ck_assert_str_eq(rows[0].components_json, "{\"x\":1}");
	store_stacks_free(rows, n);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_stack_get(st, "tpu", &k, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);

	int64_t p = new_pipeline("p");
	int64_t r = new_run(p, "p-1", 1, "running");
	char *v = NULL;
	for (int i = 1; i <= 3; i++) {
		ck_assert_int_eq(store_model_version_add(st, "churn", NULL, r, &v, NULL), 0);
		char want[8];
		snprintf(want, sizeof want, "%d", i);
		ck_assert_str_eq(v, want);
		free(v);
	}
	ck_assert_int_eq(store_model_version_add(st, "churn", "v-special", r, &v, NULL), 0);
	ck_assert_str_eq(v, "v-special");
	free(v);
	ck_assert_int_eq(store_model_version_add(st, "churn", NULL, r, &v, NULL), 0);
	ck_assert_str_eq(v, "4");
	free(v);
	ck_assert_int_eq(store_model_version_add(st, "other", NULL, r, &v, NULL), 0);
	ck_assert_str_eq(v, "1");
	free(v);
}
END_TEST

/* A copy of tests/fixtures/NAME/runlens.db in a new folder, opened (and so
 * migrated); *DIR_OUT is that folder. */
static struct store *open_fixture(const char *name, char **dir_out)
{
	const char *src = getenv("TESTS_SRCDIR");
	char rel[64];
	snprintf(rel, sizeof rel, "fixtures/%s/runlens.db", name);
	char *fixture = src ? fs_join(src, rel) : NULL;
	if (!src) {
		char top[80];
		snprintf(top, sizeof top, "tests/%s", rel);
		fixture = strdup(top);
	}
	char *data = NULL;
	size_t len = 0;
	ck_assert_msg(fs_read_file(fixture, &data, &len, NULL) == 0, "no fixture %s", fixture);
	char *d2 = strdup("/tmp/rl-fixture-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d2));
	char *db = fs_join(d2, STORE_DB_NAME);
	ck_assert_int_eq(fs_write_file(db, data, len, 0644, NULL), 0);
	struct store *old = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_open(d2, 0, &old, &err) == 0, "%s", rl_err_msg(&err));
	ck_assert_int_eq(store_schema_version(old), STORE_SCHEMA_VERSION);
	free(db);
	free(data);
	free(fixture);
	*dir_out = d2;
	return old;
}

static void close_fixture(struct store *old, char *d2)
{
	int ok = 0;
	ck_assert_int_eq(store_integrity_check(old, &ok, NULL), 0);
	ck_assert_int_eq(ok, 1);
	store_close(&old);
	fs_remove_tree(d2, NULL);
	free(d2);
}

START_TEST(test_migrate_v1_fixture)
{
	/* a store written by runlens with schema 1 (tests/fixtures/store-v1) */
	char *d2 = NULL;
	struct store *old = open_fixture("store-v1", &d2);
	int64_t id;
	ck_assert_int_eq(store_run_id_by_name(old, "v1-run", &id, NULL), 0);
	struct store_step_run *steps = NULL;
	int n = 0;
	ck_assert_int_eq(store_step_runs_of_run(old, id, &steps, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(steps[0].status, "completed");
	/* the new column works on old rows */
	ck_assert_int_eq(store_step_run_set_cache(old, steps[0].id, "k", "{}", 0, NULL), 0);
	char *parts = NULL;
	ck_assert_int_eq(store_cache_parts(old, steps[0].id, &parts, NULL), 0);
	ck_assert_str_eq(parts, "{}");
	free(parts);
	store_step_runs_free(steps, n);
	close_fixture(old, d2);
}
END_TEST

/* The tags of run R joined by spaces (a static buffer). */
static const char *tags_of(const struct store_run *r)
{
	static char buf[256];
	buf[0] = 0;
	for (int i = 0; i < r->ntags; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "",
			 r->tags[i]);
	return buf;
}

/* The first column of the first row of SQL on the store in DIR. */
static int64_t count_rows(const char *d, const char *sql)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *q = NULL;
	char *db = fs_join(d, STORE_DB_NAME);
	ck_assert_int_eq(sqlite3_open_v2(db, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(raw, sql, -1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(raw);
	free(db);
	return v;
}

START_TEST(test_specs_shared)
{
	/* a pipeline file is kept once however many runs use it, and goes
	 * with the last of them */
	int64_t p = new_pipeline("p"), ids[3];
	const char *texts[3] = { "{\"name\":\"p\"}", "{\"name\":\"p\"}", "{\"name\":\"p\",\"v\":2}" };
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof name, "s%d", i);
		struct store_run_new r = { .pipeline_id = p, .name = name, .status = "completed",
					   .started_ms = 1000 + i, .spec_json = texts[i] };
		ck_assert_int_eq(store_run_create(st, &r, &ids[i], NULL), 0);
	}
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM specs"), 2);
	for (int i = 0; i < 3; i++) {
		struct store_run r = { 0 };
		ck_assert_int_eq(store_run_get(st, ids[i], &r, NULL), 0);
		ck_assert_str_eq(r.spec_json, texts[i]);
		store_run_clear(&r);
	}
	ck_assert_int_eq(store_run_delete(st, ids[0], NULL), 0);
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM specs"), 2);
	ck_assert_int_eq(store_run_delete(st, ids[1], NULL), 0);
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM specs"), 1);
	struct store_run r = { 0 };
	ck_assert_int_eq(store_run_get(st, ids[2], &r, NULL), 0);
	ck_assert_str_eq(r.spec_json, texts[2]);
	store_run_clear(&r);
}
END_TEST

START_TEST(test_migrate_v2_fixture)
{
	/* schema 2 (tests/fixtures/store-v2): run v2-run tagged alpha, zeta, m:1,
	 * x2 with two notes, v2-other with one note and no tags.  Schema 3
	 * keeps tags and the newest note in the run row: filled by the
	 * migration, kept right by triggers afterwards. */
	char *d2 = NULL;
	struct store *old = open_fixture("store-v2", &d2);
	int64_t a, b;
	ck_assert_int_eq(store_run_id_by_name(old, "v2-run", &a, NULL), 0);
	ck_assert_int_eq(store_run_id_by_name(old, "v2-other", &b, NULL), 0);
	struct store_run r = { 0 };
	ck_assert_int_eq(store_run_get(old, a, &r, NULL), 0);
	ck_assert_str_eq(tags_of(&r), "alpha m:1 x2 zeta");
	ck_assert_str_eq(r.note, "newest note");
	store_run_clear(&r);
	ck_assert_int_eq(store_run_get(old, b, &r, NULL), 0);
	ck_assert_int_eq(r.ntags, 0);
	ck_assert_str_eq(r.note, "only note");
	/* old rows keep their pipeline file in the row; a new run of the same
	 * file puts it in specs, once */
	ck_assert_ptr_nonnull(r.spec_json);
	ck_assert_ptr_nonnull(strstr(r.spec_json, "\"v2pipe\""));
	ck_assert_int_eq(count_rows(d2, "SELECT count(*) FROM specs"), 0);
	struct store_run_new nr = { .pipeline_id = r.pipeline_id, .name = "v3-run",
				    .status = "completed", .started_ms = 1,
				    .spec_json = r.spec_json };
	int64_t c;
	ck_assert_int_eq(store_run_create(old, &nr, &c, NULL), 0);
	nr.name = "v3-again";
	ck_assert_int_eq(store_run_create(old, &nr, &c, NULL), 0);
	store_run_clear(&r);
	ck_assert_int_eq(count_rows(d2, "SELECT count(*) FROM specs"), 1);
	ck_assert_int_eq(store_run_get(old, c, &r, NULL), 0);
	ck_assert_ptr_nonnull(strstr(r.spec_json, "\"v2pipe\""));
	store_run_clear(&r);
	/* written after the migration: the triggers */
	ck_assert_int_eq(store_run_add_tag(old, b, "beta", NULL), 0);
	ck_assert_int_eq(store_run_add_tag(old, a, "beta", NULL), 0);
	ck_assert_int_eq(store_run_add_note(old, b, "later note", 5, NULL), 0);
	struct store_run *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_runs_page(old, 0, NULL, 10, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 4);
	for (int i = 0; i < n; i++) {
		if (rows[i].id != a && rows[i].id != b)
			continue;
		if (rows[i].id == a) {
			ck_assert_str_eq(tags_of(&rows[i]), "alpha beta m:1 x2 zeta");
			ck_assert_str_eq(rows[i].note, "newest note");
		} else {
			ck_assert_str_eq(tags_of(&rows[i]), "beta");
			ck_assert_str_eq(rows[i].note, "later note");
		}
	}
	store_runs_free(rows, n);
	close_fixture(old, d2);
}
END_TEST

START_TEST(test_tags_and_note_in_row)
{
	/* tags of any bytes (the store does not judge them) come back whole and
	 * sorted; the note is the newest, whatever happens to the notes table */
	int64_t p = new_pipeline("p"), r1 = new_run(p, "r1", 1000, "running");
	const char *tags[] = { "b", "12:ab", "\xc3\xa9t\xc3\xa9", "a", "3:", "x y,z", "b" };
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		ck_assert_int_eq(store_run_add_tag(st, r1, tags[i], NULL), 0);
	struct store_run r = { 0 };
	ck_assert_int_eq(store_run_get(st, r1, &r, NULL), 0);
	ck_assert_int_eq(r.ntags, 6);
	ck_assert_str_eq(tags_of(&r), "12:ab 3: a b x y,z \xc3\xa9t\xc3\xa9");
	ck_assert_ptr_null(r.note);
	store_run_clear(&r);
	ck_assert_int_eq(store_run_add_note(st, r1, "one", 1, NULL), 0);
	ck_assert_int_eq(store_run_add_note(st, r1, "two", 2, NULL), 0);
	ck_assert_int_eq(store_run_get(st, r1, &r, NULL), 0);
	ck_assert_str_eq(r.note, "two");
	store_run_clear(&r);
	/* rows removed or changed by hand (sqlite3) keep the row right too */
	sqlite3 *raw = NULL;
	char *db = fs_join(dir, STORE_DB_NAME);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw,
				      "DELETE FROM notes WHERE text = 'two';"
				      "DELETE FROM run_tags WHERE tag = 'b';"
				      "UPDATE run_tags SET tag = 'c' WHERE tag = 'a';",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	free(db);
	ck_assert_int_eq(store_run_get(st, r1, &r, NULL), 0);
	ck_assert_str_eq(r.note, "one");
	ck_assert_str_eq(tags_of(&r), "12:ab 3: c x y,z \xc3\xa9t\xc3\xa9");
	store_run_clear(&r);
}
END_TEST

START_TEST(test_cache_delete_gc)
{
	int64_t p = new_pipeline("p"), q = new_pipeline("q");
	int64_t r1 = new_run(p, "r1", 1000, "running");
	int64_t r2 = new_run(p, "r2", 2000, "running");
	int64_t rq = new_run(q, "rq", 3000, "running");
	int64_t s1, s2, sq;
	ck_assert_int_eq(store_step_run_create(st, r1, "train", 0, 1, NULL, &s1, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r2, "train", 0, 1, NULL, &s2, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, rq, "train", 0, 1, NULL, &sq, NULL), 0);
	ck_assert_int_eq(store_step_run_update(st, s1, "completed", 1, 2, NULL, NULL), 0);
	ck_assert_int_eq(store_step_run_update(st, sq, "completed", 1, 2, NULL, NULL), 0);
	ck_assert_int_eq(store_step_run_set_cache(st, s1, "K", "{\"cmd\":\"a\"}", 0, NULL), 0);
	ck_assert_int_eq(store_step_run_set_cache(st, sq, "K", "{\"cmd\":\"a\"}", 0, NULL), 0);
	int64_t ids[4];
	int n = 0;
	ck_assert_int_eq(store_cache_candidates(st, p, "train", "K", ids, 4, &n, NULL), 0);
	ck_assert_int_eq(n, 1); /* not q's, not a failed or other-key one */
	ck_assert_int_eq(ids[0], s1);
	ck_assert_int_eq(store_cache_candidates(st, p, "train", "other", ids, 4, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	int64_t prev;
	char *parts = NULL;
	ck_assert_int_eq(store_cache_previous(st, p, "train", s2, &prev, &parts, NULL), 0);
	ck_assert_int_eq(prev, s1);
	ck_assert_str_eq(parts, "{\"cmd\":\"a\"}");
	free(parts);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_cache_previous(st, p, "train", s1, &prev, &parts, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);

	/* the results of s1 given to s2 */
	struct store_artifact_new an = { "ab", "file", 7, "/art/ab/x", 1 };
	int64_t art;
	ck_assert_int_eq(store_artifact_add(st, &an, &art, NULL), 0);
	ck_assert_int_eq(store_step_output_add(st, s1, "model", art, NULL), 0);
	ck_assert_int_eq(store_metadata_set(st, s1, "model", "fmt", "\"onnx\"", NULL), 0);
	ck_assert_int_eq(store_metric_add(st, s1, "loss", 1, 1, 0.5, 1, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, s1, "loss", 1, 2, 0.25, 1, NULL), 0);
	ck_assert_int_eq(store_step_run_copy_results(st, s2, s1, NULL), 0);
	struct store_artifact_ref *outs = NULL;
	ck_assert_int_eq(store_outputs_of(st, s2, &outs, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(outs[0].artifact_id, art);
	store_artifact_refs_free(outs, n);
	struct store_metric *ms = NULL;
	ck_assert_int_eq(store_run_metrics(st, r2, &ms, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert(ms[0].value == 0.25);
	ck_assert_int_eq(ms[0].count, 2);
	store_metrics_free(ms, n);
	struct store_meta *md = NULL;
	ck_assert_int_eq(store_metadata_of(st, s2, &md, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	store_metas_free(md, n);

	/* deleting r1 keeps the artifact while r2 uses it */
	ck_assert_int_eq(store_run_finish(st, r1, "completed", 5, NULL), 0);
	ck_assert_int_eq(store_pipeline_pin(st, p, r1, NULL), 0);
	ck_assert_int_eq(store_run_delete(st, r1, NULL), 0);
	struct store_pipeline pl = { 0 };
	ck_assert_int_eq(store_pipeline_get(st, "p", &pl, NULL), 0);
	ck_assert_int_eq(pl.run_count, 1);
	ck_assert_int_eq(pl.completed_count, 0);
	ck_assert_int_eq(pl.pinned_run_id, 0);
	ck_assert_int_eq(pl.last_run_id, r2);
	store_pipeline_clear(&pl);
	char **paths = NULL;
	int64_t bytes = 0;
	int64_t dropped = 0;
	ck_assert_int_eq(store_gc_artifacts(st, &dropped, &paths, &n, &bytes, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(dropped, 0);
	free(paths);
	/* deleting r2 too frees it */
	ck_assert_int_eq(store_run_delete(st, r2, NULL), 0);
	ck_assert_int_eq(store_gc_artifacts(st, &dropped, &paths, &n, &bytes, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(dropped, 1);
	ck_assert_str_eq(paths[0], "/art/ab/x");
	ck_assert_int_eq(bytes, 7);
	free(paths[0]);
	free(paths);
	ck_assert_int_eq(store_run_delete(st, r2, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
}
END_TEST

START_TEST(test_gc_keeps_a_file_named_twice)
{
	/* one stored file under two names (an absolute path from before
	 * schema 12 that named the store through a symlink, and the relative
	 * one since): gc drops the dead row, not the file a live row holds */
	int64_t p = new_pipeline("p");
	int64_t r1 = new_run(p, "p-1", 1000, "completed"), r2 = new_run(p, "p-2", 2000, "completed");
	int64_t s1, s2, a1, a2;
	ck_assert_int_eq(store_step_run_create(st, r1, "s", 0, 1, NULL, &s1, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r2, "s", 0, 1, NULL, &s2, NULL), 0);
	char *live = fs_join(dir, "artifacts/ab/abcd/o.txt");
	struct store_artifact_new old = { "abcd", "file", 3, "/link/proj/.runlens/artifacts/ab/abcd/o.txt", 1 },
				  now = { "abcd", "file", 3, live, 2 };
	ck_assert_int_eq(store_artifact_add(st, &old, &a1, NULL), 0);
	ck_assert_int_eq(store_artifact_add(st, &now, &a2, NULL), 0);
	ck_assert_int_eq(store_step_output_add(st, s1, "o", a1, NULL), 0);
	ck_assert_int_eq(store_step_output_add(st, s2, "o", a2, NULL), 0);
	ck_assert_int_eq(store_run_delete(st, r1, NULL), 0);
	char **paths = NULL;
	int n = 0;
	int64_t bytes = 0, dropped = 0;
	ck_assert_int_eq(store_gc_artifacts(st, &dropped, &paths, &n, &bytes, NULL), 0);
	ck_assert_int_eq(dropped, 1);
	ck_assert_int_eq(n, 0);
	free(paths);
	free(live);
}
END_TEST

START_TEST(test_null_and_empty)
{
	/* every clear/free accepts NULL and zero rows */
	store_pipeline_clear(NULL);
	store_pipelines_free(NULL, 0);
	store_run_clear(NULL);
	store_runs_free(NULL, 0);
	store_step_run_clear(NULL);
	store_step_runs_free(NULL, 0);
	store_attempt_clear(NULL);
	store_attempts_free(NULL, 0);
	store_artifact_refs_free(NULL, 0);
	store_metas_free(NULL, 0);
	store_metrics_free(NULL, 0);
	store_stack_clear(NULL);
	store_stacks_free(NULL, 0);
	store_close(NULL);
	struct store *none = NULL;
	store_close(&none);
	store_rollback(NULL);
	ck_assert_ptr_null(store_dir(NULL));
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_open(NULL, STORE_CREATE, &none, &err), -1);
	ck_assert_int_eq(err.code, RL_E_USAGE);
	rl_err_clear(&err);

	/* empty lists: no rows, NULL arrays */
	int n = -1;
	struct store_pipeline *pl = (void *)1;
	ck_assert_int_eq(store_pipelines_page(st, NULL, 10, &pl, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(pl);
	struct store_run *runs = (void *)1;
	ck_assert_int_eq(store_runs_page(st, 0, NULL, 10, &runs, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(runs);
	ck_assert_int_eq(store_runs_running(st, &runs, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	struct store_stack *stacks = (void *)1;
	ck_assert_int_eq(store_stacks_page(st, NULL, 10, &stacks, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(stacks);
	struct store_step_run *steps = (void *)1;
	ck_assert_int_eq(store_step_runs_of_run(st, 42, &steps, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(steps);
	struct store_attempt *atts = (void *)1;
	ck_assert_int_eq(store_attempts_of(st, 42, &atts, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(atts);
	struct store_artifact_ref *refs = (void *)1;
	ck_assert_int_eq(store_outputs_of(st, 42, &refs, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_inputs_of(st, 42, &refs, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(refs);
	struct store_meta *meta = (void *)1;
	ck_assert_int_eq(store_metadata_of(st, 42, &meta, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(meta);
	struct store_metric *ms = (void *)1;
	ck_assert_int_eq(store_run_metrics(st, 42, &ms, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(ms);
	struct store_metric_point *pts = (void *)1;
	ck_assert_int_eq(store_metric_series(st, 42, "x", INT64_MIN, 10, &pts, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(pts);
	int64_t id;
	ck_assert_int_eq(store_run_last(st, 0, &id, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_int_eq(store_run_id_by_name(st, NULL, &id, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_int_eq(store_run_finish(st, 42, "completed", 1, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_int_eq(store_run_mark_interrupted(st, 42, 1, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	ck_assert_int_eq(store_pipeline_pin(st, 42, 0, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
}
END_TEST

/* Multi-statement writes are one unit, inside a caller's transaction or
 * on their own. */
START_TEST(test_write_units)
{
	int64_t p = new_pipeline("p");
	int64_t r1 = new_run(p, "r1", 1000, "running");

	/* a failing create (duplicate name) changes nothing, and leaves the
	 * caller's transaction usable */
	ck_assert_int_eq(store_begin(st, NULL), 0);
	struct store_run_new dup = { .pipeline_id = p, .name = "r1", .started_ms = 5 };
	int64_t id = 0;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_run_create(st, &dup, &id, &err), -1);
	ck_assert_int_eq(err.code, RL_E_DB);
	rl_err_clear(&err);
	int64_t r2 = new_run(p, "r2", 2000, "running");
	ck_assert_int_eq(store_run_finish(st, r2, "completed", 2500, NULL), 0);
	ck_assert_int_eq(store_commit(st, NULL), 0);
	struct store_pipeline pl = { 0 };
	ck_assert_int_eq(store_pipeline_get(st, "p", &pl, NULL), 0);
	ck_assert_int_eq(pl.run_count, 2);
	ck_assert_int_eq(pl.completed_count, 1);
	ck_assert_int_eq(pl.last_run_id, r2);
	store_pipeline_clear(&pl);

	/* rolling the caller's transaction back undoes the counters too */
	ck_assert_int_eq(store_begin(st, NULL), 0);
	new_run(p, "r3", 3000, "running");
	ck_assert_int_eq(store_run_mark_interrupted(st, r1, 3500, NULL), 0);
	char *v = NULL;
	ck_assert_int_eq(store_model_version_add(st, "m", NULL, r1, &v, NULL), 0);
	ck_assert_str_eq(v, "1");
	free(v);
	store_rollback(st);
	ck_assert_int_eq(store_pipeline_get(st, "p", &pl, NULL), 0);
	ck_assert_int_eq(pl.run_count, 2);
	ck_assert_int_eq(pl.failed_count, 0);
	ck_assert_int_eq(pl.last_run_id, r2);
	store_pipeline_clear(&pl);
	ck_assert_int_eq(store_run_id_by_name(st, "r3", &id, NULL), -1);
	ck_assert_int_eq(store_model_version_add(st, "m", NULL, r1, &v, NULL), 0);
	ck_assert_str_eq(v, "1");
	free(v);

	/* two processes reaping the same dead run count it once */
	struct store *other = NULL;
	ck_assert_int_eq(store_open(dir, 0, &other, NULL), 0);
	ck_assert_int_eq(store_run_mark_interrupted(other, r1, 4000, NULL), 0);
	ck_assert_int_eq(store_run_mark_interrupted(st, r1, 4100, NULL), 0);
	store_close(&other);
	ck_assert_int_eq(store_pipeline_get(st, "p", &pl, NULL), 0);
	ck_assert_int_eq(pl.failed_count, 1);
	ck_assert_int_eq(pl.completed_count, 1);
	store_pipeline_clear(&pl);
	struct store_run run = { 0 };
	ck_assert_int_eq(store_run_get(st, r1, &run, NULL), 0);
	ck_assert_str_eq(run.status, "interrupted");
	ck_assert_int_eq(run.ended_ms, 4000);
	store_run_clear(&run);
}
END_TEST

START_TEST(test_lineage_producer)
{
	/* an artifact reused by a cached step: its producer is the step run
	 * that made it first; an input without a recorded artifact has none */
	int64_t p = new_pipeline("p");
	int64_t r1 = new_run(p, "r1", 1000, "completed");
	int64_t r2 = new_run(p, "r2", 2000, "running");
	int64_t make1, make2, use2;
	ck_assert_int_eq(store_step_run_create(st, r1, "make", 0, 1, NULL, &make1, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r2, "make", 0, 1, NULL, &make2, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r2, "use", 1, 1, NULL, &use2, NULL), 0);
	struct store_artifact_new an = { "cc33", "file", 3, "/art/cc33", 1 };
	int64_t art;
	ck_assert_int_eq(store_artifact_add(st, &an, &art, NULL), 0);
	ck_assert_int_eq(store_step_output_add(st, make1, "out", art, NULL), 0);
	ck_assert_int_eq(store_step_run_copy_results(st, make2, make1, NULL), 0);
	ck_assert_int_eq(store_step_input_add(st, use2, "in", art, "make.out", NULL), 0);
	ck_assert_int_eq(store_step_input_add(st, use2, "raw", 0, "path:/x", NULL), 0);
	struct store_artifact_ref *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_inputs_of(st, use2, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(rows[0].name, "in");
	ck_assert_int_eq(rows[0].artifact_id, art);
	ck_assert_str_eq(rows[0].sha256, "cc33");
	ck_assert_int_eq(rows[0].producer_step_run_id, make1);
	ck_assert_int_eq(rows[0].producer_run_id, r1);
	ck_assert_str_eq(rows[0].producer_step, "make");
	ck_assert_str_eq(rows[0].producer_output, "out");
	ck_assert_str_eq(rows[1].name, "raw");
	ck_assert_int_eq(rows[1].artifact_id, 0);
	ck_assert_ptr_null(rows[1].sha256);
	ck_assert_ptr_null(rows[1].path);
	ck_assert_str_eq(rows[1].source, "path:/x");
	ck_assert_int_eq(rows[1].producer_step_run_id, 0);
	ck_assert_ptr_null(rows[1].producer_output);
	store_artifact_refs_free(rows, n);
	ck_assert_int_eq(store_outputs_of(st, make2, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(rows[0].producer_step_run_id, make2);
	ck_assert_ptr_null(rows[0].source);
	store_artifact_refs_free(rows, n);
}
END_TEST

START_TEST(test_data_version_readonly)
{
	int64_t v1 = 0, v2 = 0;
	ck_assert_int_eq(store_data_version(st, &v1, NULL), 0);
	struct store *other = NULL;
	ck_assert_int_eq(store_open(dir, 0, &other, NULL), 0);
	int64_t id = 0;
	ck_assert_int_eq(store_pipeline_ensure(other, "from-elsewhere", NULL, &id, NULL), 0);
	store_close(&other);
	ck_assert_int_eq(store_data_version(st, &v2, NULL), 0);
	ck_assert(v2 != v1);

	/* a read-only store reads but refuses writes */
	struct store *ro = NULL;
	ck_assert_int_eq(store_open(dir, STORE_READONLY, &ro, NULL), 0);
	struct store_pipeline p = { 0 };
	ck_assert_int_eq(store_pipeline_get(ro, "from-elsewhere", &p, NULL), 0);
	ck_assert_int_eq(p.id, id);
	store_pipeline_clear(&p);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_pipeline_ensure(ro, "nope", NULL, &id, &err), -1);
	ck_assert_int_ne(err.code, RL_E_OK);
	rl_err_clear(&err);
	store_close(&ro);
}
END_TEST

START_TEST(test_model_versions_concurrent)
{
	/* two processes numbering the same model never pick the same number */
	int64_t p = new_pipeline("p");
	int64_t r = new_run(p, "r", 1, "running");
	enum { EACH = 40 };
	/* no open connection may cross a fork */
	store_close(&st);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct store *mine = NULL;
		int bad = store_open(dir, 0, &mine, NULL) < 0;
		for (int i = 0; !bad && i < EACH; i++) {
			char *v = NULL;
			bad = store_model_version_add(mine, "m", NULL, r, &v, NULL) < 0;
			free(v);
		}
		store_close(&mine);
		_exit(bad);
	}
	int failed = store_open(dir, 0, &st, NULL) < 0;
	for (int i = 0; !failed && i < EACH; i++) {
		char *v = NULL;
		failed += store_model_version_add(st, "m", NULL, r, &v, NULL) < 0;
		free(v);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(failed, 0);
	char *v = NULL;
	ck_assert_int_eq(store_model_version_add(st, "m", NULL, r, &v, NULL), 0);
	ck_assert_int_eq(atoi(v), 2 * EACH + 1);
	free(v);
}
END_TEST

START_TEST(test_metrics_batch)
{
	/* store_metrics_add gives what the same store_metric_add calls give */
	static const struct store_point_new pts[] = {
		{ "loss", 1, 2, 0.5, 10 }, { "acc", 0, 0, 0.7, 11 },
		{ "loss", 1, 1, 0.9, 12 }, { "acc", 0, 0, 0.8, 13 },
		{ "loss", 1, 3, 0.4, 14 }, { "mixed", 1, 5, 1.0, 15 },
		{ "mixed", 0, 0, 2.0, 16 }, { "loss", 1, 0, 0.1, 17 },
		{ "mixed", 1, 4, 3.0, 18 }, { "acc", 0, 0, 0.6, 19 },
	};
	enum { N = sizeof pts / sizeof pts[0] };
	int64_t p = new_pipeline("p");
	int64_t r1 = new_run(p, "p-1", 1000, "running"), r2 = new_run(p, "p-2", 2000, "running");
	int64_t a, b;
	ck_assert_int_eq(store_step_run_create(st, r1, "train", 0, 1, NULL, &a, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r2, "train", 0, 1, NULL, &b, NULL), 0);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(store_metric_add(st, a, pts[i].key, pts[i].has_index,
						  pts[i].index, pts[i].value, pts[i].at_ms, NULL), 0);
	/* in two batches: the second one folds into existing summaries */
	ck_assert_int_eq(store_metrics_add(st, b, pts, 4, NULL), 0);
	ck_assert_int_eq(store_metrics_add(st, b, pts + 4, N - 4, NULL), 0);
	ck_assert_int_eq(store_metrics_add(st, b, NULL, 0, NULL), 0);
	struct store_metric *ma = NULL, *mb = NULL;
	int na = 0, nb = 0;
	ck_assert_int_eq(store_step_metrics(st, a, &ma, &na, NULL), 0);
	ck_assert_int_eq(store_step_metrics(st, b, &mb, &nb, NULL), 0);
	ck_assert_int_eq(na, 3);
	ck_assert_int_eq(nb, na);
	for (int i = 0; i < na; i++) {
		ck_assert_str_eq(ma[i].key, mb[i].key);
		ck_assert(ma[i].value == mb[i].value);
		ck_assert(ma[i].min == mb[i].min);
		ck_assert(ma[i].max == mb[i].max);
		ck_assert_int_eq(ma[i].count, mb[i].count);
		ck_assert_int_eq(ma[i].is_series, mb[i].is_series);
	}
	store_metrics_free(ma, na);
	store_metrics_free(mb, nb);
	struct store_metric_point *sa = NULL, *sb = NULL;
	ck_assert_int_eq(store_metric_series(st, a, "mixed", INT64_MIN, 10, &sa, &na, NULL), 0);
	ck_assert_int_eq(store_metric_series(st, b, "mixed", INT64_MIN, 10, &sb, &nb, NULL), 0);
	ck_assert_int_eq(na, 3);
	ck_assert_int_eq(nb, na);
	for (int i = 0; i < na; i++) {
		ck_assert_int_eq(sa[i].index, sb[i].index);
		ck_assert(sa[i].value == sb[i].value);
	}
	free(sa);
	free(sb);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_metrics_add(st, 9999, pts, 1, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
}
END_TEST

START_TEST(test_query_sort_by_metric)
{
	/* runs with train.loss in its order (ties newest first), then the
	 * runs without it, newest first; filters and pipelines still apply */
	int64_t p = new_pipeline("p"), q = new_pipeline("q");
	static const double loss[] = { 0.3, 0.1, -1, 0.3, 0.2, -1 };
	int64_t ids[6];
	for (int i = 0; i < 6; i++) {
		char name[16];
		snprintf(name, sizeof name, "r%d", i);
		ids[i] = new_run(i == 5 ? q : p, name, 1000 + i, "completed");
		if (loss[i] < 0)
			continue;
		int64_t sr;
		ck_assert_int_eq(store_step_run_create(st, ids[i], "train", 0, 1, NULL, &sr, NULL), 0);
		ck_assert_int_eq(store_metric_add(st, sr, "loss", 0, 0, loss[i], 1, NULL), 0);
	}
	struct store_sort so = { .field = SFF_METRIC, .step = "train", .key = "loss" };
	struct store_run *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_runs_query(st, 0, NULL, &so, 5000, 10, &rows, &n, NULL), 0);
	static const int asc[] = { 1, 4, 3, 0, 5, 2 };
	ck_assert_int_eq(n, 6);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(rows[i].id, ids[asc[i]]);
	store_runs_free(rows, n);
	so.descending = 1;
	ck_assert_int_eq(store_runs_query(st, 0, NULL, &so, 5000, 3, &rows, &n, NULL), 0);
	static const int desc[] = { 3, 0, 4 };
	ck_assert_int_eq(n, 3);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(rows[i].id, ids[desc[i]]);
	store_runs_free(rows, n);
	/* one pipeline, and a filter compiled into both halves */
	struct store_filter f = { .kind = SF_CMP, .field = SFF_NAME, .op = SFO_NE, .str = "r3" };
	ck_assert_int_eq(store_runs_query(st, p, &f, &so, 5000, 10, &rows, &n, NULL), 0);
	static const int pf[] = { 0, 4, 1, 2 };
	ck_assert_int_eq(n, 4);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(rows[i].id, ids[pf[i]]);
	store_runs_free(rows, n);
}
END_TEST

/* Keyset paging of sorted lists (schema 10): for every sortable field and
 * both directions, the pages of two rows each, chained by their cursor,
 * are the order a plain comparison of the known values gives (ties the
 * newest first, params' ties by run id; runs without a value last,
 * newest first), and one page of everything is too. */
struct sref {
	int64_t id, started, dur; /* dur -1: still running */
	const char *status, *name, *pipe;
	int has_lr;
	double lr;
	int has_loss;
	double loss;
	const char *tag1; /* the first tag (NULL: none) */
};
static struct sref srefs[12];
static int sref_field, sref_desc;

static int sref_cmp(const void *pa, const void *pb)
{
	const struct sref *a = pa, *b = pb;
	int c = 0, na = 0, nb = 0, tie_id = 0;
	switch (sref_field) {
	case SFF_STATUS: c = strcmp(a->status, b->status); break;
	case SFF_NAME: c = strcmp(a->name, b->name); break;
	case SFF_PIPELINE: c = strcmp(a->pipe, b->pipe); break;
	case SFF_ID: c = (a->id > b->id) - (a->id < b->id); break;
	case SFF_STARTED:
		c = (a->started > b->started) - (a->started < b->started);
		if (!c)
			c = (a->id > b->id) - (a->id < b->id);
		break;
	case SFF_DURATION: {
		int64_t x = a->dur < 0 ? 5000 - a->started : a->dur;
		int64_t y = b->dur < 0 ? 5000 - b->started : b->dur;
		c = (x > y) - (x < y);
		break;
	}
	case SFF_PARAM:
		na = !a->has_lr, nb = !b->has_lr, tie_id = 1;
		c = (a->lr > b->lr) - (a->lr < b->lr);
		break;
	case SFF_METRIC:
		na = !a->has_loss, nb = !b->has_loss;
		c = (a->loss > b->loss) - (a->loss < b->loss);
		break;
	case SFF_TAG:
		na = !a->tag1, nb = !b->tag1;
		c = na || nb ? 0 : strcmp(a->tag1, b->tag1);
		break;
	}
	if (na != nb)
		return na - nb;
	if (na)
		c = 0;
	else if (sref_desc)
		c = -c;
	if (c)
		return c;
	if (!tie_id && a->started != b->started)
		return a->started > b->started ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

START_TEST(test_query_keyset_pages)
{
	int64_t pp[3] = { new_pipeline("zeta"), new_pipeline("alpha"), new_pipeline("mid") };
	static const char *const pnames[3] = { "zeta", "alpha", "mid" };
	static const char *const statuses[4] = { "completed", "failed", "running", "interrupted" };
	for (int i = 0; i < 12; i++) {
		struct sref *r = &srefs[i];
		static char names[12][8];
		snprintf(names[i], sizeof names[i], "n%02d", (i * 7) % 12);
		r->name = names[i];
		r->pipe = pnames[i % 3];
		r->status = statuses[i % 4];
		r->started = 1000 + 10 * (i / 3); /* ties of three */
		r->id = new_run(pp[i % 3], r->name, r->started, r->status);
		r->dur = -1;
		if (strcmp(r->status, "running")) {
			r->dur = (i * 37) % 50; /* some equal */
			ck_assert_int_eq(store_run_finish(st, r->id, r->status, r->started + r->dur,
							  NULL), 0);
		}
		if (i % 4 != 3) {
			r->has_lr = 1;
			r->lr = (i % 3) * 0.5;
			char v[32];
			snprintf(v, sizeof v, "%g", r->lr);
			ck_assert_int_eq(store_run_add_param(st, r->id, "lr", v, NULL), 0);
		} else if (i == 7) {
			ck_assert_int_eq(store_run_add_param(st, r->id, "lr", "null", NULL), 0);
		}
		if (i % 5) {
			int64_t sr;
			r->has_loss = 1;
			r->loss = (i % 4) * 0.25;
			ck_assert_int_eq(store_step_run_create(st, r->id, "train", 0, 1, NULL, &sr,
							       NULL), 0);
			ck_assert_int_eq(store_metric_add(st, sr, "loss", 0, 0, r->loss, 1, NULL), 0);
		}
		/* tags: several (the first in byte order counts), a length in
		 * bytes not characters, a ':' in one, equal first tags, none,
		 * and one added then removed */
		static const char *const tagsets[6][2] = {
			{ NULL, NULL }, { "beta", "alpha" }, { "zed", NULL },
			{ NULL, NULL }, { "\xc3\xa4rger", "\xc3\xa4" }, { "x:y", "alpha" },
		};
		static const char *const firsts[6] = { NULL, "alpha", "zed", NULL, "\xc3\xa4", "alpha" };
		for (int k = 0; k < 2; k++)
			if (tagsets[i % 6][k])
				ck_assert_int_eq(store_run_add_tag(st, r->id, tagsets[i % 6][k], NULL), 0);
		r->tag1 = firsts[i % 6];
		if (i == 6) {
			ck_assert_int_eq(store_run_add_tag(st, r->id, "gone", NULL), 0);
			ck_assert_int_eq(store_run_remove_tag(st, r->id, "gone", NULL, NULL), 0);
		}
	}
	static const enum store_filter_field fields[] = { SFF_STATUS, SFF_NAME, SFF_PIPELINE,
							  SFF_ID, SFF_STARTED, SFF_DURATION,
							  SFF_PARAM, SFF_METRIC, SFF_TAG };
	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
		for (int desc = 0; desc < 2; desc++) {
			struct store_sort so = { .field = fields[f], .descending = desc };
			if (fields[f] == SFF_PARAM)
				so.key = "lr";
			if (fields[f] == SFF_METRIC)
				so.step = "train", so.key = "loss";
			struct sref want[12];
			memcpy(want, srefs, sizeof want);
			sref_field = fields[f];
			sref_desc = desc;
			qsort(want, 12, sizeof want[0], sref_cmp);
			struct store_sort_cursor cur = { 0 };
			int got = 0, n = 0;
			struct store_run *rows = NULL;
			for (int page = 0; page < 10; page++) {
				struct rl_err err = RL_ERR_INIT;
				ck_assert_msg(store_runs_query_page(st, 0, NULL, &so, 5000, &cur, 2,
								    &rows, &n, &err) == 0,
					      "%s", rl_err_msg(&err));
				for (int k = 0; k < n; k++, got++) {
					ck_assert_int_lt(got, 12);
					ck_assert_msg(rows[k].id == want[got].id,
						      "field %d desc %d row %d: run %lld, want %lld",
						      (int)fields[f], desc, got, (long long)rows[k].id,
						      (long long)want[got].id);
				}
				store_runs_free(rows, n);
				if (n < 2)
					break;
			}
			ck_assert_int_eq(got, 12);
			store_sort_cursor_clear(&cur);
			ck_assert_int_eq(store_runs_query(st, 0, NULL, &so, 5000, 100, &rows, &n,
							  NULL), 0);
			ck_assert_int_eq(n, 12);
			for (int k = 0; k < n; k++)
				ck_assert_int_eq(rows[k].id, want[k].id);
			store_runs_free(rows, n);
		}
}
END_TEST

/* The statements of sorted lists that a query prepared (SQLite's trace:
 * the text of each as it starts). */
static char *sorted_sql[8];
static int nsorted_sql;

static int trace_sorted(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	(void)x;
	const char *sql = type == SQLITE_TRACE_STMT ? sqlite3_sql(p) : NULL;
	if (sql && strstr(sql, " ORDER BY ") && nsorted_sql < 8)
		sorted_sql[nsorted_sql++] = strdup(sql);
	return 0;
}

/* The plan of SQL: its details, one a line. */
static void plan_of(const char *sql, char *plan, size_t size)
{
	char *q = NULL;
	ck_assert_int_gt(asprintf(&q, "EXPLAIN QUERY PLAN %s", sql), 0);
	sqlite3_stmt *x = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(st->db, q, -1, &x, NULL), SQLITE_OK);
	plan[0] = '\0';
	while (sqlite3_step(x) == SQLITE_ROW)
		snprintf(plan + strlen(plan), size - strlen(plan), "%s\n",
			 (const char *)sqlite3_column_text(x, 3));
	sqlite3_finalize(x);
	free(q);
}

/* PLAN walks the index NAME (not one whose name only starts so). */
static int uses_index(const char *plan, const char *name)
{
	size_t len = strlen(name);
	for (const char *u = plan; (u = strstr(u, "USING INDEX ")); u++)
		if (!strncmp(u + 12, name, len) && (u[12 + len] == ' ' || u[12 + len] == '\n'))
			return 1;
	return 0;
}

/* Eight runs, two by two at the same time: beta, alpha, none, ä. */
static void add_tagged_runs(void)
{
	int64_t p = new_pipeline("p");
	static const char *const tags[4] = { "beta", "alpha", NULL, "\xc3\xa4" };
	for (int i = 0; i < 8; i++) {
		char name[16];
		snprintf(name, sizeof name, "r%d", i);
		int64_t id = new_run(p, name, 1000 + i / 2, "completed");
		if (tags[i % 4])
			ck_assert_int_eq(store_run_add_tag(st, id, tags[i % 4], NULL), 0);
	}
}

/* The runs of add_tagged_runs sorted by tags (schema 11): the first page
 * and the page after a cursor walk runs_by_tag (ascending) or
 * runs_by_tag_old (descending) and stop at the page: no scan of runs, no
 * sort of them. */
static void expect_tags_by_index(void)
{
	for (int desc = 0; desc < 2; desc++) {
		struct store_sort so = { .field = SFF_TAG, .descending = desc };
		struct store_sort_cursor cur = { 0 };
		struct store_run *rows = NULL;
		int n = 0;
		nsorted_sql = 0;
		ck_assert_int_eq(sqlite3_trace_v2(st->db, SQLITE_TRACE_STMT, trace_sorted, NULL),
				 SQLITE_OK);
		/* the first page, then the one after its cursor */
		for (int page = 0; page < 2; page++) {
			ck_assert_int_eq(store_runs_query_page(st, 0, NULL, &so, 5000, &cur, 3,
							       &rows, &n, NULL), 0);
			ck_assert_int_eq(n, 3);
			/* ascending: alpha alpha beta | beta ä ä */
			const char *want = desc ? (page ? "alpha" : "\xc3\xa4")
						: (page ? "\xc3\xa4" : "alpha");
			ck_assert_str_eq(rows[page ? 2 : 0].tags[0], want);
			store_runs_free(rows, n);
		}
		sqlite3_trace_v2(st->db, 0, NULL, NULL);
		ck_assert_int_eq(nsorted_sql, 2);
		ck_assert_int_eq(cur.nulls, 0);
		const char *idx = desc ? "runs_by_tag_old" : "runs_by_tag";
		for (int i = 0; i < nsorted_sql; i++) {
			char plan[4096];
			plan_of(sorted_sql[i], plan, sizeof plan);
			ck_assert_msg(uses_index(plan, idx), "%s\n%s", sorted_sql[i], plan);
			/* after the cursor: its tag from the cursor on, not from
			 * the first run of that tag */
			ck_assert_msg(i == 0 || strstr(plan, "(<expr>=? AND started_ms<?)"), "%s\n%s",
				      sorted_sql[i], plan);
			ck_assert_msg(!strstr(plan, "TEMP B-TREE"), "%s\n%s", sorted_sql[i], plan);
			for (const char *l = plan; *l; l = strchr(l, '\n') + 1)
				ck_assert_msg(strncmp(l, "SCAN r\n", 7) && strncmp(l, "SCAN runs\n", 10),
					      "%s\n%s", sorted_sql[i], plan);
			free(sorted_sql[i]);
		}
		store_sort_cursor_clear(&cur);
	}
}

/* The plan of the page of SO after CUR (moved past it). */
static void plan_after(const struct store_sort *so, struct store_sort_cursor *cur, char *plan,
		       size_t size)
{
	struct store_run *rows = NULL;
	int n = 0;
	nsorted_sql = 0;
	ck_assert_int_eq(sqlite3_trace_v2(st->db, SQLITE_TRACE_STMT, trace_sorted, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(store_runs_query_page(st, 0, NULL, so, 5000, cur, 2, &rows, &n, NULL), 0);
	sqlite3_trace_v2(st->db, 0, NULL, NULL);
	store_runs_free(rows, n);
	ck_assert_int_eq(nsorted_sql, 1);
	plan_of(sorted_sql[0], plan, size);
	free(sorted_sql[0]);
}

/* A page after a cursor inside a value many runs share (a status, a
 * param's value, a pipeline) starts at the cursor: a range of the index
 * from the cursor's value and tie on, then the values beyond; not a walk
 * from the first run of its value (page 4,000 of a 1M-run store's
 * completed runs took 53-76 ms). */
START_TEST(test_query_cursor_in_value)
{
	int64_t p = new_pipeline("p");
	for (int i = 0; i < 12; i++) {
		char name[16];
		snprintf(name, sizeof name, "r%d", i);
		int64_t id = new_run(p, name, 1000 + i, "completed");
		ck_assert_int_eq(store_run_add_param(st, id, "lr", "0.5", NULL), 0);
	}
	static const struct {
		enum store_filter_field field;
		const char *key, *want;
	} cases[] = {
		{ SFF_STATUS, NULL, "USING INDEX runs_by_status_old (status=? AND started_ms<?)" },
		{ SFF_PARAM, "lr", "run_params_by_value_old (key=? AND value=? AND run_id<?)" },
		{ SFF_PIPELINE, NULL, "USING INDEX runs_by_pipeline (pipeline_id=? AND started_ms<?)" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		for (int desc = 0; desc < 2; desc++) {
			struct store_sort so = { .field = cases[k].field, .key = (char *)cases[k].key,
						 .descending = desc };
			struct store_sort_cursor cur = { 0 };
			char plan[4096];
			for (int page = 0; page < 3; page++)
				plan_after(&so, &cur, plan, sizeof plan);
			ck_assert_msg(strstr(plan, cases[k].want), "%d %d:\n%s", (int)cases[k].field,
				      desc, plan);
			ck_assert_msg(!strstr(plan, "TEMP B-TREE"), "%s", plan);
			/* and the third page is the third pair, newest first */
			ck_assert_int_eq(cur.started_ms, 1000 + 6);
			store_sort_cursor_clear(&cur);
		}
}
END_TEST

START_TEST(test_query_tags_plan)
{
	add_tagged_runs();
	expect_tags_by_index();
}
END_TEST

static int stop_calls;
static int stop_at_once(void *ctx)
{
	(void)ctx;
	return ++stop_calls > 0;
}

START_TEST(test_query_progress_stops)
{
	/* the progress handler runs while a query does, and stopping it
	 * fails the query with RL_E_INTERRUPTED; without it, all is read */
	int64_t p = new_pipeline("p");
	char name[16];
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "r%d", i);
		new_run(p, name, 1000 + i, "completed");
	}
	struct store_filter f = { .kind = SF_CMP, .field = SFF_NAME, .op = SFO_HAS, .str = "zz" };
	struct store_run *rows = NULL;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	store_set_progress(st, stop_at_once, NULL);
	ck_assert_int_eq(store_runs_query(st, 0, &f, NULL, 5000, 10, &rows, &n, &err), -1);
	ck_assert_int_eq(err.code, RL_E_INTERRUPTED);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(stop_calls, 1);
	rl_err_clear(&err);
	store_set_progress(st, NULL, NULL);
	f.str = "r49";
	ck_assert_int_eq(store_runs_query(st, 0, &f, NULL, 5000, 100, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 11); /* r49, r490..r499 */
	store_runs_free(rows, n);
}
END_TEST

START_TEST(test_bulk_load)
{
	int64_t p = new_pipeline("p"), run = 0;
	ck_assert_int_eq(store_bulk_mode(st, 1, NULL), 0);
	ck_assert_int_eq(store_begin(st, NULL), 0);
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof name, "b%d", i);
		struct store_bulk_run r = { .pipeline_id = p, .name = name,
					    .status = i == 2 ? "failed" : "completed",
					    .started_ms = 1000 + i, .ended_ms = 2000 + i };
		ck_assert_int_eq(store_bulk_run(st, &r, &run, NULL), 0);
	}
	struct store_bulk_step b = { .run_id = run, .name = "train", .status = "completed" };
	ck_assert_int_eq(store_bulk_step_run(st, &b, &b.id, NULL), 0);
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(store_bulk_metric(st, &b, "loss", 1, k, 1.0 - k * 0.25, 5, NULL), 0);
	struct store_metric m = { .key = "loss", .value = 0.5, .min = 0.5, .max = 1.0,
				  .count = 3, .is_series = 1 };
	ck_assert_int_eq(store_bulk_summary(st, &b, &m, NULL), 0);
	ck_assert_int_eq(store_bulk_finish(st, NULL), 0);
	ck_assert_int_eq(store_commit(st, NULL), 0);
	ck_assert_int_eq(store_bulk_mode(st, 0, NULL), 0);
	struct store_pipeline pl;
	ck_assert_int_eq(store_pipeline_get_by_id(st, p, &pl, NULL), 0);
	ck_assert_int_eq(pl.run_count, 3);
	ck_assert_int_eq(pl.completed_count, 2);
	ck_assert_int_eq(pl.failed_count, 1);
	ck_assert_int_eq(pl.last_run_id, run);
	store_pipeline_clear(&pl);
	struct store_metric *ms = NULL;
	int n = 0;
	ck_assert_int_eq(store_run_metrics(st, run, &ms, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert(ms[0].value == 0.5);
	ck_assert_int_eq(ms[0].count, 3);
	store_metrics_free(ms, n);
	/* the next value of the series folds in after the bulk summary */
	ck_assert_int_eq(store_metric_add(st, b.id, "loss", 1, 3, 0.25, 6, NULL), 0);
	ck_assert_int_eq(store_run_metrics(st, run, &ms, &n, NULL), 0);
	ck_assert(ms[0].value == 0.25);
	ck_assert_int_eq(ms[0].count, 4);
	store_metrics_free(ms, n);
}
END_TEST

START_TEST(test_metric_history)
{
	int64_t p = new_pipeline("p"), ids[5];
	for (int i = 0; i < 5; i++) {
		char name[16];
		snprintf(name, sizeof name, "h%d", i);
		ids[i] = new_run(p, name, 1000 + i, "completed");
		int64_t sr;
		ck_assert_int_eq(store_step_run_create(st, ids[i], "train", 0, 1, NULL, &sr, NULL), 0);
		ck_assert_int_eq(store_metric_add(st, sr, "loss", 0, 0, i * 0.5, 1, NULL), 0);
	}
	struct store_metric_run *h = NULL;
	int n = 0;
	/* the newest 3, oldest first; then the 3 up to run h2, that one included */
	ck_assert_int_eq(store_metric_history(st, p, "train", "loss", 0, 3, &h, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(h[0].run_id, ids[2]);
	ck_assert_int_eq(h[2].run_id, ids[4]);
	free(h);
	ck_assert_int_eq(store_metric_history(st, p, "train", "loss", ids[2], 3, &h, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(h[0].run_id, ids[0]);
	ck_assert_int_eq(h[2].run_id, ids[2]);
	ck_assert(h[2].value == 1.0);
	free(h);
	/* a newer run without the metric takes a place but gives no point */
	new_run(p, "h5", 1005, "completed");
	ck_assert_int_eq(store_metric_history(st, p, "train", "loss", 0, 3, &h, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(h[0].run_id, ids[3]);
	ck_assert_int_eq(h[1].run_id, ids[4]);
	free(h);
}
END_TEST

START_TEST(test_read_snapshot)
{
	int64_t p = new_pipeline("p");
	new_run(p, "p-1", 1000, "completed");
	int began = -1;
	ck_assert_int_eq(store_read_begin(st, &began, NULL), 0);
	ck_assert_int_eq(began, 1);
	struct store_run *rows = NULL;
	int n = 0;
	/* store_runs_page takes its own snapshot only when none is open */
	ck_assert_int_eq(store_runs_page(st, 0, NULL, 10, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	store_runs_free(rows, n);
	store_read_end(st, began);
	/* inside a write transaction: nothing to do, and the writes stay */
	ck_assert_int_eq(store_begin(st, NULL), 0);
	ck_assert_int_eq(store_read_begin(st, &began, NULL), 0);
	ck_assert_int_eq(began, 0);
	new_run(p, "p-2", 2000, "completed");
	store_read_end(st, began);
	ck_assert_int_eq(store_commit(st, NULL), 0);
	ck_assert_int_eq(store_runs_page(st, 0, NULL, 10, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	store_runs_free(rows, n);
	/* a write after a snapshot ended is not blocked by it */
	ck_assert_int_eq(store_read_begin(st, &began, NULL), 0);
	store_read_end(st, began);
	new_run(p, "p-3", 3000, "completed");
}
END_TEST

/* Completion: names by prefix and ids by digits, each from an index. */
static void expect_names(enum store_name_kind kind, const char *prefix, int limit,
			 const char *want)
{
	char **names = NULL;
	int n = -1;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_names_with_prefix(st, kind, prefix, limit, &names, &n, &err) == 0,
		      "%s", rl_err_msg(&err));
	char got[512] = "";
	for (int i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "",
			 names[i]);
	ck_assert_str_eq(got, want);
	store_names_free(names, n);
}

static void expect_ids(const char *digits, int limit, const char *want)
{
	int64_t *ids = NULL;
	int n = -1;
	ck_assert_int_eq(store_run_ids_with_prefix(st, digits, limit, &ids, &n, NULL), 0);
	char got[512] = "";
	for (int i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", i ? " " : "",
			 (long long)ids[i]);
	ck_assert_str_eq(got, want);
	free(ids);
}

/* Each of the N statements is answered by a SEARCH (whose plan also says
 * ALSO), never a SCAN. */
static void expect_searches(const char *const *sql, int n, const char *also)
{
	for (int i = 0; i < n; i++) {
		char q[512];
		snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql[i]);
		sqlite3_stmt *x = NULL;
		ck_assert_int_eq(sqlite3_prepare_v2(st->db, q, -1, &x, NULL), SQLITE_OK);
		int rows = 0;
		while (sqlite3_step(x) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(x, 3);
			ck_assert_msg(strncmp(detail, "SEARCH", 6) == 0 && strstr(detail, also),
				      "%s: %s", sql[i], detail);
			rows++;
		}
		ck_assert_int_gt(rows, 0);
		sqlite3_finalize(x);
	}
}

START_TEST(test_complete_prefixes)
{
	int64_t p = new_pipeline("train");
	new_pipeline("tune");
	new_pipeline("eval");
	const char *names[] = { "train-1", "train-2", "train-10", "tune-1", "x\xff",
				"x\xff\xff", "y", "train-3", "a", "b", "c", "d" };
	for (int i = 0; i < 12; i++)
		new_run(p, names[i], 1000 + i, "completed");
	ck_assert_int_eq(store_stack_put(st, "gpu", "/g", "local", NULL, NULL), 0);
	ck_assert_int_eq(store_stack_put(st, "cpu", "/c", "local", NULL, NULL), 0);

	expect_names(STORE_NAMES_RUN, "train-1", 10, "train-1 train-10");
	expect_names(STORE_NAMES_RUN, "train", 2, "train-1 train-10");
	expect_names(STORE_NAMES_RUN, "", 3, "a b c");
	expect_names(STORE_NAMES_RUN, NULL, 1, "a");
	expect_names(STORE_NAMES_RUN, "x\xff", 10, "x\xff x\xff\xff");
	expect_names(STORE_NAMES_RUN, "\xff", 10, "");
	expect_names(STORE_NAMES_RUN, "zz", 10, "");
	expect_names(STORE_NAMES_RUN, "train-1", 0, "");
	expect_names(STORE_NAMES_PIPELINE, "t", 10, "train tune");
	expect_names(STORE_NAMES_STACK, "", 10, "cpu gpu");

	/* ids 1…12: shortest first */
	expect_ids("1", 10, "1 10 11 12");
	expect_ids("1", 2, "1 10");
	expect_ids("12", 10, "12");
	expect_ids("2", 10, "2");
	expect_ids("13", 10, "");
	expect_ids("0", 10, "");
	expect_ids("01", 10, "");
	expect_ids("", 10, "");
	expect_ids(NULL, 10, "");
	expect_ids("1a", 10, "");
	expect_ids("99999999999999999999", 10, "");

	/* bad arguments */
	char **nm = NULL;
	int64_t *ids = NULL;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_names_with_prefix(NULL, STORE_NAMES_RUN, "", 1, &nm, &n, &err), -1);
	ck_assert_int_eq(err.code, RL_E_USAGE);
	rl_err_clear(&err);
	ck_assert_int_eq(store_names_with_prefix(st, (enum store_name_kind)99, "", 1, &nm, &n,
						 NULL), -1);
	ck_assert_int_eq(store_run_ids_with_prefix(NULL, "1", 1, &ids, &n, NULL), -1);
	store_names_free(NULL, 0);

	/* every completion query is a SEARCH of an index, never a SCAN */
	expect_searches(store_complete_sql, store_complete_nsql, "");
}
END_TEST

/* SQL run on the database of the store in D by a plain connection (not
 * the store's: no defensive mode), the schema writable: how a crafted
 * store is made. */
static void raw_exec(const char *d, const char *sql)
{
	sqlite3 *raw = NULL;
	char *db = fs_join(d, STORE_DB_NAME), *msg = NULL;
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	int rc = sqlite3_exec(raw, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
	sqlite3_close(raw);
	free(db);
}

/* Opening the store in D fails with CODE and a one-line message holding
 * WANT. */
static void open_fails(const char *d, enum rl_code code, const char *want)
{
	struct store *s2 = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_open(d, 0, &s2, &err), -1);
	ck_assert_ptr_null(s2);
	ck_assert_int_eq(err.code, code);
	ck_assert_msg(strstr(rl_err_msg(&err), want) != NULL, "%s", rl_err_msg(&err));
	ck_assert_ptr_null(strchr(rl_err_msg(&err), '\n'));
	rl_err_clear(&err);
}

START_TEST(test_crafted_schema_version)
{
	/* PRAGMA user_version is any 32-bit number: a negative one indexed
	 * the migrations before their start (an out-of-bounds read) */
	store_close(&st);
	raw_exec(dir, "PRAGMA user_version = -1");
	open_fails(dir, RL_E_CORRUPT, "damaged (schema version -1)");
	raw_exec(dir, "PRAGMA user_version = -2147483648");
	open_fails(dir, RL_E_CORRUPT, "damaged (schema version -2147483648)");
	raw_exec(dir, "PRAGMA user_version = 2147483647");
	open_fails(dir, RL_E_TOO_NEW, "schema version 2147483647");
}
END_TEST

/* The one value SQL selects from the store in D, as text. */
static char *raw_text(const char *d, const char *sql)
{
	sqlite3 *raw = NULL;
	sqlite3_stmt *q = NULL;
	char *db = fs_join(d, STORE_DB_NAME), *out = NULL;
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(raw, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		out = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(raw);
	free(db);
	return out;
}

/* The paths of step run 1's attempt and artifact, as store S gives them. */
static void paths_are(struct store *s, const char *log, const char *art)
{
	struct store_attempt *a = NULL;
	struct store_artifact_ref *o = NULL;
	int na = 0, no = 0;
	ck_assert_int_eq(store_attempts_of(s, 1, &a, &na, NULL), 0);
	ck_assert_int_eq(store_outputs_of(s, 1, &o, &no, NULL), 0);
	ck_assert_int_eq(na, 1);
	ck_assert_int_eq(no, 1);
	ck_assert_str_eq(a[0].stdout_path, log);
	ck_assert_str_eq(o[0].path, art);
	store_attempts_free(a, na);
	store_artifact_refs_free(o, no);
}

START_TEST(test_paths_move_with_the_store)
{
	/* the logs and artifacts inside the store are kept relative to it:
	 * moved with its folder, the store still finds them; a path outside
	 * it stays as it was */
	int64_t r = new_run(new_pipeline("p"), "p-1", 1000, "running"), sr, at, art;
	ck_assert_int_eq(store_step_run_create(st, r, "s", 0, 1, NULL, &sr, NULL), 0);
	char *log = fs_join(dir, "runs/1/s/attempts/1/stdout.log");
	char *file = fs_join(dir, "artifacts/ab/abc/o.txt");
	ck_assert_int_eq(store_attempt_create(st, sr, 1, 1000, log, "/elsewhere/stderr.log", NULL,
					      &at, NULL),
			 0);
	struct store_artifact_new an = { .sha256 = "abc", .type = "file", .size = 1, .path = file,
					 .created_ms = 1 };
	ck_assert_int_eq(store_artifact_add(st, &an, &art, NULL), 0);
	ck_assert_int_eq(store_step_output_add(st, sr, "o", art, NULL), 0);
	paths_are(st, log, file);
	store_close(&st);
	char *kept = raw_text(dir, "SELECT stdout_path || ' ' || stderr_path FROM attempts");
	ck_assert_str_eq(kept, "runs/1/s/attempts/1/stdout.log /elsewhere/stderr.log");
	free(kept);
	/* moved */
	char *moved = strdup("/tmp/rl-moved-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(moved));
	char *to = fs_join(moved, "store");
	ck_assert_int_eq(rename(dir, to), 0);
	ck_assert_int_eq(store_open(to, 0, &st, NULL), 0);
	char *log2 = fs_join(to, "runs/1/s/attempts/1/stdout.log");
	char *file2 = fs_join(to, "artifacts/ab/abc/o.txt");
	paths_are(st, log2, file2);
	store_close(&st);
	/* a store of schema 11 kept them absolute: migration 12 makes those
	 * inside the store relative */
	raw_exec(to, "ALTER TABLE runs DROP COLUMN baseline_given; ALTER TABLE runs DROP COLUMN baseline_given_by; ALTER TABLE runs DROP COLUMN baseline_given_rule; PRAGMA user_version = 11");
	char *sql = buf_format("UPDATE attempts SET stdout_path = '%s'; UPDATE artifacts SET "
			       "path = '%s'",
			       log2, file2);
	raw_exec(to, sql);
	free(sql);
	ck_assert_int_eq(store_open(to, 0, &st, NULL), 0);
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	paths_are(st, log2, file2);
	kept = raw_text(to, "SELECT path FROM artifacts");
	ck_assert_str_eq(kept, "artifacts/ab/abc/o.txt");
	free(kept);
	store_close(&st);
	ck_assert_int_eq(rename(to, dir), 0); /* for teardown */
	ck_assert_int_eq(store_open(dir, 0, &st, NULL), 0);
	fs_remove_tree(moved, NULL);
	free(moved);
	free(to);
	free(log);
	free(file);
	free(log2);
	free(file2);
}
END_TEST

START_TEST(test_migrate_v10_tags)
{
	/* a store of schema 10 (this one with migration 11 undone): the
	 * migration indexes the runs' first tags, the sort then walks them */
	add_tagged_runs();
	store_close(&st);
	raw_exec(dir, "DROP INDEX runs_by_tag; DROP INDEX runs_by_tag_old; "
		      "ALTER TABLE runs DROP COLUMN baseline_given; ALTER TABLE runs DROP COLUMN baseline_given_by; ALTER TABLE runs DROP COLUMN baseline_given_rule; PRAGMA user_version = 10");
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_open(dir, 0, &st, &err) == 0, "%s", rl_err_msg(&err));
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	int ok = 0;
	ck_assert_int_eq(store_integrity_check(st, &ok, NULL), 0);
	ck_assert_int_eq(ok, 1);
	expect_tags_by_index();
	/* kept by the triggers afterwards: a new first tag moves the run */
	struct store_sort so = { .field = SFF_TAG };
	struct store_run *rows = NULL;
	int n = 0;
	int64_t id = 0;
	ck_assert_int_eq(store_run_id_by_name(st, "r2", &id, NULL), 0);
	ck_assert_int_eq(store_run_add_tag(st, id, "aaa", NULL), 0);
	ck_assert_int_eq(store_runs_query(st, 0, NULL, &so, 5000, 1, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(rows[0].id, id);
	store_runs_free(rows, n);
}
END_TEST

START_TEST(test_migrate_v10_fixture)
{
	/* schema 10 (tests/fixtures/store-v10): v10-beta (tags beta, zeta),
	 * v10-none, v10-alpha, v10-umlaut (ärger), ids 1 to 4 */
	char *d2 = NULL;
	struct store *old = open_fixture("store-v10", &d2);
	ck_assert_int_eq(count_rows(d2, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
					"AND name IN ('runs_by_tag', 'runs_by_tag_old')"), 2);
	/* by the first tag, the untagged after, either way */
	static const char *const want[2] = { "3 1 4 2", "4 1 3 2" };
	for (int desc = 0; desc < 2; desc++) {
		struct store_sort so = { .field = SFF_TAG, .descending = desc };
		struct store_run *rows = NULL;
		int n = 0;
		ck_assert_int_eq(store_runs_query(old, 0, NULL, &so, 0, 10, &rows, &n, NULL), 0);
		char got[64] = "";
		for (int i = 0; i < n; i++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", i ? " " : "",
				 (long long)rows[i].id);
		ck_assert_str_eq(got, want[desc]);
		store_runs_free(rows, n);
	}
	close_fixture(old, d2);
}
END_TEST

START_TEST(test_migrate_v11_fixture)
{
	/* schema 11 (tests/fixtures/store-v11, written in /tmp/rlfix): run 1
	 * v11-one, step make, a log and an artifact under /tmp/rlfix/.runlens.
	 * Opened elsewhere, its paths are not inside the folder it is opened
	 * as: migration 12 leaves them as they were */
	char *d2 = NULL;
	struct store *old = open_fixture("store-v11", &d2);
	ck_assert_int_eq(store_schema_version(old), STORE_SCHEMA_VERSION);
	paths_are(old, "/tmp/rlfix/.runlens/runs/1/make/attempts/1/stdout.log",
		  "/tmp/rlfix/.runlens/artifacts/66/6667b2d1aab6a00caa5aee5af8ad9f1465e567abf1c209d1"
		  "5727d57b3e8f6e5f/o.txt");
	close_fixture(old, d2);
}
END_TEST

START_TEST(test_crafted_objects)
{
	/* a view read in place of a table (here one that never ends), a
	 * trigger of someone else's, a virtual table: refused at open, before
	 * anything runs them */
	store_close(&st);
	raw_exec(dir, "DROP TABLE saved_views;"
		      "CREATE VIEW saved_views AS WITH RECURSIVE c(x) AS "
		      "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS name FROM c");
	open_fails(dir, RL_E_CORRUPT, "damaged (it holds a view runlens does not make)");
	raw_exec(dir, "DROP VIEW saved_views;"
		      "CREATE TRIGGER spin AFTER UPDATE ON runs BEGIN "
		      "SELECT count(*) FROM runs a, runs b, runs c, runs d; END");
	open_fails(dir, RL_E_CORRUPT, "damaged (it holds a trigger runlens does not make)");
	/* one of ours by name, but not as runlens writes it */
	raw_exec(dir, "DROP TRIGGER spin; DROP TRIGGER notes_added;"
		      "CREATE TRIGGER notes_added AFTER INSERT ON notes BEGIN SELECT 1; END");
	open_fails(dir, RL_E_CORRUPT, "trigger runlens does not make");
	raw_exec(dir, "DROP TRIGGER notes_added");
	struct store *s2 = NULL;
	ck_assert_int_eq(store_open(dir, 0, &s2, NULL), 0); /* one trigger fewer is fine */
	store_close(&s2);
	if (sqlite3_compileoption_used("ENABLE_RTREE")) {
		raw_exec(dir, "CREATE VIRTUAL TABLE v USING rtree(id, x0, x1)");
		open_fails(dir, RL_E_CORRUPT, "virtual table");
	}
}
END_TEST

START_TEST(test_crafted_rows)
{
	/* rows a crafted store may hold: NULL where the schema says NOT
	 * NULL, times and counts out of any range */
	int64_t p = new_pipeline("p"), r = new_run(p, "r", 1000, "completed"), sr;
	ck_assert_int_eq(store_step_run_create(st, r, "a", 0, 1, NULL, &sr, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, sr, "loss", 0, 0, 1.0, 5, NULL), 0);
	ck_assert_int_eq(store_metadata_set(st, sr, NULL, "k", "1", NULL), 0);
	store_close(&st);
	raw_exec(dir,
		 "PRAGMA writable_schema = ON;"
		 "UPDATE sqlite_schema SET sql = replace(replace(sql, 'NOT NULL', ''), "
		 "'CHECK (type IN (''file'', ''dir''))', '') "
		 "WHERE name IN ('runs', 'pipelines', 'step_runs', 'metadata', 'run_metrics', "
		 "'artifacts');");
	raw_exec(dir,
		 "UPDATE runs SET name = NULL, status = NULL, params_json = NULL, "
		 "started_ms = -9223372036854775808, ended_ms = 9223372036854775807, "
		 "heartbeat_ms = -1, runner_pid = 9999999999;"
		 "UPDATE pipelines SET name = NULL, run_count = -5;"
		 "UPDATE step_runs SET name = NULL, status = NULL, attempts = -3, "
		 "max_attempts = 0;"
		 "UPDATE metadata SET value_json = NULL;"
		 "UPDATE run_metrics SET count = 9223372036854775807;"
		 "INSERT INTO artifacts (sha256, type, size, path, created_ms) VALUES "
		 "(NULL, NULL, 9223372036854775807, NULL, 1), ('x', 'file', 9223372036854775807, "
		 "'/a/x', 1), ('y', 'file', 9223372036854775807, '/a/y', 1);");
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_open(dir, 0, &st, &err) == 0, "%s", rl_err_msg(&err));
	struct store_run *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_runs_page(st, 0, NULL, 10, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rows[0].name, "");
	ck_assert_str_eq(rows[0].status, "");
	ck_assert_str_eq(rows[0].pipeline, "");
	ck_assert_str_eq(rows[0].params_json, "{}");
	ck_assert_int_eq(rows[0].started_ms, 0);
	ck_assert_int_eq(rows[0].ended_ms, 0);
	ck_assert_int_eq(rows[0].heartbeat_ms, 0);
	ck_assert_int_ge(rows[0].runner_pid, 0);
	store_runs_free(rows, n);
	struct store_pipeline pl = { 0 };
	ck_assert_int_eq(store_pipeline_get_by_id(st, p, &pl, NULL), 0);
	ck_assert_str_eq(pl.name, "");
	ck_assert_int_eq(pl.run_count, 0);
	store_pipeline_clear(&pl);
	struct store_step_run *steps = NULL;
	ck_assert_int_eq(store_step_runs_of_run(st, r, &steps, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(steps[0].name, "");
	ck_assert_str_eq(steps[0].status, "");
	ck_assert_int_eq(steps[0].attempts, 0);
	ck_assert_int_eq(steps[0].max_attempts, 1);
	store_step_runs_free(steps, n);
	struct store_meta *md = NULL;
	ck_assert_int_eq(store_metadata_of(st, sr, &md, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(md[0].value_json, "null");
	store_metas_free(md, n);
	/* a count at its largest stays there (it overflowed: undefined) */
	struct store_point_new pt = { .key = "", .value = 2.0, .at_ms = 6 };
	ck_assert_int_eq(store_metrics_add(st, sr, &pt, 1, NULL), 0);
	struct store_metric *ms = NULL;
	ck_assert_int_eq(store_step_metrics(st, sr, &ms, &n, NULL), 0);
	ck_assert_int_ge(n, 1);
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(ms[i].step);
		ck_assert_ptr_nonnull(ms[i].key);
		ck_assert_int_ge(ms[i].count, 0);
	}
	store_metrics_free(ms, n);
	/* gc: no NULL path (artifacts_gc removed it: a NULL dereference), and
	 * the sizes' sum saturates (it overflowed) */
	char **paths = NULL;
	int64_t dropped = 0, bytes = 0;
	ck_assert_int_eq(store_gc_artifacts(st, &dropped, &paths, &n, &bytes, NULL), 0);
	ck_assert_int_eq(dropped, 3);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(paths[0], "/a/x");
	ck_assert_str_eq(paths[1], "/a/y");
	ck_assert(bytes == INT64_MAX);
	store_names_free(paths, n);
}
END_TEST

START_TEST(test_crafted_paging)
{
	/* times out of range read as 0, but a page goes on from where the
	 * run is stored (.at): paging one by one meets each run once (from
	 * the record's started_ms it met the negative ones again and again) */
	int64_t p = new_pipeline("p");
	new_run(p, "a", 1000, "completed");
	new_run(p, "b", 2000, "completed");
	new_run(p, "c", 3000, "completed");
	store_close(&st);
	raw_exec(dir, "UPDATE runs SET started_ms = -5 WHERE name = 'a';"
		      "UPDATE runs SET started_ms = -9223372036854775808 WHERE name = 'b'");
	ck_assert_int_eq(store_open(dir, 0, &st, NULL), 0);
	struct store_run_cursor cur, *after = NULL;
	char seen[8] = "";
	for (int page = 0; page < 6; page++) {
		struct store_run *rows = NULL;
		int n = 0;
		ck_assert_int_eq(store_runs_page(st, 0, after, 1, &rows, &n, NULL), 0);
		if (n == 0)
			break;
		ck_assert_int_ge(rows[0].started_ms, 0);
		strncat(seen, rows[0].name, 1);
		cur = rows[0].at;
		after = &cur;
		store_runs_free(rows, n);
	}
	ck_assert_str_eq(seen, "cab");
	/* and the previous completed run of 'a' is 'b', as stored */
	int64_t a, b, prev = 0;
	ck_assert_int_eq(store_run_id_by_name(st, "a", &a, NULL), 0);
	ck_assert_int_eq(store_run_id_by_name(st, "b", &b, NULL), 0);
	struct store_run r = { 0 };
	ck_assert_int_eq(store_run_get(st, a, &r, NULL), 0);
	ck_assert_int_eq(store_run_previous_completed(st, p, &r.at, &prev, NULL), 0);
	ck_assert_int_eq(prev, b);
	store_run_clear(&r);
}
END_TEST

START_TEST(test_error_one_line)
{
	/* SQLite quotes a damaged schema in its message, newlines included:
	 * the message stays on one line */
	store_close(&st);
	raw_exec(dir, "PRAGMA writable_schema = ON;"
		      "UPDATE sqlite_schema SET name = 'sta\n\tcks' WHERE name = 'stacks';");
	struct store *s2 = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_open(dir, 0, &s2, &err), -1);
	ck_assert_msg(err.code == RL_E_CORRUPT, "%s", rl_err_msg(&err));
	ck_assert_ptr_null(strchr(rl_err_msg(&err), '\n'));
	ck_assert_ptr_null(strchr(rl_err_msg(&err), '\t'));
	ck_assert_msg(strstr(rl_err_msg(&err), "\\x0a") != NULL, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
}
END_TEST


START_TEST(test_run_ids_never_reused)
{
	/* a run's id names its folder: deleting the newest run must not hand
	 * its id to the next one (it did: SQLite's rowid is max + 1) */
	int64_t p = new_pipeline("p");
	int64_t r1 = new_run(p, "r1", 1000, "completed"), r2 = new_run(p, "r2", 2000, "completed");
	ck_assert_int_eq(store_run_delete(st, r2, NULL), 0);
	int64_t r3 = new_run(p, "r3", 3000, "completed");
	ck_assert_int_gt(r3, r2);
	ck_assert_int_eq(store_run_delete(st, r3, NULL), 0);
	ck_assert_int_eq(store_run_delete(st, r1, NULL), 0);
	int64_t r4 = new_run(p, "r4", 4000, "completed");
	ck_assert_int_gt(r4, r3);
	/* a run rolled back gives its id back: nothing used it */
	ck_assert_int_eq(store_begin(st, NULL), 0);
	int64_t r5 = new_run(p, "r5", 5000, "running");
	store_rollback(st);
	ck_assert_int_eq(new_run(p, "r5", 5000, "running"), r5);
	/* the bulk loader takes ids the same way, and the counter follows it */
	struct store_bulk_run b = { .pipeline_id = p, .name = "b1", .status = "completed",
				    .started_ms = 6000 };
	int64_t b1;
	ck_assert_int_eq(store_bulk_run(st, &b, &b1, NULL), 0);
	ck_assert_int_eq(b1, r5 + 1);
	ck_assert_int_eq(store_run_delete(st, b1, NULL), 0);
	ck_assert_int_gt(new_run(p, "r6", 7000, "completed"), b1);
	/* and so does any other insert */
	store_close(&st);
	raw_exec(dir, "INSERT INTO runs (id, pipeline_id, name, status, started_ms) "
		      "VALUES (100, 1, 'by hand', 'completed', 1); DELETE FROM runs WHERE id = 100");
	ck_assert_int_eq(store_open(dir, 0, &st, NULL), 0);
	ck_assert_int_eq(new_run(p, "r7", 8000, "completed"), 101);
}
END_TEST

/* A text of N bytes that no other test text shares (xorshift, printable). */
static char *random_text(size_t n, uint64_t seed)
{
	char *t = malloc(n + 1);
	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		t[i] = (char)('a' + seed % 26);
	}
	t[n] = '\0';
	return t;
}

START_TEST(test_contexts_shared)
{
	/* three attempts whose contexts share 300 KB (the run's params) and
	 * differ around it: the shared part is stored once, each text comes
	 * back exactly, an identical text is one context, and deleting the
	 * run removes them all */
	int64_t p = new_pipeline("p"), r = new_run(p, "r", 1000, "running"), sr[3], at;
	char *shared = random_text(300000, 42), *texts[4];
	for (int i = 0; i < 3; i++) {
		char name[8];
		snprintf(name, sizeof name, "s%d", i);
		ck_assert_int_eq(store_step_run_create(st, r, name, i, 2, NULL, &sr[i], NULL), 0);
		char *own = random_text(500 + 3000 * (size_t)i, (uint64_t)i + 7);
		size_t len = strlen(own) + strlen(shared) + 64;
		texts[i] = malloc(len);
		snprintf(texts[i], len, "{\"step\":\"%s\",\"own\":\"%s\",\"params\":\"%s\"}", name,
			 own, shared);
		free(own);
		ck_assert_int_eq(store_attempt_create(st, sr[i], 1, 1, NULL, NULL, texts[i], &at,
						      NULL), 0);
	}
	texts[3] = strdup(texts[2]); /* a second attempt with the same text */
	ck_assert_int_eq(store_attempt_create(st, sr[2], 2, 2, NULL, NULL, texts[3], &at, NULL), 0);
	ck_assert_int_eq(store_attempt_create(st, sr[1], 2, 2, NULL, NULL, "", &at, NULL), 0);
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM contexts"), 4);
	int64_t stored = count_rows(dir, "SELECT sum(length(data)) FROM context_pieces");
	ck_assert_msg(stored < 300000 + 3 * 70000 + 10000, "%lld bytes stored", (long long)stored);
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM attempts WHERE context_json IS NOT NULL"),
			 0);
	for (int i = 0; i < 3; i++) {
		struct store_attempt *atts = NULL;
		int n = 0;
		ck_assert_int_eq(store_attempts_of(st, sr[i], &atts, &n, NULL), 0);
		ck_assert_int_eq(n, i == 0 ? 1 : 2);
		ck_assert_str_eq(atts[0].context_json, texts[i]);
		if (i == 1)
			ck_assert_str_eq(atts[1].context_json, "");
		if (i == 2)
			ck_assert_str_eq(atts[1].context_json, texts[2]);
		store_attempts_free(atts, n);
	}
	ck_assert_int_eq(store_run_delete(st, r, NULL), 0);
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM contexts"), 0);
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM context_parts"), 0);
	ck_assert_int_eq(count_rows(dir, "SELECT count(*) FROM context_pieces"), 0);
	for (int i = 0; i < 4; i++)
		free(texts[i]);
	free(shared);
}
END_TEST

START_TEST(test_contexts_damaged)
{
	/* a context whose pieces do not add up to its size (a piece gone, a
	 * part repeated a million times in a crafted store) is damage, said
	 * so, not a text made up or a gigabyte allocated */
	int64_t p = new_pipeline("p"), r = new_run(p, "r", 1000, "running"), sr, at;
	ck_assert_int_eq(store_step_run_create(st, r, "s", 0, 1, NULL, &sr, NULL), 0);
	ck_assert_int_eq(store_attempt_create(st, sr, 1, 1, NULL, NULL, "{\"a\":1}", &at, NULL), 0);
	store_close(&st);
	const char *crafts[] = {
		"UPDATE contexts SET size = size + 1",
		"UPDATE contexts SET size = size - 1",
		"UPDATE contexts SET size = -5",
		"UPDATE contexts SET size = 9223372036854775807",
		"DELETE FROM context_parts",
	};
	char *db = fs_join(dir, STORE_DB_NAME), *good = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_file(db, &good, &len, NULL), 0);
	for (size_t i = 0; i < sizeof crafts / sizeof crafts[0]; i++) {
		ck_assert_int_eq(fs_write_file(db, good, len, 0644, NULL), 0);
		char q[256];
		snprintf(q, sizeof q, "PRAGMA foreign_keys = OFF; %s", crafts[i]);
		raw_exec(dir, q);
		ck_assert_int_eq(store_open(dir, 0, &st, NULL), 0);
		struct store_attempt *atts = NULL;
		int n = 0;
		struct rl_err err = RL_ERR_INIT;
		int rc = store_attempts_of(st, sr, &atts, &n, &err);
		ck_assert_msg(rc == -1 && err.code == RL_E_CORRUPT, "%s: %d %d %s", crafts[i], rc,
			      n, rl_err_msg(&err));
		ck_assert_ptr_null(atts);
		rl_err_clear(&err);
		store_close(&st);
	}
	free(good);
	free(db);
	ck_assert_int_eq(store_open(dir, 0, &st, NULL), 0);
}
END_TEST

START_TEST(test_migrate_v4_fixture)
{
	/* schema 4 (tests/fixtures/store-v4): v4-first (id 1) and v4-second
	 * (id 2), each with prep and a train retried once, so three attempts
	 * with their context.json in attempts.context_json */
	char *d2 = NULL;
	struct store *old = open_fixture("store-v4", &d2);
	int64_t a, b;
	ck_assert_int_eq(store_run_id_by_name(old, "v4-first", &a, NULL), 0);
	ck_assert_int_eq(store_run_id_by_name(old, "v4-second", &b, NULL), 0);
	ck_assert_int_eq(b, 2);
	/* the contexts written before stay where they were, read as before */
	struct store_step_run sr = { 0 };
	ck_assert_int_eq(store_step_run_get(old, b, "train", &sr, NULL), 0);
	struct store_attempt *atts = NULL;
	int n = 0;
	ck_assert_int_eq(store_attempts_of(old, sr.id, &atts, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(atts[i].context_json);
		ck_assert_ptr_nonnull(strstr(atts[i].context_json, "\"v4-second\""));
		ck_assert_ptr_nonnull(strstr(atts[i].context_json, "\"lr\":\t0.2"));
	}
	ck_assert_int_eq(atts[1].number, 2);
	store_attempts_free(atts, n);
	/* a new attempt's context goes to contexts */
	int64_t at;
	ck_assert_int_eq(store_attempt_create(old, sr.id, 3, 5, NULL, NULL, "{\"new\":true}", &at,
					      NULL), 0);
	ck_assert_int_eq(store_attempts_of(old, sr.id, &atts, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(atts[2].context_json, "{\"new\":true}");
	store_attempts_free(atts, n);
	ck_assert_int_eq(count_rows(d2, "SELECT count(*) FROM contexts"), 1);
	store_step_run_clear(&sr);
	/* ids: the counter starts at the store's highest; the newest run
	 * deleted, the next run still takes a new id */
	ck_assert_int_eq(count_rows(d2, "SELECT value FROM counters WHERE name = 'run_id'"), 2);
	ck_assert_int_eq(store_run_delete(old, b, NULL), 0);
	struct store_run_new nr = { .pipeline_id = 1, .name = "v5-run", .status = "completed",
				    .started_ms = 1 };
	int64_t c;
	ck_assert_int_eq(store_run_create(old, &nr, &c, NULL), 0);
	ck_assert_int_eq(c, 3);
	close_fixture(old, d2);
}
END_TEST


/* The reader of test_snapshot_holds_the_file, in a child process of
 * another user: 0 when all went as store/open.c says, else which check
 * failed. */
static int snapshot_reader(int ready, int written)
{
	struct store *ro = NULL;
	struct store_run *rows = NULL;
	int n = 0, code = 0;
	char c = 0;
	int64_t v0 = 0, v1 = 0;
	if (store_open(dir, 0, &ro, NULL) < 0)
		return 10;
	if (store_access(ro) != STORE_ACCESS_READ_ONLY || !ro->snapshot)
		code = 11;
	else if (store_data_version(ro, &v0, NULL) < 0)
		code = 12;
	if (write(ready, "r", 1) != 1 || read(written, &c, 1) != 1)
		code = code ? code : 13;
	/* the writer has come and gone: what we read is still the file as it
	 * was (its WAL could not be folded in while we held the lock) */
	if (!code && (store_runs_page(ro, 0, NULL, 10, &rows, &n, NULL) < 0 || n != 1))
		code = 14;
	store_runs_free(rows, n);
	if (!code && !store_snapshot_stale(ro))
		code = 15;
	/* the browser's poll: reopened, through the writer's -shm now */
	if (!code && (store_data_version(ro, &v1, NULL) < 0 || v1 == v0 || ro->snapshot))
		code = 16;
	if (!code && (store_runs_page(ro, 0, NULL, 10, &rows, &n, NULL) < 0 || n != 2))
		code = 17;
	if (!code)
		store_runs_free(rows, n);
	struct rl_err err = RL_ERR_INIT;
	if (!code && (store_run_add_tag(ro, 1, "x", &err) == 0 || err.code != RL_E_READ_ONLY))
		code = 18;
	rl_err_clear(&err);
	store_close(&ro);
	return code;
}

START_TEST(test_snapshot_holds_the_file)
{
	/* a store this user may not write, whose owner has it closed, is read
	 * as a snapshot holding a read lock (store/open.c): an owner that
	 * writes meanwhile cannot fold its WAL into the file on closing */
	if (geteuid() != 0)
		return; /* needs a second user: readonly.sh covers the rest */
	int64_t p = new_pipeline("p");
	new_run(p, "r1", 1000, "completed");
	store_close(&st);
	char *db = fs_join(dir, STORE_DB_NAME);
	char *wal = fs_join(dir, STORE_DB_NAME "-wal");
	ck_assert(!fs_exists(wal));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	int ready[2], written[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(written), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(9);
		_exit(snapshot_reader(ready[1], written[0]));
	}
	char c = 0;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	/* the owner writes and closes */
	ck_assert_int_eq(store_open(dir, 0, &st, NULL), 0);
	new_run(p, "r2", 2000, "completed");
	store_close(&st);
	ck_assert_msg(fs_exists(wal), "the WAL was folded in under the reader");
	ck_assert_int_eq(write(written[1], "w", 1), 1);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the reader: check %d",
		      WEXITSTATUS(status));
	ck_assert_int_eq(store_open(dir, 0, &st, NULL), 0);
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(written[i]);
	}
	free(db);
	free(wal);
}
END_TEST

static void expect_field_names(int metrics, int limit, const char *want)
{
	char **names = NULL;
	int n = -1;
	struct rl_err err = RL_ERR_INIT;
	int rc = metrics ? store_metric_names(st, limit, &names, &n, &err)
			 : store_param_keys(st, limit, &names, &n, &err);
	ck_assert_msg(rc == 0, "%s", rl_err_msg(&err));
	char got[512] = "";
	for (int i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "",
			 names[i]);
	ck_assert_str_eq(got, want);
	store_names_free(names, n);
}

/* The params and metrics some run has: distinct names by index seeks. */
START_TEST(test_field_names)
{
	int known = -1;
	expect_field_names(0, 10, "");
	expect_field_names(1, 10, "");
	ck_assert_int_eq(store_param_known(st, "lr", &known, NULL), 0);
	ck_assert_int_eq(known, 0);
	int64_t p = new_pipeline("train");
	for (int i = 0; i < 30; i++) {
		char name[32];
		snprintf(name, sizeof name, "r%d", i);
		int64_t r = new_run(p, name, 1000 + i, "completed"), a, b;
		ck_assert_int_eq(store_run_add_param(st, r, "lr", "0.1", NULL), 0);
		ck_assert_int_eq(store_run_add_param(st, r, i % 2 ? "batch" : "seed", "1", NULL), 0);
		ck_assert_int_eq(store_step_run_create(st, r, "train", 0, 1, NULL, &a, NULL), 0);
		ck_assert_int_eq(store_step_run_create(st, r, "eval", 1, 1, NULL, &b, NULL), 0);
		ck_assert_int_eq(store_metric_add(st, a, "loss", 0, 0, 0.5, 1, NULL), 0);
		ck_assert_int_eq(store_metric_add(st, b, i % 3 ? "acc" : "f1.macro", 0, 0, 0.9, 1,
						  NULL), 0);
	}
	expect_field_names(0, 10, "batch lr seed");
	expect_field_names(0, 2, "batch lr");
	expect_field_names(0, 0, "");
	expect_field_names(1, 10, "eval.acc eval.f1.macro train.loss");
	expect_field_names(1, 1, "eval.acc");
	ck_assert_int_eq(store_param_known(st, "lr", &known, NULL), 0);
	ck_assert_int_eq(known, 1);
	ck_assert_int_eq(store_param_known(st, "lrr", &known, NULL), 0);
	ck_assert_int_eq(known, 0);
	ck_assert_int_eq(store_metric_known(st, "eval", "f1.macro", &known, NULL), 0);
	ck_assert_int_eq(known, 1);
	ck_assert_int_eq(store_metric_known(st, "eval", "loss", &known, NULL), 0);
	ck_assert_int_eq(known, 0);
	ck_assert_int_eq(store_metric_known(st, NULL, NULL, &known, NULL), 0);
	ck_assert_int_eq(known, 0);

	/* each statement is a SEARCH of a covering index, never a SCAN */
	expect_searches(store_fields_sql, store_fields_nsql, "COVERING INDEX");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_and_schema);
	tcase_add_test(tc, test_missing_garbage_too_new);
	tcase_add_test(tc, test_pipelines);
	tcase_add_test(tc, test_runs);
	tcase_add_test(tc, test_run_paging);
	tcase_add_test(tc, test_steps_attempts_interrupt);
	tcase_add_test(tc, test_interrupted_when_last_seen);
	tcase_add_test(tc, test_artifacts_lineage);
	tcase_add_test(tc, test_metadata_metrics);
	tcase_add_test(tc, test_stacks_models);
	tcase_add_test(tc, test_migrate_v1_fixture);
	tcase_add_test(tc, test_migrate_v2_fixture);
	tcase_add_test(tc, test_tags_and_note_in_row);
	tcase_add_test(tc, test_specs_shared);
	tcase_add_test(tc, test_cache_delete_gc);
	tcase_add_test(tc, test_null_and_empty);
	tcase_add_test(tc, test_write_units);
	tcase_add_test(tc, test_lineage_producer);
	tcase_add_test(tc, test_data_version_readonly);
	tcase_add_test(tc, test_model_versions_concurrent);
	tcase_add_test(tc, test_metrics_batch);
	tcase_add_test(tc, test_query_sort_by_metric);
	tcase_add_test(tc, test_query_keyset_pages);
	tcase_add_test(tc, test_query_tags_plan);
	tcase_add_test(tc, test_query_cursor_in_value);
	tcase_add_test(tc, test_query_progress_stops);
	tcase_add_test(tc, test_bulk_load);
	tcase_add_test(tc, test_metric_history);
	tcase_add_test(tc, test_read_snapshot);
	tcase_add_test(tc, test_complete_prefixes);
	tcase_add_test(tc, test_field_names);
	tcase_add_test(tc, test_crafted_schema_version);
	tcase_add_test(tc, test_migrate_v10_tags);
	tcase_add_test(tc, test_paths_move_with_the_store);
	tcase_add_test(tc, test_migrate_v11_fixture);
	tcase_add_test(tc, test_gc_keeps_a_file_named_twice);
	tcase_add_test(tc, test_migrate_v10_fixture);
	tcase_add_test(tc, test_crafted_objects);
	tcase_add_test(tc, test_crafted_rows);
	tcase_add_test(tc, test_crafted_paging);
	tcase_add_test(tc, test_error_one_line);
	tcase_add_test(tc, test_run_ids_never_reused);
	tcase_add_test(tc, test_contexts_shared);
	tcase_add_test(tc, test_contexts_damaged);
	tcase_add_test(tc, test_migrate_v4_fixture);
	tcase_add_test(tc, test_snapshot_holds_the_file);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
