/* client/records.c — what runlens keeps exactly (client/records.h). */
#include "config.h"
#include "client/records.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A double holds every integer below this exactly; from it on, not all. */
#define EXACT_INT_MAX 9007199254740992.0

static char *sentence(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sentence(const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	va_end(ap);
	return s;
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The digits of T[I..] (*I moves past them); how many. */
static size_t digits(const char *t, size_t n, size_t *i)
{
	size_t start = *i;
	while (*i < n && digit(t[*i]))
		(*i)++;
	return *i - start;
}

enum records_json_problem records_number_check(const char *t, size_t n)
{
	/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? and nothing else */
	size_t i = 0, int_at, int_len, frac_at = 0, frac_len = 0;
	long exp = 0;
	int is_int = 1;
	if (i < n && t[i] == '-')
		i++;
	int_at = i;
	if (i < n && t[i] == '0')
		i++;
	else if (!digits(t, n, &i))
		return RECORDS_JSON_OK;
	int_len = i - int_at;
	if (i < n && t[i] == '.') {
		i++;
		frac_at = i;
		if (!(frac_len = digits(t, n, &i)))
			return RECORDS_JSON_OK;
		is_int = 0;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		int sign = 1;
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			sign = t[i++] == '-' ? -1 : 1;
		size_t at = i;
		for (; i < n && digit(t[i]); i++)
			if (exp < 100000000L) /* far past any double: no overflow */
				exp = exp * 10 + (t[i] - '0');
		if (i == at)
			return RECORDS_JSON_OK;
		exp *= sign;
		is_int = 0;
	}
	if (i != n)
		return RECORDS_JSON_OK;
	/* the value is DIGITS x 10^POWER, DIGITS without leading zeros */
	size_t lead = 0;
	while (lead < int_len + frac_len &&
	       t[lead < int_len ? int_at + lead : frac_at + lead - int_len] == '0')
		lead++;
	size_t nd = int_len + frac_len - lead;
	long power = exp - (long)frac_len;
	/* zero; or at most 15 digits far from a double's limits: exact enough */
	if (nd == 0 || (nd <= 15 && power > -290 && power < 290))
		return RECORDS_JSON_OK;
	char *d = malloc(nd + 32);
	if (!d)
		return RECORDS_JSON_OK;
	for (size_t k = lead; k < int_len + frac_len; k++)
		d[k - lead] = t[k < int_len ? int_at + k : frac_at + k - int_len];
	enum records_json_problem p = RECORDS_JSON_OK;
	/* no decimal point: strtod reads it alike in every locale */
	snprintf(d + nd, 32, "e%ld", power);
	double v = strtod(d, NULL);
	if (isinf(v)) {
		p = RECORDS_JSON_HUGE;
	} else if (v == 0) {
		p = RECORDS_JSON_TINY;
	} else if (is_int && v >= EXACT_INT_MAX) {
		/* the integer a double holds, written out, against the text */
		char exact[400];
		int len = snprintf(exact, sizeof exact, "%.0f", v);
		if (len < 0 || (size_t)len != nd || strncmp(exact, d, nd) != 0)
			p = RECORDS_JSON_INEXACT;
	}
	free(d);
	return p;
}

/* A character of a JSON number's text. */
static int number_char(char c)
{
	return digit(c) || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
}

enum records_json_problem records_json_check(const char *t, size_t n, int max_depth,
					     size_t *off, size_t *len)
{
	size_t at = 0, span = 0, i = 0;
	long depth = 0;
	enum records_json_problem p = RECORDS_JSON_OK;
	while (i < n && p == RECORDS_JSON_OK) {
		char c = t[i];
		at = i;
		span = 1;
		if (c == '\0') {
			p = RECORDS_JSON_NUL;
		} else if (c == '"') {
			for (i++; i < n && t[i] != '"' && p == RECORDS_JSON_OK; i++) {
				if (t[i] == '\0') {
					at = i;
					p = RECORDS_JSON_NUL;
				} else if (t[i] == '\\' && i + 5 < n && t[i + 1] == 'u' &&
					   !strncmp(t + i + 2, "0000", 4)) {
					at = i;
					span = 6;
					p = RECORDS_JSON_NUL;
				} else if (t[i] == '\\') {
					i++;
				}
			}
			i++;
		} else if (c == '[' || c == '{') {
			if (++depth > max_depth)
				p = RECORDS_JSON_DEEP;
			i++;
		} else if (c == ']' || c == '}') {
			depth -= depth > 0;
			i++;
		} else if (c == '-' || digit(c)) {
			while (i < n && number_char(t[i]))
				i++;
			span = i - at;
			p = records_number_check(t + at, span);
		} else {
			i++;
		}
	}
	if (off)
		*off = p ? at : 0;
	if (len)
		*len = p ? span : 0;
	return p;
}

char *records_json_why(enum records_json_problem problem, const char *tok, size_t len,
		       int max_depth)
{
	/* a number is named (its first 40 characters) unless TOK is NULL */
	int cut = len > 40;
	int shown = cut ? 40 : (int)len;
	const char *more = cut ? "…" : "";
	const char *is = tok ? " is " : "";
	if (!tok) {
		tok = "";
		shown = 0;
		more = "";
	}
	switch (problem) {
	case RECORDS_JSON_NUL:
		return sentence("a string holds \\u0000, which runlens cannot keep (text "
				"ends at a NUL)");
	case RECORDS_JSON_HUGE:
		return sentence("%.*s%s%stoo large for a number (it would become infinity)",
				shown, tok, more, is);
	case RECORDS_JSON_TINY:
		return sentence("%.*s%s%stoo small for a number (it would become 0)", shown,
				tok, more, is);
	case RECORDS_JSON_INEXACT:
		return sentence("%.*s%s%snot exactly representable as a number (a double "
				"holds integers exactly only up to 2^53)",
				shown, tok, more, is);
	case RECORDS_JSON_DEEP:
		return sentence("nested deeper than %d levels", max_depth);
	case RECORDS_JSON_OK:
		break;
	}
	return NULL;
}

char *records_value_why(const char *text, int max_depth, int *whole)
{
	size_t n = strlen(text), off, len;
	enum records_json_problem p = records_json_check(text, n, max_depth, &off, &len);
	if (whole)
		*whole = 0;
	if (p == RECORDS_JSON_OK)
		return NULL;
	if (p != RECORDS_JSON_DEEP) {
		cJSON *v = cJSON_ParseWithOpts(text, NULL, 1);
		int json = v != NULL;
		cJSON_Delete(v);
		if (!json)
			return NULL; /* not JSON: kept as text, or refused as such */
	}
	int all = p != RECORDS_JSON_NUL && p != RECORDS_JSON_DEEP && off == 0 && len == n;
	if (whole)
		*whole = all;
	char *why = records_json_why(p, all ? NULL : text + off, len, max_depth);
	if (!why || all || p == RECORDS_JSON_NUL || p == RECORDS_JSON_DEEP)
		return why;
	char *more = sentence("%s; write it as a string (\"%.*s\") to keep it as text", why,
			      (int)len, text + off);
	free(why);
	return more;
}

int records_metric_check(const char *key, double value, int has_index, double index,
			 char **why)
{
	*why = NULL;
	if (!key || !*key)
		*why = sentence("a metric needs a key (a non-empty string)");
	else if (!isfinite(value))
		*why = sentence("metric '%s': %g is not a finite number", key, value);
	else if (has_index && index != floor(index))
		*why = sentence("metric '%s': the index must be an integer, not %g", key, index);
	else if (has_index && fabs(index) > RECORDS_INDEX_MAX)
		*why = sentence("metric '%s': the index %.0f is out of range (at most %.0f "
				"either way)", key, index, RECORDS_INDEX_MAX);
	else
		return 0;
	return -1;
}

int records_object_check(const cJSON *obj, const char *what, char **why)
{
	*why = NULL;
	if (!cJSON_IsObject(obj) || !obj->child) {
		*why = sentence("%s must be a non-empty JSON object", what);
		return -1;
	}
	for (const cJSON *kv = obj->child; kv; kv = kv->next)
		if (!kv->string || !*kv->string) {
			*why = sentence("%s keys must be non-empty", what);
			return -1;
		}
	return 0;
}
