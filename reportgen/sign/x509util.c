/*
 * x509util.c: the certificate rules signing and verifying share (see
 * sign_internal.h), the trust anchors, and the verdict bookkeeping of verify.
 *
 * Which certificates may sign a report is decided here once, for both
 * sides, so reportgen never writes a report its own verify refuses.  The
 * chain check is OpenSSL's (X509_verify_cert) at the signing time the
 * signature states, not at the current time: a genuine report stays valid
 * after its signer's certificate expires, and the note says so.  What that
 * costs is written in docs/signing.md: a signing time is the signer's own
 * claim until reports carry trusted timestamps.  Revocation is not checked
 * (verify works offline: no CRL or OCSP fetching).
 */
#include "sign/sign_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/str.h"
#include "core/timefmt.h"

/* A signing time later than this after the verifying machine's clock is
 * refused: the certificate would be judged at a time that has not come. */
#define FUTURE_SLACK_S 3600
#define MAX_ANCHORS 4096

char *rg_x509_name_line(const X509_NAME *name)
{
	BIO *m = BIO_new(BIO_s_mem());
	if (!m)
		return NULL;
	X509_NAME_print_ex(m, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	char *p;
	long n = BIO_get_mem_data(m, &p);
	char *s = n >= 0 ? rg_asprintf("%.*s", (int)n, p) : NULL;
	BIO_free(m);
	return s;
}

bool rg_x509_time_rfc3339(char *buf, size_t size, const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return false;
	return strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

bool rg_x509_time_epoch(int64_t *out, const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return false;
	*out =
	    rg_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) *
	        86400 +
	    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return true;
}

bool rg_sign_digest_ok(int nid)
{
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/* Extended key usages that allow signing documents.  serverAuth,
 * clientAuth, codeSigning, timeStamping and OCSPSigning do not: a TLS or
 * code-signing certificate's holder never agreed to sign reports with it. */
static const char *const document_ekus[] = {
    "1.3.6.1.5.5.7.3.36",      /* id-kp-documentSigning (RFC 9336) */
    "1.3.6.1.4.1.311.10.3.12", /* Microsoft document signing */
    "1.2.840.113583.1.1.5",    /* Adobe Authentic Documents Trust */
    "1.3.6.1.5.5.7.3.4",       /* id-kp-emailProtection: US federal PIV signature certificates */
    "2.5.29.37.0",             /* anyExtendedKeyUsage */
    NULL,
};

static bool eku_ok(X509 *cert, char *why, size_t why_size)
{
	int crit = 0;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, &crit, NULL);
	if (!eku) {
		snprintf(why, why_size, "has an extended key usage that cannot be read");
		return false;
	}
	bool ok = false;
	char seen[160] = "";
	size_t used = 0;
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && !ok; i++) {
		char oid[80];
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		OBJ_obj2txt(oid, sizeof oid, o, 1);
		for (const char *const *p = document_ekus; *p && !ok; p++)
			ok = strcmp(oid, *p) == 0;
		int nid = OBJ_obj2nid(o);
		const char *nm = nid != NID_undef ? OBJ_nid2sn(nid) : oid;
		int w = snprintf(seen + used, sizeof seen - used, "%s%s", used ? ", " : "", nm);
		if (w > 0 && (size_t)w < sizeof seen - used)
			used += (size_t)w;
	}
	EXTENDED_KEY_USAGE_free(eku);
	if (!ok)
		snprintf(why, why_size,
		         "has an extended key usage (%s) that does not allow signing documents",
		         seen[0] ? seen : "empty");
	return ok;
}

