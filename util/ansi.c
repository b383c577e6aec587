/* util/ansi.c — a log line as a terminal would leave it (util/ansi.h). */
#include "config.h"
#include "util/ansi.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"

static int put_cell(struct ansi_line *l, int *cur, const char *s, size_t len, int cols,
		    unsigned attr)
{
	if (*cur >= l->n) {
		if (l->n == l->cap) {
			int cap = l->cap ? 2 * l->cap : 128;
			struct ansi_cell *c = realloc(l->cells, (size_t)cap * sizeof *c);
			if (!c)
				return -1;
			l->cells = c;
			l->cap = cap;
		}
		*cur = l->n++;
	}
	struct ansi_cell *c = &l->cells[(*cur)++];
	if (len > sizeof c->text)
		len = sizeof c->text;
	memcpy(c->text, s, len);
	c->len = (unsigned char)len;
	c->cols = (unsigned char)cols;
	c->attr = (uint16_t)attr;
	return 0;
}

/* The SGR parameters between P and END (digits and ';') applied to ATTR. */
static unsigned sgr(const unsigned char *p, const unsigned char *end, unsigned attr)
{
	int v[32], nv = 0, x = -1;
	for (; p <= end; p++) {
		if (p < end && *p >= '0' && *p <= '9') {
			x = (x < 0 ? 0 : x) * 10 + (*p - '0');
			if (x > 9999)
				x = 9999;
			continue;
		}
		if (nv < 32)
			v[nv++] = x < 0 ? 0 : x;
		x = -1;
	}
	for (int i = 0; i < nv; i++) {
		int c = v[i];
		if (c == 0)
			attr = 0;
		else if (c == 1)
			attr |= ANSI_BOLD;
		else if (c == 2)
			attr |= ANSI_DIM;
		else if (c == 4)
			attr |= ANSI_UNDERLINE;
		else if (c == 7)
			attr |= ANSI_REVERSE;
		else if (c == 22)
			attr &= ~(unsigned)(ANSI_BOLD | ANSI_DIM);
		else if (c == 24)
			attr &= ~(unsigned)ANSI_UNDERLINE;
		else if (c == 27)
			attr &= ~(unsigned)ANSI_REVERSE;
		else if (c >= 30 && c <= 37)
			attr = (attr & ~(unsigned)ANSI_COLOR_MASK) | (unsigned)(1 + c - 30);
		else if (c >= 90 && c <= 97) /* bright: the colour, bold */
			attr = (attr & ~(unsigned)ANSI_COLOR_MASK) | (unsigned)(1 + c - 90) | ANSI_BOLD;
		else if (c == 39)
			attr &= ~(unsigned)ANSI_COLOR_MASK;
		else if ((c == 38 || c == 48) && i + 1 < nv)
			i += v[i + 1] == 5 ? 2 : v[i + 1] == 2 ? 4 : 1; /* 256 colours, RGB: skipped */
		/* backgrounds and the rest: ignored */
	}
	return attr;
}

int ansi_render(const unsigned char *p, size_t n, struct ansi_line *l)
{
	unsigned attr = 0;
	int cur = 0;
	char esc[12];
	l->n = 0;
	for (size_t i = 0; i < n;) {
		if (p[i] == '\r') {
			cur = 0; /* a carriage return before the newline (CRLF) too */
			i++;
			continue;
		}
		if (p[i] == 0x1b && i + 1 < n && p[i + 1] == '[') {
			/* CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, a final 0x40-0x7e */
			size_t j = i + 2;
			while (j < n && p[j] >= 0x30 && p[j] <= 0x3f)
				j++;
			size_t params_end = j;
			while (j < n && p[j] >= 0x20 && p[j] <= 0x2f)
				j++;
			if (j < n && params_end == j && (p[j] == 'm' || p[j] == 'K')) {
				int plain = 1; /* only digits and ';' */
				for (size_t k = i + 2; k < params_end; k++)
					plain &= (p[k] >= '0' && p[k] <= '9') || p[k] == ';';
				if (plain && p[j] == 'm') {
					attr = sgr(p + i + 2, p + params_end, attr);
					i = j + 1;
					continue;
				}
				if (plain && p[j] == 'K') {
					/* erase to the end of the line (0, the default), the whole line (2) */
					int mode = params_end > i + 2 ? p[i + 2] - '0' : 0;
					if (mode == 0 && cur < l->n)
						l->n = cur;
					else if (mode == 2)
						l->n = 0;
					i = j + 1;
					continue;
				}
			}
		}
		const char *piece;
		size_t plen;
		int cols;
		size_t used = text_piece(p + i, n - i, TEXT_TAB_SPACES, esc, &piece, &plen, &cols);
		if (put_cell(l, &cur, piece, plen, cols, attr) < 0)
			return -1;
		i += used;
	}
	return 0;
}

void ansi_line_free(struct ansi_line *l)
{
	free(l->cells);
	memset(l, 0, sizeof *l);
}
