/*
 * xml_envelope.c: the signing pass over report.xml, one piece at a time
 * (rg_xml_envelope, sign_internal.h; sign_xml.c makes the signature).
 *
 * An enveloped signature needs two things from the report: the SHA-256 of
 * the document's exclusive canonical form, and the file again with
 * ds:Signature as the root's last child, in libxml2's serialisation (the
 * bytes verify compares with).  Both once came from the whole report parsed
 * into one tree, about seven times the file (every attribute is two
 * nodes): 140 MB for 50,000 findings, the peak of a signed render.  Here
 * the report is read by libxml2's streaming reader, and every byte of both
 * is still made by libxml2, piece by piece, in document order:
 *
 *  - The root and its element children are containers: their start and
 *    end tags are written and hashed when the reader reaches them.
 *    Everything below (an item, a contact) and every text node is a piece:
 *    expanded whole, written with xmlSaveTree, canonicalised with
 *    xmlC14NExecute, then freed by the reader as it moves on.  Memory is
 *    the largest piece, whatever the number of pieces.
 *  - The exclusive canonical form of a piece depends on its ancestors
 *    (which namespaces they rendered), so a piece is canonicalised with
 *    the open containers' elements (their attributes and namespaces, none
 *    of their other content) in the node set; their start and end tags,
 *    known from when they were opened, are cut off the output again, after
 *    checking they are there.  A mismatch fails signing; it never signs a
 *    digest of something else.
 *  - A container's start tag is written by xmlSaveTree too, with its
 *    children (those the reader has already parsed) unhooked for the call,
 *    so that it comes out as "<name attributes/>" and the "/>" can be held
 *    back until it is known whether anything goes inside.
 *
 * Refused as verify refuses (sign_xml.c, rg_xml_sig_scan): comments and
 * processing instructions anywhere, a ds:Signature already there; and as
 * the project's parser refuses (core/xml.c): a declaration, malformed XML,
 * nesting deeper than the limit.  Nothing is written on failure but what
 * the caller's temporary file holds.
 *
 * Proof that the pieces add up to the whole: verify parses the signed file
 * whole, requires it to be byte for byte libxml2's serialisation of its tree,
 * and has xmlsec recompute the digest over the whole tree (tests/sign, and
 * xmlsec1 --verify there).
 */
#define _GNU_SOURCE /* memmem */
#include "sign/sign_internal.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlsave.h>

#include "core/str.h"
#include "core/xml.h"

#define CONTAINER_DEPTH 2 /* the root (depth 0) and its element children (1) */

struct container {
	xmlNodePtr el;
	unsigned char *start; /* its exclusive canonical start tag (malloc'd) */
	size_t start_len;
	char *end;            /* "</prefix:name>", the same in both forms */
	size_t end_len;
	bool has_content;     /* "<name attrs" was followed by ">" */
};

struct envelope {
	xmlDocPtr doc;        /* the reader's, holding only the open path */
	FILE *out;
	xmlBufferPtr buf;     /* what xmlSaveTree wrote, before it goes out */
	xmlSaveCtxtPtr save;
	EVP_MD_CTX *md;
	struct container c[CONTAINER_DEPTH];
	int depth;            /* open containers */
	xmlNodePtr top;       /* the piece in the canonicalisation's node set */
	bool top_alone;       /* ... without its content (a start tag) */
	bool failed;          /* stop: see write_errno and last_failed */
	int write_errno;      /* the output could not be written */
	bool last_failed;     /* make_last failed, and said why */
	bool c14n_refused;    /* libxml2's C14N refused a piece */
};

static bool write_out(struct envelope *e, const void *p, size_t n)
{
	errno = 0;
	if (!e->failed && n && fwrite(p, 1, n, e->out) != n) {
		e->write_errno = errno ? errno : EIO;
		e->failed = true;
	}
	return !e->failed;
}

static bool hash(struct envelope *e, const void *p, size_t n)
{
	if (EVP_DigestUpdate(e->md, p, n) != 1)
		e->failed = true;
	return !e->failed;
}

/* The node set of one canonicalisation: the open containers' elements
 * with their attributes and namespaces, and the piece. */
static int in_piece(void *user, xmlNodePtr node, xmlNodePtr parent)
{
	const struct envelope *e = user;
	/* A namespace node has no parent of its own; its element is parent. */
	xmlNodePtr n = node && node->type == XML_NAMESPACE_DECL ? parent : node;
	xmlNodePtr owner = n && n->type == XML_ATTRIBUTE_NODE ? n->parent : n;
	for (int i = 0; i < e->depth; i++)
		if (owner == e->c[i].el)
			return 1;
	if (e->top_alone)
		return owner == e->top;
	for (; n; n = n->parent)
		if (n == e->top)
			return 1;
	return 0;
}

