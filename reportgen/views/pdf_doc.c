/*
 * pdf_doc.c: the two-pass page layout engine of the PDF views (pdf_doc.h).
 *
 * Invariants: in the dry pass nothing touches cairo (d->cr is NULL); both
 * passes compute every height with the same PangoContext, so page breaks
 * agree; every content element (a leaf of the structure tree: P, H1-H3,
 * TH, TD, Link, Figure) is opened and closed on one page, while grouping
 * elements (Document, Table, THead, TBody, TR) may span pages; a table row
 * is never split (a row is moved whole to the next page, and a cell is
 * capped at MAX_CELL_LINES lines so a row always fits on an empty page).
 */
#include "views/pdf_doc.h"
#include "views/pdf_spool.h"
#include "views/pdf_words.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>

#include "core/arena.h"
#include "core/fsout.h"
#include "core/paths.h"
#include "core/str.h"
#include "core/text.h"
#include "core/timefmt.h"

#define PAD 3.0
#define MAX_CELL_LINES 12
#define BADGE 7.0

static void lcache_new(struct rg_pdoc *d);
static void lcache_free(struct rg_pdoc *d);

/* ------------------------------------------------------------------ */
/* Fonts */

/* The private font configuration and its font map, made once per process:
 * reading and indexing the font files costs more than laying out a small
 * report, and every document of a run uses the same fonts.  Both live until
 * the process ends (fontconfig and pango keep caches for that long anyway). */
static FcConfig *shared_fc;
static PangoFontMap *shared_fm;

static rg_status load_font_map(struct rg_diags *diags, const char *dir)
{
	if (shared_fm)
		return RG_OK;
	FcConfig *fc = FcConfigCreate();
	/* File by file, in name order: adding the directory would have
	 * fontconfig try (and complain about) a cache it cannot write. */
	struct dirent **names = NULL;
	int nn = fc ? scandir(dir, &names, NULL, alphasort) : -1;
	int added = 0;
	for (int i = 0; i < nn; i++) {
		const char *n = names[i]->d_name;
		size_t len = strlen(n);
		if (len > 4 && (strcmp(n + len - 4, ".ttf") == 0 || strcmp(n + len - 4, ".otf") == 0)) {
			char *f = rg_asprintf("%s/%s", dir, n);
			if (f && FcConfigAppFontAddFile(fc, (const FcChar8 *)f))
				added++;
			free(f);
		}
		free(names[i]);
	}
	free(names);
	PangoFontMap *fm = fc && added ? pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT)
	                               : NULL;
	if (!fm) {
		rg_diag_err(diags, "pdf.fonts", dir, 0, NULL,
		            "reinstall reportgen or set REPORTGEN_DATADIR to its data directory",
		            "cannot read the fonts directory");
		if (fc)
			FcConfigDestroy(fc);
		return RG_EENV;
	}
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), fc);
	shared_fc = fc; /* our reference, kept with the map's own */
	shared_fm = fm;
	return RG_OK;
}

PangoFontMap *rg_pdoc_font_map(struct rg_diags *diags)
{
	char *dir = rg_data_path("fonts", "");
	rg_status st = dir ? load_font_map(diags, dir) : RG_EENV;
	free(dir);
	return st == RG_OK ? shared_fm : NULL;
}

