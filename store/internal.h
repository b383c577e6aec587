/* store/internal.h — what the store's .c files share: the connection, the
 * statement cache, and small helpers for binding and reading columns. */
#ifndef RUNLENS_STORE_INTERNAL_H
#define RUNLENS_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "store/store.h"

struct cached_stmt {
	const char *sql; /* identity: the address of a static string */
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *dir;
	char *root; /* DIR resolved (realpath), or NULL */
	char *path, *wal_path, *shm_path; /* DIR/runlens.db, its -wal and -shm */
	int access;   /* enum store_access */
	int readonly; /* access is not STORE_ACCESS_WRITE */
	/* opened as a snapshot (immutable=1, store/open.c), holding a read
	 * lock on the file (lock_fd; -1: none), which was SEEN then */
	int snapshot, lock_fd;
	struct stat seen;
	int64_t dv_base, dv_last; /* store_data_version across reconnects */
	struct cached_stmt *stmts;
	int nstmts, capstmts;
	int (*progress)(void *ctx); /* store_set_progress, kept across reconnects */
	void *progress_ctx;
};

/* A snapshot whose file changed, or that a writer has opened since
 * (store/open.c): the connection should be opened again. */
int store_snapshot_stale(struct store *s);
/* Close the connection and open it again as store_open chose. */
int store_reconnect(struct store *s, struct rl_err *err);

/* The prepared statement for SQL (a static string: cached by address),
 * reset and with bindings cleared; NULL with *err on failure. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql, struct rl_err *err);

/* Turn an SQLite result code into an error (-1).  WHAT says what was being
 * done ("cannot record the run"). */
int store_fail(struct store *s, int rc, const char *what, struct rl_err *err);

/* Run SQL without results (schema, pragmas). */
int store_exec(struct store *s, const char *sql, struct rl_err *err);

/* Make the writes that follow one unit, whether or not the caller has a
 * transaction open: BEGIN IMMEDIATE when none is (so reads made before the
 * writes see what the writes will change), else a SAVEPOINT.  *nested
 * receives which, for store_unit_end. */
int store_unit_begin(struct store *s, int *nested, struct rl_err *err);

/* End the unit: commit (or release the savepoint) when RC is 0, else undo
 * everything since store_unit_begin.  Returns RC, or -1 when the commit
 * failed. */
int store_unit_end(struct store *s, int nested, int rc, struct rl_err *err);

/* Step a statement that returns no rows and reset it. */
int store_run_stmt(struct store *s, sqlite3_stmt *st, const char *what,
		   struct rl_err *err);

/* Bind helpers: NULL strings and zero ids bind SQL NULL. */
int bind_text(sqlite3_stmt *st, int i, const char *v);
int bind_id(sqlite3_stmt *st, int i, int64_t v);
int bind_i64(sqlite3_stmt *st, int i, int64_t v);

/* A copy of a text column, or NULL for SQL NULL. */
char *col_text(sqlite3_stmt *st, int i);

/* Readers for what a damaged or crafted database may hold in any column
 * (store.h, "What a record holds"): a text column the schema declares NOT
 * NULL, as a copy, IF_NULL when it is NULL (NULL only when out of
 * memory); a time, 0 (unset) unless it lies between the epoch and the
 * end of year 9999; a count or size, 0 when negative; an int, clamped to
 * [LO, HI] (a wider value read by sqlite3_column_int would keep only its
 * low 32 bits). */
char *col_text_or(sqlite3_stmt *st, int i, const char *if_null);
int64_t col_ms(sqlite3_stmt *st, int i);
int64_t col_count(sqlite3_stmt *st, int i);
int col_int(sqlite3_stmt *st, int i, int lo, int hi);
/* A 63-bit hash of N bytes (FNV-1a), the same as SQL runlens_hash63(X):
 * how specs and context pieces are found again (then compared whole). */
int64_t store_hash63(const void *data, size_t n);

/* A + B for counts and sizes, at most INT64_MAX. */
int64_t add_count(int64_t a, int64_t b);

/* Grow a row array by one zeroed element; returns the element or NULL. */
/* How long a statement waits for another process's lock (busy timeout). */
#define STORE_BUSY_MS 10000

void *grow_rows(void **rows, int *n, int *cap, size_t size);
/* Step the bound statement ST to its end, its first column's integers
 * appended to *IDS (*n, *cap as grow_rows); reset after.  WHAT names
 * the failure ("cannot read runs"). */
int step_ids(struct store *s, sqlite3_stmt *st, int64_t **ids, int *n, int *cap,
	     const char *what, struct rl_err *err);

/* Update the pipeline's run counters after a run changed status. */
int store_pipeline_count(struct store *s, int64_t pipeline_id,
			 const char *old_status, const char *new_status,
			 struct rl_err *err);

int store_migrate(struct store *s, struct rl_err *err);

/* One raw metric value: (step_run_id, run_id, key, idx, value, at_ms).
 * Shared, so the statement is prepared once (store_stmt caches by
 * address). */
extern const char store_sql_metric_insert[];

/* A run's summary of one metric of a step run (a run_metrics row). */
struct metric_summary {
	int found; /* read_summary: the row exists */
	double value, min, max;
	int64_t count;
	int is_series;
	int has_last; /* last_idx is not NULL */
	int64_t last_idx;
};
/* Insert or replace the summary of STEP.KEY of the run. */
int store_write_summary(struct store *s, int64_t run_id, int64_t step_run_id,
			const char *step, const char *key,
			const struct metric_summary *m, struct rl_err *err);

