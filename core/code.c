/* core/code.c — the code a step runs, for its cache key (core/code.h). */
#include "config.h"
#include "core/code.h"

#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/fs.h"

/* Is PATH (resolved) inside folder ROOT (resolved)? */
static int inside(const char *path, const char *root)
{
	size_t n = strlen(root);
	return strncmp(path, root, n) == 0 && (path[n] == '/' || (n == 1 && root[0] == '/'));
}

struct code_scan {
	const char *base;     /* where relative words are looked up */
	char *roots[2];	      /* the pipeline's folder and the workdir, resolved */
	struct hash_memo *memo;
	cJSON *out;
	cJSON *seen; /* the words looked at */
	struct rl_err *err;
};

/* WORD of the command: a regular file under the pipeline's folder or the
 * workdir is code, keyed by the word as written. */
static int add_word(struct code_scan *c, const char *word)
{
	/* a word looked at already (`sh -c "python3 x.py" x.py`) is not
	 * looked at again */
	if (!*word || *word == '-' || strchr(word, '$') || strchr(word, '=') ||
	    cJSON_GetObjectItemCaseSensitive(c->seen, word))
		return 0;
	cJSON_AddTrueToObject(c->seen, word);
	char *path = word[0] == '/' ? strdup(word) : fs_join(c->base, word);
	struct stat st;
	/* most words are no file (`true`, `--lr`, `3`): one stat says so,
	 * where resolving the path would look at each of its folders */
	char *real = path && stat(path, &st) == 0 && S_ISREG(st.st_mode) ? realpath(path, NULL)
									: NULL;
	int rc = 0;
	if (real && ((c->roots[0] && inside(real, c->roots[0])) ||
	     (c->roots[1] && inside(real, c->roots[1])))) {
		char hex[HASH_HEX_LEN + 1];
		if (hash_path_memo(c->memo, real, hex, NULL, NULL, NULL) == 0)
			cJSON_AddStringToObject(c->out, word, hex);
	}
	free(real);
	free(path);
	return rc;
}

/* The words of a shell command: split on blanks and shell operators,
 * quotes taken off (good enough to find `python3 train.py --lr 3`).  The
 * word after a redirection (`> out.txt`, `< in.txt`) is the step's data,
 * not its code. */
static int add_shell_words(struct code_scan *c, const char *cmd)
{
	struct buf w = BUF_INIT;
	char quote = 0;
	int redirected = 0; /* the next word follows < or > */
	for (const char *p = cmd;; p++) {
		char ch = *p;
		if (quote && ch && ch != quote) {
			buf_putc(&w, ch);
			continue;
		}
		if (quote && ch == quote) {
			quote = 0;
			continue;
		}
		if (ch == '\'' || ch == '"') {
			quote = ch;
			continue;
		}
		if (!ch || strchr(" \t\n;|&<>()`", ch)) {
			if (w.len && !redirected && add_word(c, w.data) < 0) {
				buf_free(&w);
				return -1;
			}
			if (w.len)
				redirected = 0;
			if (ch == '<' || ch == '>')
				redirected = 1;
			buf_reset(&w);
			if (!ch)
				break;
			continue;
		}
		buf_putc(&w, ch);
	}
	buf_free(&w);
	return 0;
}

/* One entry of "code": a file, a folder or a glob, relative to the
 * pipeline's folder.  What it matches is keyed by its path as matched;
 * a pattern that matches nothing is recorded as "(none)", so the key
 * changes when it starts to match. */
static int add_declared(struct code_scan *c, const char *dir, const char *entry)
{
	char *pattern = entry[0] == '/' ? strdup(entry) : fs_join(dir, entry);
	glob_t g;
	memset(&g, 0, sizeof g);
	if (!pattern)
		return rl_err_set(c->err, RL_E_NOMEM, NULL);
	int found = glob(pattern, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
	size_t dl = strlen(dir);
	for (int i = 0; i < found; i++) {
		const char *path = g.gl_pathv[i];
		const char *rel = strncmp(path, dir, dl) == 0 && path[dl] == '/' ? path + dl + 1 : path;
		char *key = strdup(rel);
		size_t kl = key ? strlen(key) : 0;
		while (kl > 1 && key[kl - 1] == '/')
			key[--kl] = '\0'; /* "src/" matches the folder src */
		char hex[HASH_HEX_LEN + 1];
		if (key && hash_path_memo(c->memo, path, hex, NULL, NULL, NULL) == 0 &&
		    !cJSON_GetObjectItemCaseSensitive(c->out, key))
			cJSON_AddStringToObject(c->out, key, hex);
		free(key);
	}
	if (!found && !cJSON_GetObjectItemCaseSensitive(c->out, entry))
		cJSON_AddStringToObject(c->out, entry, "(none)");
	globfree(&g);
	free(pattern);
	return 0;
}

/* TEMPLATE as the step runs it (its params' values in), its words
 * looked at as a shell's (SHELL) or as one argv word. */
static int add_template(struct code_scan *c, const struct spec *s, const struct spec_step *st,
			const struct spec_subst *sub, const char *template, int shell)
{
	char *text = NULL;
	if (spec_substitute(s, st, template, sub, &text, c->err) < 0)
		return -1;
	int rc = shell || strpbrk(text, " \t\n") ? add_shell_words(c, text) : add_word(c, text);
	free(text);
	return rc;
}

int code_hashes(const struct spec *s, const struct spec_step *st, const char *workdir,
		const struct spec_subst *sub, struct hash_memo *memo, cJSON **out,
		struct rl_err *err)
{
	const char *dir = s->dir ? s->dir : ".";
	struct code_scan c = {
		.base = workdir ? workdir : dir,
		.roots = { hash_memo_realpath(memo, dir),
			   workdir ? hash_memo_realpath(memo, workdir) : NULL },
		.memo = memo, .out = cJSON_CreateObject(), .seen = cJSON_CreateObject(),
		.err = err,
	};
	int rc = -1;
	if (!c.out || !c.seen) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	if (st->code_auto) {
		if (st->run_shell && add_template(&c, s, st, sub, st->run_shell, 1) < 0)
			goto cleanup;
		/* argv[0] is the program: a script run directly is code too; a
		 * word with blanks is a script for a shell (`sh -c "…"`) */
		for (int i = 0; i < st->run_argc; i++)
			if (add_template(&c, s, st, sub, st->run_argv[i], 0) < 0)
				goto cleanup;
	}
	for (int i = 0; i < st->ncode; i++)
		if (add_declared(&c, dir, st->code[i]) < 0)
			goto cleanup;
	*out = c.out;
	c.out = NULL;
	rc = 0;
cleanup:
	cJSON_Delete(c.out);
	cJSON_Delete(c.seen);
	free(c.roots[0]);
	free(c.roots[1]);
	return rc;
}
