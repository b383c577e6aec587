/* core/exec/slurm_cmd.h — the Slurm executor's commands (sbatch, squeue,
 * scancel) as children that never block the runner: started, their output
 * gathered while the runner waits for other things, reaped when they end,
 * killed when they run past their time (a controller that is down makes
 * them hang for many seconds). */
#ifndef RUNLENS_CORE_EXEC_SLURM_CMD_H
#define RUNLENS_CORE_EXEC_SLURM_CMD_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/error.h"

struct scmd {
	pid_t pid;	/* 0 once reaped */
	int fd[2];	/* its stdout and stderr, -1 once closed */
	struct buf out, err;
	int64_t deadline; /* monotonic ms: killed then */
	int done;	  /* it ended (status is set) */
	int status;	  /* exit code, 128+N for signal N */
	int timed_out;	  /* killed at its deadline */
};

/* Start ARGV (argv[0] looked up in ENVP's PATH) with stdin /dev/null and
 * the environment ENVP; it is killed after TIMEOUT_MS. */
int scmd_start(struct scmd **c, char *const argv[], char *const envp[], int timeout_ms,
	       struct rl_err *err);
/* Its descriptors to poll for POLLIN into P (room for 2): how many. */
int scmd_pollfds(const struct scmd *c, struct pollfd *p);
/* Read what arrived; reap it once both streams ended; kill it past its
 * deadline.  Returns c->done. */
int scmd_pump(struct scmd *c);
/* Start ARGV and wait for it to end (at most TIMEOUT_MS). */
int scmd_run(struct scmd **c, char *const argv[], char *const envp[], int timeout_ms,
	     struct rl_err *err);
/* Kill it when still running, reap it, free it.  Accepts NULL; clears *c. */
void scmd_free(struct scmd **c);

#endif
