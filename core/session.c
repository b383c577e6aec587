/* core/session.c — store discovery, dead-runner repair, run references. */
#include "config.h"
#include "core/session.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/exec/executor.h"
#include "store/store.h"
#include "util/fs.h"
#include "util/text.h"
#include "util/timeutil.h"

int session_find_store(const char *flag_dir, unsigned flags, char **dir,
		       struct rl_err *err)
{
	const char *env = getenv("RUNLENS_STORE");
	const char *given = flag_dir && *flag_dir ? flag_dir
			    : env && *env	    ? env
						    : NULL;
	if (given) {
		char *abs = fs_absolute(given);
		if (!abs)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		if (!(flags & SESSION_CREATE) && !fs_is_dir(abs)) {
			rl_err_set(err, RL_E_NO_STORE, "no runlens store at %s%s",
				   abs, flag_dir ? "" : " (from RUNLENS_STORE)");
			free(abs);
			return -1;
		}
		*dir = abs;
		return 0;
	}
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return rl_err_set(err, RL_E_IO, "cannot read the current folder: %s",
				  strerror(errno));
	char *probe = NULL, *empty = NULL; /* the first .runlens with no database */
	for (;;) {
		probe = fs_join(cwd, SESSION_STORE_DIRNAME);
		if (!probe)
			break;
		char *db = fs_join(probe, STORE_DB_NAME);
		int found = db && fs_exists(db);
		free(db);
		if (found) {
			free(cwd);
			free(empty);
			*dir = probe;
			return 0;
		}
		if (!empty && fs_is_dir(probe))
			empty = strdup(probe);
		free(probe);
		probe = NULL;
		char *slash = strrchr(cwd, '/');
		if (!slash || slash == cwd) {
			if (strcmp(cwd, "/") == 0)
				break;
			cwd[1] = '\0';
			continue;
		}
		*slash = '\0';
	}
	free(cwd);
	if (flags & SESSION_CREATE) {
		free(empty);
		*dir = fs_absolute(SESSION_STORE_DIRNAME);
		return *dir ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
	}
	if (empty) {
		rl_err_set(err, RL_E_NO_STORE,
			   "no runlens store here or in any parent folder (%s has no %s: a store "
			   "moved without its database?)",
			   empty, STORE_DB_NAME);
		free(empty);
		return -1;
	}
	return rl_err_set(err, RL_E_NO_STORE,
			  "no runlens store here or in any parent folder "
			  "(run a pipeline with 'runlens run FILE', or use "
			  "--store DIR / RUNLENS_STORE)");
}

char *session_process_token(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char line[1024];
	char *tok = NULL;
	if (fgets(line, sizeof line, f)) {
		/* field 2 (comm) may hold spaces: skip past its last ')' */
		char *p = strrchr(line, ')');
		/* field 3, the state: a zombie (Z) or dead (X) process has ended,
		 * even while its parent has not reaped it yet */
		if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
			p = NULL;
		for (int field = 2; p && field < 22; field++) {
			p = strchr(p + 1, ' ');
		}
		if (p) {
			p++;
			size_t n = strcspn(p, " ");
			tok = strndup(p, n);
		}
	}
	fclose(f);
	return tok;
}

char *session_hostname(void)
{
	char host[256];
	if (gethostname(host, sizeof host) < 0)
		return strdup("localhost");
	host[sizeof host - 1] = '\0';
	return strdup(host);
}

static int runner_alive(const struct store_run *r, const char *host,
			int64_t now)
{
	if (r->runner_host && host && strcmp(r->runner_host, host) == 0 &&
	    r->runner_pid > 0) {
		if (kill(r->runner_pid, 0) < 0 && errno == ESRCH)
			return 0;
		char *tok = session_process_token(r->runner_pid);
		int same = tok && r->runner_token &&
			   strcmp(tok, r->runner_token) == 0;
		free(tok);
		if (!tok)
			return 0;
		return same;
	}
	int64_t last = r->heartbeat_ms ? r->heartbeat_ms : r->started_ms;
	return now - last < SESSION_STALE_MS;
}

/* Record what became of the job of attempt row E once its runner was
 * found dead: STATE, "CANCELLED" when it was cancelled now, or its own
 * end ("COMPLETED": it ended before, its outputs not collected); NULL
 * when it was not in the queue any more (its last state stays, and the
 * reason says so). */
static void record_left_job(struct store *s, const struct store_step_executor *e,
			    const char *state)
{
	cJSON *o = cJSON_Parse(e->executor_json);
	if (!cJSON_IsObject(o))
		goto cleanup;
	cJSON_DeleteItemFromObjectCaseSensitive(o, "reason");
	if (state) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, "state");
		cJSON_AddStringToObject(o, "state", state);
	} else {
		cJSON_AddStringToObject(o, "reason", "not in the queue when its runner was found dead");
	}
	char *json = cJSON_PrintUnformatted(o);
	if (json)
		store_attempt_set_executor(s, e->attempt_id, json, NULL);
	free(json);
