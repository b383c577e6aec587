/* tui/view_logs.c — a step's captured output, paged from the files on
 * disk: lines are indexed only as far as the screen needs, so a 1 GB log
 * opens at once; stdout, then a "── stderr ──" rule, then stderr; each
 * line as a terminal leaves it (util/ansi.c): SGR colours drawn, a \r
 * progress bar in its last state; every other control character, escape
 * sequence and invalid UTF-8 is shown as \xNN; long
 * lines are cut (scroll with Left/Right) or wrapped (w).  A running step is
 * followed: new lines are indexed as the files grow (F toggles), without
 * re-reading what was read.  / searches, n and N move between matches. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/widget_dialog.h"
#include "util/ansi.h"
#include "util/buf.h"

#define CHUNK 65536
#define LINE_MAX_SHOWN 65536 /* bytes of one line rendered when wrapping */

struct line {
	off_t off;
	size_t len;
};

/* A row of the screen: runs of terminal-safe text, each with its colour
 * and attributes (a log's own SGR colours); MORE: the line goes on to the
 * right. */
struct shown_seg {
	char *text;
	int pair, attrs;
};
struct shown_row {
	struct shown_seg *segs;
	int nsegs;
	int more;
};

/* One of the two files: its lines as far as indexed.  A line ends at its
 * newline, or CHUNK bytes on when it has none by then (so memory stays
 * bounded).  Not every line's place is kept: the offset of every
 * STRIDE-th line (marks), and the lines of the strides last looked at
 * (read again from their mark), so a 40-million-line log costs 40,000
 * offsets, not 40 million. */
#define STRIDE 1024
#define NCACHE 2

struct stride_cache {
	int block; /* -1: empty */
	int n;
	struct line *lines;
};

struct logfile {
	char *path;
	int fd;
	off_t *marks; /* marks[b]: where line b * STRIDE starts */
	int nmarks, capmarks;
	int n;	       /* whole lines indexed */
	off_t scanned; /* bytes indexed into whole lines */
	off_t size;    /* size when last looked at */
	int eof;       /* indexed up to the size seen */
	struct stride_cache cache[NCACHE];
	int next_slot;
};
struct logs_view {
	int64_t run_id;
	char *step;
	int attempt;
	int want_attempt; /* 0: the last */
	int running;	  /* the attempt is still running */
	struct logfile f[2];
	int top;	/* first line shown */
	int xoff;	/* columns scrolled to the right */
	int follow;	/* keep the end in view as the files grow */
	int wrap;
	int match;	/* line of the last search match, -1 none */
	char search[256];
	int height;	/* rows shown */
	/* what draw paints (recalc): a message, or rows of safe text */
	const char *msg;
	int msg_pair;
	struct shown_row *rows;
	int nrows;
};

static int open_file(struct logfile *lf)
{
	if (lf->fd < 0 && lf->path)
		lf->fd = open(lf->path, O_RDONLY | O_CLOEXEC);
	return lf->fd;
}

#define READ_BLOCK (1 << 20)
#define FAST_BLOCK 4096

/* The line at REL of the GOT bytes of BUF (which hold the file from a
 * line's start on; FULL: more may follow): its length without the
 * newline, and the bytes it takes; 0 when it is not whole yet. */
static size_t take_line(const char *buf, size_t rel, size_t got, int full, size_t *len)
{
	size_t room = got - rel, look = room < CHUNK ? room : CHUNK;
	const char *nl = memchr(buf + rel, '\n', look);
	if (nl) {
		*len = (size_t)(nl - (buf + rel));
		return *len + 1;
	}
	if (room >= CHUNK) {
		*len = CHUNK; /* no newline in CHUNK bytes: a piece */
		return CHUNK;
	}
	(void)full;
	return 0;
}

/* Newlines in the N bytes at P (8 at a time). */
static int count_nl(const unsigned char *p, size_t n)
{
	const uint64_t nl = 0x0a0a0a0a0a0a0a0aULL, low = 0x7f7f7f7f7f7f7f7fULL;
	int c = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		uint64_t x = w ^ nl;
		uint64_t t = ~(((x & low) + low) | x | low); /* 0x80 where a byte is 0 */
		c += (int)(((t >> 7) * 0x0101010101010101ULL) >> 56); /* the 0x80s, added */
	}
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

