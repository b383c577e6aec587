/* bench/gen.c — `rlbench gen DIR`: a realistic store made quickly through
 * the store's bulk API (store/bulk.c), in batches of one transaction.
 *
 * RUNS runs over PIPELINES pipelines, one a minute or so; 90% completed,
 * 7% failed, 3% interrupted; params lr and batch; tags on a quarter of the
 * runs; a note on 1%.  Every run has a "train" step with METRIC_ROWS/RUNS
 * metric points (a "loss" series, "acc" and "lr") and their summaries;
 * SAMPLE runs have 10 steps.  Two runs (BENCH_CMP_A/B) get a "benchmark"
 * step with 1,000 metrics each.  Each run keeps its pipeline file (about
 * 2 KB, a new version of each pipeline's file every 50,000 runs), as the
 * runner does.  The newest WIDE runs (20,000; all of a smaller store) are
 * as wide as an experiment table gets: 8 params and 12 metrics (the
 * experiment-table figures of docs/benchmarks.md read those runs).  DIR/bench-stamp records the sizes and the schema version:
 * a store that matches is reused as it is. */
#include "config.h"
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "store/store.h"
#include "util/fs.h"

#define BATCH 5000
#define T0 1700000000000LL
#define WIDE 20000 /* the newest runs with 8 params and 12 metrics */

/* The extra params and metrics of a wide run (20 columns with lr, batch,
 * train.loss, train.acc, train.lr). */
static const char *const wide_params[6] = { "dropout", "wd", "warmup", "layers", "heads",
					    "optimizer" };
static const char *const wide_metrics[9] = { "val_acc", "val_loss", "f1", "auc", "precision",
					     "recall", "rmse", "mae", "latency_ms" };

static const char *const step_names[10] = {
	"fetch", "validate", "featurize", "train", "tune",
	"evaluate", "explain", "package", "register", "report",
};

struct gen {
	struct store *s;
	struct bench_sizes z;
	int64_t *pipeline_ids;
	long long per_run; /* metric points of each run's train step */
	int64_t *spec_ids; /* per pipeline: the id of its current file */
	long long *spec_version;
};

/* The pipeline file of pipeline P at VERSION: ten steps in a chain, as a
 * user writes them (about 2 KB); malloc'd, NULL when out of memory. */
static char *spec_text(long long p, long long version)
{
	char name[32], about[64], run[320], out[32];
	snprintf(name, sizeof name, "pipe-%03lld", p);
	snprintf(about, sizeof about, "generated pipeline, version %lld", version);
	cJSON *doc = cJSON_CreateObject(), *steps = cJSON_CreateArray(), *params;
	cJSON_AddStringToObject(doc, "name", name);
	cJSON_AddStringToObject(doc, "description", about);
	if ((params = cJSON_AddObjectToObject(doc, "params"))) {
		cJSON_AddNumberToObject(params, "lr", 0.001);
		cJSON_AddNumberToObject(params, "batch", 32);
		/* the wide runs' (the train step takes them) */
		for (int w = 0; w < 5; w++)
			cJSON_AddNumberToObject(params, wide_params[w], w < 2 ? 0.1 : 2);
		cJSON_AddStringToObject(params, wide_params[5], "adam");
	}
	cJSON_AddItemToObject(doc, "steps", steps);
	for (int k = 0; k < 10; k++) {
		cJSON *st = cJSON_CreateObject();
		if (k == 3) /* train */
			snprintf(run, sizeof run,
				 "python3 steps/train.py --lr ${params.lr} --batch ${params.batch} "
				 "--dropout ${params.dropout} --wd ${params.wd} --warmup ${params.warmup} "
				 "--layers ${params.layers} --heads ${params.heads} "
				 "--optimizer ${params.optimizer} --out ${outputs.out}");
		else
			snprintf(run, sizeof run,
				 "python3 steps/%s.py --lr ${params.lr} --batch ${params.batch} "
				 "--out ${outputs.out}", step_names[k]);
		snprintf(out, sizeof out, "%s.bin", step_names[k]);
		cJSON_AddStringToObject(st, "name", step_names[k]);
		cJSON_AddStringToObject(st, "run", run);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(st, "outputs"), "out", out);
		if (k)
			cJSON_AddItemToArray(cJSON_AddArrayToObject(st, "needs"),
					     cJSON_CreateString(step_names[k - 1]));
		cJSON_AddItemToArray(steps, st);
	}
	char *text = cJSON_Print(doc);
	cJSON_Delete(doc);
	return text;
}

