/*
 * pdf_words.h: times, durations, names and identifiers as the PDFs print
 * them (internal to views/).
 *
 * One way for each, shared by report.pdf and summary.pdf, so that the two
 * documents never disagree on how a deadline or a delay reads:
 *   - every instant in one zone, the directive's (the offset its deadlines
 *     are written with), "2024-04-30 23:59:59", the zone said once per
 *     document (report.xml keeps every time as the evidence wrote it);
 *   - durations in words, "2 days 7 h 55 min";
 *   - long identifiers shortened in the middle where only a glimpse is
 *     wanted (the summary), never cut where the whole is the point.
 * Pure functions of their arguments: no pango, no cairo.
 */
#ifndef RG_PDF_WORDS_H
#define RG_PDF_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "results/results.h"

/* The agency was not notified and no required action applies: the
 * overall result is "compliant" only because nothing was asked, and the
 * PDFs say so instead. */
bool rg_pdf_none_applies(const struct rg_results *r);

/* Minutes east of UTC of the directive's zone: the offset of the first
 * action deadline, else of the notification, else 0 (UTC). */
int rg_pdf_zone(const struct rg_results *r);

/* "UTC-04:00", or "UTC" for offset 0.  buf of at least 16 bytes. */
char *rg_pdf_zone_name(char *buf, size_t n, int offset);

/* "2024-04-30 23:59:59" (".250" when there are milliseconds) in the zone
 * offset; the date and the time joined by a no-break space, so a narrow
 * column never puts the time on a line of its own.  buf of RG_PDF_WHEN_BUFSZ. */
#define RG_PDF_WHEN_BUFSZ 48
char *rg_pdf_when(char *buf, size_t n, int64_t ms, int offset);

/* "Tuesday 30 April 2024, 23:59" in the zone offset (seconds dropped:
 * a deadline of 23:59:59 reads as the minute it is).  buf of 64 bytes. */
char *rg_pdf_when_words(char *buf, size_t n, int64_t ms, int offset);

/* "2 days 7 h 55 min", "1 day", "3 h", "45 s" (seconds only under a
 * minute; zero parts left out; a no-break space between each number and
 * its unit, so a line breaks only between parts).  buf of RG_PDF_DURATION_BUFSZ. */
#define RG_PDF_DURATION_BUFSZ 48
char *rg_pdf_duration_words(char *buf, size_t n, int64_t ms);

/* s itself when it has at most max characters, else its first and last
 * characters around an ellipsis ("AAMkAGRp0D…65pc8nR7g1FRN8t-VibAAA=" style),
 * max characters in all.  Malloc'd (caller frees); NULL when out of memory. */
char *rg_pdf_short_id(const char *s, size_t max);

/* The value of attribute attr ("CN", "O") in an RFC 2253 name, escapes
 * undone; malloc'd, NULL when absent or out of memory. */
char *rg_pdf_dn_attr(const char *dn, const char *attr);

/* s with every RFC 3339 instant written as rg_pdf_when in the zone offset
 * and every ISO 8601 duration as rg_pdf_duration_words.  When strip is
 * given and s starts with it followed by ": " or by a space and a word,
 * that prefix goes (a reason that repeats the subject printed beside it).  Malloc'd; NULL when out
 * of memory. */
char *rg_pdf_reword(const char *s, int offset, const char *strip);

#endif
