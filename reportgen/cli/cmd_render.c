/*
 * cmd_render.c: `reportgen render BUNDLE.zip... -o DIR` (judge, then write
 * report.xml, report.pdf and summary.pdf, signed) and `reportgen render
 * --from report.xml -o DIR` (the PDFs again from a results document).
 *
 * Only options are parsed here; the work is the library's: rg_run_judge
 * (bundle -> results), rg_report_xml_read (report.xml -> results) and
 * rg_outputs_write (results -> the signed set in DIR, all or nothing).
 * Order, so that a failed run writes nothing: options, the signing key and
 * the template are checked first, existing reports next (without
 * --force), then the bundle is judged, and only then is anything written.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/signopts.h"
#include "core/arena.h"
#include "core/str.h"
#include "judge/run.h"
#include "output/outputs.h"
#include "results/report_xml.h"
#include "sign/sign.h"
#include "views/pdf.h"

struct render_opts {
	struct rg_run_options run;
	const char *outdir;
	const char *from;      /* --from report.xml, or NULL */
	const char *ca[16];    /* --ca: verify --from's signature first */
	size_t n_ca;
	uint64_t max_report;   /* --max-report-size */
	const struct rg_template *tpl;
	bool force, batch;
	struct rg_cli_sign sign;
	struct rg_signer *signer;
	char **dirs;           /* output folder of each bundle */
	size_t n_dirs;
};

static void help(FILE *out)
{
	fprintf(out,
	        "usage: reportgen render [OPTIONS] BUNDLE.zip... -o DIR\n"
	        "       reportgen render [OPTIONS] --from report.xml -o DIR\n\n"
	        "Judges each bundle and writes DIR/report.xml, DIR/report.pdf (the full report) and\n"
	        "DIR/summary.pdf (the executive summary), each signed.  With several bundles, DIR\n"
	        "holds one folder per bundle, named after the bundle file.  The set in DIR is all\n"
	        "of one run: it is written beside DIR and switched into place when complete.\n"
	        "With --from, report.pdf and summary.pdf are made again from a results document\n"
	        "(a report.xml), without the bundle.\n\n"
	        "Options:\n"
	        "  -o, --output DIR        where the reports go (created if missing)\n"
	        "  --from FILE             render the PDFs from this report.xml\n"
	        "  --ca FILE               with --from: first check report.xml's signature against\n"
	        "                          these trust anchors, and refuse it if it does not verify\n"
	        "  --max-report-size N     with --from: refuse a report.xml larger than N bytes\n"
	        "                          (suffixes K, M, G; default 1G)\n");
	rg_cli_sign_help(out, "the reports");
	fprintf(out,
	        "  --template NAME|FILE    PDF template (default: templates/default.xml)\n"
	        "  --page-size letter|a4   override the template's page size\n"
	        "  --directive FILE        judge against this definition instead of the installed one\n"
	        "  --force                 replace existing reports\n"
	        "  -j, --jobs N            bundles rendered at once (default: the number of CPUs)\n"
	        "  -h, --help              this text\n");
	rg_cli_print_limit_help(out);
	fprintf(out, "\nWith SOURCE_DATE_EPOCH set, the generation and signing time come from it and\n"
	             "the outputs are reproducible.\n"
	             "Exit status: 0 compliant, 1 compliant_late or non_compliant, 2 invalid bundle\n"
	             "or usage, 3 environment failure (unreadable key, unwritable folder).\n");
}

