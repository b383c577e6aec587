/* tui/run_facts.h — what the detail pane under the runs list and the Run
 * view show of one run besides its steps: its params, tags and note, and
 * its metrics with the change from its baseline, judged by compare_new
 * (core/compare.h: delta, %, better or worse, as `runlens compare RUN`
 * says), as text ready to paint.  Loading reads one run and its
 * baseline, in one read snapshot, never a table. */
#ifndef RUNLENS_TUI_RUN_FACTS_H
#define RUNLENS_TUI_RUN_FACTS_H

#include <stdint.h>

#include "util/error.h"

struct store;
struct tui;

struct run_fact_metric {
	char *name;   /* "train.loss" */
	char *value;  /* "0.2345", "-" when only the baseline has it */
	char *change; /* "▼12.0% better", "= same", "" without a baseline */
	int pair;     /* PAIR_BETTER, PAIR_WORSE, PAIR_DIM or 0 */
};

struct run_facts {
	int64_t run_id;
	int64_t baseline; /* 0: none */
	char *params;	  /* "lr=0.1  epochs=3", or NULL */
	char *tags;	  /* "good, first", or NULL */
	char *note;	  /* or NULL */
	struct run_fact_metric *m;
	int nm;
	int name_w, value_w; /* the widest name and value */
};

/* Load run RUN_ID against BASELINE (0: its own baseline, baseline_of).
 * 0, or -1 with ERR. */
int run_facts_load(struct store *s, int64_t run_id, int64_t baseline, int utf8,
		   struct run_facts *f, struct rl_err *err);
void run_facts_clear(struct run_facts *f);

/* A JSON object as "k=v  k=v" (strings raw, other values as JSON);
 * NULL when empty or not an object.  Malloc'd. */
struct cJSON;
char *run_facts_pairs(const struct cJSON *obj);

/* Paint the metrics as "NAME  VALUE  CHANGE" rows from row Y (before
 * row Y1) at column X in W columns, starting with metric FIRST.  Returns
 * the rows painted. */
int run_facts_paint_metrics(struct tui *t, const struct run_facts *f, int first, int y, int y1,
			    int x, int w);

#endif
