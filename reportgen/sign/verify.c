/*
 * verify.c: `reportgen verify` underneath (see sign.h): which kind of report
 * a file is, and everything about a PDF's signature.  The XML half is in
 * sign_xml.c, the signer and chain rules in x509util.c.
 *
 * Input: a file from anywhere, so every offset it states is checked against
 * its length before use, and the verdict fails closed: anything verify does
 * not positively recognise as reportgen's signature over the whole file,
 * made with accepted algorithms by a trusted signer, is a refusal naming
 * what failed (docs/signing.md lists the checks).
 *
 * A file named .pdf must be a PDF from its first byte, one named .xml an
 * XML document; only other names are judged by content.  A PDF viewer finds
 * "%PDF-" anywhere in the first kilobyte, so an XML report that carries a
 * PDF in a comment would otherwise verify as XML and display as the PDF.
 *
 * PDF: the signature examined is the last /ByteRange in the file, the newest
 * revision's.  Finding it by scanning rather than through the
 * cross-reference chain is deliberate: a damaged xref (one flipped byte) must
 * read as "signature invalid", not as "no signature".  Scanning is safe
 * because the ByteRange must be an entry of a signature dictionary whose
 * /Contents string is exactly the gap the ByteRange leaves, the ranges start
 * at 0 and end at the end of the file, and the signature must verify over
 * them.  The CMS is checked the way RFC 5652 (section 5.4, 11.1 and 11.2)
 * and PAdES ask and no looser: detached id-data, one signer, signed
 * attributes whose content-type matches and whose message-digest is the
 * digest of the ranges (computed here, streamed from the mapped file, so
 * OpenSSL's int lengths never meet a large file), SHA-256 or stronger, the
 * signing-certificate-v2 attribute naming the signer, DER exactly as
 * encoded, nothing unsigned beside it but the certificates, each of which
 * must be in the signer's chain.
 */
#include "core/str.h"
#include "sign/sign_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pkcs7.h>

#include "core/pdfobj.h"
#include "core/timefmt.h"

/* How far before its /ByteRange a signature dictionary may start (a
 * /Contents string placed first, holding a large CMS). */
#define SIG_DICT_REACH ((size_t)1 << 20)

#define INVALID(...) rg_verify_refuse(res, RG_VERIFY_INVALID, __VA_ARGS__)

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool span_at(struct rg_span s, const char *p)
{
	return s.p == p;
}

/* The dictionary that has the /ByteRange at br as one of its own keys. */
static bool find_sig_dict(const char *data, const char *br, const char *end, struct rg_span *dict)
{
	size_t reach = (size_t)(br - data) < SIG_DICT_REACH ? (size_t)(br - data) : SIG_DICT_REACH;
	for (const char *p = br - 1; p > br - reach; p--) {
		if (p[-1] != '<' || p[0] != '<')
			continue;
		const char *d = p - 1, *e = rg_pdf_skip_object(d, end);
		if (!e || e <= br)
			continue;
		struct rg_span cand = {d, (size_t)(e - d)}, k, v;
		const char *pos = NULL;
		while (rg_pdf_dict_next(cand, &pos, &k, &v))
			if (span_at(k, br)) {
				*dict = cand;
				return true;
			}
	}
	return false;
}

/* The four /ByteRange numbers, or a refusal. */
static bool parse_byterange(struct rg_verify_result *res, struct rg_span v, size_t r[4])
{
	const char *pos = NULL;
	struct rg_span el;
	int n = 0;
	if (!v.p || *v.p != '[') {
		INVALID("the /ByteRange is not an array");
		return false;
	}
	while (rg_pdf_array_next(v, &pos, &el)) {
		if (n == 4) {
			INVALID("the /ByteRange holds more than four numbers");
			return false;
		}
		if (!rg_pdf_parse_uint(el, &r[n])) {
			INVALID("the /ByteRange holds \"%.*s\", which is not a non-negative whole "
			        "number "
			        "that fits",
			        (int)(el.n > 24 ? 24 : el.n), el.p);
			return false;
		}
		n++;
	}
	const char *close = rg_pdf_skip_ws(pos ? pos : v.p + 1, v.p + v.n);
	if (n != 4 || close != v.p + v.n - 1) {
		INVALID("the /ByteRange is not an array of four offsets");
		return false;
	}
	return true;
}

