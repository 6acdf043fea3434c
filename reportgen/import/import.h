/*
 * import.h: the importers, Microsoft's exports -> the bundle's CSV files.
 *
 * A stage before the bundle reader: it turns what an agency actually holds
 * (Entra ID sign-in exports, Entra directory audits, the unified audit log;
 * docs/importers.md) into signins.csv or audit-events.csv as
 * docs/bundle-format.md and docs/importers.md define them, each row carrying the
 * `source` FILE:LINE of the record it came from.
 *
 * In: files (or buffers), each detected by content unless a format is
 * forced.  Out: CSV rows written to a stdio stream as they are read, so a
 * file of millions of records is never held; only a set of 16-byte digests
 * of the request ids seen (for removing duplicates) grows with the input.
 * Every problem is a diagnostic naming FILE, line and the field; an error
 * means the output is unusable and the caller must discard it (the CLI
 * writes through core/fsout.h, so nothing is written).
 *
 * Ownership: the importer owns its buffers and the json-c tokener; labels
 * (file names) handed to it must outlive it, since diagnostics and rows
 * cite them.
 */
#ifndef RG_IMPORT_H
#define RG_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bundle/limits.h"
#include "core/diag.h"
#include "core/status.h"

enum rg_import_kind { RG_IMPORT_SIGNINS, RG_IMPORT_AUDIT };

enum rg_import_format {
	RG_IMPORT_AUTO,      /* detect per file by content */
	RG_IMPORT_JSON,      /* Graph pages, JSON Lines, diagnostic-settings records, UAL AuditData lines */
	RG_IMPORT_LA_CSV,    /* Log Analytics "Export to CSV" (signins) */
	RG_IMPORT_ENTRA_CSV, /* Entra admin center sign-in download (signins) */
	RG_IMPORT_UAL_CSV,   /* unified audit log CSV with an AuditData column (audit) */
	RG_IMPORT_FORMAT_COUNT
};

/* "json", "log-analytics-csv", "entra-csv", "ual-csv" ("auto" for AUTO). */
const char *rg_import_format_name(enum rg_import_format f);
/* The format named s that applies to kind, or RG_IMPORT_FORMAT_COUNT. */
enum rg_import_format rg_import_format_parse(const char *s, enum rg_import_kind kind);
/* The output's member name: signins.csv or audit-events.csv. */
const char *rg_import_output_name(enum rg_import_kind kind);

struct rg_import_options {
	enum rg_import_kind kind;
	enum rg_import_format format;
	struct rg_limits limits;  /* CSV line and field lengths, for reading and for the rows written */
	uint64_t max_json_size;   /* one JSON document (a Graph page, a line of JSON Lines) */
};
#define RG_IMPORT_MAX_JSON_DEFAULT (64u << 20)

/* Defaults: auto format, the bundle's default limits, 64 MiB documents. */
void rg_import_options_default(struct rg_import_options *o, enum rg_import_kind kind);

struct rg_import_stats {
	uint64_t records;     /* rows written */
	uint64_t duplicates;  /* records dropped: a request id already written */
	uint64_t strings;     /* bare JSON strings skipped (failed pages of the Goose tool) */
	uint64_t other;       /* audit: records of operations that prove no remediation */
	uint64_t files;
	uint64_t by_format[RG_IMPORT_FORMAT_COUNT]; /* files read in each format */
};

struct rg_importer;

/* out may be NULL (rows are then only counted: tests, fuzzing).  The
 * header row is written at once.  RG_EENV when out of memory. */
rg_status rg_importer_new(struct rg_importer **out_imp, const struct rg_import_options *opt,
                          FILE *out, struct rg_diags *diags);
/* Reads one file; RG_EENV when it cannot be read, RG_EINPUT when it held
 * errors (diagnosed), else RG_OK.  Goes on after errors so all are listed. */
rg_status rg_import_file(struct rg_importer *imp, const char *path);
/* The same for bytes in memory, cited as `label`. */
rg_status rg_import_buffer(struct rg_importer *imp, const char *label, const char *p, size_t n);
/* The same in pieces of any size (as a pipe delivers them): begin, feed
 * any number of times, end (which returns what rg_import_buffer would). */
void rg_import_begin(struct rg_importer *imp, const char *label);
void rg_import_feed(struct rg_importer *imp, const char *p, size_t n);
rg_status rg_import_end(struct rg_importer *imp);
void rg_importer_stats(const struct rg_importer *imp, struct rg_import_stats *st);
/* NULL is fine. */
void rg_importer_free(struct rg_importer *imp);

#endif
