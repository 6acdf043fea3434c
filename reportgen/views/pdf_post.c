/*
 * pdf_post.c: completes cairo's tagged PDF with what PDF/UA-1 (ISO
 * 14289-1) asks and cairo 1.16's tag API cannot say.
 *
 * cairo writes the structure tree (a Document element holding H1-H3, P,
 * Table/THead/TBody/TR/TH/TD, Link with OBJR, Figure), marked content for
 * its leaves, the outline and the Info dictionary.  It cannot write:
 *
 *   - artifacts: what is drawn outside a content element (footers, page
 *     numbers, rules, shading, badges, the header row and "(continued)"
 *     caption repeated on a table's later pages) is left unmarked, which
 *     PDF/UA forbids (7.1).  Each page's content stream is decompressed,
 *     every such run of operators wrapped in "/Artifact BMC ... EMC", and
 *     compressed again;
 *   - attributes: /Scope on TH (Column under THead, Row elsewhere: the
 *     label of a label/value row), /Alt on Figure (the chart's text);
 *   - link annotations' /Contents (the views give it, in drawing order),
 *     and links into another file (cairo 1.16 rejects file= links, so the
 *     views write a URI "reportgen-goto:FILE#PAGE", made /GoToR here);
 *   - /Tabs /S on the pages, and in the catalog /Lang, /ViewerPreferences
 *     << /DisplayDocTitle true >> and an XMP /Metadata stream with
 *     dc:title, dc:language and pdfuaid:part 1; a trailer /ID.
 *
 * The file is rewritten into one revision rather than given an
 * incremental update: a replaced content stream left behind would be most
 * of a page twice.  Objects are read through core/pdfobj.h (the reader of
 * classic xref tables the signer uses) from a read-only mapping of cairo's
 * output, copied in file order (unchanged ones byte for byte), and the new
 * file is written after cairo's bytes in the same file, then moved to its
 * start and the file cut: no second file, no name to clean up.  Memory is
 * one page's content and a few bytes per object.  Input is cairo's own
 * output, but it is parsed defensively: anything unexpected is an
 * environment failure (RG_EENV) with a diagnostic, never a crash or a
 * malformed file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "core/digest.h"
#include "core/str.h"
#include "core/pdfobj.h"
#include "views/pdf_doc.h"

/* One page's content stream, decompressed; cairo's are a few hundred KB. */
#define CONTENT_MAX ((size_t)256 << 20)
#define PAGE_TREE_DEPTH 32


/* A decimal number at p, read no further than end (the file is mapped, not
 * NUL-terminated: strtol could read past it); *after is the first byte not
 * read, p itself when there is no digit.  -1 when it overflows a long. */
static long digits(const char *p, const char *end, const char **after)
{
	long v = 0;
	const char *q = p;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (v > (LONG_MAX - (*q - '0')) / 10) {
			*after = q;
			return -1;
		}
		v = v * 10 + (*q - '0');
	}
	*after = q;
	return v;
}

static rg_status fail(struct rg_diags *diags, const char *path, const char *what)
{
	rg_diag_err(diags, "pdf.post", path, 0, NULL, NULL,
	            "cannot complete the PDF's accessibility structure: %s", what);
	return RG_EENV;
}

static rg_status io_fail(struct rg_diags *diags, const char *path, int err)
{
	rg_diag_err(diags, "pdf.write", path, 0, NULL, NULL, "cannot finish the PDF: %s",
	            strerror(err ? err : EIO));
	return RG_EENV;
}

/* ------------------------------------------------------------------ */
/* Output: buffered pwrite at base + pos, hashed for the /ID */

struct out {
	int fd;
	off_t base;   /* where the new file starts in fd */
	size_t pos;   /* bytes of the new file written (flushed or buffered) */
	struct rg_buf b;
	struct rg_sha256 *h;
	int err;      /* errno of the first failure */
};

