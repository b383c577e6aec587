/* tests/steps/c_step.c — a pipeline step written in C with librunlens,
 * run by tests/e2e/clients.sh; `c_step values` tries, for
 * tests/e2e/values.sh, what the runner would not keep as given: each call
 * must fail, with its reason printed. */
#include <runlens/context.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A call that must fail: "refused: REASON", or "kept: WHAT". */
static void refused(int rc, const char *what, int *kept)
{
	if (rc < 0) {
		printf("refused: %s\n", rl_last_error());
	} else {
		printf("kept: %s\n", what);
		(*kept)++;
	}
}

static int values(rl_context *ctx)
{
	int kept = 0;
	refused(rl_log_metric(ctx, "m", 1, 10000000000000000LL), "index 1e16", &kept);
	refused(rl_log_metric(ctx, "", 1, RL_NO_INDEX), "empty metric key", &kept);
	refused(rl_log_metadata(ctx, NULL, "big", "9007199254740993"), "big", &kept);
	refused(rl_log_metadata(ctx, NULL, "huge", "[1e999]"), "huge", &kept);
	refused(rl_log_metadata(ctx, NULL, "nul", "\"a\\u0000b\""), "nul", &kept);
	refused(rl_log_metadata(ctx, NULL, "pair", "1 2"), "pair", &kept);
	refused(rl_log_metadata_object(ctx, NULL, "{\"\": 1}"), "empty metadata key", &kept);
	refused(rl_state_set(ctx, "k", "1e-999"), "tiny state", &kept);
	refused(rl_state_set(ctx, "", "1"), "empty state key", &kept);
	/* and what it keeps, it keeps exactly */
	if (rl_log_metric(ctx, "c_exact", 0.1 + 0.2, RL_NO_INDEX) < 0 ||
	    rl_log_metadata(ctx, NULL, "c_exact", "9007199254740991") < 0)
		return 21;
	return kept ? 20 : 0;
}

int main(int argc, char **argv)
{
	rl_context *ctx = rl_context_open();
	if (ctx && argc > 1 && strcmp(argv[1], "values") == 0) {
		int rc = values(ctx);
		rl_context_close(ctx);
		return rc;
	}
	if (!ctx) {
		printf("outside: %s\n", rl_last_error());
		return 0;
	}
	double lr = 0;
	if (rl_context_number(ctx, "step.params.lr", &lr) < 0)
		return 10;
	printf("step %s attempt %s lr %g\n", rl_context_string(ctx, "step.name"),
	       getenv("RUNLENS_ATTEMPT"), lr);
	const char *in = rl_input_path(ctx, "data");
	printf("input %s\n", in ? in : "(none)");
	const char *out = rl_output_path(ctx, "report");
	FILE *f = out ? fopen(out, "w") : NULL;
	if (!f)
		return 11;
	fprintf(f, "from C\n");
	fclose(f);
	for (int epoch = 1; epoch <= 3; epoch++)
		if (rl_log_metric(ctx, "loss", 1.0 / epoch, epoch) < 0)
			return 12;
	if (rl_log_metric(ctx, "accuracy", 0.75, RL_NO_INDEX) < 0 ||
	    rl_log_metadata(ctx, NULL, "language", "\"C\"") < 0 ||
	    rl_log_metadata(ctx, "report", "lines", "1") < 0 ||
	    rl_state_set(ctx, "from_c", "true") < 0)
		return 13;
	/* an undeclared output is refused */
	if (rl_log_metadata(ctx, "nope", "x", "1") == 0)
		return 14;
	printf("refused: %s\n", rl_last_error());
	char *seen = rl_state_get(ctx, "from_python");
	printf("state from_python = %s\n", seen ? seen : "(unset)");
	free(seen);
	rl_context_close(ctx);
	return 0;
}
