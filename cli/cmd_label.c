/* cli/cmd_label.c — labelling and housekeeping: `pin`, `unpin`, `tag`,
 * `note`, `rm` and `gc`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/artifacts.h"
#include "core/baseline.h"
#include "core/runs.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

/* Parse the options of a command that has only --store. */
static int store_opt(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	return cli_next_opt(c, argc, argv, err) == -1 ? 0 : -1;
}

/* Open the store and resolve RUN into *r (full record). */
static int open_run(struct cli *c, const char *ref, struct store **s,
		    struct store_run *r, struct rl_err *err)
{
	int64_t id;
	return cli_open_run(c, ref, s, &id, r, err);
}

/* On a terminal, QUESTION with [y/N]: whether the answer is yes. */
static int ask(const char *question)
{
	fprintf(stderr, "%s [y/N] ", question);
	char answer[16] = "";
	return fgets(answer, sizeof answer, stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

static int open_pipeline(struct cli *c, const char *name, struct store **s,
			 struct store_pipeline *p, struct rl_err *err)
{
	if (session_open(c->store_flag, 0, s, err) < 0)
		return -1;
	if (store_pipeline_get(*s, name, p, err) < 0) {
		if (err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "no pipeline '%s'", name);
		return -1;
	}
	return 0;
}

/* pin --where EXPR PIPELINE */
static int pin_rule(struct cli *c, const char *expr, const char *name, struct rl_err *err)
{
	struct store *s = NULL;
	struct store_pipeline p = { 0 };
	int rc = -1;
	if (open_pipeline(c, name, &s, &p, err) == 0 && runs_pin_rule(s, &p, expr, err) == 0) {
		out_linef(c->out, "the baseline of pipeline '%s' is now the newest completed "
			  "earlier run matching %s", p.name, expr);
		rc = 0;
	} else if (err->code == RL_E_INPUT) {
		char *m = strdup(rl_err_msg(err));
		rl_err_set(err, RL_E_INPUT, "pin --where: %s", m ? m : "");
		free(m);
	}
	store_pipeline_clear(&p);
	store_close(&s);
	return rc;
}

int cmd_pin(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct store *s = NULL;
	struct store_run r = { 0 };
	const char *where = NULL;
	int rc = -1, yes = 0, ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == 'w')
			where = optarg;
		else if (ch == 'y')
			yes = 1;
		else
			return -1;
	}
	if (argc - optind != 1)
		return rl_err_set(err, RL_E_USAGE, where ? "pin: expected --where EXPR PIPELINE"
							 : "pin: expected RUN");
	if (where)
		return pin_rule(c, where, argv[optind], err);
	if (open_run(c, argv[optind], &s, &r, err) < 0)
		goto cleanup;
	char *doubt = runs_pin_doubt(&r);
	if (doubt && !yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		struct buf q = BUF_INIT;
		buf_printf(&q, "%s; pin it as the baseline of '%s' anyway?", doubt, r.pipeline);
		int go = ask(q.data);
		buf_free(&q);
		if (!go) {
			fprintf(stderr, "nothing pinned\n");
			free(doubt);
			rc = 0;
			goto cleanup;
		}
	} else if (doubt && !yes) {
		out_linef(stderr, "runlens: warning: %s; pinned all the same", doubt);
	}
	free(doubt);
	if (runs_pin(s, r.id, err) == 0) {
		out_linef(c->out, "run %lld (%s) is now the baseline of pipeline '%s'",
			  (long long)r.id, r.name, r.pipeline);
		rc = 0;
	}
cleanup:
	store_run_clear(&r);
	store_close(&s);
	return rc;
}

int cmd_unpin(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct store *s = NULL;
	struct store_pipeline p = { 0 };
	int rc = -1;
	if (store_opt(c, argc, argv, err) < 0)
		return -1;
	if (argc - optind != 1)
		return rl_err_set(err, RL_E_USAGE, "unpin: expected PIPELINE");
	if (open_pipeline(c, argv[optind], &s, &p, err) < 0 || runs_unpin(s, &p, err) < 0)
		goto cleanup;
	store_pipeline_clear(&p);
	if (store_pipeline_get(s, argv[optind], &p, err) < 0)
		goto cleanup;
	char *how = baseline_explain(&p);
	out_linef(c->out, "pipeline '%s' has no pinned baseline now (the baseline is %s)", p.name,
		  how ? how : "");
	free(how);
	rc = 0;
cleanup:
	store_pipeline_clear(&p);
	store_close(&s);
	return rc;
}

/* The N words of V each once, in order (in place); how many. */
static int distinct(char **v, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		int seen = 0;
		for (int j = 0; j < k && !seen; j++)
			seen = !strcmp(v[j], v[i]);
		if (!seen)
			v[k++] = v[i];
	}
	return k;
}

int cmd_tag(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct store *s = NULL;
	struct store_run r = { 0 };
	int rc = -1;
	if (store_opt(c, argc, argv, err) < 0)
		return -1;
	if (argc - optind < 2)
		return rl_err_set(err, RL_E_USAGE, "tag: expected RUN TAG...");
	for (int i = optind + 1; i < argc; i++)
		if (runs_tag_check(argv[i], err) < 0)
			return rl_err_prefix(err, "tag");
	int n = distinct(argv + optind + 1, argc - optind - 1);
	if (open_run(c, argv[optind], &s, &r, err) < 0 ||
	    runs_tag(s, r.id, argv + optind + 1, n, err) < 0)
		goto cleanup;
	out_linef(c->out, "run %lld tagged: %d tag%s", (long long)r.id, n, n == 1 ? "" : "s");
	rc = 0;
cleanup:
	store_run_clear(&r);
	store_close(&s);
	return rc;
}

