/*
 * diag.h: diagnostics, the list of everything wrong with the input.
 *
 * One rg_diags list per run; every stage appends to it and nothing stops at
 * the first problem.  Each diagnostic names where (bundle member, 1-based
 * line, and a column: the CSV column name, or for XML an element/attribute),
 * a stable code, one sentence saying what is wrong, and the fix.  Printed as
 *
 *     findings.csv:14: sent_at: timestamp "2024-04-29 16:05" has no UTC
 *     offset (write it as 2024-04-29T16:05:00-04:00 or with Z)
 *
 * Ownership: the list owns copies of every string handed to it; the caller
 * may free its own buffers right after rg_diag_add returns.  The list is
 * capped (RG_DIAGS_MAX): past the cap it counts but no longer stores, so a
 * hostile bundle with a million bad rows cannot exhaust memory.
 */
#ifndef RG_DIAG_H
#define RG_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define RG_DIAGS_MAX 1000

typedef enum rg_severity { RG_SEV_ERROR, RG_SEV_WARNING } rg_severity;

struct rg_diag {
	rg_severity sev;
	char *file;          /* bundle member or path; never NULL */
	unsigned long line;  /* 1-based; 0 when the problem is about the whole file */
	char *column;        /* CSV column name, XML node, or NULL */
	char *code;          /* stable identifier, e.g. "csv.timestamp-offset" */
	char *message;       /* what is wrong */
	char *hint;          /* how to fix it, or NULL */
};

struct rg_diags {
	struct rg_diag *v;
	size_t n, cap;
	size_t errors, warnings; /* counted even past RG_DIAGS_MAX */
	size_t dropped;
};

void rg_diags_init(struct rg_diags *d);
void rg_diags_free(struct rg_diags *d);

/* Appends one diagnostic.  file may not be NULL; line 0 and column NULL mean
 * "the whole file".  hint may be NULL. */
void rg_diag_add(struct rg_diags *d, rg_severity sev, const char *code,
                 const char *file, unsigned long line, const char *column,
                 const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Shorthand for an error. */
#define rg_diag_err(d, code, file, line, column, hint, ...) \
	rg_diag_add((d), RG_SEV_ERROR, (code), (file), (line), (column), (hint), __VA_ARGS__)
#define rg_diag_warn(d, code, file, line, column, hint, ...) \
	rg_diag_add((d), RG_SEV_WARNING, (code), (file), (line), (column), (hint), __VA_ARGS__)

static inline bool rg_diags_has_errors(const struct rg_diags *d)
{
	return d->errors > 0;
}

/* Appends every diagnostic of `from` to `to`, counts included, and empties
 * `from` (it stays initialised).  For a stage that holds kinds of problems
 * apart and reports only some. */
void rg_diags_move(struct rg_diags *to, struct rg_diags *from);

/* Sorts by file then line (stable), so the list reads in bundle order. */
void rg_diags_sort(struct rg_diags *d);

/* Prints every diagnostic, one per line, "file:line: column: message (hint)",
 * prefixed by "error: " or "warning: " and followed by a count line.
 * Control, bidi and invisible characters are printed as <U+XXXX>
 * (rg_text_visible), line ends and tabs included: one diagnostic, one line. */
void rg_diags_print(FILE *out, const struct rg_diags *d);

/* Formats one diagnostic as above into a malloc'd string (caller frees),
 * with the text as stored (not escaped). */
char *rg_diag_format(const struct rg_diag *g);

#endif
