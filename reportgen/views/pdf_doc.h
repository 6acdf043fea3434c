/*
 * pdf_doc.h: the page layout engine shared by report.pdf and summary.pdf
 * (internal to views/; the public interface is pdf.h).
 *
 * A document is drawn twice by the same body function: a dry pass that
 * only measures (pango layouts, no cairo drawing, no tags) and counts the
 * pages, then the real pass onto a cairo PDF surface, which now knows the
 * total for "page N of M" and the pages the contents list.  Both passes run the same code on the same
 * metrics (one PangoContext, hinting off, 72 dpi), so they break pages in
 * the same places.  Nothing is kept per page or per row: cairo writes each
 * page when it is shown, and a table of 50 000 rows costs what one row
 * costs, apart from what cairo keeps for the structure tree.
 *
 * The structure tree (PDF/UA-1): one Document element holds everything;
 * a table is one Table element however many pages it takes (THead with the
 * header row once, TBody with the rows), its header row and "(continued)"
 * caption repeated on later pages drawn outside any element; label/value
 * pairs are two-column tables (TH label, TD value).  Content elements
 * (P, H1-H3, TH, TD, Link, Figure) are the leaves and each is drawn on one
 * page, so no marked-content sequence straddles a page break.  Whatever is
 * drawn outside a leaf (footers, rules, shading, badges next to a status
 * word, repeated headers) is made an /Artifact by pdf_post.c.
 *
 * Each distinct text is shaped once: the laid-out PangoLayout of a text
 * (keyed by the text, its font, width, alignment and line mode) is kept in
 * a bounded cache shared by both passes, so a status word, an empty cell
 * or a header measured in the first pass is drawn from the same layout in
 * the second.  A table row, whose cells are mostly texts that occur once,
 * is laid out once: the measuring pass keeps each cell's height and glyph
 * runs in a spool on a scratch file (pdf_spool.h), and the drawing pass
 * draws the row from it, one row in memory at a time.  Neither changes a
 * byte of the output: setting the environment variable RG_PDF_NO_CACHE (a
 * test hook, tests/pdf/nocache.py) turns both off and lays every text out
 * afresh in each pass, and the two renders are compared;
 * RG_PDF_CACHE_SETS=1 (another) shrinks the cache to one set of four, so
 * that the path taken when a table row has pinned every way is tested.
 *
 * The drawing pass puts every RG_PDOC_CHUNK_PAGES pages on a cairo
 * surface of its own, finished (its structure tree written and freed) as
 * soon as its last page is shown: cairo 1.16 keeps a tagged surface's
 * whole structure tree until it is finished, about 170 bytes an element,
 * so one surface would make memory grow with the document.  The elements
 * open at a chunk's end (Document, a Table and its TBody that go on) are
 * closed there and opened again on the next surface, and rg_pdf_post_process
 * joins the chunks into one file with one structure tree (pdf_post.c).
 * The outline is added to the last surface, when all of it is known: its
 * entries and every link name their destination, which cairo writes as a
 * named destination, so they resolve in the joined file wherever the
 * heading was drawn.  RG_PDF_CHUNK_PAGES=N (a test hook, tests/pdf/chunks.py)
 * sets the chunk's length, so that small samples are drawn in many chunks
 * and compared with the one-chunk render.
 *
 * Fonts come only from <datadir>/fonts through a private fontconfig
 * configuration; the machine's fonts are never consulted.
 */
#ifndef RG_PDF_DOC_H
#define RG_PDF_DOC_H

#include <stdbool.h>
#include <stdio.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "core/diag.h"
#include "core/status.h"
#include "results/results.h"
#include "views/pdf.h"
#include "views/template.h"

enum rg_pfont {
	RG_F_BODY, RG_F_BOLD, RG_F_SMALL, RG_F_SMALL_BOLD, RG_F_MONO, RG_F_H1, RG_F_H2,
	RG_F_TITLE, RG_F_BIG,
	RG_F_COUNT
};

enum rg_palign { RG_A_LEFT, RG_A_RIGHT, RG_A_CENTER };