bool rg_x509_may_sign(X509 *cert, const char **code, char *why, size_t why_size)
{
	uint32_t flags = X509_get_extension_flags(cert);
	bool ok = true;
	*code = NULL;
	why[0] = '\0';
	if (flags & EXFLAG_INVALID) {
		*code = "cert-usage";
		snprintf(why, why_size, "has an extension that cannot be read");
		ok = false;
	} else if ((flags & EXFLAG_CA) ||
	           ((flags & EXFLAG_KUSAGE) && (X509_get_key_usage(cert) & KU_KEY_CERT_SIGN))) {
		*code = "cert-ca";
		snprintf(why, why_size,
		         "is a CA certificate (it may issue certificates), which may "
		         "not sign reports");
		ok = false;
	} else if (!(flags & EXFLAG_KUSAGE)) {
		*code = "cert-usage";
		snprintf(why, why_size,
		         "has no key usage extension (it needs digitalSignature or "
		         "nonRepudiation)");
		ok = false;
	} else if (!(X509_get_key_usage(cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		*code = "cert-usage";
		snprintf(why, why_size,
		         "has a key usage that allows neither digitalSignature nor "
		         "nonRepudiation");
		ok = false;
	} else if ((flags & EXFLAG_XKUSAGE) && !eku_ok(cert, why, why_size)) {
		*code = "cert-eku";
		ok = false;
	}
	ERR_clear_error();
	return ok;
}

void rg_verify_refuse(struct rg_verify_result *res, enum rg_verify_verdict v, const char *fmt, ...)
{
	if (v < res->verdict || (v == res->verdict && res->reason[0]))
		return;
	res->verdict = v;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof res->reason, fmt, ap);
	va_end(ap);
}

/* --- trust anchors ------------------------------------------------------- */

static bool is_cert_block(const char *name)
{
	return strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "X509 CERTIFICATE") == 0 ||
	       strcmp(name, "TRUSTED CERTIFICATE") == 0;
}

/* Adds the certificates of one PEM file; *found counts them. */
static rg_status load_file(struct rg_trust *t, const char *path, size_t *found,
                           struct rg_diags *diags)
{
	BIO *bio = BIO_new_file(path, "rb");
	if (!bio) {
		rg_diag_err(diags, "verify.ca-read", path, 0, NULL,
		            "check the path given to --ca or in REPORTGEN_CA",
		            "cannot read the trust anchors: %s", strerror(errno));
		ERR_clear_error();
		return RG_EENV;
	}
	rg_status st = RG_OK;
	for (int block = 1;; block++) {
		char *name = NULL, *header = NULL;
		unsigned char *der = NULL;
		long n = 0;
		ERR_clear_error();
		if (!PEM_read_bio(bio, &name, &header, &der, &n)) {
			unsigned long e = ERR_peek_last_error();
			if (ERR_GET_LIB(e) != ERR_LIB_PEM ||
			    ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
				rg_diag_err(diags, "verify.ca-format", path, 0, NULL,
				            "give PEM certificates (-----BEGIN CERTIFICATE-----)",
				            "PEM block %d of the trust anchors cannot be read",
				            block);
				st = RG_EINPUT;
			}
			break;
		}
		if (is_cert_block(name)) {
			const unsigned char *p = der;
			X509 *x = strcmp(name, "TRUSTED CERTIFICATE") == 0
			              ? d2i_X509_AUX(NULL, &p, n)
			              : d2i_X509(NULL, &p, n);
			if (!x || p != der + n) {
				X509_free(x);
				rg_diag_err(diags, "verify.ca-format", path, 0, NULL,
				            "give PEM certificates (-----BEGIN CERTIFICATE-----)",
				            "certificate block %d of the trust anchors is not a "
				            "certificate",
				            block);
				st = RG_EINPUT;
			} else if (sk_X509_num(t->anchors) >= MAX_ANCHORS ||
			           !sk_X509_push(t->anchors, x)) {
				X509_free(x);
				rg_diag_err(diags, "verify.ca-format", path, 0, NULL, NULL,
				            "holds more than %d trust anchors", MAX_ANCHORS);
				st = RG_EINPUT;
			} else {
				(*found)++;
			}
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		if (st != RG_OK)
			break;
	}
	BIO_free(bio);
	ERR_clear_error();
	return st;
}

static rg_status load_dir(struct rg_trust *t, const char *path, size_t *found,
                          struct rg_diags *diags)
{
	DIR *d = opendir(path);
	if (!d) {
		rg_diag_err(diags, "verify.ca-read", path, 0, NULL,
		            "check the path given to --ca or in REPORTGEN_CA",
		            "cannot read the trust store: %s", strerror(errno));
		return RG_EENV;
	}
	rg_status st = RG_OK;
	struct dirent *e;
	while (st == RG_OK && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *p = rg_asprintf("%s/%s", path, e->d_name);
		struct stat sb;
		if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			st = load_file(t, p, found, diags);
		free(p);
	}
	closedir(d);
	return st;
}

rg_status rg_trust_load(struct rg_trust **out, const char *const *paths, size_t n,
                        struct rg_diags *diags)
{
	*out = NULL;
	struct rg_trust *t = calloc(1, sizeof *t);
	if (!t || !(t->anchors = sk_X509_new_null())) {
		free(t);
		rg_diag_err(diags, "env.nomem", "(trust anchors)", 0, NULL, NULL, "out of memory");
		return RG_EENV;
	}
	rg_status st = RG_OK;
	for (size_t i = 0; i < n; i++) {
		size_t found = 0;
		struct stat sb;
		bool dir = stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode);
		rg_status s = dir ? load_dir(t, paths[i], &found, diags)
		                  : load_file(t, paths[i], &found, diags);
		if (s == RG_OK && found == 0) {
			rg_diag_err(diags, "verify.ca-empty", paths[i], 0, NULL,
			            "give PEM certificates (-----BEGIN CERTIFICATE-----) to trust",
			            "%s no certificate to use as a trust anchor",
			            dir ? "is a folder holding" : "holds");
			s = RG_EINPUT;
		}
		st = rg_status_worst(st, s);
	}
	if (st != RG_OK) {
		rg_trust_free(t);
		return st;
	}
	*out = t;
	return RG_OK;
}