/* The signature dictionary around /ByteRange: which entries it has, and
 * where its /Contents string is.  False with a refusal. */
/* /M's "D:YYYYMMDDHHmmSS" and Z, or +HH'mm' / -HH'mm' (ISO 32000-1 7.9.4),
 * as seconds since the epoch. */
static bool pdf_date_epoch(struct rg_span v, int64_t *out)
{
	char b[64];
	if (v.n < 2 || v.n >= sizeof b || v.p[0] != '(' || v.p[v.n - 1] != ')')
		return false;
	memcpy(b, v.p + 1, v.n - 2);
	b[v.n - 2] = '\0';
	int y, mo, d, h, mi, sec, n = 0;
	if (sscanf(b, "D:%4d%2d%2d%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 16)
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	                .tm_min = mi, .tm_sec = sec};
	int64_t t = (int64_t)timegm(&tm);
	const char *z = b + 16;
	int oh = 0, om = 0;
	if (strcmp(z, "Z") == 0 || *z == '\0') {
		/* UTC */
	} else if ((z[0] == '+' || z[0] == '-') && sscanf(z + 1, "%2d'%2d'", &oh, &om) == 2) {
		t -= (z[0] == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
	} else {
		return false;
	}
	*out = t;
	return true;
}

static bool read_sig_dict(struct rg_verify_result *res, struct rg_span dict, size_t r[4],
                          struct rg_span *contents, struct rg_cms_ranges *rg)
{
	const char *pos = NULL;
	struct rg_span k, v, br = {0}, sub = {0}, type = {0}, m = {0};
	int nbr = 0, ncont = 0;
	while (rg_pdf_dict_next(dict, &pos, &k, &v)) {
		if (rg_pdf_name_is(k, "/ByteRange")) {
			br = v;
			nbr++;
		} else if (rg_pdf_name_is(k, "/Contents")) {
			*contents = v;
			ncont++;
		} else if (rg_pdf_name_is(k, "/SubFilter")) {
			sub = v;
		} else if (rg_pdf_name_is(k, "/Type")) {
			type = v;
		} else if (rg_pdf_name_is(k, "/M")) {
			m = v;
		}
	}
	const char *close = rg_pdf_skip_ws(pos ? pos : dict.p + 2, dict.p + dict.n);
	if (close != dict.p + dict.n - 2) {
		INVALID("the signature dictionary is malformed");
		return false;
	}
	if (nbr != 1 || ncont != 1) {
		INVALID("the signature dictionary has %d /ByteRange and %d /Contents entries (one "
		        "each, please)",
		        nbr, ncont);
		return false;
	}
	if (type.p && !rg_pdf_name_is(type, "/Sig")) {
		INVALID("the signature dictionary's /Type is %.*s, not /Sig",
		        (int)(type.n > 40 ? 40 : type.n), type.p);
		return false;
	}
	if (!rg_pdf_name_is(sub, "/adbe.pkcs7.detached") &&
	    !rg_pdf_name_is(sub, "/ETSI.CAdES.detached")) {
		INVALID(
		    "the signature's /SubFilter is %.*s; verify accepts /adbe.pkcs7.detached and "
		    "/ETSI.CAdES.detached",
		    sub.p ? (int)(sub.n > 40 ? 40 : sub.n) : 6, sub.p ? sub.p : "absent");
		return false;
	}
	rg->cades = rg_pdf_name_is(sub, "/ETSI.CAdES.detached");
	if (m.p && !pdf_date_epoch(m, &rg->m_time)) {
		INVALID("the signature dictionary's /M is not a PDF date");
		return false;
	}
	rg->have_m = m.p != NULL;
	return parse_byterange(res, br, r);
}

/* One signed attribute of type nid, with exactly one value: its ASN1_TYPE,
 * or NULL with a refusal (absent, repeated or multi-valued). */
static ASN1_TYPE *one_attr(struct rg_verify_result *res, CMS_SignerInfo *si, int nid,
                           const char *what)
{
	int i = CMS_signed_get_attr_by_NID(si, nid, -1);
	if (i < 0) {
		INVALID("the signature has no %s attribute", what);
		return NULL;
	}
	X509_ATTRIBUTE *a = CMS_signed_get_attr(si, i);
	if (CMS_signed_get_attr_by_NID(si, nid, i) >= 0 || X509_ATTRIBUTE_count(a) != 1) {
		INVALID("the signature's %s attribute is repeated", what);
		return NULL;
	}
	return X509_ATTRIBUTE_get0_type(a, 0);
}

/* digestAlgorithm and signatureAlgorithm: SHA-256 or stronger, matching.
 * Returns the digest, or NULL with a refusal. */
static const EVP_MD *check_algorithms(struct rg_verify_result *res, CMS_SignerInfo *si, PKCS7 *p7)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *o;
	int ptype;
	const void *pval;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	X509_ALGOR_get0(&o, &ptype, &pval, dig);
	int dnid = OBJ_obj2nid(o);
	if (!rg_sign_digest_ok(dnid)) {
		INVALID(
		    "the signature's digest algorithm is %s; verify accepts SHA-256 or stronger",
		    dnid != NID_undef ? OBJ_nid2sn(dnid) : "unknown");
		return NULL;
	}
	if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL) {
		INVALID("the signature's digest algorithm has parameters");
		return NULL;
	}
	X509_ALGOR_get0(&o, &ptype, &pval, sig);
	int snid = OBJ_obj2nid(o), sdig = NID_undef, spk = NID_undef;
	bool plain = snid == NID_rsaEncryption;
	if (!plain && (!OBJ_find_sigid_algs(snid, &sdig, &spk) ||
	               (spk != NID_rsaEncryption && spk != NID_X9_62_id_ecPublicKey))) {
		INVALID(
		    "the signature algorithm is %s; verify accepts RSA and ECDSA with SHA-256 or "
		    "stronger",
		    snid != NID_undef ? OBJ_nid2sn(snid) : "unknown");
		return NULL;
	}
	if (!plain && !rg_sign_digest_ok(sdig)) {
		INVALID("the signature algorithm is %s (%s); verify accepts SHA-256 or stronger",
		        OBJ_nid2sn(snid), OBJ_nid2sn(sdig));
		return NULL;
	}
	if (!plain && sdig != dnid) {
		INVALID("the signature algorithm (%s) does not match the digest algorithm (%s)",
		        OBJ_nid2sn(snid), OBJ_nid2sn(dnid));
		return NULL;
	}
	if (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL) {
		INVALID("the signature algorithm has parameters");
		return NULL;
	}
	/* The SignedData's own list of digest algorithms (outside what is
	 * signed) must be exactly the signer's. */
	STACK_OF(X509_ALGOR) *md_algs = p7->d.sign->md_algs;
	if (sk_X509_ALGOR_num(md_algs) != 1 ||
	    X509_ALGOR_cmp(sk_X509_ALGOR_value(md_algs, 0), dig)) {
		INVALID("the SignedData's digest algorithms are not exactly the signer's");
		return NULL;
	}
	return EVP_get_digestbynid(dnid);
}

