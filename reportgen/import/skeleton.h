/*
 * skeleton.h: the bundle folder `reportgen init` writes, and the check
 * `reportgen pack` makes that its blanks were filled.
 *
 * The folder holds manifest.xml with every element, its attributes left
 * empty ("") and a comment on each saying what goes there; every CSV file
 * of the bundle with its header row only (columns from the bundle reader's
 * own tables, bundle/tables.c, so the two cannot drift apart); an empty
 * attachments/ folder; and README.txt for the person assembling the
 * bundle.  pack leaves README.txt out of the bundle.
 */
#ifndef RG_SKELETON_H
#define RG_SKELETON_H

#include <libxml/tree.h>

#include "bundle/profile.h"
#include "core/diag.h"
#include "core/status.h"

/* The notes file init writes; pack skips it. */
#define RG_SKELETON_README "README.txt"

/* Writes the folder dir, which must not exist or be an empty folder
 * (RG_EINPUT otherwise, nothing written).  Built in a temporary folder
 * beside it and renamed into place, so dir appears complete or not at all. */
rg_status rg_skeleton_write(const char *dir, const char *directive_id, const char *title,
                            const struct rg_profile *profile, struct rg_diags *diags);

/* Diagnoses every attribute of a manifest left empty, saying what to fill
 * in (errors, file manifest.xml, the element's line).  Returns the number. */
size_t rg_skeleton_check_manifest(xmlDocPtr doc, struct rg_diags *diags);

#endif
