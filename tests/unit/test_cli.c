/* tests/unit/test_cli.c — cli/: the command table's invariants, option
 * parsing from its rows, `runlens __complete` on the table alone, and
 * what the output layer gives a terminal and a program. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"

/* Every row: a name, a function, a summary; each option a long name, help
 * and an id no other option of the command has; only the last argument
 * repeats. */
static void check_rows(const struct cli_command *table, const char *family)
{
	for (const struct cli_command *t = table; t->name; t++) {
		ck_assert_msg(t->fn && t->summary && *t->summary, "%s %s", family, t->name);
		const struct cli_opt *o, *p;
		for (int i = 0; (o = cli_opt_at(t, i)); i++) {
			ck_assert_msg(o->name && o->help && *o->help, "%s: an option", t->name);
			ck_assert_msg(o->id > 0 && (o->id < 128 || o->id >= 256), "%s --%s", t->name,
				      o->name);
			for (int k = 0; k < i && (p = cli_opt_at(t, k)); k++)
				ck_assert_msg(strcmp(o->name, p->name) && o->id != p->id,
					      "%s: --%s twice", t->name, o->name);
		}
		for (const struct cli_arg *a = t->args; a && a->name; a++)
			ck_assert_msg(!(a->flags & CLI_MANY) || !a[1].name, "%s %s", t->name,
				      a->name);
		if (t->subs)
			check_rows(t->subs, t->name);
		ck_assert_ptr_eq(cli_find(table, t->name), t);
	}
}

START_TEST(test_table)
{
	check_rows(cli_commands, "");
	ck_assert_ptr_null(cli_find(cli_commands, "frobnicate"));
	ck_assert_ptr_null(cli_find(NULL, "run"));
	const struct cli_command *run = cli_find(cli_commands, "run");
	ck_assert_int_eq(cli_find_opt(run, "param", 5, 0)->id, 'p');
	ck_assert_int_eq(cli_find_opt(run, NULL, 0, 'p')->id, 'p');
	ck_assert_ptr_eq(cli_find_opt(run, "store", 5, 0), &cli_store_opt);
	ck_assert_ptr_null(cli_find_opt(run, "para", 4, 0));
	/* a step's commands and secrets take no --store */
	ck_assert_ptr_null(cli_find_opt(cli_find(cli_commands, "meta"), "store", 5, 0));
}
END_TEST

/* Printing into memory: mem_open, print to the stream, mem_text. */
struct mem {
	char *text;
	size_t len;
	FILE *f;
};

static FILE *mem_open(struct mem *m)
{
	m->text = NULL;
	m->f = open_memstream(&m->text, &m->len);
	ck_assert_ptr_nonnull(m->f);
	return m->f;
}

/* What was printed, malloc'd. */
static char *mem_text(struct mem *m)
{
	fclose(m->f);
	return m->text;
}

START_TEST(test_output_safe)
{
	/* a table for people: each cell escaped, aligned on what it shows */
	struct table *t = table_new(2, "NAME", "TAGS");
	table_add_row(t, "x\x1b]52;c;YQ==\x07", "t\xc2\x9b" "2J");
	table_add_row(t, "plain", "a\tb");
	struct mem m;
	table_print(t, mem_open(&m), 0);
	char *got = mem_text(&m);
	ck_assert_str_eq(got, "NAME                 TAGS\n"
			      "x\\x1b]52;c;YQ==\\x07  t\\xc2\\x9b2J\n"
			      "plain                a    b\n");
	free(got);
	/* CSV for programs: the raw bytes, quoted */
	table_print_csv(t, mem_open(&m));
	got = mem_text(&m);
	ck_assert_str_eq(got, "NAME,TAGS\r\n\"x\x1b]52;c;YQ==\x07\",\"t\xc2\x9b" "2J\"\r\n"
			      "plain,\"a\tb\"\r\n");
	free(got);
	table_free(&t);
	/* a line: every argument escaped, a newline inside one too */
	out_linef(mem_open(&m), "run %d  %s", 7, "a\x1b[2J\nb");
	got = mem_text(&m);
	ck_assert_str_eq(got, "run 7  a\\x1b[2J\\x0ab\n");
	free(got);
	out_field(mem_open(&m), "note", "\xc2\x9b\x07");
	got = mem_text(&m);
	ck_assert_str_eq(got, "  note      \\xc2\\x9b\\x07\n");
	free(got);
	out_text(mem_open(&m), NULL);
	got = mem_text(&m);
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

/* Parse ARGV (NULL-ended) as command NAME; the ids, comma-separated. */
static char *parse(const char *name, char **argv, struct cli *c, struct rl_err *err)
{
	static char got[256];
	int argc = 0, ch;
	while (argv[argc])
		argc++;
	got[0] = '\0';
	c->cmd = name;
	ck_assert_int_eq(cli_prepare(c, cli_find(cli_commands, name), err), 0);
	optind = 0;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%d%s%s", *got ? "," : "",
			 ch, optarg && ch != '?' ? "=" : "", optarg && ch != '?' ? optarg : "");
		if (ch == '?')
			break;
	}
	snprintf(got + strlen(got), sizeof got - strlen(got), ";%d", optind);
	cli_release(c);
	return got;
}

