/*
 * test_pdf.c: report.pdf and summary.pdf, checked with independent tools.
 *
 * Each test renders a hand-built results model (fixture.h) through the
 * public interface (views/pdf.h) into a fresh temporary directory and asks
 * qpdf, pdfinfo, pdftotext, pdffonts and pikepdf (pdfua.py) what a reader
 * would see: a valid file with the PDF/UA-1 structure, the title, the page
 * count, "Tagged: yes", every action with its
 * status, every evidence reference, the bundle digest, a multi-page table
 * with its header on each page and each row once, byte-identical reruns.
 * The template tests cover the error paths of rg_template_load.
 */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/paths.h"
#include "core/str.h"
#include "fixture.h"
#include "views/pdf.h"
#include "views/pdf_doc.h"
#include "views/template.h"

#include <zlib.h>

struct out {
	char dir[64];
	char *report, *summary;
	struct rg_arena arena;
	struct rg_diags diags;
	struct rg_results *r;
};

static rg_status render(struct out *o, enum rg_fx_kind kind, size_t n, const char *tpl,
                        const char *page)
{
	snprintf(o->dir, sizeof o->dir, "/tmp/rg-pdf-test-XXXXXX");
	cr_assert_not_null(mkdtemp(o->dir));
	o->report = rg_asprintf("%s/report.pdf", o->dir);
	o->summary = rg_asprintf("%s/summary.pdf", o->dir);
	rg_arena_init(&o->arena);
	rg_diags_init(&o->diags);
	o->r = rg_fx_build(&o->arena, kind, n);
	cr_assert_not_null(o->r);
	struct rg_template *t = NULL;
	rg_status st = rg_template_load(&t, tpl ? tpl : "default", page, &o->arena, &o->diags);
	if (st != RG_OK)
		return st;
	st = rg_pdf_write_report(o->r, t, NULL, o->report, &o->diags);
	if (st == RG_OK)
		st = rg_pdf_write_summary(o->r, t, NULL, o->summary, &o->diags);
	return st;
}

static void done(struct out *o)
{
	char *cmd = rg_asprintf("rm -rf '%s'", o->dir);
	if (cmd && system(cmd) != 0)
		cr_log_warn("could not remove %s", o->dir);
	free(cmd);
	free(o->report);
	free(o->summary);
	rg_diags_free(&o->diags);
	rg_arena_free(&o->arena);
}

/* Runs a command, returns its standard output (malloc'd); *status gets the
 * exit status. */
static char *run(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *run(int *status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = rg_vasprintf(fmt, ap);
	va_end(ap);
	cr_assert_not_null(cmd);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p, "cannot run %s", cmd);
	struct rg_buf b;
	rg_buf_init(&b, 0);
	char chunk[65536];
	size_t n;
	rg_buf_append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		cr_assert_eq(rg_buf_append(&b, chunk, n), RG_BUF_OK);
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	free(cmd);
	return b.data;
}

static char *text_of(const char *pdf)
{
	int st;
	char *t = run(&st, "%s -layout '%s' -", PDFTOTEXT, pdf);
	cr_assert_eq(st, 0, "pdftotext failed on %s", pdf);
	return t;
}

static int pages_of(const char *pdf)
{
	int st;
	char *info = run(&st, "%s '%s'", PDFINFO, pdf);
	cr_assert_eq(st, 0);
	const char *p = strstr(info, "\nPages:");
	cr_assert_not_null(p, "pdfinfo gives no page count:\n%s", info);
	int n = atoi(p + 7);
	free(info);
	return n;
}

/* Occurrences of s in text that are not followed by a digit (so that
 * findings.csv:5 does not count findings.csv:50). */
static size_t count_token(const char *text, const char *s)
{
	size_t n = 0, len = strlen(s);
	for (const char *p = strstr(text, s); p; p = strstr(p + 1, s))
		if (!(p[len] >= '0' && p[len] <= '9'))
			n++;
	return n;
}

static void assert_valid(const char *pdf, const char *title)
{
	int st;
	char *check = run(&st, "%s --check '%s' 2>&1", QPDF, pdf);
	cr_assert_eq(st, 0, "qpdf --check fails on %s:\n%s", pdf, check);
	free(check);
	char *info = run(&st, "%s '%s'", PDFINFO, pdf);
	cr_assert_eq(st, 0);
	cr_assert(strstr(info, "Tagged:          yes"), "not tagged:\n%s", info);
	char *want = rg_asprintf("Title:           %s\n", title);
	cr_assert(strstr(info, want), "title %s missing:\n%s", title, info);
	cr_assert(strstr(info, "Author:          Example Agency\n"), "no author:\n%s", info);
	cr_assert(strstr(info, "Subject:         Response of Example Agency"), "no subject");
	free(want);
	free(info);
	/* The PDF/UA-1 structure, read with pikepdf and pdfinfo -struct. */
	char *ua = run(&st, "%s %s --pdfinfo %s --qpdf %s '%s' 2>&1", PDF_PYTHON, PDFUA, PDFINFO,
	               QPDF, pdf);
	cr_assert_eq(st, 0, "PDF/UA structure of %s:\n%.3000s", pdf, ua);
	free(ua);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	struct rg_buf b;
	rg_buf_init(&b, 0);
	char chunk[65536];
	size_t k;
	rg_buf_append(&b, "", 0);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		cr_assert_eq(rg_buf_append(&b, chunk, k), RG_BUF_OK);
	fclose(f);
	*n = b.len;
	return b.data;
}

