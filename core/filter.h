/* core/filter.h — the small language of `runlens ls --where` (and the
 * browser's filter), and sort keys.
 *
 *   status=failed and tag=nightly and evaluate.accuracy>0.9 and started>-7d
 *   (name~exp or params.lr>=0.01) and not pipeline=old and duration>5m
 *
 * Fields: status, name, pipeline, tag, id, started, duration, sweep (an
 * id or a name), git (alias commit: = and != a commit or a prefix of one,
 * hex), dirty (= and != true or false), params.KEY, STEP.KEY (a metric).  Operators: = != < <= > >= and ~ (contains).
 * Values: numbers, bare words, "quoted strings"; for started: a relative
 * time (-7d, -12h, -30m, -45s) or a date (2026-11-20, 2026-11-20T10:00,
 * UTC); for duration: seconds or 90s, 5m, 2h, 1d.  Combine with and, or,
 * not and parentheses (and binds tighter than or).  A status compared with
 * = != < … must be one a run has (running, completed, failed,
 * interrupted): status=complete is an error, not a filter matching
 * nothing.
 */
#ifndef RUNLENS_CORE_FILTER_H
#define RUNLENS_CORE_FILTER_H

#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* Parse TEXT into *out (free with filter_free).  NOW_MS anchors relative
 * times.  Errors (RL_E_INPUT) say at which column it went wrong:
 *   "at column 12: expected a value after '>'" */
int filter_parse(const char *text, int64_t now_ms, struct store_filter **out,
		 struct rl_err *err);
void filter_free(struct store_filter **f);

/* A sort key: a field as above (not tag), "-" in front for descending. */
int filter_parse_sort(const char *text, struct store_sort *out,
		      struct rl_err *err);
void filter_sort_clear(struct store_sort *s);

/* The params.KEY and STEP.KEY fields of F that no run of the store has
 * (a typo: params.lrr, evaluate.acuracy), each as one line for a warning:
 *   "no run has params.lrr (did you mean params.lr?)"
 * naming the known fields closest to it by edit distance (at most 3, and
 * only when at most max(2, length / 3) edits away).  A known field costs
 * one index seek; the first unknown one reads the distinct param keys and
 * metric names (one seek each, store_param_keys).  The filter still runs
 * as it is: a field no run has simply matches nothing.  *warnings is
 * malloc'd (store_names_free), NULL when *n is 0. */
int filter_unknown_fields(struct store *s, const struct store_filter *f,
			  char ***warnings, int *n, struct rl_err *err);

/* Whether some run of the store has the field NAME ("params.KEY" or
 * "STEP.KEY"): *message NULL when one has, else the line of
 * filter_unknown_fields ("no run has params.lrr (did you mean
 * params.lr?)"), malloc'd; "not a field" for a NAME of neither form. */
int filter_field_check(struct store *s, const char *name, char **message,
		       struct rl_err *err);
/* The tree back as text (for tests and messages), malloc'd. */
char *filter_to_string(const struct store_filter *f);

#endif
