/*
 * sign_pdf.c: the PDF signature, appended as one incremental update
 * (ISO 32000-1 sections 7.5.6 and 12.8).
 *
 * Input: a complete PDF with classic cross-reference tables (cairo's, maybe
 * followed by the PDF view's own update adding /MarkInfo and /Lang) and a
 * loaded signer.  Output: the same file with these bytes appended:
 *
 *   sig   << /Type /Sig ... /ByteRange [...] /Contents <CMS hex> /M (...) >>
 *   field << /Type /Annot /Subtype /Widget /FT /Sig /V sig /P page ... >>
 *   page  (rewritten: every key it had, /Annots plus the field)
 *   root  (rewritten: every key it had, /AcroForm << /Fields [field] /SigFlags 3 >>)
 *   xref, trailer (/Size /Root /Info /Prev /ID), startxref, %%EOF
 *
 * Invariants: the original bytes are never changed; /ByteRange covers every
 * byte of the result but the /Contents hex string (with its < >); the CMS
 * SignedData is detached, SHA-256, holds the signer certificate and chain,
 * and its signingTime attribute and /M are the signer's signing time, never
 * the clock, so an RSA signer gives byte-identical files.  The /Contents
 * reservation is measured from a real signature made with the same key,
 * certificates and attributes.  On any failure the file is cut back to its
 * original length.
 */
#include "core/file.h"
#include "sign/sign_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>

#include "core/str.h"
#include "core/pdfobj.h"

/* ECDSA signatures vary by a few bytes from run to run (the DER integers r
 * and s lose or gain a leading byte); RSA ones never do, so for RSA the
 * reservation is exact and no byte of /Contents is padding that a verifier
 * would ignore. */
#define EC_CONTENTS_MARGIN 8
#define BYTERANGE_WIDTH 44
/* A time-stamp token's size varies by a few bytes between two requests
 * (its nonce, serial number and genTime fraction). */
#define TSA_CONTENTS_MARGIN 64

static int der_cmp(const void *a, const void *b)
{
	const ASN1_STRING *x = *(ASN1_STRING *const *)a, *y = *(ASN1_STRING *const *)b;
	int nx = ASN1_STRING_length(x), ny = ASN1_STRING_length(y);
	int c = memcmp(ASN1_STRING_get0_data(x), ASN1_STRING_get0_data(y),
	               (size_t)(nx < ny ? nx : ny));
	return c ? c : nx - ny;
}

/* Signs the SignerInfo's signed attributes as they are.  OpenSSL 3.0's
 * CMS_SignerInfo_sign always adds a signingTime of the clock when there is
 * none, and PAdES baseline forbids one: so the signature is made here, over
 * the DER SET OF the attributes (sorted, as DER asks and as OpenSSL writes
 * them out), and set as the SignerInfo's. */
static bool sign_attributes(CMS_SignerInfo *si, EVP_PKEY *key)
{
	int n = CMS_signed_get_attr_count(si);
	ASN1_STRING *enc[16];
	size_t total = 0;
	bool ok = n > 0 && n <= 16;
	int k = 0;
	for (; ok && k < n; k++) {
		unsigned char *d = NULL;
		int dl = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, k), &d);
		enc[k] = dl > 0 ? ASN1_STRING_new() : NULL;
		ok = enc[k] && ASN1_STRING_set(enc[k], d, dl);
		OPENSSL_free(d);
		if (enc[k])
			total += (size_t)dl;
		else
			break;
	}
	unsigned char *set = NULL, sig[1024];
	size_t setlen = 0, siglen = sizeof sig;
	EVP_MD_CTX *mctx = NULL;
	if (ok) {
		qsort(enc, (size_t)n, sizeof enc[0], der_cmp);
		/* SET OF header: tag 0x31, DER length. */
		unsigned char hdr[6];
		size_t hl = 0;
		hdr[hl++] = 0x31;
		if (total < 0x80) {
			hdr[hl++] = (unsigned char)total;
		} else {
			int bytes = total > 0xFFFFFF ? 4 : total > 0xFFFF ? 3 : total > 0xFF ? 2 : 1;
			hdr[hl++] = (unsigned char)(0x80 | bytes);
			for (int b = bytes - 1; b >= 0; b--)
				hdr[hl++] = (unsigned char)(total >> (8 * b));
		}
		ok = (set = malloc(hl + total)) != NULL;
		if (ok) {
			memcpy(set, hdr, hl);
			setlen = hl;
			for (int i = 0; i < n; i++) {
				memcpy(set + setlen, ASN1_STRING_get0_data(enc[i]),
				       (size_t)ASN1_STRING_length(enc[i]));
				setlen += (size_t)ASN1_STRING_length(enc[i]);
			}
		}
	}
	ok = ok && (mctx = EVP_MD_CTX_new()) != NULL &&
	     EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestSign(mctx, sig, &siglen, set, setlen) == 1 &&
	     ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)siglen);
	EVP_MD_CTX_free(mctx);
	free(set);
	for (int i = 0; i < k && i < n; i++)
		ASN1_STRING_free(enc[i]);
	return ok;
}

