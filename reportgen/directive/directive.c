/*
 * directive.c: reads a directive definition (see directive.h).
 *
 * The schema (directives/directive.xsd) has already checked structure and
 * enumerations when the extraction below runs, so it asserts what the
 * schema guarantees and diagnoses only what a schema cannot express:
 * calendar-valid deadlines and which parameters each rule needs.
 */
#include "directive/directive.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/limits.h"
#include "core/digest.h"
#include "core/file.h"
#include "core/paths.h"
#include "core/str.h"
#include "core/xml.h"

const char *const rg_step_kind_names[] = {"row-deadline", "event", "first-related", "coverage",
                                          NULL};

/* The column types an attribute that names a time may name (one set for
 * every step kind). */
static const unsigned time_types = (1u << RG_COL_TIME) | (1u << RG_COL_DATE);

struct ctx {
	struct rg_arena *arena;
	struct rg_diags *diags;
	const char *file;
	bool ok;
	struct rg_profile *profile; /* once <evidence> is read */
	const char *rows_name;
	xmlDocPtr schema; /* templates/report.xsd, for the reason codes */
};

static char *text_of(struct ctx *c, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	if (!t)
		return NULL;
	/* Collapse the indentation of multi-line text into single spaces. */
	char *s = (char *)t, *w = s;
	bool space = true;
	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			if (!space)
				*w++ = ' ';
			space = true;
		} else {
			*w++ = *r;
			space = false;
		}
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	char *copy = rg_arena_strdup(c->arena, s);
	xmlFree(t);
	return copy;
}

static char *attr(struct ctx *c, xmlNodePtr n, const char *name)
{
	char *v = rg_xml_attr(n, name);
	if (!v)
		return NULL;
	char *copy = rg_arena_strdup(c->arena, v);
	xmlFree(v);
	return copy;
}

static void problem(struct ctx *c, xmlNodePtr n, const char *hint, const char *what)
{
	rg_diag_err(c->diags, "directive.invalid", c->file, (unsigned long)xmlGetLineNo(n),
	            (const char *)n->name, hint, "%s", what);
	c->ok = false;
}

/* A problem with one attribute of a <column> or <table>: the diagnostic's
 * column says which ("<column name=\"email_id\"> @table"). */
static void attr_problem(struct ctx *c, xmlNodePtr n, const char *attrname, const char *hint,
                         const char *what)
{
	char *name = attr(c, n, strcmp((const char *)n->name, "table") == 0 ? "file" : "name");
	char col[200];
	snprintf(col, sizeof col, "<%s %s=\"%s\"> @%s", (const char *)n->name,
	         strcmp((const char *)n->name, "table") == 0 ? "file" : "name", name ? name : "?",
	         attrname);
	rg_diag_err(c->diags, "directive.invalid", c->file, (unsigned long)xmlGetLineNo(n), col, hint,
	            "%s", what);
	c->ok = false;
}

/* A space-separated list as a NULL-terminated array in the arena. */
static const char *const *split_list(struct ctx *c, const char *s, size_t *n)
{
	size_t count = 0;
	for (const char *p = s; *p;) {
		while (*p == ' ')
			p++;
		if (*p)
			count++;
		p += strcspn(p, " ");
	}
	const char **v = rg_arena_alloc(c->arena, (count + 1) * sizeof *v);
	if (!v) {
		c->ok = false;
		return NULL;
	}
	size_t k = 0;
	for (const char *p = s; *p;) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (len)
			v[k++] = rg_arena_strndup(c->arena, p, len);
		p += len;
	}
	v[k] = NULL;
	*n = count;
	return v;
}

static bool yes(struct ctx *c, xmlNodePtr n, const char *name)
{
	char *v = attr(c, n, name);
	return v && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0);
}

/* <evidence>: the tables and their columns (profile.h).  The schema has
 * checked the attributes' spellings; what it cannot check (a reference to
 * a table that is not declared, a column name that is not in its table)
 * is checked here, every problem listed. */
