/* core/scheduler.c — the scheduling loop of a run.
 *
 * One loop: settle every ready step (skipped when an upstream step
 * failed, cached or reused when decide_step says so, else started while
 * fewer than -j run), commit what that wrote, wait for the executor
 * (a job ended, output arrived, a timeout or heartbeat is due, Ctrl-C),
 * collect what ended, repeat.  Each pass writes its state changes to the
 * store in one transaction.  The loop knows no executor: it talks to
 * r->ex_ops only.
 */
#include "config.h"
#include "core/run_internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/records.h"
#include "core/decide.h"
#include "core/session.h"
#include "util/buf.h"
#include "util/timeutil.h"

/* How often a running step's records are read. */
#define INGEST_EVERY_MS 250

/* Skip pending steps downstream of a failure; 1 when S may start now. */
static int ready(struct run *r, struct rstep *s, struct rl_err *err, int *error)
{
	if (s->state == RS_RETRYING)
		return 1;
	if (s->state != RS_PENDING)
		return 0;
	for (int k = 0; k < s->sp->ndeps; k++) {
		struct rstep *d = &r->steps[s->sp->deps[k]];
		if (d->state == RS_FAILED || d->state == RS_SKIPPED ||
		    d->state == RS_INTERRUPTED) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "upstream step '%s' %s", d->sp->name, rstate_names[d->state]);
			if (run_set_state(r, s, RS_SKIPPED, b.data, NULL, err) < 0)
				*error = 1;
			buf_free(&b);
			return 0;
		}
		if (d->state != RS_COMPLETED && d->state != RS_CACHED)
			return 0;
	}
	return 1;
}

/* A cached or reused step's state writes replay now, in completion
 * order, so downstream steps see what they would have seen. */
static int replay_state(struct run *r, int64_t from, struct rl_err *err)
{
	struct store_step_run src = { 0 };
	if (store_step_run_get_by_id(r->store, from, &src, err) < 0)
		return -1;
	cJSON *writes = src.state_writes ? cJSON_Parse(src.state_writes) : NULL;
	int rc = run_apply_state(r, writes, err);
	cJSON_Delete(writes);
	store_step_run_clear(&src);
	return rc;
}

/* Take the decision's results: the step is done without running. */
static int take_results(struct run *r, struct rstep *s, const struct decision *d,
			struct rl_err *err)
{
	if (store_step_run_copy_results(r->store, s->step_run_id, d->hit, err) < 0 ||
	    replay_state(r, d->hit, err) < 0)
		return -1;
	for (int i = 0; i < s->sp->noutputs; i++)
		for (int k = 0; k < d->nouts; k++) {
			if (strcmp(d->outs[k].name, s->sp->outputs[i].name) != 0)
				continue;
			struct routput *ro = &s->outputs[i];
			free(ro->path);
			free(ro->sha256);
			ro->path = strdup(d->outs[k].path);
			ro->sha256 = strdup(d->outs[k].sha256);
			ro->type = strcmp(d->outs[k].type, "dir") == 0 ? "dir" : "file";
			ro->size = d->outs[k].size;
			ro->artifact_id = d->outs[k].artifact_id;
		}
	return run_set_state(r, s, RS_CACHED, NULL, d->why, err);
}

/* Before a step takes a job slot: 1 when it is done (cached or reused),
 * 0 when it must run. */
static int try_cache(struct run *r, struct rstep *s, struct rl_err *err)
{
	if (s->cache_checked)
		return 0;
	s->cache_checked = 1;
	char *why = NULL;
	int ir = attempt_resolve_inputs(r, s, &why, err);
	free(why);
	if (ir != 0)
		return ir < 0 ? -1 : 0; /* a missing input: attempt_start says so */
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	char **shas = calloc((size_t)s->sp->ninputs + 1, sizeof(char *));
	if (!shas)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < s->sp->ninputs; i++)
		shas[i] = (char *)s->inputs[i].ctx.sha256;
	struct decide_in in = {
		.store = r->store, .pipeline_id = r->pipeline_id, .spec = r->spec,
		.step = s->sp, .run_id = idbuf, .run_name = r->run_name,
		.input_sha = shas, .reuse_from = s->reuse_from, .reuse_run = r->o->reuse_run,
		.from_step = r->o->from_step, .from_mark = s->from_mark, .force = s->force,
		.no_cache = r->o->no_cache, .memo = r->memo,
	};
	struct decision d;
	int rc = -1;
	if (decide_step(&in, &d, err) < 0)
		goto cleanup;
	char *parts_json = records_print(d.parts, 0);
	int set = run_tx(r, err) < 0 ||
				  store_step_run_set_cache(r->store, s->step_run_id, d.key, parts_json,
							   d.action == DECIDE_RUN ? 0 : d.hit, err) < 0 ||
				  store_step_run_set_decision(r->store, s->step_run_id, d.why, err) < 0
			  ? -1
			  : 0;
	free(parts_json);
	if (set == 0)
		rc = d.action == DECIDE_RUN ? 0 : take_results(r, s, &d, err) < 0 ? -1 : 1;
	decision_clear(&d);
cleanup:
	free(shas);
	return rc;
}

static int launch_ready(struct run *r, struct rl_err *err)
{
	int error = 0;
	/* repeat: a skip can make further steps skippable */
	for (int changed = 1; changed && !r->interrupting;) {
		changed = 0;
		for (int k = 0; k < r->n && !error; k++) {
			struct rstep *s = &r->steps[r->spec->order[k]];
			enum rstate before = s->state;
			if (!ready(r, s, err, &error)) {
				changed |= s->state != before;
				continue;
			}
			if (s->state == RS_PENDING) {
				int c = try_cache(r, s, err);
				if (c < 0)
					return -1;
				if (c > 0) {
					changed = 1;
					continue;
				}
			}
			if (r->running >= r->jobs)
				continue;
			if (attempt_start(r, s, err) < 0)
				return -1;
			changed = 1;
		}
	}
	return error ? -1 : 0;
}