START_TEST(test_parse)
{
	struct cli c = { .out = stdout };
	struct rl_err err = RL_ERR_INIT;
	char *a[] = { "run", "-p", "a=1", "--no-cache", "f.json", "--store", "/s", "-j2", NULL };
	char want[128];
	snprintf(want, sizeof want, "112=a=1,%d,106=2;7", OPT_NO_CACHE);
	ck_assert_str_eq(parse("run", a, &c, &err), want);
	ck_assert_str_eq(c.store_flag, "/s"); /* taken, never returned */
	ck_assert_str_eq(a[7], "f.json"); /* GNU getopt moved the argument last */

	char *b[] = { "run", "--name", NULL };
	ck_assert_str_eq(parse("run", b, &c, &err), "63;2");
	ck_assert_str_eq(rl_err_msg(&err), "run: missing value for '--name' (see 'runlens help run')");
	rl_err_clear(&err);
	char *d[] = { "ls", "--bogus", NULL };
	parse("ls", d, &c, &err);
	ck_assert_str_eq(rl_err_msg(&err), "ls: unknown option '--bogus' (see 'runlens help ls')");
	rl_err_clear(&err);
	/* options first: note's TEXT may start with '-' */
	char *e[] = { "note", "3", "-x", NULL };
	ck_assert_str_eq(parse("note", e, &c, &err), ";1");
}
END_TEST

/* `runlens __complete WORDS…` without a store: the lines after the first. */
static char *complete(const char *first, ...)
{
	static char out[4096];
	char *argv[16] = { "__complete" };
	int argc = 1;
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w && argc < 15; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	FILE *f = fmemopen(out, sizeof out, "w");
	struct cli c = { .out = f, .store_flag = "/nonexistent/store" };
	ck_assert_int_eq(cmd_complete(&c, argc, argv, NULL), 0);
	fclose(f);
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return out;
}

START_TEST(test_complete)
{
	ck_assert_str_eq(complete("sh", NULL), "words show ");
	ck_assert_str_eq(complete("ls", "--so", NULL), "words --sort ");
	ck_assert_str_eq(complete("ls", "--sort=-na", NULL), "words --sort=-name ");
	ck_assert_str_eq(complete("ls", "-s", "id", "--sort", "i", NULL), "words id ");
	ck_assert_str_eq(complete("run", "", NULL), "files ");
	ck_assert_str_eq(complete("run", "-j", "", NULL), "words ");
	ck_assert_str_eq(complete("--store", "", NULL), "dirs ");
	ck_assert_str_eq(complete("show", "la", NULL), "words last ");
	ck_assert_str_eq(complete("stack", "r", NULL), "words register rm ");
	ck_assert_str_eq(complete("stack", "register", "--art", NULL), "words --artifact-store ");
	ck_assert_str_eq(complete("stack", "register", "--artifact-store", "", NULL), "dirs ");
	/* given once, not offered again; a repeatable one is */
	ck_assert_str_eq(complete("rerun", "--dry-run", "--d", NULL), "words ");
	ck_assert_str_eq(complete("rerun", "--force", "a", "--fo", NULL), "words --force ");
	/* after "--", and for a hidden command: nothing */
	ck_assert_str_eq(complete("ls", "--", "--", NULL), "words ");
	ck_assert_str_eq(complete("__complete", "", NULL), "words ");
	ck_assert_str_eq(complete("frobnicate", "", NULL), "words ");
	char *none = strdup(complete(NULL));
	ck_assert_str_eq(none, complete("", NULL));
	ck_assert_ptr_nonnull(strstr(none, " run "));
	free(none);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_output_safe);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_complete);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
