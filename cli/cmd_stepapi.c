/* cli/cmd_stepapi.c — the commands a running step uses: `runlens ctx`,
 * `meta`, `metric`, `state`, `baseline` and `secret NAME KEY`.
 *
 * They read the step's context.json and append records through
 * librunlens (client/context.c); they never open the database.  Outside a
 * step they exit 3; bad input exits 2 and records nothing.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "client/runlens/context.h"
#include "cli/cli.h"
#include "core/context.h"
#include "util/buf.h"
#include "util/num.h"

static rl_context *open_ctx(struct rl_err *err)
{
	rl_context *ctx = rl_context_open();
	if (!ctx) {
		if (getenv("RUNLENS_CONTEXT") && *getenv("RUNLENS_CONTEXT"))
			rl_err_set(err, RL_E_NOT_STEP, "not inside a runlens step (%s)",
				   rl_last_error());
		else
			rl_err_set(err, RL_E_NOT_STEP, "not inside a runlens step");
	}
	return ctx;
}

static int write_failed(struct rl_err *err)
{
	return rl_err_set(err, RL_E_FAIL, "%s", rl_last_error());
}

/* Print a context value: strings raw, anything else as JSON. */
static void print_value(struct cli *c, rl_context *ctx, const char *field)
{
	const char *s = field ? rl_context_string(ctx, field) : NULL;
	if (s) {
		fprintf(c->out, "%s\n", s);
		return;
	}
	char *j = rl_context_json(ctx, field);
	fprintf(c->out, "%s\n", j);
	free(j);
}

int cmd_ctx(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc > 2)
		return rl_err_set(err, RL_E_USAGE, "ctx: unexpected argument '%s'",
				  argv[2]);
	if (argc == 2 && argv[1][0] == '-')
		return rl_err_set(err, RL_E_USAGE, "ctx: unknown option '%s'", argv[1]);
	rl_context *ctx = open_ctx(err);
	if (!ctx)
		return -1;
	int rc = 0;
	if (argc == 2) {
		char *j = rl_context_json(ctx, argv[1]);
		if (!j)
			rc = rl_err_set(err, RL_E_NOT_FOUND, "no field '%s' in the step context",
					argv[1]);
		free(j);
	}
	if (rc == 0)
		print_value(c, ctx, argc == 2 ? argv[1] : NULL);
	rl_context_close(ctx);
	return rc;
}

/* VALUE as JSON when it parses as JSON, else as a JSON string. */
static cJSON *value_of(const char *text)
{
	cJSON *v = cJSON_Parse(text);
	return v ? v : cJSON_CreateString(text);
}

int cmd_meta(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	const char *output = NULL;
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch != 'o')
			return -1;
		output = optarg;
	}
	if (optind >= argc)
		return rl_err_set(err, RL_E_USAGE, "meta: expected KEY=VALUE…");
	/* validate everything before recording anything */
	cJSON *obj = cJSON_CreateObject();
	for (int i = optind; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			cJSON_Delete(obj);
			return rl_err_set(err, RL_E_INPUT,
					  "meta: expected KEY=VALUE, got '%s'", argv[i]);
		}
		char *key = strndup(argv[i], (size_t)(eq - argv[i]));
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		cJSON_AddItemToObject(obj, key, value_of(eq + 1));
		free(key);
	}
	rl_context *ctx = open_ctx(err);
	if (!ctx) {
		cJSON_Delete(obj);
		return -1;
	}
	int rc = 0;
	char *json = json_print(obj, 0);
	cJSON_Delete(obj);
	if (output && !rl_output_path(ctx, output)) {
		rc = rl_err_set(err, RL_E_INPUT,
				"meta: '%s' is not a declared output of step '%s'",
				output, rl_context_string(ctx, "step.name"));
	} else if (rl_log_metadata_object(ctx, output, json) < 0) {
		rc = write_failed(err);
	}
	free(json);
	rl_context_close(ctx);
	return rc;
}

int cmd_metric(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	long long index = RL_NO_INDEX;
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch != 'i')
			return -1;
		char *end;
		errno = 0;
		index = strtoll(optarg, &end, 10);
		if (!*optarg || *end || errno)
			return rl_err_set(err, RL_E_INPUT,
					  "metric: --index takes an integer, not '%s'",
					  optarg);
	}
	if (argc - optind != 2)
		return rl_err_set(err, RL_E_USAGE,
				  "metric: expected KEY VALUE [--index N]");
	const char *key = argv[optind], *text = argv[optind + 1];
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	while (*end && isspace((unsigned char)*end))
		end++;
	if (!*text || *end || errno == ERANGE || !isfinite(v))
		return rl_err_set(err, RL_E_INPUT,
				  "metric: '%s' is not a number (metric '%s')", text, key);
	if (!*key)
		return rl_err_set(err, RL_E_INPUT, "metric: empty KEY");
	rl_context *ctx = open_ctx(err);
	if (!ctx)
		return -1;
	int rc = rl_log_metric(ctx, key, v, index) < 0 ? write_failed(err) : 0;
	rl_context_close(ctx);
	return rc;
}

