/*
 * bundle.c: reads a bundle ZIP into the evidence model (see bundle.h).
 *
 * Order of work (docs/security.md, "No work before the bundle is sane"):
 *
 *   1. the layout, read raw (zipdir.c) before libzip sees the file: names
 *      with a NUL, duplicate names, entries whose bytes overlap another's
 *      or run into the central directory.  Any of these ends the read.
 *   2. the central directory through libzip: names, encryption, links,
 *      sizes, the per-entry and whole-bundle ratio, the entry count.  The
 *      first limit broken is reported and no other limit is checked.
 *   3. manifest.xml, inflated up to --max-xml-size, and every entry name
 *      against its file list.
 *   4. every other entry in ZIP order, each inflated in 64 KiB chunks,
 *      hashed and (for CSV) parsed in the same pass; signins.csv last, in
 *      rg_bundle_finish.
 *
 * A problem in steps 1-3 means nothing more is inflated (`halted`); so does
 * an entry that breaks a limit, lies about its size or cannot be inflated
 * in step 4.  One error per cause: an entry that was refused or not read is
 * never reported again as missing, as a digest mismatch (no digest was
 * computed) or through the cross-references of rows that were not read.
 * Cross-references are resolved once all tables are read.
 */
#include "bundle/bundle.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "bundle/manifest.h"
#include "bundle/tables.h"
#include "bundle/zipdir.h"
#include "core/digest.h"
#include "core/str.h"
#include "core/strmap.h"
#include "core/text.h"

#define CHUNK 65536
#define RATIO_FLOOR (1024 * 1024) /* the ratio limit applies to entries and bundles over 1 MiB */

/* ROLE_TABLE: a CSV file at the root, which the directive's profile must
 * declare (known once the manifest names the directive). */
enum entry_role { ROLE_SKIP, ROLE_MANIFEST, ROLE_TABLE, ROLE_SIGNINS, ROLE_ATTACHMENT };

struct entry {
	zip_uint64_t index;
	const char *name;
	uint64_t size; /* uncompressed, as the central directory declares it */
	enum entry_role role;
	bool readable; /* passed every central-directory check */
	struct rg_table *table; /* ROLE_TABLE, ROLE_SIGNINS: its reader, once known */
	size_t tindex;          /* its index in tables[] */
};

struct rg_bundle {
	zip_t *za;
	const char *zip_label; /* file name of the zip, for diagnostics */
	struct rg_evidence *ev;
	struct rg_arena *arena;
	struct rg_diags *diags;
	const struct rg_limits *limits;
	struct rg_manifest manifest;
	bool manifest_ok;
	struct entry *entries;
	size_t n_entries;
	struct entry *signins;
	const struct rg_profile *profile; /* NULL when no directive could be loaded */
	/* The profile's tables, then audit-events.csv, then signins.csv. */
	struct rg_table *tables;
	bool *present;
	bool *complete;                /* read to the end with a usable header */
	size_t n_tables;
	rg_signin_fn signin_fn;
	void *signin_ctx;
	struct rg_strmap members;      /* member name -> struct rg_member index + 1 */
	struct rg_strmap names;        /* every entry name of the ZIP */
	bool halted;                   /* inflate nothing more (see the file comment) */
	bool limit_broken;             /* a limit was reported: check no other */
	char chunk[CHUNK];             /* inflate buffer */
	struct rg_sha256 *hash;
	rg_status status;
	rg_progress_fn progress;
	void *progress_ctx;
};

static void fail(struct rg_bundle *b, rg_status st)
{
	b->status = rg_status_worst(b->status, st);
}

/* Reports a broken limit; nothing more is inflated and no other limit is
 * checked (the first is enough to refuse the bundle, and a bomb would
 * otherwise produce one line per entry). */
static void limit_error(struct rg_bundle *b, const char *file, size_t offset, const char *what)
{
	const struct rg_limit_info *li = rg_limit_find(offset);
	char hint[160];
	snprintf(hint, sizeof hint, "raise it with %s if the bundle is genuine", li->option);
	rg_diag_err(b->diags, "limit.zip", file, 0, NULL, hint, "%s the limit on the %s (%llu %s)",
	            what, li->description,
	            (unsigned long long)*(const uint64_t *)((const char *)b->limits + offset), li->unit);
	fail(b, RG_EINPUT);
	b->halted = true;
	b->limit_broken = true;
}

/* An untrusted entry name for messages, cut to 200 bytes (on a character
 * boundary).  Not escaped here: every diagnostic is escaped when printed
 * (core/diag.c), and report.xml is never written for a refused bundle. */
static const char *printable(struct rg_bundle *b, const char *raw)
{
	char *s = rg_arena_strndup(b->arena, raw, rg_text_clip(raw, strlen(raw), 200));
	return s ? s : "?";
}

static bool name_error(struct rg_bundle *b, const char *raw, const char *what, const char *hint)
{
	char col[260];
	snprintf(col, sizeof col, "entry \"%s\"", printable(b, raw));
	rg_diag_err(b->diags, "zip.name", b->zip_label, 0, col, hint, "%s", what);
	fail(b, RG_EINPUT);
	return false;
}

/* docs/bundle-format.md, Layout: names are relative, use '/', and never hold
 * "..", a leading '/', a drive letter, a backslash or a NUL. */
