/*
 * fixture.c: hand-built results models for the PDF tests (fixture.h).
 *
 * The numbers follow ed-24-02.md: deadlines as the directive file writes
 * them, late items carry late_by_ms, open items a reason a person can act
 * on.  Counts and statuses are derived from the items here the way the
 * judge derives them, so a fixture is self-consistent.
 */
#include "fixture.h"

#include <stdio.h>
#include <string.h>

#define H (3600 * 1000LL)
#define DAY (24 * H)

/* 2024-04-02T15:10:00-04:00 etc., as instants with the offset kept. */
static struct rg_time at(int month, int day, int hour, int minute)
{
	int64_t days = rg_days_from_civil(2024, (unsigned)month, (unsigned)day);
	struct rg_time t = {days * DAY + (hour + 4) * H + minute * 60000LL, -240};
	return t;
}

static void finish_action(struct rg_action_result *a)
{
	a->status = RG_NOT_APPLICABLE;
	memset(a->counts, 0, sizeof a->counts);
	a->worst = NULL;
	for (size_t i = 0; i < a->n_items; i++) {
		a->counts[a->items[i].status]++;
		if (!a->worst || a->items[i].status < a->worst->status)
			a->worst = &a->items[i];
	}
	if (a->worst)
		a->status = a->worst->status;
}

static void late(struct rg_item *it, struct rg_time when, struct rg_time deadline)
{
	it->has_when = true;
	it->when = when;
	if (when.ms > deadline.ms) {
		it->status = RG_SATISFIED_LATE;
		it->late_by_ms = when.ms - deadline.ms;
	} else {
		it->status = RG_SATISFIED;
	}
}

const char *rg_fx_ref(char *buf, size_t n, const struct rg_item *it)
{
	if (it->line)
		snprintf(buf, n, "%s:%u", it->file, it->line);
	else
		snprintf(buf, n, "%s", it->file);
	return buf;
}

struct rg_results *rg_fx_build(struct rg_arena *a, enum rg_fx_kind kind, size_t n_findings)
{
	struct rg_results *r = rg_arena_alloc(a, sizeof *r);
	struct rg_directive *dir = rg_arena_alloc(a, sizeof *dir);
	struct rg_evidence *e = rg_arena_alloc(a, sizeof *e);
	if (!r || !dir || !e)
		return NULL;
	r->directive = dir;
	r->evidence = e;
	r->generated_ms = 1714644000000LL; /* 2024-05-02T10:00:00Z */

