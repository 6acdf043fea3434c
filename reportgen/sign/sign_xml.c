/*
 * sign_xml.c: the enveloped XML-DSig signature of report.xml, made and
 * checked with xmlsec1 (W3C XML Signature 1.1).
 *
 * Signing: report.xml is parsed, a ds:Signature template (exclusive C14N,
 * rsa-sha256 or ecdsa-sha256, one Reference URI="" with the
 * enveloped-signature and exc-c14n transforms, sha256, ds:KeyInfo/ds:X509Data
 * filled with the signer certificate and chain) is appended as the root's
 * last child, xmlsec fills in the digest and signature, and the result
 * replaces the file through a temporary and rename().  No signing time goes
 * into the signature: XML-DSig has none of its own, and the report's
 * @generated (covered by the signature) already says when.
 *
 * Verifying: the key is taken from the certificates of ds:X509Data only
 * (never from a ds:KeyValue), trying each until one verifies, so integrity
 * does not depend on trust; trust is then the same OpenSSL chain check as
 * for PDFs.  "Covers the whole file" means: the signature is the root's last
 * element, it has exactly one Reference, with URI="", enveloped-signature
 * and only canonicalisation transforms (no XPath or XSLT that could leave
 * parts out), and the unsigned XML declaration still says version 1.0, as
 * reportgen wrote it.  References to anything but the document itself are refused,
 * so verifying never opens a file or the network.
 *
 * xmlsec and its error callback are set up once per process; xmlsec's
 * messages go into a per-call buffer, never to stderr.
 */
#include "sign/sign_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>
#include <xmlsec/errors.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include "core/fsout.h"
#include "core/xml.h"

#define DSIG_NS "http://www.w3.org/2000/09/xmldsig#"
#define XML_MAX_CERTS 16
#define VERIFY_XML_DEPTH 256 /* a report nests 4 levels, ds:Signature 5 */

static _Thread_local char xmlsec_msg[256];

static void xmlsec_errors(const char *file, int line, const char *func, const char *obj,
                          const char *subject, int reason, const char *msg)
{
	(void)file;
	(void)line;
	(void)func;
	(void)obj;
	(void)reason;
	if (!xmlsec_msg[0])
		snprintf(xmlsec_msg, sizeof xmlsec_msg, "%s%s%s", subject ? subject : "",
		         subject && msg ? ": " : "", msg ? msg : "");
}

static bool xmlsec_ready(void)
{
	static int state; /* 0 not tried, 1 ready, -1 failed */
	if (state == 0) {
		xmlInitParser();
		xmlSecErrorsSetCallback(xmlsec_errors);
		state = xmlSecInit() >= 0 && xmlSecCheckVersion() == 1 &&
		                xmlSecCryptoAppInit(NULL) >= 0 && xmlSecCryptoInit() >= 0
		            ? 1
		            : -1;
	}
	return state == 1;
}

static xmlNodePtr last_element_child(xmlNodePtr n)
{
	xmlNodePtr last = NULL;
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			last = c;
	return last;
}

static xmlSecKeyPtr make_key(const struct rg_signer *s)
{
	xmlSecKeyPtr key = xmlSecKeyCreate();
	if (!key)
		return NULL;
	EVP_PKEY_up_ref(s->key);
	xmlSecKeyDataPtr kd = xmlSecOpenSSLEvpKeyAdopt(s->key);
	if (!kd) {
		EVP_PKEY_free(s->key);
		goto fail;
	}
	if (xmlSecKeySetValue(key, kd) < 0) {
		xmlSecKeyDataDestroy(kd);
		goto fail;
	}
	xmlSecKeyDataPtr xd = xmlSecKeyEnsureData(key, xmlSecOpenSSLKeyDataX509Id);
	if (!xd)
		goto fail;
	X509 *c1 = X509_dup(s->cert), *c2 = X509_dup(s->cert);
	if (!c1 || xmlSecOpenSSLKeyDataX509AdoptKeyCert(xd, c1) < 0) {
		X509_free(c1);
		X509_free(c2);
		goto fail;
	}
	if (!c2 || xmlSecOpenSSLKeyDataX509AdoptCert(xd, c2) < 0) {
		X509_free(c2);
		goto fail;
	}
	for (int i = 0; i < sk_X509_num(s->chain); i++) {
		X509 *c = X509_dup(sk_X509_value(s->chain, i));
		if (!c || xmlSecOpenSSLKeyDataX509AdoptCert(xd, c) < 0) {
			X509_free(c);
			goto fail;
		}
	}
	return key;
fail:
	xmlSecKeyDestroy(key);
	return NULL;
}