void rg_trust_free(struct rg_trust *t)
{
	if (!t)
		return;
	sk_X509_pop_free(t->anchors, X509_free);
	sk_X509_pop_free(t->tsa_anchors, X509_free);
	free(t);
}

rg_status rg_trust_load_tsa(struct rg_trust **t, const char *const *paths, size_t n,
                            struct rg_diags *diags)
{
	/* Loaded as signer anchors are, then moved aside. */
	struct rg_trust *tsa = NULL;
	rg_status st = rg_trust_load(&tsa, paths, n, diags);
	if (st != RG_OK)
		return st;
	if (!*t) {
		if (!(*t = calloc(1, sizeof **t)) || !((*t)->anchors = sk_X509_new_null())) {
			free(*t);
			*t = NULL;
			rg_trust_free(tsa);
			return RG_EENV;
		}
	}
	sk_X509_pop_free((*t)->tsa_anchors, X509_free);
	(*t)->tsa_anchors = tsa->anchors;
	tsa->anchors = NULL;
	rg_trust_free(tsa);
	return RG_OK;
}

/* --- the signer and its chain -------------------------------------------- */

static void subject_of(char *buf, size_t size, X509 *c)
{
	char *s = rg_x509_name_line(X509_get_subject_name(c));
	snprintf(buf, size, "%s", s ? s : "(unreadable name)");
	free(s);
}

static void fmt_epoch(char *buf, int64_t t)
{
	rg_time_format_utc(buf, t * 1000);
}

/* Every certificate the signature carries but a self-signed one must be
 * signed with SHA-256 or stronger (a root's own signature proves nothing;
 * OpenSSL's security level would refuse SHA-1 too, without saying so). */
static bool digests_ok(STACK_OF(X509) * certs, char *why, size_t why_size)
{
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *c = sk_X509_value(certs, i);
		if (X509_get_extension_flags(c) & EXFLAG_SS)
			continue;
		int md = NID_undef, pk = NID_undef;
		if (!X509_get_signature_info(c, &md, &pk, NULL, NULL) || !rg_sign_digest_ok(md)) {
			char *sub = rg_x509_name_line(X509_get_subject_name(c));
			snprintf(why, why_size,
			         "the certificate %s is signed with %s; verify accepts SHA-256 or "
			         "stronger",
			         sub ? sub : "?",
			         md != NID_undef ? OBJ_nid2sn(md) : "an unknown digest");
			free(sub);
			return false;
		}
	}
	return true;
}