static rg_status load_fonts(struct rg_pdoc *d)
{
	char *dir = rg_data_path("fonts", "");
	if (!dir)
		return RG_EENV;
	rg_status st = load_font_map(d->diags, dir);
	if (st != RG_OK) {
		free(dir);
		return st;
	}
	/* Every family the template names must be among our fonts: a silent
	 * fallback would make the output depend on what fontconfig finds. */
	const char *families[2] = {d->t->font_sans, d->t->font_mono};
	for (int i = 0; i < 2; i++) {
		FcPattern *pat = FcPatternCreate();
		FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
		FcFontSet *fs = NULL;
		if (pat && os && FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)families[i]))
			fs = FcFontList(shared_fc, pat, os);
		bool found = fs && fs->nfont > 0;
		if (fs)
			FcFontSetDestroy(fs);
		if (os)
			FcObjectSetDestroy(os);
		if (pat)
			FcPatternDestroy(pat);
		if (!found) {
			rg_diag_err(d->diags, "pdf.font-missing", d->t->path, 0, "fonts",
			            "name a family whose files are in the fonts directory",
			            "font family \"%s\" is not in %s", families[i], dir);
			free(dir);
			return RG_EINPUT;
		}
	}
	free(dir);
	d->fm = g_object_ref(shared_fm);
	d->pc = pango_font_map_create_context(d->fm);
	pango_cairo_context_set_resolution(d->pc, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(d->pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(d->pc, pango_language_from_string(d->t->lang));
	d->lay = pango_layout_new(d->pc);
	for (int i = 0; i < RG_PTABLE_MAX_COLS; i++)
		d->cell[i] = pango_layout_new(d->pc);
	lcache_new(d);
	/* No hyphen where a line breaks inside a word (pango >= 1.44 inserts
	 * one by default): most long words here are identifiers, digests,
	 * paths and addresses, where an inserted hyphen reads exactly like a
	 * real one.  They break between characters with no mark.  The list
	 * covers any text (an attribute's range is the whole text by
	 * default) and stays with the layout across pango_layout_set_text. */
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(d->lay, attrs);
	for (int i = 0; i < RG_PTABLE_MAX_COLS; i++)
		pango_layout_set_attributes(d->cell[i], attrs);
	pango_attr_list_unref(attrs);

	double s = d->t->font_size;
	struct {
		const char *family;
		bool bold;
		double size;
	} spec[RG_F_COUNT] = {
		[RG_F_BODY] = {d->t->font_sans, false, s},
		[RG_F_BOLD] = {d->t->font_sans, true, s},
		[RG_F_SMALL] = {d->t->font_sans, false, s * 0.85},
		[RG_F_SMALL_BOLD] = {d->t->font_sans, true, s * 0.85},
		[RG_F_MONO] = {d->t->font_mono, false, s * 0.8},
		[RG_F_H1] = {d->t->font_sans, true, s * 1.7},
		[RG_F_H2] = {d->t->font_sans, true, s * 1.3},
		[RG_F_TITLE] = {d->t->font_sans, true, s * 2.4},
		[RG_F_BIG] = {d->t->font_sans, true, s * 1.45},
	};
	for (int i = 0; i < RG_F_COUNT; i++) {
		PangoFontDescription *fd = pango_font_description_new();
		pango_font_description_set_family(fd, spec[i].family);
		pango_font_description_set_weight(fd, spec[i].bold ? PANGO_WEIGHT_BOLD
		                                                   : PANGO_WEIGHT_NORMAL);
		pango_font_description_set_size(fd, (int)lround(spec[i].size * PANGO_SCALE));
		d->font[i] = fd;
	}
	return RG_OK;
}

static void free_fonts(struct rg_pdoc *d)
{
	lcache_free(d);
	for (int i = 0; i < RG_F_COUNT; i++)
		if (d->font[i])
			pango_font_description_free(d->font[i]);
	if (d->lay)
		g_object_unref(d->lay);
	for (int i = 0; i < RG_PTABLE_MAX_COLS; i++)
		if (d->cell[i])
			g_object_unref(d->cell[i]);
	if (d->pc)
		g_object_unref(d->pc);
	if (d->fm)
		g_object_unref(d->fm);
}

/* ------------------------------------------------------------------ */
/* Texts and placeholders */

static void add_var(struct rg_pdoc *d, const char *name, char *owned_value)
{
	if (!owned_value) {
		d->oom = true;
		return;
	}
	if (d->n_vars == RG_PDOC_MAX_VARS) {
		free(owned_value);
		return;
	}
	d->var_store[d->n_vars] = owned_value;
	d->vars[d->n_vars].name = name;
	d->vars[d->n_vars].value = owned_value;
	d->n_vars++;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static const enum rg_tpl_key overall_key[] = {
	[RG_COMPLIANT] = RG_T_OVERALL_COMPLIANT,
	[RG_COMPLIANT_LATE] = RG_T_OVERALL_COMPLIANT_LATE,
	[RG_NON_COMPLIANT] = RG_T_OVERALL_NON_COMPLIANT,
};

static void doc_vars(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	const struct rg_bundle_info *e = &r->bundle;
	const struct rg_directive_info *dir = &r->directive;
	const struct rg_headline *h = &r->headline;
	char tb[RG_TIME_BUFSZ];
	const char *agency = e->agency_name ? e->agency_name : nz(e->agency_id);
	add_var(d, "agency", rg_asprintf("%s", agency));
	add_var(d, "agency_id", rg_asprintf("%s", nz(e->agency_id)));
	add_var(d, "component", rg_asprintf("%s", nz(e->agency_component)));
	add_var(d, "directive", rg_asprintf("%s", nz(dir->id)));
	add_var(d, "directive_title", rg_asprintf("%s", nz(dir->title)));
	add_var(d, "directive_version", rg_asprintf("%s", nz(dir->version)));
	add_var(d, "directive_file", rg_asprintf("%s", nz(dir->file)));
	add_var(d, "directive_sha256", rg_asprintf("%s", dir->sha256));
	add_var(d, "directive_digest16", rg_asprintf("%.16s", dir->sha256));
	add_var(d, "generator", rg_asprintf("%s", nz(r->generator)));
	/* Said wherever the definition is named: the verdicts come from a
	 * definition that is not the installed one. */
	add_var(d, "definition_note",
	        dir->installed ? rg_asprintf("%s", "")
	                       : rg_tpl_expand(d->t->text[RG_T_DEFINITION_MODIFIED], d->vars,
	                                       d->n_vars, NULL, 0));
	/* Every time of the PDFs in the directive's zone (pdf_words.h). */
	int zone = rg_pdf_zone(r);
	char wb[RG_PDF_WHEN_BUFSZ];
	add_var(d, "generated", rg_asprintf("%s", rg_pdf_when(wb, sizeof wb, r->generated_ms, zone)));
	add_var(d, "generated_date", rg_asprintf("%.10s", wb));
	add_var(d, "zone", rg_asprintf("%s", rg_pdf_zone_name(tb, sizeof tb, zone)));
	add_var(d, "bundle", rg_asprintf("%s", nz(e->name)));
	add_var(d, "bundle_sha256", rg_asprintf("%s", e->sha256));
	add_var(d, "notified", rg_asprintf("%s", e->notified ? rg_time_format(tb,
	                                                   e->notification_received) : ""));
	add_var(d, "emails_reviewed", rg_asprintf("%zu", h->emails_reviewed));
	add_var(d, "emails_total", rg_asprintf("%zu", h->emails_total));
	add_var(d, "secrets_found", rg_asprintf("%zu", h->secrets_found));
	add_var(d, "secrets_remediated", rg_asprintf("%zu", h->secrets_remediated));
	add_var(d, "accounts_reviewed", rg_asprintf("%zu", h->accounts_reviewed));
	add_var(d, "accounts_total", rg_asprintf("%zu", h->accounts_total));
	add_var(d, "items_late", rg_asprintf("%zu", h->items_late));
	add_var(d, "items_open", rg_asprintf("%zu", h->items_open));
	add_var(d, "remediations_checked", rg_asprintf("%zu", h->remediations_checked));
	add_var(d, "remediations_corroborated", rg_asprintf("%zu", h->remediations_corroborated));
	add_var(d, "corroborated_percent",
	        rg_asprintf("%zu", h->remediations_checked
	                               ? (h->remediations_corroborated * 100 + h->remediations_checked / 2) /
	                                     h->remediations_checked
	                               : 0));
	add_var(d, "corroboration_window", rg_asprintf("%s", nz(dir->corroboration_window)));
	add_var(d, "actions", rg_asprintf("%zu", r->n_actions));
	add_var(d, "contact", rg_asprintf("%s", nz(e->contact_name)));
	add_var(d, "contact_role", rg_asprintf("%s", nz(e->contact_role)));
	add_var(d, "contact_email", rg_asprintf("%s", nz(e->contact_email)));
	/* Last, because the overall sentence may use the values above. */
	enum rg_tpl_key ok = rg_pdf_none_applies(r) ? RG_T_OVERALL_NOT_NOTIFIED
	                                            : overall_key[r->overall];
	add_var(d, "overall", rg_tpl_expand(d->t->text[ok], d->vars, d->n_vars, NULL, 0));
}

static void free_vars(struct rg_pdoc *d)
{
	for (size_t i = 0; i < d->n_vars; i++)
		free(d->var_store[i]);
	d->n_vars = 0;
}

/* Expanded texts live in a small ring owned by the document: callers use
 * a text right away (draw or measure it) and never keep it. */

const char *rg_pdoc_text(struct rg_pdoc *d, enum rg_tpl_key k, const struct rg_tpl_var *more,
                         size_t n_more)
{
	char *s = rg_tpl_expand(d->t->text[k], d->vars, d->n_vars, more, n_more);
	if (!s) {
		d->oom = true;
		return "";
	}
	free(d->ring[d->ring_at]);
	d->ring[d->ring_at] = s;
	d->ring_at = (d->ring_at + 1) % RG_PDOC_RING;
	return s;
}

static void ring_free(struct rg_pdoc *d)
{
	for (int i = 0; i < RG_PDOC_RING; i++) {
		free(d->ring[i]);
		d->ring[i] = NULL;
	}
	d->ring_at = 0;
}

static const enum rg_tpl_key status_key[RG_VERDICT_COUNT] = {
	[RG_NOT_SATISFIED] = RG_T_STATUS_NOT_SATISFIED,
	[RG_INSUFFICIENT_EVIDENCE] = RG_T_STATUS_INSUFFICIENT,
	[RG_SATISFIED_LATE] = RG_T_STATUS_LATE,
	[RG_SATISFIED] = RG_T_STATUS_SATISFIED,
	[RG_NOT_APPLICABLE] = RG_T_STATUS_NOT_APPLICABLE,
};
static const enum rg_tpl_colour status_colour[RG_VERDICT_COUNT] = {
	[RG_NOT_SATISFIED] = RG_C_NOT_SATISFIED,
	[RG_INSUFFICIENT_EVIDENCE] = RG_C_INSUFFICIENT,
	[RG_SATISFIED_LATE] = RG_C_LATE,
	[RG_SATISFIED] = RG_C_SATISFIED,
	[RG_NOT_APPLICABLE] = RG_C_NOT_APPLICABLE,
};

char *rg_pdoc_time(char *buf, struct rg_time t)
{
	char raw[RG_TIME_BUFSZ];
	rg_time_format(raw, t);
	/* raw: YYYY-MM-DDThh:mm:ss[.mmm](Z|+hh:mm) */
	size_t n = strlen(raw), z = n;
	if (n && raw[n - 1] == 'Z')
		z = n - 1;
	else if (n > 6 && (raw[n - 6] == '+' || raw[n - 6] == '-'))
		z = n - 6;
	snprintf(buf, RG_TIME_BUFSZ + 4, "%.10s %.*s %.6s", raw, (int)(z > 11 ? z - 11 : 0),
	         raw + 11, z == n - 1 ? "UTC" : raw + z);
	return buf;
}

const char *rg_pdoc_status_word(const struct rg_pdoc *d, enum rg_verdict v)
{
	return d->t->text[status_key[v < RG_VERDICT_COUNT ? v : RG_NOT_SATISFIED]];
}

struct rg_rgb rg_pdoc_status_colour(const struct rg_pdoc *d, enum rg_verdict v)
{
	return d->t->colour[status_colour[v < RG_VERDICT_COUNT ? v : RG_NOT_SATISFIED]];
}

char *rg_pdoc_dest_name(const char *prefix, const char *id)
{
	struct rg_buf b;
	rg_buf_init(&b, 4096);
	int st = rg_buf_printf(&b, "%s", prefix);
	for (const unsigned char *p = (const unsigned char *)id; *p && st == RG_BUF_OK; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_')
			st = rg_buf_putc(&b, (char)*p);
		else
			st = rg_buf_printf(&b, "_%02x", *p);
	}
	if (st != RG_BUF_OK) {
		rg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* ------------------------------------------------------------------ */
/* Drawing primitives */

void rg_pdoc_colour(struct rg_pdoc *d, enum rg_tpl_colour c)
{
	if (d->dry)
		return;
	struct rg_rgb k = d->t->colour[c];
	cairo_set_source_rgb(d->cr, k.r, k.g, k.b);
}

/* Ends the label/value table of the fields drawn last. */
static void close_fields(struct rg_pdoc *d)
{
	if (d->fields_open)
		rg_pdoc_untag(d, "Table");
	d->fields_open = false;
}

/* The structure elements that group others and may span pages (and so
 * chunks); all others are content elements, opened and closed on a page. */
static bool grouping_tag(const char *name)
{
	static const char *const names[] = {"Document", "Table", "THead", "TBody", "TR", NULL};
	for (int i = 0; names[i]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Opens on this surface the elements still open from the chunk before. */
static void reopen(struct rg_pdoc *d)
{
	for (int i = d->n_open - d->n_pending; i < d->n_open; i++)
		cairo_tag_begin(d->cr, d->open_tag[i], NULL);
	d->n_pending = 0;
	if (d->n_more)
		d->join[d->n_more - 1].reopened = d->n_open - 1;
}

void rg_pdoc_tag(struct rg_pdoc *d, const char *name, const char *attrs)
{
	if (d->dry)
		return;
	/* Any element but a field's own ends a run of fields: the fields'
	 * table holds them and nothing else. */
	if (!d->in_field)
		close_fields(d);
	if (d->n_pending)
		reopen(d);
	if (d->n_open == RG_PDOC_TAG_DEPTH) {
		d->broken = "structure elements nested too deep";
		return;
	}
	d->open_tag[d->n_open++] = name;
	cairo_tag_begin(d->cr, name, attrs);
}

void rg_pdoc_untag(struct rg_pdoc *d, const char *name)
{
	if (d->dry)
		return;
	if (d->n_open == 0 || strcmp(d->open_tag[d->n_open - 1], name) != 0) {
		d->broken = "structure elements closed out of order";
		return;
	}
	d->n_open--;
	if (d->n_pending)
		d->n_pending--; /* it ends before this chunk has any of it */
	else
		cairo_tag_end(d->cr, name);
}

int rg_pdoc_outline(struct rg_pdoc *d, int parent, const char *title, const char *dest,
                    bool bold)
{
	if (d->dry || !dest)
		return 0;
	struct rg_poutline *v = rg_array_grow(d->outline, &d->cap_outline, d->n_outline + 1,
	                                      sizeof *v);
	char *t = rg_asprintf("%s", title), *attrs = rg_asprintf("dest='%s'", dest);
	if (!v || !t || !attrs) {
		free(t);
		free(attrs);
		d->oom = true;
		return 0;
	}
	d->outline = v;
	v[d->n_outline++] = (struct rg_poutline){parent, t, attrs, bold};
	return (int)d->n_outline; /* the id cairo gives it: entries are added in this order */
}

/* Adds the outline to the last surface, in the order it was drawn. */
static void add_outline(struct rg_pdoc *d)
{
	for (size_t i = 0; i < d->n_outline; i++) {
		const struct rg_poutline *e = &d->outline[i];
		int id = cairo_pdf_surface_add_outline(d->surf, e->parent, e->title, e->attrs,
		                                       e->bold ? CAIRO_PDF_OUTLINE_FLAG_BOLD : 0);
		if (id != (int)i + 1)
			d->broken = "the outline's entries were numbered otherwise";
	}
}

static void set_layout(struct rg_pdoc *d, PangoLayout *l, enum rg_pfont f, double width,
                       bool one_line, const char *s)
{
	pango_layout_set_font_description(l, d->font[f]);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (one_line) {
		pango_layout_set_height(l, -1);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	} else {
		pango_layout_set_height(l, -MAX_CELL_LINES);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	/* The bundle reader only lets valid UTF-8 through; should anything
	 * else reach a view, show it with replacement characters rather than
	 * let pango complain on standard error.  Then text from the bundle is
	 * shown as what it is: control, bidi and invisible characters as
	 * <U+XXXX> (line ends and tabs kept), so that a U+202E cannot turn a
	 * line around and a U+200B cannot make two identifiers look the same.
	 * report.xml keeps the text exactly. */
	char *valid = g_utf8_validate(s, -1, NULL) ? NULL : g_utf8_make_valid(s, -1);
	const char *t = valid ? valid : s;
	char *v = rg_text_visible(t, strlen(t), RG_TEXT_KEEP_LINES);
	g_free(valid);
	if (!v)
		d->oom = true;
	pango_layout_set_text(l, v ? v : "", -1);
	free(v);
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static PangoAlignment pango_align(enum rg_palign a)
{
	return a == RG_A_RIGHT ? PANGO_ALIGN_RIGHT : a == RG_A_CENTER ? PANGO_ALIGN_CENTER
	                                                            : PANGO_ALIGN_LEFT;
}

/* ------------------------------------------------------------------ */
/* The layout cache: each distinct text shaped once
 *
 * LC_SETS sets of LC_WAYS layouts, a set chosen by a hash of the key
 * (text, font, width in pango units, alignment, one-line mode), the least
 * recently used way of a set replaced on a miss.  A replaced way keeps its
 * PangoLayout object and only gets new parameters, so a miss costs what
 * laying the text out on a scratch layout did before.  A table row pins
 * the layouts of its cells until they are drawn (what the row does in
 * between, such as a page break with its footer, looks texts up too);
 * when every way of a set is pinned the caller gets its scratch layout.
 * Bounded: LC_SETS * LC_WAYS layouts (a few KB each) whatever the rows. */

#define LC_SETS 64
#define LC_WAYS 4

struct lc_ent {
	PangoLayout *l;  /* NULL: never filled */
	char *text;      /* the key's text as given (before rg_text_visible) */
	uint64_t hash;
	int width;       /* pango units, -1 unbounded */
	uint64_t used;   /* LRU stamp */
	unsigned char font, align, one_line, pinned;
};

struct rg_lcache {
	size_t sets; /* LC_SETS, or fewer for a test (RG_PDF_CACHE_SETS) */
	uint64_t clock;
	struct lc_ent *pins[RG_PTABLE_MAX_COLS];
	size_t n_pins;
	struct lc_ent ent[][LC_WAYS];
};

static void lcache_new(struct rg_pdoc *d)
{
	const char *off = getenv("RG_PDF_NO_CACHE");
	if (off && *off)
		return;
	/* Test hook: RG_PDF_CACHE_SETS=1 makes a cache of one set, so that a
	 * table row's cells pin every way and the scratch fallback runs. */
	size_t sets = LC_SETS;
	const char *n = getenv("RG_PDF_CACHE_SETS");
	if (n && *n >= '1' && *n <= '9') {
		sets = (size_t)strtoul(n, NULL, 10);
		if (sets > LC_SETS)
			sets = LC_SETS;
	}
	d->lcache = calloc(1, sizeof *d->lcache + sets * sizeof d->lcache->ent[0]);
	/* No cache on OOM: every text goes through the scratch layout. */
	if (d->lcache)
		d->lcache->sets = sets;
}

static void lcache_free(struct rg_pdoc *d)
{
	struct rg_lcache *c = d->lcache;
	if (!c)
		return;
	for (size_t i = 0; i < c->sets; i++)
		for (size_t j = 0; j < LC_WAYS; j++) {
			if (c->ent[i][j].l)
				g_object_unref(c->ent[i][j].l);
			free(c->ent[i][j].text);
		}
	free(c);
	d->lcache = NULL;
}

static uint64_t lc_hash(const char *s, size_t n, int font, int width, int align, int one_line)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	uint64_t k = (uint64_t)(unsigned)width << 16 | (uint64_t)font << 8 |
	             (uint64_t)align << 1 | (uint64_t)one_line;
	h ^= k * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static int pango_width(double width)
{
	return width > 0 ? (int)(width * PANGO_SCALE) : -1;
}

/* The text s laid out in font f, width (<= 0: unbounded), alignment a;
 * one_line: a single ellipsized line, else up to MAX_CELL_LINES lines.
 * The layout belongs to the cache (or is scratch, the fallback); it stays
 * valid until the next lookup unless pinned (unpin_all). */
static PangoLayout *laid_out(struct rg_pdoc *d, PangoLayout *scratch, enum rg_pfont f,
                             double width, bool one_line, enum rg_palign a, const char *s,
                             bool pin)
{
	struct rg_lcache *c = d->lcache;
	if (!c) {
		set_layout(d, scratch, f, width, one_line, s);
		pango_layout_set_alignment(scratch, pango_align(a));
		return scratch;
	}
	int pw = pango_width(width);
	size_t n = strlen(s);
	uint64_t h = lc_hash(s, n, (int)f, pw, (int)a, one_line);
	struct lc_ent *set = c->ent[h % c->sets], *victim = NULL;
	for (size_t j = 0; j < LC_WAYS; j++) {
		struct lc_ent *e = &set[j];
		if (e->l && e->hash == h && e->width == pw && e->font == f && e->align == a &&
		    e->one_line == one_line && strcmp(e->text, s) == 0) {
			e->used = ++c->clock;
			victim = e;
			goto found;
		}
		if (!e->pinned && (!victim || e->used < victim->used))
			victim = e;
	}
	if (!victim) {
		/* Every way holds a cell of the row being drawn. */
		set_layout(d, scratch, f, width, one_line, s);
		pango_layout_set_alignment(scratch, pango_align(a));
		return scratch;
	}
	char *copy = malloc(n + 1);
	if (!victim->l)
		victim->l = pango_layout_new(d->pc);
	if (!copy || !victim->l) {
		free(copy);
		d->oom = d->oom || !copy;
		set_layout(d, scratch, f, width, one_line, s);
		pango_layout_set_alignment(scratch, pango_align(a));
		return scratch;
	}
	memcpy(copy, s, n + 1);
	free(victim->text);
	victim->text = copy;
	victim->hash = h;
	victim->width = pw;
	victim->font = (unsigned char)f;
	victim->align = (unsigned char)a;
	victim->one_line = one_line;
	victim->used = ++c->clock;
	/* The same attributes as every layout of the document (no inserted
	 * hyphens), then the same settings, in the same order, as the
	 * scratch layouts get: the cache lays a text out exactly as they do. */
	pango_layout_set_attributes(victim->l, pango_layout_get_attributes(d->lay));
	set_layout(d, victim->l, f, width, one_line, s);
	pango_layout_set_alignment(victim->l, pango_align(a));
	/* Lay it out now, so that the size and the drawing read the same
	 * lines. */
	(void)layout_height(victim->l);
found:
	if (pin && !victim->pinned) {
		assert(c->n_pins < RG_PTABLE_MAX_COLS);
		victim->pinned = 1;
		c->pins[c->n_pins++] = victim;
	}
	return victim->l;
}

static void unpin_all(struct rg_pdoc *d)
{
	struct rg_lcache *c = d->lcache;
	if (!c)
		return;
	for (size_t i = 0; i < c->n_pins; i++)
		c->pins[i]->pinned = 0;
	c->n_pins = 0;
}

double rg_pdoc_text_height(struct rg_pdoc *d, enum rg_pfont f, double width, const char *s)
{
	return layout_height(laid_out(d, d->lay, f, width, false, RG_A_LEFT, s, false));
}

double rg_pdoc_text_width(struct rg_pdoc *d, enum rg_pfont f, const char *s)
{
	PangoLayout *l = laid_out(d, d->lay, f, -1, true, RG_A_LEFT, s, false);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

double rg_pdoc_draw_text(struct rg_pdoc *d, double x, double y, double width, enum rg_pfont f,
                         enum rg_tpl_colour c, enum rg_palign a, bool one_line, const char *s)
{
	PangoLayout *l = laid_out(d, d->lay, f, width, one_line, a, s, false);
	double h = layout_height(l);
	if (!d->dry) {
		rg_pdoc_colour(d, c);
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, l);
	}
	pango_layout_set_alignment(d->lay, PANGO_ALIGN_LEFT);
	return h;
}

void rg_pdoc_badge(struct rg_pdoc *d, double x, double y, double s, enum rg_verdict v)
{
	if (d->dry)
		return;
	cairo_t *cr = d->cr;
	struct rg_rgb k = rg_pdoc_status_colour(d, v);
	cairo_save(cr);
	cairo_set_source_rgb(cr, k.r, k.g, k.b);
	cairo_new_path(cr);
	/* Distinct shapes, so the status reads without colour too. */
	switch (v) {
	case RG_SATISFIED:
		cairo_arc(cr, x + s / 2, y + s / 2, s / 2, 0, 2 * M_PI);
		cairo_fill(cr);
		break;
	case RG_SATISFIED_LATE:
		cairo_move_to(cr, x, y + s);
		cairo_line_to(cr, x + s / 2, y);
		cairo_line_to(cr, x + s, y + s);
		cairo_close_path(cr);
		cairo_fill(cr);
		break;
	case RG_INSUFFICIENT_EVIDENCE:
		cairo_move_to(cr, x + s / 2, y);
		cairo_line_to(cr, x + s, y + s / 2);
		cairo_line_to(cr, x + s / 2, y + s);
		cairo_line_to(cr, x, y + s / 2);
		cairo_close_path(cr);
		cairo_fill(cr);
		break;
	case RG_NOT_APPLICABLE:
		cairo_set_line_width(cr, 1.2);
		cairo_arc(cr, x + s / 2, y + s / 2, s / 2 - 0.6, 0, 2 * M_PI);
		cairo_stroke(cr);
		break;
	default: /* not satisfied: a square with a white cross */
		cairo_rectangle(cr, x, y, s, s);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_set_line_width(cr, 1.1);
		cairo_move_to(cr, x + s * 0.25, y + s * 0.25);
		cairo_line_to(cr, x + s * 0.75, y + s * 0.75);
		cairo_move_to(cr, x + s * 0.75, y + s * 0.25);
		cairo_line_to(cr, x + s * 0.25, y + s * 0.75);
		cairo_stroke(cr);
		break;
	}
	cairo_restore(cr);
}

/* ------------------------------------------------------------------ */
/* Pages */

static void end_page(struct rg_pdoc *d)
{
	if (!d->page_open)
		return;
	d->page_open = false;
	if (d->dry)
		return;
	char page[24], pages[24];
	snprintf(page, sizeof page, "%d", d->page);
	snprintf(pages, sizeof pages, "%d", d->pages);
	struct rg_tpl_var v[] = {{"page", page}, {"pages", pages}};
	const char *s = rg_pdoc_text(d, RG_T_FOOTER, v, 2);
	double fy = d->bottom + (d->t->page_h - d->bottom) / 2 - d->t->font_size / 2;
	rg_pdoc_colour(d, RG_C_RULE);
	cairo_set_line_width(d->cr, 0.5);
	cairo_move_to(d->cr, d->x0, fy - 4);
	cairo_line_to(d->cr, d->x1, fy - 4);
	cairo_stroke(d->cr);
	rg_pdoc_draw_text(d, d->x0, fy, d->x1 - d->x0, RG_F_SMALL, RG_C_MUTED, RG_A_CENTER, true, s);
	cairo_show_page(d->cr);
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len);

/* Ends the surface of the chunk just drawn: destroys the context,
 * finishes the surface (cairo writes and frees the structure tree) and
 * gives the first failure to d->cairo_failed. */
static void finish_surface(struct rg_pdoc *d)
{
	cairo_status_t cs = cairo_status(d->cr);
	cairo_destroy(d->cr);
	d->cr = NULL;
	cairo_surface_finish(d->surf);
	if (cs == CAIRO_STATUS_SUCCESS)
		cs = cairo_surface_status(d->surf);
	cairo_surface_destroy(d->surf);
	d->surf = NULL;
	if (d->cairo_failed == CAIRO_STATUS_SUCCESS)
		d->cairo_failed = cs;
#ifdef __GLIBC__
	/* cairo has just freed the chunk's structure tree, which glibc would
	 * keep: give it back, so that the next chunk or the post-processing
	 * pass does not add to the peak. */
	malloc_trim(0);
#endif
}

/* Finishes the chunk just drawn and starts the next on a scratch file,
 * where Document is opened again at once and the other elements still
 * open when the next element starts (struct rg_pjoin). */
static void next_chunk(struct rg_pdoc *d)
{
	if (d->n_pending)
		reopen(d); /* a page with no element: they are part of this chunk */
	for (int i = d->n_open; i-- > 0;) {
		if (!grouping_tag(d->open_tag[i]))
			d->broken = "a content element spans a page break";
		cairo_tag_end(d->cr, d->open_tag[i]);
	}
	finish_surface(d);
	if (d->out && fflush(d->out) != 0 && !d->write_errno)
		d->write_errno = errno ? errno : EIO;
	FILE *fp = rg_scratch_file_near(d->path);
	if (!fp && !d->write_errno)
		d->write_errno = errno ? errno : EIO;
	FILE **more = rg_array_grow(d->more, &d->cap_more, d->n_more + 1, sizeof *more);
	if (more)
		d->more = more;
	size_t cap = d->n_more; /* join grows with more, one for one */
	struct rg_pjoin *join = more ? rg_array_grow(d->join, &cap, d->n_more + 1, sizeof *join)
	                             : NULL;
	if (join)
		d->join = join;
	if (!more || !join) {
		d->oom = true;
	} else if (fp) {
		d->join[d->n_more] = (struct rg_pjoin){d->n_open - 1, 0};
		d->more[d->n_more++] = fp;
		fp = NULL;
	}
	if (fp)
		fclose(fp);
	/* Drawing goes on even when the file failed (write_cb drops it): the
	 * failure is reported once the document is drawn. */
	d->out = d->n_more && !d->write_errno ? d->more[d->n_more - 1] : NULL;
	d->surf = cairo_pdf_surface_create_for_stream(write_cb, d, d->t->page_w, d->t->page_h);
	d->cr = cairo_create(d->surf);
	if (d->n_open == 0 || strcmp(d->open_tag[0], "Document") != 0) {
		d->broken = "a page outside the Document element";
		return;
	}
	cairo_tag_begin(d->cr, "Document", NULL);
	d->n_pending = d->n_open - 1;
}

void rg_pdoc_new_page(struct rg_pdoc *d)
{
	end_page(d);
	if (!d->dry && d->page > 0 && d->page % d->chunk_pages == 0)
		next_chunk(d);
	d->page++;
	d->page_open = true;
	d->y = d->top;
}

void rg_pdoc_need(struct rg_pdoc *d, double h)
{
	if (!d->page_open || (d->y + h > d->bottom && d->y > d->top))
		rg_pdoc_new_page(d);
}

void rg_pdoc_space(struct rg_pdoc *d, double h)
{
	if (d->y > d->top)
		d->y += h;
}

void rg_pdoc_heading(struct rg_pdoc *d, int level, const char *s, const char *dest,
                     double keep_with_next)
{
	enum rg_pfont f = level == 1 ? RG_F_H1 : level == 2 ? RG_F_H2 : RG_F_BOLD;
	double w = d->x1 - d->x0;
	double before = level == 1 ? 16 : level == 2 ? 12 : 6;
	double h = rg_pdoc_text_height(d, f, w, s);
	/* Keep the heading with the start of what follows: no widow heading
	 * at the foot of a page. */
	rg_pdoc_need(d, before + h + 6 + keep_with_next);
	rg_pdoc_space(d, before);
	const char *tag = level == 1 ? "H1" : level == 2 ? "H2" : "H3";
	rg_pdoc_tag(d, tag, NULL);
	if (dest && !d->dry) {
		char *a = rg_asprintf("name='%s' x=%d y=%d", dest, (int)d->x0, (int)d->y);
		if (a) {
			cairo_tag_begin(d->cr, CAIRO_TAG_DEST, a);
			cairo_tag_end(d->cr, CAIRO_TAG_DEST);
		}
		free(a);
	}
	rg_pdoc_draw_text(d, d->x0, d->y, w, f, RG_C_ACCENT, RG_A_LEFT, false, s);
	rg_pdoc_untag(d, tag);
	d->y += h + 2;
	if (level == 1 && !d->dry) {
		rg_pdoc_colour(d, RG_C_ACCENT);
		cairo_set_line_width(d->cr, 1.0);
		cairo_move_to(d->cr, d->x0, d->y);
		cairo_line_to(d->cr, d->x1, d->y);
		cairo_stroke(d->cr);
	}
	d->y += 4;
}

void rg_pdoc_para(struct rg_pdoc *d, enum rg_pfont f, enum rg_tpl_colour c, const char *s)
{
	double w = d->x1 - d->x0;
	double h = rg_pdoc_text_height(d, f, w, s);
	rg_pdoc_need(d, h);
	rg_pdoc_tag(d, "P", NULL);
	rg_pdoc_draw_text(d, d->x0, d->y, w, f, c, RG_A_LEFT, false, s);
	rg_pdoc_untag(d, "P");
	d->y += h + 4;
}

void rg_pdoc_field(struct rg_pdoc *d, const char *label, double label_w, enum rg_pfont f,
                   const char *value, int status)
{
	double vx = d->x0 + label_w + (status >= 0 ? BADGE + 4 : 0);
	double vw = d->x1 - vx;
	double lh = rg_pdoc_text_height(d, RG_F_BOLD, label_w - 6, label);
	PangoLayout *vl = laid_out(d, d->lay, f, vw, false, RG_A_LEFT, value, false);
	double vh = layout_height(vl);
	double base = (double)pango_layout_get_baseline(vl) / PANGO_SCALE;
	double h = lh > vh ? lh : vh;
	rg_pdoc_need(d, h);
	if (!d->dry && !d->fields_open) {
		rg_pdoc_tag(d, "Table", NULL);
		d->fields_open = true;
	}
	/* A row of the fields' table: the label is its row header.  The badge
	 * is drawn outside both cells (an artifact): the value says the
	 * status in words. */
	d->in_field = true;
	rg_pdoc_tag(d, "TR", NULL);
	rg_pdoc_tag(d, "TH", NULL);
	rg_pdoc_draw_text(d, d->x0, d->y, label_w - 6, RG_F_BOLD, RG_C_MUTED, RG_A_LEFT, false,
	                  label);
	rg_pdoc_untag(d, "TH");
	if (status >= 0)
		rg_pdoc_badge(d, d->x0 + label_w, d->y + base - BADGE + 0.5, BADGE,
		              (enum rg_verdict)status);
	rg_pdoc_tag(d, "TD", NULL);
	rg_pdoc_draw_text(d, vx, d->y, vw, f, RG_C_TEXT, RG_A_LEFT, false, value);
	rg_pdoc_untag(d, "TD");
	rg_pdoc_untag(d, "TR");
	d->in_field = false;
	d->y += h + 3;
}

/* ------------------------------------------------------------------ */
/* Tables */

static double header_height(struct rg_pdoc *d, struct rg_ptable *tb)
{
	double hh = 0;
	for (size_t i = 0; i < tb->n; i++) {
		double h = rg_pdoc_text_height(d, RG_F_SMALL_BOLD, tb->w[i] - 2 * PAD, tb->head[i]);
		if (h > hh)
			hh = h;
	}
	return hh + 2 * PAD;
}

/* The header row.  tagged: the table's THead, drawn once where the table
 * starts; otherwise the repetition on a continuation page, outside any
 * element (an artifact: a screen reader hears the header once). */
static void table_header(struct rg_pdoc *d, struct rg_ptable *tb, bool tagged)
{
	double hh = header_height(d, tb);
	if (!d->dry) {
		rg_pdoc_colour(d, RG_C_HEADER_BG);
		cairo_rectangle(d->cr, d->x0, d->y, d->x1 - d->x0, hh);
		cairo_fill(d->cr);
	}
	if (tagged) {
		rg_pdoc_tag(d, "THead", NULL);
		rg_pdoc_tag(d, "TR", NULL);
	}
	for (size_t i = 0; i < tb->n; i++) {
		if (tagged)
			rg_pdoc_tag(d, "TH", NULL);
		rg_pdoc_draw_text(d, tb->x[i] + PAD, d->y + PAD, tb->w[i] - 2 * PAD, RG_F_SMALL_BOLD,
		                  RG_C_TEXT, tb->cols[i].align, false, tb->head[i]);
		if (tagged)
			rg_pdoc_untag(d, "TH");
	}
	if (tagged) {
		rg_pdoc_untag(d, "TR");
		rg_pdoc_untag(d, "THead");
	}
	d->y += hh;
	tb->rows_on_page = 0;
}

/* Opens the table's element with its header row. */
static void table_open(struct rg_pdoc *d, struct rg_ptable *tb)
{
	rg_pdoc_tag(d, "Table", NULL);
	tb->tag_open = true;
	table_header(d, tb, true);
	tb->header_pending = false;
}

/* Records what a link leads to, for its annotation's /Contents. */
static void add_link_alt(struct rg_pdoc *d, const char *alt)
{
	if (d->n_links == d->cap_links) {
		size_t cap = d->cap_links ? 2 * d->cap_links : 16;
		char **v = realloc(d->link_alt, cap * sizeof *v);
		if (!v) {
			d->oom = true;
			return;
		}
		d->link_alt = v;
		d->cap_links = cap;
	}
	char *s = rg_asprintf("%s", alt);
	if (!s) {
		d->oom = true;
		return;
	}
	d->link_alt[d->n_links++] = s;
}

void rg_pdoc_table_begin(struct rg_pdoc *d, struct rg_ptable *tb, double min_rows)
{
	if (tb->n > RG_PTABLE_MAX_COLS)
		tb->n = RG_PTABLE_MAX_COLS;
	double total = 0;
	for (size_t i = 0; i < tb->n; i++)
		total += tb->cols[i].share;
	double x = d->x0, w = d->x1 - d->x0;
	for (size_t i = 0; i < tb->n; i++) {
		tb->x[i] = x;
		tb->w[i] = w * tb->cols[i].share / total;
		x += tb->w[i];
	}
	double hh = header_height(d, tb);
	rg_pdoc_need(d, hh + min_rows * (d->t->font_size * 1.5 + 2 * PAD));
	/* The header is drawn with the first row, so that it never stands
	 * alone at the foot of a page. */
	tb->header_pending = true;
}

static double cell_text_w(const struct rg_ptable *tb, size_t i, const struct rg_pcell *c)
{
	return tb->w[i] - 2 * PAD - (c->status >= 0 ? BADGE + 3 : 0);
}

double rg_pdoc_table_row_height(struct rg_pdoc *d, struct rg_ptable *tb,
                                const struct rg_pcell *cells)
{
	double rh = 0;
	for (size_t i = 0; i < tb->n; i++) {
		PangoLayout *l = laid_out(d, d->lay, tb->cols[i].font, cell_text_w(tb, i, &cells[i]),
		                          false, tb->cols[i].align, cells[i].text ? cells[i].text : "",
		                          false);
		double h = layout_height(l);
		if (h > rh)
			rh = h;
	}
	return rh + 2 * PAD;
}

void rg_pdoc_table_row(struct rg_pdoc *d, struct rg_ptable *tb, const struct rg_pcell *cells)
{
	double rh = 0;
	PangoLayout *cl[RG_PTABLE_MAX_COLS];
	double kept_base[RG_PTABLE_MAX_COLS]; /* a cell drawn from the spool: its baseline */
	uint64_t key[RG_PTABLE_MAX_COLS];
	const char *text[RG_PTABLE_MAX_COLS];
	rg_arena_tick(); /* a row is an item of the results: see arena.h */
	for (size_t i = 0; i < tb->n; i++) {
		text[i] = cells[i].text ? cells[i].text : "";
		key[i] = lc_hash(text[i], strlen(text[i]), (int)tb->cols[i].font,
		                 pango_width(cell_text_w(tb, i, &cells[i])), (int)tb->cols[i].align, 0);
	}
	bool spooled = !d->dry && rg_pspool_next(d->spool, tb->n);
	for (size_t i = 0; i < tb->n; i++) {
		double h;
		if (spooled && rg_pspool_cell(d->spool, i, key[i], &h, &kept_base[i])) {
			cl[i] = NULL;
		} else {
			/* Pinned: the page break below may lay other texts out first. */
			cl[i] = laid_out(d, d->cell[i], tb->cols[i].font, cell_text_w(tb, i, &cells[i]),
			                 false, tb->cols[i].align, text[i], true);
			h = layout_height(cl[i]);
		}
		if (h > rh)
			rh = h;
	}
	if (d->dry)
		rg_pspool_put(d->spool, tb->n, key, cl);
	rh += 2 * PAD;
	if (tb->header_pending) {
		rg_pdoc_need(d, header_height(d, tb) + rh);
		table_open(d, tb);
		rg_pdoc_tag(d, "TBody", NULL);
		tb->body_open = true;
	} else if (d->y + rh > d->bottom) {
		/* Continue on the next page, in the same Table element, under a
		 * caption and the header repeated for the eye only: both are
		 * drawn outside any element (artifacts). */
		rg_pdoc_new_page(d);
		if (tb->caption) {
			struct rg_tpl_var v = {"title", tb->caption};
			const char *s = rg_pdoc_text(d, RG_T_CONTINUED, &v, 1);
			double w = d->x1 - d->x0;
			double h = rg_pdoc_text_height(d, RG_F_SMALL, w, s);
			rg_pdoc_draw_text(d, d->x0, d->y, w, RG_F_SMALL, RG_C_MUTED, RG_A_LEFT, false, s);
			d->y += h + 4;
		}
		table_header(d, tb, false);
	}
	if (!d->dry) {
		if (tb->rows_on_page % 2 == 1) {
			rg_pdoc_colour(d, RG_C_STRIPE);
			cairo_rectangle(d->cr, d->x0, d->y, d->x1 - d->x0, rh);
			cairo_fill(d->cr);
		}
		rg_pdoc_colour(d, RG_C_RULE);
		cairo_set_line_width(d->cr, 0.4);
		cairo_move_to(d->cr, d->x0, d->y + rh);
		cairo_line_to(d->cr, d->x1, d->y + rh);
		cairo_stroke(d->cr);
		rg_pdoc_tag(d, "TR", NULL);
		for (size_t i = 0; i < tb->n; i++) {
			PangoLayout *l = cl[i];
			double tx = tb->x[i] + PAD;
			/* A link needs something drawn to have an area: none on
			 * an empty cell. */
			const struct rg_plink *link = cells[i].text && *cells[i].text && cells[i].link &&
			                                      cells[i].link->attrs
			                                  ? cells[i].link
			                                  : NULL;
			/* The badge before the cell's element: an artifact, the
			 * status word next to it is the content. */
			if (cells[i].status >= 0) {
				double base = l ? (double)pango_layout_get_baseline(l) / PANGO_SCALE
				                : kept_base[i];
				rg_pdoc_badge(d, tx, d->y + PAD + base - BADGE + 0.5, BADGE,
				              (enum rg_verdict)cells[i].status);
				tx += BADGE + 3;
			}
			rg_pdoc_tag(d, "TD", NULL);
			if (link) {
				rg_pdoc_tag(d, CAIRO_TAG_LINK, link->attrs);
				add_link_alt(d, link->alt ? link->alt : cells[i].text);
			}
			rg_pdoc_colour(d, link ? RG_C_ACCENT : RG_C_TEXT);
			cairo_move_to(d->cr, tx, d->y + PAD);
			if (l)
				pango_cairo_show_layout(d->cr, l);
			else
				rg_pspool_show(d->spool, i, d->cr);
			if (link)
				rg_pdoc_untag(d, CAIRO_TAG_LINK);
			rg_pdoc_untag(d, "TD");
		}
		rg_pdoc_untag(d, "TR");
	}
	unpin_all(d);
	d->y += rh;
	tb->rows_on_page++;
}

void rg_pdoc_table_end(struct rg_pdoc *d, struct rg_ptable *tb)
{
	if (tb->header_pending) {
		/* No rows: the header alone still says what would be there. */
		rg_pdoc_need(d, header_height(d, tb));
		table_open(d, tb);
	}
	if (tb->body_open)
		rg_pdoc_untag(d, "TBody");
	if (tb->tag_open)
		rg_pdoc_untag(d, "Table");
	tb->tag_open = tb->body_open = false;
	d->y += 8;
}

/* ------------------------------------------------------------------ */
/* The two passes */

/* A failed write is recorded and reported once the document is finished,
 * and what follows is discarded: cairo 1.16 told of a write error in the
 * middle of a tagged PDF later fails an assertion (cairo-array.c,
 * _cairo_array_index_const) and aborts, leaving the temporaries behind
 * (found under ulimit -f, issue 15). */
static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	struct rg_pdoc *d = closure;
	if (!d->out && !d->write_errno)
		d->write_errno = EIO;
	if (!d->write_errno && len && fwrite(data, 1, len, d->out) != len)
		d->write_errno = errno ? errno : EIO;
	return CAIRO_STATUS_SUCCESS;
}

static void start_pass(struct rg_pdoc *d, bool dry)
{
	d->dry = dry;
	d->page = 0;
	d->page_open = false;
	d->x0 = d->t->margin;
	d->x1 = d->t->page_w - d->t->margin;
	d->top = d->t->margin;
	d->bottom = d->t->page_h - d->t->margin;
	d->y = d->top;
}

rg_status rg_pdoc_measure(const struct rg_results *r, const struct rg_template *t,
                          rg_pdoc_body body, int *pages, struct rg_diags *diags)
{
	struct rg_pdoc d = {.t = t, .r = r, .diags = diags, .record_pages = pages};
	for (size_t i = 0; i < r->n_actions; i++)
		pages[i] = 0;
	rg_status st = load_fonts(&d);
	if (st == RG_OK) {
		doc_vars(&d);
		start_pass(&d, true);
		body(&d);
		end_page(&d);
		if (d.oom)
			st = RG_EENV;
	}
	ring_free(&d);
	free_vars(&d);
	free_fonts(&d);
	return st;
}

rg_status rg_pdoc_render(const struct rg_results *r, const struct rg_template *t,
                         const struct rg_pdf_signer *signer, const char *path,
                         enum rg_tpl_key title_key, rg_pdoc_body body,
                         const int *report_pages, int *record_pages, struct rg_diags *diags)
{
	struct rg_pdoc d = {.t = t, .r = r, .signer = signer, .diags = diags, .path = path,
	                    .report_pages = report_pages, .record_pages = record_pages,
	                    .chunk_pages = RG_PDOC_CHUNK_PAGES};
	/* Test hook (tests/pdf/chunks.py): shorter chunks. */
	const char *chunk = getenv("RG_PDF_CHUNK_PAGES");
	if (chunk && *chunk >= '1' && *chunk <= '9')
		d.chunk_pages = (int)strtol(chunk, NULL, 10);
	for (size_t i = 0; record_pages && i < r->n_actions; i++)
		record_pages[i] = 0;
	rg_status st = load_fonts(&d);
	if (st != RG_OK) {
		free_fonts(&d);
		return st;
	}
	doc_vars(&d);
	char *title = rg_tpl_expand(t->text[title_key], d.vars, d.n_vars, NULL, 0);
	char *subject = rg_tpl_expand(t->text[RG_T_SUBJECT], d.vars, d.n_vars, NULL, 0);
	/* The document information (and the XMP made from it) is shown by
	 * viewers as it is, so it gets the visible escapes the page text
	 * gets: a bidi override in the agency's name must not turn a title
	 * round in a viewer's title bar (docs/security.md, spoofed display). */
	const char *agency = r->bundle.agency_name ? r->bundle.agency_name
	                                            : nz(r->bundle.agency_id);
	char *meta_title = title ? rg_text_visible(title, strlen(title), 0) : NULL;
	char *meta_author = rg_text_visible(agency, strlen(agency), 0);
	char *meta_subject = subject ? rg_text_visible(subject, strlen(subject), 0) : NULL;
	if (!title || !subject || d.oom || !meta_title || !meta_author || !meta_subject) {
		st = RG_EENV;
		goto out;
	}
	d.footer_title = title;

	/* Pass 1: measure and count pages, keeping the table rows laid out. */
	if (d.lcache)
		d.spool = rg_pspool_new(path);
	start_pass(&d, true);
	body(&d);
	end_page(&d);
	d.pages = d.page;
	d.record_pages = NULL; /* recorded once, by the measuring pass */
	rg_pspool_rewind(d.spool);

	/* Pass 2: draw. */
	d.fp = fopen(path, "w+b");
	if (!d.fp) {
		rg_diag_err(diags, "pdf.write", path, 0, NULL, NULL, "cannot create the PDF: %s",
		            strerror(errno));
		st = RG_EENV;
		goto out;
	}
	d.out = d.fp;
	d.surf = cairo_pdf_surface_create_for_stream(write_cb, &d, t->page_w, t->page_h);
	char date[RG_TIME_BUFSZ];
	/* Whole seconds: the PDF date format has no fractions, and the same
	 * SOURCE_DATE_EPOCH must give the same bytes. */
	int64_t secs = r->generated_ms - ((r->generated_ms % 1000) + 1000) % 1000;
	rg_time_format_utc(date, secs);
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_TITLE, meta_title);
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_AUTHOR, meta_author);
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_SUBJECT, meta_subject);
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_CREATOR, "reportgen");
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_MOD_DATE, date);
	d.cr = cairo_create(d.surf);
	start_pass(&d, false);
	/* One Document element holds the whole structure tree (PDF/UA-1
	 * 7.1); it also has cairo mark the file /Marked. */
	rg_pdoc_tag(&d, "Document", NULL);
	body(&d);
	/* Closed before the last page is shown: a tag after it would belong
	 * to a page of its own. */
	close_fields(&d);
	rg_pdoc_untag(&d, "Document");
	end_page(&d);
	add_outline(&d);
	/* Both passes run the same code on the same metrics. */
	if (d.page != d.pages) {
		rg_diag_err(diags, "pdf.internal", path, 0, NULL, NULL,
		            "page count changed between passes (%d then %d)", d.pages, d.page);
		st = RG_EENV;
	}
	finish_surface(&d);
	cairo_status_t cs = d.cairo_failed;
	if (d.broken) {
		rg_diag_err(diags, "pdf.internal", path, 0, NULL, NULL,
		            "the document's structure could not be drawn: %s", d.broken);
		st = RG_EENV;
	}
	if (d.write_errno) {
		rg_diag_err(diags, "pdf.write", path, 0, NULL, NULL, "cannot write the PDF: %s",
		            strerror(d.write_errno));
		st = RG_EENV;
	} else if (cs != CAIRO_STATUS_SUCCESS) {
		rg_diag_err(diags, "pdf.cairo", path, 0, NULL, NULL, "cairo could not draw the PDF: %s",
		            cairo_status_to_string(cs));
		st = RG_EENV;
	}
	if (st == RG_OK && d.oom)
		st = RG_EENV;
	if (st == RG_OK) {
		const struct rg_pdf_post post = {
			.lang = t->lang, .title = meta_title, .author = meta_author, .subject = meta_subject,
			.date = date, .figure_alt = d.figure_alt,
			.link_alt = d.link_alt, .n_links = d.n_links,
			.more = d.more, .join = d.join, .n_more = d.n_more,
		};
		st = rg_pdf_post_process(d.fp, path, &post, diags);
	}
	if (fclose(d.fp) != 0 && st == RG_OK) {
		rg_diag_err(diags, "pdf.write", path, 0, NULL, NULL, "cannot write the PDF: %s",
		            strerror(errno));
		st = RG_EENV;
	}
	d.fp = NULL;
out:
	free(title);
	free(subject);
	free(meta_title);
	free(meta_author);
	free(meta_subject);
	free(d.figure_alt);
	for (size_t i = 0; i < d.n_links; i++)
		free(d.link_alt[i]);
	free(d.link_alt);
	for (size_t i = 0; i < d.n_outline; i++) {
		free(d.outline[i].title);
		free(d.outline[i].attrs);
	}
	free(d.outline);
	for (size_t i = 0; i < d.n_more; i++)
		fclose(d.more[i]);
	free(d.more);
	free(d.join);
	rg_pspool_free(d.spool);
	ring_free(&d);
	free_vars(&d);
	free_fonts(&d);
	return st;
}

enum rg_verdict rg_pdoc_overall_verdict(enum rg_overall o)
{
	return o == RG_COMPLIANT ? RG_SATISFIED
	       : o == RG_COMPLIANT_LATE ? RG_SATISFIED_LATE
	                                : RG_NOT_SATISFIED;
}

const char *rg_pdoc_var(struct rg_pdoc *d, const char *name)
{
	for (size_t i = 0; i < d->n_vars; i++)
		if (strcmp(d->vars[i].name, name) == 0)
			return d->vars[i].value;
	return "";
}

/* ------------------------------------------------------------------ */
/* Additions for keeping a heading with its table (issue 12) */

double rg_pdoc_table_lead(struct rg_pdoc *d, struct rg_ptable *tb, const struct rg_pcell *first)
{
	/* The columns as rg_pdoc_table_begin lays them out. */
	size_t n = tb->n > RG_PTABLE_MAX_COLS ? RG_PTABLE_MAX_COLS : tb->n;
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += tb->cols[i].share;
	double x = d->x0, w = d->x1 - d->x0;
	for (size_t i = 0; i < n; i++) {
		tb->x[i] = x;
		tb->w[i] = w * tb->cols[i].share / total;
		x += tb->w[i];
	}
	double h = header_height(d, tb);
	if (first)
		h += rg_pdoc_table_row_height(d, tb, first);
	return h;
}
