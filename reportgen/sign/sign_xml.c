/*
 * sign_xml.c: the enveloped XML-DSig signature of report.xml (W3C XML
 * Signature 1.1), made here and checked with xmlsec1.
 *
 * Signing: report.xml is read node by node by rg_xml_envelope
 * (xml_envelope.c), which hashes its exclusive canonical form and writes it
 * back; given that digest, make_signature builds a ds:Signature (exclusive
 * C14N, rsa-sha256 or ecdsa-sha256, one Reference URI="" with the
 * enveloped-signature and exc-c14n transforms, sha256, ds:KeyInfo/ds:X509Data
 * filled with the signer certificate and chain) in a small document of its
 * own, the signature is computed with libxml2's exclusive c14n and
 * EVP_DigestSign (compute_signature: xmlsec 1.2.37 cannot sign with a key on
 * a PKCS#11 token), and rg_xml_envelope appends it as the root's last child;
 * the result replaces the file through a temporary and rename().  No
 * signing time goes into the signature: XML-DSig has none of its own, and
 * the report's @generated (covered by the signature) already says when.
 * With a TSA, a ds:Object after ds:KeyInfo holds an RFC 3161 token over the
 * canonical ds:SignatureValue (XAdES SignatureTimeStamp).
 *
 * Signing reads report.xml with the project's parser rules, as verifying
 * does, and refuses a document verify would refuse: comments, processing
 * instructions, a signature already there (rg_xml_sig_scan, shared).
 *
 * Verifying: the file must be exactly what signing writes.  The whole
 * ds:Signature is checked element by element against what reportgen
 * writes (the enveloped transform removes all of it before digesting, so
 * anything else in it would be unsigned), comments and processing
 * instructions are refused anywhere (exclusive C14N drops them), base64 must
 * be canonical, and the file must be byte for byte libxml2's serialisation
 * of the tree it holds, which catches what canonicalisation hides (spacing
 * in tags, quoting, the declaration).  The key is the first ds:X509Data
 * certificate's, never a ds:KeyValue; xmlsec verifies with only the accepted
 * algorithms enabled and no URI but the document itself, so verifying never
 * opens a file or the network.  The report's @generated, which the
 * signature covers, is the signing time the chain is checked at
 * (x509util.c), unless a time-stamp ds:Object (exactly as signing writes
 * it, its token's imprint this SignatureValue's, tsa.c) chains to a TSA
 * anchor: then its genTime is.
 *
 * xmlsec and its error callback are set up once per process; xmlsec's
 * messages go into a per-call buffer, never to stderr.
 */
#include "sign/sign_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
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

#include "core/file.h"
#include "core/fsout.h"
#include "core/timefmt.h"
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

/* xmlsec set up (once per process) and its message buffer cleared for this
 * call; false with a diagnostic `code` when it cannot be. */
static bool xmlsec_ready(struct rg_diags *diags, const char *path, const char *code)
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
	xmlsec_msg[0] = '\0';
	if (state != 1)
		rg_diag_err(diags, code, path, 0, NULL, "check the xmlsec1-openssl install",
		            "xmlsec could not be initialised");
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

/* --- signing --------------------------------------------------------------- */

/* The signature is computed here, not by xmlsec: xmlsec 1.2.37 under
 * OpenSSL 3 takes a key whose private half lives on a PKCS#11 token for a
 * public key and will not sign with it.  What xmlsec would do is short:
 * the Reference's digest over the exclusive canonical form of the document
 * without ds:Signature (the enveloped-signature transform), then the
 * signature over the exclusive canonical form of ds:SignedInfo, made by
 * EVP_DigestSign, which runs on the token for a token key.  The bytes
 * written are the ones xmlsec wrote before (tests/sign checks with
 * xmlsec1 --verify; the output for a PEM key is unchanged). */

static bool within(xmlNodePtr n, xmlNodePtr top)
{
	for (; n; n = n->parent)
		if (n == top)
			return true;
	return false;
}

/* The node set is the subtree at user. */
static int c14n_visible(void *user, xmlNodePtr node, xmlNodePtr parent)
{
	/* A namespace node has no parent of its own; its element is parent. */
	xmlNodePtr n = node && node->type == XML_NAMESPACE_DECL ? parent : node;
	return within(n, user);
}

/* The exclusive canonical form of a small subtree (SignedInfo,
 * SignatureValue), malloc'd. */
static bool c14n_bytes(xmlDocPtr doc, xmlNodePtr top, unsigned char **bytes, size_t *nbytes)
{
	xmlOutputBufferPtr buf = xmlAllocOutputBuffer(NULL);
	if (!buf)
		return false;
	bool ok = xmlC14NExecute(doc, c14n_visible, top, XML_C14N_EXCLUSIVE_1_0, NULL, 0, buf) >= 0;
	const unsigned char *p = xmlOutputBufferGetContent(buf);
	size_t n = xmlOutputBufferGetSize(buf);
	ok = ok && p;
	if (ok) {
		*bytes = malloc(n ? n : 1);
		ok = *bytes != NULL;
		if (ok) {
			memcpy(*bytes, p, n);
			*nbytes = n;
		}
	}
	xmlOutputBufferClose(buf);
	return ok;
}

