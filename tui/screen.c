/* tui/screen.c — the screen: text clipped to its cells, colours, the title
 * bar, the status bar with the hints of the view on top, the `?` screen
 * of that view (both generated from its actions, keys.c), and leaving
 * curses for a program in the foreground ($PAGER). */
#include "config.h"
#include "tui/screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec/launch.h"
#include "tui/internal.h"
#include "util/buf.h"

void tui_put(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs)
{
	if (width <= 0 || y < 0 || y >= t->lines || x >= t->cols || x < 0)
		return;
	if (x + width > t->cols)
		width = t->cols - x;
	char *ascii = NULL;
	if (!t->utf8 && (ascii = fmt_ascii(s)))
		s = ascii;
	int a = attrs | (pair && t->color ? COLOR_PAIR(pair) : 0);
	if (a)
		attron(a);
	mvaddnstr(y, x, s, (int)fmt_fit(s, width, NULL));
	if (a)
		attroff(a);
	free(ascii);
}

void tui_put_cut(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs)
{
	if (width <= 0)
		return;
	if (fmt_width(s) <= width) {
		tui_put(t, y, x, width, s, pair, attrs);
		return;
	}
	tui_put(t, y, x, width - 1, s, pair, attrs);
	tui_put(t, y, x + width - 1, 1, t->utf8 ? "…" : "~", pair, attrs);
}

int tui_status_pair(const char *status)
{
	if (!status)
		return 0;
	if (!strcmp(status, "completed") || !strcmp(status, "cached"))
		return PAIR_OK;
	if (!strcmp(status, "failed") || !strcmp(status, "interrupted"))
		return PAIR_FAIL;
	if (!strcmp(status, "running"))
		return PAIR_RUN;
	if (!strcmp(status, "retrying"))
		return PAIR_WARN;
	return PAIR_DIM;
}

void screen_init_colors(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	t->color = 0;
	if (!has_colors() || (nc && *nc))
		return;
	start_color(); /* COLORS is known only after this */
	if (COLORS < 8)
		return;
	t->color = 1;
	use_default_colors();
	/* only the eight basic colours: they look right on 8-colour terminals
	 * and on themed 256-colour ones */
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_FAIL, COLOR_RED, -1);
	init_pair(PAIR_RUN, COLOR_CYAN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_DIM, COLOR_BLUE, -1);
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_HEAD, COLOR_CYAN, -1);
	init_pair(PAIR_BETTER, COLOR_GREEN, -1);
	init_pair(PAIR_WORSE, COLOR_RED, -1);
	init_pair(PAIR_ERRBAR, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_TAB, COLOR_BLACK, COLOR_WHITE);
	for (int c = 0; c < 8; c++)
		init_pair((short)(PAIR_ANSI + c), (short)c, -1);
}

static void paint_title(struct tui *t)
{
	char title[512];
	t->top->ops->title(t->top, title, sizeof title);
	int bar = t->color ? COLOR_PAIR(PAIR_BAR) : A_REVERSE;
	attron(A_BOLD | bar);
	mvhline(0, 0, ' ', t->cols);
	struct buf head = BUF_INIT;
	buf_printf(&head, " runlens %s %s", t->utf8 ? "·" : "-", title);
	if (t->read_only)
		buf_puts(&head, "  [read-only]");
	tui_put(t, 0, 0, t->cols, head.data, 0, A_BOLD | bar);
	buf_free(&head);
	attroff(A_BOLD | bar);
}

/* The status bar: the notice, or the hints of the view on top and, at the
 * right end, "q back · ? help" ("q quit" in the first view). */
