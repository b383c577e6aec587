/* core/runner.c — records a run and schedules its steps on an executor.
 *
 * One loop: launch every ready step while fewer than -j run, wait for a
 * job to end (or a timeout, a heartbeat, a board redraw, Ctrl-C), collect
 * what ended, repeat.  Each pass through the loop writes its state changes
 * to the store in one transaction.
 */
#include "config.h"
#include "core/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/cache.h"
#include "core/context.h"
#include "core/exec/executor.h"
#include "core/hash.h"
#include "core/ingest.h"
#include "core/mask.h"
#include "core/secrets.h"
#include "core/session.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

extern char **environ;

enum rstate {
	RS_PENDING,
	RS_RUNNING,
	RS_RETRYING,
	RS_COMPLETED,
	RS_CACHED,
	RS_FAILED,
	RS_SKIPPED,
	RS_INTERRUPTED,
};

static const char *const rstate_names[] = {
	[RS_PENDING] = "pending",     [RS_RUNNING] = "running",
	[RS_RETRYING] = "retrying",   [RS_COMPLETED] = "completed",
	[RS_CACHED] = "cached",	      [RS_FAILED] = "failed",
	[RS_SKIPPED] = "skipped",     [RS_INTERRUPTED] = "interrupted",
};

struct rstep {
	const struct spec_step *sp;
	int idx; /* index in spec->steps */
	int pos; /* index in the run's (topological) order */
	int64_t step_run_id;
	enum rstate state;
	int attempt, max_attempts;
	int64_t attempt_id;
	int64_t job; /* executor job while running, else 0 */
	int64_t attempt_start; /* monotonic ms */
	int64_t deadline;      /* monotonic ms; 0 = none */
	int64_t kill_at;       /* monotonic ms; 0 = none */
	int timed_out;
	int64_t started_ms;
	char *dir, *out_dir, *ckpt_dir;
	char **out_paths; /* where the step writes each output */
	char **art_paths; /* where each output's content lives afterwards */
	char **art_sha;
	char **art_type;
	int64_t *art_size;
	int64_t *art_ids;
	int inputs_resolved;
	int64_t reuse_from;	 /* --from: the step run of the earlier run to reuse */
	int force;		 /* --force: never from cache */
	int cache_checked;
	struct ingest ing;	 /* the current attempt's records */
	cJSON *pending_state;	 /* its state writes, applied on success */
	int64_t last_ingest;	 /* monotonic ms */
	char **secret_values;	 /* values of the declared secrets */
	int nsecret_values;
	int pipe_out, pipe_err;	 /* read ends when output is masked, else -1 */
	int log_out, log_err;	 /* the log files those are copied to */
	struct masker *mask_out, *mask_err;
	char *records_path, *stderr_path;
	struct context_input *inputs;
	char **in_paths;
	char **in_sha; /* owned copies for external inputs */
};

struct run {
	const struct runner_opts *o;
	struct spec *spec;
	struct store *store;
	const struct executor_ops *ex_ops;
	struct executor *ex;
	struct rstep *steps; /* in spec->steps order */
	int n;
	int64_t pipeline_id, run_id;
	char *run_name;
	int64_t started_ms, start_mono;
	char *run_dir, *artifact_root, *stack_name;
	cJSON *environment;
	cJSON *state; /* the run state as the runner last wrote it */
	char **tags;
	int ntags;
	int jobs, running;
	int in_tx;
	int64_t last_heartbeat;
	char *model_name, *model_version;
	int64_t baseline_id;
	char *baseline_name;
	cJSON *baseline_outputs; /* {"step.output": path} of the baseline */
	cJSON *secrets;		 /* the secrets file, when a step needs it */
	char *python_dir;	 /* prepended to PYTHONPATH of steps */
	char **base_env; /* environ without RUNLENS_* */
	int nbase_env;
	int interrupting;
};

/* ------------------------------------------------------------------ */
/* Ctrl-C                                                              */

static volatile sig_atomic_t interrupt_count;
static int sig_pipe[2] = { -1, -1 };

static void on_interrupt(int sig)
{
	(void)sig;
	int saved = errno;
	interrupt_count++;
	if (sig_pipe[1] >= 0) {
		ssize_t w = write(sig_pipe[1], "i", 1);
		(void)w;
	}
	errno = saved;
}

static struct sigaction old_int, old_term, old_hup;

