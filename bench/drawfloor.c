/*
 * drawfloor.c: the drawing floor of the benchmark.
 *
 *   rg-drawfloor --rows N -o out.pdf [--fonts DIR]
 *
 * Lays out and draws the findings table of the full report (one row per
 * finding: email id, sent_at, reviewer, status, evidence file:line, reason)
 * with the project's fonts (Noto Sans, Noto Sans Mono from fonts/, loaded
 * through a private fontconfig configuration as the PDF view does) through
 * pango and cairo onto a Letter PDF surface, and does nothing else: no ZIP,
 * no CSV, no judging, no tags, no signing.  Its time is what text layout
 * and PDF output alone cost, so `reportgen render` is measured against it
 * (issue 6: render within 1.5x of this floor).
 *
 * Invariants: it reads no input; the row texts are synthesised from a
 * private generator with the same shapes as rg-genbundle's findings (ids,
 * RFC 3339 times, about 3% late or unreviewed), so the output depends only
 * on N.  One PangoLayout per column is reused for every cell and each page
 * is emitted with cairo_show_page as soon as it is full, so memory does
 * not grow with N beyond what cairo keeps per page.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <getopt.h>
#include <inttypes.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/str.h"
#include "core/timefmt.h"

#define PAGE_W 612.0 /* US Letter, points */
#define PAGE_H 792.0
#define MARGIN 54.0
#define PAD 3.0
#define EDT (-240)

static uint64_t rng_state = 42;

static uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return next_u64() % n;
}

enum { C_ID, C_SENT, C_REVIEWER, C_STATUS, C_EVIDENCE, C_REASON, NCOL };

static const char *const headers[NCOL] = {"Email id", "Sent at", "Reviewer",
                                          "Status", "Evidence", "Reason"};
static const double widths[NCOL] = {111, 106, 50, 56, 82, 99}; /* sums to 504 */
static const bool mono[NCOL] = {true, false, false, false, true, false};

static const char *const reviewers[] = {"Pat Doe", "R. Okafor", "J. Nguyen", "M. Rossi",
                                        "S. Patel", "T. Weber"};

struct row {
	char cell[NCOL][160];
};

/* The texts of finding i (1-based), shaped like the report's rows. */
static void make_row(struct row *r, uint64_t i)
{
	const int64_t march = rg_days_from_civil(2024, 3, 1) * 86400;
	const int64_t april3 = rg_days_from_civil(2024, 4, 3) * 86400 + 13 * 3600;
	const int64_t deadline = rg_days_from_civil(2024, 5, 1) * 86400 + 3 * 3600 + 59 * 60 + 59;
	char t[RG_TIME_BUFSZ], d[RG_DURATION_BUFSZ];
	snprintf(r->cell[C_ID], sizeof r->cell[C_ID], "AAMkAD%06" PRIu64 "-%012" PRIx64, i,
	         next_u64() >> 16);
	struct rg_time sent = {.ms = (march + (int64_t)below(31 * 86400)) * 1000, .offset = EDT};
	snprintf(r->cell[C_SENT], sizeof r->cell[C_SENT], "%s", rg_time_format(t, sent));
	snprintf(r->cell[C_EVIDENCE], sizeof r->cell[C_EVIDENCE], "findings.csv:%" PRIu64, i + 1);
	unsigned k = (unsigned)below(1000);
	int64_t reviewed = april3 + (int64_t)below(26 * 86400);
	if (k < 10) {
		r->cell[C_REVIEWER][0] = '\0';
		snprintf(r->cell[C_STATUS], sizeof r->cell[C_STATUS], "not satisfied");
		snprintf(r->cell[C_REASON], sizeof r->cell[C_REASON],
		         "email %.40s: not reviewed (reviewed_at is empty)", r->cell[C_ID]);
		return;
	}
	snprintf(r->cell[C_REVIEWER], sizeof r->cell[C_REVIEWER], "%s", reviewers[below(6)]);
	if (k < 30) {
		reviewed = deadline + 3600 + (int64_t)below(9 * 86400);
		struct rg_time rt = {.ms = reviewed * 1000, .offset = EDT};
		snprintf(r->cell[C_STATUS], sizeof r->cell[C_STATUS], "satisfied late");
		snprintf(r->cell[C_REASON], sizeof r->cell[C_REASON], "reviewed %s, %s after the deadline",
		         rg_time_format(t, rt), rg_duration_format(d, (reviewed - deadline) * 1000));
		return;
	}
	struct rg_time rt = {.ms = reviewed * 1000, .offset = EDT};
	snprintf(r->cell[C_STATUS], sizeof r->cell[C_STATUS], "satisfied");
	snprintf(r->cell[C_REASON], sizeof r->cell[C_REASON], "reviewed %s", rg_time_format(t, rt));
}

struct table {
	cairo_t *cr;
	PangoLayout *col[NCOL];
	PangoLayout *head[NCOL];
	PangoLayout *title, *footer;
	int page;
	double y;
};

/* Height of a row whose layouts already hold their texts. */
static double row_height(PangoLayout *const *ls)
{
	int h = 0;
	for (int c = 0; c < NCOL; c++) {
		int lw, lh;
		pango_layout_get_size(ls[c], &lw, &lh);
		if (lh > h)
			h = lh;
	}
	return (double)h / PANGO_SCALE + 2 * PAD;
}

