/* tui/tui.h — the terminal browser.  Reads through store/, acts through
 * core/; the only place that includes curses. */
#ifndef RUNLENS_TUI_TUI_H
#define RUNLENS_TUI_TUI_H

#include "util/error.h"

struct tui_opts {
	const char *store_flag; /* --store, or NULL */
	const char *run_ref;	/* open this run, or NULL for the runs list */
	int read_only;
};

/* Run the browser until the user quits.  Returns 0, or -1 with *err. */
int tui_main(const struct tui_opts *o, struct rl_err *err);

#endif
