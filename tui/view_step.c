/* tui/view_step.c — one step run in tabs: the context it got, its inputs
 * (Enter jumps to the step run that produced one), its outputs (opened in
 * $PAGER), metadata, metrics (the selected series drawn as a plot), the
 * tail of its logs and its attempts.
 *
 * load() reads everything but the series of the selected metric, which is
 * paged in by index when the Metrics tab shows it (and only the new points
 * on a reload), and the logs, of which only the last 64 KiB are read. */
#include "config.h"
#include "tui/internal.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/timeutil.h"

#define TAIL_BYTES 65536     /* the Logs tab reads at most this much a file */
#define TAIL_LINES 400	     /* and keeps at most this many lines of it */
#define LINE_BYTES 2048	     /* of one line */
#define SERIES_PAGE 10000    /* points read per query */
#define SERIES_MAX 100000    /* points drawn at most */

static const char *const tab_names[TAB__COUNT] = { "Context", "Inputs",  "Outputs", "Metadata",
						   "Metrics", "Logs",	 "Attempts" };
static const char *const tab_short[TAB__COUNT] = { "Ctx", "In", "Out", "Meta", "Metr", "Logs",
						   "Att" };

static const struct tui_col in_cols[] = {
	{ .title = "NAME", .min = 4 },
	{ .title = "PATH", .min = 8, .grow = 1 },
	{ .title = "SIZE", .min = 6, .right = 1 },
	{ .title = "SHA-256", .min = 12 },
	{ .title = "PRODUCED BY", .min = 8 },
};
static const struct tui_col out_cols[] = {
	{ .title = "NAME", .min = 4 },
	{ .title = "PATH", .min = 8, .grow = 1 },
	{ .title = "SIZE", .min = 6, .right = 1 },
	{ .title = "SHA-256", .min = 12 },
};
static const struct tui_col met_cols[] = {
	{ .title = "KEY", .min = 6, .grow = 1 },
	{ .title = "LAST", .min = 9, .right = 1 },
	{ .title = "MIN", .min = 9, .right = 1 },
	{ .title = "MAX", .min = 9, .right = 1 },
	{ .title = "POINTS", .min = 6, .right = 1 },
};
static const struct tui_col att_cols[] = {
	{ .title = "#", .min = 2, .right = 1 },
	{ .title = "STATUS", .min = 11 },
	{ .title = "EXIT", .min = 4, .right = 1 },
	{ .title = "DURATION", .min = 8, .right = 1 },
	{ .title = "STARTED", .min = 19 },
	{ .title = "ERROR", .min = 5, .grow = 1 },
};

/* Lines of text (Context, Metadata, the log tail), scrolled by TOP. */
struct line {
	char *s;
	int pair, attrs;
};
struct lines {
	struct line *v;
	int n, cap;
	int top;
	int hl; /* the line of the last search match, -1: none */
};

struct step_view {
	int64_t run_id;
	char *step;
	enum step_tab tab;
	int utf8;
	char *run_name;
	struct store_step_run st;
	int64_t atts_of; /* step run whose attempts these are (cached: the source) */
	struct store_attempt *atts;
	struct store_artifact_ref *ins, *outs;
	struct store_meta *metas;
	struct store_metric *ms;
	int natts, nins, nouts, nmetas, nms;
	struct tui_table tb[TAB__COUNT]; /* Inputs, Outputs, Metrics, Attempts */
	struct lines ctx, meta;
	struct lines tail[2]; /* stdout, stderr of the last attempt */
	off_t tail_size[2];
	int64_t tail_checked_ms;
	int tail_attempt;
	/* the series of the selected metric */
	char *series_key;
	double *vals;
	int npts, cap_pts;
	int64_t first_index, last_index;
	char search[256];
	int tab_x[TAB__COUNT + 1]; /* the tab bar's columns, for clicks */
};

/* ------------------------------------------------------------------ */
/* Lines                                                               */

static void lines_add(struct lines *l, int pair, int attrs, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void lines_add(struct lines *l, int pair, int attrs, const char *fmt, ...)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 32;
		struct line *p = realloc(l->v, (size_t)cap * sizeof(*p));
		if (!p)
			return;
		l->v = p;
		l->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (!s)
		return;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	l->v[l->n++] = (struct line){ s, pair, attrs };
}

/* Empty the lines; the scroll position is kept (clamped when drawn). */
static void lines_clear(struct lines *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i].s);
	l->n = 0;
}

