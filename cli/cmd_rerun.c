/* cli/cmd_rerun.c — `runlens rerun RUN` (from the recorded pipeline and
 * params) and `runlens why RUN STEP` (why a step was cached or ran). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/cache.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/plan.h"
#include "core/rerun.h"
#include "core/runner.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

static int push(char ***v, int *n, char *s)
{
	char **p = realloc(*v, (size_t)(*n + 2) * sizeof(char *));
	if (!p)
		return -1;
	*v = p;
	p[(*n)++] = s;
	p[*n] = NULL;
	return 0;
}

int cli_print_plan(struct cli *c, const struct runner_opts *o, int json,
		   struct rl_err *err)
{
	struct plan *p = NULL;
	if (runner_plan(o, &p, err) < 0)
		return -1;
	if (json) {
		cJSON *doc = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(doc, "plan");
		for (int k = 0; k < p->n; k++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "step", p->steps[k].name);
			cJSON_AddStringToObject(x, "action", plan_action_name(p->steps[k].action));
			cJSON_AddStringToObject(x, "why", p->steps[k].why);
			cJSON_AddItemToArray(arr, x);
		}
		out_json(c->out, doc);
		cJSON_Delete(doc);
	} else {
		struct table *t = table_new(3, "STEP", "ACTION", "WHY");
		for (int k = 0; k < p->n; k++) {
			table_add_row(t, p->steps[k].name, plan_action_name(p->steps[k].action),
				      p->steps[k].why);
			table_set_color(t, 1, p->steps[k].action == PLAN_RUN ? "36" : "32");
		}
		table_print(t, c->out, out_use_color(c->out));
		table_free(&t);
		fprintf(c->out, "\n%d to run, %d from cache, %d reused (dry run: nothing was run)\n",
			p->count[PLAN_RUN], p->count[PLAN_CACHED], p->count[PLAN_REUSED]);
	}
	plan_free(&p);
	return 0;
}

int cmd_rerun(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "force", required_argument, NULL, 'f' },
		{ "param", required_argument, NULL, 'p' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "name", required_argument, NULL, 'n' },
		{ "tag", required_argument, NULL, 't' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "store", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct runner_opts o = { 0 };
	int dry_run = 0;
	char **overrides = NULL, **force = NULL, **tags = NULL;
	int noverrides = 0, nforce = 0, ntags = 0, json = 0, ch, rc = -1;
	struct store *s = NULL;
	struct rerun *hold = NULL;
	while ((ch = cli_getopt(c, argc, argv, "p:j:n:t:", longopts, err)) != -1) {
		switch (ch) {
		case 'F':
			o.from_step = optarg;
			break;
		case 'f':
			if (push(&force, &nforce, optarg) < 0)
				goto nomem;
			break;
		case 'p':
			if (!strchr(optarg, '=')) {
				rl_err_set(err, RL_E_USAGE, "rerun: -p takes KEY=VALUE, not '%s'", optarg);
				goto cleanup;
			}
			if (push(&overrides, &noverrides, optarg) < 0)
				goto nomem;
			break;
		case 'j':
			if (cli_int(c, "-j", optarg, 0, &o.jobs, err) < 0)
				goto cleanup;
			break;
		case 'n':
			o.name = optarg;
			break;
		case 't':
			if (push(&tags, &ntags, optarg) < 0)
				goto nomem;
			break;
		case 'C':
			o.no_cache = 1;
			break;
		case 'D':
			dry_run = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'S':
			c->store_flag = optarg;
			break;
		default:
			goto cleanup;
		}
	}
	if (argc - optind != 1) {
		rl_err_set(err, RL_E_USAGE, "rerun: expected RUN (see 'runlens help rerun')");
		goto cleanup;
	}
	int64_t id;
	if (session_open(c->store_flag, 0, &s, err) < 0 ||
	    session_resolve_run(s, argv[optind], &id, err) < 0 ||
	    rerun_opts(s, id, overrides, noverrides, &o, &hold, err) < 0)
		goto cleanup;
	store_close(&s); /* the runner opens it again */
	o.tags = tags;
	o.ntags = ntags;
	o.force = force;
	o.nforce = nforce;
	o.store_flag = c->store_flag;
	if (dry_run) {
		rc = cli_print_plan(c, &o, json, err);
		goto cleanup;
	}
	rc = cli_run_pipeline(c, &o, json, err);
	goto cleanup;
