/* util/mask.c — masking secret values in text and JSON (util/mask.h). */
#include "config.h"
#include "util/mask.h"

#include <stdlib.h>
#include <string.h>

#include "util/num.h"

struct masker {
	char **values; /* what to mask: each value, and each line of it */
	size_t *lens;
	int n, cap;
	size_t longest;
	struct buf held;
	/* the values by their first byte, longest first: only those are
	 * compared at a position, so masking 300 values costs about what one
	 * does (by[c] .. by[c + 1] in order[]) */
	int by[257];
	int *order;
	int indexed;
};

size_t mask_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* Add the LEN bytes at S as a value to mask, unless they are too short or
 * already there.  0, or -1 when memory runs out. */
static int add_value(struct masker *m, const char *s, size_t len)
{
	if (mask_chars(s, len) < MASK_MIN_CHARS)
		return 0;
	for (int k = 0; k < m->n; k++)
		if (m->lens[k] == len && memcmp(m->values[k], s, len) == 0)
			return 0;
	if (m->n == m->cap) {
		int cap = m->cap ? 2 * m->cap : 8;
		char **v = realloc(m->values, (size_t)cap * sizeof *v);
		if (v)
			m->values = v;
		size_t *l = v ? realloc(m->lens, (size_t)cap * sizeof *l) : NULL;
		if (!l)
			return -1;
		m->lens = l;
		m->cap = cap;
	}
	if (!(m->values[m->n] = strndup(s, len)))
		return -1;
	m->lens[m->n++] = len;
	if (len > m->longest)
		m->longest = len;
	return 0;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* VALUE whole, and each of its lines without the blanks around it. */
static int add_secret(struct masker *m, const char *value)
{
	size_t len = strlen(value);
	if (add_value(m, value, len) < 0)
		return -1;
	for (size_t start = 0; start <= len;) {
		const char *nl = memchr(value + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - value) : len, a = start, b = end;
		while (a < b && blank(value[a]))
			a++;
		while (b > a && blank(value[b - 1]))
			b--;
		if (add_value(m, value + a, b - a) < 0)
			return -1;
		start = end + 1;
	}
	return 0;
}

struct masker *masker_new(char *const *values, int n)
{
	struct masker *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	for (int i = 0; i < n; i++) {
		if (values[i] && add_secret(m, values[i]) < 0) {
			masker_free(&m);
			break;
		}
	}
	return m;
}

static const struct masker *sort_masker;

static int longer_first(const void *a, const void *b)
{
	const struct masker *m = sort_masker;
	int x = *(const int *)a, y = *(const int *)b;
	unsigned char fx = (unsigned char)m->values[x][0], fy = (unsigned char)m->values[y][0];
	if (fx != fy)
		return fx < fy ? -1 : 1;
	return m->lens[x] > m->lens[y] ? -1 : m->lens[x] < m->lens[y] ? 1 : x - y;
}

/* Index the values by first byte (once, before the first feed). */
static int build_index(struct masker *m)
{
	if (m->indexed)
		return 0;
	m->order = calloc((size_t)m->n + 1, sizeof(int));
	if (!m->order)
		return -1;
	for (int k = 0; k < m->n; k++)
		m->order[k] = k;
	sort_masker = m;
	qsort(m->order, (size_t)m->n, sizeof(int), longer_first);
	sort_masker = NULL;
	int k = 0;
	for (int c = 0; c < 256; c++) {
		m->by[c] = k;
		while (k < m->n && (unsigned char)m->values[m->order[k]][0] == c)
			k++;
	}
	m->by[256] = m->n;
	m->indexed = 1;
	return 0;
}

/* At D[I..LEN): the length of the longest value that starts there (0:
 * none); *maybe when, not FINAL, a value could continue in the next feed
 * (so nothing may be decided here yet). */
static size_t match_at(const struct masker *m, const char *d, size_t i, size_t len, int final,
		       int *maybe)
{
	unsigned char c = (unsigned char)d[i];
	size_t hit = 0;
	*maybe = 0;
	for (int j = m->by[c]; j < m->by[c + 1]; j++) {
		int k = m->order[j];
		size_t l = m->lens[k];
		if (i + l <= len) {
			if (!hit && memcmp(d + i, m->values[k], l) == 0)
				hit = l; /* the longest, as they come longest first */
		} else if (!final && memcmp(d + i, m->values[k], len - i) == 0) {
			*maybe = 1; /* a value may continue in the next feed */
		}
	}
	return hit;
}

/* Mask m->held; emit all of it when FINAL, else keep back a tail that
 * could be the start of a value. */
static void drain(struct masker *m, struct buf *out, int final)
{
	const char *d = m->held.data;
	size_t len = m->held.len, i = 0, start = 0;
	while (i < len) {
		int maybe;
		size_t hit = match_at(m, d, i, len, final, &maybe);
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
	if (build_index(m) < 0) {
		/* no memory to index: mask everything rather than leak */
		buf_puts(out, SECRET_MASK);
		return;
	}
	buf_append(&m->held, data, len);
	drain(m, out, 0);
}

void masker_flush(struct masker *m, struct buf *out)
{
	if (m && m->held.len && build_index(m) == 0)
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
	free(m->order);
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

/* S masked as it is and as JSON writes it ("\u00e9", "\""): the masked
 * value (malloc'd), "***" whole when the masked JSON text no longer
 * reads as a string (a value across a quote); NULL when memory ran out. */
static char *mask_text(char *const *values, int n, const char *s)
{
	char *plain = mask_string(values, n, s);
	cJSON *str = plain ? cJSON_CreateString(plain) : NULL;
	char *text = str ? json_print(str, 0) : NULL;
	char *again = text ? mask_string(values, n, text) : NULL;
	cJSON_Delete(str);
	if (again && strcmp(again, text) != 0) {
		cJSON *back = cJSON_Parse(again);
		free(plain);
		plain = strdup(cJSON_IsString(back) ? back->valuestring : SECRET_MASK);
		cJSON_Delete(back);
	} else if (!again) {
		free(plain);
		plain = NULL;
	}
	free(text);
	free(again);
	return plain;
}

/* Whether the digits of the number C hold a value (a PIN). */
static int number_holds(char *const *values, int n, const cJSON *c)
{
	char *text = json_print(c, 0);
	char *again = text ? mask_string(values, n, text) : NULL;
	int holds = !again || strcmp(again, text) != 0;
	free(text);
	free(again);
	return holds;
}

/* The member C of PARENT becomes "***", under its key. */
static void replace_with_mask(cJSON *parent, cJSON *c)
{
	cJSON *repl = cJSON_CreateString(SECRET_MASK);
	if (!repl)
		return;
	repl->string = c->string;
	repl->type |= c->type & cJSON_StringIsConst;
	c->string = NULL;
	cJSON_ReplaceItemViaPointer(parent, c, repl);
}

static void mask_node(char *const *values, int n, cJSON *v);

/* The members of V: their keys unless KEEP_KEYS, their values. */
static void mask_members(char *const *values, int n, cJSON *v, int keep_keys)
{
	for (cJSON *c = v->child, *next; c; c = next) {
		next = c->next;
		/* keys too: {"meta": {"<value>": 1}} */
		if (!keep_keys && c->string && !(c->type & cJSON_StringIsConst)) {
			char *masked = mask_text(values, n, c->string);
			if (masked && strcmp(masked, c->string) != 0) {
				cJSON_free(c->string);
				c->string = masked;
				masked = NULL;
			}
			free(masked);
		}
		if (cJSON_IsNumber(c)) {
			if (number_holds(values, n, c))
				replace_with_mask(v, c);
		} else {
			mask_node(values, n, c);
		}
	}
}

/* Mask the strings of V and the keys of its members; a number among its
 * members whose digits hold a value becomes "***". */
static void mask_node(char *const *values, int n, cJSON *v)
{
	if (cJSON_IsString(v)) {
		char *masked = mask_text(values, n, v->valuestring);
		if (!masked)
			masked = strdup(SECRET_MASK);
		if (masked && strcmp(masked, v->valuestring) != 0)
			cJSON_SetValuestring(v, masked);
		free(masked);
	}
	mask_members(values, n, v, 0);
}

void mask_json(char *const *values, int n, cJSON *v)
{
	if (v && n > 0)
		mask_node(values, n, v);
}

void mask_json_record(char *const *values, int n, cJSON *doc)
{
	if (!doc || n == 0)
		return;
	/* the record's own keys ("meta", "metric", "value", …) are the
	 * protocol, not data: what is under them is masked */
	if (cJSON_IsObject(doc))
		mask_members(values, n, doc, 1);
	else
		mask_node(values, n, doc);
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
		if (doc && !cJSON_IsObject(doc) && !cJSON_IsArray(doc)) {
			cJSON_Delete(doc); /* a bare value is no record: text */
			doc = NULL;
		}
		if (doc) {
			mask_json_record(values, n, doc);
			line = json_print(doc, 0); /* its numbers as they were */
			cJSON_Delete(doc);
		}
		if (!line) {
			char *raw = strndup(text + start, end - start);
			line = raw ? mask_string(values, n, raw) : NULL;
			free(raw);
		}
		if (line)
			buf_puts(out, line);
		free(line);
		if (nl)
			buf_putc(out, '\n');
		start = end + 1;
	}
}