static int signals_install(struct rl_err *err)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return rl_err_set(err, RL_E_IO, "cannot create a pipe: %s",
				  strerror(errno));
	interrupt_count = 0;
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

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static void strv_free(char **v, int n)
{
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int tx(struct run *r, struct rl_err *err)
{
	if (r->in_tx)
		return 0;
	if (store_begin(r->store, err) < 0)
		return -1;
	r->in_tx = 1;
	return 0;
}

static int tx_commit(struct run *r, struct rl_err *err)
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

static void emit(const struct run *r, struct runner_event *ev)
{
	const struct runner_observer *ob = r->o->observer;
	ev->now_ms = time_mono_ms();
	ev->run_id = r->run_id;
	ev->run_name = r->run_name;
	if (ob && ob->on_event)
		ob->on_event(ob->ctx, ev);
}

static void show(struct run *r, struct rstep *s, const char *detail)
{
	struct runner_event ev = {
		.kind = RUNNER_EV_STEP, .step = s->pos,
		.status = rstate_names[s->state], .attempt = s->attempt,
		.max_attempts = s->max_attempts, .detail = detail,
	};
	emit(r, &ev);
}

static int set_state_ex(struct run *r, struct rstep *s, enum rstate st,
			const char *error, const char *detail, struct rl_err *err);

/* Set a step's state in the store and on the board. */
static int set_state(struct run *r, struct rstep *s, enum rstate st,
		     const char *error, struct rl_err *err)
{
	return set_state_ex(r, s, st, error, error, err);
}

/* The same, with a note for the board that is not recorded as an error. */
static int set_state_ex(struct run *r, struct rstep *s, enum rstate st,
			const char *error, const char *detail, struct rl_err *err)
{
	s->state = st;
	int64_t now = time_now_ms();
	int64_t started = 0, ended = 0;
	if (st == RS_RUNNING && !s->started_ms)
		started = s->started_ms = now;
	if (st >= RS_COMPLETED)
		ended = now;
	if (st == RS_CACHED)
		started = s->started_ms = now;
	if (tx(r, err) < 0 ||
	    store_step_run_update(r->store, s->step_run_id, rstate_names[st],
				  started, ended, error, err) < 0)
		return -1;
	show(r, s, detail);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Setting a run up                                                    */

static char *default_run_name(struct run *r, struct rl_err *err)
{
	char stamp[32];
	time_compact(r->started_ms, stamp, sizeof stamp);
	struct buf name = BUF_INIT;
	for (int k = 1;; k++) {
		buf_reset(&name);
		buf_printf(&name, "%s-%s", r->spec->name, stamp);
		if (k > 1)
			buf_printf(&name, "-%d", k);
		int64_t id;
		struct rl_err e2 = RL_ERR_INIT;
		int rc = store_run_id_by_name(r->store, name.data, &id, &e2);
		enum rl_code code = e2.code;
		rl_err_clear(&e2);
		if (rc < 0 && code == RL_E_NOT_FOUND)
			break;
		if (rc < 0) {
			buf_free(&name);
			rl_err_set(err, code, "cannot choose a run name");
			return NULL;
		}
	}
	return buf_steal(&name);
}

static int choose_stack(struct run *r, struct rl_err *err)
{
	const char *name = r->o->stack ? r->o->stack
			   : r->spec->stack ? r->spec->stack
					    : "default";
	r->stack_name = strdup(name);
	const char *flavor = "local";
	struct store_stack st = { 0 };
	int rc = -1;
	if (strcmp(name, "default") == 0) {
		if (store_stack_get(r->store, name, &st, NULL) == 0 &&
		    st.artifact_store)
			r->artifact_root = strdup(st.artifact_store);
		else
			r->artifact_root = fs_join(store_dir(r->store), "artifacts");
	} else {
		if (store_stack_get(r->store, name, &st, err) < 0) {
			rl_err_set(err, RL_E_NOT_FOUND,
				   "no stack '%s' (see 'runlens stack ls')", name);
			goto cleanup;
		}
		r->artifact_root = strdup(st.artifact_store);
	}
	if (st.orchestrator)
		flavor = st.orchestrator;
	r->ex_ops = executor_find(flavor);
	if (!r->ex_ops) {
		rl_err_set(err, RL_E_INPUT,
			   "stack '%s': unknown orchestrator flavor '%s'", name,
			   flavor);
		goto cleanup;
	}
	if (fs_mkdirs(r->artifact_root, err) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	store_stack_clear(&st);
	return rc;
}

static int collect_tags(struct run *r)
{
	int cap = r->spec->ntags + r->o->ntags;
	r->tags = calloc((size_t)(cap ? cap : 1), sizeof(char *));
	if (!r->tags)
		return -1;
	for (int k = 0; k < 2; k++) {
		char *const *src = k ? r->o->tags : r->spec->tags;
		int n = k ? r->o->ntags : r->spec->ntags;
		for (int i = 0; i < n; i++) {
			int dup = 0;
			for (int j = 0; j < r->ntags; j++)
				dup |= strcmp(r->tags[j], src[i]) == 0;
			if (!dup)
				r->tags[r->ntags++] = strdup(src[i]);
		}
	}
	return 0;
}

/* --from and --force: which steps reuse the earlier run's results, which
 * must run whatever the cache says. */
static int mark_reuse_and_force(struct run *r, struct rl_err *err)
{
	for (int i = 0; i < r->o->nforce; i++) {
		int k = spec_step_index(r->spec, r->o->force[i]);
		if (k < 0)
			return rl_err_set(err, RL_E_USAGE, "--force: no step '%s' in the pipeline",
					  r->o->force[i]);
		r->steps[k].force = 1;
	}
	if (!r->o->from_step)
		return 0;
	int from = spec_step_index(r->spec, r->o->from_step);
	if (from < 0)
		return rl_err_set(err, RL_E_USAGE, "--from: no step '%s' in the pipeline",
				  r->o->from_step);
	unsigned char *mark = calloc((size_t)r->n, 1);
	if (!mark)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	spec_mark_downstream(r->spec, from, mark);
	int rc = 0;
	for (int i = 0; i < r->n && rc == 0; i++) {
		if (mark[i]) {
			r->steps[i].force = 1; /* re-executed, never from cache */
			continue;
		}
		struct store_step_run old = { 0 };
		if (store_step_run_get(r->store, r->o->reuse_run, r->spec->steps[i].name,
				       &old, NULL) == 0 &&
		    (!strcmp(old.status, "completed") || !strcmp(old.status, "cached")))
			r->steps[i].reuse_from = old.id;
		store_step_run_clear(&old);
	}
	free(mark);
	return rc;
}

/* {"step.output": path} of every output of the baseline run. */
static int baseline_outputs(struct run *r, struct rl_err *err)
{
	struct store_step_run *steps = NULL;
	int n = 0;
	if (store_step_runs_of_run(r->store, r->baseline_id, &steps, &n, err) < 0)
		return -1;
	r->baseline_outputs = cJSON_CreateObject();
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct store_artifact_ref *outs = NULL;
		int no = 0;
		if (store_outputs_of(r->store, steps[i].id, &outs, &no, err) < 0) {
			rc = -1;
			break;
		}
		for (int k = 0; k < no; k++) {
			struct buf key = BUF_INIT;
			buf_printf(&key, "%s.%s", steps[i].name, outs[k].name);
			cJSON_AddStringToObject(r->baseline_outputs, key.data,
						outs[k].path ? outs[k].path : "");
			buf_free(&key);
		}
		store_artifact_refs_free(outs, no);
	}
	store_step_runs_free(steps, n);
	return rc;
}

static int create_run(struct run *r, struct rl_err *err)
{
	struct spec *sp = r->spec;
	char *params_json = NULL;
	struct store_pipeline pl = { 0 };
	int rc = -1;

	if (tx(r, err) < 0)
		goto cleanup;
	if (store_pipeline_ensure(r->store, sp->name, sp->description,
				  &r->pipeline_id, err) < 0)
		goto cleanup;
	if (r->o->name) {
		int64_t other;
		if (store_run_id_by_name(r->store, r->o->name, &other, NULL) == 0) {
			rl_err_set(err, RL_E_USAGE,
				   "a run named '%s' already exists", r->o->name);
			goto cleanup;
		}
		r->run_name = strdup(r->o->name);
	} else if (!(r->run_name = default_run_name(r, err))) {
		goto cleanup;
	}

	/* the baseline: the pinned run, else the newest completed run */
	if (store_pipeline_get_by_id(r->store, r->pipeline_id, &pl, err) < 0)
		goto cleanup;
	if (pl.pinned_run_id) {
		r->baseline_id = pl.pinned_run_id;
	} else {
		struct store_run_cursor top = { INT64_MAX, INT64_MAX };
		if (store_run_previous_completed(r->store, r->pipeline_id, &top,
						 &r->baseline_id, NULL) < 0)
			r->baseline_id = 0;
	}
	if (r->baseline_id) {
		struct store_run b = { 0 };
		if (store_run_get(r->store, r->baseline_id, &b, NULL) == 0)
			r->baseline_name = b.name ? strdup(b.name) : NULL;
		store_run_clear(&b);
		if (baseline_outputs(r, err) < 0)
			goto cleanup;
	}

	params_json = cJSON_PrintUnformatted(sp->params);
	char *host = session_hostname();
	char *token = session_process_token(getpid());
	cJSON *model_name = sp->model ? cJSON_GetObjectItemCaseSensitive(
						sp->model, "name")
				      : NULL;
	if (cJSON_IsString(model_name))
		r->model_name = strdup(model_name->valuestring);
	struct store_run_new nr = {
		.pipeline_id = r->pipeline_id,
		.name = r->run_name,
		.status = "running",
		.started_ms = r->started_ms,
		.spec_path = sp->path,
		.spec_json = sp->text,
		.params_json = params_json ? params_json : "{}",
		.rerun_of = r->o->rerun_of,
		.runner_pid = (int)getpid(),
		.runner_host = host,
		.runner_token = token,
		.stack = r->stack_name,
		.model_name = r->model_name,
		.state_json = "{}",
	};
	int created = store_run_create(r->store, &nr, &r->run_id, err);
	free(host);
	free(token);
	if (created < 0)
		goto cleanup;
	for (int i = 0; i < r->ntags; i++)
		if (store_run_add_tag(r->store, r->run_id, r->tags[i], err) < 0)
			goto cleanup;
	for (cJSON *p = sp->params ? sp->params->child : NULL; p; p = p->next) {
		char *v = cJSON_PrintUnformatted(p);
		int prc = v ? store_run_add_param(r->store, r->run_id, p->string,
						  v, err)
			    : rl_err_set(err, RL_E_NOMEM, NULL);
		free(v);
		if (prc < 0)
			goto cleanup;
	}
	if (r->model_name) {
		cJSON *ver = cJSON_GetObjectItemCaseSensitive(sp->model, "version");
		char numbuf[64];
		const char *pinned = NULL;
		if (cJSON_IsString(ver)) {
			pinned = ver->valuestring;
		} else if (cJSON_IsNumber(ver)) {
			snprintf(numbuf, sizeof numbuf, "%g", ver->valuedouble);
			pinned = numbuf;
		}
		char *chosen = NULL;
		if (store_model_version_add(r->store, r->model_name, pinned,
					    r->run_id, &chosen, err) < 0)
			goto cleanup;
		r->model_version = chosen ? chosen
				 : pinned ? strdup(pinned)
					  : NULL;
	}

	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	char *runs = fs_join(store_dir(r->store), "runs");
	r->run_dir = runs ? fs_join(runs, idbuf) : NULL;
	free(runs);
	if (!r->run_dir) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}

	for (int k = 0; k < r->n; k++) {
		int i = sp->order[k];
		struct rstep *s = &r->steps[i];
		s->sp = &sp->steps[i];
		s->idx = i;
		s->pos = k;
		s->max_attempts = s->sp->retries + 1;
		cJSON *cfg = cJSON_CreateObject();
		cJSON_AddBoolToObject(cfg, "cache", s->sp->cache && !r->o->no_cache);
		cJSON_AddNumberToObject(cfg, "retries", s->sp->retries);
		cJSON_AddNumberToObject(cfg, "timeout", s->sp->timeout);
		if (s->sp->resources)
			cJSON_AddItemToObject(cfg, "resources",
					      cJSON_Duplicate(s->sp->resources, 1));
		char *cfg_json = cJSON_PrintUnformatted(cfg);
		cJSON_Delete(cfg);
		int src = store_step_run_create(r->store, r->run_id, s->sp->name,
						k, s->max_attempts, cfg_json,
						&s->step_run_id, err);
		free(cfg_json);
		if (src < 0)
			goto cleanup;
		s->pipe_out = s->pipe_err = s->log_out = s->log_err = -1;
		s->dir = fs_join(r->run_dir, s->sp->name);
		s->out_dir = s->dir ? fs_join(s->dir, "outputs") : NULL;
		s->ckpt_dir = s->dir ? fs_join(s->dir, "checkpoint") : NULL;
		int no = s->sp->noutputs, ni = s->sp->ninputs;
		s->out_paths = calloc((size_t)no + 1, sizeof(char *));
		s->art_paths = calloc((size_t)no + 1, sizeof(char *));
		s->art_sha = calloc((size_t)no + 1, sizeof(char *));
		s->art_type = calloc((size_t)no + 1, sizeof(char *));
		s->art_size = calloc((size_t)no + 1, sizeof(int64_t));
		s->art_ids = calloc((size_t)no + 1, sizeof(int64_t));
		s->inputs = calloc((size_t)ni + 1, sizeof(*s->inputs));
		s->in_paths = calloc((size_t)ni + 1, sizeof(char *));
		s->in_sha = calloc((size_t)ni + 1, sizeof(char *));
		if (!s->dir || !s->out_dir || !s->ckpt_dir || !s->out_paths ||
		    !s->art_paths || !s->art_sha || !s->art_type ||
		    !s->art_size || !s->art_ids || !s->inputs || !s->in_paths ||
		    !s->in_sha) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
		for (int j = 0; j < no; j++)
			if (!(s->out_paths[j] = fs_join(s->out_dir,
							s->sp->outputs[j].path))) {
				rl_err_set(err, RL_E_NOMEM, NULL);
				goto cleanup;
			}
	}
	if (mark_reuse_and_force(r, err) < 0)
		goto cleanup;
	if (tx_commit(r, err) < 0)
		goto cleanup;
	if (fs_mkdirs(r->run_dir, err) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (rc < 0 && r->in_tx) {
		store_rollback(r->store);
		r->in_tx = 0;
	}
	store_pipeline_clear(&pl);
	free(params_json);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Starting an attempt                                                 */

/* Resolve the step's inputs (once per step run): upstream artifacts, or
 * external paths, hashed and recorded. */
static int resolve_inputs(struct run *r, struct rstep *s, char **why,
			  struct rl_err *err)
{
	if (s->inputs_resolved)
		return 0;
	for (int i = 0; i < s->sp->ninputs; i++) {
		const struct spec_input *in = &s->sp->inputs[i];
		struct context_input *ci = &s->inputs[i];
		ci->name = in->name;
		if (in->kind == SPEC_INPUT_STEP) {
			struct rstep *up = &r->steps[in->step_index];
			int o = -1;
			for (int j = 0; j < up->sp->noutputs; j++)
				if (strcmp(up->sp->outputs[j].name, in->output) == 0)
					o = j;
			if (o < 0 || !up->art_paths[o]) {
				struct buf b = BUF_INIT;
				buf_printf(&b, "input '%s': %s.%s was not produced",
					   in->name, in->step, in->output);
				*why = buf_steal(&b);
				return 1;
			}
			/* a step whose inputs failed to resolve is tried again
			 * (the cache, then the launch): replace, do not leak */
			free(s->in_paths[i]);
			s->in_paths[i] = strdup(up->art_paths[o]);
			ci->artifact_id = up->art_ids[o];
			ci->type = up->art_type[o];
			ci->size = up->art_size[o];
			ci->sha256 = up->art_sha[o];
			ci->producer_run_id = r->run_id;
			ci->producer_step = up->sp->name;
			ci->producer_output = in->output;
			ci->path = s->in_paths[i];
			if (tx(r, err) < 0 ||
			    store_step_input_add(r->store, s->step_run_id, in->name,
						 ci->artifact_id, "step.output",
						 err) < 0)
				return -1;
			continue;
		}
		char *abs = r->spec->dir ? fs_join(r->spec->dir, in->path)
					 : fs_absolute(in->path);
		if (!abs)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		free(s->in_paths[i]);
		s->in_paths[i] = abs;
		ci->path = abs;
		char hex[HASH_HEX_LEN + 1];
		int64_t size = 0;
		int is_dir = 0;
		struct rl_err herr = RL_ERR_INIT;
		if (hash_path(abs, hex, &size, &is_dir, &herr) < 0) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "input '%s': %s", in->name,
				   herr.code == RL_E_NOT_FOUND
					   ? "file does not exist"
					   : rl_err_msg(&herr));
			if (herr.code == RL_E_NOT_FOUND)
				buf_printf(&b, " (%s)", abs);
			rl_err_clear(&herr);
			*why = buf_steal(&b);
			return 1;
		}
		free(s->in_sha[i]);
		s->in_sha[i] = strdup(hex);
		ci->sha256 = s->in_sha[i];
		ci->type = is_dir ? "dir" : "file";
		ci->size = size;
		struct store_artifact_new an = {
			.sha256 = hex, .type = ci->type, .size = size,
			.path = abs, .created_ms = time_now_ms(),
		};
		struct buf source = BUF_INIT;
		buf_printf(&source, "path:%s", in->path);
		int rc = (tx(r, err) < 0 ||
			  store_artifact_add(r->store, &an, &ci->artifact_id, err) < 0 ||
			  store_step_input_add(r->store, s->step_run_id, in->name,
					       ci->artifact_id, source.data, err) < 0)
				 ? -1
				 : 0;
		buf_free(&source);
		if (rc < 0)
			return -1;
	}
	s->inputs_resolved = 1;
	return 0;
}

static int env_reserve(char ***env, int n, int *cap)
{
	if (n + 2 <= *cap)
		return 0;
	int ncap = *cap ? *cap * 2 : 64;
	char **p = realloc(*env, (size_t)ncap * sizeof(char *));
	if (!p)
		return -1;
	*env = p;
	*cap = ncap;
	return 0;
}

/* Append "KEY=VALUE" as it is (the inherited environment). */
static int env_add_raw(char ***env, int *n, int *cap, const char *kv)
{
	if (env_reserve(env, *n, cap) < 0)
		return -1;
	if (!((*env)[*n] = strdup(kv)))
		return -1;
	(*n)++;
	(*env)[*n] = NULL;
	return 0;
}

static int env_push(char ***env, int *n, int *cap, const char *key,
		    const char *value)
{
	if (env_reserve(env, *n, cap) < 0)
		return -1;
	/* a later value of the same key replaces the earlier one */
	size_t kl = strlen(key);
	struct buf b = BUF_INIT;
	if (buf_printf(&b, "%s=%s", key, value) < 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		if (strncmp((*env)[i], key, kl) == 0 && (*env)[i][kl] == '=') {
			free((*env)[i]);
			(*env)[i] = buf_steal(&b);
			return 0;
		}
	}
	(*env)[(*n)++] = buf_steal(&b);
	(*env)[*n] = NULL;
	return 0;
}

static int env_push_prefixed(char ***env, int *n, int *cap,
			     const char *prefix, const char *name,
			     const char *value)
{
	char *key = context_env_name(prefix, name);
	int rc = key ? env_push(env, n, cap, key, value) : -1;
	free(key);
	return rc;
}

static char *param_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	return cJSON_PrintUnformatted(v);
}

