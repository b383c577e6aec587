/* core/exec/slurm_parse.c — the Slurm executor's words (slurm_parse.h). */
#include "config.h"
#include "core/exec/slurm_parse.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runner.h"
#include "util/buf.h"

static const struct slurm_state states[] = {
	{ "PENDING", SLURM_WAITING, 0, NULL },
	{ "REQUEUED", SLURM_WAITING, 0, NULL },
	{ "REQUEUE_HOLD", SLURM_WAITING, 0, NULL },
	{ "REQUEUE_FED", SLURM_WAITING, 0, NULL },
	{ "RESV_DEL_HOLD", SLURM_WAITING, 0, NULL },
	{ "CONFIGURING", SLURM_ACTIVE, 0, NULL },
	{ "RUNNING", SLURM_ACTIVE, 0, NULL },
	{ "COMPLETING", SLURM_ACTIVE, 0, NULL },
	{ "SUSPENDED", SLURM_ACTIVE, 0, NULL },
	{ "STOPPED", SLURM_ACTIVE, 0, NULL },
	{ "SIGNALING", SLURM_ACTIVE, 0, NULL },
	{ "STAGE_OUT", SLURM_ACTIVE, 0, NULL },
	{ "RESIZING", SLURM_ACTIVE, 0, NULL },
	{ "COMPLETED", SLURM_OVER, 0, "Slurm says the job completed" },
	{ "FAILED", SLURM_OVER, 0, "Slurm says the job failed" },
	{ "TIMEOUT", SLURM_OVER, SIGKILL,
	  "Slurm's time limit ended the job (--time, set past the step's timeout)" },
	{ "CANCELLED", SLURM_OVER, SIGTERM, "the job was cancelled in Slurm (scancel)" },
	{ "OUT_OF_MEMORY", SLURM_OVER, SIGKILL,
	  "out of memory: the step used more than resources.memory (--mem) allows" },
	{ "NODE_FAIL", SLURM_OVER, SIGKILL, "the node running the job failed" },
	{ "PREEMPTED", SLURM_OVER, SIGTERM, "the job was preempted by another job" },
	{ "BOOT_FAIL", SLURM_OVER, 0, "the node could not be booted for the job" },
	{ "DEADLINE", SLURM_OVER, 0, "the job's deadline passed before it could run" },
	{ "REVOKED", SLURM_OVER, 0, "the job was revoked (it runs on another cluster)" },
	{ "SPECIAL_EXIT", SLURM_OVER, 0, "the job ended with a special exit" },
};

const struct slurm_state *slurm_state_of(const char *state)
{
	static const struct slurm_state unknown = { "UNKNOWN", SLURM_ACTIVE, 0, NULL };
	for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(states[i].name, state) == 0)
			return &states[i];
	return &unknown;
}

static const struct {
	const char *reason, *what;
} never[] = {
	{ "PartitionConfig", "the request does not fit the partition (its cpus, memory, "
			     "time or gpus)" },
	{ "BadConstraints", "no node has what the job asks for (cpus, memory, gpus, "
			    "--constraint)" },
	{ "ReqNodeNotAvail", "the nodes the job needs are not available (down, drained "
			     "or reserved)" },
	{ "PartitionNodeLimit", "the job asks for more nodes than the partition has" },
	{ "PartitionTimeLimit", "the job's time limit is over the partition's" },
	{ "InvalidAccount", "the account is not valid (stack --account)" },
	{ "InvalidQOS", "the QoS is not valid (stack --qos)" },
	{ "AccountNotAllowed", "the account may not use the partition" },
	{ "QOSNotAllowed", "the QoS may not use the partition" },
	{ "DependencyNeverSatisfied", "the job waits for a dependency that failed" },
};

const char *slurm_never_starts(const char *reason)
{
	for (size_t i = 0; reason && i < sizeof never / sizeof never[0]; i++) {
		size_t n = strlen(never[i].reason);
		if (strncmp(reason, never[i].reason, n) == 0 &&
		    (reason[n] == '\0' || reason[n] == ',' || reason[n] == ' '))
			return never[i].what;
	}
	return NULL;
}

