/* cli/cmd_show.c — `runlens show RUN` and `runlens step RUN STEP`. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/show_given.h"
#include "cli/show_jobs.h"
#include "core/baseline.h"
#include "core/runs.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

/* The options and the NPOS arguments of show and step. */
static int parse_show(struct cli *c, int argc, char **argv, int *json,
		      int *csv, int *notes, int npos, struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_JSON)
			*json = 1;
		else if (ch == OPT_CSV && csv)
			*csv = 1;
		else if (ch == OPT_NOTES && notes)
			*notes = 1;
		else
			return -1;
	}
	if (argc - optind < npos)
		return rl_err_set(err, RL_E_USAGE, "%s: missing %s (see 'runlens help %s')",
				  c->cmd, argc - optind == 0 ? "RUN" : "STEP",
				  c->cmd);
	if (argc - optind > npos)
		return rl_err_set(err, RL_E_USAGE, "%s: unexpected argument '%s'",
				  c->cmd, argv[optind + npos]);
	return 0;
}

/* Print "  status    TEXT" (coloured as STATUS when COLOR; TEXT NULL:
 * STATUS). */
static void print_status(FILE *o, const char *status, const char *text, int color)
{
	if (!text)
		text = status;
	if (!color) {
		out_field(o, "status", text);
		return;
	}
	fprintf(o, "  status    \033[%sm", out_status_color(status));
	out_text(o, text);
	fprintf(o, "\033[0m\n");
}

/* ------------------------------------------------------------ show RUN */

struct show {
	struct store_run r, base; /* base: when base_id */
	int64_t base_id;
	int rerun_of_gone; /* the run it reran was deleted */
	struct store_step_run *steps;
	int nsteps;
	struct store_metric *ms;
	int nm;
	cJSON *params;
	char *base_how; /* "pinned", "rule tag=prod, from pin --where" or NULL */
	char *base_rule;
	struct store_note *notes; /* oldest first */
	int nnotes;
	int all_notes; /* --notes */
	struct store_step_executor *jobs; /* where their jobs ran (Slurm) */
	int njobs;
	int64_t sweep_id; /* the sweep it belongs to (0: none) */
	char *sweep_name;
};

static int show_load(struct cli *c, const char *ref, struct store **s,
		     struct show *sh, struct rl_err *err)
{
	int64_t id;
	if (cli_open_run(c, ref, s, &id, &sh->r, err) < 0 ||
	    store_step_runs_of_run(*s, id, &sh->steps, &sh->nsteps, err) < 0 ||
	    store_run_metrics(*s, id, &sh->ms, &sh->nm, err) < 0 ||
	    store_notes_of(*s, id, &sh->notes, &sh->nnotes, err) < 0 ||
	    store_run_executors(*s, id, &sh->jobs, &sh->njobs, err) < 0 ||
	    store_run_sweep(*s, id, &sh->sweep_id, &sh->sweep_name, err) < 0)
		return -1;
	enum baseline_how how;
	sh->base_id = baseline_chosen(*s, &sh->r, &how, &sh->base_rule);
	switch (how) {
	case BASELINE_PINNED: sh->base_how = strdup("pinned"); break;
	case BASELINE_WAS_PINNED: sh->base_how = strdup("pinned when it started"); break;
	case BASELINE_PIN_RULE:
	case BASELINE_FILE_RULE:
		sh->base_how = buf_format("by the rule %s, from %s", sh->base_rule ? sh->base_rule : "?",
					  how == BASELINE_PIN_RULE ? "pin --where" : "the pipeline file");
		break;
	default: break;
	}
	if (sh->base_id && store_run_get(*s, sh->base_id, &sh->base, NULL) < 0)
		sh->base_id = 0;
	sh->params = out_json_value(sh->r.params_json ? sh->r.params_json : "{}");
	if (sh->r.rerun_of) {
		struct store_run o = { 0 };
		struct rl_err e = RL_ERR_INIT;
		sh->rerun_of_gone = store_run_get(*s, sh->r.rerun_of, &o, &e) < 0 &&
				    e.code == RL_E_NOT_FOUND;
		rl_err_clear(&e);
		store_run_clear(&o);
	}
	return 0;
}

