/* core/plan.c — what a run would do, without doing it (`rerun --dry-run`):
 * for each step, in order, whether it runs, comes from the cache, or is
 * reused from the earlier run (--from), and why. */
#include "config.h"
#include "core/plan.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/cache.h"
#include "core/session.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"

#define ACT_RUN PLAN_RUN
#define ACT_CACHED PLAN_CACHED
#define ACT_REUSED PLAN_REUSED

static const char *const action_names[] = { "run", "cached", "reused" };

const char *plan_action_name(enum plan_action a)
{
	return action_names[a];
}

struct pstep {
	enum plan_action act;
	char *why;
	char **out_sha; /* per declared output, when not run */
};

/* Why the step misses the cache: the parts that differ from the newest
 * earlier run of the step, or that there is none. */
static char *miss_reason(struct store *s, int64_t pipeline_id,
			 const struct spec_step *st, const cJSON *parts)
{
	int64_t prev = 0;
	char *pj = NULL;
	struct buf b = BUF_INIT;
	if (pipeline_id <= 0 ||
	    store_cache_previous(s, pipeline_id, st->name, 0, &prev, &pj, NULL) < 0) {
		buf_puts(&b, "never ran before");
		return buf_steal(&b);
	}
	cJSON *before = cJSON_Parse(pj);
	cJSON *d = cache_diff(parts, before);
	int n = cJSON_GetArraySize(d);
	if (n == 0) {
		buf_printf(&b, "same key as step run %lld, but its outputs are gone or changed",
			   (long long)prev);
	} else {
		buf_puts(&b, "changed: ");
		int k = 0;
		for (cJSON *x = d->child; x && k < 4; x = x->next, k++)
			buf_printf(&b, "%s%s", k ? ", " : "",
				   cJSON_GetObjectItem(x, "part")->valuestring);
		if (n > 4)
			buf_printf(&b, " and %d more", n - 4);
	}
	cJSON_Delete(d);
	cJSON_Delete(before);
	free(pj);
	return buf_steal(&b);
}

static char *fmt(const char *f, const char *a) __attribute__((format(printf, 1, 0)));
static char *fmt(const char *f, const char *a)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, f);
	/* the one "%s" in F becomes A */
	char *at = strstr(b.data, "%s");
	if (at) {
		struct buf r = BUF_INIT;
		buf_append(&r, b.data, (size_t)(at - b.data));
		buf_puts(&r, a ? a : "");
		buf_puts(&r, at + 2);
		buf_free(&b);
		return buf_steal(&r);
	}
	return buf_steal(&b);
}

