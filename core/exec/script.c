/* core/exec/script.c — the job language (core/exec/script.h). */
#include "config.h"
#include "core/exec/script.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/context.h"
#include "util/buf.h"
#include "util/fs.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* TEXT with \n \t \\ \xNN decoded. */
static void decode(const char *t, struct buf *out)
{
	for (; *t; t++) {
		if (*t != '\\' || !t[1]) {
			buf_putc(out, *t);
			continue;
		}
		t++;
		if (*t == 'n')
			buf_putc(out, '\n');
		else if (*t == 't')
			buf_putc(out, '\t');
		else if (*t == 'x' && hexval(t[1]) >= 0 && hexval(t[2]) >= 0) {
			buf_putc(out, (char)(hexval(t[1]) * 16 + hexval(t[2])));
			t += 2;
		} else
			buf_putc(out, *t);
	}
}

static void say(const struct script_host *h, int stream, const char *s)
{
	h->write(h->ctx, stream, s, strlen(s));
}

static int append_line(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	int ok = write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

/* The step's records file, from the context file. */
static char *records_path(const struct script_host *h)
{
	const char *ctx = h->getenv(h->ctx, "RUNLENS_CONTEXT");
	char *text = NULL, *path = NULL;
	size_t len = 0;
	if (!ctx || fs_read_file(ctx, &text, &len, NULL) < 0)
		return NULL;
	cJSON *doc = cJSON_ParseWithLength(text, len);
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "step"), "records");
	if (cJSON_IsString(rec))
		path = strdup(rec->valuestring);
	cJSON_Delete(doc);
	free(text);
	return path;
}

static int do_file(const struct script_host *h, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq)
		return -1;
	char *name = strndup(arg, (size_t)(eq - arg));
	char *var = name ? context_env_name("RUNLENS_OUTPUT_", name) : NULL;
	const char *path = var ? h->getenv(h->ctx, var) : NULL;
	struct buf text = BUF_INIT;
	decode(eq + 1, &text);
	int rc = path ? fs_write_file(path, text.data ? text.data : "", text.len, 0644, NULL)
		      : -1;
	buf_free(&text);
	free(var);
	free(name);
	return rc;
}

/* One directive that neither stops nor waits: 0, or -1 when it is not
 * understood or fails. */
static int do_one(const struct script_host *h, const char *d)
{
	struct buf b = BUF_INIT;
	int rc = 0;
	if (!strncmp(d, "out:", 4) || !strncmp(d, "err:", 4)) {
		decode(d + 4, &b);
		h->write(h->ctx, d[0] == 'o' ? 1 : 2, b.data ? b.data : "", b.len);
	} else if (!strcmp(d, "cwd")) {
		say(h, 1, h->cwd(h->ctx));
		say(h, 1, "\n");
	} else if (!strncmp(d, "env:", 4)) {
		const char *v = h->getenv(h->ctx, d + 4);
		say(h, 1, v ? v : "(unset)");
		say(h, 1, "\n");
	} else if (!strncmp(d, "file:", 5)) {
		rc = do_file(h, d + 5);
	} else if (!strncmp(d, "record:", 7)) {
		char *path = records_path(h);
		rc = path ? append_line(path, d + 7) : -1;
		free(path);
	} else {
		rc = -1;
	}
	buf_free(&b);
	return rc;
}

static int number(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000000000)
		return -1;
	*out = (int)v;
	return 0;
}

enum script_stop script_run(struct script *s, const struct script_host *h, int *value)
{
	for (; s->argv[s->next]; ) {
		const char *d = s->argv[s->next++];
		int n;
		if (!strncmp(d, "sleep:", 6) && number(d + 6, &n) == 0) {
			*value = n;
			return SCRIPT_SLEEP;
		}
		if (!strcmp(d, "hang"))
			return SCRIPT_HANG;
		if (!strncmp(d, "exit:", 5) && number(d + 5, &n) == 0) {
			*value = n;
			return SCRIPT_EXIT;
		}
		if (!strncmp(d, "signal:", 7) && number(d + 7, &n) == 0) {
			*value = n;
			return SCRIPT_SIGNAL;
		}
		if (!strncmp(d, "fail-until:", 11) && number(d + 11, &n) == 0) {
			const char *a = h->getenv(h->ctx, "RUNLENS_ATTEMPT");
			if (a && atoi(a) < n) {
				*value = 1;
				return SCRIPT_EXIT;
			}
			continue;
		}
		if (do_one(h, d) < 0) {
			say(h, 2, "conform: cannot do '");
			say(h, 2, d);
			say(h, 2, "'\n");
			*value = 2;
			return SCRIPT_EXIT;
		}
	}
	*value = 0;
	return SCRIPT_EXIT;
}
