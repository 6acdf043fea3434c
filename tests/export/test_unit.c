/*
 * test_unit.c: the rules of the export stage that a document only shows
 * indirectly: version 5 UUIDs (against Python's uuid.uuid5) and the CSV
 * cell (quoting, formula neutralisation, control characters).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "export/export_internal.h"

/* uuid.NAMESPACE_DNS */
static const unsigned char ns_dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                         0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
/* uuid.NAMESPACE_URL */
static const unsigned char ns_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                         0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

static char *uuid(const unsigned char ns[16], const char *name)
{
	static char buf[RG_UUID_BUFSZ];
	cr_assert(rg_uuid_v5(buf, ns, name, strlen(name)));
	return buf;
}

Test(uuid, matches_python_uuid5)
{
	/* python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"))' */
	cr_assert_str_eq(uuid(ns_dns, "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	cr_assert_str_eq(uuid(ns_url, "urn:reportgen:oscal:1"),
	                 "e5580dc0-29fd-5e4b-a7ea-2017ab6615a5");
	cr_assert_str_eq(uuid(rg_oscal_uuid_ns, "test"), "aa453e68-5b90-5566-b89b-a6dd4f1c624e");
}

Test(uuid, namespace_constant_is_the_documented_one)
{
	char bytes[RG_UUID_BUFSZ];
	cr_assert(rg_uuid_v5(bytes, ns_url, "urn:reportgen:oscal:1", 21));
	char mine[RG_UUID_BUFSZ];
	const unsigned char *n = rg_oscal_uuid_ns;
	snprintf(mine, sizeof mine,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", n[0], n[1],
	         n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], n[11], n[12], n[13], n[14],
	         n[15]);
	cr_assert_str_eq(mine, bytes);
}

Test(uuid, version_and_variant_bits)
{
	for (int i = 0; i < 200; i++) {
		char name[32];
		snprintf(name, sizeof name, "n%d", i);
		const char *u = uuid(rg_oscal_uuid_ns, name);
		cr_assert_eq(strlen(u), 36);
		cr_assert_eq(u[14], '5', "%s", u);
		cr_assert(strchr("89ab", u[19]), "%s", u);
	}
}

/* One row of cells written through the CSV writer, as a string. */
static char *row(const char *const *cells, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rg_csv w = {.f = f};
	rg_csv_row(&w, cells, n);
	cr_assert(!w.fail);
	fclose(f);
	return buf;
}

Test(csv, every_cell_quoted_quotes_doubled_crlf)
{
	const char *cells[] = {"a", "b,c", "say \"hi\"", NULL, ""};
	char *s = row(cells, 5);
	cr_assert_str_eq(s, "\"a\",\"b,c\",\"say \"\"hi\"\"\",\"\",\"\"\r\n");
	free(s);
}

Test(csv, formula_starts_get_an_apostrophe)
{
	const char *starts[] = {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx",
	                        "\xef\xbc\x9d" "1", "\xef\xbc\x8b" "1", "\xef\xbc\x8d" "1",
	                        "\xef\xbc\xa0" "x"};
	for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
		cr_assert(rg_csv_is_formula(starts[i]), "%zu", i);
		char *s = row(&starts[i], 1);
		cr_assert_eq(s[1], '\'', "cell %zu: %s", i, s);
		free(s);
	}
	const char *plain[] = {"a=1", " =1", "1-2", "", "'=x", "\xef\xbc\x91"};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		cr_assert(!rg_csv_is_formula(plain[i]), "%zu", i);
	cr_assert(!rg_csv_is_formula(NULL));
}

Test(csv, control_characters_become_spaces)
{
	const char *cells[] = {"a\nb\r\nc\td\x01" "e", "=x\ny"};
	char *s = row(cells, 2);
	cr_assert_str_eq(s, "\"a b  c d e\",\"'=x y\"\r\n");
	free(s);
}
