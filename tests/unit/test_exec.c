/* tests/unit/test_exec.c — the executor conformance suite: every executor
 * of the registry (core/exec/registry.c) must pass every case here, the
 * contract of core/exec/executor.h.  Jobs are written in the job language
 * of core/exec/script.h and run as the conformance program
 * ($CONFORM_BIN, tests/steps/conform.c), which real executors start and
 * the fake plays; so each case asks all executors the same thing.
 *
 * A new executor passes this suite before anything else uses it.  A case
 * that needs what only some executors can do (a cluster) belongs in that
 * executor's own tests. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/exec/capture.h"
#include "core/exec/executor.h"
#include "util/fs.h"
#include "util/timeutil.h"

struct job {
	struct exec_result res;
	char *out, *err; /* the logs */
};

/* Executors that place jobs on a cluster (Slurm) run here only when one
 * is up: RUNLENS_SLURM names the folder of tests/slurm/up.sh (.ci/run
 * sets it); otherwise their cases say so and pass. */
static int cluster_missing(const struct executor_ops *ops)
{
	const char *dir = getenv("RUNLENS_SLURM");
	if (!ops->places_jobs)
		return 0;
	if (!dir || !*dir) {
		static int said;
		if (!said++)
			fprintf(stderr, "test_exec: %s: skipped, no cluster (RUNLENS_SLURM unset; "
					"sh tests/slurm/up.sh, then RUNLENS_SLURM=DIR make check)\n",
				ops->flavor);
		return 1;
	}
	char conf[PATH_MAX];
	snprintf(conf, sizeof conf, "%s/etc/slurm.conf", dir);
	setenv("SLURM_CONF", conf, 0);
	/* the node runs the runlens under test, not this program */
	const char *bin = getenv("RUNLENS_BIN");
	if (bin && *bin)
		setenv("RUNLENS_SLURM_RUNLENS", bin, 0);
	return 0;
}

static const struct executor_ops *ops_of(int i)
{
	const struct executor_ops *ops = executor_all[i];
	ck_assert_ptr_nonnull(ops);
	return ops;
}

static int count_executors(void)
{
	int n = 0;
	while (executor_all[n])
		n++;
	return n;
}

static const char *conform(void)
{
	const char *p = getenv("CONFORM_BIN");
	ck_assert_msg(p && *p, "CONFORM_BIN is not set (make check sets it)");
	return p;
}

static char *tmpdir(void)
{
	char *t = strdup("/tmp/rl-exec-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t));
	return t;
}

static char *read_log(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_file(path, &data, &len, NULL), 0);
	return data;
}

/* Wait (at most 20 s) for one job to end. */
static void wait_end(const struct executor_ops *ops, struct executor *ex,
		     struct exec_result *res)
{
	int64_t until = time_mono_ms() + 20000;
	while (time_mono_ms() < until) {
		if (ops->reap(ex, res) == 1)
			return;
		ck_assert_int_eq(ops->wait(ex, 50, -1, NULL), 0);
	}
	ck_abort_msg("%s: the job did not end within 20 s", ops->flavor);
}

