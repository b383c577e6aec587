/* core/runner.c — carrying out a run: read the pipeline, open the store,
 * record the run (core/record.c), schedule its steps on the stack's
 * executor (core/scheduler.c), record its end.  Also what the runner's
 * files share: the one transaction per loop turn, step state changes, the
 * observer's events and Ctrl-C.
 */
#include "config.h"
#include "core/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/records.h"
#include "core/context.h"
#include "core/hash.h"
#include "core/locate.h"
#include "core/run_internal.h"
#include "core/runs.h"
#include "core/session.h"
#include "util/num.h"
#include "util/fs.h"
#include "util/timeutil.h"

extern char **environ;

const char *const rstate_names[] = {
	[RS_PENDING] = "pending",     [RS_RUNNING] = "running",
	[RS_RETRYING] = "retrying",   [RS_COMPLETED] = "completed",
	[RS_CACHED] = "cached",	      [RS_FAILED] = "failed",
	[RS_SKIPPED] = "skipped",     [RS_INTERRUPTED] = "interrupted",
};

/* ------------------------------------------------------------------ */
/* Ctrl-C                                                              */

volatile sig_atomic_t runner_interrupts;
static int sig_pipe[2] = { -1, -1 };
static struct sigaction old_int, old_term, old_hup;

static void on_interrupt(int sig)
{
	(void)sig;
	int saved = errno;
	runner_interrupts++;
	if (sig_pipe[1] >= 0) {
		ssize_t w = write(sig_pipe[1], "i", 1);
		(void)w;
	}
	errno = saved;
}

static int signals_install(struct rl_err *err)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return rl_err_set(err, RL_E_IO, "cannot create a pipe: %s", strerror(errno));
	runner_interrupts = 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	return 0;
}

static void signals_restore(void)
{
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
	}
	sig_pipe[0] = sig_pipe[1] = -1;
}

void run_drain_wake(struct run *r)
{
	char drain[16];
	if (r->wake_fd >= 0)
		while (read(r->wake_fd, drain, sizeof drain) > 0)
			;
}

/* ------------------------------------------------------------------ */
/* What the runner's files share                                       */

/* The slow-hash hook: what the transaction holds is committed, so
 * other writers (a second runner, `runlens tag`, step commands) are not
 * held up while the hash goes on; the next write opens a new one. */
static void release_lock(void *ctx)
{
	struct run *r = ctx;
	if (r->in_tx && !r->lock_err.code)
		run_tx_commit(r, &r->lock_err);
}

void run_hashing_may_release(struct run *r, int on)
{
	hash_set_slow_hook(on ? release_lock : NULL, r);
}

int run_tx(struct run *r, struct rl_err *err)
{
	if (r->lock_err.code) {
		rl_err_set(err, r->lock_err.code, "%s", rl_err_msg(&r->lock_err));
		return -1;
	}
	if (r->in_tx)
		return 0;
	if (store_begin(r->store, err) < 0)
		return -1;
	r->in_tx = 1;
	return 0;
}

int run_tx_commit(struct run *r, struct rl_err *err)
{
	if (!r->in_tx)
		return 0;
	r->in_tx = 0;
	if (store_commit(r->store, err) < 0) {
		store_rollback(r->store);
		return -1;
	}
	return 0;
}

void run_tx_rollback(struct run *r)
{
	if (r->in_tx)
		store_rollback(r->store);
	r->in_tx = 0;
}

void run_emit(const struct run *r, struct runner_event *ev)
{
	const struct runner_observer *ob = r->o->observer;
	ev->now_ms = time_mono_ms();
	ev->run_id = r->run_id;
	ev->run_name = r->run_name;
	if (ob && ob->on_event)
		ob->on_event(ob->ctx, ev);
}

