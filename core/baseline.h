/* core/baseline.h — the one baseline rule: the run a run is compared to is
 * its pipeline's pinned run (unless that is the run itself), else the
 * newest completed run of the pipeline that started before it; none on a
 * pipeline's first run.  The runner (context.json's "baseline"),
 * `runlens compare`, `runlens baseline` and the browser all ask here. */
#ifndef RUNLENS_CORE_BASELINE_H
#define RUNLENS_CORE_BASELINE_H

#include <stdint.h>

#include "store/store.h"

/* The baseline of recorded run R (its id, pipeline and place in the
 * order, R->at, as the store read them); 0 when there is none. */
int64_t baseline_of(struct store *s, const struct store_run *r);

/* The baseline a run of PIPELINE_ID starting now gets; 0 when none. */
int64_t baseline_for_new_run(struct store *s, int64_t pipeline_id);

#endif
