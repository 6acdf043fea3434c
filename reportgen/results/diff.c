/*
 * diff.c: two results models compared (see diff.h).
 *
 * Linear in the items: NEW's items are indexed by action and subject in a
 * hash map, OLD's are looked up in it, and whatever NEW has that OLD did
 * not is found by marking.  Changes come out in the directive's order,
 * items in OLD's order, then the items that appeared, then files.
 */
#include "results/diff.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/strmap.h"

const char *const rg_change_names[] = {
    "directive",         "overall",        "action-status",  "action-added",
    "action-removed",    "item-satisfied", "item-late",      "item-open",
    "item-status",       "item-appeared",  "item-disappeared", "file-added",
    "file-removed",      "file-changed",   NULL};

struct acc {
	struct rg_diff *d;
	size_t cap;
	struct rg_arena *arena;
	bool oom;
};

static struct rg_change *add(struct acc *a, enum rg_change_kind k, const char *action)
{
	if (a->d->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct rg_change *v = rg_arena_alloc(a->arena, cap * sizeof *v);
		if (!v) {
			a->oom = true;
			return NULL;
		}
		if (a->d->n)
			memcpy(v, a->d->changes, a->d->n * sizeof *v);
		a->d->changes = v;
		a->cap = cap;
	}
	struct rg_change *c = &a->d->changes[a->d->n++];
	memset(c, 0, sizeof *c);
	c->kind = k;
	c->action = action;
	return c;
}

/* Worse, in the severity order, except that not applicable becoming
 * satisfied is no loss. */
static bool verdict_worse(enum rg_verdict old, enum rg_verdict new)
{
	return new < old && !(old == RG_NOT_APPLICABLE && new == RG_SATISFIED);
}

/* compliant < compliant_late < non_compliant: a larger value is worse. */
static bool overall_worse(enum rg_overall old, enum rg_overall new)
{
	return new > old;
}

static enum rg_change_kind item_change(enum rg_verdict to)
{
	switch (to) {
	case RG_SATISFIED: return RG_CH_ITEM_SATISFIED;
	case RG_SATISFIED_LATE: return RG_CH_ITEM_LATE;
	case RG_NOT_SATISFIED:
	case RG_INSUFFICIENT_EVIDENCE: return RG_CH_ITEM_OPEN;
	default: return RG_CH_ITEM_STATUS;
	}
}

/* "kind\x1fref": subjects are unique within an action. */
static char *subject_key(struct rg_arena *a, const struct rg_item *it, size_t *len)
{
	char *k = rg_arena_printf(a, "%s\x1f%s", rg_subject_kind_names[it->subject_kind],
	                          it->subject_ref ? it->subject_ref : "");
	*len = k ? strlen(k) : 0;
	return k;
}

static void diff_items(struct acc *a, const struct rg_action_result *o,
                       const struct rg_action_result *n)
{
	struct rg_strmap index;
	rg_strmap_init(&index);
	bool *seen = calloc(n->n_items + 1, sizeof *seen);
	if (!seen) {
		a->oom = true;
		return;
	}
	for (size_t i = 0; i < n->n_items && !a->oom; i++) {
		size_t len;
		char *k = subject_key(a->arena, &n->items[i], &len);
		if (!k || !rg_strmap_put(&index, k, len, (void *)&n->items[i], NULL))
			a->oom = true;
	}
	for (size_t i = 0; i < o->n_items && !a->oom; i++) {
		const struct rg_item *oi = &o->items[i];
		size_t len;
		char *k = subject_key(a->arena, oi, &len);
		const struct rg_item *ni = k ? rg_strmap_get(&index, k, len) : NULL;
		if (!k) {
			a->oom = true;
			break;
		}
		if (!ni) {
			struct rg_change *c = add(a, RG_CH_ITEM_DISAPPEARED, o->id);
			if (c) {
				c->old_item = oi;
				c->old_value = rg_verdict_names[oi->status];
			}
			continue;
		}
		seen[ni - n->items] = true;
		if (ni->status == oi->status)
			continue;
		struct rg_change *c = add(a, item_change(ni->status), o->id);
		if (c) {
			c->old_item = oi;
			c->new_item = ni;
			c->old_value = rg_verdict_names[oi->status];
			c->new_value = rg_verdict_names[ni->status];
			c->regression = verdict_worse(oi->status, ni->status);
		}
	}
	for (size_t i = 0; i < n->n_items && !a->oom; i++) {
		if (seen[i])
			continue;
		const struct rg_item *ni = &n->items[i];
		struct rg_change *c = add(a, RG_CH_ITEM_APPEARED, n->id);
		if (c) {
			c->new_item = ni;
			c->new_value = rg_verdict_names[ni->status];
			c->regression = rg_verdict_is_open(ni->status) || ni->status == RG_SATISFIED_LATE;
		}
	}
	free(seen);
	rg_strmap_free(&index);
}