/* Base64 in lines of 64 characters, as xmlsec writes it (malloc'd). */
static char *base64_lines(const unsigned char *p, size_t n, bool final_newline)
{
	size_t enc = 4 * ((n + 2) / 3);
	char *flat = malloc(enc + 1), *out = malloc(enc + enc / 64 + 2);
	if (!flat || !out || n > INT32_MAX) {
		free(flat);
		free(out);
		return NULL;
	}
	EVP_EncodeBlock((unsigned char *)flat, p, (int)n);
	size_t k = 0;
	for (size_t i = 0; i < enc; i++) {
		if (i && i % 64 == 0)
			out[k++] = '\n';
		out[k++] = flat[i];
	}
	if (final_newline)
		out[k++] = '\n';
	out[k] = '\0';
	free(flat);
	return out;
}

/* XML-DSig's ECDSA value is r and s as two fixed-size big-endian numbers
 * (RFC 4050), not the DER that EVP_DigestSign gives. */
static bool ecdsa_raw(unsigned char *sig, size_t *len, size_t cap, const EVP_PKEY *key)
{
	const unsigned char *p = sig;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)*len);
	size_t half = (size_t)(EVP_PKEY_get_bits(key) + 7) / 8;
	bool ok = es && 2 * half <= cap;
	if (ok) {
		const BIGNUM *r = ECDSA_SIG_get0_r(es), *sv = ECDSA_SIG_get0_s(es);
		ok = BN_bn2binpad(r, sig, (int)half) == (int)half &&
		     BN_bn2binpad(sv, sig + half, (int)half) == (int)half;
		*len = 2 * half;
	}
	ECDSA_SIG_free(es);
	return ok;
}

static xmlNodePtr ds_child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

static bool add_cert(xmlNodePtr x509data, xmlNsPtr ns, X509 *c)
{
	unsigned char *der = NULL;
	int n = i2d_X509(c, &der);
	char *b64 = n > 0 ? base64_lines(der, (size_t)n, true) : NULL;
	OPENSSL_free(der);
	bool ok = b64 && xmlNewTextChild(x509data, ns, BAD_CAST "X509Certificate", BAD_CAST b64) &&
	          xmlAddChild(x509data, xmlNewText(BAD_CAST "\n"));
	free(b64);
	return ok;
}

/* Fills in the template sig: certificates, DigestValue (the document's
 * digest md, made by rg_xml_envelope), SignatureValue. */
static bool compute_signature(const struct rg_signer *s, xmlDocPtr doc, xmlNodePtr sig,
                              const unsigned char *md, unsigned mdlen)
{
	xmlNodePtr si = ds_child(sig, "SignedInfo"), ref = ds_child(si, "Reference");
	xmlNodePtr dv = ds_child(ref, "DigestValue"), sv = ds_child(sig, "SignatureValue");
	xmlNodePtr xd = ds_child(ds_child(sig, "KeyInfo"), "X509Data");
	if (!si || !dv || !sv || !xd)
		return false;
	/* The certificates sit outside SignedInfo: the key is what verifies. */
	if (!xd->children && !xmlAddChild(xd, xmlNewText(BAD_CAST "\n")))
		return false;
	if (!add_cert(xd, sig->ns, s->cert))
		return false;
	for (int i = 0; i < sk_X509_num(s->chain); i++)
		if (!add_cert(xd, sig->ns, sk_X509_value(s->chain, i)))
			return false;

	unsigned char b64[2 * EVP_MAX_MD_SIZE];
	if (mdlen > EVP_MAX_MD_SIZE)
		return false;
	EVP_EncodeBlock(b64, md, (int)mdlen);
	xmlNodeSetContent(dv, b64);

	unsigned char *c14n = NULL, sigbuf[1024];
	size_t c14n_len = 0, siglen = 0;
	EVP_MD_CTX *mctx = NULL;
	bool ok = c14n_bytes(doc, si, &c14n, &c14n_len) &&
	          (mctx = EVP_MD_CTX_new()) != NULL &&
	          EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL, s->key) == 1 &&
	          EVP_DigestSign(mctx, NULL, &siglen, c14n, c14n_len) == 1 && siglen <= sizeof sigbuf &&
	          EVP_DigestSign(mctx, sigbuf, &siglen, c14n, c14n_len) == 1;
	if (ok && EVP_PKEY_get_base_id(s->key) == EVP_PKEY_EC)
		ok = ecdsa_raw(sigbuf, &siglen, sizeof sigbuf, s->key);
	char *text = ok ? base64_lines(sigbuf, siglen, false) : NULL;
	if (text)
		xmlNodeSetContent(sv, BAD_CAST text);
	free(text);
	free(c14n);
	EVP_MD_CTX_free(mctx);
	OPENSSL_cleanse(sigbuf, sizeof sigbuf);
	return text != NULL;
}

/* XAdES (ETSI EN 319 132-1) names the time-stamp of a signature value
 * SignatureTimeStamp, inside QualifyingProperties/UnsignedProperties in a
 * ds:Object.  reportgen writes that element and nothing else of XAdES, on
 * one line: every byte of it is checked by verify, and a changed byte
 * breaks the token's own signature or its imprint. */
#define XADES_NS "http://uri.etsi.org/01903/v1.3.2#"

