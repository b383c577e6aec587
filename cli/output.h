/* cli/output.h — how commands print: aligned tables, CSV, JSON, and
 * terminal-safe text. */
#ifndef RUNLENS_CLI_OUTPUT_H
#define RUNLENS_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

/* A table of text cells, printed with aligned columns or as CSV. */
struct table;

/* NCOLS headers follow. */
struct table *table_new(int ncols, ...);
/* NCOLS headers in an array (a column set known only at run time). */
struct table *table_new_v(int ncols, const char *const *headers);
/* Add a row of ncols cells (NULL prints as empty); cells are copied. */
int table_add_row(struct table *t, ...);
/* The same, the ncols cells in an array. */
int table_add_row_v(struct table *t, const char *const *cells);
/* Colour of the last added row's cell COL (an ANSI SGR like "32"), used
 * by table_print when colour is on. */
void table_set_color(struct table *t, int col, const char *sgr);
/* The last added row's cell COL is the number V: shown as out_number
 * does, in CSV in the shortest form that reads back as V (util/num.h);
 * a V that is not finite is an empty cell. */
void table_set_number(struct table *t, int col, double v);
/* Right-align column COL (numbers). */
void table_align_right(struct table *t, int col);
/* Print with two spaces between columns; the last column is not padded.
 * Each cell is written terminal-safe (util/text.h). */
void table_print(const struct table *t, FILE *out, int color);
/* RFC 4180 CSV with a header row: the cells' bytes as they are, a cell
 * with a control character quoted. */
void table_print_csv(const struct table *t, FILE *out);
int table_rows(const struct table *t);
void table_free(struct table **t);

/* Print a JSON document (indented) followed by a newline; every number
 * in the shortest form that reads back as the same double (json_print,
 * util/num.h), one that is not finite as null. */
void out_json(FILE *out, const cJSON *doc);

/* Add KEY to the object O; each is null when unset: a string (NULL), an
 * id (0), a time (0; else ISO 8601), JSON text (NULL; text that does not
 * parse is kept as a string). */
void out_json_str(cJSON *o, const char *key, const char *s);
void out_json_id(cJSON *o, const char *key, int64_t id);
void out_json_time(cJSON *o, const char *key, int64_t ms);
cJSON *out_json_value(const char *text);
/* "duration": seconds from START_MS to END_MS (to now while END_MS is 0),
 * null without START_MS. */
void out_json_duration(cJSON *o, int64_t start_ms, int64_t end_ms);
/* The head of a run's JSON: "id", "name", "pipeline", "status",
 * "started_at", "ended_at", "duration". */
struct store_run;
void out_json_run_head(cJSON *o, const struct store_run *r);
/* "tags": [TAGS…] */
void out_json_tags(cJSON *o, char *const *tags, int n);
/* "git": {"commit", "dirty"} of run R (dirty null when not known), or
 * null when it ran outside a git work tree. */
void out_json_git(cJSON *o, const struct store_run *r);
/* KEY: {"STEP.KEY": value, …} of N metrics. */
struct store_metric;
void out_json_metrics(cJSON *o, const char *key, const struct store_metric *ms,
		      int n);

/* Bytes made valid UTF-8 (invalid sequences become U+FFFD), malloc'd. */
char *out_utf8_clean(const char *data, size_t len);

/* Write LEN bytes so that a terminal shows them safely: control
 * characters other than newline and tab (C0, DEL, C1), and bytes that are
 * not valid UTF-8, are written as escapes (\x1b).  Lines longer than MAX_LINE
 * characters are cut with " …" (0: no limit). */
void out_terminal_safe(FILE *out, const char *data, size_t len,
		       size_t max_line);

/* Everything the commands print for people goes through table_print,
 * out_linef (and the two below) or out_terminal_safe, so that no byte a
 * user or a step chose (a run name, a tag, a metric key, an error that
 * quotes one) can drive the terminal: each is written terminal-safe
 * (util/text.h).  CSV and JSON carry the bytes as they are, escaped by
 * their own rules, for programs. */

/* One line: FMT formatted, made terminal-safe as a whole (tabs kept; a
 * newline inside an argument is escaped), then a newline.  FMT itself
 * holds no newline and no colour: print those apart. */
void out_linef(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* TEXT terminal-safe (tabs kept), no newline: a piece of a line that
 * also has colour. */
void out_text(FILE *out, const char *text);
/* "  LABEL     TEXT\n", through out_linef. */
void out_field(FILE *out, const char *label, const char *text);
/* TEXT and a newline, through out_linef. */
void out_line(FILE *out, const char *text);

/* ANSI colour SGR for a run or step status ("32" green, …). */
const char *out_status_color(const char *status);

/* Should output to OUT be coloured?  (a terminal, no NO_COLOR) */
int out_use_color(FILE *out);

/* Are the locale's characters UTF-8 (LC_ALL, else LC_CTYPE, else LANG)?
 * Then ▲/▼ and block characters, else ASCII. */
int out_utf8_locale(void);

/* Human forms: "2026-11-23 10:15", "4m05s", "-". */
void out_time(int64_t ms, char *buf, size_t size);
void out_duration(int64_t start_ms, int64_t end_ms, char *buf, size_t size);

/* A metric value for a table cell: %.6g (short, not exact: machine
 * output and KEY = VALUE lines use num_shortest). */
void out_number(double v, char *buf, size_t size);

#endif
