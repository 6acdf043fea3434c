/*
 * cmd_render.c: `reportgen render BUNDLE.zip... -o DIR`: judge, then write
 * report.xml, report.pdf and summary.pdf, signed.
 *
 * Order of work, so that a failed run writes nothing: options and the
 * signing key are checked first; then the bundle is judged; only then is
 * DIR created and the three reports written to temporaries in it, signed,
 * and renamed into place together at the end.  Without --force an existing
 * report is never replaced (checked up front and again, atomically, at the
 * rename).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "core/arena.h"
#include "core/fsout.h"
#include "core/str.h"
#include "judge/run.h"
#include "sign/sign.h"
#include "views/pdf.h"
#include "views/xml_report.h"

static const char *const outputs[] = {"report.xml", "report.pdf", "summary.pdf"};
#define N_OUTPUTS 3

struct render_opts {
	struct rg_run_options run;
	const char *outdir;
	const char *template_name;
	const char *page_size;
	bool force, no_sign, batch;
	struct rg_signer_options sign;
	struct rg_signer *signer;
};

static void help(FILE *out)
{
	fprintf(out,
	        "usage: reportgen render [OPTIONS] BUNDLE.zip... -o DIR\n\n"
	        "Judges each bundle and writes DIR/report.xml, DIR/report.pdf (the full report) and\n"
	        "DIR/summary.pdf (the executive summary), each signed.  With several bundles, DIR\n"
	        "holds one folder per bundle, named after the bundle file.\n\n"
	        "Options:\n"
	        "  -o, --output DIR        where the reports go (created if missing)\n"
	        "  --key FILE              PEM private key of the signer (if encrypted, the passphrase\n"
	        "                          comes from $REPORTGEN_KEY_PASSPHRASE or --passphrase-file)\n"
	        "  --cert FILE             PEM certificate of the signer\n"
	        "  --chain FILE            PEM intermediate certificates\n"
	        "  --passphrase-file FILE  file holding the key's passphrase\n"
	        "  --no-sign               write unsigned reports (said on standard error)\n"
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

static char *out_dir_for(const struct render_opts *o, const char *bundle)
{
	if (!o->batch)
		return strdup(o->outdir);
	const char *base = strrchr(bundle, '/');
	base = base ? base + 1 : bundle;
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".zip") == 0)
		n -= 4;
	return rg_asprintf("%s/%.*s", o->outdir, (int)n, base);
}

/* mkdir -p: the output folder and any missing parents. */
static rg_status ensure_dir(const char *dir, struct rg_diags *diags)
{
	char *path = strdup(dir);
	int err = path ? 0 : ENOMEM;
	for (char *p = path ? path + 1 : NULL; p && !err; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			err = errno;
		*p = saved;
		if (!saved)
			break;
	}
	struct stat st;
	if (!err && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
		err = ENOTDIR;
	free(path);
	if (!err)
		return RG_OK;
	rg_diag_err(diags, "output.dir", dir, 0, NULL, "give -o a folder that can be created",
	            "cannot be used as the output folder: %s", strerror(err));
	return RG_EENV;
}

/* Writes the three reports to temporaries, signs them, renames them. */
static rg_status write_reports(const struct render_opts *o, const struct rg_results *res,
                               const char *dir, struct rg_arena *arena, struct rg_diags *diags)
{
	char *final[N_OUTPUTS] = {0}, *tmp[N_OUTPUTS] = {0};
	rg_status st = RG_OK;
	struct rg_template *tpl = NULL;
	st = rg_template_load(&tpl, o->template_name, o->page_size, arena, diags);
	if (st != RG_OK)
		return st;
	if ((st = ensure_dir(dir, diags)) != RG_OK)
		return st;
	for (int k = 0; k < N_OUTPUTS && st == RG_OK; k++) {
		final[k] = rg_asprintf("%s/%s", dir, outputs[k]);
		if (!final[k] || !(tmp[k] = rg_tmp_path_for(final[k]))) {
			rg_diag_err(diags, "output.create", dir, 0, NULL, "check the folder's permissions",
			            "cannot create a temporary file: %s", strerror(errno));
			st = RG_EENV;
		}
	}
	if (st == RG_OK) {
		FILE *f = fopen(tmp[0], "wb");
		if (!f) {
			rg_diag_err(diags, "output.create", final[0], 0, NULL, NULL, "cannot write: %s",
			            strerror(errno));
			st = RG_EENV;
		} else {
			st = rg_xml_report_write(res, f, diags);
			if (fclose(f) != 0 && st == RG_OK) {
				rg_diag_err(diags, "output.write", final[0], 0, NULL, "check free space",
				            "cannot write: %s", strerror(errno));
				st = RG_EENV;
			}
		}
	}
	const struct rg_pdf_signer *who = o->signer ? rg_signer_info(o->signer) : NULL;
	if (st == RG_OK)
		st = rg_pdf_write_both(res, tpl, who, tmp[1], tmp[2], diags);
	if (st == RG_OK && o->signer) {
		st = rg_sign_xml(o->signer, tmp[0], diags);
		if (st == RG_OK)
			st = rg_sign_pdf(o->signer, tmp[1], diags);
		if (st == RG_OK)
			st = rg_sign_pdf(o->signer, tmp[2], diags);
	}
	/* All three are complete: move them into place together. */
	for (int k = 0; k < N_OUTPUTS && st == RG_OK; k++) {
		st = rg_rename_into_place(tmp[k], final[k], o->force, diags);
		if (st == RG_OK) {
			free(tmp[k]);
			tmp[k] = NULL;
		}
	}
	if (st != RG_OK) {
		/* A later rename failed: take back the ones already moved, so
		 * the folder never holds a mixed set. */
		for (int k = 0; k < N_OUTPUTS; k++)
			if (!tmp[k] && final[k] && !o->force)
				unlink(final[k]);
	}
	for (int k = 0; k < N_OUTPUTS; k++) {
		if (tmp[k])
			unlink(tmp[k]);
		free(tmp[k]);
		free(final[k]);
	}
	return st;
}

static int render_one(const char *bundle, size_t index, void *ctx, char *summary)
{
	(void)index;
	const struct render_opts *o = ctx;
	struct rg_arena arena;
	struct rg_diags diags;
	rg_arena_init(&arena);
	rg_diags_init(&diags);
	char *dir = out_dir_for(o, bundle);
	rg_status st = dir ? RG_OK : RG_EENV;
	for (int k = 0; k < N_OUTPUTS && st == RG_OK && !o->force; k++) {
		char *path = rg_asprintf("%s/%s", dir, outputs[k]);
		if (path && access(path, F_OK) == 0) {
			rg_diag_err(&diags, "output.exists", path, 0, NULL,
			            "give --force to replace it, or choose another -o folder",
			            "already exists and was left as it is");
			st = RG_EINPUT;
		}
		free(path);
	}
	struct rg_results *res = NULL;
	if (st == RG_OK)
		st = rg_run_judge(&res, bundle, &o->run, &arena, &diags);
	if (st == RG_OK)
		st = write_reports(o, res, dir, &arena, &diags);
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
	free(dir);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return rc;
}

int rg_cmd_render(int argc, char **argv)
{
	struct render_opts o = {0};
	rg_limits_default(&o.run.limits);
	o.template_name = "default";
	int jobs = 0;
	enum { O_KEY = 300, O_CERT, O_CHAIN, O_PASS, O_NOSIGN, O_TEMPLATE, O_PAGE, O_DIRECTIVE, O_FORCE };
	struct option longopts[16 + 32] = {
	    {"output", required_argument, NULL, 'o'},
	    {"key", required_argument, NULL, O_KEY},
	    {"cert", required_argument, NULL, O_CERT},
	    {"chain", required_argument, NULL, O_CHAIN},
	    {"passphrase-file", required_argument, NULL, O_PASS},
	    {"no-sign", no_argument, NULL, O_NOSIGN},
	    {"template", required_argument, NULL, O_TEMPLATE},
	    {"page-size", required_argument, NULL, O_PAGE},
	    {"directive", required_argument, NULL, O_DIRECTIVE},
	    {"force", no_argument, NULL, O_FORCE},
	    {"jobs", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	};
	rg_cli_add_limit_options(longopts, 12);
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:j:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		case 'o': o.outdir = optarg; break;
		case O_KEY: o.sign.key_path = optarg; break;
		case O_CERT: o.sign.cert_path = optarg; break;
		case O_CHAIN: o.sign.chain_path = optarg; break;
		case O_PASS: o.sign.passphrase_file = optarg; break;
		case O_NOSIGN: o.no_sign = true; break;
		case O_TEMPLATE: o.template_name = optarg; break;
		case O_PAGE: o.page_size = optarg; break;
		case O_DIRECTIVE: o.run.directive_path = optarg; break;
		case O_FORCE: o.force = true; break;
		case 'j':
			if (!rg_cli_parse_jobs(optarg, &jobs))
				return rg_cli_usage_error("render", "-j wants a positive number, not \"%s\"", optarg);
			break;
		default:
			if (c >= RG_CLI_LIMIT_BASE) {
				if (!rg_cli_limit_set(&o.run.limits, c, optarg))
					return 2;
				break;
			}
			return rg_cli_usage_error("render", "unknown option");
		}
	}
	if (optind >= argc)
		return rg_cli_usage_error("render", "give the bundle to render (a .zip file)");
	if (!o.outdir)
		return rg_cli_usage_error("render", "give the output folder with -o DIR");
	if (o.page_size && strcmp(o.page_size, "letter") != 0 && strcmp(o.page_size, "a4") != 0)
		return rg_cli_usage_error("render", "--page-size is letter or a4, not \"%s\"", o.page_size);
	bool any_key = o.sign.key_path || o.sign.cert_path || o.sign.chain_path || o.sign.passphrase_file;
	if (o.no_sign && any_key)
		return rg_cli_usage_error("render", "--no-sign and signing options exclude each other");
	if (!o.no_sign && (!o.sign.key_path || !o.sign.cert_path))
		return rg_cli_usage_error("render",
		                          "give --key and --cert to sign the reports, or --no-sign to write them unsigned");
	o.batch = argc - optind > 1;

	struct rg_diags diags;
	rg_diags_init(&diags);
	rg_status st = rg_generation_time(&o.run.generated_ms, &diags);
	if (st == RG_OK && !o.no_sign) {
		o.sign.signing_time_ms = o.run.generated_ms;
		st = rg_signer_load(&o.signer, &o.sign, &diags);
	}
	rg_cli_print_diags("render", &diags);
	rg_diags_free(&diags);
	if (st != RG_OK)
		return (int)st;
	if (o.no_sign)
		fprintf(stderr, "reportgen render: --no-sign: the reports are NOT signed\n");
	if (o.batch && ensure_dir(o.outdir, &diags) != RG_OK) {
		rg_cli_print_diags("render", &diags);
		rg_diags_free(&diags);
		rg_signer_free(o.signer);
		return 3;
	}
	rg_cli_progress_init(&o.run, o.batch);
	int rc = rg_batch_run(argv + optind, (size_t)(argc - optind), jobs, render_one, &o);
	rg_signer_free(o.signer);
	return rc;
}
