/* core/spec.c — the front door of pipeline files: spec_parse,
 * spec_load_file, spec_free, and the file's top-level fields.  The other
 * files of the module are listed in core/spec_internal.h. */
#include "config.h"
#include "core/spec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/filter.h"
#include "core/spec_internal.h"
#include "util/buf.h"
#include "util/fs.h"

/* ------------------------------------------------------------------ */
/* The top-level fields                                                */

static int parse_name(const struct spec_at *at, const cJSON *v)
{
	if (!cJSON_IsString(v) || !spec_valid_name(v->valuestring, 1))
		return spec_error(at->c, NULL, "name",
				  "expected a non-empty string of at most %d letters, digits, '.', "
				  "'_' and '-'", SPEC_NAME_MAX);
	at->sp->pub.name = spec_strdup(at->c, v->valuestring);
	return at->sp->pub.name ? 0 : -1;
}

static int parse_description(const struct spec_at *at, const cJSON *v)
{
	if (!cJSON_IsString(v))
		return spec_error(at->c, NULL, "description", "expected a string, got %s",
				  spec_type_name(v));
	at->sp->pub.description = spec_strdup(at->c, v->valuestring);
	return at->sp->pub.description ? 0 : -1;
}

static int parse_params(const struct spec_at *at, const cJSON *v)
{
	if (spec_check_params(at->c, NULL, v) < 0)
		return -1;
	at->sp->pub.params = (cJSON *)v;
	return 0;
}

static int parse_tags(const struct spec_at *at, const cJSON *v)
{
	struct spec *s = &at->sp->pub;
	if (spec_string_array(at->c, NULL, "tags", v, &s->tags, &s->ntags) < 0)
		return -1;
	for (int i = 0; i < s->ntags; i++)
		if (!spec_valid_tag(s->tags[i]))
			return spec_error(at->c, NULL, "tags",
					  "'%s' is not a tag (no spaces or commas)",
					  s->tags[i]);
	return 0;
}

static int parse_context(const struct spec_at *at, const cJSON *v)
{
	if (spec_object(at->c, NULL, "context", v) < 0)
		return -1;
	at->sp->pub.context = (cJSON *)v;
	return 0;
}

/* {"name": "…", "version": "…" or a number}; its own unknown fields are
 * found after its values are checked. */
static int parse_model(const struct spec_at *at, const cJSON *v)
{
	if (spec_object(at->c, NULL, "model", v) < 0)
		return -1;
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(v, "name");
	if (!cJSON_IsString(mn) || !*mn->valuestring)
		return spec_error(at->c, NULL, "model.name", "expected a non-empty string");
	const cJSON *mv = cJSON_GetObjectItemCaseSensitive(v, "version");
	if (mv && !cJSON_IsString(mv) && !cJSON_IsNumber(mv))
		return spec_error(at->c, NULL, "model.version",
				  "expected a string or a number, got %s", spec_type_name(mv));
	for (const cJSON *f = v->child; f; f = f->next)
		if (strcmp(f->string, "name") && strcmp(f->string, "version"))
			return spec_error(at->c, NULL, "model", "unknown field '%s'",
					  f->string);
	at->sp->pub.model = (cJSON *)v;
	return 0;
}

static int parse_stack(const struct spec_at *at, const cJSON *v)
{
	if (!cJSON_IsString(v) || !*v->valuestring)
		return spec_error(at->c, NULL, "stack", "expected the name of a stack, got %s",
				  cJSON_IsString(v) ? "an empty string" : spec_type_name(v));
	at->sp->pub.stack = spec_strdup(at->c, v->valuestring);
	return at->sp->pub.stack ? 0 : -1;
}

static int parse_metrics(const struct spec_at *at, const cJSON *v)
{
	if (spec_object(at->c, NULL, "metrics", v) < 0)
		return -1;
	for (const cJSON *m = v->child; m; m = m->next)
		if (!cJSON_IsString(m) ||
		    (strcmp(m->valuestring, "min") && strcmp(m->valuestring, "max"))) {
			struct buf f = BUF_INIT;
			buf_printf(&f, "metrics.%s", m->string);
			spec_error(at->c, NULL, f.data, "expected \"min\" or \"max\"");
			buf_free(&f);
			return -1;
		}
	at->sp->pub.metrics = (cJSON *)v;
	return 0;
}

/* {"where": "EXPR"}: the baseline is the newest completed earlier run
 * that EXPR (the --where language) matches. */
