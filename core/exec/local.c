/* core/exec/local.c — the local executor: each job a child process in its
 * own process group, started with posix_spawn (vfork-fast), its output
 * through a capture (core/exec/capture.h); ends are noticed through
 * SIGCHLD and a self-pipe. */
#include "config.h"
#include "core/exec/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "core/exec/capture.h"
#include "util/buf.h"
#include "core/exec/watchdog.h"

/* What a job left running is given after SIGTERM when the runner died. */
#define WATCHDOG_GRACE_MS 5000

struct local_job {
	pid_t pid; /* 0: free slot */
	struct capture *cap;
	char *marker; /* "RUNLENS_JOB=<name>", in its environment */
};

struct executor {
	int pipe[2]; /* SIGCHLD self-pipe */
	int wd_fd;   /* the watchdog (core/exec/watchdog.h), or -1 */
	pid_t wd_pid;
	struct sigaction old_chld;
	struct local_job *jobs;
	int njobs, cap;
	struct pollfd *fds;
	int nfds_cap;
	char children[64]; /* /proc/PID/task/PID/children of the runner */
	int more; /* reap() handed back a job: more may have ended */
};

static int sigchld_fd = -1;

static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno;
	if (sigchld_fd >= 0) {
		ssize_t r = write(sigchld_fd, "c", 1);
		(void)r;
	}
	errno = saved;
}

/* Processes a job left that left its process group (setsid) are
 * reparented to the runner, not to init: it is their subreaper, so it
 * finds them when the job ends (stop_escapees). */
static void become_subreaper(void)
{
#ifdef HAVE_SYS_PRCTL_H
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
}

