/*
 * template.c: reads a template file into struct rg_template (template.h).
 *
 * The file is parsed with libxml2 without network access or entity
 * expansion, then checked by hand: every text id of rg_tpl_key present
 * once, placeholders known, colours "#rrggbb", page "letter" or "a4".
 * Every problem found is reported (not only the first) with the file and
 * line, and the load fails with RG_EINPUT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/paths.h"
#include "core/str.h"
#include "core/xml.h"
#include "views/pdf.h"
#include "views/template.h"

#define NS "urn:reportgen:template:1"

static const char *const key_ids[RG_T_COUNT] = {
	"report.title", "summary.title", "subject", "footer",
	"cover.heading", "cover.agency", "cover.directive", "cover.overall",
	"cover.notification", "cover.notified", "cover.not-notified",
	"cover.bundle", "cover.digest", "cover.generated", "cover.contact",
	"overall.compliant", "overall.compliant-late", "overall.non-compliant",
	"status.not-satisfied", "status.insufficient-evidence", "status.satisfied-late",
	"status.satisfied", "status.not-applicable",
	"kind.required", "kind.advisory",
	"actions.heading", "actions.intro",
	"col.action", "col.title", "col.kind", "col.status", "col.deadline",
	"col.items", "col.late", "col.open", "no-deadline",
	"timeline.heading", "timeline.intro", "timeline.alt",
	"legend.on-time", "legend.late", "legend.not-done", "legend.deadline",
	"legend.notified", "chart.not-done", "chart.axis",
	"lane.correspondence", "lane.immediate", "lane.credential", "lane.log-review",
	"lane.event",
	"details.heading", "action.heading", "action.status", "action.deadline",
	"action.window", "action.wording", "action.source", "action.note",
	"action.counts", "action.no-items",
	"col.number", "col.subject", "col.evidence", "col.late-by", "col.reason",
	"signins.heading", "signins.intro", "col.account", "col.window",
	"col.successes", "col.ips", "col.first", "col.last", "signins.none",
	"evidence.heading", "evidence.intro", "col.file", "col.bytes", "col.sha256",
	"evidence.bundle",
	"signer.heading", "signer.subject", "signer.issuer", "signer.serial",
	"signer.not-after", "signer.none",
	"summary.heading", "summary.overall", "summary.actions", "summary.counts",
	"count.emails", "count.secrets", "count.accounts", "count.late-open",
	"summary.items", "summary.no-items", "summary.more", "summary.chart",
	"summary.signed", "summary.link", "summary.section", "continued",
	"cover.definition", "cover.definition-value", "cover.generator", "definition.modified",
	"item.corroborated", "item.not-corroborated", "action.audit-log", "action.corroboration",
	"count.corroborated",
	"overall.not-notified", "summary.todo", "summary.todo-intro",
	"summary.todo-none", "summary.todo-not-notified", "col.todo", "col.overdue",
	"col.accountable", "todo.items", "todo.late", "overdue.days",
	"overdue.not-yet", "deadline.per-item", "signature.signed", "signature.demo",
	"signature.none", "summary.items-intro",
	"contents.heading", "scope.heading", "scope.judged", "scope.definition",
	"scope.rules", "scope.limits", "scope.times", "cover.times",
	"items.attention", "items.satisfied", "col.done", "col.note",
	"signer.signed-at", "signer.validity", "signer.validity-value",
	"legend.due", "col.section", "col.page", "deadline.window",
	"items.not-applicable",
};

static const char *const colour_ids[RG_C_COUNT] = {
	"text", "muted", "accent", "rule", "header-background", "stripe",
	"not-satisfied", "insufficient-evidence", "satisfied-late", "satisfied", "not-applicable",
};

static const char *const section_ids[RG_S_COUNT] = {
	"cover", "actions", "timeline", "details", "evidence", "signer",
	"overall", "counts", "chart", "items",
	"todo", "contents", "scope",
};

/* Placeholders a text may use; pdf_*.c fill them (pdf_doc.c, doc_vars). */
static const char *const var_names[] = {
	"agency", "agency_id", "component", "directive", "directive_title", "directive_version",
	"overall", "generated", "bundle", "bundle_sha256", "notified",
	"emails_reviewed", "emails_total", "secrets_found", "secrets_remediated",
	"accounts_reviewed", "accounts_total", "items_late", "items_open", "actions",
	"page", "pages", "n", "id", "title", "status", "deadline", "window", "start", "end",
	"items", "late", "open", "contact", "contact_role", "contact_email", "date",
	"directive_file", "directive_sha256", "directive_digest16", "generator", "definition_note",
	"remediations_checked", "remediations_corroborated", "corroborated_percent",
	"corroboration_window", "sources",
	"cn", "org", "zone", "where", "generated_date",
	NULL,
};

