/* tui/history.h — what was typed at the browser's prompts, kept between
 * runs of the browser in $XDG_STATE_HOME/runlens/history (default
 * ~/.local/state/runlens/history), one entry a line: the prompt's name, a
 * tab, the text.  Each prompt has its own list (filter, search, the `:`
 * line…); Up and Down walk it (widget_dialog.c). */
#ifndef RUNLENS_TUI_HISTORY_H
#define RUNLENS_TUI_HISTORY_H

#include <stddef.h>

/* The path of the history file (malloc'd), or NULL when neither
 * XDG_STATE_HOME nor HOME is set. */
char *history_path(void);
/* The entries of the list NAME, oldest first: *items malloc'd (free each
 * and the array: history_free); the file is read each time (another
 * browser may have added to it). */
int history_list(const char *name, char ***items, int *n);
void history_free(char **items, int n);
/* Add TEXT to the list NAME (not when empty, nor when it is that list's
 * newest already).  The file keeps the newest HISTORY_KEEP entries. */
#define HISTORY_KEEP 1000
void history_add(const char *name, const char *text);

#endif
