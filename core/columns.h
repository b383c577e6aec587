/* core/columns.h — the experiment table: runs as rows, their fixed
 * fields, params and metrics as columns.  Which columns a list shows
 * (--columns, the defaults, --only-changed), what each cell holds, which
 * run is best in a metric's column, and headers short enough for their
 * column that still tell the columns apart.  `runlens ls` and the
 * browser's runs view both decide with these functions and render the
 * result their own way.
 *
 * A column is named as --columns takes it: a fixed field ("id", "name",
 * "pipeline", "status", "started", "duration", "tags", "sweep", "git"), a param
 * ("params.lr") or a metric ("STEP.KEY": "evaluate.accuracy"). */
#ifndef RUNLENS_CORE_COLUMNS_H
#define RUNLENS_CORE_COLUMNS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/compare.h"
#include "store/store.h"
#include "util/error.h"

enum columns_fixed {
	COLS_ID,
	COLS_NAME,
	COLS_PIPELINE,
	COLS_STATUS,
	COLS_STARTED,
	COLS_DURATION,
	COLS_TAGS,
	COLS_SWEEP,
	COLS_GIT, /* the git commit the run recorded, short; "*" when dirty */
	COLS_FIXED,
};

/* "id", "name", … in the order above. */
extern const char *const columns_fixed_names[COLS_FIXED];

enum columns_kind { COLK_FIXED, COLK_PARAM, COLK_METRIC };

/* What NAME names, and for a fixed column which one (*fixed, may be
 * NULL; fixed names match in any case). */
enum columns_kind columns_kind_of(const char *name, int *fixed);

/* Whether some run has the param or metric NAME: 1 (known), 0 (unknown,
 * *why a malloc'd line saying so, with the closest names), -1 (error). */
typedef int (*columns_known_fn)(void *ctx, const char *name, char **why, struct rl_err *err);

/* The columns SPEC asks for (the text of --columns: names and globs
 * separated by commas, e.g. "name,params.*,evaluate.*" or "-tags").
 * When every item starts with '-' or '+', the DEFAULTS are changed (items
 * left out or added); otherwise the list is made of the items in order,
 * and a '-' item removes what earlier items added.  A glob (*, ? or [)
 * matches the names in AVAIL, in AVAIL's order; a name is taken as it is
 * when AVAIL has it or it is a fixed column, else when KNOWN says some
 * run has it (its cells are then empty), else it is an error
 * (RL_E_USAGE, "no run has …").  SPEC NULL: the defaults.  *out is a
 * malloc'd array of malloc'd names (columns_free). */
int columns_select(const char *spec, char *const *avail, int navail, char *const *defaults,
		   int ndefaults, columns_known_fn known, void *ctx, char ***out, int *nout,
		   struct rl_err *err);

/* A header for NAME in at most WIDTH columns, telling it apart from the
 * N names of OTHERS (which may include NAME): NAME when it fits; else
 * its leading parts that it shares with another name are shortened to
 * their first letter ("evaluate.avg_prec.test" with
 * "evaluate.avg_prec.train" beside it: "e.a.test"), then its other parts
 * but the last, and what is still too long is cut from the left, keeping
 * the end ("…prec.test"; "~" for "…" when UTF8 is 0).  malloc'd. */
char *columns_header(const char *name, int width, char *const *others, int n, int utf8);
/* The N headers HEADS (malloc'd, of the columns NAMES) made even: when
 * one has its name's first part shortened to a letter ("p.epochs" for
 * params.epochs), every header whose name starts with that part gets it
 * shortened too ("p.lr", not "params.lr" beside it).  A header only
 * gets shorter; one that cannot be changed stays as it is. */
void columns_headers_even(char **heads, char *const *names, int n);

void columns_free(char **v, int n);

/* ------------------------------------------------------------------ */
/* The rows: runs with their params and metrics                        */

struct columns_row {
	const struct store_run *run; /* the caller's */
	cJSON *params;		     /* the run's params object (never NULL) */
	struct store_metric *m;	     /* nm, the run's metrics */
	int nm;
	struct compare_index ix;
	int64_t sweep_id; /* filled by columns_table_load_sweeps */
	char *sweep_name;
	char git[16];	  /* columns_git_text of the run */
};

struct columns_table {
	struct columns_row *rows;
	int nrows;
	/* every column the rows have: the fixed ones, then params (in the
	 * order of the first run having each), then metrics (likewise) */
	char **avail;
	int navail;
	cJSON *dirs; /* per pipeline id ("3"): its "metrics" object, loaded lazily */
	int pipelines; /* distinct pipelines among the rows */
};

/* Read the params and metrics of the N runs ROWS (borrowed: they must
 * outlive the table) in one read snapshot.  *out is new
 * (columns_table_free). */
int columns_table_new(struct store *s, const struct store_run *runs, int n,
		      struct columns_table **out, struct rl_err *err);
/* The sweep of each row (for the "sweep" column). */
int columns_table_load_sweeps(struct store *s, struct columns_table *t, struct rl_err *err);
void columns_table_free(struct columns_table **t);

/* What a cell holds. */
enum columns_value_kind {
	COLV_NONE,   /* the run has no such param or metric */
	COLV_NUMBER, /* a metric, a number param, an id */
	COLV_TEXT,   /* a string: name, status, a string param */
	COLV_JSON,   /* a param that is neither a number nor a string */
	COLV_TIME,   /* ms since the epoch */
	COLV_SPAN,   /* ms */
	COLV_TAGS,   /* the run's tags */
};
struct columns_value {
	enum columns_value_kind kind;
	double num;	       /* NUMBER */
	int64_t ms;	       /* TIME, SPAN */
	const char *text;      /* TEXT (owned by the table or the run) */
	const cJSON *json;     /* JSON, and a param of any kind */
};

/* The "git" cell of run R into BUF (at least 16 bytes): its commit's
 * first 7 hex digits, with "*" when tracked files had changes
 * ("3f2a9c1*"); "" when it ran outside a git work tree.  `ls`, `show`,
 * `compare` and the browser all print a run's commit so. */
void columns_git_text(const struct store_run *r, char *buf, size_t size);

/* The cell of row ROW in column NAME. */
void columns_cell(const struct columns_table *t, int row, const char *name, struct columns_value *v);

/* The defaults of a list of runs, for a terminal: id, name, pipeline
 * (when the rows are of more than one), status, started, duration, the
 * params whose values differ between the rows (every param when there is
 * one row), every metric, then tags when a row has some, and sweep when a
 * row is in one.
 * *out as columns_select. */
int columns_defaults(const struct columns_table *t, char ***out, int *n, struct rl_err *err);

/* The same rule for the browser, from the fields of a pipeline's newest
 * runs (store_recent_fields) rather than the rows on screen: id, status,
 * name, pipeline (when SUM->pipelines > 1), every metric, the params with
 * more than one value, started, duration, tags, and sweep when a run is
 * in one; of several pipelines only the params and metrics that all of
 * them have. */
int columns_defaults_of(const struct store_field *f, int n, const struct store_recent *sum,
			char ***out, int *nout, struct rl_err *err);

/* --only-changed: leave out of COLS (*n of them, changed in place) the
 * columns whose cells are equal on every row (id and name stay).  A
 * column that some rows have and others lack has changed. */
void columns_only_changed(const struct columns_table *t, char **cols, int *n);

/* The row whose value is best in metric column NAME (by the direction of
 * the metric in the pipeline file of that row, core/compare.h), among
 * the completed runs when one of them has it; -1 when fewer than two
 * rows have it or all have the same value. */
int columns_best(struct store *s, struct columns_table *t, const char *name);

#endif
