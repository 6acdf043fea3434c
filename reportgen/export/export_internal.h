/*
 * export_internal.h: what the files of the export stage share, and nothing
 * else includes (but the stage's own tests).
 *
 * csvout.c writes the CSV files (the action plan, rollup.csv) one cell at a
 * time, every cell quoted and neutralised against spreadsheet formula
 * injection, so no two writers can disagree on the rules.
 */
#ifndef RG_EXPORT_INTERNAL_H
#define RG_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

/* A CSV being written: RFC 4180 (CRLF line ends, every field in double
 * quotes, a quote doubled), UTF-8 as it comes, no byte order mark. */
struct rg_csv {
	FILE *f;
	bool fail;      /* a write failed; everything after is skipped */
	bool row_begun; /* a cell was written on this row */
};

/* One cell.  A cell that a spreadsheet would take as a formula (first
 * character =, +, -, @, tab or carriage return, or their full-width forms
 * U+FF1D, U+FF0B, U+FF0D, U+FF20) gets a leading apostrophe, as OWASP's
 * CSV injection advice says; control characters (tab, CR, LF and the other
 * C0 controls) become spaces, so every row is one line.  NULL is an empty
 * cell. */
void rg_csv_cell(struct rg_csv *w, const char *s);
/* A cell of the form printf makes. */
void rg_csv_cellf(struct rg_csv *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the row (CRLF). */
void rg_csv_end_row(struct rg_csv *w);
/* A whole row of n cells. */
void rg_csv_row(struct rg_csv *w, const char *const *cells, size_t n);

/* Would a spreadsheet read s as a formula (OWASP's list above)?  Exposed
 * for the unit test. */
bool rg_csv_is_formula(const char *s);

#endif