/* Build argv, environment and working folder of an attempt. */
static int prepare_exec(struct run *r, struct rstep *s, const char *ctx_path,
			char ***argv_out, char ***env_out, char **cwd_out,
			struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	char idbuf[32], stepidbuf[32], attbuf[16];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	snprintf(stepidbuf, sizeof stepidbuf, "%lld", (long long)s->step_run_id);
	snprintf(attbuf, sizeof attbuf, "%d", s->attempt);
	struct spec_subst sub = {
		.run_id = idbuf, .run_name = r->run_name,
		.input_paths = s->in_paths, .output_paths = s->out_paths,
	};
	char **argv = NULL, **env = NULL;
	char *cwd = NULL;
	int nenv = 0, capenv = 0, rc = -1;

	int argc = sp->run_shell ? 3 : sp->run_argc;
	argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!argv)
		goto nomem;
	if (sp->run_shell) {
		argv[0] = strdup("/bin/sh");
		argv[1] = strdup("-c");
		if (!argv[0] || !argv[1] ||
		    spec_substitute(r->spec, sp, sp->run_shell, &sub, &argv[2],
				    err) < 0)
			goto cleanup;
	} else {
		for (int i = 0; i < sp->run_argc; i++)
			if (spec_substitute(r->spec, sp, sp->run_argv[i], &sub,
					    &argv[i], err) < 0)
				goto cleanup;
	}

	if (sp->workdir) {
		char *wd = NULL;
		if (spec_substitute(r->spec, sp, sp->workdir, &sub, &wd, err) < 0)
			goto cleanup;
		cwd = r->spec->dir ? fs_join(r->spec->dir, wd) : strdup(wd);
		free(wd);
	} else {
		cwd = strdup(r->spec->dir ? r->spec->dir : ".");
	}
	if (!cwd)
		goto nomem;

	for (int i = 0; i < r->nbase_env; i++)
		if (env_add_raw(&env, &nenv, &capenv, r->base_env[i]) < 0)
			goto nomem;
	const char *store_path = store_dir(r->store);
	if (env_push(&env, &nenv, &capenv, "RUNLENS_CONTEXT", ctx_path) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_STORE", store_path) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_PIPELINE", r->spec->name) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_RUN_ID", idbuf) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_RUN_NAME", r->run_name) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_STEP", sp->name) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_STEP_RUN_ID", stepidbuf) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_ATTEMPT", attbuf) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_STEP_DIR", s->dir) < 0 ||
	    env_push(&env, &nenv, &capenv, "RUNLENS_CHECKPOINT_DIR", s->ckpt_dir) < 0)
		goto nomem;
	for (int i = 0; i < sp->ninputs; i++)
		if (env_push_prefixed(&env, &nenv, &capenv, "RUNLENS_INPUT_",
				      sp->inputs[i].name, s->in_paths[i]) < 0)
			goto nomem;
	for (int i = 0; i < sp->noutputs; i++)
		if (env_push_prefixed(&env, &nenv, &capenv, "RUNLENS_OUTPUT_",
				      sp->outputs[i].name, s->out_paths[i]) < 0)
			goto nomem;
	for (cJSON *p = sp->params ? sp->params->child : NULL; p; p = p->next) {
		char *v = param_text(p);
		int prc = v ? env_push_prefixed(&env, &nenv, &capenv,
						"RUNLENS_PARAM_", p->string, v)
			    : -1;
		free(v);
		if (prc < 0)
			goto nomem;
	}
	for (int i = 0; i < sp->nsecrets; i++) {
		cJSON *sec = cJSON_GetObjectItemCaseSensitive(r->secrets, sp->secrets[i]);
		for (cJSON *kv = sec ? sec->child : NULL; kv; kv = kv->next) {
			if (!cJSON_IsString(kv))
				continue;
			char *a = context_env_name("RUNLENS_SECRET_", sp->secrets[i]);
			char *b = context_env_name("_", kv->string);
			struct buf key = BUF_INIT;
			buf_printf(&key, "%s%s", a ? a : "", b ? b : "");
			int prc = env_push(&env, &nenv, &capenv, key.data, kv->valuestring);
			buf_free(&key);
			free(a);
			free(b);
			if (prc < 0)
				goto nomem;
		}
	}
	if (r->python_dir) {
		const char *pp = getenv("PYTHONPATH");
		struct buf v = BUF_INIT;
		buf_printf(&v, "%s%s%s", r->python_dir, pp && *pp ? ":" : "",
			   pp && *pp ? pp : "");
		int prc = env_push(&env, &nenv, &capenv, "PYTHONPATH", v.data);
		buf_free(&v);
		if (prc < 0)
			goto nomem;
	}
	for (int i = 0; i < sp->nenv; i++) {
		char *v = NULL;
		if (spec_substitute(r->spec, sp, sp->env[i].value, &sub, &v, err) < 0)
			goto cleanup;
		int prc = env_push(&env, &nenv, &capenv, sp->env[i].key, v);
		free(v);
		if (prc < 0)
			goto nomem;
	}
	*argv_out = argv;
	*env_out = env;
	*cwd_out = cwd;
	return 0;
