/* store/store.h — the front door of runlens' SQLite store.
 *
 * Every SQL statement of runlens lives in store/.  This layer knows nothing
 * of processes or terminals: it takes and returns typed records.
 *
 * Conventions
 *  - Every function returning int returns 0 on success and -1 on error, with
 *    *err filled (err may be NULL).  A missing row is RL_E_NOT_FOUND.
 *  - Times are int64 milliseconds since the Unix epoch (UTC); 0 = unset.
 *  - Ids are int64 row ids; 0 = none.
 *  - Strings in records are owned by the record (malloc'd); release a record
 *    with its *_clear() function, an array with its *s_free() function.
 *    Strings passed in are copied; the caller keeps ownership.
 *  - JSON values are passed as JSON text (e.g. value_json "0.93", "\"abc\"").
 *  - Writes: callers group writes with store_begin()/store_commit(); a write
 *    outside a transaction runs in its own implicit transaction.
 *  - Lists are paged by key (keyset pagination), never by OFFSET.
 *
 * What a record holds: a store may be damaged or crafted (a copy from
 * anywhere), so what is read is made safe to use here, once.  A text
 * field whose column the schema declares NOT NULL is never NULL ("" in a
 * damaged row; JSON fields their default, "{}" or "null"); a field
 * documented as "may be NULL" can be.  Times outside the epoch .. year
 * 9999 read as 0 (unset), counts and sizes below 0 as 0, small ints
 * (attempts, exit codes, signals) within their range.  A store holding a
 * view, a virtual table, a trigger runlens does not make or a negative
 * schema version is refused as damaged (RL_E_CORRUPT) when opened.
 */
#ifndef RUNLENS_STORE_STORE_H
#define RUNLENS_STORE_STORE_H

#include <stdint.h>

#include "util/error.h"

#define STORE_SCHEMA_VERSION 13
#define STORE_DB_NAME "runlens.db"

struct store;

enum store_open_flags {
	STORE_CREATE = 1 << 0,	 /* create the folder and database if missing */
	STORE_READONLY = 1 << 1, /* open read-only; no migration */
};

/* Open DIR/runlens.db (DIR is the store folder, e.g. "/x/.runlens").
 * Sets WAL, synchronous=NORMAL, foreign_keys=ON, busy_timeout, and
 * migrates an older schema in one transaction.  A store of a newer schema
 * is refused with RL_E_TOO_NEW; a file that is not a SQLite database with
 * RL_E_CORRUPT; a missing database without STORE_CREATE with RL_E_NO_STORE.
 * DIR/artifacts and DIR/runs are created with STORE_CREATE. */
int store_open(const char *dir, unsigned flags, struct store **out,
	       struct rl_err *err);

/* A store this user may not write (the folder or runlens.db) is opened
 * read-only without STORE_READONLY too (store/open.c says how): it reads
 * as any other, and every write fails with RL_E_READ_ONLY naming it.
 * store_access says which. */
enum store_access {
	STORE_ACCESS_WRITE,	/* opened to write */
	STORE_ACCESS_READ_ASKED, /* opened read-only: STORE_READONLY */
	STORE_ACCESS_READ_ONLY,	/* read-only: this user may not write it */
};
enum store_access store_access(const struct store *s);

/* Finalize every statement and close.  Accepts NULL; clears *s. */
void store_close(struct store **s);

/* The store folder given to store_open (owned by the store). */
const char *store_dir(const struct store *s);

/* The schema version of the open database (PRAGMA user_version). */
/* FN is called when an existing store is about to be upgraded to a newer
 * schema (once; a large store can take a while), before the work starts:
 * the caller says so to the user.  NULL: nothing is called. */
void store_on_migrate(void (*fn)(const char *dir, int from, int to));
int store_schema_version(struct store *s);

/* Transactions.  store_begin issues BEGIN IMMEDIATE (waits up to the busy
 * timeout for other writers).  store_rollback accepts a store with no open
 * transaction. */
int store_begin(struct store *s, struct rl_err *err);
int store_commit(struct store *s, struct rl_err *err);
void store_rollback(struct store *s);

/* A read snapshot around a burst of reads (a page of the browser with its
 * per-row lookups): SQLite then takes its locks once, not once per
 * statement, and every read sees the same state.  store_read_begin does
 * nothing (and *began = 0) inside a transaction; store_read_end ends the
 * snapshot only when *began.  Never keep one open while waiting for a
 * person. */
int store_read_begin(struct store *s, int *began, struct rl_err *err);
void store_read_end(struct store *s, int began);

/* A number that changes whenever another connection commits (PRAGMA
 * data_version): how the browser notices new runs without re-reading.
 * A read-only snapshot (store/open.c) that went stale is opened again
 * here, which also changes the number: call it between reads, never
 * while a statement of the store is being stepped. */
int store_data_version(struct store *s, int64_t *v, struct rl_err *err);

/* Run PRAGMA integrity_check; *ok = 1 when it answers "ok". */
int store_integrity_check(struct store *s, int *ok, struct rl_err *err);

/* ------------------------------------------------------------------ */
/* Pipelines                                                           */

struct store_pipeline {
	int64_t id;
	char *name;
	char *description;
	int64_t run_count;
	int64_t completed_count; /* runs completed */
	int64_t failed_count;	 /* runs failed or interrupted */
	int64_t last_run_id;	 /* 0 when no run */
	char *last_status;	 /* NULL when no run */
	int64_t last_started_ms;
	int64_t pinned_run_id; /* 0 when none */
	char *baseline_where;	   /* pin --where's rule, or NULL */
	char *baseline_where_file; /* the pipeline file's rule, or NULL */
};

