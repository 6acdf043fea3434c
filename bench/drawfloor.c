/*
 * drawfloor.c: the drawing floor of the benchmark.
 *
 *   rg-drawfloor --rows N -o out.pdf [--fonts DIR] [--tagged]
 *
 * Lays out and draws the findings table of the full report (one row per
 * finding: email id, sent_at, reviewer, status, evidence file:line, reason)
 * with the project's fonts (Noto Sans, Noto Sans Mono from fonts/, loaded
 * through a private fontconfig configuration as the PDF view does) through
 * pango and cairo onto a Letter PDF surface, and does nothing else: no ZIP,
 * no CSV, no judging, no tags, no signing.  Its time is what text layout
 * and PDF output alone cost, so `reportgen render` is measured against it
 * (issue 6: render within 1.5x of this floor).  With --tagged it also wraps
 * the table in the structure tags the report carries for accessibility
 * (Table, TR, TH, TD, through cairo_tag_begin), to show what cairo's tagged
 * PDF costs by itself.  With --cached (issue 16, the cached-shaping floor)
 * it shapes each distinct word of a column once (pango_itemize and
 * pango_shape, kept in a bounded table of glyph strings), breaks lines
 * itself at spaces and draws the cached glyph strings with
 * pango_cairo_show_glyph_string: no pango layout of any cell (its line
 * breaking follows pango's word-and-character wrapping closely enough to
 * make as many lines).  That is the
 * least a pango/cairo program can do per row, and `reportgen render` is
 * held to 1.5x of it per row (--cached --tagged).  With --chunk-pages N
 * (issue 16, flat memory) every N pages go to a PDF surface of their own
 * (OUT, OUT.1, OUT.2, ...), finished as soon as its pages are drawn: what
 * cairo keeps of a tagged document (its structure tree, until the surface
 * is finished) is then one chunk's, which measures the memory floor of
 * drawing a report in chunks and merging them afterwards.  The merge
 * itself is not done here.
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

/*
 * The table of the report's per-action sections (views/pdf_report.c):
 * number, item, status (badge and word), evidence, late by, reason; column
 * shares, fonts (template size 9: small 7.65 pt, mono 7.2 pt), padding,
 * stripes, rules and the "(continued)" caption as the PDF view draws them.
 */
enum { C_NUM, C_ITEM, C_STATUS, C_EVIDENCE, C_LATE, C_REASON, NCOL };

static const char *const headers[NCOL] = {"#", "Item", "Status", "Evidence", "Late by", "Reason"};
static const double shares[NCOL] = {0.4, 1.35, 1.2, 1.25, 0.85, 2.6};
static const bool mono[NCOL] = {false, false, false, true, false, false};
static const bool right[NCOL] = {true, false, false, false, false, false};
static bool cached; /* --cached: shape words once, draw glyph strings */

#define FONT_SMALL 7.65
#define FONT_MONO 7.2
#define BADGE 7.0
#define CAPTION "RA-1 Analyse the exfiltrated correspondence"

enum verdict { SATISFIED, LATE, NOT_SATISFIED };

struct row {
	char cell[NCOL][200];
	enum verdict v;
};

