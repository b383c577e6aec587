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
#include "core/columns.h"
#include "core/compare.h"
#include "cli/output.h"
#include "core/session.h"
#include "store/store.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/text.h"

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

/* NUM exactly (the shortest text that reads back as it), malloc'd. */
static char *exact(int have, double v)
{
	char buf[NUM_BUF];
	if (!have)
		return strdup("");
	num_shortest(v, buf);
	return strdup(buf);
}

/* A CSV row of metric M of pair P, every number exact. */
static void csv_metric(struct table *csv, const struct compare_pair *p,
		       const struct compare_metric *m)
{
	int both = m->result != COMPARE_MISSING;
	char *x = exact(m->value != NULL, m->value ? m->value->value : 0);
	char *y = exact(m->other != NULL, m->other ? m->other->value : 0);
	char *d = exact(both, m->delta), *pct = exact(m->has_pct, m->pct);
	table_add_row(csv, p->other->run.name, m->key, x, y, d, pct, compare_result_name(m->result),
		      "metric");
	free(x);
	free(y);
	free(d);
	free(pct);
}

/* CSV rows of the params of pair P (ALL: the same ones too); the delta
 * and % of two numbers. */
static void csv_params(struct table *csv, const struct compare_pair *p, int all)
{
	struct buf key = BUF_INIT;
	for (int i = 0; i < p->nparams; i++) {
		const struct compare_param *q = &p->params[i];
		if (q->same && !all)
			continue;
		char *ta = q->value ? (cJSON_IsString(q->value) ? strdup(q->value->valuestring)
							       : json_print(q->value, 0))
				    : strdup("");
		char *tb = q->other ? (cJSON_IsString(q->other) ? strdup(q->other->valuestring)
							       : json_print(q->other, 0))
				    : strdup("");
		int nums = cJSON_IsNumber(q->value) && cJSON_IsNumber(q->other), has_pct = 0;
		double a = nums ? q->value->valuedouble : 0, b = nums ? q->other->valuedouble : 0;
		double pc = nums ? compare_pct(a, b, &has_pct) : 0;
		char *d = exact(nums, a - b), *pct = exact(has_pct, pc);
		buf_reset(&key);
		buf_printf(&key, "params.%s", q->key);
		table_add_row(csv, p->other->run.name, key.data, ta, tb, d, pct,
			      q->same ? "same" : "differs", "param");
		free(ta);
		free(tb);
		free(d);
		free(pct);
	}
	buf_free(&key);
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
			csv_metric(csv, p, m);
		cJSON_AddItemToArray(ma, metric_json(m));
		free(tx);
		free(ty);
		free(td);
		buf_free(&tp);
		buf_free(&range);
	}
}

/* "git  3f2a9c1*  vs  08d1e5b" (columns_git_text: "*" dirty; "-" outside
 * git; "same commit" when they are), when either run recorded one. */
static void print_git(FILE *o, const struct store_run *a, const struct store_run *b)
{
	char ga[16], gb[16];
	columns_git_text(a, ga, sizeof ga);
	columns_git_text(b, gb, sizeof gb);
	if (!*ga && !*gb)
		return;
	if (a->git_commit && b->git_commit && !strcmp(a->git_commit, b->git_commit))
		out_linef(o, "git  %s  vs  %s  (the same commit)", ga, gb);
	else
		out_linef(o, "git  %s  vs  %s", *ga ? ga : "-", *gb ? gb : "-");
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
	out_json_git(other, b);
	struct table *pt = table_new(3, "PARAM", "THIS", "OTHER");
	render_params(p, all, pt, cJSON_AddArrayToObject(one, "params"));
	if (csv)
		csv_params(csv, p, all);
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
			print_git(c->out, a, b);
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

/* ------------------------------------------------------------------ */
/* Markdown, for a pull request                                        */

/* TEXT with the characters Markdown tables care about escaped. */
static void md_text(struct buf *b, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == '|' || *p == '\\' || *p == '`' || *p == '*' || *p == '_')
			buf_putc(b, '\\');
		buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
}

