/*
 * test_pdfobj.c: the minimal PDF object reader (reportgen/sign/pdfobj.c)
 * that signing stands on, and rg_signer_load's refusals as diagnostics.
 *
 * The reader reads files from strangers when verifying, so besides the
 * shapes cairo writes, the malformed ones must fail cleanly: truncated
 * dictionaries, unterminated strings, /Prev loops, cross-reference streams.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sign/pdfobj.h"
#include "sign/sign.h"

static struct rg_span S(const char *s) {
	return (struct rg_span){s, strlen(s)};
}

static bool
span_eq(struct rg_span s, const char *lit)
{
	return s.p && s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

Test(pdfobj, dictionary_entries_keep_their_bytes)
{
	struct rg_span d = S("<< /Type /Page /Parent 1 0 R /Annots [ 8 0 R 9 0 R ]\n"
	                     "/T (a (nested) \\) string) /H <41 42> /N << /A 1 >> /X -1.5 >>");
	const char *pos = NULL;
	struct rg_span k, v;
	const char *want[][2] = {{"/Type", "/Page"},
	                         {"/Parent", "1 0 R"},
	                         {"/Annots", "[ 8 0 R 9 0 R ]"},
	                         {"/T", "(a (nested) \\) string)"},
	                         {"/H", "<41 42>"},
	                         {"/N", "<< /A 1 >>"},
	                         {"/X", "-1.5"}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		cr_assert(rg_pdf_dict_next(d, &pos, &k, &v), "entry %zu", i);
		cr_assert(span_eq(k, want[i][0]), "key %zu: %.*s", i, (int)k.n, k.p);
		cr_assert(span_eq(v, want[i][1]), "value %zu: %.*s", i, (int)v.n, v.p);
	}
	cr_assert_not(rg_pdf_dict_next(d, &pos, &k, &v));

	struct rg_pdfref r;
	cr_assert(rg_pdf_dict_get(d, "/Parent", &v) && rg_pdf_parse_ref(v, &r));
	cr_assert_eq(r.num, 1);
	cr_assert_eq(r.gen, 0);
	cr_assert(rg_pdf_dict_get(d, "/Annots", &v));
	pos = NULL;
	struct rg_span e;
	cr_assert(rg_pdf_array_next(v, &pos, &e) && span_eq(e, "8 0 R"));
	cr_assert(rg_pdf_array_next(v, &pos, &e) && span_eq(e, "9 0 R"));
	cr_assert_not(rg_pdf_array_next(v, &pos, &e));
	cr_assert_not(rg_pdf_dict_get(d, "/Missing", &v));
}

Test(pdfobj, malformed_objects_fail_without_reading_past_the_end)
{
	const char *bad[] = {
	    "<< /A 1",
	    "<< /A (unterminated >>",
	    "[ 1 2",
	    "<< /A <41 >>",
	    "<< /A ] >>",
	    ")",
	    "<< /A [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "[[[[[[[[[[[[[[[[[[[[[[[[ ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]] >>"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *end = bad[i] + strlen(bad[i]);
		cr_assert_null(rg_pdf_skip_object(bad[i], end), "accepted: %s", bad[i]);
	}
	struct rg_pdfref r;
	cr_assert_not(rg_pdf_parse_ref(S("1 0"), &r));
	cr_assert_not(rg_pdf_parse_ref(S("1 0 R 2"), &r));
	cr_assert_not(rg_pdf_parse_ref(S("99999999999 0 R"), &r));
	size_t u;
	cr_assert_not(rg_pdf_parse_uint(S("12a"), &u));
	cr_assert_not(rg_pdf_parse_uint(S("99999999999999999999999"), &u));
	cr_assert(rg_pdf_parse_uint(S(" 42 "), &u) && u == 42);
}

/* A two-revision file: object 1 is replaced in the update, 2 is not. */
static char tworev[2048];
#define ADD(p, ...) snprintf((p), sizeof tworev - (size_t)((p)-tworev), __VA_ARGS__)
static size_t twolen;

