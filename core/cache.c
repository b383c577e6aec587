/* core/cache.c — cache keys, reuse checks and their explanation. */
#include "config.h"
#include "core/cache.h"

#include <stdlib.h>
#include <string.h>

#include "client/records.h"
#include "core/code.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/num.h"

/* "command": the substituted shell string, or the argv as an array
 * (["a b"] and ["a", "b"] differ); "workdir". */
static int command_parts(const struct spec *s, const struct spec_step *st,
			 const struct spec_subst *sub, cJSON *p, struct rl_err *err)
{
	char *c = NULL;
	if (st->run_shell) {
		if (spec_substitute(s, st, st->run_shell, sub, &c, err) < 0)
			return -1;
		cJSON_AddStringToObject(p, "command", c);
		free(c);
	} else {
		cJSON *argv = cJSON_AddArrayToObject(p, "command");
		for (int i = 0; i < st->run_argc; i++) {
			if (spec_substitute(s, st, st->run_argv[i], sub, &c, err) < 0)
				return -1;
			cJSON_AddItemToArray(argv, cJSON_CreateString(c));
			free(c);
		}
	}
	if (!st->workdir) {
		cJSON_AddNullToObject(p, "workdir");
		return 0;
	}
	if (spec_substitute(s, st, st->workdir, sub, &c, err) < 0)
		return -1;
	cJSON_AddStringToObject(p, "workdir", c);
	free(c);
	return 0;
}

/* "env", "params", "inputs" (by hash) and "outputs" (name=path). */
static int data_parts(const struct spec *s, const struct spec_step *st,
		      const struct spec_subst *sub, char *const *input_sha, cJSON *p,
		      struct rl_err *err)
{
	cJSON *env = cJSON_AddObjectToObject(p, "env");
	for (int i = 0; i < st->nenv; i++) {
		char *v = NULL;
		if (spec_substitute(s, st, st->env[i].value, sub, &v, err) < 0)
			return -1;
		cJSON_DeleteItemFromObjectCaseSensitive(env, st->env[i].key);
		cJSON_AddStringToObject(env, st->env[i].key, v);
		free(v);
	}
	cJSON_AddItemToObject(p, "params", st->params ? cJSON_Duplicate(st->params, 1)
						      : cJSON_CreateObject());
	cJSON *ih = cJSON_AddObjectToObject(p, "inputs");
	for (int i = 0; i < st->ninputs; i++)
		cJSON_AddStringToObject(ih, st->inputs[i].name,
					input_sha && input_sha[i] ? input_sha[i] : "");
	cJSON *on = cJSON_AddArrayToObject(p, "outputs");
	for (int i = 0; i < st->noutputs; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s=%s", st->outputs[i].name, st->outputs[i].path);
		cJSON_AddItemToArray(on, cJSON_CreateString(b.data));
		buf_free(&b);
	}
	return 0;
}

/* "${KIND.NAME}": a placeholder instead of a run-specific path, so the
 * same step in another run has the same key. */
static char *placeholder(const char *kind, const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "${%s.%s}", kind, name);
	return buf_steal(&b);
}

static void names_free(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* "code": the content of the files the step runs (core/code.h). */
static int code_part(const struct spec *s, const struct spec_step *st,
		     const struct spec_subst *sub, const cJSON *p, struct hash_memo *memo,
		     struct rl_err *err)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(p, "workdir");
	char *workdir = NULL;
	if (cJSON_IsString(w))
		workdir = s->dir && w->valuestring[0] != '/' ? fs_join(s->dir, w->valuestring)
							       : strdup(w->valuestring);
	cJSON *code = NULL;
	int rc = code_hashes(s, st, workdir, sub, memo, &code, err);
	free(workdir);
	if (rc == 0)
		cJSON_AddItemToObject((cJSON *)p, "code", code);
	return rc;
}