nomem:
	rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	rerun_free(&hold);
	free(overrides);
	free(force);
	free(tags);
	store_close(&s);
	return rc;
}

static char *short_json(const cJSON *v)
{
	if (!v || cJSON_IsNull(v))
		return strdup("-");
	if (cJSON_IsString(v)) {
		const char *t = v->valuestring;
		if (strlen(t) == 64 && strspn(t, "0123456789abcdef") == 64) {
			/* a hash: its first 12 digits are enough to tell */
			return strndup(t, 12);
		}
		return strdup(t);
	}
	return cJSON_PrintUnformatted(v);
}

int cmd_why(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "store", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, ch, rc = -1;
	struct store *s = NULL;
	struct store_run run = { 0 };
	struct store_step_run st = { 0 };
	char *parts = NULL, *before = NULL;
	cJSON *now_j = NULL, *before_j = NULL, *diff = NULL, *doc = NULL;
	while ((ch = cli_getopt(c, argc, argv, "", longopts, err)) != -1) {
		if (ch == 'J')
			json = 1;
		else if (ch == 'S')
			c->store_flag = optarg;
		else
			return -1;
	}
	if (argc - optind != 2)
		return rl_err_set(err, RL_E_USAGE, "why: expected RUN STEP");
	int64_t id;
	if (session_open(c->store_flag, 0, &s, err) < 0 ||
	    session_resolve_run(s, argv[optind], &id, err) < 0 ||
	    store_run_get(s, id, &run, err) < 0)
		goto cleanup;
	if (store_step_run_get(s, id, argv[optind + 1], &st, err) < 0) {
		rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no step '%s'", (long long)id,
			   argv[optind + 1]);
		goto cleanup;
	}
	if (store_cache_parts(s, st.id, &parts, err) < 0)
		goto cleanup;
	if (!parts) {
		rl_err_set(err, RL_E_NOT_FOUND,
			   "step '%s' of run %lld has no cache key: it never started (%s)",
			   st.name, (long long)id, st.status);
		goto cleanup;
	}
	now_j = cJSON_Parse(parts);
	int64_t prev = 0;
	struct store_step_run pst = { 0 };
	int64_t compare_to = st.cached_from;
	if (compare_to) {
		store_cache_parts(s, compare_to, &before, NULL);
	} else if (store_cache_previous(s, run.pipeline_id, st.name, st.id, &prev, &before,
					NULL) == 0) {
		compare_to = prev;
	}
	if (compare_to)
		store_step_run_get_by_id(s, compare_to, &pst, NULL);
	before_j = before ? cJSON_Parse(before) : NULL;
	diff = before_j ? cache_diff(now_j, before_j) : cJSON_CreateArray();
	int ndiff = cJSON_GetArraySize(diff);

	struct buf verdict = BUF_INIT;
	cJSON *cfg = cJSON_Parse(st.config_json ? st.config_json : "{}");
	int cache_on = !cJSON_IsFalse(cJSON_GetObjectItem(cfg, "cache"));
	cJSON_Delete(cfg);
	if (st.cached_from)
		buf_printf(&verdict, "cached: every part of the key matches step run %lld (run %lld), "
			   "whose outputs still verify", (long long)st.cached_from,
			   (long long)pst.run_id);
	else if (!compare_to)
		buf_printf(&verdict, "ran: no earlier run of step '%s' to reuse", st.name);
	else if (ndiff)
		buf_printf(&verdict, "ran: %d part%s of the key differ from step run %lld (run %lld)",
			   ndiff, ndiff == 1 ? "" : "s", (long long)compare_to,
			   (long long)pst.run_id);
	else if (!cache_on)
		buf_printf(&verdict, "ran: caching is off for this step (\"cache\": false, "
			   "--no-cache, or it uses secrets)");
	else if (run.rerun_of)
		buf_printf(&verdict, "ran: same key as step run %lld; the rerun re-executed it "
			   "(--from or --force)", (long long)compare_to);
	else
		buf_printf(&verdict, "ran: same key as step run %lld (run %lld), but that one %s",
			   (long long)compare_to, (long long)pst.run_id,
			   pst.status && strcmp(pst.status, "completed") && strcmp(pst.status, "cached")
				   ? "did not complete"
				   : "no longer verifies (outputs gone or changed)");

	if (json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "step", st.name);
		cJSON_AddNumberToObject(doc, "run_id", (double)id);
		cJSON_AddStringToObject(doc, "status", st.status);
		cJSON_AddBoolToObject(doc, "cached", st.cached_from != 0);
		cJSON_AddStringToObject(doc, "verdict", verdict.data);
		if (compare_to)
			cJSON_AddNumberToObject(doc, "compared_to", (double)compare_to);
		else
			cJSON_AddNullToObject(doc, "compared_to");
		cJSON_AddStringToObject(doc, "key", st.cache_key ? st.cache_key : "");
		cJSON_AddItemToObject(doc, "parts", cJSON_Duplicate(now_j, 1));
		cJSON_AddItemToObject(doc, "differences", cJSON_Duplicate(diff, 1));
		out_json(c->out, doc);
	} else {
		fprintf(c->out, "%s %s in run %lld: %s\n\n", st.name, st.status, (long long)id,
			verdict.data);
		struct table *t = table_new(4, "PART", "THIS RUN", "EARLIER", "");
		for (cJSON *part = now_j ? now_j->child : NULL; part; part = part->next) {
			/* one row per leaf part */
			cJSON *leaves = cJSON_CreateArray();
			if (cJSON_IsObject(part) && part->child) {
				for (cJSON *x = part->child; x; x = x->next) {
					cJSON *row = cJSON_CreateObject();
					struct buf k = BUF_INIT;
					buf_printf(&k, "%s.%s", part->string, x->string);
					cJSON_AddStringToObject(row, "part", k.data);
					cJSON_AddItemToObject(row, "v", cJSON_Duplicate(x, 1));
					cJSON_AddItemToArray(leaves, row);
					buf_free(&k);
				}
			} else {
				cJSON *row = cJSON_CreateObject();
				cJSON_AddStringToObject(row, "part", part->string);
				cJSON_AddItemToObject(row, "v", cJSON_Duplicate(part, 1));
				cJSON_AddItemToArray(leaves, row);
			}
			for (cJSON *row = leaves->child; row; row = row->next) {
				const char *name = cJSON_GetObjectItem(row, "part")->valuestring;
				cJSON *d = NULL;
				for (cJSON *x = diff->child; x; x = x->next)
					if (!strcmp(cJSON_GetObjectItem(x, "part")->valuestring, name))
						d = x;
				char *a = short_json(cJSON_GetObjectItem(row, "v"));
				char *b = d ? short_json(cJSON_GetObjectItem(d, "before"))
					    : before_j ? strdup("same") : strdup("-");
				table_add_row(t, name, a, b, d ? "differs" : "");
				if (d)
					table_set_color(t, 3, "33");
				free(a);
				free(b);
			}
			cJSON_Delete(leaves);
		}
		/* parts only the earlier run had */
		for (cJSON *x = diff->child; x; x = x->next) {
			if (!cJSON_IsNull(cJSON_GetObjectItem(x, "now")))
				continue;
			char *b = short_json(cJSON_GetObjectItem(x, "before"));
			table_add_row(t, cJSON_GetObjectItem(x, "part")->valuestring, "-", b, "differs");
			free(b);
		}
		table_print(t, c->out, out_use_color(c->out));
		table_free(&t);
	}
	buf_free(&verdict);
	store_step_run_clear(&pst);
	rc = 0;
cleanup:
	cJSON_Delete(doc);
	cJSON_Delete(diff);
	cJSON_Delete(now_j);
	cJSON_Delete(before_j);
	free(parts);
	free(before);
	store_step_run_clear(&st);
	store_run_clear(&run);
	store_close(&s);
	return rc;
}