static int parse_baseline(const struct spec_at *at, const cJSON *v)
{
	if (spec_object(at->c, NULL, "baseline", v) < 0)
		return -1;
	for (const cJSON *f = v->child; f; f = f->next)
		if (strcmp(f->string, "where"))
			return spec_error(at->c, NULL, "baseline", "unknown field '%s'", f->string);
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "where");
	if (!cJSON_IsString(w) || !*w->valuestring)
		return spec_error(at->c, NULL, "baseline.where",
				  "expected a --where expression (\"tag=prod\")");
	struct store_filter *f = NULL;
	struct rl_err ferr = RL_ERR_INIT;
	if (filter_parse(w->valuestring, 0, &f, &ferr) < 0) {
		spec_error(at->c, NULL, "baseline.where", "%s", rl_err_msg(&ferr));
		rl_err_clear(&ferr);
		return -1;
	}
	filter_free(&f);
	at->sp->pub.baseline_where = spec_strdup(at->c, w->valuestring);
	return at->sp->pub.baseline_where ? 0 : -1;
}

/* Member D of "defaults"; FIELD is "defaults.NAME". */
static int parse_default(const struct spec_at *at, const cJSON *d,
			 const char *field)
{
	struct spec_defaults *def = &at->sp->pub.defaults;
	if (!strcmp(d->string, "retries"))
		return spec_nonneg_int(at->c, NULL, field, d, &def->retries);
	if (!strcmp(d->string, "retry_delay"))
		return spec_retry_delay(at->c, NULL, field, d, &def->retry_delay);
	if (!strcmp(d->string, "retry_backoff"))
		return spec_retry_backoff(at->c, NULL, field, d, &def->retry_backoff);
	if (!strcmp(d->string, "timeout"))
		return spec_nonneg_num(at->c, NULL, field, d, &def->timeout);
	if (!strcmp(d->string, "cache"))
		return spec_boolean(at->c, NULL, field, d, &def->cache);
	return spec_error(at->c, NULL, "defaults", "unknown field '%s'", d->string);
}

