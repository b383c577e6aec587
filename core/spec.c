/* core/spec.c — pipeline files: parsing and validation, params, ${…}
 * substitution.  The DAG order and cycle check are in core/dag.c. */
#include "config.h"
#include "core/spec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/text.h"

static void strv_free(char **v, int n)
{
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------------------ */
/* Positions in the text                                               */

static void line_col(const char *text, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Skip a JSON string starting at text[i] == '"'; return the index after
 * the closing quote. */
static size_t skip_string(const char *t, size_t i, size_t len)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i + 1;
	}
	return len;
}

/* What a scan of strings and brackets (not a parser) finds at an offset. */
struct scan_at {
	char prev;	  /* last significant character before it, or 0 */
	int prev_key;	  /* prev closed an object key */
	int key_next;	  /* an object key is expected there */
	char top;	  /* innermost open bracket there, or 0 */
	int in_string;	  /* the offset is inside a string */
	int string_open;  /* ... that is never closed */
};

/* The scanner's state while it walks the text. */
struct scan_state {
	struct buf open; /* the open '{' and '[' */
	char prev;
	int prev_key, key_next;
};

static void scan_record(const struct scan_state *st, struct scan_at *at)
{
	at->prev = st->prev;
	at->prev_key = st->prev_key;
	at->key_next = st->key_next;
	at->top = st->open.len ? st->open.data[st->open.len - 1] : 0;
}

/* Scan T up to its end, recording the state at OFF in *AT.  Returns 1
 * when the text as a whole is unfinished (brackets left open, or a string
 * not closed) and its brackets do not mismatch. */
static int scan_json(const char *t, size_t len, size_t off, struct scan_at *at)
{
	struct scan_state st = { BUF_INIT, 0, 0, 0 };
	int unfinished = 0, mismatch = 0, recorded = 0;
	memset(at, 0, sizeof(*at));
	for (size_t i = 0; i < len; i++) {
		if (i == off) {
			scan_record(&st, at);
			recorded = 1;
		}
		char ch = t[i];
		if (ch == '"') {
			size_t j = i + 1;
			while (j < len && t[j] != '"')
				j += t[j] == '\\' ? 2 : 1;
			int closed = j < len;
			if (off > i && off <= j && !recorded) {
				scan_record(&st, at);
				recorded = 1;
				at->in_string = 1;
				at->string_open = !closed;
			}
			if (!closed) {
				unfinished = 1;
				break;
			}
			st.prev = '"';
			st.prev_key = st.key_next;
			st.key_next = 0;
			i = j;
			continue;
		}
		if (isspace((unsigned char)ch))
			continue;
		char top = st.open.len ? st.open.data[st.open.len - 1] : 0;
		if (ch == '{' || ch == '[') {
			buf_putc(&st.open, ch);
			st.key_next = ch == '{';
		} else if (ch == '}' || ch == ']') {
			if (top == (ch == '}' ? '{' : '['))
				st.open.data[--st.open.len] = '\0';
			else
				mismatch = 1;
			st.key_next = 0;
		} else if (ch == ',') {
			st.key_next = top == '{';
		} else if (ch == ':') {
			st.key_next = 0;
		}
		st.prev = ch;
		st.prev_key = 0;
	}
	if (!recorded)
		scan_record(&st, at);
	unfinished |= st.open.len > 0;
	buf_free(&st.open);
	return unfinished && !mismatch;
}

static const char key_hint[] = "expected a key in double quotes";

/* A hint for a JSON syntax error that cJSON found at OFF, or NULL.
 * *AT_END is set when the text simply stops too early. */
static const char *syntax_hint(const char *t, size_t len, size_t off,
			       int *at_end)
{
	size_t k = 0;
	while (k < len && isspace((unsigned char)t[k]))
		k++;
	*at_end = 0;
	if (k == len) {
		*at_end = 1;
		return "the file is empty";
	}
	struct scan_at at;
	int unfinished = scan_json(t, len, off, &at);
	if (at.string_open)
		return "a string is not closed with '\"'";
	if (unfinished && off + 1 >= len) {
		*at_end = 1;
		return "unexpected end of file";
	}
	if (at.in_string)
		return "invalid string (a bad escape or control character?)";
	char ch = off < len ? t[off] : 0;
	char p = at.prev;
	int value_end = (p == '"' && !at.prev_key) || isdigit((unsigned char)p) ||
			p == 'e' || p == 'l' || p == '}' || p == ']';
	if (at.top == '{' && at.prev_key)
		return "expected ':' after the key";
	if (value_end && at.top == '{')
		return "expected ',' or '}'";
	if (value_end && at.top == '[')
		return "expected ',' or ']'";
	if (p == ',' && (ch == '}' || ch == ']'))
		return "a ',' before a closing bracket (trailing comma)";
	if (at.top == '{' && at.key_next)
		return key_hint;
	if (p == ':' || p == '[' || p == ',' || p == 0)
		return "expected a value";
	return NULL;
}

