/* util/plot.c — scatter and parallel-coordinates plots as text. */
#include "config.h"
#include "util/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/names.h"

void plot_lines_free(struct plot_lines *l)
{
	for (int i = 0; l && i < l->n; i++)
		free(l->v[i]);
	if (l)
		free(l->v);
	if (l)
		l->v = NULL, l->n = 0;
}

static int push_line(struct plot_lines *l, char *s)
{
	if (!s)
		return -1;
	char **v = realloc(l->v, (size_t)(l->n + 1) * sizeof *v);
	if (!v) {
		free(s);
		return -1;
	}
	l->v = v;
	v[l->n++] = s;
	return 0;
}

void plot_label(double v, char *buf, int size)
{
	if (!isfinite(v))
		snprintf(buf, (size_t)size, "-");
	else
		snprintf(buf, (size_t)size, "%.4g", v);
}

/* A grid of cells, each one glyph (a UTF-8 sequence of up to 4 bytes). */
struct grid {
	int w, h;
	char (*cell)[5];
};

static int grid_new(struct grid *g, int w, int h)
{
	g->w = w;
	g->h = h;
	g->cell = calloc((size_t)(w * h) + 1, sizeof *g->cell);
	if (!g->cell)
		return -1;
	for (int i = 0; i < w * h; i++)
		strcpy(g->cell[i], " ");
	return 0;
}

static void grid_put(struct grid *g, int x, int y, const char *glyph)
{
	if (x >= 0 && x < g->w && y >= 0 && y < g->h)
		snprintf(g->cell[y * g->w + x], sizeof g->cell[0], "%s", glyph);
}

static const char *grid_get(const struct grid *g, int x, int y)
{
	return x >= 0 && x < g->w && y >= 0 && y < g->h ? g->cell[y * g->w + x] : "";
}

/* Row Y of the grid, after PREFIX. */
static char *grid_row(const struct grid *g, int y, const char *prefix)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, prefix);
	for (int x = 0; x < g->w; x++)
		buf_puts(&b, g->cell[y * g->w + x]);
	while (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return buf_steal(&b);
}

/* The axis' range: its smallest and largest value (log: of log10). */
static int axis_range(const struct plot_axis *a, int n, double *lo, double *hi)
{
	int have = 0;
	*lo = *hi = 0;
	if (a->ncats > 0) {
		*lo = 0;
		*hi = a->ncats - 1;
		return 1;
	}
	for (int i = 0; i < n; i++) {
		double v = a->v[i];
		if (!isfinite(v) || (a->log && v <= 0))
			continue;
		if (a->log)
			v = log10(v);
		if (!have || v < *lo)
			*lo = v;
		if (!have || v > *hi)
			*hi = v;
		have = 1;
	}
	return have;
}

/* The place of V on an axis of CELLS cells (0..CELLS-1), -1 for none. */
static int axis_place(const struct plot_axis *a, double v, double lo, double hi, int cells)
{
	if (!isfinite(v) || (a->log && a->ncats == 0 && v <= 0))
		return -1;
	if (a->log && a->ncats == 0)
		v = log10(v);
	if (hi <= lo)
		return cells / 2;
	int p = (int)lround((v - lo) / (hi - lo) * (cells - 1));
	return p < 0 ? 0 : p >= cells ? cells - 1 : p;
}

/* The label of the axis' end (LO or HI, in the axis' terms). */
static void end_label(const struct plot_axis *a, double v, char *buf, int size)
{
	if (a->ncats > 0) {
		int k = (int)v;
		snprintf(buf, (size_t)size, "%s", k >= 0 && k < a->ncats ? a->cats[k] : "");
		return;
	}
	plot_label(a->log ? pow(10, v) : v, buf, size);
}

