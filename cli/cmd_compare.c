/* cli/cmd_compare.c — `runlens compare RUN [OTHER...]`: params that
 * differ and metrics side by side with delta, % change and better/worse,
 * as core/compare.h pairs and decides them (RUN against each OTHER, the
 * reference; by default RUN's baseline).  This file only renders. */
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
#include "util/num.h"
#include "util/buf.h"

static char *num(double v)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%.6g", v);
	return buf_steal(&b);
}

/* The params of pair P: a table row and a JSON object each (all: the
 * same ones too). */
static void render_params(const struct compare_pair *p, int all, struct table *pt, cJSON *pa)
{
	for (int i = 0; i < p->nparams; i++) {
		const struct compare_param *q = &p->params[i];
		if (q->same && !all)
			continue;
		char *ta = q->value ? json_print(q->value, 0) : strdup("-");
		char *tb = q->other ? json_print(q->other, 0) : strdup("-");
		table_add_row(pt, q->key, ta, tb);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", q->key);
		cJSON_AddItemToObject(o, "value",
				      q->value ? cJSON_Duplicate(q->value, 1) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "other",
				      q->other ? cJSON_Duplicate(q->other, 1) : cJSON_CreateNull());
		cJSON_AddBoolToObject(o, "same", q->same);
		cJSON_AddItemToArray(pa, o);
		free(ta);
		free(tb);
	}
}

