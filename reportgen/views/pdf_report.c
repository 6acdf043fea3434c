/*
 * pdf_report.c: report.pdf, the full report for the agency and its auditors.
 *
 * Sections, in the template's order: cover (agency, directive, overall
 * result, bundle digest, generation time); the table of actions, each
 * linked to its section; the response timeline chart; a section per action
 * with every item (status, evidence file:line, late-by, reason) and, for
 * the log review, the sign-in observations; the evidence files with their
 * SHA-256; the signer.  Every section has a bookmark.
 *
 * It reads the results model only: every status, count and reason comes
 * from struct rg_results, every word from the template.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "views/pdf.h"
#include "views/pdf_chart.h"
#include "views/pdf_doc.h"
#include "views/pdf_words.h"

#define LABEL_W 118.0

/* An instant as every time of report.pdf is shown: in the directive's
 * zone, said once on the cover (pdf_words.h).  buf of RG_PDF_WHEN_BUFSZ. */
static char *when(const struct rg_pdoc *d, char *buf, struct rg_time t)
{
	return rg_pdf_when(buf, RG_PDF_WHEN_BUFSZ, t.ms, rg_pdf_zone(d->r));
}

/* Records, in the measuring pass, the page of the next entry of the
 * contents (in the order contents() lists them). */
static void toc_mark(struct rg_pdoc *d)
{
	if (d->toc_at < RG_PDOC_TOC_MAX) {
		if (d->dry)
			d->toc_pages[d->toc_at] = d->page;
		d->toc_at++;
	}
}

/* A section heading with a bookmark at the outline's top level. */
static void section(struct rg_pdoc *d, enum rg_tpl_key k, const char *dest, double keep)
{
	const char *s = rg_pdoc_text(d, k, NULL, 0);
	rg_pdoc_heading(d, 1, s, dest, keep);
	d->outline_parent = rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, s, dest, true);
	toc_mark(d);
}

/* Which definition the verdicts come from, and what made the report: on
 * the cover and again in the signer block, where an auditor checks it. */
static void definition_fields(struct rg_pdoc *d)
{
	const struct rg_directive_info *dir = &d->r->directive;
	char *dv = rg_asprintf("%s (definition %s)", dir->id ? dir->id : "",
	                       dir->version ? dir->version : "-");
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_DIRECTIVE, NULL, 0), LABEL_W, RG_F_BODY,
	              dv ? dv : "", -1);
	free(dv);
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_DEFINITION, NULL, 0), LABEL_W, RG_F_BODY,
	              rg_pdoc_text(d, RG_T_COVER_DEFINITION_VALUE, NULL, 0), -1);
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_GENERATOR, NULL, 0), LABEL_W, RG_F_BODY,
	              rg_pdoc_var(d, "generator"), -1);
}

/* The sections that have an entry in the contents, with their heading
 * and destination (the order of the template). */
static bool toc_section(enum rg_tpl_section sec, enum rg_tpl_key *k, const char **dest)
{
	switch (sec) {
	case RG_S_SCOPE: *k = RG_T_SCOPE_HEADING; *dest = "sec-scope"; return true;
	case RG_S_ACTIONS: *k = RG_T_ACTIONS_HEADING; *dest = "sec-actions"; return true;
	case RG_S_TIMELINE: *k = RG_T_TIMELINE_HEADING; *dest = "sec-timeline"; return true;
	case RG_S_DETAILS: *k = RG_T_DETAILS_HEADING; *dest = "sec-details"; return true;
	case RG_S_EVIDENCE: *k = RG_T_EVIDENCE_HEADING; *dest = "sec-evidence"; return true;
	case RG_S_SIGNER: *k = RG_T_SIGNER_HEADING; *dest = "sec-signer"; return true;
	default: return false;
	}
}

/* The contents: each section and each action's section with its page,
 * each a link.  The pages come from the measuring pass (toc_mark, in the
 * order listed here), so the drawing pass prints them right. */
static void contents(struct rg_pdoc *d)
{
	const char *s = rg_pdoc_text(d, RG_T_CONTENTS_HEADING, NULL, 0);
	rg_pdoc_heading(d, 1, s, "sec-contents", 60);
	rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, s, "sec-contents", true);
	static const struct rg_pcol cols[] = {{6.0, RG_F_BODY, RG_A_LEFT}, {0.7, RG_F_BODY, RG_A_RIGHT}};
	const char *head[2] = {d->t->text[RG_T_COL_SECTION], d->t->text[RG_T_COL_PAGE]};
	struct rg_ptable tb = {.cols = cols, .n = 2, .head = head, .caption = s};
	rg_pdoc_table_begin(d, &tb, 2);
	size_t at = 0;
	for (size_t i = 0; i < d->t->n_report; i++) {
		enum rg_tpl_key k;
		const char *dest;
		if (!toc_section(d->t->report[i], &k, &dest))
			continue;
		size_t n_entries = 1 + (d->t->report[i] == RG_S_DETAILS ? d->r->n_actions : 0);
		for (size_t e = 0; e < n_entries; e++, at++) {
			char *title, *dn = NULL;
			if (e == 0) {
				title = rg_asprintf("%s", rg_pdoc_text(d, k, NULL, 0));
			} else {
				const struct rg_action_result *a = &d->r->actions[e - 1];
				struct rg_tpl_var hv[] = {{"id", a->id}, {"title", a->title ? a->title : ""}};
				/* Indented under "Actions in detail". */
				title = rg_asprintf("\u2003%s", rg_pdoc_text(d, RG_T_ACTION_HEADING, hv, 2));
				dn = rg_pdoc_dest_name("act-", a->id);
			}
			char *attrs = rg_asprintf("dest='%s'", dn ? dn : dest);
			if (!title || !attrs || (e && !dn))
				d->oom = true;
			char page[24];
			snprintf(page, sizeof page, "%d",
			         at < RG_PDOC_TOC_MAX ? d->toc_pages[at] : 0);
			struct rg_plink lk = {attrs, title ? title + (e ? 3 : 0) : ""};
			struct rg_pcell c[2] = {{title ? title : "", -1, attrs ? &lk : NULL},
			                        {page, -1, NULL}};
			rg_pdoc_table_row(d, &tb, c);
			free(title);
			free(attrs);
			free(dn);
		}
	}
	rg_pdoc_table_end(d, &tb);
}

