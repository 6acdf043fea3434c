/*
 * cmd_verify.c: `reportgen verify FILE... [--ca FILE]...`.
 *
 * For each report (PDF or XML) prints one line with the verdict and, when
 * it is not "valid", what failed; then who signed, when, what the
 * signature covers and which anchor it reached.  The checking is
 * sign/verify.c's; this file parses options, loads the trust anchors once
 * (--ca, repeatable, or else the trust store $REPORTGEN_CA names), prints,
 * and turns verdicts into the exit status of docs/cli.md: 0 every
 * file valid, whole and trusted; 1 any signature missing, invalid, partial
 * or untrusted (without anchors no signer is trusted); 2 usage (also
 * anchors that hold no usable certificate); 3 a file or the anchors could
 * not be read.  The worst status over all files wins, and every file is
 * examined even after a bad one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/diag.h"
#include "core/timefmt.h"
#include "sign/sign.h"

#define MAX_CA 64

static void usage(FILE *out)
{
	fputs("usage: reportgen verify FILE... [--ca FILE]... [--tsa-ca FILE]...\n"
	      "       reportgen verify EXPORT.sig [--content EXPORT] [--ca FILE]...\n"
	      "\n"
	      "Checks the signature of each report (report.pdf, summary.pdf, report.xml):\n"
	      "that it is intact, covers every byte of the file, was made with SHA-256 or\n"
	      "stronger by a certificate allowed to sign documents, and that the signer's\n"
	      "chain reaches a trust anchor at the signing time the signature states.\n"
	      "A .pdf must be a PDF and a .xml an XML report; a report.xml must be exactly\n"
	      "what reportgen writes (no comments, no processing instructions, nothing\n"
	      "unsigned inside ds:Signature).  Each refusal names what failed.\n"
	      "A FILE named *.sig is the detached signature of an export, checked over the\n"
	      "file of the same name without .sig, or over --content FILE.\n"
	      "\n"
	      "  --ca FILE   PEM certificates to trust (e.g. samples/pki/root.pem); may be\n"
	      "              repeated; a folder of PEM files also works\n"
	      "  --content FILE  the file a detached signature is for (one FILE.sig only)\n"
	      "  --tsa-ca FILE   PEM certificates of time-stamping authorities to trust: a\n"
	      "              signature's RFC 3161 time-stamp is then checked to them, and its\n"
	      "              time (not the one the signer claims) is when the signer's\n"
	      "              certificate must have been valid; may be repeated\n"
	      "  -h, --help  show this help\n"
	      "\n"
	      "Without --ca, the trust store named by REPORTGEN_CA (a PEM file or a folder)\n"
	      "is used; without either, no signer is trusted.\n"
	      "\n"
	      "A time-stamp over another signature, or one changed, makes the signature\n"
	      "invalid; one whose authority does not chain to --tsa-ca makes it not trusted.\n"
	      "\n"
	      "Exit status: 0 every file valid and its signer trusted; 1 a signature is\n"
	      "missing, invalid, does not cover the whole file, or its signer is not trusted\n"
	      "(also when no trust anchors were given); 2 usage, or trust anchors holding no\n"
	      "usable certificate; 3 a file or the trust anchors cannot be read.\n",
	      out);
}

static const char *verdict_word(enum rg_verify_verdict v)
{
	switch (v) {
	case RG_VERIFY_VALID:
		return "valid";
	case RG_VERIFY_UNTRUSTED:
		return "NOT TRUSTED";
	case RG_VERIFY_PARTIAL:
		return "PARTLY SIGNED";
	case RG_VERIFY_INVALID:
		return "INVALID";
	case RG_VERIFY_UNSIGNED:
		break;
	}
	return "NOT SIGNED";
}

/* Every line carrying text from the file (names, reasons quoting it, the
 * path a user gave) goes through rg_cli_put_line, so it cannot rewrite the
 * terminal. */
/* A trusted time-stamp proves the signature existed at its time, no more.
 * reportgen asks the TSA right after signing, so the claimed time and the
 * trusted one lie seconds apart; beyond this the difference is shown, since
 * a claimed time long before the trusted one is exactly what a backdated
 * report looks like (and one after it, a signer's clock that was wrong). */
#define RG_VERIFY_TIME_GAP_MS (10 * 60 * 1000)

static void print_time_gap(const struct rg_verify_result *r)
{
	struct rg_time claimed, trusted;
	if (!r->tsa_trusted || !r->signing_time[0] || !r->tsa_time[0] || r->time_from_report ||
	    rg_time_parse(&claimed, r->signing_time, strlen(r->signing_time)) != RG_TIME_OK ||
	    rg_time_parse(&trusted, r->tsa_time, strlen(r->tsa_time)) != RG_TIME_OK)
		return;
	int64_t gap = trusted.ms - claimed.ms;
	char dur[RG_DURATION_BUFSZ];
	if (gap > RG_VERIFY_TIME_GAP_MS)
		printf("  time gap:    the claimed time is %s before the trusted time: only the trusted "
		       "time is proven (the signature existed then); the claimed one may be backdated\n",
		       rg_duration_format(dur, gap));
	else if (gap < -RG_VERIFY_TIME_GAP_MS)
		printf("  time gap:    the claimed time is %s after the trusted time, when the signature "
		       "already existed: the signer's clock was wrong\n",
		       rg_duration_format(dur, -gap));
}

