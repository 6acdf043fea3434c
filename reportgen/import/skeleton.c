/*
 * skeleton.c: the folder of `reportgen init` and the blanks check of
 * `reportgen pack` (see skeleton.h).
 */
#include "import/skeleton.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/evidence.h"
#include "bundle/tables.h"
#include "core/str.h"

static const char manifest[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- manifest.xml of an evidence bundle for %s.\n"
    "     Fill in every empty attribute (\"\"); `reportgen pack` refuses the folder\n"
    "     while one is left empty, and writes the <files> list itself.\n"
    "     Times are RFC 3339 with an offset or Z: 2024-05-01T17:30:00-04:00. -->\n"
    "<!-- created: when this bundle was assembled (RFC 3339). -->\n"
    "<bundle xmlns=\"urn:reportgen:bundle:1\" format=\"1\" directive=\"%s\"\n"
    "        created=\"\">\n"
    "  <!-- agency: id is the agency's short identifier (e.g. EXA), name its full\n"
    "       name, component the office answering (optional: delete the attribute\n"
    "       if there is none). -->\n"
    "  <agency id=\"\" name=\"\" component=\"\"/>\n"
    "  <!-- contact: who answers questions about this bundle; role and email are\n"
    "       optional (delete them, or the whole element, if not given). -->\n"
    "  <contact name=\"\" role=\"\" email=\"\"/>\n"
    "  <!-- notification: status is \"notified\" (the directive applies to the\n"
    "       agency: it received the notice the directive speaks of) or\n"
    "       \"not-notified\".  When\n"
    "       notified: received is when the notice arrived (RFC 3339), source who\n"
    "       sent it (microsoft, cisa), reference the notice's identifier.  When\n"
    "       not-notified: delete received, source and reference. -->\n"
    "  <notification status=\"\" received=\"\" source=\"\" reference=\"\"/>\n"
    "  <!-- files: leave it empty; reportgen pack lists every file with its SHA-256. -->\n"
    "  <files/>\n"
    "</bundle>\n";

/* What to write into each attribute, for the messages of pack. */
static const struct {
	const char *element, *attr, *hint;
} blanks[] = {
	{"bundle", "created", "fill in when the bundle was assembled, e.g. 2024-05-01T17:30:00-04:00"},
	{"agency", "id", "fill in the agency's short identifier, e.g. EXA"},
	{"agency", "name", "fill in the agency's full name"},
	{"agency", "component", "fill in the office answering, or delete the attribute"},
	{"contact", "name", "fill in who answers questions about the bundle, or delete <contact>"},
	{"contact", "role", "fill in the contact's role (e.g. CISO), or delete the attribute"},
	{"contact", "email", "fill in the contact's email address, or delete the attribute"},
	{"notification", "status", "write notified or not-notified"},
	{"notification", "received",
	 "fill in when the notice arrived (RFC 3339), or delete it if status is not-notified"},
	{"notification", "source",
	 "fill in who notified the agency (microsoft, cisa), or delete it if status is not-notified"},
	{"notification", "reference",
	 "fill in the notice's identifier, or delete it if status is not-notified"},
};

static const char *hint_for(const char *element, const char *attr)
{
	for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++)
		if (strcmp(blanks[i].element, element) == 0 && strcmp(blanks[i].attr, attr) == 0)
			return blanks[i].hint;
	return "fill in the value, or delete the attribute if it is optional";
}

static size_t check_node(xmlNodePtr n, struct rg_diags *d)
{
	size_t k = 0;
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			bool empty = !v || !v[0];
			xmlFree(v);
			if (!empty)
				continue;
			char col[80];
			snprintf(col, sizeof col, "<%s> @%s", (const char *)n->name, (const char *)a->name);
			rg_diag_err(d, "pack.unfilled", RG_F_MANIFEST, (unsigned long)xmlGetLineNo(n), col,
			            hint_for((const char *)n->name, (const char *)a->name), "is empty");
			k++;
		}
		k += check_node(n->children, d);
	}
	return k;
}

size_t rg_skeleton_check_manifest(xmlDocPtr doc, struct rg_diags *diags)
{
	return check_node(xmlDocGetRootElement(doc), diags);
}

/* The tables a bundle folder gets: the directive's, then the bundle
 * format's own two. */
