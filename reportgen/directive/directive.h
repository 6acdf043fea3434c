/*
 * directive.h: a directive's required actions, read from data.
 *
 * directives/ed-24-02.xml (schema directives/directive.xsd) lists every
 * action: its id, title, the directive wording it encodes and where that
 * wording comes from, required or advisory, when it applies, its deadline
 * and the parameters of its rule.  The judge (judge/judge.h) implements
 * each rule once; which rule an action uses and with what parameters is
 * data, so an agency or auditor that reads the directive differently edits
 * the XML, not the C.
 *
 * Ownership: everything lives in the arena passed to rg_directive_load.
 */
#ifndef RG_DIRECTIVE_H
#define RG_DIRECTIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle/evidence.h"
#include "core/arena.h"
#include "core/diag.h"
#include "core/status.h"
#include "core/timefmt.h"
#include "results/results.h"

/* The vocabulary the rules below still name (the values of enumerations
 * the directive's tables declare), indexed by value, NULL-terminated. */
enum rg_log_source { RG_LOG_SIGN_IN, RG_LOG_TOKEN_ISSUANCE, RG_LOG_AUDIT, RG_LOG_ACTIVITY, RG_LOG_COUNT };
enum rg_event_kind {
	RG_EV_NOTIFICATION_RECEIVED, RG_EV_ANALYSIS_STARTED, RG_EV_ANALYSIS_COMPLETED,
	RG_EV_IMPACT_ANALYSIS_COMPLETED, RG_EV_PRIVILEGED_ACCESS_REVIEW_COMPLETED,
	RG_EV_INITIAL_REPORT_SUBMITTED, RG_EV_STATUS_REPORT_SUBMITTED, RG_EV_OTHER,
	RG_EV_COUNT
};
extern const char *const rg_log_source_names[];
extern const char *const rg_event_names[];

/* When an action applies (docs/ed-24-02.md, Applicability). */
enum rg_applies {
	RG_APPLIES_NOTIFIED,            /* manifest notification/@status = notified */
	RG_APPLIES_COMPROMISE_DETECTED, /* notified and secrets.csv has a row */
};

/* The evaluation rules the judge knows.  Each is one paragraph of
 * docs/ed-24-02.md, written generally enough that its parameters come from the
 * directive file. */
enum rg_rule {
	RG_RULE_CORRESPONDENCE_ANALYSIS, /* RA-1: every finding reviewed + impact analysis event */
	RG_RULE_IMMEDIATE_REMEDIATION,   /* RA-2a: first remediation within a window */
	RG_RULE_CREDENTIAL_RESET,        /* RA-2b-i: remediation (+ deactivation) by deadline */
	RG_RULE_LOG_REVIEW,              /* RA-2b-ii: required log sources cover exposure */
	RG_RULE_TIMELINE_EVENT,          /* RA-3a/3b/4: an event of a kind (with a reference) */
};

/* The rules as the directive file names them, indexed by enum rg_rule. */
extern const char *const rg_rule_names[];

struct rg_action_def {
	const char *id;         /* "RA-1" */
	const char *title;
	const char *wording;    /* the directive text this action encodes */
	const char *source;     /* where the wording comes from (section, URL) */
	const char *note;       /* the project's interpretation, or NULL */
	enum rg_action_kind kind;
	enum rg_applies applies;
	enum rg_rule rule;

	bool has_deadline;
	struct rg_time deadline;

	/* RG_RULE_IMMEDIATE_REMEDIATION */
	bool has_window;
	int64_t window_ms;        /* the "immediate" window */
	const char *window_text;  /* as written, e.g. "PT48H" */

	/* Remediation kinds that count as remediating a secret: a bit set of
	 * 1u << enum rg_remediation_action. */
	unsigned accepted_actions;
	/* Action required when application_in_use = no, or -1 for none. */
	int deactivation_action;

	/* RG_RULE_LOG_REVIEW: each group is a bit set of 1u << enum rg_log_source;
	 * every group needs a review from one of its sources. */
	unsigned log_groups[RG_LOG_COUNT];
	size_t n_log_groups;

	/* RG_RULE_TIMELINE_EVENT and the impact analysis of
	 * RG_RULE_CORRESPONDENCE_ANALYSIS */
	enum rg_event_kind event;
	bool event_needs_reference;   /* any reference */
	bool event_needs_attachment;  /* a reference to an attachments/ member */
};

struct rg_directive {
	struct rg_profile profile; /* the evidence tables it declares (<evidence>) */
	const char *id;        /* "ED-24-02" */
	const char *version;   /* the definition's version, shown in reports */
	const char *title;
	const char *issued;    /* date, as written */
	const char *source;    /* where the directive text comes from */
	const char *numbering_note; /* why the action ids are the project's own */
	int64_t corroboration_ms;        /* <corroboration-window>, PT2H when absent */
	const char *corroboration_text;  /* as written, "PT2H" */
	const char *path;      /* file it was read from */
	const char *file;      /* its file name, without the folder */
	char sha256[RG_SHA256_HEX]; /* of the exact bytes read */
	bool installed;        /* set by the caller (judge/run.c): the bytes are
	                          those of the definition installed for this id */
	struct rg_action_def *actions;
	size_t n_actions;
};

/* Reads and validates a directive definition against directives/directive.xsd.
 * Problems go to diags with the file's line numbers; returns RG_EINPUT then. */
rg_status rg_directive_load(struct rg_directive **out, const char *path, struct rg_arena *arena,
                            struct rg_diags *diags);

/* The installed definition for a directive id ("ED-24-02" ->
 * <datadir>/directives/ed-24-02.xml); malloc'd path, caller frees. */
char *rg_directive_path_for(const char *directive_id);

/* The ids of the installed definitions ("ED-24-02, ..."), from their file
 * names, sorted; malloc'd, caller frees; NULL when out of memory. */
char *rg_directive_installed_ids(void);

/* An rg_profile_fn (bundle/bundle.h) for tests and tools that read a bundle
 * without judging it: the profile of the installed definition of the
 * directive the manifest names, loaded into the arena ctx (a struct
 * rg_arena *); NULL when there is none (its problems are not reported). */
const struct rg_profile *rg_directive_installed_profile(void *ctx, const struct rg_evidence *ev);

#endif
