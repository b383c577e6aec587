/* tests/unit/test_core.c — core/: hashing, output formatting, context,
 * store discovery and the local executor. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/compare.h"
#include "core/artifacts.h"
#include "core/context.h"
#include "core/dag_draw.h"
#include "core/exec/executor.h"
#include "core/filter.h"
#include "core/hash.h"
#include "core/ingest.h"
#include "util/mask.h"
#include "core/secrets.h"
#include "store/store.h"
#include "cli/output.h"
#include "core/session.h"
#include "core/spec.h"
#include "core/tree.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/num.h"

static char *tmpdir(void)
{
	char *t = strdup("/tmp/rl-core-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t));
	return t;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char *p = fs_join(dir, name);
	char *parent = fs_dirname(p);
	ck_assert_int_eq(fs_mkdirs(parent, NULL), 0);
	ck_assert_int_eq(fs_write_file(p, text, strlen(text), 0644, NULL), 0);
	free(parent);
	free(p);
}

START_TEST(test_hash_file_and_dir)
{
	char hex[HASH_HEX_LEN + 1];
	hash_bytes("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	char *t = tmpdir();
	write_text(t, "f.txt", "abc");
	char *f = fs_join(t, "f.txt");
	int64_t size = 0;
	int is_dir = 1;
	ck_assert_int_eq(hash_path(f, hex, &size, &is_dir, NULL), 0);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_int_eq(size, 3);
	ck_assert_int_eq(is_dir, 0);

	/* a folder: the hash of its manifest (core/hash.h): NUL-ended records,
	 * sorted as bytes, the folder itself and every subfolder included */
	char *d = fs_join(t, "d");
	write_text(d, "b.txt", "abc");
	write_text(d, "a/z.txt", "abc");
	const char abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct buf m = BUF_INIT;
	buf_printf(&m, "d %c", 0);
	buf_printf(&m, "d a%c", 0);
	buf_printf(&m, "f %s a/z.txt%c", abc, 0);
	buf_printf(&m, "f %s b.txt%c", abc, 0);
	char want[HASH_HEX_LEN + 1];
	hash_bytes(m.data, m.len, want);
	ck_assert_int_eq(hash_path(d, hex, &size, &is_dir, NULL), 0);
	ck_assert_str_eq(hex, want);
	ck_assert_int_eq(size, 6);
	ck_assert_int_eq(is_dir, 1);

	/* a symbolic link is a record of its target's text, never followed
	 * (a link to / is not the whole file system); an empty folder is a
	 * record; a newline in a name is just a byte of it */
	char *lnk = fs_join(d, "root");
	ck_assert_int_eq(symlink("/", lnk), 0);
	char *empty_sub = fs_join(d, "e\nf");
	ck_assert_int_eq(fs_mkdirs(empty_sub, NULL), 0);
	char slash[HASH_HEX_LEN + 1];
	hash_bytes("/", 1, slash);
	buf_reset(&m);
	buf_printf(&m, "d %c", 0);
	buf_printf(&m, "d a%c", 0);
	buf_printf(&m, "d e\nf%c", 0);
	buf_printf(&m, "f %s a/z.txt%c", abc, 0);
	buf_printf(&m, "f %s b.txt%c", abc, 0);
	buf_printf(&m, "l %s root%c", slash, 0);
	hash_bytes(m.data, m.len, want);
	ck_assert_int_eq(hash_path(d, hex, &size, NULL, NULL), 0);
	ck_assert_str_eq(hex, want);
	ck_assert_int_eq(size, 6);
	buf_free(&m);

	/* an empty folder is not an empty file */
	char *e = fs_join(t, "empty");
	ck_assert_int_eq(fs_mkdirs(e, NULL), 0);
	ck_assert_int_eq(hash_path(e, hex, NULL, NULL, NULL), 0);
	hash_bytes("d ", 3, want);
	ck_assert_str_eq(hex, want);
	ck_assert_str_ne(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* what is neither a file nor a folder is refused, at once, by name:
	 * a FIFO (no writer: reading it would wait forever), a device, a link
	 * to a device, a FIFO inside a folder */
	struct rl_err ferr = RL_ERR_INIT;
	char *fifo = fs_join(t, "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	ck_assert_int_eq(hash_path(fifo, hex, NULL, NULL, &ferr), -1);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&ferr), "is a FIFO"));
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&ferr), fifo));
	ck_assert_int_eq(hash_path("/dev/zero", hex, NULL, NULL, &ferr), -1);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&ferr), "/dev/zero is a character device"));
	char *zlink = fs_join(t, "zero");
	ck_assert_int_eq(symlink("/dev/zero", zlink), 0);
	ck_assert_int_eq(hash_path(zlink, hex, NULL, NULL, &ferr), -1);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&ferr), "symbolic link to a character device"));
	char *inner = fs_join(d, "a/pipe");
	ck_assert_int_eq(mkfifo(inner, 0644), 0);
	ck_assert_int_eq(hash_path(d, hex, NULL, NULL, &ferr), -1);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&ferr), "a/pipe is a FIFO"));
	rl_err_clear(&ferr);
	free(inner);
	free(zlink);
	free(fifo);
	free(empty_sub);
	free(lnk);

	struct rl_err err = RL_ERR_INIT;
	char *missing = fs_join(t, "missing");
	ck_assert_int_eq(hash_path(missing, hex, NULL, NULL, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	fs_remove_tree(t, NULL);
	free(missing);
	free(e);
	free(d);
	free(f);
	free(t);
}
END_TEST

/* core/tree.c and core/artifacts.c: a copy keeps the tree (links as
 * links, modes, an empty folder) and refuses a FIFO; read-only all the way
 * down; removal of a read-only tree; artifacts_check by size, by change
 * and in full; the empty and NULL arguments. */
START_TEST(test_tree_and_check)
{
	char *t = tmpdir();
	char *src = fs_join(t, "src"), *dst = fs_join(t, "dst"), *bad = fs_join(t, "bad");
	write_text(src, "sub/f", "abc");
	char *empty = fs_join(src, "empty"), *lnk = fs_join(src, "root");
	ck_assert_int_eq(fs_mkdirs(empty, NULL), 0);
	ck_assert_int_eq(symlink("/", lnk), 0);
	char want[HASH_HEX_LEN + 1], hex[HASH_HEX_LEN + 1];
	int64_t size = 0;
	ck_assert_int_eq(hash_path(src, want, &size, NULL, NULL), 0);
	ck_assert_int_eq(tree_copy(src, dst, NULL), 0);
	ck_assert_int_eq(hash_path(dst, hex, NULL, NULL, NULL), 0);
	ck_assert_str_eq(hex, want);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(tree_copy(src, dst, &err), -1); /* TO exists: refused, kept */
	ck_assert(fs_exists(dst));
	char *fifo = fs_join(src, "pipe");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	ck_assert_int_eq(tree_copy(src, bad, &err), -1);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&err), "is a FIFO"));
	ck_assert(!fs_exists(bad)); /* nothing half-made is left */
	unlink(fifo);

	struct tree_stamp st;
	ck_assert_int_eq(tree_set_read_only(dst, NULL), 0);
	ck_assert_int_eq(tree_stamp(dst, &st, NULL), 0);
	ck_assert_int_eq(st.size, 3);
	ck_assert_int_eq(st.entries, 5); /* dst, sub, sub/f, empty, root */
	struct stat sb;
	char *sub = fs_join(dst, "sub");
	ck_assert_int_eq(stat(sub, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0222, 0);

	/* checked against its record: as it is; with another size; in full
	 * with the wrong hash; gone */
	char *why = NULL;
	int64_t sealed = (st.changed_ns + 999999) / 1000000;
	ck_assert_int_eq(artifacts_check(dst, "dir", want, 3, sealed, 0, &why), 1);
	ck_assert_int_eq(artifacts_check(dst, "dir", want, 3, sealed, 1, &why), 1);
	ck_assert_int_eq(artifacts_check(dst, "dir", want, 4, sealed, 0, &why), 0);
	ck_assert_ptr_nonnull(strstr(why, "holds 3 bytes, 4 were recorded"));
	free(why);
	ck_assert_int_eq(artifacts_check(dst, "dir", "0000", 3, sealed, 1, &why), 0);
	ck_assert_ptr_nonnull(strstr(why, "no longer hashes"));
	free(why);
	ck_assert_int_eq(artifacts_check(dst, "file", want, 3, sealed, 0, &why), 0);
	free(why);
	ck_assert_int_eq(artifacts_check(NULL, "dir", want, 3, sealed, 0, &why), 0);
	free(why);

	ck_assert_int_eq(tree_remove(dst, NULL), 0);
	ck_assert(!fs_exists(dst));
	ck_assert_int_eq(tree_remove(dst, NULL), 0); /* missing is fine */
	artifacts_put_clear(NULL);
	artifacts_put_undo(NULL);
	rl_err_clear(&err);
	fs_remove_tree(t, NULL);
	free(sub);
	free(fifo);
	free(lnk);
	free(empty);
	free(bad);
	free(dst);
	free(src);
	free(t);
}
END_TEST

