/* core/compare.c — directions, deltas and verdicts of metric comparisons,
 * and the pairing of a run with its references (the rule is in
 * compare.h). */
#include "config.h"
#include "core/compare.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/baseline.h"
#include "util/buf.h"

static const char *const lower_words[] = {
	"loss", "error", "err", "mse", "mae", "rmse", "latency", "time", "duration",
	"perplexity", "logloss", "nll", "mape", "smape", "wer", "cer", "brier", NULL,
};

static int has_word(const char *key)
{
	/* match whole words of the last component: val_loss, p99_latency_ms */
	const char *last = strrchr(key, '.');
	last = last ? last + 1 : key;
	for (const char *const *w = lower_words; *w; w++) {
		size_t wl = strlen(*w);
		for (const char *p = last; (p = strstr(p, *w)) != NULL; p++) {
			int start = p == last || !isalnum((unsigned char)p[-1]);
			int end = !isalpha((unsigned char)p[wl]);
			if (start && end)
				return 1;
		}
	}
	return 0;
}

enum compare_dir compare_direction(const cJSON *metrics, const char *key)
{
	const cJSON *d = metrics ? cJSON_GetObjectItemCaseSensitive(metrics, key) : NULL;
	if (!d && metrics) {
		const char *dot = strchr(key, '.');
		if (dot)
			d = cJSON_GetObjectItemCaseSensitive(metrics, dot + 1);
	}
	if (cJSON_IsString(d))
		return strcmp(d->valuestring, "min") == 0 ? COMPARE_LOWER : COMPARE_HIGHER;
	return has_word(key) ? COMPARE_LOWER : COMPARE_HIGHER;
}

enum compare_result compare_judge(enum compare_dir dir, double value, double other)
{
	double scale = fmax(fabs(value), fabs(other));
	if (value == other || fabs(value - other) <= 1e-12 * scale)
		return COMPARE_SAME;
	int up = value > other;
	return (up == (dir == COMPARE_HIGHER)) ? COMPARE_BETTER : COMPARE_WORSE;
}

const char *compare_result_name(enum compare_result r)
{
	static const char *const names[] = { "", "same", "better", "worse" };
	return names[r];
}

const char *compare_verdict(enum compare_dir dir, double value, double other)
{
	return compare_result_name(compare_judge(dir, value, other));
}

double compare_pct(double value, double other, int *defined)
{
	if (other == 0) {
		*defined = 0;
		return 0;
	}
	*defined = 1;
	return (value - other) / fabs(other) * 100.0;
}

static int by_step_key(const void *a, const void *b)
{
	const struct store_metric *x = *(const struct store_metric *const *)a;
	const struct store_metric *y = *(const struct store_metric *const *)b;
	int c = strcmp(x->step, y->step);
	return c ? c : strcmp(x->key, y->key);
}

int compare_index_build(struct compare_index *ix, const struct store_metric *m, int n)
{
	ix->n = 0;
	ix->by_key = n > 0 ? malloc((size_t)n * sizeof(*ix->by_key)) : NULL;
	if (n > 0 && !ix->by_key)
		return -1;
	for (int i = 0; i < n; i++)
		ix->by_key[i] = &m[i];
	ix->n = n;
	if (n > 1)
		qsort(ix->by_key, (size_t)n, sizeof(*ix->by_key), by_step_key);
	return 0;
}

const struct store_metric *compare_index_find(const struct compare_index *ix,
					      const char *step, const char *key)
{
	struct store_metric want = { .step = (char *)step, .key = (char *)key };
	const struct store_metric *w = &want;
	const struct store_metric **hit =
		ix->n ? bsearch(&w, ix->by_key, (size_t)ix->n, sizeof(*ix->by_key), by_step_key)
		      : NULL;
	return hit ? *hit : NULL;
}

void compare_index_free(struct compare_index *ix)
{
	free(ix->by_key);
	ix->by_key = NULL;
	ix->n = 0;
}

/* ------------------------------------------------------------------ */
/* Pairing runs                                                         */

