/* util/names.h — dotted names shortened to fit a width, still telling
 * them apart: the experiment table's headers, a plot's axes. */
#ifndef RUNLENS_UTIL_NAMES_H
#define RUNLENS_UTIL_NAMES_H

/* Display width of UTF-8 text (its code points). */
int names_width(const char *s);

/* NAME in at most WIDTH columns, told apart from the N names of OTHERS
 * (which may include NAME): NAME when it fits; else its leading parts
 * that it shares with another name are shortened to their first letter
 * ("evaluate.avg_prec.test" beside "evaluate.avg_prec.train":
 * "e.a.test"), then its other parts but the last, and what is still too
 * long is cut from the left, keeping the end ("…prec.test"; "~" for "…"
 * when UTF8 is 0).  malloc'd (NULL: out of memory). */
char *names_shorten(const char *name, int width, char *const *others, int n, int utf8);

#endif
