/* tests/unit/test_tui.c — the browser's pure pictures and numbers
 * (tui/format.c, tui/widget_chart.c): metric values, deltas, sparklines,
 * plots and charts; column layout; and the keys of every view (tui/keys.c):
 * its status-bar hints name only keys it handles, its ? screen lists
 * exactly the keys it handles, a click on one of its rows does that key;
 * rebinding keys; the prompts' history
 * (tui/history.c).  No terminal. */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/format.h"
#include "tui/history.h"
#include "tui/internal.h"
#include "tui/widget_table.h"
#include "tui/layout.h"
#include "tui/screen.h"
#include "tui/widget_chart.h"
#include "util/buf.h"

static int utf8_locale;

/* Display cells of a plot line: every byte that does not continue a UTF-8
 * character starts one (block characters are one column wide). */
static int cells(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *metric(double v)
{
	static char buf[64];
	fmt_metric(v, buf, sizeof buf);
	return buf;
}

START_TEST(test_fmt_metric)
{
	ck_assert_str_eq(metric(0.93), "0.93");
	ck_assert_str_eq(metric(0.93124), "0.9312");
	ck_assert_str_eq(metric(1234.5), "1234.5");
	ck_assert_str_eq(metric(1234.0), "1234");
	ck_assert_str_eq(metric(12.5), "12.5");
	ck_assert_str_eq(metric(1), "1");
	ck_assert_str_eq(metric(1e-05), "1e-05");
	ck_assert_str_eq(metric(-3.5e-05), "-3.5e-05");
	ck_assert_str_eq(metric(12345678), "1.23e+07");
	ck_assert_str_eq(metric(12000000), "1.2e+07");
	/* small values keep four significant digits */
	ck_assert_str_eq(metric(0.00012345), "0.0001234");
	ck_assert_str_eq(metric(NAN), "nan");
	ck_assert_str_eq(metric(INFINITY), "inf");
	ck_assert_str_eq(metric(-INFINITY), "-inf");
	ck_assert_str_eq(metric(-0.0), "0");
	ck_assert_str_eq(metric(0), "0");
	ck_assert_str_eq(metric(-2.5), "-2.5");
	/* at most about 9 columns */
	double samples[] = { 0.123456789, 999.99999, 9999999, 1.23456e-9, -0.000987654 };
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		ck_assert_int_le((int)strlen(metric(samples[i])), 10);
	/* a short buffer is cut, never overrun */
	char tiny[4];
	fmt_metric(1234.5, tiny, sizeof tiny);
	ck_assert_str_eq(tiny, "123");
}
END_TEST

START_TEST(test_fmt_delta)
{
	char buf[64];
	/* higher is better */
	ck_assert_int_eq(fmt_delta(1.1, 1.0, 1, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "+0.1 (+10.0%)");
	ck_assert_int_eq(fmt_delta(0.9, 1.0, 1, buf, sizeof buf), -1);
	ck_assert_str_eq(buf, "-0.1 (-10.0%)");
	/* lower is better: the same change reads the other way */
	ck_assert_int_eq(fmt_delta(1.1, 1.0, -1, buf, sizeof buf), -1);
	ck_assert_str_eq(buf, "+0.1 (+10.0%)");
	ck_assert_int_eq(fmt_delta(20, 30, -1, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "-10 (-33.3%)");
	/* a negative base: % of its size */
	ck_assert_int_eq(fmt_delta(-1, -2, 1, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "+1 (+50.0%)");
	/* base 0: no % */
	ck_assert_int_eq(fmt_delta(2, 0, 1, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "+2");
	ck_assert_int_eq(fmt_delta(-0.5, 0, -1, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "-0.5");
	/* the same */
	ck_assert_int_eq(fmt_delta(3, 3, 1, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "=");
	/* huge changes as a factor */
	ck_assert_int_eq(fmt_delta(50, 2, 1, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "+48 (+25x)");
	/* short buffer */
	char tiny[5];
	fmt_delta(1.1, 1.0, 1, tiny, sizeof tiny);
	ck_assert_str_eq(tiny, "+0.1");
}
END_TEST

START_TEST(test_fmt_spark)
{
	char buf[128];
	double up[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	chart_spark(up, 8, 1, buf, sizeof buf);
	ck_assert_str_eq(buf, "▁▂▃▄▅▆▇█");
	double five[] = { 0, 1, 2, 3, 4 };
	chart_spark(five, 5, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "_.-=^");
	/* a constant series draws in the middle */
	double flat[] = { 3, 3, 3 };
	chart_spark(flat, 3, 1, buf, sizeof buf);
	ck_assert_str_eq(buf, "▄▄▄");
	chart_spark(flat, 3, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "---");
	/* NaN: a gap; nothing finite at all: all gaps */
	double gap[] = { 1, NAN, 2 };
	chart_spark(gap, 3, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "_ ^");
	chart_spark(gap, 3, 1, buf, sizeof buf);
	ck_assert_str_eq(buf, "▁ █");
	double nan2[] = { NAN, NAN };
	chart_spark(nan2, 2, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "  ");
	/* a short buffer draws fewer values, whole characters only */
	char small[7];
	chart_spark(up, 8, 1, small, sizeof small);
	ck_assert_str_eq(small, "▁▂");
	char three[3];
	chart_spark(five, 5, 0, three, sizeof three);
	ck_assert_str_eq(three, "_.");
	/* empty */
	chart_spark(up, 0, 1, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
	buf[0] = 'x';
	chart_spark(up, 8, 1, buf, 0);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

START_TEST(test_fmt_plot)
{
	char **lines = NULL;
	double lo, hi;
	double v[] = { 1, 3, 2, 5 };
	/* HEIGHT lines of exactly WIDTH cells, UTF-8 and ASCII */
	for (int utf8 = 0; utf8 < 2; utf8++) {
		ck_assert_int_eq(chart_plot(v, 4, 10, 3, utf8, &lines, &lo, &hi), 0);
		ck_assert_ptr_nonnull(lines);
		for (int r = 0; r < 3; r++) {
			ck_assert_int_eq(cells(lines[r]), 10);
			/* N < WIDTH: the plot is N wide, the rest blank */
			ck_assert_str_eq(lines[r] + strlen(lines[r]) - 6, "      ");
		}
		ck_assert(lo == 1 && hi == 5);
		/* the highest value reaches the top row, the lowest shows */
		ck_assert(lines[0][strlen(lines[0]) - 7] != ' ');
		ck_assert(lines[2][0] != ' ');
		chart_plot_free(lines, 3);
	}
	/* ASCII: only '#', '.' and ' ' */
	double two[] = { 0, 1 };
	ck_assert_int_eq(chart_plot(two, 2, 2, 2, 0, &lines, &lo, &hi), 0);
	ck_assert_str_eq(lines[0], " #");
	ck_assert_str_eq(lines[1], ".#");
	chart_plot_free(lines, 2);
	double ramp[64];
	for (int i = 0; i < 64; i++)
		ramp[i] = sin(i / 5.0) * 100;
	ck_assert_int_eq(chart_plot(ramp, 64, 20, 6, 0, &lines, &lo, &hi), 0);
	for (int r = 0; r < 6; r++) {
		ck_assert_int_eq((int)strlen(lines[r]), 20);
		ck_assert_uint_eq(strspn(lines[r], "#. "), 20);
	}
	chart_plot_free(lines, 6);
	/* a constant series: a range around it, every column alike */
	double flat[] = { 5, 5, 5 };
	ck_assert_int_eq(chart_plot(flat, 3, 3, 2, 0, &lines, &lo, &hi), 0);
	ck_assert(lo < 5 && hi > 5);
	ck_assert(lines[1][0] == lines[1][1] && lines[1][1] == lines[1][2]);
	ck_assert(lines[0][0] == lines[0][2]);
	chart_plot_free(lines, 2);
	double zeros[] = { 0, 0 };
	ck_assert_int_eq(chart_plot(zeros, 2, 2, 1, 0, &lines, &lo, &hi), 0);
	ck_assert(lo == -1 && hi == 1);
	chart_plot_free(lines, 1);
	/* N > WIDTH: each column is the mean of its values */
	double many[] = { 0, 10, 10, 10 };
	ck_assert_int_eq(chart_plot(many, 4, 2, 1, 0, &lines, &lo, &hi), 0);
	ck_assert(lo == 5 && hi == 10);
	ck_assert_str_eq(lines[0], ".#");
	chart_plot_free(lines, 1);
	/* NaN columns stay blank; nothing finite: a blank plot */
	double holes[] = { 1, NAN, 3 };
	ck_assert_int_eq(chart_plot(holes, 3, 3, 1, 0, &lines, &lo, &hi), 0);
	ck_assert_int_eq(lines[0][1], ' ');
	chart_plot_free(lines, 1);
	double none[] = { NAN };
	ck_assert_int_eq(chart_plot(none, 1, 4, 2, 1, &lines, &lo, &hi), 0);
	ck_assert_str_eq(lines[0], "    ");
	chart_plot_free(lines, 2);
	/* nothing to draw */
	lines = (char **)1;
	ck_assert_int_eq(chart_plot(v, 0, 10, 3, 1, &lines, &lo, &hi), -1);
	ck_assert_ptr_null(lines);
	ck_assert_int_eq(chart_plot(v, 4, 0, 3, 1, &lines, &lo, &hi), -1);
	ck_assert_int_eq(chart_plot(v, 4, 10, 0, 1, &lines, &lo, &hi), -1);
	chart_plot_free(NULL, 3);
}
END_TEST

START_TEST(test_fmt_plot_range)
{
	char **lines = NULL;
	/* one scale for several plots: values outside it are clipped */
	double v[] = { 0, 5, 10, 20, -5 };
	ck_assert_int_eq(chart_plot_range(v, 5, 5, 1, 0, 0, 10, &lines), 0);
	ck_assert_str_eq(lines[0], ".###.");
	chart_plot_free(lines, 1);
	ck_assert_int_eq(chart_plot_range(v, 5, 5, 2, 1, 0, 10, &lines), 0);
	ck_assert_int_eq(cells(lines[0]), 5);
	ck_assert_int_eq(cells(lines[1]), 5);
	chart_plot_free(lines, 2);
	/* an empty range is widened, not divided by */
	ck_assert_int_eq(chart_plot_range(v, 2, 2, 1, 0, 3, 3, &lines), 0);
	chart_plot_free(lines, 1);
	ck_assert_int_eq(chart_plot_range(v, 0, 2, 1, 0, 0, 1, &lines), -1);
	ck_assert_ptr_null(lines);
}
END_TEST

START_TEST(test_fmt_width)
{
	ck_assert_int_eq(fmt_width(""), 0);
	ck_assert_int_eq(fmt_width("abc"), 3);
	if (utf8_locale) {
		ck_assert_int_eq(fmt_width("▁▂▃"), 3);
		ck_assert_int_eq(fmt_width("Δ %"), 3);
		ck_assert_int_eq(fmt_width("a\xff" "b"), 3); /* an invalid byte counts 1 */
	}
}
END_TEST

START_TEST(test_fmt_ascii)
{
	char *a = fmt_ascii("Runs — all · 3 shown…");
	ck_assert_str_eq(a, "Runs - all | 3 shown~");
	free(a);
	a = fmt_ascii("0.93 ▲1.2% ▼ ┌─┐│ é日x");
	ck_assert_str_eq(a, "0.93 +1.2% - +-+| ??x");
	free(a);
	a = fmt_ascii("plain");
	ck_assert_str_eq(a, "plain");
	free(a);
}
END_TEST

/* Column layout: the runs view's columns at several widths. */
static const struct tui_col runs_cols[] = {
	{ "ID", 3, 1, 0, 0 },	     { "STATUS", 9, 0, 0, 0 },	{ "NAME", 10, 0, 1, 0 },
	{ "PIPELINE", 8, 0, 0, 7 }, { "STARTED", 16, 0, 0, 3 }, { "TAGS", 4, 0, 0, 8 },
	{ "train.loss", 6, 1, 0, 2 },
};
#define NRC (int)(sizeof runs_cols / sizeof runs_cols[0])

static int used(const int *w, const int *vis, int n)
{
	int total = -2;
	for (int c = 0; c < n; c++)
		if (vis[c])
			total += w[c] + 2;
	return total;
}

START_TEST(test_safe_text)
{
	/* escapes, control bytes, invalid UTF-8 as \xNN; tabs as spaces;
	 * valid UTF-8 kept; SKIP and WIDTH in columns */
	const char in[] = "a\tb\x1b[31mred\xff\xc3\xa9!";
	struct buf b = BUF_INIT;
	int more = -1;
	fmt_safe((const unsigned char *)in, sizeof in - 1, 0, 1000, &b, &more);
	ck_assert_str_eq(b.data, "a    b\\x1b[31mred\\xff\xc3\xa9!");
	ck_assert_int_eq(more, 0);
	buf_reset(&b);
	/* an escape is never cut: 9 columns hold it, 8 do not */
	fmt_safe((const unsigned char *)in, sizeof in - 1, 1, 9, &b, &more);
	ck_assert_str_eq(b.data, "    b\\x1b");
	buf_reset(&b);
	fmt_safe((const unsigned char *)in, sizeof in - 1, 1, 8, &b, &more);
	ck_assert_str_eq(b.data, "    b");
	ck_assert_int_eq(more, 1);
	buf_free(&b);
}
END_TEST

START_TEST(test_layout_fits_wide)
{
	int w[NRC] = { 3, 9, 21, 8, 16, 11, 12 }, vis[NRC];
	int natural = used(w, (int[NRC]){ 1, 1, 1, 1, 1, 1, 1 }, NRC);
	layout_fit(runs_cols, NRC, 120, w, vis);
	for (int c = 0; c < NRC; c++)
		ck_assert_int_eq(vis[c], 1);
	/* nothing shrunk; the last column is right-aligned, so no padding */
	ck_assert_int_eq(w[2], 21);
	ck_assert_int_eq(used(w, vis, NRC), natural);
	ck_assert_int_le(used(w, vis, NRC), 120);
}
END_TEST

START_TEST(test_layout_drops_by_rank)
{
	int w[NRC] = { 3, 9, 21, 8, 16, 11, 12 }, vis[NRC];
	layout_fit(runs_cols, NRC, 80, w, vis);
	/* 92 columns wanted: TAGS (rank 8) goes first, and then it fits */
	ck_assert_int_eq(vis[5], 0);
	ck_assert_int_eq(vis[0] && vis[1] && vis[2] && vis[3] && vis[4] && vis[6], 1);
	/* at 70, PIPELINE (7) goes too */
	int w2[NRC] = { 3, 9, 21, 8, 16, 11, 12 }, vis2[NRC];
	layout_fit(runs_cols, NRC, 70, w2, vis2);
	ck_assert_int_eq(vis2[5] + vis2[3], 0);
	ck_assert_int_eq(vis2[4], 1);
	ck_assert_int_le(used(w2, vis2, NRC), 70);
	ck_assert_int_eq(w[2], 21); /* the name is kept whole */
	ck_assert_int_le(used(w, vis, NRC), 80);
}
END_TEST

/* Columns that scroll sideways: the frozen ones, then whole columns from
 * the first scrolled one; never none of them. */
START_TEST(test_layout_window)
{
	int w[] = { 1, 3, 20, 10, 10, 10, 30 };
	/* 1+2 + 3+2 + 20+2 = 30 frozen; then 12 a column (its gap after it) */
	ck_assert_int_eq(layout_window(w, 7, 3, 3, 66), 6);
	ck_assert_int_eq(layout_window(w, 7, 3, 3, 63), 5);
	ck_assert_int_eq(layout_window(w, 7, 3, 5, 66), 6);
	ck_assert_int_eq(layout_window(w, 7, 3, 6, 40), 7); /* too wide: still shown */
	ck_assert_int_eq(layout_window(w, 7, 0, 0, 200), 7);
	ck_assert_int_eq(layout_window(w, 0, 0, 0, 80), 0);
	ck_assert_int_eq(layout_window(w, 3, 3, 3, 80), 3);
}
END_TEST

START_TEST(test_layout_narrow)
{
	int w[NRC] = { 3, 9, 21, 8, 16, 11, 12 }, vis[NRC];
	layout_fit(runs_cols, NRC, 40, w, vis);
	/* only the columns that are never dropped, squeezed to fit */
	ck_assert_int_eq(vis[0] + vis[1] + vis[2] + vis[6], 3 + vis[6]);
	ck_assert_int_eq(vis[3] + vis[4] + vis[5], 0);
	ck_assert_int_le(used(w, vis, NRC), 40);
	ck_assert_int_ge(w[2], 8);
	for (int c = 0; c < NRC; c++)
		if (vis[c])
			ck_assert_int_ge(w[c], 3);
}
END_TEST

START_TEST(test_layout_gives_back_trimmed_width)
{
	/* a long metric name trimmed to 16 while everything was too wide gets
	 * its width back once a dropped column made room */
	static const struct tui_col cols[] = { { "evaluate.accuracy", 4, 1, 0, 0 },
					       { "TAGS", 4, 0, 0, 5 } };
	int w[2] = { 20, 30 }, vis[2];
	layout_fit(cols, 2, 30, w, vis);
	ck_assert_int_eq(vis[1], 0);
	ck_assert_int_eq(w[0], 20);
	/* and not beyond what it needs, nor beyond the screen */
	int w2[2] = { 40, 30 }, vis2[2];
	layout_fit(cols, 2, 30, w2, vis2);
	ck_assert_int_eq(vis2[1], 0);
	ck_assert_int_eq(w2[0], 30);
}
END_TEST

START_TEST(test_layout_pads_last_left_aligned)
{
	static const struct tui_col cols[] = { { "A", 1, 0, 0, 0 }, { "B", 1, 0, 1, 0 } };
	int w[2] = { 5, 5 }, vis[2];
	layout_fit(cols, 2, 30, w, vis);
	ck_assert_int_eq(w[0], 5);
	ck_assert_int_eq(w[1], 30 - 5 - 2); /* the rest of the line */
}
END_TEST

/* ------------------------------------------------------------------ */
/* Charts                                                               */

START_TEST(test_chart_compute)
{
	/* the step view's look: labels as wide as they need, a gap, ticks */
	static const struct chart_style step = { .label_w = 0, .gap = 1, .mid = 1, .ticks = 1,
						 .xaxis = CHART_XCORNER };
	struct chart c;
	memset(&c, 0, sizeof c);
	double v[] = { 1, 2, 3 };
	ck_assert_int_eq(chart_compute(&c, v, 3, 20, 4, 0, &step, NULL), 0);
	ck_assert_int_eq(c.label_w, 1);
	ck_assert_int_eq(c.plot_x, 3); /* label, gap, axis */
	ck_assert_int_eq(c.plot_w, 17);
	ck_assert_int_eq(c.per, 5); /* few points: each 5 columns wide */
	ck_assert_int_eq(c.used, 15);
	ck_assert_str_eq(c.labels[0], "3");
	ck_assert_str_eq(c.labels[1], "");
	ck_assert_str_eq(c.labels[3], "1");
	ck_assert_str_eq(c.rows[0], "          #####  ");
	ck_assert_str_eq(c.rows[3], ".....##########  ");
	ck_assert_int_eq(chart_point_col(&c, 1), 7);
	/* labels that need more room take it: "0.25" */
	double w[] = { 0.25, 1, 0.5, 0.75, 0.5, 0.25 };
	ck_assert_int_eq(chart_compute(&c, w, 6, 40, 5, 1, &step, NULL), 0);
	ck_assert_int_eq(c.label_w, 5); /* "0.625", the middle */
	ck_assert_str_eq(c.labels[2], "0.625");
	ck_assert_int_eq(c.plot_w, 40 - 7);
	/* the Compare view's look: fixed labels, a line, at most 6 columns a
	 * point, marks and notes */
	static const struct chart_style hist = { .label_w = 9, .xaxis = CHART_XLINE,
						 .stretch_max = 6 };
	ck_assert_int_eq(chart_compute(&c, v, 3, 80, 4, 1, &hist, NULL), 0);
	ck_assert_int_eq(c.plot_x, 10);
	ck_assert_int_eq(c.per, 6);
	ck_assert_int_eq(c.used, 18);
	chart_color_point(&c, 1, PAIR_WARN);
	ck_assert_int_eq(c.pair[5], 0);
	ck_assert_int_eq(c.pair[6], PAIR_WARN);
	ck_assert_int_eq(c.pair[11], PAIR_WARN);
	ck_assert_int_eq(c.pair[12], 0);
	ck_assert_int_eq(chart_note(&c, chart_point_col(&c, 1), 1, "B", PAIR_WARN, 0), 0);
	ck_assert_int_eq(c.notes[0].col, 8);
	/* one scale for two charts */
	double range[2] = { 0, 10 };
	ck_assert_int_eq(chart_compute(&c, v, 3, 30, 2, 0, &hist, range), 0);
	ck_assert(c.lo == 0 && c.hi == 10);
	ck_assert_str_eq(c.labels[0], "10");
	/* nothing to draw, or no room */
	ck_assert_int_eq(chart_compute(&c, v, 0, 30, 2, 0, &hist, NULL), -1);
	ck_assert_ptr_null(c.rows);
	ck_assert_int_eq(chart_compute(&c, v, 3, 10, 2, 0, &hist, NULL), -1);
	ck_assert_int_eq(chart_compute(&c, v, 3, 30, 0, 0, &hist, NULL), -1);
	chart_clear(&c);
	chart_clear(&c);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Keys                                                                 */

static const struct view_ops *const views[] = {
	&view_pipelines_ops, &view_runs_ops,	&view_run_ops,
	&view_step_ops,	     &view_compare_ops, &view_logs_ops, &view_sweep_ops,
};
#define NVIEWS (int)(sizeof views / sizeof views[0])

/* The action whose status-bar label is LABEL. */
static enum tui_action by_bar_label(const char *label, int utf8)
{
	for (int a = ACT_NONE + 1; a < ACT__COUNT; a++)
		if (!strcmp(keys_bar_label((enum tui_action)a, utf8), label))
			return (enum tui_action)a;
	return ACT_NONE;
}

static int handles(const struct view_ops *ops, enum tui_action a)
{
	return keys_row(ops, a) || keys_global_row(a);
}

/* Every key the hints of OPS name is one OPS handles. */
static void check_hints(const struct view_ops *ops, int utf8)
{
	struct buf b = BUF_INIT;
	keys_hints(ops, utf8, 10000, &b);
	ck_assert_msg(b.data && b.data[0], "%s: no hints", ops->name);
	const char *sep = utf8 ? " · " : " | ";
	char *text = strdup(b.data);
	for (char *item = text; item;) {
		char *next = strstr(item, sep);
		if (next) {
			*next = '\0';
			next += strlen(sep);
		}
		char *space = strchr(item, ' ');
		ck_assert_ptr_nonnull(space);
		*space = '\0';
		/* "←/→", "n/N", or the key "/" itself */
		int n = 0;
		char *keys[8];
		if (!strcmp(item, "/"))
			keys[n++] = item;
		else
			for (char *k = strtok(item, "/"); k && n < 8; k = strtok(NULL, "/"))
				keys[n++] = k;
		for (int i = 0; i < n; i++) {
			enum tui_action a = by_bar_label(keys[i], utf8);
			ck_assert_msg(a != ACT_NONE, "%s: hint key '%s' is no key", ops->name, keys[i]);
			ck_assert_msg(handles(ops, a), "%s: the hints name '%s', which it does not handle",
				      ops->name, keys[i]);
		}
		item = next;
	}
	free(text);
	buf_free(&b);
}

START_TEST(test_keys_hints_name_handled_keys)
{
	for (int v = 0; v < NVIEWS; v++) {
		check_hints(views[v], 1);
		check_hints(views[v], 0);
	}
	/* the hints of the first view, at its width: each action once */
	struct buf b = BUF_INIT;
	keys_hints(&view_runs_ops, 1, 1000, &b);
	ck_assert_str_eq(b.data, "Enter open · f filter · s sort · / search · Space mark · "
				 "c compare · b pin · C/←/→ columns · p pipelines · i details · "
				 "r rerun");
	buf_free(&b);
}
END_TEST

START_TEST(test_keys_help_lists_exactly_the_handled_keys)
{
	for (int v = 0; v < NVIEWS; v++) {
		const struct view_ops *ops = views[v];
		struct key_help *rows = NULL;
		int n = 0, k = 0, seen[ACT__COUNT] = { 0 };
		ck_assert_int_eq(keys_help(ops, &rows, &n), 0);
		/* the view's heading, then its keys in the order of its table */
		ck_assert(rows[k].heading && !strcmp(rows[k].what, ops->name));
		k++;
		for (int i = 0; i < ops->nactions; i++, k++) {
			const struct view_action *a = &ops->actions[i];
			ck_assert_msg(a->run && a->help && a->help[0], "%s: row %d", ops->name, i);
			ck_assert_msg(!seen[a->action], "%s: %s twice", ops->name, keys_label(a->action));
			seen[a->action] = 1;
			ck_assert_str_eq(rows[k].keys, keys_label(a->action));
			ck_assert_str_eq(rows[k].what, a->help);
			/* each fits half of a 120-column ? screen after its key */
			ck_assert_msg(fmt_width(a->help) <= 46, "%s: '%s' is too long", ops->name,
				      a->help);
		}
		for (; k < n && !rows[k].keys && !rows[k].heading; k++) /* the note, a blank row */
			ck_assert_msg(fmt_width(rows[k].what) <= 46, "%s: '%s' is too long", ops->name,
				      rows[k].what);
		ck_assert(k < n && rows[k].heading && !strcmp(rows[k].what, "Everywhere"));
		k++;
		/* the global keys, but those the view handles itself */
		for (int g = 0; g < tui_nglobal_actions; g++) {
			enum tui_action a = tui_global_actions[g].action;
			if (seen[a])
				continue;
			ck_assert_int_lt(k, n);
			ck_assert_str_eq(rows[k].keys, keys_label(a));
			seen[a] = 1;
			k++;
		}
		ck_assert_int_eq(k, n);
		/* nothing listed that is not handled, nothing handled unlisted */
		for (int a = ACT_NONE + 1; a < ACT__COUNT; a++)
			ck_assert_int_eq(seen[a], handles(ops, (enum tui_action)a));
		free(rows);
	}
}
END_TEST

START_TEST(test_keys_every_action_somewhere)
{
	for (int a = ACT_NONE + 1; a < ACT__COUNT; a++) {
		int found = keys_global_row((enum tui_action)a) != NULL;
		for (int v = 0; v < NVIEWS; v++)
			found |= keys_row(views[v], (enum tui_action)a) != NULL;
		ck_assert_msg(found, "no view handles %s", keys_label((enum tui_action)a));
	}
	ck_assert_int_eq(keys_action_of('j'), ACT_DOWN);
	ck_assert_int_eq(keys_action_of('\r'), ACT_OPEN);
	ck_assert_int_eq(keys_action_of('x'), ACT_NONE);
	ck_assert_ptr_null(keys_row(&view_logs_ops, ACT_COMPARE));
	ck_assert_ptr_nonnull(keys_row(&view_compare_ops, ACT_FILTER));
}
END_TEST

START_TEST(test_keys_hints_fit)
{
	struct buf b = BUF_INIT;
	keys_hints(&view_step_ops, 1, 63, &b);
	ck_assert_str_eq(b.data, "←/→ tabs · Enter open · o open output · R rerun from here");
	buf_reset(&b);
	/* too long: the short forms, from the last hint back */
	keys_hints(&view_step_ops, 0, 63, &b);
	ck_assert_str_eq(b.data, "Left/Right tabs | Enter open | o open output | R rerun");
	buf_reset(&b);
	/* then fewer hints, from the end */
	keys_hints(&view_step_ops, 0, 30, &b);
	ck_assert_str_eq(b.data, "Left/Right tabs | Enter open");
	buf_reset(&b);
	keys_hints(&view_step_ops, 0, 5, &b);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
	/* Compare says what f does there: a filter, as everywhere; P plots */
	keys_hints(&view_compare_ops, 1, 1000, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "f filter: only differing"));
	ck_assert_ptr_nonnull(strstr(b.data, "P series/history"));
	buf_free(&b);
	ck_assert_str_eq(keys_row(&view_compare_ops, ACT_FILTER)->help,
			 "filter: only what differs (again: all)");
	/* m is "which metric" wherever it is bound, never a plot */
	ck_assert_ptr_null(keys_row(&view_compare_ops, ACT_METRIC));
	ck_assert_ptr_nonnull(strstr(keys_row(&view_sweep_ops, ACT_METRIC)->help, "metric"));
	ck_assert_ptr_nonnull(strstr(keys_row(&view_pipelines_ops, ACT_METRIC)->help, "metric"));
	ck_assert_ptr_nonnull(keys_row(&view_sweep_ops, ACT_PLOT));
	ck_assert_int_eq(keys_action_of('P'), ACT_PLOT);
}
END_TEST

/* A click on the ? screen: the key of the row under it, whatever the
 * screen's size and scrolling, in either of two columns; nothing on a
 * heading, a margin or the gap between the columns. */
START_TEST(test_help_click_is_the_row_under_it)
{
	struct view v = { .ops = &view_runs_ops };
	struct tui t = { .lines = 24, .cols = 80, .top = &v };
	struct key_help *rows = NULL;
	int n = 0;
	ck_assert_int_eq(keys_help(&view_runs_ops, &rows, &n), 0);
	ck_assert_int_gt(n, 40); /* more than one column of 37 holds */
	/* 80x24: one column from row 2 (row 2 is the heading "Runs") */
	ck_assert_int_eq(screen_help_action(&t, 0, 2, 5), ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 5), rows[1].action);
	/* a terminal too small shows "terminal too small", no rows */
	struct tui tiny = { .lines = 24, .cols = 1, .top = &v };
	ck_assert_int_eq(screen_help_action(&tiny, 0, 3, 5), ACT_NONE);
	tiny.cols = 80;
	tiny.lines = 3;
	ck_assert_int_eq(screen_help_action(&tiny, 0, 2, 5), ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 5), ACT_OPEN);
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 70), ACT_OPEN);
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 1), ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 0, 5), ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 1, 5), ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 23, 5), ACT_NONE);
	/* scrolled: the row shown there */
	ck_assert_int_eq(screen_help_action(&t, 5, 2, 5), rows[5].action);
	ck_assert_int_eq(screen_help_action(&t, n - 1, 2, 5), rows[n - 1].action);
	ck_assert_int_eq(screen_help_action(&t, n - 1, 3, 5), ACT_NONE);
	/* 120x40: two columns of 37 rows, 58 wide, the second at column 62 */
	t.lines = 40;
	t.cols = 120;
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 59), ACT_OPEN);
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 60), ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 61), ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 2, 62), rows[37].action);
	ck_assert_int_eq(screen_help_action(&t, 0, 2 + n - 38, 62), rows[n - 1].action);
	ck_assert_int_ne(rows[n - 1].action, ACT_NONE);
	ck_assert_int_eq(screen_help_action(&t, 0, 2 + n - 37, 62), ACT_NONE);
	/* 160x45: every row in one column */
	t.lines = 45;
	t.cols = 160;
	ck_assert_int_eq(screen_help_action(&t, 0, 3, 150), ACT_OPEN);
	ck_assert_int_eq(screen_help_action(&t, 0, 2 + n - 1, 5), rows[n - 1].action);
	free(rows);
}
END_TEST

