/*
 * template.h: the look and the words of the PDF views, read from data.
 *
 * A template (templates/default.xml, namespace urn:reportgen:template:1)
 * holds every word the PDFs print, the order of their sections, the page
 * size and margins, the colours and the font families.  The PDF code
 * (pdf_*.c) holds layout logic only: change a heading, translate the report
 * or switch to A4 by editing or copying the XML, not the C.
 *
 * Texts may use placeholders {name} that are filled from the results at
 * render time ({agency}, {overall}, {items_late}, ... see rg_tpl_var_names
 * in template.c).  An unknown placeholder, a missing text, a bad colour or
 * an unknown page size is a diagnostic (file:line) and RG_EINPUT when the
 * template is loaded, never a surprise in the middle of a render.
 *
 * Ownership: a template and all its strings live in the arena given to
 * rg_template_load (pdf.h); it is read-only afterwards and can be shared by
 * both documents.
 */
#ifndef RG_TEMPLATE_H
#define RG_TEMPLATE_H

#include <stddef.h>

#include "core/str.h"

/* Every text a template must define, by id (the id is the key's name in
 * lower case with '_' as '.', listed in template.c). */
enum rg_tpl_key {
	RG_T_REPORT_TITLE, RG_T_SUMMARY_TITLE, RG_T_SUBJECT, RG_T_FOOTER,
	RG_T_COVER_HEADING, RG_T_COVER_AGENCY, RG_T_COVER_DIRECTIVE, RG_T_COVER_OVERALL,
	RG_T_COVER_NOTIFICATION, RG_T_COVER_NOTIFIED, RG_T_COVER_NOT_NOTIFIED,
	RG_T_COVER_BUNDLE, RG_T_COVER_DIGEST, RG_T_COVER_GENERATED, RG_T_COVER_CONTACT,
	RG_T_OVERALL_COMPLIANT, RG_T_OVERALL_COMPLIANT_LATE, RG_T_OVERALL_NON_COMPLIANT,
	RG_T_STATUS_NOT_SATISFIED, RG_T_STATUS_INSUFFICIENT, RG_T_STATUS_LATE,
	RG_T_STATUS_SATISFIED, RG_T_STATUS_NOT_APPLICABLE,
	RG_T_KIND_REQUIRED, RG_T_KIND_ADVISORY,
	RG_T_ACTIONS_HEADING, RG_T_ACTIONS_INTRO,
	RG_T_COL_ACTION, RG_T_COL_TITLE, RG_T_COL_KIND, RG_T_COL_STATUS, RG_T_COL_DEADLINE,
	RG_T_COL_ITEMS, RG_T_COL_LATE, RG_T_COL_OPEN, RG_T_NO_DEADLINE,
	RG_T_TIMELINE_HEADING, RG_T_TIMELINE_INTRO, RG_T_TIMELINE_ALT,
	RG_T_LEGEND_ON_TIME, RG_T_LEGEND_LATE, RG_T_LEGEND_NOT_DONE, RG_T_LEGEND_DEADLINE,
	RG_T_LEGEND_NOTIFIED, RG_T_CHART_NOT_DONE, RG_T_CHART_AXIS,
	RG_T_LANE_CORRESPONDENCE, RG_T_LANE_IMMEDIATE, RG_T_LANE_CREDENTIAL, RG_T_LANE_LOG_REVIEW,
	RG_T_LANE_EVENT,
	RG_T_DETAILS_HEADING, RG_T_ACTION_HEADING, RG_T_ACTION_STATUS, RG_T_ACTION_DEADLINE,
	RG_T_ACTION_WINDOW, RG_T_ACTION_WORDING, RG_T_ACTION_SOURCE, RG_T_ACTION_NOTE,
	RG_T_ACTION_COUNTS, RG_T_ACTION_NO_ITEMS,
	RG_T_COL_NUMBER, RG_T_COL_SUBJECT, RG_T_COL_EVIDENCE, RG_T_COL_LATE_BY, RG_T_COL_REASON,
	RG_T_SIGNINS_HEADING, RG_T_SIGNINS_INTRO, RG_T_COL_ACCOUNT, RG_T_COL_WINDOW,
	RG_T_COL_SUCCESSES, RG_T_COL_IPS, RG_T_COL_FIRST, RG_T_COL_LAST, RG_T_SIGNINS_NONE,
	RG_T_EVIDENCE_HEADING, RG_T_EVIDENCE_INTRO, RG_T_COL_FILE, RG_T_COL_BYTES, RG_T_COL_SHA256,
	RG_T_EVIDENCE_BUNDLE,
	RG_T_SIGNER_HEADING, RG_T_SIGNER_SUBJECT, RG_T_SIGNER_ISSUER, RG_T_SIGNER_SERIAL,
	RG_T_SIGNER_NOT_AFTER, RG_T_SIGNER_NONE,
	RG_T_SUMMARY_HEADING, RG_T_SUMMARY_OVERALL, RG_T_SUMMARY_ACTIONS, RG_T_SUMMARY_COUNTS,
	RG_T_COUNT_EMAILS, RG_T_COUNT_SECRETS, RG_T_COUNT_ACCOUNTS, RG_T_COUNT_LATE_OPEN,
	RG_T_SUMMARY_ITEMS, RG_T_SUMMARY_NO_ITEMS, RG_T_SUMMARY_MORE, RG_T_SUMMARY_CHART,
	RG_T_SUMMARY_SIGNED, RG_T_SUMMARY_LINK, RG_T_SUMMARY_SECTION, RG_T_CONTINUED,
	RG_T_COVER_DEFINITION, RG_T_COVER_DEFINITION_VALUE, RG_T_COVER_GENERATOR,
	RG_T_DEFINITION_MODIFIED,
	RG_T_ITEM_CORROBORATED, RG_T_ITEM_NOT_CORROBORATED, RG_T_ACTION_AUDIT_LOG,
	RG_T_ACTION_CORROBORATION, RG_T_COUNT_CORROBORATED,
	/* The summary's plain words (issue 12). */
	RG_T_OVERALL_NOT_NOTIFIED, RG_T_SUMMARY_TODO, RG_T_SUMMARY_TODO_INTRO,
	RG_T_SUMMARY_TODO_NONE, RG_T_SUMMARY_TODO_NOT_NOTIFIED, RG_T_COL_TODO, RG_T_COL_OVERDUE,
	RG_T_COL_ACCOUNTABLE, RG_T_TODO_ITEMS, RG_T_TODO_LATE, RG_T_OVERDUE_DAYS,
	RG_T_OVERDUE_NOT_YET, RG_T_DEADLINE_PER_ITEM, RG_T_SIGNATURE_SIGNED, RG_T_SIGNATURE_DEMO,
	RG_T_SIGNATURE_NONE, RG_T_SUMMARY_ITEMS_INTRO,
	/* The report's contents, scope and compact rows (issue 12). */
	RG_T_CONTENTS_HEADING, RG_T_SCOPE_HEADING, RG_T_SCOPE_JUDGED, RG_T_SCOPE_DEFINITION,
	RG_T_SCOPE_RULES, RG_T_SCOPE_LIMITS, RG_T_SCOPE_TIMES, RG_T_COVER_TIMES,
	RG_T_ITEMS_ATTENTION, RG_T_ITEMS_SATISFIED, RG_T_COL_DONE, RG_T_COL_NOTE,
	RG_T_SIGNER_SIGNED_AT, RG_T_SIGNER_VALIDITY, RG_T_SIGNER_VALIDITY_VALUE,
	RG_T_LEGEND_DUE, RG_T_COL_SECTION, RG_T_COL_PAGE, RG_T_DEADLINE_WINDOW,
	RG_T_ITEMS_NOT_APPLICABLE,
	RG_T_COUNT
};

