/* core/exec/registry.c — the executors, by flavor.  A new executor is one
 * file of core/exec/ with its ops table, and one line here. */
#include "config.h"
#include "core/exec/executor.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>


const struct executor_ops *const executor_all[] = {
	&executor_local,
	&executor_fake,
	&executor_slurm,
	NULL,
};

const struct executor_ops *executor_find(const char *flavor)
{
	for (int i = 0; flavor && executor_all[i]; i++)
		if (strcmp(executor_all[i]->flavor, flavor) == 0)
			return executor_all[i];
	return NULL;
}

const char *executor_flavors(void)
{
	static char list[256];
	if (!list[0])
		for (int i = 0; executor_all[i]; i++) {
			size_t n = strlen(list);
			if (n + strlen(executor_all[i]->flavor) + 3 >= sizeof list)
				break;
			strcat(strcat(list, n ? ", " : ""), executor_all[i]->flavor);
		}
	return list;
}

char *exec_status_json(const struct exec_status *st)
{
	cJSON *o = cJSON_CreateObject();
	const char *keys[] = { "flavor", "job_id", "name", "state", "reason", "node", "dir" };
	const char *vals[] = { st->flavor, st->job_id, st->name, st->state,
			       st->reason, st->node, st->dir };
	for (size_t i = 0; o && i < sizeof keys / sizeof keys[0]; i++)
		if (vals[i])
			cJSON_AddStringToObject(o, keys[i], vals[i]);
	char *text = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return text;
}
