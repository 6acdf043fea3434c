/*
 * rollup_pdf.c: rollup.pdf, CISA's view of the counted agencies (see
 * rollup.h), drawn with the PDF views' layout engine (views/pdf_doc.h).
 *
 * Page 1 is the overview: how many reports were given, counted, superseded
 * and rejected; the agencies by overall result; for each action, how many
 * agencies satisfied it, satisfied it late, have it open, or were not
 * concerned; the agencies with the most open items.  Then a page (or more)
 * per action listing every counted agency, worst first, and last the
 * reports not counted, each with its reason.  Bookmarks for each section,
 * tagged like the reports.
 *
 * The engine draws a results model: its placeholders ({directive},
 * {agency} ...) and document properties come from one.  A roll-up has no
 * single model, so it hands the engine one made for the purpose (struct
 * rollup_doc: the directive of the counted reports, "N agencies" where a
 * report has its agency, the newest report's time), with the roll-up
 * itself behind it in the same struct; the body gets back to it from the
 * model's address (the model is the struct's first member).  The words of
 * this document are written here, in English; the template supplies the
 * fonts, colours, page size, status words and the continued-table caption.
 * Moving them into templates/ needs new template keys (views/template.c).
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/timefmt.h"
#include "export/rollup.h"
#include "rg_config.h"
#include "views/pdf_doc.h"

#define TOP_OPEN 10 /* agencies listed under "most open items" */

struct rollup_doc {
	struct rg_results r; /* first: the engine reads it as the document's model */
	const struct rg_rollup *ru;
};

static const struct rg_rollup *ru_of(const struct rg_pdoc *d)
{
	return ((const struct rollup_doc *)(const void *)d->r)->ru;
}

static const struct rg_rollup_report *agency(const struct rg_rollup *ru, size_t i)
{
	return &ru->reports[ru->agencies[i]];
}

static void h1(struct rg_pdoc *d, const char *s, const char *dest)
{
	rg_pdoc_heading(d, 1, s, dest, 40);
	d->outline_parent = rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, s, dest, true);
}

static void h2(struct rg_pdoc *d, const char *s, const char *dest)
{
	rg_pdoc_heading(d, 2, s, dest, 40);
	rg_pdoc_outline(d, d->outline_parent, s, dest, false);
}

#define NUMSZ 24
static const char *num(char buf[NUMSZ], size_t v)
{
	snprintf(buf, NUMSZ, "%zu", v);
	return buf;
}

static void overall_table(struct rg_pdoc *d, const struct rg_rollup *ru)
{
	static const struct rg_pcol cols[] = {
	    {3.0, RG_F_SMALL, RG_A_LEFT}, {1.0, RG_F_SMALL, RG_A_RIGHT}, {1.0, RG_F_SMALL, RG_A_RIGHT}};
	static const char *const head[] = {"Overall result", "Agencies", "Share"};
	struct rg_ptable tb = {.cols = cols, .n = 3, .head = head, .caption = "Agencies by result"};
	rg_pdoc_table_begin(d, &tb, 3);
	for (int o = 0; o < RG_OVERALL_COUNT; o++) {
		char share[16], n0[NUMSZ];
		snprintf(share, sizeof share, "%.0f%%", 100.0 * (double)ru->per_overall[o] /
		                                             (double)(ru->counted ? ru->counted : 1));
		struct rg_pcell c[] = {{rg_overall_words[o], (int)rg_pdoc_overall_verdict(o), NULL},
		                       {num(n0, ru->per_overall[o]), -1, NULL},
		                       {share, -1, NULL}};
		rg_pdoc_table_row(d, &tb, c);
	}
	rg_pdoc_table_end(d, &tb);
}

