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
 * Verifying answers the same questions as for a report, separately:
 * integrity (CMS_verify over the content, signer certificates not checked
 * there), the signer certificate being the one the ESS attribute names,
 * and trust (rg_x509_chain_ok against --ca).  "Covers the whole file" holds
 * by construction once the signature verifies: a detached signature's
 * digest is over the whole content file, and nothing may follow the
 * SignedData in FILE.sig.
 *
 * Input: FILE.sig from anywhere (at most 1 MiB: a signature with a chain of
 * a few certificates is a few kilobytes), the content streamed from disk
 * into the digest (never held whole).
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
	const struct rg_cms_pieces all = {{(const unsigned char *)data, NULL, NULL}, {len, 0, 0}};
	unsigned char *der = NULL;
	int der_len = 0;
	if (!rg_cms_sign(s, &all, &der, &der_len)) {
		rg_diag_err(diags, "sign.cms", content_path, 0, NULL, NULL,
		            "cannot make the CMS signature");
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

/* One-line reasons; the first one found is the one kept. */
static void why(struct rg_verify_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void why(struct rg_verify_result *res, const char *fmt, ...)
{
	if (res->detail[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof res->detail, fmt, ap);
	va_end(ap);
}

/* The SignedData of FILE.sig, DER or PEM, with nothing after it. */
static CMS_ContentInfo *parse_sig(const char *data, size_t len, struct rg_verify_result *res)
{
	CMS_ContentInfo *cms = NULL;
	if (len >= 10 && memcmp(data, "-----BEGIN", 10) == 0) {
		BIO *b = BIO_new_mem_buf(data, (int)len);
		cms = b ? PEM_read_bio_CMS(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	} else {
		const unsigned char *p = (const unsigned char *)data;
		cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
		if (cms && p != (const unsigned char *)data + len) {
			why(res, "%zu bytes follow the signature in the .sig file",
			    len - (size_t)(p - (const unsigned char *)data));
			CMS_ContentInfo_free(cms);
			return NULL;
		}
	}
	ERR_clear_error();
	if (!cms)
		why(res, "not a CMS signature (DER or PEM)");
	return cms;
}

/* The ESS signing-certificate-v2 attribute, where present, must name the
 * certificate that verified the signature. */
static bool ess_names(CMS_SignerInfo *si, X509 *signer)
{
	ASN1_STRING *seq = CMS_signed_get0_data_by_OBJ(
	    si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
	if (!seq)
		return CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) < 0;
	const unsigned char *p = ASN1_STRING_get0_data(seq);
	ESS_SIGNING_CERT_V2 *v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(seq));
	STACK_OF(X509) *one = sk_X509_new_null();
	bool ok = v2 && one && sk_X509_push(one, signer) &&
	          OSSL_ESS_check_signing_certs(NULL, v2, one, 1) == 1;
	sk_X509_free(one);
	ESS_SIGNING_CERT_V2_free(v2);
	return ok;
}

static void signing_time(CMS_SignerInfo *si, char *buf, size_t size)
{
	ASN1_OBJECT *oid = OBJ_nid2obj(NID_pkcs9_signingTime);
	const ASN1_TIME *t = CMS_signed_get0_data_by_OBJ(si, oid, -3, V_ASN1_UTCTIME);
	if (!t)
		t = CMS_signed_get0_data_by_OBJ(si, oid, -3, V_ASN1_GENERALIZEDTIME);
	if (t)
		rg_x509_time_rfc3339(buf, size, t);
}

/* The CMS checks, given the parsed signature and the content. */
static void check(struct rg_verify_result *res, CMS_ContentInfo *cms, BIO *content,
                  const char *ca_path)
{
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed || CMS_is_detached(cms) != 1) {
		why(res, "the .sig file does not hold a detached CMS SignedData");
		return;
	}
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		why(res, "the signature has %d signers; reportgen's has exactly one",
		    sk_CMS_SignerInfo_num(sis));
		return;
	}
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	X509 *signer = NULL;
	for (int i = 0; i < sk_X509_num(certs) && !signer; i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
			signer = sk_X509_value(certs, i);
	if (signer) {
		char *sub = rg_x509_name_line(X509_get_subject_name(signer));
		snprintf(res->subject, sizeof res->subject, "%s", sub ? sub : "");
		free(sub);
	}
	signing_time(si, res->signing_time, sizeof res->signing_time);
	ERR_clear_error();
	if (!signer) {
		why(res, "the signature does not carry its signer's certificate");
	} else if (CMS_verify(cms, NULL, NULL, content, NULL,
	                      CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		unsigned long e = ERR_peek_last_error();
		const char *r = e ? ERR_reason_error_string(e) : NULL;
		why(res, "the file was changed after signing, or the signature is not for it: %s",
		    r ? r : "the signature does not match");
	} else if (!ess_names(si, signer)) {
		why(res, "the signer certificate is not the one the signature names "
		         "(signing-certificate-v2 attribute)");
	} else {
		res->valid = true;
		res->covers_whole = true;
	}
	ERR_clear_error();
	if (res->valid && ca_path) {
		char reason[256];
		bool unreadable;
		res->chain_trusted =
		    rg_x509_chain_ok(signer, certs, ca_path, reason, sizeof reason, &unreadable);
		if (!res->chain_trusted)
			why(res, "%s", reason);
	}
	sk_X509_pop_free(certs, X509_free);
}

rg_status rg_verify_detached(struct rg_verify_result *res, const char *sig_path,
                             const char *content_path, const char *ca_path,
                             struct rg_diags *diags)
{
	memset(res, 0, sizeof *res);
	res->ca_given = ca_path != NULL;
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
	rg_status st = RG_OK;
	char *data = NULL;
	size_t len = 0;
	BIO *content = NULL;
	FILE *ca = NULL;
	if (ca_path && !(ca = fopen(ca_path, "rb"))) {
		rg_diag_err(diags, "verify.ca-read", ca_path, 0, NULL, "check the path given to --ca",
		            "cannot read the trust anchors: %s", strerror(errno));
		st = RG_EENV;
		goto done;
	}
	if ((st = rg_read_file(&data, &len, sig_path, SIG_MAX_BYTES, diags)) != RG_OK)
		goto done;
	if (!(content = BIO_new_file(content_path, "rb"))) {
		rg_diag_err(diags, "verify.content-read", content_path, 0, NULL,
		            "give the signed file with --content FILE",
		            "cannot read the file %s signs: %s", sig_path, strerror(errno));
		ERR_clear_error();
		st = RG_EENV;
		goto done;
	}
	res->signed_ = true; /* a signature was given; whether it holds is below */
	CMS_ContentInfo *cms = parse_sig(data, len, res);
	if (cms)
		check(res, cms, content, ca_path);
	CMS_ContentInfo_free(cms);
done:
	if (ca)
		fclose(ca);
	BIO_free(content);
	free(data);
	free(own);
	return st;
}
