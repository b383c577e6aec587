/* tests/unit/test_util.c — util/: errors, buffers, files, time. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/text.h"
#include "util/timeutil.h"

static void check_escape(const char *in, size_t n, unsigned flags, const char *want)
{
	struct buf b = BUF_INIT;
	if (n == (size_t)-1)
		n = strlen(in);
	ck_assert_int_eq(text_escape(&b, in, n, flags), 0);
	ck_assert_str_eq(b.data ? b.data : "", want);
	buf_free(&b);
}

START_TEST(test_text_escape)
{
	/* plain text and UTF-8 pass */
	check_escape("caf\xc3\xa9 ok", (size_t)-1, 0, "caf\xc3\xa9 ok");
	/* C0 controls, DEL, ESC sequences (OSC 52 would set the clipboard) */
	check_escape("a\x1b]52;c;Y3VybA==\x07" "b", (size_t)-1, 0, "a\\x1b]52;c;Y3VybA==\\x07b");
	check_escape("\x7f", (size_t)-1, 0, "\\x7f");
	/* C1 controls (CSI as U+009B) are escaped byte by byte */
	check_escape("x\xc2\x9b" "31m", (size_t)-1, 0, "x\\xc2\\x9b31m");
	/* invalid UTF-8: a lone continuation byte, an overlong form, a surrogate */
	check_escape("\x80", (size_t)-1, 0, "\\x80");
	check_escape("\xc0\xaf", (size_t)-1, 0, "\\xc0\\xaf");
	check_escape("\xed\xa0\x80", (size_t)-1, 0, "\\xed\\xa0\\x80");
	/* a sequence cut by the end of the data */
	check_escape("\xe2\x82", (size_t)-1, 0, "\\xe2\\x82");
	/* newline and tab: escaped unless kept */
	check_escape("a\nb\tc", (size_t)-1, 0, "a\\x0ab\\x09c");
	check_escape("a\nb\tc", (size_t)-1, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB, "a\nb\tc");
	check_escape("\t", (size_t)-1, TEXT_TAB_SPACES, "    ");
	/* a NUL inside the data */
	check_escape("a\0b", 3, 0, "a\\x00b");
	check_escape("", (size_t)-1, 0, "");
	char *s = text_escape_str("t\x1b[2J", 0);
	ck_assert_str_eq(s, "t\\x1b[2J");
	free(s);
	s = text_escape_str(NULL, 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_err_codes)
{
	struct rl_err e = RL_ERR_INIT;
	ck_assert_int_eq(rl_err_set(&e, RL_E_SPEC, "x.json:%d:%d: bad", 3, 4), -1);
	ck_assert_str_eq(rl_err_msg(&e), "x.json:3:4: bad");
	ck_assert_int_eq(rl_err_exit_code(e.code), 2);
	rl_err_prefix(&e, "while %s", "parsing");
	ck_assert_str_eq(rl_err_msg(&e), "while parsing: x.json:3:4: bad");
	rl_err_clear(&e);
	ck_assert_int_eq(e.code, RL_E_OK);
	ck_assert_ptr_null(e.msg);
	ck_assert_int_eq(rl_err_exit_code(RL_E_NOT_STEP), 3);
	ck_assert_int_eq(rl_err_exit_code(RL_E_NOT_FOUND), 4);
	ck_assert_int_eq(rl_err_exit_code(RL_E_NO_STORE), 4);
	ck_assert_int_eq(rl_err_exit_code(RL_E_USAGE), 2);
	ck_assert_int_eq(rl_err_exit_code(RL_E_DB), 1);
	rl_err_set(&e, RL_E_DISK_FULL, NULL);
	ck_assert_str_eq(rl_err_msg(&e), "disk full");
	rl_err_clear(&e);
	/* NULL is accepted everywhere */
	ck_assert_int_eq(rl_err_set(NULL, RL_E_IO, "x"), -1);
	rl_err_clear(NULL);
	ck_assert_str_eq(rl_err_msg(NULL), "unknown error");
}
END_TEST

START_TEST(test_buf)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_printf(&b, "%d,", i), 0);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_reset(&b);
	ck_assert_str_eq(b.data, "");
	buf_append(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	char *s = buf_steal(&b);
	ck_assert_int_eq(s[2], 'b');
	ck_assert_ptr_null(b.data);
	free(s);
	struct buf e = BUF_INIT;
	s = buf_steal(&e);
	ck_assert_str_eq(s, "");
	free(s);
	buf_free(&e);
}
END_TEST

START_TEST(test_fs)
{
	char tmpl[] = "/tmp/rl-util-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	struct rl_err e = RL_ERR_INIT;
	char *deep = fs_join(tmpl, "a/b/c");
	ck_assert_int_eq(fs_mkdirs(deep, &e), 0);
	ck_assert(fs_is_dir(deep));
	ck_assert_int_eq(fs_mkdirs(deep, &e), 0); /* existing is fine */
	char *f = fs_join(deep, "f.txt");
	ck_assert_int_eq(fs_write_file(f, "hello", 5, 0444, &e), 0);
	struct stat st;
	ck_assert_int_eq(stat(f, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0444);
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_file(f, &data, &len, &e), 0);
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(data, "hello");
	free(data);
	char *missing = fs_join(tmpl, "nope");
	ck_assert_int_eq(fs_read_file(missing, &data, &len, &e), -1);
	ck_assert_int_eq(e.code, RL_E_NOT_FOUND);
	ck_assert(strstr(rl_err_msg(&e), "nope") != NULL);
	rl_err_clear(&e);
	char *dn = fs_dirname(f);
	ck_assert_str_eq(dn, deep);
	free(dn);
	dn = fs_dirname("plain");
	ck_assert_str_eq(dn, ".");
	free(dn);
	char *j = fs_join("a/", "b");
	ck_assert_str_eq(j, "a/b");
	free(j);
	j = fs_join("a", "/abs");
	ck_assert_str_eq(j, "/abs");
	free(j);
	ck_assert_int_eq(fs_remove_tree(tmpl, &e), 0);
	ck_assert(!fs_exists(tmpl));
	ck_assert_int_eq(fs_remove_tree(tmpl, &e), 0); /* missing is fine */
	free(deep);
	free(f);
	free(missing);
}
END_TEST

START_TEST(test_time)
{
	char buf[64];
	time_iso8601(1795429500000LL, buf, sizeof buf);
	ck_assert_str_eq(buf, "2026-11-23T10:25:00Z");
	time_compact(1795429500000LL, buf, sizeof buf);
	ck_assert_str_eq(buf, "20261123-102500");
	time_duration(300, buf, sizeof buf);
	ck_assert_str_eq(buf, "300ms");
	time_duration(1500, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.5s");
	time_duration(12000, buf, sizeof buf);
	ck_assert_str_eq(buf, "12s");
	time_duration(245000, buf, sizeof buf);
	ck_assert_str_eq(buf, "4m05s");
	time_duration(7380000, buf, sizeof buf);
	ck_assert_str_eq(buf, "2h03m");
	time_duration(-5, buf, sizeof buf);
	ck_assert_str_eq(buf, "0ms");
	ck_assert(time_mono_ms() > 0);
	ck_assert(time_now_ms() > 1700000000000LL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, test_err_codes);
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_fs);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_text_escape);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