static bool add_timestamp(const struct rg_signer *s, xmlDocPtr doc, xmlNodePtr sig, char *why,
                          size_t why_size)
{
	xmlNodePtr sv = ds_child(sig, "SignatureValue");
	unsigned char *c14n = NULL, *tok = NULL;
	size_t c14n_len = 0;
	int tok_len = 0;
	snprintf(why, why_size, "cannot canonicalise ds:SignatureValue");
	bool ok = sv && c14n_bytes(doc, sv, &c14n, &c14n_len) &&
	          rg_tsa_stamp(s->tsa_url, c14n, c14n_len, &tok, &tok_len, why, why_size);
	free(c14n);
	char *b64 = ok ? base64_lines(tok, (size_t)tok_len, false) : NULL;
	OPENSSL_free(tok);
	if (!b64)
		return false;
	xmlNodePtr obj = xmlNewNode(sig->ns, BAD_CAST "Object");
	xmlNodePtr qp = obj ? xmlNewChild(obj, NULL, BAD_CAST "QualifyingProperties", NULL) : NULL;
	xmlNsPtr xns = qp ? xmlNewNs(qp, BAD_CAST XADES_NS, BAD_CAST "xades") : NULL;
	xmlNodePtr up = xns ? xmlNewChild(qp, xns, BAD_CAST "UnsignedProperties", NULL) : NULL;
	xmlNodePtr usp = up ? xmlNewChild(up, xns, BAD_CAST "UnsignedSignatureProperties", NULL) : NULL;
	xmlNodePtr sts = usp ? xmlNewChild(usp, xns, BAD_CAST "SignatureTimeStamp", NULL) : NULL;
	xmlNodePtr cm = sts ? xmlNewChild(sts, sig->ns, BAD_CAST "CanonicalizationMethod", NULL) : NULL;
	ok = cm && xmlNewProp(cm, BAD_CAST "Algorithm", BAD_CAST "http://www.w3.org/2001/10/xml-exc-c14n#") &&
	     xmlNewTextChild(sts, xns, BAD_CAST "EncapsulatedTimeStamp", BAD_CAST b64);
	free(b64);
	if (qp)
		xmlSetNs(qp, xns);
	/* After ds:KeyInfo, with the newline the other children have. */
	ok = ok && xmlAddChild(sig, obj) && xmlAddChild(sig, xmlNewText(BAD_CAST "\n"));
	if (!ok && obj && !obj->parent)
		xmlFreeNode(obj);
	if (!ok)
		snprintf(why, why_size, "cannot add the time-stamp to the signature");
	return ok;
}

static void walk(struct rg_verify_result *res, xmlNodePtr n, int *nsig, xmlNodePtr *sig);

/* The ds:Signature, made when rg_xml_envelope has the document's digest,
 * in a document of its own: nothing in it depends on the report's tree
 * (exclusive C14N of ds:SignedInfo renders only the ds namespace, which
 * ds:Signature declares). */
struct xml_signing {
	const struct rg_signer *s;
	const char *path;
	struct rg_diags *diags;
	xmlDocPtr doc; /* the signature's, freed by rg_sign_xml */
};

static xmlNodePtr make_signature(void *ctx, const unsigned char *md, unsigned mdlen)
{
	struct xml_signing *j = ctx;
	const struct rg_signer *s = j->s;
	bool ec = EVP_PKEY_get_base_id(s->key) == EVP_PKEY_EC;
	xmlNodePtr sig = NULL, ref = NULL, ki = NULL;
	if ((j->doc = xmlNewDoc(BAD_CAST "1.0")) != NULL)
		j->doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	if (j->doc)
		sig = xmlSecTmplSignatureCreateNsPref(
		    j->doc, xmlSecTransformExclC14NId,
		    ec ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id, NULL, BAD_CAST "ds");
	if (sig)
		xmlDocSetRootElement(j->doc, sig);
	if (sig)
		ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "",
		                                      NULL);
	if (sig)
		ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	if (!ref || !ki || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) ||
	    !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) ||
	    !xmlSecTmplKeyInfoAddX509Data(ki)) {
		rg_diag_err(j->diags, "sign.xmlsec", j->path, 0, NULL, NULL, "xmlsec could not sign: %s",
		            xmlsec_msg[0] ? xmlsec_msg : "unknown error");
		return NULL;
	}
	if (!compute_signature(s, j->doc, sig, md, mdlen)) {
		rg_diag_err(j->diags, "sign.xml-signature", j->path, 0, NULL,
		            s->p11 ? "check the token is still inserted" : NULL,
		            "cannot compute the XML signature with this key");
		return NULL;
	}
	char why[512];
	if (s->tsa_url && !add_timestamp(s, j->doc, sig, why, sizeof why)) {
		rg_diag_err(j->diags, "sign.tsa", j->path, 0, NULL,
		            "check the --tsa URL and the network, or sign without --tsa", "%s", why);
		return NULL;
	}
	return sig;
}

rg_status rg_sign_xml(const struct rg_signer *s, const char *path, struct rg_diags *diags)
{
	if (!xmlsec_ready(diags, path, "sign.xmlsec"))
		return RG_EENV;
	/* Read a piece at a time with the project's parser rules, as verify
	 * reads it (never held whole: 18.7 MB at 50,000 findings), no more
	 * of it than verify reads, and written back through a temporary and
	 * rename() (core/fsout.h). */
	FILE *in = rg_open_capped(path, RG_SIGN_XML_MAX, diags);
	if (!in)
		return RG_EENV;
	struct xml_signing job = {s, path, diags, NULL};
	struct rg_outfile out;
	rg_status st = rg_outfile_open(&out, path, true, diags);
	if (st == RG_OK)
		st = rg_xml_envelope(path, in, VERIFY_XML_DEPTH, out.fp, make_signature, &job, diags);
	if (st == RG_OK)
		st = rg_outfile_commit(&out, diags);
	else
		rg_outfile_abort(&out);
	fclose(in);
	xmlFreeDoc(job.doc);
	ERR_clear_error();
	return st;
}

