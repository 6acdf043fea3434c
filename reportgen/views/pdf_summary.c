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

#include "core/arena.h"
#include "core/str.h"

#include "views/pdf.h"
#include "views/pdf_chart.h"
#include "views/pdf_doc.h"
#include "views/pdf_words.h"

#define MAX_PAGES 2

static void heading(struct rg_pdoc *d, enum rg_tpl_key k, const char *dest, double keep)
{
	const char *s = rg_pdoc_text(d, k, NULL, 0);
	rg_pdoc_heading(d, 2, s, dest, keep);
	rg_pdoc_outline(d, CAIRO_PDF_OUTLINE_ROOT, s, dest, false);
}

/* Who signed, in words a reader sees first: the subject's name and
 * organisation and when, "NOT SIGNED", and a DEMO warning for the
 * published demonstration certificate (whose key anyone has). */
static void signature_line(struct rg_pdoc *d)
{
	const struct rg_pdf_signer *s = d->signer;
	if (!s) {
		rg_pdoc_para(d, RG_F_BOLD, RG_C_NOT_SATISFIED, rg_pdoc_text(d, RG_T_SIGNATURE_NONE, NULL, 0));
		return;
	}
	char *cn = s->subject ? rg_pdf_dn_attr(s->subject, "CN") : NULL;
	char *org = s->subject ? rg_pdf_dn_attr(s->subject, "O") : NULL;
	char when[RG_PDF_WHEN_BUFSZ];
	rg_pdf_when(when, sizeof when, s->signing_time_ms, rg_pdf_zone(d->r));
	struct rg_tpl_var v[] = {{"cn", cn ? cn : (s->subject ? s->subject : "")},
	                         {"org", org ? org : "-"},
	                         {"date", when}};
	rg_pdoc_para(d, RG_F_BOLD, s->demo ? RG_C_NOT_SATISFIED : RG_C_TEXT,
	             rg_pdoc_text(d, RG_T_SIGNATURE_SIGNED, v, 3));
	if (s->demo)
		rg_pdoc_para(d, RG_F_BOLD, RG_C_NOT_SATISFIED,
		             rg_pdoc_text(d, RG_T_SIGNATURE_DEMO, v, 3));
	free(cn);
	free(org);
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
	signature_line(d);
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
	rg_pdoc_badge(d, d->x0, d->y + 4, 11,
	              rg_pdf_none_applies(d->r) ? RG_NOT_APPLICABLE
	                                        : rg_pdoc_overall_verdict(d->r->overall));
	rg_pdoc_draw_text(d, d->x0 + 18, d->y, w, RG_F_BIG, RG_C_TEXT, RG_A_LEFT, false, s);
	rg_pdoc_untag(d, "P");
	d->y += h + 4;
	/* Every action's status in one line: what is not done is detailed
	 * below, what is done is said here. */
	struct rg_buf b;
	rg_buf_init(&b, 0);
	int err = rg_buf_append(&b, "", 0);
	for (size_t k = 0; k < d->r->n_actions && !err; k++) {
		const struct rg_action_result *a = &d->r->actions[k];
		/* No-break spaces inside one action's "RA-4 Not satisfied". */
		err = rg_buf_printf(&b, "%s%s", k ? " · " : "", a->id);
		for (const char *wd = rg_pdoc_status_word(d, a->status); !err && wd;) {
			const char *sp = strchr(wd, ' ');
			err = rg_buf_printf(&b, "\xc2\xa0%.*s", (int)(sp ? sp - wd : (long)strlen(wd)), wd);
			wd = sp ? sp + 1 : NULL;
		}
	}
	if (err)
		d->oom = true;
	if (d->r->n_actions)
		rg_pdoc_para(d, RG_F_SMALL, RG_C_TEXT, b.data ? b.data : "");
	rg_buf_free(&b);
}

/* Actions worst first: by status, required before advisory, most open
 * items first, then in the directive's order (a stable order, so both
 * passes and every run agree). */
static const struct rg_results *sort_r;
static int worst_first(const void *pa, const void *pb)
{
	const struct rg_action_result *a = &sort_r->actions[*(const size_t *)pa];
	const struct rg_action_result *b = &sort_r->actions[*(const size_t *)pb];
	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind == RG_KIND_REQUIRED ? -1 : 1;
	size_t ao = rg_action_open(a) + a->counts[RG_SATISFIED_LATE];
	size_t bo = rg_action_open(b) + b->counts[RG_SATISFIED_LATE];
	if (ao != bo)
		return ao > bo ? -1 : 1;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	return ia < ib ? -1 : ia > ib;
}

