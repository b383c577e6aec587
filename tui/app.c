/* tui/app.c — the browser's loop: a stack of views, keys and mouse turned
 * into actions through the one table in actions.h, compute then paint,
 * and a watch on the store (PRAGMA data_version once a second while idle,
 * no read transaction held while waiting) so new runs and step changes
 * show up by themselves. */
#include "config.h"
#include "tui/tui.h"
#include "tui/internal.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/exec/launch.h"
#include "core/session.h"
#include "util/buf.h"

static const struct {
	enum tui_action action;
	int key1, key2;
	const char *label, *where, *help;
} keymap[] = {
#define TUI_ACT_ROW(name, k1, k2, label, where, help) { ACT_##name, k1, k2, label, where, help },
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

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void tui_notice(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->notice, sizeof t->notice, fmt, ap);
	va_end(ap);
	t->notice_bad = 0;
}

int tui_busy(struct tui *t, const char *progress)
{
	int y = t->lines - 1;
	move(y, 0);
	clrtoeol();
	tui_put(t, y, 1, t->cols - 2, progress, PAIR_WARN, A_BOLD);
	refresh();
	/* the main loop sets its own timeout again before it waits */
	timeout(0);
	int ch, stop = 0;
	while ((ch = getch()) != ERR)
		if (ch != KEY_RESIZE)
			stop = 1;
	return stop;
}

void tui_error(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->notice, sizeof t->notice, fmt, ap);
	va_end(ap);
	t->notice_bad = 1;
}

int tui_refuse_read_only(struct tui *t, const char *what)
{
	if (!t->read_only)
		return 0;
	tui_error(t, "read-only: %s is disabled (started with --read-only)", what);
	return 1;
}