static void read_evidence(struct ctx *c, xmlNodePtr ev, struct rg_profile *p)
{
	size_t n = 0;
	for (xmlNodePtr t = ev->children; t; t = t->next)
		n += t->type == XML_ELEMENT_NODE;
	p->tables = rg_arena_alloc(c->arena, (n + 1) * sizeof *p->tables);
	if (!p->tables) {
		c->ok = false;
		return;
	}
	for (xmlNodePtr tn = ev->children; tn; tn = tn->next) {
		if (tn->type != XML_ELEMENT_NODE)
			continue;
		struct rg_table_spec *t = &p->tables[p->n_tables++];
		memset(t, 0, sizeof *t);
		t->file = attr(c, tn, "file");
		t->noun = attr(c, tn, "row");
		t->contents = attr(c, tn, "contents");
		t->required = yes(c, tn, "required");
		t->id_col = -1;
		size_t nc = 0;
		for (xmlNodePtr cn = tn->children; cn; cn = cn->next)
			nc += cn->type == XML_ELEMENT_NODE;
		t->cols = rg_arena_alloc(c->arena, (nc + 1) * sizeof *t->cols);
		if (!t->cols) {
			c->ok = false;
			return;
		}
		if (nc > 64)
			attr_problem(c, tn, "file", "split the table; a table has at most 64 columns",
			             "declares more than 64 columns");
		for (xmlNodePtr cn = tn->children; cn && t->n_cols < 64; cn = cn->next) {
			if (cn->type != XML_ELEMENT_NODE)
				continue;
			struct rg_column_spec *col = &t->cols[t->n_cols++];
			memset(col, 0, sizeof *col);
			col->not_before = -1;
			col->name = attr(c, cn, "name");
			col->required = yes(c, cn, "required");
			int ty = RG_COL_TEXT;
			char *type = attr(c, cn, "type");
			bool known = type && rg_str_in(type, rg_coltype_names, &ty) && ty != RG_COL_IP;
			assert(known || !type); /* the schema enumerates the types */
			(void)known;
			col->type = (enum rg_coltype)ty;
			char *values = attr(c, cn, "values");
			if (values)
				col->values = split_list(c, values, &col->n_values);
			if (col->n_values > RG_COL_MAX_VALUES)
				attr_problem(c, cn, "values", "give the column at most 1000 values",
				             "lists too many values");
			col->ref_table = attr(c, cn, "table");
			col->ref_requires = attr(c, cn, "requires");
			col->yes_needs_table = attr(c, cn, "answered-by");
			col->yes_means = attr(c, cn, "yes-means");
			char *m = attr(c, cn, "matches");
			if (m) {
				size_t k = strcspn(m, " ");
				col->matches_table = rg_arena_strndup(c->arena, m, k);
				col->matches_column = m[k] ? m + k + 1 : "";
			}
			col->attachment = yes(c, cn, "attachment");
			/* Until a rule names it (mark_read), or the reader checks it:
			 * a cited document, a value that should match another column's. */
			col->unread = (col->type == RG_COL_TEXT || col->type == RG_COL_ACCOUNT) &&
			              !col->attachment && !col->matches_table;
			col->day_offset = attr(c, cn, "day-ends");
			char *nb = attr(c, cn, "not-before");
			if (nb) {
				col->not_before = rg_table_spec_column(t, nb);
				if (col->not_before < 0)
					attr_problem(c, cn, "not-before", "name a time column declared before this one in the same table",
					             "names no earlier column of this table");
			}
			if (col->type == RG_COL_ID) {
				if (t->id_col >= 0)
					attr_problem(c, cn, "type", "keep one column of type id per table",
					             "is a second id column of the table");
				t->id_col = (int)(col - t->cols);
				col->required = true;
			}
			if (col->type == RG_COL_ENUM && !col->values)
				attr_problem(c, cn, "values", "list the allowed values, e.g. values=\"low moderate high\"",
				             "is missing: an enum column needs its values");
			if (col->type == RG_COL_REF && !col->ref_table)
				attr_problem(c, cn, "table", "name the table it refers to, e.g. table=\"x.csv\"",
				             "is missing: a reference column needs the table it refers to");
			for (size_t k = 0; k + 1 < t->n_cols; k++)
				if (strcmp(t->cols[k].name, col->name) == 0)
					attr_problem(c, cn, "name", "give each column of a table its own name",
					             "is declared twice in its table");
		}
		for (size_t k = 0; k + 1 < p->n_tables; k++)
			if (strcmp(p->tables[k].file, t->file) == 0)
				attr_problem(c, tn, "file", "declare each table once", "is declared twice");
		if (strcmp(t->file, RG_F_SIGNINS) == 0 || strcmp(t->file, RG_F_AUDIT_EVENTS) == 0 ||
		    strcmp(t->file, RG_F_MANIFEST) == 0)
			attr_problem(c, tn, "file", "choose another file name", "is a file of the bundle format itself");
	}
	/* Cross-table references, once every table is known. */
	xmlNodePtr tn = ev->children;
	for (size_t k = 0; k < p->n_tables; k++, tn = tn->next) {
		while (tn->type != XML_ELEMENT_NODE)
			tn = tn->next;
		const struct rg_table_spec *t = &p->tables[k];
		xmlNodePtr cn = tn->children;
		for (size_t i = 0; i < t->n_cols; i++, cn = cn->next) {
			while (cn->type != XML_ELEMENT_NODE)
				cn = cn->next;
			const struct rg_column_spec *col = &t->cols[i];
			if (col->ref_table) {
				const struct rg_table_spec *r = rg_profile_table(p, col->ref_table);
				if (!r || r->id_col < 0)
					attr_problem(c, cn, "table", "name a table declared in <evidence> that has an id column",
					             "names no declared table with an id column");
				else if (col->ref_requires) {
					int rc = rg_table_spec_column(r, col->ref_requires);
					if (rc < 0 || r->cols[rc].type != RG_COL_BOOL)
						attr_problem(c, cn, "requires", "name a boolean column of the referenced table",
						             "names no boolean column of the referenced table");
				}
			}
			if (col->yes_needs_table) {
				const struct rg_table_spec *r = rg_profile_table(p, col->yes_needs_table);
				bool refers = false;
				for (size_t j = 0; r && j < r->n_cols; j++)
					refers |= r->cols[j].type == RG_COL_REF &&
					          strcmp(r->cols[j].ref_table, t->file) == 0;
				if (col->type != RG_COL_BOOL || t->id_col < 0 || !refers)
					attr_problem(c, cn, "answered-by",
					             "put it on a boolean column of a table with an id, naming a table whose reference column refers to this table",
					             "names no table with a reference to this one");
			}
			if (col->matches_table) {
				const struct rg_table_spec *r = rg_profile_table(p, col->matches_table);
				if (!r || rg_table_spec_column(r, col->matches_column) < 0)
					attr_problem(c, cn, "matches", "write matches=\"FILE COLUMN\" naming a declared table and its column",
					             "names no declared column");
			}
		}
	}
}