static int push_mark(struct logfile *lf, off_t at)
{
	if (lf->nmarks == lf->capmarks) {
		int cap = lf->capmarks ? 2 * lf->capmarks : 64;
		off_t *m = realloc(lf->marks, (size_t)cap * sizeof *m);
		if (!m)
			return -1;
		lf->marks = m;
		lf->capmarks = cap;
	}
	lf->marks[lf->nmarks++] = at;
	return 0;
}

/* One more whole line, starting at lf->scanned, LEN bytes taking USED. */
static int count_line(struct logfile *lf, size_t used)
{
	if (lf->n % STRIDE == 0 && lf->n / STRIDE == lf->nmarks && push_mark(lf, lf->scanned) < 0)
		return -1;
	lf->n++;
	lf->scanned += (off_t)used;
	return 0;
}

/* Index whole lines of LF until it has WANT lines or reaches its end:
 * blocks of the file that cross no mark and hold no long line are only
 * counted, the others walked line by line. */
static void index_file(struct logfile *lf, int want)
{
	if (open_file(lf) < 0) {
		lf->eof = 1;
		return;
	}
	struct stat st;
	if (fstat(lf->fd, &st) == 0)
		lf->size = st.st_size;
	char *buf = NULL;
	while (lf->n < want && lf->scanned < lf->size) {
		if (!buf && !(buf = malloc(READ_BLOCK)))
			break;
		ssize_t got = pread(lf->fd, buf, READ_BLOCK, lf->scanned);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		size_t rel = 0, g = (size_t)got;
		int full = g == READ_BLOCK, stuck = 0, slow_to = 0;
		while (rel < g && lf->n < want) {
			/* the fast way: a block of FAST_BLOCK bytes whose lines
			 * all end in it or after it, none of them a mark's; else
			 * line by line past the mark (or the long line) */
			if (lf->n >= slow_to && rel + FAST_BLOCK <= g) {
				int c = count_nl((const unsigned char *)buf + rel, FAST_BLOCK);
				int next_mark = (lf->n / STRIDE + 1) * STRIDE;
				if (c > 0 && lf->n + c < next_mark && lf->n % STRIDE != 0) {
					const char *last = memrchr(buf + rel, '\n', FAST_BLOCK);
					size_t used = (size_t)(last - (buf + rel)) + 1;
					lf->n += c;
					lf->scanned += (off_t)used;
					rel += used;
					continue;
				}
				slow_to = c > 0 ? (lf->n % STRIDE == 0 ? lf->n + 1 : next_mark + 1)
						: lf->n + 1;
			}
			size_t len, used = take_line(buf, rel, g, full, &len);
			if (!used) {
				stuck = 1;
				break;
			}
			if (count_line(lf, used) < 0) {
				stuck = 1;
				break;
			}
			rel += used;
		}
		if (stuck && !full)
			break; /* a last line without its newline yet */
		if (stuck && rel == 0)
			break;
	}
	free(buf);
	lf->eof = lf->scanned >= lf->size || lf->n < want;
}

