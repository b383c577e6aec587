/* tests/fuzz/fuzz_context.c — libFuzzer target: librunlens' context
 * reader (client/context.c).  The input's first line is a dotted path,
 * the rest a context.json: opening it must give a context or NULL with a
 * reason, and every lookup (the path, the shortcuts, the baseline) must
 * answer without crashing. */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runlens/context.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/runlens-fuzz-context.XXXXXX";
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/context.json", dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - data) : 0;
	char *key = malloc(plen + 1);
	if (!key)
		return 0;
	memcpy(key, data, plen);
	key[plen] = '\0';
	const uint8_t *doc = nl ? nl + 1 : data;
	size_t dlen = size - (size_t)(doc - data);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, doc, dlen) != (ssize_t)dlen)
		abort();
	close(fd);
	rl_context *c = rl_context_open_file(path);
	if (!c) {
		if (!*rl_last_error())
			abort();
		free(key);
		return 0;
	}
	double d;
	(void)rl_context_string(c, key);
	(void)rl_context_number(c, key, &d);
	free(rl_context_json(c, key));
	(void)rl_context_string(c, "run.name");
	(void)rl_input_path(c, key);
	(void)rl_output_path(c, key);
	(void)rl_baseline_path(c, key);
	(void)rl_baseline_path(c, "train.model");
	free(rl_state_get(c, key));
	rl_context_close(c);
	free(key);
	return 0;
}
