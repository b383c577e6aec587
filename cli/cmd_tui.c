/* cli/cmd_tui.c — `runlens tui [RUN]`: the browser is a command like any
 * other; tui/ draws it. */
#include "config.h"

#include <unistd.h>

#include "cli/cli.h"
#include "tui/tui.h"

int cmd_tui(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	int ro = 0, ch;
	while ((ch = cli_next_opt(c, argc, argv, err)) != -1) {
		if (ch != OPT_READ_ONLY)
			return -1;
		ro = 1;
	}
	if (argc - optind > 1)
		return rl_err_set(err, RL_E_USAGE, "tui: unexpected argument '%s'",
				  argv[optind + 1]);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return rl_err_set(err, RL_E_USAGE, "tui: needs a terminal");
	struct tui_opts o = {
		.store_flag = c->store_flag,
		.run_ref = optind < argc ? argv[optind] : NULL,
		.read_only = ro,
	};
	return tui_main(&o, err) < 0 ? -1 : 0;
}
