/* cli/cli.c — the command table, global options, help and dispatch. */
#include "config.h"
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

static const struct cli_command commands[] = {
	{ "run", cmd_run,
	  "run FILE [-p KEY=VALUE]... [--name N] [--tag T]... [-j N] [--no-cache] [--stack S] [--json]",
	  "run a pipeline and record it",
	  "  -p, --param KEY=VALUE  override a pipeline param (VALUE is JSON when it parses)\n"
	  "  -n, --name NAME        name the run (default: PIPELINE-YYYYMMDD-HHMMSS)\n"
	  "  -t, --tag TAG          tag the run (repeatable)\n"
	  "  -j, --jobs N           run at most N steps at once (default: number of CPUs)\n"
	  "      --no-cache         run every step even when a cached result exists\n"
	  "      --stack NAME       run on this stack (default: the pipeline's, else 'default')\n"
	  "      --json             print the outcome as JSON on stdout (progress on stderr)\n"
	  "Exit status: 0 when the run completed, 1 when a step failed or the run was\n"
	  "interrupted, 2 for an invalid pipeline file (nothing is recorded then).\n" },
	{ "tui", cmd_tui, "tui [RUN] [--read-only]",
	  "browse runs in the terminal (also plain `runlens` on a terminal)",
	  "  --read-only   refuse every action that would change the store\n"
	  "Keys: arrows/jk move, Enter opens, l shows logs, q/Esc goes back, ? help.\n" },
	{ "pipelines", cmd_pipelines, "pipelines [--json|--csv]",
	  "list pipelines with run counts and their last run",
	  "  --json, --csv   machine-readable output\n" },
	{ "ls", cmd_ls, "ls [PIPELINE] [--where EXPR] [--sort KEY] [--limit N] [--json|--csv]",
	  "list runs, newest first",
	  "  -w, --where EXPR  only runs matching EXPR, e.g.\n"
	  "                    'status=failed and tag=nightly and evaluate.accuracy>0.9 and started>-7d'\n"
	  "  -s, --sort KEY    order by KEY (ascending; -KEY descending): started,\n"
	  "                    duration, name, status, id, params.X, STEP.KEY\n"
	  "  -n, --limit N     show at most N runs (default 50; 0 = all)\n"
	  "  --json, --csv     machine-readable output\n"
	  "EXPR: fields status, name, pipeline, tag, id, started, duration, params.X,\n"
	  "STEP.KEY (metrics); operators = != < <= > >= ~ (contains); and, or, not,\n"
	  "parentheses; times -7d/-12h/2026-11-20, durations 90s/5m/2h.\n" },
	{ "show", cmd_show, "show RUN [--json|--csv]",
	  "show a run: status, timings, params, tags, steps, metrics",
	  "RUN is a run id, a run name, 'last' or 'PIPELINE@last'.\n"
	  "  --json          the run as one JSON document\n"
	  "  --csv           the run's steps as CSV\n" },
	{ "step", cmd_step, "step RUN STEP [--json]",
	  "show a step run: context, inputs, outputs, metadata, attempts",
	  "  --json          the step run as one JSON document\n" },
	{ "logs", cmd_logs,
	  "logs RUN STEP [--attempt N] [--stdout|--stderr] [--follow] [--json]",
	  "print the captured output of a step",
	  "  -a, --attempt N  that attempt (default: the last)\n"
	  "      --stdout     only standard output\n"
	  "      --stderr     only standard error\n"
	  "  -f, --follow     keep printing while the step runs\n"
	  "      --json       {\"stdout\": …, \"stderr\": …} (invalid UTF-8 replaced)\n"
	  "On a terminal, control characters are shown as escapes (\\x1b); when\n"
	  "piped, the bytes are written as they were captured.\n" },
	{ "rerun", cmd_rerun,
	  "rerun RUN [--from STEP] [--force STEP]... [-p KEY=VALUE]... [-j N] [--no-cache] [--dry-run] [--json]",
	  "run again from the recorded pipeline and params",
	  "  --from STEP          re-execute STEP and everything downstream; reuse the\n"
	  "                       other steps' outputs from RUN\n"
	  "  --force STEP         re-execute STEP even if a cached result exists\n"
	  "  -p, --param K=V      override a recorded param\n"
	  "  --dry-run            print the plan (what runs, what is cached or reused, why)\n"
	  "The new run records rerun_of = RUN.\n" },
	{ "why", cmd_why, "why RUN STEP [--json]",
	  "why a step was cached or re-executed",
	  "Compares each part of the step's cache key (command, workdir, env, params,\n"
	  "each input's hash, outputs) with the closest earlier run of the step.\n" },
	{ "compare", cmd_compare, "compare RUN [OTHER...] [--all] [--json|--csv]",
	  "compare params and metrics with the baseline or other runs",
	  "Without OTHER, RUN is compared with its baseline (the pinned run, else the\n"
	  "newest completed earlier run).  Metrics are STEP.KEY with value, other value,\n"
	  "delta, % change and better/worse (the pipeline's \"metrics\" directions; else\n"
	  "loss/error/mse/mae/rmse/latency/time are lower-is-better).  Series compare by\n"
	  "their last point.  Only what differs unless --all.\n" },
	{ "pin", cmd_pin, "pin RUN", "make RUN the baseline of its pipeline", "" },
	{ "unpin", cmd_unpin, "unpin PIPELINE",
	  "clear the pinned baseline (back to the newest completed earlier run)", "" },
	{ "tag", cmd_tag, "tag RUN TAG...", "add tags to a run", "" },
	{ "note", cmd_note, "note RUN TEXT...", "add a note to a run", "" },
	{ "rm", cmd_rm, "rm RUN... [--yes]", "delete runs and what they recorded",
	  "Asks first on a terminal; elsewhere needs --yes.  Artifacts stay until gc.\n"
	  "  -y, --yes   do not ask\n" },
	{ "gc", cmd_gc, "gc", "remove artifacts that no run references",
	  "An artifact shared through the cache stays while any run uses it.\n" },
	{ "stack", cmd_stack,
	  "stack register NAME --artifact-store PATH [--orchestrator local] [--component KIND=NAME]... | stack ls [--json|--csv]",
	  "register and list stacks (where artifacts go, what runs steps)",
	  "  --artifact-store PATH   folder for the artifacts of runs on this stack\n"
	  "  --orchestrator FLAVOR   what runs the steps (local)\n"
	  "  --component KIND=NAME   an optional component (experiment_tracker=…)\n"
	  "A pipeline picks a stack with \"stack\", a run with --stack.\n" },
	{ "secret", cmd_secret,
	  "secret set NAME KEY=VALUE... | secret ls [--json] | secret rm NAME | secret NAME KEY",
	  "keep secrets outside the store; a step reads the ones it declares",
	  "Secrets live in $XDG_CONFIG_HOME/runlens/secrets.json (mode 0600).\n"
	  "  set NAME KEY=VALUE...  set keys of a secret (KEY=- reads the value from stdin)\n"
	  "  ls                     names and keys, never values\n"
	  "  rm NAME                remove a secret\n"
	  "  NAME KEY               (inside a step) print a secret the step declares\n"
	  "Values are masked as *** in captured logs and metadata.\n" },
	{ "ctx", cmd_ctx, "ctx [FIELD]",
	  "(inside a step) print the step context or one dotted field",
	  "FIELD is a dotted path: run.name, step.inputs.data.path, step.params.lr.\n"
	  "Strings print raw, anything else as JSON.  Exit 3 outside a step.\n" },
	{ "meta", cmd_meta, "meta [--output NAME] KEY=VALUE...",
	  "(inside a step) record metadata on the step run or one of its outputs",
	  "  -o, --output NAME  attach to that declared output\n"
	  "VALUE is JSON when it parses as JSON, else a string.  All or nothing.\n" },
	{ "metric", cmd_metric, "metric KEY VALUE [--index N]",
	  "(inside a step) record a numeric metric, or one point of a series",
	  "  -i, --index N  the point's index in a series (epoch, step)\n" },
	{ "state", cmd_state, "state get KEY | state set KEY JSON",
	  "(inside a step) read or write the run's shared state",
	  "A step sees the state as of its start; its writes apply when it\n"
	  "completes successfully, in completion order; a failed step's are dropped.\n" },
	{ "baseline", cmd_baseline, "baseline STEP.OUTPUT",
	  "(inside a step) print the path of an output of the baseline run",
	  "Exit 4 when the run has no baseline or the baseline lacks the output.\n" },
};