int slurm_parse_row(char *line, struct slurm_row *row)
{
	char *f[6];
	f[0] = line;
	for (int k = 1; k < 6; k++) {
		char *bar = strchr(f[k - 1], '|');
		if (!bar)
			return -1;
		*bar = '\0';
		f[k] = bar + 1;
	}
	size_t l = strlen(f[5]);
	while (l > 0 && (f[5][l - 1] == '\n' || f[5][l - 1] == '\r'))
		f[5][--l] = '\0';
	if (!*f[0] || !*f[2])
		return -1;
	*row = (struct slurm_row){ f[0], f[1], f[2], f[3], f[4], f[5] };
	return 0;
}

int slurm_row_is(const struct slurm_row *row, const char *name, const char *dir)
{
	if (!row || !name || strcmp(row->name, name) != 0)
		return 0;
	/* an unknown folder (a Slurm that does not say) leaves the name */
	return !dir || !*row->dir || !strcmp(row->dir, "(null)") || !strcmp(row->dir, dir);
}

int slurm_time_minutes(double seconds)
{
	if (!(seconds > 0))
		return 0;
	double s = seconds + RUNNER_KILL_GRACE_MS / 1000.0;
	double m = ceil(s / 60.0) + 1;
	return m > 1e6 ? 1000000 : (int)m;
}

char *slurm_sh_quote(const char *s)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			buf_puts(&b, "'\\''");
		else
			buf_putc(&b, *s);
	buf_putc(&b, '\'');
	return buf_steal(&b);
}

void slurm_strv_free(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The argv being built: printf-like pushes, one failure sticks. */
struct args {
	char **v;
	int n, cap, failed;
};

static void push(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


static void push(struct args *a, const char *fmt, ...)
{
	if (a->failed)
		return;
	if (a->n + 2 > a->cap) {
		int ncap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, (size_t)ncap * sizeof(char *));
		if (!v) {
			a->failed = 1;
			return;
		}
		a->v = v;
		a->cap = ncap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		a->failed = 1;
		return;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void push_place(struct args *a, const struct exec_place *p, double timeout)
{
	push(a, "--cpus-per-task=%d", p->cpus > 0 ? p->cpus : 1);
	if (p->memory)
		push(a, "--mem=%s", p->memory);
	if (p->gpus > 0)
		push(a, "--gres=gpu:%d", p->gpus);
	int minutes = slurm_time_minutes(timeout);
	if (minutes > 0)
		push(a, "--time=%d", minutes);
	if (p->partition)
		push(a, "--partition=%s", p->partition);
	if (p->account)
		push(a, "--account=%s", p->account);
	if (p->qos)
		push(a, "--qos=%s", p->qos);
	for (int i = 0; p->opts && p->opts[i]; i++)
		push(a, "%s", p->opts[i]);
}

/* S with each '%' doubled (malloc'd): a file name sbatch takes whole. */
static char *percent_doubled(const char *s)
{
	size_t n = strlen(s), extra = 0;
	for (const char *p = s; *p; p++)
		extra += *p == '%';
	char *out = malloc(n + extra + 1), *q = out;
	for (const char *p = s; out && *p; p++) {
		*q++ = *p;
		if (*p == '%')
			*q++ = '%';
	}
	if (out)
		*q = '\0';
	return out;
}

char **slurm_sbatch_argv(const struct exec_request *req, const char *dir, const char *self)
{
	struct args a = { 0 };
	char *qself = slurm_sh_quote(self), *qdir = slurm_sh_quote(dir);
	push(&a, "sbatch");
	push(&a, "--parsable");
	push(&a, "--job-name=%s", req->name ? req->name : "rl-job");
	push(&a, "--no-requeue");
	push(&a, "--chdir=%s", dir);
	/* Slurm expands %j, %u… in the file name: a '%' of the path doubled */
	char *pdir = percent_doubled(dir);
	if (pdir)
		push(&a, "--output=%s/slurm.out", pdir);
	else
		a.failed = 1;
	free(pdir);
	push(&a, "--open-mode=append");
	push_place(&a, &req->place, req->timeout);
	/* the script only execs job-exec: nothing of the step in it */
	if (qself && qdir)
		push(&a, "--wrap=exec %s job-exec %s", qself, qdir);
	else
		a.failed = 1;
	free(qself);
	free(qdir);
	if (a.failed) {
		slurm_strv_free(a.v);
		return NULL;
	}
	return a.v;
}
