/* cli/cli.h — the command line: the command table, option parsing,
 * help, and the commands themselves (cli/cmd_*.c).
 *
 * A command returns its exit code (0 or 1), or -1 with *err filled; the
 * caller prints "runlens: <message>" and exits with the error's code.
 */
#ifndef RUNLENS_CLI_CLI_H
#define RUNLENS_CLI_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "util/error.h"

struct cli {
	const char *store_flag; /* --store DIR, or NULL */
	FILE *out;
	int color; /* colour on stdout */
	const char *cmd; /* the command's name, for messages */
};

typedef int (*cli_fn)(struct cli *c, int argc, char **argv,
		      struct rl_err *err);

struct cli_command {
	const char *name;
	cli_fn fn;
	const char *usage;   /* "run FILE [-p KEY=VALUE]…" */
	const char *summary; /* one line for --help */
	const char *help;    /* options, for `runlens help CMD` */
};

/* Run the program: parse global options, dispatch, print errors. */
int cli_main(int argc, char **argv);

/* Parse the options of a command with getopt_long; on an unknown or
 * malformed option, fill *err (RL_E_USAGE) and return '?'.  Wraps
 * getopt_long so that each command parses from argv[1]. */
int cli_getopt(struct cli *c, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, struct rl_err *err);

/* Parse a positive (or zero when ALLOW_ZERO) integer option value. */
int cli_int(struct cli *c, const char *opt, const char *value, int allow_zero,
	    int *out, struct rl_err *err);

/* Run a prepared pipeline run (from `run` or `rerun`): the live board on a
 * terminal, then the outcome (a line, or JSON with JSON).  Returns 0 when
 * the run completed, 1 when not, -1 when it could not start. */
struct runner_opts;
int cli_run_pipeline(struct cli *c, struct runner_opts *o, int json,
		     struct rl_err *err);

/* Print the dry-run plan of O: a table, or JSON with JSON. */
int cli_print_plan(struct cli *c, const struct runner_opts *o, int json,
		   struct rl_err *err);

int cmd_run(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_pipelines(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_ls(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_show(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_step(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_logs(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_stack(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_secret(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_rerun(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_tui(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_why(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_compare(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_pin(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_unpin(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_tag(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_note(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_rm(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_gc(struct cli *c, int argc, char **argv, struct rl_err *err);
/* the commands a running step uses */
int cmd_ctx(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_meta(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_metric(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_state(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_baseline(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_secret_get(struct cli *c, int argc, char **argv, struct rl_err *err);

#endif
