/* cli/cli.h — the command line: the command table, option parsing, help,
 * completion, and the commands themselves (cli/cmd_*.c).
 *
 * Contract
 *  - Every command is one row of the table in cli/commands.c: its name, its
 *    function, its arguments (struct cli_arg), its options (struct cli_opt)
 *    and its help.  `runlens help CMD`, the option parser (cli_next_opt)
 *    and the bash completion (`runlens __complete`, cli/complete.c) all
 *    read those rows, so none of them can drift from the others.
 *  - A command returns its exit code (0 or 1), or -1 with *err filled;
 *    cli_main prints "runlens: <message>" and exits with the error's code.
 *  - Commands print to c->out.  cli/ reads and writes the store only
 *    through store/ and core/ functions: no SQL, no process starting here.
 *  - What is printed for people goes through cli/output.h (tables,
 *    out_linef…), which makes every byte a user or a step chose
 *    terminal-safe; --json and --csv carry the bytes as they are.
 */
#ifndef RUNLENS_CLI_CLI_H
#define RUNLENS_CLI_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

struct cli_command;
struct store;
struct store_run;
struct store_step_run;

struct cli {
	const char *store_flag; /* --store DIR, or NULL */
	FILE *out;
	int color; /* colour on stdout */
	const char *cmd; /* the command's name, for messages ("stack ls") */
	const struct cli_command *command; /* its row in the table */
	/* getopt's arrays, made from command->opts by cli_prepare */
	struct option *longopts;
	char *shortopts;
	unsigned formats; /* the output formats asked for (--json, --csv, --md) */
};

typedef int (*cli_fn)(struct cli *c, int argc, char **argv,
		      struct rl_err *err);

/* What a value is: where completion finds candidates for it. */
enum cli_value {
	CLI_V_TEXT,	/* free text: no candidates */
	CLI_V_FILE,	/* a file */
	CLI_V_DIR,	/* a folder */
	CLI_V_RUN,	/* a run: id, name, "last", "PIPELINE@last" */
	CLI_V_PIPELINE, /* a pipeline name */
	CLI_V_STEP,	/* a step of the RUN argument of the same command */
	CLI_V_OUTPUT,	/* STEP.OUTPUT of the RUN argument of the same command */
	CLI_V_STACK,	/* a stack name */
	CLI_V_COMMAND,	/* a command name */
};

/* What cli_next_opt returns for the options with no short letter. */
enum cli_opt_id {
	OPT_JSON = 256,
	OPT_CSV,
	OPT_STORE,
	OPT_NO_CACHE,
	OPT_STACK,
	OPT_FROM,
	OPT_FORCE,
	OPT_DRY_RUN,
	OPT_STDOUT,
	OPT_STDERR,
	OPT_READ_ONLY,
	OPT_ARTIFACT_STORE,
	OPT_ORCHESTRATOR,
	OPT_COMPONENT,
	OPT_DIFF,
	OPT_EXIT_CODE,
	OPT_NOTES,
	OPT_VERIFY,
	OPT_PARTITION,
	OPT_ACCOUNT,
	OPT_QOS,
	OPT_SLURM_OPT,
	OPT_CPUS,
	/* issue 16: the experiment table, sweeps, comparisons */
	OPT_COLUMNS,
	OPT_ONLY_CHANGED,
	OPT_SWEEP,
	OPT_PARALLEL_RUNS,
	OPT_MD,
	OPT_FAIL_WORSE,
	OPT_METRIC,
	/* issue 19: the everyday commands */
	OPT_HEADLINE,
};

enum cli_row_flags {
	CLI_MANY = 1 << 0,     /* may be given several times */
	CLI_OPTIONAL = 1 << 1, /* an argument that may be left out */
	CLI_REQUIRED = 1 << 2, /* an option the command needs (it checks) */
};

/* One option: the help line, getopt's entry and completion's data. */
struct cli_opt {
	const char *name;     /* long name: "param" for --param; NULL ends */
	int id;		      /* its short letter, or an OPT_* id */
	const char *arg;      /* its value's name ("KEY=VALUE"); NULL: a flag */
	enum cli_value value; /* what the value is */
	unsigned flags;	      /* CLI_MANY, CLI_REQUIRED */
	const char *help;     /* help; '\n' between lines */
	const char *const *choices; /* the values it takes, or NULL */
};