/* The error for text cJSON could not parse, failing at OFF. */
static int syntax_error(const char *file, const char *t, size_t len,
			size_t off, struct rl_err *err)
{
	int l, col, at_end;
	if (off > len)
		off = len;
	const char *hint = syntax_hint(t, len, off, &at_end);
	/* cJSON stops after an unquoted key: point at its start */
	while (hint == key_hint && off > 0 &&
	       (isalnum((unsigned char)t[off - 1]) || t[off - 1] == '_'))
		off--;
	line_col(t, off, &l, &col);
	struct buf near = BUF_INIT;
	if (!at_end) {
		/* up to 20 bytes of the line, not cutting a UTF-8 character */
		size_t k = 0;
		while (off + k < len && t[off + k] != '\n' && t[off + k] != '\r' &&
		       (k < 20 || ((unsigned char)t[off + k] & 0xC0) == 0x80))
			k++;
		text_escape(&near, t + off, k, 0);
	}
	if (near.len)
		rl_err_set(err, RL_E_SPEC, "%s:%d:%d: JSON syntax error%s%s near '%s'",
			   file, l, col, hint ? ": " : "", hint ? hint : "", near.data);
	else
		rl_err_set(err, RL_E_SPEC, "%s:%d:%d: JSON syntax error: %s", file, l,
			   col, hint ? hint : "unexpected end of file");
	buf_free(&near);
	return -1;
}

/* Lines of the objects of the top-level "steps" array, in order.  The
 * text is known to be valid JSON here. */
static int *step_lines(const char *t, size_t len, int nsteps)
{
	int *lines = calloc((size_t)(nsteps > 0 ? nsteps : 1), sizeof(int));
	if (!lines)
		return NULL;
	int depth = 0, in_steps = 0, k = 0;
	size_t i = 0;
	while (i < len) {
		char ch = t[i];
		if (ch == '"') {
			size_t end = skip_string(t, i, len);
			if (depth == 1 && !in_steps && end - i == 7 &&
			    strncmp(t + i, "\"steps\"", 7) == 0) {
				size_t j = end;
				while (j < len && isspace((unsigned char)t[j]))
					j++;
				if (j < len && t[j] == ':') {
					j++;
					while (j < len && isspace((unsigned char)t[j]))
						j++;
					if (j < len && t[j] == '[') {
						in_steps = 1;
						depth++;
						i = j + 1;
						continue;
					}
				}
			}
			i = end;
			continue;
		}
		if (ch == '{' || ch == '[') {
			if (in_steps && depth == 2 && ch == '{' && k < nsteps) {
				int l, c;
				line_col(t, i, &l, &c);
				lines[k++] = l;
			}
			depth++;
		} else if (ch == '}' || ch == ']') {
			depth--;
			if (in_steps && depth == 1)
				in_steps = 0;
		}
		i++;
	}
	return lines;
}

/* ------------------------------------------------------------------ */
/* Validation helpers                                                  */

struct ctx {
	const char *file;
	struct rl_err *err;
};

static int spec_error(struct ctx *c, const char *step, const char *field,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int spec_error(struct ctx *c, const char *step, const char *field,
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

/* strdup that reports running out of memory. */
static char *sdup(struct ctx *c, const char *s)
{
	char *d = strdup(s);
	if (!d)
		rl_err_set(c->err, RL_E_NOMEM, NULL);
	return d;
}

static int valid_name(const char *s, int allow_dot)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (!(isalnum(ch) || ch == '_' || ch == '-' || (allow_dot && ch == '.')))
			return 0;
	}
	return 1;
}