/* `runlens state` with no subcommand it knows */
int cmd_state(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	return rl_err_set(err, RL_E_USAGE,
			  "state: expected 'state get KEY' or 'state set KEY JSON'");
}

/* `state get KEY` */
int cmd_state_get(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc != 2)
		return rl_err_set(err, RL_E_USAGE, "state: expected 'state get KEY'");
	rl_context *ctx = open_ctx(err);
	if (!ctx)
		return -1;
	int rc = 0;
	char *v = rl_state_get(ctx, argv[1]);
	if (!v)
		rc = rl_err_set(err, RL_E_NOT_FOUND, "state: no key '%s'", argv[1]);
	else
		fprintf(c->out, "%s\n", v);
	free(v);
	rl_context_close(ctx);
	return rc;
}

/* `state set KEY JSON` */
int cmd_state_set(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc != 3)
		return rl_err_set(err, RL_E_USAGE, "state: expected 'state set KEY JSON'");
	cJSON *v = cJSON_Parse(argv[2]);
	if (!v)
		return rl_err_set(err, RL_E_INPUT,
				  "state: the value of '%s' is not valid JSON: %s "
				  "(quote strings: '\"text\"')",
				  argv[1], argv[2]);
	cJSON_Delete(v);
	rl_context *ctx = open_ctx(err);
	if (!ctx)
		return -1;
	int rc = rl_state_set(ctx, argv[1], argv[2]) < 0 ? write_failed(err) : 0;
	rl_context_close(ctx);
	return rc;
}

int cmd_baseline(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc != 2 || !strchr(argv[1], '.'))
		return rl_err_set(err, RL_E_USAGE, "baseline: expected STEP.OUTPUT");
	rl_context *ctx = open_ctx(err);
	if (!ctx)
		return -1;
	int rc = 0;
	char *b = rl_context_json(ctx, "baseline");
	const char *path = rl_baseline_path(ctx, argv[1]);
	if (!b || strcmp(b, "null") == 0)
		rc = rl_err_set(err, RL_E_NOT_FOUND, "no baseline run for this run");
	else if (!path)
		rc = rl_err_set(err, RL_E_NOT_FOUND,
				"the baseline run (%s) has no output %s",
				rl_context_string(ctx, "baseline.run_name"), argv[1]);
	else
		fprintf(c->out, "%s\n", path);
	free(b);
	rl_context_close(ctx);
	return rc;
}

/* `runlens secret NAME KEY` inside a step. */
int cmd_secret_get(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc != 3)
		return rl_err_set(err, RL_E_USAGE,
				  "secret: expected 'secret NAME KEY' (in a step) or "
				  "'secret set|ls|rm'");
	rl_context *ctx = open_ctx(err);
	if (!ctx)
		return -1;
	int rc = 0;
	cJSON *decl = NULL;
	char *names = rl_context_json(ctx, "step.secrets");
	decl = names ? cJSON_Parse(names) : NULL;
	int declared = 0;
	for (cJSON *it = decl ? decl->child : NULL; it; it = it->next)
		declared |= cJSON_IsString(it) && strcmp(it->valuestring, argv[1]) == 0;
	if (!declared) {
		rc = rl_err_set(err, RL_E_INPUT,
				"secret: step '%s' does not declare the secret '%s'",
				rl_context_string(ctx, "step.name"), argv[1]);
	} else {
		struct buf name = BUF_INIT;
		char *a = context_env_name("RUNLENS_SECRET_", argv[1]);
		char *b = context_env_name("", argv[2]);
		buf_printf(&name, "%s_%s", a, b);
		const char *v = getenv(name.data);
		if (!v)
			rc = rl_err_set(err, RL_E_NOT_FOUND, "secret '%s' has no key '%s'",
					argv[1], argv[2]);
		else
			fprintf(c->out, "%s\n", v);
		free(a);
		free(b);
		buf_free(&name);
	}
	cJSON_Delete(decl);
	free(names);
	rl_context_close(ctx);
	return rc;
}
