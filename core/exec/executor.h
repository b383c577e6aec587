/* core/exec/executor.h — where step processes run, behind one contract.
 *
 * A job is one attempt of one step: one program started with an exact
 * argv, environment and working folder, whose standard output and error
 * end up in two log files.  The runner talks to an executor only through
 * struct executor_ops, chosen by the stack's orchestrator flavor with
 * executor_find() (core/exec/registry.c); no executor is named anywhere
 * else.
 *
 * The contract:
 *  - The executor owns the job's output.  It writes the log files itself
 *    and whatever reaches them is already masked: every value of
 *    req->mask becomes "***", also when the job writes it in pieces or
 *    across lines (core/exec/capture.h does this for every executor).
 *  - start() either starts the job or fails with a one-line message (no
 *    such program, no permission, no such folder) and leaves nothing
 *    behind.
 *  - wait() blocks until something may have happened (a job ended, output
 *    arrived, WAKE_FD became readable) or TIMEOUT_MS passed; it moves
 *    output to the logs as it goes.  It never blocks longer than asked.
 *  - reap() hands back one ended job, with its logs complete and closed
 *    (or log_error saying why they are not), or 0 when none has ended.
 *    Every started job is reaped exactly once.
 *  - signal() asks for the whole job (its process group) to get SIG.
 *  - Jobs are identified by the int64_t the executor chose; 0 is never
 *    a job.
 *  - An executor that places jobs on a cluster reads req->place (what the
 *    job asks for) and may keep files that travel with the job in
 *    req->job_dir (0600; gone when the job is reaped); describe() tells
 *    what it knows of a job (its id there, state, reason, node), and
 *    cancel_recorded() cancels the jobs a dead runner left, from what
 *    describe() said and the runner recorded.  Local executors leave
 *    these NULL.
 * tests/unit/test_exec.c runs one conformance suite on every executor of
 * the registry.
 */
#ifndef RUNLENS_CORE_EXEC_EXECUTOR_H
#define RUNLENS_CORE_EXEC_EXECUTOR_H

#include <stdint.h>

#include "util/error.h"

/* What a job asks of where it runs (the step's "resources" and the
 * stack's settings).  A local executor needs none of it (the runner
 * counts cpus against its budget); a cluster executor passes it on. */
struct exec_place {
	int cpus;		/* >= 1 */
	const char *memory;	/* "16G", or NULL */
	int gpus;		/* >= 0 */
	const char *partition;	/* the step's, else the stack's, or NULL */
	const char *account;	/* the stack's, or NULL */
	const char *qos;	/* the stack's, or NULL */
	char *const *opts;	/* more scheduler options (the stack's, then
				   the step's), NULL-terminated, or NULL */
};

struct exec_request {
	const char *name;	 /* unique per attempt: "rl-RUN-STEP-ATTEMPT" */
	char *const *argv;	 /* argv[0] looked up in envp's PATH */
	char *const *envp;	 /* the whole environment of the job */
	const char *cwd;	 /* working folder (NULL: the caller's) */
	const char *stdout_path; /* the logs: created or truncated */
	const char *stderr_path;
	char *const *mask; /* values that must never reach a log */
	int nmask;
	double timeout; /* seconds, 0 = none (the runner enforces it; an
			   executor may pass it on as a backstop) */
	const char *job_dir; /* the attempt's folder (NULL: the folder of
				stdout_path): files that travel with the job */
	struct exec_place place;
};


/* What an executor knows of a job where it runs (describe()).  The
 * strings belong to the executor: valid until its next call. */
struct exec_status {
	const char *flavor;
	const char *job_id; /* the scheduler's id ("4242"), or NULL: not yet */
	const char *name;   /* the job's name there (exec_request.name) */
	const char *state;  /* "PENDING", "RUNNING", … or NULL: not known */
	const char *reason; /* why it is pending, or NULL */
	const char *node;   /* where it runs, or NULL */
	const char *dir;    /* the job's folder (exec_request.job_dir) */
	int active;	    /* it has started (not just queued) */
};

