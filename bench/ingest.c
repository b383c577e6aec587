/* bench/ingest.c — `rlbench ingest`: records per second through the real
 * ingestion path (a records file as steps write it, read by
 * core/ingest.c's ingest_poll into the store in one transaction, as the
 * runner does) against raw SQLite: one prepared INSERT per row in one
 * transaction (store_bench_raw_metrics), on the same store, alternating,
 * RLBENCH_REPEATS times (at most 7).  RLBENCH_INGEST_ROWS records a round
 * (default 200,000): 9 metric points to 1 metadata record. */
#include "config.h"
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ingest.h"
#include "store/store.h"
#include "util/fs.h"

static int write_records(const char *path, long long n, struct rl_err *err)
{
	static const char *const keys[] = { "loss", "acc", "lr", "grad_norm" };
	FILE *f = fopen(path, "we");
	if (!f)
		return rl_err_set(err, RL_E_IO, "cannot write %s", path);
	for (long long i = 0; i < n; i++) {
		if (i % 10 == 9)
			fprintf(f, "{\"meta\": {\"note_%lld\": \"epoch %lld done\"}}\n", i % 50, i);
		else
			fprintf(f, "{\"metric\": \"%s\", \"value\": %.6g, \"index\": %lld}\n",
				keys[i % 4], 1.0 / (double)(i + 1), i / 4);
	}
	return fclose(f) == 0 ? 0 : rl_err_set(err, RL_E_IO, "cannot write %s", path);
}

static int new_step(struct store *s, int64_t run_id, int k, struct store_bulk_step *b,
		    struct rl_err *err)
{
	char name[32];
	snprintf(name, sizeof name, "step%d", k);
	b->run_id = run_id;
	return store_step_run_create(s, run_id, name, k, 1, NULL, &b->id, err);
}

int bench_ingest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct rl_err err = RL_ERR_INIT;
	struct store *s = NULL;
	int rc = 1;
	long long n = bench_env("RLBENCH_INGEST_ROWS", 200000);
	int reps = (int)bench_env("RLBENCH_REPEATS", 5);
	if (reps > 7)
		reps = 7;
	double ing[7], raw[7];
	const char *tmp = getenv("TMPDIR");
	char *dir = fs_join(tmp && *tmp ? tmp : "/tmp", "rlbench-ingest-XXXXXX");
	char *records = NULL;
	if (!dir || !mkdtemp(dir)) {
		rl_err_set(&err, RL_E_IO, "cannot make a temporary folder");
		goto cleanup;
	}
	records = fs_join(dir, "records.jsonl");
	int64_t pid, run_id;
	struct store_run_new r = { .name = "ingest", .status = "running",
				   .started_ms = 1700000000000LL };
	if (write_records(records, n, &err) < 0 ||
	    store_open(dir, STORE_CREATE, &s, &err) < 0 ||
	    store_pipeline_ensure(s, "ingest", NULL, &pid, &err) < 0)
		goto cleanup;
	r.pipeline_id = pid;
	if (store_run_create(s, &r, &run_id, &err) < 0)
		goto cleanup;
	for (int k = 0; k < reps; k++) {
		struct store_bulk_step b = { 0 };
		struct ingest in = { .path = records, .partial = BUF_INIT };
		in.state = cJSON_CreateObject();
		if (new_step(s, run_id, 2 * k, &b, &err) < 0)
			goto cleanup;
		in.step_run_id = b.id;
		double t0 = bench_now_ms();
		int r1 = store_begin(s, &err);
		if (r1 == 0 && (r1 = ingest_poll(s, &in, 1, &err)) == 0)
			r1 = store_commit(s, &err);
		double t1 = bench_now_ms();
		ingest_release(&in);
		cJSON_Delete(in.state);
		if (r1 < 0) {
			store_rollback(s);
			goto cleanup;
		}
		if (in.records != n) {
			rl_err_set(&err, RL_E_FAIL, "ingested %lld of %lld records",
				   (long long)in.records, n);
			goto cleanup;
		}
		ing[k] = (double)n / ((t1 - t0) / 1000);
		if (new_step(s, run_id, 2 * k + 1, &b, &err) < 0)
			goto cleanup;
		t0 = bench_now_ms();
		if (store_bench_raw_metrics(s, &b, (int)n, &err) < 0)
			goto cleanup;
		raw[k] = (double)n / ((bench_now_ms() - t0) / 1000);
	}
	printf("ingest_rows_per_s %.0f\n", bench_median(ing, reps));
	printf("raw_rows_per_s %.0f\n", bench_median(raw, reps));
	rc = 0;
cleanup:
	if (rc)
		bench_fail(&err);
	store_close(&s);
	if (dir && fs_exists(dir))
		fs_remove_tree(dir, NULL);
	free(records);
	free(dir);
	return rc;
}
