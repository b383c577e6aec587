/* store/artifacts.c — artifacts and lineage: which step run produced an
 * artifact (outputs) and which consumed it (inputs). */
#include "config.h"
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

int store_artifact_add(struct store *s, const struct store_artifact_new *a,
		       int64_t *id, struct rl_err *err)
{
	static const char sql[] =
		"INSERT INTO artifacts (sha256, type, size, path, created_ms) "
		"VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_text(st, 1, a->sha256) || bind_text(st, 2, a->type) ||
	    bind_i64(st, 3, a->size) || bind_kept_path(s, st, 4, a->path) ||
	    bind_i64(st, 5, a->created_ms))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record the artifact", err);
	if (store_run_stmt(s, st, "cannot record the artifact", err) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int link_row(struct store *s, const char *sql, int64_t step_run_id,
		    const char *name, int64_t artifact_id, const char *source,
		    struct rl_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id) || bind_text(st, 2, name) ||
	    bind_id(st, 3, artifact_id) ||
	    (sqlite3_bind_parameter_count(st) >= 4 && bind_text(st, 4, source)))
		return store_fail(s, sqlite3_errcode(s->db), "cannot record lineage", err);
	return store_run_stmt(s, st, "cannot record lineage", err);
}

int store_step_output_add(struct store *s, int64_t step_run_id,
			  const char *name, int64_t artifact_id,
			  struct rl_err *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO step_outputs (step_run_id, name, artifact_id) "
		"VALUES (?, ?, ?)";
	return link_row(s, sql, step_run_id, name, artifact_id, NULL, err);
}

int store_step_input_add(struct store *s, int64_t step_run_id,
			 const char *name, int64_t artifact_id,
			 const char *source, struct rl_err *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO step_inputs (step_run_id, name, artifact_id, source) "
		"VALUES (?, ?, ?, ?)";
	return link_row(s, sql, step_run_id, name, artifact_id, source, err);
}

/* Columns: name, artifact id, sha, type, size, path, source, producer
 * step run id, producer run id, producer step, producer output. */
static int refs_query(struct store *s, const char *sql, int64_t step_run_id,
		      struct store_artifact_ref **rows, int *n,
		      struct rl_err *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return -1;
	if (bind_i64(st, 1, step_run_id))
		return store_fail(s, sqlite3_errcode(s->db), "cannot read artifacts", err);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_artifact_ref *r = grow_rows((void **)rows, n, &cap, sizeof(*r));
		if (!r) {
			rc = SQLITE_NOMEM;
			break;
		}
		r->name = col_text_or(st, 0, "");
		r->artifact_id = sqlite3_column_int64(st, 1);
		/* a recorded artifact has all three (an input without one
		 * has none) */
		int art = sqlite3_column_type(st, 1) != SQLITE_NULL;
		r->sha256 = art ? col_text_or(st, 2, "") : col_text(st, 2);
		r->type = art ? col_text_or(st, 3, "") : col_text(st, 3);
		r->size = col_count(st, 4);
		r->path = col_kept_path(s, st, 5, art ? "" : NULL);
		r->source = col_text(st, 6);
		r->producer_step_run_id = sqlite3_column_int64(st, 7);
		r->producer_run_id = sqlite3_column_int64(st, 8);
		r->producer_step = col_text(st, 9);
		r->producer_output = col_text(st, 10);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_artifact_refs_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot read artifacts", err);
	}
	return 0;
}

int store_outputs_of(struct store *s, int64_t step_run_id,
		     struct store_artifact_ref **rows, int *n,
		     struct rl_err *err)
{
	static const char sql[] =
		"SELECT o.name, a.id, a.sha256, a.type, a.size, a.path, NULL, "
		"sr.id, sr.run_id, sr.name, o.name "
		"FROM step_outputs o JOIN artifacts a ON a.id = o.artifact_id "
		"JOIN step_runs sr ON sr.id = o.step_run_id "
		"WHERE o.step_run_id = ? ORDER BY o.name";
	return refs_query(s, sql, step_run_id, rows, n, err);
}

int store_inputs_of(struct store *s, int64_t step_run_id,
		    struct store_artifact_ref **rows, int *n,
		    struct rl_err *err)
{
	/* the producer: the step run (of this run or any other) that
	 * recorded the artifact as an output, the earliest one; found through
	 * step_outputs_by_artifact, never by scanning every output */
	static const char sql[] =
		"SELECT i.name, a.id, a.sha256, a.type, a.size, a.path, i.source, "
		"sr.id, sr.run_id, sr.name, "
		"(SELECT min(o.name) FROM step_outputs o WHERE o.artifact_id = i.artifact_id "
		"  AND o.step_run_id = sr.id) "
		"FROM step_inputs i LEFT JOIN artifacts a ON a.id = i.artifact_id "
		"LEFT JOIN step_runs sr ON sr.id = (SELECT min(o.step_run_id) "
		"  FROM step_outputs o WHERE o.artifact_id = i.artifact_id) "
		"WHERE i.step_run_id = ? ORDER BY i.name";
	return refs_query(s, sql, step_run_id, rows, n, err);
}