char *rg_tpl_expand(const char *text, const struct rg_tpl_var *vars, size_t n_vars,
                    const struct rg_tpl_var *more, size_t n_more)
{
	struct rg_buf b;
	rg_buf_init(&b, 0);
	if (rg_buf_append(&b, "", 0) != RG_BUF_OK)
		return NULL;
	const char *p = text;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			if (rg_buf_append(&b, p, strlen(p)) != RG_BUF_OK)
				goto oom;
			break;
		}
		if (rg_buf_append(&b, p, (size_t)(open - p)) != RG_BUF_OK)
			goto oom;
		size_t n = (size_t)(close - open - 1);
		const char *val = NULL;
		for (size_t i = 0; i < n_vars + n_more && !val; i++) {
			const struct rg_tpl_var *v = i < n_vars ? &vars[i] : &more[i - n_vars];
			if (strlen(v->name) == n && memcmp(v->name, open + 1, n) == 0)
				val = v->value ? v->value : "";
		}
		if (val) {
			if (rg_buf_append(&b, val, strlen(val)) != RG_BUF_OK)
				goto oom;
		} else if (rg_buf_append(&b, open, n + 2) != RG_BUF_OK) {
			goto oom;
		}
		p = close + 1;
	}
	return b.data;
oom:
	rg_buf_free(&b);
	return NULL;
}

static bool is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST NS) &&
	       xmlStrEqual(n->name, BAD_CAST name);
}

/* An attribute copied into the arena, or NULL when absent. */
static const char *attr(struct rg_arena *a, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	if (!v)
		return NULL;
	char *s = rg_arena_strdup(a, (const char *)v);
	xmlFree(v);
	return s;
}

static bool parse_colour(struct rg_rgb *out, const char *s)
{
	if (!s || strlen(s) != 7 || s[0] != '#')
		return false;
	unsigned v[3];
	for (int i = 0; i < 3; i++) {
		char hex[3] = {s[1 + 2 * i], s[2 + 2 * i], 0};
		char *end;
		v[i] = (unsigned)strtoul(hex, &end, 16);
		if (*end)
			return false;
	}
	out->r = v[0] / 255.0;
	out->g = v[1] / 255.0;
	out->b = v[2] / 255.0;
	return true;
}

static bool set_page(struct rg_template *t, const char *name)
{
	if (strcmp(name, "letter") == 0) {
		t->page_name = "letter";
		t->page_w = 612;
		t->page_h = 792;
	} else if (strcmp(name, "a4") == 0) {
		t->page_name = "a4";
		t->page_w = 595.276;
		t->page_h = 841.89;
	} else {
		return false;
	}
	return true;
}

/* Reports each {name} of text that is not a known placeholder. */
static void check_placeholders(const char *text, const char *file, unsigned long line,
                               const char *id, struct rg_diags *diags, bool *bad)
{
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		if (!close)
			break;
		size_t n = (size_t)(close - p - 1);
		bool known = false;
		for (size_t i = 0; var_names[i] && !known; i++)
			known = strlen(var_names[i]) == n && memcmp(var_names[i], p + 1, n) == 0;
		if (!known) {
			rg_diag_err(diags, "template.placeholder", file, line, id,
			            "see docs/pdf.md for the placeholders a text can use",
			            "text \"%s\" uses the unknown placeholder {%.*s}", id, (int)n, p + 1);
			*bad = true;
		}
	}
}

static void read_sections(enum rg_tpl_section *out, size_t *n_out, const char *list,
                          const char *file, unsigned long line, struct rg_diags *diags,
                          bool *bad)
{
	*n_out = 0;
	const char *p = list;
	while (*p) {
		p += strspn(p, " \t\r\n");
		size_t n = strcspn(p, " \t\r\n");
		if (!n)
			break;
		int found = -1;
		for (int i = 0; i < RG_S_COUNT; i++)
			if (strlen(section_ids[i]) == n && memcmp(section_ids[i], p, n) == 0)
				found = i;
		if (found < 0 || *n_out == RG_S_COUNT) {
			rg_diag_err(diags, "template.section", file, line, "sections",
			            "sections are: cover actions timeline details evidence signer "
			            "(report), overall actions counts chart items (summary)",
			            "unknown or repeated section \"%.*s\"", (int)n, p);
			*bad = true;
		} else {
			out[(*n_out)++] = (enum rg_tpl_section)found;
		}
		p += n;
	}
}

