/* store/metric_batch.c — many metric values of one step run recorded at
 * once, with the same result as one store_metric_add per value: the step
 * run is looked up once, each value is one prepared INSERT, and each key's
 * summary is read once, folded in memory and written once. */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

const char store_sql_metric_insert[] =
	"INSERT INTO metrics (step_run_id, run_id, key, idx, value, at_ms) "
	"VALUES (?, ?, ?, ?, ?, ?)";

/* What metric_add's upsert does to the summary, for one value. */
static void fold(struct metric_summary *m, const struct store_point_new *p)
{
	if (!m->found) {
		*m = (struct metric_summary){ .found = 1, .value = p->value,
					      .min = p->value, .max = p->value,
					      .count = 1, .is_series = p->has_index,
					      .has_last = p->has_index,
					      .last_idx = p->index };
		return;
	}
	int newer = !p->has_index || !m->has_last || p->index >= m->last_idx;
	if (newer)
		m->value = p->value;
	if (p->has_index && (!m->has_last || p->index >= m->last_idx)) {
		m->has_last = 1;
		m->last_idx = p->index;
	}
	if (p->value < m->min)
		m->min = p->value;
	if (p->value > m->max)
		m->max = p->value;
	m->count = add_count(m->count, 1);
	m->is_series |= p->has_index;
}

static int read_summary(struct store *s, int64_t run_id, const char *step,
			const char *key, struct metric_summary *m, struct rl_err *err)
{
	static const char sql[] =
		"SELECT value, min, max, count, is_series, last_idx FROM run_metrics "
		"WHERE run_id = ? AND step = ? AND key = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_text(st, 2, step) || bind_text(st, 3, key))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read metrics", err);
	int rc = sqlite3_step(st);
	memset(m, 0, sizeof *m);
	if (rc == SQLITE_ROW) {
		m->found = 1;
		m->value = sqlite3_column_double(st, 0);
		m->min = sqlite3_column_double(st, 1);
		m->max = sqlite3_column_double(st, 2);
		m->count = col_count(st, 3);
		m->is_series = col_int(st, 4, 0, 1);
		m->has_last = sqlite3_column_type(st, 5) != SQLITE_NULL;
		m->last_idx = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? 0
		       : store_fail(s, rc, "cannot read metrics", err);
}

int store_write_summary(struct store *s, int64_t run_id, int64_t step_run_id,
			const char *step, const char *key,
			const struct metric_summary *m, struct rl_err *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO run_metrics (run_id, step_run_id, step, key, "
		"value, min, max, count, is_series, last_idx) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, run_id) || bind_i64(st, 2, step_run_id) ||
	    bind_text(st, 3, step) || bind_text(st, 4, key) ||
	    sqlite3_bind_double(st, 5, m->value) || sqlite3_bind_double(st, 6, m->min) ||
	    sqlite3_bind_double(st, 7, m->max) || bind_i64(st, 8, m->count) ||
	    sqlite3_bind_int(st, 9, m->is_series) ||
	    (m->has_last ? bind_i64(st, 10, m->last_idx) : sqlite3_bind_null(st, 10)))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the metric", err);
	return store_run_stmt(s, st, "cannot record the metric", err);
}

static int step_of(struct store *s, int64_t step_run_id, int64_t *run_id,
		   char **step, struct rl_err *err)
{
	static const char sql[] = "SELECT run_id, name FROM step_runs WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read the step", err);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(st, 0);
		*step = col_text_or(st, 1, "");
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return rl_err_set(err, RL_E_NOT_FOUND, "no step run %lld",
				  (long long)step_run_id);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read the step", err);
	return *step ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

struct by_key {
	const struct store_point_new *p;
	int i;
};