static bool check_name(struct rg_bundle *b, const char *raw)
{
	size_t n = strlen(raw);
	if (n == 0)
		return name_error(b, raw, "has an empty name", "rebuild the bundle with reportgen pack");
	if (strchr(raw, '\\'))
		return name_error(b, raw, "contains a backslash", "use '/' between folder names");
	if (raw[0] == '/')
		return name_error(b, raw, "is an absolute path", "store names relative to the bundle root");
	if (n >= 2 && raw[1] == ':' && ((raw[0] | 0x20) >= 'a' && (raw[0] | 0x20) <= 'z'))
		return name_error(b, raw, "starts with a drive letter", "store names relative to the bundle root");
	for (const char *p = raw; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return name_error(b, raw, "contains a control character", "rename the file");
	if (!rg_utf8_valid(raw, n))
		return name_error(b, raw, "is not valid UTF-8", "rename the file");
	char col[260];
	snprintf(col, sizeof col, "entry \"%s\"", printable(b, raw));
	if (!rg_text_check_id(b->diags, b->zip_label, 0, col, "entry name", raw, n)) {
		fail(b, RG_EINPUT);
		return false;
	}
	const char *seg = raw;
	while (*seg) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if ((len == 2 && seg[0] == '.' && seg[1] == '.') || (len == 1 && seg[0] == '.'))
			return name_error(b, raw, "contains a \"..\" or \".\" path component",
			                  "entries must stay inside the bundle; rename it");
		if (len == 0 && end && end[1] != '\0')
			return name_error(b, raw, "contains an empty path component (\"//\")", "rename it");
		if (!end)
			break;
		seg = end + 1;
	}
	return true;
}

static enum entry_role role_of(const char *name, bool is_dir)
{
	if (is_dir)
		return ROLE_SKIP;
	if (strcmp(name, RG_F_MANIFEST) == 0)
		return ROLE_MANIFEST;
	if (strcmp(name, RG_F_SIGNINS) == 0)
		return ROLE_SIGNINS;
	if (rg_bundle_is_table_name(name))
		return ROLE_TABLE;
	if (strncmp(name, "attachments/", 12) == 0 && name[12])
		return ROLE_ATTACHMENT;
	return ROLE_SKIP;
}

/* The size and ratio limits of one entry, on the sizes its central record
 * declares (stream_entry holds it to them); false once a limit is broken. */
static bool check_entry_limits(struct rg_bundle *b, const struct entry *e, uint64_t size,
                               uint64_t comp)
{
	if (b->limit_broken)
		return false;
	size_t lim = e->role == ROLE_SIGNINS ? offsetof(struct rg_limits, signins_size)
	                                     : offsetof(struct rg_limits, entry_size);
	if (size > *(const uint64_t *)((const char *)b->limits + lim)) {
		limit_error(b, e->name, lim, "declares a size over");
		return false;
	}
	uint64_t ratio = size / (comp ? comp : 1);
	if (size > RATIO_FLOOR && ratio > b->limits->ratio) {
		char what[80];
		snprintf(what, sizeof what, "is compressed %llu to 1, more than",
		         (unsigned long long)ratio);
		limit_error(b, e->name, offsetof(struct rg_limits, ratio), what);
		return false;
	}
	return true;
}

/* Checks the central directory: nothing is inflated here. */
static void scan_directory(struct rg_bundle *b)
{
	zip_int64_t n = zip_get_num_entries(b->za, 0);
	if (n < 0)
		n = 0;
	if ((uint64_t)n > b->limits->entries) {
		limit_error(b, b->zip_label, offsetof(struct rg_limits, entries), "has more entries than");
		return;
	}
	b->entries = rg_arena_alloc(b->arena, ((size_t)n + 1) * sizeof *b->entries);
	if (!b->entries) {
		fail(b, RG_EENV);
		return;
	}
	struct rg_strmap *seen = &b->names;
	uint64_t total = 0, total_comp = 0;
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		const char *raw = zip_get_name(b->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		if (!raw || zip_stat_index(b->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW, &st) != 0) {
			rg_diag_err(b->diags, "zip.damaged", b->zip_label, 0, NULL,
			            "rebuild the bundle", "entry %lld cannot be read: %s", (long long)i,
			            zip_strerror(b->za));
			fail(b, RG_EINPUT);
			continue;
		}
		struct entry *e = &b->entries[b->n_entries++];
		e->index = (zip_uint64_t)i;
		e->name = rg_arena_strdup(b->arena, raw);
		if (!e->name) {
			fail(b, RG_EENV);
			break;
		}
		size_t len = strlen(raw);
		bool existed = false;
		if (!rg_strmap_put(seen, e->name, len, e, &existed)) {
			fail(b, RG_EENV);
			break;
		}
		if (!check_name(b, raw))
			continue;
		bool is_dir = raw[len - 1] == '/';
		char col[260];
		snprintf(col, sizeof col, "entry \"%s\"", printable(b, raw));
		if (existed) {
			rg_diag_err(b->diags, "zip.duplicate", b->zip_label, 0, col,
			            "keep one entry of each name", "appears more than once in the ZIP");
			fail(b, RG_EINPUT);
			continue;
		}
		zip_uint8_t opsys;
		zip_uint32_t attr;
		if (zip_file_get_external_attributes(b->za, (zip_uint64_t)i, 0, &opsys, &attr) == 0 &&
		    opsys == ZIP_OPSYS_UNIX && ((attr >> 16) & S_IFMT) == S_IFLNK) {
			rg_diag_err(b->diags, "zip.symlink", b->zip_label, 0, col,
			            "store the file itself, not a link to it", "is a symbolic link");
			fail(b, RG_EINPUT);
			continue;
		}
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
			rg_diag_err(b->diags, "zip.encrypted", b->zip_label, 0, col,
			            "store it without a password; protect the bundle as a whole instead",
			            "is encrypted");
			fail(b, RG_EINPUT);
			continue;
		}
		e->role = role_of(e->name, is_dir);
		if (is_dir) {
			if (strcmp(e->name, "attachments/") != 0 && strncmp(e->name, "attachments/", 12) != 0) {
				rg_diag_err(b->diags, "zip.unknown", b->zip_label, 0, col,
				            "only attachments/ may hold folders",
				            "is a folder the bundle format does not have");
				fail(b, RG_EINPUT);
			}
			continue;
		}
		if (e->role == ROLE_SKIP) {
			rg_diag_err(b->diags, "zip.unknown", e->name, 0, NULL,
			            "remove it, or move supporting documents under attachments/",
			            "is not a file of the bundle format (docs/bundle-format.md, Layout)");
			fail(b, RG_EINPUT);
			continue;
		}
		uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
		uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
		if (!check_entry_limits(b, e, size, comp))
			continue;
		total += size;
		total_comp += comp;
		if (total > b->limits->total_size) {
			limit_error(b, b->zip_label, offsetof(struct rg_limits, total_size),
			            "declares a total size over");
			continue;
		}
		e->readable = true;
		e->size = size;
		if (e->role == ROLE_SIGNINS)
			b->signins = e;
	}
	/* The ratio of the whole bundle: many entries each under the 1 MiB
	 * floor of the per-entry ratio (9,990 entries of 1 MiB of zeros, 10 MB
	 * declaring 10 GB) would otherwise pass every limit. */
	uint64_t ratio = total / (total_comp ? total_comp : 1);
	if (!b->limit_broken && total > RATIO_FLOOR && ratio > b->limits->ratio) {
		char what[120];
		snprintf(what, sizeof what, "declares %llu bytes compressed %llu to 1 as a whole, more than",
		         (unsigned long long)total, (unsigned long long)ratio);
		limit_error(b, b->zip_label, offsetof(struct rg_limits, ratio), what);
	}
}

