/* tui/view_step.h — what the files of the step view share: its state
 * (view_step.c: loading, the selected series, the log tail, the keys),
 * the text of its values (view_step_text.c: tables and lines from the
 * records) and its painting (view_step_tabs.c: the tab bar, the summary
 * and each tab, the Metrics tab's chart). */
#ifndef RUNLENS_TUI_VIEW_STEP_H
#define RUNLENS_TUI_VIEW_STEP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/store.h"
#include "tui/internal.h"
#include "tui/widget_chart.h"
#include "tui/widget_table.h"
#include "tui/widget_text.h"

/* Bytes [start, end) of log FILE (0 stdout, 1 stderr). */
struct step_stretch {
	int file;
	off_t start, end;
};

/* What an attempt's order file said so far (view_step_text.c): its runs
 * read up to READ, AT each log's bytes they cover, the stretches of the
 * last of them (at least the Logs tab's bytes; older ones dropped), so
 * that a refresh reads only what was added. */
struct step_order {
	char *path;
	off_t read, at[2], bytes;
	struct step_stretch *v;
	int n, cap;
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
	char **att_metrics; /* natts: what each attempt recorded, as one line */
	char *job_line;	    /* the last attempt's job (Slurm), or NULL */
	struct store_artifact_ref *ins, *outs;
	struct store_meta *metas;
	struct store_metric *ms;
	int natts, nins, nouts, nmetas, nms;
	struct tui_table tb[TAB__COUNT]; /* Inputs, Outputs, Metrics, Attempts */
	struct text_list ctx, meta;
	struct text_list tail; /* the last attempt's logs, interleaved */
	struct step_order tail_order;
	off_t tail_size[2];
	int64_t tail_checked_ms;
	int tail_attempt;
	/* the series of the selected metric */
	char *series_key;
	double *vals;
	int npts, cap_pts;
	int64_t first_index, last_index;
	char search[256];
	/* computed for the screen (recalc) */
	int tab_style;		   /* the tab bar: full names with counts, names, short */
	int tab_x[TAB__COUNT + 1]; /* its columns, for clicks */
	int metrics_rows;	   /* rows of the Metrics tab's table */
	struct chart chart;	   /* the selected metric's series */
	char *plot_title;
	const char *plot_msg; /* instead of the chart */
	char *plot_msg_own;   /* plot_msg when it is malloc'd */
};

/* The rows of a tab's table or lines on a screen T->lines high. */
int step_page_rows(const struct tui *t);
const struct store_attempt *step_last_attempt(const struct step_view *sv);
int step_is_table(enum step_tab tab);
/* The lines of the current tab (Context, Metadata), or NULL. */
struct text_list *step_tab_lines(struct step_view *sv);

/* view_step_text.c */
/* "292 B", "1.5 KB", "12 MB". */
void step_fmt_size(int64_t n, char *buf, size_t size);
/* Compact JSON of a stored value (as stored when it does not parse);
 * malloc'd. */
char *step_compact(const char *value_json);
/* The tables and lines of the loaded records. */
void step_fill(struct step_view *sv, struct tui *t);
/* The last lines of an attempt's two logs into OUT, interleaved in the
 * order they were written (the output.order beside them; without one,
 * stdout's then stderr's), stderr's in PAIR_WARN, each line as written
 * (drawn through util/ansi.c); only their last bytes are read, and
 * only what the order file gained since ORDER read it.  SIZE gets each
 * file's size (-1: cannot be read). */
void step_read_tail(const char *out_path, const char *err_path, struct step_order *order,
		    struct text_list *out, off_t size[2]);
void step_order_clear(struct step_order *o);

/* view_step_tabs.c */
/* Lay out the tab bar and the Metrics tab (its chart) for the screen. */
void step_layout(struct step_view *sv, struct tui *t);
void step_draw(struct view *v, struct tui *t);

#endif