#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static const struct cli_command *find_command(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: runlens [--store DIR] COMMAND [ARGS]\n"
		"\n"
		"runlens runs pipelines of steps, records every step's context, outputs,\n"
		"metadata, metrics and logs in SQLite, and lets you browse and compare runs.\n"
		"\n"
		"Commands:\n");
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  --store DIR   the store folder (default: $RUNLENS_STORE, else the\n"
		"                nearest .runlens/ here or above)\n"
		"  --help        this help;  'runlens help COMMAND' for a command\n"
		"  --version     print the version\n"
		"\n"
		"Exit status: 0 success, 1 a run or operation failed, 2 invalid usage or\n"
		"input, 3 not inside a step, 4 not found.\n");
}

static void print_command_help(FILE *out, const struct cli_command *cmd)
{
	fprintf(out, "usage: runlens %s\n\n%s.\n\n%s", cmd->usage, cmd->summary,
		cmd->help);
	fprintf(out, "  --store DIR     the store folder\n");
}

int cli_getopt(struct cli *c, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, struct rl_err *err)
{
	opterr = 0;
	int ch = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (ch == '?' || ch == ':') {
		const char *bad = argv[optind - 1];
		if (optopt && !(bad && bad[0] == '-' && bad[1] == '-'))
			rl_err_set(err, RL_E_USAGE,
				   "%s: %s -%c (see 'runlens help %s')", c->cmd,
				   ch == ':' ? "missing value for" : "unknown option",
				   optopt, c->cmd);
		else
			rl_err_set(err, RL_E_USAGE,
				   "%s: %s '%s' (see 'runlens help %s')", c->cmd,
				   ch == ':' ? "missing value for" : "unknown option",
				   bad ? bad : "?", c->cmd);
		return '?';
	}
	return ch;
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

static int report(struct rl_err *err)
{
	fprintf(stderr, "runlens: %s\n", rl_err_msg(err));
	int code = rl_err_exit_code(err->code);
	rl_err_clear(err);
	return code ? code : 1;
}

int cli_main(int argc, char **argv)
{
	struct rl_err err = RL_ERR_INIT;
	struct cli c = { .out = stdout };
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--store") == 0) {
			if (i + 1 >= argc) {
				rl_err_set(&err, RL_E_USAGE, "--store needs a folder");
				return report(&err);
			}
			c.store_flag = argv[++i];
		} else if (strncmp(a, "--store=", 8) == 0) {
			c.store_flag = a + 8;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("runlens %s\n", PACKAGE_VERSION);
			return 0;
		} else if (a[0] == '-') {
			rl_err_set(&err, RL_E_USAGE,
				   "unknown option '%s' (see 'runlens --help')", a);
			return report(&err);
		} else {
			break;
		}
	}
	if (i >= argc) {
		/* plain `runlens` on a terminal opens the browser */
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
			struct tui_opts o = { .store_flag = c.store_flag };
			if (tui_main(&o, &err) < 0)
				return report(&err);
			return 0;
		}
		print_usage(stderr);
		return 2;
	}
	const char *name = argv[i];
	if (strcmp(name, "help") == 0) {
		if (i + 1 >= argc) {
			print_usage(stdout);
			return 0;
		}
		const struct cli_command *cmd = find_command(argv[i + 1]);
		if (!cmd) {
			rl_err_set(&err, RL_E_USAGE,
				   "unknown command '%s' (see 'runlens --help')",
				   argv[i + 1]);
			return report(&err);
		}
		print_command_help(stdout, cmd);
		return 0;
	}
	const struct cli_command *cmd = find_command(name);
	if (!cmd) {
		rl_err_set(&err, RL_E_USAGE,
			   "unknown command '%s' (see 'runlens --help')", name);
		return report(&err);
	}
	/* `runlens CMD --help` */
	for (int k = i + 1; k < argc; k++) {
		if (strcmp(argv[k], "--") == 0)
			break;
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			print_command_help(stdout, cmd);
			return 0;
		}
	}
	c.cmd = cmd->name;
	c.color = 0;
	optind = 0; /* GNU: reinitialise getopt */
	int rc = cmd->fn(&c, argc - i, argv + i, &err);
	fflush(stdout);
	if (rc < 0)
		return report(&err);
	return rc;
}
