/* cli/output.c — tables, CSV, JSON and terminal-safe text. */
#include "config.h"
#include "cli/output.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/text.h"
#include "util/timeutil.h"

struct table {
	int ncols;
	char **cells;  /* (nrows + 1) * ncols; row 0 = headers */
	char **colors; /* same shape; NULL = none */
	char **csv;    /* same shape: the cell in CSV when it differs; NULL = none */
	unsigned char *right;
	int nrows, cap;
};

static int table_grow(struct table *t)
{
	if (t->nrows + 1 < t->cap)
		return 0;
	int cap = t->cap ? t->cap * 2 : 16;
	char **c = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof(char *));
	if (!c)
		return -1;
	t->cells = c;
	char **k = realloc(t->colors, (size_t)cap * (size_t)t->ncols * sizeof(char *));
	if (!k)
		return -1;
	t->colors = k;
	char **v = realloc(t->csv, (size_t)cap * (size_t)t->ncols * sizeof(char *));
	if (!v)
		return -1;
	t->csv = v;
	t->cap = cap;
	return 0;
}

/* Add the header (HEADER) or a row: ncols cells (NULL prints as empty). */
static int table_row(struct table *t, const char *const *cells, int header)
{
	if (table_grow(t) < 0)
		return -1;
	int row = header ? 0 : t->nrows + 1;
	for (int c = 0; c < t->ncols; c++) {
		const char *s = cells[c];
		t->cells[row * t->ncols + c] = strdup(s ? s : "");
		t->colors[row * t->ncols + c] = NULL;
		t->csv[row * t->ncols + c] = NULL;
	}
	if (!header)
		t->nrows++;
	return 0;
}

/* The ncols cells of AP as a row (or the header). */
static int table_vrow(struct table *t, va_list ap, int header)
{
	const char **cells = calloc((size_t)t->ncols, sizeof *cells);
	if (!cells)
		return -1;
	for (int c = 0; c < t->ncols; c++)
		cells[c] = va_arg(ap, const char *);
	int rc = table_row(t, cells, header);
	free(cells);
	return rc;
}

static struct table *table_alloc(int ncols)
{
	struct table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ncols = ncols;
	t->right = calloc((size_t)ncols, 1);
	if (!t->right)
		table_free(&t);
	return t;
}

struct table *table_new(int ncols, ...)
{
	struct table *t = table_alloc(ncols);
	if (!t)
		return NULL;
	va_list ap;
	va_start(ap, ncols);
	int rc = table_vrow(t, ap, 1);
	va_end(ap);
	if (rc < 0)
		table_free(&t);
	return t;
}

struct table *table_new_v(int ncols, const char *const *headers)
{
	struct table *t = table_alloc(ncols);
	if (t && table_row(t, headers, 1) < 0)
		table_free(&t);
	return t;
}

int table_add_row(struct table *t, ...)
{
	va_list ap;
	va_start(ap, t);
	int rc = table_vrow(t, ap, 0);
	va_end(ap);
	return rc;
}

int table_add_row_v(struct table *t, const char *const *cells)
{
	return table_row(t, cells, 0);
}

void table_set_color(struct table *t, int col, const char *sgr)
{
	if (t->nrows == 0 || col < 0 || col >= t->ncols)
		return;
	char **slot = &t->colors[t->nrows * t->ncols + col];
	free(*slot);
	*slot = sgr ? strdup(sgr) : NULL;
}

void table_set_number(struct table *t, int col, double v)
{
	if (t->nrows == 0 || col < 0 || col >= t->ncols)
		return;
	char human[32], exact[NUM_BUF];
	out_number(v, human, sizeof human);
	num_shortest(v, exact);
	int at = t->nrows * t->ncols + col;
	free(t->cells[at]);
	free(t->csv[at]);
	t->cells[at] = strdup(isfinite(v) ? human : "");
	t->csv[at] = strdup(exact);
}

void table_align_right(struct table *t, int col)
{
	if (col >= 0 && col < t->ncols)
		t->right[col] = 1;
}

int table_rows(const struct table *t)
{
	return t ? t->nrows : 0;
}

