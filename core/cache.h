/* core/cache.h — step caching: the cache key of a step run, finding a
 * reusable earlier result (its artifacts re-hashed before reuse), and
 * explaining a hit or miss part by part (`runlens why`).
 *
 * The key is the SHA-256 of its parts, a JSON object:
 *   {"command": "sh -c string" | ["argv", ...], "workdir": "...",
 *    "env": {...}, "params": {...},
 *    "inputs": {"name": "sha256", ...}, "outputs": ["name", ...],
 *    "code": {"train.py": "sha256", ...}}
 * Paths of inputs and outputs appear in the command as ${inputs.NAME} and
 * ${outputs.NAME}, so the same step in another run has the same key;
 * params stay ${params.X} there (their values are "params").  "code" is
 * what core/code.h finds.
 */
#ifndef RUNLENS_CORE_CACHE_H
#define RUNLENS_CORE_CACHE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/hash.h"
#include "core/spec.h"
#include "store/store.h"
#include "util/error.h"

/* Build the parts and the key.  INPUT_SHA has step->ninputs entries;
 * MEMO (may be NULL) keeps code files' hashes for a run.  *parts is a new
 * cJSON object (caller deletes); KEY gets 64 hex digits. */
int cache_key(const struct spec *s, const struct spec_step *st,
	      const char *run_id, const char *run_name,
	      char *const *input_sha, struct hash_memo *memo, cJSON **parts,
	      char key[HASH_HEX_LEN + 1], struct rl_err *err);

/* Check that step run ID has every output STEP declares and that their
 * content still hashes as recorded.  1 and *outs filled (caller frees)
 * when usable; 0 with *why (malloc'd) when not. */
int cache_verify(struct store *s, int64_t id, const struct spec_step *st,
		 struct store_artifact_ref **outs, int *nouts, char **why,
		 struct rl_err *err);

/* The newest usable step run with KEY: *hit (0 when none). */
int cache_lookup(struct store *s, int64_t pipeline_id,
		 const struct spec_step *st, const char *key, int64_t *hit,
		 struct store_artifact_ref **outs, int *nouts,
		 struct rl_err *err);

/* The parts that differ between NOW and BEFORE: an array of
 * {"part": "params.lr", "now": …, "before": …} (missing sides are null). */
cJSON *cache_diff(const cJSON *now, const cJSON *before);

/* The same, the real causes first: code, params, inputs, env, workdir,
 * then command and outputs. */
cJSON *cache_diff_ranked(const cJSON *now, const cJSON *before);

/* How a differing part is named to people: "code: train.py changed" for
 * code.train.py, else the part itself (malloc'd). */
char *cache_part_label(const char *part);

/* How many earlier step runs cache_closest looks at. */
#define CACHE_CLOSEST_SCAN 50

/* The earlier step run of STEP in PIPELINE_ID (before step run BEFORE_ID;
 * 0: any) whose key differs from NOW in the fewest parts, ties to the
 * newest, among the CACHE_CLOSEST_SCAN newest: *id (0: none), its parts
 * *before and *diff (cache_diff_ranked(now, before)), new objects. */
int cache_closest(struct store *s, int64_t pipeline_id, const char *step, int64_t before_id,
		  const cJSON *now, int64_t *id, cJSON **before, cJSON **diff,
		  struct rl_err *err);

#endif
