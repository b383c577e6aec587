/* tui/widget_dialog.h — the small dialogs every view uses: a one-line
 * prompt on the bottom row, a yes/no box (the rerun plan, deleting), and
 * a chooser (sort column, metric columns, saved views).  Each waits for
 * keys itself and paints the view under it again. */
#ifndef RUNLENS_TUI_WIDGET_DIALOG_H
#define RUNLENS_TUI_WIDGET_DIALOG_H

#include <stddef.h>

struct tui;

/* Ask for a line of text on the bottom row, starting with INITIAL (may be
 * NULL).  Returns 1 with BUF filled on Enter, 0 on Esc. */
int tui_prompt(struct tui *t, const char *label, const char *initial, char *buf,
	       size_t size);
/* Show TITLE and N lines in a box and ask QUESTION (y/n).  Returns 1 for
 * yes. */
int tui_confirm(struct tui *t, const char *title, char *const *lines, int n,
		const char *question);
/* Let the user pick one of N items (arrows, Enter; Esc cancels).  MARKED
 * (may be NULL) shows a check box per item, toggled with Space, and the
 * dialog then returns on Enter with the toggles kept.  Returns the chosen
 * index, or -1. */
int tui_choose(struct tui *t, const char *title, char *const *items, int n, int sel,
	       int *marked);

/* One row of tui_arrange: its label, shown or not, and a flag of its own
 * (FLAG -1: it has none). */
struct arrange_item {
	const char *label;
	int on;
	int flag;
	int id; /* the caller's: which item this is once reordered */
};

/* Arrange N items the way htop's F2 and visidata arrange columns: Space
 * shows or hides the selected item, K/J (or Shift-Up/Down, [ and ]) move
 * it up or down, t toggles its flag (FLAG_NAME says what it is: "spark"),
 * r puts back the defaults.  Returns 1 on Enter with ITEMS reordered and
 * changed, 2 for r (the caller puts the defaults back), 0 on Esc (ITEMS
 * as they were). */
int tui_arrange(struct tui *t, const char *title, const char *flag_name,
		struct arrange_item *items, int n);

#endif