/* The x axis under a scatter: a rule, then the labels. */
static int x_labels(const struct plot_axis *x, double lo, double hi, int width, int margin,
		    int utf8, struct plot_lines *out)
{
	struct buf rule = BUF_INIT, labels = BUF_INIT;
	buf_printf(&rule, "%*s%s", margin, "", utf8 ? "└" : "+");
	for (int i = 0; i < width; i++)
		buf_puts(&rule, utf8 ? "─" : "-");
	char *line = malloc((size_t)(margin + width + 2) + 1);
	if (!line) {
		buf_free(&rule);
		return -1;
	}
	memset(line, ' ', (size_t)(margin + width + 2));
	line[margin + width + 2] = '\0';
	int ncat = x->ncats > 0 ? x->ncats : 2;
	for (int k = 0; k < ncat; k++) {
		char lab[64];
		double v = x->ncats > 0 ? k : k ? hi : lo;
		end_label(x, v, lab, sizeof lab);
		int at = margin + 1 + axis_place(x, x->ncats > 0 ? k : (x->log ? pow(10, v) : v),
						 lo, hi, width);
		int len = (int)strlen(lab);
		if (k == ncat - 1 && x->ncats == 0)
			at -= len - 1; /* the largest ends under its place */
		if (at < margin + 1)
			at = margin + 1;
		if (at + len > margin + width + 2 || (at > 0 && line[at - 1] != ' '))
			continue; /* no room: left out */
		memcpy(line + at, lab, (size_t)len);
	}
	buf_printf(&labels, "%s", line);
	free(line);
	while (labels.len && labels.data[labels.len - 1] == ' ')
		labels.data[--labels.len] = '\0';
	int rc = push_line(out, buf_steal(&rule)) < 0 ? -1 : push_line(out, buf_steal(&labels));
	buf_free(&rule);
	buf_free(&labels);
	return rc;
}

int plot_scatter(const struct plot_axis *x, const struct plot_axis *y, int n, int best,
		 int width, int height, int utf8, struct plot_lines *out)
{
	struct grid g;
	double xlo, xhi, ylo, yhi;
	char top[32], bottom[32];
	out->v = NULL;
	out->n = 0;
	if (width < 4)
		width = 4;
	if (height < 2)
		height = 2;
	axis_range(x, n, &xlo, &xhi);
	axis_range(y, n, &ylo, &yhi);
	end_label(y, yhi, top, sizeof top);
	end_label(y, ylo, bottom, sizeof bottom);
	int margin = (int)(strlen(top) > strlen(bottom) ? strlen(top) : strlen(bottom));
	if (grid_new(&g, width, height) < 0)
		return -1;
	const char *one = utf8 ? "•" : "o", *many = utf8 ? "●" : "O", *star = "*";
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			if ((i == best) != pass)
				continue;
			int px = axis_place(x, x->v[i], xlo, xhi, width);
			int py = axis_place(y, y->v[i], ylo, yhi, height);
			if (px < 0 || py < 0)
				continue;
			int row = height - 1 - py;
			const char *was = grid_get(&g, px, row);
			grid_put(&g, px, row, pass ? star : strcmp(was, " ") ? many : one);
		}
	int rc = 0;
	struct buf title = BUF_INIT;
	buf_printf(&title, "%s by %s%s", y->name, x->name, x->log ? " (log scale)" : "");
	rc |= push_line(out, buf_steal(&title));
	for (int r = 0; r < height && rc == 0; r++) {
		struct buf pre = BUF_INIT;
		const char *lab = r == 0 ? top : r == height - 1 ? bottom : "";
		buf_printf(&pre, "%*s%s", margin, lab, utf8 ? "│" : "|");
		rc |= push_line(out, grid_row(&g, r, pre.data));
		buf_free(&pre);
	}
	if (rc == 0)
		rc = x_labels(x, xlo, xhi, width, margin, utf8, out);
	free(g.cell);
	if (rc < 0)
		plot_lines_free(out);
	return rc < 0 ? -1 : 0;
}

/* The header of parallel coordinates: each axis' name from its axis
 * rightwards (the last one's ending at the last axis), shortened to the
 * room it has among the others (util/names.h). */