/* The reason codes report.xml may carry: the enumeration of the
 * reason-code type of templates/report.xsd, read from the installed schema
 * so that a definition cannot make a report that fails it.  NULL when the
 * schema cannot be read (the codes are then not checked). */
static xmlDocPtr report_schema(void)
{
	char *path = rg_data_path("templates", "report.xsd");
	struct rg_diags quiet;
	rg_diags_init(&quiet);
	char *bytes = NULL;
	size_t len = 0;
	xmlDocPtr doc = NULL;
	if (path && rg_read_file(&bytes, &len, path, 1 << 20, &quiet) == RG_OK)
		doc = rg_xml_parse(path, bytes, len, 64, &quiet);
	free(bytes);
	free(path);
	rg_diags_free(&quiet);
	return doc;
}

static bool known_code(xmlNodePtr n, const char *code, size_t len)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "simpleType") == 0) {
			xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
			bool is = name && strcmp((const char *)name, "reason-code") == 0;
			xmlFree(name);
			if (!is)
				continue;
			for (xmlNodePtr r = n->children; r; r = r->next)
				for (xmlNodePtr e = r->children; e; e = e->next) {
					if (e->type != XML_ELEMENT_NODE ||
					    strcmp((const char *)e->name, "enumeration") != 0)
						continue;
					xmlChar *v = xmlGetProp(e, (const xmlChar *)"value");
					bool match = v && strlen((const char *)v) == len &&
					             strncmp((const char *)v, code, len) == 0;
					xmlFree(v);
					if (match)
						return true;
				}
			return false;
		}
	}
	return false;
}

/* The <reason on code> children of n. */
static struct rg_reason_tpl *read_reasons(struct ctx *c, xmlNodePtr n, size_t *count)
{
	size_t k = 0;
	for (xmlNodePtr r = n->children; r; r = r->next)
		k += r->type == XML_ELEMENT_NODE;
	struct rg_reason_tpl *v = rg_arena_alloc(c->arena, (k + 1) * sizeof *v);
	if (!v) {
		c->ok = false;
		return NULL;
	}
	*count = 0;
	for (xmlNodePtr r = n->children; r; r = r->next) {
		if (r->type != XML_ELEMENT_NODE || strcmp((const char *)r->name, "reason") != 0)
			continue;
		struct rg_reason_tpl *t = &v[(*count)++];
		t->on = attr(c, r, "on");
		t->codes = attr(c, r, "code");
		t->text = text_of(c, r);
		if (!t->text)
			c->ok = false;
		if (!t->codes && t->on && strcmp(t->on, "not-covered") != 0)
			problem(c, r, "give code=\"CODE\": the stable reason code of this outcome",
			        "the reason has no code (only coverage's not-covered takes its problems')");
		for (const char *p = t->codes; c->schema && p && *p;) {
			size_t len = strcspn(p, " ");
			if (len && !known_code(xmlDocGetRootElement(c->schema)->children, p, len)) {
				char what[200];
				snprintf(what, sizeof what, "reason code \"%.*s\" is not one report.xml knows",
				         (int)(len < 64 ? len : 64), p);
				problem(c, r, "use a code of templates/report.xsd's reason-code type (docs/report-format.md lists them)",
				        what);
			}
			p += len;
			while (*p == ' ')
				p++;
		}
	}
	return v;
}

/* A table attribute naming a declared table; NULL (diagnosed) when not. */
static const struct rg_table_spec *table_attr(struct ctx *c, xmlNodePtr n, const char *name)
{
	char *file = attr(c, n, name);
	const struct rg_table_spec *t = file ? rg_profile_table(c->profile, file) : NULL;
	if (!t) {
		char col[120];
		snprintf(col, sizeof col, "<%s> @%s", (const char *)n->name, name);
		rg_diag_err(c->diags, "directive.invalid", c->file, (unsigned long)xmlGetLineNo(n), col,
		            "name a table declared in <evidence>", "\"%s\" is not a declared table",
		            file ? file : "");
		c->ok = false;
	}
	return t;
}

/* Column col of t is named by a rule: its values are stored (profile.h's
 * unread).  t is one of the profile's tables, the one being loaded. */
static void mark_read(struct ctx *c, const struct rg_table_spec *t, int col)
{
	assert(c->profile && t >= c->profile->tables && t < c->profile->tables + c->profile->n_tables);
	assert(col >= 0 && (size_t)col < t->n_cols);
	c->profile->tables[t - c->profile->tables].cols[col].unread = false;
}

/* A column attribute naming a column of t of one of the types in `types`
 * (a bit set of 1 << enum rg_coltype); -1 when absent and optional, or
 * diagnosed. */
static int column_attr(struct ctx *c, xmlNodePtr n, const struct rg_table_spec *t, const char *name,
                       unsigned types, bool required)
{
	char *v = attr(c, n, name);
	if (!v && !required)
		return -1;
	int col = t && v ? rg_table_spec_column(t, v) : -1;
	if (!t)
		return -1; /* the table was diagnosed */
	if (col < 0 || !((types >> t->cols[col].type) & 1)) {
		char where[120], what[300], kinds[120] = "";
		snprintf(where, sizeof where, "<%s> @%s", (const char *)n->name, name);
		for (int k = 0; k < RG_COL_TYPE_COUNT; k++)
			if ((types >> k) & 1)
				snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s",
				         kinds[0] ? " or " : "", rg_coltype_names[k]);
		snprintf(what, sizeof what, "\"%s\" is not a column of type %s in %s", v ? v : "", kinds,
		         t->file);
		rg_diag_err(c->diags, "directive.invalid", c->file, (unsigned long)xmlGetLineNo(n), where,
		            "name a column the table declares, of that type", "%s", what);
		c->ok = false;
		return -1;
	}
	mark_read(c, t, col);
	return col;
}