static void lines_free(struct lines *l)
{
	lines_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* Draw S at Y, X in WIDTH columns, cut with an ellipsis when longer. */
static void put_cut(struct tui *t, int y, int x, int width, const char *s, int pair, int attrs)
{
	if (width <= 0)
		return;
	if (fmt_width(s) <= width) {
		tui_put(t, y, x, width, s, pair, attrs);
		return;
	}
	tui_put(t, y, x, width - 1, s, pair, attrs);
	tui_put(t, y, x + width - 1, 1, t->utf8 ? "…" : "~", pair, attrs);
}

static void lines_draw(struct tui *t, struct lines *l, int y0, int y1)
{
	int h = y1 - y0;
	if (l->top > l->n - h)
		l->top = l->n - h;
	if (l->top < 0)
		l->top = 0;
	for (int i = 0; i < h && l->top + i < l->n; i++) {
		const struct line *ln = &l->v[l->top + i];
		int hl = l->top + i == l->hl ? A_REVERSE : 0;
		put_cut(t, y0 + i, 1, t->cols - 2, ln->s, hl ? 0 : ln->pair, ln->attrs | hl);
	}
	if (l->n > h) {
		char pos[48];
		snprintf(pos, sizeof pos, " %d-%d of %d ", l->top + 1,
			 l->top + h < l->n ? l->top + h : l->n, l->n);
		int w = (int)strlen(pos);
		tui_put(t, y1 - 1, t->cols - w, w, pos, PAIR_DIM, A_REVERSE);
	}
}

static int lines_move(struct lines *l, enum tui_action a, int page)
{
	int old = l->top;
	switch (a) {
	case ACT_UP: l->top--; break;
	case ACT_DOWN: l->top++; break;
	case ACT_PAGE_UP: l->top -= page; break;
	case ACT_PAGE_DOWN: l->top += page; break;
	case ACT_TOP: l->top = 0; break;
	case ACT_END: l->top = l->n; break;
	default: return 0;
	}
	if (l->top > l->n - page)
		l->top = l->n - page;
	if (l->top < 0)
		l->top = 0;
	return l->top != old ? TUI_REDRAW : TUI_HANDLED;
}

/* The next (DIR 1) or previous line containing TEXT: 1 when found. */
static int lines_search(struct lines *l, const char *text, int dir, int page)
{
	if (!text[0] || l->n == 0)
		return 0;
	int from = l->hl >= 0 && l->hl < l->n ? l->hl : (dir > 0 ? l->top - 1 : l->top);
	for (int i = 1; i <= l->n; i++) {
		int k = ((from + dir * i) % l->n + l->n) % l->n;
		if (strcasestr(l->v[k].s, text)) {
			l->hl = k;
			if (k < l->top || k >= l->top + page)
				l->top = k - page / 3;
			return 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Text of values                                                      */

static void fmt_size(int64_t n, char *buf, size_t size)
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
	char *s = cJSON_PrintUnformatted(j);
	return s ? s : strdup("?");
}

/* Compact JSON of a stored value (as stored when it does not parse). */
static char *compact(const char *value_json)
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
static void json_lines(struct lines *out, const cJSON *o, int depth)
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
				lines_add(out, PAIR_HEAD, A_BOLD, "%s", c->string);
			else
				lines_add(out, 0, 0, "%*s%s:", depth * 2, "", c->string);
			json_lines(out, c, depth + 1);
			continue;
		}
		char *v = json_text(c, 0);
		char key[64];
		snprintf(key, sizeof key, "%s:", c->string);
		lines_add(out, depth == 0 ? PAIR_HEAD : 0, depth == 0 ? A_BOLD : 0, "%*s%-*s %s",
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

/* Terminal-safe text of at most LINE_BYTES of the LEN bytes S (see
 * fmt_safe).  Malloc'd. */
static char *safe_text(const unsigned char *s, size_t len)
{
	struct buf b = BUF_INIT;
	int more;
	fmt_safe(s, len > LINE_BYTES ? LINE_BYTES : len, 0, INT_MAX / 2, &b, &more);
	return b.data ? buf_steal(&b) : strdup("");
}

/* The last lines of the file PATH into OUT (only its last TAIL_BYTES are
 * read); *SIZE gets the file's size (-1: cannot be read). */
static void read_tail(const char *path, struct lines *out, off_t *size)
{
	lines_clear(out);
	*size = -1;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	struct stat sb;
	unsigned char *data = NULL;
	if (fstat(fd, &sb) < 0)
		goto cleanup;
	*size = sb.st_size;
	off_t from = sb.st_size > TAIL_BYTES ? sb.st_size - TAIL_BYTES : 0;
	size_t want = (size_t)(sb.st_size - from), got = 0;
	if (!(data = malloc(want + 1)))
		goto cleanup;
	while (got < want) {
		ssize_t n = pread(fd, data + got, want - got, from + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	size_t start = 0;
	if (from > 0) /* a partial first line */
		while (start < got && data[start++] != '\n')
			;
	size_t end = got;
	if (end > start && data[end - 1] == '\n')
		end--;
	if (end <= start)
		goto cleanup;
	int nl = 0;
	for (size_t i = start; i < end; i++)
		nl += data[i] == '\n';
	/* skip to the last TAIL_LINES lines */
	for (size_t i = start; i < end && nl >= TAIL_LINES; i++)
		if (data[i] == '\n') {
			start = i + 1;
			nl--;
		}
	while (start <= end) {
		unsigned char *e = memchr(data + start, '\n', end - start);
		size_t len = e ? (size_t)(e - (data + start)) : end - start;
		char *s = safe_text(data + start, len);
		lines_add(out, 0, 0, "%s", s);
		free(s);
		start += len + 1;
	}
cleanup:
	free(data);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

static void clear_series(struct step_view *sv)
{
	free(sv->series_key);
	sv->series_key = NULL;
	sv->npts = 0;
}

static void clear_data(struct step_view *sv)
{
	store_attempts_free(sv->atts, sv->natts);
	store_artifact_refs_free(sv->ins, sv->nins);
	store_artifact_refs_free(sv->outs, sv->nouts);
	store_metas_free(sv->metas, sv->nmetas);
	store_metrics_free(sv->ms, sv->nms);
	sv->atts = NULL;
	sv->ins = sv->outs = NULL;
	sv->metas = NULL;
	sv->ms = NULL;
	sv->natts = sv->nins = sv->nouts = sv->nmetas = sv->nms = 0;
	for (int i = 0; i < TAB__COUNT; i++)
		table_clear(&sv->tb[i]);
	lines_clear(&sv->ctx);
	lines_clear(&sv->meta);
	store_step_run_clear(&sv->st);
	free(sv->run_name);
	sv->run_name = NULL;
}

static const struct store_attempt *last_attempt(const struct step_view *sv)
{
	return sv->natts ? &sv->atts[sv->natts - 1] : NULL;
}

/* Page the selected metric's points in by index: all of them when the
 * metric changed, else only those after the last one read. */
static void sync_series(struct step_view *sv, struct tui *t)
{
	if (sv->tab != TAB_METRICS || sv->nms == 0)
		return;
	const struct store_metric *m = &sv->ms[sv->tb[TAB_METRICS].sel];
	int same = sv->series_key && !strcmp(sv->series_key, m->key);
	if (same && (sv->npts == m->count || sv->npts >= SERIES_MAX))
		return;
	if (!same || m->count < sv->npts) {
		clear_series(sv);
		if (!(sv->series_key = strdup(m->key)))
			return;
	}
	struct rl_err err = RL_ERR_INIT;
	while (sv->npts < SERIES_MAX) {
		struct store_metric_point *pts = NULL;
		int n = 0;
		int64_t after = sv->npts ? sv->last_index : INT64_MIN;
		int limit = SERIES_MAX - sv->npts < SERIES_PAGE ? SERIES_MAX - sv->npts : SERIES_PAGE;
		if (store_metric_series(t->store, sv->st.id, m->key, after, limit, &pts, &n, &err) < 0) {
			tui_error(t, "%s", rl_err_msg(&err));
			rl_err_clear(&err);
			break;
		}
		if (sv->npts + n > sv->cap_pts) {
			int cap = sv->cap_pts ? sv->cap_pts : 1024;
			while (cap < sv->npts + n)
				cap *= 2;
			double *p = realloc(sv->vals, (size_t)cap * sizeof(double));
			if (!p) {
				free(pts);
				break;
			}
			sv->vals = p;
			sv->cap_pts = cap;
		}
		for (int i = 0; i < n; i++) {
			if (sv->npts == 0)
				sv->first_index = pts[i].index;
			sv->vals[sv->npts++] = pts[i].value;
			sv->last_index = pts[i].index;
		}
		free(pts);
		if (n < limit)
			break;
	}
}

/* The tail of the last attempt's logs (again when they grew). */
static void sync_tail(struct step_view *sv)
{
	const struct store_attempt *a = last_attempt(sv);
	sv->tail_checked_ms = time_now_ms();
	sv->tail_attempt = a ? a->number : 0;
	read_tail(a ? a->stdout_path : NULL, &sv->tail[0], &sv->tail_size[0]);
	read_tail(a ? a->stderr_path : NULL, &sv->tail[1], &sv->tail_size[1]);
}

static void fill_tables(struct step_view *sv, struct tui *t)
{
	for (int i = 0; i < sv->nins; i++) {
		struct store_artifact_ref *r = &sv->ins[i];
		char size[32], sha[16], from[256];
		char *path = short_path(r->path, store_dir(t->store), t->utf8);
		fmt_size(r->size, size, sizeof size);
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
	for (int i = 0; i < sv->nouts; i++) {
		struct store_artifact_ref *r = &sv->outs[i];
		char size[40], sha[16];
		char *path = short_path(r->path, store_dir(t->store), t->utf8);
		fmt_size(r->size, size, sizeof size);
		if (r->type && !strcmp(r->type, "dir"))
			strcat(size, " dir");
		snprintf(sha, sizeof sha, "%.12s", r->sha256 ? r->sha256 : "-");
		char *cells[] = { r->name, path, size, sha };
		int attrs[] = { 0, 0, 0, PAIR_DIM };
		table_push_attrs(&sv->tb[TAB_OUTPUTS], cells, attrs);
		free(path);
	}
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
	for (int i = 0; i < sv->natts; i++) {
		struct store_attempt *a = &sv->atts[i];
		char num[16], exitc[32], dur[32], when[32];
		snprintf(num, sizeof num, "%d", a->number);
		if (!a->ended_ms)
			snprintf(exitc, sizeof exitc, "-");
		else if (a->timed_out)
			snprintf(exitc, sizeof exitc, "timeout");
		else if (a->signal)
			snprintf(exitc, sizeof exitc, "signal %d", a->signal);
		else if (a->exit_code >= 0)
			snprintf(exitc, sizeof exitc, "%d", a->exit_code);
		else
			snprintf(exitc, sizeof exitc, "-");
		if (a->started_ms)
			time_duration((a->ended_ms ? a->ended_ms : time_now_ms()) - a->started_ms, dur,
				      sizeof dur);
		else
			snprintf(dur, sizeof dur, "-");
		time_t secs = (time_t)(a->started_ms / 1000);
		struct tm tm;
		if (a->started_ms && localtime_r(&secs, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		else
			snprintf(when, sizeof when, "-");
		char *cells[] = { num, a->status, exitc, dur, when, a->error ? a->error : "" };
		int attrs[] = { 0, tui_status_pair(a->status), 0, 0, 0, a->error ? PAIR_FAIL : 0 };
		table_push_attrs(&sv->tb[TAB_ATTEMPTS], cells, attrs);
	}
}

static void fill_lines(struct step_view *sv)
{
	const struct store_attempt *a = last_attempt(sv);
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
				lines_add(&sv->meta, 0, 0, "%s", "");
			if (m->output)
				lines_add(&sv->meta, PAIR_HEAD, A_BOLD, "output %s", m->output);
			else
				lines_add(&sv->meta, PAIR_HEAD, A_BOLD, "step");
			group = m->output;
		}
		char *v = compact(m->value_json);
		lines_add(&sv->meta, 0, 0, "  %-*s = %s", kw, m->key, v);
		free(v);
	}
}

static void setup_tables(struct step_view *sv)
{
	static const struct {
		enum step_tab tab;
		const struct tui_col *cols;
		int ncols;
	} t[] = {
		{ TAB_INPUTS, in_cols, sizeof in_cols / sizeof in_cols[0] },
		{ TAB_OUTPUTS, out_cols, sizeof out_cols / sizeof out_cols[0] },
		{ TAB_METRICS, met_cols, sizeof met_cols / sizeof met_cols[0] },
		{ TAB_ATTEMPTS, att_cols, sizeof att_cols / sizeof att_cols[0] },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		sv->tb[t[i].tab].cols = t[i].cols;
		sv->tb[t[i].tab].ncols = t[i].ncols;
		sv->tb[t[i].tab].status_col = -1;
	}
}

static int is_table(enum step_tab tab)
{
	return tab == TAB_INPUTS || tab == TAB_OUTPUTS || tab == TAB_METRICS ||
	       tab == TAB_ATTEMPTS;
}


static int step_load(struct view *v, struct tui *t, struct rl_err *err)
{
	struct step_view *sv = v->data;
	int keep[TAB__COUNT];
	for (int i = 0; i < TAB__COUNT; i++)
		keep[i] = sv->tb[i].sel;
	int had_atts = sv->natts, first = sv->st.id == 0;
	clear_data(sv);
	setup_tables(sv);
	sv->utf8 = t->utf8;
	struct store_run run = { 0 };
	int rc = -1;
	if (store_step_run_get(t->store, sv->run_id, sv->step, &sv->st, err) < 0) {
		if (err && err->code == RL_E_NOT_FOUND)
			rl_err_set(err, RL_E_NOT_FOUND, "run %lld has no step '%s'",
				   (long long)sv->run_id, sv->step);
		goto cleanup;
	}
	if (store_run_get(t->store, sv->run_id, &run, err) < 0)
		goto cleanup;
	sv->run_name = run.name ? strdup(run.name) : NULL;
	/* a cached step run did not run: show the attempts of its source */
	sv->atts_of = sv->st.id;
	if (store_attempts_of(t->store, sv->st.id, &sv->atts, &sv->natts, err) < 0)
		goto cleanup;
	if (sv->natts == 0 && sv->st.cached_from) {
		store_attempts_free(sv->atts, 0);
		sv->atts = NULL;
		sv->atts_of = sv->st.cached_from;
		if (store_attempts_of(t->store, sv->st.cached_from, &sv->atts, &sv->natts, err) < 0)
			goto cleanup;
	}
	if (store_inputs_of(t->store, sv->st.id, &sv->ins, &sv->nins, err) < 0 ||
	    store_outputs_of(t->store, sv->st.id, &sv->outs, &sv->nouts, err) < 0 ||
	    store_metadata_of(t->store, sv->st.id, &sv->metas, &sv->nmetas, err) < 0 ||
	    store_step_metrics(t->store, sv->st.id, &sv->ms, &sv->nms, err) < 0)
		goto cleanup;
	fill_tables(sv, t);
	fill_lines(sv);
	for (int i = 0; i < TAB__COUNT; i++) {
		int sel = keep[i];
		/* a new attempt: follow it */
		if (i == TAB_ATTEMPTS && sv->natts > had_atts && sel == had_atts - 1)
			sel = sv->natts - 1;
		sv->tb[i].sel = sel < sv->tb[i].nrows ? sel : sv->tb[i].nrows - 1;
		if (sv->tb[i].sel < 0)
			sv->tb[i].sel = 0;
	}
	/* first time: the first series is more worth a look than a number */
	for (int i = 0; first && i < sv->nms; i++)
		if (sv->ms[i].count > 1) {
			sv->tb[TAB_METRICS].sel = i;
			break;
		}
	sync_tail(sv);
	sync_series(sv, t);
	rc = 0;
cleanup:
	store_run_clear(&run);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */

static int tab_count(const struct step_view *sv, int tab)
{
	switch (tab) {
	case TAB_INPUTS: return sv->nins;
	case TAB_OUTPUTS: return sv->nouts;
	case TAB_METADATA: return sv->nmetas;
	case TAB_METRICS: return sv->nms;
	case TAB_ATTEMPTS: return sv->natts;
	default: return -1;
	}
}

static void tab_label(const struct step_view *sv, int tab, int style, char *buf, size_t size)
{
	int n = tab_count(sv, tab);
	if (style == 0 && n > 0)
		snprintf(buf, size, " %s %d ", tab_names[tab], n);
	else
		snprintf(buf, size, " %s ", style == 2 ? tab_short[tab] : tab_names[tab]);
}

/* The tab bar on row Y: full names with counts when they fit, then plain
 * names, then short ones. */
static void draw_tabs(struct step_view *sv, struct tui *t, int y)
{
	char label[64];
	int style = 0;
	for (; style < 2; style++) {
		int w = 0;
		for (int i = 0; i < TAB__COUNT; i++) {
			tab_label(sv, i, style, label, sizeof label);
			w += (int)strlen(label) + (style < 2);
		}
		if (w <= t->cols)
			break;
	}
	int x = 0;
	for (int i = 0; i < TAB__COUNT; i++) {
		tab_label(sv, i, style, label, sizeof label);
		int w = (int)strlen(label);
		sv->tab_x[i] = x;
		if (i == (int)sv->tab)
			tui_put(t, y, x, w, label, t->color ? PAIR_TAB : 0,
				A_BOLD | (t->color ? 0 : A_REVERSE));
		else
			tui_put(t, y, x, w, label, tab_count(sv, i) == 0 ? PAIR_DIM : 0, 0);
		x += w + (style < 2);
	}
	sv->tab_x[TAB__COUNT] = x;
}

/* One line under the tabs: status, attempts, time, the reason of a
 * failure (or of a retry), the start; what does not fit is left out. */
static void draw_summary(struct step_view *sv, struct tui *t, int y)
{
	const char *dot = t->utf8 ? " · " : " - ";
	char att[64], took[64], when[64], cached[64];
	const char *part[6];
	int pair[6], n = 0;
	part[n] = sv->st.status;
	pair[n++] = tui_status_pair(sv->st.status);
	snprintf(att, sizeof att, "attempt %d of %d", sv->st.attempts, sv->st.max_attempts);
	part[n] = att;
	pair[n++] = 0;
	if (sv->st.started_ms) {
		char dur[32], day[32];
		time_duration((sv->st.ended_ms ? sv->st.ended_ms : time_now_ms()) - sv->st.started_ms,
			      dur, sizeof dur);
		snprintf(took, sizeof took, "%s %s", sv->st.ended_ms ? "took" : "running for", dur);
		part[n] = took;
		pair[n++] = 0;
		time_local_short(sv->st.started_ms, day, sizeof day);
		snprintf(when, sizeof when, "started %s", day);
	}
	if (sv->st.cached_from) {
		snprintf(cached, sizeof cached, "cached from step run %lld",
			 (long long)sv->st.cached_from);
		part[n] = cached;
		pair[n++] = PAIR_OK;
	}
	if (sv->st.error) {
		part[n] = sv->st.error;
		pair[n++] = !strcmp(sv->st.status, "completed") ? PAIR_WARN : PAIR_FAIL;
	}
	if (sv->st.started_ms) {
		part[n] = when;
		pair[n++] = PAIR_DIM;
	}
	int x = 1, end = t->cols - 1;
	for (int i = 0; i < n; i++) {
		int w = fmt_width(part[i]), sep = i ? 3 : 0;
		if (x + sep + w > end && i > 1) /* whole parts only, but the first two */
			break;
		if (sep)
			tui_put(t, y, x, sep, dot, 0, 0);
		put_cut(t, y, x + sep, end - x - sep, part[i], pair[i], i == 0 ? A_BOLD : 0);
		x += sep + w;
		if (x >= end)
			break;
	}
}

static void draw_empty(struct tui *t, int y, const char *msg)
{
	put_cut(t, y, 2, t->cols - 3, msg, PAIR_DIM, 0);
}

/* One "label  text" row of the details at row Y (when PAINT and above
 * Y1).  Returns 1, the rows it takes. */
static int detail_row(struct tui *t, int y, int y1, int paint, const char *label,
		      const char *text, int pair)
{
	if (paint && y < y1) {
		tui_put(t, y, 0, 9, label, PAIR_HEAD, 0);
		put_cut(t, y, 10, t->cols - 11, text, pair, 0);
	}
	return 1;
}

/* Details of the selected input or output from row Y on (up to Y1):
 * full path, SHA-256, its producer or its metadata.  Returns the rows
 * they take (PAINT 0: only counts them). */
static int draw_artifact(struct step_view *sv, struct tui *t, const struct store_artifact_ref *r,
			 int input, int y, int y1, int paint)
{
	int rows = 0;
	rows += detail_row(t, y + rows, y1, paint, "path", r->path ? r->path : "-", 0);
	rows += detail_row(t, y + rows, y1, paint, "sha256", r->sha256 ? r->sha256 : "-", PAIR_DIM);
	if (input) {
		char from[512];
		if (r->producer_step)
			snprintf(from, sizeof from, "run %lld, step %s, output %s  (Enter goes there)",
				 (long long)r->producer_run_id, r->producer_step,
				 r->producer_output ? r->producer_output : "?");
		else
			snprintf(from, sizeof from, "outside the pipeline (%s)",
				 r->source ? r->source : "a path");
		rows += detail_row(t, y + rows, y1, paint, "from", from, 0);
		return rows;
	}
	int any = 0;
	for (int k = 0; k < sv->nmetas; k++) {
		const struct store_meta *m = &sv->metas[k];
		if (!m->output || strcmp(m->output, r->name))
			continue;
		char *v = compact(m->value_json);
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s = %s", m->key, v);
		rows += detail_row(t, y + rows, y1, paint, any ? "" : "metadata", b.data ? b.data : "",
				   0);
		buf_free(&b);
		free(v);
		any = 1;
	}
	if (!any)
		rows += detail_row(t, y + rows, y1, paint, "metadata", "none", PAIR_DIM);
	return rows;
}

/* A table with the selected row's details under it. */
static void draw_artifacts(struct step_view *sv, struct tui *t, int input, int y0, int y1)
{
	struct tui_table *tb = &sv->tb[input ? TAB_INPUTS : TAB_OUTPUTS];
	const struct store_artifact_ref *rows = input ? sv->ins : sv->outs;
	if (tb->nrows == 0) {
		if (input)
			draw_empty(t, y0 + 1, "This step has no inputs.");
		else if (!strcmp(sv->st.status, "running") || !strcmp(sv->st.status, "pending"))
			draw_empty(t, y0 + 1, "No outputs yet: they are recorded when the step ends.");
		else
			draw_empty(t, y0 + 1, "This step recorded no outputs.");
		return;
	}
	const struct store_artifact_ref *r = &rows[tb->sel];
	int detail = draw_artifact(sv, t, r, input, 0, 0, 0);
	int k = y1 - y0 - 3 - detail; /* rows of the table */
	if (k > tb->nrows)
		k = tb->nrows;
	if (k < 1)
		k = 1;
	table_paint(t, tb, y0, y0 + 1 + k);
	int dy = y0 + 1 + k + 1; /* a blank row, the heading, the details */
	char head[256];
	snprintf(head, sizeof head, "%s %s", input ? "input" : "output", r->name);
	if (dy < y1)
		put_cut(t, dy, 0, t->cols - 1, head, 0, A_BOLD | A_UNDERLINE);
	draw_artifact(sv, t, r, input, dy + 1, y1, 1);
}

static void draw_plot(struct step_view *sv, struct tui *t, const struct store_metric *m, int y0,
		      int y1)
{
	char v[32];
	if (m->count <= 1 && !m->is_series) {
		fmt_metric(m->value, v, sizeof v);
		char msg[256];
		snprintf(msg, sizeof msg, "%s = %s: one value, nothing to plot.", m->key, v);
		draw_empty(t, y0, msg);
		return;
	}
	int ph = y1 - y0 - 2; /* a title row, the plot, an index row */
	if (ph < 2) {
		draw_empty(t, y0, "(a taller terminal shows the plot)");
		return;
	}
	if (sv->npts == 0 || !sv->series_key || strcmp(sv->series_key, m->key)) {
		draw_empty(t, y0, "no points");
		return;
	}
	/* the vertical labels' width decides the plot's */
	double lo, hi;
	char **rows = NULL;
	/* fewer points than columns: each point K columns wide, so a short
	 * series still fills the width */
	const double *vals = sv->vals;
	double *wide = NULL;
	int nvals = sv->npts, k = (t->cols - 12) / (sv->npts > 0 ? sv->npts : 1);
	if (k >= 2 && (wide = malloc((size_t)sv->npts * (size_t)k * sizeof(double)))) {
		for (int i = 0; i < sv->npts * k; i++)
			wide[i] = sv->vals[i / k];
		vals = wide;
		nvals = sv->npts * k;
	}
	char slo[32], shi[32], smid[32];
	int lw = 0, pw = 0;
	for (int pass = 0; pass < 2; pass++) {
		pw = t->cols - lw - 3;
		if (pw < 4)
			break;
		fmt_plot_free(rows, ph);
		rows = NULL;
		if (fmt_plot(vals, nvals, pw, ph, t->utf8, &rows, &lo, &hi) < 0)
			break;
		fmt_metric(lo, slo, sizeof slo);
		fmt_metric(hi, shi, sizeof shi);
		fmt_metric((lo + hi) / 2, smid, sizeof smid);
		int w = (int)strlen(slo) > (int)strlen(shi) ? (int)strlen(slo) : (int)strlen(shi);
		if ((int)strlen(smid) > w)
			w = (int)strlen(smid);
		if (w == lw)
			break;
		lw = w;
	}
	if (!rows) {
		free(wide);
		draw_empty(t, y0, "(a wider terminal shows the plot)");
		return;
	}
	const char *dot = t->utf8 ? " · " : " - ";
	char title[256];
	if (sv->npts < m->count)
		snprintf(title, sizeof title, "%s%sthe first %d of %lld points", m->key, dot, sv->npts,
			 (long long)m->count);
	else
		snprintf(title, sizeof title, "%s%s%d point%s", m->key, dot, sv->npts,
			 sv->npts == 1 ? "" : "s");
	if (sv->npts > pw)
		snprintf(title + strlen(title), sizeof title - strlen(title), "%seach column the mean of %.1f",
			 dot, (double)sv->npts / pw);
	put_cut(t, y0, 1, t->cols - 2, title, 0, A_BOLD);
	int x = lw + 2; /* labels, a space, the axis */
	int mid = ph >= 5 ? ph / 2 : -1;
	for (int r = 0; r < ph; r++) {
		int y = y0 + 1 + r;
		const char *label = r == 0 ? shi : r == ph - 1 ? slo : r == mid ? smid : "";
		int labelled = label[0] != '\0';
		char pad[48];
		snprintf(pad, sizeof pad, "%*s", lw, label);
		tui_put(t, y, 0, lw, pad, PAIR_DIM, 0);
		tui_put(t, y, lw + 1, 1, t->utf8 ? (labelled ? "┤" : "│") : (labelled ? "+" : "|"),
			PAIR_DIM, 0);
		tui_put(t, y, x, pw, rows[r], PAIR_RUN, 0);
	}
	/* the index range under the plot */
	int used = nvals < pw ? nvals : pw;
	int y = y0 + 1 + ph;
	char a[32], b[32];
	snprintf(a, sizeof a, "%lld", (long long)sv->first_index);
	snprintf(b, sizeof b, "%lld", (long long)sv->last_index);
	tui_put(t, y, lw + 1, 1, t->utf8 ? "└" : "+", PAIR_DIM, 0);
	tui_put(t, y, x, pw, a, PAIR_DIM, 0);
	int bx = x + used - (int)strlen(b);
	if (bx > x + (int)strlen(a) + 1)
		tui_put(t, y, bx, (int)strlen(b), b, PAIR_DIM, 0);
	const char *what = "index";
	int wx = x + (used - (int)strlen(what)) / 2;
	if (wx > x + (int)strlen(a) + 1 && wx + (int)strlen(what) < bx - 1)
		tui_put(t, y, wx, (int)strlen(what), what, PAIR_DIM, 0);
	fmt_plot_free(rows, ph);
	free(wide);
}

static void draw_metrics(struct step_view *sv, struct tui *t, int y0, int y1)
{
	struct tui_table *tb = &sv->tb[TAB_METRICS];
	if (tb->nrows == 0) {
		draw_empty(t, y0 + 1, "No metrics. A step records them with "
				      "`runlens metric KEY VALUE [--index N]`.");
		return;
	}
	int avail = y1 - y0;
	int k = tb->nrows;
	if (k > avail / 3)
		k = avail / 3 > 1 ? avail / 3 : 1;
	table_paint(t, tb, y0, y0 + 1 + k);
	draw_plot(sv, t, &sv->ms[tb->sel], y0 + 1 + k + 1, y1);
}

static void draw_logs(struct step_view *sv, struct tui *t, int y0, int y1)
{
	const struct store_attempt *a = last_attempt(sv);
	if (!a) {
		draw_empty(t, y0, "No logs: the step has not started.");
		return;
	}
	const char *dot = t->utf8 ? " · " : " - ";
	char so[32], se[32], head[256];
	fmt_size(sv->tail_size[0] > 0 ? sv->tail_size[0] : 0, so, sizeof so);
	fmt_size(sv->tail_size[1] > 0 ? sv->tail_size[1] : 0, se, sizeof se);
	snprintf(head, sizeof head, "the end of attempt %d%sstdout %s%sstderr %s%sEnter: the whole log",
		 a->number, dot, so, dot, se, dot);
	put_cut(t, y0, 1, t->cols - 2, head, PAIR_DIM, 0);
	int h = y1 - y0 - 1, n0 = sv->tail[0].n, n1 = sv->tail[1].n;
	if (n0 == 0 && n1 == 0) {
		draw_empty(t, y0 + 2, "(no output)");
		return;
	}
	int e = 0, s = n0 < h ? n0 : h; /* stderr and stdout lines shown */
	if (n1) {
		e = n1;
		int room = h - 1 - (n0 < h / 2 ? n0 : h / 2);
		if (n0 == 0)
			room = h - 1;
		if (e > room)
			e = room;
		if (e < 0)
			e = 0;
		s = h - 1 - e;
		if (s > n0)
			s = n0;
	}
	int y = y0 + 1;
	for (int i = n0 - s; i < n0; i++)
		put_cut(t, y++, 1, t->cols - 2, sv->tail[0].v[i].s, 0, 0);
	if (n1 && y < y1) {
		tui_put(t, y++, 1, t->cols - 2, t->utf8 ? "── stderr ──" : "-- stderr --", PAIR_DIM, 0);
		for (int i = n1 - e; i < n1 && y < y1; i++)
			put_cut(t, y++, 1, t->cols - 2, sv->tail[1].v[i].s, PAIR_WARN, 0);
	}
}

static void step_draw(struct view *v, struct tui *t)
{
	struct step_view *sv = v->data;
	if (!sv->st.status) { /* the last reload failed */
		draw_empty(t, 2, "This step run cannot be read now (F5 tries again).");
		return;
	}
	draw_tabs(sv, t, 1);
	draw_summary(sv, t, 2);
	int y0 = 4, y1 = t->lines - 1;
	switch (sv->tab) {
	case TAB_CONTEXT:
		if (sv->ctx.n == 0)
			draw_empty(t, y0, "No context: the step has not started.");
		lines_draw(t, &sv->ctx, y0, y1);
		break;
	case TAB_INPUTS: draw_artifacts(sv, t, 1, y0, y1); break;
	case TAB_OUTPUTS: draw_artifacts(sv, t, 0, y0, y1); break;
	case TAB_METADATA:
		if (sv->meta.n == 0)
			draw_empty(t, y0, "No metadata. A step records it with `runlens meta KEY=VALUE`.");
		lines_draw(t, &sv->meta, y0, y1);
		break;
	case TAB_METRICS: draw_metrics(sv, t, y0, y1); break;
	case TAB_LOGS: draw_logs(sv, t, y0, y1); break;
	case TAB_ATTEMPTS:
		if (sv->tb[TAB_ATTEMPTS].nrows == 0)
			draw_empty(t, y0 + 1, "No attempts: the step has not started.");
		else
			table_paint(t, &sv->tb[TAB_ATTEMPTS], y0, y1);
		break;
	default: break;
	}
}

static void step_title(struct view *v, char *buf, size_t size)
{
	struct step_view *sv = v->data;
	snprintf(buf, size, "Step %s %s run %lld %s", sv->step, sv->utf8 ? "—" : "-",
		 (long long)sv->run_id, sv->run_name ? sv->run_name : "");
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static int open_path(struct tui *t, const char *name, const char *path)
{
	struct stat sb;
	if (!path || stat(path, &sb) < 0) {
		tui_error(t, "%s: %s", path ? path : name, path ? strerror(errno) : "no path");
		return TUI_REDRAW;
	}
	if (S_ISDIR(sb.st_mode)) {
		tui_notice(t, "%s is a folder: %s", name, path);
		return TUI_REDRAW;
	}
	/* $PAGER may hold options ("less -R"); the path goes as an argument */
	char *argv[] = { "sh", "-c", "exec ${PAGER:-less} \"$1\"", "runlens-pager", (char *)path,
			 NULL };
	int st = tui_run_foreground(t, argv);
	if (st > 0)
		tui_error(t, "the pager exited with status %d", st);
	return TUI_REDRAW;
}

static int page_rows(const struct step_view *sv, struct tui *t)
{
	(void)sv;
	int h = t->lines - 6;
	return h > 1 ? h : 1;
}

static struct lines *tab_lines(struct step_view *sv)
{
	switch (sv->tab) {
	case TAB_CONTEXT: return &sv->ctx;
	case TAB_METADATA: return &sv->meta;
	default: return NULL;
	}
}

static int do_search(struct step_view *sv, struct tui *t, enum tui_action a)
{
	if (a == ACT_SEARCH) {
		char buf[sizeof sv->search];
		if (!tui_prompt(t, "search: ", NULL, buf, sizeof buf))
			return TUI_REDRAW;
		memcpy(sv->search, buf, sizeof buf);
		if (sv->ctx.hl >= 0 || sv->meta.hl >= 0)
			sv->ctx.hl = sv->meta.hl = -1;
	}
	if (!sv->search[0]) {
		tui_notice(t, "nothing to search for: / first");
		return TUI_REDRAW;
	}
	int dir = a == ACT_PREV ? -1 : 1, found = 0;
	struct lines *l = tab_lines(sv);
	if (l)
		found = lines_search(l, sv->search, dir, t->lines - 5);
	else if (is_table(sv->tab))
		found = table_search(&sv->tb[sv->tab], sv->search, dir);
	else
		return TUI_REDRAW;
	if (!found)
		tui_notice(t, "'%s' not found", sv->search);
	sync_series(sv, t);
	return TUI_REDRAW;
}

static void set_tab(struct step_view *sv, struct tui *t, int tab)
{
	sv->tab = (enum step_tab)((tab + TAB__COUNT) % TAB__COUNT);
	sync_series(sv, t);
}

static int open_row(struct step_view *sv, struct tui *t)
{
	struct tui_table *tb = &sv->tb[sv->tab];
	switch (sv->tab) {
	case TAB_INPUTS: {
		if (tb->nrows == 0)
			return TUI_HANDLED;
		const struct store_artifact_ref *r = &sv->ins[tb->sel];
		if (!r->producer_step) {
			tui_notice(t, "%s comes from outside the pipeline: no step made it", r->name);
			return TUI_REDRAW;
		}
		tui_push(t, view_step_new(r->producer_run_id, r->producer_step, TAB_OUTPUTS));
		return TUI_REDRAW;
	}
	case TAB_OUTPUTS:
		if (tb->nrows == 0)
			return TUI_HANDLED;
		return open_path(t, sv->outs[tb->sel].name, sv->outs[tb->sel].path);
	case TAB_ATTEMPTS:
		if (tb->nrows == 0)
			return TUI_HANDLED;
		tui_push(t, view_logs_new(sv->run_id, sv->step, sv->atts[tb->sel].number));
		return TUI_REDRAW;
	case TAB_LOGS:
		tui_push(t, view_logs_new(sv->run_id, sv->step, 0));
		return TUI_REDRAW;
	default:
		return TUI_HANDLED;
	}
}

static int step_action(struct view *v, struct tui *t, enum tui_action a)
{
	struct step_view *sv = v->data;
	switch (a) {
	case ACT_LEFT:
	case ACT_RIGHT:
		set_tab(sv, t, (int)sv->tab + (a == ACT_RIGHT ? 1 : -1));
		return TUI_REDRAW;
	case ACT_OPEN: return open_row(sv, t);
	case ACT_LOGS: {
		int n = sv->tab == TAB_ATTEMPTS && sv->natts ? sv->atts[sv->tb[TAB_ATTEMPTS].sel].number : 0;
		tui_push(t, view_logs_new(sv->run_id, sv->step, n));
		return TUI_REDRAW;
	}
	case ACT_OPEN_ARTIFACT:
		if (sv->tab == TAB_INPUTS && sv->nins) {
			const struct store_artifact_ref *r = &sv->ins[sv->tb[TAB_INPUTS].sel];
			return open_path(t, r->name, r->path);
		}
		if (sv->tab != TAB_OUTPUTS) {
			sv->tab = TAB_OUTPUTS;
			if (sv->nouts != 1) {
				tui_notice(t, "choose an output, then o");
				return TUI_REDRAW;
			}
		}
		if (sv->nouts == 0) {
			tui_notice(t, "this step has no outputs to open");
			return TUI_REDRAW;
		}
		return open_row(sv, t);
	case ACT_RERUN_FROM: return tui_rerun(t, sv->run_id, sv->step, 0);
	case ACT_SEARCH:
	case ACT_NEXT:
	case ACT_PREV: return do_search(sv, t, a);
	default: break;
	}
	struct lines *l = tab_lines(sv);
	if (l) {
		l->hl = -1;
		return lines_move(l, a, t->lines - 5);
	}
	if (is_table(sv->tab)) {
		int r = table_move(&sv->tb[sv->tab], a, page_rows(sv, t));
		sync_series(sv, t);
		return r;
	}
	return 0;
}

static int step_click(struct view *v, struct tui *t, int y, int x, int dbl)
{
	struct step_view *sv = v->data;
	if (y == 1) {
		for (int i = 0; i < TAB__COUNT; i++)
			if (x >= sv->tab_x[i] && x < sv->tab_x[i + 1]) {
				set_tab(sv, t, i);
				return TUI_REDRAW;
			}
		return TUI_HANDLED;
	}
	if (is_table(sv->tab) && table_click(&sv->tb[sv->tab], y)) {
		sync_series(sv, t);
		return dbl ? open_row(sv, t) | TUI_REDRAW : TUI_REDRAW;
	}
	if (dbl && sv->tab == TAB_LOGS)
		return open_row(sv, t);
	return TUI_HANDLED;
}

/* While the Logs tab shows a running attempt: its tail, once a second. */
static int step_tick(struct view *v, struct tui *t)
{
	struct step_view *sv = v->data;
	(void)t;
	const struct store_attempt *a = last_attempt(sv);
	if (sv->tab != TAB_LOGS || !a || a->ended_ms || time_now_ms() - sv->tail_checked_ms < 1000)
		return 0;
	off_t before[2] = { sv->tail_size[0], sv->tail_size[1] };
	struct stat sb;
	int grew = 0;
	for (int f = 0; f < 2; f++) {
		const char *p = f ? a->stderr_path : a->stdout_path;
		if (p && stat(p, &sb) == 0 && sb.st_size != before[f])
			grew = 1;
	}
	sv->tail_checked_ms = time_now_ms();
	if (!grew)
		return 0;
	sync_tail(sv);
	return TUI_REDRAW;
}

static void step_free(struct view *v)
{
	struct step_view *sv = v->data;
	clear_data(sv);
	for (int i = 0; i < TAB__COUNT; i++)
		table_clear(&sv->tb[i]);
	lines_free(&sv->ctx);
	lines_free(&sv->meta);
	lines_free(&sv->tail[0]);
	lines_free(&sv->tail[1]);
	clear_series(sv);
	free(sv->vals);
	free(sv->step);
	free(sv);
}

static const struct view_ops step_ops = {
	.name = "step",
	.load = step_load,
	.title = step_title,
	.draw = step_draw,
	.action = step_action,
	.free = step_free,
	.hints = "←/→ tabs · Enter open · o open output · R rerun from here",
	.hints_ascii = "Left/Right tabs · Enter open · o open output · R rerun",
	.click = step_click,
	.tick = step_tick,
};

struct view *view_step_new(int64_t run_id, const char *step, enum step_tab tab)
{
	struct view *v = calloc(1, sizeof(*v));
	struct step_view *sv = calloc(1, sizeof(*sv));
	if (!v || !sv || !step || !(sv->step = strdup(step))) {
		free(v);
		free(sv);
		return NULL;
	}
	sv->run_id = run_id;
	sv->tab = tab >= 0 && tab < TAB__COUNT ? tab : TAB_CONTEXT;
	sv->ctx.hl = sv->meta.hl = -1;
	v->ops = &step_ops;
	v->data = sv;
	return v;
}
