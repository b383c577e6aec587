/* tui/format.h — the browser's text of numbers and strings, as pure
 * functions (no curses), so they are unit-tested on their own: metric
 * values, deltas against a baseline, ASCII look-alikes, display widths and
 * terminal-safe text.  (Sparklines and plots: widget_chart.h.) */
#ifndef RUNLENS_TUI_FORMAT_H
#define RUNLENS_TUI_FORMAT_H

#include <stddef.h>

/* A metric value in at most about 9 columns: 0.9312, 1234.5, 1.2e+07,
 * -3.5e-05, nan. */
void fmt_metric(double v, char *buf, size_t size);

/* VALUE against BASE for a metric where DIR = 1 means higher is better and
 * -1 lower is better: "+0.012 (+1.3%)" style text in BUF ("+0.012" when
 * BASE is 0).  Returns 1 better, -1 worse, 0 the same, as core/compare.h
 * judges them. */
int fmt_delta(double value, double base, int dir, char *buf, size_t size);

/* The change of VALUE from BASE (DIR as fmt_delta's) as the browser's
 * cells write it: an arrow for its direction (▲ up, ▼ down; + and - when
 * UTF8 is 0) and the % change ("▲12.3%", "▼2.0x" past 999%, the
 * difference when BASE is 0), then whether it is better or worse as a
 * sign (" +" better, " !" worse) or, with WORDS, a word (" better",
 * " worse"): never by colour alone.  "=" ("= same") when equal.  Returns
 * 1 better, -1 worse, 0 the same. */
int fmt_change(double value, double base, int dir, int utf8, int words, char *buf, size_t size);

/* S for a terminal without UTF-8: the characters the browser uses get
 * their ASCII look-alike ("—" "-", "·" "|", "…" "~", "▲" "+", "▼" "-",
 * box lines "-" "|" "+", arrows "<" ">", blocks "#"), any other non-ASCII
 * character '?'.  Returns a malloc'd string (NULL when out of memory). */
char *fmt_ascii(const char *s);

/* Display columns of a UTF-8 string (wcwidth; invalid bytes count 1). */
int fmt_width(const char *s);

/* The bytes of the longest start of S that fits in WIDTH display columns
 * (it ends at an invalid byte); *USED (may be NULL) gets its columns. */
size_t fmt_fit(const char *s, int width, int *used);


struct buf;
/* Terminal-safe text of the N bytes DATA, appended to OUT: control
 * characters, escape sequences and invalid UTF-8 as \xNN, tabs as four
 * spaces; the first SKIP columns left out, at most WIDTH columns kept.
 * *MORE is set when the text went on past WIDTH. */
void fmt_safe(const unsigned char *data, size_t n, int skip, int width, struct buf *out,
	      int *more);

#endif
