/*
 * sign.h: signing the finished reports, and verifying them.
 *
 * PDF: one incremental update appended to a complete PDF, holding a
 * signature field and a detached CMS SignedData (OpenSSL 3 CMS API,
 * SHA-256, signer certificate and chain embedded) over the /ByteRange, in
 * the PAdES baseline form (ETSI.CAdES.detached, no signingTime) unless
 * no_pades.  XML: an enveloped XML-DSig signature (exclusive C14N, SHA-256,
 * the certificate in ds:KeyInfo) as the last child of the root, computed
 * here and checked with xmlsec1.  The key is a PEM file or stays on a
 * PKCS#11 token (pkcs11.c); with a TSA each signature carries an RFC 3161
 * time-stamp (tsa.c).  docs/cli.md, section Signing, is the contract.
 * Verifying fails closed: a report is valid only when intact, covering
 * every byte of the file, made with accepted algorithms by a certificate
 * allowed to sign, and chained to a trust anchor at its signing time (the
 * time-stamp's when it is trusted; docs/signing.md).
 *
 * Ownership: rg_signer_load returns a signer the caller frees with
 * rg_signer_free (NULL is fine).  Key material never leaves this module:
 * no function here writes a key, a passphrase, a PIN or its length to an
 * output, a diagnostic or a log.
 */
#ifndef RG_SIGN_H
#define RG_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/status.h"

struct rg_signer;

struct rg_signer_options {
	const char *key_path;        /* PEM private key (maybe encrypted), or a
	                                PKCS#11 URI "pkcs11:token=...;object=..." */
	const char *cert_path;       /* PEM signer certificate; NULL with a token
	                                key: the token's certificate for the key */
	const char *chain_path;      /* PEM intermediates, or NULL */
	const char *passphrase_file; /* or NULL: then $REPORTGEN_KEY_PASSPHRASE */
	const char *pin_file;        /* token PIN, or NULL: then $REPORTGEN_PIN */
	const char *pkcs11_module;   /* or NULL: the URI's module-path, else p11-kit */
	const char *tsa_url;         /* RFC 3161 time-stamping authority, or NULL */
	bool no_pades;               /* PDF: adbe.pkcs7.detached with signingTime
	                                instead of PAdES B-B (ETSI.CAdES.detached) */
	int64_t signing_time_ms;     /* SOURCE_DATE_EPOCH or the clock */
};

/* Loads and checks key and certificate: they match, the certificate is
 * valid at signing time and allows digital signatures.  Failures are
 * diagnostics with RG_EENV (unreadable file, wrong passphrase, mismatch,
 * expired ...) or RG_EINPUT (usage: a missing option). */
rg_status rg_signer_load(struct rg_signer **out, const struct rg_signer_options *opt,
                         struct rg_diags *diags);
void rg_signer_free(struct rg_signer *s);

/* Does --key name a key on a PKCS#11 token ("pkcs11:...", RFC 7512)? */
bool rg_p11_is_key_uri(const char *key);

/* Who signs, as the reports show it (strings owned by the signer). */
struct rg_signer_identity {
	const char *subject;    /* RFC 2253 one line */
	const char *issuer;
	const char *serial;     /* hex */
	const char *not_before; /* RFC 3339 UTC */
	const char *not_after;
	int64_t signing_time_ms;
	/* The certificate is reportgen's published demonstration one
	 * (samples/pki/make-demo-pki.sh: subject or issuer CN starting
	 * "reportgen DEMO"): its key is public, so the PDFs say DEMO. */
	bool demo;
};
const struct rg_signer_identity *rg_signer_identity(const struct rg_signer *s);

/* Appends the signature to the complete PDF at path (in place; the caller
 * works on a temporary and renames it afterwards). */
rg_status rg_sign_pdf(const struct rg_signer *s, const char *path, struct rg_diags *diags);

/* Signs report.xml at path in place (enveloped). */
rg_status rg_sign_xml(const struct rg_signer *s, const char *path, struct rg_diags *diags);

/* Trust anchors for verify: certificates from --ca files or the trust store
 * named by $REPORTGEN_CA.  Every certificate given is an anchor, self-signed
 * or not (an agency may trust its issuing CA alone). */
struct rg_trust;

