/* cli/cmd_tui.c — `runlens tui [RUN]`: the browser is a command like any
 * other; tui/ draws it. */
#include "config.h"

#include <unistd.h>

#include "cli/cli.h"
#include "tui/tui.h"

int cmd_tui(struct cli *c, int argc, char **argv, struct rl_err *err)
{
	static const struct option longopts[] = {
		{ "read-only", no_argument, NULL, 'r' },
		{ "store", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int ro = 0, ch;
	while ((ch = cli_getopt(c, argc, argv, "", longopts, err)) != -1) {
		if (ch == 'r')
			ro = 1;
		else if (ch == 'S')
			c->store_flag = optarg;
		else
			return -1;
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
