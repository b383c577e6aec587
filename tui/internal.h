/* tui/internal.h — what the browser's files share: the app, views as
 * tables of operations, each with the table of the actions it handles,
 * and the colours.  The widgets have headers of their own
 * (widget_table.h, widget_text.h, widget_chart.h, widget_dialog.h; the
 * pure layout.h and format.h).
 *
 * The loop: a key becomes an action (actions.h); the top view's row for
 * it runs, else the row of an action every view has (back, quit, help…);
 * then the view's recalc() brings what it shows up to date for the screen
 * and draw() paints it.  Only load(), recalc() and the action handlers
 * read the store; draw() only paints. */
#ifndef RUNLENS_TUI_INTERNAL_H
#define RUNLENS_TUI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "tui/actions.h"
#include "tui/format.h"
#include "util/error.h"

struct buf;
struct tui;
struct view;

/* What an action handler tells the loop. */
enum { TUI_HANDLED = 1, TUI_REDRAW = 2, TUI_POP = 4, TUI_RELOAD = 8 };

/* One action a view handles: which, the handler (TUI_* flags), what it
 * does in this view (its line on the ? screen), and a word or two for the
 * status bar (NULL: not shown there; neighbouring rows with the same hint
 * share it: "←/→ tabs"), with a shorter one for a narrow bar (NULL: the
 * hint). */
struct view_action {
	enum tui_action action;
	int (*run)(struct view *v, struct tui *t, enum tui_action a);
	const char *help;
	const char *hint;
	const char *hint_short;
};

/* The rows of the list keys (up, down, a page, first, last) of a view
 * whose handler RUN moves its selection: ONE "run", MANY "runs". */
#define VIEW_MOVES(RUN, ONE, MANY)                                               \
	{ .action = ACT_UP, .run = RUN, .help = "the previous " ONE },          \
	{ .action = ACT_DOWN, .run = RUN, .help = "the next " ONE },            \
	{ .action = ACT_PAGE_UP, .run = RUN, .help = "a page of " MANY " up" }, \
	{ .action = ACT_PAGE_DOWN, .run = RUN, .help = "a page of " MANY " down" }, \
	{ .action = ACT_TOP, .run = RUN, .help = "the first " ONE },            \
	{ .action = ACT_END, .run = RUN, .help = "the last " ONE }

struct view_ops {
	const char *name; /* "Runs": the heading of its part of the ? screen */
	/* (Re)load from the store.  Must not keep a transaction open. */
	int (*load)(struct view *v, struct tui *t, struct rl_err *err);
	/* Optional: bring what draw() paints up to date for the screen
	 * (t->lines x t->cols) after a load, an action, a click, a resize or
	 * when the view comes back on top.  May read the store (what the rows
	 * coming into view need); never paints. */
	void (*recalc)(struct view *v, struct tui *t);
	/* The header line. */
	void (*title)(struct view *v, char *buf, size_t size);
	/* Paint rows 1..LINES-2 from what load() and recalc() computed: no
	 * store, no files. */
	void (*draw)(struct view *v, struct tui *t);
	void (*free)(struct view *v);
	/* The actions this view handles, in the order of its ? screen. */
	const struct view_action *actions;
	int nactions;
	/* Optional: lines under its keys on the ? screen. */
	const char *help_note[3];
	/* Optional: a mouse click at screen row Y, column X (DBL: a double
	 * click).  TUI_* flags like an action. */
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
	int read_only; /* 1: --read-only, 2: a store this user may not write */
	int color;  /* colours in use (not NO_COLOR, terminal has them) */
	int utf8;   /* the locale is UTF-8: block characters and "…" */
	int lines, cols;
	struct view *top;
	int help, help_top; /* the ? screen is up, scrolled to this row */
	char notice[256]; /* one-line message in the status bar */
	int notice_bad;	  /* the notice is an error (red) */
	FILE *trace;	  /* RUNLENS_TUI_TRACE: timings for the benchmark */
};

/* The views (for the unit test of their keys). */
extern const struct view_ops view_pipelines_ops, view_runs_ops, view_run_ops, view_step_ops,
	view_compare_ops, view_logs_ops, view_sweep_ops;
/* The actions every view has: back, quit, the pipelines, refresh, help
 * (a view may handle one itself: its row wins). */
extern const struct view_action tui_global_actions[];
extern const int tui_nglobal_actions;

/* keys.c: keys, hints and help from the tables */

