/* core/runs.c — pinning and deleting runs. */
#include "config.h"
#include "core/runs.h"

#include <string.h>

#include "util/buf.h"
#include "util/fs.h"

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

int runs_check_deletable(struct store *s, const int64_t *ids, int n, struct rl_err *err)
{
	for (int i = 0; i < n; i++) {
		struct store_run r = { 0 };
		if (store_run_get(s, ids[i], &r, err) < 0)
			return -1;
		int running = strcmp(r.status, "running") == 0;
		store_run_clear(&r);
		if (running)
			return rl_err_set(err, RL_E_USAGE, "rm: run %lld is still running",
					  (long long)ids[i]);
	}
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
	for (int i = 0; i < n; i++) {
		struct buf d = BUF_INIT;
		buf_printf(&d, "%s/runs/%lld", store_dir(s), (long long)ids[i]);
		fs_remove_tree(d.data, NULL);
		buf_free(&d);
	}
	return 0;
}
