/*
 * xml_report.c: report.xml from the results model (see xml_report.h).
 *
 * Streams through xmlTextWriter, so memory does not grow with the number of
 * items.  Attribute order and names are the contract of cli-and-reports.md;
 * the extra attributes and elements (titles, subjects, observations, the
 * evidence file list) are the project's, declared in templates/report.xsd.
 */
#include "views/xml_report.h"

#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"

#define W(call)                                                                                    \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			goto fail;                                                                 \
	} while (0)

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)value);
}

static int attr_time(xmlTextWriterPtr w, const char *name, struct rg_time t)
{
	char buf[RG_TIME_BUFSZ];
	return attr(w, name, rg_time_format(buf, t));
}

static int attr_u64(xmlTextWriterPtr w, const char *name, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return attr(w, name, buf);
}

static int start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, (const xmlChar *)name);
}

static int end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w);
}

static int write_item(xmlTextWriterPtr w, const struct rg_item *i)
{
	char ev[300], late[RG_DURATION_BUFSZ];
	if (i->line)
		snprintf(ev, sizeof ev, "%s:%u", i->file, (unsigned)i->line);
	else
		snprintf(ev, sizeof ev, "%s", i->file);
	if (start(w, "item") < 0 || attr(w, "status", rg_verdict_names[i->status]) < 0 ||
	    attr(w, "evidence", ev) < 0)
		return -1;
	if (i->status == RG_SATISFIED_LATE &&
	    attr(w, "late-by", rg_duration_format(late, i->late_by_ms)) < 0)
		return -1;
	if (attr(w, "subject", i->subject) < 0)
		return -1;
	if (i->has_when && attr_time(w, "at", i->when) < 0)
		return -1;
	if (xmlTextWriterWriteString(w, (const xmlChar *)i->reason) < 0)
		return -1;
	return end(w);
}

rg_status rg_xml_report_write(const struct rg_results *r, FILE *out, struct rg_diags *diags)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
	xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;
	if (!w) {
		if (ob)
			xmlOutputBufferClose(ob);
		rg_diag_err(diags, "env.nomem", "report.xml", 0, NULL, NULL, "out of memory");
		return RG_EENV;
	}
	const struct rg_evidence *ev = r->evidence;
	const struct rg_directive *dir = r->directive;
	char buf[RG_TIME_BUFSZ], dur[RG_DURATION_BUFSZ];
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
	W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	W(start(w, "compliance-report"));
	W(attr(w, "xmlns", RG_REPORT_NS));
	W(attr(w, "format", "1"));
	W(attr(w, "directive", dir->id));
	W(attr(w, "directive-version", dir->version));
	W(attr(w, "overall", rg_overall_names[r->overall]));
	W(attr(w, "generated", rg_time_format_utc(buf, r->generated_ms)));

	W(start(w, "bundle"));
	W(attr(w, "sha256", ev->bundle_sha256));
	W(attr(w, "agency", ev->agency_id));
	W(attr(w, "notification", ev->notified ? "notified" : "not-notified"));
	W(attr(w, "name", ev->bundle_name));
	W(attr(w, "agency-name", ev->agency_name));
	if (ev->notified)
		W(attr_time(w, "notification-received", ev->notification_received));
	W(end(w));

	for (size_t a = 0; a < r->n_actions; a++) {
		const struct rg_action_result *ar = &r->actions[a];
		const struct rg_action_def *d = ar->def;
		W(start(w, "action"));
		W(attr(w, "id", d->id));
		W(attr(w, "kind", d->kind == RG_KIND_REQUIRED ? "required" : "advisory"));
		W(attr(w, "status", rg_verdict_names[ar->status]));
		if (d->has_deadline)
			W(attr_time(w, "deadline", d->deadline));
		/* As the directive file writes it ("PT48H"), like the PDF. */
		if (d->has_window)
			W(attr(w, "window", d->window_text ? d->window_text
			                                   : rg_duration_format(dur, d->window_ms)));
		W(attr(w, "title", d->title));
		for (size_t k = 0; k < ar->n_items; k++)
			W(write_item(w, &ar->items[k]));
		for (size_t k = 0; k < ar->n_signins; k++) {
			const struct rg_signin_obs *o = &ar->signins[k];
			W(start(w, "sign-ins"));
			W(attr(w, "account", o->account));
			W(attr_time(w, "window-start", o->window_start));
			W(attr_time(w, "window-end", o->window_end));
			W(attr_u64(w, "successful", o->successes));
			W(attr_u64(w, "distinct-ips", o->distinct_ips));
			if (o->any) {
				W(attr_time(w, "first", o->first));
				W(attr_time(w, "last", o->last));
			}
			W(end(w));
		}
		W(end(w));
	}
	W(start(w, "evidence-files"));
	for (size_t k = 0; k < ev->n_members; k++) {
		W(start(w, "file"));
		W(attr(w, "path", ev->members[k].path));
		W(attr(w, "sha256", ev->members[k].sha256));
		W(attr_u64(w, "size", ev->members[k].size));
		W(end(w));
	}
	W(end(w));
	W(end(w));
	W(xmlTextWriterEndDocument(w));
	xmlFreeTextWriter(w); /* closes ob, not the FILE */
	if (ferror(out)) {
		rg_diag_err(diags, "env.write", "report.xml", 0, NULL, "check free space", "write failed");
		return RG_EENV;
	}
	return RG_OK;
fail:
	xmlFreeTextWriter(w);
	rg_diag_err(diags, "env.write", "report.xml", 0, NULL, "check free space",
	            "cannot write the report");
	return RG_EENV;
}