void rg_verify_signer(struct rg_verify_result *res, X509 *signer, STACK_OF(X509) * embedded,
                      int64_t signing_time, const struct rg_trust *trust)
{
	char why[320], when[RG_TIME_BUFSZ], lim[RG_TIME_BUFSZ];
	const char *code;
	subject_of(res->subject, sizeof res->subject, signer);
	fmt_epoch(when, signing_time);

	int64_t now = (int64_t)time(NULL);
	if (signing_time > now + FUTURE_SLACK_S) {
		char nowb[RG_TIME_BUFSZ];
		fmt_epoch(nowb, now);
		rg_verify_refuse(
		    res, RG_VERIFY_INVALID,
		    "the signing time it states (%s) is after this machine's clock (%s)", when,
		    nowb);
		return;
	}
	if (!rg_x509_may_sign(signer, &code, why, sizeof why)) {
		rg_verify_refuse(res, RG_VERIFY_UNTRUSTED, "signer not trusted: the certificate %s",
		                 why);
		return;
	}
	int64_t nb, na;
	if (!rg_x509_time_epoch(&nb, X509_get0_notBefore(signer)) ||
	    !rg_x509_time_epoch(&na, X509_get0_notAfter(signer))) {
		rg_verify_refuse(res, RG_VERIFY_UNTRUSTED,
		                 "signer not trusted: the certificate's validity cannot be read");
		return;
	}
	if (signing_time < nb || signing_time > na) {
		char a[RG_TIME_BUFSZ], b[RG_TIME_BUFSZ];
		fmt_epoch(a, nb);
		fmt_epoch(b, na);
		rg_verify_refuse(res, RG_VERIFY_UNTRUSTED,
		                 "signer not trusted: the certificate was not valid at the signing "
		                 "time %s (valid %s to %s)",
		                 when, a, b);
		return;
	}
	if (!trust || sk_X509_num(trust->anchors) == 0) {
		rg_verify_refuse(
		    res, RG_VERIFY_UNTRUSTED,
		    "signer not trusted: no trust anchors given (give --ca FILE or set "
		    "REPORTGEN_CA)");
		return;
	}

	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool ok = store && ctx;
	for (int i = 0; ok && i < sk_X509_num(trust->anchors); i++)
		ok = X509_STORE_add_cert(store, sk_X509_value(trust->anchors, i)) == 1;
	ERR_clear_error(); /* a duplicate anchor is not an error */
	if (!ok || X509_STORE_CTX_init(ctx, store, signer, embedded) != 1) {
		rg_verify_refuse(res, RG_VERIFY_UNTRUSTED,
		                 "signer not trusted: the certificate check could not be set up");
		goto done;
	}
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	/* Every certificate of the anchor files is an anchor (RFC 5280 trust
	 * anchors), checked at the stated signing time, with 112-bit keys. */
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_time(param, (time_t)signing_time);
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	if (!digests_ok(embedded, why, sizeof why)) {
		rg_verify_refuse(res, RG_VERIFY_UNTRUSTED, "signer not trusted: %s", why);
		goto done;
	}
	if (X509_verify_cert(ctx) != 1) {
		int err = X509_STORE_CTX_get_error(ctx);
		X509 *at = X509_STORE_CTX_get_current_cert(ctx);
		char sub[256] = "";
		if (at && at != signer)
			subject_of(sub, sizeof sub, at);
		rg_verify_refuse(
		    res, RG_VERIFY_UNTRUSTED,
		    "signer not trusted: the chain does not reach a trust anchor at the "
		    "signing time %s: %s%s%s",
		    when, X509_verify_cert_error_string(err), sub[0] ? " at " : "", sub);
		goto done;
	}
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	/* Certificates the signature carries but the chain does not use are
	 * unsigned bytes nobody checked: refused, like any unsigned content. */
	for (int i = 0; i < sk_X509_num(embedded); i++) {
		X509 *c = sk_X509_value(embedded, i);
		bool used = false;
		for (int j = 0; j < sk_X509_num(chain) && !used; j++)
			used = X509_cmp(c, sk_X509_value(chain, j)) == 0;
		if (!used) {
			char sub[256];
			subject_of(sub, sizeof sub, c);
			rg_verify_refuse(res, RG_VERIFY_PARTIAL,
			                 "the signature carries a certificate that is not in the "
			                 "signer's chain (%s)",
			                 sub);
		}
	}
	subject_of(res->anchor, sizeof res->anchor, sk_X509_value(chain, sk_X509_num(chain) - 1));
	/* Valid at signing; say so when a certificate has expired since. */
	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *c = sk_X509_value(chain, i);
		int64_t end;
		if (rg_x509_time_epoch(&end, X509_get0_notAfter(c)) && end < now) {
			fmt_epoch(lim, end);
			snprintf(
			    res->note, sizeof res->note,
			    "the %s certificate has expired since signing (on %s); it was valid "
			    "at the signing time",
			    i == 0 ? "signer" : "issuing CA", lim);
			break;
		}
	}
done:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
}
