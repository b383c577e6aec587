/* cli/cmd_logs.c — `runlens logs RUN STEP`: captured output.
 *
 * Captured stdout goes to stdout and captured stderr to stderr, so the
 * streams stay apart in scripts.  Files are copied in chunks, never loaded
 * whole (except for --json).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/session.h"
#include "store/store.h"
#include "util/fs.h"

#define CHUNK 65536

struct stream {
	const char *path;
	FILE *to;
	int fd;
	off_t off;
	int safe; /* escape control characters (a terminal) */
};

/* Copy what was added to the stream since last time.  Returns bytes
 * copied, or -1. */
static ssize_t pump(struct stream *st)
{
	if (st->fd < 0) {
		st->fd = open(st->path, O_RDONLY | O_CLOEXEC);
		if (st->fd < 0)
			return errno == ENOENT ? 0 : -1;
	}
	char *chunk = malloc(CHUNK);
	if (!chunk)
		return -1;
	ssize_t total = 0;
	for (;;) {
		ssize_t r = pread(st->fd, chunk, CHUNK, st->off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (st->safe)
			out_terminal_safe(st->to, chunk, (size_t)r, 0);
		else
			fwrite(chunk, 1, (size_t)r, st->to);
		st->off += r;
		total += r;
	}
	fflush(st->to);
	free(chunk);
	return total;
}

static void stream_close(struct stream *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	st->off = 0;
}

static int step_active(const char *status)
{
	return !strcmp(status, "pending") || !strcmp(status, "running") ||
	       !strcmp(status, "retrying");
}

static cJSON *file_json(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	if (fs_read_file(path, &data, &len, NULL) < 0)
		return cJSON_CreateString("");
	char *clean = out_utf8_clean(data, len);
	free(data);
	cJSON *s = cJSON_CreateString(clean ? clean : "");
	free(clean);
	return s;
}

struct logs {
	int attempt; /* --attempt N; 0: the last, following new ones */
	int want_out, want_err, follow, json;
	int64_t run_id;
	struct store_step_run st;
	struct store_attempt *atts; /* of st, or of the step run it was cached from */
	int natts;
	struct stream so, se;
	char *out_path, *err_path;
};

static int parse_logs(struct cli *c, int argc, char **argv, struct logs *l,
		      struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		switch (ch) {
		case 'a':
			if (cli_int(c, "--attempt", optarg, 0, &l->attempt, err) < 0)
				return -1;
			break;
		case OPT_STDOUT:
			l->want_err = 0;
			break;
		case OPT_STDERR:
			l->want_out = 0;
			break;
		case 'f':
			l->follow = 1;
			break;
		case OPT_JSON:
			l->json = 1;
			break;
		default:
			return -1;
		}
	}
	if (argc - optind != 2)
		return rl_err_set(err, RL_E_USAGE, argc - optind < 2
				  ? "logs: missing RUN and STEP (usage: runlens logs RUN STEP)"
				  : "logs: unexpected argument '%s'",
				  argc - optind < 2 ? "" : argv[optind + 2]);
	return 0;
}

/* The attempts of the step run; of the step run it reused when cached. */
static int load_attempts(struct store *s, struct logs *l, struct rl_err *err)
{
	if (store_attempts_of(s, l->st.id, &l->atts, &l->natts, err) < 0)
		return -1;
	if (l->natts == 0 && l->st.cached_from) {
		/* a cached step ran elsewhere: show the logs of that step run */
		struct store_step_run src = { 0 };
		if (store_step_run_get_by_id(s, l->st.cached_from, &src, NULL) == 0)
			out_linef(stderr, "runlens: step '%s' was cached: logs of run %lld",
				  l->st.name, (long long)src.run_id);
		store_step_run_clear(&src);
		if (store_attempts_of(s, l->st.cached_from, &l->atts, &l->natts, err) < 0)
			return -1;
	}
	if (l->natts == 0 && !l->st.cached_from && strcmp(l->st.status, "cached") == 0)
		/* cached_from went with the run it named (runlens rm said so) */
		return rl_err_set(err, RL_E_NOT_FOUND,
				  "step '%s' of run %lld was cached from a run deleted since: its "
				  "logs went with that run (its outputs stay)",
				  l->st.name, (long long)l->run_id);
	if (l->natts == 0)
		return rl_err_set(err, RL_E_NOT_FOUND,
				  "step '%s' of run %lld has no attempts (it is %s%s%s)",
				  l->st.name, (long long)l->run_id, l->st.status,
				  l->st.error ? ": " : "", l->st.error ? l->st.error : "");
	return 0;
}

/* The attempt asked for (the last by default), or -1 with *err. */
static const struct store_attempt *chosen_attempt(const struct logs *l, struct rl_err *err)
{
	if (!l->attempt)
		return &l->atts[l->natts - 1];
	for (int i = 0; i < l->natts; i++)
		if (l->atts[i].number == l->attempt)
			return &l->atts[i];
	rl_err_set(err, RL_E_NOT_FOUND, "step '%s' of run %lld has no attempt %d (it has %d)",
		   l->st.name, (long long)l->run_id, l->attempt, l->natts);
	return NULL;
}

