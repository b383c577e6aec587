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
#include "core/exec/executor.h"

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
	enum { CHAINS = 10 };
	int n = atoi(argv[1]), jobs = atoi(argv[2]);
	/* `true` found in PATH once, as the runner does (core/exec_local.c) */
	char *prog = NULL;
	exec_find_program("true", environ, &prog);
	if (!prog) {
		fprintf(stderr, "runlens: spawn: no `true` in PATH\n");
		return 1;
	}
	/* per chain: the next step to start, and the one running (0: none) */
	int next[CHAINS];
	pid_t running[CHAINS] = { 0 };
	char *av[] = { prog, NULL };
	int active = 0, done = 0, rc = 0;
	for (int c = 0; c < CHAINS; c++)
		next[c] = c;
	while (done < n) {
		/* fill free slots from chains with nothing running, in order */
		for (int c = 0; c < CHAINS && active < jobs; c++) {
			if (running[c] || next[c] >= n)
				continue;
			pid_t pid;
			int e = posix_spawn(&pid, prog, NULL, NULL, av, environ);
			if (e) {
				fprintf(stderr, "runlens: spawn: %s\n", strerror(e));
				rc = 1;
				goto out;
			}
			running[c] = pid;
			next[c] += CHAINS;
			active++;
		}
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "runlens: spawn: waitpid: %s\n", strerror(errno));
			rc = 1;
			goto out;
		}
		for (int c = 0; c < CHAINS; c++)
			if (running[c] == pid)
				running[c] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 1;
		active--;
		done++;
	}
out:
	free(prog);
	return rc;
}
