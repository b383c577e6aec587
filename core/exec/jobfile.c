/* core/exec/jobfile.c — the files that travel with a job
 * (core/exec/jobfile.h). */
#include "config.h"
#include "core/exec/jobfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "util/fs.h"

static cJSON *strv_json(char *const *v, int n)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; a && v && (n < 0 ? v[i] != NULL : i < n); i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static void add_string(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

int jobfile_write(const char *dir, const struct exec_request *req, struct rl_err *err)
{
	cJSON *o = cJSON_CreateObject();
	add_string(o, "name", req->name);
	cJSON_AddItemToObject(o, "argv", strv_json(req->argv, -1));
	cJSON_AddItemToObject(o, "env", strv_json(req->envp, -1));
	add_string(o, "cwd", req->cwd);
	add_string(o, "stdout", req->stdout_path);
	add_string(o, "stderr", req->stderr_path);
	cJSON_AddItemToObject(o, "mask", strv_json(req->mask, req->nmask));
	char *text = cJSON_PrintUnformatted(o);
	char *path = fs_join(dir, JOBFILE_JOB);
	int rc = text && path ? fs_write_file(path, text, strlen(text), 0600, err)
			      : rl_err_set(err, RL_E_NOMEM, NULL);
	if (text) /* it held the job's secrets */
		memset(text, 0, strlen(text));
	free(text);
	free(path);
	cJSON_Delete(o);
	return rc;
}

/* A NULL-terminated copy of the strings of array A. */
static char **json_strv(const cJSON *a, int *n)
{
	int k = cJSON_GetArraySize(a), i = 0;
	char **v = calloc((size_t)k + 1, sizeof(char *));
	if (!v)
		return NULL;
	for (const cJSON *it = cJSON_IsArray(a) ? a->child : NULL; it; it = it->next)
		if (cJSON_IsString(it) && !(v[i++] = strdup(it->valuestring)))
			return v; /* short: the caller sees a missing entry */
	if (n)
		*n = i;
	return v;
}

static char *json_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

static void wipe(char *text, size_t len)
{
	if (text)
		memset(text, 0, len);
	free(text);
}

int jobfile_read(const char *dir, struct jobfile *jf, struct rl_err *err)
{
	memset(jf, 0, sizeof *jf);
	if (!fs_is_dir(dir))
		return rl_err_set(err, RL_E_NOT_FOUND,
				  "no attempt folder '%s' on this node (%s): is the store on a "
				  "filesystem the nodes share?",
				  dir, fs_exists(dir) ? "not a folder" : strerror(ENOENT));
	char *path = fs_join(dir, JOBFILE_JOB), *text = NULL;
	size_t len = 0;
	int rc = -1;
	if (!path)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (fs_read_file(path, &text, &len, NULL) < 0) {
		rl_err_set(err, RL_E_NOT_FOUND, "cannot read '%s': %s (was the job started twice?)",
			   path, strerror(errno ? errno : ENOENT));
		goto cleanup;
	}
	unlink(path); /* it holds the secrets: gone before the step starts */
	cJSON *o = cJSON_ParseWithLength(text, len);
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(o, "argv");
	if (!cJSON_IsObject(o) || cJSON_GetArraySize(argv) < 1) {
		rl_err_set(err, RL_E_INPUT, "'%s' is not a job of runlens", path);
		cJSON_Delete(o);
		goto cleanup;
	}
	jf->name = json_str(o, "name");
	jf->argv = json_strv(argv, NULL);
	jf->envp = json_strv(cJSON_GetObjectItemCaseSensitive(o, "env"), NULL);
	jf->cwd = json_str(o, "cwd");
	jf->stdout_path = json_str(o, "stdout");
	jf->stderr_path = json_str(o, "stderr");
	jf->mask = json_strv(cJSON_GetObjectItemCaseSensitive(o, "mask"), &jf->nmask);
	cJSON_Delete(o);
	if (!jf->argv || !jf->envp || !jf->mask || !jf->stdout_path || !jf->stderr_path) {
		jobfile_clear(jf);
		rl_err_set(err, RL_E_INPUT, "'%s' is not a job of runlens", path);
		goto cleanup;
	}
	rc = 0;
cleanup:
	wipe(text, len);
	free(path);
	return rc;
}

static void strv_free(char **v, int wipe_them)
{
	for (int i = 0; v && v[i]; i++) {
		if (wipe_them)
			memset(v[i], 0, strlen(v[i]));
		free(v[i]);
	}
	free(v);
}

void jobfile_clear(struct jobfile *jf)
{
	if (!jf)
		return;
	free(jf->name);
	strv_free(jf->argv, 0);
	strv_free(jf->envp, 1);
	free(jf->cwd);
	free(jf->stdout_path);
	free(jf->stderr_path);
	strv_free(jf->mask, 1);
	memset(jf, 0, sizeof *jf);
}

int exit_status_write(const char *dir, const struct exit_status *st, struct rl_err *err)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "exit_code", st->exit_code);
	cJSON_AddNumberToObject(o, "signal", st->signal);
	cJSON_AddNumberToObject(o, "log_error", st->log_error);
	add_string(o, "error", st->error);
	add_string(o, "node", st->node);
	char *text = cJSON_PrintUnformatted(o);
	char *path = fs_join(dir, JOBFILE_STATUS);
	int rc = text && path ? fs_write_file(path, text, strlen(text), 0644, err)
			      : rl_err_set(err, RL_E_NOMEM, NULL);
	free(text);
	free(path);
	cJSON_Delete(o);
	return rc;
}

static int json_int(const cJSON *o, const char *k, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v) || v->valuedouble < -1 || v->valuedouble > 100000)
		return -1;
	*out = (int)v->valuedouble;
	return 0;
}

int exit_status_read(const char *dir, struct exit_status *st)
{
	memset(st, 0, sizeof *st);
	char *path = fs_join(dir, JOBFILE_STATUS), *text = NULL;
	size_t len = 0;
	struct rl_err e = RL_ERR_INIT;
	int rc = path && fs_read_file(path, &text, &len, &e) == 0 ? 1 : 0;
	if (!rc && e.code != RL_E_NOT_FOUND)
		rc = -1;
	rl_err_clear(&e);
	free(path);
	if (rc != 1) {
		free(text);
		return rc;
	}
	cJSON *o = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(o) || json_int(o, "exit_code", &st->exit_code) < 0 ||
	    json_int(o, "signal", &st->signal) < 0 || json_int(o, "log_error", &st->log_error) < 0)
		rc = -1;
	else {
		st->error = json_str(o, "error");
		st->node = json_str(o, "node");
	}
	cJSON_Delete(o);
	return rc;
}

void exit_status_clear(struct exit_status *st)
{
	if (st) {
		free(st->error);
		free(st->node);
		memset(st, 0, sizeof *st);
	}
}
