/* tui/widget_text.h — a scrolled list of lines of text, each with a colour
 * and attributes (the step view's context, metadata and log tail), with a
 * line highlighted by the last search and the position shown when it
 * does not fit. */
#ifndef RUNLENS_TUI_WIDGET_TEXT_H
#define RUNLENS_TUI_WIDGET_TEXT_H

#include "tui/actions.h"

struct tui;

struct text_line {
	char *s;
	int pair, attrs;
};

struct text_list {
	struct text_line *v;
	int n, cap;
	int top;
	int hl; /* the line of the last search match, -1: none */
	char find[256]; /* what it looked for: its matches are highlighted */
	int wrapped;	/* it went round the end (or the start) to find it */
};

/* Append a line (printf-style) in colour PAIR with ATTRS. */
void text_add(struct text_list *l, int pair, int attrs, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Empty the list; the scroll position is kept (clamped when painted). */
void text_clear(struct text_list *l);
void text_free(struct text_list *l);
/* Keep the scroll position within the HEIGHT rows shown. */
void text_scroll(struct text_list *l, int height);
/* Paint the lines from TOP in rows Y0..Y1-1, cut with an ellipsis. */
void text_paint(struct tui *t, const struct text_list *l, int y0, int y1);
/* Scroll: UP/DOWN/PAGE_UP/PAGE_DOWN/TOP/END by PAGE rows.  TUI_REDRAW
 * when it moved, TUI_HANDLED when not, 0 for other actions. */
int text_move(struct text_list *l, enum tui_action a, int page);
/* Highlight the next (DIR 1) or previous line containing TEXT
 * (case-insensitive) and scroll to it: 1 when found (l->wrapped: it went
 * round).  TEXT's matches are highlighted from then on. */
int text_search(struct text_list *l, const char *text, int dir, int page);

#endif
