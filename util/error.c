/* util/error.c — error records: formatting and exit codes. */
#include "config.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int exit_code;
	const char *msg;
} rl_error_table[] = {
#define RL_ROW(name, code, msg) { code, msg },
	RL_ERRORS(RL_ROW)
#undef RL_ROW
};

__attribute__((format(printf, 1, 0)))
static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

int rl_err_set(struct rl_err *err, enum rl_code code, const char *fmt, ...)
{
	if (!err)
		return -1;
	free(err->msg);
	err->msg = NULL;
	err->code = code;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		err->msg = vformat(fmt, ap);
		va_end(ap);
	}
	return -1;
}

int rl_err_prefix(struct rl_err *err, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *pre = vformat(fmt, ap);
	va_end(ap);
	if (!pre)
		return -1;
	const char *old = rl_err_msg(err);
	size_t n = strlen(pre) + strlen(old) + 3;
	char *s = malloc(n);
	if (s) {
		snprintf(s, n, "%s: %s", pre, old);
		free(err->msg);
		err->msg = s;
	}
	free(pre);
	return -1;
}

void rl_err_clear(struct rl_err *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->code = RL_E_OK;
}

int rl_err_exit_code(enum rl_code code)
{
	if ((int)code < 0 || code >= RL_E__COUNT)
		return 1;
	return rl_error_table[code].exit_code;
}

const char *rl_err_default(enum rl_code code)
{
	if ((int)code < 0 || code >= RL_E__COUNT)
		return "unknown error";
	return rl_error_table[code].msg;
}

const char *rl_err_msg(const struct rl_err *err)
{
	if (!err)
		return "unknown error";
	return err->msg ? err->msg : rl_err_default(err->code);
}
