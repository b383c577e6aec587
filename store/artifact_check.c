/* store/artifact_check.c — one artifact row (store/artifact_check.h). */
#include "config.h"
#include "store/artifact_check.h"

#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

int store_artifact_get(struct store *s, int64_t id, struct store_artifact *out,
		       struct rl_err *err)
{
	static const char sql[] =
		"SELECT id, sha256, type, size, path, created_ms FROM artifacts WHERE id = ?";
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the artifact", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->sha256 = col_text(st, 1);
		out->type = col_text(st, 2);
		out->size = sqlite3_column_int64(st, 3);
		out->path = col_kept_path(s, st, 4, NULL);
		out->created_ms = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no artifact %lld", (long long)id);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read the artifact", err);
	return 0; /* a NULL column (a damaged row) is left NULL for the caller */
}

void store_artifact_clear(struct store_artifact *a)
{
	if (!a)
		return;
	free(a->sha256);
	free(a->type);
	free(a->path);
	memset(a, 0, sizeof *a);
}