int cache_key(const struct spec *s, const struct spec_step *st,
	      const char *run_id, const char *run_name,
	      char *const *input_sha, struct hash_memo *memo, cJSON **parts,
	      char key[HASH_HEX_LEN + 1], struct rl_err *err)
{
	int ni = st->ninputs, no = st->noutputs, rc = -1;
	char **ins = calloc((size_t)ni + 1, sizeof(char *));
	char **outs = calloc((size_t)no + 1, sizeof(char *));
	for (int i = 0; ins && i < ni; i++)
		ins[i] = placeholder("inputs", st->inputs[i].name);
	for (int i = 0; outs && i < no; i++)
		outs[i] = placeholder("outputs", st->outputs[i].name);
	cJSON *p = cJSON_CreateObject();
	char *text = NULL;
	if (!ins || !outs || !p) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	/* params stay ${params.X} in the command: their values are the
	 * "params" part, so a changed param is named as itself */
	struct spec_subst sub = { run_id, run_name, ins, outs, 1 };
	/* the code is what the command runs: its params' values in */
	struct spec_subst runs = { run_id, run_name, ins, outs, 0 };
	if (command_parts(s, st, &sub, p, err) < 0 ||
	    data_parts(s, st, &sub, input_sha, p, err) < 0 ||
	    code_part(s, st, &runs, p, memo, err) < 0)
		goto cleanup;
	if (!(text = json_print(p, 0))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	hash_bytes(text, strlen(text), key);
	*parts = p;
	p = NULL;
	rc = 0;
cleanup:
	names_free(ins, ni);
	names_free(outs, no);
	free(text);
	cJSON_Delete(p);
	return rc;
}

int cache_verify(struct store *s, int64_t id, const struct spec_step *st,
		 struct store_artifact_ref **outs, int *nouts, char **why,
		 struct rl_err *err)
{
	struct store_artifact_ref *rows = NULL;
	int n = 0;
	*why = NULL;
	if (store_outputs_of(s, id, &rows, &n, err) < 0)
		return -1;
	struct buf b = BUF_INIT;
	for (int i = 0; i < st->noutputs && !b.len; i++) {
		int k = -1;
		for (int j = 0; j < n; j++)
			if (strcmp(rows[j].name, st->outputs[i].name) == 0)
				k = j;
		if (k < 0) {
			buf_printf(&b, "step run %lld has no output '%s'", (long long)id,
				   st->outputs[i].name);
			break;
		}
		char hex[HASH_HEX_LEN + 1];
		struct rl_err herr = RL_ERR_INIT;
		if (!rows[k].path || hash_path(rows[k].path, hex, NULL, NULL, &herr) < 0)
			buf_printf(&b, "output '%s' of step run %lld is gone (%s)",
				   st->outputs[i].name, (long long)id,
				   rows[k].path ? rows[k].path : "no path");
		else if (!rows[k].sha256 || strcmp(hex, rows[k].sha256) != 0)
			buf_printf(&b, "output '%s' of step run %lld changed on disk",
				   st->outputs[i].name, (long long)id);
		rl_err_clear(&herr);
	}
	if (b.len) {
		*why = buf_steal(&b);
		store_artifact_refs_free(rows, n);
		return 0;
	}
	buf_free(&b);
	*outs = rows;
	*nouts = n;
	return 1;
}

int cache_lookup(struct store *s, int64_t pipeline_id,
		 const struct spec_step *st, const char *key, int64_t *hit,
		 struct store_artifact_ref **outs, int *nouts,
		 struct rl_err *err)
{
	int64_t ids[8];
	int n = 0;
	*hit = 0;
	if (store_cache_candidates(s, pipeline_id, st->name, key, ids, 8, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char *why = NULL;
		int v = cache_verify(s, ids[i], st, outs, nouts, &why, err);
		free(why);
		if (v < 0)
			return -1;
		if (v == 1) {
			*hit = ids[i];
			return 0;
		}
	}
	return 0;
}

static void diff_into(cJSON *out, const char *prefix, const cJSON *a,
		      const cJSON *b)
{
	if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
		for (const cJSON *x = a->child; x; x = x->next) {
			struct buf k = BUF_INIT;
			buf_printf(&k, "%s.%s", prefix, x->string);
			diff_into(out, k.data,
				  x, cJSON_GetObjectItemCaseSensitive(b, x->string));
			buf_free(&k);
		}
		for (const cJSON *y = b->child; y; y = y->next) {
			if (cJSON_GetObjectItemCaseSensitive(a, y->string))
				continue;
			struct buf k = BUF_INIT;
			buf_printf(&k, "%s.%s", prefix, y->string);
			diff_into(out, k.data, NULL, y);
			buf_free(&k);
		}
		return;
	}
	if (a && b && cJSON_Compare(a, b, 1))
		return;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "part", prefix);
	cJSON_AddItemToObject(d, "now", a ? cJSON_Duplicate(a, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(d, "before", b ? cJSON_Duplicate(b, 1) : cJSON_CreateNull());
	cJSON_AddItemToArray(out, d);
}

cJSON *cache_diff(const cJSON *now, const cJSON *before)
{
	cJSON *out = cJSON_CreateArray();
	for (const cJSON *x = now ? now->child : NULL; x; x = x->next)
		diff_into(out, x->string, x,
			  cJSON_GetObjectItemCaseSensitive(before, x->string));
	for (const cJSON *y = before ? before->child : NULL; y; y = y->next)
		if (!cJSON_GetObjectItemCaseSensitive(now, y->string))
			diff_into(out, y->string, NULL, y);
	return out;
}

/* The order in which differing parts are named: what a person changed
 * first (code, params, input files), what follows from it last. */
static int part_rank(const char *part)
{
	static const char *const order[] = { "code", "params", "inputs", "env", "workdir",
					     "command", "outputs" };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		size_t n = strlen(order[i]);
		if (!strncmp(part, order[i], n) && (part[n] == '.' || !part[n]))
			return (int)i;
	}
	return (int)(sizeof order / sizeof order[0]);
}

static int by_rank(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	const char *px = cJSON_GetObjectItem(x, "part")->valuestring;
	const char *py = cJSON_GetObjectItem(y, "part")->valuestring;
	int d = part_rank(px) - part_rank(py);
	return d ? d : strcmp(px, py);
}

cJSON *cache_diff_ranked(const cJSON *now, const cJSON *before)
{
	cJSON *d = cache_diff(now, before);
	int n = cJSON_GetArraySize(d);
	cJSON **v = n ? calloc((size_t)n, sizeof(*v)) : NULL;
	if (!v)
		return d;
	int k = 0;
	while (d->child)
		v[k++] = cJSON_DetachItemViaPointer(d, d->child);
	qsort(v, (size_t)n, sizeof(*v), by_rank);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(d, v[i]);
	free(v);
	return d;
}

char *cache_part_label(const char *part)
{
	struct buf b = BUF_INIT;
	if (!strncmp(part, "code.", 5))
		buf_printf(&b, "code: %s changed", part + 5);
	else
		buf_puts(&b, part);
	return buf_steal(&b);
}

int cache_closest(struct store *s, int64_t pipeline_id, const char *step, int64_t before_id,
		  const cJSON *now, int64_t *id, cJSON **before, cJSON **diff, struct rl_err *err)
{
	struct store_key_parts *rows = NULL;
	int n = 0, best = -1, best_n = 0;
	*id = 0;
	*before = *diff = NULL;
	if (store_cache_recent(s, pipeline_id, step, before_id, CACHE_CLOSEST_SCAN, &rows, &n,
			       err) < 0)
		return -1;
	cJSON *best_before = NULL, *best_diff = NULL;
	for (int i = 0; i < n; i++) {
		cJSON *b = cJSON_Parse(rows[i].parts_json);
		cJSON *d = b ? cache_diff_ranked(now, b) : NULL;
		int nd = d ? cJSON_GetArraySize(d) : 0;
		if (d && (best < 0 || nd < best_n)) { /* ties: the newest, met first */
			cJSON_Delete(best_before);
			cJSON_Delete(best_diff);
			best_before = b;
			best_diff = d;
			best = i;
			best_n = nd;
			continue;
		}
		cJSON_Delete(b);
		cJSON_Delete(d);
	}
	if (best >= 0) {
		*id = rows[best].id;
		*before = best_before;
		*diff = best_diff;
	}
	store_key_parts_free(rows, n);
	return 0;
}
