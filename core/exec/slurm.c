/* core/exec/slurm.c — the Slurm executor: each job one `sbatch --parsable`
 * whose script only execs `runlens job-exec ATTEMPT_DIR` on the node
 * (core/exec/job_exec.h); what the step needs travels as files of that
 * folder (core/exec/jobfile.h), never on sbatch's command line or in its
 * script or environment.
 *
 * The runner's loop never waits for Slurm: sbatch, squeue and scancel run
 * as children (core/exec/slurm_cmd.h) whose output is read while wait()
 * waits for other things.  A job's end is its exit_status file (checked
 * every STATUS_MS); one batched `squeue -t all -j ID,…` a POLL_MS tells
 * states, pending reasons and nodes, and what the status file cannot:
 * jobs that can never start, that ended without one (killed, out of
 * memory, not launched), or that vanished.  Every poll checks the job's
 * name and working folder (ids are reused after a controller restart;
 * another store has the same names).  Signals are sent in
 * one call for all jobs: `scancel --full --signal=SIG --state=RUNNING`,
 * and a plain `scancel --state=PENDING` for the jobs that have not
 * started (a signal to a pending job would block until it starts).
 */
#include "config.h"
#include "core/exec/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/exec/jobfile.h"
#include "core/exec/launch.h"
#include "core/exec/slurm_cmd.h"
#include "core/exec/slurm_parse.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

extern char **environ;

/* Times (ms); each can be set with RUNLENS_SLURM_<NAME>_MS (tests). */
struct graces {
	int poll;	 /* squeue at most this often */
	int status;	 /* exit_status files looked at this often */
	int query;	 /* a Slurm command running longer is killed */
	int end;	 /* Slurm says it ended: wait this long for exit_status */
	int never;	 /* a reason that never clears, this long: give up */
	int vanish;	 /* Slurm no longer knows the job, no status: gone */
	int down;	 /* the controller does not answer this long: give up */
	int retry;	 /* between sbatch tries that failed for a while */
};

#define SUBMIT_TRIES 3
/* jobs of one squeue: its -j list stays far under one argument's limit */
#define QUERY_MAX_JOBS 4000

enum jphase { J_SUBMIT, J_QUEUED, J_ENDED };

struct sjob {
	int64_t id; /* ours, > 0; 0: a free slot */
	enum jphase phase;
	char *name, *dir;
	char **sbatch;	    /* the submission, kept for a retry */
	struct scmd *submit; /* sbatch (or the look-up before a retry) */
	int adopting;	    /* submit is a look-up of the job by name */
	int waiting;	    /* for its turn to be submitted (one at a time) */
	int tries;
	int64_t retry_at;   /* submit again then (0: not waiting) */
	char *jobid, *state, *reason, *node;
	int changed;	    /* describe() has news */
	int seen_active;    /* it started */
	int sig;	    /* asked for, not sent yet */
	int sent;	    /* the strongest signal sent */
	int qgen;	    /* the query that asked for it */
	int64_t bad_since, missing_since, over_since, hold_until;
	int have_status;
	struct exit_status st;
	struct exec_result res; /* once ended */
	char *why;
};

struct executor {
	struct sjob *jobs;
	int njobs, cap;
	int64_t next_id;
	char **env;  /* the environment of Slurm's commands */
	char *self;  /* the runlens the nodes run */
	struct scmd *query;
	int qgen, qcursor;
	int64_t last_query, down_since, last_scan;
	struct scmd **cancels;
	int ncancels, ccap;
	struct pollfd *fds;
	int nfds_cap;
	struct graces g;
	/* what the last reaped job leaves for the caller */
	char *last_why, *last_id, *last_state, *last_reason, *last_node, *last_name,
		*last_dir;
};

static void set_str(char **dst, const char *src)
{
	if ((!*dst && !src) || (*dst && src && !strcmp(*dst, src)))
		return;
	free(*dst);
	*dst = src && *src ? strdup(src) : NULL;
}

static int grace(const char *name, int def)
{
	char var[64];
	snprintf(var, sizeof var, "RUNLENS_SLURM_%s_MS", name);
	const char *v = getenv(var);
	long n = v && *v ? strtol(v, NULL, 10) : def;
	return n > 0 && n < 86400000 ? (int)n : def;
}

static void read_graces(struct graces *g)
{
	g->poll = grace("POLL", 1000);
	g->status = grace("STATUS", 100);
	g->query = grace("QUERY", 60000);
	g->end = grace("END", 10000);
	g->never = grace("NEVER_START", 60000);
	g->vanish = grace("VANISH", 60000);
	g->down = grace("DOWN", 600000);
	g->retry = grace("RETRY", 2000);
}

