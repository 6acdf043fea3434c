/*
 * fixture.c: hand-built results models for the PDF tests (fixture.h).
 *
 * The numbers follow docs/ed-24-02.md: deadlines as the directive file writes
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

static void late(struct rg_item *it, struct rg_time when, struct rg_time deadline)
{
	it->has_when = true;
	it->when = when;
	if (when.ms > deadline.ms) {
		it->status = RG_SATISFIED_LATE;
		it->late_by_ms = when.ms - deadline.ms;
	} else {
		it->status = RG_SATISFIED;
		it->late_by_ms = 0;
	}
}

/* An item citing one row. */
static bool item(struct rg_arena *a, struct rg_item *it, enum rg_subject_kind kind,
                 const char *ref, const char *file, uint32_t line, const char *codes,
                 const char *reason)
{
	struct rg_evref *e = rg_arena_alloc(a, sizeof *e);
	if (!e || !ref)
		return false;
	*e = (struct rg_evref){file, line};
	it->subject_kind = kind;
	it->subject_ref = ref;
	it->evidence = e;
	it->n_evidence = 1;
	it->reason_codes = codes;
	it->reason = reason;
	return true;
}

const char *rg_fx_ref(char *buf, size_t n, const struct rg_item *it)
{
	return rg_evref_format(buf, n, &it->evidence[0]);
}

struct rg_results *rg_fx_build(struct rg_arena *a, enum rg_fx_kind kind, size_t n_findings)
{
	struct rg_results *r = rg_arena_alloc(a, sizeof *r);
	if (!r)
		return NULL;
	r->generated_ms = 1714644000000LL; /* 2024-05-02T10:00:00Z */
	r->generator = "reportgen test";

	struct rg_directive_info *dir = &r->directive;
	dir->id = "ED-24-02";
	dir->version = "2024-04-11.1";
	dir->title = "Mitigating the Significant Risk from Nation-State Compromise of Microsoft "
	             "Corporate Email System";
	dir->issued = "2024-04-02";
	dir->file = "ed-24-02.xml";
	dir->installed = true;
	snprintf(dir->sha256, sizeof dir->sha256, "%s",
	         "5f2b0c8d4e6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c");
	r->n_actions = 7;
	r->actions = rg_arena_alloc(a, 7 * sizeof *r->actions);
	if (!r->actions)
		return NULL;
	struct rg_time d0408 = at(4, 8, 23, 59), d0430 = at(4, 30, 23, 59), d0501 = at(5, 1, 23, 59);
	d0408.ms += 59000;
	d0430.ms += 59000;
	struct rg_action_result *ad = r->actions;
	ad[0] = (struct rg_action_result){
		.id = "RA-1", .title = "Analyse the exfiltrated correspondence",
		.wording = "Identify the full content of the agency's correspondence with compromised "
		           "Microsoft accounts and perform a cybersecurity impact analysis.",
		.wording_source = "ED 24-02, Required Actions, 1", .kind = RG_KIND_REQUIRED,
		.rule = "correspondence-analysis", .applies = "notified", .has_deadline = true,
		.deadline = d0430};
	ad[1] = (struct rg_action_result){
		.id = "RA-2a", .title = "Remediate exposed secrets immediately",
		.wording = "Take immediate remediation actions for authentication secrets identified.",
		.wording_source = "ED 24-02, Required Actions, 2.a",
		.interpretation = "\"Immediately\" is read as within 48 hours of the secret being identified.",
		.kind = RG_KIND_REQUIRED, .applies = "compromise-detected",
		.rule = "immediate-remediation", .has_window = true, .window_ms = 48 * H,
		.window_text = "PT48H"};
	ad[2] = (struct rg_action_result){
		.id = "RA-2b-i", .title = "Reset credentials in associated applications; deactivate unused ones",
		.wording = "Reset credentials in associated applications and deactivate associated "
		           "applications no longer of use to the agency.",
		.wording_source = "ED 24-02, Required Actions, 2.b.i", .kind = RG_KIND_REQUIRED,
		.applies = "compromise-detected", .rule = "credential-reset",
		.has_deadline = true, .deadline = d0430};
	ad[3] = (struct rg_action_result){
		.id = "RA-2b-ii", .title = "Review sign-in, token-issuance and account-activity logs",
		.wording = "Review sign-in, token issuance, and other account activity logs for users "
		           "and service accounts whose credentials were suspected to have been "
		           "compromised for potential malicious activity.",
		.wording_source = "ED 24-02, Required Actions, 2.b.ii", .kind = RG_KIND_REQUIRED,
		.applies = "compromise-detected", .rule = "log-review",
		.has_deadline = true, .deadline = d0430};
	ad[4] = (struct rg_action_result){
		.id = "RA-3a", .title = "Initial report to CISA",
		.wording = "Report to CISA the status of the actions of this directive.",
		.wording_source = "ED 24-02, Required Actions, 3", .kind = RG_KIND_REQUIRED,
		.rule = "timeline-event", .applies = "notified", .has_deadline = true, .deadline = d0408};
	ad[5] = (struct rg_action_result){
		.id = "RA-3b", .title = "Status report to CISA",
		.wording = "Report to CISA the status of the actions of this directive, again.",
		.wording_source = "ED 24-02, Required Actions, 3", .kind = RG_KIND_REQUIRED,
		.rule = "timeline-event", .applies = "notified", .has_deadline = true, .deadline = d0501};
	ad[6] = (struct rg_action_result){
		.id = "RA-4", .title = "Secure authentication for privileged Azure accounts",
		.wording = "Review and secure authentication for privileged Microsoft Azure accounts.",
		.wording_source = "ED 24-02, Required Actions, 4", .kind = RG_KIND_ADVISORY,
		.rule = "timeline-event", .applies = "notified"};

