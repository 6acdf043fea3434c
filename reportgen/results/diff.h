/*
 * diff.h: what changed between two results documents of the same agency
 * and directive (`reportgen diff OLD.xml NEW.xml`).
 *
 * Items are matched by action id and typed subject (kind and ref), files
 * by path, so the comparison does not depend on row numbers, which move
 * whenever a row is added.  A change is a regression when it makes things
 * worse: the overall result or an action's status worse, an item that gets
 * a worse status, or a new item that is open or late.  Nothing else is
 * (an item that disappears is listed, and the reader decides).
 *
 * Ownership: the changes live in the arena given to rg_results_diff; the
 * strings point into the two models, which must outlive the diff.
 */
#ifndef RG_DIFF_H
#define RG_DIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/status.h"
#include "results/results.h"

enum rg_change_kind {
	RG_CH_DIRECTIVE,        /* the definition's version or digest changed */
	RG_CH_OVERALL,          /* the overall result changed */
	RG_CH_ACTION_STATUS,    /* an action's status changed */
	RG_CH_ACTION_ADDED,     /* an action only in NEW */
	RG_CH_ACTION_REMOVED,   /* an action only in OLD */
	RG_CH_ITEM_SATISFIED,   /* an item became satisfied (on time) */
	RG_CH_ITEM_LATE,        /* an item became satisfied late */
	RG_CH_ITEM_OPEN,        /* an item became not satisfied / insufficient */
	RG_CH_ITEM_STATUS,      /* any other status change (e.g. to not applicable) */
	RG_CH_ITEM_APPEARED,    /* an item only in NEW */
	RG_CH_ITEM_DISAPPEARED, /* an item only in OLD */
	RG_CH_FILE_ADDED,
	RG_CH_FILE_REMOVED,
	RG_CH_FILE_CHANGED,     /* same path, another digest */
	RG_CH_COUNT
};

/* "directive", "overall", "action-status", ... as --format xml writes them. */
extern const char *const rg_change_names[];

struct rg_change {
	enum rg_change_kind kind;
	bool regression;
	const char *action;             /* action id, or NULL */
	const struct rg_item *old_item; /* the item on each side, when any */
	const struct rg_item *new_item;
	const char *old_value, *new_value; /* statuses, overall results, digests, versions */
	const char *path;               /* file changes */
};

struct rg_diff {
	const struct rg_results *old, *new;
	struct rg_change *changes;
	size_t n;
	bool regressed;
};

/* Compares.  RG_EINPUT (with a diagnostic naming both values) when the two
 * reports are of different agencies or directives and force is false. */
rg_status rg_results_diff(struct rg_diff *out, const struct rg_results *old,
                          const struct rg_results *new, bool force, const char *old_name,
                          const char *new_name, struct rg_arena *arena, struct rg_diags *diags);

/* The diff as XML for machines (namespace urn:reportgen:diff:1,
 * templates/diff.xsd); the table for people is the command line's
 * (cli/cmd_diff.c). */
rg_status rg_diff_write_xml(FILE *out, const struct rg_diff *d, const char *old_name,
                            const char *new_name, struct rg_diags *diags);

#endif