static void build_tworev(void)
{
	char *p = tworev;
	p += ADD(p, "%%PDF-1.5\n");
	size_t o1 = (size_t)(p - tworev);
	p += ADD(p, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	size_t o2 = (size_t)(p - tworev);
	p += ADD(p, "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	size_t x1 = (size_t)(p - tworev);
	p += ADD(p,
	         "xref\n0 3\n0000000000 65535 f \n%010zu 00000 n \n%010zu 00000 n \n"
	         "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
	         o1, o2, x1);
	size_t o1b = (size_t)(p - tworev);
	p += ADD(p, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (en) >>\nendobj\n");
	size_t x2 = (size_t)(p - tworev);
	p += ADD(p,
	         "xref\n1 1\n%010zu 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R "
	         "/ID [<00ff> <00ff>] /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
	         o1b, x1, x2);
	twolen = (size_t)(p - tworev);
}

Test(pdfobj, newest_revision_wins, .init = build_tworev)
{
	struct rg_pdfdoc d;
	char err[256];
	cr_assert(rg_pdfdoc_open(&d, tworev, twolen, err, sizeof err), "%s", err);
	struct rg_span cat, v;
	cr_assert(rg_pdfdoc_object(&d, d.root, &cat));
	cr_assert(rg_pdf_dict_get(cat, "/Lang", &v) && span_eq(v, "(en)"));
	cr_assert(span_eq(d.id0, "<00ff>"));
	cr_assert_not(d.encrypted);
	struct rg_pdfref pages = {2, 0}, wrong_gen = {2, 1}, absent = {7, 0};
	cr_assert(rg_pdfdoc_object(&d, pages, &v));
	cr_assert_not(rg_pdfdoc_object(&d, wrong_gen, &v));
	cr_assert_not(rg_pdfdoc_object(&d, absent, &v));
	rg_pdfdoc_free(&d);
}

Test(pdfobj, prev_loops_and_xref_streams_are_refused, .init = build_tworev)
{
	struct rg_pdfdoc d;
	char err[256], buf[2048];
	/* Point the update's /Prev at itself. */
	memcpy(buf, tworev, twolen);
	char *prev = strstr(buf, "/Prev ") + 6;
	char *sx = strstr(prev, "startxref\n") + 10;
	size_t self = strtoul(sx, NULL, 10);
	char num[16];
	int n = snprintf(num, sizeof num, "%zu", self);
	cr_assert_eq(strspn(prev, "0123456789"), (size_t)n, "offsets of equal width");
	memcpy(prev, num, (size_t)n);
	cr_assert_not(rg_pdfdoc_open(&d, buf, twolen, err, sizeof err));
	cr_assert(strstr(err, "loop"), "%s", err);
	rg_pdfdoc_free(&d);

	const char *xs = "%PDF-1.5\n1 0 obj\n<< /Type /XRef >>\nstream\nendstream\nendobj\n"
	                 "startxref\n9\n%%EOF\n";
	cr_assert_not(rg_pdfdoc_open(&d, xs, strlen(xs), err, sizeof err));
	cr_assert(strstr(err, "cross-reference stream"), "%s", err);
	rg_pdfdoc_free(&d);

	cr_assert_not(rg_pdfdoc_open(&d, tworev, 40, err, sizeof err));
	rg_pdfdoc_free(&d);
	cr_assert_not(rg_pdfdoc_open(&d, "GIF89a", 6, err, sizeof err));
	rg_pdfdoc_free(&d);
}

static const struct rg_diag *find_code(const struct rg_diags *d, const char *code)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].code, code) == 0)
			return &d->v[i];
	return NULL;
}

#define PKI RG_TEST_SOURCE_ROOT "/samples/pki/"
#define TPKI RG_TEST_SOURCE_ROOT "/tests/sign/pki/"

