/*
 * signer.c: loading and checking the signer's key material (see sign.h).
 *
 * Input: the paths of rg_signer_options and, for an encrypted key, a
 * passphrase from --passphrase-file or $REPORTGEN_KEY_PASSPHRASE.  Output: an
 * rg_signer that sign_pdf.c and sign_xml.c use read-only.
 *
 * Every check that can refuse a key runs here, before any output is
 * touched, so a bad key never leaves a half-signed report behind.  The
 * passphrase lives only in a local buffer that is wiped with
 * OPENSSL_cleanse before this file returns; no diagnostic names it, its
 * length, or any byte of the key.
 */
#include "sign/sign_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/str.h"
#include "core/timefmt.h"

#define PASSPHRASE_MAX 1024

struct pass_ctx {
	const char *pw; /* NULL: none was given */
	size_t len;
	bool asked; /* OpenSSL wanted one: the key is encrypted */
};

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *pc = u;
	(void)rwflag;
	pc->asked = true;
	if (!pc->pw || size <= 0)
		return -1;
	size_t n = pc->len < (size_t)size ? pc->len : (size_t)size;
	memcpy(buf, pc->pw, n);
	return (int)n;
}

/* Reads the first line of the passphrase file into buf (wiped by the
 * caller).  The newline an editor adds is not part of the passphrase. */
static rg_status read_passphrase_file(char *buf, size_t size, size_t *len, const char *path,
                                      struct rg_diags *diags)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		rg_diag_err(diags, "sign.passphrase-read", path, 0, NULL,
		            "check the path given to --passphrase-file",
		            "cannot read the passphrase file: %s", strerror(errno));
		return RG_EENV;
	}
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *nl = memchr(buf, '\n', n);
	if (nl)
		n = (size_t)(nl - buf);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return RG_OK;
}

static rg_status load_key(EVP_PKEY **out, const struct rg_signer_options *opt,
                          struct rg_diags *diags)
{
	char pwbuf[PASSPHRASE_MAX];
	struct pass_ctx pc = {0};
	rg_status st = RG_OK;
	*out = NULL;

	if (opt->passphrase_file) {
		st =
		    read_passphrase_file(pwbuf, sizeof pwbuf, &pc.len, opt->passphrase_file, diags);
		if (st != RG_OK)
			goto done;
		pc.pw = pwbuf;
	} else {
		const char *env = getenv("REPORTGEN_KEY_PASSPHRASE");
		if (env) {
			pc.pw = env;
			pc.len = strlen(env);
		}
	}

	BIO *bio = BIO_new_file(opt->key_path, "rb");
	if (!bio) {
		rg_diag_err(diags, "sign.key-read", opt->key_path, 0, NULL,
		            "check the path given to --key", "cannot read the private key: %s",
		            strerror(errno));
		ERR_clear_error();
		st = RG_EENV;
		goto done;
	}
	*out = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &pc);
	BIO_free(bio);
	ERR_clear_error();
	if (!*out) {
		if (pc.asked && !pc.pw)
			rg_diag_err(diags, "sign.key-passphrase", opt->key_path, 0, NULL,
			            "set REPORTGEN_KEY_PASSPHRASE or give --passphrase-file FILE",
			            "the private key is encrypted and no passphrase was given");
		else if (pc.asked)
			rg_diag_err(diags, "sign.key-passphrase", opt->key_path, 0, NULL,
			            "check REPORTGEN_KEY_PASSPHRASE or the --passphrase-file",
			            "cannot decrypt the private key: wrong passphrase, or the key "
			            "is damaged");
		else
			rg_diag_err(diags, "sign.key-format", opt->key_path, 0, NULL,
			            "give a PEM private key (-----BEGIN PRIVATE KEY----- or "
			            "-----BEGIN ENCRYPTED PRIVATE KEY-----)",
			            "not a PEM private key");
		st = RG_EENV;
		goto done;
	}
	int type = EVP_PKEY_get_base_id(*out);
	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
		rg_diag_err(
		    diags, "sign.key-type", opt->key_path, 0, NULL,
		    "use an RSA or an EC (P-256/P-384) key",
		    "the private key is of a kind XML-DSig signing does not support here (%s)",
		    OBJ_nid2sn(type));
		EVP_PKEY_free(*out);
		*out = NULL;
		st = RG_EENV;
	}
done:
	OPENSSL_cleanse(pwbuf, sizeof pwbuf);
	return st;
}

