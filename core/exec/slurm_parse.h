/* core/exec/slurm_parse.h — what the Slurm executor reads and writes,
 * kept apart from the processes so it can be tested as strings: the
 * sbatch command of a job, the lines of squeue, what each job state and
 * pending reason means for an attempt. */
#ifndef RUNLENS_CORE_EXEC_SLURM_PARSE_H
#define RUNLENS_CORE_EXEC_SLURM_PARSE_H

#include "core/exec/executor.h"
#include "util/error.h"

/* squeue's output format: one job a line; the reason (it may hold
 * spaces and commas) and the working folder last (a path may hold
 * anything but a newline). */
#define SLURM_SQUEUE_FORMAT "%i|%j|%T|%N|%r|%Z"

enum slurm_phase {
	SLURM_WAITING, /* queued, not started (PENDING, REQUEUED, …) */
	SLURM_ACTIVE,  /* started (RUNNING, COMPLETING, SUSPENDED, …) */
	SLURM_OVER,    /* ended: the job will not run (again) */
};

struct slurm_state {
	const char *name;
	enum slurm_phase phase;
	int signal;	  /* what the state says killed the step, or 0 */
	const char *what; /* for an ended job: what happened, for people */
};

/* The meaning of a JobState ("OUT_OF_MEMORY"); an unknown state is taken
 * as active (a new state of a newer Slurm must not end an attempt). */
const struct slurm_state *slurm_state_of(const char *state);

/* Is REASON (squeue %r of a PENDING job) one that can never clear by
 * itself (PartitionConfig, BadConstraints, ReqNodeNotAvail, …)?  NULL, or
 * what it means, for people. */
const char *slurm_never_starts(const char *reason);

/* One line of squeue in SLURM_SQUEUE_FORMAT, split in place: 0, or -1
 * when it is not one. */
struct slurm_row {
	char *id, *name, *state, *node, *reason, *dir;
};

/* Is ROW the job named NAME that runs in DIR (its attempt folder, which
 * no other store or attempt has)?  Slurm reuses ids, and two stores may
 * both have a run 1: the name alone is not enough. */
int slurm_row_is(const struct slurm_row *row, const char *name, const char *dir);
int slurm_parse_row(char *line, struct slurm_row *row);

/* The sbatch command of job REQ whose folder is DIR: argv (malloc'd,
 * NULL-terminated; step_env_strv-style, free each and the array) with
 * --parsable, the job's name, --no-requeue, its resources, partition,
 * account, QoS and options, --time as a backstop of its timeout, Slurm's
 * own output in DIR/slurm.out, and a script that only execs
 * `SELF job-exec DIR`. */
char **slurm_sbatch_argv(const struct exec_request *req, const char *dir, const char *self);

/* The minutes of --time for a timeout of SECONDS (0: none): past the
 * runner's own timeout and its grace, rounded up to whole minutes. */
int slurm_time_minutes(double seconds);

/* S between single quotes for sh, malloc'd. */
char *slurm_sh_quote(const char *s);

void slurm_strv_free(char **v);

#endif