/* --- verifying ------------------------------------------------------------ */

#define EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ENVELOPED "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

static const char *const sig_methods[] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    NULL,
};

static const struct {
	const char *uri;
	int nid;
} digest_methods[] = {
    {"http://www.w3.org/2001/04/xmlenc#sha256", NID_sha256},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", NID_sha384},
    {"http://www.w3.org/2001/04/xmlenc#sha512", NID_sha512},
};

#define PARTIAL(...) rg_verify_refuse(res, RG_VERIFY_PARTIAL, __VA_ARGS__)
#define INVALID(...) rg_verify_refuse(res, RG_VERIFY_INVALID, __VA_ARGS__)

static bool is_ds(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       xmlStrEqual(n->ns->href, BAD_CAST DSIG_NS) && xmlStrEqual(n->name, BAD_CAST name);
}

/* "ds:Object", "action": how the element is written, for messages. */
static const char *qname(xmlNodePtr n, char *buf, size_t size)
{
	if (n->ns && n->ns->prefix)
		snprintf(buf, size, "%s:%s", (const char *)n->ns->prefix, (const char *)n->name);
	else
		snprintf(buf, size, "%s", (const char *)n->name);
	return buf;
}

static bool blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t')
			return false;
	return true;
}

void rg_xml_sig_scan(struct rg_verify_result *res, xmlNodePtr n, bool deep, int *nsig,
                     xmlNodePtr *sig)
{
	if (n->type == XML_COMMENT_NODE)
		PARTIAL("a comment at line %ld is not covered by the signature (exclusive "
		        "canonicalisation leaves comments out); reportgen writes none",
		        xmlGetLineNo(n));
	else if (n->type == XML_PI_NODE)
		PARTIAL("a processing instruction <?%s?> at line %ld is not covered by the "
		        "signature; reportgen writes none",
		        (const char *)n->name, xmlGetLineNo(n));
	else if (n->type == XML_ELEMENT_NODE) {
		if (is_ds(n, "Signature")) {
			(*nsig)++;
			*sig = n;
		}
		if (deep)
			walk(res, n->children, nsig, sig);
	}
}

/* Comments and processing instructions anywhere, and the ds:Signature
 * elements: *nsig counts them, *sig is the last. */
static void walk(struct rg_verify_result *res, xmlNodePtr n, int *nsig, xmlNodePtr *sig)
{
	for (; n; n = n->next)
		rg_xml_sig_scan(res, n, true, nsig, sig);
}

/* The element children of parent must be exactly the ds: elements names
 * (n of them), in order, with nothing but blanks between them. */
static bool expect(struct rg_verify_result *res, xmlNodePtr parent, const char *const *names,
                   size_t n, xmlNodePtr *out)
{
	char pn[128], cn[128];
	size_t k = 0;
	qname(parent, pn, sizeof pn);
	for (xmlNodePtr c = parent->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && blank(c->content))
			continue;
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue; /* refused by walk, with the line */
		if (c->type != XML_ELEMENT_NODE) {
			PARTIAL(
			    "<%s> holds text at line %ld, which reportgen never writes there and "
			    "no signature covers",
			    pn, xmlGetLineNo(c));
			return false;
		}
		if (k == n || !is_ds(c, names[k])) {
			PARTIAL("<%s> holds <%s> at line %ld, which reportgen never writes there%s",
			        pn, qname(c, cn, sizeof cn), xmlGetLineNo(c),
			        is_ds(parent, "SignedInfo") ? "" : " and no signature covers");
			return false;
		}
		out[k++] = c;
	}
	if (k != n) {
		PARTIAL("<%s> at line %ld lacks ds:%s", pn, xmlGetLineNo(parent), names[k]);
		return false;
	}
	return true;
}

/* Element el has no namespace declarations and no attributes but the one
 * named attr (or none); the value of attr, or NULL (refused). */
static xmlChar *only_attr(struct rg_verify_result *res, xmlNodePtr el, const char *attr)
{
	char en[128];
	qname(el, en, sizeof en);
	if (el->nsDef && !is_ds(el, "Signature")) {
		PARTIAL("<%s> at line %ld declares a namespace, which reportgen never writes", en,
		        xmlGetLineNo(el));
		return NULL;
	}
	xmlChar *v = NULL;
	for (xmlAttrPtr a = el->properties; a; a = a->next) {
		if (!attr || a->ns || !xmlStrEqual(a->name, BAD_CAST attr) || v) {
			PARTIAL(
			    "<%s> at line %ld has an attribute %s, which reportgen never writes",
			    en, xmlGetLineNo(el), (const char *)a->name);
			xmlFree(v);
			return NULL;
		}
		v = xmlNodeGetContent((xmlNodePtr)a);
	}
	if (attr && !v)
		PARTIAL("<%s> at line %ld has no %s attribute", en, xmlGetLineNo(el), attr);
	return v;
}

