/* tui/commands.c — what every view does to the run it shows or has
 * selected (B unpins its pipeline's baseline, y copies its id, name or
 * an output's path) and the `:` command line, as in vim, tig and k9s:
 * `:42` or `:run NAME` opens a run, `:pin`, `:unpin`, `:tag T`,
 * `:untag T`, `:note TEXT` act on the view's run through the functions
 * the command line uses (core/runs.h), `:filter`, `:sort`, `:columns`
 * and `:view` are the runs view's own (its view_ops.command), `:q`
 * quits.  Tab completes command names, runs, fields, tags and views. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/baseline.h"
#include "core/runs.h"
#include "core/session.h"
#include "tui/internal.h"
#include "tui/widget_dialog.h"
#include "util/buf.h"

/* The run of the view on top (0: none, with a notice saying so). */
static int64_t run_here(struct tui *t, const char *what)
{
	struct view *v = t->top;
	int64_t id = v && v->ops->run_of ? v->ops->run_of(v) : 0;
	if (!id)
		tui_error(t, "%s: no run here (open or select one)", what);
	return id;
}

int tui_act_unpin(struct view *v, struct tui *t, enum tui_action a)
{
	(void)v, (void)a;
	int64_t id = run_here(t, "unpin");
	if (!id || tui_refuse_read_only(t, "unpinning a baseline"))
		return TUI_REDRAW;
	struct store_run r = { 0 };
	struct store_pipeline p = { 0 };
	struct rl_err err = RL_ERR_INIT;
	int rc = TUI_REDRAW;
	if (store_run_get(t->store, id, &r, &err) < 0 ||
	    store_pipeline_get_by_id(t->store, r.pipeline_id, &p, &err) < 0)
		goto cleanup;
	if (!p.pinned_run_id && !p.baseline_where) {
		tui_notice(t, "%s has no pinned baseline", p.name);
		goto cleanup;
	}
	int64_t was = p.pinned_run_id;
	if (runs_unpin(t->store, &p, &err) < 0)
		goto cleanup;
	store_pipeline_clear(&p);
	if (store_pipeline_get_by_id(t->store, r.pipeline_id, &p, &err) < 0)
		goto cleanup;
	char *how = baseline_explain(&p);
	if (was)
		tui_notice(t, "run %lld is no longer the baseline of %s (now: %s)", (long long)was,
			   p.name, how ? how : "?");
	else
		tui_notice(t, "%s has no pin --where rule now (now: %s)", p.name, how ? how : "?");
	free(how);
	rc = TUI_RELOAD;
cleanup:
	if (err.code)
		tui_error(t, "%s", rl_err_msg(&err));
	rl_err_clear(&err);
	store_pipeline_clear(&p);
	store_run_clear(&r);
	return rc;
}