/* The action of key CH (ACT_NONE: none). */
enum tui_action keys_action_of(int ch);
/* The row of OPS for action A, or NULL when the view does not handle it. */
const struct view_action *keys_row(const struct view_ops *ops, enum tui_action a);
/* The global row for action A, or NULL. */
const struct view_action *keys_global_row(enum tui_action a);
/* How action A's keys are written on the ? screen ("Down/j"), and in the
 * status bar ("↓", or "Down" when UTF8 is 0). */
const char *keys_label(enum tui_action a);
const char *keys_bar_label(enum tui_action a, int utf8);
/* The status-bar hints of OPS in at most WIDTH columns, appended to OUT:
 * "Enter open · f filter · …" (" | " between them when UTF8 is 0).  Too
 * long: short hints from the last one back, then hints left out from the
 * end. */
void keys_hints(const struct view_ops *ops, int utf8, int width, struct buf *out);
/* The ? screen of OPS: a heading (the view's name), the view's keys in
 * its order, its help note, a blank row, a heading, the global keys (but
 * those the view handles itself: they are among its keys).
 * *rows is malloc'd (its strings are static); KEYS is NULL but on the
 * rows of keys. */
struct key_help {
	const char *keys, *what;
	int heading;
};
int keys_help(const struct view_ops *ops, struct key_help **rows, int *n);

/* app.c: the view stack, notices, painting text */

void tui_push(struct tui *t, struct view *v);
/* Run action A on the top view (or the global row): TUI_* flags, 0 when
 * no one handles it. */
int tui_act(struct tui *t, enum tui_action a);
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
/* Paint the top view again under a dialog (no bars). */
void tui_paint_below(struct tui *t);
/* Leave curses, run ARGV in the foreground (a pager), wait, and come back
 * with the screen repainted.  Returns its exit status, -1 on failure. */
int tui_run_foreground(struct tui *t, char *const argv[]);

/* b: pin RUN_ID as its pipeline's baseline, asking first when it did not
 * complete (core/runs.h runs_pin_doubt, as `runlens pin` asks).  1 when
 * pinned. */
int tui_pin(struct tui *t, int64_t run_id);

/* Rerun RUN_ID from the browser: FROM_STEP (may be NULL) re-executes that
 * step and what follows; EDIT asks for param changes first.  Shows the
 * plan (computed here, core/plan.h), asks to confirm, then starts
 * `runlens rerun` in the background (it keeps going when the browser
 * quits).  Returns TUI_* flags. */
int tui_rerun(struct tui *t, int64_t run_id, const char *from_step, int edit);

struct view *view_pipelines_new(void);
/* Runs of one pipeline (PIPELINE_ID > 0) or all. */
struct view *view_runs_new(int64_t pipeline_id);
struct view *view_run_new(int64_t run_id);
/* The runs of sweep SWEEP_ID as a group: ranked by a metric, the best
 * marked, each param against the metric, parallel coordinates. */
struct view *view_sweep_new(int64_t sweep_id);
/* Tabs of the step view. */
enum step_tab { TAB_CONTEXT, TAB_INPUTS, TAB_OUTPUTS, TAB_METADATA, TAB_METRICS,
		TAB_LOGS, TAB_ATTEMPTS, TAB__COUNT };
struct view *view_step_new(int64_t run_id, const char *step, enum step_tab tab);
/* Run RUN_ID against each of the N runs REFS (copied; N 0: its baseline),
 * as `runlens compare RUN REFS…` says. */
struct view *view_compare_new(int64_t run_id, const int64_t *refs, int n);
/* ATTEMPT 0: the last one. */
struct view *view_logs_new(int64_t run_id, const char *step, int attempt);

/* A new view of OPS with DATA (NULL when out of memory: DATA is then
 * freed with FREE_DATA). */
struct view *view_new(const struct view_ops *ops, void *data, void (*free_data)(void *));

/* Colour pairs. */
enum { PAIR_OK = 1, PAIR_FAIL, PAIR_RUN, PAIR_WARN, PAIR_DIM, PAIR_BAR, PAIR_HEAD,
       PAIR_BETTER, PAIR_WORSE, PAIR_ERRBAR, PAIR_TAB,
       PAIR_ANSI /* 8 pairs: a log's SGR colours 0-7 (black … white) */ };
int tui_status_pair(const char *status);
/* Draw S at Y, X clipped to WIDTH columns, in colour PAIR (0: none) plus
 * ATTRS (A_BOLD…). */
void tui_put(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs);
/* tui_put, with an ellipsis when S is wider than WIDTH. */
void tui_put_cut(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs);

#endif
