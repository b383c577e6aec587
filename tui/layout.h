/* tui/layout.h — fitting table columns to the screen width, as a pure
 * function (no curses) so it is unit-tested on its own. */
#ifndef RUNLENS_TUI_LAYOUT_H
#define RUNLENS_TUI_LAYOUT_H

/* A column of a table. */
struct tui_col {
	const char *title;
	int min;   /* minimum width */
	int right; /* right-aligned */
	int grow;  /* takes the width left over */
	int drop;  /* when the screen is narrow, left out first (highest
		    * first; 0: never) */
};

/* Fit NC columns separated by two spaces into AVAIL columns.  W holds the
 * natural width of each column (header and visible cells) and receives
 * the width to draw; VIS receives 1 for the columns shown, 0 for those
 * left out.  Too wide: very wide columns are trimmed to 16, then columns
 * are left out by their `drop` rank (highest first, the rightmost of
 * equals) and the trimmed ones get back what that freed, then the widest
 * columns shrink to 10, the growing one to 8, then any to 4.  Room to
 * spare goes to the last shown column unless it is right-aligned. */
void layout_fit(const struct tui_col *cols, int nc, int avail, int *w, int *vis);

/* Columns of fixed widths W (NC of them, two spaces between) that scroll
 * sideways: the first FROZEN are always shown, then from column FIRST
 * (>= FROZEN) as many as fit whole in AVAIL columns, at least one.
 * Returns the end of those (exclusive). */
int layout_window(const int *w, int nc, int frozen, int first, int avail);

#endif
