/*
 * pdf_post.c: completes cairo's tagged PDF with what cairo 1.16 leaves out.
 *
 * cairo writes the structure tree but not the catalog's /Lang nor
 * /MarkInfo << /Marked true >>, without which readers (and pdfinfo) do not
 * treat the file as tagged.  Rather than patch bytes in place, this appends
 * a standard incremental update (ISO 32000-1, 7.5.6): a new revision of the
 * catalog object, an xref section for it alone and a trailer with /Prev.
 * The signing step appends its own update after this one, so the trailer
 * carries /Size, /Root, /Info and /ID like any other.
 *
 * Only the trailer, one xref entry and the catalog are read, whatever the
 * size of the file: memory stays flat.  Input is cairo's own output, but it
 * is parsed defensively: anything unexpected is an environment failure
 * (RG_EENV) with a diagnostic, never a crash or a malformed file.
 */
#include <errno.h>
#include <inttypes.h>
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

/* Last occurrence of needle in hay[0..n). */
static const char *find_last(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = n >= m ? n - m + 1 : 0; i-- > 0;)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
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

static bool hash_file(FILE *fp, char out[RG_SHA256_HEX])
{
	struct rg_sha256 *h = rg_sha256_new();
	if (!h || fseek(fp, 0, SEEK_SET) != 0) {
		rg_sha256_free(h);
		return false;
	}
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		rg_sha256_update(h, buf, n);
	bool ok = !ferror(fp);
	rg_sha256_final_hex(h, out);
	rg_sha256_free(h);
	return ok;
}

rg_status rg_pdf_mark_tagged(FILE *fp, const char *path, const char *lang,
                             struct rg_diags *diags)
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
	const char *sx = find_last(tail, tn, "startxref");
	const char *tr = sx ? find_last(tail, (size_t)(sx - tail), "trailer") : NULL;
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
	char *cat = malloc(CATALOG_MAX + 1);
	if (!cat) {
		free(id);
		return RG_EENV;
	}
	if (fseek(fp, (long)cat_at, SEEK_SET) != 0) {
		free(cat);
		free(id);
		return io_fail(diags, path);
	}
	size_t cn = fread(cat, 1, CATALOG_MAX, fp);
	cat[cn] = '\0';
	const char *end = strstr(cat, "endobj");
	const char *open = strstr(cat, "<<");
	const char *close = end ? find_last(cat, (size_t)(end - cat), ">>") : NULL;
	if (!end || !open || !close || close < open || !strstr(cat, "/Catalog")) {
		free(cat);
		free(id);
		return fail(diags, path, "unexpected catalog object");
	}
	bool has_lang = strstr(cat, "/Lang") && strstr(cat, "/Lang") < end;
	bool has_mark = strstr(cat, "/MarkInfo") && strstr(cat, "/MarkInfo") < end;

	char digest[RG_SHA256_HEX];
	if (!id) {
		/* A file identifier from the bytes themselves: stable for the
		 * same input, so reproducible builds stay byte-identical. */
		if (!hash_file(fp, digest)) {
			free(cat);
			return io_fail(diags, path);
		}
		id = rg_asprintf("[<%.32s> <%.32s>]", digest, digest);
		if (!id) {
			free(cat);
			return RG_EENV;
		}
	}

	/* Append the update. */
	if (fseek(fp, 0, SEEK_END) != 0) {
		free(cat);
		free(id);
		return io_fail(diags, path);
	}
	fputc('\n', fp);
	long obj_at = ftell(fp);
	fprintf(fp, "%lld 0 obj\n", root);
	fwrite(open, 1, (size_t)(close - open), fp);
	if (!has_lang) {
		fputs("   /Lang ", fp);
		put_pdf_string(fp, lang);
		fputc('\n', fp);
	}
	if (!has_mark)
		fputs("   /MarkInfo << /Marked true >>\n", fp);
	fputs(">>\nendobj\n", fp);
	free(cat);
	long new_xref = ftell(fp);
	fprintf(fp, "xref\n0 1\n0000000000 65535 f \n%lld 1\n%010ld 00000 n \n", root, obj_at);
	fprintf(fp, "trailer\n<< /Size %lld\n   /Root %lld 0 R\n", size_n, root);
	if (info > 0)
		fprintf(fp, "   /Info %lld 0 R\n", info);
	fprintf(fp, "   /ID %s\n   /Prev %lld\n>>\nstartxref\n%ld\n%%%%EOF\n", id, xref_at, new_xref);
	free(id);
	if (fflush(fp) != 0 || ferror(fp))
		return io_fail(diags, path);
	return RG_OK;
}
