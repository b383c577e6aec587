/* core/rerun.c — the options of a rerun of a recorded run. */
#include "config.h"
#include "core/rerun.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "client/records.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/fs.h"

struct rerun {
	struct store_run run; /* the spec snapshot and path */
	char *dir;	      /* the folder of its file */
	char **params;	      /* nparams "KEY=VALUE", then NULL */
	int nparams;
};

static int add_param(struct rerun *r, char *p)
{
	if (!p)
		return -1;
	/* kept NULL-terminated, like an argv */
	char **v = realloc(r->params, (size_t)(r->nparams + 2) * sizeof(char *));
	if (!v) {
		free(p);
		return -1;
	}
	r->params = v;
	r->params[r->nparams++] = p;
	r->params[r->nparams] = NULL;
	return 0;
}

/* The recorded params (as JSON, so their types stay); the overrides go
 * separately (they are checked, the recorded ones are not). */
static int fill_params(struct rerun *r)
{
	int rc = -1;
	cJSON *pj = cJSON_Parse(r->run.params_json ? r->run.params_json : "{}");
	for (const cJSON *p = pj ? pj->child : NULL; p; p = p->next) {
		char *v = json_print(p, 0); /* exactly as recorded */
		struct buf a = BUF_INIT;
		int bad = buf_printf(&a, "%s=%s", p->string, v ? v : "null") < 0;
		free(v);
		if (bad || add_param(r, buf_steal(&a)) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	cJSON_Delete(pj);
	return rc;
}

int rerun_opts(struct store *s, int64_t run_id, char *const *overrides, int n,
	       struct runner_opts *o, struct rerun **hold, struct rl_err *err)
{
	int rc = -1;
	struct rerun *r = calloc(1, sizeof(*r));
	*hold = NULL;
	if (!r)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (store_run_get(s, run_id, &r->run, err) < 0)
		goto cleanup;
	if (!r->run.spec_json) {
		rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no recorded pipeline",
			   (long long)run_id);
		goto cleanup;
	}
	if (fill_params(r) < 0 ||
	    (r->run.spec_path && !(r->dir = fs_dirname(r->run.spec_path)))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	o->spec_path = r->run.spec_path ? r->run.spec_path : "pipeline";
	o->spec_text = r->run.spec_json;
	o->spec_dir = r->dir;
	o->base_params = r->params;
	o->nbase_params = r->nparams;
	o->params = overrides;
	o->nparams = n;
	o->rerun_of = run_id;
	o->reuse_run = run_id;
	/* where RUN ran (a cluster's steps stay on the cluster), unless the
	 * caller chose */
	if (!o->stack && r->run.stack) {
		struct store_stack st = { 0 };
		int gone = strcmp(r->run.stack, "default") != 0 &&
			   store_stack_get(s, r->run.stack, &st, NULL) < 0;
		store_stack_clear(&st);
		if (gone) { /* not another one in its place without a word */
			rl_err_set(err, RL_E_NOT_FOUND,
				   "run %lld ran on stack '%s', which is gone: rerun it with "
				   "--stack NAME", (long long)run_id, r->run.stack);
			goto cleanup;
		}
		o->stack = r->run.stack;
	}
	*hold = r;
	r = NULL;
	rc = 0;
cleanup:
	rerun_free(&r);
	return rc;
}

void rerun_free(struct rerun **p)
{
	struct rerun *r = p ? *p : NULL;
	if (!r)
		return;
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	free(r->params);
	free(r->dir);
	store_run_clear(&r->run);
	free(r);
	*p = NULL;
}
