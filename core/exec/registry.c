/* core/exec/registry.c — the executors, by flavor.  A new executor is one
 * file of core/exec/ with its ops table, and one line here. */
#include "config.h"
#include "core/exec/executor.h"

#include <string.h>

const struct executor_ops *const executor_all[] = {
	&executor_local,
	&executor_fake,
	NULL,
};

const struct executor_ops *executor_find(const char *flavor)
{
	for (int i = 0; flavor && executor_all[i]; i++)
		if (strcmp(executor_all[i]->flavor, flavor) == 0)
			return executor_all[i];
	return NULL;
}
