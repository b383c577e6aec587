/* core/plan.h — what a run would do, without doing it (`run --dry-run`,
 * `rerun --dry-run`, the browser's rerun dialog): for each step, in run
 * order, whether it runs, comes from the cache or is reused from an
 * earlier run (--from), and why.  The plan is data; the CLI and the browser
 * each render it. */
#ifndef RUNLENS_CORE_PLAN_H
#define RUNLENS_CORE_PLAN_H

#include "core/runner.h"
#include "util/error.h"

/* The actions of core/decide.h, in the same order. */
enum plan_action { PLAN_RUN, PLAN_CACHED, PLAN_REUSED, PLAN__COUNT };

struct plan_step {
	char *name;
	enum plan_action action;
	char *why; /* never NULL */
};

struct plan {
	struct plan_step *steps; /* in run order */
	int n;
	int count[PLAN__COUNT]; /* steps per action */
};

/* "run", "cached" or "reused". */
const char *plan_action_name(enum plan_action a);

/* The plan of the run O describes, read from O's store (when there is no
 * store yet, every step runs).  *out is new (plan_free). */
int runner_plan(const struct runner_opts *o, struct plan **out, struct rl_err *err);

/* The same with the store (may be NULL) and the pipeline already open
 * (the browser). */
struct spec;
struct store;
int plan_compute(struct store *s, const struct spec *sp, const struct runner_opts *o,
		 struct plan **out, struct rl_err *err);

/* Accepts NULL; clears *p. */
void plan_free(struct plan **p);

#endif
