/* client/context.c — librunlens: reading context.json and appending
 * records for the runner.  Used by the `runlens` step commands too.
 * What it writes passes the rules the runner ingests by
 * (client/records.h): a call the runner would drop fails here instead.
 *
 * Records go to the file named by "step.records" in the context, one JSON
 * object per line, one line per call (so a reader never sees half a call),
 * each number in the shortest form that reads back as the same double:
 *   {"meta": {"key": value, …}, "output": "name" | null}
 *   {"metric": "key", "value": 0.25, "index": 3}
 *   {"state": {"key": value}}
 */
#include "config.h"
#include "client/runlens/context.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "client/records.h"
#include "util/mask.h"
#include "util/num.h"

extern char **environ;

struct rl_context {
	cJSON *doc;
	char *records;
	char *scratch; /* last string returned by lookup helpers */
};

static _Thread_local char last_error[512] = "no error";

static void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void set_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
}

const char *rl_last_error(void)
{
	return last_error;
}

rl_context *rl_context_open_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		set_error("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *p = realloc(text, cap);
			if (!p) {
				free(text);
				fclose(f);
				set_error("out of memory");
				return NULL;
			}
			text = p;
		}
		memcpy(text + len, chunk, n);
		len += n;
	}
	fclose(f);
	cJSON *doc = text ? cJSON_ParseWithLength(text, len) : NULL;
	free(text);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		set_error("%s is not a runlens context", path);
		return NULL;
	}
	rl_context *c = calloc(1, sizeof(*c));
	if (!c) {
		cJSON_Delete(doc);
		return NULL;
	}
	c->doc = doc;
	cJSON *step = cJSON_GetObjectItemCaseSensitive(doc, "step");
	cJSON *rec = cJSON_GetObjectItemCaseSensitive(step, "records");
	if (cJSON_IsString(rec))
		c->records = strdup(rec->valuestring);
	return c;
}

rl_context *rl_context_open(void)
{
	const char *path = getenv("RUNLENS_CONTEXT");
	if (!path || !*path) {
		set_error("not inside a runlens step");
		return NULL;
	}
	return rl_context_open_file(path);
}

void rl_context_close(rl_context *c)
{
	if (!c)
		return;
	cJSON_Delete(c->doc);
	free(c->records);
	free(c->scratch);
	free(c);
}

/* Walk a dotted path.  A key may itself hold dots ("train.model" under
 * baseline.outputs): at each level the longest matching key wins. */
static cJSON *lookup(rl_context *c, const char *path)
{
	if (!c || !path)
		return NULL;
	cJSON *cur = c->doc;
	const char *p = path;
	while (*p) {
		if (!cJSON_IsObject(cur))
			return NULL;
		cJSON *best = NULL;
		size_t best_len = 0;
		for (cJSON *it = cur->child; it; it = it->next) {
			size_t kl = strlen(it->string);
			if (kl > best_len && strncmp(p, it->string, kl) == 0 &&
			    (p[kl] == '\0' || p[kl] == '.')) {
				best = it;
				best_len = kl;
			}
		}
		if (!best)
			return NULL;
		cur = best;
		p += best_len;
		if (*p == '.')
			p++;
	}
	return cur;
}

