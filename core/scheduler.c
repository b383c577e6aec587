/* core/scheduler.c — the scheduling loop of a run.
 *
 * One loop: decide every ready step (cached or reused when decide_step
 * says so, else it waits for a job slot), start the waiting ones while
 * fewer than -j run, commit what that wrote, wait for the executor (a job
 * ended, output arrived, a timeout or heartbeat is due, Ctrl-C), collect
 * what ended, repeat.  Each pass writes its state changes to the store in
 * one transaction.  The loop knows no executor: it talks to r->ex_ops
 * only.
 *
 * Nothing here looks at every step every pass: a step's state changes
 * (scheduler_changed) move it between a heap of steps to decide, a heap
 * of steps waiting for a slot (both by run order) and the set of running
 * ones, and count down what its dependents wait for; a failure skips its
 * dependents through a work list.  So each step costs O(log n), whatever
 * the size of the DAG.
 */
#include "config.h"
#include "core/run_internal.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "client/records.h"
#include "core/decide.h"
#include "core/session.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/timeutil.h"

/* How often a running step's records are read. */
#define INGEST_EVERY_MS 250

/* A heap of step indexes by their position in the run's order. */
struct heap {
	int *v;
	int n;
};

struct sched {
	struct heap decide;   /* ready, not decided yet */
	struct heap waiting;  /* to run (or retry), waiting for a slot */
	int *running;	      /* the steps in state running (nrun of them) */
	int nrun;
	int *waits;	      /* per step: upstream steps not done yet */
	int *dependents;      /* per step i: dependents[first[i] .. first[i+1]) */
	int *first;
	int *broken;	      /* work list: failed, skipped or interrupted steps */
	int nbroken;
	int *delayed;	      /* retrying steps whose retry_delay has not passed */
	int ndelayed;
	int settled;	      /* steps in a final state */
	/* jobs whose output is masked hold four descriptors while they run
	 * (two pipes, two logs): no more of them at once than the open-file
	 * limit allows, so `ulimit -n 64` with `-j 200` waits instead of
	 * failing with "Too many open files" */
	int masked_budget, masked_running;
	/* cached steps decided in this pass whose source's state writes are
	 * still to replay (replay_cached) */
	struct replay *replays;
	int nreplays, capreplays;
};

/* A cached step's source step run and when that ended. */
struct replay {
	int64_t from;
	int64_t ended_ms;
	char *writes; /* its state writes (JSON), or NULL */
};

/* Descriptors open now. */
static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 32;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int masked_budget(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 1 << 20;
	/* each masked job: 4 while it runs, 2 more while it starts; keep 16
	 * for the store, the records files and the like */
	long spare = (long)rl.rlim_cur - open_fds() - 16;
	return spare / 6 > 1 ? (int)(spare / 6) : 1;
}

static int before(const struct run *r, int a, int b)
{
	return r->steps[a].pos < r->steps[b].pos;
}

static void heap_push(const struct run *r, struct heap *h, int i)
{
	int k = h->n++;
	h->v[k] = i;
	while (k > 0 && before(r, h->v[k], h->v[(k - 1) / 2])) {
		int p = (k - 1) / 2, t = h->v[p];
		h->v[p] = h->v[k];
		h->v[k] = t;
		k = p;
	}
}

static int heap_pop(const struct run *r, struct heap *h)
{
	int top = h->v[0];
	h->v[0] = h->v[--h->n];
	for (int k = 0;;) {
		int l = 2 * k + 1, m = k;
		if (l < h->n && before(r, h->v[l], h->v[m]))
			m = l;
		if (l + 1 < h->n && before(r, h->v[l + 1], h->v[m]))
			m = l + 1;
		if (m == k)
			break;
		int t = h->v[m];
		h->v[m] = h->v[k];
		h->v[k] = t;
		k = m;
	}
	return top;
}

