/* tests/unit/test_util.c — util/: errors, buffers, files, time, numbers. */
#include "config.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/ansi.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/num.h"
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

/* The text of L's cells, joined into BUF. */
static const char *cells_text(const struct ansi_line *l, char *buf, size_t size)
{
	size_t at = 0;
	for (int i = 0; i < l->n && at + l->cells[i].len < size; i++) {
		memcpy(buf + at, l->cells[i].text, l->cells[i].len);
		at += l->cells[i].len;
	}
	buf[at] = '\0';
	return buf;
}

START_TEST(test_ansi_render)
{
	struct ansi_line l = { 0 };
	char b[256];
	static const char colours[] = "a\033[31mR\033[1;92mG\033[0mz\033[4;7mU\033[24;27mn";
	ck_assert_int_eq(ansi_render((const unsigned char *)colours, strlen(colours), &l), 0);
	ck_assert_str_eq(cells_text(&l, b, sizeof b), "aRGzUn");
	ck_assert_int_eq(l.cells[0].attr, 0);
	ck_assert_int_eq(l.cells[1].attr, 1 + 1);		 /* red */
	ck_assert_int_eq(l.cells[2].attr, (1 + 2) | ANSI_BOLD); /* bright green */
	ck_assert_int_eq(l.cells[3].attr, 0);			 /* reset */
	ck_assert_int_eq(l.cells[4].attr, ANSI_UNDERLINE | ANSI_REVERSE);
	ck_assert_int_eq(l.cells[5].attr, 0);
	/* a bar redrawn with \r: its last state over the longer earlier ones */
	static const char bar[] = "10% [#   ]\r20% [##  ]\r100%\r"; /* CRLF too */
	ck_assert_int_eq(ansi_render((const unsigned char *)bar, strlen(bar), &l), 0);
	ck_assert_str_eq(cells_text(&l, b, sizeof b), "100%[##  ]");
	/* ESC [ K erases to the end, ESC [ 2 K the whole line */
	static const char erase[] = "spinner |\r\033[Kdone";
	ck_assert_int_eq(ansi_render((const unsigned char *)erase, strlen(erase), &l), 0);
	ck_assert_str_eq(cells_text(&l, b, sizeof b), "done");
	/* every other escape and control character stays visible */
	static const char other[] = "x\033[2Jy\033]0;t\007z\033[38;5;1m\033[?25lq\001";
	ck_assert_int_eq(ansi_render((const unsigned char *)other, strlen(other), &l), 0);
	ck_assert_str_eq(cells_text(&l, b, sizeof b),
			 "x\\x1b[2Jy\\x1b]0;t\\x07z\\x1b[?25lq\\x01");
	ansi_line_free(&l);
}
END_TEST

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

/* runlens' files in the XDG folders: the variable when it is an absolute
 * path, else under HOME, else none. */
