/*
 * results.h: the results model, the one set of verdicts every view renders.
 *
 * The judge (judge/judge.h) fills it from the evidence and the directive;
 * the report.xml reader (results/report_xml.h) fills it from a results
 * document.  Every view (report.xml, report.pdf, summary.pdf, the exports)
 * takes only this structure: it is self-contained, with no pointer into the
 * evidence model or the directive definition, so a PDF can be made from a
 * report.xml years after the bundle is gone, and the two renderings of one
 * model are the same whichever side it came from.
 *
 * Counts and formatted references live here and nowhere else
 * (rg_action_open, rg_evref_format ...): a view that needs a number takes it
 * from these functions, never recomputes it.
 *
 * Ownership: everything a struct rg_results points to lives in the arena it
 * was built in, and dies with it.  Optional strings that are absent are
 * NULL, never "".
 *
 * Invariants (asserted by rg_results_finish): every action has at least one
 * item; an action's status is the worst of its items; an item has at least
 * one evidence reference; late_by_ms > 0 exactly when the status is
 * RG_SATISFIED_LATE.
 */
#ifndef RG_RESULTS_H
#define RG_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/digest.h"
#include "core/timefmt.h"

/* Worst first: the numeric order is the severity order of the directive
 * rules (docs/ed-24-02.md), so the worst of two is the smaller value. */
enum rg_verdict {
	RG_NOT_SATISFIED = 0,
	RG_INSUFFICIENT_EVIDENCE = 1,
	RG_SATISFIED_LATE = 2,
	RG_SATISFIED = 3,
	RG_NOT_APPLICABLE = 4,
	RG_VERDICT_COUNT
};

enum rg_overall { RG_COMPLIANT, RG_COMPLIANT_LATE, RG_NON_COMPLIANT, RG_OVERALL_COUNT };

enum rg_action_kind { RG_KIND_REQUIRED, RG_KIND_ADVISORY };

/* What an item is about.  The names are report.xml's @subject-kind. */
enum rg_subject_kind {
	RG_SUBJ_EMAIL,   /* a finding: ref is its email_id */
	RG_SUBJ_SECRET,  /* ref is the secret_id */
	RG_SUBJ_ACCOUNT, /* ref is the account as first written in secrets.csv */
	RG_SUBJ_EVENT,   /* ref is the timeline event kind looked for */
	RG_SUBJ_FILE,    /* ref is a bundle member that is missing or empty */
	RG_SUBJ_AGENCY,  /* ref is the agency id (applicability) */
	RG_SUBJ_COUNT
};

/* Spellings, indexed by value, NULL-terminated: "not_satisfied" ...;
 * plain words for people ("Not satisfied"); "compliant" ...; "email" ...;
 * "required" / "advisory". */
extern const char *const rg_verdict_names[];
extern const char *const rg_verdict_words[];
extern const char *const rg_overall_names[];
extern const char *const rg_overall_words[];
extern const char *const rg_subject_kind_names[];
extern const char *const rg_action_kind_names[];

static inline enum rg_verdict rg_verdict_worst(enum rg_verdict a, enum rg_verdict b)
{
	return a < b ? a : b;
}

static inline bool rg_verdict_is_open(enum rg_verdict v)
{
	return v == RG_NOT_SATISFIED || v == RG_INSUFFICIENT_EVIDENCE;
}

/* Whether the tenant's audit log (audit-events.csv) shows the remediations
 * an item rests on: an observation for the auditor, never a status. */
enum rg_corroboration {
	RG_CORR_NONE,  /* no audit log in the bundle, or no remediation of a kind it records */
	RG_CORR_YES,   /* every such remediation has a matching audit event */
	RG_CORR_NO,    /* at least one has none */
};
extern const char *const rg_corroboration_names[]; /* "", "corroborated", "not-corroborated" */

/* One cited row: "findings.csv:14", or a whole file when line is 0
 * ("manifest.xml", or a file that is absent or empty). */
struct rg_evref {
	const char *file;
	uint32_t line;
};

/* One judged item: a finding, a secret, an account, a report. */
struct rg_item {
	/* Small members first: an action holds one item per row it judges
	 * (50 000 for 50 000 findings), and this order packs them in 104
	 * bytes instead of 136. */
	enum rg_verdict status;
	enum rg_subject_kind subject_kind;
	enum rg_corroboration corroboration;
	bool has_when, has_due;
	const char *subject_ref;
	/* Every row the verdict used, the primary row first: evidence[0] is
	 * report.xml's @evidence (the row the contract cites: what was judged,
	 * or when nothing was done, what it should have been done to), the
	 * whole list its @evidence-all. */
	const struct rg_evref *evidence;
	size_t n_evidence;
	struct rg_time when;  /* the instant judged (review, remediation, report);
	                         when has_when */
	struct rg_time due;   /* this item's own deadline, when it has one
	                         (RA-2a: identified_at + the window); when has_due */
	int64_t late_by_ms;   /* > 0 only when status is RG_SATISFIED_LATE */
	const char *reason_codes; /* stable machine codes, space-separated, e.g.
	                             "window-gap incident-id-missing" */
	const char *reason;   /* one line a person can act on; never NULL */
	const char *corroborated_by; /* the matching audit events' sources
	                                (FILE:LINE of the export), or NULL */
};

