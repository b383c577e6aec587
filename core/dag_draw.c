/* core/dag_draw.c — a pipeline's DAG as ASCII lines (core/dag_draw.h).
 *
 * One pass over the steps in topological order with a set of lanes, each
 * an edge on its way from a step to the dependent it ends at: a step's
 * line takes the leftmost lane that ends at it (a new lane for a step that
 * needs nothing), its other incoming lanes are gathered into that one on
 * the line above, and its dependents continue in that lane (the first) and
 * in new lanes to its right (the others), forked on the line below. */
#include "config.h"
#include "core/dag_draw.h"

#include <stdlib.h>
#include <string.h>

struct drawer {
	const struct spec *spec;
	int **children;	 /* step -> its dependents, by position */
	int *nchildren;
	int *lane;	 /* lane -> the step it ends at, -1 free */
	int nlanes, cap;
	struct dag_drawing *out;
	int cap_lines;
};

/* The first free lane right of AFTER (a new one when none): its index,
 * or -1 when memory runs out. */
static int lane_alloc(struct drawer *d, int after)
{
	for (int k = after + 1; k < d->nlanes; k++)
		if (d->lane[k] < 0)
			return k;
	if (d->nlanes == d->cap) {
		int cap = d->cap ? 2 * d->cap : 8;
		int *l = realloc(d->lane, (size_t)cap * sizeof *l);
		if (!l)
			return -1;
		d->lane = l;
		d->cap = cap;
	}
	d->lane[d->nlanes] = -1;
	return d->nlanes++;
}

/* A line with a '|' in each busy lane (but those in SKIP, a set of
 * NSKIP lanes): malloc'd, 2 * nlanes + 1 wide. */
static char *base_row(const struct drawer *d, const int *skip, int nskip)
{
	int w = 2 * d->nlanes + 1;
	char *row = malloc((size_t)w + 1);
	if (!row)
		return NULL;
	memset(row, ' ', (size_t)w);
	row[w] = '\0';
	for (int k = 0; k < d->nlanes; k++) {
		int skipped = 0;
		for (int i = 0; i < nskip; i++)
			skipped |= skip[i] == k;
		if (d->lane[k] >= 0 && !skipped)
			row[2 * k] = '|';
	}
	return row;
}

static int emit(struct drawer *d, char *graph, int step)
{
	struct dag_drawing *o = d->out;
	if (!graph)
		return -1;
	if (o->nlines == d->cap_lines) {
		int cap = d->cap_lines ? 2 * d->cap_lines : 16;
		struct dag_line *l = realloc(o->lines, (size_t)cap * sizeof *l);
		if (!l) {
			free(graph);
			return -1;
		}
		o->lines = l;
		d->cap_lines = cap;
	}
	o->lines[o->nlines++] = (struct dag_line){ .graph = graph, .step = step };
	size_t w = strlen(graph);
	while (w > 0 && graph[w - 1] == ' ')
		w--;
	if ((int)w > o->width)
		o->width = (int)w;
	return 0;
}

/* From lane COL to the lanes in SET (all right of it): '-' along, MARK
 * at each of them, '+' where a busy lane is crossed. */
static void connect(char *row, int col, const int *set, int n, char mark,
		    const struct drawer *d)
{
	int last = set[n - 1];
	for (int x = 2 * col + 1; x <= 2 * last; x++) {
		row[x] = '-';
		if (x % 2)
			continue;
		int k = x / 2, in = 0;
		for (int i = 0; i < n; i++)
			in |= set[i] == k;
		row[x] = in ? mark : d->lane[k] >= 0 ? '+' : '-';
	}
}

/* The line above step Q gathering the lanes that end at it into the
 * leftmost; *col gets the lane of Q.  0, or -1 when memory runs out. */
static int gather(struct drawer *d, int q, int *col)
{
	int *in = malloc(((size_t)d->nlanes + 1) * sizeof *in), n = 0;
	if (!in)
		return -1;
	for (int k = 0; k < d->nlanes; k++)
		if (d->lane[k] == q)
			in[n++] = k;
	int rc = 0;
	if (n == 0) {
		*col = lane_alloc(d, -1);
		rc = *col < 0 ? -1 : 0;
	} else {
		*col = in[0];
		if (n > 1) {
			char *row = base_row(d, NULL, 0);
			if (row)
				connect(row, in[0], in + 1, n - 1, '\'', d);
			rc = emit(d, row, -1);
			for (int i = 1; i < n; i++)
				d->lane[in[i]] = -1;
		}
	}
	free(in);
	return rc;
}

