/* cli/cmd_stack.c — `runlens stack register` and `runlens stack ls`. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "core/exec/executor.h"
#include "cli/output.h"
#include "core/session.h"
#include "store/store.h"
#include "util/fs.h"
#include "util/timeutil.h"

static int stack_register(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	static const struct option longopts[] = {
		{ "artifact-store", required_argument, NULL, 'a' },
		{ "orchestrator", required_argument, NULL, 'o' },
		{ "component", required_argument, NULL, 'c' },
		{ "store", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *art = NULL, *orch = "local";
	cJSON *comps = cJSON_CreateObject();
	struct store *s = NULL;
	char *abs = NULL;
	char *comps_json = NULL;
	int rc = -1, ch;
	c->cmd = "stack register";
	while ((ch = cli_getopt(c, argc, argv, "", longopts, err)) != -1) {
		switch (ch) {
		case 'a':
			art = optarg;
			break;
		case 'o':
			orch = optarg;
			break;
		case 'c': {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				rl_err_set(err, RL_E_USAGE,
					   "stack register: --component takes KIND=NAME, not '%s'",
					   optarg);
				goto cleanup;
			}
			char *k = strndup(optarg, (size_t)(eq - optarg));
			cJSON_DeleteItemFromObjectCaseSensitive(comps, k);
			cJSON_AddStringToObject(comps, k, eq + 1);
			free(k);
			break;
		}
		case 'S':
			c->store_flag = optarg;
			break;
		default:
			goto cleanup;
		}
	}
	if (argc - optind != 1) {
		rl_err_set(err, RL_E_USAGE,
			   "stack register: expected NAME --artifact-store PATH");
		goto cleanup;
	}
	const char *name = argv[optind];
	if (!art) {
		rl_err_set(err, RL_E_USAGE, "stack register: --artifact-store PATH is required");
		goto cleanup;
	}
	if (!executor_find(orch)) {
		rl_err_set(err, RL_E_INPUT,
			   "stack register: unknown orchestrator '%s' (known: local)", orch);
		goto cleanup;
	}
	abs = fs_absolute(art);
	comps_json = cJSON_PrintUnformatted(comps);
	if (session_open(c->store_flag, SESSION_CREATE, &s, err) < 0 ||
	    fs_mkdirs(abs, err) < 0 ||
	    store_stack_put(s, name, abs, orch, comps_json, err) < 0)
		goto cleanup;
	fprintf(c->out, "stack '%s': artifacts in %s, orchestrator %s\n", name, abs, orch);
	rc = 0;
cleanup:
	free(abs);
	free(comps_json);
	cJSON_Delete(comps);
	store_close(&s);
	return rc;
}

static int stack_ls(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "csv", no_argument, NULL, 'V' },
		{ "store", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, csv = 0, ch, rc = -1;
	struct store *s = NULL;
	c->cmd = "stack ls";
	while ((ch = cli_getopt(c, argc, argv, "", longopts, err)) != -1) {
		if (ch == 'J')
			json = 1;
		else if (ch == 'V')
			csv = 1;
		else if (ch == 'S')
			c->store_flag = optarg;
		else
			return -1;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0)
		return -1;
	struct table *t = table_new(4, "STACK", "ARTIFACT STORE", "ORCHESTRATOR", "COMPONENTS");
	cJSON *doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "stacks");
	struct store_stack def = { 0 };
	int have_default = store_stack_get(s, "default", &def, NULL) == 0;
	if (!have_default) {
		char *a = fs_join(store_dir(s), "artifacts");
		table_add_row(t, "default", a, "local", "");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", "default");
		cJSON_AddStringToObject(o, "artifact_store", a);
		cJSON_AddStringToObject(o, "orchestrator", "local");
		cJSON_AddObjectToObject(o, "components");
		cJSON_AddItemToArray(arr, o);
		free(a);
	}
	store_stack_clear(&def);
	char *after = NULL;
	for (;;) {
		struct store_stack *rows = NULL;
		int n = 0;
		if (store_stacks_page(s, after, 200, &rows, &n, err) < 0)
			goto cleanup;
		for (int i = 0; i < n; i++) {
			table_add_row(t, rows[i].name, rows[i].artifact_store,
				      rows[i].orchestrator, rows[i].components_json);
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", rows[i].name);
			cJSON_AddStringToObject(o, "artifact_store", rows[i].artifact_store);
			cJSON_AddStringToObject(o, "orchestrator", rows[i].orchestrator);
			cJSON *comp = cJSON_Parse(rows[i].components_json);
			cJSON_AddItemToObject(o, "components", comp ? comp : cJSON_CreateObject());
			cJSON_AddItemToArray(arr, o);
		}
		free(after);
		after = n ? strdup(rows[n - 1].name) : NULL;
		store_stacks_free(rows, n);
		if (n < 200)
			break;
	}
	if (json)
		out_json(c->out, doc);
	else if (csv)
		table_print_csv(t, c->out);
	else
		table_print(t, c->out, out_use_color(c->out));
	rc = 0;
cleanup:
	free(after);
	table_free(&t);
	cJSON_Delete(doc);
	store_close(&s);
	return rc;
}

int cmd_stack(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc >= 2 && strcmp(argv[1], "register") == 0)
		return stack_register(c, argc - 1, argv + 1, err);
	if (argc >= 2 && strcmp(argv[1], "ls") == 0)
		return stack_ls(c, argc - 1, argv + 1, err);
	return rl_err_set(err, RL_E_USAGE,
			  "stack: expected 'stack register NAME --artifact-store PATH' or 'stack ls'");
}
