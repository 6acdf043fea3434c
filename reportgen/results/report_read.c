/*
 * report_read.c: report.xml back into the results model (see
 * report_xml.h).
 *
 * A results document comes from outside like a bundle does (an auditor
 * was handed it; a roll-up collects hundreds), so it gets the same rules:
 * bounded size, the safe parser of core/xml.h, the schema, and then every
 * value parsed again here with the project's own parsers (the schema's
 * xs:dateTime accepts instants rg_time_parse does not, and a schema cannot
 * say that an action's status is the worst of its items).  Whatever is
 * inconsistent is a diagnostic with the line, never a silently different
 * model: the counts, statuses and overall result stated in the file must be
 * the ones its items give.
 */
#include "results/report_xml.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/paths.h"
#include "core/str.h"
#include "core/xml.h"

#define REPORT_MAX_DEPTH 16 /* a report nests 4 levels, ds:Signature 5 */

struct rd {
	struct rg_arena *arena;
	struct rg_diags *diags;
	const char *file;
	bool ok, oom;
};

static void bad(struct rd *c, xmlNodePtr n, const char *attr_name, const char *hint,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void bad(struct rd *c, xmlNodePtr n, const char *attr_name, const char *hint,
                const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = rg_vasprintf(fmt, ap);
	va_end(ap);
	char where[120];
	snprintf(where, sizeof where, "<%s>%s%s", n ? (const char *)n->name : "?",
	         attr_name ? " @" : "", attr_name ? attr_name : "");
	rg_diag_err(c->diags, "report.invalid", c->file, n ? (unsigned long)xmlGetLineNo(n) : 0,
	            where, hint, "%s", msg ? msg : "is not valid");
	free(msg);
	c->ok = false;
}

/* An attribute copied into the arena, or NULL when absent. */
static const char *get(struct rd *c, xmlNodePtr n, const char *name)
{
	char *v = rg_xml_attr(n, name);
	if (!v)
		return NULL;
	char *copy = rg_arena_strdup(c->arena, v);
	xmlFree(v);
	if (!copy)
		c->oom = true;
	return copy;
}

static const char *text_of(struct rd *c, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *copy = t ? rg_arena_strdup(c->arena, (const char *)t) : NULL;
	xmlFree(t);
	if (!copy)
		c->oom = true;
	return copy;
}

static bool get_time(struct rd *c, xmlNodePtr n, const char *name, struct rg_time *out)
{
	const char *v = get(c, n, name);
	if (!v)
		return false;
	enum rg_time_err e = rg_time_parse(out, v, strlen(v));
	if (e != RG_TIME_OK) {
		bad(c, n, name, "write it as RFC 3339 with its offset", "\"%.40s\": %s", v,
		    rg_time_strerror(e));
		return false;
	}
	return true;
}

static uint64_t get_u64(struct rd *c, xmlNodePtr n, const char *name)
{
	const char *v = get(c, n, name);
	if (!v)
		return 0;
	char *end;
	unsigned long long x = strtoull(v, &end, 10);
	if (*end || !*v) {
		bad(c, n, name, NULL, "\"%.40s\" is not a count", v);
		return 0;
	}
	return x;
}

static int get_enum(struct rd *c, xmlNodePtr n, const char *name, const char *const *names)
{
	const char *v = get(c, n, name);
	int idx = 0;
	if (!v || !rg_str_in(v, names, &idx)) {
		bad(c, n, name, "see templates/report.xsd", "\"%.40s\" is not one of its values",
		    v ? v : "");
		return 0;
	}
	return idx;
}

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST RG_REPORT_NS) &&
	       strcmp((const char *)n->name, name) == 0;
}

static size_t count_children(xmlNodePtr n, const char *name)
{
	size_t k = 0;
	for (xmlNodePtr c = n->children; c; c = c->next)
		k += is(c, name);
	return k;
}

static void read_bundle(struct rd *c, xmlNodePtr n, struct rg_results *r)
{
	struct rg_bundle_info *b = &r->bundle;
	const char *sha = get(c, n, "sha256");
	snprintf(b->sha256, sizeof b->sha256, "%s", sha ? sha : "");
	b->agency_id = get(c, n, "agency");
	const char *notif = get(c, n, "notification");
	b->notified = notif && strcmp(notif, "notified") == 0;
	b->name = get(c, n, "name");
	b->agency_name = get(c, n, "agency-name");
	b->agency_component = get(c, n, "component");
	b->directive = get(c, n, "directive");
	get_time(c, n, "created", &b->created);
	if (b->notified && !get_time(c, n, "notification-received", &b->notification_received))
		bad(c, n, "notification-received", NULL, "a notified bundle needs the time of notification");
	b->notification_source = get(c, n, "notification-source");
	b->notification_reference = get(c, n, "notification-reference");
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (is(k, "contact")) {
			b->contact_name = get(c, k, "name");
			b->contact_role = get(c, k, "role");
			b->contact_email = get(c, k, "email");
		}
}