static bool feed_digest(void *ctx, const unsigned char *bytes, size_t count)
{
	return EVP_DigestUpdate(ctx, bytes, count) == 1;
}

static bool feed_bio(void *ctx, const unsigned char *bytes, size_t count)
{
	for (size_t off = 0; off < count;) {
		int chunk = count - off > (1u << 30) ? (1 << 30) : (int)(count - off);
		if (BIO_write(ctx, bytes + off, chunk) != chunk)
			return false;
		off += (size_t)chunk;
	}
	return true;
}

/* Feeds the pieces in order, the file's through rg_sigfile_feed. */
static bool feed_pieces(const struct rg_cms_pieces *content,
                        bool (*feed)(void *ctx, const unsigned char *bytes, size_t count),
                        void *ctx)
{
	for (int k = 0; k < 3; k++) {
		if (content->n[k] == 0)
			continue;
		if (k == 0 && content->file ? !rg_sigfile_feed(content->file, content->p[0],
		                                               content->n[0], feed, ctx)
		                            : !feed(ctx, content->p[k], content->n[k]))
			return false;
	}
	return true;
}

/* The signed bytes of a PDF are three pieces: the original file and the
 * update around its /Contents string.  Streamed into the CMS digest, so the
 * file is never copied whole to sign it, nor kept resident. */
