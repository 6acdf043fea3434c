/*
 * profile.h: the evidence tables a directive declares, as the bundle reader
 * reads them.
 *
 * A directive file (docs/directive.md, <evidence>) names its CSV tables,
 * their columns and the columns' types; the directive loader
 * (directive/directive.h) turns that into a struct rg_profile, and the
 * bundle reader (bundle.h) is driven by it: which root-level CSV members a
 * bundle may hold, which columns each must have, how each field is
 * converted, which references between tables must resolve.  Nothing in the
 * reader knows a directive's tables by name.
 *
 * Two tables belong to the bundle format itself, whatever the directive:
 * signins.csv and audit-events.csv, which `reportgen import` writes from
 * Microsoft's exports (docs/importers.md).  Their specs are built in
 * (rg_builtin_signins, rg_builtin_audit_events in tables.c).
 *
 * Ownership: a profile and everything it points to belongs to whoever built
 * it (the directive's arena); the reader only reads it, and the evidence
 * keeps pointers to it, so it must outlive the evidence.
 */
#ifndef RG_PROFILE_H
#define RG_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most values an enum column may list: its index is kept in 16 bits
 * (evidence.h, struct rg_value), and no vocabulary comes near it. */
#define RG_COL_MAX_VALUES 1000

enum rg_coltype {
	RG_COL_ID,      /* non-empty, <= 256 bytes, identifier characters, unique in the file */
	RG_COL_REF,     /* an identifier that must be the id of a row of ref_table */
	RG_COL_ACCOUNT, /* text held to the identifier character rules, any length,
	                   compared across files case-insensitively by the judge */
	RG_COL_TEXT,    /* free text */
	RG_COL_TIME,    /* RFC 3339 with an offset */
	RG_COL_BOOL,    /* yes / no; an optional one is "not given" when empty */
	RG_COL_ENUM,    /* one of values */
	RG_COL_DATE,    /* YYYY-MM-DD, judged as the end of that day (23:59:59) at the
	                   column's day_offset */
	RG_COL_IP,      /* an IPv4 or IPv6 address (built-in tables only) */
	RG_COL_TYPE_COUNT
};

/* The type names the directive file uses, indexed by enum rg_coltype. */
extern const char *const rg_coltype_names[];

struct rg_column_spec {
	const char *name;
	bool required;            /* the column must be in the header and every field filled */
	enum rg_coltype type;
	const char *const *values; /* RG_COL_ENUM: NULL-terminated; RG_COL_BOOL: {"no","yes",NULL} */
	size_t n_values;          /* at most RG_COL_MAX_VALUES (struct rg_value's i) */

	/* RG_COL_REF: the referenced table (its file name); the reference
	 * resolves to that table's id column.  When ref_requires is not NULL,
	 * the referenced row's boolean column of that name must be yes. */
	const char *ref_table;
	const char *ref_requires;

	/* RG_COL_BOOL: when yes, some row of yes_needs_table must reference
	 * this row (through a RG_COL_REF column); yes_means says it in words
	 * for the message ("contains a secret"). */
	const char *yes_needs_table;
	const char *yes_means;

	/* RG_COL_ACCOUNT: a value should be one of the same-typed column
	 * matches_column of table matches_table (a warning when not: the row
	 * is not used). */
	const char *matches_table, *matches_column;

	/* RG_COL_TEXT: a value starting with "attachments/" must name a member
	 * of the bundle. */
	bool attachment;

	/* RG_COL_DATE: the offset of the day's end, "Z" or "-05:00". */
	const char *day_offset;

	/* RG_COL_TIME: the value may not be before this other time column of
	 * the same row (an interval's end); its index, or -1. */
	int not_before;

	/* RG_COL_TEXT, RG_COL_ACCOUNT: no rule, reason template or check of
	 * the reader names the column, so its fields are checked as they are
	 * read and not stored: the table's slot gives it none.  Set by the
	 * directive loader (directive.c); the built-in tables keep every
	 * column.  At 50,000 findings the columns nothing reads (a finding's
	 * sender, recipients, subject digest, reviewer and notes) were 15 MB
	 * of render's peak, their texts and their values. */
	bool unread;
};

struct rg_table_spec {
	const char *file;          /* the member name, "x.csv" */
	const char *noun;          /* what one row is, for messages ("email") */
	const char *contents;      /* what the file holds, for messages and init */
	bool required;             /* every bundle must hold it */
	bool streamed;             /* rows are handed to an observer, never stored (signins.csv) */
	bool builtin;              /* one of the bundle format's own tables */
	struct rg_column_spec *cols;
	size_t n_cols;
	int id_col;                /* the RG_COL_ID column, or -1 */
	/* Where a stored row keeps each column's value (rg_row_value,
	 * evidence.h): slot[c] is its index among the row's n_stored values,
	 * -1 for an unread column.  Set by the directive loader; NULL for the
	 * built-in tables, which store every column in order. */
	int16_t *slot;
	size_t n_stored;
};

struct rg_profile {
	struct rg_table_spec *tables; /* the directive's, in the file's order */
	size_t n_tables;
};

/* The index of a column by name, or -1. */
int rg_table_spec_column(const struct rg_table_spec *t, const char *name);
/* The table of a profile with this file name, or NULL. */
const struct rg_table_spec *rg_profile_table(const struct rg_profile *p, const char *file);

/* The bundle format's own tables (tables.c). */
extern const struct rg_table_spec rg_builtin_signins;
extern const struct rg_table_spec rg_builtin_audit_events;

#endif
