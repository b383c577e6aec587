/* core/sweep.h — sweeps: a grid of runs from lists and ranges of params.
 *
 *   runlens run FILE -p lr=0.01,0.1,1 -p seed=1..3 [--parallel-runs N]
 *
 * runs every combination (9 runs; the first param varies slowest) as
 * ordinary runs grouped under one sweep (an id and a name).  A -p VALUE
 * that is valid JSON as a whole is one value, kept as it was given (`-p
 * layers=[64,64]`); otherwise it is a list: items separated by commas
 * (not inside quotes or brackets, not written "\,"), each an integer
 * range A..B (both ends included), a JSON value, or else a string ("\,"
 * in it a comma).  A string item reaches the run as its text (`-p
 * 'msg="a,b",c'` is two runs, msg a,b and msg c; `-p 'msg=a\,b'` one run,
 * msg a,b).  A failing run does not stop
 * the others; Ctrl-C stops them all, each recorded interrupted, and the
 * sweep with them.  Which run of a sweep is best is compare's rule
 * (core/compare.h), said here once for the CLI and the browser. */
#ifndef RUNLENS_CORE_SWEEP_H
#define RUNLENS_CORE_SWEEP_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/runner.h"
#include "store/store.h"
#include "util/error.h"

/* Runs a sweep may have at most. */
#define SWEEP_MAX_RUNS 10000

/* One param of the grid with its values: as -p takes them (a string
 * unquoted: a string param takes -p text as it is) and as JSON. */
struct sweep_axis {
	char *key; /* as given to -p: "lr", "train.lr" */
	char **values; /* n texts for -p */
	char **json;   /* n JSON texts */
	int n;
};

struct sweep_grid {
	struct sweep_axis *axes; /* the params with more than one value */
	int naxes;
	char **fixed; /* the other -p, "KEY=VALUE" as given */
	int nfixed;
	int total; /* runs: the product of the axes' sizes (1 without axes) */
};

/* The grid of the N -p values PARAMS ("KEY=VALUE").  A -p whose VALUE
 * is one value is kept as it was given.  Errors (RL_E_USAGE) name the
 * param: "-p seed=3..1: a range goes up (1..3)", a grid over
 * SWEEP_MAX_RUNS.  *out is new (sweep_grid_free). */
int sweep_grid_parse(char *const *params, int n, struct sweep_grid **out, struct rl_err *err);
void sweep_grid_free(struct sweep_grid **g);

/* The -p values of run K (0-based) of the grid: the fixed ones, then one
 * "KEY=VALUE" per axis (a string as its text, anything else as JSON).  *kv is a malloc'd array of
 * malloc'd strings (sweep_strv_free). */
int sweep_grid_point(const struct sweep_grid *g, int k, char ***kv, int *n);
/* "lr=0.01 seed=1": the axes' values of run K, malloc'd. */
char *sweep_grid_label(const struct sweep_grid *g, int k);
/* {"lr": [0.01, 0.1, 1], "seed": [1, 2, 3]}, malloc'd JSON text. */
char *sweep_grid_axes_json(const struct sweep_grid *g);
void sweep_strv_free(char **v, int n);

/* What the sweep tells its observer. */
enum sweep_event_kind {
	SWEEP_EV_START,	   /* sweep_id, sweep_name, total */
	SWEEP_EV_RUN_END,  /* index, label, run_id, run_name, status, done */
	SWEEP_EV_RUN_FAIL, /* index, label, message: the run could not start */
	SWEEP_EV_END,	   /* status, done */
};

struct sweep_event {
	enum sweep_event_kind kind;
	int64_t sweep_id;
	const char *sweep_name;
	int total, done, index;
	const char *label;
	int64_t run_id;
	const char *run_name, *status, *message;
	int64_t duration_ms;
};

struct sweep_opts {
	/* the runs: spec_path, tags, jobs, no_cache, stack, store_flag, and
	 * the observer each run of a sweep of one run at a time reports to
	 * (params, name, sweep_id and store are the sweep's) */
	const struct runner_opts *run;
	const struct sweep_grid *grid;
	const char *name; /* the sweep's, or NULL: PIPELINE-sweep-TIME */
	int parallel;	  /* runs at once; <= 1: one after the other */
	void (*on_event)(void *ctx, const struct sweep_event *ev);
	void *ctx;
};

struct sweep_result {
	int64_t sweep_id;
	char *sweep_name; /* malloc'd */
	char *status;	  /* completed, failed, interrupted; malloc'd */
	int total, completed, failed, interrupted, not_started;
	int64_t duration_ms;
};

/* Carry out the sweep.  Every run's params are checked first (a spec
 * error or a -p that reaches no step: -1 and nothing is recorded).
 * Returns 0 when the sweep was carried out, whatever its runs did (see
 * res->status). */
int sweep_run(const struct sweep_opts *o, struct sweep_result *res, struct rl_err *err);
void sweep_result_clear(struct sweep_result *res);

/* A sweep reference: its id, its name, or "last" (the newest). */
int sweep_resolve(struct store *s, const char *ref, int64_t *id, struct rl_err *err);

/* Mark interrupted every sweep still "running" whose process is gone
 * (killed; its runs are settled by session_reap_dead_runs). */
int sweep_settle(struct store *s, struct rl_err *err);

/* ------------------------------------------------------------------ */
/* Comparing a sweep (core/sweep_view.c): what `runlens sweeps S` and the
 * browser's sweep view show                                           */

struct columns_table;

struct sweep_view {
	struct store_sweep sweep;
	struct store_run *runs; /* nruns, newest first */
	int nruns;
	struct columns_table *table; /* of runs */
	char **params; /* "params.lr": the grid's params the runs have (else
			* the params whose values differ), in the grid's order */
	int nparams;
	char **metrics; /* every metric of the runs */
	int nmetrics;
	const char *metric; /* the one ranked by (one of metrics), NULL: none */
	int dir;	    /* its direction: COMPARE_HIGHER or COMPARE_LOWER */
	int *order;	    /* nruns rows, best first; rows without the metric last */
	int best;	    /* the best row, -1 when none */
};

/* The runs of sweep SWEEP_ID ranked by METRIC ("STEP.KEY"; NULL: the
 * first of the pipeline's "metrics" that a run has, else the first
 * metric recorded).  A METRIC no run of the sweep has is RL_E_USAGE,
 * naming the sweep's metrics.  *out is new (sweep_view_free). */
int sweep_view_new(struct store *s, int64_t sweep_id, const char *metric, struct sweep_view **out,
		   struct rl_err *err);
void sweep_view_free(struct sweep_view **v);

/* Column NAME of the runs (in row order) as a plot's axis: numbers as
 * they are (NaN when a run lacks it; logarithmic when all are positive
 * and span two decades or more), other values as categories in the
 * order they first appear (the grid's order for its params).  AX->v and
 * the labels are malloc'd (sweep_axis_free). */
struct plot_axis;
int sweep_view_axis(const struct sweep_view *v, const char *name, struct plot_axis *ax);
void sweep_axis_free(struct plot_axis *ax);

#endif
