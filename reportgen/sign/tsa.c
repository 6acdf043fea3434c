/*
 * tsa.c: RFC 3161 time-stamps: asking a time-stamping authority (TSA) for a
 * token over a signature value, and checking such a token.
 *
 * Why: a signature's own time (signingTime, /M, SOURCE_DATE_EPOCH) is what
 * the signer's clock said; a TSA's token proves the signature existed at
 * its genTime.  Signing (--tsa URL): the CMS signers (rg_cms_sign) put the
 * token in the SignerInfo as the unsigned attribute
 * id-aa-signatureTimeStampToken (RFC 3161 appendix A, the PAdES B-T form);
 * sign_xml.c puts it in a ds:Object as a XAdES SignatureTimeStamp.  The
 * imprint is SHA-256 over the signature value (CMS: the SignerInfo's
 * signature octets; XML: the exclusive canonical form of
 * ds:SignatureValue, as XAdES defines it).
 *
 * The request is a TimeStampReq (SHA-256 imprint, a random 64-bit nonce,
 * certReq so the TSA's certificate comes in the token) POSTed over HTTP(S)
 * with libcurl; the answer is checked before it is used: status granted,
 * the imprint and nonce ours.  A TSA that cannot be reached or refuses is a
 * failure of the run (RG_EENV, exit 3): the caller writes nothing.
 *
 * Verifying (rg_tsa_check) is fail-closed like the rest of verify: a token
 * that cannot be read, or whose imprint is not this signature's (a token
 * copied from another signature), makes the signature INVALID.  With TSA
 * anchors (--tsa-ca) the token's signature, the TSA certificate's
 * timeStamping purpose and its chain at genTime are checked (OpenSSL's
 * TS_RESP_verify_token); a failure there makes the verdict at best
 * UNTRUSTED.  Without anchors the token's own signature is still checked
 * and the time is shown as not verified.
 */
#include "sign/sign_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

/* A token with its TSA's chain is a few kilobytes. */
#define TSA_REPLY_MAX (256 * 1024)
#define TSA_TIMEOUT_S 30L

struct reply {
	unsigned char *p;
	size_t n;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct reply *r = user;
	size_t add = size * nmemb;
	if (r->n + add > TSA_REPLY_MAX) {
		r->too_big = true;
		return 0;
	}
	unsigned char *np = realloc(r->p, r->n + add + 1);
	if (!np)
		return 0;
	memcpy(np + r->n, ptr, add);
	r->p = np;
	r->n += add;
	return add;
}

static bool imprint_of(const unsigned char *data, size_t n, unsigned char *md, unsigned *mdlen)
{
	return EVP_Digest(data, n, md, mdlen, EVP_sha256(), NULL) == 1;
}

/* DER TimeStampReq over md; *nonce_out the nonce (ASN1_INTEGER_free). */
static int make_request(unsigned char **der, const unsigned char *md, unsigned mdlen,
                        ASN1_INTEGER **nonce_out)
{
	int len = -1;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = BN_new();
	if (!req || !mi || !alg || !bn ||
	    !X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(mi, alg) || !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)md, (int)mdlen) ||
	    !TS_REQ_set_version(req, 1) || !TS_REQ_set_msg_imprint(req, mi) ||
	    !BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !(nonce = BN_to_ASN1_INTEGER(bn, NULL)) || !TS_REQ_set_nonce(req, nonce) ||
	    !TS_REQ_set_cert_req(req, 1))
		goto done;
	len = i2d_TS_REQ(req, der);
	*nonce_out = nonce;
	nonce = NULL;
done:
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return len;
}

