/* tui/widget_table.c — a table of text cells with fitted columns. */
#include "config.h"
#include "tui/widget_table.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"
#include "tui/widget_dialog.h"

void table_clear(struct tui_table *tb)
{
	for (int i = 0; i < tb->nrows * tb->ncols; i++)
		free(tb->cells[i]);
	free(tb->cells);
	free(tb->attr);
	free(tb->marked);
	tb->cells = NULL;
	tb->attr = NULL;
	tb->marked = NULL;
	tb->nrows = tb->cap = 0;
}

int table_push_attrs(struct tui_table *tb, char **cells, const int *attrs)
{
	if (tb->nrows == tb->cap) {
		int cap = tb->cap ? tb->cap * 2 : 64;
		char **c = realloc(tb->cells, (size_t)cap * (size_t)tb->ncols * sizeof(char *));
		if (!c)
			return -1;
		tb->cells = c;
		int *a = realloc(tb->attr, (size_t)cap * (size_t)tb->ncols * sizeof(int));
		if (!a)
			return -1;
		tb->attr = a;
		int *m = realloc(tb->marked, (size_t)cap * sizeof(int));
		if (!m)
			return -1;
		tb->marked = m;
		tb->cap = cap;
	}
	for (int k = 0; k < tb->ncols; k++) {
		tb->cells[tb->nrows * tb->ncols + k] = strdup(cells[k] ? cells[k] : "");
		tb->attr[tb->nrows * tb->ncols + k] = attrs ? attrs[k] : 0;
	}
	tb->marked[tb->nrows++] = 0;
	return 0;
}

int table_set(struct tui_table *tb, int row, int col, const char *text, int attr)
{
	if (row < 0 || row >= tb->nrows || col < 0 || col >= tb->ncols)
		return -1;
	char *copy = strdup(text ? text : "");
	if (!copy)
		return -1;
	free(tb->cells[row * tb->ncols + col]);
	tb->cells[row * tb->ncols + col] = copy;
	tb->attr[row * tb->ncols + col] = attr;
	return 0;
}

int table_push(struct tui_table *tb, char **cells, int attr)
{
	int attrs[64] = { 0 };
	if (tb->status_col >= 0 && tb->status_col < 64)
		attrs[tb->status_col] = attr;
	return table_push_attrs(tb, cells, tb->ncols <= 64 ? attrs : NULL);
}

/* Print S in exactly WIDTH columns (cut with "…", padded). */
static void put_fit_text(const struct tui *t, int y, int x, const char *s, int width, int right);

static void put_fit(const struct tui *t, int y, int x, const char *s, int width, int right)
{
	char *ascii = t->utf8 ? NULL : fmt_ascii(s);
	put_fit_text(t, y, x, ascii ? ascii : s, width, right);
	free(ascii);
}

static void put_fit_text(const struct tui *t, int y, int x, const char *s, int width, int right)
{
	int w = fmt_width(s);
	if (w <= width) {
		int pad = width - w;
		if (right)
			mvprintw(y, x, "%*s%s", pad, "", s);
		else
			mvprintw(y, x, "%s%*s", s, pad, "");
		return;
	}
	/* cut: the characters that fit in width-1, then an ellipsis */
	int used = 0;
	size_t n = fmt_fit(s, width - 1, &used);
	mvprintw(y, x, "%.*s%s%*s", (int)n, s, t->utf8 ? "…" : "~", width - 1 - used, "");
}

int table_scroll(struct tui_table *tb, int height)
{
	if (height < 1)
		height = 1;
	if (tb->sel < tb->top)
		tb->top = tb->sel;
	if (tb->sel >= tb->top + height)
		tb->top = tb->sel - height + 1;
	/* rows above come back when the screen has room for them (a taller
	 * terminal): no blank rows under the last one while some are hidden */
	if (tb->top + height > tb->nrows)
		tb->top = tb->nrows - height;
	if (tb->top < 0)
		tb->top = 0;
	return tb->top;
}

/* The columns' widths (*w) and which are shown (*vis) for the HEIGHT rows
 * from the top: malloc'd, NULL when out of memory. */
static int fit_columns(const struct tui *t, const struct tui_table *tb, int height, int **w,
		       int **vis)
{
	int nc = tb->ncols;
	*w = calloc((size_t)(nc ? nc : 1), sizeof(int));
	*vis = calloc((size_t)(nc ? nc : 1), sizeof(int));
	if (!*w || !*vis)
		return -1;
	/* natural widths from the header and the visible rows */
	for (int c = 0; c < nc; c++) {
		(*w)[c] = fmt_width(tb->cols[c].title);
		if ((*w)[c] < tb->cols[c].min)
			(*w)[c] = tb->cols[c].min;
	}
	for (int r = tb->top; r < tb->nrows && r < tb->top + height; r++)
		for (int c = 0; c < nc; c++) {
			int cw = fmt_width(tb->cells[r * nc + c]);
			if (cw > (*w)[c])
				(*w)[c] = cw;
		}
	layout_fit(tb->cols, nc, t->cols, *w, *vis);
	return 0;
}

