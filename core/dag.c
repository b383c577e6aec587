/* core/dag.c — the graph of steps: references (inputs and needs)
 * resolved to dependencies, the order steps run in (topological, ties in
 * file order), cycles reported with the steps in them, and the steps
 * downstream of one. */
#include "config.h"
#include "core/spec_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Reference K of step I (its inputs, then its needs) resolved to the
 * index of a step in *J; *J is -1 for an input that is a path. */
static int resolve_ref(struct spec_ctx *c, struct spec *s, int i, int k, int *j)
{
	struct spec_step *st = &s->steps[i];
	struct spec_input *in = k < st->ninputs ? &st->inputs[k] : NULL;
	*j = -1;
	if (in && in->kind != SPEC_INPUT_STEP)
		return 0;
	const char *target = in ? in->step : st->needs[k - st->ninputs];
	struct buf field = BUF_INIT;
	if (in)
		buf_printf(&field, "inputs.%s", in->name);
	else
		buf_puts(&field, "needs");
	*j = spec_step_index(s, target);
	int rc = 0;
	if (*j < 0)
		rc = spec_error(c, st->name, field.data, "unknown step '%s'", target);
	else if (*j == i)
		rc = spec_error(c, st->name, field.data,
				"a step cannot depend on itself (cycle: %s -> %s)",
				st->name, st->name);
	else if (in) {
		in->step_index = *j;
		if (spec_output_index(&s->steps[*j], in->output) < 0)
			rc = spec_error(c, st->name, field.data,
					"unknown output '%s' of step '%s'", in->output,
					target);
	}
	buf_free(&field);
	return rc;
}

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Sort the N ints of V and drop repeats; returns how many are left. */
static int unique_ascending(int *v, int n)
{
	qsort(v, (size_t)n, sizeof(int), compare_int);
	int u = 0;
	for (int i = 0; i < n; i++)
		if (u == 0 || v[u - 1] != v[i])
			v[u++] = v[i];
	return u;
}

/* Step I's deps (owned by the step as soon as they are allocated). */
static int resolve_step(struct spec_ctx *c, struct spec *s, int i)
{
	struct spec_step *st = &s->steps[i];
	int nrefs = st->ninputs + st->nneeds, nd = 0;
	st->deps = calloc((size_t)nrefs + 1, sizeof(int));
	if (!st->deps)
		return rl_err_set(c->err, RL_E_NOMEM, NULL);
	for (int k = 0; k < nrefs; k++) {
		int j;
		if (resolve_ref(c, s, i, k, &j) < 0)
			return -1;
		if (j >= 0)
			st->deps[nd++] = j;
	}
	st->ndeps = unique_ascending(st->deps, nd);
	return 0;
}

int spec_resolve_refs(struct spec_ctx *c, struct spec *s)
{
	for (int i = 0; i < s->nsteps; i++)
		if (resolve_step(c, s, i) < 0)
			return -1;
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

/* A binary min-heap of step indexes: the steps that are ready. */
struct ready {
	int *v;
	int n;
};

static void ready_push(struct ready *h, int x)
{
	int i = h->n++;
	for (; i > 0 && h->v[(i - 1) / 2] > x; i = (i - 1) / 2)
		h->v[i] = h->v[(i - 1) / 2];
	h->v[i] = x;
}

static int ready_pop(struct ready *h)
{
	int top = h->v[0], x = h->v[--h->n], i = 0;
	for (;;) {
		int kid = 2 * i + 1;
		if (kid >= h->n)
			break;
		if (kid + 1 < h->n && h->v[kid + 1] < h->v[kid])
			kid++;
		if (h->v[kid] >= x)
			break;
		h->v[i] = h->v[kid];
		i = kid;
	}
	if (h->n > 0)
		h->v[i] = x;
	return top;
}

/* The steps that depend on each step: those of step I are
 * users[first[i]] .. users[first[i + 1] - 1], ascending.  0, or -1 when
 * memory runs out. */
static int dependents(const struct spec *s, int **first, int **users)
{
	int n = s->nsteps, total = 0, rc = -1;
	for (int i = 0; i < n; i++)
		total += s->steps[i].ndeps;
	int *f = calloc((size_t)n + 2, sizeof(int));
	int *u = malloc(((size_t)total + 1) * sizeof(int));
	if (!f || !u)
		goto cleanup;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < s->steps[i].ndeps; k++)
			f[s->steps[i].deps[k] + 2]++;
	for (int i = 2; i <= n + 1; i++)
		f[i] += f[i - 1];
	/* f[d + 1] is now where d's users start: fill them, moving it on
	 * to where they end, which is where d + 1's start */
	for (int i = 0; i < n; i++)
		for (int k = 0; k < s->steps[i].ndeps; k++)
			u[f[s->steps[i].deps[k] + 1]++] = i;
	*first = f;
	*users = u;
	f = u = NULL;
	rc = 0;
cleanup:
	free(f);
	free(u);
	return rc;
}

int spec_dag_order(struct spec *s, struct rl_err *err)
{
	int n = s->nsteps, rc = -1;
	int *indeg = calloc((size_t)n + 1, sizeof(int));
	unsigned char *done = calloc((size_t)n + 1, 1);
	int *first = NULL, *users = NULL;
	struct ready ready = { malloc(((size_t)n + 1) * sizeof(int)), 0 };
	s->order = calloc((size_t)n + 1, sizeof(int));
	if (!indeg || !done || !ready.v || !s->order ||
	    dependents(s, &first, &users) < 0) {
		rl_err_set(err, RL_E_NOMEM, NULL);
		goto cleanup;
	}
	for (int i = 0; i < n; i++)
		if ((indeg[i] = s->steps[i].ndeps) == 0)
			ready_push(&ready, i);
	for (int placed = 0; placed < n;) {
		if (ready.n == 0) {
			char *cyc = describe_cycle(s, done);
			rl_err_set(err, RL_E_SPEC, "%s: cycle between steps: %s", s->path,
				   cyc ? cyc : "?");
			free(cyc);
			goto cleanup;
		}
		/* the first step in file order whose dependencies are placed */
		int pick = ready_pop(&ready);
		done[pick] = 1;
		s->order[placed++] = pick;
		for (int k = first[pick]; k < first[pick + 1]; k++)
			if (--indeg[users[k]] == 0)
				ready_push(&ready, users[k]);
	}
	rc = 0;
cleanup:
	free(indeg);
	free(done);
	free(first);
	free(users);
	free(ready.v);
	return rc;
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

int spec_is_upstream(const struct spec *s, int a, int b)
{
	if (!s || a < 0 || b < 0 || a >= s->nsteps || b >= s->nsteps || a == b)
		return 0;
	unsigned char *mark = calloc((size_t)s->nsteps, 1);
	if (!mark)
		return 0;
	spec_mark_downstream(s, a, mark);
	int up = mark[b];
	free(mark);
	return up;
}
