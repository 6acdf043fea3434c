/*
 * sign_internal.h: what the files of the sign stage share, and nothing else
 * includes.
 *
 * signer.c loads and checks the key material; sign_pdf.c and sign_xml.c use
 * it read-only; verify.c needs none of it.  pdfobj.c is the minimal PDF
 * object reader both signing and verifying use.  x509util.c holds the
 * certificate helpers (names, times, chain check) shared by signing and
 * verifying.
 *
 * Invariant: a struct rg_signer only exists with a key that matches its
 * certificate, a certificate valid at signing_time and allowed to make
 * digital signatures (rg_signer_load refuses everything else).
 */
#ifndef RG_SIGN_INTERNAL_H
#define RG_SIGN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sign/sign.h"

struct rg_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain; /* intermediates, maybe empty, never NULL */
	int64_t signing_time_ms;
	struct rg_pdf_signer info; /* strings below */
	char *subject, *issuer, *serial, *not_after;
};

/* One-line RFC 2253 name ("CN=...,O=...,C=US"); malloc'd or NULL. */
char *rg_x509_name_line(const X509_NAME *name);
/* An ASN1_TIME as RFC 3339 UTC ("2037-01-01T00:00:00Z") into buf (RG_TIME_BUFSZ). */
bool rg_x509_time_rfc3339(char *buf, size_t size, const ASN1_TIME *t);
/* Does cert chain to an anchor of ca_path, with untrusted as intermediates?
 * Checked at the current time, any purpose (the anchors decide whom they
 * trust; key usage is checked separately); every certificate of ca_path is
 * an anchor, self-signed or not.  Writes the reason on failure
 * into why (one line).  Returns false also when ca_path cannot be read,
 * then *ca_unreadable is set. */
bool rg_x509_chain_ok(X509 *cert, STACK_OF(X509) * untrusted, const char *ca_path, char *why,
                      size_t why_size, bool *ca_unreadable);

/* The bytes a signature covers, in up to three pieces (a PDF's two
 * ranges around the update; a detached signature's whole file). */
struct rg_cms_pieces {
	const unsigned char *p[3];
	size_t n[3];
};

/* A detached CMS SignedData over the pieces, DER-encoded into *der
 * (OPENSSL_free): SHA-256, our signingTime, ESS signing-certificate-v2,
 * the chain embedded (sign_pdf.c; sign_detached.c uses it too). */
bool rg_cms_sign(const struct rg_signer *s, const struct rg_cms_pieces *content,
                 unsigned char **der, int *der_len);

/* The PDF half of rg_verify_file (verify.c), on the file's bytes; res must
 * be zeroed by the caller.  Exposed for the fuzz target. */
void rg_verify_pdf_bytes(struct rg_verify_result *res, const char *data, size_t len,
                         const char *ca_path);

/* The XML half of rg_verify_file (sign_xml.c): data is the whole file. */
rg_status rg_verify_xml(struct rg_verify_result *res, const char *path, const char *data,
                        size_t len, const char *ca_path, struct rg_diags *diags);

#endif
