/* tui/screen.c — the screen: text clipped to its cells, colours, the title
 * bar, the status bar with the hints of the view on top, the `?` screen
 * of that view (both generated from its actions, keys.c), and leaving
 * curses for a program in the foreground ($PAGER). */
#include "config.h"
#include "tui/screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/exec/launch.h"
#include "tui/internal.h"
#include "tui/tui_config.h"
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
	int a = attrs | tui_pair_attr(t, pair);
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

int tui_pair_attr(const struct tui *t, int pair)
{
	return (pair && t->color ? COLOR_PAIR(pair) : 0) | (pair == PAIR_DIM ? t->dim_attr : 0);
}

/* The colour the config file's [colors] KEY names, else DEF; one the
 * terminal does not have is DEF too. */
static int config_colour(const char *key, int def)
{
	int c = config_color(config_get(key));
	return c == -2 || c >= COLORS ? def : c;
}

void screen_init_colors(struct tui *t)
{
	const char *nc = getenv("NO_COLOR"), *theme = config_get("theme");
	int light = theme && !strcmp(theme, "light");
	t->color = 0;
	t->dim_attr = A_DIM; /* without colours, dim text is dim */
	if (!has_colors() || (nc && *nc))
		return;
	start_color(); /* COLORS is known only after this */
	if (COLORS < 8)
		return;
	t->color = 1;
	use_default_colors();
	/* the eight basic colours: they look right on 8-colour terminals and
	 * on themed 256-colour ones; dim text is a grey where there are 256
	 * colours (dark blue was unreadable on dark themes), else the
	 * terminal's own colour, dimmed */
	int dim = config_colour("colors.dim", COLORS >= 256 ? (light ? 243 : 246) : -1);
	t->dim_attr = dim == -1 ? A_DIM : 0;
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_FAIL, COLOR_RED, -1);
	init_pair(PAIR_RUN, light ? COLOR_BLUE : COLOR_CYAN, -1);
	init_pair(PAIR_WARN, light ? COLOR_MAGENTA : COLOR_YELLOW, -1);
	init_pair(PAIR_DIM, (short)dim, -1);
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_HEAD, light ? COLOR_BLUE : COLOR_CYAN, -1);
	init_pair(PAIR_BETTER, (short)config_colour("colors.better", COLOR_GREEN), -1);
	init_pair(PAIR_WORSE, (short)config_colour("colors.worse", COLOR_RED), -1);
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
 * right end, "q back · ? help" ("q quit" in the first view).  Beside a
 * notice too long for both, "? help" alone, so the ? screen, where a
 * click on any key does it, stays a click away; only a notice that needs
 * the whole bar covers it (a click dismisses it). */
static void paint_status(struct tui *t)
{
	const char *sep = t->utf8 ? " · " : " | ";
	struct buf back = BUF_INIT, help = BUF_INIT, line = BUF_INIT;
	buf_printf(&back, "%s %s%s", keys_bar_label(ACT_BACK, t->utf8),
		   t->top->below ? "back" : "quit", sep);
	buf_printf(&help, "%s help ", keys_bar_label(ACT_HELP, t->utf8));
	int bw = fmt_width(back.data), hw = fmt_width(help.data);
	int pair = PAIR_BAR, plain = t->color ? 0 : A_REVERSE;
	buf_putc(&line, ' ');
	t->nhot = 0;
	if (t->notice[0]) {
		buf_puts(&line, t->notice);
		pair = t->notice_bad ? PAIR_ERRBAR : PAIR_BAR;
	} else {
		int max = (int)(sizeof t->hot / sizeof t->hot[0]) - 2;
		keys_hints_at(t->top->ops, t->utf8, t->cols - bw - hw - 2, &line, t->hot, &t->nhot,
			      max);
		for (int i = 0; i < t->nhot; i++) { /* after the leading space */
			t->hot[i].x0++;
			t->hot[i].x1++;
		}
	}
	int lw = fmt_width(line.data);
	int with_back = t->cols >= bw + hw + 20 && lw <= t->cols - bw - hw - 1;
	int rw = with_back ? bw + hw : lw <= t->cols - hw - 1 ? hw : 0;
	int a = t->color ? COLOR_PAIR(pair) : A_REVERSE;
	attron(a);
	mvhline(t->lines - 1, 0, ' ', t->cols);
	attroff(a);
	tui_put(t, t->lines - 1, 0, rw ? t->cols - rw - 1 : t->cols, line.data, pair, plain);
	/* the keys at the right end are clickable too */
	if (with_back) {
		tui_put(t, t->lines - 1, t->cols - rw, bw, back.data, pair, A_BOLD | plain);
		t->hot[t->nhot++] = (struct key_span){ t->cols - rw, t->cols - rw + bw - fmt_width(sep),
						       ACT_BACK };
	}
	if (rw) {
		tui_put(t, t->lines - 1, t->cols - hw, hw, help.data, pair, A_BOLD | plain);
		t->hot[t->nhot++] = (struct key_span){ t->cols - hw, t->cols, ACT_HELP };
	}
	buf_free(&line);
	buf_free(&back);
	buf_free(&help);
}