nomem:
	rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	strv_free(argv, argc);
	strv_free(env, nenv);
	free(cwd);
	return rc;
}

/* The folders of the attempt in ATT_DIR.  In a step folder made just now
 * (FRESH) they are made top-down, nothing to clear; otherwise as needed,
 * the failed attempt's outputs removed and the checkpoint kept. */
static int make_step_folders(const struct rstep *s, const char *att_dir, int fresh,
			     struct rl_err *err)
{
	if (!fresh)
		return fs_mkdirs(att_dir, err) < 0 || fs_mkdirs(s->ckpt_dir, err) < 0 ||
				       fs_remove_tree(s->out_dir, err) < 0 ||
				       fs_mkdirs(s->out_dir, err) < 0
			       ? -1
			       : 0;
	char *attempts = fs_dirname(att_dir);
	int rc = !attempts ? rl_err_set(err, RL_E_NOMEM, NULL)
		 : fs_mkdir(attempts, err) < 0 || fs_mkdir(att_dir, err) < 0 ||
				 fs_mkdir(s->ckpt_dir, err) < 0 || fs_mkdir(s->out_dir, err) < 0
			 ? -1
			 : 0;
	free(attempts);
	return rc;
}

static int count_entries(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* FRESH: the step folder was made for this attempt (an empty checkpoint
 * folder, no context.json yet). */
static int write_context(struct run *r, struct rstep *s, const char *path,
			 int fresh, char **json_out, struct rl_err *err)
{
	/* "exists": an earlier attempt left something to resume from */
	int ck_exists = !fresh && count_entries(s->ckpt_dir) > 0;
	struct context_args a = {
		.pipeline_id = r->pipeline_id, .pipeline = r->spec->name,
		.run_id = r->run_id, .run_name = r->run_name,
		.run_started_ms = r->started_ms, .tags = r->tags,
		.ntags = r->ntags, .params = r->spec->params,
		.rerun_of = r->o->rerun_of,
		.state = r->state, .spec = r->spec, .step = s->sp,
		.step_run_id = s->step_run_id, .attempt = s->attempt,
		.max_attempts = s->max_attempts, .inputs = s->inputs,
		.output_paths = s->out_paths, .stack_name = r->stack_name,
		.artifact_store = r->artifact_root,
		.orchestrator = r->ex_ops->flavor,
		.model_name = r->model_name, .model_version = r->model_version,
		.baseline_run_id = r->baseline_id,
		.baseline_run_name = r->baseline_name,
		.baseline_outputs = r->baseline_outputs,
		.step_dir = s->dir, .records_path = s->records_path,
		.checkpoint_dir = s->ckpt_dir,
		.checkpoint_exists = ck_exists,
		.environment = r->environment,
	};
	cJSON *doc = context_build(&a);
	char *json = doc ? cJSON_Print(doc) : NULL;
	cJSON_Delete(doc);
	if (!json)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (!fresh)
		unlink(path);
	if (fs_write_file(path, json, strlen(json), 0444, err) < 0) {
		free(json);
		return -1;
	}
	*json_out = json;
	return 0;
}

static int fail_attempt(struct run *r, struct rstep *s, const char *why,
			int exit_code, int sig, int timed_out,
			struct rl_err *err);

/* The values of the step's declared secrets: 0, or 1 with *why when one
 * is missing, or -1 on a load error (the run stops). */
static int prepare_secrets(struct run *r, struct rstep *s, char **why,
			   struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	if (!sp->nsecrets || s->secret_values)
		return 0;
	if (!r->secrets) {
		struct rl_err lerr = RL_ERR_INIT;
		if (secrets_load(&r->secrets, &lerr) < 0) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "secrets: %s", rl_err_msg(&lerr));
			rl_err_clear(&lerr);
			*why = buf_steal(&b);
			return 1;
		}
	}
	int n = 0;
	for (int i = 0; i < sp->nsecrets; i++) {
		cJSON *sec = cJSON_GetObjectItemCaseSensitive(r->secrets, sp->secrets[i]);
		if (!cJSON_IsObject(sec)) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "secret '%s' is not set (runlens secret set %s KEY=VALUE)",
				   sp->secrets[i], sp->secrets[i]);
			*why = buf_steal(&b);
			return 1;
		}
		n += cJSON_GetArraySize(sec);
	}
	s->secret_values = calloc((size_t)n + 1, sizeof(char *));
	if (!s->secret_values)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < sp->nsecrets; i++) {
		cJSON *sec = cJSON_GetObjectItemCaseSensitive(r->secrets, sp->secrets[i]);
		for (cJSON *kv = sec->child; kv; kv = kv->next)
			if (cJSON_IsString(kv) && *kv->valuestring)
				s->secret_values[s->nsecret_values++] = strdup(kv->valuestring);
	}
	return 0;
}

