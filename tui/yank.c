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

#include <openssl/evp.h>

#include "core/exec/launch.h"
#include "tui/internal.h"
#include "tui/tui_config.h"
#include "util/buf.h"

char *tui_yank_command(void)
{
	const char *env = getenv("RUNLENS_YANK");
	if (env && *env)
		return strdup(env);
	const char *cmd = config_get("yank_command"); /* tui/config.c */
	return cmd && *cmd ? strdup(cmd) : NULL;
}

/* IN as base64 (OSC 52 carries it so), appended to OUT. */
static void base64(const unsigned char *in, size_t n, struct buf *out)
{
	/* EVP_EncodeBlock writes 4 characters for each 3 bytes, and a NUL */
	size_t cap = 4 * ((n + 2) / 3) + 1;
	unsigned char *b = malloc(cap);
	if (!b)
		return;
	int len = EVP_EncodeBlock(b, in, (int)n);
	if (len > 0)
		buf_append(out, (const char *)b, (size_t)len);
	free(b);
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
