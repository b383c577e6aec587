/* core/dag_draw.h — a pipeline's steps and their edges as ASCII lines,
 * in the order the Run view lists them (the topological order of the
 * file), for `runlens dag` and the browser's Run view alike.
 *
 * Each step is one line with an 'o' in its lane; an edge runs down a lane
 * from a step to one that needs it.  A step with several dependents forks
 * new lanes on the line under it ("|-.-." : '.' starts a lane), and a
 * step with several dependencies gathers their lanes on the line above it
 * ("|-'-'" : '\'' ends one); a lane crossed on the way is '+'.  Lanes are
 * two columns apart:
 *
 *     o      prepare
 *     |-.
 *     o |    train
 *     | o    lint
 *     |-'
 *     o      evaluate
 */
#ifndef RUNLENS_CORE_DAG_DRAW_H
#define RUNLENS_CORE_DAG_DRAW_H

#include "core/spec.h"

struct dag_line {
	char *graph; /* the lanes, all lines padded to one width */
	int step;    /* the step (index into spec->steps) of the line, or -1
		      * for a line that only forks or gathers lanes */
};

struct dag_drawing {
	struct dag_line *lines;
	int nlines;
	int width; /* of every graph */
};

/* Draw SPEC's DAG.  0, or -1 when memory runs out. */
int dag_draw(const struct spec *spec, struct dag_drawing *out);
void dag_drawing_free(struct dag_drawing *d);

#endif
