/* core/step_env.c — what an attempt is started with: its argv (the
 * substituted command), its environment (the runner's own, without
 * RUNLENS_*, plus the step context variables, params, secrets, PYTHONPATH
 * and the step's env) and its working folder. */
#include "config.h"
#include "core/run_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/records.h"
#include "store/store.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/fs.h"

struct strv {
	char **v;
	int n, cap;
};

void step_env_strv_free(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int strv_reserve(struct strv *e)
{
	if (e->n + 2 <= e->cap)
		return 0;
	int ncap = e->cap ? e->cap * 2 : 64;
	char **p = realloc(e->v, (size_t)ncap * sizeof(char *));
	if (!p)
		return -1;
	e->v = p;
	e->cap = ncap;
	return 0;
}

/* Append S (taken). */
static int strv_take(struct strv *e, char *s)
{
	if (!s || strv_reserve(e) < 0) {
		free(s);
		return -1;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
	return 0;
}

/* KEY=VALUE; a later value of the same key replaces the earlier one. */
static int env_set(struct strv *e, const char *key, const char *value)
{
	size_t kl = strlen(key);
	struct buf b = BUF_INIT;
	if (buf_printf(&b, "%s=%s", key, value) < 0)
		return -1;
	for (int i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], key, kl) == 0 && e->v[i][kl] == '=') {
			free(e->v[i]);
			e->v[i] = buf_steal(&b);
			return 0;
		}
	}
	return strv_take(e, buf_steal(&b));
}

static int env_set_prefixed(struct strv *e, const char *prefix, const char *name,
			    const char *value)
{
	char *key = context_env_name(prefix, name);
	int rc = key ? env_set(e, key, value) : -1;
	free(key);
	return rc;
}

static char *param_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return json_print(v, 0);
}

