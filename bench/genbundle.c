/*
 * genbundle.c: writes a valid, realistic evidence bundle of a given size, for
 * the benchmark (bench/run.sh) and for anyone who wants a large input.
 *
 *   rg-genbundle --findings N --signins M --seed S -o OUT.zip
 *                [--agency-id ID --agency-name NAME] [--outcome mixed|late|compliant]
 *
 * The bundle follows docs/bundle-format.md: manifest.xml with the
 * SHA-256 of every other member, findings.csv (N rows, about 5% with a
 * secret), secrets.csv (one or two per such finding, accounts drawn from a
 * pool of 50), remediations.csv (most within the 48-hour window, some late,
 * a few missing), log-reviews.csv (sign_in, token_issuance and audit for each
 * account that has a secret), timeline.csv, attachments/impact-analysis.txt
 * and, when M > 0, signins.csv with M rows across April 2024: one sign-in
 * in five by a pool account, the rest by 20,000 other users; each user
 * signs in from four usual addresses, with one sign-in in fifty from a
 * random one (so the distinct addresses per account grow slowly with M, as
 * in a real export, rather than one per row).
 *
 * Invariants: the output depends only on the arguments (a private splitmix64
 * generator, fixed ZIP timestamps), so two runs with the same seed give the
 * same bytes.  Memory stays flat in N and M: each CSV is streamed to a
 * temporary file and hashed as it is written, and libzip deflates the files
 * from disk at zip_close; nothing holds more than one row.  The judged
 * result is deliberately mixed (a few late or missing items), as real
 * evidence is, so the report exercises every status.  --outcome late makes
 * every item done (the late ones stay late: compliant_late), --outcome
 * compliant every item on time; --agency-id and --agency-name name the
 * agency (bench/agencies.sh makes many agencies' reports for the roll-up).
 * The default, mixed, gives the same bytes as before these options existed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "core/digest.h"
#include "core/str.h"
#include "core/timefmt.h"

/* ---- deterministic randomness ------------------------------------------ */

static uint64_t rng_state;

