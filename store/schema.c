/* store/schema.c — the schema as numbered migrations, applied in one
 * transaction and tracked with PRAGMA user_version.
 *
 * Migration N brings a store from version N-1 to N.  Never edit a
 * migration that has shipped: add the next one (and a fixture store of the
 * previous version under tests/ to prove the upgrade).
 */
#include "config.h"
#include "store/internal.h"

#include <stdio.h>
#include <string.h>

/* Schema 3: a run's tags as kept in runs.tag_list (each as BYTES:TAG, in
 * tag order), and its newest note, for the run whose id is ID. */
#define TAG_LIST_OF(ID)                                                      \
	"(SELECT group_concat(length(CAST(tag AS BLOB)) || ':' || tag, '') " \
	"FROM (SELECT tag FROM run_tags t WHERE t.run_id = " ID " ORDER BY tag))"
#define NEWEST_NOTE_OF(ID) \
	"(SELECT text FROM notes n WHERE n.run_id = " ID " ORDER BY n.id DESC LIMIT 1)"

/* The triggers of the schema, each as sqlite_schema keeps its text (the
 * statement without its ';'): the migrations create them from these, and
 * store_migrate checks that a store holds no other (a crafted trigger
 * would run whatever it says on the store's own writes). */
#define TRIGGER_RUN_TAGS_ADDED                                         \
	"CREATE TRIGGER run_tags_added AFTER INSERT ON run_tags BEGIN " \
	"UPDATE runs SET tag_list = " TAG_LIST_OF("NEW.run_id") " WHERE id = NEW.run_id; END"
#define TRIGGER_RUN_TAGS_REMOVED                                         \
	"CREATE TRIGGER run_tags_removed AFTER DELETE ON run_tags BEGIN " \
	"UPDATE runs SET tag_list = " TAG_LIST_OF("OLD.run_id") " WHERE id = OLD.run_id; END"
#define TRIGGER_RUN_TAGS_CHANGED                                                          \
	"CREATE TRIGGER run_tags_changed AFTER UPDATE ON run_tags BEGIN "                  \
	"UPDATE runs SET tag_list = " TAG_LIST_OF("OLD.run_id") " WHERE id = OLD.run_id; " \
	"UPDATE runs SET tag_list = " TAG_LIST_OF("NEW.run_id") " WHERE id = NEW.run_id; END"
#define TRIGGER_NOTES_ADDED                                      \
	"CREATE TRIGGER notes_added AFTER INSERT ON notes BEGIN " \
	"UPDATE runs SET note = " NEWEST_NOTE_OF("NEW.run_id") " WHERE id = NEW.run_id; END"
#define TRIGGER_NOTES_REMOVED                                      \
	"CREATE TRIGGER notes_removed AFTER DELETE ON notes BEGIN " \
	"UPDATE runs SET note = " NEWEST_NOTE_OF("OLD.run_id") " WHERE id = OLD.run_id; END"
#define TRIGGER_NOTES_CHANGED                                                             \
	"CREATE TRIGGER notes_changed AFTER UPDATE ON notes BEGIN "                        \
	"UPDATE runs SET note = " NEWEST_NOTE_OF("OLD.run_id") " WHERE id = OLD.run_id; " \
	"UPDATE runs SET note = " NEWEST_NOTE_OF("NEW.run_id") " WHERE id = NEW.run_id; END"
#define TRIGGER_SPECS_UNUSED                                                         \
	"CREATE TRIGGER specs_unused AFTER DELETE ON runs WHEN OLD.spec_id IS NOT NULL " \
	"AND NOT EXISTS (SELECT 1 FROM runs WHERE spec_id = OLD.spec_id) BEGIN "        \
	"DELETE FROM specs WHERE id = OLD.spec_id; END"

#define TRIGGER_RUNS_COUNTED                                               \
	"CREATE TRIGGER runs_counted AFTER INSERT ON runs BEGIN "           \
	"UPDATE counters SET value = NEW.id WHERE name = 'run_id' AND value < NEW.id; END"
