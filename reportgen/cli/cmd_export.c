/*
 * cmd_export.c: `reportgen export KIND REPORT.xml -o FILE`: a report.xml as
 * an OSCAL assessment-results document (oscal-ar), an OSCAL POA&M
 * (oscal-poam) or an action plan for a spreadsheet (action-plan), signed
 * with a detached FILE.sig when a key is given.
 *
 * Only options are parsed here; the work is export/export.h's.  Order, so
 * that a failed run writes nothing: options and the signing key first,
 * then the report is read (and with --ca verified), then the export is
 * written and signed in a staging folder and renamed into place.  Exit
 * status: 0 written, 2 bad input or usage, 3 environment.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/signopts.h"
#include "core/arena.h"
#include "core/str.h"
#include "export/export.h"
#include "judge/run.h"
#include "results/report_xml.h"
#include "sign/sign.h"

static void help(FILE *out)
{
	fprintf(out,
	        "usage: reportgen export KIND [OPTIONS] REPORT.xml -o FILE\n\n"
	        "Writes a report.xml in another format, for other tools:\n"
	        "  oscal-ar     OSCAL assessment results (XML): a finding per action, an\n"
	        "               observation per open or late item and per evidence file\n"
	        "  oscal-poam   OSCAL plan of action and milestones (XML): a POA&M item and its\n"
	        "               risk per open or late item, grouped by action\n"
	        "  action-plan  CSV, one row per open or late item, with empty owner, planned\n"
	        "               completion date and justification columns to fill in\n"
	        "With a key, FILE.sig beside FILE is a detached CMS signature (DER) over FILE:\n"
	        "  reportgen verify FILE.sig --ca root.pem\n"
	        "  openssl cms -verify -binary -inform DER -in FILE.sig -content FILE -CAfile root.pem\n"
	        "The same report always exports the same bytes (times are the report's).\n\n"
	        "Options:\n"
	        "  -o, --output FILE       the file to write (FILE.sig beside it when signed)\n"
	        "  --ca FILE               first check REPORT.xml's signature against these trust\n"
	        "                          anchors, and refuse it if it does not verify\n"
	        "  --oscal-version V       the OSCAL version the document declares: 1.0.6\n"
	        "                          (default) or 1.2.1; it validates against both\n"
	        "  --max-report-size N     refuse a report.xml larger than N bytes (default 1G)\n");
	rg_cli_sign_help(out, "the export");
	fprintf(out,
	        "  --force                 replace FILE (and FILE.sig)\n"
	        "  -h, --help              this text\n\n"
	        "Exit status: 0 written, 2 bad report or usage, 3 environment failure.\n");
}

int rg_cmd_export(int argc, char **argv)
{
	enum { O_FORCE = 300, O_CA, O_MAX, O_OSCAL };
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    RG_CLI_SIGN_OPTIONS,
	    {"force", no_argument, NULL, O_FORCE},
	    {"ca", required_argument, NULL, O_CA},
	    {"max-report-size", required_argument, NULL, O_MAX},
	    {"oscal-version", required_argument, NULL, O_OSCAL},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rg_cli_sign sign = {0};
	struct rg_export_options eo = {.oscal_version = RG_OSCAL_VERSION_DEFAULT};
	const char *out = NULL, *ca = NULL;
	uint64_t max_report = RG_REPORT_MAX_BYTES;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': help(stdout); return 0;
		case 'o': out = optarg; break;
		case O_FORCE: eo.force = true; break;
		case O_CA: ca = optarg; break;
		case O_MAX:
			if (!rg_cli_parse_size(optarg, &max_report))
				return rg_cli_usage_error("export", "--max-report-size wants a positive size "
				                          "(suffixes K, M, G), not \"%s\"",
				                          optarg);
			break;
		case O_OSCAL:
			eo.oscal_version = optarg;
			break;
		default:
			if (rg_cli_sign_option(&sign, c, optarg))
				break;
			return rg_cli_usage_error("export", "unknown option (see reportgen export --help)");
		}
	}
	int kind;
	if (optind >= argc)
		return rg_cli_usage_error("export", "give the kind of export: oscal-ar, oscal-poam or "
		                                    "action-plan");
	if (!rg_str_in(argv[optind], rg_export_kind_names, &kind))
		return rg_cli_usage_error("export", "\"%s\" is not a kind of export: give oscal-ar, "
		                                    "oscal-poam or action-plan",
		                          argv[optind]);
	eo.kind = (enum rg_export_kind)kind;
	if (argc - optind != 2)
		return rg_cli_usage_error("export", "give one report.xml to export");
	const char *report = argv[optind + 1];
	int v;
	if (!rg_str_in(eo.oscal_version, rg_oscal_versions, &v))
		return rg_cli_usage_error("export", "--oscal-version is 1.0.6 or 1.2.1, not \"%s\"",
		                          eo.oscal_version);
	if (!out)
		return rg_cli_usage_error("export", "give the file to write with -o FILE");
	if (rg_cli_sign_check(&sign, "export", "the export"))
		return 2;

	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_signer *signer = NULL;
	struct rg_export_source src;
	int64_t now = 0;
	rg_status st = sign.no_sign ? RG_OK : rg_generation_time(&now, &diags);
	if (st == RG_OK)
		st = rg_cli_sign_load(&signer, &sign, now, &diags);
	struct rg_trust *trust = NULL;
	if (st == RG_OK && ca)
		st = rg_trust_load(&trust, &ca, 1, &diags);
	if (st == RG_OK)
		st = rg_export_load(&src, report, max_report, trust, &arena, &diags);
	eo.signer = signer;
	if (st == RG_OK)
		st = rg_export_write(&src, &eo, out, &diags);
	rg_cli_print_diags("export", &diags);
	if (st == RG_OK) {
		if (sign.no_sign)
			fprintf(stderr, "reportgen export: --no-sign: the export is NOT signed\n");
		if (signer)
			printf("wrote %s and %s.sig (%s of %s, signed)\n", out, out,
			       rg_export_kind_names[eo.kind], report);
		else
			printf("wrote %s (%s of %s, unsigned)\n", out, rg_export_kind_names[eo.kind],
			       report);
	}
	rg_signer_free(signer);
	rg_trust_free(trust);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return (int)st;
}
