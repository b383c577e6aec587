/* tui/screen.h — what the loop (app.c) asks of the screen (screen.c):
 * colours, bringing the top view up to date, painting it with its bars,
 * and the `?` screen. */
#ifndef RUNLENS_TUI_SCREEN_H
#define RUNLENS_TUI_SCREEN_H

#include "tui/actions.h"

struct tui;

/* Below this the browser shows "terminal too small". */
#define SCREEN_MIN_LINES 8
#define SCREEN_MIN_COLS 40
/* The keys' column of the ? screen ("Left/h/S-Tab"). */
#define SCREEN_HELP_KEYS 13
#define SCREEN_HELP_KEYS_W "13"
/* The row of the ? screen that has T->help_find after (DIR 1) or before
 * (-1) row FROM, wrapping; -1 when none.  *wrapped: it went round. */
int screen_help_find(struct tui *t, int from, int dir, int *wrapped);

void screen_init_colors(struct tui *t);
/* The screen's size into T, then the top view's recalc(). */
void screen_recalc(struct tui *t);
/* The top view, the title bar and the status bar (with its hints). */
void screen_paint(struct tui *t);
/* The ? screen of the top view, from its row TOP. */
void screen_paint_help(struct tui *t, int top);
/* How many rows the ? screen of the top view has. */
int screen_help_rows(struct tui *t);
/* The action of the key whose row the ? screen painted from its row TOP
 * shows at Y, X (a click there does it in the view), else ACT_NONE. */
enum tui_action screen_help_action(struct tui *t, int top, int y, int x);

#endif
