/* cli/cmd_compare.c — `runlens compare RUN [OTHER...]`: params that
 * differ and metrics side by side with delta, % change and better/worse. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "core/compare.h"
#include "cli/output.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"

struct side {
	struct store_run run;
	struct store_metric *m;
	int nm;
	struct compare_index ix; /* m by STEP.KEY */
	cJSON *params;
};

static int load_side(struct store *s, int64_t id, struct side *x, struct rl_err *err)
{
	if (store_run_get(s, id, &x->run, err) < 0 ||
	    store_run_metrics(s, id, &x->m, &x->nm, err) < 0)
		return -1;
	if (compare_index_build(&x->ix, x->m, x->nm) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	x->params = cJSON_Parse(x->run.params_json ? x->run.params_json : "{}");
	if (!x->params)
		x->params = cJSON_CreateObject();
	return 0;
}

static void side_free(struct side *x)
{
	store_run_clear(&x->run);
	store_metrics_free(x->m, x->nm);
	compare_index_free(&x->ix);
	cJSON_Delete(x->params);
	memset(x, 0, sizeof *x);
}

static const struct store_metric *find(const struct side *x, const char *step,
				       const char *key)
{
	return compare_index_find(&x->ix, step, key);
}

static char *num(double v)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%.6g", v);
	return buf_steal(&b);
}

static void compare_one(struct cli *c, struct side *a, struct side *b, int all,
			const cJSON *dirs, cJSON *jout, struct table *csv)
{
	cJSON *cmp = cJSON_CreateObject();
	cJSON *other = cJSON_AddObjectToObject(cmp, "other");
	cJSON_AddNumberToObject(other, "id", (double)b->run.id);
	cJSON_AddStringToObject(other, "name", b->run.name);
	cJSON *pa = cJSON_AddArrayToObject(cmp, "params");
	struct table *pt = table_new(3, "PARAM", "THIS", "OTHER");
	/* params: union of both, in RUN's order, then OTHER's extra ones */
	for (int pass = 0; pass < 2; pass++) {
		cJSON *src = pass ? b->params : a->params;
		for (cJSON *p = src->child; p; p = p->next) {
			if (pass && cJSON_GetObjectItemCaseSensitive(a->params, p->string))
				continue;
			cJSON *va = cJSON_GetObjectItemCaseSensitive(a->params, p->string);
			cJSON *vb = cJSON_GetObjectItemCaseSensitive(b->params, p->string);
			int same = va && vb && cJSON_Compare(va, vb, 1);
			if (same && !all)
				continue;
			char *ta = va ? cJSON_PrintUnformatted(va) : strdup("-");
			char *tb = vb ? cJSON_PrintUnformatted(vb) : strdup("-");
			table_add_row(pt, p->string, ta, tb);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "key", p->string);
			cJSON_AddItemToObject(o, "value", va ? cJSON_Duplicate(va, 1) : cJSON_CreateNull());
			cJSON_AddItemToObject(o, "other", vb ? cJSON_Duplicate(vb, 1) : cJSON_CreateNull());
			cJSON_AddBoolToObject(o, "same", same);
			cJSON_AddItemToArray(pa, o);
			free(ta);
			free(tb);
		}
	}
	cJSON *ma = cJSON_AddArrayToObject(cmp, "metrics");
	struct table *mt = table_new(7, "METRIC", "THIS", "OTHER", "DELTA", "%", "", "RANGE (THIS)");
	for (int i = 1; i < 5; i++)
		table_align_right(mt, i);
	for (int pass = 0; pass < 2; pass++) {
		struct side *src = pass ? b : a;
		for (int i = 0; i < src->nm; i++) {
			const struct store_metric *m = &src->m[i];
			if (pass && find(a, m->step, m->key))
				continue;
			const struct store_metric *x = find(a, m->step, m->key);
			const struct store_metric *y = find(b, m->step, m->key);
			struct buf key = BUF_INIT;
			buf_printf(&key, "%s.%s", m->step, m->key);
			enum compare_dir dir = compare_direction(dirs, key.data);
			const char *verdict = x && y ? compare_verdict(dir, x->value, y->value) : "";
			if (!all && !strcmp(verdict, "same")) {
				buf_free(&key);
				continue;
			}
			char *tx = x ? num(x->value) : strdup("-");
			char *ty = y ? num(y->value) : strdup("-");
			char *td = x && y ? num(x->value - y->value) : strdup("");
			int defined = 0;
			double pct = x && y ? compare_pct(x->value, y->value, &defined) : 0;
			struct buf tp = BUF_INIT, range = BUF_INIT;
			if (defined)
				buf_printf(&tp, "%+.1f%%", pct);
			if (x && x->is_series)
				buf_printf(&range, "%.6g..%.6g (%lld points)", x->min, x->max,
					   (long long)x->count);
			table_add_row(mt, key.data, tx, ty, td, tp.data ? tp.data : "",
				      verdict, range.data ? range.data : "");
			table_set_color(mt, 5, !strcmp(verdict, "better") ? "32"
					       : !strcmp(verdict, "worse") ? "31" : NULL);
			if (csv)
				table_add_row(csv, b->run.name, key.data, tx, ty, td,
					      tp.data ? tp.data : "", verdict);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "key", key.data);
			cJSON_AddItemToObject(o, "value", x ? cJSON_CreateNumber(x->value) : cJSON_CreateNull());
			cJSON_AddItemToObject(o, "other", y ? cJSON_CreateNumber(y->value) : cJSON_CreateNull());
			cJSON_AddItemToObject(o, "delta", x && y ? cJSON_CreateNumber(x->value - y->value)
							      : cJSON_CreateNull());
			cJSON_AddItemToObject(o, "pct", defined ? cJSON_CreateNumber(pct) : cJSON_CreateNull());
			cJSON_AddStringToObject(o, "direction", dir == COMPARE_HIGHER ? "max" : "min");
			cJSON_AddItemToObject(o, "verdict", x && y ? cJSON_CreateString(verdict)
								 : cJSON_CreateNull());
			cJSON_AddBoolToObject(o, "series", x && x->is_series);
			if (x && x->is_series) {
				cJSON_AddNumberToObject(o, "min", x->min);
				cJSON_AddNumberToObject(o, "max", x->max);
			}
			if (y && y->is_series) {
				cJSON_AddNumberToObject(o, "other_min", y->min);
				cJSON_AddNumberToObject(o, "other_max", y->max);
			}
			cJSON_AddItemToArray(ma, o);
			free(tx);
			free(ty);
			free(td);
			buf_free(&tp);
			buf_free(&range);
			buf_free(&key);
		}
	}
	if (jout) {
		cJSON_AddItemToArray(jout, cmp);
	} else {
		if (!csv) {
			int color = out_use_color(c->out);
			fprintf(c->out, "run %lld %s  vs  run %lld %s\n\n", (long long)a->run.id,
				a->run.name, (long long)b->run.id, b->run.name);
			if (table_rows(pt))
				table_print(pt, c->out, color);
			else
				fprintf(c->out, "params: %s\n", all ? "none" : "all the same");
			fprintf(c->out, "\n");
			if (table_rows(mt))
				table_print(mt, c->out, color);
			else
				fprintf(c->out, "metrics: %s\n", all ? "none" : "all the same");
		}
		cJSON_Delete(cmp);
	}
	table_free(&pt);
	table_free(&mt);
}