enum tui_action screen_bar_action(const struct tui *t, int y, int x)
{
	/* the title bar: back; in the first view (nothing to go back to,
	 * and never out of the browser) up to the pipelines */
	if (y == 0)
		return !t->top ? ACT_NONE
		       : t->top->below ? ACT_BACK
		       : t->top->ops != &view_pipelines_ops ? ACT_PIPELINES : ACT_NONE;
	if (y != t->lines - 1)
		return ACT_NONE;
	for (int i = 0; i < t->nhot; i++)
		if (x >= t->hot[i].x0 && x < t->hot[i].x1)
			return t->hot[i].a;
	return ACT_NONE;
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

static int row_has(const struct key_help *h, const char *what)
{
	return !h->heading && ((h->keys && strcasestr(h->keys, what)) ||
			       (h->what && strcasestr(h->what, what)));
}

int screen_help_find(struct tui *t, int from, int dir, int *wrapped)
{
	struct key_help *rows = NULL;
	int n = 0, found = -1;
	*wrapped = 0;
	if (!t->help_find[0] || keys_help(t->top->ops, &rows, &n) < 0 || n == 0)
		goto done;
	for (int k = 1; k <= n; k++) {
		int i = ((from + dir * k) % n + n) % n;
		if (row_has(&rows[i], t->help_find)) {
			found = i;
			*wrapped = dir > 0 ? i <= from : i >= from;
			break;
		}
	}
done:
	free(rows);
	return found;
}

/* One row of the ? screen at Y, X in WIDTH columns. */
static void paint_help_row(struct tui *t, const struct key_help *h, int y, int x, int width)
{
	if (h->heading) {
		tui_put(t, y, x, width, h->what, PAIR_HEAD, A_BOLD);
		return;
	}
	if (!h->keys) { /* a note: under the descriptions */
		tui_put_cut(t, y, x + SCREEN_HELP_KEYS + 1, width - SCREEN_HELP_KEYS - 1, h->what,
			    PAIR_DIM, 0);
		return;
	}
	struct buf row = BUF_INIT;
	buf_printf(&row, "%-" SCREEN_HELP_KEYS_W "s %s", h->keys, h->what);
	const char *text = row.data ? row.data : "";
	tui_put_cut(t, y, x, width, text, 0, 0);
	/* what / found, in reverse video */
	const char *hit = t->help_find[0] ? strcasestr(text, t->help_find) : NULL;
	if (hit) {
		char *before = strndup(text, (size_t)(hit - text));
		int at = before ? fmt_width(before) : 0;
		char *match = strndup(hit, strlen(t->help_find));
		if (match && at < width)
			tui_put(t, y, x + at, width - at, match, PAIR_WARN, A_REVERSE | A_BOLD);
		free(before);
		free(match);
	}
	buf_free(&row);
}

/* Where the ? screen puts N rows from row TOP: HEIGHT rows a column from
 * the screen's row 2, in two columns COLW wide when the screen is wide
 * enough and one would not hold every row (never an empty second
 * column), else in one (scrolled).  Column C starts at 2 + C * (COLW + 2). */
struct help_layout {
	int height, columns, colw;
};

static struct help_layout help_layout(const struct tui *t, int n, int top)
{
	struct help_layout L = { .height = t->lines - 3 };
	L.columns = t->cols >= 100 && n - top > L.height ? 2 : 1;
	L.colw = L.columns == 2 ? (t->cols - 4) / 2 : t->cols - 3;
	return L;
}

enum tui_action screen_help_action(struct tui *t, int top, int y, int x)
{
	struct key_help *rows = NULL;
	int n = 0;
	enum tui_action a = ACT_NONE;
	/* a terminal too small shows no rows to click */
	if (t->lines < SCREEN_MIN_LINES || t->cols < SCREEN_MIN_COLS || x < 2 || y < 2 ||
	    keys_help(t->top->ops, &rows, &n) < 0)
		return ACT_NONE;
	struct help_layout L = help_layout(t, n, top);
	int c = L.colw > 0 ? (x - 2) / (L.colw + 2) : L.columns, k = c * L.height + y - 2;
	if (y < 2 + L.height && c < L.columns && (x - 2) % (L.colw + 2) < L.colw && top + k < n)
		a = rows[top + k].action;
	free(rows);
	return a;
}

void screen_paint_help(struct tui *t, int top)
{
	if (too_small(t))
		return;
	struct key_help *rows = NULL;
	int n = 0;
	erase();
	tui_put(t, 0, 1, t->cols - 2,
		"runlens keys — click one to do it · Up/Down scroll · / search · others close",
		0, A_BOLD);
	if (keys_help(t->top->ops, &rows, &n) < 0)
		n = 0;
	struct help_layout L = help_layout(t, n, top);
	for (int c = 0; c < L.columns; c++)
		tui_put(t, 1, 2 + c * (L.colw + 2), L.colw, "KEY           DOES", PAIR_HEAD, A_BOLD);
	for (int k = 0; rows && top + k < n && k / L.height < L.columns; k++)
		paint_help_row(t, &rows[top + k], 2 + k % L.height,
			       2 + k / L.height * (L.colw + 2), L.colw);
	free(rows);
	if (t->help_msg[0])
		tui_put(t, t->lines - 1, 1, t->cols - 2, t->help_msg, PAIR_WARN, A_BOLD);
	else
		tui_put(t, t->lines - 1, 1, t->cols - 2,
			"Mouse in views: click selects, double-click opens, wheel scrolls, title: back",
			PAIR_DIM, 0);
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
	tui_interrupt_reset(); /* a Ctrl-C in the pager was the pager's */
	reset_prog_mode();
	clearok(stdscr, TRUE);
	refresh();
	return status;
}