static char *axis_names(const struct plot_axis *axes, int naxes, const int *xs, int width,
			int utf8)
{
	char **all = calloc((size_t)naxes, sizeof *all);
	struct buf b = BUF_INIT;
	if (!all)
		return NULL;
	for (int k = 0; k < naxes; k++)
		all[k] = (char *)axes[k].name;
	int at = 0;
	for (int k = 0; k < naxes; k++) {
		int room = k + 1 < naxes ? xs[k + 1] - xs[k] - 1 : width - at;
		if (k + 2 == naxes && naxes > 1) /* leave the last one half of the last gap */
			room = (xs[k + 1] - xs[k]) / 2;
		char *name = names_shorten(axes[k].name, room, all, naxes, utf8);
		int w = name ? names_width(name) : 0;
		if (k + 1 == naxes && naxes > 1)
			while (at + w < width)
				buf_putc(&b, ' '), at++;
		else
			while (at < xs[k])
				buf_putc(&b, ' '), at++;
		buf_puts(&b, name ? name : "");
		at += w;
		free(name);
	}
	free(all);
	buf_puts(&b, "");
	return buf_steal(&b);
}

/* Mark the cells of the line from (X0, Y0) to (X1, Y1) with GLYPH (the
 * axes' own columns are left to them). */
static void draw_segment(struct grid *g, int x0, int y0, int x1, int y1, const char *glyph)
{
	for (int x = x0 + 1; x < x1; x++) {
		double t = (double)(x - x0) / (double)(x1 - x0);
		int y = (int)lround(y0 + t * (y1 - y0));
		grid_put(g, x, y, glyph);
	}
}

/* The labels of one end (the top: HI) of every axis, in one line. */
static char *end_labels(const struct plot_axis *axes, int naxes, const int *xs, int width,
			int n, int hi_end)
{
	char *line = malloc((size_t)width + 1);
	if (!line)
		return NULL;
	memset(line, ' ', (size_t)width);
	line[width] = '\0';
	for (int k = 0; k < naxes; k++) {
		double lo, hi;
		char lab[32];
		axis_range(&axes[k], n, &lo, &hi);
		end_label(&axes[k], hi_end ? hi : lo, lab, sizeof lab);
		int len = (int)strlen(lab), at = k == naxes - 1 ? xs[k] - len + 1 : xs[k];
		if (at < 0)
			at = 0;
		if (at + len > width || (at > 0 && line[at - 1] != ' '))
			continue;
		memcpy(line + at, lab, (size_t)len);
	}
	return line;
}

int plot_parallel(const struct plot_axis *axes, int naxes, int n, int best, int width,
		  int height, int utf8, struct plot_lines *out)
{
	struct grid g;
	out->v = NULL;
	out->n = 0;
	if (naxes < 1)
		return 0;
	if (width < naxes * 3)
		width = naxes * 3;
	if (height < 3)
		height = 3;
	int *xs = calloc((size_t)naxes, sizeof *xs), *ys = calloc((size_t)naxes, sizeof *ys);
	double *lo = calloc((size_t)naxes, sizeof *lo), *hi = calloc((size_t)naxes, sizeof *hi);
	int rc = -1;
	if (!xs || !ys || !lo || !hi || grid_new(&g, width, height) < 0)
		goto cleanup;
	for (int k = 0; k < naxes; k++) {
		xs[k] = naxes > 1 ? (int)lround((double)k * (width - 1) / (naxes - 1)) : width / 2;
		axis_range(&axes[k], n, &lo[k], &hi[k]);
		for (int y = 0; y < height; y++)
			grid_put(&g, xs[k], y, utf8 ? "│" : "|");
	}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			if ((i == best) != pass)
				continue;
			const char *glyph = pass ? "*" : utf8 ? "·" : ".";
			for (int k = 0; k < naxes; k++) {
				int p = axis_place(&axes[k], axes[k].v[i], lo[k], hi[k], height);
				ys[k] = p < 0 ? -1 : height - 1 - p;
				if (ys[k] >= 0)
					grid_put(&g, xs[k], ys[k], pass ? "*" : utf8 ? "•" : "o");
				if (k && ys[k] >= 0 && ys[k - 1] >= 0)
					draw_segment(&g, xs[k - 1], ys[k - 1], xs[k], ys[k], glyph);
			}
		}
	rc = push_line(out, axis_names(axes, naxes, xs, width, utf8));
	if (rc == 0)
		rc = push_line(out, end_labels(axes, naxes, xs, width, n, 1));
	for (int y = 0; y < height && rc == 0; y++)
		rc = push_line(out, grid_row(&g, y, ""));
	if (rc == 0)
		rc = push_line(out, end_labels(axes, naxes, xs, width, n, 0));
	free(g.cell);