static uint64_t next_u64(void)
{
	/* splitmix64: tiny, fast, and identical on every platform, unlike rand(). */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A fixed function of k, independent of the stream (per-user addresses). */
static uint64_t mix(uint64_t k)
{
	uint64_t z = k * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); the modulo bias is irrelevant for test data. */
static uint64_t below(uint64_t n)
{
	return n ? next_u64() % n : 0;
}

/* True with probability per_mille / 1000. */
static bool chance(unsigned per_mille)
{
	return below(1000) < per_mille;
}

/* ---- a CSV member: buffered, hashed, on disk ---------------------------- */

struct member {
	const char *name; /* entry name in the bundle */
	char *path;       /* temporary file, owned */
	FILE *f;
	struct rg_sha256 *h;
	char hex[RG_SHA256_HEX];
	size_t n;
	char buf[1 << 16];
};

static bool member_flush(struct member *m)
{
	if (m->n == 0)
		return true;
	rg_sha256_update(m->h, m->buf, m->n);
	bool ok = fwrite(m->buf, 1, m->n, m->f) == m->n;
	m->n = 0;
	return ok;
}

static void put(struct member *m, const char *s, size_t len)
{
	while (len > 0) {
		if (m->n == sizeof m->buf && !member_flush(m)) {
			/* The write error resurfaces at member_close through ferror. */
			m->n = 0;
		}
		size_t k = sizeof m->buf - m->n;
		if (k > len)
			k = len;
		memcpy(m->buf + m->n, s, k);
		m->n += k;
		s += k;
		len -= k;
	}
}

static void puts_(struct member *m, const char *s)
{
	put(m, s, strlen(s));
}

static void putf(struct member *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct member *m, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (k > 0)
		put(m, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* A CSV field, quoted only when RFC 4180 requires it. */
static void put_field(struct member *m, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		puts_(m, s);
		return;
	}
	put(m, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			put(m, "\"", 1);
		put(m, p, 1);
	}
	put(m, "\"", 1);
}

/* An instant (seconds since the epoch) as RFC 3339 in the given offset. */
static void put_time(struct member *m, int64_t epoch_s, int offset_min)
{
	char buf[RG_TIME_BUFSZ];
	struct rg_time t = {.ms = epoch_s * 1000, .offset = (int16_t)offset_min};
	puts_(m, rg_time_format(buf, t));
}

static bool member_open(struct member *m, const char *dir, const char *name)
{
	memset(m, 0, offsetof(struct member, buf));
	m->name = name;
	m->path = rg_asprintf("%s/%s", dir, strchr(name, '/') ? strchr(name, '/') + 1 : name);
	m->h = rg_sha256_new();
	if (!m->path || !m->h)
		return false;
	m->f = fopen(m->path, "wb");
	return m->f != NULL;
}

static bool member_close(struct member *m)
{
	bool ok = member_flush(m);
	ok = !ferror(m->f) && ok;
	ok = fclose(m->f) == 0 && ok;
	m->f = NULL;
	rg_sha256_final_hex(m->h, m->hex);
	rg_sha256_free(m->h);
	m->h = NULL;
	return ok;
}

/* ---- the agency and its people ------------------------------------------ */

#define POOL 50        /* accounts whose secrets can appear in email */
#define OUT_OF_SCOPE 20000
#define EDT (-240)     /* US Eastern daylight time, minutes */

static const char *const given[] = {"alex", "blair", "casey", "dana", "emery", "finley", "gray",
                                    "harper", "jordan", "kai", "lee", "morgan", "noel", "parker",
                                    "quinn", "reese", "sam", "taylor", "val", "wren"};
static const char *const family[] = {"abbott", "baker", "chen", "diaz", "evans", "fischer", "garcia",
                                     "haddad", "ito", "jones", "kowalski", "lopez", "mensah", "nguyen",
                                     "okafor", "patel", "rossi", "smith", "tanaka", "weber"};
static const char *const reviewers[] = {"Pat Doe", "R. Okafor", "J. Nguyen", "M. Rossi",
                                        "S. Patel", "T. Weber"};
static const char *const apps[] = {"Microsoft Teams", "Office 365 Exchange Online", "Azure Portal",
                                   "Microsoft Graph", "SharePoint Online", "Grants Portal",
                                   "Payroll API", "Case Tracker", "Azure DevOps", "OneDrive"};
static const char *const app_clients[] = {"Grants Portal", "Payroll API", "Case Tracker",
                                          "Azure DevOps", "Records Sync", "HR Connector"};

static char pool[POOL][64];

/* What the generated agency did: mixed (some items late, some never
 * done), late (all done, some late), compliant (all done in time). */
enum outcome { OUT_MIXED, OUT_LATE, OUT_COMPLIANT };
static enum outcome outcome = OUT_MIXED;
static const char *agency_id = "EXA", *agency_name = "Example Agency";

static void make_pool(void)
{
	for (int i = 0; i < POOL; i++) {
		if (i % 5 == 4)
			snprintf(pool[i], sizeof pool[i], "svc-%s%02d@exa.gov", family[i % 20], i);
		else
			snprintf(pool[i], sizeof pool[i], "%s.%s%d@exa.gov", given[i % 20], family[(i * 7) % 20], i);
	}
}

/* 2024-03-01T00:00:00Z and friends, as seconds since the epoch. */
static int64_t day0(int y, unsigned mo, unsigned d)
{
	return rg_days_from_civil(y, mo, d) * 86400;
}

/* ---- the members --------------------------------------------------------- */

static const char *const kinds[] = {"password", "api_key", "client_secret", "certificate",
                                    "token", "connection_string", "other"};
static const char *const first_action[] = {"reset", "rotated", "rotated", "revoked",
                                           "revoked", "rotated", "reset"};

struct counts {
	uint64_t secrets, accounts_used;
	bool used[POOL];
};

/*
 * findings.csv, secrets.csv and remediations.csv in one pass: each secret
 * and its remediations are written as soon as their finding is, so nothing
 * is held back.
 */
static void write_findings(struct member *fnd, struct member *sec, struct member *rem,
                           uint64_t n, struct counts *c)
{
	puts_(fnd, "email_id,sent_at,sender,recipients,subject_sha256,reviewed_at,reviewer,"
	           "contains_secret,impact,notes\n");
	puts_(sec, "secret_id,email_id,kind,account,application,application_in_use,identified_at\n");
	puts_(rem, "secret_id,action,performed_at,performed_by,system,ticket\n");
	const int64_t march = day0(2024, 3, 1), april3 = day0(2024, 4, 3) + 13 * 3600;
	const int64_t deadline = day0(2024, 5, 1) + 3 * 3600 + 59 * 60 + 59; /* 04-30 23:59:59 EDT */
	for (uint64_t i = 0; i < n; i++) {
		char id[64], digest[65], notes[160];
		unsigned char raw[32];
		snprintf(id, sizeof id, "AAMkAD%06" PRIu64 "-%012" PRIx64, i + 1, next_u64() >> 16);
		for (int k = 0; k < 32; k++)
			raw[k] = (unsigned char)next_u64();
		rg_hex(digest, raw, 32);
		int64_t sent = march + (int64_t)below(31 * 86400);
		bool secret = chance(50);
		/* Reviews run from April 3; about 2% finish after the deadline and
		 * 1% are not finished (never for an email that held a secret: the
		 * secret was found by reviewing it). */
		int64_t reviewed = april3 + (int64_t)below(26 * 86400);
		unsigned r = (unsigned)below(1000);
		bool empty = !secret && r < 10 && outcome == OUT_MIXED;
		bool late = !secret && r < 30 && !empty && (r >= 10 || outcome == OUT_LATE);
		if (late && outcome != OUT_COMPLIANT)
			reviewed = deadline + 3600 + (int64_t)below(9 * 86400);
		const char *impact = secret ? (chance(300) ? "high" : "moderate")
		                            : (chance(80) ? "low" : "none");
		notes[0] = '\0';
		if (secret)
			snprintf(notes, sizeof notes, "credential in body, \"%s\" thread", apps[below(10)]);
		else if (chance(30))
			snprintf(notes, sizeof notes, "forwarded twice; see ticket INC-%05u", (unsigned)below(99999));

		put_field(fnd, id);
		put(fnd, ",", 1);
		put_time(fnd, sent, chance(500) ? 0 : EDT);
		if (chance(400))
			putf(fnd, ",%s", pool[below(POOL)]);
		else
			putf(fnd, ",%s.%s@microsoft.com", given[below(20)], family[below(20)]);
		unsigned nrcpt = 1 + (unsigned)below(3);
		put(fnd, ",", 1);
		for (unsigned k = 0; k < nrcpt; k++)
			putf(fnd, "%s%s.%s@%s", k ? ";" : "", given[below(20)], family[below(20)],
			     k == 0 ? "exa.gov" : "microsoft.com");
		putf(fnd, ",%s,", digest);
		if (!empty)
			put_time(fnd, reviewed, EDT);
		putf(fnd, ",%s,", empty ? "" : reviewers[below(6)]);
		puts_(fnd, secret ? "yes" : "no");
		putf(fnd, ",%s,", impact);
		put_field(fnd, notes);
		put(fnd, "\n", 1);
		if (!secret)
			continue;

		unsigned nsec = chance(300) ? 2 : 1;
		for (unsigned k = 0; k < nsec; k++) {
			uint64_t sid = ++c->secrets;
			unsigned kind = (unsigned)below(7);
			unsigned acct = (unsigned)below(POOL);
			bool in_use = !chance(100);
			int64_t identified = reviewed + 60 + (int64_t)below(4 * 3600);
			if (!c->used[acct]) {
				c->used[acct] = true;
				c->accounts_used++;
			}
			putf(sec, "S-%06" PRIu64 ",%s,%s,%s,%s,%s,", sid, id, kinds[kind], pool[acct],
			     app_clients[below(6)], in_use ? "yes" : "no");
			put_time(sec, identified, EDT);
			put(sec, "\n", 1);

			/* 90% within the 48-hour window, 7% late, 3% never. */
			unsigned r2 = (unsigned)below(100);
			if (r2 >= 97 && outcome == OUT_MIXED)
				continue;
			bool on_time = r2 < 90 || outcome == OUT_COMPLIANT;
			int64_t done = identified + (on_time ? 600 + (int64_t)below(40 * 3600)
			                                     : 50 * 3600 + (int64_t)below(5 * 86400));
			const char *who = reviewers[below(6)];
			putf(rem, "S-%06" PRIu64 ",%s,", sid, first_action[kind]);
			put_time(rem, done, EDT);
			putf(rem, ",%s,%s,CHG-%06" PRIu64 "\n", who,
			     kind == 3 ? "PKI" : (kind == 0 ? "Entra ID tenant exa.gov" : "Key Vault kv-exa-prod"),
			     sid);
			if (kind == 0 && chance(500)) {
				putf(rem, "S-%06" PRIu64 ",sessions_revoked,", sid);
				put_time(rem, done + 120, EDT);
				putf(rem, ",%s,Entra ID tenant exa.gov,CHG-%06" PRIu64 "\n", who, sid);
			}
			if (!in_use && (!chance(100) || outcome != OUT_MIXED)) {
				putf(rem, "S-%06" PRIu64 ",application_deactivated,", sid);
				put_time(rem, done + 3600 + (int64_t)below(86400), EDT);
				putf(rem, ",%s,%s,", who, "Enterprise applications");
				put(rem, "\n", 1);
			}
		}
	}
}

/* Three reviews per account that had a secret, covering March to mid-May
 * 2024 (every exposure window: emails were sent in March, remediations end
 * by early May). */
static void write_log_reviews(struct member *m, const struct counts *c)
{
	static const char *const sources[] = {"sign_in", "token_issuance", "audit"};
	puts_(m, "account,log_source,window_start,window_end,reviewed_at,reviewer,result,incident_id\n");
	const int64_t start = day0(2024, 3, 1), end = day0(2024, 5, 16) - 1;
	for (int a = 0; a < POOL; a++) {
		if (!c->used[a])
			continue;
		bool suspicious = a % 17 == 3;
		for (int s = 0; s < 3; s++) {
			putf(m, "%s,%s,", pool[a], sources[s]);
			put_time(m, start, 0);
			put(m, ",", 1);
			put_time(m, end, 0);
			put(m, ",", 1);
			put_time(m, day0(2024, 4, 22) + (int64_t)below(7 * 86400), EDT);
			if (suspicious && s == 0)
				putf(m, ",%s,suspicious,IR-2024-%03d\n", reviewers[a % 6], a);
			else
				putf(m, ",%s,no_malicious_activity,\n", reviewers[a % 6]);
		}
	}
}

static void write_timeline(struct member *m)
{
	static const struct {
		int d, h, mi;
		const char *event, *actor, *reference, *notes;
	} ev[] = {
	    {2, 15, 10, "notification_received", "SOC", "MB-2024-0417", "Microsoft notification"},
	    {3, 9, 0, "analysis_started", "Email review team", "INC-2024-0402", ""},
	    {5, 16, 45, "initial_report_submitted", "CISO", "CISA-ED2402-EXA-1", "initial report"},
	    {20, 11, 30, "privileged_access_review_completed", "Identity team", "CHG-PRIV-77", ""},
	    {26, 17, 0, "impact_analysis_completed", "Email review team",
	     "attachments/impact-analysis.txt", "impact analysis, signed by the CISO"},
	    {27, 12, 0, "analysis_completed", "Email review team", "INC-2024-0402", ""},
	    {30, 18, 20, "status_report_submitted", "CISO", "CISA-ED2402-EXA-2", "status report, all secrets"},
	};
	puts_(m, "at,event,actor,reference,notes\n");
	for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++) {
		put_time(m, day0(2024, 4, (unsigned)ev[i].d) + (ev[i].h + 4) * 3600 + ev[i].mi * 60, EDT);
		putf(m, ",%s,%s,%s,", ev[i].event, ev[i].actor, ev[i].reference);
		put_field(m, ev[i].notes);
		put(m, "\n", 1);
	}
}

static void write_impact(struct member *m, uint64_t findings, const struct counts *c)
{
	putf(m,
	     "Example Agency: cybersecurity impact analysis under ED 24-02\n\n"
	     "Scope: %" PRIu64 " exfiltrated emails identified by Microsoft were reviewed by the\n"
	     "email review team between 2024-04-03 and 2024-04-29.  %" PRIu64 " authentication\n"
	     "secrets for %" PRIu64 " accounts were found and handed to the identity team for\n"
	     "immediate remediation.\n\n"
	     "Assessment: no evidence of use of the exposed secrets against agency systems\n"
	     "beyond the events under IR case numbers listed in log-reviews.csv.\n",
	     findings, c->secrets, c->accounts_used);
}

/* Hot loop: formats by hand rather than through rg_time_format and printf,
 * because with 5M rows the generator would otherwise take longer than the
 * benchmark it feeds. */
static char *put_dec(char *p, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static void write_signins(struct member *m, uint64_t rows)
{
	static const char hexd[] = "0123456789abcdef";
	puts_(m, "created_at,user_principal_name,app_display_name,ip_address,status,correlation_id\n");
	const uint64_t span = 30 * 86400; /* April 2024, UTC */
	for (uint64_t i = 0; i < rows; i++) {
		char line[256], *p = line;
		/* Sorted by time, as an export is; jitter within the row's slot. */
		uint64_t s = i * span / rows + below(span / rows + 1);
		if (s >= span)
			s = span - 1;
		unsigned day = 1 + (unsigned)(s / 86400), sec = (unsigned)(s % 86400);
		memcpy(p, "2024-04-", 8);
		p = put_dec(p + 8, day, 2);
		*p++ = 'T';
		p = put_dec(p, sec / 3600, 2);
		*p++ = ':';
		p = put_dec(p, sec / 60 % 60, 2);
		*p++ = ':';
		p = put_dec(p, sec % 60, 2);
		*p++ = 'Z';
		*p++ = ',';
		/* One sign-in in five is by an account whose secret could be in
		 * the evidence; the rest are the agency's other users. */
		uint64_t who;
		if (chance(200)) {
			who = below(POOL);
			const char *u = pool[who];
			size_t k = strlen(u);
			memcpy(p, u, k);
			p += k;
		} else {
			unsigned u = (unsigned)below(OUT_OF_SCOPE);
			who = POOL + u;
			const char *g = given[u % 20], *f = family[u / 20 % 20];
			size_t k = strlen(g);
			memcpy(p, g, k);
			p += k;
			*p++ = '.';
			k = strlen(f);
			memcpy(p, f, k);
			p += k;
			p = put_dec(p, u, 5);
			memcpy(p, "@exa.gov", 8);
			p += 8;
		}
		*p++ = ',';
		const char *app = apps[below(10)];
		size_t k = strlen(app);
		memcpy(p, app, k);
		p += k;
		*p++ = ',';
		/* A person signs in from a few usual addresses (office, home,
		 * VPN); one sign-in in fifty comes from anywhere. */
		uint64_t ip = chance(20) ? next_u64() : mix(who * 4 + below(4));
		static const unsigned nets[] = {20, 40, 52, 104, 137, 198, 203};
		p += snprintf(p, 20, "%u.%u.%u.%u", nets[ip % 7], (unsigned)(ip >> 8 & 255),
		              (unsigned)(ip >> 16 & 255), 1 + (unsigned)(ip >> 24 & 253));
		if (chance(930)) {
			memcpy(p, ",success,", 9);
			p += 9;
		} else {
			memcpy(p, ",failure,", 9);
			p += 9;
		}
		uint64_t g1 = next_u64(), g2 = next_u64();
		for (int d = 0; d < 32; d++) {
			if (d == 8 || d == 12 || d == 16 || d == 20)
				*p++ = '-';
			uint64_t w = d < 16 ? g1 : g2;
			*p++ = hexd[(w >> (4 * (d % 16))) & 15];
		}
		*p++ = '\n';
		put(m, line, (size_t)(p - line));
	}
}

/* ---- manifest and ZIP ----------------------------------------------------- */

enum { M_FINDINGS, M_SECRETS, M_REMEDIATIONS, M_LOGREVIEWS, M_TIMELINE, M_IMPACT, M_SIGNINS, M_COUNT };

static const char *const member_names[M_COUNT] = {
    "findings.csv", "secrets.csv", "remediations.csv", "log-reviews.csv",
    "timeline.csv", "attachments/impact-analysis.txt", "signins.csv"};

/* An attribute value of the manifest, escaped. */
static void put_xml(struct member *m, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': puts_(m, "&amp;"); break;
		case '<': puts_(m, "&lt;"); break;
		case '"': puts_(m, "&quot;"); break;
		default: put(m, s, 1);
		}
	}
}

