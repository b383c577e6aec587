/* core/spec_subst.c — ${…} in a step's templates: the references a
 * pipeline file may make (checked at parse time, recording the params a
 * step depends on) and their substitution when the step runs. */
#include "config.h"
#include "core/spec_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

enum ref_kind { REF_PARAM, REF_INPUT, REF_OUTPUT, REF_RUN_ID, REF_RUN_NAME,
		REF_STEP_NAME, REF_BAD };

struct ref {
	enum ref_kind kind;
	char *name; /* for params/inputs/outputs */
};

static struct ref classify(const char *expr, size_t len)
{
	struct ref r = { REF_BAD, NULL };
	static const struct {
		const char *prefix;
		enum ref_kind kind;
	} named[] = { { "params.", REF_PARAM },
		      { "inputs.", REF_INPUT },
		      { "outputs.", REF_OUTPUT } };
	for (size_t k = 0; k < 3; k++) {
		size_t pl = strlen(named[k].prefix);
		if (len > pl && strncmp(expr, named[k].prefix, pl) == 0) {
			r.kind = named[k].kind;
			r.name = strndup(expr + pl, len - pl);
			if (!r.name)
				r.kind = REF_BAD;
			return r;
		}
	}
	if (len == 6 && strncmp(expr, "run.id", 6) == 0)
		r.kind = REF_RUN_ID;
	else if (len == 8 && strncmp(expr, "run.name", 8) == 0)
		r.kind = REF_RUN_NAME;
	else if (len == 9 && strncmp(expr, "step.name", 9) == 0)
		r.kind = REF_STEP_NAME;
	return r;
}

/* Walk TEMPLATE; for each reference call FN.  Text pieces are appended to
 * OUT when OUT is non-NULL.  Returns -1 on a bad reference (with *bad set
 * to a malloc'd copy of it). */
typedef int (*ref_fn)(void *arg, const struct ref *r, struct buf *out);

static int walk_template(const char *tpl, ref_fn fn, void *arg, struct buf *out,
			 char **bad)
{
	const char *p = tpl;
	while (*p) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			if (out)
				buf_puts(out, "${");
			p += 3;
			continue;
		}
		if (p[0] == '$' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');
			if (!end) {
				*bad = strdup(p);
				return -1;
			}
			struct ref r = classify(p + 2, (size_t)(end - p - 2));
			int rc = r.kind == REF_BAD ? -1 : fn(arg, &r, out);
			free(r.name);
			if (rc < 0) {
				*bad = strndup(p, (size_t)(end - p + 1));
				return -1;
			}
			p = end + 1;
			continue;
		}
		if (out)
			buf_putc(out, *p);
		p++;
	}
	return 0;
}

struct check_arg {
	const struct spec *spec;
	struct spec_step *step;
	cJSON *step_params; /* the step's own "params", or NULL */
	cJSON *refs;	    /* array of referenced pipeline param names */
};

static int check_ref(void *arg, const struct ref *r, struct buf *out)
{
	(void)out;
	struct check_arg *a = arg;
	switch (r->kind) {
	case REF_PARAM:
		if (a->step_params &&
		    cJSON_GetObjectItemCaseSensitive(a->step_params, r->name))
			return 0;
		if (a->spec->params &&
		    cJSON_GetObjectItemCaseSensitive(a->spec->params, r->name)) {
			int seen = 0;
			for (cJSON *it = a->refs->child; it; it = it->next)
				seen |= strcmp(it->valuestring, r->name) == 0;
			if (!seen)
				cJSON_AddItemToArray(a->refs, cJSON_CreateString(r->name));
			return 0;
		}
		return -1;
	case REF_INPUT:
		return spec_input_index(a->step, r->name) >= 0 ? 0 : -1;
	case REF_OUTPUT:
		return spec_output_index(a->step, r->name) >= 0 ? 0 : -1;
	case REF_RUN_ID:
	case REF_RUN_NAME:
	case REF_STEP_NAME:
		return 0;
	default:
		return -1;
	}
}