#define TRIGGER_CONTEXTS_UNUSED                                                         \
	"CREATE TRIGGER contexts_unused AFTER DELETE ON attempts WHEN OLD.context_id "   \
	"IS NOT NULL AND NOT EXISTS (SELECT 1 FROM attempts WHERE context_id = "         \
	"OLD.context_id) BEGIN DELETE FROM contexts WHERE id = OLD.context_id; END"
#define TRIGGER_CONTEXT_PIECES_UNUSED                                                  \
	"CREATE TRIGGER context_pieces_unused AFTER DELETE ON context_parts WHEN NOT "  \
	"EXISTS (SELECT 1 FROM context_parts WHERE piece_id = OLD.piece_id) BEGIN "     \
	"DELETE FROM context_pieces WHERE id = OLD.piece_id; END"

static const char *const triggers[] = {
	TRIGGER_RUN_TAGS_ADDED, TRIGGER_RUN_TAGS_REMOVED, TRIGGER_RUN_TAGS_CHANGED,
	TRIGGER_NOTES_ADDED,	TRIGGER_NOTES_REMOVED,	  TRIGGER_NOTES_CHANGED,
	TRIGGER_SPECS_UNUSED,	TRIGGER_RUNS_COUNTED,	  TRIGGER_CONTEXTS_UNUSED,
	TRIGGER_CONTEXT_PIECES_UNUSED,
};

/* COL of TABLE without the store's folder (runlens_store_dir(K), store/
 * open.c) in front, where it starts with it. */
#define MIGRATE_RELATIVE(table, col, k)                                                    \
	"UPDATE " table " SET " col " = substr(" col ", length(runlens_store_dir(" #k          \
	")) + 2) WHERE runlens_store_dir(" #k ") != '' AND substr(" col ", 1, "               \
	"length(runlens_store_dir(" #k ")) + 1) = runlens_store_dir(" #k ") || '/' AND "     \
	"length(" col ") > length(runlens_store_dir(" #k ")) + 1;"

