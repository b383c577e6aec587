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

#include "core/exec/capture.h"
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
/* A run of one stream's bytes, in the order the two were written
 * (core/exec/capture.h's order file): the lines of FILE starting in
 * [start, end) are lines CUM… of the one stream. */
struct seg {
	int file;
	off_t start, end;
	int first, count; /* FILE's line numbers */
	int cum;	  /* the one stream's line number of the first */
};

enum { SHOW_BOTH, SHOW_STDOUT, SHOW_STDERR };

struct logs_view {
	int64_t run_id;
	char *step;
	int attempt;
	int want_attempt; /* 0: the last */
	int running;	  /* the attempt is still running */
	struct logfile f[2];
	int show; /* SHOW_*: o and e toggle one stream alone */
	/* the order of the two (both shown, the attempt has an order file):
	 * its runs read so far, then what each file holds beyond them */
	char *order_path;
	int merged;
	struct seg *segs;
	int nsegs, capsegs;
	off_t order_read;  /* bytes of the order file parsed */
	off_t covered[2];  /* bytes of each log its runs cover */
	int seg_lines;	   /* lines in segs */
	int seg_open;	   /* the last run's lines are not all counted yet */
	struct seg tail[2]; /* beyond the runs: stdout's, then stderr's */
	int top;	/* first line shown */
	int xoff;	/* columns scrolled to the right */
	int follow;	/* keep the end in view as the files grow */
	int wrap;
	int match;	/* line of the last search match, -1 none */
	int resume;	/* a search stopped by a key: n/N go on from match */
	int bottom;	/* the last line on the screen (some of its rows) */
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
 * line's start on): its length without the newline, and the bytes it
 * takes; 0 when it is not whole in BUF. */
static size_t take_line(const char *buf, size_t rel, size_t got, size_t *len)
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
static void index_file_until(struct logfile *lf, int want, off_t until);

static void index_file(struct logfile *lf, int want)
{
	index_file_until(lf, want, (off_t)1 << 62);
}

/* The same, also stopping once the lines reach byte UNTIL. */
static void index_file_until(struct logfile *lf, int want, off_t until)
{
	if (open_file(lf) < 0) {
		lf->eof = 1;
		return;
	}
	struct stat st;
	if (fstat(lf->fd, &st) == 0)
		lf->size = st.st_size;
	char *buf = NULL;
	while (lf->n < want && lf->scanned < lf->size && lf->scanned < until) {
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
			size_t len, used = take_line(buf, rel, g, &len);
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
			size_t len, used = take_line(buf, rel, g, &len);
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
static int total_apart(const struct logs_view *lv)
{
	int n = file_lines(&lv->f[0]);
	if (lv->f[1].size > 0)
		n += 1 + file_lines(&lv->f[1]);
	return n;
}

/* Index until line WANT exists (stdout first, stderr once stdout ended). */
static void ensure_apart(struct logs_view *lv, int want)
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
static int line_at_apart(struct logs_view *lv, int k, int *file, off_t *off, size_t *len)
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

/* Line I of LF (whole, or the partial last one): where, how long. */
static int file_line(struct logfile *lf, int i, off_t *off, size_t *len)
{
	if (i < lf->n)
		return line_get(lf, i, off, len);
	if (i == lf->n && partial(lf)) {
		*off = lf->scanned;
		*len = (size_t)(lf->size - lf->scanned);
		return 0;
	}
	return -1;
}

/* How many lines of LF (the partial one too) start before byte X;
 * indexes LF that far. */
static int lines_before(struct logfile *lf, off_t x)
{
	index_file_until(lf, INT_MAX, x);
	if (x > lf->scanned)
		return lf->n + (partial(lf) ? 1 : 0);
	/* the stride of the last mark before X, then its lines */
	int lo = 0, hi = lf->nmarks - 1;
	if (hi < 0 || lf->marks[0] >= x)
		return 0;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (lf->marks[mid] < x)
			lo = mid;
		else
			hi = mid - 1;
	}
	const struct stride_cache *c = stride_of(lf, lo);
	int k = 0;
	while (c && k < c->n && c->lines[k].off < x)
		k++;
	return lo * STRIDE + k;
}

/* Count G's lines as far as line WANT of the one stream needs (a run
 * of 40 million lines is not indexed to its end to show its first
 * screen); 1 when all are counted. */
static int seg_count(struct logs_view *lv, struct seg *g, int want)
{
	struct logfile *lf = &lv->f[g->file];
	long long need = (long long)g->first + (want - g->cum) + 1;
	index_file_until(lf, need > INT_MAX ? INT_MAX : (int)need, g->end);
	if (lf->scanned >= g->end || (lf->scanned >= lf->size && lf->size <= g->end)) {
		g->count = lines_before(lf, g->end) - g->first; /* indexed: no more reading */
		return 1;
	}
	g->count = lf->n - g->first;
	return 0;
}

/* Both logs opened and their sizes as they are now. */
static void stat_files(struct logs_view *lv)
{
	for (int i = 0; i < 2; i++)
		if (open_file(&lv->f[i]) >= 0) {
			struct stat st;
			if (fstat(lv->f[i].fd, &st) == 0)
				lv->f[i].size = st.st_size;
		}
}

/* Count on the last run read if its lines were not all counted (as far
 * as WANT needs); 1 when they still are not. */
static int recount_last_run(struct logs_view *lv, int want)
{
	if (lv->nsegs == 0 || lv->segs[lv->nsegs - 1].count < 0)
		return 0;
	struct seg *g = &lv->segs[lv->nsegs - 1];
	if (lv->seg_open) {
		lv->seg_lines -= g->count;
		lv->seg_open = !seg_count(lv, g, want);
		lv->seg_lines += g->count;
	}
	return lv->seg_open;
}

/* A new run of N bytes of FILE (the order file's next line), its lines
 * counted as far as WANT needs.  0; -1 when its lines are not all
 * counted yet, or no memory: read no more runs for now. */
static int add_run(struct logs_view *lv, int file, long long n, int want)
{
	if (lv->nsegs == lv->capsegs) {
		int cap = lv->capsegs ? 2 * lv->capsegs : 64;
		struct seg *g = realloc(lv->segs, (size_t)cap * sizeof *g);
		if (!g)
			return -1;
		lv->segs = g;
		lv->capsegs = cap;
	}
	struct seg *g = &lv->segs[lv->nsegs++];
	g->file = file;
	g->start = lv->covered[file];
	g->end = g->start + (off_t)n;
	lv->covered[file] = g->end;
	g->first = lines_before(&lv->f[file], g->start);
	g->cum = lv->seg_lines;
	lv->seg_open = !seg_count(lv, g, want);
	lv->seg_lines += g->count;
	return lv->seg_open ? -1 : 0;
}

/* The runs of the order file's whole lines in BUF ("o N" or "e N", NUL
 * ended) while the lines so far are fewer than WANT; returns where it
 * stopped (BUF itself: at a line being written). */
static char *add_runs(struct logs_view *lv, char *buf, int want)
{
	char *p = buf, *nl;
	while ((nl = strchr(p, '\n')) && lv->seg_lines < want) {
		*nl = '\0';
		int file;
		long long n = capture_order_run(p, &file);
		lv->order_read += nl + 1 - p;
		p = nl + 1;
		if (n > 0 && add_run(lv, file, n, want) < 0)
			break;
	}
	return p;
}

/* Read the order file's new runs while the lines so far are fewer than
 * WANT. */
static void read_order(struct logs_view *lv, int want)
{
	int fd = lv->order_path ? open(lv->order_path, O_RDONLY | O_CLOEXEC) : -1;
	char buf[4096];
	while (fd >= 0 && lv->seg_lines < want && !lv->seg_open) {
		ssize_t got = pread(fd, buf, sizeof buf - 1, lv->order_read);
		if (got <= 0)
			break;
		buf[got] = '\0';
		if (add_runs(lv, buf, want) == buf)
			break; /* a line being written */
	}
	if (fd >= 0)
		close(fd);
}

/* What each log holds beyond the runs (the run going on: one stream, but
 * which is not written yet), counted as far as WANT needs. */
static void count_tails(struct logs_view *lv, int want)
{
	int cum = lv->seg_lines;
	for (int i = 0; i < 2; i++) {
		struct seg *g = &lv->tail[i];
		if (lv->seg_open) { /* the runs are not all counted yet */
			g->count = 0;
			g->cum = cum;
			continue;
		}
		struct logfile *lf = &lv->f[i];
		g->file = i;
		g->start = lv->covered[i];
		g->end = lf->size > g->start ? lf->size : g->start;
		g->first = lines_before(lf, g->start);
		if (cum < want) {
			long long w = (long long)g->first + (want - cum);
			index_file(lf, w > INT_MAX ? INT_MAX : (int)w);
		}
		g->count = file_lines(lf) - g->first;
		if (g->count < 0)
			g->count = 0;
		g->cum = cum;
		cum += g->count;
	}
}

/* Read the order file's new runs (while the lines so far are fewer than
 * WANT), then what each log holds beyond them. */
static void ensure_merged(struct logs_view *lv, int want)
{
	stat_files(lv);
	if (!recount_last_run(lv, want))
		read_order(lv, want);
	count_tails(lv, want);
}

/* The run of the one stream that line K is in (NULL: none). */
static const struct seg *seg_of(const struct logs_view *lv, int k)
{
	int lo = 0, hi = lv->nsegs - 1;
	if (k < lv->seg_lines) {
		while (lo < hi) {
			int mid = (lo + hi + 1) / 2;
			if (lv->segs[mid].cum <= k)
				lo = mid;
			else
				hi = mid - 1;
		}
		/* runs with no line start share their cum: the one holding K */
		while (lo < lv->nsegs && lv->segs[lo].cum + lv->segs[lo].count <= k)
			lo++;
		return lo < lv->nsegs ? &lv->segs[lo] : NULL;
	}
	for (int i = 0; i < 2; i++)
		if (k >= lv->tail[i].cum && k < lv->tail[i].cum + lv->tail[i].count)
			return &lv->tail[i];
	return NULL;
}

/* Lines there are so far, in what is shown. */
static int total(const struct logs_view *lv)
{
	if (lv->show != SHOW_BOTH)
		return file_lines(&lv->f[lv->show == SHOW_STDOUT ? 0 : 1]);
	if (lv->merged)
		return lv->seg_lines + lv->tail[0].count + lv->tail[1].count;
	return total_apart(lv);
}

/* Index until line WANT of what is shown exists. */
static void ensure(struct logs_view *lv, int want)
{
	if (lv->show != SHOW_BOTH) {
		index_file(&lv->f[lv->show == SHOW_STDOUT ? 0 : 1], want);
		return;
	}
	if (lv->merged)
		ensure_merged(lv, want);
	else
		ensure_apart(lv, want);
}

/* Line K of what is shown: FILE (0/1, -1 for the stderr rule), where it
 * is, how long; *BASE (may be NULL): K minus FILE's line number, and
 * *LAST: FILE's last line number in the same stretch (for search). */
static int line_span(struct logs_view *lv, int k, int *file, off_t *off, size_t *len,
		     int *base, int *last)
{
	int b = 0, l = INT_MAX;
	int rc;
	if (lv->show != SHOW_BOTH) {
		*file = lv->show == SHOW_STDOUT ? 0 : 1;
		rc = file_line(&lv->f[*file], k, off, len);
	} else if (lv->merged) {
		const struct seg *g = seg_of(lv, k);
		if (!g)
			return -1;
		*file = g->file;
		b = g->cum - g->first;
		l = g->first + g->count - 1;
		rc = file_line(&lv->f[g->file], k - b, off, len);
	} else {
		rc = line_at_apart(lv, k, file, off, len);
		if (*file == 1)
			b = file_lines(&lv->f[0]) + 1;
	}
	if (base)
		*base = b;
	if (last)
		*last = l;
	return rc;
}

static int line_at(struct logs_view *lv, int k, int *file, off_t *off, size_t *len)
{
	return line_span(lv, k, file, off, len, NULL, NULL);
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

static void merged_clear(struct logs_view *lv)
{
	free(lv->segs);
	free(lv->order_path);
	lv->segs = NULL;
	lv->order_path = NULL;
	lv->nsegs = lv->capsegs = lv->seg_lines = lv->seg_open = 0;
	lv->order_read = 0;
	lv->covered[0] = lv->covered[1] = 0;
	memset(lv->tail, 0, sizeof lv->tail);
	lv->merged = 0;
}

static void close_files(struct logs_view *lv)
{
	merged_clear(lv);
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

/* The order file beside STDOUT_PATH when there is one (malloc'd), else
 * NULL. */
static char *order_path_of(const char *stdout_path)
{
	char *path = capture_order_path(stdout_path);
	struct stat ost;
	if (path && stat(path, &ost) == 0)
		return path;
	free(path);
	return NULL;
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
	/* the capture makes the order file with the first byte: a view
	 * opened on a step that had written nothing yet looks for it again */
	char *order = paths[0] && (!same || (!lv->merged && running)) ? order_path_of(paths[0])
									: NULL;
	int order_came = same && !lv->merged && running && order;
	if (!same || order_came) {
		close_files(lv);
		for (int i = 0; i < 2; i++)
			lv->f[i].path = paths[i] ? strdup(paths[i]) : NULL;
		/* the order the two streams were written in, when the capture
		 * kept it (core/exec/capture.h): shown as one stream */
		if (order) {
			lv->order_path = order;
			order = NULL;
			lv->merged = 1;
		}
		if (!order_came)
			lv->top = 0;
		lv->match = -1;
	}
	free(order);
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
	const char *what = lv->show == SHOW_STDOUT	 ? " · stdout only (o: both)"
			   : lv->show == SHOW_STDERR ? " · stderr only (e: both)"
						 : "";
	snprintf(buf, size, "Logs — run %lld, step %s, attempt %d%s%s%s%s", (long long)lv->run_id,
		 lv->step, lv->attempt, what, lv->running ? " · running" : "",
		 lv->follow ? " · following (F stops)" : "", lv->wrap ? " · wrapped" : "");
}

/* Keep the end in view. */
static int line_cells(struct logs_view *lv, int file, off_t off, size_t len, size_t cap,
		      struct ansi_line *l, int *cut);

/* The rows line K takes on a screen WIDTH wide when lines wrap. */
static int rows_of(struct logs_view *lv, int k, int width)
{
	int file;
	off_t off;
	size_t len;
	if (line_at(lv, k, &file, &off, &len) < 0 || file < 0 || width < 1)
		return 1;
	/* what line_rows draws: a cell that would cross a row's end starts
	 * the next one, so the rows are the columns up to the last cell's
	 * end, a row's width each */
	struct ansi_line l;
	int cols = 0, cut;
	if (line_cells(lv, file, off, len, LINE_MAX_SHOWN, &l, &cut) == 0)
		for (int i = 0; i < l.n; i++)
			cols += l.cells[i].cols;
	ansi_line_free(&l);
	return cols > width ? (cols + width - 1) / width : 1;
}

/* The last top line that still fills the screen (HEIGHT rows, WIDTH
 * wide): the end of the log on its last row.  Wrapped, a long line takes
 * several rows, so the top is found from the end. */
static int max_top(struct logs_view *lv, int height, int width)
{
	int n = total(lv);
	if (!lv->wrap)
		return n - height > 0 ? n - height : 0;
	int k = n, rows = 0;
	for (int r; k > 0 && rows + (r = rows_of(lv, k - 1, width)) <= height; k--)
		rows += r;
	return k < n ? k : n - 1 > 0 ? n - 1 : 0; /* a last line taller than the screen: its start */
}

static void to_end(struct logs_view *lv, int height, int width)
{
	ensure(lv, INT_MAX);
	lv->top = max_top(lv, height, width);
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
static void cells_row(struct shown_row *row, const struct ansi_line *l, int skip, int width,
		      int pair, int attrs, int more_after, int *more)
{
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
}

static void add_cells_row(struct logs_view *lv, const struct ansi_line *l, int skip, int width,
			  int pair, int attrs, int more_after, int *more)
{
	cells_row(&lv->rows[lv->nrows++], l, skip, width, pair, attrs, more_after, more);
}

/* ROW at row Y from column X: its runs in at most WIDTH columns, and "…"
 * in the column after them when it goes on. */
static void paint_row(struct tui *t, int y, int x, int width, const struct shown_row *r)
{
	for (int k = 0, at = 0; k < r->nsegs && at < width; k++) {
		const struct shown_seg *g = &r->segs[k];
		tui_put(t, y, x + at, width - at, g->text, g->pair, g->attrs);
		at += fmt_width(g->text);
	}
	if (r->more)
		tui_put(t, y, x + width, 1, t->utf8 ? "…" : ">", PAIR_DIM, 0);
}

void logs_put_line(struct tui *t, int y, int x, int width, const char *data, size_t len,
		   int pair)
{
	struct ansi_line l = { 0 };
	struct shown_row row = { 0 };
	int more;
	if (width < 2 || ansi_render((const unsigned char *)data, len, &l) < 0)
		return;
	cells_row(&row, &l, 0, width - 1, pair, 0, 0, &more);
	paint_row(t, y, x, width - 1, &row);
	for (int k = 0; k < row.nsegs; k++)
		free(row.segs[k].text);
	free(row.segs);
	ansi_line_free(&l);
}

/* Where the last state of a line redrawn with \r starts in DATA (GOT
 * bytes): just after the first \r of it that is not its last byte, or 0. */
static size_t redrawn_from(const unsigned char *data, size_t got)
{
	const unsigned char *cr = memchr(data, '\r', got);
	return cr && (size_t)(cr - data) + 1 < got ? (size_t)(cr - data) : 0;
}

/* The cells of the line at OFF (LEN bytes) of FILE as a terminal leaves
 * it (util/ansi.c): its colours, a \r progress bar in its last state; at
 * most CAP bytes of it are read, and a longer line that redraws itself
 * with \r is read from its end.  *CUT: what is shown is not all of it.
 * 0, or -1 (nothing to show). */
static int line_cells(struct logs_view *lv, int file, off_t off, size_t len, size_t cap,
		      struct ansi_line *l, int *cut)
{
	size_t got, from = 0;
	unsigned char *data = read_line(lv, file, off, len, cap, &got);
	if (!data)
		return -1;
	*cut = len > got;
	if (*cut) {
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
			*cut = 0;
		} else {
			free(t);
		}
	}
	memset(l, 0, sizeof *l);
	int rc = ansi_render(data + from, got - from, l);
	free(data);
	return rc < 0 ? -1 : 0;
}

/* The rows of line K (FILE, OFF, LEN) from row Y: one, or as many as it
 * wraps to; the next row (line_cells says how it is drawn). */
static int line_rows(struct logs_view *lv, int k, int file, off_t off, size_t len, int y,
		     int width)
{
	int pair = file == 1 ? PAIR_WARN : 0, attrs = k == lv->match ? A_REVERSE : 0, cut;
	size_t cap = lv->wrap ? LINE_MAX_SHOWN : (size_t)(lv->xoff + width) * 4 + 8;
	struct ansi_line l;
	if (line_cells(lv, file, off, len, cap, &l, &cut) < 0)
		return lv->height + 1;
	int skip = lv->wrap ? 0 : lv->xoff, more = 1;
	while (more && y <= lv->height) {
		add_cells_row(lv, &l, skip, width, pair, attrs, cut, &more);
		/* wrapped, a row the line goes on below has no "…" */
		if (lv->wrap && more && y < lv->height)
			lv->rows[lv->nrows - 1].more = 0;
		y++;
		if (!lv->wrap)
			break;
		skip += width;
	}
	ansi_line_free(&l);
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
		to_end(lv, lv->height, width);
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
	lv->bottom = lv->top - 1;
	for (int k = lv->top, y = 1; y <= lv->height; k++) {
		int file;
		off_t off;
		size_t len;
		if (line_at(lv, k, &file, &off, &len) < 0)
			break;
		lv->bottom = k;
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
	for (int i = 0; i < lv->nrows; i++)
		paint_row(t, 1 + i, 0, width, &lv->rows[i]);
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

/* A piece of a search: the lines LO..HI of file LF (line K of what is
 * shown is LF's line K - BASE), in one stretch of the shown lines, whose
 * SPAN bytes from FROM_OFF are read at once.  OFF, LEN: where the line the
 * piece started from is (found by line_span: the partial last line too). */
struct piece {
	struct logfile *lf;
	int base, lo, hi;
	off_t off, from_off;
	size_t len, span;
};

/* The piece of a search in direction DIR from line K of what is shown:
 * the lines of its file from K on (or back from K) that fit in one read.
 * 0; 1 when K is the stderr rule (no line to search); -1 past the end. */
static int piece_at(struct logs_view *lv, int k, int dir, struct piece *p)
{
	int file, stretch_end;
	if (line_span(lv, k, &file, &p->off, &p->len, &p->base, &stretch_end) < 0)
		return -1;
	if (file < 0)
		return 1;
	struct logfile *lf = p->lf = &lv->f[file];
	int stretch_first = 0;
	if (lv->merged && lv->show == SHOW_BOTH) {
		const struct seg *g = seg_of(lv, k);
		stretch_first = g ? g->first : k - p->base;
	}
	int first = k - p->base, last = first; /* line numbers in LF */
	off_t from_off = p->off, to_off = p->off + (off_t)p->len, o2;
	size_t l2;
	if (first < lf->n) {
		if (dir > 0)
			while (last + 1 < lf->n && last + 1 <= stretch_end &&
			       line_get(lf, last + 1, &o2, &l2) == 0 &&
			       o2 + (off_t)l2 - from_off <= SEARCH_READ) {
				last++;
				to_off = o2 + (off_t)l2;
			}
		else
			while (first > stretch_first && line_get(lf, first - 1, &o2, &l2) == 0 &&
			       to_off - o2 <= SEARCH_READ) {
				first--;
				from_off = o2;
			}
	}
	p->lo = first;
	p->hi = last;
	p->from_off = from_off;
	p->span = (size_t)(to_off - from_off);
	if (p->span > SEARCH_READ) /* one long line: what the screen would show of it */
		p->span = SEARCH_READ;
	return 0;
}

/* The first line of piece P (GOT bytes of it in CHUNK) in direction DIR
 * that shows SEARCH: its number in what is shown, or -1. */
static int piece_find(const struct piece *p, const unsigned char *chunk, size_t got, int dir,
		      const char *search, struct buf *scratch)
{
	for (int i = dir > 0 ? p->lo : p->hi; dir > 0 ? i <= p->hi : i >= p->lo; i += dir) {
		off_t o = p->off;
		size_t l = p->len;
		if (i < p->lf->n && line_get(p->lf, i, &o, &l) < 0)
			continue;
		size_t at = (size_t)(o - p->from_off);
		if (at > got)
			continue;
		if (l > got - at)
			l = got - at;
		if (line_matches(chunk + at, l, search, scratch))
			return p->base + i;
	}
	return -1;
}

/* Say how far the search got (line K); 1 when a key was pressed: stop. */
static int search_stopped(struct logs_view *lv, struct tui *t, int k)
{
	char msg[160];
	snprintf(msg, sizeof msg, "searching for '%.60s' … line %d (any key stops)", lv->search,
		 k + 1);
	return tui_busy(t, msg);
}

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
	for (int k = from; k >= 0;) {
		if (dir > 0)
			ensure(lv, k + SEARCH_BATCH);
		struct piece p;
		int r = piece_at(lv, k, dir, &p);
		if (r < 0)
			break;
		if (r > 0) {
			k += dir;
			continue;
		}
		if (!chunk && !(chunk = malloc(SEARCH_READ)))
			break;
		ssize_t got = pread(p.lf->fd, chunk, p.span, p.from_off);
		if (got < 0)
			break;
		result = piece_find(&p, chunk, (size_t)got, dir, lv->search, &scratch);
		if (result >= 0)
			break;
		k = dir > 0 ? p.base + p.hi + 1 : p.base + p.lo - 1;
		since += got;
		if (since >= SEARCH_PROGRESS) {
			since = 0;
			if (search_stopped(lv, t, k)) {
				*stopped_at = k;
				result = -2;
				break;
			}
		}
	}
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
	/* from where the reader is, as less does: the last match if it is
	 * on the screen, else the screen's first line (n) or its last (N) */
	int bottom = lv->bottom >= lv->top ? lv->bottom : lv->top;
	if (!lv->resume && (lv->match < lv->top || lv->match > bottom))
		lv->match = dir > 0 ? lv->top - 1 : bottom + 1;
	if (dir < 0 && lv->match > total(lv))
		lv->match = total(lv);
	lv->resume = 0;
	int k = find(lv, t, lv->match + dir, dir, &stopped);
	if (k == -2) {
		/* stopped by a key: n/N go on from there */
		lv->match = stopped - dir;
		lv->resume = 1;
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
		to_end(lv, height, t->cols - 1);
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
	lv->resume = 0; /* moved: n and N go from the screen again */
	ensure(lv, lv->top + height + 1);
	if (lv->top > total(lv) - height) {
		/* near the end: as far as the end on the last row */
		ensure(lv, INT_MAX);
		int most = max_top(lv, height, t->cols - 1);
		if (lv->top > most)
			lv->top = most;
	}
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

/* o: stdout alone, e: stderr alone; the same again: both. */
static int logs_stream(struct view *v, struct tui *t, enum tui_action a)
{
	struct logs_view *lv = v->data;
	int want = a == ACT_OPEN_ARTIFACT ? SHOW_STDOUT : SHOW_STDERR;
	lv->show = lv->show == want ? SHOW_BOTH : want;
	lv->top = 0;
	lv->match = -1;
	tui_notice(t, "%s", lv->show == SHOW_STDOUT ? "stdout only (o again: both)"
		   : lv->show == SHOW_STDERR	    ? "stderr only (e again: both)"
						    : "both streams");
	return TUI_REDRAW;
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
	{ .action = ACT_OPEN_ARTIFACT, .run = logs_stream,
	  .help = "stdout alone (again: both streams)", .hint = "stdout" },
	{ .action = ACT_EDIT_RERUN, .run = logs_stream,
	  .help = "stderr alone (again: both streams)", .hint = "stderr" },
	{ .action = ACT_LEFT, .run = logs_scroll, .help = "scroll left", .hint = "scroll" },
	{ .action = ACT_RIGHT, .run = logs_scroll, .help = "scroll right", .hint = "scroll" },
	{ .action = ACT_UP, .run = logs_scroll, .help = "a line up" },
	{ .action = ACT_DOWN, .run = logs_scroll, .help = "a line down" },
	{ .action = ACT_PAGE_UP, .run = logs_scroll, .help = "a page up" },
	{ .action = ACT_PAGE_DOWN, .run = logs_scroll, .help = "a page down" },
	{ .action = ACT_TOP, .run = logs_scroll, .help = "the first line" },
};

static int64_t logs_run_of(struct view *v)
{
	return ((struct logs_view *)v->data)->run_id;
}

const struct view_ops view_logs_ops = {
	.name = "Logs",
	.run_of = logs_run_of,
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
