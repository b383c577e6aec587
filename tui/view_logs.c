/* tui/view_logs.c — a step's captured output, paged from the files on
 * disk: lines are indexed only as far as the screen needs, so a 1 GB log
 * opens at once; control characters and invalid UTF-8 are shown as \xNN;
 * long lines are cut to the screen. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"

#define CHUNK 65536

struct line {
	int file; /* 0 stdout, 1 stderr, -1 the separator */
	off_t off;
	size_t len;
};

struct logs_view {
	int64_t run_id;
	char *step;
	int attempt;
	int want_attempt; /* 0: the last */
	char *path[2];
	int fd[2];
	off_t scanned[2]; /* bytes indexed */
	int done[2];	  /* reached EOF */
	int sep;	  /* separator emitted */
	struct line *lines;
	int nlines, cap;
	int top;
};

static int push_line(struct logs_view *lv, int file, off_t off, size_t len)
{
	if (lv->nlines == lv->cap) {
		int cap = lv->cap ? lv->cap * 2 : 1024;
		struct line *p = realloc(lv->lines, (size_t)cap * sizeof(*p));
		if (!p)
			return -1;
		lv->lines = p;
		lv->cap = cap;
	}
	lv->lines[lv->nlines++] = (struct line){ file, off, len };
	return 0;
}

/* Index lines until there are at least WANT (or the files end). */
static void ensure(struct logs_view *lv, int want)
{
	char *chunk = NULL;
	for (int f = 0; f < 2 && lv->nlines < want; f++) {
		if (lv->done[f])
			continue;
		if (f == 1 && !lv->done[0])
			break;
		if (lv->fd[f] < 0)
			lv->fd[f] = lv->path[f] ? open(lv->path[f], O_RDONLY | O_CLOEXEC) : -1;
		if (lv->fd[f] < 0) {
			lv->done[f] = 1;
			continue;
		}
		if (!chunk && !(chunk = malloc(CHUNK)))
			return;
		off_t line_start = lv->scanned[f];
		while (lv->nlines < want) {
			ssize_t n = pread(lv->fd[f], chunk, CHUNK, lv->scanned[f]);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* a last line without a newline */
				if (lv->scanned[f] > line_start)
					push_line(lv, f, line_start, (size_t)(lv->scanned[f] - line_start));
				lv->done[f] = 1;
				break;
			}
			for (ssize_t i = 0; i < n; i++)
				if (chunk[i] == '\n') {
					off_t end = lv->scanned[f] + i;
					push_line(lv, f, line_start, (size_t)(end - line_start));
					line_start = end + 1;
				}
			lv->scanned[f] += n;
		}
		if (!lv->done[f])
			lv->scanned[f] = line_start; /* re-read the partial line next time */
		if (f == 0 && lv->done[0] && !lv->sep) {
			lv->sep = 1;
			if (lv->fd[1] < 0 && lv->path[1])
				lv->fd[1] = open(lv->path[1], O_RDONLY | O_CLOEXEC);
			if (lv->fd[1] >= 0 && lseek(lv->fd[1], 0, SEEK_END) > 0)
				push_line(lv, -1, 0, 0);
		}
	}
	free(chunk);
}

/* Terminal-safe text of a line, cut to WIDTH columns. */
static void render(struct logs_view *lv, const struct line *ln, int width, struct buf *out)
{
	if (ln->file < 0) {
		buf_puts(out, "── stderr ──");
		return;
	}
	size_t want = ln->len < (size_t)width * 4 + 4 ? ln->len : (size_t)width * 4 + 4;
	unsigned char *data = malloc(want + 1);
	if (!data)
		return;
	ssize_t n = pread(lv->fd[ln->file], data, want, ln->off);
	int cols = 0;
	for (ssize_t i = 0; i < n && cols < width; ) {
		unsigned char c = data[i];
		size_t seq = 1;
		if (c >= 0x80) {
			seq = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
			for (size_t k = 1; seq && k < seq; k++)
				if (i + (ssize_t)k >= n || (data[i + k] & 0xC0) != 0x80)
					seq = 0;
		}
		if (c == '\t') {
			buf_puts(out, "    ");
			cols += 4;
			i++;
		} else if (c < 0x20 || c == 0x7F || seq == 0) {
			buf_printf(out, "\\x%02x", c);
			cols += 4;
			i++;
		} else {
			buf_append(out, data + i, seq);
			cols++;
			i += (ssize_t)seq;
		}
	}
	if (ln->len > want || cols >= width)
		buf_puts(out, "…");
	free(data);
}