rg_status rg_sign_xml(const struct rg_signer *s, const char *path, struct rg_diags *diags)
{
	rg_status st = RG_EENV;
	xmlDocPtr doc = NULL;
	xmlSecDSigCtxPtr ctx = NULL;
	xmlChar *mem = NULL;
	char *tmp = NULL;
	FILE *f = NULL;
	xmlsec_msg[0] = '\0';

	if (!xmlsec_ready()) {
		rg_diag_err(diags, "sign.xmlsec", path, 0, NULL,
		            "check the xmlsec1-openssl install", "xmlsec could not be initialised");
		return RG_EENV;
	}
	/* Read the bytes ourselves: xmlReadFile goes through the process-wide
	 * entity loader, which refuses every file (core/xml.h). */
	char *bytes = NULL;
	size_t nbytes = 0;
	if (rg_read_file(&bytes, &nbytes, path, (uint64_t)INT32_MAX, diags) != RG_OK)
		return RG_EENV;
	doc = xmlReadMemory(bytes, (int)nbytes, path, NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(bytes);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		const xmlError *e = xmlGetLastError();
		rg_diag_err(diags, "sign.xml-read", path, e ? (unsigned long)e->line : 0, NULL,
		            NULL, "cannot read the XML report: %s",
		            e && e->message ? e->message : "no root element");
		goto done;
	}

	bool ec = EVP_PKEY_get_base_id(s->key) == EVP_PKEY_EC;
	xmlNodePtr sig = xmlSecTmplSignatureCreateNsPref(
	    doc, xmlSecTransformExclC14NId,
	    ec ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id, NULL, BAD_CAST "ds");
	if (!sig)
		goto xmlsec_fail;
	if (!xmlAddChild(root, sig)) {
		xmlFreeNode(sig);
		goto xmlsec_fail;
	}
	xmlNodePtr ref =
	    xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "", NULL);
	xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	if (!ref || !ki || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) ||
	    !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) ||
	    !xmlSecTmplKeyInfoAddX509Data(ki))
		goto xmlsec_fail;

	if (!(ctx = xmlSecDSigCtxCreate(NULL)) || !(ctx->signKey = make_key(s)) ||
	    xmlSecDSigCtxSign(ctx, sig) < 0)
		goto xmlsec_fail;

	int size = 0;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (!mem || size <= 0)
		goto xmlsec_fail;
	if (!(tmp = rg_tmp_path_for(path)) || !(f = fopen(tmp, "wb")) ||
	    fwrite(mem, 1, (size_t)size, f) != (size_t)size || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		rg_diag_err(diags, "sign.write", path, 0, NULL, "check free space and permissions",
		            "cannot write the signed report: %s", strerror(errno));
		goto done;
	}
	int rc = fclose(f);
	f = NULL;
	if (rc != 0 || rename(tmp, path) != 0) {
		rg_diag_err(diags, "sign.write", path, 0, NULL, "check free space and permissions",
		            "cannot write the signed report: %s", strerror(errno));
		goto done;
	}
	free(tmp);
	tmp = NULL;
	st = RG_OK;
	goto done;

xmlsec_fail:
	rg_diag_err(diags, "sign.xmlsec", path, 0, NULL, NULL, "xmlsec could not sign: %s",
	            xmlsec_msg[0] ? xmlsec_msg : "unknown error");
done:
	if (f)
		fclose(f);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	xmlFree(mem);
	xmlSecDSigCtxDestroy(ctx);
	xmlFreeDoc(doc);
	ERR_clear_error();
	return st;
}

