/* tui/view_runs.h — what the files of the runs view share: its state
 * (view_runs.c: paging, marks and the actions on runs), its columns and
 * cells (view_runs_cols.c: which columns, their widths, the chooser), its
 * filter, sort and saved views (view_runs_query.c). */
#ifndef RUNLENS_TUI_VIEW_RUNS_H
#define RUNLENS_TUI_VIEW_RUNS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/compare.h"
#include "store/store.h"
#include "tui/run_facts.h"
#include "tui/widget_table.h"

#define RUNS_SPARK_POINTS 10 /* runs a sparkline cell shows */
#define RUNS_BASE_CACHE 16
#define RUNS_SAMPLE 200 /* the newest runs the columns are decided from */

/* A column of the runs view: the mark, a fixed field, a param or a
 * metric, named as `runlens ls --columns` names it. */
enum rcol_kind { RC_MARK, RC_FIXED, RC_PARAM, RC_METRIC };

struct rcol {
	enum rcol_kind kind;
	int fixed;	  /* RC_FIXED: COLS_* (core/columns.h) */
	char *name;	  /* "id", "params.lr", "train.loss" */
	char *step, *key; /* RC_METRIC: split at the first dot */
	char *title;	  /* the header, shortened to the width */
	int width;	  /* decided from the pipeline's data, not the rows shown */
	int dir;	  /* RC_METRIC: 1 higher is better, -1 lower */
	int spark;	  /* RC_METRIC: the cell ends with a sparkline of the
			   * metric over the pipeline's runs up to that one */
};

/* What a row's lazy cells are computed from, when it is first shown. */
struct rowinfo {
	int64_t pipeline_id;
	struct store_run_cursor at; /* the run's place, for its baseline */
	int filled;
};

/* Baselines seen while filling rows: many rows share one (a pinned run,
 * or the same previous run), so its metrics are read once. */
struct base_values {
	int64_t run_id;
	struct store_metric *m;
	int nm;
	struct compare_index ix;
};

struct runs_view {
	int64_t pipeline_id; /* 0: all */
	char *pipeline_name;
	struct tui_table tb;
	/* the columns shown, in order (the mark first) */
	struct rcol *rc;
	int nrc;
	struct tui_col *cols; /* nrc, for the table */
	int *widths;	      /* nrc */
	int cols_ready;	      /* decided (once, then by C or a saved view) */
	int id_digits;	      /* the width of ID */
	int64_t *ids;
	struct rowinfo *info;	      /* per row: what its lazy cells need */
	struct store_run_cursor next; /* keyset: where the next page starts */
	int more;		      /* more pages in the store */
	/* filter and sort (query mode) */
	char *filter_text;
	struct store_filter *filter;
	char *sort_text;
	struct store_sort sort;
	int sorted;
	struct store_sort_cursor qnext; /* query mode: where the next page starts */
	int64_t qnow;			/* query mode: "now" of the list's durations */
	cJSON *dirs;		   /* the "metrics" object of the pipeline's file */
	int64_t baseline_override; /* a saved view's baseline: 0 none */
	/* marks, by run id, in the order marked */
	int64_t *marked;
	int nmarked;
	char search[256];
	struct base_values bases[RUNS_BASE_CACHE];
	int nbases, next_base;
	/* i: the detail pane under the list (the selected run's params,
	 * metrics against its baseline, tags, note), loaded when the
	 * selection moves onto another run */
	int details;
	struct run_facts facts;
	int64_t facts_for; /* the run FACTS are of (0: none loaded) */
	int pane_h;	   /* its rows, the heading included (0: off) */
	char *view_name;    /* the saved view recalled, for the title */
	/* the filter and sort the saved view VIEW_NAME has: its name leaves
	 * the title once they change */
	const char *view_seen; /* the view_name they are of */
	char *view_filter, *view_sort;
	char *pending_cols; /* a saved view's columns, applied at the next load */
};

/* view_runs_cols.c */
void runs_cols_free(struct runs_view *rv);
void runs_bases_clear(struct runs_view *rv);
/* Decide the columns, unless they are: the saved view's (pending_cols),
 * else the pipeline's column set in the store, else the defaults of its
 * newest runs (core/columns.h's rule; for all pipelines the params and
 * metrics every one of them has).  Their widths come from those runs. */
void runs_cols_init(struct runs_view *rv, struct tui *t);
/* The columns as JSON text ({"columns": […], "sparklines": […]}), for
 * the store's column sets and saved views; malloc'd. */
char *runs_cols_json(const struct runs_view *rv);
/* The cells of run R known at once (fixed fields, params); the metric,
 * sparkline and sweep cells wait for runs_fill_rows.  CELLS and ATTRS
 * have nrc entries; the texts are malloc'd (runs_cells_free). */
void runs_row_cells(struct runs_view *rv, const struct store_run *r, char **cells, int *attrs);
void runs_cells_free(struct runs_view *rv, char **cells);
/* The lazy cells of rows FROM..TO-1 not filled yet (one read snapshot). */
void runs_fill_rows(struct runs_view *rv, struct tui *t, int from, int to);
/* C: show, hide, reorder the columns, sparklines in metric cells. */
int runs_choose_columns(struct runs_view *rv, struct tui *t);
/* The index of the mark column, or -1. */
int runs_mark_col(const struct runs_view *rv);

/* view_runs_query.c */
void runs_clear_filter_sort(struct runs_view *rv);
/* f, s, S, v: TUI_* flags. */
int runs_ask_filter(struct runs_view *rv, struct tui *t);
int runs_ask_sort(struct runs_view *rv, struct tui *t);
int runs_save_view(struct runs_view *rv, struct tui *t);
int runs_recall_view(struct runs_view *rv, struct tui *t);
/* The `:` commands of the runs view (commands.c): filter EXPR, sort KEY,
 * columns COL,… (empty: the chooser), view NAME.  TUI_* flags, -1 for
 * another NAME. */
int runs_command(struct runs_view *rv, struct tui *t, const char *name, const char *arg);

#endif