static rg_status read_template(struct rg_template *t, xmlDoc *doc, const char *file,
                               struct rg_arena *a, struct rg_diags *diags)
{
	bool bad = false;
	xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !is_el(root, "template")) {
		rg_diag_err(diags, "template.root", file, root ? (unsigned long)root->line : 0, NULL,
		            "the root must be <template xmlns=\"" NS "\">",
		            "not a reportgen template");
		return RG_EINPUT;
	}
	t->lang = attr(a, root, "lang");
	if (!t->lang || !*t->lang) {
		rg_diag_err(diags, "template.lang", file, (unsigned long)root->line, "lang",
		            "write the document language, e.g. lang=\"en-US\"",
		            "the template has no language");
		bad = true;
	}
	unsigned long text_line[RG_T_COUNT] = {0};
	bool colour_seen[RG_C_COUNT] = {false};
	bool have_page = false, have_fonts = false, have_report = false, have_summary = false;
	for (xmlNode *n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		unsigned long line = (unsigned long)n->line;
		if (is_el(n, "page")) {
			const char *size = attr(a, n, "size"), *margin = attr(a, n, "margin");
			char *end = NULL;
			t->margin = margin ? strtod(margin, &end) : 0;
			if (!size || !set_page(t, size)) {
				rg_diag_err(diags, "template.page", file, line, "size",
				            "write size=\"letter\" or size=\"a4\"",
				            "unknown page size \"%s\"", size ? size : "");
				bad = true;
			}
			if (!margin || *end || t->margin < 18 || t->margin > 144) {
				rg_diag_err(diags, "template.margin", file, line, "margin",
				            "a margin in points between 18 and 144, e.g. margin=\"54\"",
				            "bad margin \"%s\"", margin ? margin : "");
				bad = true;
			}
			have_page = true;
		} else if (is_el(n, "fonts")) {
			const char *size = attr(a, n, "size");
			char *end = NULL;
			t->font_sans = attr(a, n, "sans");
			t->font_mono = attr(a, n, "mono");
			t->font_size = size ? strtod(size, &end) : 0;
			if (!t->font_sans || !t->font_mono || !size || *end || t->font_size < 6 ||
			    t->font_size > 16) {
				rg_diag_err(diags, "template.fonts", file, line, NULL,
				            "write <fonts sans=\"Noto Sans\" mono=\"Noto Sans Mono\" size=\"9\"/> "
				            "(size 6 to 16 points)",
				            "incomplete or bad <fonts>");
				bad = true;
			}
			have_fonts = true;
		} else if (is_el(n, "colour")) {
			const char *name = attr(a, n, "name"), *value = attr(a, n, "value");
			int idx = -1;
			for (int i = 0; i < RG_C_COUNT && name && idx < 0; i++)
				if (strcmp(colour_ids[i], name) == 0)
					idx = i;
			if (idx < 0) {
				rg_diag_err(diags, "template.colour", file, line, "name", NULL,
				            "unknown colour \"%s\"", name ? name : "");
				bad = true;
			} else if (!parse_colour(&t->colour[idx], value)) {
				rg_diag_err(diags, "template.colour", file, line, "value",
				            "write colours as #rrggbb", "bad colour \"%s\" for %s",
				            value ? value : "", name);
				bad = true;
			} else {
				colour_seen[idx] = true;
			}
		} else if (is_el(n, "text")) {
			const char *id = attr(a, n, "id");
			int idx = -1;
			for (int i = 0; i < RG_T_COUNT && id && idx < 0; i++)
				if (strcmp(key_ids[i], id) == 0)
					idx = i;
			if (idx < 0) {
				rg_diag_err(diags, "template.text", file, line, "id", NULL,
				            "unknown text id \"%s\"", id ? id : "");
				bad = true;
				continue;
			}
			if (text_line[idx]) {
				rg_diag_err(diags, "template.text", file, line, "id", NULL,
				            "text \"%s\" defined twice (first on line %lu)", id,
				            text_line[idx]);
				bad = true;
				continue;
			}
			xmlChar *content = xmlNodeGetContent(n);
			/* Whitespace runs (the file's line breaks) collapse to one
			 * space: the layout wraps, the template author does not. */
			char *s = rg_arena_strdup(a, content ? (const char *)content : "");
			xmlFree(content);
			if (!s)
				return RG_EENV;
			char *w = s;
			bool space = true;
			for (const char *r = s; *r; r++) {
				bool ws = *r == ' ' || *r == '\t' || *r == '\n' || *r == '\r';
				if (ws && space)
					continue;
				*w++ = ws ? ' ' : *r;
				space = ws;
			}
			while (w > s && w[-1] == ' ')
				w--;
			*w = '\0';
			t->text[idx] = s;
			text_line[idx] = line;
			check_placeholders(s, file, line, id, diags, &bad);
		} else if (is_el(n, "report") || is_el(n, "summary")) {
			const char *list = attr(a, n, "sections");
			bool rep = is_el(n, "report");
			read_sections(rep ? t->report : t->summary, rep ? &t->n_report : &t->n_summary,
			              list ? list : "", file, line, diags, &bad);
			if (rep)
				have_report = true;
			else
				have_summary = true;
		} else {
			rg_diag_err(diags, "template.element", file, line, (const char *)n->name,
			            "a template holds page, fonts, colour, text, report and summary",
			            "unknown element <%s>", (const char *)n->name);
			bad = true;
		}
	}
	unsigned long rl = (unsigned long)root->line;
	if (!have_page || !have_fonts || !have_report || !have_summary) {
		rg_diag_err(diags, "template.incomplete", file, rl, NULL, NULL,
		            "the template needs <page>, <fonts>, <report> and <summary>");
		bad = true;
	}
	for (int i = 0; i < RG_C_COUNT; i++)
		if (!colour_seen[i]) {
			rg_diag_err(diags, "template.colour", file, rl, colour_ids[i], NULL,
			            "colour \"%s\" is not defined", colour_ids[i]);
			bad = true;
		}
	for (int i = 0; i < RG_T_COUNT; i++)
		if (!t->text[i]) {
			rg_diag_err(diags, "template.text", file, rl, key_ids[i],
			            "copy it from templates/default.xml", "text \"%s\" is not defined",
			            key_ids[i]);
			bad = true;
		}
	return bad ? RG_EINPUT : RG_OK;
}

