/*
 * test_core_xml.c: reading an XML document a piece at a time (core/xml.h).
 *
 * Signing reads report.xml through rg_xml_reader_file, never whole, so the
 * checks made before libxml2 sees a byte (no declaration; for signing, no
 * CDATA section) run on each piece as it passes.  A pattern split across
 * two pieces must be found as surely as one inside a piece, on the line a
 * reader of the whole file would name: every split is tried here, down to
 * pieces of one byte.
 */
#define _GNU_SOURCE /* memmem, fopencookie */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/xml.h"

static const char *find_cdata(const char *s, size_t n)
{
	return memmem(s, n, "<![CDATA[", 9);
}

/* The line rg_xml_piece_find gives for text fed in pieces of `size`. */
static unsigned long line_in_pieces(const char *text, size_t size)
{
	struct rg_xml_pieces scan = {0};
	size_t n = strlen(text);
	for (size_t at = 0; at < n; at += size) {
		unsigned long line =
		    rg_xml_piece_find(&scan, text + at, n - at < size ? n - at : size, find_cdata, 8);
		if (line)
			return line;
	}
	return 0;
}

Test(xml_pieces, a_match_is_found_on_its_line_whatever_the_pieces)
{
	const char *texts[] = {
	    "<r>\n<a/>\n<b><![CDATA[x]]></b>\n</r>\n",
	    "<![CDATA[",                                /* the pattern alone */
	    "\n\n\n<r><![CDAT\n<![CDATA[]]></r>",       /* a near miss first */
	    "<r>\n<![CDATA[a]]>\n<![CDATA[b]]></r>",    /* the first of two */
	};
	for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
		const char *at = find_cdata(texts[t], strlen(texts[t]));
		unsigned long want = rg_xml_line_at(texts[t], at);
		for (size_t size = 1; size <= strlen(texts[t]); size++)
			cr_assert_eq(line_in_pieces(texts[t], size), want, "text %zu in pieces of %zu", t,
			             size);
	}
	for (size_t size = 1; size < 12; size++)
		cr_assert_eq(line_in_pieces("<r><![CDAT[A[ ]]></r>\n<!-- <![CDATA -->", size), 0);
}

/* A FILE that hands out one byte per read: every boundary a piece can
 * have. */
static ssize_t one_byte(void *cookie, char *buf, size_t size)
{
	const char **p = cookie;
	if (!**p || !size)
		return 0;
	buf[0] = *(*p)++;
	return 1;
}

/* Reads the document through rg_xml_reader_file; the diagnostics. */
static int read_all(const char *doc, struct rg_diags *d)
{
	const char *cursor = doc;
	FILE *in = fopencookie(&cursor, "rb", (cookie_io_functions_t){.read = one_byte});
	cr_assert_not_null(in);
	setvbuf(in, NULL, _IONBF, 0);
	struct rg_xml_errors errors = {.diags = d};
	xmlTextReaderPtr r = rg_xml_reader_file("t.xml", in, &errors);
	int ret = -1;
	if (r) {
		while ((ret = xmlTextReaderRead(r)) == 1)
			;
		rg_xml_reader_free(r);
	}
	fclose(in);
	return ret == 0 && !errors.count ? 0 : -1;
}

Test(xml_pieces, the_reader_refuses_a_declaration_wherever_it_stands)
{
	struct rg_diags d;
	rg_diags_init(&d);
	cr_assert_eq(read_all("<?xml version=\"1.0\"?>\n<r>\n<a x=\"1\"/>\n</r>\n", &d), 0);
	cr_assert_eq(d.n, 0);
	rg_diags_free(&d);

	rg_diags_init(&d);
	cr_assert_eq(read_all("<?xml version=\"1.0\"?>\n<r>\n<a/>\n<!ENTITY e \"x\">\n</r>\n", &d), -1);
	/* One diagnostic: libxml2's complaint about the stopped input is not
	 * passed on. */
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "xml.doctype");
	cr_assert_eq(d.v[0].line, 4);
	rg_diags_free(&d);

	rg_diags_init(&d);
	cr_assert_eq(read_all("<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>", &d), -1);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "xml.doctype");
	cr_assert_eq(d.v[0].line, 1);
	rg_diags_free(&d);

	rg_diags_init(&d);
	cr_assert_eq(read_all("<r>\n<a>\n</r>\n", &d), -1);
	cr_assert_geq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "xml.syntax");
	rg_diags_free(&d);
}
