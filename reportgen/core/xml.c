/*
 * xml.c: safe XML parsing and schema validation (see xml.h).
 */
#include "core/xml.h"

#include <assert.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL; /* nothing outside the document is ever read */
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void rg_xml_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	xmlInitParser();
	/* Errors reach us through structured handlers; nothing goes to
	 * stderr behind the diagnostics' back. */
	xmlSetGenericErrorFunc(NULL, silent);
	xmlSetExternalEntityLoader(refuse_entity);
}

static void structured_error(void *user, xmlErrorPtr e)
{
	struct rg_xml_errors *c = user;
	if (!e || e->level == XML_ERR_WARNING || c->stopped)
		return;
	if (c->schema && e->domain == XML_FROM_SCHEMASV)
		c = c->schema;
	char msg[600];
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	/* A streaming read of a file cut short ends, in libxml2's push
	 * parser, with "Extra content at the end of the document"; while an
	 * element is still open it is the whole-document parser's
	 * "Premature end of data", and before the root has begun (an empty
	 * file, blanks, a declaration alone) it has no root element. */
	xmlParserCtxtPtr pctxt = e->domain == XML_FROM_PARSER ? e->ctxt : NULL;
	if (e->code == XML_ERR_DOCUMENT_END && pctxt && pctxt->nameNr > 0 && pctxt->name)
		snprintf(msg, sizeof msg, "Premature end of data in tag %.200s: the file ends before it "
		         "is closed", (const char *)pctxt->name);
	else if (e->code == XML_ERR_DOCUMENT_END && pctxt && pctxt->nameNr == 0 &&
	         (pctxt->instate == XML_PARSER_START || pctxt->instate == XML_PARSER_MISC ||
	          pctxt->instate == XML_PARSER_PROLOG))
		snprintf(msg, sizeof msg, "Document is empty: the file has no root element");
	char where[200] = "";
	if (e->node && ((xmlNodePtr)e->node)->name) {
		snprintf(where, sizeof where, "<%s>", (const char *)((xmlNodePtr)e->node)->name);
	} else if (e->domain == XML_FROM_SCHEMASV && strncmp(msg, "Element '", 9) == 0) {
		/* A streaming validation has no node; its message names the
		 * element ("Element '{urn:...}item', ..."), so the column is
		 * the one a whole-document validation gives. */
		const char *name = msg + 9, *end = strchr(name, '\'');
		const char *brace = end ? memchr(name, '}', (size_t)(end - name)) : NULL;
		if (brace)
			name = brace + 1;
		if (end && end > name)
			snprintf(where, sizeof where, "<%.*s>", (int)(end - name), name);
	}
	rg_diag_err(c->diags, c->code, c->file, e->line > 0 ? (unsigned long)e->line : 0,
	            where[0] ? where : NULL, c->hint, "%s", msg);
	c->count++;
}

int rg_xml_depth(xmlNodePtr n)
{
	int max = 0;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		int d = rg_xml_depth(c);
		if (d > max)
			max = d;
	}
	return max + 1;
}

/* Finds a markup declaration ("<!DOCTYPE", "<!ENTITY", "<!ELEMENT"...):
 * "<!" followed by a letter.  Comments ("<!--") and CDATA ("<![") are not
 * declarations.  Refused wherever it stands, before libxml2 sees it. */
static const char *find_declaration(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		if (s[i] == '<' && s[i + 1] == '!' &&
		    ((s[i + 2] | 0x20) >= 'a' && (s[i + 2] | 0x20) <= 'z'))
			return s + i;
	}
	return NULL;
}

/* No NOENT (entities are not substituted), no DTDLOAD, no DTDATTR. */
#define PARSE_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

unsigned long rg_xml_line_at(const char *bytes, const char *at)
{
	unsigned long line = 1;
	for (const char *p = bytes; p < at; p++)
		line += *p == '\n';
	return line;
}

static void refuse_declaration(struct rg_diags *diags, const char *file, unsigned long line)
{
	rg_diag_err(diags, "xml.doctype", file, line, NULL,
	            "remove the <!DOCTYPE ...> declaration; reportgen reads no DTD and no entities",
	            "has a document type declaration, which is not allowed");
}

/* What is refused before libxml2 sees the bytes: false with a diagnostic. */
static bool acceptable(const char *file, const char *bytes, size_t n, struct rg_diags *diags)
{
	rg_xml_init();
	const char *dt = find_declaration(bytes, n);
	if (dt) {
		refuse_declaration(diags, file, rg_xml_line_at(bytes, dt));
		return false;
	}
	if (n > INT32_MAX) {
		rg_diag_err(diags, "xml.size", file, 0, NULL, NULL, "is too large to parse");
		return false;
	}
	return true;
}

