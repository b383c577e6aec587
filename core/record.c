/* core/record.c — the record of a run: its stack, name, tags, baseline,
 * model version, params and one step run per step, written in one
 * transaction before anything runs; and its end. */
#include "config.h"
#include "core/run_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/records.h"
#include "core/baseline.h"
#include "core/runs.h"
#include "core/session.h"
#include "core/testhook.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

const char *runner_stack_of(const struct runner_opts *o, const struct spec *sp)
{
	return o->stack ? o->stack : sp->stack ? sp->stack : "default";
}

int runner_check_stack(struct store *s, const char *name, struct rl_err *err)
{
	struct store_stack st = { 0 };
	int rc = strcmp(name, "default") == 0 || store_stack_get(s, name, &st, NULL) == 0
			 ? 0
			 : rl_err_set(err, RL_E_NOT_FOUND, "no stack '%s' (see 'runlens stack ls')",
				      name);
	store_stack_clear(&st);
	return rc;
}

int record_choose_stack(struct run *r, struct rl_err *err)
{
	const char *name = runner_stack_of(r->o, r->spec);
	struct store_stack st = { 0 };
	int rc = -1;
	r->stack_name = strdup(name);
	if (strcmp(name, "default") == 0) {
		if (store_stack_get(r->store, name, &st, NULL) == 0 && st.artifact_store)
			r->artifact_root = strdup(st.artifact_store);
		else
			r->artifact_root = fs_join(store_dir(r->store), "artifacts");
	} else {
		if (runner_check_stack(r->store, name, err) < 0 ||
		    store_stack_get(r->store, name, &st, err) < 0)
			goto cleanup;
		r->artifact_root = strdup(st.artifact_store);
	}
	r->stack_components = st.components_json ? cJSON_Parse(st.components_json) : NULL;
	char *settings = NULL;
	if (st.name && store_stack_settings(r->store, name, &settings, NULL) == 0)
		r->stack_settings = cJSON_Parse(settings);
	free(settings);
	const char *flavor = st.orchestrator ? st.orchestrator : "local";
	if (!(r->ex_ops = r->o->executor ? r->o->executor : executor_find(flavor))) {
		rl_err_set(err, RL_E_INPUT, "stack '%s': unknown orchestrator flavor '%s'", name,
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
		if (rc < 0 && code == RL_E_NOT_FOUND) {
			rl_err_clear(&e2);
			break;
		}
		if (rc < 0) {
			/* the store's own words: damaged, busy, read-only */
			buf_free(&name);
			rl_err_set(err, code, "cannot choose a run name: %s", rl_err_msg(&e2));
			rl_err_clear(&e2);
			return NULL;
		}
	}
	return buf_steal(&name);
}

static int choose_name(struct run *r, struct rl_err *err)
{
	if (!r->o->name)
		return (r->run_name = default_run_name(r, err)) ? 0 : -1;
	if (runs_name_free(r->store, r->o->name, err) < 0)
		return -1;
	r->run_name = strdup(r->o->name);
	return r->run_name ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

/* {"step.output": path} of every output of the baseline run. */
static int baseline_outputs(struct run *r, struct rl_err *err)
{
	struct store_step_run *steps = NULL;
	int n = 0, rc = 0;
	if (store_step_runs_of_run(r->store, r->baseline_id, &steps, &n, err) < 0)
		return -1;
	r->baseline_outputs = cJSON_CreateObject();
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

static int choose_baseline(struct run *r, struct rl_err *err)
{
	enum baseline_how how;
	r->baseline_id = baseline_for_new_run(r->store, r->pipeline_id, &how, &r->baseline_rule);
	r->baseline_by = how == BASELINE_PINNED || how == BASELINE_WAS_PINNED ? "pinned"
			 : how == BASELINE_PIN_RULE  ? "pin --where"
			 : how == BASELINE_FILE_RULE ? "file"
						     : NULL;
	if (!r->baseline_id)
		return 0;
	struct store_run b = { 0 };
	if (store_run_get(r->store, r->baseline_id, &b, NULL) == 0 && b.name)
		r->baseline_name = strdup(b.name);
	store_run_clear(&b);
	return baseline_outputs(r, err);
}

/* The run's recorded context (custom, model, environment, stack). */
static char *run_context(const struct run *r)
{
	struct context_args a = {
		.spec = r->spec, .stack_name = r->stack_name,
		.artifact_store = r->artifact_root, .orchestrator = r->ex_ops->flavor,
		.components = r->stack_components, .model_name = r->model_name,
		.model_version = r->model_version, .environment = r->environment,
	};
	cJSON *doc = context_run_record(&a);
	char *json = doc ? json_print(doc, 0) : NULL;
	cJSON_Delete(doc);
	return json;
}

static int insert_run(struct run *r, struct rl_err *err)
{
	const struct spec *sp = r->spec;
	/* the params the run's steps receive, not every declared one */
	cJSON *used = spec_used_params(sp);
	char *params_json = used ? json_print(used, 0) : NULL;
	cJSON_Delete(used);
	char *host = session_hostname();
	char *token = session_process_token(getpid());
	cJSON *model_name = sp->model ? cJSON_GetObjectItemCaseSensitive(sp->model, "name")
				      : NULL;
	if (cJSON_IsString(model_name))
		r->model_name = strdup(model_name->valuestring);
	/* the file's absolute path: a rerun from another folder runs its steps
	 * where the file is, and `spec --diff` finds it */
	const char *base = sp->path ? strrchr(sp->path, '/') : NULL;
	char *spec_path = sp->dir && sp->path ? fs_join(sp->dir, base ? base + 1 : sp->path) : NULL;
	struct store_run_new nr = {
		.pipeline_id = r->pipeline_id,
		.name = r->run_name,
		.status = "running",
		.started_ms = r->started_ms,
		.spec_path = spec_path ? spec_path : sp->path,
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
	int rc = store_run_create(r->store, &nr, &r->run_id, err);
	if (rc == 0) /* what its steps are told, kept (core/baseline.h) */
		rc = store_run_set_baseline_given(r->store, r->run_id, r->baseline_id,
						  r->baseline_by, r->baseline_rule, err);
	if (rc == 0 && r->o->sweep_id)
		rc = store_run_set_sweep(r->store, r->run_id, r->o->sweep_id, err);
	free(spec_path);
	free(host);
	free(token);
	free(params_json);
	return rc;
}

static int insert_tags_and_params(struct run *r, struct rl_err *err)
{
	for (int i = 0; i < r->ntags; i++)
		if (store_run_add_tag(r->store, r->run_id, r->tags[i], err) < 0)
			return -1;
	cJSON *used = spec_used_params(r->spec);
	int rc = used ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
	for (cJSON *p = used ? used->child : NULL; p && rc == 0; p = p->next) {
		char *v = json_print(p, 0);
		rc = v ? store_run_add_param(r->store, r->run_id, p->string, v, err)
		       : rl_err_set(err, RL_E_NOMEM, NULL);
		free(v);
	}
	cJSON_Delete(used);
	return rc;
}

/* The model version: pinned by the file, else the next of that model. */
static int model_version(struct run *r, struct rl_err *err)
{
	if (!r->model_name)
		return 0;
	cJSON *ver = cJSON_GetObjectItemCaseSensitive(r->spec->model, "version");
	char numbuf[64];
	const char *pinned = NULL;
	if (cJSON_IsString(ver)) {
		pinned = ver->valuestring;
	} else if (cJSON_IsNumber(ver)) {
		snprintf(numbuf, sizeof numbuf, "%g", ver->valuedouble);
		pinned = numbuf;
	}
	char *chosen = NULL;
	if (store_model_version_add(r->store, r->model_name, pinned, r->run_id, &chosen,
				    err) < 0)
		return -1;
	r->model_version = chosen ? chosen : pinned ? strdup(pinned) : NULL;
	return 0;
}

/* What the run was given, now that its model version is known. */
static int record_context(struct run *r, struct rl_err *err)
{
	char *json = run_context(r);
	int rc = json ? store_run_set_context(r->store, r->run_id, json, err)
		      : rl_err_set(err, RL_E_NOMEM, NULL);
	free(json);
	return rc;
}

/* The step run, pending, with what the step is given: the params it
 * receives, its tags, its own context — one row, one statement. */
static int record_step(struct run *r, struct rstep *s, int k, const char *cfg_json,
		       struct rl_err *err)
{
	char *params = json_print(s->sp->params, 0);
	char *tags = NULL, *ctx = NULL;
	if (s->sp->ntags) {
		cJSON *t = cJSON_CreateStringArray((const char *const *)s->sp->tags, s->sp->ntags);
		tags = t ? json_print(t, 0) : NULL;
		cJSON_Delete(t);
	}
	cJSON *c = context_step_record(r->spec, s->sp);
	if (c) {
		ctx = json_print(c, 0);
		cJSON_Delete(c);
	}
	int rc = params ? store_step_run_create_given(r->store, r->run_id, s->sp->name, k,
						      s->max_attempts, cfg_json, params, tags, ctx,
						      &s->step_run_id, err)
			: rl_err_set(err, RL_E_NOMEM, NULL);
	free(params);
	free(tags);
	free(ctx);
	return rc;
}

/* The step run of step I at position K, and its folders' paths. */
static int insert_step(struct run *r, int k, int i, struct rl_err *err)
{
	struct rstep *s = &r->steps[i];
	s->sp = &r->spec->steps[i];
	s->pos = k;
	s->max_attempts = s->sp->retries + 1;
	cJSON *cfg = cJSON_CreateObject();
	cJSON_AddBoolToObject(cfg, "cache", s->sp->cache && !r->o->no_cache);
	cJSON_AddNumberToObject(cfg, "retries", s->sp->retries);
	cJSON_AddNumberToObject(cfg, "retry_delay", s->sp->retry_delay);
	cJSON_AddNumberToObject(cfg, "retry_backoff", s->sp->retry_backoff);
	cJSON_AddNumberToObject(cfg, "timeout", s->sp->timeout);
	if (s->sp->resources)
		cJSON_AddItemToObject(cfg, "resources", cJSON_Duplicate(s->sp->resources, 1));
	char *cfg_json = json_print(cfg, 0);
	cJSON_Delete(cfg);
	int src = record_step(r, s, k, cfg_json, err);
	free(cfg_json);
	if (src < 0)
		return -1;
	int no = s->sp->noutputs, ni = s->sp->ninputs;
	s->dir = fs_join(r->run_dir, s->sp->name);
	s->out_dir = s->dir ? fs_join(s->dir, "outputs") : NULL;
	s->ckpt_dir = s->dir ? fs_join(s->dir, "checkpoint") : NULL;
	s->outputs = calloc((size_t)no + 1, sizeof(*s->outputs));
	s->inputs = calloc((size_t)ni + 1, sizeof(*s->inputs));
	if (!s->dir || !s->out_dir || !s->ckpt_dir || !s->outputs || !s->inputs)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int j = 0; j < no; j++)
		if (!(s->outputs[j].write_path = fs_join(s->out_dir, s->sp->outputs[j].path)))
			return rl_err_set(err, RL_E_NOMEM, NULL);
	return 0;
}

/* --from and --force: which steps reuse the earlier run's results, which
 * must run whatever the cache says (runner_load_spec checked the names). */
static int mark_reuse_and_force(struct run *r, struct rl_err *err)
{
	for (int i = 0; i < r->o->nforce; i++) {
		int k = spec_step_index(r->spec, r->o->force[i]);
		if (k >= 0)
			r->steps[k].force = 1;
	}
	int from = r->o->from_step ? spec_step_index(r->spec, r->o->from_step) : -1;
	if (from < 0)
		return 0;
	unsigned char *mark = calloc((size_t)r->n, 1);
	if (!mark)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	spec_mark_downstream(r->spec, from, mark);
	for (int i = 0; i < r->n; i++) {
		if (mark[i]) {
			r->steps[i].from_mark = i == from ? 1 : 2;
			continue;
		}
		if (!spec_is_upstream(r->spec, i, from))
			r->steps[i].from_mark = 3; /* a sibling: not needed by it */
		struct store_step_run old = { 0 };
		if (store_step_run_get(r->store, r->o->reuse_run, r->spec->steps[i].name, &old,
				       NULL) == 0 &&
		    (!strcmp(old.status, "completed") || !strcmp(old.status, "cached")))
			r->steps[i].reuse_from = old.id;
		store_step_run_clear(&old);
	}
	free(mark);
	return 0;
}

/* The run's folder, runs/ID: a new one.  One that is there already was
 * left behind (by a run deleted while its folder could not be removed,
 * or before the store kept run ids apart): it holds another run's logs
 * and checkpoints, which a step must never resume from, so the run does
 * not start (nothing is recorded: the transaction is rolled back). */
static int run_folder(struct run *r, struct rl_err *err)
{
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	char *runs = fs_join(store_dir(r->store), "runs");
	r->run_dir = runs ? fs_join(runs, idbuf) : NULL;
	free(runs);
	if (!r->run_dir)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	struct stat st;
	if (lstat(r->run_dir, &st) == 0)
		return rl_err_set(err, RL_E_FAIL,
				  "run %lld: its folder %s is already there (left by a deleted "
				  "run?); runlens does not reuse another run's folder: move it "
				  "away and run again", (long long)r->run_id, r->run_dir);
	if (errno != ENOENT)
		return rl_err_set(err, fs_errno_code(errno), "cannot look at %s: %s", r->run_dir,
				  strerror(errno));
	return 0;
}

int record_create(struct run *r, struct rl_err *err)
{
	const struct spec *sp = r->spec;
	int rc = -1;
	if (run_tx(r, err) < 0 ||
	    store_pipeline_ensure(r->store, sp->name, sp->description, &r->pipeline_id,
				  err) < 0 ||
	    /* the file's baseline rule, before this run's baseline is chosen */
	    store_pipeline_set_file_rule(r->store, r->pipeline_id, sp->baseline_where, err) < 0 ||
	    choose_name(r, err) < 0 || choose_baseline(r, err) < 0 || insert_run(r, err) < 0 ||
	    insert_tags_and_params(r, err) < 0 || model_version(r, err) < 0 ||
	    record_context(r, err) < 0 ||
	    run_folder(r, err) < 0)
		goto cleanup;
	for (int k = 0; k < r->n; k++)
		if (insert_step(r, k, sp->order[k], err) < 0)
			goto cleanup;
	if (mark_reuse_and_force(r, err) < 0 || run_tx_commit(r, err) < 0 ||
	    fs_mkdirs(r->run_dir, err) < 0)
		goto cleanup;
	if (!(r->real_run_dir = realpath(r->run_dir, NULL))) {
		rl_err_set(err, fs_errno_code(errno), "cannot resolve %s: %s", r->run_dir,
			   strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc < 0)
		run_tx_rollback(r);
	return rc;
}

int record_finish(struct run *r, int sched_failed, struct runner_result *res,
		  struct rl_err *err)
{
	int failed = 0, completed = 0, cached = 0, skipped = 0;
	if (sched_failed)
		testhook_pause("STORE_ERROR"); /* store_error.sh frees the store here */
	for (int i = 0; i < r->n; i++) {
		enum rstate st = r->steps[i].state;
		completed += st == RS_COMPLETED;
		cached += st == RS_CACHED;
		failed += st == RS_FAILED;
		skipped += st == RS_SKIPPED;
	}
	/* a runner that stopped on a store or file system error left its
	 * jobs (abandon_jobs killed them) as a killed runner does: the run
	 * and every step and attempt not finished are interrupted, none left
	 * running (the pass it was in is rolled back: its steps run again in
	 * a rerun) */
	const char *status = r->interrupting || sched_failed ? "interrupted"
			     : (failed || skipped)	      ? "failed"
							      : "completed";
	struct rl_err ferr = RL_ERR_INIT;
	int64_t now = time_now_ms();
	int fin = strcmp(status, "interrupted") == 0
			  ? store_run_mark_interrupted(r->store, r->run_id, now, &ferr)
			  : store_run_finish(r->store, r->run_id, status, now, &ferr);
	if (sched_failed) {
		rl_err_clear(&ferr);
		return -1;
	}
	if (fin < 0) {
		rl_err_set(err, ferr.code, "%s", rl_err_msg(&ferr));
		rl_err_clear(&ferr);
		return -1;
	}
	struct runner_event eev = { .kind = RUNNER_EV_END, .status = status };
	run_emit(r, &eev);
	if (res) {
		res->run_id = r->run_id;
		res->run_name = strdup(r->run_name);
		res->status = strdup(status);
		res->steps_total = r->n;
		res->steps_completed = completed;
		res->steps_cached = cached;
		res->steps_failed = failed;
		res->steps_skipped = skipped;
		res->duration_ms = time_mono_ms() - r->start_mono;
	}
	return 0;
}