/* Find the pipeline NAME or create it; update its description when given
 * (non-NULL).  *id receives its id. */
int store_pipeline_ensure(struct store *s, const char *name,
			  const char *description, int64_t *id,
			  struct rl_err *err);

int store_pipeline_get(struct store *s, const char *name,
		       struct store_pipeline *out, struct rl_err *err);
int store_pipeline_get_by_id(struct store *s, int64_t id,
			     struct store_pipeline *out, struct rl_err *err);

/* Up to LIMIT pipelines ordered by name, with names > AFTER (NULL: from
 * the start).  *rows is malloc'd (NULL when *n == 0). */
int store_pipelines_page(struct store *s, const char *after, int limit,
			 struct store_pipeline **rows, int *n,
			 struct rl_err *err);

/* Pin RUN_ID as the pipeline's baseline (0 clears the pin). */
int store_pipeline_pin(struct store *s, int64_t pipeline_id, int64_t run_id,
		       struct rl_err *err);
/* The baseline rule of `pin --where` (NULL clears it). */
int store_pipeline_set_rule(struct store *s, int64_t pipeline_id, const char *where,
			    struct rl_err *err);
/* The baseline rule of the pipeline file a new run read (NULL: none). */
int store_pipeline_set_file_rule(struct store *s, int64_t pipeline_id, const char *where,
				 struct rl_err *err);

void store_pipeline_clear(struct store_pipeline *p);
void store_pipelines_free(struct store_pipeline *rows, int n);

/* ------------------------------------------------------------------ */
/* Runs                                                                */

struct store_run_new {
	int64_t pipeline_id;
	const char *name;	  /* unique; required */
	const char *status;	  /* usually "running" */
	int64_t started_ms;
	const char *spec_path;	  /* absolute path of the pipeline file */
	const char *spec_json;	  /* snapshot of the pipeline file text */
	const char *params_json;  /* JSON object of all params used */
	int64_t rerun_of;	  /* 0 = none */
	int runner_pid;
	const char *runner_host;
	const char *runner_token; /* process start time, to tell pid reuse */
	const char *stack;	  /* stack name, may be NULL */
	const char *model_name;	  /* may be NULL */
	const char *model_version;
	const char *state_json;	  /* initial run state, NULL = "{}" */
	/* what the run was given, as recorded: {"custom": …, "model": {"name",
	 * "version"}, "environment": {…}, "stack": {…}}; may be NULL */
	const char *context_json;
};

/* Key of a run in the newest-first order: (started_ms DESC, id DESC). */
struct store_run_cursor {
	int64_t started_ms;
	int64_t id;
};

struct store_run {
	int64_t id;
	int64_t pipeline_id;
	char *pipeline; /* pipeline name */
	char *name;
	char *status;
	int64_t started_ms;
	int64_t ended_ms;     /* 0 while running */
	int64_t heartbeat_ms; /* last runner heartbeat */
	char *spec_path;
	char *spec_json;   /* only filled by store_run_get */
	char *params_json; /* JSON object */
	int64_t rerun_of;      /* kept when that run is deleted */
	char *rerun_of_name;   /* its name, or NULL */
	char *note; /* newest note, or NULL */
	char *stack;
	char *model_name;
	char *model_version;
	char *state_json;
	char *context_json; /* see store_run_new */
	/* what its context says of git (environment.git): the commit of the
	 * pipeline file's work tree, or NULL outside one; whether tracked
	 * files had changes (1, 0; -1: not known) */
	char *git_commit;
	int git_dirty;
	int runner_pid;
	char *runner_host;
	char *runner_token;
	char **tags; /* ntags strings, sorted */
	int ntags;
	/* its place in the newest-first order as stored, the cursor that
	 * pages on from it (started_ms above is made safe to compute with,
	 * this is not: a cursor from it could page back onto the run) */
	struct store_run_cursor at;
};

int store_run_create(struct store *s, const struct store_run_new *r,
		     int64_t *id, struct rl_err *err);
/* Adding a tag the run already has is not an error. */
int store_run_add_tag(struct store *s, int64_t run_id, const char *tag,
		      struct rl_err *err);
/* One param of the run (also kept whole in params_json), for filters. */
int store_run_add_param(struct store *s, int64_t run_id, const char *key,
			const char *value_json, struct rl_err *err);
int store_run_add_note(struct store *s, int64_t run_id, const char *text,
		       int64_t at_ms, struct rl_err *err);
/* Remove TAG from the run; *removed (may be NULL) 1 when it had it. */
int store_run_remove_tag(struct store *s, int64_t run_id, const char *tag, int *removed,
			 struct rl_err *err);

struct store_note {
	int64_t created_ms;
	char *text;
};
/* Every note of the run, oldest first. */
int store_notes_of(struct store *s, int64_t run_id, struct store_note **rows, int *n,
		   struct rl_err *err);
void store_notes_free(struct store_note *rows, int n);
/* Set status and end time; keeps the pipeline's counters right. */
int store_run_finish(struct store *s, int64_t run_id, const char *status,
		     int64_t ended_ms, struct rl_err *err);
int store_run_heartbeat(struct store *s, int64_t run_id, int64_t now_ms,
			struct rl_err *err);
/* What the run was given (see store_run_new.context_json). */
int store_run_set_context(struct store *s, int64_t run_id, const char *context_json,
			  struct rl_err *err);
int store_run_set_state(struct store *s, int64_t run_id,
			const char *state_json, struct rl_err *err);
/* How long a statement waits for another process's lock, in ms (< 0:
 * the usual 10 s): the browser's background work waits little. */
void store_set_busy_ms(struct store *s, int ms);

