/* cli/cmd_outputs.c — what a run recorded, for reading and scripts:
 * `runlens spec RUN [--diff [FILE|OTHER]]` (its pipeline file), `cat`
 * and `path` (an output, core/outputs.h) and `diff RUN OTHER
 * STEP.OUTPUT` (two runs' artifacts through diff, core/exec/launch.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/exec/launch.h"
#include "core/outputs.h"
#include "core/session.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fs.h"

#define CHUNK 65536

/* Options of the four: --diff, --exit-code; then exactly NARGS
 * arguments, or NARGS - 1 when the last is optional (OPTIONAL). */
static int parse(struct cli *c, int argc, char **argv, int nargs, int optional, int *diff,
		 int *exit_code, struct rl_err *err)
{
	int ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch == OPT_DIFF && diff)
			*diff = 1;
		else if (ch == OPT_EXIT_CODE && exit_code)
			*exit_code = 1;
		else
			return -1;
	}
	int n = argc - optind;
	if (n < nargs - optional)
		return rl_err_set(err, RL_E_USAGE, "%s: missing arguments (see runlens %s --help)",
				  c->cmd, c->cmd);
	if (n > nargs)
		return rl_err_set(err, RL_E_USAGE, "%s: unexpected argument '%s'", c->cmd,
				  argv[optind + nargs]);
	return n;
}

/* ---------------------------------------------------------------- spec */

