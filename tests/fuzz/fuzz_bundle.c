/*
 * fuzz_bundle.c: libFuzzer target for the whole pipeline up to the
 * results (judge/run.h, rg_run_judge): ZIP bytes through libzip, entry
 * names, the limits, the manifest, every CSV table, digests,
 * cross-references, the directive and the judge.
 *
 * The limits are the defaults scaled down (same checks, smaller numbers)
 * so that one input costs milliseconds and a fuzzer-made "bomb" is refused
 * rather than inflated; tests/limits/ covers the default values.  The
 * generation time is fixed so runs are deterministic.
 *
 * Property: RG_OK comes with results and no error; otherwise no results
 * and at least one error.
 */
#include "fuzz_common.h"
#include "judge/run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = rg_fuzz_tmp_write(".zip", data, size);

	struct rg_run_options opt = {0};
	rg_limits_default(&opt.limits);
	opt.limits.total_size = 4 << 20;
	opt.limits.entry_size = 1 << 20;
	opt.limits.signins_size = 1 << 20;
	opt.limits.entries = 64;
	opt.limits.line_length = 16 << 10;
	opt.limits.field_length = 4 << 10;
	opt.limits.rows = 2000;
	opt.limits.signin_rows = 20000;
	opt.limits.xml_size = 256 << 10;
	opt.generated_ms = 1717243200000LL; /* 2024-06-01T12:00:00Z */

	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_diags diags;
	rg_diags_init(&diags);

	struct rg_results *res = NULL;
	rg_status st = rg_run_judge(&res, path, &opt, &arena, &diags);
	if (getenv("RG_FUZZ_VERBOSE")) /* to see why an input fails */
		rg_diags_print(stderr, &diags);
	if (st == RG_OK)
		RG_FUZZ_CHECK(res != NULL && !rg_diags_has_errors(&diags));
	else
		RG_FUZZ_CHECK(res == NULL && rg_diags_has_errors(&diags));
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return 0;
}
