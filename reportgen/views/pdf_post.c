/*
 * pdf_post.c: completes cairo's tagged PDF with what cairo 1.16 leaves out.
 *
 * cairo writes the structure tree but not the catalog's /Lang nor
 * /MarkInfo << /Marked true >>, without which readers (and pdfinfo) do not
 * treat the file as tagged, nor the /Alt text of Figure elements; and its
 * links to another file are broken (cairo 1.16 rejects file= links), so
 * the views write such a link as a URI with the RG_PDF_GOTO_SCHEME prefix
 * and it is turned into a GoToR action here.  Rather than patch bytes in place, this appends
 * a standard incremental update (ISO 32000-1, 7.5.6): a new revision of the
 * catalog object, an xref section for it alone and a trailer with /Prev.
 * The signing step appends its own update after this one, so the trailer
 * carries /Size, /Root, /Info and /ID like any other.
 *
 * The file is read once, in chunks, for its digest (the trailer /ID, which
 * cairo does not write) and for the Figure elements; otherwise only the
 * trailer, one xref entry and the catalog are read: memory stays flat.  Input is cairo's own output, but it
 * is parsed defensively: anything unexpected is an environment failure
 * (RG_EENV) with a diagnostic, never a crash or a malformed file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/str.h"
#include "views/pdf_doc.h"

#define TAIL 4096
#define CATALOG_MAX (64 * 1024)

static rg_status fail(struct rg_diags *diags, const char *path, const char *what)
{
	rg_diag_err(diags, "pdf.post", path, 0, NULL, NULL,
	            "cannot add the document language to the PDF: %s", what);
	return RG_EENV;
}

static rg_status io_fail(struct rg_diags *diags, const char *path)
{
	rg_diag_err(diags, "pdf.write", path, 0, NULL, NULL, "cannot finish the PDF: %s",
	            strerror(errno ? errno : EIO));
	return RG_EENV;
}

/* The integer after key in a dictionary text, e.g. "/Size 24" or the object
 * number of "/Root 23 0 R". */
static bool dict_int(const char *dict, const char *key, long long *out)
{
	const char *p = dict;
	size_t k = strlen(key);
	while ((p = strstr(p, key)) != NULL) {
		char c = p[k];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			char *end;
			long long v = strtoll(p + k, &end, 10);
			if (end != p + k && v >= 0) {
				*out = v;
				return true;
			}
		}
		p += k;
	}
	return false;
}

/* Writes s as a PDF literal string. */
static void put_pdf_string(FILE *fp, const char *s)
{
	fputc('(', fp);
	for (; *s; s++) {
		if (*s == '(' || *s == ')' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc(')', fp);
}

/* Writes s as a PDF text string: a literal when it is ASCII, else UTF-16BE
 * with a byte order mark, in hex (ISO 32000-1, 7.9.2.2). */
static void put_text_string(FILE *fp, const char *s)
{
	bool ascii = true;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p < 0x20)
			ascii = false;
	if (ascii) {
		put_pdf_string(fp, s);
		return;
	}
	fputs("<FEFF", fp);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c = *p++;
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
		for (; more > 0 && (*p & 0xc0) == 0x80; more--)
			c = (c << 6) | (*p++ & 0x3f);
		if (c < 0x20)
			c = 0x20;
		if (c >= 0x10000) {
			c -= 0x10000;
			fprintf(fp, "%04X%04X", 0xd800 + (unsigned)(c >> 10), 0xdc00 + (unsigned)(c & 0x3ff));
		} else {
			fprintf(fp, "%04X", (unsigned)c);
		}
	}
	fputc('>', fp);
}

#define MAX_TARGETS 256

/* First occurrence of needle (m bytes) in hay (n bytes, may hold NULs). */
static char *find_bytes(char *hay, size_t n, const char *needle, size_t m)
{
	for (char *p = hay; (size_t)(p - hay) + m <= n; p++) {
		p = memchr(p, needle[0], n - (size_t)(p - hay));
		if (!p || (size_t)(p - hay) + m > n)
			return NULL;
		if (memcmp(p, needle, m) == 0)
			return p;
	}
	return NULL;
}

/* An object of cairo's output that the update rewrites. */
enum target_kind { T_CATALOG, T_FIGURE, T_GOTO };

