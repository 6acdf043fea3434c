/*
 * timefmt.c: RFC 3339 and ISO 8601 durations (see timefmt.h).
 */
#include "core/timefmt.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil, valid for every year we can parse. */
int64_t rg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void rg_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, size_t at, size_t count, unsigned *out)
{
	if (at + count > n)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < count; i++) {
		char c = s[at + i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*out = v;
	return true;
}

static bool is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

enum rg_time_err rg_time_parse(struct rg_time *out, const char *s, size_t n)
{
	unsigned Y, M, D, h, m, sec;
	if (!digits(s, n, 0, 4, &Y) || n < 5 || s[4] != '-' || !digits(s, n, 5, 2, &M) || n < 8 ||
	    s[7] != '-' || !digits(s, n, 8, 2, &D) || n < 11 || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s, n, 11, 2, &h) || n < 14 || s[13] != ':' || !digits(s, n, 14, 2, &m) ||
	    n < 17 || s[16] != ':' || !digits(s, n, 17, 2, &sec))
		return RG_TIME_SYNTAX;
	size_t i = 19;
	unsigned ms = 0;
	if (i < n && s[i] == '.') {
		i++;
		size_t start = i, scale = 100;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			ms += (unsigned)(s[i] - '0') * (unsigned)scale;
			scale /= 10;
			i++;
		}
		if (i == start)
			return RG_TIME_SYNTAX;
	}
	int offset;
	if (i == n)
		return RG_TIME_NO_OFFSET;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
		offset = 0;
	} else if (s[i] == '+' || s[i] == '-') {
		unsigned oh, om;
		if (i + 6 != n || !digits(s, n, i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s, n, i + 4, 2, &om))
			return RG_TIME_SYNTAX;
		if (oh > 23 || om > 59)
			return RG_TIME_RANGE;
		offset = (int)(oh * 60 + om) * (s[i] == '-' ? -1 : 1);
	} else {
		return RG_TIME_SYNTAX;
	}
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (M < 1 || M > 12 || D < 1 || h > 23 || m > 59 || sec > 59)
		return RG_TIME_RANGE;
	if (D > mdays[M - 1] + (M == 2 && is_leap(Y)))
		return RG_TIME_RANGE;
	int64_t days = rg_days_from_civil(Y, M, D);
	int64_t secs = days * 86400 + h * 3600 + m * 60 + sec - (int64_t)offset * 60;
	/* The offset can carry a year-0000 or year-9999 local time outside
	 * 0000..9999 in UTC, which RFC 3339 (and the reports' UTC column)
	 * cannot write. */
	static const int64_t min_secs = -62167219200LL; /* 0000-01-01T00:00:00Z */
	static const int64_t max_secs = 253402300799LL; /* 9999-12-31T23:59:59Z */
	if (secs < min_secs || secs > max_secs)
		return RG_TIME_RANGE;
	out->ms = secs * 1000 + ms;
	out->offset = (int16_t)offset;
	return RG_TIME_OK;
}

const char *rg_time_strerror(enum rg_time_err e)
{
	switch (e) {
	case RG_TIME_OK:
		return "valid";
	case RG_TIME_SYNTAX:
		return "is not an RFC 3339 timestamp";
	case RG_TIME_NO_OFFSET:
		return "has no UTC offset";
	case RG_TIME_RANGE:
		return "has a date or time field out of range";
	}
	return "is invalid";
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static char *format_at(char *buf, int64_t ms, int offset)
{
	int64_t local_ms = ms + (int64_t)offset * 60000;
	int64_t secs = floor_div(local_ms, 1000);
	int frac = (int)(local_ms - secs * 1000);
	int64_t days = floor_div(secs, 86400);
	int64_t rem = secs - days * 86400;
	int64_t y;
	unsigned mo, d;
	rg_civil_from_days(days, &y, &mo, &d);
	char fbuf[16] = "";
	if (frac)
		snprintf(fbuf, sizeof fbuf, ".%03d", frac);
	char obuf[16] = "Z";
	if (offset)
		snprintf(obuf, sizeof obuf, "%c%02d:%02d", offset < 0 ? '-' : '+', abs(offset) / 60,
		         abs(offset) % 60);
	snprintf(buf, RG_TIME_BUFSZ, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d%s%s", y, mo, d,
	         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), fbuf, obuf);
	return buf;
}

