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

#include "core/timefmt.h"
#include "views/pdf.h"
#include "views/pdf_chart.h"
#include "views/pdf_doc.h"

#define LABEL_W 118.0

/* A section heading with a bookmark at the outline's top level. */
static void section(struct rg_pdoc *d, enum rg_tpl_key k, const char *dest, double keep)
{
	const char *s = rg_pdoc_text(d, k, NULL, 0);
	rg_pdoc_heading(d, 1, s, dest, keep);
	d->outline_parent = rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, s, dest, true);
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

static void cover(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	const struct rg_bundle_info *e = &r->bundle;
	char tb[RG_TIME_BUFSZ + 4];
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
	              rg_pdoc_overall_verdict(r->overall));
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
	struct rg_tpl_var nv = {"date", e->notified ? rg_pdoc_time(tb, e->notification_received)
	                                            : ""};
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
                          const struct rg_pdoc *d)
{
	char tb[RG_TIME_BUFSZ + 4];
	if (def->has_deadline)
		snprintf(buf, n, "%s", rg_pdoc_time(tb, def->deadline));
	else if (def->has_window)
		snprintf(buf, n, "%s", def->window_text ? def->window_text
		                                        : rg_duration_format(tb, def->window_ms));
	else
		snprintf(buf, n, "%s", d->t->text[RG_T_NO_DEADLINE]);
}