/* The fixed widths of a scrolling table, and which columns show. */
static int scroll_columns(const struct tui *t, struct tui_table *tb, int **w, int **vis)
{
	int nc = tb->ncols;
	*w = calloc((size_t)(nc ? nc : 1), sizeof(int));
	*vis = calloc((size_t)(nc ? nc : 1), sizeof(int));
	if (!*w || !*vis)
		return -1;
	if (tb->frozen > nc)
		tb->frozen = nc;
	if (tb->hscroll < tb->frozen)
		tb->hscroll = tb->frozen;
	if (tb->hscroll >= nc)
		tb->hscroll = nc > tb->frozen ? nc - 1 : tb->frozen;
	memcpy(*w, tb->widths, (size_t)nc * sizeof(int));
	tb->shown_end = layout_window(*w, nc, tb->frozen, tb->hscroll, t->cols - 2);
	for (int c = 0; c < nc; c++)
		(*vis)[c] = c < tb->frozen || (c >= tb->hscroll && c < tb->shown_end);
	tb->more_left = tb->hscroll > tb->frozen;
	tb->more_right = tb->shown_end < nc;
	return 0;
}

static void paint_header(const struct tui *t, const struct tui_table *tb, int y, const int *w,
			 const int *vis)
{
	int x = 0, head = A_BOLD | (t->color ? COLOR_PAIR(PAIR_HEAD) : 0);
	attron(head);
	move(y, 0);
	clrtoeol();
	for (int c = 0; c < tb->ncols && x < t->cols; c++) {
		if (!vis[c])
			continue;
		if (tb->widths && c == tb->hscroll && tb->more_left && x > 1)
			mvaddstr(y, x - 2, t->utf8 ? "‹" : "<");
		put_fit(t, y, x, tb->cols[c].title, w[c] < t->cols - x ? w[c] : t->cols - x,
			tb->cols[c].right);
		x += w[c] + 2;
	}
	if (tb->widths && tb->more_right)
		mvaddstr(y, t->cols - 1, t->utf8 ? "›" : ">");
	attroff(head);
}

int *table_natural(const struct tui_table *tb, int max, int *total)
{
	int nc = tb->ncols;
	int *w = calloc((size_t)(nc ? nc : 1), sizeof(int));
	if (!w)
		return NULL;
	*total = -2;
	for (int c = 0; c < nc; c++) {
		w[c] = fmt_width(tb->cols[c].title);
		w[c] = w[c] < tb->cols[c].min ? tb->cols[c].min : w[c];
		for (int r = 0; r < tb->nrows; r++) {
			int cw = fmt_width(tb->cells[r * nc + c]);
			w[c] = cw > w[c] ? cw : w[c];
		}
		if (max > 0 && w[c] > max)
			w[c] = max;
		*total += w[c] + 2;
	}
	return w;
}

