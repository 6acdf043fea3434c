/*
 * imptime.c: the time forms of Microsoft's exports -> RFC 3339
 * (see internal.h and docs/importers.md, "Times").
 *
 * RFC 3339 with Z or an offset (any number of fraction digits) is parsed
 * by core/timefmt and written back in its own offset, to the millisecond.
 * Two other forms occur and are accepted only where the format proves the
 * zone: no zone at all (the unified audit log's CreationTime, documented as
 * UTC) and the US locale form of the Purview and Log Analytics portal
 * exports ("9/20/2023 4:05:03 AM", "9/19/2023, 1:45:17.287 PM", month
 * first, UTC by the export's definition).  Anything else is refused: the
 * same characters mean another instant in another culture (en-AU writes 3
 * December 2025 as 3/12/2025), so guessing would move evidence in time.
 */
#include <stdio.h>
#include <string.h>

#include "import/internal.h"

static bool digits(const char **p, const char *end, int min, int max, int *out)
{
	int v = 0, k = 0;
	while (*p < end && k < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	*out = v;
	return k >= min;
}

/* "M/D/YYYY[,] h:mm[:ss[.fff]] AM|PM" -> "YYYY-MM-DDThh:mm:ss.fffZ". */
static bool us_form_to_iso(char *iso, size_t size, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	int mo, d, y, h, mi, sec = 0, frac = 0, fdig = 0;
	if (!digits(&p, end, 1, 2, &mo) || p >= end || *p++ != '/' || !digits(&p, end, 1, 2, &d) ||
	    p >= end || *p++ != '/' || !digits(&p, end, 4, 4, &y))
		return false;
	if (p < end && *p == ',')
		p++;
	if (p >= end || *p++ != ' ')
		return false;
	if (!digits(&p, end, 1, 2, &h) || p >= end || *p++ != ':' || !digits(&p, end, 2, 2, &mi))
		return false;
	if (p < end && *p == ':') {
		p++;
		if (!digits(&p, end, 2, 2, &sec))
			return false;
		if (p < end && *p == '.') {
			p++;
			const char *f0 = p;
			if (!digits(&p, end, 1, 3, &frac))
				return false;
			fdig = (int)(p - f0);
			while (p < end && *p >= '0' && *p <= '9')
				p++; /* beyond milliseconds: truncated, as rg_time_parse does */
		}
	}
	if (p >= end || *p++ != ' ' || end - p != 2)
		return false;
	bool pm;
	if ((p[0] == 'A' || p[0] == 'a') && (p[1] == 'M' || p[1] == 'm'))
		pm = false;
	else if ((p[0] == 'P' || p[0] == 'p') && (p[1] == 'M' || p[1] == 'm'))
		pm = true;
	else
		return false;
	if (h < 1 || h > 12)
		return false;
	h = h % 12 + (pm ? 12 : 0);
	while (fdig < 3) {
		frac *= 10;
		fdig++;
	}
	int w = snprintf(iso, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, sec, frac);
	return w > 0 && (size_t)w < size;
}

const char *rg_imp_time(char out[RG_TIME_BUFSZ], const char *s, size_t n, bool utc, bool us_form,
                        const char **why)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*why = NULL;
	if (n == 0) {
		*why = "is empty";
		return NULL;
	}
	if (n > 64) {
		*why = "is not a time";
		return NULL;
	}
	struct rg_time t;
	enum rg_time_err e = rg_time_parse(&t, s, n);
	if (e == RG_TIME_NO_OFFSET && utc) {
		char z[80];
		memcpy(z, s, n);
		z[n] = 'Z';
		e = rg_time_parse(&t, z, n + 1);
	} else if (e == RG_TIME_SYNTAX && utc && us_form) {
		char iso[80];
		if (us_form_to_iso(iso, sizeof iso, s, n))
			e = rg_time_parse(&t, iso, strlen(iso));
	}
	if (e == RG_TIME_NO_OFFSET) {
		*why = "has no UTC offset, and this export does not say which zone it is in";
		return NULL;
	}
	if (e != RG_TIME_OK) {
		*why = e == RG_TIME_RANGE ? "has a field out of range"
		                          : (us_form ? "is neither RFC 3339 nor the US form M/D/YYYY h:mm:ss AM"
		                                     : "is not an RFC 3339 time");
		return NULL;
	}
	return rg_time_format(out, t);
}

const char *rg_imp_record_time(struct rg_importer *imp, uint32_t line, const char *field,
                               const char *what, char out[RG_TIME_BUFSZ], const char *s,
                               size_t n, bool utc, bool us_form)
{
	const char *why = NULL, *t = NULL;
	if (!s || !n)
		rg_imp_err(imp, line, field, "every record needs the time it happened",
		           "is %s without a time (%s)", what, field);
	else if (!(t = rg_imp_time(out, s, n, utc, us_form, &why)))
		rg_imp_err(imp, line, field,
		           "export the time as RFC 3339 with Z or an offset (2024-04-29T16:05:00Z)",
		           "time \"%.*s\" %s", (int)(n < 64 ? n : 64), s, why);
	return t;
}
