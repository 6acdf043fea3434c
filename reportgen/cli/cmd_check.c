/*
 * cmd_check.c: `reportgen check BUNDLE.zip...`: validate, judge, print the
 * per-action table.  Writes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/arena.h"
#include "judge/run.h"

static void help(FILE *out)
{
	fprintf(out, "usage: reportgen check [OPTIONS] BUNDLE.zip...\n\n"
	             "Validates each evidence bundle, judges it against its directive and prints a\n"
	             "table per action (status, item counts, the worst reason) and the overall\n"
	             "result.  Writes nothing.  Problems with a bundle are listed on standard error\n"
	             "as FILE:LINE: COLUMN: what is wrong (how to fix it).\n\n"
	             "Options:\n"
	             "  --directive FILE   judge against this definition instead of the installed one\n"
	             "  -j, --jobs N       bundles judged at once (default: the number of CPUs)\n"
	             "  -h, --help         this text\n");
	rg_cli_print_limit_help(out);
	fprintf(out, "\nExit status: 0 compliant, 1 compliant_late or non_compliant, 2 invalid bundle\n"
	             "or usage, 3 environment failure; with several bundles, the worst of them.\n");
}

/* Judges one bundle and prints its table (shared shape with render). */
static int check_one(const char *bundle, size_t index, void *ctx, char *summary)
{
	(void)index;
	const struct rg_run_options *opt = ctx;
	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_results *res;
	rg_status st = rg_run_judge(&res, bundle, opt, &arena, &diags);
	rg_cli_print_diags("check", &diags);
	int rc;
	if (st != RG_OK) {
		snprintf(summary, 128, "%s", st == RG_EINPUT ? "invalid bundle" : "failed");
		rc = (int)st;
	} else {
		rg_cli_print_table(stdout, res);
		snprintf(summary, 128, "%s", rg_overall_names[res->overall]);
		rc = rg_cli_exit_for(res);
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return rc;
}

int rg_cmd_check(int argc, char **argv)
{
	struct rg_run_options opt = {0};
	rg_limits_default(&opt.limits);
	int jobs = 0;
	struct option longopts[16 + 32] = {
	    {"directive", required_argument, NULL, 'd'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	};
	rg_cli_add_limit_options(longopts, 3);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		case 'd':
			opt.directive_path = optarg;
			break;
		case 'j':
			if (!rg_cli_parse_jobs(optarg, &jobs))
				return rg_cli_usage_error("check", "-j wants a positive number, not \"%s\"", optarg);
			break;
		default:
			if (c >= RG_CLI_LIMIT_BASE) {
				if (!rg_cli_limit_set(&opt.limits, c, optarg))
					return 2;
				break;
			}
			return rg_cli_usage_error("check", "unknown option");
		}
	}
	if (optind >= argc)
		return rg_cli_usage_error("check", "give the bundle to check (a .zip file)");
	struct rg_diags diags;
	rg_diags_init(&diags);
	if (rg_generation_time(&opt.generated_ms, &diags) != RG_OK) {
		rg_cli_print_diags("check", &diags);
		rg_diags_free(&diags);
		return 2;
	}
	rg_diags_free(&diags);
	rg_cli_progress_init(&opt, argc - optind > 1);
	return rg_batch_run(argv + optind, (size_t)(argc - optind), jobs, check_one, &opt);
}