static void size_mismatch(struct rg_bundle *b, const struct entry *e)
{
	rg_diag_err(b->diags, "zip.size-mismatch", e->name, 0, NULL,
	            "the ZIP is damaged or was crafted; rebuild the bundle with reportgen pack",
	            "does not inflate to the %llu bytes its ZIP header declares",
	            (unsigned long long)e->size);
	fail(b, RG_EINPUT);
}

/* Streams one entry: inflate, hash, feed (csv may be NULL), enforce the
 * size limit on what is actually inflated (a central directory can lie). */
static bool stream_entry(struct rg_bundle *b, const struct entry *e, struct rg_csv *csv,
                         struct rg_buf *keep, char digest[RG_SHA256_HEX], uint64_t *size)
{
	zip_file_t *zf = zip_fopen_index(b->za, e->index, 0);
	if (b->progress)
		b->progress(b->progress_ctx, e->name, 0, e->size);
	if (!zf) {
		rg_diag_err(b->diags, "zip.damaged", e->name, 0, NULL, "rebuild the bundle",
		            "cannot be opened: %s", zip_strerror(b->za));
		fail(b, RG_EINPUT);
		digest[0] = '\0';
		*size = 0;
		b->halted = true;
		return false;
	}
	size_t lim = e->role == ROLE_SIGNINS ? offsetof(struct rg_limits, signins_size)
	                                     : offsetof(struct rg_limits, entry_size);
	uint64_t max = *(const uint64_t *)((const char *)b->limits + lim);
	char *buf = b->chunk;
	uint64_t total = 0;
	bool ok = true;
	for (;;) {
		zip_int64_t n = zip_fread(zf, buf, CHUNK);
		if (n < 0) {
			rg_diag_err(b->diags, "zip.damaged", e->name, 0, NULL,
			            "rebuild the bundle; the ZIP data is corrupt",
			            "cannot be inflated: %s", zip_file_strerror(zf));
			fail(b, RG_EINPUT);
			ok = false;
			break;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		/* The size, ratio and total limits were checked on the declared
		 * size, so an entry may not inflate past it (libzip does not
		 * check; the CRC alone does not catch a crafted header). */
		if (total > e->size) {
			size_mismatch(b, e);
			ok = false;
			break;
		}
		if (total > max) {
			limit_error(b, e->name, lim, "inflates past");
			ok = false;
			break;
		}
		rg_sha256_update(b->hash, buf, (size_t)n);
		if (b->progress && total >> 20 != (total - (uint64_t)n) >> 20) /* each MiB */
			b->progress(b->progress_ctx, e->name, total, e->size);
		if (csv && !rg_csv_stopped(csv))
			rg_csv_feed(csv, buf, (size_t)n);
		if (keep && rg_buf_append(keep, buf, (size_t)n) != RG_BUF_OK) {
			limit_error(b, e->name, offsetof(struct rg_limits, xml_size), "is larger than");
			ok = false;
			break;
		}
	}
	zip_fclose(zf);
	if (ok && total != e->size) {
		size_mismatch(b, e);
		ok = false;
	}
	if (b->progress)
		b->progress(b->progress_ctx, e->name, total, total);
	if (ok && csv)
		rg_csv_end(csv);
	/* A digest only of what was read whole: a damaged entry has none (its
	 * message must not show the digest of the bytes that came out). */
	rg_sha256_final_hex(b->hash, digest);
	if (!ok) {
		digest[0] = '\0';
		b->halted = true; /* no more inflating after a lie, a limit or damage */
	}
	*size = total;
	return ok;
}

static struct rg_member *add_member(struct rg_bundle *b, const char *name)
{
	struct rg_evidence *ev = b->ev;
	struct rg_member *m = &ev->members[ev->n_members++];
	m->path = name;
	if (!rg_strmap_put(&b->members, name, strlen(name), (void *)ev->n_members, NULL))
		fail(b, RG_EENV);
	return m;
}

/* Compares a member's digest, computed while it was read whole, with the
 * manifest's (every name was found in the manifest before anything was
 * inflated: check_listed_names). */
static void check_digest(struct rg_bundle *b, const struct rg_member *m)
{
	struct rg_manifest_file *mf = rg_manifest_find(&b->manifest, m->path);
	assert(mf && m->sha256[0]);
	mf->seen = true;
	if (strcmp(mf->sha256, m->sha256) != 0) {
		rg_diag_err(b->diags, "manifest.digest", m->path, 0, NULL,
		            "the file was altered after the manifest was written, or the bundle was assembled wrong; rebuild it with reportgen pack",
		            "has SHA-256 %s but manifest.xml (line %u) lists %s", m->sha256, mf->line,
		            mf->sha256);
		fail(b, RG_EINPUT);
	}
}

static void read_table(struct rg_bundle *b, struct entry *e)
{
	size_t k = e->tindex;
	struct rg_table *t = e->table;
	assert(t && k < b->n_tables);
	b->present[k] = true;
	struct rg_csv *csv = rg_csv_new(t->file, b->limits, b->diags, rg_table_record, t);
	if (!csv) {
		fail(b, RG_EENV);
		return;
	}
	struct rg_member *m = add_member(b, e->name);
	size_t errors_before = b->diags->errors;
	bool read = stream_entry(b, e, csv, NULL, m->sha256, &m->size);
	if (read && !t->ncols)
		rg_diag_err(b->diags, "csv.empty-file", t->file, 0, NULL,
		            "the first line must be the header (see docs/bundle-format.md)",
		            "is empty: it has no header line");
	b->complete[k] = read && t->ncols && t->header_ok && !rg_csv_stopped(csv);
	if (b->diags->errors > errors_before)
		fail(b, RG_EINPUT);
	rg_csv_free(csv);
	rg_table_end_file(t);
	if (read)
		check_digest(b, m);
}

static void read_attachment(struct rg_bundle *b, struct entry *e)
{
	struct rg_member *m = add_member(b, e->name);
	if (stream_entry(b, e, NULL, NULL, m->sha256, &m->size))
		check_digest(b, m);
}

static struct entry *find_role(struct rg_bundle *b, enum entry_role role)
{
	for (size_t i = 0; i < b->n_entries; i++)
		if (b->entries[i].role == role)
			return &b->entries[i];
	return NULL;
}

/* Reads manifest.xml; manifest_ok when its file list can be used.  The
 * only entry inflated before every name is known to be listed. */
static void read_manifest(struct rg_bundle *b)
{
	struct entry *e = find_role(b, ROLE_MANIFEST);
	if (!e) {
		rg_diag_err(b->diags, "bundle.no-manifest", RG_F_MANIFEST, 0, NULL,
		            "add manifest.xml at the root of the ZIP (see docs/bundle-format.md)",
		            "is missing from the bundle");
		fail(b, RG_EINPUT);
		return;
	}
	assert(e->readable); /* else scan_directory reported it and halted */
	struct rg_buf buf;
	rg_buf_init(&buf, b->limits->xml_size);
	struct rg_member *m = add_member(b, e->name);
	if (stream_entry(b, e, NULL, &buf, m->sha256, &m->size)) {
		rg_status st = rg_manifest_read(&b->manifest, b->ev, buf.data ? buf.data : "", buf.len,
		                                b->limits, b->arena, b->diags);
		b->manifest_ok = st == RG_OK || st == RG_EINPUT;
		if (!b->manifest.files && st != RG_OK)
			b->manifest_ok = false;
		fail(b, st);
	}
	rg_buf_free(&buf);
}

/* Every entry against the manifest's file list, and the list against the
 * entries, from names alone.  An entry not listed is refused before it is
 * inflated (a bundle of 10,000 unlisted entries costs a directory read, not
 * ten gigabytes of inflating); a listed file that is not in the ZIP is
 * reported here once, and never again as missing. */
static void check_listed_names(struct rg_bundle *b)
{
	for (size_t i = 0; i < b->n_entries; i++) {
		const struct entry *e = &b->entries[i];
		if (!e->readable || e->role == ROLE_MANIFEST)
			continue;
		if (!rg_manifest_find(&b->manifest, e->name)) {
			rg_diag_err(b->diags, "manifest.unlisted", e->name, 0, NULL,
			            "list it under <files> in manifest.xml with its SHA-256 (reportgen pack does this)",
			            "is in the ZIP but not listed in manifest.xml");
			fail(b, RG_EINPUT);
			b->halted = true;
		}
	}
	for (size_t i = 0; i < b->manifest.n_files; i++) {
		const struct rg_manifest_file *mf = &b->manifest.files[i];
		if (rg_strmap_has(&b->names, mf->path, strlen(mf->path)))
			continue;
		rg_diag_err(b->diags, "manifest.missing", RG_F_MANIFEST, mf->line, "<file> @path",
		            "add the file to the ZIP, or remove it from the list",
		            "lists \"%s\", which is not in the bundle", mf->path);
		fail(b, RG_EINPUT);
	}
}

bool rg_bundle_is_table_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strchr(name, '/') && strcmp(name + n - 4, ".csv") == 0;
}