static int side_load(struct store *s, int64_t id, struct compare_side *x, struct rl_err *err)
{
	if (store_run_get(s, id, &x->run, err) < 0 ||
	    store_run_metrics(s, id, &x->m, &x->nm, err) < 0)
		return -1;
	if (compare_index_build(&x->ix, x->m, x->nm) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	x->params = cJSON_Parse(x->run.params_json ? x->run.params_json : "{}");
	if (!cJSON_IsObject(x->params)) {
		cJSON_Delete(x->params);
		x->params = cJSON_CreateObject();
	}
	return x->params ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

static void side_clear(struct compare_side *x)
{
	store_run_clear(&x->run);
	store_metrics_free(x->m, x->nm);
	compare_index_free(&x->ix);
	cJSON_Delete(x->params);
	memset(x, 0, sizeof *x);
}

static void pair_clear(struct compare_pair *p)
{
	for (int i = 0; i < p->nmetrics; i++)
		free(p->metrics[i].key);
	free(p->metrics);
	free(p->params);
	memset(p, 0, sizeof *p);
}

/* The params of A and B: A's in its order, then B's own. */
static int pair_params(struct compare_pair *p, const struct compare_side *a,
		       const struct compare_side *b, struct rl_err *err)
{
	int cap = cJSON_GetArraySize(a->params) + cJSON_GetArraySize(b->params);
	p->params = calloc((size_t)(cap ? cap : 1), sizeof(*p->params));
	if (!p->params)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int pass = 0; pass < 2; pass++)
		for (const cJSON *x = (pass ? b : a)->params->child; x; x = x->next) {
			if (!x->string ||
			    (pass && cJSON_GetObjectItemCaseSensitive(a->params, x->string)))
				continue;
			struct compare_param *q = &p->params[p->nparams++];
			q->key = x->string;
			q->value = cJSON_GetObjectItemCaseSensitive(a->params, x->string);
			q->other = cJSON_GetObjectItemCaseSensitive(b->params, x->string);
			q->same = q->value && q->other && cJSON_Compare(q->value, q->other, 1);
		}
	return 0;
}

/* Decide one metric: the delta, % change and verdict of X against Y. */
static void decide(struct compare_metric *m)
{
	m->result = COMPARE_MISSING;
	if (!m->value || !m->other)
		return;
	m->delta = m->value->value - m->other->value;
	m->pct = compare_pct(m->value->value, m->other->value, &m->has_pct);
	m->result = compare_judge(m->dir, m->value->value, m->other->value);
}

/* The metrics of A and B: A's in its order, then B's own. */
static int pair_metrics(struct compare_pair *p, const struct compare_side *a,
			const struct compare_side *b, const cJSON *dirs, struct rl_err *err)
{
	p->metrics = calloc((size_t)(a->nm + b->nm ? a->nm + b->nm : 1), sizeof(*p->metrics));
	if (!p->metrics)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int pass = 0; pass < 2; pass++) {
		const struct compare_side *src = pass ? b : a;
		for (int i = 0; i < src->nm; i++) {
			const struct store_metric *m = &src->m[i];
			const struct store_metric *x = compare_index_find(&a->ix, m->step, m->key);
			if (pass && x)
				continue;
			struct compare_metric *c = &p->metrics[p->nmetrics];
			struct buf key = BUF_INIT;
			if (buf_printf(&key, "%s.%s", m->step, m->key) < 0)
				return rl_err_set(err, RL_E_NOMEM, NULL);
			c->key = buf_steal(&key);
			p->nmetrics++;
			c->value = x;
			c->other = compare_index_find(&b->ix, m->step, m->key);
			c->dir = compare_direction(dirs, c->key);
			decide(c);
		}
	}
	return 0;
}

static int compare_read(struct store *s, struct compare *c, int64_t run_id,
			const int64_t *others, int n, struct rl_err *err)
{
	if (side_load(s, run_id, &c->run, err) < 0)
		return -1;
	int64_t base = 0;
	if (n == 0) {
		base = baseline_of(s, &c->run.run);
		if (!base)
			return rl_err_set(err, RL_E_NOT_FOUND,
					  "run %lld has no baseline (no earlier completed run of "
					  "'%s', none pinned)",
					  (long long)run_id, c->run.run.pipeline);
		others = &base;
		n = 1;
	}
	c->others = calloc((size_t)n, sizeof(*c->others));
	c->pairs = calloc((size_t)n, sizeof(*c->pairs));
	if (!c->others || !c->pairs)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (; c->n < n; c->n++)
		if (side_load(s, others[c->n], &c->others[c->n], err) < 0) {
			side_clear(&c->others[c->n]);
			return -1;
		}
	return 0;
}

int compare_new(struct store *s, int64_t run_id, const int64_t *others, int n,
		struct compare **out, struct rl_err *err)
{
	int began = 0, rc = -1;
	struct compare *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (store_read_begin(s, &began, err) < 0)
		goto cleanup;
	if (compare_read(s, c, run_id, others, n, err) < 0)
		goto cleanup;
	c->spec = c->run.run.spec_json ? cJSON_Parse(c->run.run.spec_json) : NULL;
	c->dirs = cJSON_GetObjectItemCaseSensitive(c->spec, "metrics");
	if (!cJSON_IsObject(c->dirs))
		c->dirs = NULL;
	for (int i = 0; i < c->n; i++) {
		c->pairs[i].other = &c->others[i];
		if (pair_params(&c->pairs[i], &c->run, &c->others[i], err) < 0 ||
		    pair_metrics(&c->pairs[i], &c->run, &c->others[i], c->dirs, err) < 0)
			goto cleanup;
	}
	*out = c;
	c = NULL;
	rc = 0;
cleanup:
	store_read_end(s, began);
	compare_free(&c);
	return rc;
}