static void diff_files(struct acc *a, const struct rg_results *o, const struct rg_results *n)
{
	struct rg_strmap index;
	rg_strmap_init(&index);
	bool *seen = calloc(n->n_files + 1, sizeof *seen);
	if (!seen) {
		a->oom = true;
		return;
	}
	for (size_t i = 0; i < n->n_files && !a->oom; i++)
		if (!rg_strmap_put(&index, n->files[i].path, strlen(n->files[i].path),
		                   (void *)&n->files[i], NULL))
			a->oom = true;
	for (size_t i = 0; i < o->n_files && !a->oom; i++) {
		const struct rg_file_info *of = &o->files[i];
		const struct rg_file_info *nf = rg_strmap_get(&index, of->path, strlen(of->path));
		if (nf)
			seen[nf - n->files] = true;
		if (nf && strcmp(nf->sha256, of->sha256) == 0)
			continue;
		struct rg_change *c = add(a, nf ? RG_CH_FILE_CHANGED : RG_CH_FILE_REMOVED, NULL);
		if (c) {
			c->path = of->path;
			c->old_value = of->sha256;
			c->new_value = nf ? nf->sha256 : NULL;
		}
	}
	for (size_t i = 0; i < n->n_files && !a->oom; i++) {
		if (seen[i])
			continue;
		struct rg_change *c = add(a, RG_CH_FILE_ADDED, NULL);
		if (c) {
			c->path = n->files[i].path;
			c->new_value = n->files[i].sha256;
		}
	}
	free(seen);
	rg_strmap_free(&index);
}

static bool same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

rg_status rg_results_diff(struct rg_diff *out, const struct rg_results *old,
                          const struct rg_results *new, bool force, const char *old_name,
                          const char *new_name, struct rg_arena *arena, struct rg_diags *diags)
{
	memset(out, 0, sizeof *out);
	out->old = old;
	out->new = new;
	if (!force) {
		rg_status st = RG_OK;
		if (!same(old->bundle.agency_id, new->bundle.agency_id)) {
			rg_diag_err(diags, "diff.agency", new_name, 0, "<bundle> @agency",
			            "compare two submissions of one agency, or give --force",
			            "is a report of agency %s, %s one of agency %s",
			            new->bundle.agency_id ? new->bundle.agency_id : "?", old_name,
			            old->bundle.agency_id ? old->bundle.agency_id : "?");
			st = RG_EINPUT;
		}
		if (!same(old->directive.id, new->directive.id)) {
			rg_diag_err(diags, "diff.directive", new_name, 0, "<compliance-report> @directive",
			            "compare two reports on one directive, or give --force",
			            "answers directive %s, %s directive %s",
			            new->directive.id ? new->directive.id : "?", old_name,
			            old->directive.id ? old->directive.id : "?");
			st = RG_EINPUT;
		}
		if (st != RG_OK)
			return st;
	}
	struct acc a = {out, 0, arena, false};
	if (!same(old->directive.version, new->directive.version) ||
	    strcmp(old->directive.sha256, new->directive.sha256) != 0) {
		struct rg_change *c = add(&a, RG_CH_DIRECTIVE, NULL);
		if (c) {
			c->old_value = rg_arena_printf(arena, "%s %s", old->directive.version,
			                               old->directive.sha256);
			c->new_value = rg_arena_printf(arena, "%s %s", new->directive.version,
			                               new->directive.sha256);
		}
	}
	if (old->overall != new->overall) {
		struct rg_change *c = add(&a, RG_CH_OVERALL, NULL);
		if (c) {
			c->old_value = rg_overall_names[old->overall];
			c->new_value = rg_overall_names[new->overall];
			c->regression = overall_worse(old->overall, new->overall);
		}
	}
	for (size_t k = 0; k < old->n_actions && !a.oom; k++) {
		const struct rg_action_result *o = &old->actions[k];
		int j = rg_results_find_action(new, o->id);
		if (j < 0) {
			struct rg_change *c = add(&a, RG_CH_ACTION_REMOVED, o->id);
			if (c)
				c->old_value = rg_verdict_names[o->status];
			continue;
		}
		const struct rg_action_result *n = &new->actions[j];
		if (o->status != n->status) {
			struct rg_change *c = add(&a, RG_CH_ACTION_STATUS, o->id);
			if (c) {
				c->old_value = rg_verdict_names[o->status];
				c->new_value = rg_verdict_names[n->status];
				c->regression = n->kind == RG_KIND_REQUIRED && verdict_worse(o->status, n->status);
			}
		}
		diff_items(&a, o, n);
	}
	for (size_t k = 0; k < new->n_actions && !a.oom; k++) {
		if (rg_results_find_action(old, new->actions[k].id) >= 0)
			continue;
		struct rg_change *c = add(&a, RG_CH_ACTION_ADDED, new->actions[k].id);
		if (c) {
			c->new_value = rg_verdict_names[new->actions[k].status];
			c->regression = rg_verdict_is_open(new->actions[k].status) &&
			                new->actions[k].kind == RG_KIND_REQUIRED;
		}
	}
	diff_files(&a, old, new);
	if (a.oom) {
		rg_diag_err(diags, "env.nomem", new_name, 0, NULL, NULL, "out of memory comparing reports");
		return RG_EENV;
	}
	for (size_t k = 0; k < out->n; k++)
		out->regressed = out->regressed || out->changes[k].regression;
	return RG_OK;
}

