/* core/exec/program.c — what every executor checks before a job exists:
 * the working folder and the program (core/exec/executor.h). */
#include "config.h"
#include "core/exec/executor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The programs found in PATH so far, by PATH and name: a run starts the
 * same few programs again and again, and searching a PATH of ten folders
 * is a dozen failed stat calls a step.  An entry is used while what it
 * found is still an executable file (one stat and one access); else the
 * search runs again. */
#define FOUND_SLOTS 16
static struct found_prog {
	char *path, *prog, *full;
} found_cache[FOUND_SLOTS];
static int found_next;

static int executable_file(const char *full)
{
	struct stat st;
	return stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
}

static const char *found_get(const char *path, const char *prog)
{
	for (int i = 0; i < FOUND_SLOTS; i++) {
		struct found_prog *f = &found_cache[i];
		if (f->full && strcmp(f->prog, prog) == 0 && strcmp(f->path, path) == 0)
			return executable_file(f->full) ? f->full : NULL;
	}
	return NULL;
}

static void found_put(const char *path, const char *prog, const char *full)
{
	struct found_prog *f = NULL;
	for (int i = 0; i < FOUND_SLOTS && !f; i++)
		if (found_cache[i].full && strcmp(found_cache[i].prog, prog) == 0 &&
		    strcmp(found_cache[i].path, path) == 0)
			f = &found_cache[i];
	if (!f) {
		f = &found_cache[found_next];
		found_next = (found_next + 1) % FOUND_SLOTS;
	}
	free(f->path);
	free(f->prog);
	free(f->full);
	f->path = strdup(path);
	f->prog = strdup(prog);
	f->full = strdup(full);
	if (!f->path || !f->prog || !f->full) {
		free(f->path);
		free(f->prog);
		free(f->full);
		f->path = f->prog = f->full = NULL;
	}
}

int exec_find_program(const char *prog, char *const *envp, char **found)
{
	*found = NULL;
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? 0 : errno;
	const char *path = NULL;
	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	const char *known = found_get(path, prog);
	if (known) {
		*found = strdup(known);
		return *found ? 0 : ENOMEM;
	}
	const char *whole = path;
	int found_noexec = 0;
	size_t plen = strlen(prog);
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t dl = colon ? (size_t)(colon - path) : strlen(path);
		char *full = malloc(dl + plen + 3);
		if (!full)
			return ENOMEM;
		if (dl == 0)
			snprintf(full, dl + plen + 3, "./%s", prog);
		else
			snprintf(full, dl + plen + 3, "%.*s/%s", (int)dl, path, prog);
		struct stat st;
		int ok = stat(full, &st) == 0 && S_ISREG(st.st_mode);
		int x = ok && access(full, X_OK) == 0;
		if (x && dl > 0 && full[0] == '/') {
			found_put(whole, prog, full);
			*found = full;
			return 0;
		}
		free(full);
		if (x)
			return 0;
		found_noexec |= ok;
		path += dl;
		if (*path == ':')
			path++;
	}
	return found_noexec ? EACCES : ENOENT;
}

int exec_check_start(const struct exec_request *req, char **prog, struct rl_err *err)
{
	struct stat st;
	*prog = NULL;
	if (!req->argv || !req->argv[0])
		return rl_err_set(err, RL_E_FAIL, "cannot start a job without a program");
	if (req->cwd && stat(req->cwd, &st) < 0)
		return rl_err_set(err, RL_E_FAIL, "cannot enter folder '%s': %s",
				  req->cwd, strerror(errno));
	if (req->cwd && !S_ISDIR(st.st_mode))
		return rl_err_set(err, RL_E_FAIL,
				  "cannot enter folder '%s': not a folder", req->cwd);
	/* a relative program path is looked up from the step's folder */
	int e0;
	const char *a0 = req->argv[0];
	if (req->cwd && strchr(a0, '/') && a0[0] != '/') {
		size_t n = strlen(req->cwd) + strlen(a0) + 2;
		char *full = malloc(n);
		if (!full)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		snprintf(full, n, "%s/%s", req->cwd, a0);
		e0 = access(full, X_OK) == 0 ? 0 : errno;
		free(full);
	} else {
		e0 = exec_find_program(a0, req->envp, prog);
	}
	if (e0)
		return rl_err_set(err, RL_E_FAIL, "cannot start '%s': %s", a0, strerror(e0));
	return 0;
}
