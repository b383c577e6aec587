/* store/query.c — filtered and sorted run lists: the --where language's
 * tree compiled into one parameterized SQL query. */
#include "config.h"
#include "store/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* The values bound to a query's parameters, in order (grown as needed:
 * 200 conditions of three values each, twice when sorting by a metric). */
struct binds {
	struct bind_value {
		int is_num, is_int; /* is_int: I, a cursor's integer */
		double num;
		int64_t i;
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
	x->is_int = 0;
	x->num = v;
	return 0;
}

static int bind_int(struct binds *b, int64_t v)
{
	struct bind_value *x = bind_slot(b);
	if (!x)
		return -1;
	x->is_num = x->is_int = 1;
	x->i = v;
	return 0;
}

static int bind_str(struct binds *b, const char *s)
{
	struct bind_value *x = bind_slot(b);
	if (!x)
		return -1;
	x->is_num = x->is_int = 0;
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

/* tag=x: the run, or one of its steps, has the tag; tag!=x: neither has
 * it. */
static int compile_tag(struct buf *q, struct binds *b, const struct store_filter *f)
{
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

/* sweep=ID, or by name: sweep!=x is every run not in a sweep named x. */
static int compile_sweep(struct buf *q, struct binds *b, const struct store_filter *f)
{
	if (f->is_num)
		return cmp(q, b, f->op == SFO_NE ? "coalesce(r.sweep_id, 0)" : "r.sweep_id", f);
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

/* One comparison of a field with its value. */
static int compile_cmp(struct buf *q, struct binds *b, const struct store_filter *f,
		       int64_t now)
{
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
	case SFF_TAG:
		return compile_tag(q, b, f);
	case SFF_SWEEP:
		return compile_sweep(q, b, f);
	case SFF_GIT:
		/* by prefix (hex only: no GLOB character), in runs_by_git, the
		 * pattern bound as it is so that the GLOB can seek in the index;
		 * a run outside git has no commit and matches git!=… */
		buf_puts(q, f->op == SFO_NE ? "coalesce(r.git_commit GLOB ?, 0) = 0"
					    : "r.git_commit GLOB ?");
		return bind_str(b, f->key ? f->key : "");
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
	return compile_cmp(q, b, f, now);
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

/* How a sorted list is read (schema 9): the runs that have the value in
 * the order of an index that also breaks ties (the newest first), as far
 * as the page goes, then those without it, newest first.  A page starts
 * after its cursor: the value, started_ms and id of the last row before
 * it (keyset paging, as the newest-first lists). */
enum tie {
	TIE_TIME, /* ties: started_ms DESC, id DESC */
	TIE_SELF, /* the value is started_ms: ties by id, the same way */
	TIE_ID,	  /* ties: the run id, the newest first (params) */
	TIE_NONE, /* the value is unique (name, id) */
};

struct shape {
	const char *from;  /* "FROM …" of the valued arm */
	const char *val;   /* the value, in the valued arm */
	const char *idcol; /* the run id in the valued arm's index */
	const char *has;   /* " AND …": a run has the value (may bind: see binds_has) */
	const char *none;  /* " AND …": a run has no value; NULL: every run has one */
	int binds_has;	   /* has and none each bind the sort's step and key (2) or key (1) */
	enum tie tie;
};

#define RUNS_FROM "FROM runs r JOIN pipelines p ON p.id = r.pipeline_id WHERE 1"

static int shape_of(const struct store_sort *so, struct shape *sh)
{
	memset(sh, 0, sizeof *sh);
	sh->from = RUNS_FROM;
	sh->idcol = "r.id";
	sh->has = "";
	sh->tie = TIE_TIME;
	switch (so->field) {
	case SFF_STATUS: sh->val = "r.status"; return 0;
	case SFF_NAME: sh->val = "r.name"; sh->tie = TIE_NONE; return 0;
	case SFF_ID: sh->val = "r.id"; sh->tie = TIE_NONE; return 0;
	case SFF_STARTED: sh->val = "r.started_ms"; sh->tie = TIE_SELF; return 0;
	case SFF_PIPELINE:
		/* pipelines by their name (its unique index), then each one's
		 * runs by runs_by_pipeline: no sort at all */
		sh->from = "FROM pipelines p JOIN runs r ON r.pipeline_id = p.id WHERE 1";
		sh->val = "p.name";
		return 0;
	case SFF_TAG:
		/* by the first tag, from runs_by_tag (schema 11, on this very
		 * expression); the runs without a tag after */
		sh->val = STORE_FIRST_TAG_OF("r.tag_list");
		sh->has = " AND " STORE_HAS_TAGS("r.tag_list");
		sh->none = " AND (r.tag_list IS NULL OR r.tag_list = '')";
		return 0;
	case SFF_SWEEP:
		sh->val = "r.sweep_id";
		sh->has = " AND r.sweep_id IS NOT NULL";
		sh->none = " AND r.sweep_id IS NULL";
		return 0;
	case SFF_GIT:
		sh->val = "r.git_commit";
		sh->has = " AND r.git_commit IS NOT NULL";
		sh->none = " AND r.git_commit IS NULL";
		return 0;
	case SFF_DIRTY:
		sh->val = "r.git_dirty";
		sh->has = " AND r.git_dirty IS NOT NULL";
		sh->none = " AND r.git_dirty IS NULL";
		return 0;
	case SFF_DURATION:
		sh->val = "(r.ended_ms - r.started_ms)"; /* and the unended: see arm_duration */
		return 0;
	case SFF_PARAM:
		sh->from = "FROM run_params rp JOIN runs r ON r.id = rp.run_id "
			   "JOIN pipelines p ON p.id = r.pipeline_id WHERE rp.key = ?";
		sh->val = "rp.value";
		sh->idcol = "rp.run_id";
		sh->has = " AND rp.value IS NOT NULL";
		sh->none = " AND NOT EXISTS (SELECT 1 FROM run_params rp WHERE rp.run_id = r.id "
			   "AND rp.key = ? AND rp.value IS NOT NULL)";
		sh->binds_has = 1;
		sh->tie = TIE_ID;
		return 0;
	case SFF_METRIC:
		sh->from = "FROM run_metrics m JOIN runs r ON r.id = m.run_id "
			   "JOIN pipelines p ON p.id = r.pipeline_id WHERE m.step = ? AND m.key = ?";
		sh->val = "m.value";
		sh->none = " AND NOT EXISTS (SELECT 1 FROM run_metrics m WHERE m.run_id = r.id "
			   "AND m.step = ? AND m.key = ?)";
		sh->binds_has = 2;
		return 0;
	default:
		return -1;
	}
}

static int bind_sort_keys(struct binds *b, const struct store_sort *so, int how)
{
	if (how == 2 && bind_str(b, so->step) < 0)
		return -1;
	return how ? bind_str(b, so->key) : 0;
}

static int bind_cursor_value(struct binds *b, const struct store_sort_cursor *c)
{
	switch (c->vtype) {
	case STORE_SORT_INT: return bind_int(b, c->i);
	case STORE_SORT_REAL: return bind_num(b, c->d);
	default: return bind_str(b, c->text ? c->text : "");
	}
}

/* Which of the rows after a cursor a select of the valued arm reads: all
 * in one condition, or, in two selects one after the other, those of the
 * cursor's value after it (PART_SAME), then those of the values beyond
 * (PART_BEYOND).  A tie is broken by columns after the value, and in one
 * condition only the value bounds the walk of the index: a page deep in
 * a value that many runs share (a status, a tag, a pipeline) walked from
 * the first of them (page 4,000 of the completed runs of a 1M-run store:
 * 53-76 ms).  Two selects are each one range of the index. */
enum part { PART_ALL, PART_SAME, PART_BEYOND };

/* The cursor's tie: its run id (TIE_ID), or its started_ms and run id. */
static int bind_tie(struct binds *b, enum tie tie, const struct store_sort_cursor *c)
{
	if (tie == TIE_ID)
		return bind_int(b, c->id);
	return bind_int(b, c->started_ms) < 0 ? -1 : bind_int(b, c->id);
}

/* " AND (…)": after cursor C in the valued arm whose value is VAL, the
 * PART of those rows (PART_SAME and PART_BEYOND: ties of TIE_TIME or
 * TIE_ID only). */
static int after_valued(struct buf *q, struct binds *b, const char *val, const char *idcol,
			enum tie tie, int desc, const struct store_sort_cursor *c, enum part part)
{
	const char *gt = desc ? "<" : ">", *ge = desc ? "<=" : ">=";
	if (part == PART_BEYOND) {
		buf_printf(q, " AND %s %s ?", val, gt);
		return bind_cursor_value(b, c);
	}
	if (part == PART_SAME) {
		if (tie == TIE_ID)
			buf_printf(q, " AND %s = ? AND %s < ?", val, idcol);
		else
			buf_printf(q, " AND %s = ? AND (r.started_ms, r.id) < (?, ?)", val);
		return bind_cursor_value(b, c) < 0 ? -1 : bind_tie(b, tie, c);
	}
	switch (tie) {
	case TIE_NONE:
		buf_printf(q, " AND %s %s ?", val, gt);
		return bind_cursor_value(b, c);
	case TIE_SELF:
		buf_printf(q, " AND (%s, r.id) %s (?, ?)", val, gt);
		return bind_cursor_value(b, c) < 0 ? -1 : bind_int(b, c->id);
	case TIE_ID:
		buf_printf(q, " AND %s %s ? AND (%s %s ? OR %s < ?)", val, ge, val, gt, idcol);
		break;
	case TIE_TIME:
		buf_printf(q, " AND %s %s ? AND (%s %s ? OR (r.started_ms, r.id) < (?, ?))", val, ge,
			   val, gt);
		break;
	}
	/* the value goes in twice: two parameters */
	if (bind_cursor_value(b, c) < 0 || bind_cursor_value(b, c) < 0)
		return -1;
	return bind_tie(b, tie, c);
}

static const char *tie_order(enum tie tie, int desc, const char *idcol)
{
	static char buf[64];
	switch (tie) {
	case TIE_SELF: return desc ? ", r.id DESC" : ", r.id ASC";
	case TIE_ID: snprintf(buf, sizeof buf, ", %s DESC", idcol); return buf;
	case TIE_NONE: return "";
	default: return ", r.started_ms DESC, r.id DESC";
	}
}

/* A select of the valued arm: "SELECT * FROM (SELECT cols, value, 0 FROM
 * … ORDER BY … LIMIT ?)", of the rows after cursor C (when set) that PART
 * says. */
static int select_valued(struct buf *q, struct binds *b, const struct shape *sh,
			 int64_t pipeline_id, const struct store_filter *filter,
			 const struct store_sort *so, int64_t now,
			 const struct store_sort_cursor *c, int limit, enum part part)
{
	const char *dir = so->descending ? "DESC" : "ASC";
	buf_printf(q, "SELECT * FROM (SELECT " STORE_RUN_COLS ", %s, 0 %s", sh->val, sh->from);
	if (bind_sort_keys(b, so, sh->binds_has) < 0)
		return -1;
	buf_puts(q, sh->has);
	if (where_more(q, b, pipeline_id, filter, now) < 0 ||
	    (c->set && after_valued(q, b, sh->val, sh->idcol, sh->tie, so->descending, c,
				    part) < 0))
		return -1;
	/* of one value: by the tie alone (SQLite does not drop an expression
	 * that the WHERE makes constant from an ORDER BY: it would sort) */
	const char *ties = tie_order(sh->tie, so->descending, sh->idcol);
	if (part == PART_SAME)
		buf_printf(q, " ORDER BY %s LIMIT ?)", ties + 2);
	else
		buf_printf(q, " ORDER BY %s %s%s LIMIT ?)", sh->val, dir, ties);
	return bind_num(b, limit);
}

/* The valued arm: its select, or (after a cursor, when ties are broken by
 * other columns) the two of PART_SAME and PART_BEYOND. */
static int arm_valued(struct buf *q, struct binds *b, const struct shape *sh,
		      int64_t pipeline_id, const struct store_filter *filter,
		      const struct store_sort *so, int64_t now, const struct store_sort_cursor *c,
		      int limit)
{
	const char *dir = so->descending ? "DESC" : "ASC";
	if (so->field == SFF_DURATION) {
		/* the runs that ended by their index; the few that have not
		 * (runs_unended) by the duration they have now; merged */
		buf_puts(q, "SELECT * FROM (SELECT " STORE_RUN_COLS
			    ", (r.ended_ms - r.started_ms), 0 " RUNS_FROM
			    " AND r.ended_ms IS NOT NULL");
		if (where_more(q, b, pipeline_id, filter, now) < 0 ||
		    (c->set && after_valued(q, b, "(r.ended_ms - r.started_ms)", "r.id", TIE_TIME,
					    so->descending, c, PART_ALL) < 0))
			return -1;
		struct buf e = BUF_INIT;
		buf_printf(&e, "(%lld - r.started_ms)", (long long)now);
		buf_printf(q, " UNION ALL SELECT " STORE_RUN_COLS ", %s, 0 " RUNS_FROM
			      " AND r.ended_ms IS NULL", e.data);
		int rc = where_more(q, b, pipeline_id, filter, now);
		if (rc == 0 && c->set)
			rc = after_valued(q, b, e.data, "r.id", TIE_TIME, so->descending, c,
					  PART_ALL);
		buf_free(&e);
		if (rc < 0)
			return -1;
		/* the value is the column after the run's (1-based in ORDER BY) */
		buf_printf(q, " ORDER BY %d %s, 6 DESC, 1 DESC LIMIT ?)", STORE_RUN_NCOLS + 1, dir);
		return bind_num(b, limit);
	}
	if (!c->set || sh->tie == TIE_NONE || sh->tie == TIE_SELF)
		return select_valued(q, b, sh, pipeline_id, filter, so, now, c, limit, PART_ALL);
	if (select_valued(q, b, sh, pipeline_id, filter, so, now, c, limit, PART_SAME) < 0)
		return -1;
	buf_puts(q, " UNION ALL ");
	return select_valued(q, b, sh, pipeline_id, filter, so, now, c, limit, PART_BEYOND);
}

/* The runs without the value, newest first. */
static int arm_none(struct buf *q, struct binds *b, const struct shape *sh,
		    int64_t pipeline_id, const struct store_filter *filter,
		    const struct store_sort *so, int64_t now, const struct store_sort_cursor *c,
		    int limit)
{
	buf_puts(q, "SELECT * FROM (SELECT " STORE_RUN_COLS ", NULL, 1 " RUNS_FROM);
	buf_puts(q, sh->none);
	if (bind_sort_keys(b, so, sh->binds_has) < 0 ||
	    where_more(q, b, pipeline_id, filter, now) < 0)
		return -1;
	if (c->set && c->nulls) {
		buf_puts(q, " AND (r.started_ms, r.id) < (?, ?)");
		if (bind_int(b, c->started_ms) < 0 || bind_int(b, c->id) < 0)
			return -1;
	}
	buf_puts(q, " ORDER BY r.started_ms DESC, r.id DESC LIMIT ?)");
	return bind_num(b, limit);
}

static int build(struct buf *q, struct binds *b, int64_t pipeline_id,
		 const struct store_filter *filter, const struct store_sort *so, int64_t now,
		 const struct store_sort_cursor *c, int limit)
{
	struct shape sh;
	if (shape_of(so, &sh) < 0)
		return -2;
	int valued = !(c->set && c->nulls), none = sh.none != NULL;
	if (valued && arm_valued(q, b, &sh, pipeline_id, filter, so, now, c, limit) < 0)
		return -1;
	if (valued && none)
		buf_puts(q, " UNION ALL ");
	if (none && arm_none(q, b, &sh, pipeline_id, filter, so, now, c, limit) < 0)
		return -1;
	buf_puts(q, " LIMIT ?");
	if (bind_num(b, limit) < 0)
		return -1;
	return 0;
}

/* The cursor after the row ST is on (its columns: STORE_RUN_COLS, the
 * value, whether it is of the runs without one), into the cursor CTX: a
 * hook of store_read_runs_each. */
static int cursor_from(sqlite3_stmt *st, void *ctx)
{
	struct store_sort_cursor *c = ctx;
	free(c->text);
	c->text = NULL;
	c->set = 1;
	c->nulls = sqlite3_column_int(st, STORE_RUN_NCOLS + 1);
	c->started_ms = sqlite3_column_int64(st, 5);
	c->id = sqlite3_column_int64(st, 0);
	switch (sqlite3_column_type(st, STORE_RUN_NCOLS)) {
	case SQLITE_INTEGER:
		c->vtype = STORE_SORT_INT;
		c->i = sqlite3_column_int64(st, STORE_RUN_NCOLS);
		return 0;
	case SQLITE_FLOAT:
		c->vtype = STORE_SORT_REAL;
		c->d = sqlite3_column_double(st, STORE_RUN_NCOLS);
		return 0;
	case SQLITE_NULL:
		c->vtype = STORE_SORT_INT;
		c->i = 0;
		return 0;
	default: {
		const unsigned char *t = sqlite3_column_text(st, STORE_RUN_NCOLS);
		int len = sqlite3_column_bytes(st, STORE_RUN_NCOLS);
		c->vtype = STORE_SORT_TEXT;
		if (!(c->text = malloc((size_t)len + 1)))
			return -1;
		memcpy(c->text, t ? (const char *)t : "", (size_t)len);
		c->text[len] = '\0';
		return 0;
	}
	}
}

static int bind_all(struct store *s, sqlite3_stmt *st, const struct binds *b,
		    struct rl_err *err)
{
	for (int i = 0; i < b->n; i++) {
		/* whole numbers bind as integers (so `id = 3` uses the key);
		 * test the range first: converting 1e300 to int64 is undefined */
		double x = b->v[i].num;
		int whole = b->v[i].is_num && x >= -9.0e18 && x <= 9.0e18 &&
			    x == floor(x);
		int r2 = !b->v[i].is_num ? sqlite3_bind_text(st, i + 1, b->v[i].str, -1,
							      SQLITE_TRANSIENT)
			 : b->v[i].is_int ? sqlite3_bind_int64(st, i + 1, b->v[i].i)
			 : whole	  ? sqlite3_bind_int64(st, i + 1, (int64_t)x)
					  : sqlite3_bind_double(st, i + 1, x);
		if (r2 != SQLITE_OK)
			return store_fail(s, r2, "cannot query runs", err);
	}
	return 0;
}

int store_runs_query_page(struct store *s, int64_t pipeline_id,
			  const struct store_filter *filter, const struct store_sort *sort,
			  int64_t now_ms, struct store_sort_cursor *cur, int limit,
			  struct store_run **rows, int *n, struct rl_err *err)
{
	/* no sort: newest first, which is started_ms descending */
	struct store_sort newest = { .field = SFF_STARTED, .descending = 1 };
	struct buf q = BUF_INIT;
	struct binds *b = calloc(1, sizeof(*b));
	sqlite3_stmt *st = NULL;
	int rc = -1;
	*rows = NULL;
	*n = 0;
	if (!b)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	int built = build(&q, b, pipeline_id, filter, sort ? sort : &newest, now_ms, cur, limit);
	if (built < 0) {
		rl_err_set(err, RL_E_INPUT, built == -2 ? "cannot sort by that"
							: "the filter is too long");
		goto cleanup;
	}
	int prc = sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL);
	if (prc != SQLITE_OK) {
		store_fail(s, prc, "cannot query runs", err);
		goto cleanup;
	}
	if (bind_all(s, st, b, err) < 0)
		goto cleanup;
	/* the rows, and the cursor after the last */
	rc = store_read_runs_each(s, st, cursor_from, cur, rows, n, err);
cleanup:
	sqlite3_finalize(st);
	free(b->v);
	free(b);
	buf_free(&q);
	return rc;
}

int store_runs_query(struct store *s, int64_t pipeline_id,
		     const struct store_filter *filter,
		     const struct store_sort *sort, int64_t now_ms, int limit,
		     struct store_run **rows, int *n, struct rl_err *err)
{
	struct store_sort_cursor c = { 0 };
	int rc = store_runs_query_page(s, pipeline_id, filter, sort, now_ms, &c, limit, rows, n,
				       err);
	store_sort_cursor_clear(&c);
	return rc;
}

void store_sort_cursor_clear(struct store_sort_cursor *c)
{
	free(c->text);
	memset(c, 0, sizeof *c);
}
