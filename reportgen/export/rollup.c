/*
 * rollup.c: many agencies' reports reduced to one view (see rollup.h):
 * read and verify each, keep a summary, pick the newest per agency, check
 * that the rest agree on the directive, count, and write rollup.csv (here)
 * and rollup.pdf (rollup_pdf.c) together.
 *
 * Invariants: at most one report is held in memory at a time (its arena is
 * freed before the next is read); a rejected report contributes to no
 * count; every counted report has the same definition digest and the same
 * action ids, in the same order, as ru->actions; the result does not
 * depend on the order the reports are given in (ties on @generated are
 * broken by the report's SHA-256).
 */
#define _GNU_SOURCE /* qsort_r */
#include "export/rollup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/strmap.h"
#include "core/timefmt.h"
#include "export/export.h"
#include "export/export_internal.h"
#include "output/outputs.h"

const char *const rg_rollup_files[] = {"rollup.pdf", "rollup.csv", NULL};

static const char *dup(struct rg_rollup *ru, const char *s)
{
	return s ? rg_arena_strdup(&ru->arena, s) : NULL;
}

/* Why a report was not read, in one line: the first error, and how many
 * more there were. */
static const char *reason_of(struct rg_rollup *ru, const struct rg_diags *d)
{
	const struct rg_diag *g = NULL;
	for (size_t i = 0; i < d->n && !g; i++)
		if (d->v[i].sev == RG_SEV_ERROR)
			g = &d->v[i];
	if (!g)
		return "could not be read";
	char line[32] = "";
	if (g->line)
		snprintf(line, sizeof line, "line %lu: ", g->line);
	size_t more = d->errors > 1 ? d->errors - 1 : 0;
	char tail[64] = "";
	if (more)
		snprintf(tail, sizeof tail, " (and %zu more problem%s)", more, more == 1 ? "" : "s");
	return rg_arena_printf(&ru->arena, "%s%s%s%s%s", line, g->column ? g->column : "",
	                       g->column ? ": " : "", g->message, tail);
}

/* The definition of r, as first listed by a report; NULL when out of
 * memory, and *mismatch when r lists other actions than that report. */
static struct rg_rollup_definition *definition_of(struct rg_rollup *ru,
                                                  const struct rg_results *r, bool *mismatch)
{
	*mismatch = false;
	struct rg_rollup_definition *def = ru->definitions;
	while (def && strcmp(def->sha256, r->directive.sha256) != 0)
		def = def->next;
	if (def) {
		bool same = def->n_actions == r->n_actions;
		for (size_t k = 0; same && k < r->n_actions; k++)
			same = strcmp(def->actions[k].id, r->actions[k].id) == 0;
		*mismatch = !same;
		return def;
	}
	if (!(def = rg_arena_alloc(&ru->arena, sizeof *def)) ||
	    !(def->actions = rg_arena_alloc(&ru->arena, (r->n_actions + 1) * sizeof *def->actions)))
		return NULL;
	memcpy(def->sha256, r->directive.sha256, sizeof def->sha256);
	def->directive = dup(ru, r->directive.id ? r->directive.id : "");
	def->version = dup(ru, r->directive.version);
	def->title = dup(ru, r->directive.title);
	def->installed = r->directive.installed;
	def->n_actions = r->n_actions;
	for (size_t k = 0; k < r->n_actions; k++) {
		def->actions[k].id = dup(ru, r->actions[k].id);
		def->actions[k].title = dup(ru, r->actions[k].title);
		def->actions[k].kind = r->actions[k].kind;
		if (!def->actions[k].id)
			return NULL;
	}
	if (!def->directive)
		return NULL;
	def->next = ru->definitions;
	ru->definitions = def;
	return def;
}

/* The summary of one report that read and verified; false when out of
 * memory.  A report whose actions are not its definition's is rejected. */
