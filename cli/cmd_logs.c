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

int cmd_logs(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int attempt = 0, want_out = 1, want_err = 1, follow = 0, json = 0;
	int rc = -1, ch;
	struct store *s = NULL;
	struct store_step_run st = { 0 };
	struct store_attempt *atts = NULL;
	int natts = 0;
	struct stream so = { .to = stdout, .fd = -1 }, se = { .to = stderr, .fd = -1 };
	char *out_path = NULL, *err_path = NULL;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		switch (ch) {
		case 'a':
			if (cli_int(c, "--attempt", optarg, 0, &attempt, err) < 0)
				goto cleanup;
			break;
		case OPT_STDOUT:
			want_err = 0;
			break;
		case OPT_STDERR:
			want_out = 0;
			break;
		case 'f':
			follow = 1;
			break;
		case OPT_JSON:
			json = 1;
			break;
		default:
			goto cleanup;
		}
	}
	if (argc - optind != 2) {
		rl_err_set(err, RL_E_USAGE, argc - optind < 2
				   ? "logs: missing RUN and STEP (usage: runlens logs RUN STEP)"
				   : "logs: unexpected argument '%s'",
			   argc - optind < 2 ? "" : argv[optind + 2]);
		goto cleanup;
	}
	int64_t run_id;
	if (session_open(c->store_flag, 0, &s, err) < 0 ||
	    session_resolve_run(s, argv[optind], &run_id, err) < 0)
		goto cleanup;
	if (store_step_run_get(s, run_id, argv[optind + 1], &st, err) < 0) {
		if (err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no step '%s'",
				   (long long)run_id, argv[optind + 1]);
		goto cleanup;
	}
	if (store_attempts_of(s, st.id, &atts, &natts, err) < 0)
		goto cleanup;
	if (natts == 0 && st.cached_from) {
		/* a cached step ran elsewhere: show the logs of that step run */
		struct store_step_run src = { 0 };
		if (store_step_run_get_by_id(s, st.cached_from, &src, NULL) == 0)
			fprintf(stderr, "runlens: step '%s' was cached: logs of run %lld\n",
				st.name, (long long)src.run_id);
		store_step_run_clear(&src);
		if (store_attempts_of(s, st.cached_from, &atts, &natts, err) < 0)
			goto cleanup;
	}
	if (natts == 0) {
		rl_err_set(err, RL_E_NOT_FOUND,
			   "step '%s' of run %lld has no attempts (it is %s%s%s)",
			   st.name, (long long)run_id, st.status,
			   st.error ? ": " : "", st.error ? st.error : "");
		goto cleanup;
	}
	int idx = natts - 1;
	if (attempt) {
		idx = -1;
		for (int i = 0; i < natts; i++)
			if (atts[i].number == attempt)
				idx = i;
		if (idx < 0) {
			rl_err_set(err, RL_E_NOT_FOUND,
				   "step '%s' of run %lld has no attempt %d (it has %d)",
				   st.name, (long long)run_id, attempt, natts);
			goto cleanup;
		}
	}
	out_path = strdup(atts[idx].stdout_path ? atts[idx].stdout_path : "");
	err_path = strdup(atts[idx].stderr_path ? atts[idx].stderr_path : "");
	if (json) {
		cJSON *doc = cJSON_CreateObject();
		cJSON_AddNumberToObject(doc, "run_id", (double)run_id);
		cJSON_AddStringToObject(doc, "step", st.name);
		cJSON_AddNumberToObject(doc, "attempt", atts[idx].number);
		if (want_out)
			cJSON_AddItemToObject(doc, "stdout", file_json(out_path));
		if (want_err)
			cJSON_AddItemToObject(doc, "stderr", file_json(err_path));
		out_json(c->out, doc);
		cJSON_Delete(doc);
		rc = 0;
		goto cleanup;
	}
	so.path = out_path;
	se.path = err_path;
	so.safe = isatty(STDOUT_FILENO);
	se.safe = isatty(STDERR_FILENO);
	int current = atts[idx].number;
	for (;;) {
		ssize_t n = 0;
		if (want_out)
			n += pump(&so);
		if (want_err)
			n += pump(&se);
		if (!follow)
			break;
		/* is the step still going, or did a new attempt start? */
		struct store_step_run now = { 0 };
		if (session_reap_dead_runs(s, NULL, err) < 0 ||
		    store_step_run_get(s, run_id, st.name, &now, err) < 0)
			goto cleanup;
		int active = step_active(now.status);
		int attempts = now.attempts;
		store_step_run_clear(&now);
		if (!attempt && attempts > current) {
			store_attempts_free(atts, natts);
			atts = NULL;
			if (store_attempts_of(s, st.id, &atts, &natts, err) < 0)
				goto cleanup;
			if (natts) {
				if (want_out)
					pump(&so);
				if (want_err)
					pump(&se);
				stream_close(&so);
				stream_close(&se);
				free(out_path);
				free(err_path);
				out_path = strdup(atts[natts - 1].stdout_path);
				err_path = strdup(atts[natts - 1].stderr_path);
				so.path = out_path;
				se.path = err_path;
				current = atts[natts - 1].number;
				fprintf(stderr, "runlens: attempt %d\n", current);
				continue;
			}
		}
		if (!active && n == 0) {
			/* one last read for what was written just before the end */
			if (want_out)
				pump(&so);
			if (want_err)
				pump(&se);
			break;
		}
		if (n == 0)
			poll(NULL, 0, 200);
	}
	rc = 0;
cleanup:
	stream_close(&so);
	stream_close(&se);
	free(out_path);
	free(err_path);
	store_attempts_free(atts, natts);
	store_step_run_clear(&st);
	store_close(&s);
	return rc;
}
