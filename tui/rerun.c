/* tui/rerun.c — reruns from the browser (r, R, e): the plan first,
 * computed here with the options `runlens rerun` would use (rerun_opts,
 * runner_plan) and rendered as a table, a question, then `runlens rerun`
 * started in the background through core/exec/launch, so it keeps going
 * when the browser quits.  Its progress shows up by itself: the browser
 * watches the store. */
#include "config.h"
#include "tui/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/exec/launch.h"
#include "core/plan.h"
#include "core/rerun.h"
#include "tui/widget_dialog.h"
#include "util/num.h"
#include "util/buf.h"

#define MAX_WORDS 48
#define MAX_ARGS (8 + 2 * MAX_WORDS)

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
			v = json_print(p, 0);
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

/* The plan as lines for the dialog: STEP  ACTION  WHY, a blank line,
 * the counts.  *lines is malloc'd, each line too. */
static int plan_lines(const struct plan *p, char ***lines, int *n)
{
	int wn = 4, wa = 6;
	for (int k = 0; k < p->n; k++) {
		if (fmt_width(p->steps[k].name) > wn)
			wn = fmt_width(p->steps[k].name);
		if ((int)strlen(plan_action_name(p->steps[k].action)) > wa)
			wa = (int)strlen(plan_action_name(p->steps[k].action));
	}
	char **v = calloc((size_t)p->n + 3, sizeof(char *));
	if (!v)
		return -1;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%-*s  %-*s  %s", wn, "STEP", wa, "ACTION", "WHY");
	v[0] = buf_steal(&b);
	for (int k = 0; k < p->n; k++) {
		const struct plan_step *st = &p->steps[k];
		buf_printf(&b, "%s%*s  %-*s  %s", st->name, wn - fmt_width(st->name), "", wa,
			   plan_action_name(st->action), st->why);
		v[k + 1] = buf_steal(&b);
	}
	v[p->n + 1] = strdup("");
	buf_printf(&b, "%d to run, %d from cache, %d reused", p->count[PLAN_RUN],
		   p->count[PLAN_CACHED], p->count[PLAN_REUSED]);
	v[p->n + 2] = buf_steal(&b);
	*lines = v;
	*n = p->n + 3;
	return 0;
}

static void lines_free(char **lines, int n)
{
	for (int i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
}

/* Show the plan of rerunning RUN_ID with O and ask; 1: go on. */
static int confirm_plan(struct tui *t, int64_t run_id, const char *from_step,
			const struct runner_opts *o)
{
	struct rl_err err = RL_ERR_INIT;
	struct plan *p = NULL;
	char **lines = NULL;
	int n = 0, yes = 0;
	if (runner_plan(o, &p, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		goto cleanup;
	}
	if (plan_lines(p, &lines, &n) < 0) {
		tui_error(t, "out of memory");
		goto cleanup;
	}
	char title[128];
	snprintf(title, sizeof title, "Rerun of run %lld%s%s — the plan", (long long)run_id,
		 from_step ? " from " : "", from_step ? from_step : "");
	yes = tui_confirm(t, title, lines, n, "Start this rerun in the background? [y/N]");
	if (!yes)
		tui_notice(t, "rerun cancelled: nothing was started");
cleanup:
	lines_free(lines, n);
	plan_free(&p);
	rl_err_clear(&err);
	return yes;
}

/* The param changes the user types (EDIT): *words point into BUF; -1
 * when cancelled or not KEY=VALUE (with a notice). */
static int edit_params(struct tui *t, int64_t run_id, char *buf, size_t size, char **words,
		       int max)
{
	struct rl_err err = RL_ERR_INIT;
	struct store_run r = { 0 };
	if (store_run_get(t->store, run_id, &r, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return -1;
	}
	char *now = params_text(r.params_json);
	store_run_clear(&r);
	int ok = tui_prompt(t, "params (KEY=VALUE …):", now, buf, size);
	free(now);
	if (!ok) {
		tui_notice(t, "rerun cancelled");
		return -1;
	}
	const char *bad = NULL;
	int n = split_params(buf, words, max, &bad);
	if (n < 0)
		tui_error(t, "params: '%s' is not KEY=VALUE; nothing was started", bad);
	return n;
}

/* Start `runlens rerun RUN_ID [--from STEP] [-p KEY=VALUE]…` in the
 * background. */
static void start_rerun(struct tui *t, int64_t run_id, const char *from_step, char **words,
			int n)
{
	char id[32];
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
	for (int i = 0; i < n && argc < MAX_ARGS - 3; i++) {
		argv[argc++] = "-p";
		argv[argc++] = words[i];
	}
	argv[argc] = NULL;
	struct rl_err err = RL_ERR_INIT;
	struct buf log = BUF_INIT;
	buf_printf(&log, "%s/tui-reruns.log", store_dir(t->store));
	pid_t pid = 0;
	if (launch_detached(argv, log.data, &pid, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	else
		tui_notice(t, "rerun of run %s started in the background (pid %d, output in %s)", id,
			   (int)pid, log.data);
	rl_err_clear(&err);
	buf_free(&log);
}

int tui_rerun(struct tui *t, int64_t run_id, const char *from_step, int edit)
{
	if (tui_refuse_read_only(t, "rerun"))
		return TUI_REDRAW;
	char edited[2048] = "", *words[MAX_WORDS];
	int n = 0;
	if (edit && (n = edit_params(t, run_id, edited, sizeof edited, words, MAX_WORDS)) < 0)
		return TUI_REDRAW;
	/* the plan, as `runlens rerun --dry-run` would print it */
	struct runner_opts o = { .from_step = from_step, .store_flag = store_dir(t->store) };
	struct rerun *hold = NULL;
	struct rl_err err = RL_ERR_INIT;
	int go = 0;
	if (rerun_opts(t->store, run_id, words, n, &o, &hold, &err) < 0)
		tui_error(t, "%s", rl_err_msg(&err));
	else
		go = confirm_plan(t, run_id, from_step, &o);
	rerun_free(&hold);
	rl_err_clear(&err);
	if (!go)
		return TUI_REDRAW;
	start_rerun(t, run_id, from_step, words, n);
	return TUI_RELOAD | TUI_REDRAW;
}
