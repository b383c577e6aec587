/* tui/format.c — numbers, deltas, sparklines and plots as text. */
#include "config.h"
#include "tui/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/buf.h"
#include "util/text.h"

/* "▁".."█": U+2581..U+2588, three bytes each in UTF-8. */
static const char *const blocks[9] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char ascii_levels[] = "_.-=^";

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
	/* the difference, with its sign */
	if (d == 0 || isnan(d)) {
		snprintf(buf, size, "=");
		return 0;
	}
	fmt_metric(fabs(d), num, sizeof num);
	if (base != 0 && isfinite(base)) {
		double pct = d / fabs(base) * 100.0;
		if (fabs(pct) >= 1000)
			snprintf(buf, size, "%c%s (%c%.0fx)", d > 0 ? '+' : '-', num, d > 0 ? '+' : '-',
				 fabs(value / base));
		else
			snprintf(buf, size, "%c%s (%+.1f%%)", d > 0 ? '+' : '-', num, pct);
	} else {
		snprintf(buf, size, "%c%s", d > 0 ? '+' : '-', num);
	}
	int up = d > 0;
	return (up == (dir >= 0)) ? 1 : -1;
}

static void range_of(const double *v, int n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
}

void fmt_spark(const double *v, int n, int utf8, char *buf, size_t size)
{
	double lo, hi;
	range_of(v, n, &lo, &hi);
	size_t used = 0;
	int nlev = utf8 ? 8 : (int)(sizeof ascii_levels - 1);
	for (int i = 0; i < n; i++) {
		int lev; /* 0: gap, 1..nlev */
		if (!isfinite(v[i]) || lo > hi)
			lev = 0;
		else if (hi == lo)
			lev = (nlev + 1) / 2;
		else
			lev = 1 + (int)((v[i] - lo) / (hi - lo) * (nlev - 1) + 0.5);
		const char *s;
		char one[2] = { 0, 0 };
		if (utf8) {
			s = blocks[lev];
		} else {
			one[0] = lev ? ascii_levels[lev - 1] : ' ';
			s = one;
		}
		size_t l = strlen(s);
		if (used + l + 1 > size)
			break;
		memcpy(buf + used, s, l);
		used += l;
	}
	if (size)
		buf[used] = '\0';
}

/* Column means of V squeezed into at most WIDTH columns (*cols of them). */
static double *plot_columns(const double *v, int n, int width, int *cols)
{
	*cols = n < width ? n : width;
	double *col = malloc((size_t)*cols * sizeof(double));
	if (!col)
		return NULL;
	/* each column: the mean of the values that fall in it */
	for (int c = 0; c < *cols; c++) {
		int a = (int)((long long)c * n / *cols), b = (int)((long long)(c + 1) * n / *cols);
		double sum = 0;
		int k = 0;
		for (int i = a; i < b; i++)
			if (isfinite(v[i])) {
				sum += v[i];
				k++;
			}
		col[c] = k ? sum / k : NAN;
	}
	return col;
}

/* Paint COLS column values into HEIGHT rows of WIDTH cells, LO..HI. */
static int plot_paint(const double *col, int cols, int width, int height, int utf8,
		      double lo, double hi, char ***lines)
{
	char **out = calloc((size_t)height, sizeof(char *));
	size_t cell = utf8 ? 3 : 1;
	for (int r = 0; out && r < height; r++) {
		out[r] = malloc((size_t)width * cell + 1);
		if (!out[r]) {
			fmt_plot_free(out, r);
			out = NULL;
		}
	}
	if (!out)
		return -1;
	int eighths = height * 8;
	for (int r = 0; r < height; r++) {
		char *p = out[r];
		int row_base = (height - 1 - r) * 8; /* eighths below this row */
		for (int c = 0; c < width; c++) {
			int fill = 0; /* eighths of this row that are filled */
			if (c < cols && isfinite(col[c])) {
				/* at least one eighth, so the lowest value still shows */
				double f = hi > lo ? (col[c] - lo) / (hi - lo) : 0.5;
				if (!(f >= 0))
					f = 0;
				if (f > 1)
					f = 1;
				int h = 1 + (int)(f * (eighths - 1) + 0.5);
				fill = h - row_base;
				if (fill < 0)
					fill = 0;
				if (fill > 8)
					fill = 8;
			}
			if (utf8) {
				const char *s = blocks[fill];
				size_t l = strlen(s);
				memcpy(p, s, l);
				p += l;
			} else {
				*p++ = fill >= 4 ? '#' : fill > 0 ? '.' : ' ';
			}
		}
		*p = '\0';
	}
	*lines = out;
	return 0;
}

/* A range that can be drawn: pad an empty one. */
static void widen(double *lo, double *hi)
{
	if (!(*lo <= *hi)) { /* nothing finite: nothing is drawn */
		*lo = *hi = 0;
	} else if (*lo == *hi) {
		double pad = *lo == 0 ? 1 : fabs(*lo) * 0.05;
		*lo -= pad;
		*hi += pad;
	}
}

int fmt_plot(const double *v, int n, int width, int height, int utf8,
	     char ***lines, double *lo, double *hi)
{
	*lines = NULL;
	if (n <= 0 || width < 1 || height < 1)
		return -1;
	int cols;
	double *col = plot_columns(v, n, width, &cols);
	if (!col)
		return -1;
	range_of(col, cols, lo, hi);
	widen(lo, hi);
	int rc = plot_paint(col, cols, width, height, utf8, *lo, *hi, lines);
	free(col);
	return rc;
}

int fmt_plot_range(const double *v, int n, int width, int height, int utf8, double lo,
		   double hi, char ***lines)
{
	*lines = NULL;
	if (n <= 0 || width < 1 || height < 1)
		return -1;
	widen(&lo, &hi);
	int cols;
	double *col = plot_columns(v, n, width, &cols);
	if (!col)
		return -1;
	int rc = plot_paint(col, cols, width, height, utf8, lo, hi, lines);
	free(col);
	return rc;
}

void fmt_plot_free(char **lines, int height)
{
	if (!lines)
		return;
	for (int i = 0; i < height; i++)
		free(lines[i]);
	free(lines);
}

int fmt_width(const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int w = 0;
	size_t len = strlen(s);
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			w++;
			s++;
			len--;
			memset(&st, 0, sizeof st);
			continue;
		}
		if (n == 0)
			break;
		int cw = wcwidth(wc);
		w += cw > 0 ? cw : 0;
		s += n;
		len -= n;
	}
	return w;
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