static enum rg_verdict verdict_attr(struct ctx *c, xmlNodePtr n, const char *name,
                                    enum rg_verdict dflt)
{
	char *v = attr(c, n, name);
	int idx = (int)dflt;
	if (v)
		rg_str_in(v, rg_verdict_names, &idx); /* the schema enumerates them */
	return (enum rg_verdict)idx;
}

/* The kinds attribute of a step whose related table's kind column lists
 * them; every kind must be one of the column's values. */
static void read_kinds(struct ctx *c, xmlNodePtr n, struct rg_step *st)
{
	size_t nk = 0;
	char *kinds = attr(c, n, "kinds");
	st->kinds = kinds ? split_list(c, kinds, &nk) : NULL;
	for (size_t k = 0; st->kinds && st->kind_col >= 0 && k < nk; k++) {
		int idx;
		if (!rg_str_in(st->kinds[k], st->related_table->cols[st->kind_col].values, &idx)) {
			char what[300];
			snprintf(what, sizeof what, "kind \"%s\" is not one of the values of %s's %s column",
			         st->kinds[k], st->related_table->file,
			         st->related_table->cols[st->kind_col].name);
			problem(c, n, "add the kind to the column's values in <evidence>, or correct it", what);
		}
	}
}

/* The related rows of a first-related or coverage step: the table named by
 * table_attr ("related", "ended-by"), its reference column back to the
 * step's table (via), its kind and time columns and the accepted kinds. */
static void read_related(struct ctx *c, xmlNodePtr n, struct rg_step *st, const char *table_attr_name)
{
	st->related_table = table_attr(c, n, table_attr_name);
	st->via_col = column_attr(c, n, st->related_table, "via", 1u << RG_COL_REF, true);
	if (st->via_col >= 0 && st->table &&
	    strcmp(st->related_table->cols[st->via_col].ref_table, st->table->file) != 0) {
		char hint[128];
		snprintf(hint, sizeof hint,
		         "name a reference column of the %s table that refers to this table",
		         table_attr_name);
		problem(c, n, hint, "via does not refer to the table");
	}
	st->kind_col = column_attr(c, n, st->related_table, "kind-column", 1u << RG_COL_ENUM, true);
	st->time_col = column_attr(c, n, st->related_table, "time-column", time_types, true);
	read_kinds(c, n, st);
}

/* corroborate="yes"'s audit-targets: the subject table's columns whose
 * values an audit event's target may be. */
static void read_targets(struct ctx *c, xmlNodePtr n, struct rg_step *st)
{
	st->n_targets = 0;
	char *tv = attr(c, n, "audit-targets");
	if (!st->corroborate)
		return;
	if (!tv) {
		problem(c, n, "give audit-targets=\"COLUMN ...\": the columns an audit event's target may match",
		        "corroborate=\"yes\" names no audit targets");
		return;
	}
	size_t nt = 0;
	const char *const *names = split_list(c, tv, &nt);
	for (size_t k = 0; names && k < nt; k++) {
		int col = st->table ? rg_table_spec_column(st->table, names[k]) : -1;
		if (col < 0 || k >= sizeof st->targets / sizeof *st->targets) {
			char what[200];
			snprintf(what, sizeof what, "audit target \"%s\" is not a column of the table (at most 4)",
			         names[k]);
			problem(c, n, "name columns the table declares", what);
			continue;
		}
		mark_read(c, st->table, col);
		st->targets[st->n_targets++] = col;
	}
}

/* A time column given as COLUMN (of t) or REFERENCE.COLUMN (of the table
 * t's reference column REFERENCE names): *ref is -1 or that reference
 * column, *table the table of the returned column; -1 when absent or
 * diagnosed. */
static int time_path(struct ctx *c, xmlNodePtr n, const struct rg_table_spec *t, const char *name,
                     int *ref, const struct rg_table_spec **table)
{
	*ref = -1;
	*table = t;
	char *v = attr(c, n, name);
	if (!v || !t)
		return -1;
	char *dot = strchr(v, '.');
	if (!dot)
		return column_attr(c, n, t, name, time_types, true);
	char *copy = rg_arena_strndup(c->arena, v, (size_t)(dot - v));
	int r = copy ? rg_table_spec_column(t, copy) : -1;
	const struct rg_table_spec *rt = r >= 0 && t->cols[r].type == RG_COL_REF
	                                     ? rg_profile_table(c->profile, t->cols[r].ref_table)
	                                     : NULL;
	int col = rt ? rg_table_spec_column(rt, dot + 1) : -1;
	if (col < 0 || !((time_types >> rt->cols[col].type) & 1)) {
		char what[200];
		snprintf(what, sizeof what, "%s names no time or date column", name);
		problem(c, n, "write COLUMN (a time or date column of the table) or REFERENCE.COLUMN (one of the referenced table)",
		        what);
		return -1;
	}
	mark_read(c, rt, col);
	*ref = r;
	*table = rt;
	return col;
}

