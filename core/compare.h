/* core/compare.h — comparing runs: which direction of a metric is better,
 * deltas, percentages, verdicts, and the pairing of two runs' metrics and
 * params that `runlens compare` and the browser's Compare view both show.
 *
 * The rule, said once: `runlens compare RUN OTHER…` compares RUN against
 * each OTHER, and OTHER is the reference.  The delta is RUN's value minus
 * OTHER's, the % change is that delta over |OTHER's value|, and "better" or
 * "worse" says whether RUN improved on OTHER in the metric's direction
 * (compare_direction, with the "metrics" object of RUN's pipeline file).
 * Without an OTHER the reference is RUN's baseline (baseline_of, core/baseline.h).
 * compare_new() makes every one of these decisions; the command line and
 * the browser only render its result. */
#ifndef RUNLENS_CORE_COMPARE_H
#define RUNLENS_CORE_COMPARE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/store.h"
#include "util/error.h"

enum compare_dir {
	COMPARE_HIGHER = 1, /* higher is better */
	COMPARE_LOWER = -1, /* lower is better */
};

/* The direction of metric KEY ("STEP.KEY"): the pipeline's "metrics"
 * object (by "STEP.KEY", else by "KEY") when it names it, else lower is
 * better for names with loss, error, mse, mae, rmse, latency or time,
 * else higher.  METRICS may be NULL. */
enum compare_dir compare_direction(const cJSON *metrics, const char *key);

/* What VALUE is against the reference OTHER. */
enum compare_result {
	COMPARE_MISSING, /* one of the two runs lacks the metric */
	COMPARE_SAME,	 /* equal (within 1e-12 of their size) */
	COMPARE_BETTER,
	COMPARE_WORSE,
};

enum compare_result compare_judge(enum compare_dir dir, double value, double other);

/* "", "same", "better", "worse". */
const char *compare_result_name(enum compare_result r);

/* "better", "worse" or "same" for VALUE against OTHER (the name of
 * compare_judge's result). */
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

/* ------------------------------------------------------------------ */
/* Pairing runs                                                         */

/* One run as compared: its record, metrics and params. */
struct compare_side {
	struct store_run run;
	struct store_metric *m; /* nm, in step order then key */
	int nm;
	cJSON *params; /* the run's params object (never NULL) */
	struct compare_index ix;
};

/* One metric of a pair.  VALUE and OTHER point into the sides' metrics. */
struct compare_metric {
	char *key; /* "STEP.KEY" */
	const struct store_metric *value; /* RUN's, or NULL */
	const struct store_metric *other; /* OTHER's, or NULL */
	enum compare_dir dir;
	enum compare_result result; /* COMPARE_MISSING unless both have it */
	double delta;		    /* value - other (when both have it) */
	double pct;		    /* the % change (when has_pct) */
	int has_pct;		    /* both have it and OTHER's is not 0 */
};

/* One param of a pair.  The pointers point into the sides' params. */
struct compare_param {
	const char *key;
	const cJSON *value, *other; /* RUN's, OTHER's; NULL when missing */
	int same;
};

/* RUN against one OTHER: the union of their params and of their metrics,
 * each in RUN's order, then what only OTHER has in its order. */
struct compare_pair {
	const struct compare_side *other;
	struct compare_param *params;
	int nparams;
	struct compare_metric *metrics;
	int nmetrics;
};

struct compare {
	struct compare_side run;
	struct compare_side *others; /* n references, in the order given */
	struct compare_pair *pairs;  /* pairs[i]: run against others[i] */
	int n;
	cJSON *spec;	    /* RUN's pipeline file, or NULL */
	const cJSON *dirs;  /* its "metrics" object, or NULL */
};

/* Read run RUN_ID and each of the N runs OTHERS (one read snapshot) and
 * pair RUN with each.  N == 0: with RUN's baseline, or RL_E_NOT_FOUND
 * "run N has no baseline (…)" when it has none.  *out is new
 * (compare_free); on error it is NULL. */
int compare_new(struct store *s, int64_t run_id, const int64_t *others, int n,
		struct compare **out, struct rl_err *err);

/* Accepts NULL; clears *p. */
void compare_free(struct compare **p);

/* ------------------------------------------------------------------ */
/* Gates: what CI fails on (compare --fail-worse)                      */

/* METRIC[:TOLERANCE]: a metric ("STEP.KEY", or "all" for every metric)
 * may be worse than the other run's by at most TOL: absolute, or
 * relative (a percentage of |other|) with '%'.  No tolerance: 0. */
struct compare_gate {
	char *metric; /* NULL: all */
	double tol;
	int relative;
};

/* Parse TEXT ("evaluate.accuracy:0.01", "loss:2%", "all"); RL_E_USAGE
 * naming it when the tolerance is not a number >= 0. */
int compare_gate_parse(const char *text, struct compare_gate *g, struct rl_err *err);
void compare_gate_clear(struct compare_gate *g);

/* A metric of a pair that is worse beyond its gate's tolerance, or that
 * RUN lacks while OTHER has it. */
struct compare_regression {
	const struct compare_pair *pair;
	const struct compare_metric *metric;
	const struct compare_gate *gate;
	int missing; /* RUN has no value */
};

/* The regressions of every pair of C under the N GATES, in pair then
 * metric order (each metric once, under the first gate naming it, else
 * an "all" gate).  A gate's metric that neither run of any pair has is
 * RL_E_USAGE ("no run compared has the metric 'X'").  *out is malloc'd
 * (NULL when *nout is 0). */
int compare_regressions(const struct compare *c, const struct compare_gate *gates, int n,
			struct compare_regression **out, int *nout, struct rl_err *err);

#endif