bool rg_cms_sign(const struct rg_signer *s, const struct rg_cms_pieces *content,
                 bool signing_time, unsigned char **der, int *der_len, char *why, size_t why_size)
{
	unsigned char *tok = NULL;
	int tok_len = 0;
	ASN1_STRING *tseq = NULL;
	why[0] = '\0';
	const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL;
	bool ok = false;
	ASN1_TIME *t = NULL;
	BIO *in = NULL;
	ESS_SIGNING_CERT_V2 *ess = NULL;
	unsigned char *essder = NULL;
	int esslen = 0;
	ASN1_STRING *seq = NULL;
	*der = NULL;
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (!cms)
		goto done;
	CMS_SignerInfo *si = CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), flags);
	if (!si)
		goto done;
	/* Our own signingTime, so OpenSSL does not put the clock there.  PAdES
	 * baseline signatures have none (ETSI EN 319 142-1 5.3: the time is the
	 * PDF's /M, and the time-stamp's), and CMS_final adds none with
	 * CMS_PARTIAL unless asked. */
	if (signing_time &&
	    (!(t = ASN1_TIME_set(NULL, (time_t)(s->signing_time_ms / 1000))) ||
	     !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1)))
		goto done;
	/* ESS signing-certificate-v2 (RFC 5035) binds the signer certificate
	 * into the signed attributes, so it cannot be swapped inside the
	 * unsigned certificate set of the CMS. */
	if (!(ess = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), s->cert, NULL, 0)) ||
	    (esslen = i2d_ESS_SIGNING_CERT_V2(ess, &essder)) <= 0 || !(seq = ASN1_STRING_new()) ||
	    !ASN1_STRING_set(seq, essder, esslen) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE,
	                                 seq, -1))
		goto done;
	for (int i = 0; i < sk_X509_num(s->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(s->chain, i)))
			goto done;
	if (!signing_time) {
		/* PAdES: the attributes CMS_final would add, added here, and the
		 * one signature made by sign_attributes (CMS_final's would carry
		 * a signingTime, and cost a second signature on a token). */
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;
		EVP_MD_CTX *mctx = EVP_MD_CTX_new();
		bool dok = mctx && EVP_DigestInit_ex(mctx, EVP_sha256(), NULL) == 1 &&
		           feed_pieces(content, feed_digest, mctx) &&
		           EVP_DigestFinal_ex(mctx, md, &mdlen) == 1;
		EVP_MD_CTX_free(mctx);
		if (!dok ||
		    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
		                                 OBJ_nid2obj(NID_pkcs7_data), -1) ||
		    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
		                                 md, (int)mdlen) ||
		    !sign_attributes(si, s->key))
			goto done;
	} else {
		/* What CMS_final does with one buffer, with our pieces (CMS_BINARY:
		 * the bytes go in as they are). */
		if (!(in = CMS_dataInit(cms, NULL)) || !feed_pieces(content, feed_bio, in))
			goto done;
		(void)BIO_flush(in);
		if (!CMS_dataFinal(cms, in))
			goto done;
	}
	/* The time-stamp is over the signature value just made (RFC 3161
	 * appendix A), so it is unsigned: nothing above covers it. */
	if (s->tsa_url) {
		const ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
		if (!rg_tsa_stamp(s->tsa_url, ASN1_STRING_get0_data(sv), (size_t)ASN1_STRING_length(sv),
		                  &tok, &tok_len, why, why_size))
			goto done;
		if (!(tseq = ASN1_STRING_new()) || !ASN1_STRING_set(tseq, tok, tok_len) ||
		    !CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken,
		                                   V_ASN1_SEQUENCE, tseq, -1))
			goto done;
	}
	*der_len = i2d_CMS_ContentInfo(cms, der);
	ok = *der_len > 0;
done:
	ERR_clear_error();
	OPENSSL_free(tok);
	ASN1_STRING_free(tseq);
	BIO_free_all(in);
	ASN1_TIME_free(t);
	ASN1_STRING_free(seq);
	OPENSSL_free(essder);
	ESS_SIGNING_CERT_V2_free(ess);
	CMS_ContentInfo_free(cms);
	return ok;
}

void rg_cms_failed(const struct rg_signer *s, const char *path, const char *why,
                   struct rg_diags *diags)
{
	if (why[0])
		rg_diag_err(diags, "sign.tsa", path, 0, NULL,
		            "check the --tsa URL and the network, or sign without --tsa", "%s", why);
	else
		rg_diag_err(diags, "sign.cms", path, 0, NULL,
		            s->p11 ? "check the token is still inserted and unlocked" : NULL,
		            "OpenSSL could not make a CMS signature with this key");
}

/* "D:YYYYMMDDHHmmSSZ" */
static void pdf_date(char *buf, size_t size, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "D:%Y%m%d%H%M%SZ", &tm);
}

/* Writes dict's entries but those named in skip, without the closing >>. */
static int copy_dict(struct rg_buf *b, struct rg_span dict, const char *const *skip)
{
	const char *pos = NULL;
	struct rg_span k, v;
	int rc = rg_buf_printf(b, "<<");
	while (rc == RG_BUF_OK && rg_pdf_dict_next(dict, &pos, &k, &v)) {
		bool drop = false;
		for (const char *const *s = skip; *s; s++)
			drop = drop || rg_pdf_name_is(k, *s);
		if (!drop)
			rc = rg_buf_printf(b, "\n%.*s %.*s", (int)k.n, k.p, (int)v.n, v.p);
	}
	return rc;
}