/* Writes p[0..n) at offset at of the new file. */
static void write_at(struct out *o, const char *p, size_t n, size_t at)
{
	for (size_t done = 0; done < n && !o->err;) {
		ssize_t w = pwrite(o->fd, p + done, n - done, o->base + (off_t)(at + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			o->err = w < 0 && errno ? errno : EIO;
		else
			done += (size_t)w;
	}
}

static void out_flush(struct out *o)
{
	write_at(o, o->b.data, o->b.len, o->pos - o->b.len);
	rg_buf_reset(&o->b);
}

static void out_put(struct out *o, const void *p, size_t n)
{
	if (o->err || !n)
		return;
	if (o->h)
		rg_sha256_update(o->h, p, n);
	if (o->fd >= 0 && o->b.len + n > 65536)
		out_flush(o);
	if (o->fd >= 0 && n > 65536) {
		write_at(o, p, n, o->pos); /* large (a font): straight from the mapping */
	} else if (rg_buf_append(&o->b, p, n) != RG_BUF_OK && !o->err) {
		o->err = ENOMEM;
	}
	o->pos += n;
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(struct out *o, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->err = EINVAL;
		return;
	}
	if ((size_t)n < sizeof small) {
		out_put(o, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	if (!s) {
		o->err = ENOMEM;
		return;
	}
	out_put(o, s, (size_t)n);
	free(s);
}

static void out_span(struct out *o, const char *from, const char *to)
{
	out_put(o, from, (size_t)(to - from));
}

/* Writes s as a PDF text string: a literal when it is printable ASCII,
 * else UTF-16BE with a byte order mark, in hex (ISO 32000-1, 7.9.2.2). */
static void put_text_string(struct out *o, const char *s)
{
	bool ascii = true;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80 || *p < 0x20)
			ascii = false;
	if (ascii) {
		out_str(o, "(");
		for (; *s; s++) {
			if (*s == '(' || *s == ')' || *s == '\\')
				out_str(o, "\\");
			out_put(o, s, 1);
		}
		out_str(o, ")");
		return;
	}
	out_str(o, "<FEFF");
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
			out_printf(o, "%04X%04X", 0xd800 + (unsigned)(c >> 10),
			           0xdc00 + (unsigned)(c & 0x3ff));
		} else {
			out_printf(o, "%04X", (unsigned)c);
		}
	}
	out_str(o, ">");
}

/* ------------------------------------------------------------------ */
/* Artifacts in a content stream */

static bool is_delim(char c)
{
	return strchr("()<>[]{}/%", c) != NULL;
}

static bool op_is(const char *p, size_t n, const char *op)
{
	return strlen(op) == n && memcmp(p, op, n) == 0;
}

/* Operators that only set graphics state: a run of untagged drawing does
 * not start at them, so the q and cm cairo puts before its first element
 * stay outside any artifact. */
static bool state_op(const char *p, size_t n)
{
	static const char *const ops[] = {"q", "cm", "w", "J", "j", "M", "d", "ri", "i",
	                                  "gs", "g", "G", "rg", "RG", "k", "K", "cs", "CS",
	                                  "sc", "SC", "scn", "SCN", NULL};
	for (int i = 0; ops[i]; i++)
		if (op_is(p, n, ops[i]))
			return true;
	return false;
}

/* Copies the content stream in[0..n) into out with every run of
 * operators drawn outside a tagged marked-content sequence (one whose BDC
 * has an /MCID: cairo's leaf elements) wrapped in /Artifact BMC ... EMC.
 * A run never crosses a text object, and q/Q inside it balance: it starts
 * at a drawing operator outside BT/ET and ends before the next tagged
 * sequence, before a Q that would restore a state saved before it, or at
 * the end.  NULL on success, else what is wrong. */
static const char *mark_artifacts(const char *in, size_t n, struct rg_buf *out)
{
	const char *p = in, *end = in + n, *copied = in;
	const char *ops_at = NULL; /* first operand of the operator being read */
	bool mcid = false;         /* the last operand is a dictionary with /MCID */
	int depth = 0;             /* marked-content nesting (cairo's own) */
	long q = 0, art_q = 0;     /* q nesting; at the artifact's start */
	bool art = false, text = false;
	int rc = RG_BUF_OK;
#define EMIT_UPTO(at) (rc |= rg_buf_append(out, copied, (size_t)((at) - copied)), copied = (at))
	while ((p = rg_pdf_skip_ws(p, end)) < end) {
		const char *tok = p;
		if (!ops_at)
			ops_at = tok;
		/* Operands are PDF objects, read with the object reader (strings,
		 * dictionaries and arrays whole, whatever they hold); an operator
		 * is a bare word that is not a number or a keyword operand. */
		bool word = !is_delim(*p) && !strchr("0123456789+-.", *p);
		const char *e = p;
		while (word && e < end && !is_delim(*e) && !strchr(" \n\r\t\f", *e) && *e)
			e++;
		size_t len = (size_t)(e - p);
		if (!word || op_is(tok, len, "true") || op_is(tok, len, "false") ||
		    op_is(tok, len, "null")) {
			if (!(p = rg_pdf_skip_object(p, end)))
				return "a malformed operand";
			struct rg_span operand = {tok, (size_t)(p - tok)}, v;
			mcid = *tok == '<' && rg_pdf_dict_get(operand, "/MCID", &v);
			continue;
		}
		p = e;

		/* An operator; its operands start at ops_at. */
		const char *at = ops_at;
		bool tagged_begin = op_is(tok, len, "BDC") && mcid;
		if (op_is(tok, len, "BI"))
			return "inline image"; /* binary data: cairo writes none for us */
		if (tagged_begin) {
			if (art && depth > 0)
				return "tagged content inside an artifact";
			if (art) {
				if (text)
					return "tagged content inside a text object";
				EMIT_UPTO(at);
				rc |= rg_buf_append(out, "EMC\n", 4);
				art = false;
			}
		} else if (op_is(tok, len, "Q")) {
			if (art && q == art_q) {
				if (depth > 0)
					return "marked content crosses a graphics state";
				EMIT_UPTO(at);
				rc |= rg_buf_append(out, "EMC\n", 4);
				art = false;
			}
		} else if (depth == 0 && !art && !op_is(tok, len, "EMC") && !state_op(tok, len)) {
			if (text)
				return "untagged text inside a tagged text object";
			EMIT_UPTO(at);
			rc |= rg_buf_append(out, "/Artifact BMC\n", 14);
			art = true;
			art_q = q;
		}
		if (op_is(tok, len, "BDC") || op_is(tok, len, "BMC"))
			depth++;
		else if (op_is(tok, len, "EMC") && depth-- == 0)
			return "EMC without BDC";
		else if (op_is(tok, len, "q"))
			q++;
		else if (op_is(tok, len, "Q") && q-- == 0)
			return "Q without q";
		else if (op_is(tok, len, "BT"))
			text = true;
		else if (op_is(tok, len, "ET"))
			text = false;
		ops_at = NULL;
		mcid = false;
	}
	if (ops_at)
		return "operands without an operator at the end";
	if (depth != 0 || text)
		return "unbalanced marked content or text object";
	EMIT_UPTO(end);
	if (art)
		rc |= rg_buf_append(out, "\nEMC\n", 5);
#undef EMIT_UPTO
	return rc == RG_BUF_OK ? NULL : "out of memory";
}

/* ------------------------------------------------------------------ */
/* Objects */

/* An object as it lies in cairo's file. */
struct obj {
	const char *start, *end; /* "N 0 obj" .. after "endobj" */
	struct rg_span value;    /* the dictionary, array, number ... */
	const char *data;        /* stream data, or NULL */
	size_t data_n;
};

static bool starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* The integer value of v, directly or through one reference. */
static bool int_value(const struct rg_pdfdoc *doc, struct rg_span v, size_t *out)
{
	struct rg_pdfref ref;
	struct rg_span target;
	if (rg_pdf_parse_ref(v, &ref))
		return rg_pdfdoc_object(doc, ref, &target) && rg_pdf_parse_uint(target, out);
	return rg_pdf_parse_uint(v, out);
}

static bool get_obj(const struct rg_pdfdoc *doc, long num, struct obj *o)
{
	struct rg_pdfref ref = {num, 0};
	if (!rg_pdfdoc_object(doc, ref, &o->value))
		return false;
	const char *end = doc->data + doc->len;
	o->start = doc->data + doc->off[num];
	o->data = NULL;
	o->data_n = 0;
	const char *p = rg_pdf_skip_ws(o->value.p + o->value.n, end);
	if (starts(p, end, "stream")) {
		struct rg_span len;
		size_t n;
		p += 6;
		if (starts(p, end, "\r\n"))
			p += 2;
		else if (starts(p, end, "\n"))
			p++;
		else
			return false;
		if (!rg_pdf_dict_get(o->value, "/Length", &len) || !int_value(doc, len, &n) ||
		    n > (size_t)(end - p))
			return false;
		o->data = p;
		o->data_n = n;
		p = rg_pdf_skip_ws(p + n, end);
		if (!starts(p, end, "endstream"))
			return false;
		p = rg_pdf_skip_ws(p + 9, end);
	}
	if (!starts(p, end, "endobj"))
		return false;
	o->end = p + 6;
	return true;
}

static bool dict_is(struct rg_span dict, const char *key, const char *name)
{
	struct rg_span v;
	return rg_pdf_dict_get(dict, key, &v) && rg_pdf_name_is(v, name);
}

static bool has_key(struct rg_span dict, const char *key)
{
	struct rg_span v;
	return rg_pdf_dict_get(dict, key, &v);
}

/* The dictionary of object ref, or an empty span. */
static struct rg_span dict_of(const struct rg_pdfdoc *doc, struct rg_span ref_value)
{
	struct rg_pdfref ref;
	struct rg_span v = {NULL, 0};
	if (!rg_pdf_parse_ref(ref_value, &ref) || !rg_pdfdoc_object(doc, ref, &v) || v.n < 4 ||
	    v.p[0] != '<' || v.p[1] != '<')
		return (struct rg_span){NULL, 0};
	return v;
}

/* What the rewrite does with an object. */
enum kind { K_COPY, K_PAGE, K_CONTENT, K_LENGTH };

/* A link annotation and its place in reading order (page by page, each
 * page's /Annots in order: the order the views drew the links in). */
struct annot {
	long num, index;
};

struct post {
	const struct rg_pdfdoc *doc;
	const struct rg_pdf_post *info;
	unsigned char *kind; /* [doc->size] */
	struct annot *annot; /* link annotations; by number once the pages are walked */
	size_t n_annot, cap_annot;
	uint32_t *new_off;   /* [doc->size + 1] offsets in the new file, 0: not written */
	long pending_len;    /* length object of the content stream just written */
	size_t pending_val;
	const char *why;     /* what is wrong, for the diagnostic */
};

static bool add_annot(struct post *ps, long num)
{
	if (ps->n_annot == ps->cap_annot) {
		size_t cap = ps->cap_annot ? 2 * ps->cap_annot : 32;
		struct annot *v = realloc(ps->annot, cap * sizeof *v);
		if (!v)
			return false;
		ps->annot = v;
		ps->cap_annot = cap;
	}
	ps->annot[ps->n_annot] = (struct annot){num, (long)ps->n_annot};
	ps->n_annot++;
	return true;
}

static int by_num(const void *a, const void *b)
{
	const struct annot *x = a, *y = b;
	return (x->num > y->num) - (x->num < y->num);
}

static bool valid_num(const struct post *ps, long num)
{
	return num > 0 && num < ps->doc->size;
}

/* Walks the page tree: marks pages, their content streams and those
 * streams' length objects; lists the link annotations in reading order. */
static bool walk_pages(struct post *ps, struct rg_span node_ref, int depth)
{
	struct rg_pdfref ref;
	struct rg_span node = dict_of(ps->doc, node_ref), v, kid;
	if (!node.p || depth > PAGE_TREE_DEPTH || !rg_pdf_parse_ref(node_ref, &ref) ||
	    !valid_num(ps, ref.num) || ps->kind[ref.num] != K_COPY)
		return (ps->why = "unexpected page tree"), false;
	if (dict_is(node, "/Type", "/Pages")) {
		const char *pos = NULL;
		if (!rg_pdf_dict_get(node, "/Kids", &v))
			return (ps->why = "page tree node without /Kids"), false;
		ps->kind[ref.num] = K_PAGE; /* being visited: a loop back to it fails */
		while (rg_pdf_array_next(v, &pos, &kid))
			if (!walk_pages(ps, kid, depth + 1))
				return false;
		ps->kind[ref.num] = K_COPY;
		return true;
	}
	if (!dict_is(node, "/Type", "/Page"))
		return (ps->why = "unexpected page tree"), false;
	ps->kind[ref.num] = K_PAGE;
	struct rg_pdfref cref;
	struct rg_span cdict, len;
	struct rg_pdfref lref;
	if (!rg_pdf_dict_get(node, "/Contents", &v) || !rg_pdf_parse_ref(v, &cref) ||
	    !valid_num(ps, cref.num) || !(cdict = dict_of(ps->doc, v)).p ||
	    ps->kind[cref.num] != K_COPY)
		return (ps->why = "a page without one content stream"), false;
	ps->kind[cref.num] = K_CONTENT;
	if (!dict_is(cdict, "/Filter", "/FlateDecode") || !rg_pdf_dict_get(cdict, "/Length", &len))
		return (ps->why = "a content stream not compressed as cairo does"), false;
	if (rg_pdf_parse_ref(len, &lref)) {
		if (!valid_num(ps, lref.num) || ps->kind[lref.num] != K_COPY)
			return (ps->why = "unexpected content stream length"), false;
		ps->kind[lref.num] = K_LENGTH;
	}
	if (rg_pdf_dict_get(node, "/Annots", &v)) {
		const char *pos = NULL;
		struct rg_pdfref aref;
		while (rg_pdf_array_next(v, &pos, &kid)) {
			struct rg_span a = dict_of(ps->doc, kid);
			if (a.p && dict_is(a, "/Subtype", "/Link") && rg_pdf_parse_ref(kid, &aref) &&
			    !add_annot(ps, aref.num))
				return (ps->why = "out of memory"), false;
		}
	}
	return true;
}

/* The position of link annotation num in reading order, or -1. */
static long annot_index(const struct post *ps, long num)
{
	struct annot key = {num, 0};
	const struct annot *a = bsearch(&key, ps->annot, ps->n_annot, sizeof key, by_num);
	return a ? a->index : -1;
}

/* Opens the rewritten object num: "N 0 obj\n" and its dictionary without
 * the closing ">>", which end_dict writes. */
static void begin_dict(struct out *o, long num, struct rg_span dict)
{
	out_printf(o, "%ld 0 obj\n", num);
	out_span(o, dict.p, dict.p + dict.n - 2);
}

static void end_dict(struct out *o)
{
	out_str(o, ">>\nendobj\n");
}

/* The scope of a TH: Column in the header row of a table (THead), Row as
 * the label of a label/value row. */
static const char *th_scope(const struct rg_pdfdoc *doc, struct rg_span th)
{
	struct rg_span v, row, group;
	if (rg_pdf_dict_get(th, "/P", &v) && (row = dict_of(doc, v)).p &&
	    rg_pdf_dict_get(row, "/P", &v) && (group = dict_of(doc, v)).p &&
	    dict_is(group, "/S", "/THead"))
		return "/Column";
	return "/Row";
}

static bool write_content(struct post *ps, struct out *o, long num, const struct obj *ob)
{
	/* Inflate. */
	struct rg_buf raw, marked;
	rg_buf_init(&raw, CONTENT_MAX);
	rg_buf_init(&marked, CONTENT_MAX);
	z_stream z = {0};
	bool ok = inflateInit(&z) == Z_OK;
	z.next_in = (Bytef *)ob->data;
	z.avail_in = (uInt)ob->data_n;
	int zr = Z_OK;
	while (ok && zr != Z_STREAM_END) {
		unsigned char chunk[65536];
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			ok = false;
		else if (rg_buf_append(&raw, chunk, sizeof chunk - z.avail_out) != RG_BUF_OK)
			ok = false;
		else if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0)
			ok = false; /* truncated */
	}
	inflateEnd(&z);
	if (!ok) {
		ps->why = "a content stream does not decompress";
		goto out;
	}
	const char *why = mark_artifacts(raw.data ? raw.data : "", raw.len, &marked);
	if (why) {
		ps->why = why;
		ok = false;
		goto out;
	}
	/* Deflate, as cairo does (zlib's default level). */
	uLongf zn = compressBound((uLong)marked.len);
	unsigned char *zdata = malloc(zn ? zn : 1);
	if (!zdata || compress((Bytef *)zdata, &zn, (const Bytef *)(marked.data ? marked.data : ""),
	                       (uLong)marked.len) != Z_OK) {
		free(zdata);
		ps->why = "out of memory";
		ok = false;
		goto out;
	}
	struct rg_span len;
	struct rg_pdfref lref;
	rg_pdf_dict_get(ob->value, "/Length", &len);
	out_printf(o, "%ld 0 obj\n", num);
	if (rg_pdf_parse_ref(len, &lref)) {
		/* cairo writes the length as an object after the stream. */
		if (ps->new_off[lref.num]) {
			free(zdata);
			ps->why = "a content stream's length comes before it";
			ok = false;
			goto out;
		}
		out_span(o, ob->value.p, ob->value.p + ob->value.n);
		ps->pending_len = lref.num;
		ps->pending_val = (size_t)zn;
	} else {
		out_span(o, ob->value.p, len.p);
		out_printf(o, "%lu", (unsigned long)zn);
		out_span(o, len.p + len.n, ob->value.p + ob->value.n);
	}
	out_str(o, "\nstream\n");
	out_put(o, zdata, (size_t)zn);
	out_str(o, "\nendstream\nendobj\n");
	free(zdata);
out:
	rg_buf_free(&raw);
	rg_buf_free(&marked);
	return ok;
}