/* The lines of stride B, read again from its mark (one of NCACHE kept). */
static const struct stride_cache *stride_of(struct logfile *lf, int b)
{
	int want = lf->n - b * STRIDE < STRIDE ? lf->n - b * STRIDE : STRIDE;
	for (int i = 0; i < NCACHE; i++)
		if (lf->cache[i].lines && lf->cache[i].block == b && lf->cache[i].n == want)
			return &lf->cache[i]; /* (the last stride grows as the file does) */
	struct stride_cache *c = &lf->cache[lf->next_slot];
	lf->next_slot = (lf->next_slot + 1) % NCACHE;
	if (!c->lines && !(c->lines = malloc(STRIDE * sizeof *c->lines)))
		return NULL;
	c->block = -1;
	c->n = 0;
	off_t at = lf->marks[b];
	char *buf = malloc(READ_BLOCK);
	while (buf && c->n < want) {
		ssize_t got = pread(lf->fd, buf, READ_BLOCK, at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		size_t rel = 0, g = (size_t)got;
		while (rel < g && c->n < want) {
			size_t len, used = take_line(buf, rel, g, 1, &len);
			if (!used)
				break;
			c->lines[c->n++] = (struct line){ at + (off_t)rel, len };
			rel += used;
		}
		if (rel == 0)
			break;
		at += (off_t)rel;
	}
	free(buf);
	c->block = b;
	return c;
}

/* Where whole line I (< lf->n) is, and its length; -1 when it cannot be
 * read back. */
static int line_get(struct logfile *lf, int i, off_t *off, size_t *len)
{
	const struct stride_cache *c = stride_of(lf, i / STRIDE);
	if (!c || i % STRIDE >= c->n)
		return -1;
	*off = c->lines[i % STRIDE].off;
	*len = c->lines[i % STRIDE].len;
	return 0;
}

/* A last line without a newline yet (shown, not indexed: it may grow). */
static int partial(const struct logfile *lf)
{
	return lf->size > lf->scanned;
}

static int file_lines(const struct logfile *lf)
{
	return lf->n + partial(lf);
}

/* Lines there are so far: stdout, the rule, stderr. */
static int total(const struct logs_view *lv)
{
	int n = file_lines(&lv->f[0]);
	if (lv->f[1].size > 0)
		n += 1 + file_lines(&lv->f[1]);
	return n;
}

/* Index until line WANT exists (stdout first, stderr once stdout ended). */
static void ensure(struct logs_view *lv, int want)
{
	index_file(&lv->f[0], want);
	if (file_lines(&lv->f[0]) < want || lv->f[0].n < want) {
		int rest = want - file_lines(&lv->f[0]) - 1;
		if (rest < 0)
			rest = 0;
		index_file(&lv->f[1], rest + 1);
	} else if (lv->f[1].fd < 0) {
		/* know whether there is a stderr at all (for the rule) */
		struct stat st;
		if (lv->f[1].path && stat(lv->f[1].path, &st) == 0)
			lv->f[1].size = st.st_size;
	}
}

/* Line K: FILE (0/1, or -1 for the rule), its offset and length. */
static int line_at(struct logs_view *lv, int k, int *file, off_t *off, size_t *len)
{
	struct logfile *o = &lv->f[0], *e = &lv->f[1];
	if (k < o->n) {
		*file = 0;
		return line_get(o, k, off, len);
	}
	if (k == o->n && partial(o)) {
		*file = 0;
		*off = o->scanned;
		*len = (size_t)(o->size - o->scanned);
		return 0;
	}
	k -= file_lines(o);
	if (e->size <= 0)
		return -1;
	if (k == 0) {
		*file = -1;
		*off = 0;
		*len = 0;
		return 0;
	}
	k--;
	if (k < e->n) {
		*file = 1;
		return line_get(e, k, off, len);
	}
	if (k == e->n && partial(e)) {
		*file = 1;
		*off = e->scanned;
		*len = (size_t)(e->size - e->scanned);
		return 0;
	}
	return -1;
}

static unsigned char *read_line(struct logs_view *lv, int file, off_t off, size_t len,
				size_t cap, size_t *got)
{
	size_t want = len < cap ? len : cap;
	unsigned char *data = malloc(want + 1);
	*got = 0;
	if (!data)
		return NULL;
	ssize_t n = pread(lv->f[file].fd, data, want, off);
	*got = n > 0 ? (size_t)n : 0;
	data[*got] = '\0';
	return data;
}

static void close_files(struct logs_view *lv)
{
	for (int i = 0; i < 2; i++) {
		struct logfile *lf = &lv->f[i];
		if (lf->fd >= 0)
			close(lf->fd);
		free(lf->path);
		free(lf->marks);
		for (int c = 0; c < NCACHE; c++)
			free(lf->cache[c].lines);
		memset(lf, 0, sizeof *lf);
		lf->fd = -1;
	}
}

static int logs_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct logs_view *lv = v->data;
	struct store_step_run st = { 0 };
	struct store_attempt *atts = NULL;
	int n = 0, rc = -1;
	if (store_step_run_get(t->store, lv->run_id, lv->step, &st, err) < 0)
		goto cleanup;
	if (store_attempts_of(t->store, st.id, &atts, &n, err) < 0)
		goto cleanup;
	if (n == 0 && st.cached_from) {
		store_attempts_free(atts, n);
		atts = NULL;
		if (store_attempts_of(t->store, st.cached_from, &atts, &n, err) < 0)
			goto cleanup;
	}
	char *paths[2] = { NULL, NULL };
	int attempt = 0, running = 0;
	if (n > 0) {
		int k = n - 1;
		for (int i = 0; i < n; i++)
			if (atts[i].number == lv->want_attempt)
				k = i;
		attempt = atts[k].number;
		running = atts[k].status && !strcmp(atts[k].status, "running");
		paths[0] = atts[k].stdout_path;
		paths[1] = atts[k].stderr_path;
	}
	/* the same files as before: keep the index, it only grows */
	int same = attempt == lv->attempt;
	for (int i = 0; i < 2 && same; i++)
		same = (!paths[i] && !lv->f[i].path) ||
		       (paths[i] && lv->f[i].path && !strcmp(paths[i], lv->f[i].path));
	if (!same) {
		close_files(lv);
		for (int i = 0; i < 2; i++)
			lv->f[i].path = paths[i] ? strdup(paths[i]) : NULL;
		lv->top = 0;
		lv->match = -1;
	}
	if (running && !lv->running && lv->top == 0)
		lv->follow = 1; /* a running step: follow it, like tail -f */
	lv->running = running;
	lv->attempt = attempt;
	rc = 0;
cleanup:
	store_attempts_free(atts, n);
	store_step_run_clear(&st);
	return rc;
}