/* The baseline run RUN_ID was given when it started (0: none then), how
 * it was chosen (BY: NULL for the default rule, "pinned", "pin --where",
 * "file") and by which RULE (or NULL): kept for core/baseline.c. */
int store_run_set_baseline_given(struct store *s, int64_t run_id, int64_t baseline_id,
				 const char *by, const char *rule, struct rl_err *err);
/* What store_run_set_baseline_given kept: *given (0: none), *recorded 0
 * for a run from before schema 13 (nothing kept) or whose given baseline
 * was deleted since (what it kept is gone); *by and *rule
 * (malloc'd or NULL; either pointer may be NULL).  RL_E_NOT_FOUND when
 * there is no run RUN_ID. */
int store_run_baseline_given(struct store *s, int64_t run_id, int64_t *given, int *recorded,
			     char **by, char **rule, struct rl_err *err);

/* Mark a run interrupted together with its pending, running and retrying
 * step runs and their unfinished attempts, as ended at ENDED_MS — or at
 * the last start or end recorded for its steps, when that is later (a
 * dead runner's run ends when it was last seen, not when someone looked);
 * a step or attempt never ends before it started. */
int store_run_mark_interrupted(struct store *s, int64_t run_id,
			       int64_t ended_ms, struct rl_err *err);

/* Full record including spec_json and tags. */
int store_run_get(struct store *s, int64_t id, struct store_run *out,
		  struct rl_err *err);
/* Look a run up by exact name. */
int store_run_id_by_name(struct store *s, const char *name, int64_t *id,
			 struct rl_err *err);
/* Newest run overall (pipeline_id 0) or of one pipeline. */
int store_run_last(struct store *s, int64_t pipeline_id, int64_t *id,
		   struct rl_err *err);
/* Newest run of the pipeline with status "completed" that started before
 * (started_ms, id) in the newest-first order.  RL_E_NOT_FOUND if none. */
int store_run_previous_completed(struct store *s, int64_t pipeline_id,
				 const struct store_run_cursor *before,
				 int64_t *id, struct rl_err *err);

/* A page of runs, newest first, after the cursor (NULL: from the newest;
 * the next page: after the last row's .at), of one pipeline (pipeline_id
 * > 0) or of all.  Rows carry every field but spec_json.  *rows is
 * malloc'd. */
int store_runs_page(struct store *s, int64_t pipeline_id,
		    const struct store_run_cursor *after, int limit,
		    struct store_run **rows, int *n, struct rl_err *err);

/* Every run whose status is "running" (for liveness checks). */
int store_runs_running(struct store *s, struct store_run **rows, int *n,
		       struct rl_err *err);

/* Delete a run and everything recorded under it (step runs, attempts,
 * metadata, metrics, lineage); artifacts stay until store_gc_artifacts. */
int store_run_delete(struct store *s, int64_t run_id, struct rl_err *err);

/* The other runs with a step cached from one of RUN_ID's step runs,
 * ascending, appended to *IDS (*n of them, *cap its room; malloc'd). */
int store_runs_reusing(struct store *s, int64_t run_id, int64_t **ids, int *n, int *cap,
		       struct rl_err *err);

/* A filter over runs (built by core/filter.c from the --where language). */
enum store_filter_kind { SF_AND, SF_OR, SF_NOT, SF_CMP };
enum store_filter_field {
	SFF_STATUS, SFF_NAME, SFF_PIPELINE, SFF_TAG, SFF_ID,
	SFF_STARTED,  /* ms since the epoch */
	SFF_DURATION, /* ms (running runs: until now) */
	SFF_PARAM,    /* params.KEY */
	SFF_METRIC,   /* STEP.KEY */
	SFF_SWEEP,    /* the run's sweep: its id (a number) or name */
	SFF_GIT,      /* the git commit: = and != by prefix (str: the prefix,
			 lowercase hex; key: it with '*', its GLOB pattern) */
	SFF_DIRTY,    /* the dirty flag: num 1 or 0 (= and != only) */
};
enum store_filter_op { SFO_EQ, SFO_NE, SFO_LT, SFO_LE, SFO_GT, SFO_GE, SFO_HAS };

struct store_filter {
	enum store_filter_kind kind;
	struct store_filter *a, *b; /* AND/OR: both; NOT: a */
	enum store_filter_field field;
	enum store_filter_op op; /* SFO_HAS: substring */
	char *step;		 /* SFF_METRIC */
	char *key;		 /* SFF_PARAM, SFF_METRIC */
	int is_num;
	double num;
	char *str;
};

/* Sort keys for store_runs_query. */
struct store_sort {
	enum store_filter_field field; /* SFF_TAG: the run's first tag */
	char *step, *key;
	int descending;
};

/* Runs matching FILTER (NULL: all) of one pipeline (pipeline_id > 0) or
 * all, ordered by SORT (NULL: newest first), at most LIMIT.  NOW_MS is
 * "now" for durations of running runs. */
int store_runs_query(struct store *s, int64_t pipeline_id,
		     const struct store_filter *filter,
		     const struct store_sort *sort, int64_t now_ms, int limit,
		     struct store_run **rows, int *n, struct rl_err *err);

/* Where a page of a filtered or sorted list starts (keyset paging: the
 * last row before it).  Zeroed: at the start; store_runs_query_page
 * moves it past the rows it returns.  Clear with store_sort_cursor_clear. */
enum { STORE_SORT_INT, STORE_SORT_REAL, STORE_SORT_TEXT };
struct store_sort_cursor {
	int set;   /* 0: from the first row */
	int nulls; /* among the runs without the sort's value (they come last) */
	int vtype; /* the value: STORE_SORT_* */
	int64_t i;
	double d;
	char *text;
	int64_t started_ms, id;
};
void store_sort_cursor_clear(struct store_sort_cursor *c);

