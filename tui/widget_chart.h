/* tui/widget_chart.h — the browser's one chart: values drawn as an area
 * chart in eighth blocks (UTF-8) or '#' and '.' (ASCII), with value labels
 * and an axis on the left and an axis row under it.  It is computed first
 * into rows of text cells (chart_compute, no curses: unit-tested) and
 * painted after (chart_paint).  The step view draws a metric's series
 * with it; the Compare view a metric's history across runs, and two
 * series on one scale; a table cell gets its one-row form, the sparkline. */
#ifndef RUNLENS_TUI_WIDGET_CHART_H
#define RUNLENS_TUI_WIDGET_CHART_H

#include <stddef.h>

struct tui;

/* A sparkline of N values (NaN: a gap) in N characters of BUF: UTF-8
 * "▁▂▃▄▅▆▇█" or ASCII "_.-=^" when UTF8 is 0.  Constant series draw
 * in the middle.  BUF gets at most SIZE-1 bytes (fewer values are drawn
 * when it is short). */
void chart_spark(const double *v, int n, int utf8, char *buf, size_t size);

/* The cells of a chart of N values in a WIDTH x HEIGHT grid: *lines gets
 * HEIGHT malloc'd strings (the top row first) of exactly WIDTH cells
 * each, an area chart in eighth blocks (UTF-8) or '#'/'.' (ASCII).  When
 * N > WIDTH, each column shows the mean of its values; when N < WIDTH the
 * plot is N wide.  *lo and *hi receive the range of the vertical axis.
 * Returns 0, or -1 when out of memory or there is nothing to draw (N ==
 * 0, WIDTH or HEIGHT < 1). */
int chart_plot(const double *v, int n, int width, int height, int utf8, char ***lines,
	       double *lo, double *hi);
/* chart_plot with the vertical axis fixed at LO..HI (values outside are
 * clipped), so several charts can share one scale. */
int chart_plot_range(const double *v, int n, int width, int height, int utf8, double lo,
		     double hi, char ***lines);
void chart_plot_free(char **lines, int height);

/* What the axis row under the plot shows besides its notes. */
enum chart_xaxis {
	CHART_XNONE,   /* nothing */
	CHART_XCORNER, /* the corner under the value axis */
	CHART_XLINE,   /* the corner and a line under the points */
};

/* How a chart looks. */
struct chart_style {
	int label_w;	 /* columns of the value labels: 0 as many as they need;
			  * -1 no labels and no value axis */
	int gap;	 /* blank columns between the labels and the axis */
	int mid;	 /* label the middle row too (charts of 5 rows or more) */
	int ticks;	 /* "┤" on labelled rows of the axis, "│" on the others
			  * (0: "│" on all) */
	enum chart_xaxis xaxis;
	int stretch_max; /* few points: each is drawn as wide as fits, at most
			  * this many columns (0: no limit) */
};

/* Text on the axis row, at plot column COL (may be negative: under the
 * axis), at most WIDTH columns (0: up to the screen's edge). */
struct chart_note {
	int col, width;
	char *text;
	int pair, attrs;
};

/* A computed chart. */
struct chart {
	struct chart_style style;
	int utf8;
	int label_w;	/* columns of the value labels */
	int plot_x;	/* the plot's first column, from the chart's left */
	int plot_w;	/* its columns */
	int plot_h;	/* its rows (the axis row comes under them) */
	int per;	/* columns each point takes */
	int used;	/* columns the points take */
	double lo, hi;	/* the vertical range */
	char **rows;	/* plot_h strings of plot_w cells, the top row first */
	char **labels;	/* plot_h value labels ("" on unlabelled rows) */
	int *pair;	/* plot_w colour pairs (0: the chart's colour) */
	struct chart_note *notes;
	int nnotes;
};

/* Compute the chart of the N values V in WIDTH columns (labels, axis and
 * plot) and HEIGHT rows of plot (the axis row is one more), in STYLE;
 * RANGE (NULL: from the values) fixes the vertical axis at RANGE[0] ..
 * RANGE[1].  Returns 0, or -1 (C is then empty) when there is nothing to
 * draw or no room for it.  A computed C is cleared first. */
int chart_compute(struct chart *c, const double *v, int n, int width, int height, int utf8,
		  const struct chart_style *style, const double *range);
/* Colour the columns of point I in PAIR. */
void chart_color_point(struct chart *c, int i, int pair);
/* The plot column under the middle of point I. */
int chart_point_col(const struct chart *c, int i);
/* Add TEXT (copied) on the axis row; -1 when out of memory. */
int chart_note(struct chart *c, int col, int width, const char *text, int pair, int attrs);
void chart_clear(struct chart *c);

/* Paint C with its top-left corner at Y, X; the plot in colour PAIR where
 * its columns have none of their own. */
void chart_paint(struct tui *t, const struct chart *c, int y, int x, int pair);

#endif