	dir->id = "ED-24-02";
	dir->version = "2024-04-11.1";
	dir->title = "Mitigating the Significant Risk from Nation-State Compromise of Microsoft "
	             "Corporate Email System";
	dir->issued = "2024-04-02";
	dir->path = "directives/ed-24-02.xml";
	dir->n_actions = 7;
	dir->actions = rg_arena_alloc(a, 7 * sizeof *dir->actions);
	if (!dir->actions)
		return NULL;
	struct rg_time d0408 = at(4, 8, 23, 59), d0430 = at(4, 30, 23, 59), d0501 = at(5, 1, 23, 59);
	d0408.ms += 59000;
	d0430.ms += 59000;
	struct rg_action_def *ad = dir->actions;
	ad[0] = (struct rg_action_def){
		.id = "RA-1", .title = "Analyse the exfiltrated correspondence",
		.wording = "Identify the full content of the agency's correspondence with compromised "
		           "Microsoft accounts and perform a cybersecurity impact analysis.",
		.source = "ED 24-02, Required Actions, 1", .kind = RG_KIND_REQUIRED,
		.rule = RG_RULE_CORRESPONDENCE_ANALYSIS, .has_deadline = true, .deadline = d0430,
		.event = RG_EV_IMPACT_ANALYSIS_COMPLETED, .event_needs_attachment = true};
	ad[1] = (struct rg_action_def){
		.id = "RA-2a", .title = "Remediate exposed secrets immediately",
		.wording = "Take immediate remediation actions for authentication secrets identified.",
		.source = "ED 24-02, Required Actions, 2.a",
		.note = "\"Immediately\" is read as within 48 hours of the secret being identified.",
		.kind = RG_KIND_REQUIRED, .applies = RG_APPLIES_COMPROMISE_DETECTED,
		.rule = RG_RULE_IMMEDIATE_REMEDIATION, .has_window = true, .window_ms = 48 * H,
		.window_text = "PT48H"};
	ad[2] = (struct rg_action_def){
		.id = "RA-2b-i", .title = "Reset credentials in associated applications; deactivate unused ones",
		.wording = "Reset credentials in associated applications and deactivate associated "
		           "applications no longer of use to the agency.",
		.source = "ED 24-02, Required Actions, 2.b.i", .kind = RG_KIND_REQUIRED,
		.applies = RG_APPLIES_COMPROMISE_DETECTED, .rule = RG_RULE_CREDENTIAL_RESET,
		.has_deadline = true, .deadline = d0430};
	ad[3] = (struct rg_action_def){
		.id = "RA-2b-ii", .title = "Review sign-in, token-issuance and account-activity logs",
		.wording = "Review sign-in, token issuance, and other account activity logs for users "
		           "and service accounts whose credentials were suspected to have been "
		           "compromised for potential malicious activity.",
		.source = "ED 24-02, Required Actions, 2.b.ii", .kind = RG_KIND_REQUIRED,
		.applies = RG_APPLIES_COMPROMISE_DETECTED, .rule = RG_RULE_LOG_REVIEW,
		.has_deadline = true, .deadline = d0430};
	ad[4] = (struct rg_action_def){
		.id = "RA-3a", .title = "Initial report to CISA",
		.wording = "Report to CISA the status of the actions of this directive.",
		.source = "ED 24-02, Required Actions, 3", .kind = RG_KIND_REQUIRED,
		.rule = RG_RULE_TIMELINE_EVENT, .has_deadline = true, .deadline = d0408,
		.event = RG_EV_INITIAL_REPORT_SUBMITTED};
	ad[5] = (struct rg_action_def){
		.id = "RA-3b", .title = "Status report to CISA",
		.wording = "Report to CISA the status of the actions of this directive, again.",
		.source = "ED 24-02, Required Actions, 3", .kind = RG_KIND_REQUIRED,
		.rule = RG_RULE_TIMELINE_EVENT, .has_deadline = true, .deadline = d0501,
		.event = RG_EV_STATUS_REPORT_SUBMITTED};
	ad[6] = (struct rg_action_def){
		.id = "RA-4", .title = "Secure authentication for privileged Azure accounts",
		.wording = "Review and secure authentication for privileged Microsoft Azure accounts.",
		.source = "ED 24-02, Required Actions, 4", .kind = RG_KIND_ADVISORY,
		.rule = RG_RULE_TIMELINE_EVENT, .event = RG_EV_PRIVILEGED_ACCESS_REVIEW_COMPLETED,
		.event_needs_reference = true};