static void actions_table(struct rg_pdoc *d, const struct rg_rollup *ru)
{
	static const struct rg_pcol cols[] = {
	    {0.9, RG_F_SMALL_BOLD, RG_A_LEFT}, {3.2, RG_F_SMALL, RG_A_LEFT},
	    {0.9, RG_F_SMALL, RG_A_LEFT},      {0.9, RG_F_SMALL, RG_A_RIGHT},
	    {0.7, RG_F_SMALL, RG_A_RIGHT},     {0.7, RG_F_SMALL, RG_A_RIGHT},
	    {0.9, RG_F_SMALL, RG_A_RIGHT}};
	static const char *const head[] = {"Action",  "Title", "Kind", "Satisfied",
	                                   "Late",    "Open",  "Not applicable"};
	struct rg_ptable tb = {.cols = cols, .n = 7, .head = head, .caption = "Agencies per action"};
	rg_pdoc_table_begin(d, &tb, 2);
	for (size_t k = 0; k < ru->n_actions; k++) {
		const struct rg_rollup_action *a = &ru->actions[k];
		char *dest = rg_pdoc_dest_name("act-", a->id);
		char *link = dest ? rg_asprintf("dest='%s'", dest) : NULL;
		struct rg_plink lk = {link, a->title};
		size_t open = a->agencies[RG_NOT_SATISFIED] + a->agencies[RG_INSUFFICIENT_EVIDENCE];
		char n0[NUMSZ], n1[NUMSZ], n2[NUMSZ], n3[NUMSZ];
		struct rg_pcell c[] = {
		    {a->id, -1, link ? &lk : NULL},
		    {a->title, -1, NULL},
		    {rg_action_kind_names[a->kind], -1, NULL},
		    {num(n0, a->agencies[RG_SATISFIED]), -1, NULL},
		    {num(n1, a->agencies[RG_SATISFIED_LATE]), -1, NULL},
		    {num(n2, open), open ? RG_NOT_SATISFIED : -1, NULL},
		    {num(n3, a->agencies[RG_NOT_APPLICABLE]), -1, NULL},
		};
		rg_pdoc_table_row(d, &tb, c);
		free(link);
		free(dest);
	}
	rg_pdoc_table_end(d, &tb);
}

static int by_open(const void *a, const void *b, void *ctx)
{
	const struct rg_rollup *ru = ctx;
	const struct rg_rollup_report *x = agency(ru, *(const size_t *)a);
	const struct rg_rollup_report *y = agency(ru, *(const size_t *)b);
	if (x->items_open != y->items_open)
		return x->items_open > y->items_open ? -1 : 1;
	return strcmp(x->agency_id, y->agency_id);
}

struct by_action_ctx {
	const struct rg_rollup *ru;
	size_t k;
};

/* Worst status first, then most open items, then agency id. */
static int by_action(const void *a, const void *b, void *ctx)
{
	const struct by_action_ctx *c = ctx;
	const struct rg_rollup_cell *x = &agency(c->ru, *(const size_t *)a)->cells[c->k];
	const struct rg_rollup_cell *y = &agency(c->ru, *(const size_t *)b)->cells[c->k];
	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (x->open != y->open)
		return x->open > y->open ? -1 : 1;
	return strcmp(agency(c->ru, *(const size_t *)a)->agency_id,
	              agency(c->ru, *(const size_t *)b)->agency_id);
}

static size_t *order(struct rg_pdoc *d, const struct rg_rollup *ru)
{
	size_t *ix = malloc((ru->counted + 1) * sizeof *ix);
	if (!ix) {
		d->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < ru->counted; i++)
		ix[i] = i;
	return ix;
}

static void most_open(struct rg_pdoc *d, const struct rg_rollup *ru)
{
	size_t *ix = order(d, ru);
	if (!ix)
		return;
	qsort_r(ix, ru->counted, sizeof *ix, by_open, (void *)ru);
	size_t n = 0;
	while (n < ru->counted && n < TOP_OPEN && agency(ru, ix[n])->items_open > 0)
		n++;
	if (n == 0) {
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, "No agency has an open item of a required action.");
		free(ix);
		return;
	}
	static const struct rg_pcol cols[] = {
	    {0.9, RG_F_SMALL_BOLD, RG_A_LEFT}, {3.0, RG_F_SMALL, RG_A_LEFT},
	    {1.6, RG_F_SMALL, RG_A_LEFT},      {0.8, RG_F_SMALL, RG_A_RIGHT},
	    {0.8, RG_F_SMALL, RG_A_RIGHT}};
	static const char *const head[] = {"Agency", "Name", "Overall", "Open items", "Late items"};
	struct rg_ptable tb = {.cols = cols, .n = 5, .head = head, .caption = "Most open items"};
	rg_pdoc_table_begin(d, &tb, 2);
	for (size_t i = 0; i < n; i++) {
		const struct rg_rollup_report *rep = agency(ru, ix[i]);
		char n0[NUMSZ], n1[NUMSZ];
		struct rg_pcell c[] = {
		    {rep->agency_id, -1, NULL},
		    {rep->agency_name ? rep->agency_name : "", -1, NULL},
		    {rg_overall_words[rep->overall], (int)rg_pdoc_overall_verdict(rep->overall), NULL},
		    {num(n0, rep->items_open), -1, NULL},
		    {num(n1, rep->items_late), -1, NULL},
		};
		rg_pdoc_table_row(d, &tb, c);
	}
	rg_pdoc_table_end(d, &tb);
	free(ix);
}