/* The indices of the actions, worst first; malloc'd (NULL: out of memory). */
static size_t *actions_worst_first(const struct rg_results *r)
{
	size_t *o = malloc((r->n_actions ? r->n_actions : 1) * sizeof *o);
	if (!o)
		return NULL;
	for (size_t k = 0; k < r->n_actions; k++)
		o[k] = k;
	sort_r = r;
	qsort(o, r->n_actions, sizeof *o, worst_first);
	return o;
}

/* The earliest own deadline among an action's open items (RA-2a: each
 * secret's identified_at + the window); false when none has one. */
static bool oldest_open_due(const struct rg_action_result *a, int64_t *due)
{
	bool any = false;
	for (size_t i = 0; i < a->n_items; i++) {
		rg_arena_tick();
		const struct rg_item *it = &a->items[i];
		if (rg_verdict_is_open(it->status) && it->has_due && (!any || it->due.ms < *due)) {
			*due = it->due.ms;
			any = true;
		}
	}
	return any;
}

/* What must happen: each action not done, its deadline in words, how
 * overdue it is on the day the report was made, its open items and who
 * answers for it (the bundle's contact: the only person the evidence
 * names as accountable). */
static void todo(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	int zone = rg_pdf_zone(r);
	size_t *order = actions_worst_first(r);
	if (!order) {
		d->oom = true;
		return;
	}
	size_t n_open = 0;
	for (size_t k = 0; k < r->n_actions; k++)
		n_open += rg_verdict_is_open(r->actions[k].status);
	static const struct rg_pcol cols[] = {
		{0.7, RG_F_SMALL_BOLD, RG_A_LEFT}, {2.5, RG_F_SMALL, RG_A_LEFT},
		{2.0, RG_F_SMALL, RG_A_LEFT},      {0.8, RG_F_SMALL, RG_A_LEFT},
		{1.4, RG_F_SMALL, RG_A_LEFT},
	};
	const char *head[5] = {d->t->text[RG_T_COL_ACTION], d->t->text[RG_T_COL_TODO],
	                       d->t->text[RG_T_COL_DEADLINE], d->t->text[RG_T_COL_OVERDUE],
	                       d->t->text[RG_T_COL_ACCOUNTABLE]};
	struct rg_ptable tb = {.cols = cols, .n = 5, .head = head,
	                       .caption = d->t->text[RG_T_SUMMARY_TODO]};
	const struct rg_bundle_info *e = &r->bundle;
	char *who = e->contact_name ? rg_asprintf("%s%s%s%s", e->contact_name,
	                                          e->contact_role ? " (" : "",
	                                          e->contact_role ? e->contact_role : "",
	                                          e->contact_role ? ")" : "")
	                            : rg_asprintf("-");
	struct rg_pcell (*rows)[5] = calloc(n_open ? n_open : 1, sizeof *rows);
	char **own = calloc(n_open ? 5 * n_open : 1, sizeof *own);
	struct rg_plink *links = calloc(n_open ? n_open : 1, sizeof *links);
	if (!who || !rows || !own || !links) {
		d->oom = true;
		goto out;
	}
	size_t n = 0;
	for (size_t j = 0; j < r->n_actions; j++) {
		const struct rg_action_result *a = &r->actions[order[j]];
		if (!rg_verdict_is_open(a->status))
			continue;
		char items[24], late[24], open[24];
		snprintf(items, sizeof items, "%zu", a->n_items);
		snprintf(late, sizeof late, "%zu", a->counts[RG_SATISFIED_LATE]);
		snprintf(open, sizeof open, "%zu", rg_action_open(a));
		struct rg_tpl_var cv[] = {{"title", a->title ? a->title : a->id},
		                          {"items", items}, {"late", late}, {"open", open}};
		const char *what = rg_pdoc_text(d, RG_T_TODO_ITEMS, cv, 4);
		const char *latew = a->counts[RG_SATISFIED_LATE] ? rg_pdoc_text(d, RG_T_TODO_LATE, cv, 4)
		                                                : "";
		own[5 * n] = rg_asprintf("%s%s%s%s", what, latew,
		                         a->kind == RG_KIND_ADVISORY ? "; " : "",
		                         a->kind == RG_KIND_ADVISORY ? d->t->text[RG_T_KIND_ADVISORY]
		                                                     : "");
		/* The deadline in words, and the instant overdue is counted from. */
		int64_t due = 0;
		bool has_due = false;
		char dw[64];
		if (a->has_deadline) {
			due = a->deadline.ms;
			has_due = true;
			own[5 * n + 1] = rg_asprintf("%s", rg_pdf_when_words(dw, sizeof dw, due, zone));
		} else if (oldest_open_due(a, &due)) {
			has_due = true;
			char wb[RG_PDF_DURATION_BUFSZ];
			struct rg_tpl_var wv[] = {
				{"window", a->has_window ? rg_pdf_duration_words(wb, sizeof wb, a->window_ms)
				                         : (a->window_text ? a->window_text : "")},
				{"date", rg_pdf_when_words(dw, sizeof dw, due, zone)}};
			own[5 * n + 1] = rg_asprintf("%s", rg_pdoc_text(d, RG_T_DEADLINE_PER_ITEM, wv, 2));
		} else {
			own[5 * n + 1] = rg_asprintf("%s", d->t->text[RG_T_NO_DEADLINE]);
		}
		if (has_due && r->generated_ms > due) {
			char days[RG_PDF_DURATION_BUFSZ];
			int64_t whole = (r->generated_ms - due) / 86400000LL * 86400000LL;
			struct rg_tpl_var nv = {"n", whole ? rg_pdf_duration_words(days, sizeof days, whole)
			                                   : "0 days"};
			own[5 * n + 2] = rg_asprintf("%s", rg_pdoc_text(d, RG_T_OVERDUE_DAYS, &nv, 1));
		} else {
			own[5 * n + 2] = rg_asprintf("%s", has_due ? d->t->text[RG_T_OVERDUE_NOT_YET] : "-");
		}
		if (!own[5 * n] || !own[5 * n + 1] || !own[5 * n + 2])
			d->oom = true;
		/* The action's id links to its section in report.pdf (next to
		 * this file, as render writes them). */
		int page = d->report_pages ? d->report_pages[order[j]] : 0;
		if (page > 0) {
			char pg[24];
			snprintf(pg, sizeof pg, "%d", page);
			struct rg_tpl_var pv = {"n", pg};
			struct rg_tpl_var hv[] = {{"id", a->id}, {"title", a->title ? a->title : ""}};
			own[5 * n + 3] = rg_asprintf("uri='" RG_PDF_GOTO_SCHEME "report.pdf#%d'", page);
			own[5 * n + 4] = rg_asprintf("%s (report.pdf, %s)",
			                             rg_pdoc_text(d, RG_T_ACTION_HEADING, hv, 2),
			                             rg_pdoc_text(d, RG_T_SUMMARY_LINK, &pv, 1));
			links[n] = (struct rg_plink){own[5 * n + 3], own[5 * n + 4]};
		}
		rows[n][0] = (struct rg_pcell){a->id, (int)a->status, page > 0 ? &links[n] : NULL};
		rows[n][1] = (struct rg_pcell){own[5 * n] ? own[5 * n] : "", -1, NULL};
		rows[n][2] = (struct rg_pcell){own[5 * n + 1] ? own[5 * n + 1] : "", -1, NULL};
		rows[n][3] = (struct rg_pcell){own[5 * n + 2] ? own[5 * n + 2] : "", -1, NULL};
		rows[n][4] = (struct rg_pcell){who, -1, NULL};
		n++;
	}
	const char *intro = n ? rg_pdoc_text(d, RG_T_SUMMARY_TODO_INTRO, NULL, 0) : "";
	double keep = n ? rg_pdoc_text_height(d, RG_F_SMALL, d->x1 - d->x0, intro) + 4 +
	                      rg_pdoc_table_lead(d, &tb, rows[0])
	                : 20;
	heading(d, RG_T_SUMMARY_TODO, "sum-todo", keep);
	if (n == 0) {
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT,
		             d->t->text[rg_pdf_none_applies(r) ? RG_T_SUMMARY_TODO_NOT_NOTIFIED
		                                               : RG_T_SUMMARY_TODO_NONE]);
		goto out;
	}
	rg_pdoc_para(d, RG_F_SMALL, RG_C_TEXT, rg_pdoc_text(d, RG_T_SUMMARY_TODO_INTRO, NULL, 0));
	rg_pdoc_table_begin(d, &tb, 1);
	for (size_t i = 0; i < n; i++)
		rg_pdoc_table_row(d, &tb, rows[i]);
	rg_pdoc_table_end(d, &tb);
