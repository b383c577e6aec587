/* util/error.h — error kinds and the error record every library returns.
 *
 * Library code (store/, core/) never prints or exits: it fills a struct
 * rl_err and returns -1.  The CLI turns the record into the one-line
 * "runlens: <message>" on stderr and exits with rl_err_exit_code().
 */
#ifndef RUNLENS_UTIL_ERROR_H
#define RUNLENS_UTIL_ERROR_H

/* X(name, exit code, default message) */
#define RL_ERRORS(X)                                                        \
	X(OK,        0, "success")                                          \
	X(FAIL,      1, "operation failed")                                 \
	X(USAGE,     2, "invalid usage")                                    \
	X(SPEC,      2, "invalid pipeline file")                            \
	X(INPUT,     2, "invalid input")                                    \
	X(NOT_STEP,  3, "not inside a runlens step")                        \
	X(NOT_FOUND, 4, "not found")                                        \
	X(NO_STORE,  4, "no runlens store found")                           \
	X(IO,        1, "input/output error")                               \
	X(DISK_FULL, 1, "disk full")                                        \
	X(DB,        1, "database error")                                   \
	X(BUSY,      1, "database is busy")                                 \
	X(CORRUPT,   1, "store database is damaged")                        \
	X(TOO_NEW,   1, "store was written by a newer runlens")             \
	X(READ_ONLY, 1, "the store is read-only")                           \
	X(NOMEM,     1, "out of memory")                                    \
	X(INTERRUPTED, 1, "interrupted")

enum rl_code {
#define RL_ENUM(name, code, msg) RL_E_##name,
	RL_ERRORS(RL_ENUM)
#undef RL_ENUM
	RL_E__COUNT
};

struct rl_err {
	enum rl_code code;
	char *msg;		/* owned, malloc'd; NULL when code == RL_E_OK */
};

#define RL_ERR_INIT { RL_E_OK, NULL }

/* Set the error (replacing any earlier one) and return -1, so callers can
 * write `return rl_err_set(err, RL_E_IO, "cannot read %s", path);`.
 * err may be NULL. */
int rl_err_set(struct rl_err *err, enum rl_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing message: "<prefix>: <old message>".  Returns -1. */
int rl_err_prefix(struct rl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Release the message and reset to RL_E_OK.  err may be NULL. */
void rl_err_clear(struct rl_err *err);

/* The process exit code for an error kind (0,1,2,3,4). */
int rl_err_exit_code(enum rl_code code);

/* The default message of an error kind. */
const char *rl_err_default(enum rl_code code);

/* The message of err, or its kind's default message. */
const char *rl_err_msg(const struct rl_err *err);

#endif
