/*
 * pdf_summary.c: summary.pdf, at most two pages for an executive.
 *
 * The overall result in plain words, each action on one line with its
 * status and the page of its section in report.pdf, the counts that matter
 * (struct rg_headline), the response chart, and the late and open items:
 * as many as fit on the two pages, open ones first, then "and N more".
 * The two-page limit is enforced here, not hoped for: the item list stops
 * while a line is still left for the "more" note.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views/pdf.h"
#include "views/pdf_chart.h"
#include "views/pdf_doc.h"

#define MAX_PAGES 2
#define HEAD_ITEMS 3 /* items per action listed before the rest */

static void heading(struct rg_pdoc *d, enum rg_tpl_key k, const char *dest, double keep)
{
	const char *s = rg_pdoc_text(d, k, NULL, 0);
	rg_pdoc_heading(d, 2, s, dest, keep);
	rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, s, dest, false);
}

static void title(struct rg_pdoc *d)
{
	rg_pdoc_need(d, 1);
	const char *s = rg_pdoc_text(d, RG_T_SUMMARY_HEADING, NULL, 0);
	double h = rg_pdoc_text_height(d, RG_F_H1, d->x1 - d->x0, s);
	rg_pdoc_tag(d, "H1", NULL);
	if (!d->dry) {
		cairo_tag_begin(d->cr, CAIRO_TAG_DEST, "name='top' x=0 y=0");
		cairo_tag_end(d->cr, CAIRO_TAG_DEST);
	}
	rg_pdoc_draw_text(d, d->x0, d->y, d->x1 - d->x0, RG_F_H1, RG_C_ACCENT, RG_A_LEFT, false, s);
	rg_pdoc_untag(d, "H1");
	rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, s, "top", true);
	d->y += h + 2;
	rg_pdoc_para(d, RG_F_SMALL, RG_C_MUTED, rg_pdoc_text(d, RG_T_SUMMARY_SIGNED, NULL, 0));
}

static void overall(struct rg_pdoc *d)
{
	heading(d, RG_T_SUMMARY_OVERALL, "sum-overall", 30);
	const char *s = rg_pdoc_var(d, "overall");
	double w = d->x1 - d->x0 - 20;
	double h = rg_pdoc_text_height(d, RG_F_BIG, w, s);
	rg_pdoc_need(d, h);
	rg_pdoc_tag(d, "P", NULL);
	rg_pdoc_badge(d, d->x0, d->y + 4, 11, rg_pdoc_overall_verdict(d->r->overall));
	rg_pdoc_draw_text(d, d->x0 + 18, d->y, w, RG_F_BIG, RG_C_TEXT, RG_A_LEFT, false, s);
	rg_pdoc_untag(d, "P");
	d->y += h + 4;
}