/* What Slurm's commands get: its own variables and the few a program
 * expects, nothing of runlens or of the steps. */
static char **slurm_env(void)
{
	static const char *const keep[] = { "PATH=", "HOME=", "USER=", "LOGNAME=", "LANG=",
					    "LC_", "TZ=", "TMPDIR=", "SLURM_", NULL };
	int n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	char **v = calloc((size_t)n + 1, sizeof(char *));
	int k = 0;
	for (char **e = environ; v && e && *e; e++)
		for (int i = 0; keep[i]; i++)
			if (!strncmp(*e, keep[i], strlen(keep[i]))) {
				v[k++] = strdup(*e);
				break;
			}
	return v;
}

static int slurm_open(struct executor **out, struct rl_err *err)
{
	struct executor *ex = calloc(1, sizeof(*ex));
	if (!ex)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	const char *self = getenv("RUNLENS_SLURM_RUNLENS");
	ex->self = strdup(self && *self ? self : launch_self());
	ex->env = slurm_env();
	read_graces(&ex->g);
	if (!ex->self || !ex->env) {
		free(ex->self);
		slurm_strv_free(ex->env);
		free(ex);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	*out = ex;
	return 0;
}

static struct sjob *job_of(struct executor *ex, int64_t id)
{
	for (int i = 0; id > 0 && i < ex->njobs; i++)
		if (ex->jobs[i].id == id)
			return &ex->jobs[i];
	return NULL;
}

static struct sjob *job_slot(struct executor *ex)
{
	for (int i = 0; i < ex->njobs; i++)
		if (!ex->jobs[i].id)
			return &ex->jobs[i];
	if (ex->njobs == ex->cap) {
		int ncap = ex->cap ? ex->cap * 2 : 16;
		struct sjob *p = realloc(ex->jobs, (size_t)ncap * sizeof(*p));
		if (!p)
			return NULL;
		ex->jobs = p;
		ex->cap = ncap;
	}
	struct sjob *j = &ex->jobs[ex->njobs++];
	memset(j, 0, sizeof *j);
	return j;
}

/* DIR/NAME removed (the job file holds secrets; a retry in the same
 * folder must not see an old status). */
static void remove_in(const char *dir, const char *name)
{
	char *p = dir ? fs_join(dir, name) : NULL;
	if (p)
		unlink(p);
	free(p);
}

static void job_release(struct sjob *j)
{
	remove_in(j->dir, JOBFILE_JOB);
	scmd_free(&j->submit);
	slurm_strv_free(j->sbatch);
	free(j->name);
	free(j->dir);
	free(j->jobid);
	free(j->state);
	free(j->reason);
	free(j->node);
	free(j->why);
	exit_status_clear(&j->st);
	memset(j, 0, sizeof *j);
}

/* The job is over: WHY (taken; may be NULL) and its exit status. */
static void end_job(struct sjob *j, int exit_code, int sig, char *why)
{
	j->phase = J_ENDED;
	j->res = (struct exec_result){ .job = j->id, .exit_code = sig ? -1 : exit_code,
				       .signal = sig };
	free(j->why);
	j->why = why;
	scmd_free(&j->submit);
	remove_in(j->dir, JOBFILE_JOB);
}

/* ------------------------------------------------------------------ */
/* Submitting                                                          */

static int submit_now(struct executor *ex, struct sjob *j, struct rl_err *err)
{
	j->adopting = 0;
	j->waiting = 0;
	j->tries++;
	j->retry_at = 0;
	return scmd_start(&j->submit, j->sbatch, ex->env, ex->g.query, err);
}

/* One sbatch at a time, in the order the runner started the jobs: Slurm
 * queues them in that order, and the controller gets one request at a
 * time from a run (sbatch takes a few ms). */
static void submit_next(struct executor *ex)
{
	struct sjob *next = NULL;
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (j->id && j->submit && !j->adopting)
			return; /* one is on its way */
		if (j->id && j->waiting && (!next || j->id < next->id))
			next = j;
	}
	if (next && submit_now(ex, next, NULL) < 0)
		end_job(next, -1, 0, buf_format("Slurm refused the job: sbatch could not be run"));
}

/* The logs exist (empty) from the start, as with every executor: a
 * pending job's logs can be followed, and job-exec truncates them again. */