/* The page of store_runs_query that starts at *CUR (then moved past it):
 * each page walks an index from where the last one stopped (schema 9),
 * never the rows before it.  Ties are the newest first (params: the
 * newest run id first).  Keep NOW_MS the same across the pages of one
 * list (durations of running runs are counted until then).  A query the
 * progress handler stops (store_set_progress) fails with
 * RL_E_INTERRUPTED. */
int store_runs_query_page(struct store *s, int64_t pipeline_id,
			  const struct store_filter *filter, const struct store_sort *sort,
			  int64_t now_ms, struct store_sort_cursor *cur, int limit,
			  struct store_run **rows, int *n, struct rl_err *err);

/* Call FN(CTX) every so many steps of the store's statements (NULL: no
 * more); a non-zero return stops the statement running (its call fails
 * with RL_E_INTERRUPTED).  For a browser that keeps its keys while a
 * long query runs. */
void store_set_progress(struct store *s, int (*fn)(void *ctx), void *ctx);

/* The params and metrics some run has (store/fields.c), for checking the
 * fields of a filter.  Whether any run has the param KEY, or the metric
 * STEP.KEY: one seek in an index. */
int store_param_known(struct store *s, const char *key, int *known,
		      struct rl_err *err);
int store_metric_known(struct store *s, const char *step, const char *key,
		       int *known, struct rl_err *err);
/* Up to LIMIT distinct param keys ("lr") or metric names ("train.loss")
 * of the store's runs, in byte order.  Each name is the next entry of an
 * index after the last one (run_params_by_key, run_metrics_by_value): N
 * names cost N seeks whatever the number of runs.  *names is malloc'd
 * (store_names_free). */
int store_param_keys(struct store *s, int limit, char ***names, int *n,
		     struct rl_err *err);
int store_metric_names(struct store *s, int limit, char ***names, int *n,
		       struct rl_err *err);

void store_run_clear(struct store_run *r);
void store_runs_free(struct store_run *rows, int n);

/* ------------------------------------------------------------------ */
/* Step runs and attempts                                              */

struct store_step_run {
	int64_t id;
	int64_t run_id;
	char *name;
	char *status;
	int position; /* index in the DAG order of the run */
	int attempts; /* attempts started so far */
	int max_attempts;
	int64_t started_ms;
	int64_t ended_ms;
	char *error; /* one-line reason of a failure/skip, or NULL */
	char *cache_key;
	int64_t cached_from; /* step run id reused, 0 = none */
	char *config_json;   /* {"cache":…, "retries":…, …} */
	char *params_json;   /* the params the step received, or NULL */
	char *tags_json;     /* the step's own tags (array), or NULL */
	char *context_json;  /* what of its context differs from the run's */
	char *state_writes;  /* state writes of its successful attempt */
	char *decision;	     /* why it ran, or was cached or reused */
	/* while status is "retrying": when the next attempt may start (wall
	 * clock ms; retry_delay), 0 = at once */
	int64_t retry_at_ms;
};

int store_step_run_create(struct store *s, int64_t run_id, const char *name,
			  int position, int max_attempts,
			  const char *config_json, int64_t *id,
			  struct rl_err *err);
/* Update status; started_ms/ended_ms/error are written when non-zero /
 * non-NULL, and an empty ERROR clears the error. */
int store_step_run_update(struct store *s, int64_t id, const char *status,
			  int64_t started_ms, int64_t ended_ms,
			  const char *error, struct rl_err *err);
/* When a retrying step's next attempt may start (wall clock ms; 0: at
 * once), for show and the browser. */
int store_step_run_set_retry_at(struct store *s, int64_t id, int64_t at_ms,
				struct rl_err *err);
/* Record a step run's cache key, the parts it was made of (a JSON object,
 * for `runlens why`), and the step run it was reused from (0: none). */
int store_step_run_set_cache(struct store *s, int64_t id,
			     const char *cache_key, const char *parts_json,
			     int64_t cached_from, struct rl_err *err);
/* Both of the above and the decision (store_step_run_set_decision) in
 * one statement: what deciding a step records. */
int store_step_run_set_decided(struct store *s, int64_t id, const char *cache_key,
			       const char *parts_json, int64_t cached_from, const char *why,
			       struct rl_err *err);
/* What a step run was given: the params it received (a JSON object), its
 * own tags (a JSON array) and what of its context differs from the run's
 * (a JSON object); each may be NULL.  Its tags also go to step_tags, for
 * filters. */
int store_step_run_set_given(struct store *s, int64_t id, const char *params_json,
			     const char *tags_json, const char *context_json,
			     struct rl_err *err);
/* store_step_run_create and store_step_run_set_given in one INSERT: a
 * pending step run with what it is given. */
int store_step_run_create_given(struct store *s, int64_t run_id, const char *name,
				int position, int max_attempts, const char *config_json,
				const char *params_json, const char *tags_json,
				const char *context_json, int64_t *id, struct rl_err *err);
/* The state writes of a step run's successful attempt (a JSON object). */
int store_step_run_set_state_writes(struct store *s, int64_t id, const char *json,
				    struct rl_err *err);
/* What of its context differs from the run's, again (a JSON object). */
int store_step_run_set_context(struct store *s, int64_t id, const char *json,
			       struct rl_err *err);
/* Why the step ran, or was taken from the cache or reused (one line). */
int store_step_run_set_decision(struct store *s, int64_t id, const char *why,
				struct rl_err *err);
