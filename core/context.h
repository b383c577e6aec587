/* core/context.h — the step context: what a running step is told.
 *
 * context_build() makes the context.json document of SPEC.md "Step
 * context" for one attempt; the runner writes it read-only into the
 * attempt's folder and points RUNLENS_CONTEXT at it.  Secrets never enter
 * it.
 */
#ifndef RUNLENS_CORE_CONTEXT_H
#define RUNLENS_CORE_CONTEXT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/spec.h"

#define CONTEXT_SCHEMA 1

struct context_input {
	const char *name;
	int64_t artifact_id; /* 0 when not recorded */
	const char *path;
	const char *type; /* "file" or "dir" */
	int64_t size;
	const char *sha256;
	int64_t producer_run_id; /* 0 for external inputs */
	const char *producer_step;
	const char *producer_output;
	const cJSON *metadata; /* the producer's metadata of that output, or NULL */
};

struct context_args {
	int64_t pipeline_id;
	const char *pipeline;
	int64_t run_id;
	const char *run_name;
	int64_t run_started_ms;
	char *const *tags;
	int ntags;
	const cJSON *params; /* all run params */
	int64_t rerun_of;
	const cJSON *state; /* run state as of the step's start, or NULL */

	const struct spec *spec;
	const struct spec_step *step;
	int64_t step_run_id;
	int attempt;
	int max_attempts;
	const struct context_input *inputs; /* step->ninputs entries */
	char *const *output_paths;	    /* step->noutputs entries */

	const char *stack_name;
	const char *artifact_store;
	const char *orchestrator;
	const cJSON *components; /* the stack's {"KIND": "NAME"}, or NULL */
	int no_cache;		 /* --no-cache: the step's cache is off */
	const char *model_name; /* NULL: "model": null */
	const char *model_version;
	int64_t baseline_run_id; /* 0: "baseline": null */
	const char *baseline_run_name;
	const cJSON *baseline_outputs; /* {"step.output": path} or NULL */
	const char *step_dir;
	const char *records_path; /* where the step appends records */
	const char *checkpoint_dir;
	int checkpoint_exists;
	const cJSON *environment; /* from context_environment() */
	/* the run's parts, printed once (context_shared_print), or NULL */
	const struct context_shared *shared;
};

/* The context document (caller frees with cJSON_Delete); NULL when out
 * of memory.  With A->shared, its run-wide members are raw items holding
 * their printed text: json_print(doc, 1) gives the same bytes. */
cJSON *context_build(const struct context_args *a);

/* What is the same in every context of a run — "pipeline", "stack",
 * "model", "baseline", "environment" — as json_print(…, 1) prints it
 * inside the context, so that each step's context.json prints only its
 * own parts (the run's baseline outputs and environment are printed once,
 * not copied and printed again for every step).  Only A's run fields are
 * read.  0, or -1 when out of memory. */
struct context_shared {
	char *pipeline, *stack, *model, *baseline, *environment;
};
int context_shared_print(const struct context_args *a, struct context_shared *out);
/* Accepts a zeroed or printed one; leaves it zeroed. */
void context_shared_clear(struct context_shared *s);

/* What a run was given, as recorded with it (runs.context_json): the
 * pipeline's custom context, the model and its version, the environment
 * and the stack with its components, as context_build would write them.
 * Only the run's fields of A are read (A->step may be NULL). */
cJSON *context_run_record(const struct context_args *a);

/* What of step ST's context differs from the run's (step_runs.context_json):
 * {"custom": …} when the step has its own "context" (the merged result),
 * else NULL. */
cJSON *context_step_record(const struct spec *s, const struct spec_step *st);

/* The "environment" object: hostname, os, user, runlens_version, git
 * (commit and dirty flag of DIR when it is in a git work tree, else
 * null).  Computed once per run. */
cJSON *context_environment(const char *dir);

/* Deep-merge SRC into DST: objects merge key by key, anything else from
 * SRC replaces DST's value. */
void context_merge(cJSON *dst, const cJSON *src);

/* "RUNLENS_INPUT_" + NAME upper-cased, non-alphanumerics as '_'
 * (malloc'd). */
char *context_env_name(const char *prefix, const char *name);

#endif
