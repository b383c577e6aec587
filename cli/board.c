/* cli/board.c — the live step board of `runlens run`.  The run's name,
 * step names and details are kept terminal-safe (util/text.h): the board
 * writes its own control sequences and no one else's. */
#include "config.h"
#include "cli/board.h"

#include <stdlib.h>
#include <string.h>

#include "core/runs.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/timeutil.h"

struct board_row {
	char *name;
	const char *status; /* static string */
	int attempt, max_attempts;
	char *detail;
	int64_t started, ended; /* monotonic ms; 0 = not yet */
	int64_t retry_at;	/* retrying: monotonic ms of the next attempt */
};

struct board {
	struct board_opts o;
	char *title;
	struct board_row *rows;
	int n;
	int name_w;
	int drawn_lines;
	int64_t start, last_draw;
	int dirty;
};

static const char *const statuses[] = {
	"pending", "running", "retrying", "completed", "cached",
	"failed", "skipped", "interrupted",
};

static const char *intern(const char *status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
		if (strcmp(statuses[i], status) == 0)
			return statuses[i];
	return "pending";
}

static const char *color_of(const char *status)
{
	if (!strcmp(status, "completed") || !strcmp(status, "cached"))
		return "\033[32m";
	if (!strcmp(status, "failed") || !strcmp(status, "interrupted"))
		return "\033[31m";
	if (!strcmp(status, "running"))
		return "\033[36m";
	if (!strcmp(status, "retrying"))
		return "\033[33m";
	return "\033[2m";
}

static const char *glyph_of(const char *status)
{
	if (!strcmp(status, "completed"))
		return "ok";
	if (!strcmp(status, "cached"))
		return "==";
	if (!strcmp(status, "failed"))
		return "!!";
	if (!strcmp(status, "running"))
		return ">>";
	if (!strcmp(status, "retrying"))
		return "<>";
	if (!strcmp(status, "skipped"))
		return "--";
	if (!strcmp(status, "interrupted"))
		return "^C";
	return "..";
}

struct board *board_new(const struct board_opts *o, const char *title,
			char *const *names, int n)
{
	struct board *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->o = *o;
	if (b->o.rows < 5)
		b->o.rows = 24;
	b->title = text_escape_str(title, 0);
	b->rows = calloc((size_t)(n > 0 ? n : 1), sizeof(*b->rows));
	b->n = n;
	b->start = time_mono_ms();
	b->name_w = 4;
	for (int i = 0; i < n; i++) {
		b->rows[i].name = text_escape_str(names[i], 0);
		b->rows[i].status = "pending";
		int w = b->rows[i].name ? (int)strlen(b->rows[i].name) : 0;
		if (w > b->name_w)
			b->name_w = w;
	}
	if (b->name_w > 32)
		b->name_w = 32;
	return b;
}

static void fmt_elapsed(const struct board_row *r, int64_t now, char *buf,
			size_t size)
{
	if (!r->started) {
		buf[0] = '\0';
		return;
	}
	time_duration((r->ended ? r->ended : now) - r->started, buf, size);
}

static void plain_line(struct board *b, const struct board_row *r,
		       int64_t now)
{
	char el[32];
	fmt_elapsed(r, now, el, sizeof el);
	struct buf line = BUF_INIT;
	char st[48];
	runs_step_status(r->status, r->retry_at - now, st, sizeof st);
	buf_printf(&line, "%-*s %s", b->name_w, r->name, st);
	if (!strcmp(r->status, "running") && r->max_attempts > 1)
		buf_printf(&line, " (attempt %d/%d)", r->attempt,
			   r->max_attempts);
	if (r->ended && el[0])
		buf_printf(&line, " in %s", el);
	if (r->detail)
		buf_printf(&line, ": %s", r->detail);
	fprintf(b->o.out, "%s\n", line.data);
	fflush(b->o.out);
	buf_free(&line);
}

void board_step(struct board *b, int i, const char *status, int attempt,
		int max_attempts, const char *detail, int64_t retry_at, int64_t now_ms)
{
	if (!b || i < 0 || i >= b->n)
		return;
	struct board_row *r = &b->rows[i];
	r->status = intern(status);
	r->retry_at = retry_at;
	r->attempt = attempt;
	r->max_attempts = max_attempts;
	free(r->detail);
	r->detail = detail ? text_escape_str(detail, 0) : NULL;
	int active = !strcmp(r->status, "running") ||
		     !strcmp(r->status, "retrying");
	if (active && !r->started)
		r->started = now_ms;
	/* a step that never started (skipped, interrupted while pending)
	 * has no elapsed time */
	if (!active && strcmp(r->status, "pending") != 0 && r->started)
		r->ended = now_ms;
	b->dirty = 1;
	if (!b->o.live)
		plain_line(b, r, now_ms);
}