/* <coverage>: interval coverage of a window per group (directive.h). */
static void read_coverage(struct ctx *c, xmlNodePtr n, struct rg_step *st)
{
	const unsigned key_types = (1u << RG_COL_ID) | (1u << RG_COL_TEXT) | (1u << RG_COL_ACCOUNT);
	st->kind = RG_STEP_COVERAGE;
	st->anchor_col = -1;
	st->also_col = -1;
	st->group_col = column_attr(c, n, st->table, "group", key_types, true);
	st->start_col = time_path(c, n, st->table, "start", &st->start_ref, &st->start_table);
	st->start_else = column_attr(c, n, st->table, "start-else", time_types, false);
	read_related(c, n, st, "ended-by");
	st->review_table = table_attr(c, n, "reviews");
	const struct rg_table_spec *rt = st->review_table;
	st->match_col = column_attr(c, n, rt, "match", key_types, true);
	st->source_col = column_attr(c, n, rt, "source-column", 1u << RG_COL_ENUM, true);
	st->from_col = column_attr(c, n, rt, "from", time_types, true);
	st->to_col = column_attr(c, n, rt, "to", time_types, true);
	st->done_col = column_attr(c, n, rt, "done", time_types, true);
	st->req_col = st->unless_col = st->unless_value = -1;
	size_t ns = 0;
	for (xmlNodePtr k = n->children; k; k = k->next)
		ns += k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, "sources") == 0;
	st->sources = rg_arena_alloc(c->arena, (ns + 1) * sizeof *st->sources);
	if (!st->sources) {
		c->ok = false;
		return;
	}
	const char *const *vocab = rt && st->source_col >= 0 ? rt->cols[st->source_col].values : NULL;
	size_t n_vocab = rt && st->source_col >= 0 ? rt->cols[st->source_col].n_values : 0;
	if (n_vocab > RG_STEP_MAX_VALUES)
		problem(c, n, "give the source column at most 64 values", "the source column has too many values");
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)k->name, "require") == 0) {
			st->req_col = column_attr(c, k, rt, "column", ~0u, true);
			st->unless_col = column_attr(c, k, rt, "unless-column", 1u << RG_COL_ENUM, true);
			char *uv = attr(c, k, "unless-value");
			if (st->unless_col >= 0 && uv &&
			    !rg_str_in(uv, rt->cols[st->unless_col].values, &st->unless_value))
				problem(c, k, "name one of the column's values", "unless-value is not a value of unless-column");
			continue;
		}
		if (strcmp((const char *)k->name, "sources") != 0)
			continue;
		struct rg_source_group *g = &st->sources[st->n_sources++];
		char *text = text_of(c, k);
		size_t nv = 0;
		const char *const *vals = text ? split_list(c, text, &nv) : NULL;
		for (size_t v = 0; vals && vocab && v < nv; v++) {
			int idx;
			if (!rg_str_in(vals[v], vocab, &idx) || idx >= RG_STEP_MAX_VALUES) {
				char what[300];
				snprintf(what, sizeof what, "source \"%s\" is not one of the values of %s's %s column",
				         vals[v], rt->file, rt->cols[st->source_col].name);
				problem(c, k, "add the source to the column's values in <evidence>, or correct it", what);
				continue;
			}
			g->set |= (uint64_t)1 << idx;
		}
		/* The label names the values in the column's order. */
		struct rg_buf b;
		rg_buf_init(&b, 0);
		for (size_t v = 0; v < n_vocab && v < RG_STEP_MAX_VALUES; v++)
			if ((g->set >> v) & 1) {
				if (b.len)
					rg_buf_append(&b, " or ", 4);
				rg_buf_append(&b, vocab[v], strlen(vocab[v]));
			}
		g->label = rg_arena_strdup(c->arena, b.data ? b.data : "");
		rg_buf_free(&b);
		if (!g->label)
			c->ok = false;
	}
	if (!st->n_sources)
		problem(c, n, "add a <sources> element per group of sources that must cover the window",
		        "the coverage names no sources");
}