static void logs_title(struct view *v, char *buf, size_t size)
{
	struct logs_view *lv = v->data;
	snprintf(buf, size, "Logs — run %lld, step %s, attempt %d%s%s%s", (long long)lv->run_id,
		 lv->step, lv->attempt, lv->running ? " · running" : "",
		 lv->follow ? " · following (F stops)" : "", lv->wrap ? " · wrapped" : "");
}

/* Keep the end in view. */
static void to_end(struct logs_view *lv, int height)
{
	ensure(lv, INT_MAX);
	lv->top = total(lv) - height;
	if (lv->top < 0)
		lv->top = 0;
}

static void rows_clear(struct logs_view *lv)
{
	for (int i = 0; i < lv->nrows; i++) {
		for (int k = 0; k < lv->rows[i].nsegs; k++)
			free(lv->rows[i].segs[k].text);
		free(lv->rows[i].segs);
	}
	free(lv->rows);
	lv->rows = NULL;
	lv->nrows = 0;
}

/* A new row of one run of TEXT. */
static void add_row(struct logs_view *lv, struct buf *text, int pair, int attrs, int more)
{
	char *s = text->data ? buf_steal(text) : strdup("");
	struct shown_seg *seg = malloc(sizeof *seg);
	if (s && seg) {
		*seg = (struct shown_seg){ s, pair, attrs };
		lv->rows[lv->nrows++] = (struct shown_row){ seg, 1, more };
	} else {
		free(s);
		free(seg);
		buf_free(text);
	}
}

/* The curses colour pair and attributes of a cell's ANSI attributes, on
 * a line whose own colour is PAIR. */
static void cell_look(unsigned attr, int pair, int *cpair, int *cattrs)
{
	*cpair = (attr & ANSI_COLOR_MASK) ? PAIR_ANSI + (int)(attr & ANSI_COLOR_MASK) - 1 : pair;
	*cattrs = ((attr & ANSI_BOLD) ? A_BOLD : 0) | ((attr & ANSI_DIM) ? A_DIM : 0) |
		  ((attr & ANSI_UNDERLINE) ? A_UNDERLINE : 0) |
		  ((attr & ANSI_REVERSE) ? A_REVERSE : 0);
}

/* A row of the cells of L from column SKIP, at most WIDTH columns, runs
 * of one look each; *more: the cells went on. */
