/* tests/unit/test_config.c — the browser's config file (tui/config.c):
 * each kind of line, comments and sections, every bad line reported with
 * its file and line and the rest kept, key names, colours, the default
 * path, rebinding through the key table (tui/keys.c), and the change
 * text that tells better from worse without colour (tui/format.c).  No
 * terminal. */
#include "config.h"

#include <check.h>
#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/format.h"
#include "tui/internal.h"
#include "tui/tui_config.h"

static int parse(const char *text)
{
	return config_parse(text, strlen(text), "/home/u/.config/runlens/config");
}

START_TEST(test_config_values)
{
	int bad = parse("# runlens\n"
			"theme = light\n"
			"  date_format=%d.%m.%Y %H:%M   # day first\n"
			"yank_command = xclip -selection clipboard\n"
			"\n"
			"[colors]\n"
			"better = cyan\n"
			"worse = 208\n"
			"[colours]\n"
			"dim = default\n"
			"[keys]\n"
			"compare = x\n"
			"page-up = C-u PgUp\n"
			"[columns]\n"
			"train = id, name, params.lr train.loss\n"
			"* = id status\n");
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(config_nerrors(), 0);
	ck_assert_str_eq(config_get("theme"), "light");
	ck_assert_str_eq(config_get("date_format"), "%d.%m.%Y %H:%M");
	ck_assert_str_eq(config_get("yank_command"), "xclip -selection clipboard");
	ck_assert_str_eq(config_get("colors.better"), "cyan");
	ck_assert_str_eq(config_get("colors.worse"), "208");
	ck_assert_str_eq(config_get("colors.dim"), "default");
	ck_assert_str_eq(config_get("keys.compare"), "x");
	ck_assert_str_eq(config_get("keys.page-up"), "C-u PgUp");
	ck_assert_str_eq(config_get("columns.train"), "id, name, params.lr train.loss");
	ck_assert_str_eq(config_get("columns.*"), "id status");
	ck_assert_ptr_null(config_get("colour"));
	ck_assert_ptr_null(config_get(NULL));
	const char **keys = NULL;
	ck_assert_int_eq(config_section("keys", &keys), 2);
	ck_assert_str_eq(keys[0], "compare");
	ck_assert_str_eq(keys[1], "page-up");
	ck_assert_int_eq(config_section("nothing", &keys), 0);
	ck_assert_ptr_null(keys);
	/* a later line wins */
	parse("theme = light\ntheme = dark\n");
	ck_assert_str_eq(config_get("theme"), "dark");
	config_free();
	ck_assert_ptr_null(config_get("theme"));
}
END_TEST