/* The ESS signing-certificate-v2 attribute (RFC 5035, which PAdES
 * requires) names the signer certificate by its hash, so it cannot be
 * swapped in the unsigned certificate set.  It must be exactly the
 * attribute OpenSSL makes for this certificate with SHA-256, -384 or -512
 * (with or without issuerSerial): that both checks the hash and keeps
 * weaker hash algorithms and extra fields out. */
static bool ess_ok(const ASN1_TYPE *t, X509 *signer)
{
	if (!t || t->type != V_ASN1_SEQUENCE)
		return false;
	const EVP_MD *mds[] = {EVP_sha256(), EVP_sha384(), EVP_sha512()};
	bool ok = false;
	for (size_t i = 0; i < 3 && !ok; i++)
		for (int iss = 0; iss < 2 && !ok; iss++) {
			ESS_SIGNING_CERT_V2 *v2 =
			    OSSL_ESS_signing_cert_v2_new_init(mds[i], signer, NULL, iss);
			unsigned char *der = NULL;
			int n = v2 ? i2d_ESS_SIGNING_CERT_V2(v2, &der) : -1;
			ok = n > 0 && n == t->value.sequence->length &&
			     memcmp(der, t->value.sequence->data, (size_t)n) == 0;
			OPENSSL_free(der);
			ESS_SIGNING_CERT_V2_free(v2);
		}
	ERR_clear_error();
	return ok;
}

