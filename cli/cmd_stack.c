/* cli/cmd_stack.c — `runlens stack register`, `stack ls` and `stack rm`. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "core/exec/executor.h"
#include "core/spec.h"
#include "cli/output.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"

#define STACK_PAGE 200

/* --component KIND=NAME into COMPS (a later KIND replaces an earlier). */
static int add_component(cJSON *comps, const char *arg, struct rl_err *err)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return rl_err_set(err, RL_E_USAGE,
				  "stack register: --component takes KIND=NAME, not '%s'", arg);
	char *k = strndup(arg, (size_t)(eq - arg));
	if (!k)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	cJSON_DeleteItemFromObjectCaseSensitive(comps, k);
	cJSON_AddStringToObject(comps, k, eq + 1);
	free(k);
	return 0;
}

/* --partition, --account, --qos, --slurm-opt into SET; 1 when CH is none
 * of them. */
static int add_setting(cJSON *set, int ch, const char *arg, struct rl_err *err)
{
	static const struct {
		int id;
		const char *key, *opt;
	} names[] = { { OPT_PARTITION, "partition", "--partition" },
		      { OPT_ACCOUNT, "account", "--account" },
		      { OPT_QOS, "qos", "--qos" } };
	const char *why;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (ch != names[i].id)
			continue;
		if (!*arg || strpbrk(arg, " \t\n,"))
			return rl_err_set(err, RL_E_USAGE,
					  "stack register: %s takes a name without spaces or "
					  "commas, not '%s'", names[i].opt, arg);
		cJSON_DeleteItemFromObjectCaseSensitive(set, names[i].key);
		cJSON_AddStringToObject(set, names[i].key, arg);
		return 0;
	}
	if (ch != OPT_SLURM_OPT)
		return 1;
	if (spec_check_slurm_opt(arg, &why) < 0)
		return rl_err_set(err, RL_E_USAGE, "stack register: --slurm-opt '%s': %s", arg,
				  why);
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(set, "slurm_opts");
	if (!opts)
		opts = cJSON_AddArrayToObject(set, "slurm_opts");
	cJSON_AddItemToArray(opts, cJSON_CreateString(arg));
	return 0;
}

/* The settings of a stack as people read them: " (partition gpu,
 * account a, qos q, --constraint=x)" ("" when none). */
static char *settings_text(const cJSON *set)
{
	struct buf b = BUF_INIT;
	static const char *const keys[] = { "partition", "account", "qos" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(set, keys[i]);
		if (cJSON_IsString(v))
			buf_printf(&b, "%s%s %s", b.len ? ", " : "", keys[i], v->valuestring);
	}
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(set, "slurm_opts");
	for (const cJSON *o = cJSON_IsArray(opts) ? opts->child : NULL; o; o = o->next)
		if (cJSON_IsString(o))
			buf_printf(&b, "%s%s", b.len ? ", " : "", o->valuestring);
	return b.data ? buf_steal(&b) : strdup("");
}

/* What `stack register` was asked for. */
struct register_args {
	const char *name, *art, *orch;
	int force;
	cJSON *comps, *set; /* --component NAME=…, the orchestrator's settings */
};

static int parse_register(struct cli *c, int argc, char **argv, struct register_args *a,
			  struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		int r = add_setting(a->set, ch, optarg, err);
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		if (ch == OPT_ARTIFACT_STORE)
			a->art = optarg;
		else if (ch == OPT_FORCE)
			a->force = 1;
		else if (ch == OPT_ORCHESTRATOR)
			a->orch = optarg;
		else if (ch != OPT_COMPONENT || add_component(a->comps, optarg, err) < 0)
			return -1;
	}
	if (argc - optind != 1)
		return rl_err_set(err, RL_E_USAGE, "stack register: expected NAME --artifact-store PATH");
	a->name = argv[optind];
	if (!spec_valid_name(a->name, 1))
		return rl_err_set(err, RL_E_USAGE,
				  "stack register: '%s' is not a stack name (letters, digits, '_', '-' "
				  "and '.')", a->name);
	if (!a->art || !*a->art)
		return rl_err_set(err, RL_E_USAGE, "stack register: --artifact-store PATH is required");
	const struct executor_ops *ops = executor_find(a->orch);
	if (!ops)
		return rl_err_set(err, RL_E_USAGE,
				  "stack register: unknown orchestrator '%s' (known: %s)", a->orch,
				  executor_flavors());
	if (a->set->child && !ops->places_jobs)
		return rl_err_set(err, RL_E_USAGE,
				  "stack register: --%s is for a cluster orchestrator (--orchestrator "
				  "slurm), not '%s'", a->set->child->string[0] == 's' ? "slurm-opt"
				  : a->set->child->string, a->orch);
	return 0;
}

