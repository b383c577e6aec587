/* util/num.h — numbers as text that reads back as the same double.
 *
 * Every number runlens writes for a program to read (--json, --csv, JSON
 * text kept in the store, the records a step appends) goes through
 * num_shortest: the shortest decimal that strtod reads back as exactly the
 * same double, so 0.8065028599349271 stays that and 0.1 stays 0.1.
 * (cJSON prints 15 significant digits and calls that exact when it is
 * merely close: 0.8065028599349271 became 0.806502859934927, another
 * double.)
 *
 * The form: an integer of magnitude up to 2^53 as an integer ("3",
 * "9007199254740992"); -0.0 as "-0.0" (a JSON reader that makes "-0" an
 * integer would lose the sign); others in fixed notation when the decimal
 * exponent is in [-4, 16) ("0.1", "1234.5", "0.0001"), else in exponent
 * notation with at least two exponent digits ("1e-05", "1e+16",
 * "5e-324", "1.7976931348623157e+308") — the rule of Python's repr.
 */
#ifndef RUNLENS_UTIL_NUM_H
#define RUNLENS_UTIL_NUM_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Room for any num_shortest text and its NUL ("-1.2345678901234567e-308"). */
#define NUM_BUF 32

/* The shortest text of V into BUF; returns its length.  V not finite (NaN,
 * ±inf): BUF is "" and 0 is returned (JSON says null, CSV leaves the cell
 * empty). */
size_t num_shortest(double v, char buf[NUM_BUF]);

/* DOC printed as cJSON_Print (PRETTY) or cJSON_PrintUnformatted would,
 * but with every number in num_shortest form and a number that is not
 * finite as null.  DOC is not changed.  malloc'd (free()); NULL when out
 * of memory or DOC is NULL. */
char *json_print(const cJSON *doc, int pretty);

#endif
