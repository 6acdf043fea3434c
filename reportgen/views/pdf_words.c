/*
 * pdf_words.c: times, durations, names and identifiers as the PDFs print
 * them (see pdf_words.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/timefmt.h"
#include "views/pdf_words.h"

#define NBSP "\xc2\xa0"
#define DAY_MS 86400000LL

bool rg_pdf_none_applies(const struct rg_results *r)
{
	if (r->bundle.notified)
		return false;
	for (size_t k = 0; k < r->n_actions; k++)
		if (r->actions[k].kind == RG_KIND_REQUIRED && r->actions[k].status != RG_NOT_APPLICABLE)
			return false;
	return true;
}

int rg_pdf_zone(const struct rg_results *r)
{
	for (size_t k = 0; k < r->n_actions; k++)
		if (r->actions[k].has_deadline)
			return r->actions[k].deadline.offset;
	if (r->bundle.notified)
		return r->bundle.notification_received.offset;
	return 0;
}

char *rg_pdf_zone_name(char *buf, size_t n, int offset)
{
	if (offset == 0)
		snprintf(buf, n, "UTC");
	else
		snprintf(buf, n, "UTC%c%02d:%02d", offset < 0 ? '-' : '+', abs(offset) / 60,
		         abs(offset) % 60);
	return buf;
}

/* Civil fields of ms shifted by offset minutes. */
struct civil {
	int64_t y;
	unsigned m, d, hh, mm, ss, ms, wday; /* wday 0 = Monday */
};

static struct civil civil_of(int64_t ms, int offset)
{
	int64_t t = ms + (int64_t)offset * 60000;
	int64_t days = t >= 0 ? t / DAY_MS : -((-t + DAY_MS - 1) / DAY_MS);
	int64_t rem = t - days * DAY_MS;
	struct civil c;
	rg_civil_from_days(days, &c.y, &c.m, &c.d);
	c.hh = (unsigned)(rem / 3600000);
	c.mm = (unsigned)(rem / 60000 % 60);
	c.ss = (unsigned)(rem / 1000 % 60);
	c.ms = (unsigned)(rem % 1000);
	/* 1970-01-01 was a Thursday (3). */
	int64_t w = (days % 7 + 7 + 3) % 7;
	c.wday = (unsigned)w;
	return c;
}

char *rg_pdf_when(char *buf, size_t n, int64_t ms, int offset)
{
	struct civil c = civil_of(ms, offset);
	if (c.ms)
		snprintf(buf, n, "%04lld-%02u-%02u" NBSP "%02u:%02u:%02u.%03u", (long long)c.y, c.m,
		         c.d, c.hh, c.mm, c.ss, c.ms);
	else
		snprintf(buf, n, "%04lld-%02u-%02u" NBSP "%02u:%02u:%02u", (long long)c.y, c.m, c.d,
		         c.hh, c.mm, c.ss);
	return buf;
}

char *rg_pdf_when_words(char *buf, size_t n, int64_t ms, int offset)
{
	static const char *const month[] = {"January", "February", "March",     "April",
	                                    "May",     "June",     "July",      "August",
	                                    "September", "October", "November", "December"};
	static const char *const wday[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
	                                   "Friday", "Saturday", "Sunday"};
	struct civil c = civil_of(ms, offset);
	snprintf(buf, n, "%s %u %s %lld, %02u:%02u", wday[c.wday], c.d, month[c.m - 1],
	         (long long)c.y, c.hh, c.mm);
	return buf;
}

