/*
 * verify.c: `reportgen verify` underneath: is a report's signature intact,
 * does it cover the whole file, who made it, when, and does the signer
 * chain to the given trust anchors (see sign.h).
 *
 * Input: a file from anywhere, so every offset it states is checked against
 * its length before use.  A PDF is recognised by its %PDF- header, anything
 * starting with '<' (after a BOM and blanks) is taken as XML (sign_xml.c).
 *
 * PDF: the signature examined is the last /ByteRange in the file, the newest
 * revision's.  Finding it by scanning rather than through the
 * cross-reference chain is deliberate: a damaged xref (one flipped byte) must
 * read as "signature invalid", not as "no signature".  Scanning is safe
 * because nothing is trusted from the dictionary but the ByteRange, and the
 * ByteRange is itself inside the signed bytes, the gap it leaves must be
 * exactly the /Contents hex string, and the signature must verify over the
 * ranges.  Integrity and trust are separate questions and are answered
 * separately: CMS_verify without certificate checks, then the chain.
 */
#include "core/file.h"
#include "core/str.h"
#include "sign/sign_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>

#include "sign/pdfobj.h"

/* OpenSSL BIOs take int lengths; 1 GiB is far beyond any report. */
#define VERIFY_MAX_BYTES ((size_t)1 << 30)

static void detail(struct rg_verify_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void detail(struct rg_verify_result *res, const char *fmt, ...)
{
	if (res->detail[0])
		return; /* the first reason is the one that matters */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof res->detail, fmt, ap);
	va_end(ap);
}

static const char *openssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	return r ? r : "the signature does not match";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The signer's certificate among those the CMS carries. */
static X509 *cms_signer_cert(CMS_ContentInfo *cms, STACK_OF(X509) * certs)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1)
		return NULL;
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	for (int i = 0; i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
			return sk_X509_value(certs, i);
	return NULL;
}

/* When the signature names its certificate (ESS signing-certificate-v2 or
 * v1, as CAdES requires), the embedded certificate must be that one. */
static bool ess_ok(CMS_ContentInfo *cms, X509 *signer)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	ESS_SIGNING_CERT_V2 *v2 = NULL;
	ESS_SIGNING_CERT *v1 = NULL;
	int i = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1);
	int j = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1);
	if (i < 0 && j < 0)
		return true;
	ASN1_TYPE *t = i >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0) : NULL;
	if (t && t->type == V_ASN1_SEQUENCE) {
		const unsigned char *p = t->value.sequence->data;
		v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, t->value.sequence->length);
	}
	t = j >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, j), 0) : NULL;
	if (t && t->type == V_ASN1_SEQUENCE) {
		const unsigned char *p = t->value.sequence->data;
		v1 = d2i_ESS_SIGNING_CERT(NULL, &p, t->value.sequence->length);
	}
	STACK_OF(X509) *chain = sk_X509_new_null();
	bool ok = chain && sk_X509_push(chain, signer) && (v1 || v2) &&
	          OSSL_ESS_check_signing_certs(v1, v2, chain, 1) == 1;
	sk_X509_free(chain);
	ESS_SIGNING_CERT_free(v1);
	ESS_SIGNING_CERT_V2_free(v2);
	ERR_clear_error();
	return ok;
}

static void cms_signing_time(CMS_ContentInfo *cms, char *buf, size_t size)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
		return;
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	int i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	if (i < 0)
		return;
	ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0);
	if (t && (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME))
		rg_x509_time_rfc3339(buf, size, (const ASN1_TIME *)t->value.asn1_string);
}