static bool no_attr(struct rg_verify_result *res, xmlNodePtr el)
{
	xmlChar *v = only_attr(res, el, NULL);
	xmlFree(v);
	return res->verdict < RG_VERIFY_PARTIAL;
}

/* An algorithm element (CanonicalizationMethod, SignatureMethod,
 * Transform, DigestMethod): one Algorithm attribute, no content.  Its
 * index in allowed, or -1 (refused). */
static int algorithm(struct rg_verify_result *res, xmlNodePtr el, const char *const *allowed)
{
	char en[128];
	xmlChar *alg = only_attr(res, el, "Algorithm");
	int found = -1;
	for (int i = 0; alg && allowed[i] && found < 0; i++)
		if (xmlStrEqual(alg, BAD_CAST allowed[i]))
			found = i;
	for (xmlNodePtr c = el->children; alg && c; c = c->next)
		if (c->type != XML_TEXT_NODE || !blank(c->content)) {
			PARTIAL("<%s> at line %ld has content, which reportgen never writes",
			        qname(el, en, sizeof en), xmlGetLineNo(el));
			xmlFree(alg);
			return -1;
		}
	if (alg && found < 0)
		INVALID("<%s> names the algorithm %.200s, which verify does not accept",
		        qname(el, en, sizeof en), (const char *)alg);
	xmlFree(alg);
	return found;
}

/* Base64 as xmlsec writes it: blanks aside, exactly the canonical encoding
 * of what it decodes to (zero padding bits), so no two spellings of one
 * value exist.  The decoded bytes (malloc'd) and their count, or NULL. */
static unsigned char *base64_exact(const xmlChar *text, size_t *out_n)
{
	size_t n = text ? strlen((const char *)text) : 0, k = 0;
	unsigned char *s = malloc(n + 1), *out = malloc(n / 4 * 3 + 3), *re = malloc(n + 1);
	bool ok = s && out && re;
	for (size_t i = 0; ok && i < n; i++)
		if (!strchr(" \t\r\n", text[i]))
			s[k++] = text[i];
	ok = ok && k > 0 && k % 4 == 0 && k <= INT32_MAX;
	int dn = ok ? EVP_DecodeBlock(out, s, (int)k) : -1;
	ok = ok && dn >= 0;
	if (ok)
		dn -= (s[k - 1] == '=') + (s[k - 2] == '=');
	ok = ok && dn > 0 && EVP_EncodeBlock(re, out, dn) == (int)k && memcmp(re, s, k) == 0;
	free(s);
	free(re);
	if (!ok) {
		free(out);
		return NULL;
	}
	*out_n = (size_t)dn;
	return out;
}

/* The text of an element holding only text, as canonical base64. */
static unsigned char *base64_element(struct rg_verify_result *res, xmlNodePtr el, size_t *n)
{
	char en[128];
	if (!no_attr(res, el))
		return NULL;
	for (xmlNodePtr c = el->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE) {
			PARTIAL("<%s> at line %ld holds more than text", qname(el, en, sizeof en),
			        xmlGetLineNo(el));
			return NULL;
		}
	xmlChar *t = xmlNodeGetContent(el);
	unsigned char *b = base64_exact(t, n);
	xmlFree(t);
	if (!b)
		INVALID(
		    "<%s> at line %ld is not base64 as reportgen writes it (a changed character)",
		    qname(el, en, sizeof en), xmlGetLineNo(el));
	return b;
}

/* ds:Signature is exactly what reportgen writes: SignedInfo with exclusive
 * c14n, an accepted signature method and one Reference URI="" with the
 * enveloped and exc-c14n transforms; SignatureValue; KeyInfo holding one
 * X509Data of certificates.  Fills certs.  False when what was found makes
 * xmlsec's verdict meaningless (then it is not asked). */
/* The one child element of el, which must be name in namespace ns, with
 * no attributes, namespace declarations or text around it (reportgen
 * writes the time-stamp object on one line).  NULL with a refusal. */
static xmlNodePtr sole_child(struct rg_verify_result *res, xmlNodePtr el, const char *ns,
                             const char *name)
{
	xmlNodePtr only = NULL;
	char en[128];
	for (xmlNodePtr c = el->children; c; c = c->next) {
		if (only || c->type != XML_ELEMENT_NODE || !c->ns ||
		    !xmlStrEqual(c->ns->href, BAD_CAST ns) || !xmlStrEqual(c->name, BAD_CAST name)) {
			PARTIAL("<%s> at line %ld holds what reportgen's time-stamp object never "
			        "holds",
			        qname(el, en, sizeof en), xmlGetLineNo(el));
			return NULL;
		}
		only = c;
	}
	if (!only)
		PARTIAL("<%s> at line %ld lacks its %s", qname(el, en, sizeof en), xmlGetLineNo(el),
		        name);
	return only;
}

/* ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/
 * xades:UnsignedSignatureProperties/xades:SignatureTimeStamp holding
 * ds:CanonicalizationMethod (exc-c14n) and xades:EncapsulatedTimeStamp,
 * exactly as add_timestamp writes it.  The token's DER (malloc'd), or NULL. */
