/* main.c — the runlens program: the command line (cli/) does the rest. */
#include "config.h"

#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