static cJSON *number_or_null(int have, double v)
{
	return have ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* One metric of a pair as JSON. */
static cJSON *metric_json(const struct compare_metric *m)
{
	const struct store_metric *x = m->value, *y = m->other;
	int both = m->result != COMPARE_MISSING;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "key", m->key);
	cJSON_AddItemToObject(o, "value", number_or_null(x != NULL, x ? x->value : 0));
	cJSON_AddItemToObject(o, "other", number_or_null(y != NULL, y ? y->value : 0));
	cJSON_AddItemToObject(o, "delta", number_or_null(both, m->delta));
	cJSON_AddItemToObject(o, "pct", number_or_null(m->has_pct, m->pct));
	cJSON_AddStringToObject(o, "direction", m->dir == COMPARE_HIGHER ? "max" : "min");
	cJSON_AddItemToObject(o, "verdict", both ? cJSON_CreateString(compare_result_name(m->result))
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
	return o;
}

/* The metrics of pair P: table rows (and CSV rows) and JSON objects. */
static void render_metrics(const struct compare_pair *p, int all, struct table *mt,
			   struct table *csv, cJSON *ma)
{
	for (int i = 0; i < p->nmetrics; i++) {
		const struct compare_metric *m = &p->metrics[i];
		const struct store_metric *x = m->value, *y = m->other;
		const char *verdict = compare_result_name(m->result);
		if (!all && m->result == COMPARE_SAME)
			continue;
		char *tx = x ? num(x->value) : strdup("-");
		char *ty = y ? num(y->value) : strdup("-");
		char *td = m->result != COMPARE_MISSING ? num(m->delta) : strdup("");
		struct buf tp = BUF_INIT, range = BUF_INIT;
		if (m->has_pct)
			buf_printf(&tp, "%+.1f%%", m->pct);
		if (x && x->is_series)
			buf_printf(&range, "%.6g..%.6g (%lld points)", x->min, x->max,
				   (long long)x->count);
		table_add_row(mt, m->key, tx, ty, td, tp.data ? tp.data : "", verdict,
			      range.data ? range.data : "");
		table_set_color(mt, 5, m->result == COMPARE_BETTER  ? "32"
				       : m->result == COMPARE_WORSE ? "31"
								    : NULL);
		if (csv)
			table_add_row(csv, p->other->run.name, m->key, tx, ty, td,
				      tp.data ? tp.data : "", verdict);
		cJSON_AddItemToArray(ma, metric_json(m));
		free(tx);
		free(ty);
		free(td);
		buf_free(&tp);
		buf_free(&range);
	}
}

/* RUN against one OTHER: two tables on the terminal, or the comparison's
 * JSON object added to JOUT, or rows of CSV. */
static void compare_one(struct cli *c, const struct compare *cmp, const struct compare_pair *p,
			int all, cJSON *jout, struct table *csv)
{
	const struct store_run *a = &cmp->run.run, *b = &p->other->run;
	cJSON *one = cJSON_CreateObject();
	cJSON *other = cJSON_AddObjectToObject(one, "other");
	cJSON_AddNumberToObject(other, "id", (double)b->id);
	cJSON_AddStringToObject(other, "name", b->name);
	struct table *pt = table_new(3, "PARAM", "THIS", "OTHER");
	render_params(p, all, pt, cJSON_AddArrayToObject(one, "params"));
	struct table *mt = table_new(7, "METRIC", "THIS", "OTHER", "DELTA", "%", "", "RANGE (THIS)");
	for (int i = 1; i < 5; i++)
		table_align_right(mt, i);
	render_metrics(p, all, mt, csv, cJSON_AddArrayToObject(one, "metrics"));
	if (jout) {
		cJSON_AddItemToArray(jout, one);
	} else {
		if (!csv) {
			int color = out_use_color(c->out);
			out_linef(c->out, "run %lld %s  vs  run %lld %s", (long long)a->id, a->name,
				  (long long)b->id, b->name);
			fprintf(c->out, "\n");
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
		cJSON_Delete(one);
	}
	table_free(&pt);
	table_free(&mt);
}

/* The runs OTHER… name (NULL and 0 when none: the baseline). */
static int resolve_others(struct store *s, char **refs, int n, int64_t **ids,
			  struct rl_err *err)
{
	*ids = calloc((size_t)(n ? n : 1), sizeof(int64_t));
	if (!*ids)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < n; i++)
		if (session_resolve_run(s, refs[i], &(*ids)[i], err) < 0)
			return -1;
	return 0;
}

static void print_all(struct cli *c, const struct compare *cmp, int all, int json, int csv)
{
	cJSON *doc = NULL, *arr = NULL;
	struct table *ct = NULL;
	if (json) {
		doc = cJSON_CreateObject();
		cJSON *r = cJSON_AddObjectToObject(doc, "run");
		cJSON_AddNumberToObject(r, "id", (double)cmp->run.run.id);
		cJSON_AddStringToObject(r, "name", cmp->run.run.name);
		arr = cJSON_AddArrayToObject(doc, "comparisons");
	}
	if (csv)
		ct = table_new(7, "OTHER", "METRIC", "THIS", "OTHER VALUE", "DELTA", "PCT", "VERDICT");
	for (int i = 0; i < cmp->n; i++) {
		if (i && !json && !csv)
			fprintf(c->out, "\n");
		compare_one(c, cmp, &cmp->pairs[i], all, arr, ct);
	}
	if (json)
		out_json(c->out, doc);
	if (csv)
		table_print_csv(ct, c->out);
	table_free(&ct);
	cJSON_Delete(doc);
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
	struct compare *cmp = NULL;
	int64_t id, *others = NULL;
	int nothers = argc - optind - 1;
	if (session_open(c->store_flag, 0, &s, err) < 0 ||
	    session_resolve_run(s, argv[optind], &id, err) < 0 ||
	    resolve_others(s, argv + optind + 1, nothers, &others, err) < 0)
		goto cleanup;
	if (compare_new(s, id, others, nothers, &cmp, err) < 0) {
		if (!nothers && err && err->code == RL_E_NOT_FOUND) {
			char *why = strdup(rl_err_msg(err));
			rl_err_set(err, RL_E_NOT_FOUND, "%s; name a run to compare with",
				   why ? why : "no baseline");
			free(why);
		}
		goto cleanup;
	}
	print_all(c, cmp, all, json, csv);
	rc = 0;
cleanup:
	compare_free(&cmp);
	free(others);
	store_close(&s);
	return rc;
}