int table_hscroll(struct tui_table *tb, int dir)
{
	if (!tb->widths)
		return TUI_HANDLED;
	if (dir > 0 && tb->more_right && tb->hscroll < tb->ncols - 1) {
		tb->hscroll++;
		return TUI_REDRAW;
	}
	if (dir < 0 && tb->hscroll > tb->frozen) {
		tb->hscroll--;
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

static void paint_matches(const struct tui *t, const struct tui_table *tb, int y, int x,
			  const char *cell, int width, int right, int selected);

static void paint_row(const struct tui *t, const struct tui_table *tb, int r, int y,
		      const int *w, const int *vis)
{
	int nc = tb->ncols, selected = r == tb->sel, bold = tb->marked[r] ? A_BOLD : 0;
	if (selected)
		attron(A_REVERSE);
	if (bold)
		attron(bold);
	int x = 0;
	for (int c = 0; c < nc && x < t->cols; c++) {
		if (!vis[c])
			continue;
		int pair = !selected ? tui_pair_attr(t, tb->attr[r * nc + c]) : 0;
		if (pair)
			attron(pair);
		put_fit(t, y, x, tb->cells[r * nc + c], w[c] < t->cols - x ? w[c] : t->cols - x,
			tb->cols[c].right);
		paint_matches(t, tb, y, x, tb->cells[r * nc + c],
			      w[c] < t->cols - x ? w[c] : t->cols - x, tb->cols[c].right, selected);
		if (pair)
			attroff(pair);
		if (x + w[c] < t->cols)
			mvprintw(y, x + w[c], "%*s", t->cols - x - w[c] < 2 ? t->cols - x - w[c] : 2, "");
		x += w[c] + 2;
	}
	if (bold)
		attroff(bold);
	if (selected)
		attroff(A_REVERSE);
}

void table_paint(struct tui *t, struct tui_table *tb, int y0, int y1)
{
	int height = y1 - y0 - 1, *w = NULL, *vis = NULL;
	if (height < 1)
		height = 1;
	table_scroll(tb, height);
	if ((tb->widths ? scroll_columns(t, tb, &w, &vis) : fit_columns(t, tb, height, &w, &vis)) ==
	    0) {
		paint_header(t, tb, y0, w, vis);
		for (int i = 0; i < height; i++) {
			move(y0 + 1 + i, 0);
			clrtoeol();
			if (tb->top + i < tb->nrows)
				paint_row(t, tb, tb->top + i, y0 + 1 + i, w, vis);
		}
		tb->y0 = y0;
	}
	free(vis);
	free(w);
}

int table_move(struct tui_table *tb, enum tui_action a, int page)
{
	int old = tb->sel;
	switch (a) {
	case ACT_UP:
		tb->sel--;
		break;
	case ACT_DOWN:
		tb->sel++;
		break;
	case ACT_PAGE_UP:
		tb->sel -= page;
		break;
	case ACT_PAGE_DOWN:
		tb->sel += page;
		break;
	case ACT_TOP:
		tb->sel = 0;
		break;
	case ACT_END:
		tb->sel = tb->nrows - 1;
		break;
	default:
		return 0;
	}
	if (tb->sel >= tb->nrows)
		tb->sel = tb->nrows - 1;
	if (tb->sel < 0)
		tb->sel = 0;
	return tb->sel != old ? TUI_REDRAW : TUI_HANDLED;
}

int table_click(struct tui_table *tb, int y)
{
	int r = tb->top + (y - tb->y0 - 1);
	if (y <= tb->y0 || r < 0 || r >= tb->nrows)
		return 0;
	tb->sel = r;
	return 1;
}

int table_search(struct tui_table *tb, const char *text, int dir)
{
	tb->wrapped = 0;
	if (text)
		snprintf(tb->find, sizeof tb->find, "%s", text);
	if (!text || !*text || tb->nrows == 0)
		return 0;
	for (int i = 1; i <= tb->nrows; i++) {
		int r = ((tb->sel + dir * i) % tb->nrows + tb->nrows) % tb->nrows;
		for (int c = 0; c < tb->ncols; c++)
			if (strcasestr(tb->cells[r * tb->ncols + c], text)) {
				tb->wrapped = dir > 0 ? r <= tb->sel : r >= tb->sel;
				tb->sel = r;
				return 1;
			}
	}
	return 0;
}

/* The matches of the last search in the cell S painted at Y, X in WIDTH
 * columns (RIGHT: aligned right), over what put_fit painted. */
static void paint_matches(const struct tui *t, const struct tui_table *tb, int y, int x,
			  const char *cell, int width, int right, int selected)
{
	size_t flen = strlen(tb->find);
	if (!flen || width <= 0)
		return;
	char *ascii = t->utf8 ? NULL : fmt_ascii(cell); /* as put_fit painted it */
	const char *s = ascii ? ascii : cell;
	int w = fmt_width(s), used = 0;
	size_t fit = w <= width ? strlen(s) : fmt_fit(s, width - 1, &used);
	int start = w <= width && right ? x + width - w : x;
	for (const char *p = s; (p = strcasestr(p, tb->find)) && (size_t)(p - s) + flen <= fit;
	     p += flen) {
		char *before = strndup(s, (size_t)(p - s)), *match = strndup(p, flen);
		if (before && match) {
			int a = selected ? A_UNDERLINE | A_BOLD : A_REVERSE;
			attron(a);
			mvaddstr(y, start + fmt_width(before), match);
			attroff(a);
		}
		free(before);
		free(match);
	}
	free(ascii);
}

int table_search_keys(struct tui *t, struct tui_table *tb, enum tui_action a,
		      const char *prompt, char *text, size_t size)
{
	if (a == ACT_SEARCH) {
		char *buf = malloc(size);
		int ok = buf && tui_prompt(t, prompt, NULL, buf, size) && buf[0];
		if (ok)
			memcpy(text, buf, size);
		free(buf);
		if (!ok)
			return -1;
	}
	if (!text[0]) {
		tui_notice(t, "no search yet: / searches");
		return 0;
	}
	int found = table_search(tb, text, a == ACT_PREV ? -1 : 1);
	if (found && tb->wrapped)
		tui_notice(t, a == ACT_PREV ? "search hit TOP, continuing at BOTTOM"
					    : "search hit BOTTOM, continuing at TOP");
	return found;
}
