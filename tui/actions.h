/* tui/actions.h — every user action of the browser, once: its name, its
 * keys, where it applies and its help.  The enum, the key lookup, the `?`
 * screen and the status-bar hints are all made from this table, so help
 * cannot drift from behaviour. */
#ifndef RUNLENS_TUI_ACTIONS_H
#define RUNLENS_TUI_ACTIONS_H

/* X(NAME, key, second key (0: none), key label, where, help) */
#define TUI_ACTIONS(X)                                                                    \
	X(UP, KEY_UP, 'k', "Up/k", "lists", "move up")                                     \
	X(DOWN, KEY_DOWN, 'j', "Down/j", "lists", "move down")                             \
	X(LEFT, KEY_LEFT, 'h', "Left/h", "step, logs", "previous tab; scroll left")        \
	X(RIGHT, KEY_RIGHT, '\t', "Right/Tab", "step, logs", "next tab; scroll right")     \
	X(PAGE_UP, KEY_PPAGE, 2, "PgUp/C-b", "lists", "page up")                           \
	X(PAGE_DOWN, KEY_NPAGE, 6, "PgDn/C-f", "lists", "page down")                       \
	X(TOP, 'g', KEY_HOME, "g/Home", "lists", "first row")                              \
	X(END, 'G', KEY_END, "G/End", "lists", "last row (logs: the end)")                 \
	X(OPEN, '\n', KEY_ENTER, "Enter", "all", "open the selected row")                  \
	X(BACK, 'q', 27, "q/Esc", "all", "back (quit from the first view)")                \
	X(QUIT, 'Q', 0, "Q", "all", "quit the browser")                                    \
	X(SEARCH, '/', 0, "/", "lists, logs", "search text")                               \
	X(NEXT, 'n', 0, "n", "lists, logs", "next match")                                  \
	X(PREV, 'N', 0, "N", "lists, logs", "previous match")                              \
	X(FILTER, 'f', 0, "f", "runs", "filter (ls --where language)")                     \
	X(SORT, 's', 0, "s", "runs", "sort by a column (again: reverse)")                  \
	X(MARK, ' ', 0, "Space", "runs", "mark / unmark a run")                            \
	X(COMPARE, 'c', 0, "c", "runs, run", "compare marked runs (or run vs baseline)")   \
	X(PIN, 'b', 0, "b", "runs, run", "pin the run as its pipeline's baseline")         \
	X(COLUMNS, 'C', 0, "C", "runs", "choose metric columns")                           \
	X(SAVE_VIEW, 'S', 0, "S", "runs", "save filter, sort, columns as a view")          \
	X(VIEWS, 'v', 0, "v", "runs", "recall a saved view")                               \
	X(METRIC, 'm', 0, "m", "pipelines, compare", "choose the metric to draw")          \
	X(PIPELINES, 'p', 0, "p", "all", "pipelines")                                      \
	X(RERUN, 'r', 0, "r", "runs, run", "rerun the run (plan first)")                   \
	X(RERUN_FROM, 'R', 0, "R", "run, step", "rerun from the selected step")            \
	X(EDIT_RERUN, 'e', 0, "e", "runs, run", "edit params, then rerun")                 \
	X(DELETE, 'd', KEY_DC, "d/Del", "runs", "delete the run (asks first)")             \
	X(LOGS, 'l', 0, "l", "run, step", "logs of the selected step")                     \
	X(OPEN_ARTIFACT, 'o', 0, "o", "step", "open the output in $PAGER")                 \
	X(FOLLOW, 'F', 0, "F", "logs", "follow the end of a running step's log")           \
	X(WRAP, 'w', 0, "w", "logs", "wrap long lines on/off")                             \
	X(REFRESH, KEY_F(5), 12, "F5/C-l", "all", "reload from the store")                 \
	X(HELP, '?', 0, "?", "all", "this help")

enum tui_action {
	ACT_NONE = 0,
#define TUI_ACT_ENUM(name, k1, k2, label, where, help) ACT_##name,
	TUI_ACTIONS(TUI_ACT_ENUM)
#undef TUI_ACT_ENUM
	ACT__COUNT
};

#endif
