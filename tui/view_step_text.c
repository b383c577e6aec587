/* tui/view_step_text.c — the text of a step run's records: its tables
 * (inputs, outputs, metrics, attempts), its context and metadata as
 * "key: value" lines, short paths, sizes, and the tail of its logs made
 * terminal-safe. */
#include "config.h"
#include "tui/view_step.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/exec/capture.h"
#include "core/placement.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/timeutil.h"

#define TAIL_BYTES 65536 /* the Logs tab reads at most this much of the logs */
#define TAIL_LINES 400	 /* and keeps at most this many lines of it */
#define LINE_BYTES 2048	 /* of one line */

void step_fmt_size(int64_t n, char *buf, size_t size)
{
	static const char *const unit[] = { "KB", "MB", "GB", "TB" };
	if (n < 1024) {
		snprintf(buf, size, "%lld B", (long long)n);
		return;
	}
	double v = (double)n;
	int u = -1;
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

/* A JSON value in one line: strings as they are (QUOTE: as JSON), null as
 * "-", anything else compact JSON.  Malloc'd. */
static char *json_text(const cJSON *j, int quote)
{
	if (!j || cJSON_IsNull(j))
		return strdup("-");
	if (cJSON_IsString(j) && !quote)
		return strdup(j->valuestring);
	char *s = json_print(j, 0);
	return s ? s : strdup("?");
}

/* Compact JSON of a stored value (as stored when it does not parse). */
char *step_compact(const char *value_json)
{
	cJSON *j = cJSON_Parse(value_json ? value_json : "null");
	char *s = j ? json_text(j, 1) : strdup(value_json ? value_json : "-");
	cJSON_Delete(j);
	return s;
}

static int is_section(const cJSON *j)
{
	return cJSON_IsObject(j) && j->child;
}

/* The members of object O as "key: value" lines, nested objects as
 * indented sections; DEPTH 0 sections are headings. */
static void json_lines(struct text_list *out, const cJSON *o, int depth)
{
	int kw = 0;
	for (const cJSON *c = o->child; c; c = c->next)
		if (!is_section(c) && (int)strlen(c->string) > kw)
			kw = (int)strlen(c->string);
	if (kw > 20)
		kw = 20;
	for (const cJSON *c = o->child; c; c = c->next) {
		if (depth == 0 && !strcmp(c->string, "schema"))
			continue;
		if (is_section(c)) {
			if (depth == 0)
				text_add(out, PAIR_HEAD, A_BOLD, "%s", c->string);
			else
				text_add(out, 0, 0, "%*s%s:", depth * 2, "", c->string);
			json_lines(out, c, depth + 1);
			continue;
		}
		char *v = json_text(c, 0);
		char key[64];
		snprintf(key, sizeof key, "%s:", c->string);
		text_add(out, depth == 0 ? PAIR_HEAD : 0, depth == 0 ? A_BOLD : 0, "%*s%-*s %s",
			  depth * 2, "", kw + 1, key, v);
		free(v);
	}
}

/* PATH for a table cell, short: "artifacts/…/NAME" for a file in the
 * store's artifact folder (its SHA-256 has a column of its own), relative
 * to the current folder when under it, other 64-hex folder names cut to
 * 12.  Malloc'd. */
static char *short_path(const char *path, const char *store, int utf8)
{
	const char *ell = utf8 ? "…" : "~";
	struct buf b = BUF_INIT;
	char cwd[4096];
	const char *p = path ? path : "-";
	size_t n = store ? strlen(store) : 0;
	if (n && !strncmp(p, store, n) && !strncmp(p + n, "/artifacts/", 11)) {
		const char *rest = p + n + 11;
		/* ab/abcdef…/NAME */
		const char *name = strchr(rest, '/');
		name = name ? strchr(name + 1, '/') : NULL;
		if (name) {
			buf_printf(&b, "artifacts/%s%s", ell, name);
			return buf_steal(&b);
		}
	}
	if (getcwd(cwd, sizeof cwd)) {
		n = strlen(cwd);
		if (n > 1 && !strncmp(p, cwd, n) && p[n] == '/')
			p += n + 1;
	}
	while (*p) {
		size_t len = strcspn(p, "/");
		size_t hex = strspn(p, "0123456789abcdef");
		if (len == 64 && hex == 64) {
			buf_append(&b, p, 12);
			buf_puts(&b, ell);
		} else {
			buf_append(&b, p, len);
		}
		p += len;
		if (*p == '/')
			buf_putc(&b, *p++);
	}
	return b.data ? buf_steal(&b) : strdup("");
}

/* A stretch of the order kept; add one, merged with the stretch before
 * when it goes on in the same file. */
static int add_stretch(struct step_order *o, int file, off_t start, off_t end)
{
	if (end <= start)
		return 0;
	o->bytes += end - start;
	if (o->n && o->v[o->n - 1].file == file && o->v[o->n - 1].end == start) {
		o->v[o->n - 1].end = end;
		return 0;
	}
	if (o->n == o->cap) {
		int c = o->cap ? 2 * o->cap : 16;
		struct step_stretch *g = realloc(o->v, (size_t)c * sizeof *g);
		if (!g)
			return -1;
		o->v = g;
		o->cap = c;
	}
	o->v[o->n++] = (struct step_stretch){ file, start, end };
	return 0;
}

/* The stretches older than the last TAIL_BYTES dropped (the tab never
 * shows them): what is kept does not grow with the log. */
static void drop_old(struct step_order *o)
{
	int drop = 0;
	off_t bytes = o->bytes;
	while (drop < o->n - 1 && bytes - (o->v[drop].end - o->v[drop].start) >= TAIL_BYTES) {
		bytes -= o->v[drop].end - o->v[drop].start;
		drop++;
	}
	if (drop) {
		memmove(o->v, o->v + drop, (size_t)(o->n - drop) * sizeof *o->v);
		o->n -= drop;
		o->bytes = bytes;
	}
}

void step_order_clear(struct step_order *o)
{
	free(o->path);
	free(o->v);
	*o = (struct step_order){ 0 };
}

/* Read the runs ORDER_PATH's order file holds beyond what O has read
 * ("o N", "e N": core/exec/capture.h), as far as its last whole line;
 * O starts again for another file, or for one that shrank (made anew). */
static void order_sync(struct step_order *o, const char *order_path)
{
	struct stat sb;
	int fd = order_path ? open(order_path, O_RDONLY | O_CLOEXEC) : -1;
	if (!o->path || !order_path || strcmp(o->path, order_path) != 0 ||
	    (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size < o->read)) {
		step_order_clear(o);
		o->path = order_path ? strdup(order_path) : NULL;
	}
	char buf[65536];
	while (fd >= 0) {
		ssize_t got = pread(fd, buf, sizeof buf - 1, o->read);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		buf[got] = '\0';
		char *p = buf, *nl;
		while ((nl = memchr(p, '\n', (size_t)(buf + got - p)))) {
			int file;
			long long len = capture_order_run(p, &file);
			if (len > 0 && add_stretch(o, file, o->at[file], o->at[file] + (off_t)len) < 0)
				break;
			o->at[file] += len;
			p = nl + 1;
		}
		if (p == buf)
			break; /* a line being written */
		o->read += p - buf;
		drop_old(o);
	}
	if (fd >= 0)
		close(fd);
}

/* The two logs (SIZE bytes each) as stretches in the order they were
 * written into V (N of them): O's, each as far as its file goes, then
 * what each log holds beyond them; without an order file, stdout then
 * stderr. */
static int stretches_of(const struct step_order *o, const off_t size[2], struct step_stretch **v,
			int *n)
{
	struct step_order all = { 0 };
	for (int i = 0; i < o->n; i++) {
		const struct step_stretch *s = &o->v[i];
		off_t end = s->end < size[s->file] ? s->end : size[s->file];
		if (add_stretch(&all, s->file, s->start, end) < 0)
			goto fail;
	}
	for (int f = 0; f < 2; f++)
		if (add_stretch(&all, f, o->at[f], size[f]) < 0)
			goto fail;
	*v = all.v;
	*n = all.n;
	return 0;
fail:
	free(all.v);
	return -1;
}

/* Read [START, END) of FD into a new buffer (*GOT bytes). */
static unsigned char *read_range(int fd, off_t start, off_t end, size_t *got)
{
	size_t want = (size_t)(end - start);
	unsigned char *data = malloc(want + 1);
	*got = 0;
	while (data && *got < want) {
		ssize_t r = pread(fd, data + *got, want - *got, start + (off_t)*got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*got += (size_t)r;
	}
	return data;
}

/* The lines of LEN bytes DATA of log FILE into OUT, as written (the
 * Logs tab renders them, util/ansi.c); a NUL is kept as the text \x00.
 * SKIP_FIRST: DATA starts inside a line, which is left out.  A line the
 * stretch before left open (*OPEN: its index in OUT, -1 none) goes on
 * with DATA's first bytes, where it started, as the Logs view shows it;
 * *OPEN is then the line DATA leaves open. */
static void add_lines(struct text_list *out, int file, const unsigned char *data, size_t len,
		      int skip_first, int *open)
{
	size_t start = 0;
	if (skip_first)
		while (start < len && data[start++] != '\n')
			;
	while (start < len) {
		const unsigned char *e = memchr(data + start, '\n', len - start);
		size_t n = e ? (size_t)(e - (data + start)) : len - start;
		int more = *open >= 0 && *open < out->n;
		struct buf b = BUF_INIT;
		if (more)
			buf_puts(&b, out->v[*open].s);
		for (size_t i = 0; i < n && b.len < LINE_BYTES; i++)
			if (data[start + i])
				buf_putc(&b, (char)data[start + i]);
			else
				buf_puts(&b, "\\x00");
		if (more) {
			char *s = buf_steal(&b);
			if (s) {
				free(out->v[*open].s);
				out->v[*open].s = s;
			}
		} else {
			text_add(out, file ? PAIR_WARN : 0, 0, "%s", b.data ? b.data : "");
			*open = out->n - 1;
		}
		buf_free(&b);
		if (e)
			*open = -1;
		start += n + 1;
	}
}

void step_read_tail(const char *out_path, const char *err_path, struct step_order *order,
		    struct text_list *out, off_t size[2])
{
	const char *paths[2] = { out_path, err_path };
	int fd[2] = { -1, -1 };
	text_clear(out);
	for (int f = 0; f < 2; f++) {
		struct stat sb;
		size[f] = -1;
		if (paths[f] && (fd[f] = open(paths[f], O_RDONLY | O_CLOEXEC)) >= 0 &&
		    fstat(fd[f], &sb) == 0)
			size[f] = sb.st_size;
	}
	off_t have[2] = { size[0] > 0 ? size[0] : 0, size[1] > 0 ? size[1] : 0 };
	char *order_path = out_path ? capture_order_path(out_path) : NULL;
	order_sync(order, order_path);
	free(order_path);
	struct step_stretch *v = NULL;
	int n = 0;
	if (stretches_of(order, have, &v, &n) == 0) {
		/* the last TAIL_BYTES of the two, in the order written */
		int first = n, open[2] = { -1, -1 };
		off_t left = TAIL_BYTES;
		while (first > 0 && left > 0) {
			first--;
			left -= v[first].end - v[first].start;
		}
		for (int i = first; i < n; i++) {
			off_t start = v[i].start;
			int cut = i == first && left < 0;
			if (cut)
				start -= left; /* only its end */
			size_t got;
			unsigned char *data = fd[v[i].file] >= 0
						      ? read_range(fd[v[i].file], start, v[i].end, &got)
						      : NULL;
			if (data)
				add_lines(out, v[i].file, data, got, cut, &open[v[i].file]);
			free(data);
		}
	}
	/* at most TAIL_LINES, the last ones */
	if (out->n > TAIL_LINES) {
		int drop = out->n - TAIL_LINES;
		for (int i = 0; i < drop; i++)
			free(out->v[i].s);
		memmove(out->v, out->v + drop, (size_t)TAIL_LINES * sizeof *out->v);
		out->n = TAIL_LINES;
	}
	free(v);
	for (int f = 0; f < 2; f++)
		if (fd[f] >= 0)
			close(fd[f]);
}

/* "loss=93 (3 points), acc=0.5": what attempt I recorded — a retried one
 * its own, the last one the step's (malloc'd). */
static char *attempt_metrics(struct step_view *sv, struct tui *t, int i)
{
	struct store_metric *ms = sv->ms;
	int n = sv->nms, own = i < sv->natts - 1;
	if (own && store_attempt_metrics(t->store, sv->atts[i].id, &ms, &n, NULL) < 0)
		return strdup("?");
	struct buf b = BUF_INIT;
	for (int k = 0; k < n; k++) {
		char v[32];
		fmt_metric(ms[k].value, v, sizeof v);
		buf_printf(&b, "%s%s=%s", k ? ", " : "", ms[k].key, v);
		if (ms[k].count > 1)
			buf_printf(&b, " (%lld points)", (long long)ms[k].count);
	}
	if (own)
		store_metrics_free(ms, n);
	return b.data ? buf_steal(&b) : strdup("no metrics");
}

/* The Inputs tab: name, path, size, hash, where it came from. */
static void fill_inputs(struct step_view *sv, struct tui *t)
{
	for (int i = 0; i < sv->nins; i++) {
		struct store_artifact_ref *r = &sv->ins[i];
		char size[32], sha[16], from[256];
		char *path = short_path(r->path, store_dir(t->store), t->utf8);
		step_fmt_size(r->size, size, sizeof size);
		snprintf(sha, sizeof sha, "%.12s", r->sha256 ? r->sha256 : "-");
		if (r->producer_step && r->producer_run_id == sv->run_id)
			snprintf(from, sizeof from, "%s.%s", r->producer_step,
				 r->producer_output ? r->producer_output : "?");
		else if (r->producer_step)
			snprintf(from, sizeof from, "run %lld %s.%s", (long long)r->producer_run_id,
				 r->producer_step, r->producer_output ? r->producer_output : "?");
		else
			snprintf(from, sizeof from, "external");
		char *cells[] = { r->name, path, r->artifact_id ? size : "-", sha, from };
		int attrs[] = { 0, 0, 0, PAIR_DIM, r->producer_step ? 0 : PAIR_DIM };
		table_push_attrs(&sv->tb[TAB_INPUTS], cells, attrs);
		free(path);
	}
}

/* The Outputs tab: name, path, size (a folder says so), hash. */
static void fill_outputs(struct step_view *sv, struct tui *t)
{
	for (int i = 0; i < sv->nouts; i++) {
		struct store_artifact_ref *r = &sv->outs[i];
		char size[40], sha[16];
		char *path = short_path(r->path, store_dir(t->store), t->utf8);
		step_fmt_size(r->size, size, sizeof size);
		if (r->type && !strcmp(r->type, "dir"))
			strcat(size, " dir");
		snprintf(sha, sizeof sha, "%.12s", r->sha256 ? r->sha256 : "-");
		char *cells[] = { r->name, path, size, sha };
		int attrs[] = { 0, 0, 0, PAIR_DIM };
		table_push_attrs(&sv->tb[TAB_OUTPUTS], cells, attrs);
		free(path);
	}
}

/* The Metrics tab: key, last value, min, max, points. */
static void fill_metrics(struct step_view *sv)
{
	for (int i = 0; i < sv->nms; i++) {
		struct store_metric *m = &sv->ms[i];
		char last[32], lo[32], hi[32], cnt[32];
		fmt_metric(m->value, last, sizeof last);
		fmt_metric(m->min, lo, sizeof lo);
		fmt_metric(m->max, hi, sizeof hi);
		snprintf(cnt, sizeof cnt, "%lld", (long long)m->count);
		char *cells[] = { m->key, last, lo, hi, cnt };
		table_push_attrs(&sv->tb[TAB_METRICS], cells, NULL);
	}
}

/* How attempt A ended: "-" (not yet, or unknown), "timeout",
 * "signal 9", its exit code. */
static void attempt_exit(const struct store_attempt *a, char *buf, size_t size)
{
	if (!a->ended_ms)
		snprintf(buf, size, "-");
	else if (a->timed_out)
		snprintf(buf, size, "timeout");
	else if (a->signal)
		snprintf(buf, size, "signal %d", a->signal);
	else if (a->exit_code >= 0)
		snprintf(buf, size, "%d", a->exit_code);
	else
		snprintf(buf, size, "-");
}

/* How long attempt A took (so far, when running) and when it started
 * (local time), each "-" when it has not started. */
static void attempt_times(const struct store_attempt *a, char *dur, size_t dur_size,
			  char *when, size_t when_size)
{
	if (a->started_ms)
		time_duration((a->ended_ms ? a->ended_ms : time_now_ms()) - a->started_ms, dur,
			      dur_size);
	else
		snprintf(dur, dur_size, "-");
	time_t secs = (time_t)(a->started_ms / 1000);
	struct tm tm;
	if (a->started_ms && localtime_r(&secs, &tm))
		strftime(when, when_size, "%Y-%m-%d %H:%M:%S", &tm);
	else
		snprintf(when, when_size, "-");
}

/* The note of attempt I: where its job ran (Slurm), then its error; the
 * last attempt's job line is also the step's (sv->job_line).  Into NOTE. */
static void attempt_note(struct step_view *sv, struct tui *t, int i, struct buf *note)
{
	const struct store_attempt *a = &sv->atts[i];
	char *rec = NULL, *job = NULL;
	store_attempt_executor(t->store, a->id, &rec, NULL);
	if (rec && (job = exec_record_line(rec)) && i == sv->natts - 1) {
		free(sv->job_line);
		sv->job_line = strdup(job);
	}
	buf_printf(note, "%s%s%s", job ? job : "", job && a->error ? " · " : "",
		   a->error ? a->error : "");
	free(job);
	free(rec);
}

/* The Attempts tab: number, status, exit, duration, start, note; and
 * what each attempt recorded (sv->att_metrics). */
static void fill_attempts(struct step_view *sv, struct tui *t)
{
	for (int i = 0; i < sv->natts; i++) {
		struct store_attempt *a = &sv->atts[i];
		char num[16], exitc[32], dur[32], when[32];
		snprintf(num, sizeof num, "%d", a->number);
		attempt_exit(a, exitc, sizeof exitc);
		attempt_times(a, dur, sizeof dur, when, sizeof when);
		if (!sv->att_metrics)
			sv->att_metrics = calloc((size_t)sv->natts + 1, sizeof(char *));
		if (sv->att_metrics)
			sv->att_metrics[i] = attempt_metrics(sv, t, i);
		struct buf note = BUF_INIT;
		attempt_note(sv, t, i, &note);
		char *cells[] = { num, a->status, exitc, dur, when, note.data ? note.data : "" };
		int attrs[] = { 0, tui_status_pair(a->status), 0, 0, 0, a->error ? PAIR_FAIL : 0 };
		table_push_attrs(&sv->tb[TAB_ATTEMPTS], cells, attrs);
		buf_free(&note);
	}
}

static void fill_tables(struct step_view *sv, struct tui *t)
{
	fill_inputs(sv, t);
	fill_outputs(sv, t);
	fill_metrics(sv);
	fill_attempts(sv, t);
}

static void fill_lines(struct step_view *sv)
{
	const struct store_attempt *a = step_last_attempt(sv);
	cJSON *ctx = a && a->context_json ? cJSON_Parse(a->context_json) : NULL;
	if (ctx && cJSON_IsObject(ctx))
		json_lines(&sv->ctx, ctx, 0);
	cJSON_Delete(ctx);

	int kw = 0;
	for (int i = 0; i < sv->nmetas; i++)
		if ((int)strlen(sv->metas[i].key) > kw)
			kw = (int)strlen(sv->metas[i].key);
	if (kw > 24)
		kw = 24;
	const char *group = NULL;
	for (int i = 0; i < sv->nmetas; i++) {
		const struct store_meta *m = &sv->metas[i];
		if (i == 0 || (group == NULL) != (m->output == NULL) ||
		    (group && strcmp(group, m->output))) {
			if (i)
				text_add(&sv->meta, 0, 0, "%s", "");
			if (m->output)
				text_add(&sv->meta, PAIR_HEAD, A_BOLD, "output %s", m->output);
			else
				text_add(&sv->meta, PAIR_HEAD, A_BOLD, "step");
			group = m->output;
		}
		char *v = step_compact(m->value_json);
		text_add(&sv->meta, 0, 0, "  %-*s = %s", kw, m->key, v);
		free(v);
	}
}

void step_fill(struct step_view *sv, struct tui *t)
{
	fill_tables(sv, t);
	fill_lines(sv);
}