static void show_clear(struct show *sh)
{
	cJSON_Delete(sh->params);
	free(sh->sweep_name);
	free(sh->base_how);
	free(sh->base_rule);
	store_notes_free(sh->notes, sh->nnotes);
	store_step_executors_free(sh->jobs, sh->njobs);
	store_metrics_free(sh->ms, sh->nm);
	store_step_runs_free(sh->steps, sh->nsteps);
	store_run_clear(&sh->r);
	store_run_clear(&sh->base);
}

/* "retry_at": when a retrying step's next attempt starts (retry_delay),
 * else null. */
static void json_retry_at(cJSON *o, const struct store_step_run *st)
{
	if (!strcmp(st->status, "retrying") && st->retry_at_ms)
		out_json_time(o, "retry_at", st->retry_at_ms);
	else
		cJSON_AddNullToObject(o, "retry_at");
}

static struct table *steps_table(const struct show *sh)
{
	struct table *t = table_new(5, "STEP", "STATUS", "ATTEMPTS", "DURATION", "NOTE");
	table_align_right(t, 2);
	table_align_right(t, 3);
	struct buf note = BUF_INIT;
	for (int i = 0; i < sh->nsteps; i++) {
		const struct store_step_run *st = &sh->steps[i];
		char att[32], dur[32];
		snprintf(att, sizeof att, "%d/%d", st->attempts, st->max_attempts);
		out_duration(st->started_ms, st->ended_ms, dur, sizeof dur);
		if (!st->started_ms)
			snprintf(dur, sizeof dur, "-");
		buf_reset(&note);
		if (st->cached_from)
			buf_printf(&note, "from step run %lld", (long long)st->cached_from);
		else if (st->error && !strcmp(st->status, "completed"))
			buf_printf(&note, "retried (%s)", st->error);
		else if (st->error)
			buf_puts(&note, st->error);
		char status[48];
		runs_step_status(st->status, st->retry_at_ms - time_now_ms(), status, sizeof status);
		table_add_row(t, st->name, status, att, dur, note.data ? note.data : "");
		table_set_color(t, 1, out_status_color(st->status));
	}
	buf_free(&note);
	return t;
}

