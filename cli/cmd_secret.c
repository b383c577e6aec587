/* cli/cmd_secret.c — `runlens secret set|ls|rm` for people, and
 * `runlens secret NAME KEY` for steps (cli/cmd_stepapi.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "util/mask.h"
#include "core/secrets.h"
#include "util/buf.h"

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static char *read_stdin(void)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_append(&b, chunk, n);
	char *s = buf_steal(&b);
	if (s) {
		size_t l = strlen(s);
		if (l && s[l - 1] == '\n')
			s[--l] = '\0';
		if (l && s[l - 1] == '\r')
			s[--l] = '\0';
	}
	return s;
}

/* A VALUE of KEY that masking could not hide: refused, never echoed. */
static int too_short(const char *name, const char *key, const char *value,
		     struct rl_err *err)
{
	if (mask_chars(value, strlen(value)) >= MASK_MIN_CHARS)
		return 0;
	return rl_err_set(err, RL_E_INPUT,
			  "secret set: the value of %s.%s is shorter than %d characters "
			  "(so short a value could not be masked in logs); nothing was saved",
			  name, key, MASK_MIN_CHARS);
}

/* KEY=VALUE arguments of secret NAME into an object (KEY=- reads stdin,
 * once). */
static cJSON *parse_values(const char *name, int argc, char **argv, struct rl_err *err)
{
	cJSON *vals = cJSON_CreateObject();
	int stdin_used = 0;
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			/* never echo the argument: it may hold the value */
			rl_err_set(err, RL_E_INPUT, "secret set: argument %d is not KEY=VALUE",
				   i + 1);
			goto fail;
		}
		char *key = strndup(argv[i], (size_t)(eq - argv[i]));
		if (!valid_name(key)) {
			rl_err_set(err, RL_E_INPUT, "secret set: '%s' is not a valid key", key);
			free(key);
			goto fail;
		}
		if (strcmp(eq + 1, "-") == 0 && stdin_used++) {
			free(key);
			rl_err_set(err, RL_E_USAGE, "secret set: only one KEY=- can read stdin");
			goto fail;
		}
		char *value = strcmp(eq + 1, "-") == 0 ? read_stdin() : strdup(eq + 1);
		if (too_short(name, key, value ? value : "", err) < 0) {
			free(value);
			free(key);
			goto fail;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(vals, key);
		cJSON_AddStringToObject(vals, key, value ? value : "");
		free(value);
		free(key);
	}
	return vals;
fail:
	cJSON_Delete(vals);
	return NULL;
}

/* `secret set NAME KEY=VALUE…` */
int cmd_secret_set(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc < 3)
		return rl_err_set(err, RL_E_USAGE,
				  "secret set: expected NAME KEY=VALUE… (VALUE '-' reads stdin)");
	const char *name = argv[1];
	/* not a subcommand's name: `secret NAME KEY` would not reach it */
	if (!valid_name(name) || cli_find(cli_find(cli_commands, "secret")->subs, name))
		return rl_err_set(err, RL_E_INPUT, "secret set: '%s' is not a valid secret name",
				  name);
	cJSON *vals = parse_values(name, argc - 2, argv + 2, err);
	cJSON *doc = NULL;
	if (!vals || secrets_load(&doc, err) < 0) {
		cJSON_Delete(vals);
		return -1;
	}
	cJSON *cur = cJSON_GetObjectItemCaseSensitive(doc, name);
	if (!cJSON_IsObject(cur)) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
		cur = cJSON_AddObjectToObject(doc, name);
	}
	for (cJSON *kv = vals->child; kv; kv = kv->next) {
		cJSON_DeleteItemFromObjectCaseSensitive(cur, kv->string);
		cJSON_AddItemToObject(cur, kv->string, cJSON_Duplicate(kv, 1));
	}
	int n = cJSON_GetArraySize(vals);
	cJSON_Delete(vals);
	int rc = secrets_save(doc, err);
	cJSON_Delete(doc);
	if (rc == 0)
		out_linef(c->out, "secret '%s': %d key%s set", name, n, n == 1 ? "" : "s");
	return rc;
}

/* `secret ls [--json]` */
int cmd_secret_ls(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int json = 0, csv = 0, ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_JSON)
			json = 1;
		else if (ch == OPT_CSV)
			csv = 1;
		else
			return -1;
	}
	if (optind < argc)
		return rl_err_set(err, RL_E_USAGE, "secret ls: unexpected argument '%s'",
				  argv[optind]);
	cJSON *doc = NULL;
	if (secrets_load(&doc, err) < 0)
		return -1;
	cJSON *out = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(out, "secrets");
	/* CSV: one row a key */
	struct table *t = table_new(2, "SECRET", csv ? "KEY" : "KEYS");
	for (cJSON *s = doc->child; s; s = s->next) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", s->string);
		cJSON *keys = cJSON_AddArrayToObject(o, "keys");
		struct buf kl = BUF_INIT;
		for (cJSON *k = s->child; k; k = k->next) {
			cJSON_AddItemToArray(keys, cJSON_CreateString(k->string));
			buf_printf(&kl, "%s%s", kl.len ? ", " : "", k->string);
			if (csv)
				table_add_row(t, s->string, k->string);
		}
		cJSON_AddItemToArray(arr, o);
		if (!csv)
			table_add_row(t, s->string, kl.data ? kl.data : "");
		buf_free(&kl);
	}
	if (json)
		out_json(c->out, out);
	else if (csv)
		table_print_csv(t, c->out);
	else if (table_rows(t) == 0)
		fprintf(c->out, "no secrets (runlens secret set NAME KEY=VALUE…)\n");
	else
		table_print(t, c->out, out_use_color(c->out));
	table_free(&t);
	cJSON_Delete(out);
	cJSON_Delete(doc);
	return 0;
}

/* `secret rm NAME` */
int cmd_secret_rm(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc != 2)
		return rl_err_set(err, RL_E_USAGE, "secret rm: expected NAME");
	cJSON *doc = NULL;
	if (secrets_load(&doc, err) < 0)
		return -1;
	int rc;
	if (!cJSON_GetObjectItemCaseSensitive(doc, argv[1])) {
		rc = rl_err_set(err, RL_E_NOT_FOUND, "no secret '%s'", argv[1]);
	} else {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, argv[1]);
		rc = secrets_save(doc, err);
		if (rc == 0)
			out_linef(c->out, "secret '%s' removed", argv[1]);
	}
	cJSON_Delete(doc);
	return rc;
}