/* Checked in the order of its members (the first error wins). */
static int parse_defaults(const struct spec_at *at, const cJSON *v)
{
	if (spec_object(at->c, NULL, "defaults", v) < 0)
		return -1;
	for (const cJSON *d = v->child; d; d = d->next) {
		struct buf f = BUF_INIT;
		buf_printf(&f, "defaults.%s", d->string);
		int rc = parse_default(at, d, f.data);
		buf_free(&f);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Only its shape here: parse_top parses the steps after the other
 * fields. */
static int check_steps(const struct spec_at *at, const cJSON *v)
{
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return spec_error(at->c, NULL, "steps", "expected a non-empty array of steps");
	return 0;
}

/* The top-level fields, parsed in this order (the first error wins). */
static const struct spec_field top_fields[] = {
	{ .name = "name", .required = 1, .parse = parse_name },
	{ .name = "description", .parse = parse_description },
	{ .name = "params", .parse = parse_params },
	{ .name = "tags", .parse = parse_tags },
	{ .name = "context", .parse = parse_context },
	{ .name = "model", .parse = parse_model },
	{ .name = "stack", .parse = parse_stack },
	{ .name = "metrics", .parse = parse_metrics },
	{ .name = "baseline", .parse = parse_baseline },
	{ .name = "defaults", .parse = parse_defaults },
	{ .name = "steps", .required = 1, .parse = check_steps },
	{ .name = NULL },
};

/* The whole document: its fields, its steps, their references,
 * templates, params and environment names, then the order. */
static int parse_top(struct spec_ctx *c, struct spec_private *sp)
{
	struct spec *s = &sp->pub;
	if (!cJSON_IsObject(s->root))
		return spec_error(c, NULL, NULL, "expected a JSON object at the top, got %s",
				  spec_type_name(s->root));
	s->defaults.cache = 1;
	s->defaults.retry_backoff = 1;
	struct spec_at at = { c, sp, NULL, NULL };
	if (spec_parse_fields(top_fields, s->root, &at) < 0)
		return -1;
	if (!s->params)
		s->params = cJSON_AddObjectToObject(s->root, "params");
	if (spec_parse_steps(c, sp, cJSON_GetObjectItemCaseSensitive(s->root, "steps")) < 0 ||
	    spec_resolve_refs(c, s) < 0)
		return -1;
	for (int i = 0; i < s->nsteps; i++) {
		struct step_extra *x = &sp->extra[i];
		if (spec_check_templates(c, s, &s->steps[i], x) < 0)
			return -1;
		s->steps[i].params = spec_step_params(s, x);
		if (!s->steps[i].params)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		if (spec_check_env_names(c, &s->steps[i]) < 0)
			return -1;
	}
	return spec_dag_order(s, c->err);
}

/* ------------------------------------------------------------------ */
/* The front door                                                      */

int spec_parse(const char *text, size_t len, const char *filename,
	       const char *dir, struct spec **out, struct rl_err *err)
{
	if (!text || !out)
		return rl_err_set(err, RL_E_SPEC, "no pipeline text");
	*out = NULL;
	const char *file = filename ? filename : "pipeline";
	struct spec_ctx c = { file, err };
	struct spec_private *sp = calloc(1, sizeof(*sp));
	if (!sp)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	struct spec *s = &sp->pub;
	int rc = -1;
	s->path = strdup(file);
	s->dir = dir ? strdup(dir) : NULL;
	s->text = malloc(len + 1);
	if (!s->path || !s->text || (dir && !s->dir)) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	if (strlen(s->text) != len) {
		rl_err_set(err, RL_E_SPEC, "%s: the file holds a NUL byte", file);
		goto cleanup;
	}
	if (spec_json_parse(file, s->text, len, &s->root, err) < 0 ||
	    parse_top(&c, sp) < 0)
		goto cleanup;
	*out = s;
	s = NULL;
	rc = 0;
cleanup:
	spec_free(&s);
	return rc;
}

int spec_load_file(const char *path, struct spec **out, struct rl_err *err)
{
	char *text = NULL;
	size_t len = 0;
	if (!path)
		return rl_err_set(err, RL_E_USAGE, "no pipeline file given");
	if (fs_is_dir(path))
		return rl_err_set(err, RL_E_USAGE, "%s is a folder, not a pipeline file", path);
	/* not a device or a pipe that never ends (/dev/zero), not a file too
	 * big to be a pipeline */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return rl_err_set(err, RL_E_USAGE, "%s is not a regular file, not a pipeline file",
				  path);
	if (stat(path, &st) == 0 && st.st_size > SPEC_MAX_FILE)
		return rl_err_set(err, RL_E_SPEC, "%s: %lld bytes: a pipeline file is at most %d MiB",
				  path, (long long)st.st_size, SPEC_MAX_FILE >> 20);
	if (fs_read_file(path, &text, &len, err) < 0) {
		if (err && err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "no pipeline file %s", path);
		return -1;
	}
	char *abs = fs_absolute(path);
	char *dir = abs ? fs_dirname(abs) : NULL;
	int rc = spec_parse(text, len, path, dir, out, err);
	free(dir);
	free(abs);
	free(text);
	return rc;
}

static void step_free(struct spec_step *st)
{
	free(st->name);
	spec_strv_free(st->run_argv, st->run_argc);
	free(st->run_shell);
	for (int k = 0; k < st->ninputs; k++) {
		free(st->inputs[k].name);
		free(st->inputs[k].step);
		free(st->inputs[k].output);
		free(st->inputs[k].path);
	}
	free(st->inputs);
	for (int k = 0; k < st->noutputs; k++) {
		free(st->outputs[k].name);
		free(st->outputs[k].path);
	}
	free(st->outputs);
	spec_strv_free(st->needs, st->nneeds);
	free(st->deps);
	for (int k = 0; k < st->nenv; k++) {
		free(st->env[k].key);
		free(st->env[k].value);
	}
	free(st->env);
	spec_strv_free(st->tags, st->ntags);
	free(st->workdir);
	free(st->metrics_file);
	spec_strv_free(st->secrets, st->nsecrets);
	spec_strv_free(st->code, st->ncode);
	cJSON_Delete(st->params);
}

void spec_free(struct spec **ps)
{
	if (!ps || !*ps)
		return;
	struct spec_private *sp = spec_private(*ps);
	struct spec *s = &sp->pub;
	for (int i = 0; i < s->nsteps; i++) {
		step_free(&s->steps[i]);
		if (sp->extra) {
			cJSON_Delete(sp->extra[i].refs);
			cJSON_Delete(sp->extra[i].own_refs);
		}
	}
	free(sp->extra);
	spec_names_free(&sp->names);
	free(s->steps);
	free(s->order);
	spec_strv_free(s->tags, s->ntags);
	free(s->name);
	free(s->description);
	free(s->stack);
	free(s->baseline_where);
	free(s->path);
	free(s->dir);
	free(s->text);
	cJSON_Delete(s->root);
	free(sp);
	*ps = NULL;
}
