/*
 * cmd_pack.c: `reportgen pack DIR -o BUNDLE.zip`: assemble a bundle.
 *
 * Takes the folder's manifest.xml (its bundle attributes and its agency,
 * contact and notification elements are kept as written), replaces its
 * <files> list with every other file of the folder and its SHA-256, and
 * writes the ZIP (manifest first, then the files in byte order of their
 * names, so the same folder always gives the same entry order).  Files the
 * bundle format does not allow, symbolic links and special files are
 * refused; README.txt (the notes of `reportgen init`) is left out, and a
 * manifest attribute left empty is refused with what to fill in.  The finished ZIP is then read back exactly as `check` reads a
 * bundle; only a valid bundle is moved into place.  The exit status says
 * whether the bundle is valid (0) or not (2), not whether it is compliant:
 * pack assembles, check and render judge.
 */
#include <dirent.h>
#include <errno.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "bundle/bundle.h"
#include "bundle/evidence.h"
#include "bundle/tables.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/arena.h"
#include "core/digest.h"
#include "core/fsout.h"
#include "core/str.h"
#include "core/xml.h"
#include "import/skeleton.h"
#include "judge/run.h"

#define BUNDLE_NS "urn:reportgen:bundle:1"

struct file_list {
	char **v; /* relative paths */
	size_t n, cap;
};

static void help(FILE *out)
{
	fprintf(out, "usage: reportgen pack [OPTIONS] DIR -o BUNDLE.zip\n\n"
	             "Builds an evidence bundle from a folder holding manifest.xml (with the\n"
	             "agency, contact and notification elements), the CSV files and attachments/.\n"
	             "Writes the manifest's <files> list with each file's SHA-256, refuses files\n"
	             "the bundle format does not allow, and checks the result as 'check' would.\n\n"
	             "Options:\n"
	             "  -o, --output FILE  the bundle to write\n"
	             "  --force            replace an existing bundle\n"
	             "  --directive FILE   check against this definition instead of the installed one\n"
	             "  -h, --help         this text\n"
	             "\nExit status: 0 a valid bundle was written (whatever its verdict), 2 the folder\n"
	             "does not make a valid bundle (nothing written), 3 environment failure.\n");
}

static bool add_path(struct file_list *l, const char *rel)
{
	char **v = rg_array_grow(l->v, &l->cap, l->n + 1, sizeof *v);
	if (!v)
		return false;
	l->v = v;
	l->v[l->n] = strdup(rel);
	return l->v[l->n++] != NULL;
}