static void read_step(struct ctx *c, xmlNodePtr n, struct rg_step *st)
{
	const unsigned text_types = (1u << RG_COL_ID) | (1u << RG_COL_REF) | (1u << RG_COL_TEXT) |
	                            (1u << RG_COL_ACCOUNT);
	st->table = table_attr(c, n, "table");
	int subj = RG_SUBJ_EVENT;
	char *sv = attr(c, n, "subject");
	if (sv)
		rg_str_in(sv, rg_subject_kind_names, &subj);
	st->subject = (enum rg_subject_kind)subj;
	st->id_col = st->due_ref = st->due_col = st->kind_col = st->ref_col = -1;
	st->reasons = read_reasons(c, n, &st->n_reasons);
	if (strcmp((const char *)n->name, "first-related") == 0) {
		st->kind = RG_STEP_FIRST_RELATED;
		st->id_col = st->table ? st->table->id_col : -1;
		if (st->table && st->id_col < 0)
			problem(c, n, "give the table an id column", "the table has no id column to name its rows");
		read_related(c, n, st, "related");
		st->anchor_col = column_attr(c, n, st->table, "anchor", time_types, false);
		st->corroborate = yes(c, n, "corroborate");
		read_targets(c, n, st);
		st->also_col = -1;
		for (xmlNodePtr al = n->children; al; al = al->next) {
			if (al->type != XML_ELEMENT_NODE || strcmp((const char *)al->name, "also") != 0)
				continue;
			st->also_col = column_attr(c, al, st->table, "when-column",
			                           (1u << RG_COL_BOOL) | (1u << RG_COL_ENUM), true);
			st->also_value = attr(c, al, "when-value");
			char *ak = attr(c, al, "kinds");
			size_t nak = 0;
			st->also_kinds = ak ? split_list(c, ak, &nak) : NULL;
		}
	} else if (strcmp((const char *)n->name, "coverage") == 0) {
		read_coverage(c, n, st);
	} else if (strcmp((const char *)n->name, "row-deadline") == 0) {
		st->kind = RG_STEP_ROW_DEADLINE;
		st->id_col = column_attr(c, n, st->table, "id", text_types, false);
		if (st->table && st->id_col < 0 && st->table->id_col < 0 && c->ok)
			problem(c, n, "give id=\"COLUMN\": the column that names each row's subject",
			        "the table has no id column to name its rows");
		if (st->id_col < 0 && st->table)
			st->id_col = st->table->id_col;
		st->time_col = column_attr(c, n, st->table, "done", time_types, true);
		st->when_missing = verdict_attr(c, n, "when-missing", RG_INSUFFICIENT_EVIDENCE);
		st->when_empty = verdict_attr(c, n, "when-empty", st->when_missing);
		char *due = attr(c, n, "due");
		if (due && st->table) {
			char *dot = strchr(due, '.');
			if (dot) {
				*dot = '\0';
				int ref = rg_table_spec_column(st->table, due);
				const struct rg_table_spec *rt =
				    ref >= 0 && st->table->cols[ref].type == RG_COL_REF
				        ? rg_profile_table(c->profile, st->table->cols[ref].ref_table)
				        : NULL;
				int col = rt ? rg_table_spec_column(rt, dot + 1) : -1;
				if (col < 0 || !((time_types >> rt->cols[col].type) & 1)) {
					problem(c, n, "write due=\"COLUMN\" (a time or date column of the table) or due=\"REFERENCE.COLUMN\" (one of the referenced table)",
					        "due names no time or date column");
				} else {
					mark_read(c, rt, col);
					st->due_ref = ref;
					st->due_col = col;
					st->due_table = rt;
				}
			} else {
				st->due_col = column_attr(c, n, st->table, "due", time_types, true);
				st->due_table = st->table;
			}
		}
	} else {
		st->kind = RG_STEP_EVENT;
		st->time_col = column_attr(c, n, st->table, "time-column", time_types, true);
		st->kind_col = column_attr(c, n, st->table, "kind-column", 1u << RG_COL_ENUM, true);
		st->ref_col = column_attr(c, n, st->table, "reference-column", text_types, false);
		st->event_kind = attr(c, n, "kind");
		if (st->kind_col >= 0) {
			int idx;
			if (!rg_str_in(st->event_kind, st->table->cols[st->kind_col].values, &idx)) {
				char what[300];
				snprintf(what, sizeof what,
				         "kind \"%s\" is not one of the values of %s's %s column", st->event_kind,
				         st->table->file, st->table->cols[st->kind_col].name);
				problem(c, n, "add the kind to the column's values in <evidence>, or correct it",
				        what);
			}
		}
		char *ref = attr(c, n, "reference");
		st->needs_reference = ref && strcmp(ref, "none") != 0;
		st->needs_attachment = ref && strcmp(ref, "attachment") == 0;
		if (st->needs_reference && st->ref_col < 0 && c->ok)
			problem(c, n, "give reference-column=\"COLUMN\"", "a reference is required but no reference-column is named");
		if (st->needs_attachment && st->ref_col >= 0 && !st->table->cols[st->ref_col].attachment)
			problem(c, n, "declare the column with attachment=\"yes\" in <evidence>",
			        "reference=\"attachment\" needs a column that may cite documents");
		st->when_absent = verdict_attr(c, n, "when-absent", RG_NOT_SATISFIED);
	}
}

static void read_action(struct ctx *c, xmlNodePtr an, struct rg_action_def *a)
{
	a->id = attr(c, an, "id");
	char *kind = attr(c, an, "kind");
	a->kind = kind && strcmp(kind, "advisory") == 0 ? RG_KIND_ADVISORY : RG_KIND_REQUIRED;
	char *applies = attr(c, an, "applies");
	a->applies_label = applies ? applies : "notified";
	a->applies = RG_APPLIES_NOTIFIED;
	if (applies && strcmp(applies, "notified") != 0) {
		if (c->rows_name && strcmp(applies, c->rows_name) == 0)
			a->applies = RG_APPLIES_ROWS;
		else
			problem(c, an, "use notified, or the name of the directive's <applicability>",
			        "applies names no applicability the directive defines");
	}
	a->rule_label = attr(c, an, "rule");
	size_t nsteps = 0;
	for (xmlNodePtr n = an->children; n; n = n->next)
		nsteps += n->type == XML_ELEMENT_NODE && (strcmp((const char *)n->name, "row-deadline") == 0 ||
		                                          strcmp((const char *)n->name, "event") == 0 ||
		                                          strcmp((const char *)n->name, "first-related") == 0 ||
		                                          strcmp((const char *)n->name, "coverage") == 0);
	a->steps = rg_arena_alloc(c->arena, (nsteps + 1) * sizeof *a->steps);
	if (!a->steps) {
		c->ok = false;
		return;
	}
	if (!nsteps)
		problem(c, an, "compose the action of the rule kinds of docs/directive.md (row-deadline, event, first-related, coverage)",
		        "the action has no rule to judge it by");
	for (xmlNodePtr n = an->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		char *text = text_of(c, n);
		if (!text) {
			c->ok = false;
			return;
		}
		if (strcmp(name, "title") == 0) {
			a->title = text;
		} else if (strcmp(name, "wording") == 0) {
			a->wording = text;
			a->source = attr(c, n, "source");
		} else if (strcmp(name, "interpretation") == 0) {
			a->note = text;
		} else if (strcmp(name, "deadline") == 0) {
			enum rg_time_err e = rg_time_parse(&a->deadline, text, strlen(text));
			if (e != RG_TIME_OK)
				problem(c, n, "write it as RFC 3339 with its offset, e.g. 2024-04-30T23:59:59-04:00",
				        rg_time_strerror(e));
			a->has_deadline = true;
		} else if (strcmp(name, "immediate-window") == 0) {
			if (!rg_duration_parse(&a->window_ms, text, strlen(text)))
				problem(c, n, "use days, hours, minutes or seconds, e.g. PT48H or P2D",
				        "is not a duration reportgen can apply (years and months have no fixed length)");
			a->has_window = true;
			a->window_text = text;
		} else if (strcmp(name, "row-deadline") == 0 || strcmp(name, "event") == 0 ||
		           strcmp(name, "first-related") == 0 || strcmp(name, "coverage") == 0) {
			read_step(c, n, &a->steps[a->n_steps++]);
		}
	}
	/* What each rule needs beyond the schema. */
	const char *missing = NULL;
	for (size_t k = 0; k < a->n_steps && !missing; k++) {
		const struct rg_step *st = &a->steps[k];
		if ((st->kind == RG_STEP_ROW_DEADLINE && st->due_col < 0 && !a->has_deadline))
			missing = "<deadline> (its row-deadline has no due column)";
		if (st->kind == RG_STEP_FIRST_RELATED && st->anchor_col >= 0 && !a->has_window)
			missing = "<immediate-window> (its first-related has an anchor)";
		if (st->kind == RG_STEP_FIRST_RELATED && st->anchor_col < 0 && !a->has_deadline)
			missing = "<deadline> (its first-related has no anchor)";
		if (st->kind == RG_STEP_COVERAGE && !a->has_deadline)
			missing = "<deadline> (its coverage ends a window without a related row there)";
	}
	if (missing) {
		char what[200];
		snprintf(what, sizeof what, "action %s (rule %s) needs %s", a->id,
		         a->rule_label ? a->rule_label : "", missing);
		problem(c, an, "add the element; see docs/directive.md", what);
	}
}

