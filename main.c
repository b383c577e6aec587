/* main.c — the runlens program: the CLI in core/cli.c, with the terminal
 * browser of tui/ plugged in (core/ itself never links curses). */
#include "config.h"

#include "core/cli.h"
#include "tui/tui.h"

static int browse(const char *store_flag, const char *run, int read_only,
		  struct rl_err *err)
{
	struct tui_opts o = { store_flag, run, read_only };
	return tui_main(&o, err);
}

int main(int argc, char **argv)
{
	cli_set_browser(browse);
	return cli_main(argc, argv);
}
