/* core/spec.h — pipeline files: parsing, validation, the DAG, ${…}
 * substitution.
 *
 * A pipeline file is JSON (see SPEC.md "Pipeline file").  spec_parse()
 * validates everything that can be checked before a run starts, so that a
 * spec error is found before anything is recorded.  Error messages (in
 * err->msg, code RL_E_SPEC) are one line without the "runlens: " prefix:
 *   "train.json:12:5: JSON syntax error: expected ',' or '}'"
 *   "train.json: step 'train': unknown field 'retires'"
 *   "train.json: step 'train', field 'retries': expected a non-negative integer"
 *   "train.json: step 'eval', field 'inputs.model': unknown step 'trian'"
 *   "train.json: cycle between steps: a -> b -> c -> a"
 *   "train.json: step 'train', field 'run': unknown ${params.lrr}"
 *
 * The module's files, one job each, are listed in core/spec_internal.h.
 */
#ifndef RUNLENS_CORE_SPEC_H
#define RUNLENS_CORE_SPEC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/error.h"

enum spec_input_kind {
	SPEC_INPUT_STEP, /* "step.output": an upstream artifact */
	SPEC_INPUT_PATH, /* {"path": "…"}: an external file or folder */
};

struct spec_input {
	char *name;
	enum spec_input_kind kind;
	char *step;	/* SPEC_INPUT_STEP: producing step name */
	char *output;	/* SPEC_INPUT_STEP: output name of that step */
	int step_index; /* SPEC_INPUT_STEP: index of the step in spec->steps */
	char *path;	/* SPEC_INPUT_PATH: as written (relative to the
			   pipeline file's folder unless absolute) */
};

struct spec_output {
	char *name;
	char *path; /* relative path under the step's output folder */
};

struct spec_env {
	char *key;
	char *value; /* template: may contain ${…} */
};

/* A step's "resources", checked (core/spec_resources.c); the strings and
 * the array are borrowed from the file's JSON (spec->root). */
struct spec_resources {
	int cpus;		 /* >= 1, or 0 when not given: CPUs of the local
				    budget (--cpus), --cpus-per-task (1) */
	const char *memory;	 /* "16G": digits and K, M, G or T; or NULL */
	int gpus;		 /* >= 0: --gres=gpu:N */
	const char *partition;	 /* or NULL: the stack's */
	const cJSON *slurm_opts; /* array of strings (more sbatch options), or NULL */
};

/* Is OPT an sbatch option a stack or a step may add (--slurm-opt,
 * resources.slurm_opts)?  0, or -1 with *WHY saying what is wrong (runlens
 * sets --job-name, --output, --mem, … itself). */
int spec_check_slurm_opt(const char *opt, const char **why);

struct spec_step {
	char *name;
	int line; /* 1-based line of the step object in the file */

	/* "run": either argv (run_argv non-NULL, run_argc >= 1, each element a
	 * template) or a shell string (run_shell non-NULL, a template). */
	char **run_argv;
	int run_argc;
	char *run_shell;

	struct spec_input *inputs;
	int ninputs;
	struct spec_output *outputs;
	int noutputs;
	char **needs;
	int nneeds;

	/* Indexes (into spec->steps) of the steps this one depends on through
	 * inputs and needs; unique, ascending. */
	int *deps;
	int ndeps;

	int retries;	  /* >= 0 */
	double retry_delay;   /* seconds before the first retry, >= 0 */
	double retry_backoff; /* each later wait is this times the one before, >= 1 */
	double timeout;	  /* seconds, 0 = none */
	int cache;	  /* 0 or 1, after defaults and the secrets rule */
	cJSON *resources; /* object or NULL (owned by spec->root) */
	struct spec_resources res; /* "resources", checked */
	struct spec_env *env;
	int nenv;
	cJSON *context; /* step "context" object or NULL (owned by root) */
	char **tags;
	int ntags;
	char *workdir; /* template or NULL */
	char *metrics_file; /* name of one of the outputs, or NULL */
	char **secrets;
	int nsecrets;
	/* "code": more files, folders or globs (relative to the pipeline's
	 * folder) whose content enters the cache key; code_auto: the files
	 * the command names count too (0 with "code": false: no code at all) */
	char **code;
	int ncode;
	int code_auto;

	/* The params this step receives: the pipeline params referenced
	 * with ${params.X} in any of its fields, plus its own "params" (whose
	 * ${params.X} are replaced by the pipeline's params).  A JSON object
	 * name -> value (step params over pipeline params).  Owned by the spec
	 * (a separate cJSON tree). */
	cJSON *params;
};

/* The most a wait before a retry lasts, in seconds (one day): a backoff
 * never grows it beyond. */
#define SPEC_RETRY_WAIT_MAX 86400.0

/* Seconds to wait after failed attempt K (1-based) before attempt K+1:
 * retry_delay × retry_backoff^(K-1), at most SPEC_RETRY_WAIT_MAX (as
 * Prefect's retry_delay_seconds with an exponential backoff). */
double spec_retry_wait(const struct spec_step *st, int k);

struct spec_defaults {
	int retries;
	double retry_delay, retry_backoff;
	double timeout;
	int cache;
};

