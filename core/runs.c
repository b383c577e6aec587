/* core/runs.c — pinning and deleting runs. */
#include "config.h"
#include "core/runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/spec.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

int runs_pin(struct store *s, int64_t run_id, struct rl_err *err)
{
	struct store_run r = { 0 };
	int rc = -1;
	if (store_run_get(s, run_id, &r, err) == 0 &&
	    store_pipeline_pin(s, r.pipeline_id, r.id, err) == 0)
		rc = 0;
	store_run_clear(&r);
	return rc;
}

char *runs_pin_doubt(const struct store_run *r)
{
	if (!r->status || !strcmp(r->status, "completed"))
		return NULL;
	struct buf b = BUF_INIT;
	buf_printf(&b, "run %lld is %s, not completed", (long long)r->id, r->status);
	return buf_steal(&b);
}

/* P's pin --where rule becomes EXPR (NULL: none) and its pinned run goes,
 * in one transaction. */
static int rule_unpinned(struct store *s, const struct store_pipeline *p, const char *expr,
			 struct rl_err *err)
{
	if (store_begin(s, err) < 0)
		return -1;
	if (store_pipeline_set_rule(s, p->id, expr, err) < 0 ||
	    store_pipeline_pin(s, p->id, 0, err) < 0) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, err);
}

int runs_pin_rule(struct store *s, const struct store_pipeline *p, const char *expr,
		  struct rl_err *err)
{
	struct store_filter *f = NULL;
	if (filter_parse(expr, time_now_ms(), &f, err) < 0)
		return -1;
	filter_free(&f);
	return rule_unpinned(s, p, expr, err);
}

int runs_unpin(struct store *s, const struct store_pipeline *p, struct rl_err *err)
{
	return rule_unpinned(s, p, NULL, err);
}

int runs_tag_check(const char *tag, struct rl_err *err)
{
	if (!spec_valid_tag(tag))
		return rl_err_set(err, RL_E_INPUT,
				  "'%s' is not a tag (no spaces or commas)",
				  tag ? tag : "");
	return 0;
}

int runs_name_free(struct store *s, const char *name, struct rl_err *err)
{
	int64_t other;
	if (runs_name_check(name, err) < 0)
		return -1;
	if (s && store_run_id_by_name(s, name, &other, NULL) == 0)
		return rl_err_set(err, RL_E_USAGE, "a run named '%s' already exists", name);
	return 0;
}

int runs_name_check(const char *name, struct rl_err *err)
{
	/* a name must not stand for another run: RUN is an id, a name,
	 * `last` or PIPELINE@last */
	const char *why = NULL;
	int digits = name && *name;
	for (const char *p = name; p && *p; p++)
		digits &= *p >= '0' && *p <= '9';
	if (!name || !*name)
		why = "empty";
	else if (digits)
		why = "all digits, like a run id";
	else if (!strcmp(name, "last"))
		why = "'last' stands for the last run";
	else if (strchr(name, '@'))
		why = "'@' is for PIPELINE@last";
	else if (name[0] == '-')
		why = "it would read as an option";
	if (why)
		return rl_err_set(err, RL_E_USAGE, "'%s' cannot be a run name: %s", name ? name : "",
				  why);
	return 0;
}

