/* tests/fuzz/fuzz_store.c — libFuzzer target: crafted stores.  The input
 * is written as the runlens.db of a fresh store folder, which is opened
 * with store_open as every command opens it (migrating an older schema),
 * then read the way the commands and the browser read it: pipelines and
 * runs page by page, runs filtered and sorted, each run's steps,
 * attempts, outputs, inputs, metadata, metrics and series, stacks, saved
 * views, completion, the liveness check's running runs and gc's
 * selection of dead artifacts (rolled back: no file is deleted).  Any
 * bytes: an error or an answer, never a crash, a leak or a hang (every
 * loop below is bounded; the store's own must be too), and every text
 * field the schema declares NOT NULL comes back non-NULL. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/filter.h"
#include "store/store.h"
#include "util/fs.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/runlens-fuzz-store.XXXXXX";
static char db[64], wal[64], shm[64];

/* at most this many rows of each list are followed further */
#define FOLLOW 8
#define PAGES 4

/* a run met twice while paging: a keyset cursor that pages back (a bug
 * unless the database itself is damaged, which integrity_check tells) */
static int paged_twice;

static void need(const void *p, const char *what)
{
	if (!p) {
		fprintf(stderr, "NULL %s from the store\n", what);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(db, sizeof db, "%s/%s", dir, STORE_DB_NAME);
	snprintf(wal, sizeof wal, "%s-wal", db);
	snprintf(shm, sizeof shm, "%s-shm", db);
	return 0;
}

static void metrics_of(struct store *s, int64_t step_run_id)
{
	struct store_metric *m = NULL;
	int n = 0;
	if (store_step_metrics(s, step_run_id, &m, &n, NULL) < 0)
		return;
	for (int i = 0; i < n && i < FOLLOW; i++) {
		need(m[i].step, "metric step");
		need(m[i].key, "metric key");
		struct store_metric_point *p = NULL;
		int np = 0;
		if (store_metric_series(s, step_run_id, m[i].key, INT64_MIN, 100, &p, &np,
					NULL) == 0 && np > 0) {
			free(p);
			p = NULL;
			/* the next page, after the last index seen */
			if (store_metric_series(s, step_run_id, m[i].key, INT64_MAX - 1, 100,
						&p, &np, NULL) == 0)
				free(p);
		}
	}
	store_metrics_free(m, n);
}

static void attempts_of(struct store *s, int64_t step_run_id)
{
	struct store_attempt *a = NULL;
	int n = 0;
	if (store_attempts_of(s, step_run_id, &a, &n, NULL) < 0)
		return;
	for (int i = 0; i < n && i < FOLLOW; i++) {
		need(a[i].status, "attempt status");
		struct store_metric *m = NULL;
		int nm = 0;
		if (store_attempt_metrics(s, a[i].id, &m, &nm, NULL) == 0) {
			for (int k = 0; k < nm && k < FOLLOW; k++) {
				struct store_metric_point *p = NULL;
				int np = 0;
				need(m[k].key, "attempt metric key");
				if (store_attempt_metric_series(s, a[i].id, m[k].key, &p, &np,
								NULL) == 0)
					free(p);
			}
			store_metrics_free(m, nm);
		}
		struct store_meta *md = NULL;
		int nmd = 0;
		if (store_attempt_metadata(s, a[i].id, &md, &nmd, NULL) == 0)
			store_metas_free(md, nmd);
	}
	store_attempts_free(a, n);
}

static void refs(struct store_artifact_ref *r, int n)
{
	for (int i = 0; i < n; i++)
		need(r[i].name, "artifact ref name");
	store_artifact_refs_free(r, n);
}

static void step_of(struct store *s, const struct store_run *run,
		    const struct store_step_run *sr)
{
	need(sr->name, "step name");
	need(sr->status, "step status");
	struct store_step_run again = { 0 };
	if (store_step_run_get(s, run->id, sr->name, &again, NULL) == 0)
		store_step_run_clear(&again);
	if (store_step_run_get_by_id(s, sr->id, &again, NULL) == 0)
		store_step_run_clear(&again);
	attempts_of(s, sr->id);
	struct store_artifact_ref *r = NULL;
	int n = 0;
	if (store_outputs_of(s, sr->id, &r, &n, NULL) == 0)
		refs(r, n);
	if (store_inputs_of(s, sr->id, &r, &n, NULL) == 0)
		refs(r, n);
	struct store_meta *md = NULL;
	if (store_metadata_of(s, sr->id, &md, &n, NULL) == 0) {
		for (int i = 0; i < n; i++) {
			need(md[i].key, "metadata key");
			need(md[i].value_json, "metadata value");
		}
		store_metas_free(md, n);
	}
	metrics_of(s, sr->id);
	char *parts = NULL;
	if (store_cache_parts(s, sr->id, &parts, NULL) == 0)
		free(parts);
	int64_t id = 0, ids[4];
	if (store_cache_previous(s, run->pipeline_id, sr->name, sr->id, &id, &parts,
				 NULL) == 0)
		free(parts);
	struct store_key_parts *kp = NULL;
	if (store_cache_recent(s, run->pipeline_id, sr->name, 0, 4, &kp, &n, NULL) == 0)
		store_key_parts_free(kp, n);
	if (sr->cache_key)
		store_cache_candidates(s, run->pipeline_id, sr->name, sr->cache_key, ids, 4,
				       &n, NULL);
}

static void run_of(struct store *s, const struct store_run *row)
{
	need(row->name, "run name");
	need(row->status, "run status");
	need(row->pipeline, "run pipeline");
	struct store_run r = { 0 };
	if (store_run_get(s, row->id, &r, NULL) < 0)
		return;
	int64_t id = 0;
	store_run_id_by_name(s, r.name, &id, NULL);
	store_run_previous_completed(s, r.pipeline_id, &r.at, &id, NULL);
	struct store_step_run *steps = NULL;
	int n = 0;
	if (store_step_runs_of_run(s, r.id, &steps, &n, NULL) == 0) {
		for (int i = 0; i < n && i < FOLLOW; i++)
			step_of(s, &r, &steps[i]);
		store_step_runs_free(steps, n);
	}
	struct store_metric *m = NULL;
	if (store_run_metrics(s, r.id, &m, &n, NULL) == 0) {
		for (int i = 0; i < n && i < FOLLOW; i++) {
			double v;
			int found;
			struct store_metric_run *h = NULL;
			int nh = 0;
			store_metric_value(s, r.id, m[i].step, m[i].key, &v, &found, NULL);
			if (store_metric_history(s, r.pipeline_id, m[i].step, m[i].key, r.id, 20,
						 &h, &nh, NULL) == 0)
				free(h);
		}
		store_metrics_free(m, n);
	}
	store_run_clear(&r);
}

static void runs_pages(struct store *s, int64_t pipeline_id)
{
	struct store_run_cursor c, *after = NULL;
	int64_t seen[PAGES * 5];
	int nseen = 0;
	for (int page = 0; page < PAGES; page++) {
		struct store_run *rows = NULL;
		int n = 0;
		if (store_runs_page(s, pipeline_id, after, 5, &rows, &n, NULL) < 0)
			return;
		for (int i = 0; i < n && page == 0 && i < FOLLOW; i++)
			run_of(s, &rows[i]);
		for (int i = 0; i < n; i++) {
			for (int k = 0; k < nseen; k++)
				paged_twice |= seen[k] == rows[i].id;
			if (nseen < PAGES * 5)
				seen[nseen++] = rows[i].id;
		}
		if (n > 0) {
			c = rows[n - 1].at;
			after = &c;
		}
		store_runs_free(rows, n);
		if (n < 5)
			return;
	}
}

static void queries(struct store *s)
{
	static const char *const filters[] = {
		"status=completed", "params.lr>0.05 and tag=alpha", "train.loss<1 or name~v",
		"duration>1s and started>2020-01-01", "not pipeline=x", "id>=2",
	};
	static const char *const sorts[] = { "-train.loss", "params.lr", "duration",
					     "-started", "name" };
	for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
		struct store_filter *f = NULL;
		struct store_sort so = { 0 };
		struct store_run *rows = NULL;
		int n = 0;
		if (filter_parse(filters[i], 1700000000000LL, &f, NULL) < 0)
			abort();
		if (filter_parse_sort(sorts[i % (sizeof sorts / sizeof sorts[0])], &so, NULL) < 0)
			abort();
		if (store_runs_query(s, 0, f, &so, 1700000000000LL, 10, &rows, &n, NULL) == 0)
			store_runs_free(rows, n);
		if (store_runs_query(s, 1, f, NULL, 1700000000000LL, 10, &rows, &n, NULL) == 0)
			store_runs_free(rows, n);
		filter_free(&f);
		filter_sort_clear(&so);
	}
}