static void free_list(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Collects the files under root/rel, diagnosing what a bundle cannot hold. */
static void walk(const char *root, const char *rel, struct file_list *l, struct rg_diags *d)
{
	char *dirpath = rel[0] ? rg_asprintf("%s/%s", root, rel) : strdup(root);
	DIR *dir = dirpath ? opendir(dirpath) : NULL;
	if (!dir) {
		rg_diag_err(d, "env.read", dirpath ? dirpath : root, 0, NULL,
		            "check the path and its permissions", "cannot be read: %s", strerror(errno));
		free(dirpath);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *r = rel[0] ? rg_asprintf("%s/%s", rel, e->d_name) : strdup(e->d_name);
		char *full = rg_asprintf("%s/%s", root, r ? r : "");
		struct stat st;
		if (!r || !full || lstat(full, &st) != 0) {
			rg_diag_err(d, "env.read", full ? full : root, 0, NULL, NULL, "cannot be read");
		} else if (S_ISLNK(st.st_mode)) {
			rg_diag_err(d, "pack.symlink", r, 0, NULL,
			            "copy the file itself into the folder", "is a symbolic link");
		} else if (S_ISDIR(st.st_mode)) {
			if (strcmp(r, "attachments") == 0 || strncmp(r, "attachments/", 12) == 0)
				walk(root, r, l, d);
			else
				rg_diag_err(d, "pack.unknown", r, 0, NULL,
				            "only attachments/ may hold folders; move it there or out of the folder",
				            "is a folder the bundle format does not have");
		} else if (!S_ISREG(st.st_mode)) {
			rg_diag_err(d, "pack.special", r, 0, NULL, "remove it",
			            "is not a regular file");
		} else if (strcmp(r, RG_F_MANIFEST) == 0) {
			/* read separately */
		} else if (strcmp(r, RG_SKELETON_README) == 0) {
			/* the notes `reportgen init` writes: not part of the bundle */
		} else if (rg_bundle_is_table_name(r) || strncmp(r, "attachments/", 12) == 0) {
			if (!add_path(l, r))
				rg_diag_err(d, "env.nomem", r, 0, NULL, NULL, "out of memory");
		} else {
			rg_diag_err(d, "pack.unknown", r, 0, NULL,
			            "remove it, or move supporting documents under attachments/",
			            "is not a file of the bundle format (docs/bundle-format.md, Layout)");
		}
		free(r);
		free(full);
	}
	closedir(dir);
	free(dirpath);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder's manifest with a new <files> list, serialised. */
static rg_status build_manifest(xmlChar **out, int *out_len, const char *root,
                                const struct file_list *l, struct rg_diags *d)
{
	char *path = rg_asprintf("%s/%s", root, RG_F_MANIFEST);
	char *bytes = NULL;
	size_t len = 0;
	struct rg_limits lim;
	rg_limits_default(&lim);
	rg_status st = path ? rg_read_file(&bytes, &len, path, lim.xml_size, d) : RG_EENV;
	free(path);
	if (st != RG_OK) {
		if (st == RG_EENV)
			rg_diag_err(d, "pack.no-manifest", RG_F_MANIFEST, 0, NULL,
			            "write manifest.xml with the bundle, agency, contact and notification elements (see docs/bundle-format.md); pack adds the file list",
			            "the folder needs one");
		return RG_EINPUT;
	}
	xmlDocPtr doc = rg_xml_parse(RG_F_MANIFEST, bytes, len, lim.xml_depth, d);
	free(bytes);
	if (!doc)
		return RG_EINPUT;
	xmlNodePtr root_el = xmlDocGetRootElement(doc);
	if (!root_el || !root_el->ns || strcmp((const char *)root_el->ns->href, BUNDLE_NS) != 0) {
		rg_diag_err(d, "manifest.root", RG_F_MANIFEST, 0, NULL,
		            "the root must be <bundle xmlns=\"" BUNDLE_NS "\" ...>",
		            "is not an evidence bundle manifest");
		xmlFreeDoc(doc);
		return RG_EINPUT;
	}
	/* Blanks left by `reportgen init`: say what to fill in. */
	if (rg_skeleton_check_manifest(doc, d)) {
		xmlFreeDoc(doc);
		return RG_EINPUT;
	}
	for (xmlNodePtr c = root_el->children; c;) {
		xmlNodePtr next = c->next;
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "files") == 0) {
			/* Drop the old list and the whitespace before it. */
			if (c->prev && c->prev->type == XML_TEXT_NODE) {
				xmlNodePtr ws = c->prev;
				xmlUnlinkNode(ws);
				xmlFreeNode(ws);
			}
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
		c = next;
	}
	/* Drop trailing whitespace so the new list sits where <files> was. */
	while (root_el->last && root_el->last->type == XML_TEXT_NODE) {
		xmlNodePtr ws = root_el->last;
		xmlUnlinkNode(ws);
		xmlFreeNode(ws);
	}
	xmlAddChild(root_el, xmlNewText((const xmlChar *)"\n  "));
	xmlNodePtr files = xmlNewChild(root_el, root_el->ns, (const xmlChar *)"files", NULL);
	for (size_t i = 0; i < l->n && st == RG_OK; i++) {
		char *full = rg_asprintf("%s/%s", root, l->v[i]);
		char hex[RG_SHA256_HEX];
		if (!full || !rg_sha256_file(full, hex)) {
			rg_diag_err(d, "env.read", l->v[i], 0, NULL, "check its permissions",
			            "cannot be read: %s", strerror(errno));
			st = RG_EENV;
		} else {
			xmlAddChild(files, xmlNewText((const xmlChar *)"\n    "));
			xmlNodePtr f = xmlNewChild(files, root_el->ns, (const xmlChar *)"file", NULL);
			xmlNewProp(f, (const xmlChar *)"path", (const xmlChar *)l->v[i]);
			xmlNewProp(f, (const xmlChar *)"sha256", (const xmlChar *)hex);
		}
		free(full);
	}
	xmlAddChild(files, xmlNewText((const xmlChar *)"\n  "));
	xmlAddChild(root_el, xmlNewText((const xmlChar *)"\n"));
	if (st == RG_OK)
		xmlDocDumpMemoryEnc(doc, out, out_len, "UTF-8");
	xmlFreeDoc(doc);
	return st;
}

static time_t entry_time(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (!*end && v >= 315532800) /* ZIP times start in 1980 */
			return (time_t)v;
	}
	return 315532800; /* fixed: the same folder gives the same ZIP */
}

