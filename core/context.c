/* core/context.c — building context.json for a step attempt. */
#include "config.h"
#include "core/context.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/exec/launch.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

char *context_env_name(const char *prefix, const char *name)
{
	size_t lp = strlen(prefix), ln = strlen(name);
	char *s = malloc(lp + ln + 1);
	if (!s)
		return NULL;
	memcpy(s, prefix, lp);
	for (size_t i = 0; i < ln; i++)
		s[lp + i] = spec_env_char(name[i]);
	s[lp + ln] = '\0';
	return s;
}

void context_merge(cJSON *dst, const cJSON *src)
{
	if (!dst || !src || !cJSON_IsObject(dst) || !cJSON_IsObject(src))
		return;
	for (const cJSON *it = src->child; it; it = it->next) {
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(dst, it->string);
		if (cur && cJSON_IsObject(cur) && cJSON_IsObject(it)) {
			context_merge(cur, it);
			continue;
		}
		cJSON *copy = cJSON_Duplicate(it, 1);
		if (!copy)
			continue;
		if (cur)
			cJSON_ReplaceItemInObjectCaseSensitive(dst, it->string, copy);
		else
			cJSON_AddItemToObject(dst, it->string, copy);
	}
}

static cJSON *id_or_null(int64_t id)
{
	return id ? cJSON_CreateNumber((double)id) : cJSON_CreateNull();
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* The first output line of `git -C DIR ARGS…`, or NULL. */
static char *git_line(const char *dir, const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { "git", "-C", (char *)dir, (char *)a1, (char *)a2, (char *)a3, NULL };
	char *line = launch_first_line(argv);
	if (line && !*line && strcmp(a1, "status") != 0) {
		free(line);
		return NULL;
	}
	return line;
}

cJSON *context_environment(const char *dir)
{
	cJSON *env = cJSON_CreateObject();
	if (!env)
		return NULL;
	char host[256] = "localhost";
	if (gethostname(host, sizeof host) == 0)
		host[sizeof host - 1] = '\0';
	cJSON_AddStringToObject(env, "hostname", host);
	struct utsname u;
	if (uname(&u) == 0) {
		struct buf os = BUF_INIT;
		buf_printf(&os, "%s %s %s", u.sysname, u.release, u.machine);
		cJSON_AddStringToObject(env, "os", os.data);
		buf_free(&os);
	} else {
		cJSON_AddNullToObject(env, "os");
	}
	const char *user = getenv("USER");
	struct passwd *pw = user ? NULL : getpwuid(getuid());
	cJSON_AddItemToObject(env, "user",
			      str_or_null(user ? user : pw ? pw->pw_name : NULL));
	cJSON_AddStringToObject(env, "runlens_version", PACKAGE_VERSION);
	char *commit = dir ? git_line(dir, "rev-parse", "HEAD", NULL) : NULL;
	if (commit && *commit) {
		cJSON *git = cJSON_AddObjectToObject(env, "git");
		cJSON_AddStringToObject(git, "commit", commit);
		char *dirty = git_line(dir, "status", "--porcelain", "--untracked-files=no");
		cJSON_AddBoolToObject(git, "dirty", dirty && *dirty);
		free(dirty);
	} else {
		cJSON_AddNullToObject(env, "git");
	}
	free(commit);
	return env;
}

static cJSON *build_step(const struct context_args *a)
{
	const struct spec_step *st = a->step;
	cJSON *step = cJSON_CreateObject();
	cJSON_AddStringToObject(step, "name", st->name);
	cJSON_AddNumberToObject(step, "run_id", (double)a->step_run_id);
	cJSON_AddNumberToObject(step, "attempt", a->attempt);
	cJSON_AddNumberToObject(step, "max_attempts", a->max_attempts);
	cJSON *cfg = cJSON_AddObjectToObject(step, "config");
	cJSON_AddBoolToObject(cfg, "cache", st->cache && !a->no_cache);
	cJSON_AddNumberToObject(cfg, "retries", st->retries);
	cJSON_AddNumberToObject(cfg, "timeout", st->timeout);
	cJSON_AddItemToObject(cfg, "resources",
			      st->resources ? cJSON_Duplicate(st->resources, 1)
					    : cJSON_CreateObject());
	cJSON_AddItemToObject(step, "params",
			      st->params ? cJSON_Duplicate(st->params, 1)
					 : cJSON_CreateObject());
	cJSON *ins = cJSON_AddObjectToObject(step, "inputs");
	for (int i = 0; i < st->ninputs; i++) {
		const struct context_input *ci = &a->inputs[i];
		cJSON *in = cJSON_AddObjectToObject(ins, st->inputs[i].name);
		cJSON_AddItemToObject(in, "artifact_id", id_or_null(ci->artifact_id));
		cJSON_AddItemToObject(in, "path", str_or_null(ci->path));
		cJSON_AddItemToObject(in, "type", str_or_null(ci->type));
		cJSON_AddNumberToObject(in, "size", (double)ci->size);
		cJSON_AddItemToObject(in, "sha256", str_or_null(ci->sha256));
		if (ci->producer_run_id) {
			cJSON *p = cJSON_AddObjectToObject(in, "producer");
			cJSON_AddNumberToObject(p, "run_id",
						(double)ci->producer_run_id);
			cJSON_AddStringToObject(p, "step", ci->producer_step);
			cJSON_AddStringToObject(p, "output", ci->producer_output);
		} else {
			cJSON_AddNullToObject(in, "producer");
		}
		cJSON_AddItemToObject(in, "metadata", ci->metadata
							      ? cJSON_Duplicate(ci->metadata, 1)
							      : cJSON_CreateObject());
	}
	cJSON *outs = cJSON_AddObjectToObject(step, "outputs");
	for (int i = 0; i < st->noutputs; i++) {
		cJSON *o = cJSON_AddObjectToObject(outs, st->outputs[i].name);
		cJSON_AddStringToObject(o, "path", a->output_paths[i]);
	}
	/* names only: values never enter the context */
	cJSON *sec = cJSON_AddArrayToObject(step, "secrets");
	for (int i = 0; i < st->nsecrets; i++)
		cJSON_AddItemToArray(sec, cJSON_CreateString(st->secrets[i]));
	cJSON_AddItemToObject(step, "dir", str_or_null(a->step_dir));
	cJSON_AddItemToObject(step, "records", str_or_null(a->records_path));
	return step;
}

/* "stack": its name, artifact store, orchestrator, and each registered
 * component ({"name": …}; the usual kinds are null when not registered). */
static cJSON *stack_object(const struct context_args *a)
{
	cJSON *stack = cJSON_CreateObject();
	cJSON_AddStringToObject(stack, "name", a->stack_name ? a->stack_name : "default");
	cJSON *as = cJSON_AddObjectToObject(stack, "artifact_store");
	cJSON_AddStringToObject(as, "name", "local");
	cJSON_AddItemToObject(as, "path", str_or_null(a->artifact_store));
	cJSON *orch = cJSON_AddObjectToObject(stack, "orchestrator");
	const char *flavor = a->orchestrator ? a->orchestrator : "local";
	cJSON_AddStringToObject(orch, "name", flavor);
	cJSON_AddStringToObject(orch, "flavor", flavor);
	static const char *const kinds[] = { "experiment_tracker", "model_deployer" };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		cJSON_AddNullToObject(stack, kinds[i]);
	for (const cJSON *k = a->components ? a->components->child : NULL; k; k = k->next) {
		if (!k->string || !strcmp(k->string, "name") || !strcmp(k->string, "artifact_store") ||
		    !strcmp(k->string, "orchestrator"))
			continue;
		cJSON *comp = cJSON_CreateObject();
		cJSON_AddItemToObject(comp, "name", cJSON_IsString(k) ? cJSON_CreateString(k->valuestring)
								      : cJSON_Duplicate(k, 1));
		cJSON_DeleteItemFromObjectCaseSensitive(stack, k->string);
		cJSON_AddItemToObject(stack, k->string, comp);
	}
	return stack;
}

static cJSON *model_object(const struct context_args *a)
{
	if (!a->model_name)
		return cJSON_CreateNull();
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "name", a->model_name);
	cJSON_AddItemToObject(m, "version", str_or_null(a->model_version));
	return m;
}