void table_print(const struct table *t, FILE *out, int color)
{
	/* what the terminal is given: each cell terminal-safe (util/text.h) */
	int ncells = (t->nrows + 1) * t->ncols;
	int *w = calloc((size_t)t->ncols, sizeof(int));
	char **safe = calloc((size_t)ncells, sizeof(char *));
	if (!w || !safe)
		goto cleanup;
	for (int i = 0; i < ncells; i++)
		if (!(safe[i] = text_escape_str(t->cells[i], TEXT_TAB_SPACES)))
			goto cleanup;
	for (int r = 0; r <= t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			int cw = text_width(safe[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (int r = 0; r <= t->nrows; r++) {
		struct buf line = BUF_INIT;
		for (int c = 0; c < t->ncols; c++) {
			const char *s = safe[r * t->ncols + c];
			const char *k = t->colors[r * t->ncols + c];
			int pad = w[c] - text_width(s);
			int last = c == t->ncols - 1;
			if (c)
				buf_puts(&line, "  ");
			if (t->right[c])
				for (int i = 0; i < pad; i++)
					buf_putc(&line, ' ');
			if (color && r == 0)
				buf_puts(&line, "\033[1m");
			if (color && k)
				buf_printf(&line, "\033[%sm", k);
			buf_puts(&line, s);
			if (color && (k || r == 0))
				buf_puts(&line, "\033[0m");
			if (!t->right[c] && !last)
				for (int i = 0; i < pad; i++)
					buf_putc(&line, ' ');
		}
		/* no trailing blanks */
		while (line.len && line.data[line.len - 1] == ' ')
			line.data[--line.len] = '\0';
		fprintf(out, "%s\n", line.data ? line.data : "");
		buf_free(&line);
	}
cleanup:
	for (int i = 0; safe && i < ncells; i++)
		free(safe[i]);
	free(safe);
	free(w);
}

/* A control character (C0, DEL, C1) anywhere in S? */
static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0))
			return 1;
	return 0;
}

/* A CSV field: the bytes as they are (CSV is for programs), quoted when
 * they hold a separator, a quote or any control character. */
static void csv_cell(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"") == NULL && !has_control(s)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void table_print_csv(const struct table *t, FILE *out)
{
	for (int r = 0; r <= t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', out);
			const char *exact = t->csv[r * t->ncols + c];
			csv_cell(out, exact ? exact : t->cells[r * t->ncols + c]);
		}
		fputs("\r\n", out);
	}
}

void table_free(struct table **pt)
{
	if (!pt || !*pt)
		return;
	struct table *t = *pt;
	/* cap is set once all three arrays have room (the header row is in) */
	int n = t->cap ? (t->nrows + 1) * t->ncols : 0;
	for (int i = 0; i < n; i++) {
		free(t->cells[i]);
		free(t->colors[i]);
		free(t->csv[i]);
	}
	free(t->cells);
	free(t->colors);
	free(t->csv);
	free(t->right);
	free(t);
	*pt = NULL;
}

void out_json(FILE *out, const cJSON *doc)
{
	char *s = json_print(doc, 1);
	if (s) {
		fputs(s, out);
		fputc('\n', out);
		free(s);
	}
}


void out_json_str(cJSON *o, const char *key, const char *s)
{
	cJSON_AddItemToObject(o, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

void out_json_id(cJSON *o, const char *key, int64_t id)
{
	cJSON_AddItemToObject(o, key, id ? cJSON_CreateNumber((double)id)
					 : cJSON_CreateNull());
}

void out_json_time(cJSON *o, const char *key, int64_t ms)
{
	char iso[32];
	if (ms)
		time_iso8601(ms, iso, sizeof iso);
	out_json_str(o, key, ms ? iso : NULL);
}

cJSON *out_json_value(const char *text)
{
	cJSON *v = text ? cJSON_Parse(text) : NULL;
	return v ? v : text ? cJSON_CreateString(text) : cJSON_CreateNull();
}

void out_json_duration(cJSON *o, int64_t start_ms, int64_t end_ms)
{
	if (!start_ms) {
		cJSON_AddNullToObject(o, "duration");
		return;
	}
	if (!end_ms)
		end_ms = time_now_ms();
	cJSON_AddNumberToObject(o, "duration", (double)(end_ms - start_ms) / 1000.0);
}

void out_json_run_head(cJSON *o, const struct store_run *r)
{
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "pipeline", r->pipeline);
	cJSON_AddStringToObject(o, "status", r->status);
	out_json_time(o, "started_at", r->started_ms);
	out_json_time(o, "ended_at", r->ended_ms);
	out_json_duration(o, r->started_ms, r->ended_ms);
}

void out_json_git(cJSON *o, const struct store_run *r)
{
	if (!r->git_commit) {
		cJSON_AddNullToObject(o, "git");
		return;
	}
	cJSON *g = cJSON_AddObjectToObject(o, "git");
	cJSON_AddStringToObject(g, "commit", r->git_commit);
	if (r->git_dirty < 0)
		cJSON_AddNullToObject(g, "dirty");
	else
		cJSON_AddBoolToObject(g, "dirty", r->git_dirty);
}

void out_json_tags(cJSON *o, char *const *tags, int n)
{
	cJSON *a = cJSON_AddArrayToObject(o, "tags");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(tags[i]));
}