/* A link annotation: its /Contents, and a reportgen-goto: URI made a
 * go-to-remote action on that page of that file. */
static bool write_link(struct post *ps, struct out *o, long num, struct rg_span dict)
{
	long k = annot_index(ps, num);
	if (k < 0 || (size_t)k >= ps->info->n_links) {
		ps->why = "more link annotations than links drawn";
		return false;
	}
	struct rg_span act, uri;
	const char *scheme = "(" RG_PDF_GOTO_SCHEME;
	out_printf(o, "%ld 0 obj\n", num);
	if (rg_pdf_dict_get(dict, "/A", &act) && rg_pdf_dict_get(act, "/URI", &uri) &&
	    starts(uri.p, uri.p + uri.n, scheme)) {
		const char *file = uri.p + strlen(scheme), *close = uri.p + uri.n - 1;
		const char *hash = memchr(file, '#', (size_t)(close - file));
		const char *num_end = NULL;
		long page = hash ? digits(hash + 1, close, &num_end) : 0;
		if (!hash || hash == file || page < 1 || num_end != close ||
		    memchr(file, '\\', (size_t)(hash - file)))
			return (ps->why = "a malformed link into another file"), false;
		out_span(o, dict.p, act.p);
		out_str(o, "<< /Type /Action /S /GoToR /F (");
		out_span(o, file, hash);
		out_printf(o, ") /D [%ld /Fit] >>", page - 1);
		out_span(o, act.p + act.n, dict.p + dict.n - 2);
	} else {
		out_span(o, dict.p, dict.p + dict.n - 2);
	}
	out_str(o, "\n   /Contents ");
	put_text_string(o, ps->info->link_alt[k]);
	out_str(o, "\n");
	end_dict(o);
	return true;
}