int scheduler_init(struct run *r, struct rl_err *err)
{
	int n = r->n, nedges = 0;
	for (int i = 0; i < n; i++)
		nedges += r->spec->steps[i].ndeps;
	struct sched *q = calloc(1, sizeof(*q));
	if (!q)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	r->sched = q;
	q->masked_budget = masked_budget();
	q->decide.v = calloc((size_t)n + 1, sizeof(int));
	q->waiting.v = calloc((size_t)n + 1, sizeof(int));
	q->running = calloc((size_t)n + 1, sizeof(int));
	q->waits = calloc((size_t)n + 1, sizeof(int));
	q->first = calloc((size_t)n + 2, sizeof(int));
	q->dependents = calloc((size_t)nedges + 1, sizeof(int));
	q->broken = calloc((size_t)n + 1, sizeof(int));
	q->delayed = calloc((size_t)n + 1, sizeof(int));
	if (!q->decide.v || !q->waiting.v || !q->running || !q->waits || !q->first ||
	    !q->dependents || !q->broken || !q->delayed)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	/* who depends on whom, as one array (counting sort by upstream) */
	for (int i = 0; i < n; i++)
		for (int k = 0; k < r->spec->steps[i].ndeps; k++)
			q->first[r->spec->steps[i].deps[k] + 1]++;
	for (int i = 0; i < n; i++)
		q->first[i + 1] += q->first[i];
	int *fill = calloc((size_t)n + 1, sizeof(int));
	if (!fill)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < n; i++) {
		const struct spec_step *sp = &r->spec->steps[i];
		q->waits[i] = sp->ndeps;
		for (int k = 0; k < sp->ndeps; k++) {
			int up = sp->deps[k];
			q->dependents[q->first[up] + fill[up]++] = i;
		}
		if (sp->ndeps == 0)
			heap_push(r, &q->decide, i);
	}
	free(fill);
	return 0;
}

void scheduler_free(struct run *r)
{
	struct sched *q = r->sched;
	if (!q)
		return;
	free(q->decide.v);
	free(q->waiting.v);
	free(q->running);
	free(q->waits);
	free(q->first);
	free(q->dependents);
	free(q->broken);
	free(q->delayed);
	free(q->replays);
	free(q);
	r->sched = NULL;
}

static int is_final(enum rstate st)
{
	return st >= RS_COMPLETED;
}

void scheduler_changed(struct run *r, struct rstep *s, enum rstate old)
{
	struct sched *q = r->sched;
	int i = (int)(s - r->steps);
	if (!q || old == s->state)
		return;
	if (old == RS_RUNNING)
		for (int k = 0; k < q->nrun; k++)
			if (q->running[k] == i) {
				q->running[k] = q->running[--q->nrun];
				break;
			}
	if (s->state == RS_RUNNING)
		q->running[q->nrun++] = i;
	if (!is_final(old) && is_final(s->state))
		q->settled++;
	switch (s->state) {
	case RS_COMPLETED:
	case RS_CACHED:
		for (int k = q->first[i]; k < q->first[i + 1]; k++) {
			int d = q->dependents[k];
			if (--q->waits[d] == 0 && r->steps[d].state == RS_PENDING)
				heap_push(r, &q->decide, d);
		}
		break;
	case RS_FAILED:
	case RS_SKIPPED:
	case RS_INTERRUPTED:
		q->broken[q->nbroken++] = i;
		break;
	case RS_RETRYING:
		if (s->retry_at > time_mono_ms())
			q->delayed[q->ndelayed++] = i; /* waits out its retry_delay */
		else
			heap_push(r, &q->waiting, i);
		break;
	default:
		break;
	}
}

/* Skip what depends on a failed, skipped or interrupted step, and what
 * depends on those, through the work list (not while the run is being
 * interrupted: then the steps that did not start are interrupted too). */