static void add_cells_row(struct logs_view *lv, const struct ansi_line *l, int skip, int width,
			  int pair, int attrs, int more_after, int *more)
{
	struct shown_row *row = &lv->rows[lv->nrows];
	struct buf text = BUF_INIT;
	int col = 0, cur_pair = -1, cur_attrs = 0, cap = 0;
	*more = 0;
	memset(row, 0, sizeof *row);
	for (int i = 0; i <= l->n; i++) {
		int p = 0, a = 0, end = i == l->n;
		const struct ansi_cell *c = end ? NULL : &l->cells[i];
		if (c && col + c->cols <= skip) {
			col += c->cols;
			continue;
		}
		if (c && col - skip + c->cols > width) {
			*more = 1;
			end = 1;
		}
		if (c && !end)
			cell_look(c->attr, pair, &p, &a);
		if (end || p != cur_pair || (a | attrs) != cur_attrs) {
			if (cur_pair >= 0 || end) {
				if (row->nsegs == cap) {
					cap = cap ? 2 * cap : 4;
					struct shown_seg *g = realloc(row->segs, (size_t)cap * sizeof *g);
					if (!g)
						break;
					row->segs = g;
				}
				char *t = text.data ? buf_steal(&text) : strdup("");
				row->segs[row->nsegs++] =
					(struct shown_seg){ t, cur_pair < 0 ? pair : cur_pair, cur_attrs };
			}
			if (end)
				break;
			cur_pair = p;
			cur_attrs = a | attrs;
		}
		buf_append(&text, c->text, c->len);
		col += c->cols;
	}
	buf_free(&text);
	row->more = *more || more_after;
	lv->nrows++;
}

/* Where the last state of a line redrawn with \r starts in DATA (GOT
 * bytes): just after the first \r of it that is not its last byte, or 0. */
static size_t redrawn_from(const unsigned char *data, size_t got)
{
	const unsigned char *cr = memchr(data, '\r', got);
	return cr && (size_t)(cr - data) + 1 < got ? (size_t)(cr - data) : 0;
}

/* The rows of line K (FILE, OFF, LEN) from row Y: one, or as many as it
 * wraps to; the next row.  Drawn as a terminal leaves it (util/ansi.c):
 * its colours, a \r progress bar in its last state.  A line longer than
 * what is read of it that redraws itself with \r is read from its end. */
static int line_rows(struct logs_view *lv, int k, int file, off_t off, size_t len, int y,
		     int width)
{
	int pair = file == 1 ? PAIR_WARN : 0, attrs = k == lv->match ? A_REVERSE : 0;
	size_t got, from = 0;
	size_t cap = lv->wrap ? LINE_MAX_SHOWN : (size_t)(lv->xoff + width) * 4 + 8;
	unsigned char *data = read_line(lv, file, off, len, cap, &got);
	if (!data)
		return lv->height + 1;
	int cut = len > got;
	if (cut) {
		/* the line's last LINE_MAX_SHOWN bytes: a redrawn line ends
		 * in its last state */
		size_t tail = len < LINE_MAX_SHOWN ? len : LINE_MAX_SHOWN, tgot;
		unsigned char *t = read_line(lv, file, off + (off_t)(len - tail), tail, tail, &tgot);
		size_t at = t ? redrawn_from(t, tgot) : 0;
		if (t && (at > 0 || (tgot > 0 && t[0] == '\r'))) {
			free(data);
			data = t;
			from = at;
			got = tgot;
			cut = 0;
		} else {
			free(t);
		}
	}
	struct ansi_line l = { 0 };
	if (ansi_render(data + from, got - from, &l) < 0) {
		free(data);
		return lv->height + 1;
	}
	int skip = lv->wrap ? 0 : lv->xoff, more = 1;
	while (more && y <= lv->height) {
		add_cells_row(lv, &l, skip, width, pair, attrs, !lv->wrap && cut, &more);
		y++;
		if (!lv->wrap)
			break;
		skip += width;
	}
	ansi_line_free(&l);
	free(data);
	return y;
}

