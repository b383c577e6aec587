/* bench/browse.c — `rlbench browse BIG SMALL`: what the browser asks the
 * store, timed on two generated stores side by side (each operation on BIG
 * then on SMALL, round after round, so that noise hits both alike; median
 * of RLBENCH_REPEATS):
 *
 *   open_first   open the store as the browser does, first page of runs
 *   next_page    the page after the first
 *   deep_page    a page about 90% of the way down (by key, not offset)
 *   filter       first page of `train.acc > 0.9`
 *   sort         first page sorted by train.loss
 *   sort_status, sort_name, sort_pipeline, sort_started, sort_duration,
 *   sort_param, sort_tags
 *                first page sorted by that column (params.lr; tags: by
 *                the first tag; status, name, pipeline and tags
 *                ascending, the others descending: as the browser's s
 *                first sorts them)
 *   sort_next    a later page of the status sort (after the cursor of
 *                page 50, by key: the cost of every PgDn)
 *   sort_tags_next  the same of the sort by tags
 *   sort_deep    a page of the status sort far down: after the completed
 *                run before the deep page's (a cursor inside a value
 *                most runs share)
 *   search_slice the longest stretch between two calls of the progress
 *                handler while `name~zz` (no run matches) reads every
 *                name: how long the browser's keys can wait
 *   compare      two runs with 1,000 metrics each, loaded and paired
 *
 * A page is RLBENCH_PAGE rows (default 200, the browser's page). */
#include "config.h"
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/compare.h"
#include "core/filter.h"
#include "core/session.h"
#include "store/store.h"
#include "util/fs.h"

/* the sorts of sort_status … sort_tags, in this order */
enum { SORT_STATUS, SORT_PARAM = 5, SORT_TAGS, NSORTS };

struct browse {
	const char *dir;
	struct store *s;
	int page;
	struct store_run_cursor second, deep;
	struct store_filter *filter;
	struct store_sort sort;
	struct store_sort sorts[NSORTS];
	struct store_sort_cursor deep_sorted, deep_tags, deep_status;
	struct store_filter *search;
	int64_t cmp_a, cmp_b;
	int64_t now;
};

typedef int (*op_fn)(struct browse *b, struct rl_err *err);

static int page_of(struct browse *b, const struct store_run_cursor *after,
		   struct store_run_cursor *last, struct rl_err *err)
{
	struct store_run *rows = NULL;
	int n = 0;
	if (store_runs_page(b->s, 0, after, b->page, &rows, &n, err) < 0)
		return -1;
	if (last && n)
		*last = rows[n - 1].at;
	store_runs_free(rows, n);
	return n == b->page ? 0 : rl_err_set(err, RL_E_FAIL, "short page: %d rows", n);
}

static int op_open_first(struct browse *b, struct rl_err *err)
{
	struct store *keep = b->s;
	int rc = session_open(b->dir, 0, &b->s, err);
	if (rc == 0)
		rc = page_of(b, NULL, NULL, err);
	store_close(&b->s);
	b->s = keep;
	return rc;
}

static int op_next_page(struct browse *b, struct rl_err *err)
{
	return page_of(b, &b->second, NULL, err);
}

static int op_deep_page(struct browse *b, struct rl_err *err)
{
	return page_of(b, &b->deep, NULL, err);
}

static int query(struct browse *b, const struct store_filter *f,
		 const struct store_sort *so, struct rl_err *err)
{
	struct store_run *rows = NULL;
	int n = 0;
	if (store_runs_query(b->s, 0, f, so, b->now, b->page, &rows, &n, err) < 0)
		return -1;
	store_runs_free(rows, n);
	return n == b->page ? 0 : rl_err_set(err, RL_E_FAIL, "short page: %d rows", n);
}

static int op_filter(struct browse *b, struct rl_err *err)
{
	return query(b, b->filter, NULL, err);
}

static int op_sort(struct browse *b, struct rl_err *err)
{
	return query(b, NULL, &b->sort, err);
}