/* The stack as A says, its artifact store ABS made, in one transaction;
 * *EXISTED: it replaced one. */
static int save_stack(struct store *s, const struct register_args *a, const char *abs,
		      int *existed, struct rl_err *err)
{
	char *comps_json = cJSON_PrintUnformatted(a->comps);
	char *set_json = cJSON_PrintUnformatted(a->set);
	struct store_stack old = { 0 };
	int rc = -1;
	if (!comps_json || !set_json) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (store_begin(s, err) < 0)
		goto cleanup;
	*existed = store_stack_get(s, a->name, &old, NULL) == 0;
	store_stack_clear(&old);
	if (*existed && !a->force)
		rl_err_set(err, RL_E_FAIL,
			   "stack register: stack '%s' exists (--force replaces it, its "
			   "settings and components with it)", a->name);
	/* the whole stack is what this command says: with --force, settings
	 * and components left out are cleared, not kept from the old one */
	else if (fs_mkdirs(abs, err) == 0 &&
		 store_stack_put(s, a->name, abs, a->orch, comps_json, err) == 0 &&
		 store_stack_set_settings(s, a->name, set_json, err) == 0 &&
		 store_commit(s, err) == 0)
		rc = 0;
	if (rc < 0)
		store_rollback(s);
cleanup:
	free(comps_json);
	free(set_json);
	return rc;
}

int cmd_stack_register(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct register_args a = { .orch = "local", .comps = cJSON_CreateObject(),
				   .set = cJSON_CreateObject() };
	struct store *s = NULL;
	char *abs = NULL;
	int rc = -1, existed = 0;
	if (!a.comps || !a.set) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (parse_register(c, argc, argv, &a, err) < 0)
		goto cleanup;
	if (!(abs = fs_absolute(a.art))) {
		rl_err_set(err, RL_E_IO, "stack register: cannot resolve '%s': %s", a.art,
			   strerror(errno));
		goto cleanup;
	}
	if (session_open(c->store_flag, SESSION_CREATE, &s, err) < 0 ||
	    save_stack(s, &a, abs, &existed, err) < 0)
		goto cleanup;
	char *st = settings_text(a.set);
	out_linef(c->out, "stack '%s'%s: artifacts in %s, orchestrator %s%s%s%s", a.name,
		  existed ? " replaced" : "", abs, a.orch,
		  st && *st ? " (" : "", st ? st : "", st && *st ? ")" : "");
	free(st);
	rc = 0;
cleanup:
	free(abs);
	cJSON_Delete(a.comps);
	cJSON_Delete(a.set);
	store_close(&s);
	return rc;
}

/* A row of the listing; COMPONENTS and SETTINGS are JSON text. */
static void add_stack(struct table *t, cJSON *arr, const char *name, const char *art,
		      const char *orch, const char *components, const char *settings)
{
	cJSON *set = cJSON_Parse(settings ? settings : "{}");
	if (!set)
		set = cJSON_CreateObject();
	char *st = settings_text(set);
	table_add_row(t, name, art, orch, st ? st : "", components);
	free(st);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "artifact_store", art);
	cJSON_AddStringToObject(o, "orchestrator", orch);
	cJSON_AddItemToObject(o, "settings", set);
	cJSON *comp = cJSON_Parse(components);
	cJSON_AddItemToObject(o, "components", comp ? comp : cJSON_CreateObject());
	cJSON_AddItemToArray(arr, o);
}