struct spec {
	char *path; /* as given to spec_load_file, or the name given */
	char *dir;  /* absolute folder of the file ("." resolved); may be NULL
		       for spec_parse without a real file */
	char *text; /* the file's text, as read (the snapshot) */
	cJSON *root;

	char *name;
	char *description; /* or NULL */
	cJSON *params;	   /* object (owned by root; possibly overridden) */
	char **tags;
	int ntags;
	cJSON *context; /* object or NULL (owned by root) */
	cJSON *model;	/* object or NULL: {"name": …, "version": …?} */
	char *stack;	/* or NULL */
	cJSON *metrics; /* object key -> "min"|"max", or NULL */
	char *baseline_where; /* "baseline": {"where": EXPR}, or NULL */
	struct spec_defaults defaults;

	struct spec_step *steps;
	int nsteps;
	int *order; /* topological order: nsteps indexes; ties keep file order */
};

/* The largest pipeline file read (bytes). */
#define SPEC_MAX_FILE (64 << 20)

/* Read and parse a pipeline file.  RL_E_NOT_FOUND / RL_E_IO when it cannot
 * be read, RL_E_USAGE when it is not a regular file (a folder, a device, a
 * pipe), RL_E_SPEC for everything wrong inside (a file over SPEC_MAX_FILE
 * too). */
int spec_load_file(const char *path, struct spec **out, struct rl_err *err);

/* Parse TEXT (LEN bytes); FILENAME is used in messages and as spec->path.
 * DIR (may be NULL) becomes spec->dir. */
int spec_parse(const char *text, size_t len, const char *filename,
	       const char *dir, struct spec **out, struct rl_err *err);

void spec_free(struct spec **s);

/* Override params from "KEY=VALUE" strings: KEY is a pipeline param, or
 * STEP.NAME one step's own param.  VALUE is text for a param declared as
 * a string, else JSON when all of it is valid JSON, else a string.  An
 * unknown KEY or a missing '=' is RL_E_USAGE, and nothing changes.
 * Recomputes each step's params. */
int spec_set_params(struct spec *s, char *const *assignments, int n,
		    struct rl_err *err);

/* Check the -p a person gave, before they are set (RL_E_USAGE, naming the
 * step and how to set it): a pipeline param must reach at least one step
 * (through ${params.NAME} in its fields or its own params, and not
 * shadowed by its own param of that name), and every value must be of
 * the declared kind (a number for a number, true/false, an array, an
 * object; strings and null take anything). */
int spec_check_overrides(const struct spec *s, char *const *assignments, int n,
			 struct rl_err *err);

/* The params a run of this pipeline uses, as recorded for it: each
 * pipeline param some step receives (NAME), and each step's own param
 * that is not made of pipeline params (STEP.NAME).  A new object, or NULL
 * when memory runs out. */
cJSON *spec_used_params(const struct spec *s);

int spec_step_index(const struct spec *s, const char *name); /* -1 if none */

/* Whether S is a valid name of a step, output, input, param or secret:
 * at most SPEC_NAME_MAX letters, digits, '_' and '-' (and '.' when
 * ALLOW_DOT, as in a pipeline name).  A step's name names its folder, and
 * every name goes into environment variables' names and file paths. */
#define SPEC_NAME_MAX 128
int spec_valid_name(const char *s, int allow_dot);
/* The longest an output's path may be, and each of its parts (a file
 * system's usual NAME_MAX): it goes under the run's folder. */
#define SPEC_OUTPUT_PATH_MAX 1024
#define SPEC_PATH_PART_MAX 255

/* A name's character in an environment variable's name (SPEC.md: names
 * upper-cased, other than letters and digits turned into '_'):
 * RUNLENS_PARAM_<NAME>, RUNLENS_INPUT_<NAME>… */
char spec_env_char(char ch);

/* Whether S is a valid tag of a run (the pipeline file's "tags", run
 * --tag, `runlens tag`, the browser's :tag): not empty, no space, tab,
 * newline or comma (a run's tags are listed with commas). */
int spec_valid_tag(const char *s);

/* Values for ${…} substitution while running one step. */
struct spec_subst {
	const char *run_id;   /* decimal */
	const char *run_name;
	/* absolute paths, parallel to step->inputs / step->outputs */
	char *const *input_paths;
	char *const *output_paths;
	int keep_params; /* leave ${params.X} as it is (cache keys) */
};

/* Substitute ${params.X}, ${inputs.X}, ${outputs.X}, ${run.id},
 * ${run.name}, ${step.name} in TEMPLATE for STEP.  Params render as their
 * JSON text, except strings which render raw.  "$${" is a literal "${".
 * *out is malloc'd. */
int spec_substitute(const struct spec *s, const struct spec_step *step,
		    const char *template, const struct spec_subst *v,
		    char **out, struct rl_err *err);

/* Mark (set mark[i] = 1) every step downstream of step I, including I.
 * MARK has nsteps entries. */
void spec_mark_downstream(const struct spec *s, int i, unsigned char *mark);
/* 1 when step B depends on step A, directly or through others (A is
 * upstream of B); 0 otherwise, for A == B and for bad indexes. */
int spec_is_upstream(const struct spec *s, int a, int b);

#endif
