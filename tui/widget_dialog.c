/* tui/widget_dialog.c — the small dialogs every view uses: a one-line
 * prompt on the bottom row, a yes/no box (the rerun plan, deleting) and a
 * chooser (sort column, metric columns, saved views). */
#include "config.h"
#include "tui/widget_dialog.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/internal.h"

/* Remove the last UTF-8 character of BUF. */
static void drop_last_char(char *buf)
{
	size_t n = strlen(buf);
	while (n > 0) {
		n--;
		if (((unsigned char)buf[n] & 0xC0) != 0x80)
			break;
	}
	buf[n] = '\0';
}

int tui_prompt(struct tui *t, const char *label, const char *initial, char *buf,
	       size_t size)
{
	if (size == 0)
		return 0;
	snprintf(buf, size, "%s", initial ? initial : "");
	curs_set(1);
	timeout(-1);
	int ok = -1;
	while (ok < 0) {
		int lw = fmt_width(label);
		/* show the end of the text when it is wider than the screen */
		const char *shown = buf;
		while (lw + 1 + fmt_width(shown) >= t->cols && *shown)
			shown++;
		int a = t->color ? COLOR_PAIR(PAIR_BAR) : A_REVERSE;
		attron(a);
		mvhline(t->lines - 1, 0, ' ', t->cols);
		attroff(a);
		tui_put(t, t->lines - 1, 0, t->cols, label, PAIR_BAR, A_BOLD | (t->color ? 0 : A_REVERSE));
		tui_put(t, t->lines - 1, lw + 1, t->cols - lw - 1, shown, PAIR_BAR,
			t->color ? 0 : A_REVERSE);
		int x = lw + 1 + fmt_width(shown);
		move(t->lines - 1, x < t->cols ? x : t->cols - 1);
		refresh();
		wint_t wc;
		int r = get_wch(&wc);
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES) {
			if (wc == KEY_ENTER)
				ok = 1;
			else if (wc == KEY_BACKSPACE)
				drop_last_char(buf);
			else if (wc == KEY_RESIZE)
				getmaxyx(stdscr, t->lines, t->cols);
			continue;
		}
		if (wc == '\n' || wc == '\r')
			ok = 1;
		else if (wc == 27)
			ok = 0;
		else if (wc == 127 || wc == 8)
			drop_last_char(buf);
		else if (wc == 21) /* Ctrl-U */
			buf[0] = '\0';
		else if (wc >= 32) {
			char mb[MB_LEN_MAX + 1];
			mbstate_t st;
			memset(&st, 0, sizeof st);
			size_t n = wcrtomb(mb, (wchar_t)wc, &st);
			size_t len = strlen(buf);
			if (n != (size_t)-1 && len + n < size) {
				memcpy(buf + len, mb, n);
				buf[len + n] = '\0';
			}
		}
	}
	curs_set(0);
	return ok;
}

/* A box of W x H cells centred on the screen; returns its top-left. */
static void box_at(struct tui *t, int w, int h_rows, int *y, int *x)
{
	*y = (t->lines - h_rows) / 2;
	*x = (t->cols - w) / 2;
	if (*y < 0)
		*y = 0;
	if (*x < 0)
		*x = 0;
	for (int r = 0; r < h_rows; r++) {
		move(*y + r, *x);
		for (int c = 0; c < w; c++)
			addch(' ');
	}
	/* the frame in box-drawing characters (UTF-8) or +-| (ASCII): drawn
	 * as text, so it looks the same in every terminal and in captures */
	const char *h = t->utf8 ? "─" : "-", *v = t->utf8 ? "│" : "|";
	const char *c[4] = { t->utf8 ? "┌" : "+", t->utf8 ? "┐" : "+", t->utf8 ? "└" : "+",
			     t->utf8 ? "┘" : "+" };
	int a = t->color ? COLOR_PAIR(PAIR_HEAD) : A_BOLD;
	attron(a);
	for (int i = 1; i < w - 1; i++) {
		mvaddstr(*y, *x + i, h);
		mvaddstr(*y + h_rows - 1, *x + i, h);
	}
	for (int r = 1; r < h_rows - 1; r++) {
		mvaddstr(*y + r, *x, v);
		mvaddstr(*y + r, *x + w - 1, v);
	}
	mvaddstr(*y, *x, c[0]);
	mvaddstr(*y, *x + w - 1, c[1]);
	mvaddstr(*y + h_rows - 1, *x, c[2]);
	mvaddstr(*y + h_rows - 1, *x + w - 1, c[3]);
	attroff(a);
}

