/* tui/widget_dialog.h — the small dialogs every view uses: a one-line
 * prompt on the bottom row, a yes/no box (the rerun plan, deleting), and
 * a chooser (sort column, metric columns, saved views).  Each waits for
 * keys itself and paints the view under it again.  The boxes take the
 * mouse too: a click on an item chooses it (the arranger: shows or hides
 * it), on the y or N of "[y/N]" or the "Enter …" or "Esc …" of their last
 * line presses that key, off the box cancels; the wheel moves. */
#ifndef RUNLENS_TUI_WIDGET_DIALOG_H
#define RUNLENS_TUI_WIDGET_DIALOG_H

#include <stddef.h>

struct tui;

/* Ask for a line of text on the bottom row, as readline does: Left/Right
 * (C-b/C-f), Home/End (C-a/C-e), Backspace, Delete (C-d), C-k (to the
 * end), C-u (to the start), C-w (a word back); Up/Down walk what was
 * entered at this prompt before (history.h: kept between runs); Tab
 * completes when the prompt has a completer.  INITIAL (may be NULL) is
 * shown selected: the first character typed replaces it, a movement key
 * keeps it.  Returns 1 with BUF filled on Enter, 0 on Esc (or C-g, C-c). */
int tui_prompt(struct tui *t, const char *label, const char *initial, char *buf,
	       size_t size);

/* The candidates for the word being typed: LINE is the text up to the
 * cursor, the word starts at byte WORD_AT; *items (malloc'd, each
 * malloc'd) are whole replacements of the word.  0, or -1. */
typedef int (*prompt_complete_fn)(struct tui *t, void *ctx, const char *line, size_t word_at,
				  char ***items, int *n);

struct prompt_opts {
	const char *label;
	const char *initial;
	const char *history; /* its list in the history file (NULL: the label) */
	prompt_complete_fn complete; /* NULL: Tab does nothing */
	void *ctx;
};
int tui_prompt_ex(struct tui *t, const struct prompt_opts *o, char *buf, size_t size);
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
