/*
 * judge.c: the rules of docs/ed-24-02.md over the evidence model (see
 * judge.h).
 *
 * One function per rule of the directive file (enum rg_rule); each takes
 * its parameters (deadline, window, accepted remediations, log-source
 * groups, evidence event) from the action definition, never from
 * constants here.  Every item gets a status, every row its verdict used
 * (primary row first), its late-by when late, a reason a person can act on
 * and the stable codes of that reason (docs/report-format.md lists them).
 *
 * Each action's judging state is its own: a directive may use a rule any
 * number of times (two log-review actions with different sources, say),
 * so nothing one action computes is kept on the judge for another.  The
 * only state that outlives an action is a log-review action's account set,
 * which the sign-in stream needs later; each action has its own.
 *
 * The results model it fills (results/results.h) points into neither the
 * evidence nor the directive: whatever a view shows is copied into it.
 * Counts, statuses and the overall result are derived by rg_results_finish.
 */
#include "judge/judge.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/strmap.h"


/* ---- the rules' view of the evidence ------------------------------------ */

/* The tables the rules below judge, as typed rows: built from the
 * directive's evidence tables (bundle/evidence.h) by column name.  A
 * transitional view: the rules are still the five of the original
 * directive file, and read their tables through it. */
#define RG_F_FINDINGS "findings.csv"
#define RG_F_SECRETS "secrets.csv"
#define RG_F_REMEDIATIONS "remediations.csv"
#define RG_F_LOG_REVIEWS "log-reviews.csv"

enum rg_review_result { RG_REVIEW_NO_MALICIOUS, RG_REVIEW_SUSPICIOUS, RG_REVIEW_MALICIOUS };
static const char *const rg_review_result_names[] = {"no_malicious_activity", "suspicious",
                                                     "malicious", NULL};

struct rg_finding {
	uint32_t line;
	const char *email_id;
	struct rg_time sent_at;
	bool reviewed; /* reviewed_at given */
	struct rg_time reviewed_at;
};

struct rg_secret {
	uint32_t line;
	const char *secret_id;
	const struct rg_finding *finding; /* resolved email_id */
	const char *account, *application;
	int application_in_use; /* 1 yes, 0 no, -1 not given */
	struct rg_time identified_at;
};

struct rg_remediation {
	uint32_t line;
	const struct rg_secret *secret; /* resolved secret_id */
	enum rg_remediation_action action;
	struct rg_time performed_at;
};

struct rg_log_review {
	uint32_t line;
	const char *account;
	enum rg_log_source source;
	struct rg_time window_start, window_end;
	struct rg_time reviewed_at;
	enum rg_review_result result;
	const char *incident_id;
};

struct typed {
	const struct rg_evidence *raw;
	bool notified;
	const char *agency_id;
	bool has_findings, has_secrets, has_signins, has_audit_events;
	struct rg_finding *findings;         size_t n_findings;
	struct rg_secret *secrets;           size_t n_secrets;
	struct rg_remediation *remediations; size_t n_remediations;
	struct rg_log_review *log_reviews;   size_t n_log_reviews;
	const struct rg_audit_event *audit_events; size_t n_audit_events;
};

static const struct rg_etable *etable(const struct rg_evidence *ev, const char *file)
{
	for (size_t k = 0; k < ev->n_tables; k++)
		if (strcmp(ev->tables[k].spec->file, file) == 0)
			return &ev->tables[k];
	return NULL;
}

/* The value of column `name` of a row (a zero value when the table has no
 * such column: the directive file did not declare it). */
static struct rg_value col(const struct rg_etable *t, const struct rg_row *r, const char *name)
{
	int c = rg_table_spec_column(t->spec, name);
	return c >= 0 ? r->v[c] : (struct rg_value){.i = -1};
}

/* The index of an enum value in a vocabulary, by spelling (-1 none). */
static int word(const struct rg_etable *t, const struct rg_row *r, const char *name,
                const char *const *vocab)
{
	int c = rg_table_spec_column(t->spec, name);
	if (c < 0 || !r->v[c].given)
		return -1;
	int idx = -1;
	rg_str_in(t->spec->cols[c].values[r->v[c].i], vocab, &idx);
	return idx;
}

static bool build_typed(struct typed *ty, const struct rg_evidence *ev, struct rg_arena *a)
{
	memset(ty, 0, sizeof *ty);
	ty->raw = ev;
	ty->notified = ev->notified;
	ty->agency_id = ev->agency_id;
	ty->has_signins = ev->has_signins;
	ty->has_audit_events = ev->has_audit_events;
	ty->audit_events = ev->audit_events;
	ty->n_audit_events = ev->n_audit_events;
	const struct rg_etable *tf = etable(ev, RG_F_FINDINGS), *ts = etable(ev, RG_F_SECRETS),
	                       *tr = etable(ev, RG_F_REMEDIATIONS), *tl = etable(ev, RG_F_LOG_REVIEWS);
	ty->has_findings = tf && tf->present;
	ty->has_secrets = ts && ts->present;
	ty->n_findings = tf ? tf->n : 0;
	ty->n_secrets = ts ? ts->n : 0;
	ty->n_remediations = tr ? tr->n : 0;
	ty->n_log_reviews = tl ? tl->n : 0;
	ty->findings = rg_arena_alloc(a, (ty->n_findings + 1) * sizeof *ty->findings);
	ty->secrets = rg_arena_alloc(a, (ty->n_secrets + 1) * sizeof *ty->secrets);
	ty->remediations = rg_arena_alloc(a, (ty->n_remediations + 1) * sizeof *ty->remediations);
	ty->log_reviews = rg_arena_alloc(a, (ty->n_log_reviews + 1) * sizeof *ty->log_reviews);
	if (!ty->findings || !ty->secrets || !ty->remediations || !ty->log_reviews)
		return false;
	for (size_t i = 0; i < ty->n_findings; i++) {
		const struct rg_row *r = &tf->rows[i];
		struct rg_value rv = col(tf, r, "reviewed_at");
		ty->findings[i] = (struct rg_finding){r->line, col(tf, r, "email_id").s,
		                                      col(tf, r, "sent_at").t, rv.given, rv.t};
	}
	for (size_t i = 0; i < ty->n_secrets; i++) {
		const struct rg_row *r = &ts->rows[i];
		uint32_t f = col(ts, r, "email_id").ref;
		ty->secrets[i] = (struct rg_secret){r->line, col(ts, r, "secret_id").s,
		                                    f ? &ty->findings[f - 1] : NULL,
		                                    col(ts, r, "account").s, col(ts, r, "application").s,
		                                    col(ts, r, "application_in_use").i,
		                                    col(ts, r, "identified_at").t};
	}
	for (size_t i = 0; i < ty->n_remediations; i++) {
		const struct rg_row *r = &tr->rows[i];
		uint32_t sk = col(tr, r, "secret_id").ref;
		int act = word(tr, r, "action", rg_action_names);
		ty->remediations[i] = (struct rg_remediation){
		    r->line, sk ? &ty->secrets[sk - 1] : NULL,
		    (enum rg_remediation_action)(act < 0 ? RG_ACT_COUNT : act),
		    col(tr, r, "performed_at").t};
		if (act < 0 || !sk)
			return false; /* a profile without these columns cannot be judged by these rules */
	}
	for (size_t i = 0; i < ty->n_log_reviews; i++) {
		const struct rg_row *r = &tl->rows[i];
		int src = word(tl, r, "log_source", rg_log_source_names);
		int res = word(tl, r, "result", rg_review_result_names);
		if (src < 0 || res < 0)
			return false;
		ty->log_reviews[i] = (struct rg_log_review){
		    r->line, col(tl, r, "account").s, (enum rg_log_source)src,
		    col(tl, r, "window_start").t, col(tl, r, "window_end").t,
		    col(tl, r, "reviewed_at").t, (enum rg_review_result)res,
		    col(tl, r, "incident_id").s};
	}
	return true;
}

