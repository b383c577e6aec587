/* core/compare.h — comparing metrics of runs: which direction is better,
 * deltas, percentages, verdicts. */
#ifndef RUNLENS_CORE_COMPARE_H
#define RUNLENS_CORE_COMPARE_H

#include <cjson/cJSON.h>

#include "store/store.h"

enum compare_dir {
	COMPARE_HIGHER = 1, /* higher is better */
	COMPARE_LOWER = -1, /* lower is better */
};

/* The direction of metric KEY ("STEP.KEY"): the pipeline's "metrics"
 * object (by "STEP.KEY", else by "KEY") when it names it, else lower is
 * better for names with loss, error, mse, mae, rmse, latency or time,
 * else higher.  METRICS may be NULL. */
enum compare_dir compare_direction(const cJSON *metrics, const char *key);

/* "better", "worse" or "same" for VALUE against OTHER. */
const char *compare_verdict(enum compare_dir dir, double value, double other);

/* Percent change from OTHER to VALUE; 0 when OTHER is 0 (*defined = 0). */
double compare_pct(double value, double other, int *defined);

/* Metrics of a run indexed by STEP.KEY, for pairing two runs' metrics in
 * O(n log n) instead of a scan per metric.  The index points into the
 * array it was built from (which must outlive it). */
struct compare_index {
	const struct store_metric **by_key;
	int n;
};
/* 0, or -1 when out of memory (IX is then empty). */
int compare_index_build(struct compare_index *ix, const struct store_metric *m, int n);
/* The metric STEP.KEY, or NULL. */
const struct store_metric *compare_index_find(const struct compare_index *ix,
					      const char *step, const char *key);
void compare_index_free(struct compare_index *ix);

#endif