static unsigned char *timestamp_token(struct rg_verify_result *res, xmlNodePtr obj, size_t *n)
{
	static const char *const c14n[] = {EXC_C14N, NULL};
	if (!no_attr(res, obj))
		return NULL;
	xmlNodePtr qp = sole_child(res, obj, XADES_NS, "QualifyingProperties");
	if (!qp)
		return NULL;
	if (qp->properties || !qp->nsDef || qp->nsDef->next ||
	    !xmlStrEqual(qp->nsDef->href, BAD_CAST XADES_NS)) {
		PARTIAL("<xades:QualifyingProperties> has attributes or namespaces reportgen never "
		        "writes");
		return NULL;
	}
	xmlNodePtr up = sole_child(res, qp, XADES_NS, "UnsignedProperties");
	xmlNodePtr usp = up && no_attr(res, up)
	                     ? sole_child(res, up, XADES_NS, "UnsignedSignatureProperties")
	                     : NULL;
	xmlNodePtr sts = usp && no_attr(res, usp)
	                     ? sole_child(res, usp, XADES_NS, "SignatureTimeStamp")
	                     : NULL;
	if (!sts || !no_attr(res, sts))
		return NULL;
	xmlNodePtr cm = sts->children, ets = cm ? cm->next : NULL;
	if (!cm || !is_ds(cm, "CanonicalizationMethod") || !ets || ets->next ||
	    ets->type != XML_ELEMENT_NODE || !ets->ns ||
	    !xmlStrEqual(ets->ns->href, BAD_CAST XADES_NS) ||
	    !xmlStrEqual(ets->name, BAD_CAST "EncapsulatedTimeStamp")) {
		PARTIAL("<xades:SignatureTimeStamp> holds what reportgen never writes there");
		return NULL;
	}
	if (algorithm(res, cm, c14n) != 0)
		return NULL;
	return base64_element(res, ets, n);
}

static bool check_shape(struct rg_verify_result *res, xmlNodePtr sig, STACK_OF(X509) * certs,
                        unsigned char **tst, size_t *tst_len)
{
	static const char *const top[] = {"SignedInfo", "SignatureValue", "KeyInfo", "Object"};
	static const char *const si_kids[] = {"CanonicalizationMethod", "SignatureMethod",
	                                      "Reference"};
	static const char *const ref_kids[] = {"Transforms", "DigestMethod", "DigestValue"};
	static const char *const tr_kids[] = {"Transform", "Transform"};
	static const char *const xd_kids[] = {"X509Data"};
	static const char *const c14n[] = {EXC_C14N, NULL}, *const env[] = {ENVELOPED, NULL};
	const char *digests[4];
	for (size_t i = 0; i < 3; i++)
		digests[i] = digest_methods[i].uri;
	digests[3] = NULL;
	xmlNodePtr t[4], si[3], ref[3], tr[2], xd[1];
	char cn[128];
	/* A fourth child, ds:Object, is the time-stamp (add_timestamp). */
	size_t ntop = 0;
	xmlNodePtr fourth = NULL;
	for (xmlNodePtr c = sig->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && ++ntop == 4)
			fourth = c;
	/* Only what looks like the time-stamp is judged as one; any other
	 * ds:Object is refused as content no signature covers. */
	xmlNodePtr qp = fourth && is_ds(fourth, "Object") ? fourth->children : NULL;
	ntop = ntop == 4 && qp && qp->type == XML_ELEMENT_NODE && qp->ns &&
	               xmlStrEqual(qp->ns->href, BAD_CAST XADES_NS) &&
	               xmlStrEqual(qp->name, BAD_CAST "QualifyingProperties")
	           ? 4
	           : 3;

	if (sig->properties) {
		PARTIAL("<ds:Signature> has an attribute %s, which reportgen never writes",
		        (const char *)sig->properties->name);
		return false;
	}
	if (!sig->nsDef || sig->nsDef->next || !xmlStrEqual(sig->nsDef->href, BAD_CAST DSIG_NS)) {
		PARTIAL("<ds:Signature> declares namespaces reportgen never writes");
		return false;
	}
	if (!expect(res, sig, top, ntop, t))
		return false;
	if (ntop == 4 && !(*tst = timestamp_token(res, t[3], tst_len)))
		return false;
	/* SignedInfo: what is signed, and how. */
	xmlChar *uri = NULL;
	bool ok = no_attr(res, t[0]) && expect(res, t[0], si_kids, 3, si) &&
	          algorithm(res, si[0], c14n) == 0 && algorithm(res, si[1], sig_methods) >= 0 &&
	          (uri = only_attr(res, si[2], "URI")) != NULL;
	if (ok && uri[0] != '\0') {
		PARTIAL("the signature's Reference is URI=\"%.100s\", not the whole document "
		        "(URI=\"\")",
		        (const char *)uri);
		ok = false;
	}
	xmlFree(uri);
	size_t dn = 0;
	unsigned char *dv = NULL;
	int dm = -1;
	ok = ok && expect(res, si[2], ref_kids, 3, ref) && no_attr(res, ref[0]) &&
	     expect(res, ref[0], tr_kids, 2, tr) && algorithm(res, tr[0], env) == 0 &&
	     algorithm(res, tr[1], c14n) == 0 && (dm = algorithm(res, ref[1], digests)) >= 0 &&
	     (dv = base64_element(res, ref[2], &dn)) != NULL;
	if (ok && (int)dn != EVP_MD_get_size(EVP_get_digestbynid(digest_methods[dm].nid))) {
		INVALID("the DigestValue has %zu bytes, not a %s digest", dn,
		        OBJ_nid2sn(digest_methods[dm].nid));
		ok = false;
	}
	free(dv);
	if (!ok)
		return false;
	/* SignatureValue: canonical base64 (xmlsec decodes it again). */
	size_t sn = 0;
	unsigned char *sv = base64_element(res, t[1], &sn);
	free(sv);
	if (!sv)
		return false;
	/* KeyInfo/X509Data: certificates, the signer's first. */
	if (!no_attr(res, t[2]) || !expect(res, t[2], xd_kids, 1, xd) || !no_attr(res, xd[0]))
		return false;
	for (xmlNodePtr c = xd[0]->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && blank(c->content))
			continue;
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue;
		if (!is_ds(c, "X509Certificate")) {
			PARTIAL(
			    "<ds:X509Data> holds <%s> at line %ld, which reportgen never writes "
			    "and no signature covers",
			    c->type == XML_ELEMENT_NODE ? qname(c, cn, sizeof cn) : "text",
			    xmlGetLineNo(c));
			return false;
		}
		if (sk_X509_num(certs) >= XML_MAX_CERTS) {
			PARTIAL("<ds:X509Data> holds more than %d certificates", XML_MAX_CERTS);
			return false;
		}
		size_t n = 0;
		unsigned char *der = base64_element(res, c, &n);
		const unsigned char *p = der;
		X509 *x = der && n <= INT32_MAX ? d2i_X509(NULL, &p, (long)n) : NULL;
		bool whole = x && p == der + n;
		free(der);
		if (!whole || !sk_X509_push(certs, x)) {
			X509_free(x);
			if (der)
				INVALID("the certificate at line %ld of ds:X509Data cannot be read",
				        xmlGetLineNo(c));
			return false;
		}
	}
	if (sk_X509_num(certs) == 0) {
		INVALID("the signature carries no certificate in ds:KeyInfo/ds:X509Data");
		return false;
	}
	return true;
}