static void overview(struct rg_pdoc *d, const struct rg_rollup *ru)
{
	char t[RG_TIME_BUFSZ + 4];
	const struct rg_rollup_definition *def = ru->definition;
	rg_pdoc_need(d, 1);
	h1(d, rg_pdoc_text(d, RG_T_REPORT_TITLE, NULL, 0), "top");
	char *s = rg_asprintf(
	    "As of %s, the newest report counted. %zu reports given: %zu counted (the newest of "
	    "each agency, its signature verified), %zu superseded by a newer report of the same "
	    "agency, %zu rejected (listed at the end; a rejected report is counted nowhere).",
	    rg_pdoc_time(t, (struct rg_time){ru->as_of_ms, 0}), ru->n_reports, ru->counted,
	    ru->superseded, ru->rejected);
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, s ? s : "");
	free(s);
	s = rg_asprintf("Judged against the %s definition version %s (SHA-256 %s)%s.",
	                def->directive, def->version ? def->version : "unstated", def->sha256,
	                def->installed ? "" : ", NOT the definition installed with reportgen");
	rg_pdoc_para(d, RG_F_SMALL, RG_C_MUTED, s ? s : "");
	free(s);
	h2(d, "Agencies by overall result", "overall");
	overall_table(d, ru);
	h2(d, "Agencies per action", "actions");
	actions_table(d, ru);
	h2(d, "Agencies with the most open items", "most-open");
	most_open(d, ru);
}

static void action_page(struct rg_pdoc *d, const struct rg_rollup *ru, size_t k)
{
	const struct rg_rollup_action *a = &ru->actions[k];
	rg_pdoc_new_page(d);
	char *dest = rg_pdoc_dest_name("act-", a->id);
	char *title = rg_asprintf("%s %s", a->id, a->title ? a->title : "");
	if (!dest || !title)
		d->oom = true;
	h1(d, title ? title : "", dest);
	size_t open = a->agencies[RG_NOT_SATISFIED] + a->agencies[RG_INSUFFICIENT_EVIDENCE];
	char *s = rg_asprintf("%s action. Agencies: %zu satisfied, %zu satisfied late, %zu open "
	                      "(%zu not satisfied, %zu with insufficient evidence), %zu not "
	                      "applicable.",
	                      a->kind == RG_KIND_REQUIRED ? "Required" : "Advisory",
	                      a->agencies[RG_SATISFIED], a->agencies[RG_SATISFIED_LATE], open,
	                      a->agencies[RG_NOT_SATISFIED], a->agencies[RG_INSUFFICIENT_EVIDENCE],
	                      a->agencies[RG_NOT_APPLICABLE]);
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, s ? s : "");
	free(s);
	size_t *ix = order(d, ru);
	if (ix) {
		struct by_action_ctx c = {ru, k};
		qsort_r(ix, ru->counted, sizeof *ix, by_action, &c);
		static const struct rg_pcol cols[] = {
		    {0.9, RG_F_SMALL_BOLD, RG_A_LEFT}, {3.0, RG_F_SMALL, RG_A_LEFT},
		    {1.6, RG_F_SMALL, RG_A_LEFT},      {0.7, RG_F_SMALL, RG_A_RIGHT},
		    {0.7, RG_F_SMALL, RG_A_RIGHT},     {0.7, RG_F_SMALL, RG_A_RIGHT}};
		static const char *const head[] = {"Agency", "Name", "Status", "Open", "Late", "Items"};
		struct rg_ptable tb = {.cols = cols, .n = 6, .head = head, .caption = title};
		rg_pdoc_table_begin(d, &tb, 2);
		for (size_t i = 0; i < ru->counted; i++) {
			const struct rg_rollup_report *rep = agency(ru, ix[i]);
			const struct rg_rollup_cell *cell = &rep->cells[k];
			char n0[NUMSZ], n1[NUMSZ], n2[NUMSZ];
			struct rg_pcell row[] = {
			    {rep->agency_id, -1, NULL},
			    {rep->agency_name ? rep->agency_name : "", -1, NULL},
			    {rg_pdoc_status_word(d, cell->status), (int)cell->status, NULL},
			    {num(n0, cell->open), -1, NULL},
			    {num(n1, cell->late), -1, NULL},
			    {num(n2, cell->items), -1, NULL},
			};
			rg_pdoc_table_row(d, &tb, row);
		}
		rg_pdoc_table_end(d, &tb);
		free(ix);
	}
	free(title);
	free(dest);
}

