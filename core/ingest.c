/* core/ingest.c — reading and checking the records steps append, and
 * storing them.  A line is checked by the rules librunlens writes by
 * (client/records.h), so what a step command accepted is never dropped
 * here. */
#include "config.h"
#include "core/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/records.h"
#include "util/mask.h"
#include "util/num.h"
#include "util/timeutil.h"

/* Metric values stored together at most, and metadata keys kept by a
 * poll before it stores them. */
#define INGEST_BATCH 4096
#define INGEST_META_KEYS 64

static char *reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *reason(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[1];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(tmp, 0, fmt, ap2);
	va_end(ap2);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static int declared(const struct spec_step *st, const char *output)
{
	for (int i = 0; st && i < st->noutputs; i++)
		if (strcmp(st->outputs[i].name, output) == 0)
			return 1;
	return 0;
}

/* Keep a metric value for flush_pending (the key copied into the
 * batch's key buffer; flush_pending points at it). */
static int defer_metric(struct ingest *ing, const struct store_point_new *p,
			struct rl_err *err)
{
	if (ing->npending == ing->cappending) {
		int cap = ing->cappending ? 2 * ing->cappending : 256;
		struct store_point_new *n = realloc(ing->pending, (size_t)cap * sizeof(*n));
		size_t *at = n ? realloc(ing->pending_key_at, (size_t)cap * sizeof(*at)) : NULL;
		if (n)
			ing->pending = n;
		if (!at)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		ing->pending_key_at = at;
		ing->cappending = cap;
	}
	size_t at = ing->pending_keys.len;
	if (buf_append(&ing->pending_keys, p->key, strlen(p->key) + 1) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	ing->pending_key_at[ing->npending] = at;
	ing->pending[ing->npending++] = *p;
	return 0;
}

/* A metadata key's last value in a poll, kept for flush_pending. */
struct ingest_meta_new {
	char *output; /* NULL: the step run's own */
	char *key;
	char *value_json;
};

static int same_output(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static int flush_pending(struct store *s, struct ingest *ing, struct rl_err *err);

/* Keep VALUE_JSON (taken) as KEY's value: a key written again in the
 * same poll keeps its last value, as writing them one by one would
 * leave it.  A poll with more keys than INGEST_META_KEYS stores what it
 * has first. */
static int defer_meta(struct store *s, struct ingest *ing, const char *output,
		      const char *key, char *value_json, struct rl_err *err)
{
	for (int i = 0; i < ing->nmeta; i++) {
		struct ingest_meta_new *m = &ing->pending_meta[i];
		if (!strcmp(m->key, key) && same_output(m->output, output)) {
			free(m->value_json);
			m->value_json = value_json;
			return 0;
		}
	}
	if (ing->nmeta == INGEST_META_KEYS && flush_pending(s, ing, err) < 0)
		return free(value_json), -1;
	if (!ing->pending_meta &&
	    !(ing->pending_meta = calloc(INGEST_META_KEYS, sizeof *ing->pending_meta)))
		return free(value_json), rl_err_set(err, RL_E_NOMEM, NULL);
	struct ingest_meta_new *m = &ing->pending_meta[ing->nmeta];
	m->output = output ? strdup(output) : NULL;
	m->key = strdup(key);
	m->value_json = value_json;
	if (!m->key || (output && !m->output)) {
		free(m->output);
		free(m->key);
		free(value_json);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	ing->nmeta++;
	return 0;
}

static void drop_pending(struct ingest *ing)
{
	ing->npending = 0;
	buf_reset(&ing->pending_keys);
	for (int i = 0; i < ing->nmeta; i++) {
		free(ing->pending_meta[i].output);
		free(ing->pending_meta[i].key);
		free(ing->pending_meta[i].value_json);
	}
	ing->nmeta = 0;
}

/* Store the deferred values in one go: each metadata key's last value,
 * then the metric values. */
static int flush_pending(struct store *s, struct ingest *ing, struct rl_err *err)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < ing->nmeta; i++) {
		const struct ingest_meta_new *m = &ing->pending_meta[i];
		rc = store_metadata_set(s, ing->step_run_id, m->output, m->key, m->value_json, err);
	}
	for (int i = 0; i < ing->npending; i++)
		ing->pending[i].key = ing->pending_keys.data + ing->pending_key_at[i];
	if (rc == 0)
		rc = store_metrics_add(s, ing->step_run_id, ing->pending, ing->npending, err);
	drop_pending(ing);
	return rc;
}

/* {"meta": {...}, "output": NAME|null}: 1 stored, 0 with *why, -1. */
static int ingest_meta(struct store *s, struct ingest *ing, const cJSON *doc,
		       const cJSON *meta, char **why, struct rl_err *err)
{
	cJSON *out = cJSON_GetObjectItemCaseSensitive(doc, "output");
	const char *output = cJSON_IsString(out) ? out->valuestring : NULL;
	if (records_object_check(meta, "metadata", why) < 0)
		return 0;
	if (out && !cJSON_IsNull(out) && !output)
		return *why = reason("\"output\" must be a string or null"), 0;
	if (output && !declared(ing->step, output))
		return *why = reason("'%s' is not a declared output", output), 0;
	for (const cJSON *kv = meta->child; kv; kv = kv->next) {
		char *v = json_print(kv, 0); /* exact: 0.30000000000000004, 2^53 */
		int r;
		if (!v)
			r = rl_err_set(err, RL_E_NOMEM, NULL);
		else if (ing->batching)
			r = defer_meta(s, ing, output, kv->string, v, err); /* takes V */
		else {
			r = store_metadata_set(s, ing->step_run_id, output, kv->string, v, err);
			free(v);
		}
		if (r < 0)
			return -1;
	}
	return 1;
}

/* {"metric": KEY, "value": N, "index": I}: 1 stored, 0 with *why, -1. */
static int ingest_metric(struct store *s, struct ingest *ing, const cJSON *doc,
			 const cJSON *metric, char **why, struct rl_err *err)
{
	cJSON *value = cJSON_GetObjectItemCaseSensitive(doc, "value");
	cJSON *index = cJSON_GetObjectItemCaseSensitive(doc, "index");
	if (!cJSON_IsString(metric))
		return *why = reason("\"metric\" must be a non-empty key"), 0;
	if (!cJSON_IsNumber(value))
		return *why = reason("metric '%s': the value is not a number",
				     metric->valuestring),
		       0;
	if (index && !cJSON_IsNumber(index))
		return *why = reason("metric '%s': the index is not an integer",
				     metric->valuestring),
		       0;
	if (records_metric_check(metric->valuestring, value->valuedouble, index != NULL,
				 index ? index->valuedouble : 0, why) < 0)
		return 0;
	struct store_point_new p = {
		.key = metric->valuestring, .has_index = index != NULL,
		.index = index ? (int64_t)index->valuedouble : 0,
		.value = value->valuedouble,
		.at_ms = ing->batching ? ing->read_ms : time_now_ms(),
	};
	if ((ing->batching ? defer_metric(ing, &p, err)
			   : store_metric_add(s, ing->step_run_id, p.key, p.has_index, p.index,
					      p.value, p.at_ms, err)) < 0)
		return -1;
	return 1;
}

/* {"state": {...}}: kept in ing->state until the attempt succeeds. */
static int ingest_state(struct ingest *ing, const cJSON *state, char **why)
{
	if (records_object_check(state, "state", why) < 0)
		return 0;
	for (const cJSON *kv = state->child; kv; kv = kv->next) {
		cJSON_DeleteItemFromObjectCaseSensitive(ing->state, kv->string);
		cJSON_AddItemToObject(ing->state, kv->string, cJSON_Duplicate(kv, 1));
	}
	return 1;
}

/* {"environment": {...}}: strings only, kept in ing->environment. */
static int ingest_environment(struct ingest *ing, const cJSON *env, char **why)
{
	if (!cJSON_IsObject(env) || !env->child)
		return *why = reason("\"environment\" must be a non-empty object"), 0;
	if (!ing->environment)
		return 0;
	for (const cJSON *kv = env->child; kv; kv = kv->next) {
		if (!cJSON_IsString(kv))
			return *why = reason("environment '%s': expected a string", kv->string), 0;
		cJSON_DeleteItemFromObjectCaseSensitive(ing->environment, kv->string);
		cJSON_AddStringToObject(ing->environment, kv->string, kv->valuestring);
	}
	return 1;
}

int ingest_line(struct store *s, struct ingest *ing, const char *line,
		size_t len, char **why, struct rl_err *err)
{
	int rc = 0;
	cJSON *doc = cJSON_ParseWithLength(line, len);
	enum records_json_problem p = records_json_check(line, len, RECORDS_DEPTH_MAX, NULL, NULL);
	*why = NULL;
	if (p && (doc || p == RECORDS_JSON_DEEP)) {
		/* cJSON would keep it changed: refused, as the client refuses it
		 * (the number unnamed: it could be a secret's digits) */
		*why = records_json_why(p, "a value", strlen("a value"), RECORDS_DEPTH_MAX);
		goto cleanup;
	}
	if (!cJSON_IsObject(doc)) {
		*why = reason("not a JSON object");
		goto cleanup;
	}
	/* a secret value is stored nowhere: not in metadata, metric keys or
	 * run state, nor in the notes about ignored lines */
	mask_json_record(ing->secrets, ing->nsecrets, doc);
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "meta");
	const cJSON *metric = cJSON_GetObjectItemCaseSensitive(doc, "metric");
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(doc, "state");
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(doc, "environment");
	if (meta)
		rc = ingest_meta(s, ing, doc, meta, why, err);
	else if (metric)
		rc = ingest_metric(s, ing, doc, metric, why, err);
	else if (state)
		rc = ingest_state(ing, state, why);
	else if (env)
		rc = ingest_environment(ing, env, why);
	else
		*why = reason("expected \"meta\", \"metric\" or \"state\"");
cleanup:
	cJSON_Delete(doc);
	return rc;
}

static void note_ignored(struct ingest *ing, const char *why)
{
	ing->ignored++;
	if (!ing->warn_path)
		return;
	FILE *f = fopen(ing->warn_path, "ae");
	if (!f)
		return;
	fprintf(f, "runlens: ignored line %d of %s: %s\n", ing->line, ing->path, why);
	fclose(f);
}

static int take_line(struct store *s, struct ingest *ing, const char *line,
		     size_t len, struct rl_err *err)
{
	ing->line++;
	if (len == 0)
		return 0;
	char *why = NULL;
	int r = ingest_line(s, ing, line, len, &why, err);
	if (r < 0)
		return -1;
	if (r == 0)
		note_ignored(ing, why ? why : "invalid");
	else
		ing->records++;
	free(why);
	return 0;
}

int ingest_poll(struct store *s, struct ingest *ing, int final,
		struct rl_err *err)
{
	/* a step that recorded nothing new (most polls, most steps at their
	 * end) costs one stat, not an open, a read and a close */
	struct stat sb;
	if (stat(ing->path, &sb) < 0 || (sb.st_size <= ing->offset && !(final && ing->partial.len)))
		return 0; /* nothing recorded yet */
	int fd = open(ing->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char chunk[65536];
	int rc = 0;
	/* metric values are stored together, at the end or every few thousand */
	ing->batching = 1;
	for (;;) {
		ssize_t r = pread(fd, chunk, sizeof chunk, ing->offset);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		ing->offset += r;
		/* the lines of a chunk were all read now: their metrics' time */
		ing->read_ms = time_now_ms();
		size_t start = 0;
		for (const char *nl; (nl = memchr(chunk + start, '\n', (size_t)r - start));) {
			size_t i = (size_t)(nl - chunk);
			if (ing->partial.len) {
				buf_append(&ing->partial, chunk + start, i - start);
				rc = take_line(s, ing, ing->partial.data, ing->partial.len, err);
				buf_reset(&ing->partial);
			} else {
				rc = take_line(s, ing, chunk + start, i - start, err);
			}
			if (rc == 0 && ing->npending >= INGEST_BATCH)
				rc = flush_pending(s, ing, err);
			if (rc < 0)
				goto cleanup;
			start = i + 1;
		}
		buf_append(&ing->partial, chunk + start, (size_t)r - start);
	}
	if (final && ing->partial.len) {
		rc = take_line(s, ing, ing->partial.data, ing->partial.len, err);
		buf_reset(&ing->partial);
	}
	if (rc == 0)
		rc = flush_pending(s, ing, err);
cleanup:
	ing->batching = 0;
	drop_pending(ing);
	close(fd);
	return rc;
}

void ingest_release(struct ingest *ing)
{
	buf_free(&ing->partial);
	drop_pending(ing);
	free(ing->pending);
	ing->pending = NULL;
	free(ing->pending_key_at);
	ing->pending_key_at = NULL;
	ing->cappending = 0;
	buf_free(&ing->pending_keys);
	free(ing->pending_meta);
	ing->pending_meta = NULL;
}

/* EACH(KEY, VALUE, CTX) for every finite number of V, KEY its path:
 * nested keys joined with '.', array elements by position. */
typedef int (*number_fn)(const char *key, double value, void *ctx);

static int flatten(const cJSON *v, struct buf *key, number_fn each, void *ctx)
{
	if (cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble) || !key->len)
			return 0;
		return each(key->data, v->valuedouble, ctx);
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return 0;
	int i = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		size_t mark = key->len;
		if (key->len)
			buf_putc(key, '.');
		if (cJSON_IsArray(v))
			buf_printf(key, "%d", i);
		else
			buf_puts(key, c->string);
		int rc = flatten(c, key, each, ctx);
		key->len = mark;
		key->data[mark] = '\0';
		if (rc < 0)
			return -1;
	}
	return 0;
}

