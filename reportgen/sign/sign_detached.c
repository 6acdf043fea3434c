/*
 * sign_detached.c: the detached signature of an export (FILE.sig beside
 * FILE), made and checked (see sign.h).
 *
 * OSCAL has no place for an enveloped signature (NIST closed OSCAL #345 as
 * won't-fix), and a CSV has none at all, so an export is signed the way a
 * PDF's bytes are: a detached CMS SignedData (RFC 5652) over every byte of
 * the file, made by the one CMS signer of this stage (rg_cms_sign: SHA-256,
 * signingTime, ESS signing-certificate-v2, chain embedded), written as DER
 * (the .p7s form S/MIME uses), so that
 *
 *     openssl cms -verify -binary -inform DER -in FILE.sig -content FILE \
 *         -CAfile root.pem -out /dev/null
 *
 * accepts it.  Verifying takes DER or PEM ("-----BEGIN CMS-----" or
 * "-----BEGIN PKCS7-----", what `openssl cms -outform PEM` writes).
 *
 * Verifying is the PDF signature's check (rg_verify_cms in verify.c: the
 * CMS as RFC 5652 asks and reportgen signs, then the signer and its chain
 * at the signing time), over the whole content file: a detached signature
 * covers every byte by construction, and nothing may follow the SignedData
 * in FILE.sig.
 *
 * Input: FILE.sig from anywhere (at most 1 MiB: a signature with a chain of
 * a few certificates is a few kilobytes), the content memory-mapped
 * (rg_sigfile), never copied.
 */
#include "sign/sign_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pem.h first: cms.h declares PEM_read_bio_CMS through its macros. */
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>

#include "core/file.h"
#include "core/str.h"

#define SIG_MAX_BYTES ((uint64_t)1 << 20)
/* rg_cms_sign reads the content from memory; an export of a report is
 * smaller than the report, which is at most 1 GiB. */
#define CONTENT_MAX_BYTES ((uint64_t)1 << 30)
#define SIG_SUFFIX ".sig"

rg_status rg_sign_detached(const struct rg_signer *s, const char *content_path,
                           const char *sig_path, struct rg_diags *diags)
{
	char *data;
	size_t len;
	rg_status st = rg_read_file(&data, &len, content_path, CONTENT_MAX_BYTES, diags);
	if (st != RG_OK)
		return st;
	const struct rg_cms_pieces all = {{(const unsigned char *)data, NULL, NULL}, {len, 0, 0}, NULL};
	unsigned char *der = NULL;
	int der_len = 0;
	char why[512];
	/* A detached signature has no /M: its signingTime states the time. */
	if (!rg_cms_sign(s, &all, true, &der, &der_len, why, sizeof why)) {
		rg_cms_failed(s, content_path, why, diags);
		free(data);
		return RG_EENV;
	}
	free(data);
	FILE *f = fopen(sig_path, "wb");
	bool ok = f && fwrite(der, 1, (size_t)der_len, f) == (size_t)der_len;
	if (f && fclose(f) != 0)
		ok = false;
	OPENSSL_free(der);
	if (!ok) {
		rg_diag_err(diags, "sign.write", sig_path, 0, NULL, "check the folder and free space",
		            "cannot write the signature: %s", strerror(errno));
		return RG_EENV;
	}
	return RG_OK;
}

bool rg_verify_is_detached(const char *path)
{
	size_t n = strlen(path), k = strlen(SIG_SUFFIX);
	return n > k && strcmp(path + n - k, SIG_SUFFIX) == 0;
}

#define INVALID(...) rg_verify_refuse(res, RG_VERIFY_INVALID, __VA_ARGS__)

/* The DER of FILE.sig (PEM is turned into DER), or NULL with a refusal:
 * nothing may follow the SignedData. */
static unsigned char *sig_der(struct rg_verify_result *res, const char *data, size_t len,
                              size_t *dn)
{
	unsigned char *der = NULL;
	CMS_ContentInfo *cms = NULL;
	if (len >= 10 && memcmp(data, "-----BEGIN", 10) == 0) {
		BIO *b = BIO_new_mem_buf(data, (int)len);
		cms = b ? PEM_read_bio_CMS(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
		int n = cms ? i2d_CMS_ContentInfo(cms, &der) : -1;
		*dn = n > 0 ? (size_t)n : 0;
	} else {
		const unsigned char *p = (const unsigned char *)data;
		cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
		size_t used = cms ? (size_t)(p - (const unsigned char *)data) : 0;
		if (cms && used != len) {
			INVALID("%zu bytes follow the signature in the .sig file", len - used);
		} else if (cms && (der = OPENSSL_malloc(len ? len : 1)) != NULL) {
			memcpy(der, data, len);
			*dn = len;
		}
	}
	ERR_clear_error();
	if (!cms)
		INVALID("not a CMS signature (DER or PEM)");
	CMS_ContentInfo_free(cms);
	if (res->verdict != RG_VERIFY_VALID) {
		OPENSSL_free(der);
		return NULL;
	}
	return der;
}

rg_status rg_verify_detached(struct rg_verify_result *res, const char *sig_path,
                             const char *content_path, const struct rg_trust *trust,
                             struct rg_diags *diags)
{
	memset(res, 0, sizeof *res);
	char *own = NULL;
	if (!content_path) {
		size_t n = strlen(sig_path), k = strlen(SIG_SUFFIX);
		if (!rg_verify_is_detached(sig_path)) {
			rg_diag_err(diags, "verify.content", sig_path, 0, NULL,
			            "give the signed file with --content FILE",
			            "is not named FILE.sig, so the file it signs is not known");
			return RG_EINPUT;
		}
		if (!(own = rg_asprintf("%.*s", (int)(n - k), sig_path)))
			return RG_EENV;
		content_path = own;
	}
	char *data = NULL;
	size_t len = 0;
	struct rg_sigfile content = {0};
	rg_status st = rg_read_file(&data, &len, sig_path, SIG_MAX_BYTES, diags);
	if (st == RG_OK)
		st = rg_sigfile_open(&content, content_path, RG_SIGN_PDF_MAX, "PDF", "verify", diags);
	if (st == RG_OK) {
		size_t dn = 0;
		unsigned char *der = sig_der(res, data, len, &dn);
		if (der) {
			/* The whole content file is what the signature covers. */
			const struct rg_cms_ranges all = {content.data, {0, content.len, content.len, 0}, false,
			                                  false, 0};
			rg_verify_cms(res, der, dn, &all, trust);
			OPENSSL_free(der);
		}
		rg_sigfile_close(&content);
		if (res->verdict == RG_VERIFY_VALID && (!res->intact || !res->anchor[0]))
			INVALID("the signature could not be checked completely");
	}
	free(data);
	free(own);
	return st;
}