/* The canonical form of top in its place (the start tag alone with
 * alone), with the open containers' tags cut off: malloc'd into *bytes. */
static bool canonical(struct envelope *e, xmlNodePtr top, bool alone, unsigned char **bytes,
                      size_t *n)
{
	e->top = top;
	e->top_alone = alone;
	xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
	bool ok = ob && xmlC14NExecute(e->doc, in_piece, e, XML_C14N_EXCLUSIVE_1_0, NULL, 0, ob) >= 0;
	/* It refuses some documents the parser reads (a relative namespace
	 * URI), as it would refuse them whole. */
	if (ob && !ok)
		e->c14n_refused = true;
	const unsigned char *p = ok ? xmlOutputBufferGetContent(ob) : NULL;
	size_t len = ok ? xmlOutputBufferGetSize(ob) : 0, pre = 0, post = 0;
	for (int i = 0; i < e->depth; i++) {
		pre += e->c[i].start_len;
		post += e->c[i].end_len;
	}
	ok = p && len >= pre + post;
	/* The containers' tags must be exactly where they are expected. */
	size_t at = 0;
	for (int i = 0; ok && i < e->depth; i++) {
		ok = memcmp(p + at, e->c[i].start, e->c[i].start_len) == 0;
		at += e->c[i].start_len;
	}
	at = len - post;
	for (int i = e->depth - 1; ok && i >= 0; i--) {
		ok = memcmp(p + at, e->c[i].end, e->c[i].end_len) == 0;
		at += e->c[i].end_len;
	}
	if (ok) {
		*n = len - pre - post;
		*bytes = malloc(*n ? *n : 1);
		ok = *bytes != NULL;
		if (ok)
			memcpy(*bytes, p + pre, *n);
	}
	if (ob)
		xmlOutputBufferClose(ob);
	if (!ok)
		e->failed = true;
	return ok;
}

/* libxml2's serialisation of node, less its last `hold` bytes (which must
 * be held_back), into the output. */
static bool serialise(struct envelope *e, xmlNodePtr node, size_t hold, const char *held_back)
{
	xmlBufferEmpty(e->buf);
	bool ok = xmlSaveTree(e->save, node) >= 0 && xmlSaveFlush(e->save) >= 0;
	const char *p = (const char *)xmlBufferContent(e->buf);
	int len = xmlBufferLength(e->buf); /* an int: a piece of 2 GB fails */
	size_t n = ok && len >= 0 ? (size_t)len : 0;
	ok = ok && p && len >= 0 && n >= hold && memcmp(p + n - hold, held_back, hold) == 0;
	if (!ok)
		e->failed = true;
	return ok && write_out(e, p, n - hold);
}

/* Something is about to be written inside the innermost container. */
static bool open_content(struct envelope *e)
{
	struct container *c = &e->c[e->depth - 1];
	if (!c->has_content) {
		c->has_content = true;
		return write_out(e, ">", 1);
	}
	return true;
}

static bool open_container(struct envelope *e, xmlNodePtr el)
{
	assert(e->depth < CONTAINER_DEPTH);
	if (e->depth && !open_content(e))
		return false;
	struct container *c = &e->c[e->depth];
	memset(c, 0, sizeof *c);
	c->el = el;
	const char *prefix = el->ns && el->ns->prefix && el->ns->prefix[0]
	                         ? (const char *)el->ns->prefix
	                         : NULL;
	c->end = rg_asprintf("</%s%s%s>", prefix ? prefix : "", prefix ? ":" : "",
	                     (const char *)el->name);
	if (!c->end) {
		e->failed = true;
		return false;
	}
	c->end_len = strlen(c->end);
	/* The canonical start tag: the element alone is "<name ...></name>". */
	unsigned char *alone = NULL;
	size_t n = 0;
	if (!canonical(e, el, true, &alone, &n) || n < c->end_len ||
	    memcmp(alone + n - c->end_len, c->end, c->end_len) != 0) {
		free(alone);
		free(c->end);
		e->failed = true;
		return false;
	}
	c->start = alone;
	c->start_len = n - c->end_len;
	e->depth++;
	/* The start tag as serialised, children unhooked: "<name .../>". */
	xmlNodePtr first = el->children, last = el->last;
	el->children = el->last = NULL;
	bool ok = serialise(e, el, 2, "/>");
	el->children = first;
	el->last = last;
	return ok && hash(e, c->start, c->start_len);
}

/* Closes the innermost container; before the root's end tag, the last
 * child is asked for and written. */