static int create_logs(const struct exec_request *req, struct rl_err *err)
{
	const char *logs[2] = { req->stdout_path, req->stderr_path };
	for (int k = 0; k < 2; k++) {
		int fd = open(logs[k], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return rl_err_set(err, RL_E_FAIL, "cannot write '%s': %s", logs[k],
					  strerror(errno));
		close(fd);
	}
	return 0;
}

static int slurm_start(struct executor *ex, const struct exec_request *req, int64_t *job,
		       struct rl_err *err)
{
	char *prog = NULL;
	/* the submit host and the nodes share the filesystem: what cannot
	 * start here would not start there */
	if (exec_check_start(req, &prog, err) < 0)
		return -1;
	free(prog);
	struct sjob *j = job_slot(ex);
	if (!j)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	j->dir = req->job_dir ? strdup(req->job_dir) : fs_dirname(req->stdout_path);
	j->name = strdup(req->name ? req->name : "rl-job");
	if (!j->dir || !j->name || !(j->sbatch = slurm_sbatch_argv(req, j->dir, ex->self))) {
		job_release(j);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	remove_in(j->dir, JOBFILE_STATUS);
	remove_in(j->dir, JOBFILE_OUT);
	j->id = ++ex->next_id;
	if (create_logs(req, err) < 0 || jobfile_write(j->dir, req, err) < 0) {
		job_release(j);
		return -1;
	}
	j->phase = J_SUBMIT;
	j->waiting = 1;
	*job = j->id;
	submit_next(ex);
	return 0;
}

/* The first line of TEXT (malloc'd), trimmed. */
static char *first_line(const struct buf *b)
{
	const char *t = b->data ? b->data : "";
	while (*t == '\n' || *t == ' ')
		t++;
	size_t n = strcspn(t, "\n");
	while (n > 0 && (t[n - 1] == '\r' || t[n - 1] == ' '))
		n--;
	return strndup(t, n);
}

/* Would trying again help?  (The controller did not answer; Slurm's
 * words for it.) */
static int transient(const struct scmd *c, const char *msg)
{
	static const char *const words[] = { "timed out", "Unable to contact",
					     "Connection refused", "Zero Bytes",
					     "temporarily", "try again", "Socket", NULL };
	if (c->timed_out)
		return 1;
	for (int i = 0; words[i]; i++)
		if (strstr(msg, words[i]))
			return 1;
	return 0;
}

static void queued(struct sjob *j, const char *id)
{
	set_str(&j->jobid, id);
	set_str(&j->state, "PENDING");
	j->phase = J_QUEUED;
	j->changed = 1;
	scmd_free(&j->submit);
}

/* sbatch of J ended: queued, to be tried again, or refused. */
static void submitted(struct executor *ex, struct sjob *j, int64_t now)
{
	struct scmd *c = j->submit;
	char *line = first_line(c->status == 0 ? &c->out : &c->err);
	if (c->status == 0 && line && line[0] >= '0' && line[0] <= '9') {
		line[strspn(line, "0123456789")] = '\0'; /* "ID;CLUSTER" */
		queued(j, line);
	} else if (line && transient(c, line) && j->tries < SUBMIT_TRIES) {
		/* sbatch may have submitted all the same: look for the job by
		 * name before trying again */
		scmd_free(&j->submit);
		j->retry_at = now + (int64_t)ex->g.retry * j->tries;
	} else {
		end_job(j, -1, 0,
			buf_format("Slurm refused the job: %s",
				line && *line ? line : c->timed_out ? "sbatch did not answer"
								     : "sbatch failed"));
	}
	free(line);
}

/* The look-up by name before a retry ended: adopt what sbatch made, or
 * submit again. */
static void looked_up(struct executor *ex, struct sjob *j)
{
	struct scmd *c = j->submit;
	char *text = c->status == 0 && c->out.data ? c->out.data : NULL;
	for (char *l = text ? strtok(text, "\n") : NULL; l; l = strtok(NULL, "\n")) {
		struct slurm_row row;
		if (slurm_parse_row(l, &row) == 0 && slurm_row_is(&row, j->name, j->dir)) {
			queued(j, row.id);
			return;
		}
	}
	scmd_free(&j->submit);
	j->waiting = 1;
}

static void retry_submits(struct executor *ex, int64_t now)
{
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id || j->phase != J_SUBMIT || j->submit || !j->retry_at || now < j->retry_at)
			continue;
		char *arg = buf_format("--name=%s", j->name);
		char *argv[] = { "squeue", "-h", "-t", "all", arg, "-o", SLURM_SQUEUE_FORMAT, NULL };
		j->adopting = 1;
		j->retry_at = 0;
		if (!arg || scmd_start(&j->submit, argv, ex->env, ex->g.query, NULL) < 0) {
			j->adopting = 0;
			j->waiting = 1;
		}
		free(arg);
	}
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */

static void slurm_signal(struct executor *ex, int64_t id, int sig)
{
	struct sjob *j = job_of(ex, id);
	if (!j || j->phase == J_ENDED || sig <= 0)
		return;
	if (!j->sig || sig == SIGKILL)
		j->sig = sig;
	if (j->phase == J_SUBMIT && !j->submit && (j->waiting || j->retry_at)) {
		/* waiting to be submitted again: it never will be */
		j->sent = sig;
		end_job(j, -1, sig, NULL);
	}
}

static void run_cancel(struct executor *ex, char **argv)
{
	struct scmd *c = NULL;
	if (scmd_start(&c, argv, ex->env, ex->g.query, NULL) < 0)
		return;
	if (ex->ncancels == ex->ccap) {
		int ncap = ex->ccap ? ex->ccap * 2 : 8;
		struct scmd **p = realloc(ex->cancels, (size_t)ncap * sizeof(*p));
		if (!p) {
			scmd_free(&c);
			return;
		}
		ex->cancels = p;
		ex->ccap = ncap;
	}
	ex->cancels[ex->ncancels++] = c;
}

/* The ids of queued jobs that asked for SIG, comma-separated (NULL:
 * none); they count as sent. */
static char *ids_asking(struct executor *ex, int sig)
{
	struct buf ids = BUF_INIT;
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id || j->phase != J_QUEUED || j->sig != sig)
			continue;
		buf_printf(&ids, "%s%s", ids.len ? "," : "", j->jobid);
		j->sig = 0;
		if (j->sent != SIGKILL)
			j->sent = sig;
	}
	return buf_steal(&ids);
}

