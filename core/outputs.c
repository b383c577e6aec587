/* core/outputs.c — a run's outputs by name (core/outputs.h). */
#include "config.h"
#include "core/outputs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/spec.h"
#include "util/buf.h"
#include "util/fs.h"

static int bad_ref(const char *text, const char *why, struct rl_err *err)
{
	return rl_err_set(err, RL_E_USAGE, "'%s' is not STEP.OUTPUT[/PATH]: %s", text, why);
}

/* PATH stays inside the folder: relative, no ".." part. */
static int inside(const char *path)
{
	if (!*path || path[0] == '/')
		return 0;
	for (const char *p = path; p;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p = slash ? slash + 1 : NULL;
	}
	return 1;
}

int output_ref_parse(const char *text, struct output_ref *o, struct rl_err *err)
{
	memset(o, 0, sizeof *o);
	const char *dot = strchr(text, '.');
	if (!dot || dot == text)
		return bad_ref(text, "no step name before '.'", err);
	const char *slash = strchr(dot + 1, '/');
	size_t olen = slash ? (size_t)(slash - dot - 1) : strlen(dot + 1);
	o->step = strndup(text, (size_t)(dot - text));
	o->output = strndup(dot + 1, olen);
	if (slash && slash[1]) {
		o->sub = strdup(slash + 1);
		while (o->sub && *o->sub && o->sub[strlen(o->sub) - 1] == '/')
			o->sub[strlen(o->sub) - 1] = '\0'; /* "model/" is "model" */
	}
	if (!o->step || !o->output || (slash && slash[1] && !o->sub)) {
		output_ref_clear(o);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	const char *why = !spec_valid_name(o->step, 0)	   ? "not a step name"
			  : !spec_valid_name(o->output, 0) ? "not an output name"
			  : o->sub && !inside(o->sub)	   ? "the path leaves the output"
							   : NULL;
	if (why) {
		output_ref_clear(o);
		return bad_ref(text, why, err);
	}
	return 0;
}

/* "its outputs: a, b" (or "it has no outputs") for a message. */
static char *names_of(const struct store_artifact_ref *rows, int n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, n ? "its outputs: " : "it has no recorded outputs");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", rows[i].name);
	return buf_steal(&b);
}

/* The recorded output O->output of step run ID into O. */
static int take_output(struct store *s, int64_t run_id, const struct store_step_run *st,
		       struct output_ref *o, struct rl_err *err)
{
	struct store_artifact_ref *rows = NULL;
	int n = 0, rc = -1;
	if (store_outputs_of(s, st->id, &rows, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(rows[i].name, o->output) != 0)
			continue;
		o->sha256 = rows[i].sha256 ? strdup(rows[i].sha256) : NULL;
		o->type = rows[i].type ? strdup(rows[i].type) : NULL;
		o->size = rows[i].size;
		o->path = o->sub ? fs_join(rows[i].path, o->sub) : strdup(rows[i].path);
		rc = o->path ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
		goto done;
	}
	char *have = names_of(rows, n);
	rl_err_set(err, RL_E_NOT_FOUND, "step '%s' of run %lld has no recorded output '%s' (%s%s%s)",
		   o->step, (long long)run_id, o->output, have ? have : "",
		   strcmp(st->status, "completed") && strcmp(st->status, "cached") ? "; the step is " : "",
		   strcmp(st->status, "completed") && strcmp(st->status, "cached") ? st->status : "");
	free(have);
done:
	store_artifact_refs_free(rows, n);
	return rc;
}

int output_ref_resolve(struct store *s, int64_t run_id, const char *text,
		       struct output_ref *o, struct rl_err *err)
{
	if (output_ref_parse(text, o, err) < 0)
		return -1;
	struct store_step_run st = { 0 };
	int rc = -1;
	if (store_step_run_get(s, run_id, o->step, &st, err) < 0) {
		if (err && err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no step '%s'",
				   (long long)run_id, o->step);
		goto done;
	}
	o->step_run_id = st.id;
	if (take_output(s, run_id, &st, o, err) < 0)
		goto done;
	struct stat sb;
	if (stat(o->path, &sb) < 0) {
		if (o->sub)
			rl_err_set(err, RL_E_NOT_FOUND, "%s.%s of run %lld has no '%s'", o->step,
				   o->output, (long long)run_id, o->sub);
		else
			rl_err_set(err, RL_E_FAIL,
				   "%s.%s of run %lld is gone from the artifact store (%s: %s)",
				   o->step, o->output, (long long)run_id, o->path, strerror(errno));
		goto done;
	}
	o->is_dir = S_ISDIR(sb.st_mode);
	rc = 0;
done:
	store_step_run_clear(&st);
	if (rc < 0)
		output_ref_clear(o);
	return rc;
}

void output_ref_clear(struct output_ref *o)
{
	free(o->step);
	free(o->output);
	free(o->sub);
	free(o->sha256);
	free(o->type);
	free(o->path);
	memset(o, 0, sizeof *o);
}
