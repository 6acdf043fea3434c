/*
 * evidence.h: the evidence model, what a bundle says once it is read.
 *
 * Produced by the bundle reader (bundle.h) from manifest.xml and the CSV
 * files a directive declares (its profile, profile.h), consumed by the
 * judge.  The model is open: a table is rows of typed values, one per
 * column of its spec, so a new directive's tables need no C.  Every row
 * keeps the 1-based line of the file it came from (the header is line 1),
 * so each verdict can cite "file:line".  Cross-references are resolved into
 * row indexes by the reader; a bundle with a dangling reference never
 * reaches the judge.
 *
 * Ownership: everything, strings included, lives in the arena handed to
 * rg_bundle_read and dies with it.  Optional text fields that were empty are
 * NULL, never "".
 */
#ifndef RG_EVIDENCE_H
#define RG_EVIDENCE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/profile.h"
#include "core/arena.h"
#include "core/digest.h"
#include "core/timefmt.h"

/* Member names of the bundle format's own files, as they stand in the
 * bundle and in citations.  A directive's tables are named by its profile
 * (profile.h). */
#define RG_F_MANIFEST "manifest.xml"
#define RG_F_SIGNINS "signins.csv"
#define RG_F_AUDIT_EVENTS "audit-events.csv"

/* The remediation kinds an audit-log event proves (audit-events.csv's
 * action column); a directive's remediation table that uses the same
 * spellings is corroborated by them. */
enum rg_remediation_action {
	RG_ACT_RESET, RG_ACT_ROTATED, RG_ACT_REVOKED, RG_ACT_SESSIONS_REVOKED,
	RG_ACT_APPLICATION_DEACTIVATED, RG_ACT_CONFIRMED_EXPIRED,
	RG_ACT_COUNT
};
extern const char *const rg_action_names[]; /* indexed by value, NULL-terminated */

/* One converted field.  Which members mean something follows from the
 * column's type (profile.h): s for id, reference, account, text and ip; t
 * for time; i for enum (index into the values) and boolean (1 yes, 0 no).
 * given is false when the field was empty or its column absent; i is -1
 * then.  For a reference, ref is the index + 1 of the row it names in the
 * referenced table (bundle.c resolves it; 0 only while unresolved).  For a
 * text column that may cite a document, i is 1 when the value names an
 * attachments/ member of the bundle.  A column the directive marks unread
 * (profile.h) is converted, checked and not stored.  24 bytes: every stored
 * field of the bundle is one (a finding row of ED 24-02 stores five), so i
 * is 16 bits, which an enum's index fits (a directive's column has at most
 * RG_COL_MAX_VALUES). */
struct rg_value {
	union { /* by the column's type */
		const char *s;
		struct rg_time t;
	};
	uint32_t ref;
	int16_t i;
	bool given;
};

/* One row of a table: the 1-based line of the file it starts on (the
 * header is line 1), its table's spec, and the values of the columns the
 * spec stores, read through rg_row_value. */
struct rg_row {
	uint32_t line;
	const struct rg_table_spec *spec;
	struct rg_value *v;
};

/* Where column c's value is among the row's values; -1 when the row's
 * spec does not store it (unread, profile.h) or c is -1 (no column). */
static inline int rg_row_slot(const struct rg_row *r, int c)
{
	assert(c >= -1 && c < (int)r->spec->n_cols);
	return c < 0 ? -1 : r->spec->slot ? r->spec->slot[c] : c;
}

/* Column c's value.  No column (c is -1) and a column the row's spec does
 * not store read as not given: the judge may be handed evidence read with
 * another definition's profile (it maps columns by name, ecol in
 * judge.c), whose unread columns are not its own. */
static inline const struct rg_value *rg_row_value(const struct rg_row *r, int c)
{
	static const struct rg_value not_given = {.i = -1};
	/* Every sweep of the rows reads them here: it gives back the pages
	 * of a spilling evidence arena now and then (core/arena.h). */
	rg_arena_tick();
	int k = rg_row_slot(r, c);
	return k >= 0 ? &r->v[k] : &not_given;
}

/* The same, for the reader to set what it resolves (a reference's row, a
 * cited document) in a column it stores. */
static inline struct rg_value *rg_row_value_set(const struct rg_row *r, int c)
{
	int k = rg_row_slot(r, c);
	assert(k >= 0);
	return &r->v[k];
}

/* One table of the directive's profile as the bundle holds it. */
struct rg_etable {
	const struct rg_table_spec *spec;
	bool present;      /* the member is in the bundle (an absent file and an
	                      empty one are judged differently) */
	struct rg_row *rows;
	size_t n;
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
	const char *directive;       /* e.g. the directive id */
	struct rg_time created;
	const char *agency_id, *agency_name, *agency_component;
	const char *contact_name, *contact_role, *contact_email;
	bool notified;
	struct rg_time notification_received; /* when notified */
	const char *notification_source, *notification_reference;

	/* The directive's tables, in its profile's order. */
	struct rg_etable *tables;            size_t n_tables;

	bool has_signins, has_audit_events;
	struct rg_audit_event *audit_events; size_t n_audit_events; /* in file order */

	/* Every member of the bundle, manifest first, then in ZIP order. */
	struct rg_member *members;           size_t n_members;
	char bundle_sha256[RG_SHA256_HEX];   /* of the .zip file itself */
	const char *bundle_name;             /* file name of the .zip, no folder */
};

#endif
