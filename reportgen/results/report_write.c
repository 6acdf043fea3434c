/*
 * report_write.c: the results model as report.xml, format 2 (see
 * report_xml.h).
 *
 * Streams through xmlTextWriter.  Element and attribute names, and their
 * order, follow templates/report.xsd; the attributes of the report
 * contract (root, bundle, action and item, as docs/report-format.md marks
 * them) come first in each element.  Every value is written so that
 * report_read.c gets back exactly what was written: instants with their
 * offset (and milliseconds when any), durations in the canonical ISO 8601
 * form, texts as they are.
 */
#include "results/report_xml.h"

#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/timefmt.h"

struct w {
	xmlTextWriterPtr x;
	bool fail;
};

static void attr(struct w *w, const char *name, const char *value)
{
	if (!w->fail && value &&
	    xmlTextWriterWriteAttribute(w->x, (const xmlChar *)name, (const xmlChar *)value) < 0)
		w->fail = true;
}

static void attr_time(struct w *w, const char *name, struct rg_time t)
{
	char buf[RG_TIME_BUFSZ];
	attr(w, name, rg_time_format(buf, t));
}

static void attr_u64(struct w *w, const char *name, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	attr(w, name, buf);
}

static void start(struct w *w, const char *name)
{
	if (!w->fail && xmlTextWriterStartElement(w->x, (const xmlChar *)name) < 0)
		w->fail = true;
}

static void end(struct w *w)
{
	if (!w->fail && xmlTextWriterEndElement(w->x) < 0)
		w->fail = true;
}

static void text(struct w *w, const char *s)
{
	if (!w->fail && xmlTextWriterWriteString(w->x, (const xmlChar *)s) < 0)
		w->fail = true;
}

/* <name attr...>text</name>, only when text is given. */
static void text_element(struct w *w, const char *name, const char *s)
{
	if (!s)
		return;
	start(w, name);
	text(w, s);
	end(w);
}

static void write_bundle(struct w *w, const struct rg_results *r)
{
	const struct rg_bundle_info *b = &r->bundle;
	start(w, "bundle");
	attr(w, "sha256", b->sha256);
	attr(w, "agency", b->agency_id);
	attr(w, "notification", b->notified ? "notified" : "not-notified");
	attr(w, "name", b->name);
	attr(w, "agency-name", b->agency_name);
	attr(w, "component", b->agency_component);
	attr(w, "directive", b->directive);
	attr_time(w, "created", b->created);
	if (b->notified) {
		attr_time(w, "notification-received", b->notification_received);
		attr(w, "notification-source", b->notification_source);
		attr(w, "notification-reference", b->notification_reference);
	}
	if (b->contact_name || b->contact_role || b->contact_email) {
		start(w, "contact");
		attr(w, "name", b->contact_name);
		attr(w, "role", b->contact_role);
		attr(w, "email", b->contact_email);
		end(w);
	}
	end(w);
}

static void write_directive(struct w *w, const struct rg_results *r)
{
	const struct rg_directive_info *d = &r->directive;
	start(w, "directive-definition");
	attr(w, "id", d->id);
	attr(w, "version", d->version);
	attr(w, "file", d->file);
	attr(w, "sha256", d->sha256);
	attr(w, "installed", d->installed ? "true" : "false");
	attr(w, "issued", d->issued);
	attr(w, "corroboration-window", d->corroboration_window);
	text_element(w, "title", d->title);
	text_element(w, "source", d->source);
	text_element(w, "numbering-note", d->numbering_note);
	end(w);
}

static void write_headline(struct w *w, const struct rg_headline *h)
{
	start(w, "headline");
	attr_u64(w, "emails-reviewed", h->emails_reviewed);
	attr_u64(w, "emails-total", h->emails_total);
	attr_u64(w, "secrets-found", h->secrets_found);
	attr_u64(w, "secrets-remediated", h->secrets_remediated);
	attr_u64(w, "accounts-reviewed", h->accounts_reviewed);
	attr_u64(w, "accounts-total", h->accounts_total);
	attr_u64(w, "items-late", h->items_late);
	attr_u64(w, "items-open", h->items_open);
	if (h->audit_log) {
		attr_u64(w, "remediations-checked", h->remediations_checked);
		attr_u64(w, "remediations-corroborated", h->remediations_corroborated);
	}
	end(w);
}