/* Index as far as the screen needs and read the lines it shows. */
static void logs_recalc(struct view *v, struct tui *t)
{
	struct logs_view *lv = v->data;
	int width = t->cols - 1;
	lv->height = t->lines - 2;
	rows_clear(lv);
	lv->msg = NULL;
	if (lv->follow)
		to_end(lv, lv->height);
	ensure(lv, lv->top + lv->height + 1);
	if (!lv->f[0].path && !lv->f[1].path) {
		lv->msg = "This step has no output (it never started).";
		lv->msg_pair = 0;
		return;
	}
	if (total(lv) == 0) {
		lv->msg = lv->running ? "(no output yet: new lines show up here as they are written)"
				      : "(no output)";
		lv->msg_pair = PAIR_DIM;
		return;
	}
	if (!(lv->rows = calloc((size_t)lv->height + 1, sizeof(*lv->rows))))
		return;
	for (int k = lv->top, y = 1; y <= lv->height; k++) {
		int file;
		off_t off;
		size_t len;
		if (line_at(lv, k, &file, &off, &len) < 0)
			break;
		if (file < 0) {
			struct buf rule = BUF_INIT;
			buf_puts(&rule, t->utf8 ? "── stderr ──" : "-- stderr --");
			add_row(lv, &rule, PAIR_DIM, 0, 0);
			y++;
			continue;
		}
		y = line_rows(lv, k, file, off, len, y, width);
	}
}

static void logs_draw(struct view *v, struct tui *t)
{
	struct logs_view *lv = v->data;
	int width = t->cols - 1;
	if (lv->msg) {
		tui_put(t, 2, 2, t->cols - 4, lv->msg, lv->msg_pair, 0);
		return;
	}
	for (int i = 0; i < lv->nrows; i++) {
		const struct shown_row *r = &lv->rows[i];
		for (int k = 0, x = 0; k < r->nsegs && x < width; k++) {
			const struct shown_seg *g = &r->segs[k];
			tui_put(t, 1 + i, x, width - x, g->text, g->pair, g->attrs);
			x += fmt_width(g->text);
		}
		if (r->more)
			tui_put(t, 1 + i, width, 1, t->utf8 ? "…" : ">", PAIR_DIM, 0);
	}
}

/* Does line DATA (LEN bytes) show SEARCH on screen?  Printable ASCII is
 * shown as it is; anything else is escaped first (\xNN), as drawn. */
static int line_matches(const unsigned char *data, size_t len, const char *search,
			struct buf *scratch)
{
	if (len > LINE_MAX_SHOWN)
		len = LINE_MAX_SHOWN;
	buf_reset(scratch);
	size_t i = 0;
	while (i < len && data[i] >= 0x20 && data[i] < 0x7f)
		i++;
	if (i == len) {
		buf_append(scratch, data, len);
	} else {
		int more;
		fmt_safe(data, len, 0, INT_MAX / 2, scratch, &more);
	}
	return scratch->data && strcasestr(scratch->data, search) != NULL;
}

#define SEARCH_BATCH 4096      /* lines indexed and read at once */
#define SEARCH_READ (1 << 20) /* bytes read at once */
#define SEARCH_PROGRESS (16 << 20) /* bytes between looks at the keyboard */

/* Find SEARCH from line FROM in direction DIR (case-insensitive); -1 when
 * absent, -2 when a key stopped it (*stopped_at: the line reached).  Reads
 * runs of lines of one file in 1 MB pieces, so a 1 GB log is searched in
 * seconds; every 16 MB it says how far it got and looks for a key. */
