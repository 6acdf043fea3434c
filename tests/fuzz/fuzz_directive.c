/*
 * fuzz_directive.c: libFuzzer target for the directive reader
 * (directive/directive.h) and the judge, on arbitrary file contents.  The
 * directive file normally ships with reportgen, but --directive FILE takes
 * one from the user, so it is input like the bundle: every definition the
 * reader accepts must also judge without crashing.
 *
 * Each accepted definition is judged against the evidence of the gaps
 * sample (read once per process from the build's samples/gaps.zip), whose
 * sign-ins are streamed again through the judge.
 *
 * Property: RG_OK gives a directive with an id and actions that each have
 * an id, and judging it gives one result per action, each with at least one
 * item; RG_EINPUT gives at least one error and no directive.
 */
#include "bundle/bundle.h"
#include "directive/directive.h"
#include "fuzz_common.h"
#include "judge/judge.h"
#include "rg_config.h"

static struct rg_arena evidence_arena;
static const struct rg_evidence *evidence;

static const struct rg_evidence *sample_evidence(void)
{
	if (evidence)
		return evidence;
	struct rg_diags diags;
	rg_diags_init(&diags);
	rg_arena_init(&evidence_arena);
	struct rg_limits limits;
	rg_limits_default(&limits);
	struct rg_bundle *b = NULL;
	rg_status st = rg_bundle_open(&b, RG_BUILD_ROOT "/samples/gaps.zip", &limits,
	                              rg_directive_installed_profile, &evidence_arena,
	                              &evidence_arena, &diags);
	RG_FUZZ_CHECK(st == RG_OK && b);
	evidence = rg_bundle_evidence(b);
	RG_FUZZ_CHECK(rg_bundle_finish(b, NULL, NULL) == RG_OK);
	rg_diags_free(&diags);
	return evidence;
}

static void judge(const struct rg_directive *d, struct rg_arena *arena)
{
	const struct rg_evidence *ev = sample_evidence();
	struct rg_judge *j = rg_judge_begin(ev, d, 0, "reportgen fuzz", arena);
	RG_FUZZ_CHECK(j != NULL);
	struct rg_signin s = {"svc-grants-etl@ahg.example.gov", "192.0.2.1", {1712000000000LL, 0}, 2};
	rg_judge_signin(j, &s);
	struct rg_results *r = rg_judge_end(j);
	RG_FUZZ_CHECK(r && r->n_actions == d->n_actions);
	for (size_t k = 0; k < r->n_actions; k++)
		RG_FUZZ_CHECK(r->actions[k].n_items > 0);
}

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
		judge(d, &arena);
	} else {
		RG_FUZZ_CHECK(rg_diags_has_errors(&diags));
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return 0;
}
