/*
 * fixture.h: results models filled by hand for the PDF view tests.
 *
 * The PDF views read only struct rg_results (results/results.h), so they can
 * be tested without bundles or the judge: each fixture is a believable ED
 * 24-02 outcome (a directive with its six actions, evidence, items) built
 * in an arena.  Everything lives in the arena passed in.
 */
#ifndef RG_TEST_PDF_FIXTURE_H
#define RG_TEST_PDF_FIXTURE_H

#include "core/arena.h"
#include "results/results.h"

enum rg_fx_kind {
	RG_FX_GAPS,      /* notified, late and open items, sign-in observations */
	RG_FX_COMPLIANT, /* every required action on time */
	RG_FX_NOT_NOTIFIED,
	RG_FX_SCRIPTS,   /* gaps, with subjects and reasons in other scripts, combining
	                    marks, ligatures, tabs, characters the fonts lack, right to
	                    left text and a reason long enough to be cut short */
};

/* A fixture of the given kind; n_findings findings (RA-1 items), a few of
 * them late or open.  NULL when out of memory. */
struct rg_results *rg_fx_build(struct rg_arena *a, enum rg_fx_kind kind, size_t n_findings);

/* The evidence reference "file:line" of an item, in buf. */
const char *rg_fx_ref(char *buf, size_t n, const struct rg_item *it);

#endif
