/*
 * fuzz_verify.c: libFuzzer target for `reportgen verify` (sign/sign.h,
 * rg_verify_file) on arbitrary bytes.  A report handed to verify may come
 * from anyone, so the PDF object reader, the CMS parsing and the XML-DSig
 * path all face hostile input.
 *
 * The bytes are verified as a .pdf and as a .xml file (verify decides by
 * content, but the name must not matter) against the demo PKI's root, so
 * chain building runs too.  Property: both give the same verdict; a
 * signature that is "valid" was found; RG_EINPUT means neither PDF nor XML.
 */
#include <string.h>

#include "fuzz_common.h"
#include "rg_config.h"
#include "sign/sign.h"

static rg_status verify(struct rg_verify_result *r, const char *path)
{
	struct rg_diags diags;
	rg_diags_init(&diags);
	memset(r, 0, sizeof *r);
	rg_status st = rg_verify_file(r, path, RG_SOURCE_ROOT "/samples/pki/root.pem", &diags);
	RG_FUZZ_CHECK(st != RG_EINPUT || rg_diags_has_errors(&diags));
	rg_diags_free(&diags);
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 18)
		return 0;
	struct rg_verify_result a, b;
	rg_status sa = verify(&a, rg_fuzz_tmp_write(".pdf", data, size));
	rg_status sb = verify(&b, rg_fuzz_tmp_write(".xml", data, size));
	RG_FUZZ_CHECK(sa == sb);
	if (sa == RG_OK) {
		RG_FUZZ_CHECK(a.signed_ == b.signed_ && a.valid == b.valid);
		RG_FUZZ_CHECK(!a.valid || a.signed_);
		RG_FUZZ_CHECK(memchr(a.subject, '\0', sizeof a.subject) != NULL);
		RG_FUZZ_CHECK(memchr(a.detail, '\0', sizeof a.detail) != NULL);
	}
	return 0;
}