static void show_json(struct cli *c, const struct show *sh)
{
	const struct store_run *r = &sh->r;
	cJSON *doc = cJSON_CreateObject();
	out_json_run_head(doc, r);
	cJSON_AddItemToObject(doc, "params", cJSON_Duplicate(sh->params, 1));
	out_json_tags(doc, r->tags, r->ntags);
	cJSON *sa = cJSON_AddArrayToObject(doc, "steps");
	for (int i = 0; i < sh->nsteps; i++) {
		const struct store_step_run *st = &sh->steps[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", st->name);
		cJSON_AddStringToObject(o, "status", st->status);
		cJSON_AddNumberToObject(o, "attempts", st->attempts);
		json_retry_at(o, st);
		out_json_duration(o, st->started_ms, st->ended_ms);
		out_json_id(o, "cached_from", st->cached_from);
		out_json_str(o, "error", st->error);
		show_given_step_json(o, st);
		cJSON_AddItemToArray(sa, o);
	}
	show_jobs_json(sa, sh->jobs, sh->njobs);
	out_json_git(doc, r);
	cJSON_AddItemToObject(doc, "context", show_given_json(r->context_json));
	out_json_metrics(doc, "metrics", sh->ms, sh->nm);
	if (sh->base_id) {
		cJSON *b = cJSON_AddObjectToObject(doc, "baseline");
		cJSON_AddNumberToObject(b, "id", (double)sh->base.id);
		cJSON_AddStringToObject(b, "name", sh->base.name);
		out_json_str(b, "rule", sh->base_rule); /* chosen by a rule, or null */
	} else {
		cJSON_AddNullToObject(doc, "baseline");
	}
	if (sh->sweep_id) { /* as ls --json says it */
		cJSON *w = cJSON_AddObjectToObject(doc, "sweep");
		cJSON_AddNumberToObject(w, "id", (double)sh->sweep_id);
		out_json_str(w, "name", sh->sweep_name);
	} else {
		cJSON_AddNullToObject(doc, "sweep");
	}
	out_json_id(doc, "rerun_of", r->rerun_of); /* kept when that run is deleted */
	out_json_str(doc, "rerun_of_name", r->rerun_of ? r->rerun_of_name : NULL);
	cJSON_AddStringToObject(doc, "spec_path", r->spec_path ? r->spec_path : "");
	out_json_str(doc, "note", r->note); /* the newest */
	cJSON *notes = cJSON_AddArrayToObject(doc, "notes");
	for (int i = 0; i < sh->nnotes; i++) {
		cJSON *n = cJSON_CreateObject();
		out_json_time(n, "at", sh->notes[i].created_ms);
		cJSON_AddStringToObject(n, "text", sh->notes[i].text);
		cJSON_AddItemToArray(notes, n);
	}
	out_json(c->out, doc);
	cJSON_Delete(doc);
}

/* The lines above the steps: name, pipeline, status, times, labels. */
static void show_header(FILE *o, const struct show *sh, int color)
{
	const struct store_run *r = &sh->r;
	char when[32], dur[32];
	out_time(r->started_ms, when, sizeof when);
	out_duration(r->started_ms, r->ended_ms, dur, sizeof dur);
	out_linef(o, "run %lld  %s", (long long)r->id, r->name);
	out_field(o, "pipeline", r->pipeline);
	print_status(o, r->status, NULL, color);
	out_linef(o, "  started   %s (took %s)", when, dur);
	if (r->git_commit)
		out_linef(o, "  git       %s%s", r->git_commit,
			  r->git_dirty == 1 ? " (dirty: tracked files had changes)" : "");
	if (r->ntags) {
		struct buf tags = BUF_INIT;
		for (int i = 0; i < r->ntags; i++)
			buf_printf(&tags, "%s%s", i ? ", " : "", r->tags[i]);
		out_field(o, "tags", tags.data);
		buf_free(&tags);
	}
	if (sh->base_id)
		out_linef(o, "  baseline  %lld %s%s%s%s", (long long)sh->base.id, sh->base.name,
			  sh->base_how ? " (" : "", sh->base_how ? sh->base_how : "",
			  sh->base_how ? ")" : "");
	if (sh->sweep_id)
		out_linef(o, "  sweep     %lld %s", (long long)sh->sweep_id,
			  sh->sweep_name ? sh->sweep_name : "");
	if (r->rerun_of && r->rerun_of_name)
		out_linef(o, "  rerun of  %lld (%s%s)", (long long)r->rerun_of,
			  r->rerun_of_name, sh->rerun_of_gone ? ", deleted" : "");
	else if (r->rerun_of)
		out_linef(o, "  rerun of  %lld%s", (long long)r->rerun_of,
			  sh->rerun_of_gone ? " (deleted)" : "");
	if (r->note && !sh->all_notes)
		out_linef(o, "  note      %s%s", r->note,
			  sh->nnotes > 1 ? "  (the newest; show --notes for all)" : "");
	if (sh->all_notes && sh->nnotes) {
		out_line(o, "  notes");
		for (int i = 0; i < sh->nnotes; i++) {
			char at[32];
			out_time(sh->notes[i].created_ms, at, sizeof at);
			out_linef(o, "    %s  %s", at, sh->notes[i].text);
		}
	}
}

static void show_text(struct cli *c, const struct show *sh, const struct table *t)
{
	FILE *o = c->out;
	int color = out_use_color(o);
	show_header(o, sh, color);
	if (sh->params && sh->params->child) {
		fprintf(o, "\nparams\n");
		for (cJSON *p = sh->params->child; p; p = p->next) {
			char *v = json_print(p, 0);
			out_linef(o, "  %s = %s", p->string, v ? v : "");
			free(v);
		}
	}
	show_given_run_text(o, sh->r.context_json);
	fprintf(o, "\n");
	table_print(t, o, color);
	show_jobs_text(o, sh->jobs, sh->njobs);
	if (sh->nm)
		fprintf(o, "\nmetrics\n");
	for (int i = 0; i < sh->nm; i++) {
		const struct store_metric *m = &sh->ms[i];
		char v[NUM_BUF], lo[NUM_BUF], hi[NUM_BUF];
		num_shortest(m->value, v);
		if (m->count > 1) {
			num_shortest(m->min, lo);
			num_shortest(m->max, hi);
			out_linef(o, "  %s.%s = %s  (%lld points, min %s, max %s)", m->step, m->key,
				  v, (long long)m->count, lo, hi);
		} else {
			out_linef(o, "  %s.%s = %s", m->step, m->key, v);
		}
	}
}

int cmd_show(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int json = 0, csv = 0, rc = -1;
	struct store *s = NULL;
	struct show sh = { 0 };
	struct table *t = NULL;
	if (parse_show(c, argc, argv, &json, &csv, &sh.all_notes, 1, err) < 0 ||
	    show_load(c, argv[optind], &s, &sh, err) < 0)
		goto cleanup;
	t = steps_table(&sh);
	if (csv)
		table_print_csv(t, c->out);
	else if (json)
		show_json(c, &sh);
	else
		show_text(c, &sh, t);
	rc = 0;
cleanup:
	table_free(&t);
	show_clear(&sh);
	store_close(&s);
	return rc;
}

/* ------------------------------------------------------- step RUN STEP */

struct step_view {
	int64_t run_id;
	struct store_step_run st;
	struct store_attempt *atts;
	struct store_artifact_ref *ins, *outs;
	struct store_meta *metas;
	struct store_metric *ms;
	int natts, nins, nouts, nmetas, nm;
};

static int step_load(struct cli *c, const char *ref, const char *step, struct store **s,
		     struct step_view *v, struct rl_err *err)
{
	if (cli_open_step(c, ref, step, s, &v->run_id, &v->st, err) < 0)
		return -1;
	int64_t id = v->st.id;
	if (store_attempts_of(*s, id, &v->atts, &v->natts, err) < 0 ||
	    store_inputs_of(*s, id, &v->ins, &v->nins, err) < 0 ||
	    store_outputs_of(*s, id, &v->outs, &v->nouts, err) < 0 ||
	    store_metadata_of(*s, id, &v->metas, &v->nmetas, err) < 0 ||
	    store_step_metrics(*s, id, &v->ms, &v->nm, err) < 0)
		return -1;
	return 0;
}

static void step_clear(struct step_view *v)
{
	store_metrics_free(v->ms, v->nm);
	store_metas_free(v->metas, v->nmetas);
	store_artifact_refs_free(v->ins, v->nins);
	store_artifact_refs_free(v->outs, v->nouts);
	store_attempts_free(v->atts, v->natts);
	store_step_run_clear(&v->st);
}

static cJSON *artifact_json(const struct store_artifact_ref *a, int input)
{
	cJSON *o = cJSON_CreateObject();
	out_json_str(o, "path", a->path);
	out_json_str(o, "type", a->type);
	cJSON_AddNumberToObject(o, "size", (double)a->size);
	out_json_str(o, "sha256", a->sha256);
	out_json_id(o, "artifact_id", a->artifact_id);
	if (!input)
		return o;
	out_json_str(o, "source", a->source);
	if (a->producer_step) {
		cJSON *p = cJSON_AddObjectToObject(o, "producer");
		cJSON_AddNumberToObject(p, "run_id", (double)a->producer_run_id);
		cJSON_AddStringToObject(p, "step", a->producer_step);
		cJSON_AddStringToObject(p, "output",
					a->producer_output ? a->producer_output : "");
	} else {
		cJSON_AddNullToObject(o, "producer");
	}
	return o;
}

static cJSON *attempt_json(const struct store_attempt *a)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "number", a->number);
	cJSON_AddStringToObject(o, "status", a->status);
	out_json_time(o, "started_at", a->started_ms);
	out_json_time(o, "ended_at", a->ended_ms);
	out_json_duration(o, a->started_ms, a->ended_ms);
	if (a->ended_ms && a->exit_code >= 0 && !a->signal)
		cJSON_AddNumberToObject(o, "exit_code", a->exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	if (a->signal)
		cJSON_AddNumberToObject(o, "signal", a->signal);
	else
		cJSON_AddNullToObject(o, "signal");
	cJSON_AddBoolToObject(o, "timed_out", a->timed_out);
	out_json_str(o, "error", a->error);
	cJSON_AddStringToObject(o, "stdout", a->stdout_path ? a->stdout_path : "");
	cJSON_AddStringToObject(o, "stderr", a->stderr_path ? a->stderr_path : "");
	return o;
}

