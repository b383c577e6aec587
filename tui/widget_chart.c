/* tui/widget_chart.c — the chart: values into rows of cells, labels and
 * an axis, then painted.  Everything but chart_paint is pure. */
#include "config.h"
#include "tui/widget_chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/format.h"
#include "tui/internal.h"

/* "▁".."█": U+2581..U+2588, three bytes each in UTF-8. */
static const char *const blocks[9] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char ascii_levels[] = "_.-=^";

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

/* The level 1..NLEV of a value at fraction F (clipped to 0..1) of the
 * range: the lowest value still shows. */
static int level(double f, int nlev)
{
	if (!(f >= 0))
		f = 0;
	if (f > 1)
		f = 1;
	return 1 + (int)(f * (nlev - 1) + 0.5);
}

void chart_spark(const double *v, int n, int utf8, char *buf, size_t size)
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
			lev = level((v[i] - lo) / (hi - lo), nlev);
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

/* The cell of column value COL in row R (of HEIGHT) into *P. */
static void put_cell(char **p, double col, double lo, double hi, int r, int height, int utf8)
{
	int fill = 0; /* eighths of this row that are filled */
	if (isfinite(col)) {
		int h = level(hi > lo ? (col - lo) / (hi - lo) : 0.5, height * 8);
		fill = h - (height - 1 - r) * 8; /* minus the eighths below this row */
		fill = fill < 0 ? 0 : fill > 8 ? 8 : fill;
	}
	if (utf8) {
		size_t l = strlen(blocks[fill]);
		memcpy(*p, blocks[fill], l);
		*p += l;
	} else {
		*(*p)++ = fill >= 4 ? '#' : fill > 0 ? '.' : ' ';
	}
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
			chart_plot_free(out, r);
			out = NULL;
		}
	}
	if (!out)
		return -1;
	for (int r = 0; r < height; r++) {
		char *p = out[r];
		for (int c = 0; c < width; c++)
			put_cell(&p, c < cols ? col[c] : NAN, lo, hi, r, height, utf8);
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

/* chart_plot and chart_plot_range: RANGE NULL takes the columns' range. */
static int plot(const double *v, int n, int width, int height, int utf8, const double *range,
		char ***lines, double *lo, double *hi)
{
	*lines = NULL;
	if (n <= 0 || width < 1 || height < 1)
		return -1;
	int cols;
	double *col = plot_columns(v, n, width, &cols);
	if (!col)
		return -1;
	if (range) {
		*lo = range[0];
		*hi = range[1];
	} else {
		range_of(col, cols, lo, hi);
	}
	widen(lo, hi);
	int rc = plot_paint(col, cols, width, height, utf8, *lo, *hi, lines);
	free(col);
	return rc;
}

int chart_plot(const double *v, int n, int width, int height, int utf8, char ***lines,
	       double *lo, double *hi)
{
	return plot(v, n, width, height, utf8, NULL, lines, lo, hi);
}

int chart_plot_range(const double *v, int n, int width, int height, int utf8, double lo,
		     double hi, char ***lines)
{
	double range[2] = { lo, hi };
	return plot(v, n, width, height, utf8, range, lines, &lo, &hi);
}

void chart_plot_free(char **lines, int height)
{
	if (!lines)
		return;
	for (int i = 0; i < height; i++)
		free(lines[i]);
	free(lines);
}

/* ------------------------------------------------------------------ */
/* A chart: labels, axis, plot                                          */

void chart_clear(struct chart *c)
{
	chart_plot_free(c->rows, c->plot_h);
	chart_plot_free(c->labels, c->plot_h);
	for (int i = 0; i < c->nnotes; i++)
		free(c->notes[i].text);
	free(c->notes);
	free(c->pair);
	memset(c, 0, sizeof *c);
}

/* The value labels of C's rows (the top, the bottom, the middle); the
 * widest one's width. */
static int make_labels(struct chart *c)
{
	int h = c->plot_h, mid = c->style.mid && h >= 5 ? h / 2 : -1, w = 0;
	c->labels = calloc((size_t)h, sizeof(char *));
	if (!c->labels)
		return -1;
	for (int r = 0; r < h; r++) {
		char buf[32] = "";
		if (r == 0)
			fmt_metric(c->hi, buf, sizeof buf);
		else if (r == h - 1)
			fmt_metric(c->lo, buf, sizeof buf);
		else if (r == mid)
			fmt_metric((c->lo + c->hi) / 2, buf, sizeof buf);
		if (!(c->labels[r] = strdup(buf)))
			return -1;
		if ((int)strlen(buf) > w)
			w = (int)strlen(buf);
	}
	return w;
}

/* One try at LABEL_W columns of labels: the plot in what is left. */
static int compute_with(struct chart *c, const double *v, int n, int width, const double *range,
			int label_w)
{
	int h = c->plot_h;
	chart_plot_free(c->rows, h);
	chart_plot_free(c->labels, h);
	c->rows = c->labels = NULL;
	free(c->pair);
	c->pair = NULL;
	c->label_w = label_w < 0 ? 0 : label_w;
	c->plot_x = label_w < 0 ? 0 : label_w + c->style.gap + 1;
	c->plot_w = width - c->plot_x;
	if (c->plot_w < 1)
		return -1;
	c->per = c->plot_w / n;
	if (c->per < 1)
		c->per = 1;
	if (c->style.stretch_max > 0 && c->per > c->style.stretch_max)
		c->per = c->style.stretch_max;
	double *wide = malloc((size_t)n * (size_t)c->per * sizeof(double));
	if (!wide)
		return -1;
	for (int i = 0; i < n * c->per; i++)
		wide[i] = v[i / c->per];
	int rc = plot(wide, n * c->per, c->plot_w, h, c->utf8, range, &c->rows, &c->lo, &c->hi);
	free(wide);
	c->used = n * c->per < c->plot_w ? n * c->per : c->plot_w;
	c->pair = calloc((size_t)c->plot_w, sizeof(int));
	return rc < 0 || !c->pair ? -1 : make_labels(c);
}

int chart_compute(struct chart *c, const double *v, int n, int width, int height, int utf8,
		  const struct chart_style *style, const double *range)
{
	chart_clear(c);
	c->style = *style;
	c->utf8 = utf8;
	c->plot_h = height;
	if (n <= 0 || height < 1)
		return -1;
	/* the labels' width decides the plot's, whose range decides the
	 * labels: until they agree */
	int lw = style->label_w, got = -1;
	for (int pass = 0; pass < 3; pass++) {
		got = compute_with(c, v, n, width, range, lw);
		if (got < 0 || style->label_w != 0 || got == lw)
			break;
		lw = got;
	}
	if (got < 0) {
		chart_clear(c);
		return -1;
	}
	return 0;
}

void chart_color_point(struct chart *c, int i, int pair)
{
	for (int j = i * c->per; j < (i + 1) * c->per && j < c->plot_w; j++)
		c->pair[j] = pair;
}

int chart_point_col(const struct chart *c, int i)
{
	return i * c->per + (c->per - 1) / 2;
}

int chart_note(struct chart *c, int col, int width, const char *text, int pair, int attrs)
{
	struct chart_note *ns = realloc(c->notes, (size_t)(c->nnotes + 1) * sizeof(*ns));
	if (!ns)
		return -1;
	c->notes = ns;
	char *copy = strdup(text);
	if (!copy)
		return -1;
	ns[c->nnotes++] = (struct chart_note){ col, width, copy, pair, attrs };
	return 0;
}

/* The plot's row R from column X on: runs of cells of one colour. */
static void paint_row(struct tui *t, const struct chart *c, int r, int y, int x, int pair)
{
	const char *p = c->rows[r];
	for (int col = 0; col < c->plot_w && *p;) {
		int want = c->pair[col] ? c->pair[col] : pair, from = col;
		const char *start = p;
		while (col < c->plot_w && *p && (c->pair[col] ? c->pair[col] : pair) == want) {
			p++;
			while ((*p & 0xC0) == 0x80) /* the rest of a UTF-8 cell */
				p++;
			col++;
		}
		char *run = strndup(start, (size_t)(p - start));
		if (run)
			tui_put(t, y, x + from, col - from, run, want, 0);
		free(run);
	}
}

void chart_paint(struct tui *t, const struct chart *c, int y, int x, int pair)
{
	const char *bar = c->utf8 ? "│" : "|", *tick = c->utf8 ? "┤" : "+";
	int axis = x + c->plot_x - 1;
	for (int r = 0; r < c->plot_h; r++) {
		if (c->style.label_w >= 0) {
			const char *l = c->labels[r];
			int lw = (int)strlen(l);
			tui_put(t, y + r, x + c->label_w - lw, lw, l, PAIR_DIM, 0);
			tui_put(t, y + r, axis, 1, c->style.ticks && *l ? tick : bar, PAIR_DIM, 0);
		}
		paint_row(t, c, r, y + r, x + c->plot_x, pair);
	}
	int ya = y + c->plot_h;
	if (c->style.xaxis != CHART_XNONE && c->style.label_w >= 0)
		tui_put(t, ya, axis, 1, c->utf8 ? "└" : "+", PAIR_DIM, 0);
	for (int i = 0; c->style.xaxis == CHART_XLINE && i < c->used; i++)
		tui_put(t, ya, x + c->plot_x + i, 1, c->utf8 ? "─" : "-", PAIR_DIM, 0);
	for (int i = 0; i < c->nnotes; i++) {
		const struct chart_note *n = &c->notes[i];
		int nx = x + c->plot_x + n->col;
		tui_put(t, ya, nx, n->width > 0 ? n->width : t->cols - nx, n->text, n->pair,
			n->attrs);
	}
}