Test(signer, refusals_are_diagnostics_with_codes)
{
	struct {
		const char *key, *cert, *code;
		rg_status st;
	} cases[] = {
	    {TPKI "expired.key", TPKI "expired.pem", "sign.cert-expired", RG_EENV},
	    {TPKI "future.key", TPKI "future.pem", "sign.cert-not-yet-valid", RG_EENV},
	    {TPKI "nods.key", TPKI "nods.pem", "sign.cert-usage", RG_EENV},
	    {TPKI "noku.key", TPKI "noku.pem", "sign.cert-usage", RG_EENV},
	    {TPKI "ca-signer.key", TPKI "ca-signer.pem", "sign.cert-ca", RG_EENV},
	    {TPKI "serverauth.key", TPKI "serverauth.pem", "sign.cert-eku", RG_EENV},
	    {TPKI "codesign.key", TPKI "codesign.pem", "sign.cert-eku", RG_EENV},
	    {TPKI "ec-signer.key", PKI "signer.pem", "sign.key-mismatch", RG_EENV},
	    {TPKI "signer-enc.key", PKI "signer.pem", "sign.key-passphrase", RG_EENV},
	    {PKI "nope.key", PKI "signer.pem", "sign.key-read", RG_EENV},
	    {PKI "signer.key", PKI "nope.pem", "sign.cert-read", RG_EENV},
	    {PKI "signer.key", NULL, "sign.usage", RG_EINPUT},
	};
	unsetenv("REPORTGEN_KEY_PASSPHRASE");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rg_signer_options o = {.key_path = cases[i].key,
		                              .cert_path = cases[i].cert,
		                              .signing_time_ms = 1711929600000};
		struct rg_diags d;
		struct rg_signer *s = (struct rg_signer *)&o; /* must be reset to NULL */
		rg_diags_init(&d);
		cr_assert_eq(rg_signer_load(&s, &o, &d), cases[i].st, "case %s", cases[i].code);
		cr_assert_null(s);
		cr_assert_not_null(find_code(&d, cases[i].code), "no %s", cases[i].code);
		rg_diags_free(&d);
	}
}

Test(signer, the_demo_signer_loads_and_names_itself)
{
	struct rg_signer_options o = {.key_path = PKI "signer.key",
	                              .cert_path = PKI "signer.pem",
	                              .chain_path = PKI "chain.pem",
	                              .signing_time_ms = 1711929600000};
	struct rg_diags d;
	struct rg_signer *s = NULL;
	rg_diags_init(&d);
	cr_assert_eq(rg_signer_load(&s, &o, &d), RG_OK);
	const struct rg_signer_identity *i = rg_signer_identity(s);
	cr_assert(strstr(i->subject, "CN=reportgen DEMO Report Signer"), "%s", i->subject);
	cr_assert(strstr(i->issuer, "Intermediate CA"), "%s", i->issuer);
	cr_assert_str_eq(i->not_after, "2037-01-01T00:00:00Z");
	cr_assert_gt(strlen(i->serial), 0);
	cr_assert_eq(d.n, 0);
	rg_signer_free(s);
	rg_signer_free(NULL);
	rg_diags_free(&d);
}

/* Trust anchors: what --ca and REPORTGEN_CA may name, and the usage errors
 * (exit 2) and environment errors (exit 3) for what they may not. */
Test(trust, anchors_load_or_are_refused_with_codes)
{
	struct {
		const char *path, *code;
		rg_status st;
	} cases[] = {
	    {PKI "root.pem", NULL, RG_OK},
	    {PKI "chain.pem", NULL, RG_OK},
	    {PKI "signer.key", "verify.ca-empty", RG_EINPUT},
	    {RG_TEST_SOURCE_ROOT "/tests/sign/pki/make-test-certs.sh", "verify.ca-empty", RG_EINPUT},
	    {PKI "no-such.pem", "verify.ca-read", RG_EENV},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rg_trust *t = (struct rg_trust *)cases; /* must be reset */
		struct rg_diags d;
		rg_diags_init(&d);
		cr_assert_eq(rg_trust_load(&t, &cases[i].path, 1, &d), cases[i].st, "%s",
		             cases[i].path);
		if (cases[i].code) {
			cr_assert_null(t);
			cr_assert_not_null(find_code(&d, cases[i].code), "%s: no %s", cases[i].path,
			                   cases[i].code);
		} else {
			cr_assert_not_null(t);
			cr_assert_eq(d.n, 0);
		}
		rg_trust_free(t);
		rg_diags_free(&d);
	}
	/* Several paths: all are read, and a bad one fails the whole set. */
	const char *two[] = {PKI "root.pem", PKI "signer.key"};
	struct rg_trust *t = NULL;
	struct rg_diags d;
	rg_diags_init(&d);
	cr_assert_eq(rg_trust_load(&t, two, 2, &d), RG_EINPUT);
	cr_assert_null(t);
	rg_diags_free(&d);
}
