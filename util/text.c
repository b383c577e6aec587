/* util/text.c — terminal-safe text (util/text.h). */
#include "config.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <wchar.h>

size_t text_utf8_len(const unsigned char *p, size_t n)
{
	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	size_t len;
	unsigned int cp;
	if ((p[0] & 0xE0) == 0xC0) {
		len = 2;
		cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3;
		cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

size_t text_piece(const unsigned char *p, size_t n, unsigned flags, char esc[12],
		  const char **piece, size_t *plen, int *cols)
{
	unsigned char c = p[0];
	size_t len = text_utf8_len(p, n);
	/* C1 controls: U+0080..U+009F, encoded C2 80..C2 9F */
	int c1 = len == 2 && c == 0xC2 && p[1] < 0xA0;
	if ((c == '\n' && (flags & TEXT_KEEP_NEWLINE)) ||
	    (c == '\t' && (flags & TEXT_KEEP_TAB))) {
		*piece = (const char *)p;
		*plen = 1;
		*cols = 1;
		return 1;
	}
	if (c == '\t' && (flags & TEXT_TAB_SPACES)) {
		*piece = "    ";
		*plen = 4;
		*cols = 4;
		return 1;
	}
	if (len == 0 || c < 0x20 || c == 0x7F || c1) {
		/* one escape per byte: a C1 control is two */
		if (c1)
			snprintf(esc, 12, "\\x%02x\\x%02x", c, p[1]);
		else
			snprintf(esc, 12, "\\x%02x", c);
		*piece = esc;
		*plen = c1 ? 8 : 4;
		*cols = (int)*plen;
		return c1 ? 2 : 1;
	}
	*piece = (const char *)p;
	*plen = len;
	*cols = 1;
	return len;
}

int text_escape(struct buf *out, const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	char esc[12];
	while (i < n) {
		const char *piece;
		size_t plen;
		int cols;
		i += text_piece(p + i, n - i, flags, esc, &piece, &plen, &cols);
		if (buf_append(out, piece, plen) < 0)
			return -1;
	}
	return 0;
}

char *text_escape_str(const char *s, unsigned flags)
{
	struct buf b = BUF_INIT;
	if (text_escape(&b, s ? s : "", s ? strlen(s) : 0, flags) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.data ? buf_steal(&b) : strdup("");
}

/* C.UTF-8's character tables, for a process whose locale reads no UTF-8
 * (LANG unset: cron, a container), or (locale_t)0 when the system has
 * none. */
static locale_t utf8_tables(void)
{
	static locale_t loc;
	static int tried;
	if (!tried) {
		tried = 1;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

int text_width(const char *s)
{
	/* names are UTF-8 whatever the locale says: measured as such */
	locale_t u = MB_CUR_MAX == 1 ? utf8_tables() : (locale_t)0;
	locale_t before = u ? uselocale(u) : (locale_t)0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	int w = 0;
	size_t len = strlen(s);
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			w++;
			s++;
			len--;
			memset(&st, 0, sizeof st);
			continue;
		}
		if (n == 0)
			break;
		int cw = wcwidth(wc);
		w += cw > 0 ? cw : 0;
		s += n;
		len -= n;
	}
	if (before)
		uselocale(before);
	return w;
}
