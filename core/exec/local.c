/* core/exec/local.c — the local executor: each job a child process in its
 * own process group, started with posix_spawnp (vfork-fast), output
 * redirected to files; ends are noticed through SIGCHLD and a self-pipe. */
#include "config.h"
#include "core/exec/executor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int open_log(const char *path, int *fd, struct rl_err *err)
{
	*fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (*fd < 0)
		return rl_err_set(err, RL_E_FAIL, "cannot write '%s': %s", path,
				  strerror(errno));
	return 0;
}

/* Done in the runner so the reason is always reported, whatever the spawn
 * implementation (core/executor.h). */
int exec_find_program(const char *prog, char *const *envp, char **found)
{
	*found = NULL;
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? 0 : errno;
	const char *path = NULL;
	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int found_noexec = 0;
	size_t plen = strlen(prog);
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t dl = colon ? (size_t)(colon - path) : strlen(path);
		char *full = malloc(dl + plen + 3);
		if (!full)
			return ENOMEM;
		if (dl == 0)
			snprintf(full, dl + plen + 3, "./%s", prog);
		else
			snprintf(full, dl + plen + 3, "%.*s/%s", (int)dl, path, prog);
		struct stat st;
		int ok = stat(full, &st) == 0 && S_ISREG(st.st_mode);
		int x = ok && access(full, X_OK) == 0;
		if (x && dl > 0 && full[0] == '/') {
			*found = full;
			return 0;
		}
		free(full);
		if (x)
			return 0;
		found_noexec |= ok;
		path += dl;
		if (*path == ':')
			path++;
	}
	return found_noexec ? EACCES : ENOENT;
}

static int local_start(struct executor *ex, const struct exec_request *req,
		       int64_t *job, struct rl_err *err)
{
	(void)ex;
	int out = -1, errfd = -1, rc = -1, fa_ok = 0, at_ok = 0;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	struct stat st;
	if (req->cwd && stat(req->cwd, &st) < 0)
		return rl_err_set(err, RL_E_FAIL, "cannot enter folder '%s': %s",
				  req->cwd, strerror(errno));
	if (req->cwd && !S_ISDIR(st.st_mode))
		return rl_err_set(err, RL_E_FAIL,
				  "cannot enter folder '%s': not a folder", req->cwd);
	/* a relative program path is looked up from the step's folder */
	int e0;
	char *prog = NULL; /* PATH searched once here, not again by the spawn */
	if (req->cwd && strchr(req->argv[0], '/') && req->argv[0][0] != '/') {
		size_t n = strlen(req->cwd) + strlen(req->argv[0]) + 2;
		char *full = malloc(n);
		if (!full)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		snprintf(full, n, "%s/%s", req->cwd, req->argv[0]);
		e0 = access(full, X_OK) == 0 ? 0 : errno;
		free(full);
	} else {
		e0 = exec_find_program(req->argv[0], req->envp, &prog);
	}
	if (e0)
		return rl_err_set(err, RL_E_FAIL, "cannot start '%s': %s",
				  req->argv[0], strerror(e0));
	if (req->stdout_fd >= 0) {
		out = dup(req->stdout_fd);
		errfd = dup(req->stderr_fd);
		if (out < 0 || errfd < 0) {
			rl_err_set(err, RL_E_FAIL, "cannot start '%s': %s",
				   req->argv[0], strerror(errno));
			goto cleanup;
		}
	} else if (open_log(req->stdout_path, &out, err) < 0 ||
		   open_log(req->stderr_path, &errfd, err) < 0) {
		goto cleanup;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		goto nomem;
	fa_ok = 1;
	if (posix_spawnattr_init(&at) != 0)
		goto nomem;
	at_ok = 1;
	sigset_t all, none;
	sigfillset(&all);
	sigemptyset(&none);
	/* the runner's signal handlers and mask are not the step's */
	if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_adddup2(&fa, out, 1) ||
	    posix_spawn_file_actions_adddup2(&fa, errfd, 2) ||
	    (req->cwd && posix_spawn_file_actions_addchdir_np(&fa, req->cwd)) ||
	    posix_spawnattr_setpgroup(&at, 0) ||
	    posix_spawnattr_setsigdefault(&at, &all) ||
	    posix_spawnattr_setsigmask(&at, &none) ||
	    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
						  POSIX_SPAWN_SETSIGDEF |
						  POSIX_SPAWN_SETSIGMASK))
		goto nomem;
	pid_t pid;
	int e = prog ? posix_spawn(&pid, prog, &fa, &at, req->argv, req->envp)
		     : posix_spawnp(&pid, req->argv[0], &fa, &at, req->argv, req->envp);
	if (e != 0) {
		rl_err_set(err, RL_E_FAIL, "cannot start '%s': %s", req->argv[0],
			   strerror(e));
		goto cleanup;
	}
	*job = pid;
	rc = 0;
	goto cleanup;
nomem:
	rl_err_set(err, RL_E_NOMEM, "cannot start '%s'", req->argv[0]);
cleanup:
	free(prog);
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (at_ok)
		posix_spawnattr_destroy(&at);
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
