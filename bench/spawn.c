/* bench/spawn.c — `rlbench spawn STEPS JOBS`: the floor of the dispatch
 * figure.  Runs the DAG of bench/dispatch.sh (STEPS steps in 10 chains,
 * step i after step i-10, each `true`) with at most JOBS at once and does
 * nothing else: `true` found in PATH once, posix_spawn, waitpid.  No
 * runner can start and wait for these processes faster on this machine,
 * so Snakemake's time over this one is the best ratio any runner could
 * show against Snakemake here.  Prints nothing; exit 0 when every step
 * exited 0 (bench/dispatch.sh times it from outside, like the others). */
#include "config.h"
#include "bench/bench.h"
#include "core/executor.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int bench_spawn(int argc, char **argv)
{
	if (argc != 3 || atoi(argv[1]) <= 0 || atoi(argv[2]) <= 0) {
		fprintf(stderr, "runlens: usage: rlbench spawn STEPS JOBS\n");
		return 2;
	}
	int n = atoi(argv[1]), jobs = atoi(argv[2]), chains = 10;
	/* `true` found in PATH once, as the runner does (core/exec_local.c) */
	char *prog = NULL;
	exec_find_program("true", environ, &prog);
	/* per chain: the next step to start and whether one is running */
	int *next = calloc((size_t)chains, sizeof(int));
	pid_t *running = calloc((size_t)chains, sizeof(pid_t));
	if (!prog || !next || !running) {
		fprintf(stderr, "runlens: spawn: %s\n", prog ? "out of memory" : "no `true` in PATH");
		return 1;
	}
	char *av[] = { prog, NULL };
	int active = 0, done = 0, rc = 0;
	for (int c = 0; c < chains; c++)
		next[c] = c;
	while (done < n) {
		/* fill free slots from chains with nothing running, in order */
		for (int c = 0; c < chains && active < jobs; c++) {
			if (running[c] || next[c] >= n)
				continue;
			pid_t pid;
			int e = posix_spawn(&pid, prog, NULL, NULL, av, environ);
			if (e) {
				fprintf(stderr, "runlens: spawn: %s\n", strerror(e));
				return 1;
			}
			running[c] = pid;
			next[c] += chains;
			active++;
		}
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "runlens: spawn: waitpid: %s\n", strerror(errno));
			return 1;
		}
		for (int c = 0; c < chains; c++)
			if (running[c] == pid)
				running[c] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 1;
		active--;
		done++;
	}
	free(prog);
	free(next);
	free(running);
	return rc;
}