static int sort_n(struct browse *b, int k, struct rl_err *err)
{
	return query(b, NULL, &b->sorts[k], err);
}
static int op_sort_status(struct browse *b, struct rl_err *err) { return sort_n(b, 0, err); }
static int op_sort_name(struct browse *b, struct rl_err *err) { return sort_n(b, 1, err); }
static int op_sort_pipeline(struct browse *b, struct rl_err *err) { return sort_n(b, 2, err); }
static int op_sort_started(struct browse *b, struct rl_err *err) { return sort_n(b, 3, err); }
static int op_sort_duration(struct browse *b, struct rl_err *err) { return sort_n(b, 4, err); }
static int op_sort_param(struct browse *b, struct rl_err *err)
{
	return sort_n(b, SORT_PARAM, err);
}
static int op_sort_tags(struct browse *b, struct rl_err *err) { return sort_n(b, SORT_TAGS, err); }

/* The page of sort K after cursor AFTER (left as it is). */
static int sorted_after(struct browse *b, int k, const struct store_sort_cursor *after,
			struct rl_err *err)
{
	struct store_sort_cursor c = *after;
	struct store_run *rows = NULL;
	int n = 0;
	if (after->text && !(c.text = strdup(after->text)))
		return rl_err_set(err, RL_E_NOMEM, NULL);
	int rc = store_runs_query_page(b->s, 0, NULL, &b->sorts[k], b->now, &c, b->page, &rows,
				       &n, err);
	store_sort_cursor_clear(&c);
	store_runs_free(rows, n);
	if (rc < 0)
		return -1;
	return n == b->page ? 0 : rl_err_set(err, RL_E_FAIL, "short page: %d rows", n);
}

static int op_sort_next(struct browse *b, struct rl_err *err)
{
	return sorted_after(b, SORT_STATUS, &b->deep_sorted, err);
}

static int op_sort_tags_next(struct browse *b, struct rl_err *err)
{
	return sorted_after(b, SORT_TAGS, &b->deep_tags, err);
}

static int op_sort_deep(struct browse *b, struct rl_err *err)
{
	return sorted_after(b, SORT_STATUS, &b->deep_status, err);
}

/* *C: the cursor after page PAGES of sort K. */
static int cursor_after(struct browse *b, int k, long long pages, struct store_sort_cursor *c,
			struct rl_err *err)
{
	for (long long p = 0; p < pages; p++) {
		struct store_run *rows = NULL;
		int n = 0;
		if (store_runs_query_page(b->s, 0, NULL, &b->sorts[k], b->now, c, b->page, &rows,
					  &n, err) < 0)
			return -1;
		store_runs_free(rows, n);
	}
	return 0;
}

struct slices {
	double last, longest;
};

static int on_slice(void *ctx)
{
	struct slices *sl = ctx;
	double now = bench_now_ms();
	if (now - sl->last > sl->longest)
		sl->longest = now - sl->last;
	sl->last = now;
	return 0;
}

/* Timed as the longest slice, not the whole query: what a key waits. */
static double search_longest;

static int op_search_slice(struct browse *b, struct rl_err *err)
{
	struct slices sl = { bench_now_ms(), 0 };
	struct store_run *rows = NULL;
	int n = 0;
	store_set_progress(b->s, on_slice, &sl);
	int rc = store_runs_query(b->s, 0, b->search, NULL, b->now, b->page, &rows, &n, err);
	store_set_progress(b->s, NULL, NULL);
	on_slice(&sl);
	store_runs_free(rows, n);
	search_longest = sl.longest;
	return rc;
}

static int op_compare(struct browse *b, struct rl_err *err)
{
	/* pair them as `runlens compare` and the browser do */
	struct compare *c = NULL;
	if (compare_new(b->s, b->cmp_a, &b->cmp_b, 1, &c, err) < 0)
		return -1;
	int better = 0;
	for (int i = 0; i < c->pairs[0].nmetrics; i++)
		better += c->pairs[0].metrics[i].result == COMPARE_BETTER;
	int na = c->run.nm, nb = c->others[0].nm;
	compare_free(&c);
	return na >= 1000 && nb >= 1000 && better > 0
		       ? 0
		       : rl_err_set(err, RL_E_FAIL, "compare: %d and %d metrics", na, nb);
}

