/* tui/view_compare.h — what the files of the Compare view share: its
 * state and data (view_compare.c: what core/compare.h decided, in rows;
 * the keys), its tables and layout (view_compare_tables.c) and its chart
 * (view_compare_plot.c). */
#ifndef RUNLENS_TUI_VIEW_COMPARE_H
#define RUNLENS_TUI_VIEW_COMPARE_H

#include <stdint.h>

#include "core/compare.h"
#include "store/store.h"
#include "tui/internal.h"
#include "tui/widget_chart.h"
#include "tui/widget_table.h"
#include "util/plot.h"

#define CMP_MAX_RUNS 52 /* lettered A..Z, then a..z */
#define CMP_LABEL_W 9	/* the chart's value labels */
#define CMP_PLOT_MIN 7	/* title, 4 rows, axis, a blank line above */
#define CMP_PLOT_ROWS_MAX 16 /* rows of the chart itself */

/* One metric: its value in every shown run, and per reference what the
 * pair RUN against it decided. */
struct cmp_row {
	const char *name;	/* "STEP.KEY" */
	const char *step, *key; /* of one of its values */
	enum compare_dir dir;
	int differs;			  /* some pair is not the same */
	int series;			  /* a series in at least one run */
	const struct store_metric **m;	  /* per shown run; NULL: missing */
	const struct compare_metric **pm; /* per reference; NULL: neither has it */
};

struct cmp_param {
	const char *key;
	int differs;
	char **val; /* per shown run; "-" when missing */
};

/* Everything one load read and decided (swapped in whole, so a failed
 * reload keeps the previous screen).  The runs are shown references
 * first (A, B, … in the order given), then RUN, which is compared with
 * each of them. */
struct cmp_data {
	struct compare *c;
	int k; /* references */
	int n; /* runs shown: k + 1 */
	const struct compare_side **shown;
	struct cmp_row *rows;
	int nrows;
	struct cmp_param *params;
	int nparams;
};

/* Rows of the screen given to each part. */
struct cmp_layout {
	int runs_y, runs_h; /* header + rows */
	int params_y, params_h;
	int table_y, table_h;
	int plot_y, plot_h; /* title + chart + axis */
};

struct cmp_view {
	int64_t run_id;
	int64_t *refs; /* nrefs as asked (0: the baseline) */
	int nrefs;
	int nasked; /* references asked for (more than CMP_MAX_RUNS - 1: cut) */
	struct cmp_data d;
	int utf8;	 /* the terminal's, for the title */
	int all;	 /* show everything, not only what differs */
	int series_mode; /* plot the series of the runs, not the history */
	int *vis;	 /* rows of d.rows shown */
	int nvis;
	/* tables, built for a screen size (built_cols 0: to build again) */
	struct tui_table rtb, ptb, tb;
	struct tui_col *rcols, *pcols, *mcols;
	int *pwidths, *mwidths; /* too wide for the screen: the columns scroll */
	char **titles; /* column titles owned by the view */
	int ntitles;
	int built_cols, built_lines;
	int nparams_shown;
	struct cmp_layout L;
	/* the plot's data: for row plot_row of d.rows in mode plot_series */
	int plot_row, plot_series;
	struct store_metric_run *hist;
	int nhist;
	double **ser; /* nsers series, one per shown run that has one */
	int *nser, *ser_run;
	int64_t *ser_count;
	int nsers;
	struct plot_lines overlay; /* the series drawn on one scale */
	/* the plot, computed for the screen */
	char *plot_title;
	const char *plot_msg;
	struct chart chart[2];
	int ncharts, chart_x[2], chart_pair[2];
	char search[256];
};

char cmp_letter(int i);
/* The row of d.rows that is selected, or -1. */
int cmp_selected_row(const struct cmp_view *cv);

/* view_compare_tables.c */
/* The rows each part gets on T's screen. */
void cmp_layout(const struct cmp_view *cv, const struct tui *t, struct cmp_layout *L);
/* The tables of the runs, params and metrics for T's screen. */
void cmp_build(struct cmp_view *cv, struct tui *t);
void cmp_tables_clear(struct cmp_view *cv);

/* view_compare_plot.c */
/* Read what the plot of the selected row needs, unless it is there. */
int cmp_plot_fetch(struct cmp_view *cv, struct tui *t, struct rl_err *err);
/* The plot for the layout's rows. */
void cmp_plot_layout(struct cmp_view *cv, struct tui *t);
void cmp_plot_paint(struct cmp_view *cv, struct tui *t);
void cmp_plot_clear(struct cmp_view *cv);

#endif
