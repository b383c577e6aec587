/* cli/show_given.h — what `show` and `step` print of what a run and a step
 * were given (context, params, tags, the decision) and of each attempt's
 * metrics (cli/show_given.c). */
#ifndef RUNLENS_CLI_SHOW_GIVEN_H
#define RUNLENS_CLI_SHOW_GIVEN_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "store/store.h"

/* The "context" lines of `show`: model and version, stack and its
 * components, environment, custom context (CONTEXT_JSON: runs.context_json,
 * may be NULL: nothing is printed). */
void show_given_run_text(FILE *o, const char *context_json);

/* JSON text parsed (NULL or unparsable: null). */
cJSON *show_given_json(const char *json);

/* A step run's "params", "tags", "decision" and "step_context" into O. */
void show_given_step_json(cJSON *o, const struct store_step_run *st);
/* The same as lines of `step`. */
void show_given_step_text(FILE *o, const struct store_step_run *st);

/* "metrics" of attempt A into O: a retried attempt's own, the last one's
 * (LAST) the step run's (STEP_MS). */
void show_given_attempt_json(struct store *s, cJSON *o, const struct store_attempt *a, int last,
			     const struct store_metric *step_ms, int nstep);
/* "metrics by attempt" lines, when the step had more than one. */
void show_given_attempts_text(struct store *s, FILE *o, const struct store_attempt *atts, int n,
			      const struct store_metric *step_ms, int nstep);

#endif
