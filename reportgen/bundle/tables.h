/*
 * tables.h: typed rows of the bundle's CSV files (docs/bundle-format.md).
 *
 * Each CSV file has a table spec (profile.h): its columns, their types,
 * whether each is required.  A table reader sits behind the CSV parser: it
 * matches the header by name (order free, unknown columns a warning,
 * missing required ones an error), converts every field (timestamps with
 * offsets, booleans, enumerations, identifiers) into the row's values and
 * appends valid rows to a growable array.  Every problem is a diagnostic
 * naming file, line and column.  Identifier uniqueness is checked here;
 * references between files are resolved later by bundle.c, once every file
 * is read.
 */
#ifndef RG_TABLES_H
#define RG_TABLES_H

#include "bundle/bundle.h"
#include "bundle/csv.h"
#include "bundle/evidence.h"
#include "bundle/profile.h"
#include "core/arena.h"
#include "core/strmap.h"

#define RG_TABLE_MAX_COLS 64

/* A streamed table's rows go to this observer (valid during the call). */
typedef void (*rg_row_fn)(void *ctx, uint32_t line, const struct rg_value *v);

struct rg_table {
	const struct rg_table_spec *spec;
	const char *file;
	struct rg_arena *arena;
	struct rg_diags *diags;
	const struct rg_limits *limits;

	struct rg_row *rows; /* from rg_arena_grow (the heap, or the arena's scratch
	                        files when it spills); each row's values are in the arena */
	size_t n, cap;
	struct rg_strmap ids; /* id -> row index + 1 (for uniqueness and lookups) */
	struct rg_strmap looks; /* confusable skeleton of an id -> its first row index + 1,
	                           while the file is read (rg_table_end_file frees it) */
	struct rg_arena look_keys; /* the skeletons looks holds */
	struct rg_strmap refused; /* ids of rows refused for another field: a reference
	                             to one is not reported again as dangling */
	struct rg_strmap refused_keys; /* references and accounts of refused rows: what
	                                  they match is not reported as unmatched */

	int map[RG_TABLE_MAX_COLS]; /* CSV column index -> spec column, -1 unknown */
	size_t ncols;
	bool header_ok;
	uint64_t nrows_seen;

	/* Streamed tables only: rows go to this observer, not stored. */
	rg_row_fn row_fn;
	void *row_ctx;
	struct rg_value scratch[RG_TABLE_MAX_COLS];
};

void rg_table_init(struct rg_table *t, const struct rg_table_spec *spec, struct rg_arena *arena,
                   const struct rg_limits *limits, struct rg_diags *diags);
/* Frees everything the table holds outside the arena: its rows array and
 * maps.  Safe to call more than once.  Rows stolen before stay valid (the
 * arena owns them); a row from rg_table_row or rg_table_find does not. */
void rg_table_free(struct rg_table *t);
/* The file is read: frees what only reading it needs (the look-alike map
 * and its keys), which would otherwise add up over every table. */
void rg_table_end_file(struct rg_table *t);

/* The CSV callback for this table (ctx is the struct rg_table). */
bool rg_table_record(void *ctx, uint32_t line, const struct rg_csv_field *f, size_t n);

/* Row i, or the row whose id is key (NULL when absent); the index + 1 of
 * that row, or 0. */
struct rg_row *rg_table_row(const struct rg_table *t, size_t i);
struct rg_row *rg_table_find(const struct rg_table *t, const char *id);
size_t rg_table_index(const struct rg_table *t, const char *id);

/* Hands the rows to the arena (so the evidence outlives the table), which
 * leaves the table with none; NULL when there are none or out of memory.
 * Its identifiers still map to the rows' indexes (rg_table_index). */
struct rg_row *rg_table_steal(struct rg_table *t, size_t *n);

#endif