/* "an account", "a secret_id": the article of a word, for messages. */
static const char *article(const char *word)
{
	return strchr("aeiouAEIOU", word[0]) && word[0] ? "an" : "a";
}

/* The profile's tables for the entries, once the manifest has named the
 * directive.  A CSV file the profile does not declare is refused as the
 * layout refuses any unknown entry, and nothing more is inflated. */
static void assign_tables(struct rg_bundle *b)
{
	const struct rg_profile *p = b->profile;
	size_t n = (p ? p->n_tables : 0) + 2;
	b->tables = calloc(n, sizeof *b->tables);
	b->present = calloc(n, sizeof *b->present);
	b->complete = calloc(n, sizeof *b->complete);
	if (!b->tables || !b->present || !b->complete) {
		fail(b, RG_EENV);
		b->halted = true;
		return;
	}
	b->n_tables = n;
	for (size_t k = 0; p && k < p->n_tables; k++)
		rg_table_init(&b->tables[k], &p->tables[k], b->arena, b->limits, b->diags);
	rg_table_init(&b->tables[n - 2], &rg_builtin_audit_events, b->arena, b->limits, b->diags);
	rg_table_init(&b->tables[n - 1], &rg_builtin_signins, b->arena, b->limits, b->diags);
	bool unknown = false;
	for (size_t i = 0; i < b->n_entries; i++) {
		struct entry *e = &b->entries[i];
		if (e->role == ROLE_SIGNINS) {
			e->table = &b->tables[n - 1];
			e->tindex = n - 1;
		}
		if (e->role != ROLE_TABLE || !e->readable)
			continue;
		size_t k = strcmp(e->name, RG_F_AUDIT_EVENTS) == 0 ? n - 2 : n;
		for (size_t t = 0; p && t < p->n_tables && k == n; t++)
			if (strcmp(p->tables[t].file, e->name) == 0)
				k = t;
		if (k < n) {
			e->table = &b->tables[k];
			e->tindex = k;
		} else if (p) {
			rg_diag_err(b->diags, "zip.unknown", e->name, 0, NULL,
			            "remove it, or move supporting documents under attachments/",
			            "is not a file of the bundle format (docs/bundle-format.md, Layout)");
			fail(b, RG_EINPUT);
			e->readable = false;
			unknown = true;
		}
	}
	if (unknown)
		b->halted = true;
}

