/* core/exec/script.h — the job language of the fake executor and of the
 * conformance program.
 *
 * A job's arguments after the program name are directives, run in order:
 *   out:TEXT      write TEXT to stdout (\n \t \\ \xNN are decoded)
 *   err:TEXT      the same on stderr
 *   cwd           write the working folder and a newline to stdout
 *   env:NAME      write NAME's value (or "(unset)") and a newline to stdout
 *   file:NAME=TEXT  write TEXT to the file $RUNLENS_OUTPUT_<NAME> names
 *   record:JSON   append a JSON line to the step's records file (the
 *                 "step.records" path of $RUNLENS_CONTEXT)
 *   fail-until:N  exit 1 while $RUNLENS_ATTEMPT is below N
 *   sleep:MS      wait MS milliseconds
 *   hang          wait until a signal ends the job
 *   exit:N        end with exit code N (the default at the end: 0)
 *   signal:N      end as killed by signal N
 * The fake executor plays a job without a process; tests/steps/conform.c
 * is the same language as a real program, for the real executors.  Both
 * use this interpreter, so the conformance suite asks the same of all.
 */
#ifndef RUNLENS_CORE_EXEC_SCRIPT_H
#define RUNLENS_CORE_EXEC_SCRIPT_H

#include <stddef.h>

/* What the interpreter needs from where the job runs. */
struct script_host {
	void *ctx;
	int (*write)(void *ctx, int stream, const char *data, size_t n);
	const char *(*getenv)(void *ctx, const char *name);
	const char *(*cwd)(void *ctx);
};

enum script_stop {
	SCRIPT_EXIT,   /* end with *value as exit code */
	SCRIPT_SIGNAL, /* end as killed by signal *value */
	SCRIPT_SLEEP,  /* wait *value ms, then call script_run again */
	SCRIPT_HANG,   /* wait for a signal */
};

struct script {
	char *const *argv; /* argv[0] is the program */
	int next;	   /* the next directive */
};

/* Run directives from s->next until one that stops or waits.  A directive
 * that cannot be understood writes a message to stderr and ends with exit
 * code 2. */
enum script_stop script_run(struct script *s, const struct script_host *h, int *value);

#endif
