/*
 * outputs.h: a results model written as a set of signed files in a folder,
 * all of one run or none.
 *
 * The last stage of the pipeline: results -> views (report.xml,
 * report.pdf, summary.pdf) -> signatures -> the folder.  `render`,
 * `render --from` and the exports all go through rg_outputs_write, which
 * takes a list of views and writes them so that a reader of the folder
 * never sees a mixed set:
 *
 *   1. every view is written and signed in a fresh staging folder
 *      (".NAME.reportgen-XXXXXX" beside DIR), locked with flock(2) while
 *      the run lives;
 *   2. the staging folder becomes DIR with one rename(2) when DIR is new
 *      or empty, or, with force over an existing set, with one
 *      renameat2(RENAME_EXCHANGE); the old set is then removed;
 *   3. when DIR holds other files too (the bundle itself, an earlier
 *      report.xml that `render --from` reads), the folder cannot be
 *      swapped without carrying them away: the staging folder is made
 *      inside DIR and each finished file is renamed into place (the
 *      documented fallback: a kill between two renames can leave files of
 *      two runs, never a half-written file).
 *
 * A staging folder whose lock is free belongs to a killed run: the next
 * run into the same DIR removes it.  Without force an existing output is
 * never replaced (checked first by rg_outputs_check, and again by the
 * rename itself).
 *
 * The mechanism is rg_outputs_commit, for any set of named files: the
 * views of a results model (rg_outputs_write), an export and its detached
 * signature, the roll-up's PDF and CSV (export/export.h).
 */
#ifndef RG_OUTPUTS_H
#define RG_OUTPUTS_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/status.h"
#include "results/results.h"
#include "sign/sign.h"
#include "views/pdf.h"

enum rg_view {
	RG_VIEW_REPORT_XML, /* report.xml, the results document */
	RG_VIEW_REPORT_PDF, /* report.pdf, the full report */
	RG_VIEW_SUMMARY_PDF, /* summary.pdf, the executive summary */
	RG_VIEW_COUNT
};
#define RG_VIEWS_ALL ((1u << RG_VIEW_COUNT) - 1)
#define RG_VIEWS_PDF ((1u << RG_VIEW_REPORT_PDF) | (1u << RG_VIEW_SUMMARY_PDF))

/* File names in DIR, indexed by enum rg_view. */
extern const char *const rg_view_files[];

struct rg_output_request {
	const struct rg_results *results;
	const struct rg_template *tpl; /* for the PDFs */
	const struct rg_signer *signer; /* NULL: unsigned */
	unsigned views;                 /* bit set of 1u << enum rg_view */
	bool force;                     /* replace existing outputs */
};

/* Before any work: without force, refuses (RG_EINPUT, one diagnostic per
 * file) when an output of the set already exists in dir. */
rg_status rg_outputs_check(const char *dir, unsigned views, bool force, struct rg_diags *diags);

/* Any set of files committed as above.  write makes every file of files
 * (NULL-terminated plain names, no '/') inside the staging folder stage,
 * complete; the files are then flushed and switched into DIR together.
 * in_place: DIR is a folder of the user's that holds other files too (an
 * export's -o FILE names a file in it): the staging folder is always made
 * inside DIR (created if missing) and the files renamed in one by one, the
 * fallback of step 3, so DIR itself is never replaced. */
struct rg_output_set {
	const char *const *files;
	bool force;
	bool in_place;
	rg_status (*write)(const char *stage, void *ctx, struct rg_diags *diags);
	void *ctx;
};

/* rg_outputs_check for a set of names. */
rg_status rg_outputs_check_files(const char *dir, const char *const *files, bool force,
                                 struct rg_diags *diags);

/* Writes (through set->write) and commits the set; on failure nothing of
 * this run is left, and what DIR held before is untouched. */
rg_status rg_outputs_commit(const struct rg_output_set *set, const char *dir,
                            struct rg_diags *diags);

/* Writes, signs and commits the set (see above).  On failure nothing of
 * this run is left, and what DIR held before is untouched. */
rg_status rg_outputs_write(const struct rg_output_request *req, const char *dir,
                           struct rg_diags *diags);

/* The folder name a bundle's reports get in a batch: the bundle's file name
 * without ".zip".  NULL (with a diagnostic) when that name could not be a
 * folder of its own inside -o: empty, ".", "..", hidden (a leading '.',
 * which the staging folders use), or holding a control character. */
char *rg_output_dir_name(const char *bundle_path, struct rg_diags *diags);

#endif