static void not_counted(struct rg_pdoc *d, const struct rg_rollup *ru)
{
	if (ru->rejected + ru->superseded == 0)
		return;
	rg_pdoc_new_page(d);
	h1(d, "Reports not counted", "not-counted");
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT,
	             "Rejected reports did not verify against the trust anchors or are not valid "
	             "reports; superseded ones are older reports of an agency whose newer report "
	             "is counted.");
	static const struct rg_pcol cols[] = {{2.2, RG_F_SMALL, RG_A_LEFT},
	                                      {0.9, RG_F_SMALL_BOLD, RG_A_LEFT},
	                                      {1.0, RG_F_SMALL, RG_A_LEFT},
	                                      {3.4, RG_F_SMALL, RG_A_LEFT}};
	static const char *const head[] = {"Report", "Agency", "Not counted", "Why"};
	struct rg_ptable tb = {.cols = cols, .n = 4, .head = head, .caption = "Reports not counted"};
	rg_pdoc_table_begin(d, &tb, 2);
	for (size_t i = 0; i < ru->n_reports; i++) {
		const struct rg_rollup_report *rep = &ru->reports[i];
		if (rep->state == RG_ROLLUP_COUNTED)
			continue;
		bool rej = rep->state == RG_ROLLUP_REJECTED;
		struct rg_pcell c[] = {
		    {rep->path, -1, NULL},
		    {rep->agency_id ? rep->agency_id : "", -1, NULL},
		    {rej ? "rejected" : "superseded", rej ? RG_NOT_SATISFIED : -1, NULL},
		    {rep->reason ? rep->reason : "", -1, NULL},
		};
		rg_pdoc_table_row(d, &tb, c);
	}
	rg_pdoc_table_end(d, &tb);
}

static void body(struct rg_pdoc *d)
{
	const struct rg_rollup *ru = ru_of(d);
	overview(d, ru);
	for (size_t k = 0; k < ru->n_actions; k++)
		action_page(d, ru, k);
	not_counted(d, ru);
}

rg_status rg_rollup_write_pdf(const struct rg_rollup *ru, const struct rg_template *tpl,
                              const char *path, struct rg_diags *diags)
{
	const struct rg_rollup_definition *def = ru->definition;
	char agencies[64];
	snprintf(agencies, sizeof agencies, "%zu agenc%s", ru->counted, ru->counted == 1 ? "y" : "ies");
	struct rollup_doc doc = {.ru = ru};
	struct rg_results *r = &doc.r;
	r->bundle.agency_name = agencies;
	r->bundle.agency_id = "CISA";
	r->bundle.name = "roll-up";
	r->bundle.directive = def->directive;
	r->directive.id = def->directive;
	r->directive.version = def->version;
	r->directive.title = def->title;
	r->directive.installed = def->installed;
	memcpy(r->directive.sha256, def->sha256, sizeof r->directive.sha256);
	r->overall = ru->per_overall[RG_NON_COMPLIANT]    ? RG_NON_COMPLIANT
	             : ru->per_overall[RG_COMPLIANT_LATE] ? RG_COMPLIANT_LATE
	                                                  : RG_COMPLIANT;
	r->generated_ms = ru->as_of_ms;
	r->generator = "reportgen " RG_VERSION;
	/* The template's look; this document's own title, subject and footer. */
	struct rg_template t = *tpl;
	t.text[RG_T_REPORT_TITLE] = "{directive} roll-up of {agency}";
	t.text[RG_T_SUBJECT] = "CISA's roll-up of the signed {directive} compliance reports of "
	                       "{agency}";
	t.text[RG_T_FOOTER] = "{directive} roll-up of {agency} · page {page} of {pages}";
	return rg_pdoc_render(r, &t, NULL, path, RG_T_REPORT_TITLE, body, NULL, NULL, diags);
}
