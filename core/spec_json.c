/* core/spec_json.c — the JSON text of a pipeline file: parsing it, syntax
 * errors with FILE:LINE:COLUMN and a hint, text cJSON would not keep as
 * written (client/records.h: a number beyond a double, a string with
 * \u0000, nesting too deep) refused the same way, and the line of each
 * step. */
#include "config.h"
#include "core/spec_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "client/records.h"
#include "util/buf.h"
#include "util/text.h"

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


/* TEXT parsed, but not as written: "FILE:LINE:COL: WHY". */
static int changed_error(const char *file, const char *text, enum records_json_problem p,
			 size_t off, size_t n, struct rl_err *err)
{
	int l, col;
	line_col(text, off, &l, &col);
	char *why = records_json_why(p, text + off, n, RECORDS_DEPTH_MAX);
	struct buf hint = BUF_INIT;
	if (p == RECORDS_JSON_HUGE || p == RECORDS_JSON_TINY || p == RECORDS_JSON_INEXACT)
		buf_printf(&hint, "; write it as a string (\"%.*s\") to keep it as text",
			   (int)(n > 40 ? 40 : n), text + off);
	rl_err_set(err, RL_E_SPEC, "%s:%d:%d: %s%s%s", file, l, col,
		   p == RECORDS_JSON_DEEP ? "JSON " : "", why ? why : "out of memory",
		   hint.data ? hint.data : "");
	buf_free(&hint);
	free(why);
	return -1;
}

int spec_json_parse(const char *file, const char *text, size_t len,
		    cJSON **out, struct rl_err *err)
{
	int rc = -1;
	const char *end = NULL;
	size_t at, n;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	enum records_json_problem p = records_json_check(text, len, RECORDS_DEPTH_MAX, &at, &n);
	size_t fail = end ? (size_t)(end - text) : len;
	if (!root && p == RECORDS_JSON_DEEP && at <= fail) {
		changed_error(file, text, p, at, n, err);
		goto cleanup;
	}
	if (!root) {
		syntax_error(file, text, len, fail, err);
		goto cleanup;
	}
	/* anything after the document? */
	while (end && *end && isspace((unsigned char)*end))
		end++;
	if (end && *end) {
		int l, col;
		line_col(text, (size_t)(end - text), &l, &col);
		rl_err_set(err, RL_E_SPEC,
			   "%s:%d:%d: JSON syntax error: text after the end of the document",
			   file, l, col);
		goto cleanup;
	}
	if (p) {
		changed_error(file, text, p, at, n, err);
		goto cleanup;
	}
	*out = root;
	root = NULL;
	rc = 0;
cleanup:
	cJSON_Delete(root);
	return rc;
}

/* T[I..] (just after a string) is ': [' with any space around: the index
 * of the '[', else 0. */
static size_t array_value_at(const char *t, size_t i, size_t len)
{
	while (i < len && isspace((unsigned char)t[i]))
		i++;
	if (i >= len || t[i] != ':')
		return 0;
	i++;
	while (i < len && isspace((unsigned char)t[i]))
		i++;
	return i < len && t[i] == '[' ? i : 0;
}

int *spec_json_step_lines(const char *t, size_t len, int nsteps)
{
	int *lines = calloc((size_t)(nsteps > 0 ? nsteps : 1), sizeof(int));
	if (!lines)
		return NULL;
	int depth = 0, in_steps = 0, k = 0, line = 1;
	size_t i = 0, counted = 0; /* line is the line of t[counted] */
	while (i < len) {
		char ch = t[i];
		if (ch == '"') {
			size_t end = skip_string(t, i, len), open;
			if (depth == 1 && !in_steps && end - i == 7 &&
			    strncmp(t + i, "\"steps\"", 7) == 0 &&
			    (open = array_value_at(t, end, len)) > 0) {
				in_steps = 1;
				depth++;
				i = open + 1;
				continue;
			}
			i = end;
			continue;
		}
		if (ch == '{' || ch == '[') {
			if (in_steps && depth == 2 && ch == '{' && k < nsteps) {
				for (; counted < i; counted++)
					line += t[counted] == '\n';
				lines[k++] = line;
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