static int find(struct logs_view *lv, struct tui *t, int from, int dir, int *stopped_at)
{
	struct buf scratch = BUF_INIT;
	unsigned char *chunk = NULL;
	long long since = 0;
	int result = -1;
	for (int k = from; k >= 0; ) {
		if (dir > 0)
			ensure(lv, k + SEARCH_BATCH);
		int file;
		off_t off;
		size_t len;
		if (line_at(lv, k, &file, &off, &len) < 0)
			break;
		if (file < 0) {
			k += dir;
			continue;
		}
		/* the lines of FILE from K on (or back from K) that fit in one read */
		struct logfile *lf = &lv->f[file];
		int base = file == 0 ? 0 : file_lines(&lv->f[0]) + 1;
		int first = k - base, last = first; /* line numbers in LF */
		off_t from_off = off, to_off = off + (off_t)len, o2;
		size_t l2;
		if (first < lf->n) {
			if (dir > 0)
				while (last + 1 < lf->n && line_get(lf, last + 1, &o2, &l2) == 0 &&
				       o2 + (off_t)l2 - from_off <= SEARCH_READ) {
					last++;
					to_off = o2 + (off_t)l2;
				}
			else
				while (first > 0 && line_get(lf, first - 1, &o2, &l2) == 0 &&
				       to_off - o2 <= SEARCH_READ) {
					first--;
					from_off = o2;
				}
		}
		int lo = first, hi = last;
		size_t span = (size_t)(to_off - from_off);
		if (span > SEARCH_READ) {
			/* one long line: look at what the screen would show of it */
			span = SEARCH_READ;
		}
		if (!chunk && !(chunk = malloc(SEARCH_READ)))
			break;
		ssize_t got = pread(lf->fd, chunk, span, from_off);
		if (got < 0)
			break;
		for (int i = dir > 0 ? lo : hi; dir > 0 ? i <= hi : i >= lo; i += dir) {
			off_t o = off;
			size_t l = len;
			if (i < lf->n && line_get(lf, i, &o, &l) < 0)
				continue;
			size_t at = (size_t)(o - from_off);
			if (at > (size_t)got)
				continue;
			if (l > (size_t)got - at)
				l = (size_t)got - at;
			if (line_matches(chunk + at, l, lv->search, &scratch)) {
				result = base + i;
				goto done;
			}
		}
		k = dir > 0 ? base + hi + 1 : base + lo - 1;
		since += got;
		if (since >= SEARCH_PROGRESS) {
			since = 0;
			char msg[160];
			snprintf(msg, sizeof msg,
				 "searching for '%.60s' … line %d (any key stops)", lv->search, k + 1);
			if (tui_busy(t, msg)) {
				*stopped_at = k;
				result = -2;
				goto done;
			}
		}
	}
done:
	free(chunk);
	buf_free(&scratch);
	return result;
}

static int do_search(struct logs_view *lv, struct tui *t, enum tui_action a)
{
	if (a == ACT_SEARCH) {
		char text[256];
		if (!tui_prompt(t, "search the log:", NULL, text, sizeof text) || !text[0])
			return TUI_REDRAW;
		snprintf(lv->search, sizeof lv->search, "%s", text);
		lv->match = lv->top - 1;
	}
	if (!lv->search[0]) {
		tui_notice(t, "no search yet: / searches");
		return TUI_REDRAW;
	}
	int dir = a == ACT_PREV ? -1 : 1, stopped = 0;
	int k = find(lv, t, lv->match + dir, dir, &stopped);
	if (k == -2) {
		/* stopped by a key: n/N go on from there */
		lv->match = stopped - dir;
		tui_notice(t, "search for '%s' stopped at line %d: n goes on", lv->search,
			   stopped + 1);
		return TUI_REDRAW;
	}
	if (k < 0) {
		tui_notice(t, "'%s': no more matches %s", lv->search, dir > 0 ? "below" : "above");
		return TUI_REDRAW;
	}
	lv->match = k;
	lv->follow = 0;
	/* show the match a few lines from the top */
	lv->top = k > 2 ? k - 2 : 0;
	tui_notice(t, "'%s' at line %d", lv->search, k + 1);
	return TUI_REDRAW;
}

static int logs_scroll(struct view *v, struct tui *t, enum tui_action a)
{
	struct logs_view *lv = v->data;
	int height = t->lines - 2, page = height - 1, old = lv->top, oldx = lv->xoff;
	switch (a) {
	case ACT_UP: lv->top--; break;
	case ACT_DOWN: lv->top++; break;
	case ACT_PAGE_UP: lv->top -= page; break;
	case ACT_PAGE_DOWN: lv->top += page; break;
	case ACT_TOP: lv->top = 0; break;
	case ACT_END:
		to_end(lv, height);
		return TUI_REDRAW;
	case ACT_LEFT: lv->xoff = lv->xoff > 8 ? lv->xoff - 8 : 0; break;
	case ACT_RIGHT:
		if (!lv->wrap)
			lv->xoff += 8;
		break;
	default: return 0;
	}
	if (a == ACT_UP || a == ACT_PAGE_UP || a == ACT_TOP)
		lv->follow = 0;
	ensure(lv, lv->top + height + 1);
	if (lv->top > total(lv) - height)
		lv->top = total(lv) - height;
	if (lv->top < 0)
		lv->top = 0;
	return lv->top != old || lv->xoff != oldx ? TUI_REDRAW : TUI_HANDLED;
}