/* Appends s with the five XML specials escaped and the characters XML 1.0
 * forbids (C0 controls but tab and newline) as spaces.  By hand: libxml2's
 * xmlEncodeSpecialChars leaves the controls, which make the packet invalid
 * XML, and this is all an XMP packet of a few strings needs. */
static void put_xml_text(struct out *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *e = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
		                : c == '"' ? "&quot;" : c == '\'' ? "&apos;"
		                : (c < 0x20 && c != '\t' && c != '\n') ? " " : NULL;
		if (e)
			out_str(o, e);
		else
			out_put(o, s, 1);
	}
}

/* The XMP packet (ISO 16684-1) with the document's title, language,
 * author, subject and dates, and the PDF/UA identification (ISO 14289-1,
 * 5: pdfuaid:part 1). */
static void put_xmp(struct out *o, const struct rg_pdf_post *in)
{
	out_str(o, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	           "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	           " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	           "  <rdf:Description rdf:about=\"\"\n"
	           "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	           "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	           "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
	           "   <dc:format>application/pdf</dc:format>\n"
	           "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	put_xml_text(o, in->title);
	out_str(o, "</rdf:li></rdf:Alt></dc:title>\n   <dc:creator><rdf:Seq><rdf:li>");
	put_xml_text(o, in->author);
	out_str(o, "</rdf:li></rdf:Seq></dc:creator>\n"
	           "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	put_xml_text(o, in->subject);
	out_str(o, "</rdf:li></rdf:Alt></dc:description>\n   <dc:language><rdf:Bag><rdf:li>");
	put_xml_text(o, in->lang);
	out_str(o, "</rdf:li></rdf:Bag></dc:language>\n   <xmp:CreatorTool>reportgen</xmp:CreatorTool>\n"
	           "   <xmp:CreateDate>");
	put_xml_text(o, in->date);
	out_str(o, "</xmp:CreateDate>\n   <xmp:ModifyDate>");
	put_xml_text(o, in->date);
	out_str(o, "</xmp:ModifyDate>\n   <xmp:MetadataDate>");
	put_xml_text(o, in->date);
	out_str(o, "</xmp:MetadataDate>\n   <pdfuaid:part>1</pdfuaid:part>\n"
	           "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
}

static bool write_object(struct post *ps, struct out *o, long num, const struct obj *obp,
                         long xmp_num)
{
	const struct rg_pdfdoc *doc = ps->doc;
	const struct rg_pdf_post *in = ps->info;
	const struct obj ob = *obp;
	struct rg_span d = ob.value;
	bool is_dict = d.n >= 4 && d.p[0] == '<' && d.p[1] == '<';
	switch (ps->kind[num]) {
	case K_CONTENT:
		return write_content(ps, o, num, &ob);
	case K_LENGTH:
		if (ps->pending_len != num)
			return (ps->why = "a content stream's length object is shared"), false;
		out_printf(o, "%ld 0 obj\n   %zu\nendobj\n", num, ps->pending_val);
		ps->pending_len = 0;
		return true;
	case K_PAGE:
		/* Tab order follows the structure (PDF/UA 7.18.3). */
		begin_dict(o, num, d);
		if (!has_key(d, "/Tabs"))
			out_str(o, "   /Tabs /S\n");
		end_dict(o);
		return true;
	default:
		break;
	}
	if (ob.data || !is_dict) {
		out_span(o, ob.start, ob.end);
		out_str(o, "\n");
		return true;
	}
	if (num == doc->root.num) {
		begin_dict(o, num, d);
		if (!has_key(d, "/Lang")) {
			out_str(o, "   /Lang ");
			put_text_string(o, in->lang);
			out_str(o, "\n");
		}
		if (!has_key(d, "/MarkInfo"))
			out_str(o, "   /MarkInfo << /Marked true >>\n");
		if (!has_key(d, "/ViewerPreferences"))
			out_str(o, "   /ViewerPreferences << /DisplayDocTitle true >>\n");
		if (has_key(d, "/Metadata"))
			return (ps->why = "the catalog already has /Metadata"), false;
		out_printf(o, "   /Metadata %ld 0 R\n", xmp_num);
		end_dict(o);
		return true;
	}
	if (dict_is(d, "/Type", "/StructElem")) {
		if (dict_is(d, "/S", "/TH") && !has_key(d, "/A")) {
			begin_dict(o, num, d);
			out_printf(o, "   /A << /O /Table /Scope %s >>\n", th_scope(doc, d));
			end_dict(o);
			return true;
		}
		if (dict_is(d, "/S", "/Figure") && in->figure_alt && !has_key(d, "/Alt")) {
			begin_dict(o, num, d);
			out_str(o, "   /Alt ");
			put_text_string(o, in->figure_alt);
			out_str(o, "\n");
			end_dict(o);
			return true;
		}
	}
	if (dict_is(d, "/Type", "/Annot") && dict_is(d, "/Subtype", "/Link"))
		return write_link(ps, o, num, d);
	out_span(o, ob.start, ob.end);
	out_str(o, "\n");
	return true;
}

#define RELEASE_STEP ((size_t)1 << 20)

/* Drops the mapped pages before offset upto (all of them for 0) from the
 * process; returns the page-aligned offset released.  Only advice: the
 * bytes stay readable (a later look-up faults them in again). */
static size_t release(char *map, size_t size, size_t upto)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n = upto ? upto / page * page : size;
	if (n)
		madvise(map, n, MADV_DONTNEED);
	return n;
}

/* Moves the new file (at base, n bytes) to the start and cuts the rest. */
static int move_to_start(int fd, off_t base, size_t n)
{
	char *chunk = malloc(65536);
	if (!chunk)
		return ENOMEM;
	int err = 0;
	for (size_t done = 0; done < n && !err;) {
		size_t want = n - done < 65536 ? n - done : 65536;
		ssize_t r = pread(fd, chunk, want, base + (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 && errno ? errno : EIO;
			break;
		}
		for (ssize_t w = 0; w < r && !err;) {
			ssize_t k = pwrite(fd, chunk + w, (size_t)(r - w), (off_t)(done + (size_t)w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				err = k < 0 && errno ? errno : EIO;
			else
				w += k;
		}
		done += (size_t)r;
	}
	free(chunk);
	if (!err && ftruncate(fd, (off_t)n) != 0)
		err = errno ? errno : EIO;
	return err;
}

rg_status rg_pdf_post_process(FILE *fp, const char *path, const struct rg_pdf_post *in,
                              struct rg_diags *diags)
{
	errno = 0;
	if (fflush(fp) != 0)
		return io_fail(diags, path, errno);
	int fd = fileno(fp);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0)
		return io_fail(diags, path, errno);
	if (sb.st_size < 64)
		return fail(diags, path, "the file is too short to be a PDF");
	/* Offsets are kept in 32 bits; the signer stops at 1 GiB anyway. */
	if ((uint64_t)sb.st_size > UINT32_MAX / 2)
		return fail(diags, path, "the file is larger than 2 GiB");
	size_t size = (size_t)sb.st_size;
	char *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return io_fail(diags, path, errno);

	rg_status st = RG_OK;
	char err[200];
	struct rg_pdfdoc doc;
	struct post ps = {.doc = &doc, .info = in};
	struct out o = {.fd = fd, .base = (off_t)size};
	rg_buf_init(&o.b, 0);
	if (!rg_pdfdoc_open(&doc, map, size, err, sizeof err)) {
		st = fail(diags, path, err);
		goto done;
	}
	if (doc.encrypted) {
		st = fail(diags, path, "the PDF is encrypted");
		goto done;
	}
	ps.kind = calloc((size_t)doc.size + 1, 1);
	ps.new_off = calloc((size_t)doc.size + 1, sizeof *ps.new_off);
	o.h = rg_sha256_new();
	if (!ps.kind || !ps.new_off || !o.h) {
		st = RG_EENV;
		goto done;
	}
	struct rg_span cat, pages;
	if (!rg_pdfdoc_object(&doc, doc.root, &cat) || !rg_pdf_dict_get(cat, "/Pages", &pages)) {
		st = fail(diags, path, "no catalog with /Pages");
		goto done;
	}
	if (!walk_pages(&ps, pages, 0)) {
		st = fail(diags, path, ps.why);
		goto done;
	}
	if (ps.n_annot)
		qsort(ps.annot, ps.n_annot, sizeof *ps.annot, by_num);
	if (ps.n_annot != in->n_links) {
		st = fail(diags, path, "the link annotations are not the links drawn");
		goto done;
	}

	/* Every object, in the order cairo wrote them: one after the other
	 * from the first to the cross-reference table, each the live one of
	 * its number. */
	size_t first = doc.startxref;
	for (long num = 1; num < doc.size; num++)
		if (doc.off[num] != 0 && doc.off[num] != SIZE_MAX && doc.off[num] < first)
			first = doc.off[num];
	long xmp_num = doc.size;
	out_span(&o, map, map + first); /* %PDF-1.x and the binary comment */
	/* The mapping is read front to back (with a few look-ups of earlier
	 * objects): hand the pages already copied back to the page cache, so
	 * that reading the file does not add its size to the peak RSS. */
	release(map, size, 0);
	size_t released = 0;
	const char *p = map + first, *xref = map + doc.startxref;
	while (p < xref && !o.err) {
		size_t at = (size_t)(p - map);
		if (at - released >= RELEASE_STEP)
			released = release(map, size, at);
		const char *end;
		long num = digits(p, xref, &end);
		struct obj ob;
		if (end == p || num <= 0 || num >= doc.size || doc.off[num] != at ||
		    !get_obj(&doc, num, &ob)) {
			st = fail(diags, path, "an object is not where the cross-reference table says");
			goto done;
		}
		ps.new_off[num] = (uint32_t)o.pos;
		if (!write_object(&ps, &o, num, &ob, xmp_num)) {
			st = fail(diags, path, ps.why ? ps.why : "an object is damaged");
			goto done;
		}
		p = rg_pdf_skip_ws(ob.end, xref);
	}
	if (p != xref && !o.err) {
		st = fail(diags, path, "the last object runs into the cross-reference table");
		goto done;
	}
	for (long num = 1; num < doc.size; num++) {
		if (doc.off[num] != 0 && doc.off[num] != SIZE_MAX && !ps.new_off[num]) {
			st = fail(diags, path, "an object of the cross-reference table is missing");
			goto done;
		}
	}
	if (ps.pending_len) {
		st = fail(diags, path, "a content stream without its length object");
		goto done;
	}
	/* The XMP packet, uncompressed so that any tool can read it. */
	struct out measure = {.fd = -1};
	rg_buf_init(&measure.b, 0);
	put_xmp(&measure, in);
	ps.new_off[xmp_num] = (uint32_t)o.pos;
	out_printf(&o, "%ld 0 obj\n<< /Type /Metadata\n   /Subtype /XML\n   /Length %zu\n>>\nstream\n",
	           xmp_num, measure.b.len);
	out_put(&o, measure.b.data, measure.b.len);
	rg_buf_free(&measure.b);
	if (measure.err)
		o.err = measure.err;
	out_str(&o, "\nendstream\nendobj\n");

	/* The cross-reference table and the trailer; /ID from the digest of
	 * everything before them, so that the same input gives the same
	 * bytes. */
	char digest[RG_SHA256_HEX];
	rg_sha256_final_hex(o.h, digest);
	rg_sha256_free(o.h);
	o.h = NULL;
	size_t xref_at = o.pos;
	out_printf(&o, "xref\n0 %ld\n0000000000 65535 f \n", xmp_num + 1);
	for (long num = 1; num <= xmp_num; num++) {
		if (ps.new_off[num])
			out_printf(&o, "%010" PRIu32 " 00000 n \n", ps.new_off[num]);
		else
			out_str(&o, "0000000000 00001 f \n");
	}
	out_printf(&o, "trailer\n<< /Size %ld\n   /Root %ld 0 R\n", xmp_num + 1, doc.root.num);
	if (doc.info.p) {
		out_str(&o, "   /Info ");
		out_span(&o, doc.info.p, doc.info.p + doc.info.n);
		out_str(&o, "\n");
	}
	out_printf(&o, "   /ID [<%.32s> <%.32s>]\n>>\nstartxref\n%zu\n%%%%EOF\n", digest, digest,
	           xref_at);
	out_flush(&o);
	if (o.err) {
		st = io_fail(diags, path, o.err);
		goto done;
	}
done:
	munmap(map, size);
	if (st == RG_OK) {
		int e = move_to_start(fd, o.base, o.pos);
		if (e)
			st = io_fail(diags, path, e);
	}
	rg_pdfdoc_free(&doc);
	rg_sha256_free(o.h);
	rg_buf_free(&o.b);
	free(ps.kind);
	free(ps.new_off);
	free(ps.annot);
	return st;
}
