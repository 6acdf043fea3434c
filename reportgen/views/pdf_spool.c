/*
 * pdf_spool.c: table rows laid out once (pdf_spool.h).
 *
 * A row is one record: its length as a varint, then
 *   n cells, each: key (8 bytes), drawable (0/1), height, baseline,
 *   runs, each: font, backward, x, y, text length, the text,
 *               glyphs, each: glyph, width, x offset, y offset,
 *               clusters, each: bytes, glyphs
 * every count and number a varint (LEB128; signed ones zigzagged), so an
 * ASCII character costs about six bytes.  Positions and sizes are pango
 * units, as pango gave them: the drawing converts them to points with the
 * same arithmetic as pango's cairo renderer, so every double is the same.
 *
 * Invariants: a run names a font of the spool's table, whose scaled font
 * was usable when it was recorded; a drawable cell's glyphs are real
 * glyphs, PANGO_GLYPH_EMPTY, or the unknown space pango skips.
 */
#include "views/pdf_spool.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "core/arena.h"
#include "core/fsout.h"
#include "core/str.h"
#include "views/pdf_doc.h"

#define SPOOL_FONTS 64          /* fonts a spool names; a document has a handful */
#define SPOOL_ROW_MAX (64u << 20) /* a row record larger than this is not kept */

struct sp_cell {
	uint64_t key;
	bool drawable;
	int height, baseline;  /* pango units */
	size_t run0, n_runs;
};

struct sp_run {
	unsigned font;
	bool backward;
	int x, y;
	const char *text;      /* into the row read */
	size_t text_len;
	size_t glyph0, n_glyphs;
	size_t cluster0, n_clusters;
};

struct sp_glyph {
	uint32_t glyph;
	int width, x_offset, y_offset;
};

struct rg_pspool {
	FILE *f;
	bool off;
	PangoFont *font[SPOOL_FONTS]; /* referenced */
	size_t n_fonts;
	PangoRenderer *recorder;

	/* Writing: the row and the cell being recorded. */
	struct rg_buf row, cell;
	size_t cell_runs;
	bool cell_drawable;
	cairo_text_cluster_t *clusters;
	size_t cap_clusters;

	/* Reading: the row read last, decoded. */
	unsigned char *in;
	size_t cap_in;
	struct sp_cell cells[RG_PTABLE_MAX_COLS];
	size_t n_cells;
	struct sp_run *runs;
	size_t n_runs, cap_runs;
	struct sp_glyph *glyphs;
	size_t n_glyphs, cap_glyphs;
	cairo_text_cluster_t *in_clusters;
	size_t n_in_clusters, cap_in_clusters;
	cairo_glyph_t *out; /* room for the longest run's glyphs */
	size_t cap_out;
};

/* ------------------------------------------------------------------ */
/* Varints */