bool rg_tsa_stamp(const char *url, const unsigned char *data, size_t n, unsigned char **tok,
                  int *tok_len, char *why, size_t why_size)
{
	unsigned char md[EVP_MAX_MD_SIZE], *reqder = NULL;
	unsigned mdlen = 0;
	ASN1_INTEGER *nonce = NULL;
	struct reply r = {0};
	TS_RESP *resp = NULL;
	bool ok = false;
	*tok = NULL;
	*tok_len = 0;
	snprintf(why, why_size, "cannot make the time-stamp request");
	int reqlen = imprint_of(data, n, md, &mdlen) ? make_request(&reqder, md, mdlen, &nonce) : -1;
	if (reqlen <= 0)
		goto done;

	static bool curl_ready;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			goto done;
		curl_ready = true;
	}
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/timestamp-query");
	char cerr[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc = CURLE_FAILED_INIT;
	if (c && hdr) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)reqder);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)reqlen);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, TSA_TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	}
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(why, why_size, "the time-stamping authority %s cannot be reached: %s", url,
		         r.too_big ? "its answer is too large" : cerr[0] ? cerr : curl_easy_strerror(rc));
		goto done;
	}
	if (code != 200) {
		snprintf(why, why_size, "the time-stamping authority %s answered HTTP %ld", url, code);
		goto done;
	}
	const unsigned char *p = r.p;
	resp = r.p ? d2i_TS_RESP(NULL, &p, (long)r.n) : NULL;
	if (!resp) {
		snprintf(why, why_size, "the time-stamping authority %s did not answer with an RFC "
		         "3161 TimeStampResp", url);
		goto done;
	}
	TS_STATUS_INFO *si = TS_RESP_get_status_info(resp);
	long status = si ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si)) : -1;
	if (status != 0 && status != 1) {
		snprintf(why, why_size, "the time-stamping authority %s refused the request (status %ld)",
		         url, status);
		goto done;
	}
	TS_TST_INFO *ti = TS_RESP_get_tst_info(resp);
	PKCS7 *token = TS_RESP_get_token(resp);
	TS_MSG_IMPRINT *mi = ti ? TS_TST_INFO_get_msg_imprint(ti) : NULL;
	ASN1_OCTET_STRING *got = mi ? TS_MSG_IMPRINT_get_msg(mi) : NULL;
	const ASN1_INTEGER *tn = ti ? TS_TST_INFO_get_nonce(ti) : NULL;
	if (!token || !got || ASN1_STRING_length(got) != (int)mdlen ||
	    memcmp(ASN1_STRING_get0_data(got), md, mdlen) != 0 || !tn ||
	    ASN1_INTEGER_cmp(tn, nonce) != 0) {
		snprintf(why, why_size, "the time-stamping authority %s answered with a token for "
		         "another request (imprint or nonce differ)", url);
		goto done;
	}
	*tok_len = i2d_PKCS7(token, tok);
	ok = *tok_len > 0;
	if (ok)
		why[0] = '\0';
done:
	ERR_clear_error();
	TS_RESP_free(resp);
	free(r.p);
	OPENSSL_free(reqder);
	ASN1_INTEGER_free(nonce);
	return ok;
}

#define INVALID(...) rg_verify_refuse(res, RG_VERIFY_INVALID, __VA_ARGS__)

/* The parts of a token its own signature does not cover must be as RFC
 * 3161 and RFC 5652 make them, so that no byte of the token can change
 * unnoticed: DER exactly as read, SignedData version 3 (the content is not
 * id-data), one SignerInfo, one digest algorithm (the signer's), no CRLs,
 * nothing unsigned in the SignerInfo. */
