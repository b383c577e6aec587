/* core/ingest.h — what steps tell the runner: the records file each
 * attempt appends to (see client/context.c for the line format: meta,
 * metric and state records; the Python module also writes
 * {"environment": {"python": "3.11.7", …}}), read while the step runs and
 * once more when it ends. */
#ifndef RUNLENS_CORE_INGEST_H
#define RUNLENS_CORE_INGEST_H

#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "core/spec.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/error.h"

struct ingest {
	const char *path;   /* the records file */
	off_t offset;	    /* bytes consumed */
	struct buf partial; /* an incomplete last line */
	int line;	    /* lines consumed */
	int64_t step_run_id;
	const struct spec_step *step; /* to check output names */
	char *const *secrets; /* values to mask in metadata */
	int nsecrets;
	cJSON *state; /* the attempt's state writes (owned by the caller) */
	cJSON *environment; /* what the step said of where it runs, e.g.
			       {"python": "3.11.7"} (owned by the caller; may
			       be NULL: such records are ignored) */
	const char *warn_path; /* where to note ignored lines (stderr log) */
	int64_t records;  /* records stored so far */
	int64_t ignored;  /* lines ignored */
	/* metric values read by ingest_poll and not stored yet: it stores
	 * them together (store_metrics_add) before it returns; their keys
	 * are in pending_keys, at pending_key_at */
	struct store_point_new *pending;
	size_t *pending_key_at;
	int npending, cappending;
	struct buf pending_keys;
	/* metadata read by ingest_poll and not stored yet: only the last
	 * value of each key is stored, as the last write would have left it */
	struct ingest_meta_new *pending_meta;
	int nmeta;
	int batching;
	int64_t read_ms; /* when ingest_poll read the lines it is taking */
};

/* Read what was appended since the last call and store it (metadata and
 * metrics in the store, state into ing->state).  With FINAL, an
 * incomplete last line is taken too.  Store errors return -1; bad lines
 * are skipped with a note in the attempt's stderr log. */
int ingest_poll(struct store *s, struct ingest *ing, int final,
		struct rl_err *err);

/* Apply one record line (no newline).  Returns 1 when stored, 0 when
 * ignored (WHY set, malloc'd), -1 on a store error. */
int ingest_line(struct store *s, struct ingest *ing, const char *line,
		size_t len, char **why, struct rl_err *err);

void ingest_release(struct ingest *ing);

/* A metric name two numbers of DOC would both get ({"a": {"b": 1},
 * "a.b": 2}, or a key twice in one object), malloc'd; NULL when none
 * (ingest_metrics_json's names are then one number each). */
char *ingest_metrics_json_clash(const cJSON *doc);
/* Flatten the numbers of a JSON document into metrics of a step run:
 * nested keys joined with '.', array elements by position. */
int ingest_metrics_json(struct store *s, int64_t step_run_id,
			const cJSON *doc, struct rl_err *err);

#endif
