/*
 * sign_tool.c: test-only driver for the sign stage (tests/sign/).
 *
 *   sign-tool mkpdf OUT.pdf PAGES [--update]
 *       a cairo PDF of PAGES pages with text and a link annotation on page 1;
 *       --update appends an incremental update like the PDF view's (the
 *       catalog rewritten with /MarkInfo and /Lang), so signing meets a /Prev chain
 *   sign-tool sign FILE --key K --cert C [--chain P] [--passphrase-file F] [--time EPOCH]
 *           [--pin-file F] [--pkcs11-module SO] [--tsa URL] [--no-pades]
 *       signs FILE in place (PDF or XML by extension); prints diagnostics;
 *       K may be a pkcs11: URI, and then --cert may be left out
 *   sign-tool forge FILE --key K --cert C [--chain P] [--time EPOCH]
 *       signs FILE like `sign`, but with a signer put together here without
 *       rg_signer_load's checks: how the tests make reports signed by
 *       certificates reportgen refuses (a CA, no digitalSignature, serverAuth
 *       only, expired since ...), which verify must refuse on its own
 *   sign-tool recms FILE.pdf --key K --cert C [--chain P] [--time EPOCH]
 *           [--md NAME] [--sigalg NAME] [--noattr] [--econtent OID]
 *           [--second-key K2 --second-cert C2]
 *       replaces the CMS in the last /Contents of a signed PDF with one made
 *       here over the ranges its /ByteRange states (clamped to the file, so
 *       a test may first write any /ByteRange it likes): SHA-1 or MD5
 *       digests, a weak signature algorithm named in the SignerInfo, no
 *       signed attributes, two signers (without certificates, to fit),
 *       another encapsulated content type
 *   sign-tool tst FILE.pdf TOKEN.der SIGVALUE.bin
 *       writes the PDF signature's RFC 3161 token and the signature value it
 *       stamps, for `openssl ts -verify`
 *   sign-tool swap-tst TO.pdf FROM.pdf
 *       puts FROM's time-stamp token into TO's CMS (a token from another
 *       signature, which verify must refuse)
 *   sign-tool verify ...    rg_cmd_verify, as `reportgen verify ...`
 *
 * The exit status is the rg_status (or the command's), so test_sign.py can
 * check error paths.  This is not the product's front end: the lead's
 * `reportgen render` drives rg_sign_* in the same order.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>

#include "cli/commands.h"
#include "core/str.h"
#include "core/pdfobj.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"

static int mkpdf(const char *out, int pages)
{
	cairo_surface_t *s = cairo_pdf_surface_create(out, 612, 792);
	cairo_t *cr = cairo_create(s);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "reportgen signing test");
	/* Fixed dates: the file's bytes, sizes and offsets do not depend on
	 * the day the tests run. */
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2024-04-01T00:00:00Z");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "2024-04-01T00:00:00Z");
	/* Tagged like the PDF view's output.  (cairo 1.16 writes a broken xref
	 * entry for a link outside any structure element.) */
	cairo_tag_begin(cr, "Document", "");
	for (int p = 1; p <= pages; p++) {
		cairo_tag_begin(cr, "P", "");
		cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL,
		                       CAIRO_FONT_WEIGHT_NORMAL);
		cairo_set_font_size(cr, 14);
		for (int line = 0; line < 40; line++) {
			char buf[128];
			snprintf(buf, sizeof buf, "Page %d, line %d: ED 24-02 compliance evidence",
			         p, line + 1);
			cairo_move_to(cr, 50, 60 + 17 * line);
			cairo_show_text(cr, buf);
		}
		cairo_rectangle(cr, 50, 760, 200 + p % 300, 10);
		cairo_fill(cr);
		if (p == 1) {
			cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='https://www.cisa.gov/'");
			cairo_move_to(cr, 50, 740);
			cairo_show_text(cr, "CISA");
			cairo_tag_end(cr, CAIRO_TAG_LINK);
		}
		cairo_tag_end(cr, "P");
		cairo_show_page(cr);
	}
	cairo_tag_end(cr, "Document");
	cairo_destroy(cr);
	cairo_surface_finish(s);
	int bad = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(s);
	return bad;
}