/* The stacks, "default" first when it is not registered. */
static int list_stacks(struct store *s, struct table *t, cJSON *arr, struct rl_err *err)
{
	struct store_stack def = { 0 };
	if (store_stack_get(s, "default", &def, NULL) < 0) {
		char *a = fs_join(store_dir(s), "artifacts");
		add_stack(t, arr, "default", a, "local", "", "{}");
		free(a);
	}
	store_stack_clear(&def);
	char *after = NULL;
	int rc = 0;
	for (int n = STACK_PAGE; n == STACK_PAGE && rc == 0;) {
		struct store_stack *rows = NULL;
		rc = store_stacks_page(s, after, STACK_PAGE, &rows, &n, err);
		for (int i = 0; rc == 0 && i < n; i++) {
			char *set = NULL;
			store_stack_settings(s, rows[i].name, &set, NULL);
			add_stack(t, arr, rows[i].name, rows[i].artifact_store,
				  rows[i].orchestrator, rows[i].components_json, set);
			free(set);
		}
		free(after);
		after = rc == 0 && n ? strdup(rows[n - 1].name) : NULL;
		store_stacks_free(rows, n);
	}
	free(after);
	return rc;
}

int cmd_stack_ls(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int json = 0, csv = 0, ch, rc = -1;
	struct store *s = NULL;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_JSON)
			json = 1;
		else if (ch == OPT_CSV)
			csv = 1;
		else
			return -1;
	}
	if (session_open(c->store_flag, 0, &s, err) < 0)
		return -1;
	struct table *t = table_new(5, "STACK", "ARTIFACT STORE", "ORCHESTRATOR", "SETTINGS",
				    "COMPONENTS");
	cJSON *doc = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(doc, "stacks");
	if (list_stacks(s, t, arr, err) < 0)
		goto cleanup;
	if (json)
		out_json(c->out, doc);
	else if (csv)
		table_print_csv(t, c->out);
	else
		table_print(t, c->out, out_use_color(c->out));
	rc = 0;
cleanup:
	table_free(&t);
	cJSON_Delete(doc);
	store_close(&s);
	return rc;
}

int cmd_stack_rm(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int force = 0, ch, rc = -1;
	struct store *s = NULL;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_FORCE)
			force = 1;
		else
			return -1;
	}
	if (argc - optind != 1)
		return rl_err_set(err, RL_E_USAGE, "stack rm: expected NAME");
	const char *name = argv[optind];
	if (session_open(c->store_flag, 0, &s, err) < 0 || store_begin(s, err) < 0)
		goto cleanup;
	int64_t runs = 0;
	struct store_stack st = { 0 };
	if (store_stack_get(s, name, &st, NULL) < 0) {
		rl_err_set(err, RL_E_NOT_FOUND, "stack rm: no stack '%s'%s", name,
			   strcmp(name, "default") == 0
				   ? " registered (the built-in default cannot be removed)"
				   : " (see 'runlens stack ls')");
		store_rollback(s);
		goto cleanup;
	}
	store_stack_clear(&st);
	if (store_stack_runs(s, name, &runs, err) < 0) {
		store_rollback(s);
		goto cleanup;
	}
	if (runs && !force) {
		store_rollback(s);
		rl_err_set(err, RL_E_FAIL,
			   "stack rm: stack '%s' is used by %lld run%s (--force removes it; "
			   "the runs keep its name)", name, (long long)runs, runs == 1 ? "" : "s");
		goto cleanup;
	}
	if (store_stack_rm(s, name, err) < 0 || store_commit(s, err) < 0) {
		store_rollback(s);
		goto cleanup;
	}
	if (runs)
		out_linef(c->out, "stack '%s' removed (%lld run%s ran on it; they keep its "
			  "name, their artifacts stay where they are)", name, (long long)runs,
			  runs == 1 ? "" : "s");
	else
		out_linef(c->out, "stack '%s' removed", name);
	rc = 0;
cleanup:
	store_close(&s);
	return rc;
}

/* `runlens stack` with no subcommand it knows */
int cmd_stack(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	return rl_err_set(err, RL_E_USAGE,
			  "stack: expected 'stack register NAME --artifact-store PATH', "
			  "'stack ls' or 'stack rm NAME'");
}
