/* util/timeutil.c — clocks and time formatting. */
#include "config.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <time.h>

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void to_tm(int64_t ms, struct tm *tm, int local)
{
	time_t t = (time_t)(ms / 1000);
	if (local)
		localtime_r(&t, tm);
	else
		gmtime_r(&t, tm);
}

void time_iso8601(int64_t ms, char *buf, size_t size)
{
	struct tm tm;
	to_tm(ms, &tm, 0);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_local_short(int64_t ms, char *buf, size_t size)
{
	struct tm tm;
	to_tm(ms, &tm, 1);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

void time_compact(int64_t ms, char *buf, size_t size)
{
	struct tm tm;
	to_tm(ms, &tm, 0);
	strftime(buf, size, "%Y%m%d-%H%M%S", &tm);
}

void time_duration(int64_t ms, char *buf, size_t size)
{
	if (ms < 0)
		ms = 0;
	int64_t s = ms / 1000;
	if (ms < 1000)
		snprintf(buf, size, "%lldms", (long long)ms);
	else if (ms < 10000)
		snprintf(buf, size, "%.1fs", (double)ms / 1000.0);
	else if (s < 60)
		snprintf(buf, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm%02llds", (long long)(s / 60),
			 (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%lldh%02lldm", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(buf, size, "%lldd%02lldh", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
}