static int print_result(const char *path, const struct rg_verify_result *r)
{
	if (r->verdict == RG_VERIFY_VALID)
		rg_cli_put_line(stdout, "%s: valid", path);
	else
		rg_cli_put_line(stdout, "%s: %s: %s", path, verdict_word(r->verdict),
		                r->reason[0] ? r->reason : "the signature could not be checked");
	if (r->verdict == RG_VERIFY_UNSIGNED)
		return 1;
	if (r->subject[0])
		rg_cli_put_line(stdout, "  signer:      %s", r->subject);
	if (r->signing_time[0] && r->time_from_report)
		rg_cli_put_line(
		    stdout, "  generated:   %s (XML-DSig states no signing time; the signed report does)",
		    r->signing_time);
	else if (r->signing_time[0])
		rg_cli_put_line(stdout, "  signed at:   %s (claimed by the signer%s)", r->signing_time,
		                r->pades ? ", PAdES /M" : "");
	/* The TSA's time, beside the claimed one: only a trusted one proves when. */
	if (r->tsa_present && r->tsa_time[0] && r->tsa_trusted)
		rg_cli_put_line(stdout, "  time-stamp:  %s (trusted time, from %s)", r->tsa_time,
		                r->tsa_name);
	else if (r->tsa_present && r->tsa_time[0])
		rg_cli_put_line(stdout, "  time-stamp:  %s (NOT trusted: %s; from %s)", r->tsa_time,
		                r->tsa_note[0] ? r->tsa_note : "see above",
		                r->tsa_name[0] ? r->tsa_name : "an unnamed TSA");
	print_time_gap(r);
	if (r->intact)
		printf("  covers:      %s\n",
		       r->verdict == RG_VERIFY_PARTIAL ? "NOT the whole file" : "the whole file");
	if (r->anchor[0])
		rg_cli_put_line(stdout, "  trusted:     yes, chains to %s", r->anchor);
	else if (r->intact)
		printf("  trusted:     NO\n");
	if (r->note[0] && r->verdict == RG_VERIFY_VALID)
		rg_cli_put_line(stdout, "  note:        %s", r->note);
	return r->verdict == RG_VERIFY_VALID ? 0 : 1;
}

int rg_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"ca", required_argument, NULL, 'c'},
	    {"content", required_argument, NULL, 'C'},
	    {"tsa-ca", required_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *ca[MAX_CA], *tsa_ca[MAX_CA], *content = NULL;
	size_t nca = 0, ntsa = 0;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (nca == MAX_CA) {
				fprintf(stderr, "reportgen verify: more than %d --ca options\n",
				        MAX_CA);
				return 2;
			}
			ca[nca++] = optarg;
			break;
		case 'C':
			content = optarg;
			break;
		case 'T':
			if (ntsa == MAX_CA) {
				fprintf(stderr, "reportgen verify: more than %d --tsa-ca options\n",
				        MAX_CA);
				return 2;
			}
			tsa_ca[ntsa++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "reportgen verify: %s option %s\n",
			        optopt == 'c' || optopt == 'C' || optopt == 'T' ? "missing the FILE of"
			                                                        : "unknown",
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
	const char *env = getenv("REPORTGEN_CA");
	if (nca == 0 && env && *env)
		ca[nca++] = env;

	struct rg_trust *trust = NULL;
	if (nca > 0) {
		struct rg_diags diags;
		rg_diags_init(&diags);
		rg_status st = rg_trust_load(&trust, ca, nca, &diags);
		rg_diags_print(stderr, &diags);
		rg_diags_free(&diags);
		if (st != RG_OK)
			return (int)st;
	}
	if (ntsa > 0) {
		struct rg_diags diags;
		rg_diags_init(&diags);
		rg_status st = rg_trust_load_tsa(&trust, tsa_ca, ntsa, &diags);
		rg_diags_print(stderr, &diags);
		rg_diags_free(&diags);
		if (st != RG_OK) {
			rg_trust_free(trust);
			return (int)st;
		}
	}

	int worst = 0;
	for (int i = optind; i < argc; i++) {
		struct rg_diags diags;
		struct rg_verify_result res;
		rg_diags_init(&diags);
		rg_status st = content || rg_verify_is_detached(argv[i])
		                   ? rg_verify_detached(&res, argv[i], content, trust, &diags)
		                   : rg_verify_file(&res, argv[i], trust, &diags);
		int code;
		if (st == RG_OK) {
			code = print_result(argv[i], &res);
		} else if (st == RG_EENV) {
			rg_diags_print(stderr, &diags);
			code = 3;
		} else {
			/* Not a report verify can read: no signature it can vouch for. */
			rg_cli_put_line(stdout, "%s: NOT VERIFIED: %s", argv[i],
			                diags.n ? diags.v[0].message : "not a report");
			code = 1;
		}
		rg_diags_free(&diags);
		if (code > worst)
			worst = code;
	}
	rg_trust_free(trust);
	return worst;
}
