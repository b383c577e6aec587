/* <runlens/context.h> — librunlens: what a step written in C can know and
 * record.  Link with `pkg-config --cflags --libs runlens`.
 *
 * A step never opens the runlens database: these calls read the step's
 * context.json ($RUNLENS_CONTEXT) and append records to a file in the
 * step's folder, which the runner checks and stores while the step runs.
 *
 *   rl_context *ctx = rl_context_open();
 *   if (!ctx) { ... not inside a runlens step ... }
 *   const char *data = rl_input_path(ctx, "data");
 *   double lr = 0; rl_context_number(ctx, "step.params.lr", &lr);
 *   rl_log_metric(ctx, "loss", 0.25, 3);          // epoch 3
 *   rl_log_metadata(ctx, "model", "format", "\"onnx\"");
 *   rl_state_set(ctx, "best_epoch", "3");
 *   rl_context_close(ctx);
 *
 * Every function returning int returns 0 on success and -1 on failure;
 * rl_last_error() then says why.  Strings returned as const belong to the
 * context and live until rl_context_close().
 */
#ifndef RUNLENS_CONTEXT_H
#define RUNLENS_CONTEXT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rl_context rl_context;

/* No series index: a plain metric value. */
#define RL_NO_INDEX (-1LL - 0x7fffffffffffffffLL)

/* Load the context of the running step; NULL when not inside a runlens
 * step (no $RUNLENS_CONTEXT) or when it cannot be read. */
rl_context *rl_context_open(void);
/* Load a context file by path (for tests and tools). */
rl_context *rl_context_open_file(const char *path);
void rl_context_close(rl_context *ctx);

/* The reason of the last failure in this thread (never NULL). */
const char *rl_last_error(void);

/* A field by dotted path ("run.name", "step.inputs.data.path"): its
 * string value, or NULL when absent or not a string. */
const char *rl_context_string(rl_context *ctx, const char *path);
/* A numeric field; 0 and *out set, or -1 when absent or not a number. */
int rl_context_number(rl_context *ctx, const char *path, double *out);
/* Any field as JSON text (malloc'd; free() it), NULL when absent. */
char *rl_context_json(rl_context *ctx, const char *path);

/* Shortcuts for step.inputs.NAME.path and step.outputs.NAME.path. */
const char *rl_input_path(rl_context *ctx, const char *name);
const char *rl_output_path(rl_context *ctx, const char *name);
/* The path of STEP.OUTPUT in the baseline run, NULL when there is none. */
const char *rl_baseline_path(rl_context *ctx, const char *step_output);

/* Metadata KEY = VALUE_JSON (JSON text: "0.9", "\"text\"", "[1,2]") on the
 * step run, or on one of its declared outputs when OUTPUT is non-NULL. */
int rl_log_metadata(rl_context *ctx, const char *output, const char *key,
		    const char *value_json);
/* Several metadata keys at once, all or nothing: OBJECT_JSON is a JSON
 * object ("{\"rows\": 100, \"source\": \"s3\"}"). */
int rl_log_metadata_object(rl_context *ctx, const char *output,
			   const char *object_json);
/* A numeric metric; INDEX is a series index (epoch, step) or RL_NO_INDEX. */
int rl_log_metric(rl_context *ctx, const char *key, double value,
		  long long index);
/* Run state: the value of KEY as of the step's start (JSON text,
 * malloc'd), NULL when unset. */
char *rl_state_get(rl_context *ctx, const char *key);
/* Set KEY to VALUE_JSON; applied when the step completes successfully. */
int rl_state_set(rl_context *ctx, const char *key, const char *value_json);

#ifdef __cplusplus
}
#endif

#endif
