/* core/placement.c — where a step's job runs and what its executor says
 * of it: the request's placement (the step's resources over the stack's
 * settings), the executor's account of a job recorded with its attempt
 * and shown on the run board, and that account as one line for people
 * (the board, `show`, the browser: one rule, core/placement.h). */
#include "config.h"
#include "core/placement.h"
#include "core/run_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/timeutil.h"

static const char *setting(const cJSON *settings, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(settings, key);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* The stack's slurm_opts, then the step's, NULL-terminated (borrowed
 * strings); NULL when out of memory. */
static char **join_opts(const cJSON *stack_opts, const cJSON *step_opts)
{
	int n = cJSON_GetArraySize(stack_opts) + cJSON_GetArraySize(step_opts), k = 0;
	char **v = calloc((size_t)n + 1, sizeof(char *));
	const cJSON *both[2] = { stack_opts, step_opts };
	for (int i = 0; v && i < 2; i++)
		for (const cJSON *o = cJSON_IsArray(both[i]) ? both[i]->child : NULL; o; o = o->next)
			if (cJSON_IsString(o))
				v[k++] = o->valuestring;
	return v;
}

int run_place(const struct run *r, const struct rstep *s, struct exec_place *p,
	      char ***opts)
{
	const struct spec_resources *res = &s->sp->res;
	const cJSON *set = r->stack_settings;
	*opts = join_opts(cJSON_GetObjectItemCaseSensitive(set, "slurm_opts"), res->slurm_opts);
	if (!*opts)
		return -1;
	*p = (struct exec_place){
		.cpus = res->cpus > 0 ? res->cpus : 1, .memory = res->memory, .gpus = res->gpus,
		.partition = res->partition ? res->partition : setting(set, "partition"),
		.account = setting(set, "account"), .qos = setting(set, "qos"), .opts = *opts,
	};
	return 0;
}

char *exec_status_line(const struct exec_status *st)
{
	if (!st || !st->flavor)
		return NULL;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s job %s", st->flavor, st->job_id ? st->job_id : "(submitting)");
	if (st->state)
		buf_printf(&b, " %s", st->state);
	if (st->reason)
		buf_printf(&b, " (%s)", st->reason);
	if (st->node)
		buf_printf(&b, " on %s", st->node);
	return buf_steal(&b);
}

static const char *member(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *exec_record_line(const char *json)
{
	cJSON *o = json ? cJSON_Parse(json) : NULL;
	struct exec_status st = {
		.flavor = member(o, "flavor"), .job_id = member(o, "job_id"),
		.state = member(o, "state"), .reason = member(o, "reason"),
		.node = member(o, "node"),
	};
	char *line = exec_status_line(&st);
	cJSON_Delete(o);
	return line;
}

int run_record_executor(struct run *r, struct rstep *s, const struct exec_status *st,
			struct rl_err *err)
{
	if (!st->flavor || !s->attempt_id)
		return 0;
	char *json = exec_status_json(st);
	int rc = !json ? rl_err_set(err, RL_E_NOMEM, NULL)
		 : run_tx(r, err) < 0 ? -1
				      : store_attempt_set_executor(r->store, s->attempt_id, json, err);
	free(json);
	return rc;
}

int run_observe(struct run *r, struct rstep *s, struct rl_err *err)
{
	struct exec_status st;
	if (!r->ex_ops->describe || !s->job || r->ex_ops->describe(r->ex, s->job, &st) != 1)
		return 0;
	/* the step's time starts when its job does, not when it is queued */
	if (st.active && s->sp->timeout > 0 && !s->deadline)
		s->deadline = time_mono_ms() + (int64_t)(s->sp->timeout * 1000.0);
	if (run_record_executor(r, s, &st, err) < 0)
		return -1;
	char *line = exec_status_line(&st);
	struct runner_event ev = {
		.kind = RUNNER_EV_STEP, .step = s->pos, .status = rstate_names[s->state],
		.attempt = s->attempt, .max_attempts = s->max_attempts, .detail = line,
	};
	run_emit(r, &ev);
	free(line);
	return 0;
}
