/*
 * oscal.c: the OSCAL exports of a report: assessment-results (`export
 * oscal-ar`) and plan-of-action-and-milestones (`export oscal-poam`), XML in
 * the namespace http://csrc.nist.gov/ns/oscal/1.0 (see export.h).
 *
 * Both documents are written in the subset that NIST's 1.0.6 schemas and
 * the 1.2.1 ones accept alike (tests/export validates every sample's
 * exports against both with xmllint), in their element order, which the
 * schemas fix.  The mapping, decided in docs/exports.md:
 *
 *   report                 -> one result (assessment-results), or the POA&M
 *   applicable action      -> reviewed control + finding (target objective
 *                             satisfied / not-satisfied, reason pass, fail
 *                             or other)
 *   not-applicable action  -> reviewed control in a control-selection of
 *                             its own, no finding (OSCAL has no such state)
 *   open or late item      -> observation + risk (open, or closed when done
 *                             late) (+ poam-item in the POA&M)
 *   evidence file          -> back-matter resource with its SHA-256, and an
 *                             observation (assessment-results)
 *   directive definition   -> back-matter resource, the target of import-ap
 *
 * Invariants: every UUID is version 5 of a name made from the report's own
 * keys (uuid_of below), never random, so the same report exports the same
 * bytes; every UUID a document refers to (href="#...", observation-uuid,
 * risk-uuid, party-uuid) is one it defines; no value comes from the clock.
 * What the schemas' datatypes refuse is made to fit, or refused: strings
 * lose their outer and repeated white space (StringDatatype), identifiers
 * become tokens (TokenDatatype), times keep their offset only where the
 * schemas' list has it (otherwise UTC), and a time outside 1900-2999 is
 * a diagnostic, as are two actions that would be one control.
 */
#include "export/export.h"

#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/strmap.h"
#include "core/timefmt.h"

#define OSCAL_NS "http://csrc.nist.gov/ns/oscal/1.0"
#define RG_NS "urn:reportgen:report:1"
#define RING 8
#define SEP "\x1f" /* joins the parts of a UUID name: no report text holds it */

const char *const rg_oscal_versions[] = {"1.0.6", "1.2.1", NULL};

struct doc {
	xmlTextWriterPtr x;
	bool fail;    /* a write failed */
	rg_status st; /* RG_EINPUT once something cannot be carried */
	const struct rg_export_source *src;
	const struct rg_results *r;
	const char *name;
	const char *version;
	struct rg_diags *diags;
	char *ring[RING]; /* recent norm() and token() results */
	unsigned ring_at;
	struct rg_buf key;
	struct rg_strmap paths;   /* file path -> index + 1 in r->files */
	struct rg_strmap bad_times; /* times already diagnosed (keys owned) */
	char (*res_uuid)[RG_UUID_BUFSZ]; /* back-matter resource of each file */
	size_t **occ;             /* per action, per item: the occurrence of its subject */
};

/* ---- the writer ---------------------------------------------------------- */

static void start(struct doc *d, const char *el)
{
	if (!d->fail && xmlTextWriterStartElement(d->x, (const xmlChar *)el) < 0)
		d->fail = true;
}

static void end(struct doc *d)
{
	if (!d->fail && xmlTextWriterEndElement(d->x) < 0)
		d->fail = true;
}

static void attr(struct doc *d, const char *name, const char *value)
{
	if (!d->fail && xmlTextWriterWriteAttribute(d->x, (const xmlChar *)name,
	                                            (const xmlChar *)value) < 0)
		d->fail = true;
}

static void text(struct doc *d, const char *s)
{
	if (!d->fail && xmlTextWriterWriteString(d->x, (const xmlChar *)s) < 0)
		d->fail = true;
}

/* <el>s</el> */
static void leaf(struct doc *d, const char *el, const char *s)
{
	start(d, el);
	text(d, s);
	end(d);
}

/* <el><p>formatted</p></el>: the block markup of description, statement,
 * remarks. */
static void para(struct doc *d, const char *el, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void para(struct doc *d, const char *el, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	if (!s) {
		d->fail = true;
		return;
	}
	start(d, el);
	leaf(d, "p", s);
	end(d);
	free(s);
}

static const char *keep(struct doc *d, char *s)
{
	if (!s) {
		d->fail = true;
		return "";
	}
	free(d->ring[d->ring_at]);
	d->ring[d->ring_at] = s;
	d->ring_at = (d->ring_at + 1) % RING;
	return s;
}

/* s as a StringDatatype: no white space at either end, each run inside one
 * space (the schemas' pattern \S(.*\S)? has '.', which is no newline).
 * "" when nothing is left; NULL stays NULL. */
static const char *norm(struct doc *d, const char *s)
{
	if (!s)
		return NULL;
	char *o = malloc(strlen(s) + 1), *w = o;
	if (o) {
		bool space = false;
		for (const char *p = s; *p; p++) {
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
				space = w != o;
				continue;
			}
			if (space)
				*w++ = ' ';
			space = false;
			*w++ = *p;
		}
		*w = '\0';
	}
	return keep(d, o);
}

