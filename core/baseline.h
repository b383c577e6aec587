/* core/baseline.h — the one baseline rule: the run a run is compared to is
 * its pipeline's pinned run (unless that is the run itself); else, when
 * the pipeline has a rule — `runlens pin --where EXPR PIPELINE`, or the
 * pipeline file's "baseline": {"where": EXPR} as its newest run read it,
 * in that order — the newest completed run of the pipeline that started
 * before it and EXPR matches; else the newest completed run of the
 * pipeline that started before it; none on a pipeline's first run.  The
 * runner (context.json's "baseline"), `runlens compare`, `runlens
 * baseline`, `show` and the browser all ask here. */
#ifndef RUNLENS_CORE_BASELINE_H
#define RUNLENS_CORE_BASELINE_H

#include <stdint.h>

#include "store/store.h"

/* The baseline of recorded run R (its id, pipeline and place in the
 * order, R->at, as the store read them); 0 when there is none.  The
 * pipeline's pinned run when one is, and its `pin --where` rule read now
 * when it has one (a person's "from now on, for every run"); else the
 * one R was given when it started (kept since schema 13, while that run
 * is not deleted: what its steps saw is what it is compared to — the
 * rule read again later could name a run that completed meanwhile);
 * else the rule, read now. */
int64_t baseline_of(struct store *s, const struct store_run *r);

/* How baseline_of chose: for a run's kept baseline, how it was chosen
 * when the run started. */
enum baseline_how {
	BASELINE_NONE,	    /* there is none */
	BASELINE_PINNED,    /* the pipeline's pinned run */
	BASELINE_WAS_PINNED, /* kept: the run pinned when R started (unpinned since) */
	BASELINE_PIN_RULE,  /* by its `pin --where` rule */
	BASELINE_FILE_RULE, /* by the pipeline file's rule */
	BASELINE_PREVIOUS,  /* the newest completed earlier run */
};
/* baseline_of, and how (*HOW, may be NULL); *RULE (may be NULL) the rule
 * that chose it (malloc'd) for the two rule ways, else NULL.  The same
 * for the runlens of a new run: what record.c keeps with it. */
int64_t baseline_chosen(struct store *s, const struct store_run *r, enum baseline_how *how,
			char **rule);

/* The baseline a run of PIPELINE_ID starting now gets; 0 when none. */
int64_t baseline_for_new_run(struct store *s, int64_t pipeline_id, enum baseline_how *how,
			     char **rule);

/* The rule in force for pipeline P, NULL when none; *from (may be NULL)
 * says where it comes from: "pin --where" or "the pipeline file". */
const char *baseline_rule(const struct store_pipeline *p, const char **from);

/* How P's baseline is chosen, in words (malloc'd): "the pinned run 9",
 * "the newest completed earlier run matching tag=prod (pin --where)",
 * "the newest completed earlier run". */
char *baseline_explain(const struct store_pipeline *p);

#endif
