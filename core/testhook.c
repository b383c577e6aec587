/* core/testhook.c — pauses for tests (core/testhook.h). */
#include "config.h"
#include "core/testhook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util/buf.h"

void testhook_pause(const char *point)
{
	struct buf name = BUF_INIT;
	if (buf_printf(&name, "RUNLENS_TEST_PAUSE_%s_MS", point) < 0)
		return;
	const char *v = getenv(name.data);
	buf_free(&name);
	char *end = NULL;
	long ms = v ? strtol(v, &end, 10) : 0;
	if (!v || end == v || *end || ms <= 0 || ms > 600000)
		return;
	const char *mark = getenv("RUNLENS_TEST_PAUSE_MARK");
	FILE *f = mark && *mark ? fopen(mark, "a") : NULL;
	if (f) {
		fprintf(f, "%s\n", point);
		fclose(f);
	}
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
