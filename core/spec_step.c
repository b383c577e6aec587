/* core/spec_step.c — the steps of a pipeline file: one parser per field
 * of a step (the table step_fields), the "steps" array with its unique
 * names, and the environment variable names a step's inputs, outputs and
 * params become.  References to other steps are resolved in core/dag.c,
 * ${…} checked in core/spec_subst.c. */
#include "config.h"
#include "core/spec_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/num.h"
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
/* "run"                                                               */

static int parse_run(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (cJSON_IsString(v)) {
		if (!*v->valuestring)
			return spec_error(at->c, st->name, "run", "must not be empty");
		st->run_shell = spec_strdup(at->c, v->valuestring);
		return st->run_shell ? 0 : -1;
	}
	if (!cJSON_IsArray(v))
		return spec_error(at->c, st->name, "run",
				  "expected a string (run by /bin/sh) or an array "
				  "(argv), got %s", spec_type_name(v));
	if (spec_string_array(at->c, st->name, "run", v, &st->run_argv,
			      &st->run_argc) < 0)
		return -1;
	if (st->run_argc == 0 || !*st->run_argv[0])
		return spec_error(at->c, st->name, "run",
				  "expected a non-empty array (the program and its arguments)");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fields whose members are named ("outputs", "inputs", "env")         */

/* Call EACH for every member of the object V of field NAME, with the
 * member's field ("NAME.KEY"); the first error stops. */
static int each_member(const struct spec_at *at, const char *name, const cJSON *v,
		       int (*each)(const struct spec_at *at, const cJSON *m,
				   const char *field))
{
	for (const cJSON *m = v->child; m; m = m->next) {
		struct buf field = BUF_INIT;
		buf_printf(&field, "%s.%s", name, m->string);
		int rc = each(at, m, field.data);
		buf_free(&field);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* "outputs"                                                           */

/* P climbs out of the folder it is relative to, or is absolute? */
static int leaves_folder(const char *p)
{
	size_t n = strlen(p);
	return p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	       strstr(p, "/../") || (n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

/* Whether PATH, or one of its parts, is longer than a file system takes. */
static int too_long(const char *path)
{
	if (strlen(path) > SPEC_OUTPUT_PATH_MAX)
		return 1;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n > SPEC_PATH_PART_MAX)
			return 1;
		p += n;
		p += *p == '/';
	}
	return 0;
}

/* Check output O; FIELD is "outputs.NAME". */
static int check_output(const struct spec_at *at, const cJSON *o,
			const char *field)
{
	const char *step = at->st->name;
	if (spec_check_name(at->c, step, "outputs", "output", o->string) < 0)
		return -1;
	if (!cJSON_IsString(o) || !*o->valuestring)
		return spec_error(at->c, step, field, "expected a relative path, got %s",
				  spec_type_name(o));
	if (leaves_folder(o->valuestring))
		return spec_error(at->c, step, field,
				  "'%s' must be a relative path inside the step's output folder",
				  o->valuestring);
	if (too_long(o->valuestring))
		return spec_error(at->c, step, field,
				  "'%.40s…' is too long for a path: at most %d bytes, %d in each "
				  "folder or file name", o->valuestring, SPEC_OUTPUT_PATH_MAX,
				  SPEC_PATH_PART_MAX);
	/* an output's path is its name in the record and in every later
	 * run: nothing is substituted in it */
	if (strstr(o->valuestring, "${"))
		return spec_error(at->c, step, field,
				  "'%s': an output's path is fixed, nothing is substituted in it "
				  "(the command can name the file: ${outputs.%s})",
				  o->valuestring, o->string);
	return 0;
}

static int add_output(const struct spec_at *at, const cJSON *o, const char *field)
{
	struct spec_step *st = at->st;
	if (check_output(at, o, field) < 0)
		return -1;
	struct spec_output *so = &st->outputs[st->noutputs++];
	if (!(so->name = spec_strdup(at->c, o->string)) ||
	    !(so->path = spec_strdup(at->c, o->valuestring)))
		return -1;
	return 0;
}

static int parse_outputs(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (spec_object(at->c, st->name, "outputs", v) < 0)
		return -1;
	st->outputs = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*st->outputs));
	if (!st->outputs)
		return rl_err_set(at->c->err, RL_E_NOMEM, NULL);
	return each_member(at, "outputs", v, add_output);
}

/* ------------------------------------------------------------------ */
/* "inputs"                                                            */

/* "step.output": exactly one '.', with something on both sides. */
static int input_from_step(const struct spec_at *at, const cJSON *in,
			   const char *field, struct spec_input *si)
{
	const char *text = in->valuestring, *dot = strchr(text, '.');
	if (!dot || dot == text || !dot[1] || strchr(dot + 1, '.'))
		return spec_error(at->c, at->st->name, field,
				  "expected \"step.output\" or {\"path\": …}, got '%s'",
				  text);
	si->kind = SPEC_INPUT_STEP;
	si->step = strndup(text, (size_t)(dot - text));
	si->output = strdup(dot + 1);
	si->step_index = -1;
	return 0;
}

/* {"path": "…"} and nothing else. */
static int input_from_path(const struct spec_at *at, const cJSON *in,
			   const char *field, struct spec_input *si)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(in, "path");
	if (!cJSON_IsString(p) || !*p->valuestring || cJSON_GetArraySize(in) != 1)
		return spec_error(at->c, at->st->name, field, "expected {\"path\": \"…\"}");
	si->kind = SPEC_INPUT_PATH;
	si->path = strdup(p->valuestring);
	si->step_index = -1;
	return 0;
}