static rg_status write_zip(const char *tmp, const char *root, const xmlChar *manifest,
                           int manifest_len, const struct file_list *l, struct rg_diags *d)
{
	int zerr;
	zip_t *za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!za) {
		rg_diag_err(d, "env.write", tmp, 0, NULL, NULL, "cannot create the ZIP");
		return RG_EENV;
	}
	time_t when = entry_time();
	zip_source_t *src = zip_source_buffer(za, manifest, (zip_uint64_t)manifest_len, 0);
	zip_int64_t idx = src ? zip_file_add(za, RG_F_MANIFEST, src, ZIP_FL_ENC_UTF_8) : -1;
	bool ok = idx >= 0 && zip_file_set_mtime(za, (zip_uint64_t)idx, when, 0) == 0;
	for (size_t i = 0; i < l->n && ok; i++) {
		char *full = rg_asprintf("%s/%s", root, l->v[i]);
		src = full ? zip_source_file(za, full, 0, -1) : NULL;
		idx = src ? zip_file_add(za, l->v[i], src, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0)
			zip_source_free(src);
		ok = idx >= 0 && zip_file_set_mtime(za, (zip_uint64_t)idx, when, 0) == 0 &&
		     zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
		                                      (zip_uint32_t)(0100644) << 16) == 0;
		free(full);
	}
	if (!ok || zip_close(za) != 0) {
		rg_diag_err(d, "env.write", tmp, 0, NULL, "check free space and permissions",
		            "cannot write the ZIP: %s", zip_strerror(za));
		zip_discard(za);
		return RG_EENV;
	}
	return RG_OK;
}

int rg_cmd_pack(int argc, char **argv)
{
	const char *output = NULL;
	bool force = false;
	struct rg_run_options opt = {0};
	rg_limits_default(&opt.limits);
	struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, 'f'},
	    {"directive", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		case 'o': output = optarg; break;
		case 'f': force = true; break;
		case 'd': opt.directive_path = optarg; break;
		default: return rg_cli_usage_error("pack", "unknown option");
		}
	}
	if (optind != argc - 1)
		return rg_cli_usage_error("pack", "give one folder to pack");
	if (!output)
		return rg_cli_usage_error("pack", "give the bundle to write with -o BUNDLE.zip");
	const char *root = argv[optind];
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct file_list l = {0};
	xmlChar *manifest = NULL;
	int manifest_len = 0;
	char *tmp = NULL;
	rg_status st = RG_OK;
	if (!force && access(output, F_OK) == 0) {
		rg_diag_err(&diags, "output.exists", output, 0, NULL, "give --force to replace it",
		            "already exists and was left as it is");
		st = RG_EINPUT;
	}
	if (st == RG_OK)
		walk(root, "", &l, &diags);
	if (st == RG_OK && diags.errors)
		st = RG_EINPUT;
	if (st == RG_OK) {
		qsort(l.v, l.n, sizeof *l.v, cmp_str);
		st = build_manifest(&manifest, &manifest_len, root, &l, &diags);
	}
	if (st == RG_OK && rg_generation_time(&opt.generated_ms, &diags) != RG_OK)
		st = RG_EINPUT;
	if (st == RG_OK && !(tmp = rg_tmp_path_for(output))) {
		rg_diag_err(&diags, "output.create", output, 0, NULL, "check the folder",
		            "cannot create a file next to it: %s", strerror(errno));
		st = RG_EENV;
	}
	if (st == RG_OK)
		st = write_zip(tmp, root, manifest, manifest_len, &l, &diags);
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_results *res = NULL;
	if (st == RG_OK) {
		/* Check what was written, under its final name for the messages. */
		st = rg_run_judge(&res, tmp, &opt, &arena, &diags);
	}
	if (st == RG_OK)
		st = rg_rename_into_place(tmp, output, force, &diags);
	else if (tmp)
		unlink(tmp);
	rg_cli_print_diags("pack", &diags);
	if (st == RG_OK) {
		printf("wrote %s: %zu files and manifest.xml; overall result %s\n", output, l.n,
		       rg_overall_names[res->overall]);
	}
	rg_arena_free(&arena);
	free(tmp);
	xmlFree(manifest);
	free_list(&l);
	rg_diags_free(&diags);
	return (int)st;
}
