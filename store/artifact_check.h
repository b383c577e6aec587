/* store/artifact_check.h — one artifact row, as checking a stored artifact
 * before a step uses it needs it (core/attempt.c, artifacts_check).
 *
 * Kept apart from store/store.h only while store/ is being reworked on
 * another branch; it follows store.h's conventions and belongs in it.
 * No schema change: created_ms is the time the runner recorded as the
 * artifact's seal (nothing of the stored copy was modified after it). */
#ifndef RUNLENS_STORE_ARTIFACT_CHECK_H
#define RUNLENS_STORE_ARTIFACT_CHECK_H

#include <stdint.h>

#include "store/store.h"

struct store_artifact {
	int64_t id;
	char *sha256;
	char *type; /* "file" or "dir" */
	int64_t size;
	char *path;
	int64_t created_ms;
};

/* The row of artifact ID (RL_E_NOT_FOUND when there is none). */
int store_artifact_get(struct store *s, int64_t id, struct store_artifact *out,
		       struct rl_err *err);
/* Accepts NULL. */
void store_artifact_clear(struct store_artifact *a);

#endif
