/* core/filter.c — parsing the --where language into a store_filter tree. */
#include "config.h"
#include "core/filter.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/text.h"

enum tok_kind { T_END, T_WORD, T_STRING, T_OP, T_LPAREN, T_RPAREN };

struct lexer {
	const char *text;
	size_t pos;	  /* next byte */
	enum tok_kind kind; /* the current token */
	char *val;	  /* its text */
	size_t start;	  /* its byte offset */
	int64_t now;
	struct rl_err *err;
	int depth;	  /* 'not' and '(' open around the current token */
	int nconds;	  /* comparisons so far */
};

/* The compiled SQL nests as deep as the expression does, and SQLite's
 * parser gives up at about 50 levels ("parser stack overflow") and at
 * 1000 terms in one chain: refuse beyond these, with a clear message. */
#define FILTER_MAX_DEPTH 24
#define FILTER_MAX_CONDS 200

static int fail(struct lexer *lx, size_t at, const char *fmt, const char *arg)
	__attribute__((format(printf, 3, 0)));
static int fail(struct lexer *lx, size_t at, const char *fmt, const char *arg)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "at column %zu: ", at + 1);
	/* FMT holds at most one %s */
	const char *p = strstr(fmt, "%s");
	if (p) {
		buf_append(&b, fmt, (size_t)(p - fmt));
		/* ARG is quoted from the expression, which may hold control
		 * characters ("a<newline>b" in quotes): keep the message one line */
		text_escape(&b, arg ? arg : "", arg ? strlen(arg) : 0, 0);
		buf_puts(&b, p + 2);
	} else {
		buf_puts(&b, fmt);
	}
	rl_err_set(lx->err, RL_E_INPUT, "%s", b.data);
	buf_free(&b);
	return -1;
}

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' ||
	       c == ':' || c == '/' || c == '+' || c == '@' || (unsigned char)c >= 0x80;
}

/* Read the next token. */
static int next(struct lexer *lx)
{
	free(lx->val);
	lx->val = NULL;
	const char *t = lx->text;
	while (t[lx->pos] && isspace((unsigned char)t[lx->pos]))
		lx->pos++;
	lx->start = lx->pos;
	char c = t[lx->pos];
	if (!c) {
		lx->kind = T_END;
		return 0;
	}
	if (c == '(' || c == ')') {
		lx->kind = c == '(' ? T_LPAREN : T_RPAREN;
		lx->pos++;
		return 0;
	}
	if (strchr("=!<>~", c)) {
		size_t n = 1;
		if ((c == '!' || c == '<' || c == '>') && t[lx->pos + 1] == '=')
			n = 2;
		else if (c == '=' && t[lx->pos + 1] == '=')
			n = 2; /* == is = */
		if (c == '!' && n == 1)
			return fail(lx, lx->pos, "'!' must be '!='", NULL);
		lx->kind = T_OP;
		lx->val = strndup(t + lx->pos, n);
		if (!strcmp(lx->val, "=="))
			lx->val[1] = '\0';
		lx->pos += n;
		return 0;
	}
	if (c == '"' || c == '\'') {
		struct buf b = BUF_INIT;
		size_t i = lx->pos + 1;
		while (t[i] && t[i] != c) {
			if (t[i] == '\\' && t[i + 1])
				i++;
			buf_putc(&b, t[i++]);
		}
		if (!t[i]) {
			buf_free(&b);
			return fail(lx, lx->pos, "unterminated string", NULL);
		}
		lx->kind = T_STRING;
		lx->val = buf_steal(&b);
		lx->pos = i + 1;
		return 0;
	}
	if (word_char(c)) {
		size_t i = lx->pos;
		while (t[i] && word_char(t[i]))
			i++;
		lx->kind = T_WORD;
		lx->val = strndup(t + lx->pos, i - lx->pos);
		lx->pos = i;
		return 0;
	}
	char what[2] = { c, 0 };
	return fail(lx, lx->pos, "unexpected '%s'", what);
}

static int is_kw(const struct lexer *lx, const char *kw)
{
	return lx->kind == T_WORD && strcasecmp(lx->val, kw) == 0;
}

static struct store_filter *node(enum store_filter_kind k)
{
	struct store_filter *f = calloc(1, sizeof(*f));
	if (f)
		f->kind = k;
	return f;
}