static void deliver_signals(struct executor *ex)
{
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id || j->phase != J_QUEUED || !j->sig)
			continue;
		int sig = j->sig;
		char *ids = ids_asking(ex, sig);
		char *s = buf_format("--signal=%d", sig);
		if (ids && s) {
			/* one call for all running jobs; the pending ones are
			 * cancelled (a signal would wait for them to start) */
			char *run[] = { "scancel", "--full", s, "--state=RUNNING", ids, NULL };
			char *pend[] = { "scancel", "--state=PENDING", ids, NULL };
			run_cancel(ex, run);
			run_cancel(ex, pend);
		}
		free(ids);
		free(s);
	}
}

/* ------------------------------------------------------------------ */
/* Watching                                                            */

static void maybe_query(struct executor *ex, int64_t now)
{
	if (ex->query || now - ex->last_query < ex->g.poll)
		return;
	struct buf ids = BUF_INIT;
	int n = 0, gen = ++ex->qgen;
	for (int k = 0; k < ex->njobs && n < QUERY_MAX_JOBS; k++) {
		struct sjob *j = &ex->jobs[(ex->qcursor + k) % ex->njobs];
		if (!j->id || j->phase != J_QUEUED)
			continue;
		buf_printf(&ids, "%s%s", n++ ? "," : "", j->jobid);
		j->qgen = gen;
	}
	if (ex->njobs)
		ex->qcursor = (ex->qcursor + QUERY_MAX_JOBS) % ex->njobs;
	if (n > 0 && ids.data) {
		char *argv[] = { "squeue", "-h", "-t", "all", "-j", ids.data,
				 "-o", SLURM_SQUEUE_FORMAT, NULL };
		if (scmd_start(&ex->query, argv, ex->env, ex->g.query, NULL) == 0)
			ex->last_query = now;
	}
	buf_free(&ids);
}

/* Slurm's answer for J (ROW NULL: it does not know the job). */
static void observe(struct sjob *j, const struct slurm_row *row, int64_t now)
{
	if (row && !slurm_row_is(row, j->name, j->dir))
		row = NULL; /* the id is another job's now */
	if (!row) {
		if (!j->missing_since)
			j->missing_since = now;
		return;
	}
	j->missing_since = 0;
	const struct slurm_state *s = slurm_state_of(row->state);
	const char *reason = s->phase == SLURM_WAITING && strcmp(row->reason, "None") ? row->reason
										  : NULL;
	const char *node = *row->node && strcmp(row->node, "(null)") ? row->node : NULL;
	int was = j->changed;
	j->changed = 1;
	if (j->state && !strcmp(j->state, row->state) &&
	    (!j->reason == !reason && (!reason || !strcmp(j->reason, reason))) &&
	    (!j->node == !node && (!node || !strcmp(j->node, node))))
		j->changed = was;
	set_str(&j->state, row->state);
	set_str(&j->reason, reason);
	if (node)
		set_str(&j->node, node);
	if (s->phase == SLURM_ACTIVE)
		j->seen_active = 1;
	j->bad_since = s->phase == SLURM_WAITING && slurm_never_starts(reason)
			       ? (j->bad_since ? j->bad_since : now)
			       : 0;
	if (s->phase == SLURM_OVER && !j->over_since)
		j->over_since = now;
}

