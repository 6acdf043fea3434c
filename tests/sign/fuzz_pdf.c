/*
 * fuzz_pdf.c: libFuzzer target for the PDF bytes reportgen reads from
 * strangers: rg_verify_pdf_bytes (what `reportgen verify` does with a PDF)
 * and the object reader under it (cross-reference chain, catalog, first
 * page).  Built with -Dfuzz=true (clang only); run it as
 *
 *   build/tests/sign/fuzz-pdf -max_total_time=60 CORPUS_DIR
 *
 * with signed PDFs from the tests as seeds.  A finding is a crash, a
 * sanitizer report or a hang; the verdicts themselves are not checked here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/pdfobj.h"
#include "sign/sign_internal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';

	struct rg_verify_result res;
	memset(&res, 0, sizeof res);
	rg_verify_pdf_bytes(&res, buf, size, NULL);

	struct rg_pdfdoc d;
	char err[256];
	if (rg_pdfdoc_open(&d, buf, size, err, sizeof err)) {
		struct rg_span cat, v, kid;
		if (rg_pdfdoc_object(&d, d.root, &cat) && rg_pdf_dict_get(cat, "/Pages", &v)) {
			struct rg_pdfref ref;
			const char *pos = NULL;
			if (rg_pdf_parse_ref(v, &ref) && rg_pdfdoc_object(&d, ref, &v) &&
			    rg_pdf_dict_get(v, "/Kids", &v))
				while (rg_pdf_array_next(v, &pos, &kid))
					;
		}
	}
	rg_pdfdoc_free(&d);
	free(buf);
	return 0;
}