void rg_verify_pdf_bytes(struct rg_verify_result *res, const char *data, size_t len,
                         const char *ca_path)
{
	const char *end = data + len;
	const char *br = rg_memrmem(data, len, "/ByteRange");
	if (!br) {
		detail(res, "the PDF has no signature");
		return;
	}
	res->signed_ = true;

	size_t r[4];
	const char *p = rg_pdf_skip_ws(br + 10, end);
	const char *ae = rg_pdf_skip_object(p, end);
	struct rg_span arr = {p, ae ? (size_t)(ae - p) : 0}, el;
	const char *pos = NULL;
	int n = 0;
	while (ae && n < 5 && rg_pdf_array_next(arr, &pos, &el))
		if (n++ < 4 && !rg_pdf_parse_uint(el, &r[n - 1]))
			n = 99;
	if (!ae || n != 4) {
		detail(res, "the /ByteRange is not four offsets");
		return;
	}
	if (r[0] != 0 || r[1] < 2 || r[2] <= r[1] || r[2] > len || r[3] > len - r[2]) {
		detail(res, "the /ByteRange [%zu %zu %zu %zu] does not fit the file (%zu bytes)",
		       r[0], r[1], r[2], r[3], len);
		return;
	}
	size_t brat = (size_t)(br - data);
	if (!(brat < r[1] || (brat >= r[2] && brat < r[2] + r[3]))) {
		detail(res, "the /ByteRange itself lies outside the signed bytes");
		return;
	}
	/* The gap must be exactly the /Contents hex string. */
	const char *g = data + r[1], *ge = data + r[2];
	const char *k = g;
	while (k > data && (k[-1] == ' ' || k[-1] == '\n' || k[-1] == '\r' || k[-1] == '\t'))
		k--;
	if (g[0] != '<' || ge[-1] != '>' || k - data < 9 || memcmp(k - 9, "/Contents", 9) != 0) {
		detail(res, "the bytes the /ByteRange leaves out are not the /Contents string");
		return;
	}
	size_t hexn = (size_t)(ge - g) - 2;
	unsigned char *der = malloc(hexn / 2 + 1);
	if (!der) {
		detail(res, "out of memory");
		return;
	}
	size_t dn = 0;
	int hi = -1;
	for (const char *q = g + 1; q < ge - 1; q++) {
		int v = hexval(*q);
		if (v < 0) {
			free(der);
			detail(res, "the /Contents string holds a byte that is not a hex digit");
			return;
		}
		if (hi < 0) {
			hi = v;
		} else {
			der[dn++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	res->covers_whole = r[2] + r[3] == len;

	const unsigned char *dp = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &dp, (long)dn);
	/* Padding after the SignedData must be zeros: otherwise a changed
	 * byte there would go unnoticed, as no signature covers it. */
	bool padding_clean = true;
	for (size_t i = cms ? (size_t)(dp - der) : dn; i < dn; i++)
		padding_clean = padding_clean && der[i] == 0;
	free(der);
	if (cms && !padding_clean) {
		detail(res, "the /Contents string holds bytes after the signature");
		CMS_ContentInfo_free(cms);
		return;
	}
	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed || !CMS_is_detached(cms)) {
		detail(res, "/Contents does not hold a detached CMS SignedData");
		CMS_ContentInfo_free(cms);
		ERR_clear_error();
		return;
	}
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	X509 *signer = cms_signer_cert(cms, certs);
	if (signer) {
		char *sub = rg_x509_name_line(X509_get_subject_name(signer));
		if (sub)
			snprintf(res->subject, sizeof res->subject, "%s", sub);
		free(sub);
	}
	cms_signing_time(cms, res->signing_time, sizeof res->signing_time);

	BIO *content = BIO_new(BIO_s_mem());
	if (content && BIO_write(content, data, (int)r[1]) == (int)r[1] &&
	    BIO_write(content, data + r[2], (int)r[3]) == (int)r[3]) {
		ERR_clear_error();
		if (!signer)
			detail(res, "the signature does not carry its signer's certificate");
		else if (CMS_verify(cms, NULL, NULL, content, NULL,
		                    CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1)
			detail(res, "the signed bytes were changed: %s", openssl_reason());
		else if (!ess_ok(cms, signer))
			detail(res, "the signer certificate is not the one the signature names "
			            "(signing-certificate-v2 attribute)");
		else
			res->valid = true;
	} else {
		detail(res, "out of memory");
	}
	BIO_free(content);
	ERR_clear_error();

	if (res->valid && ca_path) {
		char why[256];
		bool unreadable;
		res->chain_trusted =
		    rg_x509_chain_ok(signer, certs, ca_path, why, sizeof why, &unreadable);
		if (!res->chain_trusted)
			detail(res, "%s", why);
	}
	if (res->valid && !res->covers_whole)
		detail(res, "%zu bytes were added after the signed revision", len - (r[2] + r[3]));
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
}

rg_status rg_verify_file(struct rg_verify_result *res, const char *path, const char *ca_path,
                         struct rg_diags *diags)
{
	memset(res, 0, sizeof *res);
	res->ca_given = ca_path != NULL;
	char *data;
	size_t len;
	rg_status rst = rg_read_file(&data, &len, path, VERIFY_MAX_BYTES, diags);
	if (rst != RG_OK)
		return rst;

	if (ca_path) {
		FILE *ca = fopen(ca_path, "rb");
		if (!ca) {
			rg_diag_err(diags, "verify.ca-read", ca_path, 0, NULL,
			            "check the path given to --ca",
			            "cannot read the trust anchors: %s", strerror(errno));
			free(data);
			return RG_EENV;
		}
		fclose(ca);
	}

	rg_status st = RG_OK;
	size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (skip < len && (data[skip] == ' ' || data[skip] == '\n' || data[skip] == '\r' ||
	                      data[skip] == '\t'))
		skip++;
	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) {
		rg_verify_pdf_bytes(res, data, len, ca_path);
	} else if (skip < len && data[skip] == '<') {
		st = rg_verify_xml(res, path, data, len, ca_path, diags);
	} else {
		rg_diag_err(diags, "verify.format", path, 0, NULL,
		            "give a report.pdf, summary.pdf or report.xml",
		            "is neither a PDF nor an XML document");
		st = RG_EINPUT;
	}
	free(data);
	return st;
}