/* The texts of finding i (1-based), shaped like the report's RA-1 items. */
static void make_row(struct row *r, uint64_t i)
{
	const int64_t april3 = rg_days_from_civil(2024, 4, 3) * 86400 + 13 * 3600;
	const int64_t deadline = rg_days_from_civil(2024, 5, 1) * 86400 + 3 * 3600 + 59 * 60 + 59;
	char t[RG_TIME_BUFSZ];
	char id[40];
	snprintf(id, sizeof id, "AAMkAD%06" PRIu64 "-%012" PRIx64, i, next_u64() >> 16);
	snprintf(r->cell[C_NUM], sizeof r->cell[C_NUM], "%" PRIu64, i);
	snprintf(r->cell[C_ITEM], sizeof r->cell[C_ITEM], "email %s", id);
	snprintf(r->cell[C_EVIDENCE], sizeof r->cell[C_EVIDENCE], "findings.csv:%" PRIu64, i + 1);
	r->cell[C_LATE][0] = '\0';
	unsigned k = (unsigned)below(1000);
	int64_t reviewed = april3 + (int64_t)below(26 * 86400);
	if (k < 10) {
		r->v = NOT_SATISFIED;
		snprintf(r->cell[C_STATUS], sizeof r->cell[C_STATUS], "Not satisfied");
		snprintf(r->cell[C_REASON], sizeof r->cell[C_REASON],
		         "email %s: not reviewed (reviewed_at is empty)", id);
		return;
	}
	struct rg_time rt = {.ms = reviewed * 1000, .offset = EDT};
	if (k < 30) {
		reviewed = deadline + 3600 + (int64_t)below(9 * 86400);
		rt.ms = reviewed * 1000;
		r->v = LATE;
		snprintf(r->cell[C_STATUS], sizeof r->cell[C_STATUS], "Satisfied late");
		char late[RG_DURATION_BUFSZ];
		rg_duration_format(late, (reviewed - deadline) * 1000);
		snprintf(r->cell[C_LATE], sizeof r->cell[C_LATE], "%s", late);
		snprintf(r->cell[C_REASON], sizeof r->cell[C_REASON],
		         "email %.64s: reviewed at %.40s, %.40s after the deadline", id,
		         rg_time_format(t, rt), late);
		return;
	}
	r->v = SATISFIED;
	snprintf(r->cell[C_STATUS], sizeof r->cell[C_STATUS], "Satisfied");
	snprintf(r->cell[C_REASON], sizeof r->cell[C_REASON], "email %s: reviewed at %s", id,
	         rg_time_format(t, rt));
}

/* The cached-shaping path (--cached). */
#define WORDS_MAX 8192 /* the table is emptied when full: bounded memory */

struct word {
	PangoGlyphString *gs;
	PangoFont *font;
	int width; /* pango units */
};

struct shaper {
	PangoContext *ctx;
	PangoFontDescription *fd;
	GHashTable *words; /* word -> struct word */
	int space, line_h, ascent;
};

static void word_free(void *p)
{
	struct word *w = p;
	pango_glyph_string_free(w->gs);
	g_object_unref(w->font);
	g_free(w);
}

static struct word *shape_word(struct shaper *sh, const char *s, int len)
{
	char key[256];
	if (len > (int)sizeof key - 1)
		len = (int)sizeof key - 1;
	memcpy(key, s, (size_t)len);
	key[len] = '\0';
	struct word *w = g_hash_table_lookup(sh->words, key);
	if (w)
		return w;
	PangoAttrList *al = pango_attr_list_new();
	pango_attr_list_insert(al, pango_attr_font_desc_new(sh->fd));
	GList *items = pango_itemize(sh->ctx, key, 0, len, al, NULL);
	pango_attr_list_unref(al);
	w = g_new0(struct word, 1);
	w->gs = pango_glyph_string_new();
	/* The floor's texts are ASCII in one font: one item. */
	PangoItem *it = items ? items->data : NULL;
	if (it) {
		pango_shape_full(key + it->offset, it->length, key, len, &it->analysis, w->gs);
		w->font = g_object_ref(it->analysis.font);
		w->width = pango_glyph_string_get_width(w->gs);
	}
	g_list_free_full(items, (GDestroyNotify)pango_item_free);
	if (!w->font) {
		pango_glyph_string_free(w->gs);
		g_free(w);
		return NULL;
	}
	g_hash_table_insert(sh->words, g_strdup(key), w);
	return w;
}

static void shaper_init(struct shaper *sh, PangoContext *ctx, const char *family, double size,
                        bool bold)
{
	sh->ctx = ctx;
	sh->fd = pango_font_description_new();
	pango_font_description_set_family(sh->fd, family);
	pango_font_description_set_size(sh->fd, (int)(size * PANGO_SCALE + 0.5));
	pango_font_description_set_weight(sh->fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	sh->words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, word_free);
	PangoFontMetrics *m = pango_context_get_metrics(ctx, sh->fd, NULL);
	sh->ascent = pango_font_metrics_get_ascent(m);
	sh->line_h = sh->ascent + pango_font_metrics_get_descent(m);
	pango_font_metrics_unref(m);
	struct word *sp = shape_word(sh, " ", 1);
	sh->space = sp ? sp->width : 0;
}

static void shaper_free(struct shaper *sh)
{
	g_hash_table_destroy(sh->words);
	pango_font_description_free(sh->fd);
}