/* Marks read the columns of every table named `name` ({row.COLUMN} does
 * not say whose row it shows; keeping a column too many costs only
 * memory). */
static void mark_read_by_name(struct ctx *c, const char *name, size_t len)
{
	char col[80]; /* as judge.c's expand reads the name */
	snprintf(col, sizeof col, "%.*s", (int)len, name);
	for (size_t t = 0; t < c->profile->n_tables; t++) {
		int k = rg_table_spec_column(&c->profile->tables[t], col);
		if (k >= 0)
			mark_read(c, &c->profile->tables[t], k);
	}
}

static void mark_shown(struct ctx *c, const struct rg_reason_tpl *tpl, size_t n)
{
	for (size_t k = 0; k < n; k++)
		for (const char *p = tpl[k].text; p && (p = strstr(p, "{row.")); p += 5)
			mark_read_by_name(c, p + 5, strcspn(p + 5, "?}"));
}

/* Beside the columns a rule names (mark_read as they are resolved): the
 * ones the reason templates show ({row.COLUMN}) and the ones the bundle
 * reader checks against another table's (a column's matches names its
 * target).  What is still unread after this is validated and dropped. */
static void mark_shown_and_matched(struct ctx *c, struct rg_directive *d)
{
	mark_shown(c, d->rows_reasons, d->n_rows_reasons);
	mark_shown(c, d->notified_reasons, d->n_notified_reasons);
	for (size_t a = 0; a < d->n_actions; a++)
		for (size_t k = 0; k < d->actions[a].n_steps; k++)
			mark_shown(c, d->actions[a].steps[k].reasons, d->actions[a].steps[k].n_reasons);
	for (size_t t = 0; t < d->profile.n_tables; t++) {
		const struct rg_table_spec *spec = &d->profile.tables[t];
		for (size_t k = 0; k < spec->n_cols; k++) {
			const struct rg_column_spec *col = &spec->cols[k];
			const struct rg_table_spec *mt =
			    col->matches_table ? rg_profile_table(&d->profile, col->matches_table) : NULL;
			int mc = mt ? rg_table_spec_column(mt, col->matches_column) : -1;
			if (mc >= 0)
				mark_read(c, mt, mc);
		}
	}
}

/* Lays out the values a stored row keeps (profile.h's slot): one for
 * every column but those still unread once every rule, reason and check
 * has named its own. */
static void assign_slots(struct ctx *c, struct rg_profile *p)
{
	for (size_t t = 0; t < p->n_tables; t++) {
		struct rg_table_spec *spec = &p->tables[t];
		spec->slot = rg_arena_alloc(c->arena, (spec->n_cols ? spec->n_cols : 1) * sizeof *spec->slot);
		if (!spec->slot) {
			c->ok = false;
			return;
		}
		spec->n_stored = 0;
		for (size_t k = 0; k < spec->n_cols; k++)
			spec->slot[k] = spec->cols[k].unread ? -1 : (int16_t)spec->n_stored++;
	}
}

