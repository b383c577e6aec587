/* util/text.h — terminal-safe text: the one escaper every layer uses.
 *
 * A terminal acts on some bytes instead of showing them: C0 controls
 * (ESC starts colour, title, clipboard sequences…), DEL, the C1 controls
 * U+0080..U+009F, and bytes that are not valid UTF-8.  Each of those is
 * shown as "\xNN" (one escape per byte); everything else passes as it is.
 * Newline and tab are escaped too unless the caller keeps them.
 */
#ifndef RUNLENS_UTIL_TEXT_H
#define RUNLENS_UTIL_TEXT_H

#include <stddef.h>

#include "util/buf.h"

enum text_flags {
	TEXT_KEEP_NEWLINE = 1 << 0, /* '\n' passes */
	TEXT_KEEP_TAB = 1 << 1,	    /* '\t' passes */
	TEXT_TAB_SPACES = 1 << 2,   /* '\t' becomes four spaces */
};

/* Length of the valid UTF-8 sequence at P (at most N bytes), or 0 for an
 * invalid one (overlong forms and surrogates included). */
size_t text_utf8_len(const unsigned char *p, size_t n);

/* One character of text: the bytes to show for the character at P (at
 * most N bytes) under FLAGS.  *piece points into P or into ESC (a buffer
 * of 12 bytes), *plen is its length, *cols the columns it takes.
 * Returns the number of bytes of P consumed (>= 1 when N > 0). */
size_t text_piece(const unsigned char *p, size_t n, unsigned flags, char esc[12],
		  const char **piece, size_t *plen, int *cols);

/* Append the terminal-safe form of the N bytes of S to OUT.  0, or -1
 * when memory runs out. */
int text_escape(struct buf *out, const char *s, size_t n, unsigned flags);

/* The same, of a NUL-terminated string, malloc'd (NULL: out of memory). */
char *text_escape_str(const char *s, unsigned flags);

/* The terminal columns S takes in the current locale (wcwidth: a CJK
 * character two, a combining mark none; a byte the locale cannot read
 * one): the one measure of tables and screens. */
int text_width(const char *s);

#endif