static void write_manifest(struct member *man, struct member *ms, int count)
{
	puts_(man,
	      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<bundle xmlns=\"urn:reportgen:bundle:1\" format=\"1\" directive=\"ED-24-02\"\n"
	      "        created=\"2024-05-01T17:30:00-04:00\">\n");
	puts_(man, "  <agency id=\"");
	put_xml(man, agency_id);
	puts_(man, "\" name=\"");
	put_xml(man, agency_name);
	puts_(man, "\" component=\"Office of the CIO\"/>\n");
	puts_(man,
	      "  <contact name=\"Pat Doe\" role=\"CISO\" email=\"ciso@exa.gov\"/>\n"
	      "  <notification status=\"notified\" received=\"2024-04-02T15:10:00-04:00\"\n"
	      "                source=\"microsoft\" reference=\"MB-2024-0417\"/>\n"
	      "  <files>\n");
	for (int i = 0; i < count; i++)
		putf(man, "    <file path=\"%s\" sha256=\"%s\"/>\n", ms[i].name, ms[i].hex);
	puts_(man, "  </files>\n</bundle>\n");
}

static int zip_fail(zip_t *z, const char *what)
{
	fprintf(stderr, "rg-genbundle: %s: %s\n", what, zip_strerror(z));
	zip_discard(z);
	return 3;
}