/* Up to MAX completed step runs of STEP in PIPELINE_ID with CACHE_KEY,
 * newest first (ids into *ids, count into *n). */
int store_cache_candidates(struct store *s, int64_t pipeline_id,
			   const char *step, const char *cache_key,
			   int64_t *ids, int max, int *n, struct rl_err *err);
/* The newest step run of STEP in PIPELINE_ID before step run BEFORE (0:
 * the newest of all) that recorded cache parts: its id and parts JSON
 * (malloc'd).  RL_E_NOT_FOUND when none. */
int store_cache_previous(struct store *s, int64_t pipeline_id,
			 const char *step, int64_t before, int64_t *id,
			 char **parts_json, struct rl_err *err);
/* The MAX newest step runs of STEP in PIPELINE_ID before step run BEFORE
 * (0: all) that recorded cache parts, newest first. */
struct store_key_parts {
	int64_t id;
	char *parts_json;
};
int store_cache_recent(struct store *s, int64_t pipeline_id, const char *step, int64_t before,
		       int max, struct store_key_parts **rows, int *n, struct rl_err *err);
void store_key_parts_free(struct store_key_parts *rows, int n);
/* The cache parts JSON of a step run (malloc'd; NULL when none). */
int store_cache_parts(struct store *s, int64_t step_run_id, char **parts_json,
		      struct rl_err *err);
/* Give step run DST the results of SRC: its outputs (the same
 * artifacts), metadata, metrics and state writes. */
int store_step_run_copy_results(struct store *s, int64_t dst, int64_t src,
				struct rl_err *err);

/* The step runs of a run, in position order. */
int store_step_runs_of_run(struct store *s, int64_t run_id,
			   struct store_step_run **rows, int *n,
			   struct rl_err *err);
int store_step_run_get(struct store *s, int64_t run_id, const char *name,
		       struct store_step_run *out, struct rl_err *err);
int store_step_run_get_by_id(struct store *s, int64_t id,
			     struct store_step_run *out, struct rl_err *err);
void store_step_run_clear(struct store_step_run *r);
void store_step_runs_free(struct store_step_run *rows, int n);

struct store_attempt {
	int64_t id;
	int64_t step_run_id;
	int number; /* 1-based */
	char *status; /* running, completed, failed, interrupted */
	int64_t started_ms;
	int64_t ended_ms;
	int exit_code;	/* -1 when not exited normally */
	int signal;	/* 0 when not killed by a signal */
	int timed_out;	/* 1 when killed for its timeout */
	char *stdout_path;
	char *stderr_path;
	char *error;	    /* reason of failure, or NULL */
	char *context_json; /* the context.json the attempt got */
};

/* Creates the attempt with status "running" and bumps the step run's
 * attempt count. */
int store_attempt_create(struct store *s, int64_t step_run_id, int number,
			 int64_t started_ms, const char *stdout_path,
			 const char *stderr_path, const char *context_json,
			 int64_t *id, struct rl_err *err);
int store_attempt_finish(struct store *s, int64_t attempt_id,
			 const char *status, int64_t ended_ms, int exit_code,
			 int signal, int timed_out, const char *error,
			 struct rl_err *err);
int store_attempts_of(struct store *s, int64_t step_run_id,
		      struct store_attempt **rows, int *n,
		      struct rl_err *err);
void store_attempt_clear(struct store_attempt *a);
void store_attempts_free(struct store_attempt *rows, int n);

/* ------------------------------------------------------------------ */
/* Artifacts, lineage                                                  */

struct store_artifact_new {
	const char *sha256; /* 64 hex chars */
	const char *type;   /* "file" or "dir" */
	int64_t size;	    /* bytes (dir: sum of its files) */
	const char *path;   /* absolute path where the content lives */
	int64_t created_ms;
};

/* One row of a step run's inputs or outputs, joined with its artifact and
 * the step run that produced it. */
struct store_artifact_ref {
	char *name;	    /* input or output name */
	int64_t artifact_id; /* 0 for an input not recorded as artifact */
	char *sha256;
	char *type;
	int64_t size;
	char *path;
	char *source; /* inputs: "step.output" or "path:<path>"; NULL for outputs */
	int64_t producer_step_run_id; /* 0 when external */
	int64_t producer_run_id;
	char *producer_step;
	char *producer_output;
};

int store_artifact_add(struct store *s, const struct store_artifact_new *a,
		       int64_t *id, struct rl_err *err);
int store_step_output_add(struct store *s, int64_t step_run_id,
			  const char *name, int64_t artifact_id,
			  struct rl_err *err);
/* artifact_id may be 0 only for an external input whose hash is unknown. */
int store_step_input_add(struct store *s, int64_t step_run_id,
			 const char *name, int64_t artifact_id,
			 const char *source, struct rl_err *err);
int store_outputs_of(struct store *s, int64_t step_run_id,
		     struct store_artifact_ref **rows, int *n,
		     struct rl_err *err);
int store_inputs_of(struct store *s, int64_t step_run_id,
		    struct store_artifact_ref **rows, int *n,
		    struct rl_err *err);
void store_artifact_refs_free(struct store_artifact_ref *rows, int n);

/* Delete the artifact rows no step run references as input or output
 * (*dropped: how many).  *paths receives the paths of deleted rows that no
 * remaining row uses (malloc'd array of malloc'd strings), *n their count,
 * *bytes their total size.  The caller removes files it owns. */
int store_gc_artifacts(struct store *s, int64_t *dropped, char ***paths,
		       int *n, int64_t *bytes, struct rl_err *err);
/* Whether some artifact row has content SHA256 (*known 1 or 0). */
int store_artifact_sha_known(struct store *s, const char *sha256, int *known,
			     struct rl_err *err);

