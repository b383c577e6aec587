/* core/exec/watchdog.c — no orphans when the runner dies (watchdog.h). */
#include "config.h"
#include "core/exec/watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/timeutil.h"

/* The watchdog's list of process groups, each with its leader's start
 * time (0: unknown), fixed-size chunks. */
struct groups {
	pid_t *v;
	unsigned long long *start;
	int n, cap;
};

/* When process PID started (field 22 of /proc/PID/stat, clock ticks since
 * boot), or 0 when there is no such process. */
static unsigned long long start_of(pid_t pid)
{
	char path[48], buf[512];
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the name may hold anything */
	unsigned long long start = 0;
	/* after ") ": state, then fields 4 .. 21, then the start time */
	for (int field = 3; p && *p && field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (p && field == 22)
			start = strtoull(p + 1, NULL, 10);
	}
	return start;
}

static void groups_add(struct groups *g, pid_t p)
{
	if (g->n == g->cap) {
		int ncap = g->cap ? g->cap * 2 : 64;
		pid_t *v = realloc(g->v, (size_t)ncap * sizeof(*v));
		if (!v)
			return;
		g->v = v;
		unsigned long long *st = realloc(g->start, (size_t)ncap * sizeof(*st));
		if (!st)
			return;
		g->start = st;
		g->cap = ncap;
	}
	g->start[g->n] = start_of(p);
	g->v[g->n++] = p;
}

static void groups_remove(struct groups *g, pid_t p)
{
	for (int i = 0; i < g->n; i++)
		if (g->v[i] == p) {
			g->v[i] = g->v[--g->n];
			g->start[i] = g->start[g->n];
			return;
		}
}

/* Whether group I is still the one that was started: a group whose
 * leader is gone and whose members are gone too frees its number, and
 * the system may give it to another process (pid_max can be 32768); a
 * leader that started at another time is that other process, which is
 * left alone.  A leader gone while members remain keeps the number. */
static int still_ours(const struct groups *g, int i)
{
	unsigned long long now = start_of(g->v[i]);
	return now == 0 || g->start[i] == 0 || now == g->start[i];
}

static int any_alive(const struct groups *g)
{
	for (int i = 0; i < g->n; i++)
		if (still_ours(g, i) && kill(-g->v[i], 0) == 0)
			return 1;
	return 0;
}

/* The runner is gone: TERM every group it left, KILL what is still there
 * after GRACE_MS — never a group whose number went to another process. */
static void stop_all(const struct groups *g, int grace_ms)
{
	for (int i = 0; i < g->n; i++)
		if (still_ours(g, i))
			kill(-g->v[i], SIGTERM);
	int64_t until = time_mono_ms() + grace_ms;
	while (any_alive(g) && time_mono_ms() < until)
		poll(NULL, 0, 50);
	for (int i = 0; i < g->n; i++)
		if (still_ours(g, i))
			kill(-g->v[i], SIGKILL);
}

/* The watchdog: read "+PGID" and "-PGID" lines until the runner says
 * "bye" (it closes normally) or the pipe ends without it (it died). */
static void watch(int fd, int grace_ms)
{
	struct groups g = { 0 };
	char buf[4096], line[32];
	size_t ll = 0;
	int bye = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof line - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (!strcmp(line, "bye"))
				bye = 1;
			else if (line[0] == '+')
				groups_add(&g, (pid_t)atol(line + 1));
			else if (line[0] == '-')
				groups_remove(&g, (pid_t)atol(line + 1));
		}
	}
	if (!bye)
		stop_all(&g, grace_ms);
	free(g.v);
	free(g.start);
}

int watchdog_start(int grace_ms, pid_t *pid_out, struct rl_err *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return rl_err_set(err, RL_E_IO, "cannot create a pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return rl_err_set(err, RL_E_FAIL, "cannot start the watchdog: %s", strerror(errno));
	}
	if (pid == 0) {
		/* the child: nothing of the runner's but the pipe (not the
		 * store's descriptors: it never touches the store), deaf to
		 * the terminal's signals — the runner handles those and says
		 * "bye" */
		/* its own process group: what kills the runner's group
		 * (kill -9 -PGID, a batch system stopping the job that
		 * runs `runlens job-exec`) leaves it to do its work */
		setpgid(0, 0);
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGCHLD, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int keep = 3;
		if (p[0] != keep && dup2(p[0], keep) < 0)
			_exit(1);
		if (close_range(4, ~0U, 0) < 0)
			for (int fd = 4; fd < 1024; fd++)
				close(fd);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
		watch(keep, grace_ms);
		_exit(0);
	}
	close(p[0]);
	*pid_out = pid;
	return p[1];
}

static void say(int fd, const char *what, long pgid)
{
	char line[32];
	int n = pgid ? snprintf(line, sizeof line, "%s%ld\n", what, pgid)
		     : snprintf(line, sizeof line, "%s\n", what);
	if (fd >= 0 && n > 0) {
		ssize_t w = write(fd, line, (size_t)n);
		(void)w;
	}
}

/* Ends not told yet (watchdog_remove): they go with the next start, or
 * when the runner is about to wait (watchdog_flush).  One watchdog's at a
 * time: another descriptor's are sent first. */
static struct {
	int fd;
	char text[512];
	size_t len;
} later = { -1, { 0 }, 0 };

void watchdog_flush(int fd)
{
	if (later.len && later.fd == fd) {
		ssize_t w = write(later.fd, later.text, later.len);
		(void)w;
		later.len = 0;
	}
}

/* "+PGID" or "-PGID" for the watchdog on FD, queued behind what waits
 * there (another FD's lines are sent first). */
static void queue(int fd, char sign, pid_t pgid)
{
	if (later.len && later.fd != fd)
		watchdog_flush(later.fd);
	char line[32];
	int n = snprintf(line, sizeof line, "%c%ld\n", sign, (long)pgid);
	if (n <= 0)
		return;
	if (later.len + (size_t)n > sizeof later.text)
		watchdog_flush(fd);
	memcpy(later.text + later.len, line, (size_t)n);
	later.len += (size_t)n;
	later.fd = fd;
}

void watchdog_add(int fd, pid_t pgid)
{
	if (fd < 0)
		return;
	queue(fd, '+', pgid);
	watchdog_flush(fd); /* a new group is told at once, with what waited */
}

void watchdog_remove(int fd, pid_t pgid)
{
	if (fd >= 0)
		queue(fd, '-', pgid); /* told with the next start, or the flush */
}

void watchdog_stop(int *fd, pid_t pid)
{
	if (!fd || *fd < 0)
		return;
	watchdog_flush(*fd);
	say(*fd, "bye", 0);
	close(*fd);
	*fd = -1;
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