static const char *const migrations[] = {
	/* 1: everything SPEC.md describes */
	"CREATE TABLE pipelines ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  description TEXT,"
	"  created_ms INTEGER NOT NULL,"
	"  pinned_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	"  run_count INTEGER NOT NULL DEFAULT 0,"
	"  completed_count INTEGER NOT NULL DEFAULT 0,"
	"  failed_count INTEGER NOT NULL DEFAULT 0,"
	"  last_run_id INTEGER"
	");"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL UNIQUE,"
	"  status TEXT NOT NULL,"
	"  started_ms INTEGER NOT NULL,"
	"  ended_ms INTEGER,"
	"  heartbeat_ms INTEGER,"
	"  spec_path TEXT,"
	"  spec_json TEXT,"
	"  params_json TEXT NOT NULL DEFAULT '{}',"
	"  rerun_of INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	"  runner_pid INTEGER,"
	"  runner_host TEXT,"
	"  runner_token TEXT,"
	"  stack TEXT,"
	"  model_name TEXT,"
	"  model_version TEXT,"
	"  state_json TEXT NOT NULL DEFAULT '{}',"
	"  context_json TEXT"
	");"
	"CREATE INDEX runs_by_time ON runs(started_ms DESC, id DESC);"
	"CREATE INDEX runs_by_pipeline ON runs(pipeline_id, started_ms DESC, id DESC);"
	"CREATE INDEX runs_by_pipeline_status ON runs(pipeline_id, status, started_ms DESC, id DESC);"
	"CREATE INDEX runs_running ON runs(id) WHERE status = 'running';"
	"CREATE INDEX runs_by_rerun ON runs(rerun_of) WHERE rerun_of IS NOT NULL;"
	"CREATE TABLE run_tags ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, tag)"
	") WITHOUT ROWID;"
	"CREATE INDEX run_tags_by_tag ON run_tags(tag, run_id);"
	"CREATE TABLE run_params ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value_json TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, key)"
	") WITHOUT ROWID;"
	"CREATE INDEX run_params_by_key ON run_params(key, value_json);"
	"CREATE TABLE notes ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  created_ms INTEGER NOT NULL,"
	"  text TEXT NOT NULL"
	");"
	"CREATE INDEX notes_by_run ON notes(run_id, id);"
	"CREATE TABLE step_runs ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  max_attempts INTEGER NOT NULL DEFAULT 1,"
	"  started_ms INTEGER,"
	"  ended_ms INTEGER,"
	"  error TEXT,"
	"  cache_key TEXT,"
	"  cached_from INTEGER REFERENCES step_runs(id) ON DELETE SET NULL,"
	"  config_json TEXT,"
	"  UNIQUE (run_id, name)"
	");"
	"CREATE INDEX step_runs_by_run ON step_runs(run_id, position);"
	"CREATE INDEX step_runs_by_cache_key ON step_runs(name, cache_key) WHERE cache_key IS NOT NULL;"
	"CREATE INDEX step_runs_by_cached_from ON step_runs(cached_from) WHERE cached_from IS NOT NULL;"
	"CREATE TABLE attempts ("
	"  id INTEGER PRIMARY KEY,"
	"  step_run_id INTEGER NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,"
	"  number INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"
	"  started_ms INTEGER NOT NULL,"
	"  ended_ms INTEGER,"
	"  exit_code INTEGER,"
	"  signal INTEGER,"
	"  timed_out INTEGER NOT NULL DEFAULT 0,"
	"  stdout_path TEXT,"
	"  stderr_path TEXT,"
	"  error TEXT,"
	"  context_json TEXT,"
	"  UNIQUE (step_run_id, number)"
	");"
	"CREATE TABLE artifacts ("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN ('file', 'dir')),"
	"  size INTEGER NOT NULL,"
	"  path TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX artifacts_by_sha ON artifacts(sha256);"
	"CREATE TABLE step_outputs ("
	"  step_run_id INTEGER NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),"
	"  PRIMARY KEY (step_run_id, name)"
	") WITHOUT ROWID;"
	"CREATE INDEX step_outputs_by_artifact ON step_outputs(artifact_id);"
	"CREATE TABLE step_inputs ("
	"  step_run_id INTEGER NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  artifact_id INTEGER REFERENCES artifacts(id),"
	"  source TEXT,"
	"  PRIMARY KEY (step_run_id, name)"
	") WITHOUT ROWID;"
	"CREATE INDEX step_inputs_by_artifact ON step_inputs(artifact_id);"
	"CREATE TABLE metadata ("
	"  step_run_id INTEGER NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,"
	"  output TEXT NOT NULL DEFAULT '',"
	"  key TEXT NOT NULL,"
	"  value_json TEXT NOT NULL,"
	"  PRIMARY KEY (step_run_id, output, key)"
	") WITHOUT ROWID;"
	"CREATE TABLE metrics ("
	"  id INTEGER PRIMARY KEY,"
	"  step_run_id INTEGER NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,"
	"  run_id INTEGER NOT NULL,"
	"  key TEXT NOT NULL,"
	"  idx INTEGER,"
	"  value REAL NOT NULL,"
	"  at_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX metrics_by_step ON metrics(step_run_id, key, idx);"
	"CREATE TABLE run_metrics ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  step_run_id INTEGER NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,"
	"  step TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  value REAL NOT NULL,"
	"  min REAL NOT NULL,"
	"  max REAL NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  is_series INTEGER NOT NULL DEFAULT 0,"
	"  last_idx INTEGER,"
	"  PRIMARY KEY (run_id, step, key)"
	") WITHOUT ROWID;"
	"CREATE INDEX run_metrics_by_value ON run_metrics(step, key, value);"
	"CREATE INDEX run_metrics_by_step_run ON run_metrics(step_run_id);"
	"CREATE TABLE stacks ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  artifact_store TEXT NOT NULL,"
	"  orchestrator TEXT NOT NULL DEFAULT 'local',"
	"  components_json TEXT NOT NULL DEFAULT '{}',"
	"  created_ms INTEGER NOT NULL"
	");"
	"CREATE TABLE model_versions ("
	"  id INTEGER PRIMARY KEY,"
	"  model_name TEXT NOT NULL,"
	"  version TEXT NOT NULL,"
	"  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	"  created_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX model_versions_by_name ON model_versions(model_name, id);"
	"CREATE TABLE saved_views ("
	"  name TEXT PRIMARY KEY,"
	"  pipeline_id INTEGER REFERENCES pipelines(id) ON DELETE CASCADE,"
	"  filter TEXT,"
	"  sort TEXT,"
	"  columns_json TEXT,"
	"  baseline_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	"  created_ms INTEGER NOT NULL"
	");",
	/* 2: the parts of each cache key, for `runlens why` */
	"ALTER TABLE step_runs ADD COLUMN cache_parts TEXT;"
	"CREATE INDEX step_runs_by_name ON step_runs(name, id);",
	/* 3: a run's tags and newest note kept in its row too, so that a page
	 * of runs reads one row per run, not three B-trees (docs/benchmarks.md,
	 * sort by a metric).  tag_list is each tag as BYTES:TAG, in tag order;
	 * the triggers keep both columns right whoever writes run_tags or
	 * notes.  run_tags and notes stay: filters and history use them. */
	"ALTER TABLE runs ADD COLUMN tag_list TEXT;"
	"ALTER TABLE runs ADD COLUMN note TEXT;"
	"UPDATE runs SET tag_list = " TAG_LIST_OF("runs.id") " "
	"WHERE id IN (SELECT run_id FROM run_tags);"
	"UPDATE runs SET note = " NEWEST_NOTE_OF("runs.id") " "
	"WHERE id IN (SELECT run_id FROM notes);"
	TRIGGER_RUN_TAGS_ADDED ";" TRIGGER_RUN_TAGS_REMOVED ";" TRIGGER_RUN_TAGS_CHANGED ";"
	TRIGGER_NOTES_ADDED ";" TRIGGER_NOTES_REMOVED ";" TRIGGER_NOTES_CHANGED ";"
	/* ... and a run's pipeline file kept once per distinct text (specs),
	 * not in every run row: most runs of a pipeline share it, and a row of
	 * a few hundred bytes instead of kilobytes keeps a page of runs on few
	 * pages.  Rows written before keep theirs in runs.spec_json: moving
	 * them would rewrite every run of the store (71 s for a million runs
	 * with 1.5 KB files); a spec goes with the last run that used it. */
	"CREATE TABLE specs (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"
	"ALTER TABLE runs ADD COLUMN spec_id INTEGER REFERENCES specs(id);"
	"CREATE INDEX runs_by_spec ON runs(spec_id) WHERE spec_id IS NOT NULL;"
	TRIGGER_SPECS_UNUSED ";",
	/* 4: a record you can trust.  A run keeps the id and name of the run
	 * it reran even when that one is deleted (rerun_of is cleared by its
	 * foreign key); a step run keeps the params it received, its own tags,
	 * what of its context differs from the run's, the state writes of its
	 * successful attempt (replayed when it is reused) and why it ran or
	 * was taken from the cache; the metrics and metadata of an attempt
	 * that was retried move to attempt_metrics and attempt_metadata, so a
	 * step run's own are its last attempt's. */
	"ALTER TABLE runs ADD COLUMN rerun_of_id INTEGER;"
	"ALTER TABLE runs ADD COLUMN rerun_of_name TEXT;"
	"UPDATE runs SET rerun_of_id = rerun_of, "
	"rerun_of_name = (SELECT o.name FROM runs o WHERE o.id = runs.rerun_of) "
	"WHERE rerun_of IS NOT NULL;"
	"ALTER TABLE step_runs ADD COLUMN params_json TEXT;"
	"ALTER TABLE step_runs ADD COLUMN tags_json TEXT;"
	"ALTER TABLE step_runs ADD COLUMN context_json TEXT;"
	"ALTER TABLE step_runs ADD COLUMN state_writes TEXT;"
	"ALTER TABLE step_runs ADD COLUMN decision TEXT;"
	"CREATE TABLE step_tags ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  step TEXT NOT NULL,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, step, tag)"
	") WITHOUT ROWID;"
	"CREATE INDEX step_tags_by_tag ON step_tags(tag, run_id);"
	"CREATE TABLE attempt_metrics ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  idx INTEGER,"
	"  value REAL NOT NULL,"
	"  at_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX attempt_metrics_by_attempt ON attempt_metrics(attempt_id, key, idx);"
	"CREATE TABLE attempt_metadata ("
	"  attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,"
	"  output TEXT NOT NULL DEFAULT '',"
	"  key TEXT NOT NULL,"
	"  value_json TEXT NOT NULL,"
	"  PRIMARY KEY (attempt_id, output, key)"
	") WITHOUT ROWID;",
	/* 5: run ids are never given twice, and each context is kept once.
	 * A run's id names its folder (runs/ID: logs, checkpoints), so an id
	 * freed by deleting the newest run must not come back: counters keeps
	 * the highest id ever given ('run_id'), new runs take the next one,
	 * and the trigger keeps it right whoever inserts a run.  (The highest
	 * id of a store before this one is all it can know: a newest run
	 * deleted before the upgrade gives its id once more, and the runner
	 * refuses to reuse a folder that is still there.)
	 * An attempt's context.json is kept as pieces cut where its content
	 * says (store/contexts.c), each piece once in context_pieces: the
	 * run's params and context, the same in every step and attempt, take
	 * their room once, not once per attempt; contexts is each distinct
	 * text once (by its hash, size and pieces), attempts.context_id
	 * names it.  Rows written before keep theirs in attempts.context_json
	 * (moving them would rewrite every attempt of the store).  Triggers
	 * drop a context with its last attempt, a piece with its last use.
	 * And each pipeline file is kept once, not twice: specs was UNIQUE
	 * on its text, so its index held every text again (30 MB for a file
	 * with three 10 MB params); it is found by the hash of its text now
	 * (runlens_hash63, store/db.c), the table rebuilt with the same ids. */
	"CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO counters (name, value) SELECT 'run_id', coalesce(max(id), 0) FROM runs;"
	TRIGGER_RUNS_COUNTED ";"
	"CREATE TABLE context_pieces ("
	"  id INTEGER PRIMARY KEY,"
	"  hash INTEGER NOT NULL,"
	"  data BLOB NOT NULL"
	");"
	"CREATE INDEX context_pieces_by_hash ON context_pieces(hash);"
	"CREATE TABLE contexts ("
	"  id INTEGER PRIMARY KEY,"
	"  hash INTEGER NOT NULL,"
	"  size INTEGER NOT NULL"
	");"
	"CREATE INDEX contexts_by_hash ON contexts(hash, size);"
	"CREATE TABLE context_parts ("
	"  context_id INTEGER NOT NULL REFERENCES contexts(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  piece_id INTEGER NOT NULL REFERENCES context_pieces(id),"
	"  PRIMARY KEY (context_id, seq)"
	") WITHOUT ROWID;"
	"CREATE INDEX context_parts_by_piece ON context_parts(piece_id);"
	"ALTER TABLE attempts ADD COLUMN context_id INTEGER REFERENCES contexts(id);"
	"CREATE INDEX attempts_by_context ON attempts(context_id) WHERE context_id IS NOT NULL;"
	TRIGGER_CONTEXTS_UNUSED ";" TRIGGER_CONTEXT_PIECES_UNUSED ";"
	"DROP TRIGGER specs_unused;"
	"CREATE TABLE specs_by_hash (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, "
	"text TEXT NOT NULL);"
	"INSERT INTO specs_by_hash (id, hash, text) SELECT id, runlens_hash63(text), text "
	"FROM specs;"
	"DROP TABLE specs;"
	"ALTER TABLE specs_by_hash RENAME TO specs;"
	"CREATE INDEX specs_by_hash ON specs(hash);"
	TRIGGER_SPECS_UNUSED ";",
	/* 6 (issue 19): a baseline by rule, "the newest completed run matching
	 * EXPR": set with `pin --where EXPR PIPELINE` (baseline_where), or
	 * by the pipeline file's "baseline" (baseline_where_file, as its
	 * newest run read it); a pinned run comes first, then the first of
	 * these that is set. */
	"ALTER TABLE pipelines ADD COLUMN baseline_where TEXT;"
	"ALTER TABLE pipelines ADD COLUMN baseline_where_file TEXT;",
	/* 7 (issue 15): executors that place jobs on a cluster.  A stack keeps what it
	 * tells its executor (Slurm's partition, account, QoS, sbatch
	 * options); an attempt keeps what its executor said of its job
	 * ({"flavor", "job_id", "name", "state", "reason", "node", "dir"}),
	 * for show, the browser, and for cancelling the jobs of a runner that
	 * died. */
	"ALTER TABLE stacks ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}';"
	"ALTER TABLE attempts ADD COLUMN executor_json TEXT;",
	/* 8 (issue 16): sweeps and column sets.  A sweep is a grid of ordinary
	 * runs made by one `runlens run -p lr=0.01,0.1 -p seed=1..3`: its
	 * name, pipeline, axes (each param with its values) and how many
	 * runs the grid has; runs.sweep_id groups its runs (kept apart from
	 * the run row's columns read by every list: a sweep's runs are read
	 * through runs_by_sweep).  column_sets keeps the browser's columns
	 * of a pipeline's runs view (pipeline_id 0: all pipelines). */
	"CREATE TABLE sweeps ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  pipeline_id INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,"
	"  status TEXT NOT NULL,"
	"  started_ms INTEGER NOT NULL,"
	"  ended_ms INTEGER,"
	"  planned INTEGER NOT NULL,"
	"  parallel INTEGER NOT NULL DEFAULT 1,"
	"  axes_json TEXT NOT NULL DEFAULT '{}',"
	"  runner_pid INTEGER,"
	"  runner_host TEXT,"
	"  runner_token TEXT"
	");"
	"CREATE INDEX sweeps_by_time ON sweeps(started_ms DESC, id DESC);"
	"CREATE INDEX sweeps_by_pipeline ON sweeps(pipeline_id, started_ms DESC, id DESC);"
	"ALTER TABLE runs ADD COLUMN sweep_id INTEGER REFERENCES sweeps(id) ON DELETE SET NULL;"
	"CREATE INDEX runs_by_sweep ON runs(sweep_id, started_ms DESC, id DESC) "
	"WHERE sweep_id IS NOT NULL;"
	"CREATE TABLE column_sets ("
	"  pipeline_id INTEGER PRIMARY KEY,"
	"  columns_json TEXT NOT NULL,"
	"  updated_ms INTEGER NOT NULL"
	");",
	/* 9 (issue 19): the runs of
	 * a stack, counted by `stack rm` before it removes one; when a step
	 * waiting to retry (retry_delay) may start its next attempt (wall
	 * clock ms), for show and the browser. */
	"CREATE INDEX runs_by_stack ON runs(stack) WHERE stack IS NOT NULL;"
	"ALTER TABLE step_runs ADD COLUMN retry_at_ms INTEGER;"
	/* the git commit and dirty flag of a run as columns (from its context's
	 * environment.git, STORE_GIT_COMMIT_OF), for show, compare, the
	 * column catalogue and --where git=abc123 / dirty=true */
	"ALTER TABLE runs ADD COLUMN git_commit TEXT;"
	"ALTER TABLE runs ADD COLUMN git_dirty INTEGER;"
	"UPDATE runs SET git_commit = " STORE_GIT_COMMIT_OF("context_json") ", git_dirty = "
	STORE_GIT_DIRTY_OF("context_json") " WHERE context_json IS NOT NULL;"
	"CREATE INDEX runs_by_git ON runs(git_commit) WHERE git_commit IS NOT NULL;",
	/* 10 (issue 17): sorted lists walk an index and stop at their page,
	 * as newest-first lists always did (store/query.c).  Ties are the
	 * newest first: one index per direction, (COL, started_ms DESC, id
	 * DESC) read forwards for COL ascending, (COL, started_ms, id) read
	 * backwards for COL descending.  The name and the id are unique, the
	 * pipeline's name walks pipelines' own index and then runs_by_pipeline,
	 * and started walks runs_by_time: none needs one.  A duration is
	 * ended - started for a run that ended (the runs that have not are
	 * few, found by runs_unended, and merged in by the duration they have
	 * now); a param is its JSON value as SQL (run_params.value, written with
	 * value_json: the schema may not call json_extract), ties by run id,
	 * newest first. */
	"CREATE INDEX runs_by_status ON runs(status, started_ms DESC, id DESC);"
	"CREATE INDEX runs_by_status_old ON runs(status, started_ms, id);"
	"CREATE INDEX runs_by_duration ON runs((ended_ms - started_ms), started_ms DESC, id DESC) "
	"WHERE ended_ms IS NOT NULL;"
	"CREATE INDEX runs_by_duration_old ON runs((ended_ms - started_ms), started_ms, id) "
	"WHERE ended_ms IS NOT NULL;"
	"CREATE INDEX runs_unended ON runs(started_ms, id) WHERE ended_ms IS NULL;"
	"ALTER TABLE run_params ADD COLUMN value;"
	"UPDATE run_params SET value = json_extract(value_json, '$');"
	"CREATE INDEX run_params_by_value ON run_params(key, value, run_id DESC);"
	"CREATE INDEX run_params_by_value_old ON run_params(key, value, run_id);",
	/* 11 (issue 17): the sort by tag walks an index too, on the runs'
	 * first tag (the expression of store/internal.h, which the sort says
	 * word for word), the tagged runs only; ties the newest first, one
	 * index per direction as in 10.  The untagged runs come after, from
	 * runs_by_time. */
	"CREATE INDEX runs_by_tag ON runs(" STORE_FIRST_TAG_OF("tag_list")
	", started_ms DESC, id DESC) WHERE " STORE_HAS_TAGS("tag_list") ";"
	"CREATE INDEX runs_by_tag_old ON runs(" STORE_FIRST_TAG_OF("tag_list")
	", started_ms, id) WHERE " STORE_HAS_TAGS("tag_list") ";",
	/* 12: the logs and artifacts inside the store are kept by their path
	 * relative to it (store_path_to_db), so that a store moved with its
	 * project folder finds them; those inside the folder it is opened as
	 * (named, then resolved) become relative now, others stay as they are */
	MIGRATE_RELATIVE("artifacts", "path", 0) MIGRATE_RELATIVE("artifacts", "path", 1)
	MIGRATE_RELATIVE("attempts", "stdout_path", 0) MIGRATE_RELATIVE("attempts", "stdout_path", 1)
	MIGRATE_RELATIVE("attempts", "stderr_path", 0) MIGRATE_RELATIVE("attempts", "stderr_path", 1),
	/* 13: the baseline a run was given when it started (its steps'
	 * context.json, `runlens baseline`), kept: compare and show use it
	 * unless a run is pinned — the rule read again later could name a run
	 * that completed meanwhile.  0: none then; NULL: a run from before
	 * (the rule decides).  No foreign key: a deleted baseline is seen as
	 * gone, not as "none". */
	"ALTER TABLE runs ADD COLUMN baseline_given INTEGER;"
	/* ... and how it was chosen: NULL by the default rule, "pinned", or
	 * "pin --where" / "file" with the rule (core/baseline.c) */
	"ALTER TABLE runs ADD COLUMN baseline_given_by TEXT;"
	"ALTER TABLE runs ADD COLUMN baseline_given_rule TEXT;",
};

