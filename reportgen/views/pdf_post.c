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
 * It also joins the chunks a long document is drawn in (a cairo surface
 * per RG_PDOC_CHUNK_PAGES pages, pdf_doc.h) into one file: object N of a
 * chunk becomes base + N; the chunks' catalogs, page tree nodes, structure
 * tree roots, parent trees and name trees give way to the file's own
 * (objects 1 to 7); the grouping elements open across a join (Document, a
 * Table and its TBody) become one element with the kids of every chunk;
 * the parent tree keys are moved past the chunks before, and the named
 * destinations sorted into one name tree.  A document of one chunk takes
 * the same path.
 *
 * The file is rewritten into one revision rather than given an
 * incremental update: a replaced content stream left behind would be most
 * of a page twice.  Objects are read through core/pdfobj.h (the reader of
 * classic xref tables the signer uses) from a read-only mapping of each
 * chunk, copied in file order with their references renumbered, and the
 * new file is written after the first chunk's bytes in the same file, then
 * moved to its start and the file cut: no second file, no name to clean
 * up.  Memory is one page's content and a few bytes per object and per
 * page.  Input is cairo's own output, but it is parsed defensively:
 * anything unexpected is an environment failure (RG_EENV) with a
 * diagnostic, never a crash or a malformed file.
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

#include "core/arena.h"
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
				/* The artifact ends here: a q it opened would cross it. */
				if (q != art_q)
					return "tagged content inside an artifact's graphics state";
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
		else if (op_is(tok, len, "BT") && text)
			return "a text object inside a text object";
		else if (op_is(tok, len, "BT"))
			text = true;
		else if (op_is(tok, len, "ET"))
			text = false;
		ops_at = NULL;
		mcid = false;
	}
	if (ops_at)
		return "operands without an operator at the end";
	if (depth != 0 || text || q != 0)
		return "unbalanced marked content, text object or graphics state";
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

/* Both take the empty span dict_of gives for what is not a dictionary. */
static bool dict_is(struct rg_span dict, const char *key, const char *name)
{
	struct rg_span v;
	return dict.p && rg_pdf_dict_get(dict, key, &v) && rg_pdf_name_is(v, name);
}

