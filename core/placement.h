/* core/placement.h — a job's executor, for people: what an executor said
 * of a job (struct exec_status, or the JSON recorded with the attempt) as
 * one line, "slurm job 4242 PENDING (Resources)", "slurm job 4242 RUNNING
 * on node7".  The run board, `show`, `step` and the browser all print it
 * through these (core/placement.c). */
#ifndef RUNLENS_CORE_PLACEMENT_H
#define RUNLENS_CORE_PLACEMENT_H

#include "core/exec/executor.h"

/* malloc'd; NULL when ST says nothing (a local job) */
char *exec_status_line(const struct exec_status *st);
/* The same from the JSON object recorded with an attempt (NULL: none). */
char *exec_record_line(const char *json);

#endif