static void close_masked_output(struct rstep *s)
{
	int *fds[] = { &s->pipe_out, &s->pipe_err, &s->log_out, &s->log_err };
	for (size_t i = 0; i < 4; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	masker_free(&s->mask_out);
	masker_free(&s->mask_err);
}

/* Output through pipes that the runner masks before it reaches the logs.
 * *wout / *werr receive the write ends for the job. */
static int open_masked_output(struct rstep *s, const char *out_path,
			      const char *err_path, int *wout, int *werr,
			      struct rl_err *err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	s->log_out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	s->log_err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (s->log_out < 0 || s->log_err < 0 || pipe2(po, O_CLOEXEC) < 0 ||
	    pipe2(pe, O_CLOEXEC) < 0) {
		int e = errno;
		close_masked_output(s);
		for (int i = 0; i < 2; i++) {
			if (po[i] >= 0)
				close(po[i]);
			if (pe[i] >= 0)
				close(pe[i]);
		}
		return rl_err_set(err, RL_E_IO, "cannot capture output: %s", strerror(e));
	}
	fcntl(po[0], F_SETFL, O_NONBLOCK);
	fcntl(pe[0], F_SETFL, O_NONBLOCK);
	s->pipe_out = po[0];
	s->pipe_err = pe[0];
	*wout = po[1];
	*werr = pe[1];
	s->mask_out = masker_new(s->secret_values, s->nsecret_values);
	s->mask_err = masker_new(s->secret_values, s->nsecret_values);
	return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Copy what the step wrote to its pipes into the logs, masked.  With
 * FINAL, flush and close (the job has ended). */
static void pump_masked(struct rstep *s, int final)
{
	int *pipes[2] = { &s->pipe_out, &s->pipe_err };
	int logs[2] = { s->log_out, s->log_err };
	struct masker *masks[2] = { s->mask_out, s->mask_err };
	char chunk[65536];
	struct buf out = BUF_INIT;
	for (int k = 0; k < 2; k++) {
		if (*pipes[k] < 0)
			continue;
		for (;;) {
			ssize_t n = read(*pipes[k], chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			buf_reset(&out);
			masker_feed(masks[k], chunk, (size_t)n, &out);
			write_all(logs[k], out.data ? out.data : "", out.len);
		}
		if (final) {
			buf_reset(&out);
			masker_flush(masks[k], &out);
			write_all(logs[k], out.data ? out.data : "", out.len);
		}
	}
	buf_free(&out);
	if (final)
		close_masked_output(s);
}

/* Start the next attempt of a ready step.  A step that cannot be started
 * fails this attempt (and may be retried); only store errors return -1. */
static int start_attempt(struct run *r, struct rstep *s, struct rl_err *err)
{
	char *why = NULL, *ctx_path = NULL, *ctx_json = NULL, *att_dir = NULL;
	char *out_path = NULL, *err_path = NULL, *cwd = NULL;
	char **argv = NULL, **env = NULL;
	int rc = -1;

	s->attempt++;
	s->timed_out = 0;
	s->kill_at = 0;
	s->deadline = 0;
	int ir = resolve_inputs(r, s, &why, err);
	if (ir < 0)
		goto cleanup;
	if (ir > 0) {
		/* an input is missing: no attempt can succeed */
		s->attempt = s->max_attempts;
		rc = fail_attempt(r, s, why, -1, 0, 0, err);
		goto cleanup;
	}
	if (prepare_secrets(r, s, &why, err) != 0) {
		if (!why)
			goto cleanup;
		s->attempt = s->max_attempts; /* no attempt can succeed */
		rc = fail_attempt(r, s, why, -1, 0, 0, err);
		goto cleanup;
	}
	char numbuf[32];
	snprintf(numbuf, sizeof numbuf, "attempts/%d", s->attempt);
	att_dir = fs_join(s->dir, numbuf);
	ctx_path = fs_join(s->dir, "context.json");
	out_path = att_dir ? fs_join(att_dir, "stdout.log") : NULL;
	err_path = att_dir ? fs_join(att_dir, "stderr.log") : NULL;
	free(s->records_path);
	free(s->stderr_path);
	s->records_path = att_dir ? fs_join(att_dir, "records.jsonl") : NULL;
	s->stderr_path = err_path ? strdup(err_path) : NULL;
	if (!att_dir || !ctx_path || !out_path || !err_path || !s->records_path ||
	    !s->stderr_path) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	ingest_release(&s->ing);
	memset(&s->ing, 0, sizeof s->ing);
	s->ing.path = s->records_path;
	s->ing.step_run_id = s->step_run_id;
	s->ing.step = s->sp;
	s->ing.secrets = s->secret_values;
	s->ing.nsecrets = s->nsecret_values;
	s->ing.warn_path = s->stderr_path;
	cJSON_Delete(s->pending_state);
	s->pending_state = cJSON_CreateObject();
	s->ing.state = s->pending_state;
	struct rl_err ferr = RL_ERR_INIT;
	/* A step folder made just now (the first attempt, as a rule) needs no
	 * clearing and no looking into: its folders are made top-down, its
	 * checkpoint is known to be empty.  Otherwise (a retry) outputs of the
	 * failed attempt go and the checkpoint is kept. */
	int fresh = mkdir(s->dir, 0755) == 0;
	if (make_step_folders(s, att_dir, fresh, &ferr) < 0) {
		rc = rl_err_set(err, ferr.code, "%s", rl_err_msg(&ferr));
		rl_err_clear(&ferr);
		goto cleanup;
	}
	for (int i = 0; i < s->sp->noutputs; i++) {
		char *parent = fs_dirname(s->out_paths[i]);
		int prc = parent ? fs_mkdirs(parent, &ferr) : -1;
		free(parent);
		if (prc < 0) {
			rc = rl_err_set(err, ferr.code, "%s", rl_err_msg(&ferr));
			rl_err_clear(&ferr);
			goto cleanup;
		}
	}
	if (write_context(r, s, ctx_path, fresh, &ctx_json, err) < 0)
		goto cleanup;

	if (tx(r, err) < 0 ||
	    store_attempt_create(r->store, s->step_run_id, s->attempt,
				 time_now_ms(), out_path, err_path, ctx_json,
				 &s->attempt_id, err) < 0)
		goto cleanup;
	if (set_state(r, s, RS_RUNNING, NULL, err) < 0)
		goto cleanup;

	struct rl_err xerr = RL_ERR_INIT;
	if (prepare_exec(r, s, ctx_path, &argv, &env, &cwd, &xerr) < 0) {
		rc = fail_attempt(r, s, rl_err_msg(&xerr), -1, 0, 0, err);
		rl_err_clear(&xerr);
		goto cleanup;
	}
	struct exec_request req = {
		.argv = argv, .envp = env, .cwd = cwd,
		.stdout_path = out_path, .stderr_path = err_path,
		.stdout_fd = -1, .stderr_fd = -1,
	};
	int wout = -1, werr = -1;
	if (s->nsecret_values &&
	    open_masked_output(s, out_path, err_path, &wout, &werr, &xerr) < 0) {
		rc = fail_attempt(r, s, rl_err_msg(&xerr), -1, 0, 0, err);
		rl_err_clear(&xerr);
		goto cleanup;
	}
	req.stdout_fd = wout;
	req.stderr_fd = werr;
	s->attempt_start = time_mono_ms();
	s->last_ingest = s->attempt_start;
	int started = r->ex_ops->start(r->ex, &req, &s->job, &xerr);
	if (wout >= 0) {
		close(wout);
		close(werr);
	}
	if (started < 0) {
		s->job = 0;
		close_masked_output(s);
		rc = fail_attempt(r, s, rl_err_msg(&xerr), 127, 0, 0, err);
		rl_err_clear(&xerr);
		goto cleanup;
	}
	r->running++;
	if (s->sp->timeout > 0)
		s->deadline = s->attempt_start + (int64_t)(s->sp->timeout * 1000.0);
	rc = 0;
cleanup:
	strv_free(argv, s->sp->run_shell ? 3 : s->sp->run_argc);
	if (env) {
		for (int i = 0; env[i]; i++)
			free(env[i]);
		free(env);
	}
	free(cwd);
	free(why);
	free(ctx_path);
	free(ctx_json);
	free(att_dir);
	free(out_path);
	free(err_path);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Ending an attempt                                                   */

/* An attempt failed: retry if attempts are left, else fail the step. */
static int fail_attempt(struct run *r, struct rstep *s, const char *why,
			int exit_code, int sig, int timed_out,
			struct rl_err *err)
{
	int64_t now = time_now_ms();
	const char *astatus = r->interrupting ? "interrupted" : "failed";
	if (s->attempt_id &&
	    (tx(r, err) < 0 ||
	     store_attempt_finish(r->store, s->attempt_id, astatus, now,
				  exit_code, sig, timed_out, why, err) < 0))
		return -1;
	s->attempt_id = 0;
	if (r->interrupting)
		return set_state(r, s, RS_INTERRUPTED, "interrupted", err);
	if (s->attempt < s->max_attempts) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "attempt %d/%d failed: %s", s->attempt,
			   s->max_attempts, why);
		int rc = set_state(r, s, RS_RETRYING, b.data, err);
		buf_free(&b);
		return rc;
	}
	return set_state(r, s, RS_FAILED, why, err);
}

/* Artifacts are not to be edited in place: drop the write bits of a
 * stored file, or of the files of a stored folder. */
static void make_read_only(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISREG(st.st_mode)) {
		chmod(path, st.st_mode & ~(mode_t)0222);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *child = fs_join(path, de->d_name);
		if (child)
			make_read_only(child);
		free(child);
	}
	if (d)
		closedir(d);
}

/* Move a finished output into the artifact store (content-addressed:
 * ROOT/ab/abcdef…/NAME), leaving a symbolic link where the step wrote it.
 * When it cannot be moved (another file system), it stays in place. */
static char *store_output(struct run *r, const char *path, const char *hex)
{
	char prefix[3] = { hex[0], hex[1], '\0' };
	char *d1 = fs_join(r->artifact_root, prefix);
	char *d2 = d1 ? fs_join(d1, hex) : NULL;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char *dest = d2 ? fs_join(d2, base) : NULL;
	char *result = NULL;
	free(d1);
	if (!dest)
		goto cleanup;
	char have[HASH_HEX_LEN + 1];
	if (fs_exists(dest) && hash_path(dest, have, NULL, NULL, NULL) == 0 &&
	    strcmp(have, hex) == 0) {
		/* the same content is already stored: keep one copy */
		if (fs_remove_tree(path, NULL) < 0)
			goto keep;
	} else {
		/* new content, or a stored copy that was changed: replace it */
		if (fs_exists(dest)) {
			chmod(dest, 0755);
			fs_remove_tree(dest, NULL);
		}
		if (fs_mkdirs(d2, NULL) < 0 || rename(path, dest) < 0)
			goto keep;
		make_read_only(dest);
	}
	if (symlink(dest, path) < 0) {
		/* the content is safe in the store; the link is a convenience */
	}
	result = dest;
	dest = NULL;
	goto cleanup;
keep:
	result = strdup(path);
cleanup:
	free(d2);
	free(dest);
	return result;
}

/* The step's metrics_file output: its JSON numbers become metrics.
 * Returns 0, 1 when the attempt failed (invalid file), -1 on store errors. */
static int record_metrics_file(struct run *r, struct rstep *s,
			       struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	int o = -1;
	for (int i = 0; i < sp->noutputs; i++)
		if (strcmp(sp->outputs[i].name, sp->metrics_file) == 0)
			o = i;
	char *text = NULL;
	size_t len = 0;
	cJSON *doc = NULL;
	struct buf why = BUF_INIT;
	int rc = 0;
	if (o < 0 || fs_read_file(s->out_paths[o], &text, &len, NULL) < 0) {
		buf_printf(&why, "metrics_file '%s' cannot be read", sp->metrics_file);
	} else if (!(doc = cJSON_ParseWithLength(text, len))) {
		buf_printf(&why, "metrics_file '%s' (%s) is not valid JSON",
			   sp->metrics_file, sp->outputs[o].path);
	} else if (tx(r, err) < 0 ||
		   ingest_metrics_json(r->store, s->step_run_id, doc, err) < 0) {
		rc = -1;
	}
	if (why.len)
		rc = fail_attempt(r, s, why.data, 0, 0, 0, err) < 0 ? -1 : 1;
	buf_free(&why);
	cJSON_Delete(doc);
	free(text);
	return rc;
}

static int finish_success(struct run *r, struct rstep *s, struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	/* every declared output must be there */
	for (int i = 0; i < sp->noutputs; i++) {
		struct stat st;
		if (stat(s->out_paths[i], &st) < 0) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "declared output '%s' (%s) was not written",
				   sp->outputs[i].name, sp->outputs[i].path);
			int rc = fail_attempt(r, s, b.data, 0, 0, 0, err);
			buf_free(&b);
			return rc;
		}
	}
	if (sp->metrics_file) {
		int r2 = record_metrics_file(r, s, err);
		if (r2 != 0)
			return r2 < 0 ? -1 : 0;
	}
	for (int i = 0; i < sp->noutputs; i++) {
		char hex[HASH_HEX_LEN + 1];
		int64_t size = 0;
		int is_dir = 0;
		struct rl_err herr = RL_ERR_INIT;
		if (hash_path(s->out_paths[i], hex, &size, &is_dir, &herr) < 0) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "output '%s': %s", sp->outputs[i].name,
				   rl_err_msg(&herr));
			rl_err_clear(&herr);
			int rc = fail_attempt(r, s, b.data, 0, 0, 0, err);
			buf_free(&b);
			return rc;
		}
		char *where = store_output(r, s->out_paths[i], hex);
		if (!where)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		free(s->art_paths[i]);
		s->art_paths[i] = where;
		free(s->art_sha[i]);
		s->art_sha[i] = strdup(hex);
		s->art_type[i] = is_dir ? "dir" : "file";
		s->art_size[i] = size;
		struct store_artifact_new an = {
			.sha256 = hex, .type = s->art_type[i], .size = size,
			.path = where, .created_ms = time_now_ms(),
		};
		if (tx(r, err) < 0 ||
		    store_artifact_add(r->store, &an, &s->art_ids[i], err) < 0 ||
		    store_step_output_add(r->store, s->step_run_id,
					  sp->outputs[i].name, s->art_ids[i],
					  err) < 0)
			return -1;
	}
	if (tx(r, err) < 0 ||
	    store_attempt_finish(r->store, s->attempt_id, "completed",
				 time_now_ms(), 0, 0, 0, NULL, err) < 0)
		return -1;
	s->attempt_id = 0;
	/* state writes apply now, in completion order */
	if (s->pending_state && s->pending_state->child) {
		context_merge(r->state, s->pending_state);
		char *json = cJSON_PrintUnformatted(r->state);
		int src = json ? store_run_set_state(r->store, r->run_id, json, err)
			       : rl_err_set(err, RL_E_NOMEM, NULL);
		free(json);
		if (src < 0)
			return -1;
	}
	return set_state(r, s, RS_COMPLETED, NULL, err);
}

