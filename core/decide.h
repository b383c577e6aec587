/* core/decide.h — the one decision about a step of a run: execute it,
 * take it from the cache, or reuse it from the run being rerun, and why.
 *
 * The runner (before a step takes a job slot) and the plan (`run
 * --dry-run`, `rerun --dry-run`, the browser's rerun dialog) both call
 * decide_step(), so what the plan says is what the run does.  The rules,
 * in order:
 *   1. an input is not known (missing, or made by a step that runs):
 *      execute;
 *   2. --from: a step upstream of STEP is reused from the earlier run when
 *      its cache key is still the same (its code, params and inputs did
 *      not change) and its artifacts still verify;
 *   3. the --from step itself, --force, "cache": false, --no-cache, and
 *      steps downstream of --from: execute;
 *   4. an earlier step run of the pipeline with the same cache key whose
 *      artifacts still verify: cached (from the step run that really ran);
 *   5. else execute, naming what changed since the closest earlier run of
 *      the step (the one whose key differs in the fewest parts; ties: the
 *      newest), the real cause first (code, params, inputs, then what
 *      follows from them).
 */
#ifndef RUNLENS_CORE_DECIDE_H
#define RUNLENS_CORE_DECIDE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/hash.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/error.h"

enum decide_action { DECIDE_RUN, DECIDE_CACHED, DECIDE_REUSED, DECIDE__COUNT };

struct decide_in {
	struct store *store;
	int64_t pipeline_id; /* 0: the pipeline has no runs yet */
	const struct spec *spec;
	const struct spec_step *step;
	const char *run_id, *run_name; /* for the key's substitutions */
	char *const *input_sha;	       /* step->ninputs hashes */
	const char *unknown_why;       /* non-NULL: an input is not known */
	int64_t reuse_from; /* --from: the earlier run's step run (0: none) */
	int64_t reuse_run;  /* the earlier run */
	const char *from_step; /* --from STEP, or NULL */
	int from_mark;	       /* 1: this is the --from step; 2: downstream of it;
				* 3: neither up- nor downstream (not needed by it) */
	int force;	       /* --force STEP */
	int no_cache;	       /* --no-cache */
	struct hash_memo *memo; /* code files' hashes for the run, or NULL */
};

struct decision {
	enum decide_action action;
	char *why;	 /* one line, malloc'd */
	int64_t hit;	 /* CACHED/REUSED: the step run whose results are taken */
	cJSON *parts;	 /* the cache key's parts (NULL with unknown_why) */
	char key[HASH_HEX_LEN + 1]; /* "" with unknown_why */
	struct store_artifact_ref *outs; /* CACHED/REUSED: hit's outputs */
	int nouts;
};

/* "run", "cached" or "reused". */
const char *decide_action_name(enum decide_action a);

/* Decide for IN->step.  0 with *d filled (decision_clear), or -1 on a
 * store error. */
int decide_step(const struct decide_in *in, struct decision *d, struct rl_err *err);

void decision_clear(struct decision *d);

#endif