static void md_pair(struct buf *b, const struct compare *cmp, const struct compare_pair *p, int all)
{
	const struct store_run *a = &cmp->run.run, *o = &p->other->run;
	buf_printf(b, "### run %lld ", (long long)a->id);
	md_text(b, a->name);
	buf_printf(b, " vs run %lld ", (long long)o->id);
	md_text(b, o->name);
	buf_puts(b, "\n\n");
	int shown = 0;
	for (int i = 0; i < p->nparams; i++) {
		const struct compare_param *q = &p->params[i];
		if (q->same && !all)
			continue;
		if (!shown++)
			buf_puts(b, "| param | this | other |\n| --- | --- | --- |\n");
		char *ta = q->value ? json_print(q->value, 0) : strdup("-");
		char *tb = q->other ? json_print(q->other, 0) : strdup("-");
		buf_puts(b, "| ");
		md_text(b, q->key);
		buf_puts(b, " | ");
		md_text(b, ta);
		buf_puts(b, " | ");
		md_text(b, tb);
		buf_puts(b, " |\n");
		free(ta);
		free(tb);
	}
	if (!shown)
		buf_printf(b, "Params: %s.\n", all ? "none" : "all the same");
	buf_puts(b, "\n");
	shown = 0;
	for (int i = 0; i < p->nmetrics; i++) {
		const struct compare_metric *m = &p->metrics[i];
		if (!all && m->result == COMPARE_SAME)
			continue;
		if (!shown++)
			buf_puts(b, "| metric | this | other | delta | % | |\n"
				    "| --- | ---: | ---: | ---: | ---: | --- |\n");
		char *tx = m->value ? num(m->value->value) : strdup("-");
		char *ty = m->other ? num(m->other->value) : strdup("-");
		buf_puts(b, "| ");
		md_text(b, m->key);
		buf_printf(b, " | %s | %s | ", tx, ty);
		if (m->result != COMPARE_MISSING)
			buf_printf(b, "%+.6g", m->delta);
		buf_puts(b, " | ");
		if (m->has_pct)
			buf_printf(b, "%+.1f%%", m->pct);
		buf_printf(b, " | %s |\n", m->result == COMPARE_WORSE ? "**worse**"
					  : compare_result_name(m->result));
		free(tx);
		free(ty);
	}
	if (!shown)
		buf_printf(b, "Metrics: %s.\n", all ? "none" : "all the same");
}

static void print_md(struct cli *c, const struct compare *cmp, int all)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < cmp->n; i++) {
		if (i)
			buf_puts(&b, "\n");
		md_pair(&b, cmp, &cmp->pairs[i], all);
	}
	fputs(b.data ? b.data : "", c->out);
	buf_free(&b);
}

/* The regressions as JSON. */
static cJSON *regressions_json(const struct compare_regression *r, int n)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		const struct compare_metric *m = r[i].metric;
		cJSON *o = metric_json(m);
		cJSON_AddNumberToObject(o, "other_run", (double)r[i].pair->other->run.id);
		cJSON_AddBoolToObject(o, "missing", r[i].missing);
		cJSON_AddNumberToObject(o, "tolerance", r[i].gate->tol);
		cJSON_AddBoolToObject(o, "relative", r[i].gate->relative);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* One line on stderr for each regression. */
static void say_regressions(const struct compare_regression *r, int n)
{
	for (int i = 0; i < n; i++) {
		const struct compare_metric *m = r[i].metric;
		const struct store_run *o = &r[i].pair->other->run;
		struct buf b = BUF_INIT;
		char *y = num(m->other->value);
		if (r[i].missing) {
			buf_printf(&b, "regression: %s is missing, run %lld %s has %s", m->key,
				   (long long)o->id, o->name, y);
		} else {
			char *x = num(m->value->value);
			buf_printf(&b, "regression: %s is %s, run %lld %s has %s (%+.6g", m->key, x,
				   (long long)o->id, o->name, y, m->delta);
			if (m->has_pct)
				buf_printf(&b, ", %+.1f%%", m->pct);
			buf_printf(&b, "; %s is better, tolerance %.6g%s)",
				   m->dir == COMPARE_HIGHER ? "higher" : "lower", r[i].gate->tol,
				   r[i].gate->relative ? "%" : "");
			free(x);
		}
		char *safe = text_escape_str(b.data, 0);
		fprintf(stderr, "runlens: %s\n", safe ? safe : "");
		free(safe);
		free(y);
		buf_free(&b);
	}
}

