/*
 * judge.c: the rule kinds of docs/directive.md over the evidence model (see
 * judge.h).
 *
 * One function per rule kind a directive file composes (enum
 * rg_step_kind); each takes its tables, columns and parameters (deadline,
 * window, accepted kinds, source groups) from the action definition and
 * its sentences from the action's reason templates, never from constants
 * here: no directive and none of its tables is named in this file.  Every
 * item gets a status, every row its verdict used (primary row first), its
 * late-by when late, a reason a person can act on and the stable codes of
 * that reason (docs/report-format.md lists them).
 *
 * Each action's judging state is its own: a directive may use a rule kind
 * any number of times (two coverage actions with different sources, say),
 * so nothing one action computes is kept on the judge for another.  The
 * state that outlives an action is a coverage step's group set, which the
 * sign-in stream needs later (each action has its own), and the audit-log
 * matches of a corroborated table, which depend on the rows only.
 *
 * The results model it fills (results/results.h) never points into the
 * evidence: every string a view shows that comes from the bundle is copied
 * into the results' arena (keep()), because the evidence lives in an arena
 * of its own that rg_run_judge frees once the verdicts are in, before the
 * views are drawn.  Texts of the directive are shared, not copied: the
 * definition is loaded into the results' arena and lives as long.  Counts,
 * statuses and the overall result are derived by rg_results_finish.
 */
#include "judge/judge.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/strmap.h"

/* One group of a coverage step (an account, say): its window and, for the
 * sign-in stream, its observation. */
struct account {
	const char *name;                /* the group key as first written */
	const struct rg_row *first_row;  /* its first row: the primary citation */
	const struct rg_row *start_row;  /* the row whose start opens the window */
	const struct rg_row *start_ref;  /* the row it refers to for that start, or NULL */
	const struct rg_row *end_row;    /* the row whose first related row closes it */
	const struct rg_row *end_rel;    /* that related row, or NULL (the deadline) */
	struct rg_time start, end;
	struct rg_signin_obs *obs; /* in the results, or NULL */
	struct rg_strmap ips;
	const struct rg_row **reviews; /* this group's review rows, file order */
	size_t n_reviews;
};

/* The groups of one coverage step. */
struct account_set {
	struct account *v;
	size_t n;
	struct rg_strmap by_name; /* case-folded group key -> struct account */
	struct account_set *next;
};

/* The audit-log events that corroborate the rows of a related table a
 * corroborating first-related step reads (the same rows, subject table
 * and targets share one). */
struct audit_match {
	const struct rg_step *step;
	const struct rg_etable *table;         /* the related table */
	int *action;                           /* per row: the audited kind it claims
	                                          (enum rg_remediation_action), -1 none */
	const struct rg_audit_event **event;   /* per row: the nearest matching event, or NULL */
	struct audit_match *next;
};

struct rg_judge {
	const struct rg_evidence *ev;
	const struct rg_directive *dir;
	struct rg_arena *arena;
	struct rg_results *res;
	struct account_set *sets;     /* one per coverage step */
	struct audit_match *matches;  /* with audit-events.csv: in the directive's order */
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
	void *w = rg_array_grow(v, cap, need, size);
	if (!w)
		j->oom = true;
	return w;
}

/* A copy in the results' arena of a string that may live in the evidence
 * (NULL stays NULL); on out of memory NULL, and the judge fails. */
static const char *keep(struct rg_judge *j, const char *s)
{
	if (!s)
		return NULL;
	const char *d = rg_arena_strdup(j->arena, s);
	if (!d)
		j->oom = true;
	return d;
}

/* Starts an item citing its primary row. */
static struct rg_item *add_item(struct items *it, enum rg_verdict st, enum rg_subject_kind kind,
                                const char *ref, const char *file, uint32_t line)
{
	rg_arena_tick();
	/* In the results' arena's files when it spills: 104 bytes an item. */
	struct rg_item *v = rg_arena_grow(it->j->arena, it->v, &it->cap, it->n + 1, sizeof *v);
	if (!v) {
		it->j->oom = true;
		return NULL;
	}
	it->v = v;
	struct rg_item *i = &it->v[it->n++];
	memset(i, 0, sizeof *i);
	i->status = st;
	i->subject_kind = kind;
	i->subject_ref = keep(it->j, ref);
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

/* ---- reason templates --------------------------------------------------- */

struct var {
	const char *name, *value;
};

/* A value of a row as a reason shows it. */
static const char *show_value(struct rg_judge *j, const struct rg_table_spec *spec,
                              const struct rg_row *row, int c)
{
	const struct rg_value *v = rg_row_value(row, c);
	if (!v->given)
		return NULL;
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

/* The template of outcome `on` of a step, or NULL. */
static const struct rg_reason_tpl *find_tpl(const struct rg_reason_tpl *tpl, size_t n_tpl,
                                            const char *on)
{
	for (size_t k = 0; k < n_tpl; k++)
		if (tpl[k].on && strcmp(tpl[k].on, on) == 0)
			return &tpl[k];
	return NULL;
}

/* Appends template text to b with its placeholders filled from vars, or
 * from the row ({row.COLUMN}, {row.COLUMN?DEFAULT}); any other {word} is
 * kept as written. */
static void expand(struct rg_judge *j, struct rg_buf *b, const char *text, const struct var *vars,
                   size_t n_vars, const struct rg_table_spec *spec, const struct rg_row *row)
{
	for (const char *p = text; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			rg_buf_putc(b, *p++);
			continue;
		}
		size_t len = (size_t)(close - p - 1);
		const char *val = NULL;
		bool known = false;
		char name[80]; /* here, not in the block below: val may point into it */
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
			val = show_value(j, spec, row, rg_table_spec_column(spec, name));
			if (!val)
				val = dflt ? dflt : "";
			known = true;
		}
		if (known) {
			if (val)
				rg_buf_append(b, val, strlen(val));
		} else {
			rg_buf_append(b, p, len + 2); /* not a placeholder: kept as written */
		}
		p = close + 1;
	}
}