static int logs_follow(struct view *v, struct tui *t, enum tui_action a)
{
	struct logs_view *lv = v->data;
	(void)a;
	lv->follow = !lv->follow;
	tui_notice(t, lv->follow ? "following the end of the log" : "stopped following");
	return TUI_REDRAW;
}

static int logs_wrap(struct view *v, struct tui *t, enum tui_action a)
{
	struct logs_view *lv = v->data;
	(void)a;
	lv->wrap = !lv->wrap;
	lv->xoff = 0;
	tui_notice(t, lv->wrap ? "long lines wrapped" : "long lines cut (Left/Right scroll)");
	return TUI_REDRAW;
}

static int logs_search(struct view *v, struct tui *t, enum tui_action a)
{
	return do_search(v->data, t, a);
}

/* While following: look at the sizes; index what was appended. */
static int logs_tick(struct view *v, struct tui *t)
{
	struct logs_view *lv = v->data;
	(void)t;
	if (!lv->follow)
		return 0;
	int changed = 0;
	for (int i = 0; i < 2; i++) {
		struct stat st;
		if (lv->f[i].path && stat(lv->f[i].path, &st) == 0 && st.st_size != lv->f[i].size)
			changed = 1;
	}
	return changed ? TUI_REDRAW : 0;
}

static void logs_free(struct view *v)
{
	struct logs_view *lv = v->data;
	close_files(lv);
	rows_clear(lv);
	free(lv->step);
	free(lv);
}

static const struct view_action logs_actions[] = {
	{ .action = ACT_SEARCH, .run = logs_search, .help = "search the log", .hint = "search" },
	{ .action = ACT_NEXT, .run = logs_search, .help = "the next match", .hint = "next/prev" },
	{ .action = ACT_PREV, .run = logs_search, .help = "the previous match",
	  .hint = "next/prev" },
	{ .action = ACT_END, .run = logs_scroll, .help = "the end of the log", .hint = "end" },
	{ .action = ACT_FOLLOW, .run = logs_follow,
	  .help = "follow the end of a running step's log", .hint = "follow" },
	{ .action = ACT_WRAP, .run = logs_wrap, .help = "wrap long lines on/off", .hint = "wrap" },
	{ .action = ACT_LEFT, .run = logs_scroll, .help = "scroll left", .hint = "scroll" },
	{ .action = ACT_RIGHT, .run = logs_scroll, .help = "scroll right", .hint = "scroll" },
	{ .action = ACT_UP, .run = logs_scroll, .help = "a line up" },
	{ .action = ACT_DOWN, .run = logs_scroll, .help = "a line down" },
	{ .action = ACT_PAGE_UP, .run = logs_scroll, .help = "a page up" },
	{ .action = ACT_PAGE_DOWN, .run = logs_scroll, .help = "a page down" },
	{ .action = ACT_TOP, .run = logs_scroll, .help = "the first line" },
};

const struct view_ops view_logs_ops = {
	.name = "Logs",
	.load = logs_load,
	.recalc = logs_recalc,
	.title = logs_title,
	.draw = logs_draw,
	.free = logs_free,
	.actions = logs_actions,
	.nactions = sizeof logs_actions / sizeof logs_actions[0],
	.tick = logs_tick,
};

static void logs_free_data(void *data)
{
	struct logs_view *lv = data;
	free(lv->step);
	free(lv);
}

struct view *view_logs_new(int64_t run_id, const char *step, int attempt)
{
	struct logs_view *lv = calloc(1, sizeof(*lv));
	if (lv && !(lv->step = strdup(step))) {
		free(lv);
		lv = NULL;
	}
	if (lv) {
		lv->run_id = run_id;
		lv->want_attempt = attempt;
		lv->match = -1;
		lv->f[0].fd = lv->f[1].fd = -1;
	}
	return view_new(&view_logs_ops, lv, logs_free_data);
}
