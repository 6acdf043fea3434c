/*
 * judge.h: judges evidence against a directive (docs/directive.md: the
 * rule kinds a definition composes).
 *
 * In: the evidence model and the directive definition.  Out: the results
 * model (results/results.h).  The judge never reports input errors (the reader
 * already refused a bundle with any); everything it says is a verdict.
 *
 * Sign-in observations need the exposure windows before signins.csv is
 * streamed, so judging is three steps:
 *
 *     rg_judge_begin   -> all verdicts; exposure windows known
 *     rg_judge_signin  -> (observer for rg_bundle_finish) counts sign-ins
 *     rg_judge_end     -> finalises observations; results complete
 */
#ifndef RG_JUDGE_H
#define RG_JUDGE_H

#include "bundle/bundle.h"
#include "directive/directive.h"
#include "results/results.h"

struct rg_judge;

/* NULL only when out of memory.  Everything is allocated in arena. */
/* generator ("reportgen 0.2.0") must live as long as the arena. */
struct rg_judge *rg_judge_begin(const struct rg_evidence *ev, const struct rg_directive *dir,
                                int64_t generated_ms, const char *generator,
                                struct rg_arena *arena);
/* An rg_signin_fn: pass the judge as ctx. */
void rg_judge_signin(void *judge, const struct rg_signin *s);
/* The finished results (in the arena); frees the judge's scratch state. */
struct rg_results *rg_judge_end(struct rg_judge *j);

#endif
