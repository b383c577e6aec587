/* core/exec/job_exec.c — a job on a cluster's node (job_exec.h). */
#include "config.h"
#include "core/exec/job_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/exec/executor.h"
#include "core/exec/jobfile.h"

/* The signals a scheduler sends a job (scancel --signal, --time's warning)
 * that go on to the step's process group. */
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT };
#define NFORWARDED (int)(sizeof forwarded / sizeof forwarded[0])

static int wake[2] = { -1, -1 };
static volatile sig_atomic_t got[65];

static void on_signal(int sig)
{
	int saved = errno;
	if (sig > 0 && sig < 65)
		got[sig] = 1;
	if (wake[1] >= 0) {
		ssize_t w = write(wake[1], "s", 1);
		(void)w;
	}
	errno = saved;
}

static int install(struct sigaction *old, struct rl_err *err)
{
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return rl_err_set(err, RL_E_IO, "cannot create a pipe: %s", strerror(errno));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, &old[i]);
	return 0;
}

static void uninstall(const struct sigaction *old)
{
	for (int i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &old[i], NULL);
	for (int k = 0; k < 2; k++) {
		if (wake[k] >= 0)
			close(wake[k]);
		wake[k] = -1;
	}
}

/* The signals that arrived go on to the step. */
static void forward(const struct executor_ops *ops, struct executor *ex, int64_t job)
{
	char drain[32];
	while (read(wake[0], drain, sizeof drain) > 0)
		;
	for (int i = 0; i < NFORWARDED; i++)
		if (got[forwarded[i]]) {
			got[forwarded[i]] = 0;
			ops->signal(ex, job, forwarded[i]);
		}
}

extern char **environ;

/* What the scheduler gave this job that the step must see: its job's own
 * variables (SLURM_JOB_ID, SLURM_CPUS_PER_TASK, …) and the devices it was
 * allotted. */
static int allotted(const char *var)
{
	static const char *const names[] = { "SLURM_", "CUDA_VISIBLE_DEVICES=",
					     "GPU_DEVICE_ORDINAL=", "ROCR_VISIBLE_DEVICES=",
					     "ZE_AFFINITY_MASK=", NULL };
	for (int i = 0; names[i]; i++)
		if (!strncmp(var, names[i], strlen(names[i])))
			return 1;
	return 0;
}

/* The step's environment: the exact one runlens made on the submit host,
 * but what the job was allotted here comes from here (borrowed strings). */
static char **step_environment(char *const *envp)
{
	int n = 0, k = 0;
	for (char *const *e = envp; e && *e; e++)
		n++;
	for (char **e = environ; e && *e; e++)
		n++;
	char **v = calloc((size_t)n + 1, sizeof(char *));
	for (char *const *e = envp; v && e && *e; e++)
		if (!allotted(*e))
			v[k++] = *e;
	for (char **e = environ; v && e && *e; e++)
		if (allotted(*e))
			v[k++] = *e;
	return v;
}

/* Start the step, wait for its end, forwarding signals: fills *ST. */
static int run_step(const struct jobfile *jf, struct exit_status *st, struct rl_err *err)
{
	const struct executor_ops *ops = &executor_local;
	struct executor *ex = NULL;
	struct sigaction old[NFORWARDED];
	struct rl_err serr = RL_ERR_INIT;
	char **envp = NULL;
	int rc = -1;
	if (install(old, err) < 0)
		return -1;
	envp = step_environment(jf->envp);
	if (!envp) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (ops->open(&ex, err) < 0)
		goto cleanup;
	struct exec_request req = {
		.name = jf->name, .argv = jf->argv, .envp = envp, .cwd = jf->cwd,
		.stdout_path = jf->stdout_path, .stderr_path = jf->stderr_path,
		.mask = jf->mask, .nmask = jf->nmask,
	};
	int64_t job = 0;
	if (ops->start(ex, &req, &job, &serr) < 0) {
		/* no such program or folder on this node: said, not a crash */
		st->exit_code = 127;
		st->error = strdup(rl_err_msg(&serr));
		fprintf(stderr, "runlens: job-exec: %s\n", rl_err_msg(&serr));
		rc = 0;
		goto cleanup;
	}
	struct exec_result res;
	for (;;) {
		forward(ops, ex, job);
		if (ops->reap(ex, &res) == 1)
			break;
		if (ops->wait(ex, 1000, wake[0], err) < 0)
			goto cleanup;
	}
	st->exit_code = res.exit_code;
	st->signal = res.signal;
	st->log_error = res.log_error;
	rc = 0;
cleanup:
	rl_err_clear(&serr);
	ops->close(&ex);
	free(envp);
	uninstall(old);
	return rc;
}

int job_exec_run(const char *dir, int *exit_code, struct rl_err *err)
{
	struct jobfile jf;
	struct exit_status st = { 0 };
	if (jobfile_read(dir, &jf, err) < 0) {
		/* where the folder is there, the runner learns why too */
		st.exit_code = 127;
		st.error = strdup(rl_err_msg(err));
		exit_status_write(dir, &st, NULL);
		exit_status_clear(&st);
		return -1;
	}
	int rc = run_step(&jf, &st, err);
	jobfile_clear(&jf);
	char host[256];
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		st.node = strdup(host);
	}
	if (rc == 0 && exit_status_write(dir, &st, err) < 0)
		rc = -1;
	if (rc == 0)
		*exit_code = st.signal ? 128 + st.signal : st.exit_code < 0 ? 1 : st.exit_code;
	exit_status_clear(&st);
	return rc;
}
