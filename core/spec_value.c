/* core/spec_value.c — the values of pipeline-file fields: the one error
 * message format, names, type names, typed values (string arrays,
 * integers, seconds, booleans, objects without duplicate keys), and the
 * rule of an object of known fields. */
#include "config.h"
#include "core/spec_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

int spec_error(struct spec_ctx *c, const char *step, const char *field,
	       const char *fmt, ...)
{
	struct buf raw = BUF_INIT, b = BUF_INIT;
	buf_printf(&raw, "%s: ", c->file);
	if (step && field)
		buf_printf(&raw, "step '%s', field '%s': ", step, field);
	else if (step)
		buf_printf(&raw, "step '%s': ", step);
	else if (field)
		buf_printf(&raw, "field '%s': ", field);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *m = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (m) {
		va_start(ap, fmt);
		vsnprintf(m, (size_t)n + 1, fmt, ap);
		va_end(ap);
		buf_puts(&raw, m);
		free(m);
	}
	/* step names, field names and ${…} quoted from the file may hold
	 * control characters ("a\nb" in JSON): keep the message one line */
	if (raw.data)
		text_escape(&b, raw.data, raw.len, 0);
	if (m && b.data)
		rl_err_set(c->err, RL_E_SPEC, "%s", b.data);
	else
		rl_err_set(c->err, RL_E_NOMEM, NULL);
	buf_free(&raw);
	buf_free(&b);
	return -1;
}

char *spec_strdup(struct spec_ctx *c, const char *s)
{
	char *d = strdup(s);
	if (!d)
		rl_err_set(c->err, RL_E_NOMEM, NULL);
	return d;
}

void spec_strv_free(char **v, int n)
{
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int spec_valid_name(const char *s, int allow_dot)
{
	if (!s || !*s || strlen(s) > SPEC_NAME_MAX)
		return 0;
	/* ASCII whatever the locale (the CLI sets LC_CTYPE): a name becomes
	 * an environment variable's */
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9');
		if (!(alnum || ch == '_' || ch == '-' || (allow_dot && ch == '.')))
			return 0;
	}
	return 1;
}

int spec_valid_tag(const char *s)
{
	if (!s || !*s)
		return 0;
	return !strpbrk(s, ", \t\n");
}

int spec_check_name(struct spec_ctx *c, const char *step, const char *field,
		    const char *what, const char *name)
{
	if (spec_valid_name(name, 0))
		return 0;
	if (name && strlen(name) > SPEC_NAME_MAX)
		return spec_error(c, step, field, "%s name '%.20s…' is longer than %d characters",
				  what, name, SPEC_NAME_MAX);
	return spec_error(c, step, field,
			  "%s name '%s' may only hold letters, digits, '_' and '-'", what, name);
}

int spec_duplicate_key(const cJSON *obj, const char **dup)
{
	int n = 0, i, j, rc = -1;
	*dup = NULL;
	for (const cJSON *a = obj ? obj->child : NULL; a; a = a->next)
		n++;
	const char **keys = calloc((size_t)n + 1, sizeof(*keys));
	if (!keys)
		goto cleanup;
	n = 0;
	for (const cJSON *a = obj ? obj->child : NULL; a; a = a->next)
		if (a->string)
			keys[n++] = a->string;
	int found = spec_first_repeat(keys, n, &i, &j);
	if (found < 0)
		goto cleanup;
	if (found)
		*dup = keys[i];
	rc = 0;
cleanup:
	free(keys);
	return rc;
}

const char *spec_type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "something else";
}

int spec_string_array(struct spec_ctx *c, const char *step, const char *field,
		      const cJSON *v, char ***out, int *n)
{
	if (!cJSON_IsArray(v))
		return spec_error(c, step, field, "expected an array of strings, got %s",
				  spec_type_name(v));
	int count = cJSON_GetArraySize(v);
	char **arr = calloc((size_t)count + 1, sizeof(char *));
	if (!arr)
		return rl_err_set(c->err, RL_E_NOMEM, NULL);
	int i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		if (!cJSON_IsString(it)) {
			spec_strv_free(arr, i);
			return spec_error(c, step, field,
					  "expected an array of strings, element %d is %s",
					  i + 1, spec_type_name(it));
		}
		if (!(arr[i] = strdup(it->valuestring))) {
			spec_strv_free(arr, i);
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		}
	}
	*out = arr;
	*n = count;
	return 0;
}

