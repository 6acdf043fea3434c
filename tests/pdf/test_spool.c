/*
 * test_spool.c: table cells drawn from the spool are what pango draws
 * (views/pdf_spool.h, issue 16).
 *
 * Texts laid out as the documents lay out table cells (the shipped fonts,
 * a width, up to 12 lines, ellipsized) are recorded in a spool, read back,
 * and drawn onto one PDF surface from the spool while the same layouts are
 * drawn onto another with pango_cairo_show_layout: the two files must be
 * byte-identical, each height and baseline the layout's, and only the
 * cells pango cannot draw with glyphs alone (characters missing from the
 * fonts, drawn as hex boxes) must be handed back to be laid out.  Then the
 * ways the drawing pass loses the spool: a key that is not the recorded
 * one, a row with another number of cells, the end of the rows.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "core/diag.h"
#include "views/pdf_doc.h"
#include "views/pdf_spool.h"

/* What table cells hold, and what is hard to draw right. */
static const char *const texts[] = {
	"",
	"Satisfied late",
	"findings.csv:715",
	"email AAMkAD000714-2b812a52298e",
	"reviewed at 2024-05-07\u00a006:18:59, 6\u00a0days 6\u00a0h 19\u00a0min after the deadline",
	"office affine fluff: ligatures ffi fl ff",
	"cafe\u0301 re\u0301sume\u0301 x\u0308\u0323 (combining marks)",
	"\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac and \u043a\u0438\u0440\u0438\u043b\u043b\u0438\u0446\u0430",
	"line one\nline two\twith a tab",
	"AVeryLongIdentifierWithoutAnySpaceThatMustBreakBetweenCharactersAcrossLines0123456789",
	"\u4e2d\u6587 \u65e5\u672c\u8a9e (not in the fonts: boxes)",
	"\u05e2\u05d1\u05e8\u05d9\u05ea right to left, not in the fonts",
};
#define N_TEXTS (sizeof texts / sizeof texts[0])
#define COLS 3

/* pango draws these with hex boxes, which the spool does not keep. */
static bool needs_boxes(const char *s)
{
	return strstr(s, "not in the fonts") != NULL;
}

static PangoLayout *cell_layout(PangoContext *pc, PangoFontDescription *font, double width,
                                const char *text)
{
	PangoLayout *l = pango_layout_new(pc);
	pango_layout_set_font_description(l, font);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_height(l, -12);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_text(l, text, -1);
	return l;
}

