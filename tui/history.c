/* tui/history.c — the prompts' history on disk (history.h). */
#include "config.h"
#include "tui/history.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fs.h"

char *history_path(void)
{
	return fs_xdg_file("XDG_STATE_HOME", ".local/state", "history");
}

/* Every line of the file (malloc'd each), oldest first. */
static int read_lines(const char *path, char ***lines, int *n)
{
	char *data = NULL;
	size_t len = 0;
	*lines = NULL;
	*n = 0;
	if (!path || fs_read_file(path, &data, &len, NULL) < 0)
		return 0;
	int cap = 0;
	for (char *p = data, *nl; p < data + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(data + len - p));
		if (!nl)
			nl = data + len;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			char **more = realloc(*lines, (size_t)cap * sizeof(char *));
			if (!more)
				break;
			*lines = more;
		}
		(*lines)[*n] = strndup(p, (size_t)(nl - p));
		if ((*lines)[*n])
			(*n)++;
	}
	free(data);
	return 0;
}

void history_free(char **items, int n)
{
	for (int i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

int history_list(const char *name, char ***items, int *n)
{
	char *path = history_path();
	char **lines = NULL;
	int nl = 0;
	size_t klen = strlen(name ? name : "");
	*items = NULL;
	*n = 0;
	read_lines(path, &lines, &nl);
	free(path);
	for (int i = 0; i < nl; i++) {
		if (name && strncmp(lines[i], name, klen) == 0 && lines[i][klen] == '\t') {
			memmove(lines[i], lines[i] + klen + 1, strlen(lines[i] + klen + 1) + 1);
			lines[(*n)++] = lines[i];
		} else {
			free(lines[i]);
		}
	}
	*items = lines;
	return 0;
}

void history_add(const char *name, const char *text)
{
	if (!name || !text || !*text || strchr(text, '\n') || strchr(name, '\t'))
		return;
	char **mine = NULL;
	int nm = 0;
	history_list(name, &mine, &nm);
	int same = nm > 0 && !strcmp(mine[nm - 1], text);
	history_free(mine, nm);
	char *path = history_path();
	char *dir = path ? fs_dirname(path) : NULL;
	if (same || !dir || fs_mkdirs(dir, NULL) < 0)
		goto cleanup;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		goto cleanup;
	struct buf line = BUF_INIT;
	buf_printf(&line, "%s\t%s\n", name, text);
	if (line.data && write(fd, line.data, line.len) < 0) {
		/* a history that cannot be written is not worth a message */
	}
	buf_free(&line);
	close(fd);
	/* keep the newest entries: rewrite when the file grew past twice */
	char **all = NULL;
	int na = 0;
	read_lines(path, &all, &na);
	if (na > 2 * HISTORY_KEEP) {
		struct buf keep = BUF_INIT;
		for (int i = na - HISTORY_KEEP; i < na; i++)
			buf_printf(&keep, "%s\n", all[i]);
		if (keep.data)
			fs_write_file(path, keep.data, keep.len, 0600, NULL);
		buf_free(&keep);
	}
	history_free(all, na);
cleanup:
	free(dir);
	free(path);
}
