/*
 * run.h: one bundle through the pipeline up to the results model.
 *
 * bundle -> evidence -> judge (with the directive) -> results.  Shared by
 * `check` and `render` so both judge identically.  The views and signing
 * come after, in the commands that need them.
 */
#ifndef RG_RUN_H
#define RG_RUN_H

#include "bundle/bundle.h"
#include "bundle/limits.h"
#include "results/results.h"

struct rg_run_options {
	const char *directive_path; /* NULL: the installed one named by the manifest */
	struct rg_limits limits;
	int64_t generated_ms;       /* from SOURCE_DATE_EPOCH or the clock */
	rg_progress_fn progress;    /* or NULL: progress of streaming signins.csv */
	void *progress_ctx;
	/* Or NULL: the evidence's arena spills to scratch files beside this
	 * path (rg_arena_spill), so that memory does not grow with the rows. */
	const char *spill_near;
};

/* Judges one bundle.  On RG_OK *out holds the results (in arena, with the
 * directive they were judged by; the evidence model is read into an arena
 * of its own and freed before this returns); on any
 * other status diags say why and *out is NULL. */
rg_status rg_run_judge(struct rg_results **out, const char *zip_path,
                       const struct rg_run_options *opt, struct rg_arena *arena,
                       struct rg_diags *diags);

/* Milliseconds since the epoch: SOURCE_DATE_EPOCH when set and valid, else
 * the clock.  A malformed SOURCE_DATE_EPOCH is a usage error (RG_EINPUT). */
rg_status rg_generation_time(int64_t *out_ms, struct rg_diags *diags);

#endif
