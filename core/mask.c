/* core/mask.c — masking secret values in text and JSON (core/mask.h). */
#include "config.h"
#include "core/mask.h"

#include <stdlib.h>
#include <string.h>

#include "client/records.h"

struct masker {
	char **values;
	size_t *lens;
	int n;
	size_t longest;
	struct buf held;
};

struct masker *masker_new(char *const *values, int n)
{
	struct masker *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->values = calloc((size_t)n + 1, sizeof(char *));
	m->lens = calloc((size_t)n + 1, sizeof(size_t));
	if (!m->values || !m->lens) {
		masker_free(&m);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		if (!values[i] || !*values[i])
			continue;
		m->values[m->n] = strdup(values[i]);
		m->lens[m->n] = strlen(values[i]);
		if (m->lens[m->n] > m->longest)
			m->longest = m->lens[m->n];
		m->n++;
	}
	return m;
}

/* Mask m->held; emit all of it when FINAL, else keep back a tail that
 * could be the start of a value. */
static void drain(struct masker *m, struct buf *out, int final)
{
	const char *d = m->held.data;
	size_t len = m->held.len, i = 0, start = 0;
	while (i < len) {
		size_t hit = 0, maybe = 0;
		for (int k = 0; k < m->n; k++) {
			size_t l = m->lens[k];
			if (i + l <= len) {
				if (memcmp(d + i, m->values[k], l) == 0 && l > hit)
					hit = l;
			} else if (!final &&
				   memcmp(d + i, m->values[k], len - i) == 0) {
				maybe = 1; /* a value may continue in the next feed */
			}
		}
		/* a longer value may still match here ("pass" now, "word" in
		 * the next write of "password"): wait for it, so the result
		 * never depends on how the stream was split */
		if (maybe)
			break;
		if (hit) {
			buf_append(out, d + start, i - start);
			buf_puts(out, SECRET_MASK);
			i += hit;
			start = i;
			continue;
		}
		i++;
	}
	buf_append(out, d + start, i - start);
	/* keep d[i..len) */
	memmove(m->held.data, d + i, len - i);
	m->held.len = len - i;
	if (m->held.data)
		m->held.data[m->held.len] = '\0';
}

void masker_feed(struct masker *m, const char *data, size_t len,
		 struct buf *out)
{
	if (!m || m->n == 0) {
		buf_append(out, data, len);
		return;
	}
	buf_append(&m->held, data, len);
	drain(m, out, 0);
}

void masker_flush(struct masker *m, struct buf *out)
{
	if (m && m->held.len)
		drain(m, out, 1);
}

void masker_free(struct masker **pm)
{
	if (!pm || !*pm)
		return;
	struct masker *m = *pm;
	for (int i = 0; m->values && i < m->n; i++)
		free(m->values[i]);
	free(m->values);
	free(m->lens);
	buf_free(&m->held);
	free(m);
	*pm = NULL;
}

char *mask_string(char *const *values, int n, const char *s)
{
	struct masker *m = masker_new(values, n);
	struct buf out = BUF_INIT;
	masker_feed(m, s, strlen(s), &out);
	masker_flush(m, &out);
	masker_free(&m);
	return buf_steal(&out);
}

void mask_json(char *const *values, int n, cJSON *v)
{
	if (!v || n == 0)
		return;
	if (cJSON_IsString(v)) {
		char *masked = mask_string(values, n, v->valuestring);
		if (masked && strcmp(masked, v->valuestring) != 0)
			cJSON_SetValuestring(v, masked);
		free(masked);
	}
	for (cJSON *c = v->child; c; c = c->next) {
		/* keys too: {"meta": {"<value>": 1}} */
		if (c->string && !(c->type & cJSON_StringIsConst)) {
			char *masked = mask_string(values, n, c->string);
			if (masked && strcmp(masked, c->string) != 0) {
				cJSON_free(c->string);
				c->string = masked;
				masked = NULL;
			}
			free(masked);
		}
		mask_json(values, n, c);
	}
}

void mask_json_lines(char *const *values, int n, const char *text, size_t len,
		     struct buf *out)
{
	size_t start = 0;
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		cJSON *doc = cJSON_ParseWithLength(text + start, end - start);
		char *line = NULL;
		if (doc) {
			mask_json(values, n, doc);
			line = records_print(doc, 0);
			cJSON_Delete(doc);
		}
		if (!line) {
			char *raw = strndup(text + start, end - start);
			line = raw ? mask_string(values, n, raw) : NULL;
			free(raw);
		} else {
			/* a value the JSON printer escapes differently */
			char *again = mask_string(values, n, line);
			free(line);
			line = again;
		}
		if (line)
			buf_puts(out, line);
		free(line);
		if (nl)
			buf_putc(out, '\n');
		start = end + 1;
	}
}