static void close_files(struct logs_view *lv)
{
	for (int f = 0; f < 2; f++) {
		if (lv->fd[f] >= 0)
			close(lv->fd[f]);
		lv->fd[f] = -1;
		free(lv->path[f]);
		lv->path[f] = NULL;
		lv->scanned[f] = 0;
		lv->done[f] = 0;
	}
	lv->sep = 0;
	lv->nlines = 0;
}

static int logs_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct logs_view *lv = v->data;
	struct store_step_run st = { 0 };
	struct store_attempt *atts = NULL;
	int n = 0, rc = -1;
	close_files(lv);
	if (store_step_run_get(t->store, lv->run_id, lv->step, &st, err) < 0)
		goto cleanup;
	int64_t from = st.id;
	if (store_attempts_of(t->store, from, &atts, &n, err) < 0)
		goto cleanup;
	if (n == 0 && st.cached_from) {
		store_attempts_free(atts, n);
		atts = NULL;
		if (store_attempts_of(t->store, st.cached_from, &atts, &n, err) < 0)
			goto cleanup;
	}
	if (n > 0) {
		int k = n - 1;
		for (int i = 0; i < n; i++)
			if (atts[i].number == lv->want_attempt)
				k = i;
		lv->attempt = atts[k].number;
		lv->path[0] = atts[k].stdout_path ? strdup(atts[k].stdout_path) : NULL;
		lv->path[1] = atts[k].stderr_path ? strdup(atts[k].stderr_path) : NULL;
	}
	rc = 0;
cleanup:
	store_attempts_free(atts, n);
	store_step_run_clear(&st);
	return rc;
}

static void logs_title(struct view *v, char *buf, size_t size)
{
	struct logs_view *lv = v->data;
	snprintf(buf, size, "Logs — run %lld, step %s, attempt %d", (long long)lv->run_id,
		 lv->step, lv->attempt);
}

static void logs_draw(struct view *v, struct tui *t)
{
	struct logs_view *lv = v->data;
	int height = t->lines - 2;
	ensure(lv, lv->top + height + 1);
	if (lv->top > lv->nlines - 1)
		lv->top = lv->nlines > 0 ? lv->nlines - 1 : 0;
	if (!lv->path[0]) {
		mvprintw(2, 2, "This step has no output (it never started).");
		return;
	}
	if (lv->nlines == 0) {
		mvprintw(2, 2, "(no output)");
		return;
	}
	for (int i = 0; i < height; i++) {
		int k = lv->top + i;
		move(1 + i, 0);
		clrtoeol();
		if (k >= lv->nlines)
			continue;
		struct buf text = BUF_INIT;
		render(lv, &lv->lines[k], t->cols - 1, &text);
		int err_line = lv->lines[k].file != 0;
		if (err_line && t->color)
			attron(COLOR_PAIR(lv->lines[k].file < 0 ? PAIR_DIM : PAIR_WARN));
		mvprintw(1 + i, 0, "%s", text.data ? text.data : "");
		if (err_line && t->color)
			attroff(COLOR_PAIR(lv->lines[k].file < 0 ? PAIR_DIM : PAIR_WARN));
		buf_free(&text);
	}
}

static int logs_action(struct view *v, struct tui *t, enum tui_action a)
{
	struct logs_view *lv = v->data;
	int page = t->lines - 3, old = lv->top;
	switch (a) {
	case ACT_UP: lv->top--; break;
	case ACT_DOWN: lv->top++; break;
	case ACT_PAGE_UP: lv->top -= page; break;
	case ACT_PAGE_DOWN: lv->top += page; break;
	case ACT_TOP: lv->top = 0; break;
	default: return 0;
	}
	ensure(lv, lv->top + t->lines);
	if (lv->top > lv->nlines - (t->lines - 2))
		lv->top = lv->nlines - (t->lines - 2);
	if (lv->top < 0)
		lv->top = 0;
	return lv->top != old ? TUI_REDRAW : TUI_HANDLED;
}

static void logs_free(struct view *v)
{
	struct logs_view *lv = v->data;
	close_files(lv);
	free(lv->lines);
	free(lv->step);
	free(lv);
}

static const struct view_ops logs_ops = {
	.name = "logs",
	.load = logs_load,
	.title = logs_title,
	.draw = logs_draw,
	.action = logs_action,
	.free = logs_free,
};

struct view *view_logs_new(int64_t run_id, const char *step, int attempt)
{
	struct view *v = calloc(1, sizeof(*v));
	struct logs_view *lv = calloc(1, sizeof(*lv));
	if (!v || !lv) {
		free(v);
		free(lv);
		return NULL;
	}
	lv->run_id = run_id;
	lv->step = strdup(step);
	lv->want_attempt = attempt;
	lv->fd[0] = lv->fd[1] = -1;
	v->ops = &logs_ops;
	v->data = lv;
	return v;
}