START_TEST(test_keys_bind)
{
	/* the defaults: l and Tab sideways, Esc apart from q, logs on L */
	ck_assert_int_eq(keys_action_of('l'), ACT_RIGHT);
	ck_assert_int_eq(keys_action_of('\t'), ACT_RIGHT);
	ck_assert_int_eq(keys_action_of('h'), ACT_LEFT);
	ck_assert_int_eq(keys_action_of('q'), ACT_BACK);
	ck_assert_int_eq(keys_action_of(27), ACT_CANCEL);
	ck_assert_int_eq(keys_action_of('L'), ACT_LOGS);
	ck_assert_int_eq(keys_action_of(':'), ACT_COMMAND);
	ck_assert_int_eq(keys_action_of(0), ACT_NONE);
	ck_assert_str_eq(keys_label(ACT_LEFT), "Left/h/S-Tab");
	/* by name, any case; NULL and unknown names are no action */
	ck_assert_int_eq(keys_action_named("rerun_from"), ACT_RERUN_FROM);
	ck_assert_int_eq(keys_action_named("LOGS"), ACT_LOGS);
	ck_assert_int_eq(keys_action_named("nosuch"), ACT_NONE);
	ck_assert_int_eq(keys_action_named(NULL), ACT_NONE);
	ck_assert_str_eq(keys_action_name(ACT_UNMARK_ALL), "unmark_all");
	ck_assert_str_eq(keys_action_name(ACT_NONE), "");
	ck_assert_str_eq(keys_key_name(9), "Tab");
	ck_assert_str_eq(keys_key_name(2), "C-b");
	ck_assert_str_eq(keys_key_name('x'), "x");
	ck_assert_str_eq(keys_key_name(' '), "Space");
	/* a second key; the labels follow */
	ck_assert_int_eq(keys_bind('x', ACT_LOGS), 0);
	ck_assert_int_eq(keys_action_of('x'), ACT_LOGS);
	ck_assert_str_eq(keys_label(ACT_LOGS), "L/x");
	ck_assert_str_eq(keys_bar_label(ACT_LOGS, 1), "L");
	/* a key taken from another action leaves it */
	ck_assert_int_eq(keys_bind('j', ACT_UP), 0);
	ck_assert_int_eq(keys_action_of('j'), ACT_UP);
	ck_assert_str_eq(keys_label(ACT_UP), "Up/k/j");
	ck_assert_str_eq(keys_label(ACT_DOWN), "Down");
	/* unbound */
	ck_assert_int_eq(keys_bind('L', ACT_NONE), 0);
	ck_assert_int_eq(keys_action_of('L'), ACT_NONE);
	ck_assert_str_eq(keys_label(ACT_LOGS), "x");
	/* refused: no key, no such action, a fifth key */
	ck_assert_int_eq(keys_bind(0, ACT_LOGS), -1);
	ck_assert_int_eq(keys_bind('z', ACT__COUNT), -1);
	ck_assert_int_eq(keys_bind('1', ACT_UP), 0);
	ck_assert_int_eq(keys_bind('2', ACT_UP), -1);
	ck_assert_int_eq(keys_action_of('2'), ACT_NONE);
}
END_TEST