static bool has_bytes(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

Test(pdf, gaps_report_is_valid_tagged_and_titled)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 40, NULL, NULL), RG_OK);
	assert_valid(o.report, "ED-24-02 compliance report: Example Agency");
	assert_valid(o.summary, "ED-24-02 executive summary: Example Agency");
	cr_assert_geq(pages_of(o.report), 4);
	/* Structure elements are written uncompressed by cairo: the tags
	 * screen readers need, the figure's alternative text, the language. */
	size_t n;
	char *raw = slurp(o.report, &n);
	const char *want[] = {"/S /H1", "/S /H2", "/S /P", "/S /Table", "/S /TR", "/S /TH",
	                      "/S /TD", "/S /Figure", "/Alt (Timeline chart", "/Lang (en-US)",
	                      "/MarkInfo << /Marked true >>", "/ID [<"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(has_bytes(raw, n, want[i]), "report.pdf lacks %s", want[i]);
	/* The table of actions links each action to its section. */
	for (size_t k = 0; k < o.r->n_actions; k++) {
		char *link = rg_asprintf("/Dest (act-%s)", o.r->actions[k].id);
		cr_assert(has_bytes(raw, n, link), "no link %s", link);
		free(link);
	}
	free(raw);
	done(&o);
}

Test(pdf, every_action_with_its_status_every_reference_and_the_digest)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 40, NULL, NULL), RG_OK);
	char *text = text_of(o.report);
	static const char *const words[] = {"Not satisfied", "Insufficient evidence",
	                                    "Satisfied late", "Satisfied", "Not applicable"};
	for (size_t k = 0; k < o.r->n_actions; k++) {
		const struct rg_action_result *a = &o.r->actions[k];
		/* The action's section: its heading, then its status line. */
		char *heading = rg_asprintf("%s %s", a->id, a->title);
		/* After the contents and the table of actions, which name
		 * the action too. */
		const char *details = strstr(text, "Actions in detail");
		details = details ? strstr(details + 1, "Actions in detail") : NULL;
		cr_assert_not_null(details, "no \"Actions in detail\" section");
		const char *h = strstr(details, heading);
		cr_assert_not_null(h, "no section \"%s\"", heading);
		char *status = rg_asprintf("%s. items: %zu;", words[a->status], a->n_items);
		const char *s = strstr(h, status);
		cr_assert(s && s - h < 400, "%s: status \"%s\" not under its heading", a->id,
		          status);
		free(heading);
		free(status);
		/* Every item's evidence, file:line, at least once. */
		for (size_t i = 0; i < a->n_items; i++) {
			char ref[300];
			rg_fx_ref(ref, sizeof ref, &a->items[i]);
			cr_assert_geq(count_token(text, ref), 1, "%s: evidence %s missing", a->id,
			              ref);
		}
	}
	cr_assert(strstr(text, o.r->bundle.sha256), "bundle digest missing");
	for (size_t i = 0; i < o.r->n_files; i++)
		cr_assert(strstr(text, o.r->files[i].sha256), "digest of %s missing",
		          o.r->files[i].path);
	cr_assert(strstr(text, "not signed"), "signer block missing");
	cr_assert(strstr(text, "page 1 of "), "no page numbers");
	cr_assert(strstr(text, "svc-mail@exa.gov"), "sign-in observations missing");
	free(text);

	char *sum = text_of(o.summary);
	cr_assert(strstr(sum, o.r->bundle.sha256), "summary: bundle digest missing");
	cr_assert(strstr(sum, "Not compliant"), "summary: overall result missing");
	cr_assert(strstr(sum, "Emails reviewed: 37 of 40"), "summary: counts missing");
	for (size_t k = 0; k < o.r->n_actions; k++)
		cr_assert(strstr(sum, o.r->actions[k].id), "summary: %s missing",
		          o.r->actions[k].id);
	free(sum);
	done(&o);
}

