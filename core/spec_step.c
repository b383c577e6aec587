/* core/spec_step.c — the steps of a pipeline file: one parser per field
 * of a step, the "steps" array with its unique names, and the environment
 * variable names a step's inputs, outputs and params become.  References to other steps are resolved in core/dag.c,
 * ${…} checked in core/spec_subst.c. */
#include "config.h"
#include "core/spec_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

int spec_input_index(const struct spec_step *st, const char *name)
{
	for (int i = 0; i < st->ninputs; i++)
		if (strcmp(st->inputs[i].name, name) == 0)
			return i;
	return -1;
}

int spec_output_index(const struct spec_step *st, const char *name)
{
	for (int i = 0; i < st->noutputs; i++)
		if (strcmp(st->outputs[i].name, name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* A step, and the array of them                                       */

static const char *const step_fields[] = {
	"name", "run", "inputs", "outputs", "needs", "retries", "timeout",
	"cache", "resources", "env", "context", "tags", "params", "workdir",
	"metrics_file", "secrets", NULL,
};

static int known(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/* Parse one step object (references to other steps are resolved later). */
static int parse_step(struct spec_ctx *c, struct spec *s, const cJSON *obj,
		      int index, struct spec_step *st, cJSON **step_params)
{
	if (!cJSON_IsObject(obj))
		return spec_error(c, NULL, "steps", "step %d: expected an object, got %s",
				  index + 1, spec_type_name(obj));
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
	if (!name)
		return spec_error(c, NULL, "steps", "step %d has no \"name\"", index + 1);
	if (!cJSON_IsString(name) || !spec_valid_name(name->valuestring, 0))
		return spec_error(c, NULL, "steps",
				  "step %d: \"name\" must be a non-empty string of "
				  "letters, digits, '_' and '-'",
				  index + 1);
	if (!(st->name = spec_strdup(c, name->valuestring)))
		return -1;
	const char *dup = spec_duplicate_key(obj);
	if (dup)
		return spec_error(c, st->name, NULL, "duplicate field '%s'", dup);
	for (const cJSON *f = obj->child; f; f = f->next)
		if (!known(step_fields, f->string))
			return spec_error(c, st->name, NULL, "unknown field '%s'",
					  f->string);

	const cJSON *run = cJSON_GetObjectItemCaseSensitive(obj, "run");
	if (!run)
		return spec_error(c, st->name, NULL, "missing field 'run'");
	if (cJSON_IsString(run)) {
		if (!*run->valuestring)
			return spec_error(c, st->name, "run", "must not be empty");
		if (!(st->run_shell = spec_strdup(c, run->valuestring)))
			return -1;
	} else if (cJSON_IsArray(run)) {
		if (spec_string_array(c, st->name, "run", run, &st->run_argv, &st->run_argc) < 0)
			return -1;
		if (st->run_argc == 0 || !*st->run_argv[0])
			return spec_error(c, st->name, "run",
					  "expected a non-empty array (the program and its arguments)");
	} else {
		return spec_error(c, st->name, "run",
				  "expected a string (run by /bin/sh) or an array "
				  "(argv), got %s", spec_type_name(run));
	}

	const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(obj, "outputs");
	if (outputs) {
		if (spec_object(c, st->name, "outputs", outputs) < 0)
			return -1;
		int n = cJSON_GetArraySize(outputs);
		st->outputs = calloc((size_t)n + 1, sizeof(*st->outputs));
		if (!st->outputs)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		for (const cJSON *o = outputs->child; o; o = o->next) {
			struct buf field = BUF_INIT;
			buf_printf(&field, "outputs.%s", o->string);
			int rc = 0;
			if (!spec_valid_name(o->string, 0))
				rc = spec_error(c, st->name, "outputs",
						"output name '%s' may only hold letters, digits, '_' and '-'",
						o->string);
			else if (!cJSON_IsString(o) || !*o->valuestring)
				rc = spec_error(c, st->name, field.data,
						"expected a relative path, got %s",
						spec_type_name(o));
			else if (o->valuestring[0] == '/' ||
				 strcmp(o->valuestring, "..") == 0 ||
				 strncmp(o->valuestring, "../", 3) == 0 ||
				 strstr(o->valuestring, "/../") ||
				 (strlen(o->valuestring) >= 3 &&
				  strcmp(o->valuestring + strlen(o->valuestring) - 3, "/..") == 0))
				rc = spec_error(c, st->name, field.data,
						"'%s' must be a relative path inside the step's output folder",
						o->valuestring);
			buf_free(&field);
			if (rc < 0)
				return -1;
			struct spec_output *so = &st->outputs[st->noutputs++];
			if (!(so->name = spec_strdup(c, o->string)) ||
			    !(so->path = spec_strdup(c, o->valuestring)))
				return -1;
		}
	}

	const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(obj, "inputs");
	if (inputs) {
		if (spec_object(c, st->name, "inputs", inputs) < 0)
			return -1;
		int n = cJSON_GetArraySize(inputs);
		st->inputs = calloc((size_t)n + 1, sizeof(*st->inputs));
		if (!st->inputs)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		for (const cJSON *in = inputs->child; in; in = in->next) {
			struct buf field = BUF_INIT;
			buf_printf(&field, "inputs.%s", in->string);
			struct spec_input *si = &st->inputs[st->ninputs];
			int rc = 0;
			if (!spec_valid_name(in->string, 0)) {
				rc = spec_error(c, st->name, "inputs",
						"input name '%s' may only hold letters, digits, '_' and '-'",
						in->string);
			} else if (cJSON_IsString(in)) {
				const char *dot = strchr(in->valuestring, '.');
				if (!dot || dot == in->valuestring || !dot[1] ||
				    strchr(dot + 1, '.'))
					rc = spec_error(c, st->name, field.data,
							"expected \"step.output\" or {\"path\": …}, got '%s'",
							in->valuestring);
				else {
					si->kind = SPEC_INPUT_STEP;
					si->step = strndup(in->valuestring,
							   (size_t)(dot - in->valuestring));
					si->output = strdup(dot + 1);
					si->step_index = -1;
				}
			} else if (cJSON_IsObject(in)) {
				const cJSON *p = cJSON_GetObjectItemCaseSensitive(in, "path");
				if (!cJSON_IsString(p) || !*p->valuestring ||
				    cJSON_GetArraySize(in) != 1)
					rc = spec_error(c, st->name, field.data,
							"expected {\"path\": \"…\"}");
				else {
					si->kind = SPEC_INPUT_PATH;
					si->path = strdup(p->valuestring);
					si->step_index = -1;
				}
			} else {
				rc = spec_error(c, st->name, field.data,
						"expected \"step.output\" or {\"path\": …}, got %s",
						spec_type_name(in));
			}
			buf_free(&field);
			if (rc < 0)
				return -1;
			st->ninputs++;
			si->name = strdup(in->string);
			if (!si->name || (si->kind == SPEC_INPUT_STEP &&
					  (!si->step || !si->output)) ||
			    (si->kind == SPEC_INPUT_PATH && !si->path))
				return rl_err_set(c->err, RL_E_NOMEM, NULL);
		}
	}

	const cJSON *needs = cJSON_GetObjectItemCaseSensitive(obj, "needs");
	if (needs && spec_string_array(c, st->name, "needs", needs, &st->needs, &st->nneeds) < 0)
		return -1;

	st->retries = s->defaults.retries;
	st->timeout = s->defaults.timeout;
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "retries")) &&
	    spec_nonneg_int(c, st->name, "retries", v, &st->retries) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "timeout")) &&
	    spec_nonneg_num(c, st->name, "timeout", v, &st->timeout) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "resources"))) {
		if (spec_object(c, st->name, "resources", v) < 0)
			return -1;
		st->resources = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "context"))) {
		if (spec_object(c, st->name, "context", v) < 0)
			return -1;
		st->context = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "tags")) &&
	    spec_string_array(c, st->name, "tags", v, &st->tags, &st->ntags) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "secrets"))) {
		if (spec_string_array(c, st->name, "secrets", v, &st->secrets, &st->nsecrets) < 0)
			return -1;
		for (int i = 0; i < st->nsecrets; i++)
			if (!spec_valid_name(st->secrets[i], 0))
				return spec_error(c, st->name, "secrets",
						  "'%s' is not a valid secret name",
						  st->secrets[i]);
	}
	st->cache = s->defaults.cache && st->nsecrets == 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "cache")) &&
	    spec_boolean(c, st->name, "cache", v, &st->cache) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "workdir"))) {
		if (!cJSON_IsString(v) || !*v->valuestring)
			return spec_error(c, st->name, "workdir",
					  "expected a folder path, got %s", spec_type_name(v));
		if (!(st->workdir = spec_strdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "metrics_file"))) {
		if (!cJSON_IsString(v))
			return spec_error(c, st->name, "metrics_file",
					  "expected the name of an output, got %s",
					  spec_type_name(v));
		if (spec_output_index(st, v->valuestring) < 0)
			return spec_error(c, st->name, "metrics_file",
					  "'%s' is not one of the step's outputs",
					  v->valuestring);
		if (!(st->metrics_file = spec_strdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "params"))) {
		if (spec_object(c, st->name, "params", v) < 0)
			return -1;
		for (const cJSON *p = v->child; p; p = p->next)
			if (!spec_valid_name(p->string, 0))
				return spec_error(c, st->name, "params",
						  "param name '%s' may only hold letters, digits, '_' and '-'",
						  p->string);
		*step_params = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "env"))) {
		if (spec_object(c, st->name, "env", v) < 0)
			return -1;
		int n = cJSON_GetArraySize(v);
		st->env = calloc((size_t)n + 1, sizeof(*st->env));
		if (!st->env)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		for (const cJSON *e = v->child; e; e = e->next) {
			struct buf field = BUF_INIT;
			buf_printf(&field, "env.%s", e->string);
			char *val = NULL;
			if (cJSON_IsString(e))
				val = strdup(e->valuestring);
			else if (cJSON_IsNumber(e) || cJSON_IsBool(e))
				val = cJSON_PrintUnformatted(e);
			int rc = 0;
			if (!val && (cJSON_IsString(e) || cJSON_IsNumber(e) ||
				     cJSON_IsBool(e)))
				rc = rl_err_set(c->err, RL_E_NOMEM, NULL);
			else if (!val)
				rc = spec_error(c, st->name, field.data,
						"expected a string, number or boolean, got %s",
						spec_type_name(e));
			else if (!*e->string || strchr(e->string, '='))
				rc = spec_error(c, st->name, "env",
						"'%s' is not a valid variable name", e->string);
			buf_free(&field);
			if (rc < 0) {
				free(val);
				return -1;
			}
			st->env[st->nenv].key = strdup(e->string);
			st->env[st->nenv].value = val;
			if (!st->env[st->nenv++].key)
				return rl_err_set(c->err, RL_E_NOMEM, NULL);
		}
	}
	return 0;
}