xmlDocPtr rg_xml_parse(const char *file, const char *bytes, size_t n, uint64_t max_depth,
                       struct rg_diags *diags)
{
	if (!acceptable(file, bytes, n, diags))
		return NULL;
	struct rg_xml_errors ec = {diags, file, "xml.syntax", "fix the XML syntax at that line", 0, NULL, false};
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		rg_diag_err(diags, "env.nomem", file, 0, NULL, NULL, "out of memory");
		return NULL;
	}
	xmlSetStructuredErrorFunc(&ec, structured_error);
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, bytes, (int)n, file, NULL, PARSE_OPTIONS);
	xmlSetStructuredErrorFunc(NULL, NULL);
	bool wellformed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);
	/* libxml2 recovers from namespace errors ("colons are forbidden from PI
	 * names") and some encoding errors: the document comes back, still
	 * "well-formed", but an error diagnostic was recorded, and a document
	 * with an error must not be accepted. */
	if (!doc || !wellformed || ec.count) {
		if (!ec.count)
			rg_diag_err(diags, "xml.syntax", file, 0, NULL, "fix the XML syntax",
			            "is not well-formed XML");
		xmlFreeDoc(doc);
		return NULL;
	}
	if (doc->intSubset || doc->extSubset) {
		rg_diag_err(diags, "xml.doctype", file, 0, NULL, "remove the document type declaration",
		            "has a document type declaration, which is not allowed");
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (root && (uint64_t)rg_xml_depth(root) > max_depth) {
		rg_diag_err(diags, "limit.xml-depth", file, 0, NULL,
		            "raise it with --max-xml-depth if the document is genuine",
		            "nests elements deeper than the limit (%llu levels)",
		            (unsigned long long)max_depth);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlTextReaderPtr rg_xml_reader(const char *file, const char *bytes, size_t n,
                               struct rg_xml_errors *errors)
{
	if (!acceptable(file, bytes, n, errors->diags))
		return NULL;
	errors->file = file;
	errors->code = "xml.syntax";
	errors->hint = "fix the XML syntax at that line";
	errors->count = 0;
	/* Without NOCDATA: a reader given a schema (xmlTextReaderSetSchema)
	 * hands CDATA on only through the SAX handler NOCDATA removes, so with
	 * it the validator sees the text and the expanded tree loses it
	 * (libxml2 2.9.14).  A CDATA node is text to xmlNodeGetContent. */
	xmlTextReaderPtr r =
	    xmlReaderForMemory(bytes, (int)n, file, NULL, PARSE_OPTIONS & ~XML_PARSE_NOCDATA);
	if (!r) {
		rg_diag_err(errors->diags, "env.nomem", file, 0, NULL, NULL, "out of memory");
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(r, structured_error, errors);
	/* Some errors skip the reader's handler: a bad byte in an encoding
	 * libxml2 hands to iconv ("utf_8") is raised through the process-wide
	 * one, and the reader would otherwise drop the byte and go on. */
	xmlSetStructuredErrorFunc(errors, structured_error);
	return r;
}

void rg_xml_reader_free(xmlTextReaderPtr r)
{
	xmlFreeTextReader(r);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

static unsigned long newlines(const char *from, const char *to)
{
	unsigned long n = 0;
	for (const char *p = from; (p = memchr(p, '\n', (size_t)(to - p))) != NULL; p++)
		n++;
	return n;
}

unsigned long rg_xml_piece_find(struct rg_xml_pieces *s, const char *p, size_t n,
                                const char *(*find)(const char *s, size_t n), size_t keep)
{
	assert(keep <= sizeof s->tail && s->n_tail <= keep);
	if (!s->line)
		s->line = 1;
	/* A match across the boundary begins in the tail: look in the tail
	 * and the piece's first bytes together. */
	char joint[2 * sizeof s->tail];
	size_t head = n < keep ? n : keep;
	memcpy(joint, s->tail, s->n_tail);
	memcpy(joint + s->n_tail, p, head);
	const char *at = find(joint, s->n_tail + head);
	unsigned long found = 0;
	if (at && (size_t)(at - joint) < s->n_tail)
		found = s->line - newlines(at, joint + s->n_tail);
	else if ((at = find(p, n)) != NULL)
		found = s->line + newlines(p, at);
	s->line += newlines(p, p + n);
	/* The new tail: the last keep bytes of the old one and the piece. */
	size_t total = s->n_tail + n, drop = total > keep ? total - keep : 0;
	if (drop >= s->n_tail) {
		memcpy(s->tail, p + (drop - s->n_tail), total - drop);
	} else {
		memmove(s->tail, s->tail + drop, s->n_tail - drop);
		memcpy(s->tail + s->n_tail - drop, p, n);
	}
	s->n_tail = total - drop;
	return found;
}

/* rg_xml_reader_file's input: the caller's FILE, each piece checked. */
struct file_input {
	FILE *in;
	const char *file;
	struct rg_xml_errors *errors;
	struct rg_xml_pieces scan;
};

static int file_read(void *ctx, char *buf, int len)
{
	struct file_input *f = ctx;
	if (f->errors->stopped)
		return -1;
	size_t n = fread(buf, 1, (size_t)len, f->in);
	if (n == 0 && ferror(f->in)) {
		/* A wrapper of the FILE may have said why: the envelope's
		 * CDATA watch (stopped), a capped file (rg_open_capped, EFBIG). */
		if (!f->errors->stopped && errno != EFBIG)
			rg_diag_err(f->errors->diags, "env.read", f->file, 0, NULL, NULL,
			            "cannot be read: %s", strerror(errno));
		f->errors->stopped = true;
		f->errors->count++;
		return -1;
	}
	unsigned long line = rg_xml_piece_find(&f->scan, buf, n, find_declaration, 2);
	if (line) {
		refuse_declaration(f->errors->diags, f->file, line);
		f->errors->stopped = true;
		f->errors->count++;
		return -1;
	}
	return (int)n;
}

static int file_close(void *ctx)
{
	free(ctx);
	return 0;
}

xmlTextReaderPtr rg_xml_reader_file(const char *file, FILE *in, struct rg_xml_errors *errors)
{
	rg_xml_init();
	errors->file = file;
	errors->code = "xml.syntax";
	errors->hint = "fix the XML syntax at that line";
	errors->count = 0;
	errors->stopped = false;
	struct file_input *f = calloc(1, sizeof *f);
	if (f)
		*f = (struct file_input){.in = in, .file = file, .errors = errors};
	/* Before the reader exists: it reads the first bytes as it starts. */
	xmlSetStructuredErrorFunc(errors, structured_error);
	/* libxml2 closes the input (file_close) on every path, failure too. */
	xmlTextReaderPtr r =
	    f ? xmlReaderForIO(file_read, file_close, f, file, NULL, PARSE_OPTIONS & ~XML_PARSE_NOCDATA)
	      : NULL;
	if (!r) {
		if (!errors->count)
			rg_diag_err(errors->diags, "env.nomem", file, 0, NULL, NULL, "out of memory");
		xmlSetStructuredErrorFunc(NULL, NULL);
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(r, structured_error, errors);
	return r;
}

xmlSchemaPtr rg_xml_schema_load(const char *xsd_path, struct rg_diags *diags)
{
	rg_xml_init();
	/* Read the schema ourselves: the process-wide entity loader refuses
	 * every file, the schema included. */
	char *xsd = NULL;
	size_t xsd_len = 0;
	struct rg_diags scratch;
	rg_diags_init(&scratch);
	rg_status rst = rg_read_file(&xsd, &xsd_len, xsd_path, 16u << 20, &scratch);
	rg_diags_free(&scratch);
	xmlSchemaParserCtxtPtr pc =
	    rst == RG_OK ? xmlSchemaNewMemParserCtxt(xsd, (int)xsd_len) : NULL;
	struct rg_xml_errors quiet = {&scratch, xsd_path, "env.schema", NULL, 0, NULL, false};
	rg_diags_init(&scratch);
	if (pc)
		xmlSchemaSetParserStructuredErrors(pc, structured_error, &quiet);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaFreeParserCtxt(pc);
	rg_diags_free(&scratch);
	free(xsd);
	if (!schema)
		rg_diag_err(diags, "env.schema", xsd_path, 0, NULL,
		            "reinstall reportgen or set REPORTGEN_DATADIR",
		            "cannot load the XML Schema");
	return schema;
}

rg_status rg_xml_validate(xmlDocPtr doc, const char *file, const char *xsd_path,
                          struct rg_diags *diags)
{
	xmlSchemaPtr schema = rg_xml_schema_load(xsd_path, diags);
	if (!schema)
		return RG_EENV;
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
	if (!vc) {
		xmlSchemaFree(schema);
		return RG_EENV;
	}
	struct rg_xml_errors ec = {diags, file, "xml.schema", NULL, 0, NULL, false};
	char hint[300];
	const char *base = strrchr(xsd_path, '/');
	snprintf(hint, sizeof hint, "see the schema %s", base ? base + 1 : xsd_path);
	ec.hint = hint;
	xmlSchemaSetValidStructuredErrors(vc, structured_error, &ec);
	int rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	if (rc != 0 && !ec.count)
		rg_diag_err(diags, "xml.schema", file, 0, NULL, hint, "does not match its schema");
	return rc == 0 ? RG_OK : RG_EINPUT;
}

char *rg_xml_attr(xmlNodePtr n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}