Test(pdf, summary_links_to_each_action_page_of_the_report)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 300, NULL, NULL), RG_OK);
	size_t n;
	char *raw = slurp(o.summary, &n);
	int pst;
	/* The current revision (what readers see) has no placeholder URI left. */
	char *objs = run(&pst, "%s --json --json-key=qpdf '%s'", QPDF, o.summary);
	cr_assert_eq(pst, 0);
	cr_assert_null(strstr(objs, "reportgen-goto:"), "a link was left unconverted");
	cr_assert(strstr(objs, "/GoToR"), "no go-to-remote action");
	free(objs);
	char *text = run(&pst, "%s -layout '%s' -", PDFTOTEXT, o.report);
	/* One link for each action that is not done (the rows of "What must
	 * happen", worst first), to the page of report.pdf holding its
	 * section's heading. */
	const char *p = raw;
	const char *key = "/S /GoToR /F (report.pdf) /D [";
	size_t n_open = 0, n_links = 0;
	for (size_t k = 0; k < o.r->n_actions; k++)
		n_open += rg_verdict_is_open(o.r->actions[k].status);
	cr_assert_gt(n_open, 0);
	for (;;) {
		const char *hit = NULL;
		for (size_t i = (size_t)(p - raw); i + strlen(key) <= n; i++)
			if (memcmp(raw + i, key, strlen(key)) == 0) {
				hit = raw + i;
				break;
			}
		if (!hit)
			break;
		n_links++;
		int page0 = atoi(hit + strlen(key));
		p = hit + 1;
		/* Page page0 (0-based) of report.pdf holds an open action's heading. */
		const char *pg = text;
		for (int i = 0; i < page0 && pg; i++) {
			pg = strchr(pg, '\f');
			pg = pg ? pg + 1 : NULL;
		}
		cr_assert_not_null(pg);
		const char *end = strchr(pg, '\f');
		bool found = false;
		for (size_t k = 0; k < o.r->n_actions && !found; k++) {
			if (!rg_verdict_is_open(o.r->actions[k].status))
				continue;
			char *heading = rg_asprintf("%s %s", o.r->actions[k].id, o.r->actions[k].title);
			const char *h = strstr(pg, heading);
			found = h && (!end || h < end);
			free(heading);
		}
		cr_assert(found, "link %zu goes to page %d, where no open action's section is",
		          n_links, page0 + 1);
	}
	cr_assert_eq(n_links, n_open, "%zu links for %zu actions not done", n_links, n_open);
	free(text);
	free(raw);
	done(&o);
}

Test(pdf, page_numbers_say_n_of_m)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 40, NULL, NULL), RG_OK);
	int pages = pages_of(o.report);
	char *text = text_of(o.report);
	for (int i = 1; i <= pages; i++) {
		char want[64];
		snprintf(want, sizeof want, "page %d of %d", i, pages);
		cr_assert_eq(count_token(text, want), 1, "\"%s\" not exactly once", want);
	}
	free(text);
	done(&o);
}

Test(pdf, bookmarks_for_every_section_and_action)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 40, NULL, NULL), RG_OK);
	int st;
	char *json = run(&st, "%s --json --json-key=outlines '%s'", QPDF, o.report);
	cr_assert_eq(st, 0);
	const char *want[] = {"\"title\": \"Actions\"", "\"title\": \"Response timeline\"",
	                      "\"title\": \"Actions in detail\"", "\"title\": \"Evidence files\"",
	                      "\"title\": \"Signature\""};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(strstr(json, want[i]), "no bookmark %s", want[i]);
	for (size_t k = 0; k < o.r->n_actions; k++) {
		char *t = rg_asprintf("\"title\": \"%s %s\"", o.r->actions[k].id,
		                      o.r->actions[k].title);
		cr_assert(strstr(json, t), "no bookmark %s", t);
		free(t);
	}
	free(json);
	done(&o);
}

Test(pdf, fonts_are_the_bundled_noto_fonts_embedded)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 10, NULL, NULL), RG_OK);
	int st;
	char *fonts = run(&st, "pdffonts '%s'", o.report);
	cr_assert_eq(st, 0);
	char *line = strchr(fonts, '\n');
	line = line ? strchr(line + 1, '\n') : NULL; /* skip the two header lines */
	size_t n = 0;
	for (char *p = line ? line + 1 : NULL; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (*p == '\n')
			continue;
		cr_assert(strncmp(p + 7, "Noto", 4) == 0, "unexpected font: %.60s", p);
		cr_assert(strstr(p, " yes yes "), "font not embedded: %.60s", p);
		n++;
	}
	cr_assert_geq(n, 2);
	free(fonts);
	done(&o);
}