static int cmp_row_id(const void *a, const void *b)
{
	long long x = strtoll(((const struct slurm_row *)a)->id, NULL, 10);
	long long y = strtoll(((const struct slurm_row *)b)->id, NULL, 10);
	return x < y ? -1 : x > y;
}

/* The rows of squeue's output TEXT (split in place), sorted by id. */
static struct slurm_row *rows_of(char *text, int *n)
{
	int cap = 16;
	struct slurm_row *rows = malloc((size_t)cap * sizeof(*rows));
	*n = 0;
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; rows && l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			struct slurm_row *p = realloc(rows, (size_t)(cap *= 2) * sizeof(*p));
			if (!p)
				break;
			rows = p;
		}
		if (slurm_parse_row(l, &rows[*n]) == 0)
			(*n)++;
	}
	if (rows)
		qsort(rows, (size_t)*n, sizeof(*rows), cmp_row_id);
	return rows;
}

static void queried(struct executor *ex, int64_t now)
{
	struct scmd *c = ex->query;
	/* one unknown id alone is an error; in a list it is left out */
	int ok = c->status == 0 || (!c->timed_out && c->err.data &&
				    strstr(c->err.data, "Invalid job id"));
	if (!ok) {
		if (!ex->down_since)
			ex->down_since = now;
		scmd_free(&ex->query);
		return;
	}
	ex->down_since = 0;
	int n = 0;
	struct slurm_row *rows = rows_of(c->status == 0 ? c->out.data : NULL, &n);
	for (int i = 0; rows && i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id || j->phase != J_QUEUED || j->qgen != ex->qgen)
			continue;
		struct slurm_row key = { .id = j->jobid };
		struct slurm_row *r = bsearch(&key, rows, (size_t)n, sizeof(*rows), cmp_row_id);
		observe(j, r, now);
	}
	free(rows);
	scmd_free(&ex->query);
}

/* The exit_status files are looked for every STATUS_MS, but at most
 * about one a millisecond in all: on a network filesystem each look is a
 * round trip, and a thousand jobs in flight must not make a storm. */
static int scan_every(const struct executor *ex)
{
	int queued = 0;
	for (int i = 0; i < ex->njobs; i++)
		queued += ex->jobs[i].id && ex->jobs[i].phase == J_QUEUED;
	return queued > ex->g.status ? queued : ex->g.status;
}

static void scan_status(struct executor *ex, int64_t now)
{
	if (now - ex->last_scan < scan_every(ex))
		return;
	ex->last_scan = now;
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id || j->phase != J_QUEUED || j->have_status)
			continue;
		int r = exit_status_read(j->dir, &j->st);
		if (r == 0)
			continue;
		if (r < 0) {
			j->st = (struct exit_status){ .exit_code = -1 };
			j->st.error = buf_format("the job's exit_status in %s cannot be read", j->dir);
		}
		j->have_status = 1;
		j->seen_active = 1;
		/* killed: by whom?  Slurm may say (out of memory) */
		j->hold_until = now + ex->g.end;
	}
}

/* ------------------------------------------------------------------ */
/* Judging: has a queued job ended, and how                            */

static void end_by_status(struct sjob *j)
{
	const struct slurm_state *s = slurm_state_of(j->state);
	char *why = j->st.error ? strdup(j->st.error) : NULL;
	if (!why && j->st.signal == SIGKILL && j->sent != SIGKILL && s->phase == SLURM_OVER &&
	    s->signal == SIGKILL)
		why = buf_format("%s (Slurm job %s: %s)", s->what, j->jobid, j->state);
	int log_error = j->st.log_error;
	/* Slurm turns a KILL into a cancel (TERM, KillWait, KILL): the
	 * runner asked for KILL, and a step that did not end by itself was
	 * killed by it */
	int sig = j->sent == SIGKILL && j->st.signal ? SIGKILL : j->st.signal;
	/* ended before Slurm said so: what it will say of that exit */
	if (s->phase != SLURM_OVER) {
		set_str(&j->state, j->st.exit_code == 0 && !sig ? "COMPLETED" : "FAILED");
		set_str(&j->reason, NULL);
	}
	if (j->st.node)
		set_str(&j->node, j->st.node);
	end_job(j, j->st.exit_code, sig, why);
	j->res.log_error = log_error;
}