/* What the PDF view's update does: rewrite the catalog with /MarkInfo and
 * /Lang, a new xref section and a trailer with /Prev. */
static int add_update(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = malloc((size_t)n);
	if (!data || fread(data, 1, (size_t)n, f) != (size_t)n)
		return 1;
	fclose(f);
	struct rg_pdfdoc d;
	char err[256];
	struct rg_span cat, k, v;
	if (!rg_pdfdoc_open(&d, data, (size_t)n, err, sizeof err) ||
	    !rg_pdfdoc_object(&d, d.root, &cat)) {
		fprintf(stderr, "add_update: %s\n", err);
		return 1;
	}
	struct rg_buf b;
	rg_buf_init(&b, 0);
	size_t obj_at = (size_t)n;
	rg_buf_printf(&b, "%ld %ld obj\n<<", d.root.num, d.root.gen);
	const char *pos = NULL;
	while (rg_pdf_dict_next(cat, &pos, &k, &v))
		if (!rg_pdf_name_is(k, "/MarkInfo") && !rg_pdf_name_is(k, "/Lang"))
			rg_buf_printf(&b, " %.*s %.*s", (int)k.n, k.p, (int)v.n, v.p);
	rg_buf_printf(&b, " /MarkInfo << /Marked true >> /Lang (en-US) >>\nendobj\n");
	size_t xref_at = (size_t)n + b.len;
	rg_buf_printf(&b, "xref\n%ld 1\n%010zu %05ld n\r\ntrailer\n<< /Size %ld /Root %ld %ld R",
	              d.root.num, obj_at, d.root.gen, d.size, d.root.num, d.root.gen);
	if (d.info.p)
		rg_buf_printf(&b, " /Info %.*s", (int)d.info.n, d.info.p);
	if (d.id0.p)
		rg_buf_printf(&b, " /ID [%.*s %.*s]", (int)d.id0.n, d.id0.p, (int)d.id0.n, d.id0.p);
	rg_buf_printf(&b, " /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", d.startxref, xref_at);
	f = fopen(path, "ab");
	int bad = !f || fwrite(b.data, 1, b.len, f) != b.len;
	if (f)
		fclose(f);
	rg_buf_free(&b);
	rg_pdfdoc_free(&d);
	free(data);
	return bad;
}

static int sign(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"cert", required_argument, NULL, 'c'},
	    {"chain", required_argument, NULL, 'C'},
	    {"passphrase-file", required_argument, NULL, 'p'},
	    {"time", required_argument, NULL, 't'},
	    {"pin-file", required_argument, NULL, 'P'},
	    {"pkcs11-module", required_argument, NULL, 'M'},
	    {"tsa", required_argument, NULL, 'T'},
	    {"no-pades", no_argument, NULL, 'N'},
	    {NULL, 0, NULL, 0},
	};
	struct rg_signer_options o = {0};
	o.signing_time_ms = (int64_t)time(NULL) * 1000;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o.key_path = optarg;
			break;
		case 'c':
			o.cert_path = optarg;
			break;
		case 'C':
			o.chain_path = optarg;
			break;
		case 'p':
			o.passphrase_file = optarg;
			break;
		case 't':
			o.signing_time_ms = strtoll(optarg, NULL, 10) * 1000;
			break;
		case 'P':
			o.pin_file = optarg;
			break;
		case 'M':
			o.pkcs11_module = optarg;
			break;
		case 'T':
			o.tsa_url = optarg;
			break;
		case 'N':
			o.no_pades = true;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	const char *file = argv[optind];
	struct rg_diags diags;
	struct rg_signer *s = NULL;
	rg_diags_init(&diags);
	rg_status st = rg_signer_load(&s, &o, &diags);
	if (st == RG_OK) {
		size_t n = strlen(file);
		bool xml = n > 4 && strcmp(file + n - 4, ".xml") == 0;
		st = xml ? rg_sign_xml(s, file, &diags) : rg_sign_pdf(s, file, &diags);
		printf("signer: %s\n", rg_signer_identity(s)->subject);
	}
	rg_diags_print(stderr, &diags);
	rg_diags_free(&diags);
	rg_signer_free(s);
	return (int)st;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *d = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (d && fread(d, 1, (size_t)len, f) != (size_t)len) {
		free(d);
		d = NULL;
	}
	fclose(f);
	*n = d ? (size_t)len : 0;
	return d;
}

