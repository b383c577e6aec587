/* placeholder: being written */
#include "config.h"
#include "tui/internal.h"
struct view *view_pipelines_new(void)
{
	return NULL;
}
