/*
 * sign.h: signing the finished reports, and verifying them.
 *
 * PDF: one incremental update appended to a complete PDF, holding a
 * signature field and a detached CMS SignedData (OpenSSL 3 CMS API,
 * SHA-256, signer certificate and chain embedded) over the /ByteRange.
 * XML: an enveloped XML-DSig signature (xmlsec1, exclusive C14N, SHA-256,
 * the certificate in ds:KeyInfo) as the last child of the root.
 * cli-and-reports.md, section Signing, is the contract.
 *
 * Ownership: rg_signer_load returns a signer the caller frees with
 * rg_signer_free (NULL is fine).  Key material never leaves this module:
 * no function here writes a key, a passphrase or its length to an output,
 * a diagnostic or a log.
 */
#ifndef RG_SIGN_H
#define RG_SIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/status.h"
#include "views/pdf.h"

struct rg_signer;

struct rg_signer_options {
	const char *key_path;        /* PEM private key (maybe encrypted) */
	const char *cert_path;       /* PEM signer certificate */
	const char *chain_path;      /* PEM intermediates, or NULL */
	const char *passphrase_file; /* or NULL: then $REPORTGEN_KEY_PASSPHRASE */
	int64_t signing_time_ms;     /* SOURCE_DATE_EPOCH or the clock */
};

/* Loads and checks key and certificate: they match, the certificate is
 * valid at signing time and allows digital signatures.  Failures are
 * diagnostics with RG_EENV (unreadable file, wrong passphrase, mismatch,
 * expired ...) or RG_EINPUT (usage: a missing option). */
rg_status rg_signer_load(struct rg_signer **out, const struct rg_signer_options *opt,
                         struct rg_diags *diags);
void rg_signer_free(struct rg_signer *s);

/* What the PDF's signer block shows (strings owned by the signer). */
const struct rg_pdf_signer *rg_signer_info(const struct rg_signer *s);

/* Appends the signature to the complete PDF at path (in place; the caller
 * works on a temporary and renames it afterwards). */
rg_status rg_sign_pdf(const struct rg_signer *s, const char *path, struct rg_diags *diags);

/* Signs report.xml at path in place (enveloped). */
rg_status rg_sign_xml(const struct rg_signer *s, const char *path, struct rg_diags *diags);

/* What verify found in one file. */
struct rg_verify_result {
	bool signed_;       /* a signature was found */
	bool valid;         /* cryptographically intact over what it covers */
	bool covers_whole;  /* PDF: ByteRange reaches the end of the file; XML: the root */
	bool chain_trusted; /* chains to the --ca anchors (false when no --ca) */
	bool ca_given;
	char subject[512];
	char signing_time[64]; /* RFC 3339, or "" when absent */
	bool time_from_report; /* XML: XML-DSig states no signing time, so
	                          signing_time is the report's @generated */
	char detail[512];      /* one line: why not valid, or "" */
};

/* Verifies a PDF or XML report (by content).  RG_OK when the file was
 * examined (whatever the verdict, see *res); RG_EENV when unreadable;
 * RG_EINPUT when it is neither a PDF nor an XML document. */
rg_status rg_verify_file(struct rg_verify_result *res, const char *path, const char *ca_path,
                         struct rg_diags *diags);

/* Detached signatures of exports (sign_detached.c): a DER CMS SignedData
 * over every byte of content_path, written to sig_path (in the caller's
 * staging folder).  `openssl cms -verify -binary -inform DER -in SIG
 * -content FILE` accepts it. */
rg_status rg_sign_detached(const struct rg_signer *s, const char *content_path,
                           const char *sig_path, struct rg_diags *diags);

/* Is path a detached signature by its name (FILE.sig)? */
bool rg_verify_is_detached(const char *path);

/* Verifies the detached signature sig_path (DER or PEM) over content_path,
 * or, when that is NULL, over sig_path without its ".sig".  Results and
 * statuses as rg_verify_file's; covers_whole is true once the signature
 * holds (it is over the whole content by construction). */
rg_status rg_verify_detached(struct rg_verify_result *res, const char *sig_path,
                             const char *content_path, const char *ca_path,
                             struct rg_diags *diags);

#endif