static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	fn(f, arg);
	fclose(f);
	return data;
}

static void print_table(FILE *f, void *arg)
{
	table_print(arg, f, 0);
}

static void print_csv(FILE *f, void *arg)
{
	table_print_csv(arg, f);
}

START_TEST(test_table)
{
	struct table *t = table_new(3, "ID", "NAME", "NOTE");
	table_align_right(t, 0);
	table_add_row(t, "1", "first", "x");
	table_add_row(t, "12", "a,\"b\"", NULL);
	ck_assert_int_eq(table_rows(t), 2);
	char *s = capture(print_table, t);
	ck_assert_str_eq(s, "ID  NAME   NOTE\n"
			    " 1  first  x\n"
			    "12  a,\"b\"\n");
	free(s);
	s = capture(print_csv, t);
	ck_assert_str_eq(s, "ID,NAME,NOTE\r\n1,first,x\r\n12,\"a,\"\"b\"\"\",\r\n");
	free(s);
	table_free(&t);
	ck_assert_ptr_null(t);
	table_free(NULL);
}
END_TEST

struct safe_arg {
	const char *data;
	size_t len, max;
};

static void print_safe(FILE *f, void *arg)
{
	struct safe_arg *a = arg;
	out_terminal_safe(f, a->data, a->len, a->max);
}

START_TEST(test_terminal_safe)
{
	struct safe_arg a = { "a\0b\x1b[31m\xff\xc3\xa9\tz\n", 14, 0 };
	char *s = capture(print_safe, &a);
	ck_assert_str_eq(s, "a\\x00b\\x1b[31m\\xff\xc3\xa9\tz\n");
	free(s);
	struct safe_arg b = { "abcdefgh\nxy\n", 12, 4 };
	s = capture(print_safe, &b);
	ck_assert_str_eq(s, "abcd …\nxy\n");
	free(s);
	char *c = out_utf8_clean("ok\xff\xc3", 4);
	ck_assert_str_eq(c, "ok\xef\xbf\xbd\xef\xbf\xbd");
	free(c);
	c = out_utf8_clean("", 0);
	ck_assert_str_eq(c, "");
	free(c);
}
END_TEST

START_TEST(test_context_helpers)
{
	char *n = context_env_name("RUNLENS_INPUT_", "data-set.v2");
	ck_assert_str_eq(n, "RUNLENS_INPUT_DATA_SET_V2");
	free(n);
	cJSON *dst = cJSON_Parse("{\"a\":1,\"f\":{\"x\":1,\"y\":2},\"l\":[1]}");
	cJSON *src = cJSON_Parse("{\"f\":{\"y\":3,\"z\":4},\"l\":[2],\"b\":true}");
	context_merge(dst, src);
	char *s = cJSON_PrintUnformatted(dst);
	ck_assert_str_eq(s, "{\"a\":1,\"f\":{\"x\":1,\"y\":3,\"z\":4},\"l\":[2],\"b\":true}");
	free(s);
	context_merge(NULL, src);
	context_merge(dst, NULL);
	cJSON_Delete(dst);
	cJSON_Delete(src);
	cJSON *env = context_environment("/");
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(env, "hostname"));
	ck_assert_str_eq(cJSON_GetObjectItem(env, "runlens_version")->valuestring,
			 PACKAGE_VERSION);
	cJSON_Delete(env);
}
END_TEST

START_TEST(test_context_build)
{
	const char *text =
		"{\"name\":\"p\",\"params\":{\"lr\":0.5,\"other\":1},"
		"\"context\":{\"team\":\"a\",\"f\":{\"x\":1}},"
		"\"steps\":[{\"name\":\"s\",\"run\":\"echo ${params.lr}\","
		"\"context\":{\"f\":{\"x\":2}},\"outputs\":{\"o\":\"o.txt\"}}]}";
	struct spec *sp = NULL;
	ck_assert_int_eq(spec_parse(text, strlen(text), "p.json", NULL, &sp, NULL), 0);
	char *outs[] = { "/x/o.txt" };
	struct context_args a = {
		.pipeline_id = 3, .pipeline = "p", .run_id = 42, .run_name = "p-1",
		.run_started_ms = 1795429500000LL, .params = sp->params,
		.spec = sp, .step = &sp->steps[0], .step_run_id = 311,
		.attempt = 2, .max_attempts = 3, .output_paths = outs,
		.baseline_run_id = 41, .baseline_run_name = "p-0",
		.checkpoint_dir = "/x/ck",
	};
	cJSON *c = context_build(&a);
	char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(c, "custom"));
	ck_assert_str_eq(s, "{\"team\":\"a\",\"f\":{\"x\":2}}");
	free(s);
	cJSON *run = cJSON_GetObjectItem(c, "run");
	ck_assert_str_eq(cJSON_GetObjectItem(run, "started_at")->valuestring,
			 "2026-11-23T10:25:00Z");
	cJSON *step = cJSON_GetObjectItem(c, "step");
	ck_assert_int_eq(cJSON_GetObjectItem(step, "attempt")->valueint, 2);
	s = cJSON_PrintUnformatted(cJSON_GetObjectItem(step, "params"));
	ck_assert_str_eq(s, "{\"lr\":0.5}");
	free(s);
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "baseline"),
					     "run_id")->valueint, 41);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(c, "model")));
	ck_assert_int_eq(cJSON_GetObjectItem(c, "schema")->valueint, 1);
	cJSON_Delete(c);
	spec_free(&sp);
}
END_TEST

