/* tests/unit/test_slurm.c — the Slurm executor's logic as strings
 * (core/exec/slurm_parse.h: the sbatch command, squeue's lines, states
 * and pending reasons), the job files (core/exec/jobfile.h), a job's line
 * for people (core/placement.h), and the store's part (schema 5: a stack's
 * settings, an attempt's executor record; a store of schema 3 migrated).
 * What needs a cluster is in tests/unit/test_exec.c and
 * tests/e2e/slurm.sh. */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/exec/jobfile.h"
#include "core/exec/slurm_parse.h"
#include "core/placement.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"

static char *joined(char **v)
{
	struct buf b = BUF_INIT;
	for (int i = 0; v && v[i]; i++)
		buf_printf(&b, "%s%s", i ? " " : "", v[i]);
	return buf_steal(&b);
}

START_TEST(test_sbatch_argv)
{
	char *opts[] = { "--constraint=avx2", "--comment=x", NULL };
	struct exec_request req = {
		.name = "rl-4-train-2", .timeout = 600,
		.place = { .cpus = 4, .memory = "16G", .gpus = 1, .partition = "gpu",
			   .account = "acme", .qos = "high", .opts = opts },
	};
	char **v = slurm_sbatch_argv(&req, "/s/runs/4/train/attempts/2", "/opt/rl/runlens");
	char *t = joined(v);
	ck_assert_str_eq(t, "sbatch --parsable --job-name=rl-4-train-2 --no-requeue "
			    "--chdir=/s/runs/4/train/attempts/2 "
			    "--output=/s/runs/4/train/attempts/2/slurm.out --open-mode=append "
			    "--cpus-per-task=4 --mem=16G --gres=gpu:1 --time=12 --partition=gpu "
			    "--account=acme --qos=high --constraint=avx2 --comment=x "
			    "--wrap=exec '/opt/rl/runlens' job-exec '/s/runs/4/train/attempts/2'");
	free(t);
	slurm_strv_free(v);
	/* nothing asked: one CPU, no limits; a quote in a path survives sh */
	struct exec_request bare = { .name = "rl-1-a-1" };
	v = slurm_sbatch_argv(&bare, "/it's", "/bin/runlens");
	t = joined(v);
	ck_assert_str_eq(t, "sbatch --parsable --job-name=rl-1-a-1 --no-requeue --chdir=/it's "
			    "--output=/it's/slurm.out --open-mode=append --cpus-per-task=1 "
			    "--wrap=exec '/bin/runlens' job-exec '/it'\\''s'");
	free(t);
	slurm_strv_free(v);
	/* a '%' of the path doubled in the file name (Slurm expands %j…),
	 * not in --chdir */
	v = slurm_sbatch_argv(&bare, "/t/p%jx", "/bin/runlens");
	t = joined(v);
	ck_assert_ptr_nonnull(strstr(t, "--chdir=/t/p%jx --output=/t/p%%jx/slurm.out "));
	free(t);
	slurm_strv_free(v);
	slurm_strv_free(NULL);
}
END_TEST

START_TEST(test_time_minutes)
{
	ck_assert_int_eq(slurm_time_minutes(0), 0);
	ck_assert_int_eq(slurm_time_minutes(-3), 0);
	ck_assert_int_eq(slurm_time_minutes(2), 2);   /* 7 s: 1 minute, + 1 */
	ck_assert_int_eq(slurm_time_minutes(55), 2);  /* 60 s */
	ck_assert_int_eq(slurm_time_minutes(56), 3);
	ck_assert_int_eq(slurm_time_minutes(3600), 62);
}
END_TEST

