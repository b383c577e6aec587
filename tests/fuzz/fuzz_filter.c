/* tests/fuzz/fuzz_filter.c — libFuzzer target: the --where language and
 * sort keys.  Any text: filter_parse returns a tree or a one-line error;
 * a tree prints (filter_to_string), and store/query.c compiles and runs
 * it on a real store (one run: params.lr, train.loss), whose fields no run
 * has are each one line of warning; any text as a sort key likewise. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/filter.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *st;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/runlens-fuzz-filter.XXXXXX";
	struct rl_err err = RL_ERR_INIT;
	if (!mkdtemp(dir) || store_open(dir, STORE_CREATE, &st, &err) < 0) {
		fprintf(stderr, "cannot make a store: %s\n", rl_err_msg(&err));
		abort();
	}
	int64_t p, r, sr;
	struct store_run_new rn = { .name = "r", .status = "completed", .started_ms = 1 };
	if (store_pipeline_ensure(st, "p", NULL, &p, &err) < 0 ||
	    (rn.pipeline_id = p, store_run_create(st, &rn, &r, &err)) < 0 ||
	    store_run_add_param(st, r, "lr", "0.1", &err) < 0 ||
	    store_step_run_create(st, r, "train", 0, 1, NULL, &sr, &err) < 0 ||
	    store_metric_add(st, sr, "loss", 0, 0, 0.5, 1, &err) < 0) {
		fprintf(stderr, "cannot fill the store: %s\n", rl_err_msg(&err));
		abort();
	}
	return 0;
}

/* Each field of F no run has is one line of warning. */
static void unknown_fields(const struct store_filter *f)
{
	char **w = NULL;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	if (filter_unknown_fields(st, f, &w, &n, &err) < 0) {
		fprintf(stderr, "unknown fields failed: %s\n", rl_err_msg(&err));
		abort();
	}
	for (int i = 0; i < n; i++)
		if (!w[i] || strchr(w[i], '\n') || strncmp(w[i], "no run has ", 11))
			abort();
	store_names_free(w, n);
}

static void query(const struct store_filter *f, const struct store_sort *so)
{
	struct store_run *rows = NULL;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	if (store_runs_query(st, 0, f, so, 1000, 10, &rows, &n, &err) < 0) {
		/* a tree the parser accepted must compile to valid SQL */
		fprintf(stderr, "query failed: %s\n", rl_err_msg(&err));
		abort();
	}
	store_runs_free(rows, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct store_filter *f = NULL;
	struct rl_err err = RL_ERR_INIT;
	if (filter_parse(text, 1700000000000LL, &f, &err) == 0) {
		char *s = filter_to_string(f);
		query(f, NULL);
		unknown_fields(f);
		filter_free(&f);
		free(s);
	} else {
		if (!err.msg || strchr(err.msg, '\n'))
			abort();
		rl_err_clear(&err);
	}
	struct store_sort so = { 0 };
	if (filter_parse_sort(text, &so, &err) == 0) {
		query(NULL, &so);
		filter_sort_clear(&so);
	} else {
		if (!err.msg || strchr(err.msg, '\n'))
			abort();
		rl_err_clear(&err);
	}
	free(text);
	return 0;
}