START_TEST(test_table_scroll_fills_the_screen)
{
	/* 15 rows, the last selected: 5 rows high shows the last 5; 30 high
	 * (a taller terminal) shows all of them from the first, no blank
	 * rows under the last while rows above are hidden */
	struct tui_table tb = { .nrows = 15, .sel = 14 };
	ck_assert_int_eq(table_scroll(&tb, 5), 10);
	ck_assert_int_eq(table_scroll(&tb, 30), 0);
	tb.sel = 3;
	ck_assert_int_eq(table_scroll(&tb, 5), 0);
	tb.sel = 12;
	ck_assert_int_eq(table_scroll(&tb, 5), 8);
	ck_assert_int_eq(table_scroll(&tb, 10), 5);
	tb.nrows = 0;
	tb.sel = 0;
	ck_assert_int_eq(table_scroll(&tb, 10), 0);
}
END_TEST

START_TEST(test_history)
{
	char dir[] = "/tmp/runlens-history-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	char *path = history_path();
	ck_assert_ptr_nonnull(strstr(path, "/runlens/history"));
	history_add("filter", "status=failed");
	history_add("filter", "status=failed"); /* the newest already: once */
	history_add("search", "epoch");
	history_add("filter", "tag=good");
	history_add("filter", "");		/* nothing */
	history_add("filter", "two\nlines");	/* not a line */
	history_add(NULL, "x");
	char **items = NULL;
	int n = 0;
	ck_assert_int_eq(history_list("filter", &items, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(items[0], "status=failed");
	ck_assert_str_eq(items[1], "tag=good");
	history_free(items, n);
	ck_assert_int_eq(history_list("search", &items, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(items[0], "epoch");
	history_free(items, n);
	ck_assert_int_eq(history_list(NULL, &items, &n), 0);
	ck_assert_int_eq(n, 0);
	history_free(items, n);
	/* the file keeps the newest entries */
	for (int i = 0; i < 2 * HISTORY_KEEP + 1; i++) {
		char text[32];
		snprintf(text, sizeof text, "e%d", i);
		history_add("many", text);
	}
	ck_assert_int_eq(history_list("many", &items, &n), 0);
	ck_assert_int_le(n, 2 * HISTORY_KEEP);
	ck_assert_int_ge(n, HISTORY_KEEP);
	ck_assert_str_eq(items[n - 1], "e2000");
	history_free(items, n);
	unlink(path);
	free(path);
	char *sub = buf_format("%s/runlens", dir);
	rmdir(sub);
	free(sub);
	rmdir(dir);
	/* no XDG_STATE_HOME: under HOME */
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/someone", 1);
	path = history_path();
	ck_assert_str_eq(path, "/home/someone/.local/state/runlens/history");
	free(path);
}
END_TEST

int main(void)
{
	utf8_locale = setlocale(LC_ALL, "C.UTF-8") != NULL;
	Suite *s = suite_create("tui");
	TCase *tc = tcase_create("format");
	tcase_add_test(tc, test_fmt_metric);
	tcase_add_test(tc, test_fmt_delta);
	tcase_add_test(tc, test_fmt_spark);
	tcase_add_test(tc, test_fmt_plot);
	tcase_add_test(tc, test_fmt_plot_range);
	tcase_add_test(tc, test_fmt_width);
	tcase_add_test(tc, test_fmt_ascii);
	suite_add_tcase(s, tc);
	TCase *tl = tcase_create("layout");
	tcase_add_test(tl, test_layout_fits_wide);
	tcase_add_test(tl, test_layout_gives_back_trimmed_width);
	tcase_add_test(tl, test_safe_text);
	tcase_add_test(tl, test_layout_drops_by_rank);
	tcase_add_test(tl, test_layout_narrow);
	tcase_add_test(tl, test_layout_window);
	tcase_add_test(tl, test_layout_pads_last_left_aligned);
	suite_add_tcase(s, tl);
	TCase *tk = tcase_create("keys");
	tcase_add_test(tk, test_chart_compute);
	tcase_add_test(tk, test_keys_hints_name_handled_keys);
	tcase_add_test(tk, test_keys_help_lists_exactly_the_handled_keys);
	tcase_add_test(tk, test_keys_every_action_somewhere);
	tcase_add_test(tk, test_keys_hints_fit);
	tcase_add_test(tk, test_help_click_is_the_row_under_it);
	tcase_add_test(tk, test_keys_bind);
	tcase_add_test(tk, test_history);
	tcase_add_test(tk, test_table_scroll_fills_the_screen);
	suite_add_tcase(s, tk);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
