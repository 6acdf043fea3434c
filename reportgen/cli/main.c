/*
 * main.c: the reportgen executable: hands argv to the command table.
 *
 * Everything else lives in the library (reportgen/) and the command files
 * beside this one; main only dispatches and answers --help and --version.
 *
 * SIGXFSZ is ignored before anything else: by default a write past the
 * file-size limit (ulimit -f, RLIMIT_FSIZE) kills the process with no
 * message and leaves its temporaries behind.  Ignored, the write fails
 * with EFBIG, which the writers report as an ordinary write error (exit 3)
 * and clean up after, as they do for a full disk.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "rg_config.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"check", rg_cmd_check, "validate and judge a bundle; print a per-action table"},
	{"render", rg_cmd_render, "judge a bundle and write signed report.xml, report.pdf, summary.pdf"},
	{"verify", rg_cmd_verify, "check the signature of reports (PDF or XML)"},
	{"pack", rg_cmd_pack, "assemble a bundle ZIP from a folder, writing the manifest's digests"},
	{"init", rg_cmd_init, "write a bundle folder to fill in (manifest, CSV headers, README)"},
	{"import", rg_cmd_import, "convert Microsoft sign-in and audit exports to bundle CSV files"},
	{"diff", rg_cmd_diff, "compare two report.xml files: what changed, what regressed"},
	{"export", rg_cmd_export, "write a report.xml as OSCAL assessment results, POA&M or an action plan"},
	{"directive", rg_cmd_directive, "check directive definition files (docs/directive.md): every problem listed"},
	{"rollup", rg_cmd_rollup, "roll up many agencies' signed report.xml into rollup.pdf and rollup.csv"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: reportgen COMMAND [OPTIONS] ...\n\n"
	             "Judges an evidence bundle against CISA Emergency Directive 24-02 and writes\n"
	             "signed reports.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nExit status: 0 done (compliant / all signatures valid), 1 done but not\n"
	             "compliant (or a signature invalid), 2 bad input or usage, 3 environment failure.\n"
	             "'reportgen COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("reportgen %s\n", RG_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "reportgen: '%s' is not a command.\n", argv[1]);
	usage(stderr);
	return 2;
}