int cmd_untag(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct store *s = NULL;
	struct store_run r = { 0 };
	struct buf absent = BUF_INIT;
	int rc = -1, removed = 0;
	if (store_opt(c, argc, argv, err) < 0)
		return -1;
	if (argc - optind < 2)
		return rl_err_set(err, RL_E_USAGE, "untag: expected RUN TAG...");
	int n = distinct(argv + optind + 1, argc - optind - 1);
	if (open_run(c, argv[optind], &s, &r, err) < 0 ||
	    runs_untag(s, r.id, argv + optind + 1, n, &removed, &absent, err) < 0)
		goto cleanup;
	if (absent.len)
		out_linef(c->out, "run %lld untagged: %d tag%s removed (it had no tag %s)",
			  (long long)r.id, removed, removed == 1 ? "" : "s", absent.data);
	else
		out_linef(c->out, "run %lld untagged: %d tag%s removed", (long long)r.id, removed,
			  removed == 1 ? "" : "s");
	rc = 0;
cleanup:
	buf_free(&absent);
	store_run_clear(&r);
	store_close(&s);
	return rc;
}

int cmd_note(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct store *s = NULL;
	struct store_run r = { 0 };
	int rc = -1;
	if (store_opt(c, argc, argv, err) < 0)
		return -1;
	if (argc - optind < 2)
		return rl_err_set(err, RL_E_USAGE, "note: expected RUN TEXT");
	struct buf text = BUF_INIT;
	for (int i = optind + 1; i < argc; i++)
		buf_printf(&text, "%s%s", i > optind + 1 ? " " : "", argv[i]);
	if (open_run(c, argv[optind], &s, &r, err) == 0 &&
	    runs_note(s, r.id, text.data, err) == 0) {
		fprintf(c->out, "note added to run %lld\n", (long long)r.id);
		rc = 0;
	}
	buf_free(&text);
	store_run_clear(&r);
	store_close(&s);
	return rc;
}

int cmd_rm(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int yes = 0, ch, rc = -1;
	char *reach[2] = { NULL, NULL };
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch != 'y')
			return -1;
		yes = 1;
	}
	if (argc - optind < 1)
		return rl_err_set(err, RL_E_USAGE, "rm: expected RUN...");
	struct store *s = NULL;
	int n = argc - optind;
	int64_t *ids = calloc((size_t)n, sizeof(int64_t));
	if (!ids)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (session_open(c->store_flag, 0, &s, err) < 0)
		goto cleanup;
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (session_resolve_run(s, argv[optind + i], &ids[k], err) < 0)
			goto cleanup;
		int seen = 0; /* a run named twice (5 5, or its id and its name) */
		for (int j = 0; j < k && !seen; j++)
			seen = ids[j] == ids[k];
		k += !seen;
	}
	n = k;
	if (runs_check_deletable(s, ids, n, err) < 0 ||
	    runs_delete_reach(s, ids, n, reach, err) < 0) {
		rl_err_prefix(err, "rm");
		goto cleanup;
	}
	if (!yes && !isatty(STDIN_FILENO)) {
		rl_err_set(err, RL_E_USAGE, "rm: not a terminal, so not asking: add --yes to delete");
		goto cleanup;
	}
	if (reach[0]) /* said before it is done, asked or not */
		out_linef(stderr, "note: %s %s", reach[0], reach[1]);
	if (!yes) {
		fprintf(stderr, "Delete %d run%s (", n, n == 1 ? "" : "s");
		for (int i = 0; i < n; i++)
			fprintf(stderr, "%s%lld", i ? ", " : "", (long long)ids[i]);
		if (!ask(n == 1 ? ") and everything recorded for it?"
				: ") and everything recorded for them?")) {
			fprintf(stderr, "nothing deleted\n");
			rc = 0;
			goto cleanup;
		}
	}
	if (runs_delete(s, ids, n, err) < 0) {
		rl_err_prefix(err, "rm");
		goto cleanup;
	}
	fprintf(c->out, "deleted %d run%s (run 'runlens gc' to free their artifacts)\n", n,
		n == 1 ? "" : "s");
	rc = 0;
cleanup:
	free(reach[0]);
	free(reach[1]);
	free(ids);
	store_close(&s);
	return rc;
}

int cmd_gc(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct store *s = NULL;
	struct artifacts_gc_result res;
	if (store_opt(c, argc, argv, err) < 0)
		return -1;
	if (argc - optind != 0)
		return rl_err_set(err, RL_E_USAGE, "gc: unexpected argument '%s'", argv[optind]);
	int rc = -1;
	if (session_open(c->store_flag, 0, &s, err) < 0 || artifacts_gc(s, &res, err) < 0)
		goto cleanup;
	fprintf(c->out, "gc: %lld artifact record%s no run referenced; %d removed from disk "
		"(%.1f MB)\n", (long long)res.dropped, res.dropped == 1 ? "" : "s", res.removed,
		(double)res.bytes / 1e6);
	if (res.unrecorded)
		fprintf(c->out, "gc: %d stored content%s no record named (left by a runner killed "
			"while storing) removed\n", res.unrecorded, res.unrecorded == 1 ? "" : "s");
	rc = 0;
cleanup:
	store_close(&s);
	return rc;
}
