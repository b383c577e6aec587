/* core/sweep.c — sweeps: the grid of a run's -p lists and ranges, and
 * carrying it out as ordinary runs, one after the other in this process
 * (sharing its store connection) or several at once in child processes
 * (core/exec/fork.h).  The rules are in core/sweep.h. */
#include "config.h"
#include "core/sweep.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/context.h"
#include "core/exec/fork.h"
#include "core/session.h"
#include "core/spec.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

void sweep_strv_free(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------------------ */
/* The grid                                                            */

static int strv_push(char ***v, int *n, char *s)
{
	if (!s)
		return -1;
	char **g = realloc(*v, (size_t)(*n + 1) * sizeof *g);
	if (!g) {
		free(s);
		return -1;
	}
	*v = g;
	g[(*n)++] = s;
	return 0;
}

static int whole_json(const char *text)
{
	cJSON *j = cJSON_ParseWithOpts(text, NULL, 1);
	cJSON_Delete(j);
	return j != NULL;
}

/* A whole integer (optional sign, digits) into *v. */
static int parse_int(const char *s, size_t n, long long *v)
{
	char buf[32];
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end = NULL;
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return errno || *end || end == buf ? -1 : 0;
}

/* Value TEXT (taken over) of an axis, as JSON TEXT: for -p a string's
 * text, anything else as it is. */
static int axis_push(struct sweep_axis *ax, char *json)
{
	cJSON *v = json ? cJSON_ParseWithOpts(json, NULL, 1) : NULL;
	char *text = cJSON_IsString(v) ? strdup(v->valuestring) : json ? strdup(json) : NULL;
	cJSON_Delete(v);
	int n = ax->n;
	if (!text || strv_push(&ax->json, &n, json) < 0) {
		free(text);
		return -1;
	}
	if (strv_push(&ax->values, &ax->n, text) < 0) {
		ax->n = n - 1; /* json[n-1] is freed with the axis */
		free(ax->json[n - 1]);
		return -1;
	}
	return 0;
}

/* The values of item ITEM (N bytes) of a list, appended to AX. */
static int item_values(struct sweep_axis *ax, const char *param, const char *item, size_t n,
		       struct rl_err *err)
{
	char *text = strndup(item, n);
	if (!text)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	if (!whole_json(text)) /* "a\,b": a comma in a value */
		for (char *p = text, *q = text;; p++) {
			if (p[0] == '\\' && p[1] == ',')
				p++;
			if (!(*q++ = *p))
				break;
		}
	const char *dots = strstr(text, "..");
	long long a, b;
	int rc = 0;
	if (dots && parse_int(text, (size_t)(dots - text), &a) == 0 &&
	    parse_int(dots + 2, strlen(dots + 2), &b) == 0) {
		if (a > b)
			rc = rl_err_set(err, RL_E_USAGE, "-p %s: the range %s goes down (write %lld..%lld)",
					param, text, b, a);
		/* b - a as unsigned: no overflow at the ends of long long */
		else if ((unsigned long long)b - (unsigned long long)a >= SWEEP_MAX_RUNS)
			rc = rl_err_set(err, RL_E_USAGE, "-p %s: the range %s has more than %d values",
					param, text, SWEEP_MAX_RUNS);
		/* a + k, never past b: v++ at LLONG_MAX wrapped round for good */
		long long count = rc ? -1 : (long long)((unsigned long long)b - (unsigned long long)a);
		for (long long k = 0; rc == 0 && k <= count; k++) {
			struct buf x = BUF_INIT;
			buf_printf(&x, "%lld", a + k);
			if (axis_push(ax, buf_steal(&x)) < 0)
				rc = rl_err_set(err, RL_E_NOMEM, NULL);
		}
	} else if (whole_json(text)) {
		if (axis_push(ax, text) < 0)
			rc = rl_err_set(err, RL_E_NOMEM, NULL);
		text = NULL;
	} else {
		cJSON *str = cJSON_CreateString(text);
		if (axis_push(ax, str ? json_print(str, 0) : NULL) < 0)
			rc = rl_err_set(err, RL_E_NOMEM, NULL);
		cJSON_Delete(str);
	}
	free(text);
	return rc;
}

/* Split VALUE at the commas outside quotes and brackets into AX's values. */
static int split_list(struct sweep_axis *ax, const char *param, const char *value,
		      struct rl_err *err)
{
	int depth = 0, quoted = 0;
	const char *start = value;
	for (const char *p = value;; p++) {
		if (*p == '\\' && p[1] && (quoted || p[1] == ',')) {
			p++;
			continue;
		}
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '[' || *p == '{'))
			depth++;
		else if (!quoted && (*p == ']' || *p == '}') && depth > 0)
			depth--;
		if (*p && (quoted || depth || *p != ','))
			continue;
		if (p == start)
			return rl_err_set(err, RL_E_USAGE, "-p %s: an empty value in the list '%s'",
					  param, value);
		if (item_values(ax, param, start, (size_t)(p - start), err) < 0)
			return -1;
		if (!*p)
			return 0;
		start = p + 1;
	}
}