/* The sizes a generated store was made with, from its bench-stamp. */
static int stamp_sizes(const char *dir, struct bench_sizes *z, struct rl_err *err)
{
	char *path = fs_join(dir, "bench-stamp"), *text = NULL;
	int rc = -1;
	if (!path || fs_read_file(path, &text, NULL, err) < 0)
		goto cleanup;
	const char *r = strstr(text, "runs="), *p = strstr(text, "pipelines=");
	if (!r || !p) {
		rl_err_set(err, RL_E_INPUT, "%s is not a bench stamp", path);
		goto cleanup;
	}
	z->runs = atoll(r + 5);
	z->pipelines = atoll(p + 10);
	rc = 0;
cleanup:
	free(path);
	free(text);
	return rc;
}

static int setup(struct browse *b, struct rl_err *err)
{
	struct bench_sizes z;
	char name[64];
	int64_t id;
	struct store_run r = { 0 };
	if (stamp_sizes(b->dir, &z, err) < 0 || session_open(b->dir, 0, &b->s, err) < 0 ||
	    page_of(b, NULL, &b->second, err) < 0)
		return -1;
	/* the deep page starts after the run about 90% of the way down (the
	 * 10%-oldest, plus a page so that a full page follows) */
	bench_run_name(name, sizeof name, z.runs / 10 + b->page, z.pipelines);
	if (store_run_id_by_name(b->s, name, &id, err) < 0 ||
	    store_run_get(b->s, id, &r, err) < 0)
		return -1;
	b->deep.started_ms = r.started_ms;
	b->deep.id = r.id;
	store_run_clear(&r);
	/* in the status sort: the place of a completed run there (90% of
	 * the runs are), whatever that run's status */
	if (!(b->deep_status.text = strdup("completed")))
		return rl_err_set(err, RL_E_NOMEM, NULL);
	b->deep_status.set = 1;
	b->deep_status.vtype = STORE_SORT_TEXT;
	b->deep_status.started_ms = b->deep.started_ms;
	b->deep_status.id = b->deep.id;
	if (store_run_id_by_name(b->s, BENCH_CMP_A, &b->cmp_a, err) < 0 ||
	    store_run_id_by_name(b->s, BENCH_CMP_B, &b->cmp_b, err) < 0)
		return -1;
	if (filter_parse("train.acc > 0.9", b->now, &b->filter, err) < 0 ||
	    filter_parse("name ~ zz", b->now, &b->search, err) < 0 ||
	    filter_parse_sort("train.loss", &b->sort, err) < 0)
		return -1;
	static const char *const sorts[NSORTS] = { "status",    "name",	     "pipeline",
						    "-started", "-duration", "-params.lr",
						    "tags" };
	for (int k = 0; k < NSORTS; k++)
		if (filter_parse_sort(sorts[k], &b->sorts[k], err) < 0)
			return -1;
	/* the cursor after page 50 of the status sort (a small store: a page
	 * that a full page follows), and of the sort by tags within its
	 * tagged runs (a quarter and more: a small store's then also) */
	long long pages = z.runs / b->page - 1 < 50 ? z.runs / b->page - 1 : 50;
	long long tagged = z.runs / 4 / b->page - 1 < 50 ? z.runs / 4 / b->page - 1 : 50;
	return cursor_after(b, SORT_STATUS, pages, &b->deep_sorted, err) < 0 ||
			       cursor_after(b, SORT_TAGS, tagged < 0 ? 0 : tagged, &b->deep_tags,
					    err) < 0
		       ? -1
		       : 0;
}

