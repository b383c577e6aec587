/* util/buf.h — a growable byte/string buffer, always NUL-terminated. */
#ifndef RUNLENS_UTIL_BUF_H
#define RUNLENS_UTIL_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Each returns 0, or -1 when memory runs out (the buffer is unchanged). */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A new string printed as printf would (malloc'd), or NULL when memory
 * runs out. */
char *buf_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Give the string to the caller (never NULL unless out of memory) and
 * reset the buffer. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

#endif