/* The records file of a step with secrets may hold a value the step wrote
 * (runlens meta k=$SECRET), also JSON-escaped: once ingested, keep only a
 * masked copy. */
static void mask_records_file(struct rstep *s)
{
	char *text = NULL;
	size_t len = 0;
	if (!s->nsecret_values || !s->records_path ||
	    fs_read_file(s->records_path, &text, &len, NULL) < 0)
		return;
	struct buf out = BUF_INIT;
	mask_json_lines(s->secret_values, s->nsecret_values, text, len, &out);
	if (out.len != len || memcmp(out.data, text, len) != 0)
		fs_write_file(s->records_path, out.data ? out.data : "", out.len,
			      0644, NULL);
	buf_free(&out);
	free(text);
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
		pump_masked(s, 1);
		if (tx(r, err) < 0 || ingest_poll(r->store, &s->ing, 1, err) < 0)
			return -1;
		mask_records_file(s);
		if (res.exit_code == 0 && !s->timed_out && !r->interrupting) {
			if (finish_success(r, s, err) < 0)
				return -1;
			continue;
		}
		struct buf b = BUF_INIT;
		if (s->timed_out)
			buf_printf(&b, "timed out after %gs", s->sp->timeout);
		else if (r->interrupting)
			buf_puts(&b, "interrupted");
		else if (res.signal)
			buf_printf(&b, "killed by signal %d (%s)", res.signal,
				   strsignal(res.signal));
		else
			buf_printf(&b, "exit code %d", res.exit_code);
		int rc = fail_attempt(r, s, b.data, res.exit_code, res.signal,
				      s->timed_out, err);
		buf_free(&b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Scheduling                                                          */

/* Skip pending steps downstream of a failure; return 1 when STEP may
 * start now. */
static int ready(struct run *r, struct rstep *s, struct rl_err *err,
		 int *error)
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
			buf_printf(&b, "upstream step '%s' %s", d->sp->name,
				   rstate_names[d->state]);
			if (set_state(r, s, RS_SKIPPED, b.data, err) < 0)
				*error = 1;
			buf_free(&b);
			return 0;
		}
		if (d->state != RS_COMPLETED && d->state != RS_CACHED)
			return 0;
	}
	return 1;
}