static int valid_ident(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* Two members of one object with the same key? */
static const char *duplicate_key(const cJSON *obj)
{
	for (const cJSON *a = obj ? obj->child : NULL; a; a = a->next)
		for (const cJSON *b = a->next; b; b = b->next)
			if (a->string && b->string && strcmp(a->string, b->string) == 0)
				return a->string;
	return NULL;
}

static const char *type_name(const cJSON *v)
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

static int string_array(struct ctx *c, const char *step, const char *field,
			const cJSON *v, char ***out, int *n)
{
	if (!cJSON_IsArray(v))
		return spec_error(c, step, field, "expected an array of strings, got %s",
				  type_name(v));
	int count = cJSON_GetArraySize(v);
	char **arr = calloc((size_t)count + 1, sizeof(char *));
	if (!arr)
		return rl_err_set(c->err, RL_E_NOMEM, NULL);
	int i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		if (!cJSON_IsString(it)) {
			strv_free(arr, i);
			return spec_error(c, step, field,
					  "expected an array of strings, element %d is %s",
					  i + 1, type_name(it));
		}
		if (!(arr[i] = strdup(it->valuestring))) {
			strv_free(arr, i);
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		}
	}
	*out = arr;
	*n = count;
	return 0;
}

static int nonneg_int(struct ctx *c, const char *step, const char *field,
		      const cJSON *v, int *out)
{
	/* the range first: (int) of a double out of range is undefined */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) ||
	    v->valuedouble > 1000000 ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return spec_error(c, step, field,
				  "expected a non-negative integer, got %s",
				  !cJSON_IsNumber(v) ? type_name(v)
				  : v->valuedouble > 1000000 ? "a number over 1000000"
							     : "a negative or fractional number");
	*out = (int)v->valuedouble;
	return 0;
}

static int nonneg_num(struct ctx *c, const char *step, const char *field,
		      const cJSON *v, double *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < 0)
		return spec_error(c, step, field,
				  "expected a non-negative number of seconds, got %s",
				  cJSON_IsNumber(v) ? "a negative number" : type_name(v));
	*out = v->valuedouble;
	return 0;
}

static int boolean(struct ctx *c, const char *step, const char *field,
		   const cJSON *v, int *out)
{
	if (!cJSON_IsBool(v))
		return spec_error(c, step, field, "expected true or false, got %s",
				  type_name(v));
	*out = cJSON_IsTrue(v);
	return 0;
}

/* The first key found twice in one object anywhere in V (V included);
 * PATH, holding V's field name, is extended to name that object. */
static const char *duplicate_key_deep(const cJSON *v, struct buf *path)
{
	const char *dup = cJSON_IsObject(v) ? duplicate_key(v) : NULL;
	int i = 0;
	for (const cJSON *it = v->child; it && !dup; it = it->next, i++) {
		if (!cJSON_IsObject(it) && !cJSON_IsArray(it))
			continue;
		size_t keep = path->len;
		if (cJSON_IsObject(v))
			buf_printf(path, ".%s", it->string);
		else
			buf_printf(path, "[%d]", i);
		dup = duplicate_key_deep(it, path);
		if (!dup && path->data) {
			path->len = keep;
			path->data[keep] = '\0';
		}
	}
	return dup;
}

/* V must be an object with no key twice, at any depth. */
static int object(struct ctx *c, const char *step, const char *field,
		  const cJSON *v)
{
	if (!cJSON_IsObject(v))
		return spec_error(c, step, field, "expected an object, got %s",
				  type_name(v));
	struct buf path = BUF_INIT;
	int rc = 0;
	if (buf_puts(&path, field) < 0)
		rc = rl_err_set(c->err, RL_E_NOMEM, NULL);
	const char *dup = rc ? NULL : duplicate_key_deep(v, &path);
	if (dup)
		rc = spec_error(c, step, path.data, "duplicate key '%s'", dup);
	buf_free(&path);
	return rc;
}

/* ------------------------------------------------------------------ */
/* ${…} templates                                                      */

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

static int has_input(const struct spec_step *st, const char *name)
{
	for (int i = 0; i < st->ninputs; i++)
		if (strcmp(st->inputs[i].name, name) == 0)
			return i;
	return -1;
}