cleanup:
	cJSON_Delete(o);
}

/* Is E an unfinished attempt whose job FLAVOR placed? */
static int left_by(const struct store_step_executor *e, const char *flavor)
{
	cJSON *o = cJSON_Parse(e->executor_json);
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "flavor");
	int mine = !strcmp(e->attempt_status, "running") && cJSON_IsString(f) &&
		   !strcmp(f->valuestring, flavor);
	cJSON_Delete(o);
	return mine;
}

/* The jobs a dead runner left on a cluster (its attempts still
 * "running" with an executor's record) are cancelled by that executor,
 * which checks each job's name first.  Bounded in time; a failure is
 * said on stderr (the run is marked interrupted all the same). */
static void cancel_left_jobs(struct store *s, int64_t run_id)
{
	struct store_step_executor *rows = NULL;
	int n = 0;
	if (store_run_executors(s, run_id, &rows, &n, NULL) < 0 || n == 0)
		goto cleanup;
	char **mine = calloc((size_t)n, sizeof(char *));
	char **state = calloc((size_t)n, sizeof(char *));
	int *which = calloc((size_t)n, sizeof(int));
	for (int i = 0; mine && state && which && executor_all[i]; i++) {
		const struct executor_ops *ops = executor_all[i];
		int k = 0;
		for (int j = 0; ops->cancel_recorded && j < n; j++)
			if (left_by(&rows[j], ops->flavor)) {
				which[k] = j;
				mine[k++] = rows[j].executor_json;
			}
		struct rl_err e = RL_ERR_INIT;
		if (k && ops->cancel_recorded(mine, k, state, &e) < 0)
			fprintf(stderr, "runlens: warning: run %lld: %s\n", (long long)run_id,
				rl_err_msg(&e));
		else
			for (int j = 0; j < k; j++) {
				record_left_job(s, &rows[which[j]], state[j]);
				free(state[j]);
				state[j] = NULL;
			}
		rl_err_clear(&e);
	}
	free(mine);
	free(state);
	free(which);
cleanup:
	store_step_executors_free(rows, n);
}

/* Whether a dead runner left jobs on a cluster for run RUN_ID (an
 * unfinished attempt an executor that cancels placed): cancelling them
 * asks the cluster, which can take seconds. */
static int has_left_jobs(struct store *s, int64_t run_id)
{
	struct store_step_executor *rows = NULL;
	int n = 0, left = 0;
	if (store_run_executors(s, run_id, &rows, &n, NULL) < 0)
		return 1; /* unknown: not the quick path's */
	for (int i = 0; executor_all[i] && !left; i++)
		for (int j = 0; executor_all[i]->cancel_recorded && j < n && !left; j++)
			left = left_by(&rows[j], executor_all[i]->flavor);
	store_step_executors_free(rows, n);
	return left;
}

enum { REAP_COUNT, REAP_ALL, REAP_LOCAL };

/* The runs still "running" whose runner is gone: marked interrupted
 * (MARK: REAP_ALL; REAP_LOCAL: those without cluster jobs to cancel), or
 * only counted (REAP_COUNT). */
static int dead_runs(struct store *s, int mark, int *n, struct rl_err *err)
{
	struct store_run *rows = NULL;
	int nrows = 0, marked = 0, rc = -1;
	char *host = session_hostname();
	if (store_runs_running(s, &rows, &nrows, err) < 0)
		goto cleanup;
	int64_t now = time_now_ms();
	for (int i = 0; i < nrows; i++) {
		if (runner_alive(&rows[i], host, now))
			continue;
		if (mark == REAP_LOCAL && has_left_jobs(s, rows[i].id))
			continue; /* its jobs to cancel: a command's to do */
		if (mark)
			cancel_left_jobs(s, rows[i].id);
		/* it ended when it was last seen: its last heartbeat (every
		 * SESSION_HEARTBEAT_MS), or what it recorded after (the store
		 * takes the later) */
		int64_t seen = rows[i].heartbeat_ms ? rows[i].heartbeat_ms : rows[i].started_ms;
		if (mark && store_run_mark_interrupted(s, rows[i].id, seen < now ? seen : now,
						       err) < 0)
			goto cleanup;
		marked++;
	}
	if (n)
		*n = marked;
	rc = 0;
cleanup:
	store_runs_free(rows, nrows);
	free(host);
	return rc;
}

int session_reap_dead_runs(struct store *s, int *n, struct rl_err *err)
{
	return dead_runs(s, REAP_ALL, n, err);
}

int session_reap_dead_local_runs(struct store *s, int *n, struct rl_err *err)
{
	return dead_runs(s, REAP_LOCAL, n, err);
}