/* Every reference of every table to the rows it names, and the checks the
 * columns declare between tables (profile.h).  Only between tables that
 * were read: rows that were never read cannot be "not found". */
static void resolve(struct rg_bundle *b)
{
	struct rg_evidence *ev = b->ev;
	const struct rg_profile *p = b->profile;
	size_t np = p ? p->n_tables : 0;
	ev->tables = rg_arena_alloc(b->arena, (np + 1) * sizeof *ev->tables);
	if (!ev->tables) {
		fail(b, RG_EENV);
		return;
	}
	ev->n_tables = np;
	for (size_t k = 0; k < np; k++) {
		struct rg_etable *et = &ev->tables[k];
		et->spec = &p->tables[k];
		et->present = b->present[k];
		et->rows = rg_table_steal(&b->tables[k], &et->n);
		if (b->tables[k].n && !et->rows) {
			fail(b, RG_EENV);
			return;
		}
	}
	/* References, in table order. */
	for (size_t k = 0; k < np; k++) {
		const struct rg_table_spec *spec = &p->tables[k];
		for (size_t c = 0; c < spec->n_cols; c++) {
			const struct rg_column_spec *col = &spec->cols[c];
			if (col->type != RG_COL_REF)
				continue;
			const struct rg_table_spec *rs = rg_profile_table(p, col->ref_table);
			assert(rs && rs->id_col >= 0); /* the loader checked the profile */
			size_t rk = (size_t)(rs - p->tables);
			struct rg_table *rt = &b->tables[rk];
			int req = col->ref_requires ? rg_table_spec_column(rs, col->ref_requires) : -1;
			for (size_t i = 0; i < ev->tables[k].n; i++) {
				struct rg_row *row = &ev->tables[k].rows[i];
				struct rg_value *v = rg_row_value_set(row, (int)c);
				if (!v->given)
					continue;
				size_t idx = rg_table_index(rt, v->s);
				if (!idx) {
					if ((b->complete[rk] || !b->present[rk]) &&
					    !rg_strmap_has(&rt->refused, v->s, strlen(v->s))) {
						char hint[200];
						snprintf(hint, sizeof hint, "add the %s to %s, or correct the id",
						         rs->noun, rs->file);
						const char *idname = rs->cols[rs->id_col].name;
						rg_diag_err(b->diags, "ref.dangling", spec->file, row->line, col->name,
						            hint, "\"%s\" is not %s %s of %s", v->s, article(idname),
						            idname, rs->file);
						fail(b, RG_EINPUT);
					}
					continue;
				}
				v->ref = (uint32_t)idx;
				const struct rg_row *target = &ev->tables[rk].rows[idx - 1];
				if (req >= 0 && rg_row_value(target, req)->i != 1) {
					char hint[200];
					snprintf(hint, sizeof hint, "set %s=yes on %s line %u, or correct the id",
					         col->ref_requires, rs->file, target->line);
					rg_diag_err(b->diags, "ref.requires", spec->file, row->line, col->name, hint,
					            "%s \"%s\" is marked %s=no in %s", rs->noun, v->s,
					            col->ref_requires, rs->file);
					fail(b, RG_EINPUT);
				}
			}
		}
	}
	/* A yes that some other table's rows must answer. */
	for (size_t k = 0; k < np; k++) {
		const struct rg_table_spec *spec = &p->tables[k];
		for (size_t c = 0; c < spec->n_cols; c++) {
			const struct rg_column_spec *col = &spec->cols[c];
			if (col->type != RG_COL_BOOL || !col->yes_needs_table)
				continue;
			const struct rg_table_spec *ts = rg_profile_table(p, col->yes_needs_table);
			assert(ts && spec->id_col >= 0);
			size_t tk = (size_t)(ts - p->tables);
			if (!(b->complete[tk] || !b->present[tk]))
				continue;
			struct rg_etable *et = &ev->tables[k];
			bool *answered = et->n ? calloc(et->n, sizeof *answered) : NULL;
			if (et->n && !answered) {
				fail(b, RG_EENV);
				return;
			}
			for (size_t tc = 0; tc < ts->n_cols; tc++) {
				if (ts->cols[tc].type != RG_COL_REF || strcmp(ts->cols[tc].ref_table, spec->file))
					continue;
				for (size_t i = 0; i < ev->tables[tk].n; i++) {
					uint32_t r = rg_row_value(&ev->tables[tk].rows[i], (int)tc)->ref;
					if (r)
						answered[r - 1] = true;
				}
			}
			for (size_t i = 0; i < et->n; i++) {
				const struct rg_row *row = &et->rows[i];
				const char *id = rg_row_value(row, spec->id_col)->s;
				if (rg_row_value(row, (int)c)->i == 1 && !answered[i] &&
				    !rg_strmap_has(&b->tables[tk].refused_keys, id, strlen(id))) {
					char hint[240];
					snprintf(hint, sizeof hint, "list the %s(s) found in this %s in %s, or set %s=no",
					         ts->noun, spec->noun, ts->file, col->name);
					rg_diag_err(b->diags, "ref.unanswered", spec->file, row->line, col->name, hint,
					            "%s \"%s\" %s but %s lists none for it", spec->noun, id,
					            col->yes_means ? col->yes_means : "is marked yes", ts->file);
					fail(b, RG_EINPUT);
				}
			}
			free(answered);
		}
	}
	/* Values that should match another table's (a warning: the row is not
	 * used), and documents cited under attachments/. */
	for (size_t k = 0; k < np; k++) {
		const struct rg_table_spec *spec = &p->tables[k];
		for (size_t c = 0; c < spec->n_cols; c++) {
			const struct rg_column_spec *col = &spec->cols[c];
			if (col->matches_table) {
				const struct rg_table_spec *ms = rg_profile_table(p, col->matches_table);
				int mc = ms ? rg_table_spec_column(ms, col->matches_column) : -1;
				assert(mc >= 0);
				size_t mk = (size_t)(ms - p->tables);
				struct rg_strmap values;
				rg_strmap_init(&values);
				for (size_t i = 0; i < ev->tables[mk].n; i++) {
					const struct rg_value *mv = rg_row_value(&ev->tables[mk].rows[i], mc);
					if (mv->given)
						rg_strmap_put(&values, mv->s, strlen(mv->s), (void *)1, NULL);
				}
				for (size_t i = 0; i < ev->tables[k].n; i++) {
					const struct rg_row *row = &ev->tables[k].rows[i];
					const struct rg_value *v = rg_row_value(row, (int)c);
					const char *s = v->s;
					if (!v->given || rg_strmap_has(&values, s, strlen(s)) ||
					    rg_strmap_has(&b->tables[mk].refused_keys, s, strlen(s)))
						continue;
					char hint[200];
					snprintf(hint, sizeof hint, "check the spelling against %s; the %s is not used",
					         ms->file, spec->noun);
					rg_diag_warn(b->diags, "ref.unmatched", spec->file, row->line, col->name, hint,
					             "\"%s\" is not %s %s of %s", s, article(col->matches_column),
					             col->matches_column, ms->file);
				}
				rg_strmap_free(&values);
			}
			if (col->attachment) {
				for (size_t i = 0; i < ev->tables[k].n; i++) {
					struct rg_row *row = &ev->tables[k].rows[i];
					struct rg_value *v = rg_row_value_set(row, (int)c);
					if (!v->given || strncmp(v->s, "attachments/", 12) != 0)
						continue;
					if (rg_strmap_has(&b->members, v->s, strlen(v->s))) {
						v->i = 1;
					} else {
						rg_diag_err(b->diags, "ref.attachment", spec->file, row->line, col->name,
						            "add the document to the bundle under that name, or correct the path",
						            "\"%s\" is not a file in the bundle", v->s);
						fail(b, RG_EINPUT);
					}
				}
			}
		}
	}
}

