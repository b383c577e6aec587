/* util/names.c — dotted names ("evaluate.avg_prec.test") shortened to a
 * width, the rule in util/names.h. */
#include "config.h"
#include "util/names.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Display width of UTF-8 text (code points). */
int names_width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* How many leading dotted parts NAME shares with some other of OTHERS. */
static int shared_parts(const char *name, char *const *others, int n)
{
	int best = 0;
	for (int i = 0; i < n; i++) {
		if (!strcmp(others[i], name))
			continue;
		int parts = 0;
		for (const char *a = name, *b = others[i];; a++, b++) {
			if (*a != *b)
				break;
			if (*a == '.')
				parts++;
			if (!*a)
				break;
		}
		if (parts > best)
			best = parts;
	}
	return best;
}

/* NAME with its parts ABBREV[i] != 0 shortened to their first letter. */
static char *abbreviated(const char *name, const int *abbrev, int nparts)
{
	struct buf b = BUF_INIT;
	const char *p = name;
	for (int i = 0; i < nparts; i++) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (i)
			buf_putc(&b, '.');
		if (abbrev[i] && len > 1) {
			size_t first = 1;
			while (first < len && ((unsigned char)p[first] & 0xC0) == 0x80)
				first++;
			buf_append(&b, p, first);
		} else {
			buf_append(&b, p, len);
		}
		p = dot ? dot + 1 : p + len;
	}
	return buf_steal(&b);
}

/* The last WIDTH-1 columns of S after an ellipsis. */
static char *cut_left(const char *s, int width, int utf8)
{
	if (width < 1)
		return strdup("");
	const char *p = s;
	int w = names_width(s);
	while (*p && w > width - 1) {
		p++;
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
		w--;
	}
	struct buf b = BUF_INIT;
	buf_puts(&b, utf8 ? "…" : "~");
	buf_puts(&b, p);
	return buf_steal(&b);
}

char *names_shorten(const char *name, int width, char *const *others, int n, int utf8)
{
	if (names_width(name) <= width)
		return strdup(name);
	int nparts = 1;
	for (const char *p = name; *p; p++)
		nparts += *p == '.';
	int *abbrev = calloc((size_t)nparts, sizeof *abbrev);
	if (!abbrev)
		return NULL;
	int shared = shared_parts(name, others, n);
	if (shared > nparts - 1)
		shared = nparts - 1;
	char *h = NULL;
	/* the shared parts from the left, then the others but the last */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nparts - 1; i++) {
			if ((pass == 0) != (i < shared) || abbrev[i])
				continue;
			abbrev[i] = 1;
			free(h);
			h = abbreviated(name, abbrev, nparts);
			if (!h || names_width(h) <= width)
				goto done;
		}
	if (!h)
		h = strdup(name);
	if (h && names_width(h) > width) {
		char *cut = cut_left(h, width, utf8);
		free(h);
		h = cut;
	}
done:
	free(abbrev);
	return h;
}

