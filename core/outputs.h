/* core/outputs.h — a run's outputs by name, for the commands that read
 * them (`runlens cat`, `path`, `diff`) and the browser.
 *
 * A reference is "STEP.OUTPUT", or "STEP.OUTPUT/PATH" for a file or
 * folder inside a folder output ("train.model/config.json").  It names
 * the artifact recorded for that output of the run's step run (a cached
 * or reused step run has its own record of the artifact it took), so it
 * is what the run produced, not what a later run wrote at the same
 * place. */
#ifndef RUNLENS_CORE_OUTPUTS_H
#define RUNLENS_CORE_OUTPUTS_H

#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

struct output_ref {
	char *step, *output;
	char *sub;	     /* the PATH after '/', NULL when none */
	int64_t step_run_id;
	char *sha256, *type; /* of the artifact ("file", "dir") */
	int64_t size;
	char *path;	     /* the artifact's path, joined with sub */
	int is_dir;	     /* what path names is a folder */
};

/* Split TEXT into o->step, o->output and o->sub.  RL_E_USAGE naming TEXT
 * when it is not STEP.OUTPUT[/PATH], or PATH leaves the output ("..", an
 * absolute path). */
int output_ref_parse(const char *text, struct output_ref *o, struct rl_err *err);

/* Parse TEXT and find what it names in run RUN_ID: RL_E_NOT_FOUND naming
 * the step, the output (and the outputs the step has), an output that
 * was never recorded (the step did not complete), or a PATH that is not
 * in the folder; RL_E_FAIL when the artifact is gone from the artifact
 * store. */
int output_ref_resolve(struct store *s, int64_t run_id, const char *text,
		       struct output_ref *o, struct rl_err *err);

void output_ref_clear(struct output_ref *o);

#endif
