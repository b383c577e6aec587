/* tests/steps/conform.c — the conformance program: the job language of
 * core/exec/script.h as a real program, so the executor conformance suite
 * (tests/unit/test_exec.c) asks a real executor exactly what it asks the
 * fake.  Each write is one write(2), so "split across two writes" is what
 * the executor sees. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/exec/script.h"

static int host_write(void *ctx, int stream, const char *data, size_t n)
{
	(void)ctx;
	while (n > 0) {
		ssize_t w = write(stream, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

static const char *host_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static const char *host_cwd(void *ctx)
{
	static char buf[PATH_MAX];
	(void)ctx;
	return getcwd(buf, sizeof buf) ? buf : "?";
}

int main(int argc, char **argv)
{
	(void)argc;
	struct script s = { .argv = argv, .next = 1 };
	struct script_host h = { NULL, host_write, host_getenv, host_cwd };
	for (;;) {
		int v = 0;
		switch (script_run(&s, &h, &v)) {
		case SCRIPT_EXIT:
			return v;
		case SCRIPT_SIGNAL:
			signal(v, SIG_DFL);
			raise(v);
			return 128 + v;
		case SCRIPT_SLEEP: {
			struct timespec ts = { v / 1000, (long)(v % 1000) * 1000000L };
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
			break;
		}
		case SCRIPT_HANG:
			for (;;)
				pause();
		}
	}
}