START_TEST(test_fs_xdg_file)
{
	char *old = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	setenv("HOME", "/home/u", 1);
	char *p = fs_xdg_file("XDG_STATE_HOME", ".local/state", "history");
	ck_assert_str_eq(p, "/x/state/runlens/history");
	free(p);
	setenv("XDG_STATE_HOME", "rel/state", 1); /* relative: ignored */
	p = fs_xdg_file("XDG_STATE_HOME", ".local/state", "history");
	ck_assert_str_eq(p, "/home/u/.local/state/runlens/history");
	free(p);
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	ck_assert_ptr_null(fs_xdg_file("XDG_STATE_HOME", ".local/state", "history"));
	if (old)
		setenv("HOME", old, 1);
	free(old);
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
	/* fs_write_new: in place, its mode whatever the umask, never over a
	 * file that is there */
	char *n1 = fs_join(deep, "new.json");
	mode_t um = umask(0077);
	ck_assert_int_eq(fs_write_new(n1, "{}\n", 3, 0444, &e), 0);
	umask(um);
	ck_assert_int_eq(stat(n1, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0444);
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(fs_write_new(n1, "x", 1, 0444, &e), -1);
	ck_assert(strstr(rl_err_msg(&e), "new.json") != NULL);
	rl_err_clear(&e);
	ck_assert_int_eq(fs_read_file(n1, &data, &len, &e), 0);
	ck_assert_str_eq(data, "{}\n"); /* untouched */
	free(data);
	free(n1);
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

static void check_num(double v, const char *want)
{
	char b[NUM_BUF];
	size_t n = num_shortest(v, b);
	ck_assert_msg(strcmp(b, want) == 0, "%.17g: got '%s', want '%s'", v, b, want);
	ck_assert_uint_eq(n, strlen(want));
}

START_TEST(test_num_cases)
{
	check_num(0.8065028599349271, "0.8065028599349271");
	check_num(0.1, "0.1");
	check_num(0.30000000000000004, "0.30000000000000004");
	check_num(0.3, "0.3");
	check_num(1.0 / 3.0, "0.3333333333333333");
	check_num(2.0 / 3.0, "0.6666666666666666");
	check_num(-2.5, "-2.5");
	check_num(123.456, "123.456");
	check_num(100, "100");
	check_num(-7, "-7");
	check_num(0, "0");
	check_num(-0.0, "-0.0");
	/* integers to 2^53 as integers, never with an exponent */
	check_num(1e15, "1000000000000000");
	check_num(9007199254740992.0, "9007199254740992");
	check_num(-9007199254740992.0, "-9007199254740992");
	check_num(9007199254740994.0, "9007199254740994");
	check_num(1e16, "1e+16");
	check_num(1e22, "1e+22");
	check_num(1.5e300, "1.5e+300");
	/* small ones: fixed down to 1e-4, then an exponent */
	check_num(0.0001, "0.0001");
	check_num(0.00012345, "0.00012345");
	check_num(0.00001, "1e-05");
	check_num(1.5e-7, "1.5e-07");
	/* the ends of the range, subnormals, powers of two */
	check_num(DBL_MAX, "1.7976931348623157e+308");
	check_num(-DBL_MAX, "-1.7976931348623157e+308");
	check_num(DBL_MIN, "2.2250738585072014e-308");
	check_num(4.9406564584124654e-324, "5e-324");
	check_num(DBL_EPSILON, "2.220446049250313e-16");
	check_num(0x1p-30, "9.313225746154785e-10");
	check_num(0x1p60, "1.152921504606847e+18");
	check_num(1234567.125, "1234567.125");
	/* not finite: no text */
	char b[NUM_BUF] = "x";
	ck_assert_uint_eq(num_shortest(NAN, b), 0);
	ck_assert_str_eq(b, "");
	ck_assert_uint_eq(num_shortest(INFINITY, b), 0);
	ck_assert_uint_eq(num_shortest(-INFINITY, b), 0);
}
END_TEST

/* Does the decimal DIG (digits) × 10^EXP (d.ddd form) read back as V? */
static int decimal_is(const char *dig, int exp, double v)
{
	char t[64];
	snprintf(t, sizeof t, "%c.%se%d", dig[0], dig + 1, exp);
	return strtod(t, NULL) == v;
}

/* The number of significant digits of a num_shortest text. */
static int digits_in(const char *s)
{
	char dig[40];
	int n = 0;
	for (; *s && *s != 'e' && n < 39; s++)
		if (*s >= '0' && *s <= '9' && (n || *s != '0'))
			dig[n++] = *s;
	while (n > 1 && dig[n - 1] == '0')
		n--;
	return n;
}

/* Every double of many random bit patterns (and of the uneven kinds:
 * powers of two and subnormals) reads back exactly, and no decimal of
 * one digit fewer does: neither the nearest nor either neighbour. */
START_TEST(test_num_random)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	int checked = 0;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t bits = x;
		if (i % 4 == 1)
			bits &= ~((UINT64_C(1) << 52) - 1); /* a power of two */
		else if (i % 4 == 2)
			bits &= ((UINT64_C(1) << 52) - 1) | (UINT64_C(1) << 63); /* subnormal */
		else if (i % 4 == 3)
			bits = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1022) << 52); /* [0.5, 1) */
		double v;
		memcpy(&v, &bits, sizeof v);
		if (!isfinite(v))
			continue;
		char b[NUM_BUF];
		size_t len = num_shortest(v, b);
		ck_assert(len > 0 && len < NUM_BUF);
		char *end;
		double back = strtod(b, &end);
		ck_assert_msg(*end == '\0' && memcmp(&back, &v, sizeof v) == 0,
			      "%a printed as '%s' reads back as %a", v, b, back);
		if (v == 0 || (fabs(v) <= 9007199254740992.0 && v == floor(v)))
			continue;
		char fewer[40];
		int n = digits_in(b);
		if (n < 2)
			continue;
		/* the n-1 digit decimals around |v| */
		int fexp;
		snprintf(fewer, sizeof fewer, "%.*e", n - 2, fabs(v));
		char fd[32];
		int k = 0;
		for (const char *p = fewer; *p && *p != 'e'; p++)
			if (*p != '.')
				fd[k++] = *p;
		fd[k] = '\0';
		fexp = atoi(strchr(fewer, 'e') + 1);
		ck_assert_msg(!decimal_is(fd, fexp, fabs(v)), "'%s' is not the shortest: %s", b, fewer);
		for (int d = -1; d <= 1; d += 2) {
			char nb[32];
			long long m = atoll(fd) + d;
			snprintf(nb, sizeof nb, "%lld", m);
			int ne = fexp + (int)strlen(nb) - (int)strlen(fd);
			ck_assert_msg(m <= 0 || !decimal_is(nb, ne, fabs(v)),
				      "'%s' is not the shortest: %se%d", b, nb, ne);
		}
		checked++;
	}
	ck_assert_int_gt(checked, 100000);
}
END_TEST