/* audit-events.csv into its rows (the bundle format's own table). */
static void read_audit_events(struct rg_bundle *b)
{
	struct rg_evidence *ev = b->ev;
	struct rg_table *t = &b->tables[b->n_tables - 2];
	ev->has_audit_events = b->present[b->n_tables - 2];
	ev->n_audit_events = t->n;
	ev->audit_events = t->n ? rg_arena_alloc(b->arena, t->n * sizeof *ev->audit_events) : NULL;
	if (t->n && !ev->audit_events) {
		fail(b, RG_EENV);
		return;
	}
	assert(!t->spec->slot); /* a built-in table: every column, in order */
	for (size_t i = 0; i < t->n; i++) {
		const struct rg_row *r = &t->rows[i];
		ev->audit_events[i] = (struct rg_audit_event){
		    .line = r->line, .at = r->v[0].t, .operation = r->v[1].s, .target = r->v[2].s,
		    .actor = r->v[3].s, .action = r->v[4].i, .correlation_id = r->v[5].s,
		    .request_id = r->v[6].s, .source = r->v[7].s};
	}
}

/* A name of the raw directory (not NUL-terminated) for messages. */
static const char *raw_name(struct rg_bundle *b, const struct rg_zipdir_entry *e)
{
	const char *copy = rg_arena_strndup(b->arena, e->name, e->name_len);
	return copy ? printable(b, copy) : "?";
}

