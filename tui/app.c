/* tui/app.c — the browser's loop: a stack of views, keys turned into
 * actions through the one table in actions.h, compute then paint, and a
 * watch on the store (PRAGMA data_version once a second while idle) so new
 * runs and step changes show up by themselves. */
#include "config.h"
#include "tui/tui.h"
#include "tui/internal.h"

#include <curses.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/session.h"
#include "util/buf.h"

static const struct {
	enum tui_action action;
	int key1, key2;
	const char *label, *help;
} keymap[] = {
#define TUI_ACT_ROW(name, k1, k2, label, help) { ACT_##name, k1, k2, label, help },
	TUI_ACTIONS(TUI_ACT_ROW)
#undef TUI_ACT_ROW
};

#define NKEYS (int)(sizeof keymap / sizeof keymap[0])

static enum tui_action action_of(int ch)
{
	if (ch == KEY_ENTER || ch == '\r')
		ch = '\n';
	for (int i = 0; i < NKEYS; i++)
		if ((keymap[i].key1 && keymap[i].key1 == ch) ||
		    (keymap[i].key2 && keymap[i].key2 == ch))
			return keymap[i].action;
	return ACT_NONE;
}

void tui_notice(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->notice, sizeof t->notice, fmt, ap);
	va_end(ap);
}

void tui_push(struct tui *t, struct view *v)
{
	if (!v)
		return;
	struct rl_err err = RL_ERR_INIT;
	if (v->ops->load(v, t, &err) < 0) {
		tui_notice(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		v->ops->free(v);
		free(v);
		return;
	}
	v->below = t->top;
	t->top = v;
}

static void pop(struct tui *t)
{
	struct view *v = t->top;
	t->top = v->below;
	v->ops->free(v);
	free(v);
}

static void draw_bars(struct tui *t)
{
	char title[512];
	t->top->ops->title(t->top, title, sizeof title);
	attron(A_BOLD | (t->color ? COLOR_PAIR(PAIR_BAR) : A_REVERSE));
	mvprintw(0, 0, "%-*.*s", t->cols, t->cols, "");
	mvprintw(0, 1, "runlens · %.*s", t->cols - 12, title);
	attroff(A_BOLD | (t->color ? COLOR_PAIR(PAIR_BAR) : A_REVERSE));
	struct buf bar = BUF_INIT;
	if (t->notice[0])
		buf_puts(&bar, t->notice);
	else
		buf_printf(&bar, "Enter open · l logs · q %s · ? help%s",
			   t->top->below ? "back" : "quit", t->read_only ? " · read-only" : "");
	attron(t->color ? COLOR_PAIR(PAIR_BAR) : A_REVERSE);
	mvprintw(t->lines - 1, 0, "%-*.*s", t->cols, t->cols, bar.data);
	attroff(t->color ? COLOR_PAIR(PAIR_BAR) : A_REVERSE);
	buf_free(&bar);
}

static void draw_help(struct tui *t)
{
	erase();
	attron(A_BOLD);
	mvprintw(0, 1, "runlens — keys (any key to close)");
	attroff(A_BOLD);
	for (int i = 0; i < NKEYS && i + 2 < t->lines; i++)
		mvprintw(i + 2, 2, "%-12s %s", keymap[i].label, keymap[i].help);
	refresh();
}

static void paint(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	erase();
	if (t->lines < 8 || t->cols < 40) {
		mvprintw(0, 0, "%.*s", t->cols, "terminal too small");
		refresh();
		return;
	}
	t->top->ops->draw(t->top, t);
	draw_bars(t);
	refresh();
}

static void reload(struct tui *t)
{
	struct rl_err err = RL_ERR_INIT;
	if (t->top->ops->load(t->top, t, &err) < 0)
		tui_notice(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
}

static void init_colors(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	t->color = has_colors() && !(nc && *nc);
	if (!t->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_FAIL, COLOR_RED, -1);
	init_pair(PAIR_RUN, COLOR_CYAN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_DIM, COLOR_BLUE, -1);
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_HEAD, COLOR_CYAN, -1);
}

int tui_main(const struct tui_opts *o, struct rl_err *err)
{
	struct tui t;
	memset(&t, 0, sizeof t);
	t.read_only = o->read_only;
	int rc = -1;
	if (session_open(o->store_flag, o->read_only ? SESSION_READONLY : 0, &t.store, err) < 0)
		return -1;
	int64_t open_run = 0;
	if (o->run_ref && session_resolve_run(t.store, o->run_ref, &open_run, err) < 0)
		goto cleanup;
	setlocale(LC_ALL, "");
	if (!initscr()) {
		rl_err_set(err, RL_E_FAIL, "cannot start the terminal browser");
		goto cleanup;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(1000); /* wake up once a second to watch the store */
	init_colors(&t);
	getmaxyx(stdscr, t.lines, t.cols);
	tui_push(&t, view_runs_new());
	if (open_run)
		tui_push(&t, view_run_new(open_run));
	if (!t.top) {
		endwin();
		rl_err_set(err, RL_E_FAIL, "%s", t.notice[0] ? t.notice : "cannot open the runs");
		goto cleanup;
	}
	int64_t version = 0;
	store_data_version(t.store, &version, NULL);
	int dirty = 1, help = 0;
	while (t.top) {
		if (dirty) {
			if (help)
				draw_help(&t);
			else
				paint(&t);
			dirty = 0;
		}
		int ch = getch();
		if (ch == ERR) {
			int64_t now = version;
			if (store_data_version(t.store, &now, NULL) == 0 && now != version) {
				version = now;
				reload(&t);
				dirty = 1;
			}
			continue;
		}
		if (ch == KEY_RESIZE) {
			dirty = 1;
			continue;
		}
		if (help) {
			help = 0;
			dirty = 1;
			continue;
		}
		t.notice[0] = '\0';
		enum tui_action a = action_of(ch);
		dirty = 1;
		switch (a) {
		case ACT_NONE:
			break;
		case ACT_HELP:
			help = 1;
			break;
		case ACT_BACK:
			pop(&t);
			break;
		case ACT_REFRESH:
			reload(&t);
			clearok(stdscr, TRUE);
			break;
		default: {
			int r = t.top->ops->action(t.top, &t, a);
			if (r & TUI_POP)
				pop(&t);
			break;
		}
		}
	}
	endwin();
	rc = 0;
cleanup:
	while (t.top)
		pop(&t);
	store_close(&t.store);
	return rc;
}
