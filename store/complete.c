/* store/complete.c — what the command line's completion asks the store:
 * names that start with a prefix, run ids that start with digits.  Each
 * answer is a bounded range of an index (never a scan), so completing is
 * as fast on a store of a million runs as on one of ten. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

/* by enum store_name_kind: with an upper bound (?2), then without */
static const char run_names[] =
	"SELECT name FROM runs WHERE name >= ?1 AND name < ?2 ORDER BY name LIMIT ?3";
static const char run_names_all[] =
	"SELECT name FROM runs WHERE name >= ?1 ORDER BY name LIMIT ?3";
static const char pipeline_names[] =
	"SELECT name FROM pipelines WHERE name >= ?1 AND name < ?2 ORDER BY name LIMIT ?3";
static const char pipeline_names_all[] =
	"SELECT name FROM pipelines WHERE name >= ?1 ORDER BY name LIMIT ?3";
static const char stack_names[] =
	"SELECT name FROM stacks WHERE name >= ?1 AND name < ?2 ORDER BY name LIMIT ?3";
static const char stack_names_all[] =
	"SELECT name FROM stacks WHERE name >= ?1 ORDER BY name LIMIT ?3";
static const char run_ids[] =
	"SELECT id FROM runs WHERE id BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?3";
static const char max_run_id[] = "SELECT max(id) FROM runs";

const char *const store_complete_sql[] = {
	run_names, run_names_all, pipeline_names, pipeline_names_all,
	stack_names, stack_names_all, run_ids, max_run_id,
};
const int store_complete_nsql =
	(int)(sizeof store_complete_sql / sizeof store_complete_sql[0]);

static const char *const by_kind[][2] = {
	[STORE_NAMES_RUN] = { run_names, run_names_all },
	[STORE_NAMES_PIPELINE] = { pipeline_names, pipeline_names_all },
	[STORE_NAMES_STACK] = { stack_names, stack_names_all },
};

/* The least string greater than every string that starts with PREFIX:
 * PREFIX with its last byte below 0xff incremented (malloc'd); NULL when
 * there is none (PREFIX empty or all 0xff) or out of memory (*nomem). */
static char *upper_bound(const char *prefix, int *nomem)
{
	size_t len = strlen(prefix);
	while (len && (unsigned char)prefix[len - 1] == 0xff)
		len--;
	if (!len)
		return NULL;
	char *up = strndup(prefix, len);
	if (!up) {
		*nomem = 1;
		return NULL;
	}
	up[len - 1] = (char)((unsigned char)up[len - 1] + 1);
	return up;
}

void store_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int store_names_with_prefix(struct store *s, enum store_name_kind kind,
			    const char *prefix, int limit, char ***names, int *n,
			    struct rl_err *err)
{
	int nomem = 0, cap = 0, rc = -1, src;
	char **rows = NULL;
	if (!s || !names || !n || (unsigned)kind >= sizeof by_kind / sizeof by_kind[0])
		return rl_err_set(err, RL_E_USAGE, "store_names_with_prefix: bad arguments");
	*names = NULL;
	*n = 0;
	prefix = prefix ? prefix : "";
	char *up = upper_bound(prefix, &nomem);
	sqlite3_stmt *st = nomem ? NULL : store_stmt(s, by_kind[kind][up ? 0 : 1], err);
	if (!st) {
		if (nomem)
			rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (bind_text(st, 1, prefix) || (up && bind_text(st, 2, up)) ||
	    bind_i64(st, 3, limit > 0 ? limit : 0)) {
		store_fail(s, sqlite3_errcode(s->db), "cannot read names", err);
		goto cleanup;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char **slot = grow_rows((void **)&rows, n, &cap, sizeof *rows);
		if (!slot || !(*slot = col_text(st, 0))) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto cleanup;
		}
	}
	if (src != SQLITE_DONE) {
		store_fail(s, src, "cannot read names", err);
		goto cleanup;
	}
	*names = rows;
	rows = NULL;
	rc = 0;
cleanup:
	if (st)
		sqlite3_reset(st);
	if (rows) {
		store_names_free(rows, *n);
		*n = 0;
	}
	free(up);
	return rc;
}

/* Append the ids in [LO, HI] to *ids, at most LIMIT in all. */
static int ids_in(struct store *s, int64_t lo, int64_t hi, int limit, int64_t **ids,
		  int *n, int *cap, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, run_ids, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, lo) || bind_i64(st, 2, hi) || bind_i64(st, 3, limit - *n)) {
		store_fail(s, sqlite3_errcode(s->db), "cannot read runs", err);
		sqlite3_reset(st);
		return -1;
	}
	return step_ids(s, st, ids, n, cap, "cannot read runs", err);
}

static int max_id(struct store *s, int64_t *max, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, max_run_id, err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	*max = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read runs", err);
}

int store_run_ids_with_prefix(struct store *s, const char *digits, int limit,
			      int64_t **ids, int *n, struct rl_err *err)
{
	size_t len = digits ? strlen(digits) : 0;
	int cap = 0, rc = -1;
	int64_t max, p = 0;
	if (!s || !ids || !n)
		return rl_err_set(err, RL_E_USAGE, "store_run_ids_with_prefix: bad arguments");
	*ids = NULL;
	*n = 0;
	if (!len || *digits == '0' || len > 18 || strspn(digits, "0123456789") != len ||
	    limit <= 0)
		return 0;
	for (const char *d = digits; *d; d++)
		p = p * 10 + (*d - '0');
	if (max_id(s, &max, err) < 0)
		goto cleanup;
	/* [p, p], [p0, p9], [p00, p99]…: while the low end can be an id */
	for (int64_t lo = p, span = 1; lo <= max && *n < limit; lo *= 10, span *= 10) {
		int64_t hi = span - 1 > max - lo ? max : lo + span - 1;
		if (ids_in(s, lo, hi, limit, ids, n, &cap, err) < 0)
			goto cleanup;
		if (lo > max / 10)
			break;
	}
	rc = 0;
cleanup:
	if (rc < 0) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}