/* Exposure window of one account (RA-2b-ii) and its sign-in counters. */
struct account {
	const char *name;
	const struct rg_secret *first_secret; /* its first row in secrets.csv: the primary citation */
	const struct rg_secret *start_secret; /* the secret whose email starts the window */
	const struct rg_secret *end_secret;   /* the secret whose remediation ends it */
	const struct rg_remediation *end_rem; /* that remediation, or NULL (the deadline) */
	struct rg_time start, end;
	struct rg_signin_obs *obs; /* in the results, or NULL */
	struct rg_strmap ips;
	const struct rg_log_review **reviews; /* this account's log reviews, file order */
	size_t n_reviews;
};

/* The accounts of one log-review action. */
struct account_set {
	struct account *v;
	size_t n;
	struct rg_strmap by_name; /* lowercased account -> struct account */
	struct account_set *next;
};

struct rg_judge {
	const struct typed *ev;
	struct typed typed;
	const struct rg_directive *dir;
	struct rg_arena *arena;
	struct rg_results *res;
	struct account_set *sets; /* one per log-review action */
	/* Remediations grouped by secret, so each rule looks at a secret's own
	 * rows only (a scan of every row per secret is quadratic at the row
	 * limits): those of secret k are rem_of[rem_at[k] .. rem_at[k + 1]). */
	size_t *rem_at;
	const struct rg_remediation **rem_of;
	/* With audit-events.csv: the audit event that corroborates each
	 * remediation (by index in the evidence), or NULL. */
	const struct rg_audit_event **rem_event;
	bool oom;
};

/* ---- items -------------------------------------------------------------- */

/* The items of the action being judged, and the references of the item
 * being built (copied into the arena when the item is complete). */
struct items {
	struct rg_judge *j;
	struct rg_item *v;
	size_t n, cap;
	struct rg_evref *refs;
	size_t n_refs, cap_refs;
};

static void *grow(struct rg_judge *j, void *v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return v;
	size_t cap2 = *cap ? *cap * 2 : 8;
	while (cap2 < need)
		cap2 *= 2;
	void *w = realloc(v, cap2 * size);
	if (!w) {
		j->oom = true;
		return NULL;
	}
	*cap = cap2;
	return w;
}

/* Starts an item citing its primary row. */
static struct rg_item *add_item(struct items *it, enum rg_verdict st, enum rg_subject_kind kind,
                                const char *ref, const char *file, uint32_t line)
{
	struct rg_item *v = grow(it->j, it->v, &it->cap, it->n + 1, sizeof *v);
	if (!v)
		return NULL;
	it->v = v;
	struct rg_item *i = &it->v[it->n++];
	memset(i, 0, sizeof *i);
	i->status = st;
	i->subject_kind = kind;
	i->subject_ref = ref;
	i->reason = "";
	i->reason_codes = "";
	it->n_refs = 0;
	struct rg_evref *r = grow(it->j, it->refs, &it->cap_refs, 1, sizeof *r);
	if (!r)
		return NULL;
	it->refs = r;
	it->refs[it->n_refs++] = (struct rg_evref){file, line};
	return i;
}

/* Cites one more row of the current item (a row already cited is not
 * repeated). */
static void cite(struct items *it, const char *file, uint32_t line)
{
	for (size_t k = 0; k < it->n_refs; k++)
		if (it->refs[k].line == line && strcmp(it->refs[k].file, file) == 0)
			return;
	struct rg_evref *r = grow(it->j, it->refs, &it->cap_refs, it->n_refs + 1, sizeof *r);
	if (!r)
		return;
	it->refs = r;
	it->refs[it->n_refs++] = (struct rg_evref){file, line};
}

/* Makes a row the primary citation of the current item (report.xml's
 * @evidence), keeping the others after it. */
static void primary(struct items *it, const char *file, uint32_t line)
{
	cite(it, file, line);
	for (size_t k = 1; k < it->n_refs; k++) {
		if (it->refs[k].line != line || strcmp(it->refs[k].file, file) != 0)
			continue;
		struct rg_evref r = it->refs[k];
		memmove(&it->refs[1], &it->refs[0], k * sizeof *it->refs);
		it->refs[0] = r;
		break;
	}
}

/* Completes the current item: its references move into the arena. */
static void close_item(struct items *it, struct rg_item *i)
{
	if (!i)
		return;
	struct rg_evref *e = rg_arena_alloc(it->j->arena, it->n_refs * sizeof *e);
	if (!e) {
		it->j->oom = true;
		return;
	}
	memcpy(e, it->refs, it->n_refs * sizeof *e);
	i->evidence = e;
	i->n_evidence = it->n_refs;
}

