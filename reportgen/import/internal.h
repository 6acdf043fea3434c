/*
 * internal.h: what the import stage's files share (not a public header).
 *
 * import.c drives: it reads files, detects their format, splits JSON into
 * documents (json-c) and CSV into records (bundle/csv.c), and hands each
 * record to the mapping of its kind: signins.c (sign-in records) or
 * audit.c (directory audits, unified audit log).  A mapping fills a row of
 * output fields and calls rg_imp_emit, which removes duplicates by request
 * id, checks what the bundle reader will check (lengths, UTF-8, NUL) and
 * writes the CSV line.  jsonget.c reads fields out of json-c objects;
 * imptime.c turns the exports' time forms into RFC 3339.
 */
#ifndef RG_IMPORT_INTERNAL_H
#define RG_IMPORT_INTERNAL_H

#include <json-c/json.h>

#include "bundle/csv.h"
#include "core/str.h"
#include "core/timefmt.h"
#include "import/import.h"

#define RG_IMP_MAX_COLS 8

/* One output row, before the source column: field i of the kind's columns
 * (signins: created_at .. request_id; audit: at .. request_id).  Each field
 * points at memory valid until rg_imp_emit returns. */
struct rg_imp_row {
	const char *v[RG_IMP_MAX_COLS];
	size_t n[RG_IMP_MAX_COLS];
};

/* The CSV header of an export, by normalised name (see imp_norm). */
struct rg_imp_header {
	char **names;   /* normalised: lowercase, trimmed, single spaces, no "[utc]" */
	bool *utc;      /* the original name carried "[UTC]" or "(UTC)" */
	size_t n;
};

struct rg_importer {
	struct rg_import_options opt;
	struct rg_diags *diags;
	FILE *out;
	struct rg_import_stats st;
	size_t errors_before; /* diagnostics count when the file began */
	bool env_failed;     /* out of memory or the output failed: RG_EENV */

	/* request-id digests seen (open addressing, 16 bytes each, 0 = empty) */
	unsigned char (*seen)[16];
	size_t seen_cap, seen_n;

	struct rg_buf line;  /* the output line being built */
	char srcbuf[64];     /* scratch */

	/* the file being read */
	const char *file;
	enum rg_import_format fmt;
	int mode;            /* see import.c */
	unsigned char bom[3];
	size_t bom_seen;
	uint32_t lineno;     /* line of the next byte (JSON) */
	bool file_errors;    /* this file already diagnosed */
	uint64_t file_records;
	bool last_next_link; /* the last page read had @odata.nextLink */
	bool skip_line;      /* JSON: drop bytes to the next newline (resync) */
	bool type_line;      /* CSV: inside a PowerShell "#TYPE" first line */

	/* JSON documents */
	json_tokener *tok;
	struct rg_buf doc;   /* bytes of the document being parsed */
	bool in_doc;
	uint32_t doc_line;
	uint32_t *elem_lines;
	size_t elem_cap;

	/* CSV */
	struct rg_csv *csv;
	struct rg_imp_header hdr;
	int col[32];         /* the format's named columns -> CSV index, -1 absent */
	bool purview;        /* UAL CSV from the Purview export: CreationDate is US form, UTC */
	json_tokener *cell_tok;
};

/* Writes one row (after removing duplicates by its request_id field, which
 * may be empty).  line: where the record starts in imp->file. */
void rg_imp_emit(struct rg_importer *imp, uint32_t line, const struct rg_imp_row *row);
/* An error about the record at line (field may be NULL). */
void rg_imp_err(struct rg_importer *imp, uint32_t line, const char *field, const char *hint,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void rg_imp_warn(struct rg_importer *imp, uint32_t line, const char *field, const char *hint,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Mappings (signins.c, audit.c).  The JSON record is one object; the CSV
 * record has the header's fields. */
void rg_imp_signin_json(struct rg_importer *imp, json_object *rec, uint32_t line);
void rg_imp_audit_json(struct rg_importer *imp, json_object *rec, uint32_t line);
/* Called with the header: picks the columns, returns false (diagnosed)
 * when the header is not one of the kind's formats. */
bool rg_imp_signin_header(struct rg_importer *imp);
bool rg_imp_audit_header(struct rg_importer *imp);
void rg_imp_signin_csv(struct rg_importer *imp, uint32_t line, const struct rg_csv_field *f, size_t n);
void rg_imp_audit_csv(struct rg_importer *imp, uint32_t line, const struct rg_csv_field *f, size_t n);

/* The header column whose normalised name is `name`, or -1. */
int rg_imp_hdr_find(const struct rg_imp_header *h, const char *name);

/* jsonget.c: members of an object.  Strings only when they are strings
 * (NULL otherwise, with *n = 0); rg_imp_jpath follows "a.b.c". */
json_object *rg_imp_jget(json_object *o, const char *key);
json_object *rg_imp_jpath(json_object *o, const char *path);
const char *rg_imp_jstr(json_object *o, const char *path, size_t *n);
/* An error code given as a number or a numeric string: true when present. */
bool rg_imp_jcode(json_object *o, const char *path, long long *code);

/* imptime.c.  Turns s into RFC 3339 in out (RG_TIME_BUFSZ).  Leading and
 * trailing spaces are dropped.  utc: the format proves the time is UTC, so
 * a time without a zone gets Z; us_form: the US locale form "9/20/2023
 * 4:05:03 AM" (and "9/19/2023, 1:45:17.287 PM") is accepted as UTC too
 * (only where utc holds).  NULL with *why set when refused. */
const char *rg_imp_time(char out[RG_TIME_BUFSZ], const char *s, size_t n, bool utc, bool us_form,
                        const char **why);

/* rg_imp_time for the time of a record, diagnosing an absent or refused
 * time as an error about `field` at line ("every <what> needs ..."). */
const char *rg_imp_record_time(struct rg_importer *imp, uint32_t line, const char *field,
                               const char *what, char out[RG_TIME_BUFSZ], const char *s,
                               size_t n, bool utc, bool us_form);

/* An IP address as the bundle wants it: a port (203.0.113.7:443,
 * [2001:db8::7]:443) is dropped; NULL when s is not an address.  out holds
 * at least 64 bytes. */
const char *rg_imp_ip(char *out, size_t size, const char *s, size_t n);

#endif