int run_set_state(struct run *r, struct rstep *s, enum rstate st, const char *error,
		  const char *detail, struct rl_err *err)
{
	enum rstate old = s->state;
	s->state = st;
	int64_t now = time_now_ms();
	int64_t started = 0, ended = 0;
	if (st == RS_RUNNING && !s->started_ms)
		started = s->started_ms = now;
	if (st >= RS_COMPLETED)
		ended = now;
	if (st == RS_CACHED)
		started = s->started_ms = now;
	/* a step that completed has no error: an earlier attempt's failure
	 * is that attempt's (its row keeps it) */
	if (run_tx(r, err) < 0 ||
	    store_step_run_update(r->store, s->step_run_id, rstate_names[st], started, ended,
				  st == RS_COMPLETED ? "" : error, err) < 0)
		return -1;
	struct runner_event ev = {
		.kind = RUNNER_EV_STEP, .step = s->pos, .status = rstate_names[st],
		.attempt = s->attempt, .max_attempts = s->max_attempts,
		.detail = detail ? detail : error,
		.retry_at = st == RS_RETRYING ? s->retry_at : 0,
	};
	run_emit(r, &ev);
	scheduler_changed(r, s, old);
	return 0;
}

int run_apply_state(struct run *r, const cJSON *writes, struct rl_err *err)
{
	if (!writes || !writes->child)
		return 0;
	context_merge(r->state, writes);
	char *json = json_print(r->state, 0);
	int rc = json ? store_run_set_state(r->store, r->run_id, json, err)
		      : rl_err_set(err, RL_E_NOMEM, NULL);
	free(json);
	return rc;
}

int run_jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* ------------------------------------------------------------------ */
/* Setting up and tearing down                                         */

static int base_environment(struct run *r)
{
	int n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	r->base_env = calloc((size_t)n + 1, sizeof(char *));
	if (!r->base_env)
		return -1;
	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, "RUNLENS_", 8) == 0)
			continue;
		if (!(r->base_env[r->nbase_env] = strdup(*e)))
			return -1;
		r->nbase_env++;
	}
	return 0;
}

/* The pipeline file's tags (checked by its parser) and run --tag's,
 * each once. */
static int collect_tags(struct run *r, struct rl_err *err)
{
	for (int i = 0; i < r->o->ntags; i++)
		if (runs_tag_check(r->o->tags[i], err) < 0)
			return -1;
	int cap = r->spec->ntags + r->o->ntags;
	r->tags = calloc((size_t)(cap ? cap : 1), sizeof(char *));
	if (!r->tags)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int k = 0; k < 2; k++) {
		char *const *src = k ? r->o->tags : r->spec->tags;
		int n = k ? r->o->ntags : r->spec->ntags;
		for (int i = 0; i < n; i++) {
			int dup = 0;
			for (int j = 0; j < r->ntags; j++)
				dup |= strcmp(r->tags[j], src[i]) == 0;
			if (!dup && !(r->tags[r->ntags++] = strdup(src[i])))
				return rl_err_set(err, RL_E_NOMEM, NULL);
		}
	}
	return 0;
}

