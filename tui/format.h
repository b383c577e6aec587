/* tui/format.h — the browser's text pictures and numbers, as pure
 * functions (no curses), so they are unit-tested on their own: metric
 * values, deltas against a baseline, sparklines and plots in UTF-8 block
 * characters or plain ASCII. */
#ifndef RUNLENS_TUI_FORMAT_H
#define RUNLENS_TUI_FORMAT_H

#include <stddef.h>

/* A metric value in at most about 9 columns: 0.9312, 1234.5, 1.2e+07,
 * -3.5e-05, nan. */
void fmt_metric(double v, char *buf, size_t size);

/* VALUE against BASE for a metric where DIR = 1 means higher is better and
 * -1 lower is better: "+0.012 (+1.3%)" style text in BUF ("+0.012" when
 * BASE is 0).  Returns 1 better, -1 worse, 0 the same. */
int fmt_delta(double value, double base, int dir, char *buf, size_t size);

/* A sparkline of N values (NaN: a gap) in N characters of BUF: UTF-8
 * "▁▂▃▄▅▆▇█" or ASCII "_.-=^" when UTF8 is 0.  Constant series draw
 * in the middle.  BUF gets at most SIZE-1 bytes (fewer values are drawn
 * when it is short). */
void fmt_spark(const double *v, int n, int utf8, char *buf, size_t size);

/* A plot of N values in a WIDTH x HEIGHT grid: *lines gets HEIGHT malloc'd
 * strings (the top row first) of exactly WIDTH cells each, an area chart
 * in eighth blocks (UTF-8) or '#'/'.' (ASCII).  When N > WIDTH, each
 * column shows the mean of its values; when N < WIDTH the plot is N wide.
 * *lo and *hi receive the range of the vertical axis.  Returns 0, or -1
 * when out of memory or there is nothing to draw (N == 0, WIDTH or
 * HEIGHT < 1). */
int fmt_plot(const double *v, int n, int width, int height, int utf8,
	     char ***lines, double *lo, double *hi);
/* fmt_plot with the vertical axis fixed at LO..HI (values outside are
 * clipped), so several plots can share one scale. */
int fmt_plot_range(const double *v, int n, int width, int height, int utf8, double lo,
		   double hi, char ***lines);
void fmt_plot_free(char **lines, int height);

/* S for a terminal without UTF-8: the characters the browser uses get
 * their ASCII look-alike ("—" "-", "·" "|", "…" "~", "▲" "+", "▼" "-",
 * box lines "-" "|" "+", arrows "<" ">", blocks "#"), any other non-ASCII
 * character '?'.  Returns a malloc'd string (NULL when out of memory). */
char *fmt_ascii(const char *s);

/* Display columns of a UTF-8 string (wcwidth; invalid bytes count 1). */
int fmt_width(const char *s);

struct buf;
/* Terminal-safe text of the N bytes DATA, appended to OUT: control
 * characters, escape sequences and invalid UTF-8 as \xNN, tabs as four
 * spaces; the first SKIP columns left out, at most WIDTH columns kept.
 * *MORE is set when the text went on past WIDTH. */
void fmt_safe(const unsigned char *data, size_t n, int skip, int width, struct buf *out,
	      int *more);

#endif
