/* core/exec/capture.h — a job's output on its way to its two log files.
 *
 * Every executor writes logs through a capture, so what reaches a log is
 * masked the same way whatever runs the job: the job writes into pipes,
 * and capture_pump() moves what arrived into the logs — through a
 * streaming masker (util/mask.h) when there are values to mask, so a value
 * written whole, in two writes or line by line never reaches a file.  An
 * executor that produces the output itself (the fake, a remote wrapper)
 * calls capture_write() instead of handing out descriptors.
 *
 * The order the two streams were written in is kept beside the logs, in
 * CAPTURE_ORDER_NAME of the stdout log's folder: a line "o N" or "e N"
 * for each run of N bytes the logs received from one stream before the
 * other wrote (the bytes as written to the log, masked), written when the
 * other stream takes over and at the end.  The file is made with the
 * first byte a log receives: a job that wrote nothing has none.  What the logs hold beyond the
 * runs listed is the run still going (the browser's one-stream view,
 * tui/view_logs.c).
 */
#define CAPTURE_ORDER_NAME "output.order"
#ifndef RUNLENS_CORE_EXEC_CAPTURE_H
#define RUNLENS_CORE_EXEC_CAPTURE_H

#include <stddef.h>

#include "util/error.h"

struct capture;

enum capture_mode {
	CAPTURE_FOR_PROCESS, /* hand descriptors to a child process */
	CAPTURE_FOR_WRITES,  /* the executor calls capture_write() */
};

/* Create or truncate the two logs (mode 0644).  For a process, *out_fd
 * and *err_fd receive the descriptors the job must write to (dup them
 * into 1 and 2, then close them in the parent); they may be NULL for
 * CAPTURE_FOR_WRITES.  MASK is copied. */
int capture_open(struct capture **c, enum capture_mode mode, const char *stdout_path,
		 const char *stderr_path, char *const *mask, int nmask, int *out_fd,
		 int *err_fd, struct rl_err *err);

/* The read ends to poll for POLLIN (2 entries; -1 when there is none).  */
void capture_poll_fds(const struct capture *c, int fds[2]);

/* Move what has arrived in the pipes to the logs, masked: at most 1 MiB a
 * stream a call, so a job writing flat out cannot keep its runner from
 * anything else.  FINAL: the job ended: all that is left, also what the
 * masker holds back, then close the pipes. */
void capture_pump(struct capture *c, int final);

/* Write N bytes of STREAM (1: stdout, 2: stderr) through the masker. */
int capture_write(struct capture *c, int stream, const char *data, size_t n);

/* Where the order file of the logs whose stdout log is STDOUT_PATH is
 * (malloc'd; NULL when out of memory), whether or not it exists. */
char *capture_order_path(const char *stdout_path);

/* One line of an order file (its newline left out or not): the bytes of
 * the run it lists, its stream in *STREAM (0 stdout, 1 stderr); 0 for a
 * line that lists none. */
long long capture_order_run(const char *line, int *stream);

/* The first error writing a log (errno; a full disk), 0 when none: the
 * logs are then incomplete, and the attempt must not pass for complete.
 * Ask after capture_pump(c, 1). */
int capture_error(const struct capture *c);

/* Flush what is held back, close everything.  Accepts NULL; clears *c. */
void capture_free(struct capture **c);

#endif
