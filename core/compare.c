/* core/compare.c — directions, deltas and verdicts of metric comparisons. */
#include "config.h"
#include "core/compare.h"

#include <ctype.h>
#include <math.h>
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