START_TEST(test_config_bad_lines)
{
	int bad = parse("theme = dark\n"
			"colour = red\n"			   /* 2 */
			"theme = solarized\n"			   /* 3 */
			"just words\n"				   /* 4 */
			"[colors]\n"
			"better = pink\n"			   /* 6 */
			"ok = green\n"				   /* 7 */
			"[keys]\n"
			"fly = x\n"				   /* 9 */
			"compare = Ctrl+x\n"			   /* 10 */
			"pin = a b c\n"				   /* 11 */
			"[nonsense]\n"				   /* 12 */
			"anything = at all\n"
			"[columns]\n"
			"train = id params.\n"			   /* 15 */
			"date_format =\n"			   /* 16 */
			"= x\n"					   /* 17 */
			"[keys\n"				   /* 18 */
			"worse = blue\n");			   /* in no section */
	ck_assert_int_eq(bad, 13);
	ck_assert_int_eq(config_nerrors(), 13);
	ck_assert_str_eq(config_error(0), "/home/u/.config/runlens/config:2: unknown key 'colour'");
	ck_assert_str_eq(config_error(1),
			 "/home/u/.config/runlens/config:3: theme: 'solarized' is neither dark nor "
			 "light");
	ck_assert_ptr_nonnull(strstr(config_error(2), "config:4: 'just words' is not KEY = VALUE"));
	ck_assert_ptr_nonnull(strstr(config_error(3), "config:6: 'pink' is no colour"));
	ck_assert_ptr_nonnull(strstr(config_error(4), "config:7: unknown colour 'ok'"));
	ck_assert_ptr_nonnull(strstr(config_error(5), "config:9: unknown action 'fly'"));
	ck_assert_ptr_nonnull(strstr(config_error(6), "config:10: 'Ctrl+x' is not one or two keys"));
	ck_assert_ptr_nonnull(strstr(config_error(7), "config:11: 'a b c' is not one or two keys"));
	ck_assert_ptr_nonnull(strstr(config_error(8), "config:12: unknown section [nonsense]"));
	ck_assert_ptr_nonnull(strstr(config_error(9), "config:15: 'params.' is no column"));
	ck_assert_ptr_nonnull(strstr(config_error(10), "config:16: 'date_format' has no value"));
	ck_assert_ptr_nonnull(strstr(config_error(11), "config:17: a line with no key"));
	/* after a bad section header its lines are ignored: it was said once */
	ck_assert_ptr_nonnull(strstr(config_error(12), "config:18: '[keys' is no section"));
	ck_assert_ptr_null(config_error(13));
	ck_assert_ptr_null(config_error(-1));
	/* the good lines are kept, the bad ones ignored */
	ck_assert_str_eq(config_get("theme"), "dark");
	ck_assert_ptr_null(config_get("colors.better"));
	ck_assert_ptr_null(config_get("keys.compare"));
	ck_assert_ptr_null(config_get("anything"));
	/* ~ for $HOME in the file's name */
	setenv("HOME", "/home/u", 1);
	parse("colour = 1\n");
	ck_assert_str_eq(config_error(0), "~/.config/runlens/config:1: unknown key 'colour'");
	/* nothing at all */
	ck_assert_int_eq(config_parse(NULL, 0, NULL), 0);
	ck_assert_int_eq(config_parse("", 0, NULL), 0);
	ck_assert_int_eq(config_parse("a = b\0c", 7, NULL), 1);
	ck_assert_ptr_nonnull(strstr(config_error(0), "config:1: a NUL byte"));
	config_free();
}
END_TEST