static cairo_t *pdf_surface(const char *path)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, 612, 792);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2024-05-02T10:00:00Z");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "2024-05-02T10:00:00Z");
	cairo_t *cr = cairo_create(s);
	cairo_surface_destroy(s);
	return cr;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)len + 1);
	cr_assert(b && fread(b, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return b;
}

/* The test's files, in a folder of its own under /tmp, whatever the
 * working directory. */
static char work[] = "/tmp/rg-spool-test-XXXXXX";

static const char *in_work(const char *name)
{
	static char path[2][96];
	static int next;
	if (work[sizeof work - 2] == 'X')
		cr_assert_not_null(mkdtemp(work), "cannot make %s", work);
	char *p = path[next++ % 2];
	snprintf(p, sizeof path[0], "%s/%s", work, name);
	return p;
}

static void remove_work(void)
{
	const char *names[] = {"spool-pango.pdf", "spool-kept.pdf"};
	for (size_t i = 0; i < 2; i++)
		unlink(in_work(names[i]));
	cr_assert_eq(rmdir(work), 0, "%s is left with files in it", work);
}

static PangoContext *context(void)
{
	struct rg_diags diags;
	rg_diags_init(&diags);
	PangoFontMap *fm = rg_pdoc_font_map(&diags);
	cr_assert(fm, "the shipped fonts cannot be read");
	rg_diags_free(&diags);
	PangoContext *pc = pango_font_map_create_context(fm);
	pango_cairo_context_set_resolution(pc, 72.0);
	return pc;
}

Test(spool, cells_drawn_from_the_spool_are_byte_identical_to_pango)
{
	PangoContext *pc = context();
	PangoFontDescription *sans = pango_font_description_from_string("Noto Sans 9");
	PangoFontDescription *mono = pango_font_description_from_string("Noto Sans Mono 7.2");
	/* Rows of three cells: every text in every column, so each meets
	 * each width and font. */
	size_t n_rows = N_TEXTS;
	PangoLayout *lay[N_TEXTS][COLS];
	uint64_t key[N_TEXTS][COLS];
	const double width[COLS] = {60, 150, 300};
	struct rg_pspool *sp = rg_pspool_new(in_work("spool-test.pdf"));
	cr_assert(sp, "no spool could be made in %s", work);
	for (size_t r = 0; r < n_rows; r++) {
		for (size_t c = 0; c < COLS; c++) {
			lay[r][c] = cell_layout(pc, c == 0 ? mono : sans, width[c],
			                        texts[(r + c) % N_TEXTS]);
			key[r][c] = 1000 * r + c;
		}
		rg_pspool_put(sp, COLS, key[r], lay[r]);
	}
	rg_pspool_rewind(sp);

	cairo_t *a = pdf_surface(in_work("spool-pango.pdf"));
	cairo_t *b = pdf_surface(in_work("spool-kept.pdf"));
	size_t kept = 0, boxes = 0;
	for (size_t r = 0; r < n_rows; r++) {
		cr_assert(rg_pspool_next(sp, COLS), "row %zu was not read back", r);
		for (size_t c = 0; c < COLS; c++) {
			const char *text = texts[(r + c) % N_TEXTS];
			double x = 20 + (c ? width[0] + 10 : 0) + (c == 2 ? width[1] + 10 : 0);
			double y = 20 + 55.0 * (double)r;
			cairo_move_to(a, x, y);
			pango_cairo_show_layout(a, lay[r][c]);
			double h, base;
			cairo_move_to(b, x, y);
			if (rg_pspool_cell(sp, c, key[r][c], &h, &base)) {
				int lw, lh;
				pango_layout_get_size(lay[r][c], &lw, &lh);
				cr_assert_eq(h, (double)lh / PANGO_SCALE, "height of \"%s\"", text);
				cr_assert_eq(base, (double)pango_layout_get_baseline(lay[r][c]) / PANGO_SCALE,
				             "baseline of \"%s\"", text);
				cr_assert(!needs_boxes(text), "\"%s\" is drawn with boxes by pango", text);
				rg_pspool_show(sp, c, b);
				kept++;
			} else {
				cr_assert(needs_boxes(text), "\"%s\" was not kept", text);
				pango_cairo_show_layout(b, lay[r][c]);
				boxes++;
			}
			/* The current point stays, as pango leaves it. */
			double ax, ay, bx, by;
			cairo_get_current_point(a, &ax, &ay);
			cairo_get_current_point(b, &bx, &by);
			cr_assert(ax == bx && ay == by);
		}
		if (r % 12 == 11) {
			cairo_show_page(a);
			cairo_show_page(b);
		}
	}
	cr_assert_eq(boxes, 2 * COLS);
	cr_assert_eq(kept, n_rows * COLS - boxes);
	cr_assert(!rg_pspool_next(sp, COLS), "a row past the last");
	cairo_surface_finish(cairo_get_target(a));
	cairo_surface_finish(cairo_get_target(b));
	cr_assert_eq(cairo_status(a), CAIRO_STATUS_SUCCESS);
	cr_assert_eq(cairo_status(b), CAIRO_STATUS_SUCCESS);
	cairo_destroy(a);
	cairo_destroy(b);
	size_t na, nb;
	char *pa = slurp(in_work("spool-pango.pdf"), &na);
	char *pb = slurp(in_work("spool-kept.pdf"), &nb);
	cr_assert(na == nb && memcmp(pa, pb, na) == 0,
	          "the PDF drawn from the spool differs from pango's (%zu and %zu bytes)", na, nb);
	free(pa);
	free(pb);
	rg_pspool_free(sp);
	remove_work();
	for (size_t r = 0; r < n_rows; r++)
		for (size_t c = 0; c < COLS; c++)
			g_object_unref(lay[r][c]);
	pango_font_description_free(sans);
	pango_font_description_free(mono);
	g_object_unref(pc);
}

Test(spool, another_key_or_row_shape_is_laid_out_again)
{
	PangoContext *pc = context();
	PangoFontDescription *sans = pango_font_description_from_string("Noto Sans 9");
	PangoLayout *l[2] = {cell_layout(pc, sans, 100, "Page"), cell_layout(pc, sans, 100, "12")};
	uint64_t key[2] = {7, 8};
	struct rg_pspool *sp = rg_pspool_new(in_work("spool-test.pdf"));
	cr_assert(sp);
	for (int r = 0; r < 3; r++)
		rg_pspool_put(sp, 2, key, l);
	rg_pspool_rewind(sp);
	double h, base;
	/* Row 1: the second cell's text changed (a page number the measuring
	 * pass did not know): that cell alone is laid out again. */
	cr_assert(rg_pspool_next(sp, 2));
	cr_assert(rg_pspool_cell(sp, 0, 7, &h, &base));
	cr_assert(!rg_pspool_cell(sp, 1, 9, &h, &base));
	cr_assert(!rg_pspool_cell(sp, 2, 7, &h, &base), "a cell past the row");
	/* Row 2 asked with three cells: the passes went apart, the spool is
	 * off for good. */
	cr_assert(!rg_pspool_next(sp, 3));
	cr_assert(!rg_pspool_next(sp, 2));
	cr_assert(!rg_pspool_cell(sp, 0, 7, &h, &base));
	rg_pspool_free(sp);
	remove_work();
	/* No spool at all: every call says lay it out. */
	cr_assert(!rg_pspool_next(NULL, 2));
	rg_pspool_put(NULL, 2, key, l);
	rg_pspool_rewind(NULL);
	rg_pspool_free(NULL);
	/* A spool beside a folder that does not exist cannot be made. */
	cr_assert_null(rg_pspool_new("/nonexistent-reportgen-dir/x.pdf"));
	g_object_unref(l[0]);
	g_object_unref(l[1]);
	pango_font_description_free(sans);
	g_object_unref(pc);
}
