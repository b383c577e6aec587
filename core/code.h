/* core/code.h — the code a step runs, as a part of its cache key: an
 * edited script re-executes its step.
 *
 * Code is (1) every file the step's command names — argv words, and the
 * words of a shell string, that resolve (from the step's workdir, else the
 * pipeline's folder) to a regular file under the pipeline's folder or the
 * workdir: `python3 train.py`, `bash prep.sh`, `Rscript fit.R` — leaving
 * out options, words with `$` or `=`, and the word after a redirection;
 * and (2) what the step's "code" field lists: files, folders or globs
 * relative to the pipeline's folder (`"code": ["src/"]`).  "code": false
 * turns both off for the step.
 */
#ifndef RUNLENS_CORE_CODE_H
#define RUNLENS_CORE_CODE_H

#include <cjson/cJSON.h>

#include "core/hash.h"
#include "core/spec.h"
#include "util/error.h"

/* The code of ST as {"train.py": "<sha256>", "src": "<sha256>", …}: each
 * file or folder by the name it was found under (a declared pattern that
 * matches nothing: "(none)").  The command is looked at as it runs, its
 * ${params.X} substituted by SUB (`python3 ${params.script}` names the
 * script the param says).  WORKDIR is the step's working folder
 * (absolute), or NULL for the pipeline's folder; MEMO (may be NULL) keeps
 * file hashes for a run.  *out is new. */
int code_hashes(const struct spec *s, const struct spec_step *st, const char *workdir,
		const struct spec_subst *sub, struct hash_memo *memo, cJSON **out,
		struct rl_err *err);

#endif