#define CELL_WORDS 64

/* A cell broken into lines of cached words: greedy, at spaces, up to 12
 * lines (the view's cap). */
struct cell_lines {
	struct word *w[CELL_WORDS];
	int x[CELL_WORDS], line[CELL_WORDS];
	int n, lines, width[12];
};

/* Places word w on the current line of cl, starting a new line when it
 * does not fit; gap: whether a space separates it from the word before.
 * false when the cell is full. */
static bool place(struct shaper *sh, struct cell_lines *cl, int *x, int width, struct word *w,
                  bool gap)
{
	if (cl->n == CELL_WORDS)
		return false;
	int sp = gap && *x > 0 ? sh->space : 0;
	if (*x > 0 && *x + sp + w->width > width) {
		if (cl->lines == 12)
			return false;
		cl->width[cl->lines++] = 0;
		*x = 0;
		sp = 0;
	}
	*x += sp;
	cl->w[cl->n] = w;
	cl->x[cl->n] = *x;
	cl->line[cl->n] = cl->lines - 1;
	cl->n++;
	*x += w->width;
	cl->width[cl->lines - 1] = *x;
	return true;
}

/* Lines as pango's PANGO_WRAP_WORD_CHAR makes them, near enough for a
 * floor: breaks at spaces and after a hyphen not followed by a digit
 * (UAX #14), and a piece wider than the column broken between
 * characters, as many as fit on each line. */
static void break_cell(struct shaper *sh, const char *s, int width, struct cell_lines *cl)
{
	/* Emptied between cells, never while a cell's words are in use. */
	if (g_hash_table_size(sh->words) >= WORDS_MAX) {
		g_hash_table_remove_all(sh->words);
		struct word *sp = shape_word(sh, " ", 1);
		sh->space = sp ? sp->width : 0;
	}
	cl->n = 0;
	cl->lines = 1;
	cl->width[0] = 0;
	int x = 0;
	bool gap = false;
	while (*s) {
		while (*s == ' ') {
			s++;
			gap = true;
		}
		const char *e = s;
		while (*e && *e != ' ' && !(e > s && e[-1] == '-' && !(*e >= '0' && *e <= '9')))
			e++;
		if (e == s)
			break;
		int n = (int)(e - s);
		struct word *w = shape_word(sh, s, n);
		while (w && w->width > width && n > 1) {
			/* Too wide for any line: as many characters as fit (the
			 * floor's texts are ASCII, a byte a character). */
			if (x > 0) {
				/* As pango does: the piece starts a line of its own
				 * before it is broken between characters. */
				if (cl->lines == 12)
					return;
				cl->width[cl->lines++] = 0;
				x = 0;
				gap = false;
			}
			int lw[256], k = 0, sum = 0;
			pango_glyph_string_get_logical_widths(w->gs, s, n < 255 ? n : 255, 0, lw);
			while (k < n && k < 255 && sum + lw[k] <= width)
				sum += lw[k++];
			if (k == 0)
				k = 1;
			struct word *head = shape_word(sh, s, k);
			if (!head || !place(sh, cl, &x, width, head, gap))
				return;
			gap = false;
			s += k;
			n -= k;
			x = width; /* the rest starts a new line */
			w = shape_word(sh, s, n);
		}
		if (w && !place(sh, cl, &x, width, w, gap))
			return;
		s = e;
		gap = false;
	}
}

static void draw_cell(cairo_t *cr, const struct shaper *sh, const struct cell_lines *cl,
                      double x, double y, double width, bool align_right)
{
	for (int i = 0; i < cl->n; i++) {
		int ln = cl->line[i];
		double lx = x + (double)cl->x[i] / PANGO_SCALE;
		if (align_right)
			lx += width - (double)cl->width[ln] / PANGO_SCALE;
		cairo_move_to(cr, lx, y + (double)(ln * sh->line_h + sh->ascent) / PANGO_SCALE);
		pango_cairo_show_glyph_string(cr, cl->w[i]->font, cl->w[i]->gs);
	}
}

