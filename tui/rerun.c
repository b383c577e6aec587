/* tui/rerun.c — reruns from the browser (r, R, e): the plan first, a
 * question, then `runlens rerun` started in the background through
 * core/launch, so it keeps going when the browser quits.  Its progress
 * shows up by itself: the browser watches the store. */
#include "config.h"
#include "tui/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/exec/launch.h"
#include "tui/widget_dialog.h"
#include "util/buf.h"

#define MAX_ARGS 128

/* "lr=0.1 epochs=3" from a params object (strings unquoted when they are
 * one word, else JSON). */
static char *params_text(const char *params_json)
{
	struct buf b = BUF_INIT;
	cJSON *o = cJSON_Parse(params_json ? params_json : "{}");
	for (cJSON *p = o ? o->child : NULL; p; p = p->next) {
		char *v = NULL;
		if (cJSON_IsString(p) && p->valuestring[0] && !strpbrk(p->valuestring, " \t\"'"))
			v = strdup(p->valuestring);
		else
			v = cJSON_PrintUnformatted(p);
		buf_printf(&b, "%s%s=%s", b.len ? " " : "", p->string, v ? v : "");
		free(v);
	}
	cJSON_Delete(o);
	return b.data ? buf_steal(&b) : strdup("");
}

/* Split TEXT at spaces into KEY=VALUE words (no quoting: a value with a
 * space is written as JSON without spaces).  Returns the number of words,
 * -1 (with BAD set to the word) when one has no '='. */
static int split_params(char *text, char **words, int max, const char **bad)
{
	int n = 0;
	for (char *p = text; *p;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		char *w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
		if (!strchr(w, '=') || w[0] == '=') {
			*bad = w;
			return -1;
		}
		if (n < max)
			words[n++] = w;
	}
	return n;
}

/* The lines of TEXT (modified in place) into LINES (at most MAX). */
static int split_lines(char *text, char **lines, int max)
{
	int n = 0;
	for (char *p = text; *p && n < max;) {
		lines[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	while (n > 0 && !lines[n - 1][0])
		n--;
	return n;
}

int tui_rerun(struct tui *t, int64_t run_id, const char *from_step, int edit)
{
	if (tui_refuse_read_only(t, "rerun"))
		return TUI_REDRAW;
	struct rl_err err = RL_ERR_INIT;
	char id[32], edited[2048] = "";
	snprintf(id, sizeof id, "%lld", (long long)run_id);
	char *argv[MAX_ARGS];
	int argc = 0;
	argv[argc++] = (char *)launch_self();
	argv[argc++] = "--store";
	argv[argc++] = (char *)store_dir(t->store);
	argv[argc++] = "rerun";
	argv[argc++] = id;
	if (from_step) {
		argv[argc++] = "--from";
		argv[argc++] = (char *)from_step;
	}
	char *words[48];
	if (edit) {
		struct store_run r = { 0 };
		if (store_run_get(t->store, run_id, &r, &err) < 0) {
			tui_error(t, "%s", rl_err_msg(&err));
			rl_err_clear(&err);
			return TUI_REDRAW;
		}
		char *now = params_text(r.params_json);
		store_run_clear(&r);
		int ok = tui_prompt(t, "params (KEY=VALUE …):", now, edited, sizeof edited);
		free(now);
		if (!ok) {
			tui_notice(t, "rerun cancelled");
			return TUI_REDRAW;
		}
		const char *bad = NULL;
		int n = split_params(edited, words, 48, &bad);
		if (n < 0) {
			tui_error(t, "params: '%s' is not KEY=VALUE; nothing was started", bad);
			return TUI_REDRAW;
		}
		for (int i = 0; i < n; i++) {
			argv[argc++] = "-p";
			argv[argc++] = words[i];
		}
	}
	argv[argc++] = "--dry-run";
	argv[argc] = NULL;

	char *plan = NULL;
	int status = 0;
	if (launch_capture(argv, &plan, &status, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		free(plan);
		return TUI_REDRAW;
	}
	char *lines[200];
	int n = split_lines(plan, lines, 200);
	if (status != 0) {
		/* runlens said why (one "runlens: …" line) */
		tui_error(t, "%s", n > 0 ? lines[n - 1] : "the rerun plan failed");
		free(plan);
		return TUI_REDRAW;
	}
	char title[128];
	snprintf(title, sizeof title, "Rerun of run %s%s%s — the plan", id,
		 from_step ? " from " : "", from_step ? from_step : "");
	int yes = tui_confirm(t, title, lines, n, "Start this rerun in the background? [y/N]");
	free(plan);
	if (!yes) {
		tui_notice(t, "rerun cancelled: nothing was started");
		return TUI_REDRAW;
	}
	argv[--argc] = NULL; /* drop --dry-run */
	struct buf log = BUF_INIT;
	buf_printf(&log, "%s/tui-reruns.log", store_dir(t->store));
	pid_t pid = 0;
	if (launch_detached(argv, log.data, &pid, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
	} else {
		tui_notice(t, "rerun of run %s started in the background (pid %d, output in %s)", id,
			   (int)pid, log.data);
	}
	buf_free(&log);
	return TUI_RELOAD | TUI_REDRAW;
}