static int dialog_width(struct tui *t, const char *title, char *const *lines, int n,
			const char *extra)
{
	int w = fmt_width(title) + 4;
	for (int i = 0; i < n; i++)
		if (fmt_width(lines[i]) + 4 > w)
			w = fmt_width(lines[i]) + 4;
	if (extra && fmt_width(extra) + 4 > w)
		w = fmt_width(extra) + 4;
	if (w < 30)
		w = 30;
	if (w > t->cols - 2)
		w = t->cols - 2;
	return w;
}

int tui_confirm(struct tui *t, const char *title, char *const *lines, int n,
		const char *question)
{
	int top = 0, answer = -1;
	timeout(-1);
	while (answer < 0) {
		getmaxyx(stdscr, t->lines, t->cols);
		int w = dialog_width(t, title, lines, n, question);
		int room = t->lines - 6; /* rows for the lines */
		if (room < 1)
			room = 1;
		int shown = n < room ? n : room;
		int h = shown + 4, y, x;
		box_at(t, w, h, &y, &x);
		tui_put(t, y, x + 2, w - 4, title, PAIR_HEAD, A_BOLD);
		for (int i = 0; i < shown; i++)
			tui_put(t, y + 1 + i, x + 2, w - 4, lines[top + i], 0, 0);
		char q[256];
		if (n > shown)
			snprintf(q, sizeof q, "%s  (%d-%d of %d, Up/Down)", question, top + 1,
				 top + shown, n);
		else
			snprintf(q, sizeof q, "%s", question);
		tui_put(t, y + h - 2, x + 2, w - 4, q, PAIR_WARN, A_BOLD);
		refresh();
		int ch = getch();
		if (ch == 'y' || ch == 'Y')
			answer = 1;
		else if ((ch == KEY_DOWN || ch == 'j') && top + shown < n)
			top++;
		else if ((ch == KEY_UP || ch == 'k') && top > 0)
			top--;
		else if (ch == KEY_NPAGE && top + shown < n)
			top = top + shown < n - shown ? top + shown : n - shown;
		else if (ch == KEY_PPAGE)
			top = top > shown ? top - shown : 0;
		else if (ch == KEY_RESIZE || ch == KEY_MOUSE)
			continue;
		else if (ch == 'n' || ch == 'N' || ch == 'q' || ch == 27 || ch == '\n' ||
			 ch == '\r' || ch == KEY_ENTER)
			answer = 0;
		tui_paint_below(t);
	}
	return answer;
}

int tui_choose(struct tui *t, const char *title, char *const *items, int n, int sel,
	       int *marked)
{
	if (n <= 0)
		return -1;
	int top = 0, result = -2;
	if (sel < 0 || sel >= n)
		sel = 0;
	const char *help = marked ? "Space toggles · Enter done · Esc cancel"
				  : "Enter choose · Esc cancel";
	timeout(-1);
	int *saved = NULL;
	if (marked) {
		saved = malloc((size_t)n * sizeof(int));
		if (saved)
			memcpy(saved, marked, (size_t)n * sizeof(int));
	}
	while (result == -2) {
		getmaxyx(stdscr, t->lines, t->cols);
		int w = dialog_width(t, title, items, n, help) + (marked ? 4 : 0);
		if (w > t->cols - 2)
			w = t->cols - 2;
		int room = t->lines - 6;
		if (room < 1)
			room = 1;
		int shown = n < room ? n : room;
		if (sel < top)
			top = sel;
		if (sel >= top + shown)
			top = sel - shown + 1;
		int h = shown + 4, y, x;
		box_at(t, w, h, &y, &x);
		tui_put(t, y, x + 2, w - 4, title, PAIR_HEAD, A_BOLD);
		for (int i = 0; i < shown; i++) {
			int k = top + i;
			char row[512];
			if (marked)
				snprintf(row, sizeof row, "[%c] %s", marked[k] ? 'x' : ' ', items[k]);
			else
				snprintf(row, sizeof row, "%s", items[k]);
			tui_put(t, y + 1 + i, x + 2, w - 4, row, 0, k == sel ? A_REVERSE : 0);
		}
		tui_put(t, y + h - 2, x + 2, w - 4, help, PAIR_DIM, 0);
		refresh();
		int ch = getch();
		if (ch == KEY_DOWN || ch == 'j')
			sel += sel < n - 1;
		else if (ch == KEY_UP || ch == 'k')
			sel -= sel > 0;
		else if (ch == KEY_NPAGE)
			sel = sel + shown < n ? sel + shown : n - 1;
		else if (ch == KEY_PPAGE)
			sel = sel > shown ? sel - shown : 0;
		else if (ch == 'g' || ch == KEY_HOME)
			sel = 0;
		else if (ch == 'G' || ch == KEY_END)
			sel = n - 1;
		else if (ch == ' ' && marked)
			marked[sel] = !marked[sel];
		else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			result = sel;
		else if (ch == 27 || ch == 'q')
			result = -1;
		tui_paint_below(t);
	}
	if (result < 0 && marked && saved)
		memcpy(marked, saved, (size_t)n * sizeof(int));
	free(saved);
	return result;
}