static bool close_container(struct envelope *e, rg_xml_last_child make_last, void *ctx)
{
	assert(e->depth > 0);
	struct container *c = &e->c[e->depth - 1];
	bool ok = hash(e, c->end, c->end_len);
	if (ok && e->depth == 1) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;
		xmlNodePtr last = NULL;
		ok = EVP_DigestFinal_ex(e->md, md, &mdlen) == 1;
		if (ok && !(last = make_last(ctx, md, mdlen)))
			e->last_failed = true;
		ok = ok && last && open_content(e) && serialise(e, last, 0, "");
		if (!ok)
			e->failed = true;
	}
	ok = ok && (c->has_content ? write_out(e, c->end, c->end_len) : write_out(e, "/>", 2));
	/* The serialiser ends every child of the document with a newline. */
	if (ok && e->depth == 1)
		ok = write_out(e, "\n", 1);
	free(c->start);
	free(c->end);
	e->depth--;
	return ok;
}

static bool piece(struct envelope *e, xmlNodePtr node)
{
	unsigned char *bytes = NULL;
	size_t n = 0;
	bool ok = node && open_content(e) && serialise(e, node, 0, "") &&
	          canonical(e, node, false, &bytes, &n) && hash(e, bytes, n);
	free(bytes);
	if (!node)
		e->failed = true;
	return ok;
}

/* The declaration, as libxml2 writes it for the reader's document. */
static bool declaration(struct envelope *e)
{
	xmlDocPtr d = xmlNewDoc(e->doc->version ? e->doc->version : BAD_CAST "1.0");
	if (d)
		d->standalone = e->doc->standalone;
	xmlBufferEmpty(e->buf);
	bool ok = d && xmlSaveDoc(e->save, d) >= 0 && xmlSaveFlush(e->save) >= 0;
	xmlFreeDoc(d);
	int len = xmlBufferLength(e->buf);
	if (!ok || len < 0)
		e->failed = true;
	return !e->failed && write_out(e, xmlBufferContent(e->buf), (size_t)len);
}

/* The report as the reader reads it: the caller's file, with a CDATA
 * section refused where it stands.  A CDATA section is text to the
 * whole-document parser and to the reader alike, but an empty one is an
 * empty text node to the first and nothing to the second ("<c></c>"
 * against "<c/>").  reportgen writes none, and verify refuses one (the
 * file is not the serialisation of its tree), so none is signed. */
struct cdata_watch {
	FILE *in;
	const char *path;
	struct rg_xml_errors *errors;
	struct rg_xml_pieces scan;
};

static const char *find_cdata(const char *s, size_t n)
{
	return memmem(s, n, "<![CDATA[", 9);
}

static ssize_t watch_read(void *cookie, char *buf, size_t size)
{
	struct cdata_watch *w = cookie;
	size_t n = fread(buf, 1, size, w->in);
	if (n == 0 && ferror(w->in))
		return -1;
	unsigned long line = rg_xml_piece_find(&w->scan, buf, n, find_cdata, 8);
	if (line) {
		rg_diag_err(w->errors->diags, "sign.xml-content", w->path, line, NULL,
		            "sign report.xml exactly as reportgen's XML view wrote it",
		            "has a CDATA section, which reportgen never writes");
		w->errors->stopped = true; /* the reader's input error is this */
		w->errors->count++;
		return -1;
	}
	return (ssize_t)n;
}

