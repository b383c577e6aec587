/* core/exec/executor.h — where step processes run, behind one interface.
 *
 * The runner talks to an executor through struct executor_ops, chosen by
 * the stack's orchestrator flavor with executor_find() ("local" today).  A
 * job is one attempt of one step: one process (group) whose stdout and
 * stderr go to files.
 */
#ifndef RUNLENS_CORE_EXEC_EXECUTOR_H
#define RUNLENS_CORE_EXEC_EXECUTOR_H

#include <stdint.h>

#include "util/error.h"

struct exec_request {
	char *const *argv;	 /* argv[0] looked up in PATH */
	char *const *envp;	 /* the whole environment of the job */
	const char *cwd;	 /* working folder */
	const char *stdout_path; /* created/truncated */
	const char *stderr_path;
	/* When >= 0, the job writes to these descriptors (pipes the runner
	 * reads to mask secrets) instead of the paths above. */
	int stdout_fd;
	int stderr_fd;
};

struct exec_result {
	int64_t job;
	int exit_code; /* -1 when killed by a signal */
	int signal;    /* 0 when it exited */
};

struct executor;

struct executor_ops {
	const char *flavor;
	int (*open)(struct executor **ex, struct rl_err *err);
	/* Start a job.  A job that cannot be started (no such program, no
	 * permission, bad folder) fails here with a message, and no job is
	 * left behind. */
	int (*start)(struct executor *ex, const struct exec_request *req,
		     int64_t *job, struct rl_err *err);
	/* Send SIG to the whole job (its process group). */
	void (*signal)(struct executor *ex, int64_t job, int sig);
	/* A file descriptor that becomes readable when a job may have ended
	 * (for poll), or -1. */
	int (*event_fd)(struct executor *ex);
	/* Collect one ended job: 1 and *res filled, 0 when none has ended. */
	int (*reap)(struct executor *ex, struct exec_result *res);
	void (*close)(struct executor **ex);
};

/* The executor for a flavor, or NULL when unknown. */
const struct executor_ops *executor_find(const char *flavor);

extern const struct executor_ops executor_local;

/* Check that PROG can be executed, as execvp would find it in the PATH of
 * ENVP: 0, or an errno value.  *FOUND receives the absolute path found in
 * PATH (malloc'd), or NULL when PROG has a '/' or was found through an
 * empty (current folder) PATH entry. */
int exec_find_program(const char *prog, char *const *envp, char **found);

#endif
