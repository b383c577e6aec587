/* core/spec_params.c — params: the names a pipeline or a step declares,
 * the params each step depends on, and -p overrides (spec_set_params). */
#include "config.h"
#include "core/spec_internal.h"

#include <stdlib.h>
#include <string.h>

#include "client/records.h"
#include "util/num.h"
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

/* Add V to OBJ as KEY (V taken); 0 when memory runs out. */
static int add_taken(cJSON *obj, const char *key, cJSON *v)
{
	if (v && cJSON_AddItemToObject(obj, key, v))
		return 1;
	cJSON_Delete(v);
	return 0;
}

char *spec_param_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return json_print(v, 0);
}

cJSON *spec_step_params(const struct spec *s, const struct step_extra *x)
{
	cJSON *p = cJSON_CreateObject();
	int ok = p != NULL;
	const cJSON *own = x->own;
	for (const cJSON *r = x->refs ? x->refs->child : NULL; ok && r; r = r->next) {
		if (own && cJSON_GetObjectItemCaseSensitive(own, r->valuestring))
			continue;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->params, r->valuestring);
		if (v)
			ok = add_taken(p, r->valuestring, cJSON_Duplicate(v, 1));
	}
	for (const cJSON *o = own ? own->child : NULL; ok && o; o = o->next)
		ok = add_taken(p, o->string, spec_own_param_value(s, o));
	if (!ok) {
		cJSON_Delete(p);
		p = NULL;
	}
	return p;
}

/* An assignment "KEY=VALUE" taken apart: KEY is NAME (a pipeline param)
 * or STEP.NAME (a step's own param). */
struct assignment {
	char *key;	  /* malloc'd */
	const char *text; /* after the '=' */
	int step;	  /* the step of STEP.NAME, or -1 */
	const char *name; /* NAME (points into key) */
	cJSON *target;	  /* the object that holds NAME */
};

static void name_list(struct buf *b, const cJSON *obj)
{
	for (const cJSON *p = obj ? obj->child : NULL; p; p = p->next)
		buf_printf(b, "%s%s", b->len ? ", " : "", p->string);
}

static int unknown_key(const struct spec *s, const struct assignment *a, struct rl_err *err)
{
	struct buf names = BUF_INIT;
	int rc;
	if (a->step >= 0) {
		const cJSON *own = spec_private((struct spec *)s)->extra[a->step].own;
		name_list(&names, own);
		rc = rl_err_set(err, RL_E_USAGE, "-p %s: step '%s' has no param '%s' (%s%s)",
				a->key, s->steps[a->step].name, a->name,
				names.len ? "its params: " : "it declares no params",
				names.len ? names.data : "");
	} else {
		name_list(&names, s->params);
		if (names.len)
			rc = rl_err_set(err, RL_E_USAGE,
					"unknown param '%s' (the pipeline declares: %s)", a->key,
					names.data);
		else
			rc = rl_err_set(err, RL_E_USAGE,
					"unknown param '%s' (the pipeline declares no params)",
					a->key);
	}
	buf_free(&names);
	return rc;
}

/* Take "KEY=VALUE" apart and find what KEY names: 0, or -1 with a usage
 * error (A->key is then freed). */
static int parse_assignment(const struct spec *s, const char *text, struct assignment *a,
			    struct rl_err *err)
{
	const char *eq = text ? strchr(text, '=') : NULL;
	memset(a, 0, sizeof *a);
	a->step = -1;
	if (!eq || eq == text)
		return rl_err_set(err, RL_E_USAGE, "expected KEY=VALUE in '%s'", text ? text : "");
	if (!(a->key = strndup(text, (size_t)(eq - text))))
		return rl_err_set(err, RL_E_NOMEM, NULL);
	a->text = eq + 1;
	a->name = a->key;
	a->target = s->params;
	char *dot = strchr(a->key, '.');
	if (!cJSON_GetObjectItemCaseSensitive(s->params, a->key) && dot) {
		*dot = '\0';
		a->step = spec_step_index(s, a->key);
		*dot = '.';
		if (a->step < 0) {
			rl_err_set(err, RL_E_USAGE, "-p %s: no step '%.*s' in the pipeline", a->key,
				   (int)(dot - a->key), a->key);
			goto fail;
		}
		a->name = dot + 1;
		a->target = spec_private((struct spec *)s)->extra[a->step].own;
	}
	if (!a->target || !cJSON_GetObjectItemCaseSensitive(a->target, a->name)) {
		unknown_key(s, a, err);
		goto fail;
	}
	return 0;
fail:
	free(a->key);
	a->key = NULL;
	return -1;
}