/* The first certificate's key verifies the signature (xmlsec), over the
 * one Reference, with the algorithms allowed and nothing read from outside. */
static bool xmlsec_verifies(X509 *signer, xmlNodePtr sig)
{
	EVP_PKEY *pk = X509_get_pubkey(signer);
	xmlSecKeyDataPtr kd = pk ? xmlSecOpenSSLEvpKeyAdopt(pk) : NULL;
	if (pk && !kd)
		EVP_PKEY_free(pk);
	xmlSecKeyPtr key = kd ? xmlSecKeyCreate() : NULL;
	if (!key || xmlSecKeySetValue(key, kd) < 0) {
		if (key)
			xmlSecKeyDestroy(key);
		else if (kd)
			xmlSecKeyDataDestroy(kd);
		return false;
	}
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	if (!ctx) {
		xmlSecKeyDestroy(key);
		return false;
	}
	ctx->signKey = key;
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
	bool ok = xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId) >= 0 &&
	          xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformExclC14NId) >= 0 &&
	          xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha256Id) >= 0 &&
	          xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha384Id) >= 0 &&
	          xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha512Id) >= 0 &&
	          xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformExclC14NId) >= 0 &&
	          xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha256Id) >= 0 &&
	          xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha384Id) >= 0 &&
	          xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformRsaSha512Id) >= 0 &&
	          xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformEcdsaSha256Id) >= 0 &&
	          xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformEcdsaSha384Id) >= 0 &&
	          xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformEcdsaSha512Id) >= 0;
	ok = ok && xmlSecDSigCtxVerify(ctx, sig) >= 0 && ctx->status == xmlSecDSigStatusSucceeded &&
	     xmlSecPtrListGetSize(&ctx->signedInfoReferences) == 1;
	xmlSecDSigCtxDestroy(ctx);
	return ok;
}

/* The time-stamp token is over the exclusive canonical form of this
 * signature's ds:SignatureValue (XAdES SignatureTimeStamp). */
static bool stamp_ok(struct rg_verify_result *res, xmlDocPtr doc, xmlNodePtr sig,
                     const unsigned char *tst, size_t tst_len, const struct rg_trust *trust,
                     int64_t *tsa_time)
{
	xmlNodePtr sv = ds_child(sig, "SignatureValue");
	unsigned char *c14n = NULL;
	size_t n = 0;
	if (!sv || !c14n_bytes(doc, sv, &c14n, &n)) {
		INVALID("ds:SignatureValue cannot be canonicalised to check its time-stamp");
		return false;
	}
	bool ok = rg_tsa_check(res, tst, tst_len, c14n, n, trust, tsa_time);
	free(c14n);
	return ok;
}

/* The serialisation compared with the file as it is made, not held: a
 * second copy of a large report beside its tree. */
struct dump_cmp {
	const char *data;
	size_t len, at;
	size_t first_diff; /* the offset of the first difference, once found */
	bool differs;
};

static int compare_write(void *ctx, const char *p, int n)
{
	struct dump_cmp *c = ctx;
	if (!c->differs) {
		size_t k = 0, avail = c->at < c->len ? c->len - c->at : 0;
		while (k < (size_t)n && k < avail && p[k] == c->data[c->at + k])
			k++;
		if (k < (size_t)n) {
			c->differs = true;
			c->first_diff = c->at + k;
		}
	}
	c->at += (size_t)n;
	return n;
}