#define NMIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

static int read_version(struct store *s, int *v, struct rl_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "cannot read the store", err);
	/* user_version is any 32-bit number: no runlens writes a negative one
	 * (and it would index the migrations before their start) */
	if (*v < 0)
		return rl_err_set(err, RL_E_CORRUPT,
				  "the store database is damaged (schema version %d); restore "
				  "it from a backup, or move it away to start a new store", *v);
	return 0;
}

static int is_our_trigger(const char *name, const char *sql)
{
	for (size_t i = 0; i < sizeof triggers / sizeof triggers[0]; i++) {
		const char *t = triggers[i];
		size_t lead = strlen("CREATE TRIGGER ");
		size_t len = strcspn(t + lead, " ");
		if (strlen(name) == len && !strncmp(t + lead, name, len))
			return sql && !strcmp(sql, t);
	}
	return 0;
}

/* A store runlens made holds tables, indexes and the triggers above,
 * nothing else: a view (whatever it computes, say a recursive query that
 * never ends, would be read in place of a table), a virtual table or a
 * trigger of someone else's (run on the store's own writes, the liveness
 * check's and migrations' included) makes it a crafted database. */
static int check_objects(struct store *s, struct rl_err *err)
{
	static const char sql[] =
		"SELECT type, name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') "
		"OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL%')";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), bad = 0;
	char what[32] = "";
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 2);
		if (type && name && !strcmp(type, "trigger") && is_our_trigger(name, text))
			continue;
		snprintf(what, sizeof what, "%s", type && !strcmp(type, "table") ? "virtual table"
						  : type ? type : "object");
		bad = 1;
		break;
	}
	sqlite3_finalize(st);
	if (bad)
		return rl_err_set(err, RL_E_CORRUPT,
				  "the store database is damaged (it holds a %s runlens does not "
				  "make); restore it from a backup, or move it away to start a "
				  "new store", what);
	return rc == SQLITE_DONE ? 0 : store_fail(s, rc, "cannot read the store", err);
}

