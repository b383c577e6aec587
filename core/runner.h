/* core/runner.h — running a pipeline: records a run, schedules its DAG on
 * an executor, captures and checks what each step produced.
 *
 * The runner is the only writer of run data.  A run that cannot start
 * because of a spec error records nothing.
 */
#ifndef RUNLENS_CORE_RUNNER_H
#define RUNLENS_CORE_RUNNER_H

#include <stdint.h>

#include "util/error.h"

struct executor_ops;

/* Seconds a step gets between SIGTERM and SIGKILL (timeouts, Ctrl-C). */
#define RUNNER_KILL_GRACE_MS 5000

/* What the runner reports while it runs.  STEP is the step's position in
 * the run's order (the order of START's names). */
enum runner_event_kind {
	RUNNER_EV_START, /* run_id, run_name, names, nsteps, jobs */
	RUNNER_EV_STEP,	 /* step, status, attempt, max_attempts, detail */
	RUNNER_EV_TICK,	 /* time passes (every observer->tick_ms) */
	RUNNER_EV_END,	 /* the run is over; status */
};

struct runner_event {
	enum runner_event_kind kind;
	int64_t now_ms; /* monotonic clock */
	int64_t run_id;
	const char *run_name;
	char *const *names;
	int nsteps, jobs;
	int step;
	const char *status;
	int attempt, max_attempts;
	const char *detail; /* may be NULL */
	int64_t retry_at; /* "retrying": monotonic ms the next attempt may
			     start (retry_delay); 0 = at once */
};

struct runner_observer {
	void (*on_event)(void *ctx, const struct runner_event *ev);
	void *ctx;
	int tick_ms; /* how often TICK is wanted; 0: never */
};

struct runner_opts {
	const char *spec_path;
	char *const *params; /* "KEY=VALUE" overrides a person gave (checked:
				spec_check_overrides) */
	int nparams;
	char *const *base_params; /* a rerun's recorded params, set first */
	int nbase_params;
	const char *name; /* run name, or NULL for "<pipeline>-<time>" */
	char *const *tags;
	int ntags;
	int jobs; /* <= 0: number of CPUs */
	int cpus; /* the CPU budget of local steps (resources.cpus); <= 0: the
		     machine's.  Not used on an executor that places jobs */
	int no_cache;
	int verify; /* re-hash every input artifact before its consumer runs
		       (else: its size, and its hash only when modified since
		       it was stored) */
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

	/* sweeps (core/sweep.h): the run belongs to this sweep (0: none) */
	int64_t sweep_id;
	/* an open store to record into instead of opening one (the runs of
	 * a sweep share their process's connection); not closed */
	struct store *store;
	/* the "environment" of the context (context_environment), when the
	 * caller has it already (a sweep's runs: git is asked once) */
	const struct cJSON *environment;

	/* Run the steps on this executor instead of the stack's (tests);
	 * NULL: the stack's orchestrator. */
	const struct executor_ops *executor;
	/* Progress, as events (may be NULL): the faces draw them. */
	const struct runner_observer *observer;
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

/* The pipeline of the run O describes: its file (or the recorded
 * snapshot O->spec_text) with O's -p overrides applied; the steps O
 * names to force and to start from are its steps (else RL_E_USAGE). */
struct spec;
int runner_load_spec(const struct runner_opts *o, struct spec **out, struct rl_err *err);
/* The stack a run of SP with O runs on: O's, the file's, else "default". */
const char *runner_stack_of(const struct runner_opts *o, const struct spec *sp);
/* RL_E_NOT_FOUND, "no stack 'NAME' (see 'runlens stack ls')", when S has
 * no stack NAME ("default" always is): what a run and a sweep say before
 * they record anything. */
int runner_check_stack(struct store *s, const char *name, struct rl_err *err);

#endif
