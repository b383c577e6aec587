/* tests/unit/test_table.c — the experiment table (issue 16): choosing
 * columns and their headers (core/columns.c), the grid of a sweep
 * (core/sweep.c), text plots (util/plot.c), and the store's sweeps,
 * column sets and recent fields (store/sweeps.c, store/recent.c) with the
 * query plan of each statement. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/columns.h"
#include "core/sweep.h"
#include "store/internal.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/plot.h"

/* The N strings of V joined by spaces (a static buffer). */
static const char *joined(char **v, int n)
{
	static char out[1024];
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", v[i]);
	return out;
}

static int known_lr2(void *ctx, const char *name, char **why, struct rl_err *err)
{
	(void)ctx, (void)err;
	if (!strcmp(name, "params.lr2"))
		return 1;
	*why = strdup("no run has that");
	return 0;
}

/* columns_select with SPEC against a fixed list; the names chosen. */
static const char *select_of(const char *spec, int *rc)
{
	char *avail[] = { "id", "name", "status", "tags", "params.lr", "params.seed",
			  "train.loss", "evaluate.accuracy", "evaluate.avg_prec.test" };
	char *defs[] = { "id", "name", "status", "train.loss", "tags" };
	char **out = NULL;
	int n = 0;
	struct rl_err err = RL_ERR_INIT;
	*rc = columns_select(spec, avail, 9, defs, 5, known_lr2, NULL, &out, &n, &err);
	static char text[1024];
	snprintf(text, sizeof text, "%s", *rc < 0 ? rl_err_msg(&err) : joined(out, n));
	rl_err_clear(&err);
	columns_free(out, n);
	return text;
}

START_TEST(test_columns_select)
{
	int rc;
	ck_assert_str_eq(select_of(NULL, &rc), "id name status train.loss tags");
	ck_assert_str_eq(select_of("name,params.*", &rc), "name params.lr params.seed");
	ck_assert_str_eq(select_of("-tags,-status", &rc), "id name train.loss");
	ck_assert_str_eq(select_of("-tags,+evaluate.*", &rc),
			 "id name status train.loss evaluate.accuracy evaluate.avg_prec.test");
	ck_assert_str_eq(select_of("ID, Name ,evaluate.*,-evaluate.avg_prec.test", &rc),
			 "id name evaluate.accuracy");
	ck_assert_str_eq(select_of("*", &rc),
			 "id name status tags params.lr params.seed train.loss evaluate.accuracy "
			 "evaluate.avg_prec.test");
	ck_assert_str_eq(select_of("name,name,started", &rc), "name started");
	ck_assert_str_eq(select_of("params.lr2", &rc), "params.lr2");
	ck_assert_str_eq(select_of("name,params.lrr", &rc), "no run has that");
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(select_of("name,-", &rc), "an empty name");
	ck_assert_str_eq(select_of("nomatch.*", &rc), "");
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(columns_kind_of("Duration", NULL), COLK_FIXED);
	ck_assert_int_eq(columns_kind_of("params.x", NULL), COLK_PARAM);
	ck_assert_int_eq(columns_kind_of("a.b", NULL), COLK_METRIC);
	columns_free(NULL, 0);
}
END_TEST

static void expect_header(const char *name, int width, const char *want)
{
	char *others[] = { "evaluate.avg_prec.test", "evaluate.avg_prec.train", "evaluate.accuracy",
			   "train.loss", "params.learning_rate" };
	char *h = columns_header(name, width, others, 5, 1);
	ck_assert_msg(h && !strcmp(h, want), "%s in %d: '%s', not '%s'", name, width, h, want);
	free(h);
}

START_TEST(test_columns_header)
{
	expect_header("train.loss", 20, "train.loss");
	expect_header("evaluate.avg_prec.test", 22, "evaluate.avg_prec.test");
	/* the shared prefix goes first, the distinguishing end stays */
	expect_header("evaluate.avg_prec.test", 16, "e.avg_prec.test");
	expect_header("evaluate.avg_prec.test", 10, "e.a.test");
	expect_header("evaluate.avg_prec.train", 10, "e.a.train");
	expect_header("evaluate.accuracy", 12, "e.accuracy");
	expect_header("params.learning_rate", 12, "…arning_rate");
	expect_header("evaluate.avg_prec.train", 6, "…train");
	expect_header("x", 0, "");
	char *ascii = columns_header("params.learning_rate", 8, NULL, 0, 0);
	ck_assert_str_eq(ascii, "~ng_rate");
	free(ascii);
}
END_TEST

/* a first part shortened in one header is shortened in all that have
 * it; a header cut otherwise, or of another first part, stays */
START_TEST(test_columns_headers_even)
{
	char *names[] = { "params.epochs", "params.lr", "evaluate.loss", "params.x.y", "ID",
			  "évalue.a", "évalue.b" };
	char *heads[] = { strdup("p.epochs"), strdup("params.lr"), strdup("evaluate.loss"),
			  strdup("…x.y"), NULL, strdup("é.a"), strdup("évalue.b") };
	columns_headers_even(heads, names, 7);
	ck_assert_str_eq(heads[0], "p.epochs");
	ck_assert_str_eq(heads[1], "p.lr");
	ck_assert_str_eq(heads[2], "evaluate.loss");
	ck_assert_str_eq(heads[3], "…x.y");
	ck_assert_ptr_null(heads[4]);
	ck_assert_str_eq(heads[5], "é.a");
	ck_assert_str_eq(heads[6], "é.b");
	for (int i = 0; i < 7; i++)
		free(heads[i]);
}
END_TEST

