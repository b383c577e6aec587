/* core/exec/jobfile.h — what travels with a job to the node that runs it,
 * and back: files in the attempt's folder, on the filesystem the submit
 * host and the nodes share.  Nothing of it is on a scheduler's command
 * line, in its job script or in its environment (Slurm keeps those in
 * clear in its state folder).
 *
 *   job.json     (0600) the step's exact argv, environment, working folder,
 *                log paths and the values to mask: written by the
 *                submitting executor, read and removed by `runlens
 *                job-exec` before the step starts (and removed by the
 *                runner when the job is reaped or cancelled)
 *   exit_status  how the step ended ({"exit_code", "signal", "log_error",
 *                "error", "node"}), written atomically by job-exec when it
 *                ends
 *   slurm.out    what the scheduler and job-exec itself print
 */
#ifndef RUNLENS_CORE_EXEC_JOBFILE_H
#define RUNLENS_CORE_EXEC_JOBFILE_H

#include "core/exec/executor.h"
#include "util/error.h"

#define JOBFILE_JOB "job.json"
#define JOBFILE_STATUS "exit_status"
#define JOBFILE_OUT "slurm.out"

/* The job's file, read back: everything malloc'd, vectors NULL-terminated. */
struct jobfile {
	char *name;
	char **argv;
	char **envp;
	char *cwd; /* NULL: the folder job-exec starts in */
	char *stdout_path, *stderr_path;
	char **mask;
	int nmask;
};

/* Write REQ as DIR/job.json, mode 0600, atomically. */
int jobfile_write(const char *dir, const struct exec_request *req, struct rl_err *err);
/* Read DIR/job.json into *JF and remove it.  A missing folder or file is
 * RL_E_NOT_FOUND, with a message that says which. */
int jobfile_read(const char *dir, struct jobfile *jf, struct rl_err *err);
void jobfile_clear(struct jobfile *jf);

/* How a step ended, as job-exec saw it. */
struct exit_status {
	int exit_code; /* -1 when it ended by a signal or did not start */
	int signal;
	int log_error; /* errno: a log could not be written in full */
	char *error;   /* it could not be started: why (malloc'd), or NULL */
	char *node;    /* the host job-exec ran on (malloc'd), or NULL */
};

int exit_status_write(const char *dir, const struct exit_status *st, struct rl_err *err);
/* 1 with *ST filled, 0 when DIR has no status (yet), -1 when it is there
 * but cannot be read as one. */
int exit_status_read(const char *dir, struct exit_status *st);
void exit_status_clear(struct exit_status *st);

#endif
