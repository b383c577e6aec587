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
enum { TUI_HANDLED = 1, TUI_REDRAW = 2, TUI_POP = 4, TUI_RELOAD = 8, TUI_QUIT = 16 };

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
	/* Optional: the run the view shows, or has selected (0: none): what
	 * B (unpin), y (yank) and the `:` commands on a run (:pin, :tag…)
	 * act on (commands.c). */
	int64_t (*run_of)(struct view *v);
	/* Optional: a `:` command of this view's own (:filter, :sort,
	 * :columns, :view in the runs): TUI_* flags, or -1 when the view has
	 * no command NAME.  ARG is what follows the name ("" when nothing). */
	int (*command)(struct view *v, struct tui *t, const char *name, const char *arg);
	/* Optional: the path of the output the view has selected (malloc'd),
	 * or NULL: y offers it. */
	char *(*path_of)(struct view *v, struct tui *t);
};

/* Columns [x0, x1) of the status bar that do action A (the mouse). */
struct key_span {
	int x0, x1;
	enum tui_action a;
};

struct view {
	const struct view_ops *ops;
	void *data;
	struct view *below; /* the view to go back to */
	int stale; /* the store changed since its load: reload when on top */
};

struct tui {
	struct store *store;
	int read_only; /* 1: --read-only, 2: a store this user may not write */
	int color;  /* colours in use (not NO_COLOR, terminal has them) */
	int utf8;   /* the locale is UTF-8: block characters and "…" */
	int lines, cols;
	struct view *top;
	int help, help_top; /* the ? screen is up, scrolled to this row */
	char help_find[128]; /* what / looks for on the ? screen ("" none) */
	char help_msg[160];  /* its last line: matches, wrapping */
	char notice[256]; /* one-line message in the status bar */
	int notice_bad;	  /* the notice is an error (red) */
	int had_notice;	  /* a notice was on the screen when this key came */
	int64_t version;  /* the store's data_version when last looked at */
	FILE *trace;	  /* RUNLENS_TUI_TRACE: timings for the benchmark */
	int dim_attr;	  /* added to PAIR_DIM: A_DIM where no grey is used */
	/* the status bar's clickable keys, as last painted (screen.c) */
	struct key_span hot[32];
	int nhot;
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
/* Rebinding (the config file's keys): the action named NAME as in
 * actions.h, any case ("rerun_from"), ACT_NONE when none; its name. */
enum tui_action keys_action_named(const char *name);
const char *keys_action_name(enum tui_action a);
/* Bind KEY (a curses key code) to action A, or unbind it (ACT_NONE): the
 * key leaves the action it had; the ? screen and the status bar then
 * write the action's keys as keys_key_name does.  0, or -1 when A has
 * four keys already or is out of range. */
int keys_bind(int key, enum tui_action a);
/* The config file's [keys]: A's keys become the N KEYS (another action
 * that had one of them loses it). */
void keys_rebind(enum tui_action a, const int *keys, int n);
/* How KEY is written on the ? screen: "Up", "C-b", "S-Tab", "x". */
const char *keys_key_name(int key);
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
/* keys_hints, and where each key and word of the hints is in what was
 * appended (struct key_span).  At most MAX into SPANS, *NSPANS counting them (not reset). */
void keys_hints_at(const struct view_ops *ops, int utf8, int width, struct buf *out,
		   struct key_span *spans, int *nspans, int max);
/* The ? screen of OPS: a heading (the view's name), the view's keys in
 * its order, its help note, a blank row, a heading, the global keys (but
 * those the view handles itself: they are among its keys).
 * *rows is malloc'd (its strings are static); KEYS is NULL and ACTION
 * ACT_NONE but on the rows of keys (a click on one does its action). */
struct key_help {
	const char *keys, *what;
	int heading;
	enum tui_action action;
};
int keys_help(const struct view_ops *ops, struct key_help **rows, int *n);

/* app.c: the view stack, notices, painting text */

void tui_push(struct tui *t, struct view *v);
/* The store changed (our own write, or another process's): every view
 * on the stack is stale and reloads when it is next on top (the top one
 * at the next turn of the loop). */
void tui_changed(struct tui *t);
/* Mark interrupted the runs whose runner is gone (not read-only; a
 * notice says how many): 1 when it marked one (app.c: every
 * SESSION_HEARTBEAT_MS while idle, and on F5). */
int tui_reap_dead_runs(struct tui *t);
/* Ctrl-C was pressed (SIGINT): the browser quits with status 0.  Dialogs
 * that wait for keys give up when it is set. */
int tui_interrupted(void);
/* Forget a Ctrl-C that was meant for a program run in the foreground. */
void tui_interrupt_reset(void);
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

/* commands.c: what every view does to its run, and the `:` line */

/* B: unpin the baseline of the pipeline of the view's run. */
int tui_act_unpin(struct view *v, struct tui *t, enum tui_action a);
/* y: copy the run's id, its name or the selected output's path. */
int tui_act_yank(struct view *v, struct tui *t, enum tui_action a);
/* ':': a command (:42, :run NAME, :pin, :tag T…), Tab completes. */
int tui_act_command(struct view *v, struct tui *t, enum tui_action a);
/* Run the command line LINE (without the ':'): TUI_* flags. */
int tui_command(struct tui *t, const char *line);
/* Completion of the --where language's fields, the params and metrics
 * of recent runs (a prompt_complete_fn, widget_dialog.h; CTX: a
 * pipeline id (int64_t *) or NULL). */
int tui_complete_fields(struct tui *t, void *ctx, const char *line, size_t word_at,
			char ***items, int *n);

/* yank.c: the clipboard */

/* The command that takes what y copies on its standard input: the
 * environment's RUNLENS_YANK, else the config file's yank_command
 * ($XDG_CONFIG_HOME/runlens/config, default ~/.config), else NULL (OSC
 * 52 to the terminal).  malloc'd. */
char *tui_yank_command(void);
/* Copy TEXT to the clipboard: through tui_yank_command(), else OSC 52
 * (which tmux keeps in its buffer with set-clipboard on).  0, or -1 with
 * a notice. */
int tui_yank(struct tui *t, const char *text);

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
/* LEN bytes of a log line at row Y from column X, at most WIDTH columns,
 * as the Logs view draws it (util/ansi.c: its colours, a \r progress bar
 * in its last state, everything else terminal-safe), in PAIR where it
 * has no colour of its own; "…" when it is cut. */
void logs_put_line(struct tui *t, int y, int x, int width, const char *data, size_t len,
		   int pair);

/* A new view of OPS with DATA (NULL when out of memory: DATA is then
 * freed with FREE_DATA). */
struct view *view_new(const struct view_ops *ops, void *data, void (*free_data)(void *));

/* Colour pairs. */
enum { PAIR_OK = 1, PAIR_FAIL, PAIR_RUN, PAIR_WARN, PAIR_DIM, PAIR_BAR, PAIR_HEAD,
       PAIR_BETTER, PAIR_WORSE, PAIR_ERRBAR, PAIR_TAB,
       PAIR_ANSI /* 8 pairs: a log's SGR colours 0-7 (black … white) */ };
int tui_status_pair(const char *status);
/* The curses attributes of colour PAIR (0: none): its colour when colours
 * are on, and A_DIM for PAIR_DIM where the dim colour is no grey. */
int tui_pair_attr(const struct tui *t, int pair);
/* Where a click at Y, X on the title or status bar leads: the action of
 * the key hint clicked; on the title bar back (the pipelines from the
 * first view, which has nothing to go back to); else ACT_NONE. */
enum tui_action screen_bar_action(const struct tui *t, int y, int x);
/* Read the config file (tui/tui_config.h): rebind its [keys]; its first
 * bad line goes to the status bar.  Before the colours are set. */
void tui_config_start(struct tui *t);
/* Draw S at Y, X clipped to WIDTH columns, in colour PAIR (0: none) plus
 * ATTRS (A_BOLD…). */
void tui_put(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs);
/* tui_put, with an ellipsis when S is wider than WIDTH. */
void tui_put_cut(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs);

#endif