/* TEXT into a file named NAME in the temporary folder DIR: its path. */
static char *temp_file(const char *dir, const char *name, const char *text, struct rl_err *err)
{
	char *path = fs_join(dir, name);
	if (!path) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		return NULL;
	}
	if (fs_write_file(path, text, strlen(text), 0600, err) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* The pipeline file OTHER names: an existing file as it is, else run
 * OTHER's recorded one (written into DIR); *label says which. */
static char *other_side(struct store *s, const char *other, const char *dir, char **label,
			struct rl_err *err)
{
	struct stat st;
	if (stat(other, &st) == 0 && S_ISREG(st.st_mode)) {
		*label = strdup(other);
		return strdup(other);
	}
	int64_t id;
	struct store_run r = { 0 };
	char *path = NULL;
	if (session_resolve_run(s, other, &id, err) < 0) {
		if (err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "spec: '%s' is neither a file nor a run", other);
		return NULL;
	}
	if (store_run_get(s, id, &r, err) == 0) {
		struct buf l = BUF_INIT;
		buf_printf(&l, "run %lld (%s)", (long long)id, r.name);
		*label = buf_steal(&l);
		char name[48];
		snprintf(name, sizeof name, "run-%lld.json", (long long)id);
		path = temp_file(dir, name, r.spec_json ? r.spec_json : "", err);
	}
	store_run_clear(&r);
	return path;
}

static int spec_diff(struct store *s, const struct store_run *r, const char *other,
		     struct rl_err *err)
{
	char tmpl[] = "/tmp/runlens-spec-XXXXXX";
	const char *tmp = getenv("TMPDIR");
	struct buf t = BUF_INIT;
	buf_printf(&t, "%s/runlens-spec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *dir = t.data ? mkdtemp(t.data) : mkdtemp(tmpl);
	if (!dir) {
		buf_free(&t);
		return rl_err_set(err, RL_E_IO, "spec: cannot make a temporary folder: %s",
				  strerror(errno));
	}
	char name[48], *mine = NULL, *theirs = NULL, *their_label = NULL;
	snprintf(name, sizeof name, "run-%lld.json", (long long)r->id);
	struct buf label = BUF_INIT;
	buf_printf(&label, "run %lld (%s)", (long long)r->id, r->name);
	int rc = -1, status = 0;
	if (!other && (!r->spec_path || access(r->spec_path, R_OK) != 0)) {
		rl_err_set(err, RL_E_NOT_FOUND,
			   "spec: the pipeline file of run %lld (%s) is gone; give a FILE or a "
			   "run to compare with",
			   (long long)r->id, r->spec_path ? r->spec_path : "not recorded");
		goto done;
	}
	if (!(mine = temp_file(dir, name, r->spec_json ? r->spec_json : "", err)))
		goto done;
	if (other)
		theirs = other_side(s, other, dir, &their_label, err);
	else if ((theirs = strdup(r->spec_path)))
		their_label = strdup(r->spec_path);
	if (!theirs)
		goto done;
	fflush(stdout);
	if (launch_diff(mine, label.data, theirs, their_label, 0, &status, err) == 0)
		rc = status > 1 ? rl_err_set(err, RL_E_FAIL, "spec: diff failed (exit %d)", status)
				: 0;
done:
	if (mine)
		unlink(mine);
	if (theirs && other && strncmp(theirs, dir, strlen(dir)) == 0)
		unlink(theirs);
	rmdir(dir);
	free(mine);
	free(theirs);
	free(their_label);
	buf_free(&label);
	buf_free(&t);
	return rc;
}

int cmd_spec(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int diff = 0, rc = -1;
	int n = parse(c, argc, argv, 2, 1, &diff, NULL, err);
	if (n < 0)
		return -1;
	if (n == 2 && !diff)
		return rl_err_set(err, RL_E_USAGE, "spec: '%s' is for --diff (runlens spec RUN "
				  "--diff [FILE|OTHER])", argv[optind + 1]);
	struct store *s = NULL;
	struct store_run r = { 0 };
	int64_t id;
	if (cli_open_run(c, argv[optind], &s, &id, &r, err) < 0)
		goto done;
	if (diff) {
		rc = spec_diff(s, &r, n == 2 ? argv[optind + 1] : NULL, err);
	} else {
		const char *text = r.spec_json ? r.spec_json : "";
		size_t len = strlen(text);
		if (isatty(STDOUT_FILENO))
			out_terminal_safe(stdout, text, len, 0);
		else
			fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n')
			putchar('\n');
		rc = 0;
	}
done:
	store_run_clear(&r);
	store_close(&s);
	return rc;
}

/* ------------------------------------------------------ cat, path, diff */

/* The output REF of the run RUN_REF, store opened into *s. */
static int open_output(struct cli *c, const char *run_ref, const char *ref, struct store **s,
		       int64_t *run_id, struct output_ref *o, struct rl_err *err)
{
	if (cli_open_run(c, run_ref, s, run_id, NULL, err) < 0 ||
	    output_ref_resolve(*s, *run_id, ref, o, err) < 0) {
		if (err->code == RL_E_USAGE || err->code == RL_E_NOT_FOUND) {
			char *m = strdup(rl_err_msg(err));
			rl_err_set(err, err->code, "%s: %s", c->cmd, m ? m : "");
			free(m);
		}
		return -1;
	}
	return 0;
}

static int copy_out(const char *path, struct rl_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rl_err_set(err, RL_E_IO, "cat: cannot read %s: %s", path, strerror(errno));
	char *chunk = malloc(CHUNK);
	int safe = isatty(STDOUT_FILENO), rc = chunk ? 0 : rl_err_set(err, RL_E_NOMEM, NULL);
	for (ssize_t r; rc == 0 && (r = read(fd, chunk, CHUNK)) != 0;) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = rl_err_set(err, RL_E_IO, "cat: cannot read %s: %s", path,
					strerror(errno));
		else if (safe)
			out_terminal_safe(stdout, chunk, (size_t)r, 0);
		else
			fwrite(chunk, 1, (size_t)r, stdout);
	}
	free(chunk);
	close(fd);
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		rc = rl_err_set(err, RL_E_IO, "cat: cannot write: %s", strerror(errno));
	return rc;
}

/* cat and path: RUN STEP.OUTPUT[/PATH], then USE on what it names. */
static int on_output(struct cli *c, int argc, char **argv,
		     int (*use)(const struct output_ref *o, char **argv, struct rl_err *err),
		     struct rl_err *err)
{
	struct store *s = NULL;
	struct output_ref o = { 0 };
	int64_t run_id;
	int rc = -1;
	if (parse(c, argc, argv, 2, 0, NULL, NULL, err) == 2 &&
	    open_output(c, argv[optind], argv[optind + 1], &s, &run_id, &o, err) == 0) {
		store_close(&s); /* nothing of the store is held while copying */
		rc = use(&o, argv + optind, err);
	}
	output_ref_clear(&o);
	store_close(&s);
	return rc;
}

static int cat_output(const struct output_ref *o, char **args, struct rl_err *err)
{
	if (o->is_dir)
		return rl_err_set(err, RL_E_USAGE,
				  "cat: %s is a folder: name a file in it (runlens cat %s %s/FILE), "
				  "or see runlens path %s %s",
				  args[1], args[0], args[1], args[0], args[1]);
	return copy_out(o->path, err);
}

static int print_path(const struct output_ref *o, char **args, struct rl_err *err)
{
	(void)args;
	(void)err;
	out_line(stdout, o->path);
	return 0;
}

int cmd_cat(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	return on_output(c, argc, argv, cat_output, err);
}

int cmd_path(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	return on_output(c, argc, argv, print_path, err);
}

int cmd_diff(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	struct store *s = NULL;
	struct output_ref a = { 0 }, b = { 0 };
	int64_t ra, rb;
	int exit_code = 0, rc = -1, status = 0;
	if (parse(c, argc, argv, 3, 0, NULL, &exit_code, err) < 0 ||
	    open_output(c, argv[optind], argv[optind + 2], &s, &ra, &a, err) < 0)
		goto done;
	store_close(&s);
	if (open_output(c, argv[optind + 1], argv[optind + 2], &s, &rb, &b, err) < 0)
		goto done;
	store_close(&s); /* no store held while the diff program runs */
	if (a.is_dir != b.is_dir) {
		rl_err_set(err, RL_E_USAGE, "diff: %s is a %s in run %lld and a %s in run %lld",
			   argv[optind + 2], a.is_dir ? "folder" : "file", (long long)ra,
			   b.is_dir ? "folder" : "file", (long long)rb);
		goto done;
	}
	/* files: "run 12: train.model" in the header; folders: their files
	 * as "run-12/sub/a.txt" */
	struct buf la = BUF_INIT, lb = BUF_INIT;
	buf_printf(&la, a.is_dir ? "run-%lld" : "run %lld: %s", (long long)ra, argv[optind + 2]);
	buf_printf(&lb, a.is_dir ? "run-%lld" : "run %lld: %s", (long long)rb, argv[optind + 2]);
	fflush(stdout);
	if (launch_diff(a.path, la.data, b.path, lb.data, a.is_dir, &status, err) == 0) {
		if (status > 1)
			rl_err_set(err, RL_E_FAIL, "diff: the diff program failed (exit %d)", status);
		else
			rc = exit_code && status == 1 ? 1 : 0;
	}
	buf_free(&la);
	buf_free(&lb);
done:
	output_ref_clear(&a);
	output_ref_clear(&b);
	store_close(&s);
	return rc;
}
