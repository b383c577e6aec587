/* core/session.h — opening the store for a command.
 *
 * Store discovery (like git finds .git): the --store flag, else
 * $RUNLENS_STORE, else the nearest ".runlens" folder in the current folder
 * or its parents.  Opening also settles runs whose runner died: a run still
 * "running" whose runner process on this host is gone (pid and process
 * start time), or whose heartbeat from another host is older than
 * SESSION_STALE_MS, is marked "interrupted" at once (not on a store opened
 * read-only, or one this user may not write).
 */
#ifndef RUNLENS_CORE_SESSION_H
#define RUNLENS_CORE_SESSION_H

#include <stdint.h>
#include <sys/types.h>

#include "store/store.h"
#include "util/error.h"

#define SESSION_STORE_DIRNAME ".runlens"
/* A run from another host is considered dead after this much silence. */
#define SESSION_STALE_MS (60 * 1000)
/* How often a runner refreshes its heartbeat. */
#define SESSION_HEARTBEAT_MS 2000

enum session_flags {
	SESSION_CREATE = 1 << 0,   /* create ./.runlens when none is found */
	SESSION_READONLY = 1 << 1, /* open read-only (no liveness repair) */
};

/* Find the store folder (malloc'd into *dir).  Without SESSION_CREATE and
 * no store: RL_E_NO_STORE. */
int session_find_store(const char *flag_dir, unsigned flags, char **dir,
		       struct rl_err *err);

/* Find and open the store, then mark runs of dead runners interrupted. */
int session_open(const char *flag_dir, unsigned flags, struct store **out,
		 struct rl_err *err);

/* A store this user may not write is opened read-only (store_access) and
 * gets no liveness repair; when that leaves runs of dead runners shown
 * "running", session_note() says so (one line, NULL otherwise), for the
 * command line and the browser to show once. */
const char *session_note(void);

/* Mark interrupted every "running" run whose runner is gone. *n receives
 * how many were marked (may be NULL). */
int session_reap_dead_runs(struct store *s, int *n, struct rl_err *err);
/* The same for the runs whose dead runner left no cluster jobs to cancel
 * (cancelling asks the cluster: seconds); those wait for a command. The
 * browser's look every 2 s, which must not stall the screen. */
int session_reap_dead_local_runs(struct store *s, int *n, struct rl_err *err);

/* Resolve a run reference: an id ("42"), a run name, "last", or
 * "PIPELINE@last".  RL_E_NOT_FOUND when nothing matches. */
int session_resolve_run(struct store *s, const char *ref, int64_t *id,
			struct rl_err *err);


/* A token identifying process PID's incarnation (its start time in clock
 * ticks since boot, from /proc), malloc'd; NULL when unknown, and for a
 * process that has ended but is not reaped yet (a zombie: its parent —
 * a CI harness, Python's Popen — has not waited for it). */
char *session_process_token(pid_t pid);

/* This machine's host name, malloc'd. */
char *session_hostname(void);

#endif