Test(pdf, summary_fits_two_pages_and_says_how_many_more)
{
	struct out o;
	/* 3000 findings, a few hundred of them late or open. */
	cr_assert_eq(render(&o, RG_FX_GAPS, 3000, NULL, NULL), RG_OK);
	assert_valid(o.summary, "ED-24-02 executive summary: Example Agency");
	int pages = pages_of(o.summary);
	cr_assert(pages >= 1 && pages <= 2, "summary has %d pages", pages);
	char *sum = text_of(o.summary);
	/* The summary lists the late and open items of every action, advisory
	 * ones included. */
	size_t late_open = 0;
	for (size_t k = 0; k < o.r->n_actions; k++)
		late_open += rg_action_open(&o.r->actions[k]) + o.r->actions[k].counts[RG_SATISFIED_LATE];
	/* Shown rows plus "and N more" account for every late or open item. */
	size_t shown = 0;
	for (size_t k = 0; k < o.r->n_actions; k++) {
		const struct rg_action_result *a = &o.r->actions[k];
		for (size_t i = 0; i < a->n_items; i++) {
			enum rg_verdict v = a->items[i].status;
			if (v == RG_SATISFIED || v == RG_NOT_APPLICABLE)
				continue;
			char ref[300];
			rg_fx_ref(ref, sizeof ref, &a->items[i]);
			shown += count_token(sum, ref) > 0;
		}
	}
	const char *more = strstr(sum, "and ");
	cr_assert_not_null(more, "no \"and N more\"");
	size_t n_more = 0;
	for (const char *p = strstr(sum, "… and "); p; p = NULL)
		n_more = (size_t)strtoul(p + strlen("… and "), NULL, 10);
	cr_assert_gt(n_more, 0);
	cr_assert_eq(shown + n_more, late_open, "shown %zu + more %zu != %zu", shown, n_more,
	             late_open);
	free(sum);
	done(&o);
}

Test(pdf, large_table_spans_pages_with_header_and_every_row_once, .timeout = 240)
{
	struct out o;
	const size_t n = 3000;
	cr_assert_eq(render(&o, RG_FX_COMPLIANT, n, NULL, NULL), RG_OK);
	assert_valid(o.report, "ED-24-02 compliance report: Example Agency");
	int pages = pages_of(o.report);
	cr_assert_geq(pages, 15, "3000 rows on only %d pages", pages);
	char *text = text_of(o.report);
	/* Every row exactly once. */
	for (size_t i = 0; i < n; i++) {
		char ref[64];
		snprintf(ref, sizeof ref, "findings.csv:%zu", i + 2);
		cr_assert_eq(count_token(text, ref), 1, "%s appears %zu times", ref,
		             count_token(text, ref));
		/* Satisfied items in the compact table show the bare id,
		 * the others "email E-n": either way the id once. */
		snprintf(ref, sizeof ref, "E-%zu", i + 1);
		cr_assert_eq(count_token(text, ref), 1, "%s appears %zu times", ref,
		             count_token(text, ref));
	}
	/* Each page holding rows of the table holds its header row. */
	size_t table_pages = 0;
	for (char *page = text; page && *page;) {
		char *ff = strchr(page, '\f');
		if (ff)
			*ff = '\0';
		if (strstr(page, "findings.csv:")) {
			table_pages++;
			cr_assert(strstr(page, "Evidence") && strstr(page, "Item"),
			          "a page of the table has no header:\n%.400s", page);
		}
		page = ff ? ff + 1 : NULL;
	}
	/* Three satisfied items a line (issue 12): 3000 rows were 82 pages. */
	cr_assert_geq(table_pages, 15);
	free(text);
	done(&o);
}

Test(pdf, two_runs_are_byte_identical)
{
	struct out a, b;
	cr_assert_eq(render(&a, RG_FX_GAPS, 200, NULL, NULL), RG_OK);
	cr_assert_eq(render(&b, RG_FX_GAPS, 200, NULL, NULL), RG_OK);
	int st;
	char *o1 = run(&st, "cmp '%s' '%s'", a.report, b.report);
	cr_assert_eq(st, 0, "report.pdf differs between runs: %s", o1);
	char *o2 = run(&st, "cmp '%s' '%s'", a.summary, b.summary);
	cr_assert_eq(st, 0, "summary.pdf differs between runs: %s", o2);
	free(o1);
	free(o2);
	done(&a);
	done(&b);
}

Test(pdf, two_processes_give_byte_identical_files)
{
	/* Separate processes: nothing (font caches, subset names, hash
	 * seeds, addresses) may leak into the bytes. */
	char d1[] = "/tmp/rg-pdf-repro-XXXXXX", d2[] = "/tmp/rg-pdf-repro-XXXXXX";
	cr_assert_not_null(mkdtemp(d1));
	cr_assert_not_null(mkdtemp(d2));
	int st;
	char *o = run(&st, "%s gaps 300 %s && %s gaps 300 %s && cmp %s/report.pdf %s/report.pdf && "
	                   "cmp %s/summary.pdf %s/summary.pdf 2>&1",
	              RENDER, d1, RENDER, d2, d1, d2, d1, d2);
	cr_assert_eq(st, 0, "differs: %s", o);
	free(o);
	o = run(&st, "rm -rf %s %s", d1, d2);
	free(o);
}

