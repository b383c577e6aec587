/* cli/board.h — progress of a run on the terminal.
 *
 * On a terminal the board is a block of lines (a header, then one line per
 * step: status, elapsed time, attempt) redrawn in place with ANSI cursor
 * movement; when the output is not a terminal, it prints one plain line per
 * state change instead.  No curses: this is plain output.
 */
#ifndef RUNLENS_CLI_BOARD_H
#define RUNLENS_CLI_BOARD_H

#include <stdint.h>
#include <stdio.h>

struct board;

struct board_opts {
	FILE *out;
	int live;  /* 1: redraw in place (a terminal); 0: plain lines */
	int color; /* 1: ANSI colours */
	int rows;  /* terminal height, for capping the live board */
};

/* NAMES: the steps in display order (copied). */
struct board *board_new(const struct board_opts *o, const char *title,
			char *const *names, int n);
/* A step changed state.  DETAIL may be NULL ("exit code 1", …).
 * NOW_MS is a monotonic clock reading. */
/* RETRY_AT: a retrying step's next attempt (monotonic ms; 0: at once),
 * shown as "retrying in 4s". */
void board_step(struct board *b, int i, const char *status, int attempt,
		int max_attempts, const char *detail, int64_t retry_at,
		int64_t now_ms);
/* Redraw a live board if due (at most every 100 ms) or FORCE. */
void board_tick(struct board *b, int64_t now_ms, int force);
/* Final redraw, then release.  Accepts NULL; clears *b. */
void board_free(struct board **b, int64_t now_ms);

#endif