/* KEY: the metadata of output OUTPUT (NULL: of the step run itself). */
static void metadata_json(cJSON *o, const char *key, const struct step_view *v,
			  const char *output)
{
	cJSON *md = cJSON_AddObjectToObject(o, key);
	for (int k = 0; k < v->nmetas; k++) {
		const struct store_meta *m = &v->metas[k];
		if (output ? m->output && !strcmp(m->output, output) : !m->output)
			cJSON_AddItemToObject(md, m->key, out_json_value(m->value_json));
	}
}

static void step_json(struct cli *c, struct store *s, const struct step_view *v)
{
	const struct store_step_run *st = &v->st;
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "name", st->name);
	cJSON_AddNumberToObject(doc, "run_id", (double)v->run_id);
	cJSON_AddNumberToObject(doc, "step_run_id", (double)st->id);
	cJSON_AddStringToObject(doc, "status", st->status);
	json_retry_at(doc, st);
	out_json_time(doc, "started_at", st->started_ms);
	out_json_time(doc, "ended_at", st->ended_ms);
	out_json_duration(doc, st->started_ms, st->ended_ms);
	out_json_str(doc, "error", st->error);
	out_json_id(doc, "cached_from", st->cached_from);
	cJSON_AddItemToObject(doc, "config", out_json_value(st->config_json));
	cJSON *aa = cJSON_AddArrayToObject(doc, "attempts");
	for (int i = 0; i < v->natts; i++) {
		cJSON *a = attempt_json(&v->atts[i]);
		show_given_attempt_json(s, a, &v->atts[i], i == v->natts - 1, v->ms, v->nm);
		cJSON_AddItemToArray(aa, a);
	}
	cJSON *io = cJSON_AddObjectToObject(doc, "inputs");
	for (int i = 0; i < v->nins; i++)
		cJSON_AddItemToObject(io, v->ins[i].name, artifact_json(&v->ins[i], 1));
	cJSON *oo = cJSON_AddObjectToObject(doc, "outputs");
	for (int i = 0; i < v->nouts; i++) {
		cJSON *o = artifact_json(&v->outs[i], 0);
		metadata_json(o, "metadata", v, v->outs[i].name);
		cJSON_AddItemToObject(oo, v->outs[i].name, o);
	}
	metadata_json(doc, "metadata", v, NULL);
	cJSON *mm = cJSON_AddObjectToObject(doc, "metrics");
	for (int i = 0; i < v->nm; i++)
		cJSON_AddNumberToObject(mm, v->ms[i].key, v->ms[i].value);
	const char *ctx = v->natts ? v->atts[v->natts - 1].context_json : NULL;
	cJSON *cj = ctx ? cJSON_Parse(ctx) : NULL;
	cJSON_AddItemToObject(doc, "context", cj ? cj : cJSON_CreateNull());
	show_given_step_json(doc, st);
	show_attempt_jobs_json(s, doc, aa, v->atts, v->natts);
	out_json(c->out, doc);
	cJSON_Delete(doc);
}

