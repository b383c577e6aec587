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
	"CREATE TRIGGER run_tags_added AFTER INSERT ON run_tags BEGIN "
	"UPDATE runs SET tag_list = " TAG_LIST_OF("NEW.run_id") " WHERE id = NEW.run_id; END;"
	"CREATE TRIGGER run_tags_removed AFTER DELETE ON run_tags BEGIN "
	"UPDATE runs SET tag_list = " TAG_LIST_OF("OLD.run_id") " WHERE id = OLD.run_id; END;"
	"CREATE TRIGGER run_tags_changed AFTER UPDATE ON run_tags BEGIN "
	"UPDATE runs SET tag_list = " TAG_LIST_OF("OLD.run_id") " WHERE id = OLD.run_id; "
	"UPDATE runs SET tag_list = " TAG_LIST_OF("NEW.run_id") " WHERE id = NEW.run_id; END;"
	"CREATE TRIGGER notes_added AFTER INSERT ON notes BEGIN "
	"UPDATE runs SET note = " NEWEST_NOTE_OF("NEW.run_id") " WHERE id = NEW.run_id; END;"
	"CREATE TRIGGER notes_removed AFTER DELETE ON notes BEGIN "
	"UPDATE runs SET note = " NEWEST_NOTE_OF("OLD.run_id") " WHERE id = OLD.run_id; END;"
	"CREATE TRIGGER notes_changed AFTER UPDATE ON notes BEGIN "
	"UPDATE runs SET note = " NEWEST_NOTE_OF("OLD.run_id") " WHERE id = OLD.run_id; "
	"UPDATE runs SET note = " NEWEST_NOTE_OF("NEW.run_id") " WHERE id = NEW.run_id; END;"
	/* ... and a run's pipeline file kept once per distinct text (specs),
	 * not in every run row: most runs of a pipeline share it, and a row of
	 * a few hundred bytes instead of kilobytes keeps a page of runs on few
	 * pages.  Rows written before keep theirs in runs.spec_json: moving
	 * them would rewrite every run of the store (71 s for a million runs
	 * with 1.5 KB files); a spec goes with the last run that used it. */
	"CREATE TABLE specs (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"
	"ALTER TABLE runs ADD COLUMN spec_id INTEGER REFERENCES specs(id);"
	"CREATE INDEX runs_by_spec ON runs(spec_id) WHERE spec_id IS NOT NULL;"
	"CREATE TRIGGER specs_unused AFTER DELETE ON runs WHEN OLD.spec_id IS NOT NULL "
	"AND NOT EXISTS (SELECT 1 FROM runs WHERE spec_id = OLD.spec_id) BEGIN "
	"DELETE FROM specs WHERE id = OLD.spec_id; END;",
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
	/* issue 16: sweeps and column sets.  A sweep is a grid of ordinary
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
	return rc == SQLITE_ROW ? 0 : store_fail(s, rc, "cannot read the store", err);
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
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	if (s->readonly)
		return rl_err_set(err, RL_E_DB,
				  "store %s needs an upgrade (schema %d -> %d); "
				  "open it once without read-only",
				  s->dir, v, STORE_SCHEMA_VERSION);
	if (store_exec(s, "BEGIN IMMEDIATE", err) < 0)
		return -1;
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
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", NMIGRATIONS);
	if (store_exec(s, pragma, err) < 0 || store_exec(s, "COMMIT", err) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (rc < 0)
		store_rollback(s);
	return rc;
}
