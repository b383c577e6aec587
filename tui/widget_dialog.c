/* tui/widget_dialog.c — the small dialogs every view uses: a one-line
 * prompt on the bottom row, a yes/no box (the rerun plan, deleting) and a
 * chooser (sort column, metric columns, saved views), by keys and by the
 * mouse. */
#include "config.h"
#include "tui/widget_dialog.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/history.h"
#include "util/buf.h"
#include "tui/internal.h"
#include "tui/screen.h"

/* ------------------------------------------------------------------ */
/* The prompt: a line editor as readline's                             */

struct line_ed {
	char *buf;
	size_t size, len, cur; /* bytes; cur at a character's start */
	int selected;	       /* the initial text: the first character typed replaces it */
};

static size_t prev_char(const char *s, size_t pos)
{
	while (pos > 0) {
		pos--;
		if (((unsigned char)s[pos] & 0xC0) != 0x80)
			break;
	}
	return pos;
}

static size_t next_char(const char *s, size_t len, size_t pos)
{
	if (pos < len)
		pos++;
	while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
		pos++;
	return pos;
}

static void ed_set(struct line_ed *e, const char *text)
{
	snprintf(e->buf, e->size, "%s", text ? text : "");
	e->len = strlen(e->buf);
	while (e->len > 0 && ((unsigned char)e->buf[e->len] & 0xC0) == 0x80)
		e->buf[--e->len] = '\0'; /* cut at a character's start */
	e->cur = e->len;
	e->selected = 0;
}

static void ed_delete(struct line_ed *e, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	if (e->cur >= to)
		e->cur -= to - from;
	else if (e->cur > from)
		e->cur = from;
}

static void ed_insert(struct line_ed *e, const char *bytes, size_t n)
{
	if (e->len + n >= e->size)
		return;
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, bytes, n);
	e->len += n;
	e->cur += n;
}

/* Where the word before the cursor starts: back to a space or one of the
 * filter language's operators. */
static size_t word_start(const struct line_ed *e)
{
	size_t i = e->cur;
	while (i > 0 && !strchr(" \t=<>!~(),", e->buf[i - 1]))
		i--;
	return i;
}

/* One key of the editor (a character or a curses key): 1 when it was an
 * editing key. */
static int ed_key(struct line_ed *e, int is_key, wint_t wc)
{
	int sel = e->selected;
	e->selected = 0;
	if (is_key) {
		switch (wc) {
		case KEY_LEFT: e->cur = prev_char(e->buf, e->cur); return 1;
		case KEY_RIGHT: e->cur = next_char(e->buf, e->len, e->cur); return 1;
		case KEY_HOME: e->cur = 0; return 1;
		case KEY_END: e->cur = e->len; return 1;
		case KEY_BACKSPACE:
			if (sel)
				ed_delete(e, 0, e->len);
			else
				ed_delete(e, prev_char(e->buf, e->cur), e->cur);
			return 1;
		case KEY_DC:
			if (sel)
				ed_delete(e, 0, e->len);
			else
				ed_delete(e, e->cur, next_char(e->buf, e->len, e->cur));
			return 1;
		default: e->selected = sel; return 0;
		}
	}
	switch (wc) {
	case 1: e->cur = 0; return 1;				 /* C-a */
	case 5: e->cur = e->len; return 1;			 /* C-e */
	case 2: e->cur = prev_char(e->buf, e->cur); return 1;	 /* C-b */
	case 6: e->cur = next_char(e->buf, e->len, e->cur); return 1; /* C-f */
	case 11: ed_delete(e, e->cur, e->len); return 1;	 /* C-k */
	case 21: ed_delete(e, 0, e->cur); return 1;		 /* C-u */
	case 4: ed_delete(e, e->cur, next_char(e->buf, e->len, e->cur)); return 1; /* C-d */
	case 23: {						 /* C-w */
		size_t i = e->cur;
		while (i > 0 && e->buf[i - 1] == ' ')
			i--;
		while (i > 0 && e->buf[i - 1] != ' ')
			i--;
		ed_delete(e, i, e->cur);
		return 1;
	}
	case 127: case 8:
		if (sel)
			ed_delete(e, 0, e->len);
		else
			ed_delete(e, prev_char(e->buf, e->cur), e->cur);
		return 1;
	default: break;
	}
	if (wc >= 32) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t n = wcrtomb(mb, (wchar_t)wc, &st);
		if (sel)
			ed_delete(e, 0, e->len);
		if (n != (size_t)-1)
			ed_insert(e, mb, n);
		return 1;
	}
	e->selected = sel;
	return 0;
}