static int cmp_by_key(const void *a, const void *b)
{
	const struct by_key *x = a, *y = b;
	int c = strcmp(x->p->key, y->p->key);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Keys a batch folds without sorting: steps log a few keys in turn. */
#define FEW_KEYS 64

struct few_keys {
	const char *key[FEW_KEYS];
	struct metric_summary m[FEW_KEYS];
	int n;
};

/* The slot of KEY, looked for first after the one before (keys logged in
 * turn: loss, acc, loss, acc …); -1 when there would be too many. */
static int slot_of(struct few_keys *k, const char *key, int prev)
{
	for (int j = 0; j < k->n; j++) {
		int at = (prev + 1 + j) % k->n;
		if (!strcmp(k->key[at], key))
			return at;
	}
	if (k->n == FEW_KEYS)
		return -1;
	k->key[k->n] = key;
	return k->n++;
}

/* Each key's summary read once, its values folded in the order given,
 * written once; 1 when the batch has too many keys for that. */
static int fold_few(struct store *s, int64_t run_id, int64_t step_run_id, const char *step,
		    const struct store_point_new *pts, int n, struct rl_err *err)
{
	struct few_keys *k = malloc(sizeof *k);
	int *slot = malloc((size_t)n * sizeof *slot);
	int rc = 0;
	if (!k || !slot) {
		rc = rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	k->n = 0;
	for (int i = 0, prev = -1; i < n; i++)
		if ((slot[i] = prev = slot_of(k, pts[i].key, prev)) < 0) {
			rc = 1;
			goto cleanup;
		}
	for (int j = 0; j < k->n; j++)
		if (read_summary(s, run_id, step, k->key[j], &k->m[j], err) < 0) {
			rc = -1;
			goto cleanup;
		}
	for (int i = 0; i < n; i++)
		fold(&k->m[slot[i]], &pts[i]);
	for (int j = 0; rc == 0 && j < k->n; j++)
		rc = store_write_summary(s, run_id, step_run_id, step, k->key[j], &k->m[j], err);
cleanup:
	free(slot);
	free(k);
	return rc;
}

/* The same, for any number of keys: the values sorted by key. */
static int fold_sorted(struct store *s, int64_t run_id, int64_t step_run_id, const char *step,
		       const struct store_point_new *pts, int n, struct rl_err *err)
{
	struct by_key *order = malloc((size_t)n * sizeof(*order));
	if (!order)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < n; i++)
		order[i] = (struct by_key){ &pts[i], i };
	qsort(order, (size_t)n, sizeof(*order), cmp_by_key);
	int rc = 0;
	for (int i = 0; rc == 0 && i < n;) {
		const char *key = order[i].p->key;
		struct metric_summary m;
		if ((rc = read_summary(s, run_id, step, key, &m, err)) < 0)
			break;
		for (; i < n && !strcmp(order[i].p->key, key); i++)
			fold(&m, order[i].p);
		rc = store_write_summary(s, run_id, step_run_id, step, key, &m, err);
	}
	free(order);
	return rc;
}

static int insert_all(struct store *s, int64_t run_id, int64_t step_run_id,
		      const struct store_point_new *pts, int n, struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, store_sql_metric_insert, err);
	if (!st)
		return -1;
	/* a reset keeps the bindings: the step's once, the rest every row */
	if (bind_i64(st, 1, step_run_id) || bind_i64(st, 2, run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the metric", err);
	for (int i = 0; i < n; i++) {
		const struct store_point_new *p = &pts[i];
		if (sqlite3_bind_text(st, 3, p->key, -1, SQLITE_STATIC) ||
		    (p->has_index ? bind_i64(st, 4, p->index) : sqlite3_bind_null(st, 4)) ||
		    sqlite3_bind_double(st, 5, p->value) || bind_i64(st, 6, p->at_ms))
			return store_fail(s, sqlite3_errcode(s->db), "cannot record the metric", err);
		if (store_run_stmt(s, st, "cannot record the metric", err) < 0)
			return -1;
	}
	return 0;
}

static int add_all(struct store *s, int64_t step_run_id,
		   const struct store_point_new *pts, int n, struct rl_err *err)
{
	int64_t run_id = 0;
	char *step = NULL;
	int rc = step_of(s, step_run_id, &run_id, &step, err);
	if (rc == 0)
		rc = insert_all(s, run_id, step_run_id, pts, n, err);
	if (rc == 0)
		rc = fold_few(s, run_id, step_run_id, step, pts, n, err);
	if (rc == 1)
		rc = fold_sorted(s, run_id, step_run_id, step, pts, n, err);
	free(step);
	return rc;
}

int store_metrics_add(struct store *s, int64_t step_run_id,
		      const struct store_point_new *pts, int n,
		      struct rl_err *err)
{
	if (n <= 0)
		return 0;
	int nested;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	return store_unit_end(s, nested, add_all(s, step_run_id, pts, n, err), err);
}
