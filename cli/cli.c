/* cli/cli.c — global options, dispatch, and help made from the command
 * table (cli/commands.c). */
#include "config.h"
#include "cli/cli.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/output.h"
#include "core/session.h"
#include "tui/tui.h"
#include "util/buf.h"

#define HELP_WIDTH 79

const struct cli_command *cli_find(const struct cli_command *table,
				   const char *name)
{
	for (const struct cli_command *t = table; t && t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

const struct cli_opt *cli_opt_at(const struct cli_command *cmd, int i)
{
	int n = 0;
	while (cmd->opts && cmd->opts[n].name)
		n++;
	if (i < n)
		return &cmd->opts[i];
	if (i == n && !(cmd->flags & CLI_NO_STORE))
		return &cli_store_opt;
	return NULL;
}

const struct cli_opt *cli_find_opt(const struct cli_command *cmd,
				   const char *name, size_t len, int id)
{
	const struct cli_opt *o;
	for (int i = 0; (o = cli_opt_at(cmd, i)); i++) {
		if (len ? strlen(o->name) == len && strncmp(o->name, name, len) == 0
			: o->id == id)
			return o;
	}
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
	for (const struct cli_command *t = cli_commands; t->name; t++)
		if (!(t->flags & CLI_HIDDEN))
			fprintf(out, "  %-10s %s\n", t->name, t->summary);
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

/* Add WORD to the usage line in B (at column *COL), wrapping at
 * HELP_WIDTH to a line that starts at column INDENT. */
static void usage_word(struct buf *b, size_t *col, size_t indent, const char *word)
{
	size_t len = strlen(word);
	if (*col > indent && *col + 1 + len > HELP_WIDTH) {
		buf_printf(b, "\n%*s", (int)indent, "");
		*col = indent;
	}
	if (*col != indent) {
		buf_putc(b, ' ');
		(*col)++;
	}
	buf_puts(b, word);
	*col += len;
}

/* "runlens NAME ARGS [--opt ARG]...", wrapped; LEAD starts the first line. */
static void print_usage_line(FILE *out, const char *lead, const char *name,
			     const struct cli_command *cmd)
{
	struct buf b = BUF_INIT, w = BUF_INIT;
	buf_printf(&b, "%srunlens %s", lead, name);
	size_t col = b.len, indent = b.len + 1;
	for (const struct cli_arg *a = cmd->args; a && a->name; a++) {
		buf_reset(&w);
		buf_printf(&w, "%s%s%s%s", a->flags & CLI_OPTIONAL ? "[" : "", a->name,
			   a->flags & CLI_MANY ? "..." : "", a->flags & CLI_OPTIONAL ? "]" : "");
		usage_word(&b, &col, indent, w.data);
	}
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++) {
		int opt = !(o->flags & CLI_REQUIRED);
		buf_reset(&w);
		buf_printf(&w, "%s--%s%s%s%s%s", opt ? "[" : "", o->name, o->arg ? " " : "",
			   o->arg ? o->arg : "", opt ? "]" : "", o->flags & CLI_MANY ? "..." : "");
		usage_word(&b, &col, indent, w.data);
	}
	fprintf(out, "%s\n", b.data);
	buf_free(&b);
	buf_free(&w);
}

/* "-p, --param KEY=VALUE" (or "    --json" beside options with a letter) */
static void opt_left(struct buf *b, const struct cli_opt *o, int letters)
{
	buf_reset(b);
	if (o->id < 256)
		buf_printf(b, "-%c, ", o->id);
	else if (letters)
		buf_puts(b, "    ");
	buf_printf(b, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

static void print_options(FILE *out, const struct cli_command *cmd)
{
	const struct cli_opt *o;
	struct buf left = BUF_INIT;
	int letters = 0;
	size_t width = 0;
	for (int i = 0; (o = cli_opt_at(cmd, i)); i++)
		letters |= o->id < 256;
	for (int i = 0; (o = cli_opt_at(cmd, i)); i++) {
		opt_left(&left, o, letters);
		if (left.len > width)
			width = left.len;
	}
	for (int i = 0; (o = cli_opt_at(cmd, i)); i++) {
		opt_left(&left, o, letters);
		fprintf(out, "  %-*s  ", (int)width, left.data);
		for (const char *h = o->help; *h;) {
			size_t n = strcspn(h, "\n");
			fprintf(out, "%.*s\n", (int)n, h);
			h += n;
			if (*h == '\n' && *++h)
				fprintf(out, "  %-*s  ", (int)width, "");
		}
	}
	buf_free(&left);
}

/* `runlens help CMD`: usage, summary, options and notes of CMD. */
static void print_help(FILE *out, const struct cli_command *cmd)
{
	struct buf name = BUF_INIT;
	const char *lead = "usage: ";
	for (const struct cli_command *s = cmd->subs; s && s->name; s++) {
		buf_reset(&name);
		buf_printf(&name, "%s %s", cmd->name, s->name);
		print_usage_line(out, lead, name.data, s);
		lead = "       ";
	}
	if (!cmd->subs || cmd->args)
		print_usage_line(out, lead, cmd->name, cmd);
	fprintf(out, "\n%s.\n\n", cmd->summary);
	for (const struct cli_command *s = cmd->subs; s && s->name; s++) {
		fprintf(out, "%s %s: %s\n", cmd->name, s->name, s->summary);
		print_options(out, s);
	}
	if (!cmd->subs)
		print_options(out, cmd);
	if (cmd->notes)
		fprintf(out, "%s%s", cmd->subs || cli_opt_at(cmd, 0) ? "\n" : "",
			cmd->notes);
	buf_free(&name);
}

int cmd_help(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	if (argc < 2) {
		print_usage(c->out);
		return 0;
	}
	const struct cli_command *cmd = cli_find(cli_commands, argv[1]);
	if (!cmd)
		return rl_err_set(err, RL_E_USAGE,
				  "unknown command '%s' (see 'runlens --help')", argv[1]);
	print_help(c->out, cmd);
	return 0;
}

/* The one error line: its message quotes names, paths and values as
 * they were given, so it is written terminal-safe. */
static int report(struct rl_err *err)
{
	out_linef(stderr, "runlens: %s", rl_err_msg(err));
	int code = rl_err_exit_code(err->code);
	rl_err_clear(err);
	return code ? code : 1;
}

/* The options before the command.  Returns 0 with *next at the command,
 * 1 when done (--help, --version), -1 on error. */
static int global_options(struct cli *c, int argc, char **argv, int *next,
			  struct rl_err *err)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--store") == 0) {
			if (i + 1 >= argc)
				return rl_err_set(err, RL_E_USAGE, "--store needs a folder");
			c->store_flag = argv[++i];
		} else if (strncmp(a, "--store=", 8) == 0) {
			c->store_flag = a + 8;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_usage(stdout);
			return 1;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("runlens %s\n", PACKAGE_VERSION);
			return 1;
		} else {
			return rl_err_set(err, RL_E_USAGE,
					  "unknown option '%s' (see 'runlens --help')", a);
		}
	}
	*next = i;
	return 0;
}

/* `runlens CMD … --help` (before any "--") */
static int wants_help(int argc, char **argv)
{
	for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0)
			return 1;
	return 0;
}