rg_status rg_directive_load(struct rg_directive **out, const char *path, struct rg_arena *arena,
                            struct rg_diags *diags)
{
	*out = NULL;
	struct rg_limits limits;
	rg_limits_default(&limits);
	char *bytes;
	size_t len;
	rg_status st = rg_read_file(&bytes, &len, path, limits.xml_size, diags);
	if (st != RG_OK)
		return st;
	char digest[RG_SHA256_HEX];
	struct rg_sha256 *h = rg_sha256_new();
	if (!h) {
		free(bytes);
		return RG_EENV;
	}
	rg_sha256_update(h, bytes, len);
	rg_sha256_final_hex(h, digest);
	rg_sha256_free(h);
	xmlDocPtr doc = rg_xml_parse(path, bytes, len, limits.xml_depth, diags);
	free(bytes);
	if (!doc)
		return RG_EINPUT;
	char *xsd = rg_data_path("directives", "directive.xsd");
	st = xsd ? rg_xml_validate(doc, path, xsd, diags) : RG_EENV;
	free(xsd);
	if (st != RG_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	struct ctx c = {arena, diags, path, true, NULL, NULL, report_schema()};
	struct rg_directive *d = rg_arena_alloc(arena, sizeof *d);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	size_t n = 0;
	for (xmlNodePtr a = root->children; a; a = a->next)
		n += a->type == XML_ELEMENT_NODE && strcmp((const char *)a->name, "action") == 0;
	if (!d || !(d->actions = rg_arena_alloc(arena, n * sizeof *d->actions))) {
		xmlFreeDoc(doc);
		return RG_EENV;
	}
	d->path = rg_arena_strdup(arena, path);
	const char *slash = strrchr(path, '/');
	d->file = rg_arena_strdup(arena, slash ? slash + 1 : path);
	memcpy(d->sha256, digest, sizeof d->sha256);
	d->corroboration_ms = 2 * 3600 * 1000;
	d->corroboration_text = "PT2H";
	d->id = attr(&c, root, "id");
	d->version = attr(&c, root, "version");
	d->issued = attr(&c, root, "issued");
	for (xmlNodePtr e = root->children; e; e = e->next) {
		if (e->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)e->name;
		if (strcmp(name, "title") == 0)
			d->title = text_of(&c, e);
		else if (strcmp(name, "source") == 0)
			d->source = text_of(&c, e);
		else if (strcmp(name, "numbering-note") == 0)
			d->numbering_note = text_of(&c, e);
		else if (strcmp(name, "corroboration-window") == 0) {
			d->corroboration_text = text_of(&c, e);
			if (d->corroboration_text &&
			    !rg_duration_parse(&d->corroboration_ms, d->corroboration_text,
			                       strlen(d->corroboration_text)))
				problem(&c, e, "use days, hours, minutes or seconds, e.g. PT2H",
				        "is not a duration reportgen can apply (years and months have no fixed length)");
		}
		else if (strcmp(name, "evidence") == 0) {
			read_evidence(&c, e, &d->profile);
			c.profile = &d->profile;
		} else if (strcmp(name, "applicability") == 0) {
			d->rows_name = c.rows_name = attr(&c, e, "name");
			d->rows_table = table_attr(&c, e, "table");
			d->rows_reasons = read_reasons(&c, e, &d->n_rows_reasons);
		} else if (strcmp(name, "notification") == 0) {
			d->notified_reasons = read_reasons(&c, e, &d->n_notified_reasons);
		} else if (strcmp(name, "headline") == 0) {
			d->reviewed_table = table_attr(&c, e, "reviewed");
			d->reviewed_col = column_attr(&c, e, d->reviewed_table, "reviewed-column",
			                              (1u << RG_COL_TIME) | (1u << RG_COL_DATE), true);
			d->found_table = table_attr(&c, e, "found");
		}
		else if (strcmp(name, "action") == 0)
			read_action(&c, e, &d->actions[d->n_actions++]);
	}
	xmlFreeDoc(doc);
	if (c.schema)
		xmlFreeDoc(c.schema);
	if (!c.ok)
		return RG_EINPUT;
	if (c.profile) {
		mark_shown_and_matched(&c, d);
		assign_slots(&c, c.profile);
		if (!c.ok)
			return RG_EENV;
	}
	*out = d;
	return RG_OK;
}

char *rg_directive_path_for(const char *directive_id)
{
	/* "ED-24-02" -> "ed-24-02.xml"; only [A-Za-z0-9-_.] may name a file,
	 * so a hostile manifest cannot point outside directives/. */
	char name[80];
	size_t n = 0;
	for (const char *p = directive_id; *p; p++) {
		if (n + 5 >= sizeof name || !(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			return NULL;
		name[n++] = (char)tolower((unsigned char)*p);
	}
	if (!n)
		return NULL;
	memcpy(name + n, ".xml", 5);
	return rg_data_path("directives", name);
}

const struct rg_profile *rg_directive_installed_profile(void *ctx, const struct rg_evidence *ev)
{
	char *path = ev->directive ? rg_directive_path_for(ev->directive) : NULL;
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_directive *d = NULL;
	if (path)
		rg_directive_load(&d, path, ctx, &diags);
	rg_diags_free(&diags);
	free(path);
	return d ? &d->profile : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *rg_directive_installed_ids(void)
{
	char *dirpath = rg_data_path("directives", "");
	DIR *dir = dirpath ? opendir(dirpath) : NULL;
	free(dirpath);
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while (dir && n < 64 && (e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || len > 80 || strcmp(e->d_name + len - 4, ".xml") != 0)
			continue;
		char *id = strndup(e->d_name, len - 4);
		if (!id)
			break;
		for (char *p = id; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		names[n++] = id;
	}
	if (dir)
		closedir(dir);
	qsort(names, n, sizeof *names, cmp_str);
	struct rg_buf b;
	rg_buf_init(&b, 0);
	for (size_t k = 0; k < n; k++) {
		rg_buf_printf(&b, "%s%s", k ? ", " : "", names[k]);
		free(names[k]);
	}
	if (!b.data)
		return strdup(n ? "" : "no directive");
	return b.data;
}
