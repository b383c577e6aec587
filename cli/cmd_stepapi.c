/* cli/cmd_stepapi.c — the commands a running step uses: `runlens ctx`,
 * `meta`, `metric`, `state`, `baseline` and `secret NAME KEY`.
 *
 * They read the step's context.json and append records through
 * librunlens (client/context.c); they never open the database.  Outside a
 * step they exit 3; bad input exits 2 and records nothing — bad by the
 * rules the runner ingests by (client/records.h), so nothing they accept
 * is dropped later.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "client/records.h"
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

/* TEXT, the value of KEY given to CMD ("meta", "state set"), into *OUT:
 * JSON when all of it is JSON, else (when AS_TEXT) a string.  JSON the
 * runner would not keep as written is refused (client/records.h). */
static int value_of(const char *cmd, const char *key, const char *text, int as_text,
		    cJSON **out, struct rl_err *err)
{
	int whole = 0;
	char *why = records_value_why(text, RECORDS_VALUE_DEPTH_MAX, &whole);
	if (why) {
		/* as it was given: `meta KEY=TEXT`, `state set KEY TEXT` */
		int meta = strcmp(cmd, "meta") == 0;
		if (!whole)
			rl_err_set(err, RL_E_INPUT, "%s %s%s%s: %s", cmd, key, meta ? "=" : " ",
				   text, why);
		else if (meta)
			rl_err_set(err, RL_E_INPUT, "meta %s=%s: %s; quote it to pass text: "
				   "runlens meta '%s=\"%s\"'", key, text, why, key, text);
		else
			rl_err_set(err, RL_E_INPUT, "%s %s %s: %s; quote it to pass text: "
				   "runlens %s %s '\"%s\"'", cmd, key, text, why, cmd, key, text);
		free(why);
		return -1;
	}
	*out = cJSON_ParseWithOpts(text, NULL, 1);
	if (!*out && as_text)
		*out = cJSON_CreateString(text);
	if (!*out)
		return rl_err_set(err, RL_E_INPUT,
				  "%s: the value of '%s' is not valid JSON: %s "
				  "(quote strings: '\"text\"')", cmd, key, text);
	return 0;
}

/* The object of CMD's values checked as the runner checks it. */
static int object_ok(const char *cmd, const cJSON *obj, const char *what,
		     struct rl_err *err)
{
	char *why = NULL;
	if (records_object_check(obj, what, &why) == 0)
		return 0;
	rl_err_set(err, RL_E_INPUT, "%s: %s", cmd, why ? why : "out of memory");
	free(why);
	return -1;
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
		cJSON *v = NULL;
		if (!key || value_of("meta", key, eq + 1, 1, &v, err) < 0) {
			free(key);
			cJSON_Delete(obj);
			return key ? -1 : rl_err_set(err, RL_E_NOMEM, NULL);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		cJSON_AddItemToObject(obj, key, v);
		free(key);
	}
	if (object_ok("meta", obj, "metadata", err) < 0) {
		cJSON_Delete(obj);
		return -1;
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
	char *why = NULL, *end;
	/* a decimal number ("-1.5", ".5", "1e-3", 5e-324): no hex, inf, nan
	 * or spaces, which strtod would take too */
	errno = 0;
	double v = strtod(text, &end);
	if (!*text || text[strspn(text, "0123456789+-.eE")] || *end)
		return rl_err_set(err, RL_E_INPUT,
				  "metric: '%s' is not a number (metric '%s')", text, key);
	/* kept exactly, as a number in a record is (1e999, 2^53 + 1) */
	const char *json = text[0] == '+' ? text + 1 : text;
	enum records_json_problem p = records_number_check(json, strlen(json));
	if (!p && errno == ERANGE && v == 0)
		p = RECORDS_JSON_TINY;
	if (p) {
		why = records_json_why(p, text, strlen(text), RECORDS_DEPTH_MAX);
		rl_err_set(err, RL_E_INPUT, "metric '%s': %s", key, why ? why : text);
		free(why);
		return -1;
	}
	if (records_metric_check(key, v, index != RL_NO_INDEX, (double)index, &why) < 0) {
		rl_err_set(err, RL_E_INPUT, "%s", why ? why : "out of memory");
		free(why);
		return -1;
	}
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
	if (!*argv[1]) /* what state set says of it */
		return rl_err_set(err, RL_E_USAGE, "state get: state keys must be non-empty");
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
	cJSON *v = NULL, *obj = NULL;
	if (value_of("state set", argv[1], argv[2], 0, &v, err) < 0)
		return -1;
	obj = cJSON_CreateObject();
	cJSON_AddItemToObject(obj, argv[1], v);
	int ok = object_ok("state set", obj, "state", err) == 0;
	cJSON_Delete(obj);
	if (!ok)
		return -1;
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
