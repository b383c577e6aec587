/* core/exec/fake.c — an in-memory executor, for tests and as the
 * starting point of a new executor.
 *
 * It starts no process.  start() checks what every executor checks (the
 * folder, the program: core/exec/program.c), then the job's arguments are
 * played as the job language of core/exec/script.h, in this process, with
 * real time for sleep: a job `["true", "out:hi\n", "sleep:50", "exit:3"]`
 * writes "hi" to its stdout log, waits 50 ms and exits 3.  Its output goes
 * through a capture like every executor's, so masking is the same.
 */
#include "config.h"
#include "core/exec/executor.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec/capture.h"
#include "core/exec/script.h"
#include "util/timeutil.h"

enum fake_state { FJ_FREE, FJ_READY, FJ_SLEEPING, FJ_HANGING, FJ_ENDED };

struct fake_job {
	enum fake_state state;
	int64_t id;
	char **argv, **envp;
	char *cwd;
	struct script script;
	struct capture *cap;
	int64_t wake_at; /* FJ_SLEEPING: monotonic ms */
	int64_t ended_at; /* when it ended, in the job's own time */
	int exit_code, signal;
};

struct executor {
	struct fake_job *jobs;
	int njobs, cap;
	int64_t next_id;
};

static char **strv_dup(char *const *v)
{
	int n = 0;
	while (v && v[n])
		n++;
	char **c = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; c && i < n; i++)
		if (!(c[i] = strdup(v[i]))) {
			for (int k = 0; k < i; k++)
				free(c[k]);
			free(c);
			return NULL;
		}
	return c;
}