static int build_argv(const struct run *r, const struct rstep *s,
		      const struct spec_subst *sub, struct strv *argv, struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	if (sp->run_shell) {
		char *cmd = NULL;
		if (strv_take(argv, strdup("/bin/sh")) < 0 || strv_take(argv, strdup("-c")) < 0)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		if (spec_substitute(r->spec, sp, sp->run_shell, sub, &cmd, err) < 0)
			return -1;
		return strv_take(argv, cmd) < 0 ? rl_err_set(err, RL_E_NOMEM, NULL) : 0;
	}
	for (int i = 0; i < sp->run_argc; i++) {
		char *a = NULL;
		if (spec_substitute(r->spec, sp, sp->run_argv[i], sub, &a, err) < 0)
			return -1;
		if (strv_take(argv, a) < 0)
			return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	return 0;
}

static char *working_folder(const struct run *r, const struct rstep *s,
			    const struct spec_subst *sub, struct rl_err *err)
{
	const char *dir = r->spec->dir;
	if (!s->sp->workdir)
		return strdup(dir ? dir : ".");
	char *wd = NULL;
	if (spec_substitute(r->spec, s->sp, s->sp->workdir, sub, &wd, err) < 0)
		return NULL;
	char *cwd = dir ? fs_join(dir, wd) : strdup(wd);
	free(wd);
	return cwd;
}

/* RUNLENS_* of SPEC.md "Step context". */
static int context_vars(const struct run *r, const struct rstep *s, const char *ctx_path,
			struct strv *env)
{
	char idbuf[32], stepidbuf[32], attbuf[16];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	snprintf(stepidbuf, sizeof stepidbuf, "%lld", (long long)s->step_run_id);
	snprintf(attbuf, sizeof attbuf, "%d", s->attempt);
	const struct spec_step *sp = s->sp;
	if (env_set(env, "RUNLENS_CONTEXT", ctx_path) < 0 ||
	    env_set(env, "RUNLENS_STORE", store_dir(r->store)) < 0 ||
	    env_set(env, "RUNLENS_PIPELINE", r->spec->name) < 0 ||
	    env_set(env, "RUNLENS_RUN_ID", idbuf) < 0 ||
	    env_set(env, "RUNLENS_RUN_NAME", r->run_name) < 0 ||
	    env_set(env, "RUNLENS_STEP", sp->name) < 0 ||
	    env_set(env, "RUNLENS_STEP_RUN_ID", stepidbuf) < 0 ||
	    env_set(env, "RUNLENS_ATTEMPT", attbuf) < 0 ||
	    env_set(env, "RUNLENS_STEP_DIR", s->dir) < 0 ||
	    env_set(env, "RUNLENS_CHECKPOINT_DIR", s->ckpt_dir) < 0)
		return -1;
	for (int i = 0; i < sp->ninputs; i++)
		if (env_set_prefixed(env, "RUNLENS_INPUT_", sp->inputs[i].name,
				     s->inputs[i].path) < 0)
			return -1;
	for (int i = 0; i < sp->noutputs; i++)
		if (env_set_prefixed(env, "RUNLENS_OUTPUT_", sp->outputs[i].name,
				     s->outputs[i].write_path) < 0)
			return -1;
	for (cJSON *p = sp->params ? sp->params->child : NULL; p; p = p->next) {
		char *v = param_text(p);
		int prc = v ? env_set_prefixed(env, "RUNLENS_PARAM_", p->string, v) : -1;
		free(v);
		if (prc < 0)
			return -1;
	}
	return 0;
}

/* RUNLENS_SECRET_<NAME>_<KEY> of each declared secret. */
static int secret_vars(const struct run *r, const struct rstep *s, struct strv *env)
{
	const struct spec_step *sp = s->sp;
	for (int i = 0; i < sp->nsecrets; i++) {
		cJSON *sec = cJSON_GetObjectItemCaseSensitive(r->secrets, sp->secrets[i]);
		for (cJSON *kv = sec ? sec->child : NULL; kv; kv = kv->next) {
			if (!cJSON_IsString(kv))
				continue;
			char *a = context_env_name("RUNLENS_SECRET_", sp->secrets[i]);
			char *b = context_env_name("_", kv->string);
			struct buf key = BUF_INIT;
			buf_printf(&key, "%s%s", a ? a : "", b ? b : "");
			int prc = a && b && key.data ? env_set(env, key.data, kv->valuestring) : -1;
			buf_free(&key);
			free(a);
			free(b);
			if (prc < 0)
				return -1;
		}
	}
	return 0;
}

/* DIR first on the list variable NAME of the runner's environment. */
static int prepend(struct strv *env, const char *name, const char *dir)
{
	if (!dir)
		return 0;
	const char *old = getenv(name);
	struct buf v = BUF_INIT;
	buf_printf(&v, "%s%s%s", dir, old && *old ? ":" : "", old && *old ? old : "");
	int rc = v.data ? env_set(env, name, v.data) : -1;
	buf_free(&v);
	return rc;
}

static int build_env(const struct run *r, const struct rstep *s, const char *ctx_path,
		     const struct spec_subst *sub, struct strv *env, struct rl_err *err)
{
	for (int i = 0; i < r->nbase_env; i++)
		if (strv_take(env, strdup(r->base_env[i])) < 0)
			return rl_err_set(err, RL_E_NOMEM, NULL);
	if (context_vars(r, s, ctx_path, env) < 0 || secret_vars(r, s, env) < 0 ||
	    prepend(env, "PYTHONPATH", r->python_dir) < 0 || prepend(env, "PATH", r->bin_dir) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < s->sp->nenv; i++) {
		char *v = NULL;
		if (spec_substitute(r->spec, s->sp, s->sp->env[i].value, sub, &v, err) < 0)
			return -1;
		int prc = env_set(env, s->sp->env[i].key, v);
		free(v);
		if (prc < 0)
			return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	return 0;
}

int step_env_build(const struct run *r, const struct rstep *s, const char *ctx_path,
		   char ***argv_out, char ***env_out, char **cwd_out, struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	char **in_paths = calloc((size_t)sp->ninputs + 1, sizeof(char *));
	char **out_paths = calloc((size_t)sp->noutputs + 1, sizeof(char *));
	struct strv argv = { 0 }, env = { 0 };
	char *cwd = NULL;
	int rc = -1;
	if (!in_paths || !out_paths) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (int i = 0; i < sp->ninputs; i++)
		in_paths[i] = s->inputs[i].path;
	for (int i = 0; i < sp->noutputs; i++)
		out_paths[i] = s->outputs[i].write_path;
	struct spec_subst sub = {
		.run_id = idbuf, .run_name = r->run_name,
		.input_paths = in_paths, .output_paths = out_paths,
	};
	if (build_argv(r, s, &sub, &argv, err) < 0)
		goto cleanup;
	if (!(cwd = working_folder(r, s, &sub, err))) {
		if (!err->code)
			rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (build_env(r, s, ctx_path, &sub, &env, err) < 0)
		goto cleanup;
	*argv_out = argv.v;
	*env_out = env.v;
	*cwd_out = cwd;
	argv.v = env.v = NULL;
	cwd = NULL;
	rc = 0;
cleanup:
	step_env_strv_free(argv.v);
	step_env_strv_free(env.v);
	free(cwd);
	free(in_paths);
	free(out_paths);
	return rc;
}