static int write_zip(const char *out, struct member *man, struct member *ms, int count)
{
	int err = 0;
	zip_t *z = zip_open(out, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, err);
		fprintf(stderr, "rg-genbundle: %s: %s\n", out, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return 3;
	}
	/* A fixed timestamp keeps the output a function of the arguments. */
	const time_t mtime = (time_t)(day0(2024, 5, 1) + 21 * 3600 + 30 * 60);
	for (int i = -1; i < count; i++) {
		struct member *m = i < 0 ? man : &ms[i];
		zip_source_t *src = zip_source_file(z, m->path, 0, -1) /* -1: to the end */;
		if (!src)
			return zip_fail(z, m->name);
		zip_int64_t idx = zip_file_add(z, m->name, src, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(src);
			return zip_fail(z, m->name);
		}
		if (zip_file_set_mtime(z, (zip_uint64_t)idx, mtime, 0) < 0)
			return zip_fail(z, m->name);
	}
	if (zip_close(z) < 0)
		return zip_fail(z, out);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: rg-genbundle [--findings N] [--signins M] [--seed S] [--agency-id ID]\n"
	      "                    [--agency-name NAME] [--outcome mixed|late|compliant] -o OUT.zip\n"
	      "Writes a valid ED 24-02 evidence bundle with N findings (default 1000) and\n"
	      "M sign-in rows (default 0: no signins.csv), deterministic from the seed, for\n"
	      "the agency ID (default EXA, \"Example Agency\"); mixed (the default) leaves some\n"
	      "items late and some open, late leaves some late, compliant none.\n",
	      f);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	uint64_t findings = 1000, signins = 0, seed = 1;
	const char *out = NULL;
	static const struct option opts[] = {
	    {"findings", required_argument, NULL, 'f'}, {"signins", required_argument, NULL, 's'},
	    {"seed", required_argument, NULL, 'S'},     {"output", required_argument, NULL, 'o'},
	    {"agency-id", required_argument, NULL, 'A'},
	    {"agency-name", required_argument, NULL, 'N'},
	    {"outcome", required_argument, NULL, 'O'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'f': ok = parse_u64(optarg, &findings); break;
		case 's': ok = parse_u64(optarg, &signins); break;
		case 'S': ok = parse_u64(optarg, &seed); break;
		case 'o': out = optarg; break;
		case 'A': agency_id = optarg; break;
		case 'N': agency_name = optarg; break;
		case 'O':
			if (strcmp(optarg, "mixed") == 0)
				outcome = OUT_MIXED;
			else if (strcmp(optarg, "late") == 0)
				outcome = OUT_LATE;
			else if (strcmp(optarg, "compliant") == 0)
				outcome = OUT_COMPLIANT;
			else
				ok = false;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (!ok) {
			fprintf(stderr, "rg-genbundle: not a count or outcome: %s\n", optarg);
			return 2;
		}
	}
	if (!out || optind != argc) {
		usage(stderr);
		return 2;
	}
	rng_state = seed;
	make_pool();

	/* The temporaries sit next to the output (same file system, and /tmp
	 * may be a small tmpfs while signins.csv runs to gigabytes). */
	char *tmpl = rg_asprintf("%s.parts.XXXXXX", out);
	if (!tmpl || !mkdtemp(tmpl)) {
		fprintf(stderr, "rg-genbundle: cannot make a temporary folder for %s: %s\n", out,
		        strerror(errno));
		return 3;
	}
	static struct member ms[M_COUNT], man;
	int count = signins > 0 ? M_COUNT : M_SIGNINS;
	int rc = 0;
	for (int i = 0; i < count; i++) {
		if (!member_open(&ms[i], tmpl, member_names[i])) {
			fprintf(stderr, "rg-genbundle: %s: %s\n", member_names[i], strerror(errno));
			return 3;
		}
	}
	struct counts cnt = {0};
	write_findings(&ms[M_FINDINGS], &ms[M_SECRETS], &ms[M_REMEDIATIONS], findings, &cnt);
	write_log_reviews(&ms[M_LOGREVIEWS], &cnt);
	write_timeline(&ms[M_TIMELINE]);
	write_impact(&ms[M_IMPACT], findings, &cnt);
	if (signins > 0)
		write_signins(&ms[M_SIGNINS], signins);
	for (int i = 0; i < count; i++) {
		if (!member_close(&ms[i])) {
			fprintf(stderr, "rg-genbundle: writing %s: %s\n", ms[i].path, strerror(errno));
			rc = 3;
		}
	}
	if (rc == 0 && member_open(&man, tmpl, "manifest.xml")) {
		write_manifest(&man, ms, count);
		if (!member_close(&man))
			rc = 3;
	} else {
		rc = 3;
	}
	if (rc == 0)
		rc = write_zip(out, &man, ms, count);
	for (int i = 0; i < count; i++) {
		unlink(ms[i].path);
		free(ms[i].path);
	}
	if (man.path)
		unlink(man.path);
	free(man.path);
	rmdir(tmpl);
	free(tmpl);
	if (rc == 0)
		fprintf(stderr, "rg-genbundle: %s: %" PRIu64 " findings, %" PRIu64 " secrets, %" PRIu64
		                " accounts, %" PRIu64 " sign-in rows\n",
		        out, findings, cnt.secrets, cnt.accounts_used, signins);
	return rc;
}