static bool reduce(struct rg_rollup *ru, struct rg_rollup_report *rep,
                   const struct rg_export_source *src)
{
	const struct rg_results *r = src->results;
	bool mismatch;
	struct rg_rollup_definition *def = definition_of(ru, r, &mismatch);
	if (!def)
		return false;
	if (mismatch) {
		rep->state = RG_ROLLUP_REJECTED;
		rep->reason = "its actions are not those other reports list for the same definition";
		return true;
	}
	rep->definition = def;
	rep->agency_id = dup(ru, r->bundle.agency_id ? r->bundle.agency_id : "");
	rep->agency_name = dup(ru, r->bundle.agency_name);
	rep->generated_ms = r->generated_ms;
	rep->overall = r->overall;
	memcpy(rep->sha256, src->sha256, sizeof rep->sha256);
	rep->signer = dup(ru, src->signer);
	rep->items_open = r->headline.items_open;
	rep->items_late = r->headline.items_late;
	rep->cells = rg_arena_alloc(&ru->arena, (r->n_actions + 1) * sizeof *rep->cells);
	if (!rep->agency_id || !rep->cells)
		return false;
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		rep->cells[k] = (struct rg_rollup_cell){
		    .status = a->status,
		    .items = (uint32_t)a->n_items,
		    .satisfied = (uint32_t)a->counts[RG_SATISFIED],
		    .late = (uint32_t)a->counts[RG_SATISFIED_LATE],
		    .open = (uint32_t)rg_action_open(a),
		    .not_applicable = (uint32_t)a->counts[RG_NOT_APPLICABLE],
		};
	}
	return true;
}

static void read_one(struct rg_rollup *ru, struct rg_rollup_report *rep,
                     const struct rg_rollup_options *opt)
{
	struct rg_arena arena;
	struct rg_diags d;
	rg_arena_init(&arena);
	rg_diags_init(&d);
	struct rg_export_source src;
	rg_status st = rg_export_load(&src, rep->path, opt->max_report_bytes, opt->trust, &arena, &d);
	if (st == RG_OK && !reduce(ru, rep, &src)) {
		rg_diag_err(&d, "rollup.memory", rep->path, 0, NULL, NULL, "out of memory");
		st = RG_EENV;
	}
	if (st != RG_OK) {
		rep->state = RG_ROLLUP_REJECTED;
		rep->reason = reason_of(ru, &d);
	}
	rg_diags_free(&d);
	rg_arena_free(&arena);
}

/* Is a newer than b (or, at the same @generated, first by digest)? */
static bool newer(const struct rg_rollup_report *a, const struct rg_rollup_report *b)
{
	if (a->generated_ms != b->generated_ms)
		return a->generated_ms > b->generated_ms;
	return strcmp(a->sha256, b->sha256) < 0;
}

static void supersede(struct rg_rollup *ru, struct rg_rollup_report *old,
                      const struct rg_rollup_report *by)
{
	char t[RG_TIME_BUFSZ];
	old->state = RG_ROLLUP_SUPERSEDED;
	if (strcmp(old->sha256, by->sha256) == 0)
		old->reason = rg_arena_printf(&ru->arena, "the same report as %s", by->path);
	else
		old->reason = rg_arena_printf(&ru->arena, "superseded by %s (generated %s)", by->path,
		                              rg_time_format_utc(t, by->generated_ms));
	if (!old->reason)
		old->reason = "superseded";
}

/* Newest per agency; returns false when out of memory. */
static bool pick_latest(struct rg_rollup *ru)
{
	struct rg_strmap best;
	rg_strmap_init(&best);
	bool ok = true;
	for (size_t i = 0; i < ru->n_reports && ok; i++) {
		struct rg_rollup_report *rep = &ru->reports[i];
		if (rep->state == RG_ROLLUP_REJECTED)
			continue;
		const char *k = rep->agency_id;
		struct rg_rollup_report *cur = rg_strmap_get(&best, k, strlen(k));
		if (cur && !newer(rep, cur)) {
			supersede(ru, rep, cur);
			continue;
		}
		if (cur)
			supersede(ru, cur, rep);
		ok = rg_strmap_put(&best, k, strlen(k), rep, NULL);
	}
	rg_strmap_free(&best);
	return ok;
}