static void read_directive(struct rd *c, xmlNodePtr n, struct rg_results *r)
{
	struct rg_directive_info *d = &r->directive;
	d->id = get(c, n, "id");
	d->version = get(c, n, "version");
	d->file = get(c, n, "file");
	const char *sha = get(c, n, "sha256");
	snprintf(d->sha256, sizeof d->sha256, "%s", sha ? sha : "");
	const char *inst = get(c, n, "installed");
	d->installed = inst && strcmp(inst, "true") == 0;
	d->issued = get(c, n, "issued");
	d->corroboration_window = get(c, n, "corroboration-window");
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (is(k, "title"))
			d->title = text_of(c, k);
		else if (is(k, "source"))
			d->source = text_of(c, k);
		else if (is(k, "numbering-note"))
			d->numbering_note = text_of(c, k);
	}
}

static void read_headline(struct rd *c, xmlNodePtr n, struct rg_headline *h)
{
	h->emails_reviewed = get_u64(c, n, "emails-reviewed");
	h->emails_total = get_u64(c, n, "emails-total");
	h->secrets_found = get_u64(c, n, "secrets-found");
	h->secrets_remediated = get_u64(c, n, "secrets-remediated");
	h->accounts_reviewed = get_u64(c, n, "accounts-reviewed");
	h->accounts_total = get_u64(c, n, "accounts-total");
	h->items_late = get_u64(c, n, "items-late");
	h->items_open = get_u64(c, n, "items-open");
	h->audit_log = xmlHasProp(n, BAD_CAST "remediations-checked") != NULL;
	h->remediations_checked = get_u64(c, n, "remediations-checked");
	h->remediations_corroborated = get_u64(c, n, "remediations-corroborated");
}

/* "findings.csv:14 remediations.csv:8 manifest.xml" -> references. */
static void read_evidence(struct rd *c, xmlNodePtr n, struct rg_item *it)
{
	const char *v = get(c, n, "evidence-all");
	const char *first = get(c, n, "evidence");
	if (!v || !first)
		return;
	size_t fl = strlen(first);
	if (strncmp(v, first, fl) != 0 || (v[fl] != ' ' && v[fl] != '\0'))
		bad(c, n, "evidence-all", "render the report again from its bundle",
		    "does not start with the primary row @evidence (%.80s)", first);
	size_t count = 0;
	for (const char *p = v; *p;) {
		while (*p == ' ')
			p++;
		if (*p)
			count++;
		while (*p && *p != ' ')
			p++;
	}
	struct rg_evref *e = rg_arena_alloc(c->arena, (count + 1) * sizeof *e);
	if (!e) {
		c->oom = true;
		return;
	}
	size_t k = 0;
	for (const char *p = v; *p && k < count;) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		const char *colon = NULL;
		for (const char *q = p; q < p + len; q++)
			if (*q == ':')
				colon = q;
		size_t flen = len;
		unsigned long line = 0;
		if (colon && colon + 1 < p + len) {
			char *end;
			line = strtoul(colon + 1, &end, 10);
			if (end == p + len && line > 0 && line <= UINT32_MAX)
				flen = (size_t)(colon - p);
			else
				line = 0;
		}
		e[k].file = rg_arena_strndup(c->arena, p, flen);
		e[k].line = (uint32_t)line;
		if (!e[k].file)
			c->oom = true;
		k++;
		p += len;
	}
	it->evidence = e;
	it->n_evidence = k;
	if (k == 0)
		bad(c, n, "evidence", NULL, "cites no evidence");
}

static void read_item(struct rd *c, xmlNodePtr n, struct rg_item *it)
{
	it->status = (enum rg_verdict)get_enum(c, n, "status", rg_verdict_names);
	read_evidence(c, n, it);
	const char *late = get(c, n, "late-by");
	if (late && (!rg_duration_parse(&it->late_by_ms, late, strlen(late)) || it->late_by_ms <= 0))
		bad(c, n, "late-by", "write a positive ISO 8601 duration of days, hours, minutes, seconds",
		    "\"%.40s\" is not a duration reportgen can read", late);
	if ((it->status == RG_SATISFIED_LATE) != (it->late_by_ms > 0))
		bad(c, n, "late-by", NULL, "a late item, and only a late item, has late-by");
	it->subject_kind = (enum rg_subject_kind)get_enum(c, n, "subject-kind", rg_subject_kind_names);
	it->subject_ref = get(c, n, "subject-ref");
	it->has_when = get_time(c, n, "at", &it->when);
	it->has_due = get_time(c, n, "due", &it->due);
	it->reason_codes = get(c, n, "reason-code");
	if (xmlHasProp(n, BAD_CAST "corroboration"))
		it->corroboration =
		    (enum rg_corroboration)get_enum(c, n, "corroboration", rg_corroboration_names);
	it->corroborated_by = get(c, n, "corroborated-by");
	it->reason = text_of(c, n);
	if (!it->reason)
		it->reason = "";
	if (!it->reason_codes)
		it->reason_codes = "";
}

