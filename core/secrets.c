/* core/secrets.c — the secrets file. */
#include "config.h"
#include "core/secrets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

char *secrets_path(void)
{
	char *p = fs_xdg_file("XDG_CONFIG_HOME", ".config", "secrets.json");
	return p ? p : strdup("./.config/runlens/secrets.json"); /* no HOME: here */
}

int secrets_load(cJSON **out, struct rl_err *err)
{
	char *path = secrets_path();
	char *text = NULL;
	int rc = -1;
	struct stat st;
	if (!path)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			rl_err_set(err, RL_E_IO, "cannot read %s: %s", path, strerror(errno));
			goto cleanup;
		}
		*out = cJSON_CreateObject();
		rc = 0;
		goto cleanup;
	}
	if (st.st_mode & 077) {
		rl_err_set(err, RL_E_INPUT,
			   "refusing %s: group or others may access it (mode %04o); "
			   "run 'chmod 600 %s'",
			   path, (unsigned)(st.st_mode & 07777), path);
		goto cleanup;
	}
	if (fs_read_file(path, &text, NULL, err) < 0)
		goto cleanup;
	cJSON *doc = cJSON_Parse(text);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		rl_err_set(err, RL_E_INPUT, "%s is not a JSON object of secrets", path);
		goto cleanup;
	}
	*out = doc;
	rc = 0;
cleanup:
	free(text);
	free(path);
	return rc;
}

/* The file PATH names once its symlinks are followed (a dotfiles folder
 * holding the real secrets.json), malloc'd; PATH itself when it is no
 * symlink.  A link may point where nothing is yet.  NULL with *err. */
static char *link_target(const char *path, struct rl_err *err)
{
	char *at = strdup(path), *to = NULL, *target = NULL;
	struct stat st;
	for (int hops = 0; at && lstat(at, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		/* some file systems give a link no size */
		size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
		ssize_t n = -1;
		errno = ELOOP;
		if (hops < 40 && (to = malloc(cap)) != NULL)
			n = readlink(at, to, cap);
		if (n < 0 || (size_t)n >= cap) { /* it changed meanwhile */
			rl_err_set(err, RL_E_IO, "cannot follow the link %s: %s", path,
				   n < 0 ? strerror(errno) : "it changed");
			goto cleanup;
		}
		to[n] = '\0';
		char *dir = fs_dirname(at);
		free(at);
		at = dir ? fs_join(dir, to) : NULL; /* an absolute TO stays as it is */
		free(dir);
		free(to);
		to = NULL;
	}
	if (!at)
		rl_err_set(err, RL_E_NOMEM, NULL);
	target = at;
	at = NULL;
cleanup:
	free(to);
	free(at);
	return target;
}

int secrets_save(const cJSON *doc, struct rl_err *err)
{
	char *path = secrets_path();
	char *dir = path ? fs_dirname(path) : NULL;
	char *text = cJSON_Print(doc);
	char *target = NULL;
	int rc = -1;
	if (!path || !dir || !text) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (fs_mkdirs(dir, err) < 0)
		goto cleanup;
	chmod(dir, 0700);
	/* through a symlink, the file it points to is written: the link stays */
	if (!(target = link_target(path, err)))
		goto cleanup;
	rc = fs_write_file(target, text, strlen(text), 0600, err);
cleanup:
	free(target);
	free(text);
	free(dir);
	free(path);
	return rc;
}