static void teardown(struct browse *b)
{
	filter_free(&b->filter);
	filter_free(&b->search);
	filter_sort_clear(&b->sort);
	for (int k = 0; k < NSORTS; k++)
		filter_sort_clear(&b->sorts[k]);
	store_sort_cursor_clear(&b->deep_sorted);
	store_sort_cursor_clear(&b->deep_tags);
	store_sort_cursor_clear(&b->deep_status);
	store_close(&b->s);
}

int bench_browse(int argc, char **argv)
{
	static const struct {
		const char *name;
		op_fn fn;
	} ops[] = {
		{ "open_first", op_open_first }, { "next_page", op_next_page },
		{ "deep_page", op_deep_page },	 { "filter", op_filter },
		{ "sort", op_sort },		 { "compare", op_compare },
		{ "sort_status", op_sort_status }, { "sort_name", op_sort_name },
		{ "sort_pipeline", op_sort_pipeline }, { "sort_started", op_sort_started },
		{ "sort_duration", op_sort_duration }, { "sort_param", op_sort_param },
		{ "sort_next", op_sort_next },	 { "search_slice", op_search_slice },
		{ "sort_tags", op_sort_tags },	 { "sort_tags_next", op_sort_tags_next },
		{ "sort_deep", op_sort_deep },
	};
	enum { NOPS = sizeof ops / sizeof ops[0] };
	struct rl_err err = RL_ERR_INIT;
	struct browse b[2] = { { 0 }, { 0 } };
	int rc = 1;
	double *t[2][NOPS] = { { 0 } };
	if (argc != 3) {
		fprintf(stderr, "runlens: usage: rlbench browse BIG SMALL\n");
		return 2;
	}
	int reps = (int)bench_env("RLBENCH_REPEATS", 41);
	for (int w = 0; w < 2; w++) {
		b[w].dir = argv[1 + w];
		b[w].page = (int)bench_env("RLBENCH_PAGE", 200);
		b[w].now = 1800000000000LL;
		if (setup(&b[w], &err) < 0) {
			rl_err_prefix(&err, "%s", b[w].dir);
			goto cleanup;
		}
		for (int k = 0; k < NOPS; k++)
			if (!(t[w][k] = calloc((size_t)reps, sizeof(double)))) {
				rl_err_set(&err, RL_E_NOMEM, NULL);
				goto cleanup;
			}
	}
	/* round-robin, so a noisy moment hits every operation and store alike;
	 * the search, which reads every run, in rounds of its own after the
	 * others: on the big store it leaves none of what they read in
	 * SQLite's page cache, so between them it would time the cache
	 * filling again rather than the operation after it */
	/* RLBENCH_BROWSE_OPS: a comma-separated subset, to profile one */
	const char *only = getenv("RLBENCH_BROWSE_OPS");
	for (int scan = 0; scan < 2; scan++) {
		for (int r = 0; r < reps; r++)
			for (int k = 0; k < NOPS; k++)
				for (int w = 0; w < 2; w++) {
					if ((ops[k].fn == op_search_slice) != scan ||
					    (only && *only && !strstr(only, ops[k].name)))
						continue;
					double t0 = bench_now_ms();
					if (ops[k].fn(&b[w], &err) < 0) {
						rl_err_prefix(&err, "%s: %s", b[w].dir, ops[k].name);
						goto cleanup;
					}
					t[w][k][r] = ops[k].fn == op_search_slice ? search_longest
										  : bench_now_ms() - t0;
				}
	}
	for (int k = 0; k < NOPS; k++) {
		double big = bench_median(t[0][k], reps), small = bench_median(t[1][k], reps);
		printf("%s_ms %.3f %.3f %.2f\n", ops[k].name, big, small,
		       small > 0 ? big / small : 0);
	}
	rc = 0;
cleanup:
	if (rc)
		bench_fail(&err);
	for (int w = 0; w < 2; w++) {
		for (int k = 0; k < NOPS; k++)
			free(t[w][k]);
		teardown(&b[w]);
	}
	return rc;
}