static void strv_free(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void run_free(struct run *r)
{
	for (int i = 0; i < r->n && r->steps; i++)
		if (r->steps[i].sp)
			rstep_release(&r->steps[i]);
	free(r->steps);
	scheduler_free(r);
	if (r->ex_ops && r->ex)
		r->ex_ops->close(&r->ex);
	if (r->o->store)
		r->store = NULL; /* the caller's */
	store_close(&r->store);
	spec_free(&r->spec);
	cJSON_Delete(r->environment);
	cJSON_Delete(r->state);
	cJSON_Delete(r->baseline_outputs);
	context_shared_clear(&r->ctx_shared);
	cJSON_Delete(r->stack_components);
	cJSON_Delete(r->stack_settings);
	hash_memo_free(&r->memo);
	cJSON_Delete(r->secrets);
	free(r->python_dir);
	free(r->bin_dir);
	strv_free(r->tags, r->ntags);
	strv_free(r->base_env, r->nbase_env);
	free(r->run_name);
	rl_err_clear(&r->lock_err);
	hash_set_slow_hook(NULL, NULL);
	free(r->run_dir);
	free(r->real_run_dir);
	free(r->baseline_rule);
	free(r->artifact_root);
	free(r->stack_name);
	free(r->model_name);
	free(r->model_version);
	free(r->baseline_name);
}

int runner_load_spec(const struct runner_opts *o, struct spec **out, struct rl_err *err)
{
	if (o->spec_text ? spec_parse(o->spec_text, strlen(o->spec_text), o->spec_path,
				      o->spec_dir, out, err) < 0
			 : spec_load_file(o->spec_path, out, err) < 0)
		return -1;
	/* a rerun's recorded params, then what the person asked for, which
	 * must reach a step and fit its declared kind */
	if ((o->nbase_params && spec_set_params(*out, o->base_params, o->nbase_params, err) < 0) ||
	    (o->nparams && (spec_check_overrides(*out, o->params, o->nparams, err) < 0 ||
			    spec_set_params(*out, o->params, o->nparams, err) < 0))) {
		spec_free(out);
		return -1;
	}
	/* the steps named to force and to start from must be the pipeline's */
	for (int i = 0; i < o->nforce; i++)
		if (spec_step_index(*out, o->force[i]) < 0) {
			rl_err_set(err, RL_E_USAGE, "no step '%s' in the pipeline to force",
				   o->force[i]);
			spec_free(out);
			return -1;
		}
	if (o->from_step && spec_step_index(*out, o->from_step) < 0) {
		rl_err_set(err, RL_E_USAGE, "no step '%s' in the pipeline to start from",
			   o->from_step);
		spec_free(out);
		return -1;
	}
	return 0;
}

/* runlens itself first on each step's PATH, and its Python module (or a
 * stand-in that says where runlens looked) first on PYTHONPATH. */
static int find_own_pieces(struct run *r, struct rl_err *err)
{
	char *looked = NULL;
	if (!(r->bin_dir = locate_bin_dir(store_dir(r->store), err)))
		return -1;
	r->python_dir = locate_python_dir(&looked);
	if (!r->python_dir)
		r->python_dir = locate_missing_python(store_dir(r->store), looked);
	free(looked);
	return 0;
}

static int open_run(struct run *r, struct rl_err *err)
{
	const struct runner_opts *o = r->o;
	if (o->jobs < 0)
		return rl_err_set(err, RL_E_USAGE, "-j takes a positive number");
	r->jobs = o->jobs > 0 ? o->jobs : run_jobs_default();
	if (o->cpus < 0)
		return rl_err_set(err, RL_E_USAGE, "--cpus takes a positive number");
	r->cpus = o->cpus > 0 ? o->cpus : run_jobs_default();
	if (runner_load_spec(o, &r->spec, err) < 0)
		return -1;
	r->n = r->spec->nsteps;
	r->steps = calloc((size_t)r->n, sizeof(*r->steps));
	if (!r->steps)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (collect_tags(r, err) < 0)
		return -1;
	if (base_environment(r) < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (o->store)
		r->store = o->store;
	else if (session_open(o->store_flag, SESSION_CREATE, &r->store, err) < 0)
		return -1;
	if (record_choose_stack(r, err) < 0)
		return -1;
	r->environment = o->environment ? cJSON_Duplicate(o->environment, 1)
				        : context_environment(r->spec->dir);
	if (find_own_pieces(r, err) < 0)
		return -1;
	r->state = cJSON_CreateObject();
	r->memo = hash_memo_new();
	r->started_ms = time_now_ms();
	r->start_mono = time_mono_ms();
	return 0;
}

static void announce(struct run *r)
{
	char **names = calloc((size_t)r->n + 1, sizeof(char *));
	for (int k = 0; names && k < r->n; k++)
		names[k] = r->spec->steps[r->spec->order[k]].name;
	struct runner_event sev = {
		.kind = RUNNER_EV_START, .names = names, .nsteps = names ? r->n : 0,
		.jobs = r->jobs,
	};
	run_emit(r, &sev);
	free(names);
}

int runner_run(const struct runner_opts *o, struct runner_result *res, struct rl_err *err)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.o = o;
	r.wake_fd = -1;
	int rc = -1, signals = 0;
	if (open_run(&r, err) < 0 || record_create(&r, err) < 0 || scheduler_init(&r, err) < 0)
		goto cleanup;
	announce(&r);
	if (r.ex_ops->open(&r.ex, err) < 0 || signals_install(err) < 0)
		goto cleanup;
	signals = 1;
	r.wake_fd = sig_pipe[0];
	int sched = scheduler_loop(&r, err);
	if (record_finish(&r, sched < 0, res, err) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (signals)
		signals_restore();
	run_free(&r);
	return rc;
}

void runner_result_clear(struct runner_result *res)
{
	if (!res)
		return;
	free(res->run_name);
	free(res->status);
	memset(res, 0, sizeof *res);
}