/* Scope and method: what was judged, against which definition (its
 * digest), by which rules, and what the tool cannot know. */
static void scope(struct rg_pdoc *d)
{
	section(d, RG_T_SCOPE_HEADING, "sec-scope", 60);
	enum rg_tpl_key k[] = {RG_T_SCOPE_JUDGED, RG_T_SCOPE_DEFINITION, RG_T_SCOPE_RULES,
	                       RG_T_SCOPE_LIMITS, RG_T_SCOPE_TIMES};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, k[i], NULL, 0));
}

static void cover(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	const struct rg_bundle_info *e = &r->bundle;
	char tb[RG_PDF_WHEN_BUFSZ];
	rg_pdoc_need(d, 1);
	d->y += 40;
	const char *title = rg_pdoc_text(d, RG_T_COVER_HEADING, NULL, 0);
	double h = rg_pdoc_text_height(d, RG_F_TITLE, d->x1 - d->x0, title);
	rg_pdoc_tag(d, "H1", NULL);
	if (!d->dry) {
		cairo_tag_begin(d->cr, CAIRO_TAG_DEST, "name='cover' x=0 y=0");
		cairo_tag_end(d->cr, CAIRO_TAG_DEST);
	}
	rg_pdoc_draw_text(d, d->x0, d->y, d->x1 - d->x0, RG_F_TITLE, RG_C_ACCENT, RG_A_LEFT, false,
	                  title);
	rg_pdoc_untag(d, "H1");
	rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, title, "cover", true);
	d->y += h + 6;
	if (r->directive.title)
		rg_pdoc_para(d, RG_F_BIG, RG_C_TEXT, r->directive.title);
	d->y += 24;

	/* The overall result first and largest. */
	const char *ov = rg_pdoc_var(d, "overall");
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_OVERALL, NULL, 0), LABEL_W, RG_F_BIG, ov,
	              rg_pdf_none_applies(r) ? RG_NOT_APPLICABLE : rg_pdoc_overall_verdict(r->overall));
	d->y += 12;

	char *agency = rg_asprintf("%s%s%s%s%s", rg_pdoc_var(d, "agency"), e->agency_id ? " (" : "",
	                           e->agency_id ? e->agency_id : "", e->agency_id ? ")" : "",
	                           "");
	char *agency2 = e->agency_component && agency
	                    ? rg_asprintf("%s, %s", agency, e->agency_component)
	                    : NULL;
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_AGENCY, NULL, 0), LABEL_W, RG_F_BODY,
	              agency2 ? agency2 : agency ? agency : "", -1);
	free(agency);
	free(agency2);
	if (e->contact_name) {
		char *c = rg_asprintf("%s%s%s%s%s", e->contact_name, e->contact_role ? ", " : "",
		                      e->contact_role ? e->contact_role : "",
		                      e->contact_email ? ", " : "",
		                      e->contact_email ? e->contact_email : "");
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_CONTACT, NULL, 0), LABEL_W, RG_F_BODY,
		              c ? c : "", -1);
		free(c);
	}
	definition_fields(d);
	struct rg_tpl_var nv = {"date", e->notified ? when(d, tb, e->notification_received) : ""};
	const char *notif = rg_pdoc_text(d, e->notified ? RG_T_COVER_NOTIFIED : RG_T_COVER_NOT_NOTIFIED,
	                                 &nv, 1);
	char *n2 = e->notified && e->notification_source
	               ? rg_asprintf("%s (%s%s%s)", notif, e->notification_source,
	                             e->notification_reference ? ", " : "",
	                             e->notification_reference ? e->notification_reference : "")
	               : NULL;
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_NOTIFICATION, NULL, 0), LABEL_W, RG_F_BODY,
	              n2 ? n2 : notif, -1);
	free(n2);
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_BUNDLE, NULL, 0), LABEL_W, RG_F_BODY,
	              e->name ? e->name : "", -1);
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_DIGEST, NULL, 0), LABEL_W, RG_F_MONO,
	              e->sha256, -1);
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_GENERATED, NULL, 0), LABEL_W, RG_F_BODY,
	              rg_pdoc_var(d, "generated"), -1);
	/* The one zone of every time in the report, said once. */
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_COVER_TIMES, NULL, 0), LABEL_W, RG_F_BODY,
	              rg_pdoc_text(d, RG_T_SCOPE_TIMES, NULL, 0), -1);

	/* What the status shapes mean, once, where the reader starts. */
	d->y += 18;
	double x = d->x0;
	rg_pdoc_need(d, 14);
	rg_pdoc_tag(d, "P", NULL);
	for (int v = RG_NOT_SATISFIED; v < RG_VERDICT_COUNT; v++) {
		const char *w = rg_pdoc_status_word(d, (enum rg_verdict)v);
		rg_pdoc_badge(d, x, d->y + 3, 7, (enum rg_verdict)v);
		rg_pdoc_draw_text(d, x + 10, d->y, 150, RG_F_SMALL, RG_C_TEXT, RG_A_LEFT, true, w);
		x += 10 + rg_pdoc_text_width(d, RG_F_SMALL, w) + 16;
	}
	rg_pdoc_untag(d, "P");
	d->y += 14;
	/* The next section starts on a page of its own. */
	d->y = d->bottom + 1;
}

