/* util/mask.h — masking secret values: every occurrence of a value
 * becomes "***" in captured output (a streaming masker, so a value split
 * across two writes is caught), in strings and in JSON documents.
 *
 * What is masked: each value whole, and each line of it (the value split
 * at '\n', without the spaces, tabs and '\r' around the line), so a PEM
 * key or a JSON credential a step prints one line at a time, with other
 * text between, or only some of its lines, is masked where each line
 * appears.  A value or line of fewer than MASK_MIN_CHARS characters (UTF-8
 * code points) is not masked: a one-letter value would turn "banana" into
 * "b***n***n***" (`runlens secret set` refuses such values; one stored
 * before is left unmasked, and so are the short lines of a longer value,
 * a "}" or a blank line). */
#ifndef RUNLENS_UTIL_MASK_H
#define RUNLENS_UTIL_MASK_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

#define SECRET_MASK "***"

/* The fewest characters a value (or a line of one) must have to be
 * masked. */
#define MASK_MIN_CHARS 4

/* The number of characters (UTF-8 code points; a stray byte counts as
 * one) of the LEN bytes at S. */
size_t mask_chars(const char *s, size_t len);

/* Streaming masker: replaces every occurrence of any of the values (and
 * of their lines, see above) with "***", also when one is split across
 * two feeds; where several match at one place, the longest wins. */
struct masker;

/* VALUES are copied; NULL, empty and short values are ignored.  NULL when
 * memory runs out. */
struct masker *masker_new(char *const *values, int n);
/* Mask DATA and append what is safe to emit to OUT; up to (longest
 * value - 1) bytes are held back until the next feed or the flush. */
void masker_feed(struct masker *m, const char *data, size_t len,
		 struct buf *out);
/* Emit what is held back (the stream ended). */
void masker_flush(struct masker *m, struct buf *out);
void masker_free(struct masker **m);

/* A copy of S with every value masked (malloc'd). */
char *mask_string(char *const *values, int n, const char *s);

/* Mask every string inside a JSON value, keys too, in place. */
void mask_json(char *const *values, int n, cJSON *v);

/* Mask a record line's document: what is under its top-level keys, not
 * those keys (the record protocol's "meta", "metric", "value", …), by
 * structure and as printed JSON text, so a value the writer escaped
 * ("\u00e9", "\"") is caught too; a value whose masked text no longer
 * parses becomes "***" whole. */
void mask_json_record(char *const *values, int n, cJSON *doc);

/* Mask a text of JSON lines (a records file) into OUT: a line that is
 * JSON is parsed, masked with mask_json_record and printed back compact;
 * any other line is masked as text.  Line ends are kept. */
void mask_json_lines(char *const *values, int n, const char *text, size_t len,
		     struct buf *out);

#endif