out:
	for (size_t i = 0; own && i < 5 * n_open; i++)
		free(own[i]);
	free(own);
	free(links);
	free(rows);
	free(who);
	free(order);
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
		/* What the link opens, for its /Contents. */
		struct rg_tpl_var hv[] = {{"id", a->id}, {"title", a->title ? a->title : ""}};
		char *alt = where ? rg_asprintf("%s (report.pdf, %s)",
		                                rg_pdoc_text(d, RG_T_ACTION_HEADING, hv, 2), where)
		                  : NULL;
		struct rg_plink lk = {link, alt};
		struct rg_pcell c[5] = {
			{a->id, -1, NULL},
			{a->title ? a->title : "", -1, NULL},
			{rg_pdoc_status_word(d, a->status), (int)a->status, NULL},
			{counts ? counts : "", -1, NULL},
			{where ? where : "", -1, &lk},
		};
		rg_pdoc_table_row(d, &tb, c);
		free(counts);
		free(where);
		free(link);
		free(alt);
	}
	rg_pdoc_table_end(d, &tb);
}

/* The counts that matter, in one paragraph: each is a short sentence,
 * and a line each took a fifth of a page the late items need. */
static void counts(struct rg_pdoc *d)
{
	heading(d, RG_T_SUMMARY_COUNTS, "sum-counts", 30);
	enum rg_tpl_key k[] = {RG_T_COUNT_EMAILS, RG_T_COUNT_SECRETS, RG_T_COUNT_ACCOUNTS,
	                       RG_T_COUNT_LATE_OPEN, RG_T_COUNT_CORROBORATED};
	size_t n = d->r->headline.audit_log ? 5 : 4;
	struct rg_buf b;
	rg_buf_init(&b, 0);
	int err = rg_buf_append(&b, "", 0);
	for (size_t i = 0; i < n && !err; i++)
		err = rg_buf_printf(&b, "%s%s", i ? ". " : "", rg_pdoc_text(d, k[i], NULL, 0));
	if (!err)
		err = rg_buf_putc(&b, '.');
	if (err)
		d->oom = true;
	rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, b.data ? b.data : "");
	rg_buf_free(&b);
}