static void actions(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	heading(d, RG_T_SUMMARY_ACTIONS, "sum-actions", 75);
	static const struct rg_pcol cols[] = {
		{0.8, RG_F_SMALL_BOLD, RG_A_LEFT},
		{2.8, RG_F_SMALL, RG_A_LEFT},
		{1.35, RG_F_SMALL, RG_A_LEFT},
		{1.5, RG_F_SMALL, RG_A_LEFT},
		{0.9, RG_F_SMALL, RG_A_LEFT},
	};
	const char *head[5] = {d->t->text[RG_T_COL_ACTION], d->t->text[RG_T_COL_TITLE],
	                       d->t->text[RG_T_COL_STATUS], d->t->text[RG_T_COL_ITEMS],
	                       d->t->text[RG_T_SUMMARY_SECTION]};
	struct rg_ptable tb = {.cols = cols, .n = 5, .head = head,
	                       .caption = d->t->text[RG_T_SUMMARY_ACTIONS]};
	rg_pdoc_table_begin(d, &tb, 2);
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		char items[24], late[24], open[24];
		snprintf(items, sizeof items, "%zu", a->n_items);
		snprintf(late, sizeof late, "%zu", a->counts[RG_SATISFIED_LATE]);
		snprintf(open, sizeof open, "%zu", rg_action_open(a));
		struct rg_tpl_var cv[] = {{"items", items}, {"late", late}, {"open", open}};
		char *counts = rg_asprintf("%s", rg_pdoc_text(d, RG_T_ACTION_COUNTS, cv, 3));
		/* Where the action's section starts in the full report, in
		 * words and as a link to that page of report.pdf (next to this
		 * file, as render writes them). */
		int page = d->report_pages ? d->report_pages[k] : 0;
		char pg[24];
		snprintf(pg, sizeof pg, "%d", page);
		struct rg_tpl_var pv = {"n", pg};
		char *where = page > 0 ? rg_asprintf("%s", rg_pdoc_text(d, RG_T_SUMMARY_LINK, &pv, 1))
		                       : NULL;
		char *link = page > 0 ? rg_asprintf("uri='" RG_PDF_GOTO_SCHEME "report.pdf#%d'", page)
		                      : NULL;
		struct rg_pcell c[5] = {
			{a->id, -1, NULL},
			{a->title ? a->title : "", -1, NULL},
			{rg_pdoc_status_word(d, a->status), (int)a->status, NULL},
			{counts ? counts : "", -1, NULL},
			{where ? where : "", -1, link},
		};
		rg_pdoc_table_row(d, &tb, c);
		free(counts);
		free(where);
		free(link);
	}
	rg_pdoc_table_end(d, &tb);
}

static void counts(struct rg_pdoc *d)
{
	heading(d, RG_T_SUMMARY_COUNTS, "sum-counts", 50);
	enum rg_tpl_key k[] = {RG_T_COUNT_EMAILS, RG_T_COUNT_SECRETS, RG_T_COUNT_ACCOUNTS,
	                       RG_T_COUNT_LATE_OPEN};
	for (size_t i = 0; i < 4; i++)
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, k[i], NULL, 0));
	if (d->r->headline.audit_log)
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, RG_T_COUNT_CORROBORATED, NULL, 0));
}

static void chart(struct rg_pdoc *d)
{
	heading(d, RG_T_SUMMARY_CHART, "sum-chart", rg_pdf_chart_height(d, true) + 8);
	rg_pdf_chart(d, true);
}

