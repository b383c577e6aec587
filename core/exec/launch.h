/* core/exec/launch.h — starting programs that are not jobs: runlens itself
 * detached in the background (a rerun that must outlive the browser), a
 * command in the foreground (a pager), one whose first line of output is
 * wanted (git, for the step context). */
#ifndef RUNLENS_CORE_EXEC_LAUNCH_H
#define RUNLENS_CORE_EXEC_LAUNCH_H

#include <sys/types.h>

#include "util/error.h"

/* The path of the running runlens program (for starting it again). */
const char *launch_self(void);

/* Run ARGV (searched in $PATH) with the caller's terminal and wait.
 * *status gets its exit status (128+N for a signal). */
int launch_wait(char *const argv[], int *status, struct rl_err *err);

/* Run ARGV (searched in $PATH) with INPUT (LEN bytes) on its standard
 * input, its output thrown away, and wait (the browser's y through a
 * clipboard command).  *status gets its exit status. */
int launch_feed(char *const argv[], const char *input, size_t len, int *status,
		struct rl_err *err);


/* Show how A and B (files, or folders) differ on the caller's terminal,
 * and wait: with $RUNLENS_DIFF when it is set (a shell command, given A
 * and B as two more words), else `diff -u` (`-r -N` for folders; LABEL_A
 * and LABEL_B, which may be NULL, name the two files in its header), else
 * `git diff --no-index` where diff is not installed; two folders are
 * compared through links named LABEL_A and LABEL_B in a temporary folder
 * (their files read "run-12/sub/a.txt").  *status gets the
 * program's exit status (diff's: 0 same, 1 different, 2 trouble). */
int launch_diff(const char *a, const char *label_a, const char *b, const char *label_b,
		int folders, int *status, struct rl_err *err);

/* Run ARGV (searched in $PATH) with no input, wait, and return the first
 * line of its standard output (malloc'd, newline dropped), or NULL when it
 * could not start or did not exit 0 (what runs `git` for the context). */
char *launch_first_line(char *const argv[]);

/* Start ARGV in its own session, detached from the terminal (stdin
 * /dev/null, stdout and stderr appended to LOG_PATH, or /dev/null when
 * NULL), so it keeps going when the caller quits.  Does not wait; *pid
 * (may be NULL) gets its process id. */
int launch_detached(char *const argv[], const char *log_path, pid_t *pid,
		    struct rl_err *err);

/* Collect detached children that have ended (call now and then). */
void launch_reap(void);

#endif
