/* cli/cmd_dag.c — `runlens dag FILE|RUN`: the pipeline's steps and their
 * edges drawn in ASCII (core/dag_draw.h), each step of a run with its
 * status, in the order `show` lists them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/dag_draw.h"
#include "core/session.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/fs.h"

/* The spec ARG names: a pipeline file, else the one a run recorded (its
 * step runs then into *steps). */
static int load(struct cli *c, const char *arg, struct spec **sp, struct store **s,
		struct store_step_run **steps, int *nsteps, struct rl_err *err)
{
	struct stat st;
	if (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode))
		return spec_load_file(arg, sp, err);
	struct store_run r = { 0 };
	int64_t id;
	int rc = -1;
	if (cli_open_run(c, arg, s, &id, &r, err) < 0) {
		if (err->code == RL_E_NOT_FOUND || err->code == RL_E_NO_STORE)
			rl_err_set(err, RL_E_NOT_FOUND, "dag: '%s' is neither a pipeline file nor a run",
				   arg);
		goto done;
	}
	char *dir = r.spec_path ? fs_dirname(r.spec_path) : NULL;
	if (!r.spec_json)
		rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no recorded pipeline", (long long)id);
	else if (spec_parse(r.spec_json, strlen(r.spec_json), r.spec_path ? r.spec_path : "pipeline",
			    dir, sp, err) == 0)
		rc = store_step_runs_of_run(*s, id, steps, nsteps, err);
	free(dir);
done:
	store_run_clear(&r);
	return rc;
}

static const struct store_step_run *step_run(const struct store_step_run *steps, int n,
					     const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(steps[i].name, name) == 0)
			return &steps[i];
	return NULL;
}

static void print(FILE *o, const struct spec *sp, const struct dag_drawing *d,
		  const struct store_step_run *steps, int nsteps, int show_status)
{
	int color = out_use_color(o), wname = 0;
	for (int i = 0; i < sp->nsteps; i++) {
		int w = (int)strlen(sp->steps[i].name);
		wname = w > wname ? w : wname;
	}
	for (int i = 0; i < d->nlines; i++) {
		const struct dag_line *l = &d->lines[i];
		if (l->step < 0) {
			int w = (int)strlen(l->graph);
			while (w > 0 && l->graph[w - 1] == ' ')
				w--;
			out_linef(o, "%.*s", w, l->graph);
			continue;
		}
		const char *name = sp->steps[l->step].name;
		const struct store_step_run *st = step_run(steps, nsteps, name);
		const char *status = st ? st->status : show_status ? "not run" : NULL;
		if (!status) {
			out_linef(o, "%s  %s", l->graph, name);
			continue;
		}
		/* step names are plain (letters, digits, '_', '-'): widths hold */
		out_text(o, l->graph);
		fputs("  ", o);
		out_text(o, name);
		fprintf(o, "%*s  ", wname - (int)strlen(name), "");
		if (color)
			fprintf(o, "\033[%sm", out_status_color(status));
		out_text(o, status);
		fputs(color ? "\033[0m\n" : "\n", o);
	}
}

int cmd_dag(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (cli_next_opt(c, argc, argv, err) != -1)
		return -1;
	if (argc - optind != 1)
		return rl_err_set(err, RL_E_USAGE, "dag: expected FILE or RUN");
	struct spec *sp = NULL;
	struct store *s = NULL;
	struct store_step_run *steps = NULL;
	struct dag_drawing d = { 0 };
	int nsteps = 0, rc = -1;
	if (load(c, argv[optind], &sp, &s, &steps, &nsteps, err) < 0)
		goto done;
	if (dag_draw(sp, &d) < 0) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto done;
	}
	print(c->out, sp, &d, steps, nsteps, s != NULL);
	rc = 0;
done:
	dag_drawing_free(&d);
	store_step_runs_free(steps, nsteps);
	spec_free(&sp);
	store_close(&s);
	return rc;
}