/* Bytes FROM..TO of S as a string (malloc'd). */
static char *part(const char *s, size_t from, size_t to)
{
	return strndup(s + from, to > from ? to - from : 0);
}

static void paint_prompt(struct tui *t, const char *label, const struct line_ed *e)
{
	int lw = fmt_width(label), y = t->lines - 1;
	int base = t->color ? 0 : A_REVERSE, room = t->cols - lw - 2;
	/* scroll sideways so that the cursor is on the screen */
	size_t start = 0;
	for (;;) {
		char *before = part(e->buf, start, e->cur);
		int w = before ? fmt_width(before) : 0;
		free(before);
		if (w < room || start >= e->cur)
			break;
		start = next_char(e->buf, e->len, start);
	}
	int a = t->color ? COLOR_PAIR(PAIR_BAR) : A_REVERSE;
	attron(a);
	mvhline(y, 0, ' ', t->cols);
	attroff(a);
	tui_put(t, y, 0, t->cols, label, PAIR_BAR, A_BOLD | base);
	char *shown = part(e->buf, start, e->len), *before = part(e->buf, start, e->cur);
	if (shown)
		/* the initial text, selected: the first character typed replaces it */
		tui_put(t, y, lw + 1, t->cols - lw - 1, shown, PAIR_BAR,
			e->selected ? (t->color ? (int)A_REVERSE : 0) : base);
	int x = lw + 1 + (before ? fmt_width(before) : 0);
	free(shown);
	free(before);
	move(y, x < t->cols ? x : t->cols - 1);
}

static int common_prefix(char *const *items, int n)
{
	if (n <= 0)
		return 0;
	size_t k = strlen(items[0]);
	for (int i = 1; i < n; i++) {
		size_t j = 0;
		while (j < k && items[i][j] == items[0][j])
			j++;
		k = j;
	}
	while (k > 0 && ((unsigned char)items[0][k] & 0xC0) == 0x80)
		k--;
	return (int)k;
}

/* Replace the word before the cursor (from FROM) with TEXT's first N
 * bytes. */
static void replace_word(struct line_ed *e, size_t from, const char *text, size_t n)
{
	ed_delete(e, from, e->cur);
	ed_insert(e, text, n);
}

/* Tab: complete the word before the cursor.  *list gets the candidates
 * shown above the prompt (malloc'd), *cycle counts Tabs in a row. */
static void complete(struct tui *t, const struct prompt_opts *o, struct line_ed *e, int *cycle,
		     char **list, char **orig)
{
	char **items = NULL;
	int n = 0;
	size_t from = word_start(e);
	if (*cycle && *orig) /* Tab again: from the word as it was typed */
		replace_word(e, from, *orig, strlen(*orig));
	else {
		free(*orig);
		*orig = part(e->buf, from, e->cur);
	}
	char *line = part(e->buf, 0, e->cur);
	free(*list);
	*list = NULL;
	if (!line || o->complete(t, o->ctx, line, from, &items, &n) < 0 || n == 0) {
		*list = strdup("(no completion)");
		*cycle = 0;
		goto cleanup;
	}
	size_t have = e->cur - from;
	int k = common_prefix(items, n);
	if (n == 1) {
		replace_word(e, from, items[0], strlen(items[0]));
		*cycle = 0;
	} else if ((size_t)k > have && !*cycle) { /* what they share */
		replace_word(e, from, items[0], (size_t)k);
		*cycle = 1;
	} else { /* then each candidate in turn */
		int i = *cycle ? (*cycle - 1) % n : 0;
		replace_word(e, from, items[i], strlen(items[i]));
		*cycle = (*cycle ? *cycle : 1) + 1;
	}
	struct buf b = BUF_INIT;
	for (int i = 0; n > 1 && i < n && i < 50; i++)
		buf_printf(&b, "%s%s", i ? "  " : "", items[i]);
	if (n > 50)
		buf_printf(&b, "  … (%d)", n);
	*list = b.data;
cleanup:
	for (int i = 0; i < n; i++)
		free(items[i]);
	free(items);
	free(line);
}

