/* core/exec_local.c — the local executor: each job a child process in its
 * own process group, output redirected to files, ends noticed through
 * SIGCHLD and a self-pipe. */
#include "config.h"
#include "core/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct executor {
	int pipe[2]; /* SIGCHLD self-pipe: read end polled by the runner */
	struct sigaction old_chld;
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
	*out = ex;
	return 0;
}

static void local_close(struct executor **pex)
{
	if (!pex || !*pex)
		return;
	struct executor *ex = *pex;
	sigaction(SIGCHLD, &ex->old_chld, NULL);
	sigchld_fd = -1;
	close(ex->pipe[0]);
	close(ex->pipe[1]);
	free(ex);
	*pex = NULL;
}

/* In the child: report errno through the exec-status pipe and leave. */
static void child_fail(int fd, int stage)
{
	int msg[2] = { stage, errno };
	ssize_t r = write(fd, msg, sizeof msg);
	(void)r;
	_exit(127);
}

enum { STAGE_CWD = 1, STAGE_STDOUT, STAGE_STDERR, STAGE_EXEC };

static int local_start(struct executor *ex, const struct exec_request *req,
		       int64_t *job, struct rl_err *err)
{
	(void)ex;
	int st[2];
	if (pipe2(st, O_CLOEXEC) < 0)
		return rl_err_set(err, RL_E_IO, "cannot create a pipe: %s",
				  strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(st[0]);
		close(st[1]);
		return rl_err_set(err, RL_E_FAIL, "cannot start a process: %s",
				  strerror(e));
	}
	if (pid == 0) {
		close(st[0]);
		setpgid(0, 0);
		/* the runner's signal handling is not the step's */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (req->cwd && chdir(req->cwd) < 0)
			child_fail(st[1], STAGE_CWD);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0) {
			dup2(devnull, 0);
			close(devnull);
		}
		int fd = open(req->stdout_path,
			      O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		if (fd < 0)
			child_fail(st[1], STAGE_STDOUT);
		dup2(fd, 1);
		close(fd);
		fd = open(req->stderr_path,
			  O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		if (fd < 0)
			child_fail(st[1], STAGE_STDERR);
		dup2(fd, 2);
		close(fd);
		execvpe(req->argv[0], req->argv, req->envp);
		child_fail(st[1], STAGE_EXEC);
	}
	close(st[1]);
	/* the child may not have called setpgid yet: do it here as well */
	setpgid(pid, pid);
	int msg[2];
	ssize_t r;
	do
		r = read(st[0], msg, sizeof msg);
	while (r < 0 && errno == EINTR);
	close(st[0]);
	if (r == (ssize_t)sizeof msg) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		const char *what = msg[0] == STAGE_CWD	    ? "cannot enter folder"
				   : msg[0] == STAGE_STDOUT ? "cannot write"
				   : msg[0] == STAGE_STDERR ? "cannot write"
							    : "cannot start";
		const char *obj = msg[0] == STAGE_CWD	     ? req->cwd
				  : msg[0] == STAGE_STDOUT ? req->stdout_path
				  : msg[0] == STAGE_STDERR ? req->stderr_path
							   : req->argv[0];
		return rl_err_set(err, RL_E_FAIL, "%s '%s': %s", what, obj,
				  strerror(msg[1]));
	}
	*job = pid;
	return 0;
}

static void local_signal(struct executor *ex, int64_t job, int sig)
{
	(void)ex;
	if (job > 0)
		kill(-(pid_t)job, sig);
}

static int local_event_fd(struct executor *ex)
{
	return ex->pipe[0];
}

static int local_reap(struct executor *ex, struct exec_result *res)
{
	char drain[64];
	while (read(ex->pipe[0], drain, sizeof drain) > 0)
		;
	int status;
	pid_t pid;
	do
		pid = waitpid(-1, &status, WNOHANG);
	while (pid < 0 && errno == EINTR);
	if (pid <= 0)
		return 0;
	res->job = pid;
	if (WIFEXITED(status)) {
		res->exit_code = WEXITSTATUS(status);
		res->signal = 0;
	} else {
		res->exit_code = -1;
		res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	/* more may have ended: keep the pipe readable for the next poll */
	ssize_t w = write(ex->pipe[1], "c", 1);
	(void)w;
	return 1;
}

const struct executor_ops executor_local = {
	.flavor = "local",
	.open = local_open,
	.start = local_start,
	.signal = local_signal,
	.event_fd = local_event_fd,
	.reap = local_reap,
	.close = local_close,
};

const struct executor_ops *executor_find(const char *flavor)
{
	static const struct executor_ops *const all[] = { &executor_local };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(all[i]->flavor, flavor) == 0)
			return all[i];
	return NULL;
}