static void deadline_text(char *buf, size_t n, const struct rg_action_result *def,
                          struct rg_pdoc *d)
{
	char tb[RG_PDF_WHEN_BUFSZ];
	if (def->has_deadline) {
		snprintf(buf, n, "%s", when(d, tb, def->deadline));
	} else if (def->has_window) {
		struct rg_tpl_var wv = {"window", rg_pdf_duration_words(tb, sizeof tb, def->window_ms)};
		snprintf(buf, n, "%s", rg_pdoc_text(d, RG_T_DEADLINE_WINDOW, &wv, 1));
	} else {
		snprintf(buf, n, "%s", d->t->text[RG_T_NO_DEADLINE]);
	}
}

static void actions_table(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	/* The table of actions is short: kept whole with its heading when it
	 * fits on a page. */
	double whole = 60 + 26.0 * (double)r->n_actions;
	section(d, RG_T_ACTIONS_HEADING, "sec-actions", whole < 400 ? whole : 100);
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, RG_T_ACTIONS_INTRO, NULL, 0));
	static const struct rg_pcol cols[] = {
		{0.85, RG_F_SMALL_BOLD, RG_A_LEFT}, {2.45, RG_F_SMALL, RG_A_LEFT},
		{0.8, RG_F_SMALL, RG_A_LEFT},       {1.35, RG_F_SMALL, RG_A_LEFT},
		{1.4, RG_F_SMALL, RG_A_LEFT},       {0.55, RG_F_SMALL, RG_A_RIGHT},
		{0.5, RG_F_SMALL, RG_A_RIGHT},      {0.55, RG_F_SMALL, RG_A_RIGHT},
	};
	const char *head[8];
	enum rg_tpl_key hk[8] = {RG_T_COL_ACTION, RG_T_COL_TITLE, RG_T_COL_KIND, RG_T_COL_STATUS,
	                         RG_T_COL_DEADLINE, RG_T_COL_ITEMS, RG_T_COL_LATE, RG_T_COL_OPEN};
	for (int i = 0; i < 8; i++)
		head[i] = d->t->text[hk[i]];
	struct rg_ptable tb = {.cols = cols, .n = 8, .head = head,
	                       .caption = d->t->text[RG_T_ACTIONS_HEADING]};
	rg_pdoc_table_begin(d, &tb, 2);
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		char dl[64], items[24], late[24], open[24];
		deadline_text(dl, sizeof dl, a, d);
		snprintf(items, sizeof items, "%zu", a->n_items);
		snprintf(late, sizeof late, "%zu", a->counts[RG_SATISFIED_LATE]);
		snprintf(open, sizeof open, "%zu", rg_action_open(a));
		char *dest = rg_pdoc_dest_name("act-", a->id);
		char *link = dest ? rg_asprintf("dest='%s'", dest) : NULL;
		/* The link says where it goes: the heading of the section. */
		struct rg_tpl_var hv[] = {{"id", a->id}, {"title", a->title ? a->title : ""}};
		struct rg_plink lk = {link, rg_pdoc_text(d, RG_T_ACTION_HEADING, hv, 2)};
		struct rg_pcell c[8] = {
			{a->id, -1, &lk},
			{a->title ? a->title : "", -1, NULL},
			{d->t->text[a->kind == RG_KIND_ADVISORY ? RG_T_KIND_ADVISORY : RG_T_KIND_REQUIRED],
			 -1, NULL},
			{rg_pdoc_status_word(d, a->status), (int)a->status, NULL},
			{dl, -1, NULL},
			{items, -1, NULL},
			{late, -1, NULL},
			{open, -1, NULL},
		};
		rg_pdoc_table_row(d, &tb, c);
		free(link);
		free(dest);
	}
	rg_pdoc_table_end(d, &tb);
}