enum rg_tpl_colour {
	RG_C_TEXT, RG_C_MUTED, RG_C_ACCENT, RG_C_RULE, RG_C_HEADER_BG, RG_C_STRIPE,
	RG_C_NOT_SATISFIED, RG_C_INSUFFICIENT, RG_C_LATE, RG_C_SATISFIED, RG_C_NOT_APPLICABLE,
	RG_C_COUNT
};

/* Sections, in the order a template lists them. */
enum rg_tpl_section {
	RG_S_COVER, RG_S_ACTIONS, RG_S_TIMELINE, RG_S_DETAILS, RG_S_EVIDENCE, RG_S_SIGNER,
	RG_S_OVERALL, RG_S_COUNTS, RG_S_CHART, RG_S_ITEMS,
	RG_S_TODO, RG_S_CONTENTS, RG_S_SCOPE,
	RG_S_COUNT
};

struct rg_rgb {
	double r, g, b;
};

struct rg_template {
	const char *path;      /* file it was read from */
	const char *lang;      /* BCP 47, written as the PDF's /Lang */
	const char *page_name; /* "letter" or "a4" */
	double page_w, page_h; /* points */
	double margin;         /* points, all four sides */
	const char *font_sans, *font_mono;
	double font_size;      /* body text, points */
	struct rg_rgb colour[RG_C_COUNT];
	const char *text[RG_T_COUNT];
	enum rg_tpl_section report[RG_S_COUNT];
	size_t n_report;
	enum rg_tpl_section summary[RG_S_COUNT];
	size_t n_summary;
};

/* A placeholder's value for one expansion. */
struct rg_tpl_var {
	const char *name;
	const char *value;
};

/* Expands the placeholders of text (a template text) from vars then more
 * (either list may be empty); a placeholder with no value is left as
 * written.  Returns a malloc'd string (caller frees) or NULL when out of
 * memory. */
char *rg_tpl_expand(const char *text, const struct rg_tpl_var *vars, size_t n_vars,
                    const struct rg_tpl_var *more, size_t n_more);

#endif
