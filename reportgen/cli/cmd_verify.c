/*
 * cmd_verify.c: `reportgen verify FILE... [--ca FILE]`.
 *
 * For each report (PDF or XML) prints whether its signature is intact, who
 * signed, when, whether it covers the whole file and whether the signer
 * chains to the --ca anchors.  The checking is sign/verify.c's; this file
 * only parses options, prints, and turns verdicts into the exit status of
 * cli-and-reports.md: 0 every file valid, whole and (with --ca) trusted;
 * 1 any signature missing, invalid, partial or untrusted; 2 usage; 3 a file
 * or the anchors could not be read.  The worst status over all files wins,
 * and every file is examined even after a bad one.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "core/diag.h"
#include "sign/sign.h"

static void usage(FILE *out)
{
	fputs("usage: reportgen verify FILE... [--ca FILE]\n"
	      "       reportgen verify EXPORT.sig [--content EXPORT] [--ca FILE]\n"
	      "\n"
	      "Checks the signature of each report (report.pdf, summary.pdf, report.xml):\n"
	      "whether it is intact, who signed it and when, whether it covers the whole\n"
	      "file, and, with --ca, whether the signer chains to those trust anchors.\n"
	      "\n"
	      "A FILE named *.sig is the detached signature of an export, checked over the\n"
	      "file of the same name without .sig, or over --content FILE.\n"
	      "\n"
	      "  --ca FILE   PEM certificates to trust (e.g. samples/pki/root.pem)\n"
	      "  --content FILE  the file a detached signature is for (one FILE.sig only)\n"
	      "  -h, --help  show this help\n"
	      "\n"
	      "Exit status: 0 all valid (and trusted, with --ca); 1 a signature is missing,\n"
	      "invalid, not covering the whole file, or untrusted; 2 usage; 3 unreadable file.\n",
	      out);
}

static int print_result(const char *path, const struct rg_verify_result *r)
{
	bool good = r->signed_ && r->valid && r->covers_whole && (!r->ca_given || r->chain_trusted);
	if (!r->signed_) {
		printf("%s: NOT SIGNED: %s\n", path,
		       r->detail[0] ? r->detail : "no signature found");
		return 1;
	}
	if (!r->valid)
		printf("%s: INVALID: %s\n", path,
		       r->detail[0] ? r->detail : "the signature does not verify");
	else
		printf("%s: %s\n", path, good ? "valid" : "NOT ACCEPTED");
	printf("  signer:      %s\n", r->subject[0] ? r->subject : "(unknown)");
	if (r->time_from_report)
		printf(
		    "  generated:   %s (XML-DSig states no signing time; the signed report does)\n",
		    r->signing_time);
	else
		printf("  signed at:   %s\n",
		       r->signing_time[0] ? r->signing_time : "(not stated)");
	if (r->valid) {
		printf("  covers:      %s\n",
		       r->covers_whole ? "the whole file" : "NOT the whole file");
		if (!r->ca_given)
			printf("  trusted:     not checked (give --ca FILE)\n");
		else
			printf("  trusted:     %s\n",
			       r->chain_trusted ? "yes, chains to --ca" : "NO");
		if (!good && r->detail[0])
			printf("  why:         %s\n", r->detail);
	}
	return good ? 0 : 1;
}

int rg_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"ca", required_argument, NULL, 'c'},
	    {"content", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *ca = NULL, *content = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ca = optarg;
			break;
		case 'C':
			content = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "reportgen verify: %s option %s\n",
			        optopt == 'c' ? "missing the FILE of" : "unknown",
			        argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "reportgen verify: no FILE given\n");
		usage(stderr);
		return 2;
	}
	if (content && argc - optind != 1) {
		fprintf(stderr, "reportgen verify: --content goes with one signature FILE\n");
		return 2;
	}
	if (ca) {
		FILE *f = fopen(ca, "rb");
		if (!f) {
			fprintf(stderr, "error: %s: cannot read the trust anchors given to --ca\n",
			        ca);
			return 3;
		}
		fclose(f);
	}

	int worst = 0;
	for (int i = optind; i < argc; i++) {
		struct rg_diags diags;
		struct rg_verify_result res;
		rg_diags_init(&diags);
		rg_status st = content || rg_verify_is_detached(argv[i])
		                   ? rg_verify_detached(&res, argv[i], content, ca, &diags)
		                   : rg_verify_file(&res, argv[i], ca, &diags);
		int code;
		if (st == RG_OK) {
			code = print_result(argv[i], &res);
		} else {
			rg_diags_print(stderr, &diags);
			/* Not a report at all: it carries no signature. */
			code = st == RG_EENV ? 3 : 1;
			if (st != RG_EENV)
				printf("%s: NOT SIGNED: neither a PDF nor an XML report\n",
				       argv[i]);
		}
		rg_diags_free(&diags);
		if (code > worst)
			worst = code;
	}
	return worst;
}
