/* cli/cmd_why.c — `runlens why RUN STEP`: why a step was cached or
 * re-executed, part by part of its cache key against the closest earlier
 * step run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/cache.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/num.h"

/* What `why` compares. */
struct why {
	int64_t run_id;
	struct store_run run;
	struct store_step_run st;  /* the step run asked about */
	struct store_step_run pst; /* the earlier one, when compare_to */
	int64_t compare_to;	   /* its id; 0 when there is none */
	cJSON *now, *before;	   /* the key parts of each (before: NULL) */
	cJSON *diff;		   /* cache_diff(now, before) */
	struct buf verdict;
};

static void why_clear(struct why *w)
{
	store_run_clear(&w->run);
	store_step_run_clear(&w->st);
	store_step_run_clear(&w->pst);
	cJSON_Delete(w->now);
	cJSON_Delete(w->before);
	cJSON_Delete(w->diff);
	buf_free(&w->verdict);
}

/* The step run W is compared with: the one it was cached from, else the
 * earlier run of the step whose key differs in the fewest parts (ties:
 * the newest; core/cache.h), and the parts that differ, real cause
 * first. */
static void find_earlier(struct store *s, struct why *w)
{
	w->compare_to = w->st.cached_from;
	if (w->compare_to) {
		char *before = NULL;
		store_cache_parts(s, w->compare_to, &before, NULL);
		w->before = before ? cJSON_Parse(before) : NULL;
		free(before);
		w->diff = w->before ? cache_diff_ranked(w->now, w->before) : NULL;
	} else {
		cache_closest(s, w->run.pipeline_id, w->st.name, w->st.id, w->now, &w->compare_to,
			      &w->before, &w->diff, NULL);
	}
	if (!w->diff)
		w->diff = cJSON_CreateArray();
	if (w->compare_to)
		store_step_run_get_by_id(s, w->compare_to, &w->pst, NULL);
}

static int why_load(struct store *s, struct why *w, struct rl_err *err)
{
	char *parts = NULL;
	if (store_run_get(s, w->run_id, &w->run, err) < 0 ||
	    store_cache_parts(s, w->st.id, &parts, err) < 0)
		return -1;
	if (!parts)
		return rl_err_set(err, RL_E_NOT_FOUND,
				  "step '%s' of run %lld has no cache key: it never started (%s)",
				  w->st.name, (long long)w->run_id, w->st.status);
	w->now = cJSON_Parse(parts);
	free(parts);
	find_earlier(s, w);
	return 0;
}

static void why_verdict(struct why *w)
{
	const struct store_step_run *st = &w->st, *pst = &w->pst;
	struct buf *v = &w->verdict;
	int ndiff = cJSON_GetArraySize(w->diff);
	cJSON *cfg = cJSON_Parse(st->config_json ? st->config_json : "{}");
	int cache_on = !cJSON_IsFalse(cJSON_GetObjectItem(cfg, "cache"));
	cJSON_Delete(cfg);
	int reused = st->decision && !strncmp(st->decision, "reused by --from", 16);
	if (st->cached_from && reused)
		buf_printf(v, "%s", st->decision);
	else if (st->cached_from)
		buf_printf(v, "cached: every part of the key matches step run %lld (run %lld), "
			   "whose outputs still verify", (long long)st->cached_from,
			   (long long)pst->run_id);
	else if (st->status && !strcmp(st->status, "cached"))
		/* its source's run was deleted since (cached_from went with it) */
		buf_printf(v, "cached from a step run deleted since (%s then)",
			   st->decision ? st->decision : "same key");
	else if (!w->compare_to)
		buf_printf(v, "ran: no earlier run of step '%s' to reuse", st->name);
	else if (ndiff) {
		buf_printf(v, "ran: %d part%s of the key differ%s from step run %lld (run %lld): ",
			   ndiff, ndiff == 1 ? "" : "s", ndiff == 1 ? "s" : "",
			   (long long)w->compare_to, (long long)pst->run_id);
		int k = 0;
		for (const cJSON *x = w->diff->child; x && k < 4; x = x->next, k++) {
			char *label = cache_part_label(cJSON_GetObjectItem(x, "part")->valuestring);
			buf_printf(v, "%s%s", k ? ", " : "", label ? label : "?");
			free(label);
		}
		if (ndiff > 4)
			buf_printf(v, " and %d more", ndiff - 4);
		if (st->decision && strncmp(st->decision, "changed:", 8) &&
		    strncmp(st->decision, "never ran", 9))
			buf_printf(v, " (%s)", st->decision);
	}
	else if (!cache_on)
		buf_printf(v, "ran: caching is off for this step (\"cache\": false, "
			   "--no-cache, or it uses secrets)");
	else if (w->run.rerun_of)
		buf_printf(v, "ran: same key as step run %lld; the rerun re-executed it "
			   "(--from or --force)", (long long)w->compare_to);
	else
		buf_printf(v, "ran: same key as step run %lld (run %lld), but that one %s",
			   (long long)w->compare_to, (long long)pst->run_id,
			   pst->status && strcmp(pst->status, "completed") &&
					   strcmp(pst->status, "cached")
				   ? "did not complete"
				   : "no longer verifies (outputs gone or changed)");
}

