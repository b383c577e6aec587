/* core/spec_internal.h — what the files of the pipeline-file module share.
 * Not for callers: they include core/spec.h.
 *
 *   core/spec.c         the front door: spec_parse, spec_load_file,
 *                       spec_free; the file's top-level fields
 *   core/spec_json.c    JSON text: syntax errors with file:line:column,
 *                       the line of each step
 *   core/spec_value.c   the error message format, typed field values, the
 *                       known/missing/duplicate field rule of an object
 *   core/spec_step.c    one step's fields; the "steps" array
 *   core/spec_params.c  params: names, each step's params, -p overrides
 *   core/spec_subst.c   ${…}: reference checks and substitution
 *   core/spec_names.c   step name -> index (spec_step_index)
 *   core/dag.c          step references, the order, cycles, downstream
 *
 * Functions that take a struct spec_ctx return 0, or -1 with the error in
 * c->err (RL_E_SPEC with a message of the form shown in spec.h, or
 * RL_E_NOMEM). */
#ifndef RUNLENS_CORE_SPEC_INTERNAL_H
#define RUNLENS_CORE_SPEC_INTERNAL_H

#include "core/spec.h"

/* One parse in progress. */
struct spec_ctx {
	const char *file; /* the name used in messages */
	struct rl_err *err;
};

/* A table of string keys -> int values, with a number of keys fixed when
 * it is made.  Keys are borrowed: they must outlive the table. */
struct spec_names {
	const char **keys; /* cap slots, NULL when empty */
	int *values;
	int cap;  /* a power of two, over twice the most keys */
	int most; /* keys that may be added */
	int count;
};

/* Per step, kept between the parse and spec_set_params. */
struct step_extra {
	cJSON *refs; /* array of the pipeline param names the step's fields
			reference (those its own params shadow are not here) */
	cJSON *own;  /* the step's "params" object (owned by root), or NULL */
	cJSON *own_refs; /* array of the pipeline param names its own params
			    reference ("lr": "${params.lr}") */
};

/* Every struct spec is the first member of one of these. */
struct spec_private {
	struct spec pub;
	struct step_extra *extra; /* nsteps entries */
	struct spec_names names;  /* step names -> index in pub.steps */
};

static inline struct spec_private *spec_private(struct spec *s)
{
	return (struct spec_private *)s;
}

/* ---- core/spec_value.c ---- */

/* Set c->err to "FILE: step 'S', field 'F': MESSAGE" (either part may be
 * NULL and is then left out), control characters escaped; returns -1. */