struct update {
	struct rg_buf b;
	size_t xoff[4]; /* offsets (in the update) of the objects written */
	long xnum[4], xgen[4];
	int nx;
	size_t contents_at;  /* offset of '<' of /Contents in the update */
	size_t contents_len; /* bytes from '<' to '>' inclusive */
	size_t byterange_at; /* offset of the ByteRange array */
};

static void mark_obj(struct update *u, long num, long gen)
{
	u->xoff[u->nx] = u->b.len;
	u->xnum[u->nx] = num;
	u->xgen[u->nx] = gen;
	u->nx++;
}

#define PDF_FAIL(...)                                                                              \
	do {                                                                                       \
		rg_diag_err(diags, "sign.pdf-structure", path, 0, NULL,                            \
		            "sign the PDF exactly as reportgen wrote it", __VA_ARGS__);            \
		goto fail;                                                                         \
	} while (0)

/* Finds the first page by walking /Pages /Kids, first child each time. */
static bool first_page(const struct rg_pdfdoc *d, struct rg_span catalog, struct rg_pdfref *out,
                       struct rg_span *page)
{
	struct rg_span v, node, kid;
	struct rg_pdfref ref;
	if (!rg_pdf_dict_get(catalog, "/Pages", &v) || !rg_pdf_parse_ref(v, &ref))
		return false;
	for (int depth = 0; depth < 32; depth++) {
		if (!rg_pdfdoc_object(d, ref, &node))
			return false;
		if (rg_pdf_dict_get(node, "/Type", &v) && rg_pdf_name_is(v, "/Page")) {
			*out = ref;
			*page = node;
			return true;
		}
		const char *pos = NULL;
		if (!rg_pdf_dict_get(node, "/Kids", &v) || !rg_pdf_array_next(v, &pos, &kid) ||
		    !rg_pdf_parse_ref(kid, &ref))
			return false;
	}
	return false;
}

