/* util/plot.h — plots drawn as lines of text, for a terminal: a scatter
 * of points and parallel coordinates.  Pure functions (no terminal, no
 * curses): the command line prints the lines, the browser paints them.
 * With UTF8 0 every character is ASCII.
 *
 * An axis holds N values (NaN: none); a value's place is linear between
 * the axis' smallest and largest, or logarithmic when LOG is set.  A
 * categorical axis (NCATS > 0) holds indexes 0..NCATS-1 and is labelled
 * with CATS. */
#ifndef RUNLENS_UTIL_PLOT_H
#define RUNLENS_UTIL_PLOT_H

struct plot_axis {
	const char *name;
	const double *v; /* n values */
	int log;	 /* logarithmic (values > 0) */
	char *const *cats; /* labels of a categorical axis, or NULL */
	int ncats;
};

/* The lines of a plot, each malloc'd. */
struct plot_lines {
	char **v;
	int n;
};
void plot_lines_free(struct plot_lines *l);

/* Y against X for N points in a plot area of WIDTH x HEIGHT characters
 * (plus its labels: at most WIDTH + 12 columns, HEIGHT + 3 lines).  The
 * point BEST (-1: none) is drawn as '*' over the others ('o'; several in
 * one place: 'O' / '●').  0, or -1 when out of memory. */
int plot_scatter(const struct plot_axis *x, const struct plot_axis *y, int n, int best,
		 int width, int height, int utf8, struct plot_lines *out);

/* Parallel coordinates: NAXES vertical axes side by side in WIDTH
 * columns (a line of names above them, their largest value at the top,
 * their smallest at the bottom, HEIGHT lines between), each of the N rows
 * a line from axis to axis; BEST drawn over the others. */
int plot_parallel(const struct plot_axis *axes, int naxes, int n, int best, int width,
		  int height, int utf8, struct plot_lines *out);

/* Series on one scale, each drawn with its own glyph (a letter): the
 * point index across the WIDTH (a column is the mean of its points when a
 * series has more than WIDTH), the value up; a later series is drawn over
 * an earlier one.  HEIGHT rows with the largest and smallest value labelled,
 * an axis row and the first and last index under it. */
struct plot_series {
	const double *v;
	int n;
	char glyph;
};
int plot_overlay(const struct plot_series *s, int ns, int width, int height, int utf8,
		 struct plot_lines *out);

/* The value V as a short label ("0.01", "1e-05", "123.5"), in BUF. */
void plot_label(double v, char *buf, int size);

#endif