/* Run the job ARGS (directives) with ENVP in DIR, masking MASK; fill J. */
static void run_job(const struct executor_ops *ops, const char *dir, char **args,
		    char **envp, char **mask, int nmask, struct job *j)
{
	struct executor *ex = NULL;
	ck_assert_int_eq(ops->open(&ex, NULL), 0);
	char *o = fs_join(dir, "stdout.log"), *e = fs_join(dir, "stderr.log");
	char *argv[32] = { (char *)conform() };
	for (int i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	struct exec_request req = {
		.name = "rl-1-conform-1", .argv = argv, .envp = envp, .cwd = dir,
		.stdout_path = o, .stderr_path = e, .mask = mask, .nmask = nmask,
	};
	int64_t job = 0;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_msg(ops->start(ex, &req, &job, &err) == 0, "%s: start: %s", ops->flavor,
		      rl_err_msg(&err));
	ck_assert_int_ne(job, 0);
	wait_end(ops, ex, &j->res);
	ck_assert_int_eq(j->res.job, job);
	struct exec_result again;
	ck_assert_int_eq(ops->reap(ex, &again), 0); /* reaped once */
	ops->close(&ex);
	ck_assert_ptr_null(ex);
	j->out = read_log(o);
	j->err = read_log(e);
	free(o);
	free(e);
}

static void job_free(struct job *j)
{
	free(j->out);
	free(j->err);
}

static char *base_env[] = { "PATH=/usr/bin:/bin", "X=from-env", NULL };

START_TEST(test_exit_codes)
{
	const struct executor_ops *ops = ops_of(_i);
	if (cluster_missing(ops))
		return;
	char *t = tmpdir();
	int codes[] = { 0, 1, 3, 127 };
	for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++) {
		char arg[32];
		snprintf(arg, sizeof arg, "exit:%d", codes[k]);
		char *args[] = { arg, NULL };
		struct job j = { 0 };
		run_job(ops, t, args, base_env, NULL, 0, &j);
		ck_assert_msg(j.res.exit_code == codes[k], "%s: exit %d gave %d", ops->flavor,
			      codes[k], j.res.exit_code);
		ck_assert_int_eq(j.res.signal, 0);
		job_free(&j);
	}
	fs_remove_tree(t, NULL);
	free(t);
}
END_TEST

START_TEST(test_signals)
{
	const struct executor_ops *ops = ops_of(_i);
	if (cluster_missing(ops))
		return;
	char *t = tmpdir();
	/* the job ends by a signal of its own */
	char *args[] = { "out:before\\n", "signal:15", "out:after\\n", NULL };
	struct job j = { 0 };
	run_job(ops, t, args, base_env, NULL, 0, &j);
	ck_assert_int_eq(j.res.exit_code, -1);
	ck_assert_int_eq(j.res.signal, SIGTERM);
	ck_assert_str_eq(j.out, "before\n");
	job_free(&j);

	/* signal() reaches a job that waits */
	struct executor *ex = NULL;
	ck_assert_int_eq(ops->open(&ex, NULL), 0);
	char *o = fs_join(t, "o"), *e = fs_join(t, "e");
	char *argv[] = { (char *)conform(), "out:up\\n", "hang", NULL };
	struct exec_request req = { .name = "rl-1-hang-1", .argv = argv, .envp = base_env,
				    .cwd = t, .stdout_path = o, .stderr_path = e };
	int64_t job = 0;
	ck_assert_int_eq(ops->start(ex, &req, &job, NULL), 0);
	/* let it get to its wait, then stop it */
	int64_t until = time_mono_ms() + 10000;
	char *seen = NULL;
	while (time_mono_ms() < until) {
		ops->wait(ex, 20, -1, NULL);
		free(seen);
		seen = read_log(o);
		if (!strcmp(seen, "up\n"))
			break;
	}
	ck_assert_str_eq(seen, "up\n");
	free(seen);
	ops->signal(ex, job, SIGKILL);
	struct exec_result res;
	wait_end(ops, ex, &res);
	ck_assert_int_eq(res.job, job);
	ck_assert_int_eq(res.signal, SIGKILL);
	ck_assert_int_eq(res.exit_code, -1);
	ops->close(&ex);
	free(o);
	free(e);
	fs_remove_tree(t, NULL);
	free(t);
}
END_TEST