/* The spec id of pipeline P for run I, added when its version changes. */
static int spec_of(struct gen *g, long long p, long long i, int64_t *id,
		   struct rl_err *err)
{
	long long version = 1 + i / 50000;
	if (g->spec_version[p] != version) {
		char *text = spec_text(p, version);
		int rc = text ? store_spec_add(g->s, text, &g->spec_ids[p], err)
			      : rl_err_set(err, RL_E_NOMEM, NULL);
		free(text);
		if (rc < 0)
			return -1;
		g->spec_version[p] = version;
	}
	*id = g->spec_ids[p];
	return 0;
}

/* A deterministic pseudo-random number in [0, 1) for (i, salt). */
static double rnd(long long i, unsigned salt)
{
	uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ULL + salt * 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 31;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 29;
	return (double)(x >> 11) / 9007199254740992.0;
}

static int add_metric(struct gen *g, const struct store_bulk_step *b,
		      const char *key, int n, double first, double last,
		      int64_t t, struct rl_err *err)
{
	struct store_metric m = { .key = (char *)key, .count = n, .is_series = n > 1 };
	m.min = first < last ? first : last;
	m.max = first < last ? last : first;
	for (int k = 0; k < n; k++) {
		double v = n > 1 ? first + (last - first) * k / (n - 1) : last;
		if (store_bulk_metric(g->s, b, key, n > 1, k, v, t + k * 1000, err) < 0)
			return -1;
	}
	m.value = last;
	return store_bulk_summary(g->s, b, &m, err);
}

