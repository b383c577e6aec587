/* core/plan.c — what a run would do, without doing it: decide_step()
 * (core/decide.c) for each step in run order, as the runner would call
 * it, with the inputs known so far. */
#include "config.h"
#include "core/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/decide.h"
#include "core/runs.h"
#include "core/session.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"

_Static_assert((int)PLAN_RUN == (int)DECIDE_RUN && (int)PLAN_CACHED == (int)DECIDE_CACHED &&
		       (int)PLAN_REUSED == (int)DECIDE_REUSED && (int)PLAN__COUNT == (int)DECIDE__COUNT,
	       "a plan's actions are the decision's");

const char *plan_action_name(enum plan_action a)
{
	return decide_action_name((enum decide_action)a);
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

/* What the planner knows of each step (spec order). */
struct pstep {
	enum decide_action act;
	char **out_sha; /* per declared output, when not run */
};

struct planner {
	struct store *store;
	const struct spec *sp;
	const struct runner_opts *o;
	int64_t pipeline_id;
	unsigned char *mark; /* 1: --from step or downstream of it */
	int from;
	struct pstep *ps;
	struct hash_memo *memo;
};

static char *say(const char *fmt, const char *a)
{
	struct buf b = BUF_INIT;
	const char *at = strstr(fmt, "%s");
	buf_append(&b, fmt, (size_t)(at - fmt));
	buf_puts(&b, a);
	buf_puts(&b, at + 2);
	return buf_steal(&b);
}

/* The hashes of step I's inputs, or *unknown (malloc'd) saying why one
 * is not known.  External inputs' hashes are malloc'd into SHAS. */
static void input_hashes(struct planner *p, const struct spec_step *st, char **shas,
			 char **unknown)
{
	for (int n = 0; n < st->ninputs && !*unknown; n++) {
		const struct spec_input *in = &st->inputs[n];
		if (in->kind == SPEC_INPUT_STEP) {
			const struct pstep *up = &p->ps[in->step_index];
			const struct spec_step *us = &p->sp->steps[in->step_index];
			if (up->act == DECIDE_RUN) {
				*unknown = say("upstream step '%s' runs", us->name);
				break;
			}
			for (int q = 0; q < us->noutputs; q++)
				if (!strcmp(us->outputs[q].name, in->output) && up->out_sha[q])
					shas[n] = strdup(up->out_sha[q]);
			continue;
		}
		char *abs = p->sp->dir ? fs_join(p->sp->dir, in->path) : fs_absolute(in->path);
		char hex[HASH_HEX_LEN + 1];
		if (abs && hash_path(abs, hex, NULL, NULL, NULL) == 0)
			shas[n] = strdup(hex);
		else
			*unknown = say("input '%s' does not exist", in->name);
		free(abs);
	}
}

/* --from: the earlier run's step run of a step upstream of it, when that
 * one completed (the runner's rule). */
static int64_t reuse_candidate(struct planner *p, int i)
{
	if (p->from < 0 || p->mark[i] || !p->store)
		return 0;
	struct store_step_run old = { 0 };
	int64_t id = 0;
	if (store_step_run_get(p->store, p->o->reuse_run, p->sp->steps[i].name, &old, NULL) == 0 &&
	    (!strcmp(old.status, "completed") || !strcmp(old.status, "cached")))
		id = old.id;
	store_step_run_clear(&old);
	return id;
}

static int forced(const struct runner_opts *o, const char *name)
{
	for (int f = 0; f < o->nforce; f++)
		if (strcmp(o->force[f], name) == 0)
			return 1;
	return 0;
}

static int plan_step(struct planner *p, int i, struct plan_step *out, struct rl_err *err)
{
	const struct spec_step *st = &p->sp->steps[i];
	struct pstep *ps = &p->ps[i];
	char **shas = calloc((size_t)st->ninputs + 1, sizeof(char *));
	char *unknown = NULL;
	struct decision d;
	int rc = -1;
	if (!(ps->out_sha = calloc((size_t)st->noutputs + 1, sizeof(char *))) || !shas) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	input_hashes(p, st, shas, &unknown);
	struct decide_in in = {
		.store = p->store, .pipeline_id = p->pipeline_id, .spec = p->sp, .step = st,
		.run_id = "0", .run_name = "dry-run", .input_sha = shas,
		.unknown_why = unknown, .reuse_from = reuse_candidate(p, i),
		.reuse_run = p->o->reuse_run, .from_step = p->o->from_step,
		.from_mark = p->mark[i] ? (i == p->from ? 1 : 2)
			     : p->from >= 0 && !spec_is_upstream(p->sp, i, p->from) ? 3 : 0,
		.force = forced(p->o, st->name), .no_cache = p->o->no_cache, .memo = p->memo,
	};
	if (decide_step(&in, &d, err) < 0)
		goto cleanup;
	ps->act = d.action;
	for (int q = 0; q < st->noutputs; q++)
		for (int m = 0; m < d.nouts; m++)
			if (!strcmp(d.outs[m].name, st->outputs[q].name))
				ps->out_sha[q] = strdup(d.outs[m].sha256);
	out->name = strdup(st->name);
	out->action = (enum plan_action)d.action;
	out->why = d.why;
	d.why = NULL;
	decision_clear(&d);
	rc = out->name ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	for (int n = 0; shas && n < st->ninputs; n++)
		free(shas[n]);
	free(shas);
	free(unknown);
	return rc;
}

/* The step to start from and what it leads to (runner_load_spec
 * checked that the named steps are the pipeline's). */
static void mark_from(struct planner *p)
{
	p->from = p->o->from_step ? spec_step_index(p->sp, p->o->from_step) : -1;
	if (p->from >= 0)
		spec_mark_downstream(p->sp, p->from, p->mark);
}

int plan_compute(struct store *s, const struct spec *sp, const struct runner_opts *o,
		 struct plan **out, struct rl_err *err)
{
	struct planner p = { .store = s, .sp = sp, .o = o };
	struct store_pipeline pip = { 0 };
	struct plan *pl = calloc(1, sizeof(*pl));
	int rc = -1;
	p.ps = calloc((size_t)sp->nsteps + 1, sizeof(*p.ps));
	p.memo = hash_memo_new();
	p.mark = calloc((size_t)sp->nsteps + 1, 1);
	if (pl)
		pl->steps = calloc((size_t)sp->nsteps + 1, sizeof(*pl->steps));
	if (!pl || !pl->steps || !p.ps || !p.mark) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	mark_from(&p);
	p.pipeline_id = s && store_pipeline_get(s, sp->name, &pip, NULL) == 0 ? pip.id : 0;
	for (int k = 0; k < sp->nsteps; k++) {
		if (plan_step(&p, sp->order[k], &pl->steps[pl->n], err) < 0)
			goto cleanup;
		pl->count[pl->steps[pl->n++].action]++;
	}
	*out = pl;
	pl = NULL;
	rc = 0;
cleanup:
	for (int i = 0; p.ps && i < sp->nsteps; i++) {
		for (int q = 0; p.ps[i].out_sha && q < sp->steps[i].noutputs; q++)
			free(p.ps[i].out_sha[q]);
		free(p.ps[i].out_sha);
	}
	free(p.ps);
	free(p.mark);
	hash_memo_free(&p.memo);
	store_pipeline_clear(&pip);
	plan_free(&pl);
	return rc;
}

int runner_plan(const struct runner_opts *o, struct plan **out, struct rl_err *err)
{
	struct spec *sp = NULL;
	struct store *s = NULL;
	int rc = -1;
	struct rl_err serr = RL_ERR_INIT;
	if (runner_load_spec(o, &sp, err) < 0)
		goto cleanup;
	/* no store yet: nothing ran before, every step runs */
	if (session_open(o->store_flag, 0, &s, &serr) < 0 && serr.code != RL_E_NO_STORE) {
		rl_err_set(err, serr.code, "%s", rl_err_msg(&serr));
		rl_err_clear(&serr);
		goto cleanup;
	}
	rl_err_clear(&serr);
	/* a name the run would refuse, the dry run refuses */
	if (o->name && runs_name_free(s, o->name, err) < 0)
		goto cleanup;
	rc = plan_compute(s, sp, o, out, err);
cleanup:
	store_close(&s);
	spec_free(&sp);
	return rc;
}