Test(pdf, generation_time_is_the_one_given)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 5, NULL, NULL), RG_OK);
	int st;
	char *info = run(&st, "%s -isodates '%s'", PDFINFO, o.report);
	cr_assert(strstr(info, "CreationDate:    2024-05-02T10:00:00Z"), "%s", info);
	cr_assert(strstr(info, "ModDate:         2024-05-02T10:00:00Z"), "%s", info);
	free(info);
	done(&o);
}

Test(pdf, a4_page_size_option)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 5, NULL, "a4"), RG_OK);
	int st;
	char *info = run(&st, "%s '%s'", PDFINFO, o.report);
	cr_assert(strstr(info, "(A4)"), "%s", info);
	free(info);
	info = run(&st, "%s '%s'", PDFINFO, o.summary);
	cr_assert(strstr(info, "(A4)"), "%s", info);
	free(info);
	done(&o);
}

Test(pdf, not_notified_agency)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_NOT_NOTIFIED, 0, NULL, NULL), RG_OK);
	assert_valid(o.report, "ED-24-02 compliance report: Example Agency");
	char *text = text_of(o.report);
	/* Not "compliant": nothing applied, and the report says why. */
	cr_assert_null(strstr(text, "Compliant: every required action was done on time."));
	cr_assert(strstr(text, "Not notified: no action of ED-24-02 applied"));
	for (size_t k = 0; k < o.r->n_actions; k++) {
		char *want = rg_asprintf("Not applicable. items: %zu;", o.r->actions[k].n_items);
		cr_assert(strstr(text, want), "%s", want);
		free(want);
	}
	free(text);
	done(&o);
}

Test(pdf, signer_block_shows_the_signer)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_COMPLIANT, 3, NULL, NULL), RG_OK);
	struct rg_template *t = NULL;
	cr_assert_eq(rg_template_load(&t, "default", NULL, &o.arena, &o.diags), RG_OK);
	struct rg_pdf_signer s = {"CN=Pat Doe,O=Example Agency", "CN=Example CA", "0a1b2c",
	                          "2024-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 1714644000000LL, false};
	cr_assert_eq(rg_pdf_write_report(o.r, t, &s, o.report, &o.diags), RG_OK);
	char *text = text_of(o.report);
	cr_assert(strstr(text, "CN=Pat Doe,O=Example Agency"));
	cr_assert(strstr(text, "0a1b2c"));
	cr_assert_null(strstr(text, "not signed"));
	free(text);
	done(&o);
}

Test(pdf, hostile_text_is_drawn_not_obeyed)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 3, NULL, NULL), RG_OK);
	struct rg_template *t = NULL;
	cr_assert_eq(rg_template_load(&t, "default", NULL, &o.arena, &o.diags), RG_OK);
	/* Invalid UTF-8, cairo attribute syntax, PDF delimiters, a very long
	 * unbreakable word: all are just text. */
	struct rg_item *it = &o.r->actions[0].items[0];
	it->reason = "bad \xff byte ') dest='x' >> endobj (";
	/* Shown whatever the item's status: satisfied ones show their id only. */
	it->subject_ref = it->reason;
	char *longword = malloc(20001);
	memset(longword, 'W', 20000);
	longword[20000] = '\0';
	o.r->actions[0].items[1].reason = longword;
	cr_assert_eq(rg_pdf_write_report(o.r, t, NULL, o.report, &o.diags), RG_OK);
	assert_valid(o.report, "ED-24-02 compliance report: Example Agency");
	char *text = text_of(o.report);
	cr_assert(strstr(text, "dest='x' >> endobj"), "hostile text not shown as text");
	free(text);
	free(longword);
	done(&o);
}

Test(pdf, a_directive_without_actions_still_renders)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 3, NULL, NULL), RG_OK);
	struct rg_template *t = NULL;
	cr_assert_eq(rg_template_load(&t, "default", NULL, &o.arena, &o.diags), RG_OK);
	o.r->n_actions = 0;
	o.r->bundle = (struct rg_bundle_info){.name = "empty.zip", .agency_id = "EXA",
	                                      .agency_name = "Example Agency"};
	o.r->n_files = 0;
	cr_assert_eq(rg_pdf_write_report(o.r, t, NULL, o.report, &o.diags), RG_OK);
	cr_assert_eq(rg_pdf_write_summary(o.r, t, NULL, o.summary, &o.diags), RG_OK);
	assert_valid(o.report, "ED-24-02 compliance report: Example Agency");
	assert_valid(o.summary, "ED-24-02 executive summary: Example Agency");
	done(&o);
}