START_TEST(test_config_files)
{
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	char *p = config_default_path();
	ck_assert_str_eq(p, "/x/cfg/runlens/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	p = config_default_path();
	ck_assert_str_eq(p, "/home/u/.config/runlens/config");
	free(p);
	/* a missing file is an empty config; no path neither */
	ck_assert_int_eq(config_load("/nonexistent/runlens/config"), 0);
	ck_assert_int_eq(config_load(NULL), 0);
	char tmpl[] = "/tmp/test_config_XXXXXX";
	int fd = mkstemp(tmpl);
	ck_assert_int_ge(fd, 0);
	const char *text = "theme = light\nbogus = 1\n";
	ck_assert_int_eq((int)write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	ck_assert_int_eq(config_load(tmpl), 1);
	ck_assert_str_eq(config_get("theme"), "light");
	ck_assert_ptr_nonnull(strstr(config_error(0), ":2: unknown key 'bogus'"));
	unlink(tmpl);
	config_free();
}
END_TEST

START_TEST(test_config_keys_and_colours)
{
	ck_assert_int_eq(config_key_code("x"), 'x');
	ck_assert_int_eq(config_key_code("B"), 'B');
	ck_assert_int_eq(config_key_code("C-b"), 2);
	ck_assert_int_eq(config_key_code("c-B"), 2);
	ck_assert_int_eq(config_key_code("F5"), KEY_F(5));
	ck_assert_int_eq(config_key_code("F12"), KEY_F(12));
	ck_assert_int_eq(config_key_code("F13"), -1);
	ck_assert_int_eq(config_key_code("Enter"), '\n');
	ck_assert_int_eq(config_key_code("space"), ' ');
	ck_assert_int_eq(config_key_code("PgDn"), KEY_NPAGE);
	ck_assert_int_eq(config_key_code("C-1"), -1);
	ck_assert_int_eq(config_key_code("xy"), -1);
	ck_assert_int_eq(config_key_code(""), -1);
	ck_assert_int_eq(config_key_code(NULL), -1);
	ck_assert_int_eq(config_color("red"), 1);
	ck_assert_int_eq(config_color("WHITE"), 7);
	ck_assert_int_eq(config_color("default"), -1);
	ck_assert_int_eq(config_color("245"), 245);
	ck_assert_int_eq(config_color("256"), -2);
	ck_assert_int_eq(config_color("-1"), -2);
	ck_assert_int_eq(config_color("pink"), -2);
	ck_assert_int_eq(config_color(""), -2);
	ck_assert_int_eq(config_color(NULL), -2);
	/* action names as the file writes them */
	ck_assert_int_eq(keys_action_named("compare"), ACT_COMPARE);
	ck_assert_int_eq(keys_action_named("page_up"), ACT_PAGE_UP);
	ck_assert_int_eq(keys_action_named("page-up"), ACT_PAGE_UP);
	ck_assert_int_eq(keys_action_named("PIN"), ACT_PIN);
	ck_assert_int_eq(keys_action_named("pi"), ACT_NONE);
	ck_assert_int_eq(keys_action_named(""), ACT_NONE);
	ck_assert_int_eq(keys_action_named(NULL), ACT_NONE);
	ck_assert_str_eq(keys_action_name(ACT_PAGE_DOWN), "page_down");
	ck_assert_str_eq(keys_action_name(ACT_NONE), "");
	/* rebinding: compare to x; the key it takes leaves the other action */
	int x[] = { 'x' };
	keys_rebind(ACT_COMPARE, x, 1);
	ck_assert_int_eq(keys_action_of('x'), ACT_COMPARE);
	ck_assert_int_eq(keys_action_of('c'), ACT_NONE);
	ck_assert_str_eq(keys_label(ACT_COMPARE), "x");
	ck_assert_str_eq(keys_bar_label(ACT_COMPARE, 0), "x");
	int q[] = { 'q', KEY_F(2) };
	keys_rebind(ACT_HELP, q, 2);
	ck_assert_int_eq(keys_action_of('q'), ACT_HELP);
	ck_assert_int_eq(keys_action_of(KEY_F(2)), ACT_HELP);
	ck_assert_int_eq(keys_action_of(27), ACT_CANCEL); /* Esc keeps its action */
	ck_assert_str_eq(keys_label(ACT_HELP), "q/F2");
	keys_rebind(ACT_NONE, q, 1); /* nothing */
	keys_rebind(ACT_PIN, q, 0);
	ck_assert_int_eq(keys_action_of('q'), ACT_HELP);
}
END_TEST

START_TEST(test_change_not_by_colour_alone)
{
	char buf[64];
	/* lower is better: down is better */
	ck_assert_int_eq(fmt_change(0.05, 0.1, -1, 1, 0, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "\u25bc50% +");
	ck_assert_int_eq(fmt_change(0.2, 0.1, -1, 1, 1, buf, sizeof buf), -1);
	ck_assert_str_eq(buf, "\u25b2100% worse");
	ck_assert_int_eq(fmt_change(0.88, 0.8, 1, 0, 1, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "+10% better");
	ck_assert_int_eq(fmt_change(0.5, 0.5, 1, 1, 1, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "= same");
	ck_assert_int_eq(fmt_change(0.5, 0.5, 1, 1, 0, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "=");
	/* from 0: the difference; past 999%: a factor */
	ck_assert_int_eq(fmt_change(2, 0, 1, 1, 0, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "\u25b22 +");
	ck_assert_int_eq(fmt_change(300, 1, 1, 1, 0, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, "\u25b2300x +");
	ck_assert_int_eq(fmt_change(1, 2, 1, 1, 0, buf, 0), 0);
}
END_TEST

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, test_config_values);
	tcase_add_test(tc, test_config_bad_lines);
	tcase_add_test(tc, test_config_files);
	tcase_add_test(tc, test_config_keys_and_colours);
	tcase_add_test(tc, test_change_not_by_colour_alone);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
