/*
 * cmd_rollup.c: `reportgen rollup REPORT.xml... -o DIR --ca FILE`: CISA's
 * view of many agencies, DIR/rollup.pdf and DIR/rollup.csv.
 *
 * Options are parsed here, the work is export/rollup.h's; this file prints
 * what became of each report (counted, superseded by which, rejected and
 * why) and the counts.  Exit status: 0 every report counted or superseded,
 * 1 written but some reports rejected, 2 usage, reports of different
 * directives or definitions, or nothing to count (nothing written), 3
 * environment (the anchors or DIR).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/arena.h"
#include "core/timefmt.h"
#include "export/rollup.h"
#include "results/report_xml.h"
#include "views/pdf.h"

static void help(FILE *out)
{
	fprintf(out,
	        "usage: reportgen rollup [OPTIONS] REPORT.xml... -o DIR --ca FILE\n\n"
	        "Rolls up the signed report.xml of many agencies into DIR/rollup.pdf (an overview\n"
	        "page, then a page per action listing the agencies) and DIR/rollup.csv (a row per\n"
	        "agency and action).  Every report's signature must verify against --ca; one that\n"
	        "does not, or is not a valid report, is rejected, named with the reason, and\n"
	        "counted nowhere.  Of several reports of one agency the newest (by generation\n"
	        "time) counts and the others are superseded.  The reports must be of one\n"
	        "directive and one definition.  Reports are read one at a time: memory stays\n"
	        "flat however many are given.\n\n"
	        "Options:\n"
	        "  -o, --output DIR        where rollup.pdf and rollup.csv go (created if missing)\n"
	        "  --ca FILE               PEM trust anchors the reports' signers must chain to\n"
	        "  --max-report-size N     refuse a report.xml larger than N bytes (default 1G)\n"
	        "  --template NAME|FILE    PDF template for fonts, colours and page size\n"
	        "  --page-size letter|a4   override the template's page size\n"
	        "  --force                 replace an existing rollup.pdf and rollup.csv\n"
	        "  -h, --help              this text\n\n"
	        "Exit status: 0 every report counted or superseded, 1 written but some reports\n"
	        "rejected, 2 bad input or usage (nothing written), 3 environment failure.\n");
}

static void print_reports(const struct rg_rollup *ru)
{
	char t[RG_TIME_BUFSZ];
	for (size_t i = 0; i < ru->n_reports; i++) {
		const struct rg_rollup_report *rep = &ru->reports[i];
		switch (rep->state) {
		case RG_ROLLUP_COUNTED:
			printf("counted     %s: %s, %s, generated %s\n", rep->path, rep->agency_id,
			       rg_overall_names[rep->overall], rg_time_format_utc(t, rep->generated_ms));
			break;
		case RG_ROLLUP_SUPERSEDED:
			printf("superseded  %s: %s, %s\n", rep->path, rep->agency_id, rep->reason);
			break;
		case RG_ROLLUP_REJECTED:
			printf("REJECTED    %s: %s\n", rep->path, rep->reason);
			break;
		}
	}
}

int rg_cmd_rollup(int argc, char **argv)
{
	enum { O_CA = 300, O_MAX, O_TEMPLATE, O_PAGE, O_FORCE };
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"ca", required_argument, NULL, O_CA},
	    {"max-report-size", required_argument, NULL, O_MAX},
	    {"template", required_argument, NULL, O_TEMPLATE},
	    {"page-size", required_argument, NULL, O_PAGE},
	    {"force", no_argument, NULL, O_FORCE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rg_rollup_options opt = {.max_report_bytes = RG_REPORT_MAX_BYTES};
	const char *ca = NULL, *dir = NULL, *template_name = "default", *page_size = NULL;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': help(stdout); return 0;
		case 'o': dir = optarg; break;
		case O_CA: ca = optarg; break;
		case O_MAX:
			if (!rg_cli_parse_size(optarg, &opt.max_report_bytes))
				return rg_cli_usage_error("rollup", "--max-report-size wants a positive size "
				                          "(suffixes K, M, G), not \"%s\"",
				                          optarg);
			break;
		case O_TEMPLATE: template_name = optarg; break;
		case O_PAGE: page_size = optarg; break;
		case O_FORCE: opt.force = true; break;
		default:
			return rg_cli_usage_error("rollup", "unknown option (see reportgen rollup --help)");
		}
	}
	if (optind >= argc)
		return rg_cli_usage_error("rollup", "give the agencies' report.xml files");
	if (!dir)
		return rg_cli_usage_error("rollup", "give the output folder with -o DIR");
	if (!ca)
		return rg_cli_usage_error("rollup", "give the trust anchors with --ca FILE: only "
		                                    "reports whose signature verifies are counted");
	if (page_size && strcmp(page_size, "letter") != 0 && strcmp(page_size, "a4") != 0)
		return rg_cli_usage_error("rollup", "--page-size is letter or a4, not \"%s\"", page_size);

	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_template *tpl = NULL;
	struct rg_rollup *ru = NULL;
	struct rg_trust *trust = NULL;
	rg_status st = rg_trust_load(&trust, &ca, 1, &diags);
	opt.trust = trust;
	if (st == RG_OK)
		st = rg_template_load(&tpl, template_name, page_size, &arena, &diags);
	opt.tpl = tpl;
	if (st == RG_OK)
		st = rg_rollup_run(&ru, (const char *const *)argv + optind, (size_t)(argc - optind),
		                   &opt, dir, &diags);
	if (ru)
		print_reports(ru);
	rg_cli_print_diags("rollup", &diags);
	int rc = (int)st;
	if (st == RG_OK) {
		printf("%zu reports: %zu counted, %zu superseded, %zu rejected\n", ru->n_reports,
		       ru->counted, ru->superseded, ru->rejected);
		printf("agencies: %zu compliant, %zu compliant_late, %zu non_compliant\n",
		       ru->per_overall[RG_COMPLIANT], ru->per_overall[RG_COMPLIANT_LATE],
		       ru->per_overall[RG_NON_COMPLIANT]);
		printf("wrote %s/rollup.pdf, %s/rollup.csv\n", dir, dir);
		rc = ru->rejected ? 1 : 0;
	}
	rg_rollup_free(ru);
	rg_trust_free(trust);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return rc;
}
