/* core/baseline.c — the baseline rule (core/baseline.h). */
#include "config.h"
#include "core/baseline.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "util/buf.h"
#include "util/timeutil.h"

const char *baseline_rule(const struct store_pipeline *p, const char **from)
{
	const char *rule = p->baseline_where && *p->baseline_where ? p->baseline_where : NULL;
	const char *f = "pin --where";
	if (!rule && p->baseline_where_file && *p->baseline_where_file) {
		rule = p->baseline_where_file;
		f = "the pipeline file";
	}
	if (from)
		*from = rule ? f : NULL;
	return rule;
}

char *baseline_explain(const struct store_pipeline *p)
{
	struct buf b = BUF_INIT;
	const char *from, *rule = baseline_rule(p, &from);
	if (p->pinned_run_id)
		buf_printf(&b, "the pinned run %lld", (long long)p->pinned_run_id);
	else if (rule)
		buf_printf(&b, "the newest completed earlier run matching %s (%s)", rule, from);
	else
		buf_puts(&b, "the newest completed earlier run");
	return buf_steal(&b);
}

static struct store_filter cmp(enum store_filter_field field, enum store_filter_op op,
			       double num)
{
	return (struct store_filter){ .kind = SF_CMP, .field = field, .op = op, .is_num = 1,
				      .num = num };
}

/* The newest completed run of R's pipeline that started before R and
 * RULE matches; 0 when none (or RULE no longer parses). */
static int64_t newest_matching(struct store *s, const struct store_run *r, const char *rule)
{
	struct store_filter *f = NULL;
	if (filter_parse(rule, time_now_ms(), &f, NULL) < 0)
		return 0;
	/* rule and status=completed and (started < T or (started = T and id < ID)) */
	struct store_filter done = { .kind = SF_CMP, .field = SFF_STATUS, .op = SFO_EQ,
				     .str = "completed" };
	struct store_filter lt = cmp(SFF_STARTED, SFO_LT, (double)r->started_ms);
	struct store_filter eq = cmp(SFF_STARTED, SFO_EQ, (double)r->started_ms);
	struct store_filter id = cmp(SFF_ID, SFO_LT, (double)r->id);
	struct store_filter tie = { .kind = SF_AND, .a = &eq, .b = &id };
	struct store_filter before = { .kind = SF_OR, .a = &lt, .b = &tie };
	struct store_filter when = { .kind = SF_AND, .a = &done, .b = &before };
	struct store_filter all = { .kind = SF_AND, .a = f, .b = &when };
	struct store_run *rows = NULL;
	int n = 0;
	int64_t found = 0;
	if (store_runs_query(s, r->pipeline_id, &all, NULL, time_now_ms(), 1, &rows, &n, NULL) ==
		    0 &&
	    n == 1)
		found = rows[0].id;
	store_runs_free(rows, n);
	filter_free(&f);
	return found;
}

int64_t baseline_chosen(struct store *s, const struct store_run *r, enum baseline_how *how,
			char **rule_out)
{
	struct store_pipeline p = { 0 };
	int64_t id = 0;
	enum baseline_how h = BASELINE_NONE;
	if (rule_out)
		*rule_out = NULL;
	if (store_pipeline_get_by_id(s, r->pipeline_id, &p, NULL) < 0) {
		store_pipeline_clear(&p);
		if (how)
			*how = h;
		return 0;
	}
	const char *from, *rule = baseline_rule(&p, &from);
	int64_t given = 0;
	int recorded = 0;
	char *by = NULL, *by_rule = NULL;
	/* `pin RUN` and `pin --where EXPR` say "from now on, for every run";
	 * the pipeline file's rule and the default one were read when the
	 * run started, and what they gave it is kept */
	int pinned_rule = p.baseline_where && *p.baseline_where;
	if (p.pinned_run_id && p.pinned_run_id != r->id) {
		id = p.pinned_run_id;
		h = BASELINE_PINNED;
	} else if (!pinned_rule && r->id != INT64_MAX &&
		   store_run_baseline_given(s, r->id, &given, &recorded, &by, &by_rule, NULL) == 0 &&
		   recorded) {
		/* the one it was given when it started (still there): the rule
		 * read now could name a run that completed since; said as it was
		 * chosen then */
		id = given;
		h = !by					? BASELINE_PREVIOUS
		    : !strcmp(by, "pinned")		? BASELINE_WAS_PINNED
		    : !strcmp(by, "pin --where")	? BASELINE_PIN_RULE
							: BASELINE_FILE_RULE;
		if (rule_out && by_rule && (h == BASELINE_PIN_RULE || h == BASELINE_FILE_RULE)) {
			*rule_out = by_rule;
			by_rule = NULL;
		}
	} else if (rule) {
		id = newest_matching(s, r, rule);
		h = pinned_rule ? BASELINE_PIN_RULE : BASELINE_FILE_RULE;
		if (rule_out && id)
			*rule_out = strdup(rule);
	} else {
		if (store_run_previous_completed(s, r->pipeline_id, &r->at, &id, NULL) < 0)
			id = 0;
		h = BASELINE_PREVIOUS;
	}
	(void)from;
	free(by);
	free(by_rule);
	store_pipeline_clear(&p);
	if (how)
		*how = id ? h : BASELINE_NONE;
	return id;
}

int64_t baseline_of(struct store *s, const struct store_run *r)
{
	return baseline_chosen(s, r, NULL, NULL);
}

int64_t baseline_for_new_run(struct store *s, int64_t pipeline_id, enum baseline_how *how,
			     char **rule)
{
	/* after every recorded run: any completed run started before it */
	struct store_run r = { .id = INT64_MAX, .pipeline_id = pipeline_id,
			       .started_ms = INT64_MAX, .at = { INT64_MAX, INT64_MAX } };
	return baseline_chosen(s, &r, how, rule);
}