/* id as a TokenDatatype ((\p{L}|_)(\p{L}|\p{N}|[.\-_])*): ASCII letters in
 * lower case, digits, '.', '-', '_' kept, any other byte '-', and '_' in
 * front unless it starts with a letter or '_'. */
static const char *token(struct doc *d, const char *id)
{
	size_t n = strlen(id);
	char *o = malloc(n + 2), *w = o;
	if (o) {
		char c0 = n ? id[0] : '0';
		if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_'))
			*w++ = '_';
		for (size_t i = 0; i < n; i++) {
			char c = id[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
			          c == '-' || c == '_';
			*w++ = ok ? c : '-';
		}
		*w = '\0';
	}
	return keep(d, o);
}

/* <prop name ns="urn:reportgen:report:1" value/>, left out when the value
 * is empty once normalised.  Custom properties must carry @ns: the OSCAL
 * namespace is NIST's. */
static void prop(struct doc *d, const char *name, const char *value)
{
	const char *v = norm(d, value);
	if (!v || !*v)
		return;
	start(d, "prop");
	attr(d, "name", name);
	attr(d, "ns", RG_NS);
	attr(d, "value", v);
	end(d);
}

static void prop_count(struct doc *d, const char *name, size_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%zu", v);
	prop(d, name, buf);
}

/* ---- names --------------------------------------------------------------- */

/* The UUID of the thing named by tag and parts (NULL-terminated), within a
 * scope: the bundle judged (its SHA-256 and the definition's) for what
 * describes this evidence, or, with agency_scope, the agency and directive
 * for what outlives one submission (the POA&M, its items and risks, the
 * agency), so a GRC tool tracks an open item across revisions of the plan. */
static void uuid_of(struct doc *d, char out[RG_UUID_BUFSZ], bool agency_scope, const char *tag,
                    ...)
{
	const struct rg_results *r = d->r;
	rg_buf_reset(&d->key);
	int rc = agency_scope ? rg_buf_printf(&d->key, "agency" SEP "%s" SEP "%s", r->bundle.agency_id,
	                                      r->directive.id)
	                      : rg_buf_printf(&d->key, "bundle" SEP "%s" SEP "%s", r->bundle.sha256,
	                                      r->directive.sha256);
	rc = rc ? rc : rg_buf_printf(&d->key, SEP "%s", tag);
	va_list ap;
	va_start(ap, tag);
	for (const char *p; rc == RG_BUF_OK && (p = va_arg(ap, const char *)) != NULL;)
		rc = rg_buf_printf(&d->key, SEP "%s", p);
	va_end(ap);
	if (rc != RG_BUF_OK || !rg_uuid_v5(out, rg_oscal_uuid_ns, d->key.data, d->key.len)) {
		d->fail = true;
		snprintf(out, RG_UUID_BUFSZ, "%s", "00000000-0000-5000-8000-000000000000");
	}
}

/* The subject of an item as a name part: kind and reference, and the
 * occurrence when the same subject comes again in one action. */
static void item_uuid(struct doc *d, char out[RG_UUID_BUFSZ], bool agency_scope, const char *tag,
                      size_t action, size_t item)
{
	const struct rg_action_result *a = &d->r->actions[action];
	const struct rg_item *it = &a->items[item];
	char occ[24] = "";
	if (d->occ[action][item])
		snprintf(occ, sizeof occ, "#%zu", d->occ[action][item]);
	uuid_of(d, out, agency_scope, tag, a->id, rg_subject_kind_names[it->subject_kind],
	        it->subject_ref ? it->subject_ref : "", occ, NULL);
}

static bool listed(const struct rg_item *it)
{
	return rg_verdict_is_open(it->status) || it->status == RG_SATISFIED_LATE;
}

/* ---- values the schemas constrain -------------------------------------- */

/* Offsets in the schemas' list (DateTimeWithTimezoneDatatype), in minutes
 * east, beyond the whole hours -12 to +14. */
static bool offset_listed(int m)
{
	static const int odd[] = {-570, -210, 210, 270, 330, 390, 570, 630, 345, 525, 765};
	if (m % 60 == 0)
		return m >= -12 * 60 && m <= 14 * 60;
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		if (odd[i] == m)
			return true;
	return false;
}

/* A time for OSCAL: in its own offset when the schemas list it, else in
 * UTC; NULL (and a diagnostic) outside the years 1900 to 2999, which the
 * schemas' pattern cannot express. */
static const char *otime(struct doc *d, struct rg_time t, const char *what)
{
	char buf[RG_TIME_BUFSZ];
	if (offset_listed(t.offset))
		rg_time_format(buf, t);
	else
		rg_time_format_utc(buf, t.ms);
	bool year_ok = strlen(buf) > 4 && buf[4] == '-' &&
	               ((buf[0] == '1' && buf[1] == '9') || buf[0] == '2');
	if (!year_ok) {
		/* Said once per time, however many elements carry it. */
		bool seen = rg_strmap_has(&d->bad_times, buf, strlen(buf));
		char *k = seen ? NULL : strdup(buf);
		if (!seen && (!k || !rg_strmap_put(&d->bad_times, k, strlen(k), k, NULL))) {
			free(k);
			d->fail = true;
		} else if (!seen) {
			rg_diag_err(d->diags, "export.oscal-time", d->src->name, 0, what,
			            "correct the time in the evidence and render the report again",
			            "%s is outside the years 1900 to 2999 that OSCAL times can hold", buf);
		}
		d->st = RG_EINPUT;
		return NULL;
	}
	return keep(d, strdup(buf));
}

static void time_el(struct doc *d, const char *el, struct rg_time t, const char *what)
{
	const char *s = otime(d, t, what);
	if (s)
		leaf(d, el, s);
}

static struct rg_time utc(int64_t ms)
{
	return (struct rg_time){.ms = ms, .offset = 0};
}

/* A path (bundle member, file name) as a URI reference: unreserved bytes
 * and '/' as they are, everything else percent-encoded, and "./" in front
 * when the first segment has a ':' (it would read as a scheme). */
static const char *uri_path(struct doc *d, const char *path)
{
	if (!*path)
		path = "unnamed"; /* an empty href is no URI reference */
	struct rg_buf b;
	rg_buf_init(&b, 0);
	int rc = RG_BUF_OK;
	size_t seg = strcspn(path, "/");
	if (memchr(path, ':', seg))
		rc = rg_buf_printf(&b, "./");
	for (const unsigned char *p = (const unsigned char *)path; *p && rc == RG_BUF_OK; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9') || strchr("-._~/", *p);
		rc = plain ? rg_buf_putc(&b, (char)*p) : rg_buf_printf(&b, "%%%02X", *p);
	}
	if (rc != RG_BUF_OK) {
		rg_buf_free(&b);
		return keep(d, NULL);
	}
	return keep(d, b.data ? b.data : strdup(""));
}

static const char *media_type(const char *path)
{
	static const char *const map[][2] = {
	    {".csv", "text/csv"},         {".xml", "application/xml"},  {".pdf", "application/pdf"},
	    {".md", "text/markdown"},     {".txt", "text/plain"},       {".zip", "application/zip"},
	    {".json", "application/json"}, {".docx", "application/vnd.openxmlformats-officedocument."
	                                            "wordprocessingml.document"},
	};
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		size_t k = strlen(map[i][0]);
		if (n > k && strcmp(path + n - k, map[i][0]) == 0)
			return map[i][1];
	}
	return "application/octet-stream";
}