void tui_push(struct tui *t, struct view *v)
{
	if (!v)
		return;
	struct rl_err err = RL_ERR_INIT;
	if (v->ops->load(v, t, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
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

void tui_put(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs)
{
	if (width <= 0 || y < 0 || y >= t->lines || x >= t->cols)
		return;
	if (x + width > t->cols)
		width = t->cols - x;
	char *ascii = NULL;
	if (!t->utf8 && (ascii = fmt_ascii(s)))
		s = ascii;
	int a = attrs | (pair && t->color ? COLOR_PAIR(pair) : 0);
	if (a)
		attron(a);
	/* cut at WIDTH display columns */
	mbstate_t st;
	memset(&st, 0, sizeof st);
	const char *p = s;
	size_t len = strlen(s);
	int used = 0;
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			break;
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 0;
		if (used + cw > width)
			break;
		used += cw;
		p += n;
		len -= n;
	}
	mvaddnstr(y, x, s, (int)(p - s));
	if (a)
		attroff(a);
	free(ascii);
}

static void draw_bars(struct tui *t)
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

	struct buf line = BUF_INIT;
	int pair = PAIR_BAR;
	if (t->notice[0]) {
		buf_printf(&line, " %s", t->notice);
		if (t->notice_bad)
			pair = PAIR_ERRBAR;
	} else {
		const char *hints = !t->utf8 && t->top->ops->hints_ascii ? t->top->ops->hints_ascii
				  : t->top->ops->hints			  ? t->top->ops->hints
									  : "Enter open";
		const char *dot = t->utf8 ? " · " : " | ";
		buf_putc(&line, ' ');
		/* the hints are written with " · "; in ASCII use " | " */
		for (const char *p = hints; *p;) {
			if (!strncmp(p, " · ", strlen(" · "))) {
				buf_puts(&line, dot);
				p += strlen(" · ");
			} else {
				buf_putc(&line, *p++);
			}
		}
	}
	/* "q back · ? help" always shows, at the right end */
	char right[64];
	snprintf(right, sizeof right, "q %s%s? help ", t->top->below ? "back" : "quit",
		 t->utf8 ? " · " : " | ");
	int rw = fmt_width(right);
	if (!t->notice[0] && line.data) {
		/* too long: leave out whole hints from the end */
		const char *dot = t->utf8 ? " · " : " | ";
		while (fmt_width(line.data) > t->cols - rw - 1) {
			char *cut = NULL;
			for (char *p = strstr(line.data, dot); p; p = strstr(p + 1, dot))
				cut = p;
			if (!cut)
				break;
			*cut = '\0';
		}
	}
	int a = t->color ? COLOR_PAIR(pair) : A_REVERSE;
	attron(a);
	mvhline(t->lines - 1, 0, ' ', t->cols);
	attroff(a);
	if (t->notice[0] || t->cols < rw + 20) {
		tui_put(t, t->lines - 1, 0, t->cols, line.data, pair, t->color ? 0 : A_REVERSE);
	} else {
		tui_put(t, t->lines - 1, 0, t->cols - rw - 1, line.data, pair,
			t->color ? 0 : A_REVERSE);
		tui_put(t, t->lines - 1, t->cols - rw, rw, right, pair, A_BOLD | (t->color ? 0 : A_REVERSE));
	}
	buf_free(&line);
}

static int help_top;

static void draw_too_small(struct tui *t)
{
	erase();
	mvaddnstr(0, 0, "terminal too small", t->cols);
	if (t->lines > 1)
		mvaddnstr(1, 0, "(40x8 at least)", t->cols);
	refresh();
}

static void draw_help(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	if (t->lines < 8 || t->cols < 40) {
		/* the same floor as the views: below it rows would be <= 0 */
		draw_too_small(t);
		return;
	}
	erase();
	tui_put(t, 0, 1, t->cols - 2, "runlens keys — Up/Down scroll, any other key closes", 0,
		A_BOLD);
	/* two columns when the screen is wide enough, else one (scrolled) */
	int two = t->cols >= 100, rows = t->lines - 3;
	int colw = two ? (t->cols - 4) / 2 : t->cols - 3;
	for (int c = 0; c < (two ? 2 : 1); c++)
		tui_put(t, 1, 2 + c * (colw + 2), colw,
			two ? "KEY         DOES" : "KEY         WHERE               DOES", PAIR_HEAD,
			A_BOLD);
	for (int k = 0; help_top + k < NKEYS; k++) {
		int i = help_top + k, c = two ? k / rows : 0, r = two ? k % rows : k;
		if (c > (two ? 1 : 0) || r >= rows)
			break;
		char row[256];
		if (two) {
			snprintf(row, sizeof row, "%-11s %s  (%s)", keymap[i].label, keymap[i].help,
				 keymap[i].where);
			/* where it works, only when it fits: never a cut "(" */
			if (fmt_width(row) > colw)
				snprintf(row, sizeof row, "%-11s %s", keymap[i].label,
					 keymap[i].help);
		}
		else
			snprintf(row, sizeof row, "%-11s %-19s %s", keymap[i].label,
				 keymap[i].where, keymap[i].help);
		tui_put(t, 2 + r, 2 + c * (colw + 2), colw, row, 0, 0);
	}
	if (t->lines > 3)
		tui_put(t, t->lines - 1, 1, t->cols - 2,
			"Mouse: click selects, double-click opens, the wheel scrolls. "
			"The filter (f) takes ls --where: status=failed and train.loss<0.5",
			PAIR_DIM, 0);
	refresh();
}

static void paint(struct tui *t)
{
	getmaxyx(stdscr, t->lines, t->cols);
	if (t->lines < 8 || t->cols < 40) {
		draw_too_small(t);
		return;
	}
	erase();
	t->top->ops->draw(t->top, t);
	draw_bars(t);
	refresh();
}

static void reload(struct tui *t)
{
	struct rl_err err = RL_ERR_INIT;
	if (t->top->ops->load(t->top, t, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
}

static void init_colors(struct tui *t)
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
}

/* A mouse event as an action or a click for the view. */
static int handle_mouse(struct tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return 0;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED) {
		for (int i = 0; i < 3; i++)
			t->top->ops->action(t->top, t, ACT_DOWN);
		return TUI_REDRAW;
	}
#endif
	if (ev.bstate & BUTTON4_PRESSED) {
		for (int i = 0; i < 3; i++)
			t->top->ops->action(t->top, t, ACT_UP);
		return TUI_REDRAW;
	}
	int dbl = (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0;
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) && !dbl)
		return 0;
	if (!t->top->ops->click)
		return dbl ? t->top->ops->action(t->top, t, ACT_OPEN) : 0;
	return t->top->ops->click(t->top, t, ev.y, ev.x, dbl);
}

static void trace_key(struct tui *t, int ch, int64_t start)
{
	if (!t->trace)
		return;
	fprintf(t->trace, "key %d us %lld\n", ch, (long long)(now_us() - start));
	fflush(t->trace);
}