static void pipelines(struct store *s)
{
	char *after = NULL;
	for (int page = 0; page < PAGES; page++) {
		struct store_pipeline *p = NULL;
		int n = 0;
		if (store_pipelines_page(s, after, 4, &p, &n, NULL) < 0)
			break;
		for (int i = 0; i < n && page == 0; i++) {
			struct store_pipeline one = { 0 };
			need(p[i].name, "pipeline name");
			if (store_pipeline_get(s, p[i].name, &one, NULL) == 0)
				store_pipeline_clear(&one);
			if (store_pipeline_get_by_id(s, p[i].id, &one, NULL) == 0)
				store_pipeline_clear(&one);
			runs_pages(s, p[i].id);
		}
		free(after);
		after = n > 0 ? strdup(p[n - 1].name) : NULL;
		store_pipelines_free(p, n);
		if (n < 4 || !after)
			break;
	}
	free(after);
}

static void stacks_views_names(struct store *s)
{
	struct store_stack *k = NULL;
	int n = 0;
	if (store_stacks_page(s, NULL, 10, &k, &n, NULL) == 0) {
		for (int i = 0; i < n; i++) {
			struct store_stack one = { 0 };
			need(k[i].name, "stack name");
			if (store_stack_get(s, k[i].name, &one, NULL) == 0)
				store_stack_clear(&one);
		}
		store_stacks_free(k, n);
	}
	struct store_saved_view *v = NULL;
	if (store_views_page(s, NULL, 10, &v, &n, NULL) == 0) {
		for (int i = 0; i < n; i++) {
			struct store_saved_view one = { 0 };
			need(v[i].name, "view name");
			if (store_view_get(s, v[i].name, &one, NULL) == 0)
				store_view_clear(&one);
		}
		store_views_free(v, n);
	}
	static const char *const prefixes[] = { "", "v", "\xff" };
	for (int kind = STORE_NAMES_RUN; kind <= STORE_NAMES_STACK; kind++)
		for (int i = 0; i < 3; i++) {
			char **names = NULL;
			if (store_names_with_prefix(s, (enum store_name_kind)kind, prefixes[i], 10,
						    &names, &n, NULL) == 0)
				store_names_free(names, n);
		}
	static const char *const digits[] = { "1", "9", "123456789012345678" };
	for (int i = 0; i < 3; i++) {
		int64_t *ids = NULL;
		if (store_run_ids_with_prefix(s, digits[i], 10, &ids, &n, NULL) == 0)
			free(ids);
	}
}