static bool token_shape(struct rg_verify_result *res, PKCS7 *token, const unsigned char *tok,
                        size_t tok_len)
{
	unsigned char *re = NULL;
	int rn = i2d_PKCS7(token, &re);
	bool same = rn > 0 && (size_t)rn == tok_len && memcmp(re, tok, tok_len) == 0;
	OPENSSL_free(re);
	if (!same) {
		INVALID("the time-stamp token is not in DER (it encodes differently when read)");
		return false;
	}
	if (!PKCS7_type_is_signed(token) || !token->d.sign) {
		INVALID("the time-stamp token is not a SignedData");
		return false;
	}
	PKCS7_SIGNED *sd = token->d.sign;
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(token);
	PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_num(sis) == 1 ? sk_PKCS7_SIGNER_INFO_value(sis, 0)
	                                                            : NULL;
	long sv = si ? ASN1_INTEGER_get(si->version) : -1;
	if (ASN1_INTEGER_get(sd->version) != 3 || !si || (sv != 1 && sv != 3) ||
	    sk_X509_CRL_num(sd->crl) > 0 || sk_X509_ATTRIBUTE_num(si->unauth_attr) > 0 ||
	    sk_X509_ALGOR_num(sd->md_algs) != 1 ||
	    X509_ALGOR_cmp(sk_X509_ALGOR_value(sd->md_algs, 0), si->digest_alg) != 0) {
		INVALID("the time-stamp token's SignedData is not as RFC 3161 makes it (version, "
		        "signers, digest algorithms, CRLs or unsigned attributes)");
		return false;
	}
	/* The signature algorithm is not signed either: it must be the key's
	 * plain algorithm, or name the digest the SignerInfo uses. */
	const ASN1_OBJECT *obj;
	int ptype;
	const void *pval;
	X509_ALGOR_get0(&obj, &ptype, &pval, si->digest_enc_alg);
	int snid = OBJ_obj2nid(obj), dnid = NID_undef, pknid = NID_undef;
	bool plain = snid == NID_rsaEncryption || snid == NID_X9_62_id_ecPublicKey;
	if ((!plain && (!OBJ_find_sigid_algs(snid, &dnid, &pknid) ||
	                dnid != OBJ_obj2nid(si->digest_alg->algorithm))) ||
	    (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF)) {
		INVALID("the time-stamp token names a signature algorithm that does not match its "
		        "digest");
		return false;
	}
	return true;
}

/* Every certificate the token carries is one of the TSA's chain, as built
 * to the anchors at genTime (a certificate that plays no part could be
 * changed unnoticed). */
static bool certs_in_chain(PKCS7 *token, const struct rg_trust *trust, int64_t when)
{
	STACK_OF(X509) *certs = token->d.sign->cert, *signers = PKCS7_get0_signers(token, NULL, 0);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *chain = NULL;
	bool ok = signers && sk_X509_num(signers) == 1 && store && ctx;
	for (int i = 0; ok && i < sk_X509_num(trust->tsa_anchors); i++)
		X509_STORE_add_cert(store, sk_X509_value(trust->tsa_anchors, i));
	ok = ok && X509_STORE_CTX_init(ctx, store, sk_X509_value(signers, 0), certs) == 1;
	if (ok) {
		X509_STORE_CTX_set_time(ctx, 0, (time_t)when);
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_TIMESTAMP_SIGN);
		ok = X509_verify_cert(ctx) == 1 && (chain = X509_STORE_CTX_get1_chain(ctx)) != NULL;
	}
	for (int i = 0; ok && i < sk_X509_num(certs); i++) {
		bool found = false;
		for (int k = 0; !found && k < sk_X509_num(chain); k++)
			found = X509_cmp(sk_X509_value(certs, i), sk_X509_value(chain, k)) == 0;
		ok = found;
	}
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(signers);
	return ok;
}

static void gen_time(char *buf, size_t size, const ASN1_GENERALIZEDTIME *t)
{
	if (!rg_x509_time_rfc3339(buf, size, t))
		snprintf(buf, size, "(unreadable time)");
}

