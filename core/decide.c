/* core/decide.c — execute, cached or reused, and why (core/decide.h). */
#include "config.h"
#include "core/decide.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "util/buf.h"

static const char *const action_names[] = { "run", "cached", "reused" };

const char *decide_action_name(enum decide_action a)
{
	return a >= 0 && a < DECIDE__COUNT ? action_names[a] : "?";
}

void decision_clear(struct decision *d)
{
	if (!d)
		return;
	free(d->why);
	cJSON_Delete(d->parts);
	store_artifact_refs_free(d->outs, d->nouts);
	memset(d, 0, sizeof *d);
}

static char *say(const char *what, const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s %s", what, name ? name : "");
	return buf_steal(&b);
}

/* "changed: code: train.py changed, params.lr" — the first four parts of
 * DIFF, labelled for people. */
static void say_changed(struct buf *b, const cJSON *diff)
{
	int n = cJSON_GetArraySize(diff), k = 0;
	buf_puts(b, "changed: ");
	for (const cJSON *x = diff ? diff->child : NULL; x && k < 4; x = x->next, k++) {
		char *label = cache_part_label(cJSON_GetObjectItem(x, "part")->valuestring);
		buf_printf(b, "%s%s", k ? ", " : "", label ? label : "?");
		free(label);
	}
	if (n > 4)
		buf_printf(b, " and %d more", n - 4);
}

/* "failed", "was interrupted"…: how a step run of STATUS that did not
 * complete ended, as a sentence says it. */
static const char *how_it_ended(const char *status)
{
	if (!strcmp(status, "running"))
		return "is still running";
	if (!strcmp(status, "interrupted"))
		return "was interrupted";
	if (!strcmp(status, "skipped"))
		return "was skipped";
	return status; /* failed */
}

/* Why the step misses the cache: the parts that differ from its closest
 * earlier run, or that there is none. */
static char *miss_reason(const struct decide_in *in, const cJSON *parts)
{
	int64_t prev = 0;
	cJSON *before = NULL, *d = NULL;
	struct buf b = BUF_INIT;
	if (in->pipeline_id <= 0 || !in->store ||
	    cache_closest(in->store, in->pipeline_id, in->step->name, 0, parts, &prev, &before,
			  &d, NULL) < 0 ||
	    !prev) {
		buf_puts(&b, "never ran before");
	} else if (cJSON_GetArraySize(d) == 0) {
		/* the closest with the same key did not complete: nothing of it
		 * to reuse; else its outputs are what went */
		struct store_step_run old = { 0 };
		int got = store_step_run_get_by_id(in->store, prev, &old, NULL) == 0;
		const char *st = got && old.status ? old.status : "completed";
		if (strcmp(st, "completed") && strcmp(st, "cached"))
			buf_printf(&b, "same key as step run %lld, which %s: nothing to reuse",
				   (long long)prev, how_it_ended(st));
		else
			buf_printf(&b, "same key as step run %lld, but its outputs are gone or changed",
				   (long long)prev);
		store_step_run_clear(&old);
	} else {
		say_changed(&b, d);
		buf_printf(&b, " (since step run %lld)", (long long)prev);
	}
	cJSON_Delete(d);
	cJSON_Delete(before);
	return buf_steal(&b);
}

/* Rule 2, first half: the earlier run's step run must have the key the
 * step has now.  1 when it does; 0 with *why_not naming what changed. */
static int same_key(const struct decide_in *in, const struct decision *d, char **why_not)
{
	struct store_step_run old = { 0 };
	char *pj = NULL;
	int same = 0;
	if (store_step_run_get_by_id(in->store, in->reuse_from, &old, NULL) == 0 &&
	    old.cache_key && strcmp(old.cache_key, d->key) == 0)
		same = 1;
	if (!same) {
		cJSON *before = store_cache_parts(in->store, in->reuse_from, &pj, NULL) == 0 && pj
					? cJSON_Parse(pj)
					: NULL;
		cJSON *diff = before ? cache_diff_ranked(d->parts, before) : NULL;
		struct buf b = BUF_INIT;
		/* a sibling of the --from step is not upstream of it: the
		 * step does not need it */
		const char *where = in->from_mark == 3 ? "not needed by" : "upstream of --from";
		if (cJSON_GetArraySize(diff) > 0) {
			buf_printf(&b, "%s %s, but ", where, in->from_step);
			say_changed(&b, diff);
			buf_printf(&b, " since run %lld", (long long)in->reuse_run);
		} else {
			buf_printf(&b, "%s %s, but its key is not that of run %lld", where,
				   in->from_step, (long long)in->reuse_run);
		}
		*why_not = buf_steal(&b);
		cJSON_Delete(diff);
		cJSON_Delete(before);
	}
	free(pj);
	store_step_run_clear(&old);
	return same;
}

