/*
 * fuzz_xml.c: libFuzzer target for `reportgen verify` on XML: the safe
 * parser, the search for ds:Signature, the certificates of ds:X509Data and
 * xmlsec's verification (rg_verify_xml).  Built with -Dfuzz=true; seed it
 * with signed report.xml files.  Findings are crashes, sanitizer reports and
 * hangs.
 */
#include <string.h>

#include "sign/sign_internal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rg_verify_result res;
	struct rg_diags diags;
	memset(&res, 0, sizeof res);
	rg_diags_init(&diags);
	rg_verify_xml(&res, "fuzz.xml", (const char *)data, size, NULL, &diags);
	rg_diags_free(&diags);
	return 0;
}
