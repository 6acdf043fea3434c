/*
 * timefmt.h: instants (RFC 3339) and durations (ISO 8601) of the evidence.
 *
 * An rg_time is an instant in milliseconds since the Unix epoch (UTC) and
 * the UTC offset it was written with, kept so reports can show a time as
 * the agency wrote it.  Comparisons use only the instant: 16:00-04:00 and
 * 20:00Z are the same moment.
 *
 * Hand-written rather than strptime/timegm because the spec demands an
 * explicit offset and a precise error for each malformed part; glibc's
 * strptime accepts a missing offset and says nothing about where parsing
 * stopped.
 */
#ifndef RG_TIMEFMT_H
#define RG_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rg_time {
	int64_t ms;      /* milliseconds since 1970-01-01T00:00:00Z */
	int16_t offset;  /* minutes east of UTC as written (-04:00 is -240) */
};

enum rg_time_err {
	RG_TIME_OK = 0,
	RG_TIME_SYNTAX,    /* not of the form YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm) */
	RG_TIME_NO_OFFSET, /* a well-formed local time without Z or ±hh:mm */
	RG_TIME_RANGE,     /* a field out of range (month 13, 31 April, 25:00) */
};

/* Parses exactly n bytes of s.  Fractions are kept to the millisecond
 * (further digits truncated); a leap second (:60) is refused as out of range. */
enum rg_time_err rg_time_parse(struct rg_time *out, const char *s, size_t n);

/* Human sentence for a parse error. */
const char *rg_time_strerror(enum rg_time_err e);

/* RFC 3339 in the time's own offset: "2024-04-29T16:05:00-04:00"
 * (milliseconds shown only when non-zero).  buf must hold RG_TIME_BUFSZ. */
#define RG_TIME_BUFSZ 96
char *rg_time_format(char *buf, struct rg_time t);
/* The same instant in UTC, "2024-04-29T20:05:00Z". */
char *rg_time_format_utc(char *buf, int64_t ms);

/* Civil date <-> days since epoch (proleptic Gregorian). */
int64_t rg_days_from_civil(int64_t y, unsigned m, unsigned d);
void rg_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* ISO 8601 duration of days, hours, minutes and seconds ("PT48H",
 * "P2DT3H12M5S", "PT0.5S", also weeks "P1W").  Years and months are refused:
 * their length depends on the calendar.  Result in milliseconds, >= 0. */
bool rg_duration_parse(int64_t *out_ms, const char *s, size_t n);
/* Canonical form, days split out: 187205000 ms -> "P2DT4H5S". */
#define RG_DURATION_BUFSZ 48
char *rg_duration_format(char *buf, int64_t ms);

#endif
