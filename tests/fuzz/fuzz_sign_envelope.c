/*
 * fuzz_sign_envelope.c: libFuzzer target for the signing pass over
 * report.xml (sign/xml_envelope.c, rg_xml_envelope), differential against
 * the whole tree.
 *
 * The pass writes a document piece by piece and hashes its exclusive
 * canonical form piece by piece; the whole-tree way (parse with the
 * project's parser, append the element, serialise the whole; canonicalise
 * the whole without it) is what verify and xmlsec do.  Properties, on any
 * bytes:
 *  - the pass accepts exactly what the whole-tree way would sign (but for
 *    bytes after a NUL, which only the pass reads, and CDATA sections,
 *    which only the pass refuses): a
 *    document the project's parser reads, with no comment, no processing
 *    instruction and no ds:Signature, that libxml2's exclusive C14N takes
 *    (it refuses a relative namespace URI);
 *  - when it accepts, its output is byte for byte the serialisation of the
 *    whole tree with the element appended to the root, and the digest it
 *    handed over is the SHA-256 of the whole document's canonical form;
 *  - when it refuses, it says why (an error diagnostic).
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include <libxml/c14n.h>
#include <openssl/evp.h>

#include "fuzz_common.h"
#include "core/xml.h"
#include "sign/sign_internal.h"

#define MAX_DEPTH 256 /* what signing uses (sign_xml.c) */

struct last {
	xmlDocPtr doc;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	int calls;
};

/* A stand-in for ds:Signature, with a namespace of its own as it has. */
static xmlNodePtr make_last(void *ctx, const unsigned char *md, unsigned mdlen)
{
	struct last *l = ctx;
	memcpy(l->md, md, mdlen);
	l->mdlen = mdlen;
	l->calls++;
	return xmlDocGetRootElement(l->doc);
}

static int digest_write(void *ctx, const char *p, int n)
{
	return EVP_DigestUpdate(ctx, p, (size_t)n) == 1 ? n : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 18)
		return 0;
	static const char sig[] = "<s:sig xmlns:s=\"urn:fuzz:sig\" a=\"\xc3\xa9\">x&amp;y</s:sig>";
	struct last l = {.doc = xmlReadMemory(sig, sizeof sig - 1, "sig.xml", NULL, 0)};
	RG_FUZZ_CHECK(l.doc != NULL);
	/* As sign_xml.c makes its signature's document. */
	l.doc->encoding = xmlStrdup(BAD_CAST "UTF-8");

	/* The pass, into memory. */
	char *written = NULL;
	size_t written_len = 0;
	FILE *out = open_memstream(&written, &written_len);
	RG_FUZZ_CHECK(out != NULL);
	struct rg_diags diags;
	rg_diags_init(&diags);
	/* Read from the bytes as signing reads report.xml, a piece at a time. */
	FILE *in = fmemopen((void *)data, size, "rb");
	RG_FUZZ_CHECK(in != NULL);
	rg_status st = rg_xml_envelope("fuzz.xml", in, MAX_DEPTH, out, make_last, &l, &diags);
	fclose(in);
	RG_FUZZ_CHECK(st == RG_OK || rg_diags_has_errors(&diags));
	RG_FUZZ_CHECK(st != RG_OK || l.calls == 1);
	RG_FUZZ_CHECK(fclose(out) == 0);
	rg_diags_free(&diags);

	/* The whole tree. */
	rg_diags_init(&diags);
	xmlDocPtr doc = rg_xml_parse("fuzz.xml", (const char *)data, size, MAX_DEPTH, &diags);
	rg_diags_free(&diags);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	struct rg_verify_result probe;
	memset(&probe, 0, sizeof probe);
	int nsig = 0;
	xmlNodePtr found = NULL;
	for (xmlNodePtr n = doc ? doc->children : NULL; n; n = n->next)
		rg_xml_sig_scan(&probe, n, true, &nsig, &found);
	/* The whole document's canonical form, before anything is appended;
	 * libxml2 refuses some documents it reads (a relative namespace URI). */
	unsigned char whole[EVP_MAX_MD_SIZE];
	unsigned wlen = 0;
	bool canonical = false;
	if (root && !probe.reason[0] && !nsig) {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		RG_FUZZ_CHECK(md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1);
		xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(digest_write, NULL, md, NULL);
		RG_FUZZ_CHECK(ob != NULL);
		canonical = xmlC14NExecute(doc, NULL, NULL, XML_C14N_EXCLUSIVE_1_0, NULL, 0, ob) >= 0;
		canonical = xmlOutputBufferClose(ob) >= 0 && canonical;
		RG_FUZZ_CHECK(EVP_DigestFinal_ex(md, whole, &wlen) == 1);
		EVP_MD_CTX_free(md);
	}
	/* The pass is stricter in one way: libxml2's parser of a whole
	 * document in memory takes a NUL byte for the end of the input, so it
	 * reads "<r/>\n\0\0" without complaint; the reader calls that content
	 * after the root element, and so does verify (the file is longer than
	 * its serialisation). */
	RG_FUZZ_CHECK(st != RG_OK || canonical);
	/* And it refuses a CDATA section, which an empty one would make
	 * differ ("<c></c>" whole, "<c/>" streamed); verify refuses one too. */
	RG_FUZZ_CHECK(st == RG_OK || !canonical || memchr(data, 0, size) != NULL ||
	              memmem(data, size, "<![CDATA[", 9) != NULL);

	if (st == RG_OK) {
		RG_FUZZ_CHECK(wlen == l.mdlen && memcmp(whole, l.md, wlen) == 0);
		xmlNodePtr copy = xmlDocCopyNode(xmlDocGetRootElement(l.doc), doc, 1);
		RG_FUZZ_CHECK(copy && xmlAddChild(root, copy));
		xmlChar *mem = NULL;
		int n = 0;
		xmlDocDumpMemoryEnc(doc, &mem, &n, "UTF-8");
		RG_FUZZ_CHECK(mem && n >= 0 && written_len == (size_t)n &&
		              memcmp(written, mem, (size_t)n) == 0);
		xmlFree(mem);
	}
	free(written);
	xmlFreeDoc(doc);
	xmlFreeDoc(l.doc);
	return 0;
}