static const struct rg_table_spec *table_at(const struct rg_profile *p, size_t k)
{
	if (k < p->n_tables)
		return &p->tables[k];
	if (k == p->n_tables)
		return &rg_builtin_signins;
	if (k == p->n_tables + 1)
		return &rg_builtin_audit_events;
	return NULL;
}

static bool put_csv_header(struct rg_buf *b, const struct rg_table_spec *t)
{
	for (size_t i = 0; i < t->n_cols; i++) {
		const char *c = t->cols[i].name;
		if ((i && rg_buf_putc(b, ',') != RG_BUF_OK) || rg_buf_append(b, c, strlen(c)) != RG_BUF_OK)
			return false;
	}
	return rg_buf_putc(b, '\n') == RG_BUF_OK;
}

static bool put_names(struct rg_buf *b, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (rg_buf_printf(b, "%s%s", i ? ", " : "", names[i]) != RG_BUF_OK)
			return false;
	return true;
}

static const char readme_head[] =
    "Evidence bundle for %s, to fill in\n"
    "================================\n"
    "\n"
    "Written by `reportgen init`.  Fill in the files of this folder, then:\n"
    "\n"
    "    reportgen pack FOLDER -o bundle.zip   # writes the file list and digests, checks the bundle\n"
    "    reportgen check bundle.zip            # judges it: a table of the directive's actions\n"
    "    reportgen render bundle.zip -o out/   # signed report.xml, report.pdf, summary.pdf\n"
    "\n"
    "pack refuses the folder while manifest.xml has an empty attribute, and says\n"
    "which.  This README.txt is not packed.\n"
    "\n"
    "Files\n"
    "-----\n"
    "manifest.xml      required  who, which directive, the notification (comments say what goes where)\n";

static const char readme_mid[] =
    "attachments/      optional  documents that rows cite (reference = attachments/NAME)\n"
    "\n"
    "* read when the agency was notified; a not-notified bundle may delete them.\n"
    "Delete an optional file you do not fill: a file with its header only says\n"
    "\"there were none\", which is not the same as \"not given\".\n"
    "\n"
    "Rules for every CSV file\n"
    "------------------------\n"
    "- UTF-8, comma-separated, the header row first (keep it); fields holding a\n"
    "  comma, a quote or a line break are enclosed in double quotes, a quote\n"
    "  inside doubled (\"\").\n"
    "- Times: RFC 3339 with an offset or Z, e.g. 2024-04-29T16:05:00-04:00.\n"
    "  A time without an offset is refused.\n"
    "- yes / no for booleans; enumerations lowercase, exactly as listed below.\n"
    "- Identifiers (email_id, secret_id): non-empty, unique in their file, at\n"
    "  most 256 bytes.\n"
    "\n"
    "Columns (* required)\n"
    "--------------------\n";