#define RG_PDOC_MAX_VARS 48
#define RG_PTABLE_MAX_COLS 9 /* three groups of three: the compact rows of report.pdf */
#define RG_PDOC_RING 16
#define RG_PDOC_TOC_MAX 64
#define RG_PDOC_CHUNK_PAGES 100 /* pages per cairo surface (see above) */
#define RG_PDOC_TAG_DEPTH 16    /* structure elements open at once */
/* A link to page N of another PDF is written as the URI
 * "reportgen-goto:FILE#N" and made a GoToR action by rg_pdf_post_process. */
#define RG_PDF_GOTO_SCHEME "reportgen-goto:"

struct rg_pdoc {
	const struct rg_template *t;
	const struct rg_results *r;
	const struct rg_pdf_signer *signer;
	struct rg_diags *diags;

	PangoFontMap *fm;
	PangoContext *pc;
	PangoLayout *lay;
	PangoFontDescription *font[RG_F_COUNT];

	cairo_surface_t *surf;
	cairo_t *cr;
	FILE *fp;        /* the output; the first chunk is drawn into it */
	FILE *out;       /* what cairo writes to now: fp or the last of more */
	int write_errno;
	const char *path; /* of fp, for scratch files and messages */
	int chunk_pages;
	FILE **more;      /* chunks after the first: scratch files, owned */
	struct rg_pjoin *join; /* the join after chunk i: after fp, after more[0] ... */
	size_t n_more, cap_more;
	const char *open_tag[RG_PDOC_TAG_DEPTH]; /* the structure elements open */
	int n_open;
	int n_pending;    /* of those, the innermost not opened on this surface yet */
	const char *broken; /* an invariant the drawing broke, or NULL */
	cairo_status_t cairo_failed; /* the first failure of a finished surface */

	bool dry;        /* measuring pass: no drawing, no tags, no outline */
	bool oom;
	int page;        /* current page, 1-based; 0 before the first */
	int pages;       /* total, known in the drawing pass */
	bool page_open;
	double x0, x1;   /* content box, points from the left */
	double top, bottom;
	double y;        /* next free line */
	const char *footer_title;
	char *figure_alt; /* the chart's alternative text, set when drawn */

	struct rg_tpl_var vars[RG_PDOC_MAX_VARS];
	size_t n_vars;
	char *var_store[RG_PDOC_MAX_VARS];
	char *ring[RG_PDOC_RING]; /* recent rg_pdoc_text results */
	unsigned ring_at;
	PangoLayout *cell[RG_PTABLE_MAX_COLS]; /* one per table column */
	int outline_parent; /* outline item the next level-2 headings go under */
	int section_page;         /* page of the last action heading */
	int *record_pages;        /* measuring: page of each action's section */
	const int *report_pages;  /* summary: those pages, for links into report.pdf */

	/* Drawing pass only. */
	bool fields_open; /* a label/value table is open (rg_pdoc_field) */
	bool in_field;    /* rg_pdoc_field is tagging its own row */
	char **link_alt;  /* /Contents of each link annotation, in drawing order */
	size_t n_links, cap_links;
	struct rg_poutline *outline; /* added to the last chunk's surface */
	size_t n_outline, cap_outline;

	/* The contents page of report.pdf: the page of each entry, recorded by
	 * the measuring pass in the order the entries come, read by the
	 * drawing pass (pdf_report.c). */
	int toc_pages[RG_PDOC_TOC_MAX];
	size_t toc_at;

	/* Laid-out texts kept across both passes (pdf_doc.c); NULL when the
	 * cache is off (RG_PDF_NO_CACHE, a test hook). */
	struct rg_lcache *lcache;
	/* The table rows as the measuring pass laid them out, for the drawing
	 * pass (pdf_spool.h); NULL when off (with the cache, and in
	 * rg_pdoc_measure, which draws nothing). */
	struct rg_pspool *spool;
};

/* Where two chunks meet: how many grouping elements below Document are
 * open at the end of the first, and how many of them (the outermost) are
 * opened again on the second.  They are opened again only when the next
 * element starts, not at the top of the page: an element opened again and
 * drawn into before it has a kid would be a leaf to cairo, and what is
 * drawn there (a repeated header) would become its content instead of an
 * artifact; one that ends before it has a kid is not opened again. */
struct rg_pjoin {
	int open, reopened;
};

/* An outline entry, kept until the last surface (see above). */
struct rg_poutline {
	int parent;  /* an earlier entry's id (1-based), or CAIRO_PDF_OUTLINE_ROOT */
	char *title; /* owned */
	char *attrs; /* "dest='...'", owned */
	bool bold;
};

