/* tui/view_runs.h — what the files of the runs view share: its state
 * (view_runs.c: paging, marks and the actions on runs), its metric
 * columns and cells (view_runs_cols.c), its filter, sort and saved views
 * (view_runs_query.c). */
#ifndef RUNLENS_TUI_VIEW_RUNS_H
#define RUNLENS_TUI_VIEW_RUNS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/store.h"
#include "tui/widget_table.h"

#define RUNS_MAX_METRIC_COLS 8
#define RUNS_TREND_POINTS 12
#define RUNS_BASE_CACHE 16

/* the fixed columns, in order */
enum { C_MARK, C_ID, C_STATUS, C_NAME, C_PIPELINE, C_STARTED, C_DURATION, C_TAGS, C_FIXED };
extern const struct tui_col runs_fixed_cols[C_FIXED];
/* sort keys of the fixed columns (NULL: not sortable) */
extern const char *const runs_fixed_sort[C_FIXED];

struct mcol {
	char *step, *key;
	char title[96];
	int dir; /* 1: higher is better, -1 lower */
};

/* What a row's metric cells are computed from, when it is first shown. */
struct rowinfo {
	int64_t pipeline_id;
	struct store_run_cursor at; /* the run's place, for its baseline */
	int filled;
};

/* Baselines seen while filling rows: many rows share one (a pinned run,
 * or the same previous run), so its metric values are read once. */
struct base_values {
	int64_t run_id;
	int have[RUNS_MAX_METRIC_COLS];
	double v[RUNS_MAX_METRIC_COLS];
};

struct runs_view {
	int64_t pipeline_id; /* 0: all */
	char *pipeline_name;
	struct tui_table tb;
	struct tui_col cols[C_FIXED + RUNS_MAX_METRIC_COLS + 1];
	int colmap[C_FIXED + RUNS_MAX_METRIC_COLS + 1]; /* shown column → fixed index, or
							 * C_FIXED + metric, or -1 trend */
	int ncols;
	int64_t *ids;
	struct rowinfo *info;	      /* per row: what filling its metric cells needs */
	struct store_run_cursor next; /* keyset: where the next page starts */
	int more;		      /* more pages in the store */
	/* filter and sort (query mode) */
	char *filter_text;
	struct store_filter *filter;
	char *sort_text;
	struct store_sort sort;
	int sorted;
	int limit; /* rows asked for in query mode */
	/* metric columns */
	struct mcol m[RUNS_MAX_METRIC_COLS];
	int nm;
	int m_chosen; /* the user (or a saved view) chose them */
	cJSON *dirs;  /* the "metrics" object of the spec the columns came from */
	int64_t baseline_override; /* a saved view's baseline: 0 none */
	/* marks, by run id, in the order marked */
	int64_t *marked;
	int nmarked;
	char search[256];
	char trend_title[96];
	struct base_values bases[RUNS_BASE_CACHE];
	int nbases, next_base;
	char *view_name; /* the saved view recalled, for the title */
};

/* view_runs_cols.c */
void runs_free_metrics(struct runs_view *rv);
/* "train.loss" → a column of step "train", key "loss". */
int runs_add_metric_text(struct runs_view *rv, const char *text);
/* The metrics' directions from the pipeline of run RUN_ID. */
void runs_load_dirs(struct runs_view *rv, struct tui *t, int64_t run_id);
/* Default metric columns: those of run RUN_ID (at most 3). */
void runs_default_metrics(struct runs_view *rv, struct tui *t, int64_t run_id);
/* The columns shown, from the fixed ones and the metrics. */
void runs_build_cols(struct runs_view *rv);
/* The metric and trend cells of rows FROM..TO-1 not filled yet (one read
 * snapshot). */
void runs_fill_rows(struct runs_view *rv, struct tui *t, int from, int to);
/* C: choose the metric columns. */
int runs_choose_columns(struct runs_view *rv, struct tui *t);

/* view_runs_query.c */
void runs_clear_filter_sort(struct runs_view *rv);
/* f, s, S, v: TUI_* flags. */
int runs_ask_filter(struct runs_view *rv, struct tui *t);
int runs_ask_sort(struct runs_view *rv, struct tui *t);
int runs_save_view(struct runs_view *rv, struct tui *t);
int runs_recall_view(struct runs_view *rv, struct tui *t);

#endif