/* Is the reference BAD ("${…}") in none of runlens's namespaces, like the
 * shell's ${#x} and ${x:-d}?  Then it was meant for whoever reads the
 * text after runlens. */
static int foreign_ref(const char *bad)
{
	static const char *const ours[] = { "params.", "inputs.", "outputs.", "run.", "step." };
	for (size_t k = 0; k < sizeof ours / sizeof *ours; k++)
		if (strncmp(bad + 2, ours[k], strlen(ours[k])) == 0)
			return 0;
	return 1;
}

/* TPL of FIELD, read after substitution by TO ("the shell", "the
 * program", or NULL). */
static int check_template(struct spec_ctx *c, struct check_arg *a, const char *field,
			  const char *tpl, const char *to)
{
	char *bad = NULL;
	if (walk_template(tpl, check_ref, a, NULL, &bad) == 0)
		return 0;
	int rc;
	if (bad && strchr(bad, '}') == NULL)
		rc = spec_error(c, a->step->name, field,
				"unterminated ${ in '%s' (write $${ to pass ${ on as it is)", tpl);
	else if (bad && foreign_ref(bad))
		rc = spec_error(c, a->step->name, field,
				"unknown %s: runlens substitutes ${params.X}, ${inputs.X}, "
				"${outputs.X}, ${run.id}, ${run.name} and ${step.name}; write $%s "
				"to pass %s to %s as it is ($$ alone stays $$)",
				bad, bad, bad, to ? to : "the step");
	else
		rc = spec_error(c, a->step->name, field, "unknown %s", bad ? bad : "${}");
	free(bad);
	return rc;
}

/* In a step's own params: only ${params.X} of a pipeline param. */
static int check_own_ref(void *arg, const struct ref *r, struct buf *out)
{
	(void)out;
	struct check_arg *a = arg;
	if (r->kind != REF_PARAM || !a->spec->params ||
	    !cJSON_GetObjectItemCaseSensitive(a->spec->params, r->name))
		return -1;
	for (cJSON *it = a->refs->child; it; it = it->next)
		if (strcmp(it->valuestring, r->name) == 0)
			return 0;
	cJSON *name = cJSON_CreateString(r->name);
	return name && cJSON_AddItemToArray(a->refs, name) ? 0 : -1;
}

static int check_own_params(struct spec_ctx *c, const struct spec *s, struct spec_step *st,
			    struct step_extra *x)
{
	struct check_arg a = { s, st, NULL, x->own_refs };
	for (const cJSON *p = x->own ? x->own->child : NULL; p; p = p->next) {
		char *bad = NULL;
		if (!cJSON_IsString(p) || walk_template(p->valuestring, check_own_ref, &a, NULL,
							&bad) == 0)
			continue;
		struct buf f = BUF_INIT;
		buf_printf(&f, "params.%s", p->string);
		int rc = spec_error(c, st->name, f.data,
				    "unknown %s (a step's params may use ${params.X} of the "
				    "pipeline's params)",
				    bad ? bad : "${}");
		buf_free(&f);
		free(bad);
		return rc;
	}
	return 0;
}

int spec_check_templates(struct spec_ctx *c, const struct spec *s,
			 struct spec_step *st, struct step_extra *x)
{
	if (check_own_params(c, s, st, x) < 0)
		return -1;
	struct check_arg a = { s, st, x->own, x->refs };
	if (st->run_shell && check_template(c, &a, "run", st->run_shell, "the shell") < 0)
		return -1;
	for (int i = 0; i < st->run_argc; i++)
		if (check_template(c, &a, "run", st->run_argv[i], "the program") < 0)
			return -1;
	for (int i = 0; i < st->nenv; i++) {
		struct buf f = BUF_INIT;
		buf_printf(&f, "env.%s", st->env[i].key);
		int rc = check_template(c, &a, f.data, st->env[i].value, NULL);
		buf_free(&f);
		if (rc < 0)
			return -1;
	}
	if (st->workdir && check_template(c, &a, "workdir", st->workdir, NULL) < 0)
		return -1;
	return 0;
}

struct subst_arg {
	const struct spec *spec;
	const struct spec_step *step;
	const struct spec_subst *v;
};