static void why_print_json(struct cli *c, const struct why *w)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "step", w->st.name);
	cJSON_AddNumberToObject(doc, "run_id", (double)w->run_id);
	cJSON_AddStringToObject(doc, "status", w->st.status);
	cJSON_AddBoolToObject(doc, "cached", w->st.cached_from != 0);
	cJSON_AddStringToObject(doc, "verdict", w->verdict.data);
	out_json_id(doc, "compared_to", w->compare_to);
	cJSON_AddStringToObject(doc, "key", w->st.cache_key ? w->st.cache_key : "");
	cJSON_AddItemToObject(doc, "parts", cJSON_Duplicate(w->now, 1));
	cJSON_AddItemToObject(doc, "differences", cJSON_Duplicate(w->diff, 1));
	out_json(c->out, doc);
	cJSON_Delete(doc);
}

/* A value short enough for a table cell (a hash: its first 12 digits). */
static char *short_json(const cJSON *v)
{
	if (!v || cJSON_IsNull(v))
		return strdup("-");
	if (cJSON_IsString(v)) {
		const char *t = v->valuestring;
		if (strlen(t) == 64 && strspn(t, "0123456789abcdef") == 64)
			return strndup(t, 12);
		return strdup(t);
	}
	return json_print(v, 0); /* 0.1 and 0.10000000000000002 differ */
}

/* A value whole, for CSV: a string as it is, anything else as JSON. */
static char *full_json(const cJSON *v)
{
	if (!v || cJSON_IsNull(v))
		return strdup("");
	return cJSON_IsString(v) ? strdup(v->valuestring) : json_print(v, 0);
}

/* One row: a leaf part NAME of this run's key, with value V; for CSV
 * (CSV) every value whole, the earlier one too when it is the same. */
static void add_leaf(struct table *t, const struct why *w, const char *name,
		     const cJSON *v, int csv)
{
	const cJSON *d = NULL;
	for (const cJSON *x = w->diff->child; x; x = x->next)
		if (!strcmp(cJSON_GetObjectItem(x, "part")->valuestring, name))
			d = x;
	char *(*shown)(const cJSON *) = csv ? full_json : short_json;
	char *a = shown(v);
	char *b = d	    ? shown(cJSON_GetObjectItem(d, "before"))
		  : csv	    ? (w->before ? full_json(v) : strdup(""))
			    : strdup(w->before ? "same" : "-");
	table_add_row(t, name, a, b, d ? csv ? "true" : "differs" : csv ? "false" : "");
	if (d)
		table_set_color(t, 3, "33");
	free(a);
	free(b);
}

/* The parts of the key: PART, THIS RUN, EARLIER and whether it differs. */
static struct table *why_table(const struct why *w, int csv)
{
	struct table *t = table_new(4, "PART", "THIS RUN", "EARLIER", csv ? "DIFFERS" : "");
	struct buf name = BUF_INIT;
	for (const cJSON *part = w->now ? w->now->child : NULL; part; part = part->next) {
		if (!cJSON_IsObject(part) || !part->child) {
			add_leaf(t, w, part->string, part, csv);
			continue;
		}
		for (const cJSON *x = part->child; x; x = x->next) {
			buf_reset(&name);
			buf_printf(&name, "%s.%s", part->string, x->string);
			add_leaf(t, w, name.data, x, csv);
		}
	}
	/* parts only the earlier run had */
	for (const cJSON *x = w->diff->child; x; x = x->next) {
		if (!cJSON_IsNull(cJSON_GetObjectItem(x, "now")))
			continue;
		char *b = (csv ? full_json : short_json)(cJSON_GetObjectItem(x, "before"));
		table_add_row(t, cJSON_GetObjectItem(x, "part")->valuestring, csv ? "" : "-", b,
			      csv ? "true" : "differs");
		free(b);
	}
	buf_free(&name);
	return t;
}

static void why_print_table(struct cli *c, const struct why *w, int csv)
{
	struct table *t = why_table(w, csv);
	if (csv) {
		table_print_csv(t, c->out);
	} else {
		out_linef(c->out, "%s %s in run %lld: %s", w->st.name, w->st.status,
			  (long long)w->run_id, w->verdict.data);
		fprintf(c->out, "\n");
		table_print(t, c->out, out_use_color(c->out));
	}
	table_free(&t);
}

int cmd_why(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int json = 0, csv = 0, ch, rc = -1;
	struct store *s = NULL;
	struct why w = { 0 };
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_JSON)
			json = 1;
		else if (ch == OPT_CSV)
			csv = 1;
		else
			return -1;
	}
	if (argc - optind != 2)
		return rl_err_set(err, RL_E_USAGE, "why: expected RUN STEP");
	if (cli_open_step(c, argv[optind], argv[optind + 1], &s, &w.run_id, &w.st, err) < 0 ||
	    why_load(s, &w, err) < 0)
		goto cleanup;
	why_verdict(&w);
	if (json)
		why_print_json(c, &w);
	else
		why_print_table(c, &w, csv);
	rc = 0;
cleanup:
	why_clear(&w);
	store_close(&s);
	return rc;
}