static EVP_PKEY *pem_key(const char *path)
{
	FILE *f = fopen(path, "rb");
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return k;
}

static X509 *pem_cert(const char *path)
{
	FILE *f = fopen(path, "rb");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return x;
}

struct forge_opts {
	const char *md, *sigalg, *econtent;
	const char *key2, *cert2; /* a second signer */
	bool noattr;
};

/* The CMS of recms, over the ranges of data its /ByteRange states. */
static int recms(const struct rg_signer *s, const char *path, const struct forge_opts *fo)
{
	size_t len;
	char *data = slurp(path, &len);
	const char *br = data ? rg_memrmem(data, len, "/ByteRange") : NULL;
	const char *ct = data ? rg_memrmem(data, len, "/Contents <") : NULL;
	if (!br || !ct)
		return 3;
	long long r[4] = {0, 0, 0, 0};
	const char *p = strchr(br, '[');
	for (int i = 0; p && i < 4; i++)
		r[i] = strtoll(p + 1, (char **)&p, 10);
	BIO *in = BIO_new(BIO_s_mem());
	for (int i = 0; i < 4; i += 2) {
		long long a = r[i] < 0 ? 0 : r[i] > (long long)len ? (long long)len : r[i];
		long long n = r[i + 1] < 0                    ? 0
		              : r[i + 1] > (long long)len - a ? (long long)len - a
		                                              : r[i + 1];
		BIO_write(in, data + a, (int)n);
	}
	unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	if (fo->noattr)
		flags |= CMS_NOATTR;
	if (fo->key2)
		flags |= CMS_NOCERTS; /* so that two SignerInfos fit the reservation */
	const EVP_MD *md = EVP_get_digestbyname(fo->md ? fo->md : "sha256");
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, fo->key2 ? NULL : s->chain, NULL, flags);
	if (!md || !cms)
		return 3;
	if (fo->econtent && !CMS_set1_eContentType(cms, OBJ_txt2obj(fo->econtent, 1)))
		return 3;
	X509 *certs[2] = {s->cert, NULL};
	EVP_PKEY *keys[2] = {s->key, NULL};
	if (fo->key2 && (!(keys[1] = pem_key(fo->key2)) || !(certs[1] = pem_cert(fo->cert2))))
		return 3;
	for (int k = 0; k < (fo->key2 ? 2 : 1); k++) {
		CMS_SignerInfo *si = CMS_add1_signer(cms, certs[k], keys[k], md, flags);
		if (!si)
			return 3;
		if (!fo->noattr) {
			ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)(s->signing_time_ms / 1000));
			ESS_SIGNING_CERT_V2 *ess =
			    OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), certs[k], NULL, 0);
			unsigned char *essder = NULL;
			int esslen = i2d_ESS_SIGNING_CERT_V2(ess, &essder);
			ASN1_STRING *seq = ASN1_STRING_new();
			ASN1_STRING_set(seq, essder, esslen);
			CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1);
			CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
			                            V_ASN1_SEQUENCE, seq, -1);
			ASN1_TIME_free(t);
			ASN1_STRING_free(seq);
			OPENSSL_free(essder);
			ESS_SIGNING_CERT_V2_free(ess);
		}
	}
	if (!CMS_final(cms, in, NULL, flags)) {
		ERR_print_errors_fp(stderr);
		return 3;
	}
	X509_free(certs[1]);
	EVP_PKEY_free(keys[1]);
	if (fo->sigalg) {
		/* The SignerInfo's signatureAlgorithm is not signed: rename it. */
		X509_ALGOR *sig;
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
		CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sig);
		X509_ALGOR_set0(sig, OBJ_nid2obj(OBJ_sn2nid(fo->sigalg)), V_ASN1_NULL, NULL);
	}
	unsigned char *der = NULL;
	int dn = i2d_CMS_ContentInfo(cms, &der);
	char *hex = (char *)ct + 11, *end = memchr(hex, '>', (size_t)(data + len - hex));
	if (dn <= 0 || !end || (size_t)(2 * dn) > (size_t)(end - hex)) {
		fprintf(stderr, "recms: the CMS (%d bytes) does not fit /Contents\n", dn);
		return 3;
	}
	memset(hex, '0', (size_t)(end - hex));
	for (int i = 0; i < dn; i++) {
		hex[2 * i] = "0123456789ABCDEF"[der[i] >> 4];
		hex[2 * i + 1] = "0123456789ABCDEF"[der[i] & 15];
	}
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(data, 1, len, f) != len;
	if (f && fclose(f) != 0)
		bad = 1;
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	free(data);
	return bad ? 3 : 0;
}

