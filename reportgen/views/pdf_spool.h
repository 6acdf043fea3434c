/*
 * pdf_spool.h: table rows laid out once, drawn from what was kept
 * (internal to views/).
 *
 * pdf_doc.c draws a document in two passes: the measuring pass lays every
 * table cell out to learn row heights and page breaks, and the drawing
 * pass used to lay each one out again to draw it, so a text that occurs
 * once (an identifier, a reason) was shaped twice.  The spool keeps from
 * the first layout what the drawing needs: per cell its height, its first
 * baseline and the glyph runs pango would draw (font, the run's text, each
 * glyph with its advance and offsets, the clusters, where the run starts),
 * written to a scratch file as the rows are measured and read back row by
 * row, in the same order, as they are drawn.  One row is held in memory at
 * a time, so memory does not grow with the table; the file takes about six
 * bytes a character.
 *
 * Why by hand: pango has no way to keep a laid-out line but to keep its
 * PangoLayout (kilobytes each, for every row of the document until the
 * drawing pass: the memory issue 16 removed), and no way to draw glyphs
 * with their text (for text extraction) but its cairo renderer.  So the
 * runs are taken down by a PangoRenderer of our own, which gets from
 * pango_renderer_draw_layout exactly the calls pango's cairo renderer gets
 * from pango_cairo_show_layout, and drawn back with the cairo calls that
 * renderer makes (pangocairo-render.c of pango 1.50,
 * pango_cairo_renderer_draw_glyph_item and _show_text_glyphs): the same
 * glyphs at the same positions with the same clusters, so the PDF is byte
 * for byte what pango would have drawn (tests/pdf/nocache.py compares a
 * render with the spool and the cache to one without either).  A cell that
 * needs more than glyphs (one pango draws as a hex box because the fonts
 * lack the character, or with a rectangle or a shape) is marked, and the
 * drawing pass lays it out again.
 *
 * Ownership: the spool owns its scratch file, its buffers and a reference
 * on every font a run names; rg_pspool_free releases them.
 */
#ifndef RG_PDF_SPOOL_H
#define RG_PDF_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <pango/pango.h>

struct rg_pspool;

/* A spool on a scratch file beside near_path (rg_scratch_file_near), or
 * NULL when none can be made; without one every cell is laid out in both
 * passes, which draws the same PDF. */
struct rg_pspool *rg_pspool_new(const char *near_path);
void rg_pspool_free(struct rg_pspool *sp);

/* Measuring pass: records a row of n cells, cell i laid out in cells[i]
 * and known by key[i] (a hash of its text, font, width and alignment).
 * Any failure (out of memory, the disk full) turns the spool off, and the
 * drawing pass lays every row out itself. */
void rg_pspool_put(struct rg_pspool *sp, size_t n, const uint64_t *key,
                   PangoLayout *const *cells);

/* Between the passes: the rows are read from the first. */
void rg_pspool_rewind(struct rg_pspool *sp);

/* Drawing pass: reads the row recorded next; false when the spool is off
 * (or could not be read, or the row has another number of cells: then the
 * passes went apart, and it stays off), and every cell is laid out. */
bool rg_pspool_next(struct rg_pspool *sp, size_t n);

/* Of the row read last: true when cell i is drawn from the spool, with
 * its height and the first line's baseline from its top, in points.  A
 * cell whose key is not the one recorded is laid out instead: its text
 * may come from the measuring pass (a page number in the contents).  The
 * key is a 64-bit FNV-1a hash, which a bundle could make collide on
 * purpose; it does not matter, because the texts that differ between the
 * passes at one place are only such numbers, never the bundle's. */
bool rg_pspool_cell(const struct rg_pspool *sp, size_t i, uint64_t key, double *height,
                    double *baseline);

/* Draws cell i of the row read last with its top left corner at the
 * current point of cr, as pango_cairo_show_layout would have drawn its
 * layout (the current point stays where it was). */
void rg_pspool_show(const struct rg_pspool *sp, size_t i, cairo_t *cr);

#endif
