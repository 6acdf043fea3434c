/*
 * export.h: a report.xml turned into what other tools read: an OSCAL
 * assessment-results document, an OSCAL plan of action and milestones, an
 * action plan for a spreadsheet, each optionally with a detached signature;
 * and CISA's roll-up of many agencies' reports (rollup.h).
 *
 * Every export starts from a results document read back with
 * rg_report_xml_read's rules (results/report_xml.h), never from a bundle:
 * what an auditor exports is exactly what was signed.  The exports are
 * pure functions of the report's bytes: no clock, no file system path, no
 * random number goes in (times are the report's, UUIDs are version 5 names
 * of the report's own keys), so the same report always exports the same
 * bytes.  docs/exports.md describes each document field by field.
 *
 * Ownership: a struct rg_export_source lives in the arena given to
 * rg_export_load; the exporters only read it.
 */
#ifndef RG_EXPORT_H
#define RG_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/digest.h"
#include "core/status.h"
#include "results/results.h"
#include "sign/sign.h"

enum rg_export_kind {
	RG_EXPORT_OSCAL_AR,   /* "oscal-ar": assessment-results */
	RG_EXPORT_OSCAL_POAM, /* "oscal-poam": plan-of-action-and-milestones */
	RG_EXPORT_ACTION_PLAN, /* "action-plan": CSV, one row per open or late item */
	RG_EXPORT_KIND_COUNT
};

/* "oscal-ar", "oscal-poam", "action-plan", NULL. */
extern const char *const rg_export_kind_names[];

/* The OSCAL versions whose schemas the documents are checked against
 * (tests/export/oscal/), and the one declared by default. */
extern const char *const rg_oscal_versions[]; /* "1.0.6", "1.2.1", NULL */
#define RG_OSCAL_VERSION_DEFAULT "1.0.6"

/* A report read for export: its model, and the identity of the exact bytes
 * the model was read from. */
struct rg_export_source {
	const struct rg_results *results;
	const char *name;           /* the report's file name, without folder */
	char sha256[RG_SHA256_HEX]; /* of the bytes read */
	uint64_t size;
	/* With trust anchors given to rg_export_load: who signed those bytes. */
	const char *signer;         /* subject, one line, or NULL */
};

/* Reads the report at path once (at most max_bytes): digests the bytes,
 * and, when trust is given, verifies their signature against those
 * anchors (rg_verify_file, on a private in-memory copy of the same bytes,
 * so the file cannot change between check and use), then reads the model
 * from them (rg_report_xml_parse).  RG_EINPUT, with a diagnostic, when the
 * signature does not verify, is not whole or not trusted, or the document
 * is not a valid report; RG_EENV when unreadable. */
rg_status rg_export_load(struct rg_export_source *out, const char *path, uint64_t max_bytes,
                         const struct rg_trust *trust, struct rg_arena *arena,
                         struct rg_diags *diags);

struct rg_export_options {
	enum rg_export_kind kind;
	const char *oscal_version;       /* one of rg_oscal_versions */
	const struct rg_signer *signer;  /* NULL: unsigned, no FILE.sig */
	bool force;                      /* replace FILE (and FILE.sig) */
};

/* Writes the export to path and, with a signer, its detached signature to
 * path.sig (sign.h rg_sign_detached), both staged in path's folder and
 * renamed into place only when complete (output/outputs.h, in place).
 * Without force an existing path or path.sig is left alone (RG_EINPUT);
 * an unsigned export with force removes a path.sig that would no longer
 * match it. */
rg_status rg_export_write(const struct rg_export_source *src, const struct rg_export_options *opt,
                          const char *path, struct rg_diags *diags);

/* The documents, written to out (name is for diagnostics).  RG_EINPUT when
 * the report holds something the format cannot carry (an OSCAL time before
 * 1900, two actions with one id); RG_EENV when writing fails. */
rg_status rg_export_oscal_ar(FILE *out, const char *name, const struct rg_export_source *src,
                             const char *oscal_version, struct rg_diags *diags);
rg_status rg_export_oscal_poam(FILE *out, const char *name, const struct rg_export_source *src,
                               const char *oscal_version, struct rg_diags *diags);
rg_status rg_export_action_plan(FILE *out, const char *name, const struct rg_results *r,
                                struct rg_diags *diags);

/* A version 5 (name-based, SHA-1) UUID of name in namespace ns (16 bytes),
 * RFC 9562 section 5.5, as 36 lowercase characters and a NUL into out.
 * False when OpenSSL cannot compute SHA-1. */
#define RG_UUID_BUFSZ 37
bool rg_uuid_v5(char out[RG_UUID_BUFSZ], const unsigned char ns[16], const char *name,
                size_t len);

/* The one namespace of reportgen's OSCAL UUIDs: uuid5(NAMESPACE_URL,
 * "urn:reportgen:oscal:1") = e5580dc0-29fd-5e4b-a7ea-2017ab6615a5. */
extern const unsigned char rg_oscal_uuid_ns[16];

#endif