/* The signer's certificate among those the CMS carries. */
static X509 *cms_signer_cert(CMS_SignerInfo *si, STACK_OF(X509) * certs)
{
	for (int i = 0; i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
			return sk_X509_value(certs, i);
	return NULL;
}

void rg_verify_cms(struct rg_verify_result *res, const unsigned char *der, size_t dn,
                   const struct rg_cms_ranges *rg, const struct rg_trust *trust)
{
	const unsigned char *dp = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &dp, (long)dn);
	size_t used = cms ? (size_t)(dp - der) : 0;
	dp = der;
	PKCS7 *p7 = cms ? d2i_PKCS7(NULL, &dp, (long)used) : NULL;
	STACK_OF(X509) *certs = NULL;
	unsigned char *re = NULL;
	EVP_MD_CTX *mctx = NULL;
	if (!cms || !p7 || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    !PKCS7_type_is_signed(p7)) {
		INVALID("/Contents does not hold a CMS SignedData");
		goto done;
	}
	/* Padding after the SignedData (ECDSA's few spare bytes) must be zeros:
	 * otherwise a changed byte there would go unnoticed. */
	for (size_t i = used; i < dn; i++)
		if (der[i] != 0) {
			INVALID("the /Contents string holds bytes after the signature");
			goto done;
		}
	int relen = i2d_CMS_ContentInfo(cms, &re);
	if (relen < 0 || (size_t)relen != used || memcmp(re, der, used) != 0) {
		INVALID("the signature is not in DER (it encodes differently when read)");
		goto done;
	}
	const ASN1_OBJECT *ect = CMS_get0_eContentType(cms);
	if (OBJ_obj2nid(ect) != NID_pkcs7_data) {
		char oid[80];
		OBJ_obj2txt(oid, sizeof oid, ect, 1);
		INVALID("the signature's encapsulated content type is %s, not id-data "
		        "(1.2.840.113549.1.7.1)",
		        oid);
		goto done;
	}
	if (CMS_is_detached(cms) != 1) {
		INVALID("the signature is not detached: it carries content of its own");
		goto done;
	}
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		INVALID("the signature has %d signers; reportgen's has exactly one",
		        sk_CMS_SignerInfo_num(sis));
		goto done;
	}
	STACK_OF(X509_CRL) *crls = CMS_get1_crls(cms);
	int ncrl = sk_X509_CRL_num(crls);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	if (ncrl > 0) {
		INVALID("the signature carries CRLs, which reportgen never writes");
		goto done;
	}
	/* Versions are outside the signature too: with issuerAndSerialNumber and
	 * id-data, RFC 5652 (5.1, 5.3) makes both 1. */
	STACK_OF(PKCS7_SIGNER_INFO) *p7sis = PKCS7_get_signer_info(p7);
	if (ASN1_INTEGER_get(p7->d.sign->version) != 1 || sk_PKCS7_SIGNER_INFO_num(p7sis) != 1 ||
	    ASN1_INTEGER_get(sk_PKCS7_SIGNER_INFO_value(p7sis, 0)->version) != 1) {
		INVALID("the SignedData or SignerInfo version is not 1, as RFC 5652 requires for "
		        "this signature");
		goto done;
	}
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	const EVP_MD *md = check_algorithms(res, si, p7);
	if (!md)
		goto done;
	if (CMS_signed_get_attr_count(si) <= 0) {
		INVALID("the signature has no signed attributes");
		goto done;
	}
	/* Unsigned: nothing, or one RFC 3161 time-stamp token, whose imprint
	 * binds it to this signature value (checked below). */
	ASN1_TYPE *tst = NULL;
	int nun = CMS_unsigned_get_attr_count(si);
	if (nun > 0) {
		X509_ATTRIBUTE *a = CMS_unsigned_get_attr(si, 0);
		if (nun != 1 || OBJ_obj2nid(X509_ATTRIBUTE_get0_object(a)) !=
		                    NID_id_smime_aa_timeStampToken) {
			INVALID("the signature carries unsigned attributes other than one "
			        "time-stamp token, which nothing signs");
			goto done;
		}
		if (X509_ATTRIBUTE_count(a) != 1 || !(tst = X509_ATTRIBUTE_get0_type(a, 0)) ||
		    tst->type != V_ASN1_SEQUENCE) {
			INVALID("the signature's time-stamp attribute does not hold one token");
			goto done;
		}
	}
	ASN1_TYPE *ct = one_attr(res, si, NID_pkcs9_contentType, "content-type");
	ASN1_TYPE *mdv = ct ? one_attr(res, si, NID_pkcs9_messageDigest, "message-digest") : NULL;
	ASN1_TYPE *st = NULL;
	if (mdv && rg->cades) {
		/* PAdES baseline (ETSI EN 319 142-1 5.3): the claimed time is /M. */
		res->pades = true;
		if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0) {
			INVALID("the PAdES signature (ETSI.CAdES.detached) carries a signing-time "
			        "attribute, which PAdES baseline forbids");
			goto done;
		}
		if (!rg->have_m) {
			INVALID("the PAdES signature states no signing time: its dictionary has no /M");
			goto done;
		}
	} else if (mdv) {
		st = one_attr(res, si, NID_pkcs9_signingTime, "signing-time");
	}
	ASN1_TYPE *ess = mdv && (st || rg->cades) ? one_attr(res, si,
	                                                     NID_id_smime_aa_signingCertificateV2,
	                                                     "signing-certificate-v2")
	                                          : NULL;
	if (!ess)
		goto done;
	if (ct->type != V_ASN1_OBJECT || OBJ_cmp(ct->value.object, ect) != 0) {
		INVALID("the content-type attribute does not match the encapsulated content type");
		goto done;
	}
	if (CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1) >= 0) {
		INVALID("the signature names its certificate by SHA-1 (signing-certificate v1)");
		goto done;
	}
	int64_t when = rg->m_time;
	if (st && ((st->type != V_ASN1_UTCTIME && st->type != V_ASN1_GENERALIZEDTIME) ||
	           !ASN1_TIME_check(st->value.utctime) ||
	           !rg_x509_time_epoch(&when, st->value.utctime))) {
		INVALID("the signing-time attribute is not a time");
		goto done;
	}
	if (st)
		rg_x509_time_rfc3339(res->signing_time, sizeof res->signing_time, st->value.utctime);
	else
		rg_time_format_utc(res->signing_time, when * 1000);

	/* message-digest: the digest of exactly the two ranges. */
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned diglen = 0;
	if (!(mctx = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(mctx, md, NULL) ||
	    !EVP_DigestUpdate(mctx, rg->data + rg->r[0], rg->r[1]) ||
	    !EVP_DigestUpdate(mctx, rg->data + rg->r[2], rg->r[3]) ||
	    !EVP_DigestFinal_ex(mctx, dig, &diglen)) {
		INVALID("the digest of the signed bytes cannot be computed");
		goto done;
	}
	if (mdv->type != V_ASN1_OCTET_STRING ||
	    ASN1_STRING_length(mdv->value.octet_string) != (int)diglen ||
	    memcmp(ASN1_STRING_get0_data(mdv->value.octet_string), dig, diglen) != 0) {
		INVALID("the signed bytes were changed: their digest is not the message-digest the "
		        "signature states");
		goto done;
	}

	certs = CMS_get1_certs(cms);
	X509 *signer = cms_signer_cert(si, certs);
	if (!signer) {
		INVALID("the signature does not carry its signer's certificate");
		goto done;
	}
	if (!ess_ok(ess, signer)) {
		INVALID("the signer certificate is not the one the signature names "
		        "(signing-certificate-v2 attribute)");
		goto done;
	}
	ERR_clear_error();
	CMS_SignerInfo_set1_signer_cert(si, signer);
	if (CMS_SignerInfo_verify(si) != 1) {
		unsigned long e = ERR_peek_last_error();
		const char *why = e ? ERR_reason_error_string(e) : NULL;
		INVALID("the signature does not verify over its signed attributes: %s",
		        why ? why : "the signature value does not match");
		goto done;
	}
	res->intact = true;
	/* The time-stamp, over the signature value.  A trusted one is when the
	 * signature existed: the signer's chain is checked then, not at the
	 * time the signer claims. */
	int64_t chain_time = when, tsa_time = 0;
	if (tst) {
		const ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
		if (!rg_tsa_check(res, ASN1_STRING_get0_data(tst->value.sequence),
		                  (size_t)ASN1_STRING_length(tst->value.sequence),
		                  ASN1_STRING_get0_data(sv), (size_t)ASN1_STRING_length(sv), trust,
		                  &tsa_time) &&
		    res->verdict >= RG_VERIFY_INVALID) {
			res->intact = false;
			goto done;
		}
		if (res->tsa_trusted)
			chain_time = tsa_time;
	}
	rg_verify_signer(res, signer, certs, chain_time, trust);
done:
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(re);
	sk_X509_pop_free(certs, X509_free);
	PKCS7_free(p7);
	CMS_ContentInfo_free(cms);
}