/* "custom": the pipeline's context, deep-merged with the step's (STEP may
 * be NULL). */
static cJSON *custom_object(const struct spec *s, const struct spec_step *st)
{
	cJSON *custom = cJSON_CreateObject();
	if (s && s->context)
		context_merge(custom, s->context);
	if (st && st->context)
		context_merge(custom, st->context);
	return custom;
}

cJSON *context_run_record(const struct context_args *a)
{
	cJSON *c = cJSON_CreateObject();
	if (!c)
		return NULL;
	cJSON_AddItemToObject(c, "custom", custom_object(a->spec, NULL));
	cJSON_AddItemToObject(c, "model", model_object(a));
	cJSON_AddItemToObject(c, "environment", a->environment ? cJSON_Duplicate(a->environment, 1)
							       : cJSON_CreateObject());
	cJSON_AddItemToObject(c, "stack", stack_object(a));
	return c;
}

cJSON *context_step_record(const struct spec *s, const struct spec_step *st)
{
	if (!st->context)
		return NULL;
	cJSON *c = cJSON_CreateObject();
	if (c)
		cJSON_AddItemToObject(c, "custom", custom_object(s, st));
	return c;
}

static cJSON *pipeline_object(const struct context_args *a)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "id", (double)a->pipeline_id);
	cJSON_AddStringToObject(p, "name", a->pipeline);
	return p;
}

