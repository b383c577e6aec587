/* core/exec/fork.h — a function of this program run in a child process:
 * how a sweep carries out several runs at once (--parallel-runs), each
 * in its own process with its own store connection. */
#ifndef RUNLENS_CORE_EXEC_FORK_H
#define RUNLENS_CORE_EXEC_FORK_H

#include <sys/types.h>

#include "util/error.h"

struct fork_child {
	pid_t pid;
	int fd; /* the read end of the pipe the child writes to */
};

/* Run FN(CTX, FD) in a child process: in a process group of its own (a
 * Ctrl-C at the terminal reaches the parent only, which passes it on),
 * ended by SIGTERM if the parent dies (Linux), its signal handlers the
 * defaults; FD is the write end of a pipe whose read end is CHILD->fd
 * (close-on-exec both).  The child exits with FN's return value and never
 * returns here.  The caller must not use its store connection in FN. */
int fork_call(int (*fn)(void *ctx, int fd), void *ctx, struct fork_child *child,
	      struct rl_err *err);

/* Wait for a child to end: 0 with *pid and *status (its exit code, or
 * 128+N for signal N); -1 when a signal interrupted the wait (errno EINTR)
 * or there are no children (ECHILD). */
int fork_wait_any(pid_t *pid, int *status);

#endif
