/* tests/fuzz/fuzz_spec.c — libFuzzer target: the pipeline parser.
 * Any bytes as a pipeline file: spec_parse must return a spec or an
 * error, never crash or leak; a spec that parses must survive ${…}
 * substitution of each step's command and a -p override. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *sp = NULL;
	struct rl_err err = RL_ERR_INIT;
	if (spec_parse((const char *)data, size, "fuzz.json", "/tmp", &sp,
		       &err) < 0) {
		if (!err.msg || !*err.msg || strchr(err.msg, '\n')) {
			/* an error is one non-empty line */
			fprintf(stderr, "bad error message: [%s]\n",
				err.msg ? err.msg : "(null)");
			abort();
		}
		rl_err_clear(&err);
		return 0;
	}
	for (int i = 0; i < sp->nsteps; i++) {
		struct spec_step *st = &sp->steps[i];
		char **in = calloc((size_t)st->ninputs + 1, sizeof(char *));
		char **out = calloc((size_t)st->noutputs + 1, sizeof(char *));
		for (int k = 0; in && k < st->ninputs; k++)
			in[k] = (char *)"/in";
		for (int k = 0; out && k < st->noutputs; k++)
			out[k] = (char *)"/out";
		struct spec_subst v = { .run_id = "1", .run_name = "r",
					.input_paths = in, .output_paths = out };
		const char *tpl = st->run_shell ? st->run_shell
			       : st->run_argc ? st->run_argv[0] : NULL;
		char *res = NULL;
		if (tpl && in && out &&
		    spec_substitute(sp, st, tpl, &v, &res, &err) < 0)
			rl_err_clear(&err);
		free(res);
		free(in);
		free(out);
		unsigned char *mark = calloc((size_t)sp->nsteps, 1);
		if (mark)
			spec_mark_downstream(sp, i, mark);
		free(mark);
	}
	/* override the first param, if any, with a JSON value */
	if (sp->params && sp->params->child && sp->params->child->string) {
		char assign[300];
		snprintf(assign, sizeof assign, "%.200s=[1,\"x\"]",
			 sp->params->child->string);
		char *a[1] = { assign };
		if (spec_set_params(sp, a, 1, &err) < 0)
			rl_err_clear(&err);
	}
	spec_free(&sp);
	return 0;
}