void filter_free(struct store_filter **pf)
{
	if (!pf || !*pf)
		return;
	struct store_filter *f = *pf;
	filter_free(&f->a);
	filter_free(&f->b);
	free(f->step);
	free(f->key);
	free(f->str);
	free(f);
	*pf = NULL;
}

/* A field name: fills f->field (and step/key). */
static int field_of(struct lexer *lx, const char *w, struct store_filter *f)
{
	static const struct {
		const char *name;
		enum store_filter_field field;
	} plain[] = {
		{ "status", SFF_STATUS }, { "name", SFF_NAME },
		{ "pipeline", SFF_PIPELINE }, { "tag", SFF_TAG },
		{ "tags", SFF_TAG }, { "id", SFF_ID },
		{ "started", SFF_STARTED }, { "duration", SFF_DURATION },
		{ "sweep", SFF_SWEEP }, { "git", SFF_GIT },
		{ "commit", SFF_GIT }, { "dirty", SFF_DIRTY },
	};
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		if (!strcasecmp(w, plain[i].name)) {
			f->field = plain[i].field;
			return 0;
		}
	const char *dot = strchr(w, '.');
	if (dot && dot != w && dot[1]) {
		if (!strncmp(w, "params.", 7)) {
			f->field = SFF_PARAM;
			f->key = strdup(w + 7);
		} else {
			f->field = SFF_METRIC;
			f->step = strndup(w, (size_t)(dot - w));
			f->key = strdup(dot + 1);
		}
		return 0;
	}
	return fail(lx, lx->start,
		    "unknown field '%s' (fields: status, name, pipeline, tag, id, started, "
		    "duration, sweep, git, dirty, params.KEY, STEP.KEY)", w);
}