static const char *grid_text(const char *const *ps, int n, int *rc)
{
	static char text[2048];
	struct sweep_grid *g = NULL;
	struct rl_err err = RL_ERR_INIT;
	*rc = sweep_grid_parse((char *const *)ps, n, &g, &err);
	if (*rc < 0) {
		snprintf(text, sizeof text, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return text;
	}
	snprintf(text, sizeof text, "%d:", g->total);
	for (int k = 0; k < g->total; k++) {
		char **kv = NULL;
		int nkv = 0;
		ck_assert_int_eq(sweep_grid_point(g, k, &kv, &nkv), 0);
		snprintf(text + strlen(text), sizeof text - strlen(text), " [%s]", joined(kv, nkv));
		sweep_strv_free(kv, nkv);
	}
	sweep_grid_free(&g);
	return text;
}

START_TEST(test_sweep_grid)
{
	int rc;
	const char *a[] = { "lr=0.01,0.1", "seed=1..3" };
	ck_assert_str_eq(grid_text(a, 2, &rc), "6: [lr=0.01 seed=1] [lr=0.01 seed=2] [lr=0.01 seed=3] "
					       "[lr=0.1 seed=1] [lr=0.1 seed=2] [lr=0.1 seed=3]");
	const char *b[] = { "opt=adam,sgd", "epochs=3", "tag=\"a,b\"", "layers=[64,64]" };
	ck_assert_str_eq(grid_text(b, 4, &rc), "2: [epochs=3 tag=\"a,b\" layers=[64,64] opt=adam] "
					       "[epochs=3 tag=\"a,b\" layers=[64,64] opt=sgd]");
	const char *c[] = { "msg=\"a,b\",c,[1,2]", "n=-1..1" };
	ck_assert_str_eq(grid_text(c, 2, &rc),
			 "9: [msg=a,b n=-1] [msg=a,b n=0] [msg=a,b n=1] [msg=c n=-1] "
			 "[msg=c n=0] [msg=c n=1] [msg=[1,2] n=-1] [msg=[1,2] n=0] [msg=[1,2] n=1]");
	const char *c2[] = { "msg=a\\,b", "w=x\\,y,z" };
	ck_assert_str_eq(grid_text(c2, 2, &rc), "2: [msg=a,b w=x,y] [msg=a,b w=z]");
	const char *d[] = { "seed=3..1" };
	ck_assert_str_eq(grid_text(d, 1, &rc), "-p seed=3..1: the range 3..1 goes down (write 1..3)");
	ck_assert_int_eq(rc, -1);
	const char *e[] = { "lr=0.1,,0.2" };
	ck_assert_str_eq(grid_text(e, 1, &rc), "-p lr=0.1,,0.2: an empty value in the list '0.1,,0.2'");
	const char *f[] = { "a=1..100", "b=1..100", "c=1..2" };
	ck_assert_str_eq(grid_text(f, 3, &rc), "-p: the grid has more than 10000 runs (3 params with lists)");
	const char *g1[] = { "x=1..1", "name=plain" };
	ck_assert_str_eq(grid_text(g1, 2, &rc), "1: [x=1 name=plain]");
	const char *g2[] = { "s=a..b" };
	ck_assert_str_eq(grid_text(g2, 1, &rc), "1: [s=a..b]");
	ck_assert_str_eq(grid_text(NULL, 0, &rc), "1: []");
	/* a range at the ends of a 64-bit integer: its values, no wrap-round */
	const char *big[] = { "seed=9223372036854775806..9223372036854775807" };
	ck_assert_str_eq(grid_text(big, 1, &rc),
			 "2: [seed=9223372036854775806] [seed=9223372036854775807]");
	const char *huge[] = { "seed=-9223372036854775808..9223372036854775807" };
	ck_assert_str_eq(grid_text(huge, 1, &rc), "-p seed=-9223372036854775808..9223372036854775807: "
						  "the range -9223372036854775808..9223372036854775807 "
						  "has more than 10000 values");
	/* one list a param */
	const char *twice[] = { "seed=1..3", "seed=4..5" };
	ck_assert_str_eq(grid_text(twice, 2, &rc),
			 "-p seed=4..5: seed has a list already (give its values in one list)");
	ck_assert_int_eq(rc, -1);
	/* a list and a value for one param, in either order */
	const char *mixed[] = { "seed=1..2", "seed=7" };
	ck_assert_str_eq(grid_text(mixed, 2, &rc),
			 "-p seed=7: seed has a list already (give its values in one list)");
	const char *mixed2[] = { "seed=7", "seed=1..2" };
	ck_assert_str_eq(grid_text(mixed2, 2, &rc), "-p seed=1..2: seed is given already (-p seed=7)");
	/* labels and axes */
	struct sweep_grid *g = NULL;
	ck_assert_int_eq(sweep_grid_parse((char *const *)a, 2, &g, NULL), 0);
	char *label = sweep_grid_label(g, 4), *axes = sweep_grid_axes_json(g);
	ck_assert_str_eq(label, "lr=0.1 seed=2");
	ck_assert_str_eq(axes, "{\"lr\": [0.01, 0.1], \"seed\": [1, 2, 3]}");
	free(label);
	free(axes);
	sweep_grid_free(&g);
	sweep_grid_free(NULL);
	sweep_strv_free(NULL, 0);
}
END_TEST

static const char *lines_of(const struct plot_lines *l)
{
	static char text[8192];
	text[0] = '\0';
	for (int i = 0; i < l->n; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "%s\n", l->v[i]);
	return text;
}

START_TEST(test_plots)
{
	double xs[] = { 0.01, 0.1, 1, 0.1 }, ys[] = { 0.5, 0.9, 0.7, NAN };
	struct plot_axis x = { .name = "params.lr", .v = xs, .log = 1 };
	struct plot_axis y = { .name = "evaluate.acc", .v = ys };
	struct plot_lines l = { 0 };
	ck_assert_int_eq(plot_scatter(&x, &y, 4, 1, 9, 3, 0, &l), 0);
	ck_assert_str_eq(lines_of(&l), "evaluate.acc by params.lr (log scale)\n"
				       "0.9|    *\n"
				       "   |        o\n"
				       "0.5|o\n"
				       "   +---------\n"
				       "    0.01    1\n");
	plot_lines_free(&l);
	char *cats[] = { "adam", "sgd" };
	double c[] = { 0, 1, 1, 0 };
	struct plot_axis opt = { .name = "params.opt", .v = c, .cats = cats, .ncats = 2 };
	struct plot_axis axes[] = { opt, y };
	ck_assert_int_eq(plot_parallel(axes, 2, 4, 1, 12, 3, 0, &l), 0);
	ck_assert_str_eq(lines_of(&l), "p.opt  e.acc\n"
				       "sgd      0.9\n"
				       "************\n"
				       "|     .....o\n"
				       "o..........o\n"
				       "adam     0.5\n");
	plot_lines_free(&l);
	char lab[32];
	plot_label(1e-5, lab, sizeof lab);
	ck_assert_str_eq(lab, "1e-05");
	plot_label(NAN, lab, sizeof lab);
	ck_assert_str_eq(lab, "-");
	plot_lines_free(NULL);
}
END_TEST

START_TEST(test_columns_defaults_of)
{
	struct store_field f[] = {
		{ .name = "params.lr", .pipelines = 2, .runs = 9, .distinct = 3 },
		{ .name = "params.opt", .pipelines = 2, .runs = 9, .distinct = 1 },
		{ .name = "params.depth", .pipelines = 1, .runs = 2, .distinct = 2 },
		{ .name = "train.loss", .is_metric = 1, .pipelines = 2, .runs = 9 },
		{ .name = "fit.r2", .is_metric = 1, .pipelines = 1, .runs = 2 },
	};
	struct store_recent one = { .pipelines = 1, .runs = 9 }, two = { .pipelines = 2, .runs = 11,
									.in_sweeps = 3 };
	char **v = NULL;
	int n = 0;
	ck_assert_int_eq(columns_defaults_of(f, 5, &one, &v, &n, NULL), 0);
	ck_assert_str_eq(joined(v, n), "id status name train.loss fit.r2 params.lr params.depth "
				       "started duration tags");
	columns_free(v, n);
	/* several pipelines: only what every one of them has (opt: the same
	 * value, but not on every run: it changed) */
	ck_assert_int_eq(columns_defaults_of(f, 5, &two, &v, &n, NULL), 0);
	ck_assert_str_eq(joined(v, n), "id status name pipeline train.loss params.lr params.opt "
				       "started duration tags sweep");
	columns_free(v, n);
	ck_assert_int_eq(columns_defaults_of(NULL, 0, &one, &v, &n, NULL), 0);
	ck_assert_str_eq(joined(v, n), "id status name started duration tags");
	columns_free(v, n);
}
END_TEST

static const char *gate_of(const char *text, struct compare_gate *g)
{
	static char out[256];
	struct rl_err err = RL_ERR_INIT;
	if (compare_gate_parse(text, g, &err) < 0)
		snprintf(out, sizeof out, "%s", rl_err_msg(&err));
	else
		snprintf(out, sizeof out, "%s %g%s", g->metric ? g->metric : "(all)", g->tol,
			 g->relative ? "%" : "");
	rl_err_clear(&err);
	return out;
}

START_TEST(test_compare_gates)
{
	struct compare_gate g;
	ck_assert_str_eq(gate_of("evaluate.accuracy", &g), "evaluate.accuracy 0");
	compare_gate_clear(&g);
	ck_assert_str_eq(gate_of("evaluate.accuracy:0.01", &g), "evaluate.accuracy 0.01");
	compare_gate_clear(&g);
	ck_assert_str_eq(gate_of("a.b.c:2.5%", &g), "a.b.c 2.5%");
	compare_gate_clear(&g);
	ck_assert_str_eq(gate_of("all:5%", &g), "(all) 5%");
	compare_gate_clear(&g);
	ck_assert_str_eq(gate_of("all", &g), "(all) 0");
	ck_assert_str_eq(gate_of("a.b:", &g),
			 "a.b:: the tolerance is a number >= 0 or a percentage (0.01, 2%)");
	ck_assert_str_eq(gate_of("a.b:-1", &g),
			 "a.b:-1: the tolerance is a number >= 0 or a percentage (0.01, 2%)");
	ck_assert_str_eq(gate_of("a.b:1%%", &g),
			 "a.b:1%%: the tolerance is a number >= 0 or a percentage (0.01, 2%)");
	ck_assert_str_eq(gate_of("loss:1", &g), "loss:1: a metric is STEP.KEY (or all)");
	ck_assert_str_eq(gate_of("", &g), "expected METRIC[:TOLERANCE]");
	ck_assert_str_eq(gate_of(NULL, &g), "expected METRIC[:TOLERANCE]");
	compare_gate_clear(NULL);
}
END_TEST

START_TEST(test_plot_overlay)
{
	double a[] = { 1, 2, 3 }, b[] = { 3, 2 };
	struct plot_series s[] = { { a, 3, 'A' }, { b, 2, 'B' } };
	struct plot_lines l = { 0 };
	ck_assert_int_eq(plot_overlay(s, 2, 5, 3, 0, &l), 0);
	ck_assert_str_eq(lines_of(&l), "3|B   A\n"
				       " |  B\n"
				       "1|A\n"
				       " +-----\n"
				       "  0   2\n");
	plot_lines_free(&l);
	/* nothing to draw: no lines */
	ck_assert_int_eq(plot_overlay(s, 0, 5, 3, 0, &l), 0);
	ck_assert_int_eq(l.n, 0);
	double c[] = { NAN };
	struct plot_series none = { c, 1, 'C' };
	ck_assert_int_eq(plot_overlay(&none, 1, 5, 3, 1, &l), 0);
	ck_assert_int_eq(l.n, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* With a store                                                        */

static char *dir;
static struct store *st;

static void setup(void)
{
	dir = strdup("/tmp/rl-table-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_open(dir, STORE_CREATE, &st, &err) == 0, "%s", rl_err_msg(&err));
}

static void teardown(void)
{
	store_close(&st);
	fs_remove_tree(dir, NULL);
	free(dir);
}

/* A completed run of PIPELINE with PARAMS and, for each "STEP.KEY=V" of
 * METRICS, that metric. */
static int64_t add_run(int64_t pipeline, const char *name, int64_t started, const char *params,
		       const char *const *metrics, int nm, const char *status)
{
	struct store_run_new r = {
		.pipeline_id = pipeline, .name = name, .status = status, .started_ms = started,
		.spec_json = "{\"name\":\"p\",\"metrics\":{\"acc\":\"max\"}}", .params_json = params,
	};
	int64_t id = 0, sr = 0;
	ck_assert_int_eq(store_run_create(st, &r, &id, NULL), 0);
	cJSON *p = cJSON_Parse(params);
	for (cJSON *x = p ? p->child : NULL; x; x = x->next) {
		char *v = cJSON_PrintUnformatted(x);
		ck_assert_int_eq(store_run_add_param(st, id, x->string, v, NULL), 0);
		free(v);
	}
	cJSON_Delete(p);
	for (int i = 0; i < nm; i++) {
		char step[32], key[32];
		double v;
		ck_assert_int_eq(sscanf(metrics[i], "%31[^.].%31[^=]=%lf", step, key, &v), 3);
		struct store_step_run s = { 0 };
		if (store_step_run_get(st, id, step, &s, NULL) < 0)
			ck_assert_int_eq(store_step_run_create(st, id, step, i, 1, "{}", &sr, NULL), 0);
		else
			sr = s.id;
		store_step_run_clear(&s);
		ck_assert_int_eq(store_metric_add(st, sr, key, 0, 0, v, started, NULL), 0);
	}
	ck_assert_int_eq(store_run_finish(st, id, status, started + 1500, NULL), 0);
	return id;
}

START_TEST(test_columns_table)
{
	int64_t p = 0, q = 0;
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	ck_assert_int_eq(store_pipeline_ensure(st, "q", NULL, &q, NULL), 0);
	const char *m1[] = { "train.loss=0.5", "eval.acc=0.9" };
	const char *m2[] = { "train.loss=0.25", "eval.acc=0.8" };
	const char *m3[] = { "train.loss=0.1", "eval.acc=0.95" };
	add_run(p, "a", 1000, "{\"lr\":0.1,\"opt\":\"adam\"}", m1, 2, "completed");
	add_run(p, "b", 2000, "{\"lr\":0.01,\"opt\":\"adam\"}", m2, 2, "completed");
	add_run(p, "c", 3000, "{\"lr\":1,\"opt\":\"adam\"}", m3, 2, "failed");
	struct store_run *runs = NULL;
	int n = 0;
	ck_assert_int_eq(store_runs_page(st, p, NULL, 10, &runs, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	struct columns_table *t = NULL;
	ck_assert_int_eq(columns_table_new(st, runs, n, &t, NULL), 0);
	ck_assert_str_eq(joined(t->avail + COLS_FIXED, t->navail - COLS_FIXED),
			 "params.lr params.opt train.loss eval.acc");
	ck_assert_int_eq(t->pipelines, 1);
	char **cols = NULL;
	int nc = 0;
	ck_assert_int_eq(columns_defaults(t, &cols, &nc, NULL), 0);
	ck_assert_str_eq(joined(cols, nc), "id name status started duration params.lr train.loss eval.acc");
	columns_only_changed(t, cols, &nc);
	ck_assert_str_eq(joined(cols, nc), "id name status started params.lr train.loss eval.acc");
	columns_free(cols, nc);
	struct columns_value v;
	columns_cell(t, 0, "params.lr", &v);
	ck_assert_int_eq(v.kind, COLV_NUMBER);
	ck_assert(v.num == 1);
	columns_cell(t, 0, "params.opt", &v);
	ck_assert_int_eq(v.kind, COLV_TEXT);
	ck_assert_str_eq(v.text, "adam");
	columns_cell(t, 2, "duration", &v);
	ck_assert_int_eq(v.kind, COLV_SPAN);
	ck_assert_int_eq(v.ms, 1500);
	columns_cell(t, 1, "eval.nothing", &v);
	ck_assert_int_eq(v.kind, COLV_NONE);
	/* the best: among completed runs (c failed with the best values) */
	ck_assert_int_eq(columns_best(st, t, "eval.acc"), 2);  /* a, 0.9 (max) */
	ck_assert_int_eq(columns_best(st, t, "train.loss"), 1); /* b, 0.25 (min) */
	ck_assert_int_eq(columns_best(st, t, "params.lr"), -1);
	columns_table_free(&t);
	columns_table_free(NULL);
	store_runs_free(runs, n);
	/* an empty table */
	ck_assert_int_eq(columns_table_new(st, NULL, 0, &t, NULL), 0);
	ck_assert_int_eq(t->navail, COLS_FIXED);
	columns_table_free(&t);
}
END_TEST

/* Each of the N statements is answered through an index (a SEARCH),
 * never by a SCAN of a table. */
static void expect_searches(const char *const *sql, int n)
{
	for (int i = 0; i < n; i++) {
		struct buf q = BUF_INIT;
		buf_printf(&q, "EXPLAIN QUERY PLAN %s", sql[i]);
		sqlite3_stmt *x = NULL;
		ck_assert_int_eq(sqlite3_prepare_v2(st->db, q.data, -1, &x, NULL), SQLITE_OK);
		while (sqlite3_step(x) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(x, 3);
			ck_assert_msg(strncmp(detail, "SCAN", 4) != 0, "%s: %s", sql[i], detail);
		}
		sqlite3_finalize(x);
		buf_free(&q);
	}
}

START_TEST(test_store_sweeps)
{
	int64_t p = 0, w = 0, w2 = 0;
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	struct store_sweep_new nw = { .pipeline_id = p, .name = "grid", .started_ms = 10,
				      .planned = 3, .parallel = 2, .axes_json = "{\"lr\":[1,2,3]}",
				      .runner_pid = 1, .runner_host = "h", .runner_token = "t" };
	ck_assert_int_eq(store_sweep_create(st, &nw, &w, NULL), 0);
	nw.name = "other";
	nw.started_ms = 20;
	ck_assert_int_eq(store_sweep_create(st, &nw, &w2, NULL), 0);
	nw.name = "";
	ck_assert_int_eq(store_sweep_create(st, &nw, &w2, NULL), -1);
	const char *m[] = { "train.loss=1" };
	int64_t r1 = add_run(p, "r1", 100, "{\"lr\":1}", m, 1, "completed");
	int64_t r2 = add_run(p, "r2", 200, "{\"lr\":2}", m, 1, "failed");
	add_run(p, "r3", 300, "{\"lr\":3}", m, 1, "completed");
	ck_assert_int_eq(store_run_set_sweep(st, r1, w, NULL), 0);
	ck_assert_int_eq(store_run_set_sweep(st, r2, w, NULL), 0);
	struct store_sweep got = { 0 };
	ck_assert_int_eq(store_sweep_get(st, w, &got, NULL), 0);
	ck_assert_str_eq(got.name, "grid");
	ck_assert_str_eq(got.status, "running");
	ck_assert_str_eq(got.pipeline, "p");
	ck_assert_int_eq(got.runs, 2);
	ck_assert_int_eq(got.completed, 1);
	ck_assert_int_eq(got.planned, 3);
	store_sweep_clear(&got);
	ck_assert_int_eq(store_sweep_finish(st, w, "failed", 400, NULL), 0);
	ck_assert_int_eq(store_sweep_get_by_name(st, "grid", &got, NULL), 0);
	ck_assert_str_eq(got.status, "failed");
	ck_assert_int_eq(got.ended_ms, 400);
	store_sweep_clear(&got);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_sweep_get_by_name(st, "nope", &got, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	/* newest first, paged by key */
	struct store_sweep *rows = NULL;
	int n = 0;
	ck_assert_int_eq(store_sweeps_page(st, 0, NULL, 1, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rows[0].name, "other");
	struct store_run_cursor cur = { rows[0].started_ms, rows[0].id };
	store_sweeps_free(rows, n);
	ck_assert_int_eq(store_sweeps_page(st, p, &cur, 5, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rows[0].name, "grid");
	store_sweeps_free(rows, n);
	ck_assert_int_eq(store_sweeps_running(st, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	store_sweeps_free(rows, n);
	/* the runs of a sweep, and a run's sweep */
	struct store_run *runs = NULL;
	ck_assert_int_eq(store_sweep_runs_page(st, w, NULL, 10, &runs, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(runs[0].name, "r2");
	store_runs_free(runs, n);
	int64_t sid = 0;
	char *sname = NULL;
	ck_assert_int_eq(store_run_sweep(st, r1, &sid, &sname, NULL), 0);
	ck_assert_int_eq(sid, w);
	ck_assert_str_eq(sname, "grid");
	free(sname);
	/* the filter: sweep=ID, sweep=NAME, sweep!=NAME */
	struct store_filter f = { .kind = SF_CMP, .field = SFF_SWEEP, .op = SFO_EQ,
				  .is_num = 1, .num = (double)w };
	ck_assert_int_eq(store_runs_query(st, 0, &f, NULL, 0, 10, &runs, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	store_runs_free(runs, n);
	f.is_num = 0;
	f.str = "grid";
	f.op = SFO_NE;
	ck_assert_int_eq(store_runs_query(st, 0, &f, NULL, 0, 10, &runs, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(runs[0].name, "r3");
	store_runs_free(runs, n);
	/* column sets */
	char *cols = NULL;
	ck_assert_int_eq(store_column_set_get(st, p, &cols, NULL), 0);
	ck_assert_ptr_null(cols);
	ck_assert_int_eq(store_column_set_put(st, p, "[\"id\"]", 5, NULL), 0);
	ck_assert_int_eq(store_column_set_get(st, p, &cols, NULL), 0);
	ck_assert_str_eq(cols, "[\"id\"]");
	free(cols);
	ck_assert_int_eq(store_column_set_put(st, p, NULL, 6, NULL), 0);
	ck_assert_int_eq(store_column_set_get(st, p, &cols, NULL), 0);
	ck_assert_ptr_null(cols);
	/* deleting the pipeline's sweep leaves its runs */
	expect_searches(store_sweeps_sql, store_sweeps_nsql);
	store_sweep_clear(NULL);
	store_sweeps_free(NULL, 0);
}
END_TEST

START_TEST(test_store_recent_fields)
{
	int64_t p = 0, q = 0;
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	ck_assert_int_eq(store_pipeline_ensure(st, "q", NULL, &q, NULL), 0);
	const char *mp[] = { "train.loss=0.5", "eval.acc=0.25" };
	const char *mq[] = { "train.loss=8" };
	add_run(p, "a", 100, "{\"lr\":0.1,\"name\":\"long value\"}", mp, 2, "completed");
	add_run(p, "b", 200, "{\"lr\":0.01}", mp, 1, "completed");
	add_run(q, "c", 300, "{\"lr\":1}", mq, 1, "completed");
	struct store_field *f = NULL;
	struct store_recent sum;
	int n = 0;
	ck_assert_int_eq(store_recent_fields(st, p, 10, &f, &n, &sum, NULL), 0);
	ck_assert_int_eq(sum.pipelines, 1);
	ck_assert_int_eq(sum.runs, 2);
	ck_assert_int_eq(sum.name_len, 1);
	ck_assert_int_eq(sum.pipeline_len, 1);
	ck_assert_int_eq(sum.in_sweeps, 0);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(f[0].name, "params.lr");
	ck_assert_int_eq(f[0].runs, 2);
	ck_assert_int_eq(f[0].distinct, 2);
	ck_assert_str_eq(f[1].name, "params.name");
	ck_assert_int_eq(f[1].max_len, 12);
	ck_assert_str_eq(f[2].name, "train.loss");
	ck_assert_str_eq(f[3].name, "eval.acc");
	ck_assert_int_eq(f[3].is_metric, 1);
	ck_assert(f[3].min == 0.25 && f[3].max == 0.25);
	store_fields_free(f, n);
	ck_assert_int_eq(store_recent_fields(st, 0, 2, &f, &n, &sum, NULL), 0);
	ck_assert_int_eq(sum.pipelines, 2);
	ck_assert_int_eq(sum.runs, 2);
	ck_assert_int_gt(sum.max_id, 2);
	for (int i = 0; i < n; i++)
		if (!strcmp(f[i].name, "train.loss"))
			ck_assert_int_eq(f[i].pipelines, 2);
	store_fields_free(f, n);
	store_fields_free(NULL, 0);
	/* the newest runs are the outer loop: no walk of a whole index of
	 * params or metrics (the only scans: runs by time, then those runs) */
	for (int i = 0; i < store_recent_nsql; i++) {
		struct buf plan = BUF_INIT;
		buf_printf(&plan, "EXPLAIN QUERY PLAN %s", store_recent_sql[i]);
		sqlite3_stmt *x = NULL;
		ck_assert_int_eq(sqlite3_prepare_v2(st->db, plan.data, -1, &x, NULL), SQLITE_OK);
		while (sqlite3_step(x) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(x, 3);
			ck_assert_msg(strncmp(d, "SCAN", 4) != 0 || !strcmp(d, "SCAN r") ||
					      !strncmp(d, "SCAN runs USING INDEX runs_by_", 30),
				      "%s", d);
		}
		sqlite3_finalize(x);
		buf_free(&plan);
	}
}
END_TEST

START_TEST(test_compare_regressions)
{
	int64_t p = 0;
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	const char *mb[] = { "eval.acc=0.9", "eval.loss=0.5", "eval.gone=1" };
	const char *mr[] = { "eval.acc=0.88", "eval.loss=0.4" };
	int64_t base = add_run(p, "base", 1000, "{}", mb, 3, "completed");
	int64_t run = add_run(p, "pr", 2000, "{}", mr, 2, "completed");
	struct compare *c = NULL;
	ck_assert_int_eq(compare_new(st, run, &base, 1, &c, NULL), 0);
	struct compare_gate g[2];
	struct compare_regression *r = NULL;
	int n = 0;
	/* acc is worse by 0.02 (2.2%), gone is missing, loss is better */
	ck_assert_int_eq(compare_gate_parse("all", &g[0], NULL), 0);
	ck_assert_int_eq(compare_regressions(c, g, 1, &r, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(r[0].metric->key, "eval.acc");
	ck_assert_int_eq(r[0].missing, 0);
	ck_assert_str_eq(r[1].metric->key, "eval.gone");
	ck_assert_int_eq(r[1].missing, 1);
	free(r);
	/* the first gate naming a metric wins over all */
	ck_assert_int_eq(compare_gate_parse("eval.acc:3%", &g[0], NULL), 0);
	ck_assert_int_eq(compare_gate_parse("all:0.5", &g[1], NULL), 0);
	ck_assert_int_eq(compare_regressions(c, g, 2, &r, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(r[0].metric->key, "eval.gone");
	free(r);
	compare_gate_clear(&g[0]);
	compare_gate_clear(&g[1]);
	/* a metric neither run has */
	ck_assert_int_eq(compare_gate_parse("eval.nope", &g[0], NULL), 0);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(compare_regressions(c, g, 1, &r, &n, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err), "no run compared has the metric 'eval.nope'");
	rl_err_clear(&err);
	compare_gate_clear(&g[0]);
	ck_assert_int_eq(compare_regressions(c, NULL, 0, &r, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	compare_free(&c);
}
END_TEST

START_TEST(test_sweep_view)
{
	int64_t p = 0, w = 0;
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	struct store_sweep_new nw = { .pipeline_id = p, .name = "g", .started_ms = 1, .planned = 4,
				      .axes_json = "{\"lr\":[0.001,0.1],\"opt\":[\"sgd\",\"adam\"]}" };
	ck_assert_int_eq(store_sweep_create(st, &nw, &w, NULL), 0);
	const char *m1[] = { "eval.acc=0.7", "train.loss=0.2" };
	const char *m2[] = { "eval.acc=0.9", "train.loss=0.3" };
	const char *m3[] = { "eval.acc=0.8", "train.loss=0.1" };
	int64_t a = add_run(p, "g-1", 10, "{\"lr\":0.001,\"opt\":\"sgd\"}", m1, 2, "completed");
	int64_t b = add_run(p, "g-2", 20, "{\"lr\":0.1,\"opt\":\"adam\"}", m2, 2, "completed");
	int64_t c = add_run(p, "g-3", 30, "{\"lr\":0.1,\"opt\":\"sgd\"}", m3, 2, "failed");
	ck_assert_int_eq(store_run_set_sweep(st, a, w, NULL), 0);
	ck_assert_int_eq(store_run_set_sweep(st, b, w, NULL), 0);
	ck_assert_int_eq(store_run_set_sweep(st, c, w, NULL), 0);
	struct sweep_view *v = NULL;
	/* the pipeline file names acc (max): ranked by it, best first */
	ck_assert_int_eq(sweep_view_new(st, w, NULL, &v, NULL), 0);
	ck_assert_str_eq(v->metric, "eval.acc");
	ck_assert_int_eq(v->dir, COMPARE_HIGHER);
	ck_assert_int_eq(v->nruns, 3);
	ck_assert_str_eq(joined(v->params, v->nparams), "params.lr params.opt");
	ck_assert_str_eq(v->runs[v->order[0]].name, "g-2");
	/* the completed runs first: g-3 failed */
	ck_assert_str_eq(v->runs[v->order[1]].name, "g-1");
	ck_assert_str_eq(v->runs[v->order[2]].name, "g-3");
	ck_assert_str_eq(v->runs[v->best].name, "g-2");
	/* a param's values as a plot's axis: numbers (log: 100x), categories
	 * in the grid's order */
	struct plot_axis ax;
	ck_assert_int_eq(sweep_view_axis(v, "params.lr", &ax), 0);
	ck_assert_int_eq(ax.log, 1);
	ck_assert_int_eq(ax.ncats, 0);
	sweep_axis_free(&ax);
	ck_assert_int_eq(sweep_view_axis(v, "params.opt", &ax), 0);
	ck_assert_int_eq(ax.ncats, 2);
	ck_assert_str_eq(ax.cats[0], "sgd");
	ck_assert_str_eq(ax.cats[1], "adam");
	ck_assert(ax.v[v->order[0]] == 1); /* g-2: adam */
	sweep_axis_free(&ax);
	sweep_view_free(&v);
	/* another metric: lower is better for a loss */
	ck_assert_int_eq(sweep_view_new(st, w, "train.loss", &v, NULL), 0);
	ck_assert_int_eq(v->dir, COMPARE_LOWER);
	/* g-3 has the lowest loss, and failed: the completed g-1 is first */
	ck_assert_str_eq(v->runs[v->order[0]].name, "g-1");
	ck_assert_str_eq(v->runs[v->order[2]].name, "g-3");
	ck_assert_str_eq(v->runs[v->best].name, "g-1");
	sweep_view_free(&v);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(sweep_view_new(st, w, "eval.nope", &v, &err), -1);
	ck_assert_int_eq(err.code, RL_E_USAGE);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&err), "its metrics: eval.acc, train.loss"));
	rl_err_clear(&err);
	ck_assert_int_eq(sweep_view_new(st, 999, NULL, &v, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	/* a reference: its id, its name, last */
	int64_t id = 0;
	ck_assert_int_eq(sweep_resolve(st, "g", &id, NULL), 0);
	ck_assert_int_eq(id, w);
	ck_assert_int_eq(sweep_resolve(st, "last", &id, NULL), 0);
	ck_assert_int_eq(id, w);
	ck_assert_int_eq(sweep_resolve(st, "1", &id, NULL), 0);
	ck_assert_int_eq(sweep_resolve(st, "", &id, NULL), -1);
	ck_assert_int_eq(sweep_resolve(st, "nope", &id, NULL), -1);
	/* a running sweep whose process is gone is settled */
	ck_assert_int_eq(sweep_settle(st, NULL), 0);
	sweep_view_free(NULL);
}
END_TEST

START_TEST(test_migrate_keeps_runs)
{
	/* a schema-3 store (tests/fixtures/store-v3) gains sweeps and column
	 * sets; its runs are in none */
	const char *src = getenv("TESTS_SRCDIR");
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/fixtures/store-v3/runlens.db", src ? src : "tests");
	char *data = NULL;
	size_t len = 0;
	ck_assert_msg(fs_read_file(path.data, &data, &len, NULL) == 0, "no fixture %s", path.data);
	char *d2 = strdup("/tmp/rl-table-v3-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d2));
	char *db = fs_join(d2, STORE_DB_NAME);
	ck_assert_int_eq(fs_write_file(db, data, len, 0644, NULL), 0);
	struct store *old = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(store_open(d2, 0, &old, &err) == 0, "%s", rl_err_msg(&err));
	ck_assert_int_eq(store_schema_version(old), STORE_SCHEMA_VERSION);
	struct store_run *runs = NULL;
	int n = 0;
	ck_assert_int_eq(store_runs_page(old, 0, NULL, 10, &runs, &n, NULL), 0);
	ck_assert_int_gt(n, 0);
	int64_t sid = 5;
	ck_assert_int_eq(store_run_sweep(old, runs[0].id, &sid, NULL, NULL), 0);
	ck_assert_int_eq(sid, 0);
	struct store_sweep *ws = NULL;
	int nw = 0;
	ck_assert_int_eq(store_sweeps_page(old, 0, NULL, 10, &ws, &nw, NULL), 0);
	ck_assert_int_eq(nw, 0);
	store_runs_free(runs, n);
	store_close(&old);
	fs_remove_tree(d2, NULL);
	free(d2);
	free(db);
	free(data);
	buf_free(&path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("table");
	TCase *pure = tcase_create("pure");
	tcase_add_test(pure, test_columns_select);
	tcase_add_test(pure, test_columns_header);
	tcase_add_test(pure, test_columns_headers_even);
	tcase_add_test(pure, test_sweep_grid);
	tcase_add_test(pure, test_plots);
	tcase_add_test(pure, test_columns_defaults_of);
	tcase_add_test(pure, test_compare_gates);
	tcase_add_test(pure, test_plot_overlay);
	suite_add_tcase(s, pure);
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_columns_table);
	tcase_add_test(tc, test_store_sweeps);
	tcase_add_test(tc, test_store_recent_fields);
	tcase_add_test(tc, test_migrate_keeps_runs);
	tcase_add_test(tc, test_compare_regressions);
	tcase_add_test(tc, test_sweep_view);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
