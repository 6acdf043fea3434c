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
#include <stdint.h>

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
