/*
 * bundle.h: reads an evidence bundle (a ZIP) into the evidence model.
 *
 * In: a path to a .zip, limits, a diagnostics list.  Out: a struct
 * rg_evidence (evidence.h) in the caller's arena.  The reader checks
 * everything docs/bundle-format.md requires: entry names, encryption,
 * symbolic links, the limits, the manifest against templates/bundle.xsd,
 * every digest, every CSV value, and the cross-references.  Problems are
 * appended to diags, one error per cause; RG_EINPUT means at least one
 * error.  Nothing but the manifest is inflated until the ZIP's layout and
 * central directory are sane and every name is listed (bundle.c), so a
 * structural problem is reported without the contents' problems.
 *
 * signins.csv can hold millions of rows.  It is never held in memory: it is
 * streamed once, hashed and validated row by row, and each valid successful
 * sign-in is handed to an observer (the judge's exposure-window counter).
 * Hence two steps:
 *
 *     rg_bundle_open   -> reads and checks everything else; evidence ready
 *     rg_bundle_finish -> streams signins.csv (if any) into the observer,
 *                         checks its digest, closes the ZIP
 *
 * Nothing is ever written to disk: entries are inflated into memory or
 * streamed, never extracted under their own names.
 */
#ifndef RG_BUNDLE_H
#define RG_BUNDLE_H

#include "bundle/evidence.h"
#include "bundle/limits.h"
#include "bundle/profile.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/status.h"

struct rg_bundle;

/* One successful sign-in row of signins.csv. */
struct rg_signin {
	const char *user;  /* user_principal_name; valid only during the call */
	const char *ip;    /* ip_address; may be "" */
	struct rg_time at;
	uint32_t line;
};
typedef void (*rg_signin_fn)(void *ctx, const struct rg_signin *s);

/* The profile of the directive a bundle answers (profile.h), asked for once
 * the manifest has been read (ev->directive is NULL when it could not be):
 * the caller loads the directive, and returns NULL when it cannot (having
 * said why in its diagnostics); the bundle's tables are then not read.  The
 * profile must outlive the evidence. */
typedef const struct rg_profile *(*rg_profile_fn)(void *ctx, const struct rg_evidence *ev);

/* Whether a member name is one a table may have (a CSV file at the root);
 * which tables there are is the profile's. */
bool rg_bundle_is_table_name(const char *name);

/* Opens and reads the bundle.  When *out is not NULL it must be passed to
 * rg_bundle_finish or rg_bundle_close; with RG_EINPUT the evidence is then
 * incomplete and must not be judged (finish still reports signins.csv's own
 * problems).  *out is NULL when the file could not be read as a ZIP at all
 * (RG_EINPUT) or the environment failed (RG_EENV). */
rg_status rg_bundle_open(struct rg_bundle **out, const char *zip_path,
                         const struct rg_limits *limits, rg_profile_fn profile_fn,
                         void *profile_ctx, struct rg_arena *arena, struct rg_diags *diags);

/* The evidence read so far (valid until the arena is freed). */
struct rg_evidence *rg_bundle_evidence(struct rg_bundle *b);

/* Progress of a long read: `done` of `total` bytes of member `file`
 * inflated.  Called about once per MiB; total may be 0 when unknown. */
typedef void (*rg_progress_fn)(void *ctx, const char *file, uint64_t done, uint64_t total);
void rg_bundle_set_progress(struct rg_bundle *b, rg_progress_fn fn, void *ctx);

/* Streams signins.csv into fn (which may be NULL) and closes the bundle.
 * Returns the worst status of the whole read. */
rg_status rg_bundle_finish(struct rg_bundle *b, rg_signin_fn fn, void *ctx);

/* Closes without streaming (after an error).  NULL is fine. */
void rg_bundle_close(struct rg_bundle *b);

#endif