/* The reason of outcome `on`: the action's template filled (expand).
 * Without a template the outcome itself is the code and the text. */
static void reason_tpl(struct items *it, struct rg_item *i, const struct rg_reason_tpl *tpl,
                       size_t n_tpl, const char *on, const struct var *vars, size_t n_vars,
                       const struct rg_table_spec *spec, const struct rg_row *row)
{
	if (!i)
		return;
	const struct rg_reason_tpl *t = find_tpl(tpl, n_tpl, on);
	struct rg_buf b;
	rg_buf_init(&b, 0);
	expand(it->j, &b, t ? t->text : on, vars, n_vars, spec, row);
	i->reason = b.data ? rg_arena_strdup(it->j->arena, b.data) : rg_arena_strdup(it->j->arena, "");
	/* Not copied: the codes are the directive's (in the results' arena)
	 * or the outcome, always a string literal; one copy per item was a
	 * megabyte at 50,000 findings. */
	i->reason_codes = t && t->codes ? t->codes : on;
	rg_buf_free(&b);
	if (!i->reason) {
		i->reason = "";
		i->reason_codes = "";
		it->j->oom = true;
	}
}

/* ---- the rule kinds a directive file composes ---------------------------- */

/* The evidence table a step reads, or NULL when the bundle has none. */
static const struct rg_etable *step_table(const struct rg_judge *j, const struct rg_table_spec *t)
{
	const struct rg_evidence *ev = j->ev;
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
		const char *id = rg_row_value(row, idc)->s ? rg_row_value(row, idc)->s : "";
		struct rg_item *i = add_item(it, RG_NOT_SATISFIED, st->subject, id, file, row->line);
		/* This row's due time: its own column, the referenced row's, or
		 * the action's deadline. */
		bool has_due = a->has_deadline;
		struct rg_time due_t = a->deadline;
		if (st->due_col >= 0) {
			const struct rg_row *drow = row;
			if (st->due_ref >= 0) {
				uint32_t r = rg_row_value(row, refc)->ref;
				drow = r && de && r <= de->n ? &de->rows[r - 1] : NULL;
				if (drow)
					cite(it, de->spec->file, drow->line);
			}
			const struct rg_value *dv = drow ? rg_row_value(drow, duec) : rg_row_value(row, -1);
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
		const struct rg_value *done = rg_row_value(row, tc);
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
		if (rg_row_value(row, kc)->i != want)
			continue;
		if (!any)
			any = row;
		if (st->needs_attachment && rg_row_value(row, rc)->i != 1)
			continue;
		if (st->needs_reference && !rg_row_value(row, rc)->given)
			continue;
		if (!best || rg_row_value(row, tc)->t.ms < rg_row_value(best, tc)->t.ms)
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
	struct rg_time at = rg_row_value(best, tc)->t;
	rg_time_format(when, at);
	const char *ref = rg_row_value(best, rc)->s;
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

/* The related row's audited kind: its kind column's value spelled as one
 * the audit log records (audit-events.csv's vocabulary), -1 when none. */
static int audited_kind(const struct rg_etable *re, int kc, const struct rg_row *row)
{
	if (kc < 0 || !rg_row_value(row, kc)->given || re->spec->cols[kc].type != RG_COL_ENUM)
		return -1;
	int idx;
	if (!rg_str_in(re->spec->cols[kc].values[rg_row_value(row, kc)->i], rg_action_names, &idx) ||
	    !audited((enum rg_remediation_action)idx))
		return -1;
	return idx;
}

/* Finds, for every row of the step's related table of an audited kind,
 * the audit event of the same kind whose target is one of the subject
 * row's audit-targets (in that order), nearest to the row's time and
 * within the window.  Events are grouped by lowercased target first, so
 * the cost is the rows plus each target's own events. */
static struct audit_match *match_audit_events(struct rg_judge *j, const struct rg_step *st)
{
	const struct rg_evidence *ev = j->ev;
	const struct rg_etable *e = step_table(j, st->table), *re = step_table(j, st->related_table);
	if (!e || !re)
		return NULL;
	for (struct audit_match *m = j->matches; m; m = m->next)
		if (m->table == re && m->step->table == st->table && m->step->n_targets == st->n_targets &&
		    memcmp(m->step->targets, st->targets, st->n_targets * sizeof *st->targets) == 0 &&
		    m->step->via_col == st->via_col && m->step->kind_col == st->kind_col &&
		    m->step->time_col == st->time_col)
			return m;
	struct audit_match *m = rg_arena_alloc(j->arena, sizeof *m);
	if (!m)
		return NULL;
	memset(m, 0, sizeof *m);
	m->step = st;
	m->table = re;
	m->action = rg_arena_alloc(j->arena, (re->n + 1) * sizeof *m->action);
	m->event = rg_arena_alloc(j->arena, (re->n + 1) * sizeof *m->event);
	if (!m->action || !m->event)
		return NULL;
	int via = ecol(re, st->related_table, st->via_col), kc = ecol(re, st->related_table, st->kind_col);
	int tc = ecol(re, st->related_table, st->time_col);
	int tcol[4];
	for (size_t t = 0; t < st->n_targets; t++)
		tcol[t] = ecol(e, st->table, st->targets[t]);
	struct rg_strmap by_target; /* lowercased target -> first event of a chain */
	rg_strmap_init(&by_target);
	const struct rg_audit_event **next =
	    rg_arena_alloc(j->arena, (ev->n_audit_events + 1) * sizeof *next);
	bool ok = next != NULL;
	for (size_t k = ev->n_audit_events; ok && k-- > 0;) {
		const struct rg_audit_event *a = &ev->audit_events[k];
		if (a->action < 0 || !audited((enum rg_remediation_action)a->action))
			continue;
		char *key = lower_dup(j->arena, a->target);
		ok = key != NULL;
		if (!ok)
			break;
		next[k] = rg_strmap_get(&by_target, key, strlen(key));
		ok = rg_strmap_put(&by_target, key, strlen(key), (void *)a, NULL);
	}
	const int64_t window = j->dir->corroboration_ms;
	for (size_t i = 0; ok && i < re->n; i++) {
		const struct rg_row *r = &re->rows[i];
		m->action[i] = audited_kind(re, kc, r);
		m->event[i] = NULL;
		uint32_t sref = via >= 0 ? rg_row_value(r, via)->ref : 0;
		if (m->action[i] < 0 || !sref || sref > e->n || tc < 0)
			continue;
		const struct rg_row *subject = &e->rows[sref - 1];
		const struct rg_audit_event *best = NULL;
		int64_t best_d = 0;
		for (size_t t = 0; t < st->n_targets; t++) {
			const char *target = show_value(j, e->spec, subject, tcol[t]);
			char *key = target ? lower_dup(j->arena, target) : NULL;
			if (target && !key) {
				ok = false;
				break;
			}
			for (const struct rg_audit_event *a =
			         key ? rg_strmap_get(&by_target, key, strlen(key)) : NULL;
			     a; a = next[a - ev->audit_events]) {
				int64_t d = a->at.ms - rg_row_value(r, tc)->t.ms;
				d = d < 0 ? -d : d;
				if (a->action != m->action[i] || d > window || !same_target(a->target, target))
					continue;
				if (!best || d < best_d) {
					best = a;
					best_d = d;
				}
			}
		}
		m->event[i] = best;
	}
	rg_strmap_free(&by_target);
	if (!ok)
		return NULL;
	struct audit_match **tail = &j->matches;
	while (*tail)
		tail = &(*tail)->next;
	*tail = m;
	return m;
}

/* Records on the item whether the audit log shows related row `row` of m. */
static void corroborate(struct rg_judge *j, struct items *it, struct rg_item *i,
                        const struct audit_match *m, size_t row)
{
	if (!i || !m || row >= m->table->n || m->action[row] < 0)
		return;
	const struct rg_audit_event *e = m->event[row];
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

/* The one item of a first-related or coverage step whose table is absent
 * (outcome missing) or has no rows (empty): insufficient_evidence, citing
 * the file. */
static void missing_rows(struct rg_judge *j, const struct rg_step *st, const struct rg_etable *e,
                         struct items *it)
{
	(void)j;
	const char *file = st->table->file;
	struct rg_item *i = add_item(it, RG_INSUFFICIENT_EVIDENCE, RG_SUBJ_FILE, file, file, 0);
	struct var v[] = {{"file", file}};
	reason_tpl(it, i, st->reasons, st->n_reasons, e && e->present ? "empty" : "missing", v, 1,
	           NULL, NULL);
	close_item(it, i);
}

/* The rows of a related table grouped by the row of e their reference
 * column via names (counting sort, file order kept): those of row k are
 * of[at[k] .. at[k + 1]), idx their indexes in re.  A scan of every
 * related row per row is quadratic at the row limits.  malloc'd:
 * free_related. */
struct related {
	size_t *at;
	const struct rg_row **of;
	size_t *idx;
};

static void free_related(struct related *g)
{
	free(g->at);
	free(g->of);
	free(g->idx);
}

static bool group_related(struct rg_judge *j, const struct rg_etable *e, const struct rg_etable *re,
                          int via, struct related *g)
{
	g->at = calloc(e->n + 2, sizeof *g->at);
	g->of = malloc(((re ? re->n : 0) + 1) * sizeof *g->of);
	g->idx = malloc(((re ? re->n : 0) + 1) * sizeof *g->idx);
	if (!g->at || !g->of || !g->idx) {
		free_related(g);
		j->oom = true;
		return false;
	}
	for (size_t r = 0; re && via >= 0 && r < re->n; r++) {
		uint32_t ref = rg_row_value(&re->rows[r], via)->ref;
		if (ref && ref <= e->n)
			g->at[ref + 1]++;
	}
	for (size_t k = 2; k < e->n + 2; k++)
		g->at[k] += g->at[k - 1];
	for (size_t r = 0; re && via >= 0 && r < re->n; r++) {
		uint32_t ref = rg_row_value(&re->rows[r], via)->ref;
		if (ref && ref <= e->n) {
			g->idx[g->at[ref]] = r;
			g->of[g->at[ref]++] = &re->rows[r];
		}
	}
	return true;
}

/* The accepted kinds of a step as indexes of the related table's kind
 * column's values. */
static void kind_set(const struct rg_etable *re, int kc, const char *const *kinds,
                     bool accepted[RG_STEP_MAX_VALUES])
{
	for (size_t k = 0; kc >= 0 && kinds && kinds[k]; k++) {
		int idx;
		if (rg_str_in(kinds[k], re->spec->cols[kc].values, &idx) && idx < RG_STEP_MAX_VALUES)
			accepted[idx] = true;
	}
}

/* <first-related>: for every row, the earliest row of another table that
 * refers to it with a kind accepted, due at its anchor column plus the
 * action's window (the item carries that due time), or at the deadline. */
static void step_first_related(struct rg_judge *j, const struct rg_action_def *a,
                               const struct rg_step *st, struct items *it)
{
	const struct rg_etable *e = step_table(j, st->table);
	const struct rg_etable *re = step_table(j, st->related_table);
	if (!e || !e->present || e->n == 0) {
		/* Nothing to judge, which is not "done": an action has an
		 * item, and one without its rows lacks evidence. */
		missing_rows(j, st, e, it);
		return;
	}
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
	struct related g;
	if (!group_related(j, e, re, via, &g))
		return;
	size_t *at = g.at, *of_idx = g.idx;
	const struct rg_row **of = g.of;
	const struct audit_match *m =
	    st->corroborate && j->ev->has_audit_events ? match_audit_events(j, st) : NULL;
	char when[RG_TIME_BUFSZ], due[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	for (size_t k = 0; k < e->n; k++) {
		const struct rg_row *row = &e->rows[k];
		const char *id = rg_row_value(row, idc)->s ? rg_row_value(row, idc)->s : "";
		const struct rg_row *best = NULL, *also = NULL;
		size_t best_idx = 0, also_idx = 0;
		/* Does this row also need a related row of another kind? */
		bool needs_also = false;
		if (alc >= 0 && rg_row_value(row, alc)->given) {
			const char *shown = show_value(j, e->spec, row, alc);
			needs_also = shown && strcmp(shown, st->also_value) == 0;
		}
		for (size_t q = at[k]; q < at[k + 1]; q++) {
			const struct rg_value *kv = rg_row_value(of[q], kc);
			if (!kv->given || kv->i >= 64)
				continue;
			int64_t t = rg_row_value(of[q], tc)->t.ms;
			if (accepted[kv->i] && (!best || t < rg_row_value(best, tc)->t.ms)) {
				best = of[q];
				best_idx = of_idx[q];
			}
			if (needs_also && also_ok[kv->i] && (!also || t < rg_row_value(also, tc)->t.ms)) {
				also = of[q];
				also_idx = of_idx[q];
			}
		}
		struct rg_item *i = add_item(it, RG_NOT_SATISFIED, st->subject, id, file, row->line);
		struct rg_time due_t = a->deadline;
		if (anc >= 0) {
			due_t.ms = rg_row_value(row, anc)->t.ms + a->window_ms;
			due_t.offset = rg_row_value(row, anc)->t.offset;
			if (i) {
				i->has_due = true;
				i->due = due_t;
			}
		}
		rg_time_format(due, due_t);
		when[0] = late[0] = '\0';
		/* Both parts done: the later one decides the timing. */
		const struct rg_row *last =
		    also && (!best || rg_row_value(also, tc)->t.ms > rg_row_value(best, tc)->t.ms) ? also : best;
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
		if (m) {
			if (best)
				corroborate(j, it, i, m, best_idx);
			if (also)
				corroborate(j, it, i, m, also_idx);
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
		judge_time(i, rg_row_value(last, tc)->t, due_t.ms);
		rg_time_format(when, rg_row_value(last, tc)->t);
		if (i && i->status == RG_SATISFIED_LATE)
			rg_duration_format(late, i->late_by_ms);
		reason_tpl(it, i, st->reasons, st->n_reasons,
		           i && i->status == RG_SATISFIED_LATE ? "late"
		           : also                              ? "on-time-also"
		                                               : "on-time",
		           v, 8, e->spec, row);
		close_item(it, i);
	}
	free_related(&g);
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

/* Appends a code to a space-separated list (each code once). */
static void add_code(char *codes, size_t size, const char *code)
{
	size_t n = strlen(code), used = strlen(codes);
	for (const char *p = codes; (p = strstr(p, code)) != NULL; p += n)
		if ((p == codes || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return;
	snprintf(codes + used, size - used, "%s%s", used ? " " : "", code);
}

/* The groups of a coverage step, in order of their first row, each with
 * its window and its review rows.  The set is the step's own; linked on
 * the judge first, so rg_judge_end frees it whatever happens. */
static struct account_set *build_groups(struct rg_judge *j, const struct rg_action_def *a,
                                        const struct rg_step *st, const struct rg_etable *e,
                                        const struct rg_etable *rv)
{
	const struct rg_etable *re = step_table(j, st->related_table);
	const struct rg_etable *se = st->start_ref >= 0 ? step_table(j, st->start_table) : e;
	int gc = ecol(e, st->table, st->group_col), sref = ecol(e, st->table, st->start_ref);
	int scol = ecol(se, st->start_table, st->start_col), selse = ecol(e, st->table, st->start_else);
	int via = ecol(re, st->related_table, st->via_col), kc = ecol(re, st->related_table, st->kind_col);
	int tc = ecol(re, st->related_table, st->time_col), mc = ecol(rv, st->review_table, st->match_col);
	struct account_set *set = rg_arena_alloc(j->arena, sizeof *set);
	if (!set)
		return NULL;
	memset(set, 0, sizeof *set);
	rg_strmap_init(&set->by_name);
	set->next = j->sets;
	j->sets = set;
	set->v = rg_arena_alloc(j->arena, (e->n + 1) * sizeof *set->v);
	if (!set->v)
		return NULL;
	bool accepted[RG_STEP_MAX_VALUES] = {false};
	if (re)
		kind_set(re, kc, st->kinds, accepted);
	struct related g;
	if (!group_related(j, e, re, via, &g))
		return NULL;
	bool ok = true;
	for (size_t k = 0; k < e->n && ok; k++) {
		const struct rg_row *row = &e->rows[k];
		const char *name = rg_row_value(row, gc)->s ? rg_row_value(row, gc)->s : "";
		char *key = lower_dup(j->arena, name);
		ok = key != NULL;
		if (!ok)
			break;
		/* The row's first related row of an accepted kind ends its part
		 * of the window; without one, the deadline does. */
		const struct rg_row *end_rel = NULL;
		for (size_t q = g.at[k]; q < g.at[k + 1]; q++) {
			const struct rg_value *kv = rg_row_value(g.of[q], kc);
			if (kv->given && kv->i < RG_STEP_MAX_VALUES && accepted[kv->i] &&
			    (!end_rel || rg_row_value(g.of[q], tc)->t.ms < rg_row_value(end_rel, tc)->t.ms))
				end_rel = g.of[q];
		}
		struct rg_time end = end_rel ? rg_row_value(end_rel, tc)->t : a->deadline;
		const struct rg_row *start_ref = NULL;
		if (sref >= 0) {
			uint32_t r = rg_row_value(row, sref)->ref;
			start_ref = r && se && r <= se->n ? &se->rows[r - 1] : NULL;
		}
		/* scol is a column of se: read on a row of e only when se is e. */
		struct rg_time start = start_ref                ? rg_row_value(start_ref, scol)->t
		                       : st->start_ref >= 0 ? rg_row_value(row, selse)->t
		                                            : rg_row_value(row, scol)->t;
		struct account *acc = rg_strmap_get(&set->by_name, key, strlen(key));
		if (!acc) {
			acc = &set->v[set->n++];
			memset(acc, 0, sizeof *acc);
			acc->name = name;
			acc->first_row = acc->start_row = acc->end_row = row;
			acc->start_ref = start_ref;
			acc->end_rel = end_rel;
			acc->start = start;
			acc->end = end;
			rg_strmap_init(&acc->ips);
			ok = rg_strmap_put(&set->by_name, key, strlen(key), acc, NULL);
		} else {
			if (start.ms < acc->start.ms) {
				acc->start = start;
				acc->start_row = row;
				acc->start_ref = start_ref;
			}
			if (end.ms > acc->end.ms) {
				acc->end = end;
				acc->end_row = row;
				acc->end_rel = end_rel;
			}
		}
	}
	free_related(&g);
	if (!ok)
		return NULL;
	for (size_t k = 0; k < set->n; k++)
		if (set->v[k].end.ms < set->v[k].start.ms)
			set->v[k].end = set->v[k].start; /* ended before it started: an empty window */
	/* Each group's review rows, in file order (two passes: count, fill). */
	size_t nr = rv ? rv->n : 0;
	struct account **owner = calloc(nr + 1, sizeof *owner);
	if (!owner)
		return NULL;
	for (size_t r = 0; r < nr && ok; r++) {
		const char *m = rg_row_value(&rv->rows[r], mc)->s;
		char *key = m ? lower_dup(j->arena, m) : NULL;
		ok = !m || key;
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
	for (size_t r = 0; r < nr && ok; r++)
		if (owner[r])
			owner[r]->reviews[owner[r]->n_reviews++] = &rv->rows[r];
	free(owner);
	return ok ? set : NULL;
}

/* Appends the fragment of outcome `on` to a not-covered reason's problems
 * and its codes (each once) to codes. */
static void problem_of(struct rg_judge *j, const struct rg_step *st, struct rg_buf *problems,
                       char *codes, size_t size, const char *on, const struct var *vars,
                       size_t n_vars, const struct rg_table_spec *spec, const struct rg_row *row)
{
	const struct rg_reason_tpl *t = find_tpl(st->reasons, st->n_reasons, on);
	const char *c = t && t->codes ? t->codes : on;
	while (*c) {
		char one[64];
		size_t len = strcspn(c, " ");
		snprintf(one, sizeof one, "%.*s", (int)(len < 63 ? len : 63), c);
		if (len)
			add_code(codes, size, one);
		c += len;
		while (*c == ' ')
			c++;
	}
	if (problems->len)
		rg_buf_append(problems, "; ", 2);
	expand(j, problems, t ? t->text : on, vars, n_vars, spec, row);
}

/* <coverage>: per group, the review rows of each <sources> group together
 * cover the group's window; the reviews that must give a column do; the
 * latest of the counted reviews by the deadline. */
static void step_coverage(struct rg_judge *j, const struct rg_action_def *a,
                          const struct rg_step *st, struct items *it, struct rg_action_result *ar)
{
	const struct rg_etable *e = step_table(j, st->table), *rv = step_table(j, st->review_table);
	const char *file = st->table->file;
	if (!e || !e->present || e->n == 0) {
		missing_rows(j, st, e, it);
		return;
	}
	struct account_set *set = build_groups(j, a, st, e, rv);
	size_t nr = rv ? rv->n : 0;
	int64_t(*iv)[2] = set ? malloc((nr + 1) * sizeof *iv) : NULL;
	if (!iv) {
		j->oom = true;
		return;
	}
	/* The sign-in observations are the action's first coverage step's. */
	bool observe = j->ev->has_signins && !ar->signins;
	if (observe) {
		ar->signins = rg_arena_alloc(j->arena, (set->n + 1) * sizeof *ar->signins);
		if (!ar->signins)
			j->oom = true;
	}
	const struct rg_table_spec *rs = rv ? rv->spec : NULL;
	int srcc = ecol(rv, st->review_table, st->source_col), fc = ecol(rv, st->review_table, st->from_col);
	int tc = ecol(rv, st->review_table, st->to_col), dc = ecol(rv, st->review_table, st->done_col);
	int reqc = ecol(rv, st->review_table, st->req_col), unlc = ecol(rv, st->review_table, st->unless_col);
	const char *rfile = st->review_table->file;
	const struct rg_table_spec *sfile = st->start_ref >= 0 ? st->start_table : st->table;
	for (size_t k = 0; k < set->n && !j->oom; k++) {
		struct account *acc = &set->v[k];
		struct rg_item *i =
		    add_item(it, RG_SATISFIED, st->subject, acc->name, file, acc->first_row->line);
		/* The rows that define the window: the row (and the row it
		 * refers to) that start it, the row (and its related row) that
		 * end it. */
		cite(it, file, acc->start_row->line);
		if (acc->start_ref)
			cite(it, sfile->file, acc->start_ref->line);
		cite(it, file, acc->end_row->line);
		if (acc->end_rel)
			cite(it, st->related_table->file, acc->end_rel->line);
		struct rg_buf problems;
		rg_buf_init(&problems, 4096);
		char codes[128] = "";
		char from[RG_TIME_BUFSZ], to[RG_TIME_BUFSZ], line[16];
		const struct rg_row *latest = NULL;
		for (size_t gi = 0; gi < st->n_sources; gi++) {
			uint64_t group = st->sources[gi].set;
			size_t n = 0;
			for (size_t r = 0; r < acc->n_reviews; r++) {
				const struct rg_row *lr = acc->reviews[r];
				const struct rg_value *sv = rg_row_value(lr, srcc);
				if (!sv->given || sv->i >= RG_STEP_MAX_VALUES || !((group >> sv->i) & 1))
					continue;
				iv[n][0] = rg_row_value(lr, fc)->t.ms;
				iv[n][1] = rg_row_value(lr, tc)->t.ms;
				n++;
				if (!latest || rg_row_value(lr, dc)->t.ms > rg_row_value(latest, dc)->t.ms)
					latest = lr;
			}
			int64_t gf, gt;
			if (n == 0) {
				struct var v[] = {{"sources", st->sources[gi].label}};
				problem_of(j, st, &problems, codes, sizeof codes, "no-review", v, 1, NULL, NULL);
			} else if (first_gap(iv, n, acc->start.ms, acc->end.ms, &gf, &gt)) {
				rg_time_format_utc(from, gf);
				rg_time_format_utc(to, gt);
				struct var v[] = {{"sources", st->sources[gi].label}, {"from", from}, {"to", to}};
				problem_of(j, st, &problems, codes, sizeof codes, "gap", v, 3, NULL, NULL);
			}
		}
		for (size_t r = 0; r < acc->n_reviews; r++) {
			const struct rg_row *lr = acc->reviews[r];
			cite(it, rfile, lr->line);
			if (reqc < 0 || rg_row_value(lr, reqc)->given)
				continue;
			if (unlc >= 0 && rg_row_value(lr, unlc)->given && rg_row_value(lr, unlc)->i == st->unless_value)
				continue;
			snprintf(line, sizeof line, "%u", (unsigned)lr->line);
			struct var v[] = {{"file", rfile}, {"line", line}};
			problem_of(j, st, &problems, codes, sizeof codes, "unmet", v, 2, rs, lr);
		}
		rg_time_format(from, acc->start);
		rg_time_format(to, acc->end);
		if (problems.len) {
			if (i)
				i->status = RG_NOT_SATISFIED;
			struct var v[] = {{"id", acc->name}, {"start", from}, {"end", to},
			                  {"problems", problems.data}};
			reason_tpl(it, i, st->reasons, st->n_reasons, "not-covered", v, 4, NULL, NULL);
			/* Its codes are those of the problems it lists. */
			const char *c = i ? rg_arena_strdup(j->arena, codes) : NULL;
			if (i && !c)
				j->oom = true;
			else if (i)
				i->reason_codes = c;
		} else {
			assert(latest); /* every group had a review */
			judge_time(i, rg_row_value(latest, dc)->t, a->deadline.ms);
			char late[RG_DURATION_BUFSZ] = "";
			bool is_late = i && i->status == RG_SATISFIED_LATE;
			if (is_late)
				rg_duration_format(late, i->late_by_ms);
			struct var v[] = {{"id", acc->name}, {"start", from}, {"end", to}, {"late", late}};
			reason_tpl(it, i, st->reasons, st->n_reasons, is_late ? "late" : "on-time", v, 4, NULL,
			           NULL);
		}
		rg_buf_free(&problems);
		close_item(it, i);
		if (observe && ar->signins) {
			struct rg_signin_obs *o = &ar->signins[ar->n_signins++];
			o->account = keep(j, acc->name);
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
	const struct rg_evidence *ev = j->ev;
	struct rg_item *i;
	if (!ev->notified) {
		i = add_item(it, RG_NOT_APPLICABLE, RG_SUBJ_AGENCY, ev->agency_id, RG_F_MANIFEST, 0);
		struct var v[] = {{"file", RG_F_MANIFEST}};
		reason_tpl(it, i, j->dir->notified_reasons, j->dir->n_notified_reasons, "not-notified", v,
		           1, NULL, NULL);
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
	if (!j->ev->notified)
		return false;
	if (a->applies == RG_APPLIES_NOTIFIED)
		return true;
	const struct rg_etable *e = rows_table(j);
	return e && e->n > 0;
}

static void finish_action(struct rg_judge *j, struct rg_action_result *ar, struct items *it)
{
	/* The array, trimmed to its items, becomes the arena's: a copy would
	 * hold the largest action twice at the judge's peak. */
	ar->n_items = it->n;
	ar->items = NULL;
	if (it->n) {
		void *v = it->v;
		ar->items = rg_arena_keep_array(j->arena, &v, it->n * sizeof *it->v);
		it->v = v;
		if (!ar->items)
			j->oom = true;
	}
	rg_arena_drop_array(j->arena, it->v);
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
	const struct rg_evidence *ev = j->ev;
	struct rg_results *res = j->res;
	struct rg_bundle_info *b = &res->bundle;
	b->name = keep(j, ev->bundle_name);
	memcpy(b->sha256, ev->bundle_sha256, sizeof b->sha256);
	b->directive = keep(j, ev->directive);
	b->created = ev->created;
	b->agency_id = keep(j, ev->agency_id);
	b->agency_name = keep(j, ev->agency_name);
	b->agency_component = keep(j, ev->agency_component);
	b->contact_name = keep(j, ev->contact_name);
	b->contact_role = keep(j, ev->contact_role);
	b->contact_email = keep(j, ev->contact_email);
	b->notified = ev->notified;
	b->notification_received = ev->notification_received;
	b->notification_source = keep(j, ev->notification_source);
	b->notification_reference = keep(j, ev->notification_reference);
	struct rg_file_info *f = rg_arena_alloc(j->arena, (ev->n_members + 1) * sizeof *f);
	if (!f) {
		j->oom = true;
		return;
	}
	for (size_t k = 0; k < ev->n_members; k++) {
		f[k].path = keep(j, ev->members[k].path);
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
	struct rg_results *res = j->res;
	struct rg_headline *h = &res->headline;
	/* The directive's <headline>: which table's rows are the reviewed
	 * items (and which column says done), which the found ones. */
	const struct rg_directive *dir = j->dir;
	const struct rg_etable *rt = dir->reviewed_table ? step_table(j, dir->reviewed_table) : NULL;
	int rc = ecol(rt, dir->reviewed_table, dir->reviewed_col);
	h->emails_total = rt ? rt->n : 0;
	for (size_t k = 0; rt && k < rt->n; k++)
		h->emails_reviewed += rg_row_value(&rt->rows[k], rc)->given;
	const struct rg_etable *ft = dir->found_table ? step_table(j, dir->found_table) : NULL;
	h->secrets_found = ft ? ft->n : 0;
	/* The remediations the audit log can show: the rows of the first
	 * corroborated table, of a kind it records. */
	if (j->ev->has_audit_events) {
		h->audit_log = true;
		const struct audit_match *m = j->matches;
		for (size_t i = 0; m && i < m->table->n; i++) {
			h->remediations_checked += m->action[i] >= 0;
			h->remediations_corroborated += m->event[i] != NULL;
		}
	}
	/* The groups of the first coverage action and the rows of the first
	 * windowed first-related action: a later action of the same kind
	 * judges the same groups or rows again, by other parameters. */
	bool accounts_counted = false, secrets_counted = false;
	for (size_t a = 0; a < res->n_actions; a++) {
		const struct rg_action_result *ar = &res->actions[a];
		if (ar->status == RG_NOT_APPLICABLE)
			continue;
		const struct rg_action_def *def = &j->dir->actions[a];
		bool covers = false;
		for (size_t s = 0; s < def->n_steps; s++)
			covers |= def->steps[s].kind == RG_STEP_COVERAGE;
		bool count_accounts = covers && !accounts_counted;
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
			rg_arena_tick();
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
	j->ev = ev;
	j->arena = arena;
	j->res = res;
	res->actions = actions;
	res->n_actions = dir->n_actions;
	res->generated_ms = generated_ms;
	res->generator = generator;
	copy_bundle(j);
	/* The audit-log matches of every corroborated table, in the
	 * directive's order (the headline counts the first's). */
	for (size_t k = 0; k < dir->n_actions && ev->has_audit_events && !j->oom; k++)
		for (size_t s = 0; s < dir->actions[k].n_steps && !j->oom; s++) {
			const struct rg_step *st = &dir->actions[k].steps[s];
			if (st->kind == RG_STEP_FIRST_RELATED && st->corroborate && step_table(j, st->table) &&
			    step_table(j, st->related_table) && !match_audit_events(j, st))
				j->oom = true;
		}
	for (size_t k = 0; k < dir->n_actions && !j->oom; k++) {
		const struct rg_action_def *a = &dir->actions[k];
		struct rg_action_result *ar = &actions[k];
		struct items it = {.j = j};
		copy_definition(ar, a);
		if (!applies(j, a)) {
			not_applicable(j, &it);
		} else {
			for (size_t s = 0; s < a->n_steps; s++) {
				const struct rg_step *st = &a->steps[s];
				switch (st->kind) {
				case RG_STEP_ROW_DEADLINE:
					step_row_deadline(j, a, st, &it);
					break;
				case RG_STEP_FIRST_RELATED:
					step_first_related(j, a, st, &it);
					break;
				case RG_STEP_EVENT:
					step_event(j, a, st, &it);
					break;
				case RG_STEP_COVERAGE:
					step_coverage(j, a, st, &it, ar);
					break;
				}
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
