/*
 * tables.h: typed rows of the bundle's CSV files (docs/bundle-format.md).
 *
 * Each CSV file has a column table (name, required, type, where the value
 * goes in the row struct).  A table reader sits behind the CSV parser: it
 * matches the header by name (order free, unknown columns a warning,
 * missing required ones an error), converts every field (timestamps with
 * offsets, booleans, enumerations, identifiers) and appends valid rows to a
 * growable array.  Every problem is a diagnostic naming file, line and
 * column.  Identifier uniqueness is checked here; references between files
 * are resolved later by bundle.c, once every file is read.
 */
#ifndef RG_TABLES_H
#define RG_TABLES_H

#include "bundle/bundle.h"
#include "bundle/csv.h"
#include "bundle/evidence.h"
#include "core/arena.h"
#include "core/strmap.h"

/* Raw references kept until the referenced file is read. */
struct rg_secret_row {
	struct rg_secret s;
	const char *email_id;
};
struct rg_remediation_row {
	struct rg_remediation r;
	const char *secret_id;
};

enum rg_table_kind {
	RG_TABLE_FINDINGS, RG_TABLE_SECRETS, RG_TABLE_REMEDIATIONS, RG_TABLE_LOG_REVIEWS,
	RG_TABLE_TIMELINE, RG_TABLE_SIGNINS, RG_TABLE_AUDIT_EVENTS, RG_TABLE_COUNT
};

struct rg_table {
	enum rg_table_kind kind;
	const char *file;
	struct rg_arena *arena;
	struct rg_diags *diags;
	const struct rg_limits *limits;

	void *rows;        /* malloc'd array of the kind's row struct */
	size_t n, cap;
	size_t row_size;
	struct rg_strmap ids; /* id -> row index + 1 (for uniqueness and lookups) */
	struct rg_strmap looks; /* confusable skeleton of an id -> its first row index + 1 */
	struct rg_strmap refused; /* ids of rows refused for another field: a reference
	                             to one is not reported again as dangling */
	struct rg_strmap refused_keys; /* references and accounts of refused rows: what
	                                  they match is not reported as unmatched */

	int map[64];       /* CSV column index -> spec column, -1 unknown */
	size_t ncols;
	bool header_ok;
	uint64_t nrows_seen;

	/* signins.csv only: rows are streamed to this observer, not stored. */
	rg_signin_fn signin_fn;
	void *signin_ctx;
};

/* The member name of a table kind ("findings.csv"). */
const char *rg_table_file(enum rg_table_kind k);
/* The name of column i of a table kind, in the spec's order, or NULL past
 * the last; *required (when not NULL) says whether it must be present. */
const char *rg_table_column(enum rg_table_kind k, size_t i, bool *required);
/* The table kind of a member name, or RG_TABLE_COUNT. */
enum rg_table_kind rg_table_kind_of(const char *name);

void rg_table_init(struct rg_table *t, enum rg_table_kind kind, struct rg_arena *arena,
                   const struct rg_limits *limits, struct rg_diags *diags);
void rg_table_free(struct rg_table *t);

/* The CSV callback for this table (ctx is the struct rg_table). */
bool rg_table_record(void *ctx, uint32_t line, const struct rg_csv_field *f, size_t n);

/* Row i, or the row whose id is key (NULL when absent). */
void *rg_table_row(const struct rg_table *t, size_t i);
void *rg_table_find(const struct rg_table *t, const char *id);

/* Copies the rows into the arena (so the evidence outlives the table). */
void *rg_table_steal(struct rg_table *t, size_t *n);

#endif