void rg_verify_pdf_bytes(struct rg_verify_result *res, const char *data, size_t len,
                         const struct rg_trust *trust)
{
	const char *end = data + len;
	const char *br = rg_memrmem(data, len, "/ByteRange");
	if (!br) {
		rg_verify_refuse(res, RG_VERIFY_UNSIGNED, "the PDF has no signature");
		return;
	}
	struct rg_span dict, contents = {0};
	size_t r[4];
	struct rg_cms_ranges rg = {data, {0, 0, 0, 0}, false, false, 0};
	if (!find_sig_dict(data, br, end, &dict)) {
		INVALID("the last /ByteRange is not in a signature dictionary");
		return;
	}
	if (!read_sig_dict(res, dict, r, &contents, &rg))
		return;
	if (r[0] != 0) {
		INVALID("the /ByteRange does not start at byte 0 (it starts at %zu)", r[0]);
		return;
	}
	if (r[1] == 0 || r[1] >= r[2]) {
		INVALID("the /ByteRange's two ranges overlap or leave no gap ([%zu %zu %zu %zu])",
		        r[0], r[1], r[2], r[3]);
		return;
	}
	if (r[1] > len || r[2] > len || r[3] > len - r[2]) {
		INVALID("the /ByteRange [%zu %zu %zu %zu] reaches past the end of the file (%zu "
		        "bytes)",
		        r[0], r[1], r[2], r[3], len);
		return;
	}
	/* The gap is exactly the /Contents string, < and > included. */
	if ((size_t)(contents.p - data) != r[1] || contents.n != r[2] - r[1] || contents.n < 2 ||
	    contents.p[0] != '<' || contents.p[contents.n - 1] != '>') {
		INVALID("the bytes the /ByteRange leaves out (%zu to %zu) are not exactly the "
		        "/Contents string",
		        r[1], r[2]);
		return;
	}
	if ((size_t)(dict.p + dict.n - data) > r[2] + r[3]) {
		INVALID("the signature dictionary lies outside the signed bytes");
		return;
	}
	if (r[2] + r[3] != len)
		rg_verify_refuse(
		    res, RG_VERIFY_PARTIAL,
		    "%zu bytes were added after the signed revision; the signature does "
		    "not cover them",
		    len - (r[2] + r[3]));

	size_t hexn = contents.n - 2;
	if (hexn % 2) {
		INVALID("the /Contents string has an odd number of hex digits");
		return;
	}
	unsigned char *der = malloc(hexn / 2 + 1);
	if (!der) {
		INVALID("out of memory");
		return;
	}
	for (size_t i = 0; i < hexn; i += 2) {
		int hi = hexval(contents.p[1 + i]), lo = hexval(contents.p[2 + i]);
		if (hi < 0 || lo < 0) {
			char c = hi < 0 ? contents.p[1 + i] : contents.p[2 + i];
			free(der);
			if (c >= 'a' && c <= 'f')
				INVALID("the /Contents string has lower-case hex digits; reportgen "
				        "writes upper case, so the file was changed");
			else
				INVALID(
				    "the /Contents string holds a byte that is not a hex digit");
			return;
		}
		der[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(rg.r, r, sizeof rg.r);
	rg_verify_cms(res, der, hexn / 2, &rg, trust);
	free(der);
}

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), k = strlen(ext);
	return n > k && strcasecmp(path + n - k, ext) == 0;
}

