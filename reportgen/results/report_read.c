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
 *
 * The document is streamed (xmlTextReader, validated against the schema
 * as it is read), never held whole: the tree of a 50 000-item report is
 * some ten times the file, where the model is a third of it.  The root's
 * small children (bundle, directive-definition, headline, evidence-files)
 * and each child of an <action> (an item, its wording ...) are expanded
 * one at a time and read as trees by the functions below; the reader frees
 * each once passed.  What an action and the root state of themselves is
 * kept from their start tags and checked once the items are read.  The
 * diagnostics are the whole-document reader's: syntax errors alone if
 * there are any, else the root's refusal, else the schema's violations,
 * else what the checks here found.
 */
#include "results/report_xml.h"

#include <libxml/tree.h>
#include <libxml/xmlreader.h>
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

static void vbad(struct rd *c, const char *element, unsigned long line, const char *attr_name,
                 const char *hint, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void vbad(struct rd *c, const char *element, unsigned long line, const char *attr_name,
                 const char *hint, const char *fmt, va_list ap)
{
	char *msg = rg_vasprintf(fmt, ap);
	char where[120];
	snprintf(where, sizeof where, "<%s>%s%s", element ? element : "?", attr_name ? " @" : "",
	         attr_name ? attr_name : "");
	rg_diag_err(c->diags, "report.invalid", c->file, line, where, hint, "%s",
	            msg ? msg : "is not valid");
	free(msg);
	c->ok = false;
}

static void bad(struct rd *c, xmlNodePtr n, const char *attr_name, const char *hint,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void bad(struct rd *c, xmlNodePtr n, const char *attr_name, const char *hint,
                const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vbad(c, n ? (const char *)n->name : NULL, n ? (unsigned long)xmlGetLineNo(n) : 0, attr_name,
	     hint, fmt, ap);
	va_end(ap);
}

/* The same, for an element whose node is gone: its start tag was read and
 * passed, and what it said kept (struct stated). */
static void bad_at(struct rd *c, const char *element, unsigned long line, const char *attr_name,
                   const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void bad_at(struct rd *c, const char *element, unsigned long line, const char *attr_name,
                   const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vbad(c, element, line, attr_name, hint, fmt, ap);
	va_end(ap);
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

/* What an element states of itself in its start tag, kept until what it
 * holds has been read and can be checked against it. */
struct stated {
	unsigned long line;
	int status;                /* index in rg_verdict_names (rg_overall_names at the root) */
	const char *counts[5];     /* items, satisfied, late, open, not-applicable; NULL if absent */
};

static const char *const count_names[5] = {"items", "satisfied", "late", "open", "not-applicable"};

/* The index of an attribute's value in names (0 when absent or unknown:
 * the schema refuses unknown values, and nothing is checked before it has
 * passed). */
static int attr_index(xmlNodePtr n, const char *name, const char *const *names)
{
	int idx = 0;
	char *v = rg_xml_attr(n, name);
	rg_str_in(v ? v : "", names, &idx);
	xmlFree(v);
	return idx;
}

/* The growing arrays of one action, the arena's once it ends. */
struct action_build {
	struct rg_item *items;
	size_t cap_items;
	struct rg_signin_obs *signins;
	size_t cap_signins;
};

static void start_action(struct rd *c, xmlNodePtr n, struct rg_action_result *a,
                         struct stated *st)
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
	st->line = (unsigned long)xmlGetLineNo(n);
	st->status = attr_index(n, "status", rg_verdict_names);
	for (size_t i = 0; i < 5; i++)
		st->counts[i] = get(c, n, count_names[i]);
}

/* One child of an <action>, expanded. */
static void read_action_child(struct rd *c, xmlNodePtr k, struct rg_action_result *a,
                              struct action_build *b)
{
	if (is(k, "wording")) {
		a->wording = text_of(c, k);
		a->wording_source = get(c, k, "source");
	} else if (is(k, "interpretation")) {
		a->interpretation = text_of(c, k);
	} else if (is(k, "item")) {
		rg_arena_tick();
		struct rg_item *v =
		    rg_arena_grow(c->arena, b->items, &b->cap_items, a->n_items + 1, sizeof *v);
		if (!v) {
			c->oom = true;
			return;
		}
		b->items = v;
		memset(&v[a->n_items], 0, sizeof *v);
		read_item(c, k, &v[a->n_items++]);
	} else if (is(k, "sign-ins")) {
		struct rg_signin_obs *v =
		    rg_array_grow(b->signins, &b->cap_signins, a->n_signins + 1, sizeof *v);
		if (!v) {
			c->oom = true;
			return;
		}
		b->signins = v;
		memset(&v[a->n_signins], 0, sizeof *v);
		read_signins(c, k, &v[a->n_signins++]);
	}
}

/* An array of n elements from rg_arena_grow, made the arena's (NULL when
 * empty); on failure the array is dropped and c->oom set. */
static void *keep_array(struct rd *c, void *v, size_t n, size_t size)
{
	void *kept = n ? rg_arena_keep_array(c->arena, &v, n * size) : NULL;
	if (n && !kept)
		c->oom = true;
	rg_arena_drop_array(c->arena, v); /* NULL once kept */
	return kept;
}

static void finish_action(struct rd *c, struct rg_action_result *a, struct action_build *b)
{
	a->items = keep_array(c, b->items, a->n_items, sizeof *a->items);
	a->signins = keep_array(c, b->signins, a->n_signins, sizeof *a->signins);
	memset(b, 0, sizeof *b);
	if (!a->items)
		a->n_items = 0;
	if (!a->signins)
		a->n_signins = 0;
}

static void read_files(struct rd *c, xmlNodePtr n, struct rg_results *r)
{
	size_t nf = count_children(n, "file");
	struct rg_file_info *f = rg_arena_alloc(c->arena, (nf + 1) * sizeof *f);
	if (!f) {
		c->oom = true;
		return;
	}
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (!is(k, "file"))
			continue;
		struct rg_file_info *fi = &f[r->n_files++];
		fi->path = get(c, k, "path");
		const char *sha = get(c, k, "sha256");
		snprintf(fi->sha256, sizeof fi->sha256, "%s", sha ? sha : "");
		fi->size = get_u64(c, k, "size");
	}
	r->files = f;
}

/* One child of the root other than an <action>, expanded. */
static void read_root_child(struct rd *c, xmlNodePtr n, struct rg_results *r)
{
	if (is(n, "bundle"))
		read_bundle(c, n, r);
	else if (is(n, "directive-definition"))
		read_directive(c, n, r);
	else if (is(n, "headline"))
		read_headline(c, n, &r->headline);
	else if (is(n, "evidence-files"))
		read_files(c, n, r);
}

/* The statuses and counts the file states must be those its items give. */
static void check_derived(struct rd *c, const struct stated *root, const struct stated *acts,
                          const struct rg_results *r)
{
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		const struct stated *st = &acts[k];
		if ((enum rg_verdict)st->status != a->status)
			bad_at(c, "action", st->line, "status", "render the report again from its bundle",
			       "action %s says %s but its items give %s", a->id,
			       rg_verdict_names[st->status], rg_verdict_names[a->status]);
		size_t values[5] = {a->n_items, a->counts[RG_SATISFIED], a->counts[RG_SATISFIED_LATE],
		                    rg_action_open(a), a->counts[RG_NOT_APPLICABLE]};
		for (size_t i = 0; i < 5; i++) {
			const char *v = st->counts[i];
			if (v && strtoull(v, NULL, 10) != values[i])
				bad_at(c, "action", st->line, count_names[i],
				       "render the report again from its bundle",
				       "action %s says %s items but has %zu", a->id, v, values[i]);
		}
	}
	if ((enum rg_overall)root->status != r->overall)
		bad_at(c, "compliance-report", root->line, "overall",
		       "render the report again from its bundle",
		       "says %s but its required actions give %s", rg_overall_names[root->status],
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

/* The streaming read proper: the model into r and what the file states of
 * itself into *root and *acts (a malloc'd array, the caller's).  Stops at
 * the first syntax error, a refused root or the depth limit. */
struct stream {
	struct rd *c;
	xmlTextReaderPtr rd;
	struct rg_results *r;
	struct stated root;
	struct stated *acts;
	size_t cap_actions, cap_acts;
	struct action_build build;
	bool root_seen, root_refused, too_deep, in_action;
	bool broken; /* the reader gave no node: not well-formed, or out of memory */
};

static bool add_action(struct stream *s, xmlNodePtr n)
{
	struct rd *c = s->c;
	struct rg_results *r = s->r;
	struct rg_action_result *a =
	    rg_array_grow(r->actions, &s->cap_actions, r->n_actions + 1, sizeof *a);
	if (a)
		r->actions = a;
	struct stated *st = rg_array_grow(s->acts, &s->cap_acts, r->n_actions + 1, sizeof *st);
	if (st)
		s->acts = st;
	if (!a || !st) {
		c->oom = true;
		return false;
	}
	memset(&a[r->n_actions], 0, sizeof *a);
	start_action(c, n, &a[r->n_actions], &st[r->n_actions]);
	r->n_actions++;
	return true;
}

/* Handles the node the reader is on; false to stop.  *skip: the node was
 * expanded and read whole, so the reader moves past it (xmlTextReaderNext). */
static bool stream_node(struct stream *s, bool *skip)
{
	struct rd *c = s->c;
	xmlTextReaderPtr rd = s->rd;
	int type = xmlTextReaderNodeType(rd), depth = xmlTextReaderDepth(rd);
	if (depth + 1 > REPORT_MAX_DEPTH) {
		s->too_deep = true;
		return false;
	}
	if (type != XML_READER_TYPE_ELEMENT && type != XML_READER_TYPE_END_ELEMENT)
		return true; /* blanks, and text the schema refuses */
	xmlNodePtr n = xmlTextReaderCurrentNode(rd);
	if (!n) {
		s->broken = true;
		return false;
	}
	bool start = type == XML_READER_TYPE_ELEMENT;
	bool empty = start && xmlTextReaderIsEmptyElement(rd);
	if (depth == 0) {
		if (!start)
			return true;
		s->root_seen = true;
		if (!check_root(c, n)) {
			s->root_refused = true;
			return false;
		}
		struct rg_time gen = {0};
		get_time(c, n, "generated", &gen);
		s->r->generated_ms = gen.ms;
		s->r->generator = get(c, n, "generator");
		s->root.line = (unsigned long)xmlGetLineNo(n);
		s->root.status = attr_index(n, "overall", rg_overall_names);
		return true;
	}
	if (depth == 1 && is(n, "action")) {
		if (start && !add_action(s, n))
			return false;
		s->in_action = start && !empty;
		if (!s->in_action)
			finish_action(c, &s->r->actions[s->r->n_actions - 1], &s->build);
		return !c->oom;
	}
	if (!start)
		return true;
	/* A whole element: the root's other children, an action's children. */
	*skip = true;
	if (!(n = xmlTextReaderExpand(rd))) {
		s->broken = true; /* a syntax error, reported */
		return false;
	}
	if (depth + rg_xml_depth(n) > REPORT_MAX_DEPTH) {
		s->too_deep = true;
		return false;
	}
	if (depth == 1)
		read_root_child(c, n, s->r);
	else if (s->in_action && depth == 2)
		read_action_child(c, n, &s->r->actions[s->r->n_actions - 1], &s->build);
	return !c->oom;
}

/* What the read found, in the order the kinds of problem are reported. */
static rg_status report(struct stream *s, struct rg_xml_errors *errors, int ret,
                        struct rg_diags *syntax, struct rg_diags *violations,
                        struct rg_diags *diags)
{
	struct rd *c = s->c;
	const char *name = c->file;
	if (c->oom)
		goto oom;
	if (errors->count || ret < 0 || s->broken ||
	    (!s->root_refused && !s->too_deep && !s->root_seen)) {
		if (!errors->count)
			rg_diag_err(syntax, "xml.syntax", name, 0, NULL, "fix the XML syntax",
			            "is not well-formed XML");
		rg_diags_move(diags, syntax);
		return RG_EINPUT;
	}
	if (s->root_refused) {
		rg_diags_move(diags, c->diags);
		return RG_EINPUT;
	}
	if (s->too_deep) {
		rg_diag_err(diags, "limit.xml-depth", name, 0, NULL,
		            "raise it with --max-xml-depth if the document is genuine",
		            "nests elements deeper than the limit (%d levels)", REPORT_MAX_DEPTH);
		return RG_EINPUT;
	}
	if (errors->schema->count || xmlTextReaderIsValid(s->rd) != 1) {
		if (!errors->schema->count)
			rg_diag_err(violations, "xml.schema", name, 0, NULL, errors->schema->hint,
			            "does not match its schema");
		rg_diags_move(diags, violations);
		return RG_EINPUT;
	}
	struct rg_results *r = s->r;
	for (size_t k = 0; k < r->n_actions; k++)
		if (r->actions[k].n_items == 0)
			bad_at(c, "compliance-report", s->root.line, NULL, NULL, "action %s has no items",
			       r->actions[k].id);
	if (c->ok) {
		rg_results_finish(r);
		check_derived(c, &s->root, s->acts, r);
	}
	if (c->oom)
		goto oom;
	rg_diags_move(diags, c->diags);
	return c->ok ? RG_OK : RG_EINPUT;
oom:
	rg_diag_err(diags, "env.nomem", name, 0, NULL, NULL, "out of memory reading the report");
	return RG_EENV;
}

/* Reads the document from `in` a piece at a time, or else from the len
 * bytes at bytes. */
static rg_status parse(struct rg_results **out, const char *name, FILE *in, const char *bytes,
                       size_t len, struct rg_arena *arena, struct rg_diags *diags)
{
	*out = NULL;
	char *xsd = rg_data_path("templates", "report.xsd");
	xmlSchemaPtr schema = xsd ? rg_xml_schema_load(xsd, diags) : NULL;
	free(xsd);
	if (!schema)
		return RG_EENV;
	struct rg_results *r = rg_arena_alloc(arena, sizeof *r);
	if (!r) {
		xmlSchemaFree(schema);
		rg_diag_err(diags, "env.nomem", name, 0, NULL, NULL, "out of memory reading the report");
		return RG_EENV;
	}
	/* Each kind of problem is held apart until the read ends, to report
	 * only the first kind there is (see the top of the file). */
	struct rg_diags syntax, violations, checks;
	rg_diags_init(&syntax);
	rg_diags_init(&violations);
	rg_diags_init(&checks);
	struct rg_xml_errors schema_errors = {&violations, name, "xml.schema",
	                                      "see the schema report.xsd", 0, NULL, false};
	struct rg_xml_errors errors = {.diags = &syntax, .schema = &schema_errors};
	struct rd c = {arena, &checks, name, true, false};
	struct stream s = {.c = &c, .r = r};
	s.rd = in ? rg_xml_reader_file(name, in, &errors) : rg_xml_reader(name, bytes, len, &errors);
	rg_status st;
	if (!s.rd) {
		rg_diags_move(diags, &syntax);
		st = RG_EINPUT; /* refused before reading, and said why */
	} else if (xmlTextReaderSetSchema(s.rd, schema) != 0) {
		rg_diag_err(diags, "env.schema", name, 0, NULL, NULL,
		            "cannot validate against the XML Schema report.xsd");
		st = RG_EENV;
	} else {
		int ret = xmlTextReaderRead(s.rd);
		while (ret == 1 && !errors.count) {
			bool skip = false;
			if (!stream_node(&s, &skip))
				break;
			ret = skip ? xmlTextReaderNext(s.rd) : xmlTextReaderRead(s.rd);
		}
		/* The arrays become the arena's, whatever the outcome. */
		if (s.in_action)
			finish_action(&c, &r->actions[r->n_actions - 1], &s.build);
		r->actions = keep_array(&c, r->actions, r->n_actions, sizeof *r->actions);
		if (!r->actions)
			r->n_actions = 0;
		st = report(&s, &errors, ret, &syntax, &violations, diags);
	}
	free(s.acts);
	if (s.rd)
		rg_xml_reader_free(s.rd);
	xmlSchemaFree(schema);
	rg_diags_free(&syntax);
	rg_diags_free(&violations);
	rg_diags_free(&checks);
	if (st == RG_OK)
		*out = r;
	return st;
}

rg_status rg_report_xml_parse(struct rg_results **out, const char *name, const char *bytes,
                              size_t len, struct rg_arena *arena, struct rg_diags *diags)
{
	return parse(out, name, NULL, bytes, len, arena, diags);
}

rg_status rg_report_xml_read(struct rg_results **out, const char *path, uint64_t max_bytes,
                             struct rg_arena *arena, struct rg_diags *diags)
{
	*out = NULL;
	/* In pieces: the file is never in memory whole (18.7 MB at 50,000
	 * findings, beside the model read from it). */
	FILE *in = rg_open_capped(path, max_bytes, diags);
	if (!in)
		return RG_EENV;
	rg_status st = parse(out, path, in, NULL, 0, arena, diags);
	fclose(in); /* read only: nothing to lose */
	return st;
}