/* Sign-ins seen in signins.csv inside an account's exposure window
 * (RA-2b-ii observations: shown to the reviewer, not a status). */
struct rg_signin_obs {
	const char *account;
	struct rg_time window_start, window_end;
	uint64_t successes;
	uint64_t distinct_ips;
	bool any;
	struct rg_time first, last;
};

/* One action: its definition as judged, and its verdicts. */
struct rg_action_result {
	const char *id;           /* "RA-1" */
	const char *title;
	const char *wording;      /* the directive text the action encodes */
	const char *wording_source;
	const char *interpretation; /* the definition's reading, or NULL */
	const char *rule;         /* the rule it was judged by ("log-review") */
	const char *applies;      /* "notified" or "compromise-detected" */
	enum rg_action_kind kind;
	bool has_deadline;
	struct rg_time deadline;
	bool has_window;
	int64_t window_ms;        /* the "immediate" window */
	const char *window_text;  /* as the definition writes it ("PT48H") */

	enum rg_verdict status;
	struct rg_item *items;
	size_t n_items;
	size_t counts[RG_VERDICT_COUNT]; /* items per status (rg_results_finish) */
	size_t corroborated, not_corroborated; /* items per corroboration (likewise) */
	const struct rg_item *worst;     /* first item of the worst status */
	struct rg_signin_obs *signins;
	size_t n_signins;
};

/* Counts an executive wants (summary.pdf).  secrets_remediated: secrets
 * with an accepted remediation at any time; accounts_reviewed: accounts
 * whose log-review item is satisfied or late; items_late / items_open:
 * items of applicable required actions that are late, or open (advisory
 * actions excluded, as from the overall result). */
struct rg_headline {
	size_t emails_reviewed, emails_total;
	size_t secrets_found, secrets_remediated;
	size_t accounts_total, accounts_reviewed;
	size_t items_late, items_open;
	/* Only when the bundle has audit-events.csv: distinct remediations of a
	 * kind the audit log records, and those it corroborates. */
	bool audit_log;
	size_t remediations_checked, remediations_corroborated;
};

/* The evidence bundle the verdicts come from. */
struct rg_bundle_info {
	const char *name;         /* file name of the .zip, no folder */
	char sha256[RG_SHA256_HEX];
	const char *directive;    /* as the manifest names it */
	struct rg_time created;
	const char *agency_id, *agency_name, *agency_component;
	const char *contact_name, *contact_role, *contact_email;
	bool notified;
	struct rg_time notification_received; /* when notified */
	const char *notification_source, *notification_reference;
};

/* One member of the bundle, with its digest as computed while reading. */
struct rg_file_info {
	const char *path;
	char sha256[RG_SHA256_HEX];
	uint64_t size;
};

/* The directive definition judged against. */
struct rg_directive_info {
	const char *id;          /* "ED-24-02" */
	const char *version;     /* the definition's version */
	const char *title;
	const char *issued;
	const char *source;
	const char *numbering_note;
	const char *file;        /* file name only: where it lives is not a result */
	char sha256[RG_SHA256_HEX]; /* of the exact bytes judged */
	const char *corroboration_window; /* as the definition writes it ("PT2H") */
	bool installed;          /* those bytes are the definition installed with
	                            reportgen for this id; false: a modified or
	                            foreign definition, which the reports say */
};

struct rg_results {
	struct rg_bundle_info bundle;
	struct rg_directive_info directive;
	const struct rg_file_info *files; /* manifest first, then in ZIP order */
	size_t n_files;
	enum rg_overall overall;
	struct rg_action_result *actions; /* in the directive's order */
	size_t n_actions;
	struct rg_headline headline;
	int64_t generated_ms;   /* SOURCE_DATE_EPOCH or the clock, whole seconds */
	const char *generator;  /* "reportgen 0.2.0" */
};

/* Derives each action's counts, worst item and status from its items, and
 * the overall result from the required actions (docs/ed-24-02.md).  The
 * judge and the reader both call it, so the derivation exists once. */
void rg_results_finish(struct rg_results *r);

/* Counts of one action. */
size_t rg_action_open(const struct rg_action_result *a);  /* not satisfied + insufficient */
size_t rg_action_done(const struct rg_action_result *a);  /* satisfied + late */

/* "findings.csv:14" or "manifest.xml" into buf; returns buf. */
#define RG_EVREF_BUFSZ 320
char *rg_evref_format(char *buf, size_t size, const struct rg_evref *e);
/* Every reference of an item (@evidence-all), space-separated, into a malloc'd string
 * (caller frees); NULL when out of memory. */
char *rg_item_evidence_list(const struct rg_item *i);
/* "email E-12", "secret S-7", "account a@x.gov", "impact_analysis_completed":
 * the subject as people read it, malloc'd (caller frees). */
char *rg_item_subject(const struct rg_item *i);

/* Index of the action with this id, or -1. */
int rg_results_find_action(const struct rg_results *r, const char *id);

#endif