/* One column of a table: share of the width, font, alignment. */
struct rg_pcol {
	double share;
	enum rg_pfont font;
	enum rg_palign align;
};

/* A link in a cell. */
struct rg_plink {
	const char *attrs; /* cairo link attributes ("dest='x'") */
	const char *alt;   /* where it leads, in words (its /Contents); NULL: the cell's text */
};

/* One cell: text, and optionally a status badge before it and a link. */
struct rg_pcell {
	const char *text;
	int status;                  /* enum rg_verdict, or -1 for none */
	const struct rg_plink *link; /* or NULL */
};

struct rg_ptable {
	const struct rg_pcol *cols;
	size_t n;
	const char *const *head;
	const char *caption; /* repeated above the header on continuation pages */
	double x[RG_PTABLE_MAX_COLS], w[RG_PTABLE_MAX_COLS];
	bool tag_open;       /* the Table element */
	bool body_open;      /* its TBody */
	bool header_pending; /* begun, header not drawn yet (drawn with row 1) */
	size_t rows_on_page;
};

typedef void (*rg_pdoc_body)(struct rg_pdoc *d);

/* The overall result drawn as the status it corresponds to (badge, colour). */
enum rg_verdict rg_pdoc_overall_verdict(enum rg_overall o);

/* The value of a template placeholder of this document ("" when unknown). */
const char *rg_pdoc_var(struct rg_pdoc *d, const char *name);

/* Runs body twice (measure, draw) and writes the PDF at path, then
 * completes it for PDF/UA (rg_pdf_post_process).  title_key names the template
 * text used as the document title and in the footer.  record_pages (or
 * NULL) receives, from the measuring pass, what rg_pdoc_measure would. */
rg_status rg_pdoc_render(const struct rg_results *r, const struct rg_template *t,
                         const struct rg_pdf_signer *signer, const char *path,
                         enum rg_tpl_key title_key, rg_pdoc_body body,
                         const int *report_pages, int *record_pages, struct rg_diags *diags);

/* Runs only the measuring pass of body and stores the page on which each
 * action's section starts in pages[0..r->n_actions) (0: not shown).  The
 * summary links to report.pdf by page: cairo 1.16 crashes on links to a
 * named destination in another file. */
rg_status rg_pdoc_measure(const struct rg_results *r, const struct rg_template *t,
                          rg_pdoc_body body, int *pages, struct rg_diags *diags);

/* The font map of the shipped fonts (<datadir>/fonts), made on first use
 * and shared by every document of the process (not to be unreferenced);
 * NULL, with a diagnostic, when they cannot be read.  For tests that lay
 * text out as the documents do. */
PangoFontMap *rg_pdoc_font_map(struct rg_diags *diags);

/* The body of report.pdf (pdf_report.c). */
void rg_pdf_report_body(struct rg_pdoc *d);

/* What rg_pdf_post_process writes that cairo 1.16 cannot.  Borrowed. */
struct rg_pdf_post {
	const char *lang;       /* BCP 47: catalog /Lang, XMP dc:language */
	const char *title;      /* XMP dc:title (cairo writes the Info /Title) */
	const char *author;     /* XMP dc:creator */
	const char *subject;    /* XMP dc:description */
	const char *date;       /* XMP dates: "YYYY-MM-DDThh:mm:ssZ" */
	const char *figure_alt; /* /Alt of every Figure element; NULL: none */
	char *const *link_alt;  /* /Contents of the link annotations, in order */
	size_t n_links;
	/* The chunks after the first (open for reading) and where each meets
	 * the one before (join[i]: between more[i] and the chunk before it). */
	FILE *const *more;
	const struct rg_pjoin *join;
	size_t n_more;
};

/* Rewrites the finished PDF that cairo wrote to fp (open for reading and
 * writing; path for messages), joined with the chunks in info->more, into
 * one new revision of fp with one page tree, structure tree, parent tree
 * and name tree of destinations, and with what PDF/UA-1
 * asks and cairo 1.16 cannot say (pdf_post.c): every drawing outside a
 * content element marked as an artifact; TH elements with /Scope; Figure
 * /Alt; link /Contents (and links into another file as GoToR actions);
 * /Tabs /S on every page; in the catalog /Lang, /MarkInfo,
 * /ViewerPreferences << /DisplayDocTitle true >> and an XMP /Metadata
 * stream (dc:title, dc:language, pdfuaid:part 1); a trailer /ID from the
 * bytes.  RG_EENV with a diagnostic when the file is not as cairo writes
 * it or cannot be written. */
