/* tui/table.c — painting a table of text cells with fitted columns. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
	/* cut: copy characters while they fit in width-1, then an ellipsis */
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
		if (used + cw > width - 1)
			break;
		used += cw;
		p += n;
		len -= n;
	}
	mvprintw(y, x, "%.*s%s%*s", (int)(p - s), s, t->utf8 ? "…" : "~", width - 1 - used, "");
}

void table_paint(struct tui *t, struct tui_table *tb, int y0, int y1)
{
	int nc = tb->ncols, avail = t->cols;
	int *w = calloc((size_t)nc, sizeof(int));
	if (!w)
		return;
	/* natural widths from the header and the visible rows */
	int height = y1 - y0 - 1;
	if (height < 1)
		height = 1;
	if (tb->sel < tb->top)
		tb->top = tb->sel;
	if (tb->sel >= tb->top + height)
		tb->top = tb->sel - height + 1;
	if (tb->top < 0)
		tb->top = 0;
	for (int c = 0; c < nc; c++) {
		w[c] = fmt_width(tb->cols[c].title);
		if (w[c] < tb->cols[c].min)
			w[c] = tb->cols[c].min;
	}
	for (int r = tb->top; r < tb->nrows && r < tb->top + height; r++)
		for (int c = 0; c < nc; c++) {
			int cw = fmt_width(tb->cells[r * nc + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	int *vis = calloc((size_t)nc, sizeof(int));
	if (!vis) {
		free(w);
		return;
	}
	layout_fit(tb->cols, nc, avail, w, vis);
	int x = 0;
	attron(A_BOLD | (t->color ? COLOR_PAIR(PAIR_HEAD) : 0));
	move(y0, 0);
	clrtoeol();
	for (int c = 0; c < nc && x < t->cols; c++) {
		if (!vis[c])
			continue;
		put_fit(t, y0, x, tb->cols[c].title, w[c] < t->cols - x ? w[c] : t->cols - x,
			tb->cols[c].right);
		x += w[c] + 2;
	}
	attroff(A_BOLD | (t->color ? COLOR_PAIR(PAIR_HEAD) : 0));
	for (int i = 0; i < height; i++) {
		int r = tb->top + i, y = y0 + 1 + i;
		move(y, 0);
		clrtoeol();
		if (r >= tb->nrows)
			continue;
		int selected = r == tb->sel;
		int bold = tb->marked[r] ? A_BOLD : 0;
		if (selected)
			attron(A_REVERSE);
		if (bold)
			attron(bold);
		x = 0;
		for (int c = 0; c < nc && x < t->cols; c++) {
			if (!vis[c])
				continue;
			int pair = t->color && !selected ? tb->attr[r * nc + c] : 0;
			if (pair)
				attron(COLOR_PAIR(pair));
			put_fit(t, y, x, tb->cells[r * nc + c],
				w[c] < t->cols - x ? w[c] : t->cols - x, tb->cols[c].right);
			if (pair)
				attroff(COLOR_PAIR(pair));
			if (x + w[c] < t->cols)
				mvprintw(y, x + w[c], "%*s", t->cols - x - w[c] < 2 ? t->cols - x - w[c] : 2, "");
			x += w[c] + 2;
		}
		if (bold)
			attroff(bold);
		if (selected)
			attroff(A_REVERSE);
	}
	tb->y0 = y0;
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
	if (!text || !*text || tb->nrows == 0)
		return 0;
	for (int i = 1; i <= tb->nrows; i++) {
		int r = ((tb->sel + dir * i) % tb->nrows + tb->nrows) % tb->nrows;
		for (int c = 0; c < tb->ncols; c++)
			if (strcasestr(tb->cells[r * tb->ncols + c], text)) {
				tb->sel = r;
				return 1;
			}
	}
	return 0;
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