/* Fill SI from input IN; FIELD is "inputs.NAME".  Out of memory leaves a
 * string NULL, for the caller to find. */
static int input_value(const struct spec_at *at, const cJSON *in,
		       const char *field, struct spec_input *si)
{
	if (spec_check_name(at->c, at->st->name, "inputs", "input", in->string) < 0)
		return -1;
	if (cJSON_IsString(in))
		return input_from_step(at, in, field, si);
	if (cJSON_IsObject(in))
		return input_from_path(at, in, field, si);
	return spec_error(at->c, at->st->name, field,
			  "expected \"step.output\" or {\"path\": …}, got %s",
			  spec_type_name(in));
}

static int add_input(const struct spec_at *at, const cJSON *in, const char *field)
{
	struct spec_step *st = at->st;
	struct spec_input *si = &st->inputs[st->ninputs];
	if (input_value(at, in, field, si) < 0)
		return -1;
	st->ninputs++;
	si->name = strdup(in->string);
	if (!si->name || (si->kind == SPEC_INPUT_STEP && (!si->step || !si->output)) ||
	    (si->kind == SPEC_INPUT_PATH && !si->path))
		return rl_err_set(at->c->err, RL_E_NOMEM, NULL);
	return 0;
}

static int parse_inputs(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (spec_object(at->c, st->name, "inputs", v) < 0)
		return -1;
	st->inputs = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*st->inputs));
	if (!st->inputs)
		return rl_err_set(at->c->err, RL_E_NOMEM, NULL);
	return each_member(at, "inputs", v, add_input);
}

/* ------------------------------------------------------------------ */
/* "env"                                                               */

/* The text of E as a variable's value (malloc'd) in *VAL; FIELD is
 * "env.NAME". */
static int env_value(const struct spec_at *at, const cJSON *e,
		     const char *field, char **val)
{
	int scalar = cJSON_IsString(e) || cJSON_IsNumber(e) || cJSON_IsBool(e);
	*val = NULL;
	if (cJSON_IsString(e))
		*val = strdup(e->valuestring);
	else if (scalar)
		*val = json_print(e, 0);
	if (!*val && scalar)
		return rl_err_set(at->c->err, RL_E_NOMEM, NULL);
	if (!*val)
		return spec_error(at->c, at->st->name, field,
				  "expected a string, number or boolean, got %s",
				  spec_type_name(e));
	if (!*e->string || strchr(e->string, '='))
		return spec_error(at->c, at->st->name, "env",
				  "'%s' is not a valid variable name", e->string);
	return 0;
}

static int add_env(const struct spec_at *at, const cJSON *e, const char *field)
{
	struct spec_step *st = at->st;
	char *val = NULL;
	if (env_value(at, e, field, &val) < 0) {
		free(val);
		return -1;
	}
	st->env[st->nenv].key = strdup(e->string);
	st->env[st->nenv].value = val;
	if (!st->env[st->nenv++].key)
		return rl_err_set(at->c->err, RL_E_NOMEM, NULL);
	return 0;
}

static int parse_env(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (spec_object(at->c, st->name, "env", v) < 0)
		return -1;
	st->env = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*st->env));
	if (!st->env)
		return rl_err_set(at->c->err, RL_E_NOMEM, NULL);
	return each_member(at, "env", v, add_env);
}

/* ------------------------------------------------------------------ */
/* The other fields                                                    */

static int parse_needs(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	return spec_string_array(at->c, st->name, "needs", v, &st->needs, &st->nneeds);
}

static int parse_retries(const struct spec_at *at, const cJSON *v)
{
	return spec_nonneg_int(at->c, at->st->name, "retries", v, &at->st->retries);
}

static int parse_retry_delay(const struct spec_at *at, const cJSON *v)
{
	return spec_retry_delay(at->c, at->st->name, "retry_delay", v, &at->st->retry_delay);
}