/* Rule 2: reuse the earlier run's step run.  1 when reused; 0 with
 * *why_not when its artifacts no longer verify. */
static int try_reuse(const struct decide_in *in, struct decision *d, char **why_not,
		     struct rl_err *err)
{
	if (!same_key(in, d, why_not))
		return 0;
	int v = cache_verify(in->store, in->reuse_from, in->step, &d->outs, &d->nouts,
			     why_not, err);
	if (v <= 0)
		return v;
	d->action = DECIDE_REUSED;
	d->hit = in->reuse_from;
	struct buf b = BUF_INIT;
	if (in->from_mark == 3)
		buf_printf(&b, "reused from run %lld (step run %lld): not needed by %s, unchanged",
			   (long long)in->reuse_run, (long long)in->reuse_from, in->from_step);
	else
		buf_printf(&b, "reused by --from %s: upstream of it, unchanged since run %lld "
			   "(step run %lld)",
			   in->from_step, (long long)in->reuse_run, (long long)in->reuse_from);
	d->why = buf_steal(&b);
	return 1;
}

/* Rule 3: what says "execute" whatever the cache holds, or NULL. */
static char *must_run(const struct decide_in *in)
{
	if (in->from_mark == 1)
		return say("--from", in->step->name);
	if (in->force)
		return say("--force", in->step->name);
	if (!in->step->cache || in->no_cache)
		return strdup(in->no_cache ? "--no-cache" : "\"cache\": false");
	if (in->from_mark == 2)
		return say("downstream of --from", in->from_step);
	return NULL;
}

/* Rule 4: the newest usable step run with the key, as the step run that
 * really ran (not another cached copy of it). */
static int try_cache(const struct decide_in *in, struct decision *d, struct rl_err *err)
{
	int64_t hit = 0;
	if (in->pipeline_id <= 0 || !in->store)
		return 0;
	if (cache_lookup(in->store, in->pipeline_id, in->step, d->key, &hit, &d->outs,
			 &d->nouts, err) < 0)
		return -1;
	if (!hit)
		return 0;
	struct store_step_run src = { 0 };
	if (store_step_run_get_by_id(in->store, hit, &src, NULL) == 0 && src.cached_from)
		hit = src.cached_from;
	store_step_run_clear(&src);
	d->action = DECIDE_CACHED;
	d->hit = hit;
	struct buf b = BUF_INIT;
	buf_printf(&b, "same key as step run %lld", (long long)hit);
	d->why = buf_steal(&b);
	return 1;
}

int decide_step(const struct decide_in *in, struct decision *d, struct rl_err *err)
{
	char *why_not = NULL;
	int rc = -1;
	memset(d, 0, sizeof *d);
	d->action = DECIDE_RUN;
	if (in->unknown_why) {
		d->why = strdup(in->unknown_why);
		return d->why ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
	}
	if (cache_key(in->spec, in->step, in->run_id, in->run_name, in->input_sha, in->memo,
		      &d->parts, d->key, err) < 0)
		goto cleanup;
	int got = 0;
	if (in->reuse_from && in->store && (got = try_reuse(in, d, &why_not, err)) < 0)
		goto cleanup;
	if (!got && !(d->why = must_run(in)) && (got = try_cache(in, d, err)) < 0)
		goto cleanup;
	if (!d->why)
		d->why = why_not ? why_not : miss_reason(in, d->parts);
	if (d->why == why_not)
		why_not = NULL;
	rc = d->why ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	free(why_not);
	if (rc < 0)
		decision_clear(d);
	return rc;
}