/* What A's value replaces, as the step sees it: a step's own param
 * declared as "${params.lr}" is that param's value, with its kind. */
static const cJSON *declared(const struct spec *s, const struct assignment *a)
{
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(a->target, a->name);
	if (a->step >= 0 && def && s->steps[a->step].params) {
		const cJSON *seen =
			cJSON_GetObjectItemCaseSensitive(s->steps[a->step].params, a->name);
		if (seen)
			def = seen;
	}
	return def;
}

/* VALUE as the declared DEFAULT's kind: text stays text for a string
 * param; otherwise JSON when all of it is JSON, else a string. */
static cJSON *typed_value(const cJSON *def, const char *text)
{
	if (cJSON_IsString(def))
		return cJSON_CreateString(text);
	cJSON *v = cJSON_ParseWithOpts(text, NULL, 1);
	return v ? v : cJSON_CreateString(text);
}

/* The value of A is kept as written: JSON that a double or a C string
 * would change is refused (client/records.h), saying how to pass text. */
static int kept_as_written(const struct assignment *a, const cJSON *def, struct rl_err *err)
{
	int whole = 0;
	char *why = cJSON_IsString(def) ? NULL
					: records_value_why(a->text, RECORDS_VALUE_DEPTH_MAX, &whole);
	if (!why)
		return 0;
	char *t = whole && cJSON_IsNumber(def) ? spec_param_text(def) : NULL;
	if (t)
		rl_err_set(err, RL_E_USAGE,
			   "-p %s=%s: %s; the pipeline declares '%s' a number (%s): declare it "
			   "a string (\"%s\": \"%s\") to pass text",
			   a->key, a->text, why, a->key, t, a->name, t);
	else if (whole)
		rl_err_set(err, RL_E_USAGE, "-p %s=%s: %s; quote it to pass text: -p '%s=\"%s\"'",
			   a->key, a->text, why, a->key, a->text);
	else
		rl_err_set(err, RL_E_USAGE, "-p %s=%s: %s", a->key, a->text, why);
	free(t);
	free(why);
	return -1;
}

