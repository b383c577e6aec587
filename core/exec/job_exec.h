/* core/exec/job_exec.h — `runlens job-exec ATTEMPT_DIR`: what runs on a
 * cluster's node inside the scheduler's job (the job script only execs
 * it).  It reads the job's file (core/exec/jobfile.h) and removes it,
 * then runs the step exactly as the local executor does — through it: in
 * its own process group, with the exact environment and working folder
 * (with what the job was allotted on the node added: its SLURM_*
 * variables, CUDA_VISIBLE_DEVICES and the like),
 * its output masked on its way to the logs — forwards the signals the
 * scheduler sends to the step's process group, and writes the exit_status
 * file atomically when the step has ended and its logs are closed.
 */
#ifndef RUNLENS_CORE_EXEC_JOB_EXEC_H
#define RUNLENS_CORE_EXEC_JOB_EXEC_H

#include "util/error.h"

/* Run the job of folder DIR.  0 with *exit_code (the step's, or 128+N for
 * signal N: job-exec's own exit code, so the scheduler's state follows
 * the step's), or -1 with *err when there was no job to run (no such
 * folder, no job file: the message says so, and exit_status says it too
 * where the folder exists). */
int job_exec_run(const char *dir, int *exit_code, struct rl_err *err);

#endif