/* Run the command of argv[0] (its subcommand when argv[1] names one). */
static int dispatch(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	const struct cli_command *cmd = cli_find(cli_commands, argv[0]);
	if (!cmd)
		return rl_err_set(err, RL_E_USAGE,
				  "unknown command '%s' (see 'runlens --help')", argv[0]);
	if (!(cmd->flags & CLI_RAW) && wants_help(argc, argv)) {
		print_help(stdout, cmd);
		return 0;
	}
	const struct cli_command *sub = argc > 1 ? cli_find(cmd->subs, argv[1]) : NULL;
	struct buf name = BUF_INIT;
	buf_printf(&name, "%s%s%s", cmd->name, sub ? " " : "", sub ? sub->name : "");
	if (!name.data)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	int rc = -1;
	c->cmd = name.data;
	if (cli_prepare(c, sub ? sub : cmd, err) == 0) {
		optind = 0; /* GNU: reinitialise getopt */
		const struct cli_command *run = sub ? sub : cmd;
		int n = sub ? argc - 1 : argc;
		char **words = sub ? argv + 1 : argv, **moved = NULL;
		if ((run->flags & CLI_NEGATIVE_ARGS) &&
		    !(words = moved = cli_negative_args(c, n, words, &n)))
			rc = rl_err_set(err, RL_E_NOMEM, NULL);
		else
			rc = run->fn(c, n, words, err);
		free(moved);
	}
	fflush(stdout);
	cli_release(c);
	c->cmd = NULL;
	buf_free(&name);
	return rc;
}

int cli_main(int argc, char **argv)
{
	/* the terminal's character set, for the width of what tables show
	 * (util/text.h text_width); numbers stay in the C locale */
	setlocale(LC_CTYPE, "");
	struct rl_err err = RL_ERR_INIT;
	struct cli c = { .out = stdout };
	int i = 0;
	int g = global_options(&c, argc, argv, &i, &err);
	if (g != 0)
		return g < 0 ? report(&err) : 0;
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
	int rc = dispatch(&c, argc - i, argv + i, &err);
	if (rc < 0)
		return report(&err);
	if (session_note()) /* a read-only store left something unrepaired */
		fprintf(stderr, "runlens: %s\n", session_note());
	return rc;
}