/* ------------------------------------------------------------------ */
/* Metadata and metrics                                                */

struct store_meta {
	char *output; /* NULL: metadata of the step run itself */
	char *key;
	char *value_json;
};

/* Set (insert or replace) a metadata key of a step run, or of one of its
 * outputs when OUTPUT is non-NULL. */
int store_metadata_set(struct store *s, int64_t step_run_id,
		       const char *output, const char *key,
		       const char *value_json, struct rl_err *err);
/* All metadata of a step run, step-level first, then by output and key. */
int store_metadata_of(struct store *s, int64_t step_run_id,
		      struct store_meta **rows, int *n, struct rl_err *err);
void store_metas_free(struct store_meta *rows, int n);

struct store_metric {
	char *step; /* step name */
	char *key;  /* metric key within the step */
	double value; /* the last value (highest index, else latest) */
	double min;
	double max;
	int64_t count; /* number of points */
	int is_series; /* 1 when recorded with an index */
};

/* Record one metric value of a step run (has_index: one point of a
 * series at INDEX).  Keeps the run's per-key summary (last, min, max,
 * count) up to date. */
int store_metric_add(struct store *s, int64_t step_run_id, const char *key,
		     int has_index, int64_t index, double value,
		     int64_t at_ms, struct rl_err *err);

struct store_point_new {
	const char *key;
	int has_index;
	int64_t index;
	double value;
	int64_t at_ms;
};
/* Record N values of a step run in one unit, with the same result as N
 * store_metric_add calls in that order, at a fraction of the cost (one
 * step lookup, one INSERT per value, one summary write per key). */
int store_metrics_add(struct store *s, int64_t step_run_id,
		      const struct store_point_new *pts, int n,
		      struct rl_err *err);
/* Summaries of every metric of a run, ordered by step position and key. */
int store_run_metrics(struct store *s, int64_t run_id,
		      struct store_metric **rows, int *n, struct rl_err *err);
/* Summaries of the metrics of one step run, ordered by key. */
int store_step_metrics(struct store *s, int64_t step_run_id,
		       struct store_metric **rows, int *n, struct rl_err *err);

struct store_metric_point {
	int64_t index; /* series index, or the ordinal of an unindexed value */
	double value;
	int64_t at_ms;
};
/* The points of one metric of a step run, by index, with index > AFTER
 * (use INT64_MIN for the start), at most LIMIT. */
int store_metric_series(struct store *s, int64_t step_run_id,
			const char *key, int64_t after, int limit,
			struct store_metric_point **rows, int *n,
			struct rl_err *err);
void store_metrics_free(struct store_metric *rows, int n);

/* An attempt that was retried: its metrics and metadata move from the
 * step run (which then holds only the next attempt's) to the attempt
 * ATTEMPT_ID, and the step run's metric summaries are cleared.  Called
 * when the next attempt starts. */
int store_attempt_archive(struct store *s, int64_t step_run_id, int64_t attempt_id,
			  struct rl_err *err);
/* Summaries of the metrics of a retried attempt, by key (step: the step's
 * name).  An attempt that was not retried has none here: its values are
 * its step run's. */
int store_attempt_metrics(struct store *s, int64_t attempt_id, struct store_metric **rows,
			  int *n, struct rl_err *err);
/* The points of one metric of a retried attempt, by index. */
int store_attempt_metric_series(struct store *s, int64_t attempt_id, const char *key,
				struct store_metric_point **rows, int *n, struct rl_err *err);
/* The metadata of a retried attempt, as store_metadata_of. */
int store_attempt_metadata(struct store *s, int64_t attempt_id, struct store_meta **rows,
			   int *n, struct rl_err *err);
/* The summary value of metric STEP.KEY of a run (*found = 0: none). */
int store_metric_value(struct store *s, int64_t run_id, const char *step,
		       const char *key, double *value, int *found,
		       struct rl_err *err);

struct store_metric_run {
	int64_t run_id;
	double value;
};
/* Metric STEP.KEY across the pipeline's newest LIMIT runs (started up to
 * BEFORE_RUN_ID's run when non-zero, that run included), oldest
 * first; runs without the metric are left out.  For sparklines and
 * history plots: its cost does not grow with the pipeline's size. */
int store_metric_history(struct store *s, int64_t pipeline_id,
			 const char *step, const char *key,
			 int64_t before_run_id, int limit,
			 struct store_metric_run **rows, int *n,
			 struct rl_err *err);


/* ------------------------------------------------------------------ */
/* Stacks and model versions                                           */

struct store_stack {
	int64_t id;
	char *name;
	char *artifact_store; /* path */
	char *orchestrator;   /* flavor: "local" */
	char *components_json; /* JSON object of optional components */
	int64_t created_ms;
};

/* Insert or replace the stack NAME. */
int store_stack_put(struct store *s, const char *name,
		    const char *artifact_store, const char *orchestrator,
		    const char *components_json, struct rl_err *err);
int store_stack_get(struct store *s, const char *name,
		    struct store_stack *out, struct rl_err *err);
/* Stacks ordered by name, names > AFTER (NULL: from the start). */
int store_stacks_page(struct store *s, const char *after, int limit,
		      struct store_stack **rows, int *n, struct rl_err *err);
/* *COUNT: how many recorded runs ran on stack NAME (runs.stack). */
int store_stack_runs(struct store *s, const char *name, int64_t *count,
		     struct rl_err *err);
/* Delete the stack NAME with its settings (RL_E_NOT_FOUND when there is
 * none); the runs that used it keep its name. */