struct table {
	cairo_t *cr;
	cairo_surface_t *surf;
	const char *out;  /* the first chunk's file; the others add .K */
	int chunk_pages;  /* --chunk-pages: 0 for one surface */
	int files;        /* surfaces opened: the next one is OUT.files */
	bool tagged;
	PangoLayout *col[NCOL];
	PangoLayout *head[NCOL];
	PangoLayout *title, *caption, *footer;
	struct shaper shaper[NCOL];  /* --cached */
	struct cell_lines lines[NCOL];
	double x[NCOL], w[NCOL], tw[NCOL];
	int page;
	int rows_on_page;
	double y;
};

static double layout_h(PangoLayout *l)
{
	int lw, lh;
	pango_layout_get_size(l, &lw, &lh);
	return (double)lh / PANGO_SCALE;
}

/* Height of a row whose layouts already hold their texts. */
static double row_height(PangoLayout *const *ls)
{
	double h = 0;
	for (int c = 0; c < NCOL; c++)
		if (layout_h(ls[c]) > h)
			h = layout_h(ls[c]);
	return h + 2 * PAD;
}

static void badge(cairo_t *cr, double x, double y, enum verdict v)
{
	static const double rgb[3][3] = {{0.18, 0.49, 0.20}, {0.78, 0.47, 0.0}, {0.72, 0.11, 0.11}};
	cairo_save(cr);
	cairo_set_source_rgb(cr, rgb[v][0], rgb[v][1], rgb[v][2]);
	cairo_new_path(cr);
	if (v == SATISFIED) {
		cairo_arc(cr, x + BADGE / 2, y + BADGE / 2, BADGE / 2, 0, 2 * G_PI);
	} else if (v == LATE) {
		cairo_move_to(cr, x, y + BADGE);
		cairo_line_to(cr, x + BADGE / 2, y);
		cairo_line_to(cr, x + BADGE, y + BADGE);
		cairo_close_path(cr);
	} else {
		cairo_rectangle(cr, x, y, BADGE, BADGE);
	}
	cairo_fill(cr);
	cairo_restore(cr);
}

static void tag(struct table *t, const char *name)
{
	if (t->tagged)
		cairo_tag_begin(t->cr, name, NULL);
}

static void untag(struct table *t, const char *name)
{
	if (t->tagged)
		cairo_tag_end(t->cr, name);
}

static void draw_header(struct table *t)
{
	cairo_t *cr = t->cr;
	double h = row_height(t->head);
	cairo_set_source_rgb(cr, 0.875, 0.902, 0.937);
	cairo_rectangle(cr, MARGIN, t->y, PAGE_W - 2 * MARGIN, h);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	tag(t, "TR");
	for (int c = 0; c < NCOL; c++) {
		tag(t, "TH");
		cairo_move_to(cr, t->x[c] + PAD, t->y + PAD);
		pango_cairo_show_layout(cr, t->head[c]);
		untag(t, "TH");
	}
	untag(t, "TR");
	t->y += h;
	t->rows_on_page = 0;
}

static void draw_row(struct table *t, double h, enum verdict v)
{
	cairo_t *cr = t->cr;
	if (t->rows_on_page % 2 == 1) {
		cairo_set_source_rgb(cr, 0.957, 0.965, 0.976);
		cairo_rectangle(cr, MARGIN, t->y, PAGE_W - 2 * MARGIN, h);
		cairo_fill(cr);
	}
	cairo_set_source_rgb(cr, 0.722, 0.745, 0.784);
	cairo_set_line_width(cr, 0.4);
	cairo_move_to(cr, MARGIN, t->y + h);
	cairo_line_to(cr, PAGE_W - MARGIN, t->y + h);
	cairo_stroke(cr);
	tag(t, "TR");
	for (int c = 0; c < NCOL; c++) {
		tag(t, "TD");
		double tx = t->x[c] + PAD;
		if (c == C_STATUS) {
			double base = cached ? (double)t->shaper[c].ascent / PANGO_SCALE
			                     : (double)pango_layout_get_baseline(t->col[c]) / PANGO_SCALE;
			badge(cr, tx, t->y + PAD + base - BADGE + 0.5, v);
			tx += BADGE + 3;
		}
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		if (cached) {
			draw_cell(cr, &t->shaper[c], &t->lines[c], tx, t->y + PAD, t->tw[c], right[c]);
		} else {
			cairo_move_to(cr, tx, t->y + PAD);
			pango_cairo_show_layout(cr, t->col[c]);
		}
		untag(t, "TD");
	}
	untag(t, "TR");
	t->y += h;
	t->rows_on_page++;
}

