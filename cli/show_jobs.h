/* cli/show_jobs.h — where each step's job ran, as its executor said
 * (Slurm's job id, state, pending reason, node), for `show` and `step`:
 * a "jobs" section and the "executor" members of their JSON.  Local runs
 * have none of it and print nothing. */
#ifndef RUNLENS_CLI_SHOW_JOBS_H
#define RUNLENS_CLI_SHOW_JOBS_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "store/store.h"

/* {"flavor", "job_id", "state", "node", "reason"} from an attempt's
 * record (members it lacks are null), or NULL when it has none. */
cJSON *show_executor_json(const char *executor_json);

/* "jobs" of the run's steps (one line each: "STEP  slurm job 42 RUNNING
 * on node7"); nothing when none has a record. */
void show_jobs_text(FILE *o, const struct store_step_executor *jobs, int n);

/* Add "executor" to each object of STEPS (named by "name") that has one. */
void show_jobs_json(cJSON *steps, const struct store_step_executor *jobs, int n);

/* `step`: "executor" of each attempt object of ATTEMPTS (in the order of
 * ATTS) and of DOC (its last attempt's); the "job" line of the text. */
void show_attempt_jobs_json(struct store *s, cJSON *doc, cJSON *attempts,
			    const struct store_attempt *atts, int natts);
void show_attempt_jobs_text(FILE *o, struct store *s, const struct store_attempt *atts,
			    int natts);

#endif