static int skip_dependents(struct run *r, struct rl_err *err)
{
	struct sched *q = r->sched;
	if (r->interrupting) {
		q->nbroken = 0; /* what did not start is recorded interrupted */
		return 0;
	}
	while (q->nbroken > 0) {
		struct rstep *up = &r->steps[q->broken[--q->nbroken]];
		int i = (int)(up - r->steps);
		for (int k = q->first[i]; k < q->first[i + 1]; k++) {
			struct rstep *d = &r->steps[q->dependents[k]];
			if (d->state != RS_PENDING)
				continue;
			struct buf b = BUF_INIT;
			buf_printf(&b, "upstream step '%s' %s", up->sp->name, rstate_names[up->state]);
			int rc = run_set_state(r, d, RS_SKIPPED, b.data, NULL, err);
			buf_free(&b);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

/* A cached or reused step's state writes replay once the pass has
 * decided every ready step (replay_cached), so that steps settled at the
 * same moment apply them in the order their sources completed — the
 * source run's own order when they came from one run — and downstream
 * steps see what they would have seen. */
static int queue_replay(struct run *r, int64_t from, struct rl_err *err)
{
	struct sched *q = r->sched;
	struct store_step_run src = { 0 };
	if (store_step_run_get_by_id(r->store, from, &src, err) < 0)
		return -1;
	if (q->nreplays == q->capreplays) {
		int cap = q->capreplays ? 2 * q->capreplays : 16;
		struct replay *g = realloc(q->replays, (size_t)cap * sizeof *g);
		if (!g) {
			store_step_run_clear(&src);
			return rl_err_set(err, RL_E_NOMEM, NULL);
		}
		q->replays = g;
		q->capreplays = cap;
	}
	q->replays[q->nreplays++] = (struct replay){ from, src.ended_ms, src.state_writes };
	src.state_writes = NULL;
	store_step_run_clear(&src);
	return 0;
}

static int by_source_end(const void *a, const void *b)
{
	const struct replay *x = a, *y = b;
	if (x->ended_ms != y->ended_ms)
		return x->ended_ms < y->ended_ms ? -1 : 1;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* Apply the queued writes (APPLY), or only drop them (after a store
 * error: the pass is rolled back, and another write could wait out the
 * busy timeout again). */
static int replay_cached(struct run *r, int apply, struct rl_err *err)
{
	struct sched *q = r->sched;
	int rc = apply ? 0 : -1;
	if (q->nreplays > 1)
		qsort(q->replays, (size_t)q->nreplays, sizeof *q->replays, by_source_end);
	for (int i = 0; i < q->nreplays; i++) {
		cJSON *writes = q->replays[i].writes && rc == 0 ? cJSON_Parse(q->replays[i].writes)
								: NULL;
		if (rc == 0 && run_apply_state(r, writes, err) < 0)
			rc = -1;
		cJSON_Delete(writes);
		free(q->replays[i].writes);
	}
	q->nreplays = 0;
	return rc;
}

/* Take the decision's results: the step is done without running. */
static int take_results(struct run *r, struct rstep *s, const struct decision *d,
			struct rl_err *err)
{
	if (store_step_run_copy_results(r->store, s->step_run_id, d->hit, err) < 0 ||
	    queue_replay(r, d->hit, err) < 0)
		return -1;
	for (int i = 0; i < s->sp->noutputs; i++)
		for (int k = 0; k < d->nouts; k++) {
			if (strcmp(d->outs[k].name, s->sp->outputs[i].name) != 0)
				continue;
			struct routput *ro = &s->outputs[i];
			free(ro->path);
			free(ro->sha256);
			ro->path = strdup(d->outs[k].path);
			ro->sha256 = strdup(d->outs[k].sha256);
			ro->type = strcmp(d->outs[k].type, "dir") == 0 ? "dir" : "file";
			ro->size = d->outs[k].size;
			ro->artifact_id = d->outs[k].artifact_id;
		}
	return run_set_state(r, s, RS_CACHED, NULL, d->why, err);
}

/* Before a step takes a job slot: 1 when it is done (cached or reused),
 * 0 when it must run. */
static int try_cache_hashing(struct run *r, struct rstep *s, struct rl_err *err);

/* Deciding may hash much (external inputs, code, a cached result's
 * artifacts): a long hash lets go of the write lock meanwhile. */
static int try_cache(struct run *r, struct rstep *s, struct rl_err *err)
{
	if (s->cache_checked)
		return 0;
	s->cache_checked = 1;
	run_hashing_may_release(r, 1);
	int rc = try_cache_hashing(r, s, err);
	run_hashing_may_release(r, 0);
	return rc;
}

static int try_cache_hashing(struct run *r, struct rstep *s, struct rl_err *err)
{
	char *why = NULL;
	int ir = attempt_resolve_inputs(r, s, &why, err);
	free(why);
	if (ir != 0)
		return ir < 0 ? -1 : 0; /* a missing input: attempt_start says so */
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)r->run_id);
	char **shas = calloc((size_t)s->sp->ninputs + 1, sizeof(char *));
	if (!shas)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < s->sp->ninputs; i++)
		shas[i] = (char *)s->inputs[i].ctx.sha256;
	struct decide_in in = {
		.store = r->store, .pipeline_id = r->pipeline_id, .spec = r->spec,
		.step = s->sp, .run_id = idbuf, .run_name = r->run_name,
		.input_sha = shas, .reuse_from = s->reuse_from, .reuse_run = r->o->reuse_run,
		.from_step = r->o->from_step, .from_mark = s->from_mark, .force = s->force,
		.no_cache = r->o->no_cache, .memo = r->memo,
	};
	struct decision d;
	int rc = -1;
	if (decide_step(&in, &d, err) < 0)
		goto cleanup;
	char *parts_json = json_print(d.parts, 0);
	int set = run_tx(r, err) < 0 ||
				  store_step_run_set_decided(r->store, s->step_run_id, d.key, parts_json,
							     d.action == DECIDE_RUN ? 0 : d.hit, d.why,
							     err) < 0
			  ? -1
			  : 0;
	free(parts_json);
	if (set == 0)
		rc = d.action == DECIDE_RUN ? 0 : take_results(r, s, &d, err) < 0 ? -1 : 1;
	decision_clear(&d);
cleanup:
	free(shas);
	return rc;
}

/* The CPUs of the local budget step S takes while it runs: its
 * resources.cpus, at most the whole budget (a step that asks for more
 * runs alone).  A step that does not say takes none (-j alone caps it,
 * as it always did), and so does every step on an executor that places
 * jobs itself (Slurm), where -j caps the jobs in flight. */
static int cpu_slots(const struct run *r, const struct rstep *s)
{
	if (r->ex_ops->places_jobs)
		return 0;
	return s->sp->res.cpus < r->cpus ? s->sp->res.cpus : r->cpus;
}

/* Retrying steps whose retry_delay has passed wait for a slot again.
 * Only the steps waiting out a delay are looked at. */
static void end_delays(struct run *r, int64_t now)
{
	struct sched *q = r->sched;
	for (int k = 0; k < q->ndelayed;) {
		struct rstep *s = &r->steps[q->delayed[k]];
		if (s->retry_at > now) {
			k++;
			continue;
		}
		s->retry_at = 0;
		heap_push(r, &q->waiting, q->delayed[k]);
		q->delayed[k] = q->delayed[--q->ndelayed];
	}
}

/* Decide every ready step (the decision may settle it: cached, reused),
 * then start the waiting ones while there are slots (-j) and CPUs. */
static int launch_ready(struct run *r, struct rl_err *err)
{
	struct sched *q = r->sched;
	if (skip_dependents(r, err) < 0)
		return -1;
	end_delays(r, time_mono_ms());
	while (!r->interrupting && q->decide.n > 0) {
		struct rstep *s = &r->steps[heap_pop(r, &q->decide)];
		if (s->state != RS_PENDING)
			continue;
		int c = try_cache(r, s, err);
		if (c < 0 || skip_dependents(r, err) < 0) {
			replay_cached(r, 0, NULL);
			return -1;
		}
		if (c == 0)
			heap_push(r, &q->waiting, (int)(s - r->steps));
	}
	if (replay_cached(r, 1, err) < 0)
		return -1;
	while (!r->interrupting && q->waiting.n > 0 && r->running < r->jobs) {
		struct rstep *s = &r->steps[q->waiting.v[0]];
		int masked = s->sp->nsecrets > 0, cpus = cpu_slots(r, s);
		if (masked && q->masked_running >= q->masked_budget)
			break; /* wait for one to end */
		if (r->cpus_used > 0 && r->cpus_used + cpus > r->cpus)
			break; /* its CPUs are not free yet */
		heap_pop(r, &q->waiting);
		if (s->state != RS_PENDING && s->state != RS_RETRYING)
			continue;
		if (attempt_start(r, s, err) < 0 || skip_dependents(r, err) < 0)
			return -1;
		if (s->job)
			r->cpus_used += cpus;
		if (s->job && masked)
			q->masked_running++;
		/* a step that could not start failed or waits to retry */
		if (s->state == RS_RETRYING && !s->job)
			continue;
	}
	return 0;
}

static int unfinished(const struct run *r)
{
	return r->sched->settled < r->n;
}

/* The K-th step in state running. */
static struct rstep *running_step(const struct run *r, int k)
{
	return &r->steps[r->sched->running[k]];
}

static void check_timeouts(struct run *r, int64_t now)
{
	for (int k = 0; k < r->sched->nrun; k++) {
		struct rstep *s = running_step(r, k);
		if (!s->job)
			continue;
		if (s->kill_at && now >= s->kill_at) {
			r->ex_ops->signal(r->ex, s->job, SIGKILL);
			s->kill_at = 0;
		} else if (s->deadline && now >= s->deadline && !s->timed_out) {
			s->timed_out = 1;
			r->ex_ops->signal(r->ex, s->job, SIGTERM);
			s->kill_at = now + RUNNER_KILL_GRACE_MS;
		}
	}
}

static void begin_interrupt(struct run *r, int64_t now)
{
	int hard = runner_interrupts > 1;
	if (r->interrupting && !hard)
		return;
	r->interrupting = 1;
	for (int k = 0; k < r->sched->nrun; k++) {
		struct rstep *s = running_step(r, k);
		if (!s->job)
			continue;
		r->ex_ops->signal(r->ex, s->job, hard ? SIGKILL : SIGTERM);
		if (!hard)
			s->kill_at = now + RUNNER_KILL_GRACE_MS;
	}
}

/* Milliseconds until the loop must look again. */
static int next_wakeup(const struct run *r, int64_t now)
{
	int tick = r->o->observer ? r->o->observer->tick_ms : 0;
	int64_t t = now + (tick > 0 && tick < 1000 ? tick : 1000);
	int64_t hb = r->last_heartbeat + SESSION_HEARTBEAT_MS;
	if (hb < t)
		t = hb;
	if (r->running > 0 && now + INGEST_EVERY_MS < t)
		t = now + INGEST_EVERY_MS;
	for (int k = 0; k < r->sched->ndelayed; k++) {
		const struct rstep *s = &r->steps[r->sched->delayed[k]];
		if (s->retry_at < t)
			t = s->retry_at;
	}
	for (int k = 0; k < r->sched->nrun; k++) {
		const struct rstep *s = running_step(r, k);
		if (s->kill_at && s->kill_at < t)
			t = s->kill_at;
		if (s->deadline && !s->timed_out && s->deadline < t)
			t = s->deadline;
	}
	int64_t ms = t - now;
	return ms < 0 ? 0 : ms > 1000 ? 1000 : (int)ms;
}

/* Read the records of running steps (so metrics show up while a step
 * runs), at most every INGEST_EVERY_MS per step. */
static int ingest_running(struct run *r, int64_t now, struct rl_err *err)
{
	for (int k = 0; k < r->sched->nrun; k++) {
		struct rstep *s = running_step(r, k);
		if (!s->job || now - s->last_ingest < INGEST_EVERY_MS)
			continue;
		s->last_ingest = now;
		if (run_tx(r, err) < 0 || ingest_poll(r->store, &s->ing, 0, err) < 0 ||
		    run_observe(r, s, err) < 0)
			return -1;
	}
	return 0;
}

static struct rstep *step_of_job(struct run *r, int64_t job)
{
	for (int k = 0; k < r->sched->nrun; k++)
		if (running_step(r, k)->job == job)
			return running_step(r, k);
	return NULL;
}

/* Hand ended jobs to attempt_finish: how many, or -1. */
static int collect(struct run *r, struct rl_err *err)
{
	struct exec_result res;
	int n = 0;
	while (r->ex_ops->reap(r->ex, &res) == 1) {
		struct rstep *s = step_of_job(r, res.job);
		if (!s)
			continue;
		s->job = 0;
		r->running--;
		r->cpus_used -= cpu_slots(r, s);
		if (s->sp->nsecrets > 0)
			r->sched->masked_running--;
		if (attempt_finish(r, s, &res, err) < 0)
			return -1;
		n++;
	}
	return n;
}

/* Before the turn's transaction commits: jobs that ended while it was
 * written (short steps end while the runner starts the next one) are
 * taken in and their successors started in the same transaction — one
 * commit for all of it, never holding the write lock while nothing
 * happens (the executor is asked with a timeout of 0, a few times at
 * most). */
#define CATCH_UP_TURNS 8
static int catch_up(struct run *r, struct rl_err *err)
{
	for (int k = 0; k < CATCH_UP_TURNS && r->in_tx && r->running > 0 && !runner_interrupts;
	     k++) {
		if (r->ex_ops->wait(r->ex, 0, r->wake_fd, err) < 0)
			return -1;
		int n = collect(r, err);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if (launch_ready(r, err) < 0)
			return -1;
	}
	return 0;
}

static int heartbeat(struct run *r, int64_t now, struct rl_err *err)
{
	if (now - r->last_heartbeat < SESSION_HEARTBEAT_MS)
		return 0;
	if (run_tx(r, err) < 0 || store_run_heartbeat(r->store, r->run_id, time_now_ms(), err) < 0)
		return -1;
	r->last_heartbeat = now;
	return 0;
}

/* After a store error: leave no job behind. */
static void abandon_jobs(struct run *r)
{
	run_tx_rollback(r);
	for (int k = 0; k < r->sched->nrun; k++)
		if (running_step(r, k)->job)
			r->ex_ops->signal(r->ex, running_step(r, k)->job, SIGKILL);
	struct exec_result res;
	while (r->running > 0) {
		if (r->ex_ops->reap(r->ex, &res) == 1)
			r->running--;
		else
			r->ex_ops->wait(r->ex, 100, r->wake_fd, NULL);
	}
}

int scheduler_loop(struct run *r, struct rl_err *err)
{
	int rc = -1;
	r->last_heartbeat = time_mono_ms();
	for (;;) {
		if (runner_interrupts)
			begin_interrupt(r, time_mono_ms());
		if (launch_ready(r, err) < 0 || catch_up(r, err) < 0 || run_tx_commit(r, err) < 0)
			goto cleanup;
		if (r->running == 0 && (r->interrupting || !unfinished(r)))
			break;
		int64_t now = time_mono_ms();
		struct runner_event tev = { .kind = RUNNER_EV_TICK };
		run_emit(r, &tev);
		if (r->ex_ops->wait(r->ex, next_wakeup(r, now), r->wake_fd, err) < 0)
			goto cleanup;
		run_drain_wake(r);
		now = time_mono_ms();
		if (ingest_running(r, now, err) < 0 || collect(r, err) < 0)
			goto cleanup;
		now = time_mono_ms();
		check_timeouts(r, now);
		if (heartbeat(r, now, err) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc < 0)
		abandon_jobs(r);
	return rc;
}