	e->format = 1;
	e->directive = "ED-24-02";
	e->created = at(5, 1, 17, 30);
	e->agency_id = "EXA";
	e->agency_name = "Example Agency";
	e->agency_component = "Office of the CIO";
	e->contact_name = "Pat Doe";
	e->contact_role = "CISO";
	e->contact_email = "ciso@example.gov";
	e->notified = kind != RG_FX_NOT_NOTIFIED;
	e->notification_received = at(4, 2, 15, 10);
	e->bundle_name = kind == RG_FX_GAPS ? "exa-gaps.zip" : "exa.zip";
	snprintf(e->bundle_sha256, sizeof e->bundle_sha256, "%s",
	         kind == RG_FX_GAPS ? "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	                            : "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752");
	static const char *const files[] = {"manifest.xml", "findings.csv", "secrets.csv",
	                                    "remediations.csv", "log-reviews.csv", "timeline.csv",
	                                    "signins.csv", "attachments/impact-analysis.pdf"};
	e->n_members = 8;
	e->members = rg_arena_alloc(a, e->n_members * sizeof *e->members);
	if (!e->members)
		return NULL;
	for (size_t i = 0; i < e->n_members; i++) {
		e->members[i].path = files[i];
		for (int k = 0; k < 64; k++)
			e->members[i].sha256[k] = "0123456789abcdef"[(i * 7 + (size_t)k * 13) % 16];
		e->members[i].size = 1000 + i * 3217;
	}

	r->n_actions = 7;
	r->actions = rg_arena_alloc(a, 7 * sizeof *r->actions);
	if (!r->actions)
		return NULL;
	for (size_t i = 0; i < 7; i++)
		r->actions[i].def = &ad[i];

	if (kind == RG_FX_NOT_NOTIFIED) {
		for (size_t i = 0; i < 7; i++) {
			struct rg_item *it = rg_arena_alloc(a, sizeof *it);
			if (!it)
				return NULL;
			*it = (struct rg_item){.status = RG_NOT_APPLICABLE, .subject = "applicability",
			                       .file = "manifest.xml",
			                       .reason = "the agency was not notified"};
			r->actions[i].items = it;
			r->actions[i].n_items = 1;
			finish_action(&r->actions[i]);
		}
		r->overall = RG_COMPLIANT;
		return r;
	}

	bool gaps = kind == RG_FX_GAPS;
	/* RA-1: one item per finding plus the impact analysis. */
	struct rg_action_result *ra1 = &r->actions[0];
	ra1->n_items = n_findings + 1;
	ra1->items = rg_arena_alloc(a, ra1->n_items * sizeof *ra1->items);
	if (!ra1->items)
		return NULL;
	for (size_t i = 0; i < n_findings; i++) {
		struct rg_item *it = &ra1->items[i];
		it->subject = rg_arena_printf(a, "finding E-%zu", i + 1);
		it->file = RG_F_FINDINGS;
		it->line = (uint32_t)(i + 2);
		int day = 3 + (int)(i % 27);
		late(it, at(4, day, 9 + (int)(i % 8), (int)(i % 60)), d0430);
		it->reason = "reviewed on time";
		if (gaps && i % 7 == 3) {
			late(it, at(5, 1 + (int)(i % 3), 11, 5), d0430);
			it->reason = rg_arena_printf(a, "finding E-%zu reviewed after the deadline", i + 1);
		} else if (gaps && i % 11 == 5) {
			it->status = RG_NOT_SATISFIED;
			it->has_when = false;
			it->reason = rg_arena_printf(a, "finding E-%zu has no reviewed_at: review the email "
			                             "and record when",
			                             i + 1);
		}
		if (!it->subject)
			return NULL;
	}
	struct rg_item *ia = &ra1->items[n_findings];
	ia->subject = "impact analysis";
	ia->file = RG_F_TIMELINE;
	ia->line = 4;
	late(ia, gaps ? at(5, 1, 9, 0) : at(4, 29, 16, 0), d0430);
	ia->reason = gaps ? "impact analysis completed after the deadline"
	                  : "impact analysis attachments/impact-analysis.pdf";

	/* Secrets: RA-2a and RA-2b-i, one item each. */
	size_t n_secrets = gaps ? 5 : 3;
	for (int k = 1; k <= 2; k++) {
		struct rg_action_result *ar = &r->actions[k];
		ar->n_items = n_secrets;
		ar->items = rg_arena_alloc(a, n_secrets * sizeof *ar->items);
		if (!ar->items)
			return NULL;
		for (size_t i = 0; i < n_secrets; i++) {
			struct rg_item *it = &ar->items[i];
			it->subject = rg_arena_printf(a, "secret S-%zu", i + 1);
			it->file = RG_F_REMEDIATIONS;
			it->line = (uint32_t)(i + 2);
			struct rg_time ident = at(4, 5 + (int)i, 10, 0);
			struct rg_time done = ident;
			done.ms += (int64_t)(i + 1) * 12 * H;
			struct rg_time due = ident;
			due.ms += 48 * H;
			late(it, done, k == 1 ? due : d0430);
			it->reason = "rotated";
			if (gaps && i == 3) {
				it->status = RG_NOT_SATISFIED;
				it->has_when = false;
				it->file = RG_F_SECRETS;
				it->reason = "secret S-4: no reset, rotation or revocation recorded";
			} else if (gaps && i == 4 && k == 2) {
				it->status = RG_INSUFFICIENT_EVIDENCE;
				it->has_when = false;
				it->file = RG_F_SECRETS;
				it->line = 6;
				it->reason = "secret S-5: application_in_use is not given; say yes or no";
			}
			if (!it->subject)
				return NULL;
		}
	}
	/* RA-2b-ii: per account, with sign-in observations. */
	struct rg_action_result *lr = &r->actions[3];
	lr->n_items = 2;
	lr->items = rg_arena_alloc(a, 2 * sizeof *lr->items);
	lr->n_signins = 2;
	lr->signins = rg_arena_alloc(a, 2 * sizeof *lr->signins);
	if (!lr->items || !lr->signins)
		return NULL;
	static const char *const accounts[] = {"svc-mail@exa.gov", "j.smith@exa.gov"};
	for (size_t i = 0; i < 2; i++) {
		struct rg_item *it = &lr->items[i];
		it->subject = rg_arena_printf(a, "account %s", accounts[i]);
		it->file = RG_F_LOG_REVIEWS;
		it->line = (uint32_t)(2 + 3 * i);
		late(it, at(4, 20 + (int)i, 14, 0), d0430);
		it->reason = "sign_in, token_issuance and audit logs reviewed over the exposure window";
		if (gaps && i == 1) {
			it->status = RG_NOT_SATISFIED;
			it->reason = "account j.smith@exa.gov: token_issuance logs not reviewed from "
			             "2024-04-06T10:00:00Z to 2024-04-09T18:00:00Z";
		}
		struct rg_signin_obs *o = &lr->signins[i];
		o->account = accounts[i];
		o->window_start = at(3, 28, 9, 0);
		o->window_end = at(4, 7 + (int)i, 10, 0);
		o->any = i == 0;
		o->successes = i == 0 ? 42 : 0;
		o->distinct_ips = i == 0 ? 3 : 0;
		o->first = at(3, 28, 9, 14);
		o->last = at(4, 6, 22, 41);
	}
	/* RA-3a, RA-3b and RA-4: one timeline event each. */
	struct rg_action_result *ev = &r->actions[4];
	ev->n_items = 1;
	ev->items = rg_arena_alloc(a, sizeof *ev->items);
	struct rg_action_result *sr = &r->actions[5];
	sr->n_items = 1;
	sr->items = rg_arena_alloc(a, sizeof *sr->items);
	if (!sr->items)
		return NULL;
	sr->items[0] = (struct rg_item){.subject = "status report", .file = RG_F_TIMELINE,
	                                .line = 7, .reason = "status report submitted"};
	late(&sr->items[0], at(4, 30, 15, 0), d0501);
	struct rg_action_result *pa = &r->actions[6];
	pa->n_items = 1;
	pa->items = rg_arena_alloc(a, sizeof *pa->items);
	if (!ev->items || !pa->items)
		return NULL;
	ev->items[0] = (struct rg_item){.subject = "initial report", .file = RG_F_TIMELINE,
	                                .line = 3, .reason = "initial report submitted"};
	late(&ev->items[0], gaps ? at(4, 10, 12, 0) : at(4, 8, 12, 0), d0408);
	if (gaps)
		ev->items[0].reason = "initial report submitted 1 day 12 hours after the deadline";
	pa->items[0] = (struct rg_item){.subject = "privileged access review", .file = RG_F_TIMELINE,
	                                .line = 6, .reason = "privileged access review completed"};
	late(&pa->items[0], at(4, 25, 10, 0), (struct rg_time){INT64_MAX / 2, 0});
	if (gaps) {
		pa->items[0] = (struct rg_item){.status = RG_NOT_SATISFIED, .subject = "privileged access review",
		                                .file = RG_F_TIMELINE,
		                                .reason = "no privileged_access_review_completed event "
		                                          "in timeline.csv"};
	}

	struct rg_headline *h = &r->headline;
	h->emails_total = n_findings;
	h->secrets_found = n_secrets;
	h->accounts_total = 2;
	r->overall = RG_COMPLIANT;
	for (size_t k = 0; k < 7; k++) {
		struct rg_action_result *ar = &r->actions[k];
		finish_action(ar);
		for (size_t i = 0; i < ar->n_items; i++) {
			enum rg_verdict v = ar->items[i].status;
			if (v == RG_SATISFIED_LATE)
				h->items_late++;
			if (v == RG_NOT_SATISFIED || v == RG_INSUFFICIENT_EVIDENCE)
				h->items_open++;
			bool done = v == RG_SATISFIED || v == RG_SATISFIED_LATE;
			if (k == 0 && i < n_findings && done)
				h->emails_reviewed++;
			if (k == 1 && done)
				h->secrets_remediated++;
			if (k == 3 && done)
				h->accounts_reviewed++;
		}
		if (ar->def->kind == RG_KIND_REQUIRED) {
			if (ar->status <= RG_INSUFFICIENT_EVIDENCE)
				r->overall = RG_NON_COMPLIANT;
			else if (ar->status == RG_SATISFIED_LATE && r->overall == RG_COMPLIANT)
				r->overall = RG_COMPLIANT_LATE;
		}
	}
	return r;
}
