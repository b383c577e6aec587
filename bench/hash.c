/* bench/hash.c — `rlbench hash FILE`: SHA-256 throughput of core/hash.c
 * (hash_path, in process) against coreutils' `sha256sum FILE` (a child
 * process, its start included), alternating, RLBENCH_REPEATS times (at
 * most 7); both must print the same hash. */
#include "config.h"
#include "bench/bench.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/hash.h"

extern char **environ;

/* Run sha256sum FILE; HEX receives the hash it prints. */
static int sha256sum(const char *file, char hex[HASH_HEX_LEN + 1], struct rl_err *err)
{
	int fds[2];
	if (pipe(fds) < 0)
		return rl_err_set(err, RL_E_IO, "cannot make a pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char *args[] = { "sha256sum", (char *)file, NULL };
	pid_t pid;
	int src = posix_spawnp(&pid, "sha256sum", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (src != 0) {
		close(fds[0]);
		return rl_err_set(err, RL_E_FAIL, "cannot run sha256sum (scripts/install-bench-deps.sh)");
	}
	char out[HASH_HEX_LEN + 1] = { 0 };
	size_t got = 0;
	ssize_t r;
	while (got < HASH_HEX_LEN && (r = read(fds[0], out + got, HASH_HEX_LEN - got)) > 0)
		got += (size_t)r;
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	if (got != HASH_HEX_LEN || !WIFEXITED(status) || WEXITSTATUS(status))
		return rl_err_set(err, RL_E_FAIL, "sha256sum %s failed", file);
	memcpy(hex, out, sizeof out);
	return 0;
}

int bench_hash(int argc, char **argv)
{
	struct rl_err err = RL_ERR_INIT;
	if (argc != 2) {
		fprintf(stderr, "runlens: usage: rlbench hash FILE\n");
		return 2;
	}
	int reps = (int)bench_env("RLBENCH_REPEATS", 3);
	if (reps > 7)
		reps = 7;
	double ours[7], theirs[7];
	int64_t size = 0;
	for (int k = 0; k < reps; k++) {
		char a[HASH_HEX_LEN + 1], b[HASH_HEX_LEN + 1];
		double t0 = bench_now_ms();
		if (sha256sum(argv[1], b, &err) < 0)
			return bench_fail(&err);
		double t1 = bench_now_ms();
		if (hash_path(argv[1], a, &size, NULL, &err) < 0)
			return bench_fail(&err);
		double t2 = bench_now_ms();
		if (strcmp(a, b)) {
			rl_err_set(&err, RL_E_FAIL, "hashes differ: %s and sha256sum's %s", a, b);
			return bench_fail(&err);
		}
		theirs[k] = (double)size / 1048576 / ((t1 - t0) / 1000);
		ours[k] = (double)size / 1048576 / ((t2 - t1) / 1000);
	}
	printf("hash_mb_per_s %.0f\n", bench_median(ours, reps));
	printf("sha256sum_mb_per_s %.0f\n", bench_median(theirs, reps));
	return 0;
}