Test(pdf, unwritable_path_is_an_environment_failure)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 3, NULL, NULL), RG_OK);
	struct rg_template *t = NULL;
	cr_assert_eq(rg_template_load(&t, "default", NULL, &o.arena, &o.diags), RG_OK);
	size_t before = o.diags.errors;
	cr_assert_eq(rg_pdf_write_report(o.r, t, NULL, "/nonexistent-dir/report.pdf", &o.diags),
	             RG_EENV);
	cr_assert_gt(o.diags.errors, before);
	cr_assert_str_eq(o.diags.v[o.diags.n - 1].code, "pdf.write");
	/* A full disk shows up at write time, not at open. */
	if (access("/dev/full", W_OK) == 0) {
		cr_assert_eq(rg_pdf_write_summary(o.r, t, NULL, "/dev/full", &o.diags), RG_EENV);
		cr_assert_str_eq(o.diags.v[o.diags.n - 1].code, "pdf.write");
	}
	done(&o);
}

/* Writes the default template with one substitution into dir/name. */
static char *edited_template(const char *dir, const char *from, const char *to)
{
	char *src = rg_data_path("templates", "default.xml");
	size_t n;
	char *xml = slurp(src, &n);
	free(src);
	char *at = strstr(xml, from);
	cr_assert_not_null(at, "default.xml has no \"%s\"", from);
	char *path = rg_asprintf("%s/edited.xml", dir);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	fwrite(xml, 1, (size_t)(at - xml), f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	fclose(f);
	free(xml);
	return path;
}

static void assert_template_error(const char *from, const char *to, const char *code)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 1, NULL, NULL), RG_OK);
	char *path = edited_template(o.dir, from, to);
	struct rg_template *t = NULL;
	cr_assert_eq(rg_template_load(&t, path, NULL, &o.arena, &o.diags), RG_EINPUT);
	cr_assert_null(t);
	bool found = false;
	for (size_t i = 0; i < o.diags.n; i++)
		found |= strcmp(o.diags.v[i].code, code) == 0 && o.diags.v[i].line > 0;
	cr_assert(found, "no diagnostic %s with a line number", code);
	free(path);
	done(&o);
}

Test(pdf, machine_fonts_are_never_used)
{
	/* DejaVu Sans is installed on Debian machines but is not in fonts/:
	 * a template naming it must be refused, not silently served. */
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 1, NULL, NULL), RG_OK);
	char *path = edited_template(o.dir, "sans=\"Noto Sans\"", "sans=\"DejaVu Sans\"");
	struct rg_template *t = NULL;
	cr_assert_eq(rg_template_load(&t, path, NULL, &o.arena, &o.diags), RG_OK);
	cr_assert_eq(rg_pdf_write_report(o.r, t, NULL, o.report, &o.diags), RG_EINPUT);
	cr_assert_str_eq(o.diags.v[o.diags.n - 1].code, "pdf.font-missing");
	free(path);
	done(&o);
}

Test(template, missing_text_is_reported)
{
	assert_template_error("<text id=\"col.reason\">Reason</text>", "", "template.text");
}

Test(template, unknown_placeholder_is_reported)
{
	assert_template_error("{agency} · {directive}", "{agencyy} · {directive}",
	                      "template.placeholder");
}

Test(template, bad_colour_and_page_are_reported)
{
	assert_template_error("value=\"#b71c1c\"", "value=\"red\"", "template.colour");
	assert_template_error("size=\"letter\"", "size=\"legal\"", "template.page");
}

Test(template, not_xml_is_reported)
{
	assert_template_error("</template>", "</templat>", "xml.syntax");
}

Test(template, unknown_name_and_page_size_option)
{
	struct rg_arena a;
	struct rg_diags d;
	rg_arena_init(&a);
	rg_diags_init(&d);
	struct rg_template *t = NULL;
	cr_assert_eq(rg_template_load(&t, "no-such-template", NULL, &a, &d), RG_EINPUT);
	cr_assert_str_eq(d.v[0].code, "env.read");
	cr_assert_eq(rg_template_load(&t, "default", "legal", &a, &d), RG_EINPUT);
	cr_assert_eq(rg_template_load(&t, "default", "a4", &a, &d), RG_OK);
	cr_assert_str_eq(t->page_name, "a4");
	rg_diags_free(&d);
	rg_arena_free(&a);
}

/* ------------------------------------------------------------------ */
/* The post-processing pass on hand-made input (cairo's shape, one page) */

/* Writes a one-page PDF whose page content (compressed) is content, with a
 * link annotation into report.pdf when link. */