static int by_agency(const void *a, const void *b, void *ctx)
{
	const struct rg_rollup *ru = ctx;
	const struct rg_rollup_report *x = &ru->reports[*(const size_t *)a];
	const struct rg_rollup_report *y = &ru->reports[*(const size_t *)b];
	return strcmp(x->agency_id, y->agency_id);
}

/* Every read report is of one directive, and every counted one of one
 * definition: otherwise the counts mean nothing. */
static rg_status check_directives(struct rg_rollup *ru, struct rg_diags *diags)
{
	const struct rg_rollup_report *first = NULL, *first_counted = NULL;
	rg_status st = RG_OK;
	for (size_t i = 0; i < ru->n_reports; i++) {
		const struct rg_rollup_report *rep = &ru->reports[i];
		if (rep->state == RG_ROLLUP_REJECTED)
			continue;
		const struct rg_rollup_definition *d = rep->definition;
		if (!first)
			first = rep;
		if (strcmp(d->directive, first->definition->directive) != 0) {
			rg_diag_err(diags, "rollup.mixed-directives", rep->path, 0, NULL,
			            "roll up the reports of one directive at a time",
			            "is a report on %s, but %s is on %s", d->directive, first->path,
			            first->definition->directive);
			st = RG_EINPUT;
			continue;
		}
		if (rep->state != RG_ROLLUP_COUNTED)
			continue;
		if (!first_counted)
			first_counted = rep;
		const struct rg_rollup_definition *f = first_counted->definition;
		if (d != f) {
			rg_diag_err(diags, "rollup.mixed-definitions", rep->path, 0, NULL,
			            "render every agency's report against the same definition, or roll "
			            "up those of each definition separately",
			            "was judged against %s definition version %s (SHA-256 %.16s...), but "
			            "%s against version %s (SHA-256 %.16s...)",
			            d->directive, d->version ? d->version : "?", d->sha256,
			            first_counted->path, f->version ? f->version : "?", f->sha256);
			st = RG_EINPUT;
		}
	}
	if (st == RG_OK && first_counted) {
		ru->definition = first_counted->definition;
		ru->actions = ru->definition->actions;
		ru->n_actions = ru->definition->n_actions;
	}
	return st;
}

static void count(struct rg_rollup *ru)
{
	size_t n = 0;
	for (size_t i = 0; i < ru->n_reports; i++) {
		const struct rg_rollup_report *rep = &ru->reports[i];
		ru->counted += rep->state == RG_ROLLUP_COUNTED;
		ru->superseded += rep->state == RG_ROLLUP_SUPERSEDED;
		ru->rejected += rep->state == RG_ROLLUP_REJECTED;
		if (rep->state != RG_ROLLUP_COUNTED)
			continue;
		ru->agencies[n++] = i;
		ru->per_overall[rep->overall]++;
		if (rep->generated_ms > ru->as_of_ms || n == 1)
			ru->as_of_ms = rep->generated_ms;
		for (size_t k = 0; k < ru->n_actions; k++)
			ru->actions[k].agencies[rep->cells[k].status]++;
	}
	qsort_r(ru->agencies, n, sizeof *ru->agencies, by_agency, ru);
}

struct outputs {
	const struct rg_rollup *ru;
	const struct rg_rollup_options *opt;
};

static rg_status write_outputs(const char *stage, void *ctx, struct rg_diags *diags)
{
	const struct outputs *o = ctx;
	char *pdf = rg_asprintf("%s/%s", stage, rg_rollup_files[0]);
	char *csv = rg_asprintf("%s/%s", stage, rg_rollup_files[1]);
	rg_status st = pdf && csv ? RG_OK : RG_EENV;
	if (st == RG_OK)
		st = rg_rollup_write_pdf(o->ru, o->opt->tpl, pdf, diags);
	if (st == RG_OK)
		st = rg_rollup_write_csv(o->ru, csv, diags);
	free(pdf);
	free(csv);
	return st;
}