static rg_status load_cert(X509 **out, const char *path, const char *what, struct rg_diags *diags)
{
	BIO *bio = BIO_new_file(path, "rb");
	*out = NULL;
	if (!bio) {
		rg_diag_err(diags, "sign.cert-read", path, 0, NULL,
		            "check the path given to --cert", "cannot read the %s: %s", what,
		            strerror(errno));
		ERR_clear_error();
		return RG_EENV;
	}
	*out = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (!*out) {
		rg_diag_err(diags, "sign.cert-format", path, 0, NULL,
		            "give a PEM certificate (-----BEGIN CERTIFICATE-----)",
		            "not a PEM certificate");
		return RG_EENV;
	}
	return RG_OK;
}

static rg_status load_chain(STACK_OF(X509) * chain, const char *path, struct rg_diags *diags)
{
	BIO *bio = BIO_new_file(path, "rb");
	if (!bio) {
		rg_diag_err(diags, "sign.chain-read", path, 0, NULL,
		            "check the path given to --chain",
		            "cannot read the certificate chain: %s", strerror(errno));
		ERR_clear_error();
		return RG_EENV;
	}
	X509 *c;
	while ((c = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(chain, c)) {
			X509_free(c);
			break;
		}
	}
	BIO_free(bio);
	ERR_clear_error();
	if (sk_X509_num(chain) == 0) {
		rg_diag_err(diags, "sign.chain-format", path, 0, NULL,
		            "give the intermediate certificates in PEM, one after the other",
		            "holds no PEM certificate");
		return RG_EENV;
	}
	return RG_OK;
}

/* The certificate checks, all of them, so one run names every problem. */
static rg_status check_cert(const struct rg_signer *s, const struct rg_signer_options *opt,
                            struct rg_diags *diags)
{
	rg_status st = RG_OK;
	/* A token's own certificate is named by the key's URI. */
	const char *cert_name = opt->cert_path ? opt->cert_path : opt->key_path;
	char when[RG_TIME_BUFSZ], lim[64];
	time_t t = (time_t)(s->signing_time_ms / 1000);
	rg_time_format_utc(when, s->signing_time_ms);

	if (X509_check_private_key(s->cert, s->key) != 1) {
		rg_diag_err(diags, "sign.key-mismatch", opt->key_path, 0, NULL,
		            "give the key that belongs to the --cert certificate",
		            "the private key does not match the certificate %s",
		            opt->cert_path ? opt->cert_path : "stored with it on the token");
		st = RG_EENV;
	}
	const ASN1_TIME *nb = X509_get0_notBefore(s->cert), *na = X509_get0_notAfter(s->cert);
	if (ASN1_TIME_cmp_time_t(nb, t) > 0) {
		if (!rg_x509_time_rfc3339(lim, sizeof lim, nb))
			snprintf(lim, sizeof lim, "(unreadable date)");
		rg_diag_err(diags, "sign.cert-not-yet-valid", cert_name, 0, NULL,
		            "check the clock or SOURCE_DATE_EPOCH, or use a current certificate",
		            "the certificate is not valid before %s, and the signing time is %s",
		            lim, when);
		st = RG_EENV;
	}
	if (ASN1_TIME_cmp_time_t(na, t) < 0) {
		if (!rg_x509_time_rfc3339(lim, sizeof lim, na))
			snprintf(lim, sizeof lim, "(unreadable date)");
		rg_diag_err(diags, "sign.cert-expired", cert_name, 0, NULL,
		            "renew the certificate, or check the clock or SOURCE_DATE_EPOCH",
		            "the certificate expired on %s, before the signing time %s", lim, when);
		st = RG_EENV;
	}
	/* The same rule verify applies, so reportgen never signs a report its
	 * own verify refuses. */
	const char *code;
	char why[256], full[64];
	if (!rg_x509_may_sign(s->cert, &code, why, sizeof why)) {
		snprintf(full, sizeof full, "sign.%s", code);
		rg_diag_err(diags, full, cert_name, 0, NULL,
		            "use a document-signing certificate: not a CA, key usage "
		            "digitalSignature or nonRepudiation, extended key usage (if any) for "
		            "document signing (docs/signing.md)",
		            "the certificate %s", why);
		st = RG_EENV;
	}
	ERR_clear_error();
	return st;
}

/* Whether name's CN starts with the demo PKI's prefix: every certificate
 * make-demo-pki.sh makes ("reportgen DEMO Report Signer - NOT FOR
 * PRODUCTION" and its CAs) has it, and a certificate issued by the demo
 * CA is as public as its key. */
