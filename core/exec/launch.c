/* core/exec/launch.c — starting programs: foreground, captured, detached. */
#include "config.h"
#include "core/exec/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"


extern char **environ;


const char *launch_self(void)
{
	static char path[4096];
	if (!path[0]) {
		ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
		if (n <= 0)
			strcpy(path, "runlens");
		else
			path[n] = '\0';
	}
	return path;
}

static int exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

static int wait_for(pid_t pid, int *status, struct rl_err *err)
{
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return rl_err_set(err, RL_E_FAIL, "waiting for a child: %s", strerror(errno));
	}
	if (status)
		*status = exit_status(st);
	return 0;
}

int launch_wait(char *const argv[], int *status, struct rl_err *err)
{
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc != 0)
		return rl_err_set(err, RL_E_FAIL, "cannot start %s: %s", argv[0], strerror(rc));
	return wait_for(pid, status, err);
}

int launch_feed(char *const argv[], const char *input, size_t len, int *status,
		struct rl_err *err)
{
	int fds[2];
	if (pipe(fds) < 0)
		return rl_err_set(err, RL_E_IO, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		return rl_err_set(err, RL_E_FAIL, "cannot start %s: %s", argv[0], strerror(rc));
	}
	/* a reader that quits early must not kill us */
	struct sigaction ign, old;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fds[1], input + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fds[1]);
	sigaction(SIGPIPE, &old, NULL);
	return wait_for(pid, status, err);
}

/* Start ARGV in CWD (NULL: here): 0 with *pid, or posix_spawn's error. */
static int spawn_in(char *const argv[], const char *cwd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	int rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* diff, or git where diff is not installed, on A and B in CWD. */
static int spawn_diff(const char *a, const char *label_a, const char *b, const char *label_b,
		      int folders, const char *cwd, pid_t *pid)
{
	char *argv[12];
	int n = 0;
	argv[n++] = "diff";
	argv[n++] = folders ? "-ruN" : "-u";
	if (!folders && label_a && label_b) {
		argv[n++] = "--label";
		argv[n++] = (char *)label_a;
		argv[n++] = "--label";
		argv[n++] = (char *)label_b;
	}
	argv[n++] = "--";
	argv[n++] = (char *)a;
	argv[n++] = (char *)b;
	argv[n] = NULL;
	int rc = spawn_in(argv, cwd, pid);
	if (rc != ENOENT)
		return rc;
	char *git[] = { "git", "diff", "--no-index", "--", (char *)a, (char *)b, NULL };
	return spawn_in(git, cwd, pid);
}

static void unlink_folder(char *dir, const char *label_a, const char *label_b)
{
	for (int i = 0; dir && i < 2; i++) {
		struct buf l = BUF_INIT;
		buf_printf(&l, "%s/%s", dir, i ? label_b : label_a);
		if (l.data)
			unlink(l.data);
		buf_free(&l);
	}
	if (dir)
		rmdir(dir);
	free(dir);
}

/* A temporary folder holding links LABEL_A -> A and LABEL_B -> B, so that
 * a diff of two folders names their files "run-12/sub/a.txt", not by the
 * artifact store's paths.  NULL when it cannot be made. */
static char *link_folder(const char *a, const char *label_a, const char *b,
			 const char *label_b)
{
	const char *tmp = getenv("TMPDIR");
	struct buf t = BUF_INIT;
	buf_printf(&t, "%s/runlens-diff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *dir = t.data && mkdtemp(t.data) ? buf_steal(&t) : NULL;
	buf_free(&t);
	if (!dir)
		return NULL;
	int ok = 1;
	for (int i = 0; i < 2 && ok; i++) {
		struct buf l = BUF_INIT;
		buf_printf(&l, "%s/%s", dir, i ? label_b : label_a);
		ok = l.data && symlink(i ? b : a, l.data) == 0;
		buf_free(&l);
	}
	if (!ok) {
		unlink_folder(dir, label_a, label_b);
		return NULL;
	}
	return dir;
}

int launch_diff(const char *a, const char *label_a, const char *b, const char *label_b,
		int folders, int *status, struct rl_err *err)
{
	const char *mine = getenv("RUNLENS_DIFF");
	if (mine && *mine) {
		struct buf cmd = BUF_INIT;
		buf_printf(&cmd, "%s \"$1\" \"$2\"", mine);
		char *argv[] = { "/bin/sh", "-c", cmd.data, "runlens-diff", (char *)a, (char *)b,
				 NULL };
		int rc = cmd.data ? launch_wait(argv, status, err) : rl_err_set(err, RL_E_NOMEM, NULL);
		buf_free(&cmd);
		return rc;
	}
	/* two folders are compared by the names of links to them */
	char *dir = folders && label_a && label_b && strcmp(label_a, label_b) != 0 &&
				    !strchr(label_a, '/') && !strchr(label_b, '/')
			    ? link_folder(a, label_a, b, label_b)
			    : NULL;
	pid_t pid;
	int rc = dir ? spawn_diff(label_a, NULL, label_b, NULL, 1, dir, &pid)
		     : spawn_diff(a, label_a, b, label_b, folders, NULL, &pid);
	if (rc == 0)
		rc = wait_for(pid, status, err);
	else if (rc == ENOENT)
		rc = rl_err_set(err, RL_E_FAIL, "neither diff nor git is installed "
				"(install diffutils, or set RUNLENS_DIFF)");
	else
		rc = rl_err_set(err, RL_E_FAIL, "cannot start diff: %s", strerror(rc));
	if (dir)
		unlink_folder(dir, label_a, label_b);
	return rc;
}

char *launch_first_line(char *const argv[])
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return NULL;
	}
	char line[4096];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fds[0], line + len, sizeof line - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof line - 1) {
			char drain[4096];
			while (read(fds[0], drain, sizeof drain) > 0)
				;
			break;
		}
	}
	close(fds[0]);
	int status = 0;
	if (wait_for(pid, &status, NULL) < 0 || status != 0)
		return NULL;
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

int launch_detached(char *const argv[], const char *log_path, pid_t *pid_out,
		    struct rl_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	const char *log = log_path ? log_path : "/dev/null";
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log,
					 O_WRONLY | O_CREAT | O_APPEND, 0600);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	/* its own session: no SIGHUP or Ctrl-C from the browser's terminal */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	sigset_t none, def;
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGHUP);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0)
		return rl_err_set(err, RL_E_FAIL, "cannot start %s: %s", argv[0], strerror(rc));
	if (pid_out)
		*pid_out = pid;
	return 0;
}

void launch_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}
