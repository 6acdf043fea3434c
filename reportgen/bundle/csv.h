/*
 * csv.h: a streaming RFC 4180 parser.
 *
 * Bytes are pushed in (rg_csv_feed) as they are inflated from the ZIP, in
 * chunks of any size; each complete record is handed to a callback with its
 * fields and the 1-based physical line on which it starts (a quoted field
 * holding newlines makes a record span lines; the next record's line counts
 * them).  CRLF and LF both end records; a UTF-8 BOM at the start is skipped;
 * blank lines are skipped.
 *
 * The first record is the header; its names are kept so that diagnostics
 * about later records can name the column.  Each record must have as many
 * fields as the header.  Malformed records (a stray quote, text after a
 * closing quote, invalid UTF-8, wrong field count) are diagnosed and not
 * passed on; parsing goes on with the next record.  A record or field longer
 * than its limit stops the file (memory stays bounded: nothing grows past
 * the limits).
 *
 * Hand-written: libcsv is not in Debian 12's main archive as a -dev
 * package we could rely on, and we need push parsing, physical line
 * numbers and per-column limits in the diagnostics.
 */
#ifndef RG_CSV_H
#define RG_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/limits.h"
#include "core/diag.h"

struct rg_csv_field {
	const char *s; /* NUL-terminated; valid during the callback only */
	size_t n;
};

/* Called for the header (line 1 normally) and each record after it.
 * Return false to stop parsing the file. */
typedef bool (*rg_csv_record_fn)(void *ctx, uint32_t line, const struct rg_csv_field *f,
                                 size_t n);

struct rg_csv;

/* file: the member name used in diagnostics (not copied: must outlive). */
struct rg_csv *rg_csv_new(const char *file, const struct rg_limits *limits,
                          struct rg_diags *diags, rg_csv_record_fn fn, void *ctx);
/* Returns false once parsing has stopped (limit, callback, out of memory). */
bool rg_csv_feed(struct rg_csv *c, const char *p, size_t n);
/* Ends the input: flushes the last record, reports an unterminated quote. */
void rg_csv_end(struct rg_csv *c);
/* Header column name by index, or NULL. */
const char *rg_csv_column(const struct rg_csv *c, size_t index);
/* True when the parser stopped early (stop reason already diagnosed). */
bool rg_csv_stopped(const struct rg_csv *c);
void rg_csv_free(struct rg_csv *c);

#endif