/* Slurm says it ended and no exit_status came. */
static void end_by_state(struct sjob *j, const char *self)
{
	const struct slurm_state *s = slurm_state_of(j->state);
	if (j->sent) { /* the runner stopped it: it says why */
		end_job(j, -1, j->sent, NULL);
		return;
	}
	char *why;
	if (!strcmp(j->state, "FAILED") && j->reason && !strcmp(j->reason, "JobLaunchFailure"))
		why = buf_format("Slurm could not launch job %s%s%s (JobLaunchFailure): is %s "
			      "installed on the node and the store on a filesystem it shares?",
			      j->jobid, j->node ? " on " : "", j->node ? j->node : "", self);
	else
		why = buf_format("%s (Slurm job %s: %s), and runlens job-exec left no exit status",
			      s->what ? s->what : "the job ended", j->jobid, j->state);
	end_job(j, -1, s->signal, why);
}

static void judge(struct executor *ex, struct sjob *j, int64_t now)
{
	const struct slurm_state *s = slurm_state_of(j->state);
	const struct graces *g = &ex->g;
	if (j->have_status) {
		int killed = j->st.signal == SIGKILL && j->sent != SIGKILL;
		if (!killed || s->phase == SLURM_OVER || now >= j->hold_until)
			end_by_status(j);
	} else if (j->over_since && (now - j->over_since >= g->end || (j->sent && !j->seen_active) ||
				     j->sent == SIGKILL)) {
		/* no exit status is waited for when the runner killed the job
		 * (job-exec went with it): the attempt ends when it did, not
		 * RUNLENS_SLURM_END_MS later */
		end_by_state(j, ex->self);
	} else if (j->bad_since && now - j->bad_since >= g->never) {
		char *argv[] = { "scancel", j->jobid, NULL };
		run_cancel(ex, argv);
		end_job(j, -1, 0,
			buf_format("Slurm cannot start job %s: %s — %s", j->jobid, j->reason,
				slurm_never_starts(j->reason)));
	} else if (j->missing_since && now - j->missing_since >= g->vanish) {
		end_job(j, -1, j->sent,
			j->sent ? NULL
				: buf_format("Slurm job %s vanished: Slurm no longer knows it and it "
					  "left no exit status",
					  j->jobid));
	} else if (ex->down_since && now - ex->down_since >= g->down) {
		end_job(j, -1, 0,
			buf_format("the Slurm controller did not answer for %d s; job %s is "
				"left to itself",
				g->down / 1000, j->jobid));
	}
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */

static int gather_fds(struct executor *ex, int wake_fd)
{
	int want = 2 + 2 * (ex->njobs + ex->ncancels + 1);
	if (want > ex->nfds_cap) {
		struct pollfd *p = realloc(ex->fds, (size_t)want * sizeof(*p));
		if (!p)
			return -1;
		ex->fds = p;
		ex->nfds_cap = want;
	}
	int n = 0;
	if (wake_fd >= 0)
		ex->fds[n++] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	n += scmd_pollfds(ex->query, ex->fds + n);
	for (int i = 0; i < ex->ncancels; i++)
		n += scmd_pollfds(ex->cancels[i], ex->fds + n);
	for (int i = 0; i < ex->njobs; i++)
		n += scmd_pollfds(ex->jobs[i].submit, ex->fds + n);
	return n;
}

/* How long wait() may sleep: never past what is due. */
static int nap(const struct executor *ex, int timeout_ms, int64_t now)
{
	int64_t t = timeout_ms;
	int queued = 0, lingering = 0;
	for (int i = 0; i < ex->njobs; i++) {
		const struct sjob *j = &ex->jobs[i];
		queued |= j->id && j->phase == J_QUEUED;
		lingering |= j->submit && j->submit->fd[0] < 0 && j->submit->fd[1] < 0;
		if (j->id && j->phase == J_SUBMIT && j->retry_at && j->retry_at - now < t)
			t = j->retry_at - now;
	}
	if (queued && ex->g.status < t)
		t = ex->g.status;
	if (queued && !ex->query && ex->last_query + ex->g.poll - now < t)
		t = ex->last_query + ex->g.poll - now;
	for (int i = 0; i < ex->ncancels; i++)
		lingering |= ex->cancels[i]->fd[0] < 0 && ex->cancels[i]->fd[1] < 0;
	if (ex->query && ex->query->fd[0] < 0 && ex->query->fd[1] < 0)
		lingering = 1;
	if (lingering && t > 5)
		t = 5;
	return t < 0 ? 0 : (int)t;
}

static void pump_children(struct executor *ex, int64_t now)
{
	if (ex->query && scmd_pump(ex->query))
		queried(ex, now);
	for (int i = 0; i < ex->ncancels;)
		if (scmd_pump(ex->cancels[i])) {
			scmd_free(&ex->cancels[i]);
			ex->cancels[i] = ex->cancels[--ex->ncancels];
		} else {
			i++;
		}
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id || !j->submit || !scmd_pump(j->submit))
			continue;
		if (j->adopting)
			looked_up(ex, j);
		else
			submitted(ex, j, now);
	}
	submit_next(ex);
}