int runner_plan(const struct runner_opts *o, struct plan **out, struct rl_err *err)
{
	struct spec *sp = NULL;
	struct store *s = NULL;
	struct pstep *ps = NULL;
	struct store_pipeline pip = { 0 };
	unsigned char *mark = NULL;
	int rc = -1;
	if (o->spec_text ? spec_parse(o->spec_text, strlen(o->spec_text), o->spec_path,
				      o->spec_dir, &sp, err) < 0
			 : spec_load_file(o->spec_path, &sp, err) < 0)
		goto cleanup;
	if (o->nparams && spec_set_params(sp, o->params, o->nparams, err) < 0)
		goto cleanup;
	if (session_open(o->store_flag, 0, &s, err) < 0)
		goto cleanup;
	int64_t pid = store_pipeline_get(s, sp->name, &pip, NULL) == 0 ? pip.id : 0;
	ps = calloc((size_t)sp->nsteps, sizeof(*ps));
	mark = calloc((size_t)sp->nsteps, 1);
	if (!ps || !mark) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	int from = -1;
	if (o->from_step && (from = spec_step_index(sp, o->from_step)) < 0) {
		rl_err_set(err, RL_E_USAGE, "--from: no step '%s' in the pipeline", o->from_step);
		goto cleanup;
	}
	if (from >= 0)
		spec_mark_downstream(sp, from, mark);
	for (int i = 0; i < o->nforce; i++)
		if (spec_step_index(sp, o->force[i]) < 0) {
			rl_err_set(err, RL_E_USAGE, "--force: no step '%s' in the pipeline",
				   o->force[i]);
			goto cleanup;
		}

	for (int k = 0; k < sp->nsteps; k++) {
		int i = sp->order[k];
		const struct spec_step *st = &sp->steps[i];
		struct pstep *p = &ps[i];
		p->out_sha = calloc((size_t)st->noutputs + 1, sizeof(char *));
		int forced = 0;
		for (int f = 0; f < o->nforce; f++)
			forced |= strcmp(o->force[f], st->name) == 0;
		struct store_artifact_ref *outs = NULL;
		int nouts = 0;
		/* --from: steps upstream of it reuse the earlier run's results */
		if (from >= 0 && !mark[i]) {
			struct store_step_run old = { 0 };
			if (store_step_run_get(s, o->reuse_run, st->name, &old, NULL) == 0) {
				char *why = NULL;
				int v = cache_verify(s, old.id, st, &outs, &nouts, &why, err);
				if (v < 0) {
					store_step_run_clear(&old);
					goto cleanup;
				}
				if (v == 1) {
					p->act = ACT_REUSED;
					struct buf b = BUF_INIT;
					buf_printf(&b, "upstream of --from %s: step run %lld of run %lld",
						   o->from_step, (long long)old.id,
						   (long long)o->reuse_run);
					p->why = buf_steal(&b);
				} else {
					p->why = why;
					why = NULL;
				}
				free(why);
			}
			store_step_run_clear(&old);
		}
		if (p->act == ACT_RUN && !p->why) {
			/* the inputs' hashes: known unless an upstream step runs */
			char **shas = calloc((size_t)st->ninputs + 1, sizeof(char *));
			for (int n = 0; n < st->ninputs && !p->why; n++) {
				const struct spec_input *in = &st->inputs[n];
				if (in->kind == SPEC_INPUT_STEP) {
					struct pstep *up = &ps[in->step_index];
					const struct spec_step *us = &sp->steps[in->step_index];
					if (up->act == ACT_RUN) {
						p->why = fmt("upstream step '%s' runs", us->name);
						break;
					}
					for (int q = 0; q < us->noutputs; q++)
						if (!strcmp(us->outputs[q].name, in->output))
							shas[n] = up->out_sha[q];
				} else {
					char *abs = sp->dir ? fs_join(sp->dir, in->path)
							    : fs_absolute(in->path);
					char hex[HASH_HEX_LEN + 1];
					if (abs && hash_path(abs, hex, NULL, NULL, NULL) == 0)
						shas[n] = strdup(hex);
					else
						p->why = fmt("input '%s' does not exist", in->name);
					free(abs);
				}
			}
			if (!p->why && from >= 0 && (int)i == from)
				p->why = fmt("--from %s", st->name);
			else if (!p->why && forced)
				p->why = fmt("--force %s", st->name);
			else if (!p->why && (!st->cache || o->no_cache))
				p->why = strdup(o->no_cache ? "--no-cache" : "\"cache\": false");
			else if (!p->why && from >= 0 && mark[i])
				p->why = fmt("downstream of --from %s", o->from_step);
			if (!p->why) {
				cJSON *parts = NULL;
				char key[HASH_HEX_LEN + 1];
				int64_t hit = 0;
				if (cache_key(sp, st, "0", "dry-run", shas, &parts, key, err) < 0 ||
				    (pid && cache_lookup(s, pid, st, key, &hit, &outs, &nouts, err) < 0)) {
					cJSON_Delete(parts);
					for (int n = 0; n < st->ninputs; n++)
						if (st->inputs[n].kind == SPEC_INPUT_PATH)
							free(shas[n]);
					free(shas);
					goto cleanup;
				}
				if (hit) {
					p->act = ACT_CACHED;
					struct buf b = BUF_INIT;
					buf_printf(&b, "same key as step run %lld", (long long)hit);
					p->why = buf_steal(&b);
				} else {
					p->why = miss_reason(s, pid, st, parts);
				}
				cJSON_Delete(parts);
			}
			for (int n = 0; n < st->ninputs; n++)
				if (st->inputs[n].kind == SPEC_INPUT_PATH)
					free(shas[n]);
			free(shas);
		}
		for (int q = 0; q < st->noutputs; q++)
			for (int m = 0; m < nouts; m++)
				if (!strcmp(outs[m].name, st->outputs[q].name))
					p->out_sha[q] = strdup(outs[m].sha256);
		store_artifact_refs_free(outs, nouts);
	}

	struct plan *pl = calloc(1, sizeof(*pl));
	if (pl)
		pl->steps = calloc((size_t)sp->nsteps + 1, sizeof(*pl->steps));
	if (!pl || !pl->steps) {
		plan_free(&pl);
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (int k = 0; k < sp->nsteps; k++) {
		int i = sp->order[k];
		struct plan_step *x = &pl->steps[pl->n++];
		x->name = strdup(sp->steps[i].name);
		x->action = ps[i].act;
		x->why = ps[i].why ? ps[i].why : strdup("");
		ps[i].why = NULL;
		pl->count[x->action]++;
	}
	*out = pl;
	rc = 0;
cleanup:
	for (int i = 0; ps && sp && i < sp->nsteps; i++) {
		free(ps[i].why);
		for (int q = 0; ps[i].out_sha && q < sp->steps[i].noutputs; q++)
			free(ps[i].out_sha[q]);
		free(ps[i].out_sha);
	}
	free(ps);
	free(mark);
	store_pipeline_clear(&pip);
	store_close(&s);
	spec_free(&sp);
	return rc;
}

void plan_free(struct plan **pp)
{
	if (!pp || !*pp)
		return;
	struct plan *p = *pp;
	for (int i = 0; i < p->n; i++) {
		free(p->steps[i].name);
		free(p->steps[i].why);
	}
	free(p->steps);
	free(p);
	*pp = NULL;
}
