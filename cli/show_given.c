/* cli/show_given.c — what `show` and `step` print of what a run and a
 * step were given and how they ran: the recorded context (custom
 * context, model and version, environment, stack and components), each
 * step's params, tags and the decision that ran or reused it, and the
 * metrics of every attempt. */
#include "config.h"
#include "cli/show_given.h"

#include <stdlib.h>
#include <string.h>

#include "cli/output.h"
#include "util/num.h"
#include "util/buf.h"

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void field_json(FILE *o, const char *label, const cJSON *v)
{
	char *t = v ? json_print(v, 0) : NULL;
	if (t)
		out_field(o, label, t);
	free(t);
}

/* "default (local, artifacts in …; experiment_tracker mlflow)" */
static void print_stack(FILE *o, const cJSON *stack)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s (%s", str(stack, "name") ? str(stack, "name") : "default",
		   str(get(stack, "orchestrator"), "flavor") ? str(get(stack, "orchestrator"), "flavor")
							   : "local");
	const char *art = str(get(stack, "artifact_store"), "path");
	if (art)
		buf_printf(&b, ", artifacts in %s", art);
	for (const cJSON *k = stack ? stack->child : NULL; k; k = k->next)
		if (cJSON_IsObject(k) && strcmp(k->string, "artifact_store") &&
		    strcmp(k->string, "orchestrator") && str(k, "name"))
			buf_printf(&b, "; %s %s", k->string, str(k, "name"));
	buf_putc(&b, ')');
	out_field(o, "stack", b.data);
	buf_free(&b);
}

/* "vm, Linux 6.1 x86_64, user root, runlens 0.1.0, git 1a2b3c4 (dirty)" */
static void print_environment(FILE *o, const cJSON *env)
{
	struct buf b = BUF_INIT;
	const char *keys[] = { "hostname", "os" };
	for (size_t i = 0; i < 2; i++)
		if (str(env, keys[i]))
			buf_printf(&b, "%s%s", b.len ? ", " : "", str(env, keys[i]));
	if (str(env, "user"))
		buf_printf(&b, "%suser %s", b.len ? ", " : "", str(env, "user"));
	if (str(env, "runlens_version"))
		buf_printf(&b, "%srunlens %s", b.len ? ", " : "", str(env, "runlens_version"));
	if (str(env, "python"))
		buf_printf(&b, "%spython %s", b.len ? ", " : "", str(env, "python"));
	/* git: a line of its own in the head (runs.git_commit) */
	if (b.len)
		out_field(o, "env", b.data);
	buf_free(&b);
}

void show_given_run_text(FILE *o, const char *context_json)
{
	cJSON *c = context_json ? cJSON_Parse(context_json) : NULL;
	if (!c)
		return;
	fprintf(o, "\ncontext\n");
	const cJSON *model = get(c, "model");
	if (str(model, "name")) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s", str(model, "name"));
		if (str(model, "version"))
			buf_printf(&b, " version %s", str(model, "version"));
		out_field(o, "model", b.data);
		buf_free(&b);
	}
	print_stack(o, get(c, "stack"));
	print_environment(o, get(c, "environment"));
	const cJSON *custom = get(c, "custom");
	if (cJSON_IsObject(custom) && custom->child)
		field_json(o, "custom", custom);
	cJSON_Delete(c);
}

cJSON *show_given_json(const char *json)
{
	cJSON *v = json ? cJSON_Parse(json) : NULL;
	return v ? v : cJSON_CreateNull();
}

void show_given_step_json(cJSON *o, const struct store_step_run *st)
{
	cJSON_AddItemToObject(o, "params", st->params_json ? show_given_json(st->params_json)
							   : cJSON_CreateObject());
	cJSON_AddItemToObject(o, "tags", st->tags_json ? show_given_json(st->tags_json)
						       : cJSON_CreateArray());
	out_json_str(o, "decision", st->decision);
	cJSON_AddItemToObject(o, "step_context", show_given_json(st->context_json));
}