static char note[512];

const char *session_note(void)
{
	return note[0] ? note : NULL;
}

/* A store this user may not write gets no liveness repair: say what that
 * leaves (once: the note is kept, the caller shows it), nothing when
 * there is nothing to repair. */
static int note_unrepaired(struct store *s, struct rl_err *err)
{
	int n = 0;
	if (dead_runs(s, 0, &n, err) < 0)
		return -1;
	if (n > 0)
		snprintf(note, sizeof note,
			 "note: the store %.300s is read-only for you: %d run%s whose runner is "
			 "gone still show%s 'running' (marked interrupted when someone who may "
			 "write the store opens it)", store_dir(s), n, n == 1 ? "" : "s",
			 n == 1 ? "s" : "");
	return 0;
}

static void upgrade_notice(const char *dir, int from, int to)
{
	char *shown = text_escape_str(dir, 0); /* a folder name is anyone's */
	fprintf(stderr, "runlens: upgrading the store %s from schema %d to %d "
			"(once; a store of a million runs takes about half a minute)\n",
		shown ? shown : "", from, to);
	free(shown);
}

int session_open(const char *flag_dir, unsigned flags, struct store **out,
		 struct rl_err *err)
{
	char *dir = NULL;
	struct store *s = NULL;
	int rc = -1;
	if (session_find_store(flag_dir, flags, &dir, err) < 0)
		goto cleanup;
	unsigned sflags = 0;
	if (flags & SESSION_CREATE)
		sflags |= STORE_CREATE;
	if (flags & SESSION_READONLY)
		sflags |= STORE_READONLY;
	store_on_migrate(upgrade_notice);
	if (store_open(dir, sflags, &s, err) < 0)
		goto cleanup;
	if (store_access(s) == STORE_ACCESS_WRITE) {
		if (session_reap_dead_runs(s, NULL, err) < 0)
			goto cleanup;
	} else if (store_access(s) == STORE_ACCESS_READ_ONLY && note_unrepaired(s, err) < 0) {
		goto cleanup;
	}
	*out = s;
	s = NULL;
	rc = 0;
cleanup:
	store_close(&s);
	free(dir);
	return rc;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A lookup that failed: a missing row becomes MSG (RL_E_NOT_FOUND); any
 * other error (a damaged store, a busy one) is passed on as it is. */
static int lookup_failed(struct rl_err *got, struct rl_err *err,
			 const char *msg)
{
	int rc;
	if (got->code == RL_E_NOT_FOUND || got->code == RL_E_OK)
		rc = rl_err_set(err, RL_E_NOT_FOUND, "%s", msg);
	else
		rc = rl_err_set(err, got->code, "%s", rl_err_msg(got));
	rl_err_clear(got);
	return rc;
}

int session_resolve_run(struct store *s, const char *ref, int64_t *id,
			struct rl_err *err)
{
	struct rl_err e = RL_ERR_INIT;
	char msg[300];
	if (!ref || !*ref)
		return rl_err_set(err, RL_E_USAGE, "missing RUN");
	if (strcmp(ref, "last") == 0) {
		if (store_run_last(s, 0, id, &e) < 0)
			return lookup_failed(&e, err, "no runs yet");
		return 0;
	}
	const char *at = strrchr(ref, '@');
	if (at && strcmp(at, "@last") == 0) {
		char *name = strndup(ref, (size_t)(at - ref));
		struct store_pipeline p = { 0 };
		int rc = -1;
		if (!name)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		if (store_pipeline_get(s, name, &p, &e) < 0) {
			snprintf(msg, sizeof msg, "no pipeline '%.200s'", name);
			lookup_failed(&e, err, msg);
		} else if (store_run_last(s, p.id, id, &e) < 0) {
			snprintf(msg, sizeof msg, "pipeline '%.200s' has no runs", name);
			lookup_failed(&e, err, msg);
		} else {
			rc = 0;
		}
		store_pipeline_clear(&p);
		free(name);
		return rc;
	}
	snprintf(msg, sizeof msg, "no run '%.200s'", ref);
	/* an id first: a name cannot be all digits (runs_name_check), but a
	 * store from before that rule may have one, which must not hide the
	 * run of that id */
	if (all_digits(ref)) {
		struct store_run r = { 0 };
		long long v = strtoll(ref, NULL, 10);
		int rc = store_run_get(s, (int64_t)v, &r, &e);
		store_run_clear(&r);
		if (rc == 0) {
			*id = (int64_t)v;
			return 0;
		}
		if (e.code != RL_E_NOT_FOUND)
			return lookup_failed(&e, err, msg);
		rl_err_clear(&e);
	}
	if (store_run_id_by_name(s, ref, id, &e) == 0)
		return 0;
	return lookup_failed(&e, err, msg);
}

