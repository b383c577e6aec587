/* core/spec_names.c — step names -> step indexes: a small hash table
 * (open addressing, FNV-1a), so that finding a step by name, checking
 * that names are unique and resolving references stay linear in the
 * number of steps. */
#include "config.h"
#include "core/spec_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return h;
}

int spec_names_init(struct spec_names *t, int most)
{
	int rc = -1, cap = 8;
	memset(t, 0, sizeof(*t));
	while (cap <= 2LL * most && cap < (1 << 30))
		cap *= 2;
	if (most >= 0 && cap > 2LL * most) {
		t->keys = calloc((size_t)cap, sizeof(*t->keys));
		t->values = calloc((size_t)cap, sizeof(*t->values));
	}
	if (t->keys && t->values) {
		t->cap = cap;
		t->most = most;
		rc = 0;
	} else {
		spec_names_free(t);
	}
	return rc;
}

void spec_names_free(struct spec_names *t)
{
	if (!t)
		return;
	free(t->keys);
	free(t->values);
	memset(t, 0, sizeof(*t));
}

/* The slot holding KEY, or the empty slot where it would go. */
static int slot(const struct spec_names *t, const char *key)
{
	int mask = t->cap - 1;
	int i = (int)(hash(key) & (uint64_t)mask);
	while (t->keys[i] && strcmp(t->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

int spec_names_add(struct spec_names *t, const char *key, int value)
{
	if (!t || !t->cap || !key)
		return -2;
	int i = slot(t, key);
	if (t->keys[i])
		return t->values[i];
	if (t->count >= t->most)
		return -2;
	t->keys[i] = key;
	t->values[i] = value;
	t->count++;
	return -1;
}

int spec_names_find(const struct spec_names *t, const char *key)
{
	if (!t || !t->cap || !key)
		return -1;
	int i = slot(t, key);
	return t->keys[i] ? t->values[i] : -1;
}

int spec_step_index(const struct spec *s, const char *name)
{
	if (!s || !name)
		return -1;
	return spec_names_find(&((const struct spec_private *)s)->names, name);
}

int spec_first_repeat(const char *const *keys, int n, int *i, int *j)
{
	struct spec_names seen;
	if (spec_names_init(&seen, n) < 0)
		return -1;
	int found = 0;
	for (int k = 0; k < n; k++) {
		int f = spec_names_add(&seen, keys[k], k);
		/* the first repeat of the earliest key wins */
		if (f >= 0 && (!found || f < *i)) {
			*i = f;
			*j = k;
			found = 1;
		}
	}
	spec_names_free(&seen);
	return found;
}