static int forge(int argc, char **argv, bool re)
{
	static const struct option opts[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"cert", required_argument, NULL, 'c'},
	    {"chain", required_argument, NULL, 'C'},
	    {"time", required_argument, NULL, 't'},
	    {"md", required_argument, NULL, 'm'},
	    {"sigalg", required_argument, NULL, 's'},
	    {"econtent", required_argument, NULL, 'e'},
	    {"noattr", no_argument, NULL, 'n'},
	    {"second-key", required_argument, NULL, 'K'},
	    {"second-cert", required_argument, NULL, 'D'},
	    {NULL, 0, NULL, 0},
	};
	const char *key = NULL, *cert = NULL, *chain = NULL;
	struct forge_opts fo = {0};
	struct rg_signer s = {0};
	s.signing_time_ms = (int64_t)time(NULL) * 1000;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'C':
			chain = optarg;
			break;
		case 't':
			s.signing_time_ms = strtoll(optarg, NULL, 10) * 1000;
			break;
		case 'm':
			fo.md = optarg;
			break;
		case 's':
			fo.sigalg = optarg;
			break;
		case 'e':
			fo.econtent = optarg;
			break;
		case 'n':
			fo.noattr = true;
			break;
		case 'K':
			fo.key2 = optarg;
			break;
		case 'D':
			fo.cert2 = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || !key || !cert)
		return 2;
	const char *file = argv[optind];
	s.key = pem_key(key);
	s.cert = pem_cert(cert);
	FILE *f;
	s.chain = sk_X509_new_null();
	if (chain && (f = fopen(chain, "rb")) != NULL) {
		X509 *x;
		while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
			sk_X509_push(s.chain, x);
		fclose(f);
	}
	ERR_clear_error();
	if (!s.key || !s.cert)
		return 3;
	int rc;
	if (re) {
		rc = recms(&s, file, &fo);
	} else {
		struct rg_diags diags;
		rg_diags_init(&diags);
		size_t n = strlen(file);
		bool xml = n > 4 && strcmp(file + n - 4, ".xml") == 0;
		rc = (int)(xml ? rg_sign_xml(&s, file, &diags) : rg_sign_pdf(&s, file, &diags));
		rg_diags_print(stderr, &diags);
		rg_diags_free(&diags);
	}
	EVP_PKEY_free(s.key);
	X509_free(s.cert);
	sk_X509_pop_free(s.chain, X509_free);
	return rc;
}

/* The CMS in the last /Contents of a PDF, and where its hex digits are. */
static CMS_ContentInfo *pdf_cms(char *data, size_t len, char **hex, size_t *hexlen)
{
	const char *ct = rg_memrmem(data, len, "/Contents <");
	if (!ct)
		return NULL;
	*hex = (char *)ct + 11;
	char *end = memchr(*hex, '>', (size_t)(data + len - *hex));
	if (!end)
		return NULL;
	*hexlen = (size_t)(end - *hex);
	unsigned char *der = malloc(*hexlen / 2 + 1);
	for (size_t i = 0; der && i + 1 < *hexlen; i += 2) {
		char b[3] = {(*hex)[i], (*hex)[i + 1], 0};
		der[i / 2] = (unsigned char)strtol(b, NULL, 16);
	}
	const unsigned char *p = der;
	CMS_ContentInfo *cms = der ? d2i_CMS_ContentInfo(NULL, &p, (long)(*hexlen / 2)) : NULL;
	free(der);
	return cms;
}

static CMS_SignerInfo *first_si(CMS_ContentInfo *cms)
{
	return sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
}

