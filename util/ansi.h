/* util/ansi.h — a line of a log as a terminal would leave it: SGR colour
 * and attribute codes (ESC [ … m) become attributes of its cells, a
 * carriage return goes back to the line's start so that a progress bar
 * redrawn with \r shows its last state, ESC [ K erases to the end; every
 * other escape and control character stays visible as \xNN (util/text.c),
 * never reaching the terminal. */
#ifndef RUNLENS_UTIL_ANSI_H
#define RUNLENS_UTIL_ANSI_H

#include <stddef.h>
#include <stdint.h>

/* A cell's attributes: the colour in the low 4 bits (0 the default, 1 + N
 * for SGR colour N of 0-7), then these. */
enum {
	ANSI_COLOR_MASK = 0x0f,
	ANSI_BOLD = 1 << 4,
	ANSI_DIM = 1 << 5,
	ANSI_UNDERLINE = 1 << 6,
	ANSI_REVERSE = 1 << 7,
};

struct ansi_cell {
	char text[12]; /* terminal-safe: one character, or \xNN */
	unsigned char len, cols;
	uint16_t attr;
};

struct ansi_line {
	struct ansi_cell *cells;
	int n, cap;
};

/* Render the N bytes at P (one line, without its newline) into L's cells
 * (replacing what it held).  0, or -1 when out of memory. */
int ansi_render(const unsigned char *p, size_t n, struct ansi_line *l);
void ansi_line_free(struct ansi_line *l);

#endif
