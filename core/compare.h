/* core/compare.h — comparing metrics of runs: which direction is better,
 * deltas, percentages, verdicts. */
#ifndef RUNLENS_CORE_COMPARE_H
#define RUNLENS_CORE_COMPARE_H

#include <cjson/cJSON.h>

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

#endif