/* The reason: its stable codes and the sentence. */
static void reason(struct items *it, struct rg_item *i, const char *codes, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void reason(struct items *it, struct rg_item *i, const char *codes, const char *fmt, ...)
{
	if (!i)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	i->reason = s ? rg_arena_strdup(it->j->arena, s) : NULL;
	i->reason_codes = rg_arena_strdup(it->j->arena, codes);
	free(s);
	if (!i->reason || !i->reason_codes) {
		i->reason = "";
		i->reason_codes = "";
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
	const struct typed *ev = j->ev;
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

static char *lower_dup(struct rg_arena *a, const char *s)
{
	char *d = rg_arena_strdup(a, s);
	if (d)
		for (char *p = d; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return d;
}

/* ---- corroboration by the audit log -------------------------------------- */

/* The remediation kinds an audit log records (a confirmed expiry is not an
 * operation anyone performs). */
#define AUDITED_ACTIONS                                                                            \
	((1u << RG_ACT_RESET) | (1u << RG_ACT_ROTATED) | (1u << RG_ACT_REVOKED) |                  \
	 (1u << RG_ACT_SESSIONS_REVOKED) | (1u << RG_ACT_APPLICATION_DEACTIVATED))

static bool audited(enum rg_remediation_action a)
{
	return (AUDITED_ACTIONS >> a) & 1;
}

static bool same_target(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* Finds, for every remediation of an audited kind, the audit event of the
 * same kind for the secret's account or application nearest to
 * performed_at and within the window.  Events are grouped by lowercased
 * target first, so the cost is the rows plus each target's own events. */
static bool match_audit_events(struct rg_judge *j)
{
	const struct typed *ev = j->ev;
	j->rem_event = rg_arena_alloc(j->arena, (ev->n_remediations + 1) * sizeof *j->rem_event);
	if (!j->rem_event)
		return false;
	struct rg_strmap by_target; /* lowercased target -> first event of a chain */
	rg_strmap_init(&by_target);
	const struct rg_audit_event **next =
	    rg_arena_alloc(j->arena, (ev->n_audit_events + 1) * sizeof *next);
	bool ok = next != NULL;
	for (size_t k = ev->n_audit_events; ok && k-- > 0;) {
		const struct rg_audit_event *e = &ev->audit_events[k];
		if (e->action < 0 || !audited((enum rg_remediation_action)e->action))
			continue;
		char *key = lower_dup(j->arena, e->target);
		ok = key != NULL;
		if (!ok)
			break;
		next[k] = rg_strmap_get(&by_target, key, strlen(key));
		ok = rg_strmap_put(&by_target, key, strlen(key), (void *)e, NULL);
	}
	const int64_t window = j->dir->corroboration_ms;
	for (size_t i = 0; ok && i < ev->n_remediations; i++) {
		const struct rg_remediation *r = &ev->remediations[i];
		if (!audited(r->action))
			continue;
		const struct rg_audit_event *best = NULL;
		int64_t best_d = 0;
		const char *targets[2] = {r->secret->account, r->secret->application};
		for (int t = 0; t < 2; t++) {
			char *key = targets[t] ? lower_dup(j->arena, targets[t]) : NULL;
			if (targets[t] && !key) {
				ok = false;
				break;
			}
			for (const struct rg_audit_event *e =
			         key ? rg_strmap_get(&by_target, key, strlen(key)) : NULL;
			     e; e = next[e - ev->audit_events]) {
				int64_t d = e->at.ms - r->performed_at.ms;
				d = d < 0 ? -d : d;
				if (e->action != (int)r->action || d > window ||
				    !same_target(e->target, targets[t]))
					continue;
				if (!best || d < best_d) {
					best = e;
					best_d = d;
				}
			}
		}
		j->rem_event[i] = best;
	}
	rg_strmap_free(&by_target);
	return ok;
}

/* Records on the item whether the audit log shows remediation r. */
static void corroborate(struct rg_judge *j, struct items *it, struct rg_item *i,
                        const struct rg_remediation *r)
{
	if (!i || !j->rem_event || !audited(r->action))
		return;
	const struct rg_audit_event *e = j->rem_event[r - j->ev->remediations];
	if (!e) {
		i->corroboration = RG_CORR_NO;
		return;
	}
	if (i->corroboration == RG_CORR_NONE)
		i->corroboration = RG_CORR_YES;
	cite(it, RG_F_AUDIT_EVENTS, e->line);
	char where[64];
	snprintf(where, sizeof where, "%s:%u", RG_F_AUDIT_EVENTS, (unsigned)e->line);
	const char *src = e->source ? e->source : where;
	i->corroborated_by = i->corroborated_by
	                         ? rg_arena_printf(j->arena, "%s %s", i->corroborated_by, src)
	                         : rg_arena_strdup(j->arena, src);
	if (!i->corroborated_by)
		j->oom = true;
}

/* ---- rules -------------------------------------------------------------- */

/* ---- reason templates --------------------------------------------------- */

struct var {
	const char *name, *value;
};

/* A value of a row as a reason shows it. */
static const char *show_value(struct rg_judge *j, const struct rg_table_spec *spec,
                              const struct rg_row *row, int c)
{
	if (c < 0 || !row->v[c].given)
		return NULL;
	const struct rg_value *v = &row->v[c];
	char buf[RG_TIME_BUFSZ];
	switch (spec->cols[c].type) {
	case RG_COL_TIME:
		return rg_arena_strdup(j->arena, rg_time_format(buf, v->t));
	case RG_COL_DATE:
		rg_time_format(buf, v->t);
		buf[10] = '\0';
		return rg_arena_strdup(j->arena, buf);
	case RG_COL_BOOL:
		return v->i == 1 ? "yes" : "no";
	case RG_COL_ENUM:
		return spec->cols[c].values[v->i];
	default:
		return v->s;
	}
}

/* The reason of outcome `on`: the action's template with its placeholders
 * filled from vars, or from the row ({row.COLUMN}, {row.COLUMN?DEFAULT}).
 * Without a template the outcome itself is the code and the text. */
static void reason_tpl(struct items *it, struct rg_item *i, const struct rg_reason_tpl *tpl,
                       size_t n_tpl, const char *on, const struct var *vars, size_t n_vars,
                       const struct rg_table_spec *spec, const struct rg_row *row)
{
	if (!i)
		return;
	const struct rg_reason_tpl *t = NULL;
	for (size_t k = 0; k < n_tpl && !t; k++)
		if (tpl[k].on && strcmp(tpl[k].on, on) == 0)
			t = &tpl[k];
	const char *text = t ? t->text : on;
	struct rg_buf b;
	rg_buf_init(&b, 0);
	for (const char *p = text; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			rg_buf_putc(&b, *p++);
			continue;
		}
		size_t len = (size_t)(close - p - 1);
		const char *val = NULL;
		bool known = false;
		char name[80]; /* a {row.COLUMN?DEFAULT}: val may point at its DEFAULT */
		for (size_t k = 0; k < n_vars && !known; k++)
			if (strlen(vars[k].name) == len && strncmp(vars[k].name, p + 1, len) == 0) {
				val = vars[k].value;
				known = true;
			}
		if (!known && spec && row && len > 4 && strncmp(p + 1, "row.", 4) == 0) {
			snprintf(name, sizeof name, "%.*s", (int)(len - 4), p + 5);
			char *dflt = strchr(name, '?');
			if (dflt)
				*dflt++ = '\0';
			val = show_value(it->j, spec, row, rg_table_spec_column(spec, name));
			if (!val)
				val = dflt ? dflt : "";
			known = true;
		}
		if (known) {
			if (val)
				rg_buf_append(&b, val, strlen(val));
		} else {
			rg_buf_append(&b, p, len + 2); /* not a placeholder: kept as written */
		}
		p = close + 1;
	}
	i->reason = b.data ? rg_arena_strdup(it->j->arena, b.data) : rg_arena_strdup(it->j->arena, "");
	i->reason_codes = rg_arena_strdup(it->j->arena, t && t->codes ? t->codes : on);
	rg_buf_free(&b);
	if (!i->reason || !i->reason_codes) {
		i->reason = "";
		i->reason_codes = "";
		it->j->oom = true;
	}
}

/* ---- the rule kinds a directive file composes ---------------------------- */

/* The evidence table a step reads, or NULL when the bundle has none. */
static const struct rg_etable *step_table(const struct rg_judge *j, const struct rg_table_spec *t)
{
	const struct rg_evidence *ev = j->ev->raw;
	for (size_t k = 0; k < ev->n_tables; k++)
		if (ev->tables[k].spec == t || strcmp(ev->tables[k].spec->file, t->file) == 0)
			return &ev->tables[k];
	return NULL;
}

/* Column c of the directive's spec t in the evidence table's own spec: the
 * same index when the bundle was read with this directive; by name and
 * type otherwise (a bundle read with another definition), -1 when absent. */
static int ecol(const struct rg_etable *e, const struct rg_table_spec *t, int c)
{
	if (c < 0 || !e)
		return -1;
	if (e->spec == t)
		return c;
	int k = rg_table_spec_column(e->spec, t->cols[c].name);
	return k >= 0 && e->spec->cols[k].type == t->cols[c].type ? k : -1;
}

static const struct rg_value *val(const struct rg_row *r, int c)
{
	static const struct rg_value none = {.i = -1};
	return c >= 0 ? &r->v[c] : &none;
}

/* <row-deadline>: every row done (its time column given) by its due time. */
static void step_row_deadline(struct rg_judge *j, const struct rg_action_def *a,
                              const struct rg_step *st, struct items *it)
{
	const struct rg_etable *e = step_table(j, st->table);
	const char *file = st->table->file;
	char when[RG_TIME_BUFSZ], due[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	if (!e || !e->present || e->n == 0) {
		struct rg_item *i = add_item(it, e && e->present ? st->when_empty : st->when_missing,
		                             RG_SUBJ_FILE, file, file, 0);
		struct var v[] = {{"file", file}};
		reason_tpl(it, i, st->reasons, st->n_reasons, e && e->present ? "empty" : "missing", v, 1,
		           NULL, NULL);
		close_item(it, i);
		if (!e)
			return;
	}
	const struct rg_table_spec *es = e->spec;
	int idc = ecol(e, st->table, st->id_col), tc = ecol(e, st->table, st->time_col);
	int refc = ecol(e, st->table, st->due_ref);
	const struct rg_etable *de = st->due_ref >= 0 ? step_table(j, st->due_table) : e;
	int duec = st->due_col >= 0 ? ecol(de, st->due_table, st->due_col) : -1;
	for (size_t k = 0; k < e->n; k++) {
		const struct rg_row *row = &e->rows[k];
		const char *id = val(row, idc)->s ? val(row, idc)->s : "";
		struct rg_item *i = add_item(it, RG_NOT_SATISFIED, st->subject, id, file, row->line);
		/* This row's due time: its own column, the referenced row's, or
		 * the action's deadline. */
		bool has_due = a->has_deadline;
		struct rg_time due_t = a->deadline;
		if (st->due_col >= 0) {
			const struct rg_row *drow = row;
			if (st->due_ref >= 0) {
				uint32_t r = val(row, refc)->ref;
				drow = r && de && r <= de->n ? &de->rows[r - 1] : NULL;
				if (drow)
					cite(it, de->spec->file, drow->line);
			}
			const struct rg_value *dv = drow ? val(drow, duec) : val(row, -1);
			has_due = dv->given;
			due_t = dv->t;
			if (i && has_due) {
				i->has_due = true;
				i->due = due_t;
			}
		}
		when[0] = late[0] = '\0';
		struct var v[] = {{"id", id}, {"file", file}, {"due", due}, {"when", when}, {"late", late}};
		rg_time_format(due, due_t);
		const struct rg_value *done = val(row, tc);
		if (!has_due) {
			if (i)
				i->status = RG_INSUFFICIENT_EVIDENCE;
			/* No due time is known: only {id} and {file}. */
			reason_tpl(it, i, st->reasons, st->n_reasons, "no-due", v, 2, es, row);
		} else if (!done->given) {
			reason_tpl(it, i, st->reasons, st->n_reasons, "not-done", v, 5, es, row);
		} else {
			judge_time(i, done->t, due_t.ms);
			rg_time_format(when, done->t);
			if (i && i->status == RG_SATISFIED_LATE)
				rg_duration_format(late, i->late_by_ms);
			reason_tpl(it, i, st->reasons, st->n_reasons,
			           i && i->status == RG_SATISFIED_LATE ? "late" : "on-time", v, 5, es, row);
		}
		close_item(it, i);
	}
}

/* <event>: the earliest row of a kind (citing a reference or a document
 * when required), by the action's deadline when it has one. */
static void step_event(struct rg_judge *j, const struct rg_action_def *a, const struct rg_step *st,
                       struct items *it)
{
	const struct rg_etable *e = step_table(j, st->table);
	const char *file = st->table->file, *kind = st->event_kind;
	int kc = e ? ecol(e, st->table, st->kind_col) : -1, tc = ecol(e, st->table, st->time_col);
	int rc = ecol(e, st->table, st->ref_col);
	int want = -1;
	if (kc >= 0)
		rg_str_in(kind, e->spec->cols[kc].values, &want);
	const struct rg_row *best = NULL, *any = NULL;
	for (size_t k = 0; want >= 0 && k < e->n; k++) {
		const struct rg_row *row = &e->rows[k];
		if (row->v[kc].i != want)
			continue;
		if (!any)
			any = row;
		if (st->needs_attachment && val(row, rc)->i != 1)
			continue;
		if (st->needs_reference && !val(row, rc)->given)
			continue;
		if (!best || val(row, tc)->t.ms < val(best, tc)->t.ms)
			best = row;
	}
	char line[16], when[RG_TIME_BUFSZ], due[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	if (!best) {
		struct rg_item *i =
		    add_item(it, st->when_absent, RG_SUBJ_EVENT, kind, file, any ? any->line : 0);
		snprintf(line, sizeof line, "%u", any ? (unsigned)any->line : 0u);
		struct var v[] = {{"kind", kind}, {"file", file}, {"line", line}};
		reason_tpl(it, i, st->reasons, st->n_reasons,
		           any && st->needs_attachment ? "no-attachment" : any ? "no-reference" : "missing",
		           v, 3, e ? e->spec : NULL, any);
		close_item(it, i);
		return;
	}
	struct rg_item *i = add_item(it, RG_SATISFIED, RG_SUBJ_EVENT, kind, file, best->line);
	struct rg_time at = val(best, tc)->t;
	rg_time_format(when, at);
	const char *ref = val(best, rc)->s;
	struct var v[] = {{"kind", kind}, {"file", file}, {"when", when}, {"late", late},
	                  {"due", due}, {"reference", ref ? ref : ""}};
	const char *on;
	if (a->has_deadline) {
		judge_time(i, at, a->deadline.ms);
		rg_time_format(due, a->deadline);
		on = i && i->status == RG_SATISFIED_LATE ? "late" : "on-time";
		if (i && i->status == RG_SATISFIED_LATE)
			rg_duration_format(late, i->late_by_ms);
	} else {
		if (i) {
			i->has_when = true;
			i->when = at;
		}
		on = ref ? "recorded-reference" : "recorded";
	}
	reason_tpl(it, i, st->reasons, st->n_reasons, on, v, 6, e->spec, best);
	close_item(it, i);
}

/* <first-related>: for every row, the earliest row of another table that
 * refers to it with a kind accepted, due at its anchor column plus the
 * action's window (the item carries that due time), or at the deadline. */
static void step_first_related(struct rg_judge *j, const struct rg_action_def *a,
                               const struct rg_step *st, struct items *it)
{
	const struct rg_etable *e = step_table(j, st->table);
	const struct rg_etable *re = step_table(j, st->related_table);
	if (!e)
		return;
	const char *file = st->table->file, *rfile = st->related_table->file;
	int idc = ecol(e, st->table, st->id_col), anc = ecol(e, st->table, st->anchor_col);
	int via = ecol(re, st->related_table, st->via_col);
	int kc = ecol(re, st->related_table, st->kind_col);
	int tc = ecol(re, st->related_table, st->time_col);
	/* The accepted kinds (and those of <also>) as indexes of the
	 * evidence table's values. */
	bool accepted[64] = {false}, also_ok[64] = {false};
	for (size_t k = 0; kc >= 0 && st->kinds && st->kinds[k]; k++) {
		int idx;
		if (rg_str_in(st->kinds[k], re->spec->cols[kc].values, &idx) && idx < 64)
			accepted[idx] = true;
	}
	for (size_t k = 0; kc >= 0 && st->also_kinds && st->also_kinds[k]; k++) {
		int idx;
		if (rg_str_in(st->also_kinds[k], re->spec->cols[kc].values, &idx) && idx < 64)
			also_ok[idx] = true;
	}
	int alc = ecol(e, st->table, st->also_col);
	/* Related rows grouped by the row they name (counting sort, file
	 * order kept): a scan of every related row per row is quadratic. */
	size_t *at = calloc(e->n + 2, sizeof *at);
	const struct rg_row **of = malloc(((re ? re->n : 0) + 1) * sizeof *of);
	size_t *of_idx = malloc(((re ? re->n : 0) + 1) * sizeof *of_idx);
	if (!at || !of || !of_idx) {
		free(at);
		free(of);
		free(of_idx);
		j->oom = true;
		return;
	}
	for (size_t r = 0; re && via >= 0 && r < re->n; r++) {
		uint32_t ref = re->rows[r].v[via].ref;
		if (ref && ref <= e->n)
			at[ref + 1]++;
	}
	for (size_t k = 2; k < e->n + 2; k++)
		at[k] += at[k - 1];
	for (size_t r = 0; re && via >= 0 && r < re->n; r++) {
		uint32_t ref = re->rows[r].v[via].ref;
		if (ref && ref <= e->n) {
			of_idx[at[ref]] = r;
			of[at[ref]++] = &re->rows[r];
		}
	}
	const struct rg_etable *typed_rem = etable(j->ev->raw, RG_F_REMEDIATIONS);
	char when[RG_TIME_BUFSZ], due[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	for (size_t k = 0; k < e->n; k++) {
		const struct rg_row *row = &e->rows[k];
		const char *id = val(row, idc)->s ? val(row, idc)->s : "";
		const struct rg_row *best = NULL, *also = NULL;
		size_t best_idx = 0, also_idx = 0;
		/* Does this row also need a related row of another kind? */
		bool needs_also = false;
		if (alc >= 0 && val(row, alc)->given) {
			const char *shown = show_value(j, e->spec, row, alc);
			needs_also = shown && strcmp(shown, st->also_value) == 0;
		}
		for (size_t q = at[k]; q < at[k + 1]; q++) {
			const struct rg_value *kv = val(of[q], kc);
			if (!kv->given || kv->i >= 64)
				continue;
			int64_t t = val(of[q], tc)->t.ms;
			if (accepted[kv->i] && (!best || t < val(best, tc)->t.ms)) {
				best = of[q];
				best_idx = of_idx[q];
			}
			if (needs_also && also_ok[kv->i] && (!also || t < val(also, tc)->t.ms)) {
				also = of[q];
				also_idx = of_idx[q];
			}
		}
		struct rg_item *i = add_item(it, RG_NOT_SATISFIED, st->subject, id, file, row->line);
		struct rg_time due_t = a->deadline;
		if (anc >= 0) {
			due_t.ms = val(row, anc)->t.ms + a->window_ms;
			due_t.offset = val(row, anc)->t.offset;
			if (i) {
				i->has_due = true;
				i->due = due_t;
			}
		}
		rg_time_format(due, due_t);
		when[0] = late[0] = '\0';
		/* Both parts done: the later one decides the timing. */
		const struct rg_row *last =
		    also && (!best || val(also, tc)->t.ms > val(best, tc)->t.ms) ? also : best;
		const char *first_kind = best ? show_value(j, re->spec, best, kc) : "";
		const char *kind = last ? show_value(j, re->spec, last, kc) : "";
		struct var v[] = {{"id", id},     {"file", file},   {"due", due},
		                  {"window", a->window_text ? a->window_text : ""},
		                  {"first-kind", first_kind},
		                  {"kind", kind}, {"when", when},   {"late", late}};
		if (best)
			cite(it, rfile, best->line);
		if (also)
			cite(it, rfile, also->line);
		if (st->corroborate && re == typed_rem) {
			if (best && best_idx < j->ev->n_remediations)
				corroborate(j, it, i, &j->ev->remediations[best_idx]);
			if (also && also_idx < j->ev->n_remediations)
				corroborate(j, it, i, &j->ev->remediations[also_idx]);
		}
		if (!best || (needs_also && !also)) {
			const char *on = !best && needs_also && !also ? "none-and-also"
			                 : !best                      ? "none"
			                                              : "also-missing";
			reason_tpl(it, i, st->reasons, st->n_reasons, on, v, 5, e->spec, row);
			close_item(it, i);
			continue;
		}
		/* Done: the related row is what was judged, this row what it
		 * was judged against. */
		primary(it, rfile, last->line);
		judge_time(i, val(last, tc)->t, due_t.ms);
		rg_time_format(when, val(last, tc)->t);
		if (i && i->status == RG_SATISFIED_LATE)
			rg_duration_format(late, i->late_by_ms);
		reason_tpl(it, i, st->reasons, st->n_reasons,
		           i && i->status == RG_SATISFIED_LATE ? "late"
		           : also                              ? "on-time-also"
		                                               : "on-time",
		           v, 8, e->spec, row);
		close_item(it, i);
	}
	free(at);
	free(of);
	free(of_idx);
}

/* Exposure windows of docs/ed-24-02.md RA-2b-ii, one per distinct account
 * in secrets.csv, in order of first appearance, with each account's log
 * reviews.  The set is this action's own. */
static struct account_set *build_accounts(struct rg_judge *j, const struct rg_action_def *a)
{
	const struct typed *ev = j->ev;
	struct account_set *set = rg_arena_alloc(j->arena, sizeof *set);
	if (!set)
		return NULL;
	rg_strmap_init(&set->by_name);
	set->next = j->sets; /* linked first, so rg_judge_end frees it whatever happens */
	j->sets = set;
	set->v = rg_arena_alloc(j->arena, (ev->n_secrets + 1) * sizeof *set->v);
	if (!set->v)
		return NULL;
	for (size_t k = 0; k < ev->n_secrets; k++) {
		const struct rg_secret *s = &ev->secrets[k];
		char *key = lower_dup(j->arena, s->account);
		if (!key)
			return NULL;
		struct account *acc = rg_strmap_get(&set->by_name, key, strlen(key));
		const struct rg_remediation *r = first_remediation(j, s, a->accepted_actions);
		struct rg_time end = r ? r->performed_at : a->deadline;
		struct rg_time start = s->finding ? s->finding->sent_at : s->identified_at;
		if (!acc) {
			acc = &set->v[set->n++];
			acc->name = s->account;
			acc->first_secret = acc->start_secret = acc->end_secret = s;
			acc->end_rem = r;
			acc->start = start;
			acc->end = end;
			rg_strmap_init(&acc->ips);
			if (!rg_strmap_put(&set->by_name, key, strlen(key), acc, NULL))
				return NULL;
		} else {
			if (start.ms < acc->start.ms) {
				acc->start = start;
				acc->start_secret = s;
			}
			if (end.ms > acc->end.ms) {
				acc->end = end;
				acc->end_secret = s;
				acc->end_rem = r;
			}
		}
	}
	for (size_t k = 0; k < set->n; k++)
		if (set->v[k].end.ms < set->v[k].start.ms)
			set->v[k].end = set->v[k].start; /* remediated before the email: empty window */
	/* Each account's log reviews, in file order (two passes: count, fill). */
	struct account **owner = calloc(ev->n_log_reviews + 1, sizeof *owner);
	if (!owner)
		return NULL;
	bool ok = true;
	for (size_t r = 0; r < ev->n_log_reviews && ok; r++) {
		char *key = lower_dup(j->arena, ev->log_reviews[r].account);
		ok = key != NULL;
		owner[r] = key ? rg_strmap_get(&set->by_name, key, strlen(key)) : NULL;
		if (owner[r])
			owner[r]->n_reviews++;
	}
	for (size_t k = 0; k < set->n && ok; k++) {
		struct account *acc = &set->v[k];
		acc->reviews = rg_arena_alloc(j->arena, (acc->n_reviews + 1) * sizeof *acc->reviews);
		ok = acc->reviews != NULL;
		acc->n_reviews = 0;
	}
	for (size_t r = 0; r < ev->n_log_reviews && ok; r++)
		if (owner[r])
			owner[r]->reviews[owner[r]->n_reviews++] = &ev->log_reviews[r];
	free(owner);
	return ok ? set : NULL;
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

/* Appends a code to a space-separated list (each code once). */
static void add_code(char *codes, size_t size, const char *code)
{
	size_t n = strlen(code), used = strlen(codes);
	for (const char *p = codes; (p = strstr(p, code)) != NULL; p += n)
		if ((p == codes || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return;
	snprintf(codes + used, size - used, "%s%s", used ? " " : "", code);
}

static void rule_log_review(struct rg_judge *j, const struct rg_action_def *a, struct items *it,
                            struct rg_action_result *ar)
{
	const struct typed *ev = j->ev;
	struct account_set *set = build_accounts(j, a);
	if (!set) {
		j->oom = true;
		return;
	}
	int64_t(*iv)[2] = malloc((ev->n_log_reviews + 1) * sizeof *iv);
	if (!iv) {
		j->oom = true;
		return;
	}
	if (ev->has_signins) {
		ar->signins = rg_arena_alloc(j->arena, (set->n + 1) * sizeof *ar->signins);
		if (!ar->signins)
			j->oom = true;
	}
	for (size_t k = 0; k < set->n && !j->oom; k++) {
		struct account *acc = &set->v[k];
		struct rg_item *i = add_item(it, RG_SATISFIED, RG_SUBJ_ACCOUNT, acc->name, RG_F_SECRETS,
		                             acc->first_secret->line);
		/* The rows that define the window: the secret (and its email)
		 * that start it, the secret (and its remediation) that end it. */
		cite(it, RG_F_SECRETS, acc->start_secret->line);
		if (acc->start_secret->finding)
			cite(it, RG_F_FINDINGS, acc->start_secret->finding->line);
		cite(it, RG_F_SECRETS, acc->end_secret->line);
		if (acc->end_rem)
			cite(it, RG_F_REMEDIATIONS, acc->end_rem->line);
		struct rg_buf problems;
		rg_buf_init(&problems, 4096);
		char codes[128] = "";
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
				add_code(codes, sizeof codes, "missing-log-source");
				rg_buf_printf(&problems, "%sno %s log review", problems.len ? "; " : "", g);
			} else if (first_gap(iv, n, acc->start.ms, acc->end.ms, &gf, &gt)) {
				add_code(codes, sizeof codes, "window-gap");
				rg_time_format_utc(from, gf);
				rg_time_format_utc(to, gt);
				rg_buf_printf(&problems, "%s%s reviews leave %s to %s uncovered",
				              problems.len ? "; " : "", g, from, to);
			}
		}
		for (size_t r = 0; r < acc->n_reviews; r++) {
			const struct rg_log_review *lr = acc->reviews[r];
			cite(it, RG_F_LOG_REVIEWS, lr->line);
			if (lr->result != RG_REVIEW_NO_MALICIOUS && !lr->incident_id) {
				add_code(codes, sizeof codes, "incident-id-missing");
				rg_buf_printf(&problems, "%slog-reviews.csv line %u found %s activity but gives no incident_id",
				              problems.len ? "; " : "", lr->line,
				              rg_review_result_names[lr->result]);
			}
		}
		rg_time_format(from, acc->start);
		rg_time_format(to, acc->end);
		if (problems.len) {
			if (i)
				i->status = RG_NOT_SATISFIED;
			reason(it, i, codes, "account %s (exposed %s to %s): %s", acc->name, from, to,
			       problems.data);
		} else {
			assert(latest); /* every group had a review */
			judge_time(i, latest->reviewed_at, a->deadline.ms);
			char late[RG_DURATION_BUFSZ];
			if (i && i->status == RG_SATISFIED_LATE)
				reason(it, i, "reviewed-late",
				       "account %s: logs reviewed for %s to %s, last review %s after the deadline",
				       acc->name, from, to, rg_duration_format(late, i->late_by_ms));
			else
				reason(it, i, "reviewed", "account %s: logs reviewed for %s to %s", acc->name,
				       from, to);
		}
		rg_buf_free(&problems);
		close_item(it, i);
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

/* The rows that make an action of applies="<applicability>" apply. */
static const struct rg_etable *rows_table(const struct rg_judge *j)
{
	return j->dir->rows_table ? step_table(j, j->dir->rows_table) : NULL;
}

static void not_applicable(struct rg_judge *j, struct items *it)
{
	const struct rg_evidence *ev = j->ev->raw;
	struct rg_item *i;
	if (!ev->notified) {
		i = add_item(it, RG_NOT_APPLICABLE, RG_SUBJ_AGENCY, ev->agency_id, RG_F_MANIFEST, 0);
		reason(it, i, "not-notified",
		       "the agency was not notified (manifest.xml notification status not-notified)");
	} else {
		const char *file = j->dir->rows_table->file;
		const struct rg_etable *e = rows_table(j);
		i = add_item(it, RG_NOT_APPLICABLE, RG_SUBJ_FILE, file, file, 0);
		struct var v[] = {{"file", file}};
		reason_tpl(it, i, j->dir->rows_reasons, j->dir->n_rows_reasons,
		           e && e->present ? "empty" : "absent", v, 1, NULL, NULL);
	}
	close_item(it, i);
}

static bool applies(const struct rg_judge *j, const struct rg_action_def *a)
{
	if (!j->ev->raw->notified)
		return false;
	if (a->applies == RG_APPLIES_NOTIFIED)
		return true;
	const struct rg_etable *e = rows_table(j);
	return e && e->n > 0;
}

static void finish_action(struct rg_judge *j, struct rg_action_result *ar, struct items *it)
{
	ar->n_items = it->n;
	ar->items = it->n ? rg_arena_alloc(j->arena, it->n * sizeof *ar->items) : NULL;
	if (it->n && !ar->items)
		j->oom = true;
	else if (it->n)
		memcpy(ar->items, it->v, it->n * sizeof *ar->items);
	free(it->v);
	free(it->refs);
	assert(ar->n_items > 0 || j->oom);
}

/* The definition as judged, copied into the results. */
static void copy_definition(struct rg_action_result *ar, const struct rg_action_def *a)
{
	ar->id = a->id;
	ar->title = a->title;
	ar->wording = a->wording;
	ar->wording_source = a->source;
	ar->interpretation = a->note;
	ar->rule = a->rule_label;
	ar->applies = a->applies_label;
	ar->kind = a->kind;
	ar->has_deadline = a->has_deadline;
	ar->deadline = a->deadline;
	ar->has_window = a->has_window;
	ar->window_ms = a->window_ms;
	ar->window_text = a->window_text;
}

static void copy_bundle(struct rg_judge *j)
{
	const struct rg_evidence *ev = j->ev->raw;
	struct rg_results *res = j->res;
	struct rg_bundle_info *b = &res->bundle;
	b->name = ev->bundle_name;
	memcpy(b->sha256, ev->bundle_sha256, sizeof b->sha256);
	b->directive = ev->directive;
	b->created = ev->created;
	b->agency_id = ev->agency_id;
	b->agency_name = ev->agency_name;
	b->agency_component = ev->agency_component;
	b->contact_name = ev->contact_name;
	b->contact_role = ev->contact_role;
	b->contact_email = ev->contact_email;
	b->notified = ev->notified;
	b->notification_received = ev->notification_received;
	b->notification_source = ev->notification_source;
	b->notification_reference = ev->notification_reference;
	struct rg_file_info *f = rg_arena_alloc(j->arena, (ev->n_members + 1) * sizeof *f);
	if (!f) {
		j->oom = true;
		return;
	}
	for (size_t k = 0; k < ev->n_members; k++) {
		f[k].path = ev->members[k].path;
		memcpy(f[k].sha256, ev->members[k].sha256, sizeof f[k].sha256);
		f[k].size = ev->members[k].size;
	}
	res->files = f;
	res->n_files = ev->n_members;

	const struct rg_directive *dir = j->dir;
	struct rg_directive_info *d = &res->directive;
	d->id = dir->id;
	d->version = dir->version;
	d->title = dir->title;
	d->issued = dir->issued;
	d->source = dir->source;
	d->numbering_note = dir->numbering_note;
	d->file = dir->file;
	memcpy(d->sha256, dir->sha256, sizeof d->sha256);
	d->installed = dir->installed;
	d->corroboration_window = dir->corroboration_text;
}

static void headline(struct rg_judge *j)
{
	const struct typed *ev = j->ev;
	struct rg_results *res = j->res;
	struct rg_headline *h = &res->headline;
	/* The directive's <headline>: which table's rows are the reviewed
	 * items (and which column says done), which the found ones. */
	const struct rg_directive *dir = j->dir;
	const struct rg_etable *rt = dir->reviewed_table ? step_table(j, dir->reviewed_table) : NULL;
	int rc = ecol(rt, dir->reviewed_table, dir->reviewed_col);
	h->emails_total = rt ? rt->n : 0;
	for (size_t k = 0; rt && k < rt->n; k++)
		h->emails_reviewed += val(&rt->rows[k], rc)->given;
	const struct rg_etable *ft = dir->found_table ? step_table(j, dir->found_table) : NULL;
	h->secrets_found = ft ? ft->n : 0;
	if (j->rem_event) {
		h->audit_log = true;
		for (size_t i = 0; i < ev->n_remediations; i++) {
			h->remediations_checked += audited(ev->remediations[i].action);
			h->remediations_corroborated += j->rem_event[i] != NULL;
		}
	}
	/* The accounts of the first log-review action and the secrets of the
	 * first immediate-remediation action: a later action of the same rule
	 * judges the same accounts or secrets again, by other parameters. */
	bool accounts_counted = false, secrets_counted = false;
	for (size_t a = 0; a < res->n_actions; a++) {
		const struct rg_action_result *ar = &res->actions[a];
		enum rg_rule rule = j->dir->actions[a].rule;
		if (ar->status == RG_NOT_APPLICABLE)
			continue;
		bool count_accounts = rule == RG_RULE_LOG_REVIEW && !accounts_counted;
		const struct rg_action_def *def = &j->dir->actions[a];
		/* The first action judged by a windowed first-related rule
		 * counts the secrets remediated (at any time). */
		bool windowed = def->n_steps && def->steps[0].kind == RG_STEP_FIRST_RELATED &&
		                def->steps[0].anchor_col >= 0;
		bool count_secrets = windowed && !secrets_counted;
		accounts_counted |= count_accounts;
		secrets_counted |= count_secrets;
		if (count_accounts)
			h->accounts_total = ar->n_items;
		for (size_t k = 0; k < ar->n_items; k++) {
			enum rg_verdict st = ar->items[k].status;
			bool done = st == RG_SATISFIED || st == RG_SATISFIED_LATE;
			/* Late and open items count the required actions only,
			 * like the overall result. */
			if (ar->kind == RG_KIND_REQUIRED) {
				h->items_late += st == RG_SATISFIED_LATE;
				h->items_open += rg_verdict_is_open(st);
			}
			h->accounts_reviewed += count_accounts && done;
			/* Remediated: any accepted remediation, however late. */
			h->secrets_remediated += count_secrets && done;
		}
	}
}

static void free_sets(struct rg_judge *j)
{
	for (struct account_set *s = j->sets; s; s = s->next) {
		for (size_t k = 0; k < s->n; k++)
			rg_strmap_free(&s->v[k].ips);
		rg_strmap_free(&s->by_name);
	}
	j->sets = NULL;
}

struct rg_judge *rg_judge_begin(const struct rg_evidence *ev, const struct rg_directive *dir,
                                int64_t generated_ms, const char *generator,
                                struct rg_arena *arena)
{
	struct rg_judge *j = calloc(1, sizeof *j);
	struct rg_results *res = rg_arena_alloc(arena, sizeof *res);
	struct rg_action_result *actions =
	    rg_arena_alloc(arena, (dir->n_actions + 1) * sizeof *actions);
	if (!j || !res || !actions) {
		free(j);
		return NULL;
	}
	j->dir = dir;
	if (!build_typed(&j->typed, ev, arena)) {
		free(j);
		return NULL;
	}
	j->ev = &j->typed;
	j->arena = arena;
	j->res = res;
	res->actions = actions;
	res->n_actions = dir->n_actions;
	res->generated_ms = generated_ms;
	res->generator = generator;
	copy_bundle(j);
	if (!group_remediations(j) || (ev->has_audit_events && !match_audit_events(j)))
		j->oom = true;
	for (size_t k = 0; k < dir->n_actions && !j->oom; k++) {
		const struct rg_action_def *a = &dir->actions[k];
		struct rg_action_result *ar = &actions[k];
		struct items it = {.j = j};
		copy_definition(ar, a);
		if (!applies(j, a)) {
			not_applicable(j, &it);
		} else {
			switch (a->rule) {
			case RG_RULE_STEPS:
				for (size_t s = 0; s < a->n_steps; s++) {
					if (a->steps[s].kind == RG_STEP_ROW_DEADLINE)
						step_row_deadline(j, a, &a->steps[s], &it);
					else if (a->steps[s].kind == RG_STEP_FIRST_RELATED)
						step_first_related(j, a, &a->steps[s], &it);
					else
						step_event(j, a, &a->steps[s], &it);
				}
				break;
			case RG_RULE_LOG_REVIEW:
				rule_log_review(j, a, &it, ar);
				break;
			}
		}
		finish_action(j, ar, &it);
	}
	if (!j->oom) {
		rg_results_finish(res);
		headline(j);
	}
	if (j->oom) {
		free_sets(j);
		free(j);
		return NULL;
	}
	return j;
}

void rg_judge_signin(void *judge, const struct rg_signin *s)
{
	struct rg_judge *j = judge;
	char key[512];
	size_t n = strlen(s->user);
	if (!j->sets || n >= sizeof key)
		return;
	for (size_t k = 0; k <= n; k++)
		key[k] = (char)tolower((unsigned char)s->user[k]);
	for (struct account_set *set = j->sets; set; set = set->next) {
		struct account *acc = rg_strmap_get(&set->by_name, key, n);
		if (!acc || !acc->obs || s->at.ms < acc->start.ms || s->at.ms > acc->end.ms)
			continue;
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
}

struct rg_results *rg_judge_end(struct rg_judge *j)
{
	if (!j)
		return NULL;
	struct rg_results *res = j->res;
	free_sets(j);
	free(j);
	return res;
}