/* One positional argument. */
struct cli_arg {
	const char *name; /* "RUN"; NULL ends */
	enum cli_value value;
	unsigned flags; /* CLI_OPTIONAL, CLI_MANY (the last one only) */
};

enum cli_command_flags {
	CLI_NO_STORE = 1 << 0,	 /* no --store (steps' commands, secrets) */
	CLI_OPTS_FIRST = 1 << 1, /* options end at the first argument */
	CLI_HIDDEN = 1 << 2,	 /* not in --help, not completed */
	CLI_RAW = 1 << 3,	 /* its words as they are: no --help */
	CLI_NEGATIVE_ARGS = 1 << 4, /* "-1.5" is an argument, not an option */
};

struct cli_command {
	const char *name; /* NULL ends a table */
	/* the command; for a family (subs), what runs when no subcommand
	 * matches argv[1] */
	cli_fn fn;
	const struct cli_arg *args; /* NULL: none */
	const struct cli_opt *opts; /* NULL: none (--store aside) */
	const struct cli_command *subs; /* `stack register`, `stack ls`… */
	unsigned flags;
	const char *summary; /* one line for --help */
	const char *notes;   /* help after the options, or NULL */
};

/* The table of commands (cli/commands.c). */
extern const struct cli_command cli_commands[];
/* The --store option every command has unless CLI_NO_STORE. */
extern const struct cli_opt cli_store_opt;

/* The row named NAME in TABLE, or NULL. */
const struct cli_command *cli_find(const struct cli_command *table,
				   const char *name);

/* The option of CMD (--store included) with long name NAME (LEN bytes)
 * or, when LEN is 0, short letter ID; NULL when none. */
const struct cli_opt *cli_find_opt(const struct cli_command *cmd,
				   const char *name, size_t len, int id);

/* The option number I of CMD, --store last; NULL past the end. */
const struct cli_opt *cli_opt_at(const struct cli_command *cmd, int i);

/* Run the program: parse global options, dispatch, print errors. */
int cli_main(int argc, char **argv);

/* Make getopt's arrays for CMD in C (freed by cli_release); sets
 * c->command.  -1 when out of memory. */
int cli_prepare(struct cli *c, const struct cli_command *cmd,
		struct rl_err *err);
void cli_release(struct cli *c);

/* The next option of the command (getopt_long over the table's rows):
 * its short letter or OPT_* id, -1 at the end, or '?' with *err filled
 * (RL_E_USAGE) for an unknown option or a missing value.  --store is
 * taken here (c->store_flag) and never returned. */
int cli_next_opt(struct cli *c, int argc, char **argv, struct rl_err *err);

/* For a CLI_NEGATIVE_ARGS command: ARGV (ARGC words, the command's name
 * first) with its options and their values first, then "--", then its
 * other words in order, so that getopt takes a negative number
 * (`runlens metric reward -1.5`) as an argument.  A new array of
 * borrowed words (*NARGC of them; free it), NULL when out of memory. */
char **cli_negative_args(const struct cli *c, int argc, char **argv, int *nargc);

/* Parse a positive (or zero when ALLOW_ZERO) integer option value. */
int cli_int(struct cli *c, const char *opt, const char *value, int allow_zero,
	    int *out, struct rl_err *err);

/* --limit N: at most N (0: INT_MAX, no limit). */
int cli_limit(struct cli *c, const char *value, int *limit, struct rl_err *err);

/* A growing list of strings, NULL-terminated; OWNS: whether it frees them. */
struct cli_strv {
	char **v;
	int n;
	int owns;
};
/* Append S (taken over when owns; NULL S is out of memory): 0, or -1
 * with *err filled. */
int cli_strv_push(struct cli_strv *sv, char *s, struct rl_err *err);
void cli_strv_free(struct cli_strv *sv);

/* Append a -p KEY=VALUE value (not copied) to SV; RL_E_USAGE when it has
 * no '='. */
int cli_param_opt(struct cli *c, struct cli_strv *sv, const char *value,
		  struct rl_err *err);