static void timeline(struct rg_pdoc *d)
{
	section(d, RG_T_TIMELINE_HEADING, "sec-timeline",
	        40 + rg_pdf_chart_height(d, false));
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, RG_T_TIMELINE_INTRO, NULL, 0));
	d->y += 4;
	rg_pdf_chart(d, false);
}

static void signins(struct rg_pdoc *d, const struct rg_action_result *a)
{
	rg_pdoc_heading(d, 3, rg_pdoc_text(d, RG_T_SIGNINS_HEADING, NULL, 0), NULL, 90);
	rg_pdoc_para(d, RG_F_SMALL, RG_C_MUTED, rg_pdoc_text(d, RG_T_SIGNINS_INTRO, NULL, 0));
	static const struct rg_pcol cols[] = {
		{1.5, RG_F_SMALL, RG_A_LEFT},  {2.1, RG_F_SMALL, RG_A_LEFT},
		{0.55, RG_F_SMALL, RG_A_RIGHT}, {0.4, RG_F_SMALL, RG_A_RIGHT},
		{1.3, RG_F_SMALL, RG_A_LEFT},  {1.3, RG_F_SMALL, RG_A_LEFT},
	};
	const char *head[6] = {d->t->text[RG_T_COL_ACCOUNT],   d->t->text[RG_T_COL_WINDOW],
	                       d->t->text[RG_T_COL_SUCCESSES], d->t->text[RG_T_COL_IPS],
	                       d->t->text[RG_T_COL_FIRST],     d->t->text[RG_T_COL_LAST]};
	struct rg_ptable tb = {.cols = cols, .n = 6, .head = head,
	                       .caption = d->t->text[RG_T_SIGNINS_HEADING]};
	rg_pdoc_table_begin(d, &tb, 1);
	for (size_t i = 0; i < a->n_signins; i++) {
		const struct rg_signin_obs *o = &a->signins[i];
		char w0[RG_PDF_WHEN_BUFSZ], w1[RG_PDF_WHEN_BUFSZ], f[RG_PDF_WHEN_BUFSZ],
			l[RG_PDF_WHEN_BUFSZ];
		char win[2 * RG_PDF_WHEN_BUFSZ + 16], n[24], ips[24];
		snprintf(win, sizeof win, "%s – %s", when(d, w0, o->window_start),
		         when(d, w1, o->window_end));
		snprintf(n, sizeof n, "%" PRIu64, o->successes);
		snprintf(ips, sizeof ips, "%" PRIu64, o->distinct_ips);
		const char *none = d->t->text[RG_T_SIGNINS_NONE];
		struct rg_pcell c[6] = {
			{o->account, -1, NULL},
			{win, -1, NULL},
			{n, -1, NULL},
			{ips, -1, NULL},
			{o->any ? when(d, f, o->first) : none, -1, NULL},
			{o->any ? when(d, l, o->last) : none, -1, NULL},
		};
		rg_pdoc_table_row(d, &tb, c);
	}
	rg_pdoc_table_end(d, &tb);
}

/* One row of the items to act on, with the strings it owns. */
struct att_row {
	struct rg_pcell c[6];
	char num[24], lb[RG_PDF_DURATION_BUFSZ];
	char *ev, *subject, *reason, *why;
};

static void att_row_make(struct rg_pdoc *d, struct att_row *row, const struct rg_action_result *a,
                         size_t i)
{
	const struct rg_item *it = &a->items[i];
	snprintf(row->num, sizeof row->num, "%zu", i + 1);
	/* One reference a line: "remediations.csv:" never parts from its
	 * line number. */
	row->ev = rg_item_evidence_list(it);
	for (char *sp = row->ev ? strchr(row->ev, ' ') : NULL; sp; sp = strchr(sp + 1, ' '))
		*sp = '\n';
	row->subject = rg_item_subject(it);
	row->reason = row->subject ? rg_pdf_reword(it->reason, rg_pdf_zone(d->r), row->subject) : NULL;
	if (!row->ev || !row->subject || !row->reason)
		d->oom = true;
	row->lb[0] = '\0';
	if (it->status == RG_SATISFIED_LATE && it->late_by_ms > 0)
		rg_pdf_duration_words(row->lb, sizeof row->lb, it->late_by_ms);
	/* What the audit log says of the remediations, under the reason: an
	 * observation, not part of the verdict. */
	row->why = NULL;
	if (it->corroboration != RG_CORR_NONE) {
		struct rg_tpl_var sv = {"sources", it->corroborated_by ? it->corroborated_by : ""};
		row->why = rg_asprintf("%s\n%s", row->reason ? row->reason : it->reason,
		                       rg_pdoc_text(d, it->corroboration == RG_CORR_YES
		                                           ? RG_T_ITEM_CORROBORATED
		                                           : RG_T_ITEM_NOT_CORROBORATED,
		                                    &sv, 1));
	}
	row->c[0] = (struct rg_pcell){row->num, -1, NULL};
	row->c[1] = (struct rg_pcell){row->subject ? row->subject : "", -1, NULL};
	row->c[2] = (struct rg_pcell){rg_pdoc_status_word(d, it->status), (int)it->status, NULL};
	row->c[3] = (struct rg_pcell){row->ev ? row->ev : "", -1, NULL};
	row->c[4] = (struct rg_pcell){row->lb, -1, NULL};
	row->c[5] = (struct rg_pcell){row->why ? row->why : row->reason ? row->reason : it->reason, -1,
	                              NULL};
}