/* Step 1 (file comment): the raw layout.  Names with a NUL (libzip would
 * cut them short), duplicate names (libzip refuses them without naming
 * them), entries that share bytes (the overlapping-entry bomb) or that are
 * not where the directory says.  One error per cause: an overlap is one
 * message naming the first two entries and the count. */
static void check_layout(struct rg_bundle *b, const struct rg_zipdir *z)
{
	struct rg_strmap seen;
	rg_strmap_init(&seen);
	for (size_t i = 0; i < z->n; i++) {
		const struct rg_zipdir_entry *e = &z->v[i];
		char col[260];
		snprintf(col, sizeof col, "entry \"%s\"", raw_name(b, e));
		if (memchr(e->name, '\0', e->name_len)) {
			rg_diag_err(b->diags, "zip.name", b->zip_label, 0, col,
			            "entries must have plain names; rebuild the bundle with reportgen pack",
			            "contains a NUL byte");
			fail(b, RG_EINPUT);
		}
		bool existed = false;
		if (!rg_strmap_put(&seen, e->name, e->name_len, (void *)1, &existed)) {
			fail(b, RG_EENV);
			break;
		}
		if (existed) {
			rg_diag_err(b->diags, "zip.duplicate", b->zip_label, 0, col,
			            "keep one entry of each name", "appears more than once in the ZIP");
			fail(b, RG_EINPUT);
		}
		if (e->place != RG_ZIPDIR_PLACED) {
			rg_diag_err(b->diags, "zip.layout", b->zip_label, 0, col,
			            "the ZIP is damaged or was crafted; rebuild the bundle with reportgen pack",
			            e->place == RG_ZIPDIR_NO_LOCAL
			                ? "has no local header at offset %llu, where the central directory places it"
			                : "runs past the start of the central directory (its local header is at offset %llu)",
			            (unsigned long long)e->start);
			fail(b, RG_EINPUT);
		}
	}
	rg_strmap_free(&seen);
	struct rg_zipdir_overlap ov;
	int found = rg_zipdir_find_overlap(z, &ov);
	if (found < 0) {
		fail(b, RG_EENV);
	} else if (found) {
		char col[260];
		snprintf(col, sizeof col, "entry \"%s\"", raw_name(b, &z->v[ov.b]));
		rg_diag_err(b->diags, "zip.overlap", b->zip_label, 0, col,
		            "a ZIP's entries each have their own bytes; this is an overlapping-entry ZIP "
		            "bomb or a damaged archive: rebuild the bundle with reportgen pack",
		            "shares bytes with entry \"%s\" (its bytes %llu to %llu, that entry's %llu "
		            "to %llu); %zu entr%s overlap another",
		            raw_name(b, &z->v[ov.a]), (unsigned long long)z->v[ov.b].start,
		            (unsigned long long)z->v[ov.b].end, (unsigned long long)z->v[ov.a].start,
		            (unsigned long long)z->v[ov.a].end, ov.count, ov.count == 1 ? "y" : "ies");
		fail(b, RG_EINPUT);
	}
}

