/* core/baseline.c — the baseline rule (core/baseline.h). */
#include "config.h"
#include "core/baseline.h"

#include <stddef.h>
#include <stdint.h>

int64_t baseline_of(struct store *s, const struct store_run *r)
{
	struct store_pipeline p = { 0 };
	int64_t id = 0;
	if (store_pipeline_get_by_id(s, r->pipeline_id, &p, NULL) == 0 && p.pinned_run_id &&
	    p.pinned_run_id != r->id) {
		id = p.pinned_run_id;
	} else {
		if (store_run_previous_completed(s, r->pipeline_id, &r->at, &id, NULL) < 0)
			id = 0;
	}
	store_pipeline_clear(&p);
	return id;
}

int64_t baseline_for_new_run(struct store *s, int64_t pipeline_id)
{
	/* after every recorded run: any completed run started before it */
	struct store_run r = { .id = INT64_MAX, .pipeline_id = pipeline_id,
			       .started_ms = INT64_MAX, .at = { INT64_MAX, INT64_MAX } };
	return baseline_of(s, &r);
}
