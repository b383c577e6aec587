/* cli/show_jobs.c — each step's job, as its executor said
 * (cli/show_jobs.h). */
#include "config.h"
#include "cli/show_jobs.h"

#include <stdlib.h>
#include <string.h>

#include "core/placement.h"
#include "util/buf.h"
#include "util/text.h"

cJSON *show_executor_json(const char *executor_json)
{
	cJSON *rec = executor_json ? cJSON_Parse(executor_json) : NULL;
	if (!cJSON_IsObject(rec)) {
		cJSON_Delete(rec);
		return NULL;
	}
	cJSON *o = cJSON_CreateObject();
	static const char *const keys[] = { "flavor", "job_id", "state", "node", "reason" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, keys[i]);
		if (cJSON_IsString(v))
			cJSON_AddStringToObject(o, keys[i], v->valuestring);
		else
			cJSON_AddNullToObject(o, keys[i]);
	}
	cJSON_Delete(rec);
	return o;
}

/* The one line of a record, terminal-safe (a reason is Slurm's text). */
static void print_line(FILE *o, const char *executor_json)
{
	char *line = exec_record_line(executor_json);
	struct buf b = BUF_INIT;
	if (line)
		text_escape(&b, line, strlen(line), 0);
	fprintf(o, "%s", b.data ? b.data : "-");
	buf_free(&b);
	free(line);
}

void show_jobs_text(FILE *o, const struct store_step_executor *jobs, int n)
{
	if (n <= 0)
		return;
	int w = 4;
	for (int i = 0; i < n; i++)
		if ((int)strlen(jobs[i].step) > w)
			w = (int)strlen(jobs[i].step);
	fprintf(o, "\njobs\n");
	for (int i = 0; i < n; i++) {
		fprintf(o, "  %-*s  ", w, jobs[i].step);
		print_line(o, jobs[i].executor_json);
		if (jobs[i].attempt > 1)
			fprintf(o, "  (attempt %d)", jobs[i].attempt);
		fprintf(o, "\n");
	}
}

void show_jobs_json(cJSON *steps, const struct store_step_executor *jobs, int n)
{
	for (cJSON *st = steps ? steps->child : NULL; st; st = st->next) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(st, "name");
		cJSON *ex = NULL;
		for (int i = 0; !ex && cJSON_IsString(name) && i < n; i++)
			if (!strcmp(jobs[i].step, name->valuestring))
				ex = show_executor_json(jobs[i].executor_json);
		cJSON_AddItemToObject(st, "executor", ex ? ex : cJSON_CreateNull());
	}
}

void show_attempt_jobs_json(struct store *s, cJSON *doc, cJSON *attempts,
			    const struct store_attempt *atts, int natts)
{
	cJSON *a = attempts ? attempts->child : NULL, *last = NULL;
	for (int i = 0; a && i < natts; i++, a = a->next) {
		char *rec = NULL;
		store_attempt_executor(s, atts[i].id, &rec, NULL);
		cJSON *ex = show_executor_json(rec);
		free(rec);
		cJSON_Delete(last);
		last = ex ? cJSON_Duplicate(ex, 1) : NULL;
		cJSON_AddItemToObject(a, "executor", ex ? ex : cJSON_CreateNull());
	}
	cJSON_AddItemToObject(doc, "executor", last ? last : cJSON_CreateNull());
}

void show_attempt_jobs_text(FILE *o, struct store *s, const struct store_attempt *atts,
			    int natts)
{
	char *rec = NULL;
	if (natts <= 0 || store_attempt_executor(s, atts[natts - 1].id, &rec, NULL) < 0 || !rec)
		return;
	fprintf(o, "  job       ");
	print_line(o, rec);
	fprintf(o, "\n");
	free(rec);
}