static int slurm_wait(struct executor *ex, int timeout_ms, int wake_fd, struct rl_err *err)
{
	int64_t now = time_mono_ms();
	deliver_signals(ex);
	retry_submits(ex, now);
	maybe_query(ex, now);
	int n = gather_fds(ex, wake_fd);
	if (n < 0)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (poll(ex->fds, (nfds_t)n, nap(ex, timeout_ms, now)) < 0 && errno != EINTR)
		return rl_err_set(err, RL_E_IO, "poll: %s", strerror(errno));
	now = time_mono_ms();
	pump_children(ex, now);
	scan_status(ex, now);
	for (int i = 0; i < ex->njobs; i++)
		if (ex->jobs[i].id && ex->jobs[i].phase == J_QUEUED)
			judge(ex, &ex->jobs[i], now);
	deliver_signals(ex); /* a job cancelled for a reason that never clears */
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reaping, describing, closing                                        */

static void fill_status(const struct sjob *j, struct exec_status *st)
{
	const struct slurm_state *s = slurm_state_of(j->state);
	*st = (struct exec_status){
		.flavor = "slurm", .job_id = j->jobid, .name = j->name, .state = j->state,
		.reason = s->phase == SLURM_WAITING ? j->reason : NULL, .node = j->node,
		.dir = j->dir, .active = j->seen_active || j->have_status,
	};
}

static int slurm_reap(struct executor *ex, struct exec_result *res)
{
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id || j->phase != J_ENDED)
			continue;
		*res = j->res;
		/* what the caller may read until the next reap */
		char **keep[] = { &ex->last_why, &ex->last_id, &ex->last_state, &ex->last_reason,
				  &ex->last_node, &ex->last_name, &ex->last_dir };
		char **from[] = { &j->why, &j->jobid, &j->state, &j->reason,
				  &j->node, &j->name, &j->dir };
		remove_in(j->dir, JOBFILE_JOB);
		for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
			free(*keep[k]);
			*keep[k] = *from[k];
			*from[k] = NULL;
		}
		res->why = ex->last_why;
		res->status = (struct exec_status){
			.flavor = "slurm", .job_id = ex->last_id, .name = ex->last_name,
			.state = ex->last_state, .reason = ex->last_reason, .node = ex->last_node,
			.dir = ex->last_dir,
		};
		job_release(j);
		return 1;
	}
	return 0;
}

static int slurm_describe(struct executor *ex, int64_t id, struct exec_status *st)
{
	struct sjob *j = job_of(ex, id);
	if (!j)
		return -1;
	fill_status(j, st);
	int changed = j->changed;
	j->changed = 0;
	return changed;
}

/* Cancel every job still there, in one call (bounded in time); sbatch
 * children in flight are given their time first, so what they submit is
 * cancelled too. */
static void cancel_all(struct executor *ex)
{
	int64_t until = time_mono_ms() + ex->g.query;
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		while (j->id && j->submit && !j->adopting && !scmd_pump(j->submit) &&
		       time_mono_ms() < until)
			poll(NULL, 0, 5);
		if (j->id && j->submit && j->submit->done && !j->adopting)
			submitted(ex, j, time_mono_ms());
	}
	struct buf ids = BUF_INIT;
	for (int i = 0; i < ex->njobs; i++)
		if (ex->jobs[i].id && ex->jobs[i].phase == J_QUEUED)
			buf_printf(&ids, "%s%s", ids.len ? "," : "", ex->jobs[i].jobid);
	if (ids.data) {
		char *argv[] = { "scancel", ids.data, NULL };
		struct scmd *c = NULL;
		scmd_run(&c, argv, ex->env, ex->g.query, NULL);
		scmd_free(&c);
	}
	buf_free(&ids);
}

