/*
 * judge.c: the rules of ed-24-02.md over the evidence model (see judge.h).
 *
 * One function per rule of the directive file (enum rg_rule); each takes
 * its parameters (deadline, window, accepted remediations, log-source
 * groups, evidence event) from the action definition, never from
 * constants here.  Every item gets a status, the evidence it rests on
 * (file:line), its late-by when late, and a reason a person can act on.
 *
 * Invariants: every action result holds at least one item; an action's
 * status is the worst of its items; late_by_ms > 0 exactly when the status
 * is RG_SATISFIED_LATE.
 */
#include "judge/judge.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>

#include "core/str.h"
#include "core/strmap.h"

const char *const rg_verdict_names[] = {"not_satisfied", "insufficient_evidence", "satisfied_late",
                                        "satisfied", "not_applicable", NULL};
const char *const rg_verdict_words[] = {"Not satisfied", "Insufficient evidence", "Satisfied late",
                                        "Satisfied", "Not applicable", NULL};
const char *const rg_overall_names[] = {"compliant", "compliant_late", "non_compliant", NULL};
const char *const rg_overall_words[] = {"Compliant", "Compliant, but late", "Not compliant", NULL};

/* Exposure window of one account (RA-2b-ii) and its sign-in counters. */
struct account {
	const char *name;
	const struct rg_secret *first_secret;
	struct rg_time start, end;
	struct rg_signin_obs *obs; /* in the results, or NULL */
	struct rg_strmap ips;
	const struct rg_log_review **reviews; /* this account's log reviews */
	size_t n_reviews;
};

struct rg_judge {
	const struct rg_evidence *ev;
	const struct rg_directive *dir;
	struct rg_arena *arena;
	struct rg_results *res;
	struct account *accounts;
	size_t n_accounts;
	struct rg_strmap by_name; /* lowercased account -> struct account */
	/* Remediations grouped by secret, so each rule looks at a secret's own
	 * rows only (a scan of every row per secret is quadratic at the row
	 * limits): those of secret k are rem_of[rem_at[k] .. rem_at[k + 1]). */
	size_t *rem_at;
	const struct rg_remediation **rem_of;
	bool oom;
};

/* ---- items -------------------------------------------------------------- */

struct items {
	struct rg_judge *j;
	struct rg_item *v;
	size_t n, cap;
};

static struct rg_item *add_item(struct items *it, enum rg_verdict st, const char *file,
                                uint32_t line, const char *subject)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 8;
		struct rg_item *v = realloc(it->v, cap * sizeof *v);
		if (!v) {
			it->j->oom = true;
			return NULL;
		}
		it->v = v;
		it->cap = cap;
	}
	struct rg_item *i = &it->v[it->n++];
	memset(i, 0, sizeof *i);
	i->status = st;
	i->file = file;
	i->line = line;
	i->subject = subject;
	i->reason = "";
	return i;
}

