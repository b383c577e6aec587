/* tui/internal.h — what the browser's files share: the app, views as
 * tables of operations, and the table painter. */
#ifndef RUNLENS_TUI_INTERNAL_H
#define RUNLENS_TUI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "tui/actions.h"
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
};

struct view {
	const struct view_ops *ops;
	void *data;
	struct view *below; /* the view to go back to */
};

struct tui {
	struct store *store;
	int read_only;
	int color;
	int lines, cols;
	struct view *top;
	char notice[256]; /* one-line message in the status bar */
};

void tui_push(struct tui *t, struct view *v);
void tui_notice(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct view *view_runs_new(void);
struct view *view_run_new(int64_t run_id);
struct view *view_logs_new(int64_t run_id, const char *step);

/* A table of text cells painted with aligned, fitted columns. */
struct tui_col {
	const char *title;
	int min;   /* minimum width */
	int right; /* right-aligned */
	int grow;  /* takes the width left over */
};

struct tui_table {
	const struct tui_col *cols;
	int ncols;
	char **cells; /* nrows * ncols, owned */
	int *attr;    /* colour pair of each row's status cell (0: none) */
	int status_col;
	int nrows, cap;
	int sel, top;
};

void table_clear(struct tui_table *tb);
int table_push(struct tui_table *tb, char **cells, int attr);
/* Paint the table in rows Y0..Y1-1. */
void table_paint(struct tui *t, struct tui_table *tb, int y0, int y1);
/* Move the selection: UP/DOWN/PAGE_UP/PAGE_DOWN/TOP.  Returns TUI_REDRAW
 * when it moved. */
int table_move(struct tui_table *tb, enum tui_action a, int page);

/* Colour pairs. */
enum { PAIR_OK = 1, PAIR_FAIL, PAIR_RUN, PAIR_WARN, PAIR_DIM, PAIR_BAR, PAIR_HEAD };
int tui_status_pair(const char *status);

#endif