/* sign-tool tst FILE.pdf TOKEN.der SIGVALUE.bin: the time-stamp token of
 * the PDF's signature and the signature value it stamps, for openssl ts. */
static int tst_extract(const char *pdf, const char *tok_out, const char *sv_out)
{
	size_t len, hl;
	char *data = slurp(pdf, &len), *hex;
	CMS_ContentInfo *cms = data ? pdf_cms(data, len, &hex, &hl) : NULL;
	CMS_SignerInfo *si = cms ? first_si(cms) : NULL;
	int loc = si ? CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1) : -1;
	if (loc < 0)
		return 3;
	ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, loc), 0);
	ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
	FILE *f = fopen(tok_out, "wb"), *g = fopen(sv_out, "wb");
	int bad = !f || !g ||
	          fwrite(ASN1_STRING_get0_data(t->value.sequence), 1,
	                 (size_t)ASN1_STRING_length(t->value.sequence), f) == 0 ||
	          fwrite(ASN1_STRING_get0_data(sv), 1, (size_t)ASN1_STRING_length(sv), g) == 0;
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	CMS_ContentInfo_free(cms);
	free(data);
	return bad ? 3 : 0;
}

/* sign-tool swap-tst TO.pdf FROM.pdf: TO's time-stamp token replaced by
 * FROM's (an unsigned attribute: TO's signature itself still holds). */
static int tst_swap(const char *to, const char *from)
{
	size_t la, lb, ha, hb;
	char *a = slurp(to, &la), *b = slurp(from, &lb), *hexa, *hexb;
	CMS_ContentInfo *ca = a ? pdf_cms(a, la, &hexa, &ha) : NULL;
	CMS_ContentInfo *cb = b ? pdf_cms(b, lb, &hexb, &hb) : NULL;
	if (!ca || !cb)
		return 3;
	CMS_SignerInfo *sa = first_si(ca), *sb = first_si(cb);
	int la_ = CMS_unsigned_get_attr_by_NID(sa, NID_id_smime_aa_timeStampToken, -1);
	int lb_ = CMS_unsigned_get_attr_by_NID(sb, NID_id_smime_aa_timeStampToken, -1);
	if (la_ < 0 || lb_ < 0)
		return 3;
	X509_ATTRIBUTE_free(CMS_unsigned_delete_attr(sa, la_));
	CMS_unsigned_add1_attr(sa, CMS_unsigned_get_attr(sb, lb_));
	unsigned char *der = NULL;
	int dn = i2d_CMS_ContentInfo(ca, &der);
	if (dn <= 0 || (size_t)(2 * dn) > ha) {
		fprintf(stderr, "swap-tst: the CMS (%d bytes) does not fit /Contents\n", dn);
		return 3;
	}
	memset(hexa, '0', ha);
	for (int i = 0; i < dn; i++) {
		hexa[2 * i] = "0123456789ABCDEF"[der[i] >> 4];
		hexa[2 * i + 1] = "0123456789ABCDEF"[der[i] & 15];
	}
	FILE *f = fopen(to, "wb");
	int bad = !f || fwrite(a, 1, la, f) != la;
	if (f && fclose(f) != 0)
		bad = 1;
	OPENSSL_free(der);
	CMS_ContentInfo_free(ca);
	CMS_ContentInfo_free(cb);
	free(a);
	free(b);
	return bad ? 3 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "tst") == 0)
		return tst_extract(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "swap-tst") == 0)
		return tst_swap(argv[2], argv[3]);
	if (argc >= 4 && strcmp(argv[1], "mkpdf") == 0) {
		if (mkpdf(argv[2], (int)strtol(argv[3], NULL, 10)) != 0)
			return 3;
		return argc > 4 && strcmp(argv[4], "--update") == 0 ? add_update(argv[2]) : 0;
	}
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return sign(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "forge") == 0 || strcmp(argv[1], "recms") == 0))
		return forge(argc - 1, argv + 1, strcmp(argv[1], "recms") == 0);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return rg_cmd_verify(argc - 1, argv + 1);
	fprintf(stderr, "usage: sign-tool mkpdf|sign|verify ...\n");
	return 2;
}
