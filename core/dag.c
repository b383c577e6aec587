/* core/dag.c — the graph of steps: references (inputs and needs)
 * resolved to dependencies, the order steps run in (topological, ties in
 * file order), cycles reported with the steps in them, the steps
 * downstream of one, and finding a step by name. */
#include "config.h"
#include "core/spec_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

int spec_resolve_refs(struct spec_ctx *c, struct spec *s)
{
	for (int i = 0; i < s->nsteps; i++) {
		struct spec_step *st = &s->steps[i];
		int *deps = calloc((size_t)(st->ninputs + st->nneeds) + 1, sizeof(int));
		if (!deps)
			return rl_err_set(c->err, RL_E_NOMEM, NULL);
		st->deps = deps;
		int nd = 0;
		for (int k = 0; k < st->ninputs + st->nneeds; k++) {
			int j;
			const char *target;
			struct buf field = BUF_INIT;
			if (k < st->ninputs) {
				struct spec_input *in = &st->inputs[k];
				if (in->kind != SPEC_INPUT_STEP) {
					buf_free(&field);
					continue;
				}
				target = in->step;
				buf_printf(&field, "inputs.%s", in->name);
			} else {
				target = st->needs[k - st->ninputs];
				buf_puts(&field, "needs");
			}
			j = spec_step_index(s, target);
			int rc = 0;
			if (j < 0)
				rc = spec_error(c, st->name, field.data, "unknown step '%s'",
						target);
			else if (j == i)
				rc = spec_error(c, st->name, field.data,
						"a step cannot depend on itself (cycle: %s -> %s)",
						st->name, st->name);
			else if (k < st->ninputs) {
				struct spec_input *in = &st->inputs[k];
				in->step_index = j;
				if (spec_output_index(&s->steps[j], in->output) < 0)
					rc = spec_error(c, st->name, field.data,
							"unknown output '%s' of step '%s'",
							in->output, target);
			}
			buf_free(&field);
			if (rc < 0)
				return -1;
			int seen = 0;
			for (int d = 0; d < nd; d++)
				seen |= deps[d] == j;
			if (!seen)
				deps[nd++] = j;
		}
		/* ascending */
		for (int a = 1; a < nd; a++)
			for (int b = a; b > 0 && deps[b - 1] > deps[b]; b--) {
				int tmp = deps[b];
				deps[b] = deps[b - 1];
				deps[b - 1] = tmp;
			}
		st->ndeps = nd;
	}
	return 0;
}

/* Find a cycle among the steps not yet ordered (DONE[i] == 0) and describe
 * it as "a -> b -> a". */
static char *describe_cycle(const struct spec *s, const unsigned char *done)
{
	int n = s->nsteps;
	/* follow dependencies from any unordered step until a step repeats */
	int *seen_at = malloc((size_t)n * sizeof(int));
	int *path = malloc((size_t)(n + 1) * sizeof(int));
	char *text = NULL;
	if (!seen_at || !path)
		goto cleanup;
	for (int i = 0; i < n; i++)
		seen_at[i] = -1;
	int cur = -1;
	for (int i = 0; i < n && cur < 0; i++)
		if (!done[i])
			cur = i;
	int len = 0;
	while (cur >= 0 && seen_at[cur] < 0) {
		seen_at[cur] = len;
		path[len++] = cur;
		int next = -1;
		const struct spec_step *st = &s->steps[cur];
		for (int k = 0; k < st->ndeps && next < 0; k++)
			if (!done[st->deps[k]])
				next = st->deps[k];
		cur = next;
	}
	if (cur < 0)
		goto cleanup;
	/* path[seen_at[cur]..len-1] is the cycle, each step depending on the
	 * next.  Print it in running order (each step needed by the next),
	 * starting at the first of its steps in file order. */
	int first = seen_at[cur], m = len - first, start = 0;
	for (int k = 0; k < m; k++)
		if (path[len - 1 - k] < path[len - 1 - start])
			start = k;
	struct buf b = BUF_INIT;
	for (int k = 0; k <= m; k++)
		buf_printf(&b, "%s%s", k ? " -> " : "",
			   s->steps[path[len - 1 - (start + k) % m]].name);
	text = buf_steal(&b);
cleanup:
	free(seen_at);
	free(path);
	return text;
}

int spec_dag_order(struct spec *s, struct rl_err *err)
{
	int n = s->nsteps, rc = -1;
	int *indeg = calloc((size_t)n + 1, sizeof(int));
	unsigned char *done = calloc((size_t)n + 1, 1);
	s->order = calloc((size_t)n + 1, sizeof(int));
	if (!indeg || !done || !s->order) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (int i = 0; i < n; i++)
		indeg[i] = s->steps[i].ndeps;
	int placed = 0;
	while (placed < n) {
		/* the first step in file order whose dependencies are placed */
		int pick = -1;
		for (int i = 0; i < n && pick < 0; i++)
			if (!done[i] && indeg[i] == 0)
				pick = i;
		if (pick < 0) {
			char *cyc = describe_cycle(s, done);
			rl_err_set(err, RL_E_SPEC, "%s: cycle between steps: %s", s->path,
				   cyc ? cyc : "?");
			free(cyc);
			goto cleanup;
		}
		done[pick] = 1;
		s->order[placed++] = pick;
		for (int i = 0; i < n; i++)
			for (int k = 0; k < s->steps[i].ndeps; k++)
				if (s->steps[i].deps[k] == pick)
					indeg[i]--;
	}
	rc = 0;
cleanup:
	free(indeg);
	free(done);
	return rc;
}

int spec_step_index(const struct spec *s, const char *name)
{
	if (!s || !name)
		return -1;
	for (int i = 0; i < s->nsteps; i++)
		if (s->steps[i].name && strcmp(s->steps[i].name, name) == 0)
			return i;
	return -1;
}

void spec_mark_downstream(const struct spec *s, int i, unsigned char *mark)
{
	if (!s || !mark || i < 0 || i >= s->nsteps)
		return;
	mark[i] = 1;
	/* in topological order, a step is downstream when any dependency is */
	for (int k = 0; k < s->nsteps; k++) {
		int j = s->order ? s->order[k] : k;
		if (mark[j])
			continue;
		for (int d = 0; d < s->steps[j].ndeps; d++)
			if (mark[s->steps[j].deps[d]]) {
				mark[j] = 1;
				break;
			}
	}
}
