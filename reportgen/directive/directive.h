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

/* When an action applies (docs/ed-24-02.md, Applicability). */
enum rg_applies {
	RG_APPLIES_NOTIFIED,            /* manifest notification/@status = notified */
	RG_APPLIES_ROWS,     /* notified and the directive's <applicability> table has a row */
};

/* A reason template: the sentence of one outcome of a rule kind, with
 * {placeholders} (docs/directive.md), and its stable codes. */
struct rg_reason_tpl {
	const char *on;    /* the outcome ("late") */
	const char *codes; /* "event-late" */
	const char *text;
};

/* The rule kinds a directive file composes. */
enum rg_step_kind {
	RG_STEP_ROW_DEADLINE, /* every row of a table done (a time column) by its due time */
	RG_STEP_EVENT,        /* the earliest row of a kind (with a reference) by the deadline */
	RG_STEP_FIRST_RELATED, /* per row, the earliest related row of accepted kinds, by an
	                          anchor column plus the action's window, or the deadline */
	RG_STEP_COVERAGE,     /* per group of rows, reviewed intervals of each accepted source
	                          group cover the group's window, by the deadline */
};

/* The rule kinds' element names, indexed by enum rg_step_kind. */
extern const char *const rg_step_kind_names[];

/* The largest number of values an enum column may have for the rule kinds
 * that hold sets of them (kinds, source groups) as bits. */
#define RG_STEP_MAX_VALUES 64

/* <coverage>'s <sources>: a set of values of the review table's source
 * column (bit k: value k), and its name in reasons ("audit or activity",
 * the values in the column's order). */
struct rg_source_group {
	uint64_t set;
	const char *label;
};

struct rg_step {
	enum rg_step_kind kind;
	const struct rg_table_spec *table;
	enum rg_subject_kind subject;
	int id_col;          /* the subject's id (row-deadline), -1 for the table's */
	int time_col;        /* when it was done; the event's time */
	/* row-deadline: the due time of a row, from its own column due_col or,
	 * through the reference column due_ref, from the referenced row's
	 * column due_col; both -1: the action's deadline. */
	int due_ref, due_col;
	const struct rg_table_spec *due_table;
	enum rg_verdict when_missing;  /* table absent */
	enum rg_verdict when_empty;    /* table without rows (when_missing unless given) */
	/* event */
	int kind_col, ref_col;
	const char *event_kind;
	bool needs_reference, needs_attachment;
	enum rg_verdict when_absent;
	/* first-related: the rows of related_table whose reference column
	 * via names this row, of a kind_col value in kinds (NULL-terminated),
	 * earliest by time_col; due at anchor_col + the action's window (or
	 * the deadline when anchor_col is -1).  corroborate: the related rows
	 * are checked against the audit log (audit-events.csv). */
	const struct rg_table_spec *related_table;
	int via_col, anchor_col;
	const char *const *kinds;
	bool corroborate;
	/* <also>: when this row's column also_col holds also_value, a related
	 * row of a kind in also_kinds is needed too; the later of the two
	 * decides the timing.  also_col -1: none. */
	int also_col;
	const char *also_value;
	const char *const *also_kinds;
	/* The subject row's columns whose values an audit event's target may
	 * be (corroborate="yes"'s audit-targets), in order of preference. */
	int targets[4];
	size_t n_targets;
	/* coverage: the rows of table are grouped by group_col (case-folded);
	 * each group's window starts at the earliest start_col of the row its
	 * reference column start_ref names (start_else of the row itself when
	 * it names none) and ends at the latest of its rows' first related row
	 * (related_table, via_col, kinds, time_col as for first-related), the
	 * deadline for a row without one.  The rows of review_table whose
	 * match_col names the group (case-folded) cover [from_col, to_col] of
	 * their source_col's group; each of sources must cover the window.
	 * done_col: when reviewed (the latest decides the timing).  req_col:
	 * a column a review must give unless its unless_col holds the value
	 * unless_value (index), -1 none. */
	int group_col, start_ref, start_col, start_else;
	const struct rg_table_spec *start_table;
	const struct rg_table_spec *review_table;
	int match_col, source_col, from_col, to_col, done_col;
	struct rg_source_group *sources;
	size_t n_sources;
	int req_col, unless_col, unless_value;
	struct rg_reason_tpl *reasons;
	size_t n_reasons;
};

struct rg_action_def {
	const char *id;         /* "RA-1" */
	const char *title;
	const char *wording;    /* the directive text this action encodes */
	const char *source;     /* where the wording comes from (section, URL) */
	const char *note;       /* the project's interpretation, or NULL */
	enum rg_action_kind kind;
	enum rg_applies applies;
	const char *rule_label; /* the rule attribute as written, shown in the reports */
	const char *applies_label; /* the applies attribute as written ("notified") */
	struct rg_step *steps;  /* the rule kinds it composes, judged in order */
	size_t n_steps;

	bool has_deadline;
	struct rg_time deadline;

	/* the window of a first-related step with an anchor */
	bool has_window;
	int64_t window_ms;        /* the "immediate" window */
	const char *window_text;  /* as written, e.g. "PT48H" */
};

struct rg_directive {
	struct rg_profile profile; /* the evidence tables it declares (<evidence>) */
	/* <applicability>: the name and table of the second predicate (an
	 * action applies when the agency was notified and that table has a
	 * row), and the reasons when it does not. */
	const char *rows_name;
	const struct rg_table_spec *rows_table;
	struct rg_reason_tpl *rows_reasons;
	size_t n_rows_reasons;
	/* <notification>: the reason of an action's item when the agency was
	 * not notified. */
	struct rg_reason_tpl *notified_reasons;
	size_t n_notified_reasons;
	/* <headline>: the table whose rows and done-column count as the
	 * reviewed items, and the table whose rows count as found. */
	const struct rg_table_spec *reviewed_table, *found_table;
	int reviewed_col;
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
