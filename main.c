/* main.c — the runlens program: everything happens in core/cli.c. */
#include "config.h"

#include "core/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
