/* tui/yank.c — y: copying to the clipboard.  Through a command when one
 * is set (RUNLENS_YANK, or yank_command in the config file: "xclip
 * -selection clipboard", "pbcopy", "wl-copy"), which gets the text on its
 * standard input; else OSC 52 written to the terminal, which xterm,
 * kitty, iTerm2, WezTerm and tmux (set-clipboard on, its paste buffer)
 * understand, over ssh too. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/exec/launch.h"
#include "tui/internal.h"
#include "util/buf.h"
#include "util/fs.h"

/* The value of KEY in the config file: a line "KEY = VALUE" (or "KEY
 * VALUE"); '#' starts a comment line.  malloc'd, or NULL. */
static char *config_value(const char *key)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = xdg && *xdg == '/' ? buf_format("%s/runlens/config", xdg)
		     : home && *home  ? buf_format("%s/.config/runlens/config", home)
				      : NULL;
	char *data = NULL, *value = NULL;
	size_t klen = strlen(key);
	if (!path || fs_read_file(path, &data, NULL, NULL) < 0)
		goto cleanup;
	for (char *line = strtok(data, "\n"); line && !value; line = strtok(NULL, "\n")) {
		line += strspn(line, " \t");
		if (strncmp(line, key, klen) != 0 || !strchr(" \t=", line[klen]))
			continue;
		char *v = line + klen;
		v += strspn(v, " \t");
		if (*v == '=')
			v++;
		v += strspn(v, " \t");
		size_t n = strlen(v);
		while (n > 0 && strchr(" \t\r", v[n - 1]))
			n--;
		if (n)
			value = strndup(v, n);
	}
cleanup:
	free(data);
	free(path);
	return value;
}

char *tui_yank_command(void)
{
	const char *env = getenv("RUNLENS_YANK");
	if (env && *env)
		return strdup(env);
	return config_value("yank_command");
}

static void base64(const unsigned char *in, size_t n, struct buf *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63],
			      i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '=' };
		buf_append(out, q, 4);
	}
}

int tui_yank(struct tui *t, const char *text)
{
	char *cmd = tui_yank_command();
	int rc = 0;
	if (cmd) {
		char *argv[] = { "sh", "-c", cmd, NULL };
		struct rl_err err = RL_ERR_INIT;
		int status = -1;
		if (launch_feed(argv, text, strlen(text), &status, &err) < 0 || status != 0) {
			tui_error(t, "yank: %s failed%s%s", cmd, err.code ? ": " : "",
				  err.code ? rl_err_msg(&err) : "");
			rc = -1;
		}
		rl_err_clear(&err);
		free(cmd);
		return rc;
	}
	struct buf seq = BUF_INIT;
	buf_puts(&seq, "\033]52;c;");
	base64((const unsigned char *)text, strlen(text), &seq);
	buf_puts(&seq, "\a");
	fflush(stdout);
	if (!seq.data || write(STDOUT_FILENO, seq.data, seq.len) != (ssize_t)seq.len) {
		tui_error(t, "yank: could not write to the terminal");
		rc = -1;
	}
	buf_free(&seq);
	return rc;
}