int runs_tag(struct store *s, int64_t run_id, char *const *tags, int n, struct rl_err *err)
{
	for (int i = 0; i < n; i++)
		if (runs_tag_check(tags[i], err) < 0)
			return -1;
	if (store_begin(s, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (store_run_add_tag(s, run_id, tags[i], err) < 0) {
			store_rollback(s);
			return -1;
		}
	return store_commit(s, err);
}

int runs_untag(struct store *s, int64_t run_id, char *const *tags, int n, int *removed,
	       struct buf *absent, struct rl_err *err)
{
	int gone = 0, nabsent = 0;
	if (store_begin(s, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int had = 0;
		if (store_run_remove_tag(s, run_id, tags[i], &had, err) < 0) {
			store_rollback(s);
			return -1;
		}
		gone += had;
		if (!had && absent)
			buf_printf(absent, "%s'%s'", nabsent++ ? ", " : "", tags[i]);
	}
	if (store_commit(s, err) < 0)
		return -1;
	if (removed)
		*removed = gone;
	return 0;
}

int runs_note(struct store *s, int64_t run_id, const char *text, struct rl_err *err)
{
	return store_run_add_note(s, run_id, text, time_now_ms(), err);
}

int runs_check_deletable(struct store *s, const int64_t *ids, int n, struct rl_err *err)
{
	for (int i = 0; i < n; i++) {
		struct store_run r = { 0 };
		if (store_run_get(s, ids[i], &r, err) < 0)
			return -1;
		int running = strcmp(r.status, "running") == 0;
		store_run_clear(&r);
		if (running)
			return rl_err_set(err, RL_E_USAGE, "run %lld is still running",
					  (long long)ids[i]);
	}
	return 0;
}

static int has_id(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

int runs_delete_reach(struct store *s, const int64_t *ids, int n, char *said[2],
		      struct rl_err *err)
{
	enum { NAMED = 5 };
	int64_t *found = NULL;
	int nfound = 0, cap = 0;
	said[0] = said[1] = NULL;
	for (int i = 0; i < n; i++)
		if (store_runs_reusing(s, ids[i], &found, &nfound, &cap, err) < 0) {
			free(found);
			return -1;
		}
	/* the runs being deleted with them do not count; each run once */
	int k = 0;
	for (int i = 0; i < nfound; i++)
		if (!has_id(ids, n, found[i]) && !has_id(found, k, found[i]))
			found[k++] = found[i];
	if (k) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "run%s ", k == 1 ? "" : "s");
		for (int i = 0; i < k && i < NAMED; i++)
			buf_printf(&b, "%s%lld", i == 0 ? "" : i == k - 1 ? " and " : ", ",
				   (long long)found[i]);
		if (k > NAMED)
			buf_printf(&b, " and %d more", k - NAMED);
		buf_printf(&b, " reuse%s steps of %s from the cache:", k == 1 ? "s" : "",
			   n == 1 ? "it" : "them");
		said[1] = strdup("those steps keep their outputs but lose their logs");
		if (!b.data || !said[1]) {
			buf_free(&b);
			free(said[1]);
			said[1] = NULL;
			free(found);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
		said[0] = buf_steal(&b);
	}
	free(found);
	return 0;
}

int runs_delete(struct store *s, const int64_t *ids, int n, struct rl_err *err)
{
	if (runs_check_deletable(s, ids, n, err) < 0)
		return -1;
	if (store_begin(s, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (store_run_delete(s, ids[i], err) < 0) {
			store_rollback(s);
			return -1;
		}
	if (store_commit(s, err) < 0)
		return -1;
	/* every folder is tried; the first one left behind is the error (a
	 * folder left would hold the logs and checkpoints of a run that is
	 * gone, and saying "deleted" would hide it) */
	struct buf first = BUF_INIT;
	enum rl_code code = RL_E_IO;
	int left = 0;
	for (int i = 0; i < n; i++) {
		struct buf d = BUF_INIT;
		struct rl_err e = RL_ERR_INIT;
		buf_printf(&d, "%s/runs/%lld", store_dir(s), (long long)ids[i]);
		if (d.data && fs_remove_tree(d.data, &e) < 0 && !left++) {
			code = e.code == RL_E_NOT_FOUND ? RL_E_IO : e.code;
			buf_printf(&first, "run %lld was deleted, but its folder %s could not be "
				   "removed (%s); remove it by hand", (long long)ids[i], d.data,
				   rl_err_msg(&e));
		}
		rl_err_clear(&e);
		buf_free(&d);
	}
	if (left > 1)
		buf_printf(&first, " (and %d more run folders)", left - 1);
	if (left)
		rl_err_set(err, code, "%s", first.data ? first.data : "a run folder was left");
	buf_free(&first);
	return left ? -1 : 0;
}

void runs_step_status(const char *status, int64_t left_ms, char *buf, size_t size)
{
	if (strcmp(status, "retrying") != 0 || left_ms <= 0) {
		snprintf(buf, size, "%s", status);
		return;
	}
	long long sec = (long long)((left_ms + 999) / 1000);
	if (sec < 60)
		snprintf(buf, size, "retrying in %llds", sec);
	else if (sec < 3600)
		snprintf(buf, size, "retrying in %lldm%02llds", sec / 60, sec % 60);
	else
		snprintf(buf, size, "retrying in %lldh%02lldm", sec / 3600, sec % 3600 / 60);
}