/* Paths of files inside the store (logs, artifacts) are kept relative
 * to it (schema 12), so a store that moves with its project folder still
 * finds them: PATH as the database keeps it (relative when inside DIR),
 * and a kept one as a path to open (absolute).  malloc'd; NULL for
 * NULL. */
char *store_path_to_db(const struct store *s, const char *path);
char *store_path_from_db(const struct store *s, const char *kept);
/* Bind PATH as the database keeps it; column I as a path to open
 * (IF_NULL, or NULL, when it is NULL). */
int bind_kept_path(const struct store *s, sqlite3_stmt *st, int i, const char *path);
char *col_kept_path(const struct store *s, sqlite3_stmt *st, int i, const char *if_null);

/* The metadata rows SQL selects (output, key, value_json) for ID, its
 * one parameter: a step run's, an attempt's. */
struct store_meta;
int store_read_metas(struct store *s, const char *sql, int64_t id, struct store_meta **rows,
		     int *n, struct rl_err *err);

/* The id of a new run, as SQL: one more than the highest ever given
 * (schema 5, counters), never that of a deleted run.  (Without the row,
 * in a damaged store, NULL: SQLite then picks one.) */
#define STORE_NEXT_RUN_ID "(SELECT value + 1 FROM counters WHERE name = 'run_id')"

/* Contexts (store/contexts.c).  store_context_add: the id of TEXT in
 * contexts, added when it is new (its pieces each kept once);
 * store_context_text: the text of context ID, malloc'd. */
int store_context_add(struct store *s, const char *text, int64_t *id, struct rl_err *err);
int store_context_text(struct store *s, int64_t id, char **text, struct rl_err *err);

/* The columns of a run row (then "FROM runs r JOIN pipelines p …"), and
 * reading them. */
#define STORE_RUN_COLS                                                         \
	"r.id, r.pipeline_id, p.name, r.name, r.status, r.started_ms, "        \
	"r.ended_ms, r.heartbeat_ms, r.spec_path, r.params_json, "             \
	"coalesce(r.rerun_of_id, r.rerun_of), "                                \
	"r.stack, r.model_name, r.model_version, r.state_json, "               \
	"r.context_json, r.runner_pid, r.runner_host, r.runner_token, "        \
	"r.note, r.tag_list, r.rerun_of_name, r.git_commit, r.git_dirty "
/* How many they are: a query that selects more after them reads those
 * from this index on (store/query.c's sort value). */
#define STORE_RUN_NCOLS 24
/* The git commit and dirty flag a run's context (JSON text X) records
 * (environment.git), as SQL: the runs columns git_commit and git_dirty
 * (schema 9) hold these of context_json, set with it and by the migration
 * from the runs before it, so filters find them in an index. */
#define STORE_GIT_COMMIT_OF(x)                                               \
	"(CASE WHEN json_valid(" x ") AND json_type(" x                        \
	", '$.environment.git.commit') = 'text' THEN json_extract(" x          \
	", '$.environment.git.commit') END)"
#define STORE_GIT_DIRTY_OF(x)                                                \
	"(CASE WHEN json_valid(" x ") AND json_type(" x                        \
	", '$.environment.git.dirty') IN ('true', 'false') THEN json_extract(" \
	x ", '$.environment.git.dirty') END)"

/* A run's first tag, as SQL over its tag_list column X (schema 3: each
 * tag as BYTES:TAG, in tag order): the bytes after the first ':', as many
 * as its length says, cut from the blob since the length is in bytes.
 * STORE_HAS_TAGS(X): the run has a tag.  The sort by tag (store/query.c)
 * says both, and schema 11's runs_by_tag indexes are made from both
 * (SQLite uses an expression index only for the same expression, and a
 * partial one only when the query says its WHERE): change them and add a
 * migration that makes those indexes again. */
#define STORE_FIRST_TAG_OF(x)                                                \
	"CAST(substr(CAST(" x " AS BLOB), instr(" x ", ':') + 1, "             \
	"CAST(substr(" x ", 1, instr(" x ", ':') - 1) AS INTEGER)) AS TEXT)"
#define STORE_HAS_TAGS(x) x " IS NOT NULL AND " x " != ''"

/* Read a row of STORE_RUN_COLS into R (cleared first): 0, or -1 when out
 * of memory (R then holds nothing). */
int store_read_run(sqlite3_stmt *st, struct store_run *r);
/* Step ST to the end, reading run rows and their tags, from one snapshot;
 * resets ST.  A statement the progress handler stops fails with
 * RL_E_INTERRUPTED.  store_read_runs_each: also EACH(ST, CTX) after each
 * row was read (-1: out of memory, which fails the read). */
int store_read_runs(struct store *s, sqlite3_stmt *st, struct store_run **rows,
		    int *n, struct rl_err *err);
int store_read_runs_each(struct store *s, sqlite3_stmt *st,
			 int (*each)(sqlite3_stmt *st, void *ctx), void *ctx,
			 struct store_run **rows, int *n, struct rl_err *err);

/* The statements of store/complete.c, so that a test can check that the
 * query planner answers each from an index. */
extern const char *const store_complete_sql[];
extern const int store_complete_nsql;
/* ... and those of store/fields.c. */
extern const char *const store_fields_sql[];
extern const int store_fields_nsql;
/* ... and those of store/sweeps.c (issue 16), each answered by an index. */
extern const char *const store_sweeps_sql[];
extern const int store_sweeps_nsql;
/* ... and of store/recent.c: the newest runs first, then their rows. */
extern const char *const store_recent_sql[];
extern const int store_recent_nsql;

#endif
