/* tui/actions.h — every user action of the browser, once: its name, its
 * keys and its help.  The enum, the key lookup and the `?` screen are all
 * made from this table, so help cannot drift from behaviour. */
#ifndef RUNLENS_TUI_ACTIONS_H
#define RUNLENS_TUI_ACTIONS_H

/* X(NAME, key, second key (0: none), key label, help) */
#define TUI_ACTIONS(X)                                                        \
	X(UP, KEY_UP, 'k', "Up/k", "move up")                                  \
	X(DOWN, KEY_DOWN, 'j', "Down/j", "move down")                          \
	X(PAGE_UP, KEY_PPAGE, 0, "PgUp", "page up")                            \
	X(PAGE_DOWN, KEY_NPAGE, ' ', "PgDn/Space", "page down")                \
	X(TOP, 'g', KEY_HOME, "g/Home", "go to the top")                       \
	X(OPEN, '\n', KEY_ENTER, "Enter", "open the selected row")             \
	X(LOGS, 'l', 0, "l", "logs of the selected step")                      \
	X(BACK, 'q', 27, "q/Esc", "back (quit from the first view)")           \
	X(REFRESH, KEY_F(5), 12, "F5/Ctrl-L", "reload from the store")         \
	X(HELP, '?', 0, "?", "this help")

enum tui_action {
	ACT_NONE = 0,
#define TUI_ACT_ENUM(name, k1, k2, label, help) ACT_##name,
	TUI_ACTIONS(TUI_ACT_ENUM)
#undef TUI_ACT_ENUM
	ACT__COUNT
};

#endif
