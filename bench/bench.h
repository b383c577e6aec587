/* bench/bench.h — what the parts of rlbench (the benchmark driver behind
 * `make bench`) share: clocks, medians, sizes from the environment, and the
 * names the store generator gives its runs. */
#ifndef RUNLENS_BENCH_BENCH_H
#define RUNLENS_BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Monotonic clock in milliseconds (fractional). */
double bench_now_ms(void);

/* Median of V[0..N) (sorts V in place); 0 when N is 0. */
double bench_median(double *v, int n);

/* A positive integer from the environment, else DEF. */
long long bench_env(const char *name, long long def);

/* The sizes of a generated store, from RLBENCH_RUNS, RLBENCH_PIPELINES,
 * RLBENCH_METRIC_ROWS, RLBENCH_SAMPLE (defaults: the full sizes). */
struct bench_sizes {
	long long runs, pipelines, metric_rows, sample;
};
void bench_sizes(struct bench_sizes *z);

/* The name of the I-th generated run (0 = oldest). */
void bench_run_name(char *buf, size_t size, long long i, long long pipelines);

/* The two generated runs with 1,000 metrics each. */
#define BENCH_CMP_A "bench-compare-a"
#define BENCH_CMP_B "bench-compare-b"

/* Print "runlens: MSG" for ERR on stderr; returns 1 (an exit status). */
int bench_fail(struct rl_err *err);

int bench_gen(int argc, char **argv);
int bench_browse(int argc, char **argv);
int bench_ingest(int argc, char **argv);
int bench_hash(int argc, char **argv);
int bench_spawn(int argc, char **argv);

#endif
