/*
 * xml_report.h: the report.xml view of the results model.
 *
 * Writes the contract of cli-and-reports.md ("report.xml, the parts that are
 * contract"), valid against templates/report.xsd, with libxml2's xmlTextWriter
 * streaming to a FILE so a large report is never held as a tree.  The
 * enveloped signature is added afterwards by sign/xml_sign.h.
 */
#ifndef RG_XML_REPORT_H
#define RG_XML_REPORT_H

#include <stdio.h>

#include "core/diag.h"
#include "core/status.h"
#include "judge/results.h"

#define RG_REPORT_NS "urn:reportgen:report:1"

rg_status rg_xml_report_write(const struct rg_results *r, FILE *out, struct rg_diags *diags);

#endif