static void write_item(struct w *w, const struct rg_item *i)
{
	char late[RG_DURATION_BUFSZ];
	char *ev = rg_item_evidence_list(i);
	char *subject = rg_item_subject(i);
	if (!ev || !subject)
		w->fail = true;
	start(w, "item");
	attr(w, "status", rg_verdict_names[i->status]);
	char primary[RG_EVREF_BUFSZ];
	attr(w, "evidence", rg_evref_format(primary, sizeof primary, &i->evidence[0]));
	if (i->status == RG_SATISFIED_LATE)
		attr(w, "late-by", rg_duration_format(late, i->late_by_ms));
	attr(w, "subject", subject);
	attr(w, "subject-kind", rg_subject_kind_names[i->subject_kind]);
	attr(w, "subject-ref", i->subject_ref);
	if (i->has_when)
		attr_time(w, "at", i->when);
	if (i->has_due)
		attr_time(w, "due", i->due);
	attr(w, "reason-code", i->reason_codes);
	attr(w, "evidence-all", ev);
	if (i->corroboration != RG_CORR_NONE) {
		attr(w, "corroboration", rg_corroboration_names[i->corroboration]);
		attr(w, "corroborated-by", i->corroborated_by);
	}
	text(w, i->reason);
	end(w);
	free(ev);
	free(subject);
}

static void write_signins(struct w *w, const struct rg_signin_obs *o)
{
	start(w, "sign-ins");
	attr(w, "account", o->account);
	attr_time(w, "window-start", o->window_start);
	attr_time(w, "window-end", o->window_end);
	attr_u64(w, "successful", o->successes);
	attr_u64(w, "distinct-ips", o->distinct_ips);
	if (o->any) {
		attr_time(w, "first", o->first);
		attr_time(w, "last", o->last);
	}
	end(w);
}

static void write_action(struct w *w, const struct rg_action_result *a)
{
	start(w, "action");
	attr(w, "id", a->id);
	attr(w, "kind", rg_action_kind_names[a->kind]);
	attr(w, "status", rg_verdict_names[a->status]);
	if (a->has_deadline)
		attr_time(w, "deadline", a->deadline);
	if (a->has_window)
		attr(w, "window", a->window_text);
	attr(w, "title", a->title);
	attr(w, "rule", a->rule);
	attr(w, "applies", a->applies);
	attr_u64(w, "items", a->n_items);
	attr_u64(w, "satisfied", a->counts[RG_SATISFIED]);
	attr_u64(w, "late", a->counts[RG_SATISFIED_LATE]);
	attr_u64(w, "open", rg_action_open(a));
	attr_u64(w, "not-applicable", a->counts[RG_NOT_APPLICABLE]);
	if (a->wording) {
		start(w, "wording");
		attr(w, "source", a->wording_source);
		text(w, a->wording);
		end(w);
	}
	text_element(w, "interpretation", a->interpretation);
	for (size_t k = 0; k < a->n_items && !w->fail; k++) {
		rg_arena_tick();
		write_item(w, &a->items[k]);
	}
	for (size_t k = 0; k < a->n_signins && !w->fail; k++)
		write_signins(w, &a->signins[k]);
	end(w);
}

rg_status rg_report_xml_write(const struct rg_results *r, FILE *out, const char *name,
                              struct rg_diags *diags)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
	struct w w = {ob ? xmlNewTextWriter(ob) : NULL, false};
	if (!w.x) {
		if (ob)
			xmlOutputBufferClose(ob);
		rg_diag_err(diags, "env.nomem", name, 0, NULL, NULL, "out of memory");
		return RG_EENV;
	}
	char buf[RG_TIME_BUFSZ];
	xmlTextWriterSetIndent(w.x, 1);
	xmlTextWriterSetIndentString(w.x, (const xmlChar *)"  ");
	if (xmlTextWriterStartDocument(w.x, NULL, "UTF-8", NULL) < 0)
		w.fail = true;
	start(&w, "compliance-report");
	attr(&w, "xmlns", RG_REPORT_NS);
	attr(&w, "format", RG_REPORT_FORMAT);
	attr(&w, "directive", r->directive.id);
	attr(&w, "directive-version", r->directive.version);
	attr(&w, "overall", rg_overall_names[r->overall]);
	attr(&w, "generated", rg_time_format_utc(buf, r->generated_ms));
	attr(&w, "generator", r->generator);
	write_bundle(&w, r);
	write_directive(&w, r);
	write_headline(&w, &r->headline);
	for (size_t a = 0; a < r->n_actions && !w.fail; a++)
		write_action(&w, &r->actions[a]);
	start(&w, "evidence-files");
	for (size_t k = 0; k < r->n_files && !w.fail; k++) {
		start(&w, "file");
		attr(&w, "path", r->files[k].path);
		attr(&w, "sha256", r->files[k].sha256);
		attr_u64(&w, "size", r->files[k].size);
		end(&w);
	}
	end(&w);
	end(&w);
	if (!w.fail && xmlTextWriterEndDocument(w.x) < 0)
		w.fail = true;
	xmlFreeTextWriter(w.x); /* closes ob, not the FILE */
	if (w.fail || ferror(out)) {
		rg_diag_err(diags, "env.write", name, 0, NULL, "check free space",
		            "cannot write the report");
		return RG_EENV;
	}
	return RG_OK;
}
