/* tui/format.c — numbers, deltas, ASCII look-alikes and safe text. */
#include "config.h"
#include "tui/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/compare.h"
#include "util/buf.h"
#include "util/text.h"

/* Drop trailing zeros of a number's fraction: "0.9300" → "0.93",
 * "1.20e+07" → "1.2e+07", "1.00e-05" → "1e-05". */
static void trim_zeros(char *s)
{
	char *dot = strchr(s, '.');
	if (!dot)
		return;
	char *e = strchr(s, 'e');
	char *end = e ? e : s + strlen(s);
	char *p = end;
	while (p > dot + 1 && p[-1] == '0')
		p--;
	if (p == dot + 1)
		p = dot;
	memmove(p, end, strlen(end) + 1);
}

void fmt_metric(double v, char *buf, size_t size)
{
	if (isnan(v)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, "%sinf", v < 0 ? "-" : "");
		return;
	}
	double a = fabs(v);
	if (a != 0 && (a >= 1e7 || a < 1e-4))
		snprintf(buf, size, "%.2e", v);
	else if (a >= 1000)
		snprintf(buf, size, "%.1f", v);
	else if (a < 1)
		snprintf(buf, size, "%.4g", v); /* four significant digits: 0.0001234 */
	else
		snprintf(buf, size, "%.4f", v);
	trim_zeros(buf);
	if (!strcmp(buf, "-0"))
		snprintf(buf, size, "0");
}

int fmt_delta(double value, double base, int dir, char *buf, size_t size)
{
	double d = value - base;
	char num[32];
	enum compare_result r =
		compare_judge(dir >= 0 ? COMPARE_HIGHER : COMPARE_LOWER, value, base);
	if (isnan(d) || r == COMPARE_SAME) {
		snprintf(buf, size, "=");
		return 0;
	}
	/* the difference, with its sign, and the % change when there is one */
	int has_pct = 0;
	double pct = compare_pct(value, base, &has_pct);
	fmt_metric(fabs(d), num, sizeof num);
	if (has_pct && isfinite(base) && fabs(pct) >= 1000)
		snprintf(buf, size, "%c%s (%c%.0fx)", d > 0 ? '+' : '-', num, d > 0 ? '+' : '-',
			 fabs(value / base));
	else if (has_pct && isfinite(base))
		snprintf(buf, size, "%c%s (%+.1f%%)", d > 0 ? '+' : '-', num, pct);
	else
		snprintf(buf, size, "%c%s", d > 0 ? '+' : '-', num);
	return r == COMPARE_BETTER ? 1 : -1;
}

int fmt_width(const char *s)
{
	return text_width(s);
}

size_t fmt_fit(const char *s, int width, int *used)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	const char *p = s;
	size_t len = strlen(s);
	int w = 0;
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			break;
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 0;
		if (w + cw > width)
			break;
		w += cw;
		p += n;
		len -= n;
	}
	if (used)
		*used = w;
	return (size_t)(p - s);
}

char *fmt_ascii(const char *s)
{
	static const struct {
		const char *utf8, *ascii;
	} map[] = {
		{ "—", "-" }, { "–", "-" }, { "·", "|" }, { "…", "~" }, { "▲", "+" }, { "▼", "-" },
		{ "─", "-" }, { "│", "|" }, { "┌", "+" }, { "┐", "+" }, { "└", "+" }, { "┘", "+" },
		{ "├", "+" }, { "┤", "+" }, { "←", "<" }, { "→", ">" }, { "█", "#" }, { "Δ", "d" },
	};
	size_t n = strlen(s);
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x80) {
			*o++ = *s++;
			continue;
		}
		const char *rep = "?";
		size_t len = 1;
		for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
			size_t l = strlen(map[i].utf8);
			if (!strncmp(s, map[i].utf8, l)) {
				rep = map[i].ascii;
				len = l;
				break;
			}
		}
		if (len == 1) /* skip the rest of an unknown character */
			while ((unsigned char)s[len] >= 0x80 && ((unsigned char)s[len] & 0xC0) == 0x80)
				len++;
		*o++ = rep[0];
		s += len;
	}
	*o = '\0';
	return out;
}

/* Terminal-safe text of BYTES: control characters, escapes and invalid
 * UTF-8 as \xNN, tabs as spaces; SKIP columns left out, at most WIDTH
 * columns kept.  *more is set when the text went on past WIDTH. */
void fmt_safe(const unsigned char *data, size_t n, int skip, int width, struct buf *out,
	      int *more)
{
	int col = 0;
	char esc[12];
	*more = 0;
	for (size_t i = 0; i < n;) {
		const char *piece;
		size_t plen;
		int w;
		i += text_piece(data + i, n - i, TEXT_TAB_SPACES, esc, &piece, &plen, &w);
		if (col + w <= skip) {
			col += w;
			continue;
		}
		if (col - skip + w > width) {
			*more = 1;
			return;
		}
		buf_append(out, piece, plen);
		col += w;
	}
}

int fmt_change(double value, double base, int dir, int utf8, int words, char *buf, size_t size)
{
	char num[32];
	int n = 0;
	enum compare_result r =
		compare_judge(dir >= 0 ? COMPARE_HIGHER : COMPARE_LOWER, value, base);
	if (size == 0)
		return 0;
	if (isnan(value - base) || r == COMPARE_SAME) {
		snprintf(buf, size, "%s", words ? "= same" : "=");
		return 0;
	}
	const char *arrow = value > base ? (utf8 ? "▲" : "+") : (utf8 ? "▼" : "-");
	int has_pct = 0;
	double pct = fabs(compare_pct(value, base, &has_pct));
	if (has_pct && isfinite(base)) {
		if (pct >= 999.5)
			n = snprintf(buf, size, "%s%.0fx", arrow, fabs(value / base));
		else
			n = snprintf(buf, size, "%s%.*f%%", arrow, pct < 9.95 ? 1 : 0, pct);
	} else {
		fmt_metric(fabs(value - base), num, sizeof num);
		n = snprintf(buf, size, "%s%s", arrow, num);
	}
	/* better or worse in a word or a sign, not by colour alone */
	if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s",
			 r == COMPARE_BETTER ? (words ? " better" : " +") : (words ? " worse" : " !"));
	return r == COMPARE_BETTER ? 1 : -1;
}