START_TEST(test_states)
{
	ck_assert_int_eq(slurm_state_of("PENDING")->phase, SLURM_WAITING);
	ck_assert_int_eq(slurm_state_of("RUNNING")->phase, SLURM_ACTIVE);
	ck_assert_int_eq(slurm_state_of("COMPLETING")->phase, SLURM_ACTIVE);
	const char *over[] = { "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY",
			       "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE" };
	for (size_t i = 0; i < sizeof over / sizeof over[0]; i++) {
		const struct slurm_state *s = slurm_state_of(over[i]);
		ck_assert_str_eq(s->name, over[i]);
		ck_assert_int_eq(s->phase, SLURM_OVER);
		ck_assert_ptr_nonnull(s->what);
	}
	ck_assert_int_eq(slurm_state_of("OUT_OF_MEMORY")->signal, SIGKILL);
	ck_assert_str_eq(slurm_state_of("OUT_OF_MEMORY")->what,
			 "out of memory: the step used more than resources.memory (--mem) allows");
	/* a state of a newer Slurm never ends an attempt */
	ck_assert_int_eq(slurm_state_of("SOMETHING_NEW")->phase, SLURM_ACTIVE);
	ck_assert_int_eq(slurm_state_of(NULL)->phase, SLURM_ACTIVE);
}
END_TEST

START_TEST(test_never_starts)
{
	ck_assert_ptr_nonnull(slurm_never_starts("PartitionConfig"));
	ck_assert_ptr_nonnull(slurm_never_starts("BadConstraints"));
	ck_assert_ptr_nonnull(slurm_never_starts("ReqNodeNotAvail, UnavailableNodes:n1"));
	ck_assert_ptr_null(slurm_never_starts("ReqNodeNotAvailable"));
	ck_assert_ptr_null(slurm_never_starts("Resources"));
	ck_assert_ptr_null(slurm_never_starts("Priority"));
	ck_assert_ptr_null(slurm_never_starts(NULL));
}
END_TEST

START_TEST(test_rows)
{
	char line[] = "4242|rl-3-train-1|PENDING||ReqNodeNotAvail, UnavailableNodes:n1|"
		      "/s/a|b c/attempts/1\n";
	struct slurm_row r;
	ck_assert_int_eq(slurm_parse_row(line, &r), 0);
	ck_assert_str_eq(r.id, "4242");
	ck_assert_str_eq(r.name, "rl-3-train-1");
	ck_assert_str_eq(r.state, "PENDING");
	ck_assert_str_eq(r.node, "");
	ck_assert_str_eq(r.reason, "ReqNodeNotAvail, UnavailableNodes:n1");
	ck_assert_str_eq(r.dir, "/s/a|b c/attempts/1");
	/* the same name in another store's folder is not this job */
	ck_assert(slurm_row_is(&r, "rl-3-train-1", "/s/a|b c/attempts/1"));
	ck_assert(!slurm_row_is(&r, "rl-3-train-1", "/other/store/attempts/1"));
	ck_assert(!slurm_row_is(&r, "rl-3-train-2", "/s/a|b c/attempts/1"));
	ck_assert(slurm_row_is(&r, "rl-3-train-1", NULL));
	ck_assert(!slurm_row_is(NULL, "x", NULL));
	char bad[] = "4242|x|RUNNING|n1|None";
	ck_assert_int_eq(slurm_parse_row(bad, &r), -1);
	char empty[] = "";
	ck_assert_int_eq(slurm_parse_row(empty, &r), -1);
}
END_TEST

START_TEST(test_slurm_opts)
{
	const char *why;
	ck_assert_int_eq(spec_check_slurm_opt("--constraint=avx2", &why), 0);
	ck_assert_int_eq(spec_check_slurm_opt("-C", &why), 0);
	ck_assert_int_eq(spec_check_slurm_opt("--exclusive", &why), 0);
	const char *owned[] = { "--job-name=x", "-J", "--output=o", "--mem=1G", "--export=ALL",
				"--wrap=x", "--requeue", "-p", "--partition=x", "--time=5",
				/* abbreviations sbatch takes for them */
				"--outp=/tmp/x.out", "--expo=ALL", "--req", "--job=x", "--parti=x" };
	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
		ck_assert_int_eq(spec_check_slurm_opt(owned[i], &why), -1);
		ck_assert_ptr_nonnull(strstr(why, "runlens sets this option itself"));
	}
	ck_assert_int_eq(spec_check_slurm_opt("constraint", &why), -1);
	ck_assert_int_eq(spec_check_slurm_opt("--", &why), -1);
	ck_assert_int_eq(spec_check_slurm_opt("--a\nb", &why), -1);
	ck_assert_int_eq(spec_check_slurm_opt(NULL, &why), -1);
	/* --mem-per-cpu is not --mem */
	ck_assert_int_eq(spec_check_slurm_opt("--mem-per-cpu=1G", &why), 0);
}
END_TEST