int cmd_compare(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ "csv", no_argument, NULL, 'V' },
		{ "store", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int all = 0, json = 0, csv = 0, ch, rc = -1;
	while ((ch = cli_getopt(c, argc, argv, "a", longopts, err)) != -1) {
		if (ch == 'a')
			all = 1;
		else if (ch == 'J')
			json = 1;
		else if (ch == 'V')
			csv = 1;
		else if (ch == 'S')
			c->store_flag = optarg;
		else
			return -1;
	}
	if (argc - optind < 1)
		return rl_err_set(err, RL_E_USAGE, "compare: expected RUN [OTHER...]");
	struct store *s = NULL;
	struct side a = { 0 };
	struct side *others = NULL;
	int nothers = 0;
	cJSON *doc = NULL, *dirs = NULL, *spec = NULL;
	struct table *ct = NULL;
	int64_t id;
	if (session_open(c->store_flag, 0, &s, err) < 0 ||
	    session_resolve_run(s, argv[optind], &id, err) < 0 || load_side(s, id, &a, err) < 0)
		goto cleanup;
	int want = argc - optind - 1;
	others = calloc((size_t)(want ? want : 1), sizeof(*others));
	if (!others) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (want == 0) {
		int64_t b = session_baseline(s, &a.run);
		if (!b) {
			rl_err_set(err, RL_E_NOT_FOUND,
				   "run %lld has no baseline (no earlier completed run of '%s', "
				   "none pinned); name a run to compare with",
				   (long long)id, a.run.pipeline);
			goto cleanup;
		}
		if (load_side(s, b, &others[nothers++], err) < 0)
			goto cleanup;
	}
	for (int i = 0; i < want; i++) {
		int64_t o;
		if (session_resolve_run(s, argv[optind + 1 + i], &o, err) < 0 ||
		    load_side(s, o, &others[nothers++], err) < 0)
			goto cleanup;
	}
	spec = a.run.spec_json ? cJSON_Parse(a.run.spec_json) : NULL;
	dirs = spec ? cJSON_GetObjectItemCaseSensitive(spec, "metrics") : NULL;
	cJSON *arr = NULL;
	if (json) {
		doc = cJSON_CreateObject();
		cJSON *r = cJSON_AddObjectToObject(doc, "run");
		cJSON_AddNumberToObject(r, "id", (double)a.run.id);
		cJSON_AddStringToObject(r, "name", a.run.name);
		arr = cJSON_AddArrayToObject(doc, "comparisons");
	}
	if (csv)
		ct = table_new(7, "OTHER", "METRIC", "THIS", "OTHER VALUE", "DELTA", "PCT", "VERDICT");
	for (int i = 0; i < nothers; i++) {
		if (i && !json && !csv)
			fprintf(c->out, "\n");
		compare_one(c, &a, &others[i], all, dirs, arr, ct);
	}
	if (json)
		out_json(c->out, doc);
	if (csv)
		table_print_csv(ct, c->out);
	rc = 0;
cleanup:
	table_free(&ct);
	cJSON_Delete(doc);
	cJSON_Delete(spec);
	for (int i = 0; i < nothers; i++)
		side_free(&others[i]);
	free(others);
	side_free(&a);
	store_close(&s);
	return rc;
}