/* The run-wide parts printed once (context_shared_print) give the same
 * bytes as the whole document printed at once. */
START_TEST(test_context_shared)
{
	const char *text =
		"{\"name\":\"p\",\"params\":{\"lr\":0.1,\"n\":[1,2,{\"k\":\"a\\nb\"}]},"
		"\"context\":{\"team\":\"a\"},"
		"\"steps\":[{\"name\":\"s\",\"run\":\"true\",\"outputs\":{\"o\":\"o.txt\"}}]}";
	struct spec *sp = NULL;
	ck_assert_int_eq(spec_parse(text, strlen(text), "p.json", NULL, &sp, NULL), 0);
	char *outs[] = { "/x/o.txt" };
	char *tags[] = { "nightly", "t\"2" };
	cJSON *env = cJSON_Parse("{\"hostname\":\"h\",\"git\":{\"commit\":\"abc\",\"dirty\":false},"
				 "\"empty\":{},\"list\":[],\"x\":0.30000000000000004}");
	cJSON *bouts = cJSON_Parse("{\"s.o\":\"/a/o.txt\",\"t.m\":\"/a/m\\tn\"}");
	cJSON *comps = cJSON_Parse("{\"experiment_tracker\":\"mlflow\",\"extra\":{\"k\":1}}");
	cJSON *state = cJSON_Parse("{\"done\":true}");
	struct context_args a = {
		.pipeline_id = 3, .pipeline = "p", .run_id = 42, .run_name = "p-1",
		.run_started_ms = 1795429500000LL, .tags = tags, .ntags = 2,
		.params = sp->params, .state = state, .spec = sp, .step = &sp->steps[0],
		.step_run_id = 311, .attempt = 1, .max_attempts = 1, .output_paths = outs,
		.stack_name = "hpc", .artifact_store = "/a", .orchestrator = "slurm",
		.components = comps, .model_name = "churn", .model_version = "7",
		.baseline_run_id = 41, .baseline_run_name = "p-0", .baseline_outputs = bouts,
		.checkpoint_dir = "/x/ck", .environment = env,
	};
	for (int variant = 0; variant < 3; variant++) {
		if (variant == 1) { /* no baseline, no model, no environment */
			a.baseline_run_id = 0;
			a.model_name = NULL;
			a.environment = NULL;
			a.components = NULL;
		}
		if (variant == 2) /* a baseline without outputs */
			a.baseline_run_id = 40, a.baseline_outputs = NULL;
		a.shared = NULL;
		cJSON *whole = context_build(&a);
		char *want = json_print(whole, 1);
		struct context_shared sh;
		ck_assert_int_eq(context_shared_print(&a, &sh), 0);
		a.shared = &sh;
		cJSON *parts = context_build(&a);
		char *got = json_print(parts, 1);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
		cJSON_Delete(whole);
		cJSON_Delete(parts);
		context_shared_clear(&sh);
		context_shared_clear(&sh); /* twice is fine */
	}
	cJSON_Delete(env);
	cJSON_Delete(bouts);
	cJSON_Delete(comps);
	cJSON_Delete(state);
	spec_free(&sp);
}
END_TEST

