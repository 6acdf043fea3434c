/*
 * cmd_import.c: `reportgen import signins|audit FILE... -o OUT.csv`.
 *
 * Reads Microsoft's exports (import/import.h; docs/importers.md) into the
 * bundle's signins.csv or audit-events.csv.  Rows stream into a temporary
 * file beside OUT (core/fsout.h) that is renamed into place only when every
 * file was read without an error: bad input leaves nothing behind.  The
 * counts (rows, duplicates removed, what was left out) go to stderr.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/fsout.h"
#include "import/import.h"

#define OPT_MAX_JSON 900

static void help(FILE *out)
{
	fprintf(out,
	        "usage: reportgen import signins [OPTIONS] FILE... -o signins.csv\n"
	        "       reportgen import audit [OPTIONS] FILE... -o audit-events.csv\n\n"
	        "Converts Microsoft's exports into a bundle file.  Each FILE's format is\n"
	        "detected from its content:\n"
	        "  signins: json (Graph signIn pages, one per file or concatenated; JSON Lines\n"
	        "           as the Untitled Goose Tool and diagnostic settings write them),\n"
	        "           log-analytics-csv (the portal's Export to CSV of SigninLogs and\n"
	        "           its sibling tables), entra-csv (the Entra admin center download)\n"
	        "  audit:   json (Graph directoryAudit pages or JSON Lines, unified audit log\n"
	        "           AuditData lines), ual-csv (Purview / Search-UnifiedAuditLog CSV)\n"
	        "Rows keep the record's request id and cite it as FILE:LINE in a source\n"
	        "column; records with a request id already written are dropped (the count\n"
	        "is printed).  audit writes only operations that prove a remediation.\n"
	        "See docs/importers.md.\n\n"
	        "Options:\n"
	        "  -o, --output FILE     the CSV to write (required)\n"
	        "  --format NAME         read every FILE as NAME instead of detecting it\n"
	        "  --force               replace an existing output\n"
	        "  --max-json-size N     one JSON document (a page, a line); default 64M\n"
	        "  --max-line-length N, --max-field-length N\n"
	        "                        CSV record and field limits, read and written\n"
	        "  -h, --help            this text\n"
	        "\nExit status: 0 written, 2 bad input or usage (every problem listed as\n"
	        "FILE:LINE; nothing written), 3 environment failure.\n");
}

int rg_cmd_import(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help(stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "signins") != 0 && strcmp(argv[1], "audit") != 0))
		return rg_cli_usage_error("import", "say what to import: signins or audit");
	enum rg_import_kind kind = strcmp(argv[1], "signins") == 0 ? RG_IMPORT_SIGNINS : RG_IMPORT_AUDIT;
	struct rg_import_options opt;
	rg_import_options_default(&opt, kind);
	const char *output = NULL;
	bool force = false;
	struct option longopts[6 + 16] = {
	    {"output", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'F'},
	    {"force", no_argument, NULL, 'f'},
	    {"max-json-size", required_argument, NULL, OPT_MAX_JSON},
	    {"help", no_argument, NULL, 'h'},
	};
	rg_cli_add_limit_options(longopts, 5);
	argc--;
	argv++;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		case 'o': output = optarg; break;
		case 'f': force = true; break;
		case 'F':
			opt.format = rg_import_format_parse(optarg, kind);
			if (opt.format == RG_IMPORT_FORMAT_COUNT)
				return rg_cli_usage_error(
				    "import", "unknown --format \"%s\" for %s (formats: %s)", optarg,
				    kind == RG_IMPORT_SIGNINS ? "signins" : "audit",
				    kind == RG_IMPORT_SIGNINS ? "json, log-analytics-csv, entra-csv" : "json, ual-csv");
			break;
		case OPT_MAX_JSON:
			if (!rg_cli_parse_size(optarg, &opt.max_json_size))
				return rg_cli_usage_error("import", "--max-json-size: \"%s\" is not a positive size",
				                          optarg);
			break;
		default:
			if (c >= RG_CLI_LIMIT_BASE) {
				if (!rg_cli_limit_set(&opt.limits, c, optarg))
					return 2;
				break;
			}
			return rg_cli_usage_error("import", "unknown option");
		}
	}
	if (optind >= argc)
		return rg_cli_usage_error("import", "give the export files to read");
	if (!output)
		return rg_cli_usage_error("import", "give the file to write with -o %s",
		                          rg_import_output_name(kind));
	struct rg_diags diags;
	rg_diags_init(&diags);
	struct rg_outfile of;
	struct rg_importer *imp = NULL;
	rg_status st = rg_outfile_open(&of, output, force, &diags);
	if (st == RG_OK)
		st = rg_importer_new(&imp, &opt, of.fp, &diags);
	for (int i = optind; i < argc && imp && st != RG_EENV; i++)
		st = rg_status_worst(st, rg_import_file(imp, argv[i]));
	if (st == RG_OK && diags.errors)
		st = RG_EINPUT;
	struct rg_import_stats s = {0};
	if (imp)
		rg_importer_stats(imp, &s);
	rg_importer_free(imp);
	if (st == RG_OK)
		st = rg_outfile_commit(&of, &diags);
	else if (of.tmp_path)
		rg_outfile_abort(&of);
	rg_cli_print_diags("import", &diags);
	if (st == RG_OK) {
		fprintf(stderr, "reportgen import: wrote %s: %" PRIu64 " row%s from %" PRIu64 " file%s (",
		        output, s.records, s.records == 1 ? "" : "s", s.files, s.files == 1 ? "" : "s");
		const char *sep = "";
		for (int f = RG_IMPORT_JSON; f < RG_IMPORT_FORMAT_COUNT; f++)
			if (s.by_format[f]) {
				fprintf(stderr, "%s%s %" PRIu64, sep, rg_import_format_name((enum rg_import_format)f),
				        s.by_format[f]);
				sep = ", ";
			}
		fprintf(stderr, "); %" PRIu64 " duplicate%s removed (request id already written)", s.duplicates,
		        s.duplicates == 1 ? "" : "s");
		if (kind == RG_IMPORT_AUDIT)
			fprintf(stderr, "; %" PRIu64 " record%s of operations that prove no remediation left out",
			        s.other, s.other == 1 ? "" : "s");
		if (s.strings)
			fprintf(stderr, "; %" PRIu64 " bare JSON string%s skipped", s.strings,
			        s.strings == 1 ? "" : "s");
		fprintf(stderr, "\n");
	} else {
		fprintf(stderr, "reportgen import: nothing written\n");
	}
	rg_diags_free(&diags);
	return (int)st;
}
