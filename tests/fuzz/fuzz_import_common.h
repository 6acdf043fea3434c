/*
 * fuzz_import_common.h: the body of the importer fuzz targets
 * (fuzz_import_signins.c, fuzz_import_audit.c).
 *
 * Each input is imported twice, in one piece and split at pseudo-random
 * points (seeded from the input), and both runs must write the same bytes
 * and raise the same number of errors and warnings: a row may not depend on
 * where read(2) cut the file.  When the import reports no error, what it
 * wrote must be accepted, row for row, by the bundle reader's own table for
 * that file (bundle/tables.c): the importer may never write a signins.csv
 * or audit-events.csv that `reportgen check` would refuse.
 */
#ifndef RG_FUZZ_IMPORT_COMMON_H
#define RG_FUZZ_IMPORT_COMMON_H

#include <string.h>

#include "bundle/tables.h"
#include "fuzz_common.h"
#include "import/import.h"

struct fuzz_run {
	char *out;
	size_t len;
	size_t errors, warnings;
};

static void fuzz_import_once(struct fuzz_run *r, enum rg_import_kind kind, const uint8_t *data,
                             size_t size, bool split)
{
	FILE *f = open_memstream(&r->out, &r->len);
	RG_FUZZ_CHECK(f != NULL);
	struct rg_import_options opt;
	rg_import_options_default(&opt, kind);
	opt.max_json_size = 1 << 16; /* small: reach the limit path too */
	struct rg_diags d;
	rg_diags_init(&d);
	struct rg_importer *imp;
	RG_FUZZ_CHECK(rg_importer_new(&imp, &opt, f, &d) == RG_OK);
	rg_import_begin(imp, "fuzz");
	uint64_t seed = 1469598103934665603ULL;
	for (size_t i = 0; i < size && i < 64; i++)
		seed = (seed ^ data[i]) * 1099511628211ULL;
	size_t at = 0;
	while (at < size) {
		size_t n = size - at;
		if (split) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			n = 1 + (size_t)((seed >> 33) % 97);
			if (n > size - at)
				n = size - at;
		}
		rg_import_feed(imp, (const char *)data + at, n);
		at += n;
	}
	rg_import_end(imp);
	rg_importer_free(imp);
	fclose(f);
	r->errors = d.errors;
	r->warnings = d.warnings;
	rg_diags_free(&d);
}

static void fuzz_import(enum rg_import_kind kind, const uint8_t *data, size_t size)
{
	struct fuzz_run a, b;
	fuzz_import_once(&a, kind, data, size, false);
	fuzz_import_once(&b, kind, data, size, true);
	RG_FUZZ_CHECK(a.errors == b.errors && a.warnings == b.warnings);
	RG_FUZZ_CHECK(a.len == b.len && memcmp(a.out, b.out, a.len) == 0);
	if (a.errors == 0) {
		struct rg_limits lim;
		rg_limits_default(&lim);
		struct rg_arena arena;
		rg_arena_init(&arena);
		struct rg_diags d;
		rg_diags_init(&d);
		struct rg_table t;
		rg_table_init(&t, kind == RG_IMPORT_SIGNINS ? &rg_builtin_signins : &rg_builtin_audit_events,
		              &arena, &lim, &d);
		struct rg_csv *c = rg_csv_new(t.file, &lim, &d, rg_table_record, &t);
		RG_FUZZ_CHECK(c != NULL);
		rg_csv_feed(c, a.out, a.len);
		rg_csv_end(c);
		if (d.errors) {
			rg_diags_print(stderr, &d);
			RG_FUZZ_CHECK(!"the bundle reader refuses what the importer wrote");
		}
		rg_csv_free(c);
		rg_table_free(&t);
		rg_diags_free(&d);
		rg_arena_free(&arena);
	}
	free(a.out);
	free(b.out);
}

#endif