rg_status rg_diff_write_xml(FILE *out, const struct rg_diff *d, const char *old_name,
                            const char *new_name, struct rg_diags *diags)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
	xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!w) {
		if (ob)
			xmlOutputBufferClose(ob);
		rg_diag_err(diags, "env.nomem", "diff", 0, NULL, NULL, "out of memory");
		return RG_EENV;
	}
	int rc = 0;
#define A(name, value)                                                                             \
	do {                                                                                       \
		if ((value) && rc >= 0)                                                            \
			rc = xmlTextWriterWriteAttribute(w, BAD_CAST(name), BAD_CAST(value));      \
	} while (0)
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	rc = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	if (rc >= 0)
		rc = xmlTextWriterStartElement(w, BAD_CAST "report-diff");
	A("xmlns", "urn:reportgen:diff:1");
	A("old", old_name);
	A("new", new_name);
	A("agency", d->new->bundle.agency_id);
	A("directive", d->new->directive.id);
	A("regressed", d->regressed ? "true" : "false");
	for (size_t k = 0; k < d->n && rc >= 0; k++) {
		const struct rg_change *c = &d->changes[k];
		const struct rg_item *it = c->new_item ? c->new_item : c->old_item;
		rc = xmlTextWriterStartElement(w, BAD_CAST "change");
		A("kind", rg_change_names[c->kind]);
		A("regression", c->regression ? "true" : "false");
		A("action", c->action);
		if (it) {
			A("subject-kind", rg_subject_kind_names[it->subject_kind]);
			A("subject-ref", it->subject_ref);
		}
		A("path", c->path);
		A("old", c->old_value);
		A("new", c->new_value);
		if (c->new_item && rc >= 0)
			rc = xmlTextWriterWriteString(w, BAD_CAST c->new_item->reason);
		else if (c->old_item && rc >= 0)
			rc = xmlTextWriterWriteString(w, BAD_CAST c->old_item->reason);
		if (rc >= 0)
			rc = xmlTextWriterEndElement(w);
	}
#undef A
	if (rc >= 0)
		rc = xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	if (rc < 0 || ferror(out)) {
		rg_diag_err(diags, "env.write", "diff", 0, NULL, NULL, "cannot write the comparison");
		return RG_EENV;
	}
	return RG_OK;
}