/* Before a step takes a job slot: reuse an earlier result when its cache
 * key matches (or --from says so) and its artifacts still verify.
 * Returns 1 when the step is done (cached), 0 when it must run. */
static int try_cache(struct run *r, struct rstep *s, struct rl_err *err)
{
	if (s->cache_checked)
		return 0;
	s->cache_checked = 1;
	char *why = NULL;
	int ir = resolve_inputs(r, s, &why, err);
	free(why);
	if (ir != 0)
		return ir < 0 ? -1 : 0; /* a missing input: start_attempt says so */
	int ni = s->sp->ninputs, rc = -1, nouts = 0;
	char **shas = calloc((size_t)ni + 1, sizeof(char *));
	cJSON *parts = NULL;
	char *parts_json = NULL;
	struct store_artifact_ref *outs = NULL;
	char key[HASH_HEX_LEN + 1], idbuf[32];
	if (!shas)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < ni; i++)
		shas[i] = (char *)s->inputs[i].sha256;
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	if (cache_key(r->spec, s->sp, idbuf, r->run_name, shas, &parts, key, err) < 0)
		goto cleanup;
	int64_t hit = 0;
	struct buf note = BUF_INIT;
	if (s->reuse_from) {
		char *vwhy = NULL;
		int v = cache_verify(r->store, s->reuse_from, s->sp, &outs, &nouts, &vwhy, err);
		free(vwhy);
		if (v < 0)
			goto cleanup;
		if (v == 1) {
			hit = s->reuse_from;
			buf_printf(&note, "reused from run %lld", (long long)r->o->reuse_run);
		}
	}
	if (!hit && s->sp->cache && !r->o->no_cache && !s->force) {
		if (cache_lookup(r->store, r->pipeline_id, s->sp, key, &hit, &outs, &nouts, err) < 0)
			goto cleanup;
		if (hit)
			buf_printf(&note, "from step run %lld", (long long)hit);
	}
	if (hit) {
		/* point at the step run that really ran, not at another copy */
		struct store_step_run src = { 0 };
		if (store_step_run_get_by_id(r->store, hit, &src, NULL) == 0 && src.cached_from)
			hit = src.cached_from;
		store_step_run_clear(&src);
	}
	parts_json = cJSON_PrintUnformatted(parts);
	if (tx(r, err) < 0 ||
	    store_step_run_set_cache(r->store, s->step_run_id, key, parts_json, hit, err) < 0) {
		buf_free(&note);
		goto cleanup;
	}
	if (!hit) {
		buf_free(&note);
		rc = 0;
		goto cleanup;
	}
	if (store_step_run_copy_results(r->store, s->step_run_id, hit, err) < 0) {
		buf_free(&note);
		goto cleanup;
	}
	for (int i = 0; i < s->sp->noutputs; i++)
		for (int k = 0; k < nouts; k++) {
			if (strcmp(outs[k].name, s->sp->outputs[i].name) != 0)
				continue;
			free(s->art_paths[i]);
			free(s->art_sha[i]);
			s->art_paths[i] = strdup(outs[k].path);
			s->art_sha[i] = strdup(outs[k].sha256);
			s->art_type[i] = strcmp(outs[k].type, "dir") == 0 ? "dir" : "file";
			s->art_size[i] = outs[k].size;
			s->art_ids[i] = outs[k].artifact_id;
		}
	rc = set_state_ex(r, s, RS_CACHED, NULL, note.data, err) < 0 ? -1 : 1;
	buf_free(&note);
cleanup:
	store_artifact_refs_free(outs, nouts);
	free(parts_json);
	cJSON_Delete(parts);
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
			if (start_attempt(r, s, err) < 0)
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
	int hard = interrupt_count > 1;
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

