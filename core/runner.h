/* core/runner.h — running a pipeline: records a run, schedules its DAG on
 * an executor, captures and checks what each step produced.
 *
 * The runner is the only writer of run data.  A run that cannot start
 * because of a spec error records nothing.
 */
#ifndef RUNLENS_CORE_RUNNER_H
#define RUNLENS_CORE_RUNNER_H

#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

/* Seconds a step gets between SIGTERM and SIGKILL (timeouts, Ctrl-C). */
#define RUNNER_KILL_GRACE_MS 5000

struct runner_opts {
	const char *spec_path;
	char *const *params; /* "KEY=VALUE" overrides */
	int nparams;
	const char *name; /* run name, or NULL for "<pipeline>-<time>" */
	char *const *tags;
	int ntags;
	int jobs; /* <= 0: number of CPUs */
	int no_cache;
	const char *stack; /* or NULL */
	const char *store_flag; /* --store, or NULL */
	/* reruns */
	const char *spec_text; /* parse this snapshot instead of the file */
	const char *spec_dir;  /* the folder the snapshot's file was in */
	int64_t rerun_of;      /* record the run as a rerun of this one */
	int64_t reuse_run;     /* with from_step: reuse this run's results */
	const char *from_step; /* re-execute it and everything downstream */
	char *const *force;    /* steps to re-execute even when cached */
	int nforce;
	int dry_run; /* print the plan (what runs, what is cached) only */
	int plan_json;

	FILE *out; /* progress */
	int live;  /* live board (terminal) instead of plain lines */
	int color;
	int rows; /* terminal height */
};

struct runner_result {
	int64_t run_id;
	char *run_name; /* malloc'd */
	char *status;	/* "completed", "failed", "interrupted"; malloc'd */
	int steps_total, steps_completed, steps_cached, steps_failed,
		steps_skipped;
	int64_t duration_ms;
};

/* Run a pipeline file.  Returns 0 when the run was carried out (whatever
 * its outcome: see res->status) and -1 when it could not start (spec
 * error: RL_E_SPEC, bad options: RL_E_USAGE, store errors…). */
int runner_run(const struct runner_opts *o, struct runner_result *res,
	       struct rl_err *err);

void runner_result_clear(struct runner_result *res);

/* The plan of a run without running it (--dry-run): for each step, in
 * order, "run", "cached" or "reused", and why; printed to o->out as a
 * table, or JSON with o->plan_json. */
int runner_plan(const struct runner_opts *o, struct rl_err *err);

#endif