START_TEST(test_cwd_and_environment)
{
	const struct executor_ops *ops = ops_of(_i);
	if (cluster_missing(ops))
		return;
	char *t = tmpdir();
	char real[PATH_MAX];
	ck_assert_ptr_nonnull(realpath(t, real));
	/* the runner's own environment does not leak in: only ENVP */
	setenv("RL_CONFORM_PARENT_ONLY", "leaked", 1);
	char *args[] = { "cwd", "env:X", "env:RL_CONFORM_PARENT_ONLY", NULL };
	struct job j = { 0 };
	run_job(ops, real, args, base_env, NULL, 0, &j);
	unsetenv("RL_CONFORM_PARENT_ONLY");
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s\nfrom-env\n(unset)\n", real);
	ck_assert_str_eq(j.out, want);
	ck_assert_str_eq(j.err, "");
	job_free(&j);
	fs_remove_tree(t, NULL);
	free(t);
}
END_TEST

START_TEST(test_streams_apart)
{
	const struct executor_ops *ops = ops_of(_i);
	if (cluster_missing(ops))
		return;
	char *t = tmpdir();
	char *args[] = { "out:one\\n", "err:two\\n", "out:three", "err:\\x01\\x1b[31m", NULL };
	struct job j = { 0 };
	run_job(ops, t, args, base_env, NULL, 0, &j);
	ck_assert_int_eq(j.res.exit_code, 0);
	ck_assert_str_eq(j.out, "one\nthree");
	/* logs keep the bytes as written (escaping is for display) */
	ck_assert_str_eq(j.err, "two\n\x01\x1b[31m");
	job_free(&j);
	/* the order file's runs cover both logs; written in process, in the
	 * order written (a process's two pipes may be read later, together) */
	char *op = fs_join(t, CAPTURE_ORDER_NAME), *order = read_log(op);
	long long sums[2] = { 0, 0 };
	for (char *p = order; *p;) {
		ck_assert_msg(p[0] == 'o' || p[0] == 'e', "%s: order file: %s", ops->flavor, order);
		sums[p[0] == 'e'] += atoll(p + 2);
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	ck_assert_int_eq(sums[0], 9);
	ck_assert_int_eq(sums[1], 10);
	if (!strcmp(ops->flavor, "fake"))
		ck_assert_str_eq(order, "o 4\ne 4\no 5\ne 6\n");
	free(order);
	/* logs are truncated by a new job on the same paths */
	char *args2[] = { "out:new\\n", NULL };
	run_job(ops, t, args2, base_env, NULL, 0, &j);
	ck_assert_str_eq(j.out, "new\n");
	ck_assert_str_eq(j.err, "");
	job_free(&j);
	order = read_log(op);
	ck_assert_str_eq(order, "o 4\n"); /* the new job's, not the old one's */
	free(order);
	/* a job that writes nothing makes no order file (and leaves none
	 * of the job before) */
	char *args3[] = { "exit:0", NULL };
	run_job(ops, t, args3, base_env, NULL, 0, &j);
	ck_assert_str_eq(j.out, "");
	job_free(&j);
	ck_assert_msg(access(op, F_OK) < 0 && errno == ENOENT, "%s: an order file for no output",
		      ops->flavor);
	free(op);
	fs_remove_tree(t, NULL);
	free(t);
}
END_TEST

static void expect_start_fails(const struct executor_ops *ops, char *prog, const char *cwd,
			       const char *want)
{
	struct executor *ex = NULL;
	ck_assert_int_eq(ops->open(&ex, NULL), 0);
	char *argv[] = { prog, "exit:0", NULL };
	struct exec_request req = { .name = "rl-1-x-1", .argv = argv, .envp = base_env,
				    .cwd = cwd, .stdout_path = "/dev/null",
				    .stderr_path = "/dev/null" };
	int64_t job = 0;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(ops->start(ex, &req, &job, &err), -1);
	ck_assert_msg(strcmp(rl_err_msg(&err), want) == 0, "%s: '%s', not '%s'", ops->flavor,
		      rl_err_msg(&err), want);
	rl_err_clear(&err);
	/* nothing was left behind */
	struct exec_result res;
	ck_assert_int_eq(ops->wait(ex, 10, -1, NULL), 0);
	ck_assert_int_eq(ops->reap(ex, &res), 0);
	ops->close(&ex);
}

START_TEST(test_cannot_start)
{
	const struct executor_ops *ops = ops_of(_i);
	if (cluster_missing(ops))
		return;
	char *t = tmpdir();
	expect_start_fails(ops, "/nonexistent/prog", t,
			   "cannot start '/nonexistent/prog': No such file or directory");
	expect_start_fails(ops, "no-such-program-rl", t,
			   "cannot start 'no-such-program-rl': No such file or directory");
	char *f = fs_join(t, "plain.txt");
	ck_assert_int_eq(fs_write_file(f, "x", 1, 0644, NULL), 0);
	char want0[PATH_MAX + 64];
	snprintf(want0, sizeof want0, "cannot start '%s': Permission denied", f);
	expect_start_fails(ops, f, t, want0); /* not executable */
	free(f);
	char *missing = fs_join(t, "missing-folder");
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "cannot enter folder '%s': No such file or directory",
		 missing);
	expect_start_fails(ops, (char *)conform(), missing, want);
	free(missing);
	fs_remove_tree(t, NULL);
	free(t);
}
END_TEST

