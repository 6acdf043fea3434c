/*
 * report_xml.h: report.xml, the results document: the results model
 * written out, and read back.
 *
 * report.xml is both a view (what auditors and CISA's intake read) and the
 * one document every later step can start from: `render --from` makes the
 * PDFs from it, `diff` compares two of them, the exports and the roll-up
 * read it.  So its writer and its reader live with the model, and a model
 * written and read back is the same model (tests/results checks that the
 * PDFs made from either are byte-identical).  The format is documented
 * element by element in templates/report.xsd and docs/report-format.md.
 *
 * Writing streams through libxml2's xmlTextWriter: memory does not grow
 * with the number of items.  Reading parses with core/xml.h (no DTD, no
 * entities, no network, a depth limit), refuses more than max_bytes,
 * checks the namespace and format, validates against templates/report.xsd,
 * then builds the model in the caller's arena.  Every problem is a
 * diagnostic naming the file and line; an enveloped ds:Signature is
 * skipped (verifying it is sign/'s job).
 */
#ifndef RG_REPORT_XML_H
#define RG_REPORT_XML_H

#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/status.h"
#include "results/results.h"

#define RG_REPORT_NS "urn:reportgen:report:1"
#define RG_REPORT_FORMAT "2"
/* A report of 50 000 items is about 25 MB. */
#define RG_REPORT_MAX_BYTES ((uint64_t)1 << 30)

/* Writes the results document to out (positioned at its start).  name is
 * the file name for diagnostics. */
rg_status rg_report_xml_write(const struct rg_results *r, FILE *out, const char *name,
                              struct rg_diags *diags);

/* Reads a results document.  On RG_OK *out is the model, in arena; on
 * RG_EINPUT diags say what is wrong (and where); RG_EENV when the file or
 * the schema cannot be read. */
rg_status rg_report_xml_read(struct rg_results **out, const char *path, uint64_t max_bytes,
                             struct rg_arena *arena, struct rg_diags *diags);

/* The same, from bytes already in memory (fuzzing, tests). */
rg_status rg_report_xml_parse(struct rg_results **out, const char *name, const char *bytes,
                              size_t len, struct rg_arena *arena, struct rg_diags *diags);

#endif