static int unfinished(const struct run *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->steps[i].state < RS_COMPLETED)
			return 1;
	return 0;
}

static void check_timeouts(struct run *r, int64_t now)
{
	for (int i = 0; i < r->n; i++) {
		struct rstep *s = &r->steps[i];
		if (s->state != RS_RUNNING || !s->job)
			continue;
		if (s->kill_at && now >= s->kill_at) {
			r->ex_ops->signal(r->ex, s->job, SIGKILL);
			s->kill_at = 0;
		} else if (s->deadline && now >= s->deadline && !s->timed_out) {
			s->timed_out = 1;
			r->ex_ops->signal(r->ex, s->job, SIGTERM);
			s->kill_at = now + RUNNER_KILL_GRACE_MS;
		}
	}
}

static void begin_interrupt(struct run *r, int64_t now)
{
	int hard = runner_interrupts > 1;
	if (r->interrupting && !hard)
		return;
	r->interrupting = 1;
	for (int i = 0; i < r->n; i++) {
		struct rstep *s = &r->steps[i];
		if (s->state != RS_RUNNING || !s->job)
			continue;
		r->ex_ops->signal(r->ex, s->job, hard ? SIGKILL : SIGTERM);
		if (!hard)
			s->kill_at = now + RUNNER_KILL_GRACE_MS;
	}
}

/* Milliseconds until the loop must look again. */
static int next_wakeup(const struct run *r, int64_t now)
{
	int tick = r->o->observer ? r->o->observer->tick_ms : 0;
	int64_t t = now + (tick > 0 && tick < 1000 ? tick : 1000);
	int64_t hb = r->last_heartbeat + SESSION_HEARTBEAT_MS;
	if (hb < t)
		t = hb;
	if (r->running > 0 && now + INGEST_EVERY_MS < t)
		t = now + INGEST_EVERY_MS;
	for (int i = 0; i < r->n; i++) {
		const struct rstep *s = &r->steps[i];
		if (s->state != RS_RUNNING)
			continue;
		if (s->kill_at && s->kill_at < t)
			t = s->kill_at;
		if (s->deadline && !s->timed_out && s->deadline < t)
			t = s->deadline;
	}
	int64_t ms = t - now;
	return ms < 0 ? 0 : ms > 1000 ? 1000 : (int)ms;
}

/* Read the records of running steps (so metrics show up while a step
 * runs), at most every INGEST_EVERY_MS per step. */
static int ingest_running(struct run *r, int64_t now, struct rl_err *err)
{
	for (int i = 0; i < r->n; i++) {
		struct rstep *s = &r->steps[i];
		if (s->state != RS_RUNNING || !s->job || now - s->last_ingest < INGEST_EVERY_MS)
			continue;
		s->last_ingest = now;
		if (run_tx(r, err) < 0 || ingest_poll(r->store, &s->ing, 0, err) < 0)
			return -1;
	}
	return 0;
}

static struct rstep *step_of_job(struct run *r, int64_t job)
{
	for (int i = 0; i < r->n; i++)
		if (r->steps[i].job == job && r->steps[i].state == RS_RUNNING)
			return &r->steps[i];
	return NULL;
}

static int collect(struct run *r, struct rl_err *err)
{
	struct exec_result res;
	while (r->ex_ops->reap(r->ex, &res) == 1) {
		struct rstep *s = step_of_job(r, res.job);
		if (!s)
			continue;
		s->job = 0;
		r->running--;
		if (attempt_finish(r, s, &res, err) < 0)
			return -1;
	}
	return 0;
}

static int heartbeat(struct run *r, int64_t now, struct rl_err *err)
{
	if (now - r->last_heartbeat < SESSION_HEARTBEAT_MS)
		return 0;
	if (run_tx(r, err) < 0 || store_run_heartbeat(r->store, r->run_id, time_now_ms(), err) < 0)
		return -1;
	r->last_heartbeat = now;
	return 0;
}

/* After a store error: leave no job behind. */
static void abandon_jobs(struct run *r)
{
	run_tx_rollback(r);
	for (int i = 0; i < r->n; i++)
		if (r->steps[i].job)
			r->ex_ops->signal(r->ex, r->steps[i].job, SIGKILL);
	struct exec_result res;
	while (r->running > 0) {
		if (r->ex_ops->reap(r->ex, &res) == 1)
			r->running--;
		else
			r->ex_ops->wait(r->ex, 100, r->wake_fd, NULL);
	}
}

int scheduler_loop(struct run *r, struct rl_err *err)
{
	int rc = -1;
	r->last_heartbeat = time_mono_ms();
	for (;;) {
		if (runner_interrupts)
			begin_interrupt(r, time_mono_ms());
		if (launch_ready(r, err) < 0 || run_tx_commit(r, err) < 0)
			goto cleanup;
		if (r->running == 0 && (r->interrupting || !unfinished(r)))
			break;
		int64_t now = time_mono_ms();
		struct runner_event tev = { .kind = RUNNER_EV_TICK };
		run_emit(r, &tev);
		if (r->ex_ops->wait(r->ex, next_wakeup(r, now), r->wake_fd, err) < 0)
			goto cleanup;
		run_drain_wake(r);
		now = time_mono_ms();
		if (ingest_running(r, now, err) < 0 || collect(r, err) < 0)
			goto cleanup;
		now = time_mono_ms();
		check_timeouts(r, now);
		if (heartbeat(r, now, err) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc < 0)
		abandon_jobs(r);
	return rc;
}
