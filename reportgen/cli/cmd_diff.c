/*
 * cmd_diff.c: `reportgen diff OLD.xml NEW.xml`: what changed between two
 * submissions of the same agency and directive.
 *
 * Reads both results documents (results/report_xml.h), compares them
 * (results/diff.h) and prints the changes as a table, or with --format xml
 * as a document for machines.  Exit status: 0 nothing got worse, 1
 * something regressed, 2 bad input (unreadable report, or two agencies or
 * directives without --force), 3 environment.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/arena.h"
#include "results/diff.h"
#include "results/report_xml.h"

static void help(FILE *out)
{
	fputs("usage: reportgen diff [--format text|xml] [--force] OLD.xml NEW.xml\n\n"
	      "Compares two report.xml files of the same agency and directive, say April's and\n"
	      "May's submission: the overall result and each action's status, the items that\n"
	      "became satisfied, late or open, that appeared or disappeared (matched by action\n"
	      "and subject, not by row), the evidence files added, removed or changed (by\n"
	      "SHA-256), and the directive definition.\n\n"
	      "  --format xml   write the changes as XML (templates/diff.xsd) on standard output\n"
	      "  --force        compare reports of different agencies or directives anyway\n"
	      "  --max-report-size N  refuse a report.xml larger than N bytes (default 1G)\n"
	      "  -h, --help     this text\n\n"
	      "Exit status: 0 nothing got worse, 1 something regressed, 2 bad input or usage,\n"
	      "3 environment failure.\n",
	      out);
}

static char *subject_of(const struct rg_change *c)
{
	const struct rg_item *it = c->new_item ? c->new_item : c->old_item;
	return it ? rg_item_subject(it) : NULL;
}

static const char *const words[RG_CH_COUNT] = {
    [RG_CH_DIRECTIVE] = "definition changed", [RG_CH_OVERALL] = "overall",
    [RG_CH_ACTION_STATUS] = "action status",   [RG_CH_ACTION_ADDED] = "action added",
    [RG_CH_ACTION_REMOVED] = "action removed", [RG_CH_ITEM_SATISFIED] = "became satisfied",
    [RG_CH_ITEM_LATE] = "became late",         [RG_CH_ITEM_OPEN] = "newly open",
    [RG_CH_ITEM_STATUS] = "status changed",    [RG_CH_ITEM_APPEARED] = "appeared",
    [RG_CH_ITEM_DISAPPEARED] = "disappeared",  [RG_CH_FILE_ADDED] = "file added",
    [RG_CH_FILE_REMOVED] = "file removed",     [RG_CH_FILE_CHANGED] = "file changed",
};

static void print_text(const struct rg_diff *d, const char *old_name, const char *new_name)
{
	char t1[RG_TIME_BUFSZ], t2[RG_TIME_BUFSZ];
	rg_cli_put_line(stdout, "old: %s (generated %s, %s)", old_name,
	                rg_time_format_utc(t1, d->old->generated_ms), rg_overall_names[d->old->overall]);
	rg_cli_put_line(stdout, "new: %s (generated %s, %s)", new_name,
	                rg_time_format_utc(t2, d->new->generated_ms), rg_overall_names[d->new->overall]);
	rg_cli_put_line(stdout, "agency %s, directive %s",
	                d->new->bundle.agency_id ? d->new->bundle.agency_id : "",
	                d->new->directive.id ? d->new->directive.id : "");
	putchar('\n');
	if (d->n == 0) {
		printf("no changes\n");
		return;
	}
	printf("%-9s %-18s %-40s %s\n", "ACTION", "CHANGE", "ITEM OR FILE", "OLD -> NEW");
	size_t regressions = 0;
	for (size_t k = 0; k < d->n; k++) {
		const struct rg_change *c = &d->changes[k];
		char *subject = subject_of(c);
		const char *what = c->path ? c->path : subject ? subject : "";
		/* Digests shortened for the table; --format xml has them whole. */
		int w = c->path ? 16 : 200;
		rg_cli_put_line(stdout, "%-9s %-18s %-40s %.*s -> %.*s%s", c->action ? c->action : "-",
		                words[c->kind], what, w, c->old_value ? c->old_value : "(none)", w,
		                c->new_value ? c->new_value : "(none)", c->regression ? "   REGRESSION" : "");
		regressions += c->regression;
		free(subject);
	}
	printf("\n%zu change%s, %zu regression%s\n", d->n, d->n == 1 ? "" : "s", regressions,
	       regressions == 1 ? "" : "s");
}

int rg_cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"force", no_argument, NULL, 'F'},
	    {"max-report-size", required_argument, NULL, 'm'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool xml = false, force = false;
	uint64_t max_report = RG_REPORT_MAX_BYTES;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "xml") != 0 && strcmp(optarg, "text") != 0)
				return rg_cli_usage_error("diff", "--format is text or xml, not \"%s\"", optarg);
			xml = strcmp(optarg, "xml") == 0;
			break;
		case 'F':
			force = true;
			break;
		case 'm':
			if (!rg_cli_parse_size(optarg, &max_report))
				return rg_cli_usage_error("diff", "--max-report-size wants a positive size (suffixes K, M, G), not \"%s\"", optarg);
			break;
		case 'h':
			help(stdout);
			return 0;
		default:
			return rg_cli_usage_error("diff", "unknown option");
		}
	}
	if (argc - optind != 2)
		return rg_cli_usage_error("diff", "give two report.xml files: OLD.xml NEW.xml");
	const char *old_name = argv[optind], *new_name = argv[optind + 1];
	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_results *old = NULL, *new = NULL;
	rg_status st = rg_report_xml_read(&old, old_name, max_report, &arena, &diags);
	st = rg_status_worst(st, rg_report_xml_read(&new, new_name, max_report, &arena, &diags));
	struct rg_diff d;
	if (st == RG_OK)
		st = rg_results_diff(&d, old, new, force, old_name, new_name, &arena, &diags);
	if (st == RG_OK && xml)
		st = rg_diff_write_xml(stdout, &d, old_name, new_name, &diags);
	else if (st == RG_OK)
		print_text(&d, old_name, new_name);
	rg_cli_print_diags("diff", &diags);
	int rc = st != RG_OK ? (int)st : d.regressed ? 1 : 0;
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return rc;
}
