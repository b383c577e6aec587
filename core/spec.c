/* core/spec.c — the front door of pipeline files: spec_parse,
 * spec_load_file, spec_free, and the file's top-level fields.  The other
 * files of the module are listed in core/spec_internal.h. */
#include "config.h"
#include "core/spec.h"

#include <stdlib.h>
#include <string.h>

#include "core/spec_internal.h"
#include "util/buf.h"
#include "util/fs.h"

/* ------------------------------------------------------------------ */
/* The top-level fields                                                */

static const char *const top_fields[] = {
	"name", "description", "params", "tags", "context", "model", "stack",
	"metrics", "defaults", "steps", NULL,
};

static int known(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

static int parse_top(struct spec_ctx *c, struct spec_private *sp)
{
	struct spec *s = &sp->pub;
	cJSON *root = s->root;
	if (!cJSON_IsObject(root))
		return spec_error(c, NULL, NULL,
				  "expected a JSON object at the top, got %s",
				  spec_type_name(root));
	const char *dup = spec_duplicate_key(root);
	if (dup)
		return spec_error(c, NULL, NULL, "duplicate field '%s'", dup);
	for (const cJSON *f = root->child; f; f = f->next)
		if (!known(top_fields, f->string))
			return spec_error(c, NULL, NULL, "unknown field '%s'", f->string);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (!v)
		return spec_error(c, NULL, NULL, "missing field 'name'");
	if (!cJSON_IsString(v) || !spec_valid_name(v->valuestring, 1))
		return spec_error(c, NULL, "name",
				  "expected a non-empty string of letters, digits, '.', '_' and '-'");
	if (!(s->name = spec_strdup(c, v->valuestring)))
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "description"))) {
		if (!cJSON_IsString(v))
			return spec_error(c, NULL, "description", "expected a string, got %s",
					  spec_type_name(v));
		if (!(s->description = spec_strdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "params"))) {
		if (spec_object(c, NULL, "params", v) < 0)
			return -1;
		for (const cJSON *p = v->child; p; p = p->next)
			if (!spec_valid_name(p->string, 0))
				return spec_error(c, NULL, "params",
						  "param name '%s' may only hold letters, digits, '_' and '-'",
						  p->string);
		s->params = (cJSON *)v;
	} else {
		s->params = cJSON_AddObjectToObject(root, "params");
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "tags")) &&
	    spec_string_array(c, NULL, "tags", v, &s->tags, &s->ntags) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "context"))) {
		if (spec_object(c, NULL, "context", v) < 0)
			return -1;
		s->context = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "model"))) {
		if (spec_object(c, NULL, "model", v) < 0)
			return -1;
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(v, "name");
		if (!cJSON_IsString(mn) || !*mn->valuestring)
			return spec_error(c, NULL, "model.name", "expected a non-empty string");
		const cJSON *mv = cJSON_GetObjectItemCaseSensitive(v, "version");
		if (mv && !cJSON_IsString(mv) && !cJSON_IsNumber(mv))
			return spec_error(c, NULL, "model.version",
					  "expected a string or a number, got %s", spec_type_name(mv));
		for (const cJSON *f = v->child; f; f = f->next)
			if (strcmp(f->string, "name") && strcmp(f->string, "version"))
				return spec_error(c, NULL, "model", "unknown field '%s'",
						  f->string);
		s->model = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "stack"))) {
		if (!cJSON_IsString(v) || !*v->valuestring)
			return spec_error(c, NULL, "stack",
					  "expected the name of a stack, got %s",
					  cJSON_IsString(v) ? "an empty string" : spec_type_name(v));
		if (!(s->stack = spec_strdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "metrics"))) {
		if (spec_object(c, NULL, "metrics", v) < 0)
			return -1;
		for (const cJSON *m = v->child; m; m = m->next)
			if (!cJSON_IsString(m) || (strcmp(m->valuestring, "min") &&
						   strcmp(m->valuestring, "max"))) {
				struct buf f = BUF_INIT;
				buf_printf(&f, "metrics.%s", m->string);
				spec_error(c, NULL, f.data, "expected \"min\" or \"max\"");
				buf_free(&f);
				return -1;
			}
		s->metrics = (cJSON *)v;
	}
	s->defaults.cache = 1;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "defaults"))) {
		if (spec_object(c, NULL, "defaults", v) < 0)
			return -1;
		for (const cJSON *d = v->child; d; d = d->next) {
			struct buf f = BUF_INIT;
			buf_printf(&f, "defaults.%s", d->string);
			int rc;
			if (!strcmp(d->string, "retries"))
				rc = spec_nonneg_int(c, NULL, f.data, d, &s->defaults.retries);
			else if (!strcmp(d->string, "timeout"))
				rc = spec_nonneg_num(c, NULL, f.data, d, &s->defaults.timeout);
			else if (!strcmp(d->string, "cache"))
				rc = spec_boolean(c, NULL, f.data, d, &s->defaults.cache);
			else
				rc = spec_error(c, NULL, "defaults", "unknown field '%s'",
						d->string);
			buf_free(&f);
			if (rc < 0)
				return -1;
		}
	}
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(root, "steps");
	if (!steps)
		return spec_error(c, NULL, NULL, "missing field 'steps'");
	if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0)
		return spec_error(c, NULL, "steps", "expected a non-empty array of steps");
	if (spec_parse_steps(c, sp, steps) < 0)
		return -1;
	if (spec_resolve_refs(c, s) < 0)
		return -1;
	for (int i = 0; i < s->nsteps; i++) {
		if (spec_check_templates(c, s, &s->steps[i], &sp->extra[i]) < 0)
			return -1;
		s->steps[i].params = spec_step_params(s, sp->extra[i].refs, sp->extra[i].own);
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

void spec_free(struct spec **ps)
{
	if (!ps || !*ps)
		return;
	struct spec_private *sp = spec_private(*ps);
	struct spec *s = &sp->pub;
	for (int i = 0; i < s->nsteps; i++) {
		struct spec_step *st = &s->steps[i];
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
		cJSON_Delete(st->params);
		if (sp->extra)
			cJSON_Delete(sp->extra[i].refs);
	}
	free(sp->extra);
	free(s->steps);
	free(s->order);
	spec_strv_free(s->tags, s->ntags);
	free(s->name);
	free(s->description);
	free(s->stack);
	free(s->path);
	free(s->dir);
	free(s->text);
	cJSON_Delete(s->root);
	free(sp);
	*ps = NULL;
}