static int subst_ref(void *arg, const struct ref *r, struct buf *out)
{
	struct subst_arg *a = arg;
	int i;
	switch (r->kind) {
	case REF_PARAM: {
		if (a->v && a->v->keep_params) {
			buf_printf(out, "${params.%s}", r->name);
			return 0;
		}
		const cJSON *p = a->step->params
					 ? cJSON_GetObjectItemCaseSensitive(a->step->params, r->name)
					 : NULL;
		if (!p)
			p = cJSON_GetObjectItemCaseSensitive(a->spec->params, r->name);
		if (!p)
			return -1;
		char *t = spec_param_text(p);
		if (!t)
			return -1;
		buf_puts(out, t);
		free(t);
		return 0;
	}
	case REF_INPUT:
		i = spec_input_index(a->step, r->name);
		if (i < 0 || !a->v || !a->v->input_paths || !a->v->input_paths[i])
			return -1;
		buf_puts(out, a->v->input_paths[i]);
		return 0;
	case REF_OUTPUT:
		i = spec_output_index(a->step, r->name);
		if (i < 0 || !a->v || !a->v->output_paths || !a->v->output_paths[i])
			return -1;
		buf_puts(out, a->v->output_paths[i]);
		return 0;
	case REF_RUN_ID:
		buf_puts(out, a->v && a->v->run_id ? a->v->run_id : "");
		return 0;
	case REF_RUN_NAME:
		buf_puts(out, a->v && a->v->run_name ? a->v->run_name : "");
		return 0;
	case REF_STEP_NAME:
		buf_puts(out, a->step->name);
		return 0;
	default:
		return -1;
	}
}

int spec_substitute(const struct spec *s, const struct spec_step *step,
		    const char *template, const struct spec_subst *v,
		    char **out, struct rl_err *err)
{
	if (!s || !step || !template || !out)
		return rl_err_set(err, RL_E_SPEC, "nothing to substitute");
	struct subst_arg a = { s, step, v };
	struct buf b = BUF_INIT;
	char *bad = NULL;
	if (walk_template(template, subst_ref, &a, &b, &bad) < 0) {
		rl_err_set(err, RL_E_SPEC, "step '%s': cannot substitute %s", step->name,
			   bad ? bad : "${}");
		free(bad);
		buf_free(&b);
		return -1;
	}
	*out = buf_steal(&b);
	return *out ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

/* ${params.X} of a step's own param value: the pipeline's param X. */
static int own_subst_ref(void *arg, const struct ref *r, struct buf *out)
{
	const struct spec *s = arg;
	const cJSON *p = r->kind == REF_PARAM && s->params
				 ? cJSON_GetObjectItemCaseSensitive(s->params, r->name)
				 : NULL;
	char *t = p ? spec_param_text(p) : NULL;
	if (!t)
		return -1;
	buf_puts(out, t);
	free(t);
	return 0;
}

cJSON *spec_own_param_value(const struct spec *s, const cJSON *v)
{
	if (!cJSON_IsString(v) || !strstr(v->valuestring, "${"))
		return cJSON_Duplicate(v, 1);
	/* exactly one reference: that param's value, with its type */
	const char *t = v->valuestring;
	size_t n = strlen(t);
	if (n > 10 && strncmp(t, "${params.", 9) == 0 && t[n - 1] == '}' &&
	    !strchr(t + 9, '$') && strchr(t + 9, '}') == t + n - 1) {
		char *name = strndup(t + 9, n - 10);
		const cJSON *p = name && s->params
					 ? cJSON_GetObjectItemCaseSensitive(s->params, name)
					 : NULL;
		free(name);
		if (p)
			return cJSON_Duplicate(p, 1);
	}
	struct buf b = BUF_INIT;
	char *bad = NULL;
	if (walk_template(t, own_subst_ref, (void *)s, &b, &bad) < 0) {
		free(bad);
		buf_free(&b);
		return cJSON_Duplicate(v, 1);
	}
	cJSON *out = cJSON_CreateString(b.data ? b.data : "");
	buf_free(&b);
	return out;
}