rg_status rg_pdf_post_process(FILE *fp, const char *path, const struct rg_pdf_post *info,
                              struct rg_diags *diags);

/* Template text with the document's placeholders (and extra ones)
 * expanded; owned by the document until the end of the pass. */
const char *rg_pdoc_text(struct rg_pdoc *d, enum rg_tpl_key k, const struct rg_tpl_var *more,
                         size_t n_more);
/* A time for people: "2024-04-30 23:59:59 -04:00" (the offset as written,
 * spaces so that a narrow column wraps between date, time and offset).
 * buf must hold RG_TIME_BUFSZ + 4. */
char *rg_pdoc_time(char *buf, struct rg_time t);
/* The status word of a verdict. */
const char *rg_pdoc_status_word(const struct rg_pdoc *d, enum rg_verdict v);
struct rg_rgb rg_pdoc_status_colour(const struct rg_pdoc *d, enum rg_verdict v);

/* Layout.  Each call moves d->y down; a block that does not fit on the
 * page starts the next. */
void rg_pdoc_new_page(struct rg_pdoc *d);
void rg_pdoc_need(struct rg_pdoc *d, double h);       /* new page unless h fits */
double rg_pdoc_text_height(struct rg_pdoc *d, enum rg_pfont f, double width, const char *s);
double rg_pdoc_text_width(struct rg_pdoc *d, enum rg_pfont f, const char *s);
double rg_pdoc_draw_text(struct rg_pdoc *d, double x, double y, double width, enum rg_pfont f,
                         enum rg_tpl_colour c, enum rg_palign a, bool one_line, const char *s);
/* level 1, 2 or 3 (H1..H3); dest, when given, names the heading as a link
 * target. */
void rg_pdoc_heading(struct rg_pdoc *d, int level, const char *s, const char *dest,
                     double keep_with_next);
void rg_pdoc_para(struct rg_pdoc *d, enum rg_pfont f, enum rg_tpl_colour c, const char *s);
/* A label and its value on one line (the value wraps), with an optional
 * status badge between them.  Consecutive fields form one two-column
 * table (TH label, TD value); it ends at the next element that is not a
 * field. */
void rg_pdoc_field(struct rg_pdoc *d, const char *label, double label_w, enum rg_pfont f,
                   const char *value, int status);
void rg_pdoc_space(struct rg_pdoc *d, double h);
/* Draws a status shape (circle, triangle, square, diamond, ring) of size s
 * with its top-left at x, y. */
void rg_pdoc_badge(struct rg_pdoc *d, double x, double y, double s, enum rg_verdict v);
void rg_pdoc_colour(struct rg_pdoc *d, enum rg_tpl_colour c);

void rg_pdoc_table_begin(struct rg_pdoc *d, struct rg_ptable *tb, double min_rows);
/* Height a row will take (it is laid out again when drawn). */
double rg_pdoc_table_row_height(struct rg_pdoc *d, struct rg_ptable *tb,
                                const struct rg_pcell *cells);
void rg_pdoc_table_row(struct rg_pdoc *d, struct rg_ptable *tb, const struct rg_pcell *cells);
void rg_pdoc_table_end(struct rg_pdoc *d, struct rg_ptable *tb);
/* Height of the table's header and of its first row (first may be NULL):
 * what a heading above it keeps with itself, so that neither the heading
 * nor the header row stands alone at a page foot.  Sets the columns as
 * rg_pdoc_table_begin does. */
double rg_pdoc_table_lead(struct rg_pdoc *d, struct rg_ptable *tb, const struct rg_pcell *first);

/* Structure tags and reading aids; no-ops in the dry pass. */
void rg_pdoc_tag(struct rg_pdoc *d, const char *name, const char *attrs);
void rg_pdoc_untag(struct rg_pdoc *d, const char *name);
int rg_pdoc_outline(struct rg_pdoc *d, int parent, const char *title, const char *dest,
                    bool bold);
/* A destination name safe inside cairo attributes (letters, digits, '-',
 * '.', '_'; other bytes hex-escaped), malloc'd. */
char *rg_pdoc_dest_name(const char *prefix, const char *id);

#endif