int spec_nonneg_int(struct spec_ctx *c, const char *step, const char *field,
		    const cJSON *v, int *out)
{
	/* the range first: (int) of a double out of range is undefined */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) ||
	    v->valuedouble > 1000000 ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return spec_error(c, step, field,
				  "expected a non-negative integer, got %s",
				  !cJSON_IsNumber(v) ? spec_type_name(v)
				  : v->valuedouble > 1000000 ? "a number over 1000000"
							     : "a negative or fractional number");
	*out = (int)v->valuedouble;
	return 0;
}

int spec_nonneg_num(struct spec_ctx *c, const char *step, const char *field,
		    const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < 0)
		return spec_error(c, step, field,
				  "expected a non-negative number of seconds, got %s",
				  cJSON_IsNumber(v) ? "a negative number" : spec_type_name(v));
	*out = v->valuedouble;
	return 0;
}

int spec_retry_delay(struct spec_ctx *c, const char *step, const char *field,
		     const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > SPEC_RETRY_WAIT_MAX)
		return spec_error(c, step, field,
				  "expected a number of seconds from 0 to %.0f (one day), got %s",
				  SPEC_RETRY_WAIT_MAX,
				  !cJSON_IsNumber(v)	  ? spec_type_name(v)
				  : v->valuedouble < 0 ? "a negative number"
							  : "more than a day");
	*out = v->valuedouble;
	return 0;
}

int spec_retry_backoff(struct spec_ctx *c, const char *step, const char *field,
		       const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 1) || v->valuedouble > 1000)
		return spec_error(c, step, field,
				  "expected a factor from 1 to 1000 (each wait is that many "
				  "times the one before), got %s",
				  !cJSON_IsNumber(v)	  ? spec_type_name(v)
				  : v->valuedouble < 1 ? "a number below 1"
							  : "a number over 1000");
	*out = v->valuedouble;
	return 0;
}

int spec_boolean(struct spec_ctx *c, const char *step, const char *field,
		 const cJSON *v, int *out)
{
	if (!cJSON_IsBool(v))
		return spec_error(c, step, field, "expected true or false, got %s",
				  spec_type_name(v));
	*out = cJSON_IsTrue(v);
	return 0;
}

/* *DUP: the first key found twice in one object anywhere in V (V
 * included), or NULL; PATH, holding V's field name, is extended to name
 * that object.  0, or -1 when memory runs out. */
static int duplicate_key_deep(const cJSON *v, struct buf *path, const char **dup)
{
	*dup = NULL;
	if (cJSON_IsObject(v) && spec_duplicate_key(v, dup) < 0)
		return -1;
	int i = 0;
	for (const cJSON *it = v->child; it && !*dup; it = it->next, i++) {
		if (!cJSON_IsObject(it) && !cJSON_IsArray(it))
			continue;
		size_t keep = path->len;
		if (cJSON_IsObject(v))
			buf_printf(path, ".%s", it->string);
		else
			buf_printf(path, "[%d]", i);
		if (duplicate_key_deep(it, path, dup) < 0)
			return -1;
		if (!*dup && path->data) {
			path->len = keep;
			path->data[keep] = '\0';
		}
	}
	return 0;
}

int spec_object(struct spec_ctx *c, const char *step, const char *field,
		const cJSON *v)
{
	if (!cJSON_IsObject(v))
		return spec_error(c, step, field, "expected an object, got %s",
				  spec_type_name(v));
	struct buf path = BUF_INIT;
	const char *dup = NULL;
	int rc = 0;
	if (buf_puts(&path, field) < 0 || duplicate_key_deep(v, &path, &dup) < 0)
		rc = rl_err_set(c->err, RL_E_NOMEM, NULL);
	else if (dup)
		rc = spec_error(c, step, path.data, "duplicate key '%s'", dup);
	buf_free(&path);
	return rc;
}

static const struct spec_field *find_field(const struct spec_field *fields,
					   const char *name)
{
	for (; fields->name; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

int spec_parse_fields(const struct spec_field *fields, const cJSON *obj,
		      const struct spec_at *at)
{
	const char *step = at->st ? at->st->name : NULL;
	const char *dup;
	if (spec_duplicate_key(obj, &dup) < 0)
		return rl_err_set(at->c->err, RL_E_NOMEM, NULL);
	if (dup)
		return spec_error(at->c, step, NULL, "duplicate field '%s'", dup);
	for (const cJSON *f = obj->child; f; f = f->next)
		if (!find_field(fields, f->string))
			return spec_error(at->c, step, NULL, "unknown field '%s'",
					  f->string);
	for (const struct spec_field *f = fields; f->name; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name);
		if (!v && f->required)
			return spec_error(at->c, step, NULL, "missing field '%s'",
					  f->name);
		if (v && f->parse && f->parse(at, v) < 0)
			return -1;
	}
	return 0;
}
