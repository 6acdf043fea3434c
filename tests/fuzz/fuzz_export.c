/*
 * fuzz_export.c: libFuzzer target for the exports of a report.xml
 * (export/export.h): every report the reader accepts is a model the OSCAL
 * and CSV writers must take, whatever its strings, times and repeats.
 *
 * Properties: for a report the reader accepts, each export returns RG_OK
 * or RG_EINPUT (a time OSCAL cannot hold, two actions that would be one
 * control), never crashes, and says why when it refuses; an OSCAL document
 * written is well-formed XML whose UUIDs are all distinct; the action plan
 * has no cell that starts a spreadsheet formula.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "core/strmap.h"
#include "export/export.h"
#include "export/export_internal.h"
#include "fuzz_common.h"
#include "results/report_xml.h"

static char *run(rg_status *st, int kind, const struct rg_export_source *src, size_t *len,
                 struct rg_diags *diags)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	RG_FUZZ_CHECK(f != NULL);
	if (kind == 0)
		*st = rg_export_oscal_ar(f, "ar.xml", src, "1.0.6", diags);
	else if (kind == 1)
		*st = rg_export_oscal_poam(f, "poam.xml", src, "1.2.1", diags);
	else
		*st = rg_export_action_plan(f, "plan.csv", src->results, diags);
	fclose(f);
	return buf;
}

/* Every @uuid of the document is distinct. */
static void unique_uuids(xmlNodePtr n, struct rg_strmap *seen)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *u = xmlGetProp(n, (const xmlChar *)"uuid");
		if (u) {
			bool existed = false;
			char *k = strdup((const char *)u);
			RG_FUZZ_CHECK(k && rg_strmap_put(seen, k, strlen(k), k, &existed));
			RG_FUZZ_CHECK(!existed);
			xmlFree(u);
		}
		unique_uuids(n->children, seen);
	}
}

static void check_xml(const char *buf, size_t len)
{
	xmlDocPtr doc = xmlReadMemory(buf, (int)len, "export.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	RG_FUZZ_CHECK(doc != NULL);
	struct rg_strmap seen;
	rg_strmap_init(&seen);
	unique_uuids(xmlDocGetRootElement(doc), &seen);
	for (size_t i = 0; i < seen.cap; i++)
		free(seen.slots[i].value);
	rg_strmap_free(&seen);
	xmlFreeDoc(doc);
}

/* No cell of the CSV starts a formula: each cell opens with a quote,
 * then anything but a formula character. */
static void check_csv(const char *buf, size_t len)
{
	bool in_quotes = false, cell_start = true;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (cell_start) {
			RG_FUZZ_CHECK(c == '"');
			RG_FUZZ_CHECK(i + 1 < len && !rg_csv_is_formula(buf + i + 1));
			cell_start = false;
			in_quotes = true;
			continue;
		}
		if (in_quotes) {
			RG_FUZZ_CHECK(c != '\n' && c != '\r');
			if (c == '"' && i + 1 < len && buf[i + 1] == '"')
				i++;
			else if (c == '"')
				in_quotes = false;
		} else if (c == ',') {
			cell_start = true;
		} else if (c == '\r') {
			RG_FUZZ_CHECK(i + 1 < len && buf[i + 1] == '\n');
			i++;
			cell_start = i + 1 < len;
		} else {
			RG_FUZZ_CHECK(false);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_results *r = NULL;
	if (rg_report_xml_parse(&r, "fuzz.xml", (const char *)data, size, &arena, &diags) == RG_OK) {
		struct rg_export_source src = {.results = r, .name = "report.xml"};
		memset(src.sha256, 'a', RG_SHA256_HEX - 1);
		for (int kind = 0; kind < 3; kind++) {
			size_t errors = diags.errors, len = 0;
			rg_status st;
			char *buf = run(&st, kind, &src, &len, &diags);
			RG_FUZZ_CHECK(st == RG_OK || st == RG_EINPUT);
			if (st == RG_EINPUT)
				RG_FUZZ_CHECK(diags.errors > errors);
			else if (kind < 2)
				check_xml(buf, len);
			else
				check_csv(buf, len);
			free(buf);
		}
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return 0;
}
