/*
 * fuzz_report.c: libFuzzer target for the report.xml reader
 * (results/report_xml.h).  A results document comes from outside: an
 * auditor is handed one, the roll-up reads hundreds, `render --from` and
 * `diff` start from them.
 *
 * Properties: the reader returns RG_OK or RG_EINPUT, never crashes; with
 * RG_EINPUT there is an error; with RG_OK the model keeps the invariants of
 * results.h, and writing it out and reading that back succeeds and gives
 * the same overall result and number of actions and items.
 */
#include <string.h>

#include "fuzz_common.h"
#include "results/report_xml.h"

static size_t total_items(const struct rg_results *r)
{
	size_t n = 0;
	for (size_t k = 0; k < r->n_actions; k++) {
		RG_FUZZ_CHECK(r->actions[k].n_items > 0);
		for (size_t i = 0; i < r->actions[k].n_items; i++)
			RG_FUZZ_CHECK(r->actions[k].items[i].n_evidence > 0);
		n += r->actions[k].n_items;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_results *r = NULL;
	rg_status st = rg_report_xml_parse(&r, "fuzz.xml", (const char *)data, size, &arena, &diags);
	if (getenv("RG_FUZZ_VERBOSE"))
		rg_diags_print(stderr, &diags);
	RG_FUZZ_CHECK(st == RG_OK || st == RG_EINPUT);
	if (st == RG_EINPUT) {
		RG_FUZZ_CHECK(rg_diags_has_errors(&diags) && !r);
	} else {
		size_t items = total_items(r);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		RG_FUZZ_CHECK(f != NULL);
		RG_FUZZ_CHECK(rg_report_xml_write(r, f, "again.xml", &diags) == RG_OK);
		fclose(f);
		struct rg_results *again = NULL;
		rg_status st2 = rg_report_xml_parse(&again, "again.xml", buf, len, &arena, &diags);
		if (st2 != RG_OK)
			rg_diags_print(stderr, &diags);
		RG_FUZZ_CHECK(st2 == RG_OK);
		RG_FUZZ_CHECK(again->overall == r->overall && again->n_actions == r->n_actions &&
		              total_items(again) == items);
		free(buf);
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return 0;
}