static void slurm_close(struct executor **pex)
{
	if (!pex || !*pex)
		return;
	struct executor *ex = *pex;
	cancel_all(ex);
	for (int i = 0; i < ex->njobs; i++)
		if (ex->jobs[i].id)
			job_release(&ex->jobs[i]);
	scmd_free(&ex->query);
	for (int i = 0; i < ex->ncancels; i++) {
		/* let the signals already on their way arrive */
		struct scmd *c = ex->cancels[i];
		int64_t until = time_mono_ms() + 2000;
		while (!scmd_pump(c) && time_mono_ms() < until)
			poll(NULL, 0, 5);
		scmd_free(&ex->cancels[i]);
	}
	free(ex->cancels);
	free(ex->jobs);
	free(ex->fds);
	free(ex->self);
	slurm_strv_free(ex->env);
	char *keep[] = { ex->last_why, ex->last_id, ex->last_state, ex->last_reason,
			 ex->last_node, ex->last_name, ex->last_dir };
	for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++)
		free(keep[k]);
	free(ex);
	*pex = NULL;
}

/* ------------------------------------------------------------------ */
/* A dead runner's jobs                                                */

static int slurm_cancel_recorded(char *const *recorded, int n, char **state,
				 struct rl_err *err)
{
	struct executor *ex = NULL;
	for (int i = 0; i < n; i++)
		state[i] = NULL;
	if (slurm_open(&ex, err) < 0)
		return -1;
	ex->g.query = grace("CANCEL", 20000);
	/* ours again, as queued jobs: their ids and names (our id of job i
	 * in slot[i], 0 for one that cannot be looked for) */
	int64_t *slot = calloc((size_t)n + 1, sizeof *slot);
	for (int i = 0; i < n; i++) {
		cJSON *o = cJSON_Parse(recorded[i]);
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "job_id");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
		const cJSON *dir = cJSON_GetObjectItemCaseSensitive(o, "dir");
		struct sjob *j = cJSON_IsString(id) && cJSON_IsString(name) ? job_slot(ex) : NULL;
		if (j) {
			j->id = ++ex->next_id;
			j->phase = J_QUEUED;
			j->jobid = strdup(id->valuestring);
			j->name = strdup(name->valuestring);
			j->dir = cJSON_IsString(dir) ? strdup(dir->valuestring) : NULL;
			if (slot)
				slot[i] = j->id;
		}
		if (cJSON_IsString(dir)) /* a pending job's file holds secrets */
			remove_in(dir->valuestring, JOBFILE_JOB);
		cJSON_Delete(o);
	}
	/* which of them are still there, under the same name */
	ex->last_query = -ex->g.poll;
	maybe_query(ex, 0);
	while (ex->query && !scmd_pump(ex->query))
		poll(NULL, 0, 5);
	int cancelled = 0;
	if (ex->query)
		queried(ex, time_mono_ms());
	/* no answer: the names cannot be checked, so nothing is cancelled
	 * (an id alone may be another job's by now) */
	int unchecked = ex->down_since || !ex->qgen;
	for (int i = 0; i < ex->njobs; i++) {
		struct sjob *j = &ex->jobs[i];
		if (!j->id)
			continue;
		int over = !unchecked && !j->missing_since && j->state &&
			   slurm_state_of(j->state)->phase == SLURM_OVER;
		for (int k = 0; slot && k < n && !unchecked; k++)
			if (slot[k] == j->id && !j->missing_since)
				/* it ended on its own (COMPLETED…): said so, not
				 * CANCELLED; else it is cancelled now */
				state[k] = strdup(over ? j->state : "CANCELLED");
		if (unchecked || j->missing_since || over)
			j->phase = J_ENDED; /* gone, another's, over, or unknown */
		else
			cancelled++;
	}
	free(slot);
	int down = unchecked && n > 0;
	slurm_close(&ex); /* cancels the ones still queued */
	if (down)
		return rl_err_set(err, RL_E_FAIL, "Slurm did not answer: the jobs of the run "
				  "were not cancelled");
	return cancelled;
}

const struct executor_ops executor_slurm = {
	.flavor = "slurm",
	.open = slurm_open,
	.start = slurm_start,
	.signal = slurm_signal,
	.wait = slurm_wait,
	.reap = slurm_reap,
	.close = slurm_close,
	.describe = slurm_describe,
	.cancel_recorded = slurm_cancel_recorded,
	.places_jobs = 1,
};