static void att_row_free(struct att_row *row)
{
	free(row->ev);
	free(row->subject);
	free(row->reason);
	free(row->why);
}

/* The items to act on or to read about: not satisfied, insufficient
 * evidence, late, not applicable; each with its reason (the subject it
 * repeats taken off, times in the report's zone), a late one with how late
 * in words. */
static void attention_items(struct rg_pdoc *d, const struct rg_action_result *a,
                            const char *heading)
{
	size_t n = a->n_items - a->counts[RG_SATISFIED];
	if (n == 0)
		return;
	/* Sized so that on A4 too "Satisfied late", a late-by like
	 * "2 days 11 h 5 min" and "remediations.csv:10" stay on one line and
	 * # holds six digits; the reason gets the rest, unless the subjects are
	 * long ids (message ids of 90 characters): those get a wider column
	 * than "email E-12" needs, so that they wrap to a few lines, not ten. */
	double narrow = 1.0, medium = 1.6, wide = 2.2, total = 8.35, width = d->x1 - d->x0;
	size_t fit_narrow = 0, fit_medium = 0;
	for (size_t i = 0; i < a->n_items; i++) {
		rg_arena_tick();
		if (a->items[i].status == RG_SATISFIED)
			continue;
		char *subj = rg_item_subject(&a->items[i]);
		double w = (subj ? rg_pdoc_text_width(d, RG_F_SMALL, subj) : 0) + 2 * 3 + 1;
		free(subj);
		fit_narrow += w <= width * narrow / total;
		fit_medium += w <= width * medium / total;
	}
	/* The narrowest column that holds nine subjects in ten on one line
	 * (one long event name among 600 emails does not widen them all). */
	double item_share = fit_narrow * 10 >= n * 9 ? narrow : fit_medium * 10 >= n * 9 ? medium : wide;
	struct rg_pcol cols[] = {
		{0.4, RG_F_SMALL, RG_A_RIGHT}, {item_share, RG_F_SMALL, RG_A_LEFT},
		{1.1, RG_F_SMALL, RG_A_LEFT},  {1.3, RG_F_SMALL, RG_A_LEFT},
		{1.15, RG_F_SMALL, RG_A_LEFT}, {3.4 - (item_share - narrow), RG_F_SMALL, RG_A_LEFT},
	};
	const char *head[6] = {d->t->text[RG_T_COL_NUMBER],   d->t->text[RG_T_COL_SUBJECT],
	                       d->t->text[RG_T_COL_STATUS],   d->t->text[RG_T_COL_EVIDENCE],
	                       d->t->text[RG_T_COL_LATE_BY], d->t->text[RG_T_COL_REASON]};
	struct rg_ptable tb = {.cols = cols, .n = 6, .head = head, .caption = heading};
	char nb[24];
	snprintf(nb, sizeof nb, "%zu", n);
	struct rg_tpl_var nv[] = {{"n", nb}, {"id", a->id}};
	/* The heading stays with the header and the first row, however tall. */
	double keep = rg_pdoc_table_lead(d, &tb, NULL);
	for (size_t i = 0; i < a->n_items; i++) {
		rg_arena_tick();
		if (a->items[i].status != RG_SATISFIED) {
			struct att_row row;
			att_row_make(d, &row, a, i);
			keep = rg_pdoc_table_lead(d, &tb, row.c);
			att_row_free(&row);
			break;
		}
	}
	/* Nothing to act on when every such item only says the action does
	 * not apply (the agency was not notified). */
	enum rg_tpl_key hk = a->counts[RG_NOT_APPLICABLE] == n ? RG_T_ITEMS_NOT_APPLICABLE
	                                                       : RG_T_ITEMS_ATTENTION;
	rg_pdoc_heading(d, 3, rg_pdoc_text(d, hk, nv, 2), NULL, keep);
	rg_pdoc_table_begin(d, &tb, 2);
	for (size_t i = 0; i < a->n_items; i++) {
		rg_arena_tick();
		if (a->items[i].status == RG_SATISFIED)
			continue;
		struct att_row row;
		att_row_make(d, &row, a, i);
		rg_pdoc_table_row(d, &tb, row.c);
		att_row_free(&row);
	}
	rg_pdoc_table_end(d, &tb);
}

/* The satisfied items, one short line each: number, subject (printed once:
 * its reason only restates it and its time), evidence; as many of these
 * side by side as the longest fits (three of "E-12 findings.csv:13" on a
 * line, one of a 90-character message id).  A remediation the audit log
 * does not corroborate says so under its subject: that is what the reader
 * would want from its reason. */
#define GROUP_COLS 3
#define MAX_GROUPS 3

/* A report or event's reason says what was recorded (its reference, its
 * time against the deadline): it adds to the id, where an email's
 * "reviewed at T" does not; what the audit log says of a remediation.
 * NULL: nothing to add.  Malloc'd. */