char *rg_pdf_duration_words(char *buf, size_t n, int64_t ms)
{
	if (ms < 0)
		ms = -ms;
	int64_t days = ms / DAY_MS, h = ms / 3600000 % 24, m = ms / 60000 % 60;
	int64_t s = ms / 1000 % 60;
	size_t at = 0;
	buf[0] = '\0';
#define PART(...)                                                                              \
	do {                                                                                   \
		int k = snprintf(buf + at, n - at, "%s", at ? " " : "");                       \
		at += k > 0 && (size_t)k < n - at ? (size_t)k : 0;                             \
		k = snprintf(buf + at, n - at, __VA_ARGS__);                                   \
		at += k > 0 && (size_t)k < n - at ? (size_t)k : 0;                             \
	} while (0)
	if (days)
		PART("%lld" NBSP "%s", (long long)days, days == 1 ? "day" : "days");
	if (h)
		PART("%lld" NBSP "h", (long long)h);
	if (m)
		PART("%lld" NBSP "min", (long long)m);
	if (!days && !h && !m)
		PART("%lld" NBSP "s", (long long)s);
#undef PART
	return buf;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Byte offset of character number i of s. */
static size_t utf8_at(const char *s, size_t i)
{
	size_t b = 0;
	for (; s[b]; b++)
		if (((unsigned char)s[b] & 0xc0) != 0x80 && i-- == 0)
			break;
	return b;
}

char *rg_pdf_short_id(const char *s, size_t max)
{
	size_t n = utf8_chars(s);
	if (n <= max || max < 5)
		return rg_asprintf("%s", s);
	/* More of the head than of the tail: people recognise an id by its
	 * start; the tail tells two of a series apart. */
	size_t keep = max - 1, head = (keep * 3 + 4) / 5, tail = keep - head;
	size_t hb = utf8_at(s, head), tb = utf8_at(s, n - tail);
	return rg_asprintf("%.*s…%s", (int)hb, s, s + tb);
}

char *rg_pdf_dn_attr(const char *dn, const char *attr)
{
	size_t al = strlen(attr);
	const char *p = dn;
	while (p && *p) {
		/* p at the start of one "TYPE=value" */
		const char *eq = strchr(p, '=');
		if (!eq)
			return NULL;
		bool match = (size_t)(eq - p) == al && strncmp(p, attr, al) == 0;
		struct rg_buf v;
		rg_buf_init(&v, 0);
		const char *q = eq + 1;
		for (; *q && *q != ',' && *q != '+'; q++) {
			if (*q == '\\' && q[1]) {
				q++;
				static const char hex[] = "0123456789abcdefABCDEF";
				if (strchr(hex, q[0]) && q[1] && strchr(hex, q[1])) {
					char h[3] = {q[0], q[1], 0};
					rg_buf_putc(&v, (char)strtol(h, NULL, 16));
					q++;
					continue;
				}
			}
			rg_buf_putc(&v, *q);
		}
		if (match) {
			char *out = rg_asprintf("%s", v.data ? v.data : "");
			rg_buf_free(&v);
			return out;
		}
		rg_buf_free(&v);
		p = *q ? q + 1 : NULL;
	}
	return NULL;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of an RFC 3339 instant at s, or 0. */
static size_t instant_len(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i = 0;
	for (; pat[i]; i++)
		if (pat[i] == 'd' ? !digit(s[i]) : s[i] != pat[i])
			return 0;
	if (s[i] == '.') {
		i++;
		while (digit(s[i]))
			i++;
	}
	if (s[i] == 'Z')
		return i + 1;
	if ((s[i] == '+' || s[i] == '-') && digit(s[i + 1]) && digit(s[i + 2]) && s[i + 3] == ':' &&
	    digit(s[i + 4]) && digit(s[i + 5]))
		return i + 6;
	return 0;
}

/* Length of an ISO 8601 duration at s ("PT48H", "P2DT3H"), or 0. */
static size_t duration_len(const char *s)
{
	if (s[0] != 'P')
		return 0;
	size_t i = 1;
	bool any = false, t = false;
	for (;;) {
		if (s[i] == 'T' && !t) {
			t = true;
			i++;
			continue;
		}
		size_t j = i;
		while (digit(s[j]) || (j > i && s[j] == '.'))
			j++;
		if (j == i)
			break;
		char u = s[j];
		if (!(u == 'D' || u == 'W' || (t && (u == 'H' || u == 'M' || u == 'S'))))
			return 0;
		i = j + 1;
		any = true;
	}
	return any ? i : 0;
}

char *rg_pdf_reword(const char *s, int offset, const char *strip)
{
	if (strip && *strip) {
		size_t n = strlen(strip);
		if (strncmp(s, strip, n) == 0 && s[n] == ':' && s[n + 1] == ' ')
			s += n + 2;
		else if (strncmp(s, strip, n) == 0 && s[n] == ' ' && s[n + 1] != '(')
			s += n + 1; /* "email E-11 reviewed after the deadline" */
	}
	struct rg_buf b;
	rg_buf_init(&b, 0);
	int err = rg_buf_append(&b, "", 0);
	for (const char *p = s; *p && !err;) {
		bool word_start = p == s || !(digit(p[-1]) || (p[-1] >= 'A' && p[-1] <= 'Z') ||
		                              (p[-1] >= 'a' && p[-1] <= 'z'));
		size_t n = digit(*p) ? instant_len(p) : 0;
		if (n) {
			struct rg_time t;
			if (rg_time_parse(&t, p, n) == RG_TIME_OK) {
				char w[RG_PDF_WHEN_BUFSZ];
				err = rg_buf_printf(&b, "%s", rg_pdf_when(w, sizeof w, t.ms, offset));
				p += n;
				continue;
			}
		}
		n = word_start && *p == 'P' ? duration_len(p) : 0;
		int64_t ms;
		bool word_end = n && !(digit(p[n]) || (p[n] >= 'A' && p[n] <= 'Z') ||
		                       (p[n] >= 'a' && p[n] <= 'z'));
		if (n && word_end && rg_duration_parse(&ms, p, n)) {
			char w[RG_PDF_DURATION_BUFSZ];
			err = rg_buf_printf(&b, "%s", rg_pdf_duration_words(w, sizeof w, ms));
			p += n;
			continue;
		}
		err = rg_buf_putc(&b, *p++);
	}
	if (err) {
		rg_buf_free(&b);
		return NULL;
	}
	return b.data;
}