static void print_artifacts(FILE *o, const struct step_view *v)
{
	if (v->nins)
		fprintf(o, "\ninputs\n");
	for (int i = 0; i < v->nins; i++) {
		const struct store_artifact_ref *a = &v->ins[i];
		out_linef(o, "  %s  %s", a->name, a->path ? a->path : "-");
		if (a->producer_step)
			out_linef(o, "      from %s.%s (run %lld)", a->producer_step,
				  a->producer_output ? a->producer_output : "",
				  (long long)a->producer_run_id);
		if (a->sha256)
			out_linef(o, "      sha256 %s  %lld bytes", a->sha256, (long long)a->size);
	}
	if (v->nouts)
		fprintf(o, "\noutputs\n");
	for (int i = 0; i < v->nouts; i++) {
		const struct store_artifact_ref *a = &v->outs[i];
		out_linef(o, "  %s  %s", a->name, a->path ? a->path : "-");
		out_linef(o, "      sha256 %s  %lld bytes%s", a->sha256 ? a->sha256 : "-",
			  (long long)a->size,
			  a->type && !strcmp(a->type, "dir") ? " (folder)" : "");
		for (int k = 0; k < v->nmetas; k++)
			if (v->metas[k].output && !strcmp(v->metas[k].output, a->name))
				out_linef(o, "      %s = %s", v->metas[k].key,
					  v->metas[k].value_json);
	}
}

static void print_metadata_metrics(FILE *o, const struct step_view *v)
{
	int nstepmeta = 0;
	for (int k = 0; k < v->nmetas; k++)
		nstepmeta += !v->metas[k].output;
	if (nstepmeta)
		fprintf(o, "\nmetadata\n");
	for (int k = 0; k < v->nmetas; k++)
		if (!v->metas[k].output)
			out_linef(o, "  %s = %s", v->metas[k].key, v->metas[k].value_json);
	if (v->nm)
		fprintf(o, "\nmetrics\n");
	for (int i = 0; i < v->nm; i++) {
		char num[NUM_BUF];
		num_shortest(v->ms[i].value, num);
		out_linef(o, "  %s = %s%s", v->ms[i].key, num,
			  v->ms[i].is_series ? " (last of a series)" : "");
	}
}