void sweep_grid_free(struct sweep_grid **pg)
{
	struct sweep_grid *g = pg ? *pg : NULL;
	if (!g)
		return;
	for (int i = 0; i < g->naxes; i++) {
		free(g->axes[i].key);
		sweep_strv_free(g->axes[i].values, g->axes[i].n);
		sweep_strv_free(g->axes[i].json, g->axes[i].n);
	}
	free(g->axes);
	sweep_strv_free(g->fixed, g->nfixed);
	free(g);
	*pg = NULL;
}

/* KV ("KEY=VALUE") into G: an axis when VALUE is a list of more than one
 * value, else a fixed -p as given. */
static int grid_add(struct sweep_grid *g, const char *kv, struct rl_err *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return rl_err_set(err, RL_E_USAGE, "-p %s: expected KEY=VALUE", kv);
	const char *value = eq + 1;
	struct sweep_axis ax = { 0 };
	int rc = -1;
	if (!(ax.key = strndup(kv, (size_t)(eq - kv))))
		return rl_err_set(err, RL_E_NOMEM, NULL);
	/* a param with a list has no other list or value: two lists
	 * multiplied the grid (each run got the last), a value beside a list
	 * was dropped without a word */
	for (int i = 0; i < g->naxes; i++)
		if (!strcmp(g->axes[i].key, ax.key)) {
			rl_err_set(err, RL_E_USAGE,
				   "-p %s: %s has a list already (give its values in one list)",
				   kv, ax.key);
			goto cleanup;
		}
	if (!*value || whole_json(value) || (!strchr(value, ',') && !strstr(value, "..")))
		goto fixed;
	if (split_list(&ax, kv, value, err) < 0)
		goto cleanup;
	if (ax.n < 2)
		goto fixed;
	/* a list after a value (two values: the last wins, as -p does) */
	for (int i = 0; i < g->nfixed; i++) {
		size_t klen = strlen(ax.key);
		if (!strncmp(g->fixed[i], ax.key, klen) && g->fixed[i][klen] == '=') {
			rl_err_set(err, RL_E_USAGE, "-p %s: %s is given already (-p %s)", kv,
				   ax.key, g->fixed[i]);
			goto cleanup;
		}
	}
	struct sweep_axis *axes = realloc(g->axes, (size_t)(g->naxes + 1) * sizeof *axes);
	if (!axes) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	g->axes = axes;
	axes[g->naxes++] = ax;
	return 0;
fixed:
	if (ax.n == 1) { /* a one-value list ("1..1"): that value */
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s=%s", ax.key, ax.values[0]);
		rc = strv_push(&g->fixed, &g->nfixed, buf_steal(&b));
	} else {
		rc = strv_push(&g->fixed, &g->nfixed, strdup(kv));
	}
	if (rc < 0)
		rl_err_set(err, RL_E_NOMEM, NULL);
cleanup:
	free(ax.key);
	sweep_strv_free(ax.values, ax.n);
	sweep_strv_free(ax.json, ax.n);
	return rc;
}

int sweep_grid_parse(char *const *params, int n, struct sweep_grid **out, struct rl_err *err)
{
	struct sweep_grid *g = calloc(1, sizeof *g);
	*out = NULL;
	if (!g)
		return rl_err_set(err, RL_E_NOMEM, NULL);
	for (int i = 0; i < n; i++)
		if (grid_add(g, params[i], err) < 0) {
			sweep_grid_free(&g);
			return -1;
		}
	long long total = 1;
	for (int i = 0; i < g->naxes; i++) {
		total *= g->axes[i].n;
		if (total > SWEEP_MAX_RUNS) {
			sweep_grid_free(&g);
			return rl_err_set(err, RL_E_USAGE,
					  "-p: the grid has more than %d runs (%d params with lists)",
					  SWEEP_MAX_RUNS, i + 1);
		}
	}
	g->total = (int)total;
	*out = g;
	return 0;
}