const char *rl_context_string(rl_context *c, const char *path)
{
	cJSON *v = lookup(c, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int rl_context_number(rl_context *c, const char *path, double *out)
{
	cJSON *v = lookup(c, path);
	if (!cJSON_IsNumber(v)) {
		set_error("%s is not a number in the context", path ? path : "?");
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

char *rl_context_json(rl_context *c, const char *path)
{
	cJSON *v = (path && *path) ? lookup(c, path) : (c ? c->doc : NULL);
	if (!v) {
		set_error("no field '%s' in the context", path ? path : "");
		return NULL;
	}
	return json_print(v, 1);
}

static const char *sub_path(rl_context *c, const char *a, const char *name,
			    const char *b)
{
	if (!c || !name)
		return NULL;
	size_t n = strlen(a) + strlen(name) + strlen(b) + 1;
	char *p = malloc(n);
	if (!p)
		return NULL;
	snprintf(p, n, "%s%s%s", a, name, b);
	const char *v = rl_context_string(c, p);
	free(p);
	return v;
}

const char *rl_input_path(rl_context *c, const char *name)
{
	return sub_path(c, "step.inputs.", name, ".path");
}

const char *rl_output_path(rl_context *c, const char *name)
{
	return sub_path(c, "step.outputs.", name, ".path");
}

const char *rl_baseline_path(rl_context *c, const char *step_output)
{
	return sub_path(c, "baseline.outputs.", step_output, "");
}

/* The step's secret values: the runner hands each to the step as
 * RUNLENS_SECRET_<NAME>_<KEY>.  Masked here as the runner masks them, so
 * the records file never holds one, not even while the step runs or
 * after the runner was killed.  The number of values, -1 when memory ran
 * out. */
static int secret_values(char ***out)
{
	int n = 0;
	*out = NULL;
	for (char **e = environ; e && *e; e++)
		n += strncmp(*e, "RUNLENS_SECRET_", 15) == 0 && strchr(*e, '=');
	if (!n)
		return 0;
	char **v = calloc((size_t)n, sizeof *v);
	if (!v)
		return -1;
	int k = 0;
	for (char **e = environ; e && *e && k < n; e++)
		if (strncmp(*e, "RUNLENS_SECRET_", 15) == 0 && strchr(*e, '='))
			v[k++] = strchr(*e, '=') + 1;
	*out = v;
	return k;
}

/* Fail with WHY (malloc'd, freed here; NULL: out of memory): -1. */
static int refuse(char *why)
{
	set_error("%s", why ? why : "out of memory");
	free(why);
	return -1;
}

/* Append one line (with its newline) in one write. */
static int append_line(rl_context *c, cJSON *rec)
{
	int rc = -1;
	char *line = NULL;
	if (!c || !c->records) {
		set_error("this context has no records file (is it from a step?)");
		goto cleanup;
	}
	char **secrets;
	int nsecrets = secret_values(&secrets);
	if (nsecrets < 0) {
		set_error("out of memory");
		goto cleanup;
	}
	mask_json_record(secrets, nsecrets, rec);
	free(secrets);
	line = json_print(rec, 0); /* numbers exactly: 0.8065028599349271 */
	if (!line) {
		set_error("out of memory");
		goto cleanup;
	}
	size_t len = strlen(line);
	/* the record as a whole (its nesting) as the runner will read it */
	enum records_json_problem p = records_json_check(line, len, RECORDS_DEPTH_MAX, NULL, NULL);
	if (p) {
		refuse(records_json_why(p, NULL, 0, RECORDS_DEPTH_MAX));
		goto cleanup;
	}
	/* the line, and a newline before it for a file that ends inside a
	 * line (a step's own partial write): else the two made one line the
	 * runner could not read, and this record was lost.  An empty line
	 * that a race may add is skipped by the runner. */
	char *out = malloc(len + 2);
	if (!out) {
		set_error("out of memory");
		goto cleanup;
	}
	out[0] = '\n';
	memcpy(out + 1, line, len);
	out[len + 1] = '\n';
	int fd = open(c->records, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_error("cannot write %s: %s", c->records, strerror(errno));
		free(out);
		goto cleanup;
	}
	struct stat sb;
	char last = '\n';
	if (fstat(fd, &sb) == 0 && sb.st_size > 0 && pread(fd, &last, 1, sb.st_size - 1) != 1)
		last = '\n';
	size_t skip = last == '\n';
	ssize_t w = write(fd, out + skip, len + 2 - skip);
	int e = errno;
	close(fd);
	free(out);
	if (w != (ssize_t)(len + 2 - skip)) {
		set_error("cannot write %s: %s", c->records,
			  w < 0 ? strerror(e) : "short write");
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(line);
	cJSON_Delete(rec);
	return rc;
}

/* VALUE_JSON as the runner will keep it: all of the text is one JSON
 * value that cJSON keeps as written (client/records.h), nested at most
 * DEPTH levels; NULL with the reason set. */
static cJSON *parse_value(const char *value_json, int depth)
{
	char *why = value_json ? records_value_why(value_json, depth, NULL) : NULL;
	if (why) {
		set_error("%s: %s", value_json, why);
		free(why);
		return NULL;
	}
	cJSON *v = value_json ? cJSON_ParseWithOpts(value_json, NULL, 1) : NULL;
	if (!v)
		set_error("not valid JSON: %s", value_json ? value_json : "(null)");
	return v;
}

static int declared_output(rl_context *c, const char *output)
{
	cJSON *outs = lookup(c, "step.outputs");
	return outs && cJSON_GetObjectItemCaseSensitive(outs, output) != NULL;
}

/* {"meta": OBJ, "output": OUTPUT|null} (OBJ taken), checked and appended. */
static int append_meta(rl_context *c, const char *output, cJSON *obj)
{
	char *why = NULL;
	if (records_object_check(obj, "metadata", &why) < 0) {
		cJSON_Delete(obj);
		return refuse(why);
	}
	cJSON *rec = cJSON_CreateObject();
	cJSON_AddItemToObject(rec, "meta", obj);
	if (output)
		cJSON_AddStringToObject(rec, "output", output);
	else
		cJSON_AddNullToObject(rec, "output");
	return append_line(c, rec);
}

int rl_log_metadata(rl_context *c, const char *output, const char *key,
		    const char *value_json)
{
	if (output && !declared_output(c, output)) {
		set_error("'%s' is not a declared output of this step", output);
		return -1;
	}
	cJSON *v = parse_value(value_json, RECORDS_VALUE_DEPTH_MAX);
	if (!v)
		return -1;
	cJSON *m = cJSON_CreateObject();
	cJSON_AddItemToObject(m, key ? key : "", v);
	return append_meta(c, output, m);
}

int rl_log_metadata_object(rl_context *c, const char *output,
			   const char *object_json)
{
	if (output && !declared_output(c, output)) {
		set_error("'%s' is not a declared output of this step", output);
		return -1;
	}
	cJSON *obj = parse_value(object_json, RECORDS_VALUE_DEPTH_MAX + 1);
	return obj ? append_meta(c, output, obj) : -1;
}

int rl_log_metric(rl_context *c, const char *key, double value, long long index)
{
	char *why = NULL;
	if (records_metric_check(key, value, index != RL_NO_INDEX, (double)index, &why) < 0)
		return refuse(why);
	cJSON *rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "metric", key);
	cJSON_AddNumberToObject(rec, "value", value);
	if (index != RL_NO_INDEX)
		cJSON_AddNumberToObject(rec, "index", (double)index);
	return append_line(c, rec);
}

char *rl_state_get(rl_context *c, const char *key)
{
	cJSON *state = lookup(c, "run.state");
	cJSON *v = cJSON_IsObject(state) && key
			   ? cJSON_GetObjectItemCaseSensitive(state, key)
			   : NULL;
	if (!v) {
		set_error("no state '%s'", key ? key : "");
		return NULL;
	}
	return json_print(v, 0);
}

int rl_state_set(rl_context *c, const char *key, const char *value_json)
{
	cJSON *v = parse_value(value_json, RECORDS_VALUE_DEPTH_MAX);
	if (!v)
		return -1;
	char *why = NULL;
	cJSON *s = cJSON_CreateObject();
	cJSON_AddItemToObject(s, key ? key : "", v);
	if (records_object_check(s, "state", &why) < 0) {
		cJSON_Delete(s);
		return refuse(why);
	}
	cJSON *rec = cJSON_CreateObject();
	cJSON_AddItemToObject(rec, "state", s);
	return append_line(c, rec);
}