START_TEST(test_lines)
{
	struct exec_status st = { .flavor = "slurm", .job_id = "42", .state = "PENDING",
				  .reason = "Resources" };
	char *l = exec_status_line(&st);
	ck_assert_str_eq(l, "slurm job 42 PENDING (Resources)");
	free(l);
	l = exec_record_line("{\"flavor\":\"slurm\",\"job_id\":\"7\",\"state\":\"RUNNING\","
			     "\"node\":\"n1\"}");
	ck_assert_str_eq(l, "slurm job 7 RUNNING on n1");
	free(l);
	struct exec_status sub = { .flavor = "slurm" };
	l = exec_status_line(&sub);
	ck_assert_str_eq(l, "slurm job (submitting)");
	free(l);
	ck_assert_ptr_null(exec_status_line(NULL));
	ck_assert_ptr_null(exec_record_line(NULL));
	ck_assert_ptr_null(exec_record_line("not json"));
	char *j = exec_status_json(&st);
	ck_assert_str_eq(j, "{\"flavor\":\"slurm\",\"job_id\":\"42\",\"state\":\"PENDING\","
			    "\"reason\":\"Resources\"}");
	free(j);
}
END_TEST

START_TEST(test_jobfiles)
{
	char d[] = "/tmp/rl-jobfile-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(d));
	char *argv[] = { "sh", "-c", "echo a,b\nc", NULL };
	char *envp[] = { "A=1,2", "B=x\ny", "RUNLENS_SECRET_DB_PW=hunter22", NULL };
	char *mask[] = { "hunter22" };
	struct exec_request req = { .name = "rl-1-a-1", .argv = argv, .envp = envp, .cwd = d,
				    .stdout_path = "/o", .stderr_path = "/e", .mask = mask,
				    .nmask = 1 };
	ck_assert_int_eq(jobfile_write(d, &req, NULL), 0);
	char *p = fs_join(d, JOBFILE_JOB);
	struct stat stt;
	ck_assert_int_eq(stat(p, &stt), 0);
	ck_assert_int_eq(stt.st_mode & 0777, 0600);
	struct jobfile jf;
	ck_assert_int_eq(jobfile_read(d, &jf, NULL), 0);
	ck_assert(!fs_exists(p)); /* read once, then gone */
	ck_assert_str_eq(jf.argv[2], "echo a,b\nc");
	ck_assert_ptr_null(jf.argv[3]);
	ck_assert_str_eq(jf.envp[1], "B=x\ny");
	ck_assert_int_eq(jf.nmask, 1);
	ck_assert_str_eq(jf.mask[0], "hunter22");
	ck_assert_str_eq(jf.cwd, d);
	jobfile_clear(&jf);
	jobfile_clear(NULL);
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(jobfile_read(d, &jf, &err), -1); /* started twice */
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	ck_assert_int_eq(jobfile_read("/nonexistent/rl", &jf, &err), -1);
	ck_assert_ptr_nonnull(strstr(rl_err_msg(&err), "no attempt folder '/nonexistent/rl'"));
	rl_err_clear(&err);
	/* the status */
	struct exit_status st = { 0 };
	ck_assert_int_eq(exit_status_read(d, &st), 0);
	struct exit_status w = { .exit_code = -1, .signal = 9, .node = "n1" };
	ck_assert_int_eq(exit_status_write(d, &w, NULL), 0);
	ck_assert_int_eq(exit_status_read(d, &st), 1);
	ck_assert_int_eq(st.signal, 9);
	ck_assert_int_eq(st.exit_code, -1);
	ck_assert_str_eq(st.node, "n1");
	ck_assert_ptr_null(st.error);
	exit_status_clear(&st);
	char *sp = fs_join(d, JOBFILE_STATUS);
	ck_assert_int_eq(fs_write_file(sp, "{\"exit_code\": \"x\"}", 18, 0644, NULL), 0);
	ck_assert_int_eq(exit_status_read(d, &st), -1);
	exit_status_clear(&st);
	exit_status_clear(NULL);
	free(sp);
	free(p);
	fs_remove_tree(d, NULL);
}
END_TEST