static void paint_status(struct tui *t)
{
	const char *sep = t->utf8 ? " · " : " | ";
	struct buf right = BUF_INIT, line = BUF_INIT;
	buf_printf(&right, "%s %s%s%s help ", keys_bar_label(ACT_BACK, t->utf8),
		   t->top->below ? "back" : "quit", sep, keys_bar_label(ACT_HELP, t->utf8));
	int rw = fmt_width(right.data), pair = PAIR_BAR, plain = t->color ? 0 : A_REVERSE;
	buf_putc(&line, ' ');
	if (t->notice[0]) {
		buf_puts(&line, t->notice);
		pair = t->notice_bad ? PAIR_ERRBAR : PAIR_BAR;
	} else {
		keys_hints(t->top->ops, t->utf8, t->cols - rw - 2, &line);
	}
	int a = t->color ? COLOR_PAIR(pair) : A_REVERSE;
	attron(a);
	mvhline(t->lines - 1, 0, ' ', t->cols);
	attroff(a);
	if (t->notice[0] || t->cols < rw + 20) {
		tui_put(t, t->lines - 1, 0, t->cols, line.data, pair, plain);
	} else {
		tui_put(t, t->lines - 1, 0, t->cols - rw - 1, line.data, pair, plain);
		tui_put(t, t->lines - 1, t->cols - rw, rw, right.data, pair, A_BOLD | plain);
	}
	buf_free(&line);
	buf_free(&right);
}

static int too_small(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	if (t->lines >= SCREEN_MIN_LINES && t->cols >= SCREEN_MIN_COLS)
		return 0;
	/* below it the views' rows would be <= 0 */
	erase();
	mvaddnstr(0, 0, "terminal too small", t->cols);
	if (t->lines > 1)
		mvaddnstr(1, 0, "(40x8 at least)", t->cols);
	refresh();
	return 1;
}

void screen_recalc(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	if (t->top && t->top->ops->recalc && t->lines >= SCREEN_MIN_LINES &&
	    t->cols >= SCREEN_MIN_COLS)
		t->top->ops->recalc(t->top, t);
}

void screen_paint(struct tui *t)
{
	if (too_small(t))
		return;
	erase();
	t->top->ops->draw(t->top, t);
	paint_title(t);
	paint_status(t);
	refresh();
}

void tui_paint_below(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	erase();
	if (t->top)
		t->top->ops->draw(t->top, t);
}

int screen_help_rows(struct tui *t)
{
	struct key_help *rows = NULL;
	int n = 0;
	keys_help(t->top->ops, &rows, &n);
	free(rows);
	return n;
}

/* One row of the ? screen at Y, X in WIDTH columns. */
static void paint_help_row(struct tui *t, const struct key_help *h, int y, int x, int width)
{
	if (h->heading) {
		tui_put(t, y, x, width, h->what, PAIR_HEAD, A_BOLD);
		return;
	}
	if (!h->keys) { /* a note: under the descriptions */
		tui_put_cut(t, y, x + 12, width - 12, h->what, PAIR_DIM, 0);
		return;
	}
	struct buf row = BUF_INIT;
	buf_printf(&row, "%-11s %s", h->keys, h->what);
	tui_put_cut(t, y, x, width, row.data ? row.data : "", 0, 0);
	buf_free(&row);
}

void screen_paint_help(struct tui *t, int top)
{
	if (too_small(t))
		return;
	struct key_help *rows = NULL;
	int n = 0;
	erase();
	tui_put(t, 0, 1, t->cols - 2, "runlens keys — Up/Down scroll, any other key closes", 0,
		A_BOLD);
	/* two columns when the screen is wide enough, else one (scrolled) */
	int two = t->cols >= 100, height = t->lines - 3;
	int colw = two ? (t->cols - 4) / 2 : t->cols - 3;
	for (int c = 0; c < (two ? 2 : 1); c++)
		tui_put(t, 1, 2 + c * (colw + 2), colw, "KEY         DOES", PAIR_HEAD, A_BOLD);
	if (keys_help(t->top->ops, &rows, &n) == 0)
		for (int k = 0; top + k < n; k++) {
			int c = k / height, r = k % height;
			if (c > (two ? 1 : 0))
				break;
			paint_help_row(t, &rows[top + k], 2 + r, 2 + c * (colw + 2), colw);
		}
	free(rows);
	tui_put(t, t->lines - 1, 1, t->cols - 2,
		"Mouse: click selects, double-click opens, the wheel scrolls.", PAIR_DIM, 0);
	refresh();
}

int tui_run_foreground(struct tui *t, char *const argv[])
{
	struct rl_err err = RL_ERR_INIT;
	int status = -1;
	def_prog_mode();
	endwin();
	if (launch_wait(argv, &status, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		status = -1;
	}
	rl_err_clear(&err);
	reset_prog_mode();
	clearok(stdscr, TRUE);
	refresh();
	return status;
}