/* Read from attempt A's files from now on. */
static void use_attempt(struct logs *l, const struct store_attempt *a)
{
	stream_close(&l->so);
	stream_close(&l->se);
	free(l->out_path);
	free(l->err_path);
	l->out_path = strdup(a->stdout_path ? a->stdout_path : "");
	l->err_path = strdup(a->stderr_path ? a->stderr_path : "");
	l->so.path = l->out_path;
	l->se.path = l->err_path;
}

static void logs_json(struct cli *c, const struct logs *l, const struct store_attempt *a)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddNumberToObject(doc, "run_id", (double)l->run_id);
	cJSON_AddStringToObject(doc, "step", l->st.name);
	cJSON_AddNumberToObject(doc, "attempt", a->number);
	if (l->want_out)
		cJSON_AddItemToObject(doc, "stdout", file_json(l->out_path));
	if (l->want_err)
		cJSON_AddItemToObject(doc, "stderr", file_json(l->err_path));
	out_json(c->out, doc);
	cJSON_Delete(doc);
}

static ssize_t pump_both(struct logs *l)
{
	ssize_t n = 0;
	if (l->want_out)
		n += pump(&l->so);
	if (l->want_err)
		n += pump(&l->se);
	return n;
}

/* Did a newer attempt than CURRENT start?  Then finish this one and
 * switch to it (1). */
static int newer_attempt(struct store *s, struct logs *l, int attempts, int *current,
			 struct rl_err *err)
{
	if (l->attempt || attempts <= *current)
		return 0;
	store_attempts_free(l->atts, l->natts);
	l->atts = NULL;
	if (store_attempts_of(s, l->st.id, &l->atts, &l->natts, err) < 0)
		return -1;
	if (!l->natts)
		return 0;
	pump_both(l);
	use_attempt(l, &l->atts[l->natts - 1]);
	*current = l->atts[l->natts - 1].number;
	fprintf(stderr, "runlens: attempt %d\n", *current);
	return 1;
}

/* Copy what the attempt wrote; with --follow, until the step ends. */
static int copy_logs(struct store *s, struct logs *l, int current, struct rl_err *err)
{
	for (;;) {
		ssize_t n = pump_both(l);
		if (!l->follow)
			return 0;
		/* is the step still going, or did a new attempt start? */
		struct store_step_run now = { 0 };
		if (session_reap_dead_runs(s, NULL, err) < 0 ||
		    store_step_run_get(s, l->run_id, l->st.name, &now, err) < 0)
			return -1;
		int active = step_active(now.status);
		int attempts = now.attempts;
		store_step_run_clear(&now);
		int newer = newer_attempt(s, l, attempts, &current, err);
		if (newer < 0)
			return -1;
		if (newer)
			continue;
		if (!active && n == 0) {
			/* one last read for what was written just before the end */
			pump_both(l);
			return 0;
		}
		if (n == 0)
			poll(NULL, 0, 200);
	}
}

int cmd_logs(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct logs l = { .want_out = 1, .want_err = 1,
			  .so = { .to = stdout, .fd = -1 }, .se = { .to = stderr, .fd = -1 } };
	struct store *s = NULL;
	const struct store_attempt *a;
	int rc = -1;
	if (parse_logs(c, argc, argv, &l, err) < 0 ||
	    cli_open_step(c, argv[optind], argv[optind + 1], &s, &l.run_id, &l.st, err) < 0 ||
	    load_attempts(s, &l, err) < 0 || !(a = chosen_attempt(&l, err)))
		goto cleanup;
	use_attempt(&l, a);
	if (l.json) {
		logs_json(c, &l, a);
		rc = 0;
		goto cleanup;
	}
	l.so.safe = isatty(STDOUT_FILENO);
	l.se.safe = isatty(STDERR_FILENO);
	/* an ended attempt's log that is not there is said, not shown as
	 * nothing (a folder cleaned by hand, a store copied without it) */
	for (int k = 0; a->ended_ms && k < 2; k++) {
		const char *p = k ? l.err_path : l.out_path;
		if ((k ? l.want_err : l.want_out) && p && *p && !fs_exists(p))
			out_linef(stderr, "runlens: warning: the %s log of attempt %d is not at %s "
				  "(removed, or never written)", k ? "stderr" : "stdout", a->number, p);
	}
	rc = copy_logs(s, &l, a->number, err);
cleanup:
	stream_close(&l.so);
	stream_close(&l.se);
	free(l.out_path);
	free(l.err_path);
	store_attempts_free(l.atts, l.natts);
	store_step_run_clear(&l.st);
	store_close(&s);
	return rc;
}