/* ds:X509Data/ds:X509Certificate of the signature, decoded. */
static void read_certs(xmlNodePtr sig, STACK_OF(X509) * out)
{
	xmlNodePtr ki = xmlSecFindChild(sig, BAD_CAST "KeyInfo", BAD_CAST DSIG_NS);
	for (xmlNodePtr xd = ki ? ki->children : NULL; xd; xd = xd->next) {
		if (!xmlSecCheckNodeName(xd, BAD_CAST "X509Data", BAD_CAST DSIG_NS))
			continue;
		for (xmlNodePtr c = xd->children; c; c = c->next) {
			if (!xmlSecCheckNodeName(c, BAD_CAST "X509Certificate", BAD_CAST DSIG_NS) ||
			    sk_X509_num(out) >= XML_MAX_CERTS)
				continue;
			xmlChar *b64 = xmlNodeGetContent(c);
			if (!b64)
				continue;
			size_t n = 0;
			for (xmlChar *p = b64; *p; p++)
				if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
					b64[n++] = *p;
			b64[n] = '\0';
			unsigned char *der = malloc(n / 4 * 3 + 3);
			int dn = der ? EVP_DecodeBlock(der, b64, (int)n) : -1;
			/* EVP_DecodeBlock counts '=' padding as zero bytes; DER
			 * parsing stops at the structure's own length anyway. */
			const unsigned char *dp = der;
			X509 *x = dn > 0 ? d2i_X509(NULL, &dp, dn) : NULL;
			if (x && !sk_X509_push(out, x))
				X509_free(x);
			free(der);
			xmlFree(b64);
		}
	}
	ERR_clear_error();
}

static bool transform_ok(const xmlChar *alg, bool *enveloped)
{
	static const char *const ok[] = {
	    "http://www.w3.org/2001/10/xml-exc-c14n#",
	    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
	    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
	    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
	    "http://www.w3.org/2006/12/xml-c14n11",
	    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
	    NULL,
	};
	if (!alg)
		return false;
	if (xmlStrEqual(alg, BAD_CAST "http://www.w3.org/2000/09/xmldsig#enveloped-signature")) {
		*enveloped = true;
		return true;
	}
	for (const char *const *p = ok; *p; p++)
		if (xmlStrEqual(alg, BAD_CAST * p))
			return true;
	return false;
}

/* Does the one Reference sign the whole document (the signature aside)? */
static bool covers_document(xmlNodePtr sig)
{
	xmlNodePtr si = xmlSecFindChild(sig, BAD_CAST "SignedInfo", BAD_CAST DSIG_NS);
	int refs = 0;
	bool whole = false;
	for (xmlNodePtr r = si ? si->children : NULL; r; r = r->next) {
		if (!xmlSecCheckNodeName(r, BAD_CAST "Reference", BAD_CAST DSIG_NS))
			continue;
		refs++;
		xmlChar *uri = xmlGetProp(r, BAD_CAST "URI");
		bool empty = uri && uri[0] == '\0';
		xmlFree(uri);
		bool enveloped = false, only_c14n = true;
		xmlNodePtr ts = xmlSecFindChild(r, BAD_CAST "Transforms", BAD_CAST DSIG_NS);
		for (xmlNodePtr t = ts ? ts->children : NULL; t; t = t->next) {
			if (t->type != XML_ELEMENT_NODE)
				continue;
			xmlChar *alg = xmlGetProp(t, BAD_CAST "Algorithm");
			only_c14n = transform_ok(alg, &enveloped) && only_c14n;
			xmlFree(alg);
		}
		whole = empty && enveloped && only_c14n;
	}
	return refs == 1 && whole;
}