int spec_set_params(struct spec *s, char *const *assignments, int n,
		    struct rl_err *err)
{
	if (!s || (n > 0 && !assignments))
		return rl_err_set(err, RL_E_USAGE, "no pipeline or no params to set");
	struct spec_private *sp = spec_private(s);
	struct assignment a;
	/* check them all first, so that nothing changes on an error */
	for (int i = 0; i < n; i++) {
		if (parse_assignment(s, assignments[i], &a, err) < 0)
			return -1;
		int rc = kept_as_written(&a, declared(s, &a), err);
		free(a.key);
		if (rc < 0)
			return -1;
	}
	for (int i = 0; i < n; i++) {
		if (parse_assignment(s, assignments[i], &a, err) < 0)
			return -1;
		cJSON *v = typed_value(declared(s, &a), a.text);
		int ok = v && cJSON_ReplaceItemInObjectCaseSensitive(a.target, a.name, v);
		free(a.key);
		if (!ok) {
			cJSON_Delete(v);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
	}
	for (int i = 0; i < s->nsteps; i++) {
		cJSON_Delete(s->steps[i].params);
		s->steps[i].params = spec_step_params(s, &sp->extra[i]);
		if (!s->steps[i].params)
			return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Which -p reach a step, and fit                                      */

static int in_names(const cJSON *arr, const char *name)
{
	for (const cJSON *it = arr ? arr->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && strcmp(it->valuestring, name) == 0)
			return 1;
	return 0;
}

/* Does pipeline param NAME reach step I (through its fields, or its own
 * params' ${params.NAME})? */
static int reaches(const struct spec *s, int i, const char *name)
{
	const struct step_extra *x = &spec_private((struct spec *)s)->extra[i];
	return in_names(x->own_refs, name) ||
	       (in_names(x->refs, name) && !cJSON_GetObjectItemCaseSensitive(x->own, name));
}

/* A -p NAME that no step receives: say which steps shadow it and how to
 * set them. */
static int reaches_nothing(const struct spec *s, const struct assignment *a,
			   struct rl_err *err)
{
	for (int i = 0; i < s->nsteps; i++) {
		const cJSON *own = spec_private((struct spec *)s)->extra[i].own;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(own, a->name);
		if (!v)
			continue;
		char *t = spec_param_text(v);
		rl_err_set(err, RL_E_USAGE,
			   "-p %s: no step uses the pipeline param '%s': step '%s' sets its own "
			   "%s = %s (set it with -p %s.%s=VALUE, or write \"%s\": \"${params.%s}\" "
			   "in its params)",
			   a->key, a->name, s->steps[i].name, a->name, t ? t : "?",
			   s->steps[i].name, a->name, a->name, a->name);
		free(t);
		return -1;
	}
	return rl_err_set(err, RL_E_USAGE,
			  "-p %s: no step uses the param '%s' (setting it would change nothing)",
			  a->key, a->name);
}

static const char *kind_of(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "true or false";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return NULL; /* strings and null take anything */
}

/* VALUE must be of the kind of the declared DEF. */
static int fits(const struct assignment *a, const cJSON *def, struct rl_err *err)
{
	const char *kind = kind_of(def);
	if (!kind)
		return 0;
	cJSON *v = cJSON_ParseWithOpts(a->text, NULL, 1);
	int ok = v && (cJSON_IsNumber(def) ? cJSON_IsNumber(v)
		       : cJSON_IsBool(def) ? cJSON_IsBool(v)
		       : cJSON_IsArray(def) ? cJSON_IsArray(v)
					    : cJSON_IsObject(v));
	cJSON_Delete(v);
	if (ok)
		return 0;
	char *t = spec_param_text(def);
	/* a list or range where one value goes (a rerun, a dry run of one
	 * run): what it would be somewhere else */
	int listed = strchr(a->text, ',') || strstr(a->text, "..");
	rl_err_set(err, RL_E_USAGE, "-p %s=%s: '%s' is %s (declared %s)%s", a->key, a->text,
		   a->key, kind, t ? t : "?",
		   listed ? "; a list or range of values is a sweep of `runlens run`, one "
			    "value here" : "");
	free(t);
	return -1;
}

int spec_check_overrides(const struct spec *s, char *const *assignments, int n,
			 struct rl_err *err)
{
	for (int k = 0; k < n; k++) {
		struct assignment a;
		if (parse_assignment(s, assignments[k], &a, err) < 0)
			return -1;
		int used = a.step >= 0;
		for (int i = 0; !used && i < s->nsteps; i++)
			used = reaches(s, i, a.name);
		int rc = !used ? reaches_nothing(s, &a, err) : fits(&a, declared(s, &a), err);
		free(a.key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

cJSON *spec_used_params(const struct spec *s)
{
	cJSON *used = cJSON_CreateObject();
	int ok = used != NULL;
	for (int i = 0; ok && i < s->nsteps; i++) {
		const struct step_extra *x = &spec_private((struct spec *)s)->extra[i];
		for (const cJSON *p = s->params ? s->params->child : NULL; ok && p; p = p->next)
			if (reaches(s, i, p->string) &&
			    !cJSON_GetObjectItemCaseSensitive(used, p->string))
				ok = add_taken(used, p->string, cJSON_Duplicate(p, 1));
		for (const cJSON *o = x->own ? x->own->child : NULL; ok && o; o = o->next) {
			if (cJSON_IsString(o) && strstr(o->valuestring, "${"))
				continue; /* made of pipeline params, recorded above */
			struct buf key = BUF_INIT;
			buf_printf(&key, "%s.%s", s->steps[i].name, o->string);
			ok = key.data && add_taken(used, key.data, cJSON_Duplicate(o, 1));
			buf_free(&key);
		}
	}
	if (!ok) {
		cJSON_Delete(used);
		used = NULL;
	}
	return used;
}