static void print_all(struct cli *c, const struct compare *cmp, int all, int json, int csv,
		      cJSON *regressions)
{
	cJSON *doc = NULL, *arr = NULL;
	struct table *ct = NULL;
	if (json) {
		doc = cJSON_CreateObject();
		cJSON *r = cJSON_AddObjectToObject(doc, "run");
		cJSON_AddNumberToObject(r, "id", (double)cmp->run.run.id);
		cJSON_AddStringToObject(r, "name", cmp->run.run.name);
		out_json_git(r, &cmp->run.run);
		arr = cJSON_AddArrayToObject(doc, "comparisons");
	}
	if (csv)
		ct = table_new(8, "OTHER", "METRIC", "THIS", "OTHER VALUE", "DELTA", "PCT", "VERDICT",
			       "KIND");
	for (int i = 0; i < cmp->n; i++) {
		if (i && !json && !csv)
			fprintf(c->out, "\n");
		compare_one(c, cmp, &cmp->pairs[i], all, arr, ct);
	}
	if (json && regressions)
		cJSON_AddItemToObject(doc, "regressions", regressions);
	else
		cJSON_Delete(regressions);
	if (json)
		out_json(c->out, doc);
	if (csv)
		table_print_csv(ct, c->out);
	table_free(&ct);
	cJSON_Delete(doc);
}

struct compare_args {
	int all, json, csv, md;
	struct compare_gate *gates;
	int ngates;
};

static int parse_compare(struct cli *c, int argc, char **argv, struct compare_args *a,
			 struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		switch (ch) {
		case 'a': a->all = 1; break;
		case OPT_JSON: a->json = 1; break;
		case OPT_CSV: a->csv = 1; break;
		case OPT_MD: a->md = 1; break;
		case OPT_FAIL_WORSE: {
			struct compare_gate *g = realloc(a->gates, (size_t)(a->ngates + 1) * sizeof *g);
			if (!g)
				return rl_err_set(err, RL_E_NOMEM, NULL);
			a->gates = g;
			if (compare_gate_parse(optarg, &g[a->ngates], err) < 0)
				return rl_err_prefix(err, "compare: --fail-worse");
			a->ngates++;
			break;
		}
		default:
			return -1;
		}
	}
	if (a->json + a->csv + a->md > 1)
		return rl_err_set(err, RL_E_USAGE, "compare: --json, --csv and --md go one at a time");
	if (argc - optind < 1)
		return rl_err_set(err, RL_E_USAGE, "compare: expected RUN [OTHER...]");
	return 0;
}

int cmd_compare(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct compare_args a = { 0 };
	struct store *s = NULL;
	struct compare *cmp = NULL;
	struct compare_regression *reg = NULL;
	int64_t id, *others = NULL;
	int nreg = 0, rc = -1;
	if (parse_compare(c, argc, argv, &a, err) < 0)
		goto cleanup;
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
	if (a.ngates && compare_regressions(cmp, a.gates, a.ngates, &reg, &nreg, err) < 0) {
		rl_err_prefix(err, "compare: --fail-worse");
		goto cleanup;
	}
	if (a.md)
		print_md(c, cmp, a.all);
	else
		print_all(c, cmp, a.all, a.json, a.csv,
			  a.json && a.ngates ? regressions_json(reg, nreg) : NULL);
	say_regressions(reg, nreg);
	rc = nreg ? 1 : 0;
cleanup:
	for (int i = 0; i < a.ngates; i++)
		compare_gate_clear(&a.gates[i]);
	free(a.gates);
	free(reg);
	compare_free(&cmp);
	free(others);
	store_close(&s);
	return rc;
}