int tui_prompt_ex(struct tui *t, const struct prompt_opts *o, char *buf, size_t size)
{
	if (size == 0)
		return 0;
	struct line_ed e = { buf, size, 0, 0, 0 };
	ed_set(&e, o->initial);
	e.selected = e.len > 0;
	const char *hname = o->history ? o->history : o->label;
	char **hist = NULL, *draft = NULL, *list = NULL, *orig = NULL;
	int nh = 0, hi, ok = -1, cycle = 0;
	history_list(hname, &hist, &nh);
	hi = nh;
	curs_set(1);
	timeout(-1);
	while (ok < 0) {
		getmaxyx(stdscr, t->lines, t->cols);
		if (list) { /* the candidates of Tab, above the prompt */
			move(t->lines - 2, 0);
			clrtoeol();
			tui_put_cut(t, t->lines - 2, 1, t->cols - 2, list, PAIR_WARN, A_BOLD);
		}
		paint_prompt(t, o->label, &e);
		refresh();
		wint_t wc;
		int r = get_wch(&wc);
		if (r == ERR) {
			if (tui_interrupted())
				ok = 0;
			continue;
		}
		int is_key = r == KEY_CODE_YES;
		if (is_key && wc == KEY_RESIZE)
			continue;
		if (list && !(!is_key && wc == '\t')) { /* the list goes away */
			free(list);
			list = NULL;
			cycle = 0;
			screen_paint(t);
		}
		if ((is_key && wc == KEY_ENTER) || (!is_key && (wc == '\n' || wc == '\r'))) {
			ok = 1;
		} else if (!is_key && (wc == 27 || wc == 7 || wc == 3)) { /* Esc, C-g, C-c */
			ok = 0;
		} else if (!is_key && wc == '\t') {
			if (o->complete) {
				e.selected = 0;
				complete(t, o, &e, &cycle, &list, &orig);
			}
		} else if (is_key && (wc == KEY_UP || wc == KEY_DOWN)) {
			int to = hi + (wc == KEY_UP ? -1 : 1);
			if (to < 0 || to > nh)
				continue;
			if (hi == nh) {
				free(draft);
				draft = strdup(e.buf);
			}
			hi = to;
			ed_set(&e, hi == nh ? draft : hist[hi]);
		} else {
			ed_key(&e, is_key, wc);
		}
	}
	if (ok == 1)
		history_add(hname, buf);
	free(list);
	free(orig);
	free(draft);
	history_free(hist, nh);
	curs_set(0);
	return ok;
}

int tui_prompt(struct tui *t, const char *label, const char *initial, char *buf,
	       size_t size)
{
	struct prompt_opts o = { .label = label, .initial = initial };
	return tui_prompt_ex(t, &o, buf, size);
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

/* The mouse in a box of W x H cells at Y0, X0 (box_at) whose rows of text
 * start at its row 1, column 2, the last of them (a question, its keys)
 * two rows above its bottom. */
enum { BOX_NONE, BOX_ROW, BOX_LAST, BOX_OUTSIDE, BOX_WHEEL_UP, BOX_WHEEL_DOWN };

/* Where the mouse event fell: BOX_ROW (*row: which row of text, from 0),
 * BOX_LAST, BOX_OUTSIDE (a click off the box), the wheel, or BOX_NONE (the
 * frame, the empty row, not a click); *col: the column in the row's text. */
static int box_mouse(int y0, int x0, int w, int h, int *row, int *col)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return BOX_NONE;
	if (ev.bstate & BUTTON4_PRESSED)
		return BOX_WHEEL_UP;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		return BOX_WHEEL_DOWN;
#endif
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
		return BOX_NONE;
	if (ev.y < y0 || ev.y >= y0 + h || ev.x < x0 || ev.x >= x0 + w)
		return BOX_OUTSIDE;
	*row = ev.y - y0 - 1;
	*col = ev.x - x0 - 2;
	if (*row == h - 3)
		return BOX_LAST;
	return *row >= 0 && *row < h - 4 && *col >= 0 && *col < w - 4 ? BOX_ROW : BOX_NONE;
}

/* The key that column COL of the dialog's line TEXT shows: 'y' or 'n' on
 * the y or N of its "[y/N]", '\n' or 27 on its "Enter …" or "Esc …" (up
 * to the next " · " or " | "), else 0. */