struct exec_result {
	int64_t job;
	int exit_code; /* -1 when it ended by a signal */
	int signal;    /* 0 when it exited */
	int log_error; /* errno when a log could not be written in full (a
			  full disk): the attempt failed; 0 when complete */
	const char *why; /* the executor's own account of a failure (a job
			    that could never start, ran out of memory,
			    vanished), or NULL: the exit status says it all.
			    Valid until the next reap() or close(). */
	struct exec_status status; /* what describe() said last (flavor NULL:
				      nothing), valid as long as WHY */
};

struct executor;

struct executor_ops {
	const char *flavor;
	int (*open)(struct executor **ex, struct rl_err *err);
	int (*start)(struct executor *ex, const struct exec_request *req,
		     int64_t *job, struct rl_err *err);
	void (*signal)(struct executor *ex, int64_t job, int sig);
	/* -1 with *err only when waiting itself failed. */
	int (*wait)(struct executor *ex, int timeout_ms, int wake_fd,
		    struct rl_err *err);
	int (*reap)(struct executor *ex, struct exec_result *res);
	/* Accepts NULL; clears *ex.  Jobs still running are killed and
	 * reaped first. */
	void (*close)(struct executor **ex);

	/* Optional (NULL: the executor has nothing to say beyond "it
	 * runs").  Fill *ST for JOB; returns 1 when it changed since the
	 * last call for that job, 0 when not, -1 for an unknown job. */
	int (*describe)(struct executor *ex, int64_t job, struct exec_status *st);
	/* Optional: cancel jobs a runner that died left behind, each given
	 * as the JSON object of exec_status_json() it recorded.  STATE[i]
	 * gets what became of job i (malloc'd): "CANCELLED" when it was
	 * cancelled, its own state when it had ended before ("COMPLETED",
	 * "FAILED"…), NULL when it was not found (gone from the queue, or
	 * another's).  Bounded in time; returns how many were cancelled, or
	 * -1 with *err (nothing cancelled, STATE all NULL). */
	int (*cancel_recorded)(char *const *recorded, int n, char **state, struct rl_err *err);
	/* The executor places jobs itself (a cluster): the runner does not
	 * count resources.cpus against its own budget, -j alone caps the
	 * jobs in flight, and a timeout counts from when describe() first
	 * says the job is active (time in the queue is not the step's). */
	int places_jobs;
};

/* ST as a JSON object (malloc'd text): {"flavor", "job_id", "name",
 * "state", "reason", "node", "dir"}, members that are NULL left out; what
 * the runner records with an attempt. */
char *exec_status_json(const struct exec_status *st);

/* The executor for a flavor, or NULL when unknown. */
const struct executor_ops *executor_find(const char *flavor);

/* Every registered executor, NULL-terminated (for the conformance
 * suite and for messages listing the flavors). */
extern const struct executor_ops *const executor_all[];

extern const struct executor_ops executor_local;
extern const struct executor_ops executor_fake;
extern const struct executor_ops executor_slurm;

/* The flavors of the registry as "local, fake, slurm" (static). */
const char *executor_flavors(void);

/* Check that PROG can be executed, as execvp would find it in the PATH of
 * ENVP: 0, or an errno value.  *FOUND receives the absolute path found in
 * PATH (malloc'd), or NULL when PROG has a '/' or was found through an
 * empty (current folder) PATH entry.  What was found is remembered by PATH
 * and name for the process (a run starts the same programs again), and
 * used while it is still an executable file. */
int exec_find_program(const char *prog, char *const *envp, char **found);

/* Check what start() must check before a job exists: CWD is a folder and
 * argv[0] can be executed from it (a relative path with a '/' is taken
 * from CWD, a bare name from ENVP's PATH).  0 with *prog set to the path
 * to execute (malloc'd, or NULL: let the PATH search find it), or -1 with
 * a one-line message. */
int exec_check_start(const struct exec_request *req, char **prog,
		     struct rl_err *err);

#endif
