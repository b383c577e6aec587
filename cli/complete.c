/* cli/complete.c — `runlens __complete WORD…`: the candidates for the
 * last WORD of a command line (the words after "runlens"), for the bash
 * script cli/completion.bash.
 *
 * Commands, subcommands, options and the values options take come from
 * the command table (cli/commands.c); runs, pipelines, stacks and steps
 * from the store, through prefix queries on indexed names (store/complete.c)
 * with a limit, so a Tab stays instant on a store of a million runs.
 *
 * Output: a first line saying what the shell adds by itself — "files",
 * "dirs" or "words" (nothing) — then one candidate per line, each starting
 * with the last WORD.  It never fails: without a store there are just
 * fewer candidates.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"

#define MAX_NAMES 100  /* runs or pipelines offered for one Tab */
#define RECENT_RUNS 20 /* runs offered before anything is typed */

struct comp {
	FILE *out;
	const char *store_flag;
	const char *cur;    /* what is typed of the word (after PREFIX) */
	const char *prefix; /* what each candidate gets in front: "--sort=" */
	const char *run_ref; /* the RUN argument before, for STEP */
	struct store *s;
	int store_tried;
};

/* Whether S holds a control character (C0, DEL, or C1 as UTF-8). */
static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return 1;
	return 0;
}

/* A candidate is inserted on the command line as it is, so one holding a
 * control character (a run name with an escape sequence) is left out
 * rather than shown raw by the shell. */
static void emit(struct comp *k, const char *cand)
{
	if (cand && !has_control(cand) && strncmp(cand, k->cur, strlen(k->cur)) == 0)
		fprintf(k->out, "%s%s\n", k->prefix, cand);
}

/* The store, opened read-only on first use; NULL when there is none. */
static struct store *comp_store(struct comp *k)
{
	if (!k->store_tried) {
		k->store_tried = 1;
		if (session_open(k->store_flag, SESSION_READONLY, &k->s, NULL) < 0)
			k->s = NULL;
	}
	return k->s;
}

static void emit_names(struct comp *k, enum store_name_kind kind, const char *prefix,
		       const char *suffix)
{
	char **names = NULL;
	int n = 0;
	if (!comp_store(k) ||
	    store_names_with_prefix(k->s, kind, prefix, MAX_NAMES, &names, &n, NULL) < 0)
		return;
	for (int i = 0; i < n; i++) {
		char *c = malloc(strlen(names[i]) + strlen(suffix) + 1);
		if (c) {
			strcat(strcpy(c, names[i]), suffix);
			emit(k, c);
		}
		free(c);
	}
	store_names_free(names, n);
}

static void emit_run_ids(struct comp *k)
{
	int64_t *ids = NULL;
	int n = 0;
	char num[32];
	if (store_run_ids_with_prefix(k->s, k->cur, MAX_NAMES, &ids, &n, NULL) < 0)
		return;
	for (int i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%lld", (long long)ids[i]);
		emit(k, num);
	}
	free(ids);
}

static void emit_recent_runs(struct comp *k)
{
	struct store_run *rows = NULL;
	int n = 0;
	if (store_runs_page(k->s, 0, NULL, RECENT_RUNS, &rows, &n, NULL) < 0)
		return;
	for (int i = 0; i < n; i++)
		emit(k, rows[i].name);
	store_runs_free(rows, n);
}

/* A run: "last", PIPELINE@last, names, ids. */
static void emit_runs(struct comp *k)
{
	emit(k, "last");
	if (!comp_store(k))
		return;
	const char *at = strchr(k->cur, '@');
	char *pipeline = strndup(k->cur, at ? (size_t)(at - k->cur) : strlen(k->cur));
	if (pipeline)
		emit_names(k, STORE_NAMES_PIPELINE, pipeline, "@last");
	free(pipeline);
	if (at)
		return;
	if (*k->cur)
		emit_names(k, STORE_NAMES_RUN, k->cur, "");
	else
		emit_recent_runs(k);
	emit_run_ids(k);
}

/* The step runs of the RUN argument: 0, or -1 when there are none. */
static int run_steps(struct comp *k, struct store_step_run **steps, int *n)
{
	int64_t id;
	*steps = NULL;
	*n = 0;
	return !k->run_ref || !comp_store(k) ||
			       session_resolve_run(k->s, k->run_ref, &id, NULL) < 0 ||
			       store_step_runs_of_run(k->s, id, steps, n, NULL) < 0
		       ? -1
		       : 0;
}

