/* cli/args.c — the words of a command: options parsed from the table's
 * rows, numbers, -p params, lists of strings, and the runs and steps the
 * words name. */
#include "config.h"
#include "cli/cli.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"

int cli_prepare(struct cli *c, const struct cli_command *cmd,
		struct rl_err *err)
{
	int n = 0;
	while (cli_opt_at(cmd, n))
		n++;
	struct buf shortopts = BUF_INIT;
	/* '+': options end at the first argument; ':': report a missing value */
	buf_puts(&shortopts, cmd->flags & CLI_OPTS_FIRST ? "+:" : ":");
	c->longopts = calloc((size_t)n + 1, sizeof *c->longopts);
	for (int i = 0; i < n && c->longopts; i++) {
		const struct cli_opt *o = cli_opt_at(cmd, i);
		c->longopts[i] = (struct option){ o->name, o->arg ? required_argument
								  : no_argument,
						  NULL, o->id };
		if (o->id < 256)
			buf_printf(&shortopts, "%c%s", o->id, o->arg ? ":" : "");
	}
	c->command = cmd;
	c->formats = 0;
	c->shortopts = buf_steal(&shortopts);
	if (!c->longopts || !c->shortopts) {
		cli_release(c);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	return 0;
}

void cli_release(struct cli *c)
{
	free(c->longopts);
	free(c->shortopts);
	c->longopts = NULL;
	c->shortopts = NULL;
	c->command = NULL;
}

static int getopt_once(struct cli *c, int argc, char **argv, const char *shortopts,
		       const struct option *longopts, struct rl_err *err)
{
	opterr = 0;
	int ch = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (ch == '?' || ch == ':') {
		const char *bad = argv[optind - 1];
		const char *what = ch == ':' ? "missing value for" : "unknown option";
		if (optopt > 0 && optopt < 256 && !(bad && bad[0] == '-' && bad[1] == '-'))
			rl_err_set(err, RL_E_USAGE, "%s: %s -%c (see 'runlens help %s')",
				   c->cmd, what, optopt, c->cmd);
		else
			rl_err_set(err, RL_E_USAGE, "%s: %s '%s' (see 'runlens help %s')",
				   c->cmd, what, bad ? bad : "?", c->cmd);
		return '?';
	}
	return ch;
}

int cli_next_opt(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int ch;
	while ((ch = getopt_once(c, argc, argv, c->shortopts, c->longopts, err)) ==
	       OPT_STORE)
		c->store_flag = optarg;
	/* one output format: the second one said would silently win */
	unsigned f = ch == OPT_JSON ? 1 : ch == OPT_CSV ? 2 : ch == OPT_MD ? 4 : 0;
	if (f && (c->formats |= f) != f) {
		rl_err_set(err, RL_E_USAGE, "%s: --json, --csv and --md go one at a time", c->cmd);
		return '?';
	}
	return ch;
}

/* A word that is a negative number ("-1.5", "-1e3", "-0", and "-inf",
 * which the command then refuses for what it is). */
static int negative_number(const char *w)
{
	if (w[0] != '-' || !w[1])
		return 0;
	char *end;
	strtod(w, &end);
	return end != w && !*end;
}

/* Whether option word W (not a negative number) takes the next word as
 * its value. */
static int takes_next(const struct cli *c, const char *w)
{
	if (w[1] == '-') {
		if (strchr(w, '='))
			return 0;
		/* the option as getopt_long finds it: its name, or a prefix of
		 * one name only (--ind for --index) */
		const struct option *hit = NULL;
		size_t n = strlen(w + 2);
		int prefixes = 0;
		for (const struct option *o = c->longopts; o && o->name; o++) {
			if (!strcmp(o->name, w + 2)) {
				hit = o;
				prefixes = 1;
				break;
			}
			if (!strncmp(o->name, w + 2, n)) {
				hit = o;
				prefixes++;
			}
		}
		return prefixes == 1 && hit->has_arg == required_argument;
	}
	/* -iN takes its value in the word; -i takes the next */
	const char *at = w[1] ? strchr(c->shortopts, w[1]) : NULL;
	return at && at[1] == ':' && !w[2];
}

char **cli_negative_args(const struct cli *c, int argc, char **argv, int *nargc)
{
	char **v = calloc((size_t)argc + 2, sizeof *v);
	int n = 0;
	if (!v)
		return NULL;
	v[n++] = argv[0];
	/* the options first, in order, then the rest */
	for (int pass = 0; pass < 2; pass++) {
		int rest = 0;
		for (int i = 1; i < argc; i++) {
			const char *w = argv[i];
			int opt = !rest && w[0] == '-' && w[1] && !negative_number(w) &&
				  strcmp(w, "--");
			if (!rest && !strcmp(w, "--")) {
				rest = 1;
				continue;
			}
			int value = opt && takes_next(c, w) && i + 1 < argc;
			if (opt == !pass) {
				v[n++] = argv[i];
				if (value)
					v[n++] = argv[i + 1];
			}
			i += value;
		}
		if (!pass)
			v[n++] = "--";
	}
	*nargc = n;
	return v;
}

int cli_int(struct cli *c, const char *opt, const char *value, int allow_zero,
	    int *out, struct rl_err *err)
{
	char *end;
	long v = strtol(value, &end, 10);
	if (*value == '\0' || *end != '\0' || v < (allow_zero ? 0 : 1) ||
	    v > 1000000000)
		return rl_err_set(err, RL_E_USAGE,
				  "%s: %s takes a %s number, not '%s'", c->cmd,
				  opt, allow_zero ? "non-negative" : "positive",
				  value);
	*out = (int)v;
	return 0;
}

int cli_limit(struct cli *c, const char *value, int *limit, struct rl_err *err)
{
	if (cli_int(c, "--limit", value, 1, limit, err) < 0)
		return -1;
	if (*limit == 0)
		*limit = INT_MAX;
	return 0;
}

int cli_strv_push(struct cli_strv *sv, char *s, struct rl_err *err)
{
	char **p = s ? realloc(sv->v, (size_t)(sv->n + 2) * sizeof(char *)) : NULL;
	if (!p) {
		if (sv->owns)
			free(s);
		return rl_err_set(err, RL_E_NOMEM, NULL);
	}
	sv->v = p;
	p[sv->n++] = s;
	p[sv->n] = NULL;
	return 0;
}

void cli_strv_free(struct cli_strv *sv)
{
	for (int i = 0; sv->owns && i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

int cli_param_opt(struct cli *c, struct cli_strv *sv, const char *value,
		  struct rl_err *err)
{
	if (!strchr(value, '='))
		return rl_err_set(err, RL_E_USAGE, "%s: -p takes KEY=VALUE, not '%s'",
				  c->cmd, value);
	return cli_strv_push(sv, (char *)value, err);
}

int cli_open_run(struct cli *c, const char *ref, struct store **s,
		 int64_t *id, struct store_run *r, struct rl_err *err)
{
	if (session_open(c->store_flag, 0, s, err) < 0 ||
	    session_resolve_run(*s, ref, id, err) < 0)
		return -1;
	return r ? store_run_get(*s, *id, r, err) : 0;
}

int cli_open_step(struct cli *c, const char *ref, const char *step,
		  struct store **s, int64_t *run_id, struct store_step_run *st,
		  struct rl_err *err)
{
	if (cli_open_run(c, ref, s, run_id, NULL, err) < 0)
		return -1;
	if (store_step_run_get(*s, *run_id, step, st, err) < 0) {
		if (err && err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no step '%s'",
				   (long long)*run_id, step);
		return -1;
	}
	return 0;
}