/* A store of schema 3 (tests/fixtures/store-v3) migrates to 5: its stacks
 * get empty settings, its attempts no executor record. */
START_TEST(test_store_executors)
{
	const char *src = getenv("TESTS_SRCDIR");
	char *fixture = fs_join(src ? src : "tests", "fixtures/store-v3/runlens.db");
	char *data = NULL;
	size_t len = 0;
	ck_assert_int_eq(fs_read_file(fixture, &data, &len, NULL), 0);
	char d[] = "/tmp/rl-slurm-store-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(d));
	char *db = fs_join(d, STORE_DB_NAME);
	ck_assert_int_eq(fs_write_file(db, data, len, 0644, NULL), 0);
	struct store *s = NULL;
	ck_assert_int_eq(store_open(d, 0, &s, NULL), 0);
	ck_assert_int_eq(store_schema_version(s), STORE_SCHEMA_VERSION);
	char *json = NULL;
	struct rl_err err = RL_ERR_INIT;
	ck_assert_int_eq(store_stack_settings(s, "nope", &json, &err), -1);
	ck_assert_int_eq(err.code, RL_E_NOT_FOUND);
	rl_err_clear(&err);
	ck_assert_int_eq(store_stack_put(s, "hpc", "/a", "slurm", NULL, NULL), 0);
	ck_assert_int_eq(store_stack_settings(s, "hpc", &json, NULL), 0);
	ck_assert_str_eq(json, "{}");
	free(json);
	ck_assert_int_eq(store_stack_set_settings(s, "hpc", "{\"partition\":\"gpu\"}", NULL), 0);
	ck_assert_int_eq(store_stack_settings(s, "hpc", &json, NULL), 0);
	ck_assert_str_eq(json, "{\"partition\":\"gpu\"}");
	free(json);
	ck_assert_int_eq(store_stack_set_settings(s, "nope", "{}", &err), -1);
	rl_err_clear(&err);
	/* an attempt: none recorded, then one */
	struct store_step_executor *rows = NULL;
	int n = -1;
	ck_assert_int_eq(store_run_executors(s, 1, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 0);
	store_step_executors_free(rows, n);
	int64_t sr = 0, att = 0;
	ck_assert_int_eq(store_step_run_create(s, 1, "slurmy", 99, 1, NULL, &sr, NULL), 0);
	ck_assert_int_eq(store_attempt_create(s, sr, 1, 1, "/o", "/e", NULL, &att, NULL), 0);
	ck_assert_int_eq(store_attempt_executor(s, att, &json, NULL), 0);
	ck_assert_ptr_null(json);
	ck_assert_int_eq(store_attempt_set_executor(s, att, "{\"flavor\":\"slurm\"}", NULL), 0);
	ck_assert_int_eq(store_attempt_executor(s, att, &json, NULL), 0);
	ck_assert_str_eq(json, "{\"flavor\":\"slurm\"}");
	free(json);
	ck_assert_int_eq(store_run_executors(s, 1, &rows, &n, NULL), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rows[0].step, "slurmy");
	ck_assert_str_eq(rows[0].attempt_status, "running");
	ck_assert_int_eq(rows[0].attempt, 1);
	store_step_executors_free(rows, n);
	store_step_executors_free(NULL, 0);
	ck_assert_int_eq(store_attempt_set_executor(s, 999999, "{}", &err), -1);
	rl_err_clear(&err);
	store_close(&s);
	fs_remove_tree(d, NULL);
	free(db);
	free(data);
	free(fixture);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("slurm");
	TCase *tc = tcase_create("slurm");
	tcase_add_test(tc, test_sbatch_argv);
	tcase_add_test(tc, test_time_minutes);
	tcase_add_test(tc, test_states);
	tcase_add_test(tc, test_never_starts);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_slurm_opts);
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_jobfiles);
	tcase_add_test(tc, test_store_executors);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