/* The steps of the RUN argument. */
static void emit_steps(struct comp *k)
{
	struct store_step_run *steps;
	int n;
	if (run_steps(k, &steps, &n) < 0)
		return;
	for (int i = 0; i < n; i++)
		emit(k, steps[i].name);
	store_step_runs_free(steps, n);
}

/* STEP.OUTPUT of the RUN argument's completed step runs. */
static void emit_outputs(struct comp *k)
{
	struct store_step_run *steps;
	int n;
	if (run_steps(k, &steps, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		struct store_artifact_ref *outs = NULL;
		int no = 0;
		if (store_outputs_of(k->s, steps[i].id, &outs, &no, NULL) < 0)
			continue;
		for (int j = 0; j < no; j++) {
			struct buf b = BUF_INIT;
			buf_printf(&b, "%s.%s", steps[i].name, outs[j].name);
			if (b.data)
				emit(k, b.data);
			buf_free(&b);
		}
		store_artifact_refs_free(outs, no);
	}
	store_step_runs_free(steps, n);
}

/* The values of a VALUE (or one of CHOICES), after the first line. */
static void emit_values(struct comp *k, enum cli_value value, const char *const *choices)
{
	fprintf(k->out, "%s\n", value == CLI_V_FILE ? "files" : value == CLI_V_DIR ? "dirs"
											: "words");
	for (const char *const *c = choices; c && *c; c++)
		emit(k, *c);
	switch (value) {
	case CLI_V_RUN:
		emit_runs(k);
		break;
	case CLI_V_PIPELINE:
		emit_names(k, STORE_NAMES_PIPELINE, k->cur, "");
		break;
	case CLI_V_STACK:
		emit(k, "default");
		emit_names(k, STORE_NAMES_STACK, k->cur, "");
		break;
	case CLI_V_STEP:
		emit_steps(k);
		break;
	case CLI_V_OUTPUT:
		emit_outputs(k);
		break;
	case CLI_V_COMMAND:
		for (const struct cli_command *t = cli_commands; t->name; t++)
			if (!(t->flags & CLI_HIDDEN))
				emit(k, t->name);
		break;
	case CLI_V_TEXT:
	case CLI_V_FILE:
	case CLI_V_DIR:
		break;
	}
}

/* The argument at position POS (the last one repeats when CLI_MANY). */
static const struct cli_arg *arg_at(const struct cli_command *cmd, int pos)
{
	const struct cli_arg *a = cmd->args;
	for (int i = 0; a && a[i].name; i++)
		if (i == pos || (!a[i + 1].name && a[i].flags & CLI_MANY))
			return &a[i];
	return NULL;
}

/* What the words before the last one left open. */
struct scan {
	const struct cli_opt *expect; /* an option still waiting for its value */
	int pos;		      /* arguments given */
	int dashdash;		      /* after "--": arguments only */
	unsigned long long seen;      /* options given, by index */
};

static void seen_opt(const struct cli_command *cmd, struct scan *sc, const struct cli_opt *o)
{
	for (int i = 0; i < 64 && cli_opt_at(cmd, i); i++)
		if (cli_opt_at(cmd, i) == o)
			sc->seen |= 1ULL << i;
}

/* An option word W ("--name", "--name=x", "-abc", "-pK=V"). */
static void scan_option(const struct cli_command *cmd, struct scan *sc, const char *w)
{
	if (w[1] == '-') {
		size_t len = strcspn(w + 2, "=");
		const struct cli_opt *o = cli_find_opt(cmd, w + 2, len, 0);
		seen_opt(cmd, sc, o);
		if (o && o->arg && !w[2 + len])
			sc->expect = o;
		return;
	}
	for (const char *l = w + 1; *l; l++) {
		const struct cli_opt *o = cli_find_opt(cmd, NULL, 0, (unsigned char)*l);
		seen_opt(cmd, sc, o);
		if (o && o->arg) {
			sc->expect = l[1] ? NULL : o;
			return;
		}
	}
}

static void scan_words(struct comp *k, const struct cli_command *cmd, char **w, int n,
		       struct scan *sc)
{
	for (int i = 0; i < n; i++) {
		int options_end = sc->dashdash || (cmd->flags & CLI_OPTS_FIRST && sc->pos > 0);
		if (sc->expect) {
			sc->expect = NULL;
		} else if (!options_end && strcmp(w[i], "--") == 0) {
			sc->dashdash = 1;
		} else if (!options_end && w[i][0] == '-' && w[i][1]) {
			scan_option(cmd, sc, w[i]);
		} else {
			const struct cli_arg *a = arg_at(cmd, sc->pos++);
			if (a && a->value == CLI_V_RUN && !k->run_ref)
				k->run_ref = w[i];
		}
	}
}

static void emit_options(struct comp *k, const struct cli_command *cmd, const struct scan *sc)
{
	const struct cli_opt *o;
	char name[64];
	fprintf(k->out, "words\n");
	for (int i = 0; (o = cli_opt_at(cmd, i)); i++) {
		if (i < 64 && sc->seen & (1ULL << i) && !(o->flags & CLI_MANY))
			continue;
		snprintf(name, sizeof name, "--%s", o->name);
		emit(k, name);
	}
	emit(k, "--help");
}

/* The last of the N words W of command CMD. */
static void complete_command(struct comp *k, const struct cli_command *cmd, char **w, int n)
{
	struct scan sc = { 0 };
	scan_words(k, cmd, w, n - 1, &sc);
	const char *cur = w[n - 1];
	int options_end = sc.dashdash || (cmd->flags & CLI_OPTS_FIRST && sc.pos > 0);
	if (sc.expect) {
		emit_values(k, sc.expect->value, sc.expect->choices);
	} else if (!options_end && strncmp(cur, "--", 2) == 0 && strchr(cur, '=')) {
		size_t len = strcspn(cur + 2, "=");
		const struct cli_opt *o = cli_find_opt(cmd, cur + 2, len, 0);
		char *prefix = strndup(cur, len + 3);
		k->prefix = prefix ? prefix : "";
		k->cur = cur + len + 3;
		if (o && o->arg && prefix)
			emit_values(k, o->value, o->choices);
		else
			fprintf(k->out, "words\n");
		free(prefix);
	} else if (!options_end && cur[0] == '-') {
		emit_options(k, cmd, &sc);
	} else {
		const struct cli_arg *a = arg_at(cmd, sc.pos);
		emit_values(k, a ? a->value : CLI_V_TEXT, NULL);
	}
}

/* Skip the global options; *i is at the command word then.  Returns 1
 * when the last word was answered (the value of --store). */
static int skip_globals(struct comp *k, char **w, int n, int *i)
{
	for (*i = 0; *i < n - 1 && w[*i][0] == '-'; (*i)++) {
		if (strcmp(w[*i], "--store") == 0) {
			if (*i + 1 == n - 1) {
				emit_values(k, CLI_V_DIR, NULL);
				return 1;
			}
			k->store_flag = w[++*i];
		} else if (strncmp(w[*i], "--store=", 8) == 0) {
			k->store_flag = w[*i] + 8;
		}
	}
	return 0;
}

static const char *const global_opts[] = { "--store", "--help", "--version", NULL };

int cmd_complete(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	static char *nothing[] = { "" };
	char **w = argc > 1 ? argv + 1 : nothing;
	int n = argc > 1 ? argc - 1 : 1, i;
	struct comp k = { .out = c->out, .store_flag = c->store_flag, .prefix = "" };
	k.cur = w[n - 1];
	if (skip_globals(&k, w, n, &i))
		goto done;
	if (i == n - 1) {
		if (k.cur[0] == '-')
			emit_values(&k, CLI_V_TEXT, global_opts);
		else
			emit_values(&k, CLI_V_COMMAND, NULL);
		goto done;
	}
	const struct cli_command *cmd = cli_find(cli_commands, w[i++]);
	if (cmd && cmd->subs && i == n - 1 && k.cur[0] != '-') {
		fprintf(k.out, "words\n");
		for (const struct cli_command *s = cmd->subs; s->name; s++)
			emit(&k, s->name);
		goto done;
	}
	const struct cli_command *sub = cmd && i < n - 1 ? cli_find(cmd->subs, w[i]) : NULL;
	if (sub) {
		cmd = sub;
		i++;
	}
	if (cmd && !(cmd->flags & CLI_HIDDEN))
		complete_command(&k, cmd, w + i, n - i);
	else
		fprintf(k.out, "words\n");
done:
	store_close(&k.s);
	return 0;
}