static void draw_cells(struct table *t, PangoLayout *const *ls, double h, bool shade)
{
	cairo_t *cr = t->cr;
	if (shade) {
		cairo_set_source_rgb(cr, 0.93, 0.94, 0.96);
		cairo_rectangle(cr, MARGIN, t->y, PAGE_W - 2 * MARGIN, h);
		cairo_fill(cr);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	double x = MARGIN;
	for (int c = 0; c < NCOL; c++) {
		cairo_move_to(cr, x + PAD, t->y + PAD);
		pango_cairo_show_layout(cr, ls[c]);
		x += widths[c];
	}
	cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, MARGIN, t->y + h);
	cairo_line_to(cr, PAGE_W - MARGIN, t->y + h);
	cairo_stroke(cr);
	t->y += h;
}

static void end_page(struct table *t)
{
	char buf[32];
	snprintf(buf, sizeof buf, "Page %d", t->page);
	pango_layout_set_text(t->footer, buf, -1);
	cairo_set_source_rgb(t->cr, 0.3, 0.3, 0.3);
	cairo_move_to(t->cr, MARGIN, PAGE_H - MARGIN + 12);
	pango_cairo_show_layout(t->cr, t->footer);
	cairo_show_page(t->cr);
}

static void begin_page(struct table *t)
{
	t->page++;
	t->y = MARGIN;
	if (t->page == 1) {
		cairo_set_source_rgb(t->cr, 0, 0, 0);
		cairo_move_to(t->cr, MARGIN, t->y);
		pango_cairo_show_layout(t->cr, t->title);
		int w, h;
		pango_layout_get_size(t->title, &w, &h);
		t->y += (double)h / PANGO_SCALE + 8;
	}
	/* The header repeats on every page, as the report's tables do. */
	draw_cells(t, t->head, row_height(t->head), true);
}

static PangoLayout *new_layout(PangoContext *ctx, const char *family, double size, bool bold,
                               double width)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE));
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)((width - 2 * PAD) * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	return l;
}

static void usage(FILE *f)
{
	fputs("usage: rg-drawfloor --rows N -o OUT.pdf [--fonts DIR]\n"
	      "Draws an N-row findings table with pango and cairo and nothing else.\n",
	      f);
}

int main(int argc, char **argv)
{
	uint64_t rows = 1000;
	const char *out = NULL;
	char *fonts = NULL;
	static const struct option opts[] = {{"rows", required_argument, NULL, 'r'},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"fonts", required_argument, NULL, 'F'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'r':
			errno = 0;
			rows = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-') {
				fprintf(stderr, "rg-drawfloor: not a count: %s\n", optarg);
				return 2;
			}
			break;
		case 'o': out = optarg; break;
		case 'F': free(fonts); fonts = strdup(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!out || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!fonts)
		fonts = rg_data_path("fonts", "");
	char *probe = rg_asprintf("%s/NotoSans-Regular.ttf", fonts);
	if (!probe || access(probe, R_OK) != 0) {
		fprintf(stderr, "rg-drawfloor: no NotoSans-Regular.ttf in %s (use --fonts DIR)\n", fonts);
		return 3;
	}
	free(probe);

	/* A private configuration: only the project's fonts, whatever the
	 * system has, so the floor and the report shape the same glyphs. */
	FcConfig *fc = FcConfigCreate();
	if (!fc || !FcConfigAppFontAddDir(fc, (const FcChar8 *)fonts)) {
		fprintf(stderr, "rg-drawfloor: fontconfig cannot load %s\n", fonts);
		return 3;
	}
	PangoFontMap *fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), fc);

	cairo_surface_t *surf = cairo_pdf_surface_create(out, PAGE_W, PAGE_H);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "rg-drawfloor: %s: %s\n", out,
		        cairo_status_to_string(cairo_surface_status(surf)));
		return 3;
	}
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, "Findings table (drawing floor)");
	cairo_t *cr = cairo_create(surf);
	PangoContext *ctx = pango_font_map_create_context(fm);
	/* PDF user space is in points; pango's default of 96 dpi would scale
	 * every size by 4/3. */
	pango_cairo_context_set_resolution(ctx, 72.0);
	pango_cairo_update_context(cr, ctx);

	struct table t = {.cr = cr};
	for (int k = 0; k < NCOL; k++) {
		const char *fam = mono[k] ? "Noto Sans Mono" : "Noto Sans";
		t.col[k] = new_layout(ctx, fam, 7.0, false, widths[k]);
		t.head[k] = new_layout(ctx, "Noto Sans", 7.5, true, widths[k]);
		pango_layout_set_text(t.head[k], headers[k], -1);
	}
	t.title = new_layout(ctx, "Noto Sans", 14.0, true, 0);
	pango_layout_set_text(t.title, "RA-1 Analyse the exfiltrated correspondence: findings", -1);
	t.footer = new_layout(ctx, "Noto Sans", 8.0, false, 0);

	begin_page(&t);
	struct row r;
	for (uint64_t i = 1; i <= rows; i++) {
		make_row(&r, i);
		for (int k = 0; k < NCOL; k++)
			pango_layout_set_text(t.col[k], r.cell[k], -1);
		double h = row_height(t.col);
		if (t.y + h > PAGE_H - MARGIN) {
			end_page(&t);
			begin_page(&t);
		}
		draw_cells(&t, t.col, h, i % 2 == 0);
	}
	end_page(&t);

	for (int k = 0; k < NCOL; k++) {
		g_object_unref(t.col[k]);
		g_object_unref(t.head[k]);
	}
	g_object_unref(t.title);
	g_object_unref(t.footer);
	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_status_t st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	g_object_unref(fm);
	FcConfigDestroy(fc);
	free(fonts);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "rg-drawfloor: %s: %s\n", out, cairo_status_to_string(st));
		return 3;
	}
	fprintf(stderr, "rg-drawfloor: %s: %" PRIu64 " rows on %d pages\n", out, rows, t.page);
	return 0;
}