static int parse_retry_backoff(const struct spec_at *at, const cJSON *v)
{
	return spec_retry_backoff(at->c, at->st->name, "retry_backoff", v,
				  &at->st->retry_backoff);
}

double spec_retry_wait(const struct spec_step *st, int k)
{
	double w = st->retry_delay;
	for (int i = 1; i < k && w > 0 && w < SPEC_RETRY_WAIT_MAX; i++)
		w *= st->retry_backoff;
	return w < SPEC_RETRY_WAIT_MAX ? w : SPEC_RETRY_WAIT_MAX;
}

static int parse_timeout(const struct spec_at *at, const cJSON *v)
{
	return spec_nonneg_num(at->c, at->st->name, "timeout", v, &at->st->timeout);
}

static int parse_resources(const struct spec_at *at, const cJSON *v)
{
	return spec_parse_resources(at->c, at->st, v);
}

static int parse_context(const struct spec_at *at, const cJSON *v)
{
	if (spec_object(at->c, at->st->name, "context", v) < 0)
		return -1;
	at->st->context = (cJSON *)v;
	return 0;
}

static int parse_tags(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	return spec_string_array(at->c, st->name, "tags", v, &st->tags, &st->ntags);
}

static int parse_secrets(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (spec_string_array(at->c, st->name, "secrets", v, &st->secrets,
			      &st->nsecrets) < 0)
		return -1;
	for (int i = 0; i < st->nsecrets; i++)
		if (!spec_valid_name(st->secrets[i], 0))
			return spec_error(at->c, st->name, "secrets",
					  "'%s' is not a valid secret name", st->secrets[i]);
	return 0;
}

static int parse_cache(const struct spec_at *at, const cJSON *v)
{
	return spec_boolean(at->c, at->st->name, "cache", v, &at->st->cache);
}

static int parse_workdir(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (!cJSON_IsString(v) || !*v->valuestring)
		return spec_error(at->c, st->name, "workdir",
				  "expected a folder path, got %s", spec_type_name(v));
	st->workdir = spec_strdup(at->c, v->valuestring);
	return st->workdir ? 0 : -1;
}

/* After "outputs": it names one of them. */
static int parse_metrics_file(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (!cJSON_IsString(v))
		return spec_error(at->c, st->name, "metrics_file",
				  "expected the name of an output, got %s",
				  spec_type_name(v));
	if (spec_output_index(st, v->valuestring) < 0)
		return spec_error(at->c, st->name, "metrics_file",
				  "'%s' is not one of the step's outputs", v->valuestring);
	st->metrics_file = spec_strdup(at->c, v->valuestring);
	return st->metrics_file ? 0 : -1;
}

/* "code": files, folders or globs whose content enters the cache key,
 * besides the files the command names; false: none at all. */
static int parse_code(const struct spec_at *at, const cJSON *v)
{
	struct spec_step *st = at->st;
	if (cJSON_IsFalse(v)) {
		st->code_auto = 0;
		return 0;
	}
	if (spec_string_array(at->c, st->name, "code", v, &st->code, &st->ncode) < 0)
		return -1;
	for (int i = 0; i < st->ncode; i++)
		if (!*st->code[i])
			return spec_error(at->c, st->name, "code", "an empty path");
	return 0;
}

static int parse_params(const struct spec_at *at, const cJSON *v)
{
	if (spec_check_params(at->c, at->st->name, v) < 0)
		return -1;
	at->x->own = (cJSON *)v;
	return 0;
}

/* The fields of a step, parsed in this order (the first error wins);
 * "name" is read first, by parse_step. */
static const struct spec_field step_fields[] = {
	{ .name = "name" },
	{ .name = "run", .required = 1, .parse = parse_run },
	{ .name = "outputs", .parse = parse_outputs },
	{ .name = "inputs", .parse = parse_inputs },
	{ .name = "needs", .parse = parse_needs },
	{ .name = "retries", .parse = parse_retries },
	{ .name = "retry_delay", .parse = parse_retry_delay },
	{ .name = "retry_backoff", .parse = parse_retry_backoff },
	{ .name = "timeout", .parse = parse_timeout },
	{ .name = "resources", .parse = parse_resources },
	{ .name = "context", .parse = parse_context },
	{ .name = "tags", .parse = parse_tags },
	{ .name = "secrets", .parse = parse_secrets },
	{ .name = "cache", .parse = parse_cache },
	{ .name = "workdir", .parse = parse_workdir },
	{ .name = "metrics_file", .parse = parse_metrics_file },
	{ .name = "params", .parse = parse_params },
	{ .name = "env", .parse = parse_env },
	{ .name = "code", .parse = parse_code },
	{ .name = NULL },
};

/* ------------------------------------------------------------------ */
/* A step, and the array of them                                       */

/* Parse step object OBJ, number INDEX (0-based) of the file, into ST and
 * X.  References to other steps are resolved later. */
