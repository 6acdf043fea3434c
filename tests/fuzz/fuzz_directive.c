/*
 * fuzz_directive.c: libFuzzer target for the directive reader
 * (directive/directive.h) on arbitrary file contents.  The directive file
 * normally ships with reportgen, but --directive FILE takes one from the
 * user, so it is input like the bundle.
 *
 * Property: RG_OK gives a directive with an id and actions that each have
 * an id; RG_EINPUT gives at least one error and no directive.
 */
#include "directive/directive.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = rg_fuzz_tmp_write(".xml", data, size);
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_diags diags;
	rg_diags_init(&diags);

	struct rg_directive *d = NULL;
	rg_status st = rg_directive_load(&d, path, &arena, &diags);
	if (getenv("RG_FUZZ_VERBOSE")) /* to see why an input fails */
		rg_diags_print(stderr, &diags);
	RG_FUZZ_CHECK(st == RG_OK || st == RG_EINPUT);
	if (st == RG_OK) {
		RG_FUZZ_CHECK(d && d->id && !rg_diags_has_errors(&diags));
		for (size_t i = 0; i < d->n_actions; i++)
			RG_FUZZ_CHECK(d->actions[i].id != NULL);
	} else {
		RG_FUZZ_CHECK(rg_diags_has_errors(&diags));
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return 0;
}
