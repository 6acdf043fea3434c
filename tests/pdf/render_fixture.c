/*
 * render_fixture.c: renders a hand-built results model (fixture.h) to
 * report.pdf and summary.pdf, for looking at the pages and for measuring
 * time and memory on large fixtures.  Not a test by itself: test_pdf.c
 * asserts on what it writes.
 *
 *   pdf-render-fixture gaps|compliant|not-notified N_FINDINGS OUTDIR [TEMPLATE [letter|a4]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "fixture.h"
#include "views/pdf.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s gaps|compliant|not-notified|scripts N OUTDIR [TEMPLATE [letter|a4]]\n",
		        argv[0]);
		return 2;
	}
	enum rg_fx_kind kind = strcmp(argv[1], "gaps") == 0        ? RG_FX_GAPS
	                       : strcmp(argv[1], "compliant") == 0 ? RG_FX_COMPLIANT
	                       : strcmp(argv[1], "scripts") == 0   ? RG_FX_SCRIPTS
	                                                           : RG_FX_NOT_NOTIFIED;
	size_t n = (size_t)strtoul(argv[2], NULL, 10);
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_results *r = rg_fx_build(&arena, kind, n);
	struct rg_template *t = NULL;
	rg_status st = r ? rg_template_load(&t, argc > 4 ? argv[4] : "default",
	                                    argc > 5 ? argv[5] : NULL, &arena, &diags)
	                 : RG_EENV;
	char *rp = rg_asprintf("%s/report.pdf", argv[3]);
	char *sp = rg_asprintf("%s/summary.pdf", argv[3]);
	if (st == RG_OK)
		st = rg_pdf_write_report(r, t, NULL, rp, &diags);
	if (st == RG_OK)
		st = rg_pdf_write_summary(r, t, NULL, sp, &diags);
	rg_diags_print(stderr, &diags);
	free(rp);
	free(sp);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return (int)st;
}