rg_status rg_bundle_open(struct rg_bundle **out, const char *zip_path,
                         const struct rg_limits *limits, rg_profile_fn profile_fn,
                         void *profile_ctx, struct rg_arena *arena, struct rg_diags *diags)
{
	*out = NULL;
	struct rg_bundle *b = calloc(1, sizeof *b);
	struct rg_evidence *ev = rg_arena_alloc(arena, sizeof *ev);
	struct rg_sha256 *h = rg_sha256_new();
	if (!b || !ev || !h) {
		free(b);
		rg_sha256_free(h);
		rg_diag_err(diags, "env.nomem", zip_path, 0, NULL, NULL, "out of memory");
		return RG_EENV;
	}
	b->ev = ev;
	b->arena = arena;
	b->diags = diags;
	b->limits = limits;
	b->hash = h;
	rg_strmap_init(&b->members);
	rg_strmap_init(&b->names);
	const char *slash = strrchr(zip_path, '/');
	b->zip_label = slash ? slash + 1 : zip_path;
	ev->bundle_name = rg_arena_strdup(arena, b->zip_label);

	/* Step 1: the raw layout, before libzip.  Past its limit of entries
	 * the directory is not read (scan_directory reports the limit); when
	 * it cannot be read at all, libzip's error below says why. */
	struct rg_zipdir dir;
	enum rg_zipdir_result zr = rg_zipdir_read(&dir, zip_path, limits->entries);
	if (zr == RG_ZIPDIR_NOMEM)
		fail(b, RG_EENV);
	else if (zr == RG_ZIPDIR_OK)
		check_layout(b, &dir);
	rg_zipdir_free(&dir);
	if (b->status != RG_OK) {
		rg_status st = b->status;
		if (st == RG_EENV)
			rg_diag_err(diags, "env.nomem", b->zip_label, 0, NULL, NULL, "out of memory");
		rg_bundle_close(b);
		return st;
	}
	int zerr = 0;
	b->za = zip_open(zip_path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!b->za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		bool env = zerr == ZIP_ER_OPEN || zerr == ZIP_ER_NOENT || zerr == ZIP_ER_READ ||
		           zerr == ZIP_ER_MEMORY;
		rg_diag_err(diags, env ? "env.read" : "zip.invalid", b->zip_label, 0, NULL,
		            env ? "check the path and its permissions"
		                : "an evidence bundle is a ZIP file; rebuild it with reportgen pack",
		            "is not a readable ZIP archive: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		rg_status st = env ? RG_EENV : RG_EINPUT;
		rg_bundle_close(b);
		return st;
	}
	/* Step 2. */
	scan_directory(b);
	ev->members = rg_arena_alloc(arena, (b->n_entries + 1) * sizeof *ev->members);
	if (!ev->members) {
		rg_bundle_close(b);
		return RG_EENV;
	}
	if (b->status != RG_OK)
		b->halted = true;
	/* The digest of the whole file, for the reports: not worth reading the
	 * file for when the directory already refused it. */
	if (!b->halted && !rg_sha256_file(zip_path, ev->bundle_sha256)) {
		rg_diag_err(diags, "env.read", zip_path, 0, NULL, "check the path and its permissions",
		            "cannot be read: %s", strerror(errno));
		rg_bundle_close(b);
		return RG_EENV;
	}
	/* Step 3: the manifest, which names the directive, whose profile
	 * says which tables the bundle may hold. */
	bool halted_before = b->halted;
	if (!b->halted)
		read_manifest(b);
	b->profile = profile_fn ? profile_fn(profile_ctx, ev) : NULL;
	assign_tables(b);
	if (!halted_before && !b->halted) {
		if (b->manifest_ok)
			check_listed_names(b);
		else
			b->halted = true; /* no file list: no name can be checked */
	}
	/* Step 4.  Without a profile, a table is only hashed (its digest is
	 * still checked). */
	for (size_t i = 0; i < b->n_entries && !b->halted && b->status != RG_EENV; i++) {
		struct entry *e = &b->entries[i];
		if (!e->readable)
			continue;
		if (e->role == ROLE_TABLE && e->table)
			read_table(b, e);
		else if (e->role == ROLE_ATTACHMENT || e->role == ROLE_TABLE)
			read_attachment(b, e);
	}
	/* From the names, so that a required table refused or left unread is
	 * not also called missing. */
	for (size_t k = 0; b->profile && k < b->profile->n_tables && b->status != RG_EENV; k++) {
		const struct rg_table_spec *t = &b->profile->tables[k];
		if (!t->required || rg_strmap_has(&b->names, t->file, strlen(t->file)))
			continue;
		char hint[300];
		snprintf(hint, sizeof hint, "add %s with %s", t->file, t->contents);
		rg_diag_err(diags, "bundle.missing-table", t->file, 0, NULL, hint,
		            "is missing; every bundle needs one");
		fail(b, RG_EINPUT);
	}
	ev->has_signins = b->signins != NULL;
	/* Cross-references only between tables that were read: rows that were
	 * never read cannot be "not found". */
	if (!b->halted && b->status != RG_EENV) {
		resolve(b);
		read_audit_events(b);
	}
	/* The evidence is complete: the tables' lookup maps and row arrays
	 * are not needed past this point, and the judge, which comes next,
	 * is where reading a bundle peaks in memory.  signins.csv, streamed
	 * by rg_bundle_finish, keeps its table. */
	for (size_t k = 0; k < b->n_tables; k++)
		if (!b->tables[k].spec->streamed)
			rg_table_free(&b->tables[k]);
	*out = b;
	return b->status;
}

void rg_bundle_set_progress(struct rg_bundle *b, rg_progress_fn fn, void *ctx)
{
	b->progress = fn;
	b->progress_ctx = ctx;
}

struct rg_evidence *rg_bundle_evidence(struct rg_bundle *b)
{
	return b->ev;
}

/* One valid row of signins.csv (rg_builtin_signins' columns). */
static void signin_row(void *ctx, uint32_t line, const struct rg_value *v)
{
	struct rg_bundle *b = ctx;
	if (!b->signin_fn || v[4].i != 0) /* successful sign-ins only */
		return;
	struct rg_signin s = {v[1].s, v[3].s ? v[3].s : "", v[0].t, line};
	b->signin_fn(b->signin_ctx, &s);
}

rg_status rg_bundle_finish(struct rg_bundle *b, rg_signin_fn fn, void *ctx)
{
	if (b->signins && b->signins->readable && b->signins->table && !b->halted &&
	    b->status != RG_EENV) {
		struct rg_table *t = b->signins->table;
		b->signin_fn = fn;
		b->signin_ctx = ctx;
		t->row_fn = signin_row;
		t->row_ctx = b;
		read_table(b, b->signins);
	}
	rg_status st = b->status;
	rg_bundle_close(b);
	return st;
}

void rg_bundle_close(struct rg_bundle *b)
{
	if (!b)
		return;
	if (b->za)
		zip_discard(b->za);
	for (size_t k = 0; k < b->n_tables; k++)
		rg_table_free(&b->tables[k]);
	free(b->tables);
	free(b->present);
	free(b->complete);
	rg_strmap_free(&b->members);
	rg_strmap_free(&b->names);
	rg_sha256_free(b->hash);
	free(b);
}