static int parse_number(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* "90", "90s", "5m", "2h", "1d" -> ms */
static int parse_span(const char *s, double *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	double unit = 1000;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		unit = 1000;
	else if (!strcmp(end, "ms"))
		unit = 1;
	else if (!strcmp(end, "m"))
		unit = 60e3;
	else if (!strcmp(end, "h"))
		unit = 3600e3;
	else if (!strcmp(end, "d"))
		unit = 86400e3;
	else if (!strcmp(end, "w"))
		unit = 7 * 86400e3;
	else
		return -1;
	*ms = v * unit;
	return 0;
}

/* "-7d" (relative to now) or "2026-11-20[THH:MM[:SS]]" (UTC) -> ms */
static int parse_time(const char *s, int64_t now, double *ms)
{
	if (s[0] == '-' || s[0] == '+') {
		double span;
		if (parse_span(s + 1, &span) < 0)
			return -1;
		*ms = (double)now + (s[0] == '-' ? -span : span);
		return 0;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int n = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec);
	if (n < 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = (double)timegm(&tm) * 1000.0;
	return 0;
}

/* A status a run can have (SPEC.md, Statuses). */
static int known_status(const char *v)
{
	static const char *const statuses[] = { "running", "completed", "failed",
						"interrupted" };
	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
		if (!strcmp(v, statuses[i]))
			return 1;
	return 0;
}

/* F's value is the number NUM. */
static int set_num(struct store_filter *f, double num)
{
	f->is_num = 1;
	f->num = num;
	return 0;
}

/* git=PREFIX: a commit or its prefix, as git accepts one: hex digits. */
static int git_value(struct lexer *lx, struct store_filter *f, size_t field_at,
		     size_t value_at)
{
	const char *v = lx->val;
	size_t n = strlen(v);
	if (f->op != SFO_EQ && f->op != SFO_NE)
		return fail(lx, field_at, "git takes = or != (a commit or a prefix of one)%s", "");
	if (n == 0 || n > 64 || strspn(v, "0123456789abcdefABCDEF") != n)
		return fail(lx, value_at, "'%s' is not a git commit (hex digits: git=3f2a9c1)", v);
	f->str = strdup(v);
	for (char *c = f->str; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (f->str && (f->key = malloc(n + 2)))
		snprintf(f->key, n + 2, "%s*", f->str);
	return 0;
}

/* dirty=true|false. */
static int dirty_value(struct lexer *lx, struct store_filter *f, size_t field_at,
		       size_t value_at)
{
	const char *v = lx->val;
	if (f->op != SFO_EQ && f->op != SFO_NE)
		return fail(lx, field_at, "dirty takes = or != (true or false)%s", "");
	if (strcmp(v, "true") && strcmp(v, "false"))
		return fail(lx, value_at, "dirty is true or false, not '%s'", v);
	return set_num(f, !strcmp(v, "true"));
}

/* Fields whose value is a word: a status, a param, a sweep, a tag. */
static int word_value(struct lexer *lx, struct store_filter *f, size_t field_at,
		      size_t value_at)
{
	const char *v = lx->val;
	int quoted = lx->kind == T_STRING, eq = f->op == SFO_EQ || f->op == SFO_NE;
	double num;
	switch (f->field) {
	case SFF_STATUS:
		if (f->op != SFO_HAS && !known_status(v))
			return fail(lx, value_at, "unknown status '%s' (a run is running, completed, "
				    "failed or interrupted)", v);
		break;
	case SFF_PARAM:
		if (!quoted && f->op != SFO_HAS && parse_number(v, &num) == 0)
			return set_num(f, num);
		break;
	case SFF_SWEEP:
		/* a sweep's id, or its name */
		if (!quoted && f->op != SFO_HAS && parse_number(v, &num) == 0)
			return set_num(f, num);
		if (!eq && f->op != SFO_HAS)
			return fail(lx, field_at, "a sweep's name takes =, != or ~%s", "");
		break;
	case SFF_TAG:
		if (!eq && f->op != SFO_HAS)
			return fail(lx, field_at, "tag takes =, != or ~%s", "");
		break;
	default:
		break;
	}
	f->str = strdup(v);
	return 0;
}

/* The value of comparison F, typed by its field (the lexer is on it). */
static int value_of(struct lexer *lx, struct store_filter *f, size_t field_at)
{
	const char *v = lx->val;
	size_t value_at = lx->start;
	double num;
	switch (f->field) {
	case SFF_STARTED:
		if (f->op == SFO_HAS || parse_time(v, lx->now, &num) < 0)
			return fail(lx, value_at, "'%s' is not a time (use -7d, -12h, 2026-11-20 or "
				    "2026-11-20T10:00)", v);
		return set_num(f, num);
	case SFF_DURATION:
		if (f->op == SFO_HAS || parse_span(v, &num) < 0)
			return fail(lx, value_at, "'%s' is not a duration (use 90, 90s, 5m, 2h, 1d)", v);
		return set_num(f, num);
	case SFF_ID:
	case SFF_METRIC:
		if (f->op == SFO_HAS || parse_number(v, &num) < 0)
			return fail(lx, value_at, "'%s' is not a number", v);
		return set_num(f, num);
	case SFF_GIT:
		return git_value(lx, f, field_at, value_at);
	case SFF_DIRTY:
		return dirty_value(lx, f, field_at, value_at);
	default:
		return word_value(lx, f, field_at, value_at);
	}
}

static int comparison(struct lexer *lx, struct store_filter **out)
{
	if (lx->kind != T_WORD)
		return fail(lx, lx->start, "expected a field (status, name, tag, params.KEY, "
			    "STEP.KEY, …)%s", "");
	if (++lx->nconds > FILTER_MAX_CONDS)
		return fail(lx, lx->start, "more than 200 conditions%s", "");
	struct store_filter *f = node(SF_CMP);
	if (!f)
		return rl_err_set(lx->err, RL_E_NOMEM, NULL);
	char *name = strdup(lx->val);
	size_t field_at = lx->start;
	if (field_of(lx, name, f) < 0 || next(lx) < 0)
		goto fail;
	if (lx->kind != T_OP) {
		fail(lx, lx->start, "expected an operator (= != < <= > >= ~) after '%s'", name);
		goto fail;
	}
	static const struct {
		const char *s;
		enum store_filter_op op;
	} ops[] = { { "=", SFO_EQ }, { "!=", SFO_NE }, { "<", SFO_LT }, { "<=", SFO_LE },
		    { ">", SFO_GT }, { ">=", SFO_GE }, { "~", SFO_HAS } };
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (!strcmp(lx->val, ops[i].s))
			f->op = ops[i].op;
	char *opname = strdup(lx->val);
	if (next(lx) < 0) {
		free(opname);
		goto fail;
	}
	if (lx->kind != T_WORD && lx->kind != T_STRING) {
		fail(lx, lx->start, "expected a value after '%s'", opname);
		free(opname);
		goto fail;
	}
	free(opname);
	if (value_of(lx, f, field_at) < 0)
		goto fail;
	free(name);
	if (next(lx) < 0) {
		filter_free(&f);
		return -1;
	}
	*out = f;
	return 0;
fail:
	free(name);
	filter_free(&f);
	return -1;
}

static int parse_or(struct lexer *lx, struct store_filter **out);

static int parse_unary_(struct lexer *lx, struct store_filter **out);

static int parse_unary(struct lexer *lx, struct store_filter **out)
{
	int nests = is_kw(lx, "not") || lx->kind == T_LPAREN;
	if (nests && ++lx->depth > FILTER_MAX_DEPTH)
		return fail(lx, lx->start, "'not' and '(' nested more than 24 deep%s", "");
	int rc = parse_unary_(lx, out);
	if (nests)
		lx->depth--;
	return rc;
}

static int parse_unary_(struct lexer *lx, struct store_filter **out)
{
	if (is_kw(lx, "not")) {
		if (next(lx) < 0)
			return -1;
		struct store_filter *f = node(SF_NOT);
		if (!f)
			return rl_err_set(lx->err, RL_E_NOMEM, NULL);
		if (parse_unary(lx, &f->a) < 0) {
			filter_free(&f);
			return -1;
		}
		*out = f;
		return 0;
	}
	if (lx->kind == T_LPAREN) {
		size_t open_at = lx->start;
		if (next(lx) < 0 || parse_or(lx, out) < 0)
			return -1;
		if (lx->kind != T_RPAREN) {
			filter_free(out);
			size_t at = lx->kind == T_END ? strlen(lx->text) : lx->start;
			return rl_err_set(lx->err, RL_E_INPUT,
					  "at column %zu: expected ')' to close the '(' at column %zu",
					  at + 1, open_at + 1);
		}
		return next(lx);
	}
	if (lx->kind == T_END)
		return fail(lx, lx->start, "the expression ends too early%s", "");
	return comparison(lx, out);
}

static int parse_and(struct lexer *lx, struct store_filter **out)
{
	if (parse_unary(lx, out) < 0)
		return -1;
	while (is_kw(lx, "and")) {
		struct store_filter *f = node(SF_AND);
		if (!f) {
			filter_free(out);
			return rl_err_set(lx->err, RL_E_NOMEM, NULL);
		}
		f->a = *out;
		*out = f;
		if (next(lx) < 0 || parse_unary(lx, &f->b) < 0) {
			filter_free(out);
			return -1;
		}
	}
	return 0;
}

static int parse_or(struct lexer *lx, struct store_filter **out)
{
	if (parse_and(lx, out) < 0)
		return -1;
	while (is_kw(lx, "or")) {
		struct store_filter *f = node(SF_OR);
		if (!f) {
			filter_free(out);
			return rl_err_set(lx->err, RL_E_NOMEM, NULL);
		}
		f->a = *out;
		*out = f;
		if (next(lx) < 0 || parse_and(lx, &f->b) < 0) {
			filter_free(out);
			return -1;
		}
	}
	return 0;
}

int filter_parse(const char *text, int64_t now_ms, struct store_filter **out,
		 struct rl_err *err)
{
	struct lexer lx = { .text = text ? text : "", .now = now_ms, .err = err };
	*out = NULL;
	int rc = -1;
	if (next(&lx) < 0)
		goto cleanup;
	if (lx.kind == T_END) {
		rl_err_set(err, RL_E_INPUT, "at column 1: the expression is empty");
		goto cleanup;
	}
	if (parse_or(&lx, out) < 0) {
		/* a parse that failed after a complete operand (a bad token
		 * after ')') may leave a tree behind */
		filter_free(out);
		goto cleanup;
	}
	if (lx.kind != T_END) {
		fail(&lx, lx.start, lx.kind == T_RPAREN ? "')' without a matching '('%s"
							: "expected 'and', 'or' or the end, not '%s'",
		     lx.kind == T_RPAREN ? "" : lx.val ? lx.val : "?");
		filter_free(out);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(lx.val);
	return rc;
}

int filter_parse_sort(const char *text, struct store_sort *out, struct rl_err *err)
{
	memset(out, 0, sizeof *out);
	const char *w = text ? text : "";
	if (*w == '-' || *w == '+') {
		out->descending = *w == '-';
		w++;
	}
	struct store_filter f;
	memset(&f, 0, sizeof f);
	struct lexer lx = { .text = w, .err = err };
	if (!*w || field_of(&lx, w, &f) < 0) {
		if (!*w)
			rl_err_set(err, RL_E_INPUT, "cannot sort by '%s'", text ? text : "");
		free(f.step);
		free(f.key);
		return -1;
	}
	out->field = f.field;
	out->step = f.step;
	out->key = f.key;
	return 0;
}

void filter_sort_clear(struct store_sort *s)
{
	if (!s)
		return;
	free(s->step);
	free(s->key);
	memset(s, 0, sizeof *s);
}

static void to_string(struct buf *b, const struct store_filter *f)
{
	static const char *const fields[] = {
		[SFF_STATUS] = "status", [SFF_NAME] = "name", [SFF_PIPELINE] = "pipeline",
		[SFF_TAG] = "tag", [SFF_ID] = "id", [SFF_STARTED] = "started",
		[SFF_DURATION] = "duration", [SFF_SWEEP] = "sweep", [SFF_GIT] = "git",
		[SFF_DIRTY] = "dirty",
	};
	static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=", "~" };
	switch (f->kind) {
	case SF_AND:
	case SF_OR:
		buf_puts(b, "(");
		to_string(b, f->a);
		buf_puts(b, f->kind == SF_AND ? " and " : " or ");
		to_string(b, f->b);
		buf_puts(b, ")");
		return;
	case SF_NOT:
		buf_puts(b, "not ");
		to_string(b, f->a);
		return;
	case SF_CMP:
		break;
	}
	if (f->field == SFF_PARAM)
		buf_printf(b, "params.%s", f->key);
	else if (f->field == SFF_METRIC)
		buf_printf(b, "%s.%s", f->step, f->key);
	else
		buf_puts(b, fields[f->field]);
	buf_puts(b, ops[f->op]);
	if (f->is_num)
		buf_printf(b, "%.17g", f->num);
	else
		buf_printf(b, "\"%s\"", f->str ? f->str : "");
}

char *filter_to_string(const struct store_filter *f)
{
	struct buf b = BUF_INIT;
	if (f)
		to_string(&b, f);
	else
		buf_puts(&b, "");
	return buf_steal(&b);
}

/* ------------------------------------------------- fields no run has */

/* The start of each warning. */
#define NO_RUN_HAS "no run has "
/* Candidate names read from the store at most (each one index seek). */
#define FIELD_NAMES_MAX 10000

/* Levenshtein distance of A and B (bytes). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = malloc((lb + 1) * sizeof *row);
	if (!row)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

/* Every field name some run has: "params.KEY" and "STEP.KEY". */
struct known_names {
	char **v;
	int n, loaded;
};

static int load_names(struct store *s, struct known_names *k, struct rl_err *err)
{
	char **params = NULL, **metrics = NULL;
	int np = 0, nm = 0, rc = -1;
	if (store_param_keys(s, FIELD_NAMES_MAX, &params, &np, err) < 0 ||
	    store_metric_names(s, FIELD_NAMES_MAX, &metrics, &nm, err) < 0)
		goto cleanup;
	if (!(k->v = calloc((size_t)(np + nm) + 1, sizeof *k->v))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (int i = 0; i < np; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "params.%s", params[i]);
		k->v[k->n++] = buf_steal(&b);
	}
	for (int i = 0; i < nm; i++) {
		k->v[k->n++] = metrics[i];
		metrics[i] = NULL;
	}
	k->loaded = 1;
	rc = 0;
cleanup:
	store_names_free(params, np);
	store_names_free(metrics, nm);
	return rc;
}

/* "no run has NAME (did you mean A, B or C?)": the known names closest to
 * NAME, when they are close enough to be a typo of it. */
static char *unknown_message(const char *name, const struct known_names *k)
{
	size_t len = strlen(name), best = (size_t)-1;
	size_t most = len / 3 > 2 ? len / 3 : 2;
	size_t *d = calloc((size_t)k->n + 1, sizeof *d);
	for (int i = 0; d && i < k->n; i++)
		if ((d[i] = edit_distance(name, k->v[i])) < best)
			best = d[i];
	struct buf b = BUF_INIT;
	buf_printf(&b, NO_RUN_HAS "%s", name);
	int shown = 0, close = 0;
	for (int i = 0; d && best <= most && i < k->n; i++)
		close += d[i] == best;
	for (int i = 0; d && best <= most && i < k->n && shown < 3; i++) {
		if (d[i] != best)
			continue;
		shown++;
		buf_printf(&b, "%s%s", shown == 1 ? " (did you mean "
				      : shown == close || shown == 3 ? " or " : ", ",
			   k->v[i]);
	}
	if (shown)
		buf_puts(&b, "?)");
	free(d);
	return buf_steal(&b);
}

/* Is the field of comparison F known to some run?  *name: its text. */
static int field_known(struct store *s, const struct store_filter *f, int *known,
		       char **name, struct rl_err *err)
{
	struct buf b = BUF_INIT;
	int rc;
	if (f->field == SFF_PARAM) {
		buf_printf(&b, "params.%s", f->key);
		rc = store_param_known(s, f->key, known, err);
	} else {
		buf_printf(&b, "%s.%s", f->step, f->key);
		rc = store_metric_known(s, f->step, f->key, known, err);
	}
	*name = buf_steal(&b);
	return rc;
}

struct unknown_walk {
	struct store *s;
	struct known_names names;
	char **out;
	int n;
};

/* Has a message been made for the field NAME already? */
static int reported(const struct unknown_walk *w, const char *name)
{
	size_t l = strlen(name);
	for (int i = 0; i < w->n; i++) {
		const char *m = w->out[i] + strlen(NO_RUN_HAS);
		if (!strncmp(m, name, l) && (m[l] == '\0' || m[l] == ' '))
			return 1;
	}
	return 0;
}

static int walk_unknown(struct unknown_walk *w, const struct store_filter *f,
			struct rl_err *err)
{
	if (!f)
		return 0;
	if (f->kind != SF_CMP)
		return walk_unknown(w, f->a, err) < 0 ? -1 : walk_unknown(w, f->b, err);
	if (f->field != SFF_PARAM && f->field != SFF_METRIC)
		return 0;
	int known = 0, rc = -1;
	char *name = NULL, *msg = NULL;
	if (field_known(w->s, f, &known, &name, err) < 0)
		goto cleanup;
	if (!name) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	known = known || reported(w, name); /* said once per field */
	if (!known && !w->names.loaded && load_names(w->s, &w->names, err) < 0)
		goto cleanup;
	if (!known) {
		char **grown = realloc(w->out, (size_t)(w->n + 1) * sizeof *grown);
		if (!grown || !(msg = unknown_message(name, &w->names))) {
			if (grown)
				w->out = grown;
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		w->out = grown;
		w->out[w->n++] = msg;
	}
	rc = 0;
cleanup:
	free(name);
	return rc;
}

int filter_field_check(struct store *s, const char *name, char **message, struct rl_err *err)
{
	struct store_filter f;
	struct known_names names = { 0 };
	int known = 0, rc = -1;
	char *text = NULL;
	memset(&f, 0, sizeof f);
	*message = NULL;
	const char *dot = name ? strchr(name, '.') : NULL;
	if (!dot || dot == name || !dot[1]) {
		rc = 0;
		if (!(*message = buf_format("'%s' is not a field (a metric is STEP.KEY, a param "
					    "params.NAME)", name ? name : "")))
			rc = rl_err_set(err, RL_E_NOMEM, NULL);
		return rc;
	}
	if (!strncmp(name, "params.", 7)) {
		f.field = SFF_PARAM;
		f.key = (char *)name + 7;
	} else {
		f.field = SFF_METRIC;
		f.step = strndup(name, (size_t)(dot - name));
		f.key = (char *)dot + 1;
	}
	if ((f.field == SFF_METRIC && !f.step) || field_known(s, &f, &known, &text, err) < 0)
		goto cleanup;
	if (!known && (load_names(s, &names, err) < 0 || !(*message = unknown_message(name, &names)))) {
		if (!err || !err->code)
			rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (f.field == SFF_METRIC)
		free(f.step);
	free(text);
	store_names_free(names.v, names.n);
	return rc;
}

int filter_unknown_fields(struct store *s, const struct store_filter *f, char ***warnings,
			  int *n, struct rl_err *err)
{
	struct unknown_walk w = { .s = s };
	int rc = walk_unknown(&w, f, err);
	store_names_free(w.names.v, w.names.n);
	if (rc < 0) {
		store_names_free(w.out, w.n);
		w.out = NULL;
		w.n = 0;
	}
	*warnings = w.out;
	*n = w.n;
	return rc;
}