START_TEST(test_find_store)
{
	char *t = tmpdir();
	char *store = fs_join(t, ".runlens");
	char *deep = fs_join(t, "a/b");
	write_text(store, "runlens.db", "");
	ck_assert_int_eq(fs_mkdirs(deep, NULL), 0);
	char *cwd = getcwd(NULL, 0);
	unsetenv("RUNLENS_STORE");
	ck_assert_int_eq(chdir(deep), 0);
	char *found = NULL;
	ck_assert_int_eq(session_find_store(NULL, 0, &found, NULL), 0);
	ck_assert_str_eq(found, store);
	free(found);
	/* the flag wins over the environment, which wins over the search */
	setenv("RUNLENS_STORE", deep, 1);
	ck_assert_int_eq(session_find_store(NULL, 0, &found, NULL), 0);
	ck_assert_str_eq(found, deep);
	free(found);
	ck_assert_int_eq(session_find_store(t, 0, &found, NULL), 0);
	ck_assert_str_eq(found, t);
	free(found);
	struct rl_err err = RL_ERR_INIT;
	char *none = fs_join(t, "none");
	ck_assert_int_eq(session_find_store(none, 0, &found, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NO_STORE);
	rl_err_clear(&err);
	unsetenv("RUNLENS_STORE");
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(session_find_store(NULL, 0, &found, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NO_STORE);
	rl_err_clear(&err);
	char *tok = session_process_token(getpid());
	ck_assert_ptr_nonnull(tok);
	char *tok2 = session_process_token(getpid());
	ck_assert_str_eq(tok, tok2);
	free(tok);
	free(tok2);
	ck_assert_int_eq(chdir(cwd), 0);
	fs_remove_tree(t, NULL);
	free(none);
	free(cwd);
	free(deep);
	free(store);
	free(t);
}
END_TEST

static int wait_job(const struct executor_ops *ops, struct executor *ex,
		    struct exec_result *res)
{
	for (int i = 0; i < 500; i++) {
		if (ops->reap(ex, res) == 1)
			return 1;
		ops->wait(ex, 20, -1, NULL);
	}
	return 0;
}

START_TEST(test_exec_local)
{
	const struct executor_ops *ops = executor_find("local");
	ck_assert_ptr_nonnull(ops);
	ck_assert_ptr_null(executor_find("slurm-not-yet"));
	struct executor *ex = NULL;
	ck_assert_int_eq(ops->open(&ex, NULL), 0);
	char *t = tmpdir();
	char *o = fs_join(t, "out"), *e = fs_join(t, "err");
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; echo $X; exit 7", NULL };
	char *envp[] = { "X=from-env", "PATH=/usr/bin:/bin", NULL };
	struct exec_request req = { .argv = argv, .envp = envp, .cwd = t,
				     .stdout_path = o, .stderr_path = e };
	int64_t job = 0;
	ck_assert_int_eq(ops->start(ex, &req, &job, NULL), 0);
	struct exec_result res;
	ck_assert(wait_job(ops, ex, &res));
	ck_assert_int_eq(res.job, job);
	ck_assert_int_eq(res.exit_code, 7);
	ck_assert_int_eq(res.signal, 0);
	char *data = NULL;
	ck_assert_int_eq(fs_read_file(o, &data, NULL, NULL), 0);
	ck_assert_str_eq(data, "out\nfrom-env\n");
	free(data);
	ck_assert_int_eq(fs_read_file(e, &data, NULL, NULL), 0);
	ck_assert_str_eq(data, "err\n");
	free(data);

	/* a signal reaches the whole process group */
	char *argv2[] = { "sh", "-c", "sleep 30 & wait", NULL };
	struct exec_request req2 = { .argv = argv2, .envp = envp, .cwd = t,
				      .stdout_path = o, .stderr_path = e };
	ck_assert_int_eq(ops->start(ex, &req2, &job, NULL), 0);
	ops->signal(ex, job, 9);
	ck_assert(wait_job(ops, ex, &res));
	ck_assert_int_eq(res.signal, 9);
	ck_assert_int_eq(res.exit_code, -1);

	/* a program that does not exist fails at start, with a message */
	char *argv3[] = { "/nonexistent/prog", NULL };
	struct exec_request req3 = { .argv = argv3, .envp = envp, .cwd = t,
				      .stdout_path = o, .stderr_path = e };
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(ops->start(ex, &req3, &job, &err), -1);
	ck_assert_str_eq(rl_err_msg(&err),
			 "cannot start '/nonexistent/prog': No such file or directory");
	rl_err_clear(&err);
	ck_assert_int_eq(ops->reap(ex, &res), 0);
	ops->close(&ex);
	ck_assert_ptr_null(ex);
	fs_remove_tree(t, NULL);
	free(o);
	free(e);
	free(t);
}
END_TEST

static char *masked(struct masker *m, const char *const *parts, int n)
{
	struct buf out = BUF_INIT;
	for (int i = 0; i < n; i++)
		masker_feed(m, parts[i], strlen(parts[i]), &out);
	masker_flush(m, &out);
	return buf_steal(&out);
}

START_TEST(test_masker)
{
	char *values[] = { "secret", "", "sec2x" };
	struct masker *m = masker_new(values, 3);
	const char *one[] = { "a secret b secret" };
	char *s = masked(m, one, 1);
	ck_assert_str_eq(s, "a *** b ***");
	free(s);
	/* split across feeds, even one byte at a time */
	const char *split[] = { "xx sec", "ret yy s", "e", "c", "r", "e", "t" };
	s = masked(m, split, 7);
	ck_assert_str_eq(s, "xx *** yy ***");
	free(s);
	const char *rep[] = { "secretsecret", "ssecret", " sec" };
	s = masked(m, rep, 3);
	ck_assert_str_eq(s, "******s*** sec");
	free(s);
	const char *other[] = { "sec2x and sec2 and secre" };
	s = masked(m, other, 1);
	ck_assert_str_eq(s, "*** and sec2 and secre");
	free(s);
	/* nothing is held back once it cannot be a value any more */
	struct buf out = BUF_INIT;
	masker_feed(m, "plain text", 10, &out);
	ck_assert_str_eq(out.data, "plain text");
	buf_reset(&out);
	masker_feed(m, "tail se", 7, &out);
	ck_assert_str_eq(out.data, "tail ");
	masker_flush(m, &out);
	ck_assert_str_eq(out.data, "tail se");
	buf_free(&out);
	masker_free(&m);
	ck_assert_ptr_null(m);
	masker_free(NULL);

	s = mask_string(values, 3, "pw=secret;");
	ck_assert_str_eq(s, "pw=***;");
	free(s);
	cJSON *j = cJSON_Parse("{\"a\":\"x secret\",\"b\":[\"secret\",1],\"c\":{\"d\":\"no\"}}");
	mask_json(values, 3, j);
	s = cJSON_PrintUnformatted(j);
	ck_assert_str_eq(s, "{\"a\":\"x ***\",\"b\":[\"***\",1],\"c\":{\"d\":\"no\"}}");
	free(s);
	cJSON_Delete(j);
}
END_TEST

/* A multi-line value is masked whole and line by line; short values and
 * lines are not masked. */
START_TEST(test_masker_lines)
{
	char *pem[] = { "-----BEGIN KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0B\nxyz\n-----END KEY-----" };
	/* whole */
	char *s = mask_string(pem, 1, "key: -----BEGIN KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0B\n"
				      "xyz\n-----END KEY----- done");
	ck_assert_str_eq(s, "key: *** done");
	free(s);
	/* one line at a time, other text between, some lines only */
	s = mask_string(pem, 1, "line 1: MIIEvQIBADANBg\nprogress 50%\n"
				"line 2:kqhkiG9w0B!\nxyz\n");
	ck_assert_str_eq(s, "line 1: ***\nprogress 50%\nline 2:***!\nxyz\n");
	free(s);
	/* split across writes, byte by byte */
	struct masker *m = masker_new(pem, 1);
	const char *bytes[] = { "a ", "M", "I", "I", "E", "v", "Q", "I", "B", "A", "D",
				"A", "N", "B", "g", "\n", "-----BEGIN", " KEY-----\n" };
	s = masked(m, bytes, 18);
	ck_assert_str_eq(s, "a ***\n***\n");
	free(s);
	masker_free(&m);
	/* a JSON credential, printed with other indentation: lines are
	 * compared without the blanks around them (also \r) */
	char *cred[] = { "{\r\n  \"type\": \"service_account\",\r\n  \"private_key\": \"k3y\",\r\n}" };
	s = mask_string(cred, 1, "    \"type\": \"service_account\",\n\t\"private_key\": \"k3y\",\n}\n");
	ck_assert_str_eq(s, "    ***\n\t***\n}\n");
	free(s);
	/* values and lines under 4 characters are left alone */
	char *shorts[] = { "b", "abc", "\xc3\xa9\xc3\xa9\xc3\xa9", "ab\ncd", "long-one\nzz" };
	s = mask_string(shorts, 5, "banana abc \xc3\xa9\xc3\xa9\xc3\xa9 ab cd zz long-one");
	ck_assert_str_eq(s, "banana abc \xc3\xa9\xc3\xa9\xc3\xa9 ab cd zz ***");
	free(s);
	/* four characters are enough, in bytes or not */
	char *four[] = { "abcd", "\xc3\xa9t\xc3\xa9s" };
	s = mask_string(four, 2, "xabcdx \xc3\xa9t\xc3\xa9s");
	ck_assert_str_eq(s, "x***x ***");
	free(s);
	ck_assert_uint_eq(mask_chars("\xc3\xa9t\xc3\xa9s", 6), 4);
	ck_assert_uint_eq(mask_chars("", 0), 0);
	/* a masker of nothing but short values passes text through */
	m = masker_new(shorts, 4);
	ck_assert_ptr_nonnull(m);
	struct buf out = BUF_INIT;
	masker_feed(m, "b", 1, &out);
	masker_flush(m, &out);
	ck_assert_str_eq(out.data, "b");
	buf_free(&out);
	masker_free(&m);
	/* in JSON too (metadata, state) */
	cJSON *j = cJSON_Parse("{\"k\":\"id MIIEvQIBADANBg\",\"b\":\"banana\"}");
	char *vals[] = { pem[0], "b" };
	mask_json(vals, 2, j);
	s = cJSON_PrintUnformatted(j);
	ck_assert_str_eq(s, "{\"k\":\"id ***\",\"b\":\"banana\"}");
	free(s);
	cJSON_Delete(j);
}
END_TEST

/* A value equal to a word of the record protocol ("meta", "value")
 * masks what is under the record's keys, never the keys: the records
 * stay records. */
START_TEST(test_mask_records)
{
	char *vals[] = { "meta", "value", "s3cr3t" };
	cJSON *j = cJSON_Parse("{\"meta\":{\"meta\":\"the value\",\"k\":\"s3cr3t!\"}}");
	mask_json_record(vals, 3, j);
	char *s = json_print(j, 0);
	ck_assert_str_eq(s, "{\"meta\":{\"***\":\"the ***\",\"k\":\"***!\"}}");
	free(s);
	cJSON_Delete(j);
	/* a records file: each line masked by its structure, a line that is
	 * not JSON as text */
	const char *text = "{\"metric\":\"value\",\"value\":1}\n"
			   "{\"meta\":{\"k\":\"s3cr3t\"},\"output\":null}\n"
			   "not json s3cr3t\n";
	struct buf out = BUF_INIT;
	mask_json_lines(vals, 3, text, strlen(text), &out);
	ck_assert_str_eq(out.data, "{\"metric\":\"***\",\"value\":1}\n"
				   "{\"meta\":{\"k\":\"***\"},\"output\":null}\n"
				   "not json ***\n");
	buf_free(&out);
	/* a value seen only as the printer escapes it */
	char *esc[] = { "x\\\"yz" };
	j = cJSON_Parse("{\"meta\":{\"k\":\"x\\\"yz\"}}");
	mask_json_record(esc, 1, j);
	s = json_print(j, 0);
	ck_assert_str_eq(s, "{\"meta\":{\"k\":\"***\"}}");
	free(s);
	cJSON_Delete(j);
	/* a number whose digits hold a value (a PIN), at any depth */
	char *pin[] = { "48151623" };
	j = cJSON_Parse("{\"meta\":{\"pin\":48151623,\"n\":[7,1481516234]},\"value\":48151623}");
	mask_json_record(pin, 1, j);
	s = json_print(j, 0);
	ck_assert_str_eq(s, "{\"meta\":{\"pin\":\"***\",\"n\":[7,\"***\"]},\"value\":\"***\"}");
	free(s);
	cJSON_Delete(j);
}
END_TEST

/* The DAG drawn: lanes forked under a step, gathered above one, crossed
 * with '+', a second root in a free lane. */
START_TEST(test_dag_draw)
{
	static const char text[] =
		"{\"name\": \"x\", \"steps\": ["
		"{\"name\": \"a\", \"run\": \"true\"},"
		"{\"name\": \"b\", \"needs\": [\"a\"], \"run\": \"true\"},"
		"{\"name\": \"c\", \"run\": \"true\"},"
		"{\"name\": \"d\", \"needs\": [\"a\", \"c\"], \"run\": \"true\"},"
		"{\"name\": \"e\", \"needs\": [\"b\"], \"run\": \"true\"},"
		"{\"name\": \"f\", \"needs\": [\"a\", \"b\", \"c\", \"d\", \"e\"], "
		"\"run\": \"true\"}]}";
	static const char *const want[] = {
		"o          a", "|-.-.      ", "o | |      b", "|-+-+-.    ", "| | | | o  c",
		"| | | | |-.", "| |-+-+-' |", "| o | |   |d", "o | | |   |e", "|-'-'-'---'",
		"o          f",
	};
	struct spec *sp = NULL;
	struct dag_drawing d;
	ck_assert_int_eq(spec_parse(text, strlen(text), "x.json", NULL, &sp, NULL), 0);
	ck_assert_int_eq(dag_draw(sp, &d), 0);
	ck_assert_int_eq(d.nlines, 11);
	ck_assert_int_eq(d.width, 11);
	for (int i = 0; i < d.nlines; i++) {
		char line[64];
		snprintf(line, sizeof line, "%s%s", d.lines[i].graph,
			 d.lines[i].step >= 0 ? sp->steps[d.lines[i].step].name : "");
		ck_assert_str_eq(line, want[i]);
	}
	ck_assert_int_eq(d.lines[10].step, 5);
	ck_assert_int_eq(d.lines[1].step, -1);
	dag_drawing_free(&d);
	spec_free(&sp);
}
END_TEST

/* The step run's metadata as "KEY=JSON OUTPUT.KEY=JSON …", in the
 * store's order, is WANT. */
static void meta_is(struct store *st, int64_t sr, const char *want)
{
	struct store_meta *m = NULL;
	int n = 0;
	ck_assert_int_eq(store_metadata_of(st, sr, &m, &n, NULL), 0);
	struct buf b = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s%s%s=%s", i ? " " : "", m[i].output ? m[i].output : "",
			   m[i].output ? "." : "", m[i].key, m[i].value_json);
	ck_assert_str_eq(b.data ? b.data : "", want);
	buf_free(&b);
	store_metas_free(m, n);
}

START_TEST(test_ingest)
{
	char *t = tmpdir();
	struct store *st = NULL;
	ck_assert_int_eq(store_open(t, STORE_CREATE, &st, NULL), 0);
	int64_t p, r, sr;
	struct store_run_new rn = { .pipeline_id = 0, .name = "r", .started_ms = 1 };
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	rn.pipeline_id = p;
	ck_assert_int_eq(store_run_create(st, &rn, &r, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "s", 0, 1, NULL, &sr, NULL), 0);
	const char *text = "{\"name\":\"p\",\"steps\":[{\"name\":\"s\",\"run\":\"t\","
			   "\"outputs\":{\"model\":\"m\"}}]}";
	struct spec *sp = NULL;
	ck_assert_int_eq(spec_parse(text, strlen(text), "p.json", NULL, &sp, NULL), 0);
	char *secrets[] = { "pw123" };
	char *rec = fs_join(t, "records.jsonl");
	char *warn = fs_join(t, "stderr.log");
	const char *lines =
		"{\"meta\":{\"rows\":3,\"src\":\"db:pw123\"},\"output\":null}\n"
		"{\"meta\":{\"format\":\"onnx\"},\"output\":\"model\"}\n"
		"{\"meta\":{\"x\":1},\"output\":\"nope\"}\n"
		"not json\n"
		"{\"metric\":\"loss\",\"value\":0.5,\"index\":1}\n"
		"{\"metric\":\"loss\",\"value\":0.25,\"index\":2}\n"
		"{\"metric\":\"loss\",\"value\":\"high\"}\n"
		"{\"metric\":\"loss\",\"value\":1,\"index\":1.5}\n"
		"{\"state\":{\"best\":2}}\n"
		"{\"other\":1}\n"
		"\n"
		/* a key written again: the last value stays, for its output */
		"{\"meta\":{\"rows\":7},\"output\":\"model\"}\n"
		"{\"meta\":{\"rows\":4}}\n"
		"{\"metric\":\"acc\",\"val";
	ck_assert_int_eq(fs_write_file(rec, lines, strlen(lines), 0644, NULL), 0);
	struct ingest ing = { .path = rec, .step_run_id = sr, .step = &sp->steps[0],
			      .secrets = secrets, .nsecrets = 1,
			      .state = cJSON_CreateObject(), .warn_path = warn };
	ck_assert_int_eq(ingest_poll(st, &ing, 0, NULL), 0);
	ck_assert_int_eq(ing.records, 7);
	ck_assert_int_eq(ing.ignored, 5);
	/* the incomplete last line waits for the rest */
	ck_assert_int_eq(ing.line, 13);
	meta_is(st, sr, "rows=4 src=\"db:***\" model.format=\"onnx\" model.rows=7");
	FILE *f = fopen(rec, "a");
	fputs("ue\":0.9}\n{\"meta\":{\"rows\":5}}\n{\"meta\":{\"rows\":6,\"src\":\"b\"}}\n"
	      "{\"meta\":{\"src\":\"db:pw123\"}}\n", f);
	fclose(f);
	ck_assert_int_eq(ingest_poll(st, &ing, 1, NULL), 0);
	ck_assert_int_eq(ing.records, 11);

	meta_is(st, sr, "rows=6 src=\"db:***\" model.format=\"onnx\" model.rows=7");
	struct store_metric *ms = NULL;
	int n = 0;
	ck_assert_int_eq(store_step_metrics(st, sr, &ms, &n, NULL), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(ms[0].key, "acc");
	ck_assert_str_eq(ms[1].key, "loss");
	ck_assert(ms[1].value == 0.25);
	ck_assert_int_eq(ms[1].count, 2);
	store_metrics_free(ms, n);
	char *st_json = cJSON_PrintUnformatted(ing.state);
	ck_assert_str_eq(st_json, "{\"best\":2}");
	free(st_json);
	char *w = NULL;
	ck_assert_int_eq(fs_read_file(warn, &w, NULL, NULL), 0);
	ck_assert(strstr(w, "ignored line 3 of") && strstr(w, "'nope' is not a declared output"));
	ck_assert(strstr(w, "ignored line 4 of") && strstr(w, "not a JSON object"));
	ck_assert(strstr(w, "metric 'loss': the value is not a number"));
	ck_assert(strstr(w, "metric 'loss': the index must be an integer, not 1.5"));
	ck_assert(strstr(w, "expected \"meta\", \"metric\" or \"state\""));
	free(w);
	cJSON_Delete(ing.state);
	ingest_release(&ing);

	/* metrics_file flattening */
	cJSON *doc = cJSON_Parse("{\"a\":1,\"b\":{\"c\":2,\"d\":[3,4]},\"s\":\"x\",\"t\":true}");
	ck_assert_int_eq(ingest_metrics_json(st, sr, doc, NULL), 0);
	cJSON_Delete(doc);
	ck_assert_int_eq(store_step_metrics(st, sr, &ms, &n, NULL), 0);
	ck_assert_int_eq(n, 6);
	ck_assert_str_eq(ms[0].key, "a");
	ck_assert_str_eq(ms[2].key, "b.c");
	ck_assert_str_eq(ms[3].key, "b.d.0");
	ck_assert_str_eq(ms[4].key, "b.d.1");
	store_metrics_free(ms, n);

	spec_free(&sp);
	store_close(&st);
	fs_remove_tree(t, NULL);
	free(rec);
	free(warn);
	free(t);
}
END_TEST

/* The metric summaries and metadata of step run A and B, alike. */
static void same_record(struct store *st, int64_t a, int64_t b)
{
	struct store_metric *ma = NULL, *mb = NULL;
	int na = 0, nb = 0;
	ck_assert_int_eq(store_step_metrics(st, a, &ma, &na, NULL), 0);
	ck_assert_int_eq(store_step_metrics(st, b, &mb, &nb, NULL), 0);
	ck_assert_int_eq(na, nb);
	for (int i = 0; i < na; i++) {
		ck_assert_str_eq(ma[i].key, mb[i].key);
		ck_assert_msg(ma[i].value == mb[i].value && ma[i].min == mb[i].min &&
				      ma[i].max == mb[i].max && ma[i].count == mb[i].count &&
				      ma[i].is_series == mb[i].is_series,
			      "metric %s differs", ma[i].key);
	}
	store_metrics_free(ma, na);
	store_metrics_free(mb, nb);
	struct store_meta *xa = NULL, *xb = NULL;
	ck_assert_int_eq(store_metadata_of(st, a, &xa, &na, NULL), 0);
	ck_assert_int_eq(store_metadata_of(st, b, &xb, &nb, NULL), 0);
	ck_assert_int_eq(na, nb);
	for (int i = 0; i < na; i++) {
		ck_assert_str_eq(xa[i].key, xb[i].key);
		ck_assert_str_eq(xa[i].value_json, xb[i].value_json);
	}
	store_metas_free(xa, na);
	store_metas_free(xb, nb);
}

START_TEST(test_ingest_many_keys)
{
	/* a poll with more metric keys and metadata keys than it folds at
	 * once (100 of each, over several batches, each key written again
	 * after the others, one key again and again) stores what taking the
	 * lines one by one stores */
	char *t = tmpdir();
	struct store *st = NULL;
	ck_assert_int_eq(store_open(t, STORE_CREATE, &st, NULL), 0);
	int64_t p, r, a, b;
	struct store_run_new rn = { .name = "r", .started_ms = 1 };
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	rn.pipeline_id = p;
	ck_assert_int_eq(store_run_create(st, &rn, &r, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "a", 0, 1, NULL, &a, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "b", 1, 1, NULL, &b, NULL), 0);
	struct buf lines = BUF_INIT;
	for (int i = 0; i < 9000; i++) {
		int k = (i * 7) % 100;
		if (i % 10 == 0)
			buf_printf(&lines, "{\"meta\":{\"m%d\":%d}}\n", (i / 10) % 100, i);
		else if (i % 10 == 5) /* one key written again and again */
			buf_printf(&lines, "{\"meta\":{\"hot\":%d}}\n", i);
		else if (i % 3)
			buf_printf(&lines, "{\"metric\":\"k%d\",\"value\":%d,\"index\":%d}\n", k,
				   (i * 31) % 97, i % 50);
		else
			buf_printf(&lines, "{\"metric\":\"k%d\",\"value\":%d}\n", k, (i * 13) % 89);
	}
	char *rec = fs_join(t, "records.jsonl");
	ck_assert_int_eq(fs_write_file(rec, lines.data, lines.len, 0644, NULL), 0);
	struct ingest ia = { .path = rec, .step_run_id = a };
	ck_assert_int_eq(ingest_poll(st, &ia, 1, NULL), 0);
	ck_assert_int_eq(ia.records, 9000);
	ingest_release(&ia);
	struct ingest ib = { .step_run_id = b };
	for (char *line = lines.data, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		char *why = NULL;
		ck_assert_int_eq(ingest_line(st, &ib, line, (size_t)(nl - line), &why, NULL), 1);
	}
	same_record(st, a, b);
	buf_free(&lines);
	store_close(&st);
	fs_remove_tree(t, NULL);
	free(rec);
	free(t);
}
END_TEST

static void where_ok(const char *text, const char *want)
{
	struct store_filter *f = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(filter_parse(text, 1000000000000LL, &f, &err) == 0, "%s: %s", text,
		      rl_err_msg(&err));
	char *s = filter_to_string(f);
	ck_assert_str_eq(s, want);
	free(s);
	filter_free(&f);
	ck_assert_ptr_null(f);
}

static void where_bad(const char *text, const char *want)
{
	struct store_filter *f = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(filter_parse(text, 0, &f, &err), -1);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(err.code, RL_E_INPUT);
	ck_assert_msg(strstr(rl_err_msg(&err), want) != NULL, "'%s' gave '%s'", text,
		      rl_err_msg(&err));
	rl_err_clear(&err);
}

START_TEST(test_filter_language)
{
	where_ok("status=failed", "status=\"failed\"");
	where_ok("status = failed and tag=nightly and evaluate.accuracy>0.9 and started>-7d",
		 "(((status=\"failed\" and tag=\"nightly\") and evaluate.accuracy>0.90000000000000002)"
		 " and started>999395200000)");
	/* and binds tighter than or; not; parentheses */
	where_ok("a.x<1 or b.y>=2 and not name~\"exp 1\"",
		 "(a.x<1 or (b.y>=2 and not name~\"exp 1\"))");
	where_ok("(a.x<1 or b.y>=2) and params.lr!=0.01",
		 "((a.x<1 or b.y>=2) and params.lr!=0.01)");
	where_ok("params.opt='adam' and params.n==3", "(params.opt=\"adam\" and params.n=3)");
	where_ok("duration>5m and started<2026-11-20", "(duration>300000 and started<1795132800000)");
	where_ok("started>=2026-11-20T10:30", "started>=1795170600000");
	where_ok("duration<=90", "duration<=90000");
	where_ok("id>=10 AND pipeline=train", "(id>=10 and pipeline=\"train\")");

	where_bad("", "at column 1: the expression is empty");
	where_bad("stauts=failed", "at column 1: unknown field 'stauts'");
	where_bad("status", "at column 7: expected an operator");
	where_bad("status=", "at column 8: expected a value after '='");
	where_bad("status=failed and", "at column 18: the expression ends too early");
	where_bad("status=failed or (name~x", "at column 25: expected ')' to close the '(' at column 18");
	where_bad("status=failed)", "at column 14: ')' without a matching '('");
	where_bad("status=failed tag=x", "at column 15: expected 'and', 'or' or the end, not 'tag'");
	where_bad("a.b>high", "at column 5: 'high' is not a number");
	where_bad("started>yesterday", "at column 9: 'yesterday' is not a time");
	where_bad("duration>5y", "at column 10: '5y' is not a duration");
	where_bad("tag>x", "tag takes =, != or ~");
	where_bad("name=\"open", "at column 6: unterminated string");
	where_bad("name ! x", "at column 6: '!' must be '!='");
	where_bad("name=x & y", "at column 8: unexpected '&'");
	/* a status no run can have is a mistake, not an empty filter */
	where_bad("status=complete", "at column 8: unknown status 'complete' (a run is running, "
				     "completed, failed or interrupted)");
	where_bad("id>1 or status!=\"Failed\"", "at column 17: unknown status 'Failed'");
	where_ok("status~fail", "status~\"fail\"");
	where_ok("status=interrupted or status!=running",
		 "(status=\"interrupted\" or status!=\"running\")");

	struct store_sort so;
	ck_assert_int_eq(filter_parse_sort("-evaluate.accuracy", &so, NULL), 0);
	ck_assert_int_eq(so.field, SFF_METRIC);
	ck_assert_int_eq(so.descending, 1);
	ck_assert_str_eq(so.step, "evaluate");
	ck_assert_str_eq(so.key, "accuracy");
	filter_sort_clear(&so);
	ck_assert_int_eq(filter_parse_sort("started", &so, NULL), 0);
	ck_assert_int_eq(so.descending, 0);
	filter_sort_clear(&so);
	struct rl_err err = RL_ERR_INIT;
	/* tags: by the first tag */
	ck_assert_int_eq(filter_parse_sort("-tags", &so, &err), 0);
	ck_assert_int_eq(so.field, SFF_TAG);
	ck_assert_int_eq(so.descending, 1);
	filter_sort_clear(&so);
	ck_assert_int_eq(filter_parse_sort("", &so, &err), -1);
	ck_assert(strstr(rl_err_msg(&err), "cannot sort by ''") != NULL);
	rl_err_clear(&err);
	ck_assert_int_eq(filter_parse_sort("bogus", &so, &err), -1);
	ck_assert(strstr(rl_err_msg(&err), "unknown field 'bogus'") != NULL);
	rl_err_clear(&err);
	filter_free(NULL);
}
END_TEST

static void expect_unknown(struct store *st, const char *where, const char *want)
{
	struct store_filter *f = NULL;
	char **w = NULL;
	int n = -1;
	ck_assert_int_eq(filter_parse(where, 0, &f, NULL), 0);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(filter_unknown_fields(st, f, &w, &n, &err) == 0, "%s", rl_err_msg(&err));
	struct buf got = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_printf(&got, "%s%s", i ? " | " : "", w[i]);
	ck_assert_str_eq(got.data ? got.data : "", want);
	buf_free(&got);
	store_names_free(w, n);
	filter_free(&f);
}

/* Fields no run has are named, with the closest known ones. */
START_TEST(test_filter_unknown_fields)
{
	char *t = tmpdir();
	struct store *st = NULL;
	ck_assert_int_eq(store_open(t, STORE_CREATE, &st, NULL), 0);
	expect_unknown(st, "params.lr>0", "no run has params.lr");
	int64_t p, r, a, b;
	struct store_run_new rn = { .name = "r", .started_ms = 1, .status = "completed" };
	ck_assert_int_eq(store_pipeline_ensure(st, "p", NULL, &p, NULL), 0);
	rn.pipeline_id = p;
	ck_assert_int_eq(store_run_create(st, &rn, &r, NULL), 0);
	ck_assert_int_eq(store_run_add_param(st, r, "lr", "0.1", NULL), 0);
	ck_assert_int_eq(store_run_add_param(st, r, "epochs", "3", NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "evaluate", 0, 1, NULL, &a, NULL), 0);
	ck_assert_int_eq(store_step_run_create(st, r, "train", 1, 1, NULL, &b, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, a, "accuracy", 0, 0, 0.9, 1, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, a, "precision", 0, 0, 0.9, 1, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, b, "loss", 0, 0, 0.1, 1, NULL), 0);
	ck_assert_int_eq(store_metric_add(st, b, "lr", 0, 0, 0.1, 1, NULL), 0);

	expect_unknown(st, "params.lr>0 and evaluate.accuracy>0.5 and status=failed", "");
	expect_unknown(st, "params.lrr>0", "no run has params.lrr (did you mean params.lr?)");
	expect_unknown(st, "evaluate.acuracy>0.9",
		       "no run has evaluate.acuracy (did you mean evaluate.accuracy?)");
	/* the closest only; all of those at the same distance */
	expect_unknown(st, "train.lrr<1", "no run has train.lrr (did you mean train.lr?)");
	expect_unknown(st, "train.los<1", "no run has train.los (did you mean train.loss?)");
	/* far from everything: no guess */
	expect_unknown(st, "params.zzzzzz=1", "no run has params.zzzzzz");
	/* each unknown field once, in the order written, inside not/or too */
	expect_unknown(st, "not (params.lrr>0 or evaluate.acuracy>0.9) and params.lrr<1",
		       "no run has params.lrr (did you mean params.lr?) | "
		       "no run has evaluate.acuracy (did you mean evaluate.accuracy?)");
	expect_unknown(st, "name~x and tag=y and started>-1d", "");
	store_close(&st);
	free(t);
}
END_TEST

START_TEST(test_compare_logic)
{
	cJSON *m = cJSON_Parse("{\"score\": \"min\", \"eval.speed\": \"max\"}");
	ck_assert_int_eq(compare_direction(NULL, "evaluate.accuracy"), COMPARE_HIGHER);
	ck_assert_int_eq(compare_direction(NULL, "train.loss"), COMPARE_LOWER);
	ck_assert_int_eq(compare_direction(NULL, "train.val_loss"), COMPARE_LOWER);
	static const char *const lower[] = { "eval.logloss", "lm.nll", "f.mape", "f.smape",
					     "asr.wer", "asr.test_cer", "cal.brier", "lm.perplexity" };
	for (size_t i = 0; i < sizeof lower / sizeof lower[0]; i++)
		ck_assert_msg(compare_direction(NULL, lower[i]) == COMPARE_LOWER, "%s", lower[i]);
	cJSON *dirs = cJSON_Parse("{\"wer\": \"max\"}");
	ck_assert_int_eq(compare_direction(dirs, "asr.wer"), COMPARE_HIGHER); /* the file wins */
	cJSON_Delete(dirs);
	ck_assert_int_eq(compare_direction(NULL, "serve.p99_latency_ms"), COMPARE_LOWER);
	ck_assert_int_eq(compare_direction(NULL, "eval.rmse"), COMPARE_LOWER);
	ck_assert_int_eq(compare_direction(NULL, "eval.error_rate"), COMPARE_LOWER);
	ck_assert_int_eq(compare_direction(NULL, "eval.mae"), COMPARE_LOWER);
	ck_assert_int_eq(compare_direction(NULL, "eval.estimate"), COMPARE_HIGHER);
	ck_assert_int_eq(compare_direction(NULL, "eval.glossary"), COMPARE_HIGHER);
	ck_assert_int_eq(compare_direction(m, "train.score"), COMPARE_LOWER);
	ck_assert_int_eq(compare_direction(m, "eval.speed"), COMPARE_HIGHER);
	cJSON_Delete(m);
	ck_assert_str_eq(compare_verdict(COMPARE_HIGHER, 0.9, 0.8), "better");
	ck_assert_str_eq(compare_verdict(COMPARE_LOWER, 0.9, 0.8), "worse");
	ck_assert_str_eq(compare_verdict(COMPARE_LOWER, 0.5, 0.5), "same");
	int d = 0;
	ck_assert(fabs(compare_pct(0.9, 0.8, &d) - 12.5) < 1e-9);
	ck_assert_int_eq(d, 1);
	ck_assert(fabs(compare_pct(-1, -2, &d) - 50) < 1e-9);
	compare_pct(1, 0, &d);
	ck_assert_int_eq(d, 0);
	/* pairing by STEP.KEY through the index */
	struct store_metric ms[3] = {
		{ .step = "train", .key = "loss", .value = 1 },
		{ .step = "eval", .key = "acc", .value = 2 },
		{ .step = "train", .key = "acc", .value = 3 },
	};
	struct compare_index ix;
	ck_assert_int_eq(compare_index_build(&ix, ms, 3), 0);
	ck_assert_ptr_eq(compare_index_find(&ix, "train", "acc"), &ms[2]);
	ck_assert_ptr_eq(compare_index_find(&ix, "eval", "acc"), &ms[1]);
	ck_assert_ptr_null(compare_index_find(&ix, "eval", "loss"));
	compare_index_free(&ix);
	ck_assert_int_eq(compare_index_build(&ix, NULL, 0), 0);
	ck_assert_ptr_null(compare_index_find(&ix, "train", "loss"));
	compare_index_free(&ix);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hash_file_and_dir);
	tcase_add_test(tc, test_tree_and_check);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_terminal_safe);
	tcase_add_test(tc, test_context_helpers);
	tcase_add_test(tc, test_context_build);
	tcase_add_test(tc, test_context_shared);
	tcase_add_test(tc, test_find_store);
	tcase_add_test(tc, test_exec_local);
	tcase_add_test(tc, test_masker);
	tcase_add_test(tc, test_masker_lines);
	tcase_add_test(tc, test_mask_records);
	tcase_add_test(tc, test_dag_draw);
	tcase_add_test(tc, test_ingest);
	tcase_add_test(tc, test_ingest_many_keys);
	tcase_add_test(tc, test_filter_language);
	tcase_add_test(tc, test_filter_unknown_fields);
	tcase_add_test(tc, test_compare_logic);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