static void chart(struct rg_pdoc *d)
{
	heading(d, RG_T_SUMMARY_CHART, "sum-chart", rg_pdf_chart_height(d, true) + 8);
	rg_pdf_chart(d, true);
}

/* s with every occurrence of what replaced by with; malloc'd. */
static char *replace_all(const char *s, const char *what, const char *with)
{
	struct rg_buf b;
	rg_buf_init(&b, 0);
	int err = rg_buf_append(&b, "", 0);
	size_t wn = strlen(what);
	for (const char *p = s; !err && *p;) {
		const char *q = wn ? strstr(p, what) : NULL;
		if (!q) {
			err = rg_buf_append(&b, p, strlen(p));
			break;
		}
		err = rg_buf_append(&b, p, (size_t)(q - p));
		if (!err)
			err = rg_buf_append(&b, with, strlen(with));
		p = q + wn;
	}
	if (err) {
		rg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* The longest an identifier is shown in the summary: message ids are
 * 90-odd characters of base64 that say nothing to an executive; the
 * full id is in report.pdf. */
#define SHORT_EMAIL 20
#define SHORT_OTHER 36
/* A reason longer than this (characters) is cut at a word with "…": the
 * summary says what is wrong, report.pdf says it all. */
#define SHORT_REASON 120

static void cut_words(char *s, size_t max)
{
	if (!s)
		return;
	size_t chars = 0, b = 0, last_space = 0;
	for (; s[b]; b++) {
		if (((unsigned char)s[b] & 0xc0) == 0x80)
			continue;
		if (s[b] == ' ')
			last_space = b;
		if (++chars > max)
			break;
	}
	if (!s[b])
		return;
	size_t at = last_space ? last_space : b;
	/* "…" is 3 bytes: room for it where a space and one more char were. */
	if (at < 2 || at + 3 > strlen(s))
		return;
	memcpy(s + at, "\xe2\x80\xa6", 4);
}

/* One row of the late and open items, with the strings it owns. */
struct item_row {
	struct rg_pcell c[5];
	char ev[RG_EVREF_BUFSZ];
	char *subject, *reason;
};

static void item_row_make(struct rg_pdoc *d, struct item_row *row,
                          const struct rg_action_result *a, const struct rg_item *it)
{
	rg_evref_format(row->ev, sizeof row->ev, &it->evidence[0]);
	char *full = rg_item_subject(it);
	const char *ref = it->subject_ref ? it->subject_ref : "";
	char *short_ref = rg_pdf_short_id(ref, it->subject_kind == RG_SUBJ_EMAIL ? SHORT_EMAIL
	                                                                          : SHORT_OTHER);
	bool cut = short_ref && strcmp(short_ref, ref) != 0;
	row->subject = full && cut ? replace_all(full, ref, short_ref) : full;
	/* The reason without the subject it starts with (printed beside it),
	 * times in the one zone, and the id shortened as in the Item cell. */
	char *rw = rg_pdf_reword(it->reason, rg_pdf_zone(d->r), full);
	cut_words(rw, SHORT_REASON);
	row->reason = rw && cut ? replace_all(rw, ref, short_ref) : rw;
	if (row->reason != rw)
		free(rw);
	if (row->subject != full)
		free(full);
	free(short_ref);
	if (!row->subject || !row->reason)
		d->oom = true;
	row->c[0] = (struct rg_pcell){a->id, -1, NULL};
	row->c[1] = (struct rg_pcell){row->subject ? row->subject : "", -1, NULL};
	row->c[2] = (struct rg_pcell){rg_pdoc_status_word(d, it->status), (int)it->status, NULL};
	row->c[3] = (struct rg_pcell){row->ev, -1, NULL};
	row->c[4] = (struct rg_pcell){row->reason ? row->reason : "", -1, NULL};
}

static void item_row_free(struct item_row *row)
{
	free(row->subject);
	free(row->reason);
}

/* Whether item i of a is listed, and in which round: worst status first
 * (not satisfied, insufficient evidence, late). */
static bool listed(const struct rg_item *it)
{
	return rg_verdict_is_open(it->status) || it->status == RG_SATISFIED_LATE;
}

/* Calls fn on the first cnt[j] listed items of the j-th action of order
 * (worst first, then in the action's order); stops when fn returns false.
 * Returns how many items fn was called on. */
typedef bool (*item_fn)(struct rg_pdoc *d, void *ctx, const struct rg_action_result *a,
                        const struct rg_item *it);
static size_t each_item(struct rg_pdoc *d, const size_t *order, const size_t *cnt, item_fn fn,
                        void *ctx)
{
	const struct rg_results *r = d->r;
	size_t n = 0;
	for (size_t j = 0; j < r->n_actions; j++) {
		const struct rg_action_result *a = &r->actions[order[j]];
		size_t nth = 0;
		for (int v = RG_NOT_SATISFIED; v <= RG_SATISFIED_LATE && nth < cnt[j]; v++)
			for (size_t i = 0; i < a->n_items && nth < cnt[j]; i++) {
				rg_arena_tick();
				if ((int)a->items[i].status != v)
					continue;
				nth++;
				n++;
				if (!fn(d, ctx, a, &a->items[i]))
					return n;
			}
	}
	return n;
}

/* Measuring the list without drawing it: where the rows would fall, page
 * breaks with their caption and repeated header included, as
 * rg_pdoc_table_row places them. */
struct sim {
	struct rg_ptable *tb;
	double y, header_h, caption_h;
	int page;
};

static bool sim_row(struct rg_pdoc *d, void *ctx, const struct rg_action_result *a,
                    const struct rg_item *it)
{
	struct sim *s = ctx;
	struct item_row row;
	item_row_make(d, &row, a, it);
	double rh = rg_pdoc_table_row_height(d, s->tb, row.c);
	item_row_free(&row);
	if (s->page == 0) { /* the header comes with the first row */
		s->page = d->page;
		if (s->y + s->header_h + rh > d->bottom && s->y > d->top) {
			s->page++;
			s->y = d->top;
		}
		s->y += s->header_h;
	} else if (s->y + rh > d->bottom) {
		s->page++;
		s->y = d->top + s->caption_h + s->header_h;
	}
	s->y += rh;
	return s->page <= MAX_PAGES;
}

static bool draw_row(struct rg_pdoc *d, void *ctx, const struct rg_action_result *a,
                     const struct rg_item *it)
{
	struct item_row row;
	item_row_make(d, &row, a, it);
	rg_pdoc_table_row(d, ctx, row.c);
	item_row_free(&row);
	return true;
}

/* Whether the first cnt[j] items of each action fit on the two pages,
 * with the "more" line after them when some are left out. */
static bool fits(struct rg_pdoc *d, const size_t *order, const size_t *cnt, size_t total,
                 struct sim base, double more_h)
{
	struct sim s = base;
	size_t n = each_item(d, order, cnt, sim_row, &s);
	if (s.page > MAX_PAGES)
		return false;
	if (n < total && s.y + 8 + more_h > d->bottom)
		return false;
	return true;
}

/* Where the items left out are: each action with items left out
 * (cnt[j] < want[j]; cnt NULL: every action), and the page of its section
 * in report.pdf.  Malloc'd; NULL when out of memory. */
static char *where_text(struct rg_pdoc *d, const size_t *order, const size_t *cnt,
                        const size_t *want)
{
	const struct rg_results *r = d->r;
	struct rg_buf where;
	rg_buf_init(&where, 0);
	int err = rg_buf_append(&where, "", 0);
	for (size_t j = 0; j < r->n_actions && !err; j++) {
		size_t k = order[j];
		const struct rg_action_result *a = &r->actions[k];
		if (cnt ? cnt[j] == want[j] : want[j] == 0)
			continue;
		int page = d->report_pages ? d->report_pages[k] : 0;
		char pg[24];
		snprintf(pg, sizeof pg, "%d", page);
		struct rg_tpl_var pv = {"n", pg};
		err = rg_buf_printf(&where, "%s%s%s%s", where.len ? "; " : "", a->id,
		                    page > 0 ? ", " : "",
		                    page > 0 ? rg_pdoc_text(d, RG_T_SUMMARY_LINK, &pv, 1) : "");
	}
	if (err) {
		rg_buf_free(&where);
		return NULL;
	}
	return where.data;
}

/* The late and open items, grouped by action, worst action first, each
 * action's worst items first.  All of them when they fit on the two
 * pages; else the same number from each action (as many as fit: one
 * action's thousands never hide the others), and a line saying how many
 * are left out and where report.pdf lists them. */
static void items(struct rg_pdoc *d)
{
	const struct rg_results *r = d->r;
	size_t total = 0, most = 0;
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		size_t n = rg_action_open(a) + a->counts[RG_SATISFIED_LATE];
		total += n;
		if (n > most)
			most = n;
	}
	if (d->page > MAX_PAGES - 1 && d->y + 80 > d->bottom) {
		/* No room left for even the heading: the count alone must show. */
		return;
	}
	static const struct rg_pcol cols[] = {
		{0.6, RG_F_SMALL_BOLD, RG_A_LEFT}, {1.8, RG_F_SMALL, RG_A_LEFT},
		{1.1, RG_F_SMALL, RG_A_LEFT},      {1.3, RG_F_MONO, RG_A_LEFT},
		{2.6, RG_F_SMALL, RG_A_LEFT},
	};
	const char *head[5] = {d->t->text[RG_T_COL_ACTION], d->t->text[RG_T_COL_SUBJECT],
	                       d->t->text[RG_T_COL_STATUS], d->t->text[RG_T_COL_EVIDENCE],
	                       d->t->text[RG_T_COL_REASON]};
	struct rg_ptable tb = {.cols = cols, .n = 5, .head = head,
	                       .caption = d->t->text[RG_T_SUMMARY_ITEMS]};
	size_t *order = actions_worst_first(r);
	if (!order) {
		d->oom = true;
		return;
	}
	double w = d->x1 - d->x0;
	const char *intro = rg_pdoc_text(d, RG_T_SUMMARY_ITEMS_INTRO, NULL, 0);
	double intro_h = rg_pdoc_text_height(d, RG_F_SMALL, w, intro) + 4;
	/* With items, keep the heading with the intro, the table header and
	 * the first row. */
	double keep = 20;
	if (total) {
		const struct rg_action_result *a = &r->actions[order[0]];
		for (size_t i = 0; i < a->n_items; i++) {
			rg_arena_tick();
			if (listed(&a->items[i])) {
				struct item_row row;
				item_row_make(d, &row, a, &a->items[i]);
				keep = intro_h + rg_pdoc_table_lead(d, &tb, row.c);
				item_row_free(&row);
				break;
			}
		}
	}
	heading(d, RG_T_SUMMARY_ITEMS, "sum-items", keep);
	if (total == 0) {
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, d->t->text[RG_T_SUMMARY_NO_ITEMS]);
		free(order);
		return;
	}
	rg_pdoc_para(d, RG_F_SMALL, RG_C_MUTED, intro);
	rg_pdoc_table_begin(d, &tb, 1);
	struct rg_tpl_var cv = {"title", tb.caption};
	struct sim base = {
		.tb = &tb,
		.y = d->y,
		.header_h = rg_pdoc_table_lead(d, &tb, NULL),
		.caption_h = rg_pdoc_text_height(d, RG_F_SMALL, w, rg_pdoc_text(d, RG_T_CONTINUED, &cv, 1)) + 4,
		.page = 0,
	};
	/* How many of each action's items are listed: all when they fit;
	 * else the same number of each (as many as fit), then one more of
	 * each action in turn, worst action first, while they fit. */
	size_t na = r->n_actions, *want = calloc(na ? na : 1, sizeof *want),
	       *cnt = calloc(na ? na : 1, sizeof *cnt);
	if (!want || !cnt) {
		d->oom = true;
		free(want);
		free(cnt);
		free(order);
		return;
	}
	for (size_t j = 0; j < na; j++) {
		const struct rg_action_result *a = &r->actions[order[j]];
		want[j] = cnt[j] = rg_action_open(a) + a->counts[RG_SATISFIED_LATE];
	}
	/* The "more" line at its longest: every action with items named. */
	char *all = where_text(d, order, NULL, want);
	char nn[24];
	snprintf(nn, sizeof nn, "%zu", total);
	struct rg_tpl_var mv[] = {{"n", nn}, {"where", all ? all : ""}};
	double more_h = rg_pdoc_text_height(d, RG_F_BODY, w, rg_pdoc_text(d, RG_T_SUMMARY_MORE, mv, 2));
	free(all);
	if (!fits(d, order, cnt, total, base, more_h)) {
		size_t lo = 0, hi = most; /* fits(lo), !fits(hi) */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			for (size_t j = 0; j < na; j++)
				cnt[j] = want[j] < mid ? want[j] : mid;
			if (fits(d, order, cnt, total, base, more_h))
				lo = mid;
			else
				hi = mid;
		}
		for (size_t j = 0; j < na; j++)
			cnt[j] = want[j] < lo ? want[j] : lo;
		for (bool grew = true; grew;) {
			grew = false;
			for (size_t j = 0; j < na; j++) {
				if (cnt[j] == want[j])
					continue;
				cnt[j]++;
				if (fits(d, order, cnt, total, base, more_h)) {
					grew = true;
				} else {
					cnt[j]--;
				}
			}
		}
	}
	size_t shown = each_item(d, order, cnt, draw_row, &tb);
	rg_pdoc_table_end(d, &tb);
	if (shown < total) {
		char *where = where_text(d, order, cnt, want);
		int err = !where;
		if (err)
			d->oom = true;
		char n[24];
		snprintf(n, sizeof n, "%zu", total - shown);
		struct rg_tpl_var v[] = {{"n", n}, {"where", where ? where : ""}};
		d->y -= 4;
		rg_pdoc_para(d, RG_F_BODY, RG_C_TEXT, rg_pdoc_text(d, RG_T_SUMMARY_MORE, v, 2));
		free(where);
	}
	free(want);
	free(cnt);
	free(order);
}

static void summary_body(struct rg_pdoc *d)
{
	title(d);
	for (size_t i = 0; i < d->t->n_summary; i++) {
		switch (d->t->summary[i]) {
		case RG_S_OVERALL: overall(d); break;
		case RG_S_TODO: todo(d); break;
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