static bool has_key(struct rg_span dict, const char *key)
{
	struct rg_span v;
	return dict.p && rg_pdf_dict_get(dict, key, &v);
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

/* What the rewrite does with an object of a chunk. */
enum kind {
	K_COPY,    /* copied, its references renumbered */
	K_PAGE,    /* a page: /Tabs added */
	K_CONTENT, /* a page's content stream: artifacts marked */
	K_LENGTH,  /* the length of a content stream, written after it */
	K_DROP,    /* replaced by the joined file's own (catalog, page tree root ...) */
	K_HELD     /* a grouping element at a chunk's edge (struct held) */
};

/* The objects the joined file has once, however many chunks it is made
 * of, come first; object N of a chunk becomes base + N. */
enum {
	N_CATALOG = 1, N_PAGES, N_STRUCT_ROOT, N_PARENT_TREE, N_NAMES, N_DESTS, N_METADATA,
	N_FIXED
};

#define ALIAS_MAX 64
#define HELD_MAX (2 * RG_PDOC_TAG_DEPTH + 2)

/* A link annotation and its place in reading order (page by page, each
 * page's /Annots in order: the order the views drew the links in). */
struct annot {
	long num, index;
};

/* A grouping element (Document, Table, TBody ...) open at an edge of the
 * chunk being read.  Its entries but /K are taken from the chunk it
 * starts in, its kids from every chunk it is in, and it is written once,
 * after the chunk it ends in. */
struct held {
	long num;         /* in the new file */
	int depth;        /* 0: Document */
	bool go_on;       /* continues in the next chunk */
	bool seen;        /* its part in the chunk being read has been read */
	bool started;     /* head holds its entries */
	char s[16];       /* its /S, which every part must have */
	struct rg_buf head, kids;
};

/* A named destination, renumbered; written sorted once all are read. */
struct dest {
	char *name;  /* the string as written, "(act-RA-1)" */
	size_t name_n;
	char *value; /* "[12 0 R /XYZ 54 700 0]" */
	size_t value_n;
};

struct post {
	const struct rg_pdf_post *info;

	/* The chunk being read. */
	const struct rg_pdfdoc *doc;
	unsigned char *kind; /* [doc->size] */
	/* [doc->size]: renumbered already, so it must not be dropped: a
	 * reference to it is written (the parent tree, a destination ...). */
	unsigned char *referenced;
	struct annot *annot; /* link annotations; by number once the pages are walked */
	size_t n_annot, cap_annot;
	long base;           /* its object N is base + N in the new file */
	long key_base;       /* its parent tree key K is key_base + K */
	size_t annot_base;   /* links drawn in the chunks before it */
	struct {
		long old, new;
	} alias[ALIAS_MAX]; /* objects that become another's number */
	size_t n_alias;
	long lead[RG_PDOC_TAG_DEPTH + 1]; /* the elements going on from the chunk before */
	int join_in;         /* how many (below Document) */
	long pending_len;    /* length object of the content stream just written */
	size_t pending_val;
	bool bad_ref;        /* a reference to no object or to one replaced, or a
	                        dictionary not copied whole (damaged, a key twice) */

	/* The new file. */
	uint32_t *new_off;   /* offsets by new number, 0: not written; from
	                        rg_arena_grow on scratch: 4 bytes an object, in a
	                        scratch file when render spills (core/arena.h) */
	size_t n_off, cap_off;
	struct rg_arena scratch;
	long document;       /* the Document element */
	long *pages;         /* the pages in order, new numbers */
	size_t n_pages, cap_pages;
	struct held held[HELD_MAX];
	size_t n_held;
	struct rg_buf ptree; /* the parent tree's /Nums, renumbered */
	long next_key;
	struct dest *dests;
	size_t n_dests, cap_dests;
	long outlines;       /* the /Outlines of the last chunk, 0: none */
	long info_num;       /* the first chunk's Info dictionary */
	const char *why;     /* what is wrong, for the diagnostic */
};

static bool add_annot(struct post *ps, long num)
{
	struct annot *v = rg_array_grow(ps->annot, &ps->cap_annot, ps->n_annot + 1, sizeof *v);
	if (!v)
		return false;
	ps->annot = v;
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

static bool add_alias(struct post *ps, long old, long new)
{
	if (ps->n_alias == ALIAS_MAX)
		return (ps->why = "too many page tree nodes"), false;
	ps->alias[ps->n_alias].old = old;
	ps->alias[ps->n_alias].new = new;
	ps->n_alias++;
	return true;
}

/* The number in the new file of the chunk's object old. */
static long renum(struct post *ps, long old)
{
	for (size_t i = 0; i < ps->n_alias; i++)
		if (ps->alias[i].old == old)
			return ps->alias[i].new;
	if (!valid_num(ps, old) || ps->kind[old] == K_DROP || ps->doc->off[old] == 0 ||
	    ps->doc->off[old] == SIZE_MAX) {
		ps->bad_ref = true;
		return 0;
	}
	ps->referenced[old] = 1;
	return ps->base + old;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

/* Writes the value v of the chunk as it is but for two things: every
 * reference renumbered, and the parent tree keys (the integer after
 * /StructParents of a page, /StructParent of an annotation) moved past the
 * chunks before.  One pass over the bytes, the rest copied as cairo wrote
 * it: strings, names and comments are taken whole, so text that looks
 * like "1 0 R" is never taken for a reference. */
static void put_value(struct post *ps, struct out *o, struct rg_span v)
{
	const char *p = v.p, *end = v.p + v.n, *copied = p;
	bool key_next = false; /* the last token was /StructParents or /StructParent */
	while (p < end) {
		char c = *p;
		if (is_space(c)) {
			p++;
			continue;
		}
		bool key = false;
		if (c == '(') { /* a literal string: escapes, balanced parentheses */
			for (int depth = 0; p < end; p++) {
				if (*p == '\\')
					p++;
				else if (*p == '(')
					depth++;
				else if (*p == ')' && --depth == 0) {
					p++;
					break;
				}
			}
		} else if (c == '%') {
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		} else if (c == '/') {
			const char *name = p++;
			while (p < end && !is_space(*p) && !is_delim(*p))
				p++;
			size_t n = (size_t)(p - name);
			key = (n == 14 && memcmp(name, "/StructParents", 14) == 0) ||
			      (n == 13 && memcmp(name, "/StructParent", 13) == 0);
		} else if (c == '<' && p + 1 < end && p[1] == '<') {
			p += 2;
		} else if (c == '<') { /* a hex string */
			while (p < end && *p != '>')
				p++;
			p += p < end;
		} else if (c >= '0' && c <= '9') {
			const char *at = p, *q, *r;
			long num = digits(p, end, &p);
			if (p < end && *p == '.') { /* a real number */
				while (p < end && ((*p >= '0' && *p <= '9') || *p == '.'))
					p++;
			} else if ((q = rg_pdf_skip_ws(p, end)) < end && *q >= '0' && *q <= '9') {
				long gen = digits(q, end, &q);
				r = rg_pdf_skip_ws(q, end);
				if (q > p && r < end && *r == 'R' &&
				    (r + 1 == end || is_space(r[1]) || is_delim(r[1]))) {
					if (gen != 0 || num < 0)
						ps->bad_ref = true;
					out_span(o, copied, at);
					out_printf(o, "%ld 0 R", renum(ps, num));
					p = copied = r + 1;
				}
			}
			if (key_next && p > at && copied <= at) {
				if (num < 0 || num > INT32_MAX)
					ps->bad_ref = true;
				out_span(o, copied, at);
				out_printf(o, "%ld", ps->key_base + num);
				copied = p;
			}
		} else {
			p++;
		}
		key_next = key;
	}
	out_span(o, copied, end);
}

/* Whether key is also the key of an entry of dict before it. */
static bool key_before(struct rg_span dict, struct rg_span key)
{
	const char *pos = NULL;
	struct rg_span k, v;
	while (rg_pdf_dict_next(dict, &pos, &k, &v) && k.p < key.p)
		if (k.n == key.n && memcmp(k.p, key.p, key.n) == 0)
			return true;
	return false;
}

/* The dictionary's entries but those named in skip (NULL, or a list
 * ending with NULL), renumbered, each after a space.  A key given twice
 * is damage: the entry the pass adds or replaces would be there twice, or
 * the one it skips still there. */
static void put_entries(struct post *ps, struct out *o, struct rg_span dict,
                        const char *const *skip)
{
	const char *pos = NULL, *end = dict.p + dict.n;
	struct rg_span key, val;
	size_t k;
	while (rg_pdf_dict_next(dict, &pos, &key, &val)) {
		if (key_before(dict, key))
			ps->bad_ref = true;
		bool skipped = false;
		for (size_t i = 0; skip && skip[i] && !skipped; i++)
			skipped = rg_pdf_name_is(key, skip[i]);
		if (skipped)
			continue;
		out_str(o, " ");
		out_span(o, key.p, key.p + key.n);
		out_str(o, " ");
		if (rg_pdf_name_is(key, "/StructParents") || rg_pdf_name_is(key, "/StructParent")) {
			if (!rg_pdf_parse_uint(val, &k) || k > (size_t)INT32_MAX)
				ps->bad_ref = true;
			else
				out_printf(o, "%ld", ps->key_base + (long)k);
		} else {
			put_value(ps, o, val);
		}
	}
	/* dict_next stops at the end and at damage alike: the rest must be
	 * the closing >>. */
	const char *q = rg_pdf_skip_ws(pos ? pos : rg_pdf_skip_ws(dict.p, end) + 2, end);
	if (end - q < 2 || q[0] != '>' || q[1] != '>' || rg_pdf_skip_ws(q + 2, end) != end)
		ps->bad_ref = true;
}

/* Opens the rewritten object num: "N 0 obj\n<<" and the dictionary's
 * entries but those in skip (put_entries); end_dict closes it. */
static void begin_dict(struct post *ps, struct out *o, long num, struct rg_span dict,
                       const char *const *skip)
{
	out_printf(o, "%ld 0 obj\n<<", num);
	put_entries(ps, o, dict, skip);
}

static void end_dict(struct out *o)
{
	out_str(o, " >>\nendobj\n");
}

/* Walks the page tree: marks pages, their content streams and those
 * streams' length objects; lists the pages and the link annotations in
 * reading order.  The chunk's page tree nodes give way to the new file's
 * one. */
static bool walk_pages(struct post *ps, struct rg_span node_ref, int depth)
{
	struct rg_pdfref ref;
	struct rg_span node = dict_of(ps->doc, node_ref), v, kid;
	if (!node.p || depth > PAGE_TREE_DEPTH || !rg_pdf_parse_ref(node_ref, &ref) ||
	    !valid_num(ps, ref.num) || ps->kind[ref.num] != K_COPY)
		return (ps->why = "unexpected page tree"), false;
	if (dict_is(node, "/Type", "/Pages")) {
		const char *pos = NULL;
		if (!rg_pdf_dict_get(node, "/Kids", &v) || *rg_pdf_skip_ws(v.p, v.p + v.n) != '[')
			return (ps->why = "page tree node without /Kids"), false;
		ps->kind[ref.num] = K_DROP; /* being visited: a loop back to it fails */
		if (!add_alias(ps, ref.num, N_PAGES))
			return false;
		while (rg_pdf_array_next(v, &pos, &kid))
			if (!walk_pages(ps, kid, depth + 1))
				return false;
		return true;
	}
	if (!dict_is(node, "/Type", "/Page"))
		return (ps->why = "unexpected page tree"), false;
	ps->kind[ref.num] = K_PAGE;
	long *pages = rg_array_grow(ps->pages, &ps->cap_pages, ps->n_pages + 1, sizeof *pages);
	if (!pages)
		return (ps->why = "out of memory"), false;
	ps->pages = pages;
	ps->pages[ps->n_pages++] = ps->base + ref.num;
	struct rg_pdfref cref;
	struct rg_span cdict, len;
	struct rg_pdfref lref;
	if (!rg_pdf_dict_get(node, "/Contents", &v) || !rg_pdf_parse_ref(v, &cref) ||
	    !valid_num(ps, cref.num) || !(cdict = dict_of(ps->doc, v)).p ||
	    ps->kind[cref.num] != K_COPY)
		return (ps->why = "a page without one content stream"), false;
	ps->kind[cref.num] = K_CONTENT;
	if (!dict_is(cdict, "/Filter", "/FlateDecode") || has_key(cdict, "/DecodeParms") ||
	    !rg_pdf_dict_get(cdict, "/Length", &len))
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
	const struct annot *a =
	    ps->n_annot ? bsearch(&key, ps->annot, ps->n_annot, sizeof key, by_num) : NULL;
	return a ? (long)ps->annot_base + a->index : -1;
}

/* Marks object ref of the chunk as replaced by the new file's own. */
static bool drop(struct post *ps, struct rg_span ref_value)
{
	struct rg_pdfref ref;
	if (!rg_pdf_parse_ref(ref_value, &ref) || !valid_num(ps, ref.num) ||
	    ps->kind[ref.num] != K_COPY)
		return false;
	if (ps->referenced[ref.num]) /* its new number is written already */
		return (ps->why = "an object the join replaces is referenced"), false;
	ps->kind[ref.num] = K_DROP;
	return true;
}

/* ------------------------------------------------------------------ */
/* Joining the chunks' structure trees */

/* The first (last) kid of structure element num that is itself an
 * element, or 0. */
static long edge_kid(const struct post *ps, long num, bool last)
{
	struct rg_span e, k, kid, pick = {NULL, 0};
	struct rg_pdfref ref = {num, 0};
	if (!rg_pdfdoc_object(ps->doc, ref, &e) || !rg_pdf_dict_get(e, "/K", &k))
		return 0;
	const char *pos = NULL;
	if (rg_pdf_parse_ref(k, &ref))
		pick = k;
	else
		while (rg_pdf_array_next(k, &pos, &kid))
			if (rg_pdf_parse_ref(kid, &ref) && (!pick.p || last)) {
				pick = kid;
				if (!last)
					break;
			}
	if (!pick.p || !rg_pdf_parse_ref(pick, &ref) || !valid_num(ps, ref.num) ||
	    !dict_is(dict_of(ps->doc, pick), "/Type", "/StructElem"))
		return 0;
	return ref.num;
}

static struct held *held_by_num(struct post *ps, long num)
{
	for (size_t i = 0; i < ps->n_held; i++)
		if (ps->held[i].num == num)
			return &ps->held[i];
	return NULL;
}

/* The held element at depth, when only those going on from the chunk
 * before are held. */
static struct held *held_at(struct post *ps, int depth)
{
	for (size_t i = 0; i < ps->n_held; i++)
		if (ps->held[i].depth == depth)
			return &ps->held[i];
	return NULL;
}

static struct held *new_held(struct post *ps, long num, int depth)
{
	if (ps->n_held == HELD_MAX)
		return NULL;
	struct held *h = &ps->held[ps->n_held++];
	*h = (struct held){.num = num, .depth = depth};
	rg_buf_init(&h->head, 0);
	rg_buf_init(&h->kids, 0);
	return h;
}

/* Finds the grouping elements at the chunk's edges: Document, the
 * join_in elements on the path of first kids that go on from the chunk
 * before (they take its elements' numbers), and the join_out elements on
 * the path of last kids that go on into the next.  All are held. */
static bool find_edges(struct post *ps, long document, int join_in, int join_out, bool first,
                       bool last)
{
	if (ps->kind[document] != K_COPY)
		return false;
	ps->kind[document] = K_HELD;
	struct held *doc_h = first ? new_held(ps, ps->base + document, 0) : held_at(ps, 0);
	if (!doc_h || (!first && !add_alias(ps, document, doc_h->num)))
		return false;
	long *lead = ps->lead, at = document;
	lead[0] = document;
	ps->join_in = join_in;
	for (int i = 1; i <= join_in; i++) {
		struct held *h = held_at(ps, i);
		if (!(at = edge_kid(ps, at, false)) || !h || ps->kind[at] != K_COPY ||
		    !add_alias(ps, at, h->num))
			return false;
		ps->kind[at] = K_HELD;
		lead[i] = at;
	}
	for (size_t i = 0; i < ps->n_held; i++) {
		/* Those not opened again end with the chunk before: nothing of
		 * them is in this one. */
		ps->held[i].seen = ps->held[i].depth > join_in;
		ps->held[i].go_on = false;
	}
	doc_h->go_on = !last;
	at = document;
	for (int i = 1; i <= join_out; i++) {
		if (!(at = edge_kid(ps, at, true)))
			return false;
		if (i <= join_in && at == lead[i]) {
			held_by_num(ps, renum(ps, at))->go_on = true;
			continue;
		}
		struct held *h = ps->kind[at] == K_COPY ? new_held(ps, ps->base + at, i) : NULL;
		if (!h)
			return false;
		ps->kind[at] = K_HELD;
		h->go_on = true;
	}
	return true;
}

/* Reads this chunk's part of a held element: its entries (from the first
 * part), and its kids. */
static bool read_held(struct post *ps, long num, struct rg_span d)
{
	struct held *h = held_by_num(ps, renum(ps, num));
	struct rg_span s, k;
	if (!h || h->seen || !rg_pdf_dict_get(d, "/S", &s) || s.n >= sizeof h->s)
		return (ps->why = "the chunks' structure trees do not join"), false;
	if (has_key(d, "/Pg"))
		return (ps->why = "a content element spans chunks"), false;
	h->seen = true;
	if (!h->started) {
		memcpy(h->s, s.p, s.n);
		h->s[s.n] = 0;
		struct out head = {.fd = -1};
		rg_buf_init(&head.b, 0);
		static const char *const but_kids[] = {"/K", NULL};
		put_entries(ps, &head, d, but_kids);
		h->head = head.b;
		h->started = true;
		if (head.err)
			return (ps->why = "out of memory"), false;
	} else if (!rg_pdf_name_is(s, h->s)) {
		return (ps->why = "the chunks' structure trees do not join"), false;
	}
	if (rg_pdf_dict_get(d, "/K", &k)) {
		struct out kids = {.fd = -1, .b = h->kids};
		/* The element that goes on below it from the chunk before is
		 * its first kid here and its last one there: listed once. */
		long going_on = h->depth < ps->join_in ? ps->lead[h->depth + 1] : 0;
		struct rg_pdfref ref;
		const char *pos = NULL;
		struct rg_span el = k;
		bool array = *rg_pdf_skip_ws(k.p, k.p + k.n) == '[';
		while (array ? rg_pdf_array_next(k, &pos, &el) : el.p != NULL) {
			if (!rg_pdf_parse_ref(el, &ref) || ref.num != going_on) {
				out_str(&kids, " ");
				put_value(ps, &kids, el);
			}
			going_on = 0;
			el.p = NULL; /* a single kid: once */
		}
		h->kids = kids.b;
		if (kids.err)
			return (ps->why = "out of memory"), false;
	}
	return true;
}

/* Writes the held elements that end in the chunk just read. */
static bool write_ended(struct post *ps, struct out *o)
{
	size_t keep = 0;
	for (size_t i = 0; i < ps->n_held; i++) {
		struct held *h = &ps->held[i];
		if (!h->seen)
			return (ps->why = "a structure element at a chunk's edge is missing"), false;
		if (h->go_on) {
			ps->held[keep++] = *h;
			continue;
		}
		ps->new_off[h->num] = (uint32_t)o->pos;
		out_printf(o, "%ld 0 obj\n<<", h->num);
		out_put(o, h->head.data, h->head.len);
		out_str(o, " /K [");
		out_put(o, h->kids.data, h->kids.len);
		out_str(o, "] >>\nendobj\n");
		rg_buf_free(&h->head);
		rg_buf_free(&h->kids);
	}
	ps->n_held = keep;
	return true;
}

/* The chunk's parent tree: its entries, keys moved past the chunks
 * before, are kept for the new file's one. */
static bool read_parent_tree(struct post *ps, struct rg_span ref)
{
	struct rg_span t = dict_of(ps->doc, ref), nums, key, val;
	if (!t.p || !drop(ps, ref) || has_key(t, "/Kids") || !rg_pdf_dict_get(t, "/Nums", &nums))
		return (ps->why = "unexpected parent tree"), false;
	struct out pt = {.fd = -1, .b = ps->ptree};
	const char *pos = NULL;
	long top = -1;
	size_t k;
	bool ok = true;
	while (ok && rg_pdf_array_next(nums, &pos, &key)) {
		/* A number tree's keys increase (cairo's do): joined as they are. */
		if (!rg_pdf_parse_uint(key, &k) || k > (size_t)INT32_MAX || (long)k <= top ||
		    !rg_pdf_array_next(nums, &pos, &val)) {
			ps->why = "unexpected parent tree";
			ok = false;
			break;
		}
		out_printf(&pt, " %ld ", ps->key_base + (long)k);
		put_value(ps, &pt, val);
		if ((long)k > top)
			top = (long)k;
	}
	ps->ptree = pt.b; /* grown or not, the buffer is the post's again */
	ps->next_key = ps->key_base + top + 1;
	if (ok && pt.err)
		ps->why = "out of memory";
	return ok && !pt.err;
}

/* The chunk's named destinations, kept for the new file's name tree. */
static bool read_dests(struct post *ps, struct rg_span names_ref)
{
	struct rg_span names = dict_of(ps->doc, names_ref), dref, dests, arr, name, val;
	if (!names.p || !drop(ps, names_ref) || !rg_pdf_dict_get(names, "/Dests", &dref) ||
	    !(dests = dict_of(ps->doc, dref)).p || !drop(ps, dref) || has_key(dests, "/Kids") ||
	    !rg_pdf_dict_get(dests, "/Names", &arr))
		return (ps->why = "unexpected name tree"), false;
	const char *pos = NULL;
	while (rg_pdf_array_next(arr, &pos, &name)) {
		if (*name.p != '(' || !rg_pdf_array_next(arr, &pos, &val))
			return (ps->why = "unexpected name tree"), false;
		struct dest *v = rg_array_grow(ps->dests, &ps->cap_dests, ps->n_dests + 1, sizeof *v);
		struct out value = {.fd = -1};
		rg_buf_init(&value.b, 0);
		put_value(ps, &value, val);
		char *n = malloc(name.n);
		if (!v || !n || value.err || !value.b.data) {
			free(n);
			rg_buf_free(&value.b);
			return (ps->why = "out of memory"), false;
		}
		memcpy(n, name.p, name.n);
		ps->dests = v;
		v[ps->n_dests++] = (struct dest){n, name.n, value.b.data, value.b.len};
	}
	return true;
}

static int by_name(const void *a, const void *b)
{
	const struct dest *x = a, *y = b;
	size_t n = x->name_n < y->name_n ? x->name_n : y->name_n;
	int c = memcmp(x->name, y->name, n);
	return c ? c : (x->name_n > y->name_n) - (x->name_n < y->name_n);
}

/* Sorts the destinations of every chunk by name, as a name tree has them;
 * false when two have the same name (a name tree's keys are distinct, and
 * reportgen names each destination once). */
static bool sort_dests(struct post *ps)
{
	if (ps->n_dests)
		qsort(ps->dests, ps->n_dests, sizeof *ps->dests, by_name);
	for (size_t i = 1; i < ps->n_dests; i++)
		if (by_name(&ps->dests[i - 1], &ps->dests[i]) == 0)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Rewritten objects */

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
	if (rg_pdf_parse_ref(len, &lref)) {
		/* cairo writes the length as an object after the stream. */
		if (ps->kind[lref.num] != K_LENGTH || ps->new_off[renum(ps, lref.num)]) {
			free(zdata);
			ps->why = "a content stream's length comes before it";
			ok = false;
			goto out;
		}
		begin_dict(ps, o, num, ob->value, NULL);
		ps->pending_len = lref.num;
		ps->pending_val = (size_t)zn;
	} else {
		static const char *const but_length[] = {"/Length", NULL};
		begin_dict(ps, o, num, ob->value, but_length);
		out_printf(o, " /Length %lu", (unsigned long)zn);
	}
	out_str(o, " >>\nstream\n");
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
static bool write_link(struct post *ps, struct out *o, long old, long num, struct rg_span dict)
{
	long k = annot_index(ps, old);
	if (k < 0 || (size_t)k >= ps->info->n_links) {
		ps->why = "more link annotations than links drawn";
		return false;
	}
	struct rg_span act, uri;
	const char *scheme = "(" RG_PDF_GOTO_SCHEME;
	if (rg_pdf_dict_get(dict, "/A", &act) && rg_pdf_dict_get(act, "/URI", &uri) &&
	    starts(uri.p, uri.p + uri.n, scheme)) {
		const char *file = uri.p + strlen(scheme), *close = uri.p + uri.n - 1;
		const char *hash = memchr(file, '#', (size_t)(close - file));
		const char *num_end = NULL;
		long page = hash ? digits(hash + 1, close, &num_end) : 0;
		if (!hash || hash == file || page < 1 || num_end != close ||
		    memchr(file, '\\', (size_t)(hash - file)))
			return (ps->why = "a malformed link into another file"), false;
		static const char *const but_action[] = {"/A", "/Contents", NULL};
		begin_dict(ps, o, num, dict, but_action);
		out_str(o, " /A << /Type /Action /S /GoToR /F (");
		out_span(o, file, hash);
		out_printf(o, ") /D [%ld /Fit] >>", page - 1);
	} else {
		static const char *const but_contents[] = {"/Contents", NULL};
		begin_dict(ps, o, num, dict, but_contents);
	}
	out_str(o, "\n   /Contents ");
	put_text_string(o, ps->info->link_alt[k]);
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


/* Writes object old of the chunk, renumbered, with what it gains. */
static bool write_object(struct post *ps, struct out *o, long old, const struct obj *obp)
{
	const struct rg_pdfdoc *doc = ps->doc;
	const struct rg_pdf_post *in = ps->info;
	const struct obj ob = *obp;
	struct rg_span d = ob.value;
	bool is_dict = d.n >= 4 && d.p[0] == '<' && d.p[1] == '<';
	if (ps->kind[old] == K_DROP)
		return true;
	long num = renum(ps, old);
	switch (ps->kind[old]) {
	case K_HELD:
		return read_held(ps, old, d);
	case K_CONTENT:
		ps->new_off[num] = (uint32_t)o->pos;
		return write_content(ps, o, num, &ob);
	case K_LENGTH:
		if (ps->pending_len != old)
			return (ps->why = "a content stream's length object is shared"), false;
		ps->new_off[num] = (uint32_t)o->pos;
		out_printf(o, "%ld 0 obj\n   %zu\nendobj\n", num, ps->pending_val);
		ps->pending_len = 0;
		return true;
	default:
		break;
	}
	ps->new_off[num] = (uint32_t)o->pos;
	if (ps->kind[old] == K_PAGE) {
		/* Tab order follows the structure (PDF/UA 7.18.3). */
		static const char *const but_tabs[] = {"/Tabs", NULL};
		begin_dict(ps, o, num, d, but_tabs);
		out_str(o, " /Tabs /S");
		end_dict(o);
		return true;
	}
	if (ob.data) {
		/* Fonts and images: the data as it is (its /Length is direct or a
		 * copied object, never a content stream's, which is rewritten). */
		struct rg_span len;
		struct rg_pdfref lref;
		if (rg_pdf_dict_get(d, "/Length", &len) && rg_pdf_parse_ref(len, &lref) &&
		    valid_num(ps, lref.num) && ps->kind[lref.num] == K_LENGTH)
			return (ps->why = "a content stream's length object is shared"), false;
		out_printf(o, "%ld 0 obj\n", num);
		put_value(ps, o, d);
		out_str(o, "\nstream\n");
		out_put(o, ob.data, ob.data_n);
		out_str(o, "\nendstream\nendobj\n");
		return true;
	}
	if (is_dict && dict_is(d, "/Type", "/StructElem")) {
		if (dict_is(d, "/S", "/TH") && !has_key(d, "/A")) {
			begin_dict(ps, o, num, d, NULL);
			out_printf(o, " /A << /O /Table /Scope %s >>", th_scope(doc, d));
			end_dict(o);
			return true;
		}
		if (dict_is(d, "/S", "/Figure") && in->figure_alt && !has_key(d, "/Alt")) {
			begin_dict(ps, o, num, d, NULL);
			out_str(o, " /Alt ");
			put_text_string(o, in->figure_alt);
			end_dict(o);
			return true;
		}
	}
	/* A page's annotation is a link (cairo draws no other kind), and a
	 * link is one of a page's annotations (write_link). */
	bool link = is_dict && dict_is(d, "/Type", "/Annot") && dict_is(d, "/Subtype", "/Link");
	if (!link && annot_index(ps, old) >= 0)
		return (ps->why = "an annotation that is not a link"), false;
	if (link)
		return write_link(ps, o, old, num, d);
	out_printf(o, "%ld 0 obj\n", num);
	put_value(ps, o, d);
	out_str(o, "\nendobj\n");
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


/* The keys cairo 1.16 writes in a catalog and a structure tree root; a
 * key the join does not know would be lost, so it is refused instead. */
static bool only_keys(struct rg_span dict, const char *const *keys)
{
	const char *pos = NULL;
	struct rg_span key, val;
	while (rg_pdf_dict_next(dict, &pos, &key, &val)) {
		bool known = false;
		for (int i = 0; keys[i] && !known; i++)
			known = rg_pdf_name_is(key, keys[i]);
		if (!known)
			return false;
	}
	return true;
}

/* Reads chunk k (its catalog, page tree, structure tree's edges, parent
 * tree and destinations), then copies its objects in the order cairo
 * wrote them, each renumbered. */
static bool join_chunk(struct post *ps, struct out *o, char *map, size_t size, size_t k,
                       char *err, size_t errsize)
{
	const struct rg_pdf_post *in = ps->info;
	bool first = k == 0, last = k == in->n_more;
	int join_in = first ? 0 : in->join[k - 1].reopened;
	int join_out = last ? 0 : in->join[k].open;
	struct rg_pdfdoc doc = {0};
	bool ok = false;
	if (!rg_pdfdoc_open(&doc, map, size, err, errsize)) {
		ps->why = err;
		rg_pdfdoc_free(&doc);
		return false;
	}
	if (doc.size < 2) {
		ps->why = "a chunk without objects";
		rg_pdfdoc_free(&doc);
		return false;
	}
	ps->doc = &doc;
	ps->n_annot = ps->n_alias = 0;
	ps->pending_len = 0;
	ps->kind = calloc((size_t)doc.size + 1, 1);
	ps->referenced = calloc((size_t)doc.size + 1, 1);
	size_t need = (size_t)ps->base + (size_t)doc.size + 1;
	uint32_t *off = rg_arena_grow(&ps->scratch, ps->new_off, &ps->cap_off, need, sizeof *off);
	if (!ps->kind || !ps->referenced || !off) {
		ps->why = "out of memory";
		goto out;
	}
	if (need > ps->n_off) {
		memset(off + ps->n_off, 0, (need - ps->n_off) * sizeof *off);
		ps->n_off = need;
	}
	ps->new_off = off;
	ps->why = NULL;
	static const char *const cat_keys[] = {"/Type", "/Pages", "/MarkInfo", "/Names",
	                                       "/Outlines", "/StructTreeRoot", NULL};
	static const char *const root_keys[] = {"/Type", "/K", "/ParentTree", NULL};
	struct rg_span cat, pages, sroot_ref, sroot, kids, names, outl;
	struct rg_pdfref ref;
	if (doc.encrypted) {
		ps->why = "the PDF is encrypted";
		goto out;
	}
	if (!rg_pdfdoc_object(&doc, doc.root, &cat) || !rg_pdf_dict_get(cat, "/Pages", &pages) ||
	    !valid_num(ps, doc.root.num)) {
		ps->why = "no catalog with /Pages";
		goto out;
	}
	if (!only_keys(cat, cat_keys)) {
		ps->why = "the catalog has an entry the join does not know";
		goto out;
	}
	ps->kind[doc.root.num] = K_DROP;
	size_t pages_before = ps->n_pages;
	if (!walk_pages(ps, pages, 0))
		goto out;
	if (ps->n_pages == pages_before) {
		ps->why = "a chunk without pages";
		goto out;
	}
	if (ps->n_annot)
		qsort(ps->annot, ps->n_annot, sizeof *ps->annot, by_num);
	/* The structure tree: one Document element, whose edges join. */
	if (!rg_pdf_dict_get(cat, "/StructTreeRoot", &sroot_ref) ||
	    !(sroot = dict_of(&doc, sroot_ref)).p || !only_keys(sroot, root_keys) ||
	    !rg_pdf_parse_ref(sroot_ref, &ref) || !drop(ps, sroot_ref) ||
	    !add_alias(ps, ref.num, N_STRUCT_ROOT) || !rg_pdf_dict_get(sroot, "/K", &kids)) {
		ps->why = ps->why ? ps->why : "no structure tree as cairo writes it";
		goto out;
	}
	const char *pos = NULL;
	struct rg_span only = kids, second;
	if (*rg_pdf_skip_ws(kids.p, kids.p + kids.n) == '[' &&
	    (!rg_pdf_array_next(kids, &pos, &only) || rg_pdf_array_next(kids, &pos, &second)))
		only.p = NULL;
	if (!only.p || !rg_pdf_parse_ref(only, &ref) || !valid_num(ps, ref.num) ||
	    !dict_is(dict_of(&doc, only), "/S", "/Document") ||
	    !find_edges(ps, ref.num, join_in, join_out, first, last)) {
		ps->why = ps->why ? ps->why : "the chunks' structure trees do not join";
		goto out;
	}
	if (first)
		ps->document = ps->base + ref.num;
	struct rg_span ptree;
	if (!rg_pdf_dict_get(sroot, "/ParentTree", &ptree) || !read_parent_tree(ps, ptree))
		goto out;
	if (rg_pdf_dict_get(cat, "/Names", &names) && !read_dests(ps, names))
		goto out;
	if (rg_pdf_dict_get(cat, "/Outlines", &outl)) {
		/* The outline is drawn on the last surface (pdf_doc.h); cairo
		 * writes an empty one on the others. */
		struct rg_span od = dict_of(&doc, outl);
		if (last && rg_pdf_parse_ref(outl, &ref)) {
			ps->outlines = renum(ps, ref.num);
		} else if (!od.p || has_key(od, "/First") || !drop(ps, outl)) {
			ps->why = "an outline in a chunk but the last";
			goto out;
		}
	}
	if (doc.info.p) {
		if (first && rg_pdf_parse_ref(doc.info, &ref))
			ps->info_num = renum(ps, ref.num);
		else if (first || !drop(ps, doc.info)) {
			ps->why = "unexpected document information";
			goto out;
		}
	}

	/* Every object, in the order cairo wrote them: one after the other
	 * from the first to the cross-reference table, each the live one of
	 * its number. */
	size_t start = doc.startxref;
	for (long num = 1; num < doc.size; num++)
		if (doc.off[num] != 0 && doc.off[num] != SIZE_MAX && doc.off[num] < start)
			start = doc.off[num];
	if (first)
		out_span(o, map, map + start); /* %PDF-1.x and the binary comment */
	/* The mapping is read front to back (with a few look-ups of earlier
	 * objects): hand the pages already copied back to the page cache, so
	 * that reading the file does not add its size to the peak RSS. */
	release(map, size, 0);
	size_t released = 0;
	const char *p = map + start, *xref = map + doc.startxref;
	while (p < xref && !o->err) {
		size_t at = (size_t)(p - map);
		if (at - released >= RELEASE_STEP)
			released = release(map, size, at);
		const char *end;
		long num = digits(p, xref, &end);
		struct obj ob;
		if (end == p || num <= 0 || num >= doc.size || doc.off[num] != at ||
		    !get_obj(&doc, num, &ob)) {
			ps->why = "an object is not where the cross-reference table says";
			goto out;
		}
		if (!write_object(ps, o, num, &ob)) {
			ps->why = ps->why ? ps->why : "an object is damaged";
			goto out;
		}
		p = rg_pdf_skip_ws(ob.end, xref);
	}
	if (o->err)
		goto out; /* reported as the write failure it is */
	if (p != xref) {
		ps->why = "the last object runs into the cross-reference table";
		goto out;
	}
	for (long num = 1; num < doc.size; num++) {
		if (doc.off[num] != 0 && doc.off[num] != SIZE_MAX && ps->kind[num] != K_DROP &&
		    ps->kind[num] != K_HELD && !ps->new_off[renum(ps, num)]) {
			ps->why = "an object of the cross-reference table is missing";
			goto out;
		}
	}
	if (ps->pending_len) {
		ps->why = "a content stream without its length object";
		goto out;
	}
	if (!write_ended(ps, o))
		goto out;
	if (ps->bad_ref) {
		ps->why = "a reference to an object that is not there, or a damaged dictionary";
		goto out;
	}
	ps->annot_base += ps->n_annot;
	ps->key_base = ps->next_key;
	ps->base += doc.size - 1;
	ok = true;
out:
	free(ps->kind);
	free(ps->referenced);
	ps->kind = NULL;
	ps->referenced = NULL;
	ps->doc = NULL;
	rg_pdfdoc_free(&doc);
	return ok;
}

/* The objects of the joined file itself: catalog, page tree, structure
 * tree root, parent tree, destinations and the XMP packet. */
static void write_fixed(struct post *ps, struct out *o)
{
	const struct rg_pdf_post *in = ps->info;
	ps->new_off[N_CATALOG] = (uint32_t)o->pos;
	out_printf(o, "%d 0 obj\n<< /Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R\n"
	           "   /MarkInfo << /Marked true >>\n", N_CATALOG, N_PAGES, N_STRUCT_ROOT);
	if (ps->n_dests)
		out_printf(o, "   /Names %d 0 R\n", N_NAMES);
	if (ps->outlines)
		out_printf(o, "   /Outlines %ld 0 R\n", ps->outlines);
	out_str(o, "   /Lang ");
	put_text_string(o, in->lang);
	out_printf(o, "\n   /ViewerPreferences << /DisplayDocTitle true >>\n   /Metadata %d 0 R\n"
	           ">>\nendobj\n", N_METADATA);

	ps->new_off[N_PAGES] = (uint32_t)o->pos;
	out_printf(o, "%d 0 obj\n<< /Type /Pages /Count %zu\n   /Kids [", N_PAGES, ps->n_pages);
	for (size_t i = 0; i < ps->n_pages; i++)
		out_printf(o, "%s%ld 0 R", i % 8 ? " " : "\n   ", ps->pages[i]);
	out_str(o, "]\n>>\nendobj\n");

	ps->new_off[N_STRUCT_ROOT] = (uint32_t)o->pos;
	out_printf(o, "%d 0 obj\n<< /Type /StructTreeRoot /K [%ld 0 R] /ParentTree %d 0 R\n"
	           "   /ParentTreeNextKey %ld\n>>\nendobj\n",
	           N_STRUCT_ROOT, ps->document, N_PARENT_TREE, ps->key_base);

	ps->new_off[N_PARENT_TREE] = (uint32_t)o->pos;
	out_printf(o, "%d 0 obj\n<< /Nums [", N_PARENT_TREE);
	out_put(o, ps->ptree.data, ps->ptree.len);
	out_str(o, " ] >>\nendobj\n");

	if (ps->n_dests) {
		ps->new_off[N_NAMES] = (uint32_t)o->pos;
		out_printf(o, "%d 0 obj\n<< /Dests %d 0 R >>\nendobj\n", N_NAMES, N_DESTS);
		ps->new_off[N_DESTS] = (uint32_t)o->pos;
		out_printf(o, "%d 0 obj\n<< /Names [", N_DESTS);
		for (size_t i = 0; i < ps->n_dests; i++) {
			out_str(o, "\n   ");
			out_put(o, ps->dests[i].name, ps->dests[i].name_n);
			out_str(o, " ");
			out_put(o, ps->dests[i].value, ps->dests[i].value_n);
		}
		out_str(o, "\n] >>\nendobj\n");
	}

	/* The XMP packet, uncompressed so that any tool can read it. */
	struct out measure = {.fd = -1};
	rg_buf_init(&measure.b, 0);
	put_xmp(&measure, in);
	ps->new_off[N_METADATA] = (uint32_t)o->pos;
	out_printf(o, "%d 0 obj\n<< /Type /Metadata\n   /Subtype /XML\n   /Length %zu\n>>\nstream\n",
	           N_METADATA, measure.b.len);
	out_put(o, measure.b.data, measure.b.len);
	rg_buf_free(&measure.b);
	if (measure.err)
		o->err = measure.err;
	out_str(o, "\nendstream\nendobj\n");
}

/* Maps the file of fp whole, read-only. */
static bool map_file(FILE *fp, char **map, size_t *size, int *err)
{
	errno = 0;
	struct stat sb;
	int fd = fileno(fp);
	if (fflush(fp) != 0 || fd < 0 || fstat(fd, &sb) != 0) {
		*err = errno ? errno : EIO;
		return false;
	}
	*size = (size_t)sb.st_size;
	if (sb.st_size < 64 || (uint64_t)sb.st_size > UINT32_MAX / 2) {
		*err = 0;
		return false;
	}
	*map = mmap(NULL, *size, PROT_READ, MAP_SHARED, fd, 0);
	if (*map == MAP_FAILED) {
		*err = errno ? errno : EIO;
		return false;
	}
	return true;
}

rg_status rg_pdf_post_process(FILE *fp, const char *path, const struct rg_pdf_post *in,
                              struct rg_diags *diags)
{
	char *map = NULL;
	size_t size = 0;
	int e = 0;
	/* Offsets are kept in 32 bits; the signer stops at 1 GiB anyway. */
	if (!map_file(fp, &map, &size, &e))
		return e ? io_fail(diags, path, e)
		         : fail(diags, path, size < 64 ? "the file is too short to be a PDF"
		                                        : "the file is larger than 2 GiB");
	for (size_t k = 0; k < in->n_more; k++)
		if (in->join[k].open < 0 || in->join[k].open >= RG_PDOC_TAG_DEPTH ||
		    in->join[k].reopened < 0 || in->join[k].reopened > in->join[k].open) {
			munmap(map, size);
			return fail(diags, path, "a chunk's edge is nested too deep");
		}

	rg_status st = RG_OK;
	char err[200];
	struct post ps = {.info = in, .base = N_FIXED - 1};
	rg_arena_init(&ps.scratch);
	(void)rg_arena_spill(&ps.scratch, path); /* else the heap */
	struct out o = {.fd = fileno(fp), .base = (off_t)size};
	rg_buf_init(&o.b, 0);
	rg_buf_init(&ps.ptree, 0);
	o.h = rg_sha256_new();
	if (!o.h) {
		st = RG_EENV;
		goto done;
	}
	for (size_t k = 0; k <= in->n_more && st == RG_OK; k++) {
		char *cmap = map;
		size_t csize = size;
		if (k > 0 && !map_file(in->more[k - 1], &cmap, &csize, &e)) {
			st = e ? io_fail(diags, path, e) : fail(diags, path, "a chunk is not a PDF");
			break;
		}
		if (!join_chunk(&ps, &o, cmap, csize, k, err, sizeof err))
			st = o.err ? io_fail(diags, path, o.err)
			           : fail(diags, path, ps.why ? ps.why : "an object is damaged");
		if (k > 0)
			munmap(cmap, csize);
		rg_arena_release(&ps.scratch); /* the chunk's offsets are written */
	}
	if (st != RG_OK)
		goto done;
	if (ps.n_held) {
		st = fail(diags, path, "the structure tree does not end");
		goto done;
	}
	if (ps.annot_base != in->n_links) {
		st = fail(diags, path, "the link annotations are not the links drawn");
		goto done;
	}
	if (!sort_dests(&ps)) {
		st = fail(diags, path, "a destination is named twice");
		goto done;
	}
	write_fixed(&ps, &o);

	/* The cross-reference table and the trailer; /ID from the digest of
	 * everything before them, so that the same input gives the same
	 * bytes. */
	char digest[RG_SHA256_HEX];
	rg_sha256_final_hex(o.h, digest);
	rg_sha256_free(o.h);
	o.h = NULL;
	size_t xref_at = o.pos;
	long n_obj = ps.base + 1;
	out_printf(&o, "xref\n0 %ld\n0000000000 65535 f \n", n_obj);
	for (long num = 1; num < n_obj; num++) {
		rg_arena_tick();
		if (ps.new_off[num])
			out_printf(&o, "%010" PRIu32 " 00000 n \n", ps.new_off[num]);
		else
			out_str(&o, "0000000000 00001 f \n");
	}
	out_printf(&o, "trailer\n<< /Size %ld\n   /Root %d 0 R\n", n_obj, N_CATALOG);
	if (ps.info_num)
		out_printf(&o, "   /Info %ld 0 R\n", ps.info_num);
	out_printf(&o, "   /ID [<%.32s> <%.32s>]\n>>\nstartxref\n%zu\n%%%%EOF\n", digest, digest,
	           xref_at);
	out_flush(&o);
	if (o.err)
		st = io_fail(diags, path, o.err);
done:
	munmap(map, size);
	if (st == RG_OK) {
		e = move_to_start(o.fd, o.base, o.pos);
		if (e)
			st = io_fail(diags, path, e);
	}
	rg_sha256_free(o.h);
	rg_buf_free(&o.b);
	rg_buf_free(&ps.ptree);
	for (size_t i = 0; i < ps.n_held; i++) {
		rg_buf_free(&ps.held[i].head);
		rg_buf_free(&ps.held[i].kids);
	}
	for (size_t i = 0; i < ps.n_dests; i++) {
		free(ps.dests[i].name);
		free(ps.dests[i].value);
	}
	free(ps.dests);
	rg_arena_drop_array(&ps.scratch, ps.new_off);
	rg_arena_free(&ps.scratch);
	free(ps.annot);
	free(ps.pages);
	return st;
}
