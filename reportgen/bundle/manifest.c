/*
 * manifest.c: manifest.xml (see manifest.h).
 */
#include "bundle/manifest.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"
#include "core/text.h"
#include "core/xml.h"

#define BUNDLE_NS "urn:reportgen:bundle:1"

static const char *keep(struct rg_arena *a, xmlNodePtr n, const char *name)
{
	char *v = rg_xml_attr(n, name);
	if (!v)
		return NULL;
	const char *copy = rg_arena_strdup(a, v);
	xmlFree(v);
	return copy;
}

/* An identifier attribute: held to the identifier character rules
 * (core/text.h), as the CSV identifiers are.  False with a diagnostic. */
static bool check_id(xmlNodePtr n, const char *name, const char *v, struct rg_diags *d)
{
	if (!v)
		return true;
	char col[80];
	snprintf(col, sizeof col, "<%s> @%s", (const char *)n->name, name);
	return rg_text_check_id(d, RG_F_MANIFEST, (unsigned long)xmlGetLineNo(n), col, "identifier",
	                        v, strlen(v));
}

/* Every attribute value of n and its descendants may hold only what the
 * reports can: libxml2 already refuses C0 controls and U+FFFE/F, which
 * leaves the other noncharacters (U+FDD0-FDEF, U+1FFFE...), which cairo
 * cannot draw (core/text.h).  Depth is bounded by --max-xml-depth. */
static bool check_attributes(xmlNodePtr n, struct rg_diags *d)
{
	bool ok = true;
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			char *v = rg_xml_attr(n, (const char *)a->name);
			uint32_t cp;
			size_t len = v ? strlen(v) : 0;
			if (v && rg_text_find_unstorable(v, len, &cp) < len) {
				char col[80], desc[160];
				snprintf(col, sizeof col, "<%s> @%s", (const char *)n->name,
				         (const char *)a->name);
				rg_text_describe(desc, sizeof desc, cp);
				rg_diag_err(d, "manifest.nonchar", RG_F_MANIFEST,
				            (unsigned long)xmlGetLineNo(n), col,
				            "remove it: noncharacters are not text", "holds %s", desc);
				ok = false;
			}
			xmlFree(v);
		}
		ok = check_attributes(n->children, d) && ok;
	}
	return ok;
}