static char *satisfied_note(struct rg_pdoc *d, const struct rg_item *it)
{
	if (it->corroboration != RG_CORR_NONE) {
		struct rg_tpl_var sv = {"sources", it->corroborated_by ? it->corroborated_by : ""};
		return rg_asprintf("%s", rg_pdoc_text(d, it->corroboration == RG_CORR_YES
		                                             ? RG_T_ITEM_CORROBORATED
		                                             : RG_T_ITEM_NOT_CORROBORATED,
		                                      &sv, 1));
	}
	if (it->subject_kind == RG_SUBJ_EMAIL || it->subject_kind == RG_SUBJ_SECRET ||
	    it->subject_kind == RG_SUBJ_ACCOUNT)
		return NULL;
	char *subj = rg_item_subject(it);
	char *why = subj ? rg_pdf_reword(it->reason, rg_pdf_zone(d->r), subj) : NULL;
	free(subj);
	return why;
}

static void satisfied_items(struct rg_pdoc *d, const struct rg_action_result *a,
                            const char *heading)
{
	size_t n = a->counts[RG_SATISFIED];
	if (n == 0)
		return;
	/* The widest of each column decides how many items a line holds. */
	double wn = rg_pdoc_text_width(d, RG_F_SMALL, "000"), ws = 0, we = 0;
	char num[24];
	snprintf(num, sizeof num, "%zu", a->n_items);
	double w_num = rg_pdoc_text_width(d, RG_F_SMALL, num);
	if (w_num > wn)
		wn = w_num;
	bool notes = false;
	double wnote = 0;
	for (size_t i = 0; i < a->n_items; i++) {
		rg_arena_tick();
		const struct rg_item *it = &a->items[i];
		if (it->status != RG_SATISFIED)
			continue;
		double w = rg_pdoc_text_width(d, RG_F_SMALL, it->subject_ref ? it->subject_ref : "");
		if (w > ws)
			ws = w;
		char *ev = rg_item_evidence_list(it);
		w = ev ? rg_pdoc_text_width(d, RG_F_SMALL, ev) : 0;
		free(ev);
		if (w > we)
			we = w;
		char *note = satisfied_note(d, it);
		notes = notes || note;
		w = note ? rg_pdoc_text_width(d, RG_F_SMALL, note) : 0;
		free(note);
		if (w > wnote)
			wnote = w;
	}
	double pad = 6 + 2, width = d->x1 - d->x0;
	double group = wn + ws + we + 3 * pad + 12;
	size_t k = (size_t)(width / group);
	if (k < 1 || notes)
		k = 1; /* a note goes under its subject: one item a line */
	if (k > MAX_GROUPS)
		k = MAX_GROUPS;
	if (k > n)
		k = n;
	struct rg_pcol cols[GROUP_COLS * MAX_GROUPS];
	const char *head[GROUP_COLS * MAX_GROUPS];
	/* A note goes under its subject, which is then as wide as the
	 * longest note (up to 60 % of the line).  One to a line and still too
	 * wide: the evidence keeps its width (at most half the line: a long
	 * list of references wraps rather than the id) and the subject gets
	 * the rest. */
	double sw = ws, ew = we;
	if (notes && wnote > sw)
		sw = wnote < width * 0.6 ? wnote : width * 0.6;
	if (k == 1 && wn + sw + we + 3 * pad > width) {
		double rest = width - wn - 3 * pad;
		ew = we < rest / 2 ? we : rest / 2;
		sw = rest - ew;
	}
	for (size_t g = 0; g < k; g++) {
		cols[GROUP_COLS * g] = (struct rg_pcol){wn + pad + (g ? 12 : 0), RG_F_SMALL, RG_A_RIGHT};
		cols[GROUP_COLS * g + 1] = (struct rg_pcol){sw + pad, RG_F_SMALL, RG_A_LEFT};
		cols[GROUP_COLS * g + 2] = (struct rg_pcol){ew + pad, RG_F_SMALL, RG_A_LEFT};
		head[GROUP_COLS * g] = d->t->text[RG_T_COL_NUMBER];
		head[GROUP_COLS * g + 1] = d->t->text[RG_T_COL_SUBJECT];
		head[GROUP_COLS * g + 2] = d->t->text[RG_T_COL_EVIDENCE];
	}
	struct rg_ptable tb = {.cols = cols, .n = GROUP_COLS * k, .head = head, .caption = heading};
	char nb[24];
	snprintf(nb, sizeof nb, "%zu", n);
	struct rg_tpl_var nv[] = {{"n", nb}, {"id", a->id}};
	rg_pdoc_heading(d, 3, rg_pdoc_text(d, RG_T_ITEMS_SATISFIED, nv, 2), NULL,
	                rg_pdoc_table_lead(d, &tb, NULL) + 30);
	rg_pdoc_table_begin(d, &tb, 2);
	struct rg_pcell c[GROUP_COLS * MAX_GROUPS];
	char nums[MAX_GROUPS][24];
	char *evs[MAX_GROUPS] = {0}, *note = NULL;
	size_t in_row = 0;
	for (size_t i = 0; i <= a->n_items; i++) {
		rg_arena_tick();
		const struct rg_item *it = i < a->n_items ? &a->items[i] : NULL;
		if (it && it->status != RG_SATISFIED)
			continue;
		if (it) {
			snprintf(nums[in_row], sizeof nums[in_row], "%zu", i + 1);
			evs[in_row] = rg_item_evidence_list(it);
			if (!evs[in_row])
				d->oom = true;
			c[GROUP_COLS * in_row] = (struct rg_pcell){nums[in_row], -1, NULL};
			note = notes ? satisfied_note(d, it) : NULL;
			char *cell = note ? rg_asprintf("%s\n%s", it->subject_ref ? it->subject_ref : "", note)
			              : NULL;
			free(note);
			note = cell;
			c[GROUP_COLS * in_row + 1] = (struct rg_pcell){
				note ? note : it->subject_ref ? it->subject_ref : "", -1, NULL};
			c[GROUP_COLS * in_row + 2] = (struct rg_pcell){evs[in_row] ? evs[in_row] : "", -1, NULL};
			in_row++;
		}
		if (in_row == k || (!it && in_row)) {
			for (size_t g = in_row; g < k; g++)
				for (size_t j = 0; j < GROUP_COLS; j++)
					c[GROUP_COLS * g + j] = (struct rg_pcell){"", -1, NULL};
			rg_pdoc_table_row(d, &tb, c);
			for (size_t g = 0; g < in_row; g++) {
				free(evs[g]);
				evs[g] = NULL;
			}
			free(note);
			note = NULL;
			in_row = 0;
		}
	}
	rg_pdoc_table_end(d, &tb);
}

