/*
 * limits.h: the limits a bundle must stay within (docs/bundle-format.md,
 * "Limits and hostile input"; docs/security.md).
 *
 * Each limit has a documented default and a command-line option that raises
 * it; the diagnostic for an exceeded limit names both.  rg_limit_info lists
 * them so the CLI, the docs and the tests use one table.
 */
#ifndef RG_LIMITS_H
#define RG_LIMITS_H

#include <stddef.h>
#include <stdint.h>

struct rg_limits {
	uint64_t total_size;   /* sum of uncompressed entry sizes */
	uint64_t entry_size;   /* one entry, uncompressed (signins.csv excepted) */
	uint64_t signins_size; /* signins.csv, uncompressed */
	uint64_t ratio;        /* uncompressed / compressed, per entry */
	uint64_t entries;      /* number of ZIP entries */
	uint64_t line_length;  /* one CSV record, bytes */
	uint64_t field_length; /* one CSV field, bytes */
	uint64_t rows;         /* rows of one CSV file (signins.csv excepted) */
	uint64_t signin_rows;  /* rows of signins.csv */
	uint64_t xml_size;     /* manifest.xml / directive file, bytes */
	uint64_t xml_depth;    /* element nesting */
};

struct rg_limit_info {
	const char *option;      /* "--max-total-size" */
	const char *description; /* "total uncompressed size of the bundle" */
	size_t offset;           /* offsetof(struct rg_limits, field) */
	uint64_t default_value;
	const char *unit;        /* "bytes", "entries", ... */
};

extern const struct rg_limit_info rg_limit_table[];
extern const size_t rg_limit_count;

void rg_limits_default(struct rg_limits *l);

/* The info for a limit field, by its offset in struct rg_limits. */
const struct rg_limit_info *rg_limit_find(size_t offset);

#endif