int spec_error(struct spec_ctx *c, const char *step, const char *field,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* strdup that sets RL_E_NOMEM in c->err when memory runs out. */
char *spec_strdup(struct spec_ctx *c, const char *s);

/* Free N strings of V, then V; V may be NULL. */
void spec_strv_free(char **v, int n);

/* spec_valid_name (spec.h) says what a name may hold. */

/* A name that will be part of an environment variable (WHAT is "input",
 * "output" or "param"): "field 'F': WHAT name 'N' may only hold …". */
int spec_check_name(struct spec_ctx *c, const char *step, const char *field,
		    const char *what, const char *name);

/* *DUP: the key of the first member of OBJ that a later member repeats,
 * or NULL (also for a NULL OBJ).  0, or -1 when memory runs out. */
int spec_duplicate_key(const cJSON *obj, const char **dup);

/* "a string", "a number", … "an object"; for messages. */
const char *spec_type_name(const cJSON *v);

/* The values of fields, each checked for its type; on success *OUT (and
 * *N) are set, the strings malloc'd. */
int spec_string_array(struct spec_ctx *c, const char *step, const char *field,
		      const cJSON *v, char ***out, int *n);
int spec_nonneg_int(struct spec_ctx *c, const char *step, const char *field,
		    const cJSON *v, int *out);
int spec_nonneg_num(struct spec_ctx *c, const char *step, const char *field,
		    const cJSON *v, double *out);
/* "retry_delay": seconds, a number from 0 to SPEC_RETRY_WAIT_MAX;
 * "retry_backoff": a factor, a number from 1 to 1000. */
int spec_retry_delay(struct spec_ctx *c, const char *step, const char *field,
		     const cJSON *v, double *out);
int spec_retry_backoff(struct spec_ctx *c, const char *step, const char *field,
		       const cJSON *v, double *out);
int spec_boolean(struct spec_ctx *c, const char *step, const char *field,
		 const cJSON *v, int *out);
/* V must be an object with no key twice, at any depth. */
int spec_object(struct spec_ctx *c, const char *step, const char *field,
		const cJSON *v);

/* What a field's parser works on: for a step's fields ST and X are the
 * step and its extra; for the file's top-level fields both are NULL. */
struct spec_at {
	struct spec_ctx *c;
	struct spec_private *sp;
	struct spec_step *st;
	struct step_extra *x;
};

/* One known field of an object: its parser (NULL when the caller reads
 * it itself) runs when the field is there; a REQUIRED one that is not
 * there is "missing field 'NAME'". */
struct spec_field {
	const char *name;
	int required;
	int (*parse)(const struct spec_at *at, const cJSON *v);
};

/* The rule of an object of known fields (FIELDS ends with a NULL name):
 * no duplicate field, no unknown field, no missing required field, then
 * each field's parser, in the order of the table. */
int spec_parse_fields(const struct spec_field *fields, const cJSON *obj,
		      const struct spec_at *at);

/* ---- core/spec_resources.c ---- */

/* A step's "resources" V into st->res (and st->resources). */
int spec_parse_resources(struct spec_ctx *c, struct spec_step *st, const cJSON *v);

/* ---- core/spec_json.c ---- */

/* Parse TEXT (LEN bytes, NUL-terminated) as one JSON document into *OUT;
 * a syntax error is RL_E_SPEC "FILE:LINE:COLUMN: JSON syntax error: …". */
int spec_json_parse(const char *file, const char *text, size_t len,
		    cJSON **out, struct rl_err *err);

/* The 1-based lines of the first NSTEPS objects of the top-level "steps"
 * array of the valid JSON text T (0 for those not found); malloc'd, NULL
 * when memory runs out. */
int *spec_json_step_lines(const char *t, size_t len, int nsteps);

/* ---- core/spec_names.c ---- */

/* Make an empty table for at most MOST keys: 0, or -1 when memory runs
 * out.  spec_names_free accepts a table that was never made (zeroed). */
int spec_names_init(struct spec_names *t, int most);
void spec_names_free(struct spec_names *t);
/* Add KEY -> VALUE (VALUE >= 0): -1 when added; when KEY is there
 * already, its value (the table is unchanged); -2 when the table is full. */
int spec_names_add(struct spec_names *t, const char *key, int value);
/* The value of KEY, or -1. */
int spec_names_find(const struct spec_names *t, const char *key);
/* Does one of the N KEYS repeat an earlier one?  Then 1, with *I the
 * index of the first key that is repeated and *J that of its first
 * repeat (what comparing each key with every later one finds first);
 * 0 when they all differ; -1 when memory runs out. */
int spec_first_repeat(const char *const *keys, int n, int *i, int *j);

/* ---- core/spec_step.c ---- */

/* Parse the non-empty "steps" array into sp->pub.steps (with their lines
 * in the text and sp->extra); step names must be unique. */
int spec_parse_steps(struct spec_ctx *c, struct spec_private *sp,
		     const cJSON *steps);

/* The index of the step's input / output named NAME, or -1. */
int spec_input_index(const struct spec_step *st, const char *name);
int spec_output_index(const struct spec_step *st, const char *name);

/* The step's inputs, outputs and params (st->params) each reach it as
 * environment variables; no two of one kind may share one. */
int spec_check_env_names(struct spec_ctx *c, const struct spec_step *st);

/* ---- core/spec_params.c ---- */

/* V, the "params" of the file (STEP NULL) or of a step, must be an
 * object whose names may be part of an environment variable. */
int spec_check_params(struct spec_ctx *c, const char *step, const cJSON *v);

/* The params step I receives: the pipeline params its fields reference
 * (x->refs), overridden by its own params (x->own), whose ${params.X}
 * are replaced by pipeline params: a value that is one reference takes
 * that param's value and type, any other text is substituted.  A new
 * object, or NULL when memory runs out. */
cJSON *spec_step_params(const struct spec *s, const struct step_extra *x);

/* Render a param as text: strings raw, anything else as JSON (malloc'd). */
char *spec_param_text(const cJSON *v);

/* ---- core/spec_subst.c ---- */

/* Check every ${…} in the step's templates ("run", "env", "workdir") and
 * add the pipeline params they reference to x->refs; in its own params
 * only ${params.X} of a pipeline param may appear (added to
 * x->own_refs). */
int spec_check_templates(struct spec_ctx *c, const struct spec *s,
			 struct spec_step *st, struct step_extra *x);

/* The value a step's own param V takes: V itself, or with its
 * ${params.X} replaced by the pipeline's params (one reference alone keeps
 * the param's type).  A new item, or NULL when memory runs out. */
cJSON *spec_own_param_value(const struct spec *s, const cJSON *v);

/* ---- core/dag.c ---- */

/* Resolve each step's inputs and needs to step indexes (step_index,
 * deps): unknown steps and outputs, and a step needing itself, are
 * errors. */
int spec_resolve_refs(struct spec_ctx *c, struct spec *s);

/* Compute s->order (Kahn's algorithm; among the steps that are ready, the
 * first in file order) from the steps' deps.  A cycle is RL_E_SPEC:
 * "FILE: cycle between steps: a -> b -> c -> a" (each step needed by the
 * next, starting at the first of them in file order). */
int spec_dag_order(struct spec *s, struct rl_err *err);

#endif
