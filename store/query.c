/* store/query.c — filtered and sorted run lists: the --where language's
 * tree compiled into one parameterized SQL query. */
#include "config.h"
#include "store/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* The values bound to a query's parameters, in order (grown as needed:
 * 200 conditions of three values each, twice when sorting by a metric). */
struct binds {
	struct bind_value {
		int is_num;
		double num;
		const char *str;
	} *v;
	int n, cap;
};

static struct bind_value *bind_slot(struct binds *b)
{
	if (b->n == b->cap) {
		int cap = b->cap ? 2 * b->cap : 64;
		if (cap > 32000)
			return NULL; /* SQLite's limit on parameters: 32766 */
		struct bind_value *v = realloc(b->v, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		b->v = v;
		b->cap = cap;
	}
	return &b->v[b->n++];
}

static int bind_num(struct binds *b, double v)
{
	struct bind_value *x = bind_slot(b);
	if (!x)
		return -1;
	x->is_num = 1;
	x->num = v;
	return 0;
}

static int bind_str(struct binds *b, const char *s)
{
	struct bind_value *x = bind_slot(b);
	if (!x)
		return -1;
	x->is_num = 0;
	x->str = s;
	return 0;
}

static const char *op_sql(enum store_filter_op op)
{
	switch (op) {
	case SFO_EQ: return "=";
	case SFO_NE: return "!=";
	case SFO_LT: return "<";
	case SFO_LE: return "<=";
	case SFO_GT: return ">";
	case SFO_GE: return ">=";
	default: return "=";
	}
}

/* "EXPR op ?" (or instr(EXPR, ?) > 0 for ~) with the value bound. */
static int cmp(struct buf *q, struct binds *b, const char *expr,
	       const struct store_filter *f)
{
	if (f->op == SFO_HAS) {
		buf_printf(q, "instr(%s, ?) > 0", expr);
		return bind_str(b, f->str ? f->str : "");
	}
	buf_printf(q, "%s %s ?", expr, op_sql(f->op));
	return f->is_num ? bind_num(b, f->num) : bind_str(b, f->str ? f->str : "");
}

static int compile(struct buf *q, struct binds *b, const struct store_filter *f,
		   int64_t now);

/* F as a term of a KIND chain: its own terms without parentheses when it
 * is a chain of the same kind. */
static int compile_chain(struct buf *q, struct binds *b, const struct store_filter *f,
			 enum store_filter_kind kind, int64_t now)
{
	if (f->kind != kind)
		return compile(q, b, f, now);
	if (compile_chain(q, b, f->a, kind, now) < 0)
		return -1;
	buf_puts(q, kind == SF_AND ? " AND " : " OR ");
	return compile_chain(q, b, f->b, kind, now);
}

static int compile(struct buf *q, struct binds *b, const struct store_filter *f,
		   int64_t now)
{
	switch (f->kind) {
	case SF_AND:
	case SF_OR:
		/* a chain (a and b and c: a left-deep tree) goes out flat,
		 * "(a AND b AND c)": SQLite's parser stack overflows at about
		 * 50 nested parentheses */
		buf_puts(q, "(");
		if (compile_chain(q, b, f->a, f->kind, now) < 0)
			return -1;
		buf_puts(q, f->kind == SF_AND ? " AND " : " OR ");
		if (compile_chain(q, b, f->b, f->kind, now) < 0)
			return -1;
		buf_puts(q, ")");
		return 0;
	case SF_NOT:
		buf_puts(q, "NOT (");
		if (compile(q, b, f->a, now) < 0)
			return -1;
		buf_puts(q, ")");
		return 0;
	case SF_CMP:
		break;
	}
	switch (f->field) {
	case SFF_STATUS:
		return cmp(q, b, "r.status", f);
	case SFF_NAME:
		return cmp(q, b, "r.name", f);
	case SFF_PIPELINE:
		return cmp(q, b, "p.name", f);
	case SFF_ID:
		return cmp(q, b, "r.id", f);
	case SFF_STARTED:
		return cmp(q, b, "r.started_ms", f);
	case SFF_DURATION: {
		struct buf e = BUF_INIT;
		buf_printf(&e, "(coalesce(r.ended_ms, %lld) - r.started_ms)", (long long)now);
		int rc = cmp(q, b, e.data, f);
		buf_free(&e);
		return rc;
	}
	case SFF_TAG: {
		/* tag=x: the run, or one of its steps, has the tag; tag!=x:
		 * neither has it */
		int neg = f->op == SFO_NE;
		struct store_filter g = *f;
		if (neg)
			g.op = SFO_EQ;
		buf_printf(q, "%s(EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND ",
			   neg ? "NOT " : "");
		if (cmp(q, b, "t.tag", &g) < 0)
			return -1;
		buf_puts(q, ") OR EXISTS (SELECT 1 FROM step_tags t WHERE t.run_id = r.id AND ");
		if (cmp(q, b, "t.tag", &g) < 0)
			return -1;
		buf_puts(q, "))");
		return 0;
	}
	case SFF_SWEEP:
		if (f->is_num)
			return cmp(q, b, f->op == SFO_NE ? "coalesce(r.sweep_id, 0)" : "r.sweep_id", f);
		else {
			/* by name: sweep!=x is every run not in a sweep named x */
			struct store_filter g = *f;
			if (f->op == SFO_NE)
				g.op = SFO_EQ;
			buf_printf(q, "%sEXISTS (SELECT 1 FROM sweeps sw WHERE sw.id = r.sweep_id AND ",
				   f->op == SFO_NE ? "NOT " : "");
			if (cmp(q, b, "sw.name", &g) < 0)
				return -1;
			buf_puts(q, ")");
			return 0;
		}
	case SFF_GIT:
		/* by prefix (hex only: no GLOB character), in runs_by_git; a run
		 * outside git has no commit and matches git!=… */
	{
		/* the pattern bound as it is, so the GLOB can seek in the index */
		buf_puts(q, f->op == SFO_NE ? "coalesce(r.git_commit GLOB ?, 0) = 0"
					    : "r.git_commit GLOB ?");
		return bind_str(b, f->key ? f->key : "");
	}
	case SFF_DIRTY:
		/* dirty!=true: clean, or not known (outside git) */
		buf_printf(q, f->op == SFO_NE ? "coalesce(r.git_dirty, -1) != ?" : "r.git_dirty = ?");
		return bind_num(b, f->num);
	case SFF_PARAM:
		buf_puts(q, "EXISTS (SELECT 1 FROM run_params rp WHERE rp.run_id = r.id "
			    "AND rp.key = ? AND ");
		if (bind_str(b, f->key) < 0 ||
		    cmp(q, b, "json_extract(rp.value_json, '$')", f) < 0)
			return -1;
		buf_puts(q, ")");
		return 0;
	case SFF_METRIC:
		buf_puts(q, "EXISTS (SELECT 1 FROM run_metrics m WHERE m.run_id = r.id "
			    "AND m.step = ? AND m.key = ? AND ");
		if (bind_str(b, f->step) < 0 || bind_str(b, f->key) < 0 ||
		    cmp(q, b, "m.value", f) < 0)
			return -1;
		buf_puts(q, ")");
		return 0;
	}
	return -1;
}

static int sort_expr(struct buf *q, struct binds *b, const struct store_sort *so,
		     int64_t now)
{
	switch (so->field) {
	case SFF_STATUS: buf_puts(q, "r.status"); return 0;
	case SFF_NAME: buf_puts(q, "r.name"); return 0;
	case SFF_PIPELINE: buf_puts(q, "p.name"); return 0;
	case SFF_ID: buf_puts(q, "r.id"); return 0;
	case SFF_STARTED: buf_puts(q, "r.started_ms"); return 0;
	case SFF_SWEEP: buf_puts(q, "r.sweep_id"); return 0;
	case SFF_GIT: buf_puts(q, "r.git_commit"); return 0;
	case SFF_DIRTY: buf_puts(q, "r.git_dirty"); return 0;
	case SFF_DURATION:
		buf_printf(q, "(coalesce(r.ended_ms, %lld) - r.started_ms)", (long long)now);
		return 0;
	case SFF_PARAM:
		buf_puts(q, "(SELECT json_extract(rp.value_json, '$') FROM run_params rp "
			    "WHERE rp.run_id = r.id AND rp.key = ?)");
		return bind_str(b, so->key);
	case SFF_METRIC:
		buf_puts(q, "(SELECT m.value FROM run_metrics m WHERE m.run_id = r.id "
			    "AND m.step = ? AND m.key = ?)");
		return bind_str(b, so->step) < 0 ? -1 : bind_str(b, so->key);
	default:
		return -1;
	}
}

/* " AND r.pipeline_id = ? AND (FILTER)" as far as they are given. */
static int where_more(struct buf *q, struct binds *b, int64_t pipeline_id,
		      const struct store_filter *filter, int64_t now)
{
	if (pipeline_id > 0) {
		buf_puts(q, " AND r.pipeline_id = ?");
		if (bind_num(b, (double)pipeline_id) < 0)
			return -1;
	}
	if (filter) {
		buf_puts(q, " AND ");
		return compile(q, b, filter, now);
	}
	return 0;
}

/* Sorted by a metric: walk run_metrics_by_value (step, key, value) in the
 * sort's direction and stop at LIMIT, instead of computing the value of
 * every run and sorting them all; the runs without the value come after
 * (SQLite skips that arm once LIMIT rows came from the first). */
static int by_metric(struct buf *q, struct binds *b, int64_t pipeline_id,
		     const struct store_filter *filter,
		     const struct store_sort *sort, int64_t now, int limit)
{
	buf_puts(q, "SELECT * FROM (SELECT " STORE_RUN_COLS
		    "FROM run_metrics m JOIN runs r ON r.id = m.run_id "
		    "JOIN pipelines p ON p.id = r.pipeline_id "
		    "WHERE m.step = ? AND m.key = ?");
	if (bind_str(b, sort->step) < 0 || bind_str(b, sort->key) < 0 ||
	    where_more(q, b, pipeline_id, filter, now) < 0)
		return -1;
	buf_printf(q, " ORDER BY m.value %s, r.started_ms DESC, r.id DESC LIMIT ?)",
		   sort->descending ? "DESC" : "ASC");
	buf_puts(q, " UNION ALL SELECT * FROM (SELECT " STORE_RUN_COLS
		    "FROM runs r JOIN pipelines p ON p.id = r.pipeline_id WHERE NOT EXISTS "
		    "(SELECT 1 FROM run_metrics m WHERE m.run_id = r.id "
		    "AND m.step = ? AND m.key = ?)");
	if (bind_num(b, limit) < 0 || bind_str(b, sort->step) < 0 ||
	    bind_str(b, sort->key) < 0 || where_more(q, b, pipeline_id, filter, now) < 0)
		return -1;
	buf_puts(q, " ORDER BY r.started_ms DESC, r.id DESC LIMIT ?) LIMIT ?");
	return bind_num(b, limit) < 0 ? -1 : bind_num(b, limit);
}

int store_runs_query(struct store *s, int64_t pipeline_id,
		     const struct store_filter *filter,
		     const struct store_sort *sort, int64_t now_ms, int limit,
		     struct store_run **rows, int *n, struct rl_err *err)
{
	struct buf q = BUF_INIT;
	struct binds *b = calloc(1, sizeof(*b));
	sqlite3_stmt *st = NULL;
	int rc = -1;
	*rows = NULL;
	*n = 0;
	if (!b)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (sort && sort->field == SFF_METRIC) {
		if (by_metric(&q, b, pipeline_id, filter, sort, now_ms, limit) < 0) {
			rl_err_set(err, RL_E_INPUT, "the filter is too long");
			goto cleanup;
		}
	} else {
		buf_puts(&q, "SELECT " STORE_RUN_COLS
			     "FROM runs r JOIN pipelines p ON p.id = r.pipeline_id WHERE 1");
		if (where_more(&q, b, pipeline_id, filter, now_ms) < 0) {
			rl_err_set(err, RL_E_INPUT, "the filter is too long");
			goto cleanup;
		}
		buf_puts(&q, " ORDER BY ");
		if (sort) {
			/* runs without the value last, whatever the direction */
			struct buf e = BUF_INIT;
			if (sort_expr(&e, b, sort, now_ms) < 0 ||
			    sort_expr(&q, b, sort, now_ms) < 0) {
				buf_free(&e);
				rl_err_set(err, RL_E_INPUT, "cannot sort by that");
				goto cleanup;
			}
			/* the expression went in twice: bind its values twice, in order */
			buf_printf(&q, " IS NULL, %s %s, ", e.data,
				   sort->descending ? "DESC" : "ASC");
			buf_free(&e);
		}
		buf_puts(&q, "r.started_ms DESC, r.id DESC LIMIT ?");
		bind_num(b, limit);
	}
	int prc = sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL);
	if (prc != SQLITE_OK) {
		store_fail(s, prc, "cannot query runs", err);
		goto cleanup;
	}
	for (int i = 0; i < b->n; i++) {
		/* whole numbers bind as integers (so `id = 3` uses the key);
		 * test the range first: converting 1e300 to int64 is undefined */
		double x = b->v[i].num;
		int whole = b->v[i].is_num && x >= -9.0e18 && x <= 9.0e18 &&
			    x == floor(x);
		int r2 = !b->v[i].is_num
				 ? sqlite3_bind_text(st, i + 1, b->v[i].str, -1, SQLITE_TRANSIENT)
			 : whole ? sqlite3_bind_int64(st, i + 1, (int64_t)x)
				 : sqlite3_bind_double(st, i + 1, x);
		if (r2 != SQLITE_OK) {
			store_fail(s, r2, "cannot query runs", err);
			goto cleanup;
		}
	}
	rc = store_read_runs(s, st, rows, n, err);
cleanup:
	sqlite3_finalize(st);
	if (b)
		free(b->v);
	free(b);
	buf_free(&q);
	return rc;
}