static bool is_demo_name(const X509_NAME *name)
{
	static const char prefix[] = "reportgen DEMO";
	char cn[256];
	int n = X509_NAME_get_text_by_NID((X509_NAME *)name, NID_commonName, cn, sizeof cn);
	return n >= (int)sizeof prefix - 1 && strncmp(cn, prefix, sizeof prefix - 1) == 0;
}

static bool fill_info(struct rg_signer *s)
{
	char buf[64];
	s->subject = rg_x509_name_line(X509_get_subject_name(s->cert));
	s->issuer = rg_x509_name_line(X509_get_issuer_name(s->cert));
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(s->cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	s->serial = hex ? strdup(hex) : NULL;
	OPENSSL_free(hex);
	BN_free(bn);
	if (rg_x509_time_rfc3339(buf, sizeof buf, X509_get0_notAfter(s->cert)))
		s->not_after = strdup(buf);
	if (rg_x509_time_rfc3339(buf, sizeof buf, X509_get0_notBefore(s->cert)))
		s->not_before = strdup(buf);
	s->info.subject = s->subject;
	s->info.issuer = s->issuer;
	s->info.serial = s->serial;
	s->info.not_before = s->not_before;
	s->info.not_after = s->not_after;
	s->info.signing_time_ms = s->signing_time_ms;
	s->info.demo = is_demo_name(X509_get_subject_name(s->cert)) ||
	               is_demo_name(X509_get_issuer_name(s->cert));
	return s->subject && s->issuer && s->serial && s->not_before && s->not_after;
}

rg_status rg_signer_load(struct rg_signer **out, const struct rg_signer_options *opt,
                         struct rg_diags *diags)
{
	*out = NULL;
	if (!opt->key_path || (!opt->cert_path && !rg_p11_is_uri(opt->key_path))) {
		rg_diag_err(diags, "sign.usage", opt->key_path ? opt->key_path : "(command line)",
		            0, NULL, "give both --key FILE and --cert FILE, or --no-sign",
		            "signing needs %s", opt->key_path ? "--cert" : "--key");
		return RG_EINPUT;
	}
	if (opt->signing_time_ms < 0) {
		rg_diag_err(diags, "sign.time", "(signing time)", 0, NULL,
		            "set SOURCE_DATE_EPOCH to a time after 1970",
		            "the signing time is before 1970");
		return RG_EINPUT;
	}
	struct rg_signer *s = calloc(1, sizeof *s);
	if (!s || !(s->chain = sk_X509_new_null())) {
		free(s);
		return RG_EENV;
	}
	s->signing_time_ms = opt->signing_time_ms;

	s->pades = !opt->no_pades;
	if (opt->tsa_url && !(s->tsa_url = strdup(opt->tsa_url))) {
		rg_signer_free(s);
		return RG_EENV;
	}
	/* Read all three files even when one fails, so every problem shows. */
	rg_status st;
	if (rg_p11_is_uri(opt->key_path)) {
		/* The token: its certificate unless --cert names one. */
		st = rg_p11_open(&s->p11, &s->key, opt->cert_path ? NULL : &s->cert, opt->key_path,
		                 opt->pkcs11_module, opt->pin_file, diags);
		if (opt->cert_path)
			st = rg_status_worst(
			    st, load_cert(&s->cert, opt->cert_path, "certificate", diags));
		int type = s->key ? EVP_PKEY_get_base_id(s->key) : EVP_PKEY_RSA;
		if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
			rg_diag_err(diags, "sign.key-type", opt->key_path, 0, NULL,
			            "use an RSA or an EC (P-256/P-384) key",
			            "the token's key is of a kind reportgen does not sign with (%s)",
			            OBJ_nid2sn(type));
			st = RG_EENV;
		}
	} else {
		st = load_key(&s->key, opt, diags);
		st = rg_status_worst(st, load_cert(&s->cert, opt->cert_path, "certificate", diags));
	}
	if (opt->chain_path)
		st = rg_status_worst(st, load_chain(s->chain, opt->chain_path, diags));
	if (st == RG_OK)
		st = check_cert(s, opt, diags);
	if (st == RG_OK && !fill_info(s))
		st = RG_EENV;
	if (st != RG_OK) {
		rg_signer_free(s);
		return st;
	}
	*out = s;
	return RG_OK;
}

void rg_signer_free(struct rg_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key); /* before the token session it runs on */
	rg_p11_close(s->p11);
	free(s->tsa_url);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s->subject);
	free(s->issuer);
	free(s->serial);
	free(s->not_before);
	free(s->not_after);
	free(s);
}

const struct rg_signer_identity *rg_signer_identity(const struct rg_signer *s)
{
	return s ? &s->info : NULL;
}