rg_status rg_verify_xml(struct rg_verify_result *res, const char *path, const char *data,
                        size_t len, const char *ca_path, struct rg_diags *diags)
{
	xmlsec_msg[0] = '\0';
	if (!xmlsec_ready()) {
		rg_diag_err(diags, "verify.xmlsec", path, 0, NULL,
		            "check the xmlsec1-openssl install", "xmlsec could not be initialised");
		return RG_EENV;
	}
	/* The project's safe parser: no DTD, no entities, bounded depth.  A
	 * report that fails it is a verdict (not valid), not an error. */
	struct rg_diags scratch;
	rg_diags_init(&scratch);
	xmlDocPtr doc = rg_xml_parse(path, data, len, VERIFY_XML_DEPTH, &scratch);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		snprintf(res->detail, sizeof res->detail, "not a well-formed XML report: %s",
		         scratch.n ? scratch.v[0].message : "no root element");
		rg_diags_free(&scratch);
		xmlFreeDoc(doc);
		return RG_OK;
	}
	rg_diags_free(&scratch);
	xmlNodePtr sig = xmlSecFindNode(root, xmlSecNodeSignature, xmlSecDSigNs);
	if (!sig) {
		snprintf(res->detail, sizeof res->detail, "the XML has no ds:Signature");
		xmlFreeDoc(doc);
		return RG_OK;
	}
	res->signed_ = true;
	res->covers_whole =
	    sig->parent == root && last_element_child(root) == sig && covers_document(sig);
	/* The XML declaration is outside what any XML signature covers;
	 * reportgen writes version 1.0, so another version is a change. */
	bool decl_ok = !doc->version || xmlStrEqual(doc->version, BAD_CAST "1.0");
	if (!decl_ok) {
		res->covers_whole = false;
		snprintf(
		    res->detail, sizeof res->detail,
		    "the XML declaration (not covered by the signature) was changed to version %s",
		    (const char *)doc->version);
	}

	STACK_OF(X509) *certs = sk_X509_new_null();
	X509 *signer = NULL;
	if (certs)
		read_certs(sig, certs);
	for (int i = 0; certs && i < sk_X509_num(certs) && !signer; i++) {
		X509 *c = sk_X509_value(certs, i);
		EVP_PKEY *pk = X509_get_pubkey(c);
		xmlSecKeyDataPtr kd = pk ? xmlSecOpenSSLEvpKeyAdopt(pk) : NULL;
		if (pk && !kd)
			EVP_PKEY_free(pk);
		xmlSecKeyPtr key = kd ? xmlSecKeyCreate() : NULL;
		if (!key || xmlSecKeySetValue(key, kd) < 0) {
			if (key)
				xmlSecKeyDestroy(key);
			else if (kd)
				xmlSecKeyDataDestroy(kd);
			continue;
		}
		xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
		if (!ctx) {
			xmlSecKeyDestroy(key);
			break;
		}
		ctx->signKey = key;
		/* The document itself only: no files, no network. */
		ctx->enabledReferenceUris =
		    xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
		if (xmlSecDSigCtxVerify(ctx, sig) >= 0 && ctx->status == xmlSecDSigStatusSucceeded)
			signer = c;
		xmlSecDSigCtxDestroy(ctx);
	}
	if (certs && sk_X509_num(certs) > 0) {
		/* Name the signer, or failing that the first certificate. */
		X509 *shown = signer ? signer : sk_X509_value(certs, 0);
		char *sub = rg_x509_name_line(X509_get_subject_name(shown));
		if (sub)
			snprintf(res->subject, sizeof res->subject, "%s", sub);
		free(sub);
	}
	if (signer) {
		res->valid = true;
		if (ca_path) {
			char why[256];
			bool unreadable;
			res->chain_trusted =
			    rg_x509_chain_ok(signer, certs, ca_path, why, sizeof why, &unreadable);
			if (!res->chain_trusted)
				snprintf(res->detail, sizeof res->detail, "%s", why);
		}
		if (!res->covers_whole && !res->detail[0])
			snprintf(res->detail, sizeof res->detail,
			         "the signature does not cover the whole document (it must be the "
			         "root's last child with one Reference URI=\"\")");
	} else if (!certs || sk_X509_num(certs) == 0) {
		snprintf(res->detail, sizeof res->detail,
		         "the signature carries no certificate in ds:KeyInfo/ds:X509Data");
	} else {
		snprintf(res->detail, sizeof res->detail,
		         "the signed content or the signature was changed%s%s",
		         xmlsec_msg[0] ? ": " : "", xmlsec_msg);
	}
	/* The report's own @generated is the time it was made and signed. */
	xmlChar *gen = xmlGetProp(root, BAD_CAST "generated");
	if (gen) {
		snprintf(res->signing_time, sizeof res->signing_time, "%s", (const char *)gen);
		res->time_from_report = true;
	}
	xmlFree(gen);
	sk_X509_pop_free(certs, X509_free);
	xmlFreeDoc(doc);
	ERR_clear_error();
	return RG_OK;
}
