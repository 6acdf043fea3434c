/*
 * pdf.h: the report.pdf and summary.pdf views of the results model.
 *
 * Drawn with cairo, laid out with pango, with the fonts of fonts/ only
 * (loaded through a private fontconfig configuration), and the words, page
 * size, colours and section order of a template from templates/.  Both
 * documents read only the results model (results/results.h): they never
 * recompute a verdict.
 *
 * The files written are complete, unsigned PDFs; signing appends an
 * incremental update afterwards (sign/sign.h).  The caller passes a
 * temporary path and renames it into place (core/fsout.h).
 */
#ifndef RG_PDF_H
#define RG_PDF_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/status.h"
#include "results/results.h"

struct rg_template;

/* name_or_path: a template name ("default" -> <datadir>/templates/default.xml)
 * or a path to a template file.  page_size: NULL for the template's own, or
 * "letter" / "a4".  The template lives in arena. */
rg_status rg_template_load(struct rg_template **out, const char *name_or_path,
                           const char *page_size, struct rg_arena *arena,
                           struct rg_diags *diags);

/* What the signer block of the report shows.  NULL signer: "not signed". */
struct rg_pdf_signer {
	const char *subject;  /* signer certificate subject, one line */
	const char *issuer;
	const char *serial;   /* hex */
	const char *not_before, *not_after; /* RFC 3339 */
	int64_t signing_time_ms;
	bool demo;            /* reportgen's demonstration certificate (sign.h) */
};

rg_status rg_pdf_write_report(const struct rg_results *r, const struct rg_template *t,
                              const struct rg_pdf_signer *signer, const char *path,
                              struct rg_diags *diags);
rg_status rg_pdf_write_summary(const struct rg_results *r, const struct rg_template *t,
                               const struct rg_pdf_signer *signer, const char *path,
                               struct rg_diags *diags);

/* Both documents at once: the summary's links need the page of each
 * action's section in report.pdf, which the report's own measuring pass
 * records, so the report is laid out once for both (render uses this;
 * rg_pdf_write_summary alone has to measure the report again). */
rg_status rg_pdf_write_both(const struct rg_results *r, const struct rg_template *t,
                            const struct rg_pdf_signer *signer, const char *report_path,
                            const char *summary_path, struct rg_diags *diags);

#endif
