/*
 * mkxml.c: writes the XML view's report.xml for the PDF tests' hand-built
 * results model (tests/pdf/fixture.h), so the signing tests sign the real
 * report.xml and check it still validates against templates/report.xsd.
 *
 *   sign-mkxml OUT.xml N_FINDINGS
 */
#include <stdio.h>
#include <stdlib.h>

#include "../pdf/fixture.h"
#include "results/report_xml.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sign-mkxml OUT.xml N_FINDINGS\n");
		return 2;
	}
	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_results *r = rg_fx_build(&arena, RG_FX_GAPS, (size_t)strtoul(argv[2], NULL, 10));
	/* Generated (and so signed, for XML-DSig) at the signing tests' fixed
	 * time, 2024-04-01T00:00:00Z, whatever the fixture's own date. */
	if (r)
		r->generated_ms = 1711929600000LL;
	FILE *f = fopen(argv[1], "wb");
	rg_status st = r && f ? rg_report_xml_write(r, f, argv[1], &diags) : RG_EENV;
	if (f && fclose(f) != 0)
		st = RG_EENV;
	rg_diags_print(stderr, &diags);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return (int)st;
}