	struct rg_bundle_info *e = &r->bundle;
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
	e->notification_source = e->notified ? "microsoft" : NULL;
	e->name = kind == RG_FX_GAPS ? "exa-gaps.zip" : "exa.zip";
	snprintf(e->sha256, sizeof e->sha256, "%s",
	         kind == RG_FX_GAPS ? "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	                            : "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752");
	static const char *const files[] = {"manifest.xml", "findings.csv", "secrets.csv",
	                                    "remediations.csv", "log-reviews.csv", "timeline.csv",
	                                    "signins.csv", "attachments/impact-analysis.pdf"};
	r->n_files = 8;
	struct rg_file_info *fi = rg_arena_alloc(a, r->n_files * sizeof *fi);
	if (!fi)
		return NULL;
	r->files = fi;
	for (size_t i = 0; i < r->n_files; i++) {
		fi[i].path = files[i];
		for (int k = 0; k < 64; k++)
			fi[i].sha256[k] = "0123456789abcdef"[(i * 7 + (size_t)k * 13) % 16];
		fi[i].size = 1000 + i * 3217;
	}

	if (kind == RG_FX_NOT_NOTIFIED) {
		for (size_t i = 0; i < 7; i++) {
			struct rg_item *it = rg_arena_alloc(a, sizeof *it);
			if (!it || !item(a, it, RG_SUBJ_AGENCY, "EXA", "manifest.xml", 0, "not-notified",
			                 "the agency was not notified"))
				return NULL;
			it->status = RG_NOT_APPLICABLE;
			r->actions[i].items = it;
			r->actions[i].n_items = 1;
		}
		rg_results_finish(r);
		return r;
	}

	bool gaps = kind == RG_FX_GAPS || kind == RG_FX_SCRIPTS;
	static const char *const scripts[] = {
		"caf\u00e9 cafe\u0301 x\u0308\u0323: combining marks",
		"office affine fluff: ligatures ffi fl ff",
		"\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac \u043a\u0438\u0440\u0438\u043b\u043b\u0438\u0446\u0430",
		"line one\nline two\twith a tab",
		"\u4e2d\u6587 \u65e5\u672c\u8a9e, not in the fonts",
		"\u05e2\u05d1\u05e8\u05d9\u05ea right to left",
		"\U0001F642 an emoji",
	};
	const size_t n_scripts = sizeof scripts / sizeof scripts[0];
	/* RA-1: one item per finding plus the impact analysis. */
	struct rg_action_result *ra1 = &r->actions[0];
	ra1->n_items = n_findings + 1;
	ra1->items = rg_arena_alloc(a, ra1->n_items * sizeof *ra1->items);
	if (!ra1->items)
		return NULL;
	for (size_t i = 0; i < n_findings; i++) {
		struct rg_item *it = &ra1->items[i];
		if (!item(a, it, RG_SUBJ_EMAIL, rg_arena_printf(a, "E-%zu", i + 1), "findings.csv",
		          (uint32_t)(i + 2), "reviewed", "reviewed on time"))
			return NULL;
		int day = 3 + (int)(i % 27);
		late(it, at(4, day, 9 + (int)(i % 8), (int)(i % 60)), d0430);
		if (gaps && i % 7 == 3) {
			late(it, at(5, 1 + (int)(i % 3), 11, 5), d0430);
			it->reason_codes = "reviewed-late";
			it->reason = rg_arena_printf(a, "email E-%zu reviewed after the deadline", i + 1);
		} else if (gaps && i % 11 == 5) {
			it->status = RG_NOT_SATISFIED;
			it->has_when = false;
			it->late_by_ms = 0;
			it->reason_codes = "not-reviewed";
			it->reason = rg_arena_printf(a, "email E-%zu has no reviewed_at: review the email "
			                             "and record when",
			                             i + 1);
		}
		if (kind == RG_FX_SCRIPTS && i % 5 == 2) {
			it->subject_ref = scripts[(i / 5) % n_scripts];
			it->reason = i % 25 == 7 ? rg_arena_printf(a, "%0600d", 0)
			                         : scripts[(i / 5 + 3) % n_scripts];
		}
		if (!it->reason)
			return NULL;
	}
	struct rg_item *ia = &ra1->items[n_findings];
	if (!item(a, ia, RG_SUBJ_EVENT, "impact_analysis_completed", "timeline.csv", 4,
	          "event-on-time", "impact analysis attachments/impact-analysis.pdf"))
		return NULL;
	late(ia, gaps ? at(5, 1, 9, 0) : at(4, 29, 16, 0), d0430);
	if (gaps) {
		ia->reason_codes = "event-late";
		ia->reason = "impact analysis completed after the deadline";
	}

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
			if (!item(a, it, RG_SUBJ_SECRET, rg_arena_printf(a, "S-%zu", i + 1),
			          "remediations.csv", (uint32_t)(i + 2), "remediated", "rotated"))
				return NULL;
			struct rg_time ident = at(4, 5 + (int)i, 10, 0);
			struct rg_time done = ident;
			done.ms += (int64_t)(i + 1) * 12 * H;
			struct rg_time due = ident;
			due.ms += 48 * H;
			late(it, done, k == 1 ? due : d0430);
			if (it->status == RG_SATISFIED_LATE)
				it->reason_codes = "remediated-late";
			if (gaps && i >= 3) {
				struct rg_evref *ref = (struct rg_evref *)it->evidence;
				ref->file = "secrets.csv";
				it->status = RG_NOT_SATISFIED;
				it->has_when = false;
				it->late_by_ms = 0;
				it->reason_codes = "no-remediation";
				it->reason = rg_arena_printf(a, "secret S-%zu: no reset, rotation or revocation recorded",
				                             i + 1);
				if (i == 4 && k == 2) {
					it->status = RG_INSUFFICIENT_EVIDENCE;
					ref->line = 6;
				}
			}
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
		if (!item(a, it, RG_SUBJ_ACCOUNT, accounts[i], "log-reviews.csv", (uint32_t)(2 + 3 * i),
		          "reviewed",
		          "sign_in, token_issuance and audit logs reviewed over the exposure window"))
			return NULL;
		late(it, at(4, 20 + (int)i, 14, 0), d0430);
		if (gaps && i == 1) {
			it->status = RG_NOT_SATISFIED;
			it->late_by_ms = 0;
			it->reason_codes = "window-gap";
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
	static const struct {
		const char *event, *reason;
		uint32_t line;
	} events[3] = {{"initial_report_submitted", "initial report submitted", 3},
	               {"status_report_submitted", "status report submitted", 7},
	               {"privileged_access_review_completed", "privileged access review completed", 6}};
	for (int k = 0; k < 3; k++) {
		struct rg_action_result *ar = &r->actions[4 + k];
		ar->n_items = 1;
		ar->items = rg_arena_alloc(a, sizeof *ar->items);
		if (!ar->items || !item(a, ar->items, RG_SUBJ_EVENT, events[k].event, "timeline.csv",
		                        events[k].line, "event-on-time", events[k].reason))
			return NULL;
	}
	late(&r->actions[4].items[0], gaps ? at(4, 10, 12, 0) : at(4, 8, 12, 0), d0408);
	if (gaps) {
		r->actions[4].items[0].reason_codes = "event-late";
		r->actions[4].items[0].reason = "initial report submitted 1 day 12 hours after the deadline";
	}
	late(&r->actions[5].items[0], at(4, 30, 15, 0), d0501);
	struct rg_item *pa = &r->actions[6].items[0];
	late(pa, at(4, 25, 10, 0), (struct rg_time){INT64_MAX / 2, 0});
	pa->reason_codes = "event-recorded";
	if (gaps) {
		pa->status = RG_NOT_SATISFIED;
		pa->has_when = false;
		pa->reason_codes = "event-missing";
		pa->reason = "no privileged_access_review_completed event in timeline.csv";
		((struct rg_evref *)pa->evidence)->line = 0;
	}

	rg_results_finish(r);
	struct rg_headline *h = &r->headline;
	h->emails_total = n_findings;
	h->secrets_found = n_secrets;
	h->accounts_total = 2;
	for (size_t k = 0; k < 7; k++) {
		struct rg_action_result *ar = &r->actions[k];
		for (size_t i = 0; i < ar->n_items; i++) {
			enum rg_verdict v = ar->items[i].status;
			bool done = v == RG_SATISFIED || v == RG_SATISFIED_LATE;
			if (ar->kind == RG_KIND_REQUIRED) {
				h->items_late += v == RG_SATISFIED_LATE;
				h->items_open += rg_verdict_is_open(v);
			}
			if (k == 0 && i < n_findings && done)
				h->emails_reviewed++;
			if (k == 1 && done)
				h->secrets_remediated++;
			if (k == 3 && done)
				h->accounts_reviewed++;
		}
	}
	return r;
}
