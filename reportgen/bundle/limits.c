/*
 * limits.c: the limit table (see limits.h and docs/security.md).
 *
 * Defaults are sized for the largest real agency bundle we expect (tens of
 * thousands of findings, millions of sign-in rows) with headroom, while
 * keeping memory bounded: rows of the small CSV files are held in memory
 * (about 0.5 KB each), sign-in rows are streamed and never held.
 */
#include "bundle/limits.h"

#include "core/xml.h"

#include <stddef.h>

#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

const struct rg_limit_info rg_limit_table[] = {
	{"--max-total-size", "total uncompressed size of the bundle",
	 offsetof(struct rg_limits, total_size), 16 * GiB, "bytes"},
	{"--max-entry-size", "uncompressed size of one entry (signins.csv excepted)",
	 offsetof(struct rg_limits, entry_size), 256 * MiB, "bytes"},
	{"--max-signins-size", "uncompressed size of signins.csv",
	 offsetof(struct rg_limits, signins_size), 16 * GiB, "bytes"},
	{"--max-ratio", "compression ratio (uncompressed/compressed) of one entry over 1 MiB, and of the whole bundle",
	 offsetof(struct rg_limits, ratio), 200, "to 1"},
	{"--max-entries", "number of entries in the ZIP",
	 offsetof(struct rg_limits, entries), 10000, "entries"},
	{"--max-line-length", "length of one CSV record",
	 offsetof(struct rg_limits, line_length), 1 * MiB, "bytes"},
	{"--max-field-length", "length of one CSV field",
	 offsetof(struct rg_limits, field_length), 64 * KiB, "bytes"},
	{"--max-rows", "rows of one CSV file (signins.csv excepted)",
	 offsetof(struct rg_limits, rows), 200000, "rows"},
	{"--max-signin-rows", "rows of signins.csv",
	 offsetof(struct rg_limits, signin_rows), 100000000, "rows"},
	{"--max-xml-size", "size of manifest.xml or a directive file",
	 offsetof(struct rg_limits, xml_size), RG_XML_DEFAULT_MAX_BYTES, "bytes"},
	{"--max-xml-depth", "element nesting of manifest.xml or a directive file",
	 offsetof(struct rg_limits, xml_depth), RG_XML_DEFAULT_MAX_DEPTH, "levels"},
};
const size_t rg_limit_count = sizeof rg_limit_table / sizeof rg_limit_table[0];

void rg_limits_default(struct rg_limits *l)
{
	for (size_t i = 0; i < rg_limit_count; i++)
		*(uint64_t *)((char *)l + rg_limit_table[i].offset) = rg_limit_table[i].default_value;
}

const struct rg_limit_info *rg_limit_find(size_t offset)
{
	for (size_t i = 0; i < rg_limit_count; i++)
		if (rg_limit_table[i].offset == offset)
			return &rg_limit_table[i];
	return NULL;
}
