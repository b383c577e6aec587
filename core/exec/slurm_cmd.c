/* core/exec/slurm_cmd.c — Slurm's commands as children (slurm_cmd.h). */
#include "config.h"
#include "core/exec/slurm_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/timeutil.h"

/* What one command may print that is kept (a query of thousands of jobs
 * is well under it). */
#define SCMD_MAX_OUTPUT (16 << 20)

int scmd_start(struct scmd **out, char *const argv[], char *const envp[], int timeout_ms,
	       struct rl_err *err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	struct scmd *c = calloc(1, sizeof(*c));
	posix_spawn_file_actions_t fa;
	int fa_ok = 0, rc = -1;
	if (!c)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	c->fd[0] = c->fd[1] = -1;
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		rl_err_set(err, RL_E_IO, "cannot create a pipe: %s", strerror(errno));
		goto cleanup;
	}
	fa_ok = posix_spawn_file_actions_init(&fa) == 0;
	if (!fa_ok || posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_adddup2(&fa, po[1], 1) ||
	    posix_spawn_file_actions_adddup2(&fa, pe[1], 2)) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	int e = posix_spawnp(&c->pid, argv[0], &fa, NULL, argv, envp);
	if (e != 0) {
		c->pid = 0;
		rl_err_set(err, RL_E_FAIL, "cannot run %s: %s (is Slurm's client installed?)",
			   argv[0], strerror(e));
		goto cleanup;
	}
	c->fd[0] = po[0];
	c->fd[1] = pe[0];
	po[0] = pe[0] = -1;
	for (int k = 0; k < 2; k++)
		fcntl(c->fd[k], F_SETFL, O_NONBLOCK);
	c->deadline = time_mono_ms() + timeout_ms;
	*out = c;
	c = NULL;
	rc = 0;
cleanup:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	for (int k = 0; k < 2; k++) {
		if (po[k] >= 0)
			close(po[k]);
		if (pe[k] >= 0)
			close(pe[k]);
	}
	free(c);
	return rc;
}

int scmd_pollfds(const struct scmd *c, struct pollfd *p)
{
	int n = 0;
	for (int k = 0; c && k < 2; k++)
		if (c->fd[k] >= 0)
			p[n++] = (struct pollfd){ .fd = c->fd[k], .events = POLLIN };
	return n;
}

static void drain(struct scmd *c, int k)
{
	char chunk[8192];
	struct buf *b = k ? &c->err : &c->out;
	for (;;) {
		ssize_t n = read(c->fd[k], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close(c->fd[k]);
			c->fd[k] = -1;
			return;
		}
		if (b->len < SCMD_MAX_OUTPUT)
			buf_append(b, chunk, (size_t)n);
	}
}

static int decode(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

int scmd_pump(struct scmd *c)
{
	if (!c || c->done)
		return c ? c->done : 1;
	for (int k = 0; k < 2; k++)
		if (c->fd[k] >= 0)
			drain(c, k);
	if (!c->timed_out && time_mono_ms() >= c->deadline) {
		kill(c->pid, SIGKILL);
		c->timed_out = 1;
	}
	if (c->fd[0] >= 0 || c->fd[1] >= 0) {
		if (!c->timed_out)
			return 0;
		/* killed: what it started may hold the pipes; stop reading */
		for (int k = 0; k < 2; k++) {
			close(c->fd[k]);
			c->fd[k] = -1;
		}
	}
	int st;
	pid_t p;
	do
		p = waitpid(c->pid, &st, c->timed_out ? 0 : WNOHANG);
	while (p < 0 && errno == EINTR);
	if (p == 0)
		return 0; /* closed its output, not gone yet: next time */
	c->status = p == c->pid ? decode(st) : 1;
	c->pid = 0;
	c->done = 1;
	return 1;
}

int scmd_run(struct scmd **c, char *const argv[], char *const envp[], int timeout_ms,
	     struct rl_err *err)
{
	if (scmd_start(c, argv, envp, timeout_ms, err) < 0)
		return -1;
	while (!scmd_pump(*c)) {
		struct pollfd p[2];
		int n = scmd_pollfds(*c, p);
		int64_t left = (*c)->deadline - time_mono_ms();
		poll(p, (nfds_t)n, n ? (int)(left > 0 ? (left < 50 ? left : 50) : 0) : 10);
	}
	return 0;
}

void scmd_free(struct scmd **pc)
{
	if (!pc || !*pc)
		return;
	struct scmd *c = *pc;
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	for (int k = 0; k < 2; k++)
		if (c->fd[k] >= 0)
			close(c->fd[k]);
	buf_free(&c->out);
	buf_free(&c->err);
	free(c);
	*pc = NULL;
}