static void read_signins(struct rd *c, xmlNodePtr n, struct rg_signin_obs *o)
{
	o->account = get(c, n, "account");
	get_time(c, n, "window-start", &o->window_start);
	get_time(c, n, "window-end", &o->window_end);
	o->successes = get_u64(c, n, "successful");
	o->distinct_ips = get_u64(c, n, "distinct-ips");
	bool f = get_time(c, n, "first", &o->first), l = get_time(c, n, "last", &o->last);
	o->any = f && l;
}

static void read_action(struct rd *c, xmlNodePtr n, struct rg_action_result *a)
{
	a->id = get(c, n, "id");
	a->kind = (enum rg_action_kind)get_enum(c, n, "kind", rg_action_kind_names);
	a->has_deadline = get_time(c, n, "deadline", &a->deadline);
	a->window_text = get(c, n, "window");
	if (a->window_text) {
		a->has_window = true;
		if (!rg_duration_parse(&a->window_ms, a->window_text, strlen(a->window_text)))
			bad(c, n, "window", "use days, hours, minutes or seconds, e.g. PT48H",
			    "\"%.40s\" is not a duration reportgen can apply", a->window_text);
	}
	a->title = get(c, n, "title");
	a->rule = get(c, n, "rule");
	a->applies = get(c, n, "applies");
	size_t ni = count_children(n, "item"), ns = count_children(n, "sign-ins");
	a->items = rg_arena_alloc(c->arena, (ni + 1) * sizeof *a->items);
	a->signins = ns ? rg_arena_alloc(c->arena, ns * sizeof *a->signins) : NULL;
	if (!a->items || (ns && !a->signins)) {
		c->oom = true;
		return;
	}
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (is(k, "wording")) {
			a->wording = text_of(c, k);
			a->wording_source = get(c, k, "source");
		} else if (is(k, "interpretation")) {
			a->interpretation = text_of(c, k);
		} else if (is(k, "item")) {
			read_item(c, k, &a->items[a->n_items++]);
		} else if (is(k, "sign-ins")) {
			read_signins(c, k, &a->signins[a->n_signins++]);
		}
	}
}

/* The index of an attribute's value in names (0 when absent or unknown:
 * the schema has already refused unknown values). */
static int attr_index(xmlNodePtr n, const char *name, const char *const *names)
{
	int idx = 0;
	char *v = rg_xml_attr(n, name);
	rg_str_in(v ? v : "", names, &idx);
	xmlFree(v);
	return idx;
}

/* The statuses and counts the file states must be those its items give. */
static void check_derived(struct rd *c, xmlNodePtr root, const struct rg_results *r)
{
	size_t k = 0;
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (!is(n, "action"))
			continue;
		const struct rg_action_result *a = &r->actions[k++];
		int st = attr_index(n, "status", rg_verdict_names);
		if ((enum rg_verdict)st != a->status)
			bad(c, n, "status", "render the report again from its bundle",
			    "action %s says %s but its items give %s", a->id, rg_verdict_names[st],
			    rg_verdict_names[a->status]);
		struct {
			const char *name;
			size_t value;
		} counts[] = {{"items", a->n_items},
		              {"satisfied", a->counts[RG_SATISFIED]},
		              {"late", a->counts[RG_SATISFIED_LATE]},
		              {"open", rg_action_open(a)},
		              {"not-applicable", a->counts[RG_NOT_APPLICABLE]}};
		for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
			char *v = rg_xml_attr(n, counts[i].name);
			if (v && strtoull(v, NULL, 10) != counts[i].value)
				bad(c, n, counts[i].name, "render the report again from its bundle",
				    "action %s says %s items but has %zu", a->id, v, counts[i].value);
			xmlFree(v);
		}
	}
	int ov = attr_index(root, "overall", rg_overall_names);
	if ((enum rg_overall)ov != r->overall)
		bad(c, root, "overall", "render the report again from its bundle",
		    "says %s but its required actions give %s", rg_overall_names[ov],
		    rg_overall_names[r->overall]);
}

