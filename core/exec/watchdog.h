/* core/exec/watchdog.h — no orphans when the runner dies.
 *
 * A step runs in its own process group, so nothing makes it stop when the
 * runner is killed (kill -9, a crash, the machine's OOM killer): it would
 * go on while the run is recorded interrupted.  The local executor starts
 * one small watchdog per run, a fork of the runner that keeps nothing of
 * it but a pipe: the runner writes there the process group of every job
 * it starts and reaps; when the pipe ends without the runner saying "bye",
 * the runner is gone, and the watchdog sends SIGTERM to every group it
 * left, then SIGKILL after the grace period.  The run itself is marked
 * interrupted by the next runlens process that opens the store
 * (core/session.c), as ever.
 */
#ifndef RUNLENS_CORE_EXEC_WATCHDOG_H
#define RUNLENS_CORE_EXEC_WATCHDOG_H

#include <sys/types.h>

#include "util/error.h"

/* Start the watchdog; returns the descriptor to tell it things (>= 0) and
 * *pid, or -1 with *err. */
int watchdog_start(int grace_ms, pid_t *pid, struct rl_err *err);

/* A job's process group started / ended (FD may be -1: no watchdog).  An
 * end is told with the next start or by watchdog_flush, in one write
 * (one wake-up of the watchdog a job, not two); until then the watchdog
 * would only stop a group that is gone, which it never does: it checks
 * the leader's start time first. */
void watchdog_add(int fd, pid_t pgid);
void watchdog_remove(int fd, pid_t pgid);
/* Tell the ends not told yet: before the runner waits. */
void watchdog_flush(int fd);

/* The runner closes normally: the watchdog leaves the jobs alone and
 * exits; it is reaped.  Clears *fd. */
void watchdog_stop(int *fd, pid_t pid);

#endif