static void actions_table(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	section(d, RG_T_ACTIONS_HEADING, "sec-actions", 100);
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
		struct rg_pcell c[8] = {
			{a->id, -1, link},
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
		{0.6, RG_F_SMALL, RG_A_RIGHT}, {0.45, RG_F_SMALL, RG_A_RIGHT},
		{1.1, RG_F_SMALL, RG_A_LEFT},  {1.1, RG_F_SMALL, RG_A_LEFT},
	};
	const char *head[6] = {d->t->text[RG_T_COL_ACCOUNT],   d->t->text[RG_T_COL_WINDOW],
	                       d->t->text[RG_T_COL_SUCCESSES], d->t->text[RG_T_COL_IPS],
	                       d->t->text[RG_T_COL_FIRST],     d->t->text[RG_T_COL_LAST]};
	struct rg_ptable tb = {.cols = cols, .n = 6, .head = head,
	                       .caption = d->t->text[RG_T_SIGNINS_HEADING]};
	rg_pdoc_table_begin(d, &tb, 1);
	for (size_t i = 0; i < a->n_signins; i++) {
		const struct rg_signin_obs *o = &a->signins[i];
		char w0[RG_TIME_BUFSZ + 4], w1[RG_TIME_BUFSZ + 4], f[RG_TIME_BUFSZ + 4],
			l[RG_TIME_BUFSZ + 4];
		char win[2 * RG_TIME_BUFSZ + 16], n[24], ips[24];
		snprintf(win, sizeof win, "%s – %s", rg_pdoc_time(w0, o->window_start),
		         rg_pdoc_time(w1, o->window_end));
		snprintf(n, sizeof n, "%" PRIu64, o->successes);
		snprintf(ips, sizeof ips, "%" PRIu64, o->distinct_ips);
		const char *none = d->t->text[RG_T_SIGNINS_NONE];
		struct rg_pcell c[6] = {
			{o->account, -1, NULL},
			{win, -1, NULL},
			{n, -1, NULL},
			{ips, -1, NULL},
			{o->any ? rg_pdoc_time(f, o->first) : none, -1, NULL},
			{o->any ? rg_pdoc_time(l, o->last) : none, -1, NULL},
		};
		rg_pdoc_table_row(d, &tb, c);
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
		char tb[RG_DURATION_BUFSZ];
		rg_pdoc_field(d, rg_pdoc_text(d, RG_T_ACTION_WINDOW, NULL, 0), LABEL_W, RG_F_BODY,
		              def->window_text ? def->window_text : rg_duration_format(tb, def->window_ms),
		              -1);
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

	if (a->n_items == 0) {
		rg_pdoc_para(d, RG_F_BODY, RG_C_MUTED, d->t->text[RG_T_ACTION_NO_ITEMS]);
	} else {
		static const struct rg_pcol cols[] = {
			/* Sized so that on A4 too "Satisfied late", a late-by like
			 * PT23H15M30S and "remediations.csv:10" stay on one line and
			 * # holds six digits; subject and reason wrap. */
			{0.55, RG_F_SMALL, RG_A_RIGHT}, {1.7, RG_F_SMALL, RG_A_LEFT},
			{1.2, RG_F_SMALL, RG_A_LEFT},   {1.55, RG_F_MONO, RG_A_LEFT},
			{1.15, RG_F_SMALL, RG_A_LEFT},  {2.15, RG_F_SMALL, RG_A_LEFT},
		};
		const char *head[6] = {d->t->text[RG_T_COL_NUMBER],   d->t->text[RG_T_COL_SUBJECT],
		                       d->t->text[RG_T_COL_STATUS],   d->t->text[RG_T_COL_EVIDENCE],
		                       d->t->text[RG_T_COL_LATE_BY], d->t->text[RG_T_COL_REASON]};
		struct rg_ptable tb = {.cols = cols, .n = 6, .head = head, .caption = heading};
		rg_pdoc_table_begin(d, &tb, 2);
		for (size_t i = 0; i < a->n_items; i++) {
			const struct rg_item *it = &a->items[i];
			char num[24], lb[RG_DURATION_BUFSZ];
			snprintf(num, sizeof num, "%zu", i + 1);
			char *ev = rg_item_evidence_list(it);
			char *subject = rg_item_subject(it);
			if (!ev || !subject)
				d->oom = true;
			lb[0] = '\0';
			if (it->status == RG_SATISFIED_LATE && it->late_by_ms > 0)
				rg_duration_format(lb, it->late_by_ms);
			/* What the audit log says of the remediations, under the
			 * reason: an observation, not part of the verdict. */
			char *why = NULL;
			if (it->corroboration != RG_CORR_NONE) {
				struct rg_tpl_var sv = {"sources", it->corroborated_by ? it->corroborated_by : ""};
				why = rg_asprintf("%s\n%s", it->reason,
				                  rg_pdoc_text(d, it->corroboration == RG_CORR_YES
				                                      ? RG_T_ITEM_CORROBORATED
				                                      : RG_T_ITEM_NOT_CORROBORATED,
				                               &sv, 1));
			}
			struct rg_pcell c[6] = {
				{num, -1, NULL},
				{subject ? subject : "", -1, NULL},
				{rg_pdoc_status_word(d, it->status), (int)it->status, NULL},
				{ev ? ev : "", -1, NULL},
				{lb, -1, NULL},
				{why ? why : it->reason, -1, NULL},
			};
			rg_pdoc_table_row(d, &tb, c);
			free(why);
			free(ev);
			free(subject);
		}
		rg_pdoc_table_end(d, &tb);
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
	struct {
		enum rg_tpl_key k;
		const char *v;
		enum rg_pfont f;
	} rows[] = {{RG_T_SIGNER_SUBJECT, s->subject, RG_F_BODY},
	            {RG_T_SIGNER_ISSUER, s->issuer, RG_F_BODY},
	            {RG_T_SIGNER_SERIAL, s->serial, RG_F_MONO},
	            {RG_T_SIGNER_NOT_AFTER, s->not_after, RG_F_BODY}};
	for (size_t i = 0; i < 4; i++)
		if (rows[i].v)
			rg_pdoc_field(d, d->t->text[rows[i].k], LABEL_W, rows[i].f, rows[i].v, -1);
}

void rg_pdf_report_body(struct rg_pdoc *d)
{
	for (size_t i = 0; i < d->t->n_report; i++) {
		switch (d->t->report[i]) {
		case RG_S_COVER: cover(d); break;
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