static void strv_free(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void job_clear(struct fake_job *j)
{
	strv_free(j->argv);
	strv_free(j->envp);
	free(j->cwd);
	capture_free(&j->cap);
	memset(j, 0, sizeof *j);
}

static int fake_open(struct executor **out, struct rl_err *err)
{
	struct executor *ex = calloc(1, sizeof(*ex));
	if (!ex)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	*out = ex;
	return 0;
}

static struct fake_job *slot(struct executor *ex)
{
	for (int i = 0; i < ex->njobs; i++)
		if (ex->jobs[i].state == FJ_FREE)
			return &ex->jobs[i];
	if (ex->njobs == ex->cap) {
		int ncap = ex->cap ? ex->cap * 2 : 8;
		struct fake_job *p = realloc(ex->jobs, (size_t)ncap * sizeof(*p));
		if (!p)
			return NULL;
		ex->jobs = p;
		ex->cap = ncap;
	}
	struct fake_job *j = &ex->jobs[ex->njobs++];
	memset(j, 0, sizeof *j);
	return j;
}

static int fake_start(struct executor *ex, const struct exec_request *req,
		      int64_t *job, struct rl_err *err)
{
	char *prog = NULL;
	if (exec_check_start(req, &prog, err) < 0)
		return -1;
	free(prog);
	struct fake_job *j = slot(ex);
	if (!j)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	j->argv = strv_dup(req->argv);
	j->envp = strv_dup(req->envp);
	j->cwd = strdup(req->cwd ? req->cwd : ".");
	if (!j->argv || !j->envp || !j->cwd) {
		job_clear(j);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	if (capture_open(&j->cap, CAPTURE_FOR_WRITES, req->stdout_path, req->stderr_path,
			 req->mask, req->nmask, NULL, NULL, err) < 0) {
		job_clear(j);
		return -1;
	}
	j->script = (struct script){ .argv = j->argv, .next = 1 };
	j->id = ++ex->next_id;
	j->state = FJ_READY;
	*job = j->id;
	return 0;
}

static int host_write(void *ctx, int stream, const char *data, size_t n)
{
	return capture_write(((struct fake_job *)ctx)->cap, stream, data, n);
}

static const char *host_getenv(void *ctx, const char *name)
{
	size_t n = strlen(name);
	for (char **e = ((struct fake_job *)ctx)->envp; *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static const char *host_cwd(void *ctx)
{
	return ((struct fake_job *)ctx)->cwd;
}

static void end(struct fake_job *j, int exit_code, int sig, int64_t at)
{
	j->state = FJ_ENDED;
	j->ended_at = at;
	j->exit_code = exit_code;
	j->signal = sig;
}

/* Play the jobs that are due until each stops or waits. */
static void play(struct executor *ex, int64_t now)
{
	for (int i = 0; i < ex->njobs; i++) {
		struct fake_job *j = &ex->jobs[i];
		/* a job that slept goes on at the time it woke, whenever this
		 * loop notices: its end time does not depend on the load */
		int64_t at = now;
		if (j->state == FJ_SLEEPING && now >= j->wake_at) {
			j->state = FJ_READY;
			at = j->wake_at;
		}
		if (j->state != FJ_READY)
			continue;
		struct script_host h = { j, host_write, host_getenv, host_cwd };
		int v = 0;
		switch (script_run(&j->script, &h, &v)) {
		case SCRIPT_EXIT:
			end(j, v, 0, at);
			break;
		case SCRIPT_SIGNAL:
			end(j, -1, v, at);
			break;
		case SCRIPT_SLEEP:
			j->state = FJ_SLEEPING;
			j->wake_at = at + v;
			i--; /* it may be due already */
			break;
		case SCRIPT_HANG:
			j->state = FJ_HANGING;
			break;
		}
	}
}

static void fake_signal(struct executor *ex, int64_t job, int sig)
{
	for (int i = 0; i < ex->njobs; i++) {
		struct fake_job *j = &ex->jobs[i];
		if (j->id == job && j->state != FJ_FREE && j->state != FJ_ENDED && sig)
			end(j, -1, sig, time_mono_ms());
	}
}

static int fake_wait(struct executor *ex, int timeout_ms, int wake_fd, struct rl_err *err)
{
	(void)err;
	int64_t now = time_mono_ms();
	play(ex, now);
	int64_t until = now + (timeout_ms < 0 ? 0 : timeout_ms);
	for (int i = 0; i < ex->njobs; i++) {
		const struct fake_job *j = &ex->jobs[i];
		if (j->state == FJ_ENDED)
			return 0; /* something to reap now */
		if (j->state == FJ_SLEEPING && j->wake_at < until)
			until = j->wake_at;
	}
	struct pollfd p = { .fd = wake_fd, .events = POLLIN };
	poll(&p, wake_fd >= 0 ? 1 : 0, (int)(until - now));
	play(ex, time_mono_ms());
	return 0;
}

/* Jobs are reaped in the order they ended. */
static int fake_reap(struct executor *ex, struct exec_result *res)
{
	struct fake_job *j = NULL;
	for (int i = 0; i < ex->njobs; i++)
		if (ex->jobs[i].state == FJ_ENDED && (!j || ex->jobs[i].ended_at < j->ended_at))
			j = &ex->jobs[i];
	if (j) {
		*res = (struct exec_result){ 0 };
		res->job = j->id;
		res->exit_code = j->exit_code;
		res->signal = j->signal;
		capture_pump(j->cap, 1);
		res->log_error = capture_error(j->cap);
		job_clear(j); /* flushes and closes the logs */
		return 1;
	}
	return 0;
}

static void fake_close(struct executor **pex)
{
	if (!pex || !*pex)
		return;
	struct executor *ex = *pex;
	for (int i = 0; i < ex->njobs; i++)
		job_clear(&ex->jobs[i]);
	free(ex->jobs);
	free(ex);
	*pex = NULL;
}

const struct executor_ops executor_fake = {
	.flavor = "fake",
	.open = fake_open,
	.start = fake_start,
	.signal = fake_signal,
	.wait = fake_wait,
	.reap = fake_reap,
	.close = fake_close,
};
