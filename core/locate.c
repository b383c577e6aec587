/* core/locate.c — where runlens' own pieces are (core/locate.h). */
#include "config.h"
#include "core/locate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/exec/launch.h"
#include "util/buf.h"
#include "util/fs.h"

static int has_module(const char *dir)
{
	char *init = fs_join(dir, "runlens/__init__.py");
	int ok = init && fs_exists(init);
	free(init);
	return ok;
}

/* Try DIR: 1 and *found when it has the module, else note it in LOOKED. */
static int try_dir(const char *dir, struct buf *looked, char **found)
{
	if (!dir || !*dir)
		return 0;
	if (has_module(dir)) {
		*found = strdup(dir);
		return 1;
	}
	buf_printf(looked, "%s%s", looked->len ? ", " : "", dir);
	return 0;
}

char *locate_python_dir(char **looked_out)
{
	struct buf looked = BUF_INIT;
	char *found = NULL;
	char *exe_dir = fs_dirname(launch_self());
	char *prefix = exe_dir ? fs_dirname(exe_dir) : NULL;
	char *share = prefix ? fs_join(prefix, "share/runlens/python") : NULL;
	char *build = realpath(RUNLENS_BUILDDIR, NULL);
	int from_build = exe_dir && build && strcmp(exe_dir, build) == 0;
	free(build);
	if (!try_dir(getenv("RUNLENS_PYTHON_DIR"), &looked, &found) &&
	    !(from_build && try_dir(RUNLENS_SRCDIR "/python", &looked, &found)) &&
	    !try_dir(share, &looked, &found))
		try_dir(RUNLENS_PYTHONDIR, &looked, &found);
	free(exe_dir);
	free(prefix);
	free(share);
	if (looked_out)
		*looked_out = looked.data ? buf_steal(&looked) : strdup("");
	buf_free(&looked);
	return found;
}

char *locate_bin_dir(const char *store_dir, struct rl_err *err)
{
	char *bin = fs_join(store_dir, "bin");
	char *link = bin ? fs_join(bin, "runlens") : NULL;
	char *tmp = link ? fs_join(bin, ".runlens.new") : NULL;
	const char *self = launch_self();
	char cur[4096];
	if (!tmp) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto fail;
	}
	if (fs_mkdirs(bin, err) < 0)
		goto fail;
	ssize_t n = readlink(link, cur, sizeof cur - 1);
	if (n > 0 && (size_t)n < sizeof cur - 1) {
		cur[n] = '\0';
		if (strcmp(cur, self) == 0)
			goto done; /* already this runlens */
	}
	/* another runner may do the same at once: link aside, then rename */
	char tmpname[64];
	snprintf(tmpname, sizeof tmpname, ".runlens.%ld", (long)getpid());
	free(tmp);
	tmp = fs_join(bin, tmpname);
	unlink(tmp);
	if (!tmp || symlink(self, tmp) < 0 || rename(tmp, link) < 0) {
		rl_err_set(err, RL_E_IO, "cannot link %s: %s", link, strerror(errno));
		if (tmp)
			unlink(tmp);
		goto fail;
	}
done:
	free(link);
	free(tmp);
	return bin;
fail:
	free(link);
	free(tmp);
	free(bin);
	return NULL;
}

char *locate_missing_python(const char *store_dir, const char *looked)
{
	char *dir = fs_join(store_dir, "python-missing");
	char *pkg = dir ? fs_join(dir, "runlens") : NULL;
	char *init = pkg ? fs_join(pkg, "__init__.py") : NULL;
	struct buf text = BUF_INIT;
	buf_puts(&text, "# Written by runlens: the real module was not found.\n"
			"raise ImportError(\n    \"runlens: the Python module 'runlens' was not "
			"found; runlens looked in: \"\n    ");
	/* LOOKED as a Python string literal */
	buf_putc(&text, '"');
	for (const char *p = looked ? looked : ""; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(&text, '\\');
		if ((unsigned char)*p >= 0x20)
			buf_putc(&text, *p);
	}
	buf_puts(&text, "\"\n    \" (set RUNLENS_PYTHON_DIR to the folder holding runlens/)\")\n");
	int ok = init && text.data && fs_mkdirs(pkg, NULL) == 0 &&
		 fs_write_file(init, text.data, text.len, 0644, NULL) == 0;
	buf_free(&text);
	free(init);
	free(pkg);
	if (!ok) {
		free(dir);
		return NULL;
	}
	return dir;
}