/* The value index of each axis for run K (the first axis slowest). */
static int axis_index(const struct sweep_grid *g, int k, int axis)
{
	for (int i = g->naxes - 1; i > axis; i--)
		k /= g->axes[i].n;
	return k % g->axes[axis].n;
}

int sweep_grid_point(const struct sweep_grid *g, int k, char ***kv, int *n)
{
	*kv = NULL;
	*n = 0;
	for (int i = 0; i < g->nfixed; i++)
		if (strv_push(kv, n, strdup(g->fixed[i])) < 0)
			goto fail;
	for (int i = 0; i < g->naxes; i++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s=%s", g->axes[i].key, g->axes[i].values[axis_index(g, k, i)]);
		if (strv_push(kv, n, buf_steal(&b)) < 0)
			goto fail;
	}
	return 0;
fail:
	sweep_strv_free(*kv, *n);
	*kv = NULL;
	*n = 0;
	return -1;
}

char *sweep_grid_label(const struct sweep_grid *g, int k)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "");
	for (int i = 0; i < g->naxes; i++)
		buf_printf(&b, "%s%s=%s", i ? " " : "", g->axes[i].key,
			   g->axes[i].values[axis_index(g, k, i)]);
	return buf_steal(&b);
}

char *sweep_grid_axes_json(const struct sweep_grid *g)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{");
	for (int i = 0; i < g->naxes; i++) {
		cJSON *key = cJSON_CreateString(g->axes[i].key);
		char *k = key ? json_print(key, 0) : NULL;
		buf_printf(&b, "%s%s: [", i ? ", " : "", k ? k : "\"\"");
		for (int j = 0; j < g->axes[i].n; j++)
			buf_printf(&b, "%s%s", j ? ", " : "", g->axes[i].json[j]);
		buf_puts(&b, "]");
		free(k);
		cJSON_Delete(key);
	}
	buf_puts(&b, "}");
	return buf_steal(&b);
}

/* ------------------------------------------------------------------ */
/* Carrying it out                                                     */

static volatile sig_atomic_t sweep_interrupts;

static void on_signal(int sig)
{
	(void)sig;
	sweep_interrupts++;
}

struct sweep_state {
	const struct sweep_opts *o;
	struct store *s;
	struct sweep_result *res;
	cJSON *environment;
	int64_t start_mono;
	int started, interrupted;
};

static void emit(const struct sweep_state *w, struct sweep_event *ev)
{
	ev->sweep_id = w->res->sweep_id;
	ev->sweep_name = w->res->sweep_name;
	ev->total = w->res->total;
	if (w->o->on_event)
		w->o->on_event(w->o->ctx, ev);
}

/* The options of run K: its params, name and sweep (PARAMS owned by the
 * caller, freed with sweep_strv_free). */
static int run_opts(const struct sweep_state *w, int k, struct runner_opts *ro, char ***params,
		    int *np, char **name)
{
	*ro = *w->o->run;
	*name = NULL;
	if (sweep_grid_point(w->o->grid, k, params, np) < 0)
		return -1;
	ro->params = *params;
	ro->nparams = *np;
	ro->sweep_id = w->res->sweep_id;
	ro->environment = w->environment;
	ro->name = NULL;
	if (w->s) {
		struct buf b = BUF_INIT;
		int64_t other;
		buf_printf(&b, "%s-%d", w->res->sweep_name, k + 1);
		if (b.data && store_run_id_by_name(w->s, b.data, &other, NULL) < 0)
			*name = buf_steal(&b);
		buf_free(&b);
		ro->name = *name;
	}
	return 0;
}

/* Every run's params are checked before anything is recorded. */
static int check_points(const struct sweep_opts *o, char **pipeline, char **dir,
			char **stack, struct rl_err *err)
{
	for (int k = 0; k < o->grid->total; k++) {
		struct runner_opts ro = *o->run;
		struct spec *sp = NULL;
		char **kv = NULL;
		int n = 0;
		if (sweep_grid_point(o->grid, k, &kv, &n) < 0)
			return rl_err_set(err, RL_E_NOMEM, NULL);
		ro.params = kv;
		ro.nparams = n;
		int rc = runner_load_spec(&ro, &sp, err);
		if (rc == 0 && k == 0) {
			*pipeline = strdup(sp->name);
			*dir = sp->dir ? strdup(sp->dir) : NULL;
			*stack = strdup(runner_stack_of(&ro, sp));
		}
		spec_free(&sp);
		sweep_strv_free(kv, n);
		if (rc < 0)
			return -1;
	}
	return *pipeline && *stack ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
}