void out_json_metrics(cJSON *o, const char *key, const struct store_metric *ms,
		      int n)
{
	cJSON *m = cJSON_AddObjectToObject(o, key);
	struct buf k = BUF_INIT;
	for (int i = 0; i < n; i++) {
		buf_reset(&k);
		buf_printf(&k, "%s.%s", ms[i].step, ms[i].key);
		cJSON_AddNumberToObject(m, k.data, ms[i].value);
	}
	buf_free(&k);
}

char *out_utf8_clean(const char *data, size_t len)
{
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;
	while (i < len) {
		size_t n = p[i] ? text_utf8_len(p + i, len - i) : 0;
		if (n == 0) {
			buf_puts(&b, "\xEF\xBF\xBD");
			i++;
		} else {
			buf_append(&b, p + i, n);
			i += n;
		}
	}
	return buf_steal(&b);
}

void out_terminal_safe(FILE *out, const char *data, size_t len,
		       size_t max_line)
{
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)data;
	size_t col = 0, i = 0;
	int cut = 0;
	char esc[12];
	while (i < len) {
		unsigned char c = p[i];
		if (c == '\n') {
			buf_putc(&b, '\n');
			col = 0;
			cut = 0;
			i++;
			continue;
		}
		if (cut) {
			i++;
			continue;
		}
		if (max_line && col >= max_line) {
			buf_puts(&b, " …");
			cut = 1;
			i++;
			continue;
		}
		const char *piece;
		size_t plen;
		int w;
		i += text_piece(p + i, len - i, TEXT_KEEP_TAB, esc, &piece, &plen, &w);
		buf_append(&b, piece, plen);
		col++;
		if (b.len > 65536) {
			fwrite(b.data, 1, b.len, out);
			buf_reset(&b);
		}
	}
	if (b.len)
		fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

void out_linef(FILE *out, const char *fmt, ...)
{
	struct buf safe = BUF_INIT;
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *line = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (line)
		vsnprintf(line, (size_t)n + 1, fmt, again);
	va_end(again);
	va_end(ap);
	if (line && text_escape(&safe, line, (size_t)n, TEXT_KEEP_TAB) == 0 &&
	    buf_putc(&safe, '\n') == 0)
		fwrite(safe.data, 1, safe.len, out);
	free(line);
	buf_free(&safe);
}

void out_text(FILE *out, const char *text)
{
	char *safe = text_escape_str(text, TEXT_KEEP_TAB);
	fputs(safe ? safe : "", out);
	free(safe);
}

void out_field(FILE *out, const char *label, const char *text)
{
	out_linef(out, "  %-9s %s", label, text ? text : "");
}

void out_line(FILE *out, const char *text)
{
	out_linef(out, "%s", text ? text : "");
}

const char *out_status_color(const char *status)
{
	if (!status)
		return NULL;
	if (!strcmp(status, "completed") || !strcmp(status, "cached"))
		return "32";
	if (!strcmp(status, "failed") || !strcmp(status, "interrupted"))
		return "31";
	if (!strcmp(status, "running"))
		return "36";
	if (!strcmp(status, "retrying"))
		return "33";
	return "2";
}

int out_use_color(FILE *out)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(out));
}

int out_utf8_locale(void)
{
	const char *lang = getenv("LC_ALL");
	if (!lang || !*lang)
		lang = getenv("LC_CTYPE");
	if (!lang || !*lang)
		lang = getenv("LANG");
	return lang && (strstr(lang, "UTF-8") || strstr(lang, "utf8") || strstr(lang, "UTF8"));
}

void out_time(int64_t ms, char *buf, size_t size)
{
	if (!ms)
		snprintf(buf, size, "-");
	else
		time_local_short(ms, buf, size);
}

void out_duration(int64_t start_ms, int64_t end_ms, char *buf, size_t size)
{
	if (!start_ms) {
		snprintf(buf, size, "-");
		return;
	}
	if (!end_ms)
		end_ms = time_now_ms();
	time_duration(end_ms - start_ms, buf, size);
}

void out_number(double v, char *buf, size_t size)
{
	snprintf(buf, size, "%.6g", v);
}