static int parse_step(struct spec_ctx *c, struct spec_private *sp,
		      const cJSON *obj, int index, struct spec_step *st,
		      struct step_extra *x)
{
	if (!cJSON_IsObject(obj))
		return spec_error(c, NULL, "steps", "step %d: expected an object, got %s",
				  index + 1, spec_type_name(obj));
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
	if (!name)
		return spec_error(c, NULL, "steps", "step %d has no \"name\"", index + 1);
	if (!cJSON_IsString(name) || !spec_valid_name(name->valuestring, 0))
		return spec_error(c, NULL, "steps",
				  "step %d: \"name\" must be a non-empty string of at most %d "
				  "letters, digits, '_' and '-'",
				  index + 1, SPEC_NAME_MAX);
	if (!(st->name = spec_strdup(c, name->valuestring)))
		return -1;
	struct spec_defaults *d = &sp->pub.defaults;
	st->retries = d->retries;
	st->retry_delay = d->retry_delay;
	st->retry_backoff = d->retry_backoff;
	st->timeout = d->timeout;
	st->cache = -1; /* not given */
	st->code_auto = 1;
	struct spec_at at = { c, sp, st, x };
	if (spec_parse_fields(step_fields, obj, &at) < 0)
		return -1;
	if (st->cache < 0) /* a step with secrets is not cached by default */
		st->cache = d->cache && st->nsecrets == 0;
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
	if (!lines || !s->steps || !sp->extra || spec_names_init(&sp->names, n) < 0) {
		rl_err_set(c->err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	int i = 0;
	for (const cJSON *st = steps->child; st; st = st->next, i++) {
		s->steps[i].line = lines[i];
		s->nsteps = i + 1;
		if (!(sp->extra[i].refs = cJSON_CreateArray()) ||
		    !(sp->extra[i].own_refs = cJSON_CreateArray())) {
			rl_err_set(c->err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		if (parse_step(c, sp, st, i, &s->steps[i], &sp->extra[i]) < 0)
			goto cleanup;
		int j = spec_names_add(&sp->names, s->steps[i].name, i);
		if (j >= 0) {
			spec_error(c, NULL, NULL, "duplicate step name '%s' (lines %d and %d)",
				   s->steps[i].name, s->steps[j].line, s->steps[i].line);
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

char spec_env_char(char ch)
{
	/* ASCII whatever the locale */
	if (ch >= 'a' && ch <= 'z')
		return (char)(ch - 'a' + 'A');
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ? ch : '_';
}

/* PREFIX followed by NAME as a variable name, malloc'd. */
static char *env_var(const char *prefix, const char *name)
{
	struct buf var = BUF_INIT;
	buf_puts(&var, prefix);
	for (const char *p = name; *p; p++)
		buf_putc(&var, spec_env_char(*p));
	return buf_steal(&var);
}

/* Two of the N NAMES would become the same PREFIX<NAME> variable? */
static int env_clash(struct spec_ctx *c, const char *step, const char *field,
		     const char *prefix, const char *const *names, int n)
{
	int rc = -1, found = -1, i, j, k = 0;
	char **vars = calloc((size_t)n + 1, sizeof(*vars));
	while (vars && k < n && (vars[k] = env_var(prefix, names[k])))
		k++;
	if (vars && k == n)
		found = spec_first_repeat((const char *const *)vars, n, &i, &j);
	if (found < 0)
		rl_err_set(c->err, RL_E_NOMEM, NULL);
	else if (found)
		spec_error(c, step, field, "'%s' and '%s' would both be %s", names[i],
			   names[j], vars[i]);
	else
		rc = 0;
	spec_strv_free(vars, k);
	return rc;
}

int spec_check_env_names(struct spec_ctx *c, const struct spec_step *st)
{
	int rc = -1, np = cJSON_GetArraySize(st->params), k = 0;
	int most = st->ninputs > st->noutputs ? st->ninputs : st->noutputs;
	const char **names = calloc((size_t)(most > np ? most : np) + 1, sizeof(*names));
	if (!names) {
		rl_err_set(c->err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (k = 0; k < st->ninputs; k++)
		names[k] = st->inputs[k].name;
	if (env_clash(c, st->name, "inputs", "RUNLENS_INPUT_", names, k) < 0)
		goto cleanup;
	for (k = 0; k < st->noutputs; k++)
		names[k] = st->outputs[k].name;
	if (env_clash(c, st->name, "outputs", "RUNLENS_OUTPUT_", names, k) < 0)
		goto cleanup;
	k = 0;
	for (const cJSON *p = st->params ? st->params->child : NULL; p; p = p->next)
		names[k++] = p->string;
	if (env_clash(c, st->name, "params", "RUNLENS_PARAM_", names, k) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(names);
	return rc;
}