struct target {
	enum target_kind kind;
	long long num; /* object number; -1: leave alone */
	long at;       /* offset of "num 0 obj" */
	char *dict;    /* its dictionary without the final ">>" (malloc'd) */
};

/* What each kind of object starts with, exactly as cairo 1.16 writes it:
 * a match on the needle alone could be text inside some string. */
static const struct {
	const char *needle, *head;
} kinds[] = {
	[T_FIGURE] = {"/S /Figure\n", "<< /Type /StructElem\n   /S /Figure\n"},
	[T_GOTO] = {"/URI (" RG_PDF_GOTO_SCHEME, "<< /Type /Annot\n   /Subtype /Link\n"},
};

/* The start of the "N 0 obj" line before m, within buf; NULL if none. */
static char *object_start(char *buf, char *m)
{
	for (char *o = m; o - buf >= 6; o--) {
		if (memcmp(o - 6, " 0 obj", 6) == 0) {
			char *l = o - 6;
			while (l > buf && l[-1] != '\n')
				l--;
			return l;
		}
	}
	return NULL;
}

/* One pass over the file: its digest (for /ID) and where cairo wrote the
 * Figure structure elements (to give them /Alt) and the links into
 * another file (to make them GoToR actions). */
static bool scan_file(FILE *fp, char out[RG_SHA256_HEX], struct target *tg, size_t *n_tg)
{
	const size_t keep = 512; /* covers an object's head before its needle */
	struct rg_sha256 *h = rg_sha256_new();
	char *buf = malloc(65536 + keep + 1);
	if (!h || !buf || fseek(fp, 0, SEEK_SET) != 0) {
		rg_sha256_free(h);
		free(buf);
		return false;
	}
	size_t have = 0; /* bytes kept from the previous chunk */
	long base = 0;   /* file offset of buf[0] */
	size_t n;
	while ((n = fread(buf + have, 1, 65536, fp)) > 0) {
		rg_sha256_update(h, buf + have, n);
		size_t len = have + n;
		buf[len] = '\0';
		for (int k = T_FIGURE; k <= T_GOTO; k++) {
			const char *needle = kinds[k].needle;
			size_t nl = strlen(needle);
			/* Only matches that end in the new bytes: one in the kept
			 * overlap was seen with the previous chunk. */
			size_t from = have >= nl - 1 ? have - (nl - 1) : 0;
			for (char *m = buf + from;
			     (m = find_bytes(m, len - (size_t)(m - buf), needle, nl)) != NULL; m++) {
				char *o = object_start(buf, m);
				long long num;
				if (o && sscanf(o, "%lld 0 obj", &num) == 1 && *n_tg < MAX_TARGETS) {
					tg[*n_tg] = (struct target){(enum target_kind)k, num,
					                            base + (long)(o - buf), NULL};
					(*n_tg)++;
				}
			}
		}
		size_t k = len < keep ? len : keep;
		memmove(buf, buf + len - k, k);
		base += (long)(len - k);
		have = k;
	}
	bool ok = !ferror(fp);
	rg_sha256_final_hex(h, out);
	rg_sha256_free(h);
	free(buf);
	return ok;
}

/* Reads the object at "at" (up to endobj) and returns its dictionary text
 * without the final ">>", malloc'd; NULL if it does not hold must_hold or
 * (head not NULL) does not begin with head. */
static char *read_dict(FILE *fp, long at, const char *must_hold, const char *head)
{
	char *obj = malloc(CATALOG_MAX + 1);
	if (!obj)
		return NULL;
	if (fseek(fp, at, SEEK_SET) != 0) {
		free(obj);
		return NULL;
	}
	size_t n = fread(obj, 1, CATALOG_MAX, fp);
	obj[n] = '\0';
	const char *end = strstr(obj, "endobj");
	const char *open = strstr(obj, "<<");
	const char *close = end ? rg_memrmem(obj, (size_t)(end - obj), ">>") : NULL;
	char *dict = NULL;
	if (end && open && close && close > open && strstr(obj, must_hold) &&
	    strstr(obj, must_hold) < end && (!head || strncmp(open, head, strlen(head)) == 0))
		dict = rg_asprintf("%.*s", (int)(close - open), open);
	free(obj);
	return dict;
}

struct xref_entry {
	long long num;
	long at;
};