/* Loads the anchors of each path: a file of PEM certificates, or a folder
 * whose regular files are read as such (files there without certificates
 * are skipped).  RG_EENV when a path cannot be read; RG_EINPUT (a usage
 * error) when a file holds a certificate block that does not parse, or a
 * path yields no certificate at all.  *out is freed with rg_trust_free. */
rg_status rg_trust_load(struct rg_trust **out, const char *const *paths, size_t n,
                        struct rg_diags *diags);
void rg_trust_free(struct rg_trust *t);

/* Adds the anchors for time-stamping authorities (verify --tsa-ca): files
 * as rg_trust_load reads them.  *t may be NULL (no --ca): then a trust
 * with TSA anchors only is made, which trusts no signer. */
rg_status rg_trust_load_tsa(struct rg_trust **t, const char *const *paths, size_t n,
                            struct rg_diags *diags);

/* What verify found in one file, worst first.  Only RG_VERIFY_VALID is a
 * report to rely on. */
enum rg_verify_verdict {
	RG_VERIFY_VALID = 0,     /* intact, covers the whole file, signer trusted */
	RG_VERIFY_UNTRUSTED = 1, /* intact and whole, but the signer is not trusted */
	RG_VERIFY_PARTIAL = 2,   /* the signature holds, but the file carries content
	                            it does not cover */
	RG_VERIFY_INVALID = 3,   /* changed, malformed, or made in a way verify refuses */
	RG_VERIFY_UNSIGNED = 4,  /* no signature at all */
};

struct rg_verify_result {
	enum rg_verify_verdict verdict;
	char reason[512];      /* one line: what failed ("" when valid) */
	bool intact;           /* the signature verifies over what it covers */
	char subject[512];     /* the signer certificate's subject, or "" */
	char signing_time[64]; /* RFC 3339 UTC, or "" when not known */
	bool time_from_report; /* XML: XML-DSig states no signing time, so
	                          signing_time is the report's @generated */
	char anchor[512];      /* the anchor the chain reached, or "" */
	char note[256];        /* e.g. the certificate has expired since signing */
	/* An RFC 3161 time-stamp over the signature, when it carries one. */
	bool tsa_present;
	bool tsa_trusted;      /* its TSA chains to a --tsa-ca anchor */
	char tsa_time[64];     /* the TSA's genTime, RFC 3339 UTC */
	char tsa_name[512];    /* the TSA certificate's subject */
	char tsa_note[256];    /* why the time is not trusted, or "" */
	bool pades;            /* PDF: SubFilter ETSI.CAdES.detached */
};

/* Files larger than these are refused, by signing and by verify alike. A
 * PDF is read through a memory map and its digest computed in pieces; an
 * XML report is parsed by libxml2, which counts bytes in an int. */
#define RG_SIGN_PDF_MAX ((uint64_t)4 << 30)
#define RG_SIGN_XML_MAX ((uint64_t)INT32_MAX)

/* Verifies a PDF or XML report.  A file named *.pdf must be a PDF, *.xml an
 * XML document; other names are taken by content.  trust may be NULL (no
 * anchors: then the verdict is at best RG_VERIFY_UNTRUSTED).  RG_OK when the
 * file was examined (whatever the verdict, see *res); RG_EENV when it cannot
 * be read; RG_EINPUT, with a diagnostic, when it is neither a PDF nor an XML
 * document or larger than the limits above. */
rg_status rg_verify_file(struct rg_verify_result *res, const char *path,
                         const struct rg_trust *trust, struct rg_diags *diags);

/* Detached signatures of exports (sign_detached.c): a DER CMS SignedData
 * over every byte of content_path, written to sig_path (in the caller's
 * staging folder).  `openssl cms -verify -binary -inform DER -in SIG
 * -content FILE` accepts it. */
rg_status rg_sign_detached(const struct rg_signer *s, const char *content_path,
                           const char *sig_path, struct rg_diags *diags);

/* Is path a detached signature by its name (FILE.sig)? */
bool rg_verify_is_detached(const char *path);

/* Verifies the detached signature sig_path (DER or PEM) over content_path,
 * or, when that is NULL, over sig_path without its ".sig".  Verdicts and
 * statuses as rg_verify_file's; never RG_VERIFY_PARTIAL: the signature is
 * over the whole content by construction. */
rg_status rg_verify_detached(struct rg_verify_result *res, const char *sig_path,
                             const char *content_path, const struct rg_trust *trust,
                             struct rg_diags *diags);

#endif