/* Step Q's line, then its dependents in lane COL and new lanes, forked
 * on the line below. */
static int place(struct drawer *d, int q, int col)
{
	d->lane[col] = q; /* busy on its own line */
	char *row = base_row(d, NULL, 0);
	if (row)
		row[2 * col] = 'o';
	if (emit(d, row, q) < 0)
		return -1;
	int m = d->nchildren[q];
	d->lane[col] = m ? d->children[q][0] : -1;
	if (m < 2)
		return 0;
	int *fork = malloc((size_t)m * sizeof *fork);
	if (!fork)
		return -1;
	int rc = 0;
	for (int i = 1; i < m && rc == 0; i++) {
		fork[i - 1] = lane_alloc(d, col);
		if (fork[i - 1] < 0)
			rc = -1;
		else
			d->lane[fork[i - 1]] = d->children[q][i];
	}
	if (rc == 0) {
		/* lanes are allocated left to right: fork[] ascends */
		row = base_row(d, fork, m - 1);
		if (row)
			connect(row, col, fork, m - 1, '.', d);
		rc = emit(d, row, -1);
	}
	free(fork);
	return rc;
}

/* Each step's dependents, in the order they are drawn. */
static int make_children(struct drawer *d)
{
	int n = d->spec->nsteps;
	d->children = calloc((size_t)n + 1, sizeof *d->children);
	d->nchildren = calloc((size_t)n + 1, sizeof *d->nchildren);
	if (!d->children || !d->nchildren)
		return -1;
	for (int s = 0; s < n; s++)
		for (int i = 0; i < d->spec->steps[s].ndeps; i++)
			d->nchildren[d->spec->steps[s].deps[i]]++;
	for (int s = 0; s < n; s++) {
		d->children[s] = malloc(((size_t)d->nchildren[s] + 1) * sizeof(int));
		if (!d->children[s])
			return -1;
		d->nchildren[s] = 0;
	}
	for (int p = 0; p < n; p++) { /* by position, so each list ascends */
		int s = d->spec->order[p];
		for (int i = 0; i < d->spec->steps[s].ndeps; i++) {
			int parent = d->spec->steps[s].deps[i];
			d->children[parent][d->nchildren[parent]++] = s;
		}
	}
	return 0;
}

/* Every graph padded to the width, trailing blanks cut to it. */
static int pad(struct dag_drawing *o)
{
	for (int i = 0; i < o->nlines; i++) {
		char *g = o->lines[i].graph;
		size_t len = strlen(g);
		if ((int)len < o->width) {
			if (!(g = realloc(g, (size_t)o->width + 1)))
				return -1;
			memset(g + len, ' ', (size_t)o->width - len);
			o->lines[i].graph = g;
		}
		g[o->width] = '\0'; /* a line's blanks beyond the width go */
	}
	return 0;
}

int dag_draw(const struct spec *spec, struct dag_drawing *out)
{
	memset(out, 0, sizeof *out);
	struct drawer d = { .spec = spec, .out = out };
	int n = spec->nsteps, rc = -1;
	if (make_children(&d) < 0)
		goto done;
	rc = 0;
	for (int p = 0; p < n && rc == 0; p++) {
		int q = spec->order[p], col;
		rc = gather(&d, q, &col) < 0 || place(&d, q, col) < 0 ? -1 : 0;
	}
	if (rc == 0)
		rc = pad(out);
done:
	for (int s = 0; d.children && s < n; s++)
		free(d.children[s]);
	free(d.children);
	free(d.nchildren);
	free(d.lane);
	if (rc < 0)
		dag_drawing_free(out);
	return rc;
}

void dag_drawing_free(struct dag_drawing *d)
{
	for (int i = 0; d->lines && i < d->nlines; i++)
		free(d->lines[i].graph);
	free(d->lines);
	memset(d, 0, sizeof *d);
}