int store_stack_rm(struct store *s, const char *name, struct rl_err *err);
void store_stack_clear(struct store_stack *st);
void store_stacks_free(struct store_stack *rows, int n);

/* Record that RUN_ID produced VERSION of model NAME.  With VERSION NULL,
 * the next number (1 + the highest numeric version of NAME) is chosen and
 * returned in *version_out (malloc'd; may be NULL when VERSION is given). */
int store_model_version_add(struct store *s, const char *name,
			    const char *version, int64_t run_id,
			    char **version_out, struct rl_err *err);

/* ------------------------------------------------------------------ */
/* Bulk loading (store/bulk.c)                                         */
/* Finished runs with their final values, for the benchmark's store
 * generator and importers.  Group calls into store_begin()/store_commit()
 * batches; tags, params and notes go through store_run_add_*; call
 * store_bulk_finish() once at the end to settle the pipelines' counters
 * (the bulk calls keep none). */

struct store_bulk_run {
	int64_t pipeline_id;
	const char *name; /* unique */
	const char *status;
	int64_t started_ms, ended_ms;
	const char *spec_path;
	int64_t spec_id;	 /* 0 = none; from store_spec_add */
	const char *params_json; /* NULL = "{}" */
};

/* The id of a pipeline file's text, kept once however many runs use it
 * (store_run_create does this for its spec_json). */
int store_spec_add(struct store *s, const char *text, int64_t *id,
		   struct rl_err *err);

/* A step run, as given to store_bulk_step_run; id is filled by it and
 * names the step run for store_bulk_metric and store_bulk_summary. */
struct store_bulk_step {
	int64_t id;
	int64_t run_id;
	const char *name;
	const char *status;
	int position;
	int64_t started_ms, ended_ms;
};

/* ON: synchronous=OFF and a 256 MB page cache, for a store that can be
 * made again; OFF: back to the defaults of store_open. */
int store_bulk_mode(struct store *s, int on, struct rl_err *err);
int store_bulk_run(struct store *s, const struct store_bulk_run *r,
		   int64_t *id, struct rl_err *err);
int store_bulk_step_run(struct store *s, const struct store_bulk_step *b,
			int64_t *id, struct rl_err *err);
/* One raw metric point; the run's summary is not touched. */
int store_bulk_metric(struct store *s, const struct store_bulk_step *b,
		      const char *key, int has_index, int64_t index,
		      double value, int64_t at_ms, struct rl_err *err);
/* The run's summary of one metric of the step (M->step is ignored; a
 * series' last index is M->count - 1). */
int store_bulk_summary(struct store *s, const struct store_bulk_step *b,
		       const struct store_metric *m, struct rl_err *err);
/* Recompute every pipeline's run counters and last run. */
int store_bulk_finish(struct store *s, struct rl_err *err);

/* The ingestion benchmark's floor: N rows into the metrics of step run B
 * through one prepared INSERT each, in one transaction, nothing else. */
int store_bench_raw_metrics(struct store *s, const struct store_bulk_step *b,
			    int n, struct rl_err *err);

/* ------------------------------------------------------------------ */
/* Saved views of the browser                                          */

struct store_saved_view {
	char *name;
	int64_t pipeline_id; /* 0: all pipelines */
	char *filter;	     /* --where text, may be NULL */
	char *sort;	     /* sort key text ("-train.loss"), may be NULL */
	char *columns_json;  /* JSON array of metric columns, may be NULL */
	int64_t baseline_run_id; /* 0: none */
	int64_t created_ms;
};

/* Save (insert or replace) the view V->name. */
int store_view_save(struct store *s, const struct store_saved_view *v,
		    struct rl_err *err);
/* The view NAME (RL_E_NOT_FOUND when there is none). */
int store_view_get(struct store *s, const char *name,
		   struct store_saved_view *out, struct rl_err *err);
/* Up to LIMIT views by name, names > AFTER (NULL: from the start). */
int store_views_page(struct store *s, const char *after, int limit,
		     struct store_saved_view **rows, int *n, struct rl_err *err);
int store_view_delete(struct store *s, const char *name, struct rl_err *err);
void store_view_clear(struct store_saved_view *v);
void store_views_free(struct store_saved_view *rows, int n);

/* ------------------------------------------------------------------ */
/* Sweeps (store/sweeps.c): grids of ordinary runs made by one `runlens
 * run` with lists or ranges of params; runs.sweep_id groups them.        */

struct store_sweep_new {
	int64_t pipeline_id;
	const char *name; /* unique; required */
	int64_t started_ms;
	int planned;	       /* runs in the grid */
	int parallel;	       /* runs at once (--parallel-runs) */
	const char *axes_json; /* {"lr": [0.01, 0.1], "seed": [1, 2, 3]} */
	int runner_pid;	       /* the process carrying the sweep out */
	const char *runner_host;
	const char *runner_token;
};

struct store_sweep {
	int64_t id, pipeline_id;
	char *name, *pipeline, *status; /* running, completed, failed, interrupted */
	int64_t started_ms, ended_ms;
	int planned, parallel;
	char *axes_json;
	int runner_pid;
	char *runner_host, *runner_token;
	int runs, completed, running; /* its runs so far, by status */
};

/* A new sweep with status "running". */
int store_sweep_create(struct store *s, const struct store_sweep_new *w, int64_t *id,
		       struct rl_err *err);
int store_sweep_finish(struct store *s, int64_t id, const char *status, int64_t ended_ms,
		       struct rl_err *err);
/* RL_E_NOT_FOUND when there is none. */
int store_sweep_get(struct store *s, int64_t id, struct store_sweep *out, struct rl_err *err);
int store_sweep_get_by_name(struct store *s, const char *name, struct store_sweep *out,
			    struct rl_err *err);