/* A new surface (and cairo context) for the next chunk's pages. */
static bool open_surface(struct table *t)
{
	char *name = t->files ? rg_asprintf("%s.%d", t->out, t->files) : strdup(t->out);
	if (!name)
		return false;
	t->surf = cairo_pdf_surface_create(name, PAGE_W, PAGE_H);
	bool ok = cairo_surface_status(t->surf) == CAIRO_STATUS_SUCCESS;
	if (!ok)
		fprintf(stderr, "rg-drawfloor: %s: %s\n", name,
		        cairo_status_to_string(cairo_surface_status(t->surf)));
	free(name);
	if (!ok)
		return false;
	cairo_pdf_surface_set_metadata(t->surf, CAIRO_PDF_METADATA_TITLE,
	                               "Findings table (drawing floor)");
	t->cr = cairo_create(t->surf);
	t->files++;
	return true;
}

static cairo_status_t finish_surface(struct table *t)
{
	cairo_destroy(t->cr);
	t->cr = NULL;
	cairo_surface_finish(t->surf);
	cairo_status_t st = cairo_surface_status(t->surf);
	cairo_surface_destroy(t->surf);
	t->surf = NULL;
	return st;
}

static void end_page(struct table *t)
{
	untag(t, "Table");
	char buf[32];
	snprintf(buf, sizeof buf, "Page %d", t->page);
	pango_layout_set_text(t->footer, buf, -1);
	cairo_set_source_rgb(t->cr, 0.333, 0.333, 0.333);
	cairo_move_to(t->cr, MARGIN, PAGE_H - MARGIN + 12);
	pango_cairo_show_layout(t->cr, t->footer);
	cairo_show_page(t->cr);
	if (t->chunk_pages && t->page % t->chunk_pages == 0) {
		cairo_status_t st = finish_surface(t);
		if (st != CAIRO_STATUS_SUCCESS) {
			fprintf(stderr, "rg-drawfloor: chunk %d: %s\n", t->files - 1,
			        cairo_status_to_string(st));
			exit(3);
		}
		/* the next page opens the next surface */
	}
}

static void begin_page(struct table *t)
{
	if (!t->surf && !open_surface(t))
		exit(3);
	t->page++;
	t->y = MARGIN;
	PangoLayout *l = t->page == 1 ? t->title : t->caption;
	cairo_set_source_rgb(t->cr, t->page == 1 ? 0.1 : 0.333, t->page == 1 ? 0.1 : 0.333,
	                     t->page == 1 ? 0.1 : 0.333);
	cairo_move_to(t->cr, MARGIN, t->y);
	pango_cairo_show_layout(t->cr, l);
	t->y += layout_h(l) + (t->page == 1 ? 8 : 3);
	/* The header repeats on every page, as the report's tables do. */
	tag(t, "Table");
	draw_header(t);
}

static PangoLayout *new_layout(PangoContext *ctx, const char *family, double size, bool bold,
                               double width, bool align_right)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_size(fd, (int)(size * PANGO_SCALE + 0.5));
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_height(l, -12); /* the view caps a cell at 12 lines */
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	if (align_right)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	return l;
}

static void usage(FILE *f)
{
	fputs("usage: rg-drawfloor --rows N -o OUT.pdf [--fonts DIR] [--tagged] [--cached]\n"
	      "                    [--chunk-pages N]\n"
	      "Draws an N-row findings table with pango and cairo and nothing else;\n"
	      "--tagged adds the report's structure tags (Table, TR, TH, TD);\n"
	      "--cached shapes each distinct word once and draws cached glyph strings;\n"
	      "--chunk-pages N writes every N pages to a surface of its own (OUT.1, ...).\n",
	      f);
}

