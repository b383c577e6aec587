/* cli/cmd_jobexec.c — `runlens job-exec ATTEMPT_DIR`: the step of an
 * attempt folder, on a cluster's node (core/exec/job_exec.h). */
#include "config.h"

#include "cli/cli.h"
#include "core/exec/job_exec.h"

int cmd_job_exec(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1)
		return -1;
	if (argc - optind != 1)
		return rl_err_set(err, RL_E_USAGE, "job-exec: expected ATTEMPT_DIR");
	int code = 1;
	if (job_exec_run(argv[optind], &code, err) < 0) {
		/* "no job to run" is a failure of the job, not a usage error */
		if (err && err->code != RL_E_NOMEM)
			err->code = RL_E_FAIL;
		return -1;
	}
	return code;
}