int tui_main(const struct tui_opts *o, struct rl_err *err)
{
	int64_t t0 = now_us();
	struct tui t;
	memset(&t, 0, sizeof t);
	t.read_only = o->read_only;
	int rc = -1;
	const char *trace = getenv("RUNLENS_TUI_TRACE");
	if (trace && *trace)
		t.trace = fopen(trace, "a");
	if (session_open(o->store_flag, o->read_only ? SESSION_READONLY : 0, &t.store, err) < 0)
		goto cleanup;
	int64_t open_run = 0;
	if (o->run_ref && session_resolve_run(t.store, o->run_ref, &open_run, err) < 0)
		goto cleanup;
	setlocale(LC_ALL, "");
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!initscr()) {
		rl_err_set(err, RL_E_FAIL, "cannot start the terminal browser");
		goto cleanup;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
		  ,
		  NULL);
	init_colors(&t);
	getmaxyx(stdscr, t.lines, t.cols);
	tui_push(&t, view_runs_new(0));
	if (open_run)
		tui_push(&t, view_run_new(open_run));
	if (!t.top) {
		endwin();
		rl_err_set(err, RL_E_FAIL, "%s", t.notice[0] ? t.notice : "cannot open the runs");
		goto cleanup;
	}
	int64_t version = 0;
	store_data_version(t.store, &version, NULL);
	int dirty = 1, help = 0, first = 1;
	int64_t last_poll = now_us();
	while (t.top) {
		if (dirty) {
			if (help)
				draw_help(&t);
			else
				paint(&t);
			dirty = 0;
			if (first && t.trace) {
				fprintf(t.trace, "first_frame_us %lld\n", (long long)(now_us() - t0));
				fflush(t.trace);
			}
			first = 0;
		}
		/* wake up to watch the store (once a second) and, for views that
		 * follow something, ten times a second */
		timeout(t.top->ops->tick ? 100 : 1000);
		int ch = getch();
		int64_t start = now_us();
		if (ch == ERR) {
			if (t.top->ops->tick && !help && (t.top->ops->tick(t.top, &t) & TUI_REDRAW))
				dirty = 1;
			if (start - last_poll >= 900000) {
				last_poll = start;
				launch_reap(); /* reruns started from here that ended */
				int64_t now = version;
				if (store_data_version(t.store, &now, NULL) == 0 && now != version) {
					version = now;
					if (!help)
						reload(&t);
					dirty = 1;
				}
			}
			continue;
		}
		if (ch == KEY_RESIZE) {
			dirty = 1;
			continue;
		}
		if (help) {
			if (ch == KEY_DOWN || ch == 'j') {
				help_top += help_top < NKEYS - 1;
			} else if (ch == KEY_UP || ch == 'k') {
				help_top -= help_top > 0;
			} else {
				help = 0;
				help_top = 0;
			}
			dirty = 1;
			continue;
		}
		t.notice[0] = '\0';
		dirty = 1;
		if (ch == KEY_MOUSE) {
			int r = handle_mouse(&t);
			if (r & TUI_POP)
				pop(&t);
			if (t.top)
				paint(&t);
			trace_key(&t, ch, start);
			dirty = 0;
			continue;
		}
		enum tui_action a = action_of(ch);
		int r = 0;
		switch (a) {
		case ACT_NONE:
			break;
		case ACT_HELP:
			help = 1;
			break;
		case ACT_QUIT:
			while (t.top)
				pop(&t);
			break;
		case ACT_REFRESH:
			reload(&t);
			clearok(stdscr, TRUE);
			break;
		default:
			r = t.top->ops->action(t.top, &t, a);
			if (r & TUI_POP)
				pop(&t);
			else if (r & TUI_RELOAD)
				reload(&t);
			else if (!r && a == ACT_BACK)
				pop(&t);
			else if (!r && a == ACT_PIPELINES && strcmp(t.top->ops->name, "pipelines"))
				tui_push(&t, view_pipelines_new());
			break;
		}
		if (t.top && t.trace) {
			if (help)
				draw_help(&t);
			else
				paint(&t);
			dirty = 0;
			trace_key(&t, ch, start);
		}
	}
	endwin();
	rc = 0;
cleanup:
	while (t.top)
		pop(&t);
	store_close(&t.store);
	if (t.trace) {
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			fprintf(t.trace, "peak_rss_kb %ld\n", ru.ru_maxrss);
		fclose(t.trace);
	}
	return rc;
}