/* The file is byte for byte what libxml2 writes for the tree it holds, as
 * signing wrote it: spacing inside tags, quotes, character references and
 * the declaration are invisible to the signature, so a change there is
 * caught here.  0 when equal, else the 1-based line of the first difference. */
static unsigned long differs_from_dump(xmlDocPtr doc, const char *data, size_t len)
{
	struct dump_cmp c = {data, len, 0, 0, false};
	xmlOutputBufferPtr out = xmlOutputBufferCreateIO(compare_write, NULL, &c, NULL);
	if (!out || xmlSaveFileTo(out, doc, "UTF-8") < 0) {
		c.differs = true; /* could not be compared: not accepted */
		c.first_diff = 0;
	} else if (c.at != len && !c.differs) {
		c.differs = true; /* the file goes on after the serialisation */
		c.first_diff = c.at;
	}
	if (!c.differs)
		return 0;
	return rg_xml_line_at(data, data + (c.first_diff < len ? c.first_diff : len));
}

rg_status rg_verify_xml(struct rg_verify_result *res, const char *path, const char *data,
                        size_t len, const struct rg_trust *trust, struct rg_diags *diags)
{
	if (!xmlsec_ready(diags, path, "verify.xmlsec"))
		return RG_EENV;
	/* The project's safe parser: no DTD, no entities, bounded depth.  A
	 * report that fails it is a verdict (not valid), not an error. */
	struct rg_diags scratch;
	rg_diags_init(&scratch);
	xmlDocPtr doc = rg_xml_parse(path, data, len, VERIFY_XML_DEPTH, &scratch);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		if (scratch.n && scratch.v[0].line)
			INVALID("not a well-formed XML document: line %lu: %s", scratch.v[0].line,
			        scratch.v[0].message);
		else
			INVALID("not a well-formed XML document: %s",
			        scratch.n ? scratch.v[0].message : "no root element");
		rg_diags_free(&scratch);
		xmlFreeDoc(doc);
		return RG_OK;
	}
	rg_diags_free(&scratch);

	int nsig = 0;
	xmlNodePtr sig = NULL;
	walk(res, doc->children, &nsig, &sig);
	if (nsig == 0) {
		rg_verify_refuse(res, RG_VERIFY_UNSIGNED, "the XML has no ds:Signature");
		xmlFreeDoc(doc);
		return RG_OK;
	}
	STACK_OF(X509) *certs = sk_X509_new_null();
	bool shape = false;
	unsigned char *tst = NULL;
	size_t tst_len = 0;
	if (nsig > 1)
		PARTIAL("the XML has %d ds:Signature elements; reportgen writes one", nsig);
	else if (sig->parent != root || last_element_child(root) != sig)
		PARTIAL("ds:Signature (line %ld) is not the last child of the root element, so it "
		        "does not sign the whole report",
		        xmlGetLineNo(sig));
	else if (certs)
		shape = check_shape(res, sig, certs, &tst, &tst_len);
	/* The XML declaration is outside what any XML signature covers. */
	if (!doc->version || !xmlStrEqual(doc->version, BAD_CAST "1.0") || !doc->encoding ||
	    xmlStrcasecmp(doc->encoding, BAD_CAST "UTF-8") != 0 || doc->standalone != -2)
		PARTIAL("the XML declaration (not covered by the signature) is not reportgen's "
		        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	unsigned long dline = differs_from_dump(doc, data, len);
	if (dline)
		PARTIAL(
		    "the file differs from what reportgen writes at line %lu (spacing, quoting or "
		    "characters the signature does not see)",
		    dline);

	/* The report's own @generated is when it was made and signed. */
	xmlChar *gen = xmlGetNoNsProp(root, BAD_CAST "generated");
	struct rg_time when = {0};
	bool have_time =
	    gen && rg_time_parse(&when, (const char *)gen, strlen((const char *)gen)) == RG_TIME_OK;
	xmlFree(gen);
	if (have_time) {
		rg_time_format_utc(res->signing_time, when.ms);
		res->time_from_report = true;
	}

	X509 *signer = shape ? sk_X509_value(certs, 0) : NULL;
	if (signer) {
		char *sub = rg_x509_name_line(X509_get_subject_name(signer));
		snprintf(res->subject, sizeof res->subject, "%s", sub ? sub : "");
		free(sub);
		if (!xmlsec_verifies(signer, sig)) {
			INVALID("the signed content or the signature was changed, or the first "
			        "certificate of ds:X509Data did not make it%s%s",
			        xmlsec_msg[0] ? ": " : "", xmlsec_msg);
		} else if (!have_time) {
			res->intact = true;
			INVALID(
			    "the report states no valid @generated time, so its signing time is "
			    "unknown");
		} else {
			res->intact = true;
			int64_t chain_time = when.ms / 1000, tsa_time = 0;
			if (tst && !stamp_ok(res, doc, sig, tst, tst_len, trust, &tsa_time))
				res->intact = res->verdict < RG_VERIFY_INVALID;
			if (res->intact) {
				/* A trusted time-stamp is when the signature existed. */
				if (res->tsa_trusted)
					chain_time = tsa_time;
				rg_verify_signer(res, signer, certs, chain_time, trust);
			}
		}
	}
	free(tst);
	sk_X509_pop_free(certs, X509_free);
	xmlFreeDoc(doc);
	ERR_clear_error();
	return RG_OK;
}
