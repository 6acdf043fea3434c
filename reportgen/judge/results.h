/*
 * results.h: the results model, the one set of verdicts every view renders.
 *
 * The judge (judge.h) fills it from the evidence and the directive; the
 * views (views/xml_report.h, views/pdf_report.h) only read it.  report.xml
 * and the PDFs are two renderings of this structure, never two computations:
 * a view that needs a number takes it from here.
 *
 * Ownership: everything lives in the run's arena; the pointers into the
 * evidence and directive stay valid as long as that arena does.
 */
#ifndef RG_RESULTS_H
#define RG_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/evidence.h"
#include "directive/directive.h"

/* Worst first: the numeric order is the severity order of ed-24-02.md,
 * so the worst of two is the smaller value. */
enum rg_verdict {
	RG_NOT_SATISFIED = 0,
	RG_INSUFFICIENT_EVIDENCE = 1,
	RG_SATISFIED_LATE = 2,
	RG_SATISFIED = 3,
	RG_NOT_APPLICABLE = 4,
	RG_VERDICT_COUNT
};

enum rg_overall { RG_COMPLIANT, RG_COMPLIANT_LATE, RG_NON_COMPLIANT };

/* "not_satisfied", ...; and plain words for people ("Not satisfied"). */
extern const char *const rg_verdict_names[];
extern const char *const rg_verdict_words[];
extern const char *const rg_overall_names[];
extern const char *const rg_overall_words[];

static inline enum rg_verdict rg_verdict_worst(enum rg_verdict a, enum rg_verdict b)
{
	return a < b ? a : b;
}

/* One judged item: a finding, a secret, an account, a report. */
struct rg_item {
	enum rg_verdict status;
	const char *subject;   /* "finding E-12", "secret S-7", "account a@x.gov" */
	const char *file;      /* evidence member, e.g. "findings.csv" or "manifest.xml" */
	uint32_t line;         /* 0 when the evidence is the whole file or absent */
	bool has_when;
	struct rg_time when;   /* the instant judged (review, remediation, report) */
	int64_t late_by_ms;    /* > 0 only when status is RG_SATISFIED_LATE */
	const char *reason;    /* one line a person can act on; never NULL */
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

struct rg_action_result {
	const struct rg_action_def *def;
	enum rg_verdict status;
	struct rg_item *items;
	size_t n_items;
	size_t counts[RG_VERDICT_COUNT]; /* items per status */
	const struct rg_item *worst;     /* first item of the worst status, or NULL */
	struct rg_signin_obs *signins;   /* RG_RULE_LOG_REVIEW with signins.csv */
	size_t n_signins;
};

/* Counts an executive wants (summary.pdf).  secrets_remediated: secrets
 * with an accepted remediation at any time; accounts_reviewed: accounts whose
 * log-review item is satisfied or late; items_late / items_open: items of
 * applicable required actions that are late, or not_satisfied /
 * insufficient_evidence (advisory actions excluded, as from the overall
 * result). */
struct rg_headline {
	size_t emails_reviewed, emails_total;
	size_t secrets_found, secrets_remediated;
	size_t accounts_total, accounts_reviewed;
	size_t items_late, items_open;
};

struct rg_results {
	const struct rg_directive *directive;
	const struct rg_evidence *evidence;
	enum rg_overall overall;
	struct rg_action_result *actions; /* in the directive's order */
	size_t n_actions;
	struct rg_headline headline;
	int64_t generated_ms; /* SOURCE_DATE_EPOCH or the clock */
};

#endif