int tui_act_yank(struct view *v, struct tui *t, enum tui_action a)
{
	(void)a;
	int64_t id = run_here(t, "yank");
	if (!id)
		return TUI_REDRAW;
	struct store_run r = { 0 };
	struct rl_err err = RL_ERR_INIT;
	if (store_run_get(t->store, id, &r, &err) < 0) {
		tui_error(t, "%s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	char idtext[32];
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	char *path = v->ops->path_of ? v->ops->path_of(v, t) : NULL;
	const char *values[3] = { idtext, r.name, path };
	char *items[3];
	int n = path ? 3 : 2;
	items[0] = buf_format("id     %s", idtext);
	items[1] = buf_format("name   %s", r.name);
	items[2] = path ? buf_format("path   %s", path) : NULL;
	int k = tui_choose(t, "Copy to the clipboard", items, n, 0, NULL);
	if (k >= 0 && values[k] && tui_yank(t, values[k]) == 0)
		tui_notice(t, "copied %s", values[k]);
	for (int i = 0; i < n; i++)
		free(items[i]);
	free(path);
	store_run_clear(&r);
	return TUI_REDRAW;
}

/* ------------------------------------------------------------------ */
/* The commands                                                         */

enum arg_kind { ARG_NONE, ARG_RUN, ARG_TAG, ARG_RUN_TAG, ARG_TEXT, ARG_FIELD, ARG_VIEW };

struct command {
	const char *name, *args;
	enum arg_kind kind;
	int (*run)(struct tui *t, const char *name, const char *arg);
	const char *help;
};

static int cmd_open_run(struct tui *t, const char *name, const char *arg)
{
	int64_t id = 0;
	struct rl_err err = RL_ERR_INIT;
	(void)name;
	if (!*arg) {
		tui_error(t, ":run: which run? (an id, a name, last, PIPELINE@last)");
		return TUI_REDRAW;
	}
	if (session_resolve_run(t->store, arg, &id, &err) < 0) {
		tui_error(t, ":run: %s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	tui_push(t, view_run_new(id));
	return TUI_REDRAW;
}

static int cmd_pin(struct tui *t, const char *name, const char *arg)
{
	(void)name, (void)arg;
	int64_t id = run_here(t, ":pin");
	return id && tui_pin(t, id) ? TUI_RELOAD : TUI_REDRAW;
}

static int cmd_unpin(struct tui *t, const char *name, const char *arg)
{
	(void)name, (void)arg;
	return tui_act_unpin(t->top, t, ACT_UNPIN);
}

/* The words of ARG (malloc'd array of malloc'd strings). */
static int split_words(const char *arg, char ***words)
{
	int n = 0;
	*words = calloc(strlen(arg) / 2 + 2, sizeof(char *));
	for (const char *p = arg; *words && *p;) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		if (len)
			(*words)[n++] = strndup(p, len);
		p += len;
	}
	return n;
}

static int cmd_tags(struct tui *t, const char *name, const char *arg)
{
	int untag = !strcmp(name, "untag");
	int64_t id = run_here(t, untag ? ":untag" : ":tag");
	if (!id || tui_refuse_read_only(t, untag ? "untagging" : "tagging"))
		return TUI_REDRAW;
	char **w = NULL;
	int n = split_words(arg, &w), removed = 0, rc = TUI_REDRAW;
	struct rl_err err = RL_ERR_INIT;
	struct buf absent = BUF_INIT;
	if (n == 0)
		tui_error(t, ":%s: which tag?", name);
	else if (!untag && runs_tag(t->store, id, w, n, &err) == 0) {
		tui_notice(t, "run %lld tagged: %d tag%s", (long long)id, n, n == 1 ? "" : "s");
		rc = TUI_RELOAD;
	} else if (untag && runs_untag(t->store, id, w, n, &removed, &absent, &err) == 0) {
		tui_notice(t, "run %lld untagged: %d tag%s removed%s%s%s", (long long)id, removed,
			   removed == 1 ? "" : "s", absent.len ? " (it had no tag " : "",
			   absent.len ? absent.data : "", absent.len ? ")" : "");
		rc = TUI_RELOAD;
	}
	if (err.code)
		tui_error(t, ":%s: %s", name, rl_err_msg(&err));
	rl_err_clear(&err);
	buf_free(&absent);
	for (int i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return rc;
}

static int cmd_note(struct tui *t, const char *name, const char *arg)
{
	(void)name;
	int64_t id = run_here(t, ":note");
	if (!id || tui_refuse_read_only(t, "adding a note"))
		return TUI_REDRAW;
	if (!*arg) {
		tui_error(t, ":note: what note? (:note TEXT)");
		return TUI_REDRAW;
	}
	struct rl_err err = RL_ERR_INIT;
	if (runs_note(t->store, id, arg, &err) < 0) {
		tui_error(t, ":note: %s", rl_err_msg(&err));
		rl_err_clear(&err);
		return TUI_REDRAW;
	}
	tui_notice(t, "note added to run %lld", (long long)id);
	return TUI_RELOAD;
}

/* :filter, :sort, :columns, :view: the view's own. */
static int cmd_of_view(struct tui *t, const char *name, const char *arg)
{
	struct view *v = t->top;
	int r = v->ops->command ? v->ops->command(v, t, name, arg) : -1;
	if (r < 0) {
		tui_error(t, ":%s works in the runs view (this is %s)", name, v->ops->name);
		return TUI_REDRAW;
	}
	return r;
}

static int cmd_pipelines(struct tui *t, const char *name, const char *arg)
{
	(void)name, (void)arg;
	return tui_act(t, ACT_PIPELINES);
}

static int cmd_quit(struct tui *t, const char *name, const char *arg)
{
	(void)t, (void)name, (void)arg;
	return TUI_QUIT;
}

static const struct command commands[] = {
	{ "run", "RUN", ARG_RUN, cmd_open_run, "open a run: an id, a name, last, PIPELINE@last" },
	{ "pin", "", ARG_NONE, cmd_pin, "pin the run as its pipeline's baseline" },
	{ "unpin", "", ARG_NONE, cmd_unpin, "unpin its pipeline's baseline" },
	{ "tag", "TAG…", ARG_TAG, cmd_tags, "tag the run" },
	{ "untag", "TAG…", ARG_RUN_TAG, cmd_tags, "remove tags from the run" },
	{ "note", "TEXT", ARG_TEXT, cmd_note, "add a note to the run" },
	{ "filter", "EXPR", ARG_FIELD, cmd_of_view, "filter the runs (ls --where; empty clears)" },
	{ "sort", "KEY", ARG_FIELD, cmd_of_view, "sort the runs (-KEY: descending; empty: newest first)" },
	{ "columns", "COL,…", ARG_FIELD, cmd_of_view, "show these columns (ls --columns; empty: C)" },
	{ "view", "NAME", ARG_VIEW, cmd_of_view, "recall a saved view" },
	{ "pipelines", "", ARG_NONE, cmd_pipelines, "the pipelines" },
	{ "q", "", ARG_NONE, cmd_quit, "quit the browser" },
	{ "quit", "", ARG_NONE, cmd_quit, "quit the browser" },
};
#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

static const struct command *command_named(const char *name, size_t len)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (strlen(commands[i].name) == len && !strncmp(commands[i].name, name, len))
			return &commands[i];
	return NULL;
}

int tui_command(struct tui *t, const char *line)
{
	line += strspn(line, " ");
	if (!*line)
		return TUI_REDRAW;
	size_t len = strcspn(line, " ");
	const char *arg = line + len;
	arg += strspn(arg, " ");
	char *a = strdup(arg);
	if (!a)
		return TUI_REDRAW;
	size_t n = strlen(a);
	while (n > 0 && a[n - 1] == ' ')
		a[--n] = '\0';
	int r;
	const struct command *c = command_named(line, len);
	if (isdigit((unsigned char)line[0]) && !*a) /* :42 */
		r = cmd_open_run(t, "run", line);
	else if (c)
		r = c->run(t, c->name, a);
	else {
		tui_error(t, "no command ':%.*s' (Tab lists them)", (int)len, line);
		r = TUI_REDRAW;
	}
	free(a);
	return r;
}

/* ------------------------------------------------------------------ */
/* Completion                                                           */

struct cands {
	char **items;
	int n, cap;
};

/* Add S (prefixed by PRE) when it starts with WORD. */
static void cand_add(struct cands *c, const char *pre, const char *s, const char *word)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s%s", pre, s);
	if (!b.data || strncmp(b.data, word, strlen(word)) != 0) {
		buf_free(&b);
		return;
	}
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->items[i], b.data)) {
			buf_free(&b);
			return;
		}
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 16;
		char **more = realloc(c->items, (size_t)cap * sizeof(char *));
		if (!more) {
			buf_free(&b);
			return;
		}
		c->items = more;
		c->cap = cap;
	}
	c->items[c->n++] = buf_steal(&b);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tui_complete_fields(struct tui *t, void *ctx, const char *line, size_t word_at,
			char ***items, int *n)
{
	static const char *const fixed[] = { "status", "name", "pipeline", "tag", "id",
					     "started", "duration", "sweep" };
	const char *word = line + word_at;
	const char *pre = *word == '-' ? "-" : ""; /* a descending sort key */
	int64_t pid = ctx ? *(int64_t *)ctx : 0;
	struct cands c = { 0 };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		cand_add(&c, pre, fixed[i], word);
	struct store_field *f = NULL;
	struct store_recent sum;
	int nf = 0;
	if (store_recent_fields(t->store, pid, 200, &f, &nf, &sum, NULL) == 0)
		for (int i = 0; i < nf; i++)
			cand_add(&c, pre, f[i].name, word);
	store_fields_free(f, nf);
	*items = c.items;
	*n = c.n;
	return 0;
}