/* What a command does before it reads: the runs still running (marked
 * interrupted when their runner is gone), and gc's selection. */
static void writes(struct store *s)
{
	struct store_run *rows = NULL;
	int n = 0;
	if (store_runs_running(s, &rows, &n, NULL) == 0) {
		for (int i = 0; i < n && i < FOLLOW; i++)
			store_run_mark_interrupted(s, rows[i].id, 1700000000000LL, NULL);
		store_runs_free(rows, n);
	}
	if (store_begin(s, NULL) < 0)
		return;
	int64_t dropped = 0, bytes = 0;
	char **paths = NULL;
	if (store_gc_artifacts(s, &dropped, &paths, &n, &bytes, NULL) == 0) {
		for (int i = 0; i < n; i++) {
			need(paths[i], "gc path");
			free(paths[i]);
		}
		free(paths);
	}
	store_rollback(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unlink(wal);
	unlink(shm);
	if (fs_write_file(db, (const char *)data, size, 0644, NULL) < 0)
		abort();
	struct store *s = NULL;
	struct rl_err err = RL_ERR_INIT;
	if (store_open(dir, 0, &s, &err) < 0) {
		if (!err.msg || strchr(err.msg, '\n'))
			abort(); /* one line */
		rl_err_clear(&err);
		return 0;
	}
	int64_t v;
	int began = 0, ok = 0;
	paged_twice = 0;
	store_data_version(s, &v, NULL);
	store_schema_version(s);
	writes(s);
	if (store_read_begin(s, &began, NULL) == 0) {
		pipelines(s);
		runs_pages(s, 0);
		store_read_end(s, began);
	}
	queries(s);
	stacks_views_names(s);
	if (paged_twice && store_integrity_check(s, &ok, NULL) == 0 && ok) {
		fprintf(stderr, "a run came back on a later page\n");
		abort();
	}
	store_integrity_check(s, &ok, NULL);
	store_close(&s);
	return 0;
}
