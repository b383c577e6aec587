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

#endif