static const char *control_id(struct doc *d, const struct rg_action_result *a)
{
	char *dir = strdup(token(d, d->r->directive.id));
	const char *s = dir ? keep(d, rg_asprintf("%s_%s", dir, token(d, a->id))) : keep(d, NULL);
	free(dir);
	return s;
}

/* ---- the pieces ---------------------------------------------------------- */

static void metadata(struct doc *d, const char *title)
{
	const struct rg_results *r = d->r;
	const struct rg_bundle_info *b = &r->bundle;
	char t[RG_TIME_BUFSZ], party[RG_UUID_BUFSZ], contact[RG_UUID_BUFSZ];
	char directive[RG_UUID_BUFSZ], report[RG_UUID_BUFSZ];
	uuid_of(d, party, true, "party", "agency", NULL);
	uuid_of(d, contact, true, "party", "contact", NULL);
	uuid_of(d, directive, false, "resource", "directive", NULL);
	uuid_of(d, report, false, "resource", "report", NULL);
	const char *agency = b->agency_name ? b->agency_name : b->agency_id;
	bool has_contact = b->contact_name && *norm(d, b->contact_name);

	start(d, "metadata");
	leaf(d, "title", title);
	time_el(d, "published", utc(r->generated_ms), "generated");
	time_el(d, "last-modified", utc(r->generated_ms), "generated");
	/* A new report of the same evidence is a new version of the document. */
	leaf(d, "version", rg_time_format_utc(t, r->generated_ms));
	leaf(d, "oscal-version", d->version);
	prop(d, "overall", rg_overall_names[r->overall]);
	prop(d, "report-format", "2");
	prop(d, "report-sha256", d->src->sha256);
	prop(d, "generator", r->generator);
	prop(d, "bundle", b->name);
	prop(d, "bundle-sha256", b->sha256);
	prop(d, "directive", r->directive.id);
	prop(d, "directive-version", r->directive.version);
	prop(d, "directive-sha256", r->directive.sha256);
	prop(d, "directive-installed", r->directive.installed ? "true" : "false");
	start(d, "link");
	attr(d, "href", keep(d, rg_asprintf("#%s", directive)));
	attr(d, "rel", "reference");
	leaf(d, "text", "the directive definition judged against");
	end(d);
	start(d, "link");
	attr(d, "href", keep(d, rg_asprintf("#%s", report)));
	attr(d, "rel", "source");
	leaf(d, "text", "the results document this was exported from");
	end(d);
	start(d, "role");
	attr(d, "id", "assessed-agency");
	leaf(d, "title", "Agency whose evidence was assessed");
	end(d);
	if (has_contact) {
		start(d, "role");
		attr(d, "id", "point-of-contact");
		leaf(d, "title", "The agency's contact for this submission");
		end(d);
	}
	start(d, "party");
	attr(d, "uuid", party);
	attr(d, "type", "organization");
	leaf(d, "name", *norm(d, agency) ? norm(d, agency) : "unnamed agency");
	if (*norm(d, b->agency_id))
		leaf(d, "short-name", norm(d, b->agency_id));
	prop(d, "component", b->agency_component);
	end(d);
	if (has_contact) {
		start(d, "party");
		attr(d, "uuid", contact);
		attr(d, "type", "person");
		leaf(d, "name", norm(d, b->contact_name));
		prop(d, "job-title", b->contact_role);
		const char *mail = norm(d, b->contact_email);
		const char *at = mail ? strchr(mail, '@') : NULL;
		if (at && at > mail && at[1]) /* EmailAddressDatatype: .+@.+ */
			leaf(d, "email-address", mail);
		leaf(d, "member-of-organization", party);
		end(d);
	}
	start(d, "responsible-party");
	attr(d, "role-id", "assessed-agency");
	leaf(d, "party-uuid", party);
	end(d);
	if (has_contact) {
		start(d, "responsible-party");
		attr(d, "role-id", "point-of-contact");
		leaf(d, "party-uuid", contact);
		end(d);
	}
	end(d);
}