void compare_free(struct compare **p)
{
	struct compare *c = p ? *p : NULL;
	if (!c)
		return;
	for (int i = 0; c->pairs && i < c->n; i++)
		pair_clear(&c->pairs[i]);
	for (int i = 0; c->others && i < c->n; i++)
		side_clear(&c->others[i]);
	free(c->pairs);
	free(c->others);
	side_clear(&c->run);
	cJSON_Delete(c->spec);
	free(c);
	*p = NULL;
}

/* ------------------------------------------------------------------ */
/* Gates                                                               */

int compare_gate_parse(const char *text, struct compare_gate *g, struct rl_err *err)
{
	memset(g, 0, sizeof *g);
	const char *colon = text ? strrchr(text, ':') : NULL;
	size_t len = colon ? (size_t)(colon - text) : text ? strlen(text) : 0;
	if (!text || len == 0)
		return rl_err_set(err, RL_E_USAGE, "expected METRIC[:TOLERANCE]");
	if (colon) {
		char *end = NULL;
		g->tol = strtod(colon + 1, &end);
		g->relative = end && *end == '%';
		if (end == colon + 1 || !end || (*end && strcmp(end, "%")) || !isfinite(g->tol) ||
		    g->tol < 0)
			return rl_err_set(err, RL_E_USAGE,
					  "%s: the tolerance is a number >= 0 or a "
					  "percentage (0.01, 2%%)", text);
	}
	if (len == 3 && !strncmp(text, "all", 3))
		return 0;
	if (!memchr(text, '.', len))
		return rl_err_set(err, RL_E_USAGE, "%s: a metric is STEP.KEY (or all)",
				  text);
	return (g->metric = strndup(text, len)) ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

void compare_gate_clear(struct compare_gate *g)
{
	if (!g)
		return;
	free(g->metric);
	memset(g, 0, sizeof *g);
}

/* The gate for metric KEY: the first naming it, else the first "all". */
static const struct compare_gate *gate_of(const struct compare_gate *gates, int n, const char *key)
{
	const struct compare_gate *all = NULL;
	for (int i = 0; i < n; i++) {
		if (gates[i].metric && !strcmp(gates[i].metric, key))
			return &gates[i];
		if (!gates[i].metric && !all)
			all = &gates[i];
	}
	return all;
}

/* Is M worse than its other beyond G's tolerance? */
static int beyond(const struct compare_metric *m, const struct compare_gate *g)
{
	if (m->result != COMPARE_WORSE)
		return 0;
	if (!g->relative)
		return fabs(m->delta) > g->tol;
	return !m->has_pct || fabs(m->pct) > g->tol;
}

int compare_regressions(const struct compare *c, const struct compare_gate *gates, int n,
			struct compare_regression **out, int *nout, struct rl_err *err)
{
	*out = NULL;
	*nout = 0;
	for (int i = 0; i < n; i++) {
		int seen = !gates[i].metric;
		for (int p = 0; !seen && p < c->n; p++)
			for (int k = 0; !seen && k < c->pairs[p].nmetrics; k++)
				seen = !strcmp(c->pairs[p].metrics[k].key, gates[i].metric);
		if (!seen)
			return rl_err_set(err, RL_E_USAGE, "no run compared has the metric '%s'", gates[i].metric);
	}
	int cap = 0;
	for (int p = 0; p < c->n; p++)
		for (int k = 0; k < c->pairs[p].nmetrics; k++) {
			const struct compare_metric *m = &c->pairs[p].metrics[k];
			const struct compare_gate *g = gate_of(gates, n, m->key);
			int missing = !m->value && m->other;
			if (!g || (!missing && !beyond(m, g)))
				continue;
			if (*nout == cap) {
				cap = cap ? 2 * cap : 8;
				struct compare_regression *r = realloc(*out, (size_t)cap * sizeof *r);
				if (!r) {
					free(*out);
					*out = NULL;
					*nout = 0;
					return rl_err_set(err, RL_E_NOMEM, NULL);
				}
				*out = r;
			}
			(*out)[(*nout)++] = (struct compare_regression){ &c->pairs[p], m, g, missing };
		}
	return 0;
}
