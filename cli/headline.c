/* cli/headline.c — the metrics headline `runlens run` and `runlens rerun`
 * print when a run completed: each metric of the run with its change from
 * the baseline, as `dvc exp run` prints its metrics.  The pairing, the
 * deltas, the percentages and better/worse are compare_new's (the
 * comparison `runlens compare RUN` makes); this file only renders them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/compare.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"

static char *num(double v)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%.6g", v);
	return buf_steal(&b);
}

/* The change of M: "▲ +0.02 (+2.2%)", "=" when the same, "new" when the
 * baseline lacks it. */
static char *change_text(const struct compare_metric *m, int utf8)
{
	struct buf b = BUF_INIT;
	if (m->result == COMPARE_MISSING) {
		buf_puts(&b, "new");
	} else if (m->result == COMPARE_SAME) {
		buf_puts(&b, "=");
	} else {
		const char *arrow = m->delta > 0 ? (utf8 ? "▲" : "^") : (utf8 ? "▼" : "v");
		buf_printf(&b, "%s %+.6g", arrow, m->delta);
		if (m->has_pct)
			buf_printf(&b, " (%+.1f%%)", m->pct);
	}
	return buf_steal(&b);
}

/* RUN's metrics against its baseline (compare C's one pair). */
static void print_compared(FILE *o, const struct compare *c, int color)
{
	const struct compare_pair *p = &c->pairs[0];
	const struct store_run *b = &p->other->run;
	int utf8 = out_utf8_locale();
	struct table *t = table_new(5, "METRIC", "VALUE", "BASELINE", "CHANGE", "");
	table_align_right(t, 1);
	table_align_right(t, 2);
	for (int i = 0; i < p->nmetrics; i++) {
		const struct compare_metric *m = &p->metrics[i];
		if (!m->value) /* only the baseline has it */
			continue;
		char *v = num(m->value->value);
		char *ov = m->other ? num(m->other->value) : strdup("-");
		char *ch = change_text(m, utf8);
		table_add_row(t, m->key, v, ov, ch, compare_result_name(m->result));
		const char *sgr = m->result == COMPARE_BETTER  ? "32"
				  : m->result == COMPARE_WORSE ? "31"
							       : NULL;
		table_set_color(t, 3, sgr);
		table_set_color(t, 4, sgr);
		free(v);
		free(ov);
		free(ch);
	}
	if (table_rows(t)) {
		struct buf h = BUF_INIT;
		buf_printf(&h, "metrics vs baseline run %lld %s:", (long long)b->id, b->name);
		out_line(o, h.data);
		buf_free(&h);
		table_print(t, o, color);
	}
	table_free(&t);
}

/* RUN's metrics alone: it has no baseline yet. */
static int print_alone(FILE *o, struct store *s, int64_t run_id, int color,
		       struct rl_err *err)
{
	struct store_metric *ms = NULL;
	int n = 0;
	if (store_run_metrics(s, run_id, &ms, &n, err) < 0)
		return -1;
	if (n) {
		out_line(o, "metrics (no baseline to compare with yet):");
		struct table *t = table_new(2, "METRIC", "VALUE");
		table_align_right(t, 1);
		struct buf key = BUF_INIT;
		for (int i = 0; i < n; i++) {
			buf_reset(&key);
			buf_printf(&key, "%s.%s", ms[i].step, ms[i].key);
			char *v = num(ms[i].value);
			table_add_row(t, key.data, v);
			free(v);
		}
		buf_free(&key);
		table_print(t, o, color);
		table_free(&t);
	}
	store_metrics_free(ms, n);
	return 0;
}

int cli_headline(struct cli *c, int64_t run_id, struct rl_err *err)
{
	struct store *s = NULL;
	struct compare *cmp = NULL;
	int rc = -1, color = out_use_color(c->out);
	if (session_open(c->store_flag, 0, &s, err) < 0)
		goto cleanup;
	struct rl_err e = RL_ERR_INIT;
	if (compare_new(s, run_id, NULL, 0, &cmp, &e) == 0) {
		print_compared(c->out, cmp, color);
	} else if (e.code == RL_E_NOT_FOUND) { /* no baseline */
		if (print_alone(c->out, s, run_id, color, err) < 0) {
			rl_err_clear(&e);
			goto cleanup;
		}
	} else {
		rl_err_set(err, e.code, "%s", rl_err_msg(&e));
		rl_err_clear(&e);
		goto cleanup;
	}
	rl_err_clear(&e);
	rc = 0;
cleanup:
	compare_free(&cmp);
	store_close(&s);
	return rc;
}
