/* core/compare.c — directions, deltas and verdicts of metric comparisons. */
#include "config.h"
#include "core/compare.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const lower_words[] = {
	"loss", "error", "err", "mse", "mae", "rmse", "latency", "time", "duration",
	"perplexity", NULL,
};

static int has_word(const char *key)
{
	/* match whole words of the last component: val_loss, p99_latency_ms */
	const char *last = strrchr(key, '.');
	last = last ? last + 1 : key;
	for (const char *const *w = lower_words; *w; w++) {
		size_t wl = strlen(*w);
		for (const char *p = last; (p = strstr(p, *w)) != NULL; p++) {
			int start = p == last || !isalnum((unsigned char)p[-1]);
			int end = !isalpha((unsigned char)p[wl]);
			if (start && end)
				return 1;
		}
	}
	return 0;
}

enum compare_dir compare_direction(const cJSON *metrics, const char *key)
{
	const cJSON *d = metrics ? cJSON_GetObjectItemCaseSensitive(metrics, key) : NULL;
	if (!d && metrics) {
		const char *dot = strchr(key, '.');
		if (dot)
			d = cJSON_GetObjectItemCaseSensitive(metrics, dot + 1);
	}
	if (cJSON_IsString(d))
		return strcmp(d->valuestring, "min") == 0 ? COMPARE_LOWER : COMPARE_HIGHER;
	return has_word(key) ? COMPARE_LOWER : COMPARE_HIGHER;
}

const char *compare_verdict(enum compare_dir dir, double value, double other)
{
	double scale = fmax(fabs(value), fabs(other));
	if (value == other || fabs(value - other) <= 1e-12 * scale)
		return "same";
	int up = value > other;
	return (up == (dir == COMPARE_HIGHER)) ? "better" : "worse";
}

double compare_pct(double value, double other, int *defined)
{
	if (other == 0) {
		*defined = 0;
		return 0;
	}
	*defined = 1;
	return (value - other) / fabs(other) * 100.0;
}

static int by_step_key(const void *a, const void *b)
{
	const struct store_metric *x = *(const struct store_metric *const *)a;
	const struct store_metric *y = *(const struct store_metric *const *)b;
	int c = strcmp(x->step, y->step);
	return c ? c : strcmp(x->key, y->key);
}

int compare_index_build(struct compare_index *ix, const struct store_metric *m, int n)
{
	ix->n = 0;
	ix->by_key = n > 0 ? malloc((size_t)n * sizeof(*ix->by_key)) : NULL;
	if (n > 0 && !ix->by_key)
		return -1;
	for (int i = 0; i < n; i++)
		ix->by_key[i] = &m[i];
	ix->n = n;
	if (n > 1)
		qsort(ix->by_key, (size_t)n, sizeof(*ix->by_key), by_step_key);
	return 0;
}

const struct store_metric *compare_index_find(const struct compare_index *ix,
					      const char *step, const char *key)
{
	struct store_metric want = { .step = (char *)step, .key = (char *)key };
	const struct store_metric *w = &want;
	const struct store_metric **hit =
		ix->n ? bsearch(&w, ix->by_key, (size_t)ix->n, sizeof(*ix->by_key), by_step_key)
		      : NULL;
	return hit ? *hit : NULL;
}

void compare_index_free(struct compare_index *ix)
{
	free(ix->by_key);
	ix->by_key = NULL;
	ix->n = 0;
}
