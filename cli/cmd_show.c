/* cli/cmd_show.c — `runlens show RUN` and `runlens step RUN STEP`. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/timeutil.h"

static void add_iso(cJSON *o, const char *key, int64_t ms)
{
	if (!ms) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	char iso[32];
	time_iso8601(ms, iso, sizeof iso);
	cJSON_AddStringToObject(o, key, iso);
}

static void add_duration(cJSON *o, int64_t start, int64_t end)
{
	if (!start) {
		cJSON_AddNullToObject(o, "duration");
		return;
	}
	if (!end)
		end = time_now_ms();
	cJSON_AddNumberToObject(o, "duration", (double)(end - start) / 1000.0);
}

/* Parse JSON text, or keep it as a string when it does not parse. */
static cJSON *json_value(const char *text)
{
	cJSON *v = text ? cJSON_Parse(text) : NULL;
	return v ? v : text ? cJSON_CreateString(text) : cJSON_CreateNull();
}

static int parse_show(struct cli *c, int argc, char **argv, int *json,
		      int *csv, int npos, struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_JSON)
			*json = 1;
		else if (ch == OPT_CSV && csv)
			*csv = 1;
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

int cmd_show(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int json = 0, csv = 0, rc = -1;
	struct store *s = NULL;
	struct store_run r = { 0 }, base = { 0 };
	struct store_step_run *steps = NULL;
	struct store_metric *ms = NULL;
	int nsteps = 0, nm = 0;
	cJSON *doc = NULL, *params = NULL;
	struct table *t = NULL;
	int64_t id;
	if (parse_show(c, argc, argv, &json, &csv, 1, err) < 0 ||
	    session_open(c->store_flag, 0, &s, err) < 0 ||
	    session_resolve_run(s, argv[optind], &id, err) < 0 ||
	    store_run_get(s, id, &r, err) < 0 ||
	    store_step_runs_of_run(s, id, &steps, &nsteps, err) < 0 ||
	    store_run_metrics(s, id, &ms, &nm, err) < 0)
		goto cleanup;
	int64_t base_id = session_baseline(s, &r);
	if (base_id && store_run_get(s, base_id, &base, NULL) < 0)
		base_id = 0;
	params = json_value(r.params_json ? r.params_json : "{}");

	t = table_new(5, "STEP", "STATUS", "ATTEMPTS", "DURATION", "NOTE");
	table_align_right(t, 2);
	table_align_right(t, 3);
	for (int i = 0; i < nsteps; i++) {
		struct store_step_run *st = &steps[i];
		char att[32], dur[32];
		snprintf(att, sizeof att, "%d/%d", st->attempts, st->max_attempts);
		out_duration(st->started_ms, st->ended_ms, dur, sizeof dur);
		if (!st->started_ms)
			snprintf(dur, sizeof dur, "-");
		struct buf note = BUF_INIT;
		if (st->cached_from)
			buf_printf(&note, "from step run %lld", (long long)st->cached_from);
		else if (st->error && !strcmp(st->status, "completed"))
			buf_printf(&note, "retried (%s)", st->error);
		else if (st->error)
			buf_puts(&note, st->error);
		table_add_row(t, st->name, st->status, att, dur,
			      note.data ? note.data : "");
		table_set_color(t, 1, out_status_color(st->status));
		buf_free(&note);
	}

	if (csv) {
		table_print_csv(t, c->out);
		rc = 0;
		goto cleanup;
	}
	if (json) {
		doc = cJSON_CreateObject();
		cJSON_AddNumberToObject(doc, "id", (double)r.id);
		cJSON_AddStringToObject(doc, "name", r.name);
		cJSON_AddStringToObject(doc, "pipeline", r.pipeline);
		cJSON_AddStringToObject(doc, "status", r.status);
		add_iso(doc, "started_at", r.started_ms);
		add_iso(doc, "ended_at", r.ended_ms);
		add_duration(doc, r.started_ms, r.ended_ms);
		cJSON_AddItemToObject(doc, "params", params);
		params = NULL;
		cJSON *tags = cJSON_AddArrayToObject(doc, "tags");
		for (int i = 0; i < r.ntags; i++)
			cJSON_AddItemToArray(tags, cJSON_CreateString(r.tags[i]));
		cJSON *sa = cJSON_AddArrayToObject(doc, "steps");
		for (int i = 0; i < nsteps; i++) {
			struct store_step_run *st = &steps[i];
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", st->name);
			cJSON_AddStringToObject(o, "status", st->status);
			cJSON_AddNumberToObject(o, "attempts", st->attempts);
			add_duration(o, st->started_ms, st->ended_ms);
			if (st->cached_from)
				cJSON_AddNumberToObject(o, "cached_from",
							(double)st->cached_from);
			else
				cJSON_AddNullToObject(o, "cached_from");
			if (st->error)
				cJSON_AddStringToObject(o, "error", st->error);
			else
				cJSON_AddNullToObject(o, "error");
			cJSON_AddItemToArray(sa, o);
		}
		cJSON *m = cJSON_AddObjectToObject(doc, "metrics");
		for (int i = 0; i < nm; i++) {
			struct buf k = BUF_INIT;
			buf_printf(&k, "%s.%s", ms[i].step, ms[i].key);
			cJSON_AddNumberToObject(m, k.data, ms[i].value);
			buf_free(&k);
		}
		if (base_id) {
			cJSON *b = cJSON_AddObjectToObject(doc, "baseline");
			cJSON_AddNumberToObject(b, "id", (double)base.id);
			cJSON_AddStringToObject(b, "name", base.name);
		} else {
			cJSON_AddNullToObject(doc, "baseline");
		}
		if (r.rerun_of)
			cJSON_AddNumberToObject(doc, "rerun_of", (double)r.rerun_of);
		else
			cJSON_AddNullToObject(doc, "rerun_of");
		cJSON_AddStringToObject(doc, "spec_path", r.spec_path ? r.spec_path : "");
		if (r.note)
			cJSON_AddStringToObject(doc, "note", r.note);
		else
			cJSON_AddNullToObject(doc, "note");
		out_json(c->out, doc);
		rc = 0;
		goto cleanup;
	}

	int color = out_use_color(c->out);
	FILE *o = c->out;
	char when[32], dur[32];
	out_time(r.started_ms, when, sizeof when);
	out_duration(r.started_ms, r.ended_ms, dur, sizeof dur);
	fprintf(o, "run %lld  %s\n", (long long)r.id, r.name);
	fprintf(o, "  pipeline  %s\n", r.pipeline);
	if (color)
		fprintf(o, "  status    \033[%sm%s\033[0m\n",
			out_status_color(r.status), r.status);
	else
		fprintf(o, "  status    %s\n", r.status);
	fprintf(o, "  started   %s (took %s)\n", when, dur);
	if (r.ntags) {
		fprintf(o, "  tags      ");
		for (int i = 0; i < r.ntags; i++)
			fprintf(o, "%s%s", i ? ", " : "", r.tags[i]);
		fprintf(o, "\n");
	}
	if (base_id)
		fprintf(o, "  baseline  %lld %s\n", (long long)base.id, base.name);
	if (r.rerun_of)
		fprintf(o, "  rerun of  %lld\n", (long long)r.rerun_of);
	if (r.note)
		fprintf(o, "  note      %s\n", r.note);
	if (params && params->child) {
		fprintf(o, "\nparams\n");
		for (cJSON *p = params->child; p; p = p->next) {
			char *v = cJSON_PrintUnformatted(p);
			fprintf(o, "  %s = %s\n", p->string, v ? v : "");
			free(v);
		}
	}
	fprintf(o, "\n");
	table_print(t, o, color);
	if (nm) {
		fprintf(o, "\nmetrics\n");
		for (int i = 0; i < nm; i++) {
			char v[32];
			out_number(ms[i].value, v, sizeof v);
			fprintf(o, "  %s.%s = %s", ms[i].step, ms[i].key, v);
			if (ms[i].count > 1) {
				char lo[32], hi[32];
				out_number(ms[i].min, lo, sizeof lo);
				out_number(ms[i].max, hi, sizeof hi);
				fprintf(o, "  (%lld points, min %s, max %s)",
					(long long)ms[i].count, lo, hi);
			}
			fprintf(o, "\n");
		}
	}
	rc = 0;
cleanup:
	cJSON_Delete(doc);
	cJSON_Delete(params);
	table_free(&t);
	store_metrics_free(ms, nm);
	store_step_runs_free(steps, nsteps);
	store_run_clear(&r);
	store_run_clear(&base);
	store_close(&s);
	return rc;
}