/* The sweep's name: the one asked for (which must be new), else
 * PIPELINE-sweep-TIME (-2, -3… when taken). */
static char *choose_name(struct store *s, const char *asked, const char *pipeline,
			 struct rl_err *err)
{
	struct store_sweep other = { 0 };
	if (asked) {
		if (store_sweep_get_by_name(s, asked, &other, NULL) == 0) {
			store_sweep_clear(&other);
			rl_err_set(err, RL_E_USAGE, "a sweep named '%s' already exists", asked);
			return NULL;
		}
		return strdup(asked);
	}
	char stamp[32];
	time_compact(time_now_ms(), stamp, sizeof stamp);
	for (int k = 1; k < 1000; k++) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s-sweep-%s", pipeline, stamp);
		if (k > 1)
			buf_printf(&b, "-%d", k);
		if (b.data && store_sweep_get_by_name(s, b.data, &other, NULL) < 0)
			return buf_steal(&b);
		store_sweep_clear(&other);
		buf_free(&b);
	}
	rl_err_set(err, RL_E_DB, "cannot choose a sweep name");
	return NULL;
}

static int record_sweep(struct sweep_state *w, const char *pipeline, struct rl_err *err)
{
	const struct sweep_opts *o = w->o;
	int64_t pipeline_id = 0;
	char *host = session_hostname(), *token = session_process_token(getpid());
	char *axes = sweep_grid_axes_json(o->grid);
	int rc = -1;
	if (store_begin(w->s, err) < 0)
		goto cleanup;
	if (store_pipeline_ensure(w->s, pipeline, NULL, &pipeline_id, err) < 0 ||
	    !(w->res->sweep_name = choose_name(w->s, o->name, pipeline, err))) {
		store_rollback(w->s);
		goto cleanup;
	}
	struct store_sweep_new nw = {
		.pipeline_id = pipeline_id, .name = w->res->sweep_name,
		.started_ms = time_now_ms(), .planned = o->grid->total,
		.parallel = o->parallel > 1 ? o->parallel : 1, .axes_json = axes,
		.runner_pid = (int)getpid(), .runner_host = host, .runner_token = token,
	};
	if (store_sweep_create(w->s, &nw, &w->res->sweep_id, err) < 0 ||
	    store_commit(w->s, err) < 0) {
		store_rollback(w->s);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(host);
	free(token);
	free(axes);
	return rc;
}

/* Count run K's outcome and tell the observer. */
static void run_done(struct sweep_state *w, int k, int64_t run_id, const char *run_name,
		     const char *status, const char *message, int64_t ms)
{
	struct sweep_result *res = w->res;
	char *label = sweep_grid_label(w->o->grid, k);
	if (!status)
		res->failed++;
	else if (!strcmp(status, "completed"))
		res->completed++;
	else if (!strcmp(status, "interrupted"))
		res->interrupted++;
	else
		res->failed++;
	struct sweep_event ev = {
		.kind = status ? SWEEP_EV_RUN_END : SWEEP_EV_RUN_FAIL, .index = k,
		.label = label, .run_id = run_id, .run_name = run_name, .status = status,
		.message = message, .duration_ms = ms,
		.done = res->completed + res->failed + res->interrupted,
	};
	emit(w, &ev);
	free(label);
}

/* One run after the other, in this process, on its store connection. */
static void run_serial(struct sweep_state *w)
{
	for (int k = 0; k < w->o->grid->total && !w->interrupted; k++) {
		struct runner_opts ro;
		struct runner_result rr = { 0 };
		struct rl_err e = RL_ERR_INIT;
		char **kv = NULL, *name = NULL;
		int n = 0;
		if (sweep_interrupts) {
			w->interrupted = 1;
			break;
		}
		if (run_opts(w, k, &ro, &kv, &n, &name) < 0) {
			run_done(w, k, 0, NULL, NULL, "out of memory", 0);
			continue;
		}
		ro.store = w->s;
		int64_t t0 = time_mono_ms();
		w->started++;
		if (runner_run(&ro, &rr, &e) < 0)
			run_done(w, k, 0, NULL, NULL, rl_err_msg(&e), time_mono_ms() - t0);
		else
			run_done(w, k, rr.run_id, rr.run_name, rr.status, NULL, rr.duration_ms);
		if (rr.status && !strcmp(rr.status, "interrupted"))
			w->interrupted = 1; /* Ctrl-C reached the run */
		runner_result_clear(&rr);
		rl_err_clear(&e);
		sweep_strv_free(kv, n);
		free(name);
	}
}

/* A run in a child process: it writes "ID\tSTATUS\tNAME" (or
 * "-\tMESSAGE") to FD and exits 0 when the run completed. */
struct child_run {
	struct runner_opts ro; /* made by the parent: its name is checked there */
};

static int child_main(void *ctx, int fd)
{
	struct child_run *c = ctx;
	struct runner_opts ro = c->ro;
	struct runner_result rr = { 0 };
	struct rl_err e = RL_ERR_INIT;
	ro.store = NULL; /* never the parent's connection */
	ro.observer = NULL;
	struct buf b = BUF_INIT;
	int rc = runner_run(&ro, &rr, &e);
	if (rc < 0)
		buf_printf(&b, "-\t%s\n", rl_err_msg(&e));
	else
		buf_printf(&b, "%lld\t%s\t%s\n", (long long)rr.run_id, rr.status, rr.run_name);
	for (size_t off = 0; b.data && off < b.len;) {
		ssize_t wr = write(fd, b.data + off, b.len - off);
		if (wr <= 0)
			break;
		off += (size_t)wr;
	}
	return rc < 0 ? 2 : strcmp(rr.status, "completed") ? 1 : 0;
}

struct slot {
	struct fork_child ch;
	int k;
	int64_t t0;
};

/* What child SL wrote, read once it ended. */
static void child_done(struct sweep_state *w, struct slot *sl, int status)
{
	struct buf b = BUF_INIT;
	char chunk[512];
	ssize_t r;
	while ((r = read(sl->ch.fd, chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)r);
	close(sl->ch.fd);
	char *line = b.data ? b.data : "";
	char *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	char *tab = strchr(line, '\t');
	int64_t ms = time_mono_ms() - sl->t0;
	if (tab && line[0] != '-') {
		*tab = '\0';
		char *st = tab + 1, *name = strchr(st, '\t');
		if (name)
			*name++ = '\0';
		run_done(w, sl->k, strtoll(line, NULL, 10), name, st, NULL, ms);
	} else {
		struct buf m = BUF_INIT;
		if (tab)
			buf_puts(&m, tab + 1);
		else
			buf_printf(&m, "the run's process ended with status %d", status);
		run_done(w, sl->k, 0, NULL, NULL, m.data, ms);
		buf_free(&m);
	}
	buf_free(&b);
}

/* Up to o->parallel runs at once, each in a child process. */
static void run_parallel(struct sweep_state *w)
{
	int cap = w->o->parallel, nrun = 0, next = 0, forwarded = 0;
	struct slot *slots = calloc((size_t)cap, sizeof *slots);
	if (!slots)
		return;
	fflush(NULL);
	for (;;) {
		while (!w->interrupted && nrun < cap && next < w->o->grid->total) {
			struct child_run c;
			struct slot *sl = &slots[nrun];
			struct rl_err e = RL_ERR_INIT;
			char **kv = NULL, *name = NULL;
			int n = 0, forked = -1;
			sl->k = next++;
			sl->t0 = time_mono_ms();
			if (run_opts(w, sl->k, &c.ro, &kv, &n, &name) < 0)
				rl_err_set(&e, RL_E_NOMEM, NULL);
			else
				forked = fork_call(child_main, &c, &sl->ch, &e);
			sweep_strv_free(kv, n);
			free(name);
			if (forked < 0) {
				run_done(w, sl->k, 0, NULL, NULL, rl_err_msg(&e), 0);
				rl_err_clear(&e);
				continue;
			}
			w->started++;
			nrun++;
		}
		if (nrun == 0)
			break;
		pid_t pid;
		int status;
		if (fork_wait_any(&pid, &status) < 0) {
			if (errno != EINTR)
				break;
			for (; forwarded < sweep_interrupts; forwarded++) /* pass each on */
				for (int i = 0; i < nrun; i++)
					kill(slots[i].ch.pid, SIGINT);
			w->interrupted = sweep_interrupts > 0;
			continue;
		}
		for (int i = 0; i < nrun; i++)
			if (slots[i].ch.pid == pid) {
				child_done(w, &slots[i], status);
				slots[i] = slots[--nrun];
				break;
			}
	}
	free(slots);
}

static void signals(int install, struct sigaction *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], install ? &sa : &old[i], install ? &old[i] : NULL);
}