/* A secret's value never reaches a log, however the job prints it. */
START_TEST(test_secrets_masked)
{
	const struct executor_ops *ops = ops_of(_i);
	if (cluster_missing(ops))
		return;
	char *t = tmpdir();
	char *mask[] = { "hunter2-SECRET", "multi\nline-VALUE" };
	char *args[] = {
		/* whole, on both streams */
		"out:a=hunter2-SECRET\\n", "err:hunter2-SECRET!\\n",
		/* split across two writes, with time between them */
		"out:b=hunter2", "sleep:60", "out:-SECRET\\n",
		"err:hunt", "sleep:30", "err:er2-SEC", "sleep:30", "err:RET\\n",
		/* a multi-line value, written across lines */
		"out:c=multi\\n", "sleep:30", "out:line-VALUE\\n",
		/* an unfinished tail is flushed at the end */
		"out:hunter2-SECRE",
		NULL,
	};
	struct job j = { 0 };
	run_job(ops, t, args, base_env, mask, 2, &j);
	ck_assert_int_eq(j.res.exit_code, 0);
	ck_assert_str_eq(j.out, "a=***\nb=***\nc=***\nhunter2-SECRE");
	ck_assert_str_eq(j.err, "***!\n***\n");
	ck_assert_ptr_null(strstr(j.out, "hunter2-SECRET"));
	ck_assert_ptr_null(strstr(j.err, "hunter2-SECRET"));
	job_free(&j);
	fs_remove_tree(t, NULL);
	free(t);
}
END_TEST

START_TEST(test_registry)
{
	ck_assert_ptr_eq(executor_find("local"), &executor_local);
	ck_assert_ptr_eq(executor_find("fake"), &executor_fake);
	ck_assert_ptr_eq(executor_find("slurm"), &executor_slurm);
	ck_assert_str_eq(executor_flavors(), "local, fake, slurm");
	ck_assert_ptr_null(executor_find("nope"));
	ck_assert_ptr_null(executor_find(NULL));
	for (int i = 0; executor_all[i]; i++) {
		const struct executor_ops *o = executor_all[i];
		ck_assert_ptr_eq(executor_find(o->flavor), o);
		ck_assert(o->open && o->start && o->signal && o->wait && o->reap && o->close);
		o->close(NULL); /* accepts NULL */
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("conformance");
	tcase_set_timeout(tc, 120);
	int n = count_executors();
	tcase_add_test(tc, test_registry);
	tcase_add_loop_test(tc, test_exit_codes, 0, n);
	tcase_add_loop_test(tc, test_signals, 0, n);
	tcase_add_loop_test(tc, test_cwd_and_environment, 0, n);
	tcase_add_loop_test(tc, test_streams_apart, 0, n);
	tcase_add_loop_test(tc, test_cannot_start, 0, n);
	tcase_add_loop_test(tc, test_secrets_masked, 0, n);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