static bool get_time(struct rg_time *out, xmlNodePtr n, const char *name, struct rg_diags *d)
{
	char *v = rg_xml_attr(n, name);
	if (!v)
		return false;
	enum rg_time_err e = rg_time_parse(out, v, strlen(v));
	if (e != RG_TIME_OK) {
		char col[80];
		snprintf(col, sizeof col, "<%s> @%s", (const char *)n->name, name);
		rg_diag_err(d, e == RG_TIME_NO_OFFSET ? "manifest.time-offset" : "manifest.time",
		            RG_F_MANIFEST, (unsigned long)xmlGetLineNo(n), col,
		            "write it as RFC 3339 with an offset, e.g. 2024-04-02T15:10:00-04:00",
		            "timestamp \"%.64s\" %s", v, rg_time_strerror(e));
	}
	xmlFree(v);
	return e == RG_TIME_OK;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

rg_status rg_manifest_read(struct rg_manifest *out, struct rg_evidence *ev, const char *bytes,
                           size_t n, const struct rg_limits *limits, struct rg_arena *arena,
                           struct rg_diags *diags)
{
	memset(out, 0, sizeof *out);
	xmlDocPtr doc = rg_xml_parse(RG_F_MANIFEST, bytes, n, limits->xml_depth, diags);
	if (!doc)
		return RG_EINPUT;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !root->ns || strcmp((const char *)root->ns->href, BUNDLE_NS) != 0 ||
	    strcmp((const char *)root->name, "bundle") != 0) {
		rg_diag_err(diags, "manifest.root", RG_F_MANIFEST, root ? (unsigned long)xmlGetLineNo(root) : 0,
		            NULL, "the root must be <bundle xmlns=\"" BUNDLE_NS "\" ...>",
		            "is not an evidence bundle manifest (wrong root element or namespace)");
		xmlFreeDoc(doc);
		return RG_EINPUT;
	}
	char *xsd = rg_data_path("templates", "bundle.xsd");
	rg_status st = xsd ? rg_xml_validate(doc, RG_F_MANIFEST, xsd, diags) : RG_EENV;
	free(xsd);
	if (st != RG_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	/* Valid against the schema: every element and required attribute below exists. */
	bool ok = check_attributes(root, diags);
	ev->format = 1;
	ev->directive = keep(arena, root, "directive");
	ok = get_time(&ev->created, root, "created", diags) && ok;
	xmlNodePtr agency = child(root, "agency");
	ev->agency_id = keep(arena, agency, "id");
	ok = check_id(agency, "id", ev->agency_id, diags) && ok;
	ev->agency_name = keep(arena, agency, "name");
	ev->agency_component = keep(arena, agency, "component");
	xmlNodePtr contact = child(root, "contact");
	if (contact) {
		ev->contact_name = keep(arena, contact, "name");
		ev->contact_role = keep(arena, contact, "role");
		ev->contact_email = keep(arena, contact, "email");
	}
	xmlNodePtr note = child(root, "notification");
	char *status = rg_xml_attr(note, "status");
	ev->notified = status && strcmp(status, "notified") == 0;
	xmlFree(status);
	unsigned long note_line = (unsigned long)xmlGetLineNo(note);
	static const char *const detail[] = {"received", "source", "reference"};
	for (int i = 0; i < 3; i++) {
		char *v = rg_xml_attr(note, detail[i]);
		char col[40];
		snprintf(col, sizeof col, "<notification> @%s", detail[i]);
		if (ev->notified && !v) {
			ok = false;
			rg_diag_err(diags, "manifest.notification", RG_F_MANIFEST, note_line, col,
			            "add it: when and how the agency was notified, and the notice's reference",
			            "is required when status is \"notified\"");
		} else if (!ev->notified && v) {
			ok = false;
			rg_diag_err(diags, "manifest.notification", RG_F_MANIFEST, note_line, col,
			            "remove it, or set status=\"notified\"",
			            "must be absent when status is \"not-notified\"");
		}
		xmlFree(v);
	}
	if (ev->notified) {
		ok = get_time(&ev->notification_received, note, "received", diags) && ok;
		ev->notification_source = keep(arena, note, "source");
		ev->notification_reference = keep(arena, note, "reference");
		ok = check_id(note, "reference", ev->notification_reference, diags) && ok;
	}
	xmlNodePtr files = child(root, "files");
	size_t count = 0;
	for (xmlNodePtr f = files->children; f; f = f->next)
		count += f->type == XML_ELEMENT_NODE;
	out->files = count ? rg_arena_alloc(arena, count * sizeof *out->files) : NULL;
	if (count && !out->files) {
		xmlFreeDoc(doc);
		return RG_EENV;
	}
	for (xmlNodePtr f = files->children; f; f = f->next) {
		if (f->type != XML_ELEMENT_NODE)
			continue;
		struct rg_manifest_file *mf = &out->files[out->n_files];
		mf->path = keep(arena, f, "path");
		mf->sha256 = keep(arena, f, "sha256");
		mf->line = (uint32_t)xmlGetLineNo(f);
		if (rg_manifest_find(out, mf->path)) {
			ok = false;
			rg_diag_err(diags, "manifest.duplicate", RG_F_MANIFEST, mf->line, "<file> @path",
			            "list each file once", "lists \"%s\" twice", mf->path);
			continue;
		}
		if (strcmp(mf->path, RG_F_MANIFEST) == 0) {
			ok = false;
			rg_diag_err(diags, "manifest.self", RG_F_MANIFEST, mf->line, "<file> @path",
			            "remove it: the manifest cannot hold its own digest",
			            "lists manifest.xml itself");
			continue;
		}
		out->n_files++;
	}
	xmlFreeDoc(doc);
	return ok ? RG_OK : RG_EINPUT;
}

struct rg_manifest_file *rg_manifest_find(struct rg_manifest *m, const char *path)
{
	for (size_t i = 0; i < m->n_files; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return &m->files[i];
	return NULL;
}