void store_artifact_refs_free(struct store_artifact_ref *rows, int n)
{
	for (int i = 0; rows && i < n; i++) {
		free(rows[i].name);
		free(rows[i].sha256);
		free(rows[i].type);
		free(rows[i].path);
		free(rows[i].source);
		free(rows[i].producer_step);
		free(rows[i].producer_output);
	}
	free(rows);
}

static int gc_artifacts(struct store *s, int64_t *dropped, char ***paths, int *n,
			int64_t *bytes, struct rl_err *err)
{
	static const char count[] = "SELECT count(*) FROM gc_dead";
	static const char pick[] =
		"CREATE TEMP TABLE IF NOT EXISTS gc_dead (id INTEGER PRIMARY KEY, path TEXT, size INTEGER, "
		"sha256 TEXT);"
		"DELETE FROM gc_dead;"
		"INSERT INTO gc_dead SELECT id, path, size, sha256 FROM artifacts a "
		"WHERE NOT EXISTS (SELECT 1 FROM step_outputs o WHERE o.artifact_id = a.id) "
		"AND NOT EXISTS (SELECT 1 FROM step_inputs i WHERE i.artifact_id = a.id);"
		"DELETE FROM artifacts WHERE id IN (SELECT id FROM gc_dead);";
	/* a row without a path (a damaged or crafted store) names no file;
	 * a file is left while a live row names it: the same path, or the
	 * same content under the same name (SHA/NAME at the end of its path) —
	 * one file can be kept under two paths (a relative one since schema
	 * 12, an absolute one from before that named the store another way),
	 * and the same content under another name is another file */
	static const char files[] =
		"SELECT d.path, max(d.size) FROM gc_dead d "
		"WHERE d.path IS NOT NULL AND d.path != '' "
		"AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.path = d.path OR "
		"(a.sha256 = d.sha256 AND "
		"substr(a.path, instr(a.path, a.sha256)) = substr(d.path, instr(d.path, d.sha256)))) "
		"GROUP BY d.path ORDER BY d.path";
	*paths = NULL;
	*n = 0;
	*bytes = 0;
	if (store_exec(s, pick, err) < 0)
		return -1;
	sqlite3_stmt *st = store_stmt(s, count, err);
	if (!st)
		return -1;
	*dropped = sqlite3_step(st) == SQLITE_ROW ? col_count(st, 0) : 0;
	sqlite3_reset(st);
	st = store_stmt(s, files, err);
	if (!st)
		return -1;
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **slot = grow_rows((void **)paths, n, &cap, sizeof(char *));
		if (!slot) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (!(*slot = col_kept_path(s, st, 0, NULL))) {
			(*n)--;
			rc = SQLITE_NOMEM;
			break;
		}
		*bytes = add_count(*bytes, col_count(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		for (int i = 0; i < *n; i++)
			free((*paths)[i]);
		free(*paths);
		*paths = NULL;
		*n = 0;
		return store_fail(s, rc, "cannot collect artifacts", err);
	}
	return 0;
}

int store_gc_artifacts(struct store *s, int64_t *dropped, char ***paths, int *n,
		       int64_t *bytes, struct rl_err *err)
{
	int nested;
	*dropped = 0;
	*paths = NULL;
	*n = 0;
	*bytes = 0;
	if (store_unit_begin(s, &nested, err) < 0)
		return -1;
	int rc = gc_artifacts(s, dropped, paths, n, bytes, err);
	rc = store_unit_end(s, nested, rc, err);
	if (rc < 0) {
		for (int i = 0; i < *n; i++)
			free((*paths)[i]);
		free(*paths);
		*paths = NULL;
		*n = 0;
		*dropped = 0;
		*bytes = 0;
	}
	return rc;
}

int store_artifact_sha_known(struct store *s, const char *sha256, int *known,
			     struct rl_err *err)
{
	static const char sql[] = "SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql, err);
	*known = 0;
	if (!st)
		return -1;
	int rc;
	if (bind_text(st, 1, sha256))
		rc = store_fail(s, sqlite3_errcode(s->db), "cannot read artifacts", err);
	else if ((rc = sqlite3_step(st)) == SQLITE_ROW || rc == SQLITE_DONE) {
		*known = rc == SQLITE_ROW;
		rc = 0;
	} else {
		rc = store_fail(s, rc, "cannot read artifacts", err);
	}
	sqlite3_reset(st);
	return rc;
}