int main(int argc, char **argv)
{
	uint64_t rows = 1000;
	const char *out = NULL;
	char *fonts = NULL;
	bool tagged = false;
	long chunk_pages = 0;
	static const struct option opts[] = {{"rows", required_argument, NULL, 'r'},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"fonts", required_argument, NULL, 'F'},
	                                     {"tagged", no_argument, NULL, 'T'},
	                                     {"cached", no_argument, NULL, 'C'},
	                                     {"chunk-pages", required_argument, NULL, 'P'},
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
		case 'T': tagged = true; break;
		case 'C': cached = true; break;
		case 'P':
			errno = 0;
			chunk_pages = strtol(optarg, &end, 10);
			if (errno || *end || chunk_pages < 1 || chunk_pages > 1000000) {
				fprintf(stderr, "rg-drawfloor: not a page count: %s\n", optarg);
				return 2;
			}
			break;
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

	struct table t = {.out = out, .chunk_pages = (int)chunk_pages, .tagged = tagged};
	PangoContext *ctx = pango_font_map_create_context(fm);
	/* PDF user space is in points; pango's default of 96 dpi would scale
	 * every size by 4/3. */
	pango_cairo_context_set_resolution(ctx, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(ctx, pango_language_from_string("en-US"));

	double total = 0, x = MARGIN;
	for (int k = 0; k < NCOL; k++)
		total += shares[k];
	for (int k = 0; k < NCOL; k++) {
		t.x[k] = x;
		t.w[k] = (PAGE_W - 2 * MARGIN) * shares[k] / total;
		x += t.w[k];
		double tw = t.tw[k] = t.w[k] - 2 * PAD - (k == C_STATUS ? BADGE + 3 : 0);
		if (cached)
			shaper_init(&t.shaper[k], ctx, mono[k] ? "Noto Sans Mono" : "Noto Sans",
			            mono[k] ? FONT_MONO : FONT_SMALL, false);
		t.col[k] = new_layout(ctx, mono[k] ? "Noto Sans Mono" : "Noto Sans",
		                      mono[k] ? FONT_MONO : FONT_SMALL, false, tw, right[k]);
		t.head[k] = new_layout(ctx, "Noto Sans", FONT_SMALL, true, t.w[k] - 2 * PAD, right[k]);
		pango_layout_set_text(t.head[k], headers[k], -1);
	}
	t.title = new_layout(ctx, "Noto Sans", 9 * 1.3, true, 0, false);
	pango_layout_set_text(t.title, "Action " CAPTION, -1);
	t.caption = new_layout(ctx, "Noto Sans", FONT_SMALL, false, 0, false);
	pango_layout_set_text(t.caption, CAPTION " (continued)", -1);
	t.footer = new_layout(ctx, "Noto Sans", FONT_SMALL, false, 0, false);

	begin_page(&t);
	struct row r;
	for (uint64_t i = 1; i <= rows; i++) {
		make_row(&r, i);
		double h;
		if (cached) {
			int most = 1;
			for (int k = 0; k < NCOL; k++) {
				break_cell(&t.shaper[k], r.cell[k], (int)(t.tw[k] * PANGO_SCALE), &t.lines[k]);
				if (t.lines[k].lines * t.shaper[k].line_h > most)
					most = t.lines[k].lines * t.shaper[k].line_h;
			}
			h = (double)most / PANGO_SCALE + 2 * PAD;
		} else {
			for (int k = 0; k < NCOL; k++)
				pango_layout_set_text(t.col[k], r.cell[k], -1);
			h = row_height(t.col);
		}
		if (t.y + h > PAGE_H - MARGIN) {
			end_page(&t);
			begin_page(&t);
		}
		draw_row(&t, h, r.v);
	}
	end_page(&t);

	for (int k = 0; k < NCOL; k++) {
		if (cached)
			shaper_free(&t.shaper[k]);
		g_object_unref(t.col[k]);
		g_object_unref(t.head[k]);
	}
	g_object_unref(t.title);
	g_object_unref(t.caption);
	g_object_unref(t.footer);
	g_object_unref(ctx);
	cairo_status_t st = t.surf ? finish_surface(&t) : CAIRO_STATUS_SUCCESS;
	g_object_unref(fm);
	FcConfigDestroy(fc);
	free(fonts);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "rg-drawfloor: %s: %s\n", out, cairo_status_to_string(st));
		return 3;
	}
	fprintf(stderr, "rg-drawfloor: %s: %" PRIu64 " rows on %d pages in %d file%s\n", out, rows,
	        t.page, t.files, t.files > 1 ? "s" : "");
	return 0;
}
