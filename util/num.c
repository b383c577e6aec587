/* util/num.c — the shortest text of a double, and JSON printed with it
 * (util/num.h). */
#include "config.h"
#include "util/num.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 17 significant digits always read back as the same double. */
#define MAX_DIGITS 17

/* The P significant digits of AV (> 0) nearest to it, into DIG (no dot,
 * NUL-terminated), and the decimal exponent of the first one. */
static void nearest_digits(double av, int p, char dig[MAX_DIGITS + 1], int *exp)
{
	char t[40];
	snprintf(t, sizeof t, "%.*e", p - 1, av); /* "d.ddde+XX" */
	int n = 0;
	const char *s = t;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && n < MAX_DIGITS)
			dig[n++] = *s;
	dig[n] = '\0';
	*exp = *s ? atoi(s + 1) : 0;
}

/* Does d.ddd × 10^EXP read back as AV? */
static int reads_back(const char *dig, int exp, double av)
{
	char t[48];
	snprintf(t, sizeof t, "%c.%se%d", dig[0], dig + 1, exp);
	return strtod(t, NULL) == av;
}

/* DIG one unit up in its last place ("199" -> "200", "999" -> "100" with
 * EXP one more). */
static void digits_up(char *dig, int *exp)
{
	int i = (int)strlen(dig) - 1;
	while (i >= 0 && dig[i] == '9')
		dig[i--] = '0';
	if (i >= 0) {
		dig[i]++;
	} else {
		dig[0] = '1';
		(*exp)++;
	}
}

/* AV is a power of two or subnormal: the doubles around it are not evenly
 * spaced (a power of two has its neighbour below twice as close as the
 * one above), or are so sparse that far fewer than 15 digits can do. */
static int uneven(double av)
{
	uint64_t bits;
	memcpy(&bits, &av, sizeof bits);
	return av < DBL_MIN || (bits & ((UINT64_C(1) << 52) - 1)) == 0;
}

/* The fewest significant digits that read back as AV (> 0, finite).
 *
 * Where the doubles are evenly spaced, a decimal of fewer than 15 digits
 * that reads back as AV is within half a unit of AV's 15th digit (a
 * double's spacing is below 2.3e-16 of it), so AV rounded to 15 digits is
 * that decimal padded with zeros: starting at 15 digits loses nothing.
 * At 15, 16 and 17 digits the nearest decimal is the one to try: 17
 * always reads back.  Elsewhere every length is tried, and the decimal one
 * unit above the nearest too (the wider side of a power of two). */
static void shortest_digits(double av, char dig[MAX_DIGITS + 1], int *exp)
{
	int all = uneven(av);
	for (int p = all ? 1 : 15; p < MAX_DIGITS; p++) {
		nearest_digits(av, p, dig, exp);
		if (reads_back(dig, *exp, av))
			return;
		if (!all)
			continue;
		digits_up(dig, exp);
		if (reads_back(dig, *exp, av))
			return;
	}
	nearest_digits(av, MAX_DIGITS, dig, exp);
}

/* Put DIG × 10^EXP (d.ddd form) as text after SIGN into BUF. */
static size_t format_digits(const char *sign, const char *dig, int exp, char *buf)
{
	int n = (int)strlen(dig);
	while (n > 1 && dig[n - 1] == '0')
		n--;
	if (exp < -4 || exp >= 16) {
		/* 1e+16, 1.5e-05 */
		return (size_t)snprintf(buf, NUM_BUF, "%s%c%s%.*se%c%02d", sign, dig[0],
					n > 1 ? "." : "", n - 1, dig + 1, exp < 0 ? '-' : '+',
					exp < 0 ? -exp : exp);
	}
	if (exp < 0) /* 0.00123 */
		return (size_t)snprintf(buf, NUM_BUF, "%s0.%.*s%.*s", sign, -exp - 1,
					"0000", n, dig);
	/* 123.45, 1200 */
	size_t len = (size_t)snprintf(buf, NUM_BUF, "%s", sign);
	for (int i = 0; i <= exp; i++)
		buf[len++] = i < n ? dig[i] : '0';
	if (n > exp + 1) {
		buf[len++] = '.';
		for (int i = exp + 1; i < n; i++)
			buf[len++] = dig[i];
	}
	buf[len] = '\0';
	return len;
}

size_t num_shortest(double v, char buf[NUM_BUF])
{
	if (!isfinite(v)) {
		buf[0] = '\0';
		return 0;
	}
	if (v == 0) /* keep the sign of -0.0 for every reader */
		return (size_t)snprintf(buf, NUM_BUF, "%s", signbit(v) ? "-0.0" : "0");
	double av = fabs(v);
	if (av <= 9007199254740992.0 && v == (double)(int64_t)v)
		return (size_t)snprintf(buf, NUM_BUF, "%" PRId64, (int64_t)v);
	char dig[MAX_DIGITS + 1];
	int exp;
	shortest_digits(av, dig, &exp);
	return format_digits(v < 0 ? "-" : "", dig, exp, buf);
}

/* A copy of V whose numbers are raw nodes holding their shortest text. */
static cJSON *shortest_copy(const cJSON *v)
{
	if (cJSON_IsNumber(v)) {
		char b[NUM_BUF];
		return cJSON_CreateRaw(num_shortest(v->valuedouble, b) ? b : "null");
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return cJSON_Duplicate(v, 0);
	int array = cJSON_IsArray(v);
	cJSON *c = array ? cJSON_CreateArray() : cJSON_CreateObject();
	for (const cJSON *k = v->child; c && k; k = k->next) {
		cJSON *x = shortest_copy(k);
		int ok = x && (array ? cJSON_AddItemToArray(c, x)
				     : cJSON_AddItemToObject(c, k->string ? k->string : "", x));
		if (!ok) {
			cJSON_Delete(x);
			cJSON_Delete(c);
			c = NULL;
		}
	}
	return c;
}

char *json_print(const cJSON *doc, int pretty)
{
	if (!doc)
		return NULL;
	cJSON *copy = shortest_copy(doc);
	char *s = NULL;
	if (copy)
		s = pretty ? cJSON_Print(copy) : cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	return s;
}
