/*
 * sign_internal.h: what the files of the sign stage share, and nothing else
 * includes (but the stage's own tests and fuzz targets).
 *
 * signer.c loads and checks the key material; sign_pdf.c and sign_xml.c use
 * it read-only.  pdfobj.c is the minimal PDF object reader both signing and
 * verifying use.  x509util.c holds the certificate rules shared by signing
 * and verifying (which certificates may sign a report, the trust anchors,
 * the chain check at the signing time) and the verdict bookkeeping;
 * sigfile.c reads a report to sign or verify.  verify.c checks PDFs,
 * sign_xml.c checks XML.
 *
 * Invariant: a struct rg_signer only exists with a key that matches its
 * certificate, a certificate valid at signing_time and allowed to sign
 * reports by rg_x509_may_sign (rg_signer_load refuses everything else), so
 * what reportgen signs, verify accepts.
 */
#ifndef RG_SIGN_INTERNAL_H
#define RG_SIGN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <stdio.h>

#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sign/sign.h"

struct rg_p11;

struct rg_signer {
	EVP_PKEY *key;
	struct rg_p11 *p11; /* the token session a token key needs, or NULL */
	char *tsa_url;      /* RFC 3161 TSA to ask, or NULL */
	bool pades;         /* PDF signatures are PAdES B-B/B-T */
	X509 *cert;
	STACK_OF(X509) * chain; /* intermediates, maybe empty, never NULL */
	int64_t signing_time_ms;
	struct rg_signer_identity info; /* strings below */
	char *subject, *issuer, *serial, *not_before, *not_after;
};

struct rg_trust {
	STACK_OF(X509) * anchors;     /* empty only when the trust is for TSAs alone */
	STACK_OF(X509) * tsa_anchors; /* --tsa-ca, or NULL */
};

/* RFC 3161 (tsa.c).  Asks the TSA at url for a token over SHA-256(data);
 * the DER token into *tok (OPENSSL_free), or false with why filled. */
bool rg_tsa_stamp(const char *url, const unsigned char *data, size_t n, unsigned char **tok,
                  int *tok_len, char *why, size_t why_size);
/* Checks the DER token over data (the signature value it stamps): fills
 * res's tsa_ fields; refuses INVALID when unreadable or over other data,
 * UNTRUSTED when TSA anchors are given and not reached.  *trusted_time is
 * set (epoch seconds) only when the token chains to a TSA anchor. */
bool rg_tsa_check(struct rg_verify_result *res, const unsigned char *tok, size_t tok_len,
                  const unsigned char *data, size_t n, const struct rg_trust *trust,
                  int64_t *trusted_time);

/* PKCS#11 (pkcs11.c).  Is key a "pkcs11:" URI? */
bool rg_p11_is_uri(const char *key);
/* Opens the token the URI names, logs in with the PIN (pin_file's first line
 * or $REPORTGEN_PIN) and finds the private key; with cert non-NULL also the
 * token's certificate for that key.  module overrides nothing: when both it
 * and the URI's module-path are given they must agree.  RG_EINPUT for a
 * malformed URI or one carrying a PIN; RG_EENV, naming which, for a module
 * that does not load, no or several matching tokens or keys, a locked
 * token, a wrong PIN, no certificate.  *key is freed (EVP_PKEY_free) before
 * *out (rg_p11_close); *cert by the caller. */
rg_status rg_p11_open(struct rg_p11 **out, EVP_PKEY **key, X509 **cert, const char *uri,
                      const char *module, const char *pin_file, struct rg_diags *diags);
void rg_p11_close(struct rg_p11 *p);

/* One-line RFC 2253 name ("CN=...,O=...,C=US"); malloc'd or NULL. */
char *rg_x509_name_line(const X509_NAME *name);
/* An ASN1_TIME as RFC 3339 UTC ("2037-01-01T00:00:00Z") into buf (RG_TIME_BUFSZ). */
bool rg_x509_time_rfc3339(char *buf, size_t size, const ASN1_TIME *t);
/* An ASN1_TIME as seconds since the epoch. */
bool rg_x509_time_epoch(int64_t *out, const ASN1_TIME *t);

/* The bytes a signature covers, in up to three pieces (a PDF's two
 * ranges around the update; a detached signature's whole file).  file,
 * when not NULL, is the mapped report p[0] lies in: its pages are handed
 * back as they are digested (rg_sigfile_feed). */
struct rg_cms_pieces {
	const unsigned char *p[3];
	size_t n[3];
	const struct rg_sigfile *file;
};

/* A detached CMS SignedData over the pieces, DER-encoded into *der
 * (OPENSSL_free): SHA-256, our signingTime (not with s->pades, which states
 * its time as the PDF's /M), ESS signing-certificate-v2, the chain
 * embedded, and with s->tsa_url an RFC 3161 token as the unsigned attribute
 * signatureTimeStampToken (sign_pdf.c; sign_detached.c uses it too).  On
 * false why says what failed ("" when OpenSSL or the key did). */
bool rg_cms_sign(const struct rg_signer *s, const struct rg_cms_pieces *content,
                 bool signing_time, unsigned char **der, int *der_len, char *why, size_t why_size);
/* The diagnostic for a failed rg_cms_sign (the TSA's why, or the key's). */
void rg_cms_failed(const struct rg_signer *s, const char *path, const char *why,
                   struct rg_diags *diags);

/* May cert sign a report?  Not a CA certificate; a keyUsage extension with
 * digitalSignature or nonRepudiation; an extendedKeyUsage, when present,
 * naming document signing (docs/signing.md lists the accepted purposes).
 * On false: *code is a stable diagnostic suffix ("cert-ca", "cert-usage",
 * "cert-eku") and why a clause to follow "the certificate ". */
