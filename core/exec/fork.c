/* core/exec/fork.c — a function of this program in a child process. */
#include "config.h"
#include "core/exec/fork.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static void child_setup(pid_t parent)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD };
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &dfl, NULL);
	setpgid(0, 0);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	if (getppid() != parent) /* the parent died before prctl */
		_exit(1);
}

int fork_call(int (*fn)(void *ctx, int fd), void *ctx, struct fork_child *child,
	      struct rl_err *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return rl_err_set(err, RL_E_IO, "cannot create a pipe: %s", strerror(errno));
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return rl_err_set(err, RL_E_IO, "cannot start a process: %s", strerror(e));
	}
	if (pid == 0) {
		close(p[0]);
		child_setup(parent);
		int rc = fn(ctx, p[1]);
		close(p[1]);
		_exit(rc);
	}
	setpgid(pid, pid); /* as the child does: whichever runs first */
	close(p[1]);
	child->pid = pid;
	child->fd = p[0];
	return 0;
}

int fork_wait_any(pid_t *pid, int *status)
{
	int st = 0;
	pid_t got = waitpid(-1, &st, 0);
	if (got < 0)
		return -1;
	*pid = got;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
	return 0;
}
