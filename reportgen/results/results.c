/*
 * results.c: the names, counts and derivations of the results model (see
 * results.h).  Whatever two views would otherwise each compute from the
 * items (an action's counts and status, the overall result, how a cited
 * row is written) is computed here once.
 */
#include "results/results.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"

const char *const rg_verdict_names[] = {"not_satisfied", "insufficient_evidence", "satisfied_late",
                                        "satisfied", "not_applicable", NULL};
const char *const rg_verdict_words[] = {"Not satisfied", "Insufficient evidence", "Satisfied late",
                                        "Satisfied", "Not applicable", NULL};
const char *const rg_overall_names[] = {"compliant", "compliant_late", "non_compliant", NULL};
const char *const rg_overall_words[] = {"Compliant", "Compliant, but late", "Not compliant", NULL};
const char *const rg_subject_kind_names[] = {"email", "secret", "account", "event",
                                             "file",  "agency", NULL};
const char *const rg_action_kind_names[] = {"required", "advisory", NULL};
const char *const rg_corroboration_names[] = {"", "corroborated", "not-corroborated", NULL};

void rg_results_finish(struct rg_results *r)
{
	r->overall = RG_COMPLIANT;
	for (size_t k = 0; k < r->n_actions; k++) {
		struct rg_action_result *a = &r->actions[k];
		memset(a->counts, 0, sizeof a->counts);
		a->corroborated = a->not_corroborated = 0;
		a->worst = NULL;
		a->status = RG_NOT_APPLICABLE;
		for (size_t i = 0; i < a->n_items; i++) {
			rg_arena_tick();
			const struct rg_item *it = &a->items[i];
			assert(it->status < RG_VERDICT_COUNT);
			assert((it->late_by_ms > 0) == (it->status == RG_SATISFIED_LATE));
			assert(it->n_evidence > 0 && it->reason);
			a->counts[it->status]++;
			a->corroborated += it->corroboration == RG_CORR_YES;
			a->not_corroborated += it->corroboration == RG_CORR_NO;
			if (!a->worst || it->status < a->worst->status)
				a->worst = it;
			a->status = rg_verdict_worst(a->status, it->status);
		}
		if (a->kind != RG_KIND_REQUIRED)
			continue;
		if (rg_verdict_is_open(a->status))
			r->overall = RG_NON_COMPLIANT;
		else if (a->status == RG_SATISFIED_LATE && r->overall == RG_COMPLIANT)
			r->overall = RG_COMPLIANT_LATE;
	}
}

size_t rg_action_open(const struct rg_action_result *a)
{
	return a->counts[RG_NOT_SATISFIED] + a->counts[RG_INSUFFICIENT_EVIDENCE];
}

size_t rg_action_done(const struct rg_action_result *a)
{
	return a->counts[RG_SATISFIED] + a->counts[RG_SATISFIED_LATE];
}

char *rg_evref_format(char *buf, size_t size, const struct rg_evref *e)
{
	if (e->line)
		snprintf(buf, size, "%s:%u", e->file, (unsigned)e->line);
	else
		snprintf(buf, size, "%s", e->file);
	return buf;
}

char *rg_item_evidence_list(const struct rg_item *i)
{
	struct rg_buf b;
	rg_buf_init(&b, 0);
	int rc = RG_BUF_OK;
	for (size_t k = 0; k < i->n_evidence && rc == RG_BUF_OK; k++) {
		const struct rg_evref *e = &i->evidence[k];
		rc = e->line ? rg_buf_printf(&b, "%s%s:%u", k ? " " : "", e->file, (unsigned)e->line)
		             : rg_buf_printf(&b, "%s%s", k ? " " : "", e->file);
	}
	if (rc != RG_BUF_OK || !b.data) {
		rg_buf_free(&b);
		return rc == RG_BUF_OK ? rg_asprintf("%s", "") : NULL;
	}
	return b.data;
}

char *rg_item_subject(const struct rg_item *i)
{
	const char *ref = i->subject_ref ? i->subject_ref : "";
	switch (i->subject_kind) {
	case RG_SUBJ_EMAIL:
	case RG_SUBJ_SECRET:
	case RG_SUBJ_ACCOUNT:
		return rg_asprintf("%s %s", rg_subject_kind_names[i->subject_kind], ref);
	case RG_SUBJ_AGENCY:
		return rg_asprintf("agency %s", ref);
	case RG_SUBJ_EVENT:
	case RG_SUBJ_FILE:
	case RG_SUBJ_COUNT:
		break;
	}
	return rg_asprintf("%s", ref);
}

int rg_results_find_action(const struct rg_results *r, const char *id)
{
	for (size_t k = 0; k < r->n_actions; k++)
		if (strcmp(r->actions[k].id, id) == 0)
			return (int)k;
	return -1;
}