static void handmade_pdf(const char *path, const char *content, bool link)
{
	uLongf zn = compressBound((uLong)strlen(content));
	unsigned char *z = malloc(zn);
	cr_assert_eq(compress(z, &zn, (const Bytef *)content, (uLong)strlen(content)), Z_OK);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	long off[13] = {0};
	fputs("%PDF-1.5\n%\xb5\xed\xae\xfb\n", f);
	off[4] = ftell(f);
	fputs("4 0 obj\n<< /Length 5 0 R\n   /Filter /FlateDecode\n>>\nstream\n", f);
	fwrite(z, 1, zn, f);
	fputs("\nendstream\nendobj\n", f);
	off[5] = ftell(f);
	fprintf(f, "5 0 obj\n   %lu\nendobj\n", (unsigned long)zn);
	off[6] = ftell(f);
	fputs("6 0 obj\n<< /Type /Annot\n   /Subtype /Link\n   /Rect [ 0 0 10 10 ]\n"
	      "   /A << /Type /Action /S /URI /URI (reportgen-goto:report.pdf#2) >>\n>>\nendobj\n",
	      f);
	off[3] = ftell(f);
	fprintf(f, "3 0 obj\n<< /Type /Page %% 1\n   /Parent 2 0 R\n   /MediaBox [ 0 0 100 100 ]\n"
	           "   /Contents 4 0 R\n   /Resources << >>\n   /StructParents 0\n%s>>\nendobj\n",
	        link ? "   /Annots [ 6 0 R ]\n" : "");
	off[2] = ftell(f);
	fputs("2 0 obj\n<< /Type /Pages\n   /Kids [ 3 0 R ]\n   /Count 1\n>>\nendobj\n", f);
	/* The structure tree cairo writes for a Document holding one P. */
	off[12] = ftell(f);
	fputs("12 0 obj\n[ 11 0 R ]\nendobj\n", f);
	off[11] = ftell(f);
	fputs("11 0 obj\n<< /Type /StructElem\n   /S /P\n   /P 9 0 R\n   /Pg 3 0 R\n   /K 0\n>>\n"
	      "endobj\n", f);
	off[9] = ftell(f);
	fputs("9 0 obj\n<< /Type /StructElem\n   /S /Document\n   /P 8 0 R\n   /K [ 11 0 R ]\n>>\n"
	      "endobj\n", f);
	off[10] = ftell(f);
	fputs("10 0 obj\n<< /Nums [ 0 12 0 R ]\n>>\nendobj\n", f);
	off[8] = ftell(f);
	fputs("8 0 obj\n<< /Type /StructTreeRoot\n   /ParentTree 10 0 R\n   /K [ 9 0 R ]\n>>\n"
	      "endobj\n", f);
	off[1] = ftell(f);
	fputs("1 0 obj\n<< /Type /Catalog\n   /Pages 2 0 R\n   /StructTreeRoot 8 0 R\n>>\nendobj\n",
	      f);
	off[7] = ftell(f);
	fputs("7 0 obj\n<< /Title (hand made) >>\nendobj\n", f);
	long xref = ftell(f);
	fputs("xref\n0 13\n0000000000 65535 f \n", f);
	for (int i = 1; i < 13; i++)
		fprintf(f, "%010ld 00000 n \n", off[i]);
	fprintf(f, "trailer\n<< /Size 13\n   /Root 1 0 R\n   /Info 7 0 R\n>>\nstartxref\n%ld\n%%%%EOF\n",
	        xref);
	fclose(f);
	free(z);
}

static rg_status post(const char *path, size_t n_links, struct rg_diags *diags)
{
	char *alt[] = {(char *)"RA-1 Analyse the exfiltrated correspondence (report.pdf, page 2)"};
	const struct rg_pdf_post info = {.lang = "en-US", .title = "A <title> & more",
	                                 .author = "Agency", .subject = "Subject",
	                                 .date = "2024-05-02T10:00:00Z", .link_alt = alt,
	                                 .n_links = n_links};
	FILE *fp = fopen(path, "r+b");
	cr_assert_not_null(fp);
	rg_status st = rg_pdf_post_process(fp, path, &info, diags);
	fclose(fp);
	return st;
}

