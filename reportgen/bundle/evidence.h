/*
 * evidence.h: the evidence model, what a bundle says once it is read.
 *
 * Produced by the bundle reader (bundle.h) from manifest.xml and the CSV
 * files of docs/bundle-format.md; consumed by the judge.  Every row keeps the
 * 1-based line of the file it came from (the header is line 1), so each
 * verdict can cite "file:line".  Cross-references are resolved into
 * pointers by the reader; a bundle with a dangling reference never reaches
 * the judge.
 *
 * Ownership: everything, strings included, lives in the arena handed to
 * rg_bundle_read and dies with it.  Optional text fields that were empty are
 * NULL, never "".
 */
#ifndef RG_EVIDENCE_H
#define RG_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "core/timefmt.h"

/* Member names, as they stand in the bundle and in citations. */
#define RG_F_MANIFEST "manifest.xml"
#define RG_F_FINDINGS "findings.csv"
#define RG_F_SECRETS "secrets.csv"
#define RG_F_REMEDIATIONS "remediations.csv"
#define RG_F_LOG_REVIEWS "log-reviews.csv"
#define RG_F_TIMELINE "timeline.csv"
#define RG_F_SIGNINS "signins.csv"
#define RG_F_AUDIT_EVENTS "audit-events.csv"

enum rg_impact { RG_IMPACT_NONE, RG_IMPACT_LOW, RG_IMPACT_MODERATE, RG_IMPACT_HIGH };

enum rg_secret_kind {
	RG_SECRET_PASSWORD, RG_SECRET_API_KEY, RG_SECRET_CLIENT_SECRET, RG_SECRET_CERTIFICATE,
	RG_SECRET_TOKEN, RG_SECRET_CONNECTION_STRING, RG_SECRET_OTHER,
};

/* Order is the spec's; the directive's accepted actions are a bit set
 * (1u << action). */
enum rg_remediation_action {
	RG_ACT_RESET, RG_ACT_ROTATED, RG_ACT_REVOKED, RG_ACT_SESSIONS_REVOKED,
	RG_ACT_APPLICATION_DEACTIVATED, RG_ACT_CONFIRMED_EXPIRED,
	RG_ACT_COUNT
};

enum rg_log_source { RG_LOG_SIGN_IN, RG_LOG_TOKEN_ISSUANCE, RG_LOG_AUDIT, RG_LOG_ACTIVITY, RG_LOG_COUNT };

enum rg_review_result { RG_REVIEW_NO_MALICIOUS, RG_REVIEW_SUSPICIOUS, RG_REVIEW_MALICIOUS };

enum rg_event_kind {
	RG_EV_NOTIFICATION_RECEIVED, RG_EV_ANALYSIS_STARTED, RG_EV_ANALYSIS_COMPLETED,
	RG_EV_IMPACT_ANALYSIS_COMPLETED, RG_EV_PRIVILEGED_ACCESS_REVIEW_COMPLETED,
	RG_EV_INITIAL_REPORT_SUBMITTED, RG_EV_STATUS_REPORT_SUBMITTED, RG_EV_OTHER,
	RG_EV_COUNT
};

/* The spellings of each enumeration, indexed by value, NULL-terminated. */
extern const char *const rg_impact_names[];
extern const char *const rg_secret_kind_names[];
extern const char *const rg_action_names[];
extern const char *const rg_log_source_names[];
extern const char *const rg_review_result_names[];
extern const char *const rg_event_names[];

struct rg_finding {
	uint32_t line;
	const char *email_id;
	struct rg_time sent_at;
	const char *sender, *recipients, *subject_sha256;
	bool reviewed; /* reviewed_at given */
	struct rg_time reviewed_at;
	const char *reviewer;
	bool contains_secret;
	enum rg_impact impact;
	const char *notes;
};

struct rg_secret {
	uint32_t line;
	const char *secret_id;
	const struct rg_finding *finding; /* resolved email_id */
	enum rg_secret_kind kind;
	const char *account, *application;
	int application_in_use; /* 1 yes, 0 no, -1 not given */
	struct rg_time identified_at;
};

struct rg_remediation {
	uint32_t line;
	const struct rg_secret *secret; /* resolved secret_id */
	enum rg_remediation_action action;
	struct rg_time performed_at;
	const char *performed_by, *system, *ticket;
};

struct rg_log_review {
	uint32_t line;
	const char *account;
	enum rg_log_source source;
	struct rg_time window_start, window_end;
	struct rg_time reviewed_at;
	const char *reviewer;
	enum rg_review_result result;
	const char *incident_id;
};

struct rg_event {
	uint32_t line;
	struct rg_time at;
	enum rg_event_kind kind;
	const char *actor, *reference, *notes;
	bool reference_is_attachment; /* reference names an attachments/... member (which exists) */
};

/* One row of audit-events.csv: an event of the tenant's own audit log
 * (Entra directory audits, the unified audit log), as `reportgen import
 * audit` writes it (docs/importers.md).  It can corroborate a remediation
 * claimed in remediations.csv; it is never one itself. */
struct rg_audit_event {
	uint32_t line;
	struct rg_time at;
	const char *operation;       /* as the log names it: "Reset user password." */
	const char *target;          /* user principal name, or service principal / application id */
	const char *actor;           /* who did it; NULL when not given */
	int action;                  /* enum rg_remediation_action it proves, -1 none */
	const char *correlation_id, *request_id;
	const char *source;          /* FILE:LINE of the exported record; NULL when not given */
};

/* One member of the ZIP, with its digest as computed while reading. */
struct rg_member {
	const char *path;
	char sha256[RG_SHA256_HEX];
	uint64_t size; /* uncompressed bytes */
};

struct rg_evidence {
	/* manifest.xml */
	int format;
	const char *directive;       /* e.g. "ED-24-02" */
	struct rg_time created;
	const char *agency_id, *agency_name, *agency_component;
	const char *contact_name, *contact_role, *contact_email;
	bool notified;
	struct rg_time notification_received; /* when notified */
	const char *notification_source, *notification_reference;

	/* Which optional files were present (an absent file and an empty one
	 * are judged differently: see docs/ed-24-02.md RA-1). */
	bool has_findings, has_secrets, has_remediations, has_log_reviews, has_signins;
	bool has_audit_events;

	struct rg_finding *findings;         size_t n_findings;
	struct rg_secret *secrets;           size_t n_secrets;
	struct rg_remediation *remediations; size_t n_remediations;
	struct rg_log_review *log_reviews;   size_t n_log_reviews;
	struct rg_event *events;             size_t n_events;
	struct rg_audit_event *audit_events; size_t n_audit_events; /* in file order */

	/* Every member of the bundle, manifest first, then in ZIP order. */
	struct rg_member *members;           size_t n_members;
	char bundle_sha256[RG_SHA256_HEX];   /* of the .zip file itself */
	const char *bundle_name;             /* file name of the .zip, no folder */
};

#endif
