/* tui/run_facts.c — one run's params, tags, note and metrics with their
 * change from the baseline (run_facts.h), for the runs view's detail pane
 * and the Run view. */
#include "config.h"
#include "tui/run_facts.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/compare.h"
#include "store/store.h"
#include "tui/internal.h"
#include "util/buf.h"
#include "util/num.h"

void run_facts_clear(struct run_facts *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nm; i++) {
		free(f->m[i].name);
		free(f->m[i].value);
		free(f->m[i].change);
	}
	free(f->m);
	free(f->params);
	free(f->tags);
	free(f->note);
	memset(f, 0, sizeof *f);
}

char *run_facts_pairs(const cJSON *params)
{
	struct buf b = BUF_INIT;
	for (const cJSON *p = cJSON_IsObject(params) ? params->child : NULL; p; p = p->next) {
		char *val = cJSON_IsString(p) ? strdup(p->valuestring) : json_print(p, 0);
		buf_printf(&b, "%s%s=%s", b.len ? "  " : "", p->string, val ? val : "");
		free(val);
	}
	return b.data ? buf_steal(&b) : NULL;
}

static void run_text(struct run_facts *f, const struct store_run *r, const cJSON *params)
{
	struct buf tags = BUF_INIT;
	for (int k = 0; k < r->ntags; k++)
		buf_printf(&tags, "%s%s", k ? ", " : "", r->tags[k]);
	f->tags = tags.data ? buf_steal(&tags) : NULL;
	f->params = run_facts_pairs(params);
	f->note = r->note && *r->note ? strdup(r->note) : NULL;
}

static int add_metric(struct run_facts *f, const char *name, const char *value,
		      const char *change, int pair)
{
	struct run_fact_metric *m = realloc(f->m, (size_t)(f->nm + 1) * sizeof *m);
	if (!m)
		return -1;
	f->m = m;
	m = &f->m[f->nm];
	m->name = strdup(name);
	m->value = strdup(value);
	m->change = strdup(change);
	m->pair = pair;
	if (!m->name || !m->value || !m->change) {
		free(m->name);
		free(m->value);
		free(m->change);
		return -1;
	}
	f->nm++;
	int nw = fmt_width(name), vw = fmt_width(value);
	f->name_w = nw > f->name_w ? nw : f->name_w;
	f->value_w = vw > f->value_w ? vw : f->value_w;
	return 0;
}

/* No baseline: the run's values alone. */
static int load_alone(struct store *s, int64_t run_id, struct run_facts *f, struct rl_err *err)
{
	struct store_run r = { 0 };
	struct store_metric *m = NULL;
	int nm = 0, rc = -1, began = 0;
	if (store_read_begin(s, &began, err) < 0)
		return -1;
	if (store_run_get(s, run_id, &r, err) < 0 || store_run_metrics(s, run_id, &m, &nm, err) < 0)
		goto cleanup;
	cJSON *params = cJSON_Parse(r.params_json ? r.params_json : "{}");
	run_text(f, &r, params);
	cJSON_Delete(params);
	for (int i = 0; i < nm; i++) {
		char val[32];
		struct buf name = BUF_INIT;
		buf_printf(&name, "%s.%s", m[i].step, m[i].key);
		fmt_metric(m[i].value, val, sizeof val);
		int bad = add_metric(f, name.data, val, "", 0);
		buf_free(&name);
		if (bad < 0) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	store_read_end(s, began);
	store_metrics_free(m, nm);
	store_run_clear(&r);
	return rc;
}

int run_facts_load(struct store *s, int64_t run_id, int64_t baseline, int utf8,
		   struct run_facts *f, struct rl_err *err)
{
	struct compare *c = NULL;
	struct rl_err cerr = RL_ERR_INIT;
	int rc = -1;
	run_facts_clear(f);
	f->run_id = run_id;
	int n = baseline && baseline != run_id;
	if (compare_new(s, run_id, n ? &baseline : NULL, n, &c, &cerr) < 0) {
		int none = cerr.code == RL_E_NOT_FOUND && !n;
		if (!none)
			rl_err_set(err, cerr.code, "%s", rl_err_msg(&cerr));
		rl_err_clear(&cerr);
		return none ? load_alone(s, run_id, f, err) : -1;
	}
	const struct compare_pair *p = &c->pairs[0];
	f->baseline = c->others[0].run.id;
	run_text(f, &c->run.run, c->run.params);
	for (int i = 0; i < p->nmetrics; i++) {
		const struct compare_metric *m = &p->metrics[i];
		char val[32], change[64] = "";
		int pair = 0;
		if (m->value) {
			fmt_metric(m->value->value, val, sizeof val);
		} else {
			snprintf(val, sizeof val, "-");
			pair = PAIR_DIM;
		}
		if (m->value && m->other) {
			int v = fmt_change(m->value->value, m->other->value, m->dir, utf8, 1, change,
					   sizeof change);
			pair = v > 0 ? PAIR_BETTER : v < 0 ? PAIR_WORSE : 0;
		} else if (m->other) {
			char b[32];
			fmt_metric(m->other->value, b, sizeof b);
			snprintf(change, sizeof change, "only the baseline: %s", b);
		} else {
			snprintf(change, sizeof change, "new: not in the baseline");
			pair = PAIR_DIM;
		}
		if (add_metric(f, m->key, val, change, pair) < 0) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	compare_free(&c);
	return rc;
}

int run_facts_paint_metrics(struct tui *t, const struct run_facts *f, int first, int y, int y1,
			    int x, int w)
{
	int nw = f->name_w < 8 ? 8 : f->name_w, vw = f->value_w < 5 ? 5 : f->value_w, rows = 0;
	if (nw > w / 2)
		nw = w / 2;
	for (int i = first; i < f->nm && y + rows < y1; i++, rows++) {
		const struct run_fact_metric *m = &f->m[i];
		int yy = y + rows;
		tui_put_cut(t, yy, x, nw, m->name, 0, 0);
		int vx = x + nw + 2;
		/* the value right-aligned under its neighbours */
		int pad = vw - fmt_width(m->value);
		tui_put(t, yy, vx + (pad > 0 ? pad : 0), w - (vx - x), m->value,
			m->pair == PAIR_DIM ? PAIR_DIM : 0, 0);
		int cx = vx + vw + 2;
		if (cx < x + w)
			tui_put_cut(t, yy, cx, x + w - cx, m->change, m->pair, 0);
	}
	return rows;
}
