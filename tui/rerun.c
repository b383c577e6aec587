/* placeholder: being written */
#include "config.h"
#include "tui/internal.h"
int tui_rerun(struct tui *t, int64_t run_id, const char *from_step, int edit)
{
	(void)run_id; (void)from_step; (void)edit;
	tui_notice(t, "rerun: not yet");
	return TUI_REDRAW;
}
