/* tui/widget_table.h — a table of text cells painted with aligned columns
 * fitted to the screen (layout.h), a selected row kept in view, colours
 * per cell, marked rows in bold; moving, clicking and searching in it. */
#ifndef RUNLENS_TUI_WIDGET_TABLE_H
#define RUNLENS_TUI_WIDGET_TABLE_H

#include <stddef.h>

#include "tui/actions.h"
#include "tui/layout.h"

struct tui;

struct tui_table {
	const struct tui_col *cols;
	int ncols;
	char **cells; /* nrows * ncols, owned */
	int *attr;    /* nrows * ncols colour pairs (0: none) */
	int *marked;  /* nrows flags: drawn in bold with a mark */
	int status_col;
	int nrows, cap;
	int sel, top;
	int y0; /* the header row of the last paint (for clicks) */
	/* Columns that scroll sideways: with WIDTHS (the view's, one per
	 * column, decided from its data so that they never jump as rows
	 * scroll) the columns are not fitted to the rows shown; the first
	 * FROZEN stay put and the others are shown from HSCROLL on, as many
	 * as fit whole.  A paint sets SHOWN_END (exclusive) and MORE_LEFT,
	 * MORE_RIGHT; the header marks hidden columns with '<' '>'. */
	const int *widths;
	int frozen, hscroll;
	int shown_end;
	int more_left, more_right;
	/* The last search (table_search): its matches are painted in
	 * reverse video (underlined on the selected row); WRAPPED: it went
	 * past the end (or the start) to find the row. */
	char find[256];
	int wrapped;
};

void table_clear(struct tui_table *tb);
/* Append a row; ATTR colours the status column (0: none). */
int table_push(struct tui_table *tb, char **cells, int attr);
/* Append a row with a colour pair per cell (ATTRS may be NULL). */
int table_push_attrs(struct tui_table *tb, char **cells, const int *attrs);
/* Replace cell (ROW, COL) with a copy of TEXT in colour pair ATTR. */
int table_set(struct tui_table *tb, int row, int col, const char *text, int attr);
/* Scroll so that the selection is among the HEIGHT rows shown (as
 * table_paint does); returns the first row shown. */
int table_scroll(struct tui_table *tb, int height);
/* Paint the table in rows Y0..Y1-1 (the header, then Y1-Y0-1 rows). */
void table_paint(struct tui *t, struct tui_table *tb, int y0, int y1);
/* Move the selection: UP/DOWN/PAGE_UP/PAGE_DOWN/TOP/END.  Returns
 * TUI_REDRAW when it moved. */
int table_move(struct tui_table *tb, enum tui_action a, int page);
/* Scroll the columns one to the right (DIR 1) or left (-1), within what
 * the last paint showed: TUI_REDRAW when they moved, TUI_HANDLED when
 * there is nothing more that way. */
int table_hscroll(struct tui_table *tb, int dir);
/* The width each column needs for its header and every row, each at most
 * MAX (0: no limit), malloc'd (NULL: out of memory); *TOTAL gets their
 * sum with the gaps between them. */
int *table_natural(const struct tui_table *tb, int max, int *total);
/* Select the row painted at screen row Y: 1 when a row was hit. */
int table_click(struct tui_table *tb, int y);
/* Find the next (DIR 1) or previous (-1) row after the selection whose
 * cells contain TEXT (case-insensitive); select it.  1 when found (then
 * tb->wrapped says whether it went round the end).  TEXT's matches are
 * highlighted from then on (tb->find). */
int table_search(struct tui_table *tb, const char *text, int dir);

/* The keys /, n and N on TB (a notice when the search went round: "search
 * hit BOTTOM, continuing at TOP", as vim says): / asks for a text (after PROMPT) into the
 * SIZE bytes of TEXT and finds it, n and N find the next or previous row
 * with TEXT.  1 when a row was found, 0 when not (when there is no text
 * yet, a notice says that / searches), -1 when / was cancelled. */
int table_search_keys(struct tui *t, struct tui_table *tb, enum tui_action a,
		      const char *prompt, char *text, size_t size);

#endif