/* Sweeps newest first after the cursor (NULL: from the newest), of one
 * pipeline (pipeline_id > 0) or all. */
int store_sweeps_page(struct store *s, int64_t pipeline_id, const struct store_run_cursor *after,
		      int limit, struct store_sweep **rows, int *n, struct rl_err *err);
/* Every sweep whose status is "running" (for liveness checks). */
int store_sweeps_running(struct store *s, struct store_sweep **rows, int *n,
			 struct rl_err *err);
/* Put run RUN_ID in sweep SWEEP_ID (0: in none). */
int store_run_set_sweep(struct store *s, int64_t run_id, int64_t sweep_id, struct rl_err *err);
/* The sweep of run RUN_ID (*sweep_id 0: none) and its name (malloc'd;
 * NAME may be NULL). */
int store_run_sweep(struct store *s, int64_t run_id, int64_t *sweep_id, char **name,
		    struct rl_err *err);
/* The runs of a sweep, newest first, after the cursor (NULL: the newest). */
int store_sweep_runs_page(struct store *s, int64_t sweep_id, const struct store_run_cursor *after,
			  int limit, struct store_run **rows, int *n, struct rl_err *err);
void store_sweep_clear(struct store_sweep *w);
void store_sweeps_free(struct store_sweep *rows, int n);

/* The columns of the browser's runs view of a pipeline (pipeline_id 0:
 * all pipelines) as JSON text (an array of column names), *columns_json
 * NULL when none were saved.  Putting NULL forgets them. */
int store_column_set_get(struct store *s, int64_t pipeline_id, char **columns_json,
			 struct rl_err *err);
int store_column_set_put(struct store *s, int64_t pipeline_id, const char *columns_json,
			 int64_t now_ms, struct rl_err *err);

/* ------------------------------------------------------------------ */
/* The fields of recent runs (store/recent.c)                          */

/* A param ("params.lr") or metric ("train.loss") of recent runs. */
struct store_field {
	char *name;
	int is_metric;
	int pipelines; /* distinct pipelines of those runs that have it */
	int runs;      /* of those runs that have it */
	double min, max; /* a metric's smallest and largest value */
	int max_len;     /* a param's longest value as JSON text */
	int distinct;    /* a param's distinct values */
};

/* What those runs were. */
struct store_recent {
	int pipelines, runs;
	int64_t max_id;
	int in_sweeps;	  /* runs in a sweep */
	int name_len;	  /* the longest run name (bytes) */
	int pipeline_len; /* the longest pipeline name */
	int tags_len;	  /* about the longest tags of a run, joined */
};

/* The params (by key) then metrics (by step position, then key) of the
 * newest LIMIT runs of one pipeline (pipeline_id > 0) or of all, and what
 * those runs were (*sum).  One query over LIMIT runs.  *rows is malloc'd
 * (store_fields_free). */
int store_recent_fields(struct store *s, int64_t pipeline_id, int limit,
			struct store_field **rows, int *n, struct store_recent *sum,
			struct rl_err *err);
void store_fields_free(struct store_field *rows, int n);

/* ------------------------------------------------------------------ */
/* Completion: the names that start with what was typed                */

enum store_name_kind {
	STORE_NAMES_RUN,
	STORE_NAMES_PIPELINE,
	STORE_NAMES_STACK,
};

/* Up to LIMIT names of runs, pipelines or stacks that start with PREFIX
 * (bytes; NULL or "": any), in byte order.  A range over the name's
 * unique index, never a scan: as fast on a million runs as on ten.
 * *names is malloc'd (store_names_free). */
int store_names_with_prefix(struct store *s, enum store_name_kind kind,
			    const char *prefix, int limit, char ***names, int *n,
			    struct rl_err *err);

/* Up to LIMIT ids of runs whose decimal form starts with DIGITS (a
 * number without a leading zero), shortest first: 42, then 420…429,
 * 4200…4299 and so on, each a range of the primary key.  *ids is
 * malloc'd (NULL when *n == 0). */
int store_run_ids_with_prefix(struct store *s, const char *digits, int limit,
			      int64_t **ids, int *n, struct rl_err *err);

void store_names_free(char **names, int n);


/* ------------------------------------------------------------------ */
/* Executors: what a stack tells its executor, what an executor said   */
/* of each attempt's job (store/executors.c)                           */

/* The settings of stack NAME for its executor (a JSON object:
 * {"partition", "account", "qos", "slurm_opts": […]}); the stack must
 * exist.  *json is malloc'd ("{}" when it has none). */
int store_stack_set_settings(struct store *s, const char *name,
			     const char *settings_json, struct rl_err *err);
int store_stack_settings(struct store *s, const char *name, char **json,
			 struct rl_err *err);

/* What the attempt's executor said of its job, as a JSON object
 * ({"flavor", "job_id", "name", "state", "reason", "node", "dir"});
 * *json is malloc'd, NULL when it said nothing (a local job). */
int store_attempt_set_executor(struct store *s, int64_t attempt_id,
			       const char *executor_json, struct rl_err *err);
int store_attempt_executor(struct store *s, int64_t attempt_id, char **json,
			   struct rl_err *err);

/* The executor record of the last attempt of each step run of RUN_ID that
 * has one, in the run's order. */
struct store_step_executor {
	int64_t step_run_id;
	int64_t attempt_id;
	char *step;
	int attempt;
	char *attempt_status;
	char *executor_json;
};
int store_run_executors(struct store *s, int64_t run_id,
			struct store_step_executor **rows, int *n,
			struct rl_err *err);
void store_step_executors_free(struct store_step_executor *rows, int n);


#endif
