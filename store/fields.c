/* store/fields.c — the params and metrics some run has: the names a
 * --where field can take.  Each answer is a seek in an index (a key, or
 * the next key after the last one), never a scan, so a store of a million
 * runs with ten param keys answers in ten seeks. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

static const char param_known[] =
	"SELECT 1 FROM run_params WHERE key = ?1 LIMIT 1";
static const char metric_known[] =
	"SELECT 1 FROM run_metrics WHERE step = ?1 AND key = ?2 LIMIT 1";
/* the skip-scans: run_params_by_key (key, value_json) and
 * run_metrics_by_value (step, key, value) hold the names in order; each
 * asks for the first entry past a whole prefix, which the b-tree finds in
 * one seek ((step, key) > (?, ?) instead would step through every entry
 * of the current name: a million for train.loss) */
static const char next_param[] =
	"SELECT key FROM run_params WHERE key > ?1 ORDER BY key LIMIT 1";
static const char next_step[] =
	"SELECT step FROM run_metrics WHERE step > ?1 ORDER BY step LIMIT 1";
static const char next_key[] =
	"SELECT key FROM run_metrics WHERE step = ?1 AND key > ?2 ORDER BY key LIMIT 1";

const char *const store_fields_sql[] = {
	param_known, metric_known, next_param, next_step, next_key,
};
const int store_fields_nsql = (int)(sizeof store_fields_sql / sizeof store_fields_sql[0]);

/* The first column of SQL's row with A (and B when given) bound, a copy
 * into *x; *x NULL when there is no row. */
static int next_text(struct store *s, const char *sql, const char *a, const char *b,
		     char **x, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	int rc = -1;
	*x = NULL;
	if (bind_text(st, 1, a) || (b && bind_text(st, 2, b))) {
		store_fail(s, sqlite3_errcode(s->db), "cannot read the store's names", err);
		goto cleanup;
	}
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW && !(*x = col_text(st, 0))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE) {
		store_fail(s, src, "cannot read the store's names", err);
		goto cleanup;
	}
	rc = 0;
cleanup:
	sqlite3_reset(st);
	return rc;
}

/* Does SQL (with up to two texts bound) return a row? */
static int has_row(struct store *s, const char *sql, const char *a, const char *b,
		   int *yes, struct rl_err *err)
{
	char *x = NULL;
	int rc = next_text(s, sql, a, b, &x, err);
	*yes = x != NULL;
	free(x);
	return rc;
}

int store_param_known(struct store *s, const char *key, int *known, struct rl_err *err)
{
	*known = 0;
	return has_row(s, param_known, key ? key : "", NULL, known, err);
}

int store_metric_known(struct store *s, const char *step, const char *key, int *known,
		       struct rl_err *err)
{
	*known = 0;
	return has_row(s, metric_known, step ? step : "", key ? key : "", known, err);
}

/* Append "A" or "A.B" to the names (*n of them, room for *cap). */
static int add_name(char ***rows, int *n, int *cap, const char *a, const char *b,
		    struct rl_err *err)
{
	char **slot = grow_rows((void **)rows, n, cap, sizeof **rows);
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *r = slot ? malloc(la + lb + 2) : NULL;
	if (!r)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	memcpy(r, a, la + 1);
	if (b) {
		r[la] = '.';
		memcpy(r + la + 1, b, lb + 1);
	}
	*slot = r;
	return 0;
}

/* Up to LIMIT more names: the keys of SQL after AFTER (NULL: from the
 * first), each named PREFIX.KEY (PREFIX NULL: KEY), bound after PREFIX
 * when it is given. */
static int keys_after(struct store *s, const char *sql, const char *prefix, int limit,
		      char ***rows, int *n, int *cap, struct rl_err *err)
{
	char *cur = NULL;
	int rc = 0;
	while (rc == 0 && *n < limit) {
		char *next = NULL;
		const char *at = cur ? cur : "";
		rc = prefix ? next_text(s, sql, prefix, at, &next, err)
			    : next_text(s, sql, at, NULL, &next, err);
		if (rc < 0 || !next)
			break;
		free(cur);
		cur = next;
		rc = prefix ? add_name(rows, n, cap, prefix, cur, err)
			    : add_name(rows, n, cap, cur, NULL, err);
	}
	free(cur);
	return rc;
}

int store_param_keys(struct store *s, int limit, char ***names, int *n,
		     struct rl_err *err)
{
	int cap = 0;
	*names = NULL;
	*n = 0;
	if (keys_after(s, next_param, NULL, limit, names, n, &cap, err) == 0)
		return 0;
	store_names_free(*names, *n);
	*names = NULL;
	*n = 0;
	return -1;
}

int store_metric_names(struct store *s, int limit, char ***names, int *n,
		       struct rl_err *err)
{
	int cap = 0, rc = 0;
	char *step = NULL;
	*names = NULL;
	*n = 0;
	/* each step, then each key of it */
	while (rc == 0 && *n < limit) {
		char *next = NULL;
		rc = next_text(s, next_step, step ? step : "", NULL, &next, err);
		if (rc < 0 || !next)
			break;
		free(step);
		step = next;
		rc = keys_after(s, next_key, step, limit, names, n, &cap, err);
	}
	free(step);
	if (rc < 0) {
		store_names_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return rc;
}