static char *readme_text(const char *title, const struct rg_profile *p)
{
	struct rg_buf b;
	rg_buf_init(&b, 0);
	const struct rg_table_spec *t;
	bool ok = rg_buf_printf(&b, readme_head, title) == RG_BUF_OK;
	for (size_t k = 0; ok && (t = table_at(p, k)); k++) {
		const char *need = t->required ? "required" : t->builtin ? "optional" : "*";
		if (t == &rg_builtin_signins)
			ok = rg_buf_printf(&b, "%-17s %-9s %s: reportgen import signins EXPORT... -o %s\n",
			                   t->file, need, t->contents, t->file) == RG_BUF_OK;
		else if (t == &rg_builtin_audit_events)
			ok = rg_buf_printf(&b, "%-17s %-9s %s: reportgen import audit EXPORT... -o %s\n",
			                   t->file, need, t->contents, t->file) == RG_BUF_OK;
		else
			ok = rg_buf_printf(&b, "%-17s %-9s %s\n", t->file, need, t->contents) == RG_BUF_OK;
	}
	ok = ok && rg_buf_append(&b, readme_mid, sizeof readme_mid - 1) == RG_BUF_OK;
	for (size_t k = 0; ok && (t = table_at(p, k)); k++) {
		ok = rg_buf_printf(&b, "%s:", t->file) == RG_BUF_OK;
		for (size_t i = 0; ok && i < t->n_cols; i++)
			ok = rg_buf_printf(&b, " %s%s", t->cols[i].name, t->cols[i].required ? "*" : "") ==
			     RG_BUF_OK;
		ok = ok && rg_buf_putc(&b, '\n') == RG_BUF_OK;
	}
	ok = ok && rg_buf_printf(&b, "\nEnumerations\n------------") == RG_BUF_OK;
	for (size_t k = 0; ok && (t = table_at(p, k)); k++)
		for (size_t i = 0; ok && i < t->n_cols; i++)
			if (t->cols[i].type == RG_COL_ENUM)
				ok = rg_buf_printf(&b, "\n%s %s: ", t->file, t->cols[i].name) == RG_BUF_OK &&
				     put_names(&b, t->cols[i].values);
	ok = ok && rg_buf_putc(&b, '\n') == RG_BUF_OK;
	if (!ok) {
		rg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

static bool write_file(const char *dir, const char *name, const char *text, size_t n)
{
	char *path = rg_asprintf("%s/%s", dir, name);
	FILE *f = path ? fopen(path, "wb") : NULL;
	bool ok = f && fwrite(text, 1, n, f) == n;
	if (f && fclose(f) != 0)
		ok = false;
	free(path);
	return ok;
}

/* Removes what rg_skeleton_write put into dir (nothing else is there). */
static void remove_tree(const char *dir, const struct rg_profile *prof)
{
	for (size_t k = 0; k < prof->n_tables + 4; k++) {
		const char *name = k == 0   ? RG_F_MANIFEST
		                   : k == 1 ? RG_SKELETON_README
		                            : table_at(prof, k - 2)->file;
		char *p = rg_asprintf("%s/%s", dir, name);
		if (p)
			unlink(p);
		free(p);
	}
	char *a = rg_asprintf("%s/attachments", dir);
	if (a)
		rmdir(a);
	free(a);
	rmdir(dir);
}

static bool is_empty_dir(const char *dir, bool *exists)
{
	DIR *d = opendir(dir);
	*exists = d != NULL || errno != ENOENT;
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

rg_status rg_skeleton_write(const char *dir, const char *directive_id, const char *title,
                            const struct rg_profile *profile, struct rg_diags *diags)
{
	bool exists;
	bool empty = is_empty_dir(dir, &exists);
	if (exists && !empty) {
		rg_diag_err(diags, "init.exists", dir, 0, NULL,
		            "give a new folder name, or empty the folder first",
		            "already exists and is not an empty folder; nothing was written");
		return RG_EINPUT;
	}
	char *copy = strdup(dir), *copy2 = strdup(dir);
	char *tmp = copy && copy2 ? rg_asprintf("%s/.%s.XXXXXX", dirname(copy), basename(copy2)) : NULL;
	free(copy);
	free(copy2);
	if (!tmp || !mkdtemp(tmp)) {
		rg_diag_err(diags, "init.create", dir, 0, NULL, "check that the parent folder exists and is writable",
		            "cannot be created: %s", strerror(errno));
		free(tmp);
		return RG_EENV;
	}
	chmod(tmp, 0755);
	char *label = rg_asprintf("%s (%s)", directive_id, title);
	char *m = label ? rg_asprintf(manifest, label, directive_id) : NULL;
	bool ok = m && write_file(tmp, RG_F_MANIFEST, m, strlen(m));
	free(m);
	const struct rg_table_spec *t;
	for (size_t k = 0; ok && (t = table_at(profile, k)); k++) {
		struct rg_buf b;
		rg_buf_init(&b, 0);
		ok = put_csv_header(&b, t) && write_file(tmp, t->file, b.data, b.len);
		rg_buf_free(&b);
	}
	char *readme = ok ? readme_text(label, profile) : NULL;
	free(label);
	ok = ok && readme && write_file(tmp, RG_SKELETON_README, readme, strlen(readme));
	free(readme);
	char *att = rg_asprintf("%s/attachments", tmp);
	ok = ok && att && mkdir(att, 0755) == 0;
	free(att);
	/* rename(2) replaces an empty folder, so an existing empty DIR works too. */
	if (ok && rename(tmp, dir) != 0)
		ok = false;
	if (!ok) {
		rg_diag_err(diags, "init.create", dir, 0, NULL, "check free space and permissions",
		            "cannot be written: %s", strerror(errno));
		remove_tree(tmp, profile);
		free(tmp);
		return RG_EENV;
	}
	free(tmp);
	return RG_OK;
}