/* The back-matter resource uuid of a cited file, or NULL when the report
 * lists no such file (a missing member is cited by name only). */
static const char *resource_of(struct doc *d, const char *path)
{
	size_t k = (size_t)(uintptr_t)rg_strmap_get(&d->paths, path, strlen(path));
	return k ? d->res_uuid[k - 1] : NULL;
}

static void relevant_evidence(struct doc *d, const struct rg_evref *e)
{
	const char *res = resource_of(d, e->file);
	if (!res)
		return;
	start(d, "relevant-evidence");
	attr(d, "href", keep(d, rg_asprintf("#%s", res)));
	if (e->line)
		para(d, "description", "%s, line %u.", e->file, (unsigned)e->line);
	else
		para(d, "description", "%s (the whole file).", e->file);
	if (e->line)
		prop_count(d, "line", e->line);
	end(d);
}

static void item_observation(struct doc *d, size_t ai, size_t ii)
{
	const struct rg_action_result *a = &d->r->actions[ai];
	const struct rg_item *it = &a->items[ii];
	char u[RG_UUID_BUFSZ], due[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
	item_uuid(d, u, false, "observation", ai, ii);
	char *subject = rg_item_subject(it), *all = rg_item_evidence_list(it);
	start(d, "observation");
	attr(d, "uuid", u);
	leaf(d, "title", keep(d, rg_asprintf("%s: %s", a->id, subject ? subject : "")));
	para(d, "description", "%s", it->reason);
	prop(d, "action", a->id);
	prop(d, "status", rg_verdict_names[it->status]);
	prop(d, "subject-kind", rg_subject_kind_names[it->subject_kind]);
	prop(d, "subject-ref", it->subject_ref);
	prop(d, "reason-code", it->reason_codes);
	prop(d, "evidence", all);
	if (it->has_due)
		prop(d, "due", rg_time_format(due, it->due));
	if (it->status == RG_SATISFIED_LATE)
		prop(d, "late-by", rg_duration_format(late, it->late_by_ms));
	/* reportgen examined the agency's records; it tested no system. */
	leaf(d, "method", "EXAMINE");
	leaf(d, "type", "finding");
	for (size_t k = 0; k < it->n_evidence; k++)
		relevant_evidence(d, &it->evidence[k]);
	time_el(d, "collected", it->has_when ? it->when : d->r->bundle.created, "item time");
	end(d);
	if (!subject || !all)
		d->fail = true;
	free(subject);
	free(all);
}

static void file_observation(struct doc *d, size_t k)
{
	const struct rg_file_info *f = &d->r->files[k];
	char u[RG_UUID_BUFSZ], occ[24] = "";
	if (resource_of(d, f->path) != d->res_uuid[k])
		snprintf(occ, sizeof occ, "#%zu", k);
	uuid_of(d, u, false, "observation", "file", f->path, occ, NULL);
	start(d, "observation");
	attr(d, "uuid", u);
	leaf(d, "title", keep(d, rg_asprintf("Evidence file %s", f->path)));
	para(d, "description", "%s (%llu bytes, SHA-256 %s) of evidence bundle %s, read by reportgen.",
	     f->path, (unsigned long long)f->size, f->sha256, d->r->bundle.name);
	prop(d, "sha256", f->sha256);
	leaf(d, "method", "EXAMINE");
	start(d, "relevant-evidence");
	attr(d, "href", keep(d, rg_asprintf("#%s", d->res_uuid[k])));
	para(d, "description", "%s as it was in the bundle.", f->path);
	end(d);
	time_el(d, "collected", d->r->bundle.created, "bundle created");
	end(d);
}

static void risk(struct doc *d, size_t ai, size_t ii)
{
	const struct rg_action_result *a = &d->r->actions[ai];
	const struct rg_item *it = &a->items[ii];
	char u[RG_UUID_BUFSZ], obs[RG_UUID_BUFSZ];
	item_uuid(d, u, true, "risk", ai, ii);
	item_uuid(d, obs, false, "observation", ai, ii);
	char *subject = rg_item_subject(it);
	bool late = it->status == RG_SATISFIED_LATE;
	start(d, "risk");
	attr(d, "uuid", u);
	leaf(d, "title", keep(d, rg_asprintf("%s %s: %s", a->id, late ? "met late" : "not met",
	                                     subject ? subject : "")));
	para(d, "description", "%s", it->reason);
	para(d, "statement", "%s %s (%s) %s for %s.%s%s", d->r->directive.id, a->id, a->title,
	     late ? "was met after its deadline" : "is not met", subject ? subject : "",
	     a->wording ? " The directive: " : "", a->wording ? a->wording : "");
	prop(d, "action", a->id);
	prop(d, "status", rg_verdict_names[it->status]);
	leaf(d, "status", late ? "closed" : "open");
	if (it->has_due)
		time_el(d, "deadline", it->due, "item due");
	else if (a->has_deadline)
		time_el(d, "deadline", a->deadline, "action deadline");
	start(d, "related-observation");
	attr(d, "observation-uuid", obs);
	end(d);
	end(d);
	if (!subject)
		d->fail = true;
	free(subject);
}

static void finding(struct doc *d, size_t ai)
{
	const struct rg_action_result *a = &d->r->actions[ai];
	char u[RG_UUID_BUFSZ], t[RG_TIME_BUFSZ];
	uuid_of(d, u, false, "finding", a->id, NULL);
	bool ok = a->status == RG_SATISFIED || a->status == RG_SATISFIED_LATE;
	const char *reason = a->status == RG_SATISFIED ? "pass"
	                     : a->status == RG_NOT_SATISFIED ? "fail"
	                                                     : "other";
	start(d, "finding");
	attr(d, "uuid", u);
	leaf(d, "title", keep(d, rg_asprintf("%s %s", a->id, a->title)));
	para(d, "description", "%s: %zu items, %zu satisfied, %zu late, %zu open%s%s.",
	     rg_verdict_words[a->status], a->n_items, a->counts[RG_SATISFIED],
	     a->counts[RG_SATISFIED_LATE], rg_action_open(a),
	     a->has_deadline ? "; deadline " : "",
	     a->has_deadline ? rg_time_format(t, a->deadline) : "");
	prop(d, "status", rg_verdict_names[a->status]);
	prop(d, "kind", rg_action_kind_names[a->kind]);
	prop(d, "rule", a->rule);
	if (a->has_deadline)
		prop(d, "deadline", rg_time_format(t, a->deadline));
	prop_count(d, "items", a->n_items);
	prop_count(d, "satisfied", a->counts[RG_SATISFIED]);
	prop_count(d, "late", a->counts[RG_SATISFIED_LATE]);
	prop_count(d, "open", rg_action_open(a));
	start(d, "target");
	attr(d, "type", "objective-id");
	attr(d, "target-id", keep(d, rg_asprintf("%s_obj", control_id(d, a))));
	start(d, "status");
	attr(d, "state", ok ? "satisfied" : "not-satisfied");
	attr(d, "reason", reason);
	if (a->status == RG_SATISFIED_LATE)
		para(d, "remarks", "Satisfied late: every item done, %zu after the deadline.",
		     a->counts[RG_SATISFIED_LATE]);
	else if (a->status == RG_INSUFFICIENT_EVIDENCE)
		para(d, "remarks", "Not satisfied: the evidence is insufficient to judge.");
	end(d);
	end(d);
	char obs[RG_UUID_BUFSZ];
	for (size_t i = 0; i < a->n_items; i++) {
		if (!listed(&a->items[i]))
			continue;
		item_uuid(d, obs, false, "observation", ai, i);
		start(d, "related-observation");
		attr(d, "observation-uuid", obs);
		end(d);
	}
	for (size_t i = 0; i < a->n_items; i++) {
		if (!listed(&a->items[i]))
			continue;
		item_uuid(d, obs, true, "risk", ai, i);
		start(d, "associated-risk");
		attr(d, "risk-uuid", obs);
		end(d);
	}
	end(d);
}

static void reviewed_controls(struct doc *d)
{
	const struct rg_results *r = d->r;
	size_t na = 0;
	for (size_t k = 0; k < r->n_actions; k++)
		na += r->actions[k].status == RG_NOT_APPLICABLE;
	start(d, "reviewed-controls");
	for (int pass = 0; pass < 2; pass++) {
		bool want_na = pass == 1;
		if (want_na ? na == 0 : na == r->n_actions)
			continue;
		start(d, "control-selection");
		para(d, "description", "%s",
		     want_na ? "Actions of the directive judged not applicable to the agency (no "
		               "finding: OSCAL has no objective state for them)."
		             : "Actions of the directive that apply to the agency, each with a "
		               "finding.");
		for (size_t k = 0; k < r->n_actions; k++) {
			if ((r->actions[k].status == RG_NOT_APPLICABLE) != want_na)
				continue;
			start(d, "include-control");
			attr(d, "control-id", control_id(d, &r->actions[k]));
			end(d);
		}
		end(d);
	}
	end(d);
}

static void resource(struct doc *d, const char *uuid, const char *title, const char *href,
                     const char *media, const char *sha256)
{
	start(d, "resource");
	attr(d, "uuid", uuid);
	leaf(d, "title", title);
	start(d, "rlink");
	attr(d, "href", uri_path(d, href));
	attr(d, "media-type", media);
	start(d, "hash");
	attr(d, "algorithm", "SHA-256");
	text(d, sha256);
	end(d);
	end(d);
	end(d);
}

static void back_matter(struct doc *d)
{
	const struct rg_results *r = d->r;
	const struct rg_directive_info *di = &r->directive;
	char u[RG_UUID_BUFSZ];
	start(d, "back-matter");
	uuid_of(d, u, false, "resource", "directive", NULL);
	start(d, "resource");
	attr(d, "uuid", u);
	leaf(d, "title", keep(d, rg_asprintf("%s directive definition, version %s", di->id,
	                                     di->version ? di->version : "unstated")));
	para(d, "description",
	     "%s%s The definition reportgen judged against (the machine-readable required actions); "
	     "it stands in for an OSCAL assessment plan.%s",
	     di->title ? di->title : "", di->title ? "." : "",
	     di->installed ? "" : " It is not the definition installed with reportgen.");
	prop(d, "directive", di->id);
	prop(d, "version", di->version);
	prop(d, "installed", di->installed ? "true" : "false");
	start(d, "rlink");
	attr(d, "href", uri_path(d, di->file ? di->file : "directive.xml"));
	attr(d, "media-type", "application/xml");
	start(d, "hash");
	attr(d, "algorithm", "SHA-256");
	text(d, di->sha256);
	end(d);
	end(d);
	end(d);
	uuid_of(d, u, false, "resource", "report", NULL);
	resource(d, u, keep(d, rg_asprintf("Results document %s", d->src->name)), d->src->name,
	         "application/xml", d->src->sha256);
	uuid_of(d, u, false, "resource", "bundle", NULL);
	resource(d, u, keep(d, rg_asprintf("Evidence bundle %s", r->bundle.name)), r->bundle.name,
	         "application/zip", r->bundle.sha256);
	for (size_t k = 0; k < r->n_files; k++)
		resource(d, d->res_uuid[k], r->files[k].path, r->files[k].path,
		         media_type(r->files[k].path), r->files[k].sha256);
	end(d);
}

/* ---- the documents ------------------------------------------------------- */

/* Indexes what the pieces share: each file's resource UUID, each item's
 * subject occurrence; refuses two actions that would be one control. */
static void prepare(struct doc *d)
{
	const struct rg_results *r = d->r;
	rg_buf_init(&d->key, 0);
	rg_strmap_init(&d->paths);
	rg_strmap_init(&d->bad_times);
	d->res_uuid = calloc(r->n_files + 1, sizeof *d->res_uuid);
	d->occ = calloc(r->n_actions + 1, sizeof *d->occ);
	if (!d->res_uuid || !d->occ) {
		d->fail = true;
		return;
	}
	for (size_t k = 0; k < r->n_files; k++) {
		const char *p = r->files[k].path;
		bool seen = rg_strmap_has(&d->paths, p, strlen(p));
		char occ[24] = "";
		if (seen)
			snprintf(occ, sizeof occ, "#%zu", k);
		uuid_of(d, d->res_uuid[k], false, "resource", "file", p, occ, NULL);
		if (!seen && !rg_strmap_put(&d->paths, p, strlen(p), (void *)(uintptr_t)(k + 1), NULL))
			d->fail = true;
	}
	struct rg_strmap controls, subjects;
	rg_strmap_init(&controls);
	struct rg_buf key;
	rg_buf_init(&key, 0);
	for (size_t k = 0; k < r->n_actions && !d->fail; k++) {
		const struct rg_action_result *a = &r->actions[k];
		const char *cid = control_id(d, a);
		char *own = strdup(cid);
		bool existed = false;
		if (!own || !rg_strmap_put(&controls, own, strlen(own), (void *)a, &existed)) {
			free(own);
			d->fail = true;
			break;
		}
		if (existed) {
			free(own);
			rg_diag_err(d->diags, "export.oscal-action-id", d->src->name, 0, a->id,
			            "give each action of the definition its own id",
			            "two actions would both be OSCAL control %s", cid);
			d->st = RG_EINPUT;
			continue;
		}
		/* The subjects of this action, counted in a map whose keys
		 * (kind SEP ref) live in one buffer for the action. */
		if (!(d->occ[k] = calloc(a->n_items + 1, sizeof **d->occ))) {
			d->fail = true;
			break;
		}
		rg_strmap_init(&subjects);
		size_t *offs = calloc(a->n_items + 1, sizeof *offs);
		rg_buf_reset(&key);
		for (size_t i = 0; offs && i < a->n_items; i++) {
			const struct rg_item *it = &a->items[i];
			offs[i] = key.len;
			/* Each key ends with its NUL: the next starts after it. */
			if (rg_buf_printf(&key, "%s" SEP "%s", rg_subject_kind_names[it->subject_kind],
			                  it->subject_ref ? it->subject_ref : "") != RG_BUF_OK ||
			    rg_buf_append(&key, "", 1) != RG_BUF_OK)
				d->fail = true;
		}
		for (size_t i = 0; offs && !d->fail && i < a->n_items; i++) {
			const char *s = key.data + offs[i];
			size_t n = (size_t)(uintptr_t)rg_strmap_get(&subjects, s, strlen(s));
			d->occ[k][i] = n;
			if (!rg_strmap_put(&subjects, s, strlen(s), (void *)(uintptr_t)(n + 1), NULL))
				d->fail = true;
		}
		if (!offs)
			d->fail = true;
		free(offs);
		rg_strmap_free(&subjects);
	}
	/* The keys of controls were copied; free them with the map. */
	for (size_t i = 0; i < controls.cap; i++)
		free((char *)controls.slots[i].key);
	rg_strmap_free(&controls);
	rg_buf_free(&key);
}

static void release(struct doc *d)
{
	for (int i = 0; i < RING; i++)
		free(d->ring[i]);
	for (size_t k = 0; d->occ && k < d->r->n_actions; k++)
		free(d->occ[k]);
	free(d->occ);
	free(d->res_uuid);
	rg_strmap_free(&d->paths);
	for (size_t i = 0; i < d->bad_times.cap; i++)
		free(d->bad_times.slots[i].value);
	rg_strmap_free(&d->bad_times);
	rg_buf_free(&d->key);
}

static rg_status write_doc(FILE *out, const char *name, const struct rg_export_source *src,
                           const char *version, bool poam, struct rg_diags *diags)
{
	struct doc d = {.src = src, .r = src->results, .name = name, .version = version,
	                .diags = diags, .st = RG_OK};
	const struct rg_results *r = d.r;
	prepare(&d);
	if (d.st != RG_OK || d.fail) {
		release(&d);
		if (d.st == RG_OK)
			rg_diag_err(diags, "export.memory", name, 0, NULL, NULL, "out of memory");
		return d.st != RG_OK ? d.st : RG_EENV;
	}
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
	d.x = ob ? xmlNewTextWriter(ob) : NULL;
	if (!d.x) {
		if (ob)
			xmlOutputBufferClose(ob);
		d.fail = true;
	}
	if (d.x) {
		xmlTextWriterSetIndent(d.x, 1);
		xmlTextWriterSetIndentString(d.x, (const xmlChar *)"  ");
		if (xmlTextWriterStartDocument(d.x, NULL, "UTF-8", NULL) < 0)
			d.fail = true;
	}
	const char *agency = r->bundle.agency_name ? r->bundle.agency_name : r->bundle.agency_id;
	char u[RG_UUID_BUFSZ];
	if (!poam) {
		uuid_of(&d, u, false, "assessment-results", NULL);
		start(&d, "assessment-results");
		attr(&d, "xmlns", OSCAL_NS);
		attr(&d, "uuid", u);
		metadata(&d, keep(&d, rg_asprintf("%s assessment results: %s", r->directive.id,
		                                  agency)));
		char ap[RG_UUID_BUFSZ];
		uuid_of(&d, ap, false, "resource", "directive", NULL);
		start(&d, "import-ap");
		attr(&d, "href", keep(&d, rg_asprintf("#%s", ap)));
		para(&d, "remarks", "No OSCAL assessment plan exists for %s: the plan is the directive "
		                    "definition in back-matter.",
		     r->directive.id);
		end(&d);
		uuid_of(&d, u, false, "result", NULL);
		start(&d, "result");
		attr(&d, "uuid", u);
		leaf(&d, "title", keep(&d, rg_asprintf("%s judgement of evidence bundle %s",
		                                       r->directive.id, r->bundle.name)));
		para(&d, "description",
		     "Evidence bundle %s (SHA-256 %s) of %s judged by %s against the %s definition "
		     "version %s: %s.",
		     r->bundle.name, r->bundle.sha256, agency, r->generator, r->directive.id,
		     r->directive.version ? r->directive.version : "unstated",
		     rg_overall_words[r->overall]);
		time_el(&d, "start", r->bundle.created, "bundle created");
		/* The judgement's end is the report's generation; a bundle dated
		 * after it (a clock set back) leaves the end out rather than
		 * state one before the start. */
		if (r->generated_ms >= r->bundle.created.ms)
			time_el(&d, "end", utc(r->generated_ms), "generated");
		prop(&d, "overall", rg_overall_names[r->overall]);
		reviewed_controls(&d);
		for (size_t k = 0; k < r->n_files; k++)
			file_observation(&d, k);
	} else {
		uuid_of(&d, u, true, "plan-of-action-and-milestones", NULL);
		start(&d, "plan-of-action-and-milestones");
		attr(&d, "xmlns", OSCAL_NS);
		attr(&d, "uuid", u);
		metadata(&d, keep(&d, rg_asprintf("%s plan of action and milestones: %s",
		                                  r->directive.id, agency)));
		start(&d, "system-id");
		attr(&d, "identifier-type", "urn:reportgen:agency-id");
		text(&d, *norm(&d, r->bundle.agency_id) ? norm(&d, r->bundle.agency_id) : "unknown");
		end(&d);
	}
	for (size_t k = 0; k < r->n_actions; k++)
		for (size_t i = 0; i < r->actions[k].n_items; i++)
			if (listed(&r->actions[k].items[i]))
				item_observation(&d, k, i);
	size_t listed_items = 0;
	for (size_t k = 0; k < r->n_actions; k++)
		for (size_t i = 0; i < r->actions[k].n_items; i++)
			if (listed(&r->actions[k].items[i])) {
				risk(&d, k, i);
				listed_items++;
			}
	if (!poam) {
		for (size_t k = 0; k < r->n_actions; k++)
			if (r->actions[k].status != RG_NOT_APPLICABLE)
				finding(&d, k);
		end(&d); /* result */
	} else {
		char obs[RG_UUID_BUFSZ], rk[RG_UUID_BUFSZ], t[RG_TIME_BUFSZ], late[RG_DURATION_BUFSZ];
		for (size_t k = 0; k < r->n_actions; k++) {
			const struct rg_action_result *a = &r->actions[k];
			for (size_t i = 0; i < a->n_items; i++) {
				const struct rg_item *it = &a->items[i];
				if (!listed(it))
					continue;
				item_uuid(&d, u, true, "poam-item", k, i);
				item_uuid(&d, obs, false, "observation", k, i);
				item_uuid(&d, rk, true, "risk", k, i);
				char *subject = rg_item_subject(it), *all = rg_item_evidence_list(it);
				start(&d, "poam-item");
				attr(&d, "uuid", u);
				leaf(&d, "title", keep(&d, rg_asprintf("%s: %s", a->id,
				                                       subject ? subject : "")));
				para(&d, "description", "%s", it->reason);
				prop(&d, "action", a->id);
				prop(&d, "action-title", a->title);
				prop(&d, "status", rg_verdict_names[it->status]);
				if (it->has_due)
					prop(&d, "deadline", rg_time_format(t, it->due));
				else if (a->has_deadline)
					prop(&d, "deadline", rg_time_format(t, a->deadline));
				if (it->status == RG_SATISFIED_LATE)
					prop(&d, "late-by", rg_duration_format(late, it->late_by_ms));
				prop(&d, "evidence", all);
				start(&d, "related-observation");
				attr(&d, "observation-uuid", obs);
				end(&d);
				start(&d, "associated-risk");
				attr(&d, "risk-uuid", rk);
				end(&d);
				end(&d);
				if (!subject || !all)
					d.fail = true;
				free(subject);
				free(all);
			}
		}
		if (listed_items == 0) {
			/* The schema wants at least one poam-item; a report with
			 * nothing open or late says so in one. */
			uuid_of(&d, u, true, "poam-item", "none", NULL);
			start(&d, "poam-item");
			attr(&d, "uuid", u);
			leaf(&d, "title", "No open or late items");
			para(&d, "description", "The report (%s) has no item that is open or was done "
			                        "late: there is nothing to plan.",
			     rg_overall_words[r->overall]);
			prop(&d, "no-open-items", "true");
			end(&d);
		}
	}
	back_matter(&d);
	end(&d); /* root */
	if (d.x && !d.fail && xmlTextWriterEndDocument(d.x) < 0)
		d.fail = true;
	if (d.x)
		xmlFreeTextWriter(d.x); /* closes ob, not the FILE */
	if (!d.fail && fflush(out) != 0)
		d.fail = true;
	release(&d);
	if (d.st != RG_OK)
		return d.st;
	if (d.fail) {
		rg_diag_err(diags, "export.write", name, 0, NULL, "check free space",
		            "cannot write the OSCAL document");
		return RG_EENV;
	}
	return RG_OK;
}

rg_status rg_export_oscal_ar(FILE *out, const char *name, const struct rg_export_source *src,
                             const char *oscal_version, struct rg_diags *diags)
{
	return write_doc(out, name, src, oscal_version, false, diags);
}

rg_status rg_export_oscal_poam(FILE *out, const char *name, const struct rg_export_source *src,
                               const char *oscal_version, struct rg_diags *diags)
{
	return write_doc(out, name, src, oscal_version, true, diags);
}