static cJSON *baseline_object(const struct context_args *a)
{
	if (!a->baseline_run_id)
		return cJSON_CreateNull();
	cJSON *b = cJSON_CreateObject();
	cJSON_AddNumberToObject(b, "run_id", (double)a->baseline_run_id);
	cJSON_AddItemToObject(b, "run_name", str_or_null(a->baseline_run_name));
	cJSON_AddItemToObject(b, "outputs",
			      a->baseline_outputs ? cJSON_Duplicate(a->baseline_outputs, 1)
						  : cJSON_CreateObject());
	return b;
}

static cJSON *environment_object(const struct context_args *a)
{
	return a->environment ? cJSON_Duplicate(a->environment, 1) : cJSON_CreateObject();
}

/* A run-wide member: its printed text when A has it, else built. */
static cJSON *shared_part(const struct context_args *a, const char *text,
			  cJSON *(*make)(const struct context_args *))
{
	return a->shared && text ? cJSON_CreateRaw(text) : make(a);
}

/* json_print(V, 1) as it prints at depth 1 of a document: every line
 * after the first one tab further in (a string's newlines are escaped,
 * so each raw newline is the printer's). */
static char *print_at_depth1(cJSON *v)
{
	char *t = json_print(v, 1);
	cJSON_Delete(v);
	if (!t)
		return NULL;
	size_t n = 0, lines = 0;
	for (; t[n]; n++)
		lines += t[n] == '\n';
	char *out = malloc(n + lines + 1), *o = out;
	for (size_t i = 0; out && i < n; i++) {
		*o++ = t[i];
		if (t[i] == '\n')
			*o++ = '\t';
	}
	if (out)
		*o = '\0';
	free(t);
	return out;
}

int context_shared_print(const struct context_args *a, struct context_shared *out)
{
	memset(out, 0, sizeof *out);
	out->pipeline = print_at_depth1(pipeline_object(a));
	out->stack = print_at_depth1(stack_object(a));
	out->model = print_at_depth1(model_object(a));
	out->baseline = print_at_depth1(baseline_object(a));
	out->environment = print_at_depth1(environment_object(a));
	if (out->pipeline && out->stack && out->model && out->baseline && out->environment)
		return 0;
	context_shared_clear(out);
	return -1;
}

void context_shared_clear(struct context_shared *s)
{
	if (!s)
		return;
	free(s->pipeline);
	free(s->stack);
	free(s->model);
	free(s->baseline);
	free(s->environment);
	memset(s, 0, sizeof *s);
}

cJSON *context_build(const struct context_args *a)
{
	const struct context_shared *sh = a->shared;
	cJSON *c = cJSON_CreateObject();
	if (!c)
		return NULL;
	cJSON_AddNumberToObject(c, "schema", CONTEXT_SCHEMA);

	cJSON_AddItemToObject(c, "pipeline", shared_part(a, sh ? sh->pipeline : NULL,
							 pipeline_object));

	cJSON *run = cJSON_AddObjectToObject(c, "run");
	cJSON_AddNumberToObject(run, "id", (double)a->run_id);
	cJSON_AddStringToObject(run, "name", a->run_name);
	char iso[32];
	time_iso8601(a->run_started_ms, iso, sizeof iso);
	cJSON_AddStringToObject(run, "started_at", iso);
	cJSON *tags = cJSON_AddArrayToObject(run, "tags");
	for (int i = 0; i < a->ntags; i++)
		cJSON_AddItemToArray(tags, cJSON_CreateString(a->tags[i]));
	cJSON_AddItemToObject(run, "params",
			      a->params ? cJSON_Duplicate(a->params, 1)
					: cJSON_CreateObject());
	cJSON_AddItemToObject(run, "rerun_of", id_or_null(a->rerun_of));
	cJSON_AddItemToObject(run, "state",
			      a->state ? cJSON_Duplicate(a->state, 1)
				       : cJSON_CreateObject());

	cJSON_AddItemToObject(c, "step", build_step(a));

	cJSON_AddItemToObject(c, "stack", shared_part(a, sh ? sh->stack : NULL, stack_object));
	cJSON_AddItemToObject(c, "model", shared_part(a, sh ? sh->model : NULL, model_object));
	cJSON_AddItemToObject(c, "custom", custom_object(a->spec, a->step));
	cJSON_AddItemToObject(c, "baseline",
			      shared_part(a, sh ? sh->baseline : NULL, baseline_object));

	cJSON *ck = cJSON_AddObjectToObject(c, "checkpoint");
	cJSON_AddItemToObject(ck, "path", str_or_null(a->checkpoint_dir));
	cJSON_AddBoolToObject(ck, "exists", a->checkpoint_exists);

	cJSON_AddItemToObject(c, "environment",
			      shared_part(a, sh ? sh->environment : NULL, environment_object));
	return c;
}