static void items(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	size_t total = 0;
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		total += rg_action_open(a) + a->counts[RG_SATISFIED_LATE];
	}
	if (d->page > MAX_PAGES - 1 && d->y + 80 > d->bottom) {
		/* No room left for even the heading: the count alone must show. */
		return;
	}
	/* With items, keep the heading with the table header and a row. */
	heading(d, RG_T_SUMMARY_ITEMS, "sum-items", total ? 75 : 20);
	if (total == 0) {
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, d->t->text[RG_T_SUMMARY_NO_ITEMS]);
		return;
	}
	static const struct rg_pcol cols[] = {
		{0.7, RG_F_SMALL_BOLD, RG_A_LEFT}, {1.6, RG_F_SMALL, RG_A_LEFT},
		{1.05, RG_F_SMALL, RG_A_LEFT},     {1.45, RG_F_MONO, RG_A_LEFT},
		{2.6, RG_F_SMALL, RG_A_LEFT},
	};
	const char *head[5] = {d->t->text[RG_T_COL_ACTION], d->t->text[RG_T_COL_SUBJECT],
	                       d->t->text[RG_T_COL_STATUS], d->t->text[RG_T_COL_EVIDENCE],
	                       d->t->text[RG_T_COL_REASON]};
	struct rg_ptable tb = {.cols = cols, .n = 5, .head = head,
	                       .caption = d->t->text[RG_T_SUMMARY_ITEMS]};
	rg_pdoc_table_begin(d, &tb, 1);
	double more_h = rg_pdoc_text_height(d, RG_F_BODY, d->x1 - d->x0, "X") + 12;
	size_t shown = 0;
	bool full = false;
	/* Open items first, they need action; then the late ones.  Within
	 * each, the first few of every action come before the rest, so one
	 * action with thousands of items does not hide the others. */
	for (int pass = 0; pass < 4 && !full; pass++) {
		bool want_open = pass < 2, head_only = pass % 2 == 0;
		for (size_t k = 0; k < r->n_actions && !full; k++) {
			const struct rg_action_result *a = &r->actions[k];
			size_t nth = 0;
			for (size_t i = 0; i < a->n_items && !full; i++) {
				const struct rg_item *it = &a->items[i];
				if (want_open ? !rg_verdict_is_open(it->status) : it->status != RG_SATISFIED_LATE)
					continue;
				nth++;
				if (head_only && nth > HEAD_ITEMS)
					break;
				if (!head_only && nth <= HEAD_ITEMS)
					continue;
				char ev[RG_EVREF_BUFSZ];
				rg_evref_format(ev, sizeof ev, &it->evidence[0]);
				char *subject = rg_item_subject(it);
				if (!subject)
					d->oom = true;
				struct rg_pcell c[5] = {
					{a->id, -1, NULL},
					{subject ? subject : "", -1, NULL},
					{rg_pdoc_status_word(d, it->status), (int)it->status, NULL},
					{ev, -1, NULL},
					{it->reason, -1, NULL},
				};
				double rh = rg_pdoc_table_row_height(d, &tb, c);
				bool last = shown + 1 == total;
				bool fits_here = d->y + rh + (last ? 0 : more_h) <= d->bottom;
				if (!fits_here && d->page >= MAX_PAGES) {
					free(subject);
					full = true;
					break;
				}
				rg_pdoc_table_row(d, &tb, c);
				free(subject);
				shown++;
			}
		}
	}
	rg_pdoc_table_end(d, &tb);
	if (shown < total) {
		char n[24];
		snprintf(n, sizeof n, "%zu", total - shown);
		struct rg_tpl_var v = {"n", n};
		d->y -= 4;
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, RG_T_SUMMARY_MORE, &v, 1));
	}
}

static void summary_body(struct rg_pdoc *d)
{
	title(d);
	for (size_t i = 0; i < d->t->n_summary; i++) {
		switch (d->t->summary[i]) {
		case RG_S_OVERALL: overall(d); break;
		case RG_S_ACTIONS: actions(d); break;
		case RG_S_COUNTS: counts(d); break;
		case RG_S_CHART: chart(d); break;
		case RG_S_ITEMS: items(d); break;
		default: break; /* report-only sections */
		}
	}
}

rg_status rg_pdf_write_summary(const struct rg_results *r, const struct rg_template *t,
                               const struct rg_pdf_signer *signer, const char *path,
                               struct rg_diags *diags)
{
	int *pages = calloc(r->n_actions ? r->n_actions : 1, sizeof *pages);
	if (!pages)
		return RG_EENV;
	rg_status st = rg_pdoc_measure(r, t, rg_pdf_report_body, pages, diags);
	if (st == RG_OK)
		st = rg_pdoc_render(r, t, signer, path, RG_T_SUMMARY_TITLE, summary_body, pages, NULL,
		                    diags);
	free(pages);
	return st;
}

rg_status rg_pdf_write_both(const struct rg_results *r, const struct rg_template *t,
                            const struct rg_pdf_signer *signer, const char *report_path,
                            const char *summary_path, struct rg_diags *diags)
{
	int *pages = calloc(r->n_actions ? r->n_actions : 1, sizeof *pages);
	if (!pages)
		return RG_EENV;
	rg_status st = rg_pdoc_render(r, t, signer, report_path, RG_T_REPORT_TITLE,
	                              rg_pdf_report_body, NULL, pages, diags);
	if (st == RG_OK)
		st = rg_pdoc_render(r, t, signer, summary_path, RG_T_SUMMARY_TITLE, summary_body,
		                    pages, NULL, diags);
	free(pages);
	return st;
}
