/* tui/actions.h — every action of the browser once: its name, its keys,
 * and how the keys are written on the `?` screen and in the status bar.
 * What an action does, and in which view, is said where it is handled:
 * each view's table of actions (struct view_action in internal.h), from
 * which its status-bar hints and its `?` screen are generated, so help
 * cannot drift from behaviour. */
#ifndef RUNLENS_TUI_ACTIONS_H
#define RUNLENS_TUI_ACTIONS_H

/* X(NAME, key, second key (0: none), label on the ? screen, label in the
 * status bar, the same in ASCII (NULL: as in UTF-8)).  A few actions have
 * a third key (keys.c: Tab is Right, Shift-Tab Left).  The keys are the
 * defaults: keys_bind() (keys.c) rebinds them at run time, by the
 * action's name (keys_action_named: "rerun_from" for RERUN_FROM). */
#define TUI_ACTIONS(X)                                                 \
	X(UP, KEY_UP, 'k', "Up/k", "↑", "Up")                         \
	X(DOWN, KEY_DOWN, 'j', "Down/j", "↓", "Down")                 \
	X(LEFT, KEY_LEFT, 'h', "Left/h/S-Tab", "←", "Left")           \
	X(RIGHT, KEY_RIGHT, 'l', "Right/l/Tab", "→", "Right")         \
	X(PAGE_UP, KEY_PPAGE, 2, "PgUp/C-b", "PgUp", NULL)            \
	X(PAGE_DOWN, KEY_NPAGE, 6, "PgDn/C-f", "PgDn", NULL)          \
	X(TOP, 'g', KEY_HOME, "g/Home", "g", NULL)                    \
	X(END, 'G', KEY_END, "G/End", "G", NULL)                      \
	X(OPEN, '\n', KEY_ENTER, "Enter", "Enter", NULL)              \
	X(BACK, 'q', 0, "q", "q", NULL)                               \
	X(CANCEL, 27, 0, "Esc", "Esc", NULL)                          \
	X(QUIT, 'Q', 0, "Q", "Q", NULL)                               \
	X(SEARCH, '/', 0, "/", "/", NULL)                             \
	X(NEXT, 'n', 0, "n", "n", NULL)                               \
	X(PREV, 'N', 0, "N", "N", NULL)                               \
	X(FILTER, 'f', 0, "f", "f", NULL)                             \
	X(SORT, 's', 0, "s", "s", NULL)                               \
	X(MARK, ' ', 0, "Space", "Space", NULL)                       \
	X(COMPARE, 'c', 0, "c", "c", NULL)                            \
	X(PIN, 'b', 0, "b", "b", NULL)                                \
	X(UNPIN, 'B', 0, "B", "B", NULL)                              \
	X(UNMARK_ALL, 'u', 0, "u", "u", NULL)                         \
	X(COLUMNS, 'C', 0, "C", "C", NULL)                            \
	X(SAVE_VIEW, 'S', 0, "S", "S", NULL)                          \
	X(VIEWS, 'v', 0, "v", "v", NULL)                              \
	X(METRIC, 'm', 0, "m", "m", NULL)                             \
	X(PLOT, 'P', 0, "P", "P", NULL)                               \
	X(PIPELINES, 'p', 0, "p", "p", NULL)                          \
	X(RERUN, 'r', 0, "r", "r", NULL)                              \
	X(RERUN_FROM, 'R', 0, "R", "R", NULL)                         \
	X(EDIT_RERUN, 'e', 0, "e", "e", NULL)                         \
	X(DELETE, 'd', KEY_DC, "d/Del", "d", NULL)                    \
	X(LOGS, 'L', 0, "L", "L", NULL)                               \
	X(OPEN_ARTIFACT, 'o', 0, "o", "o", NULL)                      \
	X(SPEC_DIFF, 'O', 0, "O", "O", NULL)                          \
	X(DAG, 'D', 0, "D", "D", NULL)                                \
	X(FOLLOW, 'F', 0, "F", "F", NULL)                             \
	X(WRAP, 'w', 0, "w", "w", NULL)                               \
	X(DETAILS, 'i', 0, "i", "i", NULL)                            \
	X(YANK, 'y', 0, "y", "y", NULL)                               \
	X(COMMAND, ':', 0, ":", ":", NULL)                            \
	X(REFRESH, KEY_F(5), 12, "F5/C-l", "F5", NULL)                \
	X(HELP, '?', 0, "?", "?", NULL)

enum tui_action {
	ACT_NONE = 0,
#define TUI_ACT_ENUM(name, k1, k2, label, bar, bar_ascii) ACT_##name,
	TUI_ACTIONS(TUI_ACT_ENUM)
#undef TUI_ACT_ENUM
	ACT__COUNT
};

#endif
