/* core/run_internal.h — what the files of the runner share: a run being
 * carried out and its steps.  Not part of core's front door
 * (core/runner.h); only core/run*.c, core/attempt.c, core/step_env.c and
 * core/scheduler.c include it.
 *
 *   core/runner.c     runner_run: open, record, schedule, finish
 *   core/record.c     the run record: name, stack, tags, baseline, model
 *                     version, params, step runs; the run's end
 *   core/scheduler.c  the loop: what is ready, cache or start, collect
 *   core/attempt.c    one attempt: folders, context.json, start, finish
 *   core/step_env.c   an attempt's argv, environment and working folder
 *   core/artifacts.c  outputs into the content-addressed artifact store
 *   core/decide.c     execute, cached or reused, and why (also the plan's)
 *   core/placement.c  where a job runs (resources, the stack's settings)
 *                     and what its executor says of it
 */
#ifndef RUNLENS_CORE_RUN_INTERNAL_H
#define RUNLENS_CORE_RUN_INTERNAL_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/context.h"
#include "core/exec/executor.h"
#include "core/ingest.h"
#include "core/runner.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/error.h"

enum rstate {
	RS_PENDING,
	RS_RUNNING,
	RS_RETRYING,
	RS_COMPLETED,
	RS_CACHED,
	RS_FAILED,
	RS_SKIPPED,
	RS_INTERRUPTED,
};

extern const char *const rstate_names[];

/* An output of a step run: where the step writes it, and once produced
 * (or taken from the cache) the artifact it became. */
struct routput {
	char *write_path; /* under the step's outputs folder */
	char *path;	  /* the artifact's content (NULL: not produced) */
	char *sha256;
	const char *type; /* "file" or "dir" (static) */
	int64_t size;
	int64_t artifact_id;
};

/* An input of a step run, once resolved. */
struct rinput {
	char *path;
	cJSON *metadata; /* the producer's metadata of this output, or NULL */
	char *sha256; /* owned copy (external inputs are hashed here) */
	struct context_input ctx; /* what context.json says of it */
};

struct rstep {
	const struct spec_step *sp;
	int pos; /* index in the run's (topological) order */
	int64_t step_run_id;
	enum rstate state;
	int attempt, max_attempts;
	int64_t attempt_id;
	int64_t last_attempt_id; /* the attempt before this one */
	int64_t job;	       /* executor job while running, else 0 */
	int64_t attempt_start; /* monotonic ms */
	int64_t deadline;      /* monotonic ms; 0 = none */
	int64_t kill_at;       /* monotonic ms; 0 = none */
	int64_t retry_at;      /* retrying: monotonic ms its next attempt may
				  start (retry_delay); 0 = at once */
	int timed_out;
	int64_t started_ms;
	char *dir, *out_dir, *ckpt_dir;
	struct routput *outputs; /* sp->noutputs */
	struct rinput *inputs;	 /* sp->ninputs */
	int inputs_resolved;
	int64_t reuse_from; /* --from: the step run of the earlier run to reuse */
	int force;	    /* re-executed: never from the cache */
	int from_mark;	    /* 1: the --from step; 2: downstream of it; 3: not needed by it */
	int cache_checked;
	struct ingest ing;	/* the current attempt's records */
	cJSON *pending_state;	/* its state writes, applied on success */
	cJSON *environment;	/* what it said of where it runs ({"python": …}) */
	int64_t last_ingest;	/* monotonic ms */
	char **secret_values;	/* values of the declared secrets */
	int nsecret_values;
	char *records_path, *stderr_path;
};

struct run {
	const struct runner_opts *o;
	struct spec *spec;
	struct store *store;
	const struct executor_ops *ex_ops;
	struct executor *ex;
	struct rstep *steps; /* in spec->steps order */
	int n;
	int64_t pipeline_id, run_id;
	char *run_name;
	int64_t started_ms, start_mono;
	char *run_dir, *artifact_root, *stack_name;
	const char *baseline_by; /* how its baseline was chosen (store's words) */
	char *baseline_rule;	 /* ... by this rule, or NULL */
	char *real_run_dir; /* run_dir's real path, taken when it was made
			       (before any step ran): prepare_outputs checks
			       that a step's outputs folder is still in it */
	cJSON *stack_components; /* {"KIND": "NAME"} of the stack */
	cJSON *stack_settings;	 /* what the stack tells its executor */
	int cpus, cpus_used;	 /* the local CPU budget (resources.cpus) */
	cJSON *environment;
	cJSON *state; /* the run state as the runner last wrote it */
	char **tags;
	int ntags;
	int jobs, running;
	int in_tx;
	struct rl_err lock_err; /* a commit made for a long hash failed */
	int64_t last_heartbeat;
	char *model_name, *model_version;
	int64_t baseline_id;
	char *baseline_name;
	cJSON *baseline_outputs; /* {"step.output": path} of the baseline */
	struct context_shared ctx_shared; /* its contexts' run-wide parts, printed */
	int ctx_shared_ready;
	cJSON *secrets;		 /* the secrets file, when a step needs it */
	char *python_dir;	 /* prepended to PYTHONPATH of steps */
	char *bin_dir;		 /* prepended to PATH of steps: runlens itself */
	char **base_env;	 /* environ without RUNLENS_* */
	int nbase_env;
	int interrupting;
	int wake_fd; /* readable when a signal arrived */
	struct sched *sched; /* what the scheduler keeps (core/scheduler.c) */
	struct hash_memo *memo; /* code files' hashes, for the run's cache keys */
};

