/*
 * manifest.h: reads manifest.xml (docs/bundle-format.md, "manifest.xml").
 *
 * Parsed with core/xml.h's safe parser, validated against
 * templates/bundle.xsd, then checked for what a schema cannot say
 * (timestamps with offsets; the notification's attributes present exactly
 * when notified).  Fills the manifest part of the evidence and returns the
 * declared file list.  Everything in the arena.
 */
#ifndef RG_MANIFEST_H
#define RG_MANIFEST_H

#include "bundle/evidence.h"
#include "bundle/limits.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/status.h"

struct rg_manifest_file {
	const char *path;
	const char *sha256;
	uint32_t line;   /* in manifest.xml */
	bool seen;       /* an entry of the ZIP matched it */
};

struct rg_manifest {
	struct rg_manifest_file *files;
	size_t n_files;
};

/* bytes/n: the manifest's content.  RG_EINPUT with diagnostics when
 * invalid; the evidence fields are then partly filled. */
rg_status rg_manifest_read(struct rg_manifest *out, struct rg_evidence *ev, const char *bytes,
                           size_t n, const struct rg_limits *limits, struct rg_arena *arena,
                           struct rg_diags *diags);

/* The declared file for a path, or NULL. */
struct rg_manifest_file *rg_manifest_find(struct rg_manifest *m, const char *path);

#endif