/* Namespace and format first: a clear sentence for an old or foreign file
 * instead of a page of schema errors. */
static bool check_root(struct rd *c, xmlNodePtr root)
{
	if (!root->ns || !xmlStrEqual(root->ns->href, BAD_CAST RG_REPORT_NS) ||
	    strcmp((const char *)root->name, "compliance-report") != 0) {
		bad(c, root, NULL, "give a report.xml written by reportgen render",
		    "is not a reportgen results document (root <compliance-report> in namespace %s)",
		    RG_REPORT_NS);
		return false;
	}
	char *format = rg_xml_attr(root, "format");
	bool ok = format && strcmp(format, RG_REPORT_FORMAT) == 0;
	if (!ok && format && strcmp(format, "1") == 0)
		bad(c, root, "format", "render it again from its bundle with this reportgen",
		    "is a format 1 report, which lacks the directive definition, the bundle's "
		    "identity and the evidence lists needed to read it back");
	else if (!ok)
		bad(c, root, "format", "render it again from its bundle with this reportgen",
		    "has format \"%.20s\"; this reportgen reads format " RG_REPORT_FORMAT,
		    format ? format : "");
	xmlFree(format);
	return ok;
}

rg_status rg_report_xml_parse(struct rg_results **out, const char *name, const char *bytes,
                              size_t len, struct rg_arena *arena, struct rg_diags *diags)
{
	*out = NULL;
	xmlDocPtr doc = rg_xml_parse(name, bytes, len, REPORT_MAX_DEPTH, diags);
	if (!doc)
		return RG_EINPUT;
	struct rd c = {arena, diags, name, true, false};
	xmlNodePtr root = xmlDocGetRootElement(doc);
	rg_status st = RG_EINPUT;
	if (!root || !check_root(&c, root))
		goto done;
	char *xsd = rg_data_path("templates", "report.xsd");
	st = xsd ? rg_xml_validate(doc, name, xsd, diags) : RG_EENV;
	free(xsd);
	if (st != RG_OK)
		goto done;

	struct rg_results *r = rg_arena_alloc(arena, sizeof *r);
	size_t na = count_children(root, "action");
	if (!r || !(r->actions = rg_arena_alloc(arena, (na + 1) * sizeof *r->actions)))
		goto oom;
	struct rg_time gen = {0};
	get_time(&c, root, "generated", &gen);
	r->generated_ms = gen.ms;
	r->generator = get(&c, root, "generator");
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (is(n, "bundle")) {
			read_bundle(&c, n, r);
		} else if (is(n, "directive-definition")) {
			read_directive(&c, n, r);
		} else if (is(n, "headline")) {
			read_headline(&c, n, &r->headline);
		} else if (is(n, "action")) {
			read_action(&c, n, &r->actions[r->n_actions++]);
		} else if (is(n, "evidence-files")) {
			size_t nf = count_children(n, "file");
			struct rg_file_info *f = rg_arena_alloc(arena, (nf + 1) * sizeof *f);
			if (!f)
				goto oom;
			for (xmlNodePtr k = n->children; k; k = k->next) {
				if (!is(k, "file"))
					continue;
				struct rg_file_info *fi = &f[r->n_files++];
				fi->path = get(&c, k, "path");
				const char *sha = get(&c, k, "sha256");
				snprintf(fi->sha256, sizeof fi->sha256, "%s", sha ? sha : "");
				fi->size = get_u64(&c, k, "size");
			}
			r->files = f;
		}
	}
	if (c.oom)
		goto oom;
	for (size_t k = 0; k < r->n_actions; k++)
		if (r->actions[k].n_items == 0)
			bad(&c, root, NULL, NULL, "action %s has no items", r->actions[k].id);
	if (c.ok) {
		rg_results_finish(r);
		check_derived(&c, root, r);
	}
	st = c.ok ? RG_OK : RG_EINPUT;
	if (st == RG_OK)
		*out = r;
	goto done;
oom:
	rg_diag_err(diags, "env.nomem", name, 0, NULL, NULL, "out of memory reading the report");
	st = RG_EENV;
done:
	xmlFreeDoc(doc);
	return st;
}

rg_status rg_report_xml_read(struct rg_results **out, const char *path, uint64_t max_bytes,
                             struct rg_arena *arena, struct rg_diags *diags)
{
	*out = NULL;
	char *bytes;
	size_t len;
	rg_status st = rg_read_file(&bytes, &len, path, max_bytes, diags);
	if (st != RG_OK)
		return st;
	st = rg_report_xml_parse(out, path, bytes, len, arena, diags);
	free(bytes);
	return st;
}