cleanup:
	free(xs);
	free(ys);
	free(lo);
	free(hi);
	if (rc < 0)
		plot_lines_free(out);
	return rc < 0 ? -1 : 0;
}

/* The mean of series S's points in column X of WIDTH (NaN: none). */
static double column_mean(const struct plot_series *s, int x, int width, int points)
{
	int lo = (int)((long long)x * points / width), hi = (int)((long long)(x + 1) * points / width);
	if (hi <= lo)
		hi = lo + 1;
	double sum = 0;
	int k = 0;
	for (int i = lo; i < hi && i < s->n; i++)
		if (isfinite(s->v[i])) {
			sum += s->v[i];
			k++;
		}
	return k ? sum / k : NAN;
}

int plot_overlay(const struct plot_series *s, int ns, int width, int height, int utf8,
		 struct plot_lines *out)
{
	struct grid g;
	double lo = INFINITY, hi = -INFINITY;
	int points = 0, rc = 0;
	out->v = NULL;
	out->n = 0;
	for (int i = 0; i < ns; i++) {
		points = s[i].n > points ? s[i].n : points;
		for (int j = 0; j < s[i].n; j++)
			if (isfinite(s[i].v[j])) {
				lo = fmin(lo, s[i].v[j]);
				hi = fmax(hi, s[i].v[j]);
			}
	}
	if (points == 0 || !(lo <= hi))
		return 0;
	if (width < 2)
		width = 2;
	if (height < 2)
		height = 2;
	/* few points: each at its place across the width, the columns
	 * between them left to the others' letters */
	int cols = width, few = points < width;
	if (grid_new(&g, cols, height) < 0)
		return -1;
	struct plot_axis y = { .name = "", .v = NULL };
	for (int i = 0; i < ns; i++) {
		char glyph[2] = { s[i].glyph, 0 };
		for (int x = 0; few && x < s[i].n; x++) {
			int at = points > 1 ? (int)((long long)x * (cols - 1) / (points - 1)) : 0;
			int p = axis_place(&y, s[i].v[x], lo, hi, height);
			if (p >= 0)
				grid_put(&g, at, height - 1 - p, glyph);
		}
		for (int x = 0; !few && x < cols; x++) {
			/* a series shorter than the longest ends where it ends */
			if ((int)((long long)x * points / cols) >= s[i].n)
				break;
			int p = axis_place(&y, column_mean(&s[i], x, cols, points), lo, hi, height);
			if (p >= 0)
				grid_put(&g, x, height - 1 - p, glyph);
		}
	}
	char top[32], bottom[32], first[16], last[16];
	plot_label(hi, top, sizeof top);
	plot_label(lo, bottom, sizeof bottom);
	int margin = (int)(strlen(top) > strlen(bottom) ? strlen(top) : strlen(bottom));
	for (int r = 0; r < height && rc == 0; r++) {
		struct buf pre = BUF_INIT;
		buf_printf(&pre, "%*s%s", margin, r == 0 ? top : r == height - 1 ? bottom : "",
			   utf8 ? "│" : "|");
		rc = push_line(out, grid_row(&g, r, pre.data));
		buf_free(&pre);
	}
	struct buf rule = BUF_INIT, labels = BUF_INIT;
	buf_printf(&rule, "%*s%s", margin, "", utf8 ? "└" : "+");
	for (int x = 0; x < cols; x++)
		buf_puts(&rule, utf8 ? "─" : "-");
	snprintf(first, sizeof first, "0");
	snprintf(last, sizeof last, "%d", points - 1);
	int gap = cols - (int)strlen(first) - (int)strlen(last);
	buf_printf(&labels, "%*s %s%*s%s", margin, "", first, gap > 1 ? gap : 1, "", last);
	if (rc == 0)
		rc = push_line(out, buf_steal(&rule));
	if (rc == 0)
		rc = push_line(out, buf_steal(&labels));
	buf_free(&rule);
	buf_free(&labels);
	free(g.cell);
	if (rc < 0)
		plot_lines_free(out);
	return rc < 0 ? -1 : 0;
}
