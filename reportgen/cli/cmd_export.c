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
	        "  --max-report-size N     refuse a report.xml larger than N bytes (default 1G)\n"
	        "  --key FILE              PEM private key of the signer (if encrypted, the passphrase\n"
	        "                          comes from $REPORTGEN_KEY_PASSPHRASE or --passphrase-file)\n"
	        "  --cert FILE             PEM certificate of the signer\n"
	        "  --chain FILE            PEM intermediate certificates\n"
	        "  --passphrase-file FILE  file holding the key's passphrase\n"
	        "  --no-sign               write the export without a signature (said on stderr)\n"
	        "  --force                 replace FILE (and FILE.sig)\n"
	        "  -h, --help              this text\n\n"
	        "Exit status: 0 written, 2 bad report or usage, 3 environment failure.\n");
}

int rg_cmd_export(int argc, char **argv)
{
	enum { O_KEY = 300, O_CERT, O_CHAIN, O_PASS, O_NOSIGN, O_FORCE, O_CA, O_MAX, O_OSCAL };
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"key", required_argument, NULL, O_KEY},
	    {"cert", required_argument, NULL, O_CERT},
	    {"chain", required_argument, NULL, O_CHAIN},
	    {"passphrase-file", required_argument, NULL, O_PASS},
	    {"no-sign", no_argument, NULL, O_NOSIGN},
	    {"force", no_argument, NULL, O_FORCE},
	    {"ca", required_argument, NULL, O_CA},
	    {"max-report-size", required_argument, NULL, O_MAX},
	    {"oscal-version", required_argument, NULL, O_OSCAL},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rg_signer_options so = {0};
	struct rg_export_options eo = {.oscal_version = RG_OSCAL_VERSION_DEFAULT};
	const char *out = NULL, *ca = NULL;
	bool no_sign = false;
	uint64_t max_report = RG_REPORT_MAX_BYTES;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': help(stdout); return 0;
		case 'o': out = optarg; break;
		case O_KEY: so.key_path = optarg; break;
		case O_CERT: so.cert_path = optarg; break;
		case O_CHAIN: so.chain_path = optarg; break;
		case O_PASS: so.passphrase_file = optarg; break;
		case O_NOSIGN: no_sign = true; break;
		case O_FORCE: eo.force = true; break;
		case O_CA: ca = optarg; break;
		case O_MAX:
			if (!rg_cli_parse_size("--max-report-size", optarg, &max_report))
				return 2;
			break;
		case O_OSCAL:
			eo.oscal_version = optarg;
			break;
		default:
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
	bool any_key = so.key_path || so.cert_path || so.chain_path || so.passphrase_file;
	if (no_sign && any_key)
		return rg_cli_usage_error("export", "--no-sign and signing options exclude each other");
	if (!no_sign && (!so.key_path || !so.cert_path))
		return rg_cli_usage_error("export", "give --key and --cert to sign the export, or "
		                                    "--no-sign to write it unsigned");

	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_signer *signer = NULL;
	struct rg_export_source src;
	rg_status st = RG_OK;
	if (!no_sign) {
		st = rg_generation_time(&so.signing_time_ms, &diags);
		if (st == RG_OK)
			st = rg_signer_load(&signer, &so, &diags);
	}
	if (st == RG_OK)
		st = rg_export_load(&src, report, max_report, ca, &arena, &diags);
	eo.signer = signer;
	if (st == RG_OK)
		st = rg_export_write(&src, &eo, out, &diags);
	rg_cli_print_diags("export", &diags);
	if (st == RG_OK) {
		if (no_sign)
			fprintf(stderr, "reportgen export: --no-sign: the export is NOT signed\n");
		if (signer)
			printf("wrote %s and %s.sig (%s of %s, signed)\n", out, out,
			       rg_export_kind_names[eo.kind], report);
		else
			printf("wrote %s (%s of %s, unsigned)\n", out, rg_export_kind_names[eo.kind],
			       report);
	}
	rg_signer_free(signer);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return (int)st;
}
