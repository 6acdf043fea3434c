/*
 * fuzz_verify.c: libFuzzer target for `reportgen verify` (sign/sign.h,
 * rg_verify_file) on arbitrary bytes.  A report handed to verify may come
 * from anyone, so the PDF object reader, the CMS parsing and the XML-DSig
 * path all face hostile input.
 *
 * The bytes are verified as a .pdf, a .xml and a .bin file against the demo
 * PKI's root (so chain building runs too), and as a .bin without anchors.
 * Properties: a .pdf that does not start with %PDF- is refused as such; a
 * .bin is judged as the name its content matches would be; without anchors
 * nothing is valid; "valid" means intact with an anchor reached; RG_EINPUT
 * comes with an error diagnostic.
 */
#include <string.h>

#include "fuzz_common.h"
#include "rg_config.h"
#include "sign/sign.h"

static const struct rg_trust *anchors(void)
{
	static struct rg_trust *t;
	if (!t) {
		const char *root = RG_SOURCE_ROOT "/samples/pki/root.pem";
		struct rg_diags diags;
		rg_diags_init(&diags);
		RG_FUZZ_CHECK(rg_trust_load(&t, &root, 1, &diags) == RG_OK);
		rg_diags_free(&diags);
	}
	return t;
}

static rg_status verify(struct rg_verify_result *r, const char *path, const struct rg_trust *t)
{
	struct rg_diags diags;
	rg_diags_init(&diags);
	rg_status st = rg_verify_file(r, path, t, &diags);
	RG_FUZZ_CHECK(st != RG_EINPUT || rg_diags_has_errors(&diags));
	rg_diags_free(&diags);
	if (st == RG_OK) {
		RG_FUZZ_CHECK(memchr(r->subject, '\0', sizeof r->subject) != NULL);
		RG_FUZZ_CHECK(memchr(r->reason, '\0', sizeof r->reason) != NULL);
		RG_FUZZ_CHECK(r->verdict != RG_VERIFY_VALID || (r->intact && r->anchor[0]));
		RG_FUZZ_CHECK((r->verdict == RG_VERIFY_VALID) == (r->reason[0] == '\0'));
	}
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 18)
		return 0;
	const struct rg_trust *t = anchors();
	struct rg_verify_result p, x, b, n;
	bool pdf_head = size >= 5 && memcmp(data, "%PDF-", 5) == 0;
	rg_status sp = verify(&p, rg_fuzz_tmp_write(".pdf", data, size), t);
	rg_status sx = verify(&x, rg_fuzz_tmp_write(".xml", data, size), t);
	const char *bin = rg_fuzz_tmp_write(".bin", data, size);
	rg_status sb = verify(&b, bin, t);
	rg_status sn = verify(&n, bin, NULL);
	RG_FUZZ_CHECK(sp == RG_OK && sx == RG_OK);
	if (!pdf_head)
		RG_FUZZ_CHECK(p.verdict == RG_VERIFY_INVALID && !p.intact);
	if (pdf_head)
		RG_FUZZ_CHECK(sb == RG_OK && b.verdict == p.verdict &&
		              strcmp(b.reason, p.reason) == 0);
	else if (sb == RG_OK)
		RG_FUZZ_CHECK(b.verdict == x.verdict && b.intact == x.intact);
	RG_FUZZ_CHECK(sn == sb);
	if (sn == RG_OK)
		RG_FUZZ_CHECK(n.verdict != RG_VERIFY_VALID && n.intact == b.intact);
	return 0;
}