rg_status rg_template_load(struct rg_template **out, const char *name_or_path,
                           const char *page_size, struct rg_arena *arena,
                           struct rg_diags *diags)
{
	*out = NULL;
	char *path;
	/* A bare name (no '/' and no ".xml") is an installed template. */
	size_t len = strlen(name_or_path);
	if (!strchr(name_or_path, '/') && !(len > 4 && strcmp(name_or_path + len - 4, ".xml") == 0)) {
		char *file = rg_asprintf("%s.xml", name_or_path);
		path = file ? rg_data_path("templates", file) : NULL;
		free(file);
	} else {
		path = rg_asprintf("%s", name_or_path);
	}
	if (!path)
		return RG_EENV;
	struct rg_template *t = rg_arena_alloc(arena, sizeof *t);
	const char *apath = rg_arena_strdup(arena, path);
	free(path);
	if (!t || !apath)
		return RG_EENV;
	t->path = apath;

	/* Through the one safe XML reader (core/xml.h): it also keeps the
	 * process-wide entity loader, which refuses every file, out of the way. */
	char *bytes;
	size_t nbytes;
	rg_status st = rg_read_file(&bytes, &nbytes, apath, RG_XML_DEFAULT_MAX_BYTES, diags);
	if (st != RG_OK)
		return st == RG_EENV && access(apath, F_OK) != 0 ? RG_EINPUT : st;
	xmlDoc *doc = rg_xml_parse(apath, bytes, nbytes, RG_XML_DEFAULT_MAX_DEPTH, diags);
	free(bytes);
	if (!doc) {
		st = RG_EINPUT;
	} else {
		st = read_template(t, doc, apath, arena, diags);
		xmlFreeDoc(doc);
	}
	if (st == RG_OK && page_size && !set_page(t, page_size)) {
		rg_diag_err(diags, "template.page", "--page-size", 0, NULL,
		            "write letter or a4", "unknown page size \"%s\"", page_size);
		st = RG_EINPUT;
	}
	if (st == RG_OK)
		*out = t;
	return st;
}
