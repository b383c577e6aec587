/* client/records.h — what runlens keeps exactly, said once: the rules of
 * the records a step appends (metadata, metrics, state) and of the JSON
 * text runlens takes in.
 *
 * One rule, two sides: librunlens (client/context.c, which the step
 * commands `runlens meta|metric|state` use too) checks before it writes,
 * so a step is told at once; the runner (core/ingest.c) drops a line by
 * the same rules, so no other writer gets past them.  The pipeline parser
 * and -p (core/spec*.c) apply the JSON text rule.  libc and cJSON only:
 * the file is compiled into librunlens and into the runtime.  The Python
 * module (python/runlens) mirrors these rules; tests/e2e/values.sh sends
 * the same values through every writer.
 *
 * Functions returning int return 0 when the value passes, -1 with *WHY
 * set to a malloc'd sentence saying what is wrong (NULL when memory ran
 * out).
 */
#ifndef RUNLENS_CLIENT_RECORDS_H
#define RUNLENS_CLIENT_RECORDS_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* A metric's index is kept as a double: beyond this it is not exact. */
#define RECORDS_INDEX_MAX 9e15

/* How deep JSON text may nest: as deep as cJSON reads. */
#define RECORDS_DEPTH_MAX CJSON_NESTING_LIMIT
/* How deep a value (of metadata, state, a -p param) may nest: room for
 * the documents that hold it, which cJSON must read too (a record holds a
 * value 2 levels down, {"meta": {"KEY": VALUE}}; context.json 3). */
#define RECORDS_VALUE_DEPTH_MAX (CJSON_NESTING_LIMIT - 8)

/* What cJSON would parse but not keep as written. */
enum records_json_problem {
	RECORDS_JSON_OK,
	RECORDS_JSON_NUL,     /* a string holds \u0000: a C string ends there */
	RECORDS_JSON_HUGE,    /* a number beyond a double's range (1e999) */
	RECORDS_JSON_TINY,    /* a non-zero number a double makes 0 (1e-999) */
	RECORDS_JSON_INEXACT, /* an integer beyond 2^53 a double does not hold
				 (9007199254740993) */
	RECORDS_JSON_DEEP,    /* arrays and objects nested deeper than allowed */
};

/* The first problem in the N bytes of TEXT, arrays and objects nested at
 * most MAX_DEPTH levels, with *OFF and *LEN the bytes it is about (the
 * number, the escape, the bracket).  TEXT need not be valid JSON:
 * strings, numbers and brackets are scanned, nothing else is checked.
 * OFF and LEN may be NULL. */
enum records_json_problem records_json_check(const char *text, size_t n, int max_depth,
					     size_t *off, size_t *len);

/* The same rule for one number written as JSON writes it (the N bytes of
 * TEXT: "-12", "0.5", "1e999"); text that is not a JSON number passes. */
enum records_json_problem records_number_check(const char *text, size_t n);

/* PROBLEM as a sentence (malloc'd; NULL for RECORDS_JSON_OK or when
 * memory runs out), naming the number TOK (LEN bytes) it is about unless
 * TOK is NULL: "1e999 is too large for a number (it would become
 * infinity)", "nested deeper than MAX_DEPTH levels". */
char *records_json_why(enum records_json_problem problem, const char *tok, size_t len,
		       int max_depth);

/* TEXT (a value given as JSON: -p, `runlens meta`, librunlens) when it
 * is JSON that cJSON would not keep as written, or nest deeper than
 * MAX_DEPTH: why (malloc'd), with *WHOLE (may be NULL) set when all of
 * TEXT is the one number at fault, so that a caller can say how to quote
 * it.  NULL when TEXT is fine, or is no JSON at all (a caller may take it
 * as text), or memory runs out. */
char *records_value_why(const char *text, int max_depth, int *whole);

/* A metric: KEY non-empty, VALUE finite, and when HAS_INDEX an INDEX that
 * is an integer within +-RECORDS_INDEX_MAX. */
int records_metric_check(const char *key, double value, int has_index, double index,
			 char **why);

/* Metadata or state (WHAT: "metadata", "state"): a non-empty object whose
 * keys are non-empty. */
int records_object_check(const cJSON *obj, const char *what, char **why);

#endif