static int has_output(const struct spec_step *st, const char *name)
{
	for (int i = 0; i < st->noutputs; i++)
		if (strcmp(st->outputs[i].name, name) == 0)
			return i;
	return -1;
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
		return has_input(a->step, r->name) >= 0 ? 0 : -1;
	case REF_OUTPUT:
		return has_output(a->step, r->name) >= 0 ? 0 : -1;
	case REF_RUN_ID:
	case REF_RUN_NAME:
	case REF_STEP_NAME:
		return 0;
	default:
		return -1;
	}
}

static int check_template(struct ctx *c, struct check_arg *a,
			  const char *field, const char *tpl)
{
	char *bad = NULL;
	if (walk_template(tpl, check_ref, a, NULL, &bad) == 0)
		return 0;
	int rc;
	if (bad && strchr(bad, '}') == NULL)
		rc = spec_error(c, a->step->name, field, "unterminated ${ in '%s'", tpl);
	else
		rc = spec_error(c, a->step->name, field, "unknown %s", bad ? bad : "${}");
	free(bad);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */

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
static int parse_step(struct ctx *c, struct spec *s, const cJSON *obj,
		      int index, struct spec_step *st, cJSON **step_params)
{
	if (!cJSON_IsObject(obj))
		return spec_error(c, NULL, "steps", "step %d: expected an object, got %s",
				  index + 1, type_name(obj));
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
	if (!name)
		return spec_error(c, NULL, "steps", "step %d has no \"name\"", index + 1);
	if (!cJSON_IsString(name) || !valid_name(name->valuestring, 0))
		return spec_error(c, NULL, "steps",
				  "step %d: \"name\" must be a non-empty string of "
				  "letters, digits, '_' and '-'",
				  index + 1);
	if (!(st->name = sdup(c, name->valuestring)))
		return -1;
	const char *dup = duplicate_key(obj);
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
		if (!(st->run_shell = sdup(c, run->valuestring)))
			return -1;
	} else if (cJSON_IsArray(run)) {
		if (string_array(c, st->name, "run", run, &st->run_argv, &st->run_argc) < 0)
			return -1;
		if (st->run_argc == 0 || !*st->run_argv[0])
			return spec_error(c, st->name, "run",
					  "expected a non-empty array (the program and its arguments)");
	} else {
		return spec_error(c, st->name, "run",
				  "expected a string (run by /bin/sh) or an array "
				  "(argv), got %s", type_name(run));
	}

	const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(obj, "outputs");
	if (outputs) {
		if (object(c, st->name, "outputs", outputs) < 0)
			return -1;
		int n = cJSON_GetArraySize(outputs);
		st->outputs = calloc((size_t)n + 1, sizeof(*st->outputs));
		if (!st->outputs)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		for (const cJSON *o = outputs->child; o; o = o->next) {
			struct buf field = BUF_INIT;
			buf_printf(&field, "outputs.%s", o->string);
			int rc = 0;
			if (!valid_ident(o->string))
				rc = spec_error(c, st->name, "outputs",
						"output name '%s' may only hold letters, digits, '_' and '-'",
						o->string);
			else if (!cJSON_IsString(o) || !*o->valuestring)
				rc = spec_error(c, st->name, field.data,
						"expected a relative path, got %s",
						type_name(o));
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
			if (!(so->name = sdup(c, o->string)) ||
			    !(so->path = sdup(c, o->valuestring)))
				return -1;
		}
	}

	const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(obj, "inputs");
	if (inputs) {
		if (object(c, st->name, "inputs", inputs) < 0)
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
			if (!valid_ident(in->string)) {
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
						type_name(in));
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
	if (needs && string_array(c, st->name, "needs", needs, &st->needs, &st->nneeds) < 0)
		return -1;

	st->retries = s->defaults.retries;
	st->timeout = s->defaults.timeout;
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "retries")) &&
	    nonneg_int(c, st->name, "retries", v, &st->retries) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "timeout")) &&
	    nonneg_num(c, st->name, "timeout", v, &st->timeout) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "resources"))) {
		if (object(c, st->name, "resources", v) < 0)
			return -1;
		st->resources = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "context"))) {
		if (object(c, st->name, "context", v) < 0)
			return -1;
		st->context = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "tags")) &&
	    string_array(c, st->name, "tags", v, &st->tags, &st->ntags) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "secrets"))) {
		if (string_array(c, st->name, "secrets", v, &st->secrets, &st->nsecrets) < 0)
			return -1;
		for (int i = 0; i < st->nsecrets; i++)
			if (!valid_name(st->secrets[i], 0))
				return spec_error(c, st->name, "secrets",
						  "'%s' is not a valid secret name",
						  st->secrets[i]);
	}
	st->cache = s->defaults.cache && st->nsecrets == 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "cache")) &&
	    boolean(c, st->name, "cache", v, &st->cache) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "workdir"))) {
		if (!cJSON_IsString(v) || !*v->valuestring)
			return spec_error(c, st->name, "workdir",
					  "expected a folder path, got %s", type_name(v));
		if (!(st->workdir = sdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "metrics_file"))) {
		if (!cJSON_IsString(v))
			return spec_error(c, st->name, "metrics_file",
					  "expected the name of an output, got %s",
					  type_name(v));
		if (has_output(st, v->valuestring) < 0)
			return spec_error(c, st->name, "metrics_file",
					  "'%s' is not one of the step's outputs",
					  v->valuestring);
		if (!(st->metrics_file = sdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "params"))) {
		if (object(c, st->name, "params", v) < 0)
			return -1;
		for (const cJSON *p = v->child; p; p = p->next)
			if (!valid_ident(p->string))
				return spec_error(c, st->name, "params",
						  "param name '%s' may only hold letters, digits, '_' and '-'",
						  p->string);
		*step_params = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "env"))) {
		if (object(c, st->name, "env", v) < 0)
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
						type_name(e));
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
static int env_clash(struct ctx *c, const char *step, const char *field,
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

/* The step's inputs, outputs and params each reach it as environment
 * variables; no two may share one. */
static int check_env_names(struct ctx *c, const struct spec_step *st)
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

/* Resolve inputs/needs to step indexes; fill deps. */
static int resolve_refs(struct ctx *c, struct spec *s)
{
	for (int i = 0; i < s->nsteps; i++) {
		struct spec_step *st = &s->steps[i];
		int *deps = calloc((size_t)(st->ninputs + st->nneeds) + 1, sizeof(int));
		if (!deps)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		st->deps = deps;
		int nd = 0;
		for (int k = 0; k < st->ninputs + st->nneeds; k++) {
			int j;
			const char *target;
			struct buf field = BUF_INIT;
			if (k < st->ninputs) {
				struct spec_input *in = &st->inputs[k];
				if (in->kind != SPEC_INPUT_STEP) {
					buf_free(&field);
					continue;
				}
				target = in->step;
				buf_printf(&field, "inputs.%s", in->name);
			} else {
				target = st->needs[k - st->ninputs];
				buf_puts(&field, "needs");
			}
			j = spec_step_index(s, target);
			int rc = 0;
			if (j < 0)
				rc = spec_error(c, st->name, field.data, "unknown step '%s'",
						target);
			else if (j == i)
				rc = spec_error(c, st->name, field.data,
						"a step cannot depend on itself (cycle: %s -> %s)",
						st->name, st->name);
			else if (k < st->ninputs) {
				struct spec_input *in = &st->inputs[k];
				in->step_index = j;
				if (has_output(&s->steps[j], in->output) < 0)
					rc = spec_error(c, st->name, field.data,
							"unknown output '%s' of step '%s'",
							in->output, target);
			}
			buf_free(&field);
			if (rc < 0)
				return -1;
			int seen = 0;
			for (int d = 0; d < nd; d++)
				seen |= deps[d] == j;
			if (!seen)
				deps[nd++] = j;
		}
		/* ascending */
		for (int a = 1; a < nd; a++)
			for (int b = a; b > 0 && deps[b - 1] > deps[b]; b--) {
				int tmp = deps[b];
				deps[b] = deps[b - 1];
				deps[b - 1] = tmp;
			}
		st->ndeps = nd;
	}
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
static cJSON *step_params(const struct spec *s, const cJSON *refs,
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

/* Per step, kept between parse and spec_set_params. */
struct step_extra {
	cJSON *refs; /* names of referenced pipeline params */
	cJSON *own;  /* the step's "params" (owned by root) */
};

static int check_templates(struct ctx *c, struct spec *s, struct spec_step *st,
			   struct step_extra *x)
{
	struct check_arg a = { s, st, x->own, x->refs };
	if (st->run_shell && check_template(c, &a, "run", st->run_shell) < 0)
		return -1;
	for (int i = 0; i < st->run_argc; i++)
		if (check_template(c, &a, "run", st->run_argv[i]) < 0)
			return -1;
	for (int i = 0; i < st->nenv; i++) {
		struct buf f = BUF_INIT;
		buf_printf(&f, "env.%s", st->env[i].key);
		int rc = check_template(c, &a, f.data, st->env[i].value);
		buf_free(&f);
		if (rc < 0)
			return -1;
	}
	if (st->workdir && check_template(c, &a, "workdir", st->workdir) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The whole file                                                      */

static const char *const top_fields[] = {
	"name", "description", "params", "tags", "context", "model", "stack",
	"metrics", "defaults", "steps", NULL,
};

/* The spec keeps what spec_set_params needs in a hidden side array. */
struct spec_private {
	struct spec pub;
	struct step_extra *extra;
};

/* Parse the "steps" array into s->steps, with their lines in the text;
 * step names must be unique. */
static int parse_steps(struct ctx *c, struct spec_private *sp,
		       const cJSON *steps)
{
	struct spec *s = &sp->pub;
	int n = cJSON_GetArraySize(steps), rc = -1;
	int *lines = step_lines(s->text, strlen(s->text), n);
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

static int parse_top(struct ctx *c, struct spec_private *sp)
{
	struct spec *s = &sp->pub;
	cJSON *root = s->root;
	if (!cJSON_IsObject(root))
		return spec_error(c, NULL, NULL,
				  "expected a JSON object at the top, got %s",
				  type_name(root));
	const char *dup = duplicate_key(root);
	if (dup)
		return spec_error(c, NULL, NULL, "duplicate field '%s'", dup);
	for (const cJSON *f = root->child; f; f = f->next)
		if (!known(top_fields, f->string))
			return spec_error(c, NULL, NULL, "unknown field '%s'", f->string);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (!v)
		return spec_error(c, NULL, NULL, "missing field 'name'");
	if (!cJSON_IsString(v) || !valid_name(v->valuestring, 1))
		return spec_error(c, NULL, "name",
				  "expected a non-empty string of letters, digits, '.', '_' and '-'");
	if (!(s->name = sdup(c, v->valuestring)))
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "description"))) {
		if (!cJSON_IsString(v))
			return spec_error(c, NULL, "description", "expected a string, got %s",
					  type_name(v));
		if (!(s->description = sdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "params"))) {
		if (object(c, NULL, "params", v) < 0)
			return -1;
		for (const cJSON *p = v->child; p; p = p->next)
			if (!valid_ident(p->string))
				return spec_error(c, NULL, "params",
						  "param name '%s' may only hold letters, digits, '_' and '-'",
						  p->string);
		s->params = (cJSON *)v;
	} else {
		s->params = cJSON_AddObjectToObject(root, "params");
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "tags")) &&
	    string_array(c, NULL, "tags", v, &s->tags, &s->ntags) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "context"))) {
		if (object(c, NULL, "context", v) < 0)
			return -1;
		s->context = (cJSON *)v;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "model"))) {
		if (object(c, NULL, "model", v) < 0)
			return -1;
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(v, "name");
		if (!cJSON_IsString(mn) || !*mn->valuestring)
			return spec_error(c, NULL, "model.name", "expected a non-empty string");
		const cJSON *mv = cJSON_GetObjectItemCaseSensitive(v, "version");
		if (mv && !cJSON_IsString(mv) && !cJSON_IsNumber(mv))
			return spec_error(c, NULL, "model.version",
					  "expected a string or a number, got %s", type_name(mv));
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
					  cJSON_IsString(v) ? "an empty string" : type_name(v));
		if (!(s->stack = sdup(c, v->valuestring)))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "metrics"))) {
		if (object(c, NULL, "metrics", v) < 0)
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
		if (object(c, NULL, "defaults", v) < 0)
			return -1;
		for (const cJSON *d = v->child; d; d = d->next) {
			struct buf f = BUF_INIT;
			buf_printf(&f, "defaults.%s", d->string);
			int rc;
			if (!strcmp(d->string, "retries"))
				rc = nonneg_int(c, NULL, f.data, d, &s->defaults.retries);
			else if (!strcmp(d->string, "timeout"))
				rc = nonneg_num(c, NULL, f.data, d, &s->defaults.timeout);
			else if (!strcmp(d->string, "cache"))
				rc = boolean(c, NULL, f.data, d, &s->defaults.cache);
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
	if (parse_steps(c, sp, steps) < 0)
		return -1;
	if (resolve_refs(c, s) < 0)
		return -1;
	for (int i = 0; i < s->nsteps; i++) {
		if (check_templates(c, s, &s->steps[i], &sp->extra[i]) < 0)
			return -1;
		s->steps[i].params = step_params(s, sp->extra[i].refs, sp->extra[i].own);
		if (!s->steps[i].params)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		if (check_env_names(c, &s->steps[i]) < 0)
			return -1;
	}
	return spec_dag_order(s, c->err);
}

int spec_parse(const char *text, size_t len, const char *filename,
	       const char *dir, struct spec **out, struct rl_err *err)
{
	if (!text || !out)
		return rl_err_set(err, RL_E_SPEC, "no pipeline text");
	*out = NULL;
	const char *file = filename ? filename : "pipeline";
	struct ctx c = { file, err };
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
	const char *end = NULL;
	s->root = cJSON_ParseWithLengthOpts(s->text, len, &end, 0);
	if (!s->root) {
		syntax_error(file, s->text, len,
			     end ? (size_t)(end - s->text) : len, err);
		goto cleanup;
	}
	/* anything after the document? */
	while (end && *end && isspace((unsigned char)*end))
		end++;
	if (end && *end) {
		int l, col;
		line_col(s->text, (size_t)(end - s->text), &l, &col);
		rl_err_set(err, RL_E_SPEC,
			   "%s:%d:%d: JSON syntax error: text after the end of the document",
			   file, l, col);
		goto cleanup;
	}
	if (parse_top(&c, sp) < 0)
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
	struct spec_private *sp = (struct spec_private *)*ps;
	struct spec *s = &sp->pub;
	for (int i = 0; i < s->nsteps; i++) {
		struct spec_step *st = &s->steps[i];
		free(st->name);
		strv_free(st->run_argv, st->run_argc);
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
		strv_free(st->needs, st->nneeds);
		free(st->deps);
		for (int k = 0; k < st->nenv; k++) {
			free(st->env[k].key);
			free(st->env[k].value);
		}
		free(st->env);
		strv_free(st->tags, st->ntags);
		free(st->workdir);
		free(st->metrics_file);
		strv_free(st->secrets, st->nsecrets);
		cJSON_Delete(st->params);
		if (sp->extra)
			cJSON_Delete(sp->extra[i].refs);
	}
	free(sp->extra);
	free(s->steps);
	free(s->order);
	strv_free(s->tags, s->ntags);
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

int spec_step_index(const struct spec *s, const char *name)
{
	if (!s || !name)
		return -1;
	for (int i = 0; i < s->nsteps; i++)
		if (s->steps[i].name && strcmp(s->steps[i].name, name) == 0)
			return i;
	return -1;
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
	struct spec_private *sp = (struct spec_private *)s;
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
		s->steps[i].params = step_params(s, sp->extra[i].refs, sp->extra[i].own);
		if (!s->steps[i].params)
			return rl_err_set(err, RL_E_NOMEM, NULL);
	}
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
		const cJSON *p = a->step->params
					 ? cJSON_GetObjectItemCaseSensitive(a->step->params, r->name)
					 : NULL;
		if (!p)
			p = cJSON_GetObjectItemCaseSensitive(a->spec->params, r->name);
		if (!p)
			return -1;
		if (cJSON_IsString(p)) {
			buf_puts(out, p->valuestring);
		} else {
			char *t = cJSON_PrintUnformatted(p);
			if (!t)
				return -1;
			buf_puts(out, t);
			free(t);
		}
		return 0;
	}
	case REF_INPUT:
		i = has_input(a->step, r->name);
		if (i < 0 || !a->v || !a->v->input_paths || !a->v->input_paths[i])
			return -1;
		buf_puts(out, a->v->input_paths[i]);
		return 0;
	case REF_OUTPUT:
		i = has_output(a->step, r->name);
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
