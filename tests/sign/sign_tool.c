/*
 * sign_tool.c: test-only driver for the sign stage (tests/sign/).
 *
 *   sign-tool mkpdf OUT.pdf PAGES [--update]
 *       a cairo PDF of PAGES pages with text and a link annotation on page 1;
 *       --update appends an incremental update like the PDF view's (the
 *       catalog rewritten with /MarkInfo and /Lang), so signing meets a /Prev chain
 *   sign-tool sign FILE --key K --cert C [--chain P] [--passphrase-file F] [--time EPOCH]
 *       signs FILE in place (PDF or XML by extension); prints diagnostics
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

#include "cli/commands.h"
#include "core/str.h"
#include "sign/pdfobj.h"
#include "sign/sign.h"

static int mkpdf(const char *out, int pages)
{
	cairo_surface_t *s = cairo_pdf_surface_create(out, 612, 792);
	cairo_t *cr = cairo_create(s);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "reportgen signing test");
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
		printf("signer: %s\n", rg_signer_info(s)->subject);
	}
	rg_diags_print(stderr, &diags);
	rg_diags_free(&diags);
	rg_signer_free(s);
	return (int)st;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "mkpdf") == 0) {
		if (mkpdf(argv[2], (int)strtol(argv[3], NULL, 10)) != 0)
			return 3;
		return argc > 4 && strcmp(argv[4], "--update") == 0 ? add_update(argv[2]) : 0;
	}
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return sign(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return rg_cmd_verify(argc - 1, argv + 1);
	fprintf(stderr, "usage: sign-tool mkpdf|sign|verify ...\n");
	return 2;
}
