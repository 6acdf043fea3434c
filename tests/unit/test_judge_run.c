/*
 * test_judge_run.c: rg_run_judge's results outlive the evidence.
 *
 * rg_run_judge reads the bundle into an arena of its own and frees it
 * before it returns (judge/run.c), so that the views are drawn beside the
 * results alone.  Anything of the results still pointing into the freed
 * evidence (a subject, an account, the agency's name, a member path)
 * would read memory that the next allocations reuse.  So: write report.xml
 * from the results, churn the heap with allocations of the sizes the
 * evidence arena used, each filled with a byte no report contains, and
 * write report.xml again.  The two must be the same bytes.  (The sanitizer
 * run of CI catches such a read at once; this test catches it in every
 * build.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/run.h"
#include "results/report_xml.h"
#include "rg_config.h"

static char *write_xml(const struct rg_results *res, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	cr_assert_not_null(f);
	struct rg_diags d;
	rg_diags_init(&d);
	cr_assert_eq(rg_report_xml_write(res, f, "report.xml", &d), RG_OK);
	rg_diags_free(&d);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* Allocations of every size from 16 bytes to 1 MiB, filled with 0xA5
 * (not UTF-8 on its own: report.xml can never hold it), kept alive while
 * the second report.xml is written. */
static void **churn(size_t *n)
{
	size_t cap = 4096, k = 0;
	void **v = calloc(cap, sizeof *v);
	cr_assert_not_null(v);
	for (size_t size = 16; size <= ((size_t)1 << 20) && k < cap; size = size * 5 / 4 + 8)
		for (int copies = 0; copies < 24 && k < cap; copies++) {
			v[k] = malloc(size);
			cr_assert_not_null(v[k]);
			memset(v[k++], 0xA5, size);
		}
	*n = k;
	return v;
}

Test(judge_run, results_hold_no_pointer_into_the_freed_evidence)
{
	const char *samples[] = {"large.zip", "gaps.zip", "late-remediation.zip", "not-notified.zip"};
	for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/samples/%s", RG_BUILD_ROOT, samples[s]);
		struct rg_run_options opt = {0};
		rg_limits_default(&opt.limits);
		opt.generated_ms = 1733000000000LL;
		struct rg_arena arena;
		rg_arena_init(&arena);
		struct rg_diags diags;
		rg_diags_init(&diags);
		struct rg_results *res = NULL;
		cr_assert_eq(rg_run_judge(&res, path, &opt, &arena, &diags), RG_OK,
		             "%s: the sample must judge (%zu diagnostics)", samples[s], diags.n);
		size_t len1, len2, n;
		char *first = write_xml(res, &len1);
		cr_assert(memchr(first, 0xA5, len1) == NULL);
		void **blocks = churn(&n);
		char *second = write_xml(res, &len2);
		cr_expect(len1 == len2 && memcmp(first, second, len1) == 0,
		          "%s: report.xml changed once the heap was reused: the results point "
		          "into the freed evidence",
		          samples[s]);
		/* And what it says is the bundle's, not an empty shell. */
		cr_expect_str_eq(res->bundle.name, samples[s]);
		cr_expect_gt(res->n_files, 1);
		for (size_t k = 0; k < n; k++)
			free(blocks[k]);
		free(blocks);
		free(first);
		free(second);
		rg_diags_free(&diags);
		rg_arena_free(&arena);
	}
}