/* core/runner.c: writes go in one transaction per loop turn. */
/* Open the run's write transaction (once; a commit the hashing made
 * failed: that error). */
int run_tx(struct run *r, struct rl_err *err);
/* From now on (ON) until OFF, a long hash commits the open transaction:
 * only where what it holds is whole (before a step's outputs are put,
 * while inputs and the cache are looked at), never between a put and its
 * record. */
void run_hashing_may_release(struct run *r, int on);
int run_tx_commit(struct run *r, struct rl_err *err);
void run_tx_rollback(struct run *r);
/* Report an event to the observer. */
void run_emit(const struct run *r, struct runner_event *ev);
/* Set a step's state in the store and tell the observer; DETAIL is shown
 * but not recorded (NULL: ERROR). */
int run_set_state(struct run *r, struct rstep *s, enum rstate st,
		  const char *error, const char *detail, struct rl_err *err);
/* Merge a step's state WRITES into the run state, in the store too. */
int run_apply_state(struct run *r, const cJSON *writes, struct rl_err *err);
/* The number of CPUs. */
int run_jobs_default(void);
/* Ctrl-C, SIGTERM and SIGHUP received so far (the second one kills); the
 * handler also makes r->wake_fd readable: drain it after a wait. */
#include <signal.h>
extern volatile sig_atomic_t runner_interrupts;
void run_drain_wake(struct run *r);

/* core/record.c */
int record_choose_stack(struct run *r, struct rl_err *err);
int record_create(struct run *r, struct rl_err *err);
/* The run's end: its status from its steps; fills RES. */
int record_finish(struct run *r, int sched_failed, struct runner_result *res,
		  struct rl_err *err);

/* core/attempt.c */
/* Resolve the step's inputs (once per step run): 0, 1 with *why when one
 * is missing, -1 on a store error. */
int attempt_resolve_inputs(struct run *r, struct rstep *s, char **why, struct rl_err *err);
/* Start the next attempt of a ready step.  A step that cannot be started
 * fails this attempt (and may be retried); only store errors return -1. */
int attempt_start(struct run *r, struct rstep *s, struct rl_err *err);
/* A job ended: ingest, check outputs, record.  -1 only on store errors. */
int attempt_finish(struct run *r, struct rstep *s, const struct exec_result *res,
		   struct rl_err *err);
void rstep_release(struct rstep *s);

/* core/step_env.c: the argv (NULL-terminated), environment and working
 * folder of an attempt, all malloc'd; CTX_PATH is its context.json. */
int step_env_build(const struct run *r, const struct rstep *s, const char *ctx_path,
		   char ***argv, char ***env, char **cwd, struct rl_err *err);
void step_env_strv_free(char **v);

/* core/placement.c */
/* The placement of S's job (its resources over the stack's settings);
 * *OPTS (free it, not its strings) holds p->opts.  -1: out of memory. */
int run_place(const struct run *r, const struct rstep *s, struct exec_place *p,
	      char ***opts);
/* Record what the executor said of S's job with its attempt. */
int run_record_executor(struct run *r, struct rstep *s, const struct exec_status *st,
			struct rl_err *err);
/* Ask the executor about S's job; what changed is recorded and shown. */
int run_observe(struct run *r, struct rstep *s, struct rl_err *err);

/* core/scheduler.c: the steps that may be decided, started, watched, in
 * O(log n) a change, so a run of 100,000 steps costs what 100 do per step */
int scheduler_init(struct run *r, struct rl_err *err);
void scheduler_free(struct run *r);
/* Step S went from state OLD to its state now (run_set_state calls it):
 * what depends on it may become ready, or is skipped. */
void scheduler_changed(struct run *r, struct rstep *s, enum rstate old);
int scheduler_loop(struct run *r, struct rl_err *err);

#endif