static cJSON *artifact_json(const struct store_artifact_ref *a, int input)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "path", a->path ? cJSON_CreateString(a->path)
						 : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "type", a->type ? cJSON_CreateString(a->type)
						 : cJSON_CreateNull());
	cJSON_AddNumberToObject(o, "size", (double)a->size);
	cJSON_AddItemToObject(o, "sha256", a->sha256 ? cJSON_CreateString(a->sha256)
						     : cJSON_CreateNull());
	if (a->artifact_id)
		cJSON_AddNumberToObject(o, "artifact_id", (double)a->artifact_id);
	else
		cJSON_AddNullToObject(o, "artifact_id");
	if (input) {
		cJSON_AddItemToObject(o, "source", a->source ? cJSON_CreateString(a->source)
							     : cJSON_CreateNull());
		if (a->producer_step) {
			cJSON *p = cJSON_AddObjectToObject(o, "producer");
			cJSON_AddNumberToObject(p, "run_id", (double)a->producer_run_id);
			cJSON_AddStringToObject(p, "step", a->producer_step);
			cJSON_AddStringToObject(p, "output",
						a->producer_output ? a->producer_output : "");
		} else {
			cJSON_AddNullToObject(o, "producer");
		}
	}
	return o;
}

int cmd_step(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int json = 0, rc = -1;
	struct store *s = NULL;
	struct store_step_run st = { 0 };
	struct store_attempt *atts = NULL;
	struct store_artifact_ref *ins = NULL, *outs = NULL;
	struct store_meta *metas = NULL;
	struct store_metric *ms = NULL;
	int natts = 0, nins = 0, nouts = 0, nmetas = 0, nm = 0;
	cJSON *doc = NULL;
	int64_t run_id;
	if (parse_show(c, argc, argv, &json, NULL, 2, err) < 0 ||
	    session_open(c->store_flag, 0, &s, err) < 0 ||
	    session_resolve_run(s, argv[optind], &run_id, err) < 0)
		goto cleanup;
	if (store_step_run_get(s, run_id, argv[optind + 1], &st, err) < 0) {
		if (err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no step '%s'",
				   (long long)run_id, argv[optind + 1]);
		goto cleanup;
	}
	if (store_attempts_of(s, st.id, &atts, &natts, err) < 0 ||
	    store_inputs_of(s, st.id, &ins, &nins, err) < 0 ||
	    store_outputs_of(s, st.id, &outs, &nouts, err) < 0 ||
	    store_metadata_of(s, st.id, &metas, &nmetas, err) < 0 ||
	    store_step_metrics(s, st.id, &ms, &nm, err) < 0)
		goto cleanup;

	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "name", st.name);
	cJSON_AddNumberToObject(doc, "run_id", (double)run_id);
	cJSON_AddNumberToObject(doc, "step_run_id", (double)st.id);
	cJSON_AddStringToObject(doc, "status", st.status);
	add_iso(doc, "started_at", st.started_ms);
	add_iso(doc, "ended_at", st.ended_ms);
	add_duration(doc, st.started_ms, st.ended_ms);
	if (st.error)
		cJSON_AddStringToObject(doc, "error", st.error);
	else
		cJSON_AddNullToObject(doc, "error");
	if (st.cached_from)
		cJSON_AddNumberToObject(doc, "cached_from", (double)st.cached_from);
	else
		cJSON_AddNullToObject(doc, "cached_from");
	cJSON_AddItemToObject(doc, "config", json_value(st.config_json));
	cJSON *aa = cJSON_AddArrayToObject(doc, "attempts");
	for (int i = 0; i < natts; i++) {
		struct store_attempt *a = &atts[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "number", a->number);
		cJSON_AddStringToObject(o, "status", a->status);
		add_iso(o, "started_at", a->started_ms);
		add_iso(o, "ended_at", a->ended_ms);
		add_duration(o, a->started_ms, a->ended_ms);
		if (a->ended_ms && a->exit_code >= 0 && !a->signal)
			cJSON_AddNumberToObject(o, "exit_code", a->exit_code);
		else
			cJSON_AddNullToObject(o, "exit_code");
		if (a->signal)
			cJSON_AddNumberToObject(o, "signal", a->signal);
		else
			cJSON_AddNullToObject(o, "signal");
		cJSON_AddBoolToObject(o, "timed_out", a->timed_out);
		if (a->error)
			cJSON_AddStringToObject(o, "error", a->error);
		else
			cJSON_AddNullToObject(o, "error");
		cJSON_AddStringToObject(o, "stdout", a->stdout_path ? a->stdout_path : "");
		cJSON_AddStringToObject(o, "stderr", a->stderr_path ? a->stderr_path : "");
		cJSON_AddItemToArray(aa, o);
	}
	cJSON *io = cJSON_AddObjectToObject(doc, "inputs");
	for (int i = 0; i < nins; i++)
		cJSON_AddItemToObject(io, ins[i].name, artifact_json(&ins[i], 1));
	cJSON *oo = cJSON_AddObjectToObject(doc, "outputs");
	for (int i = 0; i < nouts; i++) {
		cJSON *o = artifact_json(&outs[i], 0);
		cJSON *md = cJSON_AddObjectToObject(o, "metadata");
		for (int k = 0; k < nmetas; k++)
			if (metas[k].output && !strcmp(metas[k].output, outs[i].name))
				cJSON_AddItemToObject(md, metas[k].key,
						      json_value(metas[k].value_json));
		cJSON_AddItemToObject(oo, outs[i].name, o);
	}
	cJSON *md = cJSON_AddObjectToObject(doc, "metadata");
	for (int k = 0; k < nmetas; k++)
		if (!metas[k].output)
			cJSON_AddItemToObject(md, metas[k].key,
					      json_value(metas[k].value_json));
	cJSON *mm = cJSON_AddObjectToObject(doc, "metrics");
	for (int i = 0; i < nm; i++)
		cJSON_AddNumberToObject(mm, ms[i].key, ms[i].value);
	cJSON *ctx = natts && atts[natts - 1].context_json
			     ? cJSON_Parse(atts[natts - 1].context_json)
			     : NULL;
	cJSON_AddItemToObject(doc, "context", ctx ? ctx : cJSON_CreateNull());

	if (json) {
		out_json(c->out, doc);
		rc = 0;
		goto cleanup;
	}

	FILE *o = c->out;
	int color = out_use_color(o);
	char dur[32];
	out_duration(st.started_ms, st.ended_ms, dur, sizeof dur);
	fprintf(o, "step %s  (run %lld, step run %lld)\n", st.name,
		(long long)run_id, (long long)st.id);
	if (color)
		fprintf(o, "  status    \033[%sm%s\033[0m\n",
			out_status_color(st.status), st.status);
	else
		fprintf(o, "  status    %s\n", st.status);
	fprintf(o, "  duration  %s\n", st.started_ms ? dur : "-");
	if (st.error)
		fprintf(o, "  error     %s\n", st.error);
	if (st.cached_from)
		fprintf(o, "  cached    from step run %lld\n", (long long)st.cached_from);
	if (nins) {
		fprintf(o, "\ninputs\n");
		for (int i = 0; i < nins; i++) {
			fprintf(o, "  %s  %s\n", ins[i].name, ins[i].path ? ins[i].path : "-");
			if (ins[i].producer_step)
				fprintf(o, "      from %s.%s (run %lld)\n", ins[i].producer_step,
					ins[i].producer_output ? ins[i].producer_output : "",
					(long long)ins[i].producer_run_id);
			if (ins[i].sha256)
				fprintf(o, "      sha256 %s  %lld bytes\n", ins[i].sha256,
					(long long)ins[i].size);
		}
	}
	if (nouts) {
		fprintf(o, "\noutputs\n");
		for (int i = 0; i < nouts; i++) {
			fprintf(o, "  %s  %s\n", outs[i].name, outs[i].path ? outs[i].path : "-");
			fprintf(o, "      sha256 %s  %lld bytes%s\n",
				outs[i].sha256 ? outs[i].sha256 : "-",
				(long long)outs[i].size,
				outs[i].type && !strcmp(outs[i].type, "dir") ? " (folder)" : "");
			for (int k = 0; k < nmetas; k++)
				if (metas[k].output && !strcmp(metas[k].output, outs[i].name))
					fprintf(o, "      %s = %s\n", metas[k].key,
						metas[k].value_json);
		}
	}
	int nstepmeta = 0;
	for (int k = 0; k < nmetas; k++)
		nstepmeta += !metas[k].output;
	if (nstepmeta) {
		fprintf(o, "\nmetadata\n");
		for (int k = 0; k < nmetas; k++)
			if (!metas[k].output)
				fprintf(o, "  %s = %s\n", metas[k].key, metas[k].value_json);
	}
	if (nm) {
		fprintf(o, "\nmetrics\n");
		for (int i = 0; i < nm; i++) {
			char v[32];
			out_number(ms[i].value, v, sizeof v);
			fprintf(o, "  %s = %s%s\n", ms[i].key, v,
				ms[i].is_series ? " (last of a series)" : "");
		}
	}
	if (natts) {
		fprintf(o, "\n");
		struct table *t = table_new(5, "ATTEMPT", "STATUS", "EXIT", "DURATION", "NOTE");
		table_align_right(t, 0);
		table_align_right(t, 3);
		for (int i = 0; i < natts; i++) {
			struct store_attempt *a = &atts[i];
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
		fprintf(o, "\nlogs: runlens logs %lld %s\n", (long long)run_id, st.name);
	}
	rc = 0;
cleanup:
	cJSON_Delete(doc);
	store_metrics_free(ms, nm);
	store_metas_free(metas, nmetas);
	store_artifact_refs_free(ins, nins);
	store_artifact_refs_free(outs, nouts);
	store_attempts_free(atts, natts);
	store_step_run_clear(&st);
	store_close(&s);
	return rc;
}