rg_status rg_sign_pdf(const struct rg_signer *s, const char *path, struct rg_diags *diags)
{
	char err[256], date[32];
	struct rg_sigfile in;
	struct rg_pdfdoc d = {0};
	struct update u = {0};
	unsigned char *der = NULL;
	int der_len = 0;
	rg_status st = RG_EENV;
	rg_buf_init(&u.b, 0);

	/* Mapped, not copied: the file is only scanned and digested, in
	 * pieces OpenSSL's int lengths can take (make_cms). */
	if ((st = rg_sigfile_open(&in, path, RG_SIGN_PDF_MAX, "PDF", "sign", diags)) != RG_OK)
		return st;
	const char *data = in.data;
	size_t len = in.len;
	st = RG_EENV;
	if (!rg_pdfdoc_open(&d, data, len, err, sizeof err))
		PDF_FAIL("cannot read the PDF structure: %s", err);

	/* Strings in an encrypted PDF's update would have to be encrypted too. */
	if (d.encrypted)
		PDF_FAIL("the PDF is encrypted, which reportgen does not sign");
	struct rg_span catalog, page, v, elem;
	struct rg_pdfref page_ref;
	if (!rg_pdfdoc_object(&d, d.root, &catalog))
		PDF_FAIL("the document catalog (/Root %ld %ld R) cannot be found", d.root.num,
		         d.root.gen);
	if (rg_pdf_dict_get(catalog, "/AcroForm", &v))
		PDF_FAIL("the PDF already has a form (/AcroForm): it was signed before, or is "
		         "not reportgen's");
	if (!first_page(&d, catalog, &page_ref, &page))
		PDF_FAIL("the first page cannot be found from /Pages");

	/* The reservation: a real signature with the same key, certificates
	 * and attributes over stand-in content has the final size, give or
	 * take ECDSA's few bytes. */
	const struct rg_cms_pieces nothing = {{NULL, NULL, NULL}, {0, 0, 0}, NULL};
	char why[512];
	if (!rg_cms_sign(s, &nothing, !s->pades, &der, &der_len, why, sizeof why)) {
		rg_cms_failed(s, path, why, diags);
		goto fail;
	}
	OPENSSL_free(der);
	der = NULL;
	size_t reserve = (size_t)der_len;
	if (EVP_PKEY_get_base_id(s->key) != EVP_PKEY_RSA)
		reserve += EC_CONTENTS_MARGIN;
	if (s->tsa_url)
		reserve += TSA_CONTENTS_MARGIN;

	long sig_num = d.size, field_num = d.size + 1;
	pdf_date(date, sizeof date, s->signing_time_ms);
	bool nl = len > 0 && data[len - 1] != '\n' && data[len - 1] != '\r';
	int rc = nl ? rg_buf_putc(&u.b, '\n') : RG_BUF_OK;

	/* The signature dictionary: ByteRange and Contents are placeholders
	 * of fixed width, filled in once every offset is known. */
	mark_obj(&u, sig_num, 0);
	rc |= rg_buf_printf(&u.b,
	                    "%ld 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite "
	                    "/SubFilter /%s /M (%s)\n/ByteRange ",
	                    sig_num, s->pades ? "ETSI.CAdES.detached" : "adbe.pkcs7.detached", date);
	u.byterange_at = u.b.len;
	rc |= rg_buf_printf(&u.b, "%*s\n/Contents ", BYTERANGE_WIDTH, "");
	u.contents_at = u.b.len;
	rc |= rg_buf_putc(&u.b, '<');
	for (size_t i = 0; i < 2 * reserve && rc == RG_BUF_OK; i++)
		rc |= rg_buf_putc(&u.b, '0');
	rc |= rg_buf_putc(&u.b, '>');
	u.contents_len = u.b.len - u.contents_at;
	rc |= rg_buf_printf(&u.b, " >>\nendobj\n");

	/* The field and its widget, one object; invisible (zero /Rect), with
	 * a /TU description for assistive technology.  /F 132: print, locked. */
	mark_obj(&u, field_num, 0);
	rc |= rg_buf_printf(&u.b,
	                    "%ld 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig "
	                    "/T (reportgen signature) /TU (Digital signature of this report) "
	                    "/F 132 /Rect [0 0 0 0] /V %ld 0 R /P %ld %ld R >>\nendobj\n",
	                    field_num, sig_num, page_ref.num, page_ref.gen);

	/* The first page with the widget added to its /Annots. */
	static const char *const page_skip[] = {"/Annots", NULL};
	mark_obj(&u, page_ref.num, page_ref.gen);
	rc |= rg_buf_printf(&u.b, "%ld %ld obj\n", page_ref.num, page_ref.gen);
	rc |= copy_dict(&u.b, page, page_skip);
	rc |= rg_buf_printf(&u.b, "\n/Annots [");
	if (rg_pdf_dict_get(page, "/Annots", &v)) {
		struct rg_pdfref aref;
		if (rg_pdf_parse_ref(v, &aref) && !rg_pdfdoc_object(&d, aref, &v))
			PDF_FAIL("the first page's /Annots array cannot be found");
		const char *pos = NULL;
		while (rg_pdf_array_next(v, &pos, &elem))
			rc |= rg_buf_printf(&u.b, "%.*s ", (int)elem.n, elem.p);
	}
	rc |= rg_buf_printf(&u.b, "%ld 0 R]\n>>\nendobj\n", field_num);

	/* The catalog with the form. */
	static const char *const cat_skip[] = {NULL};
	mark_obj(&u, d.root.num, d.root.gen);
	rc |= rg_buf_printf(&u.b, "%ld %ld obj\n", d.root.num, d.root.gen);
	rc |= copy_dict(&u.b, catalog, cat_skip);
	rc |= rg_buf_printf(&u.b, "\n/AcroForm << /Fields [%ld 0 R] /SigFlags 3 >>\n>>\nendobj\n",
	                    field_num);

	/* Cross-reference section: one subsection per object keeps it simple
	 * and valid whatever the numbers. */
	size_t xref_at = len + u.b.len;
	rc |= rg_buf_printf(&u.b, "xref\n");
	for (int i = 0; i < u.nx; i++)
		rc |= rg_buf_printf(&u.b, "%ld 1\n%010zu %05ld n\r\n", u.xnum[i], len + u.xoff[i],
		                    u.xgen[i]);

	/* /ID: keep the document's first identifier; the second, which names
	 * this revision, is derived from the content so reruns agree. */
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char idhex[33];
	EVP_MD_CTX *idctx = EVP_MD_CTX_new();
	bool idok = idctx && EVP_DigestInit_ex(idctx, EVP_sha256(), NULL) == 1 &&
	            rg_sigfile_feed(&in, (const unsigned char *)data, len, feed_digest, idctx) &&
	            EVP_DigestFinal_ex(idctx, md, &mdlen) == 1;
	EVP_MD_CTX_free(idctx);
	if (!idok)
		goto fail;
	rg_hex(idhex, md, 16);
	rc |= rg_buf_printf(&u.b, "trailer\n<< /Size %ld /Root %ld %ld R", field_num + 1,
	                    d.root.num, d.root.gen);
	if (d.info.p)
		rc |= rg_buf_printf(&u.b, " /Info %.*s", (int)d.info.n, d.info.p);
	if (d.id0.p)
		rc |= rg_buf_printf(&u.b, " /ID [%.*s <%s>]", (int)d.id0.n, d.id0.p, idhex);
	else
		rc |= rg_buf_printf(&u.b, " /ID [<%s> <%s>]", idhex, idhex);
	rc |= rg_buf_printf(&u.b, " /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", d.startxref, xref_at);
	if (rc != RG_BUF_OK)
		goto fail;

	/* ByteRange: everything but the Contents hex string. */
	size_t total = len + u.b.len;
	size_t a = len + u.contents_at, b = a + u.contents_len;
	char br[BYTERANGE_WIDTH + 1];
	int brn = snprintf(br, sizeof br, "[0 %zu %zu %zu]", a, b, total - b);
	if (brn < 0 || brn > BYTERANGE_WIDTH)
		goto fail;
	memcpy(u.b.data + u.byterange_at, br, (size_t)brn);

	const struct rg_cms_pieces signed_bytes = {
	    {(const unsigned char *)data, (const unsigned char *)u.b.data,
	     (const unsigned char *)u.b.data + u.contents_at + u.contents_len},
	    {len, u.contents_at, u.b.len - u.contents_at - u.contents_len},
	    &in};
	if (!rg_cms_sign(s, &signed_bytes, !s->pades, &der, &der_len, why, sizeof why)) {
		rg_cms_failed(s, path, why, diags);
		goto fail;
	}
	if ((size_t)der_len > reserve) {
		rg_diag_err(diags, "sign.contents-size", path, 0, NULL,
		            "report this as a bug in reportgen",
		            "the signature (%d bytes) does not fit the %zu bytes reserved for it",
		            der_len, reserve);
		goto fail;
	}
	/* Hex digits over the leading zeros; any padding after them (ECDSA
	 * only) stays 0, which verify.c insists on. */
	static const char digits[] = "0123456789ABCDEF";
	char *hex = u.b.data + u.contents_at + 1;
	for (int i = 0; i < der_len; i++) {
		hex[2 * i] = digits[der[i] >> 4];
		hex[2 * i + 1] = digits[der[i] & 15];
	}

	FILE *f = fopen(path, "ab");
	bool ok = f && fwrite(u.b.data, 1, u.b.len, f) == u.b.len;
	ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok) {
		rg_diag_err(diags, "sign.write", path, 0, NULL, "check free space and permissions",
		            "cannot append the signature: %s", strerror(errno));
		if (truncate(path, (off_t)len) != 0) {
			/* Nothing more to do: the caller removes its temporary. */
		}
		goto fail;
	}
	st = RG_OK;
	goto done;
fail:
	st = RG_EENV;
done:
	OPENSSL_free(der);
	rg_buf_free(&u.b);
	rg_pdfdoc_free(&d);
	rg_sigfile_close(&in);
	return st;
}
