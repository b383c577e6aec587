/* core/rerun.h — the options of a rerun of a recorded run, for the command
 * line (`runlens rerun`) and the browser's rerun plan alike: the run's
 * pipeline snapshot, the folder its file was in, its recorded params
 * followed by the overrides, recorded as a rerun of it and reusing its
 * results (with --from). */
#ifndef RUNLENS_CORE_RERUN_H
#define RUNLENS_CORE_RERUN_H

#include <stdint.h>

#include "core/runner.h"
#include "store/store.h"
#include "util/error.h"

/* What the options of a rerun point to. */
struct rerun;

/* Fill the fields of O that make it a rerun of run RUN_ID: spec_path,
 * spec_text, spec_dir, base_params (the recorded ones as KEY=JSON),
 * params (the N OVERRIDES "KEY=VALUE", which must outlive O), rerun_of,
 * reuse_run, and stack (the one RUN ran on) when O has none.  The other
 * fields of O
 * (from_step, force, name, tags, jobs, store_flag…) are left as they are.
 * The strings O then points to belong to *HOLD, which must outlive O
 * (rerun_free).  RL_E_NOT_FOUND when the run has no recorded pipeline. */
int rerun_opts(struct store *s, int64_t run_id, char *const *overrides, int n,
	       struct runner_opts *o, struct rerun **hold, struct rl_err *err);

/* Accepts NULL; clears *p. */
void rerun_free(struct rerun **p);

#endif
