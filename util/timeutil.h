/* util/timeutil.h — clocks and time formatting. */
#ifndef RUNLENS_UTIL_TIMEUTIL_H
#define RUNLENS_UTIL_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock, milliseconds since the Unix epoch. */
int64_t time_now_ms(void);
/* Monotonic clock, milliseconds. */
int64_t time_mono_ms(void);

/* "2026-11-23T10:15:00Z" (UTC) into BUF (at least 21 bytes). */
void time_iso8601(int64_t ms, char *buf, size_t size);
/* "2026-11-23 10:15" in local time into BUF (at least 17 bytes). */
void time_local_short(int64_t ms, char *buf, size_t size);
/* "20261123-101500" (UTC) into BUF, for run names. */
void time_compact(int64_t ms, char *buf, size_t size);
/* A duration: "0.3s", "12s", "4m05s", "2h03m", "3d04h". */
void time_duration(int64_t ms, char *buf, size_t size);

#endif