START_TEST(test_json_print)
{
	cJSON *doc = cJSON_Parse("{\"m\": 0.8065028599349271, \"x\": 0.30000000000000004, "
				 "\"big\": 9007199254740992, \"p\": 0.1, \"s\": \"0.8065028599349271\", "
				 "\"a\": [1, 2.5, -0.0, true, null, {\"k\": 1e-07}], \"o\": {}}");
	ck_assert_ptr_nonnull(doc);
	char *s = json_print(doc, 0);
	ck_assert_str_eq(s, "{\"m\":0.8065028599349271,\"x\":0.30000000000000004,"
			    "\"big\":9007199254740992,\"p\":0.1,\"s\":\"0.8065028599349271\","
			    "\"a\":[1,2.5,-0.0,true,null,{\"k\":1e-07}],\"o\":{}}");
	free(s);
	/* the document is unchanged, and its own printer still works */
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(doc, "m")));
	/* indented like cJSON_Print */
	cJSON *small = cJSON_Parse("{\"a\": [1, \"two\"], \"b\": {\"c\": false}}");
	char *mine = json_print(small, 1), *theirs = cJSON_Print(small);
	ck_assert_str_eq(mine, theirs);
	free(mine);
	free(theirs);
	cJSON_Delete(small);
	cJSON_Delete(doc);
	/* numbers that are not finite are null; a bare number; NULL */
	doc = cJSON_CreateArray();
	cJSON_AddItemToArray(doc, cJSON_CreateNumber(NAN));
	cJSON_AddItemToArray(doc, cJSON_CreateNumber(-INFINITY));
	cJSON_AddItemToArray(doc, cJSON_CreateNumber(0.8065028599349271));
	s = json_print(doc, 0);
	ck_assert_str_eq(s, "[null,null,0.8065028599349271]");
	free(s);
	cJSON_Delete(doc);
	doc = cJSON_CreateNumber(1e16);
	s = json_print(doc, 1);
	ck_assert_str_eq(s, "1e+16");
	free(s);
	cJSON_Delete(doc);
	ck_assert_ptr_null(json_print(NULL, 0));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	/* the random round-trips take a few seconds on a loaded machine */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_err_codes);
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_fs);
	tcase_add_test(tc, test_fs_xdg_file);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_text_escape);
	tcase_add_test(tc, test_ansi_render);
	tcase_add_test(tc, test_num_cases);
	tcase_add_test(tc, test_num_random);
	tcase_add_test(tc, test_json_print);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