int spec_parse_steps(struct spec_ctx *c, struct spec_private *sp,
		     const cJSON *steps)
{
	struct spec *s = &sp->pub;
	int n = cJSON_GetArraySize(steps), rc = -1;
	int *lines = spec_json_step_lines(s->text, strlen(s->text), n);
	s->steps = calloc((size_t)n, sizeof(*s->steps));
	sp->extra = calloc((size_t)n, sizeof(*sp->extra));
	if (!lines || !s->steps || !sp->extra) {
		rl_err_set(c->err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	int i = 0;
	for (const cJSON *st = steps->child; st; st = st->next, i++) {
		s->steps[i].line = lines[i];
		s->nsteps = i + 1;
		if (!(sp->extra[i].refs = cJSON_CreateArray())) {
			rl_err_set(c->err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		if (parse_step(c, s, st, i, &s->steps[i], &sp->extra[i].own) < 0)
			goto cleanup;
		for (int j = 0; j < i; j++)
			if (strcmp(s->steps[j].name, s->steps[i].name) == 0) {
				spec_error(c, NULL, NULL,
					   "duplicate step name '%s' (lines %d and %d)",
					   s->steps[i].name, s->steps[j].line,
					   s->steps[i].line);
				goto cleanup;
			}
	}
	rc = 0;
cleanup:
	free(lines);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Environment variable names                                          */

/* A name's character in an environment variable name (SPEC.md: names
 * upper-cased, other than letters and digits turned into '_'). */
static char env_char(char ch)
{
	return isalnum((unsigned char)ch) ? (char)toupper((unsigned char)ch) : '_';
}

static int same_env_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (env_char(*a) != env_char(*b))
			return 0;
	return *a == *b;
}

/* Two of the names (NAME(ARG, i) for i < N) would become the same
 * PREFIX<NAME> variable? */
static int env_clash(struct spec_ctx *c, const char *step, const char *field,
		     const char *prefix, const char *(*name)(const void *, int),
		     const void *arg, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			const char *a = name(arg, i), *b = name(arg, j);
			if (!same_env_name(a, b))
				continue;
			struct buf var = BUF_INIT;
			buf_puts(&var, prefix);
			for (const char *p = a; *p; p++)
				buf_putc(&var, env_char(*p));
			int rc = spec_error(c, step, field,
					    "'%s' and '%s' would both be %s", a, b,
					    var.data ? var.data : prefix);
			buf_free(&var);
			return rc;
		}
	return 0;
}

static const char *input_name(const void *arg, int i)
{
	return ((const struct spec_step *)arg)->inputs[i].name;
}

static const char *output_name(const void *arg, int i)
{
	return ((const struct spec_step *)arg)->outputs[i].name;
}

static const char *param_name(const void *arg, int i)
{
	const cJSON *p = ((const cJSON *)arg)->child;
	while (i-- > 0)
		p = p->next;
	return p->string;
}

int spec_check_env_names(struct spec_ctx *c, const struct spec_step *st)
{
	if (env_clash(c, st->name, "inputs", "RUNLENS_INPUT_", input_name, st,
		      st->ninputs) < 0 ||
	    env_clash(c, st->name, "outputs", "RUNLENS_OUTPUT_", output_name, st,
		      st->noutputs) < 0 ||
	    env_clash(c, st->name, "params", "RUNLENS_PARAM_", param_name,
		      st->params, cJSON_GetArraySize(st->params)) < 0)
		return -1;
	return 0;
}