struct store_numbers {
	struct store *s;
	int64_t id;
	struct rl_err *err;
};

static int store_number(const char *key, double value, void *ctx)
{
	struct store_numbers *x = ctx;
	return store_metric_add(x->s, x->id, key, 0, 0, value, time_now_ms(), x->err);
}

struct key_list {
	char **v;
	int n, cap;
};

static int list_key(const char *key, double value, void *ctx)
{
	(void)value;
	struct key_list *l = ctx;
	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 64;
		char **g = realloc(l->v, (size_t)cap * sizeof *g);
		if (!g)
			return -1;
		l->v = g;
		l->cap = cap;
	}
	return (l->v[l->n] = strdup(key)) ? (l->n++, 0) : -1;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *ingest_metrics_json_clash(const cJSON *doc)
{
	struct key_list l = { 0 };
	struct buf key = BUF_INIT;
	buf_puts(&key, "");
	char *dup = NULL;
	if (flatten(doc, &key, list_key, &l) == 0 && l.n > 1) {
		qsort(l.v, (size_t)l.n, sizeof *l.v, by_text);
		for (int i = 1; i < l.n && !dup; i++)
			if (!strcmp(l.v[i - 1], l.v[i]))
				dup = strdup(l.v[i]);
	}
	for (int i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	buf_free(&key);
	return dup;
}

int ingest_metrics_json(struct store *s, int64_t step_run_id,
			const cJSON *doc, struct rl_err *err)
{
	struct buf key = BUF_INIT;
	buf_puts(&key, "");
	struct store_numbers x = { s, step_run_id, err };
	int rc = flatten(doc, &key, store_number, &x);
	buf_free(&key);
	return rc;
}