/* After the migrations: no row refers to one that is not there, in the
 * tables whose parent a migration rebuilds (runs: specs, schema 5).  Not
 * every table: the check visits every row, and metrics can have hundreds
 * of millions. */
static int foreign_keys_hold(struct store *s, struct rl_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check(runs)", -1, &st, NULL);
	char table[64] = "";
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(table, sizeof table, "%s", t ? (const char *)t : "?");
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return rl_err_set(err, RL_E_CORRUPT,
				  "the store database is damaged (a row of %s refers to one that "
				  "is not there); restore it from a backup, or move it away to "
				  "start a new store", table);
	return rc == SQLITE_DONE ? 0 : store_fail(s, rc, "cannot check the store", err);
}

static int too_new(struct store *s, int v, struct rl_err *err)
{
	return rl_err_set(err, RL_E_TOO_NEW,
			  "store %s has schema version %d; this runlens knows "
			  "up to %d — upgrade runlens",
			  s->dir, v, STORE_SCHEMA_VERSION);
}

static void (*on_migrate)(const char *dir, int from, int to);

void store_on_migrate(void (*fn)(const char *dir, int from, int to))
{
	on_migrate = fn;
}

int store_migrate(struct store *s, struct rl_err *err)
{
	int v = 0, rc = -1;
	if (read_version(s, &v, err) < 0)
		return -1;
	if (v > STORE_SCHEMA_VERSION)
		return too_new(s, v, err);
	if (check_objects(s, err) < 0)
		return -1;
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	if (s->access == STORE_ACCESS_READ_ONLY)
		return rl_err_set(err, RL_E_READ_ONLY,
				  "store %s needs an upgrade (schema %d -> %d), and it is "
				  "read-only for you: the next runlens command of someone who "
				  "may write it upgrades it", s->dir, v, STORE_SCHEMA_VERSION);
	if (s->readonly)
		return rl_err_set(err, RL_E_DB,
				  "store %s needs an upgrade (schema %d -> %d); "
				  "open it once without read-only",
				  s->dir, v, STORE_SCHEMA_VERSION);
	/* a migration that rebuilds a table (schema 5: specs) drops the one
	 * other tables refer to: foreign keys are off while migrations run
	 * (the pragma does nothing inside a transaction) and checked at the
	 * end instead */
	if (store_exec(s, "PRAGMA foreign_keys=OFF", err) < 0)
		return -1;
	if (store_exec(s, "BEGIN IMMEDIATE", err) < 0)
		goto cleanup;
	/* re-read under the write lock: another process may have migrated */
	if (read_version(s, &v, err) < 0)
		goto cleanup;
	if (v > STORE_SCHEMA_VERSION) {
		too_new(s, v, err);
		goto cleanup;
	}
	if (v > 0 && v < NMIGRATIONS && on_migrate)
		on_migrate(s->dir, v, NMIGRATIONS); /* an upgrade, not a new store */
	for (int m = v; m < NMIGRATIONS; m++) {
		if (store_exec(s, migrations[m], err) < 0) {
			rl_err_prefix(err, "migration %d failed", m + 1);
			goto cleanup;
		}
	}
	if (foreign_keys_hold(s, err) < 0)
		goto cleanup;
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", NMIGRATIONS);
	if (store_exec(s, pragma, err) < 0 || store_exec(s, "COMMIT", err) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (rc < 0)
		store_rollback(s);
	if (store_exec(s, "PRAGMA foreign_keys=ON", rc < 0 ? NULL : err) < 0)
		rc = -1;
	return rc;
}