static int next_wakeup(const struct run *r, int64_t now)
{
	int tick = r->o->observer ? r->o->observer->tick_ms : 0;
	int64_t t = now + (tick > 0 && tick < 1000 ? tick : 1000);
	int64_t hb = r->last_heartbeat + SESSION_HEARTBEAT_MS;
	if (hb < t)
		t = hb;
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

#define INGEST_EVERY_MS 250

/* Read the records of running steps (so metrics show up while a step
 * runs), at most every INGEST_EVERY_MS per step. */
static int ingest_running(struct run *r, int64_t now, struct rl_err *err)
{
	for (int i = 0; i < r->n; i++) {
		struct rstep *s = &r->steps[i];
		if (s->state != RS_RUNNING || !s->job ||
		    now - s->last_ingest < INGEST_EVERY_MS)
			continue;
		s->last_ingest = now;
		if (tx(r, err) < 0 || ingest_poll(r->store, &s->ing, 0, err) < 0)
			return -1;
	}
	return 0;
}

static int schedule(struct run *r, struct rl_err *err)
{
	int rc = -1;
	struct pollfd *fds = calloc((size_t)(2 + 2 * r->n), sizeof(*fds));
	if (!fds)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	r->last_heartbeat = time_mono_ms();
	for (;;) {
		if (interrupt_count)
			begin_interrupt(r, time_mono_ms());
		if (launch_ready(r, err) < 0)
			goto cleanup;
		if (tx_commit(r, err) < 0)
			goto cleanup;
		if (r->running == 0 && (r->interrupting || !unfinished(r)))
			break;
		int64_t now = time_mono_ms();
		struct runner_event tev = { .kind = RUNNER_EV_TICK };
		emit(r, &tev);
		int nfds = 2;
		fds[0].fd = r->ex_ops->event_fd(r->ex);
		fds[0].events = POLLIN;
		fds[1].fd = sig_pipe[0];
		fds[1].events = POLLIN;
		for (int i = 0; i < r->n; i++) {
			struct rstep *st = &r->steps[i];
			if (st->state != RS_RUNNING || st->pipe_out < 0)
				continue;
			fds[nfds].fd = st->pipe_out;
			fds[nfds++].events = POLLIN;
			fds[nfds].fd = st->pipe_err;
			fds[nfds++].events = POLLIN;
		}
		int wait = next_wakeup(r, now);
		if (r->running > 0 && wait > INGEST_EVERY_MS)
			wait = INGEST_EVERY_MS;
		int n = poll(fds, (nfds_t)nfds, wait);
		if (n < 0 && errno != EINTR) {
			rl_err_set(err, RL_E_IO, "poll: %s", strerror(errno));
			goto cleanup;
		}
		if (fds[1].revents & POLLIN) {
			char drain[16];
			while (read(sig_pipe[0], drain, sizeof drain) > 0)
				;
		}
		for (int i = 0; i < r->n; i++)
			if (r->steps[i].state == RS_RUNNING && r->steps[i].pipe_out >= 0)
				pump_masked(&r->steps[i], 0);
		if (ingest_running(r, time_mono_ms(), err) < 0)
			goto cleanup;
		if (collect(r, err) < 0)
			goto cleanup;
		now = time_mono_ms();
		check_timeouts(r, now);
		if (now - r->last_heartbeat >= SESSION_HEARTBEAT_MS) {
			if (tx(r, err) < 0 ||
			    store_run_heartbeat(r->store, r->run_id, time_now_ms(),
						err) < 0)
				goto cleanup;
			r->last_heartbeat = now;
		}
	}
	rc = 0;
cleanup:
	if (rc < 0) {
		if (r->in_tx) {
			store_rollback(r->store);
			r->in_tx = 0;
		}
		/* leave no step behind */
		for (int i = 0; i < r->n; i++)
			if (r->steps[i].job)
				r->ex_ops->signal(r->ex, r->steps[i].job, SIGKILL);
		struct exec_result res;
		while (r->running > 0) {
			if (r->ex_ops->reap(r->ex, &res) == 1)
				r->running--;
			else
				poll(NULL, 0, 100);
		}
	}
	free(fds);
	return rc;
}

/* ------------------------------------------------------------------ */

static void run_free(struct run *r)
{
	for (int i = 0; i < r->n && r->steps; i++) {
		struct rstep *s = &r->steps[i];
		int no = s->sp ? s->sp->noutputs : 0;
		int ni = s->sp ? s->sp->ninputs : 0;
		free(s->dir);
		free(s->out_dir);
		free(s->ckpt_dir);
		strv_free(s->out_paths, no);
		strv_free(s->art_paths, no);
		strv_free(s->art_sha, no);
		free(s->art_type);
		free(s->art_size);
		free(s->art_ids);
		free(s->inputs);
		strv_free(s->in_paths, ni);
		strv_free(s->in_sha, ni);
		ingest_release(&s->ing);
		cJSON_Delete(s->pending_state);
		strv_free(s->secret_values, s->nsecret_values);
		close_masked_output(s);
		free(s->records_path);
		free(s->stderr_path);
	}
	free(r->steps);
	if (r->ex_ops && r->ex)
		r->ex_ops->close(&r->ex);
	store_close(&r->store);
	spec_free(&r->spec);
	cJSON_Delete(r->environment);
	cJSON_Delete(r->state);
	cJSON_Delete(r->baseline_outputs);
	cJSON_Delete(r->secrets);
	free(r->python_dir);
	strv_free(r->tags, r->ntags);
	strv_free(r->base_env, r->nbase_env);
	free(r->run_name);
	free(r->run_dir);
	free(r->artifact_root);
	free(r->stack_name);
	free(r->model_name);
	free(r->model_version);
	free(r->baseline_name);
}

static int jobs_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

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

int runner_run(const struct runner_opts *o, struct runner_result *res,
	       struct rl_err *err)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.o = o;
	int rc = -1, signals = 0;

	if (o->jobs < 0) {
		rl_err_set(err, RL_E_USAGE, "-j takes a positive number");
		goto cleanup;
	}
	r.jobs = o->jobs > 0 ? o->jobs : jobs_default();
	if (o->spec_text) {
		if (spec_parse(o->spec_text, strlen(o->spec_text), o->spec_path,
			       o->spec_dir, &r.spec, err) < 0)
			goto cleanup;
	} else if (spec_load_file(o->spec_path, &r.spec, err) < 0) {
		goto cleanup;
	}
	if (o->nparams && spec_set_params(r.spec, o->params, o->nparams, err) < 0)
		goto cleanup;
	r.n = r.spec->nsteps;
	r.steps = calloc((size_t)r.n, sizeof(*r.steps));
	if (!r.steps || collect_tags(&r) < 0 || base_environment(&r) < 0) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (session_open(o->store_flag, SESSION_CREATE, &r.store, err) < 0)
		goto cleanup;
	if (choose_stack(&r, err) < 0)
		goto cleanup;
	r.environment = context_environment(r.spec->dir);
	const char *pydir = getenv("RUNLENS_PYTHON_DIR");
	if (!pydir || !*pydir)
		pydir = RUNLENS_PYTHONDIR;
	if (fs_is_dir(pydir))
		r.python_dir = strdup(pydir);
	r.state = cJSON_CreateObject();
	r.started_ms = time_now_ms();
	r.start_mono = time_mono_ms();
	if (create_run(&r, err) < 0)
		goto cleanup;

	char **names = calloc((size_t)r.n + 1, sizeof(char *));
	if (!names) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (int k = 0; k < r.n; k++)
		names[k] = r.spec->steps[r.spec->order[k]].name;
	struct runner_event sev = {
		.kind = RUNNER_EV_START, .names = names, .nsteps = r.n, .jobs = r.jobs,
	};
	emit(&r, &sev);
	free(names);

	if (r.ex_ops->open(&r.ex, err) < 0 || signals_install(err) < 0)
		goto cleanup;
	signals = 1;
	int sched = schedule(&r, err);

	int failed = 0, completed = 0, cached = 0, skipped = 0;
	for (int i = 0; i < r.n; i++) {
		enum rstate st = r.steps[i].state;
		completed += st == RS_COMPLETED;
		cached += st == RS_CACHED;
		failed += st == RS_FAILED;
		skipped += st == RS_SKIPPED;
	}
	const char *status = r.interrupting ? "interrupted"
			     : (failed || skipped || sched < 0) ? "failed"
								 : "completed";
	struct rl_err ferr = RL_ERR_INIT;
	int64_t now = time_now_ms();
	int fin = strcmp(status, "interrupted") == 0
			  ? store_run_mark_interrupted(r.store, r.run_id, now, &ferr)
			  : store_run_finish(r.store, r.run_id, status, now, &ferr);
	if (sched < 0) {
		rl_err_clear(&ferr);
		goto cleanup;
	}
	if (fin < 0) {
		rl_err_set(err, ferr.code, "%s", rl_err_msg(&ferr));
		rl_err_clear(&ferr);
		goto cleanup;
	}
	struct runner_event eev = { .kind = RUNNER_EV_END, .status = status };
	emit(&r, &eev);
	if (res) {
		res->run_id = r.run_id;
		res->run_name = strdup(r.run_name);
		res->status = strdup(status);
		res->steps_total = r.n;
		res->steps_completed = completed;
		res->steps_cached = cached;
		res->steps_failed = failed;
		res->steps_skipped = skipped;
		res->duration_ms = time_mono_ms() - r.start_mono;
	}
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