static void print_attempts(FILE *o, const struct step_view *v, int color)
{
	if (!v->natts)
		return;
	fprintf(o, "\n");
	struct table *t = table_new(5, "ATTEMPT", "STATUS", "EXIT", "DURATION", "NOTE");
	table_align_right(t, 0);
	table_align_right(t, 3);
	for (int i = 0; i < v->natts; i++) {
		const struct store_attempt *a = &v->atts[i];
		char num[16], ex[32], d[32];
		snprintf(num, sizeof num, "%d", a->number);
		if (!a->ended_ms)
			snprintf(ex, sizeof ex, "-");
		else if (a->signal)
			snprintf(ex, sizeof ex, "signal %d", a->signal);
		else
			snprintf(ex, sizeof ex, "%d", a->exit_code);
		out_duration(a->started_ms, a->ended_ms, d, sizeof d);
		table_add_row(t, num, a->status, ex, d, a->error ? a->error : "");
		table_set_color(t, 1, out_status_color(a->status));
	}
	table_print(t, o, color);
	table_free(&t);
	fprintf(o, "\n");
	out_linef(o, "logs: runlens logs %lld %s", (long long)v->run_id, v->st.name);
}

/* step --csv: the attempts, times in ISO 8601 UTC, durations in seconds. */
static void attempts_csv(FILE *o, const struct step_view *v)
{
	struct table *t = table_new(8, "ATTEMPT", "STATUS", "EXIT", "SIGNAL", "STARTED", "ENDED",
				    "DURATION", "ERROR");
	for (int i = 0; i < v->natts; i++) {
		const struct store_attempt *a = &v->atts[i];
		char num[16], ex[16], sig[16], st[32] = "", en[32] = "", d[NUM_BUF] = "";
		snprintf(num, sizeof num, "%d", a->number);
		snprintf(ex, sizeof ex, "%d", a->exit_code);
		snprintf(sig, sizeof sig, "%d", a->signal);
		if (a->started_ms)
			time_iso8601(a->started_ms, st, sizeof st);
		if (a->ended_ms) {
			time_iso8601(a->ended_ms, en, sizeof en);
			num_shortest((double)(a->ended_ms - a->started_ms) / 1000.0, d);
		}
		table_add_row(t, num, a->status, a->ended_ms && !a->signal ? ex : "",
			      a->signal ? sig : "", st, en, d, a->error ? a->error : "");
	}
	table_print_csv(t, o);
	table_free(&t);
}

static void step_text(struct cli *c, struct store *s, const struct step_view *v)
{
	FILE *o = c->out;
	int color = out_use_color(o);
	const struct store_step_run *st = &v->st;
	char dur[32];
	out_duration(st->started_ms, st->ended_ms, dur, sizeof dur);
	out_linef(o, "step %s  (run %lld, step run %lld)", st->name, (long long)v->run_id,
		  (long long)st->id);
	char status[48];
	runs_step_status(st->status, st->retry_at_ms - time_now_ms(), status, sizeof status);
	print_status(o, st->status, status, color);
	out_field(o, "duration", st->started_ms ? dur : "-");
	if (st->error)
		out_field(o, "error", st->error);
	if (st->cached_from)
		out_linef(o, "  cached    from step run %lld", (long long)st->cached_from);
	show_attempt_jobs_text(o, s, v->atts, v->natts);
	show_given_step_text(o, st);
	print_artifacts(o, v);
	print_metadata_metrics(o, v);
	show_given_attempts_text(s, o, v->atts, v->natts, v->ms, v->nm);
	print_attempts(o, v, color);
}

int cmd_step(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int json = 0, csv = 0, rc = -1;
	struct store *s = NULL;
	struct step_view v = { 0 };
	if (parse_show(c, argc, argv, &json, &csv, NULL, 2, err) < 0 ||
	    step_load(c, argv[optind], argv[optind + 1], &s, &v, err) < 0)
		goto cleanup;
	if (csv)
		attempts_csv(c->out, &v);
	else if (json)
		step_json(c, s, &v);
	else
		step_text(c, s, &v);
	rc = 0;
cleanup:
	step_clear(&v);
	store_close(&s);
	return rc;
}