static int render_one(const char *bundle, size_t index, void *ctx, char *summary)
{
	const struct render_opts *o = ctx;
	const char *dir = o->dirs[index];
	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_results *res = NULL;
	rg_status st = rg_outputs_check(dir, RG_VIEWS_ALL, o->force, &diags);
	/* The evidence and the results spill to scratch files beside the
	 * output folder (its own folder may not exist yet): render's memory
	 * stays flat in the number of findings (core/arena.h). */
	struct rg_run_options run = o->run;
	run.spill_near = dir;
	if (st == RG_OK)
		(void)rg_arena_spill(&arena, dir); /* else on the heap */
	if (st == RG_OK)
		st = rg_run_judge(&res, bundle, &run, &arena, &diags);
	struct rg_output_request req = {res, o->tpl, o->signer, RG_VIEWS_ALL, o->force};
	if (st == RG_OK)
		st = rg_outputs_write(&req, dir, &diags);
	rg_cli_print_diags("render", &diags);
	int rc = (int)st;
	if (st == RG_OK) {
		rg_cli_print_table(stdout, res);
		printf("wrote %s/report.xml, %s/report.pdf, %s/summary.pdf%s\n", dir, dir, dir,
		       o->signer ? " (signed)" : " (unsigned)");
		snprintf(summary, 128, "%s", rg_overall_names[res->overall]);
		rc = rg_cli_exit_for(res);
	} else {
		snprintf(summary, 128, "%s", st == RG_EINPUT ? "invalid bundle" : "failed");
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return rc;
}

/* render --from: the PDFs again from a results document, after checking
 * its signature when --ca is given. */
static int render_from(const struct render_opts *o)
{
	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	rg_status st = rg_outputs_check(o->outdir, RG_VIEWS_PDF, o->force, &diags);
	if (st == RG_OK && o->n_ca) {
		struct rg_trust *trust = NULL;
		struct rg_verify_result v;
		st = rg_trust_load(&trust, o->ca, o->n_ca, &diags);
		if (st == RG_OK)
			st = rg_verify_file(&v, o->from, trust, &diags);
		if (st == RG_OK && v.verdict != RG_VERIFY_VALID) {
			rg_diag_err(&diags, "render.from-signature", o->from, 0, NULL,
			            "render from the report.xml as it was signed, or leave out --ca",
			            "its signature does not check out against --ca: %s",
			            v.reason[0] ? v.reason : "not valid");
			st = RG_EINPUT;
		}
		rg_trust_free(trust);
	}
	struct rg_results *res = NULL;
	if (st == RG_OK)
		(void)rg_arena_spill(&arena, o->outdir); /* as render_one's; else the heap */
	if (st == RG_OK)
		st = rg_report_xml_read(&res, o->from, o->max_report, &arena, &diags);
	struct rg_output_request req = {res, o->tpl, o->signer, RG_VIEWS_PDF, o->force};
	if (st == RG_OK)
		st = rg_outputs_write(&req, o->outdir, &diags);
	rg_cli_print_diags("render", &diags);
	int rc = (int)st;
	if (st == RG_OK) {
		rg_cli_print_table(stdout, res);
		printf("wrote %s/report.pdf, %s/summary.pdf from %s%s\n", o->outdir, o->outdir,
		       o->from, o->signer ? " (signed)" : " (unsigned)");
		rc = rg_cli_exit_for(res);
	}
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return rc;
}

/* The folder of each bundle: -o itself for one bundle; for several, one
 * folder per bundle inside it, named after the bundle, all distinct. */
static rg_status plan_dirs(struct render_opts *o, char **bundles, size_t n,
                           struct rg_diags *diags)
{
	o->dirs = calloc(n + 1, sizeof *o->dirs);
	if (!o->dirs)
		return RG_EENV;
	o->n_dirs = n;
	rg_status st = RG_OK;
	for (size_t i = 0; i < n; i++) {
		if (!o->batch) {
			o->dirs[i] = strdup(o->outdir);
			continue;
		}
		char *name = rg_output_dir_name(bundles[i], diags);
		if (!name) {
			st = RG_EINPUT;
			continue;
		}
		o->dirs[i] = rg_asprintf("%s/%s", o->outdir, name);
		free(name);
		for (size_t k = 0; k < i && o->dirs[i]; k++)
			if (o->dirs[k] && strcmp(o->dirs[k], o->dirs[i]) == 0) {
				rg_diag_err(diags, "output.name-clash", bundles[i], 0, NULL,
				            "rename one of the bundle files",
				            "would write its reports into %s, like %s", o->dirs[i], bundles[k]);
				st = RG_EINPUT;
				break;
			}
	}
	return st;
}

int rg_cmd_render(int argc, char **argv)
{
	struct render_opts o = {.max_report = RG_REPORT_MAX_BYTES};
	rg_limits_default(&o.run.limits);
	const char *template_name = "default", *page_size = NULL;
	int jobs = 0;
	enum { O_TEMPLATE = 300, O_PAGE, O_DIRECTIVE, O_FORCE, O_FROM, O_CA, O_MAX_REPORT };
	struct option longopts[24 + 32] = {
	    {"output", required_argument, NULL, 'o'},
	    RG_CLI_SIGN_OPTIONS,
	    {"template", required_argument, NULL, O_TEMPLATE},
	    {"page-size", required_argument, NULL, O_PAGE},
	    {"directive", required_argument, NULL, O_DIRECTIVE},
	    {"force", no_argument, NULL, O_FORCE},
	    {"from", required_argument, NULL, O_FROM},
	    {"ca", required_argument, NULL, O_CA},
	    {"max-report-size", required_argument, NULL, O_MAX_REPORT},
	    {"jobs", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	};
	/* The limit options go after the named ones, however many those are. */
	size_t nopts = 0;
	while (longopts[nopts].name)
		nopts++;
	assert(nopts + rg_limit_count + 1 <= sizeof longopts / sizeof longopts[0]);
	rg_cli_add_limit_options(longopts, nopts);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:j:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		case 'o': o.outdir = optarg; break;
		case O_TEMPLATE: template_name = optarg; break;
		case O_PAGE: page_size = optarg; break;
		case O_DIRECTIVE: o.run.directive_path = optarg; break;
		case O_FORCE: o.force = true; break;
		case O_FROM: o.from = optarg; break;
		case O_CA:
			if (o.n_ca == sizeof o.ca / sizeof o.ca[0])
				return rg_cli_usage_error("render", "at most 16 --ca options");
			o.ca[o.n_ca++] = optarg;
			break;
		case O_MAX_REPORT:
			if (!rg_cli_parse_size(optarg, &o.max_report))
				return rg_cli_usage_error("render", "--max-report-size wants a positive size (suffixes K, M, G), not \"%s\"", optarg);
			break;
		case 'j':
			if (!rg_cli_parse_jobs(optarg, &jobs))
				return rg_cli_usage_error("render", "-j wants a positive number, not \"%s\"", optarg);
			break;
		default:
			if (rg_cli_sign_option(&o.sign, c, optarg))
				break;
			if (c >= RG_CLI_LIMIT_BASE) {
				if (!rg_cli_limit_set(&o.run.limits, c, optarg))
					return 2;
				break;
			}
			return rg_cli_usage_error("render", "unknown option");
		}
	}
	if (o.from && optind < argc)
		return rg_cli_usage_error("render", "--from renders one report.xml; give no bundle with it");
	if (o.from && o.run.directive_path)
		return rg_cli_usage_error("render", "--from takes the verdicts as they are; --directive does not apply");
	if (o.n_ca && !o.from)
		return rg_cli_usage_error("render", "--ca checks the signature of --from's report.xml; give --from");
	if (!o.from && optind >= argc)
		return rg_cli_usage_error("render", "give the bundle to render (a .zip file), or --from report.xml");
	if (!o.outdir)
		return rg_cli_usage_error("render", "give the output folder with -o DIR");
	if (page_size && strcmp(page_size, "letter") != 0 && strcmp(page_size, "a4") != 0)
		return rg_cli_usage_error("render", "--page-size is letter or a4, not \"%s\"", page_size);
	if (rg_cli_sign_check(&o.sign, "render", "the reports"))
		return 2;
	o.batch = argc - optind > 1;

	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	struct rg_template *tpl = NULL;
	rg_status st = rg_generation_time(&o.run.generated_ms, &diags);
	if (st == RG_OK)
		st = rg_template_load(&tpl, template_name, page_size, &arena, &diags);
	o.tpl = tpl;
	if (st == RG_OK)
		st = rg_cli_sign_load(&o.signer, &o.sign, o.run.generated_ms, &diags);
	if (st == RG_OK && !o.from)
		st = plan_dirs(&o, argv + optind, (size_t)(argc - optind), &diags);
	rg_cli_print_diags("render", &diags);
	rg_diags_free(&diags);
	int rc = (int)st;
	if (st == RG_OK) {
		if (o.sign.no_sign)
			fprintf(stderr, "reportgen render: --no-sign: the reports are NOT signed\n");
		if (o.from) {
			rc = render_from(&o);
		} else {
			rg_cli_progress_init(&o.run, o.batch);
			rc = rg_batch_run(argv + optind, (size_t)(argc - optind), jobs, render_one, &o);
		}
	}
	for (size_t i = 0; i < o.n_dirs; i++)
		free(o.dirs[i]);
	free(o.dirs);
	rg_signer_free(o.signer);
	rg_arena_free(&arena);
	return rc;
}