static void reason(struct items *it, struct rg_item *i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reason(struct items *it, struct rg_item *i, const char *fmt, ...)
{
	if (!i)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	i->reason = s ? rg_arena_strdup(it->j->arena, s) : NULL;
	free(s);
	if (!i->reason) {
		i->reason = "";
		it->j->oom = true;
	}
}

/* Marks an item done at `when` against `due`: on time or late by the
 * difference.  Exactly at the deadline is on time. */
static void judge_time(struct rg_item *i, struct rg_time when, int64_t due_ms)
{
	if (!i)
		return;
	i->has_when = true;
	i->when = when;
	if (when.ms > due_ms) {
		i->status = RG_SATISFIED_LATE;
		i->late_by_ms = when.ms - due_ms;
	} else {
		i->status = RG_SATISFIED;
	}
}

static const char *subject(struct rg_judge *j, const char *what, const char *id)
{
	const char *s = rg_arena_printf(j->arena, "%s %s", what, id);
	if (!s)
		j->oom = true;
	return s ? s : what;
}

/* "a reset, rotation, revocation or confirmed expiry" from a bit set. */
static void describe_actions(char *buf, size_t size, unsigned set)
{
	static const char *const words[RG_ACT_COUNT] = {
	    "reset", "rotation", "revocation", "session revocation", "application deactivation",
	    "confirmed expiry"};
	size_t count = 0, total = 0, used = 0;
	for (int k = 0; k < RG_ACT_COUNT; k++)
		total += (set >> k) & 1;
	buf[0] = '\0';
	for (int k = 0; k < RG_ACT_COUNT && used < size; k++) {
		if (!((set >> k) & 1))
			continue;
		const char *sep = count == 0 ? "" : (count + 1 == total ? " or " : ", ");
		used += (size_t)snprintf(buf + used, size - used, "%s%s", sep, words[k]);
		count++;
	}
}

/* The earliest remediation of secret s whose action is in set. */
static const struct rg_remediation *first_remediation(const struct rg_judge *j,
                                                      const struct rg_secret *s, unsigned set)
{
	size_t k = (size_t)(s - j->ev->secrets);
	assert(k < j->ev->n_secrets);
	const struct rg_remediation *best = NULL;
	for (size_t i = j->rem_at[k]; i < j->rem_at[k + 1]; i++) {
		const struct rg_remediation *r = j->rem_of[i];
		if (((set >> r->action) & 1) && (!best || r->performed_at.ms < best->performed_at.ms))
			best = r;
	}
	return best;
}

/* Builds rem_at / rem_of (counting sort by secret, file order kept). */
static bool group_remediations(struct rg_judge *j)
{
	const struct rg_evidence *ev = j->ev;
	j->rem_at = rg_arena_alloc(j->arena, (ev->n_secrets + 2) * sizeof *j->rem_at);
	j->rem_of = rg_arena_alloc(j->arena, (ev->n_remediations + 1) * sizeof *j->rem_of);
	if (!j->rem_at || !j->rem_of)
		return false;
	for (size_t i = 0; i < ev->n_remediations; i++) {
		assert(ev->remediations[i].secret); /* the reader resolved every reference */
		j->rem_at[ev->remediations[i].secret - ev->secrets + 2]++;
	}
	for (size_t k = 2; k < ev->n_secrets + 2; k++)
		j->rem_at[k] += j->rem_at[k - 1];
	/* rem_at[k + 1] is now the start of secret k; filling moves it to
	 * the end, which is the start of secret k + 1. */
	for (size_t i = 0; i < ev->n_remediations; i++) {
		const struct rg_remediation *r = &ev->remediations[i];
		j->rem_of[j->rem_at[r->secret - ev->secrets + 1]++] = r;
	}
	return true;
}

/* The earliest timeline event of a kind meeting the reference rule;
 * *any_of_kind tells whether one of that kind exists at all. */
static const struct rg_event *find_event(const struct rg_evidence *ev,
                                         const struct rg_action_def *a,
                                         const struct rg_event **any_of_kind)
{
	const struct rg_event *best = NULL;
	*any_of_kind = NULL;
	for (size_t i = 0; i < ev->n_events; i++) {
		const struct rg_event *e = &ev->events[i];
		if (e->kind != a->event)
			continue;
		if (!*any_of_kind)
			*any_of_kind = e;
		if (a->event_needs_attachment && !e->reference_is_attachment)
			continue;
		if (a->event_needs_reference && !e->reference)
			continue;
		if (!best || e->at.ms < best->at.ms)
			best = e;
	}
	return best;
}

static void fmt_time(char *buf, struct rg_time t)
{
	rg_time_format(buf, t);
}

/* ---- rules -------------------------------------------------------------- */

/* An event of the definition's kind; `none` is the verdict when absent. */
static void judge_event(struct rg_judge *j, const struct rg_action_def *a, struct items *it,
                        enum rg_verdict none)
{
	const struct rg_evidence *ev = j->ev;
	const char *kind = rg_event_names[a->event];
	const struct rg_event *any;
	const struct rg_event *e = find_event(ev, a, &any);
	if (!e) {
		struct rg_item *i = add_item(it, none, RG_F_TIMELINE, any ? any->line : 0, kind);
		if (any && a->event_needs_attachment)
			reason(it, i, "%s event on line %u does not reference a document under attachments/; add the document to the bundle and cite it",
			       kind, any->line);
		else if (any)
			reason(it, i, "%s event on line %u has no reference; record the submission or ticket id",
			       kind, any->line);
		else
			reason(it, i, "no %s event in timeline.csv%s", kind,
			       a->event_needs_attachment ? " citing a document under attachments/" : "");
		return;
	}
	struct rg_item *i = add_item(it, RG_SATISFIED, RG_F_TIMELINE, e->line, kind);
	char when[RG_TIME_BUFSZ], due[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	fmt_time(when, e->at);
	if (a->has_deadline) {
		judge_time(i, e->at, a->deadline.ms);
		fmt_time(due, a->deadline);
		if (i && i->status == RG_SATISFIED_LATE)
			reason(it, i, "%s at %s, %s after the deadline %s", kind, when,
			       rg_duration_format(late, i->late_by_ms), due);
		else
			reason(it, i, "%s at %s, by the deadline %s", kind, when, due);
	} else {
		if (i) {
			i->has_when = true;
			i->when = e->at;
		}
		reason(it, i, "%s at %s%s%s", kind, when, e->reference ? ", reference " : "",
		       e->reference ? e->reference : "");
	}
}

static void rule_correspondence(struct rg_judge *j, const struct rg_action_def *a,
                                struct items *it)
{
	const struct rg_evidence *ev = j->ev;
	char when[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	if (!ev->has_findings || ev->n_findings == 0) {
		struct rg_item *i = add_item(it, RG_INSUFFICIENT_EVIDENCE, RG_F_FINDINGS, 0, "findings");
		reason(it, i, ev->has_findings
		                  ? "findings.csv lists no reviewed emails; list every exfiltrated email the agency reviewed"
		                  : "findings.csv is missing; add it with every exfiltrated email the agency reviewed");
	}
	for (size_t k = 0; k < ev->n_findings; k++) {
		const struct rg_finding *f = &ev->findings[k];
		struct rg_item *i = add_item(it, RG_NOT_SATISFIED, RG_F_FINDINGS, f->line,
		                             subject(j, "email", f->email_id));
		if (!f->reviewed) {
			reason(it, i, "email %s: not reviewed (reviewed_at is empty)", f->email_id);
			continue;
		}
		judge_time(i, f->reviewed_at, a->deadline.ms);
		fmt_time(when, f->reviewed_at);
		if (i && i->status == RG_SATISFIED_LATE)
			reason(it, i, "email %s: reviewed at %s, %s after the deadline", f->email_id, when,
			       rg_duration_format(late, i->late_by_ms));
		else
			reason(it, i, "email %s: reviewed at %s", f->email_id, when);
	}
	judge_event(j, a, it, RG_INSUFFICIENT_EVIDENCE);
}

static void rule_immediate(struct rg_judge *j, const struct rg_action_def *a, struct items *it)
{
	const struct rg_evidence *ev = j->ev;
	char accepted[200], when[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	describe_actions(accepted, sizeof accepted, a->accepted_actions);
	for (size_t k = 0; k < ev->n_secrets; k++) {
		const struct rg_secret *s = &ev->secrets[k];
		const struct rg_remediation *r = first_remediation(j, s, a->accepted_actions);
		const char *subj = subject(j, "secret", s->secret_id);
		if (!r) {
			struct rg_item *i = add_item(it, RG_NOT_SATISFIED, RG_F_SECRETS, s->line, subj);
			reason(it, i, "secret %s: no %s recorded", s->secret_id, accepted);
			continue;
		}
		struct rg_item *i = add_item(it, RG_SATISFIED, RG_F_REMEDIATIONS, r->line, subj);
		judge_time(i, r->performed_at, s->identified_at.ms + a->window_ms);
		fmt_time(when, r->performed_at);
		if (i && i->status == RG_SATISFIED_LATE)
			reason(it, i, "secret %s: first %s at %s, %s later than the %s window after it was identified",
			       s->secret_id, rg_action_names[r->action], when,
			       rg_duration_format(late, i->late_by_ms), a->window_text);
		else
			reason(it, i, "secret %s: %s at %s, within %s of being identified", s->secret_id,
			       rg_action_names[r->action], when, a->window_text);
	}
}

static void rule_reset(struct rg_judge *j, const struct rg_action_def *a, struct items *it)
{
	const struct rg_evidence *ev = j->ev;
	char accepted[200], when[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	describe_actions(accepted, sizeof accepted, a->accepted_actions);
	for (size_t k = 0; k < ev->n_secrets; k++) {
		const struct rg_secret *s = &ev->secrets[k];
		const char *subj = subject(j, "secret", s->secret_id);
		const struct rg_remediation *r = first_remediation(j, s, a->accepted_actions);
		bool needs_deactivation = s->application_in_use == 0 && a->deactivation_action >= 0;
		const struct rg_remediation *d =
		    needs_deactivation ? first_remediation(j, s, 1u << a->deactivation_action) : NULL;
		if (!r || (needs_deactivation && !d)) {
			/* What is missing has no row: cite the secret. */
			struct rg_item *i = add_item(it, RG_NOT_SATISFIED, RG_F_SECRETS, s->line, subj);
			if (!r && needs_deactivation && !d)
				reason(it, i, "secret %s: no %s recorded, and application %s is not in use but was not deactivated",
				       s->secret_id, accepted, s->application ? s->application : "(unnamed)");
			else if (!r)
				reason(it, i, "secret %s: no %s recorded", s->secret_id, accepted);
			else
				reason(it, i, "secret %s: application %s is not in use (application_in_use=no) but no %s is recorded",
				       s->secret_id, s->application ? s->application : "(unnamed)",
				       rg_action_names[a->deactivation_action]);
			continue;
		}
		/* Both parts done: the later one decides the timing. */
		const struct rg_remediation *last = d && d->performed_at.ms > r->performed_at.ms ? d : r;
		struct rg_item *i = add_item(it, RG_SATISFIED, RG_F_REMEDIATIONS, last->line, subj);
		judge_time(i, last->performed_at, a->deadline.ms);
		fmt_time(when, last->performed_at);
		if (i && i->status == RG_SATISFIED_LATE)
			reason(it, i, "secret %s: %s at %s, %s after the deadline", s->secret_id,
			       rg_action_names[last->action], when, rg_duration_format(late, i->late_by_ms));
		else
			reason(it, i, "secret %s: %s at %s%s", s->secret_id, rg_action_names[r->action], when,
			       d ? ", application deactivated" : "");
	}
}

static char *lower_dup(struct rg_arena *a, const char *s)
{
	char *d = rg_arena_strdup(a, s);
	if (d)
		for (char *p = d; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Exposure windows of ed-24-02.md RA-2b-ii, one per distinct account in
 * secrets.csv, in order of first appearance. */
static bool build_accounts(struct rg_judge *j, const struct rg_action_def *a)
{
	const struct rg_evidence *ev = j->ev;
	j->accounts = rg_arena_alloc(j->arena, (ev->n_secrets + 1) * sizeof *j->accounts);
	if (!j->accounts)
		return false;
	for (size_t k = 0; k < ev->n_secrets; k++) {
		const struct rg_secret *s = &ev->secrets[k];
		char *key = lower_dup(j->arena, s->account);
		if (!key)
			return false;
		struct account *acc = rg_strmap_get(&j->by_name, key, strlen(key));
		const struct rg_remediation *r = first_remediation(j, s, a->accepted_actions);
		struct rg_time end = r ? r->performed_at : a->deadline;
		struct rg_time start = s->finding ? s->finding->sent_at : s->identified_at;
		if (!acc) {
			acc = &j->accounts[j->n_accounts++];
			acc->name = s->account;
			acc->first_secret = s;
			acc->start = start;
			acc->end = end;
			rg_strmap_init(&acc->ips);
			if (!rg_strmap_put(&j->by_name, key, strlen(key), acc, NULL))
				return false;
		} else {
			if (start.ms < acc->start.ms)
				acc->start = start;
			if (end.ms > acc->end.ms)
				acc->end = end;
		}
	}
	for (size_t k = 0; k < j->n_accounts; k++)
		if (j->accounts[k].end.ms < j->accounts[k].start.ms)
			j->accounts[k].end = j->accounts[k].start; /* remediated before the email: empty window */
	/* Each account's log reviews, in file order (two passes: count, fill). */
	struct account **owner = calloc(ev->n_log_reviews + 1, sizeof *owner);
	if (!owner)
		return false;
	for (size_t r = 0; r < ev->n_log_reviews; r++) {
		char *key = lower_dup(j->arena, ev->log_reviews[r].account);
		if (!key) {
			free(owner);
			return false;
		}
		owner[r] = rg_strmap_get(&j->by_name, key, strlen(key));
		if (owner[r])
			owner[r]->n_reviews++;
	}
	for (size_t k = 0; k < j->n_accounts; k++) {
		struct account *acc = &j->accounts[k];
		acc->reviews = rg_arena_alloc(j->arena, (acc->n_reviews + 1) * sizeof *acc->reviews);
		if (!acc->reviews) {
			free(owner);
			return false;
		}
		acc->n_reviews = 0;
	}
	for (size_t r = 0; r < ev->n_log_reviews; r++)
		if (owner[r])
			owner[r]->reviews[owner[r]->n_reviews++] = &ev->log_reviews[r];
	free(owner);
	return true;
}

static int cmp_interval(const void *x, const void *y)
{
	const int64_t *a = x, *b = y;
	return (a[0] > b[0]) - (a[0] < b[0]);
}

/* The first span of [start, end] that the intervals leave uncovered. */
static bool first_gap(int64_t (*iv)[2], size_t n, int64_t start, int64_t end, int64_t *gap_from,
                      int64_t *gap_to)
{
	qsort(iv, n, sizeof *iv, cmp_interval);
	int64_t cursor = start;
	for (size_t k = 0; k < n && cursor < end; k++) {
		if (iv[k][0] > cursor) {
			*gap_from = cursor;
			*gap_to = iv[k][0] < end ? iv[k][0] : end;
			return true;
		}
		if (iv[k][1] > cursor)
			cursor = iv[k][1];
	}
	if (cursor < end) {
		*gap_from = cursor;
		*gap_to = end;
		return true;
	}
	return false;
}

static void group_name(char *buf, size_t size, unsigned group)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int k = 0; k < RG_LOG_COUNT && used < size; k++)
		if ((group >> k) & 1)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " or " : "",
			                         rg_log_source_names[k]);
}

static void rule_log_review(struct rg_judge *j, const struct rg_action_def *a, struct items *it,
                            struct rg_action_result *ar)
{
	const struct rg_evidence *ev = j->ev;
	if (!build_accounts(j, a)) {
		j->oom = true;
		return;
	}
	int64_t(*iv)[2] = malloc((ev->n_log_reviews + 1) * sizeof *iv);
	if (!iv) {
		j->oom = true;
		return;
	}
	if (ev->has_signins) {
		ar->signins = rg_arena_alloc(j->arena, (j->n_accounts + 1) * sizeof *ar->signins);
		if (!ar->signins)
			j->oom = true;
	}
	for (size_t k = 0; k < j->n_accounts && !j->oom; k++) {
		struct account *acc = &j->accounts[k];
		struct rg_item *i = add_item(it, RG_SATISFIED, RG_F_SECRETS, acc->first_secret->line,
		                             subject(j, "account", acc->name));
		struct rg_buf problems;
		rg_buf_init(&problems, 4096);
		char from[RG_TIME_BUFSZ], to[RG_TIME_BUFSZ], g[80];
		const struct rg_log_review *latest = NULL;
		for (size_t gi = 0; gi < a->n_log_groups; gi++) {
			unsigned group = a->log_groups[gi];
			size_t n = 0;
			for (size_t r = 0; r < acc->n_reviews; r++) {
				const struct rg_log_review *lr = acc->reviews[r];
				if (!((group >> lr->source) & 1))
					continue;
				iv[n][0] = lr->window_start.ms;
				iv[n][1] = lr->window_end.ms;
				n++;
				if (!latest || lr->reviewed_at.ms > latest->reviewed_at.ms)
					latest = lr;
			}
			group_name(g, sizeof g, group);
			int64_t gf, gt;
			if (n == 0) {
				rg_buf_printf(&problems, "%sno %s log review", problems.len ? "; " : "", g);
			} else if (first_gap(iv, n, acc->start.ms, acc->end.ms, &gf, &gt)) {
				rg_time_format_utc(from, gf);
				rg_time_format_utc(to, gt);
				rg_buf_printf(&problems, "%s%s reviews leave %s to %s uncovered",
				              problems.len ? "; " : "", g, from, to);
			}
		}
		for (size_t r = 0; r < acc->n_reviews; r++) {
			const struct rg_log_review *lr = acc->reviews[r];
			if (lr->result != RG_REVIEW_NO_MALICIOUS &&
			    !lr->incident_id)
				rg_buf_printf(&problems, "%slog-reviews.csv line %u found %s activity but gives no incident_id",
				              problems.len ? "; " : "", lr->line,
				              rg_review_result_names[lr->result]);
		}
		rg_time_format(from, acc->start);
		rg_time_format(to, acc->end);
		if (problems.len) {
			if (i)
				i->status = RG_NOT_SATISFIED;
			reason(it, i, "account %s (exposed %s to %s): %s", acc->name, from, to, problems.data);
		} else {
			judge_time(i, latest->reviewed_at, a->deadline.ms);
			char late[RG_DURATION_BUFSZ];
			if (i && i->status == RG_SATISFIED_LATE)
				reason(it, i, "account %s: logs reviewed for %s to %s, last review %s after the deadline",
				       acc->name, from, to, rg_duration_format(late, i->late_by_ms));
			else
				reason(it, i, "account %s: logs reviewed for %s to %s", acc->name, from, to);
		}
		rg_buf_free(&problems);
		if (ar->signins) {
			struct rg_signin_obs *o = &ar->signins[ar->n_signins++];
			o->account = acc->name;
			o->window_start = acc->start;
			o->window_end = acc->end;
			acc->obs = o;
		}
	}
	free(iv);
}

/* ---- driver ------------------------------------------------------------- */

static void not_applicable(struct rg_judge *j, const struct rg_action_def *a, struct items *it)
{
	const struct rg_evidence *ev = j->ev;
	if (!ev->notified) {
		struct rg_item *i = add_item(it, RG_NOT_APPLICABLE, RG_F_MANIFEST, 0, "agency");
		reason(it, i, "the agency was not notified (manifest.xml notification status not-notified)");
	} else {
		struct rg_item *i = add_item(it, RG_NOT_APPLICABLE, RG_F_SECRETS, 0, "secrets");
		reason(it, i, "no authentication compromise detected: secrets.csv %s",
		       ev->has_secrets ? "has no rows" : "is absent");
	}
	(void)a;
}

static bool applies(const struct rg_evidence *ev, const struct rg_action_def *a)
{
	if (!ev->notified)
		return false;
	return a->applies == RG_APPLIES_NOTIFIED || ev->n_secrets > 0;
}

static void finish_action(struct rg_judge *j, struct rg_action_result *ar, struct items *it)
{
	ar->n_items = it->n;
	ar->items = it->n ? rg_arena_alloc(j->arena, it->n * sizeof *ar->items) : NULL;
	if (it->n && !ar->items) {
		j->oom = true;
		free(it->v);
		return;
	}
	if (it->n)
		memcpy(ar->items, it->v, it->n * sizeof *ar->items);
	free(it->v);
	ar->status = RG_NOT_APPLICABLE;
	for (size_t k = 0; k < ar->n_items; k++) {
		const struct rg_item *i = &ar->items[k];
		assert((i->late_by_ms > 0) == (i->status == RG_SATISFIED_LATE));
		ar->counts[i->status]++;
		if (!ar->worst || i->status < ar->worst->status)
			ar->worst = i;
		ar->status = rg_verdict_worst(ar->status, i->status);
	}
	assert(ar->n_items > 0 || j->oom);
}

static void headline(struct rg_judge *j)
{
	const struct rg_evidence *ev = j->ev;
	struct rg_results *res = j->res;
	struct rg_headline *h = &res->headline;
	h->emails_total = ev->n_findings;
	for (size_t k = 0; k < ev->n_findings; k++)
		h->emails_reviewed += ev->findings[k].reviewed;
	h->secrets_found = ev->n_secrets;
	h->accounts_total = j->n_accounts;
	for (size_t a = 0; a < res->n_actions; a++) {
		const struct rg_action_result *ar = &res->actions[a];
		if (ar->status == RG_NOT_APPLICABLE)
			continue;
		for (size_t k = 0; k < ar->n_items; k++) {
			enum rg_verdict st = ar->items[k].status;
			bool done = st == RG_SATISFIED || st == RG_SATISFIED_LATE;
			/* Late and open items count the required actions only,
			 * like the overall result. */
			if (ar->def->kind == RG_KIND_REQUIRED) {
				h->items_late += st == RG_SATISFIED_LATE;
				h->items_open += st == RG_NOT_SATISFIED || st == RG_INSUFFICIENT_EVIDENCE;
			}
			if (ar->def->rule == RG_RULE_LOG_REVIEW)
				h->accounts_reviewed += done;
			/* Remediated: any accepted remediation, however late
			 * (the immediate-remediation rule judges each secret's). */
			if (ar->def->rule == RG_RULE_IMMEDIATE_REMEDIATION)
				h->secrets_remediated += done;
		}
	}
}

struct rg_judge *rg_judge_begin(const struct rg_evidence *ev, const struct rg_directive *dir,
                                int64_t generated_ms, struct rg_arena *arena)
{
	struct rg_judge *j = calloc(1, sizeof *j);
	struct rg_results *res = rg_arena_alloc(arena, sizeof *res);
	struct rg_action_result *actions =
	    rg_arena_alloc(arena, (dir->n_actions + 1) * sizeof *actions);
	if (!j || !res || !actions) {
		free(j);
		return NULL;
	}
	j->ev = ev;
	j->dir = dir;
	j->arena = arena;
	j->res = res;
	rg_strmap_init(&j->by_name);
	res->directive = dir;
	res->evidence = ev;
	res->actions = actions;
	res->n_actions = dir->n_actions;
	res->generated_ms = generated_ms;
	res->overall = RG_COMPLIANT;
	if (!group_remediations(j)) {
		rg_strmap_free(&j->by_name);
		free(j);
		return NULL;
	}
	for (size_t k = 0; k < dir->n_actions; k++) {
		const struct rg_action_def *a = &dir->actions[k];
		struct rg_action_result *ar = &actions[k];
		struct items it = {j, NULL, 0, 0};
		ar->def = a;
		if (!applies(ev, a)) {
			not_applicable(j, a, &it);
		} else {
			switch (a->rule) {
			case RG_RULE_CORRESPONDENCE_ANALYSIS:
				rule_correspondence(j, a, &it);
				break;
			case RG_RULE_IMMEDIATE_REMEDIATION:
				rule_immediate(j, a, &it);
				break;
			case RG_RULE_CREDENTIAL_RESET:
				rule_reset(j, a, &it);
				break;
			case RG_RULE_LOG_REVIEW:
				rule_log_review(j, a, &it, ar);
				break;
			case RG_RULE_TIMELINE_EVENT:
				judge_event(j, a, &it, RG_NOT_SATISFIED);
				break;
			}
		}
		finish_action(j, ar, &it);
		if (a->kind == RG_KIND_REQUIRED) {
			if (ar->status <= RG_INSUFFICIENT_EVIDENCE)
				res->overall = RG_NON_COMPLIANT;
			else if (ar->status == RG_SATISFIED_LATE && res->overall == RG_COMPLIANT)
				res->overall = RG_COMPLIANT_LATE;
		}
	}
	headline(j);
	if (j->oom) {
		rg_strmap_free(&j->by_name);
		free(j);
		return NULL;
	}
	return j;
}

void rg_judge_signin(void *judge, const struct rg_signin *s)
{
	struct rg_judge *j = judge;
	if (!j->n_accounts)
		return;
	char key[512];
	size_t n = strlen(s->user);
	if (n >= sizeof key)
		return;
	for (size_t k = 0; k <= n; k++)
		key[k] = (char)tolower((unsigned char)s->user[k]);
	struct account *acc = rg_strmap_get(&j->by_name, key, n);
	if (!acc || !acc->obs || s->at.ms < acc->start.ms || s->at.ms > acc->end.ms)
		return;
	struct rg_signin_obs *o = acc->obs;
	if (!o->any || s->at.ms < o->first.ms)
		o->first = s->at;
	if (!o->any || s->at.ms > o->last.ms)
		o->last = s->at;
	o->any = true;
	o->successes++;
	size_t iplen = strlen(s->ip);
	if (iplen && !rg_strmap_has(&acc->ips, s->ip, iplen)) {
		const char *copy = rg_arena_strndup(j->arena, s->ip, iplen);
		if (copy && rg_strmap_put(&acc->ips, copy, iplen, (void *)1, NULL))
			o->distinct_ips++;
	}
}

struct rg_results *rg_judge_end(struct rg_judge *j)
{
	if (!j)
		return NULL;
	struct rg_results *res = j->res;
	for (size_t k = 0; k < j->n_accounts; k++)
		rg_strmap_free(&j->accounts[k].ips);
	rg_strmap_free(&j->by_name);
	free(j);
	return res;
}
