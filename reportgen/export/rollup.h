/*
 * rollup.h: CISA's view of many agencies: `reportgen rollup REPORT.xml...
 * -o DIR --ca FILE` writes DIR/rollup.pdf and DIR/rollup.csv.
 *
 * Each report is read once, its signature checked against the anchors
 * (rg_export_load), reduced to a summary of a few hundred bytes (agency,
 * generation time, overall result, per action its status and counts) and
 * freed before the next is read, so memory does not grow with the size of
 * the reports, only by the summaries.  A report that is unreadable, not
 * signed, not trusted or not a valid report is rejected, with the reason,
 * and counted nowhere else.  Of several reports of one agency only the
 * newest (by @generated) counts; the others are superseded, and each says
 * by which.  The reports counted must be of one directive and one
 * definition (the same SHA-256), or the roll-up is refused: counts of
 * different actions do not add up.
 *
 * Ownership: a struct rg_rollup and everything it points to live in its
 * own arena; rg_rollup_free releases it (NULL is fine).
 */
#ifndef RG_ROLLUP_H
#define RG_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/digest.h"
#include "core/status.h"
#include "results/results.h"
#include "sign/sign.h"
#include "views/template.h"

enum rg_rollup_state { RG_ROLLUP_COUNTED, RG_ROLLUP_SUPERSEDED, RG_ROLLUP_REJECTED };

/* One action of one agency's report. */
struct rg_rollup_cell {
	enum rg_verdict status;
	uint32_t items, satisfied, late, open, not_applicable;
};

/* One action of the definition, and how many counted agencies have each
 * status for it. */
struct rg_rollup_action {
	const char *id, *title;
	enum rg_action_kind kind;
	size_t agencies[RG_VERDICT_COUNT];
};

/* A definition the reports were judged against (by its SHA-256), with its
 * actions as the first report of it lists them; every other report of it
 * must list the same. */
struct rg_rollup_definition {
	char sha256[RG_SHA256_HEX];
	const char *directive, *version, *title;
	bool installed;
	struct rg_rollup_action *actions;
	size_t n_actions;
	struct rg_rollup_definition *next;
};

/* One report given on the command line, in the order given. */
struct rg_rollup_report {
	const char *path;
	enum rg_rollup_state state;
	const char *reason; /* rejected: why; superseded: by which report */
	/* Read (counted or superseded): */
	const char *agency_id, *agency_name;
	int64_t generated_ms;
	enum rg_overall overall;
	char sha256[RG_SHA256_HEX]; /* of the report's bytes */
	const char *signer;
	size_t items_open, items_late; /* required actions, as the headline */
	struct rg_rollup_definition *definition;
	struct rg_rollup_cell *cells; /* one per action of the definition */
};

struct rg_rollup {
	struct rg_arena arena;
	struct rg_rollup_report *reports;
	size_t n_reports;
	size_t counted, superseded, rejected;
	/* The counted reports, sorted by agency id (indexes into reports). */
	size_t *agencies;
	size_t per_overall[RG_OVERALL_COUNT];
	struct rg_rollup_definition *definitions; /* every one seen */
	/* The counted reports' one definition (NULL until there is one): */
	struct rg_rollup_definition *definition;
	struct rg_rollup_action *actions; /* its actions, with the counts */
	size_t n_actions;
	int64_t as_of_ms; /* the newest counted report's @generated */
};

struct rg_rollup_options {
	const struct rg_trust *trust; /* the anchors (sign.h rg_trust_load); required */
	uint64_t max_report_bytes;    /* per report */
	const struct rg_template *tpl; /* for rollup.pdf */
	bool force;                   /* replace an existing rollup.pdf / rollup.csv */
};

/* The file names written into DIR. */
extern const char *const rg_rollup_files[]; /* "rollup.pdf", "rollup.csv", NULL */

/* Reads, verifies and reduces every report (see above), then writes the
 * two files into dir, together or not at all (output/outputs.h).  *out is
 * the roll-up whenever the reports could be examined, also on RG_EINPUT
 * (mixed directives, nothing to count), so the caller can say which report
 * was what; it is NULL only on RG_EENV before any report was read.
 * RG_EINPUT with a diagnostic: the counted reports are of different
 * directives or definitions, or no report could be counted; RG_EENV: an
 * output cannot be written. */
rg_status rg_rollup_run(struct rg_rollup **out, const char *const *reports, size_t n,
                        const struct rg_rollup_options *opt, const char *dir,
                        struct rg_diags *diags);
void rg_rollup_free(struct rg_rollup *ru);

/* The files, from a finished roll-up, into paths (rollup.c, rollup_pdf.c). */
rg_status rg_rollup_write_csv(const struct rg_rollup *ru, const char *path,
                              struct rg_diags *diags);
rg_status rg_rollup_write_pdf(const struct rg_rollup *ru, const struct rg_template *tpl,
                              const char *path, struct rg_diags *diags);

#endif
