/* tests/fuzz/fuzz_mask.c — libFuzzer target and property test of secret
 * masking (core/secrets.c).  The input holds up to four secret values
 * (NUL-separated, first) and then a stream; the stream is fed to the
 * masker in pieces whose sizes the data chooses.  Properties:
 *   - the pieces give exactly what mask_string gives for the whole text
 *     (a value split across writes is masked like any other);
 *   - no value and no line of a value (without the blanks around it) of
 *     at least MASK_MIN_CHARS characters and without '*' is left in the
 *     output, however often it repeats on one line. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mask.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; k && i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The LEN bytes at S are masked and must not be in OUT. */
static void check_gone(const char *out, size_t n, const char *s, size_t len)
{
	if (mask_chars(s, len) < MASK_MIN_CHARS || memchr(s, '*', len))
		return;
	char *v = strndup(s, len);
	if (v && contains(out, n, v)) {
		fprintf(stderr, "secret '%s' left in the output\n", v);
		abort();
	}
	free(v);
}

/* VALUE whole and each of its lines, trimmed, are not in OUT (the rule of
 * util/mask.h said again here, apart from the code it checks). */
static void check_value_gone(const char *out, size_t n, const char *value)
{
	size_t len = strlen(value);
	check_gone(out, n, value, len);
	for (size_t start = 0; start <= len;) {
		const char *nl = memchr(value + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - value) : len, a = start, b = end;
		while (a < b && is_blank(value[a]))
			a++;
		while (b > a && is_blank(value[b - 1]))
			b--;
		check_gone(out, n, value + a, b - a);
		start = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *vals[4];
	int n = 0;
	size_t off = 0;
	/* values: up to 4 NUL-terminated strings at the start */
	while (n < 4 && off < size) {
		const uint8_t *z = memchr(data + off, '\0', size - off);
		if (!z)
			break;
		size_t len = (size_t)(z - (data + off));
		vals[n] = strndup((const char *)data + off, len);
		n++;
		off += len + 1;
		if (len == 0)
			break; /* an empty string ends the list */
	}
	/* the stream: no NUL bytes (mask_string takes a C string) */
	size_t slen = size - off;
	char *text = malloc(slen + 1);
	size_t tl = 0;
	for (size_t i = 0; text && i < slen; i++)
		if (data[off + i])
			text[tl++] = (char)data[off + i];
	if (!text)
		goto cleanup;
	text[tl] = '\0';
	struct masker *m = masker_new(vals, n);
	struct buf out = BUF_INIT;
	size_t pos = 0, step = 1;
	while (pos < tl) {
		step = 1 + ((unsigned char)text[pos] * 7 + step) % 13;
		if (step > tl - pos)
			step = tl - pos;
		masker_feed(m, text + pos, step, &out);
		pos += step;
	}
	masker_flush(m, &out);
	masker_free(&m);
	char *whole = mask_string(vals, n, text);
	if (!whole || out.len != strlen(whole) ||
	    memcmp(out.data ? out.data : "", whole, out.len) != 0) {
		fprintf(stderr, "pieces and whole differ\n");
		abort();
	}
	for (int i = 0; i < n; i++)
		check_value_gone(out.data ? out.data : "", out.len, vals[i]);
	free(whole);
	buf_free(&out);
cleanup:
	free(text);
	for (int i = 0; i < n; i++)
		free(vals[i]);
	return 0;
}