void show_given_step_text(FILE *o, const struct store_step_run *st)
{
	cJSON *params = st->params_json ? cJSON_Parse(st->params_json) : NULL;
	cJSON *tags = st->tags_json ? cJSON_Parse(st->tags_json) : NULL;
	cJSON *ctx = st->context_json ? cJSON_Parse(st->context_json) : NULL;
	if (st->decision)
		out_field(o, "why", st->decision);
	if (cJSON_IsArray(tags) && tags->child) {
		struct buf b = BUF_INIT;
		for (const cJSON *t = tags->child; t; t = t->next)
			if (cJSON_IsString(t))
				buf_printf(&b, "%s%s", b.len ? ", " : "", t->valuestring);
		out_field(o, "tags", b.data ? b.data : "");
		buf_free(&b);
	}
	if (cJSON_IsObject(params) && params->child) {
		fprintf(o, "\nparams (as the step received them)\n");
		for (const cJSON *p = params->child; p; p = p->next) {
			char *v = json_print(p, 0);
			out_linef(o, "  %s = %s", p->string, v ? v : "");
			free(v);
		}
	}
	const cJSON *custom = get(ctx, "custom");
	if (custom)
		field_json(o, "custom", custom);
	const cJSON *env = get(ctx, "environment");
	if (str(env, "python")) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s %s", str(env, "python_implementation") ? str(env, "python_implementation")
									  : "Python",
			   str(env, "python"));
		out_field(o, "python", b.data);
		buf_free(&b);
	}
	cJSON_Delete(params);
	cJSON_Delete(tags);
	cJSON_Delete(ctx);
}

/* The metrics of one attempt: a retried one's own (store_attempt_metrics),
 * the last one's: its step run's. */
static int attempt_metrics(struct store *s, const struct store_attempt *a, int last,
			   const struct store_metric *step_ms, int nstep, struct store_metric **ms,
			   int *n)
{
	if (last) {
		*ms = (struct store_metric *)step_ms;
		*n = nstep;
		return 0;
	}
	return store_attempt_metrics(s, a->id, ms, n, NULL);
}

void show_given_attempt_json(struct store *s, cJSON *o, const struct store_attempt *a, int last,
			     const struct store_metric *step_ms, int nstep)
{
	struct store_metric *ms = NULL;
	int n = 0;
	cJSON *m = cJSON_AddObjectToObject(o, "metrics");
	if (attempt_metrics(s, a, last, step_ms, nstep, &ms, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		cJSON *x = cJSON_AddObjectToObject(m, ms[i].key);
		cJSON_AddNumberToObject(x, "value", ms[i].value);
		cJSON_AddNumberToObject(x, "points", (double)ms[i].count);
		cJSON_AddNumberToObject(x, "min", ms[i].min);
		cJSON_AddNumberToObject(x, "max", ms[i].max);
	}
	if (!last)
		store_metrics_free(ms, n);
}

void show_given_attempts_text(struct store *s, FILE *o, const struct store_attempt *atts, int n,
			      const struct store_metric *step_ms, int nstep)
{
	if (n < 2)
		return; /* one attempt: its metrics are the step's, shown above */
	fprintf(o, "\nmetrics by attempt\n");
	for (int i = 0; i < n; i++) {
		struct store_metric *ms = NULL;
		int nm = 0;
		if (attempt_metrics(s, &atts[i], i == n - 1, step_ms, nstep, &ms, &nm) < 0)
			continue;
		struct buf b = BUF_INIT;
		for (int k = 0; k < nm; k++) {
			char v[32];
			out_number(ms[k].value, v, sizeof v);
			buf_printf(&b, "%s%s = %s", k ? ", " : "", ms[k].key, v);
			if (ms[k].count > 1)
				buf_printf(&b, " (%lld points)", (long long)ms[k].count);
		}
		out_linef(o, "  attempt %d (%s): %s", atts[i].number, atts[i].status,
			  nm ? b.data : "no metrics");
		buf_free(&b);
		if (i != n - 1)
			store_metrics_free(ms, nm);
	}
}