static void action_section(struct rg_pdoc *d, const struct rg_action_result *a)
{
	const struct rg_action_result *def = a;
	struct rg_tpl_var hv[] = {{"id", def->id}, {"title", def->title ? def->title : ""}};
	char *heading = rg_asprintf("%s", rg_pdoc_text(d, RG_T_ACTION_HEADING, hv, 2));
	char *dest = rg_pdoc_dest_name("act-", def->id);
	if (!heading || !dest) {
		d->oom = true;
		free(heading);
		free(dest);
		return;
	}
	/* Keep the heading with its fields and the first rows of its table. */
	rg_pdoc_heading(d, 2, heading, dest, 170);
	d->section_page = d->page;
	toc_mark(d);
	rg_pdoc_outline(d, d->outline_parent, heading, dest, false);

	char items[24], late[24], open[24], dl[64];
	snprintf(items, sizeof items, "%zu", a->n_items);
	snprintf(late, sizeof late, "%zu", a->counts[RG_SATISFIED_LATE]);
	snprintf(open, sizeof open, "%zu", rg_action_open(a));
	struct rg_tpl_var cv[] = {{"items", items}, {"late", late}, {"open", open}};
	char *status = rg_asprintf("%s. %s", rg_pdoc_status_word(d, a->status),
	                           rg_pdoc_text(d, RG_T_ACTION_COUNTS, cv, 3));
	rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_STATUS, NULL, 0), LABEL_W, RG_F_BOLD,
	              status ? status : "", (int)a->status);
	free(status);
	if (def->has_deadline) {
		deadline_text(dl, sizeof dl, def, d);
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_DEADLINE, NULL, 0), LABEL_W, RG_F_BODY, dl,
		              -1);
	}
	if (def->has_window) {
		char tb[RG_PDF_DURATION_BUFSZ];
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_WINDOW, NULL, 0), LABEL_W, RG_F_BODY,
		              rg_pdf_duration_words(tb, sizeof tb, def->window_ms), -1);
	}
	if (def->wording)
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_WORDING, NULL, 0), LABEL_W, RG_F_BODY,
		              def->wording, -1);
	if (def->wording_source)
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_SOURCE, NULL, 0), LABEL_W, RG_F_SMALL,
		              def->wording_source, -1);
	if (def->interpretation)
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_NOTE, NULL, 0), LABEL_W, RG_F_SMALL,
		              def->interpretation, -1);
	if (a->corroborated + a->not_corroborated) {
		char yes[24], all[24];
		snprintf(yes, sizeof yes, "%zu", a->corroborated);
		snprintf(all, sizeof all, "%zu", a->corroborated + a->not_corroborated);
		struct rg_tpl_var nv[] = {{"n", yes}, {"items", all}};
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_AUDIT_LOG, NULL, 0), LABEL_W, RG_F_BODY,
		              rg_pdoc_text(d, RG_T_ACTION_CORROBORATION, nv, 2), -1);
	}
	d->y += 4;

	if (a->n_items == 0)
		rg_pdoc_para(d, RG_F_BODY, RG_C_MUTED, d->t->text[RG_T_ACTION_NO_ITEMS]);
	else {
		attention_items(d, a, heading);
		satisfied_items(d, a, heading);
	}
	if (a->n_signins)
		signins(d, a);
	free(heading);
	free(dest);
}

static void details(struct rg_pdoc *d)
{
	/* The per-action sections are long: they start on a fresh page. */
	d->y = d->bottom + 1;
	section(d, RG_T_DETAILS_HEADING, "sec-details", 200);
	int parent = d->outline_parent;
	for (size_t k = 0; k < d->r->n_actions; k++) {
		d->outline_parent = parent;
		action_section(d, &d->r->actions[k]);
		if (d->record_pages)
			d->record_pages[k] = d->section_page;
	}
}