static int key_at(const char *text, int col)
{
	static const struct {
		const char *word;
		int key;
	} parts[] = { { "[y/N]", 'y' }, { "Enter ", '\n' }, { "Esc ", 27 } };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		const char *p = strstr(text, parts[i].word);
		if (!p)
			continue;
		char *before = strndup(text, (size_t)(p - text));
		int x0 = before ? fmt_width(before) : 0;
		free(before);
		if (parts[i].key == 'y') { /* "[y" yes, "/N]" no */
			if (col >= x0 && col < x0 + 5)
				return col < x0 + 2 ? 'y' : 'n';
			continue;
		}
		const char *end = strstr(p, " · ");
		if (!end)
			end = strstr(p, " | ");
		char *part = strndup(p, end ? (size_t)(end - p) : strlen(p));
		int w = part ? fmt_width(part) : 0;
		free(part);
		if (col >= x0 && col < x0 + w)
			return parts[i].key;
	}
	return 0;
}

/* The mouse in a list box at Y0, X0 (W x H) of N items, its row 0 item
 * TOP, *SEL selected, whose last line is KEYS ("Enter choose · Esc
 * cancel"): LIST_PICK when a click fell on an item (*SEL: that item),
 * LIST_ENTER or LIST_CANCEL for a click on those keys (LIST_CANCEL off
 * the box too), else LIST_NONE (the wheel moves *SEL). */
enum { LIST_NONE, LIST_PICK, LIST_ENTER, LIST_CANCEL };

static int list_mouse(int y0, int x0, int w, int h, const char *keys, int top, int n, int *sel)
{
	int row, col;
	switch (box_mouse(y0, x0, w, h, &row, &col)) {
	case BOX_ROW:
		if (top + row >= n)
			return LIST_NONE;
		*sel = top + row;
		return LIST_PICK;
	case BOX_LAST:
		return key_at(keys, col) == '\n' ? LIST_ENTER
		       : key_at(keys, col) == 27  ? LIST_CANCEL
						   : LIST_NONE;
	case BOX_OUTSIDE: return LIST_CANCEL;
	case BOX_WHEEL_UP: *sel -= *sel > 0; return LIST_NONE;
	case BOX_WHEEL_DOWN: *sel += *sel < n - 1; return LIST_NONE;
	default: return LIST_NONE;
	}
}

/* The mouse in the yes/no box at Y0, X0 (W x H) asking Q, scrolled to
 * *top of MAX_TOP: the answer (1 yes on its y, 0 no on its N or off the
 * box), or -1 (the wheel scrolls). */
static int confirm_mouse(int y0, int x0, int w, int h, const char *q, int max_top, int *top)
{
	int row, col;
	switch (box_mouse(y0, x0, w, h, &row, &col)) {
	case BOX_OUTSIDE: return 0;
	case BOX_LAST: return key_at(q, col) == 'y' ? 1 : key_at(q, col) == 'n' ? 0 : -1;
	case BOX_WHEEL_UP: *top -= *top > 0; return -1;
	case BOX_WHEEL_DOWN: *top += *top < max_top; return -1;
	default: return -1;
	}
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
		if (top > n - shown) /* a taller screen after a resize */
			top = n - shown;
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
		if (tui_interrupted()) /* Ctrl-C: no, and the browser quits */
			answer = 0;
		else if (ch == 'y' || ch == 'Y')
			answer = 1;
		else if ((ch == KEY_DOWN || ch == 'j') && top + shown < n)
			top++;
		else if ((ch == KEY_UP || ch == 'k') && top > 0)
			top--;
		else if (ch == KEY_NPAGE && top + shown < n)
			top = top + shown < n - shown ? top + shown : n - shown;
		else if (ch == KEY_PPAGE)
			top = top > shown ? top - shown : 0;
		else if (ch == KEY_RESIZE)
			continue;
		else if (ch == KEY_MOUSE)
			answer = confirm_mouse(y, x, w, h, q, n - shown, &top);
		else if (ch == 'n' || ch == 'N' || ch == 'q' || ch == 27 || ch == '\n' ||
			 ch == '\r' || ch == KEY_ENTER)
			answer = 0;
		tui_paint_below(t);
	}
	return answer;
}

/* A list dialog on screen: what it shows and where. */
struct choose {
	const char *title, *help;
	char *const *items;
	int n, sel, top, shown;
	int *marked; /* NULL: pick one */
	int y, x, w, h;
};