/* The command line's completer: the command's name, then its argument. */
static int complete_command(struct tui *t, void *ctx, const char *line, size_t word_at,
			    char ***items, int *n)
{
	(void)ctx;
	struct cands c = { 0 };
	const char *word = line + word_at;
	const char *start = line + strspn(line, " ");
	size_t len = strcspn(start, " ");
	const struct command *cmd = start + len < word ? command_named(start, len) : NULL;
	int64_t *ids = NULL, pid = 0;
	char **names = NULL;
	int nn = 0;
	if (start + len >= word) { /* the first word: a command, or a run id */
		for (int i = 0; i < NCOMMANDS; i++) {
			/* a space after a command that takes something */
			char *name = buf_format("%s%s", commands[i].name,
						commands[i].kind == ARG_NONE ? "" : " ");
			if (name)
				cand_add(&c, "", name, word);
			free(name);
		}
		if (isdigit((unsigned char)*word) &&
		    store_run_ids_with_prefix(t->store, word, 20, &ids, &nn, NULL) == 0)
			for (int i = 0; i < nn; i++) {
				char num[32];
				snprintf(num, sizeof num, "%lld", (long long)ids[i]);
				cand_add(&c, "", num, word);
			}
		free(ids);
		qsort(c.items, (size_t)c.n, sizeof(char *), by_text);
	} else if (cmd && cmd->kind == ARG_RUN) {
		if (store_names_with_prefix(t->store, STORE_NAMES_RUN, word, 50, &names, &nn,
					    NULL) == 0)
			for (int i = 0; i < nn; i++)
				cand_add(&c, "", names[i], word);
		store_names_free(names, nn);
		cand_add(&c, "", "last", word);
	} else if (cmd && cmd->kind == ARG_FIELD) {
		struct view *v = t->top;
		int64_t id = v->ops->run_of ? v->ops->run_of(v) : 0;
		struct store_run r = { 0 };
		if (id && store_run_get(t->store, id, &r, NULL) == 0)
			pid = r.pipeline_id;
		store_run_clear(&r);
		/* :columns a,b,c: the word after the last comma */
		const char *comma = strrchr(word, ',');
		size_t skip = comma ? (size_t)(comma + 1 - line) : word_at;
		char **f = NULL;
		int nf = 0;
		tui_complete_fields(t, &pid, line, skip, &f, &nf);
		for (int i = 0; i < nf; i++) {
			/* the whole word, the list before it kept */
			char *whole = buf_format("%.*s%s", (int)(skip - word_at), word, f[i]);
			if (whole)
				cand_add(&c, "", whole, word);
			free(whole);
			free(f[i]);
		}
		free(f);
	} else if (cmd && (cmd->kind == ARG_RUN_TAG || cmd->kind == ARG_TAG)) {
		struct view *v = t->top;
		int64_t id = v->ops->run_of ? v->ops->run_of(v) : 0;
		struct store_run r = { 0 };
		if (cmd->kind == ARG_RUN_TAG && id && store_run_get(t->store, id, &r, NULL) == 0)
			for (int i = 0; i < r.ntags; i++)
				cand_add(&c, "", r.tags[i], word);
		store_run_clear(&r);
	} else if (cmd && cmd->kind == ARG_VIEW) {
		struct store_saved_view *vs = NULL;
		int nv = 0;
		if (store_views_page(t->store, NULL, 500, &vs, &nv, NULL) == 0)
			for (int i = 0; i < nv; i++)
				cand_add(&c, "", vs[i].name, word);
		store_views_free(vs, nv);
	}
	*items = c.items;
	*n = c.n;
	return 0;
}

int tui_act_command(struct view *v, struct tui *t, enum tui_action a)
{
	(void)v, (void)a;
	char line[1024];
	struct prompt_opts o = { .label = ":", .history = "command",
				 .complete = complete_command };
	if (!tui_prompt_ex(t, &o, line, sizeof line))
		return TUI_REDRAW;
	return tui_command(t, line);
}