/* Open the store (read-write, repairing dead runs) and resolve the run
 * REF: *s open, *id, and *r filled when R is not NULL. */
int cli_open_run(struct cli *c, const char *ref, struct store **s,
		 int64_t *id, struct store_run *r, struct rl_err *err);

/* cli_open_run, then the step run STEP of that run into *st ("run N has
 * no step 'X'" when it has none). */
int cli_open_step(struct cli *c, const char *ref, const char *step,
		  struct store **s, int64_t *run_id, struct store_step_run *st,
		  struct rl_err *err);

/* Run a prepared pipeline run (from `run` or `rerun`): the live board on a
 * terminal, then the outcome (a line, or JSON with JSON).  Returns 0 when
 * the run completed, 1 when not, -1 when it could not start. */
struct runner_opts;
/* HEADLINE: after a completed run, its metrics with their change from the
 * baseline (cli_headline): CLI_HEADLINE_AUTO when c->out is a terminal,
 * CLI_HEADLINE_ON (--headline) always, CLI_HEADLINE_OFF (--quiet) never;
 * never with JSON. */
enum { CLI_HEADLINE_OFF = -1, CLI_HEADLINE_AUTO = 0, CLI_HEADLINE_ON = 1 };
int cli_run_pipeline(struct cli *c, struct runner_opts *o, int json, int headline,
		     struct rl_err *err);
/* Print run RUN_ID's metrics with their change from its baseline (▲/▼,
 * %, better/worse: compare_new), or alone when it has none (cli/headline.c). */
int cli_headline(struct cli *c, int64_t run_id, struct rl_err *err);

/* The run board (cli/cmd_run.c) as the runner's observer: *ob is filled
 * to draw on OUT (live on a terminal, plain lines elsewhere).  Release it
 * with cli_board_free once the run is over. */
struct cli_board;
struct runner_observer;
struct cli_board *cli_board_new(FILE *out, struct runner_observer *ob);
void cli_board_free(struct cli_board **b);

/* Carry out the sweep of O's params (cli/cmd_sweeps.c): the runs of GRID
 * under the sweep NAME (NULL: a name is chosen), PARALLEL at once; a line
 * per run and the outcome (JSON with JSON).  Returns 0 when every run
 * completed, 1 when not, -1 when the sweep could not start. */
struct sweep_grid;
int cli_run_sweep(struct cli *c, struct runner_opts *o, const struct sweep_grid *grid,
		  const char *name, int parallel, int json, struct rl_err *err);

/* Print the dry-run plan of O: a table, JSON with JSON, or CSV when JSON
 * is CLI_PLAN_CSV.  HEAD (taken over; may be NULL): a JSON object whose
 * members come before "plan" in the JSON. */
#define CLI_PLAN_CSV 2
struct cJSON;
int cli_print_plan(struct cli *c, const struct runner_opts *o, int json, struct cJSON *head,
		   struct rl_err *err);

int cmd_run(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_pipelines(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_ls(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_show(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_step(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_logs(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_stack(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_stack_register(struct cli *c, int argc, char **argv,
		       struct rl_err *err);
int cmd_stack_ls(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_stack_rm(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_secret_set(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_secret_ls(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_secret_rm(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_rerun(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_tui(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_why(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_spec(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_cat(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_path(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_diff(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_dag(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_compare(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_pin(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_unpin(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_tag(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_untag(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_note(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_rm(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_gc(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_help(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_sweeps(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_metrics(struct cli *c, int argc, char **argv, struct rl_err *err);
/* `runlens __complete WORD…`: candidates for the last WORD (complete.c) */
int cmd_complete(struct cli *c, int argc, char **argv, struct rl_err *err);
/* the commands a running step uses */
int cmd_ctx(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_meta(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_metric(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_state(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_state_get(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_state_set(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_baseline(struct cli *c, int argc, char **argv, struct rl_err *err);
int cmd_secret_get(struct cli *c, int argc, char **argv, struct rl_err *err);
/* cli/cmd_jobexec.c */
int cmd_job_exec(struct cli *c, int argc, char **argv, struct rl_err *err);

#endif
