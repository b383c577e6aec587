/* tui/widget_text.c — a scrolled list of lines of text. */
#include "config.h"
#include "tui/widget_text.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/internal.h"

void text_add(struct text_list *l, int pair, int attrs, const char *fmt, ...)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 32;
		struct text_line *p = realloc(l->v, (size_t)cap * sizeof(*p));
		if (!p)
			return;
		l->v = p;
		l->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (!s)
		return;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	l->v[l->n++] = (struct text_line){ s, pair, attrs };
}

void text_clear(struct text_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i].s);
	l->n = 0;
}

void text_free(struct text_list *l)
{
	text_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

void text_scroll(struct text_list *l, int height)
{
	if (l->top > l->n - height)
		l->top = l->n - height;
	if (l->top < 0)
		l->top = 0;
}

void text_paint(struct tui *t, const struct text_list *l, int y0, int y1)
{
	int h = y1 - y0;
	for (int i = 0; i < h && l->top + i < l->n; i++) {
		const struct text_line *ln = &l->v[l->top + i];
		int hl = l->top + i == l->hl ? A_REVERSE : 0;
		tui_put_cut(t, y0 + i, 1, t->cols - 2, ln->s, hl ? 0 : ln->pair, ln->attrs | hl);
		/* the matches of the search: reverse, underlined on its line */
		size_t flen = strlen(l->find);
		for (const char *p = ln->s; flen && (p = strcasestr(p, l->find)); p += flen) {
			char *before = strndup(ln->s, (size_t)(p - ln->s)), *match = strndup(p, flen);
			int at = before ? fmt_width(before) : 0;
			if (match && at + fmt_width(match) < t->cols - 3)
				tui_put(t, y0 + i, 1 + at, t->cols - 2 - at, match, 0,
					hl ? A_REVERSE | A_UNDERLINE | A_BOLD : A_REVERSE);
			free(before);
			free(match);
		}
	}
	if (l->n > h) {
		char pos[48];
		snprintf(pos, sizeof pos, " %d-%d of %d ", l->top + 1,
			 l->top + h < l->n ? l->top + h : l->n, l->n);
		int w = (int)strlen(pos);
		tui_put(t, y1 - 1, t->cols - w, w, pos, PAIR_DIM, A_REVERSE);
	}
}

int text_move(struct text_list *l, enum tui_action a, int page)
{
	int old = l->top;
	switch (a) {
	case ACT_UP: l->top--; break;
	case ACT_DOWN: l->top++; break;
	case ACT_PAGE_UP: l->top -= page; break;
	case ACT_PAGE_DOWN: l->top += page; break;
	case ACT_TOP: l->top = 0; break;
	case ACT_END: l->top = l->n; break;
	default: return 0;
	}
	text_scroll(l, page);
	return l->top != old ? TUI_REDRAW : TUI_HANDLED;
}

int text_search(struct text_list *l, const char *text, int dir, int page)
{
	l->wrapped = 0;
	snprintf(l->find, sizeof l->find, "%s", text);
	if (!text[0] || l->n == 0)
		return 0;
	int from = l->hl >= 0 && l->hl < l->n ? l->hl : (dir > 0 ? l->top - 1 : l->top);
	for (int i = 1; i <= l->n; i++) {
		int k = ((from + dir * i) % l->n + l->n) % l->n;
		if (strcasestr(l->v[k].s, text)) {
			l->wrapped = dir > 0 ? k <= from : k >= from;
			l->hl = k;
			if (k < l->top || k >= l->top + page)
				l->top = k - page / 3;
			return 1;
		}
	}
	return 0;
}