static int by_num(const void *a, const void *b)
{
	const struct xref_entry *x = a, *y = b;
	return (x->num > y->num) - (x->num < y->num);
}

static void free_targets(struct target *tg, size_t n)
{
	for (size_t i = 0; tg && i < n; i++)
		free(tg[i].dict);
	free(tg);
}

rg_status rg_pdf_mark_tagged(FILE *fp, const char *path, const char *lang,
                             const char *figure_alt, struct rg_diags *diags)
{
	errno = 0;
	if (fflush(fp) != 0 || fseek(fp, 0, SEEK_END) != 0)
		return io_fail(diags, path);
	long size = ftell(fp);
	if (size < 64)
		return fail(diags, path, "the file is too short to be a PDF");

	/* Trailer and startxref, from the end of the file. */
	char tail[TAIL + 1];
	long from = size > TAIL ? size - TAIL : 0;
	if (fseek(fp, from, SEEK_SET) != 0)
		return io_fail(diags, path);
	size_t tn = fread(tail, 1, (size_t)(size - from), fp);
	tail[tn] = '\0';
	const char *sx = rg_memrmem(tail, tn, "startxref");
	const char *tr = sx ? rg_memrmem(tail, (size_t)(sx - tail), "trailer") : NULL;
	if (!sx || !tr)
		return fail(diags, path, "no trailer");
	long long xref_at = strtoll(sx + 9, NULL, 10);
	char *trailer = rg_asprintf("%.*s", (int)(sx - tr), tr);
	if (!trailer)
		return RG_EENV;
	long long size_n = 0, root = 0, info = -1;
	bool ok = dict_int(trailer, "/Size", &size_n) && dict_int(trailer, "/Root", &root);
	dict_int(trailer, "/Info", &info);
	char *id = NULL;
	const char *idp = strstr(trailer, "/ID");
	if (idp) {
		const char *b = strchr(idp, '['), *e = b ? strchr(b, ']') : NULL;
		if (b && e)
			id = rg_asprintf("%.*s", (int)(e - b + 1), b);
	}
	free(trailer);
	if (!ok || root <= 0 || root >= size_n || xref_at <= 0 || xref_at >= size) {
		free(id);
		return fail(diags, path, "unexpected trailer");
	}

	/* The catalog's offset from the classic xref table cairo writes: one
	 * subsection "0 N" of fixed 20-byte entries. */
	char head[64];
	if (fseek(fp, (long)xref_at, SEEK_SET) != 0) {
		free(id);
		return io_fail(diags, path);
	}
	size_t hn = fread(head, 1, sizeof head - 1, fp);
	head[hn] = '\0';
	long long first = -1, count = -1;
	int used = 0;
	if (sscanf(head, "xref %lld %lld%n", &first, &count, &used) != 2 || first != 0 ||
	    root >= count) {
		free(id);
		return fail(diags, path, "unexpected xref table");
	}
	long entries = (long)xref_at + used;
	while ((size_t)(entries - xref_at) < hn &&
	       strchr("\r\n ", head[entries - xref_at]) && head[entries - xref_at])
		entries++;
	char entry[21];
	if (fseek(fp, entries + (long)root * 20, SEEK_SET) != 0 || fread(entry, 1, 20, fp) != 20) {
		free(id);
		return io_fail(diags, path);
	}
	entry[20] = '\0';
	long long cat_at = strtoll(entry, NULL, 10);
	if (entry[17] != 'n' || cat_at <= 0 || cat_at >= size) {
		free(id);
		return fail(diags, path, "catalog not in the xref table");
	}

	/* The catalog object itself. */
	char *cat = read_dict(fp, (long)cat_at, "/Catalog", NULL);
	if (!cat) {
		free(id);
		return fail(diags, path, "unexpected catalog object");
	}
	bool has_lang = strstr(cat, "/Lang") != NULL;
	bool has_mark = strstr(cat, "/MarkInfo") != NULL;

	char digest[RG_SHA256_HEX];
	struct target *tg = calloc(MAX_TARGETS + 1, sizeof *tg);
	size_t n_tg = 0;
	if (!tg || !scan_file(fp, digest, tg, &n_tg)) {
		rg_status e = tg ? io_fail(diags, path) : RG_EENV;
		free(tg);
		free(cat);
		free(id);
		return e;
	}
	if (!id) {
		/* A file identifier from the bytes themselves: stable for the
		 * same input, so reproducible builds stay byte-identical. */
		id = rg_asprintf("[<%.32s> <%.32s>]", digest, digest);
	}
	for (size_t i = 0; i < n_tg; i++) {
		tg[i].dict = read_dict(fp, tg[i].at, kinds[tg[i].kind].needle, kinds[tg[i].kind].head);
		if (!tg[i].dict || (tg[i].kind == T_FIGURE && (strstr(tg[i].dict, "/Alt") || !figure_alt)))
			tg[i].num = -1; /* leave it as cairo wrote it */
	}

	/* Append the update: the catalog, the figures and the links, then
	 * one xref subsection per object in number order. */
	rg_status st = RG_OK;
	if (!id || fseek(fp, 0, SEEK_END) != 0) {
		st = id ? io_fail(diags, path) : RG_EENV;
		goto out;
	}
	fputc('\n', fp);
	tg[n_tg] = (struct target){T_CATALOG, root, ftell(fp), NULL};
	fprintf(fp, "%lld 0 obj\n%s", root, cat);
	if (!has_lang) {
		fputs("   /Lang ", fp);
		put_pdf_string(fp, lang);
		fputc('\n', fp);
	}
	if (!has_mark)
		fputs("   /MarkInfo << /Marked true >>\n", fp);
	fputs(">>\nendobj\n", fp);
	for (size_t i = 0; i < n_tg; i++) {
		if (tg[i].num < 0)
			continue;
		if (tg[i].kind == T_FIGURE) {
			tg[i].at = ftell(fp);
			fprintf(fp, "%lld 0 obj\n%s   /Alt ", tg[i].num, tg[i].dict);
			put_text_string(fp, figure_alt);
			fputs("\n>>\nendobj\n", fp);
			continue;
		}
		/* A link written as /URI (reportgen-goto:FILE#PAGE) becomes a
		 * go-to-remote action on that page of FILE. */
		char *act = strstr(tg[i].dict, "/A <<");
		char *uri = act ? strstr(act, "/URI (" RG_PDF_GOTO_SCHEME) : NULL;
		char *act_end = uri ? strstr(uri, ">>") : NULL;
		char *hash = uri ? strchr(uri, '#') : NULL;
		char *close = hash ? strchr(hash, ')') : NULL;
		const char *file = uri ? uri + strlen("/URI (" RG_PDF_GOTO_SCHEME) : NULL;
		long page = hash ? strtol(hash + 1, NULL, 10) : 0;
		if (!act_end || !close || close > act_end || page < 1 || hash == file) {
			tg[i].num = -1;
			continue;
		}
		tg[i].at = ftell(fp);
		fprintf(fp, "%lld 0 obj\n%.*s/A << /Type /Action /S /GoToR /F (%.*s) /D [%ld /Fit] >>%s",
		        tg[i].num, (int)(act - tg[i].dict), tg[i].dict, (int)(hash - file), file,
		        page - 1, act_end + 2);
		fputs(">>\nendobj\n", fp);
	}
	struct xref_entry objs[MAX_TARGETS + 1];
	size_t n_objs = 0;
	for (size_t i = 0; i <= n_tg; i++)
		if (tg[i].num >= 0)
			objs[n_objs++] = (struct xref_entry){tg[i].num, tg[i].at};
	qsort(objs, n_objs, sizeof objs[0], by_num);
	long new_xref = ftell(fp);
	fputs("xref\n0 1\n0000000000 65535 f \n", fp);
	for (size_t i = 0; i < n_objs; i++)
		fprintf(fp, "%lld 1\n%010ld 00000 n \n", objs[i].num, objs[i].at);
	fprintf(fp, "trailer\n<< /Size %lld\n   /Root %lld 0 R\n", size_n, root);
	if (info > 0)
		fprintf(fp, "   /Info %lld 0 R\n", info);
	fprintf(fp, "   /ID %s\n   /Prev %lld\n>>\nstartxref\n%ld\n%%%%EOF\n", id, xref_at, new_xref);
	if (fflush(fp) != 0 || ferror(fp))
		st = io_fail(diags, path);
out:
	free(cat);
	free(id);
	free_targets(tg, n_tg);
	return st;
}