static int gen_steps(struct gen *g, long long i, int64_t run_id, int64_t t,
		     const char *status, struct rl_err *err)
{
	int nsteps = i % (g->z.runs / g->z.sample ? g->z.runs / g->z.sample : 1) == 0 ? 10 : 1;
	for (int k = 0; k < nsteps; k++) {
		const char *name = nsteps == 1 ? "train" : step_names[k];
		struct store_bulk_step b = {
			.run_id = run_id, .name = name, .status = "completed",
			.position = k, .started_ms = t + k * 5000,
			.ended_ms = t + k * 5000 + 4000,
		};
		if (strcmp(status, "completed") && k == nsteps - 1)
			b.status = status;
		if (store_bulk_step_run(g->s, &b, &b.id, err) < 0)
			return -1;
		if (strcmp(name, "train"))
			continue;
		double loss = 0.05 + rnd(i, 1), acc = 0.5 + rnd(i, 2) / 2;
		int series = (int)(g->per_run - 2);
		if (add_metric(g, &b, "loss", series, loss * 4, loss, t, err) < 0 ||
		    add_metric(g, &b, "acc", 1, acc, acc, t, err) < 0 ||
		    add_metric(g, &b, "lr", 1, 0, 0.001 * (1 + i % 10), t, err) < 0)
			return -1;
		for (int w = 0; i >= g->z.runs - WIDE && w < 9; w++) {
			double v = rnd(i, 10 + (unsigned)w) * (w == 8 ? 250 : 1);
			if (add_metric(g, &b, wide_metrics[w], 1, v, v, t, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int gen_run(struct gen *g, long long i, const char *name, int64_t *id,
		   struct rl_err *err)
{
	int64_t t = T0 + i * 30000 + (int64_t)(rnd(i, 3) * 20000);
	long long pct = i % 100;
	const char *status = pct < 90 ? "completed" : pct < 97 ? "failed" : "interrupted";
	char params[512], lr[32], batch[32], wide[6][32];
	snprintf(lr, sizeof lr, "%g", 0.001 * (1 + i % 10));
	snprintf(batch, sizeof batch, "%lld", 32LL << (i % 4));
	int is_wide = i >= g->z.runs - WIDE;
	snprintf(wide[0], sizeof wide[0], "%g", 0.1 * (i % 5));
	snprintf(wide[1], sizeof wide[1], "%g", 0.0001 * (1 + i % 3));
	snprintf(wide[2], sizeof wide[2], "%lld", 100 * (i % 7));
	snprintf(wide[3], sizeof wide[3], "%lld", 2 + i % 10);
	snprintf(wide[4], sizeof wide[4], "%lld", 4LL << (i % 3));
	snprintf(wide[5], sizeof wide[5], "\"%s\"", i % 2 ? "adam" : "sgd");
	if (is_wide)
		snprintf(params, sizeof params,
			 "{\"lr\":%s,\"batch\":%s,\"dropout\":%s,\"wd\":%s,\"warmup\":%s,"
			 "\"layers\":%s,\"heads\":%s,\"optimizer\":%s}",
			 lr, batch, wide[0], wide[1], wide[2], wide[3], wide[4], wide[5]);
	else
		snprintf(params, sizeof params, "{\"lr\":%s,\"batch\":%s}", lr, batch);
	int64_t spec_id;
	if (spec_of(g, i % g->z.pipelines, i, &spec_id, err) < 0)
		return -1;
	struct store_bulk_run r = {
		.pipeline_id = g->pipeline_ids[i % g->z.pipelines], .spec_id = spec_id,
		.name = name, .status = status, .started_ms = t,
		.ended_ms = t + 60000 + (int64_t)(rnd(i, 4) * 600000),
		.spec_path = "/srv/pipelines/pipeline.json", .params_json = params,
	};
	if (store_bulk_run(g->s, &r, id, err) < 0 ||
	    store_run_add_param(g->s, *id, "lr", lr, err) < 0 ||
	    store_run_add_param(g->s, *id, "batch", batch, err) < 0)
		return -1;
	for (int w = 0; is_wide && w < 6; w++)
		if (store_run_add_param(g->s, *id, wide_params[w], wide[w], err) < 0)
			return -1;
	if (i % 4 == 0 && store_run_add_tag(g->s, *id, "nightly", err) < 0)
		return -1;
	if (i % 10 == 0) {
		char tag[32];
		snprintf(tag, sizeof tag, "exp-%lld", (i / 10) % 50);
		if (store_run_add_tag(g->s, *id, tag, err) < 0)
			return -1;
	}
	if (i % 100 == 0 && store_run_add_note(g->s, *id, "looked at this one", t, err) < 0)
		return -1;
	return gen_steps(g, i, *id, t, status, err);
}

static int gen_compare(struct gen *g, int64_t run_id, double shift, struct rl_err *err)
{
	struct store_bulk_step b = {
		.run_id = run_id, .name = "benchmark", .status = "completed",
		.position = 10, .started_ms = T0, .ended_ms = T0 + 1000,
	};
	if (store_bulk_step_run(g->s, &b, &b.id, err) < 0)
		return -1;
	for (int k = 0; k < 1000; k++) {
		char key[32];
		snprintf(key, sizeof key, "%s_%04d", k % 3 ? "score" : "loss", k);
		double v = rnd(k, 5) + (k % 2 ? shift : 0);
		if (add_metric(g, &b, key, 1, v, v, T0, err) < 0)
			return -1;
	}
	return 0;
}

static int generate(struct gen *g, struct rl_err *err)
{
	g->pipeline_ids = calloc((size_t)g->z.pipelines, sizeof(int64_t));
	g->spec_ids = calloc((size_t)g->z.pipelines, sizeof(int64_t));
	g->spec_version = calloc((size_t)g->z.pipelines, sizeof(long long));
	if (!g->pipeline_ids || !g->spec_ids || !g->spec_version)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (store_bulk_mode(g->s, 1, err) < 0 || store_begin(g->s, err) < 0)
		return -1;
	for (long long p = 0; p < g->z.pipelines; p++) {
		char name[32];
		snprintf(name, sizeof name, "pipe-%03lld", p);
		if (store_pipeline_ensure(g->s, name, "generated by rlbench",
					  &g->pipeline_ids[p], err) < 0)
			goto fail;
	}
	long long mid = g->z.runs / 2;
	for (long long i = 0; i < g->z.runs; i++) {
		char name[64];
		int64_t id;
		if (i == mid || i == mid + 1)
			snprintf(name, sizeof name, "%s", i == mid ? BENCH_CMP_A : BENCH_CMP_B);
		else
			bench_run_name(name, sizeof name, i, g->z.pipelines);
		if (gen_run(g, i, name, &id, err) < 0 ||
		    ((i == mid || i == mid + 1) &&
		     gen_compare(g, id, i == mid ? 0.01 : 0, err) < 0))
			goto fail;
		if ((i + 1) % BATCH == 0) {
			if (store_commit(g->s, err) < 0 || store_begin(g->s, err) < 0)
				goto fail;
			if ((i + 1) % (BATCH * 40) == 0)
				fprintf(stderr, "rlbench: %lld runs\n", i + 1);
		}
	}
	if (store_bulk_finish(g->s, err) < 0 || store_commit(g->s, err) < 0)
		goto fail;
	return store_bulk_mode(g->s, 0, err);
fail:
	store_rollback(g->s);
	return -1;
}

int bench_gen(int argc, char **argv)
{
	struct rl_err err = RL_ERR_INIT;
	struct gen g = { 0 };
	if (argc != 2) {
		fprintf(stderr, "runlens: usage: rlbench gen DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	bench_sizes(&g.z);
	g.per_run = g.z.metric_rows / g.z.runs < 3 ? 3 : g.z.metric_rows / g.z.runs;
	char stamp[256];
	snprintf(stamp, sizeof stamp,
		 "schema=%d runs=%lld pipelines=%lld metric_rows=%lld sample=%lld gen=4\n",
		 STORE_SCHEMA_VERSION, g.z.runs, g.z.pipelines, g.per_run * g.z.runs,
		 g.z.sample);
	char *stamp_path = fs_join(dir, "bench-stamp");
	char *old = NULL;
	size_t len = 0;
	int rc = 1;
	if (fs_read_file(stamp_path, &old, &len, NULL) == 0 && !strcmp(old, stamp)) {
		printf("cached %s", stamp);
		rc = 0;
		goto cleanup;
	}
	/* a store of other sizes or an older schema: make it again (only the
	 * files a store has, never the whole folder the user named) */
	static const char *const files[] = { "bench-stamp", STORE_DB_NAME,
					     STORE_DB_NAME "-wal", STORE_DB_NAME "-shm" };
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		char *f = fs_join(dir, files[k]);
		if (f)
			unlink(f);
		free(f);
	}
	double t0 = bench_now_ms();
	if (store_open(dir, STORE_CREATE, &g.s, &err) < 0 || generate(&g, &err) < 0)
		goto cleanup;
	store_close(&g.s);
	if (fs_write_file(stamp_path, stamp, strlen(stamp), 0644, &err) < 0)
		goto cleanup;
	printf("generated %s", stamp);
	printf("gen_seconds %.1f\n", (bench_now_ms() - t0) / 1000);
	rc = 0;
cleanup:
	if (rc && err.code != RL_E_OK)
		bench_fail(&err);
	store_close(&g.s);
	free(g.pipeline_ids);
	free(g.spec_ids);
	free(g.spec_version);
	free(stamp_path);
	free(old);
	return rc;
}
