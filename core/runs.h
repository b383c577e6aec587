/* core/runs.h — what people do to recorded runs, shared by the CLI
 * (`runlens pin`, `runlens rm`) and the browser (b, d). */
#ifndef RUNLENS_CORE_RUNS_H
#define RUNLENS_CORE_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/error.h"

/* Pin RUN_ID as its pipeline's baseline. */
int runs_pin(struct store *s, int64_t run_id, struct rl_err *err);

/* Why pinning R deserves a question first (malloc'd), or NULL: "run 12
 * failed" for a run that did not complete (a baseline is a run to
 * measure against). */
char *runs_pin_doubt(const struct store_run *r);

/* The baseline of pipeline P by rule from now on: the newest completed
 * earlier run EXPR matches (the --where language; RL_E_INPUT when it
 * does not parse).  The pinned run, if any, is unpinned. */
int runs_pin_rule(struct store *s, const struct store_pipeline *p, const char *expr,
		  struct rl_err *err);

/* No pinned run and no `pin --where` rule for P (the pipeline file's
 * rule, if any, stays). */
int runs_unpin(struct store *s, const struct store_pipeline *p, struct rl_err *err);

/* Labels (`runlens tag`, `untag`, `note`; the browser's :tag, :untag,
 * :note).  A tag is what spec_valid_tag takes (else RL_E_INPUT, "'a b'
 * is not a tag (…)"). */
int runs_tag_check(const char *tag, struct rl_err *err);
/* Whether NAME can name a run (RL_E_USAGE with the reason): not empty,
 * not all digits (an id), not `last`, no '@' (PIPELINE@last), not
 * starting with '-' (an option). */
int runs_name_check(const char *name, struct rl_err *err);
/* The same, and no run of S (may be NULL: a store not made yet) has
 * NAME: what `run --name` and its dry run both say. */
int runs_name_free(struct store *s, const char *name, struct rl_err *err);
/* Tag RUN_ID with the N TAGS (all checked first) in one transaction; a
 * tag it has already is no error. */
int runs_tag(struct store *s, int64_t run_id, char *const *tags, int n, struct rl_err *err);
/* Remove the N TAGS from RUN_ID in one transaction: *removed (may be
 * NULL) counts those it had, ABSENT (may be NULL) gets "'a', 'b'", those
 * it had not. */
int runs_untag(struct store *s, int64_t run_id, char *const *tags, int n, int *removed,
	       struct buf *absent, struct rl_err *err);
/* Add the note TEXT to RUN_ID, now. */
int runs_note(struct store *s, int64_t run_id, const char *text, struct rl_err *err);

/* Refuse (RL_E_USAGE) when any of the N runs is still running; else
 * delete them and what they recorded in one transaction, then their run
 * folders (logs, contexts, checkpoints).  A folder that cannot be removed
 * is an error naming it (the runs are deleted all the same).  Artifacts
 * wait for `runlens gc`. */
int runs_check_deletable(struct store *s, const int64_t *ids, int n,
			 struct rl_err *err);
int runs_delete(struct store *s, const int64_t *ids, int n, struct rl_err *err);
/* What deleting the N runs IDS takes from other runs, to say before it
 * is done, in two parts (each malloc'd), or NULLs when nothing: "run 7
 * reuses steps of it from the cache:", "those steps keep their outputs
 * but lose their logs" (a cached step's logs and attempts are its
 * source's; at most five ids named, "runs 7, 9 and 4 more"). */
int runs_delete_reach(struct store *s, const int64_t *ids, int n, char *said[2],
		      struct rl_err *err);

/* A step's status as people read it, into BUF: "retrying in 4s" while a
 * retrying step waits LEFT_MS more for its next attempt (retry_delay;
 * the seconds rounded up, "retrying in 2m05s", "retrying in 1h30m"), else
 * STATUS as it is.  The run board, `show` and the browser all say it so. */
void runs_step_status(const char *status, int64_t left_ms, char *buf, size_t size);

#endif