rg_status rg_rollup_run(struct rg_rollup **out, const char *const *reports, size_t n,
                        const struct rg_rollup_options *opt, const char *dir,
                        struct rg_diags *diags)
{
	*out = NULL;
	rg_status st = rg_outputs_check_files(dir, rg_rollup_files, opt->force, diags);
	if (st != RG_OK)
		return st;
	struct rg_rollup *ru = calloc(1, sizeof *ru);
	if (!ru)
		return RG_EENV;
	rg_arena_init(&ru->arena);
	ru->reports = rg_arena_alloc(&ru->arena, (n + 1) * sizeof *ru->reports);
	ru->agencies = rg_arena_alloc(&ru->arena, (n + 1) * sizeof *ru->agencies);
	if (!ru->reports || !ru->agencies) {
		rg_rollup_free(ru);
		return RG_EENV;
	}
	ru->n_reports = n;
	*out = ru;
	for (size_t i = 0; i < n; i++) {
		ru->reports[i].path = dup(ru, reports[i]);
		ru->reports[i].state = RG_ROLLUP_COUNTED;
		if (!ru->reports[i].path)
			return RG_EENV;
		read_one(ru, &ru->reports[i], opt);
	}
	if (!pick_latest(ru))
		return RG_EENV;
	st = check_directives(ru, diags);
	if (st != RG_OK)
		return st;
	count(ru);
	if (ru->counted == 0) {
		rg_diag_err(diags, "rollup.nothing", dir, 0, NULL,
		            "give signed report.xml files that verify against --ca",
		            "no report could be counted (%zu given, %zu rejected); nothing was written",
		            n, ru->rejected);
		return RG_EINPUT;
	}
	struct outputs o = {ru, opt};
	struct rg_output_set set = {rg_rollup_files, opt->force, false, write_outputs, &o};
	return rg_outputs_commit(&set, dir, diags);
}

void rg_rollup_free(struct rg_rollup *ru)
{
	if (!ru)
		return;
	rg_arena_free(&ru->arena);
	free(ru);
}

rg_status rg_rollup_write_csv(const struct rg_rollup *ru, const char *path,
                              struct rg_diags *diags)
{
	static const char *const header[] = {
	    "Agency",   "Agency name", "Overall", "Generated", "Report",    "Report SHA-256",
	    "Signer",   "Action",      "Action title", "Kind", "Status",    "Items",
	    "Satisfied", "Late",       "Open",    "Not applicable",
	};
	FILE *f = fopen(path, "wb");
	if (!f) {
		rg_diag_err(diags, "rollup.create", path, 0, NULL, "check the folder's permissions",
		            "cannot write: %s", strerror(errno));
		return RG_EENV;
	}
	struct rg_csv w = {.f = f};
	rg_csv_row(&w, header, sizeof header / sizeof header[0]);
	char t[RG_TIME_BUFSZ];
	for (size_t i = 0; i < ru->counted && !w.fail; i++) {
		const struct rg_rollup_report *rep = &ru->reports[ru->agencies[i]];
		for (size_t k = 0; k < ru->n_actions; k++) {
			const struct rg_rollup_action *a = &ru->actions[k];
			const struct rg_rollup_cell *c = &rep->cells[k];
			const char *cells[] = {
			    rep->agency_id, rep->agency_name, rg_overall_names[rep->overall],
			    rg_time_format_utc(t, rep->generated_ms), rep->path, rep->sha256, rep->signer,
			    a->id, a->title, rg_action_kind_names[a->kind], rg_verdict_names[c->status],
			};
			for (size_t j = 0; j < sizeof cells / sizeof cells[0]; j++)
				rg_csv_cell(&w, cells[j]);
			rg_csv_cellf(&w, "%u", c->items);
			rg_csv_cellf(&w, "%u", c->satisfied);
			rg_csv_cellf(&w, "%u", c->late);
			rg_csv_cellf(&w, "%u", c->open);
			rg_csv_cellf(&w, "%u", c->not_applicable);
			rg_csv_end_row(&w);
		}
	}
	if (fclose(f) != 0)
		w.fail = true;
	if (w.fail) {
		rg_diag_err(diags, "rollup.write", path, 0, NULL, "check free space",
		            "cannot write the roll-up CSV");
		return RG_EENV;
	}
	return RG_OK;
}