bool rg_tsa_check(struct rg_verify_result *res, const unsigned char *tok, size_t tok_len,
                  const unsigned char *data, size_t n, const struct rg_trust *trust,
                  int64_t *trusted_time)
{
	const unsigned char *p = tok;
	PKCS7 *token = tok_len <= INT32_MAX ? d2i_PKCS7(NULL, &p, (long)tok_len) : NULL;
	TS_TST_INFO *ti = token && p == tok + tok_len ? PKCS7_to_TS_TST_INFO(token) : NULL;
	TS_VERIFY_CTX *vc = NULL;
	X509_STORE *store = NULL;
	bool ok = false;
	res->tsa_present = true;
	if (!ti) {
		INVALID("the time-stamp token cannot be read");
		goto done;
	}
	if (!token_shape(res, token, tok, tok_len))
		goto done;
	const ASN1_GENERALIZEDTIME *gt = TS_TST_INFO_get_time(ti);
	gen_time(res->tsa_time, sizeof res->tsa_time, gt);
	/* The imprint: this signature's, by an accepted digest. */
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(ti);
	X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
	int nid = OBJ_obj2nid(alg->algorithm);
	const EVP_MD *md = rg_sign_digest_ok(nid) ? EVP_get_digestbynid(nid) : NULL;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned diglen = 0;
	ASN1_OCTET_STRING *got = TS_MSG_IMPRINT_get_msg(mi);
	if (!md) {
		INVALID("the time-stamp token's imprint uses %s, not SHA-256 or stronger",
		        nid != NID_undef ? OBJ_nid2sn(nid) : "an unknown digest");
		goto done;
	}
	if (!EVP_Digest(data, n, dig, &diglen, md, NULL) ||
	    ASN1_STRING_length(got) != (int)diglen ||
	    memcmp(ASN1_STRING_get0_data(got), dig, diglen) != 0) {
		INVALID("the time-stamp token is not over this signature (its imprint is another "
		        "signature's): it was copied from elsewhere, or the signature was changed");
		goto done;
	}
	/* Who stamped: the token's signer certificate. */
	STACK_OF(X509) *signers = PKCS7_get0_signers(token, NULL, 0);
	if (signers && sk_X509_num(signers) == 1) {
		char *name = rg_x509_name_line(X509_get_subject_name(sk_X509_value(signers, 0)));
		snprintf(res->tsa_name, sizeof res->tsa_name, "%s", name ? name : "");
		free(name);
	}
	sk_X509_free(signers);
	ERR_clear_error();

	int64_t when = 0;
	if (!rg_x509_time_epoch(&when, gt)) {
		INVALID("the time-stamp token's time cannot be read");
		goto done;
	}
	if (!trust || !trust->tsa_anchors || sk_X509_num(trust->tsa_anchors) == 0) {
		/* The token's own signature still holds, or the token is damaged. */
		if (PKCS7_verify(token, NULL, NULL, NULL, NULL, PKCS7_NOVERIFY | PKCS7_NOCHAIN) != 1) {
			INVALID("the time-stamp token's signature does not verify");
			goto done;
		}
		snprintf(res->tsa_note, sizeof res->tsa_note,
		         "not checked against a TSA anchor (give --tsa-ca FILE)");
		ok = true;
		goto done;
	}
	if (!(store = X509_STORE_new()) || !(vc = TS_VERIFY_CTX_new()))
		goto done;
	for (int i = 0; i < sk_X509_num(trust->tsa_anchors); i++)
		X509_STORE_add_cert(store, sk_X509_value(trust->tsa_anchors, i));
	/* The TSA's chain as it stood when it stamped. */
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), (time_t)when);
	TS_VERIFY_CTX_set_store(vc, store);
	store = NULL; /* the context owns it now */
	TS_VERIFY_CTX_set_flags(vc, TS_VFY_VERSION | TS_VFY_SIGNATURE);
	if (TS_RESP_verify_token(vc, token) != 1 || !certs_in_chain(token, trust, when)) {
		unsigned long e = ERR_peek_last_error();
		const char *why = e ? ERR_reason_error_string(e) : NULL;
		rg_verify_refuse(res, RG_VERIFY_UNTRUSTED,
		                 "time-stamp not trusted: the token does not chain to a --tsa-ca "
		                 "anchor as a time-stamping certificate at %s%s%s",
		                 res->tsa_time, why ? ": " : "", why ? why : "");
		goto done;
	}
	res->tsa_trusted = true;
	*trusted_time = when;
	ok = true;
done:
	ERR_clear_error();
	X509_STORE_free(store);
	TS_VERIFY_CTX_free(vc);
	TS_TST_INFO_free(ti);
	PKCS7_free(token);
	return ok;
}