static void evidence(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	section(d, RG_T_EVIDENCE_HEADING, "sec-evidence", 90);
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, RG_T_EVIDENCE_INTRO, NULL, 0));
	static const struct rg_pcol cols[] = {
		{2.2, RG_F_SMALL, RG_A_LEFT},
		{0.7, RG_F_SMALL, RG_A_RIGHT},
		{4.1, RG_F_MONO, RG_A_LEFT},
	};
	const char *head[3] = {d->t->text[RG_T_COL_FILE], d->t->text[RG_T_COL_BYTES],
	                       d->t->text[RG_T_COL_SHA256]};
	struct rg_ptable tb = {.cols = cols, .n = 3, .head = head,
	                       .caption = d->t->text[RG_T_EVIDENCE_HEADING]};
	rg_pdoc_table_begin(d, &tb, 2);
	for (size_t i = 0; i < r->n_files; i++) {
		char size[32];
		snprintf(size, sizeof size, "%" PRIu64, r->files[i].size);
		struct rg_pcell c[3] = {{r->files[i].path, -1, NULL}, {size, -1, NULL},
		                        {r->files[i].sha256, -1, NULL}};
		rg_pdoc_table_row(d, &tb, c);
	}
	rg_pdoc_table_end(d, &tb);
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, RG_T_EVIDENCE_BUNDLE, NULL, 0));
}

static void signer(struct rg_pdoc *d)
{
	section(d, RG_T_SIGNER_HEADING, "sec-signer", 40);
	const struct rg_pdf_signer *s = d->signer;
	definition_fields(d);
	d->y += 6;
	if (!s) {
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, d->t->text[RG_T_SIGNER_NONE]);
		return;
	}
	char signed_at[RG_PDF_WHEN_BUFSZ], from[RG_PDF_WHEN_BUFSZ], to[RG_PDF_WHEN_BUFSZ];
	rg_pdf_when(signed_at, sizeof signed_at, s->signing_time_ms, rg_pdf_zone(d->r));
	/* The certificate's validity as it states it, in UTC. */
	struct rg_time nb = {0, 0}, na = {0, 0};
	bool have_nb = s->not_before && rg_time_parse(&nb, s->not_before, strlen(s->not_before)) == RG_TIME_OK;
	bool have_na = s->not_after && rg_time_parse(&na, s->not_after, strlen(s->not_after)) == RG_TIME_OK;
	struct rg_tpl_var vv[] = {
		{"start", have_nb ? rg_pdf_when(from, sizeof from, nb.ms, 0) : (s->not_before ? s->not_before : "-")},
		{"end", have_na ? rg_pdf_when(to, sizeof to, na.ms, 0) : (s->not_after ? s->not_after : "-")}};
	const char *validity = rg_pdoc_text(d, RG_T_SIGNER_VALIDITY_VALUE, vv, 2);
	struct {
		enum rg_tpl_key k;
		const char *v;
		enum rg_pfont f;
	} rows[] = {{RG_T_SIGNER_SUBJECT, s->subject, RG_F_BODY},
	            {RG_T_SIGNER_ISSUER, s->issuer, RG_F_BODY},
	            {RG_T_SIGNER_SERIAL, s->serial, RG_F_MONO},
	            {RG_T_SIGNER_SIGNED_AT, signed_at, RG_F_BODY},
	            {RG_T_SIGNER_VALIDITY, validity, RG_F_BODY}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i].v)
			rg_pdoc_field(d, d->t->text[rows[i].k], LABEL_W, rows[i].f, rows[i].v, -1);
	if (s->demo) {
		char *cn = s->subject ? rg_pdf_dn_attr(s->subject, "CN") : NULL;
		struct rg_tpl_var cv = {"cn", cn ? cn : ""};
		d->y += 4;
		rg_pdoc_para(d, RG_F_BOLD, RG_C_NOT_SATISFIED, rg_pdoc_text(d, RG_T_SIGNATURE_DEMO, &cv, 1));
		free(cn);
	}
}

void rg_pdf_report_body(struct rg_pdoc *d)
{
	d->toc_at = 0;
	for (size_t i = 0; i < d->t->n_report; i++) {
		switch (d->t->report[i]) {
		case RG_S_COVER: cover(d); break;
		case RG_S_CONTENTS: contents(d); break;
		case RG_S_SCOPE: scope(d); break;
		case RG_S_ACTIONS: actions_table(d); break;
		case RG_S_TIMELINE: timeline(d); break;
		case RG_S_DETAILS: details(d); break;
		case RG_S_EVIDENCE: evidence(d); break;
		case RG_S_SIGNER: signer(d); break;
		default: break; /* summary-only sections */
		}
	}
	/* A document always has a page, even with an empty section list. */
	rg_pdoc_need(d, 1);
}

rg_status rg_pdf_write_report(const struct rg_results *r, const struct rg_template *t,
                              const struct rg_pdf_signer *signer_info, const char *path,
                              struct rg_diags *diags)
{
	return rg_pdoc_render(r, t, signer_info, path, RG_T_REPORT_TITLE, rg_pdf_report_body, NULL, NULL,
	                      diags);
}
