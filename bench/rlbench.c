/* bench/rlbench.c — the benchmark driver behind `make bench`:
 *
 *   rlbench gen DIR       make (or reuse) a generated store in DIR
 *   rlbench browse DIR    time the browser's store reads on DIR
 *   rlbench ingest        ingestion path against raw prepared inserts
 *   rlbench hash FILE     core/hash.c against sha256sum on FILE
 *   rlbench spawn N J     the dispatch DAG with nothing but spawn and wait
 *                         (the floor of the dispatch figure)
 *
 * Each prints "name value" lines that bench/run.sh turns into one table.
 * Repeats come from RLBENCH_REPEATS; sizes from RLBENCH_* (bench.h). */
#include "config.h"
#include "bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long long bench_env(const char *name, long long def)
{
	const char *v = getenv(name);
	char *end = NULL;
	long long x = v && *v ? strtoll(v, &end, 10) : 0;
	return v && *v && end && !*end && x > 0 ? x : def;
}

void bench_sizes(struct bench_sizes *z)
{
	z->runs = bench_env("RLBENCH_RUNS", 1000000);
	z->pipelines = bench_env("RLBENCH_PIPELINES", 100);
	z->metric_rows = bench_env("RLBENCH_METRIC_ROWS", 10 * z->runs);
	z->sample = bench_env("RLBENCH_SAMPLE", z->runs / 100 ? z->runs / 100 : 1);
	if (z->pipelines > z->runs)
		z->pipelines = z->runs;
}

void bench_run_name(char *buf, size_t size, long long i, long long pipelines)
{
	snprintf(buf, size, "pipe-%03lld-%07lld", i % pipelines, i);
}

int bench_fail(struct rl_err *err)
{
	fprintf(stderr, "runlens: %s\n", rl_err_msg(err));
	rl_err_clear(err);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "gen", bench_gen },
		{ "browse", bench_browse },
		{ "ingest", bench_ingest },
		{ "hash", bench_hash },
		{ "spawn", bench_spawn },
	};
	for (size_t i = 0; argc > 1 && i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "runlens: usage: rlbench gen DIR | browse DIR | ingest | hash FILE | spawn STEPS JOBS\n");
	return 2;
}
