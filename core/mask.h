/* core/mask.h — masking secret values: every occurrence of a value
 * becomes "***" in captured output (a streaming masker, so a value split
 * across two writes is caught), in strings and in JSON documents. */
#ifndef RUNLENS_CORE_MASK_H
#define RUNLENS_CORE_MASK_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

#define SECRET_MASK "***"

/* Streaming masker: replaces every occurrence of any of the values with
 * "***", also when a value is split across two feeds. */
struct masker;

/* VALUES are copied; empty values are ignored. */
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

/* Mask a text of JSON lines (a records file) into OUT: a line that is
 * JSON is parsed, masked with mask_json and printed back compact, so a
 * value the writer escaped ("\u00e9", "\"") is caught too; any other line
 * is masked as text.  Line ends are kept. */
void mask_json_lines(char *const *values, int n, const char *text, size_t len,
		     struct buf *out);

#endif