/* The row of item IT in the arranger: "[x] name  ~flag". */
static void arrange_row(char *row, size_t size, const struct arrange_item *it,
			const char *flag_name)
{
	snprintf(row, size, "[%c] %s%s%s", it->on ? 'x' : ' ', it->label,
		 it->flag > 0 ? "  + " : "", it->flag > 0 ? flag_name : "");
}

/* One key of the arranger: 1 when it ends the dialog with *result set. */
static int arrange_key(int ch, struct arrange_item *items, int n, int *sel, int shown,
		       int *result)
{
	struct arrange_item tmp;
	int s = *sel, to = -1;
	switch (ch) {
	case KEY_DOWN: case 'j': *sel += s < n - 1; break;
	case KEY_UP: case 'k': *sel -= s > 0; break;
	case KEY_NPAGE: *sel = s + shown < n ? s + shown : n - 1; break;
	case KEY_PPAGE: *sel = s > shown ? s - shown : 0; break;
	case 'g': case KEY_HOME: *sel = 0; break;
	case 'G': case KEY_END: *sel = n - 1; break;
	case ' ': items[s].on = !items[s].on; break;
	case 't': case 'T':
		if (items[s].flag >= 0)
			items[s].flag = !items[s].flag;
		break;
	case 'K': case '[': case KEY_SR: to = s - 1; break;
	case 'J': case ']': case KEY_SF: to = s + 1; break;
	case 'r': *result = 2; return 1;
	case '\n': case '\r': case KEY_ENTER: *result = 1; return 1;
	case 27: case 'q': *result = 0; return 1;
	default: break;
	}
	if (to >= 0 && to < n) {
		tmp = items[s];
		items[s] = items[to];
		items[to] = tmp;
		*sel = to;
	}
	return 0;
}

int tui_arrange(struct tui *t, const char *title, const char *flag_name,
		struct arrange_item *items, int n)
{
	if (n <= 0)
		return 0;
	struct arrange_item *saved = malloc((size_t)n * sizeof *saved);
	if (!saved)
		return 0;
	memcpy(saved, items, (size_t)n * sizeof *saved);
	const char *dot = t->utf8 ? " · " : " | ";
	char helpline[160], row[512];
	snprintf(helpline, sizeof helpline, "Space show/hide%sK/J move%st %s%sr defaults%sEnter apply",
		 dot, dot, flag_name, dot, dot);
	int top = 0, sel = 0, result = -1;
	timeout(-1);
	while (result < 0) {
		getmaxyx(stdscr, t->lines, t->cols);
		int w = fmt_width(helpline) + 4;
		for (int i = 0; i < n; i++) {
			arrange_row(row, sizeof row, &items[i], flag_name);
			w = fmt_width(row) + 4 > w ? fmt_width(row) + 4 : w;
		}
		w = w < 30 ? 30 : w > t->cols - 2 ? t->cols - 2 : w;
		int room = t->lines - 6 < 1 ? 1 : t->lines - 6;
		int shown = n < room ? n : room;
		top = sel < top ? sel : sel >= top + shown ? sel - shown + 1 : top;
		int h = shown + 4, y, x;
		box_at(t, w, h, &y, &x);
		tui_put(t, y, x + 2, w - 4, title, PAIR_HEAD, A_BOLD);
		for (int i = 0; i < shown; i++) {
			const struct arrange_item *it = &items[top + i];
			arrange_row(row, sizeof row, it, flag_name);
			tui_put(t, y + 1 + i, x + 2, w - 4, row, it->on ? 0 : PAIR_DIM,
				top + i == sel ? A_REVERSE : 0);
		}
		tui_put(t, y + h - 2, x + 2, w - 4, helpline, PAIR_DIM, 0);
		refresh();
		int ch = getch();
		if (ch != KEY_RESIZE && ch != KEY_MOUSE && ch != ERR)
			arrange_key(ch, items, n, &sel, shown, &result);
		tui_paint_below(t);
	}
	if (result == 0)
		memcpy(items, saved, (size_t)n * sizeof *saved);
	free(saved);
	return result;
}