rg_status rg_verify_file(struct rg_verify_result *res, const char *path,
                         const struct rg_trust *trust, struct rg_diags *diags)
{
	memset(res, 0, sizeof *res);
	struct rg_sigfile f;
	rg_status st = rg_sigfile_open(&f, path, RG_SIGN_PDF_MAX, "PDF", "verify", diags);
	if (st != RG_OK)
		return st;
	const char *data = f.data;
	size_t len = f.len;
	bool pdf_head = len >= 5 && memcmp(data, "%PDF-", 5) == 0;
	size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (skip < len && isspace((unsigned char)data[skip]))
		skip++;
	bool xml_head = skip < len && data[skip] == '<';

	if (has_ext(path, ".pdf") || (!has_ext(path, ".xml") && pdf_head)) {
		if (!pdf_head)
			INVALID(
			    "it is named .pdf but is not a PDF: it does not start with %%PDF-%s",
			    xml_head ? " (it starts like XML)" : "");
		else
			rg_verify_pdf_bytes(res, data, len, trust);
	} else if (has_ext(path, ".xml") || xml_head) {
		if (len > RG_SIGN_XML_MAX) {
			rg_sigfile_too_large(path, len, RG_SIGN_XML_MAX, "XML", "verify", diags);
			st = RG_EINPUT;
		} else {
			st = rg_verify_xml(res, path, data, len, trust, diags);
		}
	} else {
		rg_diag_err(diags, "verify.format", path, 0, NULL,
		            "give a report.pdf, summary.pdf or report.xml",
		            "is neither a PDF nor an XML document");
		st = RG_EINPUT;
	}
	rg_sigfile_close(&f);
	/* Fail closed: "valid" only with every check passed. */
	if (st == RG_OK && res->verdict == RG_VERIFY_VALID && (!res->intact || !res->anchor[0]))
		INVALID("the signature could not be checked completely");
	return st;
}
