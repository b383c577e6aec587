/* core/core.h — the runtime's front door: what core/ offers, module by
 * module.  core/ runs pipelines and makes the decisions the two faces
 * (cli/ and tui/) show; it knows nothing of curses or of the command line,
 * and reads and writes the store only through store/.
 *
 * Conventions of the whole of core/ (as in store/store.h): functions
 * return 0 on success and -1 with *err filled (util/error.h), and never
 * print or exit; a struct x is made by x_new() or filled by a call and
 * released by x_free(struct x **) or x_clear(struct x *), both accepting
 * NULL; strings a function returns are malloc'd and the caller's unless
 * said otherwise; times are milliseconds (wall clock since the epoch, or
 * monotonic where named so).
 *
 * Running pipelines
 *   runner.h     runner_run(): carry out a run of a pipeline file or a
 *                recorded snapshot; progress as events for an observer
 *   plan.h       what a run would do and why, without running (dry run)
 *   decide.h     the one decision per step: execute, cached or reused
 *   exec/executor.h  where jobs run (local, fake, slurm; chosen by the
 *                stack), the contract every executor keeps; exec/launch.h
 *                starts other programs for the browser (pager, background
 *                rerun); exec/job_exec.h is `runlens job-exec` on a node
 *   placement.h  a job's executor as one line for people ("slurm job 42
 *                RUNNING on n1"): the board, show, step and the browser
 *   (the runner's own files share core/run_internal.h: record.c,
 *   scheduler.c, attempt.c, step_env.c, placement.c)
 *
 * What a run is made of
 *   spec.h       the pipeline file: parse, check, substitute, params
 *   context.h    the step context (context.json) a step is given
 *   ingest.h     what steps report: metadata, metrics, state records,
 *                checked by client/records.h, the rule of what runlens
 *                keeps exactly that librunlens writes by (also applied
 *                to pipeline files and -p; util/num.h writes numbers
 *                back exactly)
 *   cache.h      cache keys, verifying artifacts, why a key differs
 *   artifacts.h  the content-addressed artifact store: outputs in,
 *                inputs checked before use, gc; tree.h the trees of files
 *                it handles (stamp, copy, modes, removal; no link followed)
 *   hash.h       SHA-256 of bytes, files and folders (the folder manifest)
 *   testhook.h   pauses that tests put where a race would be
 *   secrets.h    the secrets file; mask.h masks their values
 *
 * Looking at runs
 *   session.h    finding and opening the store; settling dead runs;
 *                resolving a run reference ("42", a name, "last")
 *   baseline.h   the one baseline rule
 *   compare.h    metric directions, deltas, better or worse
 *   filter.h     the --where language
 *   runs.h       what people do to runs: pin, delete
 */
#ifndef RUNLENS_CORE_CORE_H
#define RUNLENS_CORE_CORE_H

#include "core/baseline.h"
#include "core/cache.h"
#include "core/compare.h"
#include "core/context.h"
#include "core/decide.h"
#include "core/exec/executor.h"
#include "core/exec/launch.h"
#include "core/filter.h"
#include "core/hash.h"
#include "core/ingest.h"
#include "util/mask.h"
#include "core/placement.h"
#include "core/plan.h"
#include "core/runner.h"
#include "core/runs.h"
#include "core/secrets.h"
#include "core/session.h"
#include "core/spec.h"
#include "core/artifacts.h"

#endif
