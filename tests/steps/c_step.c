/* tests/steps/c_step.c — a pipeline step written in C with librunlens,
 * run by tests/e2e/clients.sh. */
#include <runlens/context.h>

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	rl_context *ctx = rl_context_open();
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
