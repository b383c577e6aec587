/* tui/internal.h — what the browser's files share: the app, views as
 * tables of operations, the table painter, and the small dialogs (prompt,
 * confirm, choose) every view uses. */
#ifndef RUNLENS_TUI_INTERNAL_H
#define RUNLENS_TUI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "tui/actions.h"
#include "tui/format.h"
#include "tui/layout.h"
#include "util/error.h"

struct tui;
struct view;

/* What an action handler tells the loop. */
enum { TUI_HANDLED = 1, TUI_REDRAW = 2, TUI_POP = 4, TUI_RELOAD = 8 };

struct view_ops {
	const char *name;
	/* (Re)load from the store.  Must not keep a transaction open. */
	int (*load)(struct view *v, struct tui *t, struct rl_err *err);
	/* The header line. */
	void (*title)(struct view *v, char *buf, size_t size);
	/* Paint rows 1..LINES-2. */
	void (*draw)(struct view *v, struct tui *t);
	/* Handle an action: TUI_* flags (0: not handled). */
	int (*action)(struct view *v, struct tui *t, enum tui_action a);
	void (*free)(struct view *v);
	/* The keys that matter here, for the status bar ("Enter open · f
	 * filter").  NULL: the generic hint. */
	const char *hints;
	const char *hints_ascii; /* when the hints need UTF-8 (arrows); else NULL */
	/* Optional: a mouse click at screen row Y, column X (DOUBLE: a
	 * double click).  TUI_* flags like action. */
	int (*click)(struct view *v, struct tui *t, int y, int x, int dbl);
	/* Optional: called about ten times a second while idle (following a
	 * growing log).  Returns TUI_REDRAW when the screen must be painted. */
	int (*tick)(struct view *v, struct tui *t);
};

struct view {
	const struct view_ops *ops;
	void *data;
	struct view *below; /* the view to go back to */
};

struct tui {
	struct store *store;
	int read_only;
	int color;  /* colours in use (not NO_COLOR, terminal has them) */
	int utf8;   /* the locale is UTF-8: block characters and "…" */
	int lines, cols;
	struct view *top;
	char notice[256]; /* one-line message in the status bar */
	int notice_bad;	  /* the notice is an error (red) */
	FILE *trace;	  /* RUNLENS_TUI_TRACE: timings for the benchmark */
};

void tui_push(struct tui *t, struct view *v);
/* While a long job runs (searching a big log): show PROGRESS on the
 * status line at once; 1 when a key was pressed meanwhile (stop the job). */
int tui_busy(struct tui *t, const char *progress);
void tui_notice(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A notice in the error colour. */
void tui_error(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Refuse an action in --read-only mode: 1 (with a notice) when refused. */
int tui_refuse_read_only(struct tui *t, const char *what);

/* Ask for a line of text on the bottom row, starting with INITIAL (may be
 * NULL).  Returns 1 with BUF filled on Enter, 0 on Esc. */
int tui_prompt(struct tui *t, const char *label, const char *initial, char *buf,
	       size_t size);
/* Show TITLE and N lines in a box and ask QUESTION (y/n).  Returns 1 for
 * yes. */
int tui_confirm(struct tui *t, const char *title, char *const *lines, int n,
		const char *question);
/* Let the user pick one of N items (arrows, Enter; Esc cancels).  MARKED
 * (may be NULL) shows a check box per item, toggled with Space, and the
 * dialog then returns on Enter with the toggles kept.  Returns the chosen
 * index, or -1. */
int tui_choose(struct tui *t, const char *title, char *const *items, int n, int sel,
	       int *marked);
/* Leave curses, run ARGV in the foreground (a pager), wait, and come back
 * with the screen repainted.  Returns its exit status, -1 on failure. */
int tui_run_foreground(struct tui *t, char *const argv[]);

/* Rerun RUN_ID from the browser: FROM_STEP (may be NULL) re-executes that
 * step and what follows; EDIT asks for param changes first.  Shows the
 * dry-run plan, asks to confirm, then starts `runlens rerun` in the
 * background (it keeps going when the browser quits).  Returns TUI_*
 * flags. */
int tui_rerun(struct tui *t, int64_t run_id, const char *from_step, int edit);

struct view *view_pipelines_new(void);
/* Runs of one pipeline (PIPELINE_ID > 0) or all. */
struct view *view_runs_new(int64_t pipeline_id);
struct view *view_run_new(int64_t run_id);
/* Tabs of the step view. */
enum step_tab { TAB_CONTEXT, TAB_INPUTS, TAB_OUTPUTS, TAB_METADATA, TAB_METRICS,
		TAB_LOGS, TAB_ATTEMPTS, TAB__COUNT };
struct view *view_step_new(int64_t run_id, const char *step, enum step_tab tab);
/* Two or more runs side by side (IDS copied). */
struct view *view_compare_new(const int64_t *ids, int n);
/* ATTEMPT 0: the last one. */
struct view *view_logs_new(int64_t run_id, const char *step, int attempt);

/* A table of text cells painted with aligned, fitted columns (struct
 * tui_col and the fitting are in layout.h). */
struct tui_table {
	const struct tui_col *cols;
	int ncols;
	char **cells; /* nrows * ncols, owned */
	int *attr;    /* nrows * ncols colour pairs (0: none) */
	int *marked;  /* nrows flags: drawn in bold with a mark */
	int status_col;
	int nrows, cap;
	int sel, top;
	int y0; /* the header row of the last paint (for clicks) */
};

void table_clear(struct tui_table *tb);
/* Append a row; ATTR colours the status column (0: none). */
int table_push(struct tui_table *tb, char **cells, int attr);
/* Append a row with a colour pair per cell (ATTRS may be NULL). */
int table_push_attrs(struct tui_table *tb, char **cells, const int *attrs);
/* Paint the table in rows Y0..Y1-1. */
void table_paint(struct tui *t, struct tui_table *tb, int y0, int y1);
/* Move the selection: UP/DOWN/PAGE_UP/PAGE_DOWN/TOP/END.  Returns
 * TUI_REDRAW when it moved. */
int table_move(struct tui_table *tb, enum tui_action a, int page);
/* Select the row painted at screen row Y: 1 when a row was hit. */
int table_click(struct tui_table *tb, int y);
/* Find the next (DIR 1) or previous (-1) row after the selection whose
 * cells contain TEXT (case-insensitive); select it.  1 when found. */
int table_search(struct tui_table *tb, const char *text, int dir);

/* Colour pairs. */
enum { PAIR_OK = 1, PAIR_FAIL, PAIR_RUN, PAIR_WARN, PAIR_DIM, PAIR_BAR, PAIR_HEAD,
       PAIR_BETTER, PAIR_WORSE, PAIR_ERRBAR, PAIR_TAB };
int tui_status_pair(const char *status);
/* Draw S at Y, X clipped to WIDTH columns, in colour PAIR (0: none) plus
 * ATTRS (A_BOLD…). */
void tui_put(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs);

#endif