Test(post, untagged_drawing_becomes_artifacts_tagged_content_stays)
{
	char dir[] = "/tmp/rg-post-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char *pdf = rg_asprintf("%s/a.pdf", dir), *qdf = rg_asprintf("%s/q.pdf", dir);
	/* A rule, a tagged text whose string looks like marked-content
	 * operators, a box, a footer; cairo's page prologue first. */
	handmade_pdf(pdf,
	             "1 0 0 -1 0 100 cm\nq\n0.5 w 0 0 m 10 10 l S\n"
	             "/P << /MCID 0 >> BDC\nBT\n/f-0-0 1 Tf\n(EMC \\) BDC\\() Tj\nET\nEMC\n"
	             "0 0 5 5 re f\nq 1 0 0 1 0 0 cm BT (footer) Tj ET Q\nQ\n",
	             true);
	struct rg_diags d;
	rg_diags_init(&d);
	cr_assert_eq(post(pdf, 1, &d), RG_OK);
	int st;
	char *out = run(&st, "%s --check '%s' 2>&1", QPDF, pdf);
	cr_assert_eq(st, 0, "%s", out);
	free(out);
	out = run(&st, "%s --qdf --object-streams=disable '%s' '%s' && cat '%s'", QPDF, pdf, qdf, qdf);
	cr_assert_eq(st, 0);
	/* The rule, then the box and the footer (one run, q/Q balanced in it):
	 * two artifacts; the tagged text untouched, its string too. */
	const char *content[] = {
		"q\n0.5 w /Artifact BMC\n0 0 m 10 10 l S\nEMC\n/P << /MCID 0 >> BDC",
		"(EMC \\) BDC\\() Tj\nET\nEMC\n/Artifact BMC\n0 0 5 5 re f\nq 1 0 0 1 0 0 cm BT (footer) Tj "
		"ET Q\nEMC\nQ"};
	for (size_t i = 0; i < sizeof content / sizeof content[0]; i++)
		cr_assert(strstr(out, content[i]), "no \"%s\" in:\n%.4000s", content[i], out);
	free(out);
	/* The dictionaries as the pass writes them. */
	size_t n;
	char *raw = slurp(pdf, &n);
	const char *want[] = {"/Tabs /S", "/DisplayDocTitle true", "/Lang (en-US)",
	                      "/MarkInfo << /Marked true >>", "/Type /Metadata",
	                      "A &lt;title&gt; &amp; more", "<pdfuaid:part>1</pdfuaid:part>",
	                      "/S /GoToR /F (report.pdf) /D [1 /Fit]",
	                      "/Contents (RA-1 Analyse the exfiltrated", "/ID [<"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(has_bytes(raw, n, want[i]), "no \"%s\"", want[i]);
	cr_assert(!has_bytes(raw, n, "reportgen-goto:"));
	/* One revision: the file is rewritten, not updated. */
	cr_assert(!has_bytes(raw, n, "/Prev"));
	free(raw);
	rg_diags_free(&d);
	out = run(&st, "rm -rf '%s'", dir);
	free(out);
	free(pdf);
	free(qdf);
}

/* Input the pass refuses: RG_EENV with a pdf.post diagnostic. */
static void assert_refused(const char *content, bool link, size_t n_links, const char *what)
{
	char dir[] = "/tmp/rg-post-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char *pdf = rg_asprintf("%s/a.pdf", dir);
	if (content)
		handmade_pdf(pdf, content, link);
	else {
		FILE *f = fopen(pdf, "wb");
		cr_assert_not_null(f);
		fputs("not a PDF at all, but long enough to be read as one by a careless reader\n", f);
		fclose(f);
	}
	struct rg_diags d;
	rg_diags_init(&d);
	cr_assert_eq(post(pdf, n_links, &d), RG_EENV, "%s accepted", what);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "pdf.post", "%s: %s", what, d.v[0].code);
	rg_diags_free(&d);
	int st;
	char *out = run(&st, "rm -rf '%s'", dir);
	free(out);
	free(pdf);
}

Test(post, unexpected_input_is_an_environment_failure)
{
	assert_refused(NULL, false, 0, "not a PDF");
	assert_refused("0 0 m 1 1 l S EMC\n", false, 0, "EMC without BDC");
	assert_refused("/P << /MCID 0 >> BDC\n0 0 m 1 1 l S\n", false, 0, "marked content left open");
	assert_refused("BI /W 1 /H 1 /BPC 8 /CS /G ID x EI\n", false, 0, "an inline image");
	assert_refused("BT (unterminated Tj ET\n", false, 0, "an unterminated string");
	assert_refused("0 0 m 1 1 l S\n", true, 0, "a link annotation nobody drew");
	assert_refused("0 0 m 1 1 l S\n", false, 1, "a drawn link without its annotation");
}

/* Issue 12: satisfied items one short line each (three side by side when
 * their ids are short), the others one line when their reason allows.
 * Before, the 3,000-finding gaps fixture's report took 93 pages (Letter,
 * measured with pdf-render-fixture gaps 3000 at commit 908a9e2); it must
 * take at most half. */
Test(pdf, dense_report_takes_half_the_pages_it_did, .timeout = 240)
{
	struct out o;
	cr_assert_eq(render(&o, RG_FX_GAPS, 3000, NULL, NULL), RG_OK);
	int pages = pages_of(o.report);
	cr_assert_leq(pages, 93 / 2, "3000 findings on %d pages (93 before)", pages);
	done(&o);
}