int sweep_run(const struct sweep_opts *o, struct sweep_result *res, struct rl_err *err)
{
	struct sweep_state w = { .o = o, .res = res };
	struct sigaction old[3];
	char *pipeline = NULL, *dir = NULL, *stack = NULL;
	int rc = -1;
	memset(res, 0, sizeof *res);
	res->total = o->grid->total;
	if (check_points(o, &pipeline, &dir, &stack, err) < 0 ||
	    session_open(o->run->store_flag, SESSION_CREATE, &w.s, err) < 0 ||
	    runner_check_stack(w.s, stack, err) < 0 || record_sweep(&w, pipeline, err) < 0)
		goto cleanup;
	w.environment = context_environment(dir);
	w.start_mono = time_mono_ms();
	struct sweep_event ev = { .kind = SWEEP_EV_START };
	emit(&w, &ev);
	sweep_interrupts = 0;
	signals(1, old);
	if (o->parallel > 1)
		run_parallel(&w);
	else
		run_serial(&w);
	signals(0, old);
	w.interrupted |= sweep_interrupts > 0;
	res->not_started = res->total - w.started;
	res->status = strdup(w.interrupted ? "interrupted"
			     : res->completed == res->total ? "completed" : "failed");
	res->duration_ms = time_mono_ms() - w.start_mono;
	if (!res->status) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (store_sweep_finish(w.s, res->sweep_id, res->status, time_now_ms(), err) < 0)
		goto cleanup;
	struct sweep_event end = { .kind = SWEEP_EV_END, .status = res->status,
				   .done = res->completed + res->failed + res->interrupted };
	emit(&w, &end);
	rc = 0;
cleanup:
	cJSON_Delete(w.environment);
	store_close(&w.s);
	free(pipeline);
	free(stack);
	free(dir);
	return rc;
}