static void choose_draw(struct tui *t, struct choose *c)
{
	getmaxyx(stdscr, t->lines, t->cols);
	c->w = dialog_width(t, c->title, c->items, c->n, c->help) + (c->marked ? 4 : 0);
	if (c->w > t->cols - 2)
		c->w = t->cols - 2;
	int room = t->lines - 6;
	if (room < 1)
		room = 1;
	c->shown = c->n < room ? c->n : room;
	if (c->sel < c->top)
		c->top = c->sel;
	if (c->sel >= c->top + c->shown)
		c->top = c->sel - c->shown + 1;
	if (c->top > c->n - c->shown) /* a taller screen after a resize */
		c->top = c->n - c->shown;
	c->h = c->shown + 4;
	box_at(t, c->w, c->h, &c->y, &c->x);
	tui_put(t, c->y, c->x + 2, c->w - 4, c->title, PAIR_HEAD, A_BOLD);
	for (int i = 0; i < c->shown; i++) {
		int k = c->top + i;
		char row[512];
		if (c->marked)
			snprintf(row, sizeof row, "[%c] %s", c->marked[k] ? 'x' : ' ', c->items[k]);
		else
			snprintf(row, sizeof row, "%s", c->items[k]);
		tui_put(t, c->y + 1 + i, c->x + 2, c->w - 4, row, 0, k == c->sel ? A_REVERSE : 0);
	}
	tui_put(t, c->y + c->h - 2, c->x + 2, c->w - 4, c->help, PAIR_DIM, 0);
	refresh();
}

/* Key CH in the list: the item chosen, -1 cancelled, -2 going on. */
static int choose_key(struct choose *c, int ch)
{
	int n = c->n, *sel = &c->sel;
	switch (ch) {
	case KEY_DOWN: case 'j': *sel += *sel < n - 1; break;
	case KEY_UP: case 'k': *sel -= *sel > 0; break;
	case KEY_NPAGE: *sel = *sel + c->shown < n ? *sel + c->shown : n - 1; break;
	case KEY_PPAGE: *sel = *sel > c->shown ? *sel - c->shown : 0; break;
	case 'g': case KEY_HOME: *sel = 0; break;
	case 'G': case KEY_END: *sel = n - 1; break;
	case ' ':
		if (c->marked)
			c->marked[*sel] = !c->marked[*sel];
		break;
	case '\n': case '\r': case KEY_ENTER: return *sel;
	case 27: case 'q': return -1;
	case KEY_MOUSE:
		switch (list_mouse(c->y, c->x, c->w, c->h, c->help, c->top, n, sel)) {
		case LIST_PICK: /* an item: chosen, or toggled */
			if (!c->marked)
				return *sel;
			c->marked[*sel] = !c->marked[*sel];
			break;
		case LIST_ENTER: return *sel;
		case LIST_CANCEL: return -1;
		default: break;
		}
		break;
	default: break;
	}
	return -2;
}

int tui_choose(struct tui *t, const char *title, char *const *items, int n, int sel,
	       int *marked)
{
	if (n <= 0)
		return -1;
	struct choose c = {
		.title = title, .items = items, .n = n, .marked = marked,
		.sel = sel < 0 || sel >= n ? 0 : sel,
		.help = marked ? "Space toggles · Enter done · Esc cancel"
			       : "Enter choose · Esc cancel",
	};
	timeout(-1);
	int *saved = NULL;
	if (marked) {
		saved = malloc((size_t)n * sizeof(int));
		if (saved)
			memcpy(saved, marked, (size_t)n * sizeof(int));
	}
	int result = -2;
	while (result == -2) {
		choose_draw(t, &c);
		int ch = getch();
		result = tui_interrupted() ? -1 : choose_key(&c, ch);
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
		/* a taller screen shows more rows: never past the last item
		 * (read beyond the items after a resize, the monkey found) */
		if (top > n - shown)
			top = n - shown;
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
		if (tui_interrupted())
			result = 0;
		else if (ch == KEY_MOUSE)
			switch (list_mouse(y, x, w, h, helpline, top, n, &sel)) {
			case LIST_PICK: items[sel].on = !items[sel].on; break;
			case LIST_ENTER: result = 1; break;
			case LIST_CANCEL: result = 0; break;
			default: break;
			}
		else if (ch != KEY_RESIZE && ch != ERR)
			arrange_key(ch, items, n, &sel, shown, &result);
		tui_paint_below(t);
	}
	if (result == 0)
		memcpy(items, saved, (size_t)n * sizeof *saved);
	free(saved);
	return result;
}