char *rg_time_format(char *buf, struct rg_time t)
{
	return format_at(buf, t.ms, t.offset);
}

char *rg_time_format_utc(char *buf, int64_t ms)
{
	return format_at(buf, ms, 0);
}

bool rg_duration_parse(int64_t *out_ms, const char *s, size_t n)
{
	if (n < 3 || s[0] != 'P')
		return false;
	size_t i = 1;
	bool in_time = false, any = false;
	int64_t total = 0;
	/* Designators must come in this order; index of the last one seen. */
	int last = -1;
	while (i < n) {
		if (s[i] == 'T') {
			if (in_time || i + 1 == n)
				return false;
			in_time = true;
			i++;
			continue;
		}
		int64_t whole = 0, frac_ms = 0;
		size_t start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (whole > INT64_MAX / 100000000)
				return false;
			whole = whole * 10 + (s[i] - '0');
			i++;
		}
		if (i == start)
			return false;
		bool has_frac = false;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			has_frac = true;
			i++;
			int64_t scale = 100;
			size_t fstart = i;
			while (i < n && s[i] >= '0' && s[i] <= '9') {
				frac_ms += (s[i] - '0') * scale;
				scale /= 10;
				i++;
			}
			if (i == fstart)
				return false;
		}
		if (i == n)
			return false;
		char u = s[i++];
		int64_t unit;
		int pos;
		switch (u) {
		case 'W': unit = 7 * 86400000LL; pos = 0; break;
		case 'D': unit = 86400000LL; pos = 1; break;
		case 'H': unit = 3600000LL; pos = 2; break;
		case 'M': unit = 60000LL; pos = 3; break;
		case 'S': unit = 1000LL; pos = 4; break;
		default: return false; /* 'Y' and anything else */
		}
		if ((pos >= 2) != in_time || pos <= last)
			return false;
		if (has_frac && i != n) /* only the last component may have a fraction */
			return false;
		last = pos;
		any = true;
		/* Checked: "P99999999999W" must be refused, not wrap around. */
		int64_t part;
		if (__builtin_mul_overflow(whole, unit, &part) ||
		    __builtin_add_overflow(part, frac_ms * unit / 1000, &part) ||
		    __builtin_add_overflow(total, part, &total))
			return false;
	}
	if (!any)
		return false;
	*out_ms = total;
	return true;
}

char *rg_duration_format(char *buf, int64_t ms)
{
	assert(ms >= 0);
	int64_t secs = ms / 1000;
	int frac = (int)(ms % 1000);
	int64_t d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
	char *p = buf;
	size_t left = RG_DURATION_BUFSZ;
	int w = snprintf(p, left, "P");
	p += w, left -= (size_t)w;
	if (d) {
		w = snprintf(p, left, "%" PRId64 "D", d);
		p += w, left -= (size_t)w;
	}
	if (h || m || s || frac || !d) {
		w = snprintf(p, left, "T");
		p += w, left -= (size_t)w;
		if (h) {
			w = snprintf(p, left, "%" PRId64 "H", h);
			p += w, left -= (size_t)w;
		}
		if (m) {
			w = snprintf(p, left, "%" PRId64 "M", m);
			p += w, left -= (size_t)w;
		}
		if (s || frac || (!d && !h && !m)) {
			if (frac) {
				char fb[8];
				snprintf(fb, sizeof fb, "%03d", frac);
				for (int k = 2; k > 0 && fb[k] == '0'; k--)
					fb[k] = '\0';
				snprintf(p, left, "%" PRId64 ".%sS", s, fb);
			} else {
				snprintf(p, left, "%" PRId64 "S", s);
			}
		}
	}
	return buf;
}