void sweep_result_clear(struct sweep_result *res)
{
	if (!res)
		return;
	free(res->sweep_name);
	free(res->status);
	memset(res, 0, sizeof *res);
}

/* ------------------------------------------------------------------ */
/* Looking at sweeps                                                   */

int sweep_resolve(struct store *s, const char *ref, int64_t *id, struct rl_err *err)
{
	struct store_sweep w = { 0 };
	if (!ref || !*ref)
		return rl_err_set(err, RL_E_USAGE, "expected a sweep (its id or name)");
	if (!strcmp(ref, "last")) {
		struct store_sweep *rows = NULL;
		int n = 0;
		if (store_sweeps_page(s, 0, NULL, 1, &rows, &n, err) < 0)
			return -1;
		*id = n ? rows[0].id : 0;
		store_sweeps_free(rows, n);
		return n ? 0 : rl_err_set(err, RL_E_NOT_FOUND, "no sweeps yet");
	}
	size_t digits = strspn(ref, "0123456789");
	if (digits == strlen(ref) && digits < 19 && store_sweep_get(s, atoll(ref), &w, NULL) == 0) {
		*id = w.id;
		store_sweep_clear(&w);
		return 0;
	}
	if (store_sweep_get_by_name(s, ref, &w, err) < 0) {
		if (err && err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "no sweep '%s' (see 'runlens sweeps')", ref);
		return -1;
	}
	*id = w.id;
	store_sweep_clear(&w);
	return 0;
}

int sweep_settle(struct store *s, struct rl_err *err)
{
	struct store_sweep *rows = NULL;
	int n = 0, rc = 0;
	if (store_sweeps_running(s, &rows, &n, err) < 0)
		return -1;
	char *host = n ? session_hostname() : NULL;
	for (int i = 0; i < n && rc == 0; i++) {
		const struct store_sweep *w = &rows[i];
		if (!host || !w->runner_host || strcmp(host, w->runner_host) || w->running)
			continue; /* another machine's, or runs still going */
		char *token = w->runner_pid > 0 ? session_process_token(w->runner_pid) : NULL;
		int alive = token && w->runner_token && !strcmp(token, w->runner_token);
		free(token);
		if (!alive)
			rc = store_sweep_finish(s, w->id, "interrupted", time_now_ms(), err);
	}
	free(host);
	store_sweeps_free(rows, n);
	return rc;
}
