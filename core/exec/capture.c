/* core/exec/capture.c — a job's output on its way to its logs
 * (core/exec/capture.h). */
#include "config.h"
#include "core/exec/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mask.h"
#include "util/buf.h"

struct stream {
	int log;  /* the log file */
	int error; /* the first errno writing it, 0: none */
	int pipe; /* read end of the job's pipe, or -1 */
	struct masker *mask; /* NULL: nothing to mask */
};

struct capture {
	struct stream s[2];
	int order;     /* CAPTURE_ORDER_NAME, or -1 */
	char *order_path; /* where to make it at the first byte; NULL: never */
	int run;       /* the stream (0, 1) of the run going on, -1 none */
	long long run_len; /* its bytes written to its log so far */
};

/* Write all of P to the log; the first failure (a full disk) is kept. */
static void write_all(struct stream *st, const char *p, size_t n)
{
	while (n > 0 && !st->error) {
		ssize_t w = write(st->log, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			st->error = w < 0 ? errno : EIO;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static int open_log(const char *path, struct rl_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		rl_err_set(err, RL_E_FAIL, "cannot write '%s': %s", path, strerror(errno));
	return fd;
}

/* The run of bytes of one stream that ended, into the order file. */
static void order_flush(struct capture *c)
{
	if (c->order < 0 || c->run < 0 || c->run_len == 0)
		return;
	char line[32];
	int n = snprintf(line, sizeof line, "%c %lld\n", c->run ? 'e' : 'o', c->run_len);
	ssize_t w;
	do
		w = write(c->order, line, (size_t)n);
	while (w < 0 && errno == EINTR);
	c->run_len = 0;
}

/* Where the order file goes: beside the stdout log.  Nothing is made
 * yet (a job that writes nothing costs no file: a new inode is the
 * dearest thing a step makes on a disk); a file of that name left from
 * before is removed, so that it cannot describe logs it is not of. */
static char *order_path_of(const char *stdout_path)
{
	char *path = capture_order_path(stdout_path);
	if (path)
		unlink(path);
	return path;
}

char *capture_order_path(const char *stdout_path)
{
	const char *slash = strrchr(stdout_path, '/');
	size_t dir = slash ? (size_t)(slash - stdout_path) + 1 : 0;
	char *path = malloc(dir + sizeof CAPTURE_ORDER_NAME);
	if (!path)
		return NULL;
	memcpy(path, stdout_path, dir);
	memcpy(path + dir, CAPTURE_ORDER_NAME, sizeof CAPTURE_ORDER_NAME);
	return path;
}

long long capture_order_run(const char *line, int *stream)
{
	/* what order_flush writes: "o N" or "e N" */
	*stream = line[0] == 'e';
	if ((line[0] != 'o' && line[0] != 'e') || line[1] != ' ')
		return 0;
	long long n = atoll(line + 2);
	return n > 0 ? n : 0;
}

/* The order file, made when the first byte reaches a log (none when it
 * cannot be made: the logs do not depend on it). */
static void order_open(struct capture *c)
{
	if (c->order >= 0 || !c->order_path)
		return;
	c->order = open(c->order_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	free(c->order_path);
	c->order_path = NULL;
}

/* The descriptor the job writes stream K to: a pipe, read by
 * capture_pump (so that the order of the two streams is seen). */
static int job_end(struct stream *st, struct rl_err *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return rl_err_set(err, RL_E_IO, "cannot capture output: %s", strerror(errno));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	st->pipe = p[0];
	return p[1];
}

int capture_open(struct capture **out, enum capture_mode mode, const char *stdout_path,
		 const char *stderr_path, char *const *mask, int nmask, int *out_fd,
		 int *err_fd, struct rl_err *err)
{
	struct capture *c = calloc(1, sizeof(*c));
	int ends[2] = { -1, -1 };
	if (!c)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	const char *paths[2] = { stdout_path, stderr_path };
	for (int k = 0; k < 2; k++) {
		c->s[k].pipe = -1;
		c->s[k].log = -1;
	}
	c->run = -1;
	c->order = -1;
	for (int k = 0; k < 2; k++) {
		if ((c->s[k].log = open_log(paths[k], err)) < 0)
			goto fail;
		if (nmask > 0 && !(c->s[k].mask = masker_new(mask, nmask))) {
			rl_err_set(err, RL_E_NOMEM, NULL);
			goto fail;
		}
		if (mode == CAPTURE_FOR_PROCESS &&
		    (ends[k] = job_end(&c->s[k], err)) < 0)
			goto fail;
	}
	/* the order of the streams beside logs that are files (not
	 * /dev/null's folder) */
	struct stat st;
	if (fstat(c->s[0].log, &st) == 0 && S_ISREG(st.st_mode))
		c->order_path = order_path_of(stdout_path);
	if (out_fd)
		*out_fd = ends[0];
	if (err_fd)
		*err_fd = ends[1];
	*out = c;
	return 0;
fail:
	for (int k = 0; k < 2; k++)
		if (ends[k] >= 0)
			close(ends[k]);
	capture_free(&c);
	return -1;
}

void capture_poll_fds(const struct capture *c, int fds[2])
{
	for (int k = 0; k < 2; k++)
		fds[k] = c ? c->s[k].pipe : -1;
}

/* N bytes into stream K's log: the order file first learns that the
 * other stream's run ended. */
static void to_log(struct capture *c, int k, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (c->run != k) {
		order_open(c);
		order_flush(c);
		c->run = k;
	}
	write_all(&c->s[k], p, n);
	c->run_len += (long long)n;
}

static void emit(struct capture *c, int k, const char *data, size_t n)
{
	struct stream *st = &c->s[k];
	if (st->log < 0)
		return;
	if (!st->mask) {
		to_log(c, k, data, n);
		return;
	}
	struct buf b = BUF_INIT;
	masker_feed(st->mask, data, n, &b);
	to_log(c, k, b.data ? b.data : "", b.len);
	buf_free(&b);
}

static void flush_held(struct capture *c, int k)
{
	struct stream *st = &c->s[k];
	if (!st->mask || st->log < 0)
		return;
	struct buf b = BUF_INIT;
	masker_flush(st->mask, &b);
	to_log(c, k, b.data ? b.data : "", b.len);
	buf_free(&b);
}

/* At most this many chunks a stream a pump (not final): a job that writes
 * as fast as it can must not keep the runner from its timeouts. */
#define PUMP_MAX_CHUNKS 16

void capture_pump(struct capture *c, int final)
{
	if (!c)
		return;
	char chunk[65536];
	for (int k = 0; k < 2; k++) {
		struct stream *st = &c->s[k];
		for (int got = 0; st->pipe >= 0 && (final || got < PUMP_MAX_CHUNKS); got++) {
			ssize_t n = read(st->pipe, chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0) {
				/* the job closed it: done, and no longer polled
				 * (a pipe at its end is always "ready") */
				close(st->pipe);
				st->pipe = -1;
				break;
			}
			if (n < 0)
				break;
			emit(c, k, chunk, (size_t)n);
		}
		if (final) {
			flush_held(c, k);
			if (st->pipe >= 0)
				close(st->pipe);
			st->pipe = -1;
		}
	}
}

int capture_write(struct capture *c, int stream, const char *data, size_t n)
{
	if (!c || (stream != 1 && stream != 2))
		return -1;
	emit(c, stream - 1, data, n);
	return 0;
}

int capture_error(const struct capture *c)
{
	for (int k = 0; c && k < 2; k++)
		if (c->s[k].error)
			return c->s[k].error;
	return 0;
}

void capture_free(struct capture **pc)
{
	if (!pc || !*pc)
		return;
	struct capture *c = *pc;
	capture_pump(c, 1);
	order_flush(c); /* the last run */
	if (c->order >= 0)
		close(c->order);
	free(c->order_path);
	for (int k = 0; k < 2; k++) {
		if (c->s[k].log >= 0)
			close(c->s[k].log);
		masker_free(&c->s[k].mask);
	}
	free(c);
	*pc = NULL;
}
