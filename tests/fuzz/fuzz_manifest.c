/*
 * fuzz_manifest.c: libFuzzer target for manifest.xml reading
 * (bundle/manifest.h): the safe XML parser, schema validation against
 * templates/bundle.xsd and the checks after it, on arbitrary bytes.
 *
 * Property: RG_OK comes without errors and with a file list whose entries
 * all have a path and a digest; RG_EINPUT comes with at least one error.
 * Every diagnostic can be formatted (no dangling strings).
 */
#include <string.h>

#include "bundle/manifest.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg_limits lim;
	rg_limits_default(&lim);
	lim.xml_size = 1 << 20;

	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_evidence *ev = rg_arena_alloc(&arena, sizeof *ev);
	RG_FUZZ_CHECK(ev != NULL);
	struct rg_manifest m;
	memset(&m, 0, sizeof m);

	rg_status st = rg_manifest_read(&m, ev, (const char *)data, size, &lim, &arena, &diags);
	if (getenv("RG_FUZZ_VERBOSE")) /* to see why an input fails */
		rg_diags_print(stderr, &diags);
	RG_FUZZ_CHECK(st == RG_OK || st == RG_EINPUT);
	if (st == RG_OK) {
		RG_FUZZ_CHECK(!rg_diags_has_errors(&diags));
		for (size_t i = 0; i < m.n_files; i++) {
			RG_FUZZ_CHECK(m.files[i].path && m.files[i].sha256);
			RG_FUZZ_CHECK(rg_manifest_find(&m, m.files[i].path) != NULL);
		}
	} else {
		RG_FUZZ_CHECK(rg_diags_has_errors(&diags));
	}
	for (size_t i = 0; i < diags.n; i++) {
		char *s = rg_diag_format(&diags.v[i]);
		RG_FUZZ_CHECK(s != NULL);
		free(s);
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return 0;
}