static int local_open(struct executor **out, struct rl_err *err)
{
	struct executor *ex = calloc(1, sizeof(*ex));
	if (!ex)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (pipe2(ex->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(ex);
		return rl_err_set(err, RL_E_IO, "cannot create a pipe: %s",
				  strerror(errno));
	}
	sigchld_fd = ex->pipe[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &ex->old_chld);
	/* without a watchdog the jobs still run; they just could outlive a
	 * killed runner */
	ex->wd_fd = watchdog_start(WATCHDOG_GRACE_MS, &ex->wd_pid, NULL);
	become_subreaper();
	snprintf(ex->children, sizeof ex->children, "/proc/%d/task/%d/children", (int)getpid(),
		 (int)getpid());
	*out = ex;
	return 0;
}

static struct local_job *job_slot(struct executor *ex)
{
	for (int i = 0; i < ex->njobs; i++)
		if (!ex->jobs[i].pid)
			return &ex->jobs[i];
	if (ex->njobs == ex->cap) {
		int ncap = ex->cap ? ex->cap * 2 : 8;
		struct local_job *p = realloc(ex->jobs, (size_t)ncap * sizeof(*p));
		if (!p)
			return NULL;
		ex->jobs = p;
		ex->cap = ncap;
	}
	struct local_job *j = &ex->jobs[ex->njobs++];
	memset(j, 0, sizeof *j);
	return j;
}

static struct local_job *job_of(struct executor *ex, pid_t pid)
{
	for (int i = 0; i < ex->njobs; i++)
		if (ex->jobs[i].pid == pid)
			return &ex->jobs[i];
	return NULL;
}

/* posix_spawn of the checked program with stdin from /dev/null, OUT and
 * ERR as 1 and 2, in its own process group, with default signals. */
static int spawn(const struct exec_request *req, const char *prog, int out, int errfd,
		 pid_t *pid, struct rl_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int rc = -1, fa_ok = posix_spawn_file_actions_init(&fa) == 0;
	int at_ok = posix_spawnattr_init(&at) == 0;
	sigset_t all, none;
	sigfillset(&all);
	sigemptyset(&none);
	/* the runner's signal handlers and mask are not the step's */
	if (!fa_ok || !at_ok ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_adddup2(&fa, out, 1) ||
	    posix_spawn_file_actions_adddup2(&fa, errfd, 2) ||
	    (req->cwd && posix_spawn_file_actions_addchdir_np(&fa, req->cwd)) ||
	    posix_spawnattr_setpgroup(&at, 0) ||
	    posix_spawnattr_setsigdefault(&at, &all) ||
	    posix_spawnattr_setsigmask(&at, &none) ||
	    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
						  POSIX_SPAWN_SETSIGMASK)) {
		rl_err_set(err, RL_E_NOMEM, "cannot start '%s'", req->argv[0]);
		goto cleanup;
	}
	int e = prog ? posix_spawn(pid, prog, &fa, &at, req->argv, req->envp)
		     : posix_spawnp(pid, req->argv[0], &fa, &at, req->argv, req->envp);
	if (e != 0) {
		rl_err_set(err, RL_E_FAIL, "cannot start '%s': %s", req->argv[0], strerror(e));
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (at_ok)
		posix_spawnattr_destroy(&at);
	return rc;
}

/* The job's environment with its marker (RUNLENS_JOB=NAME) added, by
 * which what it leaves behind is known (borrowed strings but MARKER). */
static char **marked_env(char *const *envp, const char *marker)
{
	int n = 0;
	while (envp && envp[n])
		n++;
	char **v = calloc((size_t)n + 2, sizeof(char *));
	for (int i = 0; v && i < n; i++)
		v[i] = envp[i];
	if (v)
		v[n] = (char *)marker;
	return v;
}

static int local_start(struct executor *ex, const struct exec_request *req,
		       int64_t *job, struct rl_err *err)
{
	char *prog = NULL; /* PATH searched once here, not again by the spawn */
	struct capture *cap = NULL;
	struct buf marker = BUF_INIT;
	char **env = NULL;
	int out = -1, errfd = -1, rc = -1;
	pid_t pid;
	if (exec_check_start(req, &prog, err) < 0)
		return -1;
	struct local_job *j = job_slot(ex);
	buf_printf(&marker, "RUNLENS_JOB=%s", req->name ? req->name : "job");
	struct exec_request marked = *req;
	if (!j || !marker.data || !(env = marked_env(req->envp, marker.data))) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	marked.envp = env;
	if (capture_open(&cap, CAPTURE_FOR_PROCESS, req->stdout_path, req->stderr_path,
			 req->mask, req->nmask, &out, &errfd, err) < 0 ||
	    spawn(&marked, prog, out, errfd, &pid, err) < 0)
		goto cleanup;
	j->pid = pid;
	j->cap = cap;
	j->marker = buf_steal(&marker);
	cap = NULL;
	*job = pid;
	watchdog_add(ex->wd_fd, pid);
	rc = 0;
cleanup:
	free(prog);
	free(env);
	buf_free(&marker);
	capture_free(&cap);
	if (out >= 0)
		close(out);
	if (errfd >= 0)
		close(errfd);
	return rc;
}

static void local_signal(struct executor *ex, int64_t job, int sig)
{
	(void)ex;
	if (job > 0)
		kill(-(pid_t)job, sig);
}

static int local_wait(struct executor *ex, int timeout_ms, int wake_fd,
		      struct rl_err *err)
{
	int want = 2 + 2 * ex->njobs;
	if (want > ex->nfds_cap) {
		struct pollfd *p = realloc(ex->fds, (size_t)want * sizeof(*p));
		if (!p)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		ex->fds = p;
		ex->nfds_cap = want;
	}
	int n = 0;
	ex->fds[n++] = (struct pollfd){ .fd = ex->pipe[0], .events = POLLIN };
	ex->fds[n++] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	for (int i = 0; i < ex->njobs; i++) {
		int fds[2];
		capture_poll_fds(ex->jobs[i].pid ? ex->jobs[i].cap : NULL, fds);
		for (int k = 0; k < 2; k++)
			if (fds[k] >= 0)
				ex->fds[n++] = (struct pollfd){ .fd = fds[k], .events = POLLIN };
	}
	if (ex->more)
		timeout_ms = 0;
	if (timeout_ms != 0)
		watchdog_flush(ex->wd_fd); /* the ends of the jobs reaped */
	if (poll(ex->fds, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return rl_err_set(err, RL_E_IO, "poll: %s", strerror(errno));
	for (int i = 0; i < ex->njobs; i++)
		if (ex->jobs[i].pid)
			capture_pump(ex->jobs[i].cap, 0);
	return 0;
}

/* Does process PID's environment hold MARKER? */
static int has_marker(pid_t pid, const char *marker)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct buf env = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && env.len < (1 << 20))
		buf_append(&env, chunk, (size_t)n);
	close(fd);
	size_t ml = strlen(marker);
	int found = 0;
	for (size_t i = 0; env.data && i < env.len && !found;) {
		size_t l = strnlen(env.data + i, env.len - i);
		found = l == ml && memcmp(env.data + i, marker, ml) == 0;
		i += l + 1;
	}
	buf_free(&env);
	return found;
}

/* What job J left that left its process group (setsid: its own session)
 * came to the runner, its subreaper: the runner's children that are no
 * job and carry J's marker are killed with their groups — also what they
 * leave in turn, until there is nothing.  Needs /proc/PID/task/PID/children. */
static void stop_escapees(struct executor *ex, const struct local_job *j)
{
	for (int round = 0; round < 8; round++) {
		pid_t killed[64];
		int nk = 0;
		FILE *f = fopen(ex->children, "re");
		if (!f)
			return;
		long pid;
		while (nk < 64 && fscanf(f, "%ld", &pid) == 1) {
			if (pid == ex->wd_pid || job_of(ex, (pid_t)pid) || !has_marker((pid_t)pid, j->marker))
				continue;
			kill(-(pid_t)pid, SIGKILL);
			kill((pid_t)pid, SIGKILL);
			killed[nk++] = (pid_t)pid;
		}
		fclose(f);
		if (!nk)
			return;
		/* reap exactly those (never another job's status), so what they
		 * left comes to the runner for the next round */
		for (int k = 0; k < nk; k++)
			for (int t = 0; t < 100 && waitpid(killed[k], NULL, WNOHANG) == 0; t++)
				poll(NULL, 0, 10);
	}
}

static int local_reap(struct executor *ex, struct exec_result *res)
{
	char drain[64];
	/* a pipe read short is empty: no second read to hear so */
	while (read(ex->pipe[0], drain, sizeof drain) == (ssize_t)sizeof drain)
		;
	for (;;) {
		int status;
		pid_t pid;
		siginfo_t info;
		/* look before reaping: while the ended leader is a zombie its
		 * number stays its group's, so the group can be stopped without
		 * hitting another process that got the number since */
		memset(&info, 0, sizeof info);
		int looked;
		do
			looked = waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT);
		while (looked < 0 && errno == EINTR);
		if (looked < 0 || info.si_pid == 0) {
			ex->more = 0;
			return 0;
		}
		pid = info.si_pid;
		struct local_job *j = job_of(ex, pid);
		if (j) {
			/* the attempt has ended: what it left running in its
			 * process group (`cmd &`) is stopped, so it cannot change
			 * the outputs the runner is about to hash and store */
			kill(-pid, SIGKILL);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!j)
			continue; /* not one of ours (a leftover the runner adopted) */
		stop_escapees(ex, j);
		watchdog_remove(ex->wd_fd, pid);
		capture_pump(j->cap, 1); /* the last output */
		*res = (struct exec_result){ 0 };
		res->log_error = capture_error(j->cap);
		capture_free(&j->cap);
		free(j->marker);
		j->marker = NULL;
		j->pid = 0;
		res->job = pid;
		if (WIFEXITED(status)) {
			res->exit_code = WEXITSTATUS(status);
			res->signal = 0;
		} else {
			res->exit_code = -1;
			res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		}
		/* more may have ended: the next wait does not block */
		ex->more = 1;
		return 1;
	}
}

static void local_close(struct executor **pex)
{
	if (!pex || !*pex)
		return;
	struct executor *ex = *pex;
	for (int i = 0; i < ex->njobs; i++) {
		struct local_job *j = &ex->jobs[i];
		if (!j->pid)
			continue;
		kill(-j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
		stop_escapees(ex, j);
		capture_free(&j->cap);
		free(j->marker);
	}
	watchdog_stop(&ex->wd_fd, ex->wd_pid);
	sigaction(SIGCHLD, &ex->old_chld, NULL);
	sigchld_fd = -1;
	close(ex->pipe[0]);
	close(ex->pipe[1]);
	free(ex->jobs);
	free(ex->fds);
	free(ex);
	*pex = NULL;
}

const struct executor_ops executor_local = {
	.flavor = "local",
	.open = local_open,
	.start = local_start,
	.signal = local_signal,
	.wait = local_wait,
	.reap = local_reap,
	.close = local_close,
};