rg_status rg_xml_envelope(const char *path, FILE *in, int max_depth, FILE *out,
                          rg_xml_last_child make_last, void *ctx, struct rg_diags *diags)
{
	struct rg_xml_errors errors = {.diags = diags};
	struct cdata_watch watch = {in, path, &errors, {0}};
	FILE *watched = fopencookie(&watch, "rb", (cookie_io_functions_t){.read = watch_read});
	xmlTextReaderPtr rd = watched ? rg_xml_reader_file(path, watched, &errors) : NULL;
	if (!rd) {
		if (!watched)
			rg_diag_err(diags, "env.nomem", path, 0, NULL, NULL, "out of memory");
		if (watched)
			fclose(watched);
		return RG_EENV;
	}
	struct envelope e = {.out = out};
	e.buf = xmlBufferCreate();
	e.save = e.buf ? xmlSaveToBuffer(e.buf, "UTF-8", XML_SAVE_AS_XML) : NULL;
	e.md = EVP_MD_CTX_new();
	e.failed = !e.save || !e.md || EVP_DigestInit_ex(e.md, EVP_sha256(), NULL) != 1;

	struct rg_verify_result probe;
	memset(&probe, 0, sizeof probe);
	/* A failed setup skips the loop and is reported as what it is. */
	int nsig = 0, ret = e.failed ? 1 : xmlTextReaderRead(rd);
	xmlNodePtr sig = NULL;
	bool too_deep = false, root_seen = false;
	while (ret == 1 && !e.failed && !probe.reason[0] && !nsig && !too_deep) {
		int type = xmlTextReaderNodeType(rd), depth = xmlTextReaderDepth(rd);
		xmlNodePtr node = xmlTextReaderCurrentNode(rd);
		bool skip = false;
		if (!e.doc) {
			/* The node's, not xmlTextReaderCurrentDoc: that would
			 * make the document the caller's to free. */
			e.doc = node ? node->doc : NULL;
			/* A declaration without an encoding leaves the document's
			 * NULL, and xmlSaveTree would then write non-ASCII
			 * characters of attributes as references, where the
			 * serialiser of a whole document takes the UTF-8 it writes. */
			if (e.doc && !e.doc->encoding)
				e.doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
			if (!e.doc || !e.doc->encoding || !declaration(&e)) {
				e.failed = true;
				break;
			}
		}
		if (depth + 1 > max_depth) {
			too_deep = true;
			break;
		}
		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			if (depth < CONTAINER_DEPTH) {
				rg_xml_sig_scan(&probe, node, false, &nsig, &sig);
				if (probe.reason[0] || nsig)
					break;
				root_seen = true;
				if (open_container(&e, node) && xmlTextReaderIsEmptyElement(rd))
					close_container(&e, make_last, ctx);
				break;
			}
			skip = true;
			/* A piece: the whole subtree, checked before it is used. */
			if (!(node = xmlTextReaderExpand(rd)))
				break; /* a syntax error, reported */
			rg_xml_sig_scan(&probe, node, true, &nsig, &sig);
			too_deep = depth + rg_xml_depth(node) > max_depth;
			if (!probe.reason[0] && !nsig && !too_deep)
				piece(&e, node);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			if (depth < CONTAINER_DEPTH && e.depth == depth + 1)
				close_container(&e, make_last, ctx);
			else
				e.failed = true;
			break;
		case XML_READER_TYPE_TEXT: /* not CDATA: refused above, or below when
		                              an encoding hides it from memmem */
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			/* Blanks outside the root are no part of the document. */
			if (depth > 0)
				piece(&e, node);
			break;
		default:
			/* Comments, processing instructions, and anything else
			 * the tree walk would refuse. */
			rg_xml_sig_scan(&probe, node, true, &nsig, &sig);
			if (!probe.reason[0])
				snprintf(probe.reason, sizeof probe.reason,
				         "a node of an unexpected kind (%d) at line %ld", type,
				         xmlGetLineNo(node));
			break;
		}
		if (skip && !node)
			ret = -1;
		else if (!e.failed && !probe.reason[0] && !nsig && !too_deep)
			ret = skip ? xmlTextReaderNext(rd) : xmlTextReaderRead(rd);
	}

	rg_status st = RG_OK;
	if (probe.reason[0] || nsig) {
		rg_diag_err(diags, "sign.xml-content", path, 0, NULL,
		            "sign report.xml exactly as reportgen's XML view wrote it", "%s",
		            nsig ? "already has a ds:Signature" : probe.reason);
		st = RG_EENV;
	} else if (too_deep) {
		rg_diag_err(diags, "limit.xml-depth", path, 0, NULL,
		            "sign report.xml exactly as reportgen's XML view wrote it",
		            "nests elements deeper than the limit (%d levels)", max_depth);
		st = RG_EENV;
	} else if (ret < 0 || errors.count || (!e.failed && (!root_seen || e.depth))) {
		if (!errors.count)
			rg_diag_err(diags, "xml.syntax", path, 0, NULL, "fix the XML syntax",
			            "is not well-formed XML");
		st = RG_EENV;
	} else if (e.last_failed) {
		st = RG_EENV; /* make_last said why */
	} else if (e.c14n_refused) {
		rg_diag_err(diags, "sign.xml-c14n", path, 0, NULL,
		            "sign report.xml exactly as reportgen's XML view wrote it",
		            "libxml2's exclusive canonicalisation refuses the report (a namespace "
		            "name that is a relative URI, for one), so it cannot be signed");
		st = RG_EENV;
	} else if (e.write_errno) {
		rg_diag_err(diags, "output.write", path, 0, NULL, "check free space and permissions",
		            "cannot write: %s", strerror(e.write_errno));
		st = RG_EENV;
	} else if (e.failed) {
		rg_diag_err(diags, "sign.xml-internal", path, 0, NULL, NULL,
		            "libxml2 could not serialise or canonicalise a part of the report, or "
		            "its pieces did not match (out of memory, or a reportgen bug)");
		st = RG_EENV;
	}
	while (e.depth > 0) {
		e.depth--;
		free(e.c[e.depth].start);
		free(e.c[e.depth].end);
	}
	if (e.save)
		xmlSaveClose(e.save);
	xmlBufferFree(e.buf);
	EVP_MD_CTX_free(e.md);
	rg_xml_reader_free(rd);
	fclose(watched);
	return st;
}
