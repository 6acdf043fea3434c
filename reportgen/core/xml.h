/*
 * xml.h: the one safe way reportgen parses XML (manifest, directive,
 * templates, a report to sign or verify) with libxml2, whole or streamed.
 *
 * Hostile-input rules of docs/bundle-format.md: no network, no external
 * entities, no DTD loading.  A document type declaration of any kind is
 * refused before parsing (so no entity, internal or external, is ever
 * declared), an entity loader that loads nothing is installed for the
 * process, and the size and element depth are limited.  Parse errors and
 * schema errors become diagnostics with the document's line numbers.
 */
#ifndef RG_XML_H
#define RG_XML_H

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/file.h"
#include "core/status.h"

/* The default limits of an XML document (bundle/limits.h lets a user raise
 * them for a manifest; definitions and templates use these). */
#define RG_XML_DEFAULT_MAX_BYTES ((uint64_t)16 << 20)
#define RG_XML_DEFAULT_MAX_DEPTH 64

/* Parses n bytes named `file` (for diagnostics).  NULL with diagnostics on
 * failure.  The caller frees the document with xmlFreeDoc. */
xmlDocPtr rg_xml_parse(const char *file, const char *bytes, size_t n, uint64_t max_depth,
                       struct rg_diags *diags);

/* The element levels of the subtree at n, n counted (the limit
 * rg_xml_parse applies to the root). */
int rg_xml_depth(xmlNodePtr n);

/* The 1-based line of `at` in the bytes that start at `bytes`. */
unsigned long rg_xml_line_at(const char *bytes, const char *at);

/* Where the errors of a streaming read go; it must outlive the reader.
 * count is how many were reported: libxml2 recovers from some (a namespace
 * error), and a document with any must not be accepted.  schema, when set,
 * takes the violations of a schema the reader validates against
 * (xmlTextReaderSetSchema), which otherwise come here with the syntax
 * errors. */
struct rg_xml_errors {
	struct rg_diags *diags;
	const char *file;
	const char *code;
	const char *hint;
	int count;
	struct rg_xml_errors *schema;
	/* A piece of a document read in pieces was refused, and said why
	 * (rg_xml_reader_file): libxml2's own errors after it, about the
	 * input that stopped, are not reported. */
	bool stopped;
};

/* A streaming reader over n bytes named `file`, with rg_xml_parse's rules:
 * a declaration or a size over INT32_MAX refused up front (NULL with a
 * diagnostic), the same parser options, its errors into *errors (diags
 * set by the caller, the rest filled here); CDATA sections stay CDATA
 * nodes (see rg_xml_reader in xml.c).  The depth limit is the
 * caller's to apply (xmlTextReaderDepth).  *errors also takes libxml2's
 * process-wide errors until rg_xml_reader_free (one reader at a time).
 * Free before the bytes. */
xmlTextReaderPtr rg_xml_reader(const char *file, const char *bytes, size_t n,
                               struct rg_xml_errors *errors);
void rg_xml_reader_free(xmlTextReaderPtr r);

/* rg_xml_reader over a document read from `in` a piece at a time, for one
 * that need not be in memory whole (report.xml, signed): the declaration
 * is looked for in each piece as it passes, across the pieces'
 * boundaries, and the read stops at the piece that holds one, with the
 * same diagnostic.  `in` stays the caller's (closed after the reader is
 * freed); a read error is an env.read diagnostic. */
xmlTextReaderPtr rg_xml_reader_file(const char *file, FILE *in, struct rg_xml_errors *errors);

/* Finding a pattern in a document read in pieces.  line is the line the
 * pieces so far end on (0 before the first, counted from 1), tail their
 * last bytes, as many as a match may have in the piece before. */
struct rg_xml_pieces {
	unsigned long line;
	char tail[8];
	size_t n_tail;
};

/* The 1-based line of the first match of find (which returns the first
 * match in n bytes, or NULL) in the next piece p[0..n), or one that begins
 * in the pieces before and ends in this one; 0 when there is none.  keep:
 * the pattern's length less one, at most sizeof tail. */
unsigned long rg_xml_piece_find(struct rg_xml_pieces *s, const char *p, size_t n,
                                const char *(*find)(const char *s, size_t n), size_t keep);

/* The XML Schema at xsd_path, for rg_xml_validate or a streaming reader
 * (xmlTextReaderSetSchema, before the first read; free it with
 * xmlSchemaFree after the reader).  NULL with an env.schema diagnostic
 * when it cannot be read. */
xmlSchemaPtr rg_xml_schema_load(const char *xsd_path, struct rg_diags *diags);

/* Validates against the XML Schema at xsd_path.  RG_EINPUT with one
 * diagnostic per violation; RG_EENV when the schema itself cannot be read. */
rg_status rg_xml_validate(xmlDocPtr doc, const char *file, const char *xsd_path,
                          struct rg_diags *diags);

/* An attribute's value or NULL (pointer into an xmlChar copy the caller
 * frees with xmlFree). */
char *rg_xml_attr(xmlNodePtr n, const char *name);

/* Installs the process-wide refusing entity loader (idempotent). */
void rg_xml_init(void);

#endif