static int shown_row(const struct board_row *r)
{
	return strcmp(r->status, "completed") != 0 &&
	       strcmp(r->status, "cached") != 0 &&
	       strcmp(r->status, "pending") != 0;
}

static void draw(struct board *b, int64_t now)
{
	struct buf out = BUF_INIT;
	int counts[8] = { 0 };
	for (int i = 0; i < b->n; i++)
		for (int k = 0; k < 8; k++)
			if (b->rows[i].status == statuses[k])
				counts[k]++;
	if (b->drawn_lines > 0)
		buf_printf(&out, "\r\033[%dA", b->drawn_lines);
	char el[32];
	time_duration(now - b->start, el, sizeof el);
	buf_printf(&out, "\033[2K%s%s%s  %d/%d done", b->o.color ? "\033[1m" : "",
		   b->title, b->o.color ? "\033[0m" : "",
		   counts[3] + counts[4], b->n);
	if (counts[1] + counts[2])
		buf_printf(&out, " · %d running", counts[1] + counts[2]);
	if (counts[5])
		buf_printf(&out, " · %d failed", counts[5]);
	if (counts[6])
		buf_printf(&out, " · %d skipped", counts[6]);
	buf_printf(&out, " · %s\n", el);
	int lines = 1;
	int budget = b->o.rows - 2;
	/* all steps when they fit; else the ones that are not done or pending */
	int all = b->n + 1 <= budget;
	int hidden = 0;
	/* the status column fits "retrying in 2m05s" when a row says so */
	int status_w = 11;
	for (int i = 0; i < b->n; i++) {
		char st[48];
		runs_step_status(b->rows[i].status, b->rows[i].retry_at - now, st, sizeof st);
		if ((int)strlen(st) > status_w)
			status_w = (int)strlen(st);
	}
	for (int i = 0; i < b->n; i++) {
		struct board_row *r = &b->rows[i];
		if (!all && !shown_row(r)) {
			hidden++;
			continue;
		}
		if (lines >= budget) {
			hidden++;
			continue;
		}
		char e[32];
		fmt_elapsed(r, now, e, sizeof e);
		char att[32] = "";
		if (r->max_attempts > 1 && r->attempt > 0)
			snprintf(att, sizeof att, "attempt %d/%d", r->attempt,
				 r->max_attempts);
		char st[48];
		runs_step_status(r->status, r->retry_at - now, st, sizeof st);
		buf_printf(&out, "\033[2K  %s%s %-*s%s %-*.*s %8s  %-13s%s\n",
			   b->o.color ? color_of(r->status) : "",
			   glyph_of(r->status), status_w, st,
			   b->o.color ? "\033[0m" : "", b->name_w, b->name_w,
			   r->name, e, att, r->detail ? r->detail : "");
		lines++;
	}
	if (hidden) {
		buf_printf(&out, "\033[2K  … %d more step%s\n", hidden,
			   hidden == 1 ? "" : "s");
		lines++;
	}
	/* clear lines left over from a taller previous frame */
	for (int k = lines; k < b->drawn_lines; k++)
		buf_puts(&out, "\033[2K\n");
	if (b->drawn_lines > lines)
		buf_printf(&out, "\033[%dA", b->drawn_lines - lines);
	b->drawn_lines = lines;
	fwrite(out.data, 1, out.len, b->o.out);
	fflush(b->o.out);
	buf_free(&out);
	b->last_draw = now;
	b->dirty = 0;
}

void board_tick(struct board *b, int64_t now_ms, int force)
{
	if (!b || !b->o.live)
		return;
	if (force || now_ms - b->last_draw >= 100)
		draw(b, now_ms);
}

void board_free(struct board **pb, int64_t now_ms)
{
	if (!pb || !*pb)
		return;
	struct board *b = *pb;
	if (b->o.live)
		draw(b, now_ms);
	for (int i = 0; i < b->n; i++) {
		free(b->rows[i].name);
		free(b->rows[i].detail);
	}
	free(b->rows);
	free(b->title);
	free(b);
	*pb = NULL;
}