bool rg_x509_may_sign(X509 *cert, const char **code, char *why, size_t why_size);

/* A digest (by NID) verify accepts: SHA-256, SHA-384 or SHA-512. */
bool rg_sign_digest_ok(int nid);

/* Records a refusal: the worst verdict wins and keeps its first reason. */
void rg_verify_refuse(struct rg_verify_result *res, enum rg_verify_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Everything about the signer once the signature is intact: the
 * certificate may sign (rg_x509_may_sign) and was valid at signing_time,
 * signing_time is not after this machine's clock, and, with anchors, the
 * chain from signer through embedded (the certificates the signature
 * carries, signer included) reaches an anchor at signing_time with SHA-256
 * or stronger signatures and keys of 112-bit strength, and every embedded
 * certificate is part of that chain.  Without anchors the verdict is at
 * best RG_VERIFY_UNTRUSTED.  Fills subject, anchor and note. */
void rg_verify_signer(struct rg_verify_result *res, X509 *signer, STACK_OF(X509) * embedded,
                      int64_t signing_time, const struct rg_trust *trust);

/* A report read for signing or verifying: memory-mapped when it is a
 * regular file (so a 4 GiB PDF is never copied), read whole otherwise. */
struct rg_sigfile {
	const char *data;
	size_t len;
	void *map;  /* munmap'd by rg_sigfile_close, or NULL */
	char *heap; /* freed by rg_sigfile_close, or NULL */
};
/* RG_EENV when unreadable; RG_EINPUT, with the diagnostic code_prefix
 * ".too-large", when larger than max (kind "PDF" or "XML" names the limit). */
rg_status rg_sigfile_open(struct rg_sigfile *f, const char *path, uint64_t max, const char *kind,
                          const char *code_prefix, struct rg_diags *diags);
/* The too-large diagnostic of rg_sigfile_open, for a limit checked later. */
void rg_sigfile_too_large(const char *path, uint64_t size, uint64_t max, const char *kind,
                          const char *code_prefix, struct rg_diags *diags);
void rg_sigfile_close(struct rg_sigfile *f);
/* Feeds the n bytes at p (inside f's data) to feed(ctx, bytes, count) in
 * steps of 1 MiB, and hands each step's pages of a mapped file back to the
 * page cache once fed (madvise; the bytes stay readable, a later read
 * faults them in again): a digest of the whole report then adds one step
 * to the resident memory, not the file's size.  False when feed fails. */
bool rg_sigfile_feed(const struct rg_sigfile *f, const unsigned char *p, size_t n,
                     bool (*feed)(void *ctx, const unsigned char *bytes, size_t count), void *ctx);

/* XML (sign_xml.c): one node of a report checked as signing and verify
 * check every node: a comment or processing instruction is refused into
 * res (PARTIAL), a ds:Signature counted in *nsig and kept in *sig; with
 * deep, the node's descendants too. */
void rg_xml_sig_scan(struct rg_verify_result *res, xmlNodePtr n, bool deep, int *nsig,
                     xmlNodePtr *sig);

/* The element to append as the root's last child, given the SHA-256 of the
 * document's exclusive canonical form (md); NULL, with a diagnostic made,
 * on failure.  It stays the callback's own. */
typedef xmlNodePtr (*rg_xml_last_child)(void *ctx, const unsigned char *md, unsigned mdlen);

/* The signing pass over a report (xml_envelope.c): reads the file `in`
 * (named path) a piece at a time and node by node, writes to out the
 * document as libxml2 serialises it with make_last's element appended to
 * the root, and hands make_last the document's digest before that.  Memory
 * is the largest element below the root's children, not the document, and
 * the report is never held whole, mapped or read.  RG_EENV (signing
 * failed) with a diagnostic for what verify would refuse (malformed, a
 * declaration, a comment, a processing instruction, a ds:Signature already
 * there, deeper than max_depth) and when writing fails. */
rg_status rg_xml_envelope(const char *path, FILE *in, int max_depth, FILE *out,
                          rg_xml_last_child make_last, void *ctx, struct rg_diags *diags);

/* The signed bytes of a CMS signature being verified: data[r[0]..r[0]+r[1])
 * and data[r[2]..r[2]+r[3]) (a PDF's two ranges; a detached signature's
 * whole file is {0, len, len, 0}). */
struct rg_cms_ranges {
	const char *data;
	size_t r[4];
	/* PDF: the /SubFilter is ETSI.CAdES.detached (PAdES: no signingTime,
	 * the claimed time is /M), and /M when the dictionary has one. */
	bool cades;
	bool have_m;
	int64_t m_time;
};

/* Checks a DER CMS SignedData (der, dn bytes: zero padding after it is
 * allowed) over the ranges as RFC 5652 asks and as reportgen signs (id-data,
 * detached, one signer, SHA-256 or stronger, content-type, message-digest,
 * signing-time and ESS signing-certificate-v2, nothing unsigned), then the
 * signer (rg_verify_signer).  verify.c; sign_detached.c uses it too. */
void rg_verify_cms(struct rg_verify_result *res, const unsigned char *der, size_t dn,
                   const struct rg_cms_ranges *rg, const struct rg_trust *trust);

/* The PDF half of rg_verify_file (verify.c) on the file's bytes; res must be
 * zeroed by the caller.  Exposed for the fuzz targets. */
void rg_verify_pdf_bytes(struct rg_verify_result *res, const char *data, size_t len,
                         const struct rg_trust *trust);

/* The XML half of rg_verify_file (sign_xml.c): data is the whole file. */
rg_status rg_verify_xml(struct rg_verify_result *res, const char *path, const char *data,
                        size_t len, const struct rg_trust *trust, struct rg_diags *diags);

#endif
