/* core/spec_params.c — params: the names a pipeline or a step declares,
 * the params each step depends on, and -p overrides (spec_set_params). */
#include "config.h"
#include "core/spec_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

int spec_check_params(struct spec_ctx *c, const char *step, const cJSON *v)
{
	if (spec_object(c, step, "params", v) < 0)
		return -1;
	for (const cJSON *p = v->child; p; p = p->next)
		if (spec_check_name(c, step, "params", "param", p->string) < 0)
			return -1;
	return 0;
}

/* Add a copy of V to OBJ as KEY; 0 when memory runs out. */
static int add_copy(cJSON *obj, const char *key, const cJSON *v)
{
	cJSON *copy = cJSON_Duplicate(v, 1);
	if (copy && cJSON_AddItemToObject(obj, key, copy))
		return 1;
	cJSON_Delete(copy);
	return 0;
}

/* The params a step depends on: referenced pipeline params (names in
 * REFS), overridden by the step's own params. */
cJSON *spec_step_params(const struct spec *s, const cJSON *refs,
			const cJSON *own)
{
	cJSON *p = cJSON_CreateObject();
	int ok = p != NULL;
	for (const cJSON *r = refs ? refs->child : NULL; ok && r; r = r->next) {
		if (own && cJSON_GetObjectItemCaseSensitive(own, r->valuestring))
			continue;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->params, r->valuestring);
		if (v)
			ok = add_copy(p, r->valuestring, v);
	}
	for (const cJSON *o = own ? own->child : NULL; ok && o; o = o->next)
		ok = add_copy(p, o->string, o);
	if (!ok) {
		cJSON_Delete(p);
		p = NULL;
	}
	return p;
}

/* The KEY of "KEY=VALUE" if it names a pipeline param (malloc'd), else
 * NULL with a usage error. */
static char *param_key(const struct spec *s, const char *a, struct rl_err *err)
{
	const char *eq = a ? strchr(a, '=') : NULL;
	if (!eq || eq == a) {
		rl_err_set(err, RL_E_USAGE, "expected KEY=VALUE in '%s'", a ? a : "");
		return NULL;
	}
	char *key = strndup(a, (size_t)(eq - a));
	if (!key) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		return NULL;
	}
	if (!cJSON_GetObjectItemCaseSensitive(s->params, key)) {
		struct buf names = BUF_INIT;
		for (const cJSON *p = s->params ? s->params->child : NULL; p; p = p->next)
			buf_printf(&names, "%s%s", names.len ? ", " : "", p->string);
		if (names.len)
			rl_err_set(err, RL_E_USAGE,
				   "unknown param '%s' (the pipeline declares: %s)", key,
				   names.data);
		else
			rl_err_set(err, RL_E_USAGE,
				   "unknown param '%s' (the pipeline declares no params)",
				   key);
		buf_free(&names);
		free(key);
		return NULL;
	}
	return key;
}

int spec_set_params(struct spec *s, char *const *assignments, int n,
		    struct rl_err *err)
{
	if (!s || (n > 0 && !assignments))
		return rl_err_set(err, RL_E_USAGE, "no pipeline or no params to set");
	struct spec_private *sp = spec_private(s);
	/* check them all first, so that nothing changes on an error */
	for (int i = 0; i < n; i++) {
		char *key = param_key(s, assignments[i], err);
		if (!key)
			return -1;
		free(key);
	}
	for (int i = 0; i < n; i++) {
		char *key = param_key(s, assignments[i], err);
		if (!key)
			return -1;
		const char *text = strchr(assignments[i], '=') + 1;
		cJSON *v = cJSON_ParseWithOpts(text, NULL, 1);
		if (!v)
			v = cJSON_CreateString(text);
		int ok = v && cJSON_ReplaceItemInObjectCaseSensitive(s->params, key, v);
		free(key);
		if (!ok) {
			cJSON_Delete(v);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
	}
	for (int i = 0; i < s->nsteps; i++) {
		cJSON_Delete(s->steps[i].params);
		s->steps[i].params = spec_step_params(s, sp->extra[i].refs, sp->extra[i].own);
		if (!s->steps[i].params)
			return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	return 0;
}

