/* core/attempt.c — one attempt of a step: resolve its inputs, make its
 * folders, write its context.json, hand the job to the executor; and when
 * the job ends, ingest what it recorded, check and store its outputs, and
 * record the outcome (retry, fail or complete). */
#include "config.h"
#include "core/run_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/records.h"
#include "core/artifacts.h"
#include "core/hash.h"
#include "util/mask.h"
#include "core/secrets.h"
#include "util/num.h"
#include "core/testhook.h"
#include "store/artifact_check.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

/* A message, malloc'd (NULL when out of memory). */
static char *printed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printed(const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	return m;
}

/* The index of output NAME of SP, or -1. */
static int output_index(const struct spec_step *sp, const char *name)
{
	for (int i = 0; name && i < sp->noutputs; i++)
		if (strcmp(sp->outputs[i].name, name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */

/* The metadata step run ID recorded on its output NAME, as an object. */
static int output_metadata(struct run *r, int64_t id, const char *name, cJSON **out,
			   struct rl_err *err)
{
	struct store_meta *m = NULL;
	int n = 0;
	*out = NULL;
	if (run_tx(r, err) < 0 || store_metadata_of(r->store, id, &m, &n, err) < 0)
		return -1;
	cJSON *obj = cJSON_CreateObject();
	for (int i = 0; obj && i < n; i++) {
		if (!m[i].output || strcmp(m[i].output, name) != 0)
			continue;
		cJSON *v = cJSON_Parse(m[i].value_json);
		cJSON_AddItemToObject(obj, m[i].key, v ? v : cJSON_CreateNull());
	}
	store_metas_free(m, n);
	*out = obj;
	return obj ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

/* An upstream step's output: 0, or 1 with *why when it was not made. */
static int input_from_step(struct run *r, struct rstep *s, int i, char **why,
			   struct rl_err *err)
{
	const struct spec_input *in = &s->sp->inputs[i];
	struct rinput *ri = &s->inputs[i];
	struct rstep *up = &r->steps[in->step_index];
	int o = output_index(up->sp, in->output);
	if (o < 0 || !up->outputs[o].path) {
		*why = printed("input '%s': %s.%s was not produced", in->name, in->step,
			       in->output);
		return 1;
	}
	const struct routput *ro = &up->outputs[o];
	/* a step whose inputs failed to resolve is tried again (the cache,
	 * then the launch): replace, do not leak */
	free(ri->path);
	ri->path = strdup(ro->path);
	cJSON_Delete(ri->metadata);
	if (output_metadata(r, up->step_run_id, in->output, &ri->metadata, err) < 0)
		return -1;
	ri->ctx = (struct context_input){
		.name = in->name, .artifact_id = ro->artifact_id, .path = ri->path,
		.type = ro->type, .size = ro->size, .sha256 = ro->sha256,
		.producer_run_id = r->run_id, .producer_step = up->sp->name,
		.producer_output = in->output, .metadata = ri->metadata,
	};
	if (run_tx(r, err) < 0 ||
	    store_step_input_add(r->store, s->step_run_id, in->name, ro->artifact_id,
				 "step.output", err) < 0)
		return -1;
	return 0;
}

/* An external path, hashed: 0, or 1 with *why when it cannot be. */
static int input_from_path(struct run *r, struct rstep *s, int i, char **why,
			   struct rl_err *err)
{
	const struct spec_input *in = &s->sp->inputs[i];
	struct rinput *ri = &s->inputs[i];
	char *abs = r->spec->dir ? fs_join(r->spec->dir, in->path) : fs_absolute(in->path);
	if (!abs)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	free(ri->path);
	ri->path = abs;
	char hex[HASH_HEX_LEN + 1];
	int64_t size = 0;
	int is_dir = 0;
	struct rl_err herr = RL_ERR_INIT;
	if (hash_path(abs, hex, &size, &is_dir, &herr) < 0) {
		int missing = herr.code == RL_E_NOT_FOUND;
		*why = printed("input '%s': %s%s%s%s", in->name,
			       missing ? "file does not exist" : rl_err_msg(&herr),
			       missing ? " (" : "", missing ? abs : "", missing ? ")" : "");
		rl_err_clear(&herr);
		return 1;
	}
	free(ri->sha256);
	ri->sha256 = strdup(hex);
	ri->ctx = (struct context_input){
		.name = in->name, .path = abs, .sha256 = ri->sha256,
		.type = is_dir ? "dir" : "file", .size = size,
	};
	struct store_artifact_new an = {
		.sha256 = hex, .type = ri->ctx.type, .size = size,
		.path = abs, .created_ms = time_now_ms(),
	};
	struct buf source = BUF_INIT;
	buf_printf(&source, "path:%s", in->path);
	int rc = run_tx(r, err) < 0 ||
				 store_artifact_add(r->store, &an, &ri->ctx.artifact_id, err) < 0 ||
				 store_step_input_add(r->store, s->step_run_id, in->name,
						      ri->ctx.artifact_id, source.data, err) < 0
			 ? -1
			 : 0;
	buf_free(&source);
	return rc;
}

/* Before an attempt: each input that is a stored artifact (an upstream
 * output, made in this run or taken from the cache) still holds what was
 * recorded — cheaply (its size, and nothing in it modified after it was
 * stored, else its hash decides), or by its hash with --verify.  Nothing
 * is written to the store: this may run outside the write transaction.
 * 0; 1 with *why naming the artifact (no attempt could succeed with it);
 * -1 on store errors. */
static int check_inputs(struct run *r, struct rstep *s, char **why, struct rl_err *err)
{
	for (int i = 0; i < s->sp->ninputs; i++) {
		const struct spec_input *in = &s->sp->inputs[i];
		int64_t id = s->inputs[i].ctx.artifact_id;
		struct store_artifact a;
		char *what = NULL;
		if (in->kind != SPEC_INPUT_STEP || !id)
			continue;
		if (store_artifact_get(r->store, id, &a, err) < 0)
			return -1;
		int ok = artifacts_check(a.path, a.type, a.sha256, a.size, a.created_ms,
					 r->o->verify, &what);
		store_artifact_clear(&a);
		if (ok < 0)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		if (ok == 0) {
			*why = printed("input '%s': the artifact %s.%s changed after it was stored "
				       "(%s); it is not used",
				       in->name, in->step, in->output, what);
			free(what);
			return *why ? 1 : rl_err_set(err, RL_E_NOMEM, NULL);
		}
	}
	return 0;
}

int attempt_resolve_inputs(struct run *r, struct rstep *s, char **why, struct rl_err *err)
{
	if (s->inputs_resolved)
		return 0;
	for (int i = 0; i < s->sp->ninputs; i++) {
		int rc = s->sp->inputs[i].kind == SPEC_INPUT_STEP
				 ? input_from_step(r, s, i, why, err)
				 : input_from_path(r, s, i, why, err);
		if (rc != 0)
			return rc;
	}
	s->inputs_resolved = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Secrets, folders, context                                           */

/* The values of the step's declared secrets: 0, or 1 with *why when one
 * is missing, or -1 on a load error (the run stops). */
static int prepare_secrets(struct run *r, struct rstep *s, char **why, struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	if (!sp->nsecrets || s->secret_values)
		return 0;
	if (!r->secrets) {
		struct rl_err lerr = RL_ERR_INIT;
		if (secrets_load(&r->secrets, &lerr) < 0) {
			*why = printed("secrets: %s", rl_err_msg(&lerr));
			rl_err_clear(&lerr);
			return 1;
		}
	}
	int n = 0;
	for (int i = 0; i < sp->nsecrets; i++) {
		cJSON *sec = cJSON_GetObjectItemCaseSensitive(r->secrets, sp->secrets[i]);
		if (!cJSON_IsObject(sec)) {
			*why = printed("secret '%s' is not set (runlens secret set %s KEY=VALUE)",
				       sp->secrets[i], sp->secrets[i]);
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

/* The folders of the attempt in ATT_DIR.  In a step folder made just now
 * (FRESH) they are made top-down, nothing to clear; otherwise as needed,
 * the failed attempt's outputs removed and the checkpoint kept.  The
 * outputs folder is made for a step that declares outputs only: nothing
 * names it to a step without (no ${outputs.X}, no RUNLENS_OUTPUT_X), and
 * on a file system where a new inode is slow (docs/benchmarks.md) one
 * folder less is a good part of what a step costs. */
static int make_step_folders(const struct rstep *s, const char *att_dir, int fresh,
			     struct rl_err *err)
{
	int outs = s->sp->noutputs > 0;
	if (!fresh)
		return fs_mkdirs(att_dir, err) < 0 || fs_mkdirs(s->ckpt_dir, err) < 0 ||
				       fs_remove_tree(s->out_dir, err) < 0 ||
				       (outs && fs_mkdirs(s->out_dir, err) < 0)
			       ? -1
			       : 0;
	char *attempts = fs_dirname(att_dir);
	int rc = !attempts ? rl_err_set(err, RL_E_NOMEM, NULL)
		 : fs_mkdir(attempts, err) < 0 || fs_mkdir(att_dir, err) < 0 ||
				 fs_mkdir(s->ckpt_dir, err) < 0 ||
				 (outs && fs_mkdir(s->out_dir, err) < 0)
			 ? -1
			 : 0;
	free(attempts);
	return rc;
}

static int output_parents(const struct rstep *s, struct rl_err *err)
{
	for (int i = 0; i < s->sp->noutputs; i++) {
		char *parent = fs_dirname(s->outputs[i].write_path);
		int rc = parent ? fs_mkdirs(parent, err) : rl_err_set(err, RL_E_NOMEM, NULL);
		free(parent);
		if (rc < 0)
			return -1;
	}
	return 0;
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
static int write_context(struct run *r, struct rstep *s, const char *path, int fresh,
			 char **json_out, struct rl_err *err)
{
	int ni = s->sp->ninputs, no = s->sp->noutputs;
	struct context_input *ins = calloc((size_t)ni + 1, sizeof(*ins));
	char **outs = calloc((size_t)no + 1, sizeof(char *));
	char *json = NULL;
	int rc = -1;
	if (!ins || !outs) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (int i = 0; i < ni; i++)
		ins[i] = s->inputs[i].ctx;
	for (int i = 0; i < no; i++)
		outs[i] = s->outputs[i].write_path;
	struct context_args a = {
		.pipeline_id = r->pipeline_id, .pipeline = r->spec->name,
		.run_id = r->run_id, .run_name = r->run_name,
		.run_started_ms = r->started_ms, .tags = r->tags,
		.ntags = r->ntags, .params = r->spec->params,
		.rerun_of = r->o->rerun_of,
		.state = r->state, .spec = r->spec, .step = s->sp,
		.step_run_id = s->step_run_id, .attempt = s->attempt,
		.max_attempts = s->max_attempts, .inputs = ins,
		.output_paths = outs, .stack_name = r->stack_name,
		.artifact_store = r->artifact_root,
		.orchestrator = r->ex_ops->flavor,
		.components = r->stack_components, .no_cache = r->o->no_cache,
		.model_name = r->model_name, .model_version = r->model_version,
		.baseline_run_id = r->baseline_id,
		.baseline_run_name = r->baseline_name,
		.baseline_outputs = r->baseline_outputs,
		.step_dir = s->dir, .records_path = s->records_path,
		.checkpoint_dir = s->ckpt_dir,
		/* "exists": an earlier attempt left something to resume from */
		.checkpoint_exists = !fresh && count_entries(s->ckpt_dir) > 0,
		.environment = r->environment,
	};
	/* the parts every step's context shares, printed once a run */
	if (!r->ctx_shared_ready && context_shared_print(&a, &r->ctx_shared) == 0)
		r->ctx_shared_ready = 1;
	a.shared = r->ctx_shared_ready ? &r->ctx_shared : NULL;
	cJSON *doc = context_build(&a);
	json = doc ? json_print(doc, 1) : NULL;
	cJSON_Delete(doc);
	if (!json) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	/* in a step folder made just now nobody reads context.json before
	 * the step starts: written in place, no temporary name and rename */
	if (!fresh)
		unlink(path);
	if ((fresh ? fs_write_new(path, json, strlen(json), 0444, err)
		   : fs_write_file(path, json, strlen(json), 0444, err)) < 0)
		goto cleanup;
	*json_out = json;
	json = NULL;
	rc = 0;
cleanup:
	free(json);
	free(ins);
	free(outs);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Ending an attempt                                                   */

/* An attempt failed: retry if attempts are left, else fail the step. */
static int fail_attempt(struct run *r, struct rstep *s, const char *why, int exit_code,
			int sig, int timed_out, struct rl_err *err)
{
	int64_t now = time_now_ms();
	const char *astatus = r->interrupting ? "interrupted" : "failed";
	if (s->attempt_id &&
	    (run_tx(r, err) < 0 ||
	     store_attempt_finish(r->store, s->attempt_id, astatus, now, exit_code, sig,
				  timed_out, why, err) < 0))
		return -1;
	if (s->attempt_id)
		s->last_attempt_id = s->attempt_id;
	s->attempt_id = 0;
	if (r->interrupting)
		return run_set_state(r, s, RS_INTERRUPTED, "interrupted", NULL, err);
	if (s->attempt < s->max_attempts) {
		/* retry_delay: the next attempt waits (the scheduler keeps it
		 * aside until then); the store says until when, for show and
		 * the browser */
		int64_t wait = (int64_t)(spec_retry_wait(s->sp, s->attempt) * 1000 + 0.5);
		s->retry_at = wait > 0 ? time_mono_ms() + wait : 0;
		if (wait > 0 && store_step_run_set_retry_at(r->store, s->step_run_id, now + wait,
							     err) < 0)
			return -1;
		char *m = printed("attempt %d/%d failed: %s", s->attempt, s->max_attempts, why);
		int rc = run_set_state(r, s, RS_RETRYING, m, NULL, err);
		free(m);
		return rc;
	}
	return run_set_state(r, s, RS_FAILED, why, NULL, err);
}

/* What of the metrics file cJSON would not keep as written (1e999, an
 * integer beyond 2^53: client/records.h), as the reason the attempt
 * fails, or NULL.  The number is named unless the step has secrets (it
 * could be one's digits). */
static char *metrics_file_problem(const struct rstep *s, const char *text, size_t len)
{
	size_t off = 0, n = 0;
	enum records_json_problem p = records_json_check(text, len, RECORDS_DEPTH_MAX, &off, &n);
	if (!p)
		return NULL;
	char *what = s->nsecret_values ? records_json_why(p, "a number", strlen("a number"),
							 RECORDS_DEPTH_MAX)
				       : records_json_why(p, text + off, n, RECORDS_DEPTH_MAX);
	char *why = printed("metrics_file '%s' (%s): %s", s->sp->metrics_file,
			    s->sp->outputs[output_index(s->sp, s->sp->metrics_file)].path,
			    what ? what : "out of memory");
	free(what);
	return why;
}

/* The step's metrics_file output: its JSON numbers become metrics.
 * Returns 0, 1 when the attempt failed (invalid file), -1 on store errors. */
static int record_metrics_file(struct run *r, struct rstep *s, struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	int o = output_index(sp, sp->metrics_file);
	char *text = NULL, *why = NULL, *clash = NULL;
	size_t len = 0;
	cJSON *doc = NULL;
	int rc = 0;
	if (o < 0 || fs_read_file(s->outputs[o].write_path, &text, &len, NULL) < 0)
		why = printed("metrics_file '%s' cannot be read", sp->metrics_file);
	else if (!(doc = cJSON_ParseWithLength(text, len)))
		why = printed("metrics_file '%s' (%s) is not valid JSON", sp->metrics_file,
			      sp->outputs[o].path);
	else if ((why = metrics_file_problem(s, text, len)))
		;
	else if ((clash = ingest_metrics_json_clash(doc)))
		/* not a series of two points: two values under one name */
		why = printed("metrics_file '%s' (%s): '%s' names two values (a key with a '.' "
			      "beside a nested one, or a key twice)",
			      sp->metrics_file, sp->outputs[o].path,
			      s->nsecret_values ? "a metric" : clash);
	else if (mask_json(s->secret_values, s->nsecret_values, doc), /* keys are stored */
		 run_tx(r, err) < 0 || ingest_metrics_json(r->store, s->step_run_id, doc, err) < 0)
		rc = -1;
	if (why)
		rc = fail_attempt(r, s, why, 0, 0, 0, err) < 0 ? -1 : 1;
	free(why);
	free(clash);
	cJSON_Delete(doc);
	free(text);
	return rc;
}

/* Is output I inside another output of S (or the same as an earlier
 * one)?  Then it is stored as a copy, and the step's copy stays part of
 * the other output.  By real paths; an output that cannot be resolved is
 * left to artifacts_prepare to refuse. */
static int nested_output(const struct rstep *s, char *const *real, int i)
{
	if (!real[i])
		return 0;
	for (int j = 0; j < s->sp->noutputs; j++) {
		size_t n = real[j] ? strlen(real[j]) : 0;
		if (j == i || !real[j] || strncmp(real[i], real[j], n) != 0)
			continue;
		if ((real[i][n] == '\0' && j < i) || real[i][n] == '/')
			return 1;
	}
	return 0;
}

/* Whether the step replaced its outputs folder, or a folder above it in
 * the run's folder, by a symbolic link (1 with *WHY): its outputs would
 * be renamed into the store from wherever the link leads — a user's
 * files, then deleted by gc with the run.  Kept only from the folder
 * runlens made (docs/reliability.md). */
static int moved_out_dir(struct run *r, struct rstep *s, char **why)
{
	char *real = realpath(s->out_dir, NULL);
	char *want = fs_join(r->real_run_dir, s->sp->name);
	char *want_out = want ? fs_join(want, "outputs") : NULL;
	int moved = real && want_out && strcmp(real, want_out) != 0;
	if (moved)
		*why = printed("the step's outputs folder %s was replaced by a symbolic link (to "
			       "%s): outputs are kept only from the folder runlens made",
			       s->out_dir, real);
	free(real);
	free(want);
	free(want_out);
	return moved;
}

/* Every declared output checked, hashed and (when it cannot be renamed
 * into the artifact store) copied into its staging folder, in PUTS.  No
 * store record is touched and nothing is moved yet: this part may run
 * outside the store's write transaction.  0, or 1 with *why when the
 * attempt fails (an output that leads outside the outputs folder, is not a
 * file or folder, cannot be read…). */
static int prepare_outputs(struct run *r, struct rstep *s, struct artifact_put *puts,
			   char **why)
{
	const struct spec_step *sp = s->sp;
	if (sp->noutputs > 0 && moved_out_dir(r, s, why)) /* no folder without outputs */
		return 1;
	char **real = calloc((size_t)sp->noutputs + 1, sizeof(char *));
	int rc = 0;
	if (!real)
		return 1; /* *why NULL: out of memory */
	for (int i = 0; i < sp->noutputs; i++)
		real[i] = realpath(s->outputs[i].write_path, NULL);
	for (int i = 0; i < sp->noutputs && !rc; i++) {
		struct rl_err perr = RL_ERR_INIT;
		unsigned flags = nested_output(s, real, i) ? ARTIFACTS_NESTED : 0;
		if (artifacts_prepare(r->artifact_root, s->out_dir, s->outputs[i].write_path, flags,
				      &puts[i], &perr) < 0) {
			*why = printed("output '%s' (%s): %s", sp->outputs[i].name,
				       sp->outputs[i].path, rl_err_msg(&perr));
			rl_err_clear(&perr);
			rc = 1;
		}
	}
	for (int i = 0; i < sp->noutputs; i++)
		free(real[i]);
	free(real);
	return rc;
}

/* The prepared outputs moved into the artifact store (or found there):
 * inside the write transaction that records them, since gc deletes rows
 * and removes content under that same lock.  0, or 1 with *why. */
static int put_outputs(struct rstep *s, struct artifact_put *puts, char **why)
{
	const struct spec_step *sp = s->sp;
	for (int i = 0; i < sp->noutputs; i++) {
		struct rl_err perr = RL_ERR_INIT;
		if (artifacts_put(&puts[i], &perr) < 0) {
			*why = printed("output '%s' (%s): %s", sp->outputs[i].name,
				       sp->outputs[i].path, rl_err_msg(&perr));
			rl_err_clear(&perr);
			while (i-- > 0) /* nothing of a failed attempt is kept */
				artifacts_put_undo(&puts[i]);
			return 1;
		}
	}
	return 0;
}

/* Output I, stored as P says, recorded: 0, -1 on store errors. */
static int store_one_output(struct run *r, struct rstep *s, int i, const struct artifact_put *p,
			    struct rl_err *err)
{
	const struct spec_output *so = &s->sp->outputs[i];
	struct routput *ro = &s->outputs[i];
	free(ro->path);
	free(ro->sha256);
	ro->path = strdup(p->stored);
	ro->sha256 = strdup(p->hex);
	if (!ro->path || !ro->sha256)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	ro->type = p->is_dir ? "dir" : "file";
	ro->size = p->size;
	/* created_ms is the seal: nothing of the stored copy was modified
	 * after it (artifacts_check compares a consumer's input with it) */
	struct store_artifact_new an = {
		.sha256 = p->hex, .type = ro->type, .size = p->size,
		.path = ro->path, .created_ms = p->sealed_ms,
	};
	return run_tx(r, err) < 0 || store_artifact_add(r->store, &an, &ro->artifact_id, err) < 0 ||
			       store_step_output_add(r->store, s->step_run_id, so->name,
						     ro->artifact_id, err) < 0
		       ? -1
		       : 0;
}

/* The step's state writes apply now, in completion order, and are kept
 * with the step run (a later run that reuses it replays them). */
static int apply_state(struct run *r, struct rstep *s, struct rl_err *err)
{
	if (!s->pending_state || !s->pending_state->child)
		return 0;
	char *writes = json_print(s->pending_state, 0);
	int rc = writes ? store_step_run_set_state_writes(r->store, s->step_run_id, writes, err)
			: rl_err_set(err, RL_E_NOMEM, NULL);
	free(writes);
	return rc < 0 ? -1 : run_apply_state(r, s->pending_state, err);
}

static int finish_success(struct run *r, struct rstep *s, struct rl_err *err)
{
	const struct spec_step *sp = s->sp;
	struct artifact_put *puts = calloc((size_t)sp->noutputs + 1, sizeof(*puts));
	char *why = NULL;
	int rc = -1;
	if (!puts)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	/* every declared output must be there */
	for (int i = 0; i < sp->noutputs && !why; i++) {
		struct stat st;
		if (stat(s->outputs[i].write_path, &st) < 0 &&
		    !(why = printed("declared output '%s' (%s) was not written", sp->outputs[i].name,
				    sp->outputs[i].path)))
			goto nomem;
	}
	/* checked and hashed before anything is read (the metrics file) or
	 * moved: a FIFO or a link out of the outputs folder stops here; a
	 * long hash (a 14 GB output) lets go of the write lock meanwhile */
	run_hashing_may_release(r, 1);
	int prepared = why ? 0 : prepare_outputs(r, s, puts, &why);
	run_hashing_may_release(r, 0);
	if (prepared && !why)
		goto nomem;
	if (!why && sp->metrics_file) {
		int r2 = record_metrics_file(r, s, err);
		if (r2 != 0) {
			rc = r2 < 0 ? -1 : 0;
			goto cleanup;
		}
	}
	/* the put and the record share one write transaction (gc takes the
	 * same lock): open it here, whatever the caller did before */
	if (!why && run_tx(r, err) < 0)
		goto cleanup;
	if (!why && put_outputs(s, puts, &why) && !why)
		goto nomem;
	if (why) {
		rc = fail_attempt(r, s, why, 0, 0, 0, err) < 0 ? -1 : 0;
		goto cleanup;
	}
	testhook_pause("AFTER_PUT");
	for (int i = 0; i < sp->noutputs; i++) {
		if (store_one_output(r, s, i, &puts[i], err) < 0) {
			/* the transaction will not commit: take the puts back */
			for (int j = 0; j < sp->noutputs; j++)
				artifacts_put_undo(&puts[j]);
			goto cleanup;
		}
	}
	if (run_tx(r, err) < 0 ||
	    store_attempt_finish(r->store, s->attempt_id, "completed", time_now_ms(), 0, 0, 0,
				 NULL, err) < 0)
		goto cleanup;
	s->attempt_id = 0;
	if (apply_state(r, s, err) < 0)
		goto cleanup;
	rc = run_set_state(r, s, RS_COMPLETED, NULL, NULL, err);
	goto cleanup;
nomem:
	rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	for (int i = 0; i < sp->noutputs; i++)
		artifacts_put_clear(&puts[i]);
	free(puts);
	free(why);
	return rc;
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
	/* no room for the masked copy (a full disk): the raw one goes all
	 * the same, its records are in the store already */
	if ((out.len != len || (len && memcmp(out.data, text, len) != 0)) &&
	    fs_write_file(s->records_path, out.data ? out.data : "", out.len, 0600, NULL) < 0)
		(void)truncate(s->records_path, 0);
	buf_free(&out);
	free(text);
}

/* What the step said of where it runs joins its recorded context. */
static int record_environment(struct run *r, struct rstep *s, struct rl_err *err)
{
	if (!s->environment || !s->environment->child)
		return 0;
	cJSON *c = context_step_record(r->spec, s->sp);
	if (!c)
		c = cJSON_CreateObject();
	cJSON_AddItemToObject(c, "environment", cJSON_Duplicate(s->environment, 1));
	char *json = json_print(c, 0);
	cJSON_Delete(c);
	int rc = json ? store_step_run_set_context(r->store, s->step_run_id, json, err)
		      : rl_err_set(err, RL_E_NOMEM, NULL);
	free(json);
	return rc;
}

int attempt_finish(struct run *r, struct rstep *s, const struct exec_result *res,
		   struct rl_err *err)
{
	if (run_tx(r, err) < 0 || ingest_poll(r->store, &s->ing, 1, err) < 0 ||
	    record_environment(r, s, err) < 0)
		return -1;
	mask_records_file(s);
	if (res->status.flavor && run_record_executor(r, s, &res->status, err) < 0)
		return -1;
	if (res->exit_code == 0 && !s->timed_out && !r->interrupting && !res->log_error)
		return finish_success(r, s, err);
	char *m;
	if (res->log_error && !r->interrupting)
		m = printed("the step's output could not be written to its log: %s",
			    strerror(res->log_error));
	else if (s->timed_out)
		m = printed("timed out after %gs", s->sp->timeout);
	else if (r->interrupting)
		m = printed("interrupted");
	else if (res->why) /* the executor knows better (out of memory, …) */
		m = printed("%s", res->why);
	else if (res->signal)
		m = printed("killed by signal %d (%s)", res->signal, strsignal(res->signal));
	else
		m = printed("exit code %d", res->exit_code);
	int rc = fail_attempt(r, s, m ? m : "failed", res->exit_code, res->signal,
			      s->timed_out, err);
	free(m);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Starting an attempt                                                 */

struct attempt_paths {
	char *att_dir, *ctx_path, *out_path, *err_path;
};

static void paths_free(struct attempt_paths *p)
{
	free(p->att_dir);
	free(p->ctx_path);
	free(p->out_path);
	free(p->err_path);
}

static int attempt_paths(struct rstep *s, struct attempt_paths *p, struct rl_err *err)
{
	char numbuf[32];
	snprintf(numbuf, sizeof numbuf, "attempts/%d", s->attempt);
	p->att_dir = fs_join(s->dir, numbuf);
	p->ctx_path = fs_join(s->dir, "context.json");
	p->out_path = p->att_dir ? fs_join(p->att_dir, "stdout.log") : NULL;
	p->err_path = p->att_dir ? fs_join(p->att_dir, "stderr.log") : NULL;
	free(s->records_path);
	free(s->stderr_path);
	s->records_path = p->att_dir ? fs_join(p->att_dir, "records.jsonl") : NULL;
	s->stderr_path = p->err_path ? strdup(p->err_path) : NULL;
	if (!p->att_dir || !p->ctx_path || !p->out_path || !p->err_path || !s->records_path ||
	    !s->stderr_path)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	return 0;
}

/* A fresh reader of the attempt's records. */
static void ingest_reset(struct rstep *s)
{
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
	if (!s->environment)
		s->environment = cJSON_CreateObject();
	s->ing.environment = s->environment;
}

/* Folders, context.json, the attempt's row and the running state. */
static int prepare(struct run *r, struct rstep *s, const struct attempt_paths *p,
		   struct rl_err *err)
{
	char *ctx_json = NULL;
	struct rl_err ferr = RL_ERR_INIT;
	/* A step folder made just now (the first attempt, as a rule) needs no
	 * clearing and no looking into: its folders are made top-down, its
	 * checkpoint is known to be empty.  Otherwise (a retry) outputs of the
	 * failed attempt go and the checkpoint is kept. */
	int fresh = mkdir(s->dir, 0755) == 0;
	if (make_step_folders(s, p->att_dir, fresh, &ferr) < 0 || output_parents(s, &ferr) < 0) {
		rl_err_set(err, ferr.code, "%s", rl_err_msg(&ferr));
		rl_err_clear(&ferr);
		return -1;
	}
	/* the records file exists before the step does, readable by this
	 * user only: what a step writes to it before the runner masks it
	 * (a secret it logs) is nobody else's to read */
	int rfd = open(s->records_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (rfd < 0)
		return rl_err_set(err, fs_errno_code(errno), "cannot write %s: %s", s->records_path,
				  strerror(errno));
	close(rfd);
	/* a retry: the failed attempt's metrics and metadata become its own,
	 * the step run's start empty again */
	if (s->last_attempt_id &&
	    (run_tx(r, err) < 0 ||
	     store_attempt_archive(r->store, s->step_run_id, s->last_attempt_id, err) < 0))
		return -1;
	int rc = write_context(r, s, p->ctx_path, fresh, &ctx_json, err) < 0 ||
				 run_tx(r, err) < 0 ||
				 store_attempt_create(r->store, s->step_run_id, s->attempt,
						      time_now_ms(), p->out_path, p->err_path,
						      ctx_json, &s->attempt_id, err) < 0 ||
				 run_set_state(r, s, RS_RUNNING, NULL, NULL, err) < 0
			 ? -1
			 : 0;
	free(ctx_json);
	return rc;
}

/* Hand the job to the executor: 0, or 1 when the attempt failed. */
static int launch(struct run *r, struct rstep *s, const struct attempt_paths *p,
		  struct rl_err *err)
{
	char **argv = NULL, **env = NULL, **opts = NULL, *cwd = NULL, name[128];
	struct rl_err xerr = RL_ERR_INIT;
	int rc = 1;
	if (step_env_build(r, s, p->ctx_path, &argv, &env, &cwd, &xerr) < 0) {
		rc = fail_attempt(r, s, rl_err_msg(&xerr), -1, 0, 0, err) < 0 ? -1 : 1;
		goto cleanup;
	}
	snprintf(name, sizeof name, "rl-%lld-%.80s-%d", (long long)r->run_id, s->sp->name,
		 s->attempt);
	struct exec_request req = {
		.name = name, .argv = argv, .envp = env, .cwd = cwd,
		.stdout_path = p->out_path, .stderr_path = p->err_path,
		.mask = s->secret_values, .nmask = s->nsecret_values,
		.timeout = s->sp->timeout, .job_dir = p->att_dir,
	};
	if (run_place(r, s, &req.place, &opts) < 0) {
		rc = rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	s->attempt_start = time_mono_ms();
	s->last_ingest = s->attempt_start;
	if (r->ex_ops->start(r->ex, &req, &s->job, &xerr) < 0) {
		s->job = 0;
		rc = fail_attempt(r, s, rl_err_msg(&xerr), 127, 0, 0, err) < 0 ? -1 : 1;
		goto cleanup;
	}
	r->running++;
	/* on a cluster the timeout counts once the job runs (run_observe) */
	if (s->sp->timeout > 0 && !r->ex_ops->places_jobs)
		s->deadline = s->attempt_start + (int64_t)(s->sp->timeout * 1000.0);
	rc = run_observe(r, s, err) < 0 ? -1 : 0; /* the job's id, where it has one */
cleanup:
	free(opts);
	rl_err_clear(&xerr);
	step_env_strv_free(argv);
	step_env_strv_free(env);
	free(cwd);
	return rc;
}

int attempt_start(struct run *r, struct rstep *s, struct rl_err *err)
{
	struct attempt_paths p = { 0 };
	char *why = NULL;
	int rc = -1;
	s->attempt++;
	s->timed_out = 0;
	s->kill_at = 0;
	s->deadline = 0;
	run_hashing_may_release(r, 1); /* inputs may be hashed (--verify) */
	int ready = attempt_resolve_inputs(r, s, &why, err);
	if (ready == 0)
		ready = prepare_secrets(r, s, &why, err);
	if (ready == 0)
		ready = check_inputs(r, s, &why, err);
	run_hashing_may_release(r, 0);
	if (ready != 0) {
		if (!why)
			goto cleanup;
		/* an input or a secret is missing: no attempt can succeed */
		s->attempt = s->max_attempts;
		rc = fail_attempt(r, s, why, -1, 0, 0, err);
		goto cleanup;
	}
	if (attempt_paths(s, &p, err) < 0)
		goto cleanup;
	ingest_reset(s);
	if (prepare(r, s, &p, err) < 0)
		goto cleanup;
	rc = launch(r, s, &p, err) < 0 ? -1 : 0;
cleanup:
	paths_free(&p);
	free(why);
	return rc;
}

void rstep_release(struct rstep *s)
{
	for (int i = 0; s->outputs && i < s->sp->noutputs; i++) {
		free(s->outputs[i].write_path);
		free(s->outputs[i].path);
		free(s->outputs[i].sha256);
	}
	for (int i = 0; s->inputs && i < s->sp->ninputs; i++) {
		free(s->inputs[i].path);
		free(s->inputs[i].sha256);
		cJSON_Delete(s->inputs[i].metadata);
	}
	free(s->outputs);
	free(s->inputs);
	free(s->dir);
	free(s->out_dir);
	free(s->ckpt_dir);
	ingest_release(&s->ing);
	cJSON_Delete(s->pending_state);
	cJSON_Delete(s->environment);
	for (int i = 0; i < s->nsecret_values; i++)
		free(s->secret_values[i]);
	free(s->secret_values);
	free(s->records_path);
	free(s->stderr_path);
}
