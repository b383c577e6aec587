/* core/secrets.c — the secrets file. */
#include "config.h"
#include "core/secrets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fs.h"

char *secrets_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	struct buf b = BUF_INIT;
	if (xdg && *xdg)
		buf_printf(&b, "%s/runlens/secrets.json", xdg);
	else
		buf_printf(&b, "%s/.config/runlens/secrets.json",
			   getenv("HOME") ? getenv("HOME") : ".");
	return buf_steal(&b);
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

int secrets_save(const cJSON *doc, struct rl_err *err)
{
	char *path = secrets_path();
	char *dir = path ? fs_dirname(path) : NULL;
	char *text = cJSON_Print(doc);
	int rc = -1;
	if (!path || !dir || !text) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (fs_mkdirs(dir, err) < 0)
		goto cleanup;
	chmod(dir, 0700);
	rc = fs_write_file(path, text, strlen(text), 0600, err);
cleanup:
	free(text);
	free(dir);
	free(path);
	return rc;
}