static size_t varint(unsigned char out[10], uint64_t v)
{
	size_t n = 0;
	do {
		out[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			out[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

static void put_u(struct rg_pspool *sp, struct rg_buf *b, uint64_t v)
{
	unsigned char tmp[10];
	if (rg_buf_append(b, tmp, varint(tmp, v)) != RG_BUF_OK)
		sp->off = true;
}

static void put_s(struct rg_pspool *sp, struct rg_buf *b, int64_t v)
{
	put_u(sp, b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

struct reader {
	const unsigned char *p, *end;
	bool bad;
};

static uint64_t get_u(struct reader *r)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->p == r->end) {
			r->bad = true;
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static int64_t get_s(struct reader *r)
{
	uint64_t u = get_u(r);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static int get_int(struct reader *r)
{
	int64_t v = get_s(r);
	if (v < INT32_MIN || v > INT32_MAX)
		r->bad = true;
	return (int)v;
}

/* ------------------------------------------------------------------ */
/* The recorder: a PangoRenderer that takes the runs down */

typedef struct {
	PangoRenderer parent;
	struct rg_pspool *sp;
} RgRecorder;

typedef struct {
	PangoRendererClass parent_class;
} RgRecorderClass;

GType rg_recorder_get_type(void); /* made by G_DEFINE_TYPE, used only here */
G_DEFINE_TYPE(RgRecorder, rg_recorder, PANGO_TYPE_RENDERER)

static int font_index(struct rg_pspool *sp, PangoFont *font)
{
	for (size_t i = 0; i < sp->n_fonts; i++)
		if (sp->font[i] == font)
			return (int)i;
	cairo_scaled_font_t *sf = PANGO_IS_CAIRO_FONT(font)
	                              ? pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font))
	                              : NULL;
	/* pango would draw hex boxes for a font cairo cannot use. */
	if (!sf || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS ||
	    sp->n_fonts == SPOOL_FONTS)
		return -1;
	sp->font[sp->n_fonts] = g_object_ref(font);
	return (int)sp->n_fonts++;
}

/* What pango_cairo_renderer_draw_glyph_item draws, taken down. */
static void record_glyph_item(PangoRenderer *renderer, const char *text,
                              PangoGlyphItem *glyph_item, int x, int y)
{
	struct rg_pspool *sp = ((RgRecorder *)renderer)->sp;
	PangoGlyphString *glyphs = glyph_item->glyphs;
	PangoItem *item = glyph_item->item;
	bool backward = (item->analysis.level & 1) != 0;
	int font = font_index(sp, item->analysis.font);
	/* A colour or an alpha from the layout's attributes, which pango's
	 * renderer would set: not kept (no layout has them today). */
	if (font < 0 || pango_renderer_get_color(renderer, PANGO_RENDER_PART_FOREGROUND) ||
	    pango_renderer_get_alpha(renderer, PANGO_RENDER_PART_FOREGROUND)) {
		sp->cell_drawable = false;
		return;
	}
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyph g = glyphs->glyphs[i].glyph;
		/* A hex box: pango draws it with paths of its own. */
		if (g != PANGO_GLYPH_EMPTY && (g & PANGO_GLYPH_UNKNOWN_FLAG) &&
		    g != (0x20 | PANGO_GLYPH_UNKNOWN_FLAG))
			sp->cell_drawable = false;
	}
	/* The clusters, counted as pango's cairo renderer counts them. */
	size_t n_clusters = 0;
	cairo_text_cluster_t *cl = rg_array_grow(sp->clusters, &sp->cap_clusters,
	                                         (size_t)glyphs->num_glyphs + 1, sizeof *cl);
	if (!cl) {
		sp->off = true;
		return;
	}
	sp->clusters = cl;
	PangoGlyphItemIter iter;
	if (pango_glyph_item_iter_init_start(&iter, glyph_item, text)) {
		do {
			int num_bytes = iter.end_index - iter.start_index;
			int num_glyphs = backward ? iter.start_glyph - iter.end_glyph
			                          : iter.end_glyph - iter.start_glyph;
			for (int i = MIN(iter.start_glyph, iter.end_glyph + 1);
			     i < MAX(iter.start_glyph + 1, iter.end_glyph); i++) {
				PangoGlyph g = glyphs->glyphs[i].glyph;
				if (g == PANGO_GLYPH_EMPTY || (g & PANGO_GLYPH_UNKNOWN_FLAG))
					num_glyphs--;
			}
			assert(n_clusters <= (size_t)glyphs->num_glyphs);
			cl[n_clusters].num_bytes = num_bytes;
			cl[n_clusters].num_glyphs = num_glyphs;
			n_clusters++;
		} while (pango_glyph_item_iter_next_cluster(&iter));
	}

	struct rg_buf *b = &sp->cell;
	put_u(sp, b, (unsigned)font);
	put_u(sp, b, backward);
	put_s(sp, b, x);
	put_s(sp, b, y);
	put_u(sp, b, (unsigned)item->length);
	if (rg_buf_append(b, text + item->offset, (size_t)item->length) != RG_BUF_OK)
		sp->off = true;
	put_u(sp, b, (unsigned)glyphs->num_glyphs);
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		const PangoGlyphInfo *gi = &glyphs->glyphs[i];
		put_u(sp, b, gi->glyph);
		put_s(sp, b, gi->geometry.width);
		put_s(sp, b, gi->geometry.x_offset);
		put_s(sp, b, gi->geometry.y_offset);
	}
	put_u(sp, b, n_clusters);
	for (size_t i = 0; i < n_clusters; i++) {
		put_s(sp, b, cl[i].num_bytes);
		put_s(sp, b, cl[i].num_glyphs);
	}
	sp->cell_runs++;
}

/* Whatever else pango would draw (an underline, a shape, glyphs without
 * their text) is not kept: the cell is laid out again to be drawn. */
static void record_glyphs(PangoRenderer *r, PangoFont *f, PangoGlyphString *g, int x, int y)
{
	(void)f, (void)g, (void)x, (void)y;
	((RgRecorder *)r)->sp->cell_drawable = false;
}

static void record_rectangle(PangoRenderer *r, PangoRenderPart part, int x, int y, int w, int h)
{
	(void)part, (void)x, (void)y, (void)w, (void)h;
	((RgRecorder *)r)->sp->cell_drawable = false;
}

static void record_error_underline(PangoRenderer *r, int x, int y, int w, int h)
{
	(void)x, (void)y, (void)w, (void)h;
	((RgRecorder *)r)->sp->cell_drawable = false;
}

static void record_trapezoid(PangoRenderer *r, PangoRenderPart part, double y1, double x11,
                             double x21, double y2, double x12, double x22)
{
	(void)part, (void)y1, (void)x11, (void)x21, (void)y2, (void)x12, (void)x22;
	((RgRecorder *)r)->sp->cell_drawable = false;
}

static void record_shape(PangoRenderer *r, PangoAttrShape *attr, int x, int y)
{
	(void)attr, (void)x, (void)y;
	((RgRecorder *)r)->sp->cell_drawable = false;
}

static void rg_recorder_class_init(RgRecorderClass *klass)
{
	PangoRendererClass *rc = PANGO_RENDERER_CLASS(klass);
	rc->draw_glyph_item = record_glyph_item;
	rc->draw_glyphs = record_glyphs;
	rc->draw_rectangle = record_rectangle;
	rc->draw_error_underline = record_error_underline;
	rc->draw_trapezoid = record_trapezoid;
	rc->draw_shape = record_shape;
}

static void rg_recorder_init(RgRecorder *self)
{
	self->sp = NULL;
}

/* ------------------------------------------------------------------ */
/* The spool */

struct rg_pspool *rg_pspool_new(const char *near_path)
{
	struct rg_pspool *sp = calloc(1, sizeof *sp);
	if (!sp)
		return NULL;
	sp->f = rg_scratch_file_near(near_path);
	sp->recorder = g_object_new(rg_recorder_get_type(), NULL);
	if (!sp->f || !sp->recorder) {
		rg_pspool_free(sp);
		return NULL;
	}
	((RgRecorder *)sp->recorder)->sp = sp;
	rg_buf_init(&sp->row, SPOOL_ROW_MAX);
	rg_buf_init(&sp->cell, SPOOL_ROW_MAX);
	return sp;
}

void rg_pspool_free(struct rg_pspool *sp)
{
	if (!sp)
		return;
	if (sp->f)
		fclose(sp->f);
	if (sp->recorder)
		g_object_unref(sp->recorder);
	for (size_t i = 0; i < sp->n_fonts; i++)
		g_object_unref(sp->font[i]);
	rg_buf_free(&sp->row);
	rg_buf_free(&sp->cell);
	free(sp->in);
	free(sp->clusters);
	free(sp->runs);
	free(sp->glyphs);
	free(sp->in_clusters);
	free(sp->out);
	free(sp);
}

void rg_pspool_put(struct rg_pspool *sp, size_t n, const uint64_t *key,
                   PangoLayout *const *cells)
{
	if (!sp || sp->off)
		return;
	assert(n <= RG_PTABLE_MAX_COLS);
	rg_buf_reset(&sp->row);
	put_u(sp, &sp->row, n);
	for (size_t i = 0; i < n && !sp->off; i++) {
		rg_buf_reset(&sp->cell);
		sp->cell_runs = 0;
		sp->cell_drawable = true;
		pango_renderer_draw_layout(sp->recorder, cells[i], 0, 0);
		int w, h;
		pango_layout_get_size(cells[i], &w, &h);
		unsigned char k[8];
		for (int j = 0; j < 8; j++)
			k[j] = (unsigned char)(key[i] >> (8 * j));
		if (rg_buf_append(&sp->row, k, sizeof k) != RG_BUF_OK)
			sp->off = true;
		put_u(sp, &sp->row, sp->cell_drawable);
		put_s(sp, &sp->row, h);
		put_s(sp, &sp->row, pango_layout_get_baseline(cells[i]));
		put_u(sp, &sp->row, sp->cell_drawable ? sp->cell_runs : 0);
		if (sp->cell_drawable &&
		    rg_buf_append(&sp->row, sp->cell.data, sp->cell.len) != RG_BUF_OK)
			sp->off = true;
	}
	unsigned char len[10];
	size_t n_len = varint(len, sp->row.len);
	if (!sp->off && (fwrite(len, 1, n_len, sp->f) != n_len ||
	                 fwrite(sp->row.data, 1, sp->row.len, sp->f) != sp->row.len))
		sp->off = true;
}

void rg_pspool_rewind(struct rg_pspool *sp)
{
	if (!sp || sp->off)
		return;
	if (fflush(sp->f) != 0 || fseek(sp->f, 0, SEEK_SET) != 0)
		sp->off = true;
	/* The writing buffers are not needed again. */
	rg_buf_free(&sp->row);
	rg_buf_free(&sp->cell);
}

/* Reads and decodes the next record; false at its end or on any fault. */
static bool read_row(struct rg_pspool *sp)
{
	uint64_t len = 0;
	for (unsigned shift = 0;; shift += 7) {
		int c = getc(sp->f);
		if (c == EOF || shift >= 63)
			return false;
		len |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
	}
	if (len > SPOOL_ROW_MAX)
		return false;
	unsigned char *in = rg_array_grow(sp->in, &sp->cap_in, (size_t)len + 1, 1);
	if (!in)
		return false;
	sp->in = in;
	if (fread(in, 1, (size_t)len, sp->f) != len)
		return false;

	struct reader r = {in, in + len, false};
	size_t most = 0; /* glyphs in the longest run */
	sp->n_runs = sp->n_glyphs = sp->n_in_clusters = 0;
	sp->n_cells = (size_t)get_u(&r);
	if (sp->n_cells > RG_PTABLE_MAX_COLS)
		return false;
	for (size_t i = 0; i < sp->n_cells && !r.bad; i++) {
		struct sp_cell *c = &sp->cells[i];
		if (r.end - r.p < 8)
			return false;
		c->key = 0;
		for (int j = 0; j < 8; j++)
			c->key |= (uint64_t)r.p[j] << (8 * j);
		r.p += 8;
		c->drawable = get_u(&r) != 0;
		c->height = get_int(&r);
		c->baseline = get_int(&r);
		c->run0 = sp->n_runs;
		c->n_runs = (size_t)get_u(&r);
		for (size_t k = 0; k < c->n_runs && !r.bad; k++) {
			struct sp_run *run = rg_array_grow(sp->runs, &sp->cap_runs, sp->n_runs + 1,
			                                   sizeof *run);
			if (!run)
				return false;
			sp->runs = run;
			run += sp->n_runs++;
			run->font = (unsigned)get_u(&r);
			run->backward = get_u(&r) != 0;
			run->x = get_int(&r);
			run->y = get_int(&r);
			run->text_len = (size_t)get_u(&r);
			if (r.bad || run->font >= sp->n_fonts ||
			    run->text_len > (size_t)(r.end - r.p))
				return false;
			run->text = (const char *)r.p;
			r.p += run->text_len;
			run->glyph0 = sp->n_glyphs;
			run->n_glyphs = (size_t)get_u(&r);
			if (r.bad || run->n_glyphs > (size_t)(r.end - r.p))
				return false;
			if (run->n_glyphs > most)
				most = run->n_glyphs;
			struct sp_glyph *g = rg_array_grow(sp->glyphs, &sp->cap_glyphs,
			                                   sp->n_glyphs + run->n_glyphs, sizeof *g);
			if (!g)
				return false;
			sp->glyphs = g;
			size_t drawn = 0; /* glyphs cairo gets: what the clusters must add up to */
			for (size_t j = 0; j < run->n_glyphs; j++) {
				struct sp_glyph *e = &g[sp->n_glyphs++];
				uint64_t glyph = get_u(&r);
				e->glyph = (uint32_t)glyph;
				e->width = get_int(&r);
				e->x_offset = get_int(&r);
				e->y_offset = get_int(&r);
				if (glyph > UINT32_MAX)
					r.bad = true;
				drawn += e->glyph != PANGO_GLYPH_EMPTY && !(e->glyph & PANGO_GLYPH_UNKNOWN_FLAG);
			}
			run->cluster0 = sp->n_in_clusters;
			run->n_clusters = (size_t)get_u(&r);
			if (r.bad || run->n_clusters > (size_t)(r.end - r.p))
				return false;
			cairo_text_cluster_t *cl = rg_array_grow(sp->in_clusters, &sp->cap_in_clusters,
			                                         sp->n_in_clusters + run->n_clusters,
			                                         sizeof *cl);
			if (!cl)
				return false;
			sp->in_clusters = cl;
			/* Clusters that do not cover the text and the glyphs would
			 * put cairo in an error state for the rest of the file. */
			int64_t bytes = 0, glyphs = 0;
			for (size_t j = 0; j < run->n_clusters; j++) {
				cl[sp->n_in_clusters].num_bytes = get_int(&r);
				cl[sp->n_in_clusters].num_glyphs = get_int(&r);
				bytes += cl[sp->n_in_clusters].num_bytes;
				glyphs += cl[sp->n_in_clusters].num_glyphs;
				sp->n_in_clusters++;
			}
			if (bytes != (int64_t)run->text_len || glyphs != (int64_t)drawn)
				r.bad = true;
		}
	}
	cairo_glyph_t *out = rg_array_grow(sp->out, &sp->cap_out, most + 1, sizeof *out);
	if (!out)
		return false;
	sp->out = out;
	return !r.bad && r.p == r.end;
}

bool rg_pspool_next(struct rg_pspool *sp, size_t n)
{
	if (!sp || sp->off)
		return false;
	if (!read_row(sp) || sp->n_cells != n) {
		sp->off = true;
		return false;
	}
	return true;
}

bool rg_pspool_cell(const struct rg_pspool *sp, size_t i, uint64_t key, double *height,
                    double *baseline)
{
	if (!sp || sp->off || i >= sp->n_cells || !sp->cells[i].drawable || sp->cells[i].key != key)
		return false;
	*height = (double)sp->cells[i].height / PANGO_SCALE;
	*baseline = (double)sp->cells[i].baseline / PANGO_SCALE;
	return true;
}

void rg_pspool_show(const struct rg_pspool *sp, size_t i, cairo_t *cr)
{
	assert(sp && i < sp->n_cells && sp->cells[i].drawable);
	const struct sp_cell *c = &sp->cells[i];
	bool had_point = cairo_has_current_point(cr);
	double x_offset, y_offset;
	cairo_get_current_point(cr, &x_offset, &y_offset);
	cairo_glyph_t *out = sp->out; /* made long enough by read_row */
	for (size_t k = 0; k < c->n_runs; k++) {
		const struct sp_run *run = &sp->runs[c->run0 + k];
		double base_x = x_offset + (double)run->x / PANGO_SCALE;
		double base_y = y_offset + (double)run->y / PANGO_SCALE;
		cairo_save(cr);
		cairo_set_scaled_font(cr, pango_cairo_font_get_scaled_font(
		                              PANGO_CAIRO_FONT(sp->font[run->font])));
		int x_position = 0;
		int count = 0;
		for (size_t j = 0; j < run->n_glyphs; j++) {
			const struct sp_glyph *gi = &sp->glyphs[run->glyph0 + j];
			if (gi->glyph != PANGO_GLYPH_EMPTY) {
				double cx = base_x + (double)(x_position + gi->x_offset) / PANGO_SCALE;
				double cy = gi->y_offset == 0
				                ? base_y
				                : base_y + (double)(gi->y_offset) / PANGO_SCALE;
				/* The unknown space: pango draws no box for it. */
				if (!(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG)) {
					out[count].index = gi->glyph;
					out[count].x = cx;
					out[count].y = cy;
					count++;
				}
			}
			x_position += gi->width;
		}
		cairo_show_text_glyphs(cr, run->text, (int)run->text_len, out, count,
		                       run->n_clusters ? &sp->in_clusters[run->cluster0] : NULL,
		                       (int)run->n_clusters,
		                       run->backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
		cairo_restore(cr);
	}
	if (had_point)
		cairo_move_to(cr, x_offset, y_offset);
	else
		cairo_new_sub_path(cr);
}
